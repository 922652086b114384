//! The broker register, and the broker a garbled institution name nearly spells.
//!
//! Converted reports carry OCR slips in names: one 舍得酒业 note prints its own broker as
//! 华㘛证券, 华刽证券, 华荟证券, 华盖证券… and never once as 华鑫证券. Such a name is matched to a
//! known broker only when the report itself agrees: the name differs from the broker's in one
//! character, and the report's analysts' SAC numbers carry the broker's firm code, its e-mail
//! addresses the broker's domain, or its text spells the broker in full. Otherwise the name stays
//! as printed.

use std::sync::LazyLock;

use regex::Regex;
use yanbao_model::Report;

/// The register shipped with the crate: `name \t SAC firm codes \t domains` (see the file's header).
const BROKERS_TSV: &str = include_str!("../data/brokers.tsv");

/// A known broker and what identifies its reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broker {
    /// The broker's name as it prints it (`华鑫证券`).
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

/// Endings a printed institution may carry after the broker's name (`华㘛证券研究所`).
const NAME_ENDINGS: [&str; 6] = ["股份有限公司", "有限责任公司", "研究所", "研究院", "研究中心", "研究部"];

static SAC_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"S[0-9]{13}").expect("valid regex"));
/// An e-mail domain as converted text prints it, spaces and all (`sunss@cfsc. com.cn`).
static EMAIL_DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@\s?([A-Za-z0-9-]+(?:\s?\.\s?[A-Za-z0-9-]+)+)").expect("valid regex"));

/// The brokers of the register.
pub fn brokers() -> &'static [Broker] {
    &BROKERS
}

/// Replaces a garbled `report.institution` by the broker it nearly spells when the report's own
/// evidence names that broker and no other, keeping the printed name in
/// `report.institution_as_printed`. A known or unmatched name is left as it is.
pub fn match_institution(report: &mut Report) {
    let Some(printed) = report.institution.clone() else { return };
    let Some(broker) = broker_spelled_by(&printed, report) else { return };
    let (stem, ending) = split_ending(&printed);
    if stem == broker.name {
        return;
    }
    report.institution = Some(format!("{}{ending}", broker.name));
    report.institution_as_printed = Some(printed);
}

/// Splits `华㘛证券研究所` into the name and its ending (`华㘛证券`, `研究所`).
fn split_ending(printed: &str) -> (&str, &str) {
    let printed = printed.trim();
    NAME_ENDINGS
        .iter()
        .find_map(|ending| printed.strip_suffix(ending).map(|stem| (stem, &printed[stem.len()..])))
        .unwrap_or((printed, ""))
}

/// The known broker a printed institution names: itself when it is one, else the one broker
/// it misspells by a single character that the report's evidence agrees on.
fn broker_spelled_by(printed: &str, report: &Report) -> Option<&'static Broker> {
    let (stem, _) = split_ending(printed);
    if let Some(known) = brokers().iter().find(|b| b.name == stem) {
        return Some(known);
    }
    if brokers().iter().any(|b| stem.contains(b.name)) {
        // `国泰君安证券研究所` and other longer names of a known broker are not garbled.
        return None;
    }
    let near: Vec<&Broker> = brokers().iter().filter(|b| one_character_apart(stem, b.name)).collect();
    if near.is_empty() {
        return None;
    }
    let evidence = Evidence::of(report);
    let mut supported = near.iter().filter(|b| evidence.supports(b));
    let first = supported.next()?;
    // Two brokers with evidence: the report does not say which, so the name stays as printed.
    supported.next().is_none().then_some(*first)
}

/// True when two names have the same length and differ in exactly one character.
fn one_character_apart(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    a.len() == b.len() && a.len() >= 3 && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
}

/// What a report says about who wrote it, besides the printed name.
#[derive(Debug, Default)]
struct Evidence {
    /// Firm codes of the SAC numbers it prints (`S1050`).
    sac_codes: Vec<String>,
    /// E-mail domains it prints, lowercased, spaces removed.
    domains: Vec<String>,
    /// All its text (to find a broker spelled in full).
    text: String,
}

impl Evidence {
    fn of(report: &Report) -> Evidence {
        let mut text = String::new();
        for block in &report.blocks {
            text.push_str(&block.text);
            text.push('\n');
        }
        for source in report.figures.iter().filter_map(|f| f.source.as_deref()).chain(report.tables.iter().filter_map(|t| t.source.as_deref())) {
            text.push_str(source);
            text.push('\n');
        }
        let printed_sacs = report.analysts.iter().filter_map(|a| a.sac.as_deref()).chain(SAC_NUMBER.find_iter(&text).map(|m| m.as_str()));
        let mut sac_codes: Vec<String> = printed_sacs.filter_map(|sac| sac.get(..5)).map(str::to_string).collect();
        sac_codes.dedup();
        let domains = EMAIL_DOMAIN
            .captures_iter(&text)
            .filter_map(|c| c.get(1))
            .map(|m| m.as_str().chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase())
            .collect();
        Evidence { sac_codes, domains, text }
    }

    /// True when the report's SAC numbers, e-mail domains or text point to this broker.
    fn supports(&self, broker: &Broker) -> bool {
        let by_sac = self.sac_codes.iter().any(|code| broker.sac_codes.contains(&code.as_str()));
        let by_domain = self.domains.iter().any(|domain| {
            broker.domains.iter().any(|known| domain == known || domain.strip_suffix(known).is_some_and(|rest| rest.ends_with('.')))
        });
        by_sac || by_domain || self.text.contains(broker.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::{Analyst, Block, BlockKind};

    fn report(institution: &str, analyst_sac: Option<&str>, text: &str) -> Report {
        let mut report = Report { institution: Some(institution.into()), ..Report::default() };
        report.analysts.push(Analyst { name: "孙山山".into(), sac: analyst_sac.map(str::to_string), role: None });
        report.blocks.push(Block { kind: BlockKind::Paragraph, text: text.into(), ..Block::default() });
        report
    }

    #[test]
    fn the_register_reads() {
        let huaxin = brokers().iter().find(|b| b.name == "华鑫证券").expect("华鑫证券 listed");
        assert_eq!((huaxin.sac_codes.as_slice(), huaxin.domains.as_slice()), (&["S1050"][..], &["cfsc.com.cn"][..]));
        assert!(brokers().len() >= 80);
    }

    #[test]
    fn a_garbled_broker_is_matched_when_the_report_agrees() {
        // Lines of mpb_舍得酒业.md: the cover's analyst and e-mail, a source line.
        let mut garbled = report("华㘛证券", Some("S1050521110005"), "由箱： sunss@cfsc. com.cn\n资料来源：Wind，华㘛证券研究");
        match_institution(&mut garbled);
        assert_eq!(garbled.institution.as_deref(), Some("华鑫证券"));
        assert_eq!(garbled.institution_as_printed.as_deref(), Some("华㘛证券"));
        // The e-mail domain alone is enough, and the printed ending is kept.
        let mut by_mail = report("华刽证券研究所", None, "凶: sunss@cfsc.com.cn");
        match_institution(&mut by_mail);
        assert_eq!(by_mail.institution.as_deref(), Some("华鑫证券研究所"));
    }

    #[test]
    fn without_agreeing_evidence_the_name_stays_as_printed() {
        // Eleven brokers are 华?证券: nothing in the report says which one.
        let mut unknown = report("华㘛证券", None, "资料来源：Wind，华㘛证券研究");
        match_institution(&mut unknown);
        assert_eq!((unknown.institution.as_deref(), unknown.institution_as_printed.as_deref()), (Some("华㘛证券"), None));
        // Evidence for two brokers: no choice is made.
        let mut torn = report("华㘛证券", Some("S1050521110005"), "华金证券 huajinsc.cn @huajinsc.cn");
        match_institution(&mut torn);
        assert_eq!(torn.institution.as_deref(), Some("华㘛证券"));
        // A known broker, and a longer name of one, are never touched.
        for name in ["光大证券研究所", "中国银河证券研究院", "国泰君安证券研究所"] {
            let mut known = report(name, Some("S1050521110005"), "cfsc.com.cn");
            match_institution(&mut known);
            assert_eq!((known.institution.as_deref(), known.institution_as_printed.as_deref()), (Some(name), None));
        }
    }
}
