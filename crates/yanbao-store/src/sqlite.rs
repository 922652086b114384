//! The embedded store: one SQLite database file, WAL mode, one transaction per report.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use yanbao_model::{fingerprint, Event, Report};

use crate::{EntityMention, PutOutcome, ReportSummary, Store, StoreError, StoreStats, StoredEvent, TokenInfo};

/// Newest schema this build writes and reads.
const SCHEMA_VERSION: i64 = 1;

/// Sources larger than this keep only their JSON (and path), so a huge text file does not bloat the store.
const MAX_KEPT_SOURCE_BYTES: usize = 64 * 1024 * 1024;

const SCHEMA: &str = r#"
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    title TEXT NOT NULL,
    institution TEXT,
    date TEXT,
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
    json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_date ON reports(date);
CREATE TABLE IF NOT EXISTS sources (
    id TEXT PRIMARY KEY REFERENCES reports(id) ON DELETE CASCADE,
    bytes BLOB NOT NULL
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

/// A [`Store`] in one SQLite file.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    /// Opens a throw-away store in memory (tests, `parse`).
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<SqliteStore, StoreError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // WAL: readers never block the writer; a killed writer loses only its open transaction.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let found: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(StoreError::TooNew { found, supported: SCHEMA_VERSION });
        }
        conn.execute_batch(SCHEMA)?;
        conn.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        Ok(SqliteStore { conn: Mutex::new(conn) })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite inconsistent (transactions roll back),
        // so a poisoned lock is safe to keep using.
        self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339_utc(secs)
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, proleptic Gregorian).
fn rfc3339_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

fn to_json(report: &Report) -> String {
    // Serialising our own plain data types cannot fail.
    serde_json::to_string(report).unwrap_or_default()
}

fn from_json(id: &str, json: &str) -> Result<Report, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt { id: id.to_string(), reason: e.to_string() })
}

impl Store for SqliteStore {
    fn put(&self, report: &Report, source: Option<&[u8]>) -> Result<PutOutcome, StoreError> {
        let json = to_json(report);
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let existing: Option<String> = tx
            .query_row("SELECT json FROM reports WHERE id = ?1", [&report.id], |row| row.get(0))
            .optional()?;
        let outcome = match &existing {
            Some(old) if *old == json => return Ok(PutOutcome::Unchanged),
            Some(_) => PutOutcome::Replaced,
            None => PutOutcome::Added,
        };
        // Replacing: drop derived rows first; ON DELETE CASCADE would also drop the source.
        tx.execute("DELETE FROM events WHERE report_id = ?1", [&report.id])?;
        tx.execute("DELETE FROM entities WHERE report_id = ?1", [&report.id])?;
        tx.execute(
            "INSERT INTO reports (id, sha256, title, institution, date, language, media_type, pages, source_path,
                added_at, format_version, blocks, figures, tables, fingerprint, json)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT(id) DO UPDATE SET sha256 = excluded.sha256, title = excluded.title,
                institution = excluded.institution, date = excluded.date, language = excluded.language,
                media_type = excluded.media_type, pages = excluded.pages, source_path = excluded.source_path,
                format_version = excluded.format_version, blocks = excluded.blocks, figures = excluded.figures,
                tables = excluded.tables, fingerprint = excluded.fingerprint, json = excluded.json",
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
                now(),
                report.format_version,
                report.blocks.len() as i64,
                report.figures.len() as i64,
                report.tables.len() as i64,
                fingerprint(report),
                json,
            ],
        )?;
        if let Some(bytes) = source.filter(|b| b.len() <= MAX_KEPT_SOURCE_BYTES) {
            tx.execute(
                "INSERT INTO sources (id, bytes) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET bytes = excluded.bytes",
                params![report.id, bytes],
            )?;
        }
        {
            let mut insert_event = tx.prepare(
                "INSERT INTO events (report_id, seq, date, search_text, json) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for (seq, event) in report.events.iter().enumerate() {
                let search_text = format!("{} {}", event.text, event.actors.join(" "));
                let event_json = serde_json::to_string(event).unwrap_or_default();
                insert_event.execute(params![report.id, seq as i64, event.date, search_text, event_json])?;
            }
            let mut insert_entity = tx.prepare(
                "INSERT INTO entities (report_id, name, kind, mentions) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(report_id, name) DO UPDATE SET mentions = mentions + excluded.mentions",
            )?;
            for entity in &report.entities {
                let kind = serde_json::to_value(entity.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
                insert_entity.execute(params![report.id, entity.name, kind, entity.mentions])?;
            }
        }
        tx.commit()?;
        Ok(outcome)
    }

    fn get(&self, id: &str) -> Result<Option<Report>, StoreError> {
        let conn = self.conn();
        let json: Option<String> =
            conn.query_row("SELECT json FROM reports WHERE id = ?1", [id], |row| row.get(0)).optional()?;
        json.map(|j| from_json(id, &j)).transpose()
    }

    fn contains(&self, id: &str) -> Result<bool, StoreError> {
        let conn = self.conn();
        let found: Option<i64> = conn.query_row("SELECT 1 FROM reports WHERE id = ?1", [id], |row| row.get(0)).optional()?;
        Ok(found.is_some())
    }

    fn source(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let conn = self.conn();
        Ok(conn.query_row("SELECT bytes FROM sources WHERE id = ?1", [id], |row| row.get(0)).optional()?)
    }

    fn remove(&self, id: &str) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        tx.execute("UPDATE reports SET duplicate_of = NULL WHERE duplicate_of = ?1", [id])?;
        let removed = tx.execute("DELETE FROM reports WHERE id = ?1", [id])?;
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
            "SELECT id, title, institution, date, language, media_type, pages, source_path, added_at, duplicate_of
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
                })
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn for_each(&self, visit: &mut dyn FnMut(Report) -> bool) -> Result<(), StoreError> {
        // Page through by id so no statement stays open while `visit` runs (it may call the store).
        let mut after = String::new();
        loop {
            let page: Vec<(String, String)> = {
                let conn = self.conn();
                let mut stmt = conn.prepare("SELECT id, json FROM reports WHERE id > ?1 ORDER BY id LIMIT 64")?;
                let rows = stmt.query_map([&after], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
                rows
            };
            let Some((last, _)) = page.last() else { return Ok(()) };
            after = last.clone();
            for (id, json) in page {
                if !visit(from_json(&id, &json)?) {
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
        let source_bytes: i64 = conn.query_row("SELECT COALESCE(SUM(LENGTH(bytes)),0) FROM sources", [], |row| row.get(0))?;
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

    fn events(&self, from: Option<&str>, to: Option<&str>, entity: Option<&str>, limit: usize) -> Result<Vec<StoredEvent>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare(
            "SELECT e.report_id, r.title, e.json FROM events e JOIN reports r ON r.id = e.report_id
             WHERE e.date >= ?1 AND e.date <= ?2 AND (?3 IS NULL OR instr(e.search_text, ?3) > 0)
               AND r.duplicate_of IS NULL
             ORDER BY e.date, e.report_id, e.seq LIMIT ?4",
        )?;
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
             WHERE n.name = ?1 ORDER BY n.mentions DESC, r.date DESC LIMIT 500",
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
            "SELECT other.name, other.kind, COUNT(*) FROM entities me JOIN entities other
               ON other.report_id = me.report_id AND other.name <> me.name
             WHERE me.name = ?1 GROUP BY other.name, other.kind ORDER BY 3 DESC, SUM(other.mentions) DESC LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![name, limit as i64], |row| Ok((row.get(0)?, row.get(1)?, row.get::<_, i64>(2)? as u64)))?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn set_duplicate_of(&self, id: &str, original: &str) -> Result<(), StoreError> {
        self.conn().execute("UPDATE reports SET duplicate_of = ?2 WHERE id = ?1", params![id, original])?;
        Ok(())
    }

    fn fingerprints(&self) -> Result<Vec<(String, String)>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn.prepare("SELECT id, fingerprint FROM reports WHERE duplicate_of IS NULL")?;
        let rows = stmt.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?.collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

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
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::{Block, BlockKind, Entity, EntityKind, EventOrigin};

    fn sample(text: &str) -> Report {
        let mut report = Report::new_for_source(text.as_bytes(), "sample.md", "text/markdown");
        report.title = format!("报告 {text}");
        report.date = Some("2021-11-15".into());
        report.blocks.push(Block { kind: BlockKind::Paragraph, text: text.into(), ..Block::default() });
        report.events.push(Event {
            date: "2021-09-25".into(),
            date_text: "9 月 25 日".into(),
            text: "中国公民孟晚舟乘坐中国政府包机返回中国。".into(),
            actors: vec!["孟晚舟".into()],
            origin: EventOrigin::Table,
            ..Event::default()
        });
        report.entities.push(Entity { name: "孟晚舟".into(), kind: EntityKind::Person, mentions: 2, code: None });
        report.entities.push(Entity { name: "USTR".into(), kind: EntityKind::Org, mentions: 1, code: None });
        report
    }

    #[test]
    fn put_is_idempotent_and_get_round_trips() {
        let store = SqliteStore::open_in_memory().unwrap();
        let report = sample("关税排除清单");
        assert_eq!(store.put(&report, Some(b"bytes")).unwrap(), PutOutcome::Added);
        assert_eq!(store.put(&report, Some(b"bytes")).unwrap(), PutOutcome::Unchanged);
        let mut changed = report.clone();
        changed.title = "新标题".into();
        assert_eq!(store.put(&changed, Some(b"bytes")).unwrap(), PutOutcome::Replaced);
        assert_eq!(store.get(&report.id).unwrap().unwrap().title, "新标题");
        assert_eq!(store.source(&report.id).unwrap().unwrap(), b"bytes");
        assert_eq!(store.ids().unwrap().len(), 1);
        assert_eq!(store.stats().unwrap().events, 1, "replacing must not duplicate events");
    }

    #[test]
    fn remove_drops_everything_derived() {
        let store = SqliteStore::open_in_memory().unwrap();
        let report = sample("a");
        store.put(&report, Some(b"x")).unwrap();
        assert!(store.remove(&report.id).unwrap());
        assert!(!store.remove(&report.id).unwrap());
        assert!(store.get(&report.id).unwrap().is_none());
        assert!(store.source(&report.id).unwrap().is_none());
        assert!(store.events(None, None, None, 10).unwrap().is_empty());
        assert!(store.entity_mentions("孟晚舟").unwrap().is_empty());
    }

    #[test]
    fn events_filter_by_date_and_entity() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.put(&sample("a"), None).unwrap();
        assert_eq!(store.events(Some("2021-09-01"), Some("2021-09-30"), None, 10).unwrap().len(), 1);
        assert_eq!(store.events(Some("2021-10-01"), None, None, 10).unwrap().len(), 0);
        assert_eq!(store.events(None, None, Some("孟晚舟"), 10).unwrap().len(), 1);
        assert_eq!(store.events(None, None, Some("拜登"), 10).unwrap().len(), 0);
    }

    #[test]
    fn entities_and_co_mentions() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.put(&sample("a"), None).unwrap();
        store.put(&sample("b"), None).unwrap();
        let mentions = store.entity_mentions("孟晚舟").unwrap();
        assert_eq!(mentions.len(), 2);
        assert_eq!(mentions[0].mentions, 2);
        let co = store.co_mentioned("孟晚舟", 5).unwrap();
        assert_eq!(co, vec![("USTR".to_string(), "org".to_string(), 2)]);
    }

    #[test]
    fn duplicates_are_listed_and_freed_when_their_original_goes() {
        let store = SqliteStore::open_in_memory().unwrap();
        let original = sample("原");
        let copy = sample("复");
        store.put(&original, None).unwrap();
        store.put(&copy, None).unwrap();
        store.set_duplicate_of(&copy.id, &original.id).unwrap();
        assert_eq!(store.duplicate_ids().unwrap().into_iter().collect::<Vec<_>>(), vec![copy.id.clone()]);
        assert_eq!(store.stats().unwrap().duplicates, 1);
        store.remove(&original.id).unwrap();
        assert!(store.duplicate_ids().unwrap().is_empty(), "the copy stands alone once its original is gone");
    }

    #[test]
    fn tokens_are_revocable() {
        let store = SqliteStore::open_in_memory().unwrap();
        store.create_token("ci", "h1").unwrap();
        assert_eq!(store.token_by_hash("h1").unwrap().as_deref(), Some("ci"));
        assert!(store.revoke_token("ci").unwrap());
        assert!(store.token_by_hash("h1").unwrap().is_none());
        assert!(store.tokens().unwrap()[0].revoked_at.is_some());
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
    fn timestamps_are_rfc3339() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_637_020_800), "2021-11-16T00:00:00Z");
    }
}
