//! Events, entities and key numbers: dated events, named entities and amounts read off a structured report.
//!
//! Pure functions over [`yanbao_model::Report`], no I/O. [`enrich`] fills a report's `events`,
//! `entities` and `numbers`, the company it covers with the broker's rating, target price and
//! forecasts ([`cover_company`]), links names to codes a [`CompanyRegistry`] learned, and matches a garbled institution to the broker it nearly spells
//! ([`match_institution`]); [`parse_dates`] reads date expressions; [`merge_timeline`] merges the
//! events of many reports into one dated timeline.

mod brokers;
mod companies;
mod coverage;
mod dates;
mod entities;
mod events;
mod numbers;
mod text;
mod timeline;

pub use brokers::{brokers, match_institution, Broker};
pub use companies::{base_name, companies_in_table, companies_in_text, CompanyRegistry};
pub use yanbao_model::securities::KnownCompany;
pub use coverage::{cover_company, forecasts, rating, target_price};
pub use dates::{parse_dates, DateAnchor, DateMention, Precision};
pub use entities::{actors_in, extract_entities};
pub use events::{anchor_for, is_event_date, table_events, text_events};
pub use numbers::{extract_numbers, numbers_in};
pub use timeline::{merge_timeline, Citation, TimelineEntry};

use yanbao_model::Report;

/// Fills report.events, report.entities and report.numbers from its blocks and tables (replacing
/// what was there), after matching a garbled institution name to its broker ([`match_institution`]).
///
/// Events come in reading order: the table rows of a table at its block, text events at theirs.
/// Each event's actors are the people and organisations of `report.entities` named in its text,
/// and its numbers the key numbers of its block that its text states. The report is left at the
/// current [`yanbao_model::FORMAT_VERSION`] (numbers and events point into their blocks).
pub fn enrich(report: &mut Report) {
    enrich_with(report, &CompanyRegistry::default());
}

/// [`enrich`], then the company layer: names the registry knows get their codes
/// ([`CompanyRegistry::link`]), and the covered company, rating, target price and forecasts are
/// read off the report ([`cover_company`], [`rating`], [`target_price`], [`forecasts`]).
pub fn enrich_with(report: &mut Report, registry: &CompanyRegistry) {
    match_institution(report);
    let entities = extract_entities(report);
    let anchor = anchor_for(report);
    let mut events = table_events(report, &anchor);
    events.extend(text_events(report, &anchor));
    events.sort_by_key(|e| e.block);
    let numbers = extract_numbers(report);
    let mut by_block: std::collections::HashMap<usize, Vec<&yanbao_model::KeyNumber>> = std::collections::HashMap::new();
    for number in &numbers {
        by_block.entry(number.block).or_default().push(number);
    }
    let actors = entities::ActorIndex::new(&entities);
    for event in &mut events {
        event.actors = actors.actors_in(&event.text);
        event.numbers = numbers_of_event(event, by_block.get(&event.block).map(Vec::as_slice).unwrap_or_default());
    }
    report.numbers = numbers;
    report.entities = entities;
    report.events = events;
    registry.link(report);
    coverage::fill(report);
    if let Some(company) = report.company.as_mut().filter(|c| c.code.is_none()) {
        if let Some(known) = registry.by_name(&company.name) {
            *company = known.to_company();
        }
    }
    report.format_version = yanbao_model::FORMAT_VERSION;
}

/// The key numbers of the event's block (`numbers`, in block order) whose written form its
/// text contains, in order, once each; for an event of running text, only those within its span.
fn numbers_of_event(event: &yanbao_model::Event, numbers: &[&yanbao_model::KeyNumber]) -> Vec<String> {
    let candidates = match event.span {
        // Paragraph numbers come in span order: those inside the event's sentence.
        Some([start, end]) => {
            let first = numbers.partition_point(|n| n.span[0] < start);
            let last = first + numbers[first..].partition_point(|n| n.span[0] < end);
            &numbers[first..last]
        }
        None => numbers,
    };
    let text = yanbao_model::normalize::fold(&event.text);
    let mut found: Vec<String> = Vec::new();
    for number in candidates.iter().filter(|n| event.span.is_none_or(|[_, end]| n.span[1] <= end)) {
        if text.contains(&yanbao_model::normalize::fold(&number.text)) && !found.contains(&number.text) {
            found.push(number.text.clone());
        }
    }
    found
}

#[cfg(test)]
mod enrich_tests {
    use super::*;
    use yanbao_model::{Block, BlockKind};

    #[test]
    fn events_carry_the_numbers_they_state() {
        let mut report = Report { date: Some("2021-11-15".into()), ..Report::default() };
        report.blocks.push(Block {
            kind: BlockKind::Paragraph,
            text: "10月5日，USTR公布了549项产品清单。该数据更新截至2021年11月12日，支持率为42.8%。".into(),
            ..Block::default()
        });
        enrich(&mut report);
        let event = report.events.iter().find(|e| e.date == "2021-10-05").expect("the 10月5日 event");
        assert!(event.numbers.iter().any(|n| n.contains("549")), "{:?}", event.numbers);
        assert!(!event.numbers.iter().any(|n| n.contains("42.8")), "a number of another sentence: {:?}", event.numbers);
    }
}
