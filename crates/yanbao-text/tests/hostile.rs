//! Hostile inputs: binary junk, undecodable bytes, empty files, UTF-16, a 50 MB report and a
//! file of one huge line. The parser must answer each with a report or a clear error, never a
//! panic, in linear time.

use std::time::Instant;
use yanbao_model::BlockKind;
use yanbao_text::{parse_text, TextError};

/// A deterministic byte stream (xorshift), so failures reproduce.
fn pseudo_random_bytes(len: usize, mut state: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(len);
    while out.len() < len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.extend_from_slice(&state.to_le_bytes());
    }
    out.truncate(len);
    out
}

#[test]
fn binary_junk_is_refused_with_a_clear_error() {
    let junk = pseudo_random_bytes(64 * 1024, 0x9E37_79B9_7F4A_7C15);
    let err = parse_text(&junk, "junk.bin").expect_err("binary is not a report");
    assert!(matches!(err, TextError::Binary(_)), "{err}");
    let message = err.to_string();
    assert!(!message.contains('\n') && message == message.to_lowercase(), "{message}");
    // A PNG header is binary too.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00";
    assert!(matches!(parse_text(png, "a.png"), Err(TextError::Binary(_))));
}

#[test]
fn invalid_utf8_that_is_not_gbk_either_is_undecodable() {
    let bytes = b"\x80\xff\xff\x80\xfe\x80\x80\xff".repeat(2000);
    let err = parse_text(&bytes, "bad.txt").expect_err("not text in any encoding");
    assert!(matches!(err, TextError::Undecodable(_) | TextError::Binary(_)), "{err}");
}

#[test]
fn a_gbk_file_with_one_bad_byte_still_parses_with_a_warning() {
    let text = "## 一、宏观经济\n\n三季度经济数据好于预期，消费和投资均有改善。\n".repeat(50);
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let mut bytes = gbk.into_owned();
    bytes.insert(40, 0xFF);
    let report = parse_text(&bytes, "gbk.txt").expect("mostly valid gbk parses");
    assert!(report.warnings.iter().any(|w| w.contains("replaced")), "{:?}", report.warnings);
    assert!(report.outline.iter().any(|o| o.title.contains("宏观经济")));
}

#[test]
fn empty_and_whitespace_only_files_are_empty() {
    for input in [&b""[..], b"   ", b"\n\n\r\n\t", "\u{3000}\u{3000}\n".as_bytes(), b"\xEF\xBB\xBF"] {
        assert!(matches!(parse_text(input, "e.txt"), Err(TextError::Empty)), "{input:?}");
    }
}

#[test]
fn utf16_big_endian_with_bom_parses() {
    let text = "# 公司点评\n\n图 1：营业收入\n\n资料来源：Wind，东吴证券研究所\n";
    let mut be = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        be.extend_from_slice(&unit.to_be_bytes());
    }
    let report = parse_text(&be, "be.txt").expect("utf-16be parses");
    assert_eq!(report.source.encoding.as_deref(), Some("UTF-16BE"));
    assert_eq!(report.figures.len(), 1);
    assert_eq!(report.institution.as_deref(), Some("东吴证券"));
}

/// One section of a realistic report, about 0.5 KB (numbers cycle as in real reports).
fn report_section(section: usize) -> String {
    let index = section % 99 + 1;
    format!(
        "## {index}. 第{index}节行业回顾\n\n本周市场整体震荡，沪深 300 指数上涨 $1.2 \\%$，成交额较上周放大。我们认为政策面仍有支撑，\n\n\
         后续关注基本面修复的节奏。\n\n图 {index}：行业指数走势\n\n![](images/{index}.jpg)\n\n资料来源：Wind，民生证券研究院\n\n\
         表 {index}：重点公司估值\n\n| 公司 | PE | PB |\n|---|---|---|\n| 甲公司 | 12.5 | 1.3 |\n| 乙公司 | 20.1 | 2.4 |\n\n\
         资料来源：公司公告，民生证券研究院\n\n- 风险提示：需求不及预期。\n\n1. 本周行情回顾 ..... 5\n\n"
    )
}

/// A report of `sections` repeated sections, each a heading, a page-broken sentence, a captioned
/// chart with its source and a table.
fn big_report(megabytes: usize) -> (String, usize) {
    let mut text = String::from("# 行业周报\n\n");
    let mut index = 0;
    while text.len() < megabytes * 1024 * 1024 {
        index += 1;
        text.push_str(&report_section(index));
    }
    (text, index)
}

#[test]
fn a_50_mb_report_parses_in_linear_time() {
    // Linear, not fast: 10× the text must cost about 10× the time (quadratic work would cost
    // 100×). A ratio of two runs in one process, so a loaded machine slows both alike; the
    // absolute speed is measured by the benchmarks, not here.
    let (small, _) = big_report(5);
    let started = Instant::now();
    parse_text(small.as_bytes(), "small.md").expect("small report parses");
    let small_elapsed = started.elapsed();
    let (text, index) = big_report(50);
    let started = Instant::now();
    let report = parse_text(text.as_bytes(), "big.md").expect("big report parses");
    let elapsed = started.elapsed();
    println!("5 MB parsed in {small_elapsed:?}, 50 MB ({index} sections) in {elapsed:?}");
    assert_eq!(report.figures.len(), index);
    assert_eq!(report.tables.len(), index);
    assert!(report.tables.iter().all(|t| t.rows.len() == 2 && t.source.is_some()));
    // The two halves of the page-broken sentence are one paragraph in every section.
    let paragraphs = report.blocks.iter().filter(|b| b.kind == BlockKind::Paragraph).count();
    assert_eq!(paragraphs, index);
    let ratio = elapsed.as_secs_f64() / small_elapsed.as_secs_f64().max(1e-3);
    assert!(ratio < 35.0, "10x the text took {ratio:.1}x the time ({small_elapsed:?} → {elapsed:?}): more than linear");
}

#[test]
fn one_huge_line_is_cut_into_bounded_paragraphs() {
    let line = "这是一个没有换行的超长段落，用来检验解析器的线性时间和有限内存。".repeat(400_000);
    let started = Instant::now();
    let report = parse_text(line.as_bytes(), "line.txt").expect("huge line parses");
    println!("{} MB single line parsed in {:?}", line.len() / (1 << 20), started.elapsed());
    assert!(report.blocks.len() > 10);
    assert!(report.blocks.iter().all(|b| b.text.len() <= 100 * 1024));
    let kept: usize = report.blocks.iter().map(|b| b.text.chars().count()).sum();
    assert!(kept >= line.chars().count() - 10, "no text lost: {kept}");
}

#[test]
fn junk_text_never_panics() {
    let samples = [
        "#", "# ", "|", "||", "| |\n|---|", "$", "$$", "$$\n", "\\", "图", "图1", "图1：", "表：", "资料来源：", "注：",
        "预览已结束", "预览已结束\n[](", "**", "<table>", "<table><tr><td>a", "</td></tr></table>", "\t\t\t", "\ta\tb\n\tc",
        "一、", "（一）", "1.", "1.1.1.1.1.1 x", "【】（）", "【财新网】（）", "......... 5", "![](", "[^1]:", ">", ">>>",
        "\u{FEFF}", "\r\r\r", "图表 1-\n", "Figure", "Table 1:", "S0600523020004", "2023 年 13 月 45 日",
    ];
    for sample in samples {
        let _ = parse_text(sample.as_bytes(), "junk.md");
        let _ = parse_text(sample.as_bytes(), "junk.html");
    }
    for seed in 1..200u64 {
        let bytes = pseudo_random_bytes((seed as usize * 37) % 3000 + 1, seed);
        let _ = parse_text(&bytes, "random.txt");
        // Random bytes made printable: exercises the parser rather than the decoder.
        let printable: String = bytes.iter().map(|b| match b % 16 {
            0 => '\n', 1 => '#', 2 => '|', 3 => '图', 4 => '：', 5 => '$', 6 => '\\', 7 => ' ', 8 => '表',
            9 => '1', 10 => '。', 11 => '资', 12 => '\t', 13 => '-', 14 => '<', _ => '一',
        }).collect();
        let _ = parse_text(printable.as_bytes(), "printable.md");
    }
}
