//! Pages without a text layer, read by OCR ([`yanbao_ocr`]): which pages need it, drawing them
//! with PDFium, and turning the lines read into page lines, so a scanned page goes through the
//! same layout stages (running text, reading order, captions, blocks) as a born-digital one.

use std::str::FromStr;

use image::RgbImage;
use serde::{Deserialize, Serialize};
use yanbao_ocr::{Engine, OcrLine};

use crate::extract::{Document, Glyph, Page};
use crate::lines::Line;
use crate::page::{LineOrigin, SourcePage};
use crate::render::{draw_rgb, Picture};
use crate::{PdfError, PdfOptions};

/// When pages are read by OCR.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OcrMode {
    /// Pages without a text layer that show an image (scans, faxes).
    #[default]
    Auto,
    /// Every page, its text layer set aside (a text layer that is garbage, or measuring OCR).
    Always,
    /// No page: a scan is stored with a "no text layer" warning.
    Never,
}

impl FromStr for OcrMode {
    type Err = String;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(OcrMode::Auto),
            "always" => Ok(OcrMode::Always),
            "never" => Ok(OcrMode::Never),
            other => Err(format!("unknown ocr mode {other:?}: use auto, always or never")),
        }
    }
}

/// Pages are drawn for OCR at this many pixels per point (150 dpi): report text 9 pt and up is
/// read whole (docs/quality/ocr.md); detection then runs on a smaller copy.
pub const OCR_SCALE: f32 = 150.0 / 72.0;

/// A page with fewer visible characters than this has no text layer worth keeping.
const MIN_TEXT_CHARS: usize = 10;

/// In `auto` mode, a page is read when images cover at least this share of it.
const MIN_IMAGE_SHARE: f32 = 0.25;

/// Font size of an OCR line from its box height: the detected box spans the line's ascent and
/// descent with a margin (measured against text-layer pages: docs/quality/ocr.md).
const SIZE_PER_BOX_HEIGHT: f32 = 0.78;

/// True when `page` should be read by OCR under `mode`.
pub fn needs_ocr(page: &Page, mode: OcrMode) -> bool {
    match mode {
        OcrMode::Never => false,
        OcrMode::Always => page.width > 0.0 && page.height > 0.0,
        OcrMode::Auto => page.glyphs.len() < MIN_TEXT_CHARS && image_share(page) >= MIN_IMAGE_SHARE,
    }
}

/// Share of the page covered by images (overlaps counted once per image: a scan is one image).
fn image_share(page: &Page) -> f32 {
    let area = page.width * page.height;
    if area <= 0.0 {
        return 0.0;
    }
    let covered: f32 = page
        .shapes
        .iter()
        .filter(|shape| shape.image)
        .map(|shape| {
            let w = shape.x1.min(page.width) - shape.x0.max(0.0);
            let h = shape.y1.min(page.height) - shape.y0.max(0.0);
            w.max(0.0) * h.max(0.0)
        })
        .fold(0.0, f32::max);
    covered / area
}

/// Boxes at least this many times as tall as wide hold vertical text (as `yanbao_ocr` reads them).
const VERTICAL: f32 = 1.5;
/// Characters this many times as wide as the body's median make a line display type.
const WIDE_TYPE: f32 = 1.35;
/// Sizes of adjacent display lines within this ratio are one size (see [`same_size_as_line_above`]).
const SAME_SIZE: f32 = 1.15;

/// Turns OCR lines of an image drawn at `scale` pixels per point into page lines.
///
/// A detected box is as tall as its line's ink, so boxes of one type size differ by a few pixels
/// (ascenders, descenders, a superscript): a line within a fifth of the page's median box height,
/// or a long line whose characters are as wide as the page's median, gets the median's size. Body
/// lines then share one size (paragraphs join across them, as the layout joins lines of one font
/// size) and only truly larger or smaller type — a title, a footnote — stands out.
pub fn page_lines(read: &[OcrLine], scale: f32) -> Vec<Line> {
    let joined = join_touching(read.iter().filter(|line| !line.text.trim().is_empty()).cloned().collect());
    let read: Vec<&OcrLine> = joined.iter().collect();
    let median = |mut values: Vec<f32>| {
        values.sort_by(f32::total_cmp);
        values.get(values.len().saturating_sub(1) / 2).copied().unwrap_or(0.0)
    };
    let height = median(read.iter().filter(|line| line.text.chars().count() >= 4).map(|line| line.area.height() / scale).collect());
    let pitch = median(read.iter().filter(|line| ems(&line.text) >= 10.0).map(|line| line.area.width() / scale / ems(&line.text)).collect());
    let mut lines: Vec<Line> = read
        .iter()
        .map(|line| {
            let (x0, y0, x1, y1) = (line.area.x0 / scale, line.area.y0 / scale, line.area.x1 / scale, line.area.y1 / scale);
            let near = |value: f32, typical: f32| typical > 0.0 && (0.8..=1.25).contains(&(value / typical));
            let line_pitch = (x1 - x0) / ems(&line.text).max(0.5);
            // A scan's boxes vary by a fifth in height, so a title only 20 % taller passes for
            // body text by its height; its characters, though, are far wider than the body's.
            let wide_type = ems(&line.text) >= 8.0 && pitch > 0.0 && line_pitch > WIDE_TYPE * pitch;
            let body = (near(y1 - y0, height) && !wide_type) || (ems(&line.text) >= 20.0 && near(line_pitch, pitch));
            // A vertical line (a cover's banner, a sidebar) is as thick as its box is wide.
            let thickness = if y1 - y0 >= VERTICAL * (x1 - x0) { x1 - x0 } else { y1 - y0 };
            Line {
                text: line.text.trim().to_string(),
                x0,
                y0,
                x1,
                y1,
                size: ((if body { height } else { thickness }) * SIZE_PER_BOX_HEIGHT).max(1.0),
                bold: false,
                font: 0,
                chars: line.text.trim().chars().filter(|c| !c.is_whitespace()).count(),
            }
        })
        .collect();
    same_size_as_line_above(&mut lines, height * SIZE_PER_BOX_HEIGHT);
    lines
}

/// The detector sometimes cuts one printed line into two boxes that touch or overlap (after a
/// colon: `资料来源：` | `WIND资讯、…`); a reader sees one line. Boxes on one row (each covering
/// most of the other's height) less than a third of their height apart are joined, left to right;
/// table cells stand further apart than that.
fn join_touching(read: Vec<OcrLine>) -> Vec<OcrLine> {
    // Left to right, each line remembering where it came in: the joined lines keep that order.
    let mut read: Vec<(usize, OcrLine)> = read.into_iter().enumerate().collect();
    read.sort_by(|a, b| a.1.area.x0.total_cmp(&b.1.area.x0));
    let mut joined: Vec<(usize, OcrLine)> = Vec::with_capacity(read.len());
    for (order, line) in read {
        let height = line.area.height();
        let partner = joined.iter_mut().rev().find(|(_, left)| {
            let overlap = left.area.y1.min(line.area.y1) - left.area.y0.max(line.area.y0);
            let shorter = left.area.height().min(height);
            let gap = line.area.x0 - left.area.x1;
            overlap > 0.7 * shorter && gap < height / 3.0 && line.area.x1 > left.area.x1
        });
        match partner {
            Some((first, left)) => {
                *first = (*first).min(order);
                left.text = format!("{}{}", left.text.trim_end(), line.text.trim_start());
                left.char_centres.extend(line.char_centres);
                left.confidence = left.confidence.min(line.confidence);
                left.area.x1 = line.area.x1;
                left.area.y0 = left.area.y0.min(line.area.y0);
                left.area.y1 = left.area.y1.max(line.area.y1);
            }
            None => joined.push((order, line)),
        }
    }
    joined.sort_by_key(|(order, _)| *order);
    joined.into_iter().map(|(_, line)| line).collect()
}

/// Lines read by OCR and set in one display size — a title wrapped over two lines, a series line
/// above its title — get slightly different boxes (a descender, a colon, a bracket makes a box
/// taller), where the text layer gives them one size. A line larger than the body text whose size
/// is within [`SAME_SIZE`] of the line right above it takes that line's size, so the title stages
/// see one group.
fn same_size_as_line_above(lines: &mut [Line], body_size: f32) {
    for index in 1..lines.len() {
        let line = &lines[index];
        if line.size <= body_size {
            continue;
        }
        let above = lines[..index].iter().rev().take(6).find(|other| {
            other.y1 <= line.y0 + 0.3 * line.height() && line.y0 - other.y1 < line.height() && other.x0 < line.x1 && other.x1 > line.x0
        });
        if let Some(above) = above {
            let ratio = line.size / above.size;
            if (1.0 / SAME_SIZE..=SAME_SIZE).contains(&ratio) {
                lines[index].size = above.size;
            }
        }
    }
}

/// The width of a text in ems, roughly: a Han character is one, any other half.
fn ems(text: &str) -> f32 {
    text.trim().chars().map(|c| if (c as u32) < 0x2E80 { 0.5 } else { 1.0 }).sum()
}

/// Draws page `number` (1-based) of the PDF at `scale` pixels per point.
pub fn draw_page(bytes: &[u8], password: Option<&str>, number: u32, page_width: f32, scale: f32) -> Result<RgbImage, String> {
    let width = (page_width * scale).round().max(1.0) as u32;
    let drawn = draw_rgb(bytes, password, &[Picture::Page { page: number, width }]).map_err(|error| error.to_string())?;
    let (rgb, width, height) = drawn.into_iter().next().unwrap_or_else(|| Err(format!("page {number} was not drawn")))?;
    RgbImage::from_raw(width, height, rgb).ok_or_else(|| format!("page {number} was drawn with the wrong number of pixels"))
}

/// Reads one page: draws it and recognises its lines, as page lines in points.
pub fn read_page(engine: &mut Engine, bytes: &[u8], password: Option<&str>, number: u32, page_width: f32) -> Result<Vec<Line>, String> {
    let image = draw_page(bytes, password, number, page_width, OCR_SCALE)?;
    let read = engine.read_page(&image).map_err(|error| error.to_string())?;
    Ok(page_lines(&read, image.width() as f32 / page_width.max(1.0)))
}

/// The pages [`read_scanned_pages`] read, and what the report should say about them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScannedPages {
    /// 1-based pages whose lines now come from OCR.
    pub pages: Vec<u32>,
    /// Warnings naming the pages read, and those that could not be.
    pub warnings: Vec<String>,
}

/// Reads by OCR the pages that need it under `options.ocr` ([`needs_ocr`]), replacing their
/// lines in `pages` (one per page of `document`, in order). A page that fails (a broken image,
/// a picture too large) keeps its text layer and is named in a warning; the rest of the report
/// is kept. Missing models are a warning in `auto` mode and an error in `always` mode.
pub fn read_scanned_pages(bytes: &[u8], document: &Document, pages: &mut [SourcePage], options: &PdfOptions) -> Result<ScannedPages, PdfError> {
    let wanted: Vec<usize> = document
        .pages
        .iter()
        .enumerate()
        .filter(|(index, page)| index < &pages.len() && needs_ocr(page, options.ocr))
        .map(|(index, _)| index)
        .collect();
    let mut scanned = ScannedPages::default();
    if wanted.is_empty() {
        return Ok(scanned);
    }
    let numbers: Vec<u32> = wanted.iter().map(|&index| index as u32 + 1).collect();
    let mut engine = match Engine::load() {
        Ok(engine) => engine,
        Err(error) if options.ocr == OcrMode::Always => return Err(PdfError::OcrMissing(error.to_string())),
        Err(error) => {
            scanned.warnings.push(format!("pages {} have no text layer and were not read: {error}", crate::page_list(&numbers)));
            return Ok(scanned);
        }
    };
    let password = options.password.as_deref();
    let mut failed: Vec<(u32, String)> = Vec::new();
    for (done, &index) in wanted.iter().enumerate() {
        let number = index as u32 + 1;
        match read_page(&mut engine, bytes, password, number, document.pages[index].width) {
            Ok(lines) => {
                pages[index].lines = lines;
                pages[index].origin = LineOrigin::Ocr;
                scanned.pages.push(number);
            }
            Err(error) => failed.push((number, error)),
        }
        if let Some(progress) = options.progress {
            progress(done as u32 + 1, wanted.len() as u32);
        }
    }
    if !scanned.pages.is_empty() {
        scanned.warnings.push(format!("pages {} read by OCR (no text layer): their text may hold recognition errors", crate::page_list(&scanned.pages)));
    }
    if let Some((_, first)) = failed.first() {
        let numbers: Vec<u32> = failed.iter().map(|(number, _)| *number).collect();
        scanned.warnings.push(format!("OCR failed on pages {}: {first}", crate::page_list(&numbers)));
    }
    Ok(scanned)
}

/// What `yanbao ocr` shows of one page: the lines read, the text layer beside them (to measure
/// OCR against), and the page image when asked to keep it.
#[derive(Debug, Clone, Serialize)]
pub struct PageReading {
    /// 1-based page number.
    pub page: u32,
    /// Page width in points.
    pub width: f32,
    /// Page height in points.
    pub height: f32,
    /// Pixels per point of the image read.
    pub scale: f32,
    /// CPU milliseconds of recognition (drawing apart), on this thread.
    pub ocr_cpu_ms: u64,
    /// Lines read, boxes in points.
    pub lines: Vec<ReadLine>,
    /// The text layer's characters, boxes in points (when asked for).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_layer: Option<Vec<ReadLine>>,
    /// The page image read.
    #[serde(skip)]
    pub image: Option<RgbImage>,
}

/// A line (or a text-layer character) with its box in points.
#[derive(Debug, Clone, Serialize)]
pub struct ReadLine {
    /// The text.
    pub text: String,
    /// `[x0, y0, x1, y1]`, points from the page's top-left corner.
    #[serde(rename = "box")]
    pub bbox: [f32; 4],
    /// Recognition confidence, 0..1 (text-layer characters: absent).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<f32>,
}

/// The number of pages of a PDF.
pub fn page_count(bytes: &[u8], password: Option<&str>) -> Result<usize, PdfError> {
    Ok(crate::extract_document(bytes, password, PdfOptions::default().max_pages)?.page_count)
}

/// Reads the given pages of a PDF with OCR, whatever their text layer holds, drawn at `scale`
/// pixels per point; `on_page` is called after each page. One result per page, in order.
pub fn read_pages(
    bytes: &[u8],
    password: Option<&str>,
    pages: &[u32],
    scale: f32,
    text_layer: bool,
    keep_images: bool,
    on_page: &dyn Fn(),
) -> Result<Vec<Result<PageReading, String>>, PdfError> {
    let document = crate::extract_document(bytes, password, PdfOptions::default().max_pages)?;
    let mut engine = Engine::load().map_err(|error| PdfError::OcrMissing(error.to_string()))?;
    Ok(pages
        .iter()
        .map(|&number| {
            let reading = read_one(&mut engine, &document, bytes, password, number, scale, text_layer, keep_images);
            on_page();
            reading
        })
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn read_one(
    engine: &mut Engine,
    document: &crate::extract::Document,
    bytes: &[u8],
    password: Option<&str>,
    number: u32,
    scale: f32,
    text_layer: bool,
    keep_images: bool,
) -> Result<PageReading, String> {
    let page = document.pages.get(number.saturating_sub(1) as usize).ok_or_else(|| format!("page {number} is not in this pdf (it has {})", document.page_count))?;
    let image = draw_page(bytes, password, number, page.width, scale)?;
    let started = thread_cpu_ms();
    let read = engine.read_page(&image).map_err(|error| format!("page {number}: {error}"))?;
    let ocr_cpu_ms = thread_cpu_ms().saturating_sub(started);
    let scale = image.width() as f32 / page.width.max(1.0);
    let lines = read
        .iter()
        .map(|line| ReadLine {
            text: line.text.clone(),
            bbox: [line.area.x0 / scale, line.area.y0 / scale, line.area.x1 / scale, line.area.y1 / scale],
            confidence: Some(line.confidence),
        })
        .collect();
    let text_layer = text_layer.then(|| page.glyphs.iter().map(glyph_reading).collect());
    Ok(PageReading { page: number, width: page.width, height: page.height, scale, ocr_cpu_ms, lines, text_layer, image: keep_images.then_some(image) })
}

fn glyph_reading(glyph: &Glyph) -> ReadLine {
    ReadLine { text: glyph.ch.to_string(), bbox: [glyph.x0, glyph.y0, glyph.x1, glyph.y1], confidence: None }
}

/// CPU time of the calling thread in milliseconds (ONNX Runtime runs on it: one intra-op thread).
fn thread_cpu_ms() -> u64 {
    let mut time = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: valid pointer to a timespec; CLOCK_THREAD_CPUTIME_ID is supported on Linux and macOS.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
    time.tv_sec as u64 * 1000 + time.tv_nsec as u64 / 1_000_000
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Shape;
    use yanbao_ocr::detect::PixelBox;

    fn page(glyphs: usize, image: Option<(f32, f32, f32, f32)>) -> Page {
        let glyph = Glyph { ch: '中', x0: 0.0, y0: 0.0, x1: 10.0, y1: 10.0, size: 10.0, font: 0, bold: false };
        let shapes = image.map(|(x0, y0, x1, y1)| vec![Shape { x0, y0, x1, y1, image: true }]).unwrap_or_default();
        Page { width: 600.0, height: 800.0, glyphs: vec![glyph; glyphs], shapes }
    }

    #[test]
    fn auto_reads_pages_that_are_images_without_text() {
        let scan = page(0, Some((0.0, 0.0, 600.0, 800.0)));
        assert!(needs_ocr(&scan, OcrMode::Auto));
        assert!(!needs_ocr(&scan, OcrMode::Never));
        // A text page with a chart, and a blank page, are not read.
        assert!(!needs_ocr(&page(500, Some((0.0, 0.0, 600.0, 800.0))), OcrMode::Auto));
        assert!(!needs_ocr(&page(0, None), OcrMode::Auto));
        assert!(!needs_ocr(&page(0, Some((0.0, 0.0, 100.0, 100.0))), OcrMode::Auto), "a small logo is no scan");
        // An image hanging off the page counts only where it is on the page.
        assert!(needs_ocr(&page(3, Some((-100.0, -100.0, 500.0, 700.0))), OcrMode::Auto));
        assert!(needs_ocr(&page(500, None), OcrMode::Always));
    }

    #[test]
    fn modes_parse_and_say_what_is_wrong() {
        assert_eq!("Always".parse::<OcrMode>(), Ok(OcrMode::Always));
        assert_eq!(" never ".parse::<OcrMode>(), Ok(OcrMode::Never));
        assert!("sometimes".parse::<OcrMode>().unwrap_err().contains("auto, always or never"));
    }

    #[test]
    fn ocr_lines_become_page_lines_in_points() {
        let line = |text: &str, y0: f32, height: f32| OcrLine { text: text.into(), area: PixelBox { x0: 150.0, y0, x1: 750.0, y1: y0 + height }, confidence: 0.98, char_centres: vec![] };
        let read = vec![
            line(" 图1：上证指数走势 ", 300.0, 30.0),
            line("  ", 0.0, 10.0),
            line("正文第一行，字号相同，每行二十六个字的正文宽度相近。", 400.0, 27.0),
            line("正文第二行，带上标¹，每行二十六个字的正文宽度相近", 440.0, 33.0),
            // Body text whose box a superscript made tall: its characters are body-wide.
            OcrLine { text: "suggests that risk and return should be positively related.1 Consequently,".into(), area: PixelBox { x0: 150.0, y0: 500.0, x1: 1050.0, y1: 539.0 }, confidence: 0.9, char_centres: vec![] },
            line("正文第三行，字号相同，每行二十六个字的正文宽度相近。", 600.0, 30.0),
            line("正文第四行，字号相同，每行二十六个字的正文宽度相近。", 640.0, 30.0),
            line("大号标题文字", 100.0, 60.0),
        ];
        let lines = page_lines(&read, 1.5);
        assert_eq!(lines.len(), 7, "a blank read is no line");
        let first = &lines[0];
        assert_eq!(first.text, "图1：上证指数走势");
        assert_eq!((first.x0, first.y0, first.x1, first.y1), (100.0, 200.0, 500.0, 220.0));
        assert_eq!(first.chars, 9);
        // Lines near the median height share one size; the title keeps its own.
        assert!((first.size - 20.0 * SIZE_PER_BOX_HEIGHT).abs() < 1e-4);
        assert_eq!(lines[1].size, first.size);
        assert_eq!(lines[2].size, first.size);
        assert_eq!(lines[3].size, first.size, "a superscript does not make a heading");
        assert!((lines[6].size - 40.0 * SIZE_PER_BOX_HEIGHT).abs() < 1e-4, "the title keeps its size");
    }

    #[test]
    fn boxes_cut_from_one_line_are_joined_and_table_cells_are_not() {
        let at = |text: &str, x0: f32, x1: f32, y0: f32| OcrLine { text: text.into(), area: PixelBox { x0, y0, x1, y1: y0 + 12.0 }, confidence: 0.95, char_centres: vec![] };
        let read = vec![
            at("WIND资讯、国信证券经济研究所整理", 100.0, 225.0, 333.0),
            at("资料来源：", 63.0, 104.0, 333.5),
            at("2021", 300.0, 330.0, 400.0),
            at("2022", 350.0, 380.0, 400.0),
        ];
        let joined = join_touching(read);
        let texts: Vec<&str> = joined.iter().map(|line| line.text.as_str()).collect();
        assert_eq!(texts, ["资料来源：WIND资讯、国信证券经济研究所整理", "2021", "2022"], "joined in the order the pieces came");
        assert_eq!((joined[0].area.x0, joined[0].area.x1), (63.0, 225.0));
    }

    #[test]
    fn display_lines_take_one_size_and_vertical_banners_their_thickness() {
        let at = |text: &str, x0: f32, y0: f32, x1: f32, y1: f32| OcrLine { text: text.into(), area: PixelBox { x0, y0, x1, y1 }, confidence: 0.98, char_centres: vec![] };
        let mut read: Vec<OcrLine> = (0..6).map(|i| at("正文一行，字号相同，宽度相近的正文。", 150.0, 600.0 + 40.0 * i as f32, 750.0, 630.0 + 40.0 * i as f32)).collect();
        // A series line over its title: the descender of `p` makes its box 12 % taller.
        read.push(at("新量化择时指标之二Tsharp:", 150.0, 200.0, 900.0, 267.0));
        read.push(at("时变夏普比率把握长中短趋势", 150.0, 280.0, 900.0, 340.0));
        // A cover's vertical banner, four characters tall and one wide.
        read.push(at("究报告】", 40.0, 100.0, 80.0, 300.0));
        let lines = page_lines(&read, 1.0);
        let size = |text: &str| lines.iter().find(|line| line.text == text).map(|line| line.size).unwrap();
        assert_eq!(size("时变夏普比率把握长中短趋势"), size("新量化择时指标之二Tsharp:"));
        assert!(size("时变夏普比率把握长中短趋势") > 1.5 * size("正文一行，字号相同，宽度相近的正文。"));
        assert!((size("究报告】") - 40.0 * SIZE_PER_BOX_HEIGHT).abs() < 1e-4, "a vertical line is as large as it is thick");
        // A scanned title only a fifth taller than the body, but in far wider type.
        let mut scanned = read[..6].to_vec();
        scanned.push(at("Time Variations and Covariations", 100.0, 100.0, 1060.0, 136.0));
        let lines = page_lines(&scanned, 1.0);
        let body = lines[0].size;
        assert!(lines[6].size > 1.15 * body, "{} vs {body}", lines[6].size);
    }
}
