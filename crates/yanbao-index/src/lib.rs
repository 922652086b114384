//! Chinese + English full-text search over reports, paragraphs, figures, tables and events
//! (tantivy + jieba).
//!
//! The index is a derived read model of the store: [`SearchIndex::add_report`] turns a
//! [`Report`] into one document per report, text block, figure, table and event, and
//! [`SearchIndex::search`] answers a [`SearchRequest`] with ranked, highlighted [`Hit`]s and
//! optional [`Facets`]. It can always be rebuilt from the stored reports (`yanbao reindex`); an
//! index written by another version refuses to open and says so.
//!
//! Ranking: BM25 over three fields per text — jieba words (boosted, so whole-word matches rank
//! first), character bigrams (recall inside compounds: 元首 in 中美元首, 工程 in 在建工程) and
//! English stems (`sale` finds `sales`; the exact form, matching the word field too, ranks
//! first) — with the title ×3 and figure/table captions ×2. User input is never parsed as query
//! syntax: queries are built from our own tokens (see [`query`]).
//!
//! **Hits grouped by report.** In scopes `all` and `paragraphs` a search returns, by default,
//! one hit per report — its best passage — with how many more of its passages match
//! ([`Hit::more_in_report`]) and the next best few ([`Hit::more_hits`]); pages count reports, and
//! the response says how many passages and how many reports match
//! ([`SearchResponse::total`], [`SearchResponse::total_reports`]). A query matching one report
//! nine times would otherwise fill a page with it. [`SearchRequest::report`] searches within one
//! report (ungrouped): what "N more in this report" links to.
//!
//! **Cost follows reports, not passages.** A common word matches hundreds of thousands of
//! passages in a large library; a grouped search never visits them all. It ranks the report
//! documents first (their text lives in fields of their own, so this reads report postings
//! only), then walks the passages of the page's reports alone — each report's documents are
//! contiguous in one segment — and counts the passage total only up to [`TOTAL_COUNT_CAP`]
//! (beyond it the total is a lower bound, [`SearchResponse::total_at_least`]).
//!
//! Everything a search needs is in the index, so answering never reads a report: stored fields
//! build the hit, and [`Hit::previewed`] says whether the hit's block is in the report's public
//! preview — decided when the report is indexed, from the cut the engine passes to
//! [`SearchIndex::add_report`] (the report document keeps the cut as fast fields, for blocks
//! cited elsewhere: [`SearchIndex::preview_extents`]). Filters are query clauses, so the total
//! counts exactly the documents a caller can page through.
//!
//! **Boilerplate is not indexed.** Blocks the parsers mark as boilerplate (disclaimers, analyst
//! statements, rating definitions, contact blocks) get no document — no paragraph, figure, table
//! or event hit can point into one — and their text is left out of the report-level document
//! too, so a report is not found by its disclaimer either. Those blocks are the same template in
//! every report of a broker: indexed, a query like 评级 or 投资建议 would match every report
//! of the broker and rank templates among real findings, and they would weigh on the index
//! for nothing. Institution, authors and the title remain searchable on the report document,
//! and the full text of a report still shows its boilerplate.
//!
//! The index is a read model: what it was built from (the store generation, the engine's preview
//! policy) is recorded with each commit ([`SearchIndex::set_meta`], [`SearchIndex::commit_at`]).

#![warn(missing_docs)]

pub mod collect;
pub mod query;
pub mod schema;
pub mod snippet;
pub mod tokenize;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::ops::Bound;
use std::path::Path;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::columnar::Column;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query, RangeQuery, Scorer, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, Value};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::indexer::UserOperation;
use tantivy::{DocAddress, DocSet, Index, IndexReader, IndexSettings, IndexWriter, Order, ReloadPolicy, Score, SegmentOrdinal, TantivyDocument, TantivyError, Term, TERMINATED};
use yanbao_model::Report;

use crate::collect::{best_first, DistinctStrCollector, FacetCollector, FacetMaps, GroupCollector, Ranked, ReportGroup, STR_FACETS};
use crate::query::{date_key, mark_terms, parse_query, Chunk, DateEnd};
use crate::schema::{build_schema, name_key, report_documents, Fields, REPORT_KEY_FIELD, GRAMS_TOKENIZER, INDEX_VERSION, STEMS_TOKENIZER, WORDS_TOKENIZER};
use crate::snippet::snippet;
use crate::tokenize::{stem_analyzer, Stream, YanbaoTokenizer};

/// Boost of the title fields.
const TITLE_BOOST: f32 = 3.0;
/// Boost of the figure/table caption fields.
const CAPTION_BOOST: f32 = 2.0;
/// Boost of a chunk's whole-word match over its bigram match.
const WORD_BOOST: f32 = 2.0;
/// Extra weight when a multi-gram chunk occurs contiguously, as typed.
const CONTIGUOUS_BOOST: f32 = 2.0;
/// Weight of a figure's or table's text besides its caption (source, notes, cells): it supports
/// the caption, which says what the chart shows (a chart whose note names 拜登 and 支持率 apart
/// must not outrank the one captioned 拜登支持率).
const NOTE_BOOST: f32 = 0.5;
/// Boost of an English word's exact form over its other forms (stem field).
const EXACT_FORM_BOOST: f32 = 2.0;
/// More passages of a report shown under its best one, in grouped searches.
const MORE_HITS_SHOWN: usize = 3;
/// Hits returned when the request's limit is 0.
const DEFAULT_LIMIT: usize = 10;
/// Most hits returned by one request.
const MAX_LIMIT: usize = 1000;
/// Deepest offset accepted.
const MAX_OFFSET: usize = 10_000;
/// Matching documents counted exactly for a grouped search's total; beyond, the total is a
/// lower bound (as Elasticsearch's default `track_total_hits`): counting every match of a
/// common word would cost what grouped search avoids.
pub const TOTAL_COUNT_CAP: usize = 10_000;
/// Most values listed per facet.
const MAX_FACET_VALUES: usize = 50;
/// Writer heap for on-disk indexes (split over the writer threads). 128 MiB keeps a whole
/// ingest — parent, index writer and PDF workers — under 1 GiB; a larger heap only flushes
/// segments less often.
const DISK_WRITER_HEAP: usize = 128 * 1024 * 1024;
/// Writer heap for in-memory indexes (tests, small tools).
const RAM_WRITER_HEAP: usize = 32 * 1024 * 1024;
/// File recording the [`INDEX_VERSION`] an on-disk index was written with.
const VERSION_FILE: &str = "yanbao-index-version";

/// A field with the boost its matches get.
type BoostedField = (Field, f32);

/// Errors of the search index, one clear lowercase line each.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The on-disk index was written with another schema or tokenisation.
    #[error("search index at {path} is incompatible ({reason}): run `yanbao reindex`")]
    Incompatible {
        /// Index directory.
        path: String,
        /// What differs.
        reason: String,
    },
    /// The query is longer than the bounds in [`query`].
    #[error("query too long: {0}")]
    QueryTooLong(String),
    /// A `from`/`to` value is not a date.
    #[error("invalid date {0:?}: expected YYYY-MM-DD, YYYY-MM or YYYY")]
    InvalidDate(String),
    /// An unknown scope name.
    #[error("unknown search scope {0:?}: expected all, reports, paragraphs, figures, tables or events")]
    InvalidScope(String),
    /// A report without an id cannot be indexed (it could never be replaced or removed).
    #[error("report has no id")]
    MissingId,
    /// Another process holds the index writer.
    #[error("search index is locked by another writer (is another yanbao process ingesting?)")]
    Locked,
    /// The index directory could not be created or read.
    #[error("search index directory {path}: {source}")]
    Io {
        /// Index directory.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A writer thread panicked while holding the writer.
    #[error("search index writer is unusable after a panic")]
    Poisoned,
    /// Any other tantivy failure.
    #[error("search index: {0}")]
    Tantivy(String),
}

impl From<TantivyError> for IndexError {
    fn from(error: TantivyError) -> IndexError {
        match error {
            TantivyError::LockFailure(..) => IndexError::Locked,
            other => IndexError::Tantivy(lowercase_first(&other.to_string())),
        }
    }
}

/// Returns the message with its first letter lowercased (paths and names inside stay as they are).
fn lowercase_first(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Which documents a search looks at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every kind.
    #[default]
    All,
    /// Whole reports.
    Reports,
    /// Headings, paragraphs and lists.
    Paragraphs,
    /// Figure captions, sources and notes ("chart search").
    Figures,
    /// Table captions and cells.
    Tables,
    /// Dated events.
    Events,
}

impl Scope {
    /// Returns the lowercase name (as accepted by `--in` and `FromStr`).
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::All => "all",
            Scope::Reports => "reports",
            Scope::Paragraphs => "paragraphs",
            Scope::Figures => "figures",
            Scope::Tables => "tables",
            Scope::Events => "events",
        }
    }

    /// Returns the document kind this scope is restricted to, `None` for all.
    fn kind(self) -> Option<&'static str> {
        match self {
            Scope::All => None,
            Scope::Reports => Some(schema::KIND_REPORT),
            Scope::Paragraphs => Some(schema::KIND_PARAGRAPH),
            Scope::Figures => Some(schema::KIND_FIGURE),
            Scope::Tables => Some(schema::KIND_TABLE),
            Scope::Events => Some(schema::KIND_EVENT),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Scope {
    type Err = IndexError;

    fn from_str(text: &str) -> Result<Scope, IndexError> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "all" | "" => Scope::All,
            "reports" | "report" => Scope::Reports,
            "paragraphs" | "paragraph" => Scope::Paragraphs,
            "figures" | "figure" => Scope::Figures,
            "tables" | "table" => Scope::Tables,
            "events" | "event" => Scope::Events,
            _ => return Err(IndexError::InvalidScope(text.to_string())),
        })
    }
}

/// A search: the query text, the scope and the filters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    /// What the user typed. Words separated by spaces must all match; `"…"` is a phrase.
    pub query: String,
    /// Which kinds of documents to search.
    pub scope: Scope,
    /// Earliest date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`), inclusive: the report date, or the
    /// event date for events.
    pub from: Option<String>,
    /// Latest date, inclusive (`2021-11` means up to 2021-11-31).
    pub to: Option<String>,
    /// Institution, exact after normalisation (spacing and case ignored).
    pub institution: Option<String>,
    /// Author, exact after normalisation.
    pub author: Option<String>,
    /// The company a note covers: its name (exact after normalisation) or its code, bare or
    /// with its exchange (`603477`, `603477.SH`, `SH603477`).
    pub company: Option<String>,
    /// Report year.
    pub year: Option<i32>,
    /// Report language (`zh`, `en`).
    pub language: Option<String>,
    /// Hits per page; 0 means 10 (at most 1000).
    pub limit: usize,
    /// Hits to skip (at most 10 000).
    pub offset: usize,
    /// Whether to count facets over all matching documents.
    pub with_facets: bool,
    /// Only documents of this report (its id).
    pub report: Option<String>,
    /// One hit per report, its best passage first ([`Hit::more_in_report`]); `None` means the
    /// default: grouped in scopes `all` and `paragraphs`, unless [`report`](Self::report) is set.
    pub group_by_report: Option<bool>,
}

impl SearchRequest {
    /// True when this request's hits are grouped by report (see [`group_by_report`](Self::group_by_report)).
    pub fn groups_by_report(&self) -> bool {
        let within_one = self.report.as_deref().is_some_and(|id| !id.trim().is_empty());
        self.group_by_report.unwrap_or(matches!(self.scope, Scope::All | Scope::Paragraphs) && !within_one)
    }
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResponse {
    /// The query as asked.
    pub query: String,
    /// Documents matching, before paging (passages, figures…, and reports as wholes in scope
    /// `all`), grouped or not.
    pub total: usize,
    /// Reports with a matching document, for grouped searches (whose pages count reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_reports: Option<usize>,
    /// True when the hits are one per report ([`SearchRequest::group_by_report`]).
    #[serde(default)]
    pub grouped: bool,
    /// True when [`total`](Self::total) is a lower bound: a grouped search counts matching
    /// documents up to [`TOTAL_COUNT_CAP`] (shown as "10000+").
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub total_at_least: bool,
    /// Time spent answering, in milliseconds.
    pub took_ms: f64,
    /// The requested page of hits, best first.
    pub hits: Vec<Hit>,
    /// Facet counts, when asked for.
    pub facets: Option<Facets>,
}

impl SearchResponse {
    /// The total as shown to people: `10000+` when it is a lower bound.
    pub fn total_text(&self) -> String {
        if self.total_at_least {
            format!("{}+", self.total)
        } else {
            self.total.to_string()
        }
    }
}

/// One ranked document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// Id of the report the document belongs to.
    pub report_id: String,
    /// Report title.
    pub title: String,
    /// `report`, `paragraph`, `figure`, `table` or `event`.
    pub kind: String,
    /// BM25 score (higher is better).
    pub score: f32,
    /// HTML-escaped text around the match, matched words in `<mark>…</mark>`.
    pub snippet: String,
    /// 1-based page, for paged sources.
    pub page: Option<u32>,
    /// Index of the block in the report (none for whole reports).
    pub block: Option<usize>,
    /// Figure hits whose chart has a picture: the figure's index in the report's `figures`
    /// (`/reports/{id}/figures/{k}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub figure: Option<usize>,
    /// Report date.
    pub date: Option<String>,
    /// Report year, also when the date is not known (show with `yanbao_model::report_when`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    /// Report institution.
    pub institution: Option<String>,
    /// Figure/table label (`图 1`).
    pub label: Option<String>,
    /// Figure/table caption.
    pub caption: Option<String>,
    /// Figure/table source line.
    pub source: Option<String>,
    /// Event date (`YYYY-MM-DD`), for events.
    pub event_date: Option<String>,
    /// True when the hit's block is in the report's public preview (decided when the report
    /// was indexed, under the library's preview policy); always false for whole-report hits.
    #[serde(default)]
    pub previewed: bool,
    /// Other files of the same report the library holds (searched once, through this one).
    /// The index leaves it at 0; the engine fills it in.
    #[serde(default)]
    pub other_files: u32,
    /// For paragraph hits, the block's kind: `heading`, `paragraph` or `list`.
    #[serde(default)]
    pub block_kind: Option<String>,
    /// Grouped searches: how many other passages of this report match (not counting the
    /// whole-report document).
    #[serde(default)]
    pub more_in_report: u64,
    /// Grouped searches: the best few of those other passages, best first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_hits: Vec<Hit>,
}

/// Counts of matching documents per value, most frequent first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    /// Per institution.
    pub institution: Vec<(String, u64)>,
    /// Per author.
    pub author: Vec<(String, u64)>,
    /// Per covered company (company notes only).
    pub company: Vec<(String, u64)>,
    /// Per report year.
    pub year: Vec<(String, u64)>,
    /// Per language.
    pub language: Vec<(String, u64)>,
    /// Per document kind.
    pub kind: Vec<(String, u64)>,
}

/// The search index: one tantivy index, its reader, and a writer opened on first write.
///
/// `Send + Sync`: share it with `Arc`. Writes are serialised internally; searches run in
/// parallel and see the state of the last [`SearchIndex::commit`].
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    writer: Mutex<Option<IndexWriter>>,
    writer_heap: usize,
    meta: Mutex<CommitMeta>,
}

/// The best `limit` documents after `offset` by score, ties broken by report key (an equal score
/// is common: series reports share paragraphs word for word), not by where documents happen to
/// sit in the index — so replicas of one library, whose segments differ, rank alike.
fn top_by_score(limit: usize, offset: usize) -> impl tantivy::collector::Collector<Fruit = Vec<((Score, std::cmp::Reverse<u64>), DocAddress)>> {
    TopDocs::with_limit(limit.max(1)).and_offset(offset).tweak_score(|segment: &tantivy::SegmentReader| {
        let keys = segment.fast_fields().u64(schema::REPORT_KEY_FIELD).ok().map(|column| column.first_or_default_col(0));
        move |doc: tantivy::DocId, score: Score| (score, std::cmp::Reverse(keys.as_ref().map_or(0, |keys| keys.get_val(doc))))
    })
}

/// [`top_by_score`]'s documents with their scores alone.
fn scores_only(top: Vec<((Score, std::cmp::Reverse<u64>), DocAddress)>) -> Vec<(Score, DocAddress)> {
    top.into_iter().map(|((score, _), address)| (score, address)).collect()
}

/// Key of the store generation in the commit metadata (see [`SearchIndex::commit_at`]).
const GENERATION_KEY: &str = "generation";

/// What the documents were built from (the store generation, the preview policy…): a small
/// string map written with every commit as its payload, so it changes atomically with the
/// documents it describes.
#[derive(Debug, Default)]
struct CommitMeta {
    values: BTreeMap<String, String>,
    /// True when a value changed since the last commit.
    dirty: bool,
}

/// Reads a commit payload: a JSON string map, or a bare generation number.
fn parse_payload(payload: &str) -> BTreeMap<String, String> {
    if let Ok(values) = serde_json::from_str::<BTreeMap<String, String>>(payload) {
        return values;
    }
    match payload.trim().parse::<u64>() {
        Ok(generation) => BTreeMap::from([(GENERATION_KEY.to_string(), generation.to_string())]),
        Err(_) => BTreeMap::new(),
    }
}

/// Where a report's public preview ends, as recorded in the index (see [`SearchIndex::preview_extents`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PreviewExtent {
    /// Index just past the last shown block.
    pub end: usize,
    /// Blocks before `end` the preview does not show (boilerplate), ascending.
    pub hidden: Vec<usize>,
}

impl PreviewExtent {
    /// True when the preview shows block `index`.
    pub fn shows(&self, index: usize) -> bool {
        index < self.end && self.hidden.binary_search(&index).is_err()
    }
}

impl fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchIndex").field("directory", &self.index.directory()).finish()
    }
}

/// Registers the yanbao tokenizers on an index (needed on every open).
fn register_tokenizers(index: &Index) {
    index.tokenizers().register(WORDS_TOKENIZER, TextAnalyzer::from(YanbaoTokenizer::new(Stream::Words)));
    index.tokenizers().register(GRAMS_TOKENIZER, TextAnalyzer::from(YanbaoTokenizer::new(Stream::Grams)));
    index.tokenizers().register(STEMS_TOKENIZER, stem_analyzer());
}

/// Returns why an existing index cannot be used with this version, if it cannot.
fn incompatibility(dir: &Path, found_schema: &Schema, expected: &Schema) -> Option<String> {
    let version_path = dir.join(VERSION_FILE);
    let written = std::fs::read_to_string(&version_path).ok();
    let written = written.as_deref().map(str::trim);
    if written != Some(INDEX_VERSION.to_string().as_str()) {
        return Some(format!("index version {}, expected {INDEX_VERSION}", written.unwrap_or("unknown")));
    }
    if found_schema != expected {
        return Some("schema differs".to_string());
    }
    None
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if missing.
    ///
    /// Fails with [`IndexError::Incompatible`] (saying "reindex") when the index there was
    /// written with another schema or tokenisation.
    pub fn open(dir: &Path) -> Result<SearchIndex, IndexError> {
        let io_error = |source| IndexError::Io { path: dir.display().to_string(), source };
        std::fs::create_dir_all(dir).map_err(io_error)?;
        let (schema, fields) = build_schema();
        let directory = MmapDirectory::open(dir).map_err(|e| IndexError::Tantivy(lowercase_first(&e.to_string())))?;
        let exists = Index::exists(&directory).map_err(|e| IndexError::Tantivy(lowercase_first(&e.to_string())))?;
        let mut index = if exists {
            let index = Index::open(directory)?;
            if let Some(reason) = incompatibility(dir, &index.schema(), &schema) {
                return Err(IndexError::Incompatible { path: dir.display().to_string(), reason });
            }
            index
        } else {
            let index = Index::create(directory, schema, IndexSettings::default())?;
            std::fs::write(dir.join(VERSION_FILE), format!("{INDEX_VERSION}\n")).map_err(io_error)?;
            index
        };
        // Segments are searched in parallel: a large library has a dozen or more, and one query
        // then uses every core instead of one (`YANBAO_SEARCH_THREADS` bounds it; 1 = none).
        let threads = std::env::var("YANBAO_SEARCH_THREADS").ok().and_then(|v| v.parse().ok()).unwrap_or_else(cores).clamp(1, 4);
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        SearchIndex::from_index(index, fields, DISK_WRITER_HEAP)
    }

    /// Opens the index in `dir` like [`open`](Self::open), but when the index there is
    /// incompatible (another schema or tokenisation) deletes it and creates an empty one.
    ///
    /// Returns the index and whether it was recreated: the caller then re-adds every report
    /// from the store, which is the source of truth. Only a directory holding a tantivy index
    /// (`meta.json`) is ever deleted.
    pub fn open_or_recreate(dir: &Path) -> Result<(SearchIndex, bool), IndexError> {
        match SearchIndex::open(dir) {
            Ok(index) => Ok((index, false)),
            Err(IndexError::Incompatible { .. }) if dir.join("meta.json").is_file() => {
                std::fs::remove_dir_all(dir).map_err(|source| IndexError::Io { path: dir.display().to_string(), source })?;
                Ok((SearchIndex::open(dir)?, true))
            }
            Err(other) => Err(other),
        }
    }

    /// Returns a new empty index held in memory (tests and throw-away use).
    pub fn open_in_ram() -> Result<SearchIndex, IndexError> {
        let (schema, fields) = build_schema();
        SearchIndex::from_index(Index::create_in_ram(schema), fields, RAM_WRITER_HEAP)
    }

    /// Wraps an opened index: tokenizers, reader, lazily opened writer.
    fn from_index(index: Index, fields: Fields, writer_heap: usize) -> Result<SearchIndex, IndexError> {
        register_tokenizers(&index);
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        let values = index.load_metas().ok().and_then(|metas| metas.payload).map(|p| parse_payload(&p)).unwrap_or_default();
        let meta = Mutex::new(CommitMeta { values, dirty: false });
        Ok(SearchIndex { index, reader, fields, writer: Mutex::new(None), writer_heap, meta })
    }

    /// Runs `action` with the writer, opening it on first use (which takes the directory lock).
    fn with_writer<T>(&self, action: impl FnOnce(&mut IndexWriter) -> Result<T, IndexError>) -> Result<T, IndexError> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        self.writer_in(&mut guard, action)
    }

    /// Runs `action` with the writer held in `guard`, opening it if needed.
    fn writer_in<T>(&self, guard: &mut Option<IndexWriter>, action: impl FnOnce(&mut IndexWriter) -> Result<T, IndexError>) -> Result<T, IndexError> {
        if guard.is_none() {
            let threads = cores();
            let per_thread_floor = 16 * 1024 * 1024;
            let threads = threads.min((self.writer_heap / per_thread_floor).max(1));
            *guard = Some(self.index.writer_with_num_threads(threads, self.writer_heap)?);
        }
        match guard.as_mut() {
            Some(writer) => action(writer),
            None => Err(IndexError::Poisoned),
        }
    }

    /// Adds (or replaces) every document of a report; visible to searches after [`commit`](Self::commit).
    ///
    /// `shown` lists, ascending, the blocks the report's public preview shows (the engine's
    /// preview cut): each block hit records whether its block is one of them
    /// ([`Hit::previewed`]), and [`preview_extents`](Self::preview_extents) answers for any block.
    pub fn add_report(&self, report: &Report, shown: &[usize]) -> Result<(), IndexError> {
        if report.id.trim().is_empty() {
            return Err(IndexError::MissingId);
        }
        // One batch: the delete and the adds apply in order and the documents land in one
        // segment, contiguous with the report document first — what grouped search relies on to
        // visit one report's passages without a lookup (see `passages_of_reports`).
        let mut operations = vec![UserOperation::Delete(Term::from_field_text(self.fields.report_id, &report.id))];
        operations.extend(report_documents(report, &self.fields, shown).into_iter().map(UserOperation::Add));
        self.with_writer(|writer| {
            writer.run(operations)?;
            Ok(())
        })
    }

    /// Removes every document of the report with this id (after the next commit).
    pub fn remove_report(&self, id: &str) -> Result<(), IndexError> {
        self.with_writer(|writer| {
            writer.delete_term(Term::from_field_text(self.fields.report_id, id));
            Ok(())
        })
    }

    /// Removes every document (after the next commit).
    pub fn clear(&self) -> Result<(), IndexError> {
        self.with_writer(|writer| {
            writer.delete_all_documents()?;
            Ok(())
        })
    }

    /// Makes pending changes durable and visible: searches started after this returns see them.
    ///
    /// A commit records no store generation (see [`commit_at`](Self::commit_at)); the other
    /// metadata ([`set_meta`](Self::set_meta)) is carried over.
    pub fn commit(&self) -> Result<(), IndexError> {
        self.commit_with(None, false)
    }

    /// Commits like [`commit`](Self::commit) and records `generation` — the store's change
    /// counter this index now reflects — in the commit itself, so a later open can tell in one
    /// read whether the index has seen every change of the store.
    pub fn commit_at(&self, generation: u64) -> Result<(), IndexError> {
        self.commit_with(Some(generation), true)
    }

    /// Commits pending changes with the metadata as payload. Without a writer, and with no
    /// metadata to write, nothing is committed unless `force` (read-only processes never take
    /// the writer lock).
    fn commit_with(&self, generation: Option<u64>, force: bool) -> Result<(), IndexError> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        let mut meta = self.meta.lock().map_err(|_| IndexError::Poisoned)?;
        if guard.is_some() || force || meta.dirty {
            match generation {
                Some(generation) => meta.values.insert(GENERATION_KEY.to_string(), generation.to_string()),
                None => meta.values.remove(GENERATION_KEY),
            };
            let payload = serde_json::to_string(&meta.values).map_err(|e| IndexError::Tantivy(e.to_string()))?;
            self.writer_in(&mut guard, |writer| {
                let mut prepared = writer.prepare_commit()?;
                prepared.set_payload(&payload);
                prepared.commit()?;
                Ok(())
            })?;
            meta.dirty = false;
        }
        drop(meta);
        drop(guard);
        self.reader.reload()?;
        Ok(())
    }

    /// The generation of the reader searches use now: it changes with every commit (and
    /// reload), so an answer computed on one generation holds until it changes.
    pub fn reader_generation(&self) -> u64 {
        self.reader.searcher().generation().generation_id()
    }

    /// The store generation recorded by the last [`commit_at`](Self::commit_at), if any.
    pub fn generation(&self) -> Option<u64> {
        parse_payload(&self.index.load_metas().ok()?.payload?).get(GENERATION_KEY)?.parse().ok()
    }

    /// Returns a value recorded with the documents by [`set_meta`](Self::set_meta): the one of
    /// the last commit of this index, or set since by this process.
    pub fn meta(&self, key: &str) -> Option<String> {
        self.meta.lock().ok()?.values.get(key).cloned()
    }

    /// Records a value describing how the documents are built (the preview policy, say); it is
    /// written with the next commit, atomically with the documents.
    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), IndexError> {
        let mut meta = self.meta.lock().map_err(|_| IndexError::Poisoned)?;
        if meta.values.get(key).map(String::as_str) != Some(value) {
            meta.values.insert(key.to_string(), value.to_string());
            meta.dirty = true;
        }
        Ok(())
    }

    /// True when the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.reader.searcher().num_docs() == 0
    }

    /// Returns where the public preview of each report ends, as recorded when it was indexed
    /// (reports not in the index are left out): one term lookup and fast-field reads per report,
    /// never the report's text.
    pub fn preview_extents(&self, ids: &[&str]) -> Result<HashMap<String, PreviewExtent>, IndexError> {
        let searcher = self.reader.searcher();
        let kind = Term::from_field_text(self.fields.kind, schema::KIND_REPORT);
        let mut extents = HashMap::new();
        for &id in ids {
            if extents.contains_key(id) {
                continue;
            }
            let query = BooleanQuery::new(vec![
                (Occur::Must, Box::new(TermQuery::new(Term::from_field_text(self.fields.report_id, id), IndexRecordOption::Basic)) as Box<dyn Query>),
                (Occur::Must, Box::new(TermQuery::new(kind.clone(), IndexRecordOption::Basic))),
            ]);
            let Some((_, address)) = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?.into_iter().next() else { continue };
            let fast = searcher.segment_reader(address.segment_ord).fast_fields();
            let end = fast.column_opt::<u64>("preview_end")?.and_then(|c| c.first(address.doc_id)).unwrap_or(0);
            let hidden = fast.column_opt::<u64>("preview_hidden")?.map(|c| c.values_for_doc(address.doc_id).map(|v| v as usize).collect()).unwrap_or_default();
            extents.insert(id.to_string(), PreviewExtent { end: end as usize, hidden });
        }
        Ok(extents)
    }

    /// Waits for background segment merges to finish and releases the writer (and its directory
    /// lock) until the next write. Call after a bulk load (`reindex`) so searches see few
    /// segments; uncommitted changes are dropped, so commit first.
    pub fn wait_merges(&self) -> Result<(), IndexError> {
        let mut guard = self.writer.lock().map_err(|_| IndexError::Poisoned)?;
        if let Some(writer) = guard.take() {
            writer.wait_merging_threads()?;
        }
        drop(guard);
        self.reader.reload()?;
        Ok(())
    }

    /// Returns the number of segments the reader sees (fewer segments, faster searches).
    pub fn segment_count(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Returns the ids of every indexed report (to check the index agrees with the store).
    pub fn report_ids(&self) -> Result<BTreeSet<String>, IndexError> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(self.fields.kind, schema::KIND_REPORT), IndexRecordOption::Basic);
        Ok(searcher.search(&query, &DistinctStrCollector { field: "report_id" })?)
    }

    /// Answers a search request: ranked hits with snippets, the total, and facets if asked.
    ///
    /// All words must match; when they cannot all match together, any of them may (OR), so a
    /// query with a typo still finds something. A blank query with at least one filter (scope,
    /// dates, institution…) lists the filtered documents, newest first; a blank query without
    /// filters, or one with nothing searchable (`(((`), finds nothing. Over-long queries and bad
    /// dates are errors.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse, IndexError> {
        let started = Instant::now();
        let chunks = parse_query(&req.query)?;
        let filters = self.filters(req, true)?;
        let mut response = SearchResponse { query: req.query.clone(), ..SearchResponse::default() };
        let limit = if req.limit == 0 { DEFAULT_LIMIT } else { req.limit.min(MAX_LIMIT) };
        let offset = req.offset.min(MAX_OFFSET);
        let searcher = self.reader.searcher();
        if chunks.is_empty() {
            // A blank query with filters browses (newest first); anything else without a
            // searchable word (`(((`, emoji) finds nothing.
            let filters = self.filters(req, false)?;
            if req.query.trim().is_empty() && !filters.is_empty() {
                return self.browse(req, filters, limit, offset, started);
            }
            response.facets = req.with_facets.then(Facets::default);
            response.took_ms = elapsed_ms(started);
            return Ok(response);
        }
        let grouped = req.groups_by_report();
        let marks = mark_terms(&chunks);
        // Events are filtered by their own date, so with a date range a report outside it may
        // hold an event inside it: those searches group in one pass over every match.
        let by_reports = grouped && req.from.is_none() && req.to.is_none();
        let operators: &[Occur] = if chunks.len() > 1 { &[Occur::Must, Occur::Should] } else { &[Occur::Must] };
        if by_reports {
            for &operator in operators {
                if let Some(page) = self.search_by_reports(&searcher, &chunks, req, operator, limit, offset, &marks)? {
                    response.grouped = true;
                    response.total_reports = Some(page.total_reports);
                    response.total = page.total;
                    response.total_at_least = page.total_at_least;
                    response.hits = page.hits;
                    response.facets = page.facets;
                    break;
                }
            }
            response.facets = response.facets.or_else(|| req.with_facets.then(Facets::default));
            response.took_ms = elapsed_ms(started);
            return Ok(response);
        }
        let fields = self.scope_fields(req.scope);
        let mut outcome = None;
        for &operator in operators {
            // A whole report's gram positions are long lists: reports rank by their words and
            // grams, not by where those stand.
            let query = self.build_query(&chunks, &fields, operator, &filters, req.scope != Scope::Reports);
            let facet_collector = req.with_facets.then_some(FacetCollector);
            let found = if grouped {
                let collector = (GroupCollector { keep: MORE_HITS_SHOWN + 2 }, facet_collector);
                let (groups, facets) = searcher.search(&query, &collector)?;
                let found = !groups.is_empty();
                outcome = Some(Matches::Grouped(groups, facets));
                found
            } else {
                let (top, total, facets) = searcher.search(&query, &(top_by_score(limit, offset), Count, facet_collector))?;
                outcome = Some(Matches::Ranked(scores_only(top), total, facets));
                total > 0
            };
            if found {
                break;
            }
        }
        let facet_maps = match outcome {
            None => return Ok(response),
            Some(Matches::Ranked(top, total, facet_maps)) => {
                for &(score, address) in &top {
                    let doc: TantivyDocument = searcher.doc(address)?;
                    response.hits.push(self.hit(&doc, score, &marks));
                }
                let addresses: Vec<DocAddress> = top.iter().map(|&(_, address)| address).collect();
                self.fill_report_snippets(&searcher, &chunks, &marks, &mut response.hits, &addresses)?;
                response.total = total;
                facet_maps
            }
            Some(Matches::Grouped(groups, facet_maps)) => {
                response.grouped = true;
                response.total_reports = Some(groups.len());
                response.total = groups.values().map(|group| group.documents).sum::<u64>() as usize;
                response.hits = self.group_hits(&searcher, groups, limit, offset, &chunks, &marks)?;
                facet_maps
            }
        };
        response.facets = facet_maps.map(facets_from_maps);
        response.took_ms = elapsed_ms(started);
        Ok(response)
    }

    /// A grouped search in two steps whose cost follows the matching *reports*, never every
    /// matching passage (a common word matches hundreds of thousands of passages at 100 k
    /// reports):
    ///
    /// 1. rank the reports: the query over the report documents alone (title and whole-report
    ///    text, fields no passage has), counting them and their facets on the way;
    /// 2. for the page's reports only, walk their passages: a report's documents are contiguous
    ///    in one segment, report document first ([`add_report`](Self::add_report)), so one
    ///    scorer per segment seeks to each report and reads its matches — the best few and how
    ///    many.
    ///
    /// Reports are ordered by the whole report's relevance; each hit is the report's best
    /// passage (in scope `all`, the report itself when no single passage matches every word).
    /// The passage total is counted exactly up to [`TOTAL_COUNT_CAP`], beyond it is a lower
    /// bound ([`SearchResponse::total_at_least`]). `None` when no report matches.
    #[allow(clippy::too_many_arguments)]
    fn search_by_reports(&self, searcher: &tantivy::Searcher, chunks: &[Chunk], req: &SearchRequest, operator: Occur, limit: usize, offset: usize, marks: &[snippet::MarkTerm]) -> Result<Option<GroupedPage>, IndexError> {
        let whole_reports_are_hits = req.scope == Scope::All;
        // Only report documents have the report fields: no kind filter needed.
        let report_filters = self.filters(&SearchRequest { scope: Scope::All, ..req.clone() }, true)?;
        let report_query = self.build_query(chunks, &self.report_fields(whole_reports_are_hits), operator, &report_filters, false);
        let passage_filters = self.filters(req, true)?;
        let passage_fields = self.passage_fields(req.scope);
        let passage_query = self.build_query(chunks, &passage_fields, operator, &passage_filters, true);
        let wanted = offset.saturating_add(limit);
        let mut fetch = wanted.saturating_mul(2).max(20);
        let (reports, total_reports, facet_maps, groups) = loop {
            let facet_collector = req.with_facets.then_some(FacetCollector);
            let (top, total_reports, facet_maps) = searcher.search(&report_query, &(top_by_score(fetch, 0), Count, facet_collector))?;
            let top = scores_only(top);
            if total_reports == 0 {
                return Ok(None);
            }
            let groups = self.passages_of_reports(searcher, &passage_query, &top)?;
            let shown = groups.iter().filter(|group| whole_reports_are_hits || group.passages > 0).count();
            // Reports whose text matches but no single passage (the words in different
            // paragraphs) have no hit outside scope `all`: look further down until the page fills.
            if shown >= wanted || top.len() < fetch || fetch >= MAX_OFFSET + MAX_LIMIT {
                break (top, total_reports, facet_maps, groups);
            }
            fetch = fetch.saturating_mul(4).min(MAX_OFFSET + MAX_LIMIT);
        };
        let mut hits = Vec::new();
        for ((report_score, report_address), group) in reports.into_iter().zip(groups) {
            let head = match group.best.first() {
                Some(best) => *best,
                None if whole_reports_are_hits => Ranked { score: report_score, address: report_address, whole_report: true },
                None => continue,
            };
            hits.push((head, group));
        }
        let mut page = Vec::new();
        let mut heads = Vec::new();
        for (head, group) in hits.into_iter().skip(offset).take(limit) {
            page.push(self.group_hit(searcher, head, &group, marks)?);
            heads.push(head.address);
        }
        self.fill_report_snippets(searcher, chunks, marks, &mut page, &heads)?;
        let count_query = self.build_query(chunks, &passage_fields, operator, &passage_filters, false);
        let (passages, mut total_at_least) = count_at_most(searcher, &count_query, TOTAL_COUNT_CAP)?;
        let mut total = passages;
        if whole_reports_are_hits {
            total += total_reports;
        }
        let facets = match facet_maps {
            None => None,
            Some(mut maps) => {
                // Facets count reports (step 1); the kind facet counts documents of each kind.
                let kind_at = STR_FACETS.iter().position(|name| *name == "kind");
                if let Some(kinds) = kind_at.and_then(|at| maps.get_mut(at)) {
                    kinds.clear();
                    for kind in [schema::KIND_PARAGRAPH, schema::KIND_FIGURE, schema::KIND_TABLE, schema::KIND_EVENT] {
                        if req.scope.kind().is_some_and(|scoped| scoped != kind) {
                            continue;
                        }
                        let scope = Scope::from_str(kind)?;
                        let kind_filters = self.filters(&SearchRequest { scope, ..req.clone() }, true)?;
                        let kind_query = self.build_query(chunks, &self.passage_fields(scope), operator, &kind_filters, false);
                        let (count, at_least) = count_at_most(searcher, &kind_query, TOTAL_COUNT_CAP)?;
                        total_at_least |= at_least;
                        if count > 0 {
                            kinds.insert(kind.to_string(), count as u64);
                        }
                    }
                    if whole_reports_are_hits {
                        kinds.insert(schema::KIND_REPORT.to_string(), total_reports as u64);
                    }
                }
                Some(facets_from_maps(maps))
            }
        };
        Ok(Some(GroupedPage { hits: page, total_reports, total, total_at_least, facets }))
    }

    /// Returns, for each report document found by step 1 of [`search_by_reports`](Self::search_by_reports),
    /// its passages matching `query`: how many, and the best few (best first).
    fn passages_of_reports(&self, searcher: &tantivy::Searcher, query: &dyn Query, reports: &[(Score, DocAddress)]) -> Result<Vec<ReportGroup>, IndexError> {
        let keep = MORE_HITS_SHOWN + 1;
        let mut groups = vec![ReportGroup::default(); reports.len()];
        if reports.is_empty() {
            return Ok(groups);
        }
        let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        // Visit the reports in index order: one forward-only scorer per segment.
        let mut order: Vec<usize> = (0..reports.len()).collect();
        order.sort_by_key(|&i| reports[i].1);
        let mut current: Option<(SegmentOrdinal, Box<dyn Scorer>, Column<u64>)> = None;
        for i in order {
            let address = reports[i].1;
            let reader = searcher.segment_reader(address.segment_ord);
            if current.as_ref().map(|(segment, _, _)| *segment) != Some(address.segment_ord) {
                let Some(keys) = reader.fast_fields().column_opt::<u64>(REPORT_KEY_FIELD)? else { continue };
                current = Some((address.segment_ord, weight.scorer(reader, 1.0)?, keys));
            }
            let Some((_, scorer, keys)) = current.as_mut() else { continue };
            let key = keys.first(address.doc_id);
            let alive = reader.alive_bitset();
            // Seeking backwards is not allowed: the scorer may already stand past this report's
            // first passage's place (at the next report's, where the last walk stopped).
            let mut doc = scorer.doc();
            if doc <= address.doc_id {
                doc = scorer.seek(address.doc_id + 1);
            }
            while doc != TERMINATED && keys.first(doc) == key {
                if alive.is_none_or(|bits| bits.is_alive(doc)) {
                    groups[i].add(Ranked { score: scorer.score(), address: DocAddress::new(address.segment_ord, doc), whole_report: false }, keep);
                }
                doc = scorer.advance();
            }
        }
        Ok(groups)
    }

    /// Turns the groups of a grouped search into the requested page of hits: reports ordered by
    /// their best document, each hit that document with the count and best few of the others.
    fn group_hits(&self, searcher: &tantivy::Searcher, groups: HashMap<u64, ReportGroup>, limit: usize, offset: usize, chunks: &[Chunk], marks: &[snippet::MarkTerm]) -> Result<Vec<Hit>, IndexError> {
        let mut groups: Vec<ReportGroup> = groups.into_values().filter(|group| !group.best.is_empty()).collect();
        let by_best = |a: &ReportGroup, b: &ReportGroup| best_first(&a.best[0], &b.best[0]);
        let wanted = offset.saturating_add(limit);
        if groups.len() > wanted {
            groups.select_nth_unstable_by(wanted, by_best);
            groups.truncate(wanted);
        }
        groups.sort_by(by_best);
        let mut hits = Vec::new();
        let mut heads = Vec::new();
        for group in groups.into_iter().skip(offset) {
            let head = group.best[0];
            heads.push(head.address);
            hits.push(self.group_hit(searcher, head, &group, marks)?);
        }
        self.fill_report_snippets(searcher, chunks, marks, &mut hits, &heads)?;
        Ok(hits)
    }

    /// The hit of one report in a grouped search: its `head` document, how many more of its
    /// passages match, and the best few of them.
    fn group_hit(&self, searcher: &tantivy::Searcher, head: Ranked, group: &ReportGroup, marks: &[snippet::MarkTerm]) -> Result<Hit, IndexError> {
        let mut hit = self.hit(&searcher.doc(head.address)?, head.score, marks);
        hit.more_in_report = group.passages.saturating_sub(u64::from(!head.whole_report));
        for other in group.best.iter().filter(|ranked| ranked.address != head.address && !ranked.whole_report).take(MORE_HITS_SHOWN) {
            hit.more_hits.push(self.hit(&searcher.doc(other.address)?, other.score, marks));
        }
        Ok(hit)
    }

    /// Gives the hits on report documents a snippet. A report document stores no text (a
    /// whole report is too long to read for every hit: search never reads one), so its snippet
    /// is cut from its best passage for the query — any of the query's words — or, without one
    /// (a title match, a blank query), from its first passage. `addresses[i]` is where `hits[i]`
    /// is.
    fn fill_report_snippets(&self, searcher: &tantivy::Searcher, chunks: &[Chunk], marks: &[snippet::MarkTerm], hits: &mut [Hit], addresses: &[DocAddress]) -> Result<(), IndexError> {
        let wanted: Vec<usize> = (0..hits.len().min(addresses.len())).filter(|&i| hits[i].kind == schema::KIND_REPORT).collect();
        if wanted.is_empty() {
            return Ok(());
        }
        let reports: Vec<(Score, DocAddress)> = wanted.iter().map(|&i| (0.0, addresses[i])).collect();
        let groups = if chunks.is_empty() {
            vec![ReportGroup::default(); reports.len()]
        } else {
            let any_word = self.build_query(chunks, &self.passage_fields(Scope::All), Occur::Should, &[], true);
            self.passages_of_reports(searcher, &any_word, &reports)?
        };
        for (group, &i) in groups.iter().zip(&wanted) {
            let passage = match group.best.first() {
                Some(best) => Some(best.address),
                None => first_passage(searcher, addresses[i])?,
            };
            if let Some(address) = passage {
                let doc: TantivyDocument = searcher.doc(address)?;
                hits[i].snippet = snippet(doc.get_first(self.fields.text).and_then(|v| v.as_str()).unwrap_or(""), marks);
            }
        }
        Ok(())
    }

    /// Lists the documents matching the filters alone, newest first (by report or event date).
    fn browse(&self, req: &SearchRequest, filters: Vec<Box<dyn Query>>, limit: usize, offset: usize, started: Instant) -> Result<SearchResponse, IndexError> {
        let searcher = self.reader.searcher();
        let clauses: Vec<(Occur, Box<dyn Query>)> =
            filters.into_iter().map(|filter| (Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0)) as Box<dyn Query>)).collect();
        let query = BooleanQuery::new(clauses);
        let newest = TopDocs::with_limit(limit).and_offset(offset).order_by_fast_field::<i64>("date_key", Order::Desc);
        let facet_collector = req.with_facets.then_some(FacetCollector);
        let (top, total, facet_maps) = searcher.search(&query, &(newest, Count, facet_collector))?;
        let mut response = SearchResponse { query: req.query.clone(), total, ..SearchResponse::default() };
        for &(_, address) in &top {
            let doc: TantivyDocument = searcher.doc(address)?;
            response.hits.push(self.hit(&doc, 0.0, &[]));
        }
        let addresses: Vec<DocAddress> = top.iter().map(|&(_, address)| address).collect();
        self.fill_report_snippets(&searcher, &[], &[], &mut response.hits, &addresses)?;
        response.facets = facet_maps.map(facets_from_maps);
        response.took_ms = elapsed_ms(started);
        Ok(response)
    }

    /// Builds the filter clauses of a request (scope, people, language, year, dates).
    ///
    /// With `fields_imply_kind`, the scope's kind is left out where the searched fields hold
    /// only that kind of document ([`passage_fields`](Self::passage_fields)): a kind filter
    /// intersects with every matching passage, a cost that grows with the library.
    fn filters(&self, req: &SearchRequest, fields_imply_kind: bool) -> Result<Vec<Box<dyn Query>>, IndexError> {
        let f = &self.fields;
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        let exact = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
        };
        let shared_fields = matches!(req.scope, Scope::Figures | Scope::Tables);
        if let Some(kind) = req.scope.kind().filter(|_| shared_fields || !fields_imply_kind) {
            filters.push(exact(f.kind, kind));
        }
        if let Some(institution) = req.institution.as_deref().filter(|s| !s.trim().is_empty()) {
            filters.push(exact(f.institution_key, &name_key(institution)));
        }
        if let Some(author) = req.author.as_deref().filter(|s| !s.trim().is_empty()) {
            filters.push(exact(f.author_key, &name_key(author)));
        }
        if let Some(company) = req.company.as_deref().filter(|s| !s.trim().is_empty()) {
            let key = query::bare_code(company).unwrap_or_else(|| company.to_string());
            filters.push(exact(f.company_key, &name_key(&key)));
        }
        if let Some(language) = req.language.as_deref().filter(|s| !s.trim().is_empty()) {
            filters.push(exact(f.language, &language.trim().to_lowercase()));
        }
        if let Some(report) = req.report.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            filters.push(exact(f.report_id, &report.to_ascii_lowercase()));
        }
        if let Some(year) = req.year {
            filters.push(Box::new(TermQuery::new(Term::from_field_i64(f.year, i64::from(year)), IndexRecordOption::Basic)));
        }
        let bound = |value: Option<&String>, end: DateEnd| -> Result<Bound<Term>, IndexError> {
            match value.map(|v| v.trim()).filter(|v| !v.is_empty()) {
                None => Ok(Bound::Unbounded),
                Some(text) => match date_key(text, end) {
                    Some(key) => Ok(Bound::Included(Term::from_field_i64(f.date_key, key))),
                    None => Err(IndexError::InvalidDate(text.to_string())),
                },
            }
        };
        let lower = bound(req.from.as_ref(), DateEnd::Start)?;
        let upper = bound(req.to.as_ref(), DateEnd::End)?;
        if !matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
            filters.push(Box::new(RangeQuery::new(lower, upper)));
        }
        Ok(filters)
    }

    /// Returns the (field, boost) lists searched for words, grams and stems in a scope, over
    /// the documents it holds: report documents (title and whole-report text) in scopes `all`
    /// and `reports`, passages (body, captions) in every scope but `reports`.
    fn scope_fields(&self, scope: Scope) -> ScopeFields {
        match scope {
            Scope::Reports => self.report_fields(true),
            Scope::All => self.report_fields(true).and(self.passage_fields(scope)),
            _ => self.passage_fields(scope),
        }
    }

    /// The fields of report documents: the whole report's text, and its title (boosted) when
    /// `with_title`.
    fn report_fields(&self, with_title: bool) -> ScopeFields {
        let f = &self.fields;
        let mut fields = ScopeFields { words: vec![(f.report_words, 1.0)], grams: vec![(f.report_grams, 1.0)], stems: vec![(f.report_stems, 1.0)] };
        if with_title {
            fields.words.push((f.title_words, TITLE_BOOST));
            fields.grams.push((f.title_grams, TITLE_BOOST));
            fields.stems.push((f.title_stems, TITLE_BOOST));
        }
        fields
    }

    /// The fields of the passages a scope searches. Each kind of passage has fields of its
    /// own — paragraphs `body_*`, figures and tables their caption (boosted) and `note_*`,
    /// events `event_*` — so a scope reads the postings of its documents alone.
    fn passage_fields(&self, scope: Scope) -> ScopeFields {
        let f = &self.fields;
        let paragraphs = ScopeFields { words: vec![(f.body_words, 1.0)], grams: vec![(f.body_grams, 1.0)], stems: vec![(f.body_stems, 1.0)] };
        let figures = ScopeFields {
            words: vec![(f.caption_words, CAPTION_BOOST), (f.note_words, NOTE_BOOST)],
            grams: vec![(f.caption_grams, CAPTION_BOOST), (f.note_grams, NOTE_BOOST)],
            stems: vec![(f.caption_stems, CAPTION_BOOST), (f.note_stems, NOTE_BOOST)],
        };
        let events = ScopeFields { words: vec![(f.event_words, 1.0)], grams: vec![(f.event_grams, 1.0)], stems: vec![(f.event_stems, 1.0)] };
        match scope {
            Scope::Paragraphs => paragraphs,
            Scope::Figures | Scope::Tables => figures,
            Scope::Events => events,
            Scope::All | Scope::Reports => paragraphs.and(figures).and(events),
        }
    }

    /// Builds the full query: every chunk joined by `operator` over `fields`, and the filters
    /// (unscored). `contiguous` adds the boost of chunks found as typed (a phrase match, read
    /// from positions): it only ranks, so queries that only count or pick reports leave it out.
    fn build_query(&self, chunks: &[Chunk], fields: &ScopeFields, operator: Occur, filters: &[Box<dyn Query>], contiguous: bool) -> BooleanQuery {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut text_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for chunk in chunks {
            text_clauses.push((operator, chunk_query(chunk, fields, contiguous)));
        }
        clauses.push((Occur::Must, Box::new(BooleanQuery::new(text_clauses))));
        for filter in filters {
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter.box_clone(), 0.0))));
        }
        BooleanQuery::new(clauses)
    }

    /// Turns a stored document into a hit.
    fn hit(&self, doc: &TantivyDocument, score: f32, marks: &[snippet::MarkTerm]) -> Hit {
        let f = &self.fields;
        let text = |field: Field| doc.get_first(field).and_then(|v| v.as_str()).map(str::to_string);
        let number = |field: Field| doc.get_first(field).and_then(|v| v.as_i64());
        Hit {
            report_id: text(f.report_id).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            kind: text(f.kind).unwrap_or_default(),
            score,
            snippet: snippet(text(f.text).as_deref().unwrap_or(""), marks),
            page: number(f.page).and_then(|p| u32::try_from(p).ok()),
            block: number(f.block).and_then(|b| usize::try_from(b).ok()),
            figure: number(f.figure).and_then(|k| usize::try_from(k).ok()),
            date: text(f.date),
            year: number(f.year).and_then(|y| i32::try_from(y).ok()),
            institution: text(f.institution),
            label: text(f.label),
            caption: text(f.caption),
            source: text(f.source),
            event_date: text(f.event_date),
            previewed: doc.get_first(f.previewed).and_then(|v| v.as_u64()) == Some(1),
            other_files: 0,
            block_kind: text(f.block_kind),
            more_in_report: 0,
            more_hits: Vec::new(),
        }
    }
}

/// What the collectors of one search found: ranked documents (top page, total, facets), or the
/// matching documents grouped by report (and facets).
enum Matches {
    Ranked(Vec<(f32, tantivy::DocAddress)>, usize, Option<FacetMaps>),
    Grouped(HashMap<u64, ReportGroup>, Option<FacetMaps>),
}

/// One page of a grouped search ([`SearchIndex::search_by_reports`]).
struct GroupedPage {
    hits: Vec<Hit>,
    total_reports: usize,
    total: usize,
    total_at_least: bool,
    facets: Option<Facets>,
}

/// Returns the document after a report document when it is one of the report's own (its first
/// passage: a report's documents are contiguous, the report document first).
fn first_passage(searcher: &tantivy::Searcher, report: DocAddress) -> Result<Option<DocAddress>, IndexError> {
    let reader = searcher.segment_reader(report.segment_ord);
    let next = report.doc_id + 1;
    let Some(keys) = reader.fast_fields().column_opt::<u64>(REPORT_KEY_FIELD)? else { return Ok(None) };
    let alive = reader.alive_bitset().is_none_or(|bits| bits.is_alive(next));
    let same_report = next < reader.max_doc() && keys.first(next).is_some() && keys.first(next) == keys.first(report.doc_id);
    Ok((alive && same_report).then(|| DocAddress::new(report.segment_ord, next)))
}

/// Counts the live documents matching `query`, stopping at `cap`: (count, true when stopped).
/// Nothing is scored.
fn count_at_most(searcher: &tantivy::Searcher, query: &dyn Query, cap: usize) -> Result<(usize, bool), IndexError> {
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut count = 0;
    for reader in searcher.segment_readers() {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|bits| bits.is_alive(doc)) {
                if count == cap {
                    return Ok((cap, true));
                }
                count += 1;
            }
            doc = scorer.advance();
        }
    }
    Ok((count, false))
}

/// Cores to use for one search or for the index writer: the machine's, at most four.
fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).clamp(1, 4)
}

/// Returns milliseconds since `started`, to the microsecond.
fn elapsed_ms(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// Returns a query matching the term in any of the fields, each with its boost.
fn term_in_fields(text: &str, fields: &[(Field, f32)]) -> Box<dyn Query> {
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for &(field, boost) in fields {
        let term = TermQuery::new(Term::from_field_text(field, text), IndexRecordOption::WithFreqs);
        alternatives.push((Occur::Should, boosted(Box::new(term), boost)));
    }
    single_or_boolean(alternatives)
}

/// Wraps a query in a boost unless the boost is 1.
fn boosted(query: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    if (boost - 1.0).abs() < f32::EPSILON {
        query
    } else {
        Box::new(BoostQuery::new(query, boost))
    }
}

/// Returns the only clause itself, or a boolean query over the clauses.
fn single_or_boolean(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if clauses.len() == 1 {
        if let Some((_, query)) = clauses.pop() {
            return query;
        }
    }
    Box::new(BooleanQuery::new(clauses))
}

/// The fields a scope searches, with their boosts.
struct ScopeFields {
    /// Word fields (exact forms).
    words: Vec<BoostedField>,
    /// Gram fields.
    grams: Vec<BoostedField>,
    /// Stem fields (English words' other forms).
    stems: Vec<BoostedField>,
}

impl ScopeFields {
    /// Both lists of fields.
    fn and(mut self, other: ScopeFields) -> ScopeFields {
        self.words.extend(other.words);
        self.grams.extend(other.grams);
        self.stems.extend(other.stems);
        self
    }
}

/// Returns a query matching a word: the exact form in the word fields or, for an English word,
/// any form with its stem — the exact form boosted, so `sale` ranks a `sale` above a `sales`.
fn word_query(word: &str, stem: Option<&str>, fields: &ScopeFields) -> Box<dyn Query> {
    let exact = term_in_fields(word, &fields.words);
    match stem {
        None => exact,
        Some(stem) => Box::new(BooleanQuery::new(vec![
            (Occur::Should, boosted(exact, EXACT_FORM_BOOST)),
            (Occur::Should, term_in_fields(stem, &fields.stems)),
        ])),
    }
}

/// Returns the query of one chunk.
///
/// A phrase matches its grams at consecutive positions. Otherwise the chunk matches when all
/// its jieba words match (boosted; English words by any form, see [`word_query`]) or all its
/// grams match: whole-word matches score on both and rank first, compounds jieba cut
/// differently still match on grams.
fn chunk_query(chunk: &Chunk, fields: &ScopeFields, contiguous: bool) -> Box<dyn Query> {
    if chunk.phrase {
        return phrase_query(chunk, &fields.grams);
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut word_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for (token, stem) in chunk.words.iter().zip(&chunk.stems) {
        if !seen.contains(&token.text.as_str()) {
            seen.push(&token.text);
            word_clauses.push((Occur::Must, word_query(&token.text, stem.as_deref(), fields)));
        }
    }
    let words = single_or_boolean(word_clauses);
    if !chunk.has_han {
        return words;
    }
    let mut seen: Vec<&str> = Vec::new();
    let mut gram_clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for gram in &chunk.grams {
        if !seen.contains(&gram.text.as_str()) {
            seen.push(&gram.text);
            gram_clauses.push((Occur::Must, term_in_fields(&gram.text, &fields.grams)));
        }
    }
    let grams = single_or_boolean(gram_clauses);
    let mut clauses = vec![(Occur::Should, boosted(words, WORD_BOOST)), (Occur::Should, grams)];
    if contiguous && chunk.grams.len() >= 2 {
        // The chunk as typed, contiguous, outranks its words scattered (拜登支持率 over 拜登…支持率).
        clauses.push((Occur::Should, boosted(phrase_query(chunk, &fields.grams), CONTIGUOUS_BOOST)));
    }
    Box::new(BooleanQuery::new(clauses))
}

/// Returns a phrase query over the gram fields (a term query for one-gram phrases).
fn phrase_query(chunk: &Chunk, gram_fields: &[(Field, f32)]) -> Box<dyn Query> {
    let first = chunk.grams.first().map(|t| t.position).unwrap_or(0);
    if chunk.grams.len() < 2 {
        return match chunk.grams.first() {
            Some(token) => term_in_fields(&token.text, gram_fields),
            None => term_in_fields("", gram_fields),
        };
    }
    let mut alternatives: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for &(field, boost) in gram_fields {
        let terms: Vec<(usize, Term)> = chunk
            .grams
            .iter()
            .map(|t| (t.position.saturating_sub(first), Term::from_field_text(field, &t.text)))
            .collect();
        alternatives.push((Occur::Should, boosted(Box::new(PhraseQuery::new_with_offset(terms)), boost)));
    }
    single_or_boolean(alternatives)
}

/// Turns collected counts into sorted facet lists.
fn facets_from_maps(maps: FacetMaps) -> Facets {
    let sorted = |map: Option<&HashMap<String, u64>>| -> Vec<(String, u64)> {
        let mut list: Vec<(String, u64)> = map.map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect()).unwrap_or_default();
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        list.truncate(MAX_FACET_VALUES);
        list
    };
    // Order of FacetCollector: institution, author, language, kind, company, then year.
    Facets {
        institution: sorted(maps.first()),
        author: sorted(maps.get(1)),
        language: sorted(maps.get(2)),
        kind: sorted(maps.get(3)),
        company: sorted(maps.get(4)),
        year: sorted(maps.get(5)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::{Block, BlockKind};

    #[test]
    fn counts_stop_at_the_cap_and_say_so() {
        let index = SearchIndex::open_in_ram().unwrap();
        let blocks = (0..5).map(|i| Block { kind: BlockKind::Paragraph, text: format!("关税第 {i} 段"), ..Block::default() }).collect();
        index.add_report(&Report { id: "r1".into(), title: "t".into(), blocks, ..Report::default() }, &[]).unwrap();
        index.commit().unwrap();
        let searcher = index.reader.searcher();
        let query = TermQuery::new(Term::from_field_text(index.fields.body_words, "关税"), IndexRecordOption::Basic);
        assert_eq!(count_at_most(&searcher, &query, 3).unwrap(), (3, true));
        assert_eq!(count_at_most(&searcher, &query, 5).unwrap(), (5, false));
        assert_eq!(count_at_most(&searcher, &query, 100).unwrap(), (5, false));
    }
}
