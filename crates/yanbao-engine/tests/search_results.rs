//! Search results a reader can scan, on real reports: hits grouped by report with right totals,
//! headings labelled as headings, figure sources without a doubled label, English words found
//! by their other forms, the preview's whole outline, and a library stored before the index
//! changed still searched after the upgrade.
//!
//! PDFs are parsed in this process with PDFium (`scripts/setup-pdfium.sh`); the corpus tests read
//! `../shared/corpus` and print why they skip when it is absent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use yanbao_engine::{IngestOutcome, Library, Scope, SearchRequest, SearchResponse};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn kroger() -> PathBuf {
    repo().join("samples/en_us_kroger-press-release-2023.pdf")
}

/// True when PDFium is there; prints why the test skips otherwise.
fn pdfium_present() -> bool {
    match yanbao_pdf::pdfium_status() {
        Ok(_) => true,
        Err(error) => {
            println!("skipped: {error}");
            false
        }
    }
}

/// The four 择时 (market timing) reports of the shared corpus, or `None` (printed) without it.
fn timing_reports() -> Option<Vec<PathBuf>> {
    let corpus = repo().join("../shared/corpus/pdf");
    let names = [
        "zh_qp07_20240507-招商证券-金融工程：基于鳄鱼线的指数择时及轮动策略.pdf",
        "zh_qp11_20170303-广发证券-低延迟趋势线与交易择时.pdf",
        "zh_qp13_20191117-光大证券-技术指标系列报告之六：RSRS择时~回顾与改进.pdf",
        "zh_qp22_20140804_国信证券_量化择时系列报告之二：国信投资者情绪指数择时模型.pdf",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|name| corpus.join(name)).collect();
    if let Some(missing) = paths.iter().find(|path| !path.is_file()) {
        println!("skipped: {} is absent (the shared corpus is not mounted)", missing.display());
        return None;
    }
    Some(paths)
}

fn ingest(library: &Library, paths: &[PathBuf]) -> Vec<String> {
    let results = library.ingest(paths, &mut |_| {}).unwrap();
    results
        .iter()
        .map(|result| {
            assert_eq!(result.outcome, IngestOutcome::Added, "{}: {:?}", result.path, result.error);
            result.id.clone().unwrap()
        })
        .collect()
}

fn search(library: &Library, request: SearchRequest) -> SearchResponse {
    library.search(&request).unwrap()
}

fn paragraphs(query: &str) -> SearchRequest {
    SearchRequest { query: query.into(), scope: Scope::Paragraphs, limit: 10, ..SearchRequest::default() }
}

#[test]
fn timing_search_shows_one_hit_per_report_with_the_rest_folded() {
    let Some(paths) = timing_reports() else { return };
    if !pdfium_present() {
        return;
    }
    let library = Library::open_in_memory().unwrap();
    let ids = ingest(&library, &paths);

    // Before: the flat list, as the issue saw it — one report fills the page.
    let flat = search(&library, SearchRequest { group_by_report: Some(false), ..paragraphs("择时") });
    let flat_reports: BTreeSet<&str> = flat.hits.iter().map(|h| h.report_id.as_str()).collect();
    println!("flat: {} passages, first ten from {} reports", flat.total, flat_reports.len());
    assert!(flat_reports.len() < flat.hits.len(), "the flat page repeats reports");

    // Grouped (the default in scope paragraphs): each report once, best passage first.
    let grouped = search(&library, paragraphs("择时"));
    assert!(grouped.grouped);
    let reports: Vec<&str> = grouped.hits.iter().map(|h| h.report_id.as_str()).collect();
    let distinct: BTreeSet<&str> = reports.iter().copied().collect();
    assert_eq!(distinct.len(), reports.len(), "one hit per report: {reports:?}");
    assert_eq!(grouped.total_reports, Some(4), "all four reports speak of 择时");
    assert_eq!(distinct, ids.iter().map(String::as_str).collect());
    assert_eq!(grouped.total, flat.total, "the total counts passages either way");
    let folded: u64 = grouped.hits.iter().map(|h| h.more_in_report + 1).sum();
    assert_eq!(folded as usize, flat.total);
    // Reports are ordered by the whole report's relevance; each shows its best passage, the one
    // the flat ranking puts first among that report's.
    let all_flat = search(&library, SearchRequest { group_by_report: Some(false), limit: 1000, ..paragraphs("择时") });
    for hit in &grouped.hits {
        let best = all_flat.hits.iter().find(|h| h.report_id == hit.report_id).unwrap();
        assert_eq!(hit.block, best.block, "{}", hit.title);
    }
    for hit in &grouped.hits {
        println!("{} — {} more in this report", hit.title, hit.more_in_report);
        assert!(hit.more_hits.len() as u64 <= hit.more_in_report.min(3));
        assert!(hit.more_hits.iter().all(|m| m.report_id == hit.report_id && m.snippet.contains("<mark>择时</mark>")));
        // "N more in this report" leads to the search within it: exactly those passages.
        let within = search(&library, SearchRequest { report: Some(hit.report_id.clone()), limit: 1000, ..paragraphs("择时") });
        assert_eq!(within.total as u64, hit.more_in_report + 1, "{}", hit.title);
        assert!(within.hits.iter().all(|h| h.report_id == hit.report_id));
    }

    // Headings are labelled as headings.
    let headings = search(&library, SearchRequest { group_by_report: Some(false), limit: 1000, ..paragraphs("择时") });
    assert!(headings.hits.iter().any(|h| h.block_kind.as_deref() == Some("heading")), "a 择时 heading among the passages");
    for hit in &headings.hits {
        let report = library.get(&hit.report_id).unwrap().unwrap();
        let block = &report.blocks[hit.block.unwrap()];
        assert_eq!(hit.block_kind.as_deref(), Some(block.kind.as_str()));
    }

    // Figure sources carry no label of their own (`资料来源：资料来源：…` on every PDF figure).
    let mut sourced = 0;
    for id in &ids {
        let report = library.get(id).unwrap().unwrap();
        for source in report.figures.iter().filter_map(|f| f.source.as_deref()).chain(report.tables.iter().filter_map(|t| t.source.as_deref())) {
            assert!(!source.starts_with("资料来源") && !source.starts_with("数据来源"), "{}: {source}", report.title);
            sourced += 1;
        }
    }
    assert!(sourced > 10, "{sourced} sources");
    let charts = search(&library, SearchRequest { query: "择时".into(), scope: Scope::Figures, limit: 50, ..SearchRequest::default() });
    assert!(charts.hits.iter().any(|h| h.source.is_some()), "{charts:#?}");
    assert!(charts.hits.iter().filter_map(|h| h.source.as_deref()).all(|s| !s.starts_with("资料来源")));

    // The preview's outline card lists every section title, not only those before the cut
    // (it was empty for a PDF: `另有 18 节见完整报告`).
    let mut titles_beyond_the_cut = 0;
    for id in &ids {
        let report = library.get(id).unwrap().unwrap();
        let preview = library.preview(id, None).unwrap().unwrap();
        let body_sections = report.outline.iter().filter(|entry| !report.blocks[entry.block].boilerplate).count();
        assert_eq!(preview.sections.len(), body_sections, "{}", report.title);
        titles_beyond_the_cut += preview.sections.iter().filter(|s| !s.in_preview).count();
        // Titles only: no block beyond the cut is in the preview.
        assert!(preview.blocks.iter().all(|b| b.index < report.blocks.len()));
    }
    assert!(titles_beyond_the_cut > 10, "{titles_beyond_the_cut} titles beyond the cut");
}

#[test]
fn english_words_find_their_other_forms_on_the_kroger_release() {
    if !pdfium_present() {
        return;
    }
    let library = Library::open_in_memory().unwrap();
    ingest(&library, &[kroger()]);
    let count = |query: &str| search(&library, SearchRequest { group_by_report: Some(false), limit: 100, ..paragraphs(query) }).total;
    let (sales, sale, reaffirms, reaffirm) = (count("sales"), count("sale"), count("reaffirms"), count("reaffirm"));
    println!("sales {sales}, sale {sale}, reaffirms {reaffirms}, reaffirm {reaffirm}");
    assert!(sales >= 7, "{sales}");
    assert_eq!(sale, sales, "sale finds the paragraphs of sales");
    assert!(reaffirms >= 1);
    assert_eq!(reaffirm, reaffirms, "reaffirm finds reaffirms and reaffirmed");
    // The exact form first: the headline says Reaffirms, the body reaffirmed.
    let exact = search(&library, SearchRequest { group_by_report: Some(false), ..paragraphs("reaffirmed") });
    let first = exact.hits.first().map(|h| h.snippet.to_lowercase()).unwrap_or_default();
    assert!(first.contains("<mark>reaffirmed</mark>"), "{exact:#?}");
}

#[test]
fn a_library_indexed_by_the_previous_version_is_rebuilt_and_searched() {
    let dir = tempfile::tempdir().unwrap();
    let seed = repo().join("samples/seed_中美元首视频会晤.txt");
    let id = {
        let library = Library::open(dir.path()).unwrap();
        ingest(&library, &[seed])[0].clone()
    };
    // The index as the previous version left it: its version file says 3.
    std::fs::write(dir.path().join("index/yanbao-index-version"), "3\n").unwrap();
    let library = Library::open(dir.path()).unwrap();
    assert_eq!(library.stats().unwrap().indexed_reports, 1);
    let found = search(&library, paragraphs("关税排除"));
    assert!(found.grouped && found.hits.iter().any(|h| h.report_id == id), "{found:#?}");
    // And the rebuilt index stays: a second open finds it current.
    drop(library);
    let version = std::fs::read_to_string(dir.path().join("index/yanbao-index-version")).unwrap();
    assert_ne!(version.trim(), "3");
    let library = Library::open(dir.path()).unwrap();
    assert!(search(&library, paragraphs("关税排除")).total > 0);
}
