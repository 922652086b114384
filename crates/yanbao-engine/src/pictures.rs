//! Pictures of PDF reports: each page and each figure's chart, as the reader and the public
//! preview show them.
//!
//! Pictures are made on first request, not at ingest (a page costs tens of milliseconds to draw
//! and encode, and most pages of a library are never looked at; see docs/BENCHMARKS.md
//! "Pictures"): a miss renders the requested page — its picture, its thumbnail and every chart
//! on it — in the isolated PDF worker ([`crate::pdf_worker`]) under its time and memory limits,
//! stores them in the store (content-addressed, so each is kept once and every node of a shared
//! library serves it), and answers from the store from then on. `yanbao render` makes them ahead.
//!
//! Who may see which picture is the preview policy's decision ([`Library::picture_access`]): a
//! page is public only when everything on it lies before the preview cut, a chart only when its
//! caption is shown in the preview; the rest needs a reader.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use serde::Serialize;
use yanbao_model::Report;
use yanbao_pdf::render::{Picture, PAGE_THUMB_WIDTH, PAGE_WIDTH};
use yanbao_store::StoredPicture;

use crate::parse::Isolation;
use crate::{preview, EngineError, Library};

/// One picture of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PictureOf {
    /// Page `n` (1-based).
    Page {
        /// 1-based page number.
        n: u32,
        /// The small version.
        thumb: bool,
    },
    /// Figure `k` (index in the report's `figures`).
    Figure {
        /// Index in `Report::figures`.
        k: usize,
        /// The small version.
        thumb: bool,
    },
}

impl PictureOf {
    /// The picture's key among its report's pictures in the store: `page/3`, `figure/2/thumb`.
    pub fn key(&self) -> String {
        let (base, thumb) = match *self {
            PictureOf::Page { n, thumb } => (format!("page/{n}"), thumb),
            PictureOf::Figure { k, thumb } => (format!("figure/{k}"), thumb),
        };
        if thumb {
            format!("{base}/thumb")
        } else {
            base
        }
    }
}

/// Who may see a picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PictureAccess {
    /// Anyone: it shows only what the public preview shows.
    Public,
    /// A reader of the full report.
    Reader,
}

/// Why a picture cannot be given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPicture {
    /// No report with that id.
    NoReport,
    /// The report has no such picture (not a PDF, no such page, a figure without a region).
    NoSuchPicture(String),
}

/// How many renders run at once in one process (each in its own worker process).
fn render_slots() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(1, 8)
}

/// Render slots in use: a burst of requests for pictures not yet made queues here instead of
/// starting a worker each.
static RENDERING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

/// Longest one worker run of drawing may take (a page or a few, with their charts).
const RENDER_TIMEOUT: Duration = Duration::from_secs(30);

/// Longest a request waits for a render slot before it is told to come back later.
const SLOT_WAIT: Duration = Duration::from_secs(20);

/// A held render slot, given back when dropped.
struct RenderSlot;

impl RenderSlot {
    fn take() -> Option<RenderSlot> {
        let (lock, freed) = &RENDERING;
        let held = lock.lock().unwrap_or_else(|p| p.into_inner());
        let (mut held, timeout) = freed.wait_timeout_while(held, SLOT_WAIT, |held| *held >= render_slots()).unwrap_or_else(|p| p.into_inner());
        if timeout.timed_out() && *held >= render_slots() {
            return None;
        }
        *held += 1;
        Some(RenderSlot)
    }
}

impl Drop for RenderSlot {
    fn drop(&mut self) {
        let (lock, freed) = &RENDERING;
        *lock.lock().unwrap_or_else(|p| p.into_inner()) -= 1;
        freed.notify_one();
    }
}

/// Returns how many leading pages of a report the public may see as pictures: the pages before
/// the one holding the first block beyond the preview cut (all pages when nothing is cut). A
/// report that is not a PDF has none.
pub fn public_pages(report: &Report, cut: &preview::PreviewCut) -> u32 {
    let pages = if is_pdf(report) { report.source.pages.unwrap_or(0) } else { 0 };
    if !cut.truncated {
        return pages;
    }
    let first_hidden = report.blocks.get(cut.end..).unwrap_or_default().iter().find_map(|block| block.page);
    match first_hidden {
        Some(page) => pages.min(page.saturating_sub(1)),
        // The blocks beyond the cut carry no page: no page can be shown whole.
        None => 0,
    }
}

/// True when the report was read from a PDF (it has pages to draw).
pub fn is_pdf(report: &Report) -> bool {
    report.source.media_type == "application/pdf"
}

/// True when figure `k` can be drawn: a PDF figure with its region kept.
pub fn figure_has_picture(report: &Report, k: usize) -> bool {
    is_pdf(report) && report.figures.get(k).is_some_and(|f| f.bbox.is_some() && f.page.is_some())
}

impl Library {
    /// Who may see `picture` of `report`, or why there is no such picture.
    pub fn picture_access(&self, report: &Report, picture: PictureOf) -> Result<PictureAccess, NoPicture> {
        let cut = preview::cut(report, &self.preview_policy());
        match picture {
            PictureOf::Page { n, .. } => {
                let pages = if is_pdf(report) { report.source.pages.unwrap_or(0) } else { 0 };
                if pages == 0 {
                    return Err(NoPicture::NoSuchPicture("this report has no page pictures (it was not read from a pdf)".into()));
                }
                if n == 0 || n > pages {
                    return Err(NoPicture::NoSuchPicture(format!("page {n} is not in this report (it has {pages} pages)")));
                }
                Ok(if n <= public_pages(report, &cut) { PictureAccess::Public } else { PictureAccess::Reader })
            }
            PictureOf::Figure { k, .. } => {
                let Some(figure) = report.figures.get(k) else {
                    return Err(NoPicture::NoSuchPicture(format!("figure {k} is not in this report (it has {})", report.figures.len())));
                };
                if !figure_has_picture(report, k) {
                    return Err(NoPicture::NoSuchPicture(format!("figure {k} has no picture (its region on the page is not known)")));
                }
                Ok(if cut.shows(figure.block) { PictureAccess::Public } else { PictureAccess::Reader })
            }
        }
    }

    /// The stored picture, rendering it (and the rest of its page's pictures) first when it is
    /// not stored yet. The caller has checked access with [`Library::picture_access`].
    pub fn picture(&self, report: &Report, picture: PictureOf) -> Result<StoredPicture, EngineError> {
        let key = picture.key();
        if let Some(stored) = self.store().picture(&report.id, &key)? {
            return Ok(stored);
        }
        let page = match picture {
            PictureOf::Page { n, .. } => n,
            PictureOf::Figure { k, .. } => report.figures.get(k).and_then(|f| f.page).ok_or_else(|| EngineError::NotFound(report.id.clone()))?,
        };
        let _slot = RenderSlot::take().ok_or_else(|| EngineError::Busy("pictures are being drawn for other readers; try again in a moment".into()))?;
        // Another request may have drawn it while this one waited for a slot.
        if let Some(stored) = self.store().picture(&report.id, &key)? {
            return Ok(stored);
        }
        let made = self.render_pages(report, &[page])?;
        made.into_iter().find(|(made_key, _)| *made_key == key).map(|(_, stored)| stored).ok_or_else(|| EngineError::Parse(format!("the picture {key} could not be drawn")))
    }

    /// Renders every picture of `pages` of a stored PDF report (each page, its thumbnail, each
    /// figure on it and its thumbnail) in one worker run, stores those made, and returns them.
    /// A picture that fails is left out (and retried on its next request).
    pub fn render_pages(&self, report: &Report, pages: &[u32]) -> Result<Vec<(String, StoredPicture)>, EngineError> {
        let mut wanted: Vec<(String, Picture)> = Vec::new();
        for &n in pages {
            wanted.push((PictureOf::Page { n, thumb: false }.key(), Picture::Page { page: n, width: PAGE_WIDTH }));
            wanted.push((PictureOf::Page { n, thumb: true }.key(), Picture::Page { page: n, width: PAGE_THUMB_WIDTH }));
            for (k, figure) in report.figures.iter().enumerate() {
                if let (Some(bbox), Some(page)) = (figure.bbox, figure.page) {
                    if page == n && is_pdf(report) {
                        wanted.push((PictureOf::Figure { k, thumb: false }.key(), Picture::figure(n, bbox, false)));
                        wanted.push((PictureOf::Figure { k, thumb: true }.key(), Picture::figure(n, bbox, true)));
                    }
                }
            }
        }
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let source = self.store().source(&report.id)?.ok_or_else(|| EngineError::NotFound(report.id.clone()))?;
        let pictures: Vec<Picture> = wanted.iter().map(|(_, picture)| *picture).collect();
        let results = self.render_source(&source, &pictures)?;
        let made: Vec<(String, StoredPicture)> = wanted
            .into_iter()
            .zip(results)
            .filter_map(|((key, _), result)| result.ok().map(|(rendered, bytes)| (key, StoredPicture::new(&rendered.media_type, rendered.width, rendered.height, bytes))))
            .collect();
        if !made.is_empty() {
            self.store().put_pictures(&report.id, &made)?;
        }
        Ok(made)
    }

    /// Draws pictures of a PDF held in `source`: in the isolated worker when parsing is
    /// isolated, else here (tests).
    fn render_source(&self, source: &[u8], pictures: &[Picture]) -> Result<Vec<Result<(yanbao_pdf::render::Rendered, Vec<u8>), String>>, EngineError> {
        let options = &self.parse_options;
        match &options.isolation {
            Isolation::Worker { exe } => {
                let file = write_temp_pdf(source)?;
                // A reader is waiting: a page that takes longer than this to draw is not drawn.
                let options = crate::ParseOptions { timeout: options.timeout.min(RENDER_TIMEOUT), ..options.clone() };
                crate::pdf_worker::render(exe, file.path(), pictures, &options)
            }
            Isolation::InProcess => {
                let results = yanbao_pdf::render::render(source, options.password.as_deref(), pictures).map_err(|e| EngineError::Parse(e.to_string()))?;
                Ok(results.into_iter().map(|r| r.map(|rendered| { let bytes = rendered.bytes.clone(); (rendered, bytes) })).collect())
            }
        }
    }

    /// Renders every page and chart of a stored report that is not stored yet (`yanbao render`):
    /// the number of pictures made.
    pub fn render_report(&self, report: &Report) -> Result<usize, EngineError> {
        if !is_pdf(report) {
            return Ok(0);
        }
        let pages = report.source.pages.unwrap_or(0);
        let missing: Vec<u32> = (1..=pages)
            .filter(|&n| !matches!(self.store().picture(&report.id, &PictureOf::Page { n, thumb: true }.key()), Ok(Some(_))))
            .collect();
        let mut made = 0;
        // A few pages per worker run: one run's memory and time stay those of a few pages.
        for chunk in missing.chunks(8) {
            made += self.render_pages(report, chunk)?.len();
        }
        Ok(made)
    }
}

/// What [`Library::render_reports`] did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RenderSummary {
    /// PDF reports looked at.
    pub reports: usize,
    /// Pictures made (pictures already stored are not made again).
    pub pictures: usize,
    /// Reports whose pictures could not all be made, with why.
    pub failed: Vec<(String, String)>,
}

impl Library {
    /// Makes every missing picture of the given reports (all stored reports when `ids` is
    /// empty): `yanbao render`, so readers never wait for a first render. `progress` sees
    /// (reports done, reports in all).
    pub fn render_reports(&self, ids: &[String], progress: &mut dyn FnMut(usize, usize)) -> Result<RenderSummary, EngineError> {
        let ids: Vec<String> = if ids.is_empty() { self.store().ids()?.into_iter().collect() } else { ids.to_vec() };
        let mut summary = RenderSummary::default();
        for (done, id) in ids.iter().enumerate() {
            let report = self.get(id)?.ok_or_else(|| EngineError::NotFound(id.clone()))?;
            if is_pdf(&report) {
                summary.reports += 1;
                match self.render_report(&report) {
                    Ok(made) => summary.pictures += made,
                    Err(e) => summary.failed.push((id.clone(), e.to_string())),
                }
            }
            progress(done + 1, ids.len());
        }
        Ok(summary)
    }
}

/// Writes a stored source to a private temporary file for the worker.
fn write_temp_pdf(source: &[u8]) -> Result<tempfile::NamedTempFile, EngineError> {
    let io = |e: std::io::Error| EngineError::Io { path: std::env::temp_dir().display().to_string(), reason: e.to_string() };
    let mut file = tempfile::Builder::new().prefix("yanbao-render-").suffix(".pdf").tempfile().map_err(io)?;
    std::io::Write::write_all(&mut file, source).map_err(io)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::{Block, BlockKind};

    fn pdf_report(pages_of_blocks: &[u32]) -> Report {
        let mut report = Report::new_for_source(b"%PDF-1.7", "r.pdf", "application/pdf");
        report.source.pages = Some(*pages_of_blocks.iter().max().unwrap_or(&0));
        report.blocks = pages_of_blocks
            .iter()
            .map(|&page| Block { kind: BlockKind::Paragraph, text: "正文".repeat(400), page: Some(page), section: None, ..Block::default() })
            .collect();
        report
    }

    #[test]
    fn only_pages_wholly_before_the_cut_are_public() {
        let report = pdf_report(&[1, 1, 2, 2, 3, 4]);
        // The cut ends inside page 2: page 1 alone is public.
        let cut = preview::PreviewCut { shown: vec![0, 1, 2], end: 3, truncated: true };
        assert_eq!(public_pages(&report, &cut), 1);
        // The cut ends with page 2: pages 1 and 2.
        let cut = preview::PreviewCut { shown: vec![0, 1, 2, 3], end: 4, truncated: true };
        assert_eq!(public_pages(&report, &cut), 2);
        // Nothing cut: every page.
        let cut = preview::PreviewCut { shown: (0..6).collect(), end: 6, truncated: false };
        assert_eq!(public_pages(&report, &cut), 4);
        // The cut inside page 1: no page whole.
        let cut = preview::PreviewCut { shown: vec![0], end: 1, truncated: true };
        assert_eq!(public_pages(&report, &cut), 0);
    }

    #[test]
    fn text_reports_have_no_page_pictures() {
        let mut report = pdf_report(&[1, 2]);
        report.source.media_type = "text/markdown".into();
        let cut = preview::PreviewCut { shown: vec![0, 1], end: 2, truncated: false };
        assert_eq!(public_pages(&report, &cut), 0);
    }

    #[test]
    fn picture_keys_name_page_or_figure_and_size() {
        assert_eq!(PictureOf::Page { n: 3, thumb: false }.key(), "page/3");
        assert_eq!(PictureOf::Figure { k: 0, thumb: true }.key(), "figure/0/thumb");
    }
}
