//! Same-report evidence: recognise one report saved twice (two PDF producers, a re-upload, a
//! copy with other whitespace, markup or file name) without taking the next issue of a series,
//! or another report on the same template, for a copy.
//!
//! A fingerprint holds, for the report's body once boilerplate is set aside (disclaimer and
//! rating-definition blocks, disclaimer and contact sentences, web watermarks, page counters,
//! table-of-contents leaders), folded with [`fold`]:
//!
//! * an exact hash of the body text and its length in characters;
//! * a MinHash signature (one-permutation hashing, [`SLOTS`] slots) of its character
//!   8-shingles, whose share of equal slots estimates the Jaccard similarity of two bodies;
//! * a MinHash signature of the multiset of its numeric tokens (the figures).
//!
//! [`same_report`] then decides like a librarian: the same body is the same report whatever the
//! file is called; a nearly identical body is the same report unless something contradicts it:
//! another date, another institution, another period in the title (9月 vs 7月, 第12期 vs
//! 第13期, W45 vs W46), or other figures.

use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::normalize::fold;
use crate::{BlockKind, Report};

/// Prefix of the current fingerprint layout; fingerprints of other layouts compare as 0.
const VERSION: &str = "v2:";
/// Text MinHash slots (16 bits each).
const SLOTS: usize = 128;
/// Figure MinHash slots (16 bits each).
const NUMBER_SLOTS: usize = 128;
/// Slots per LSH band.
const BAND_ROWS: usize = 8;
/// LSH bands: 16 keys per fingerprint.
const BANDS: usize = SLOTS / BAND_ROWS;
/// Characters per shingle.
const SHINGLE: usize = 8;
/// Only the first part of a very long body is shingled (bounded work; no report body is
/// this long); the exact hash and the figures cover up to four times as much.
const MAX_CHARS: usize = 200_000;
/// Bodies shorter than this (after boilerplate) are not compared at all.
const MIN_CHARS: usize = 200;

/// Most text slots two fingerprints of one report may differ in: one fewer than [`BANDS`], so
/// two fingerprints that can be judged the same report always share a whole band (pigeonhole),
/// and candidate search by band keys never misses one. 15 of 128 slots: an estimated Jaccard
/// similarity of at least 0.883.
///
/// Measured on the labelled pair set (`crates/yanbao-engine/tests/same_report.rs`): copies of
/// one report at >= 0.93 (a GBK copy that lost characters GBK cannot hold 0.93, another PDF
/// producer 0.99, other download-site watermarks 0.96, reflowed or marked-up copies 1.0);
/// other issues of a series and reports on one template at <= 0.70 (qznan), unrelated
/// reports at <= 0.2 (mpb).
const MAX_DIFFERENT_SLOTS: usize = BANDS - 1;
/// Estimated figure similarity below which a similar body is another issue "with other
/// figures". Measured: copies at >= 0.86 (a reflowed copy that lost a repeated caption date,
/// a GBK copy with a character reference), mostly >= 0.95; an issue with a quarter of its
/// figures changed at <= 0.70.
const SAME_FIGURES: f64 = 0.8;
/// Figure comparison needs this many numeric tokens on both sides.
const MIN_NUMBERS: u32 = 20;
/// Shortest / longest body length below which two bodies are not one report.
const MIN_LENGTH_RATIO: f64 = 0.8;

/// The parsed parts of a fingerprint.
struct Parsed {
    hash: u64,
    length: u32,
    numbers: u32,
    text: Vec<u16>,
    figures: Vec<u16>,
}

fn mix(mut x: u64) -> u64 {
    // splitmix64 finaliser: cheap, well-distributed, no dependency.
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn hash_chars(chars: &[char]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for c in chars {
        h = (h ^ *c as u64).wrapping_mul(0x0100_0000_01b3);
    }
    mix(h)
}

/// One-permutation MinHash with densification: one hash per element, the top bits choose the
/// slot, the rest compete for its minimum; empty slots borrow from a slot chosen by a fixed
/// sequence (the same for every set, so borrowed slots still agree for similar sets).
struct OnePermutation {
    mins: Vec<u64>,
}

impl OnePermutation {
    fn new(slots: usize) -> OnePermutation {
        debug_assert!(slots.is_power_of_two());
        OnePermutation { mins: vec![u64::MAX; slots] }
    }

    fn add(&mut self, hash: u64) {
        let slots = self.mins.len();
        let slot = (hash >> (64 - slots.trailing_zeros())) as usize;
        let value = hash << slots.trailing_zeros();
        if value < self.mins[slot] {
            self.mins[slot] = value;
        }
    }

    fn finish(mut self) -> Vec<u16> {
        let slots = self.mins.len();
        let filled: Vec<bool> = self.mins.iter().map(|m| *m != u64::MAX).collect();
        if filled.iter().any(|f| *f) {
            for slot in 0..slots {
                if filled[slot] {
                    continue;
                }
                // A fixed sequence of slots to try, then the next filled slot after this one.
                let from = (0..64u64)
                    .map(|attempt| (mix((slot as u64) << 32 | attempt) % slots as u64) as usize)
                    .find(|from| filled[*from])
                    .or_else(|| (1..slots).map(|k| (slot + k) % slots).find(|from| filled[*from]));
                if let Some(from) = from {
                    self.mins[slot] = self.mins[from];
                }
            }
        }
        self.mins.iter().enumerate().map(|(slot, m)| (mix(m ^ (slot as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 48) as u16).collect()
    }
}

/// Returns the report's fingerprint: opaque text stored as-is in the store's `fingerprint`
/// column; `""` when the body is too short to compare.
pub fn fingerprint(report: &Report) -> String {
    let body = comparable_body(report);
    if body.len() < MIN_CHARS {
        return String::new();
    }
    let mut hasher = Sha256::new();
    let mut buf = [0u8; 4];
    for c in &body {
        hasher.update(c.encode_utf8(&mut buf).as_bytes());
    }
    let digest = hasher.finalize();
    let hash = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));

    let mut text = OnePermutation::new(SLOTS);
    let shingled = &body[..body.len().min(MAX_CHARS)];
    for window in shingled.windows(SHINGLE) {
        text.add(hash_chars(window));
    }
    let numbers = numeric_tokens(&body);
    let mut figures = OnePermutation::new(NUMBER_SLOTS);
    let mut seen: HashMap<&str, u64> = HashMap::new();
    for token in &numbers {
        let count = seen.entry(token.as_str()).or_insert(0);
        *count += 1;
        let chars: Vec<char> = token.chars().collect();
        figures.add(mix(hash_chars(&chars) ^ count.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
    }

    let mut out = String::with_capacity(VERSION.len() + 32 + 4 * (SLOTS + NUMBER_SLOTS));
    out.push_str(VERSION);
    out.push_str(&format!("{hash:016x}{:08x}{:08x}", body.len().min(u32::MAX as usize) as u32, numbers.len().min(u32::MAX as usize) as u32));
    for v in text.finish() {
        out.push_str(&format!("{v:04x}"));
    }
    for v in figures.finish() {
        out.push_str(&format!("{v:04x}"));
    }
    out
}

fn parse(fingerprint: &str) -> Option<Parsed> {
    let rest = fingerprint.strip_prefix(VERSION)?;
    if rest.len() != 32 + 4 * (SLOTS + NUMBER_SLOTS) || !rest.is_ascii() {
        return None;
    }
    let hash = u64::from_str_radix(&rest[..16], 16).ok()?;
    let length = u32::from_str_radix(&rest[16..24], 16).ok()?;
    let numbers = u32::from_str_radix(&rest[24..32], 16).ok()?;
    let slots = |from: usize, count: usize| -> Option<Vec<u16>> {
        (0..count).map(|i| u16::from_str_radix(&rest[from + 4 * i..from + 4 * i + 4], 16).ok()).collect()
    };
    let text = slots(32, SLOTS)?;
    let figures = slots(32 + 4 * SLOTS, NUMBER_SLOTS)?;
    Some(Parsed { hash, length, numbers, text, figures })
}

fn share_equal(a: &[u16], b: &[u16]) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / a.len().max(1) as f64
}

/// Estimated similarity (0..=1) of two bodies: the Jaccard similarity of their shingle sets;
/// 0 when either is `""` or they are of different fingerprint versions.
pub fn fingerprint_similarity(a: &str, b: &str) -> f64 {
    match (parse(a), parse(b)) {
        (Some(a), Some(b)) => {
            if a.hash == b.hash && a.length == b.length {
                1.0
            } else {
                share_equal(&a.text, &b.text)
            }
        }
        _ => 0.0,
    }
}

/// Estimated similarity (0..=1) of the figures (numeric tokens, as a multiset) of two bodies,
/// and the smaller count of numeric tokens.
fn figure_similarity(a: &Parsed, b: &Parsed) -> (f64, u32) {
    (share_equal(&a.figures, &b.figures), a.numbers.min(b.numbers))
}

/// LSH band keys of a fingerprint, for finding candidates in a store without comparing against
/// every report: two fingerprints that could be the same report share at least one key. Empty
/// for `""` and for fingerprints of other versions.
pub fn fingerprint_bands(fingerprint: &str) -> Vec<i64> {
    let Some(parsed) = parse(fingerprint) else { return Vec::new() };
    parsed
        .text
        .chunks(BAND_ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut h = mix(band as u64 + 1);
            for v in rows {
                h = mix(h ^ *v as u64);
            }
            h as i64
        })
        .collect()
}

/// What is known of a report to decide whether two files hold the same report.
#[derive(Debug, Clone, Copy)]
pub struct Identity<'a> {
    /// The report's [`fingerprint`].
    pub fingerprint: &'a str,
    /// The report's title.
    pub title: &'a str,
    /// Research institution, where known.
    pub institution: Option<&'a str>,
    /// Report date (`YYYY-MM-DD`), where known.
    pub date: Option<&'a str>,
}

impl<'a> Identity<'a> {
    /// The identity of a parsed report with its fingerprint.
    pub fn of(report: &'a Report, fingerprint: &'a str) -> Identity<'a> {
        Identity {
            fingerprint,
            title: &report.title,
            institution: report.institution.as_deref().filter(|s| !s.trim().is_empty()),
            date: report.date.as_deref().filter(|s| !s.trim().is_empty()),
        }
    }
}

/// True when `b` is another file of the same report as `a` (symmetric).
///
/// The same body (boilerplate set aside) is the same report, whatever the titles say.
/// Otherwise the bodies must be nearly the same text (at most [`MAX_DIFFERENT_SLOTS`] text
/// slots differ, lengths within [`MIN_LENGTH_RATIO`]) and nothing may contradict it: both
/// dates known and different, both institutions known and different, titles naming other
/// periods or issues, or other figures in the body ([`SAME_FIGURES`]).
pub fn same_report(a: &Identity<'_>, b: &Identity<'_>) -> bool {
    let (Some(pa), Some(pb)) = (parse(a.fingerprint), parse(b.fingerprint)) else { return false };
    if pa.hash == pb.hash && pa.length == pb.length {
        return true;
    }
    let different = pa.text.iter().zip(&pb.text).filter(|(x, y)| x != y).count();
    if different > MAX_DIFFERENT_SLOTS {
        return false;
    }
    let (short, long) = (pa.length.min(pb.length) as f64, pa.length.max(pb.length) as f64);
    if short < MIN_LENGTH_RATIO * long {
        return false;
    }
    if let (Some(x), Some(y)) = (a.date, b.date) {
        if x.trim() != y.trim() {
            return false;
        }
    }
    if let (Some(x), Some(y)) = (a.institution, b.institution) {
        if !same_institution(x, y) {
            return false;
        }
    }
    if periods_disagree(&title_periods(a.title), &title_periods(b.title)) {
        return false;
    }
    let (figures, count) = figure_similarity(&pa, &pb);
    !(count >= MIN_NUMBERS && figures < SAME_FIGURES)
}

// ---------------------------------------------------------------------------------------------
// The comparable body

/// Folded body text without boilerplate, as characters.
fn comparable_body(report: &Report) -> Vec<char> {
    let title = fold(&report.title);
    let mut body: Vec<char> = Vec::new();
    for block in &report.blocks {
        if block.boilerplate || body.len() >= 4 * MAX_CHARS {
            continue;
        }
        let folded = fold(&block.text);
        if folded.is_empty() || (block.kind == BlockKind::Heading && folded == title) {
            continue;
        }
        let chars = strip_noise(&folded.chars().collect::<Vec<char>>());
        for sentence in sentences(&chars) {
            if !is_boilerplate_sentence(sentence) {
                body.extend_from_slice(sentence);
            }
        }
    }
    without_repeated_runs(&body)
}

/// A shingle seen this often in one body belongs to a running header, footer or watermark.
const REPEATED: u32 = 5;
/// Runs of repeated shingles at least this long are dropped.
const REPEATED_RUN: usize = 16;

/// Drops what one file repeats page after page (running headers and footers left in the text,
/// watermarks of download sites): runs of at least [`REPEATED_RUN`] characters covered by
/// shingles that occur [`REPEATED`] times or more in the body.
fn without_repeated_runs(body: &[char]) -> Vec<char> {
    if body.len() < SHINGLE {
        return body.to_vec();
    }
    let hashes: Vec<u64> = body.windows(SHINGLE).map(hash_chars).collect();
    let mut counts: HashMap<u64, u32> = HashMap::with_capacity(hashes.len());
    for h in &hashes {
        *counts.entry(*h).or_insert(0) += 1;
    }
    let mut covered = vec![false; body.len()];
    for (i, h) in hashes.iter().enumerate() {
        if counts[h] >= REPEATED {
            covered[i..i + SHINGLE].iter_mut().for_each(|c| *c = true);
        }
    }
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        if covered[i] {
            let start = i;
            while i < body.len() && covered[i] {
                i += 1;
            }
            if i - start < REPEATED_RUN {
                out.extend_from_slice(&body[start..i]);
            }
        } else {
            out.push(body[i]);
            i += 1;
        }
    }
    out
}

/// Splits folded text after sentence ends (。!?), keeping the ends.
fn sentences(chars: &[char]) -> impl Iterator<Item = &[char]> {
    let mut start = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < chars.len() {
            let c = chars[i];
            i += 1;
            if matches!(c, '。' | '!' | '?') {
                let s = &chars[start..i];
                start = i;
                return Some(s);
            }
        }
        if start < chars.len() {
            let s = &chars[start..];
            start = chars.len();
            return Some(s);
        }
        None
    })
}

/// Phrases of disclaimers, rating definitions, analyst statements and contact blocks: a
/// sentence (of at most [`BOILERPLATE_SENTENCE`] characters) holding one is set aside.
const BOILERPLATE_PHRASES: [&str; 37] = [
    "免责声明", "重要声明", "法律声明", "特别声明", "一般声明", "披露声明", "分析师声明", "分析师承诺", "评级说明", "评级体系",
    "评级标准", "投资评级", "本报告仅供", "本报告版权", "版权所有", "未经许可", "请务必阅读", "敬请阅读", "请仔细阅读", "敬请参阅",
    "本公司不", "本报告中的信息", "本报告所载", "本报告的信息", "证券投资咨询业务资格", "投资咨询业务资格", "执业证书", "证书编号", "登记编号", "SAC",
    "联系人", "邮箱", "电子邮件", "电话:", "传真", "地址:", "邮编",
];
/// Longer "sentences" are text without sentence ends (tables, run-together pages): not dropped.
const BOILERPLATE_SENTENCE: usize = 400;

fn is_boilerplate_sentence(sentence: &[char]) -> bool {
    if sentence.len() < 4 || sentence.len() > BOILERPLATE_SENTENCE {
        return false;
    }
    let text: String = sentence.iter().collect();
    BOILERPLATE_PHRASES.iter().any(|p| text.contains(p))
}

/// Longest table-of-contents entry title dropped with its dot leader.
const TOC_ENTRY: usize = 60;

/// Drops from folded text what differs between copies of one document without being its
/// content: web addresses and e-mail addresses (watermarks of download sites), page counters
/// (`3/21`), table-of-contents dot leaders with their page numbers.
fn strip_noise(chars: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(chars.len());
    let n = chars.len();
    let mut i = 0;
    // Where the last dot leader was cut in `out`: a table-of-contents entry runs from there.
    let mut last_leader: Option<usize> = None;
    let lower = |c: char| c.to_ascii_lowercase();
    let starts_with = |i: usize, word: &str| word.chars().enumerate().all(|(k, w)| chars.get(i + k).map(|c| lower(*c)) == Some(w));
    let is_url_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '/' | '-' | '_' | ':' | '?' | '=' | '&' | '%' | '#' | '~');
    while i < n {
        let c = chars[i];
        // Web addresses: www.…, http(s)://…
        if starts_with(i, "www.") || starts_with(i, "http://") || starts_with(i, "https://") {
            let mut j = i;
            while j < n && is_url_char(chars[j]) {
                j += 1;
            }
            i = j;
            continue;
        }
        // E-mail addresses: drop the local part already copied, and the domain.
        if c == '@' && i > 0 && chars[i - 1].is_ascii_alphanumeric() && chars.get(i + 1).is_some_and(|d| d.is_ascii_alphanumeric()) {
            while out.last().is_some_and(|p: &char| p.is_ascii_alphanumeric() || matches!(p, '.' | '_' | '-')) {
                out.pop();
            }
            let mut j = i + 1;
            while j < n && (chars[j].is_ascii_alphanumeric() || matches!(chars[j], '.' | '-')) {
                j += 1;
            }
            i = j;
            continue;
        }
        // Dot leaders (……, ....., ·····) and the page number after them.
        if matches!(c, '.' | '…' | '·' | '-' | '_') {
            let mut j = i;
            while j < n && chars[j] == c {
                j += 1;
            }
            let run = j - i;
            if (c == '…' && run >= 2) || run >= 4 {
                while j < n && chars[j].is_ascii_digit() {
                    j += 1;
                }
                // The entry's title too, when it follows another entry: 前言....1一、定义....2
                if let Some(prev) = last_leader.filter(|p| *p <= out.len() && out.len() - p <= TOC_ENTRY) {
                    out.truncate(prev);
                }
                last_leader = Some(out.len());
                i = j;
                continue;
            }
        }
        // Page counters: 3/21 (digits on both sides, not part of a longer number or date).
        if c.is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit() && chars[i - 1] != '/' && chars[i - 1] != '.') {
            let mut j = i;
            while j < n && chars[j].is_ascii_digit() {
                j += 1;
            }
            if j - i <= 3 && chars.get(j) == Some(&'/') {
                let mut k = j + 1;
                while k < n && chars[k].is_ascii_digit() {
                    k += 1;
                }
                let pages = k - j - 1;
                if (1..=3).contains(&pages) && chars.get(k).is_none_or(|d| !d.is_ascii_digit() && *d != '/' && *d != '.') {
                    let page: u32 = chars[i..j].iter().collect::<String>().parse().unwrap_or(0);
                    let total: u32 = chars[j + 1..k].iter().collect::<String>().parse().unwrap_or(0);
                    if page >= 1 && page <= total {
                        i = k;
                        continue;
                    }
                }
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Numeric tokens of folded text, normalised: thousands separators dropped, `%` kept.
fn numeric_tokens(chars: &[char]) -> Vec<String> {
    let mut out = Vec::new();
    let n = chars.len();
    let mut i = 0;
    while i < n {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let mut token = String::new();
        let mut j = i;
        while j < n {
            let c = chars[j];
            if c.is_ascii_digit() {
                token.push(c);
                j += 1;
            } else if c == ',' && j + 3 < n && chars[j + 1..j + 4].iter().all(char::is_ascii_digit) && chars.get(j + 4).is_none_or(|d| !d.is_ascii_digit()) {
                j += 1;
            } else if c == '.' && chars.get(j + 1).is_some_and(char::is_ascii_digit) {
                token.push('.');
                j += 1;
            } else {
                break;
            }
        }
        if chars.get(j) == Some(&'%') {
            token.push('%');
            j += 1;
        }
        if token.chars().count() >= 2 {
            out.push(token);
        }
        i = j;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Institutions

/// The folded name without the organisational suffix (东兴证券股份有限公司 → 东兴证券).
fn institution_key(name: &str) -> String {
    let mut key = fold(name);
    const SUFFIXES: [&str; 8] = ["股份有限公司", "有限责任公司", "有限公司", "研究所", "研究院", "研究中心", "研究部", "研究"];
    loop {
        let before = key.len();
        for suffix in SUFFIXES {
            if key.len() > suffix.len() + 3 {
                if let Some(stripped) = key.strip_suffix(suffix) {
                    key = stripped.to_string();
                }
            }
        }
        if key.len() == before {
            break;
        }
    }
    key
}

/// True when two institution names can name one institution: one key contains the other
/// (安信证券研究中心 / 安信证券股份有限公司), or they differ in one garbled glyph only (a
/// character outside the common ideographs on one side: 华㘛证券 / 华刽证券).
fn same_institution(a: &str, b: &str) -> bool {
    let (a, b) = (institution_key(a), institution_key(b));
    if a.is_empty() || b.is_empty() || a.contains(&b) || b.contains(&a) {
        return true;
    }
    let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let common = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || c.is_ascii_alphanumeric();
    let differing: Vec<(char, char)> = x.iter().zip(&y).filter(|(p, q)| p != q).map(|(p, q)| (*p, *q)).collect();
    x.len() == y.len() && x.len() >= 3 && differing.len() == 1 && differing.iter().all(|(p, q)| !common(*p) || !common(*q))
}

// ---------------------------------------------------------------------------------------------
// Periods named in titles

/// What a period marker in a title names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum PeriodKind {
    Year,
    Month,
    Day,
    Week,
    Quarter,
    Half,
    Issue,
    Part,
}

/// The period markers of a title: kind → the values named (as text).
fn title_periods(title: &str) -> Vec<(PeriodKind, String)> {
    let chars: Vec<char> = fold(title).chars().map(|c| c.to_ascii_uppercase()).collect();
    let n = chars.len();
    let mut out: Vec<(PeriodKind, String)> = Vec::new();
    let mut i = 0;
    while i < n {
        let start = i;
        let Some((value, end)) = number_at(&chars, i) else {
            i += 1;
            continue;
        };
        let digits_only = chars[start..end].iter().all(char::is_ascii_digit);
        let width = end - start;
        let before = if start > 0 { Some(chars[start - 1]) } else { None };
        let before2: String = chars[start.saturating_sub(2)..start].iter().collect();
        let after = chars.get(end).copied();
        // A range: 1-11月, 0915-0921, 1_2月.
        let mut range_end = None;
        if matches!(after, Some('-' | '_' | '~' | '至' | '到')) {
            if let Some((value2, end2)) = number_at(&chars, end + 1) {
                range_end = Some((value2, end2));
            }
        }
        let (last, unit_at) = match range_end {
            Some((_, end2)) => (end2, end2),
            None => (end, end),
        };
        let unit = chars.get(unit_at).copied();
        let unit2: String = chars[unit_at.min(n)..(unit_at + 2).min(n)].iter().collect();
        let text = match range_end {
            Some((v2, _)) => format!("{value}-{v2}"),
            None => value.to_string(),
        };
        let mut push = |kind: PeriodKind, value: String| out.push((kind, value));
        if digits_only && width == 8 && (chars[start] == '1' || chars[start] == '2') && range_end.is_none() {
            // 20210121
            let s: String = chars[start..end].iter().collect();
            let (y, m, d) = (&s[..4], s[4..6].parse::<u32>().unwrap_or(0), s[6..8].parse::<u32>().unwrap_or(0));
            if (1..=12).contains(&m) && (1..=31).contains(&d) && (y.starts_with("19") || y.starts_with("20")) {
                push(PeriodKind::Year, y.to_string());
                push(PeriodKind::Month, m.to_string());
                push(PeriodKind::Day, d.to_string());
            }
        } else if digits_only && width == 4 && range_end.is_some_and(|(_, e2)| e2 - end - 1 == 4) && unit != Some('年') {
            // 0915-0921: a week given by its first and last day.
            push(PeriodKind::Day, text);
        } else if unit == Some('年') && (width == 4 || width == 2) && digits_only {
            push(PeriodKind::Year, year_text(&text));
        } else if unit == Some('月') {
            push(PeriodKind::Month, text);
        } else if matches!(unit, Some('日' | '号')) && before != Some('第') {
            push(PeriodKind::Day, text);
        } else if unit == Some('周') || before == Some('W') && digits_only {
            push(PeriodKind::Week, text);
        } else if unit2 == "季度" || unit == Some('季') {
            push(PeriodKind::Quarter, text);
        } else if matches!(unit, Some('期')) || before2.ends_with('第') && matches!(unit, Some('期' | '号')) {
            push(PeriodKind::Issue, text);
        } else if before == Some('Q') && digits_only {
            push(PeriodKind::Quarter, text);
            if let Some(y) = two_digit_year_before(&chars, start - 1) {
                push(PeriodKind::Year, y);
            }
        } else if unit == Some('Q') && digits_only && width <= 2 {
            // 3Q20, 20Q1
            if width == 2 {
                push(PeriodKind::Year, year_text(&text));
            } else {
                push(PeriodKind::Quarter, text);
                if let Some((y, _)) = number_at(&chars, unit_at + 1).filter(|(_, e)| e - unit_at - 1 == 2) {
                    push(PeriodKind::Year, year_text(&y.to_string()));
                }
            }
        } else if before == Some('H') && digits_only && width == 1 {
            push(PeriodKind::Half, text);
            if let Some(y) = two_digit_year_before(&chars, start - 1) {
                push(PeriodKind::Year, y);
            }
        } else if unit == Some('H') && digits_only && width <= 2 {
            if width == 2 {
                push(PeriodKind::Year, year_text(&text));
            } else {
                push(PeriodKind::Half, text);
            }
        } else if matches!(before, Some('(' | '之' | '第')) || before2.ends_with("系列") {
            // （3）, 之五, 第2篇, 系列二; （2018） is a year; （600702） a stock code.
            if digits_only && width == 4 && (text.starts_with("19") || text.starts_with("20")) {
                push(PeriodKind::Year, text);
            } else if width <= 3 {
                push(PeriodKind::Part, text);
            }
        } else if digits_only && width == 4 && (text.starts_with("19") || text.starts_with("20")) {
            push(PeriodKind::Year, text);
        }
        i = last.max(start + 1);
    }
    for (pattern, kind, value) in [("上半年", PeriodKind::Half, "1"), ("下半年", PeriodKind::Half, "2"), ("中报", PeriodKind::Half, "1"), ("年中", PeriodKind::Half, "1")] {
        let folded: String = chars.iter().collect();
        if folded.contains(pattern) {
            out.push((kind, value.to_string()));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// `20` → `2020`, `2020` → `2020`.
fn year_text(text: &str) -> String {
    if text.len() == 2 {
        format!("20{text}")
    } else {
        text.to_string()
    }
}

/// A two-digit year right before position `end` (the `20` of `20Q1`), when it stands alone.
fn two_digit_year_before(chars: &[char], end: usize) -> Option<String> {
    if end >= 2 && chars[end - 1].is_ascii_digit() && chars[end - 2].is_ascii_digit() && (end == 2 || !chars[end - 3].is_ascii_digit()) {
        Some(format!("20{}{}", chars[end - 2], chars[end - 1]))
    } else {
        None
    }
}

/// A number at `i`: ASCII digits, or Chinese numerals (一 … 十, 两, 〇/零), with its value and end.
fn number_at(chars: &[char], i: usize) -> Option<(u32, usize)> {
    let first = *chars.get(i)?;
    if first.is_ascii_digit() {
        if i > 0 && chars[i - 1].is_ascii_digit() {
            return None;
        }
        let mut j = i;
        let mut value: u64 = 0;
        while j < chars.len() && chars[j].is_ascii_digit() {
            value = (value * 10 + chars[j].to_digit(10).unwrap_or(0) as u64).min(u32::MAX as u64);
            j += 1;
        }
        return Some((value as u32, j));
    }
    let digit = |c: char| "〇一二三四五六七八九".chars().position(|d| d == c).or(match c {
        '零' => Some(0),
        '两' => Some(2),
        _ => None,
    });
    if digit(first).is_none() && first != '十' {
        return None;
    }
    if i > 0 && (digit(chars[i - 1]).is_some() || chars[i - 1] == '十') {
        return None;
    }
    let mut j = i;
    let mut total: u32 = 0;
    let mut current: u32 = 0;
    let mut any = false;
    while j < chars.len() {
        let c = chars[j];
        if let Some(d) = digit(c) {
            current = current * 10 + d as u32;
            any = true;
        } else if c == '十' {
            total += if current == 0 { 10 } else { current * 10 };
            current = 0;
            any = true;
        } else {
            break;
        }
        j += 1;
    }
    any.then_some((total + current, j))
}

/// True when two titles name different periods or issues: for some kind of marker (year,
/// month, week, issue …) both titles name some, and none in common (2018年12月 vs 2019年1月;
/// a title that also carries a publication date, 20210115-…2020年12月…, still agrees with
/// 2020年12月…).
fn periods_disagree(a: &[(PeriodKind, String)], b: &[(PeriodKind, String)]) -> bool {
    a.iter().any(|(kind, _)| {
        let mut theirs = b.iter().filter(|(k, _)| k == kind).peekable();
        theirs.peek().is_some() && !theirs.any(|(_, v)| a.iter().any(|(k, w)| k == kind && w == v))
    })
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

    /// Deterministic prose without repeated phrases: `count` sentences from a seed.
    fn prose(seed: u64, count: usize) -> Vec<String> {
        const HAN: &str = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处理府研质";
        let chars: Vec<char> = HAN.chars().collect();
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (0..count)
            .map(|_| {
                let mut sentence = String::new();
                for k in 0..36 {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    sentence.push(chars[(state >> 33) as usize % chars.len()]);
                    if k % 12 == 11 && k < 35 {
                        sentence.push('，');
                    }
                }
                sentence.push('。');
                sentence
            })
            .collect()
    }

    const BODY: &str = "中美元首视频会晤，可能会谈些什么？9 月 10 日，中国国家主席习近平应约同美国总统拜登通电话，双方达成初步共识，两国有关部门可以继续接触对话，推进在气候变化、疫情防控、经济复苏以及重大国际和地区问题上的协调和合作。";

    #[test]
    fn same_text_with_other_spacing_is_the_same_report() {
        let body = BODY.repeat(3);
        let spaced: String = body.chars().flat_map(|c| [c, ' ']).collect();
        let a = fingerprint(&report_with(&body));
        let b = fingerprint(&report_with(&spaced));
        assert_eq!(fingerprint_similarity(&a, &b), 1.0);
        assert!(a.starts_with("v2:"));
        assert_eq!(fingerprint_bands(&a), fingerprint_bands(&b));
        assert_eq!(fingerprint_bands(&a).len(), SLOTS / BAND_ROWS);
    }

    #[test]
    fn different_reports_differ() {
        let a = fingerprint(&report_with(&"拜登支持率持续快速下滑，民主党丢掉弗吉尼亚州州长选举。".repeat(10)));
        let b = fingerprint(&report_with(&"高频价量相关性是一个意想不到的选股因子，本文构建了新的因子。".repeat(10)));
        assert!(fingerprint_similarity(&a, &b) < 0.2);
        assert_eq!(fingerprint_similarity("", &b), 0.0);
        assert!(fingerprint_bands("").is_empty());
        // An old 32-slot fingerprint compares as 0.
        assert_eq!(fingerprint_similarity(&"0123abcd".repeat(32), &b), 0.0);
    }

    #[test]
    fn short_bodies_have_no_fingerprint() {
        assert_eq!(fingerprint(&report_with("太短了。")), "");
    }

    #[test]
    fn title_periods_are_read() {
        let p = |t: &str| title_periods(t);
        assert!(periods_disagree(&p("血制品9月批签发数据专题"), &p("血制品7月批签发数据专题")));
        assert!(periods_disagree(&p("医药行业2018年12月投资策略"), &p("2019年1月医药行业投资策略")));
        assert!(periods_disagree(&p("行业周报第12期"), &p("行业周报（第13期）")));
        assert!(periods_disagree(&p("电子周报W45"), &p("电子周报W46")));
        assert!(periods_disagree(&p("周报0915-0921"), &p("周报0922-0928")));
        assert!(periods_disagree(&p("2020年1-11月血制品批签发"), &p("2020年1-10月血制品批签发")));
        assert!(periods_disagree(&p("20Q1血制品批签发总结"), &p("20Q3血制品批签发总结")));
        assert!(periods_disagree(&p("医美产业深度剖析（3）"), &p("医美产业深度剖析（4）")));
        assert!(periods_disagree(&p("医美产业链深度剖析之五"), &p("医美产业链深度剖析之四")));
        assert!(periods_disagree(&p("2020年一季度血制品"), &p("2020年三季度血制品")));
        assert!(!periods_disagree(&p("2021年1-2月血制品批签发"), &p("2021年1_2月血制品批签发")));
        assert!(!periods_disagree(&p("2018中国医疗美容市场洞察"), &p("中国医疗美容行业洞察（2018）-远见·卓识")));
        assert!(!periods_disagree(&p("昊海生科（688366）：收购全球化医美科技企业"), &p("昊海生科：收购全球化医美科技企业")));
        assert!(!periods_disagree(&p("医美产业深度剖析（5）"), &p("商贸零售：医美产业链深度剖析")));
        assert!(!periods_disagree(&p("2020年H1血制品批签发报告"), &p("医药生物行业2020年H1血制品批签发报告")));
        assert!(!periods_disagree(&p("5G手机产业"), &p("5G 手机产业")));
        // A file name with the publication date still agrees with the title it carries.
        assert!(!periods_disagree(&p("20210115-西南证券-2020年12月血制品批签发"), &p("2020年12月血制品批签发")));
        assert!(!periods_disagree(&p("量化择时系列（1）：技术择时艺术"), &p("量化择时系列（一）：技术择时艺术")));
        assert!(p("舍得酒业 (600702): 双品牌战略不变").is_empty(), "{:?}", p("舍得酒业 (600702)"));
    }

    #[test]
    fn running_text_and_watermarks_are_set_aside() {
        // 12 pages of 6 sentences; every other page ends in a source line.
        let mut pages: Vec<String> = prose(7, 72).chunks(6).map(|c| c.concat()).collect();
        for page in pages.iter_mut().step_by(2) {
            page.push_str("资料来源：国家卫生健康委员会，远卓管理顾问分析。");
        }
        let plain = pages.concat();
        // The same pages from a download site: a watermark and a page counter on each.
        let marked: String = pages.iter().enumerate().map(|(i, c)| format!("{c}報告吧www.baogaoba.xyz免費分享獨家收集百萬報告实时更新日更千篇{}/12远卓·智库", i + 1)).collect();
        let strip = |t: &str| -> String {
            without_repeated_runs(&strip_noise(&fold(t).chars().collect::<Vec<_>>())).into_iter().collect()
        };
        let (a, b) = (strip(&plain), strip(&marked));
        assert!(!b.contains("免費分享") && !b.contains("智库") && !b.contains("12"), "{b}");
        // What repeats in both (a source line) is set aside in both.
        assert!(!a.contains("资料来源") && !b.contains("资料来源"), "{a}");
        // What is left differs by the sentence end next to each watermark at most.
        assert_eq!(a.replace('。', ""), b.replace('。', ""));
        let (fa, fb) = (fingerprint(&report_with(&plain)), fingerprint(&report_with(&marked)));
        assert!(fingerprint_similarity(&fa, &fb) >= 0.9, "{}", fingerprint_similarity(&fa, &fb));
        assert!(same_report(&identity(&fa, "远卓", None), &identity(&fb, "远卓", None)));
    }

    #[test]
    fn copies_share_a_band() {
        // Whatever the slots in which two fingerprints differ, if they are few enough to be
        // judged the same report, some band is whole in both.
        let paragraphs = prose(11, 60);
        let base = fingerprint(&report_with(&paragraphs.join("\n")));
        for drop in 0..12 {
            let other: Vec<String> = paragraphs.iter().enumerate().filter(|(i, _)| i % 12 != drop).map(|(_, p)| p.clone()).collect();
            let fp = fingerprint(&report_with(&other.join("\n")));
            let (a, b) = (parse(&base).unwrap(), parse(&fp).unwrap());
            let different = a.text.iter().zip(&b.text).filter(|(x, y)| x != y).count();
            let shared = fingerprint_bands(&base).iter().zip(fingerprint_bands(&fp)).filter(|(x, y)| **x == *y).count();
            assert!(different > MAX_DIFFERENT_SLOTS || shared > 0, "{different} {shared}");
            assert_eq!(shared, a.text.chunks(BAND_ROWS).zip(b.text.chunks(BAND_ROWS)).filter(|(x, y)| x == y).count());
        }
    }

    #[test]
    fn noise_is_stripped() {
        let s = |t: &str| -> String { strip_noise(&fold(t).chars().collect::<Vec<_>>()).into_iter().collect() };
        assert_eq!(s("目录前言......1行业态势……2一、定义.....3正文"), "目录前言正文");
        assert_eq!(s("市场WWW.1C9U.COM研报客3/21远卓"), "市场研报客远卓");
        assert_eq!(s("联系wenm@bexcel.com谢"), "联系谢");
        // A date is no page counter; a bare 3/4 is taken for one (both copies lose it alike).
        assert_eq!(s("截至2020/12/31，完成3/4"), "截至2020/12/31,完成");
    }

    #[test]
    fn institutions_are_compared_by_name() {
        assert!(same_institution("安信证券研究中心", "安信证券股份有限公司"));
        assert!(same_institution("东兴证券", "财智兴盛之源东兴证券股份有限公司"));
        assert!(same_institution("华㘛证券", "华刽证券"));
        assert!(!same_institution("国元证券", "国金证券"));
        assert!(!same_institution("中金公司", "中信证券"));
    }

    #[test]
    fn numbers_are_tokens() {
        let chars: Vec<char> = fold("收入1,234.5亿元，同比增长12.3%，第3季度；2019,2020年").chars().collect();
        assert_eq!(numeric_tokens(&chars), vec!["1234.5", "12.3%", "2019", "2020"]);
    }

    fn identity<'a>(fp: &'a str, title: &'a str, date: Option<&'a str>) -> Identity<'a> {
        Identity { fingerprint: fp, title, institution: None, date }
    }

    #[test]
    fn near_copies_and_series_issues() {
        let paragraphs: Vec<String> = prose(3, 40)
            .into_iter()
            .enumerate()
            .map(|(i, p)| format!("{p}同比增长{}.{}%，为{}万瓶。", 10 + i, i % 10, 100 + 7 * i))
            .collect();
        let body = paragraphs.join("\n");
        let fp = fingerprint(&report_with(&body));
        // The same body under another title: the same report.
        let same = identity(&fp, "血制品9月批签发数据专题", Some("2020-10-10"));
        assert!(same_report(&same, &identity(&fp, "行业报告：血制品批签发", None)));
        // A copy with one paragraph dropped and a little extra whitespace: the same report.
        let near: String = paragraphs[1..].join("\n \n");
        let fp_near = fingerprint(&report_with(&near));
        assert!(fingerprint_similarity(&fp, &fp_near) >= 0.9, "{}", fingerprint_similarity(&fp, &fp_near));
        assert!(same_report(&same, &identity(&fp_near, "血制品9月批签发数据专题", None)));
        assert!(same_report(&identity(&fp_near, "血制品9月批签发数据专题", None), &same));
        // ... but not when it names another month, or another date.
        assert!(!same_report(&same, &identity(&fp_near, "血制品7月批签发数据专题", None)));
        assert!(!same_report(&same, &identity(&fp_near, "血制品9月批签发数据专题", Some("2020-08-10"))));
        // The same text with other figures: another issue.
        let other: String = paragraphs.iter().map(|p| p.replace('1', "4").replace('3', "8")).collect::<Vec<_>>().join("\n");
        let fp_other = fingerprint(&report_with(&other));
        assert!(!same_report(&same, &identity(&fp_other, "血制品9月批签发数据专题", None)));
    }
}
