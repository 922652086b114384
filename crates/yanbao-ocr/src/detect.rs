//! Text detection around the PP-OCR DB model: the page image into the model's input, and the
//! model's text-probability map back into line boxes.
//!
//! DB ("differentiable binarisation") predicts, per pixel, how likely it lies in the shrunk core
//! of a text line. Cores are found as connected regions above [`DetectParams::threshold`], kept
//! when their mean probability reaches [`DetectParams::box_threshold`], and grown back to the
//! line's full extent by the "unclip" offset the model was trained with. Research reports print
//! horizontal lines, so boxes are axis-aligned rectangles (no rotated boxes).

use image::RgbImage;

/// Tuning of detection; the defaults are PP-OCRv4's (RapidOCR's configuration).
#[derive(Debug, Clone, Copy)]
pub struct DetectParams {
    /// Pixels above this probability are text core.
    pub threshold: f32,
    /// A region is kept when its mean probability reaches this.
    pub box_threshold: f32,
    /// How far a core grows back: `area × ratio / perimeter` on each side.
    pub unclip_ratio: f32,
    /// The shorter image side is scaled up to at least this before detection.
    pub min_side: u32,
    /// The longer image side is scaled down to at most this before detection: an A4 page at
    /// about 110 dpi, where report text is still found whole (docs/quality/ocr.md) at a third of
    /// the cost of 150 dpi.
    pub max_side: u32,
}

impl Default for DetectParams {
    fn default() -> Self {
        DetectParams { threshold: 0.3, box_threshold: 0.5, unclip_ratio: 1.6, min_side: 736, max_side: 1280 }
    }
}

/// At most this many line boxes per page (the topmost): a page of noise can hold tens of
/// thousands of regions, and lines are compared pairwise (see [`keep_out_of_neighbours`]).
pub const MAX_LINES: usize = 2000;

/// An axis-aligned box in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PixelBox {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
}

impl PixelBox {
    /// Width in pixels.
    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    /// Height in pixels.
    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// A detected line: where it is, and the part of that the model reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineBox {
    /// The line's box, grown back from the model's core (what the layout sees: its height is
    /// the line's type size, the same for every line of a paragraph).
    pub area: PixelBox,
    /// What recognition crops: the area, less any rows reaching into the line above or below
    /// (see [`keep_out_of_neighbours`]).
    pub read: PixelBox,
}

/// The model input for one image: CHW floats, its size, and the scale from the image to it.
#[derive(Debug)]
pub struct DetectInput {
    /// `3 × height × width` values, BGR planes normalised to [-1, 1] (the model was trained on
    /// OpenCV's BGR images).
    pub data: Vec<f32>,
    /// Input width (a multiple of 32).
    pub width: u32,
    /// Input height (a multiple of 32).
    pub height: u32,
    /// Input width / image width.
    pub scale_x: f32,
    /// Input height / image height.
    pub scale_y: f32,
}

/// The input size for an image: scaled so the short side reaches `min_side` and the long side
/// stays within `max_side`, each side then rounded to a multiple of 32 (the network's stride).
pub fn input_size(width: u32, height: u32, params: &DetectParams) -> (u32, u32) {
    let (w, h) = (width.max(1) as f32, height.max(1) as f32);
    let mut ratio = 1.0f32;
    if w.min(h) < params.min_side as f32 {
        ratio = params.min_side as f32 / w.min(h);
    }
    if w.max(h) * ratio > params.max_side as f32 {
        ratio = params.max_side as f32 / w.max(h);
    }
    let round32 = |v: f32| (((v / 32.0).round() as u32).max(1)) * 32;
    (round32(w * ratio), round32(h * ratio))
}

/// Resizes and normalises an image for the detection model.
pub fn prepare(image: &RgbImage, params: &DetectParams) -> DetectInput {
    let (width, height) = input_size(image.width(), image.height(), params);
    let resized = if (width, height) == image.dimensions() { None } else { resize(image, None, width, height) };
    let data = to_chw_bgr(resized.as_ref().unwrap_or(image));
    DetectInput { data, width, height, scale_x: width as f32 / image.width().max(1) as f32, scale_y: height as f32 / image.height().max(1) as f32 }
}

/// The part `crop` (`x, y, width, height`; the whole image when `None`) of an image, resized to
/// `width × height` with a bilinear filter. `fast_image_resize`'s SIMD convolution: the `image`
/// crate's took 100 ms for a page, a tenth of its detection. `None` when a size is zero or the
/// crop leaves the image.
pub fn resize(image: &RgbImage, crop: Option<(u32, u32, u32, u32)>, width: u32, height: u32) -> Option<RgbImage> {
    use fast_image_resize::{images::Image, images::ImageRef, FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
    if width == 0 || height == 0 || image.width() == 0 || image.height() == 0 {
        return None;
    }
    let source = ImageRef::new(image.width(), image.height(), image.as_raw(), PixelType::U8x3).ok()?;
    let mut options = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
    if let Some((x, y, w, h)) = crop {
        if w == 0 || h == 0 || x.saturating_add(w) > image.width() || y.saturating_add(h) > image.height() {
            return None;
        }
        options = options.crop(x as f64, y as f64, w as f64, h as f64);
    }
    let mut resized = Image::new(width, height, PixelType::U8x3);
    Resizer::new().resize(&source, &mut resized, &options).ok()?;
    RgbImage::from_raw(width, height, resized.into_vec())
}

/// Planar BGR floats normalised as `(v / 255 − 0.5) / 0.5`, the normalisation both models use.
pub fn to_chw_bgr(image: &RgbImage) -> Vec<f32> {
    let plane = image.width() as usize * image.height() as usize;
    let mut data = vec![0f32; 3 * plane];
    for (index, pixel) in image.pixels().enumerate() {
        // BGR order: plane 0 is blue.
        data[index] = pixel[2] as f32 / 127.5 - 1.0;
        data[plane + index] = pixel[1] as f32 / 127.5 - 1.0;
        data[2 * plane + index] = pixel[0] as f32 / 127.5 - 1.0;
    }
    data
}

/// Turns the model's probability map (`width × height`, row-major) into line boxes in the
/// coordinates of the map; divide by [`DetectInput::scale_x`]/`scale_y` for the image's.
pub fn boxes_from_map(map: &[f32], width: usize, height: usize, params: &DetectParams) -> Vec<LineBox> {
    if width == 0 || height == 0 || map.len() < width * height {
        return Vec::new();
    }
    // Binarise, then dilate by one pixel right and down (a 2 × 2 kernel, as PP-OCR does) so cores
    // broken by a thin gap join up.
    let core: Vec<bool> = map[..width * height].iter().map(|&p| p > params.threshold).collect();
    let mut mask = core.clone();
    for y in 0..height {
        for x in 0..width {
            if core[y * width + x] {
                if x + 1 < width {
                    mask[y * width + x + 1] = true;
                }
                if y + 1 < height {
                    mask[(y + 1) * width + x] = true;
                    if x + 1 < width {
                        mask[(y + 1) * width + x + 1] = true;
                    }
                }
            }
        }
    }
    // (grown box, core) of each line.
    let mut lines: Vec<(PixelBox, PixelBox)> = Vec::new();
    let mut seen = vec![false; width * height];
    let mut stack = Vec::new();
    for start in 0..width * height {
        if !mask[start] || seen[start] {
            continue;
        }
        // One 8-connected region: its bounding box.
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0usize, 0usize);
        seen[start] = true;
        stack.push(start);
        while let Some(index) = stack.pop() {
            let (x, y) = (index % width, index / width);
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
            for dy in -1i64..=1 {
                for dx in -1i64..=1 {
                    let (nx, ny) = (x as i64 + dx, y as i64 + dy);
                    if nx < 0 || ny < 0 || nx >= width as i64 || ny >= height as i64 {
                        continue;
                    }
                    let next = ny as usize * width + nx as usize;
                    if mask[next] && !seen[next] {
                        seen[next] = true;
                        stack.push(next);
                    }
                }
            }
        }
        let (w, h) = ((x1 - x0 + 1) as f32, (y1 - y0 + 1) as f32);
        if w.min(h) < 3.0 {
            continue;
        }
        // "Fast" box score: the mean probability over the box.
        let mut sum = 0f64;
        for y in y0..=y1 {
            sum += map[y * width + x0..=y * width + x1].iter().map(|&p| p as f64).sum::<f64>();
        }
        let score = sum / (w as f64 * h as f64);
        if score < params.box_threshold as f64 {
            continue;
        }
        // Unclip: grow each side by area × ratio / perimeter (the offset DB shrank cores by).
        let grow = w * h * params.unclip_ratio / (2.0 * (w + h));
        let grown = PixelBox {
            x0: (x0 as f32 - grow).max(0.0),
            y0: (y0 as f32 - grow).max(0.0),
            x1: (x1 as f32 + 1.0 + grow).min(width as f32),
            y1: (y1 as f32 + 1.0 + grow).min(height as f32),
        };
        if grown.width().min(grown.height()) < 5.0 {
            continue;
        }
        let core = PixelBox { x0: x0 as f32, y0: y0 as f32, x1: x1 as f32 + 1.0, y1: y1 as f32 + 1.0 };
        lines.push((grown, core));
    }
    // Reading order within the page is the layout's job; a stable top-down order helps tests.
    lines.sort_by(|a, b| (a.0.y0, a.0.x0).partial_cmp(&(b.0.y0, b.0.x0)).unwrap_or(std::cmp::Ordering::Equal));
    lines.truncate(MAX_LINES);
    let read = keep_out_of_neighbours(&lines);
    lines.iter().zip(read).map(|(&(area, _), read)| LineBox { area, read }).collect()
}

/// The grown boxes of `(grown, core)` lines, each cut where it would reach into the line above
/// or below it in the same column: at the middle of the gap between the two cores.
///
/// Unclipping grows a line by about its height on each side, which suits body text. Lines set
/// closer than that (a footnote in 6-point type, say) grow into each other, and a crop holding
/// its neighbours' ink reads as garbage: `urhase rpriategtiatd` for "purchases or privately
/// negotiated" in Alphabet's 10-K, which the cut box reads right. (Painting the neighbours' rows
/// over and reading the grown box instead was tried: the small type, smaller in the taller crop,
/// still read `purhase r privatl negtiatd`.) Only reading uses the cut box: given to the layout,
/// a paragraph's last line, cut on one side only, stood taller than the lines above it and was
/// taken for another block. Vertical lines are left as they are.
fn keep_out_of_neighbours(lines: &[(PixelBox, PixelBox)]) -> Vec<PixelBox> {
    let mut boxes: Vec<PixelBox> = lines.iter().map(|(grown, _)| *grown).collect();
    let horizontal = |b: &PixelBox| b.width() > b.height();
    for (i, (_, upper)) in lines.iter().enumerate() {
        for (j, (_, lower)) in lines.iter().enumerate() {
            let same_column = upper.x0.max(lower.x0) < upper.x1.min(lower.x1);
            let apart = i == j || !same_column || !horizontal(&lines[i].0) || !horizontal(&lines[j].0);
            if apart || lower.y0 < upper.y1 || boxes[i].y1 <= boxes[j].y0 {
                continue;
            }
            let middle = (upper.y1 + lower.y0) / 2.0;
            boxes[i].y1 = boxes[i].y1.min(middle);
            boxes[j].y0 = boxes[j].y0.max(middle);
        }
    }
    boxes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_sizes_are_multiples_of_32_within_the_limits() {
        let params = DetectParams::default();
        // An A4 page at 150 dpi is scaled to max_side, rounded to the stride.
        assert_eq!(input_size(1240, 1754, &params), (896, 1280));
        let wide = DetectParams { max_side: 2400, ..params };
        assert_eq!(input_size(1240, 1754, &wide), (1248, 1760));
        // A small crop is scaled up until its short side reaches min_side…
        assert_eq!(input_size(100, 60, &params), (1216, 736));
        // …unless its long side would pass max_side.
        assert_eq!(input_size(100, 50, &params), (1280, 640));
        // A huge page is scaled down to max_side.
        let (w, h) = input_size(10_000, 20_000, &params);
        assert!(h <= params.max_side + 16 && w % 32 == 0 && h % 32 == 0, "{w}×{h}");
        // Degenerate sizes never give a zero side.
        let (w, h) = input_size(0, 0, &params);
        assert!(w >= 32 && h >= 32);
    }

    #[test]
    fn two_lines_of_probability_become_two_grown_boxes() {
        let (width, height) = (100, 40);
        let mut map = vec![0f32; width * height];
        for y in 8..12 {
            for x in 10..90 {
                map[y * width + x] = 0.9;
            }
        }
        for y in 26..30 {
            for x in 10..50 {
                map[y * width + x] = 0.8;
            }
        }
        // Noise: one pixel and a faint region are not lines.
        map[35 * width + 95] = 0.99;
        for y in 33..38 {
            for x in 60..90 {
                map[y * width + x] = 0.35;
            }
        }
        let boxes = boxes_from_map(&map, width, height, &DetectParams::default());
        assert_eq!(boxes.len(), 2, "{boxes:?}");
        assert!(boxes.iter().all(|b| b.read == b.area), "nothing in the way");
        let first = boxes[0].area;
        assert!(first.x0 < 10.0 && first.x1 > 90.0, "grown sideways: {first:?}");
        assert!(first.y0 < 8.0 && first.y1 > 13.0, "grown vertically: {first:?}");
        assert!(boxes[1].area.y0 > first.y0);
    }

    #[test]
    fn lines_set_close_grow_up_to_the_middle_of_their_gap_not_into_each_other() {
        // Three lines three pixels high, three apart (a footnote's spacing), and a table cell
        // beside the middle one, in another column.
        let (width, height) = (120, 40);
        let mut map = vec![0f32; width * height];
        for (top, x0, x1) in [(10, 10, 80), (16, 10, 80), (22, 10, 80), (16, 90, 110)] {
            for y in top..top + 3 {
                for x in x0..x1 {
                    map[y * width + x] = 0.9;
                }
            }
        }
        let boxes = boxes_from_map(&map, width, height, &DetectParams::default());
        assert_eq!(boxes.len(), 4, "{boxes:?}");
        let column: Vec<PixelBox> = boxes.iter().map(|b| b.read).filter(|b| b.x0 < 50.0).collect();
        for pair in column.windows(2) {
            assert!(pair[0].y1 <= pair[1].y0, "overlapping lines: {pair:?}");
        }
        // Cut at the middle of each gap: cores 10..14, 16..20 and 22..26 once dilated a row
        // down, so at 15 and 21.
        assert_eq!((column[0].y1, column[1].y0, column[1].y1, column[2].y0), (15.0, 15.0, 21.0, 21.0));
        // Grown as before where nothing is in the way: above the first line, below the last,
        // and the cell of the other column.
        assert!(column[0].y0 < 10.0 - 1.0 && column[2].y1 > 25.0 + 1.0, "{column:?}");
        let cell = boxes.iter().find(|b| b.area.x0 > 85.0).unwrap();
        assert!(cell.read.y0 < 15.0 && cell.read.y1 > 20.0 && cell.read == cell.area, "{cell:?}");
        // The layout sees the grown boxes, one height for lines of one size.
        let areas: Vec<PixelBox> = boxes.iter().map(|b| b.area).filter(|b| b.x0 < 50.0).collect();
        assert!(areas.iter().all(|a| a.height() == areas[0].height()) && areas[0].y1 > areas[1].y0, "{areas:?}");
    }

    #[test]
    fn resizing_keeps_what_is_where_and_refuses_crops_outside_the_image() {
        // Left half black, right half white; a crop of the right half is white.
        let page = RgbImage::from_fn(200, 100, |x, _| if x < 100 { image::Rgb([0, 0, 0]) } else { image::Rgb([255, 255, 255]) });
        let half = resize(&page, None, 100, 50).expect("resized");
        assert_eq!(half.dimensions(), (100, 50));
        assert_eq!((half.get_pixel(10, 25)[0], half.get_pixel(90, 25)[0]), (0, 255));
        let right = resize(&page, Some((120, 10, 60, 40)), 30, 20).expect("cropped");
        assert!(right.pixels().all(|p| p[0] == 255));
        assert!(resize(&page, Some((150, 0, 60, 10)), 30, 5).is_none());
        assert!(resize(&page, None, 0, 5).is_none());
        // The model's input is the whole page at the stride's size.
        let input = prepare(&page, &DetectParams::default());
        assert_eq!((input.width, input.height), (1280, 640));
        assert_eq!(input.data.len(), 3 * 1280 * 640);
    }

    #[test]
    fn a_short_map_gives_nothing() {
        assert!(boxes_from_map(&[0.9; 10], 100, 100, &DetectParams::default()).is_empty());
    }
}
