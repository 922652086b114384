//! Listed companies: names printed beside their codes, and a registry learned from them.
//!
//! A report teaches a company when it prints its name with its code: `紫金矿业（601899.SH）`,
//! `金凯生科 (301509.SZ)`, `高测股份 688556`, a table row `601899.SH | 紫金矿业`. Codes are read
//! by [`yanbao_model::securities::find_codes`]; a bare run of digits counts only beside a name
//! (in brackets after it, or in the next cell of a table row), so dates, phone numbers and page
//! numbers never make companies. [`CompanyRegistry`] keeps every name↔code pair a library has
//! printed, so a later report naming only 紫金矿业, or an alias, links to the same code.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use yanbao_model::securities::{find_codes, KnownCompany, Security};
use yanbao_model::{Company, Entity, EntityKind, Report, Table};

use crate::entities::company_short_name;

/// Suffixes an exchange adds to a name for a listing status (`芯原股份-U`, `美团-W`, `*ST 华仪`);
/// the company is the same.
const LISTING_MARKS: [&str; 6] = ["-UWD", "-UW", "-WD", "-U", "-W", "-SW"];

/// The company name without listing marks (`芯原股份-U` → `芯原股份`, `*ST华仪` → `华仪`).
pub fn base_name(name: &str) -> &str {
    let mut name = name.trim().trim_start_matches('*');
    name = name.strip_prefix("ST").map(str::trim_start).unwrap_or(name);
    for mark in LISTING_MARKS {
        if let Some(stripped) = name.strip_suffix(mark) {
            return stripped.trim_end();
        }
    }
    name
}

/// The name printed right before a code (`紫金矿业（`, `芯原股份-U (`, `推荐关注高测股份 `), if
/// the code is bracketed or, unbracketed, follows the name after spaces.
fn name_before(text: &str, code_start: usize, marked: bool) -> Option<String> {
    let head = &text[..code_start];
    let spaced = head.ends_with([' ', '\t']);
    let before_bracket = head.trim_end_matches([' ', '\t', '$']);
    let bracketed = before_bracket.ends_with(['(', '（']);
    // A bare code must be bracketed or follow the name after a space: `600519` glued to text is
    // a number in a sentence (`共600519股`, `第000001页`).
    if !(marked || bracketed || spaced) {
        return None;
    }
    let head = before_bracket.trim_end_matches(['(', '（']).trim_end_matches([' ', '\t']);
    let head = strip_listing_mark(head);
    let run_start = head
        .char_indices()
        .rev()
        .take_while(|(_, c)| yanbao_model::normalize::is_han(*c) || *c == '*' || c.is_ascii_alphabetic())
        .last()
        .map(|(i, _)| i)?;
    let run = &head[run_start..];
    if !run.chars().any(yanbao_model::normalize::is_han) {
        return None;
    }
    let name = company_short_name(run);
    let name = base_name(&name).to_string();
    is_plausible_name(&name).then_some(name)
}

/// Words of table heads and metrics that stand beside codes but never name a company
/// (`评级 600732.SH`, `ROE摊薄 | 002821`).
const NOT_COMPANY_WORDS: [&str; 14] =
    ["评级", "代码", "简称", "名称", "摊薄", "收入", "利润", "增长", "市值", "股价", "合计", "平均", "公司", "指数"];

/// Endings of names that stand beside codes but are a research department or a market index
/// (`华鑫证券研究所 002812` in a credit line, `上证综指`, `创业板指`): a library that learned them
/// would make every report naming its own research department mention a company.
const NOT_COMPANY_ENDINGS: [&str; 4] = ["研究所", "研究院", "指数", "指"];

/// Endings of the measures and section words printed next to codes in tables and headings
/// (`BETA值`, `涨跌幅 | 002850`, `603121.SH 事件概述`, `标的理由`, `东吴研究`): a measure ends in
/// 值/幅/率/额, a section heading in one of these words; no listed company's short name does.
const NOT_COMPANY_TAILS: [&str; 18] = [
    "值", "幅", "率", "额", "概述", "理由", "承诺", "研究", "至今", "要点", "提示", "点评", "摘要", "事件", "分析", "观点", "建议", "回顾",
];

/// True for a plausible company name: 2–10 characters with Chinese, no metric or column word,
/// no rating word (`买入 | 600519` in a rating table), department or index.
pub(crate) fn is_plausible_name(name: &str) -> bool {
    (2..=10).contains(&name.chars().count())
        && name.chars().any(yanbao_model::normalize::is_han)
        && !NOT_COMPANY_WORDS.iter().chain(&NOT_COMPANY_ENDINGS).chain(&NOT_COMPANY_TAILS).any(|w| name.ends_with(w))
        && !["证券", "股票", "个股", "标的", "沪深", "上证", "深证", "中证"].contains(&name)
        && !yanbao_model::securities::RATING_WORDS.contains(&name)
        && !name.contains("ROE")
}

/// True for the code of a market index rather than a listed company: Shanghai's `000xxx`
/// (`000001.SH` 上证指数, `000300.SH` 沪深300) and Shenzhen's `399xxx` (`399006` 创业板指).
/// Index tables print them beside names like any stock.
fn is_index_code(security: &Security) -> bool {
    let code = security.code.as_str();
    code.len() == 6 && (code.starts_with("399") || (code.starts_with("000") && security.exchange.as_deref() == Some("SH")))
}

/// `芯原股份-U ` → `芯原股份`: the listing mark is dropped before the name is cut from the run.
fn strip_listing_mark(head: &str) -> &str {
    LISTING_MARKS.iter().find_map(|mark| head.strip_suffix(mark)).unwrap_or(head).trim_end()
}

/// The name printed right after a marked code (`601899.SH 紫金矿业`).
fn name_after(text: &str, code_end: usize) -> Option<String> {
    let rest = text[code_end..].trim_start_matches([' ', '\t', '|', ')', '）']);
    let run: String = rest.chars().take_while(|c| yanbao_model::normalize::is_han(*c)).collect();
    ((2..=6).contains(&run.chars().count()) && is_plausible_name(&run)).then_some(run)
}

/// Companies printed with their codes in a text: `公司名（代码）`, `公司名 代码`, `代码 公司名`
/// (marked codes only), in order.
pub fn companies_in_text(text: &str) -> Vec<(String, Security)> {
    let mut found = Vec::new();
    if !text.bytes().any(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
        return found;
    }
    for code in find_codes(text).into_iter().filter(|code| !is_index_code(&code.security)) {
        let name = name_before(text, code.start, code.marked).or_else(|| code.marked.then(|| name_after(text, code.end)).flatten());
        if let Some(name) = name {
            found.push((name, code.security));
        }
    }
    found
}

/// Companies in a table's rows: a cell that is one code beside a cell that is a name
/// (`601899.SH | 紫金矿业`, `紫金矿业 | 601899`). A bare code needs the whole cell to itself.
pub fn companies_in_table(table: &Table) -> Vec<(String, Security)> {
    let mut found = Vec::new();
    for row in std::iter::once(&table.header).chain(&table.rows) {
        for (i, cell) in row.iter().enumerate() {
            let cell = cell.trim();
            let codes = find_codes(cell);
            let [code] = codes.as_slice() else { continue };
            if code.start != 0 || code.end != cell.len() || is_index_code(&code.security) {
                continue;
            }
            let neighbour = [i + 1, i.wrapping_sub(1)].into_iter().filter_map(|j| row.get(j)).map(|c| c.trim()).find(|c| is_name_cell(c));
            if let Some(name) = neighbour {
                found.push((base_name(name).to_string(), code.security.clone()));
            }
        }
    }
    found
}

/// A table cell holding a company name: 2–10 characters, Chinese, no digits.
fn is_name_cell(cell: &str) -> bool {
    is_plausible_name(cell) && !cell.chars().any(|c| c.is_ascii_digit() || matches!(c, '%' | '：' | ':' | '，'))
}

/// Companies learned from reports: name ↔ code ↔ aliases. Pure data (serialisable, so a
/// library can keep it); [`CompanyRegistry::learn_from`] feeds it a report, and
/// [`CompanyRegistry::link`] gives another report's names their codes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRegistry {
    /// By code key (`601899.SH`; the code alone when the exchange is unknown).
    companies: BTreeMap<String, KnownCompany>,
    /// Every name and alias, to its code key.
    names: BTreeMap<String, String>,
}

impl CompanyRegistry {
    /// An empty registry.
    pub fn new() -> CompanyRegistry {
        CompanyRegistry::default()
    }

    /// How many companies it knows.
    pub fn len(&self) -> usize {
        self.companies.len()
    }

    /// True when it knows none.
    pub fn is_empty(&self) -> bool {
        self.companies.is_empty()
    }

    /// Records a name printed beside a code. A second name for a known code becomes an alias;
    /// a name already taken by another code keeps its first code (the registry never guesses
    /// between two companies of one name).
    pub fn learn(&mut self, name: &str, security: &Security) {
        let name = base_name(name);
        // Every path in (entities, covered companies) passes the same test of a name.
        if !is_plausible_name(name) || security.code.is_empty() || is_index_code(security) {
            return;
        }
        let key = security.key();
        let entry = self.companies.entry(key.clone()).or_insert_with(|| KnownCompany {
            name: name.to_string(),
            code: security.code.clone(),
            exchange: security.exchange.clone(),
            aliases: BTreeSet::new(),
        });
        if entry.name != name {
            entry.aliases.insert(name.to_string());
        }
        self.names.entry(name.to_string()).or_insert(key);
    }

    /// Adds an alias for a known code (`茅台` for 600519.SH); false when the code is unknown.
    pub fn add_alias(&mut self, security: &Security, alias: &str) -> bool {
        let key = security.key();
        let Some(entry) = self.companies.get_mut(&key) else { return false };
        entry.aliases.insert(alias.to_string());
        self.names.entry(alias.to_string()).or_insert(key);
        true
    }

    /// The company a name or alias stands for.
    pub fn by_name(&self, name: &str) -> Option<&KnownCompany> {
        self.names.get(base_name(name)).and_then(|key| self.companies.get(key))
    }

    /// The company of a code (`601899`, with or without its exchange).
    pub fn by_code(&self, code: &str) -> Option<&KnownCompany> {
        self.companies.get(code).or_else(|| self.companies.values().find(|c| c.code == code))
    }

    /// Every name and alias it knows, for scanning texts.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }

    /// Adds a company as a library kept it (its name, code and aliases), e.g. when loading a
    /// stored registry. Names already taken keep their first code, as in [`CompanyRegistry::learn`]:
    /// insert companies in the order they were learned.
    pub fn insert(&mut self, company: KnownCompany) {
        let key = company.key();
        for name in std::iter::once(&company.name).chain(&company.aliases) {
            self.names.entry(name.clone()).or_insert_with(|| key.clone());
        }
        self.companies.insert(key, company);
    }

    /// Every company it knows, by code.
    pub fn companies(&self) -> impl Iterator<Item = &KnownCompany> {
        self.companies.values()
    }

    /// Learns a company printed with its code (a bare A-share code gets the exchange of its
    /// number range); returns its key, or None when it has no code.
    pub fn learn_company(&mut self, company: &Company) -> Option<String> {
        let code = company.code.as_ref()?;
        let exchange = company.exchange.clone().or_else(|| yanbao_model::securities::a_share_exchange(code).map(String::from));
        let security = Security { code: code.clone(), exchange };
        self.learn(&company.name, &security);
        Some(security.key())
    }

    /// Learns every company a report prints with its code: its entities of kind company with a
    /// code, and the company it covers. Returns those companies as the registry now knows them
    /// (what a library must save after this report).
    pub fn learn_from(&mut self, report: &Report) -> Vec<KnownCompany> {
        let printed = report
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Company)
            .map(|e| Company { name: e.name.clone(), code: e.code.clone(), exchange: None })
            .chain(report.company.clone());
        let keys: BTreeSet<String> = printed.filter_map(|company| self.learn_company(&company)).collect();
        keys.iter().filter_map(|key| self.companies.get(key)).cloned().collect()
    }

    /// Gives a report's entities and covered company the codes the registry knows for their
    /// names; a known name or alias the report mentions but no entity holds becomes a company
    /// entity (a weekly naming only 紫金矿业 links to 601899).
    pub fn link(&self, report: &mut Report) {
        if self.is_empty() {
            return;
        }
        for entity in &mut report.entities {
            if entity.code.is_none() && matches!(entity.kind, EntityKind::Org | EntityKind::Company | EntityKind::Other) {
                if let Some(known) = self.by_name(&entity.name) {
                    entity.kind = EntityKind::Company;
                    entity.code = Some(known.code.clone());
                }
            }
        }
        if let Some(company) = report.company.as_mut().filter(|c| c.code.is_none()) {
            if let Some(known) = self.by_name(&company.name) {
                company.code = Some(known.code.clone());
                company.exchange = known.exchange.clone();
            }
        }
        let texts = crate::entities::entity_texts(report);
        let counts = crate::entities::count_mentions(&texts, self.names());
        let mut added = Vec::new();
        for (name, mentions) in counts {
            if report.entities.iter().any(|e| e.name == name) {
                continue;
            }
            if let Some(known) = self.by_name(&name) {
                added.push(Entity { name, kind: EntityKind::Company, mentions, code: Some(known.code.clone()) });
            }
        }
        report.entities.extend(added);
        report.entities.sort_by(|a, b| b.mentions.cmp(&a.mentions).then_with(|| a.name.cmp(&b.name)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(code: &str) -> Security {
        Security { code: code.into(), exchange: Some("SH".into()) }
    }

    fn names(found: Vec<(String, Security)>) -> Vec<(String, String)> {
        found.into_iter().map(|(n, s)| (n, s.code)).collect()
    }

    fn pair(name: &str, code: &str) -> (String, String) {
        (name.to_string(), code.to_string())
    }

    #[test]
    fn names_beside_codes_in_text() {
        assert_eq!(names(companies_in_text("重点推荐紫金矿业（601899.SH）")), vec![pair("紫金矿业", "601899")]);
        assert_eq!(names(companies_in_text("芯原股份-U (688521.SH) 2022 年中报点评")), vec![pair("芯原股份", "688521")]);
        assert_eq!(names(companies_in_text("舍得酒业 (600702): 双品牌战略")), vec![pair("舍得酒业", "600702")]);
        assert_eq!(names(companies_in_text("601899.SH 紫金矿业")), vec![pair("紫金矿业", "601899")]);
        assert_eq!(names(companies_in_text("腾讯控股（0700.HK）")), vec![pair("腾讯控股", "0700")]);
        assert_eq!(names(companies_in_text("苹果（AAPL.O）")), vec![pair("苹果", "AAPL")]);
        assert_eq!(names(companies_in_text("平安银行（000001）")), vec![pair("平安银行", "000001")]);
        assert_eq!(names(companies_in_text("【汽车-爱柯迪 (600933)】")), vec![pair("爱柯迪", "600933")]);
    }

    #[test]
    fn a_report_teaches_its_companies_once_each() {
        let mut report = Report { company: Some(Company { name: "紫金矿业".into(), code: Some("601899".into()), exchange: Some("SH".into()) }), ..Report::default() };
        report.entities.push(Entity { name: "紫金矿业".into(), kind: EntityKind::Company, mentions: 3, code: Some("601899".into()) });
        report.entities.push(Entity { name: "洛阳钼业".into(), kind: EntityKind::Company, mentions: 1, code: Some("603993".into()) });
        report.entities.push(Entity { name: "江西铜业".into(), kind: EntityKind::Org, mentions: 1, code: None });
        let mut registry = CompanyRegistry::new();
        let taught: Vec<String> = registry.learn_from(&report).into_iter().map(|c| c.key()).collect();
        assert_eq!(taught, vec!["601899.SH", "603993.SH"], "bare A-share codes get their exchange");
    }

    #[test]
    fn ratings_departments_and_indices_are_never_companies() {
        let mut registry = CompanyRegistry::new();
        for name in ["买入", "增持", "研究所", "华鑫证券研究所", "上证综指", "创业板指", "沪深"] {
            registry.learn(name, &sh("600519"));
        }
        assert!(registry.is_empty(), "{registry:?}");
        assert!(companies_in_text("买入 600519.SH").is_empty());
    }

    #[test]
    fn measures_section_words_and_index_codes_are_never_companies() {
        // Seen beside codes in the visible company notes and weeklies: column measures, section
        // headings after a cover's code line, a credit line, and index tables.
        let mut registry = CompanyRegistry::new();
        for name in ["BETA值", "涨跌幅", "年涨幅", "近十年均值", "事件概述", "标的理由", "分红承诺", "入选至今", "东吴研究", "投资要点"] {
            registry.learn(name, &sh("600753"));
        }
        registry.learn("上证指数", &sh("000001"));
        registry.learn("沪深300", &sh("000300"));
        registry.learn("筑村料一", &sh("000001"));
        registry.learn("创业板", &Security { code: "399006".into(), exchange: Some("SZ".into()) });
        assert!(registry.is_empty(), "{registry:?}");
        assert!(companies_in_text("华培动力（603121.SH）\n603121.SH 事件概述").iter().all(|(name, _)| name == "华培动力"));
        // An index legend under a cover chart is no company, in text or in a table.
        assert_eq!(companies_in_text("—801710. SI建筑村料一000001. SH上证碂指"), vec![]);
        let index_row = Table { header: vec!["代码".into(), "名称".into()], rows: vec![vec!["000300.SH".into(), "沪深三百".into()]], ..Table::default() };
        assert_eq!(companies_in_table(&index_row), vec![]);
        // Real names with those characters elsewhere stay companies; 000001.SZ is a bank.
        for (name, code) in [("东方银星", "600753"), ("平安银行", "000001"), ("科达利", "002850"), ("宁德时代", "300750")] {
            registry.learn(name, &Security { code: code.into(), exchange: yanbao_model::securities::a_share_exchange(code).map(String::from) });
        }
        assert_eq!(registry.len(), 4, "{registry:?}");
        assert_eq!(registry.by_name("平安银行").map(|c| c.code.as_str()), Some("000001"));
    }

    #[test]
    fn numbers_that_only_look_like_codes() {
        for text in [
            "宏观点评 20230202",
            "电话: 0769-22111089",
            "联系电话：15618995441",
            "第000001页",
            "总市值215,763百万元",
            "截至2023年3月3日，指数下跌600519点",
            "共600519股",
        ] {
            assert!(companies_in_text(text).is_empty(), "{text}: {:?}", companies_in_text(text));
        }
    }

    #[test]
    fn table_rows_pair_codes_and_names() {
        let table = Table {
            header: vec!["代码".into(), "公司".into(), "评级".into()],
            rows: vec![
                vec!["601899.SH".into(), "紫金矿业".into(), "买入".into()],
                vec!["三星电子".into(), "005930".into(), "".into()],
                vec!["2023".into(), "营业收入".into(), "12".into()],
                vec!["000001".into(), "12.5".into(), "".into()],
                vec!["002821".into(), "ROE摊薄".into(), "".into()],
            ],
            ..Table::default()
        };
        assert_eq!(names(companies_in_table(&table)), vec![pair("紫金矿业", "601899")]);
    }

    #[test]
    fn the_registry_links_later_reports() {
        let mut registry = CompanyRegistry::new();
        registry.learn("紫金矿业", &sh("601899"));
        registry.learn("贵州茅台", &sh("600519"));
        registry.learn("芯原股份-U", &sh("688521"));
        registry.learn("芯原微电子", &sh("688521"));
        assert!(registry.add_alias(&sh("600519"), "茅台"));
        assert!(!registry.add_alias(&sh("999999"), "无"));
        assert_eq!(registry.by_name("茅台").map(|c| c.code.as_str()), Some("600519"));
        assert_eq!(registry.by_name("芯原股份").map(|c| c.aliases.len()), Some(1));
        assert_eq!(registry.by_code("601899").map(|c| c.name.as_str()), Some("紫金矿业"));
        // What a library keeps and loads back is the same registry.
        let mut loaded = CompanyRegistry::new();
        registry.companies().cloned().for_each(|company| loaded.insert(company));
        assert_eq!(loaded, registry);
        // A name keeps its first code.
        registry.learn("紫金矿业", &sh("600000"));
        assert_eq!(registry.by_name("紫金矿业").map(|c| c.code.as_str()), Some("601899"));

        let mut later = Report::default();
        later.blocks.push(yanbao_model::Block { text: "【紫金矿业】成交价上行，茅台批价稳定。".into(), ..Default::default() });
        later.entities.push(Entity { name: "紫金矿业".into(), kind: EntityKind::Org, mentions: 1, code: None });
        later.company = Some(Company { name: "贵州茅台".into(), code: None, exchange: None });
        registry.link(&mut later);
        let zijin = later.entities.iter().find(|e| e.name == "紫金矿业").expect("kept");
        assert_eq!((zijin.kind, zijin.code.as_deref()), (EntityKind::Company, Some("601899")));
        let maotai = later.entities.iter().find(|e| e.name == "茅台").expect("an alias mentioned becomes an entity");
        assert_eq!(maotai.code.as_deref(), Some("600519"));
        assert_eq!(later.company.and_then(|c| c.code).as_deref(), Some("600519"));

        let json = serde_json::to_string(&registry).unwrap();
        assert_eq!(serde_json::from_str::<CompanyRegistry>(&json).unwrap(), registry);
    }
}
