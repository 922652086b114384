//! One behaviour, two stores. Every test here runs against the embedded [`SqliteStore`] and,
//! when `YANBAO_TEST_POSTGRES` holds a PostgreSQL URL (`.ci/run` sets it), against [`PgStore`]
//! in a fresh database of its own, dropped at the end. Without the variable the PostgreSQL half
//! says why it skips.
//!
//! What only one store has (SQLite's schema migrations, PostgreSQL's change feed under
//! concurrent writers) is tested beside it; what every store must do is tested here, once.

use std::sync::Arc;

use yanbao_model::securities::{KnownCompany, RatingAction};
use yanbao_model::{fingerprint, fingerprint_bands, Entity, EntityKind};
use yanbao_store::prelude::*;
use yanbao_store::testing::{company_note, sample_report as sample, scratch_or_skip, zijin};
use yanbao_store::{PgStore, PutOptions, PutOutcome, Role, SqliteStore, StoredPicture, TokenInfo, TokenRecord, UserInfo, UserRecord};

/// Two real, different reports bundled in `samples/`.
const WAFER_REPORT: &str = include_str!("../../../samples/mpb_晶圆代工龙头.md");
const LIQUOR_REPORT: &str = include_str!("../../../samples/mpb_舍得酒业.md");

/// Runs `test` against a fresh embedded store.
fn on_sqlite(test: fn(&dyn Store)) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("library.sqlite")).unwrap();
    test(&store);
}

/// Runs `test` against a fresh PostgreSQL store, or says why it cannot.
fn on_postgres(name: &str, test: fn(&dyn Store)) {
    let Some(database) = scratch_or_skip(name) else { return };
    let store = Arc::new(PgStore::connect(&database.url).unwrap());
    test(store.as_ref());
    drop(store);
}

/// Declares each listed test once per store.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::on_sqlite(super::$name) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::on_postgres(stringify!($name), super::$name) } )*
        }
    };
}

conformance!(
    put_is_idempotent_and_get_round_trips,
    remove_drops_everything_derived,
    events_filter_by_date_and_entity,
    entities_and_co_mentions,
    co_mentions_follow_marks_replacements_and_removals,
    timeline_of_an_entity_reads_the_same_events_either_way,
    duplicates_are_listed_and_freed_when_their_original_goes,
    tokens_are_revocable,
    settings_keep_the_first_generated_secret,
    sources_and_reports_read_back_whole,
    every_change_moves_the_generation,
    marks_are_visible_reversible_and_counted,
    candidates_come_from_shared_bands_and_skip_copies,
    listing_is_newest_first_and_pages,
    stats_count_the_library,
    company_facts_follow_puts_replacements_marks_and_removals,
    the_registry_is_kept_and_found_by_code_name_or_alias,
    for_each_visits_every_report_and_can_stop,
    what_moving_a_library_copies_reads_back_the_same,
    a_copy_is_stored_already_marked,
    pictures_are_kept_once_and_go_with_their_report,
    people_are_added_listed_and_removed,
    sessions_expire_and_end_with_their_person,
    people_move_with_their_hashes,
);

fn put_is_idempotent_and_get_round_trips(store: &dyn Store) {
    let report = sample("关税排除清单");
    assert_eq!(store.put(&report, Some(b"bytes")).unwrap(), PutOutcome::Added);
    assert_eq!(store.put(&report, Some(b"bytes")).unwrap(), PutOutcome::Unchanged);
    assert!(store.contains(&report.id).unwrap());
    assert!(!store.contains("0000").unwrap());
    let mut changed = report.clone();
    changed.title = "新标题".into();
    assert_eq!(store.put(&changed, Some(b"bytes")).unwrap(), PutOutcome::Replaced);
    assert_eq!(store.get(&report.id).unwrap().unwrap(), changed);
    assert_eq!(store.source(&report.id).unwrap().unwrap(), b"bytes");
    assert_eq!(store.ids().unwrap().len(), 1);
    assert_eq!(store.stats().unwrap().events, 1, "replacing must not duplicate events");
    assert!(store.get("0000").unwrap().is_none());
}

fn remove_drops_everything_derived(store: &dyn Store) {
    let report = sample("a");
    store.put(&report, Some(b"x")).unwrap();
    assert!(store.remove(&report.id).unwrap());
    assert!(!store.remove(&report.id).unwrap());
    assert!(store.get(&report.id).unwrap().is_none());
    assert!(store.source(&report.id).unwrap().is_none());
    assert!(store.events(None, None, None, 10).unwrap().is_empty());
    assert!(store.entity_mentions("孟晚舟").unwrap().is_empty());
    assert!(store.co_mentioned("孟晚舟", 5).unwrap().is_empty());
    assert_eq!(store.stats().unwrap().reports, 0);
}

fn events_filter_by_date_and_entity(store: &dyn Store) {
    store.put(&sample("a"), None).unwrap();
    assert_eq!(store.events(Some("2021-09-01"), Some("2021-09-30"), None, 10).unwrap().len(), 1);
    assert_eq!(store.events(Some("2021-10-01"), None, None, 10).unwrap().len(), 0);
    assert_eq!(store.events(None, None, Some("孟晚舟"), 10).unwrap().len(), 1);
    assert_eq!(store.events(None, None, Some("拜登"), 10).unwrap().len(), 0);
    let event = &store.events(None, None, None, 10).unwrap()[0];
    assert_eq!((event.title.as_str(), event.event.actors.as_slice()), ("报告 a", &["孟晚舟".to_string()][..]));
}

fn entities_and_co_mentions(store: &dyn Store) {
    store.put(&sample("a"), None).unwrap();
    store.put(&sample("b"), None).unwrap();
    let mentions = store.entity_mentions("孟晚舟").unwrap();
    assert_eq!(mentions.len(), 2);
    assert_eq!((mentions[0].mentions, mentions[0].kind.as_str()), (2, "person"));
    assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), vec![("USTR".to_string(), "org".to_string(), 2)]);
}

fn co_mentions_follow_marks_replacements_and_removals(store: &dyn Store) {
    let (a, b, c) = (sample("a"), sample("b"), sample("c"));
    for report in [&a, &b, &c] {
        store.put(report, None).unwrap();
    }
    let pair = |n: u64| vec![("USTR".to_string(), "org".to_string(), n)];
    assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), pair(3));
    // Another file of a stored report does not count twice; un-marked, it counts again.
    store.set_duplicate_of(&b.id, Some(&a.id)).unwrap();
    assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), pair(2));
    // Removing the original frees its copy (which counts again) and drops its own count.
    store.remove(&a.id).unwrap();
    assert_eq!(store.co_mentioned("USTR", 5).unwrap(), vec![("孟晚舟".to_string(), "person".to_string(), 2)]);
    // Replacing a report with other entities moves its counts.
    let mut changed = c.clone();
    changed.entities.retain(|e| e.name != "USTR");
    changed.entities.push(Entity { name: "华为".into(), kind: EntityKind::Org, mentions: 3, code: None });
    store.put(&changed, None).unwrap();
    assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), vec![("USTR".to_string(), "org".to_string(), 1), ("华为".to_string(), "org".to_string(), 1)]);
    store.remove(&b.id).unwrap();
    store.remove(&c.id).unwrap();
    for name in ["孟晚舟", "USTR", "华为"] {
        assert!(store.co_mentioned(name, 5).unwrap().is_empty(), "{name}");
    }
}

fn timeline_of_an_entity_reads_the_same_events_either_way(store: &dyn Store) {
    for text in ["a", "b", "c"] {
        store.put(&sample(text), None).unwrap();
    }
    // Through the reports naming it (a listed entity) and by reading every event (free text).
    let listed = store.events(None, None, Some("孟晚舟"), 10).unwrap();
    let free = store.events(None, None, Some("孟晚"), 10).unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed.iter().map(|e| &e.report_id).collect::<Vec<_>>(), free.iter().map(|e| &e.report_id).collect::<Vec<_>>());
    assert!(store.events(Some("2021-09-26"), None, Some("孟晚舟"), 10).unwrap().is_empty());
    assert_eq!(store.events(None, None, None, 2).unwrap().len(), 2, "limit holds");
}

fn duplicates_are_listed_and_freed_when_their_original_goes(store: &dyn Store) {
    let original = sample("原");
    let copy = sample("复");
    store.put(&original, None).unwrap();
    store.put(&copy, None).unwrap();
    assert!(store.set_duplicate_of(&copy.id, Some(&original.id)).unwrap());
    assert_eq!(store.duplicate_ids().unwrap().into_iter().collect::<Vec<_>>(), vec![copy.id.clone()]);
    assert_eq!(store.stats().unwrap().duplicates, 1);
    assert_eq!(store.events(None, None, None, 10).unwrap().len(), 1, "a copy's events are not listed twice");
    store.remove(&original.id).unwrap();
    assert!(store.duplicate_ids().unwrap().is_empty(), "the copy stands alone once its original is gone");
}

fn tokens_are_revocable(store: &dyn Store) {
    store.create_token("ci", "h1").unwrap();
    assert_eq!(store.token_by_hash("h1").unwrap().as_deref(), Some("ci"));
    assert!(store.revoke_token("ci").unwrap());
    assert!(!store.revoke_token("ci").unwrap(), "revoking twice changes nothing");
    assert!(store.token_by_hash("h1").unwrap().is_none());
    let tokens = store.tokens().unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].revoked_at.is_some());
    assert!(tokens[0].created_at.ends_with('Z'), "{}", tokens[0].created_at);
    // A new token of the same name replaces the revoked one.
    store.create_token("ci", "h2").unwrap();
    assert_eq!(store.token_by_hash("h2").unwrap().as_deref(), Some("ci"));
}

fn settings_keep_the_first_generated_secret(store: &dyn Store) {
    assert_eq!(store.setting("share_secret").unwrap(), None);
    assert_eq!(store.setting_or_insert("share_secret", "first").unwrap(), "first");
    assert_eq!(store.setting_or_insert("share_secret", "second").unwrap(), "first", "a second process keeps the first secret");
    store.set_setting("share_secret", "rotated").unwrap();
    assert_eq!(store.setting("share_secret").unwrap().as_deref(), Some("rotated"));
}

fn sources_and_reports_read_back_whole(store: &dyn Store) {
    let text = "中美元首视频会晤，双方就关税排除清单交换意见。".repeat(400);
    let report = sample(&text);
    store.put(&report, Some(text.as_bytes())).unwrap();
    assert_eq!(store.source(&report.id).unwrap().unwrap(), text.as_bytes(), "text sources read back whole");
    assert_eq!(store.get(&report.id).unwrap().unwrap(), report);
    assert_eq!(store.stats().unwrap().source_bytes, text.len() as u64, "stats count the sources' own size");
    // PDF bytes (kept raw) and bytes that do not compress read back the same.
    let pdf = b"%PDF-1.7\n\x00\x01\x02binary".to_vec();
    let other = sample("pdf");
    store.put(&other, Some(&pdf)).unwrap();
    assert_eq!(store.source(&other.id).unwrap().unwrap(), pdf);
    let kept_only_json = sample("json only");
    store.put(&kept_only_json, None).unwrap();
    assert_eq!(store.source(&kept_only_json.id).unwrap(), None);
}

fn every_change_moves_the_generation(store: &dyn Store) {
    let g0 = store.generation().unwrap();
    let report = sample("一");
    store.put(&report, None).unwrap();
    let g1 = store.generation().unwrap();
    assert!(g1 > g0);
    store.put(&report, None).unwrap();
    assert_eq!(store.generation().unwrap(), g1, "an unchanged put is no change");
    let other = sample("二");
    store.put(&other, None).unwrap();
    let g2 = store.generation().unwrap();
    assert!(store.set_duplicate_of(&other.id, Some(&report.id)).unwrap());
    assert!(store.generation().unwrap() > g2);
    let g3 = store.generation().unwrap();
    assert!(!store.set_duplicate_of(&other.id, Some(&report.id)).unwrap(), "marking twice changes nothing");
    assert_eq!(store.generation().unwrap(), g3);
    assert!(store.remove(&report.id).unwrap());
    assert!(store.generation().unwrap() > g3);
    let g4 = store.generation().unwrap();
    assert!(!store.remove(&report.id).unwrap());
    assert_eq!(store.generation().unwrap(), g4, "removing nothing is no change");
}

fn marks_are_visible_reversible_and_counted(store: &dyn Store) {
    let original = sample("原");
    let copy = sample("复");
    store.put(&original, None).unwrap();
    store.put(&copy, None).unwrap();
    store.set_duplicate_of(&copy.id, Some(&original.id)).unwrap();
    assert_eq!(store.get(&copy.id).unwrap().unwrap().duplicate_of.as_deref(), Some(original.id.as_str()));
    assert_eq!(store.copies(&original.id).unwrap(), vec![copy.id.clone()]);
    let counts = store.copy_counts(&[&original.id, &copy.id]).unwrap();
    assert_eq!((counts.get(&original.id), counts.get(&copy.id)), (Some(&1), None));
    assert!(store.copy_counts(&[]).unwrap().is_empty());
    let mut exported = Vec::new();
    store.for_each(&mut |r| { exported.push(r.duplicate_of.clone()); true }).unwrap();
    assert!(exported.contains(&Some(original.id.clone())), "the mark travels with exports");
    assert!(store.list(0, 10).unwrap().iter().any(|r| r.duplicate_of.as_deref() == Some(original.id.as_str())));
    assert!(store.set_duplicate_of(&copy.id, None).unwrap());
    assert_eq!(store.get(&copy.id).unwrap().unwrap().duplicate_of, None);
    // The mark never sticks in the stored JSON: a report re-put with its mark read back stays unmarked.
    let mut read = store.get(&original.id).unwrap().unwrap();
    read.duplicate_of = Some("ffff".into());
    assert_eq!(store.put(&read, None).unwrap(), PutOutcome::Unchanged);
}

fn candidates_come_from_shared_bands_and_skip_copies(store: &dyn Store) {
    // Real report text: repeated sentences would be set aside as watermarks.
    let original = sample(WAFER_REPORT);
    store.put(&original, None).unwrap();
    let print = fingerprint(&original);
    let candidates = store.copy_candidates(&fingerprint_bands(&print)).unwrap();
    assert_eq!(candidates.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec![original.id.as_str()]);
    assert_eq!((candidates[0].fingerprint.as_str(), candidates[0].title.as_str()), (print.as_str(), original.title.as_str()));
    assert!(store.copy_candidates(&[]).unwrap().is_empty());
    let unrelated = fingerprint(&sample(LIQUOR_REPORT));
    assert!(store.copy_candidates(&fingerprint_bands(&unrelated)).unwrap().is_empty());
    // A report marked as a copy is no candidate: copies are found through their original.
    let mut copy = sample(WAFER_REPORT);
    copy.source.path = "copy.md".into();
    copy.id = "copy".into();
    store.put(&copy, None).unwrap();
    store.set_duplicate_of(&copy.id, Some(&original.id)).unwrap();
    assert_eq!(store.copy_candidates(&fingerprint_bands(&print)).unwrap().len(), 1);
}

fn listing_is_newest_first_and_pages(store: &dyn Store) {
    let mut reports = Vec::new();
    for (text, date, year) in [("旧", Some("2020-01-02"), Some(2020)), ("新", Some("2023-05-06"), Some(2023)), ("无日期", None, Some(2019)), ("中", Some("2021-07-08"), Some(2021))] {
        let mut report = sample(text);
        report.date = date.map(String::from);
        report.year = year;
        report.source.pages = Some(12);
        report.institution = Some("甲证券".into());
        store.put(&report, None).unwrap();
        reports.push(report);
    }
    let listed = store.list(0, 10).unwrap();
    let titles: Vec<&str> = listed.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(titles, vec!["报告 新", "报告 中", "报告 旧", "报告 无日期"], "newest first, undated last");
    assert_eq!((listed[3].year, listed[0].pages, listed[0].institution.as_deref()), (Some(2019), Some(12), Some("甲证券")));
    assert_eq!((listed[0].language.as_str(), listed[0].media_type.as_str(), listed[0].source_path.as_str()), ("zh", "text/markdown", "sample.md"));
    assert!(listed[0].added_at.ends_with('Z'));
    let page: Vec<String> = store.list(1, 2).unwrap().into_iter().map(|r| r.title).collect();
    assert_eq!(page, vec!["报告 中", "报告 旧"]);
    assert!(store.list(10, 5).unwrap().is_empty());
}

fn stats_count_the_library(store: &dyn Store) {
    let a = sample("a");
    let mut b = sample("b");
    b.language = "en".into();
    b.institution = Some("乙证券".into());
    store.put(&a, Some(b"abc")).unwrap();
    store.put(&b, Some(b"defg")).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!((stats.reports, stats.blocks, stats.events, stats.figures, stats.tables, stats.duplicates), (2, 2, 2, 0, 0, 0));
    assert_eq!(stats.source_bytes, 7);
    let mut languages = stats.languages.clone();
    languages.sort();
    assert_eq!(languages, vec![("en".to_string(), 1), ("zh".to_string(), 1)]);
    assert_eq!(stats.institutions, vec![("乙证券".to_string(), 1)]);
}

fn for_each_visits_every_report_and_can_stop(store: &dyn Store) {
    // More than one page (64) of reports.
    for i in 0..70 {
        store.put(&sample(&format!("第{i}篇")), None).unwrap();
    }
    let mut seen = Vec::new();
    store.for_each(&mut |r| { seen.push(r.id); true }).unwrap();
    assert_eq!(seen.len(), 70);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "in id order");
    let mut visited = 0;
    store.for_each(&mut |_| { visited += 1; visited < 5 }).unwrap();
    assert_eq!(visited, 5, "returning false stops the walk");
}

fn note_ids(store: &dyn Store) -> Vec<String> {
    store.company_notes("601899", &[]).unwrap().into_iter().map(|n| n.report_id).collect()
}

fn company_facts_follow_puts_replacements_marks_and_removals(store: &dyn Store) {
    let early = company_note("早", "甲证券", "2024-01-10", 1.0);
    let late = company_note("晚", "乙证券", "2024-03-10", 1.2);
    store.put_with_companies(&early, None, &[zijin()]).unwrap();
    store.put(&late, None).unwrap();
    let notes = store.company_notes("601899", &[]).unwrap();
    assert_eq!(notes.iter().map(|n| n.report_id.as_str()).collect::<Vec<_>>(), vec![late.id.as_str(), early.id.as_str()], "newest first");
    assert_eq!((notes[0].rating.as_deref(), notes[0].rating_action, notes[0].target_price), (Some("买入"), Some(RatingAction::Maintain), Some(20.5)));
    assert_eq!(notes[0].forecasts, late.forecasts);
    assert_eq!(notes[1].forecasts, early.forecasts);
    assert_eq!(notes[0].institution.as_deref(), Some("乙证券"));
    assert_eq!(notes[0].company.exchange.as_deref(), Some("SH"));
    assert_eq!(store.company_mentions("603993", &[]).unwrap().len(), 2, "entities keep their codes");
    assert_eq!(store.company_mentions("", &["江西铜业"]).unwrap().len(), 2, "or are found by name");

    // Replaced: the new view replaces the old one, forecasts included.
    let mut revised = early.clone();
    revised.company = None;
    revised.forecasts.clear();
    assert_eq!(store.put(&revised, None).unwrap(), PutOutcome::Replaced);
    assert_eq!(note_ids(store), vec![late.id.clone()]);
    store.put(&early, None).unwrap();
    assert_eq!(store.company_notes("601899", &[]).unwrap()[1].forecasts, early.forecasts, "forecasts come back with the report");

    // Another file of a stored report is left out, and back once un-marked.
    store.set_duplicate_of(&early.id, Some(&late.id)).unwrap();
    assert_eq!(note_ids(store), vec![late.id.clone()]);
    assert_eq!(store.company_mentions("601899", &[]).unwrap().len(), 1);
    store.set_duplicate_of(&early.id, None).unwrap();
    assert_eq!(note_ids(store).len(), 2);

    // Removed: its rows go with it; what the registry learned stays known.
    store.remove(&late.id).unwrap();
    store.remove(&early.id).unwrap();
    assert!(note_ids(store).is_empty());
    assert!(store.company_mentions("601899", &["紫金矿业"]).unwrap().is_empty());
    assert_eq!(store.companies().unwrap(), vec![zijin()]);
}

fn the_registry_is_kept_and_found_by_code_name_or_alias(store: &dyn Store) {
    let report = company_note("一", "甲证券", "2024-01-10", 1.0);
    store.put(&report, None).unwrap();
    // An unchanged report still saves what the registry learned from it.
    let mut renamed = zijin();
    renamed.aliases.insert("紫金矿".into());
    assert_eq!(store.put_with_companies(&report, None, &[renamed.clone()]).unwrap(), PutOutcome::Unchanged);
    let moly = KnownCompany { name: "洛阳钼业".into(), code: "603993".into(), exchange: Some("SH".into()), ..KnownCompany::default() };
    store.save_companies(&[moly.clone()]).unwrap();
    assert_eq!(store.companies().unwrap(), vec![renamed.clone(), moly], "in the order learned");
    for asked in ["601899", "601899.SH", "紫金矿业", "紫金", "紫金矿"] {
        assert_eq!(store.find_company(asked).unwrap().map(|c| c.code), Some("601899".to_string()), "{asked}");
    }
    assert_eq!(store.find_company("宁德时代").unwrap(), None);
    let printed: Vec<(String, Option<String>)> = store.printed_companies().unwrap().into_iter().map(|c| (c.name, c.code)).collect();
    assert!(printed.contains(&("洛阳钼业".to_string(), Some("603993".to_string()))), "{printed:?}");
    assert!(printed.contains(&("紫金矿业".to_string(), Some("601899".to_string()))), "{printed:?}");
    assert!(!printed.iter().any(|(name, _)| name == "江西铜业"), "only companies printed with a code");
}

fn what_moving_a_library_copies_reads_back_the_same(store: &dyn Store) {
    // A report keeps the date it was first stored in the library it comes from.
    let report = sample("搬家");
    let options = PutOptions { source: Some(b"src"), added_at: Some("2022-03-04T05:06:07Z"), ..PutOptions::default() };
    assert_eq!(store.put_with(&report, options).unwrap(), PutOutcome::Added);
    assert_eq!(store.list(0, 1).unwrap()[0].added_at, "2022-03-04T05:06:07Z");
    assert_eq!(store.put_with(&report, options).unwrap(), PutOutcome::Unchanged, "moving twice changes nothing");
    // Tokens keep their hash, dates and revocation; settings are listed without bookkeeping.
    let revoked = TokenRecord {
        info: TokenInfo { name: "old".into(), created_at: "2021-01-01T00:00:00Z".into(), revoked_at: Some("2021-06-01T00:00:00Z".into()) },
        hash: "h-old".into(),
    };
    let live = TokenRecord { info: TokenInfo { name: "ci".into(), created_at: "2022-01-01T00:00:00Z".into(), revoked_at: None }, hash: "h-ci".into() };
    for record in [&revoked, &live] {
        store.restore_token(record).unwrap();
        store.restore_token(record).unwrap();
    }
    assert_eq!(store.token_records().unwrap(), vec![revoked.clone(), live.clone()]);
    assert_eq!(store.token_by_hash("h-ci").unwrap().as_deref(), Some("ci"));
    assert_eq!(store.token_by_hash("h-old").unwrap(), None);
    store.set_setting("share_secret", "abc").unwrap();
    assert_eq!(store.settings().unwrap(), vec![("share_secret".to_string(), "abc".to_string())]);
}

fn a_copy_is_stored_already_marked(store: &dyn Store) {
    let original = sample("原本");
    let copy = sample("副本");
    store.put(&original, None).unwrap();
    let options = PutOptions { source: Some(b"copy bytes"), duplicate_of: Some(&original.id), ..PutOptions::default() };
    assert_eq!(store.put_with(&copy, options).unwrap(), PutOutcome::Added);
    assert_eq!(store.get(&copy.id).unwrap().unwrap().duplicate_of.as_deref(), Some(original.id.as_str()));
    assert_eq!(store.copies(&original.id).unwrap(), vec![copy.id.clone()]);
    // Counted once, through the original: events and co-mentions of the copy stay out.
    assert_eq!(store.events(None, None, None, 10).unwrap().len(), 1);
    assert_eq!(store.co_mentioned("孟晚舟", 5).unwrap(), vec![("USTR".to_string(), "org".to_string(), 1)]);
    // The same file again, still a copy: nothing changes.
    let generation = store.generation().unwrap();
    assert_eq!(store.put_with(&copy, options).unwrap(), PutOutcome::Unchanged);
    assert_eq!(store.generation().unwrap(), generation);
}

fn pictures_are_kept_once_and_go_with_their_report(store: &dyn Store) {
    let (a, b) = (sample("a"), sample("b"));
    store.put(&a, Some(b"a")).unwrap();
    store.put(&b, Some(b"b")).unwrap();
    let page = StoredPicture::new("image/jpeg", 1200, 1697, vec![0xFF, 0xD8, 1, 2, 3, 0xFF, 0xD9]);
    let thumb = StoredPicture::new("image/jpeg", 240, 339, vec![0xFF, 0xD8, 9, 0xFF, 0xD9]);
    assert_eq!(page.hash.len(), 64);
    assert!(store.put_pictures(&a.id, &[("page/1".into(), page.clone()), ("page/1/thumb".into(), thumb.clone())]).unwrap());
    // The same bytes under another report: kept once.
    assert!(store.put_pictures(&b.id, &[("page/1".into(), page.clone())]).unwrap());
    assert_eq!(store.picture_stats().unwrap(), (2, (page.bytes.len() + thumb.bytes.len()) as u64));
    assert_eq!(store.picture(&a.id, "page/1").unwrap(), Some(page.clone()));
    assert_eq!(store.picture(&a.id, "page/1/thumb").unwrap(), Some(thumb.clone()));
    assert_eq!(store.picture(&a.id, "page/2").unwrap(), None);
    assert_eq!(store.picture(&b.id, "page/1/thumb").unwrap(), None);
    // A key stored again points at the new picture.
    let redrawn = StoredPicture::new("image/jpeg", 1200, 1697, vec![0xFF, 0xD8, 4, 0xFF, 0xD9]);
    assert!(store.put_pictures(&a.id, &[("page/1/thumb".into(), redrawn.clone())]).unwrap());
    assert_eq!(store.picture(&a.id, "page/1/thumb").unwrap(), Some(redrawn.clone()));
    assert_eq!(store.picture_stats().unwrap(), (2, (page.bytes.len() + redrawn.bytes.len()) as u64), "the replaced thumbnail is not kept");
    // No pictures for a report not stored.
    assert!(!store.put_pictures("0123456789abcdef", &[("page/1".into(), page.clone())]).unwrap());
    assert_eq!(store.picture("0123456789abcdef", "page/1").unwrap(), None);
    // Removing a report drops its pictures, except those another report still shows.
    assert!(store.remove(&a.id).unwrap());
    assert_eq!(store.picture(&a.id, "page/1/thumb").unwrap(), None);
    assert_eq!(store.picture(&b.id, "page/1").unwrap(), Some(page.clone()));
    assert_eq!(store.picture_stats().unwrap(), (1, page.bytes.len() as u64), "b's page alone is left");
}

fn person(name: &str, role: Role, hash: &str) -> UserRecord {
    UserRecord { info: UserInfo { name: name.into(), role, created_at: "2026-11-30T10:00:00Z".into() }, password_hash: hash.into() }
}

fn people_are_added_listed_and_removed(store: &dyn Store) {
    assert!(store.users().unwrap().is_empty());
    assert!(store.create_user(&person("王编辑", Role::Editor, "$argon2id$a")).unwrap());
    assert!(store.create_user(&person("admin", Role::Admin, "$argon2id$b")).unwrap());
    assert!(!store.create_user(&person("admin", Role::Reader, "$argon2id$c")).unwrap(), "a name is taken once");
    let names: Vec<(String, Role)> = store.users().unwrap().into_iter().map(|u| (u.name, u.role)).collect();
    assert_eq!(names, vec![("admin".to_string(), Role::Admin), ("王编辑".to_string(), Role::Editor)]);
    assert_eq!(store.user("admin").unwrap().unwrap().password_hash, "$argon2id$b", "the first account is kept");
    assert_eq!(store.user("Admin").unwrap(), None, "names are exact");
    assert!(store.set_password("admin", "$argon2id$new").unwrap());
    assert_eq!(store.user("admin").unwrap().unwrap().password_hash, "$argon2id$new");
    assert!(!store.set_password("nobody", "$argon2id$x").unwrap());
    assert!(store.remove_user("王编辑").unwrap());
    assert!(!store.remove_user("王编辑").unwrap(), "removing twice changes nothing");
    assert_eq!(store.users().unwrap().len(), 1);
}

fn sessions_expire_and_end_with_their_person(store: &dyn Store) {
    store.create_user(&person("reader", Role::Reader, "$argon2id$r")).unwrap();
    store.create_user(&person("editor", Role::Editor, "$argon2id$e")).unwrap();
    assert!(store.create_session("s1", "reader", "csrf1", 2_000, 1_000).unwrap());
    assert!(store.create_session("s2", "editor", "csrf2", 2_000, 1_000).unwrap());
    assert!(!store.create_session("s3", "nobody", "csrf3", 2_000, 1_000).unwrap(), "no session for an unknown name");
    let session = store.session("s1", 1_500).unwrap().unwrap();
    assert_eq!((session.user.as_str(), session.role, session.csrf.as_str(), session.expires_at), ("reader", Role::Reader, "csrf1", 2_000));
    assert_eq!(store.session("s1", 2_000).unwrap(), None, "a session ends at its expiry");
    assert_eq!(store.session("nope", 1_500).unwrap(), None);
    // Starting a session purges the ones already over.
    assert!(store.create_session("s4", "reader", "csrf4", 9_000, 2_500).unwrap());
    assert_eq!(store.purge_sessions(2_500).unwrap(), 0, "s1 and s2 went when s4 began");
    assert!(store.end_session("s4").unwrap());
    assert!(!store.end_session("s4").unwrap());
    // A new password ends every session of its person; removing them too.
    store.create_session("s5", "reader", "c", 9_000, 3_000).unwrap();
    store.create_session("s6", "editor", "c", 9_000, 3_000).unwrap();
    store.create_session("s7", "editor", "c", 9_000, 3_000).unwrap();
    store.set_password("reader", "$argon2id$r2").unwrap();
    assert_eq!(store.session("s5", 3_000).unwrap(), None);
    assert!(store.session("s6", 3_000).unwrap().is_some());
    store.remove_user("editor").unwrap();
    assert_eq!(store.session("s6", 3_000).unwrap(), None);
    assert_eq!(store.session("s7", 3_000).unwrap(), None);
    store.create_session("s8", "reader", "c", 9_000, 3_000).unwrap();
    assert_eq!(store.purge_sessions(u64::MAX).unwrap(), 1, "everything can be ended at once");
}

fn people_move_with_their_hashes(store: &dyn Store) {
    let admin = person("admin", Role::Admin, "$argon2id$v=19$m=19456,t=2,p=1$abc$def");
    let reader = UserRecord { info: UserInfo { created_at: "2021-01-01T00:00:00Z".into(), ..person("读者", Role::Reader, "").info }, password_hash: "$argon2id$x".into() };
    for record in [&admin, &reader, &admin] {
        store.restore_user(record).unwrap();
    }
    assert_eq!(store.user_records().unwrap(), vec![admin.clone(), reader.clone()]);
    let promoted = person("读者", Role::Editor, "$argon2id$y");
    store.restore_user(&promoted).unwrap();
    assert_eq!(store.user("读者").unwrap().unwrap(), promoted, "restoring replaces a person of that name");
}
