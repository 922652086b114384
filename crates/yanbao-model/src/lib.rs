//! The yanbao document model: one research report as a typed, citable document.
//!
//! Every parser (text/Markdown in `yanbao-text`, PDF in `yanbao-pdf`) produces a [`Report`];
//! the store keeps its JSON, the index reads its blocks, the service renders it. The JSON field
//! names are a public contract (see `PRODUCT.md`); [`FORMAT_VERSION`] changes whenever a field's
//! meaning changes, so stored reports can be re-parsed.
//!
//! This crate has no I/O: it holds the types, the id derivation and the text folding rules that
//! all other crates must agree on.

pub mod normalize;
mod fingerprint;
pub mod render;

pub use fingerprint::{fingerprint, fingerprint_similarity};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the report JSON layout. Bump when a field is added with new meaning or changes.
pub const FORMAT_VERSION: u32 = 1;

/// Returns the stable report id for a source file: the first 16 hex digits of its SHA-256.
///
/// The same bytes always give the same id, which makes ingest idempotent.
pub fn report_id(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    hex::encode(&digest[..8])
}

/// Returns the full SHA-256 of the source bytes, in hex (kept to tell hash collisions of the short id).
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A structured research report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    /// Layout version of this JSON ([`FORMAT_VERSION`] when written).
    pub format_version: u32,
    /// Stable id derived from the source bytes (hex), see [`report_id`].
    pub id: String,
    /// Where the report came from.
    pub source: Source,
    /// Report title (cover title for PDFs, first heading for text).
    pub title: String,
    /// Series line or subtitle, when printed.
    pub subtitle: Option<String>,
    /// Who published this copy (a news site or column, e.g. 财新网), when it differs from the institution.
    pub publisher: Option<String>,
    /// Research institution (broker) that wrote the report, e.g. 光大证券研究所.
    pub institution: Option<String>,
    /// Author names, in cover order.
    pub authors: Vec<String>,
    /// Analysts with their registration (SAC) numbers, where printed.
    pub analysts: Vec<Analyst>,
    /// Report date as `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Report year (from the date, else the most plausible year mentioned).
    pub year: Option<i32>,
    /// `zh` or `en`.
    pub language: String,
    /// Report type (公司点评, 金融工程, 行业周报 …), where printed.
    pub report_type: Option<String>,
    /// Investment rating (增持（维持）, 买入 …), where printed.
    pub rating: Option<String>,
    /// Target price, where printed.
    pub target_price: Option<String>,
    /// Related reports listed on the cover.
    pub related_reports: Vec<String>,
    /// Section headings in reading order.
    pub outline: Vec<OutlineEntry>,
    /// The body, in reading order.
    pub blocks: Vec<Block>,
    /// Tables with their cells.
    pub tables: Vec<Table>,
    /// Figures (charts, images) with caption, source and notes.
    pub figures: Vec<Figure>,
    /// Dated events found in tables and text.
    pub events: Vec<Event>,
    /// Named entities with mention counts.
    pub entities: Vec<Entity>,
    /// Key numbers (percentages, amounts with units) with their sentence.
    pub numbers: Vec<KeyNumber>,
    /// Running headers/footers removed from the body (kept, not lost).
    pub running_text: Vec<String>,
    /// Whether this is a cut-off preview, and where the full report lives.
    pub preview: Preview,
    /// What could not be structured, in words.
    pub warnings: Vec<String>,
}

/// Where a report came from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Source {
    /// Path (or upload name) the report was read from.
    pub path: String,
    /// Media type: `application/pdf`, `text/markdown`, `text/plain`, `text/html`.
    pub media_type: String,
    /// Size of the source in bytes.
    pub bytes: u64,
    /// Page count for paged sources.
    pub pages: Option<u32>,
    /// Full SHA-256 of the source bytes.
    pub sha256: String,
    /// Text encoding the source was decoded from (`UTF-8`, `GBK`, …), for text sources.
    pub encoding: Option<String>,
}

/// An analyst on the cover.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analyst {
    /// Name.
    pub name: String,
    /// Securities Association of China certificate number (e.g. S0600523020004).
    pub sac: Option<String>,
    /// Role as printed (证券分析师, 联系人, 研究助理).
    pub role: Option<String>,
}

/// One outline entry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OutlineEntry {
    /// 1 = top-level section.
    pub level: u8,
    /// Heading text.
    pub title: String,
    /// Index into [`Report::blocks`] of the heading block.
    pub block: usize,
}

/// The kind of a body block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// A section heading.
    Heading,
    /// Running text.
    #[default]
    Paragraph,
    /// A list (items joined by newlines).
    List,
    /// A table; its cells are in [`Report::tables`].
    Table,
    /// A figure; its caption is in [`Report::figures`].
    Figure,
}

impl BlockKind {
    /// Returns the lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Heading => "heading",
            BlockKind::Paragraph => "paragraph",
            BlockKind::List => "list",
            BlockKind::Table => "table",
            BlockKind::Figure => "figure",
        }
    }
}

/// One body block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Normalised text (for tables and figures: label, caption and cell text, for search).
    pub text: String,
    /// 1-based page, for paged sources.
    pub page: Option<u32>,
    /// Index into [`Report::outline`] of the section this block belongs to.
    pub section: Option<usize>,
    /// True for disclaimer, rating-definition and similar back matter: searchable, never previewed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boilerplate: bool,
}

/// A table with its cells.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Table {
    /// Label as printed, normalised (`表 1`, `图表 3`), or empty for unlabelled tables.
    pub label: String,
    /// Caption without the label.
    pub caption: String,
    /// Header cells.
    pub header: Vec<String>,
    /// Body rows.
    pub rows: Vec<Vec<String>>,
    /// The 资料来源/数据来源 line, prefix removed.
    pub source: Option<String>,
    /// 注/备注 lines.
    pub notes: Option<String>,
    /// 1-based page of the caption.
    pub page: Option<u32>,
    /// Index into [`Report::blocks`].
    pub block: usize,
}

/// A figure (chart or image) with its caption.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Figure {
    /// Label as printed, normalised (`图 1`, `图表 12`, `Figure 3`).
    pub label: String,
    /// Caption without the label.
    pub caption: String,
    /// The 资料来源/数据来源 line, prefix removed.
    pub source: Option<String>,
    /// 注/备注 text.
    pub notes: Option<String>,
    /// 1-based page of the caption.
    pub page: Option<u32>,
    /// Index into [`Report::blocks`].
    pub block: usize,
}

/// Where an event was found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventOrigin {
    /// A table row whose first cell is a date.
    Table,
    /// A sentence of running text.
    #[default]
    Text,
}

/// A dated event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Event {
    /// ISO date `YYYY-MM-DD` (the start, for ranges).
    pub date: String,
    /// End date for ranges.
    pub date_end: Option<String>,
    /// day | month | quarter | half | year | range.
    pub precision: String,
    /// The date as written.
    pub date_text: String,
    /// The sentence or row text.
    pub text: String,
    /// People and organisations acting in it.
    pub actors: Vec<String>,
    /// Key numbers stated in its text (`549 项`, `610 亿美元`), as written.
    pub numbers: Vec<String>,
    /// Table row or running text.
    pub origin: EventOrigin,
    /// Index into [`Report::blocks`].
    pub block: usize,
}

/// The kind of a named entity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// An organisation: company, ministry, agency, broker.
    Org,
    /// A place.
    Place,
    /// Anything else.
    #[default]
    Other,
}

/// A named entity and how often the report mentions it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Entity {
    /// Canonical name.
    pub name: String,
    /// What it is.
    pub kind: EntityKind,
    /// Mentions in this report.
    pub mentions: u32,
    /// Stock code for listed companies (688556).
    pub code: Option<String>,
}

/// A key number with its context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyNumber {
    /// As written (`610 亿美元`, `53.9%`).
    pub text: String,
    /// Numeric value in the written unit.
    pub value: f64,
    /// Unit (`%`, `亿美元`, `项`).
    pub unit: String,
    /// The sentence it stands in.
    pub sentence: String,
    /// Index into [`Report::blocks`].
    pub block: usize,
}

/// Preview state of a source that was itself a cut-off preview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preview {
    /// True when the source ends in a preview cut-off notice.
    pub truncated: bool,
    /// The notice as printed (预览已结束，完整报告链接和二维码如下).
    pub notice: Option<String>,
    /// Link to the full report carried by the source.
    pub full_report_url: Option<String>,
}

impl Report {
    /// Returns an empty report for the given source bytes, with id, hash and format version set.
    pub fn new_for_source(bytes: &[u8], path: &str, media_type: &str) -> Report {
        Report {
            format_version: FORMAT_VERSION,
            id: report_id(bytes),
            source: Source {
                path: path.to_string(),
                media_type: media_type.to_string(),
                bytes: bytes.len() as u64,
                pages: None,
                sha256: content_hash(bytes),
                encoding: None,
            },
            language: "zh".to_string(),
            ..Report::default()
        }
    }

    /// Iterates over the blocks that may appear in previews and snippets (not boilerplate).
    pub fn body_blocks(&self) -> impl Iterator<Item = (usize, &Block)> {
        self.blocks.iter().enumerate().filter(|(_, b)| !b.boilerplate)
    }

    /// Returns the heading title of the section a block belongs to.
    pub fn section_title(&self, block: usize) -> Option<&str> {
        let section = self.blocks.get(block)?.section?;
        self.outline.get(section).map(|o| o.title.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_content_derived() {
        assert_eq!(report_id(b"abc"), report_id(b"abc"));
        assert_ne!(report_id(b"abc"), report_id(b"abd"));
        assert_eq!(report_id(b"abc").len(), 16);
    }

    #[test]
    fn json_uses_contract_field_names() {
        let mut report = Report::new_for_source(b"x", "a.txt", "text/plain");
        report.blocks.push(Block { kind: BlockKind::Heading, text: "一、".into(), ..Block::default() });
        let json = serde_json::to_value(&report).unwrap();
        for key in ["id", "source", "title", "publisher", "institution", "authors", "date", "year",
            "language", "outline", "blocks", "tables", "figures", "events", "entities", "preview",
            "warnings", "format_version"] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["blocks"][0]["kind"], "heading");
        assert_eq!(json["source"]["pages"], serde_json::Value::Null);
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }
}
