//! Ingest: files and folders in, one stored and indexed report per source out, one result per
//! file. Parsing runs on worker threads (PDFs in child processes); storing and indexing run on
//! the calling thread, one store transaction per report.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::Mutex;

use yanbao_knowledge::CompanyRegistry;
use yanbao_model::{fingerprint, fingerprint_bands, fingerprint_similarity, report_id, same_report, Identity, Report};
use yanbao_store::{PutOptions, PutOutcome};

use crate::parse::{detect_format, parse_file, MAX_SOURCE_BYTES};
use crate::{EngineError, Library};

/// Index commits during a batch (a crash loses at most this much index work, repaired on open).
const COMMIT_EVERY: usize = 200;

/// What happened to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum IngestOutcome {
    /// Stored and indexed.
    Added,
    /// The same bytes were already in the library.
    Unchanged,
    /// Not stored; see the error.
    Failed,
}

/// The result line of one file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct IngestResult {
    /// The file.
    pub path: String,
    /// Report id (known once the file was read).
    pub id: Option<String>,
    /// What happened.
    pub outcome: IngestOutcome,
    /// Report title, when stored.
    pub title: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// What the parser could not structure.
    pub warnings: Vec<String>,
    /// The report this file is another copy of (same report, another producer), if any.
    pub duplicate_of: Option<String>,
}

impl IngestResult {
    fn failed(path: &Path, id: Option<String>, error: String) -> IngestResult {
        IngestResult {
            path: path.display().to_string(),
            id,
            outcome: IngestOutcome::Failed,
            title: None,
            error: Some(error),
            warnings: Vec::new(),
            duplicate_of: None,
        }
    }
}

/// Progress of a batch.
#[derive(Debug)]
pub enum IngestEvent<'a> {
    /// The batch holds this many files.
    Started {
        /// Files to ingest.
        total: usize,
    },
    /// One file is done.
    Finished(&'a IngestResult),
}

/// Expands files and folders (recursively) into the source files to ingest, in a stable order.
/// Files named explicitly are always tried; inside folders only files of known kinds are taken.
/// Unreadable folders become failed results.
pub fn collect_sources(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<IngestResult>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        match std::fs::metadata(path) {
            Ok(meta) if meta.is_dir() => walk(path, &mut files, &mut problems),
            Ok(_) => files.push(path.clone()),
            Err(e) => problems.push(IngestResult::failed(path, None, format!("cannot read: {e}"))),
        }
    }
    (files, problems)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, problems: &mut Vec<IngestResult>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(IngestResult::failed(dir, None, format!("cannot read folder: {e}")));
            return;
        }
    };
    let mut children: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    children.sort();
    for child in children {
        let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        // symlink_metadata: do not follow links out of the tree (or into loops).
        match std::fs::symlink_metadata(&child) {
            Ok(meta) if meta.is_dir() => walk(&child, files, problems),
            Ok(meta) if meta.is_file() && detect_format(&child, b"").is_some() => files.push(child),
            Ok(_) => {}
            Err(e) => problems.push(IngestResult::failed(&child, None, format!("cannot read: {e}"))),
        }
    }
}

/// A parsed file on its way from a worker thread to the writer.
enum Parsed {
    New { path: PathBuf, bytes: Vec<u8>, report: Box<Report> },
    Done(IngestResult),
}

impl Library {
    /// Ingests files and folders; `progress` sees every result as it happens. Returns one result
    /// per file (failed ones included; the others are stored regardless).
    pub fn ingest(&self, paths: &[PathBuf], progress: &mut dyn FnMut(IngestEvent<'_>)) -> Result<Vec<IngestResult>, EngineError> {
        let (files, problems) = collect_sources(paths);
        progress(IngestEvent::Started { total: files.len() + problems.len() });
        let mut results = Vec::with_capacity(files.len() + problems.len());
        for problem in problems {
            progress(IngestEvent::Finished(&problem));
            results.push(problem);
        }
        // One writer thread: the registry grows report by report, each saved with its report.
        let mut registry = self.company_registry()?;
        let queue = Mutex::new(files.into_iter());
        let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 8);
        let mut uncommitted = 0usize;
        let mut fatal: Option<EngineError> = None;
        std::thread::scope(|scope| {
            // Bounded: at most a few parsed files wait in memory for the writer.
            let (sender, receiver) = mpsc::sync_channel::<Parsed>(workers);
            for _ in 0..workers {
                let sender = sender.clone();
                let queue = &queue;
                scope.spawn(move || loop {
                    let next = queue.lock().unwrap_or_else(|p| p.into_inner()).next();
                    let Some(path) = next else { break };
                    if sender.send(self.read_and_parse(&path)).is_err() {
                        break;
                    }
                });
            }
            drop(sender);
            for parsed in receiver {
                let result = match parsed {
                    Parsed::Done(result) => result,
                    Parsed::New { path, bytes, report } if fatal.is_none() => {
                        match self.store_report(&path, &bytes, *report, &mut registry) {
                            Ok(result) => {
                                uncommitted += 1;
                                result
                            }
                            Err(e) => {
                                let result = IngestResult::failed(&path, None, e.to_string());
                                if matches!(e, EngineError::Store(_) | EngineError::Index(_)) {
                                    // The library itself failed: stop taking new work.
                                    fatal = Some(e);
                                }
                                result
                            }
                        }
                    }
                    Parsed::New { path, .. } => IngestResult::failed(&path, None, "not stored: the library failed earlier in this batch".into()),
                };
                if uncommitted >= COMMIT_EVERY {
                    if let Err(e) = self.commit_index() {
                        fatal.get_or_insert(e.into());
                    }
                    uncommitted = 0;
                }
                progress(IngestEvent::Finished(&result));
                results.push(result);
            }
        });
        self.commit_index()?;
        match fatal {
            Some(e) => Err(e),
            None => Ok(results),
        }
    }

    /// Ingests one upload; the name gives its format when the bytes do not.
    pub fn ingest_bytes(&self, name: &str, bytes: &[u8]) -> Result<IngestResult, EngineError> {
        let path = PathBuf::from(sanitize_name(name));
        let id = report_id(bytes);
        if self.store().contains(&id)? {
            let title = self.store().get(&id)?.map(|r| r.title);
            return Ok(IngestResult { path: path.display().to_string(), id: Some(id), outcome: IngestOutcome::Unchanged, title, error: None, warnings: vec![], duplicate_of: None });
        }
        let report = match self.parse_upload(&path, bytes) {
            Ok(report) => report,
            Err(e) => return Ok(IngestResult::failed(&path, Some(id), e.to_string())),
        };
        let result = self.store_report(&path, bytes, report, &mut self.company_registry()?)?;
        self.commit_index()?;
        Ok(result)
    }

    /// Parses uploaded bytes. An isolated worker reads its input from a file, so the upload is
    /// written to a private temporary folder first (never to a path named by the uploader), under
    /// the upload's own (sanitised) name: what a report's file name tells — the year of
    /// `2022-annual-report.pdf`, the title of a scan — is read from it as `ingest` reads it.
    fn parse_upload(&self, name: &Path, bytes: &[u8]) -> Result<Report, EngineError> {
        if !matches!(self.parse_options().isolation, crate::Isolation::Worker { .. }) {
            return parse_file(name, bytes, self.parse_options());
        }
        let io = |e: std::io::Error| EngineError::Io { path: name.display().to_string(), reason: e.to_string() };
        let dir = tempfile::Builder::new().prefix("yanbao-upload-").tempdir().map_err(io)?;
        let file = dir.path().join(file_name_within(&name.display().to_string(), 200));
        std::fs::write(&file, bytes).map_err(io)?;
        // The worker knows the file by its temporary path; the uploader must only ever see
        // the name it gave.
        let temporary = file.display().to_string();
        let shown = name.display().to_string();
        let mut report = parse_file(&file, bytes, self.parse_options()).map_err(|e| match e {
            EngineError::Parse(message) => EngineError::Parse(message.replace(&temporary, &shown)),
            EngineError::Unsupported(message) => EngineError::Unsupported(message.replace(&temporary, &shown)),
            EngineError::Io { path, reason } => EngineError::Io { path: path.replace(&temporary, &shown), reason },
            other => other,
        })?;
        report.source.path = name.display().to_string();
        Ok(report)
    }

    fn read_and_parse(&self, path: &Path) -> Parsed {
        let bytes = match read_source(path) {
            Ok(bytes) => bytes,
            Err(e) => return Parsed::Done(IngestResult::failed(path, None, e.to_string())),
        };
        let id = report_id(&bytes);
        match self.store().get(&id) {
            Ok(Some(existing)) => {
                return Parsed::Done(IngestResult {
                    path: path.display().to_string(),
                    id: Some(id),
                    outcome: IngestOutcome::Unchanged,
                    title: Some(existing.title),
                    error: None,
                    warnings: vec![],
                    duplicate_of: None,
                })
            }
            Ok(None) => {}
            Err(e) => return Parsed::Done(IngestResult::failed(path, Some(id), e.to_string())),
        }
        match parse_file(path, &bytes, self.parse_options()) {
            Ok(report) => Parsed::New { path: path.to_path_buf(), bytes, report: Box::new(report) },
            Err(e) => Parsed::Done(IngestResult::failed(path, Some(id), e.to_string())),
        }
    }

    /// Stores and indexes one parsed report (index commit left to the caller). A file holding
    /// a report already stored under other bytes (another producer, a re-upload, a reflowed
    /// copy) is stored and readable, but marked `duplicate_of` that report and not indexed.
    ///
    /// Companies the library learned from earlier reports link this one's names to their codes
    /// (a weekly naming only 紫金矿业 gets 601899); what this report prints with codes is learned
    /// in turn and saved in the report's own transaction. Should that fail, the caller drops
    /// `registry` (it may hold what was not saved) and loads it again.
    fn store_report(&self, path: &Path, bytes: &[u8], mut report: Report, registry: &mut CompanyRegistry) -> Result<IngestResult, EngineError> {
        registry.link(&mut report);
        let learned = registry.learn_from(&report);
        let print = fingerprint(&report);
        let duplicate_of = self.stored_copy_of(&report, &print)?;
        // A copy is kept and readable by id, but searched once (through the original): stored
        // already marked, in one transaction, so no reader ever sees it as a report of its own.
        let options = PutOptions { source: Some(bytes), companies: &learned, duplicate_of: duplicate_of.as_deref(), fingerprint: Some(&print), ..PutOptions::default() };
        let changing = self.changing();
        let outcome = self.store().put_with(&report, options)?;
        if duplicate_of.is_none() {
            self.index_report(&report)?;
        }
        drop(changing);
        Ok(IngestResult {
            path: path.display().to_string(),
            id: Some(report.id.clone()),
            outcome: if outcome == PutOutcome::Unchanged { IngestOutcome::Unchanged } else { IngestOutcome::Added },
            title: Some(report.title.clone()),
            error: None,
            warnings: report.warnings.clone(),
            duplicate_of,
        })
    }

    /// The stored report `report` is another file of, if any: candidates come from the
    /// fingerprint bands (no scan of the library), the decision from [`same_report`].
    /// `print` is the report's [`fingerprint`].
    fn stored_copy_of(&self, report: &Report, print: &str) -> Result<Option<String>, EngineError> {
        if print.is_empty() {
            return Ok(None);
        }
        let identity = Identity::of(report, print);
        let candidates = self.store().copy_candidates(&fingerprint_bands(print))?;
        Ok(candidates
            .iter()
            .filter(|candidate| candidate.id != report.id && same_report(&identity, &candidate.identity()))
            .max_by(|a, b| fingerprint_similarity(print, &a.fingerprint).total_cmp(&fingerprint_similarity(print, &b.fingerprint)))
            .map(|candidate| candidate.id.clone()))
    }
}

pub(crate) fn read_source(path: &Path) -> Result<Vec<u8>, EngineError> {
    let io = |e: std::io::Error| EngineError::Io { path: path.display().to_string(), reason: e.to_string() };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(EngineError::Io { path: path.display().to_string(), reason: "not a regular file".into() });
    }
    if meta.len() > MAX_SOURCE_BYTES {
        return Err(EngineError::Io {
            path: path.display().to_string(),
            reason: format!("file is {} MiB; the limit is {} MiB", meta.len() >> 20, MAX_SOURCE_BYTES >> 20),
        });
    }
    std::fs::read(path).map_err(io)
}

/// Keeps only the file name of an upload's name, so it can never name a path on this machine.
fn sanitize_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = base.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() || clean == "." || clean == ".." {
        "upload".to_string()
    } else {
        clean
    }
}

/// `name` cut to at most `max` bytes (file systems allow 255), its extension kept.
fn file_name_within(name: &str, max: usize) -> String {
    if name.len() <= max {
        return name.to_string();
    }
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() && extension.len() <= 16 => (stem, format!(".{extension}")),
        _ => (name, String::new()),
    };
    let mut cut = max.saturating_sub(extension.len());
    while !stem.is_char_boundary(cut.min(stem.len())) {
        cut -= 1;
    }
    format!("{}{extension}", &stem[..cut.min(stem.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Crash loops (docs/RELIABILITY.md) compare every report a worker or an upload stored with
    /// the same file ingested from disk: an isolated parse of an upload read the temporary file's
    /// name (`yanbao-upload-x1Yz.pdf`), so a year or title taken from the file name was lost.
    #[test]
    fn an_isolated_parse_of_an_upload_reads_the_upload_s_name() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A stand-in worker for a scan: no title, no date.
        let exe = dir.path().join("worker.sh");
        std::fs::write(&exe, "#!/bin/sh\ncat >/dev/null\nprintf '{\"outcome\":\"parsed\",\"report\":{\"id\":\"00000000000000ab\",\"title\":\"\",\"language\":\"en\",\"format_version\":1}}\\n'\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut library = Library::open_in_memory().unwrap();
        library.set_parse_options(crate::ParseOptions { isolation: crate::Isolation::Worker { exe }, ..crate::ParseOptions::default() });
        let result = library.ingest_bytes("/jobs/from/2022-alphabet-annual-report.pdf", b"%PDF-1.7 scan").unwrap();
        assert_eq!(result.outcome, IngestOutcome::Added, "{:?}", result.error);
        let stored = library.get("00000000000000ab").unwrap().unwrap();
        assert_eq!(stored.title, "2022 alphabet annual report");
        assert_eq!(stored.year, Some(2022));
        assert_eq!(stored.source.path, "2022-alphabet-annual-report.pdf");
        // A name longer than a file system allows is cut, its extension kept.
        let long = format!("{}.pdf", "研".repeat(100));
        let cut = file_name_within(&long, 200);
        assert!(cut.len() <= 200 && cut.ends_with(".pdf") && cut.starts_with("研研"), "{cut}");
        assert_eq!(file_name_within("report.pdf", 200), "report.pdf");
    }

    #[test]
    fn uploaded_pdfs_reach_an_isolated_worker() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        // A stand-in worker that proves it was handed a readable file holding the upload's bytes.
        let exe = dir.path().join("worker.sh");
        let body = r#"#!/bin/sh
request=$(cat)
path=$(printf '%s' "$request" | sed -n 's/.*"path":"\([^"]*\)".*/\1/p')
if [ "$1" = pdf-worker ] && grep -q 'UPLOADED' "$path"; then
  printf '{"outcome":"parsed","report":{"id":"00000000000000aa","title":"uploaded","language":"en","format_version":1}}\n'
else
  echo "error: worker got no upload" >&2; exit 1
fi"#;
        std::fs::write(&exe, body).unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut library = Library::open_in_memory().unwrap();
        library.set_parse_options(crate::ParseOptions { isolation: crate::Isolation::Worker { exe }, ..crate::ParseOptions::default() });
        let result = library.ingest_bytes("../evil/report.pdf", b"%PDF-1.7 UPLOADED").unwrap();
        assert_eq!(result.outcome, IngestOutcome::Added, "{:?}", result.error);
        assert_eq!(result.title.as_deref(), Some("uploaded"));
        let stored = library.get("00000000000000aa").unwrap().unwrap();
        assert_eq!(stored.source.path, "report.pdf");
    }

    #[test]
    fn upload_names_cannot_escape() {
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("C:\\x\\report.pdf"), "report.pdf");
        assert_eq!(sanitize_name(".."), "upload");
        assert_eq!(sanitize_name(""), "upload");
    }

    #[test]
    fn folders_are_walked_for_known_kinds_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("sub")).unwrap();
        std::fs::write(dir.path().join("a.md"), "# a").unwrap();
        std::fs::write(dir.path().join("sub/b.txt"), "b").unwrap();
        std::fs::write(dir.path().join("sub/c.exe"), "c").unwrap();
        std::fs::write(dir.path().join(".hidden.md"), "h").unwrap();
        let (files, problems) = collect_sources(&[dir.path().to_path_buf(), dir.path().join("missing.md")]);
        let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
        assert_eq!(names, vec!["a.md", "b.txt"]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].error.as_deref().unwrap().contains("cannot read"));
    }
}
