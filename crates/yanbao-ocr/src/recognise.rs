//! Text recognition around the PP-OCR CRNN/SVTR model: line crops into the model's input, and
//! its per-step class probabilities back into text (greedy CTC decoding).
//!
//! The model reads a line scaled to 48 pixels high and emits one distribution over the character
//! set every 8 input pixels; a character is read where the best class changes to something other
//! than the CTC blank, which also places it along the line.

use image::imageops::FilterType;
use image::RgbImage;

use crate::detect::{to_chw_bgr, PixelBox};

/// Height the recognition model reads lines at.
pub const LINE_HEIGHT: u32 = 48;
/// Input pixels per output step.
pub const STEP: u32 = 8;
/// Lines are read at most this many heights wide (a full-width English line at 9 pt is about
/// 60): memory grows with width, and nothing printed on a page is longer.
pub const MAX_ASPECT: f32 = 160.0;

/// Tuning of recognition.
#[derive(Debug, Clone, Copy)]
pub struct RecogniseParams {
    /// Horizontal scale of a line beyond keeping its proportions at the model's height. The
    /// model emits a step every 8 pixels, six per square character at full width, where two
    /// suffice: narrowing lines cuts recognition time in proportion at no cost in accuracy on
    /// report text (measured in docs/quality/ocr.md).
    pub width_scale: f32,
}

impl Default for RecogniseParams {
    fn default() -> Self {
        RecogniseParams { width_scale: 0.6 }
    }
}

/// The character set of a model: class 0 is the CTC blank, then the model's characters, then a
/// space (PP-OCR's `use_space_char`).
#[derive(Debug, Clone)]
pub struct Charset {
    classes: Vec<String>,
}

impl Charset {
    /// Builds the set from the model's character list (one character per line, as stored in the
    /// recognition model's `character` metadata).
    pub fn from_list(list: &str) -> Charset {
        let mut classes = vec![String::new()];
        classes.extend(list.split('\n').map(|line| line.trim_end_matches('\r').to_string()).filter(|c| !c.is_empty()));
        classes.push(" ".to_string());
        Charset { classes }
    }

    /// Number of classes, blank included.
    pub fn len(&self) -> usize {
        self.classes.len()
    }

    /// True for a set with no character.
    pub fn is_empty(&self) -> bool {
        self.classes.len() <= 2
    }
}

/// A line crop ready for the model: normalised CHW at [`LINE_HEIGHT`], and the width it fills.
#[derive(Debug, Clone)]
pub struct LineInput {
    /// `3 × LINE_HEIGHT × width` values.
    pub data: Vec<f32>,
    /// Width of the scaled crop in pixels.
    pub width: u32,
}

/// Crops a box out of the page and scales it to the model's height, and its width by
/// `width_scale` more (see [`RecogniseParams::width_scale`]). Lines at least 1.5 times as tall
/// as wide are vertical text and are turned a quarter anticlockwise first.
pub fn prepare_line(page: &RgbImage, area: &PixelBox, width_scale: f32) -> Option<LineInput> {
    let x0 = area.x0.max(0.0).floor() as u32;
    let y0 = area.y0.max(0.0).floor() as u32;
    let x1 = (area.x1.ceil() as u32).min(page.width());
    let y1 = (area.y1.ceil() as u32).min(page.height());
    if x1 <= x0 + 1 || y1 <= y0 + 1 {
        return None;
    }
    let mut crop = image::imageops::crop_imm(page, x0, y0, x1 - x0, y1 - y0).to_image();
    if crop.height() as f32 >= 1.5 * crop.width() as f32 {
        crop = image::imageops::rotate270(&crop);
    }
    let aspect = (crop.width() as f32 / crop.height() as f32).min(MAX_ASPECT);
    let width = ((LINE_HEIGHT as f32 * aspect * width_scale.clamp(0.2, 2.0)).ceil() as u32).max(STEP);
    let scaled = image::imageops::resize(&crop, width, LINE_HEIGHT, FilterType::Triangle);
    Some(LineInput { data: to_chw_bgr(&scaled), width })
}

/// Packs lines of one batch into one `N × 3 × 48 × W` input, each padded on the right with the
/// normalised zero (mid grey) to the widest, as PP-OCR pads.
pub fn batch(lines: &[&LineInput]) -> (Vec<f32>, u32) {
    let width = lines.iter().map(|line| line.width).max().unwrap_or(STEP).div_ceil(STEP) * STEP;
    let plane = (LINE_HEIGHT * width) as usize;
    let mut data = vec![0f32; lines.len() * 3 * plane];
    for (n, line) in lines.iter().enumerate() {
        let line_width = line.width as usize;
        for channel in 0..3 {
            for row in 0..LINE_HEIGHT as usize {
                let from = channel * LINE_HEIGHT as usize * line_width + row * line_width;
                let to = n * 3 * plane + channel * plane + row * width as usize;
                data[to..to + line_width].copy_from_slice(&line.data[from..from + line_width]);
            }
        }
    }
    (data, width)
}

/// What one line reads as.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text.
    pub text: String,
    /// Mean probability of the characters read (0 when none).
    pub confidence: f32,
    /// For each character of `text`, the output step it was read at.
    pub steps: Vec<usize>,
}

/// Greedy CTC decoding of one line's `steps × classes` probabilities: the best class per step,
/// repeats merged, blanks dropped.
pub fn decode(probabilities: &[f32], classes: usize, charset: &Charset) -> Decoded {
    let mut text = String::new();
    let mut steps = Vec::new();
    let mut confidence = 0f32;
    let mut previous = usize::MAX;
    for (step, row) in probabilities.chunks_exact(classes.max(1)).enumerate() {
        let (best, p) = row.iter().copied().enumerate().fold((0, f32::MIN), |acc, (i, p)| if p > acc.1 { (i, p) } else { acc });
        if best != 0 && best != previous {
            if let Some(class) = charset.classes.get(best) {
                for _ in class.chars() {
                    steps.push(step);
                }
                text.push_str(class);
                confidence += p;
            }
        }
        previous = best;
    }
    let read = steps.len();
    Decoded { text, confidence: if read == 0 { 0.0 } else { confidence / read as f32 }, steps }
}

/// Puts back word spaces the model left out between Latin words (`ReportsSecond`, `26,2023`):
/// a gap between two Latin letters, digits or punctuation marks of at least 1.6 times the
/// line's usual spacing, and at least 1.5 steps more, is a space (a thousands comma sits tight:
/// `31,999` stays whole). Han text has no spaces to find and is left as it is.
pub fn space_words(decoded: Decoded) -> Decoded {
    let chars: Vec<char> = decoded.text.chars().collect();
    if chars.len() != decoded.steps.len() || chars.len() < 3 {
        return decoded;
    }
    let latin = |c: char| c.is_ascii_graphic();
    let mut gaps: Vec<usize> = chars.windows(2).zip(decoded.steps.windows(2)).filter(|(c, _)| latin(c[0]) && latin(c[1])).map(|(_, s)| s[1] - s[0]).collect();
    if gaps.len() < 2 {
        return decoded;
    }
    gaps.sort_unstable();
    let usual = gaps[gaps.len() / 2] as f32;
    let mut text = String::with_capacity(decoded.text.len() + 8);
    let mut steps = Vec::with_capacity(decoded.steps.len() + 8);
    for index in 0..chars.len() {
        if index > 0 && latin(chars[index - 1]) && latin(chars[index]) {
            let gap = (decoded.steps[index] - decoded.steps[index - 1]) as f32;
            if gap >= 1.6 * usual && gap >= usual + 1.5 {
                text.push(' ');
                steps.push((decoded.steps[index] + decoded.steps[index - 1]) / 2);
            }
        }
        text.push(chars[index]);
        steps.push(decoded.steps[index]);
    }
    Decoded { text, steps, ..decoded }
}

/// Gives Chinese text its own punctuation back: the model often reads a full-width mark as its
/// ASCII twin (`“` as `"`, `：` as `:`), which a Chinese report does not print next to Han
/// characters. A `"` in a line with Han text becomes `“` or `”` by turns; `, : ; ? !` after a Han
/// character, and `( )` around one, become full-width; a space beside a full-width mark goes.
/// Lines without Han characters are left as they are (`1,000`, `"quoted"` in English).
pub fn han_punctuation(decoded: Decoded) -> Decoded {
    let chars: Vec<char> = decoded.text.chars().collect();
    if chars.len() != decoded.steps.len() || !chars.iter().copied().any(is_han) {
        return decoded;
    }
    let neighbour = |index: usize, step: isize| {
        let mut at = index as isize + step;
        while at >= 0 && (at as usize) < chars.len() && chars[at as usize] == ' ' {
            at += step;
        }
        (at >= 0 && (at as usize) < chars.len()).then(|| chars[at as usize])
    };
    let mut marks: Vec<char> = Vec::with_capacity(chars.len());
    let (mut quotes, mut open_brackets) = (0usize, 0usize);
    for (index, &c) in chars.iter().enumerate() {
        let (before, after) = (neighbour(index, -1), neighbour(index, 1));
        let han_before = before.is_some_and(|b| is_han(b) || is_full_width_mark(b));
        let han_after = after.is_some_and(is_han);
        let mark = match c {
            '"' => {
                quotes += 1;
                if quotes % 2 == 1 { '“' } else { '”' }
            }
            ',' if han_before => '，',
            ':' if han_before => '：',
            ';' if han_before => '；',
            '?' if han_before => '？',
            '!' if han_before => '！',
            '(' if han_before || han_after => {
                open_brackets += 1;
                '（'
            }
            ')' if open_brackets > 0 || han_before => {
                open_brackets = open_brackets.saturating_sub(1);
                '）'
            }
            other => other,
        };
        marks.push(mark);
    }
    let mut text = String::with_capacity(decoded.text.len() + 8);
    let mut steps = Vec::with_capacity(marks.len());
    for (index, &c) in marks.iter().enumerate() {
        let beside_mark = |at: Option<usize>| at.and_then(|at| marks.get(at)).is_some_and(|&m| is_full_width_mark(m));
        if c == ' ' && (beside_mark(index.checked_sub(1)) || beside_mark(Some(index + 1))) {
            continue;
        }
        text.push(c);
        steps.push(decoded.steps[index]);
    }
    Decoded { text, steps, ..decoded }
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

fn is_full_width_mark(c: char) -> bool {
    matches!(c, '“' | '”' | '，' | '：' | '；' | '？' | '！' | '（' | '）' | '。' | '、')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(text: &str) -> Decoded {
        Decoded { text: text.into(), confidence: 0.9, steps: (0..text.chars().count()).map(|i| i * 3).collect() }
    }

    #[test]
    fn chinese_lines_get_full_width_punctuation_back() {
        assert_eq!(han_punctuation(decoded("\" Trader-Company\"集成算法交易策略")).text, "“Trader-Company”集成算法交易策略");
        assert_eq!(han_punctuation(decoded("新量化择时指标之二Tsharp:")).text, "新量化择时指标之二Tsharp:");
        assert_eq!(han_punctuation(decoded("研究结论:股票(600519)上涨,涨幅1,000点")).text, "研究结论：股票（600519）上涨，涨幅1,000点");
        // English stays English; steps follow the characters kept.
        assert_eq!(han_punctuation(decoded("\"Revenue\" grew 1,000 (net)")).text, "\"Revenue\" grew 1,000 (net)");
        let fixed = han_punctuation(decoded("\" A\"中"));
        assert_eq!(fixed.text.chars().count(), fixed.steps.len());
    }

    fn charset() -> Charset {
        Charset::from_list("中\n国\na\nb\n")
    }

    #[test]
    fn wide_gaps_between_latin_letters_are_spaces() {
        let decoded = Decoded { text: "MetaReports2023".into(), confidence: 0.9, steps: vec![0, 3, 6, 9, 15, 18, 21, 24, 27, 30, 33, 39, 42, 45, 48] };
        assert_eq!(space_words(decoded).text, "Meta Reports 2023");
        let comma = Decoded { text: "July26,2023;31,999".into(), confidence: 0.9, steps: vec![0, 3, 6, 9, 15, 18, 20, 26, 29, 32, 35, 37, 43, 46, 48, 50, 53, 56] };
        assert_eq!(space_words(comma).text, "July 26, 2023; 31,999");
        // Han characters and evenly spaced letters are left alone.
        let han = Decoded { text: "上证指数ABC".into(), confidence: 0.9, steps: vec![0, 9, 18, 27, 30, 33, 36] };
        assert_eq!(space_words(han.clone()), han);
    }

    #[test]
    fn the_charset_has_blank_first_and_space_last() {
        let set = charset();
        assert_eq!(set.len(), 6);
        assert_eq!(set.classes[0], "");
        assert_eq!(set.classes[5], " ");
    }

    #[test]
    fn decoding_merges_repeats_and_drops_blanks() {
        let set = charset();
        let one_hot = |class: usize, p: f32| {
            let mut row = vec![0.0f32; set.len()];
            row[class] = p;
            row
        };
        // 中 中 blank 中 国 国 space a
        let rows = [one_hot(1, 0.9), one_hot(1, 0.8), one_hot(0, 0.9), one_hot(1, 0.7), one_hot(2, 0.6), one_hot(2, 0.9), one_hot(5, 0.9), one_hot(3, 1.0)];
        let flat: Vec<f32> = rows.concat();
        let decoded = decode(&flat, set.len(), &set);
        assert_eq!(decoded.text, "中中国 a");
        assert_eq!(decoded.steps, vec![0, 3, 4, 6, 7]);
        assert!((decoded.confidence - (0.9 + 0.7 + 0.6 + 0.9 + 1.0) / 5.0).abs() < 1e-5);
        assert_eq!(decode(&[], set.len(), &set).text, "");
    }

    #[test]
    fn a_line_is_scaled_to_the_model_height_and_batches_pad_to_the_widest() {
        let page = RgbImage::from_pixel(200, 100, image::Rgb([255, 255, 255]));
        let wide = prepare_line(&page, &PixelBox { x0: 10.0, y0: 10.0, x1: 110.0, y1: 30.0 }, 1.0).unwrap();
        assert_eq!(wide.width, 240);
        assert_eq!(wide.data.len(), 3 * 48 * 240);
        let narrow = prepare_line(&page, &PixelBox { x0: 0.0, y0: 0.0, x1: 20.0, y1: 20.0 }, 1.0).unwrap();
        assert_eq!(narrow.width, 48);
        let half = prepare_line(&page, &PixelBox { x0: 10.0, y0: 10.0, x1: 110.0, y1: 30.0 }, 0.5).unwrap();
        assert_eq!(half.width, 120, "narrowed by half");
        let (data, width) = batch(&[&wide, &narrow]);
        assert_eq!(width, 240);
        assert_eq!(data.len(), 2 * 3 * 48 * 240);
        // White is 1.0 after normalisation; padding is 0.0.
        let second = 3 * 48 * 240;
        assert_eq!(data[second], 1.0);
        assert_eq!(data[second + 100], 0.0);
        // Boxes outside the page or of no size give nothing.
        assert!(prepare_line(&page, &PixelBox { x0: 300.0, y0: 0.0, x1: 400.0, y1: 20.0 }, 1.0).is_none());
        assert!(prepare_line(&page, &PixelBox { x0: 5.0, y0: 5.0, x1: 5.5, y1: 30.0 }, 1.0).is_none());
    }
}
