//! Chart search (`/figures?q=`): a gallery of charts and tables — each chart's thumbnail when it
//! has a public picture — with caption, source, report and date, each linking to its place in
//! the report (the preview anchor, or the full view beyond the preview).

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use maud::{html, Markup};
use yanbao_engine::{Scope, SearchRequest};

use crate::api::{query_error, run_search, search_request, SearchParams};
use crate::error::ApiError;
use crate::pages::render::PictureLinks;
use crate::pages::search::ShownHit;
use crate::pages::{kind_label, layout, html_page, safe_snippet, url_encode, PageResult};
use crate::{blocking, AppState};

/// Captions per kind on one page.
const PER_KIND: usize = 20;

/// Runs the figure and table searches and merges them by score (blocking).
fn gather(state: &AppState, params: &SearchParams) -> Result<(usize, Vec<ShownHit>), ApiError> {
    let base = search_request(params, state.config.max_query_chars, state.config.max_page_size, PER_KIND)?;
    if base.query.trim().is_empty() {
        return Ok((0, Vec::new()));
    }
    let mut total = 0;
    let mut hits = Vec::new();
    for scope in [Scope::Figures, Scope::Tables] {
        let request = SearchRequest { scope, ..base.clone() };
        let response = run_search(state, &request)?;
        total += response.total;
        hits.extend(response.hits);
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    let shown = hits.into_iter().map(|hit| ShownHit { href: AppState::hit_link(&hit), hit }).collect();
    Ok((total, shown))
}

/// Renders one card of the gallery: the chart's thumbnail (opening the chart large) when it has
/// a public picture, then caption, source, report and date, linking to its place in the report.
fn caption_card(shown: &ShownHit) -> Markup {
    let hit = &shown.hit;
    let (zh, en) = kind_label(&hit.kind);
    let beyond = shown.href.contains("/full");
    // Only a chart the public preview shows has a public picture; the rest stay captions.
    let picture = hit.figure.filter(|_| hit.previewed).map(|k| {
        let links = PictureLinks { report_id: hit.report_id.clone(), share_query: String::new() };
        (links.figure(k, true), links.figure(k, false))
    });
    html! {
        li.caption-card {
            @if let Some((thumb, large)) = &picture {
                a.thumb href=(large) title="查看大图 · open the chart" {
                    img src=(thumb) alt={ (hit.label.as_deref().unwrap_or("")) " " (hit.caption.as_deref().unwrap_or("")) } loading="lazy" decoding="async";
                }
            }
            span class={ "kind kind-" (hit.kind) } title=(en) { (zh) }
            a.caption-title href=(shown.href) {
                strong { (hit.label.as_deref().unwrap_or("")) } " " (hit.caption.as_deref().unwrap_or(""))
            }
            p.snippet { (safe_snippet(&hit.snippet)) }
            @if let Some(source) = &hit.source { p.source { "资料来源：" (source) } }
            p.hit-meta {
                a href={ "/reports/" (hit.report_id) } { (hit.title) }
                @if let Some(institution) = &hit.institution { span { (institution) } }
                @if let Some(date) = &hit.date { span { (date) } }
                @if let Some(page) = hit.page { span { "第 " (page) " 页" } }
                @if beyond { span.lock { "完整报告中 · in the full report" } }
            }
        }
    }
}

/// `GET /figures?q=`.
pub async fn page(State(state): State<Arc<AppState>>, params: Result<Query<SearchParams>, QueryRejection>) -> PageResult {
    let Query(params) = params.map_err(query_error)?;
    let query = params.q.clone().unwrap_or_default();
    let gathered_params = params.clone();
    let (total, hits) = blocking(&state, move |s| gather(s, &gathered_params)).await?;
    let body = html! {
        section.figures-page {
            h1 { "图表搜索" span.en { "Chart search" } }
            p.muted { "搜索图表与表格的标题、来源和注释。· Search the captions, sources and notes of charts and tables." }
            form.big-search action="/figures" method="get" role="search" {
                input type="search" name="q" value=(query) placeholder="例如：支持率、产能、毛利率" aria-label="图表搜索 Chart search" maxlength="256";
                button type="submit" { "搜索图表" }
            }
            @if query.trim().is_empty() {
                p.chips { @for example in ["支持率", "图1", "营业收入", "渗透率", "利率"] { a.chip href={ "/figures?q=" (url_encode(example)) } { (example) } } }
            } @else if hits.is_empty() {
                div.empty { h2 { "没有找到图表" span.en { "No charts or tables" } } p { "换个词试试，或在" a href={ "/search?q=" (url_encode(&query)) } { "全文搜索" } "中查找。" } }
            } @else {
                p.muted.summary { "共 " (total) " 个图表 · " (total) " charts and tables" }
                ol.caption-list.gallery { @for shown in &hits { (caption_card(shown)) } }
            }
        }
    };
    let title = if query.trim().is_empty() { "图表搜索".to_string() } else { format!("{query} — 图表") };
    Ok(html_page(layout(&title, &query, "figures", body)))
}
