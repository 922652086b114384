//! Backups that restore: a backup taken while another thread ingests holds every report stored
//! before it began, whole; the restored library opens, searches and reindexes; a restore never
//! overwrites a library unasked, and a missing or damaged backup is refused with the target
//! left as it was.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use yanbao_engine::backup::{backup_folder, restore};
use yanbao_engine::{Library, Scope, SearchRequest};

fn seed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/seed_中美元首视频会晤.txt")
}

/// 3,000 pseudo-random Han characters in sentences, different for every `n`.
fn own_text(n: u32) -> String {
    let mut state = n.wrapping_mul(2_654_435_761).wrapping_add(12_345);
    let mut text = String::new();
    for i in 0..3_000u32 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        text.push(char::from_u32(0x4E00 + (state >> 16) % 0x5000).unwrap_or('字'));
        if i % 60 == 59 {
            text.push_str("。\n\n");
        }
    }
    text
}

/// `count` small reports made from the seed report, each with text of its own (so none is
/// taken for another copy of one), in a folder of their own.
fn reports(dir: &Path, name: &str, from: u32, count: u32) -> PathBuf {
    let folder = dir.join(name);
    std::fs::create_dir_all(&folder).unwrap();
    let seed_text = std::fs::read_to_string(seed()).unwrap().replace("预览已结束", "预览");
    for n in from..from + count {
        let body = format!("# 报告 {n}\n\n{seed_text}\n\n{}\n", own_text(n));
        std::fs::write(folder.join(format!("r{n:04}.md")), body).unwrap();
    }
    folder
}

/// Every stored report's JSON, by id.
fn all_json(library: &Library) -> BTreeMap<String, serde_json::Value> {
    let mut out = BTreeMap::new();
    for id in library.store().ids().unwrap() {
        let report = library.get(&id).unwrap().unwrap();
        out.insert(id, serde_json::to_value(&report).unwrap());
    }
    out
}

fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn a_backup_taken_during_an_ingest_restores_every_report_stored_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let first = reports(dir.path(), "first", 0, 30);
    let more = reports(dir.path(), "more", 1000, 400);
    let library = Library::open(&data).unwrap();
    library.ingest(&[first], &mut |_| {}).unwrap();
    let backup = dir.path().join("backup");
    let done = AtomicBool::new(false);

    let (before, manifest, during) = std::thread::scope(|scope| {
        let ingesting = scope.spawn(|| {
            let results = library.ingest(std::slice::from_ref(&more), &mut |_| {}).unwrap();
            done.store(true, Ordering::SeqCst);
            results
        });
        // Let the ingest get going, then back up while it writes.
        while library.store().ids().unwrap().len() < 60 && !done.load(Ordering::SeqCst) {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let before = all_json(&library);
        let summary = backup_folder(&data, &backup, &mut |_, _, _| {}).unwrap();
        let during = !done.load(Ordering::SeqCst);
        let results = ingesting.join().unwrap();
        assert!(results.iter().all(|r| r.error.is_none()), "{results:?}");
        (before, summary.manifest, during)
    });
    assert!(during, "the ingest ended before the backup did: the test proves nothing");
    let after = all_json(&library);
    assert_eq!(after.len(), 430);
    assert!(manifest.reports >= before.len() as u64 && manifest.reports < 430, "{manifest:?}");

    let restored_dir = dir.path().join("restored");
    let summary = restore(&backup, &restored_dir, false, &mut |_, _, _| {}).unwrap();
    assert_eq!(summary.reports, manifest.reports);
    let restored = Library::open(&restored_dir).unwrap();
    let copy = all_json(&restored);
    assert_eq!(copy.len() as u64, manifest.reports);
    // Every report stored before the backup began is there, whole.
    for (id, json) in &before {
        assert_eq!(copy.get(id), Some(json), "report {id} differs or is missing");
    }
    // And the copy holds no half report: each one is the original's.
    for (id, json) in &copy {
        assert_eq!(after.get(id), Some(json), "report {id} is not the original's");
    }
    // The restored library searches (its index was rebuilt) and reindexes.
    let stats = restored.stats().unwrap();
    assert_eq!(stats.indexed_reports as u64, manifest.reports);
    let hits = restored.search(&SearchRequest { query: "关税排除".into(), scope: Scope::Paragraphs, limit: 10, ..SearchRequest::default() }).unwrap();
    assert!(hits.total > 0, "{hits:?}");
    assert_eq!(restored.reindex(&mut |_, _| {}).unwrap() as u64, manifest.reports);
    // The original goes on as before.
    assert_eq!(library.stats().unwrap().indexed_reports, 430);
}

#[test]
fn restore_refuses_a_library_unasked_and_a_missing_or_damaged_backup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let library = Library::open(&data).unwrap();
    library.ingest(&[reports(dir.path(), "in", 0, 5)], &mut |_| {}).unwrap();
    // The same backup, from a library this process has open.
    let backup = dir.path().join("backup");
    let summary = library.backup(&backup, &mut |_, _, _| {}).unwrap();
    assert_eq!(summary.manifest.reports, 5);
    drop(library);
    // A backup folder is never written over.
    let again = backup_folder(&data, &backup, &mut |_, _, _| {}).unwrap_err().to_string();
    assert!(again.contains("not empty"), "{again}");

    // A folder holding something else: refused, untouched.
    let target = dir.path().join("target");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep.txt"), "mine").unwrap();
    let refused = restore(&backup, &target, false, &mut |_, _, _| {}).unwrap_err().to_string();
    assert!(refused.contains("not empty") && refused.contains("--force"), "{refused}");
    assert_eq!(listing(&target), ["keep.txt"]);

    // No backup there, or not a backup.
    let missing = restore(&dir.path().join("nowhere"), &target, true, &mut |_, _, _| {}).unwrap_err().to_string();
    assert!(missing.contains("no such backup folder"), "{missing}");
    let not_one = restore(&data, &target, true, &mut |_, _, _| {}).unwrap_err().to_string();
    assert!(not_one.contains("not a yanbao backup"), "{not_one}");

    // A damaged copy: the checksum finds it.
    let damaged = dir.path().join("damaged");
    copy_dir(&backup, &damaged);
    let file = damaged.join("library.sqlite");
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    for b in &mut bytes[middle..middle + 4096] {
        *b ^= 0x5a;
    }
    std::fs::write(&file, &bytes).unwrap();
    let error = restore(&damaged, &target, true, &mut |_, _, _| {}).unwrap_err().to_string();
    assert!(error.contains("damaged"), "{error}");

    // Damaged and the manifest rewritten to match: SQLite's own check finds it.
    let manifest_path = damaged.join("backup.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    use sha2::Digest;
    manifest["sha256"] = hex::encode(sha2::Sha256::digest(&bytes)).into();
    std::fs::write(&manifest_path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    let error = restore(&damaged, &target, true, &mut |_, _, _| {}).unwrap_err().to_string();
    assert!(error.contains("damaged") || error.contains("cannot be opened") || error.contains("malformed"), "{error}");

    // After every refusal the target is as it was, and nothing is left beside it.
    assert_eq!(listing(&target), ["keep.txt"]);
    assert!(listing(dir.path()).iter().all(|name| !name.starts_with('.')), "{:?}", listing(dir.path()));

    // With --force the library there is replaced.
    let summary = restore(&backup, &target, true, &mut |_, _, _| {}).unwrap();
    assert!(summary.replaced);
    assert_eq!(summary.reports, 5);
    assert!(!target.join("keep.txt").exists());
    assert_eq!(Library::open(&target).unwrap().stats().unwrap().indexed_reports, 5);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

#[test]
fn people_come_back_with_their_passwords_but_nobody_comes_back_signed_in() {
    use yanbao_engine::users::{add_user, session, sign_in, Role};
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let backup = dir.path().join("backup");
    let library = Library::open(&data).unwrap();
    add_user(library.store(), "editor", Role::Editor, "a long password").unwrap();
    let signed_in = sign_in(library.store(), "editor", "a long password", 1_000).unwrap().unwrap();
    drop(library);
    backup_folder(&data, &backup, &mut |_, _, _| {}).unwrap();
    let restored = dir.path().join("restored");
    restore(&backup, &restored, false, &mut |_, _, _| {}).unwrap();
    let library = Library::open(&restored).unwrap();
    assert_eq!(library.store().users().unwrap().iter().map(|u| (u.name.as_str(), u.role)).collect::<Vec<_>>(), [("editor", Role::Editor)]);
    assert!(session(library.store(), &signed_in.token, 1_001).unwrap().is_none(), "sessions stay behind");
    assert!(sign_in(library.store(), "editor", "a long password", 1_002).unwrap().is_some(), "the password still works");
}
