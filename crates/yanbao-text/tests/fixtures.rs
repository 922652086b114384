//! Pinned facts of real reports kept in `tests/fixtures` (four Apache-2.0 mpb Markdown ground
//! truths, see `tests/fixtures/README.md`), and of small English, HTML and cover-page inputs.

use yanbao_model::normalize::fold;
use yanbao_model::{BlockKind, Report};
use yanbao_text::parse_text;

fn parse_fixture(name: &str) -> Report {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_text(&bytes, name).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn paragraphs(report: &Report) -> Vec<&str> {
    report.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph).map(|b| b.text.as_str()).collect()
}

fn same(a: &str, b: &str) -> bool {
    fold(a) == fold(b)
}

#[test]
fn hydrogen_report_unnumbered_exhibits_analysts_and_escapes() {
    let report = parse_fixture("research_report_0b0f11949f37d8491b9a1994dfd571e8.md");
    assert_eq!(report.date.as_deref(), Some("2023-03-17"));
    assert_eq!(report.institution.as_deref(), Some("中泰证券"));
    let names: Vec<(&str, Option<&str>)> = report.analysts.iter().map(|a| (a.name.as_str(), a.sac.as_deref())).collect();
    assert_eq!(names, [("曾彪", Some("S0740522020001")), ("朱柏睿", Some("S0740522080002"))]);
    // `## 图表：…` is a caption, not a section.
    assert!(report.figures.iter().any(|f| f.label == "图表" && same(&f.caption, "美国氢气生产结构（2020年）")));
    assert!(!report.outline.iter().any(|o| o.title.contains("美国氢气生产结构")));
    // The caption above a table makes it a table (图表 followed by cells).
    let exhibit = report.tables.iter().find(|t| t.caption.contains("CCUS税收减免")).expect("CCUS table");
    assert_eq!(exhibit.label, "图表");
    assert_eq!(exhibit.rows.len(), 3);
    // `\$3亿` loses its escape; `4 <br> 相关公司梳理` loses the tag.
    assert!(report.outline.iter().any(|o| o.title.contains("$3亿") && !o.title.contains('\\')));
    assert!(report.outline.iter().any(|o| same(&o.title, "4 相关公司梳理")));
    // `$95 \%$` → `95%`.
    assert!(paragraphs(&report).iter().any(|p| p.contains("其中95%来自SMR的天然气")));
}

#[test]
fn asset_review_figures_take_their_source_lines() {
    let report = parse_fixture("research_report_1fc72b4836bf4477149e59f611717b12.md");
    assert_eq!(report.figures.len(), 9);
    assert!(report.figures.iter().all(|f| f.source.as_deref().is_some_and(|s| s.contains("国投安信期货"))));
    assert_eq!(report.figures[0].label, "图 1");
    assert!(same(&report.figures[0].caption, "全球主要股票市场年度涨跌情况（2021-2022 年）"));
    assert_eq!(report.institution.as_deref(), Some("国投安信期货"));
    assert!(!paragraphs(&report).iter().any(|p| p.starts_with("数据来源") || p.starts_with("资料来源")));
    // An e-mail line is never glued to the paragraph after it.
    assert!(paragraphs(&report).iter().any(|p| p.starts_with("转眼间2022年已经过去")));
}

#[test]
fn bond_report_outline_levels_follow_numbering() {
    let report = parse_fixture("research_report_2a169b11524f2dc18f66fb6706d38f84.md");
    let level = |title: &str| report.outline.iter().find(|o| fold(&o.title).starts_with(&fold(title))).map(|o| o.level);
    let top = level("一、金融领域落实").expect("一、");
    assert_eq!(level("二、本次机构改革"), Some(top));
    let sub = level("（一）企业债职责划转").expect("（一）");
    assert!(sub > top);
    assert!(level("1.企业债券发行审核职责划转").expect("1.") > sub);
    assert_eq!(report.authors, ["曹晓婧"]);
    let table = report.tables.iter().find(|t| t.label == "表 2").expect("表 2");
    assert!(same(&table.caption, "我国金融监管体系演变情况"));
    assert_eq!(table.header.len(), 2);
    assert_eq!(table.rows.len(), 7);
    assert!(table.source.as_deref().is_some_and(|s| s.contains("远东资信")));
    // A caption line with its source glued on: both parsed.
    let figure = report.figures.iter().find(|f| f.label == "图 7").expect("图 7");
    assert!(same(&figure.caption, "存量企业债发行人属性分布（截至2023年5月31日）"));
    assert!(figure.source.as_deref().is_some_and(|s| s.contains("远东资信")));
    // A dated related-report line is not the report date.
    assert_ne!(report.date.as_deref(), Some("2023-02-16"));
}

#[test]
fn building_materials_weekly_glued_captions_split_tables_and_toc() {
    let report = parse_fixture("research_report_3ec9a79491af2e5d73d88774db5867e3.md");
    // `资料来源：wind，民生证券研究院图2：建材各子板块周涨跌幅一览` is a source line and the next caption.
    let fig5 = report.figures.iter().find(|f| f.label == "图 5").expect("图 5");
    assert!(same(fig5.source.as_deref().unwrap_or(""), "wind，民生证券研究院"));
    assert!(report.figures.iter().any(|f| f.label == "图 2" && same(&f.caption, "建材各子板块周涨跌幅一览")));
    // A table split by a page break is one table with all its rows.
    let table = report.tables.iter().find(|t| t.label == "表 1").expect("表 1");
    assert_eq!(table.header.first().map(String::as_str), Some("序号"));
    assert!(table.rows.len() > 50, "{} rows", table.rows.len());
    assert!(table.source.is_some());
    // Numbered sections get levels from their numbering, whatever their `#` count.
    let level = |title: &str| report.outline.iter().find(|o| fold(&o.title).starts_with(&fold(title))).map(|o| o.level);
    assert!(level("2.1 水泥") > level("2 本周建材价格变化"));
    // Table-of-contents lines stay out of the body.
    assert!(!report.blocks.iter().any(|b| b.text.contains(".....")));
    assert_eq!(report.institution.as_deref(), Some("民生证券"));
}

#[test]
fn english_report_captions_sources_and_language() {
    let text = "# Global Equity Strategy\n\nMarch 3, 2024\n\nEquities rallied as inflation cooled and the\n\ncentral bank signalled cuts.\n\nFigure 1: S&P 500 forward P/E\n\n![](chart.png)\n\nSource: Bloomberg, FactSet\n\nTable 2: Sector weights\n\n| Sector | Weight |\n|---|---|\n| Tech | 30% |\n\nSource: MSCI\nNote: as of February\n";
    let report = parse_text(text.as_bytes(), "en.md").expect("english parses");
    assert_eq!(report.language, "en");
    assert_eq!(report.title, "Global Equity Strategy");
    assert_eq!(report.figures[0].label, "Figure 1");
    assert_eq!(report.figures[0].source.as_deref(), Some("Bloomberg, FactSet"));
    assert_eq!(report.tables[0].label, "Table 2");
    assert_eq!(report.tables[0].source.as_deref(), Some("MSCI"));
    assert_eq!(report.tables[0].notes.as_deref(), Some("as of February"));
    assert!(paragraphs(&report).iter().any(|p| p.contains("inflation cooled and the central bank")));
}

#[test]
fn html_report_headings_tables_and_paragraphs() {
    let html = "<html><head><title>x</title><style>p{}</style></head><body><h1>宏观周报</h1><p>本周经济数据好于预期。</p>\
        <h2>一、海外</h2><p>表 1：主要资产表现</p><table><tr><th>资产</th><th>涨跌幅</th></tr><tr><td>黄金</td><td>1.2%</td></tr></table>\
        <p>资料来源：Wind，光大证券研究所</p><h2>二、国内</h2><p>消费<br>回暖。</p></body></html>";
    let report = parse_text(html.as_bytes(), "report.html").expect("html parses");
    assert_eq!(report.source.media_type, "text/html");
    assert_eq!(report.title, "宏观周报");
    assert_eq!(report.outline.len(), 3);
    assert_eq!(report.outline[1].level, report.outline[2].level);
    let table = &report.tables[0];
    assert_eq!(table.label, "表 1");
    assert_eq!(table.header, ["资产", "涨跌幅"]);
    assert_eq!(table.rows, [["黄金", "1.2%"]]);
    assert_eq!(report.institution.as_deref(), Some("光大证券"));
    assert!(!report.blocks.iter().any(|b| b.text.contains('<')));
}

#[test]
fn preview_cover_fields() {
    let text = "证券研究报告·公司点评\n\n# 某某科技（688556）：业绩超预期\n\n2023 年 07 月 15 日\n\n增持（维持）\n\n证券分析师 王平 执业证书：S0600523020004\n\n研究助理 李明\n\n目录\n\n1. 本周行情回顾 ..... 5\n\n2. 投资建议 ..... 7\n\n## 1. 本周行情回顾\n\n公司二季度收入同比增长 $23.4 \\%$，超出市场预期。\n\n**预览已结束，完整报告链接和二维码如下：**\n\nhttps://example.com/report?id=1\\_2\n";
    let report = parse_text(text.as_bytes(), "cover.md").expect("cover parses");
    assert_eq!(report.title, "某某科技（688556）：业绩超预期");
    assert_eq!(report.date.as_deref(), Some("2023-07-15"));
    assert_eq!(report.year, Some(2023));
    assert_eq!(report.rating.as_deref(), Some("增持"));
    assert_eq!(report.rating_action, Some(yanbao_model::securities::RatingAction::Maintain));
    assert_eq!(report.report_type.as_deref(), Some("公司点评"));
    assert_eq!(report.analysts[0].name, "王平");
    assert_eq!(report.analysts[0].sac.as_deref(), Some("S0600523020004"));
    assert!(report.authors.contains(&"王平".to_string()));
    assert!(report.preview.truncated);
    assert_eq!(report.preview.full_report_url.as_deref(), Some("https://example.com/report?id=1_2"));
    assert!(paragraphs(&report).iter().any(|p| p.contains("同比增长23.4%")));
    assert!(!report.blocks.iter().any(|b| b.text.contains("本周行情回顾 .....") || b.text.contains("example.com")));
}

/// A bundled sample (`samples/`, what `yanbao serve --samples` shows first).
fn parse_sample(name: &str) -> Report {
    let path = format!("{}/../../samples/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    parse_text(&bytes, name).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn a_compact_date_after_the_report_type_is_the_report_date() {
    // `宏观点评 20230202` under the title; the body's own dates are 2023 too.
    let report = parse_sample("mpb_美联储加息如期放缓.md");
    assert_eq!((report.date.as_deref(), report.year), (Some("2023-02-02"), Some(2023)));
    assert_eq!(report.report_type.as_deref(), Some("宏观点评"));
}
