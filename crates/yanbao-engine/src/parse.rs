//! Turning one source file into a structured, enriched [`Report`]: format detection, the right
//! parser, knowledge extraction, and isolation of the PDF parser in a child process.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use yanbao_model::Report;

use crate::EngineError;

/// The formats yanbao reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// A PDF with (or without) a text layer.
    Pdf,
    /// Text, Markdown or HTML.
    Text,
}

/// Largest source file accepted; bigger files fail with a clear error instead of exhausting memory.
pub const MAX_SOURCE_BYTES: u64 = 512 * 1024 * 1024;

/// Text beyond this is not structured: no real report is this long (the longest of 498 real
/// industry reports is 0.3 MB; a 300-page annual report 2–3 MB), and parsing, enriching, storing
/// and indexing cost the ingesting process ~40 MB per structured MiB (a 200 MiB text file took
/// 6 GiB before any bound; a 27 MB one 690 MB at 16 MiB, 430 MB at 8 MiB).
pub const MAX_TEXT_BYTES: usize = 8 * 1024 * 1024;

/// Returns the first `limit` bytes of a text source, cut after a line break (keeping UTF-16 code
/// units whole), and whether anything was cut.
fn text_head(bytes: &[u8], limit: usize) -> (&[u8], bool) {
    if bytes.len() <= limit {
        return (bytes, false);
    }
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let window = &bytes[..limit];
    let mut end = window.iter().rposition(|b| *b == b'\n').map(|i| i + 1).unwrap_or(limit);
    if utf16 {
        // In UTF-16 LE the newline unit is 0A 00: cut after both bytes, at an even offset.
        end = (end + 1).min(limit) & !1;
    }
    (&bytes[..end], true)
}

/// Default memory limit of PDF parsing, in bytes: the resident memory the PDF workers may hold
/// together (see [`ParseOptions::worker_memory`]). The 40 real PDFs of the test corpus (up to a
/// 200-page annual report) each peak under 40 MiB in a worker.
pub const DEFAULT_WORKER_MEMORY: u64 = 512 << 20;

/// The line an isolated worker writes to stderr when it dies for want of memory (allocation
/// failure inside PDFium or the parser); the parent turns it into [`memory_error`].
pub const WORKER_OUT_OF_MEMORY: &str = "error: out of memory";

/// How PDFs are parsed.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In this process (tests, and the worker itself).
    InProcess,
    /// In a child process running `EXE parse-worker FILE`, killed after the timeout: a crash,
    /// hang or memory blow-up in the third-party PDF library then costs one file, not the batch.
    Worker {
        /// The yanbao executable.
        exe: PathBuf,
    },
}

/// Options for parsing sources.
#[derive(Debug, Clone)]
pub struct ParseOptions {
    /// User password for encrypted PDFs.
    pub password: Option<String>,
    /// Where PDFs are parsed.
    pub isolation: Isolation,
    /// Per-file time limit for an isolated parse.
    pub timeout: Duration,
    /// Memory limit of isolated PDF parsing, in bytes: the resident memory of all running
    /// workers together is held under it (watched every 5 ms; the worker that goes beyond, the
    /// largest when several run, is stopped and its file fails with "needs more memory than the
    /// worker limit"), and each worker's address space is capped a little above it
    /// ([`address_space_cap`]). A decompression bomb or an absurd page costs at most this much,
    /// however many workers run.
    pub worker_memory: u64,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            password: None,
            isolation: Isolation::InProcess,
            timeout: Duration::from_secs(120),
            worker_memory: DEFAULT_WORKER_MEMORY,
        }
    }
}

/// Returns the format of a source, from its first bytes, else its extension; `None` when yanbao
/// does not read files of that kind.
pub fn detect_format(path: &Path, head: &[u8]) -> Option<SourceFormat> {
    if head.starts_with(b"%PDF-") || head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Some(SourceFormat::Pdf);
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    if ext == "pdf" {
        return Some(SourceFormat::Pdf);
    }
    if yanbao_text::handles_extension(&ext) {
        return Some(SourceFormat::Text);
    }
    None
}

/// Parses source bytes into a structured report (no events, entities or numbers yet), in this
/// process. This is what the isolated worker runs.
///
/// Never panics: a panic inside a parser becomes an error naming the file.
pub fn parse_structure(bytes: &[u8], path: &str, format: SourceFormat, password: Option<&str>) -> Result<Report, EngineError> {
    let result = std::panic::catch_unwind(|| -> Result<Report, EngineError> {
        Ok(match format {
            SourceFormat::Text => {
                let (head, cut) = text_head(bytes, MAX_TEXT_BYTES);
                let mut report = yanbao_text::parse_text(head, path).map_err(|e| EngineError::Parse(e.to_string()))?;
                if cut {
                    // Ids and hashes stay those of the whole file; only the structure is bounded.
                    report.id = yanbao_model::report_id(bytes);
                    report.source.sha256 = yanbao_model::content_hash(bytes);
                    report.source.bytes = bytes.len() as u64;
                    report.warnings.push(format!(
                        "text file of {} MiB: only the first {} MiB were structured",
                        bytes.len() >> 20,
                        MAX_TEXT_BYTES >> 20
                    ));
                }
                report
            }
            SourceFormat::Pdf => {
                // A file with nothing on its pages (damaged past repair) fails rather than being
                // stored as an empty report; a scanned file (images, no text) is still stored.
                let options = yanbao_pdf::PdfOptions { password: password.map(String::from), refuse_blank: true, ..yanbao_pdf::PdfOptions::default() };
                yanbao_pdf::parse_pdf(bytes, path, &options).map_err(|e| EngineError::Parse(e.to_string()))?
            }
        })
    });
    result.unwrap_or_else(|_| Err(EngineError::Parse("the parser failed on this file (internal error); it was skipped".into())))
}

/// Fills events, entities and key numbers. Runs in the ingesting process, where the segmentation
/// dictionary is loaded once, not once per worker.
pub fn enrich(report: &mut Report) -> Result<(), EngineError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| yanbao_knowledge::enrich(report)))
        .map_err(|_| EngineError::Parse("events and entities could not be read (internal error)".into()))
}

/// Parses one file with the configured isolation into an enriched report.
pub fn parse_file(path: &Path, bytes: &[u8], options: &ParseOptions) -> Result<Report, EngineError> {
    let display = path.display().to_string();
    let format = detect_format(path, bytes).ok_or_else(|| EngineError::Unsupported(display.clone()))?;
    let mut report = match (&options.isolation, format) {
        (Isolation::Worker { exe }, SourceFormat::Pdf) => parse_in_worker(exe, path, options)?,
        _ => parse_structure(bytes, &display, format, options.password.as_deref())?,
    };
    enrich(&mut report)?;
    if report.title.trim().is_empty() {
        // A scanned PDF or a file with no heading still needs a name in lists and hits.
        report.title = path.file_stem().map(|s| s.to_string_lossy().replace(['_', '-'], " ")).unwrap_or_default();
        report.warnings.push("no title found; the file name stands in".into());
    }
    if report.date.is_none() && report.year.is_none() {
        // Archives name files by year (`2022-alphabet-annual-report.pdf`): a year the text does
        // not give is taken from the name, and said so.
        if let Some(year) = path.file_stem().and_then(|s| year_in_name(&s.to_string_lossy())) {
            report.year = Some(year);
            report.warnings.push(format!("no date found; the year {year} is read from the file name"));
        }
    }
    Ok(report)
}

/// The first plausible year (1980–2099) in a file name, standing alone as four digits (not
/// part of a longer number such as a stock code or a page count).
fn year_in_name(name: &str) -> Option<i32> {
    let bytes = name.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if !bytes[start].is_ascii_digit() {
            start += 1;
            continue;
        }
        let end = bytes[start..].iter().position(|b| !b.is_ascii_digit()).map_or(bytes.len(), |n| start + n);
        if end - start == 4 {
            let year: i32 = name[start..end].parse().ok()?;
            if (1980..=2099).contains(&year) {
                return Some(year);
            }
        }
        start = end;
    }
    None
}

/// Runs `exe parse-worker PATH` and reads the report JSON it prints, within the time and memory
/// limits.
fn parse_in_worker(exe: &Path, path: &Path, options: &ParseOptions) -> Result<Report, EngineError> {
    let mut command = Command::new(exe);
    command.arg("parse-worker").arg(path).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(password) = &options.password {
        // Through the environment, not argv, so it does not show in `ps`.
        command.env("YANBAO_PDF_PASSWORD", password);
    }
    limit_memory(&mut command, address_space_cap(options.worker_memory));
    die_with_parent(&mut command);
    let mut child = command.spawn().map_err(|e| EngineError::Parse(format!("cannot start the pdf worker: {e}")))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.read_to_end(&mut buf);
        }
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(err) = stderr.as_mut() {
            let _ = err.take(64 * 1024).read_to_end(&mut buf);
        }
        buf
    });
    let started = Instant::now();
    let watch = WorkerWatch::start(child.id());
    let mut peak = 0u64;
    let mut at_cap_since: Option<Instant> = None;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > options.timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(EngineError::Parse(format!("timed out after {} s (file skipped)", options.timeout.as_secs())));
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
    serde_json::from_slice(&out).map_err(|e| EngineError::Parse(format!("pdf worker returned unreadable output: {e}")))
}

/// What a failed worker's death means, in one line: the `error: …` line it printed (the CLI's
/// one-line error), else a plain statement. Anything else on its stderr — a panic's message and
/// source location, a backtrace hint, PDFium's chatter — is never passed on: it ends up in
/// ingest results and API answers, where source paths and stack traces do not belong.
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

    #[test]
    fn a_year_standing_alone_in_a_file_name() {
        assert_eq!(year_in_name("en_us_2022-alphabet-annual-report-56-59"), Some(2022));
        assert_eq!(year_in_name("zh_jal01_2017-02-21国泰君安-数量化专题之九十"), Some(2017));
        // A stock code, a long number or an out-of-range figure is not a year.
        assert_eq!(year_in_name("金宇生物_600201_年度报告"), None);
        assert_eq!(year_in_name("report-20230202"), None);
        assert_eq!(year_in_name("scan-1234"), None);
    }

    #[test]
    fn formats_come_from_magic_bytes_before_extensions() {
        assert_eq!(detect_format(Path::new("a.txt"), b"%PDF-1.7\n"), Some(SourceFormat::Pdf));
        assert_eq!(detect_format(Path::new("a.pdf"), b""), Some(SourceFormat::Pdf));
        assert_eq!(detect_format(Path::new("a.md"), b"# title"), Some(SourceFormat::Text));
        assert_eq!(detect_format(Path::new("a.MARKDOWN"), b"# title"), Some(SourceFormat::Text));
        assert_eq!(detect_format(Path::new("a.exe"), b"MZ"), None);
    }

    /// Writes an executable stand-in for `yanbao parse-worker` that runs `body`.
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
            .args(["--ignored", "--exact", "parse::tests::parent_of_a_hanging_worker", "--nocapture"])
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

    #[test]
    fn huge_text_is_cut_after_a_line_break() {
        let text = "第一行\n第二行\n".repeat(10);
        let (head, cut) = text_head(text.as_bytes(), 20);
        assert!(cut);
        assert!(head.ends_with(b"\n") && head.len() <= 20);
        assert!(std::str::from_utf8(head).is_ok());
        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain("行\n".repeat(20).encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        let (head, _) = text_head(&utf16, 21);
        assert_eq!(head.len() % 2, 0);
        assert_eq!(text_head(b"short", 20), (&b"short"[..], false));
    }

    #[test]
    fn text_parse_is_enriched() {
        // A heading of under four characters is a section word, never a title.
        let text = "# 中美关系周评\n\n9 月 25 日孟晚舟女士成功归国。该数据更新截至2021年11月12日。\n";
        let report = parse_file(Path::new("a.md"), text.as_bytes(), &ParseOptions::default()).unwrap();
        assert_eq!(report.title, "中美关系周评");
        assert!(report.events.iter().any(|e| e.date == "2021-09-25"), "{:?}", report.events);
    }
}
