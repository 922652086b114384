//! Scores the parser against the hand-written gold facts in `tests/gold/` exactly as
//! `shared/tools/score_gold.py` (`score_pdf`) does, on the corpus PDFs in `../shared/corpus/pdf`.
//! Skips (with a printed reason) when the corpus or PDFium is absent.

use std::path::{Path, PathBuf};

use serde_json::Value;
use yanbao_model::normalize::{fold, gold_same};
use yanbao_pdf::{parse_pdf, pdfium_status, PdfOptions};

fn shared_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

fn gold_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/gold"))
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or("").to_string()
}

/// `score_pdf()` of score_gold.py.
fn score(report: &Value, gold: &Value) -> Vec<(&'static str, f64)> {
    let mut scores = Vec::new();
    let title = fold(&text(&report["title"]));
    let gold_title = fold(&text(&gold["title"]));
    let subtitle_len = fold(&text(&gold["subtitle"])).chars().count();
    let title_ok = !gold_title.is_empty() && title.contains(&gold_title) && title.chars().count() <= gold_title.chars().count() + subtitle_len + 4;
    scores.push(("title", if title_ok { 1.0 } else { 0.0 }));
    let institution_ok = gold["institution"].is_null() || fold(&text(&report["institution"])).contains(&fold(&text(&gold["institution"])));
    scores.push(("institution", if institution_ok { 1.0 } else { 0.0 }));
    let date_ok = gold["date"].is_null() || report["date"] == gold["date"];
    scores.push(("date", if date_ok { 1.0 } else { 0.0 }));
    let names: Vec<String> = report["authors"].as_array().map(|a| a.iter().map(|v| fold(&text(v))).collect()).unwrap_or_default();
    if let Some(analysts) = gold["analysts"].as_array().filter(|a| !a.is_empty()) {
        let found = analysts.iter().filter(|a| names.contains(&fold(&text(a)))).count();
        scores.push(("analysts", found as f64 / analysts.len() as f64));
    }
    let empty = Vec::new();
    let items: Vec<&Value> = report["figures"].as_array().unwrap_or(&empty).iter().chain(report["tables"].as_array().unwrap_or(&empty)).collect();
    let gold_items: Vec<&Value> = gold["figures"].as_array().unwrap_or(&empty).iter().chain(gold["tables"].as_array().unwrap_or(&empty)).collect();
    if !gold_items.is_empty() {
        let hits: Vec<Option<&&Value>> = gold_items
            .iter()
            .map(|g| items.iter().find(|i| gold_same(&text(&i["caption"]), &text(&g["caption"]))))
            .collect();
        scores.push(("caption_recall", hits.iter().filter(|h| h.is_some()).count() as f64 / gold_items.len() as f64));
        let with_source: Vec<(&&Value, &Option<&&Value>)> = gold_items.iter().zip(hits.iter()).filter(|(g, _)| !text(&g["source"]).is_empty()).collect();
        if !with_source.is_empty() {
            let good = with_source.iter().filter(|(g, h)| h.map(|h| gold_same(&text(&h["source"]), &text(&g["source"]))).unwrap_or(false)).count();
            scores.push(("sources", good as f64 / with_source.len() as f64));
        }
    }
    let captioned: Vec<&&Value> = items.iter().filter(|i| !fold(&text(&i["caption"])).is_empty()).collect();
    if !captioned.is_empty() {
        let precise = if gold_items.is_empty() {
            0.0
        } else {
            captioned.iter().filter(|i| gold_items.iter().any(|g| gold_same(&text(&i["caption"]), &text(&g["caption"])))).count() as f64 / captioned.len() as f64
        };
        scores.push(("caption_precision", precise));
    }
    let paragraphs: Vec<String> = report["blocks"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .filter(|b| b["kind"] == "paragraph" || b["kind"] == "list")
        .map(|b| fold(&text(&b["text"])))
        .collect();
    let running: Vec<String> = gold["running_text"].as_array().unwrap_or(&empty).iter().map(|r| fold(&text(r))).filter(|r| r.chars().count() >= 4).collect();
    if !running.is_empty() {
        let leaks = paragraphs.iter().filter(|p| running.iter().any(|r| p.contains(r.as_str()))).count();
        scores.push(("no_leak", 1.0 - leaks as f64 / paragraphs.len().max(1) as f64));
    }
    if let Some(whole) = gold["whole_sentences"].as_array().filter(|w| !w.is_empty()) {
        let found = whole.iter().filter(|w| paragraphs.iter().any(|p| p.contains(&fold(&text(w))))).count();
        scores.push(("whole", found as f64 / whole.len() as f64));
    }
    scores
}

#[test]
fn gold_facts_score_at_least_the_recorded_level() {
    let corpus = shared_dir().join("corpus/pdf");
    if !corpus.is_dir() {
        println!("skipped: corpus not found at {}", corpus.display());
        return;
    }
    if let Err(error) = pdfium_status() {
        println!("skipped: {error}");
        return;
    }
    let mut gold_files: Vec<PathBuf> = std::fs::read_dir(gold_dir())
        .expect("tests/gold exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().map(|e| e == "json").unwrap_or(false))
        .collect();
    gold_files.sort();
    assert!(gold_files.len() >= 30, "gold files missing");
    let mut totals: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    let mut means = Vec::new();
    for gold_path in &gold_files {
        let gold: Value = serde_json::from_str(&std::fs::read_to_string(gold_path).unwrap()).unwrap();
        let pdf = corpus.join(text(&gold["file"]));
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("cannot read {}: {e}", pdf.display()));
        // Neutral name: nothing may be read from the file name.
        let report = parse_pdf(&bytes, "doc.pdf", &PdfOptions::default()).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
        let report = serde_json::to_value(&report).unwrap();
        let scores = score(&report, &gold);
        let mean = scores.iter().map(|(_, v)| v).sum::<f64>() / scores.len().max(1) as f64;
        means.push(mean);
        let detail: Vec<String> = scores.iter().map(|(k, v)| format!("{k}={v:.2}")).collect();
        println!("{:<40} {mean:.2}  {}", short_name(&pdf), detail.join(" "));
        for (k, v) in scores {
            totals.entry(k).or_default().push(v);
        }
    }
    for (metric, values) in &totals {
        println!("  {metric:<20} {:.3} (n={})", values.iter().sum::<f64>() / values.len() as f64, values.len());
    }
    let overall = means.iter().sum::<f64>() / means.len() as f64;
    println!("score {overall:.3} over {} files", means.len());
    assert!(overall >= 0.95, "gold score fell to {overall:.3}");
    let mean_of = |k: &str| totals.get(k).map(|v| v.iter().sum::<f64>() / v.len() as f64).unwrap_or(1.0);
    assert!(mean_of("title") >= 0.95 && mean_of("institution") >= 0.95 && mean_of("date") >= 0.95);
    assert!(mean_of("no_leak") >= 0.99);
}

fn short_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().chars().take(38).collect()).unwrap_or_default()
}
