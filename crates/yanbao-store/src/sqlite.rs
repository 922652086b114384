//! The embedded store: one SQLite database file, WAL mode, one transaction per report.
//!
//! Report JSON and source bytes are kept zstd-compressed (research-report text compresses 4–6×),
//! so the store grows with its sources, not with the structure derived from them. Every change
//! bumps a generation counter in the same transaction, so a reader can tell in one query whether
//! a derived read model (the search index) has seen every change.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use yanbao_model::securities::{KnownCompany, RatingAction};
use yanbao_model::{fingerprint, fingerprint_bands, same_report, Company, Event, Forecast, Report};

use crate::codec::{decode_report, entity_kind, now, pack_report, sql_seconds, stored_role, pack_source, to_json, unpack_source, CO_MENTION_TOP, MAX_CANDIDATES, MAX_KEPT_SOURCE_BYTES};
use crate::{
    AccessStore, CompanyNote, PutOptions, TokenRecord, CopyCandidate, EntityMention, KnowledgeStore, PutOutcome, ReportStore, ReportSummary, Store, StoreError, StoreSnapshot, StoreStats,
    StoredEvent, TokenInfo, SessionRecord, UserInfo, UserRecord,
};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Database(e.to_string())
    }
}

/// Newest schema this build writes and reads.
/// 1: JSON as text, sources raw, 32-slot fingerprints. 2: JSON and sources zstd-compressed,
/// same-report fingerprints v2 with LSH bands, a change generation, report JSON format 2.
/// 3: a `year` listing column, so a report known only by its year lists with it; summary tables
/// for the timeline and entity pages (`event_names`, `co_mentions`, see [`SCHEMA_3`]).
/// 4: companies (see [`SCHEMA_4`]): the registry learned from reports, each report's view of the
/// company it covers and its forecasts, and the code of company entities.
/// 5: people who sign in and their sessions (see [`SCHEMA_5`]).
/// 6: report pictures (pages, charts; see `sqlite_pictures`).
const SCHEMA_VERSION: i64 = 6;

/// Settings key of the change counter.
const GENERATION_KEY: &str = "generation";
/// The store connection's page cache, in KiB (64 MiB; see `init`).
const STORE_CACHE_KIB: i64 = 64 * 1024;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    institution TEXT,
    date TEXT,
    year INTEGER,
    language TEXT NOT NULL,
    media_type TEXT NOT NULL,
    pages INTEGER,
    source_path TEXT NOT NULL,
    added_at TEXT NOT NULL,
    format_version INTEGER NOT NULL,
    blocks INTEGER NOT NULL,
    figures INTEGER NOT NULL,
    tables INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    duplicate_of TEXT,
    json TEXT NOT NULL DEFAULT '',
    doc BLOB
);
CREATE INDEX IF NOT EXISTS reports_date ON reports(date);
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    bytes BLOB NOT NULL,
    codec TEXT,
    original_len INTEGER
);
CREATE TABLE IF NOT EXISTS events (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    date TEXT NOT NULL,
    search_text TEXT NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
);
CREATE INDEX IF NOT EXISTS events_date ON events(date);
CREATE TABLE IF NOT EXISTS entities (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    PRIMARY KEY (report_id, name)
);
CREATE INDEX IF NOT EXISTS entities_name ON entities(name);
CREATE TABLE IF NOT EXISTS tokens (
    name TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
"#;

/// Tables added by schema 2 (created after the version-1 columns are brought up to date).
const SCHEMA_2: &str = r#"
CREATE TABLE IF NOT EXISTS report_bands (
    band INTEGER NOT NULL,
    id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    PRIMARY KEY (band, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS report_bands_id ON report_bands(id);
CREATE INDEX IF NOT EXISTS reports_duplicate_of ON reports(duplicate_of);
"#;

/// Added by schema 3, so the timeline and entity pages cost the same at 100 k reports as at 1 k:
/// events are read in (date, report, seq) order straight from an index (no sort of a year per
/// request); an entity's reports come ordered by mentions from an index; and co-mentions are
/// counted as reports are written, in `co_mentions` (for each report that is not another file
/// of a stored one, every ordered pair of its [`CO_MENTION_TOP`] most-mentioned entities adds one
/// to `reports`), instead of a self-join over every entity of every report naming the entity;
/// `event_names` lists, for each event, the report's entities its text names, so an entity's
/// timeline is read in date order from an index instead of searching every event's text.
const SCHEMA_3: &str = r#"
CREATE INDEX IF NOT EXISTS events_order ON events(date, report_id, seq);
DROP INDEX IF EXISTS events_date;
CREATE INDEX IF NOT EXISTS entities_by_mentions ON entities(name, mentions);
DROP INDEX IF EXISTS entities_name;
CREATE TABLE IF NOT EXISTS co_mentions (
    name TEXT NOT NULL,
    other TEXT NOT NULL,
    kind TEXT NOT NULL,
    reports INTEGER NOT NULL,
    PRIMARY KEY (name, other)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_names (
    name TEXT NOT NULL,
    date TEXT NOT NULL,
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    PRIMARY KEY (name, date, report_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_names_report ON event_names(report_id);
"#;

/// Added by schema 4, for company pages. `companies` is the registry the engine learns from
/// reports (name ↔ code ↔ aliases, a JSON array), in the order learned (rowid: a name two
/// companies printed stays with the first). `company_notes` holds what each report says about
/// the company it covers (its code null when the report never printed one: found by name), and
/// `company_forecasts` its forecast rows; both are written and dropped with their report, in its
/// transaction. Entities keep their code (`entities.code`, added before these run), so the
/// reports naming a company are read from an index.
const SCHEMA_4: &str = r#"
CREATE INDEX IF NOT EXISTS entities_code ON entities(code) WHERE code IS NOT NULL;
CREATE TABLE IF NOT EXISTS companies (
    key TEXT PRIMARY KEY,
    code TEXT NOT NULL,
    exchange TEXT,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS companies_code ON companies(code);
CREATE TABLE IF NOT EXISTS company_notes (
    report_id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    code TEXT,
    exchange TEXT,
    rating TEXT,
    rating_action TEXT,
    target_price REAL,
    currency TEXT,
    date TEXT,
    institution TEXT
);
CREATE INDEX IF NOT EXISTS company_notes_code ON company_notes(code, date);
CREATE INDEX IF NOT EXISTS company_notes_name ON company_notes(name) WHERE code IS NULL;
CREATE TABLE IF NOT EXISTS company_forecasts (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    year INTEGER NOT NULL,
    metric TEXT NOT NULL,
    value REAL NOT NULL,
    unit TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
) WITHOUT ROWID;
"#;

/// Added by schema 5: the people who sign in (`users`: a role and an Argon2id hash of the
/// password, never the password) and their sessions (`sessions`: the SHA-256 of each session's
/// secret, never the secret; its CSRF token; when it ends, in seconds since the epoch). A
/// person's sessions go with them.
const SCHEMA_5: &str = r#"
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('reader', 'editor', 'admin')),
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_name);
CREATE INDEX IF NOT EXISTS sessions_expiry ON sessions(expires_at);
"#;

/// A [`Store`] in one SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
    /// The file, for messages (`:memory:` for a throw-away store).
    location: String,
    /// The file, when there is one: a backup reads it through a connection of its own, so the
    /// store's connection (and its other callers) is never held for the length of a backup.
    path: Option<std::path::PathBuf>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`, migrating an older schema in place.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        let mut store = Self::init(conn, path.display().to_string())?;
        store.path = Some(path.to_path_buf());
        Ok(store)
    }

    /// Opens a throw-away store in memory (tests, `parse`).
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Self::init(Connection::open_in_memory()?, ":memory:".into())
    }

    fn init(conn: Connection, location: String) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL: readers never block the writer; a killed writer loses only its open transaction.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // SQLite's default page cache is 2 MB: in a 100 k-report library the indexes an ingest
        // inserts into at random (events, entities, co-mentions, fingerprint bands) are far
        // larger, and each insert read its B-tree pages back from the kernel: 64 MiB halves an
        // ingest's read calls there (docs/BENCHMARKS.md). Negative: KiB; pages are allocated as used.
        conn.pragma_update(None, "cache_size", -STORE_CACHE_KIB)?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
        }
        if found == SCHEMA_VERSION {
            return Ok(SqliteStore { conn: Mutex::new(conn), location, path: None });
        }
        // One transaction for the whole layout: a first open killed halfway leaves no half
        // schema, and the WAL takes each page once, not once per statement.
        let tx = conn.unchecked_transaction()?;
        conn.execute_batch(SCHEMA)?;
        if found == 1 {
            // Columns schema 2 added to tables that already exist.
            conn.execute_batch(
                "ALTER TABLE reports ADD COLUMN doc BLOB;
                 ALTER TABLE sources ADD COLUMN codec TEXT;
                 ALTER TABLE sources ADD COLUMN original_len INTEGER;",
            )?;
        }
        if found == 1 || found == 2 {
            // The column schema 3 added.
            conn.execute_batch("ALTER TABLE reports ADD COLUMN year INTEGER;")?;
        }
        conn.execute_batch(SCHEMA_2)?;
        conn.execute_batch(SCHEMA_3)?;
        // The column schema 4 added (every earlier library, and a new one made from `SCHEMA`);
        // checked first, so a migration stopped before it recorded its version runs again.
        if !has_column(&conn, "entities", "code")? {
            conn.execute_batch("ALTER TABLE entities ADD COLUMN code TEXT;")?;
        }
        conn.execute_batch(SCHEMA_4)?;
        conn.execute_batch(SCHEMA_5)?;
        conn.execute_batch(crate::sqlite_pictures::SCHEMA_6)?;
        tx.commit()?;
        let store = SqliteStore { conn: Mutex::new(conn), location, path: None };
        if found == 1 {
            store.migrate_from_1()?;
        } else if found == 2 {
            store.fill_years()?;
        }
        if found > 0 {
            store.rebuild_entity_tables()?;
            store.fill_company_tables()?;
        }
        store.conn().pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(store)
    }

    /// Checks the whole file's structure (SQLite's `quick_check`: every page, every index
    /// entry's row); a damaged file is an error naming what SQLite found.
    pub fn check(&self) -> Result<(), StoreError> {
        let conn = self.conn();
        let mut statement = conn.prepare("PRAGMA quick_check")?;
        let found: Vec<String> = statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
        if found.len() == 1 && found[0] == "ok" {
            return Ok(());
        }
        let first = found.into_iter().take(3).collect::<Vec<_>>().join("; ");
        Err(StoreError::Database(format!("{} is damaged: {first}", self.location)))
    }

    /// Copies the whole store into the new file `dest` with SQLite's online backup API.
    ///
    /// A connection of its own opens one read transaction and the backup copies from it, a
    /// slice of pages at a time: in WAL mode a reader never blocks a writer, so ingests and
    /// searches in this or any other process go on, and since the snapshot is held from the
    /// first page to the last the copy is the store as of that moment (SQLite restarts a backup
    /// whose source changes between steps only when no read transaction pins it). The copy is
    /// one self-contained file (rollback journal, no `-wal` beside it), flushed to disk.
    fn backup_file(&self, dest: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<StoreSnapshot, StoreError> {
        if dest.exists() {
            return Err(StoreError::Database(format!("{} already exists", dest.display())));
        }
        let own;
        let guard;
        let source: &Connection = match &self.path {
            Some(path) => {
                own = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
                own.busy_timeout(std::time::Duration::from_secs(30))?;
                &own
            }
            None => {
                guard = self.conn();
                &guard
            }
        };
        // The snapshot: everything below reads the store as of this first read.
        source.execute_batch("BEGIN DEFERRED")?;
        let result = (|| {
            let generation: u64 = source
                .query_row("SELECT value FROM settings WHERE key = ?1", [GENERATION_KEY], |row| row.get::<_, String>(0))
                .optional()?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            let reports: u64 = source.query_row("SELECT count(*) FROM reports", [], |row| row.get(0))?;
            let mut target = Connection::open(dest)?;
            {
                let backup = rusqlite::backup::Backup::new(source, &mut target)?;
                // 1024 pages (4 MiB) a step: progress to show, and short steps.
                loop {
                    match backup.step(1024)? {
                        rusqlite::backup::StepResult::Done => break,
                        rusqlite::backup::StepResult::More => {}
                        _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                    }
                    let at = backup.progress();
                    let total = at.pagecount.max(0) as u64;
                    progress(total.saturating_sub(at.remaining.max(0) as u64), total);
                }
                let at = backup.progress();
                progress(at.pagecount.max(0) as u64, at.pagecount.max(0) as u64);
            }
            // One file, no WAL beside it: the copy is what a restore (or `cp`) carries.
            target.pragma_update(None, "journal_mode", "DELETE")?;
            target.pragma_update(None, "synchronous", "FULL")?;
            drop(target);
            std::fs::File::open(dest).and_then(|file| file.sync_all()).map_err(|e| StoreError::Database(format!("{}: {e}", dest.display())))?;
            let bytes = std::fs::metadata(dest).map(|m| m.len()).unwrap_or(0);
            Ok(StoreSnapshot { reports, generation, bytes })
        })();
        let _ = source.execute_batch("COMMIT");
        if result.is_err() {
            let _ = std::fs::remove_file(dest);
        }
        result
    }

    pub(crate) fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll back),
        // so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Rebuilds the tables derived from `entities` and `events` (libraries written before schema
    /// 3): `event_names`, and `co_mentions` from every report that is not another file of a
    /// stored one.
    fn rebuild_entity_tables(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM event_names", [])?;
        tx.execute(
            "INSERT OR IGNORE INTO event_names (name, date, report_id, seq)
             SELECT n.name, e.date, e.report_id, e.seq FROM events e JOIN entities n ON n.report_id = e.report_id
             WHERE instr(e.search_text, n.name) > 0",
            [],
        )?;
        tx.execute("DELETE FROM co_mentions", [])?;
        tx.execute(
            "WITH top AS (
                SELECT report_id, name, kind FROM (
                    SELECT n.report_id, n.name, n.kind,
                           row_number() OVER (PARTITION BY n.report_id ORDER BY n.mentions DESC, n.name) AS rank
                    FROM entities n JOIN reports r ON r.id = n.report_id WHERE r.duplicate_of IS NULL)
                WHERE rank <= ?1)
             INSERT INTO co_mentions (name, other, kind, reports)
             SELECT a.name, b.name, min(b.kind), COUNT(*) FROM top a JOIN top b ON a.report_id = b.report_id AND a.name <> b.name
             GROUP BY a.name, b.name",
            [CO_MENTION_TOP],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Brings a schema-1 library up to date: every report is upgraded to the current JSON format,
    /// compressed, re-fingerprinted and banded; sources are compressed; same-report marks the
    /// current rules reject are lifted (the old rule hid series reports as copies). One
    /// transaction per page of reports, so a killed migration resumes where it stopped.
    fn migrate_from_1(&self) -> Result<(), StoreError> {
        let mut after = String::new();
        let mut migrated = 0usize;
        loop {
            let mut conn = self.conn();
            let tx = conn.transaction()?;
            let page: Vec<(String, String, Option<Vec<u8>>)> = {
                let mut stmt = tx.prepare("SELECT id, json, doc FROM reports WHERE id > ?1 ORDER BY id LIMIT 64")?;
                let rows = stmt.query_map([&after], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let Some((last, _, _)) = page.last() else { break };
            after = last.clone();
            for (id, json, doc) in page {
                let mut report = decode_report(&id, &json, doc.as_deref())?;
                report.upgrade();
                write_report(&tx, &report, &now(), None)?;
                let source: Option<(Vec<u8>, Option<String>)> =
                    tx.query_row("SELECT bytes, codec FROM sources WHERE id = ?1", [&id], |row| Ok((row.get(0)?, row.get(1)?))).optional()?;
                if let Some((bytes, None)) = source {
                    write_source(&tx, &id, &bytes)?;
                }
                migrated += 1;
            }
            tx.commit()?;
        }
        // Marks made by the old rule that the current one rejects.
        let marks: Vec<(String, String)> = {
            let conn = self.conn();
            let mut stmt = conn.prepare("SELECT id, duplicate_of FROM reports WHERE duplicate_of IS NOT NULL")?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
            rows
        };
        for (id, original) in marks {
            let (Some(copy), Some(kept)) = (self.candidate(&id)?, self.candidate(&original)?) else { continue };
            if !same_report(&copy.identity(), &kept.identity()) {
                tracing_free_note(&id, &original);
                self.set_duplicate_of(&id, None)?;
            }
        }
        if migrated > 0 {
            // Give the space of the uncompressed JSON back to the file system.
            self.conn().execute_batch("VACUUM")?;
        }
        Ok(())
    }

    /// Fills the `year` column of a schema-2 library: the year of the date where there is one,
    /// else the report JSON's `year` (read only for the reports without a date).
    fn fill_years(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("UPDATE reports SET year = CAST(substr(date, 1, 4) AS INTEGER) WHERE date IS NOT NULL", [])?;
        let undated: Vec<(String, String, Option<Vec<u8>>)> = {
            let mut stmt = tx.prepare("SELECT id, json, doc FROM reports WHERE date IS NULL")?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
            rows
        };
        for (id, json, doc) in undated {
            let report = decode_report(&id, &json, doc.as_deref())?;
            tx.execute("UPDATE reports SET year = ?2 WHERE id = ?1", params![id, report.year])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Fills the schema-4 company tables and entity codes of a library written before them.
    /// Only reports of format 4 or later can name a company with its code (older ones are read
    /// as they are, without one), so only their JSON is read.
    fn fill_company_tables(&self) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let reports: Vec<(String, String, Option<Vec<u8>>)> = {
            let mut stmt = tx.prepare("SELECT id, json, doc FROM reports WHERE format_version >= 4")?;
            let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?.collect::<Result<Vec<_>, _>>()?;
            rows
        };
        {
            let mut set_code = tx.prepare("UPDATE entities SET code = ?3 WHERE report_id = ?1 AND name = ?2")?;
            for (id, json, doc) in reports {
                let report = decode_report(&id, &json, doc.as_deref())?;
                for entity in report.entities.iter().filter(|e| e.code.is_some()) {
                    set_code.execute(params![id, entity.name, entity.code])?;
                }
                write_company_facts(&tx, &report)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// The same-report evidence of one stored report.
    fn candidate(&self, id: &str) -> Result<Option<CopyCandidate>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row("SELECT id, fingerprint, title, institution, date FROM reports WHERE id = ?1", [id], candidate_row)
            .optional()?)
    }
}

/// Migration notes go to stderr only in debug builds; the store has no logging dependency.
fn tracing_free_note(id: &str, original: &str) {
    if cfg!(debug_assertions) {
        eprintln!("store migration: {id} is not the same report as {original}; un-marked");
    }
}

/// True when `table` has a column named `column`.
fn has_column(conn: &Connection, table: &str, column: &str) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)", [table, column], |row| row.get(0))?)
}

fn candidate_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<CopyCandidate> {
    Ok(CopyCandidate { id: row.get(0)?, fingerprint: row.get(1)?, title: row.get(2)?, institution: row.get(3)?, date: row.get(4)? })
}

/// Adds `delta` (+1 or -1) to the co-mention counts of one report's most-mentioned entities
/// (as its `entities` rows stand now); pairs whose count falls to zero are removed.
fn count_co_mentions(tx: &Transaction<'_>, report_id: &str, delta: i64) -> Result<(), StoreError> {
    let top: Vec<(String, String)> = {
        let mut stmt = tx.prepare_cached("SELECT name, kind FROM entities WHERE report_id = ?1 ORDER BY mentions DESC, name LIMIT ?2")?;
        let rows = stmt.query_map(params![report_id, CO_MENTION_TOP], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        rows
    };
    let mut add = tx.prepare_cached(
        "INSERT INTO co_mentions (name, other, kind, reports) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(name, other) DO UPDATE SET reports = reports + excluded.reports",
    )?;
    // Only the pairs just counted down can reach zero: drop those (by key, not by a scan).
    let mut drop_zero = tx.prepare_cached("DELETE FROM co_mentions WHERE name = ?1 AND other = ?2 AND reports <= 0")?;
    for (name, _) in &top {
        for (other, kind) in top.iter().filter(|(other, _)| other != name) {
            add.execute(params![name, other, kind, delta])?;
            if delta < 0 {
                drop_zero.execute(params![name, other])?;
            }
        }
    }
    Ok(())
}

/// True when the report is stored and is not another file of a stored report.
fn is_original(tx: &Transaction<'_>, report_id: &str) -> Result<bool, StoreError> {
    Ok(tx
        .query_row("SELECT duplicate_of IS NULL FROM reports WHERE id = ?1", [report_id], |row| row.get::<_, bool>(0))
        .optional()?
        .unwrap_or(false))
}

/// Writes (inserting or replacing) a report's row, bands, events and entities in `tx`. The
/// `duplicate_of` column and the source are left as they are.
fn write_report(tx: &Transaction<'_>, report: &Report, added_at: &str, print: Option<&str>) -> Result<(), StoreError> {
    let doc = pack_report(report)?;
    let print = print.map_or_else(|| fingerprint(report), str::to_string);
    // Replacing: drop derived rows first; ON DELETE CASCADE would also drop the source.
    if is_original(tx, &report.id)? {
        count_co_mentions(tx, &report.id, -1)?;
    }
    tx.execute("DELETE FROM events WHERE report_id = ?1", [&report.id])?;
    tx.execute("DELETE FROM event_names WHERE report_id = ?1", [&report.id])?;
    tx.execute("DELETE FROM entities WHERE report_id = ?1", [&report.id])?;
    tx.execute("DELETE FROM report_bands WHERE id = ?1", [&report.id])?;
    tx.execute(
        "INSERT INTO reports (id, sha256, title, institution, date, language, media_type, pages, source_path,
            added_at, format_version, blocks, figures, tables, fingerprint, json, doc, year)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, '', ?16, ?17)
         ON CONFLICT(id) DO UPDATE SET sha256 = excluded.sha256, title = excluded.title,
            institution = excluded.institution, date = excluded.date, year = excluded.year, language = excluded.language,
            media_type = excluded.media_type, pages = excluded.pages, source_path = excluded.source_path,
            format_version = excluded.format_version, blocks = excluded.blocks, figures = excluded.figures,
            tables = excluded.tables, fingerprint = excluded.fingerprint, json = '', doc = excluded.doc",
        params![
            report.id,
            report.source.sha256,
            report.title,
            report.institution,
            report.date,
            report.language,
            report.source.media_type,
            report.source.pages,
            report.source.path,
            added_at,
            report.format_version,
            report.blocks.len() as i64,
            report.figures.len() as i64,
            report.tables.len() as i64,
            print,
            doc,
            report.year,
        ],
    )?;
    {
        let mut insert_band = tx.prepare("INSERT OR IGNORE INTO report_bands (band, id) VALUES (?1, ?2)")?;
        for band in fingerprint_bands(&print) {
            insert_band.execute(params![band, report.id])?;
        }
        let mut insert_event =
            tx.prepare("INSERT INTO events (report_id, seq, date, search_text, json) VALUES (?1, ?2, ?3, ?4, ?5)")?;
        let mut insert_name = tx.prepare("INSERT OR IGNORE INTO event_names (name, date, report_id, seq) VALUES (?1, ?2, ?3, ?4)")?;
        for (seq, event) in report.events.iter().enumerate() {
            let search_text = format!("{} {}", event.text, event.actors.join(" "));
            let event_json = serde_json::to_string(event).unwrap_or_default();
            insert_event.execute(params![report.id, seq as i64, event.date, search_text, event_json])?;
            for entity in report.entities.iter().filter(|entity| !entity.name.is_empty() && search_text.contains(&entity.name)) {
                insert_name.execute(params![entity.name, event.date, report.id, seq as i64])?;
            }
        }
        let mut insert_entity = tx.prepare(
            "INSERT INTO entities (report_id, name, kind, mentions, code) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT(report_id, name) DO UPDATE SET mentions = mentions + excluded.mentions, code = COALESCE(code, excluded.code)",
        )?;
        for entity in &report.entities {
            insert_entity.execute(params![report.id, entity.name, entity_kind(entity.kind), entity.mentions, entity.code])?;
        }
    }
    write_company_facts(tx, report)?;
    if is_original(tx, &report.id)? {
        count_co_mentions(tx, &report.id, 1)?;
    }
    bump_generation(tx)
}

/// Writes (replacing) what a report says about the company it covers — its rating, target
/// price and forecasts — in `tx`; nothing for a report that covers no company.
fn write_company_facts(tx: &Transaction<'_>, report: &Report) -> Result<(), StoreError> {
    tx.execute("DELETE FROM company_notes WHERE report_id = ?1", [&report.id])?;
    tx.execute("DELETE FROM company_forecasts WHERE report_id = ?1", [&report.id])?;
    let Some(company) = &report.company else { return Ok(()) };
    tx.execute(
        "INSERT INTO company_notes (report_id, name, code, exchange, rating, rating_action, target_price, currency, date, institution)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            report.id,
            company.name,
            company.code,
            company.exchange,
            report.rating,
            report.rating_action.map(|action| action.as_str()),
            report.target_price,
            report.target_currency,
            report.date,
            report.institution,
        ],
    )?;
    let mut insert = tx.prepare_cached("INSERT INTO company_forecasts (report_id, seq, year, metric, value, unit) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?;
    for (seq, forecast) in report.forecasts.iter().enumerate() {
        insert.execute(params![report.id, seq as i64, forecast.year, forecast.metric, forecast.value, forecast.unit])?;
    }
    Ok(())
}

/// Writes (inserting or replacing) companies of the registry in `tx`; a company keeps its
/// rowid, so the order they were first learned in stays.
fn write_companies(tx: &Transaction<'_>, companies: &[KnownCompany]) -> Result<(), StoreError> {
    let mut upsert = tx.prepare_cached(
        "INSERT INTO companies (key, code, exchange, name, aliases) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(key) DO UPDATE SET code = excluded.code, exchange = excluded.exchange, name = excluded.name, aliases = excluded.aliases",
    )?;
    for company in companies {
        // A set of plain strings always serialises.
        let aliases = serde_json::to_string(&company.aliases).unwrap_or_else(|_| "[]".into());
        upsert.execute(params![company.key(), company.code, company.exchange, company.name, aliases])?;
    }
    Ok(())
}

fn known_company_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<KnownCompany> {
    let aliases: String = row.get(3)?;
    Ok(KnownCompany { code: row.get(0)?, exchange: row.get(1)?, name: row.get(2)?, aliases: serde_json::from_str(&aliases).unwrap_or_default() })
}

/// Keeps a source compressed when that saves space (text), raw otherwise (most PDFs).
fn write_source(tx: &Transaction<'_>, id: &str, bytes: &[u8]) -> Result<(), StoreError> {
    let (stored, codec) = pack_source(bytes)?;
    tx.execute(
        "INSERT INTO sources (id, bytes, codec, original_len) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET bytes = excluded.bytes, codec = excluded.codec, original_len = excluded.original_len",
        params![id, stored.as_ref(), codec, bytes.len() as i64],
    )?;
    Ok(())
}

/// Marks `id` as another file of `original` (or a report of its own) in `tx`, moving its
/// co-mention counts; true when the mark changed.
fn mark_duplicate(tx: &Transaction<'_>, id: &str, original: Option<&str>) -> Result<bool, StoreError> {
    let was_original = is_original(tx, id)?;
    let changed = tx.execute("UPDATE reports SET duplicate_of = ?2 WHERE id = ?1 AND duplicate_of IS NOT ?2", params![id, original])?;
    if changed > 0 {
        match (was_original, original.is_none()) {
            (true, false) => count_co_mentions(tx, id, -1)?,
            (false, true) => count_co_mentions(tx, id, 1)?,
            _ => {}
        }
        bump_generation(tx)?;
    }
    Ok(changed > 0)
}

/// Counts one change of the library (in the caller's transaction).
fn bump_generation(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, '1')
         ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        [GENERATION_KEY],
    )?;
    Ok(())
}

impl ReportStore for SqliteStore {
    fn put_with(&self, report: &Report, options: PutOptions<'_>) -> Result<PutOutcome, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        write_companies(&tx, options.companies)?;
        let existing: Option<(String, Option<Vec<u8>>)> = tx
            .query_row("SELECT json, doc FROM reports WHERE id = ?1", [&report.id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let outcome = match &existing {
            Some((json, doc)) => {
                let old = decode_report(&report.id, json, doc.as_deref())?;
                if to_json(&old) == to_json(report) {
                    // What the registry learned from it (and a mark) is kept all the same.
                    if let Some(original) = options.duplicate_of {
                        mark_duplicate(&tx, &report.id, Some(original))?;
                    }
                    tx.commit()?;
                    return Ok(PutOutcome::Unchanged);
                }
                PutOutcome::Replaced
            }
            None => PutOutcome::Added,
        };
        write_report(&tx, report, options.added_at.unwrap_or(&now()), options.fingerprint)?;
        if let Some(bytes) = options.source.filter(|b| b.len() <= MAX_KEPT_SOURCE_BYTES) {
            write_source(&tx, &report.id, bytes)?;
        }
        if let Some(original) = options.duplicate_of {
            mark_duplicate(&tx, &report.id, Some(original))?;
        }
        tx.commit()?;
        Ok(outcome)
    }

    fn get(&self, id: &str) -> Result<Option<Report>, StoreError> {
        let conn = self.conn();
        let row: Option<(String, Option<Vec<u8>>, Option<String>)> = conn
            .query_row("SELECT json, doc, duplicate_of FROM reports WHERE id = ?1", [id], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .optional()?;
        drop(conn);
        row.map(|(json, doc, duplicate_of)| {
            let mut report = decode_report(id, &json, doc.as_deref())?;
            report.duplicate_of = duplicate_of;
            Ok(report)
        })
        .transpose()
    }

    fn contains(&self, id: &str) -> Result<bool, StoreError> {
        let conn = self.conn();
        let found: Option<i64> = conn.query_row("SELECT 1 FROM reports WHERE id = ?1", [id], |row| row.get(0)).optional()?;
        Ok(found.is_some())
    }

    fn source(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let conn = self.conn();
        let row: Option<(Vec<u8>, Option<String>)> =
            conn.query_row("SELECT bytes, codec FROM sources WHERE id = ?1", [id], |row| Ok((row.get(0)?, row.get(1)?))).optional()?;
        drop(conn);
        row.map(|(bytes, codec)| unpack_source(id, bytes, codec.as_deref())).transpose()
    }

    fn remove(&self, id: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        // Its other files become reports of their own (and count in co-mentions); it stops counting.
        let freed: Vec<String> = {
            let mut stmt = tx.prepare("SELECT id FROM reports WHERE duplicate_of = ?1")?;
            let rows = stmt.query_map([id], |row| row.get(0))?.collect::<Result<Vec<_>, _>>()?;
            rows
        };
        tx.execute("UPDATE reports SET duplicate_of = NULL WHERE duplicate_of = ?1", [id])?;
        for copy in &freed {
            count_co_mentions(&tx, copy, 1)?;
        }
        if is_original(&tx, id)? {
            count_co_mentions(&tx, id, -1)?;
        }
        crate::sqlite_pictures::forget_pictures(&tx, id)?;
        let removed = tx.execute("DELETE FROM reports WHERE id = ?1", [id])?;
        if removed > 0 {
            bump_generation(&tx)?;
        }
        tx.commit()?;
        Ok(removed > 0)
    }

    fn ids(&self) -> Result<BTreeSet<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id FROM reports")?;
        let ids = stmt.query_map([], |row| row.get(0))?.collect::<Result<BTreeSet<String>, _>>()?;
        Ok(ids)
    }

    fn duplicate_ids(&self) -> Result<BTreeSet<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id FROM reports WHERE duplicate_of IS NOT NULL")?;
        let ids = stmt.query_map([], |row| row.get(0))?.collect::<Result<BTreeSet<String>, _>>()?;
        Ok(ids)
    }

    fn list(&self, offset: usize, limit: usize) -> Result<Vec<ReportSummary>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT id, title, institution, date, language, media_type, pages, source_path, added_at, duplicate_of, year
             FROM reports ORDER BY date IS NULL, date DESC, added_at DESC, id LIMIT ?1 OFFSET ?2",
        )?;
        let rows = stmt
            .query_map(params![limit as i64, offset as i64], |row| {
                Ok(ReportSummary {
                    id: row.get(0)?,
                    title: row.get(1)?,
                    institution: row.get(2)?,
                    date: row.get(3)?,
                    language: row.get(4)?,
                    media_type: row.get(5)?,
                    pages: row.get(6)?,
                    source_path: row.get(7)?,
                    added_at: row.get(8)?,
                    duplicate_of: row.get(9)?,
                    year: row.get(10)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn for_each(&self, visit: &mut dyn FnMut(Report) -> bool) -> Result<(), StoreError> {
        // Page through by id so no statement stays open while `visit` runs (it may call the store).
        let mut after = String::new();
        loop {
            type Row = (String, String, Option<Vec<u8>>, Option<String>);
            let page: Vec<Row> = {
                let conn = self.conn();
                let mut stmt = conn.prepare("SELECT id, json, doc, duplicate_of FROM reports WHERE id > ?1 ORDER BY id LIMIT 64")?;
                let rows = stmt.query_map([&after], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)))?.collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let Some((last, ..)) = page.last() else { return Ok(()) };
            after = last.clone();
            for (id, json, doc, duplicate_of) in page {
                let mut report = decode_report(&id, &json, doc.as_deref())?;
                report.duplicate_of = duplicate_of;
                if !visit(report) {
                    return Ok(());
                }
            }
        }
    }

    fn stats(&self) -> Result<StoreStats, StoreError> {
        let conn = self.conn();
        let (reports, blocks, figures, tables): (i64, i64, i64, i64) = conn.query_row(
            "SELECT COUNT(*), COALESCE(SUM(blocks),0), COALESCE(SUM(figures),0), COALESCE(SUM(tables),0) FROM reports",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
        )?;
        let events: i64 = conn.query_row("SELECT COUNT(*) FROM events", [], |row| row.get(0))?;
        let duplicates: i64 = conn.query_row("SELECT COUNT(*) FROM reports WHERE duplicate_of IS NOT NULL", [], |row| row.get(0))?;
        let source_bytes: i64 = conn.query_row("SELECT COALESCE(SUM(COALESCE(original_len, LENGTH(bytes))),0) FROM sources", [], |row| row.get(0))?;
        let group = |sql: &str| -> Result<Vec<(String, u64)>, StoreError> {
            let mut stmt = conn.prepare(sql)?;
            let rows = stmt
                .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        };
        Ok(StoreStats {
            reports: reports as u64,
            blocks: blocks as u64,
            figures: figures as u64,
            tables: tables as u64,
            events: events as u64,
            duplicates: duplicates as u64,
            source_bytes: source_bytes as u64,
            languages: group("SELECT language, COUNT(*) FROM reports GROUP BY language ORDER BY 2 DESC")?,
            institutions: group(
                "SELECT institution, COUNT(*) FROM reports WHERE institution IS NOT NULL GROUP BY institution ORDER BY 2 DESC, 1 LIMIT 50",
            )?,
        })
    }

    fn set_duplicate_of(&self, id: &str, original: Option<&str>) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let changed = mark_duplicate(&tx, id, original)?;
        tx.commit()?;
        Ok(changed)
    }

    fn copy_candidates(&self, bands: &[i64]) -> Result<Vec<CopyCandidate>, StoreError> {
        if bands.is_empty() {
            return Ok(Vec::new());
        }
        let conn = self.conn();
        // Bands are our own integers, never user input: inlined as a literal list.
        let list = bands.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        // Most shared bands first: a true copy shares nearly all of them, while reports that
        // merely share a template or boilerplate paragraphs share a few — and can be many.
        // CROSS JOIN keeps the few band matches the outer loop: SQLite's planner otherwise
        // walks every report through the `duplicate_of` index (true of nearly all) and joins
        // the bands to each — a scan of the whole reports table per ingested file (20 ms at
        // 10 k reports, most of the writer's time at 40 k).
        let mut stmt = conn.prepare(&format!(
            "SELECT r.id, r.fingerprint, r.title, r.institution, r.date
             FROM (SELECT id, COUNT(*) AS shared FROM report_bands WHERE band IN ({list}) GROUP BY id) b
             CROSS JOIN reports r ON r.id = b.id
             WHERE r.duplicate_of IS NULL
             ORDER BY b.shared DESC, r.id LIMIT ?1"
        ))?;
        let rows = stmt.query_map([MAX_CANDIDATES], candidate_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn copies(&self, id: &str) -> Result<Vec<String>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id FROM reports WHERE duplicate_of = ?1 ORDER BY id")?;
        let rows = stmt.query_map([id], |row| row.get(0))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn copy_counts(&self, ids: &[&str]) -> Result<HashMap<String, u32>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare_cached("SELECT COUNT(*) FROM reports WHERE duplicate_of = ?1")?;
        let mut counts = HashMap::new();
        for id in ids {
            let count: i64 = stmt.query_row([id], |row| row.get(0))?;
            if count > 0 {
                counts.insert(id.to_string(), count as u32);
            }
        }
        Ok(counts)
    }

    fn generation(&self) -> Result<u64, StoreError> {
        let value = self.setting(GENERATION_KEY)?;
        Ok(value.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    fn backup_to(&self, dest: &Path, progress: &mut dyn FnMut(u64, u64)) -> Result<StoreSnapshot, StoreError> {
        self.backup_file(dest, progress)
    }
}

impl KnowledgeStore for SqliteStore {
    fn events(&self, from: Option<&str>, to: Option<&str>, entity: Option<&str>, limit: usize) -> Result<Vec<StoredEvent>, StoreError> {
        let conn = self.conn();
        // A name the library lists as an entity: its events come in date order from
        // `event_names`. Free text no report lists: read events in date order, looking into each.
        let listed = match entity {
            Some(name) => conn.query_row("SELECT EXISTS (SELECT 1 FROM entities WHERE name = ?1)", [name], |row| row.get::<_, bool>(0))?,
            None => false,
        };
        // CROSS JOIN fixes the join order: the planner would otherwise start from the
        // duplicate_of index (true of nearly every report) and sort a whole year per request.
        let sql = if listed {
            "SELECT e.report_id, r.title, e.json FROM event_names x
               CROSS JOIN events e ON e.report_id = x.report_id AND e.seq = x.seq
               CROSS JOIN reports r ON r.id = e.report_id
             WHERE x.name = ?3 AND x.date >= ?1 AND x.date <= ?2 AND r.duplicate_of IS NULL
             ORDER BY x.date, x.report_id, x.seq LIMIT ?4"
        } else {
            "SELECT e.report_id, r.title, e.json FROM events e CROSS JOIN reports r ON r.id = e.report_id
             WHERE e.date >= ?1 AND e.date <= ?2 AND (?3 IS NULL OR instr(e.search_text, ?3) > 0)
               AND r.duplicate_of IS NULL
             ORDER BY e.date, e.report_id, e.seq LIMIT ?4"
        };
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt
            .query_map(
                params![from.unwrap_or("0000-00-00"), to.unwrap_or("9999-99-99"), entity, limit as i64],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?)),
            )?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter()
            .map(|(report_id, title, json)| {
                let event: Event = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt { id: report_id.clone(), reason: e.to_string() })?;
                Ok(StoredEvent { report_id, title, event })
            })
            .collect()
    }

    fn entity_mentions(&self, name: &str) -> Result<Vec<EntityMention>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT n.report_id, r.title, r.date, n.kind, n.mentions FROM entities n JOIN reports r ON r.id = n.report_id
             WHERE n.name = ?1 ORDER BY n.mentions DESC, r.date DESC, n.report_id LIMIT 500",
        )?;
        let rows = stmt
            .query_map([name], |row| {
                Ok(EntityMention {
                    report_id: row.get(0)?,
                    title: row.get(1)?,
                    date: row.get(2)?,
                    kind: row.get(3)?,
                    mentions: row.get(4)?,
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn co_mentioned(&self, name: &str, limit: usize) -> Result<Vec<(String, String, u64)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT other, kind, reports FROM co_mentions WHERE name = ?1 AND reports > 0 ORDER BY reports DESC, other LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![name, limit as i64], |row| Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)? as u64)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn companies(&self) -> Result<Vec<KnownCompany>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT code, exchange, name, aliases FROM companies ORDER BY rowid")?;
        let rows = stmt.query_map([], known_company_row)?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn save_companies(&self, companies: &[KnownCompany]) -> Result<(), StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        write_companies(&tx, companies)?;
        tx.commit()?;
        Ok(())
    }

    fn find_company(&self, code_or_name: &str) -> Result<Option<KnownCompany>, StoreError> {
        let conn = self.conn();
        // The registry holds thousands of rows at most: an alias is looked for in each.
        Ok(conn
            .query_row(
                "SELECT code, exchange, name, aliases FROM companies
                 WHERE key = ?1 OR code = ?1 OR name = ?1 OR EXISTS (SELECT 1 FROM json_each(aliases) WHERE value = ?1)
                 ORDER BY key = ?1 DESC, code = ?1 DESC, name = ?1 DESC, exchange IS NULL, rowid LIMIT 1",
                [code_or_name],
                known_company_row,
            )
            .optional()?)
    }

    fn printed_companies(&self) -> Result<Vec<Company>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT name, code, exchange FROM (
                SELECT r.rowid AS at, 0 AS part, n.name, n.code, NULL AS exchange FROM entities n JOIN reports r ON r.id = n.report_id
                WHERE n.code IS NOT NULL
                UNION ALL
                SELECT r.rowid, 1, c.name, c.code, c.exchange FROM company_notes c JOIN reports r ON r.id = c.report_id
                WHERE c.code IS NOT NULL)
             ORDER BY at, part",
        )?;
        let rows = stmt
            .query_map([], |row| Ok(Company { name: row.get(0)?, code: row.get(1)?, exchange: row.get(2)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn company_notes(&self, code: &str, names: &[&str]) -> Result<Vec<CompanyNote>, StoreError> {
        let conn = self.conn();
        let names = serde_json::to_string(names).unwrap_or_else(|_| "[]".into());
        let mut stmt = conn.prepare(
            "SELECT n.report_id, r.title, n.date, n.institution, n.name, n.code, n.exchange, n.rating, n.rating_action, n.target_price, n.currency
             FROM company_notes n JOIN reports r ON r.id = n.report_id
             WHERE (n.code = ?1 OR (n.code IS NULL AND n.name IN (SELECT value FROM json_each(?2)))) AND r.duplicate_of IS NULL
             ORDER BY n.date IS NULL, n.date DESC, n.report_id",
        )?;
        let mut notes = stmt
            .query_map(params![code, names], |row| {
                Ok(CompanyNote {
                    report_id: row.get(0)?,
                    title: row.get(1)?,
                    date: row.get(2)?,
                    institution: row.get(3)?,
                    company: Company { name: row.get(4)?, code: row.get(5)?, exchange: row.get(6)? },
                    rating: row.get(7)?,
                    rating_action: row.get::<_, Option<String>>(8)?.as_deref().and_then(RatingAction::from_word),
                    target_price: row.get(9)?,
                    target_currency: row.get(10)?,
                    forecasts: Vec::new(),
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut forecasts = conn.prepare_cached("SELECT year, metric, value, unit FROM company_forecasts WHERE report_id = ?1 ORDER BY seq")?;
        for note in &mut notes {
            note.forecasts = forecasts
                .query_map([&note.report_id], |row| Ok(Forecast { year: row.get(0)?, metric: row.get(1)?, value: row.get(2)?, unit: row.get(3)? }))?
                .collect::<Result<Vec<_>, _>>()?;
        }
        Ok(notes)
    }

    fn company_mentions(&self, code: &str, names: &[&str]) -> Result<Vec<EntityMention>, StoreError> {
        let conn = self.conn();
        let names = serde_json::to_string(names).unwrap_or_else(|_| "[]".into());
        let mut stmt = conn.prepare(
            "SELECT n.report_id, r.title, r.date, min(n.kind), SUM(n.mentions) FROM entities n JOIN reports r ON r.id = n.report_id
             WHERE (n.code = ?1 OR n.name IN (SELECT value FROM json_each(?2))) AND r.duplicate_of IS NULL
             GROUP BY n.report_id ORDER BY 5 DESC, r.date DESC, n.report_id LIMIT 500",
        )?;
        let rows = stmt
            .query_map(params![code, names], |row| {
                Ok(EntityMention { report_id: row.get(0)?, title: row.get(1)?, date: row.get(2)?, kind: row.get(3)?, mentions: row.get(4)? })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }
}

impl AccessStore for SqliteStore {
    fn create_token(&self, name: &str, hash: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO tokens (name, hash, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, revoked_at = NULL",
            params![name, hash, now()],
        )?;
        Ok(())
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT name, created_at, revoked_at FROM tokens ORDER BY created_at, name")?;
        let rows = stmt
            .query_map([], |row| Ok(TokenInfo { name: row.get(0)?, created_at: row.get(1)?, revoked_at: row.get(2)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn revoke_token(&self, name: &str) -> Result<bool, StoreError> {
        let changed = self.conn().execute(
            "UPDATE tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
            params![name, now()],
        )?;
        Ok(changed > 0)
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<String>, StoreError> {
        let conn = self.conn();
        Ok(conn
            .query_row("SELECT name FROM tokens WHERE hash = ?1 AND revoked_at IS NULL", [hash], |row| row.get(0))
            .optional()?)
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        let conn = self.conn();
        Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0)).optional()?)
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT key, value FROM settings WHERE key <> ?1 ORDER BY key")?;
        let rows = stmt.query_map([GENERATION_KEY], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn token_records(&self) -> Result<Vec<TokenRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT name, created_at, revoked_at, hash FROM tokens ORDER BY created_at, name")?;
        let rows = stmt
            .query_map([], |row| Ok(TokenRecord { info: TokenInfo { name: row.get(0)?, created_at: row.get(1)?, revoked_at: row.get(2)? }, hash: row.get(3)? }))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn restore_token(&self, record: &TokenRecord) -> Result<(), StoreError> {
        self.conn().execute(
            "INSERT INTO tokens (name, hash, created_at, revoked_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, revoked_at = excluded.revoked_at",
            params![record.info.name, record.hash, record.info.created_at, record.info.revoked_at],
        )?;
        Ok(())
    }

    fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        let conn = self.conn();
        conn.execute("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO NOTHING", params![key, value])?;
        Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |row| row.get(0))?)
    }

    fn create_user(&self, record: &UserRecord) -> Result<bool, StoreError> {
        let info = &record.info;
        let added = self.conn().execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO NOTHING",
            params![info.name, info.role.as_str(), record.password_hash, info.created_at],
        )?;
        Ok(added > 0)
    }

    fn users(&self) -> Result<Vec<UserInfo>, StoreError> {
        Ok(self.user_records()?.into_iter().map(|record| record.info).collect())
    }

    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row("SELECT name, role, created_at, password_hash FROM users WHERE name = ?1", [name], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?))
            })
            .optional()?;
        row.map(|(name, role, created_at, password_hash)| Ok(UserRecord { info: UserInfo { name, role: stored_role(&role)?, created_at }, password_hash })).transpose()
    }

    fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let changed = tx.execute("UPDATE users SET password_hash = ?2 WHERE name = ?1", params![name, password_hash])?;
        tx.execute("DELETE FROM sessions WHERE user_name = ?1", [name])?;
        tx.commit()?;
        Ok(changed > 0)
    }

    fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM sessions WHERE user_name = ?1", [name])?;
        let removed = tx.execute("DELETE FROM users WHERE name = ?1", [name])?;
        tx.commit()?;
        Ok(removed > 0)
    }

    fn user_records(&self) -> Result<Vec<UserRecord>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT name, role, created_at, password_hash FROM users ORDER BY name")?;
        let rows = stmt
            .query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, String>(3)?)))?
            .collect::<Result<Vec<_>, _>>()?;
        rows.into_iter().map(|(name, role, created_at, password_hash)| Ok(UserRecord { info: UserInfo { name, role: stored_role(&role)?, created_at }, password_hash })).collect()
    }

    fn restore_user(&self, record: &UserRecord) -> Result<(), StoreError> {
        let info = &record.info;
        self.conn().execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, created_at = excluded.created_at",
            params![info.name, info.role.as_str(), record.password_hash, info.created_at],
        )?;
        Ok(())
    }

    fn create_session(&self, hash: &str, user: &str, csrf: &str, expires_at: u64, now_seconds: u64) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("DELETE FROM sessions WHERE expires_at <= ?1", [sql_seconds(now_seconds)])?;
        let added = tx.execute(
            "INSERT INTO sessions (hash, user_name, csrf, created_at, expires_at) SELECT ?1, name, ?3, ?4, ?5 FROM users WHERE name = ?2",
            params![hash, user, csrf, now(), sql_seconds(expires_at)],
        )?;
        tx.commit()?;
        Ok(added > 0)
    }

    fn session(&self, hash: &str, now_seconds: u64) -> Result<Option<SessionRecord>, StoreError> {
        let conn = self.conn();
        let row = conn
            .query_row(
                "SELECT s.user_name, u.role, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.hash = ?1 AND s.expires_at > ?2",
                params![hash, sql_seconds(now_seconds)],
                |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, row.get::<_, String>(2)?, row.get::<_, i64>(3)?)),
            )
            .optional()?;
        row.map(|(user, role, csrf, expires_at)| Ok(SessionRecord { user, role: stored_role(&role)?, csrf, expires_at: expires_at.max(0) as u64 })).transpose()
    }

    fn end_session(&self, hash: &str) -> Result<bool, StoreError> {
        Ok(self.conn().execute("DELETE FROM sessions WHERE hash = ?1", [hash])? > 0)
    }

    fn purge_sessions(&self, now_seconds: u64) -> Result<u64, StoreError> {
        Ok(self.conn().execute("DELETE FROM sessions WHERE expires_at <= ?1", [sql_seconds(now_seconds)])? as u64)
    }
}

impl Store for SqliteStore {
    fn location(&self) -> String {
        self.location.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::rfc3339_utc;
    use crate::testing::{company_note, sample_report as sample, zijin};
    use yanbao_model::{Entity, EntityKind};

    /// Two real, different reports bundled in `samples/`.
    const WAFER_REPORT: &str = include_str!("../../../samples/mpb_晶圆代工龙头.md");
    const LIQUOR_REPORT: &str = include_str!("../../../samples/mpb_舍得酒业.md");






    /// What the co-mention counts must equal: a recount from scratch.
    fn recounted(store: &SqliteStore) -> Vec<(String, String, i64)> {
        store.rebuild_entity_tables().unwrap();
        counts(store)
    }

    fn counts(store: &SqliteStore) -> Vec<(String, String, i64)> {
        let conn = store.conn();
        let mut stmt = conn.prepare("SELECT name, other, reports FROM co_mentions ORDER BY name, other").unwrap();
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?))).unwrap().collect::<Result<Vec<_>, _>>().unwrap();
        rows
    }

    /// The live counts equal a recount from scratch after marks, replacements and removals (the
    /// behaviour itself is in the conformance suite).
    #[test]
    fn co_mentions_follow_marks_replacements_and_removals() {
        let store = SqliteStore::open_in_memory().unwrap();
        let (a, b, c) = (sample("a"), sample("b"), sample("c"));
        for report in [&a, &b, &c] {
            store.put(report, None).unwrap();
        }
        let pair = |n: u64| vec![("USTR".to_string(), "org".to_string(), n)];
        assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), pair(3));
        // Another file of a stored report does not count twice; un-marked, it counts again.
        store.set_duplicate_of(&b.id, Some(&a.id)).unwrap();
        assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), pair(2));
        let live = counts(&store);
        assert_eq!(live, recounted(&store));
        // Removing the original frees its copy (which counts again) and drops its own count.
        store.remove(&a.id).unwrap();
        assert_eq!(store.co_mentioned("USTR", 5).unwrap(), vec![("孟晚舟".to_string(), "person".to_string(), 2)]);
        // Replacing a report with other entities moves its counts.
        let mut changed = c.clone();
        changed.entities.retain(|e| e.name != "USTR");
        changed.entities.push(Entity { name: "华为".into(), kind: EntityKind::Org, mentions: 3, code: None });
        store.put(&changed, None).unwrap();
        assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), vec![("USTR".to_string(), "org".to_string(), 1), ("华为".to_string(), "org".to_string(), 1)]);
        let live = counts(&store);
        assert_eq!(live, recounted(&store));
        store.remove(&b.id).unwrap();
        store.remove(&c.id).unwrap();
        assert!(counts(&store).is_empty(), "{:?}", counts(&store));
    }

    #[test]
    fn a_schema_2_library_gets_entity_tables_and_keeps_its_marks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        {
            let store = SqliteStore::open(&path).unwrap();
            for text in ["a", "b"] {
                store.put(&sample(text), None).unwrap();
            }
            store.set_duplicate_of(&sample("b").id, Some(&sample("a").id)).unwrap();
            // As a schema-2 library left it: no summary tables, no year column, version 2.
            let conn = store.conn();
            conn.execute_batch("DROP TABLE co_mentions; DROP TABLE event_names; ALTER TABLE reports DROP COLUMN year; PRAGMA user_version = 2;").unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        assert_eq!(store.events(None, None, Some("孟晚舟"), 10).unwrap().len(), 1);
        assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), vec![("USTR".to_string(), "org".to_string(), 1)]);
        assert_eq!(store.duplicate_ids().unwrap().len(), 1);
    }




    #[test]
    fn reopening_a_file_keeps_reports() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let report = sample("持久");
        SqliteStore::open(&path).unwrap().put(&report, None).unwrap();
        let reopened = SqliteStore::open(&path).unwrap();
        assert_eq!(reopened.get(&report.id).unwrap().unwrap(), report);
        let mut seen = 0;
        reopened.for_each(&mut |_| { seen += 1; true }).unwrap();
        assert_eq!(seen, 1);
    }

    #[test]
    fn a_new_and_a_reopened_store_keep_a_page_cache_of_their_own_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let cache = |store: &SqliteStore| -> i64 { store.conn().pragma_query_value(None, "cache_size", |row| row.get(0)).unwrap() };
        assert_eq!(cache(&SqliteStore::open(&path).unwrap()), -STORE_CACHE_KIB);
        // Reopening an up-to-date store takes the early return of `init`: the cache is set before it.
        assert_eq!(cache(&SqliteStore::open(&path).unwrap()), -STORE_CACHE_KIB);
    }

    #[test]
    fn json_and_text_sources_are_stored_compressed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let store = SqliteStore::open(&path).unwrap();
        let text = "中美元首视频会晤，双方就关税排除清单交换意见。".repeat(400);
        let report = sample(&text);
        store.put(&report, Some(text.as_bytes())).unwrap();
        assert_eq!(store.source(&report.id).unwrap().unwrap(), text.as_bytes(), "sources read back whole");
        assert_eq!(store.get(&report.id).unwrap().unwrap(), report);
        let (doc, stored_source): (i64, i64) = store
            .conn()
            .query_row("SELECT LENGTH(r.doc), LENGTH(s.bytes) FROM reports r JOIN sources s ON s.id = r.id", [], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap();
        assert!((doc as usize) < text.len() / 4, "report JSON kept compressed: {doc} bytes for {} of text", text.len());
        assert!((stored_source as usize) < text.len() / 4, "text source kept compressed: {stored_source} bytes");
        assert_eq!(store.stats().unwrap().source_bytes, text.len() as u64, "stats count the sources' own size");
    }




    /// A library written by schema 1 (plain JSON, raw sources, 32-slot fingerprints, old marks).
    fn schema_1_library(path: &Path, reports: &[(&Report, &[u8], Option<&str>)]) {
        let conn = Connection::open(path).unwrap();
        let schema_1 = SCHEMA.replace("json TEXT NOT NULL DEFAULT '',\n    doc BLOB", "json TEXT NOT NULL").replace(",\n    codec TEXT,\n    original_len INTEGER", "");
        conn.execute_batch(&schema_1.replace("\n    year INTEGER,", "")).unwrap();
        for (report, source, duplicate_of) in reports {
            let mut v1 = serde_json::to_value(report).unwrap();
            v1["format_version"] = 1.into();
            conn.execute(
                "INSERT INTO reports (id, sha256, title, institution, date, language, media_type, pages, source_path, added_at,
                   format_version, blocks, figures, tables, fingerprint, duplicate_of, json)
                 VALUES (?1, '', ?2, NULL, ?3, 'zh', 'text/markdown', NULL, 'a.md', '2024-01-01T00:00:00Z', 1, 1, 0, 0, 'old', ?4, ?5)",
                params![report.id, report.title, report.date, duplicate_of, v1.to_string()],
            )
            .unwrap();
            conn.execute("INSERT INTO sources (id, bytes) VALUES (?1, ?2)", params![report.id, source]).unwrap();
        }
        conn.pragma_update(None, "user_version", 1).unwrap();
    }

    #[test]
    fn a_schema_1_library_is_migrated_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let july = sample(WAFER_REPORT);
        let september = sample(LIQUOR_REPORT);
        schema_1_library(&path, &[(&july, b"july source", None), (&september, b"september source", Some(&july.id))]);
        let store = SqliteStore::open(&path).unwrap();
        let version: i64 = store.conn().pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let migrated = store.get(&july.id).unwrap().unwrap();
        assert_eq!(migrated.format_version, yanbao_model::FORMAT_VERSION, "reports are upgraded to the current format");
        assert_eq!(migrated.blocks, july.blocks);
        assert_eq!(store.source(&july.id).unwrap().unwrap(), b"july source");
        assert!(!store.copy_candidates(&fingerprint_bands(&fingerprint(&july))).unwrap().is_empty(), "re-fingerprinted and banded");
        assert_eq!(store.get(&september.id).unwrap().unwrap().duplicate_of, None, "a mark the current rule rejects is lifted");
        let plain: i64 = store.conn().query_row("SELECT COUNT(*) FROM reports WHERE doc IS NULL OR json <> ''", [], |row| row.get(0)).unwrap();
        assert_eq!(plain, 0, "no uncompressed JSON is left");
        drop(store);
        assert_eq!(SqliteStore::open(&path).unwrap().get(&july.id).unwrap().unwrap(), migrated, "reopening changes nothing");
    }

    #[test]
    fn a_schema_2_library_gets_its_years_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let dated = Report { date: Some("2023-02-02".into()), year: Some(2023), ..sample(WAFER_REPORT) };
        let year_only = Report { date: None, year: Some(2021), ..sample(LIQUOR_REPORT) };
        {
            let store = SqliteStore::open(&path).unwrap();
            store.put(&dated, None).unwrap();
            store.put(&year_only, None).unwrap();
            // What schema 2 looked like: no year column.
            store.conn().execute_batch("ALTER TABLE reports DROP COLUMN year; PRAGMA user_version = 2;").unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let years: Vec<(String, Option<String>, Option<i32>)> = store.list(0, 10).unwrap().into_iter().map(|r| (r.id, r.date, r.year)).collect();
        assert_eq!(years, vec![(dated.id.clone(), Some("2023-02-02".into()), Some(2023)), (year_only.id.clone(), None, Some(2021))]);
    }



    fn note_ids(store: &SqliteStore) -> Vec<String> {
        store.company_notes("601899", &[]).unwrap().into_iter().map(|n| n.report_id).collect()
    }

    fn table_rows(store: &SqliteStore, table: &str) -> i64 {
        store.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| row.get(0)).unwrap()
    }

    #[test]
    fn company_facts_follow_puts_replacements_marks_and_removals() {
        let store = SqliteStore::open_in_memory().unwrap();
        let early = company_note("早", "甲证券", "2024-01-10", 1.0);
        let late = company_note("晚", "乙证券", "2024-03-10", 1.2);
        store.put_with_companies(&early, None, &[zijin()]).unwrap();
        store.put(&late, None).unwrap();
        let notes = store.company_notes("601899", &[]).unwrap();
        assert_eq!(notes.iter().map(|n| n.report_id.as_str()).collect::<Vec<_>>(), vec![late.id.as_str(), early.id.as_str()], "newest first");
        assert_eq!((notes[0].rating.as_deref(), notes[0].rating_action, notes[0].target_price), (Some("买入"), Some(RatingAction::Maintain), Some(20.5)));
        assert_eq!(notes[0].forecasts, late.forecasts);
        assert_eq!(notes[0].institution.as_deref(), Some("乙证券"));
        assert_eq!(store.company_mentions("603993", &[]).unwrap().len(), 2, "entities keep their codes");
        assert_eq!(store.company_mentions("", &["江西铜业"]).unwrap().len(), 2, "or are found by name");

        // Replaced: the new view replaces the old one, forecasts included.
        let mut revised = early.clone();
        revised.company = None;
        revised.forecasts.clear();
        assert_eq!(store.put(&revised, None).unwrap(), PutOutcome::Replaced);
        assert_eq!(note_ids(&store), vec![late.id.clone()]);
        assert_eq!(table_rows(&store, "company_forecasts"), 2);
        store.put(&early, None).unwrap();

        // Another file of a stored report is left out, and back once un-marked.
        store.set_duplicate_of(&early.id, Some(&late.id)).unwrap();
        assert_eq!(note_ids(&store), vec![late.id.clone()]);
        assert_eq!(store.company_mentions("601899", &[]).unwrap().len(), 1);
        store.set_duplicate_of(&early.id, None).unwrap();
        assert_eq!(note_ids(&store).len(), 2);

        // Removed: its rows go with it; what the registry learned stays known.
        store.remove(&late.id).unwrap();
        store.remove(&early.id).unwrap();
        for table in ["company_notes", "company_forecasts"] {
            assert_eq!(table_rows(&store, table), 0, "{table}");
        }
        assert_eq!(store.companies().unwrap(), vec![zijin()]);
    }


    #[test]
    fn a_schema_3_library_gets_its_company_tables_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let note = company_note("旧", "甲证券", "2024-01-10", 1.0);
        let plain = sample("平");
        {
            let store = SqliteStore::open(&path).unwrap();
            store.put(&note, None).unwrap();
            store.put(&plain, None).unwrap();
            // What schema 3 looked like: no company tables, entities without codes.
            store
                .conn()
                .execute_batch(
                    "DROP TABLE companies; DROP TABLE company_notes; DROP TABLE company_forecasts;
                     DROP INDEX entities_code; ALTER TABLE entities DROP COLUMN code; PRAGMA user_version = 3;",
                )
                .unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let version: i64 = store.conn().pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        let notes = store.company_notes("601899", &[]).unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].forecasts.len(), 2);
        assert_eq!(store.company_mentions("603993", &[]).unwrap().len(), 1, "entity codes filled from the reports");
        assert!(store.companies().unwrap().is_empty(), "the registry is the engine's to learn again");
        assert_eq!(store.get(&note.id).unwrap().unwrap(), note);
        drop(store);
        assert_eq!(SqliteStore::open(&path).unwrap().company_notes("601899", &[]).unwrap().len(), 1, "reopening changes nothing");
    }

    #[test]
    fn a_schema_4_library_gets_its_people_tables_on_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("library.sqlite");
        let report = sample("旧库");
        {
            let store = SqliteStore::open(&path).unwrap();
            store.put(&report, None).unwrap();
            store.create_token("ci", "h1").unwrap();
            // What schema 4 looked like: no people, no sessions.
            store.conn().execute_batch("DROP TABLE sessions; DROP TABLE users; PRAGMA user_version = 4;").unwrap();
        }
        let store = SqliteStore::open(&path).unwrap();
        let version: i64 = store.conn().pragma_query_value(None, "user_version", |row| row.get(0)).unwrap();
        assert_eq!(version, SCHEMA_VERSION);
        assert!(store.users().unwrap().is_empty());
        let admin = UserRecord { info: UserInfo { name: "admin".into(), role: crate::Role::Admin, created_at: now() }, password_hash: "$argon2id$x".into() };
        assert!(store.create_user(&admin).unwrap());
        assert!(store.create_session("h", "admin", "c", 100, 0).unwrap());
        assert_eq!(store.get(&report.id).unwrap().unwrap(), report, "reports are kept");
        assert_eq!(store.token_by_hash("h1").unwrap().as_deref(), Some("ci"), "tokens are kept");
    }

    #[test]
    fn timestamps_are_rfc3339() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_637_020_800), "2021-11-16T00:00:00Z");
    }
}
