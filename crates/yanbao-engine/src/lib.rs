//! The yanbao library engine: one data folder holding a store (the source of truth) and a search
//! index (a read model derived from it), and the operations on them — ingest, search, timeline,
//! entities, export, reindex and access control (tokens, share links, people and sessions). It knows nothing of HTTP or terminals: the CLI
//! and the web service are thin layers over [`Library`].
//!
//! Consistency: a report is stored in one store transaction, then added to the index. If the
//! process dies in between, [`Library::open`] finds the difference (store ids vs index ids) and
//! repairs the index, so store and index agree after every start.

pub mod access;
pub mod backup;
mod cache;
mod company;
mod ingest;
pub mod migrate;
pub mod parse;
pub mod pdf_worker;
pub mod pictures;
pub mod preview;
pub mod users;
pub mod worker;
/// OCR of PDF pages, for `yanbao ocr` (ingest reads scanned pages through [`parse`]).
pub use yanbao_pdf::ocr;

pub use company::{CompanyOverview, Consensus, RatingPoint, TargetPoint};
pub use preview::{PreviewCut, PreviewFigure, PreviewPolicy, ReportPreview};
pub use ingest::{collect_sources, IngestEvent, IngestOutcome, IngestResult};
pub use parse::{detect_format, Isolation, ParseOptions, SourceFormat};
pub use yanbao_index::{Facets, Hit, Scope, SearchRequest, SearchResponse};
pub use yanbao_knowledge::TimelineEntry;
pub use yanbao_store::{CompanyNote, EntityMention, JobInfo, JobState, ReportSummary, StoreStats, TokenInfo};

use std::path::{Path, PathBuf};
use std::sync::Arc;

use yanbao_index::SearchIndex;
use yanbao_model::Report;
use yanbao_store::prelude::*;
use yanbao_store::SqliteStore;

/// Errors of library operations, each one line a user can act on.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] yanbao_store::StoreError),
    /// The index failed.
    #[error("{0}")]
    Index(#[from] yanbao_index::IndexError),
    /// A source could not be parsed.
    #[error("{0}")]
    Parse(String),
    /// A file of a kind yanbao does not read.
    #[error("not a report yanbao reads (expected .pdf, .md, .markdown, .txt, .html): {0}")]
    Unsupported(String),
    /// A file could not be read.
    #[error("cannot read {path}: {reason}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The data folder cannot be used.
    #[error("data folder {path}: {reason}")]
    DataDir {
        /// The folder.
        path: String,
        /// Why.
        reason: String,
    },
    /// A token or share link problem.
    #[error("{0}")]
    Access(String),
    /// No such report.
    #[error("no report with id {0}")]
    NotFound(String),
    /// Too much work in flight: try again shortly.
    #[error("{0}")]
    Busy(String),
    /// A backup cannot be made or restored.
    #[error("backup {path}: {reason}")]
    Backup {
        /// The backup folder.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Everything an entity page shows.
#[derive(Debug, Clone, serde::Serialize)]
pub struct EntityOverview {
    /// The name asked for.
    pub name: String,
    /// Its kind, as most reports classify it.
    pub kind: Option<String>,
    /// Reports mentioning it.
    pub reports: Vec<EntityMention>,
    /// Events naming it, merged across reports.
    pub events: Vec<TimelineEntry>,
    /// Entities named in the same reports: (name, kind, reports in common).
    pub co_mentioned: Vec<(String, String, u64)>,
}

/// Library-wide counts for `stats`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LibraryStats {
    /// The data folder.
    pub data_dir: String,
    /// Where the store lives: `library.sqlite` in the data folder, or a PostgreSQL URL
    /// (without its password).
    pub store_location: String,
    /// Store counts.
    #[serde(flatten)]
    pub store: StoreStats,
    /// Reports in the index (equals `reports` less `duplicates` when consistent).
    pub indexed_reports: usize,
    /// Bytes the data folder takes on disk.
    pub disk_bytes: u64,
}

/// A library in one data folder.
pub struct Library {
    data_dir: PathBuf,
    store: Arc<dyn Store>,
    /// True when the store has a change feed (the shared store): the index is a replica that
    /// follows it ([`Library::apply_changes`]), since other processes write the store too.
    follows: bool,
    /// One catch-up at a time (the follower and an explicit reconcile).
    following: std::sync::Mutex<()>,
    /// Held shared by each change from its store transaction until the index has it too, and
    /// exclusively by an index commit ([`Library::commit_index`]): a commit then never records a
    /// store generation whose change is stored but not yet in the index — which, were the process
    /// killed before the next commit, the next start would trust as agreement.
    writing: std::sync::RwLock<()>,
    /// False for a worker of a shared store ([`Library::open_worker`]): it stores reports and
    /// leaves indexing to the search nodes, which follow the store.
    indexing: bool,
    /// Set once this process has tried to learn the company registry again from the stored
    /// reports (a library stored before the registry was kept): never more than once.
    registry_relearned: std::sync::atomic::AtomicBool,
    index: SearchIndex,
    parse_options: ParseOptions,
    /// Recent search pages, for the index generation they were computed on.
    searches: cache::AnswerCache<SearchResponse>,
    /// Recent public previews, likewise.
    previews: cache::AnswerCache<ReportPreview>,
}

impl Library {
    /// Opens (creating if needed) the embedded library in `data_dir`, repairing the index if a
    /// previous process stopped between storing and indexing.
    pub fn open(data_dir: &Path) -> Result<Library, EngineError> {
        Self::open_with(data_dir, None)
    }

    /// Opens a library whose store is the shared one at `db` (a `postgres://` URL; `data_dir`
    /// then holds only this machine's search index, a replica brought up to date from the
    /// store), or, without `db`, the embedded library in `data_dir`.
    pub fn open_with(data_dir: &Path, db: Option<&str>) -> Result<Library, EngineError> {
        let library = Self::open_unreconciled(data_dir, db)?;
        library.reconcile()?;
        Ok(library)
    }

    /// [`Library::open_with`] without bringing the index up to date (a restore rebuilds it
    /// whole, with progress).
    pub(crate) fn open_unreconciled(data_dir: &Path, db: Option<&str>) -> Result<Library, EngineError> {
        let dir_error = |reason: String| EngineError::DataDir { path: data_dir.display().to_string(), reason };
        std::fs::create_dir_all(data_dir).map_err(|e| dir_error(e.to_string()))?;
        if !data_dir.is_dir() {
            return Err(dir_error("not a folder".into()));
        }
        let store: Arc<dyn Store> = match db {
            Some(url) if yanbao_store::is_postgres_url(url) => Arc::new(yanbao_store::PgStore::connect(url)?),
            Some(other) => {
                return Err(EngineError::Access(format!(
                    "--db takes a postgres:// URL (got {other:?}); an embedded library lives in its data folder (--data)"
                )))
            }
            None => Arc::new(SqliteStore::open(&data_dir.join("library.sqlite"))?),
        };
        // An index of an older layout is rebuilt from the store (reconcile refills it below).
        let (index, recreated) = SearchIndex::open_or_recreate(&data_dir.join("index"))?;
        if recreated {
            tracing::warn!("the search index had an older layout; rebuilding it from the store");
        }
        let follows = store.changes_since(u64::MAX, 0)?.is_some();
        let library =
            Library { data_dir: data_dir.to_path_buf(), store, follows, following: Default::default(), writing: Default::default(), indexing: true, registry_relearned: Default::default(), index, parse_options: ParseOptions::default(), searches: cache::AnswerCache::from_env(), previews: cache::AnswerCache::from_env() };
        Ok(library)
    }

    /// Opens the shared store at `db` (a `postgres://` URL) for a process that stores but does
    /// not search: an ingest worker, or a command that manages the job queue. It keeps no index
    /// (the search nodes index what it stores, from the change feed) and needs no data folder.
    pub fn open_worker(db: &str) -> Result<Library, EngineError> {
        if !yanbao_store::is_postgres_url(db) {
            return Err(EngineError::Access(format!("--db takes a postgres:// URL (got {db:?})")));
        }
        Ok(Library {
            data_dir: PathBuf::new(),
            store: Arc::new(yanbao_store::PgStore::connect(db)?),
            follows: false,
            following: Default::default(),
            writing: Default::default(),
            indexing: false,
            registry_relearned: Default::default(),
            index: SearchIndex::open_in_ram()?,
            parse_options: ParseOptions::default(),
            searches: cache::AnswerCache::from_env(),
            previews: cache::AnswerCache::from_env(),
        })
    }

    /// Opens a library that lives only in memory (tests, one-off parses).
    pub fn open_in_memory() -> Result<Library, EngineError> {
        Ok(Library {
            data_dir: PathBuf::new(),
            store: Arc::new(SqliteStore::open_in_memory()?),
            follows: false,
            following: Default::default(),
            writing: Default::default(),
            indexing: true,
            registry_relearned: Default::default(),
            index: SearchIndex::open_in_ram()?,
            parse_options: ParseOptions::default(),
            searches: cache::AnswerCache::from_env(),
            previews: cache::AnswerCache::from_env(),
        })
    }

    /// Sets how sources are parsed (PDF isolation, password, timeouts).
    pub fn set_parse_options(&mut self, options: ParseOptions) {
        self.parse_options = options;
    }

    /// The parse options in force.
    pub fn parse_options(&self) -> &ParseOptions {
        &self.parse_options
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The store, for operations this type does not wrap.
    pub fn store(&self) -> &dyn Store {
        self.store.as_ref()
    }

    /// The stored reports that are searched: all but other files of a stored report.
    fn searchable_ids(&self) -> Result<std::collections::BTreeSet<String>, EngineError> {
        let duplicates = self.store.duplicate_ids()?;
        Ok(self.store.ids()?.into_iter().filter(|id| !duplicates.contains(id)).collect())
    }

    /// Makes pending index changes visible and durable, recording the store generation they
    /// reflect (read before the commit: every change up to it is in this commit).
    ///
    /// A replica of a shared store records only what [`Library::apply_changes`] applied: other
    /// processes' changes below the store's generation may not be in it yet.
    pub(crate) fn commit_index(&self) -> Result<(), EngineError> {
        if !self.indexing {
            return Ok(());
        }
        if self.follows {
            match self.index.generation() {
                Some(applied) => self.index.commit_at(applied)?,
                None => self.index.commit()?,
            }
            return Ok(());
        }
        // No change half-applied (stored, not yet indexed) while the generation is read and
        // the documents committed.
        let _no_change_in_flight = self.writing.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        let generation = self.store.generation()?;
        self.index.commit_at(generation)?;
        Ok(())
    }

    /// Held from a change to the store until the index has it (see `writing`); dropped before
    /// any [`Library::commit_index`] of the same thread.
    pub(crate) fn changing(&self) -> std::sync::RwLockReadGuard<'_, ()> {
        self.writing.read().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// True when the index is a replica following a shared store (see [`Library::apply_changes`]).
    pub fn follows_store(&self) -> bool {
        self.follows
    }

    /// What the index was built from, recorded in it: the embedded store of its own folder, or
    /// one shared library (by the id the store keeps), so a data folder pointed at another
    /// store is rebuilt, not trusted.
    fn store_identity(&self) -> Result<String, EngineError> {
        if !self.follows {
            return Ok("embedded".into());
        }
        let id = self.store.setting_or_insert(LIBRARY_ID_KEY, &access::random_hex(16)?)?;
        Ok(format!("shared:{id}"))
    }

    /// Brings a replica up to date with the shared store: applies, in order, every change after
    /// the generation the index records (re-reading each changed report: stored and searchable
    /// → indexed, removed or marked as a copy → dropped), committing each page with the
    /// generation it reaches. Returns the changes applied; 0 for an embedded library.
    pub fn apply_changes(&self) -> Result<usize, EngineError> {
        if !self.follows {
            return Ok(0);
        }
        let _one_at_a_time = self.following.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut applied = 0;
        loop {
            let after = self.index.generation().unwrap_or(0);
            let page = self.store.changes_since(after, CHANGES_PAGE)?.unwrap_or_default();
            let Some(&(reached, _)) = page.last() else { break };
            for (_, id) in &page {
                match self.store.get(id)? {
                    Some(report) if report.duplicate_of.is_none() => self.index_report(&report)?,
                    _ => self.index.remove_report(id)?,
                }
            }
            self.index.commit_at(reached)?;
            applied += page.len();
            metrics::counter!("yanbao_replica_changes_applied_total").increment(page.len() as u64);
        }
        Ok(applied)
    }

    /// How far the replica is behind the shared store, in generation numbers (0 for an
    /// embedded library). Also recorded as the `yanbao_replica_lag_changes` gauge, with
    /// `yanbao_replica_lag_seconds` (how long ago the oldest change not yet applied was made).
    pub fn replica_lag(&self) -> Result<u64, EngineError> {
        if !self.follows {
            return Ok(0);
        }
        let applied = self.index.generation().unwrap_or(0);
        let lag = self.store.generation()?.saturating_sub(applied);
        let age = if lag == 0 { None } else { self.store.change_age(applied)? };
        metrics::gauge!("yanbao_replica_lag_changes").set(lag as f64);
        metrics::gauge!("yanbao_replica_lag_seconds").set(age.map_or(0.0, |age| age.as_secs_f64()));
        Ok(lag)
    }

    /// Makes the index hold exactly the searchable stored reports; returns (added, removed).
    ///
    /// O(1) when the index records the store's current generation (the common case: every
    /// writer commits the generation it reflects); otherwise compares the id sets and repairs.
    /// A replica of a shared store catches up from the change feed instead (rebuilt whole
    /// when it records no generation or was built from another store); its count of applied
    /// changes is returned as added.
    pub fn reconcile(&self) -> Result<(usize, usize), EngineError> {
        let identity = self.store_identity()?;
        match self.index.meta(STORE_META_KEY) {
            Some(found) if found == identity => {}
            // An embedded index from before identities were recorded: its own folder's.
            None if !self.follows => self.index.set_meta(STORE_META_KEY, &identity)?,
            // A new replica: record its store, and no generation of any other.
            _ if self.index.is_empty() => {
                self.index.set_meta(STORE_META_KEY, &identity)?;
                self.index.commit()?;
            }
            found => {
                tracing::warn!(?found, expected = %identity, "the search index was built from another store; rebuilding it");
                self.index.clear()?;
                self.index.set_meta(STORE_META_KEY, &identity)?;
                self.index.commit()?;
            }
        }
        if self.follows {
            if self.index.generation().is_none() && !self.index.is_empty() {
                // Stopped part-way through a rebuild: start again from nothing.
                self.index.clear()?;
                self.index.commit()?;
            }
            return Ok((self.apply_changes()?, 0));
        }
        let generation = self.store.generation()?;
        if self.index.generation() == Some(generation) {
            return Ok((0, 0));
        }
        let stored = self.searchable_ids()?;
        let indexed = self.index.report_ids()?;
        let missing: Vec<&String> = stored.difference(&indexed).collect();
        let extra: Vec<&String> = indexed.difference(&stored).collect();
        if missing.is_empty() && extra.is_empty() {
            // Nothing to repair; remember that, unless another process holds the index writer
            // (a running server): then the next open compares again, which is only slower.
            if let Err(e) = self.index.commit_at(generation) {
                tracing::debug!("could not record the index generation: {e}");
            }
            return Ok((0, 0));
        }
        tracing::warn!(missing = missing.len(), extra = extra.len(), "index disagreed with the store; repairing");
        for id in &extra {
            self.index.remove_report(id)?;
        }
        for id in &missing {
            if let Some(report) = self.store.get(id)? {
                self.index_report(&report)?;
            }
        }
        self.index.commit_at(generation)?;
        Ok((missing.len(), extra.len()))
    }

    /// Marks `id` as a report of its own again (it was taken for another file of a stored
    /// report): it is indexed and searched from now on. False when it was not marked.
    pub fn unmark_duplicate(&self, id: &str) -> Result<bool, EngineError> {
        if !is_report_id(id) || !self.store.contains(id)? {
            return Err(EngineError::NotFound(id.to_string()));
        }
        {
            let _changing = self.changing();
            if !self.store.set_duplicate_of(id, None)? {
                return Ok(false);
            }
            if let Some(report) = self.store.get(id)? {
                self.index_report(&report)?;
            }
        }
        self.commit_index()?;
        Ok(true)
    }

    /// Marks `id` as another file of the report `original` (a copy the library did not
    /// recognise): it leaves the search index and the timeline, and stays readable by its id.
    pub fn mark_duplicate(&self, id: &str, original: &str) -> Result<bool, EngineError> {
        for one in [id, original] {
            if !is_report_id(one) || !self.store.contains(one)? {
                return Err(EngineError::NotFound(one.to_string()));
            }
        }
        // Point at the report that is searched, never at another copy.
        let original = match self.store.get(original)?.and_then(|r| r.duplicate_of) {
            Some(root) => root,
            None => original.to_string(),
        };
        if original == id {
            return Err(EngineError::Parse(format!("{id} cannot be a copy of itself")));
        }
        {
            let _changing = self.changing();
            if !self.store.set_duplicate_of(id, Some(&original))? {
                return Ok(false);
            }
            // Its own copies now point at the new original.
            for copy in self.store.copies(id)? {
                self.store.set_duplicate_of(&copy, Some(&original))?;
            }
            self.index.remove_report(id)?;
        }
        self.commit_index()?;
        Ok(true)
    }

    /// Ids of the files stored as other copies of `id`.
    pub fn copies_of(&self, id: &str) -> Result<Vec<String>, EngineError> {
        Ok(self.store.copies(id)?)
    }

    /// Returns a stored report.
    pub fn get(&self, id: &str) -> Result<Option<Report>, EngineError> {
        if !is_report_id(id) {
            return Ok(None);
        }
        Ok(self.store.get(id)?)
    }

    /// Removes a report from store and index; false when there was none.
    pub fn remove(&self, id: &str) -> Result<bool, EngineError> {
        if !is_report_id(id) {
            return Ok(false);
        }
        // Other files of the removed report stand alone once it is gone, and become searchable.
        let changing = self.changing();
        let freed = self.store.copies(id)?;
        let removed = self.store.remove(id)?;
        if removed {
            self.index.remove_report(id)?;
            for copy in &freed {
                if let Some(report) = self.store.get(copy)? {
                    self.index_report(&report)?;
                }
            }
            drop(changing);
            self.commit_index()?;
        }
        Ok(removed)
    }

    /// Runs a search. Each hit says how many other files of its report the library holds
    /// (they are searched once, through this report). In scopes `all` and `paragraphs` hits
    /// are one per report unless the request says otherwise
    /// ([`SearchRequest::group_by_report`]): the CLI, the API and the pages agree.
    ///
    /// A page asked again before the library changes is answered from the pages kept for the
    /// index's generation (see `cache`): the same hits, totals and copy counts.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse, EngineError> {
        let started = std::time::Instant::now();
        let generation = self.index.reader_generation();
        // The whole request is the key (a request that cannot be written out is never kept).
        let key = serde_json::to_string(request).ok().filter(|_| self.searches.keeps_answers());
        if let Some(kept) = key.as_deref().and_then(|key| self.searches.get(generation, key)) {
            let mut response = SearchResponse::clone(&kept);
            response.took_ms = started.elapsed().as_secs_f64() * 1000.0;
            metrics::histogram!("yanbao_search_seconds", "scope" => request.scope.as_str()).record(started.elapsed().as_secs_f64());
            return Ok(response);
        }
        let response = self.search_index(request)?;
        if let Some(key) = key {
            self.searches.put(generation, key, Arc::new(response.clone()));
        }
        metrics::histogram!("yanbao_search_seconds", "scope" => request.scope.as_str()).record(started.elapsed().as_secs_f64());
        Ok(response)
    }

    /// [`Library::search`] without the kept pages: the index's hits with their copy counts.
    fn search_index(&self, request: &SearchRequest) -> Result<SearchResponse, EngineError> {
        let mut response = self.index.search(request)?;
        let ids: Vec<&str> = {
            let mut ids: Vec<&str> = response.hits.iter().map(|h| h.report_id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let counts = self.store.copy_counts(&ids)?;
        if !counts.is_empty() {
            for hit in &mut response.hits {
                hit.other_files = counts.get(&hit.report_id).copied().unwrap_or(0);
                for more in &mut hit.more_hits {
                    more.other_files = hit.other_files;
                }
            }
        }
        Ok(response)
    }

    /// Report summaries, newest first.
    pub fn list(&self, offset: usize, limit: usize) -> Result<Vec<ReportSummary>, EngineError> {
        Ok(self.store.list(offset, limit)?)
    }

    /// Dated events across the library in `[from, to]`, optionally naming `entity`, in date
    /// order, with the same event reported by several reports merged into one entry.
    pub fn timeline(&self, from: Option<&str>, to: Option<&str>, entity: Option<&str>, limit: usize) -> Result<Vec<TimelineEntry>, EngineError> {
        let events = self.store.events(from, to, entity, limit.saturating_mul(4).max(limit))?;
        let merged = yanbao_knowledge::merge_timeline(events.into_iter().map(|e| (e.report_id, e.title, e.event)).collect());
        Ok(merged.into_iter().take(limit).collect())
    }

    /// Everything known about one entity.
    pub fn entity(&self, name: &str) -> Result<EntityOverview, EngineError> {
        let name = name.trim();
        let reports = self.store.entity_mentions(name)?;
        let kind = reports.first().map(|r| r.kind.clone());
        Ok(EntityOverview {
            name: name.to_string(),
            kind,
            events: self.timeline(None, None, Some(name), 200)?,
            co_mentioned: self.store.co_mentioned(name, 20)?,
            reports,
        })
    }

    /// Rebuilds the index from the store (other files of a stored report stay out); `progress(done,
    /// total)` is called as it goes. Returns how many reports were visited.
    pub fn reindex(&self, progress: &mut dyn FnMut(usize, usize)) -> Result<usize, EngineError> {
        // A replica is up to date with every change up to the generation read before the walk.
        let generation = self.store.generation()?;
        let total = self.store.ids()?.len();
        let duplicates = self.store.duplicate_ids()?;
        self.index.clear()?;
        let mut done = 0usize;
        let mut failure: Option<EngineError> = None;
        self.store.for_each(&mut |report| {
            if duplicates.contains(&report.id) {
                done += 1;
                progress(done, total);
                return true;
            }
            if let Err(e) = self.index_report(&report) {
                failure = Some(e);
                return false;
            }
            done += 1;
            if done % 500 == 0 {
                if let Err(e) = self.index.commit() {
                    failure = Some(e.into());
                    return false;
                }
            }
            progress(done, total);
            true
        })?;
        if let Some(e) = failure {
            return Err(e);
        }
        if self.follows {
            self.index.commit_at(generation)?;
        } else {
            self.commit_index()?;
        }
        Ok(done)
    }

    /// Writes every report as one JSON line; returns how many.
    pub fn export(&self, out: &mut dyn std::io::Write) -> Result<usize, EngineError> {
        let mut count = 0usize;
        let mut failure: Option<std::io::Error> = None;
        self.store.for_each(&mut |report| {
            let line = serde_json::to_string(&report).unwrap_or_default();
            if let Err(e) = writeln!(out, "{line}") {
                failure = Some(e);
                return false;
            }
            count += 1;
            true
        })?;
        match failure {
            // A closed pipe (`yanbao export | head`) is not an error worth reporting.
            Some(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(EngineError::Io { path: "output".into(), reason: e.to_string() }),
            _ => Ok(count),
        }
    }

    /// Library-wide counts.
    pub fn stats(&self) -> Result<LibraryStats, EngineError> {
        Ok(LibraryStats {
            data_dir: self.data_dir.display().to_string(),
            store_location: self.store.location(),
            store: self.store.stats()?,
            indexed_reports: self.index.report_ids()?.len(),
            disk_bytes: dir_size(&self.data_dir),
        })
    }
}

/// Settings key of a shared library's id (see `Library::store_identity`).
const LIBRARY_ID_KEY: &str = "library_id";
/// Index metadata key recording the store the index was built from.
const STORE_META_KEY: &str = "store";
/// Changes applied per index commit when following a shared store.
const CHANGES_PAGE: usize = 500;

/// True for strings shaped like report ids (hex), so user input never reaches SQL or paths unchecked.
pub fn is_report_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => dir_size(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Where the PDF library was found, or why PDFs cannot be read on this machine.
pub fn pdf_support() -> Result<PathBuf, String> {
    yanbao_pdf::pdfium_status().map_err(|e| e.to_string())
}

#[cfg(test)]
mod crash_tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    /// Crash loops (docs/RELIABILITY.md): a server SIGKILLed during uploads left its store and
    /// index apart for good. One upload had stored its report (the store's generation moved on)
    /// but not yet indexed it when another upload's commit recorded that generation; killed
    /// then, the index claimed a generation it did not hold, and the next start trusted it.
    #[test]
    fn an_index_commit_never_records_a_change_stored_but_not_yet_indexed() {
        let dir = tempfile::tempdir().unwrap();
        let library = Arc::new(Library::open(dir.path()).unwrap());
        let report = parse::parse_file(Path::new("a.md"), "# 关税排除清单跟踪\n\n美国贸易代表办公室延长部分商品的关税排除期限。\n".as_bytes(), &ParseOptions::default()).unwrap();
        let (stored_tx, stored_rx) = std::sync::mpsc::channel();
        // The first upload, between its store transaction and its index write.
        let writer = {
            let library = library.clone();
            let report = report.clone();
            std::thread::spawn(move || {
                let changing = library.changing();
                library.store().put(&report, None).unwrap();
                stored_tx.send(()).unwrap();
                std::thread::sleep(Duration::from_millis(300));
                library.index_report(&report).unwrap();
                drop(changing);
            })
        };
        stored_rx.recv().unwrap();
        // The second upload's commit, meanwhile.
        library.commit_index().unwrap();
        writer.join().unwrap();
        // What a process started after a kill here would find on disk.
        let committed = yanbao_index::SearchIndex::open(&dir.path().join("index")).unwrap();
        let generation = library.store().generation().unwrap();
        assert!(
            committed.generation() != Some(generation) || committed.report_ids().unwrap().contains(&report.id),
            "the index records the store's generation {generation} without the report stored in it"
        );
    }
}
