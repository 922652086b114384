//! Page and chart pictures through the router: the public preview shows the pages before the cut
//! as pictures and nothing past it; every page and chart past the cut answers 401 to an
//! anonymous request and the picture to a reader (token or share link); pictures are cached by
//! their hash; a report's pictures go with it.
//!
//! The fixture `charts.pdf` is a 3-page Chinese note with one captioned chart per page (see
//! tests/fixtures/README.md). Needs PDFium (`scripts/setup-pdfium.sh`); skips, saying so, without it.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;
use yanbao_engine::access::{create_token, sign_share_link};
use yanbao_engine::Library;
use yanbao_server::preview::PreviewPolicy;
use yanbao_server::{router, ServerConfig};

const CHARTS: &[u8] = include_bytes!("fixtures/charts.pdf");
const SEED: &[u8] = include_bytes!("fixtures/seed.txt");

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

async fn send(app: &Router, uri: &str, headers: &[(header::HeaderName, String)]) -> Answer {
    let mut request = Request::get(uri);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    let response = app.clone().oneshot(request.body(Body::empty()).unwrap()).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
    Answer { status, headers, body }
}

struct Fixture {
    app: Router,
    library: Arc<Library>,
    id: String,
    seed_id: String,
    token: String,
}

/// The library with the chart note and the seed, or `None` (with the reason printed) when
/// PDFium is not installed.
fn fixture() -> Option<Fixture> {
    if let Err(e) = yanbao_engine::pdf_support() {
        eprintln!("skipped: {e}");
        return None;
    }
    let library = Library::open_in_memory().expect("library");
    let id = library.ingest_bytes("charts.pdf", CHARTS).expect("charts").id.expect("charts id");
    let seed_id = library.ingest_bytes("seed.txt", SEED).expect("seed").id.expect("seed id");
    let token = create_token(library.store(), "reader").expect("token");
    let library = Arc::new(library);
    // About one page of text: page 1 is public, pages 2 and 3 lie beyond the cut.
    let config = ServerConfig { base_url: "http://yanbao.test".into(), preview: PreviewPolicy::Chars(400), ..ServerConfig::default() };
    Some(Fixture { app: router(library.clone(), config), library, id, seed_id, token })
}

fn bearer(token: &str) -> Vec<(header::HeaderName, String)> {
    vec![(header::AUTHORIZATION, format!("Bearer {token}"))]
}

fn is_jpeg(body: &[u8]) -> bool {
    body.starts_with(&[0xFF, 0xD8]) && body.ends_with(&[0xFF, 0xD9])
}

/// Every `/reports/{id}/…` address in a page's `src` and `href` attributes.
fn report_links(html: &str, id: &str) -> Vec<String> {
    let prefix = format!("/reports/{id}/");
    let mut links = Vec::new();
    for attribute in ["src=\"", "href=\""] {
        for part in html.split(attribute).skip(1) {
            let value = part.split('"').next().unwrap_or("").replace("&amp;", "&");
            if value.starts_with(&prefix) && !links.contains(&value) {
                links.push(value);
            }
        }
    }
    links
}

#[tokio::test]
async fn the_public_preview_shows_pages_before_the_cut_and_nothing_past_it() {
    let Some(f) = fixture() else { return };
    let preview: serde_json::Value = serde_json::from_slice(&send(&f.app, &format!("/api/reports/{}/preview", f.id), &[]).await.body).unwrap();
    assert_eq!(preview["pages"], 3);
    let public = preview["page_pictures"].as_u64().unwrap() as u32;
    assert_eq!(public, 1, "only page 1 lies wholly before the cut");
    let figures = preview["figures"].as_array().unwrap();
    assert_eq!(figures.len(), 1, "the preview holds the first chart only");
    assert_eq!(figures[0]["index"], 0);
    assert_eq!(figures[0]["picture"], true);
    assert!(figures[0]["bbox"]["y1"].as_u64().unwrap() > figures[0]["bbox"]["y0"].as_u64().unwrap());

    let html = send(&f.app, &format!("/reports/{}", f.id), &[]).await.text();
    assert!(html.contains(&format!("src=\"/reports/{}/pages/1\"", f.id)), "the page picture is shown");
    assert!(html.contains(&format!("src=\"/reports/{}/figures/0\"", f.id)), "the chart is shown in place");
    assert!(!html.contains(&format!("/reports/{}/pages/2", f.id)), "no picture of a page past the cut");
    assert!(html.contains("预览文字"), "the preview's text stays in the page, folded under the pictures");
    // Every picture the public page links to is public; nothing else it links to is a picture.
    let links = report_links(&html, &f.id);
    assert_eq!(links.len(), 2, "page 1 and its chart: {links:?}");
    for link in links.iter().filter(|l| !l.ends_with("/full")) {
        let answer = send(&f.app, link, &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "{link}");
        assert!(is_jpeg(&answer.body), "{link} is a JPEG");
    }
}

#[tokio::test]
async fn every_page_and_chart_past_the_cut_needs_a_reader() {
    let Some(f) = fixture() else { return };
    for n in 2..=3 {
        for size in ["", "?size=thumb"] {
            let uri = format!("/reports/{}/pages/{n}{size}", f.id);
            let anonymous = send(&f.app, &uri, &[]).await;
            assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{uri}");
            assert!(anonymous.header(header::CONTENT_TYPE).starts_with("application/json"), "{uri}");
            let reader = send(&f.app, &uri, &bearer(&f.token)).await;
            assert_eq!(reader.status, StatusCode::OK, "{uri}");
            assert!(is_jpeg(&reader.body));
            assert!(reader.header(header::CACHE_CONTROL).starts_with("private"), "a reader's picture is not for shared caches");
        }
    }
    for k in 1..=2 {
        let uri = format!("/reports/{}/figures/{k}", f.id);
        assert_eq!(send(&f.app, &uri, &[]).await.status, StatusCode::UNAUTHORIZED, "{uri}");
        assert_eq!(send(&f.app, &uri, &bearer(&f.token)).await.status, StatusCode::OK, "{uri}");
    }
    // A share link opens the pictures of its report, and only with a valid signature.
    let expires = yanbao_server::auth::now_seconds() + 3600;
    let (exp, sig) = sign_share_link(f.library.store(), &f.id, expires).unwrap();
    let full = send(&f.app, &format!("/reports/{}/full?exp={exp}&sig={sig}", f.id), &[]).await;
    assert_eq!(full.status, StatusCode::OK);
    let links = report_links(&full.text(), &f.id);
    let figure_links: Vec<&String> = links.iter().filter(|l| l.contains("/figures/")).collect();
    assert_eq!(figure_links.len(), 3, "the full view shows every chart: {links:?}");
    for link in figure_links {
        assert!(link.contains(&format!("sig={sig}")), "{link} carries the share link");
        assert_eq!(send(&f.app, link, &[]).await.status, StatusCode::OK, "{link}");
    }
    let tampered = format!("/reports/{}/pages/3?exp={exp}&sig={}", f.id, "0".repeat(sig.len()));
    assert_eq!(send(&f.app, &tampered, &[]).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pictures_are_jpegs_cached_by_their_hash() {
    let Some(f) = fixture() else { return };
    let uri = format!("/reports/{}/pages/1", f.id);
    let page = send(&f.app, &uri, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.header(header::CONTENT_TYPE), "image/jpeg");
    assert_eq!(page.header(header::CACHE_CONTROL), "public, max-age=31536000, immutable");
    let etag = page.header(header::ETAG);
    assert_eq!(etag.len(), 66, "a quoted SHA-256: {etag}");
    let again = send(&f.app, &uri, &[(header::IF_NONE_MATCH, etag.clone())]).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    assert_eq!(send(&f.app, &uri, &[]).await.body, page.body, "served from the store, the same bytes");
    let thumb = send(&f.app, &format!("{uri}?size=thumb"), &[]).await;
    assert_eq!(thumb.status, StatusCode::OK);
    assert!(thumb.body.len() * 4 < page.body.len(), "a thumbnail is small: {} vs {}", thumb.body.len(), page.body.len());
    // Drawing page 1 drew its chart too: one render for the page.
    let stored = f.library.store().picture(&f.id, "figure/0").unwrap().expect("the chart on page 1 is stored");
    assert_eq!(stored.media_type, "image/jpeg");
    assert!(stored.width > 600 && stored.height > 150 && stored.width > stored.height, "a chart's proportions: {}×{}", stored.width, stored.height);
}

#[tokio::test]
async fn reports_without_such_pictures_answer_json_errors() {
    let Some(f) = fixture() else { return };
    for (uri, status, code) in [
        (format!("/reports/{}/pages/1", f.seed_id), StatusCode::NOT_FOUND, "picture_not_found"),
        (format!("/reports/{}/figures/0", f.seed_id), StatusCode::NOT_FOUND, "picture_not_found"),
        (format!("/reports/{}/pages/4", f.id), StatusCode::NOT_FOUND, "picture_not_found"),
        (format!("/reports/{}/pages/0", f.id), StatusCode::NOT_FOUND, "picture_not_found"),
        (format!("/reports/{}/pages/x", f.id), StatusCode::NOT_FOUND, "picture_not_found"),
        (format!("/reports/{}/figures/99999999999", f.id), StatusCode::NOT_FOUND, "picture_not_found"),
        (format!("/reports/{}/pages/1?size=huge", f.id), StatusCode::BAD_REQUEST, "invalid_parameter"),
        (format!("/reports/{}/pages/1?exp=soon", f.id), StatusCode::BAD_REQUEST, "invalid_parameter"),
        ("/reports/0000000000000000/pages/1".to_string(), StatusCode::NOT_FOUND, "report_not_found"),
        ("/reports/..%2F..%2Fetc/pages/1".to_string(), StatusCode::NOT_FOUND, "report_not_found"),
    ] {
        let answer = send(&f.app, &uri, &[]).await;
        assert_eq!(answer.status, status, "{uri}: {}", answer.text());
        let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap_or_else(|_| panic!("{uri}: not json"));
        assert_eq!(body["error"]["code"], code, "{uri}: {body}");
    }
    // A text report keeps its caption cards.
    let html = send(&f.app, &format!("/reports/{}/full", f.seed_id), &bearer(&f.token)).await.text();
    assert!(html.contains("chart-frame") && !html.contains("/figures/0"));
}

#[tokio::test]
async fn a_reports_pictures_go_with_it() {
    let Some(f) = fixture() else { return };
    assert_eq!(send(&f.app, &format!("/reports/{}/pages/2", f.id), &bearer(&f.token)).await.status, StatusCode::OK);
    let (count, bytes) = f.library.store().picture_stats().unwrap();
    assert_eq!(count, 4, "page 2, its thumbnail, its chart and the chart's thumbnail");
    assert!(bytes > 10_000);
    assert!(f.library.remove(&f.id).unwrap());
    assert_eq!(f.library.store().picture_stats().unwrap(), (0, 0));
    assert_eq!(send(&f.app, &format!("/reports/{}/pages/1", f.id), &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn on_a_long_report_every_picture_past_the_cut_needs_a_reader() {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pdf/zh_qp11_20170303-广发证券-低延迟趋势线与交易择时.pdf");
    let Ok(bytes) = std::fs::read(&file) else {
        println!("skipped: {} is absent (the shared corpus is not here)", file.display());
        return;
    };
    let Some(f) = fixture() else { return };
    let id = f.library.ingest_bytes("qp11.pdf", &bytes).expect("long report").id.expect("id");
    let report = f.library.get(&id).unwrap().unwrap();
    let pages = report.source.pages.unwrap();
    assert!(pages >= 20 && report.figures.len() >= 15, "{pages} pages, {} figures", report.figures.len());
    let preview: serde_json::Value = serde_json::from_slice(&send(&f.app, &format!("/api/reports/{id}/preview"), &[]).await.body).unwrap();
    let public_pages = preview["page_pictures"].as_u64().unwrap() as u32;
    let public_figures: Vec<u64> = preview["figures"].as_array().unwrap().iter().filter(|f| f["picture"] == true).map(|f| f["index"].as_u64().unwrap()).collect();
    assert!(public_pages < pages, "the preview of a 20-page report is cut");
    // Every page and every chart: public exactly when the preview shows it; the rest 401.
    for n in 1..=pages {
        let status = send(&f.app, &format!("/reports/{id}/pages/{n}?size=thumb"), &[]).await.status;
        let expected = if n <= public_pages { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
        assert_eq!(status, expected, "page {n} (public: 1–{public_pages})");
    }
    for (k, figure) in report.figures.iter().enumerate() {
        let status = send(&f.app, &format!("/reports/{id}/figures/{k}?size=thumb"), &[]).await.status;
        let expected = match (figure.bbox.is_some(), public_figures.contains(&(k as u64))) {
            (false, _) => StatusCode::NOT_FOUND,
            (true, true) => StatusCode::OK,
            (true, false) => StatusCode::UNAUTHORIZED,
        };
        assert_eq!(status, expected, "figure {k} ({} on page {:?})", figure.label, figure.page);
    }
}
