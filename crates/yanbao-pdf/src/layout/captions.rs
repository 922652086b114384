//! Captions: the printed `图1：` / `表2：` captions of a page, each with what belongs to it, found
//! geometrically: its wrapped second line, source and note lines, the chart's region and a
//! table's cell rows.

use std::collections::HashSet;

use yanbao_model::normalize::clean;
use yanbao_model::PageBox;

use super::tables::grid_rows;
use crate::lines::{push_wrapped, Line};
use crate::page::LayoutPage;
use yanbao_vocab as vocab;

/// A caption found on a page with what belongs to it.
#[derive(Debug, Clone, Default)]
pub(super) struct CaptionHit {
    /// Index of the caption line in the page.
    pub(super) line: usize,
    /// The canonical label (`图 1`, `表 2`, `Figure 3`).
    pub(super) label: String,
    /// The caption text without the label.
    pub(super) caption: String,
    /// A table caption (else a figure's).
    pub(super) is_table: bool,
    /// The source line (`资料来源：…`).
    pub(super) source: Option<String>,
    /// The note lines (`注：…`), joined.
    pub(super) notes: Option<String>,
    /// Lines of this page consumed by the caption (wrapped text, chart text, cells, source, notes).
    pub(super) consumed: Vec<usize>,
    /// Table rows from the consumed grid.
    pub(super) rows: Vec<Vec<String>>,
    /// The chart's region on its page: the caption's column, between the caption and its source
    /// line (or, without a source, the next caption below or the end of the page's text).
    pub(super) bbox: Option<PageBox>,
}

/// Finds the captions of a page and what belongs to each (geometrically, not by reading order).
pub(super) fn find_captions(page: &LayoutPage, body: &[usize]) -> Vec<CaptionHit> {
    let lines = &page.lines;
    let content_right = body.iter().map(|&i| lines[i].line.x1).fold(0.0f32, f32::max);
    let content_left = body.iter().map(|&i| lines[i].line.x0).fold(f32::MAX, f32::min);
    let content_bottom = body.iter().map(|&i| lines[i].line.y1).fold(0.0f32, f32::max);
    let caption_lines: Vec<(usize, vocab::caption::Caption)> = body
        .iter()
        .filter_map(|&i| vocab::caption::parse_printed(&lines[i].text).map(|c| (i, c)))
        .filter(|(i, _)| !vocab::contents::is_printed_entry(&lines[*i].text))
        .collect();
    let mut claimed: HashSet<usize> = caption_lines.iter().map(|(i, _)| *i).collect();
    let mut hits = Vec::new();
    for (index, caption) in &caption_lines {
        let cap = &lines[*index].line;
        // Region: from the caption's left edge to the next caption on the same row, else the page content.
        let right = caption_lines
            .iter()
            .map(|(j, _)| &lines[*j].line)
            .filter(|other| other.x0 > cap.x1 - 1.0 && (other.center_y() - cap.center_y()).abs() < cap.height())
            .map(|other| other.x0 - 2.0)
            .fold(content_right + 1.0, f32::min);
        let left = caption_lines
            .iter()
            .map(|(j, _)| &lines[*j].line)
            .filter(|other| other.x1 < cap.x0 + 1.0 && (other.center_y() - cap.center_y()).abs() < cap.height())
            .map(|other| other.x1 + 2.0)
            .fold(f32::MIN, f32::max);
        // Alone on its row, a (centred) caption owns the full content width (中泰: a centred
        // `图2：` over a source line printed at the left margin).
        let left = if left == f32::MIN { content_left - 1.0 } else { left };
        let in_region = |l: &Line| {
            let overlap = l.x1.min(right) - l.x0.max(left);
            overlap > 0.5 * l.width().max(1.0)
        };
        // Next caption below in the same region bounds the search.
        let limit = caption_lines
            .iter()
            .map(|(j, _)| &lines[*j].line)
            .filter(|other| other.y0 > cap.y1 - 0.5 && in_region(other))
            .map(|other| other.y0)
            .fold(page.height + 1.0, f32::min);
        let mut hit = CaptionHit { line: *index, label: caption.label.clone(), caption: caption.caption.clone(), is_table: caption.is_table(), ..CaptionHit::default() };
        // Wrapped caption: the next line, same style, right below, when the caption filled its region.
        let mut below: Vec<usize> = body
            .iter()
            .copied()
            .filter(|&i| i != *index && !claimed.contains(&i) && lines[i].line.y0 > cap.y0 + 0.5 * cap.height() && lines[i].line.y0 < limit && in_region(&lines[i].line))
            .collect();
        below.sort_by(|&a, &b| lines[a].line.y0.total_cmp(&lines[b].line.y0));
        if let Some(&next) = below.first() {
            let n = &lines[next].line;
            let wrapped = cap.x1 > right - 3.0 * cap.size
                && (n.size - cap.size).abs() < 0.3
                && n.y0 - cap.y1 < 0.6 * cap.height()
                && n.x0 < cap.x0 + 4.0 * cap.size
                && !vocab::source::is_source(&lines[next].text)
                && lines[next].text.chars().count() < 40;
            if wrapped {
                push_wrapped(&mut hit.caption, &lines[next].text);
                hit.caption = clean(&hit.caption);
                hit.consumed.push(next);
                claimed.insert(next);
            }
        }
        let source = below.iter().copied().find(|&i| !claimed.contains(&i) && vocab::source::is_source(&lines[i].text));
        if let Some(source_index) = source {
            let source_line = &lines[source_index].line;
            hit.source = Some(lines[source_index].text.clone());
            claimed.insert(source_index);
            hit.consumed.push(source_index);
            // A source wrapped onto the next line (招商: `…至2024` / `年4月16日`).
            let region_width = (right - left).max(1.0);
            if source_line.width() > 0.6 * region_width.min(source_line.width() * 1.6) {
                let continuation = below.iter().copied().find(|&i| {
                    let l = &lines[i].line;
                    !claimed.contains(&i)
                        && l.y0 > source_line.y0 + 0.5 * source_line.height()
                        && l.y0 - source_line.y1 < 0.6 * source_line.height()
                        && (l.size - source_line.size).abs() < 0.3
                        && (l.x0 - source_line.x0).abs() < 3.0 * source_line.size
                        && lines[i].text.chars().count() < 40
                        && !vocab::source::is_note(&lines[i].text)
                        && vocab::caption::parse_printed(&lines[i].text).is_none()
                });
                if let Some(next) = continuation {
                    hit.source = Some(clean(&format!("{}{}", lines[source_index].text, lines[next].text)));
                    claimed.insert(next);
                    hit.consumed.push(next);
                }
            }
            let mut grid: Vec<usize> = Vec::new();
            for &i in &below {
                if claimed.contains(&i) {
                    continue;
                }
                let l = &lines[i].line;
                if l.y0 < source_line.y0 - 0.5 {
                    if vocab::source::is_note(&lines[i].text) {
                        hit.notes = Some(join_notes(hit.notes.take(), &lines[i].text));
                    } else {
                        grid.push(i);
                    }
                    hit.consumed.push(i);
                    claimed.insert(i);
                } else if l.y0 - source_line.y1 < 0.8 * source_line.height() && vocab::source::is_note(&lines[i].text) {
                    hit.notes = Some(join_notes(hit.notes.take(), &lines[i].text));
                    hit.consumed.push(i);
                    claimed.insert(i);
                }
            }
            if hit.is_table {
                hit.rows = grid_rows(lines, &grid);
            }
        } else if hit.is_table {
            // A table whose source line is on a later page (or missing): its short cells run
            // down from the caption until the first longer line of words (中泰 表2, a table of
            // figures filling its page; a table of sentences stays text, as its cells read).
            let mut grid: Vec<usize> = Vec::new();
            for &i in &below {
                if claimed.contains(&i) {
                    continue;
                }
                let text = &lines[i].text;
                let prose = text.chars().count() > 16 && crate::numeric::numeric_share(text) < 0.5;
                if prose || vocab::source::is_note(text) {
                    break;
                }
                grid.push(i);
            }
            if grid.len() >= 4 {
                claimed.extend(grid.iter().copied());
                hit.consumed.extend(grid.iter().copied());
                hit.rows = grid_rows(lines, &grid);
            }
        }
        // The chart: below the caption (and its wrapped line), above the source line — or,
        // without one, down to the next caption or the end of the page's text.
        let top = hit.consumed.first().filter(|&&i| !source.is_some_and(|s| s == i)).map_or(cap.y1, |&i| lines[i].line.y1.max(cap.y1));
        // A caption that is not centred starts its chart's column (a chart in a cover's
        // sidebar, the second of two side by side): the chart begins where its caption does.
        let centred = ((cap.x0 + cap.x1) / 2.0 - (left + right) / 2.0).abs() < 0.1 * (right - left);
        let chart_left = if centred { left } else { left.max(cap.x0 - 0.5 * cap.size) };
        let bottom = match source {
            Some(source_index) => lines[source_index].line.y0,
            // Without a source line, the chart ends at the first line of text as large as the
            // caption (its own axis labels and legend are smaller type).
            None => below
                .iter()
                .map(|&i| &lines[i])
                .filter(|l| l.line.y0 > top && l.line.x1 > chart_left && l.line.x0 < right)
                .find(|l| l.line.size >= 0.9 * cap.size && l.text.chars().count() >= 4 && crate::numeric::numeric_share(&l.text) < 0.5)
                .map_or(limit.min(content_bottom), |l| l.line.y0.min(limit)),
        };
        hit.bbox = PageBox::around(chart_left.max(0.0), top + 1.0, right.min(page.width), bottom - 1.0).filter(|b| b.height() >= 20);
        hits.push(hit);
    }
    hits
}

/// Appends a note line, without its `注：` prefix, to the notes collected so far.
fn join_notes(previous: Option<String>, line: &str) -> String {
    let note = vocab::source::note_without_prefix(line);
    match previous {
        Some(text) => format!("{text} {note}"),
        None => note.to_string(),
    }
}
