//! Pictures of a PDF: whole pages (for the reader and the public preview) and the region of a
//! figure (its chart), rendered with PDFium and encoded as JPEG.
//!
//! Rendering is the second job of the isolated PDF worker (the first is [`crate::parse_pdf`]):
//! PDFium runs only there, under the worker's time and memory limits. Every picture is bounded
//! ([`MAX_PIXELS`]), so a page of absurd size costs one refused picture, not the worker.

use std::os::raw::c_int;

use image::{ExtendedColorType, ImageEncoder};
use pdfium_render::prelude::PdfiumLibraryBindings;
use serde::{Deserialize, Serialize};
use yanbao_model::PageBox;

use crate::{library, PdfError, EXTRACT_LOCK};

/// Width in pixels of a page picture: readable on a laptop screen at full column width.
pub const PAGE_WIDTH: u32 = 1200;
/// Width in pixels of a page thumbnail.
pub const PAGE_THUMB_WIDTH: u32 = 240;
/// Pixels per point of a chart picture (2.5 = 180 dpi: thin chart lines and small axis labels
/// stay sharp when the chart is shown large).
pub const FIGURE_SCALE: f32 = 2.5;
/// Width in pixels of a chart thumbnail (the chart gallery's cards).
pub const FIGURE_THUMB_WIDTH: u32 = 360;
/// Widest chart picture, in pixels.
pub const FIGURE_MAX_WIDTH: u32 = 1600;
/// JPEG quality: text and chart lines stay crisp, a page weighs about a tenth of a PNG's.
pub const JPEG_QUALITY: u8 = 82;
/// The most pixels any one picture may have (40 MP): PDFium's bitmap for it is 160 MB.
pub const MAX_PIXELS: u64 = 40_000_000;

/// One picture to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Picture {
    /// A whole page (1-based), `width` pixels wide.
    Page {
        /// 1-based page number.
        page: u32,
        /// Width in pixels; the height follows the page's proportions.
        width: u32,
    },
    /// A region of a page (a figure's [`PageBox`]) at `scale` pixels per point, no wider than
    /// `max_width` pixels.
    Region {
        /// 1-based page number.
        page: u32,
        /// The region, in points from the page's top-left corner.
        bbox: PageBox,
        /// Pixels per point.
        scale_milli: u32,
        /// Widest result in pixels (the scale shrinks to fit).
        max_width: u32,
    },
}

impl Picture {
    /// A chart picture of `bbox` at [`FIGURE_SCALE`], or its thumbnail.
    pub fn figure(page: u32, bbox: PageBox, thumb: bool) -> Picture {
        let max_width = if thumb { FIGURE_THUMB_WIDTH } else { FIGURE_MAX_WIDTH };
        Picture::Region { page, bbox, scale_milli: (FIGURE_SCALE * 1000.0) as u32, max_width }
    }

    /// The page this picture is made from.
    pub fn page(&self) -> u32 {
        match *self {
            Picture::Page { page, .. } | Picture::Region { page, .. } => page,
        }
    }
}

/// An encoded picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendered {
    /// `image/jpeg`.
    pub media_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The encoded bytes.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// Renders `pictures` of the PDF in `bytes`: one result per picture, in order (a page that is
/// missing, too large or fails to render is an error for that picture alone). The whole call
/// fails only when the document cannot be opened.
pub fn render(bytes: &[u8], password: Option<&str>, pictures: &[Picture]) -> Result<Vec<Result<Rendered, String>>, PdfError> {
    draw_each(bytes, password, pictures, |rgb, width, height| {
        Ok(Rendered { media_type: "image/jpeg".into(), width, height, bytes: encode_jpeg(&rgb, width, height)? })
    })
}

/// Draws `pictures` as raw RGB pixels (row by row, 3 bytes a pixel) with their width and height,
/// unencoded: for measuring encoders (`examples/bench_render.rs`).
pub fn draw_rgb(bytes: &[u8], password: Option<&str>, pictures: &[Picture]) -> Result<Vec<Result<(Vec<u8>, u32, u32), String>>, PdfError> {
    draw_each(bytes, password, pictures, |rgb, width, height| Ok((rgb, width, height)))
}

/// Opens the document once and hands each picture's pixels to `finish`.
fn draw_each<T>(bytes: &[u8], password: Option<&str>, pictures: &[Picture], finish: impl Fn(Vec<u8>, u32, u32) -> Result<T, String>) -> Result<Vec<Result<T, String>>, PdfError> {
    let library = library::library()?;
    let bindings = library.bindings.as_ref();
    // PDFium keeps global state: one document at a time per process.
    let _guard = EXTRACT_LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let document = crate::extract::open_document(bindings, bytes, password)?;
    // SAFETY: valid document handle.
    let page_count = unsafe { bindings.FPDF_GetPageCount(document.handle) }.max(0) as u32;
    Ok(pictures
        .iter()
        .map(|picture| {
            let page = picture.page();
            if page == 0 || page > page_count {
                return Err(format!("page {page} is not in this pdf (it has {page_count})"));
            }
            let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| draw(bindings, document.handle, picture)))
                .unwrap_or_else(|_| Err(format!("page {page} could not be rendered")))?;
            finish(drawn.0, drawn.1, drawn.2)
        })
        .collect())
}

/// Closes a page when dropped.
struct PageHandle<'a> {
    bindings: &'a dyn PdfiumLibraryBindings,
    page: pdfium_render::prelude::FPDF_PAGE,
}

impl Drop for PageHandle<'_> {
    fn drop(&mut self) {
        // SAFETY: handle from FPDF_LoadPage, closed once.
        unsafe { self.bindings.FPDF_ClosePage(self.page) };
    }
}

/// Destroys a bitmap when dropped.
struct BitmapHandle<'a> {
    bindings: &'a dyn PdfiumLibraryBindings,
    bitmap: pdfium_render::prelude::FPDF_BITMAP,
}

impl Drop for BitmapHandle<'_> {
    fn drop(&mut self) {
        // SAFETY: handle from FPDFBitmap_Create, destroyed once.
        unsafe { self.bindings.FPDFBitmap_Destroy(self.bitmap) };
    }
}

/// PDFium render flags: annotations drawn (form fields, stamps), bytes in R, G, B, A order.
const RENDER_FLAGS: c_int = 0x01 | 0x10;

/// Draws one picture of an open document: its RGB pixels, width and height.
fn draw(bindings: &dyn PdfiumLibraryBindings, document: pdfium_render::prelude::FPDF_DOCUMENT, picture: &Picture) -> Result<(Vec<u8>, u32, u32), String> {
    let number = picture.page();
    // SAFETY: valid document handle, index checked against the page count by the caller.
    let page = unsafe { bindings.FPDF_LoadPage(document, number as c_int - 1) };
    if page.is_null() {
        return Err(format!("page {number} could not be loaded"));
    }
    let page = PageHandle { bindings, page };
    // SAFETY: valid page handle.
    let (page_width, page_height) = unsafe { (bindings.FPDF_GetPageWidthF(page.page), bindings.FPDF_GetPageHeightF(page.page)) };
    if !crate::extract::page_size_is_sane(page_width, page_height) {
        return Err(format!("page {number} measures {page_width:.0} × {page_height:.0} pt: too large to draw"));
    }
    // The whole page is drawn at `scale`; the bitmap is the part of it kept (all of it, or the
    // region), placed by the offset.
    let (scale, left, top, width, height) = match *picture {
        Picture::Page { width, .. } => {
            let scale = width.max(1) as f32 / page_width;
            (scale, 0.0, 0.0, width.max(1), (page_height * scale).round().max(1.0) as u32)
        }
        Picture::Region { bbox, scale_milli, max_width, .. } => {
            let x0 = (bbox.x0 as f32).min(page_width);
            let y0 = (bbox.y0 as f32).min(page_height);
            let x1 = (bbox.x1 as f32).min(page_width);
            let y1 = (bbox.y1 as f32).min(page_height);
            if x1 - x0 < 1.0 || y1 - y0 < 1.0 {
                return Err(format!("the region lies outside page {number}"));
            }
            let scale = (scale_milli as f32 / 1000.0).min(max_width.max(1) as f32 / (x1 - x0));
            (scale, x0 * scale, y0 * scale, ((x1 - x0) * scale).round().max(1.0) as u32, ((y1 - y0) * scale).round().max(1.0) as u32)
        }
    };
    if !(scale.is_finite() && scale > 0.0) || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(format!("a picture of page {number} would be {width} × {height} pixels, more than allowed"));
    }
    // SAFETY: positive, bounded size; alpha 0 gives a 4-byte BGRx bitmap (RGBx with the flag).
    let bitmap = unsafe { bindings.FPDFBitmap_Create(width as c_int, height as c_int, 0) };
    if bitmap.is_null() {
        return Err(format!("no memory for a picture of page {number}"));
    }
    let bitmap = BitmapHandle { bindings, bitmap };
    // SAFETY: valid bitmap and page; the draw is clipped to the bitmap.
    let pixels = unsafe {
        let _ = bindings.FPDFBitmap_FillRect(bitmap.bitmap, 0, 0, width as c_int, height as c_int, 0xFFFF_FFFF);
        bindings.FPDF_RenderPageBitmap(
            bitmap.bitmap,
            page.page,
            -(left.round() as c_int),
            -(top.round() as c_int),
            (page_width * scale).round() as c_int,
            (page_height * scale).round() as c_int,
            0,
            RENDER_FLAGS,
        );
        let stride = bindings.FPDFBitmap_GetStride(bitmap.bitmap).max(0) as usize;
        rgb_rows(bindings.FPDFBitmap_GetBuffer_as_slice(bitmap.bitmap), stride, width as usize, height as usize)
    };
    let pixels = pixels.ok_or_else(|| format!("page {number} gave an unreadable bitmap"))?;
    Ok((pixels, width, height))
}

/// The RGB bytes of an RGBx bitmap of `width` × `height` with rows `stride` bytes apart.
fn rgb_rows(buffer: &[u8], stride: usize, width: usize, height: usize) -> Option<Vec<u8>> {
    if stride < width * 4 || buffer.len() < stride * height {
        return None;
    }
    let mut rgb = Vec::with_capacity(width * height * 3);
    for row in buffer.chunks(stride).take(height) {
        for pixel in row[..width * 4].chunks_exact(4) {
            rgb.extend_from_slice(&pixel[..3]);
        }
    }
    Some(rgb)
}

/// Encodes RGB pixels as a JPEG of [`JPEG_QUALITY`].
pub fn encode_jpeg(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    encode_jpeg_at(rgb, width, height, JPEG_QUALITY)
}

/// Encodes RGB pixels as a JPEG of the given quality (1–100).
pub fn encode_jpeg_at(rgb: &[u8], width: u32, height: u32, quality: u8) -> Result<Vec<u8>, String> {
    let too_large = || format!("a picture of {width} × {height} pixels is too large to encode");
    let (w, h) = (u16::try_from(width).map_err(|_| too_large())?, u16::try_from(height).map_err(|_| too_large())?);
    let mut out = Vec::with_capacity(rgb.len() / 10);
    jpeg_encoder::Encoder::new(&mut out, quality.clamp(1, 100))
        .encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| format!("the picture could not be encoded: {e}"))?;
    Ok(out)
}

/// Encodes RGB pixels as a PNG (lossless; for comparison in the benchmark).
pub fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(rgb, width, height, ExtendedColorType::Rgb8)
        .map_err(|e| format!("the picture could not be encoded: {e}"))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rgbx_rows_with_padding_become_tight_rgb() {
        // Two pixels a row, a stride of 12 bytes (4 of padding), two rows.
        let buffer = [1, 2, 3, 0, 4, 5, 6, 0, 9, 9, 9, 9, 7, 8, 9, 0, 10, 11, 12, 0, 9, 9, 9, 9];
        assert_eq!(rgb_rows(&buffer, 12, 2, 2), Some(vec![1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
        assert_eq!(rgb_rows(&buffer, 4, 2, 2), None, "a stride shorter than a row is refused");
        assert_eq!(rgb_rows(&buffer[..10], 12, 2, 2), None, "a short buffer is refused");
    }

    #[test]
    fn a_picture_says_its_page() {
        let bbox = PageBox { x0: 10, y0: 20, x1: 300, y1: 200 };
        assert_eq!(Picture::figure(3, bbox, true).page(), 3);
        assert_eq!(Picture::Page { page: 2, width: PAGE_WIDTH }.page(), 2);
    }

    #[test]
    fn jpeg_encoding_of_a_small_picture() {
        let rgb = vec![255u8; 16 * 8 * 3];
        let jpeg = encode_jpeg(&rgb, 16, 8).unwrap();
        assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG starts with SOI");
    }
}
