//! PDF report parser: characters with positions from PDFium, layout analysis into a structured
//! yanbao [`Report`](yanbao_model::Report).
//!
//! The pipeline: [`extract`] reads every visible character with its box, size and font (PDFium,
//! loaded at run time by [`library`]); [`lines`] groups characters into lines; [`layout`] finds
//! running headers and footers, reading order, paragraphs, headings, captions with their source
//! lines, tables and the closing boilerplate; [`cover`] reads the cover metadata.

pub mod cover;
pub mod extract;
pub mod layout;
mod library;
pub mod lines;
pub mod patterns;

use std::path::PathBuf;

use yanbao_model::Report;

/// Serialises PDFium use within the process (layout analysis runs outside the lock).
static EXTRACT_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Options for [`parse_pdf`].
#[derive(Debug, Clone)]
pub struct PdfOptions {
    /// User password for encrypted files (`None` tries the empty password).
    pub password: Option<String>,
    /// Files with more pages than this are refused with [`PdfError::TooManyPages`].
    pub max_pages: usize,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions { password: None, max_pages: 2000 }
    }
}

/// Why a PDF could not be parsed. Each message is one lowercase line.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// PDFium could not be loaded; the message says how to install it.
    #[error("{0}")]
    LibraryMissing(String),
    /// The file needs a password and none was given.
    #[error("pdf is encrypted: a password is needed")]
    Encrypted,
    /// The given password does not open the file.
    #[error("wrong password for encrypted pdf")]
    WrongPassword,
    /// The file is damaged or not a PDF.
    #[error("corrupt pdf: {0}")]
    Corrupt(String),
    /// The file has more pages than [`PdfOptions::max_pages`].
    #[error("pdf has {pages} pages, more than the limit of {limit}")]
    TooManyPages {
        /// Pages in the file.
        pages: usize,
        /// The configured limit.
        limit: usize,
    },
}

/// Returns whether PDFium can be loaded, and from where (for `yanbao stats`/diagnostics).
pub fn pdfium_status() -> Result<PathBuf, PdfError> {
    library::library().map(|library| library.path.clone())
}

/// Parses one PDF into a Report (blocks with pages, outline, tables, figures, cover metadata, running_text).
pub fn parse_pdf(bytes: &[u8], path: &str, options: &PdfOptions) -> Result<Report, PdfError> {
    if bytes.is_empty() {
        return Err(PdfError::Corrupt("empty file".into()));
    }
    let library = library::library()?;
    let password = options.password.as_deref();
    // PDFium keeps global state: one document at a time per process, whichever thread asks.
    let guard = EXTRACT_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let extracted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        extract::extract(library.bindings.as_ref(), bytes, password, options.max_pages)
    }))
    .map_err(|_| PdfError::Corrupt("pdfium failed on this file".into()));
    drop(guard);
    let extracted = extracted??;
    let mut report = Report::new_for_source(bytes, path, "application/pdf");
    report.source.pages = Some(extracted.page_count.min(u32::MAX as usize) as u32);
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| layout::build_report(&extracted, &mut report)));
    if built.is_err() {
        return Err(PdfError::Corrupt("layout analysis failed on this file".into()));
    }
    Ok(report)
}

/// Returns the lines of every page (a development and debugging aid).
pub fn debug_pages(bytes: &[u8]) -> Result<Vec<layout::PageLines>, PdfError> {
    Ok(layout::page_lines(&debug_document(bytes)?))
}

/// Returns the raw extraction (a development and debugging aid).
pub fn debug_document(bytes: &[u8]) -> Result<extract::Document, PdfError> {
    let library = library::library()?;
    let _guard = EXTRACT_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    extract::extract(library.bindings.as_ref(), bytes, None, 5000)
}
