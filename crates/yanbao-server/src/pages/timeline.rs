//! The timeline page (`/timeline`): dated events across the library, grouped by day on a
//! vertical, scrollable line, each linked to its report and place.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use maud::{html, Markup};
use yanbao_engine::TimelineEntry;

use crate::api::{query_error, timeline_query, TimelineParams};
use crate::error::from_engine;
use crate::pages::{layout, html_page, url_encode, PageResult};
use crate::{blocking, AppState};

/// Entries of one day, with the link of each citation.
#[derive(Debug, Clone)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Entries with their citation links.
    pub entries: Vec<(TimelineEntry, Vec<String>)>,
}

/// Pairs each entry with the links of its citations (all placed with one index lookup).
pub fn with_citation_links(state: &AppState, entries: Vec<TimelineEntry>) -> Vec<(TimelineEntry, Vec<String>)> {
    let places: Vec<(&str, usize)> = entries.iter().flat_map(|e| e.citations.iter().map(|c| (c.report_id.as_str(), c.block))).collect();
    let mut links = state.citation_links(&places).into_iter();
    let counts: Vec<usize> = entries.iter().map(|e| e.citations.len()).collect();
    entries.into_iter().zip(counts).map(|(entry, count)| (entry, links.by_ref().take(count).collect())).collect()
}

/// Groups entries (already in date order) by day.
pub fn group_by_day(entries: Vec<(TimelineEntry, Vec<String>)>) -> Vec<Day> {
    let mut days: Vec<Day> = Vec::new();
    for (entry, links) in entries {
        match days.last_mut() {
            Some(day) if day.date == entry.date => day.entries.push((entry, links)),
            _ => days.push(Day { date: entry.date.clone(), entries: vec![(entry, links)] }),
        }
    }
    days
}

/// Returns a precision marker for dates less exact than a day.
fn precision_note(precision: &str) -> &'static str {
    match precision {
        "month" => "（月）",
        "quarter" => "（季度）",
        "half" => "（半年）",
        "year" => "（年）",
        "range" => "（区间）",
        _ => "",
    }
}

/// Renders the days.
pub fn days_markup(days: &[Day]) -> Markup {
    html! {
        ol.timeline {
            @for day in days {
                li.day {
                    h2.day-date id={ "d" (day.date) } { (day.date) }
                    ul {
                        @for (entry, links) in &day.entries {
                            li.event {
                                p {
                                    @if !precision_note(&entry.precision).is_empty() { span.muted { (precision_note(&entry.precision)) } }
                                    @if let Some(end) = &entry.date_end { span.muted { "至 " (end) " " } }
                                    (entry.text)
                                }
                                @if !entry.actors.is_empty() {
                                    p.chips { @for actor in &entry.actors { a.chip href={ "/entities/" (url_encode(actor)) } { (actor) } } }
                                }
                                @if !entry.numbers.is_empty() {
                                    p.chips.numbers { @for number in &entry.numbers { span.chip.number { (number) } } }
                                }
                                p.citations {
                                    @for (citation, href) in entry.citations.iter().zip(links) {
                                        a href=(href) { "《" (citation.title) "》" }
                                        span.muted { " " (if citation.origin == "table" { "表格" } else { "正文" }) " " }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// `GET /timeline?from&to&entity`.
pub async fn page(State(state): State<Arc<AppState>>, params: Result<Query<TimelineParams>, QueryRejection>) -> PageResult {
    let Query(params) = params.map_err(query_error)?;
    let (from, to, entity, limit) = timeline_query(&params, state.config.max_query_chars)?;
    let (from_q, to_q, entity_q) = (from.clone(), to.clone(), entity.clone());
    let entries = blocking(&state, move |s| {
        let entries = s.library.timeline(from_q.as_deref(), to_q.as_deref(), entity_q.as_deref(), limit).map_err(from_engine)?;
        Ok(with_citation_links(s, entries))
    })
    .await?;
    let count = entries.len();
    let days = group_by_day(entries);
    let body = html! {
        section.timeline-page {
            h1 { "时间线" span.en { "Timeline" } }
            form.filters action="/timeline" method="get" {
                label { "从 From " input type="text" name="from" value=(params.from.as_deref().unwrap_or("")) placeholder="2021-09" size="10"; }
                label { "到 To " input type="text" name="to" value=(params.to.as_deref().unwrap_or("")) placeholder="2021-12-31" size="10"; }
                label { "实体 Entity " input type="text" name="entity" value=(entity.as_deref().unwrap_or("")) placeholder="拜登" size="12"; }
                button type="submit" { "筛选" }
            }
            p.muted { (count) " 个事件，" (days.len()) " 天 · " (count) " events on " (days.len()) " days" }
            @if days.is_empty() {
                div.empty { p { "这段时间没有事件。放宽日期范围或去掉实体筛选。· No events here: widen the dates or drop the entity." } }
            } @else {
                (days_markup(&days))
            }
        }
    };
    Ok(html_page(layout("时间线", "", "timeline", body)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(date: &str, text: &str) -> (TimelineEntry, Vec<String>) {
        (TimelineEntry { date: date.into(), date_end: None, precision: "day".into(), text: text.into(), actors: vec![], numbers: vec![], citations: vec![] }, vec![])
    }

    #[test]
    fn entries_are_grouped_by_day_in_order() {
        let days = group_by_day(vec![entry("2021-09-10", "a"), entry("2021-09-10", "b"), entry("2021-11-16", "c")]);
        assert_eq!(days.len(), 2);
        assert_eq!(days[0].entries.len(), 2);
        assert_eq!(days[1].date, "2021-11-16");
    }
}
