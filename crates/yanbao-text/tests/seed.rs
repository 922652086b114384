//! The seed report against its gold facts (the `core` group of `shared/tools/check_seed.py`:
//! everything but events, entities and searches), read as UTF-8, GBK and UTF-16.

use serde_json::Value;
use yanbao_model::normalize::fold;
use yanbao_model::{BlockKind, Report};

const SEED: &[u8] = include_bytes!("fixtures/000_aa7b0d65672ddc97.txt");
const GOLD: &str = include_str!("fixtures/000_aa7b0d65672ddc97.expect.json");

fn gold_str(value: &Value) -> String {
    value.as_str().unwrap_or("").to_string()
}

fn gold_strings(value: &Value) -> Vec<String> {
    value.as_array().map(|a| a.iter().map(gold_str).collect()).unwrap_or_default()
}

/// Returns the names of the failed facts, checked exactly as check_seed.py's `core` group does.
fn failed_facts(report: &Report) -> Vec<String> {
    let gold: Value = serde_json::from_str(GOLD).expect("gold is json");
    let mut failed = Vec::new();
    let mut check = |name: &str, ok: bool| {
        if !ok {
            failed.push(name.to_string());
        }
    };
    let paragraphs: Vec<String> = report
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::Paragraph | BlockKind::List))
        .map(|b| fold(&b.text))
        .collect();
    check("title", fold(&report.title) == fold(&gold_str(&gold["title"])));
    check("publisher", fold(report.publisher.as_deref().unwrap_or("")) == fold(&gold_str(&gold["publisher"])));
    let authors: Vec<String> = report.authors.iter().map(|a| fold(a)).collect();
    let gold_authors: Vec<String> = gold_strings(&gold["authors"]).iter().map(|a| fold(a)).collect();
    check("authors", authors == gold_authors);
    let year = gold["year"].as_i64().unwrap_or(0) as i32;
    check("year", report.year == Some(year) || report.date.as_deref().is_some_and(|d| d.starts_with(&year.to_string())));
    check("language", report.language == gold_str(&gold["language"]));
    check(
        "institution",
        // The broker by its one canonical name (光大证券研究所 as mentioned → 光大证券).
        fold(report.institution.as_deref().unwrap_or(""))
            == fold(yanbao_vocab::canonical_broker(&gold_str(&gold["institution_mentioned"])).unwrap_or_default()),
    );
    let mut levels = Vec::new();
    for want in gold_strings(&gold["outline"]) {
        let hit = report.outline.iter().find(|o| fold(&o.title) == fold(&want));
        check(&format!("outline: {want}"), hit.is_some());
        if let Some(entry) = hit {
            levels.push(entry.level);
        }
    }
    levels.dedup();
    check("outline: sections are siblings", levels.len() == 1);
    for gold_table in gold["tables"].as_array().into_iter().flatten() {
        let table = report.tables.iter().find(|t| fold(&t.label) == fold(&gold_str(&gold_table["label"])));
        check("table label", table.is_some());
        let Some(table) = table else { continue };
        check("table caption", fold(&table.caption) == fold(&gold_str(&gold_table["caption"])));
        let header: Vec<String> = table.header.iter().map(|h| fold(h)).collect();
        let gold_header: Vec<String> = gold_strings(&gold_table["header"]).iter().map(|h| fold(h)).collect();
        check("table header", header == gold_header);
        check("table row count", table.rows.len() as u64 == gold_table["row_count"].as_u64().unwrap_or(0));
        let first: Vec<String> = table.rows.first().map(|r| r.iter().map(|c| fold(c)).collect()).unwrap_or_default();
        let gold_first: Vec<String> = gold_strings(&gold_table["first_row"]).iter().map(|c| fold(c)).collect();
        check("table first row", first == gold_first);
        let last_starts = gold_strings(&gold_table["last_row_starts"]);
        let last_ok = table.rows.last().is_some_and(|row| {
            row.len() == 2 && fold(&row[0]) == fold(&last_starts[0]) && fold(&row[1]).starts_with(&fold(&last_starts[1]))
        });
        check("table last row", last_ok);
        check("table source", fold(table.source.as_deref().unwrap_or("")) == fold(&gold_str(&gold_table["source"])));
    }
    for gold_figure in gold["figures"].as_array().into_iter().flatten() {
        let label = gold_str(&gold_figure["label"]);
        let figure = report.figures.iter().find(|f| fold(&f.label) == fold(&label));
        check(&format!("figure {label}"), figure.is_some());
        let Some(figure) = figure else { continue };
        check(&format!("figure caption {label}"), fold(&figure.caption) == fold(&gold_str(&gold_figure["caption"])));
        check(&format!("figure source {label}"), fold(figure.source.as_deref().unwrap_or("")) == fold(&gold_str(&gold_figure["source"])));
        check(&format!("figure notes {label}"), fold(figure.notes.as_deref().unwrap_or("")) == fold(&gold_str(&gold_figure["notes"])));
    }
    check("no paragraph holds a source/notes line", !paragraphs.iter().any(|p| p.contains("资料来源") || p.contains("备注:")));
    for join in gold_strings(&gold["paragraph_joins"]) {
        check(&format!("join: {join}"), paragraphs.iter().any(|p| p.contains(&fold(&join))));
    }
    check("preview truncated", report.preview.truncated);
    check(
        "preview notice",
        fold(report.preview.notice.as_deref().unwrap_or("")).contains(&fold(&gold_str(&gold["preview"]["notice_contains"]))),
    );
    check(
        "preview url",
        report.preview.full_report_url.as_deref() == Some(gold_str(&gold["preview"]["full_report_url"]).as_str()),
    );
    check("no paragraph holds the notice or link", !paragraphs.iter().any(|p| p.contains("预览已结束") || p.contains("yunbaogao")));
    failed
}

#[test]
fn seed_yields_every_core_gold_fact() {
    let report = yanbao_text::parse_text(SEED, "000_aa7b0d65672ddc97.txt").expect("seed parses");
    assert_eq!(failed_facts(&report), Vec::<String>::new());
    assert_eq!(report.source.encoding.as_deref(), Some("UTF-8"));
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);
    assert!(report.events.is_empty() && report.entities.is_empty(), "left to yanbao-knowledge");
}

#[test]
fn seed_blocks_are_searchable_and_sectioned() {
    let report = yanbao_text::parse_text(SEED, "seed.txt").expect("seed parses");
    let table = &report.tables[0];
    let table_block = &report.blocks[table.block];
    assert_eq!(table_block.kind, BlockKind::Table);
    assert!(fold(&table_block.text).contains(&fold("表 1")) && table_block.text.contains("孟晚舟"));
    let figure_block = &report.blocks[report.figures[0].block];
    assert_eq!(figure_block.kind, BlockKind::Figure);
    assert!(figure_block.text.contains("拜登支持率"));
    assert_eq!(report.section_title(table.block).map(fold), Some(fold("一、中美元首视频会晤，可能会谈些什么？")));
    // The byline is metadata, not body text.
    assert!(!report.blocks.iter().any(|b| b.text.contains("【财新网】")));
}

#[test]
fn gbk_copy_of_the_seed_gives_the_same_facts_and_says_so() {
    let text = std::str::from_utf8(SEED).expect("seed is utf-8");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable, "the seed is representable in GBK");
    let report = yanbao_text::parse_text(&gbk, "seed-gbk.txt").expect("gbk seed parses");
    assert_eq!(failed_facts(&report), Vec::<String>::new());
    let encoding = report.source.encoding.clone().unwrap_or_default();
    assert!(encoding.eq_ignore_ascii_case("GBK") || encoding.eq_ignore_ascii_case("gb18030"), "{encoding}");
    assert!(report.warnings.iter().any(|w| w.contains(&encoding)), "{:?}", report.warnings);
}

#[test]
fn utf16_copy_of_the_seed_gives_the_same_facts() {
    let text = std::str::from_utf8(SEED).expect("seed is utf-8");
    let mut le = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        le.extend_from_slice(&unit.to_le_bytes());
    }
    let report = yanbao_text::parse_text(&le, "seed-utf16.txt").expect("utf-16 seed parses");
    assert_eq!(failed_facts(&report), Vec::<String>::new());
    assert_eq!(report.source.encoding.as_deref(), Some("UTF-16LE"));
    let mut bom_utf8 = vec![0xEF, 0xBB, 0xBF];
    bom_utf8.extend_from_slice(SEED);
    let report = yanbao_text::parse_text(&bom_utf8, "seed-bom.txt").expect("utf-8 bom seed parses");
    assert_eq!(failed_facts(&report), Vec::<String>::new());
}
