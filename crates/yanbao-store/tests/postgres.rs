//! What only the shared store has: concurrent writers, the change feed search nodes follow,
//! migrations run by nodes starting together, and the errors of a server that is not there.
//! Runs when `YANBAO_TEST_POSTGRES` holds a URL; says why it skips otherwise.

use std::sync::Arc;

use yanbao_model::{Block, BlockKind, Entity, EntityKind, Report};
use yanbao_store::prelude::*;
use yanbao_store::testing::scratch_or_skip as scratch;
use yanbao_store::{PgStore, PutOutcome, StoreError};

fn report(n: usize) -> Report {
    let text = format!("第{n}篇报告：半导体景气度持续回升，晶圆代工产能利用率提高。");
    let mut report = Report::new_for_source(text.as_bytes(), &format!("r{n}.md"), "text/markdown");
    report.title = format!("报告 {n}");
    report.blocks.push(Block { kind: BlockKind::Paragraph, text, ..Block::default() });
    report.entities.push(Entity { name: "台积电".into(), kind: EntityKind::Company, mentions: 3, code: None });
    report.entities.push(Entity { name: "中芯国际".into(), kind: EntityKind::Company, mentions: 2, code: None });
    report
}

#[test]
fn writers_at_once_store_each_report_once_and_count_right() {
    let Some(db) = scratch("writers_at_once") else { return };
    let store = Arc::new(PgStore::connect(&db.url).unwrap());
    let reports: Vec<Report> = (0..24).map(report).collect();
    // Four workers, each given every report (in its own order): two workers given the same
    // bytes store one report, and shared counters end right, without deadlocks.
    let outcomes: Vec<Vec<PutOutcome>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|worker| {
                let store = Arc::clone(&store);
                let reports = &reports;
                scope.spawn(move || {
                    let mut order: Vec<&Report> = reports.iter().collect();
                    order.rotate_left(worker * 5);
                    if worker % 2 == 1 {
                        order.reverse();
                    }
                    order.into_iter().map(|r| store.put(r, Some(r.blocks[0].text.as_bytes())).unwrap()).collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let added = outcomes.iter().flatten().filter(|o| **o == PutOutcome::Added).count();
    assert_eq!(added, 24, "each report added once: {outcomes:?}");
    assert_eq!(store.ids().unwrap().len(), 24);
    assert_eq!(store.co_mentioned("台积电", 5).unwrap(), vec![("中芯国际".to_string(), "company".to_string(), 24)]);
    assert_eq!(store.changes_since(0, 1000).unwrap().unwrap().len(), 24, "one change per stored report");
}

#[test]
fn the_change_feed_lists_each_changed_report_once_in_commit_order() {
    let Some(db) = scratch("change_feed") else { return };
    let store = PgStore::connect(&db.url).unwrap();
    let (a, b, c) = (report(1), report(2), report(3));
    for r in [&a, &b, &c] {
        store.put(r, None).unwrap();
    }
    let first = store.changes_since(0, 100).unwrap().unwrap();
    assert_eq!(first.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(), vec![a.id.as_str(), b.id.as_str(), c.id.as_str()]);
    assert!(first.windows(2).all(|w| w[0].0 < w[1].0));
    let applied = first.last().unwrap().0;
    assert_eq!(store.generation().unwrap(), applied);
    // What a follower that applied everything up to `applied` sees next: each changed report
    // once, at its latest change, a removed one included.
    store.set_duplicate_of(&b.id, Some(&a.id)).unwrap();
    store.remove(&c.id).unwrap();
    let mut renamed = a.clone();
    renamed.title = "新标题".into();
    store.put(&renamed, None).unwrap();
    store.put(&renamed, None).unwrap();
    let next = store.changes_since(applied, 100).unwrap().unwrap();
    assert_eq!(next.iter().map(|(_, id)| id.as_str()).collect::<Vec<_>>(), vec![b.id.as_str(), c.id.as_str(), a.id.as_str()]);
    assert_eq!(store.generation().unwrap(), next.last().unwrap().0);
    assert!(store.changes_since(store.generation().unwrap(), 100).unwrap().unwrap().is_empty());
    assert_eq!(store.changes_since(applied, 2).unwrap().unwrap().len(), 2, "paged");
}

#[test]
fn nodes_starting_together_migrate_once() {
    let Some(db) = scratch("migrate_once") else { return };
    let stores: Vec<Result<PgStore, StoreError>> =
        std::thread::scope(|scope| (0..4).map(|_| scope.spawn(|| PgStore::connect(&db.url))).collect::<Vec<_>>().into_iter().map(|h| h.join().unwrap()).collect());
    for store in &stores {
        assert!(store.is_ok(), "{:?}", store.as_ref().err());
    }
    let store = stores.into_iter().next().unwrap().unwrap();
    store.put(&report(1), None).unwrap();
    drop(store);
    // Reopening an up-to-date store changes nothing.
    assert_eq!(PgStore::connect(&db.url).unwrap().ids().unwrap().len(), 1);
}

#[test]
fn a_server_that_is_not_there_is_one_clear_line_without_the_password() {
    // Port 9 (discard) on loopback: nothing listens there.
    let started = std::time::Instant::now();
    let error = PgStore::connect("postgres://yanbao:s3cret@127.0.0.1:9/library").err().expect("nothing listens on port 9");
    let message = error.to_string();
    assert!(matches!(error, StoreError::Unreachable { .. }), "{message}");
    assert!(message.contains("127.0.0.1:9") && !message.contains("s3cret") && !message.contains('\n'), "{message}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15), "fails fast");
    let error = PgStore::connect("postgres://[not a url").err().unwrap();
    assert!(error.to_string().contains("not a PostgreSQL URL") || error.to_string().contains("cannot reach"), "{error}");
}

#[test]
fn a_follower_is_woken_by_a_change_made_elsewhere() {
    let Some(db) = scratch("wake") else { return };
    let follower = PgStore::connect(&db.url).unwrap();
    let writer = PgStore::connect(&db.url).unwrap();
    // Nothing happens: the wait times out.
    assert!(!follower.wait_for_change(std::time::Duration::from_millis(200)).unwrap());
    let woken = std::thread::scope(|scope| {
        let waiting = scope.spawn(|| {
            let started = std::time::Instant::now();
            (follower.wait_for_change(std::time::Duration::from_secs(10)).unwrap(), started.elapsed())
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        writer.put(&report(7), None).unwrap();
        waiting.join().unwrap()
    });
    assert!(woken.0, "woken by the change");
    assert!(woken.1 < std::time::Duration::from_secs(5), "woken at once, not at the timeout: {:?}", woken.1);
}

#[test]
fn the_job_queue_hands_each_job_to_one_worker_and_takes_back_a_dead_workers() {
    use std::time::Duration;
    use yanbao_store::{JobEnd, JobState};
    let Some(db) = scratch("job_queue") else { return };
    let store = PgStore::connect(&db.url).unwrap();
    let queue = store.job_queue().expect("a shared store has a job queue");
    let (first, new) = queue.enqueue("a.md", b"# A\n\nalpha").unwrap();
    assert!(new);
    assert_eq!(queue.enqueue("copy-of-a.md", b"# A\n\nalpha").unwrap(), (first, false), "the same bytes queued twice are one job");
    let (second, _) = queue.enqueue("b.md", b"# B\n\nbeta").unwrap();

    // Two workers take different jobs; nothing is left for a third.
    let one = queue.claim("w1", Duration::from_secs(60)).unwrap().unwrap();
    let two = queue.claim("w2", Duration::from_secs(60)).unwrap().unwrap();
    assert_eq!((one.id, two.id), (first, second));
    assert_eq!((one.name.as_str(), one.bytes.as_slice(), one.attempts), ("a.md", &b"# A\n\nalpha"[..], 1));
    assert!(queue.claim("w3", Duration::from_secs(60)).unwrap().is_none());
    assert!(queue.renew(one.id, "w1", Duration::from_secs(60)).unwrap());
    assert!(!queue.renew(one.id, "w2", Duration::from_secs(60)).unwrap(), "only its holder renews a lease");

    // Done: the report keeps the bytes, the queue lets go of them.
    assert!(queue.finish(one.id, "w1", &JobEnd::Done { report_id: "abc".into(), outcome: "added".into() }).unwrap());
    assert!(!queue.finish(one.id, "w1", &JobEnd::Failed("late".into())).unwrap(), "a finished job stays finished");

    // Worker 2 dies (its lease runs out): the job goes to the next worker, up to three times.
    let mut holder = "w2".to_string();
    for attempt in 2..=3 {
        let lapsed = queue.claim("w4", Duration::from_secs(60)).unwrap();
        assert!(lapsed.is_none(), "a live lease is respected");
        expire(&db.url, second);
        let again = queue.claim(&format!("w{attempt}x"), Duration::from_secs(60)).unwrap().unwrap();
        assert_eq!((again.id, again.attempts), (second, attempt));
        assert!(!queue.renew(second, &holder, Duration::from_secs(60)).unwrap(), "the dead worker lost its lease");
        holder = format!("w{attempt}x");
    }
    expire(&db.url, second);
    assert!(queue.claim("w9", Duration::from_secs(60)).unwrap().is_none());
    let failed = queue.jobs(Some(JobState::Failed), 10).unwrap();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].error.as_deref().unwrap().contains("stopped while ingesting it 3 times"), "{:?}", failed[0].error);
    assert_eq!(queue.job_counts().unwrap(), vec![(JobState::Done, 1), (JobState::Failed, 1)]);

    // Retried: queued again with its bytes, attempts from the start.
    assert!(queue.retry(second).unwrap());
    assert!(!queue.retry(second).unwrap(), "only a failed job is retried");
    let retried = queue.claim("w5", Duration::from_secs(60)).unwrap().unwrap();
    assert_eq!((retried.id, retried.attempts, retried.bytes.as_slice()), (second, 1, &b"# B\n\nbeta"[..]));
    assert!(queue.finish(second, "w5", &JobEnd::Failed("not a report".into())).unwrap());
    let listed = queue.jobs(None, 10).unwrap();
    assert_eq!(listed.iter().map(|j| (j.id, j.state)).collect::<Vec<_>>(), vec![(second, JobState::Failed), (first, JobState::Done)]);
    assert_eq!(listed[1].report_id.as_deref(), Some("abc"));
    assert!(listed[0].enqueued_at.ends_with('Z') && listed[0].finished_at.is_some());
}

/// Makes a job's lease run out now, as if its worker had died.
fn expire(url: &str, job: i64) {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client.execute("UPDATE jobs SET lease_until = now() - interval '1 second' WHERE id = $1", &[&job]).unwrap();
}
