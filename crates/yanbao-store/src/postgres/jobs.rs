//! The ingest job queue in PostgreSQL (see `migrations/postgres/V2__ingest_jobs.sql`): jobs
//! claimed with `FOR UPDATE SKIP LOCKED` under a lease, so any number of workers share one
//! queue without taking a job twice, and a dead worker's job returns to the queue.

use std::time::Duration;

use sha2::{Digest, Sha256};

use super::{off_runtime, PgStore};
use crate::{ClaimedJob, JobEnd, JobInfo, JobQueue, JobState, StoreError, MAX_JOB_ATTEMPTS};

/// A job row as [`job_info`] reads it.
const JOB_COLUMNS: &str = r#"id, name, sha256, bytes_len, state, attempts, worker, report_id, outcome, error,
    to_char(enqueued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#;

fn job_info(row: &postgres::Row) -> JobInfo {
    JobInfo {
        id: row.get(0),
        name: row.get(1),
        sha256: row.get(2),
        bytes: row.get::<_, i64>(3) as u64,
        state: JobState::parse(row.get(4)).unwrap_or(JobState::Failed),
        attempts: row.get::<_, i32>(5) as u32,
        worker: row.get(6),
        report_id: row.get(7),
        outcome: row.get(8),
        error: row.get(9),
        enqueued_at: row.get(10),
        finished_at: row.get(11),
    }
}

fn seconds(duration: Duration) -> f64 {
    duration.as_secs_f64().max(1.0)
}

impl JobQueue for PgStore {
    fn enqueue(&self, name: &str, bytes: &[u8]) -> Result<(i64, bool), StoreError> {
        off_runtime(|| {
            let sha256 = hex::encode(Sha256::digest(bytes));
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            // One enqueue of given bytes at a time, so the same file enqueued twice at once is one job.
            tx.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 1))", &[&sha256])?;
            if let Some(row) = tx.query_opt("SELECT id FROM jobs WHERE sha256 = $1 AND state IN ('queued', 'running') ORDER BY id LIMIT 1", &[&sha256])? {
                tx.commit()?;
                return Ok((row.get(0), false));
            }
            tx.execute("INSERT INTO job_sources (sha256, bytes) VALUES ($1, $2) ON CONFLICT (sha256) DO NOTHING", &[&sha256, &bytes])?;
            let id: i64 = tx
                .query_one("INSERT INTO jobs (sha256, name, bytes_len) VALUES ($1, $2, $3) RETURNING id", &[&sha256, &name, &(bytes.len() as i64)])?
                .get(0);
            tx.commit()?;
            Ok((id, true))
        })
    }

    fn claim(&self, worker: &str, lease: Duration) -> Result<Option<ClaimedJob>, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            // Jobs whose workers died too often are failed, not tried again.
            conn.execute(
                "UPDATE jobs SET state = 'failed', finished_at = now(), lease_until = NULL,
                        error = format('a worker stopped while ingesting it %s times (last: %s); yanbao jobs retry %s tries again', attempts, worker, id)
                 WHERE state = 'running' AND lease_until < now() AND attempts >= $1",
                &[&(MAX_JOB_ATTEMPTS as i32)],
            )?;
            let mut tx = conn.transaction()?;
            let claimed = tx.query_opt(
                "UPDATE jobs SET state = 'running', worker = $1, attempts = attempts + 1, started_at = now(),
                        lease_until = now() + make_interval(secs => $2)
                 WHERE id = (SELECT id FROM jobs
                             WHERE state = 'queued' OR (state = 'running' AND lease_until < now())
                             ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
                 RETURNING id, name, sha256, attempts",
                &[&worker, &seconds(lease)],
            )?;
            let Some(row) = claimed else {
                tx.commit()?;
                return Ok(None);
            };
            let (id, name, sha256, attempts): (i64, String, String, i32) = (row.get(0), row.get(1), row.get(2), row.get(3));
            let bytes: Option<Vec<u8>> = tx.query_opt("SELECT bytes FROM job_sources WHERE sha256 = $1", &[&sha256])?.map(|row| row.get(0));
            let Some(bytes) = bytes else {
                tx.execute("UPDATE jobs SET state = 'failed', finished_at = now(), lease_until = NULL, error = 'its source bytes are gone' WHERE id = $1", &[&id])?;
                tx.commit()?;
                return Ok(None);
            };
            tx.commit()?;
            Ok(Some(ClaimedJob { id, name, bytes, attempts: attempts as u32 }))
        })
    }

    fn renew(&self, id: i64, worker: &str, lease: Duration) -> Result<bool, StoreError> {
        off_runtime(|| {
            let renewed = self.conn()?.execute(
                "UPDATE jobs SET lease_until = now() + make_interval(secs => $3) WHERE id = $1 AND worker = $2 AND state = 'running'",
                &[&id, &worker, &seconds(lease)],
            )?;
            Ok(renewed > 0)
        })
    }

    fn finish(&self, id: i64, worker: &str, end: &JobEnd) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            let (state, report_id, outcome, error) = match end {
                JobEnd::Done { report_id, outcome } => ("done", Some(report_id.as_str()), Some(outcome.as_str()), None),
                JobEnd::Failed(reason) => ("failed", None, None, Some(reason.as_str())),
            };
            let sha256: Option<String> = tx
                .query_opt(
                    "UPDATE jobs SET state = $3, report_id = $4, outcome = $5, error = $6, finished_at = now(), lease_until = NULL
                     WHERE id = $1 AND worker = $2 AND state = 'running' RETURNING sha256",
                    &[&id, &worker, &state, &report_id, &outcome, &error],
                )?
                .map(|row| row.get(0));
            let Some(sha256) = sha256 else {
                tx.commit()?;
                return Ok(false);
            };
            if state == "done" {
                // The report keeps its bytes; the queue's copy goes once no job needs it.
                tx.execute(
                    "DELETE FROM job_sources WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM jobs WHERE sha256 = $1 AND state <> 'done')",
                    &[&sha256],
                )?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    fn jobs(&self, state: Option<JobState>, limit: usize) -> Result<Vec<JobInfo>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query(
                &format!("SELECT {JOB_COLUMNS} FROM jobs WHERE $1::text IS NULL OR state = $1 ORDER BY id DESC LIMIT $2"),
                &[&state.map(JobState::as_str), &(limit.min(i64::MAX as usize) as i64)],
            )?;
            Ok(rows.iter().map(job_info).collect())
        })
    }

    fn job(&self, id: i64) -> Result<Option<JobInfo>, StoreError> {
        off_runtime(|| Ok(self.conn()?.query_opt(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = $1"), &[&id])?.as_ref().map(job_info)))
    }

    fn job_counts(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query("SELECT state, COUNT(*) FROM jobs GROUP BY state", &[])?;
            let mut counts: Vec<(JobState, u64)> =
                rows.iter().filter_map(|row| Some((JobState::parse(row.get(0))?, row.get::<_, i64>(1) as u64))).collect();
            counts.sort_by_key(|(state, _)| *state as u8);
            Ok(counts)
        })
    }

    fn retry(&self, id: i64) -> Result<bool, StoreError> {
        off_runtime(|| {
            let retried = self.conn()?.execute(
                "UPDATE jobs SET state = 'queued', attempts = 0, error = NULL, worker = NULL, finished_at = NULL
                 WHERE id = $1 AND state = 'failed' AND EXISTS (SELECT 1 FROM job_sources s WHERE s.sha256 = jobs.sha256)",
                &[&id],
            )?;
            Ok(retried > 0)
        })
    }
}
