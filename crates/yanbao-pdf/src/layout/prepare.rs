//! Line preparation: a page's lines made ready for the stages after it: caption labels printed
//! apart joined to their text, side-by-side captions split, text normalised, empty lines dropped.

use yanbao_model::normalize::clean;

use crate::lines::Line;
use crate::page::{LayoutPage, SourcePage, TextLine};
use yanbao_vocab as vocab;

/// Turns source pages into layout pages: split labels joined, double captions split, text
/// normalised (template tags dropped), empty lines dropped.
pub fn prepare_pages(pages: Vec<SourcePage>) -> Vec<LayoutPage> {
    let mut out = Vec::with_capacity(pages.len());
    for page in pages {
        let number = page.number;
        let mut lines = Vec::new();
        for line in split_double_captions(join_split_labels(page.lines)) {
            let text = clean(&vocab::page::strip_template_tags(&line.text));
            if text.is_empty() {
                continue;
            }
            lines.push(TextLine { line, text, page: number, running: false });
        }
        out.push(LayoutPage { number, width: page.width, height: page.height, lines, shapes: page.shapes, origin: page.origin });
    }
    out
}

/// Joins a caption label printed apart (`图表11：` … `“日间反转”因子测试`, `图` … `1不同期限…`)
/// with the nearest text to its right on the same row.
pub fn join_split_labels(mut lines: Vec<Line>) -> Vec<Line> {
    // Bare labels reach far for their text; a caption reaches a little for the rest of its row
    // (申万: `表1：沪深300,` then `简单均线交叉策略年度表现` after a comma's gap).
    let labels: Vec<usize> = (0..lines.len())
        .filter(|&i| vocab::caption::is_bare_label(&lines[i].text) || vocab::caption::parse_printed(&lines[i].text).is_some() || vocab::source::is_source(&lines[i].text))
        .collect();
    if labels.is_empty() {
        return lines;
    }
    let mut removed = vec![false; lines.len()];
    for label in labels {
        if removed[label] {
            continue;
        }
        let l = lines[label].clone();
        let partner = (0..lines.len())
            .filter(|&j| j != label && !removed[j])
            .filter(|&j| {
                let o = &lines[j];
                let gap = o.x0 - l.x1;
                let reach = if vocab::caption::is_bare_label(&l.text) { 6.0 } else { 2.0 };
                crate::lines::vertical_overlap(l.y0, l.y1, o.y0, o.y1) >= 0.5
                    && gap > -1.0
                    && gap < reach * l.size.max(1.0)
                    && (o.size - l.size).abs() < 0.6
                    && vocab::caption::parse_printed(&o.text).is_none()
                    && !vocab::source::is_source(&o.text)
            })
            .min_by(|&a, &b| lines[a].x0.total_cmp(&lines[b].x0));
        if let Some(partner) = partner {
            let other = lines[partner].clone();
            let text = other.text.clone();
            let joined = &mut lines[label];
            if joined.text.ends_with(|c: char| c.is_ascii_digit()) {
                joined.text.push(' ');
            }
            joined.text.push_str(&text);
            joined.x1 = joined.x1.max(other.x1);
            joined.y0 = joined.y0.min(other.y0);
            joined.y1 = joined.y1.max(other.y1);
            joined.chars += other.chars;
            removed[partner] = true;
        }
    }
    lines.into_iter().zip(removed).filter(|(_, gone)| !gone).map(|(line, _)| line).collect()
}

/// Splits a line holding two side-by-side captions into one line per caption; the box is divided
/// in proportion to the characters (CJK captions are set in one width).
pub fn split_double_captions(lines: Vec<Line>) -> Vec<Line> {
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        let starts = vocab::caption::inner_starts(&line.text);
        if starts.is_empty() {
            out.push(line);
            continue;
        }
        let chars: Vec<char> = line.text.chars().collect();
        let total = chars.len().max(1) as f32;
        let mut bounds = vec![0usize];
        bounds.extend(starts);
        bounds.push(chars.len());
        for pair in bounds.windows(2) {
            let (from, to) = (pair[0], pair[1]);
            let text: String = chars[from..to].iter().collect();
            let piece = Line {
                text: text.trim().to_string(),
                x0: line.x0 + line.width() * from as f32 / total,
                x1: line.x0 + line.width() * to as f32 / total,
                chars: to - from,
                ..line.clone()
            };
            out.push(piece);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x0: f32, y0: f32, x1: f32, size: f32) -> Line {
        Line { text: String::new(), x0, y0, x1, y1: y0 + size, size, bold: false, font: 0, chars: 1 }
    }

    #[test]
    fn split_labels_are_joined() {
        let mut label = line(56.8, 150.8, 98.9, 10.5);
        label.text = "图表11：".into();
        let mut text = line(119.8, 150.8, 270.5, 10.5);
        text.text = "“日间反转-换手翻转”因子测试".into();
        let joined = join_split_labels(vec![label, text]);
        assert_eq!(joined.len(), 1);
        assert_eq!(joined[0].text, "图表11：“日间反转-换手翻转”因子测试");
    }
}
