//! The company page (`/companies/{code}`): the reports about a listed company, its rating history
//! across brokers (a chart drawn here as inline SVG: no script, so the CSP holds), target
//! prices, the brokers' forecast consensus and the reports that merely name it.

use std::sync::Arc;

use axum::extract::{Path, State};
use maud::{html, Markup};
use yanbao_engine::{CompanyOverview, Consensus, RatingPoint};
use yanbao_model::securities::RatingAction;

use crate::api::load_company;
use crate::pages::{html_page, layout, url_encode, PageResult};
use crate::{blocking, AppState};

/// Chart geometry (SVG user units): broker labels on the left, one row per broker.
const CHART_WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 130.0;
const ROW_HEIGHT: f64 = 34.0;
const AXIS_HEIGHT: f64 = 24.0;
const RIGHT_MARGIN: f64 = 40.0;

/// The class of a rating word, for its colour: buy, add (outperform), hold or sell.
fn rating_class(rating: &str) -> &'static str {
    match rating {
        "买入" | "强烈推荐" => "rating-buy",
        "中性" | "持有" | "同步大市" => "rating-hold",
        "减持" | "卖出" | "弱于大市" | "看淡" => "rating-sell",
        _ => "rating-add",
    }
}

/// A mark for a rating action on the chart: raised ▲, cut ▼, first coverage ★.
fn action_mark(action: Option<RatingAction>) -> &'static str {
    match action {
        Some(RatingAction::Upgrade) => "▲",
        Some(RatingAction::Downgrade) => "▼",
        Some(RatingAction::Initiate) => "★",
        _ => "",
    }
}

/// A rating with its action: `买入（维持）`.
fn rating_text(rating: &str, action: Option<RatingAction>) -> String {
    match action {
        Some(action) => format!("{rating}（{}）", action.as_str()),
        None => rating.to_string(),
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian), for a time axis.
fn day_number(date: &str) -> Option<i64> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The rating history as a chart: a row per broker, ratings placed by date, coloured by rating,
/// with the action marked. Ratings without a date cannot be placed and are left to the table.
fn rating_chart(ratings: &[RatingPoint]) -> Markup {
    let dated: Vec<(&RatingPoint, i64)> = ratings.iter().filter_map(|r| Some((r, day_number(r.date.as_deref()?)?))).collect();
    let mut brokers: Vec<&str> = Vec::new();
    for (rating, _) in &dated {
        let broker = rating.broker.as_deref().unwrap_or("—");
        if !brokers.contains(&broker) {
            brokers.push(broker);
        }
    }
    let (Some(first), Some(last)) = (dated.iter().map(|(_, d)| *d).min(), dated.iter().map(|(_, d)| *d).max()) else { return html! {} };
    let span = (last - first).max(1) as f64;
    let plot = CHART_WIDTH - LABEL_WIDTH - RIGHT_MARGIN;
    // A single date sits in the middle of the axis.
    let x = |day: i64| if last == first { LABEL_WIDTH + plot / 2.0 } else { LABEL_WIDTH + plot * (day - first) as f64 / span };
    let row_y = |broker: &str| brokers.iter().position(|b| *b == broker).unwrap_or(0) as f64 * ROW_HEIGHT + ROW_HEIGHT / 2.0;
    let height = brokers.len() as f64 * ROW_HEIGHT + AXIS_HEIGHT;
    let axis_y = height - AXIS_HEIGHT;
    let first_date = dated.iter().find(|(_, d)| *d == first).and_then(|(r, _)| r.date.clone()).unwrap_or_default();
    let last_date = dated.iter().find(|(_, d)| *d == last).and_then(|(r, _)| r.date.clone()).unwrap_or_default();
    html! {
        svg.rating-chart viewBox={ "0 0 " (CHART_WIDTH) " " (height) } role="img" aria-label="评级历史 · rating history" {
            @for broker in &brokers {
                text.broker x="4" y=(row_y(broker) + 4.0) { (broker) }
                line.row x1=(LABEL_WIDTH) x2=(CHART_WIDTH - RIGHT_MARGIN / 2.0) y1=(row_y(broker)) y2=(row_y(broker)) {}
            }
            line.axis x1=(LABEL_WIDTH) x2=(CHART_WIDTH - RIGHT_MARGIN / 2.0) y1=(axis_y) y2=(axis_y) {}
            text.tick x=(LABEL_WIDTH) y=(height - 6.0) { (first_date) }
            @if last != first { text.tick.end x=(x(last)) y=(height - 6.0) { (last_date) } }
            @for (rating, day) in &dated {
                @let broker = rating.broker.as_deref().unwrap_or("—");
                @let (cx, cy) = (x(*day), row_y(broker));
                a href={ "/reports/" (rating.report_id) } {
                    circle class=(rating_class(&rating.rating)) cx=(cx) cy=(cy) r="7" {
                        title { (broker) " " (rating.date.as_deref().unwrap_or("")) " " (rating_text(&rating.rating, rating.action)) }
                    }
                    text.label x=(cx) y=(cy - 10.0) { (rating.rating) (action_mark(rating.action)) }
                }
            }
        }
        p.muted.legend {
            span.swatch.rating-buy {} "买入 " span.swatch.rating-add {} "增持/推荐 " span.swatch.rating-hold {} "中性 " span.swatch.rating-sell {} "减持/卖出 · "
            "▲ 上调 ▼ 下调 ★ 首次"
        }
    }
}

/// Returns the label of a forecast metric.
fn metric_name(metric: &str) -> &str {
    match metric {
        "eps" => "EPS 每股收益",
        "net_profit" => "归母净利润",
        "revenue" => "营业收入",
        "pe" => "PE",
        "pb" => "PB",
        "roe" => "ROE",
        other => other,
    }
}

/// The consensus table: one row per year and metric.
fn consensus_table(consensus: &[Consensus]) -> Markup {
    html! {
        table.consensus {
            thead { tr { th { "年份" } th { "指标" } th { "中位数" } th { "均值" } th { "最低" } th { "最高" } th { "单位" } th { "券商数" } } }
            tbody {
                @for row in consensus {
                    tr {
                        td { (row.year) "E" } td { (metric_name(&row.metric)) }
                        td { (format!("{:.2}", row.median)) } td { (format!("{:.2}", row.mean)) } td { (format!("{:.2}", row.min)) } td { (format!("{:.2}", row.max)) }
                        td { (row.unit) } td { (row.brokers) }
                    }
                }
            }
        }
    }
}

/// Renders the company page body.
pub fn company_markup(overview: &CompanyOverview) -> Markup {
    let company = &overview.company;
    html! {
        section.company-page {
            h1 { (company.name) " " span.kind { (company.key()) } }
            @if !company.aliases.is_empty() {
                p.muted { "又称 · also " (company.aliases.iter().cloned().collect::<Vec<_>>().join("、")) }
            }
            p { a href={ "/search?q=" (url_encode(&company.name)) } { "搜索 “" (company.name) "” · search" } " · " a href={ "/entities/" (url_encode(&company.name)) } { "实体页 · entity" } }
            @if overview.reports.is_empty() {
                div.empty { p { "库中还没有关于这家公司的报告。· No report in the library covers it yet." } }
            }
            @if !overview.ratings.is_empty() {
                h2 { "评级历史" span.en { "Ratings" } }
                (rating_chart(&overview.ratings))
            }
            @if !overview.consensus.is_empty() {
                h2 { "盈利预测一致预期" span.en { "Forecast consensus" } }
                p.muted { "每家券商取其最新一篇报告 · each broker's latest report" }
                (consensus_table(&overview.consensus))
            }
            @if !overview.reports.is_empty() {
                h2 { "公司报告" span.en { "Reports" } }
                table.company-reports {
                    thead { tr { th { "日期" } th { "券商" } th { "评级" } th { "目标价" } th { "报告" } } }
                    tbody {
                        @for note in &overview.reports {
                            tr {
                                td { (note.date.as_deref().unwrap_or("")) }
                                td { (note.institution.as_deref().unwrap_or("—")) }
                                td { @if let Some(rating) = &note.rating { span class=(rating_class(rating)) { (rating_text(rating, note.rating_action)) } } }
                                td { @if let Some(price) = note.target_price { (format!("{price:.2}")) " " (note.target_currency.as_deref().unwrap_or("")) } }
                                td { a href={ "/reports/" (note.report_id) } { (note.title) } }
                            }
                        }
                    }
                }
            }
            @if !overview.mentions.is_empty() {
                h2 { "提及的报告" span.en { "Mentioned in" } }
                ul.report-list {
                    @for mention in &overview.mentions {
                        li { a href={ "/reports/" (mention.report_id) } { (mention.title) } span.muted { " " (mention.date.as_deref().unwrap_or("")) " · " (mention.mentions) " 次" } }
                    }
                }
            }
        }
    }
}

/// `GET /companies/{code}`.
pub async fn page(State(state): State<Arc<AppState>>, Path(code): Path<String>) -> PageResult {
    let overview = blocking(&state, move |s| load_company(s, &code)).await?;
    Ok(html_page(layout(&overview.company.name, "", "", company_markup(&overview))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(broker: &str, date: &str, rating: &str, action: Option<RatingAction>) -> RatingPoint {
        RatingPoint { broker: Some(broker.into()), date: Some(date.into()), rating: rating.into(), action, report_id: "ab".into() }
    }

    #[test]
    fn days_count_from_the_epoch() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(day_number("2024-03-01").zip(day_number("2024-02-28")).map(|(a, b)| a - b), Some(2), "a leap year");
        assert_eq!(day_number("2024-13"), None);
    }

    #[test]
    fn the_chart_has_a_row_per_broker_and_a_mark_per_rating() {
        let ratings = [
            point("甲证券", "2024-01-15", "增持", Some(RatingAction::Initiate)),
            point("乙证券<script>", "2024-02-20", "买入", Some(RatingAction::Maintain)),
            point("甲证券", "2024-03-25", "买入", Some(RatingAction::Upgrade)),
        ];
        let svg = rating_chart(&ratings).into_string();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert_eq!(svg.matches("class=\"broker\"").count(), 2);
        assert!(svg.contains("买入▲") && svg.contains("增持★"), "{svg}");
        assert!(svg.contains("class=\"rating-buy\"") && svg.contains("class=\"rating-add\""));
        assert!(!svg.contains("<script>") && !svg.contains("style="), "text escaped, colours from the stylesheet");
        assert!(rating_chart(&[]).into_string().is_empty());
    }
}
