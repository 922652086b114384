//! The isolated PDF worker: PDFium runs in a child process (`yanbao pdf-worker`), one job per
//! process, so a crash, a hang or a memory blow-up in the third-party library costs one file or
//! one picture, never the ingest batch or the server.
//!
//! Two jobs, one typed protocol ([`WorkerRequest`] → [`WorkerResponse`]): **parse** a PDF into a
//! report, and **render** pictures of its pages and figures ([`yanbao_pdf::render::Picture`]).
//! The parent ([`parse`], [`render`]) writes the request as JSON on the worker's stdin; the
//! worker ([`serve`], what `yanbao pdf-worker` runs) answers with one line of JSON on stdout,
//! followed, for pictures, by their bytes in order (each picture's length is in the answer).
//! A failure the worker can name comes back typed ([`WorkerFailure`]); a death (signal, abort,
//! out of memory, timeout) is read from the exit status and stderr by the parent, which also
//! holds the worker to its time limit, its memory budget and its parent's life.

use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use yanbao_model::Report;
use yanbao_pdf::render::{Picture, Rendered};
use yanbao_pdf::PdfError;

use crate::parse::{ParseOptions, SourceFormat};
use crate::EngineError;

/// The line an isolated worker writes to stderr when it dies for want of memory (allocation
/// failure inside PDFium or the parser); the parent turns it into [`memory_error`].
pub const WORKER_OUT_OF_MEMORY: &str = "error: out of memory";

/// The prefix of a progress line a worker writes to stderr while it reads a long scan
/// (`progress: ocr 3/40`): each one restarts the parent's timeout, which then bounds one page,
/// not the whole file.
pub const WORKER_PROGRESS: &str = "progress: ";

/// Largest request a worker reads (a render request lists at most a few thousand pictures).
const MAX_REQUEST_BYTES: u64 = 4 << 20;

/// What the parent asks of a worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum WorkerRequest {
    /// Parse the PDF at `path` into a report (structure only; the parent enriches it).
    Parse {
        /// The file.
        path: PathBuf,
        /// User password for an encrypted file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        /// Which pages are read by OCR.
        #[serde(default)]
        ocr: crate::parse::OcrMode,
    },
    /// Render pictures of the PDF at `path`.
    Render {
        /// The file.
        path: PathBuf,
        /// User password for an encrypted file.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        /// The pictures, answered in this order.
        pictures: Vec<Picture>,
    },
}

/// A worker's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum WorkerResponse {
    /// The parsed report.
    Parsed {
        /// The report (structure only).
        report: Box<Report>,
    },
    /// One result per requested picture; the bytes of the pictures made follow the answer's line.
    Rendered {
        /// Per picture: what was made (and how many bytes of it follow), or why not.
        pictures: Vec<RenderOutcome>,
    },
    /// The job failed for a reason the worker can name.
    Failed {
        /// Why.
        failure: WorkerFailure,
    },
}

/// One requested picture's outcome in a [`WorkerResponse::Rendered`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenderOutcome {
    /// The picture's description (its bytes follow the answer), when it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub picture: Option<Rendered>,
    /// Its length in bytes in what follows the answer.
    #[serde(default)]
    pub len: u64,
    /// Why it was not made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Why a worker's job failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerFailure {
    /// What kind of failure.
    pub kind: FailureKind,
    /// One lowercase line for the user.
    pub message: String,
}

/// Kinds of [`WorkerFailure`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureKind {
    /// The file needs a password (none given, or a wrong one).
    Encrypted,
    /// The file is damaged, blank, or not a PDF.
    Corrupt,
    /// The file is beyond a limit (pages, page size).
    TooLarge,
    /// PDFium could not be loaded.
    LibraryMissing,
    /// The file could not be read, or the request was not understood.
    Request,
}

impl WorkerFailure {
    fn of_pdf(error: &PdfError) -> WorkerFailure {
        let kind = match error {
            PdfError::Encrypted | PdfError::WrongPassword => FailureKind::Encrypted,
            PdfError::Corrupt(_) | PdfError::Blank(_) => FailureKind::Corrupt,
            PdfError::PageTooLarge { .. } | PdfError::TooManyPages { .. } => FailureKind::TooLarge,
            PdfError::LibraryMissing(_) | PdfError::OcrMissing(_) => FailureKind::LibraryMissing,
        };
        WorkerFailure { kind, message: error.to_string() }
    }
}

/// Parses the PDF at `path` in a worker: its report, or the failure as one line.
pub fn parse(exe: &Path, path: &Path, options: &ParseOptions) -> Result<Report, EngineError> {
    let request = WorkerRequest::Parse { path: path.to_path_buf(), password: options.password.clone(), ocr: options.ocr };
    match run(exe, &request, options)?.0 {
        WorkerResponse::Parsed { report } => Ok(*report),
        WorkerResponse::Failed { failure } => Err(EngineError::Parse(failure.message)),
        WorkerResponse::Rendered { .. } => Err(EngineError::Parse("pdf worker answered a parse with pictures".into())),
    }
}

/// Renders `pictures` of the PDF at `path` in a worker: one result per picture, in order.
pub fn render(exe: &Path, path: &Path, pictures: &[Picture], options: &ParseOptions) -> Result<Vec<Result<(Rendered, Vec<u8>), String>>, EngineError> {
    let request = WorkerRequest::Render { path: path.to_path_buf(), password: options.password.clone(), pictures: pictures.to_vec() };
    let (response, bytes) = run(exe, &request, options)?;
    let outcomes = match response {
        WorkerResponse::Rendered { pictures: outcomes } => outcomes,
        WorkerResponse::Failed { failure } => return Err(EngineError::Parse(failure.message)),
        WorkerResponse::Parsed { .. } => return Err(EngineError::Parse("pdf worker answered a render with a report".into())),
    };
    if outcomes.len() != pictures.len() {
        return Err(EngineError::Parse(format!("pdf worker answered {} pictures of {}", outcomes.len(), pictures.len())));
    }
    let mut at = 0usize;
    let mut results = Vec::with_capacity(outcomes.len());
    for outcome in outcomes {
        results.push(match (outcome.picture, outcome.error) {
            (Some(picture), _) => {
                let end = at.checked_add(outcome.len as usize).filter(|&end| end <= bytes.len());
                let Some(end) = end else { return Err(EngineError::Parse("pdf worker sent fewer picture bytes than it said".into())) };
                let data = bytes[at..end].to_vec();
                at = end;
                Ok((picture, data))
            }
            (None, error) => Err(error.unwrap_or_else(|| "the picture was not made".into())),
        });
    }
    Ok(results)
}

/// What `yanbao pdf-worker` runs: reads one request from stdin, does it, writes the answer to
/// stdout. Returns the process's exit code (0 whenever an answer was written, failures included).
pub fn serve() -> i32 {
    install_worker_guards();
    let mut input = Vec::new();
    let answer = match std::io::stdin().lock().take(MAX_REQUEST_BYTES).read_to_end(&mut input) {
        Ok(_) => match serde_json::from_slice::<WorkerRequest>(&input) {
            Ok(request) => answer(request),
            Err(e) => (failed(FailureKind::Request, format!("pdf worker request not understood: {e}")), Vec::new()),
        },
        Err(e) => (failed(FailureKind::Request, format!("pdf worker request unreadable: {e}")), Vec::new()),
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serde_json::to_writer(&mut out, &answer.0).is_ok() && out.write_all(b"\n").is_ok() && out.write_all(&answer.1).is_ok() && out.flush().is_ok();
    if written {
        0
    } else {
        eprintln!("error: pdf worker could not write its answer");
        1
    }
}

/// One step of a worker's long job, as its progress line says it (`ocr 3/40`: page 3 of the 40
/// pages read by OCR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkerProgress {
    /// Pages done.
    pub done: u32,
    /// Pages to do.
    pub total: u32,
}

impl WorkerProgress {
    /// Reads `ocr DONE/TOTAL`.
    pub fn parse(said: &str) -> Option<WorkerProgress> {
        let (done, total) = said.strip_prefix("ocr ")?.split_once('/')?;
        Some(WorkerProgress { done: done.trim().parse().ok()?, total: total.trim().parse().ok()? })
    }
}

/// Where a worker's progress goes (a progress bar), shared by the files of a batch.
#[derive(Clone)]
pub struct ProgressSink(pub Arc<dyn Fn(WorkerProgress) + Send + Sync>);

impl std::fmt::Debug for ProgressSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ProgressSink")
    }
}

/// What the worker hands the PDF parser: each OCR'd page becomes a progress line.
fn say_progress(done: u32, total: u32) {
    eprintln!("{WORKER_PROGRESS}ocr {done}/{total}");
}

fn failed(kind: FailureKind, message: String) -> WorkerResponse {
    WorkerResponse::Failed { failure: WorkerFailure { kind, message } }
}

/// Does one job in this process: the answer and the bytes that follow it.
fn answer(request: WorkerRequest) -> (WorkerResponse, Vec<u8>) {
    let (path, password) = match &request {
        WorkerRequest::Parse { path, password, .. } | WorkerRequest::Render { path, password, .. } => (path, password.as_deref()),
    };
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) => return (failed(FailureKind::Request, format!("cannot read {}: {e}", path.display())), Vec::new()),
    };
    match &request {
        WorkerRequest::Parse { ocr, .. } => {
            let display = path.display().to_string();
            if crate::parse::detect_format(path, &bytes) != Some(SourceFormat::Pdf) {
                return (failed(FailureKind::Request, "the pdf worker reads pdf files only".into()), Vec::new());
            }
            let parsed = std::panic::catch_unwind(|| crate::parse::parse_pdf_source(&bytes, &display, password, *ocr, Some(say_progress)));
            match parsed {
                Ok(Ok(report)) => (WorkerResponse::Parsed { report: Box::new(report) }, Vec::new()),
                Ok(Err(e)) => (WorkerResponse::Failed { failure: WorkerFailure::of_pdf(&e) }, Vec::new()),
                Err(_) => (failed(FailureKind::Corrupt, "the parser failed on this file (internal error); it was skipped".into()), Vec::new()),
            }
        }
        WorkerRequest::Render { pictures, .. } => match yanbao_pdf::render::render(&bytes, password, pictures) {
            Ok(results) => {
                let mut data = Vec::new();
                let outcomes = results
                    .into_iter()
                    .map(|result| match result {
                        Ok(picture) => {
                            data.extend_from_slice(&picture.bytes);
                            let len = picture.bytes.len() as u64;
                            RenderOutcome { picture: Some(Rendered { bytes: Vec::new(), ..picture }), len, error: None }
                        }
                        Err(error) => RenderOutcome { picture: None, len: 0, error: Some(error) },
                    })
                    .collect();
                (WorkerResponse::Rendered { pictures: outcomes }, data)
            }
            Err(e) => (WorkerResponse::Failed { failure: WorkerFailure::of_pdf(&e) }, Vec::new()),
        },
    }
}

/// Runs one job in a fresh `exe pdf-worker` process within the time and memory limits of
/// `options`: the request goes in on stdin, the answer comes back on stdout.
fn run(exe: &Path, request: &WorkerRequest, options: &ParseOptions) -> Result<(WorkerResponse, Vec<u8>), EngineError> {
    let mut command = Command::new(exe);
    // The request (with any password) goes through a pipe: nothing of it shows in `ps`.
    command.arg("pdf-worker").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    limit_memory(&mut command, address_space_cap(options.worker_memory));
    die_with_parent(&mut command);
    let mut child = command.spawn().map_err(|e| EngineError::Parse(format!("cannot start the pdf worker: {e}")))?;
    let request = serde_json::to_vec(request).map_err(|e| EngineError::Parse(format!("pdf worker request: {e}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        // A worker that died at once is reported below, by its exit.
        let _ = stdin.write_all(&request);
    }
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.read_to_end(&mut buf);
        }
        buf
    });
    // Progress lines restart the clock and go to the caller; the rest (the first 64 KiB) is
    // kept to say why a worker died.
    let last_progress = Arc::new(Mutex::new(Instant::now()));
    let progress = options.progress.clone();
    let err_reader = {
        let last_progress = Arc::clone(&last_progress);
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            if let Some(err) = stderr.take() {
                let mut lines = std::io::BufReader::new(err);
                let mut line = Vec::new();
                while matches!(lines.by_ref().take(64 * 1024).read_until(b'\n', &mut line), Ok(n) if n > 0) {
                    match std::str::from_utf8(&line).ok().and_then(|text| text.trim_end().strip_prefix(WORKER_PROGRESS)) {
                        Some(said) => {
                            *last_progress.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Instant::now();
                            if let (Some(progress), Some(step)) = (&progress, WorkerProgress::parse(said)) {
                                (progress.0)(step);
                            }
                        }
                        None if buf.len() < 64 * 1024 => buf.extend_from_slice(&line),
                        None => {}
                    }
                    line.clear();
                }
            }
            buf
        })
    };
    let started = Instant::now();
    let watch = WorkerWatch::start(child.id());
    let mut peak = 0u64;
    let mut at_cap_since: Option<Instant> = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if last_progress.lock().map(|at| at.elapsed()).unwrap_or_else(|_| started.elapsed()) > options.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(EngineError::Parse(format!("timed out after {} s ({})", options.timeout.as_secs(), request_kind_skipped(&request))));
            }
            Ok(None) => {
                let (resident, mapped) = watch.update();
                peak = peak.max(resident);
                // Allocations fail once the address space is at its cap; a worker still alive
                // there for a second is stuck retrying (PDFium degrades instead of aborting).
                let near_cap = mapped + (16 << 20) >= address_space_cap(options.worker_memory);
                if !near_cap {
                    at_cap_since = None;
                }
                let stuck = near_cap && at_cap_since.get_or_insert_with(Instant::now).elapsed() > Duration::from_secs(1);
                if watch.over_budget(options.worker_memory) || stuck {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Err(memory_error(options.worker_memory));
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => return Err(EngineError::Parse(format!("pdf worker: {e}"))),
        }
    };
    drop(watch);
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    if !status.success() {
        let message = String::from_utf8_lossy(&err);
        if ran_out_of_memory(&message, signal_of(&status), peak, options.worker_memory) {
            return Err(memory_error(options.worker_memory));
        }
        return Err(EngineError::Parse(worker_failure(&message, status.code())));
    }
    read_response(&out)
}

/// Says what a timed-out job cost: the file (a parse) or the pictures (a render).
fn request_kind_skipped(request: &[u8]) -> &'static str {
    if request.starts_with(br#"{"job":"render""#) {
        "pictures skipped"
    } else {
        "file skipped"
    }
}

/// Splits a worker's output into its answer (the first line) and the bytes after it.
fn read_response(out: &[u8]) -> Result<(WorkerResponse, Vec<u8>), EngineError> {
    let unreadable = |e: String| EngineError::Parse(format!("pdf worker returned unreadable output: {e}"));
    let end = out.iter().position(|&b| b == b'\n').unwrap_or(out.len());
    let response: WorkerResponse = serde_json::from_slice(&out[..end]).map_err(|e| unreadable(e.to_string()))?;
    Ok((response, out.get(end + 1..).unwrap_or_default().to_vec()))
}

/// What a worker's death means, in one line (a worker that answers says why it failed in its
/// answer; this is for one that died): the `error: …` line it printed, else a plain statement.
/// Anything else on its stderr — a panic's message and source location, a backtrace hint,
/// PDFium's chatter — is never passed on: it ends up in ingest results and API answers, where
/// source paths and stack traces do not belong.
fn worker_failure(stderr: &str, code: Option<i32>) -> String {
    let said = stderr.lines().rev().find_map(|line| line.trim().strip_prefix("error: ")).map(str::trim).filter(|line| !line.is_empty());
    match (said, code) {
        (Some(line), _) => line.to_string(),
        (None, Some(code)) if !stderr.contains("panicked") => format!("pdf worker exited with code {code}"),
        _ => "the pdf parser crashed on this file (file skipped)".to_string(),
    }
}

/// The error of a file whose parse went beyond the memory limit.
fn memory_error(limit: u64) -> EngineError {
    EngineError::Parse(format!("the pdf needs more memory than the worker limit ({} MiB; see --worker-memory)", limit >> 20))
}

/// True when a worker that failed died for want of memory: it said so (allocation failure in
/// PDFium, caught by [`install_worker_guards`], or in Rust), the kernel's out-of-memory killer
/// took it, or it crashed with its resident memory at the limit.
fn ran_out_of_memory(stderr: &str, signal: Option<i32>, peak: u64, limit: u64) -> bool {
    if stderr.lines().any(|l| l.trim() == WORKER_OUT_OF_MEMORY || (l.starts_with("memory allocation of") && l.ends_with("failed"))) {
        return true;
    }
    match signal {
        // SIGKILL: yanbao kills only on timeout (handled before); else it was the OOM killer.
        Some(9) => true,
        Some(_) => peak >= limit / 10 * 9,
        None => false,
    }
}

#[cfg(unix)]
fn signal_of(status: &std::process::ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_status: &std::process::ExitStatus) -> Option<i32> {
    None
}

/// Resident bytes of every running PDF worker, by process id: the memory limit holds for their
/// sum, so two workers on a bomb each cannot take the machine down.
static RUNNING_WORKERS: Mutex<Vec<(u32, u64)>> = Mutex::new(Vec::new());

/// One running worker's entry in [`RUNNING_WORKERS`], removed when dropped.
struct WorkerWatch {
    pid: u32,
}

impl WorkerWatch {
    fn start(pid: u32) -> WorkerWatch {
        RUNNING_WORKERS.lock().unwrap_or_else(|p| p.into_inner()).push((pid, 0));
        WorkerWatch { pid }
    }

    /// Reads the worker's resident memory and records it; returns it with the mapped size.
    fn update(&self) -> (u64, u64) {
        let (mapped, resident) = memory_of(self.pid).unwrap_or((0, 0));
        let mut running = RUNNING_WORKERS.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = running.iter_mut().find(|(pid, _)| *pid == self.pid) {
            entry.1 = resident;
        }
        (resident, mapped)
    }

    /// True when the workers together hold more than `limit` and this one is the largest.
    fn over_budget(&self, limit: u64) -> bool {
        let running = RUNNING_WORKERS.lock().unwrap_or_else(|p| p.into_inner());
        let total: u64 = running.iter().map(|(_, rss)| rss).sum();
        total > limit && running.iter().max_by_key(|(pid, rss)| (*rss, *pid)).map(|(pid, _)| *pid) == Some(self.pid)
    }
}

impl Drop for WorkerWatch {
    fn drop(&mut self) {
        RUNNING_WORKERS.lock().unwrap_or_else(|p| p.into_inner()).retain(|(pid, _)| *pid != self.pid);
    }
}

/// Mapped and resident bytes of a process, from `/proc/PID/statm` (Linux); `None` elsewhere.
fn memory_of(pid: u32) -> Option<(u64, u64)> {
    let statm = std::fs::read_to_string(format!("/proc/{pid}/statm")).ok()?;
    let mut fields = statm.split_whitespace().map(|f| f.parse::<u64>().ok());
    let (mapped, resident) = (fields.next()??, fields.next()??);
    Some((mapped * page_size(), resident * page_size()))
}

/// The address-space cap of a worker for a memory limit: above the limit by the worker's own
/// mappings (program, PDFium, stacks: ~250 MiB untouched) and a margin, so the resident-memory
/// watch stops a growing worker with a clear error first; the cap only stops allocations made
/// faster than the watch looks (every 5 ms).
pub fn address_space_cap(limit: u64) -> u64 {
    limit.saturating_add(limit / 4).saturating_add(256 << 20)
}

#[cfg(unix)]
fn page_size() -> u64 {
    // SAFETY: sysconf has no preconditions.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 { size as u64 } else { 4096 }
}

#[cfg(not(unix))]
fn page_size() -> u64 {
    4096
}

#[cfg(unix)]
fn limit_memory(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe and touches only the child's own limits.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit { rlim_cur: bytes as libc::rlim_t, rlim_max: bytes as libc::rlim_t };
            libc::setrlimit(libc::RLIMIT_AS, &limit);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn limit_memory(_command: &mut Command, _bytes: u64) {}

/// Makes the worker die with the process that started it. Its time and memory limits are
/// enforced by that process: a worker whose parent was killed (SIGKILL, a lost terminal) would
/// otherwise parse on unwatched, a hung one forever. The kernel sends SIGKILL when the thread
/// that spawned the worker ends, which is never before the worker (that thread waits for it).
#[cfg(target_os = "linux")]
fn die_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = std::process::id();
    // SAFETY: prctl, getppid and raise are async-signal-safe and touch only the child.
    unsafe {
        command.pre_exec(move || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
            // The parent may have died before the prctl: then nobody would send the signal.
            if libc::getppid() as u32 != parent {
                libc::raise(libc::SIGKILL);
            }
            Ok(())
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn die_with_parent(_command: &mut Command) {}

/// Called first thing in an isolated worker: when an allocation fails under the address-space
/// limit, PDFium aborts silently (Rust prints "memory allocation of N bytes failed" and aborts);
/// the SIGABRT handler installed here sees the failed allocation's `ENOMEM` and writes
/// [`WORKER_OUT_OF_MEMORY`] to stderr before the process dies, so the parent can say why.
#[cfg(unix)]
pub fn install_worker_guards() {
    extern "C" fn on_abort(signal: libc::c_int) {
        // Async-signal-safe only: errno read, write(2), signal(2), raise(3).
        if std::io::Error::last_os_error().raw_os_error() == Some(libc::ENOMEM) {
            let line = b"\nerror: out of memory\n";
            // SAFETY: writing a static buffer to stderr.
            unsafe { libc::write(2, line.as_ptr().cast(), line.len()) };
        }
        // SAFETY: restore the default action and die of the same signal.
        unsafe {
            libc::signal(signal, libc::SIG_DFL);
            libc::raise(signal);
        }
    }
    // SAFETY: installing a handler that only makes async-signal-safe calls.
    unsafe {
        libc::signal(libc::SIGABRT, on_abort as extern "C" fn(libc::c_int) as libc::sighandler_t);
    }
}

/// Called first thing in an isolated worker (no-op off Unix).
#[cfg(not(unix))]
pub fn install_worker_guards() {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::{parse_file, Isolation};

    /// Writes an executable stand-in for `yanbao pdf-worker` that runs `body`.
    #[cfg(unix)]
    fn fake_worker(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let exe = dir.join("worker.sh");
        std::fs::write(&exe, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        exe
    }

    #[cfg(unix)]
    #[test]
    fn a_hanging_or_crashing_pdf_worker_costs_one_file_with_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("x.pdf");
        std::fs::write(&pdf, b"%PDF-1.7\n").unwrap();
        let run = |body: &str, timeout: Duration| {
            let options = ParseOptions { isolation: Isolation::Worker { exe: fake_worker(dir.path(), body) }, timeout, ..ParseOptions::default() };
            let started = Instant::now();
            let result = parse_file(&pdf, b"%PDF-1.7\n", &options);
            (result.map(|r| r.title).map_err(|e| e.to_string()), started.elapsed())
        };
        let (hung, took) = run("sleep 30", Duration::from_millis(500));
        assert!(hung.unwrap_err().contains("timed out"));
        assert!(took < Duration::from_secs(10), "the hung worker was not killed in time: {took:?}");
        let (crashed, _) = run("kill -SEGV $$", Duration::from_secs(10));
        assert!(crashed.unwrap_err().contains("crashed"));
        let (failed, _) = run("echo 'error: pdf is encrypted: a password is needed' >&2; exit 1", Duration::from_secs(10));
        assert_eq!(failed.unwrap_err(), "pdf is encrypted: a password is needed");
        // A panicking worker: its message names a source file and suggests a backtrace; neither
        // may reach an ingest result or an API answer.
        let panic = "echo \"thread 'main' panicked at crates/yanbao-pdf/src/layout.rs:812:9:\" >&2; echo 'index out of bounds' >&2; echo 'note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace' >&2; exit 101";
        let (panicked, _) = run(panic, Duration::from_secs(10));
        assert_eq!(panicked.unwrap_err(), "the pdf parser crashed on this file (file skipped)");
        let (exited, _) = run("echo 'some chatter' >&2; exit 3", Duration::from_secs(10));
        assert_eq!(exited.unwrap_err(), "pdf worker exited with code 3");
        let (garbage, _) = run("echo not-json", Duration::from_secs(10));
        assert!(garbage.unwrap_err().contains("unreadable output"));
    }

    /// Not a test of its own: the process [`a_worker_dies_with_the_process_that_started_it`]
    /// starts and kills. It parses with a worker that writes its pid and hangs.
    #[cfg(target_os = "linux")]
    #[test]
    #[ignore = "run by a_worker_dies_with_the_process_that_started_it"]
    fn parent_of_a_hanging_worker() {
        let Some(dir) = std::env::var_os("YANBAO_TEST_WORKER_DIR").map(PathBuf::from) else { return };
        let pdf = dir.join("x.pdf");
        std::fs::write(&pdf, b"%PDF-1.7\n").unwrap();
        let exe = fake_worker(&dir, &format!("echo $$ > {}/worker.pid; exec sleep 60", dir.display()));
        let options = ParseOptions { isolation: Isolation::Worker { exe }, timeout: Duration::from_secs(120), ..ParseOptions::default() };
        let _ = parse_file(&pdf, b"%PDF-1.7\n", &options);
    }

    /// Crash loops (docs/RELIABILITY.md): `yanbao ingest` SIGKILLed alone, without its process
    /// group, left its PDF workers parsing on — with no one to enforce their time limit.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_worker_dies_with_the_process_that_started_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut parent = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--ignored", "--exact", "pdf_worker::tests::parent_of_a_hanging_worker", "--nocapture"])
            .env("YANBAO_TEST_WORKER_DIR", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let pid_file = dir.path().join("worker.pid");
        let started = Instant::now();
        let worker: i32 = loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file).ok().and_then(|s| s.trim().parse().ok()) {
                break pid;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "the worker did not start");
            assert!(parent.try_wait().unwrap().is_none(), "the parent ended before its worker started");
            std::thread::sleep(Duration::from_millis(20));
        };
        parent.kill().unwrap();
        parent.wait().unwrap();
        let alive = |pid: i32| {
            std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| stat.rsplit(") ").next().is_some_and(|rest| !rest.starts_with('Z')))
        };
        let killed = Instant::now();
        while alive(worker) && killed.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(20));
        }
        let outlived = alive(worker);
        if outlived {
            // SAFETY: killing the stray test worker by its pid.
            unsafe { libc::kill(worker, libc::SIGKILL) };
        }
        assert!(!outlived, "the pdf worker outlived the process that started it");
    }

    #[cfg(unix)]
    #[test]
    fn a_worker_out_of_memory_fails_with_the_limit_named() {
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("x.pdf");
        std::fs::write(&pdf, b"%PDF-1.7\n").unwrap();
        let run = |body: &str| {
            let options = ParseOptions { isolation: Isolation::Worker { exe: fake_worker(dir.path(), body) }, worker_memory: 300 << 20, ..ParseOptions::default() };
            parse_file(&pdf, b"%PDF-1.7\n", &options).map(|r| r.title).unwrap_err().to_string()
        };
        let expected = "the pdf needs more memory than the worker limit (300 MiB; see --worker-memory)";
        // PDFium aborting on a failed allocation (the worker's SIGABRT handler wrote the marker).
        assert_eq!(run("echo 'error: out of memory' >&2; kill -ABRT $$"), expected);
        // Rust's allocation failure.
        assert_eq!(run("echo 'memory allocation of 1048576 bytes failed' >&2; kill -ABRT $$"), expected);
        // The kernel's out-of-memory killer.
        assert_eq!(run("kill -KILL $$"), expected);
        // Any other crash stays a crash.
        assert!(run("kill -ABRT $$").contains("crashed"));
    }

    #[test]
    fn the_limit_holds_for_all_running_workers_together() {
        // Fake process ids far above any real one; other tests' workers add only a few MiB.
        let (big, small) = (WorkerWatch { pid: u32::MAX - 1 }, WorkerWatch { pid: u32::MAX - 2 });
        {
            let mut running = RUNNING_WORKERS.lock().unwrap();
            running.push((big.pid, 600 << 20));
            running.push((small.pid, 500 << 20));
        }
        // 1,100 MiB together: over a 1 GiB limit, and the largest worker is the one stopped.
        assert!(big.over_budget(1 << 30));
        assert!(!small.over_budget(1 << 30));
        assert!(!big.over_budget(2 << 30));
        drop(big);
        assert!(!small.over_budget(1 << 30), "a finished worker leaves the count");
        drop(small);
        assert!(RUNNING_WORKERS.lock().unwrap().iter().all(|(pid, _)| *pid < u32::MAX - 2));
        assert!(address_space_cap(512 << 20) > 512 << 20);
    }

}
