//! Raw extraction through PDFium: every visible character with its box, size and font, and the
//! boxes of images and drawn shapes, page by page, in a top-down coordinate system.

use std::collections::HashMap;
use std::ffi::c_void;
use std::os::raw::{c_int, c_uint, c_ulong};

use pdfium_render::prelude::{
    FPDF_DOCUMENT, FPDF_PAGE, FPDF_PAGEOBJECT, FS_RECTF, FS_SIZEF, PdfiumLibraryBindings,
    FPDF_PAGEOBJ_FORM, FPDF_PAGEOBJ_IMAGE, FPDF_PAGEOBJ_PATH,
};

use crate::PdfError;

/// Pages wider or taller than this many points are not read: the largest page the PDF format
/// allows in default user space (ISO 32000-1, annex C: 14,400 units, 200 inches).
pub const MAX_PAGE_SIDE: f32 = 14_400.0;
/// Characters read from one page at most (dense real pages hold 5,000–20,000); the rest of an
/// absurd page is dropped so one page cannot hold the whole memory budget.
pub const MAX_PAGE_CHARS: usize = 200_000;
/// Characters read from one document at most (a 300-page annual report holds about a million);
/// later pages are not read, so layout memory stays bounded whatever the page count.
pub const MAX_DOCUMENT_CHARS: usize = 3_000_000;

/// PDFium's `FPDF_ERR_PASSWORD`.
const ERR_PASSWORD: u32 = 4;
/// PDFium's `FPDF_ERR_FILE`.
const ERR_FILE: u32 = 2;
/// PDFium's `FPDF_ERR_FORMAT`.
const ERR_FORMAT: u32 = 3;

/// One character as printed. Coordinates are in points, `y` grows downwards from the page top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Glyph {
    /// The Unicode character.
    pub ch: char,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Font size in points (scaled by the text matrix).
    pub size: f32,
    /// Index into [`Document::fonts`].
    pub font: u16,
    /// Bold by font name or weight.
    pub bold: bool,
}

/// A drawn rectangle (image, path, form) in top-down coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// True for raster images.
    pub image: bool,
}

/// One page of extracted content.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Visible characters in content order (generated spaces and line breaks dropped).
    pub glyphs: Vec<Glyph>,
    /// Images and drawn shapes.
    pub shapes: Vec<Shape>,
}

/// An extracted document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// Pages in order.
    pub pages: Vec<Page>,
    /// Font names, indexed by [`Glyph::font`].
    pub fonts: Vec<String>,
    /// Total page count of the file (may exceed `pages.len()` when capped).
    pub page_count: usize,
    /// Characters dropped because they were invisible (render mode 3) or rotated.
    pub hidden_chars: usize,
    /// 1-based numbers of pages PDFium could not load (left empty in [`Document::pages`]).
    pub unreadable_pages: Vec<u32>,
    /// Pages not read because they measure more than [`MAX_PAGE_SIDE`]: number, width, height.
    pub oversized_pages: Vec<(u32, f32, f32)>,
    /// 1-based numbers of pages cut at [`MAX_PAGE_CHARS`] characters.
    pub cut_pages: Vec<u32>,
    /// The first page not read because the document reached [`MAX_DOCUMENT_CHARS`] characters.
    pub stopped_at_page: Option<u32>,
}

impl Document {
    /// True when at least one page was loaded (even a blank one).
    pub fn any_page_read(&self) -> bool {
        let skipped = self.unreadable_pages.len() + self.oversized_pages.len();
        self.pages.len() > skipped
    }

    /// True when a page holds a character or a drawn object.
    pub fn anything_drawn(&self) -> bool {
        self.hidden_chars > 0 || self.pages.iter().any(|p| !p.glyphs.is_empty() || !p.shapes.is_empty())
    }
}

/// Closes a PDFium document when dropped.
pub(crate) struct DocumentHandle<'a> {
    bindings: &'a dyn PdfiumLibraryBindings,
    pub(crate) handle: FPDF_DOCUMENT,
}

impl Drop for DocumentHandle<'_> {
    fn drop(&mut self) {
        // SAFETY: the handle came from FPDF_LoadMemDocument64 and is closed once.
        unsafe { self.bindings.FPDF_CloseDocument(self.handle) };
    }
}

/// Opens a document held in `bytes` (which must outlive the handle), telling an encrypted file,
/// a wrong password and a damaged file apart.
pub(crate) fn open_document<'a>(bindings: &'a dyn PdfiumLibraryBindings, bytes: &'a [u8], password: Option<&str>) -> Result<DocumentHandle<'a>, PdfError> {
    if bytes.is_empty() {
        return Err(PdfError::Corrupt("empty file".into()));
    }
    // SAFETY: `bytes` outlives the document handle (the lifetime ties them).
    let handle = unsafe { bindings.FPDF_LoadMemDocument64(bytes, password) };
    if handle.is_null() {
        // SAFETY: plain error query.
        let code = unsafe { bindings.FPDF_GetLastError() } as u32;
        return Err(match (code, password) {
            (ERR_PASSWORD, None) | (ERR_PASSWORD, Some("")) => PdfError::Encrypted,
            (ERR_PASSWORD, Some(_)) => PdfError::WrongPassword,
            (ERR_FILE, _) => PdfError::Corrupt("cannot read the file".into()),
            (ERR_FORMAT, _) => PdfError::Corrupt("not a pdf or damaged beyond repair".into()),
            (other, _) => PdfError::Corrupt(format!("pdfium error code {other}")),
        });
    }
    Ok(DocumentHandle { bindings, handle })
}

/// Opens the document and extracts up to `max_pages` pages.
pub(crate) fn extract(
    bindings: &dyn PdfiumLibraryBindings,
    bytes: &[u8],
    password: Option<&str>,
    max_pages: usize,
) -> Result<Document, PdfError> {
    let document = open_document(bindings, bytes, password)?;
    // SAFETY: valid document handle.
    let page_count = unsafe { bindings.FPDF_GetPageCount(document.handle) }.max(0) as usize;
    if page_count > max_pages {
        return Err(PdfError::TooManyPages { pages: page_count, limit: max_pages });
    }
    let mut fonts = FontTable::default();
    let mut out = Document { page_count, ..Document::default() };
    let mut chars = 0usize;
    for index in 0..page_count {
        let number = index as u32 + 1;
        if chars >= MAX_DOCUMENT_CHARS {
            out.stopped_at_page = Some(number);
            break;
        }
        // The size comes from the page dictionary, before PDFium parses the page's content.
        let mut size = FS_SIZEF { width: 0.0, height: 0.0 };
        // SAFETY: valid document handle and index below the page count.
        if unsafe { bindings.FPDF_GetPageSizeByIndexF(document.handle, index as c_int, &mut size) } != 0 && !page_size_is_sane(size.width, size.height) {
            out.oversized_pages.push((number, size.width, size.height));
            out.pages.push(Page::default());
            continue;
        }
        let budget = MAX_PAGE_CHARS.min(MAX_DOCUMENT_CHARS - chars);
        let Some((page, cut)) = extract_page(bindings, document.handle, index as c_int, budget, &mut fonts, &mut out.hidden_chars) else {
            out.unreadable_pages.push(number);
            out.pages.push(Page::default());
            continue;
        };
        if cut && budget == MAX_PAGE_CHARS {
            out.cut_pages.push(number);
        }
        chars += page.glyphs.len();
        out.pages.push(page);
    }
    out.fonts = fonts.names;
    Ok(out)
}

/// True for a page size a real document can have (finite, at most [`MAX_PAGE_SIDE`] a side).
pub fn page_size_is_sane(width: f32, height: f32) -> bool {
    width.is_finite() && height.is_finite() && width.abs() <= MAX_PAGE_SIDE && height.abs() <= MAX_PAGE_SIDE
}

/// Interns font names.
#[derive(Default)]
struct FontTable {
    names: Vec<String>,
    ids: HashMap<Vec<u8>, (u16, bool)>,
}

impl FontTable {
    /// Returns the id and boldness of a font name given as raw UTF-8 bytes.
    fn intern(&mut self, raw: &[u8], flags: c_int) -> (u16, bool) {
        if let Some(found) = self.ids.get(raw) {
            return *found;
        }
        let name = String::from_utf8_lossy(raw).into_owned();
        // Font descriptor flag 19 (ForceBold) = bit 18.
        let bold = font_name_is_bold(&name) || (flags & (1 << 18)) != 0;
        let id = self.names.len().min(u16::MAX as usize) as u16;
        self.names.push(name);
        self.ids.insert(raw.to_vec(), (id, bold));
        (id, bold)
    }
}

/// True when a font name marks a bold face (`Arial-BoldMT`, `SimHei`, `MicrosoftYaHei-Bold`, `黑体`).
pub fn font_name_is_bold(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["bold", "black", "heavy", "semibold", "demi", "simhei", "黑体", "-bd", ",bd", "hei-b"]
        .iter()
        .any(|marker| lower.contains(marker))
}

/// Closes a page (and its text page) when dropped.
struct PageHandles<'a> {
    bindings: &'a dyn PdfiumLibraryBindings,
    page: FPDF_PAGE,
    text: pdfium_render::prelude::FPDF_TEXTPAGE,
}

impl Drop for PageHandles<'_> {
    fn drop(&mut self) {
        // SAFETY: handles from FPDF_LoadPage / FPDFText_LoadPage, closed once, text page first.
        unsafe {
            if !self.text.is_null() {
                self.bindings.FPDFText_ClosePage(self.text);
            }
            if !self.page.is_null() {
                self.bindings.FPDF_ClosePage(self.page);
            }
        }
    }
}

/// Extracts one page, reading at most `max_chars` characters (and whether more were left);
/// `None` when PDFium cannot load the page.
fn extract_page(
    bindings: &dyn PdfiumLibraryBindings,
    document: FPDF_DOCUMENT,
    index: c_int,
    max_chars: usize,
    fonts: &mut FontTable,
    hidden: &mut usize,
) -> Option<(Page, bool)> {
    // SAFETY: valid document handle and index below the page count.
    let page = unsafe { bindings.FPDF_LoadPage(document, index) };
    if page.is_null() {
        return None;
    }
    // SAFETY: valid page handle.
    let text = unsafe { bindings.FPDFText_LoadPage(page) };
    let handles = PageHandles { bindings, page, text };
    // SAFETY: valid page handle.
    let (width, height) = unsafe { (bindings.FPDF_GetPageWidthF(page), bindings.FPDF_GetPageHeightF(page)) };
    let mut out = Page { width, height, ..Page::default() };
    let mut cut = false;
    if !handles.text.is_null() {
        (out.glyphs, cut) = page_glyphs(bindings, handles.text, height, max_chars, fonts, hidden);
    }
    out.shapes = page_shapes(bindings, page, height);
    Some((out, cut))
}

/// Reads the characters of a text page, at most `max_chars`; true when more were left.
fn page_glyphs(
    bindings: &dyn PdfiumLibraryBindings,
    text: pdfium_render::prelude::FPDF_TEXTPAGE,
    page_height: f32,
    max_chars: usize,
    fonts: &mut FontTable,
    hidden: &mut usize,
) -> (Vec<Glyph>, bool) {
    // SAFETY: all calls below take the valid text page handle and an index below the count.
    let count = unsafe { bindings.FPDFText_CountChars(text) }.max(0);
    let mut glyphs = Vec::with_capacity((count as usize).min(max_chars).min(16_384));
    let mut name_buffer = [0u8; 256];
    let mut last_object: FPDF_PAGEOBJECT = std::ptr::null_mut();
    // (font id, bold, dropped: invisible or rotated)
    let mut last_font: (u16, bool, bool) = (0, false, false);
    for index in 0..count {
        if glyphs.len() >= max_chars {
            return (glyphs, true);
        }
        let code = unsafe { bindings.FPDFText_GetUnicode(text, index) };
        let Some(ch) = char::from_u32(code) else { continue };
        if ch == '\r' || ch == '\n' || ch == '\u{2}' || ch == '\u{FFFE}' || ch == '\u{FFFF}' {
            continue;
        }
        if unsafe { bindings.FPDFText_IsGenerated(text, index) } == 1 {
            continue;
        }
        let object = unsafe { bindings.FPDFText_GetTextObject(text, index) };
        if object != last_object || object.is_null() {
            last_object = object;
            let mode = if object.is_null() { 0 } else { unsafe { bindings.FPDFTextObj_GetTextRenderMode(object) } };
            // Invisible text (render mode 3) and text at an angle (chart axes, stamps) are dropped.
            let dropped = mode == 3 || is_rotated(bindings, text, index);
            let mut flags: c_int = 0;
            let length = unsafe {
                bindings.FPDFText_GetFontInfo(
                    text,
                    index,
                    name_buffer.as_mut_ptr() as *mut c_void,
                    name_buffer.len() as c_ulong,
                    &mut flags,
                )
            } as usize;
            let raw: &[u8] = if length > 0 && length <= name_buffer.len() { &name_buffer[..length - 1] } else { b"" };
            let (id, mut bold) = fonts.intern(raw, flags);
            let weight = unsafe { bindings.FPDFText_GetFontWeight(text, index) };
            if weight >= 600 {
                bold = true;
            }
            last_font = (id, bold, dropped);
        }
        if last_font.2 {
            *hidden += 1;
            continue;
        }
        let mut rect = FS_RECTF { left: 0.0, top: 0.0, right: 0.0, bottom: 0.0 };
        if unsafe { bindings.FPDFText_GetLooseCharBox(text, index, &mut rect) } == 0 {
            continue;
        }
        let size = unsafe { bindings.FPDFText_GetFontSize(text, index) } as f32;
        let (x0, x1) = (rect.left.min(rect.right), rect.left.max(rect.right));
        let (top, bottom) = (rect.top.max(rect.bottom), rect.top.min(rect.bottom));
        let glyph_height = top - bottom;
        if !(x0.is_finite() && x1.is_finite() && top.is_finite() && bottom.is_finite()) {
            continue;
        }
        glyphs.push(Glyph {
            ch,
            x0,
            y0: page_height - top,
            x1,
            y1: page_height - bottom,
            size: effective_size(size, glyph_height),
            font: last_font.0,
            bold: last_font.1,
        });
    }
    (glyphs, false)
}

/// Returns the printed size: PDFium's font size, unless the text matrix scales a nominal 1 pt font
/// (中泰 reports: `Tf 1` with a 13 pt matrix), where the glyph box height tells the truth.
pub fn effective_size(font_size: f32, box_height: f32) -> f32 {
    let box_size = box_height * 0.85;
    if !font_size.is_finite() || font_size <= 0.0 || (box_size > 2.0 && font_size < 0.5 * box_size) {
        return box_size.max(1.0);
    }
    font_size
}

/// True when the character is drawn at an angle (more than ~35 degrees off horizontal: axis labels,
/// stamps). Smaller angles are synthetic italics (国盛 captions are sheared by 0.32 rad) and stay.
fn is_rotated(bindings: &dyn PdfiumLibraryBindings, text: pdfium_render::prelude::FPDF_TEXTPAGE, index: c_int) -> bool {
    // SAFETY: valid text page and index.
    let angle = unsafe { bindings.FPDFText_GetCharAngle(text, index) };
    if angle < 0.0 || !angle.is_finite() {
        return false;
    }
    let turn = std::f32::consts::PI * 2.0;
    let normalised = angle % turn;
    normalised > 0.6 && normalised < turn - 0.6
}

/// Reads the boxes of images, paths and forms drawn on a page (top level only).
fn page_shapes(bindings: &dyn PdfiumLibraryBindings, page: FPDF_PAGE, page_height: f32) -> Vec<Shape> {
    // SAFETY: valid page handle; objects are owned by the page.
    let count = unsafe { bindings.FPDFPage_CountObjects(page) }.max(0);
    let mut shapes = Vec::new();
    for index in 0..count.min(20_000) {
        let object = unsafe { bindings.FPDFPage_GetObject(page, index) };
        if object.is_null() {
            continue;
        }
        let kind = unsafe { bindings.FPDFPageObj_GetType(object) } as c_uint;
        if kind != FPDF_PAGEOBJ_IMAGE && kind != FPDF_PAGEOBJ_PATH && kind != FPDF_PAGEOBJ_FORM {
            continue;
        }
        let (mut left, mut bottom, mut right, mut top) = (0f32, 0f32, 0f32, 0f32);
        if unsafe { bindings.FPDFPageObj_GetBounds(object, &mut left, &mut bottom, &mut right, &mut top) } == 0 {
            continue;
        }
        if ![left, bottom, right, top].iter().all(|v| v.is_finite()) {
            continue;
        }
        shapes.push(Shape {
            x0: left.min(right),
            y0: page_height - top.max(bottom),
            x1: left.max(right),
            y1: page_height - top.min(bottom),
            image: kind == FPDF_PAGEOBJ_IMAGE,
        });
    }
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nominal_one_point_fonts_use_the_box() {
        assert!((effective_size(1.0, 13.6) - 11.56).abs() < 0.01);
        assert_eq!(effective_size(10.5, 10.6), 10.5);
        assert_eq!(effective_size(f32::NAN, 0.0), 1.0);
    }

    #[test]
    fn absurd_page_sizes_are_not_sane() {
        assert!(page_size_is_sane(612.0, 792.0));
        assert!(page_size_is_sane(14_400.0, 200.0));
        assert!(!page_size_is_sane(1_000_000.0, 1_000_000.0));
        assert!(!page_size_is_sane(f32::INFINITY, 792.0));
        assert!(!page_size_is_sane(612.0, f32::NAN));
    }

    #[test]
    fn bold_font_names() {
        assert!(font_name_is_bold("Arial-BoldMT"));
        assert!(font_name_is_bold("SimHei"));
        assert!(font_name_is_bold("MicrosoftYaHei-Bold"));
        assert!(!font_name_is_bold("SimSun"));
        assert!(!font_name_is_bold("KaiTi_GB2312"));
    }
}
