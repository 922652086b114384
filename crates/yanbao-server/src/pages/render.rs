//! A report as HTML: the metadata card, the outline and the blocks (paragraphs, lists, real
//! `<table>`s with caption above and source below, figure captions with source and notes).
//! Everything here works on a [`ReportPreview`], so it can only show what the preview holds.

use maud::{html, Markup};
use yanbao_model::{BlockKind, OutlineEntry, Table};

use crate::pages::url_encode;
use crate::preview::{PreviewBlock, PreviewFigure, ReportPreview};

/// Returns the label for a language code.
fn language_name(code: &str) -> &'static str {
    match code {
        "en" => "English",
        "zh" => "中文",
        _ => "—",
    }
}

/// Renders the metadata card.
pub fn metadata_card(report: &ReportPreview) -> Markup {
    let analysts: Vec<String> = if report.analysts.is_empty() {
        report.authors.clone()
    } else {
        report.analysts.iter().map(|a| match &a.sac { Some(sac) => format!("{} ({sac})", a.name), None => a.name.clone() }).collect()
    };
    html! {
        section.card.meta {
            h1 { (report.title) }
            @if let Some(subtitle) = &report.subtitle { p.subtitle { (subtitle) } }
            dl {
                @if let Some(institution) = &report.institution {
                    dt { "机构" span.en { "Institution" } } dd { a href={ "/search?institution=" (url_encode(institution)) } { (institution) } }
                }
                @if let Some(publisher) = &report.publisher {
                    dt { "发布" span.en { "Publisher" } } dd { (publisher) }
                }
                @if !analysts.is_empty() {
                    dt { "分析师" span.en { "Analysts" } } dd { (analysts.join("、")) }
                }
                // A year alone is shown as a year (the rule of `yanbao_model::report_when`).
                @match (&report.date, report.year) {
                    (Some(date), _) => { dt { "日期" span.en { "Date" } } dd { (date) } }
                    (None, Some(year)) => { dt { "年份" span.en { "Year" } } dd { (year) } }
                    (None, None) => {}
                }
                @if let Some(kind) = &report.report_type { dt { "类型" span.en { "Type" } } dd { (kind) } }
                @if let Some(company) = &report.company {
                    dt { "公司" span.en { "Company" } }
                    dd {
                        @if let Some(code) = &company.code {
                            a href={ "/companies/" (url_encode(code)) } { (company.name) " " (code) @if let Some(exchange) = &company.exchange { "." (exchange) } }
                        } @else { (company.name) }
                    }
                }
                @if let Some(rating) = &report.rating { dt { "评级" span.en { "Rating" } } dd { (rating) @if let Some(action) = report.rating_action { "（" (action.as_str()) "）" } } }
                @if let Some(target) = report.target_price { dt { "目标价" span.en { "Target" } } dd { (target) " " (report.target_currency.as_deref().unwrap_or("")) } }
                @if let Some(pages) = report.pages { dt { "页数" span.en { "Pages" } } dd { (pages) } }
                dt { "语言" span.en { "Language" } } dd { (language_name(&report.language)) }
                dt { "来源" span.en { "Source" } } dd { (report.source) " " span.muted { "(" (report.media_type) ")" } }
            }
        }
    }
}

/// Renders the outline (entries link to their headings).
pub fn outline(entries: &[OutlineEntry], more_sections: usize) -> Markup {
    html! {
        @if !entries.is_empty() || more_sections > 0 {
            nav.card.outline aria-label="目录" {
                h2 { "目录" span.en { "Outline" } }
                ol {
                    @for entry in entries {
                        li class={ "level" (entry.level.clamp(1, 4)) } { a href={ "#b" (entry.block) } { (entry.title) } }
                    }
                }
                @if more_sections > 0 {
                    p.muted { "另有 " (more_sections) " 节见完整报告 · " (more_sections) " more sections in the full report" }
                }
            }
        }
    }
}

/// Renders a table with its caption above and source and notes below.
pub fn table(index: usize, table: &Table) -> Markup {
    html! {
        figure.table id={ "b" (index) } {
            figcaption { @if !table.label.is_empty() { strong { (table.label) } " " } (table.caption) }
            div.scroll {
                table {
                    @if !table.header.is_empty() {
                        thead { tr { @for cell in &table.header { th scope="col" { (cell) } } } }
                    }
                    tbody {
                        @for row in &table.rows { tr { @for cell in row { td { (cell) } } } }
                    }
                }
            }
            (source_and_notes(table.source.as_deref(), table.notes.as_deref()))
        }
    }
}

/// Where a report's pictures are fetched from: `/reports/{id}/…`, with the share link's query
/// carried along for a reader who came by one (an `<img>` sends no token).
#[derive(Debug, Clone, Default)]
pub struct PictureLinks {
    /// The report.
    pub report_id: String,
    /// `exp=…&sig=…` of the share link the page was opened with, else empty.
    pub share_query: String,
}

impl PictureLinks {
    /// The URL of page `n`'s picture (or thumbnail).
    pub fn page(&self, n: u32, thumb: bool) -> String {
        self.url(&format!("pages/{n}"), thumb)
    }

    /// The URL of figure `k`'s picture (or thumbnail).
    pub fn figure(&self, k: usize, thumb: bool) -> String {
        self.url(&format!("figures/{k}"), thumb)
    }

    fn url(&self, path: &str, thumb: bool) -> String {
        let mut query: Vec<&str> = Vec::new();
        if thumb {
            query.push("size=thumb");
        }
        if !self.share_query.is_empty() {
            query.push(&self.share_query);
        }
        let query = if query.is_empty() { String::new() } else { format!("?{}", query.join("&")) };
        format!("/reports/{}/{path}{query}", url_encode(&self.report_id))
    }
}

/// Renders a figure: the chart's picture when the report has one (a PDF figure whose region
/// is known), else a placeholder; its caption, with source and notes below.
pub fn figure(index: usize, figure: &PreviewFigure, links: &PictureLinks) -> Markup {
    let shown = &figure.figure;
    let alt = format!("{} {}", shown.label, shown.caption);
    html! {
        figure.chart id={ "b" (index) } {
            figcaption { @if !shown.label.is_empty() { strong { (shown.label) } " " } (shown.caption) }
            @if figure.picture {
                a.chart-picture href=(links.figure(figure.index, false)) {
                    img src=(links.figure(figure.index, false)) alt=(alt.trim()) loading="lazy" decoding="async";
                }
            } @else {
                div.chart-frame aria-hidden="true" { span { "图表" } }
            }
            (source_and_notes(shown.source.as_deref(), shown.notes.as_deref()))
        }
    }
}

/// Renders the pictures of pages 1 to `count` (the pages a preview shows whole).
pub fn page_pictures(count: u32, links: &PictureLinks) -> Markup {
    html! {
        @if count > 0 {
            section.pages aria-label="页面 Pages" {
                @for n in 1..=count {
                    figure.page-picture id={ "page" (n) } {
                        img src=(links.page(n, false)) alt={ "第 " (n) " 页 · page " (n) } loading=(if n <= 2 { "eager" } else { "lazy" }) decoding="async";
                        figcaption.muted { "第 " (n) " 页 · page " (n) }
                    }
                }
            }
        }
    }
}

/// Renders the source and notes lines in muted text.
fn source_and_notes(source: Option<&str>, notes: Option<&str>) -> Markup {
    html! {
        // Without a label the source kept (reports stored before parsers dropped it).
        @if let Some(source) = source { p.source { "资料来源：" (yanbao_model::normalize::source_without_label(source)) } }
        @if let Some(notes) = notes { p.source { "注：" (notes) } }
    }
}

/// Renders blocks in order; `outline` gives heading levels, `tables`/`figures` the structured
/// content, `links` where the charts' pictures are.
pub fn blocks(blocks: &[PreviewBlock], outline: &[OutlineEntry], tables: &[Table], figures: &[PreviewFigure], links: &PictureLinks) -> Markup {
    html! {
        @for shown in blocks {
            @let index = shown.index;
            @let class = if shown.block.boilerplate { "boilerplate" } else { "" };
            @match shown.block.kind {
                BlockKind::Heading => {
                    @let level = outline.iter().find(|o| o.block == index).map(|o| o.level).unwrap_or(1);
                    @if level <= 1 { h2 id={ "b" (index) } class=(class) { (shown.block.text) } }
                    @else if level == 2 { h3 id={ "b" (index) } class=(class) { (shown.block.text) } }
                    @else { h4 id={ "b" (index) } class=(class) { (shown.block.text) } }
                }
                BlockKind::Table => {
                    @match tables.iter().find(|t| t.block == index) {
                        Some(found) => { (table(index, found)) }
                        None => { p id={ "b" (index) } class=(class) { (shown.block.text) } }
                    }
                }
                BlockKind::Figure => {
                    @match figures.iter().find(|f| f.figure.block == index) {
                        Some(found) => { (figure(index, found, links)) }
                        None => { p id={ "b" (index) } class=(class) { (shown.block.text) } }
                    }
                }
                BlockKind::List => {
                    ul id={ "b" (index) } class=(class) { @for item in shown.block.text.lines().filter(|l| !l.trim().is_empty()) { li { (item) } } }
                }
                BlockKind::Paragraph => { p id={ "b" (index) } class=(class) { (shown.block.text) } }
                BlockKind::Formula => { p.formula id={ "b" (index) } class=(class) { (shown.block.text) } }
            }
        }
    }
}
