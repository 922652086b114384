//! The company a report covers and the broker's view of it: rating, target price and earnings
//! forecasts, read off the typed report (cover lines, first blocks, tables), so that every
//! parser's reports get them the same way.

use std::collections::HashMap;

use yanbao_model::normalize::is_han;
use yanbao_model::securities::{parse_rating, RatingAction, Security};
use yanbao_vocab::forecast::{ACTUAL_YEAR, FORECAST_YEAR, LABEL_UNIT, TARGET_PRICE};
use yanbao_vocab::rating::RATING_IN_TEXT;
use yanbao_model::{Company, Forecast, Report, Table};

use crate::companies::{companies_in_table, companies_in_text};

/// How many leading blocks count as the front of a report (cover, summary, related reports).
const FRONT_BLOCKS: usize = 30;

/// Words of a title or report type that make a report about an industry, a market, the economy
/// or many companies at once (晨会, weeklies), never about one company.
const MANY_COMPANY_WORDS: [&str; 16] = [
    "晨会", "早观点", "早报", "今日预览", "周报", "周观点", "周动态", "月报", "宏观", "策略", "行业报告", "行业点评", "行业研究",
    "行业深度", "行业周", "分析师推荐",
];

/// The listed company a report is about, or None for industry, strategy, macro and morning
/// notes. A company note prints its company with its code at the front (title, cover lines,
/// related reports of the same company), and that company is the one its text keeps naming.
pub fn cover_company(report: &Report) -> Option<Company> {
    let title_pairs = companies_in_text(&report.title);
    let heading = [report.title.as_str(), report.subtitle.as_deref().unwrap_or(""), report.report_type.as_deref().unwrap_or("")].concat();
    if title_pairs.is_empty() && MANY_COMPANY_WORDS.iter().any(|w| heading.contains(w)) {
        return None;
    }
    let mut front: Vec<(String, Security)> = title_pairs.clone();
    for text in report.subtitle.iter().chain(&report.related_reports) {
        front.extend(companies_in_text(text));
    }
    for block in report.blocks.iter().take(FRONT_BLOCKS).filter(|b| !b.boilerplate) {
        front.extend(companies_in_text(&block.text));
    }
    for table in report.tables.iter().filter(|t| t.block < FRONT_BLOCKS) {
        front.extend(companies_in_table(table));
    }
    let texts: Vec<&str> = report.blocks.iter().filter(|b| !b.boilerplate).map(|b| b.text.as_str()).chain([report.title.as_str()]).collect();
    // The line a note opens with (`兖矿能源（600188.SH）/煤炭开采行业`) names its company as surely as a title.
    let opening: Vec<(String, Security)> = report
        .blocks
        .iter()
        .take(3)
        .filter(|b| yanbao_model::securities::is_security_line(&b.text))
        .flat_map(|b| companies_in_text(&b.text))
        .chain(title_pairs)
        .collect();
    if let Some((name, security)) = opening.first() {
        return Some(company(name, security));
    }
    if let Some(found) = dominant(&front, &texts, 3) {
        return Some(found);
    }
    // A company note speaks of 公司 far more than of 行业; one company at its front is its company.
    let distinct: std::collections::BTreeSet<&str> = front.iter().map(|(_, s)| s.code.as_str()).collect();
    let joined = texts.concat();
    let (company_words, industry_words) = (joined.matches("公司").count(), joined.matches("行业").count());
    // A short note (an excerpt, a one-page comment: 公司 five times in its own text) says 公司
    // less often; one that rates 公司 itself (`预计公司…，维持“买入”评级`) needs only to speak of
    // it twice as often as of 行业.
    let rates_the_company = rates_the_company(report);
    let about_a_company = company_words >= 2 * industry_words.max(5) || (company_words >= 2 * industry_words.max(2) && rates_the_company);
    if distinct.len() == 1 && about_a_company {
        return front.first().map(|(name, security)| company(name, security));
    }
    if !about_a_company {
        return None;
    }
    // A note whose code is printed only further in (a related report, a chart of its valuation).
    let mut anywhere: Vec<(String, Security)> = Vec::new();
    for block in report.blocks.iter().filter(|b| !b.boilerplate) {
        anywhere.extend(companies_in_text(&block.text));
    }
    for table in &report.tables {
        anywhere.extend(companies_in_table(table));
    }
    let distinct: std::collections::BTreeSet<&str> = anywhere.iter().map(|(_, s)| s.code.as_str()).collect();
    if distinct.len() == 1 {
        return anywhere.first().map(|(name, security)| company(name, security));
    }
    // Among many coded companies (an industry study profiling its leaders says 公司 often too),
    // the one named most is the note's only when the note rates 公司 itself.
    if !rates_the_company {
        return None;
    }
    if let Some(found) = dominant(&anywhere, &texts, 5) {
        return Some(found);
    }
    // A note whose converter lost the cover's code: the name it introduces its company by.
    if anywhere.is_empty() {
        return introduced_company(&texts).map(|name| Company { name, code: None, exchange: None });
    }
    None
}

/// Words a company note puts right after its company's name when it introduces it (`我们认为，
/// 金山办公作为…`, `美的集团是…`, `图表 1：美的集团三大财务报表`), names a report on it
/// (`…-华熙生物年报预告点评》`) or charts its shares (`——华熙生物 一 沪深300`).
const INTRODUCING: [&str; 14] =
    ["作为", "是", "发布", "公告", "召开", "三大财务", "股价", "年报", "季报", "中报", "公司点评", "深度报告", "首次覆盖", "一沪深"];

/// The company a note without printed codes keeps naming: a name (2–6 characters, starting a
/// run of Chinese) that some sentence introduces with one of [`INTRODUCING`], named at least
/// three times in the note and at least twice as often as any other such name.
fn introduced_company(texts: &[&str]) -> Option<String> {
    let mut candidates: Vec<String> = Vec::new();
    for text in texts {
        let folded: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for (start, _) in folded.char_indices().filter(|(i, c)| is_han(*c) && !folded[..*i].chars().next_back().is_some_and(is_han)) {
            let run: String = folded[start..].chars().take_while(|c| is_han(*c)).collect();
            for word in INTRODUCING {
                let Some(at) = run.find(word).filter(|at| *at > 0) else { continue };
                let name = crate::companies::base_name(&run[..at]);
                if (2..=6).contains(&name.chars().count()) && crate::companies::is_plausible_name(name) && !is_generic_subject(name) {
                    candidates.push(name.to_string());
                }
            }
        }
    }
    candidates.sort();
    candidates.dedup();
    let mentions = crate::entities::count_mentions(texts, candidates.iter().map(String::as_str));
    let mut ranked: Vec<(u32, &String)> = candidates.iter().map(|n| (mentions.get(n).copied().unwrap_or(0), n)).collect();
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.chars().count().cmp(&a.1.chars().count())));
    let (top, name) = *ranked.first()?;
    let runner_up = ranked.iter().skip(1).find(|(_, n)| !name.contains(n.as_str())).map_or(0, |r| r.0);
    (top >= 3 && top >= 2 * runner_up).then(|| name.clone())
}

/// Subjects a sentence introduces that are never the company's name (`我们`, `本报告`, `该公司`).
fn is_generic_subject(name: &str) -> bool {
    const GENERIC: [&str; 12] = ["我们", "本报告", "报告", "该公司", "本公司", "公司", "行业", "市场", "目前", "同时", "其中", "此次"];
    GENERIC.iter().any(|g| name.ends_with(g) || name.starts_with(g))
        || name.chars().any(|c| "年月日季度了在将".contains(c))
}

/// True when a block of the report's own text rates 公司 (`预计公司…，维持“买入”评级`): the
/// rating of a company note, not of an industry (`维持行业“推荐”评级`).
fn rates_the_company(report: &Report) -> bool {
    report.blocks.iter().filter(|b| !b.boilerplate).any(|b| {
        RATING_IN_TEXT.find(&b.text).is_some_and(|m| b.text[..m.start()].contains("公司") && !b.text[..m.end()].contains("行业"))
    })
}

fn company(name: &str, security: &Security) -> Company {
    Company { name: name.to_string(), code: Some(security.code.clone()), exchange: security.exchange.clone() }
}

/// The candidate the texts name most, when it is named at least `min_mentions` times and at
/// least twice as often as any other (a sector table lists many companies, none dominant).
fn dominant(candidates: &[(String, Security)], texts: &[&str], min_mentions: u32) -> Option<Company> {
    let names: Vec<&str> = candidates.iter().map(|(n, _)| n.as_str()).collect();
    let mentions = crate::entities::count_mentions(texts, names.iter().copied());
    let mut ranked: Vec<(&str, u32)> = names.iter().map(|n| (*n, mentions.get(*n).copied().unwrap_or(0))).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    ranked.dedup_by_key(|(n, _)| *n);
    let (top, top_mentions) = *ranked.first()?;
    let runner_up = ranked.get(1).map_or(0, |r| r.1);
    if top_mentions < min_mentions || top_mentions < 2 * runner_up {
        return None;
    }
    candidates.iter().find(|(n, _)| n == top).map(|(name, security)| company(name, security))
}

/// The rating and action a report states: the cover's (as the parser read it), else the first
/// `…“买入”评级` sentence of its body; an action missing from the cover is taken from the
/// body's sentence of the same rating.
pub fn rating(report: &Report) -> Option<(String, Option<RatingAction>)> {
    let in_text = report.blocks.iter().filter(|b| !b.boilerplate).find_map(|b| {
        let caps = RATING_IN_TEXT.captures(&b.text)?;
        let word = caps.get(2)?.as_str().to_string();
        let action = caps.get(3).or_else(|| caps.get(1)).and_then(|m| RatingAction::from_word(m.as_str()));
        Some((word, action))
    });
    // A parser that read `增持（首次）` on the cover already split off its action.
    let cover = report.rating.as_deref().and_then(parse_rating).map(|(word, action)| (word, action.or(report.rating_action)));
    match (cover, in_text) {
        (Some((word, None)), Some((body_word, action))) if word == body_word => Some((word, action)),
        (Some(cover), _) => Some(cover),
        (None, body) => body,
    }
}

/// The target price and its currency (`CNY`, `HKD`, `USD`); None when not printed or blank.
/// A number that goes on as a year, a percentage or an amount (`目标价 2023 年`) is not a price.
pub fn target_price(report: &Report) -> Option<(f64, String)> {
    let from_tables = report.tables.iter().flat_map(|t| std::iter::once(&t.header).chain(&t.rows)).find_map(|row| {
        let at = row.iter().position(|c| c.contains("目标价") || c.contains("目标股价"))?;
        let cell = &row[at];
        if let Some(found) = price_in(cell) {
            return Some(found);
        }
        let next = row.get(at + 1)?;
        price_in(&format!("{cell}：{next}"))
    });
    from_tables.or_else(|| report.blocks.iter().filter(|b| !b.boilerplate).find_map(|b| price_in(&b.text)))
}

fn price_in(text: &str) -> Option<(f64, String)> {
    for caps in TARGET_PRICE.captures_iter(text) {
        let (Some(number), Some(whole)) = (caps.get(3), caps.get(0)) else { continue };
        let unit = caps.get(4).or_else(|| caps.get(1)).or_else(|| caps.get(2)).map_or("", |m| m.as_str());
        let next = text[whole.end()..].trim_start().chars().next();
        if caps.get(4).is_none() && next.is_some_and(|c| "年月日%％亿万倍个季期x".contains(c)) {
            continue;
        }
        let Ok(value) = number.as_str().parse::<f64>() else { continue };
        if value <= 0.0 {
            continue;
        }
        let currency = match unit {
            "港元" | "港币" | "HKD" | "HK$" => "HKD",
            "美元" | "USD" | "US$" | "$" => "USD",
            _ => "CNY",
        };
        return Some((value, currency.to_string()));
    }
    None
}

/// The metric a row label names, or None for growth rates and rows we do not read.
fn metric(label: &str) -> Option<&'static str> {
    let folded: String = label.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_lowercase();
    let base = folded.split(['（', '(']).next().unwrap_or(&folded);
    if ["增长", "同比", "增速", "yoy", "变动", "扣非", "少数", "现金", "摊薄前"].iter().any(|w| base.contains(w)) {
        return None;
    }
    let table: [(&[&str], &'static str); 10] = [
        (&["每股收益", "eps"], "eps"),
        (&["每股净资产", "bps"], "bps"),
        (&["每股股利", "每股分红", "dps"], "dps"),
        (&["ev/ebitda"], "ev_ebitda"),
        (&["营业总收入", "营业收入", "主营收入", "营收", "收入"], "revenue"),
        (&["归母净利润", "归属母公司净利润", "归属于母公司", "归属母公司股东净利润", "净利润"], "net_profit"),
        (&["p/e", "pe", "市盈率"], "pe"),
        (&["p/b", "pb", "市净率"], "pb"),
        (&["roe", "净资产收益率"], "roe"),
        (&["毛利率"], "gross_margin"),
    ];
    if base == "peg" || base.starts_with("peg") {
        return None;
    }
    table.iter().find(|(words, _)| words.iter().any(|w| base.starts_with(w) || (w.chars().count() >= 3 && base.contains(w)))).map(|(_, m)| *m)
}

/// A cell as a number: `49,516` → 49516, `25%` → (25, %), `-1.47`; None for `-`, `NA`, text.
fn cell_number(cell: &str) -> Option<(f64, bool)> {
    let compact: String = cell.chars().filter(|c| !c.is_whitespace() && *c != ',' && *c != '，').collect();
    let (digits, percent) = match compact.strip_suffix(['%', '％']) {
        Some(d) => (d, true),
        None => (compact.as_str(), false),
    };
    let digits = digits.replace(['−', '－', '—'], "-");
    if digits.is_empty() || digits == "-" || !digits.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse::<f64>().ok().map(|v| (v, percent))
}

/// The year a forecast column head names (`2024E` → 2024, `24E` → 2024).
fn forecast_year(cell: &str) -> Option<i32> {
    let compact: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
    let caps = FORECAST_YEAR.captures(compact.trim_end_matches(['.', '*']))?;
    let year: i32 = caps.get(1)?.as_str().parse().ok()?;
    Some(if year < 100 { 2000 + year } else { year })
}

/// The forecasts of one table: the first row with forecast-year heads gives the columns (up to
/// the first column that is neither a year nor empty, so a second side-by-side statement is
/// left alone); every later row whose first cell names a metric gives its values.
fn table_forecasts(table: &Table) -> Vec<Forecast> {
    let rows: Vec<&Vec<String>> = std::iter::once(&table.header).chain(&table.rows).collect();
    let Some(head_at) = rows.iter().position(|row| row.iter().any(|c| forecast_year(c).is_some())) else { return Vec::new() };
    let head = rows[head_at];
    let mut columns: Vec<(usize, i32)> = Vec::new();
    for (i, cell) in head.iter().enumerate().skip(1) {
        let compact: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(year) = forecast_year(cell) {
            columns.push((i, year));
        } else if !(compact.is_empty() || ACTUAL_YEAR.is_match(&compact)) {
            break;
        }
    }
    let mut found = Vec::new();
    for row in &rows[head_at + 1..] {
        let Some(label) = row.first() else { continue };
        let Some(metric) = metric(label) else { continue };
        let printed_unit = LABEL_UNIT.captures(label).and_then(|c| c.get(1)).map(|m| m.as_str().trim().trim_end_matches('/').to_string());
        for &(column, year) in &columns {
            let Some((value, percent)) = row.get(column).and_then(|c| cell_number(c)) else { continue };
            let unit = match (&printed_unit, percent) {
                (_, true) => "%".to_string(),
                (Some(unit), false) if unit != "%" => unit.clone(),
                _ => String::new(),
            };
            found.push(Forecast { year, metric: metric.to_string(), value, unit });
        }
    }
    found
}

/// The broker's earnings forecasts: each forecast table's (盈利预测, 财务预测与估值, 主要财务指标)
/// values for its forecast years, the first table's value kept where two tables give one
/// metric and year.
pub fn forecasts(report: &Report) -> Vec<Forecast> {
    let mut seen: HashMap<(i32, String), ()> = HashMap::new();
    let mut all = Vec::new();
    for table in &report.tables {
        for forecast in table_forecasts(table) {
            if seen.insert((forecast.year, forecast.metric.clone()), ()).is_none() {
                all.push(forecast);
            }
        }
    }
    all
}

/// Fills `company`, `rating`, `rating_action`, `target_price`, `target_currency` and
/// `forecasts`. Forecasts are read for company notes only: an industry report's tables of many
/// companies' EPS are not one broker's forecast for one company.
pub(crate) fn fill(report: &mut Report) {
    report.company = cover_company(report);
    if let Some((word, action)) = rating(report) {
        report.rating = Some(word);
        report.rating_action = action;
    }
    match target_price(report) {
        Some((price, currency)) => {
            let currency = match report.company.as_ref().and_then(|c| c.exchange.as_deref()) {
                Some("HK") if currency == "CNY" => "HKD".to_string(),
                Some("NASDAQ" | "NYSE" | "US") if currency == "CNY" => "USD".to_string(),
                _ => currency,
            };
            report.target_price = Some(price);
            report.target_currency = Some(currency);
        }
        None => {
            report.target_price = None;
            report.target_currency = None;
        }
    }
    report.forecasts = if report.company.is_some() { forecasts(report) } else { Vec::new() };
}

#[cfg(test)]
mod tests {
    use super::*;
    use yanbao_model::{Block, BlockKind};

    fn paragraph(text: &str) -> Block {
        Block { kind: BlockKind::Paragraph, text: text.into(), ..Block::default() }
    }

    #[test]
    fn the_action_a_parser_split_off_the_cover_is_kept() {
        let report = Report { rating: Some("增持".into()), rating_action: Some(RatingAction::Initiate), ..Report::default() };
        assert_eq!(rating(&report), Some(("增持".to_string(), Some(RatingAction::Initiate))));
    }

    #[test]
    fn a_company_note_covers_its_company() {
        let mut report = Report { title: "舍得酒业 (600702): 双品牌战略不变".into(), ..Report::default() };
        report.blocks.push(paragraph("舍得酒业举行股东大会。舍得酒业坚持双品牌。"));
        let company = cover_company(&report).expect("covered");
        assert_eq!((company.name.as_str(), company.code.as_deref(), company.exchange.as_deref()), ("舍得酒业", Some("600702"), Some("SH")));
    }

    #[test]
    fn a_note_that_lost_its_code_covers_the_company_it_introduces() {
        // research_report_97d5017a…: the converter dropped the cover; the code is never printed.
        let mut report = Report { title: "AI助力办公新质生产力平台进军B端市场".into(), ..Report::default() };
        for text in [
            "4 月9 日, 金山办公生产力大会在北京召开, 公司正式发布了 WPS 365 办公新质生产力平台。",
            "金山办公 CEO 章庆元首先做了战略分享，公司的政企业务稳健发展。金山办公引入了五个大模型。",
            "我们认为，金山办公作为国内办公服务软件领军企业，公司有望受益。",
            "公司 AI 产品矩阵完善，公司订阅收入持续增长，公司生态合作深化。",
            "预计公司 2024-2026 年归母净利润分别为 16.2、20.3、24.5 亿元，维持“买入”评级。",
        ] {
            report.blocks.push(paragraph(text));
        }
        assert_eq!(cover_company(&report), Some(Company { name: "金山办公".into(), code: None, exchange: None }));
        // Without the note's own rating of 公司 it is not a company note: no company.
        report.blocks.pop();
        assert_eq!(cover_company(&report), None);
        // 美的集团: a name holding 的 is still a name; `我们认为` and `分别` are never names.
        assert_eq!(introduced_company(&["美的集团是白电巨头。", "市场担忧美的集团。", "图表 1：美的集团三大财务报表", "我们是买方。"]), Some("美的集团".into()));
    }

    #[test]
    fn industry_and_morning_notes_cover_no_company() {
        let mut weekly = Report { title: "有色金属行业周报：金价新高".into(), ..Report::default() };
        weekly.blocks.push(paragraph("紫金矿业（601899.SH）、山东黄金（600547.SH）受益。紫金矿业产量提升。"));
        assert_eq!(cover_company(&weekly), None);
        let mut list = Report { title: "板块估值跟踪".into(), ..Report::default() };
        list.blocks.push(paragraph("紫金矿业（601899.SH）、山东黄金（600547.SH）、赤峰黄金（600988.SH）。"));
        list.blocks.push(paragraph("紫金矿业、山东黄金、赤峰黄金均上涨。"));
        assert_eq!(cover_company(&list), None, "no one company dominates");
    }

    #[test]
    fn ratings_from_cover_or_text() {
        let mut report = Report { rating: Some("买入".into()), ..Report::default() };
        report.blocks.push(paragraph("我们上调盈利预测，维持“买入”评级。"));
        assert_eq!(rating(&report), Some(("买入".into(), Some(RatingAction::Maintain))));
        let mut body = Report::default();
        body.blocks.push(paragraph("首次覆盖, 给予 “买入” 评级。"));
        assert_eq!(rating(&body), Some(("买入".into(), Some(RatingAction::Initiate))));
        let mut graded = Report::default();
        graded.blocks.push(paragraph("维持买入-A 的投资评级，给予 6 个月目标价 349.3 元。"));
        assert_eq!(rating(&graded), Some(("买入".into(), Some(RatingAction::Maintain))));
        let mut boiler = Report::default();
        boiler.blocks.push(Block { boilerplate: true, ..paragraph("买入：未来 6 个月的投资收益率领先沪深 300 指数 15% 以上；公司评级") });
        assert_eq!(rating(&boiler), None, "rating definitions are not a rating");
    }

    #[test]
    fn target_prices_and_blanks() {
        assert_eq!(price_in("给予 6 个月目标价 349.3 元"), Some((349.3, "CNY".into())));
        assert_eq!(price_in("目标价 32.96 元"), Some((32.96, "CNY".into())));
        assert_eq!(price_in("目标价格（港元）：45.2"), Some((45.2, "HKD".into())));
        assert_eq!(price_in("目标价：元"), None);
        assert_eq!(price_in("目标价 2023 年有望实现"), None);
        assert_eq!(price_in("目标价空间 30%"), None);
        let table = Table { rows: vec![vec!["目标价(元)".into(), "".into()], vec!["当前股价(元)".into(), "148.90".into()]], ..Table::default() };
        let report = Report { tables: vec![table], ..Report::default() };
        assert_eq!(target_price(&report), None, "a blank target cell is null, not the next row's price");
    }

    #[test]
    fn forecast_tables() {
        let table = Table {
            header: vec!["公司盈利预测及估值".into(), "".into(), "".into(), "".into(), "".into()],
            rows: vec![
                vec!["指标".into(), "2021A".into(), "2022E".into(), "2023 E".into(), "24E".into()],
                vec!["营业收入 (百万元)".into(), "151,991".into(), "222,057".into(), "227,112".into(), "228,729".into()],
                vec!["增长率 yoy%".into(), "-29%".into(), "46%".into(), "2%".into(), "1%".into()],
                vec!["每股收益 (元)".into(), "3.29".into(), "7.41".into(), "8.29".into(), "8.72".into()],
                vec!["净资产收益率".into(), "18%".into(), "25%".into(), "22%".into(), "18%".into()],
                vec!["P/E".into(), "13.3".into(), "4.9".into(), "-".into(), "4.1".into()],
                vec!["PEG".into(), "1".into(), "1".into(), "1".into(), "1".into()],
            ],
            ..Table::default()
        };
        let found = table_forecasts(&table);
        let pick = |metric: &str, year: i32| found.iter().find(|f| f.metric == metric && f.year == year).map(|f| (f.value, f.unit.clone()));
        assert_eq!(pick("revenue", 2022), Some((222_057.0, "百万元".into())));
        assert_eq!(pick("eps", 2024), Some((8.72, "元".into())));
        assert_eq!(pick("roe", 2023), Some((22.0, "%".into())));
        assert_eq!(pick("pe", 2023), None, "a dash is no value");
        assert_eq!(pick("revenue", 2021), None, "reported years are not forecasts");
        assert_eq!(found.len(), 3 + 3 + 3 + 2);
        assert_eq!(metric("归属母公司净利润（百万元）"), Some("net_profit"));
        assert_eq!(metric("归母净利润增长率"), None);
        assert_eq!(metric("营业总收入 (百万元)"), Some("revenue"));
    }
}
