//! Turning one source file into a structured, enriched [`Report`]: format detection, the right
//! parser, knowledge extraction, and isolation of the PDF parser in a child process.

use std::path::{Path, PathBuf};
use std::time::Duration;

use yanbao_model::Report;
pub use yanbao_pdf::ocr::OcrMode;

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

/// How PDFs are parsed.
#[derive(Debug, Clone)]
pub enum Isolation {
    /// In this process (tests, and the worker itself).
    InProcess,
    /// In a child process running `EXE pdf-worker` ([`crate::pdf_worker`]), killed after the timeout: a crash,
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
    /// Which PDF pages are read by OCR (`auto`: pages without a text layer that show an image).
    pub ocr: OcrMode,
    /// Where an isolated worker's progress on a long scan goes (page by page).
    pub progress: Option<crate::pdf_worker::ProgressSink>,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions {
            password: None,
            isolation: Isolation::InProcess,
            timeout: Duration::from_secs(120),
            worker_memory: DEFAULT_WORKER_MEMORY,
            ocr: OcrMode::Auto,
            progress: None,
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
pub fn parse_structure(bytes: &[u8], path: &str, format: SourceFormat, password: Option<&str>, ocr: OcrMode) -> Result<Report, EngineError> {
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
            SourceFormat::Pdf => parse_pdf_source(bytes, path, password, ocr, None).map_err(|e| EngineError::Parse(e.to_string()))?,
        })
    });
    result.unwrap_or_else(|_| Err(EngineError::Parse("the parser failed on this file (internal error); it was skipped".into())))
}

/// Parses a PDF as ingest stores it, in this process (the isolated worker's parse, and the
/// in-process one): a file with nothing on its pages (damaged past repair) fails rather than
/// being stored as an empty report; a scanned file (images, no text) is read by OCR as `ocr` says.
pub(crate) fn parse_pdf_source(bytes: &[u8], path: &str, password: Option<&str>, ocr: OcrMode, progress: Option<fn(u32, u32)>) -> Result<Report, yanbao_pdf::PdfError> {
    let options = yanbao_pdf::PdfOptions { password: password.map(String::from), refuse_blank: true, ocr, progress, ..yanbao_pdf::PdfOptions::default() };
    yanbao_pdf::parse_pdf(bytes, path, &options)
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
        (Isolation::Worker { exe }, SourceFormat::Pdf) => crate::pdf_worker::parse(exe, path, options)?,
        _ => parse_structure(bytes, &display, format, options.password.as_deref(), options.ocr)?,
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
