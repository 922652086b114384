//! The report pages: the public preview (`/reports/{id}`) ending with the notice, the
//! full-report link and its QR code, and the full text (`/reports/{id}/full`, authorised).

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use maud::{html, Markup};
use yanbao_model::Report;

use crate::api::load_preview;
use crate::auth::{self, ShareParams};
use crate::error::{from_engine, ApiError};
use crate::pages::render::{blocks, metadata_card, outline, page_pictures, PictureLinks};
use crate::pages::{layout, html_page, qr_svg, url_encode, PageResult};
use crate::preview::{preview_of, PreviewBlock, PreviewCut, PreviewEnd, PreviewSection, ReportPreview};
use crate::{blocking, AppState};

/// Renders the card that ends a preview: notice, link, QR code.
pub fn preview_end(end: &PreviewEnd) -> Markup {
    html! {
        section.card.preview-end id="preview-end" {
            p.notice { (end.notice) }
            @if let Some(url) = &end.full_report_url {
                div.end-body {
                    div {
                        a.full-link href=(url) rel="nofollow" { (breakable_url(url)) }
                        @if end.body_blocks > 0 {
                            p.muted { "预览显示 " (end.shown_blocks) " / " (end.body_blocks) " 段 · showing " (end.shown_blocks) " of " (end.body_blocks) " blocks" }
                        }
                    }
                    @if let Some(svg) = qr_svg(url) { div.qr-box { (svg) } }
                }
            } @else {
                p.muted { "暂无完整报告链接 · no full-report link" }
            }
        }
    }
}

/// Renders a URL as text that wraps only between its parts — after a `/` of the path or the `?`
/// (browsers never break before a `?`), before `&` and `#` — so a narrow screen never splits a
/// parameter such as a report id.
fn breakable_url(url: &str) -> Markup {
    let mut parts: Vec<&str> = Vec::new();
    let mut start = 0;
    for (i, c) in url.char_indices() {
        let next = url[i + c.len_utf8()..].chars().next();
        if matches!(c, '&' | '#') && i > start {
            parts.push(&url[start..i]);
            start = i;
        } else if next.is_some() && (c == '?' || (c == '/' && next != Some('/') && !url[..i].ends_with('/'))) {
            parts.push(&url[start..=i]);
            start = i + 1;
        }
    }
    parts.push(&url[start..]);
    html! {
        @for (n, part) in parts.iter().enumerate() {
            @if n > 0 { wbr; }
            (part)
        }
    }
}

/// Says that this file is another copy of a stored report (searched through that one).
fn copy_note(preview: &ReportPreview) -> Markup {
    html! {
        @if let Some(original) = &preview.duplicate_of {
            p.muted.copy-note {
                "此文件是另一份报告的副本，检索时归入 · another file of report "
                a href={ "/reports/" (original) } { (original) }
            }
        }
    }
}

/// Renders a report's entities as links to their pages: a company with its code to its company
/// page, any other name to its entity page.
fn entity_links(report: &Report) -> Markup {
    html! {
        @if !report.entities.is_empty() {
            section.card {
                h2 { "实体" span.en { "Entities" } }
                p.chips {
                    @for entity in report.entities.iter().take(60) {
                        @let href = match &entity.code {
                            Some(code) if entity.kind == yanbao_model::EntityKind::Company => format!("/companies/{}", url_encode(code)),
                            _ => format!("/entities/{}", url_encode(&entity.name)),
                        };
                        a.chip href=(href) { (entity.name) span.count { (entity.mentions) } }
                    }
                }
            }
        }
    }
}

/// True when a block only repeats the report title (the first heading of text sources).
fn repeats_title(block: &PreviewBlock, title: &str) -> bool {
    block.block.kind == yanbao_model::BlockKind::Heading && yanbao_model::normalize::fold(&block.block.text) == yanbao_model::normalize::fold(title)
}

/// Returns the blocks to render: the title heading, already in the card, is left out.
fn body_blocks(shown: &[PreviewBlock], title: &str) -> Vec<PreviewBlock> {
    shown.iter().enumerate().filter(|(position, block)| !(*position == 0 && repeats_title(block, title))).map(|(_, block)| block.clone()).collect()
}

/// Returns the outline without the entry of a left-out title heading.
fn outline_without_title(entries: &[yanbao_model::OutlineEntry], shown: &[PreviewBlock], title: &str) -> Vec<yanbao_model::OutlineEntry> {
    let left_out = shown.first().filter(|block| repeats_title(block, title)).map(|block| block.index);
    entries.iter().filter(|entry| Some(entry.block) != left_out).cloned().collect()
}

/// Renders the preview's outline card: every section title of the report (titles are what a
/// reader decides on), those shown linking to their heading, the others marked as in the full
/// report. A title repeating the report's, already in the card above, is left out.
fn preview_outline(preview: &ReportPreview) -> Markup {
    let left_out = preview.blocks.first().filter(|block| repeats_title(block, &preview.title)).map(|block| block.index);
    let sections: Vec<&PreviewSection> = preview.sections.iter().filter(|section| Some(section.block) != left_out).collect();
    let beyond = sections.iter().filter(|section| !section.in_preview).count();
    html! {
        @if !sections.is_empty() {
            nav.card.outline aria-label="目录" {
                h2 { "目录" span.en { "Outline" } }
                ol {
                    @for section in &sections {
                        @if section.in_preview {
                            li class={ "level" (section.level.clamp(1, 4)) } { a href={ "#b" (section.block) } { (section.title) } }
                        } @else {
                            li class={ "beyond level" (section.level.clamp(1, 4)) } title="完整报告中 · in the full report" { (section.title) }
                        }
                    }
                }
                @if beyond > 0 {
                    p.muted { "其中 " (beyond) " 节在完整报告中 · " (beyond) " sections in the full report" }
                }
            }
        }
    }
}

/// Renders the preview page body. A PDF whose first pages lie wholly before the cut shows them
/// as pictures, as report-sharing sites do, with the preview's text kept below them (folded) for
/// search engines and screen readers; any other report shows its text.
pub fn preview_markup(preview: &ReportPreview) -> Markup {
    let links = PictureLinks { report_id: preview.id.clone(), share_query: String::new() };
    let text = blocks(&body_blocks(&preview.blocks, &preview.title), &preview.outline, &preview.tables, &preview.figures, &links);
    html! {
        article.report {
            (metadata_card(preview))
            (copy_note(preview))
            (preview_outline(preview))
            @if preview.page_pictures > 0 {
                (page_pictures(preview.page_pictures, &links))
                details.card.preview-text {
                    summary { "预览文字 " span.en { "Text of the preview" } }
                    div.body { (text) }
                }
            } @else {
                div.body { (text) }
            }
            (preview_end(&preview.end))
        }
    }
}

/// `GET /reports/{id}`: the public preview.
pub async fn preview_page(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> PageResult {
    if !yanbao_engine::is_report_id(&id) {
        return Err(ApiError::report_not_found(&id).into());
    }
    let id = id.to_ascii_lowercase();
    let preview = blocking(&state, move |s| load_preview(s, &id)).await?;
    Ok(html_page(layout(&preview.title, "", "", preview_markup(&preview))))
}

/// Returns a cut that shows every block (boilerplate included) for authorised readers.
fn full_cut(report: &Report) -> PreviewCut {
    PreviewCut { shown: (0..report.blocks.len()).collect(), end: report.blocks.len(), truncated: false }
}

/// Renders the full report; `share_query` is the share link it was opened with (`exp=…&sig=…`,
/// else empty), carried to its pictures.
pub fn full_markup(report: &Report, share_query: &str) -> Markup {
    let full = preview_of(report, &full_cut(report), None);
    let links = PictureLinks { report_id: report.id.clone(), share_query: share_query.to_string() };
    html! {
        article.report {
            (metadata_card(&full))
            (copy_note(&full))
            p.badge-full { "完整报告 · Full report" }
            (outline(&outline_without_title(&full.outline, &full.blocks, &full.title), 0))
            div.body { (blocks(&body_blocks(&full.blocks, &full.title), &full.outline, &full.tables, &full.figures, &links)) }
            (entity_links(report))
        }
    }
}

/// `GET /reports/{id}/full`: the whole report, for a token holder or a share link.
pub async fn full_page(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap, share: Result<Query<ShareParams>, axum::extract::rejection::QueryRejection>) -> PageResult {
    if !yanbao_engine::is_report_id(&id) {
        return Err(ApiError::report_not_found(&id).into());
    }
    let id = id.to_ascii_lowercase();
    let share = share.map(|Query(s)| s).unwrap_or_default();
    let (report, share_query) = blocking(&state, move |s| {
        let report = s.library.get(&id).map_err(from_engine)?.ok_or_else(|| ApiError::report_not_found(&id))?;
        let grant = auth::require_reader(&s.library, &headers, &id, &share, auth::now_seconds())?;
        // A reader who came by a share link fetches the pictures with it (the link was checked:
        // its values are a number and hex).
        let share_query = match (grant, &share.exp, &share.sig) {
            (auth::Grant::ShareLink, Some(exp), Some(sig)) => format!("exp={}&sig={}", url_encode(exp.trim()), url_encode(sig.trim())),
            _ => String::new(),
        };
        Ok((report, share_query))
    })
    .await?;
    Ok(html_page(layout(&report.title, "", "", full_markup(&report, &share_query))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preview::{cut, PreviewPolicy};
    use yanbao_model::{Block, BlockKind, Figure, Table};

    fn hostile_report() -> Report {
        let script = "<script>alert(1)</script>";
        Report {
            id: "ab12".into(),
            title: format!("标题{script}"),
            institution: Some(format!("机构{script}")),
            language: "zh".into(),
            blocks: vec![
                Block { kind: BlockKind::Paragraph, text: format!("段落{script}&amp;"), ..Block::default() },
                Block { kind: BlockKind::Table, text: "表 1".into(), ..Block::default() },
                Block { kind: BlockKind::Figure, text: "图 1".into(), ..Block::default() },
            ],
            tables: vec![Table { label: "表 1".into(), caption: script.into(), header: vec![script.into()], rows: vec![vec![script.into()]], source: Some(script.into()), block: 1, ..Table::default() }],
            figures: vec![Figure { label: "图 1".into(), caption: script.into(), notes: Some(script.into()), block: 2, ..Figure::default() }],
            ..Report::default()
        }
    }

    #[test]
    fn report_text_renders_as_text_never_as_markup() {
        let report = hostile_report();
        let preview = preview_of(&report, &cut(&report, &PreviewPolicy::Fraction(1.0)), Some("http://x/\"><script>".into()));
        for html in [preview_markup(&preview).into_string(), full_markup(&report, "").into_string()] {
            assert!(!html.contains("<script>"), "{html}");
            assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
            assert!(html.contains("&amp;amp;"), "text that looks like an entity stays text");
        }
    }

    #[test]
    fn the_end_card_has_notice_link_and_qr() {
        let end = PreviewEnd { truncated: true, notice: "预览已结束，完整报告链接和二维码如下".into(), full_report_url: Some("https://example.com/r?id=1".into()), shown_blocks: 3, body_blocks: 9 };
        let html = preview_end(&end).into_string();
        assert!(html.contains("预览已结束，完整报告链接和二维码如下"));
        assert!(html.contains("href=\"https://example.com/r?id=1\""));
        assert!(html.contains("<svg"));
    }

    #[test]
    fn the_full_report_link_wraps_between_parts_never_inside_the_id() {
        let url = "https://www.yunbaogao.cn/report/index/report?reportId=1_29530&from=x#top";
        let shown = breakable_url(url).into_string();
        assert_eq!(shown, "https://www.yunbaogao.cn/<wbr>report/<wbr>index/<wbr>report?<wbr>reportId=1_29530<wbr>&amp;from=x<wbr>#top");
        assert_eq!(shown.replace("<wbr>", "").replace("&amp;", "&"), url, "the visible text is the whole link");
        let end = PreviewEnd { truncated: true, notice: "预览已结束".into(), full_report_url: Some(url.into()), shown_blocks: 3, body_blocks: 9 };
        let html = preview_end(&end).into_string();
        assert!(html.contains("href=\"https://www.yunbaogao.cn/report/index/report?reportId=1_29530&amp;from=x#top\""), "the href is the real link: {html}");
        assert_eq!(breakable_url("plain").into_string(), "plain");
        assert_eq!(breakable_url("/a/").into_string(), "/<wbr>a/");
    }
}
