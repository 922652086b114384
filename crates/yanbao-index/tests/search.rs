//! Search behaviour on real report text.
//!
//! The reports are built by hand from sentences of the seed report (`../shared/seed/000_…txt`,
//! a 光大证券 macro note on the 2021 中美元首 video meeting) and of an Apache-2.0 Miner-PDF-Benchmark
//! ground truth (`text/mpb/research_report_507ad7ef….md`, 中泰证券 on 兖矿能源: the 在建工程 row),
//! because the text parser is written in parallel and these tests must not depend on it.

use yanbao_index::{IndexError, Scope, SearchIndex, SearchRequest};
use yanbao_model::{Block, BlockKind, Event, EventOrigin, Figure, Report, Table};

fn paragraph(text: &str, page: u32) -> Block {
    Block { kind: BlockKind::Paragraph, text: text.to_string(), page: Some(page), ..Block::default() }
}

/// The seed report, abridged.
fn seed_report() -> Report {
    Report {
        id: "aa7b0d65672ddc97".into(),
        title: "中美元首视频会晤, 可能谈些什么".into(),
        publisher: Some("财新网".into()),
        institution: Some("光大证券研究所".into()),
        authors: vec!["高瑞东".into()],
        date: Some("2021-11-15".into()),
        year: Some(2021),
        language: "zh".into(),
        blocks: vec![
            paragraph("拜登上任以来支持率快速下滑，民主党也丢掉了弗吉尼亚州州长选举，2022 年中期选举在即，拜登势必要在中美谈判中拿出更大诚意，以得到合意筹码，回馈竞选基本盘，稳固摇摆州。", 1),
            Block { kind: BlockKind::Heading, text: "一、中美元首视频会晤，可能会谈些什么？".into(), page: Some(1), ..Block::default() },
            paragraph("9 月 10 日，中国国家主席习近平应约同美国总统拜登通电话，双方达成初步共识。此后中美关系便开始进入缓和阶段，9 月 25 日孟晚舟女士成功归国，10 月 5 日 USTR（美国贸易代表办公室）公布关税排除清单，11 月 10 日中美达成气候联合宣言。", 1),
            paragraph("美方手中的筹码, 和中方的核心关切, 均是取消对华关税。10 月初 USTR 已经就 549 项商品的关税排除清单, 向公众征询意见, 意见征询期至 12 月 1 日结束。在双方元首视频会晤后, 预计年底前后, 关税排除程序有望正式落地生效。", 2),
            Block { kind: BlockKind::Table, text: "表 1: 9 月以来, 中美关系不断释放缓和信号".into(), page: Some(2), ..Block::default() },
            Block { kind: BlockKind::Figure, text: "图1：截至11月12日，拜登支持率已经从上任时的53.9%下滑至42.8%".into(), page: Some(3), ..Block::default() },
            Block { text: "本报告仅供光大证券的客户使用，免责声明。".into(), boilerplate: true, ..Block::default() },
        ],
        tables: vec![Table {
            label: "表 1".into(),
            caption: "9 月以来, 中美关系不断释放缓和信号".into(),
            header: vec!["时间".into(), "事件".into()],
            rows: vec![
                vec!["10 月 5 日".into(), "美国贸易办公室 (USTR) 公布了 549 项产品清单, 就是否恢复排除程序征求意见。".into()],
                vec!["11 月 13 日".into(), "外交部发言人华春莹宣布, 中美元首将在 11 月 16 日上午举行视频会晤。".into()],
            ],
            source: Some("中国新闻网, 新华社, 中国商务部, USTR, 美国财政部, 光大证券研究所".into()),
            page: Some(2),
            block: 4,
            ..Table::default()
        }],
        figures: vec![Figure {
            label: "图 1".into(),
            caption: "截至11月12日，拜登支持率已经从上任时的53.9%下滑至42.8%".into(),
            source: Some("fivethirtyeight".into()),
            notes: Some("该数据更新截至2021年11月12日".into()),
            page: Some(3),
            block: 5,
            ..Figure::default()
        }],
        events: vec![
            Event {
                date: "2021-10-05".into(),
                date_text: "10 月 5 日".into(),
                text: "美国贸易办公室 (USTR) 公布了 549 项产品清单, 就是否恢复排除程序征求意见。".into(),
                actors: vec!["USTR".into()],
                origin: EventOrigin::Table,
                block: 4,
                ..Event::default()
            },
            Event {
                date: "2021-11-13".into(),
                date_text: "11 月 13 日".into(),
                text: "外交部发言人华春莹宣布, 中美元首将在 11 月 16 日上午举行视频会晤。".into(),
                actors: vec!["华春莹".into()],
                origin: EventOrigin::Table,
                block: 4,
                ..Event::default()
            },
        ],
        ..Report::default()
    }
}

/// A company note with the balance-sheet row 在建工程, and a paragraph using 元首 as a whole word.
fn coal_report() -> Report {
    Report {
        id: "507ad7eff0212924".into(),
        title: "兖矿能源（600188.SH）点评报告".into(),
        institution: Some("中泰证券研究所".into()),
        authors: vec!["杜冲".into()],
        date: Some("2022-10-29".into()),
        year: Some(2022),
        language: "zh".into(),
        blocks: vec![
            paragraph("资产负债表：固定资产 75,835 百万元，在建工程 14,457 百万元，无形资产 62,167 百万元。", 4),
            paragraph("两国元首通话后，市场对煤炭出口政策的预期有所改善。", 4),
        ],
        ..Report::default()
    }
}

/// An English report.
fn english_report() -> Report {
    Report {
        id: "e0e0e0e0e0e0e0e0".into(),
        title: "US tariff exclusions: what to expect".into(),
        institution: Some("Example Research".into()),
        authors: vec!["Jane Doe".into()],
        date: Some("2021-10-20".into()),
        year: Some(2021),
        language: "en".into(),
        blocks: vec![paragraph("The USTR reopened the exclusion process for 549 products; trade war tensions eased.", 1)],
        ..Report::default()
    }
}

fn index_with_reports() -> SearchIndex {
    let index = SearchIndex::open_in_ram().unwrap();
    for report in [seed_report(), coal_report(), english_report()] {
        index.add_report(&report, &[]).unwrap();
    }
    index.commit().unwrap();
    index
}

fn ask(query: &str) -> SearchRequest {
    SearchRequest { query: query.to_string(), limit: 50, ..SearchRequest::default() }
}

fn in_scope(query: &str, scope: Scope) -> SearchRequest {
    SearchRequest { scope, ..ask(query) }
}

#[test]
fn gongcheng_finds_zaijian_gongcheng() {
    let index = index_with_reports();
    let response = index.search(&in_scope("工程", Scope::Paragraphs)).unwrap();
    assert_eq!(response.total, 1, "{response:#?}");
    assert!(response.hits[0].snippet.contains("在建<mark>工程</mark>"), "{}", response.hits[0].snippet);
}

#[test]
fn yuanshou_finds_zhongmei_yuanshou_and_whole_word_ranks_first() {
    let index = index_with_reports();
    let response = index.search(&ungrouped("元首", Scope::Paragraphs)).unwrap();
    let texts: Vec<&str> = response.hits.iter().map(|h| h.snippet.as_str()).collect();
    // Whole word 元首 (两国元首 / 双方元首) first, the compound 中美元首 (cut 中/美元/首) after.
    assert!(texts.iter().any(|s| s.contains("中美<mark>元首</mark>视频会晤")), "{texts:#?}");
    let first_compound = texts.iter().position(|s| s.contains("中美<mark>元首</mark>视频会晤")).unwrap();
    let first_whole = texts.iter().position(|s| s.contains("两国<mark>元首</mark>") || s.contains("双方<mark>元首</mark>")).unwrap();
    assert!(first_whole < first_compound, "{texts:#?}");
    assert_eq!(response.hits[first_compound].kind, "paragraph");
}

#[test]
fn guanshui_finds_the_exclusion_list() {
    let index = index_with_reports();
    let response = index.search(&ask("关税")).unwrap();
    assert!(response.total >= 3);
    assert!(response.hits.iter().any(|h| h.snippet.contains("<mark>关税</mark>排除清单")), "{response:#?}");
    let compound = index.search(&ask("关税排除清单")).unwrap();
    assert!(compound.total >= 2, "{compound:#?}");
}

#[test]
fn mixed_query_number_and_phrase() {
    let index = index_with_reports();
    let mixed = index.search(&in_scope("USTR 关税", Scope::Paragraphs)).unwrap();
    assert!(mixed.total >= 2, "{mixed:#?}");
    for hit in &mixed.hits {
        assert!(hit.snippet.contains("<mark>USTR</mark>"), "{}", hit.snippet);
    }
    // Every kind of document holding 549, ungrouped (grouped, a report shows its best one).
    let number = index.search(&SearchRequest { group_by_report: Some(false), ..ask("549") }).unwrap();
    let kinds: Vec<&str> = number.hits.iter().map(|h| h.kind.as_str()).collect();
    for kind in ["paragraph", "table", "event", "report"] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    assert!(number.hits.iter().any(|h| h.snippet.contains("<mark>549</mark>")));
    let phrase = index.search(&in_scope("\"关税排除\"", Scope::Paragraphs)).unwrap();
    assert_eq!(phrase.total, 2, "{phrase:#?}");
    // 关税 … 排除 apart is not the phrase.
    let apart = index.search(&in_scope("\"排除关税\"", Scope::Paragraphs)).unwrap();
    assert_eq!(apart.total, 0);
    let english = index.search(&ask("\"trade war\"")).unwrap();
    assert!(english.total >= 1);
    assert_eq!(english.hits[0].report_id, "e0e0e0e0e0e0e0e0");
}

/// Report documents hold a whole report's text: one-character queries and phrases whose runs
/// are one character long find reports by their body, not only by their passages.
#[test]
fn reports_are_found_by_one_character_and_by_phrases_with_one_character_runs() {
    let index = index_with_reports();
    let ids = |query: &str, scope: Scope| -> Vec<String> {
        let response = index.search(&in_scope(query, scope)).unwrap();
        response.hits.iter().map(|h| h.report_id.clone()).collect()
    };
    // 煤 is only in the body of the coal report (煤炭出口).
    assert_eq!(ids("煤", Scope::Reports), vec!["507ad7eff0212924"]);
    assert_eq!(ids("煤", Scope::All), vec!["507ad7eff0212924"]);
    assert_eq!(ids("\"关税排除\"", Scope::Reports), vec!["aa7b0d65672ddc97"]);
    assert!(ids("\"排除关税\"", Scope::Reports).is_empty());
    // 月 is a run of one character: in place in passages, anywhere in the report's characters.
    assert_eq!(ids("\"12 月 1 日结束\"", Scope::Reports), vec!["aa7b0d65672ddc97"]);
    assert_eq!(ids("\"12 月 1 日结束\"", Scope::All), vec!["aa7b0d65672ddc97"]);
    assert!(ids("\"12 日 1 月结束\"", Scope::Reports).is_empty());
    let passage = index.search(&in_scope("\"12 月 1 日结束\"", Scope::Paragraphs)).unwrap();
    assert_eq!(passage.total, 1, "{passage:#?}");
    assert!(passage.hits[0].snippet.contains("<mark>"), "{}", passage.hits[0].snippet);
}

#[test]
fn title_ranks_reports_and_captions_find_figures() {
    let index = index_with_reports();
    let response = index.search(&in_scope("视频会晤", Scope::Reports)).unwrap();
    assert_eq!(response.hits[0].report_id, "aa7b0d65672ddc97");
    assert_eq!(response.hits[0].kind, "report");
    assert!(response.hits[0].block.is_none());
    let figures = index.search(&in_scope("支持率", Scope::Figures)).unwrap();
    assert_eq!(figures.total, 1);
    let hit = &figures.hits[0];
    assert_eq!(hit.label.as_deref(), Some("图 1"));
    assert_eq!(hit.source.as_deref(), Some("fivethirtyeight"));
    assert_eq!(hit.page, Some(3));
    assert_eq!(hit.block, Some(5));
    let tables = index.search(&in_scope("缓和信号", Scope::Tables)).unwrap();
    assert_eq!(tables.total, 1);
    assert_eq!(tables.hits[0].label.as_deref(), Some("表 1"));
}

#[test]
fn scope_date_and_filters() {
    let index = index_with_reports();
    let events = index.search(&SearchRequest { from: Some("2021-11".into()), ..in_scope("元首", Scope::Events) }).unwrap();
    assert_eq!(events.total, 1, "{events:#?}");
    assert_eq!(events.hits[0].event_date.as_deref(), Some("2021-11-13"));
    let october = index.search(&SearchRequest { from: Some("2021-10-01".into()), to: Some("2021-10-31".into()), ..in_scope("USTR", Scope::Events) }).unwrap();
    assert_eq!(october.total, 1);
    // Report dates: the coal report is from 2022.
    let in_2022 = index.search(&SearchRequest { from: Some("2022".into()), ..ask("元首") }).unwrap();
    assert!(in_2022.total >= 1);
    assert!(in_2022.hits.iter().all(|h| h.report_id == "507ad7eff0212924"), "{in_2022:#?}");
    let by_institution = index.search(&SearchRequest { institution: Some("光大证券 研究所".into()), ..ask("元首") }).unwrap();
    assert!(by_institution.total >= 1);
    assert!(by_institution.hits.iter().all(|h| h.institution.as_deref() == Some("光大证券研究所")));
    let by_author = index.search(&SearchRequest { author: Some("杜冲".into()), ..ask("元首") }).unwrap();
    assert!(by_author.hits.iter().all(|h| h.report_id == "507ad7eff0212924"));
    let english = index.search(&SearchRequest { language: Some("EN".into()), ..ask("549") }).unwrap();
    assert!(english.total >= 1);
    assert!(english.hits.iter().all(|h| h.report_id == "e0e0e0e0e0e0e0e0"));
    let by_year = index.search(&SearchRequest { year: Some(2022), ..ask("元首") }).unwrap();
    assert!(by_year.hits.iter().all(|h| h.report_id == "507ad7eff0212924"));
    let bad = index.search(&SearchRequest { from: Some("yesterday".into()), ..ask("元首") }).unwrap_err();
    assert!(matches!(bad, IndexError::InvalidDate(_)));
}

#[test]
fn facets_count_matching_documents() {
    let index = index_with_reports();
    let response = index.search(&SearchRequest { with_facets: true, ..ask("549") }).unwrap();
    let facets = response.facets.unwrap();
    let total_kinds: u64 = facets.kind.iter().map(|(_, c)| c).sum();
    assert_eq!(total_kinds as usize, response.total);
    assert!(facets.institution.iter().any(|(name, _)| name == "光大证券研究所"));
    assert!(facets.language.iter().any(|(name, _)| name == "en"));
    assert!(facets.year.iter().any(|(name, _)| name == "2021"));
    assert!(facets.author.iter().any(|(name, _)| name == "高瑞东"));
}

#[test]
fn snippets_are_escaped_and_marked() {
    let index = index_with_reports();
    let response = index.search(&in_scope("孟晚舟", Scope::Paragraphs)).unwrap();
    assert_eq!(response.total, 1);
    let snippet = &response.hits[0].snippet;
    assert!(snippet.contains("<mark>孟晚舟</mark>"), "{snippet}");
    assert!(snippet.chars().count() <= 160, "{snippet}");
    assert_eq!(response.hits[0].title, "中美元首视频会晤, 可能谈些什么");
    // The report-level snippet comes from the body, not the boilerplate.
    let report = index.search(&in_scope("光大证券", Scope::Reports)).unwrap();
    assert!(report.total >= 1);
}

#[test]
fn and_falls_back_to_or() {
    let index = index_with_reports();
    let response = index.search(&ask("孟晚舟 zzzzunknown")).unwrap();
    assert!(response.total >= 1);
}

#[test]
fn hostile_queries_never_panic() {
    let index = index_with_reports();
    let long = "关税".repeat(5_000);
    let queries = ["\"", "(((", "AND OR", "🎉🎉", "\u{0}", "", "   ", "title:关税", "关税 AND NOT", "*", "\"\"", "关税\"", "-关税", "~2", "\\", "\"哈哈哈\"", "\"中\"", "\"a\"", "\"关税 关税 关税\"", "\"53.9%\"", "铜", long.as_str()];
    for query in queries {
        match index.search(&ask(query)) {
            Ok(response) => assert!(response.total <= 100),
            Err(error) => assert!(error.to_string().contains("query too long"), "{query:?}: {error}"),
        }
    }
    assert!(index.search(&ask("(((")).unwrap().hits.is_empty());
    assert!(index.search(&ask(&long)).is_err());
    let deep = index.search(&SearchRequest { offset: usize::MAX, limit: usize::MAX, ..ask("关税") }).unwrap();
    assert!(deep.hits.is_empty());
}

#[test]
fn scope_names_parse() {
    assert_eq!("figures".parse::<Scope>().unwrap(), Scope::Figures);
    assert_eq!("ALL".parse::<Scope>().unwrap(), Scope::All);
    assert!("charts".parse::<Scope>().is_err());
    assert_eq!(serde_json::to_string(&Scope::Events).unwrap(), "\"events\"");
}

#[test]
fn remove_replace_and_list_reports() {
    let index = index_with_reports();
    let ids = index.report_ids().unwrap();
    assert_eq!(ids.len(), 3);
    assert!(ids.contains("aa7b0d65672ddc97"));
    // Re-adding replaces, it does not duplicate.
    index.add_report(&seed_report(), &[]).unwrap();
    index.commit().unwrap();
    assert_eq!(index.search(&in_scope("孟晚舟", Scope::Paragraphs)).unwrap().total, 1);
    index.remove_report("aa7b0d65672ddc97").unwrap();
    index.commit().unwrap();
    assert!(!index.report_ids().unwrap().contains("aa7b0d65672ddc97"));
    assert_eq!(index.search(&ask("孟晚舟")).unwrap().total, 0);
    index.clear().unwrap();
    index.commit().unwrap();
    assert!(index.report_ids().unwrap().is_empty());
    let nameless = Report::default();
    assert!(matches!(index.add_report(&nameless, &[]), Err(IndexError::MissingId)));
}

#[test]
fn reopen_from_disk_keeps_documents_and_rejects_other_versions() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.add_report(&seed_report(), &[]).unwrap();
        index.commit().unwrap();
    }
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.report_ids().unwrap().len(), 1);
        assert_eq!(index.search(&ask("元首")).unwrap().hits[0].report_id, "aa7b0d65672ddc97");
        // Writing again after reopening works (the lock was released).
        index.add_report(&coal_report(), &[]).unwrap();
        index.commit().unwrap();
        assert_eq!(index.report_ids().unwrap().len(), 2);
    }
    std::fs::write(dir.path().join("yanbao-index-version"), "0\n").unwrap();
    let error = SearchIndex::open(dir.path()).unwrap_err();
    assert!(error.to_string().contains("reindex"), "{error}");
    // The caller that owns the store can start over with an empty index instead.
    let (index, recreated) = SearchIndex::open_or_recreate(dir.path()).unwrap();
    assert!(recreated);
    assert!(index.report_ids().unwrap().is_empty());
    index.add_report(&seed_report(), &[]).unwrap();
    index.commit().unwrap();
    drop(index);
    let (index, recreated) = SearchIndex::open_or_recreate(dir.path()).unwrap();
    assert!(!recreated);
    assert_eq!(index.report_ids().unwrap().len(), 1);
}

#[test]
fn index_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<SearchIndex>();
}

#[test]
fn blank_query_with_filters_browses_newest_first() {
    let index = index_with_reports();
    let events = index.search(&SearchRequest { scope: Scope::Events, with_facets: true, ..ask("") }).unwrap();
    assert_eq!(events.total, 2);
    assert_eq!(events.hits[0].event_date.as_deref(), Some("2021-11-13"));
    assert_eq!(events.hits[1].event_date.as_deref(), Some("2021-10-05"));
    assert_eq!(events.facets.unwrap().kind, vec![("event".to_string(), 2)]);
    let by_institution = index.search(&SearchRequest { institution: Some("中泰证券研究所".into()), ..ask("  ") }).unwrap();
    assert_eq!(by_institution.total, 3);
    assert!(by_institution.hits.iter().all(|h| h.report_id == "507ad7eff0212924"));
    // No filters: nothing (the whole library is not a search result); junk: nothing.
    assert_eq!(index.search(&ask("")).unwrap().total, 0);
    assert_eq!(index.search(&SearchRequest { scope: Scope::Events, ..ask("(((") }).unwrap().total, 0);
}

/// The whole seed file, one block per blank-line-separated paragraph (no parser involved).
#[test]
fn whole_seed_file_answers_the_seed_queries() {
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared");
    let path = std::path::Path::new(shared).join("seed/000_aa7b0d65672ddc97.txt");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipped: {} is absent (the shared corpus is not mounted)", path.display());
        return;
    };
    let blocks: Vec<Block> = text
        .split("\n\n")
        .map(|p| yanbao_model::normalize::clean(p.trim_start_matches('#')))
        .filter(|p| !p.is_empty())
        .map(|p| paragraph(&p, 1))
        .collect();
    let report = Report { id: "aa7b0d65672ddc97".into(), title: "中美元首视频会晤, 可能谈些什么".into(), date: Some("2021-11-15".into()), blocks, ..Report::default() };
    let index = SearchIndex::open_in_ram().unwrap();
    index.add_report(&report, &[]).unwrap();
    index.commit().unwrap();
    for (query, must_mark) in [("元首", "<mark>元首</mark>"), ("关税排除清单", "<mark>关税排除清单</mark>"), ("549", "<mark>549</mark>"), ("USTR 关税", "<mark>USTR</mark>"), ("\"气候联合宣言\"", "<mark>气候联合宣言</mark>"), ("孟晚舟", "<mark>孟晚舟</mark>")] {
        let response = index.search(&in_scope(query, Scope::Paragraphs)).unwrap();
        assert!(response.total >= 1, "{query}");
        assert!(response.hits.iter().any(|h| h.snippet.contains(must_mark)), "{query}: {:#?}", response.hits);
    }
    // The compound 中美元首 (jieba: 中/美元/首) is found for 元首 in the heading and the table.
    let yuanshou = index.search(&ungrouped("元首", Scope::Paragraphs)).unwrap();
    assert!(yuanshou.hits.iter().any(|h| h.snippet.contains("中美<mark>元首</mark>")), "{yuanshou:#?}");
}

#[test]
fn boilerplate_is_never_a_hit_and_totals_count_only_the_body() {
    let index = SearchIndex::open_in_ram().unwrap();
    let mut blocks = vec![
        paragraph("维持“买入”评级：我们预计公司 2022-2024 年归母净利润分别为 307、356、386 亿元，对应当前股价的估值仍有吸引力，维持公司评级。", 1),
        Block { kind: BlockKind::Paragraph, text: "评级说明：买入，评级。".into(), boilerplate: true, ..Block::default() },
    ];
    // Many disclaimers mentioning 评级: a page of 2 must still hold the one body hit, and the
    // total must count it alone.
    for n in 0..30 {
        blocks.push(Block { kind: BlockKind::Paragraph, text: format!("免责声明第{n}条：本报告中的评级仅供参考。"), boilerplate: true, ..Block::default() });
    }
    let report = Report { id: "b0b0b0b0b0b0b0b0".into(), title: "公司点评".into(), blocks, ..Report::default() };
    index.add_report(&report, &[0]).unwrap();
    index.commit().unwrap();
    for limit in [1, 2, 50] {
        let response = index.search(&SearchRequest { limit, ..in_scope("评级", Scope::Paragraphs) }).unwrap();
        assert_eq!(response.total, 1, "{response:#?}");
        assert_eq!(response.hits.len(), 1);
        assert_eq!(response.hits[0].block, Some(0));
    }
    // Not in any scope, nor through the report document: 免责声明 is only in boilerplate.
    for scope in [Scope::All, Scope::Reports, Scope::Paragraphs] {
        assert_eq!(index.search(&in_scope("免责声明", scope)).unwrap().total, 0, "{scope}");
    }
    // The report itself is found by its body, its snippet from the body.
    let whole = index.search(&in_scope("评级", Scope::Reports)).unwrap();
    assert_eq!(whole.total, 1);
    assert!(!whole.hits[0].snippet.contains("免责"), "{}", whole.hits[0].snippet);
    // The total of a blank-query browse agrees with the hits it pages through.
    let browse = index.search(&SearchRequest { limit: 100, ..in_scope("", Scope::Paragraphs) }).unwrap();
    assert_eq!(browse.total, browse.hits.len());
    assert_eq!(browse.total, 1);
}

#[test]
fn hits_say_whether_their_block_is_in_the_preview() {
    let index = SearchIndex::open_in_ram().unwrap();
    let mut report = seed_report();
    // The preview shows the first three blocks (0, 1, 2); 3 (a paragraph), 4 (the table),
    // 5 (the figure) lie beyond the cut.
    index.add_report(&report, &[0, 1, 2]).unwrap();
    index.commit().unwrap();
    let block_of = |query: &str, scope: Scope| -> Vec<(Option<usize>, bool)> {
        index.search(&in_scope(query, scope)).unwrap().hits.iter().map(|h| (h.block, h.previewed)).collect()
    };
    assert_eq!(block_of("孟晚舟", Scope::Paragraphs), vec![(Some(2), true)]);
    assert_eq!(block_of("征询期", Scope::Paragraphs), vec![(Some(3), false)]);
    assert_eq!(block_of("fivethirtyeight", Scope::Figures), vec![(Some(5), false)]);
    assert!(block_of("华春莹", Scope::Tables).iter().all(|&(block, previewed)| block == Some(4) && !previewed));
    // Whole-report hits have no block and are never "previewed".
    assert!(block_of("孟晚舟", Scope::Reports).iter().all(|&(block, previewed)| block.is_none() && !previewed));
    // The same extent answers for any block cited elsewhere (timeline, entities).
    let extents = index.preview_extents(&["aa7b0d65672ddc97", "ffffffffffffffff"]).unwrap();
    let extent = &extents["aa7b0d65672ddc97"];
    assert!(extent.shows(0) && extent.shows(2) && !extent.shows(3) && !extent.shows(6));
    assert!(!extents.contains_key("ffffffffffffffff"));
    // A boilerplate block before the cut is hidden, not shown.
    report.blocks.insert(1, Block { text: "本报告仅供客户使用。".into(), boilerplate: true, ..Block::default() });
    index.add_report(&report, &[0, 2, 3]).unwrap();
    index.commit().unwrap();
    let extent = index.preview_extents(&["aa7b0d65672ddc97"]).unwrap().remove("aa7b0d65672ddc97").unwrap();
    assert_eq!((extent.end, extent.hidden.clone()), (4, vec![1]));
    assert!(extent.shows(0) && !extent.shows(1) && extent.shows(3) && !extent.shows(4));
    assert_eq!(block_of("孟晚舟", Scope::Paragraphs), vec![(Some(3), true)]);
}

#[test]
fn commit_metadata_survives_reopening_and_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.meta("preview_policy"), None);
        index.set_meta("preview_policy", "chars:1500").unwrap();
        index.add_report(&seed_report(), &[0]).unwrap();
        index.commit_at(7).unwrap();
        assert_eq!(index.generation(), Some(7));
        // A plain commit records no generation but keeps the rest.
        index.add_report(&coal_report(), &[]).unwrap();
        index.commit().unwrap();
        assert_eq!(index.generation(), None);
        index.commit_at(9).unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.meta("preview_policy").as_deref(), Some("chars:1500"));
    assert_eq!(index.generation(), Some(9));
    assert!(!index.is_empty());
}

/// Fuzz-ish: thousands of random queries and texts from a hostile alphabet never panic.
#[test]
fn random_queries_and_texts_never_panic() {
    let alphabet: Vec<char> = "关税排除清单元首中美 \"“”()（）*:-~\\.。，,5４9aZé🎉\u{0}\u{200b}\n\t𠀀ｱ한".chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let index = index_with_reports();
    let mut junk_report = Report { id: "f0f0f0f0f0f0f0f0".into(), ..Report::default() };
    for _ in 0..50 {
        let len = next(200);
        let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        junk_report.blocks.push(paragraph(&text, 1));
    }
    junk_report.title = junk_report.blocks[0].text.clone();
    index.add_report(&junk_report, &[]).unwrap();
    index.commit().unwrap();
    for _ in 0..300 {
        let len = next(40);
        let query: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
        let scope = [Scope::All, Scope::Paragraphs, Scope::Events][next(3)];
        let _ = index.search(&SearchRequest { query, scope, with_facets: next(2) == 0, ..SearchRequest::default() });
    }
}

/// Sentences of the Kroger release (samples/en_us_kroger-press-release-2023.pdf), as parsed.
fn kroger_report() -> Report {
    Report {
        id: "4b4b4b4b4b4b4b4b".into(),
        title: "Kroger Reports Second Quarter 2023 Results and Reaffirms Guidance".into(),
        institution: Some("The Kroger Co.".into()),
        date: Some("2023-09-08".into()),
        language: "en".into(),
        blocks: vec![
            Block { kind: BlockKind::Heading, text: "Kroger Reports Second Quarter 2023 Results and Reaffirms Guidance".into(), page: Some(1), ..Block::default() },
            paragraph("Grew digital sales 12%", 1),
            paragraph("CINCINNATI, September 8, 2023 – The Kroger Co. (NYSE: KR) today reported its second quarter 2023 results, reaffirmed 2023 guidance and updated investors on how Leading with Fresh and Accelerating with Digital continues to position Kroger for long-term sustainable growth.", 1),
            paragraph("Total company sales were $33.9 billion in the second quarter, compared to $34.6 billion for the same period last year. Excluding fuel, sales increased 1.1% compared to the same period last year.", 2),
            Block { kind: BlockKind::Heading, text: "Reaffirmed".into(), page: Some(3), ..Block::default() },
        ],
        ..Report::default()
    }
}

fn ungrouped(query: &str, scope: Scope) -> SearchRequest {
    SearchRequest { group_by_report: Some(false), ..in_scope(query, scope) }
}

#[test]
fn english_words_find_their_other_forms_exact_form_first() {
    let index = SearchIndex::open_in_ram().unwrap();
    index.add_report(&kroger_report(), &[]).unwrap();
    index.commit().unwrap();
    let sales = index.search(&ungrouped("sales", Scope::Paragraphs)).unwrap();
    assert_eq!(sales.total, 2, "{sales:#?}");
    // `sale` is not in the text; its other form is.
    let sale = index.search(&ungrouped("sale", Scope::Paragraphs)).unwrap();
    assert_eq!(sale.total, 2, "{sale:#?}");
    assert!(sale.hits.iter().all(|h| h.snippet.contains("<mark>sales</mark>")), "{sale:#?}");
    // reaffirm → Reaffirms (heading), reaffirmed (paragraph), Reaffirmed (heading).
    let reaffirm = index.search(&ungrouped("reaffirm", Scope::Paragraphs)).unwrap();
    assert_eq!(reaffirm.total, 3, "{reaffirm:#?}");
    // The exact form ranks above the other forms.
    let reaffirms = index.search(&ungrouped("reaffirms", Scope::Paragraphs)).unwrap();
    assert_eq!(reaffirms.total, 3);
    assert!(reaffirms.hits[0].snippet.contains("<mark>Reaffirms</mark>"), "{reaffirms:#?}");
    let reaffirmed = index.search(&ungrouped("reaffirmed", Scope::Paragraphs)).unwrap();
    assert!(reaffirmed.hits[..2].iter().all(|h| h.snippet.to_lowercase().contains("<mark>reaffirmed</mark>")), "{reaffirmed:#?}");
    assert!(reaffirmed.hits[2].snippet.contains("<mark>Reaffirms</mark>"), "{reaffirmed:#?}");
    // The title matches by stem too (scope reports).
    assert_eq!(index.search(&in_scope("reaffirming guidance", Scope::Reports)).unwrap().total, 1);
    // A phrase is matched as typed.
    assert_eq!(index.search(&ungrouped("\"digital sale\"", Scope::Paragraphs)).unwrap().total, 0);
    assert_eq!(index.search(&ungrouped("\"digital sales\"", Scope::Paragraphs)).unwrap().total, 1);
}

#[test]
fn headings_are_labelled_as_headings() {
    let index = SearchIndex::open_in_ram().unwrap();
    index.add_report(&kroger_report(), &[]).unwrap();
    index.add_report(&seed_report(), &[]).unwrap();
    index.commit().unwrap();
    let reaffirm = index.search(&ungrouped("reaffirmed", Scope::Paragraphs)).unwrap();
    let kinds: Vec<(Option<&str>, &str)> = reaffirm.hits.iter().map(|h| (h.block_kind.as_deref(), h.kind.as_str())).collect();
    assert!(kinds.contains(&(Some("heading"), "paragraph")) && kinds.contains(&(Some("paragraph"), "paragraph")), "{kinds:?}");
    let heading = index.search(&ungrouped("可能会谈些什么", Scope::Paragraphs)).unwrap();
    assert_eq!(heading.hits[0].block_kind.as_deref(), Some("heading"), "{heading:#?}");
    // Figures and whole reports have no block kind.
    let figure = index.search(&in_scope("拜登支持率", Scope::Figures)).unwrap();
    assert_eq!(figure.hits[0].block_kind, None);
}

#[test]
fn hits_are_grouped_by_report_with_right_totals() {
    let index = index_with_reports();
    let flat = index.search(&ungrouped("关税", Scope::Paragraphs)).unwrap();
    let grouped = index.search(&in_scope("关税", Scope::Paragraphs)).unwrap();
    assert!(!flat.grouped && grouped.grouped);
    let reports: std::collections::BTreeSet<&str> = flat.hits.iter().map(|h| h.report_id.as_str()).collect();
    // The seed holds several 关税 passages: the flat list repeats it, the grouped one does not.
    assert!(flat.hits.len() > reports.len(), "{flat:#?}");
    assert_eq!(grouped.total, flat.total, "the total still counts passages");
    assert_eq!(grouped.total_reports, Some(reports.len()));
    assert_eq!(grouped.hits.len(), reports.len());
    let shown: u64 = grouped.hits.iter().map(|h| h.more_in_report + 1).sum();
    assert_eq!(shown as usize, flat.total, "each report's passages: its best hit and N more");
    // Each report's hit is its best passage, as the flat ranking orders them.
    for hit in &grouped.hits {
        let best = flat.hits.iter().find(|h| h.report_id == hit.report_id).unwrap();
        assert_eq!(hit.block, best.block, "{hit:#?}");
    }
    let seed = grouped.hits.iter().find(|h| h.report_id == "aa7b0d65672ddc97").unwrap();
    assert!(seed.more_in_report >= 1 && !seed.more_hits.is_empty());
    assert!(seed.more_hits.iter().all(|m| m.report_id == seed.report_id && m.snippet.contains("<mark>")));
    assert!(seed.more_hits.windows(2).all(|w| w[0].score >= w[1].score));
    // "N more in this report" links to the search within that report: all its passages, ungrouped.
    let within = index.search(&SearchRequest { report: Some(seed.report_id.clone()), ..in_scope("关税", Scope::Paragraphs) }).unwrap();
    assert!(!within.grouped);
    assert_eq!(within.total as u64, seed.more_in_report + 1);
    assert!(within.hits.iter().all(|h| h.report_id == seed.report_id));
    // Pages count reports (549: in the seed and in the English note).
    let both = index.search(&ask("549")).unwrap();
    assert_eq!(both.total_reports, Some(2), "{both:#?}");
    let second = index.search(&SearchRequest { limit: 1, offset: 1, ..ask("549") }).unwrap();
    assert_eq!(second.hits.len(), 1);
    assert_eq!(second.hits[0].report_id, both.hits[1].report_id);
    assert_eq!((second.total, second.total_reports), (both.total, both.total_reports));
    // Figures and events are not grouped by default; scope all is.
    assert!(!index.search(&in_scope("关税", Scope::Events)).unwrap().grouped);
    let all = index.search(&ask("关税")).unwrap();
    assert!(all.grouped);
    let ids: std::collections::BTreeSet<&str> = all.hits.iter().map(|h| h.report_id.as_str()).collect();
    assert_eq!(ids.len(), all.hits.len(), "one hit per report in scope all");
}

#[test]
fn figure_sources_are_stored_without_their_label() {
    let index = SearchIndex::open_in_ram().unwrap();
    let mut report = seed_report();
    // As a PDF parser used to store it: the printed line, label included.
    report.figures[0].source = Some("资料来源：fivethirtyeight".into());
    index.add_report(&report, &[]).unwrap();
    index.commit().unwrap();
    let figure = index.search(&in_scope("拜登支持率", Scope::Figures)).unwrap();
    assert_eq!(figure.hits[0].source.as_deref(), Some("fivethirtyeight"));
}

#[test]
fn hits_of_a_report_known_only_by_its_year_carry_the_year() {
    // The seed as a preview file gives it: no date, the year 2021 (shown as "2021" everywhere).
    let index = SearchIndex::open_in_ram().unwrap();
    index.add_report(&Report { date: None, ..seed_report() }, &[]).unwrap();
    index.commit().unwrap();
    let response = index.search(&ask("孟晚舟")).unwrap();
    assert!(!response.hits.is_empty());
    for hit in &response.hits {
        assert_eq!((hit.date.as_deref(), hit.year), (None, Some(2021)), "{hit:?}");
        assert_eq!(yanbao_model::report_when(hit.date.as_deref(), hit.year).as_deref(), Some("2021"));
    }
}

/// A report of `n` paragraphs, each naming 关税 `weight` times, and one paragraph with 清单 alone.
fn tariff_report(id: usize, paragraphs: usize, weight: usize) -> Report {
    let mut blocks: Vec<Block> = (0..paragraphs).map(|p| paragraph(&format!("{}第 {p} 段，商务部回应。", "美方宣布加征关税，".repeat(weight)), 1)).collect();
    blocks.push(paragraph("排除清单将于年底公布。", 2));
    Report { id: format!("{id:016x}"), title: format!("关税周报第 {id} 期"), language: "zh".into(), blocks, ..Report::default() }
}

#[test]
fn grouped_search_walks_only_the_page_reports_and_agrees_with_the_flat_ranking() {
    // Reports added over several commits (several segments), one replaced (its old documents
    // deleted, the new ones elsewhere), one removed: what the two-step grouped search must get
    // right about where a report's passages are.
    let index = SearchIndex::open_in_ram().unwrap();
    for id in 0..40 {
        index.add_report(&tariff_report(id, 1 + id % 4, 1 + id % 3), &[]).unwrap();
        if id % 9 == 0 {
            index.commit().unwrap();
        }
    }
    index.add_report(&tariff_report(7, 6, 3), &[]).unwrap();
    index.remove_report(&format!("{:016x}", 8)).unwrap();
    index.commit().unwrap();
    let flat = index.search(&SearchRequest { limit: 1000, ..ungrouped("关税", Scope::Paragraphs) }).unwrap();
    assert_eq!(flat.total, (0..40).filter(|&id| id != 8 && id != 7).map(|id| 1 + id % 4).sum::<usize>() + 6);
    let mut per_report = std::collections::BTreeMap::new();
    for hit in &flat.hits {
        *per_report.entry(hit.report_id.clone()).or_insert(0u64) += 1;
    }
    // Page through the grouped results: every report once, with all its passages counted.
    let mut seen = std::collections::BTreeSet::new();
    for page in 0..10 {
        let grouped = index.search(&SearchRequest { limit: 7, offset: page * 7, ..in_scope("关税", Scope::Paragraphs) }).unwrap();
        assert_eq!((grouped.total, grouped.total_reports, grouped.total_at_least), (flat.total, Some(39), false));
        for hit in &grouped.hits {
            assert!(seen.insert(hit.report_id.clone()), "{} twice", hit.report_id);
            assert_eq!(hit.more_in_report + 1, per_report[&hit.report_id], "{hit:#?}");
            assert_eq!(hit.more_hits.len() as u64, hit.more_in_report.min(3));
            assert!(hit.more_hits.iter().all(|more| more.report_id == hit.report_id && more.block != hit.block));
        }
    }
    assert_eq!(seen.len(), 39);
    assert!(!seen.contains(&format!("{:016x}", 8)));
    // The replaced report shows its new passages only.
    let replaced = index.search(&SearchRequest { report: Some(format!("{:016x}", 7)), ..in_scope("关税", Scope::Paragraphs) }).unwrap();
    assert_eq!(replaced.total, 6);
}

#[test]
fn grouped_search_skips_reports_matching_only_across_passages_outside_scope_all() {
    let index = SearchIndex::open_in_ram().unwrap();
    // Report 1 names 关税 and 清单 in different paragraphs; report 2 in one.
    index.add_report(&tariff_report(1, 2, 1), &[]).unwrap();
    let mut together = tariff_report(2, 1, 1);
    together.blocks.push(paragraph("关税排除清单正式生效。", 3));
    index.add_report(&together, &[]).unwrap();
    index.commit().unwrap();
    let paragraphs = index.search(&in_scope("关税 清单", Scope::Paragraphs)).unwrap();
    let ids: Vec<&str> = paragraphs.hits.iter().map(|h| h.report_id.as_str()).collect();
    assert_eq!(ids, vec![format!("{:016x}", 2).as_str()], "{paragraphs:#?}");
    // In scope all the report itself matches, and is the hit when no passage does.
    let all = index.search(&ask("关税 清单")).unwrap();
    assert_eq!(all.hits.len(), 2, "{all:#?}");
    let whole = all.hits.iter().find(|h| h.report_id == format!("{:016x}", 1)).unwrap();
    assert_eq!((whole.kind.as_str(), whole.more_in_report), ("report", 0));
}

#[test]
fn report_hits_show_their_best_passage_and_store_no_whole_text() {
    let index = SearchIndex::open_in_ram().unwrap();
    index.add_report(&seed_report(), &[]).unwrap();
    index.commit().unwrap();
    let reports = index.search(&in_scope("孟晚舟", Scope::Reports)).unwrap();
    let hit = &reports.hits[0];
    assert_eq!(hit.kind, "report");
    // The snippet is the passage naming 孟晚舟, marked — not the report's opening.
    assert!(hit.snippet.contains("<mark>孟晚舟</mark>"), "{hit:#?}");
    // A title match without a passage naming it shows the first passage.
    let title = index.search(&in_scope("可能谈些什么", Scope::Reports)).unwrap();
    assert!(title.hits[0].snippet.contains("拜登上任以来"), "{title:#?}");
}

#[test]
fn a_company_note_ranks_first_for_its_company_name_and_code() {
    use yanbao_model::Company;
    let index = SearchIndex::open_in_ram().unwrap();
    let note = Report {
        id: "00000000000000a1".into(),
        title: "生猪出栏稳步增长，饲料业务拐点已至".into(),
        company: Some(Company { name: "巨星农牧".into(), code: Some("603477".into()), exchange: Some("SH".into()) }),
        language: "zh".into(),
        blocks: vec![paragraph("公司三季度生猪出栏量同比增长，饲料业务毛利率回升。", 1)],
        ..Report::default()
    };
    let weekly = Report {
        id: "00000000000000b2".into(),
        title: "农林牧渔行业周报".into(),
        language: "zh".into(),
        blocks: vec![paragraph("本周巨星农牧、牧原股份、温氏股份出栏数据公布，巨星农牧（603477）出栏环比增长，巨星农牧饲料销量稳定。", 1)],
        ..Report::default()
    };
    index.add_report(&weekly, &[]).unwrap();
    index.add_report(&note, &[]).unwrap();
    index.commit().unwrap();
    for query in ["巨星农牧", "603477", "603477.SH"] {
        let response = index.search(&ask(query)).unwrap();
        assert_eq!(response.hits.first().map(|h| h.report_id.as_str()), Some("00000000000000a1"), "{query}: {response:#?}");
        // 603477.SH searches the code however a report prints it: the weekly's （603477） too.
        assert_eq!(response.total_reports, Some(2), "{query}: the weekly naming it is found too");
    }
    // The company facet counts the notes covering each company (not reports naming it), and
    // the company filter takes its name or its code in any printed form.
    let mut faceted = ask("出栏");
    faceted.with_facets = true;
    let facets = index.search(&faceted).unwrap().facets.unwrap();
    assert_eq!(facets.company, vec![("巨星农牧".to_string(), 1)]);
    for company in ["巨星农牧", "603477", "603477.SH", "SH603477", " 巨星 农牧 "] {
        let mut filtered = ask("出栏");
        filtered.company = Some(company.to_string());
        let ids: Vec<String> = index.search(&filtered).unwrap().hits.into_iter().map(|h| h.report_id).collect();
        assert_eq!(ids, ["00000000000000a1"], "company={company}");
    }
    let mut elsewhere = ask("出栏");
    elsewhere.company = Some("牧原股份".into());
    assert!(index.search(&elsewhere).unwrap().hits.is_empty());
}
