//! A library on the shared store (PostgreSQL): two nodes with their own search index over one
//! store, and an embedded library moved into it. Runs when `YANBAO_TEST_POSTGRES` holds a URL;
//! says why it skips otherwise.


use yanbao_engine::{access, IngestOutcome, Library, Scope, SearchRequest};
use yanbao_store::testing::{scratch_or_skip as scratch, text_sample_files as text_samples};

fn hits(library: &Library, query: &str) -> Vec<(String, String)> {
    let response = library.search(&SearchRequest { query: query.into(), scope: Scope::Paragraphs, limit: 20, ..SearchRequest::default() }).unwrap();
    response.hits.into_iter().map(|h| (h.report_id, h.snippet)).collect()
}

#[test]
fn two_nodes_over_one_store_answer_alike() {
    let Some(db) = scratch("two_nodes") else { return };
    let (node_a, node_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = Library::open_with(node_a.path(), Some(&db.url)).unwrap();
    let results = a.ingest(&text_samples(), &mut |_| {}).unwrap();
    assert!(results.iter().all(|r| r.outcome == IngestOutcome::Added), "{results:?}");
    assert!(!node_a.path().join("library.sqlite").exists(), "the data folder holds only the index");
    let token = access::create_token(a.store(), "ci").unwrap();

    // A second node builds its index from the store when it opens, and honours the same token.
    let b = Library::open_with(node_b.path(), Some(&db.url)).unwrap();
    for query in ["关税排除", "晶圆代工", "新能源汽车", "美联储"] {
        let (from_a, from_b) = (hits(&a, query), hits(&b, query));
        assert!(!from_a.is_empty(), "{query}");
        assert_eq!(from_a, from_b, "{query}");
    }
    assert_eq!(access::verify_token(b.store(), &token).unwrap().as_deref(), Some("ci"));
    assert_eq!(b.stats().unwrap().indexed_reports, results.len());
    assert!(b.stats().unwrap().store_location.starts_with("postgres://"));
    // Files ingested again through the other node are the same reports.
    assert!(b.ingest(&text_samples(), &mut |_| {}).unwrap().iter().all(|r| r.outcome == IngestOutcome::Unchanged));
}

#[test]
fn an_embedded_library_moves_whole_and_moving_again_changes_nothing() {
    let Some(db) = scratch("migrate_folder") else { return };
    let embedded = tempfile::tempdir().unwrap();
    let (ids, token, (exp, sig)) = {
        let library = Library::open(embedded.path()).unwrap();
        let results = library.ingest(&text_samples(), &mut |_| {}).unwrap();
        let ids: Vec<String> = results.iter().filter_map(|r| r.id.clone()).collect();
        // A mark made by hand travels too.
        assert!(library.mark_duplicate(&ids[1], &ids[0]).unwrap());
        let link = access::sign_share_link(library.store(), &ids[0], 4_000_000_000).unwrap();
        (ids, access::create_token(library.store(), "reader").unwrap(), link)
    };
    let mut calls = 0;
    let summary = yanbao_engine::migrate::migrate_folder(embedded.path(), &db.url, &mut |_, _| calls += 1).unwrap();
    assert_eq!((summary.reports, summary.added, summary.verified, summary.marks, summary.tokens), (ids.len(), ids.len(), ids.len(), 1, 1));
    assert!(summary.settings >= 1, "the share-link key moves, so links signed before still open");
    assert_eq!(calls, 2 * ids.len());
    let again = yanbao_engine::migrate::migrate_folder(embedded.path(), &db.url, &mut |_, _| {}).unwrap();
    assert_eq!((again.added, again.unchanged, again.verified), (0, ids.len(), ids.len()));

    let node = tempfile::tempdir().unwrap();
    let shared = Library::open_with(node.path(), Some(&db.url)).unwrap();
    let embedded_library = Library::open(embedded.path()).unwrap();
    assert_eq!(shared.list(0, 100).unwrap(), embedded_library.list(0, 100).unwrap(), "same listing, dates included");
    assert_eq!(hits(&shared, "晶圆代工"), hits(&embedded_library, "晶圆代工"));
    assert_eq!(access::verify_token(shared.store(), &token).unwrap().as_deref(), Some("reader"));
    assert!(access::check_share_link(shared.store(), &ids[0], exp, &sig, 1).unwrap().is_ok(), "a link signed before the move still opens");

    // Nothing to move from a folder without a library; the reason says so.
    let empty = tempfile::tempdir().unwrap();
    let error = yanbao_engine::migrate::migrate_folder(empty.path(), &db.url, &mut |_, _| {}).unwrap_err().to_string();
    assert!(error.contains("no library.sqlite"), "{error}");
}

#[test]
fn a_node_follows_what_other_nodes_change() {
    let Some(db) = scratch("follow") else { return };
    let (node_a, node_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let samples = text_samples();
    let a = Library::open_with(node_a.path(), Some(&db.url)).unwrap();
    a.ingest(&samples[..2], &mut |_| {}).unwrap();
    let b = Library::open_with(node_b.path(), Some(&db.url)).unwrap();
    assert!(b.follows_store());
    assert_eq!(b.replica_lag().unwrap(), 0);

    // Added through A: B sees it once it applies the feed.
    let mut added = a.ingest(&samples[2..], &mut |_| {}).unwrap();
    // Results come in the order parses finish: put them in the samples' order (晶圆代工 first,
    // then 美联储), which the rest of the test names.
    added.sort_by(|x, y| x.path.cmp(&y.path));
    let new_id = added[0].id.clone().unwrap();
    assert!(b.replica_lag().unwrap() > 0);
    assert_eq!(b.apply_changes().unwrap(), added.len());
    assert_eq!(b.replica_lag().unwrap(), 0);
    assert_eq!(b.stats().unwrap().indexed_reports, samples.len());
    for query in ["关税排除", "晶圆代工", "新能源汽车", "美联储", "舍得"] {
        assert_eq!(hits(&a, query), hits(&b, query), "{query}");
    }
    // Marked as a copy, then removed, through A: B drops it from search.
    let other = added[1].id.clone().unwrap();
    a.mark_duplicate(&new_id, &other).unwrap();
    b.apply_changes().unwrap();
    assert_eq!(b.stats().unwrap().indexed_reports, samples.len() - 1);
    a.remove(&other).unwrap();
    b.apply_changes().unwrap();
    assert!(!b.search(&SearchRequest { query: "*".into(), limit: 100, ..SearchRequest::default() }).unwrap().hits.iter().any(|h| h.report_id == other));
    assert_eq!(b.stats().unwrap().indexed_reports, a.stats().unwrap().indexed_reports);
    assert_eq!(b.apply_changes().unwrap(), 0, "nothing more to apply");

    // Restarted, B catches up from where it stopped (not from scratch).
    drop(b);
    a.ingest(&samples[..1], &mut |_| {}).unwrap(); // unchanged: no change recorded
    a.remove(&samples_id(&a, "晶圆代工")).unwrap();
    let b = Library::open_with(node_b.path(), Some(&db.url)).unwrap();
    assert_eq!(b.replica_lag().unwrap(), 0);
    assert_eq!(b.stats().unwrap().indexed_reports, a.stats().unwrap().indexed_reports);
}

#[test]
fn a_data_folder_pointed_at_another_store_is_rebuilt() {
    let (Some(first), Some(second)) = (scratch("store_one"), scratch("store_two")) else { return };
    let node = tempfile::tempdir().unwrap();
    let samples = text_samples();
    {
        let library = Library::open_with(node.path(), Some(&first.url)).unwrap();
        library.ingest(&samples, &mut |_| {}).unwrap();
    }
    {
        let other = tempfile::tempdir().unwrap();
        Library::open_with(other.path(), Some(&second.url)).unwrap().ingest(&samples[..1], &mut |_| {}).unwrap();
    }
    let library = Library::open_with(node.path(), Some(&second.url)).unwrap();
    assert_eq!(library.stats().unwrap().indexed_reports, 1, "only the second store's report");
}

/// The id of the report whose paragraphs match `query` first.
fn samples_id(library: &Library, query: &str) -> String {
    hits(library, query).into_iter().next().unwrap().0
}
