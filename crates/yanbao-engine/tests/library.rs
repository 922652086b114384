//! The library end to end on the bundled samples: ingest, idempotency, search, timeline,
//! store/index agreement after a simulated crash, remove and reindex.

use std::path::{Path, PathBuf};

use yanbao_engine::{IngestOutcome, Library, Scope, SearchRequest};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples")
}

fn seed() -> PathBuf {
    samples().join("seed_中美元首视频会晤.txt")
}

fn search(library: &Library, query: &str, scope: Scope) -> yanbao_engine::SearchResponse {
    library.search(&SearchRequest { query: query.into(), scope, limit: 10, ..SearchRequest::default() }).unwrap()
}

#[test]
fn seed_ingests_once_and_answers_the_gold_searches() {
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path()).unwrap();
    let first = library.ingest(&[seed()], &mut |_| {}).unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].outcome, IngestOutcome::Added, "{:?}", first[0].error);
    let again = library.ingest(&[seed()], &mut |_| {}).unwrap();
    assert_eq!(again[0].outcome, IngestOutcome::Unchanged);

    // The gold file's searches.
    let figures = search(&library, "拜登支持率", Scope::Figures);
    assert!(figures.hits.first().and_then(|h| h.caption.as_deref()).unwrap_or("").contains("拜登支持率"), "{figures:?}");
    assert!(search(&library, "关税排除", Scope::Paragraphs).total > 0);
    assert!(search(&library, "第一阶段协议", Scope::Reports).total > 0);
    let events = search(&library, "孟晚舟", Scope::Events);
    assert_eq!(events.hits.first().and_then(|h| h.event_date.as_deref()), Some("2021-09-25"), "{events:?}");

    // Recall inside compounds.
    assert!(search(&library, "元首", Scope::Paragraphs).total > 0);

    // The timeline of the seed's table.
    let timeline = library.timeline(Some("2021-09-01"), Some("2021-11-30"), None, 100).unwrap();
    assert!(timeline.iter().any(|e| e.date == "2021-09-25" && e.text.contains("孟晚舟")), "{timeline:?}");
    assert!(timeline.windows(2).all(|w| w[0].date <= w[1].date));
    let entity = library.entity("孟晚舟").unwrap();
    assert_eq!(entity.reports.len(), 1);
}

#[test]
fn index_is_repaired_after_a_crash_between_store_and_index() {
    let dir = tempfile::tempdir().unwrap();
    let id = {
        let library = Library::open(dir.path()).unwrap();
        library.ingest(&[seed()], &mut |_| {}).unwrap()[0].id.clone().unwrap()
    };
    // Simulate a crash after the index lost its copy: delete the index folder entirely.
    std::fs::remove_dir_all(dir.path().join("index")).unwrap();
    let library = Library::open(dir.path()).unwrap();
    let stats = library.stats().unwrap();
    assert_eq!(stats.indexed_reports, 1);
    assert!(search(&library, "孟晚舟", Scope::All).total > 0);
    assert!(library.remove(&id).unwrap());
    assert_eq!(search(&library, "孟晚舟", Scope::All).total, 0);
    assert_eq!(library.stats().unwrap().store.reports, 0);
}

#[test]
fn bad_files_fail_alone_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    std::fs::write(inputs.path().join("empty.md"), b"").unwrap();
    std::fs::write(inputs.path().join("junk.txt"), [0u8, 159, 146, 150, 0, 255, 254, 0, 1, 2, 3].repeat(100)).unwrap();
    std::fs::write(inputs.path().join("broken.pdf"), b"%PDF-1.7\n1 0 obj garbage").unwrap();
    std::fs::copy(seed(), inputs.path().join("seed.txt")).unwrap();
    let library = Library::open(dir.path()).unwrap();
    let results = library.ingest(&[inputs.path().to_path_buf()], &mut |_| {}).unwrap();
    assert_eq!(results.len(), 4);
    let failed: Vec<_> = results.iter().filter(|r| r.outcome == IngestOutcome::Failed).collect();
    assert_eq!(failed.len(), 3, "{results:?}");
    for result in failed {
        let error = result.error.as_deref().unwrap();
        assert!(!error.is_empty() && !error.contains('\n'), "one-line error: {error}");
    }
    assert_eq!(library.stats().unwrap().store.reports, 1);
}

#[test]
fn export_writes_one_json_line_per_report() {
    let library = Library::open_in_memory().unwrap();
    library.ingest(&[samples()], &mut |_| {}).unwrap();
    let mut out = Vec::new();
    let count = library.export(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(text.lines().count(), count);
    assert!(count >= 6, "the Markdown and text samples at least: {count}");
    for line in text.lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(value["id"].is_string() && value["format_version"] == yanbao_model::FORMAT_VERSION);
    }
}

#[test]
fn the_same_report_in_two_files_is_searched_once() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    // Another producer's file of the same report: other spacing and a different header line.
    std::fs::write(inputs.path().join("a.txt"), &seed_text).unwrap();
    std::fs::write(inputs.path().join("b.txt"), format!("来源：另一个网站\n\n{}", seed_text.replace('，', ", "))).unwrap();
    let library = Library::open(dir.path()).unwrap();
    let results = library.ingest(&[inputs.path().to_path_buf()], &mut |_| {}).unwrap();
    let copies: Vec<_> = results.iter().filter(|r| r.duplicate_of.is_some()).collect();
    assert_eq!(copies.len(), 1, "{results:?}");
    let reports_hits = search(&library, "第一阶段协议", Scope::Reports);
    assert_eq!(reports_hits.total, 1, "one hit, not one per file: {reports_hits:?}");
    assert_eq!(reports_hits.hits[0].other_files, 1, "the hit says the report is also in another file");
    let stats = library.stats().unwrap();
    assert_eq!((stats.store.reports, stats.store.duplicates, stats.indexed_reports), (2, 1, 1));
    // Reindex keeps the copy out; removing the original makes the copy searchable again.
    library.reindex(&mut |_, _| {}).unwrap();
    assert_eq!(search(&library, "第一阶段协议", Scope::Reports).total, 1);
    let copy = copies[0].id.clone().unwrap();
    let original = copies[0].duplicate_of.clone().unwrap();
    // The mark is visible (in the report and its export) and reversible.
    assert_eq!(library.get(&copy).unwrap().unwrap().duplicate_of.as_deref(), Some(original.as_str()));
    let mut out = Vec::new();
    library.export(&mut out).unwrap();
    assert!(String::from_utf8(out).unwrap().contains(&format!("\"duplicate_of\":\"{original}\"")));
    assert!(library.unmark_duplicate(&copy).unwrap());
    assert_eq!(search(&library, "第一阶段协议", Scope::Reports).total, 2, "an un-marked file is searched on its own");
    assert!(!library.unmark_duplicate(&copy).unwrap(), "un-marking twice changes nothing");
    assert!(library.mark_duplicate(&copy, &original).unwrap());
    assert_eq!(search(&library, "第一阶段协议", Scope::Reports).total, 1);
    assert!(library.mark_duplicate(&original, &original).is_err(), "a report cannot copy itself");
    // Reopening finds store and index in agreement without comparing every id.
    drop(library);
    let library = Library::open(dir.path()).unwrap();
    assert_eq!(library.reconcile().unwrap(), (0, 0));
    assert_eq!(search(&library, "第一阶段协议", Scope::Reports).total, 1);
    assert!(library.remove(&original).unwrap());
    let after = search(&library, "第一阶段协议", Scope::Reports);
    assert_eq!(after.hits.first().map(|h| h.report_id.as_str()), Some(copy.as_str()));
}

#[test]
fn a_kept_answer_never_outlives_a_change_of_the_library() {
    // Searches and previews asked again are answered from what the library keeps; every change
    // (an ingest, a removal, a copy marked or un-marked) must show in the next answer.
    let dir = tempfile::tempdir().unwrap();
    let library = Library::open(dir.path()).unwrap();
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    let first = library.ingest_bytes("seed.txt", seed_text.as_bytes()).unwrap().id.unwrap();
    let ask = || search(&library, "第一阶段协议", Scope::Reports);
    assert_eq!(ask().total, 1);
    assert_eq!(ask().hits, ask().hits, "asked twice, answered alike");
    let preview = library.preview(&first, None).unwrap().unwrap();
    assert!(std::sync::Arc::ptr_eq(&preview, &library.preview(&first, None).unwrap().unwrap()), "the second preview is the kept one");

    let other = "# 第一阶段协议的执行进度\n\n中美第一阶段协议的执行进度落后于预期，采购完成率不足六成。\n";
    let second = library.ingest_bytes("other.md", other.as_bytes()).unwrap().id.unwrap();
    assert_eq!(ask().total, 2, "a new report shows in the next answer");
    let copy = library.ingest_bytes("copy.txt", format!("来源：另一个网站\n\n{seed_text}").as_bytes()).unwrap();
    assert_eq!(copy.duplicate_of.as_deref(), Some(first.as_str()));
    let hit = |id: &str| ask().hits.into_iter().find(|h| h.report_id == id).unwrap();
    assert_eq!(hit(&first).other_files, 1, "a new copy is counted in the next answer");
    let copy = copy.id.unwrap();
    assert!(library.unmark_duplicate(&copy).unwrap());
    assert_eq!((ask().total, hit(&first).other_files), (3, 0));
    assert!(library.mark_duplicate(&copy, &first).unwrap());
    assert_eq!((ask().total, hit(&first).other_files), (2, 1));
    assert!(library.remove(&second).unwrap());
    assert_eq!(ask().total, 1, "a removed report is gone from the next answer");
    assert!(library.preview(&second, None).unwrap().is_none());
    assert!(library.remove(&first).unwrap());
    assert!(library.preview(&first, None).unwrap().is_none(), "a removed report has no preview");
    assert_eq!(ask().hits[0].report_id, copy, "its copy stands alone");
}
