//! PDF report parser: characters with positions from PDFium, layout analysis into a structured
//! yanbao [`Report`](yanbao_model::Report).
//!
//! The pipeline: [`extract`] reads every visible character with its box, size and font (PDFium,
//! loaded at run time by [`library`]); [`lines`] groups characters into lines, kept apart at the
//! cell borders [`ruled`] finds; [`page`] holds the pages as the layout reads them
//! ([`page::SourcePage`]: the lines of the text layer, [`page::text_layer_pages`], or lines an
//! OCR engine read, which plug in there); [`layout`] runs the stages over them, one module each:
//! line preparation, running headers and footers, the cover metadata ([`cover`]), and the blocks
//! (reading order by [`order`], captions with their source lines, tables, paragraphs, headings
//! and the closing boilerplate). [`render`] draws pages and figure regions as pictures; [`ocr`]
//! reads pages without a text layer off such pictures, into the same [`page::SourcePage`]s.
//!
//! Modules depend one way only, each on modules earlier in this list: `extract`; `lines`,
//! `ruled`; `page`; `order`; `cover`; `layout` (whose stages call `cover`, never the reverse).

pub mod cover;
pub mod extract;
pub mod layout;
mod library;
pub mod lines;
pub mod numeric;
pub mod ocr;
pub mod order;
pub mod page;
pub mod render;
pub mod ruled;

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
    /// Refuse a file with nothing at all on its pages (no character, image or drawing: blank or
    /// damaged past what PDFium repairs) with [`PdfError::Blank`], instead of an empty report
    /// with a warning. A scanned file (images, no text) is still read.
    pub refuse_blank: bool,
    /// Which pages are read by OCR ([`ocr::OcrMode`]; `auto`: pages without a text layer that
    /// show an image).
    pub ocr: ocr::OcrMode,
    /// Called after each page read by OCR with (pages done, pages to read): long scans show
    /// progress (the isolated worker turns it into progress lines).
    pub progress: Option<fn(u32, u32)>,
}

impl Default for PdfOptions {
    fn default() -> Self {
        PdfOptions { password: None, max_pages: 2000, refuse_blank: false, ocr: ocr::OcrMode::Auto, progress: None }
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
    /// No page could be read, and the pages are beyond the format's size limit.
    #[error("page {page} measures {width} × {height} pt, more than the {limit} pt a pdf page may measure")]
    PageTooLarge {
        /// 1-based page number.
        page: u32,
        /// Width in points (rounded).
        width: f32,
        /// Height in points (rounded).
        height: f32,
        /// [`extract::MAX_PAGE_SIDE`].
        limit: f32,
    },
    /// Every page is empty: nothing to read and nothing drawn.
    #[error("nothing is drawn on any of its {0} pages (blank or damaged pdf)")]
    Blank(usize),
    /// OCR was asked for every page (`--ocr always`) but its models or runtime are missing; the
    /// message says how to install them.
    #[error("{0}")]
    OcrMissing(String),
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
    let password = options.password.as_deref();
    let extracted = extract_document(bytes, password, options.max_pages)?;
    check_readable(&extracted, options)?;
    let mut report = Report::new_for_source(bytes, path, "application/pdf");
    report.source.pages = Some(extracted.page_count.min(u32::MAX as usize) as u32);
    report.warnings.extend(skipped_page_warnings(&extracted));
    let mut pages = page::text_layer_pages(&extracted);
    let scanned = ocr::read_scanned_pages(bytes, &extracted, &mut pages, options)?;
    report.source.ocr_pages = scanned.pages;
    report.warnings.extend(scanned.warnings);
    let built = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| layout::build_report(pages, &mut report)));
    match built {
        Err(_) => return Err(PdfError::Corrupt("layout analysis failed on this file".into())),
        // Said only of a document with text (one without has its "no text layer" warning).
        Ok(true) if extracted.hidden_chars > 0 => report.warnings.push(format!("{} invisible or rotated characters skipped", extracted.hidden_chars)),
        Ok(_) => {}
    }
    if !report.source.ocr_pages.is_empty() {
        for block in &mut report.blocks {
            block.ocr = block.page.is_some_and(|page| report.source.ocr_pages.contains(&page));
        }
    }
    report.split_source_lines();
    Ok(report)
}

/// Extracts the characters and shapes of the first `max_pages` pages (PDFium, under the
/// process-wide lock; a PDFium panic is a corrupt file).
pub(crate) fn extract_document(bytes: &[u8], password: Option<&str>, max_pages: usize) -> Result<extract::Document, PdfError> {
    let library = library::library()?;
    // PDFium keeps global state: one document at a time per process, whichever thread asks.
    let guard = EXTRACT_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let extracted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| extract::extract(library.bindings.as_ref(), bytes, password, max_pages)))
        .map_err(|_| PdfError::Corrupt("pdfium failed on this file".into()));
    drop(guard);
    extracted?
}

/// Page numbers as a reader writes them: runs as ranges (`1–3, 7`), at most ten items shown.
pub(crate) fn page_list(pages: &[u32]) -> String {
    let mut items: Vec<String> = Vec::new();
    let mut index = 0;
    while index < pages.len() {
        let start = index;
        while index + 1 < pages.len() && pages[index + 1] == pages[index] + 1 {
            index += 1;
        }
        items.push(if index > start { format!("{}–{}", pages[start], pages[index]) } else { pages[start].to_string() });
        index += 1;
    }
    if items.len() > 10 {
        format!("{} … ({} pages)", items[..10].join(", "), pages.len())
    } else {
        items.join(", ")
    }
}

/// Refuses a document with nothing to read: no pages, no page that loads, only absurd pages, or
/// (when asked) only blank pages.
fn check_readable(document: &extract::Document, options: &PdfOptions) -> Result<(), PdfError> {
    if document.page_count == 0 {
        return Err(PdfError::Corrupt("no pages".into()));
    }
    if !document.any_page_read() {
        if let Some((page, width, height)) = document.oversized_pages.first() {
            return Err(PdfError::PageTooLarge { page: *page, width: width.round(), height: height.round(), limit: extract::MAX_PAGE_SIDE });
        }
        return Err(PdfError::Corrupt(format!("none of its {} pages could be read", document.page_count)));
    }
    if options.refuse_blank && !document.anything_drawn() {
        return Err(PdfError::Blank(document.page_count));
    }
    Ok(())
}

/// Says which pages were not read, or read in part.
fn skipped_page_warnings(document: &extract::Document) -> Vec<String> {
    let list = |pages: &mut dyn Iterator<Item = u32>| page_list(&pages.collect::<Vec<u32>>());
    let mut warnings = Vec::new();
    if !document.unreadable_pages.is_empty() {
        warnings.push(format!("pages that could not be read: {}", list(&mut document.unreadable_pages.iter().copied())));
    }
    if !document.oversized_pages.is_empty() {
        warnings.push(format!(
            "pages larger than {} pt not read: {}",
            extract::MAX_PAGE_SIDE,
            list(&mut document.oversized_pages.iter().map(|p| p.0))
        ));
    }
    if !document.cut_pages.is_empty() {
        warnings.push(format!(
            "only the first {} characters read on pages {}",
            extract::MAX_PAGE_CHARS,
            list(&mut document.cut_pages.iter().copied())
        ));
    }
    if let Some(page) = document.stopped_at_page {
        warnings.push(format!(
            "text read up to page {} of {}: the document holds more than {} characters",
            page - 1,
            document.page_count,
            extract::MAX_DOCUMENT_CHARS
        ));
    }
    warnings
}

/// Returns the lines of every page (a development and debugging aid).
pub fn debug_pages(bytes: &[u8]) -> Result<Vec<page::SourcePage>, PdfError> {
    Ok(page::text_layer_pages(&debug_document(bytes)?))
}

/// Returns the raw extraction (a development and debugging aid).
pub fn debug_document(bytes: &[u8]) -> Result<extract::Document, PdfError> {
    let library = library::library()?;
    let _guard = EXTRACT_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    extract::extract(library.bindings.as_ref(), bytes, None, 5000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use extract::{Document, Glyph, Page};

    fn page_with_text() -> Page {
        let glyph = Glyph { ch: 'x', x0: 72.0, y0: 72.0, x1: 78.0, y1: 84.0, size: 12.0, font: 0, bold: false };
        Page { width: 612.0, height: 792.0, glyphs: vec![glyph], shapes: Vec::new() }
    }

    #[test]
    fn documents_with_nothing_to_read_are_refused_in_one_line() {
        let refuse = PdfOptions { refuse_blank: true, ..PdfOptions::default() };
        let error = |document: &Document, options: &PdfOptions| check_readable(document, options).unwrap_err().to_string();
        assert_eq!(error(&Document::default(), &refuse), "corrupt pdf: no pages");
        let absurd = Document { page_count: 1, pages: vec![Page::default()], oversized_pages: vec![(1, 1e6, 1e6)], ..Document::default() };
        assert_eq!(error(&absurd, &refuse), "page 1 measures 1000000 × 1000000 pt, more than the 14400 pt a pdf page may measure");
        let unreadable = Document { page_count: 2, pages: vec![Page::default(); 2], unreadable_pages: vec![1, 2], ..Document::default() };
        assert_eq!(error(&unreadable, &refuse), "corrupt pdf: none of its 2 pages could be read");
        let blank = Document { page_count: 1, pages: vec![Page::default()], ..Document::default() };
        assert_eq!(error(&blank, &refuse), "nothing is drawn on any of its 1 pages (blank or damaged pdf)");
        assert!(check_readable(&blank, &PdfOptions::default()).is_ok(), "blank pages are a warning unless refused");
    }

    #[test]
    fn pages_skipped_or_cut_are_named_in_warnings() {
        let document = Document {
            page_count: 3,
            pages: vec![page_with_text(), Page::default(), page_with_text()],
            oversized_pages: vec![(2, 20_000.0, 100.0)],
            cut_pages: vec![3],
            ..Document::default()
        };
        assert!(check_readable(&document, &PdfOptions { refuse_blank: true, ..PdfOptions::default() }).is_ok());
        let warnings = skipped_page_warnings(&document);
        assert_eq!(warnings, vec!["pages larger than 14400 pt not read: 2".to_string(), "only the first 200000 characters read on pages 3".to_string()]);
        let stopped = Document { page_count: 2000, stopped_at_page: Some(1545), ..Document::default() };
        assert_eq!(skipped_page_warnings(&stopped), vec!["text read up to page 1544 of 2000: the document holds more than 3000000 characters".to_string()]);
    }
}
