//! Ingest through a shared store's job queue: `yanbao enqueue` records files as jobs (their bytes
//! in the store), and any number of `yanbao worker`s on any machines take them one at a time,
//! parse them (PDFs in the isolated worker process, as `ingest` does), and store them.
//!
//! A worker holds its job under a lease it renews on a thread of its own while it parses; a
//! worker killed mid-job simply stops renewing, and the job returns to the queue when the
//! lease runs out (see [`yanbao_store::JobQueue::claim`]). Storing is idempotent by content, so
//! a job done twice — by a worker that lost its lease while still finishing — stores one report.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use yanbao_store::{JobEnd, JobInfo, JobQueue, JobState};

use crate::ingest::{collect_sources, read_source};
use crate::{EngineError, IngestOutcome, IngestResult, Library};

/// How a worker runs.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Its name in the queue (`host:pid` by default).
    pub name: String,
    /// How long a claimed job stays its own without a renewal.
    pub lease: Duration,
    /// How long it waits before looking again when the queue is empty.
    pub poll: Duration,
    /// Stop once the queue holds nothing for it, instead of waiting for more.
    pub until_empty: bool,
}

impl Default for WorkerOptions {
    fn default() -> WorkerOptions {
        WorkerOptions { name: default_worker_name(), lease: Duration::from_secs(60), poll: Duration::from_millis(500), until_empty: false }
    }
}

/// `host:pid`, so `yanbao jobs` tells which machine holds a job.
pub fn default_worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_else(|_| "worker".into());
    format!("{host}:{}", std::process::id())
}

/// What one `enqueue` of a file did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Enqueued {
    /// The file.
    pub path: String,
    /// The job, when the file could be read.
    pub job: Option<i64>,
    /// False when the same bytes were already queued or running (that job is given).
    pub new: bool,
    /// Why the file could not be enqueued.
    pub error: Option<String>,
}

/// What a worker did with one job.
#[derive(Debug, Clone, serde::Serialize)]
pub struct WorkedJob {
    /// The job.
    pub job: i64,
    /// The worker's try at it (1 the first time).
    pub attempt: u32,
    /// The ingest result of its file.
    pub result: IngestResult,
    /// False when the worker had lost the job's lease by the time it finished (another worker
    /// has it; the report, if stored, is stored once all the same).
    pub recorded: bool,
}

impl Library {
    /// The job queue of the shared store, or why there is none.
    pub fn job_queue(&self) -> Result<&dyn JobQueue, EngineError> {
        self.store().job_queue().ok_or_else(|| {
            EngineError::Access("the job queue needs a shared store (--db postgres://…); an embedded library ingests directly (yanbao ingest)".into())
        })
    }

    /// Records files and folders (walked as `ingest` walks them) as jobs for the workers.
    pub fn enqueue(&self, paths: &[PathBuf], progress: &mut dyn FnMut(&Enqueued)) -> Result<Vec<Enqueued>, EngineError> {
        let queue = self.job_queue()?;
        let (files, problems) = collect_sources(paths);
        let mut results = Vec::with_capacity(files.len() + problems.len());
        for problem in problems {
            results.push(Enqueued { path: problem.path, job: None, new: false, error: problem.error });
        }
        for file in files {
            let path = file.display().to_string();
            let enqueued = match read_source(&file) {
                Ok(bytes) => {
                    let (job, new) = queue.enqueue(&path, &bytes)?;
                    Enqueued { path, job: Some(job), new, error: None }
                }
                Err(e) => Enqueued { path, job: None, new: false, error: Some(e.to_string()) },
            };
            progress(&enqueued);
            results.push(enqueued);
        }
        Ok(results)
    }

    /// Takes jobs from the queue and ingests them until `stop` is set (or, with
    /// `until_empty`, until no job is left for it); `progress` sees each job as it ends.
    /// A failure of the store itself (the database went away) is reported through `problem`
    /// and retried after a pause: the worker outlives a database restart.
    pub fn work(
        &self,
        options: &WorkerOptions,
        stop: &AtomicBool,
        progress: &mut dyn FnMut(&WorkedJob),
        problem: &mut dyn FnMut(&EngineError),
    ) -> Result<usize, EngineError> {
        let queue = self.job_queue()?;
        let mut done = 0;
        while !stop.load(Ordering::Relaxed) {
            let job = match queue.claim(&options.name, options.lease) {
                Ok(Some(job)) => job,
                Ok(None) if options.until_empty => break,
                Ok(None) => {
                    std::thread::sleep(options.poll);
                    continue;
                }
                Err(e) => {
                    metrics::counter!("yanbao_worker_failures_total").increment(1);
                    problem(&e.into());
                    std::thread::sleep(options.poll.max(Duration::from_secs(1)));
                    continue;
                }
            };
            let result = std::thread::scope(|scope| {
                // Renew the lease every third of it while the job is parsed and stored; the
                // job's end (the sender dropped) wakes the renewer at once.
                let (done, wait) = std::sync::mpsc::channel::<()>();
                scope.spawn(move || {
                    while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(options.lease / 3) {
                        if !matches!(queue.renew(job.id, &options.name, options.lease), Ok(true)) {
                            break;
                        }
                    }
                });
                let result = self.ingest_bytes(&job.name, &job.bytes);
                drop(done);
                result
            });
            let result = match result {
                Ok(result) => result,
                Err(e) => {
                    // The library failed, not the file: leave the job to run out its lease.
                    metrics::counter!("yanbao_worker_failures_total").increment(1);
                    problem(&e);
                    std::thread::sleep(options.poll.max(Duration::from_secs(1)));
                    continue;
                }
            };
            let end = match (&result.outcome, &result.id) {
                (IngestOutcome::Failed, _) | (_, None) => JobEnd::Failed(result.error.clone().unwrap_or_else(|| "not stored".into())),
                (outcome, Some(id)) => JobEnd::Done {
                    report_id: id.clone(),
                    outcome: if *outcome == IngestOutcome::Added { "added" } else { "unchanged" }.into(),
                },
            };
            let recorded = queue.finish(job.id, &options.name, &end)?;
            let outcome = match &end {
                JobEnd::Done { outcome, .. } => outcome.clone(),
                JobEnd::Failed(_) => "failed".into(),
            };
            metrics::counter!("yanbao_jobs_finished_total", "outcome" => outcome).increment(1);
            done += 1;
            progress(&WorkedJob { job: job.id, attempt: job.attempts, result, recorded });
        }
        Ok(done)
    }

    /// Jobs of the queue, newest first (optionally of one state), and the count in each state.
    pub fn jobs(&self, state: Option<JobState>, limit: usize) -> Result<(Vec<JobInfo>, Vec<(JobState, u64)>), EngineError> {
        let queue = self.job_queue()?;
        Ok((queue.jobs(state, limit)?, queue.job_counts()?))
    }

    /// Records one upload as a job (see [`Library::enqueue`]): its id, and whether it is new.
    pub fn enqueue_bytes(&self, name: &str, bytes: &[u8]) -> Result<(i64, bool), EngineError> {
        Ok(self.job_queue()?.enqueue(name, bytes)?)
    }

    /// One job of the queue; `None` when there is no such job (or no queue).
    pub fn job(&self, id: i64) -> Result<Option<JobInfo>, EngineError> {
        match self.store().job_queue() {
            Some(queue) => Ok(queue.job(id)?),
            None => Ok(None),
        }
    }

    /// Queues a failed job again; false when it is not failed (or its bytes are gone).
    pub fn retry_job(&self, id: i64) -> Result<bool, EngineError> {
        Ok(self.job_queue()?.retry(id)?)
    }
}
