//! Characters to text lines: duplicate glyphs removed, runs built in content order, runs on the
//! same baseline merged when close, word spaces inferred from gaps between Latin characters.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use yanbao_model::normalize::{is_cjk, unify_han};

use crate::extract::Glyph;

/// A run of text on one baseline with no wide gap inside (a line of a column, a table cell, a caption).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    /// Raw text (spaces inferred), not yet normalised.
    pub text: String,
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// Dominant font size.
    pub size: f32,
    /// Most characters bold.
    pub bold: bool,
    /// Dominant font id.
    pub font: u16,
    /// Number of non-space characters.
    pub chars: usize,
}

impl Line {
    /// Height of the line box.
    pub fn height(&self) -> f32 {
        (self.y1 - self.y0).max(0.1)
    }

    /// Vertical centre.
    pub fn center_y(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }

    /// Width of the line box.
    pub fn width(&self) -> f32 {
        (self.x1 - self.x0).max(0.0)
    }
}

/// Run being built: glyphs with the space decisions between them.
#[derive(Default)]
struct Run {
    glyphs: Vec<Glyph>,
    /// `spaces[i]` is true when a space precedes `glyphs[i]`.
    spaces: Vec<bool>,
}

/// Returns the fraction of the smaller vertical extent that two boxes share.
pub fn vertical_overlap(a0: f32, a1: f32, b0: f32, b1: f32) -> f32 {
    let overlap = a1.min(b1) - a0.max(b0);
    let smaller = (a1 - a0).min(b1 - b0).max(0.1);
    (overlap / smaller).max(0.0)
}

/// Groups items into rows, top-down, each row left to right: the items sorted by `centre`, each
/// joining the row above when `same_row(first item of that row, item)`, else starting the next
/// row; each row then sorted by `left`. Two stable passes keep the order total whatever the
/// geometry. Line building, reading order and table cells group rows this way, each with its own
/// tolerance.
pub fn group_rows<T>(mut items: Vec<T>, centre: impl Fn(&T) -> f32, left: impl Fn(&T) -> f32, same_row: impl Fn(&T, &T) -> bool) -> Vec<Vec<T>> {
    items.sort_by(|a, b| centre(a).total_cmp(&centre(b)));
    let mut rows: Vec<Vec<T>> = Vec::new();
    for item in items {
        match rows.last_mut() {
            Some(row) if row.first().is_some_and(|first| same_row(first, &item)) => row.push(item),
            _ => rows.push(vec![item]),
        }
    }
    for row in &mut rows {
        row.sort_by(|a, b| left(a).total_cmp(&left(b)));
    }
    rows
}

/// Appends the next line of a wrapped text (paragraph, title, caption, table cell): with a space
/// between Latin words (`Results and` + `Reaffirms`), without one inside Chinese text.
pub fn push_wrapped(text: &mut String, next: &str) {
    if needs_space(text, next) {
        text.push(' ');
    }
    text.push_str(next);
}

/// True when two joined line texts need a space between them (Latin word boundary).
fn needs_space(before: &str, after: &str) -> bool {
    match (before.chars().last(), after.chars().next()) {
        (Some(a), Some(b)) => (a.is_ascii_alphanumeric() || a == ',' || a == '.') && b.is_ascii_alphanumeric() && !a.eq(&'-'),
        _ => false,
    }
}

/// A multiply-rotate hasher for the small integer keys of [`duplicate_key`]: every glyph of a
/// page is looked up once, and the default (SipHash) hasher was a tenth of line building.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.write_u64(u64::from(byte));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_i32(&mut self, n: i32) {
        self.write_u64(n as u32 as u64);
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// True for glyphs drawn twice at the same place (fake bold, Keynote's radical + ideograph pairs).
fn duplicate_key(glyph: &Glyph) -> (char, i32, i32) {
    (unify_han(glyph.ch), (glyph.x0 * 2.0).round() as i32, (glyph.y0 * 2.0).round() as i32)
}

/// Returns whether a gap between two characters on one line is a word space.
///
/// CJK text never needs one; Latin letters and digits need one when the gap exceeds ~0.15 em.
pub fn gap_is_space(previous: char, next: char, gap: f32, size: f32) -> bool {
    if is_cjk(previous) || is_cjk(next) {
        return false;
    }
    gap > 0.15 * size.max(1.0)
}

/// True for list bullets and symbol-font glyphs, which start a run rather than continue one.
pub fn is_bullet(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF) || matches!(c, '•' | '●' | '▪' | '■' | '◆' | '◇' | '□' | '○' | '►' | '▶' | '➢' | '✓' | '√')
}

/// True when two glyphs share font, size and top edge: a wide gap between them is letter-spacing,
/// not a column gutter (光大 p1: body `…的未` then sidebar `分析师` one em further, other font).
pub fn same_style(a: &Glyph, b: &Glyph) -> bool {
    a.font == b.font && (a.size - b.size).abs() < 0.3 && (a.y0 - b.y0).abs() < 0.15 * a.size.max(1.0)
}

/// True between a CJK character and a Latin letter or digit (either order): Word's autospace puts
/// up to half an em there, often with a font switch (华泰 `结合市净率与` + `Z-Score`).
pub fn script_change(a: char, b: char) -> bool {
    (is_cjk(a) && b.is_ascii_alphanumeric()) || (a.is_ascii_alphanumeric() && is_cjk(b))
}

/// Widest gap (in ems) that still continues a run.
const RUN_GAP_EMS: f32 = 1.6;

/// Groups a page's glyphs into lines.
pub fn build_lines(glyphs: &[Glyph]) -> Vec<Line> {
    build_lines_ruled(glyphs, &[])
}

/// True when a vertical rule `(x, top, bottom)` (sorted by x) stands between two horizontal
/// positions at height `y`: a table's cell border, which no line runs across.
pub fn rule_between(separators: &[(f32, f32, f32)], left: f32, right: f32, y: f32) -> bool {
    if separators.is_empty() || right <= left {
        return false;
    }
    let start = separators.partition_point(|s| s.0 < left);
    separators[start..].iter().take_while(|s| s.0 <= right).any(|s| s.1 <= y && s.2 >= y)
}

/// Groups a page's glyphs into lines that never cross a vertical rule (`separators`, from
/// [`crate::ruled::separators`]): the figures of neighbouring ruled cells sit closer than a
/// column gap and would otherwise read as one line.
pub fn build_lines_ruled(glyphs: &[Glyph], separators: &[(f32, f32, f32)]) -> Vec<Line> {
    let mut seen: HashSet<(char, i32, i32), BuildHasherDefault<KeyHasher>> = HashSet::with_capacity_and_hasher(glyphs.len(), Default::default());
    let mut runs: Vec<Run> = Vec::new();
    let mut current = Run::default();
    let mut pending_space = false;
    for glyph in glyphs {
        if glyph.ch.is_whitespace() {
            pending_space = true;
            continue;
        }
        if !seen.insert(duplicate_key(glyph)) {
            continue;
        }
        let continues = match current.glyphs.last() {
            None => false,
            Some(_) if is_bullet(glyph.ch) => false,
            Some(last) => {
                let size = last.size.max(glyph.size).max(1.0);
                let gap = glyph.x0 - last.x1;
                vertical_overlap(last.y0, last.y1, glyph.y0, glyph.y1) >= 0.5
                    && gap >= -0.5 * size
                    && (gap <= 0.5 * size || (gap <= RUN_GAP_EMS * size && same_style(last, glyph)) || (gap <= 1.0 * size && script_change(last.ch, glyph.ch)))
                    && !rule_between(separators, last.x1 - 0.5, glyph.x0 + 0.5, (glyph.y0 + glyph.y1) / 2.0)
            }
        };
        if !continues && !current.glyphs.is_empty() {
            runs.push(std::mem::take(&mut current));
        }
        let space = match current.glyphs.last() {
            Some(last) => pending_space && !is_cjk(last.ch) && !is_cjk(glyph.ch) || gap_is_space(last.ch, glyph.ch, glyph.x0 - last.x1, glyph.size),
            None => false,
        };
        current.spaces.push(space);
        current.glyphs.push(*glyph);
        pending_space = false;
    }
    if !current.glyphs.is_empty() {
        runs.push(current);
    }
    let merged = merge_runs(runs, separators);
    merged.into_iter().filter_map(|run| finish(&run)).collect()
}

/// A run's box: (x0, y0, x1, y1).
type Bounds = (f32, f32, f32, f32);

/// Merges runs that sit on the same baseline and touch (text objects split mid-line).
fn merge_runs(runs: Vec<Run>, separators: &[(f32, f32, f32)]) -> Vec<Run> {
    // Each run's box, computed once (the sorts below compare boxes many times) and grown as runs
    // are merged: a merged box is the union of the two.
    let bounds = |run: &Run| -> Bounds {
        let mut b = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for g in &run.glyphs {
            b.0 = b.0.min(g.x0);
            b.1 = b.1.min(g.y0);
            b.2 = b.2.max(g.x1);
            b.3 = b.3.max(g.y1);
        }
        b
    };
    let runs: Vec<(Bounds, Run)> = runs.into_iter().map(|run| (bounds(&run), run)).collect();
    // Top-down by centre (sorted by twice the centre, top + bottom), then rows (centres within
    // 2 pt of the row's first run) left to right.
    let rows = group_rows(runs, |(b, _)| b.1 + b.3, |(b, _)| b.0, |(first, _), (b, _)| ((b.1 + b.3) / 2.0 - (first.1 + first.3) / 2.0).abs() < 2.0);
    let runs: Vec<(Bounds, Run)> = rows.into_iter().flatten().collect();
    let mut out: Vec<(Bounds, Run)> = Vec::with_capacity(runs.len());
    for (rb, run) in runs {
        if let Some((pb, previous)) = out.last_mut() {
            let (px0, py0, px1, py1) = *pb;
            let (rx0, ry0, _, ry1) = rb;
            let size = previous.glyphs.last().map(|g| g.size).unwrap_or(10.0).max(1.0);
            let gap = rx0 - px1;
            let styled = match (previous.glyphs.last(), run.glyphs.first()) {
                (Some(a), Some(b)) => same_style(a, b),
                _ => false,
            };
            let script_switch = match (previous.glyphs.last(), run.glyphs.first()) {
                (Some(a), Some(b)) => script_change(a.ch, b.ch),
                _ => false,
            };
            if vertical_overlap(py0, py1, ry0, ry1) >= 0.6
                && gap >= -0.8 * size
                && (gap <= 0.5 * size || (gap <= RUN_GAP_EMS * size && styled) || (gap <= 1.0 * size && script_switch))
                && rx0 >= px0
                && !rule_between(separators, px1 - 0.5, rx0 + 0.5, (ry0 + ry1) / 2.0)
            {
                let mut run = run;
                if let (Some(last), Some(first)) = (previous.glyphs.last(), run.glyphs.first()) {
                    let space = gap_is_space(last.ch, first.ch, gap, size);
                    if let Some(flag) = run.spaces.first_mut() {
                        *flag = space;
                    }
                }
                previous.glyphs.append(&mut run.glyphs);
                previous.spaces.append(&mut run.spaces);
                *pb = (pb.0.min(rb.0), pb.1.min(rb.1), pb.2.max(rb.2), pb.3.max(rb.3));
                continue;
            }
        }
        out.push((rb, run));
    }
    out.into_iter().map(|(_, run)| run).collect()
}

/// Turns a run into a line with its box, dominant size and font.
fn finish(run: &Run) -> Option<Line> {
    let first = run.glyphs.first()?;
    let mut line = Line { x0: first.x0, y0: first.y0, x1: first.x1, y1: first.y1, ..Line::default() };
    let mut bold_count = 0usize;
    let mut sizes: Vec<(f32, usize)> = Vec::new();
    let mut fonts: Vec<(u16, usize)> = Vec::new();
    for (glyph, space) in run.glyphs.iter().zip(&run.spaces) {
        if *space {
            line.text.push(' ');
        }
        line.text.push(glyph.ch);
        line.x0 = line.x0.min(glyph.x0);
        line.y0 = line.y0.min(glyph.y0);
        line.x1 = line.x1.max(glyph.x1);
        line.y1 = line.y1.max(glyph.y1);
        if glyph.bold {
            bold_count += 1;
        }
        let rounded = (glyph.size * 2.0).round() / 2.0;
        match sizes.iter_mut().find(|(s, _)| *s == rounded) {
            Some(entry) => entry.1 += 1,
            None => sizes.push((rounded, 1)),
        }
        match fonts.iter_mut().find(|(f, _)| *f == glyph.font) {
            Some(entry) => entry.1 += 1,
            None => fonts.push((glyph.font, 1)),
        }
    }
    line.chars = run.glyphs.len();
    line.bold = bold_count * 2 > line.chars;
    line.size = sizes.iter().max_by_key(|(_, n)| *n).map(|(s, _)| *s).unwrap_or(first.size);
    line.font = fonts.iter().max_by_key(|(_, n)| *n).map(|(f, _)| *f).unwrap_or(0);
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(ch: char, x0: f32, y0: f32, size: f32) -> Glyph {
        Glyph { ch, x0, y0, x1: x0 + size * if is_cjk(ch) { 1.0 } else { 0.5 }, y1: y0 + size, size, font: 0, bold: false }
    }

    #[test]
    fn cjk_needs_no_space_latin_does() {
        assert!(!gap_is_space('金', '融', 5.0, 10.0));
        assert!(gap_is_space('a', 'b', 2.5, 10.0));
        assert!(!gap_is_space('a', 'b', 0.5, 10.0));
    }

    #[test]
    fn letter_spaced_header_stays_one_line() {
        // `金 融 工 程`: one em between letters.
        let glyphs: Vec<Glyph> = "金融工程".chars().enumerate().map(|(i, c)| glyph(c, 100.0 + i as f32 * 20.0, 50.0, 10.0)).collect();
        let lines = build_lines(&glyphs);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].text, "金融工程");
    }

    #[test]
    fn doubled_glyphs_are_dropped() {
        let glyphs = vec![glyph('⼤', 10.0, 10.0, 10.0), glyph('大', 10.0, 10.0, 10.0), glyph('多', 20.0, 10.0, 10.0)];
        let lines = build_lines(&glyphs);
        assert_eq!(lines[0].text, "⼤多");
    }

    #[test]
    fn wide_gaps_split_cells() {
        let mut glyphs = vec![glyph('A', 10.0, 10.0, 10.0), glyph('B', 15.0, 10.0, 10.0)];
        glyphs.push(glyph('C', 100.0, 10.0, 10.0));
        let lines = build_lines(&glyphs);
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn bullet_starts_a_new_run() {
        // 德邦 p1: sidebar `…强化代` then a symbol-font bullet, then the body column `切割工艺…`.
        let glyphs = vec![
            glyph('代', 180.0, 562.5, 10.0),
            Glyph { ch: '\u{f06c}', x0: 200.7, y0: 570.5, x1: 204.8, y1: 574.4, size: 5.5, font: 3, bold: false },
            glyph('切', 213.4, 566.2, 10.0),
        ];
        let lines = build_lines(&glyphs);
        assert!(lines.iter().all(|l| !(l.text.contains('代') && l.text.contains('切'))), "{lines:?}");
    }

    #[test]
    fn sidebar_in_another_font_is_not_joined() {
        let mut body = glyph('未', 372.4, 159.1, 10.6);
        body.font = 7;
        let mut side = glyph('分', 394.1, 160.9, 10.6);
        side.font = 4;
        assert_eq!(build_lines(&[body, side]).len(), 2);
    }

    #[test]
    fn autospace_between_scripts_stays_in_the_line() {
        // 浙商 p7: `在` (font 1) then `2008` (font 0) half an em later, top edges 1.6 pt apart.
        let mut han = glyph('在', 443.6, 359.3, 10.0);
        han.font = 1;
        let mut digit = glyph('2', 458.6, 360.9, 10.0);
        digit.font = 0;
        assert_eq!(build_lines(&[han, digit]).len(), 1);
    }

    #[test]
    fn ruled_cells_are_separate_lines() {
        // 金宇生物 p5: `40.39` and `1,896,608,630.19` a few points apart across a cell border.
        let mut glyphs: Vec<Glyph> = "40.39".chars().enumerate().map(|(i, c)| glyph(c, 400.0 + i as f32 * 5.0, 613.8, 10.5)).collect();
        glyphs.extend("1,896".chars().enumerate().map(|(i, c)| glyph(c, 430.0 + i as f32 * 5.0, 613.8, 10.5)));
        assert_eq!(build_lines(&glyphs).len(), 1);
        let border = [(428.0, 600.0, 630.0)];
        let lines = build_lines_ruled(&glyphs, &border);
        assert_eq!(lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), vec!["40.39", "1,896"]);
        assert!(!rule_between(&border, 400.0, 420.0, 610.0));
        assert!(!rule_between(&border, 420.0, 440.0, 650.0), "a rule ends where its cell does");
    }

    #[test]
    fn latin_words_get_a_space_when_joined() {
        assert!(needs_space("the VIX", "index"));
        assert!(!needs_space("金刚线", "产能"));
        let mut title = String::from("Kroger Reports Second Quarter 2023 Results and");
        push_wrapped(&mut title, "Reaffirms Guidance");
        assert_eq!(title, "Kroger Reports Second Quarter 2023 Results and Reaffirms Guidance");
    }

    #[test]
    fn rows_are_grouped_top_down_then_left_to_right() {
        // (centre, left): two rows, each given right to left.
        let items = vec![(20.0f32, 50.0f32), (10.5, 40.0), (10.0, 5.0), (19.0, 1.0)];
        let rows = group_rows(items, |i| i.0, |i| i.1, |first, item| (first.0 - item.0).abs() < 2.0);
        assert_eq!(rows, vec![vec![(10.0, 5.0), (10.5, 40.0)], vec![(19.0, 1.0), (20.0, 50.0)]]);
    }

    #[test]
    fn junk_input_does_not_panic() {
        let glyphs = vec![Glyph { ch: 'x', x0: f32::NAN, y0: f32::INFINITY, x1: -1.0, y1: 0.0, size: 0.0, font: 0, bold: false }; 3];
        let _ = build_lines(&glyphs);
        assert!(build_lines(&[]).is_empty());
    }
}
