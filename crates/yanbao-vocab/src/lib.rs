//! One vocabulary of report lines: the words and patterns by which broker reports print what
//! they are — caption labels, source and note prefixes, heading numbering, contents entries,
//! dates, page furniture, back-matter headings, rating words and actions, forecast-table heads
//! and broker names — shared by the text parser, the PDF parser, the model and the knowledge
//! layer, so that a word learned once is known everywhere and both parsers emit one form
//! (one label form, sources without their prefix, one name per broker).
//!
//! A leaf crate: it depends on no other yanbao crate. Each function takes one line (or name) and
//! is tested on the real line that motivated it.

#![warn(missing_docs)]

pub mod back_matter;
pub mod brokers;
pub mod caption;
pub mod contents;
pub mod dates;
pub mod forecast;
pub mod numbering;
pub mod page;
pub mod rating;
pub mod source;

pub use brokers::canonical_broker;
