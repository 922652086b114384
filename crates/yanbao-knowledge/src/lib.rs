//! Events, entities and key numbers: dated events, named entities and amounts read off a structured report.
//!
//! Pure functions over [`yanbao_model::Report`], no I/O. [`enrich`] fills a report's `events`,
//! `entities` and `numbers`; [`parse_dates`] reads date expressions; [`merge_timeline`] merges the
//! events of many reports into one dated timeline.

mod dates;
mod entities;
mod events;
mod numbers;
mod text;
mod timeline;

pub use dates::{parse_dates, DateAnchor, DateMention, Precision};
pub use entities::{actors_in, extract_entities};
pub use events::{anchor_for, is_event_date, table_events, text_events};
pub use numbers::{extract_numbers, numbers_in};
pub use timeline::{merge_timeline, Citation, TimelineEntry};

use yanbao_model::Report;

/// Fills report.events, report.entities and report.numbers from its blocks and tables (replacing what was there).
///
/// Events come in reading order: the table rows of a table at its block, text events at theirs.
/// Each event's actors are the people and organisations of `report.entities` named in its text.
pub fn enrich(report: &mut Report) {
    let entities = extract_entities(report);
    let anchor = anchor_for(report);
    let mut events = table_events(report, &anchor);
    events.extend(text_events(report, &anchor));
    events.sort_by_key(|e| e.block);
    for event in &mut events {
        event.actors = actors_in(&event.text, &entities);
    }
    report.numbers = extract_numbers(report);
    report.entities = entities;
    report.events = events;
}
