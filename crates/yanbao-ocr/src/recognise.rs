//! Text recognition around the PP-OCR CRNN/SVTR model: line crops into the model's input, and
//! its per-step class probabilities back into text (greedy CTC decoding).
//!
//! The model reads a line scaled to 48 pixels high and emits one distribution over the character
//! set every 8 input pixels; a character is read where the best class changes to something other
//! than the CTC blank, which also places it along the line.

use image::RgbImage;

use crate::detect::{resize, to_chw_bgr, PixelBox};
use yanbao_model::normalize::is_han;

/// Height the recognition model reads lines at.
pub const LINE_HEIGHT: u32 = 48;
/// Input pixels per output step.
pub const STEP: u32 = 8;
/// Lines are read at most this many heights wide (a full-width English line at 9 pt is about
/// 60): memory grows with width, and nothing printed on a page is longer.
pub const MAX_ASPECT: f32 = 160.0;

/// Lines narrower than this at the model's height (a table cell, a page number) are read with
/// [`SHORT_MARGIN`] columns of background either side: with its ink touching the image's edges
/// the model reads a cell's lone `0` as `o` or as nothing (Chinese CER 3.3 → 2.9 %,
/// docs/quality/ocr.md; 8 columns gave 3.0 % in the same time).
pub const SHORT_LINE: u32 = 4 * LINE_HEIGHT;
/// See [`SHORT_LINE`].
pub const SHORT_MARGIN: u32 = LINE_HEIGHT / 4;

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
    /// For each column of the scaled crop, true when it holds no ink (see [`blank_columns`]).
    pub blank: Vec<bool>,
    /// Columns of background added on either side of the crop (short lines, see [`SHORT_LINE`]).
    pub margin: u32,
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
    let (box_width, box_height) = (x1 - x0, y1 - y0);
    // A vertical line is turned first; a horizontal one is scaled straight from the page.
    let vertical = box_height as f32 >= 1.5 * box_width as f32;
    let turned = vertical.then(|| image::imageops::rotate270(&*image::imageops::crop_imm(page, x0, y0, box_width, box_height)));
    let (source, crop, (crop_width, crop_height)) = match &turned {
        Some(turned) => (turned, None, turned.dimensions()),
        None => (page, Some((x0, y0, box_width, box_height)), (box_width, box_height)),
    };
    let aspect = (crop_width as f32 / crop_height as f32).min(MAX_ASPECT);
    let width = ((LINE_HEIGHT as f32 * aspect * width_scale.clamp(0.2, 2.0)).ceil() as u32).max(STEP);
    let scaled = resize(source, crop, width, LINE_HEIGHT)?;
    let (scaled, margin) = if width < SHORT_LINE { (with_margins(&scaled, SHORT_MARGIN), SHORT_MARGIN) } else { (scaled, 0) };
    Some(LineInput { data: to_chw_bgr(&scaled), width: scaled.width(), blank: blank_columns(&scaled), margin })
}

/// A line image with `margin` columns of its background (its median pixel) added on either side.
fn with_margins(image: &RgbImage, margin: u32) -> RgbImage {
    let mut pixels: Vec<[u8; 3]> = image.pixels().map(|p| p.0).collect();
    pixels.sort_unstable_by_key(|p| p[0] as u32 + p[1] as u32 + p[2] as u32);
    let background = image::Rgb(pixels.get(pixels.len() / 2).copied().unwrap_or([255, 255, 255]));
    let mut out = RgbImage::from_pixel(image.width() + 2 * margin, image.height(), background);
    image::imageops::replace(&mut out, image, margin as i64, 0);
    out
}

/// The columns of a line image with no ink in them: a pixel is ink when it stands out from the
/// line's background (its median brightness) by over a third of the line's contrast. Only the
/// middle rows count, where a neighbouring line's ascenders or descenders caught in the box do
/// not reach. Blank runs are what separates words; the gaps between letters of a word are a
/// pixel or two, or none.
pub fn blank_columns(image: &RgbImage) -> Vec<bool> {
    let (width, height) = (image.width() as usize, image.height() as usize);
    if width == 0 || height == 0 {
        return Vec::new();
    }
    let luma: Vec<i32> = image.pixels().map(|p| (299 * p[0] as i32 + 587 * p[1] as i32 + 114 * p[2] as i32) / 1000).collect();
    // Every line is measured: the median by selection, not a sort of the whole line.
    let mut scratch = luma.clone();
    let middle = scratch.len() / 2;
    let background = *scratch.select_nth_unstable(middle).1;
    let (darkest, brightest) = luma.iter().fold((i32::MAX, i32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let contrast = (brightest - background).max(background - darkest);
    let threshold = (contrast / 3).max(24);
    let (top, bottom) = (height * 3 / 20, height - height * 3 / 20);
    (0..width).map(|x| (top..bottom).all(|y| (luma[y * width + x] - background).abs() <= threshold)).collect()
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

/// Puts back word spaces the model left out between Latin words (`addressthese`, `26,2023`),
/// found in the line image rather than in the model's output: a blank gap between two Latin
/// letters, digits or marks at least as wide as an eighth of the line's height (a narrow word
/// space of justified text; letters of a word sit 0–4 pixels apart at the model's 48), at least
/// 0.6 times the spaces the model did read on the line, and over twice its usual letter gap
/// (letter-spaced capitals). `pixels_per_step` maps the model's steps to columns of the line
/// image, whose width was scaled by `width_scale`; digits and marks ask more (see
/// `word_break_weight`). Han text has no spaces to find and is left as
/// it is; a thousands comma sits tight (`31,999` stays whole) and a wide `m` is one letter.
pub fn space_words(decoded: Decoded, blank: &[bool], pixels_per_step: f32, width_scale: f32) -> Decoded {
    let chars: Vec<char> = decoded.text.chars().collect();
    if chars.len() != decoded.steps.len() || chars.len() < 2 || blank.is_empty() {
        return decoded;
    }
    let latin = |c: char| c.is_ascii_graphic();
    let gaps = glyph_gaps(&decoded, blank, pixels_per_step);
    // Gaps across the spaces the model read (between the characters either side), and between
    // Latin characters it read as one word.
    let mut spaced: Vec<usize> = Vec::new();
    let mut tight: Vec<usize> = Vec::new();
    for index in 1..chars.len() {
        if latin(chars[index - 1]) && latin(chars[index]) {
            tight.push(gaps[index - 1]);
        } else if chars[index] == ' ' && index + 1 < chars.len() && latin(chars[index - 1]) && latin(chars[index + 1]) {
            spaced.push(gaps[index - 1].max(gaps[index]));
        }
    }
    if tight.is_empty() {
        return decoded;
    }
    let median = |values: &mut Vec<usize>| {
        values.sort_unstable();
        values[values.len() / 2] as f32
    };
    let mut least = (LINE_HEIGHT as f32 * width_scale / 8.0).max(2.0);
    if spaced.len() >= 2 {
        least = least.max(0.6 * median(&mut spaced));
    }
    least = least.max(2.0 * median(&mut tight) + 1.0);
    let mut text = String::with_capacity(decoded.text.len() + 8);
    let mut steps = Vec::with_capacity(decoded.steps.len() + 8);
    for index in 0..chars.len() {
        if index > 0 && latin(chars[index - 1]) && latin(chars[index]) && gaps[index - 1] as f32 >= least * word_break_weight(chars[index - 1], chars[index]) {
            text.push(' ');
            steps.push((decoded.steps[index] + decoded.steps[index - 1]) / 2);
        }
        text.push(chars[index]);
        steps.push(decoded.steps[index]);
    }
    Decoded { text, steps, ..decoded }
}

/// How much wider than a word space a gap between `before` and `after` must be to part them:
/// never before a closing mark or after an opening one (`31 ,` `( a`); twice between digits,
/// whose figures are set on one width, so a narrow `1` stands in a wide cell (`2015`, `18`).
fn word_break_weight(before: char, after: char) -> f32 {
    if matches!(after, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '%') || matches!(before, '(' | '[' | '{') {
        f32::INFINITY
    } else if before.is_ascii_digit() && after.is_ascii_digit() {
        2.0
    } else {
        1.0
    }
}

/// The blank columns between each character and the next, in pixels of the line image: each
/// character is placed on the run of ink columns nearest the step it was read at, and the gap is
/// the widest blank run between its run and the next character's (0 for characters on one run
/// of ink: touching letters, or two read from one glyph). `pixels_per_step` maps steps to columns.
pub fn glyph_gaps(decoded: &Decoded, blank: &[bool], pixels_per_step: f32) -> Vec<usize> {
    let ink = ink_runs(blank);
    let runs = runs_of_characters(decoded, &ink, pixels_per_step);
    runs.windows(2)
        .map(|pair| match (pair[0], pair[1]) {
            (Some(a), Some(b)) if b > a => (a..b).map(|r| ink[r + 1].0 - ink[r].1 - 1).max().unwrap_or(0),
            _ => 0,
        })
        .collect()
}

/// Gives bullets their shape back; the model reads a round bullet as punctuation.
///
/// - As the middle dot `·` (a list's `•`, the `●` of `ALPHABET INC. ● ANNUAL REPORT`), though a
///   middle dot's ink is a sliver (a period's width, a tenth of the line's height) and a
///   bullet's most of a letter wide: a `·` alone on a run of ink at least a fifth of the line's
///   height wide (scaled by `width_scale`) is a bullet.
/// - As the full stop `。` opening a line of Chinese (a Wingdings `l` drawn as a dot before each
///   point of a summary): Chinese typesetting never begins a line with `。`, so one that opens
///   a line with more after it is a bullet.
///
/// The bullet is written `•`, which the layout takes for a list marker. The ink tells a bullet
/// from a dot, not which bullet: `•` and `●` differ in size by font, and on the corpus their
/// widths overlap (`●` 11–13 columns, `•` 9–15), so the bullet is the common one, `•` (20 of the
/// 23 bullets the model reads as `·` on the corpus pages measured).
pub fn bullets(decoded: Decoded, blank: &[bool], pixels_per_step: f32, width_scale: f32) -> Decoded {
    let mut chars: Vec<char> = decoded.text.chars().collect();
    if chars.len() != decoded.steps.len() {
        return decoded;
    }
    let opening = chars.iter().position(|c| !c.is_whitespace());
    if let Some(first) = opening.filter(|&first| chars[first] == '。') {
        if chars[first + 1..].iter().any(|c| !c.is_whitespace() && *c != '。') {
            chars[first] = '•';
        }
    }
    if chars.contains(&'·') {
        let ink = ink_runs(blank);
        let runs = runs_of_characters(&decoded, &ink, pixels_per_step);
        let least = 0.2 * LINE_HEIGHT as f32 * width_scale;
        for index in 0..chars.len() {
            let Some(run) = runs[index].filter(|_| chars[index] == '·') else { continue };
            // A space has no ink of its own: it lies on whichever run is nearest.
            let alone = runs.iter().enumerate().all(|(other, &r)| other == index || chars[other] == ' ' || r != Some(run));
            let width = (ink[run].1 - ink[run].0 + 1) as f32;
            if alone && width >= least {
                chars[index] = '•';
            }
        }
    }
    Decoded { text: chars.into_iter().collect(), ..decoded }
}

/// Mean width of a line image's runs of ink columns, in pixels of the image: Han characters
/// are about as wide as the line is high and print as wide runs; Latin letters and figures are
/// half as wide and print as narrow ones. `None` for a line without ink.
pub fn mean_ink_run(blank: &[bool]) -> Option<f32> {
    let ink = ink_runs(blank);
    let columns: usize = ink.iter().map(|run| run.1 - run.0 + 1).sum();
    (!ink.is_empty()).then(|| columns as f32 / ink.len() as f32)
}

/// Runs of ink columns, as (first, last) column.
fn ink_runs(blank: &[bool]) -> Vec<(usize, usize)> {
    let mut ink: Vec<(usize, usize)> = Vec::new();
    for (x, &empty) in blank.iter().enumerate() {
        if empty {
            continue;
        }
        match ink.last_mut() {
            Some(run) if run.1 + 1 == x => run.1 = x,
            _ => ink.push((x, x)),
        }
    }
    ink
}

/// For each character, the ink run nearest the step it was read at (None on a blank line).
fn runs_of_characters(decoded: &Decoded, ink: &[(usize, usize)], pixels_per_step: f32) -> Vec<Option<usize>> {
    let run_of = |step: usize| -> Option<usize> {
        let centre = (step as f32 + 0.5) * pixels_per_step;
        let distance = |run: &(usize, usize)| if centre < run.0 as f32 { run.0 as f32 - centre } else if centre > run.1 as f32 { centre - run.1 as f32 } else { 0.0 };
        (0..ink.len()).min_by(|&a, &b| distance(&ink[a]).total_cmp(&distance(&ink[b])))
    };
    decoded.steps.iter().map(|&step| run_of(step)).collect()
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
    fn mean_ink_run_is_the_average_width_of_inked_runs() {
        let blank: Vec<bool> = "..##..####......######..".chars().map(|c| c == '.').collect();
        assert_eq!(mean_ink_run(&blank), Some(4.0));
        assert_eq!(mean_ink_run(&[true, true]), None);
        assert_eq!(mean_ink_run(&[]), None);
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

    /// A line drawn as columns: each character of `text` is `ink` columns of ink (a space none),
    /// followed by the blank columns `gaps` gives after it (`gaps[i]` after character `i`);
    /// each character is read at the step of its middle column (one column a step).
    fn drawn(text: &str, gaps: &[usize], ink: impl Fn(char) -> usize) -> (Decoded, Vec<bool>) {
        let mut blank = vec![true; 2];
        let mut steps = Vec::new();
        for (c, &gap) in text.chars().zip(gaps) {
            let width = if c == ' ' { 0 } else { ink(c) };
            steps.push(blank.len() + width / 2);
            blank.extend(std::iter::repeat_n(false, width));
            blank.extend(std::iter::repeat_n(true, gap));
        }
        (Decoded { text: text.into(), confidence: 0.9, steps }, blank)
    }

    fn spaced(text: &str, gaps: &[usize]) -> String {
        let (decoded, blank) = drawn(text, gaps, |c| if c == 'm' || c == 'M' { 9 } else { 5 });
        space_words(decoded, &blank, 1.0, 1.0).text
    }

    #[test]
    fn wide_blank_gaps_between_latin_letters_are_spaces() {
        // Letters 1–2 columns apart, words 7 (a narrow space of justified text at the model's 48).
        assert_eq!(spaced("MetaReports2023", &[1, 2, 1, 7, 1, 2, 1, 1, 2, 1, 7, 1, 2, 1, 3]), "Meta Reports 2023");
        assert_eq!(spaced("July26,2023;31,999", &[1, 2, 1, 7, 1, 0, 7, 1, 1, 2, 1, 7, 1, 1, 1, 1, 1, 3]), "July 26, 2023; 31,999");
        // A wide `m` is one letter (the model's steps jump across it; the ink does not part).
        assert_eq!(spaced("common", &[1, 1, 1, 1, 1, 3]), "common");
        assert_eq!(spaced("COMMON", &[2, 2, 2, 2, 2, 3]), "COMMON");
        // A narrow `1` in a figure's cell does not part a number; no space goes before a comma.
        assert_eq!(spaced("2015,1,657", &[1, 8, 8, 1, 1, 8, 1, 8, 1, 3]), "2015,1,657");
        assert_eq!(spaced("18and2019", &[8, 7, 1, 1, 7, 1, 1, 1, 3]), "18 and 2019");
        assert_eq!(spaced("20152016", &[1, 1, 1, 20, 1, 1, 1, 3]), "2015 2016");
        // Letter-spaced capitals are one word however wide their spacing.
        assert_eq!(spaced("PART", &[8, 8, 8, 3]), "PART");
        // Spaces the model read set the scale: on a line whose spaces are 16 columns, a 7-column
        // gap is not one.
        assert_eq!(spaced("our stock, sucha case", &[1, 1, 16, 0, 1, 1, 1, 1, 1, 16, 0, 1, 1, 1, 1, 7, 16, 0, 1, 1, 1, 3]), "our stock, sucha case");
        // Han text is left alone.
        let (han, blank) = drawn("上证指数ABC", &[9, 9, 9, 9, 9, 9, 3], |_| 5);
        assert_eq!(space_words(han.clone(), &blank, 1.0, 1.0), han);
    }

    #[test]
    fn gaps_are_measured_between_the_ink_nearest_each_character() {
        let (decoded, blank) = drawn("ab c", &[2, 3, 0, 4], |_| 5);
        // a→b 2; b→space: the space has no ink, so it lies on the nearest run (c's, or b's).
        let gaps = glyph_gaps(&decoded, &blank, 1.0);
        assert_eq!(gaps.len(), 3);
        assert_eq!(gaps[0], 2);
        assert_eq!(gaps[1] + gaps[2], 3);
        // A blank profile from a real crop: dark strokes on white, blank between them.
        let mut image = RgbImage::from_pixel(20, 48, image::Rgb([255, 255, 255]));
        for y in 10..38 {
            for x in [3, 4, 12, 13] {
                image.put_pixel(x, y, image::Rgb([20, 20, 20]));
            }
        }
        let blank = blank_columns(&image);
        assert_eq!(blank.iter().filter(|&&b| !b).count(), 4);
        assert!(blank[0] && !blank[3] && blank[8] && !blank[13] && blank[19]);
    }

    #[test]
    fn bullets_read_as_punctuation_are_bullets() {
        // A dot a quarter of the line wide (12 columns at 48) between words: a bullet.
        let (title, blank) = drawn("INC. · ANNUAL", &[1, 1, 1, 5, 0, 5, 0, 1, 1, 1, 1, 1, 3], |c| if c == '·' { 12 } else { 5 });
        assert_eq!(bullets(title, &blank, 1.0, 1.0).text, "INC. • ANNUAL");
        // A middle dot is a sliver: a name's `·` stays.
        let (name, blank) = drawn("沃伦·巴菲特", &[2, 2, 2, 2, 2, 3], |c| if c == '·' { 5 } else { 20 });
        assert_eq!(bullets(name, &blank, 1.0, 1.0).text, "沃伦·巴菲特");
        // A dot on the same ink as the letter beside it (touching) is not a glyph of its own.
        let (joined, blank) = drawn("A·", &[0, 3], |_| 20);
        assert_eq!(bullets(joined, &blank, 1.0, 1.0).text, "A·");
        // A full stop never opens a line of Chinese: one that does is a bullet; one closing a
        // line, or alone, is a full stop.
        assert_eq!(bullets(decoded("。顺应下游需求扩张。"), &[], 1.0, 1.0).text, "•顺应下游需求扩张。");
        assert_eq!(bullets(decoded("需求扩张。"), &[], 1.0, 1.0).text, "需求扩张。");
        assert_eq!(bullets(decoded("。"), &[], 1.0, 1.0).text, "。");
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
        assert_eq!(wide.margin, 0);
        // Short lines get a quarter of the height of background either side.
        let narrow = prepare_line(&page, &PixelBox { x0: 0.0, y0: 0.0, x1: 20.0, y1: 20.0 }, 1.0).unwrap();
        assert_eq!((narrow.width, narrow.margin), (48 + 24, 12));
        let half = prepare_line(&page, &PixelBox { x0: 10.0, y0: 10.0, x1: 110.0, y1: 30.0 }, 0.5).unwrap();
        assert_eq!(half.width, 120 + 24, "narrowed by half");
        let (data, width) = batch(&[&wide, &narrow]);
        assert_eq!(width, 240);
        assert_eq!(data.len(), 2 * 3 * 48 * 240);
        // White is 1.0 after normalisation; padding is 0.0.
        let second = 3 * 48 * 240;
        assert_eq!(data[second], 1.0);
        assert_eq!(data[second + 100], 0.0);
        // A table cell's figure whose ink touches its box: the margins are its background, blank.
        let mut cell = RgbImage::from_pixel(40, 20, image::Rgb([250, 250, 240]));
        for y in 0..20 {
            for x in [0, 1, 2, 18, 19] {
                cell.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        let read = prepare_line(&cell, &PixelBox { x0: 0.0, y0: 0.0, x1: 20.0, y1: 20.0 }, 1.0).unwrap();
        assert!(read.blank[..12].iter().all(|&b| b) && !read.blank[12] && read.blank[read.width as usize - 1]);
        assert!(!read.blank[read.width as usize - 13]);
        // Boxes outside the page or of no size give nothing.
        assert!(prepare_line(&page, &PixelBox { x0: 300.0, y0: 0.0, x1: 400.0, y1: 20.0 }, 1.0).is_none());
        assert!(prepare_line(&page, &PixelBox { x0: 5.0, y0: 5.0, x1: 5.5, y1: 30.0 }, 1.0).is_none());
    }
}
