//! Broker names: the register of brokers with one canonical name each (`data/brokers.tsv`),
//! the other names they print (`光大证券研究所`, `光大证券股份有限公司`, `Everbright Securities`,
//! `中国国际金融`), and [`canonical_broker`] from any of them to the one name.

use regex::Regex;
use std::sync::LazyLock;

/// The register shipped with the crate: `name \t SAC firm codes \t domains` (see the file's header).
const BROKERS_TSV: &str = include_str!("../data/brokers.tsv");

/// A known broker and what identifies its reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    /// The broker's canonical name, as it prints it (`华鑫证券`).
    pub name: &'static str,
    /// Firm codes of its analysts' SAC numbers (`S1050`).
    pub sac_codes: Vec<&'static str>,
    /// Domains of its e-mail addresses and web site (`cfsc.com.cn`).
    pub domains: Vec<&'static str>,
}

static BROKERS: LazyLock<Vec<Broker>> = LazyLock::new(|| {
    let list = |field: Option<&'static str>| -> Vec<&'static str> {
        field.unwrap_or("").split(',').map(str::trim).filter(|v| !v.is_empty()).collect()
    };
    BROKERS_TSV
        .lines()
        .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split('\t');
            let name = fields.next().unwrap_or("").trim();
            Broker { name, sac_codes: list(fields.next()), domains: list(fields.next()) }
        })
        .collect()
});

/// The brokers of the register.
pub fn brokers() -> &'static [Broker] {
    &BROKERS
}

/// Endings a printed institution may carry after the broker's name (`光大证券研究所`).
pub const NAME_ENDINGS: [&str; 6] = ["股份有限公司", "有限责任公司", "研究所", "研究院", "研究中心", "研究部"];

/// Other names of registered brokers → the canonical name: short forms, former and full
/// Chinese names, English names.
const ALIASES: [(&str, &str); 22] = [
    ("国泰君安", "国泰君安证券"),
    ("中国国际金融", "中金公司"),
    ("中金", "中金公司"),
    ("申万宏源", "申万宏源证券"),
    ("中信建投", "中信建投证券"),
    ("中银国际", "中银证券"),
    ("中银国际证券", "中银证券"),
    ("银河证券", "中国银河证券"),
    ("Everbright Securities", "光大证券"),
    ("China Everbright Securities", "光大证券"),
    ("Guotai Junan Securities", "国泰君安证券"),
    ("CICC", "中金公司"),
    ("China International Capital Corporation", "中金公司"),
    ("Huatai Securities", "华泰证券"),
    ("CITIC Securities", "中信证券"),
    ("Haitong Securities", "海通证券"),
    ("GF Securities", "广发证券"),
    ("China Merchants Securities", "招商证券"),
    ("Soochow Securities", "东吴证券"),
    ("Orient Securities", "东方证券"),
    ("Industrial Securities", "兴业证券"),
    ("Guosen Securities", "国信证券"),
];

/// Broker names as reports print them, most specific first (a name with 证券 before its stem):
/// what a cover, a running header or a back page is searched for.
pub const PRINTED_NAMES: &[&str] = &[
    "国泰君安证券", "国泰君安", "中金公司", "中国国际金融", "申万宏源证券", "申万宏源", "中信建投证券", "中信建投", "中信证券",
    "华泰证券", "国盛证券", "德邦证券", "东吴证券", "方正证券", "招商证券", "广发证券", "光大证券", "东方证券", "华西证券",
    "浙商证券", "国信证券", "东北证券", "东海证券", "中泰证券", "西部证券", "兴业证券", "华创证券", "华福证券", "国海证券",
    "天风证券", "海通证券", "安信证券", "长江证券", "民生证券", "开源证券", "国金证券", "平安证券", "财通证券", "太平洋证券",
    "华安证券", "国元证券", "东兴证券", "信达证券", "中银证券", "中银国际", "中国银河证券", "银河证券", "华鑫证券", "国联证券",
    "东莞证券", "万联证券", "首创证券", "川财证券", "山西证券", "华宝证券", "国投证券", "粤开证券", "华金证券", "中原证券",
    "西南证券", "财信证券", "渤海证券", "长城证券", "华源证券", "甬兴证券", "国都证券", "中航证券", "东方财富证券", "湘财证券",
    "南京证券", "第一创业证券", "红塔证券", "五矿证券", "中邮证券", "世纪证券", "国开证券", "中天证券", "华龙证券", "上海证券",
    "北京证券", "江海证券", "九州证券", "大同证券", "联储证券", "华林证券", "东亚前海证券", "英大证券", "中山证券", "财达证券",
];

/// A broker name as converted text prints it: a name ending in 证券, 期货 or 资信, with one of
/// [`NAME_ENDINGS`] (`中国银河证券研究院`). Group 1 is the name, group 2 the ending.
pub static PRINTED_BROKER: LazyLock<Regex> = LazyLock::new(|| {
    let endings = NAME_ENDINGS.join("|");
    Regex::new(&format!(r"([\p{{Han}}]{{2,8}}(?:证券|期货|资信))({endings})?")).expect("valid regex")
});

/// Splits `华㘛证券研究所` into the name and its ending (`华㘛证券`, `研究所`); endings repeat
/// (`光大证券股份有限公司研究所` → `光大证券`).
pub fn split_ending(printed: &str) -> (&str, &str) {
    let printed = printed.trim();
    let mut stem = printed;
    while let Some(shorter) = NAME_ENDINGS.iter().find_map(|ending| stem.strip_suffix(ending)) {
        stem = shorter.trim_end();
    }
    (stem, &printed[stem.len()..])
}

/// The one canonical name of a registered broker, from any name it prints: `光大证券研究所`,
/// `光大证券股份有限公司`, `Everbright Securities` → `光大证券`; `中国国际金融` → `中金公司`. None
/// for a name that is not a registered broker (it is then kept as printed).
pub fn canonical_broker(printed: &str) -> Option<&'static str> {
    let (stem, _) = split_ending(printed);
    let stem = stem.trim_end_matches([',', '.', ' ']).trim();
    // English company forms: `… Co., Ltd.`, `… Limited`.
    let lower = stem.to_ascii_lowercase();
    let stem = ["co., ltd", "co.,ltd", "co. ltd", "limited"]
        .iter()
        .find(|form| lower.ends_with(*form))
        .map_or(stem, |form| stem[..stem.len() - form.len()].trim_end_matches([',', ' ']));
    let alias = ALIASES.iter().find(|(alias, _)| alias.eq_ignore_ascii_case(stem)).map(|(_, name)| *name);
    let name = alias.unwrap_or(stem);
    brokers().iter().find(|b| b.name == name).map(|b| b.name).or_else(|| {
        // A converter that lost line breaks glues the name to what was printed before it (an
        // address, a heading): `国际中心七层山西证券股份有限公司`, `免责声明渤海证券股份有限公司`.
        // The longest registered name ending the stem is the broker.
        brokers().iter().filter(|b| b.name.chars().count() >= 4 && name.ends_with(b.name)).max_by_key(|b| b.name.len()).map(|b| b.name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_register_reads() {
        let huaxin = brokers().iter().find(|b| b.name == "华鑫证券").expect("华鑫证券 listed");
        assert_eq!((huaxin.sac_codes.as_slice(), huaxin.domains.as_slice()), (&["S1050"][..], &["cfsc.com.cn"][..]));
        assert!(brokers().len() >= 80);
    }

    #[test]
    fn one_name_per_broker() {
        for printed in ["光大证券", "光大证券研究所", "光大证券股份有限公司", "Everbright Securities", "EVERBRIGHT SECURITIES CO., LTD."] {
            assert_eq!(canonical_broker(printed), Some("光大证券"), "{printed}");
        }
        assert_eq!(canonical_broker("中国国际金融股份有限公司"), Some("中金公司"));
        assert_eq!(canonical_broker("国泰君安证券研究所"), Some("国泰君安证券"));
        assert_eq!(canonical_broker("中国银河证券研究院"), Some("中国银河证券"));
        assert_eq!(canonical_broker("华㘛证券"), None);
        // Glued to the address or heading printed before it.
        assert_eq!(canonical_broker("国际中心七层山西证券股份有限公司"), Some("山西证券"));
        assert_eq!(canonical_broker("免责声明渤海证券股份有限公司"), Some("渤海证券"));
        assert_eq!(canonical_broker("东方财富证券研究所"), Some("东方财富证券"));
        assert_eq!(canonical_broker("Cboe"), None);
        // Every name a report prints is a registered broker's.
        for printed in PRINTED_NAMES {
            assert!(canonical_broker(printed).is_some(), "{printed}");
        }
    }

    #[test]
    fn endings() {
        assert_eq!(split_ending("华㘛证券研究所"), ("华㘛证券", "研究所"));
        assert_eq!(split_ending("光大证券"), ("光大证券", ""));
    }
}
