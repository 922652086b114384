//! Quality on real reports: the seed's gold facts, and event precision/recall on hand-annotated
//! fixtures. Run `cargo test -p yanbao-knowledge --test quality -- --nocapture` to see the figures.

use yanbao_knowledge::{enrich, merge_timeline};
use yanbao_model::normalize::fold;
use yanbao_model::{Event, EventOrigin, Report};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn enriched(file: &str) -> Report {
    let path = format!("{FIXTURES}/{file}");
    let bytes = std::fs::read(&path).expect("fixture present");
    let mut report = yanbao_text::parse_text(&bytes, &path).expect("fixture parses");
    enrich(&mut report);
    report
}

fn json(file: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(format!("{FIXTURES}/{file}")).expect("fixture present");
    serde_json::from_str(&text).expect("valid json")
}

fn pairs(value: &serde_json::Value) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn matches(event: &Event, (date, phrase): &(String, String)) -> bool {
    event.date == *date && fold(&event.text).contains(&fold(phrase))
}

#[test]
fn seed_yields_every_gold_event_and_entity() {
    let report = enriched("000_aa7b0d65672ddc97.txt");
    let gold = json("000_aa7b0d65672ddc97.expect.json");
    let mut missing = Vec::new();
    for key in ["events_from_table", "events_from_text"] {
        for pair in pairs(&gold[key]) {
            if !report.events.iter().any(|e| matches(e, &pair)) {
                missing.push(format!("{key}: {} {}", pair.0, pair.1));
            }
        }
    }
    let names: Vec<String> = report.entities.iter().map(|e| fold(&e.name)).collect();
    for key in ["entities_people", "entities_orgs"] {
        for name in gold[key].as_array().into_iter().flatten().filter_map(|n| n.as_str()) {
            if !names.contains(&fold(name)) {
                missing.push(format!("{key}: {name}"));
            }
        }
    }
    assert!(missing.is_empty(), "missing gold facts:\n{}", missing.join("\n"));
    let table_events = report.events.iter().filter(|e| e.origin == EventOrigin::Table).count();
    assert_eq!(table_events, 13, "one event per row of 表 1");
    let meng = report.events.iter().find(|e| e.date == "2021-09-25" && e.origin == EventOrigin::Table).expect("9-25 row");
    assert!(meng.actors.contains(&"孟晚舟".to_string()));
    assert!(report.numbers.iter().any(|n| n.text == "610 亿美元" || fold(&n.text) == "610亿美元"));
    assert!(report.numbers.iter().any(|n| n.text == "53.9%"));
}

#[test]
fn seed_people_are_people_and_codes_kept() {
    let report = enriched("000_aa7b0d65672ddc97.txt");
    for name in ["拜登", "孟晚舟", "扬金", "布林肯"] {
        let entity = report.entities.iter().find(|e| e.name == name).expect(name);
        assert_eq!(entity.kind, yanbao_model::EntityKind::Person, "{name}");
    }
    let ustr = report.entities.iter().find(|e| e.name == "USTR").expect("USTR");
    assert_eq!(ustr.kind, yanbao_model::EntityKind::Org);
    assert!(ustr.mentions >= 4, "USTR is mentioned in text, table and source");
    let company = enriched("research_report_58bd556dc76b6146b2cfed92bf125d27.md");
    let xinyuan = company.entities.iter().find(|e| e.name == "芯原股份").expect("芯原股份");
    assert_eq!(xinyuan.code.as_deref(), Some("688521"));
}

/// Precision and recall of events against the hand annotations.
#[test]
fn event_precision_and_recall_on_annotated_reports() {
    let files = [
        "000_aa7b0d65672ddc97",
        "research_report_58bd556dc76b6146b2cfed92bf125d27",
        "research_report_3a2d32aca327ebb3f5d13bbbedf98ddd",
        "research_report_1fc72b4836bf4477149e59f611717b12",
        "research_report_325b7064bf6b276faca44e917674dd32",
        "research_report_e3107abdbcff3317d481ea1dc91bec3d",
        "research_report_20ef3aa6096533c55a412e48ae036715",
        "research_report_7a20578e33b9eda245b245a1d538ead3",
    ];
    let (mut all_output, mut all_correct, mut all_gold, mut all_found) = (0, 0, 0, 0);
    println!("| report | events out | correct | precision | annotated | found | recall |");
    println!("|---|---|---|---|---|---|---|");
    for stem in files {
        let annotation = json(&format!("{stem}.events.json"));
        let source = annotation["file"].as_str().expect("file").to_string();
        let report = enriched(&source);
        let gold = pairs(&annotation["events"]);
        let acceptable: Vec<(String, String)> = gold.iter().cloned().chain(pairs(&annotation["also_correct"])).collect();
        let correct = report.events.iter().filter(|e| acceptable.iter().any(|p| matches(e, p))).count();
        let found = gold.iter().filter(|p| report.events.iter().any(|e| matches(e, p))).count();
        for event in report.events.iter().filter(|e| !acceptable.iter().any(|p| matches(e, p))) {
            println!("  wrong: {} {} {:?}", event.date, event.date_text, event.text.chars().take(40).collect::<String>());
        }
        for pair in gold.iter().filter(|p| !report.events.iter().any(|e| matches(e, p))) {
            println!("  missed: {} {}", pair.0, pair.1);
        }
        println!(
            "| {stem} | {} | {correct} | {:.2} | {} | {found} | {:.2} |",
            report.events.len(),
            ratio(correct, report.events.len()),
            gold.len(),
            ratio(found, gold.len())
        );
        all_output += report.events.len();
        all_correct += correct;
        all_gold += gold.len();
        all_found += found;
    }
    let (precision, recall) = (ratio(all_correct, all_output), ratio(all_found, all_gold));
    println!("| all | {all_output} | {all_correct} | {precision:.2} | {all_gold} | {all_found} | {recall:.2} |");
    assert!(precision >= 0.85, "precision {precision:.2}");
    assert!(recall >= 0.9, "recall {recall:.2}");
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

#[test]
fn two_reports_of_the_same_event_merge_into_one_entry() {
    let mut first = Report { id: "a".into(), title: "中美元首视频会晤".into(), ..Report::default() };
    first.date = Some("2021-11-15".into());
    first.blocks.push(yanbao_model::Block { text: "9 月 25 日孟晚舟女士成功归国，10 月 5 日 USTR（美国贸易代表办公室）公布关税排除清单。".into(), ..Default::default() });
    let mut second = Report { id: "b".into(), title: "中美关系回顾".into(), ..Report::default() };
    second.date = Some("2021-10-08".into());
    second.blocks.push(yanbao_model::Block { text: "2021年9月25日，中国公民孟晚舟乘坐中国政府包机返回中国。".into(), ..Default::default() });
    second.blocks.push(yanbao_model::Block { text: "9月25日晚间，华为首席财务官孟晚舟抵达深圳宝安机场。".into(), ..Default::default() });
    let mut all = Vec::new();
    for report in [&mut first, &mut second] {
        enrich(report);
        for event in &report.events {
            all.push((report.id.clone(), report.title.clone(), event.clone()));
        }
    }
    let timeline = merge_timeline(all);
    let meng: Vec<_> = timeline.iter().filter(|e| e.date == "2021-09-25").collect();
    assert_eq!(meng.len(), 1, "one merged entry: {timeline:#?}");
    let reports: Vec<&str> = meng[0].citations.iter().map(|c| c.report_id.as_str()).collect();
    assert_eq!(reports, vec!["a", "b", "b"]);
    assert!(meng[0].actors.contains(&"孟晚舟".to_string()));
    assert!(timeline.iter().any(|e| e.date == "2021-10-05"));
    let dates: Vec<&str> = timeline.iter().map(|e| e.date.as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "date order");
}

#[test]
fn enrich_survives_junk_reports() {
    let mut report = Report::default();
    for text in ["", "年月日", "（（（688556", "USTR（）", "9月99日至13月", "【】", "女士先生总统", "\u{0}\u{feff}%%%亿元"] {
        report.blocks.push(yanbao_model::Block { text: text.into(), ..Default::default() });
    }
    report.tables.push(yanbao_model::Table { rows: vec![vec![], vec!["5 月 27 日".into()], vec!["".into(), "x".into()]], ..Default::default() });
    enrich(&mut report);
    enrich(&mut report);
    assert!(report.events.iter().all(|e| e.date.len() == 10));
}

/// Pseudo-random texts built from the characters the heuristics look at must never panic.
#[test]
fn enrich_survives_random_mixes_of_date_and_name_characters() {
    let palette: Vec<char> = "0123456789年月日号初底末上下半季度第一二三四QH至到-/.，。、（）()【】:：% 亿元美国总统女士先生证券研究所银行集团USTR拜登孟晚舟去今明前近期\n\u{3000}é😀"
        .chars()
        .collect();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..300 {
        let mut text = String::new();
        for _ in 0..40 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push(palette[(state % palette.len() as u64) as usize]);
        }
        let mut report = Report::default();
        report.blocks.push(yanbao_model::Block { text: text.clone(), ..Default::default() });
        report.tables.push(yanbao_model::Table { rows: vec![vec![text.clone(), text.clone()]], ..Default::default() });
        enrich(&mut report);
        for anchor_year in [None, Some(2021)] {
            let anchor = yanbao_knowledge::DateAnchor { year: anchor_year, month: Some(12) };
            for mention in yanbao_knowledge::parse_dates(&text, &anchor) {
                assert_eq!(&text[mention.start..mention.end], mention.text);
            }
        }
    }
}
