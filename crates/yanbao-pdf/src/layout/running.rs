//! Running text: headers, footers and page numbers repeated in the page margins, and numeric
//! stamps repeated page after page, marked so the later stages read past them.

use std::collections::{HashMap, HashSet};

use yanbao_model::normalize::fold;

use crate::lines::Line;
use crate::page::LayoutPage;
use yanbao_vocab as vocab;

/// Returns the repetition key of a margin line: folded, digits replaced by `#`.
pub fn running_key(text: &str) -> String {
    let mut key = String::new();
    for c in fold(text).chars() {
        if c.is_ascii_digit() {
            if !key.ends_with('#') {
                key.push('#');
            }
        } else {
            key.push(c);
        }
    }
    key
}

/// True when a line lies in the top or bottom margin band of its page.
fn in_margin(line: &Line, page_height: f32) -> bool {
    line.y1 <= page_height * 0.14 || line.y0 >= page_height * 0.88
}

/// Marks running headers/footers and page numbers; returns the distinct running strings.
///
/// A margin line is running text when its key repeats on at least 30 % of the pages (two at least).
pub fn mark_running(pages: &mut [LayoutPage]) -> Vec<String> {
    let mut pages_by_key: HashMap<String, HashSet<u32>> = HashMap::new();
    let mut size_by_key: HashMap<String, f32> = HashMap::new();
    // The key of every margin line, computed once (folding is the costly part).
    let mut margin_keys: Vec<Vec<Option<String>>> = Vec::with_capacity(pages.len());
    for page in pages.iter() {
        let mut keys = Vec::with_capacity(page.lines.len());
        for line in &page.lines {
            if in_margin(&line.line, page.height) {
                let key = running_key(&line.text);
                let size = size_by_key.entry(key.clone()).or_insert(0.0);
                *size = size.max(line.line.size);
                pages_by_key.entry(key.clone()).or_default().insert(page.number);
                keys.push(Some(key));
            } else {
                keys.push(None);
            }
        }
        margin_keys.push(keys);
    }
    let needed = ((pages.len() as f32) * 0.3).ceil().max(2.0) as usize;
    let mut running_text = Vec::new();
    let mut recorded: HashSet<String> = HashSet::new();
    mark_numeric_stamps(pages, needed.max(3), &mut running_text, &mut recorded);
    for (page, keys) in pages.iter_mut().zip(margin_keys) {
        let height = page.height;
        for (line, margin_key) in page.lines.iter_mut().zip(keys) {
            let Some(key) = margin_key else {
                // A confirmed running string set a little lower (a cover's taller header band).
                let near_edge = line.line.y1 <= height * 0.25 || line.line.y0 >= height * 0.8;
                if !near_edge {
                    continue;
                }
                let key = running_key(&line.text);
                let confirmed = key.chars().filter(|c| c.is_alphabetic()).count() >= 2
                    && pages_by_key.get(&key).map(|set| set.len() >= needed).unwrap_or(false);
                // Same size as in the margins: a cover title that repeats a header stays.
                let same_size = size_by_key.get(&key).map(|s| line.line.size <= s + 0.5).unwrap_or(false);
                if confirmed && same_size {
                    line.running = true;
                }
                continue;
            };
            if vocab::page::is_page_number(&line.text) {
                line.running = true;
                continue;
            }
            // Numbers alone (table cells near the top edge) are not running text.
            let wordy = key.chars().filter(|c| c.is_alphabetic()).count() >= 2;
            let repeated = wordy && pages_by_key.get(&key).map(|set| set.len() >= needed).unwrap_or(false);
            if repeated {
                line.running = true;
                if recorded.insert(key) {
                    running_text.push(line.text.clone());
                }
            }
        }
    }
    running_text
}

/// Marks numeric stamps repeated page after page anywhere on the page (a download stamp
/// `23056204/43348/20191030 10:40` beside the body, a date printed over every page's charts) as
/// running text: the same numeric line, character for character, on `needed` pages or more.
fn mark_numeric_stamps(pages: &mut [LayoutPage], needed: usize, running_text: &mut Vec<String>, recorded: &mut HashSet<String>) {
    let stamp_key = |text: &str| {
        let key = fold(text);
        (key.chars().count() >= 6 && crate::numeric::is_numeric_line(&key)).then_some(key)
    };
    let mut pages_by_stamp: HashMap<String, HashSet<u32>> = HashMap::new();
    for page in pages.iter() {
        for line in &page.lines {
            if let Some(key) = stamp_key(&line.text) {
                pages_by_stamp.entry(key).or_default().insert(page.number);
            }
        }
    }
    pages_by_stamp.retain(|_, set| set.len() >= needed);
    if pages_by_stamp.is_empty() {
        return;
    }
    for line in pages.iter_mut().flat_map(|p| p.lines.iter_mut()) {
        if let Some(key) = stamp_key(&line.text).filter(|key| pages_by_stamp.contains_key(key)) {
            line.running = true;
            if recorded.insert(key) {
                running_text.push(line.text.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn running_keys_ignore_page_numbers() {
        assert_eq!(running_key("敬请参阅最后一页特别声明 -2-"), running_key("敬请参阅最后一页特别声明 -13-"));
    }
}
