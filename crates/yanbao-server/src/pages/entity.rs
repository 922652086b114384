//! The entity page (`/entities/{name}`): the reports naming an entity, its events and the
//! entities named alongside it.

use std::sync::Arc;

use axum::extract::{Path, State};
use maud::html;

use crate::error::from_engine;
use crate::pages::timeline::{days_markup, group_by_day};
use crate::pages::{layout, html_page, url_encode, PageResult};
use crate::{blocking, AppState};

/// Returns the Chinese label of an entity kind.
fn kind_name(kind: &str) -> &'static str {
    match kind {
        "person" => "人物",
        "org" => "机构",
        "company" => "公司",
        "place" => "地点",
        _ => "其他",
    }
}

/// `GET /entities/{name}`.
pub async fn page(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> PageResult {
    crate::api::name_param("entity name", &name, state.config.max_query_chars)?;
    let (overview, events) = blocking(&state, move |s| {
        let overview = s.library.entity(&name).map_err(from_engine)?;
        let events = crate::pages::timeline::with_citation_links(s, overview.events.clone());
        Ok((overview, events))
    })
    .await?;
    let days = group_by_day(events);
    let body = html! {
        section.entity-page {
            h1 { (overview.name) @if let Some(kind) = &overview.kind { " " span.kind { (kind_name(kind)) } } }
            p { a href={ "/search?q=" (url_encode(&overview.name)) } { "搜索 “" (overview.name) "” · search" } " · " a href={ "/timeline?entity=" (url_encode(&overview.name)) } { "时间线 · timeline" } }
            @if overview.reports.is_empty() {
                div.empty { p { "没有报告提到这个名字。· No report names it." } }
            } @else {
                h2 { "提及的报告" span.en { "Reports" } }
                ul.report-list {
                    @for mention in &overview.reports {
                        li { a href={ "/reports/" (mention.report_id) } { (mention.title) } span.muted { " " (mention.date.as_deref().unwrap_or("")) " · " (mention.mentions) " 次" } }
                    }
                }
            }
            @if !overview.co_mentioned.is_empty() {
                h2 { "同时提及" span.en { "Mentioned with" } }
                p.chips { @for (other, _, shared) in &overview.co_mentioned { a.chip href={ "/entities/" (url_encode(other)) } { (other) span.count { (shared) } } } }
            }
            @if !days.is_empty() {
                h2 { "事件" span.en { "Events" } }
                (days_markup(&days))
            }
        }
    };
    Ok(html_page(layout(&overview.name, "", "", body)))
}
