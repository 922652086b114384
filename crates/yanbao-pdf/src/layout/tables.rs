//! Tables without a caption of their own: grids drawn with cell borders ([`crate::ruled`]) and
//! runs of short cells aligned in rows, read as rows of cell texts; and the rows of a captioned
//! table's cells.

use std::collections::HashSet;

use crate::lines::{group_rows, push_wrapped};
use crate::page::{LayoutPage, TextLine};
use crate::ruled::{Grid, Rule, TOUCH};

/// An unlabelled table found on a page: its lines and its rows of cell texts.
#[derive(Debug, Clone, Default)]
pub(super) struct TableRegion {
    /// Line indices of the page that belong to the table.
    pub(super) members: Vec<usize>,
    /// Rows of cell texts.
    pub(super) rows: Vec<Vec<String>>,
}

/// Finds the unlabelled tables among a page's free lines: grids drawn with cell borders first
/// ([`crate::ruled`]), then runs of short cells aligned in rows ([`find_grids`]).
pub(super) fn table_regions(page: &LayoutPage, free: &[usize]) -> Vec<TableRegion> {
    let lines = &page.lines;
    let mut taken: HashSet<usize> = HashSet::new();
    let mut regions = Vec::new();
    for grid in crate::ruled::grids(&crate::ruled::rules(&page.shapes)) {
        let members: Vec<usize> = free
            .iter()
            .copied()
            .filter(|i| !taken.contains(i) && grid.contains((lines[*i].line.x0 + lines[*i].line.x1) / 2.0, lines[*i].line.center_y()))
            .collect();
        if members.len() < 2 {
            continue;
        }
        taken.extend(members.iter().copied());
        let rows = table_rows(&grid, lines, &members);
        regions.push(TableRegion { members, rows });
    }
    let rest: Vec<usize> = free.iter().copied().filter(|i| !taken.contains(i)).collect();
    for grid in find_grids(page, &rest) {
        let rows = grid.iter().map(|row| row.iter().map(|&i| lines[i].text.clone()).collect()).collect();
        regions.push(TableRegion { members: grid.into_iter().flatten().collect(), rows });
    }
    regions
}

/// Finds unlabelled tables: runs of at least two consecutive rows of three or more short cells
/// (financial statements, key-data boxes). Returns each grid as rows of line indices, cells left
/// to right.
fn find_grids(page: &LayoutPage, free: &[usize]) -> Vec<Vec<Vec<usize>>> {
    let lines = &page.lines;
    let rows = cell_rows(lines, free.to_vec());
    let is_grid_row = |row: &Vec<usize>| row.len() >= 3 && row.iter().all(|&i| lines[i].text.chars().count() <= 24);
    let mut grids: Vec<Vec<Vec<usize>>> = Vec::new();
    let mut current: Vec<Vec<usize>> = Vec::new();
    for row in rows {
        let close = current
            .last()
            .and_then(|previous| previous.first())
            .zip(row.first())
            .map(|(&p, &r)| lines[r].line.y0 - lines[p].line.y1 < 2.5 * lines[p].line.height())
            .unwrap_or(true);
        if is_grid_row(&row) && close {
            current.push(row);
        } else {
            if current.len() >= 2 {
                grids.push(std::mem::take(&mut current));
            }
            current.clear();
            if is_grid_row(&row) {
                current.push(row);
            }
        }
    }
    if current.len() >= 2 {
        grids.push(current);
    }
    grids
}

/// Groups table lines into rows by their vertical centre (within half the height of a row's
/// first line), cells left to right; returns line indices.
fn cell_rows(lines: &[TextLine], indices: Vec<usize>) -> Vec<Vec<usize>> {
    group_rows(indices, |&i| lines[i].line.center_y(), |&i| lines[i].line.x0, |&f, &i| (lines[f].line.center_y() - lines[i].line.center_y()).abs() < 0.5 * lines[f].line.height())
}

/// Groups table lines into rows by their vertical centre; cells left to right.
pub(super) fn grid_rows(lines: &[TextLine], grid: &[usize]) -> Vec<Vec<String>> {
    cell_rows(lines, grid.to_vec()).into_iter().map(|row| row.into_iter().map(|i| lines[i].text.clone()).collect()).collect()
}

/// Reads the lines inside a grid as rows of cells: each line goes to the cell bounded by the
/// nearest rules around its centre; cells sharing a top rule make a row, left to right; the
/// lines of one cell are joined top-down (wrapped cell text).
pub fn table_rows(grid: &Grid, lines: &[TextLine], members: &[usize]) -> Vec<Vec<String>> {
    // (top, left, bottom, right) of each line's cell, rounded to whole points.
    let mut cells: Vec<((i32, i32), Vec<usize>)> = Vec::new();
    for &i in members {
        let l = &lines[i].line;
        let (cx, cy) = ((l.x0 + l.x1) / 2.0, l.center_y());
        let above = grid
            .rules
            .iter()
            .filter(|r| r.horizontal && r.x0 - TOUCH <= cx && r.x1 + TOUCH >= cx && r.position() <= cy)
            .map(Rule::position)
            .fold(grid.y0, f32::max);
        let left = grid
            .rules
            .iter()
            .filter(|r| !r.horizontal && r.y0 - TOUCH <= cy && r.y1 + TOUCH >= cy && r.position() <= l.x0 + 1.0)
            .map(Rule::position)
            .fold(grid.x0, f32::max);
        let key = (above.round() as i32, left.round() as i32);
        match cells.iter_mut().find(|(k, _)| *k == key) {
            Some((_, cell)) => cell.push(i),
            None => cells.push((key, vec![i])),
        }
    }
    cells.sort_by_key(|(key, _)| *key);
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut row_top: Option<i32> = None;
    for ((top, _), mut cell) in cells {
        cell.sort_by(|&a, &b| lines[a].line.y0.total_cmp(&lines[b].line.y0).then(lines[a].line.x0.total_cmp(&lines[b].line.x0)));
        let mut text = String::new();
        for &i in &cell {
            push_wrapped(&mut text, &lines[i].text);
        }
        if row_top != Some(top) {
            rows.push(Vec::new());
            row_top = Some(top);
        }
        if let Some(row) = rows.last_mut() {
            row.push(text);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruled::tests::two_by_two;
    use crate::ruled::{grids, rules};

    #[test]
    fn lines_fall_into_cells() {
        let grid = grids(&rules(&two_by_two())).remove(0);
        let line = |text: &str, x0: f32, y0: f32| TextLine {
            line: crate::lines::Line { text: text.into(), x0, y0, x1: x0 + 40.0, y1: y0 + 9.0, size: 9.0, ..Default::default() },
            text: text.into(),
            page: 1,
            running: false,
        };
        let lines = vec![line("营业收入", 95.0, 105.0), line("1,581,905,632.48", 210.0, 105.0), line("归属于上市公司股东的", 95.0, 122.0), line("净利润", 95.0, 130.0), line("406,195,463.57", 210.0, 125.0)];
        let rows = table_rows(&grid, &lines, &[0, 1, 2, 3, 4]);
        assert_eq!(rows, vec![vec!["营业收入".to_string(), "1,581,905,632.48".into()], vec!["归属于上市公司股东的净利润".into(), "406,195,463.57".into()]]);
    }
}
