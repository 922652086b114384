//! Ruled tables: the thin drawn rules of a page and the grids of cells they form (annual reports
//! draw every cell border; their rows of figures are not paragraphs). Line building keeps runs
//! from crossing a vertical rule ([`separators`]); the table stage reads the text inside a grid
//! as cells (`layout::tables`).

use crate::extract::Shape;

/// Thickest stroke (points) still taken for a rule rather than a filled area.
const RULE_THICKNESS: f32 = 2.0;
/// Shortest rule (points): shorter marks are corner dots and bullets.
const RULE_MIN_LENGTH: f32 = 4.0;
/// Distance (points) within which two rules touch.
pub const TOUCH: f32 = 1.5;
/// Rules read on one page at most (a chart can draw thousands of ticks; tables need far fewer).
const MAX_RULES: usize = 4000;

/// A thin drawn line, horizontal or vertical, in top-down page coordinates.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// True for a horizontal rule.
    pub horizontal: bool,
}

impl Rule {
    /// The rule's position across its length: y for a horizontal rule, x for a vertical one.
    pub fn position(&self) -> f32 {
        if self.horizontal { (self.y0 + self.y1) / 2.0 } else { (self.x0 + self.x1) / 2.0 }
    }
}

/// Returns the thin horizontal and vertical rules among a page's shapes (images excluded).
pub fn rules(shapes: &[Shape]) -> Vec<Rule> {
    let mut out = Vec::new();
    for shape in shapes.iter().filter(|s| !s.image) {
        let (width, height) = (shape.x1 - shape.x0, shape.y1 - shape.y0);
        let horizontal = height <= RULE_THICKNESS && width >= RULE_MIN_LENGTH;
        let vertical = width <= RULE_THICKNESS && height >= RULE_MIN_LENGTH;
        if horizontal || vertical {
            out.push(Rule { x0: shape.x0, y0: shape.y0, x1: shape.x1, y1: shape.y1, horizontal });
        }
        if out.len() >= MAX_RULES {
            break;
        }
    }
    out
}

/// The vertical rules of a page as `(x, top, bottom)`, sorted by x: the separators a text run
/// must not cross (see [`crate::lines::build_lines_ruled`]).
pub fn separators(shapes: &[Shape]) -> Vec<(f32, f32, f32)> {
    let mut out: Vec<(f32, f32, f32)> = rules(shapes).into_iter().filter(|r| !r.horizontal).map(|r| (r.position(), r.y0, r.y1)).collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

/// A grid of touching rules: at least three distinct horizontal and three distinct vertical
/// positions (two rows by two columns of cells).
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Left edge.
    pub x0: f32,
    /// Top edge.
    pub y0: f32,
    /// Right edge.
    pub x1: f32,
    /// Bottom edge.
    pub y1: f32,
    /// The grid's rules.
    pub rules: Vec<Rule>,
}

impl Grid {
    /// True when a point lies inside the grid's box.
    pub fn contains(&self, x: f32, y: f32) -> bool {
        x >= self.x0 - TOUCH && x <= self.x1 + TOUCH && y >= self.y0 - TOUCH && y <= self.y1 + TOUCH
    }
}

/// Groups touching rules and keeps the groups that form a grid of cells.
pub fn grids(rules: &[Rule]) -> Vec<Grid> {
    let mut parent: Vec<usize> = (0..rules.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut order: Vec<usize> = (0..rules.len()).collect();
    order.sort_by(|&a, &b| rules[a].x0.total_cmp(&rules[b].x0));
    for (k, &i) in order.iter().enumerate() {
        for &j in &order[k + 1..] {
            if rules[j].x0 > rules[i].x1 + TOUCH {
                break;
            }
            let touch = rules[j].y0 <= rules[i].y1 + TOUCH && rules[i].y0 <= rules[j].y1 + TOUCH;
            if touch {
                let (a, b) = (root(&mut parent, i), root(&mut parent, j));
                parent[a] = b;
            }
        }
    }
    let mut groups: std::collections::HashMap<usize, Vec<Rule>> = std::collections::HashMap::new();
    for i in 0..rules.len() {
        let r = root(&mut parent, i);
        groups.entry(r).or_default().push(rules[i]);
    }
    let mut out: Vec<Grid> = groups
        .into_values()
        .filter(|group| distinct(group, true) >= 3 && distinct(group, false) >= 3)
        .map(|group| {
            let mut grid = Grid { x0: f32::MAX, y0: f32::MAX, x1: f32::MIN, y1: f32::MIN, rules: Vec::new() };
            for r in &group {
                grid.x0 = grid.x0.min(r.x0);
                grid.y0 = grid.y0.min(r.y0);
                grid.x1 = grid.x1.max(r.x1);
                grid.y1 = grid.y1.max(r.y1);
            }
            grid.rules = group;
            grid
        })
        .filter(|g| g.x1 - g.x0 >= 40.0 && g.y1 - g.y0 >= 15.0)
        .collect();
    out.sort_by(|a, b| a.y0.total_cmp(&b.y0));
    out
}

/// Counts the distinct positions (2 pt apart) of a group's horizontal or vertical rules.
fn distinct(group: &[Rule], horizontal: bool) -> usize {
    let mut positions: Vec<f32> = group.iter().filter(|r| r.horizontal == horizontal).map(Rule::position).collect();
    positions.sort_by(f32::total_cmp);
    positions.dedup_by(|a, b| (*a - *b).abs() < 2.0);
    positions.len()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn shape(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        Shape { x0, y0, x1, y1, image: false }
    }

    /// A 2 × 2 cell grid drawn as separate thin rules (as 金宇生物's annual report draws it).
    pub(crate) fn two_by_two() -> Vec<Shape> {
        let mut shapes = Vec::new();
        for y in [100.0, 120.0, 140.0] {
            shapes.push(shape(90.0, y, 300.0, y + 0.5));
        }
        for x in [90.0, 200.0, 300.0] {
            shapes.push(shape(x, 100.0, x + 0.5, 140.5));
        }
        shapes
    }

    #[test]
    fn touching_rules_make_a_grid() {
        let found = grids(&rules(&two_by_two()));
        assert_eq!(found.len(), 1);
        assert!(found[0].contains(150.0, 110.0));
        assert!(!found[0].contains(150.0, 200.0));
    }

    #[test]
    fn a_box_or_a_separator_is_no_grid() {
        // A frame around a summary: two rules each way.
        let frame = vec![shape(90.0, 100.0, 300.0, 100.5), shape(90.0, 200.0, 300.0, 200.5), shape(90.0, 100.0, 90.5, 200.5), shape(300.0, 100.0, 300.5, 200.5)];
        assert!(grids(&rules(&frame)).is_empty());
        // Filled areas and images are no rules.
        assert!(rules(&[shape(0.0, 0.0, 50.0, 50.0), Shape { image: true, ..shape(0.0, 0.0, 100.0, 1.0) }]).is_empty());
    }
}
