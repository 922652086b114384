//! Events, entities and key numbers: dated events, named entities and amounts read off a structured report.
//!
//! Pure functions over [`yanbao_model::Report`], no I/O. [`enrich`] fills a report's `events`,
//! `entities` and `numbers`; [`parse_dates`] reads date expressions; [`merge_timeline`] merges the
//! events of many reports into one dated timeline.

mod dates;

pub use dates::{parse_dates, DateAnchor, DateMention, Precision};
