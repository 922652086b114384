//! The page and line types the layout stages share: a page as it comes in ([`SourcePage`], lines
//! already built from the PDF text layer or by OCR) and as the stages read it ([`LayoutPage`] of
//! [`TextLine`]s).

use crate::extract::{Document, Shape};
use crate::lines::{build_lines_ruled, Line};

/// Where a page's lines came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LineOrigin {
    /// Built from the characters of the PDF's text layer ([`text_layer_pages`]).
    #[default]
    TextLayer,
    /// Read by OCR from a picture of the page.
    Ocr,
}

/// One page as the layout reads it: lines already built, whatever made them.
#[derive(Debug, Clone, Default)]
pub struct SourcePage {
    /// 1-based page number.
    pub number: u32,
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Lines in content order, top-down page coordinates in points.
    pub lines: Vec<Line>,
    /// Images and drawn shapes (ruled tables are read from them).
    pub shapes: Vec<Shape>,
    /// What made the lines.
    pub origin: LineOrigin,
}

/// Builds the lines of every page of an extracted document from its characters: runs that never
/// cross a drawn vertical rule ([`crate::ruled::separators`]).
pub fn text_layer_pages(document: &Document) -> Vec<SourcePage> {
    document
        .pages
        .iter()
        .enumerate()
        .map(|(index, page)| SourcePage {
            number: index as u32 + 1,
            width: page.width,
            height: page.height,
            lines: build_lines_ruled(&page.glyphs, &crate::ruled::separators(&page.shapes)),
            shapes: page.shapes.clone(),
            origin: LineOrigin::TextLayer,
        })
        .collect()
}

/// An extracted document is read through its text layer ([`text_layer_pages`]).
impl From<&Document> for Vec<SourcePage> {
    fn from(document: &Document) -> Self {
        text_layer_pages(document)
    }
}

/// A line ready for layout: normalised text and its role flags.
#[derive(Debug, Clone)]
pub struct TextLine {
    /// Geometry and style.
    pub line: Line,
    /// Normalised text (template tags removed, [`clean`](yanbao_model::normalize::clean) applied).
    pub text: String,
    /// 1-based page.
    pub page: u32,
    /// Running header/footer or page number.
    pub running: bool,
}

/// A page prepared for layout.
#[derive(Debug, Clone, Default)]
pub struct LayoutPage {
    /// 1-based page number.
    pub number: u32,
    /// Page width.
    pub width: f32,
    /// Page height.
    pub height: f32,
    /// Lines with normalised text.
    pub lines: Vec<TextLine>,
    /// Images and drawn shapes.
    pub shapes: Vec<Shape>,
    /// What made the page's lines (carried from its [`SourcePage`]).
    pub origin: LineOrigin,
}
