//! Date expressions, Chinese and English, with the traps that are not dates.
//!
//! Each case: input, anchor (report year and month), and the expected mentions rendered as
//! `date[..end] precision "text"`, separated by ` ; `.

use yanbao_knowledge::{parse_dates, DateAnchor};

fn render(text: &str, year: Option<i32>, month: Option<u32>) -> String {
    let anchor = DateAnchor { year, month };
    parse_dates(text, &anchor)
        .iter()
        .map(|m| {
            assert_eq!(&text[m.start..m.end], m.text, "span must match text");
            match &m.date_end {
                Some(end) => format!("{}..{} {} \"{}\"", m.date, end, m.precision.as_str(), m.text),
                None => format!("{} {} \"{}\"", m.date, m.precision.as_str(), m.text),
            }
        })
        .collect::<Vec<_>>()
        .join(" ; ")
}

const Y: Option<i32> = Some(2021);
const M: Option<u32> = Some(11);

#[rustfmt::skip]
const CASES: &[(&str, Option<i32>, Option<u32>, &str)] = &[
    // Chinese day forms
    ("2021年11月12日", Y, M, r#"2021-11-12 day "2021年11月12日""#),
    ("该数据更新截至2021年11月12日", None, None, r#"2021-11-12 day "2021年11月12日""#),
    ("2021 年 11 月 12 日发布", None, None, r#"2021-11-12 day "2021 年 11 月 12 日""#),
    ("11月12日", Y, M, r#"2021-11-12 day "11月12日""#),
    ("中美元首将在 11 月 16 日上午举行视频会晤", Y, M, r#"2021-11-16 day "11 月 16 日上午""#),
    ("9 月 25 日孟晚舟女士成功归国，10 月 5 日 USTR 公布关税排除清单", Y, M, r#"2021-09-25 day "9 月 25 日" ; 2021-10-05 day "10 月 5 日""#),
    ("意见征询期至 12 月 1 日结束", Y, M, r#"2021-12-01 day "12 月 1 日""#),
    ("5 月 27 日", Y, M, r#"2021-05-27 day "5 月 27 日""#),
    ("3月8号晚间公告", Y, Some(3), r#"2021-03-08 day "3月8号晚间""#),
    ("2023 年 4 月 21 日，芯原股份发布公告，4 月 25 日召开说明会", None, None, r#"2023-04-21 day "2023 年 4 月 21 日" ; 2023-04-25 day "4 月 25 日""#),
    ("2020年2月29日", None, None, r#"2020-02-29 day "2020年2月29日""#),
    ("2021年2月29日", None, None, ""),
    ("下周二 (7月18日) 有一家公司上市", Some(2023), Some(7), r#"2023-07-18 day "7月18日""#),
    // numeric forms
    ("2021/11/12", None, None, r#"2021-11-12 day "2021/11/12""#),
    ("2021-11-12", None, None, r#"2021-11-12 day "2021-11-12""#),
    ("2021.11.12", None, None, r#"2021-11-12 day "2021.11.12""#),
    ("新能源汽车产业链周报（2023/02/27-2023/03/05）", None, None, r#"2023-02-27..2023-03-05 range "2023/02/27-2023/03/05""#),
    ("宏观点评 20230202 核心内容", None, None, r#"2023-02-02 day "20230202""#),
    ("截至2023-05", None, None, r#"2023-05-01..2023-05-31 month "2023-05""#),
    ("证券分析师:罗琨 S0350522110003", None, None, ""),
    ("订单金额 20230202 元", None, None, ""),
    ("编号 120230202", None, None, ""),
    ("版本 2021.5 发布", None, None, ""),
    // months and parts of months
    ("12月", Y, M, r#"2021-12-01..2021-12-31 month "12月""#),
    ("8月以来，拜登支持率持续快速下滑", Y, M, r#"2021-08-01..2021-08-31 month "8月""#),
    ("10 月初 USTR 已经就 549 项商品的关税排除清单", Y, M, r#"2021-10-01..2021-10-10 range "10 月初""#),
    ("6月底", Y, M, r#"2021-06-21..2021-06-30 range "6月底""#),
    ("2月下旬", Some(2024), Some(3), r#"2024-02-21..2024-02-29 range "2月下旬""#),
    ("10月中旬", Y, M, r#"2021-10-11..2021-10-20 range "10月中旬""#),
    ("2023 年 05 月 14 日", None, None, r#"2023-05-14 day "2023 年 05 月 14 日""#),
    ("2023年3月份", None, None, r#"2023-03-01..2023-03-31 month "2023年3月份""#),
    ("7月18日-20日", Some(2023), Some(7), r#"2023-07-18..2023-07-20 range "7月18日-20日""#),
    // ranges and relative years
    ("去年11月至今年4月间，华为获得许可", Y, M, r#"2020-11-01..2021-04-30 range "去年11月至今年4月""#),
    ("去年 11 月至今年 4 月", Y, M, r#"2020-11-01..2021-04-30 range "去年 11 月至今年 4 月""#),
    ("2024 年 1-2 月经济数据", None, None, r#"2024-01-01..2024-02-29 range "2024 年 1-2 月""#),
    ("明年3月", Y, M, r#"2022-03-01..2022-03-31 month "明年3月""#),
    ("去年的总统大选", Y, M, r#"2020-01-01..2020-12-31 year "去年""#),
    ("今年夏天", Y, M, r#"2021-01-01..2021-12-31 year "今年""#),
    ("美方自年初开始", Y, M, r#"2021-01-01..2021-01-31 range "年初""#),
    ("预计年底前后落地", Y, M, r#"2021-12-01..2021-12-31 range "年底""#),
    ("2022 年四季度", None, None, r#"2022-10-01..2022-12-31 quarter "2022 年四季度""#),
    ("2021年初", None, None, r#"2021-01-01..2021-01-31 range "2021年初""#),
    ("去年底", Y, M, r#"2020-12-01..2020-12-31 range "去年底""#),
    ("上半年营收增长", Y, M, r#"2021-01-01..2021-06-30 half "上半年""#),
    ("2023年下半年", None, None, r#"2023-07-01..2023-12-31 half "2023年下半年""#),
    ("2021年第三季度", None, None, r#"2021-07-01..2021-09-30 quarter "2021年第三季度""#),
    ("第一季度", Y, M, r#"2021-01-01..2021-03-31 quarter "第一季度""#),
    ("2023 年第一季度报告", None, None, r#"2023-01-01..2023-03-31 quarter "2023 年第一季度""#),
    ("1Q23 营收", None, None, r#"2023-01-01..2023-03-31 quarter "1Q23""#),
    ("2023Q4", None, None, r#"2023-10-01..2023-12-31 quarter "2023Q4""#),
    ("1H23", None, None, r#"2023-01-01..2023-06-30 half "1H23""#),
    ("Q3 2021 results", None, None, r#"2021-07-01..2021-09-30 quarter "Q3 2021""#),
    // English
    ("Nov. 16, 2021", None, None, r#"2021-11-16 day "Nov. 16, 2021""#),
    ("on November 16 the leaders met", Y, M, r#"2021-11-16 day "November 16""#),
    ("16 November 2021", None, None, r#"2021-11-16 day "16 November 2021""#),
    ("March 2023", None, None, r#"2023-03-01..2023-03-31 month "March 2023""#),
    ("Sept 5, 2022", None, None, r#"2022-09-05 day "Sept 5, 2022""#),
    ("may 5 percent", Y, M, ""),
    // year resolution
    ("12 月 20 日", Some(2023), Some(1), r#"2022-12-20 day "12 月 20 日""#),
    ("2 月 3 日", Some(2023), Some(1), r#"2023-02-03 day "2 月 3 日""#),
    ("11 月 13 日", None, None, ""),
    ("去年11月", None, None, ""),
    ("2021年3月5日，去年同期", None, None, r#"2021-03-05 day "2021年3月5日""#),
    // traps: not dates
    ("3 月期国债收益率", Y, M, ""),
    ("6月期SHIBOR", Y, M, ""),
    ("近 3 月涨幅", Y, M, ""),
    ("前6月累计", Y, M, ""),
    ("特别是此前 3 月 15 日金融委会议", Some(2022), Some(4), r#"2022-03-15 day "3 月 15 日""#),
    ("在 21 世纪 20 年代强化气候行动", Y, M, ""),
    ("特朗普总统在就任的297日下滑至38.1%", Y, M, ""),
    ("支持率从53.9%下滑至42.8%，下滑8.7个百分点", Y, M, ""),
    ("第 3 页", Y, M, ""),
    ("610 亿美元", Y, M, ""),
    ("2022 年中期选举在即", Y, M, r#"2022-01-01..2022-12-31 year "2022 年""#),
    ("12月中央经济工作会议", Y, M, r#"2021-12-01..2021-12-31 month "12月""#),
    ("净利润 2023.5 亿元", None, None, ""),
    ("2023-2025 年", None, None, r#"2025-01-01..2025-12-31 year "2025 年""#),
    ("", Y, M, ""),
];

#[test]
fn date_expressions_parse_as_expected() {
    assert!(CASES.len() >= 60, "at least 60 cases");
    let mut failures = Vec::new();
    for (input, year, month, expected) in CASES {
        let got = render(input, *year, *month);
        if got != *expected {
            failures.push(format!("input {input:?}\n   want {expected}\n    got {got}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

#[test]
fn junk_input_never_panics() {
    let anchor = DateAnchor { year: Some(2021), month: Some(11) };
    let junk = ["月日年", "99月99日", "0月0日", "2021年13月", "年年年初初", "\u{0}\u{ffff}9月", "Q9 2021", "9999/99/99",
        "１１月１２日", "至至-—", "12月31日至", "20211131", "Feb 30, 2021", "年", "去年年底至明年年初"];
    for text in junk {
        for mention in parse_dates(text, &anchor) {
            assert!(mention.start <= mention.end && mention.end <= text.len());
            assert_eq!(mention.date.len(), 10);
        }
    }
}
