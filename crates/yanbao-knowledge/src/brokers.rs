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

pub use yanbao_vocab::brokers::{brokers, Broker};
use yanbao_vocab::brokers::{canonical_broker, split_ending};

static SAC_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"S[0-9]{13}").expect("valid regex"));
/// An e-mail domain as converted text prints it, spaces and all (`sunss@cfsc. com.cn`).
static EMAIL_DOMAIN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"@\s?([A-Za-z0-9-]+(?:\s?\.\s?[A-Za-z0-9-]+)+)").expect("valid regex"));

/// Gives `report.institution` its one canonical broker name: a registered broker's other name
/// (`光大证券研究所`, `Everbright Securities`) becomes its name (`光大证券`), so the institution
/// facet counts one broker once; a garbled name becomes the broker it nearly spells when the
/// report's own evidence names that broker and no other, keeping the printed name in
/// `report.institution_as_printed`. An unmatched name is left as it is.
pub fn match_institution(report: &mut Report) {
    let Some(printed) = report.institution.clone() else { return };
    if let Some(name) = canonical_broker(&printed) {
        if name != printed {
            report.institution = Some(name.to_string());
        }
        return;
    }
    let Some(broker) = broker_spelled_by(&printed, report) else { return };
    report.institution = Some(broker.name.to_string());
    report.institution_as_printed = Some(printed);
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
    fn a_garbled_broker_is_matched_when_the_report_agrees() {
        // Lines of mpb_舍得酒业.md: the cover's analyst and e-mail, a source line.
        let mut garbled = report("华㘛证券", Some("S1050521110005"), "由箱： sunss@cfsc. com.cn\n资料来源：Wind，华㘛证券研究");
        match_institution(&mut garbled);
        assert_eq!(garbled.institution.as_deref(), Some("华鑫证券"));
        assert_eq!(garbled.institution_as_printed.as_deref(), Some("华㘛证券"));
        // The e-mail domain alone is enough; the broker goes by its one name.
        let mut by_mail = report("华刽证券研究所", None, "凶: sunss@cfsc.com.cn");
        match_institution(&mut by_mail);
        assert_eq!(by_mail.institution.as_deref(), Some("华鑫证券"));
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
        // A known broker's other names become its one name, never another broker's.
        for (name, canonical) in [("光大证券研究所", "光大证券"), ("中国银河证券研究院", "中国银河证券"), ("国泰君安证券研究所", "国泰君安证券"), ("Everbright Securities", "光大证券")] {
            let mut known = report(name, Some("S1050521110005"), "cfsc.com.cn");
            match_institution(&mut known);
            assert_eq!((known.institution.as_deref(), known.institution_as_printed.as_deref()), (Some(canonical), None));
        }
    }
}
