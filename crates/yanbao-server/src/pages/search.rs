//! The search page (`/`, `/search?q=`): one box, results switchable by kind, highlighted
//! snippets, facets that narrow the search, paging, and an empty state that helps.
//!
//! In scopes all and paragraphs the hits are one per report (the engine groups them): each shows
//! its best passage, then "N more in this report" — the next few passages folded in a
//! `<details>`, and a link to the same search within that report.

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use maud::{html, Markup};
use yanbao_engine::{Facets, Hit, ReportSummary, Scope, SearchRequest, SearchResponse};

use crate::api::{query_error, run_search, search_request, SearchParams};
use crate::error::{from_engine, ApiError};
use crate::pages::{kind_label, layout, html_page, query_string, safe_snippet, url_encode, PageResult};
use crate::{blocking, AppState};

/// Hits per page on the web.
pub const PAGE_SIZE: usize = 10;

/// The tabs: scope name, Chinese and English label.
const TABS: [(&str, &str, &str); 6] = [
    ("all", "全部", "All"),
    ("reports", "报告", "Reports"),
    ("paragraphs", "段落", "Paragraphs"),
    ("figures", "图", "Charts"),
    ("tables", "表", "Tables"),
    ("events", "事件", "Events"),
];

/// A hit ready to show: the hit and the link to its place.
#[derive(Debug, Clone)]
pub struct ShownHit {
    /// The hit.
    pub hit: Hit,
    /// Where it links.
    pub href: String,
}

/// What the search page shows.
#[derive(Debug, Clone, Default)]
pub struct SearchView {
    /// Parameters as asked (for links that keep them).
    pub params: SearchParams,
    /// The request run.
    pub request: SearchRequest,
    /// The answer, when a query was asked.
    pub response: Option<SearchResponse>,
    /// Hits with their links.
    pub hits: Vec<ShownHit>,
    /// Counts per kind over all kinds (for the tabs).
    pub kind_counts: Vec<(String, u64)>,
    /// Suggestions: hot then recent queries.
    pub hot: Vec<String>,
    /// Recent queries.
    pub recent: Vec<String>,
    /// Newest reports (empty state).
    pub newest: Vec<ReportSummary>,
    /// Reports in the library.
    pub report_count: u64,
}

/// Returns the parameters as link pairs, with `overrides` replacing or removing (empty) values.
fn link(params: &SearchParams, overrides: &[(&str, &str)]) -> String {
    let base: [(&str, Option<&String>); 11] = [
        ("q", params.q.as_ref()),
        ("in", params.scope.as_ref()),
        ("report", params.report.as_ref()),
        ("group", params.group.as_ref()),
        ("institution", params.institution.as_ref()),
        ("author", params.author.as_ref()),
        ("company", params.company.as_ref()),
        ("year", params.year.as_ref()),
        ("language", params.language.as_ref()),
        ("from", params.from.as_ref()),
        ("to", params.to.as_ref()),
    ];
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for (key, value) in base {
        let value = overrides.iter().find(|(k, _)| *k == key).map(|(_, v)| *v).or(value.map(String::as_str)).unwrap_or("");
        pairs.push((key, value));
    }
    for (key, value) in overrides {
        if key == &"page" {
            pairs.push((key, value));
        }
    }
    format!("/search{}", query_string(&pairs))
}

/// Gathers what the page shows (blocking: runs searches and store reads).
fn gather(state: &AppState, params: SearchParams) -> Result<SearchView, ApiError> {
    let mut request = search_request(&params, state.config.max_query_chars, state.config.max_page_size, PAGE_SIZE)?;
    request.with_facets = true;
    let mut view = SearchView { params, ..SearchView::default() };
    let has_filters = request.institution.is_some() || request.author.is_some() || request.company.is_some() || request.year.is_some() || request.language.is_some();
    if request.query.trim().is_empty() && !has_filters {
        view.newest = state.library.list(0, 8).map_err(from_engine)?;
        view.report_count = state.library.store().stats().map_err(|e| ApiError::internal(e.to_string()))?.reports;
    } else {
        let response = run_search(state, &request)?;
        view.kind_counts = if request.scope == Scope::All {
            response.facets.as_ref().map(|f| f.kind.clone()).unwrap_or_default()
        } else {
            // Only the kind counts are wanted: no grouping work.
            let all = SearchRequest { scope: Scope::All, limit: 1, offset: 0, group_by_report: Some(false), ..request.clone() };
            state.library.search(&all).map_err(from_engine)?.facets.map(|f| f.kind).unwrap_or_default()
        };
        view.hits = response.hits.iter().map(|hit| ShownHit { href: AppState::hit_link(hit), hit: hit.clone() }).collect();
        view.response = Some(response);
    }
    if let Ok(log) = state.queries.lock() {
        view.hot = log.hot(8);
        view.recent = log.recent();
    }
    view.request = request;
    Ok(view)
}

/// `GET /` and `GET /search`.
pub async fn page_handler(state: Arc<AppState>, params: SearchParams) -> PageResult {
    let query = params.q.clone().unwrap_or_default();
    let view = blocking(&state, move |s| gather(s, params)).await?;
    let title = if query.trim().is_empty() { "搜索".to_string() } else { format!("{query} — 搜索") };
    Ok(html_page(layout(&title, &query, "search", render(&view))))
}

/// `GET /` and `GET /search`.
pub async fn page(State(state): State<Arc<AppState>>, params: Result<Query<SearchParams>, QueryRejection>) -> PageResult {
    let Query(params) = params.map_err(query_error)?;
    page_handler(state, params).await
}

/// Returns the label of a hit's kind: a heading or a list is named as such, not 段落.
pub fn hit_kind_label(hit: &Hit) -> (&'static str, &'static str) {
    match hit.block_kind.as_deref() {
        Some("heading") => ("标题", "Heading"),
        Some("list") => ("列表", "List"),
        _ => kind_label(&hit.kind),
    }
}

/// Returns the CSS class of a hit's kind label (`kind-heading` for headings).
fn hit_kind_class(hit: &Hit) -> String {
    match hit.block_kind.as_deref() {
        Some(kind @ ("heading" | "list")) => format!("kind kind-{kind}"),
        _ => format!("kind kind-{}", hit.kind),
    }
}

/// Renders the other passages of a grouped hit's report: the best few, folded, and the link to
/// the same search within that report.
fn more_in_report(hit: &Hit, params: &SearchParams) -> Markup {
    let within = link(params, &[("report", hit.report_id.as_str()), ("in", "paragraphs"), ("group", ""), ("page", "")]);
    html! {
        @if hit.more_in_report > 0 {
            details.more-in-report {
                summary { "本报告另有 " (hit.more_in_report) " 处匹配 · " (hit.more_in_report) " more in this report" }
                ol.more-hits {
                    @for more in &hit.more_hits {
                        @let (zh, en) = hit_kind_label(more);
                        li {
                            span class=(hit_kind_class(more)) title=(en) { (zh) }
                            " "
                            a href=(AppState::hit_link(more)) {
                                @if let Some(page) = more.page { "第 " (page) " 页" } @else { "查看 · open" }
                            }
                            p.snippet { (safe_snippet(&more.snippet)) }
                        }
                    }
                }
                a.within href=(within) { "在本报告中查看全部 " (hit.more_in_report + 1) " 处 · all " (hit.more_in_report + 1) " in this report" }
            }
        }
    }
}

/// Renders one hit (with its report's other passages when the search is grouped).
pub fn hit_markup(shown: &ShownHit, params: &SearchParams) -> Markup {
    let hit = &shown.hit;
    let (zh, en) = hit_kind_label(hit);
    html! {
        li.hit {
            div.hit-head {
                span class=(hit_kind_class(hit)) title=(en) { (zh) }
                a.hit-title href=(shown.href) {
                    @if let Some(label) = &hit.label { (label) " " (hit.caption.as_deref().unwrap_or("")) " — " }
                    (hit.title)
                }
            }
            p.snippet { (safe_snippet(&hit.snippet)) }
            p.hit-meta {
                @if let Some(institution) = &hit.institution { span { (institution) } }
                @if let Some(when) = hit.event_date.clone().or_else(|| yanbao_model::report_when(hit.date.as_deref(), hit.year)) { span { (when) } }
                @if let Some(page) = hit.page { span { "第 " (page) " 页" } }
                @if let Some(source) = &hit.source { span { "资料来源：" (source) } }
                @if hit.other_files > 0 { span.other-files title={ "also in " (hit.other_files) " other files" } { "另有 " (hit.other_files) " 个文件 · also in " (hit.other_files) " other files" } }
            }
            (more_in_report(hit, params))
        }
    }
}

/// Returns how a facet value reads (language codes as names).
fn facet_value_label<'a>(key: &str, value: &'a str) -> &'a str {
    match (key, value) {
        ("language", "zh") => "中文",
        ("language", "en") => "English",
        _ => value,
    }
}

/// Renders one facet group.
fn facet_group(view: &SearchView, key: &str, zh: &str, en: &str, values: &[(String, u64)]) -> Markup {
    let active = match key {
        "institution" => view.params.institution.as_deref(),
        "author" => view.params.author.as_deref(),
        "company" => view.params.company.as_deref(),
        "year" => view.params.year.as_deref(),
        "language" => view.params.language.as_deref(),
        _ => None,
    }
    .filter(|v| !v.trim().is_empty());
    html! {
        @if !values.is_empty() || active.is_some() {
            div.facet {
                h3 { (zh) span.en { (en) } }
                ul {
                    @if let Some(active) = active {
                        li.active { (active) " " a.remove href=(link(&view.params, &[(key, "")])) title="移除筛选 remove" { "×" } }
                    }
                    @for (value, count) in values.iter().take(12) {
                        @if Some(value.as_str()) != active {
                            li { a href=(link(&view.params, &[(key, value.as_str())])) { (facet_value_label(key, value)) } span.count { (count) } }
                        }
                    }
                }
            }
        }
    }
}

/// Renders the facets column.
fn facets(view: &SearchView, facets: &Facets) -> Markup {
    html! {
        aside.facets {
            (facet_group(view, "institution", "机构", "Institution", &facets.institution))
            (facet_group(view, "company", "公司", "Company", &facets.company))
            (facet_group(view, "author", "作者", "Author", &facets.author))
            (facet_group(view, "year", "年份", "Year", &facets.year))
            (facet_group(view, "language", "语言", "Language", &facets.language))
        }
    }
}

/// Renders query suggestions.
fn suggestions(view: &SearchView) -> Markup {
    let mut shown: Vec<&String> = Vec::new();
    for q in view.hot.iter().chain(view.recent.iter()) {
        if !shown.contains(&q) {
            shown.push(q);
        }
    }
    let examples = ["中美关系", "拜登", "气候合作", "新能源汽车", "晶圆代工", "美联储加息"];
    html! {
        div.suggest {
            @if !shown.is_empty() {
                h3 { "热门与最近搜索" span.en { "Hot & recent" } }
                p.chips { @for q in shown.iter().take(12) { a.chip href={ "/search?q=" (url_encode(q)) } { (q) } } }
            }
            h3 { "试试" span.en { "Try" } }
            p.chips { @for q in examples { a.chip href={ "/search?q=" (url_encode(q)) } { (q) } } }
        }
    }
}

/// Renders the line above the hits: passages found, and in how many reports when grouped.
fn summary(response: &SearchResponse) -> Markup {
    let took = format!("{:.1}", response.took_ms);
    let total = response.total_text();
    html! {
        p.muted.summary {
            @match response.total_reports.filter(|_| response.grouped) {
                Some(reports) => { "共 " (total) " 条结果，来自 " (reports) " 份报告 · " (total) " results in " (reports) " reports · " (took) " ms" }
                None => { "共 " (total) " 条结果 · " (total) " results · " (took) " ms" }
            }
        }
    }
}

/// Renders the paging links; `total` counts what a page holds (reports when grouped).
fn paging(view: &SearchView, total: usize) -> Markup {
    let limit = view.request.limit.max(1);
    let current = view.request.offset / limit + 1;
    let last = total.div_ceil(limit).clamp(1, 10_000 / limit + 1);
    let first_shown = current.saturating_sub(3).max(1);
    let last_shown = (current + 3).min(last);
    html! {
        @if last > 1 {
            nav.paging aria-label="分页" {
                @if current > 1 { a href=(link(&view.params, &[("page", (current - 1).to_string().as_str())])) { "‹ 上一页" } }
                @for number in first_shown..=last_shown {
                    @if number == current { span.current { (number) } }
                    @else { a href=(link(&view.params, &[("page", number.to_string().as_str())])) { (number) } }
                }
                @if current < last { a href=(link(&view.params, &[("page", (current + 1).to_string().as_str())])) { "下一页 ›" } }
            }
        }
    }
}

/// Renders the whole search page body.
pub fn render(view: &SearchView) -> Markup {
    let scope = view.request.scope.as_str();
    html! {
        @match &view.response {
            None => {
                section.hero {
                    h1 { "研报库" span.en { "Research report library" } }
                    p { "搜索 " (view.report_count) " 份研报的全文、段落、图表与事件。· Search the full text, paragraphs, charts and events of " (view.report_count) " reports." }
                    form.big-search action="/search" method="get" role="search" {
                        input type="search" name="q" placeholder="例如：中美元首 会晤" autofocus aria-label="搜索 Search" maxlength="256";
                        button type="submit" { "搜索" }
                    }
                    (suggestions(view))
                }
                @if !view.newest.is_empty() {
                    section.newest {
                        h2 { "最新收录" span.en { "Newest" } }
                        ul.report-list {
                            @for summary in &view.newest {
                                li {
                                    a href={ "/reports/" (summary.id) } { (summary.title) }
                                    span.muted { " " (summary.institution.as_deref().unwrap_or("")) " " (yanbao_model::report_when(summary.date.as_deref(), summary.year).unwrap_or_default()) }
                                }
                            }
                        }
                    }
                }
            }
            Some(response) => {
                nav.tabs aria-label="结果类型" {
                    @for (key, zh, en) in TABS {
                        @let count: u64 = if key == "all" { view.kind_counts.iter().map(|(_, n)| n).sum() } else { view.kind_counts.iter().find(|(k, _)| k.as_str() == key.trim_end_matches('s') || k.as_str() == key).map(|(_, n)| *n).unwrap_or(0) };
                        a href=(link(&view.params, &[("in", key), ("page", "")])) class=@if key == scope { "active" } {
                            (zh) span.en { (en) } span.count { (count) }
                        }
                    }
                }
                div.results-layout {
                    @if let Some(found) = &response.facets { (facets(view, found)) }
                    section.results {
                        (summary(response))
                        @if let Some(report) = view.request.report.as_deref() {
                            p.within-report {
                                "仅在一份报告中搜索 · within one report: "
                                a href={ "/reports/" (report) } { (view.hits.first().map(|shown| shown.hit.title.as_str()).unwrap_or(report)) }
                                " " a.remove href=(link(&view.params, &[("report", ""), ("in", ""), ("page", "")])) title="搜索全部报告 all reports" { "×" }
                            }
                        }
                        @if view.hits.is_empty() {
                            div.empty {
                                h2 { "没有找到结果" span.en { "No results" } }
                                p { "换个说法、减少关键词，或去掉筛选条件。中文可直接输入词语，如“元首会晤”；英文不区分大小写。" }
                                p { a href=(link(&view.params, &[("institution", ""), ("author", ""), ("company", ""), ("year", ""), ("language", ""), ("in", ""), ("from", ""), ("to", "")])) { "去掉所有筛选 · clear all filters" } }
                                (suggestions(view))
                            }
                        } @else {
                            ol.hits { @for shown in &view.hits { (hit_markup(shown, &view.params)) } }
                            (paging(view, if response.grouped { response.total_reports.unwrap_or(response.total) } else { response.total }))
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_filters_and_replace_one() {
        let params = SearchParams { q: Some("拜登".into()), institution: Some("光大证券".into()), ..SearchParams::default() };
        let href = link(&params, &[("year", "2021")]);
        assert!(href.starts_with("/search?q=%E6%8B%9C%E7%99%BB"));
        assert!(href.contains("institution=") && href.contains("year=2021"));
        assert!(!link(&params, &[("institution", "")]).contains("institution"));
        assert!(link(&params, &[("page", "2")]).ends_with("page=2"));
    }
}
