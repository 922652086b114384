//! Report pictures in the embedded store (schema 6): `pictures` holds each encoded picture once
//! by its SHA-256, `report_pictures` maps a report's keys (`page/3`, `figure/2/thumb`) to them.

use rusqlite::{params, OptionalExtension, Transaction};

use crate::sqlite::SqliteStore;
use crate::{PictureStore, StoreError, StoredPicture};

/// The tables of schema 6.
pub(crate) const SCHEMA_6: &str = r#"
CREATE TABLE IF NOT EXISTS pictures (
    hash TEXT PRIMARY KEY,
    media_type TEXT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    bytes BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS report_pictures (
    report_id TEXT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    hash TEXT NOT NULL REFERENCES pictures(hash),
    PRIMARY KEY (report_id, key)
);
CREATE INDEX IF NOT EXISTS report_pictures_hash ON report_pictures(hash);
"#;

/// Drops the pictures of report `id` no other report uses (in the caller's transaction, before
/// the report's row goes and its `report_pictures` rows with it).
pub(crate) fn forget_pictures(tx: &Transaction<'_>, id: &str) -> Result<(), StoreError> {
    let hashes: Vec<String> = {
        let mut stmt = tx.prepare("DELETE FROM report_pictures WHERE report_id = ?1 RETURNING hash")?;
        let rows = stmt.query_map([id], |row| row.get(0))?.collect::<Result<Vec<_>, _>>()?;
        rows
    };
    for hash in hashes {
        drop_unused(tx, &hash)?;
    }
    Ok(())
}

/// Drops picture `hash` when no report shows it any more.
fn drop_unused(tx: &Transaction<'_>, hash: &str) -> Result<(), StoreError> {
    tx.execute("DELETE FROM pictures WHERE hash = ?1 AND NOT EXISTS (SELECT 1 FROM report_pictures WHERE hash = ?1)", [hash])?;
    Ok(())
}

impl PictureStore for SqliteStore {
    fn picture(&self, report_id: &str, key: &str) -> Result<Option<StoredPicture>, StoreError> {
        let conn = self.conn();
        let picture = conn
            .query_row(
                "SELECT p.hash, p.media_type, p.width, p.height, p.bytes FROM report_pictures r JOIN pictures p ON p.hash = r.hash
                 WHERE r.report_id = ?1 AND r.key = ?2",
                params![report_id, key],
                |row| Ok(StoredPicture { hash: row.get(0)?, media_type: row.get(1)?, width: row.get(2)?, height: row.get(3)?, bytes: row.get(4)? }),
            )
            .optional()?;
        Ok(picture)
    }

    fn put_pictures(&self, report_id: &str, pictures: &[(String, StoredPicture)]) -> Result<bool, StoreError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let stored: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM reports WHERE id = ?1)", [report_id], |row| row.get(0))?;
        if !stored {
            return Ok(false);
        }
        for (key, picture) in pictures {
            tx.execute(
                "INSERT OR IGNORE INTO pictures (hash, media_type, width, height, bytes) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![picture.hash, picture.media_type, picture.width, picture.height, picture.bytes],
            )?;
            let replaced: Option<String> =
                tx.query_row("SELECT hash FROM report_pictures WHERE report_id = ?1 AND key = ?2", params![report_id, key], |row| row.get(0)).optional()?;
            tx.execute("INSERT OR REPLACE INTO report_pictures (report_id, key, hash) VALUES (?1, ?2, ?3)", params![report_id, key, picture.hash])?;
            if let Some(old) = replaced.filter(|old| *old != picture.hash) {
                drop_unused(&tx, &old)?;
            }
        }
        tx.commit()?;
        Ok(true)
    }

    fn picture_stats(&self) -> Result<(u64, u64), StoreError> {
        let conn = self.conn();
        let (count, bytes): (i64, i64) = conn.query_row("SELECT count(*), coalesce(sum(length(bytes)), 0) FROM pictures", [], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok((count as u64, bytes as u64))
    }
}
