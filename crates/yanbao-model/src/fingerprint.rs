//! Near-duplicate fingerprints: recognise one report produced twice (two PDF producers, a
//! re-export) even when the text layers differ in spacing, headers or a few glyphs.
//!
//! A MinHash signature over character 5-shingles of the folded body text; the share of equal
//! slots between two signatures estimates the Jaccard similarity of their shingle sets.

use crate::normalize::fold;
use crate::{BlockKind, Report};

const SLOTS: usize = 32;
const SHINGLE: usize = 5;
/// Only the first part of a long report is shingled: enough to tell reports apart, bounded work.
const MAX_CHARS: usize = 20_000;

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: cheap, well-distributed, no dependency.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Returns the report's MinHash signature as hex (empty when the body is too short to compare).
pub fn fingerprint(report: &Report) -> String {
    let mut text = String::new();
    for block in report.blocks.iter().filter(|b| matches!(b.kind, BlockKind::Paragraph | BlockKind::List) && !b.boilerplate) {
        text.push_str(&fold(&block.text));
        if text.chars().count() >= MAX_CHARS {
            break;
        }
    }
    let chars: Vec<char> = text.chars().take(MAX_CHARS).collect();
    if chars.len() < 200 {
        return String::new();
    }
    let mut mins = [u64::MAX; SLOTS];
    for window in chars.windows(SHINGLE) {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for c in window {
            h = (h ^ *c as u64).wrapping_mul(0x0100_0000_01b3);
        }
        for (slot, min) in mins.iter_mut().enumerate() {
            let v = mix(h ^ (slot as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            if v < *min {
                *min = v;
            }
        }
    }
    mins.iter().map(|m| format!("{:08x}", (*m >> 32) as u32)).collect()
}

/// Estimated Jaccard similarity (0..=1) of two fingerprints; 0 when either is empty.
pub fn fingerprint_similarity(a: &str, b: &str) -> f64 {
    if a.is_empty() || a.len() != b.len() || a.len() != SLOTS * 8 {
        return 0.0;
    }
    let same = (0..SLOTS).filter(|i| a[i * 8..i * 8 + 8] == b[i * 8..i * 8 + 8]).count();
    same as f64 / SLOTS as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Block;

    fn report_with(text: &str) -> Report {
        let mut report = Report::default();
        for para in text.split('\n') {
            report.blocks.push(Block { kind: BlockKind::Paragraph, text: para.to_string(), ..Block::default() });
        }
        report
    }

    #[test]
    fn same_text_with_other_spacing_is_the_same_report() {
        let body = "中美元首视频会晤，可能会谈些什么？9 月 10 日，中国国家主席习近平应约同美国总统拜登通电话，双方达成初步共识，两国有关部门可以继续接触对话，推进在气候变化、疫情防控、经济复苏以及重大国际和地区问题上的协调和合作。".repeat(3);
        let spaced: String = body.chars().flat_map(|c| [c, ' ']).collect();
        let a = fingerprint(&report_with(&body));
        let b = fingerprint(&report_with(&spaced));
        assert_eq!(fingerprint_similarity(&a, &b), 1.0);
    }

    #[test]
    fn different_reports_differ() {
        let a = fingerprint(&report_with(&"拜登支持率持续快速下滑，民主党丢掉弗吉尼亚州州长选举。".repeat(10)));
        let b = fingerprint(&report_with(&"高频价量相关性是一个意想不到的选股因子，本文构建了新的因子。".repeat(10)));
        assert!(fingerprint_similarity(&a, &b) < 0.2);
        assert_eq!(fingerprint_similarity("", &b), 0.0);
    }
}
