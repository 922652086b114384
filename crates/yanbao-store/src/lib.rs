//! The source of truth of a yanbao library: every report's JSON, its source bytes, its events and
//! entities, the API tokens and the people who sign in, behind one [`Store`] trait.
//!
//! [`Store`] is three traits in one, one per concern: [`ReportStore`] (reports, sources, copies
//! and the change counter), [`KnowledgeStore`] (the read models of the timeline, entity and
//! company pages, written with each report) and [`AccessStore`] (tokens, people, sessions and
//! settings). Two implementations behave the same, and one conformance suite
//! (`tests/conformance.rs`) holds both to it:
//!
//! - [`SqliteStore`], the embedded default: one SQLite file in the data folder, written in WAL
//!   mode so a killed process never leaves a half-written report (each [`ReportStore::put`] is
//!   one transaction).
//! - [`PgStore`], the shared store a team grows into: PostgreSQL, versioned migrations, a pool of
//!   connections, and a change feed (`changes`, a sequence committed in order) that search nodes
//!   follow.
//!
//! The search index is derived from the store and can always be rebuilt from it.

mod codec;
mod postgres;
mod sqlite;
mod sqlite_pictures;
pub mod testing;

pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use std::sync::Arc;

/// Opens the store a `--db` location names: `postgres://…` (or `postgresql://…`) is a shared
/// [`PgStore`]; anything else is the path of an embedded SQLite file.
pub fn open(location: &str) -> Result<Arc<dyn Store>, StoreError> {
    if is_postgres_url(location) {
        Ok(Arc::new(PgStore::connect(location)?))
    } else {
        Ok(Arc::new(SqliteStore::open(std::path::Path::new(location))?))
    }
}

/// True when `location` is a PostgreSQL connection URL.
pub fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

use std::collections::{BTreeSet, HashMap};
use yanbao_model::securities::{KnownCompany, RatingAction};
use yanbao_model::{Company, Event, Forecast, Identity, Report};

/// Errors from the store, each one clear line.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or queried (the backend's own message).
    #[error("store: {0}")]
    Database(String),
    /// The database cannot be reached (a shared store's server is down or refuses us).
    #[error("store: cannot reach {location}: {reason}")]
    Unreachable {
        /// The database, without its password.
        location: String,
        /// Why.
        reason: String,
    },
    /// A stored report's JSON could not be read back.
    #[error("store: report {id} is unreadable: {reason}")]
    Corrupt {
        /// Report id.
        id: String,
        /// What went wrong.
        reason: String,
    },
    /// The data folder was written by a newer yanbao.
    #[error("store: schema version {found} is newer than this yanbao understands ({supported}); upgrade yanbao")]
    TooNew {
        /// Version found on disk.
        found: i64,
        /// Newest version this build knows.
        supported: i64,
    },
    /// The operation is not one this store offers (the message says what to do instead).
    #[error("{0}")]
    Unsupported(String),
}

/// What a backup of the store copied: a consistent snapshot, as of one moment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StoreSnapshot {
    /// Reports in the snapshot (copies of other reports included).
    pub reports: u64,
    /// The store generation the snapshot reflects: every change up to it, none after.
    pub generation: u64,
    /// Bytes of the copy.
    pub bytes: u64,
}

/// What [`Store::put`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    /// A new report was stored.
    Added,
    /// The same bytes were already stored; nothing changed.
    Unchanged,
    /// The report existed and its structured JSON was replaced (re-parse).
    Replaced,
}

/// What [`ReportStore::put_with`] takes besides the report.
#[derive(Debug, Clone, Copy, Default)]
pub struct PutOptions<'a> {
    /// The source bytes to keep (`None`: only the JSON).
    pub source: Option<&'a [u8]>,
    /// Companies of the registry to save in the same transaction.
    pub companies: &'a [KnownCompany],
    /// When the report was first stored (RFC 3339), for a library being moved; now when `None`.
    /// A report already stored keeps its own.
    pub added_at: Option<&'a str>,
    /// The stored report this file is another copy of: marked in the same transaction (as
    /// [`ReportStore::set_duplicate_of`] would), so no reader ever sees it unmarked.
    pub duplicate_of: Option<&'a str>,
    /// The report's fingerprint ([`yanbao_model::fingerprint`]) when the caller computed it
    /// already (to look for stored copies); `None`: computed here.
    pub fingerprint: Option<&'a str>,
}

/// An API token as kept: its name, dates and the hash of its secret (what moving a library
/// copies; never shown to users).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// Name, dates and state.
    pub info: TokenInfo,
    /// SHA-256 of the secret, hex.
    pub hash: String,
}

/// A row of the report list: what a listing page or `stats` needs without the whole JSON.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ReportSummary {
    /// Report id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Institution, when known.
    pub institution: Option<String>,
    /// Date `YYYY-MM-DD`, when known.
    pub date: Option<String>,
    /// Year, when known (also when the date is not): show both with `yanbao_model::report_when`.
    pub year: Option<i32>,
    /// `zh` or `en`.
    pub language: String,
    /// Media type of the source.
    pub media_type: String,
    /// Page count, for paged sources.
    pub pages: Option<u32>,
    /// Where it was read from.
    pub source_path: String,
    /// When it was stored (UTC, RFC 3339).
    pub added_at: String,
    /// Id of the report this one duplicates (same report, another file), if any.
    pub duplicate_of: Option<String>,
}

/// Counts over the whole library.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// Reports stored.
    pub reports: u64,
    /// Body blocks over all reports.
    pub blocks: u64,
    /// Figures over all reports.
    pub figures: u64,
    /// Tables over all reports.
    pub tables: u64,
    /// Dated events over all reports.
    pub events: u64,
    /// Reports that are another file of a stored report.
    pub duplicates: u64,
    /// Bytes of source files kept.
    pub source_bytes: u64,
    /// Reports per language.
    pub languages: Vec<(String, u64)>,
    /// Reports per institution, most first.
    pub institutions: Vec<(String, u64)>,
}

/// An event with the report it comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    /// Report id.
    pub report_id: String,
    /// Report title.
    pub title: String,
    /// The event.
    pub event: Event,
}

/// An entity's appearance in one report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntityMention {
    /// Report id.
    pub report_id: String,
    /// Report title.
    pub title: String,
    /// Report date.
    pub date: Option<String>,
    /// Entity kind (person, org, place, other).
    pub kind: String,
    /// Mentions in that report.
    pub mentions: u32,
}

/// A stored report another file might be a copy of: the evidence [`yanbao_model::same_report`]
/// weighs, read from compact columns (never the report JSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyCandidate {
    /// Report id.
    pub id: String,
    /// Its same-report fingerprint.
    pub fingerprint: String,
    /// Title.
    pub title: String,
    /// Institution, when known.
    pub institution: Option<String>,
    /// Date, when known.
    pub date: Option<String>,
}

impl CopyCandidate {
    /// The evidence as [`yanbao_model::same_report`] takes it.
    pub fn identity(&self) -> Identity<'_> {
        Identity { fingerprint: &self.fingerprint, title: &self.title, institution: self.institution.as_deref(), date: self.date.as_deref() }
    }
}

/// What one report says about the company it covers: a row of a company's page.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CompanyNote {
    /// Report id.
    pub report_id: String,
    /// Report title.
    pub title: String,
    /// Report date, when known.
    pub date: Option<String>,
    /// The broker, when known.
    pub institution: Option<String>,
    /// The company as this report prints it.
    pub company: Company,
    /// Rating word (买入, 增持 …).
    pub rating: Option<String>,
    /// What the broker did to its rating.
    pub rating_action: Option<RatingAction>,
    /// Target price.
    pub target_price: Option<f64>,
    /// Currency of the target price.
    pub target_currency: Option<String>,
    /// The report's forecasts, in table order.
    pub forecasts: Vec<Forecast>,
}

/// An API token as listed (never the secret itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TokenInfo {
    /// Name given at creation.
    pub name: String,
    /// When it was created (UTC, RFC 3339).
    pub created_at: String,
    /// When it was revoked, if it was.
    pub revoked_at: Option<String>,
}

/// What a signed-in person may do, each role including the ones before it: a reader reads full
/// reports, an editor also adds and removes reports, an admin also manages people and tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads full reports.
    Reader,
    /// A reader who also uploads and removes reports.
    Editor,
    /// An editor who also manages people and API tokens.
    Admin,
}

impl Role {
    /// The role's name, as stored, typed and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Reads a role's name (`reader`, `editor`, `admin`).
    pub fn parse(name: &str) -> Option<Role> {
        [Role::Reader, Role::Editor, Role::Admin].into_iter().find(|role| role.as_str() == name)
    }
}

/// A person who signs in, as listed (never the password hash).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UserInfo {
    /// Sign-in name.
    pub name: String,
    /// What they may do.
    pub role: Role,
    /// When the account was made (UTC, RFC 3339).
    pub created_at: String,
}

/// A person as kept: what listing shows and the password's hash (an Argon2id PHC string).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Name, role and date.
    pub info: UserInfo,
    /// The password's hash, a PHC string (`$argon2id$…`).
    pub password_hash: String,
}

/// A live sign-in session, as looked up by the hash of its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The person signed in.
    pub user: String,
    /// Their role now (read from the account, so a changed role applies at once).
    pub role: Role,
    /// The session's CSRF token: what every form it submits must carry.
    pub csrf: String,
    /// When it ends, seconds since the epoch.
    pub expires_at: u64,
}

/// Reports, their sources and their copies: the source of truth. Implementations make
/// [`ReportStore::put`], [`ReportStore::remove`] and [`ReportStore::set_duplicate_of`] atomic,
/// each one change of [`ReportStore::generation`].
pub trait ReportStore: Send + Sync {
    /// Stores a report with its source bytes (`None` to keep only the JSON), atomically.
    ///
    /// Returns [`PutOutcome::Unchanged`] when a report with the same id and the same JSON exists.
    fn put(&self, report: &Report, source: Option<&[u8]>) -> Result<PutOutcome, StoreError> {
        self.put_with(report, PutOptions { source, ..PutOptions::default() })
    }
    /// [`ReportStore::put`], saving in the same transaction the registry's companies as they
    /// stand after learning from this report (kept even when the report itself is unchanged).
    fn put_with_companies(&self, report: &Report, source: Option<&[u8]>, companies: &[KnownCompany]) -> Result<PutOutcome, StoreError> {
        self.put_with(report, PutOptions { source, companies, ..PutOptions::default() })
    }
    /// Stores a report as `options` say, atomically: what every other put comes down to.
    fn put_with(&self, report: &Report, options: PutOptions<'_>) -> Result<PutOutcome, StoreError>;
    /// Returns a stored report.
    fn get(&self, id: &str) -> Result<Option<Report>, StoreError>;
    /// True when a report with this id is stored.
    fn contains(&self, id: &str) -> Result<bool, StoreError>;
    /// Returns the kept source bytes of a report.
    fn source(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Removes a report and everything derived from it; false when there was none.
    fn remove(&self, id: &str) -> Result<bool, StoreError>;
    /// All stored report ids.
    fn ids(&self) -> Result<BTreeSet<String>, StoreError>;
    /// Ids of the reports that are other files of a report already stored (`duplicate_of` set):
    /// kept and readable, but not searched or listed twice.
    fn duplicate_ids(&self) -> Result<BTreeSet<String>, StoreError>;
    /// Report summaries, newest report date first.
    fn list(&self, offset: usize, limit: usize) -> Result<Vec<ReportSummary>, StoreError>;
    /// Calls `visit` with every stored report, in id order, without holding all in memory.
    fn for_each(&self, visit: &mut dyn FnMut(Report) -> bool) -> Result<(), StoreError>;
    /// Counts over the whole library.
    fn stats(&self) -> Result<StoreStats, StoreError>;
    /// Marks `id` as another file of the report `original`, or (`None`) as a report of its own;
    /// false when nothing changed.
    fn set_duplicate_of(&self, id: &str, original: Option<&str>) -> Result<bool, StoreError>;
    /// Reports of their own (not marked as copies) sharing a fingerprint band with one of
    /// `bands`: the candidates a new file might be a copy of.
    fn copy_candidates(&self, bands: &[i64]) -> Result<Vec<CopyCandidate>, StoreError>;
    /// Ids of the reports marked as other files of `id`.
    fn copies(&self, id: &str) -> Result<Vec<String>, StoreError>;
    /// How many other files each of `ids` has (ids without copies are absent).
    fn copy_counts(&self, ids: &[&str]) -> Result<HashMap<String, u32>, StoreError>;
    /// A counter that grows with every change to the reports (put, remove, mark): equal values
    /// mean nothing changed, so a derived read model can tell it is up to date in one query.
    fn generation(&self) -> Result<u64, StoreError>;
    /// The change feed of a store several processes write: the reports changed after
    /// generation `after`, as `(generation, report id)` in generation order, each report once
    /// (at its latest change), at most `limit`. A reader that applies them in order (re-reading
    /// each report as it stands) and records the last generation is up to date with the store.
    /// `None` for a store without a feed (the embedded store: its one writer process updates
    /// its own index).
    fn changes_since(&self, after: u64, limit: usize) -> Result<Option<Vec<(u64, String)>>, StoreError> {
        let _ = (after, limit);
        Ok(None)
    }
    /// How long ago the oldest change after generation `after` was committed: how far behind a
    /// follower that applied everything up to `after` is, in time. `None` when there is no such
    /// change (or no feed).
    fn change_age(&self, after: u64) -> Result<Option<std::time::Duration>, StoreError> {
        let _ = after;
        Ok(None)
    }
    /// Waits up to `timeout` for another process to change the store; true when woken by a
    /// change (a store without a feed just waits). Followers call it between catch-ups.
    fn wait_for_change(&self, timeout: std::time::Duration) -> Result<bool, StoreError> {
        std::thread::sleep(timeout);
        Ok(false)
    }
    /// Writes a consistent copy of the whole store to the new file `dest` while other
    /// connections and processes go on reading and writing: the copy is the store as of one
    /// moment (every transaction committed before it, none after). `progress(done, total)`
    /// counts units of work (pages for SQLite). A shared store refuses: its database server
    /// has its own tools (`pg_dump`).
    fn backup_to(&self, dest: &std::path::Path, progress: &mut dyn FnMut(u64, u64)) -> Result<StoreSnapshot, StoreError> {
        let _ = (dest, progress);
        Err(StoreError::Unsupported(
            "a shared library is backed up by its database server: use pg_dump (see docs/DEPLOY.md, Backups); yanbao backup copies an embedded library".into(),
        ))
    }
}

/// The read models written with each report: events for the timeline, entities and their
/// co-mentions, and the company registry with what each report says of its company.
pub trait KnowledgeStore: Send + Sync {
    /// Events whose date lies in `[from, to]` (inclusive, `YYYY-MM-DD`; either may be open),
    /// optionally only those naming `entity` among their actors or text, in date order. For a
    /// name the library lists as an entity, the events of reports listing it whose text names
    /// it (read from an index); other text is looked for in every event.
    fn events(&self, from: Option<&str>, to: Option<&str>, entity: Option<&str>, limit: usize) -> Result<Vec<StoredEvent>, StoreError>;
    /// Reports mentioning an entity, most mentions first.
    fn entity_mentions(&self, name: &str) -> Result<Vec<EntityMention>, StoreError>;
    /// Entities most often named together with `name`, with report counts: reports in which both
    /// are among the report's twelve most-mentioned entities (other files of a stored report
    /// left out). Kept up to date as reports are written, so the cost does not grow with the
    /// library.
    fn co_mentioned(&self, name: &str, limit: usize) -> Result<Vec<(String, String, u64)>, StoreError>;
    /// The company registry, in the order its companies were first learned.
    fn companies(&self) -> Result<Vec<KnownCompany>, StoreError>;
    /// Saves companies of the registry (inserting or replacing each), in one transaction.
    fn save_companies(&self, companies: &[KnownCompany]) -> Result<(), StoreError>;
    /// The company with this key (`601899.SH`), code, name or alias.
    fn find_company(&self, code_or_name: &str) -> Result<Option<KnownCompany>, StoreError>;
    /// Every company the stored reports print with a code (company entities, covered
    /// companies), in the order the reports were stored: what a registry is learned from again.
    fn printed_companies(&self) -> Result<Vec<Company>, StoreError>;
    /// What the reports covering a company say about it, newest first: those printing its code,
    /// and those printing one of `names` without a code. Other files of a stored report are
    /// left out.
    fn company_notes(&self, code: &str, names: &[&str]) -> Result<Vec<CompanyNote>, StoreError>;
    /// Reports naming a company (entities with its code or one of `names`), most mentions
    /// first; other files of a stored report left out.
    fn company_mentions(&self, code: &str, names: &[&str]) -> Result<Vec<EntityMention>, StoreError>;
}

/// Who may read: API token hashes, people (password hashes, roles) and their sign-in sessions,
/// and small library settings (the share-link signing key).
pub trait AccessStore: Send + Sync {
    /// Stores an API token hash under a name (replacing a revoked one of that name).
    fn create_token(&self, name: &str, hash: &str) -> Result<(), StoreError>;
    /// Lists tokens.
    fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError>;
    /// Revokes a token by name; false when no live token has that name.
    fn revoke_token(&self, name: &str) -> Result<bool, StoreError>;
    /// Returns the name of the live token with this hash.
    fn token_by_hash(&self, hash: &str) -> Result<Option<String>, StoreError>;
    /// Reads a small library setting (e.g. the share-link signing key).
    fn setting(&self, key: &str) -> Result<Option<String>, StoreError>;
    /// Writes a small library setting.
    fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError>;
    /// Every setting the library keeps (not the store's own bookkeeping), by key.
    fn settings(&self) -> Result<Vec<(String, String)>, StoreError>;
    /// Every token with its hash, for moving a library.
    fn token_records(&self) -> Result<Vec<TokenRecord>, StoreError>;
    /// Writes a token as another store kept it (dates and revocation included), replacing one
    /// of that name.
    fn restore_token(&self, record: &TokenRecord) -> Result<(), StoreError>;
    /// Writes a setting unless one is already there, and returns the value that is kept: how
    /// several processes sharing a store agree on one generated secret.
    fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError>;
    /// Adds a person; false (and nothing changed) when the name is taken.
    fn create_user(&self, record: &UserRecord) -> Result<bool, StoreError>;
    /// Everyone who may sign in, by name.
    fn users(&self) -> Result<Vec<UserInfo>, StoreError>;
    /// One person with their password hash, to check a password against.
    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError>;
    /// Replaces a person's password hash and ends all their sessions, in one transaction; false
    /// when there is no such person.
    fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError>;
    /// Removes a person and ends all their sessions; false when there was none.
    fn remove_user(&self, name: &str) -> Result<bool, StoreError>;
    /// Every person with their hash, for moving a library.
    fn user_records(&self) -> Result<Vec<UserRecord>, StoreError>;
    /// Writes a person as another store kept them (date and hash included), replacing one of
    /// that name.
    fn restore_user(&self, record: &UserRecord) -> Result<(), StoreError>;
    /// Starts a session for `user` under the hash of its secret (the secret is never stored),
    /// ending at `expires_at` (seconds since the epoch); sessions already expired at `now` are
    /// purged on the way. False when there is no such person.
    fn create_session(&self, hash: &str, user: &str, csrf: &str, expires_at: u64, now: u64) -> Result<bool, StoreError>;
    /// The session with this hash, unless it has expired by `now` (seconds since the epoch).
    fn session(&self, hash: &str, now: u64) -> Result<Option<SessionRecord>, StoreError>;
    /// Ends the session with this hash; false when there was none.
    fn end_session(&self, hash: &str) -> Result<bool, StoreError>;
    /// Deletes the sessions that expire at or before `now` (`u64::MAX`: all of them); returns
    /// how many went.
    fn purge_sessions(&self, now: u64) -> Result<u64, StoreError>;
}

/// A picture of a report (a page or a chart) kept in the store: content-addressed, so one
/// picture stored twice (two reports of one PDF, a render repeated by two nodes) is kept once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPicture {
    /// SHA-256 hex of the bytes: the picture's address and its HTTP `ETag`.
    pub hash: String,
    /// `image/jpeg`, `image/png`.
    pub media_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The encoded bytes.
    pub bytes: Vec<u8>,
}

impl StoredPicture {
    /// A picture of these bytes, addressed by their SHA-256.
    pub fn new(media_type: &str, width: u32, height: u32, bytes: Vec<u8>) -> StoredPicture {
        use sha2::{Digest, Sha256};
        StoredPicture { hash: hex::encode(Sha256::digest(&bytes)), media_type: media_type.to_string(), width, height, bytes }
    }
}

/// Pictures of reports (pages, charts) under keys of their report (`page/3`, `figure/2/thumb`).
/// They go with their report when it is removed.
pub trait PictureStore: Send + Sync {
    /// The picture under `key` of a report, if stored.
    fn picture(&self, report_id: &str, key: &str) -> Result<Option<StoredPicture>, StoreError>;
    /// Stores pictures under keys of a stored report, in one transaction (a key already held is
    /// replaced); false when the report is not stored (nothing is written).
    fn put_pictures(&self, report_id: &str, pictures: &[(String, StoredPicture)]) -> Result<bool, StoreError>;
    /// Counts of stored pictures and their bytes (each stored picture once).
    fn picture_stats(&self) -> Result<(u64, u64), StoreError>;
}

/// A whole store: reports, knowledge and access, and where it lives.
pub trait Store: ReportStore + KnowledgeStore + AccessStore + PictureStore {
    /// Where the store lives, for messages (`library.sqlite` path, or the PostgreSQL URL
    /// without its password).
    fn location(&self) -> String;
    /// The ingest job queue, for a store several workers share; `None` for the embedded store
    /// (its one process ingests directly).
    fn job_queue(&self) -> Option<&dyn JobQueue> {
        None
    }
}

/// Where an ingest job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Waiting for a worker.
    Queued,
    /// A worker holds it under a lease.
    Running,
    /// Stored (or found already stored).
    Done,
    /// Could not be stored; the error says why. `retry` queues it again.
    Failed,
}

impl JobState {
    /// The state's name, as stored and printed.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Running => "running",
            JobState::Done => "done",
            JobState::Failed => "failed",
        }
    }

    /// Reads a state's name.
    pub fn parse(name: &str) -> Option<JobState> {
        [JobState::Queued, JobState::Running, JobState::Done, JobState::Failed].into_iter().find(|state| state.as_str() == name)
    }
}

/// An ingest job as listed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct JobInfo {
    /// Job id.
    pub id: i64,
    /// The file name it was enqueued under.
    pub name: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
    /// Size of its bytes.
    pub bytes: u64,
    /// Where it stands.
    pub state: JobState,
    /// Times a worker took it.
    pub attempts: u32,
    /// The worker holding it (or that last held it).
    pub worker: Option<String>,
    /// The report it became, once done.
    pub report_id: Option<String>,
    /// `added` or `unchanged`, once done.
    pub outcome: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// When it was enqueued (UTC, RFC 3339).
    pub enqueued_at: String,
    /// When it finished.
    pub finished_at: Option<String>,
}

/// A job a worker has claimed: what it needs to do the work.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    /// Job id.
    pub id: i64,
    /// The file name it was enqueued under (gives the format when the bytes do not).
    pub name: String,
    /// The source bytes.
    pub bytes: Vec<u8>,
    /// This is the worker's `attempts`-th try (1 the first time).
    pub attempts: u32,
}

/// How a worker's job ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobEnd {
    /// Stored as `report_id` (`outcome`: `added` or `unchanged`).
    Done {
        /// The report.
        report_id: String,
        /// `added` or `unchanged`.
        outcome: String,
    },
    /// Not stored, for this reason.
    Failed(String),
}

/// The ingest job queue of a shared store (see [`Store::job_queue`]).
pub trait JobQueue: Send + Sync {
    /// Records a job for `bytes` under `name`; returns its id and whether it is new (the same
    /// bytes queued or running already are that job).
    fn enqueue(&self, name: &str, bytes: &[u8]) -> Result<(i64, bool), StoreError>;
    /// Takes the oldest job no live worker holds — queued, or running under a lease that ran
    /// out (its worker died) — for `worker`, under a lease of `lease`. A job whose workers died
    /// [`MAX_JOB_ATTEMPTS`] times is failed instead, with the reason.
    fn claim(&self, worker: &str, lease: std::time::Duration) -> Result<Option<ClaimedJob>, StoreError>;
    /// Extends the lease of a job `worker` holds; false when it lost it (the lease ran out and
    /// another worker took the job).
    fn renew(&self, id: i64, worker: &str, lease: std::time::Duration) -> Result<bool, StoreError>;
    /// Ends a job `worker` holds; false when it no longer held it.
    fn finish(&self, id: i64, worker: &str, end: &JobEnd) -> Result<bool, StoreError>;
    /// Jobs, newest first, optionally of one state.
    fn jobs(&self, state: Option<JobState>, limit: usize) -> Result<Vec<JobInfo>, StoreError>;
    /// One job.
    fn job(&self, id: i64) -> Result<Option<JobInfo>, StoreError>;
    /// How many jobs are in each state.
    fn job_counts(&self) -> Result<Vec<(JobState, u64)>, StoreError>;
    /// Queues a failed job again (attempts start over); false when it is not failed.
    fn retry(&self, id: i64) -> Result<bool, StoreError>;
}

/// Times a job may be taken by a worker that then dies before it is failed for good.
pub const MAX_JOB_ATTEMPTS: u32 = 3;

/// Everything needed to call the store's methods: `use yanbao_store::prelude::*;`.
pub mod prelude {
    pub use crate::{AccessStore, KnowledgeStore, PictureStore, ReportStore, Store};
}
