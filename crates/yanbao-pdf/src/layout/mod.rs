//! Layout analysis: the lines of every page into the blocks, outline, figures and tables of a
//! report, whatever made the lines (the PDF text layer or OCR: [`SourcePage`]).
//!
//! The stages, each in its own module, in the order [`build_report`] runs them:
//! 1. [`prepare`]: caption labels printed apart joined, side-by-side captions split, line text
//!    normalised (template tags dropped);
//! 2. [`running`]: running headers, footers, page numbers and numeric stamps found by repetition
//!    and marked;
//! 3. [`crate::cover`]: the cover metadata (title, institution, date, analysts, rating) read;
//! 4. [`blocks`]: each page's body lines in reading order ([`crate::order`]), with its
//!    [`captions`] (source and note lines found geometrically) and [`tables`], joined into
//!    paragraphs across lines, columns and pages; headings and the closing boilerplate marked.

pub mod blocks;
pub mod captions;
pub mod prepare;
pub mod running;
pub mod tables;

use yanbao_model::normalize::is_han;
use yanbao_model::Report;

use crate::page::SourcePage;

// The stage functions and page types at their former paths (`layout::reading_order`, …).
pub use self::blocks::starts_list_item;
pub use self::prepare::{join_split_labels, prepare_pages, split_double_captions};
pub use self::running::{mark_running, running_key};
pub use crate::order::reading_order;
pub use crate::page::{LayoutPage, TextLine};

/// Fills the report from the lines of its pages: an extracted PDF's text layer
/// ([`crate::page::text_layer_pages`], also reached by passing the `&Document` itself) or OCR'd
/// pages.
///
/// Returns false when the pages hold no text: the report then carries only a "no text layer"
/// warning.
pub fn build_report(pages: impl Into<Vec<SourcePage>>, report: &mut Report) -> bool {
    let mut pages = prepare_pages(pages.into());
    let total_chars: usize = pages.iter().flat_map(|p| &p.lines).map(|l| l.line.chars).sum();
    if total_chars == 0 {
        report.warnings.push("no text layer: the pdf has no extractable text (scanned or image-only)".into());
        return false;
    }
    report.running_text = mark_running(&mut pages);
    report.language = detect_language(&pages);
    crate::cover::read_cover(&pages, report);
    blocks::build_blocks(&pages, report);
    true
}

/// Returns `en` when Latin letters outnumber Han characters four to one, else `zh`.
fn detect_language(pages: &[LayoutPage]) -> String {
    let (mut han, mut latin) = (0usize, 0usize);
    for line in pages.iter().flat_map(|p| &p.lines).take(4000) {
        for c in line.text.chars() {
            if is_han(c) {
                han += 1;
            } else if c.is_ascii_alphabetic() {
                latin += 1;
            }
        }
    }
    if latin > 4 * han { "en".into() } else { "zh".into() }
}
