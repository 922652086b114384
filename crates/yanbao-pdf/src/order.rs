//! Reading order: a page's lines ordered by recursive XY-cuts (columns and sidebars first, table
//! cells row by row).

use crate::lines::{group_rows, Line};

/// Orders line indices by recursive XY-cuts: a clean vertical gutter splits columns (unless the
/// two sides align row by row like a table), else the widest horizontal gap splits bands.
pub fn reading_order(lines: &[&Line]) -> Vec<usize> {
    let indices: Vec<usize> = (0..lines.len()).collect();
    let mut out = Vec::with_capacity(lines.len());
    xy_cut(lines, indices, &mut out, 0);
    out
}

/// One level of the XY-cut recursion.
fn xy_cut(lines: &[&Line], mut indices: Vec<usize>, out: &mut Vec<usize>, depth: usize) {
    if indices.len() <= 1 || depth > 64 {
        sort_rows(lines, &mut indices);
        out.extend(indices);
        return;
    }
    let vertical = widest_gap(indices.iter().map(|&i| (lines[i].x0, lines[i].x1)));
    let horizontal = widest_gap(indices.iter().map(|&i| (lines[i].y0, lines[i].y1)));
    let typical_height = {
        let mut heights: Vec<f32> = indices.iter().map(|&i| lines[i].height()).collect();
        heights.sort_by(f32::total_cmp);
        heights[heights.len() / 2]
    };
    // A clean gutter through the whole region: columns (or a sidebar), unless the two sides are
    // the cells of a table, which are read row by row.
    if let Some((split, gap)) = vertical {
        if gap >= 5.0 {
            let (left, right): (Vec<usize>, Vec<usize>) = indices.iter().partition(|&&i| lines[i].x1 <= split);
            if !left.is_empty() && !right.is_empty() && !rows_align(lines, &left, &right, typical_height) {
                xy_cut(lines, left, out, depth + 1);
                xy_cut(lines, right, out, depth + 1);
                return;
            }
        }
    }
    // A gutter between the narrow lines, crossed by a few wide ones (a title over two columns, a
    // full-width paragraph under a sidebar): cut into bands at the wide lines, then columns.
    if let Some(bands) = bands_at_spanning_lines(lines, &indices) {
        for band in bands {
            xy_cut(lines, band, out, depth + 1);
        }
        return;
    }
    if let Some((split, gap)) = horizontal {
        if gap > 0.0 {
            let (top, bottom): (Vec<usize>, Vec<usize>) = indices.iter().partition(|&&i| lines[i].y1 <= split);
            if !top.is_empty() && !bottom.is_empty() {
                xy_cut(lines, top, out, depth + 1);
                xy_cut(lines, bottom, out, depth + 1);
                return;
            }
        }
    }
    sort_rows(lines, &mut indices);
    out.extend(indices);
}

/// Finds a column gutter among the narrow lines of a region and, when a few wide lines cross it,
/// returns the region cut into horizontal bands at those lines (each wide line is its own band).
fn bands_at_spanning_lines(lines: &[&Line], indices: &[usize]) -> Option<Vec<Vec<usize>>> {
    if indices.len() < 6 {
        return None;
    }
    let left = indices.iter().map(|&i| lines[i].x0).fold(f32::MAX, f32::min);
    let right = indices.iter().map(|&i| lines[i].x1).fold(f32::MIN, f32::max);
    let width = (right - left).max(1.0);
    let narrow: Vec<usize> = indices.iter().copied().filter(|&i| lines[i].width() < 0.55 * width).collect();
    let (split, gap) = widest_gap(narrow.iter().map(|&i| (lines[i].x0, lines[i].x1)))?;
    if gap < 5.0 {
        return None;
    }
    let left_count = narrow.iter().filter(|&&i| lines[i].x1 <= split).count();
    let right_count = narrow.len() - left_count;
    if left_count < 3 || right_count < 3 {
        return None;
    }
    let mut spanning: Vec<usize> = indices.iter().copied().filter(|&i| lines[i].x0 < split && lines[i].x1 > split).collect();
    if spanning.is_empty() || spanning.len() * 3 > indices.len() {
        return None;
    }
    spanning.sort_by(|&a, &b| lines[a].center_y().total_cmp(&lines[b].center_y()));
    let mut bands: Vec<Vec<usize>> = vec![Vec::new(); spanning.len() * 2 + 1];
    for &i in indices {
        if let Some(k) = spanning.iter().position(|&s| s == i) {
            bands[2 * k + 1].push(i);
            continue;
        }
        let centre = lines[i].center_y();
        let slot = spanning.iter().take_while(|&&s| lines[s].center_y() < centre).count();
        bands[2 * slot].push(i);
    }
    bands.retain(|band| !band.is_empty());
    if bands.len() < 2 {
        return None;
    }
    Some(bands)
}

/// Sorts line indices top-down into rows (lines whose centres are close), each row left to right.
/// Two stable passes keep the order total whatever the geometry.
fn sort_rows(lines: &[&Line], indices: &mut Vec<usize>) {
    let rows = group_rows(
        std::mem::take(indices),
        |&i| lines[i].center_y(),
        |&i| lines[i].x0,
        |&f, &i| (lines[f].center_y() - lines[i].center_y()).abs() < 0.4 * lines[f].height().min(lines[i].height()),
    );
    indices.extend(rows.into_iter().flatten());
}

/// Returns the middle and width of the widest gap between projected intervals.
fn widest_gap(intervals: impl Iterator<Item = (f32, f32)>) -> Option<(f32, f32)> {
    let mut spans: Vec<(f32, f32)> = intervals.filter(|(a, b)| a.is_finite() && b.is_finite()).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut best: Option<(f32, f32)> = None;
    let mut reach = spans.first()?.1;
    for span in spans.iter().skip(1) {
        if span.0 > reach {
            let gap = span.0 - reach;
            if best.map(|(_, g)| gap > g).unwrap_or(true) {
                best = Some(((span.0 + reach) / 2.0, gap));
            }
        }
        reach = reach.max(span.1);
    }
    best
}

/// True when the lines on the two sides of a gutter sit on the same rows and are short (a table
/// or a key-data grid, read row by row), rather than two columns of running text.
fn rows_align(lines: &[&Line], left: &[usize], right: &[usize], typical_height: f32) -> bool {
    if left.len() < 2 || right.len() < 2 {
        return false;
    }
    let tolerance = 0.3 * typical_height.max(1.0);
    let aligned = left
        .iter()
        .filter(|&&l| right.iter().any(|&r| (lines[l].y0 - lines[r].y0).abs() < tolerance))
        .count();
    let fraction = aligned as f32 / left.len().min(right.len()) as f32;
    let mean_width = |side: &[usize]| side.iter().map(|&i| lines[i].width()).sum::<f32>() / side.len() as f32;
    let short = 12.0 * typical_height.max(1.0);
    fraction > 0.6 && mean_width(left) < short && mean_width(right) < short
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(x0: f32, y0: f32, x1: f32, size: f32) -> Line {
        Line { text: String::new(), x0, y0, x1, y1: y0 + size, size, bold: false, font: 0, chars: 1 }
    }

    #[test]
    fn sidebar_is_read_before_body() {
        // 德邦 p1: sidebar at x 24–190, body at x 200–567, lines interleaved in y.
        let lines = [line(24.0, 161.0, 74.0, 10.0), line(200.0, 164.0, 240.0, 10.0), line(24.0, 174.0, 54.0, 10.0), line(200.0, 192.0, 566.0, 10.0)];
        let refs: Vec<&Line> = lines.iter().collect();
        assert_eq!(reading_order(&refs), vec![0, 2, 1, 3]);
    }

    #[test]
    fn a_title_over_two_columns_cuts_bands() {
        // A wide title, then a sidebar (x 24–190) beside a body column (x 200–560).
        let mut lines = vec![line(24.0, 50.0, 560.0, 18.0)];
        for k in 0..4 {
            lines.push(line(24.0, 100.0 + 20.0 * k as f32, 150.0, 10.0));
            lines.push(line(200.0, 105.0 + 20.0 * k as f32, 560.0, 10.0));
        }
        lines.push(line(24.0, 300.0, 560.0, 10.0));
        let refs: Vec<&Line> = lines.iter().collect();
        assert_eq!(reading_order(&refs), vec![0, 1, 3, 5, 7, 2, 4, 6, 8, 9]);
    }

    #[test]
    fn table_rows_are_read_row_by_row() {
        let lines = [line(24.0, 100.0, 60.0, 10.0), line(100.0, 100.0, 130.0, 10.0), line(24.0, 115.0, 60.0, 10.0), line(100.0, 115.0, 130.0, 10.0)];
        let refs: Vec<&Line> = lines.iter().collect();
        assert_eq!(reading_order(&refs), vec![0, 1, 2, 3]);
    }

    #[test]
    fn gaps() {
        assert_eq!(widest_gap([(0.0, 10.0), (30.0, 40.0), (12.0, 20.0)].into_iter()), Some((25.0, 10.0)));
        assert_eq!(widest_gap(std::iter::empty()), None);
    }
}
