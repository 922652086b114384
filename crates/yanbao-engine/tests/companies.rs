//! Companies end to end: company notes from two brokers teach the library 紫金矿业's code; a
//! later weekly naming only 紫金矿业 links to it (after a restart: the registry is kept in the
//! store); the company overview gives its ratings, target prices and the brokers' forecast
//! consensus over each broker's latest note.

mod company_notes;

use company_notes::{write_notes, NOTES};
use yanbao_engine::{IngestOutcome, Library};
use yanbao_model::securities::RatingAction;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn notes_teach_the_registry_and_the_overview_sums_up_the_brokers() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = tempfile::tempdir().unwrap();
    let mut paths = write_notes(inputs.path(), true);
    let weekly = paths.pop().unwrap();
    {
        let library = Library::open(dir.path()).unwrap();
        let results = library.ingest(&paths, &mut |_| {}).unwrap();
        assert!(results.iter().all(|r| r.outcome == IngestOutcome::Added), "{results:?}");
    }
    // A new process: the weekly names 紫金矿业 without its code and still links to it.
    let library = Library::open(dir.path()).unwrap();
    let weekly_id = library.ingest(&[weekly], &mut |_| {}).unwrap()[0].id.clone().unwrap();
    let stored = library.get(&weekly_id).unwrap().unwrap();
    let zijin = stored.entities.iter().find(|e| e.name == "紫金矿业").expect("the weekly names it");
    assert_eq!(zijin.code.as_deref(), Some("601899"));

    let overview = library.company("紫金矿业").unwrap().expect("known by name");
    assert_eq!((overview.company.code.as_str(), overview.company.exchange.as_deref()), ("601899", Some("SH")));
    for asked in ["601899", "601899.SH", "SH601899"] {
        assert_eq!(library.company(asked).unwrap().map(|o| o.company.name), Some("紫金矿业".to_string()), "{asked}");
    }
    assert!(library.company("宁德时代").unwrap().is_none());

    let dates: Vec<&str> = overview.reports.iter().filter_map(|r| r.date.as_deref()).collect();
    assert_eq!(dates, vec!["2024-03-25", "2024-02-20", "2024-01-15"], "newest first");
    let ratings: Vec<(&str, &str, Option<RatingAction>)> =
        overview.ratings.iter().map(|r| (r.broker.as_deref().unwrap_or(""), r.rating.as_str(), r.action)).collect();
    assert_eq!(
        ratings,
        vec![
            ("华鑫证券", "增持", Some(RatingAction::Initiate)),
            ("光大证券", "买入", Some(RatingAction::Maintain)),
            ("华鑫证券", "买入", Some(RatingAction::Upgrade)),
        ]
    );
    let targets: Vec<f64> = overview.target_prices.iter().map(|t| t.price).collect();
    assert_eq!(targets, NOTES.iter().map(|n| n.target).collect::<Vec<_>>(), "oldest first");

    // Two brokers, each counted once with its latest note (华鑫's January figures are left out).
    let find = |year: i32, metric: &str| overview.consensus.iter().find(|c| c.year == year && c.metric == metric).cloned().unwrap();
    let eps = find(2024, "eps");
    assert_eq!((eps.brokers, eps.unit.as_str()), (2, "元"));
    assert!(close(eps.median, 1.05) && close(eps.mean, 1.05) && close(eps.min, 1.0) && close(eps.max, 1.1), "{eps:?}");
    let profit = find(2025, "net_profit");
    assert_eq!((profit.brokers, profit.unit.as_str()), (2, "亿元"));
    assert!(close(profit.median, 325.0) && close(profit.min, 310.0) && close(profit.max, 340.0), "{profit:?}");

    assert_eq!(overview.mentions.iter().map(|m| m.report_id.as_str()).collect::<Vec<_>>(), vec![weekly_id.as_str()], "the weekly merely mentions it");

    // A removed note leaves the overview with it.
    let newest = overview.reports[0].report_id.clone();
    assert!(library.remove(&newest).unwrap());
    let after = library.company("601899").unwrap().unwrap();
    assert_eq!(after.reports.len(), 2);
    assert!(close(after.consensus.iter().find(|c| c.year == 2024 && c.metric == "eps").unwrap().min, 0.9), "华鑫's earlier note is its latest now");
}
