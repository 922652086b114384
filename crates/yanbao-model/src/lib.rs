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
pub mod excerpt;
pub mod finish;
mod fingerprint;
pub mod render;
pub mod securities;

pub use fingerprint::{fingerprint, fingerprint_bands, fingerprint_similarity, same_report, Identity};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Version of the report JSON layout. Bump when a field is added with new meaning or changes.
///
/// 2: key numbers point into their block (`span`) with a bounded `context` instead of copying
/// their whole `sentence`; event texts are bounded and carry a `span` into their block. Reports
/// of an older version are brought up to date by [`Report::upgrade`].
/// 3: `formula` blocks, a report's `year` shown when it has no date, `institution_as_printed`
/// beside a matched broker. Additive: a format-2 report reads as it is.
/// 4: the company a note covers (`company`), the rating word alone with its `rating_action`,
/// `target_price` as a number with its `target_currency`, earnings `forecasts`, and entities of
/// kind `company` with their code. Additive: a format-3 report reads as it is (a printed
/// `target_price` string is read as its number) and [`Report::upgrade`] splits its rating.
/// 5: a PDF figure's region on its page (`bbox`), so the chart can be shown as a picture.
/// Additive: an older report reads as it is, its figures without a region (caption cards).
/// 6: one vocabulary for both parsers (`yanbao-vocab`): the institution as its broker's one
/// canonical name, caption labels in one form (`图 1`), sources without their prefix and the note
/// printed on a source line in `notes`. [`Report::upgrade`] brings an older report to these forms.
/// 7: text read by OCR is marked: the pages (`source.ocr_pages`) and each block from them
/// (`ocr`). Additive: an older report reads as it is (nothing of it was OCR'd).
pub const FORMAT_VERSION: u32 = 7;

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

/// How a report's time is shown, the one rule for the CLI, the API listings and the pages: its
/// day when it is dated (`2023-02-02`), else its year alone (`2021`) — a year is shown as a
/// year, never dressed up as a date; None when neither is known.
pub fn report_when(date: Option<&str>, year: Option<i32>) -> Option<String> {
    match (date.map(str::trim).filter(|d| !d.is_empty()), year) {
        (Some(date), _) => Some(date.to_string()),
        (None, Some(year)) => Some(year.to_string()),
        (None, None) => None,
    }
}

/// A structured research report.
///
/// Fields outside the JSON contract of `PRODUCT.md` are left out of the JSON when empty (they
/// read back as empty), so a report's JSON stays in proportion to its source.
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Who published this copy (a news site or column, e.g. 财新网), when it differs from the institution.
    pub publisher: Option<String>,
    /// Research institution (broker) that wrote the report, e.g. 光大证券: a registered broker by
    /// its one canonical name (see `yanbao_vocab::canonical_broker`), or the known broker
    /// when the name as printed is a garbled spelling of it that the report's other evidence
    /// confirms (see `institution_as_printed`).
    pub institution: Option<String>,
    /// The institution exactly as the source printed it, when that differs from `institution`
    /// (an OCR-garbled `华㘛证券` matched to 华鑫证券).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution_as_printed: Option<String>,
    /// Author names, in cover order.
    pub authors: Vec<String>,
    /// Analysts with their registration (SAC) numbers, where printed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub analysts: Vec<Analyst>,
    /// Report date as `YYYY-MM-DD`: only ever a whole day (a report known only by its year has
    /// `date: null` and a `year`). Shown with [`report_when`].
    pub date: Option<String>,
    /// Report year (from the date, else the most plausible year mentioned).
    pub year: Option<i32>,
    /// `zh` or `en`.
    pub language: String,
    /// Report type (公司点评, 金融工程, 行业周报 …), where printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_type: Option<String>,
    /// The listed company the report is about (a company note or first-coverage report); null
    /// for industry, strategy, macro and morning notes that cover many companies.
    pub company: Option<Company>,
    /// Investment rating: the rating word as printed (买入, 增持, 推荐, 强烈推荐, 中性, 减持 …),
    /// without the broker's grade (`买入-A` → 买入) or action; see [`securities::parse_rating`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
    /// What the broker did to its rating: 维持 | 首次 | 上调 | 下调, where printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating_action: Option<securities::RatingAction>,
    /// Target price as a number, null when not printed or printed blank (`目标价：元`).
    #[serde(skip_serializing_if = "Option::is_none", deserialize_with = "price_number")]
    pub target_price: Option<f64>,
    /// Currency of the target price: `CNY`, `HKD` or `USD`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_currency: Option<String>,
    /// The broker's earnings forecasts for the forecast years (E columns) of its forecast table.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub forecasts: Vec<Forecast>,
    /// Related reports listed on the cover.
    #[serde(skip_serializing_if = "Vec::is_empty")]
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
    /// Key numbers (percentages, amounts with units), each pointing into its block.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub numbers: Vec<KeyNumber>,
    /// Running headers/footers removed from the body (kept, not lost).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub running_text: Vec<String>,
    /// Whether this is a cut-off preview, and where the full report lives.
    pub preview: Preview,
    /// What could not be structured, in words.
    pub warnings: Vec<String>,
    /// Set by the library, not by parsers: the id of the stored report this file is another copy
    /// of (same document, another file), so it is searched once, through that report.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

/// A listed company: `{"name": "巨星农牧", "code": "603477", "exchange": "SH"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Company {
    /// Name as the report prints it beside its code.
    pub name: String,
    /// Code without exchange (`603477`, `0700`, `AAPL`), null when the report never prints it.
    pub code: Option<String>,
    /// `SH`, `SZ`, `BJ`, `HK`, `NASDAQ`, `NYSE` or `US`.
    pub exchange: Option<String>,
}

/// One forecast value: `{"year": 2024, "metric": "net_profit", "value": 12.3, "unit": "亿元"}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Forecast {
    /// Forecast year (a `2024E` column).
    pub year: i32,
    /// `revenue`, `net_profit`, `eps`, `pe`, `pb`, `roe`, `gross_margin`, `ps`, `ev_ebitda`,
    /// `dps`, `bps`.
    pub metric: String,
    /// The value as printed (`49,516` → 49516; `25%` → 25).
    pub value: f64,
    /// Unit as printed with the row (`百万元`, `元`, `%`, `倍`), empty when none is printed.
    pub unit: String,
}

/// Reads a target price written as a number or, in format-3 JSON, as printed text
/// (`"32.96元"`, `"32.96"`); blank text reads as null.
fn price_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Price {
        Number(f64),
        Text(String),
    }
    Ok(match Option::<Price>::deserialize(deserializer)? {
        Some(Price::Number(value)) => Some(value),
        Some(Price::Text(text)) => {
            let start = text.find(|c: char| c.is_ascii_digit());
            start.and_then(|start| {
                let number: String = text[start..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
                number.parse().ok()
            })
        }
        None => None,
    })
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// 1-based pages whose text was read by OCR (pages without a text layer), in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ocr_pages: Vec<u32>,
}

/// The file name of a source path, without its folders: what a reader outside the machine that
/// ingested the report is shown (folders say how that machine is laid out, not what the report is).
pub fn file_name_of(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

impl Source {
    /// The file name of [`Source::path`], without its folders (see [`file_name_of`]).
    pub fn file_name(&self) -> &str {
        file_name_of(&self.path)
    }
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
    /// A displayed equation (`IC_IR = mean(IC) / std(IC)`, `=0.06835`): kept in its place, shown
    /// as a formula, not searched or counted as body text. See [`normalize::looks_like_formula`].
    Formula,
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
            BlockKind::Formula => "formula",
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
    /// True for disclaimer, rating-definition and similar back matter: kept and shown to authorised readers, never previewed, never indexed (every report of a broker repeats it).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub boilerplate: bool,
    /// True when the text was read off a page image by OCR (a scanned page), not from the PDF's
    /// text layer: it may hold recognition errors.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub ocr: bool,
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
    /// Where the chart lies on its page (between its caption and its source line), for PDF
    /// sources: what its picture is cut from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bbox: Option<PageBox>,
    /// Index into [`Report::blocks`].
    pub block: usize,
}

/// A rectangle on a page in PDF points (1/72 inch), measured from the page's top-left corner,
/// rounded outwards to whole points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageBox {
    /// Left edge.
    pub x0: u32,
    /// Top edge.
    pub y0: u32,
    /// Right edge.
    pub x1: u32,
    /// Bottom edge.
    pub y1: u32,
}

impl PageBox {
    /// The box around `x0..x1` × `y0..y1` (any order), rounded outwards; None when it is empty,
    /// not finite or off the page's negative side.
    pub fn around(x0: f32, y0: f32, x1: f32, y1: f32) -> Option<PageBox> {
        let (left, right) = (x0.min(x1), x0.max(x1));
        let (top, bottom) = (y0.min(y1), y0.max(y1));
        if ![left, right, top, bottom].iter().all(|v| v.is_finite()) || right - left < 1.0 || bottom - top < 1.0 {
            return None;
        }
        Some(PageBox { x0: left.max(0.0).floor() as u32, y0: top.max(0.0).floor() as u32, x1: right.max(0.0).ceil() as u32, y1: bottom.max(0.0).ceil() as u32 })
    }

    /// Width in points.
    pub fn width(&self) -> u32 {
        self.x1.saturating_sub(self.x0)
    }

    /// Height in points.
    pub fn height(&self) -> u32 {
        self.y1.saturating_sub(self.y0)
    }
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
    /// The sentence (or the clauses of a sentence that are about this date) or the table row
    /// text, cut to at most [`excerpt::EVENT_TEXT_CHARS`] characters around the date, at clause
    /// boundaries where possible, with `…` where cut; whole when shorter.
    pub text: String,
    /// People and organisations acting in it.
    pub actors: Vec<String>,
    /// Key numbers stated in its text (`549 项`, `610 亿美元`), as written.
    pub numbers: Vec<String>,
    /// Table row or running text.
    pub origin: EventOrigin,
    /// Index into [`Report::blocks`].
    pub block: usize,
    /// Character span `[start, end)` of the whole sentence or segment within
    /// `blocks[block].text`, for events of running text (`text` equals it when not cut); absent
    /// for table rows. See [`Report::event_excerpt`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<[usize; 2]>,
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
    /// A listed company (with its `code` when the report prints one).
    Company,
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A key number, pointing into its block, with a bounded context.
///
/// Format 1 copied the whole sentence (`sentence`) into every number, unbounded where the text
/// has no sentence end; format 2 points into the block instead. A format-1 `sentence` is
/// ignored when read; [`Report::upgrade`] computes `span` and `context`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyNumber {
    /// As written (`610 亿美元`, `53.9%`).
    pub text: String,
    /// Numeric value in the written unit.
    pub value: f64,
    /// Unit (`%`, `亿美元`, `项`).
    pub unit: String,
    /// Index into [`Report::blocks`].
    pub block: usize,
    /// Character span `[start, end)` of the number within `blocks[block].text` (characters,
    /// not bytes: Unicode scalar values, as Python `str` and JavaScript `Array.from` count
    /// them); the text at the span is `text`.
    pub span: [usize; 2],
    /// The sentence around the number, cut to at most [`excerpt::NUMBER_CONTEXT_CHARS`]
    /// characters (clauses around the number where they fit, else a window centred on it), with
    /// `…` where cut. The same as [`Report::number_context`] cuts from the block.
    pub context: String,
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
        // One pass over the bytes: the id is the first 8 bytes of the content hash.
        let sha256 = content_hash(bytes);
        Report {
            format_version: FORMAT_VERSION,
            id: sha256[..16].to_string(),
            source: Source {
                path: path.to_string(),
                media_type: media_type.to_string(),
                bytes: bytes.len() as u64,
                pages: None,
                sha256,
                ..Source::default()
            },
            language: "zh".to_string(),
            ..Report::default()
        }
    }

    /// The report's time as shown everywhere: its date, else its year (see [`report_when`]).
    pub fn when(&self) -> Option<String> {
        report_when(self.date.as_deref(), self.year)
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

    /// The sentence around a key number, cut from its block by its span (at most
    /// [`excerpt::NUMBER_CONTEXT_CHARS`] characters), with the number as the focus so renderers
    /// can mark it; None when the span does not point into the block.
    pub fn number_excerpt(&self, number: &KeyNumber) -> Option<excerpt::Excerpt<'_>> {
        let text = &self.blocks.get(number.block)?.text;
        let range = excerpt::byte_range(text, number.span).filter(|r| !r.is_empty())?;
        Some(excerpt::sentence_excerpt(text, range, excerpt::NUMBER_CONTEXT_CHARS))
    }

    /// The context of a key number as text (`…` where cut), cut from its block; the stored
    /// `context` when the span does not point into the block.
    pub fn number_context(&self, number: &KeyNumber) -> String {
        self.number_excerpt(number).map(|e| e.to_string()).unwrap_or_else(|| number.context.clone())
    }

    /// The sentence (or segment) of an event of running text, cut from its block by its span to
    /// at most `max_chars` characters around its date; None for table rows and spans that do not
    /// point into the block.
    pub fn event_excerpt(&self, event: &Event, max_chars: usize) -> Option<excerpt::Excerpt<'_>> {
        let text = &self.blocks.get(event.block)?.text;
        let region = excerpt::byte_range(text, event.span?)?;
        let focus = date_focus(text, region.clone(), &event.date_text);
        Some(excerpt::excerpt(text, region, focus, max_chars))
    }

    /// Brings a report read from an older [`FORMAT_VERSION`] up to the current one (pure; a
    /// current report is left as it is).
    ///
    /// From format 1: each key number is found in its block (in order, so repeated numbers map
    /// to their own occurrence) and gets its `span` and bounded `context`; numbers that are not
    /// in their block, or are glued into a run of numbers ([`excerpt::is_glued_number`], as
    /// extraction now leaves them out), are dropped. Events of running text are found in their
    /// block and get their `span`; every event text is bounded to
    /// [`excerpt::EVENT_TEXT_CHARS`] characters. From a format before 6: the vocabulary's one
    /// form ([`Report::to_canonical_forms`]).
    pub fn upgrade(&mut self) {
        if self.format_version < 4 {
            self.split_rating();
        }
        if self.format_version < 6 {
            self.to_canonical_forms();
        }
        if self.format_version >= 2 {
            // Format 3 only added fields and a block kind: nothing to rewrite.
            self.format_version = self.format_version.max(FORMAT_VERSION);
            return;
        }
        let Report { blocks, numbers, events, .. } = self;
        let mut counters: std::collections::HashMap<usize, (usize, excerpt::CharCounter<'_>)> = std::collections::HashMap::new();
        numbers.retain_mut(|number| {
            let Some(block) = blocks.get(number.block) else { return false };
            let text = block.text.as_str();
            if number.text.is_empty() {
                return false;
            }
            let (cursor, counter) = counters.entry(number.block).or_insert_with(|| (0, excerpt::CharCounter::new(text)));
            let Some(start) = find_number(text, &number.text, *cursor) else { return false };
            let range = start..start + number.text.len();
            *cursor = range.end;
            if excerpt::is_glued_number(text, range.clone()) {
                return false;
            }
            number.span = counter.span(range.clone());
            number.context = excerpt::sentence_excerpt(text, range, excerpt::NUMBER_CONTEXT_CHARS).to_string();
            true
        });
        let mut counters: std::collections::HashMap<usize, (usize, excerpt::CharCounter<'_>)> = std::collections::HashMap::new();
        // Where to look for an event's date next, per block, sentence start and date: a sentence
        // with the same date twice gave an event per mention; once every mention in a sentence
        // has its event, an event of the same text is a repeated sentence further on.
        let mut date_cursors: std::collections::HashMap<(usize, usize, String), usize> = std::collections::HashMap::new();
        for event in events.iter_mut() {
            event.span = None;
            let block = blocks.get(event.block).filter(|_| event.origin == EventOrigin::Text && !event.text.is_empty());
            let located = block.and_then(|block| {
                let text = block.text.as_str();
                let needle = event.text.as_str();
                let (cursor, counter) = counters.entry(event.block).or_insert_with(|| (0, excerpt::CharCounter::new(text)));
                let mut start = text[*cursor..].find(needle).map(|i| *cursor + i).or_else(|| text.find(needle))?;
                while let Some(&after) = date_cursors.get(&(event.block, start, event.date_text.clone())) {
                    if !date_focus(text, after..start + needle.len(), &event.date_text).is_empty() {
                        break;
                    }
                    let next = start + needle.chars().next().map_or(1, char::len_utf8);
                    match text[next..].find(needle) {
                        Some(i) => start = next + i,
                        None => break,
                    }
                }
                *cursor = start;
                let region = start..start + needle.len();
                let key = (event.block, start, event.date_text.clone());
                let from = date_cursors.get(&key).copied().unwrap_or(start);
                let mut focus = date_focus(text, from..region.end, &event.date_text);
                if focus.is_empty() {
                    focus = date_focus(text, region.clone(), &event.date_text);
                }
                if !focus.is_empty() {
                    date_cursors.insert(key, focus.end);
                }
                Some((text, region.clone(), focus, counter.span(region)))
            });
            event.text = match located {
                Some((text, region, focus, span)) => {
                    event.span = Some(span);
                    excerpt::excerpt(text, region, focus, excerpt::EVENT_TEXT_CHARS).to_string()
                }
                None => excerpt::bounded(&event.text, excerpt::EVENT_TEXT_CHARS),
            };
        }
        self.format_version = FORMAT_VERSION;
    }
}

impl Report {
    /// Splits a rating printed with its action or grade (`增持（维持）`, `买入-A`), as formats
    /// before 4 kept it, into the rating word and [`Report::rating_action`].
    pub fn split_rating(&mut self) {
        let Some(printed) = self.rating.as_deref() else { return };
        if let Some((word, action)) = securities::parse_rating(printed) {
            self.rating = Some(word);
            self.rating_action = self.rating_action.or(action);
        }
    }
}

/// The byte offset of the first occurrence of a number's written form at or after `from` that
/// is not the tail of a longer number or word (`16%` is not in `2.16%`, `316%` nor `A16%`),
/// as extraction reads numbers.
fn find_number(text: &str, number: &str, from: usize) -> Option<usize> {
    let mut from = from;
    while let Some(found) = text.get(from..)?.find(number) {
        let start = from + found;
        let before = text[..start].chars().next_back();
        let after = text[start + number.len()..].chars().next();
        let starts_alone = before.is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'));
        let ends_alone = !number.ends_with(|c: char| c.is_ascii_digit()) || after.is_none_or(|c| !c.is_ascii_digit());
        if starts_alone && ends_alone {
            return Some(start);
        }
        from = start + number.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// The byte range of an event's date within its region (the region's start when not found).
fn date_focus(text: &str, region: std::ops::Range<usize>, date_text: &str) -> std::ops::Range<usize> {
    match text[region.clone()].find(date_text).filter(|_| !date_text.is_empty()) {
        Some(i) => region.start + i..region.start + i + date_text.len(),
        None => region.start..region.start,
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_format_2_report_upgrades_without_rewriting() {
        let mut report = Report::new_for_source(b"abc", "a.txt", "text/plain");
        report.format_version = 2;
        report.blocks.push(Block { text: "正文".into(), ..Block::default() });
        let before = report.clone();
        report.upgrade();
        assert_eq!(report.format_version, FORMAT_VERSION);
        assert_eq!(Report { format_version: 2, ..report }, before);
    }

    #[test]
    fn a_format_3_report_reads_and_splits_its_rating() {
        let json = serde_json::json!({
            "format_version": 3, "title": "t", "rating": "增持（维持）", "target_price": "32.96元",
        });
        let mut report: Report = serde_json::from_value(json).expect("format 3 reads");
        assert_eq!(report.target_price, Some(32.96));
        assert_eq!(report.company, None);
        report.upgrade();
        assert_eq!(report.format_version, FORMAT_VERSION);
        assert_eq!(report.rating.as_deref(), Some("增持"));
        assert_eq!(report.rating_action, Some(securities::RatingAction::Maintain));
        let blank: Report = serde_json::from_value(serde_json::json!({ "target_price": "元" })).unwrap();
        assert_eq!(blank.target_price, None);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["rating_action"], "维持");
        assert_eq!(json["target_price"], 32.96);
        assert!(json["company"].is_null(), "company is always present, null when none");
        assert_eq!(serde_json::from_value::<Report>(json).unwrap(), report);
    }

    #[test]
    fn ids_are_stable_and_content_derived() {
        assert_eq!(report_id(b"abc"), report_id(b"abc"));
        assert_ne!(report_id(b"abc"), report_id(b"abd"));
        assert_eq!(report_id(b"abc").len(), 16);
        // A report built for a source carries the same id, cut from its content hash.
        let report = Report::new_for_source(b"abc", "a.txt", "text/plain");
        assert_eq!(report.id, report_id(b"abc"));
        assert!(report.source.sha256.starts_with(&report.id));
    }

    #[test]
    fn a_year_alone_is_shown_as_a_year() {
        assert_eq!(report_when(Some("2023-02-02"), Some(2023)).as_deref(), Some("2023-02-02"));
        assert_eq!(report_when(None, Some(2021)).as_deref(), Some("2021"));
        assert_eq!(report_when(Some(" "), Some(2021)).as_deref(), Some("2021"));
        assert_eq!(report_when(None, None), None);
        let seed = Report { year: Some(2021), ..Report::default() };
        assert_eq!(seed.when().as_deref(), Some("2021"));
        let json = serde_json::to_value(&seed).unwrap();
        assert_eq!((json["date"].clone(), json["year"].clone()), (serde_json::Value::Null, serde_json::json!(2021)), "date stays a day or null");
    }

    #[test]
    fn json_uses_contract_field_names() {
        let mut report = Report::new_for_source(b"x", "a.txt", "text/plain");
        report.blocks.push(Block { kind: BlockKind::Heading, text: "一、".into(), ..Block::default() });
        let json = serde_json::to_value(&report).unwrap();
        for key in ["id", "source", "title", "publisher", "institution", "authors", "date", "year",
            "language", "outline", "blocks", "tables", "figures", "events", "entities", "preview",
            "warnings", "format_version", "company"] {
            assert!(json.get(key).is_some(), "missing {key}");
        }
        assert_eq!(json["blocks"][0]["kind"], "heading");
        assert_eq!(json["source"]["pages"], serde_json::Value::Null);
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }
    /// A format-1 report: numbers copy their sentence, event texts are unbounded.
    fn v1_report() -> (String, String) {
        let long: String = "数据".repeat(15_000);
        let block = format!("{long}营收同比增长12.3%{long}");
        let event_sentence = format!("10月5日，USTR公布了549项产品清单，{}。", "涉及半导体设备与材料".repeat(40));
        let paragraph = format!("前言。{event_sentence}支持率为42.8%。");
        let json = serde_json::json!({
            "format_version": 1,
            "id": "0123456789abcdef",
            "blocks": [
                { "kind": "paragraph", "text": block },
                { "kind": "paragraph", "text": paragraph },
            ],
            "numbers": [
                { "text": "12.3%", "value": 12.3, "unit": "%", "sentence": block, "block": 0 },
                { "text": "549项", "value": 549.0, "unit": "项", "sentence": event_sentence, "block": 1 },
                { "text": "42.8%", "value": 42.8, "unit": "%", "sentence": "支持率为42.8%。", "block": 1 },
            ],
            "events": [
                { "date": "2021-10-05", "precision": "day", "date_text": "10月5日", "text": event_sentence, "origin": "text", "block": 1 },
                { "date": "2021-10-06", "precision": "day", "date_text": "10月6日", "text": "华为 发布 新品 ".repeat(60), "origin": "table", "block": 1 },
            ],
        });
        (json.to_string(), event_sentence)
    }

    #[test]
    fn format_1_reports_read_and_upgrade() {
        let (json, event_sentence) = v1_report();
        let mut report: Report = serde_json::from_str(&json).expect("format 1 reads");
        assert_eq!(report.format_version, 1);
        assert_eq!(report.numbers[0].span, [0, 0], "not yet upgraded");
        report.upgrade();
        assert_eq!(report.format_version, FORMAT_VERSION);
        assert_eq!(report.numbers.len(), 3);
        for number in &report.numbers {
            let text = &report.blocks[number.block].text;
            assert_eq!(&text[excerpt::byte_range(text, number.span).unwrap()], number.text);
            assert!(number.context.chars().count() <= excerpt::NUMBER_CONTEXT_CHARS, "{}", number.context);
            assert!(number.context.contains(&number.text));
            assert_eq!(report.number_context(number), number.context);
        }
        assert_eq!(report.numbers[0].span, [30_006, 30_011]);
        assert_eq!(report.numbers[2].context, "支持率为42.8%。");
        let event = &report.events[0];
        assert!(event.text.chars().count() <= excerpt::EVENT_TEXT_CHARS && event.text.ends_with('…'), "{}", event.text);
        assert!(event.text.starts_with("10月5日，USTR公布了549项产品清单，"), "{}", event.text);
        let span = event.span.expect("a text event points into its block");
        let block = &report.blocks[1].text;
        assert_eq!(&block[excerpt::byte_range(block, span).unwrap()], event_sentence);
        assert_eq!(report.event_excerpt(event, excerpt::EVENT_TEXT_CHARS).unwrap().to_string(), event.text);
        let row = &report.events[1];
        assert!(row.span.is_none() && row.text.chars().count() <= excerpt::EVENT_TEXT_CHARS && row.text.ends_with('…'));
        // Upgrading twice changes nothing; the new JSON has no sentence.
        let once = report.clone();
        report.upgrade();
        assert_eq!(report, once);
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["numbers"][0].get("sentence").is_none());
        assert_eq!(json["numbers"][0]["span"], serde_json::json!([30_006, 30_011]));
        assert!(json["events"][1].get("span").is_none());
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }

    #[test]
    fn upgrade_maps_repeated_sentences_and_numbers_to_their_own_place() {
        let json = serde_json::json!({
            "format_version": 1,
            "blocks": [{ "kind": "paragraph", "text": "9月1日，甲发布新品。增速2.16%。9月1日，甲发布新品。增速16%。" }],
            "numbers": [
                { "text": "2.16%", "value": 2.16, "unit": "%", "block": 0 },
                { "text": "16%", "value": 16.0, "unit": "%", "block": 0 },
            ],
            "events": [
                { "date": "2021-09-01", "date_text": "9月1日", "text": "9月1日，甲发布新品。", "origin": "text", "block": 0 },
                { "date": "2021-09-01", "date_text": "9月1日", "text": "9月1日，甲发布新品。", "origin": "text", "block": 0 },
            ],
        });
        let mut report: Report = serde_json::from_value(json).unwrap();
        report.upgrade();
        assert_eq!(report.numbers[1].span, [32, 35], "not the tail of 2.16%");
        assert_eq!(report.events[0].span, Some([0, 11]));
        assert_eq!(report.events[1].span, Some([19, 30]));
    }

    #[test]
    fn glued_numbers_are_dropped_on_upgrade() {
        let json = serde_json::json!({
            "format_version": 1,
            "blocks": [{ "kind": "paragraph", "text": "渗透率0%2%4%6%，增长12%。" }],
            "numbers": [
                { "text": "0%", "value": 0.0, "unit": "%", "block": 0 },
                { "text": "2%", "value": 2.0, "unit": "%", "block": 0 },
                { "text": "12%", "value": 12.0, "unit": "%", "block": 0 },
                { "text": "9%", "value": 9.0, "unit": "%", "block": 3 },
            ],
        });
        let mut report: Report = serde_json::from_value(json).unwrap();
        report.upgrade();
        let kept: Vec<&str> = report.numbers.iter().map(|n| n.text.as_str()).collect();
        assert_eq!(kept, vec!["12%"]);
    }

    #[test]
    fn a_format_5_report_reads_in_the_vocabularys_one_form() {
        let mut report = Report { format_version: 5, institution: Some("光大证券研究所".into()), ..Report::default() };
        report.figures.push(Figure {
            label: "图1".into(),
            caption: "样本".into(),
            source: Some("资料来源：光大证券研究所，Wind； 注：样本区间为 2017/3/31".into()),
            notes: Some("折线为支持率".into()),
            ..Figure::default()
        });
        report.tables.push(Table { label: String::new(), source: Some("数据来源: Wind".into()), ..Table::default() });
        report.upgrade();
        assert_eq!(report.format_version, FORMAT_VERSION);
        assert_eq!(report.institution.as_deref(), Some("光大证券"));
        let figure = &report.figures[0];
        assert_eq!(figure.label, "图 1");
        assert_eq!(figure.source.as_deref(), Some("光大证券研究所，Wind"));
        assert_eq!(figure.notes.as_deref(), Some("样本区间为 2017/3/31 折线为支持率"));
        assert_eq!((report.tables[0].label.as_str(), report.tables[0].source.as_deref()), ("", Some("Wind")));
        // A current report is left as it is.
        let before = report.clone();
        report.upgrade();
        assert_eq!(report, before);
    }
}
