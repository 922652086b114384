//! Report pictures in PostgreSQL (see `migrations/postgres/V4__pictures.sql`): each encoded
//! picture once by its SHA-256, a report's keys pointing at them. Two nodes rendering the same
//! picture at once store it once (`ON CONFLICT DO NOTHING`).

use postgres::GenericClient;

use super::{off_runtime, PgStore};
use crate::{PictureStore, StoreError, StoredPicture};

/// Drops the pictures of report `id` no other report uses (in the caller's transaction, before
/// the report's row goes).
pub(crate) fn forget_pictures(tx: &mut impl GenericClient, id: &str) -> Result<(), StoreError> {
    let hashes: Vec<String> = tx.query("DELETE FROM report_pictures WHERE report_id = $1 RETURNING hash", &[&id])?.iter().map(|row| row.get(0)).collect();
    if !hashes.is_empty() {
        tx.execute("DELETE FROM pictures p WHERE p.hash = ANY($1) AND NOT EXISTS (SELECT 1 FROM report_pictures r WHERE r.hash = p.hash)", &[&hashes])?;
    }
    Ok(())
}

impl PictureStore for PgStore {
    fn picture(&self, report_id: &str, key: &str) -> Result<Option<StoredPicture>, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_opt(
                "SELECT p.hash, p.media_type, p.width, p.height, p.bytes FROM report_pictures r JOIN pictures p ON p.hash = r.hash
                 WHERE r.report_id = $1 AND r.key = $2",
                &[&report_id, &key],
            )?;
            Ok(row.map(|row| StoredPicture {
                hash: row.get(0),
                media_type: row.get(1),
                width: row.get::<_, i32>(2) as u32,
                height: row.get::<_, i32>(3) as u32,
                bytes: row.get(4),
            }))
        })
    }

    fn put_pictures(&self, report_id: &str, pictures: &[(String, StoredPicture)]) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            // Holds the report against a concurrent removal until the commit.
            if tx.query_opt("SELECT 1 FROM reports WHERE id = $1 FOR SHARE", &[&report_id])?.is_none() {
                return Ok(false);
            }
            for (key, picture) in pictures {
                tx.execute(
                    "INSERT INTO pictures (hash, media_type, width, height, bytes) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hash) DO NOTHING",
                    &[&picture.hash, &picture.media_type, &(picture.width as i32), &(picture.height as i32), &picture.bytes],
                )?;
                let replaced: Option<String> = tx
                    .query_opt("SELECT hash FROM report_pictures WHERE report_id = $1 AND key = $2 FOR UPDATE", &[&report_id, key])?
                    .map(|row| row.get(0));
                tx.execute(
                    "INSERT INTO report_pictures (report_id, key, hash) VALUES ($1, $2, $3) ON CONFLICT (report_id, key) DO UPDATE SET hash = EXCLUDED.hash",
                    &[&report_id, key, &picture.hash],
                )?;
                if let Some(old) = replaced.filter(|old| *old != picture.hash) {
                    tx.execute("DELETE FROM pictures p WHERE p.hash = $1 AND NOT EXISTS (SELECT 1 FROM report_pictures r WHERE r.hash = p.hash)", &[&old])?;
                }
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn picture_stats(&self) -> Result<(u64, u64), StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_one("SELECT count(*), coalesce(sum(length(bytes)), 0)::BIGINT FROM pictures", &[])?;
            Ok((row.get::<_, i64>(0) as u64, row.get::<_, i64>(1) as u64))
        })
    }
}
