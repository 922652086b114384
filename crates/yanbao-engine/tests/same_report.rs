//! The labelled pair set of "same report = the same document in another file" (issue 8, item 1):
//! parsed reports, their fingerprints and [`same_report`] on pairs labelled copy / different.
//! Every set must come out at precision 1.00 (no different report taken for a copy) and recall
//! 1.00 (every copy found).
//!
//! * in-repo (always runs): the seed and the Markdown fixtures, each with copies made here
//!   (re-encoded to GBK, reflowed, marked up, renamed with another title line) and near-series
//!   negatives made here (another month in the title and a quarter of the figures changed; a
//!   report sharing only its first half with another one);
//! * `../shared/corpus` when present (else the test says why it skips): the 498 qznan industry
//!   reports written out as `trust-check.py` writes them, labelled by the shingle overlap of
//!   their raw bodies; the 47 mpb Markdown reports; the two PDFs of one report (needs PDFium).
//!
//! Run: `cargo test -p yanbao-engine --test same_report -- --nocapture` (prints the figures).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use yanbao_engine::parse::{parse_file, parse_structure};
use yanbao_engine::{ParseOptions, SourceFormat};
use yanbao_model::{fingerprint, fingerprint_bands, fingerprint_similarity, same_report, Identity, Report};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn corpus() -> Option<PathBuf> {
    let dir = repo().join("../shared/corpus");
    dir.is_dir().then_some(dir)
}

/// One parsed file of the pair set.
struct Item {
    /// What the file is, for messages.
    label: String,
    report: Report,
    print: String,
    bands: HashSet<i64>,
}

impl Item {
    fn new(label: String, report: Report) -> Item {
        let print = fingerprint(&report);
        let bands = fingerprint_bands(&print).into_iter().collect();
        Item { label, report, print, bands }
    }

    fn identity(&self) -> Identity<'_> {
        Identity::of(&self.report, &self.print)
    }
}

/// A labelled pair of items.
struct Pair {
    a: usize,
    b: usize,
    copy: bool,
    /// Raw-body overlap (8-character shingles), where measured.
    overlap: Option<f64>,
}

/// Judges every pair, prints the figures and the mistakes, and asserts precision and recall 1.00.
/// Also asserts that every pair judged the same report shares a band key (so the store, which
/// only compares candidates found by band keys, finds it).
fn evaluate(set: &str, items: &[Item], pairs: &[Pair]) {
    let (mut found, mut copies, mut wrong) = (0, 0, Vec::new());
    let mut missed = Vec::new();
    let mut negatives_by_similarity: Vec<(f64, &Pair)> = Vec::new();
    let mut closest_positive: Option<(f64, &Pair)> = None;
    for pair in pairs {
        let (a, b) = (&items[pair.a], &items[pair.b]);
        let same = same_report(&a.identity(), &b.identity());
        assert_eq!(same, same_report(&b.identity(), &a.identity()), "{set}: not symmetric: {} / {}", a.label, b.label);
        if same {
            assert!(a.bands.intersection(&b.bands).next().is_some(), "{set}: judged the same report without a shared band key: {} / {}", a.label, b.label);
        }
        let similarity = fingerprint_similarity(&a.print, &b.print);
        if pair.copy {
            copies += 1;
            if same {
                found += 1;
            } else {
                missed.push(pair);
            }
            if closest_positive.is_none_or(|(s, _)| similarity < s) {
                closest_positive = Some((similarity, pair));
            }
        } else {
            if same {
                wrong.push(pair);
            }
            negatives_by_similarity.push((similarity, pair));
        }
    }
    let describe = |p: &Pair| {
        format!(
            "{} / {} (estimated similarity {:.3}{})",
            items[p.a].label,
            items[p.b].label,
            fingerprint_similarity(&items[p.a].print, &items[p.b].print),
            p.overlap.map(|o| format!(", raw overlap {o:.3}")).unwrap_or_default()
        )
    };
    let negatives = pairs.len() - copies;
    println!(
        "{set}: {} pairs ({copies} copies, {negatives} different): {found}/{copies} copies found, {} different pairs judged the same; precision {:.2}, recall {:.2}",
        pairs.len(),
        wrong.len(),
        if found + wrong.len() == 0 { 1.0 } else { found as f64 / (found + wrong.len()) as f64 },
        if copies == 0 { 1.0 } else { found as f64 / copies as f64 },
    );
    if let Some((_, p)) = closest_positive {
        println!("  closest copy: {}", describe(p));
    }
    negatives_by_similarity.sort_by(|x, y| y.0.total_cmp(&x.0));
    for (_, p) in negatives_by_similarity.iter().take(3) {
        println!("  close different pair: {}", describe(p));
    }
    for p in &wrong {
        println!("  DIFFERENT but judged the same: {}", describe(p));
    }
    for p in &missed {
        println!("  COPY missed: {}", describe(p));
    }
    assert!(wrong.is_empty() && missed.is_empty(), "{set}: {} different pairs judged the same, {} copies missed", wrong.len(), missed.len());
}

/// Parses files on two threads, in order.
fn parse_all(files: &[(PathBuf, String)], parse: fn(&Path, &[u8]) -> Option<Report>) -> Vec<Item> {
    let half = files.len().div_ceil(2).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(half)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .filter_map(|(path, label)| {
                            let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                            parse(path, &bytes).map(|report| Item::new(label.clone(), report))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("parser thread")).collect()
    })
}

fn parse_full(path: &Path, bytes: &[u8]) -> Option<Report> {
    Some(parse_file(path, bytes, &ParseOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

// ---------------------------------------------------------------------------------------------
// Raw-body overlap, as trust-check.py measures it

/// Sorted distinct hashes of the 8-character shingles of a text without whitespace.
fn shingles(text: &str) -> Vec<u64> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out: Vec<u64> = chars
        .windows(8)
        .map(|w| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for c in w {
                h = (h ^ *c as u64).wrapping_mul(0x0100_0000_01b3);
            }
            h ^ (h >> 29)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut both) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                both += 1;
                i += 1;
                j += 1;
            }
        }
    }
    both as f64 / (a.len() + b.len() - both).max(1) as f64
}

/// Pairs whose raw bodies share at least `floor` of their shingles, found through an inverted
/// index over a 1/8 sample of the shingles (no comparison of every pair).
fn overlapping_pairs(sets: &[Vec<u64>], floor: f64) -> Vec<(usize, usize, f64)> {
    let sample: Vec<Vec<u64>> = sets.iter().map(|s| s.iter().copied().filter(|h| h % 8 == 0).collect()).collect();
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (n, s) in sample.iter().enumerate() {
        for h in s {
            postings.entry(*h).or_default().push(n);
        }
    }
    let mut common: HashMap<(usize, usize), usize> = HashMap::new();
    for docs in postings.values().filter(|d| d.len() < 100) {
        for (k, a) in docs.iter().enumerate() {
            for b in &docs[k + 1..] {
                *common.entry((*a, *b)).or_default() += 1;
            }
        }
    }
    let mut out: Vec<(usize, usize, f64)> = common
        .into_iter()
        .filter(|((a, b), c)| *c as f64 >= 0.5 * floor * sample[*a].len().min(sample[*b].len()) as f64)
        .map(|((a, b), _)| (a, b, jaccard(&sets[a], &sets[b])))
        .filter(|(_, _, j)| *j >= floor)
        .collect();
    out.sort_by_key(|x| (x.0, x.1));
    out
}

// ---------------------------------------------------------------------------------------------
// In-repo: copies and near-series negatives made from the fixtures

/// The in-repo reports: the seed and the Markdown fixtures, each once (by content).
fn fixtures() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in ["samples", "crates/yanbao-text/tests/fixtures", "crates/yanbao-knowledge/tests/fixtures", "crates/yanbao-server/tests/fixtures"] {
        let Ok(entries) = std::fs::read_dir(repo().join(dir)) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if (name.ends_with(".md") || name.ends_with(".txt")) && name != "README.md" {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        if seen.insert(text.clone()) {
            out.push((path.file_name().unwrap().to_string_lossy().into_owned(), text));
        }
    }
    out
}

/// A line of running text (not a heading, table, list, image, quote or HTML).
fn is_prose(line: &str) -> bool {
    let t = line.trim_start();
    t.chars().count() >= 30 && !t.starts_with(['#', '|', '!', '[', '>', '-', '*', '+', '<', '$', '`']) && !t.starts_with(|c: char| c.is_ascii_digit())
}

/// The text split into sentences after 。！？ (kept).
fn sentences_of(text: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    for c in text.chars() {
        out.last_mut().unwrap().push(c);
        if matches!(c, '。' | '！' | '？') {
            out.push(String::new());
        }
    }
    out.retain(|s| !s.trim().is_empty());
    out
}

/// The same report reflowed: every other prose paragraph split into paragraphs of two sentences,
/// the others run together with the paragraph before, and extra whitespace everywhere.
fn reflowed(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut prose_seen = 0;
    for (n, line) in text.lines().enumerate() {
        if n < 3 || !is_prose(line) {
            out.push(line.to_string());
            continue;
        }
        prose_seen += 1;
        let spaced = line.replace('，', "，  ").replace('。', "。 ") + "  ";
        if prose_seen % 2 == 1 {
            for pair in sentences_of(&spaced).chunks(2) {
                out.push(pair.concat());
                out.push(String::new());
            }
        } else {
            // Run together with the previous prose paragraph when only blank lines lie between.
            while out.last().is_some_and(|l| l.trim().is_empty()) {
                out.pop();
            }
            match out.last_mut() {
                Some(previous) if !previous.is_empty() && is_prose(previous) => previous.push_str(&spaced),
                _ => out.push(spaced),
            }
            out.push(String::new());
        }
    }
    out.join("\n") + "\n"
}

/// The same report with Markdown emphasis and links added to its prose.
fn marked_up(text: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(n, line)| {
            if n < 3 || !is_prose(line) {
                return line.to_string();
            }
            let line = match line.split_once('，') {
                Some((head, tail)) if !head.contains('*') => format!("**{head}**，{tail}"),
                _ => line.to_string(),
            };
            match line.split_once("证券") {
                Some((head, tail)) => format!("{head}[证券](https://example.com/r?id=1){tail}"),
                None => line,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// The report under a new first line (a new title line).
fn retitled(text: &str, title: &str) -> String {
    format!("# {title}\n\n{text}")
}

/// The text with every fourth number (digit run, after the first lines) changed.
fn other_figures(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut count = 0;
    let mut lines = 0;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            lines += 1;
        }
        if c.is_ascii_digit() && lines >= 3 && (i == 0 || !chars[i - 1].is_ascii_digit()) {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            let digits: String = chars[start..i].iter().collect();
            count += 1;
            if count % 4 == 0 {
                let last = digits.chars().last().and_then(|d| d.to_digit(10)).unwrap_or(0);
                out.push_str(&digits[..digits.len() - 1]);
                out.push(char::from_digit((last + 3) % 10, 10).unwrap_or('7'));
            } else {
                out.push_str(&digits);
            }
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The first half of one report's lines followed by the second half of another's.
fn first_half_of(text: &str, other: &str) -> String {
    let mine: Vec<&str> = text.lines().collect();
    let theirs: Vec<&str> = other.lines().collect();
    let mut out: Vec<&str> = mine[..mine.len() / 2].to_vec();
    out.extend_from_slice(&theirs[theirs.len() / 2..]);
    out.join("\n") + "\n"
}

/// The month a title names (`3月`), if any.
fn month_in(title: &str) -> Option<u32> {
    let chars: Vec<char> = title.chars().collect();
    let at = chars.iter().position(|c| *c == '月')?;
    let digits: String = chars[..at].iter().rev().take_while(|c| c.is_ascii_digit()).collect::<Vec<_>>().into_iter().rev().collect();
    digits.parse().ok().filter(|m| (1..=12).contains(m))
}

#[test]
fn in_repo_copies_are_found_and_series_issues_are_not() {
    let originals = fixtures();
    assert!(originals.len() >= 10, "expected the seed and the Markdown fixtures, found {}", originals.len());
    let dir = tempfile::tempdir().unwrap();
    let write = |name: String, bytes: &[u8]| -> PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    };
    // First the originals, to read their titles.
    let files: Vec<(PathBuf, String)> =
        originals.iter().enumerate().map(|(n, (name, text))| (write(format!("o{n:02}_{name}"), text.as_bytes()), name.clone())).collect();
    let parsed = parse_all(&files, parse_full);
    assert_eq!(parsed.len(), originals.len());

    // Copies (group of the original) and negatives (a group of their own).
    let mut made: Vec<(PathBuf, String, usize)> = Vec::new();
    let mut next_group = originals.len();
    for (n, (name, text)) in originals.iter().enumerate() {
        let ext = if name.ends_with(".txt") { "txt" } else { "md" };
        let title = parsed[n].report.title.clone();
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        made.push((write(format!("c{n:02}_gbk.{ext}"), &gbk), format!("{name} re-encoded to GBK"), n));
        made.push((write(format!("c{n:02}_reflowed.{ext}"), reflowed(text).as_bytes()), format!("{name} reflowed"), n));
        made.push((write(format!("c{n:02}_markup.md"), marked_up(text).as_bytes()), format!("{name} with Markdown markup"), n));
        let renamed = retitled(text, &format!("转发：{title}（网络版）"));
        made.push((write(format!("转发_{n:02}.{ext}"), renamed.as_bytes()), format!("{name} under another name and title line"), n));
        // A monthly series: this month's issue is the report (a copy), next month's has a quarter
        // of its figures changed (another report).
        // A title that names a month keeps it for this issue and names the next for the next.
        let (month, issue_title) = match month_in(&title) {
            Some(month) => (month, title.clone()),
            None => (3, format!("{title}（3月）")),
        };
        let next = month % 12 + 1;
        let next_title = issue_title.replacen(&format!("{month}月"), &format!("{next}月"), 1);
        let issue = retitled(text, &issue_title);
        made.push((write(format!("s{n:02}_{month}.{ext}"), issue.as_bytes()), format!("{name} as the {month}月 issue"), n));
        let next_issue = retitled(&other_figures(text), &next_title);
        made.push((write(format!("s{n:02}_{next}.{ext}"), next_issue.as_bytes()), format!("{name} as the {next}月 issue with other figures"), next_group));
        next_group += 1;
        // Only the first half in common with the report.
        let other = &originals[(n + 1) % originals.len()].1;
        made.push((write(format!("h{n:02}.{ext}"), first_half_of(text, other).as_bytes()), format!("{name}'s first half with another report's second half"), next_group));
        next_group += 1;
    }
    let files: Vec<(PathBuf, String)> = made.iter().map(|(p, l, _)| (p.clone(), l.clone())).collect();
    let mut items = parsed;
    let mut groups: Vec<usize> = (0..originals.len()).collect();
    for (item, (_, _, group)) in parse_all(&files, parse_full).into_iter().zip(&made) {
        items.push(item);
        groups.push(*group);
    }
    assert_eq!(items.len(), originals.len() + made.len());
    for item in &items {
        assert!(!item.print.is_empty(), "{} has no fingerprint", item.label);
    }

    let mut pairs = Vec::new();
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            pairs.push(Pair { a, b, copy: groups[a] == groups[b], overlap: None });
        }
    }
    evaluate("in-repo copies and near-series", &items, &pairs);
    let closest_half = pairs
        .iter()
        .filter(|p| items[p.a].label.contains("first half") || items[p.b].label.contains("first half"))
        .map(|p| fingerprint_similarity(&items[p.a].print, &items[p.b].print))
        .fold(0.0, f64::max);
    println!("  closest pair with a report sharing only its first half: estimated similarity {closest_half:.3}");
}

// ---------------------------------------------------------------------------------------------
// The shared corpus

/// `trust-check.py`'s paragraphs: runs of four sentences.
fn four_sentence_paragraphs(text: &str) -> Vec<String> {
    sentences_of(text).chunks(4).map(|c| c.concat()).collect()
}

#[test]
fn qznan_copies_are_found_and_series_issues_are_not() {
    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus is not here (the qznan reports live there)");
        return;
    };
    let source = corpus.join("text/qznan/yanbao_498_industry_reports_source_content.jsonl");
    let Ok(jsonl) = std::fs::read_to_string(&source) else {
        println!("skipped: {} is not readable", source.display());
        return;
    };
    let started = std::time::Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    let mut bodies = Vec::new();
    for (n, line) in jsonl.lines().enumerate() {
        let record: serde_json::Value = serde_json::from_str(line).unwrap();
        let name = record["pdf_name"].as_str().unwrap_or_default();
        let name = name.strip_suffix(".pdf").unwrap_or(name).to_string();
        let text = record["text"].as_str().unwrap_or_default().to_string();
        let markdown = format!("# {name}\n\n{}\n", four_sentence_paragraphs(&text).join("\n\n"));
        let path = dir.path().join(format!("r{n:03}.md"));
        std::fs::write(&path, markdown).unwrap();
        files.push((path, name));
        bodies.push(text);
    }
    // Structure only: enrichment (events, entities, numbers) reads nothing that the fingerprint
    // or the identity reads, and would triple the time of this test in a debug build.
    let items = parse_all(&files, |path, bytes| {
        let report = parse_structure(bytes, &path.display().to_string(), SourceFormat::Text, None, Default::default()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Some(report)
    });
    assert_eq!(items.len(), bodies.len());
    for item in &items {
        assert!(!item.report.title.is_empty(), "{} has no title", item.label);
    }
    let sets: Vec<Vec<u64>> = bodies.iter().map(|b| shingles(b)).collect();

    // Labelled pairs: every pair whose raw bodies share >= 0.3 of their shingles, and every pair
    // the store would compare (a shared band key). No other pair can be judged the same report:
    // without a shared band key two fingerprints differ in more slots than `same_report` allows
    // (and `evaluate` checks that every pair it judges the same shares a key).
    let mut overlap: HashMap<(usize, usize), f64> = overlapping_pairs(&sets, 0.3).into_iter().map(|(a, b, j)| ((a, b), j)).collect();
    let mut band_pairs = 0;
    let mut postings: HashMap<i64, Vec<usize>> = HashMap::new();
    for (n, item) in items.iter().enumerate() {
        for key in &item.bands {
            postings.entry(*key).or_default().push(n);
        }
    }
    let mut banded = HashSet::new();
    for docs in postings.values() {
        for (k, a) in docs.iter().enumerate() {
            for b in &docs[k + 1..] {
                banded.insert((*a.min(b), *a.max(b)));
            }
        }
    }
    for pair in &banded {
        band_pairs += 1;
        overlap.entry(*pair).or_insert_with(|| jaccard(&sets[pair.0], &sets[pair.1]));
    }
    let mut pairs = Vec::new();
    for (&(a, b), &j) in &overlap {
        let copy = if j >= 0.95 {
            true
        } else if j < 0.8 {
            false
        } else {
            // Between 0.8 and 0.95, read and decided. The only such pair:
            // 2018中国医疗美容市场洞察 / 中国医疗美容行业洞察（2018）-远见·卓识 (0.89): one report
            // (远卓's 2018年7月 insight, same text page for page) from two download sites, one
            // with a table of contents, each with its own watermark on every page: a copy.
            let names = [items[a].label.as_str(), items[b].label.as_str()];
            assert!(
                names.contains(&"2018中国医疗美容市场洞察") && names.contains(&"中国医疗美容行业洞察（2018）-远见·卓识"),
                "unlabelled pair with raw overlap {j:.3}: {} / {}: read it and label it",
                names[0],
                names[1]
            );
            true
        };
        pairs.push(Pair { a, b, copy, overlap: Some(j) });
    }
    pairs.sort_by_key(|x| (x.a, x.b));

    // The different reports the old rule hid must be among the labelled pairs, as different.
    let find = |prefix: &str| -> usize {
        items.iter().position(|i| i.label.starts_with(prefix)).unwrap_or_else(|| panic!("no qznan report named {prefix}…"))
    };
    for (x, y) in [
        ("血制品9月批签发数据专题", "血制品7月批签发数据专题"),
        ("血制品9月批签发数据专题", "血制品8月批签发数据专题"),
        ("血制品批签发周度跟踪：湖北检验所尚未恢复", "血制品批签发周度跟踪：行业批签发快速增长"),
        ("医药行业2018年12月投资策略", "2019年1月医药行业投资策略"),
        ("半导体产业高景气，面板价格持续上涨", "台积电调高资本开支印证半导体高景气"),
    ] {
        let (a, b) = (find(x), find(y));
        let pair = pairs.iter().find(|p| (p.a, p.b) == (a.min(b), a.max(b))).unwrap_or_else(|| panic!("{x} / {y} is not a labelled pair"));
        assert!(!pair.copy, "{x} / {y} labelled a copy");
    }
    let copies = pairs.iter().filter(|p| p.copy).count();
    println!("qznan: {} labelled pairs from raw overlap >= 0.3 and {band_pairs} pairs sharing a band key; {copies} copies (raw overlap >= 0.95: {})", pairs.len(), pairs.iter().filter(|p| p.overlap.unwrap_or(0.0) >= 0.95).count());
    evaluate("qznan (498 industry reports)", &items, &pairs);
    println!("qznan: {:.1} s", started.elapsed().as_secs_f64());
}

#[test]
fn mpb_reports_are_different_reports() {
    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus is not here (the mpb reports live there)");
        return;
    };
    let Ok(entries) = std::fs::read_dir(corpus.join("text/mpb")) else {
        println!("skipped: no text/mpb in the corpus");
        return;
    };
    let mut files: Vec<(PathBuf, String)> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .map(|p| {
            let label = p.file_name().unwrap().to_string_lossy().into_owned();
            (p, label)
        })
        .collect();
    files.sort();
    let items = parse_all(&files, parse_full);
    let sets: Vec<Vec<u64>> = files.iter().map(|(p, _)| shingles(&std::fs::read_to_string(p).unwrap())).collect();
    let mut pairs = Vec::new();
    for a in 0..items.len() {
        for b in a + 1..items.len() {
            let j = jaccard(&sets[a], &sets[b]);
            assert!(!(0.8..0.95).contains(&j), "unlabelled mpb pair with raw overlap {j:.3}: {} / {}", items[a].label, items[b].label);
            pairs.push(Pair { a, b, copy: j >= 0.95, overlap: Some(j) });
        }
    }
    evaluate(&format!("mpb ({} Markdown reports)", items.len()), &items, &pairs);
}

#[test]
fn two_pdfs_of_one_report_are_one_report() {
    let Some(corpus) = corpus() else {
        println!("skipped: ../shared/corpus is not here (the PDFs live there)");
        return;
    };
    let Ok(entries) = std::fs::read_dir(corpus.join("pdf")) else {
        println!("skipped: no pdf folder in the corpus");
        return;
    };
    let mut pdfs: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    pdfs.sort();
    let pick = |prefix: &str| pdfs.iter().find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix))).cloned();
    let (Some(a), Some(b)) = (pick("zh_qp28_"), pick("zh_qp29_")) else {
        println!("skipped: zh_qp28_… / zh_qp29_… are not in the corpus");
        return;
    };
    // Two copies of one report (中金公司 量化择时系列（1）, two PDF producers), and a different
    // report of the same broker family of quant reports as a control.
    let control = pick("zh_qp13_");
    let mut items = Vec::new();
    for path in [Some(a), Some(b), control].into_iter().flatten() {
        let bytes = std::fs::read(&path).unwrap();
        match parse_file(&path, &bytes, &ParseOptions::default()) {
            Ok(report) => items.push(Item::new(path.file_name().unwrap().to_string_lossy().into_owned(), report)),
            Err(e) if e.to_string().contains("pdfium") => {
                println!("skipped: PDFium is not available ({e}); run scripts/setup-pdfium.sh");
                return;
            }
            Err(e) => panic!("{}: {e}", path.display()),
        }
    }
    let mut pairs = vec![Pair { a: 0, b: 1, copy: true, overlap: None }];
    if items.len() == 3 {
        pairs.push(Pair { a: 0, b: 2, copy: false, overlap: None });
        pairs.push(Pair { a: 1, b: 2, copy: false, overlap: None });
    }
    evaluate("two PDFs of one report", &items, &pairs);
}
