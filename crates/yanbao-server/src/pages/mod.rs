//! Server-rendered HTML (maud): the page frame, the stylesheet and the helpers the pages share.
//! Report text always goes through maud's escaping; the only pre-escaped HTML is the index's
//! snippets (checked by [`safe_snippet`]) and the QR code's SVG (made here).

pub mod account;
pub mod company;
pub mod entity;
pub mod figures;
pub mod render;
pub mod report;
pub mod search;
pub mod timeline;

use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use maud::{html, Markup, PreEscaped, DOCTYPE};

use crate::error::ApiError;

/// Where [`layout`] leaves room in the header for who is signed in: filled per request by
/// [`account::frame`] (a comment, so a page served without it just shows nothing there).
pub const ACCOUNT_SLOT: &str = "<!--yanbao:account-->";

/// The stylesheet (system fonts only, no downloads).
pub const STYLESHEET: &str = include_str!("style.css");

/// An error shown as a page.
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        PageError(error)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = self.0;
        let (heading, hint) = match error.status {
            StatusCode::NOT_FOUND => ("找不到页面 · Not found", "检查链接，或从搜索开始。"),
            StatusCode::UNAUTHORIZED => ("需要授权 · Authorisation needed", "完整报告需要登录、API 令牌或有效的分享链接。预览对所有人开放。"),
            StatusCode::FORBIDDEN if error.code == "role_forbidden" => ("无权访问 · Not allowed", "你的账号角色不能做这件事，请联系管理员。"),
            StatusCode::FORBIDDEN if error.code == "csrf_failed" => ("表单已过期 · Form expired", "请返回上一页，刷新后重试。"),
            StatusCode::FORBIDDEN => ("无法访问 · Access refused", "该链接已过期或无效，或令牌已被撤销。请向报告分享者索取新链接。"),
            StatusCode::BAD_REQUEST => ("请求有误 · Bad request", "请修改查询后重试。"),
            _ => ("出错了 · Something went wrong", "请稍后重试。"),
        };
        let body = html! {
            section.notice-page {
                h1 { (heading) }
                p { (hint) }
                p.muted { code { (error.code) } " — " (error.message) }
                p { a href="/" { "返回搜索 · Back to search" } }
            }
        };
        (error.status, Html(layout(heading, "", "", body).into_string())).into_response()
    }
}

/// Result of a page handler.
pub type PageResult = Result<Html<String>, PageError>;

/// Wraps page content in the frame: top bar with the search box and the section links.
pub fn layout(title: &str, query: &str, active: &str, content: Markup) -> Markup {
    let nav = [("/", "搜索", "Search", "search"), ("/figures", "图表", "Charts", "figures"), ("/timeline", "时间线", "Timeline", "timeline")];
    let action = if active == "figures" { "/figures" } else { "/search" };
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · 研报 yanbao" }
                link rel="stylesheet" href="/static/style.css";
                link rel="icon" href="data:,";
            }
            body {
                header.topbar {
                    a.brand href="/" { "研报" span.en { "yanbao" } }
                    form.searchbox action=(action) method="get" role="search" {
                        input type="search" name="q" value=(query) placeholder="搜索研报、段落、图表… Search reports" aria-label="搜索 Search" maxlength="256";
                        button type="submit" { "搜索" }
                    }
                    nav {
                        @for (href, zh, en, key) in nav {
                            a href=(href) class=@if key == active { "active" } { (zh) span.en { (en) } }
                        }
                    }
                    (PreEscaped(ACCOUNT_SLOT))
                }
                main { (content) }
                footer { "yanbao · 研报库 — 自托管的研究报告检索与阅读" }
            }
        }
    }
}

/// Returns an HTML response from markup.
pub fn html_page(markup: Markup) -> Html<String> {
    Html(markup.into_string())
}

/// `GET /static/style.css`.
pub async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLESHEET).into_response()
}

/// Fallback: JSON 404 under `/api/`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    let error = ApiError::new(StatusCode::NOT_FOUND, "no_route", format!("no route for {}", uri.path()));
    if uri.path().starts_with("/api/") {
        error.into_response()
    } else {
        PageError(error).into_response()
    }
}

/// Returns an index snippet as HTML, keeping only its `<mark>` tags.
///
/// Index snippets are HTML-escaped with `<mark>…</mark>` around matches: they are passed through
/// without escaping again (no `&amp;lt;`), but any other `<`, `>` or `"` is escaped, so a snippet
/// can never carry markup of its own.
pub fn safe_snippet(snippet: &str) -> PreEscaped<String> {
    let mut out = String::with_capacity(snippet.len() + 16);
    let mut rest = snippet;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<mark>") {
            out.push_str("<mark>");
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix("</mark>") {
            out.push_str("</mark>");
            rest = after;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            other => out.push(other),
        }
        rest = &rest[c.len_utf8()..];
    }
    // An unbalanced <mark> would run to the end of the page: close what was opened.
    let opened = out.matches("<mark>").count();
    let closed = out.matches("</mark>").count();
    for _ in closed..opened {
        out.push_str("</mark>");
    }
    PreEscaped(out)
}

/// QR codes drawn lately, by the text they encode: choosing a code's mask tries all eight and
/// scores each (85 % of a preview page's CPU before this), while a site prints the same few
/// report links again and again. 512 codes of a few KiB each.
static QR_CODES: std::sync::LazyLock<std::sync::Mutex<lru::LruCache<String, Option<String>>>> =
    std::sync::LazyLock::new(|| std::sync::Mutex::new(lru::LruCache::new(std::num::NonZeroUsize::new(512).expect("512 is not zero"))));

/// Returns an inline SVG QR code encoding `text`, or nothing if it cannot be encoded.
pub fn qr_svg(text: &str) -> Option<PreEscaped<String>> {
    let lock = || QR_CODES.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(drawn) = lock().get(text) {
        return drawn.clone().map(PreEscaped);
    }
    let drawn = draw_qr_svg(text);
    lock().put(text.to_string(), drawn.clone());
    drawn.map(PreEscaped)
}

/// Draws the SVG of [`qr_svg`].
fn draw_qr_svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(180, 180)
        .quiet_zone(true)
        .dark_color(qrcode::render::svg::Color("#111111"))
        .light_color(qrcode::render::svg::Color("#ffffff"))
        .build();
    let start = svg.find("<svg")?;
    Some(svg[start..].replacen("<svg", "<svg role=\"img\" aria-label=\"QR code\" class=\"qr\"", 1))
}

/// Returns the Chinese and English labels of a hit kind.
pub fn kind_label(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "report" => ("报告", "Report"),
        "paragraph" => ("段落", "Paragraph"),
        "figure" => ("图", "Chart"),
        "table" => ("表", "Table"),
        "event" => ("事件", "Event"),
        _ => ("其他", "Other"),
    }
}

/// Percent-encodes a value for a URL query or path segment.
pub fn url_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Builds a query string from pairs, skipping empty values.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", url_encode(v))).collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_keep_marks_and_are_not_double_escaped() {
        let snippet = "拜登&amp;<mark>习近平</mark> &lt;script&gt;";
        assert_eq!(safe_snippet(snippet).0, snippet);
    }

    #[test]
    fn snippets_cannot_smuggle_markup() {
        assert_eq!(safe_snippet("<script>x</script><mark>a").0, "&lt;script&gt;x&lt;/script&gt;<mark>a</mark>");
        assert_eq!(safe_snippet("<img src=\"x\">").0, "&lt;img src=&quot;x&quot;&gt;");
    }

    #[test]
    fn qr_codes_are_inline_svg() {
        let svg = qr_svg("https://www.yunbaogao.cn/report/index/report?reportId=1_29530").unwrap();
        assert!(svg.0.starts_with("<svg role=\"img\""));
        assert!(!svg.0.contains("<?xml"));
        // Drawn again from the memo: the same picture; another link, another picture.
        assert_eq!(qr_svg("https://www.yunbaogao.cn/report/index/report?reportId=1_29530").unwrap().0, svg.0);
        assert_ne!(qr_svg("https://www.yunbaogao.cn/report/index/report?reportId=1_29531").unwrap().0, svg.0);
    }

    #[test]
    fn urls_are_encoded() {
        assert_eq!(url_encode("中 a&b"), "%E4%B8%AD%20a%26b");
        assert_eq!(query_string(&[("q", "拜登"), ("in", "")]), "?q=%E6%8B%9C%E7%99%BB");
        assert_eq!(query_string(&[("q", "")]), "");
    }
}
