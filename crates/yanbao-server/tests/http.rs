//! The service end to end through its router: pages, JSON API, access control, limits, the
//! preview cut (no text beyond it, on the seed and on a long report) and the OpenAPI document.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;
use yanbao_engine::access::{create_token, sign_share_link};
use yanbao_engine::Library;
use yanbao_model::Report;
use yanbao_server::preview::{cut, PreviewPolicy, NOTICE_ZH};
use yanbao_server::{router, ServerConfig};

/// The engine's company notes: 紫金矿业 from two brokers.
#[path = "../../yanbao-engine/tests/company_notes/mod.rs"]
mod company_notes;

const SEED: &[u8] = include_bytes!("fixtures/seed.txt");
const LONG: &[u8] = include_bytes!("fixtures/mpb_foundry.md");

struct Fixture {
    app: Router,
    library: Arc<Library>,
    seed: Report,
    long: Report,
    token: String,
    config: ServerConfig,
}

fn config() -> ServerConfig {
    ServerConfig { base_url: "http://yanbao.test".into(), preview: PreviewPolicy::Chars(1500), max_upload_bytes: 200_000, ..ServerConfig::default() }
}

fn fixture() -> Fixture {
    let library = Library::open_in_memory().expect("library");
    let seed_id = library.ingest_bytes("seed.txt", SEED).expect("seed").id.expect("seed id");
    let long_id = library.ingest_bytes("mpb_foundry.md", LONG).expect("long").id.expect("long id");
    let token = create_token(library.store(), "tester").expect("token");
    let seed = library.get(&seed_id).unwrap().expect("seed stored");
    let long = library.get(&long_id).unwrap().expect("long stored");
    let library = Arc::new(library);
    let config = config();
    Fixture { app: router(library.clone(), config.clone()), library, seed, long, token, config }
}

struct Answer {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Answer {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not json ({e}): {}", self.body))
    }
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let content_type = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    Answer { status, content_type, body: String::from_utf8_lossy(&bytes).into_owned() }
}

async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn get_with_token(app: &Router, uri: &str, token: &str) -> Answer {
    send(app, Request::get(uri).header(header::AUTHORIZATION, format!("Bearer {token}")).body(Body::empty()).unwrap()).await
}

fn encode(text: &str) -> String {
    text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// Escapes text the way maud does, to look for it in a page.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Returns pieces of text that lie only beyond the preview cut: the head of each hidden block,
/// and captions, entity names and event texts that appear in no shown block. Section titles
/// are not hidden: the preview's outline card lists them all, by design.
fn hidden_texts(report: &Report, policy: &PreviewPolicy) -> Vec<String> {
    let preview_cut = cut(report, policy);
    let shown_text: String = preview_cut.shown.iter().map(|&i| report.blocks[i].text.as_str()).collect::<Vec<_>>().join("\n");
    let titles: Vec<&str> = report.outline.iter().map(|entry| entry.title.as_str()).collect();
    let visible_elsewhere = format!("{shown_text}\n{}\n{}\n{}\n{}", report.title, report.institution.clone().unwrap_or_default(), report.authors.join(" "), titles.join("\n"));
    let mut hidden = Vec::new();
    for (index, block) in report.blocks.iter().enumerate() {
        if preview_cut.shows(index) || report.outline.iter().any(|entry| entry.block == index) {
            continue;
        }
        let head: String = block.text.chars().take(14).collect();
        if head.chars().count() >= 8 && !visible_elsewhere.contains(&head) {
            hidden.push(head);
        }
    }
    for caption in report.tables.iter().map(|t| &t.caption).chain(report.figures.iter().map(|f| &f.caption)) {
        if caption.chars().count() >= 6 && !visible_elsewhere.contains(caption.as_str()) {
            hidden.push(caption.clone());
        }
    }
    for event in report.events.iter().filter(|e| !preview_cut.shows(e.block)) {
        let head: String = event.text.chars().take(14).collect();
        if head.chars().count() >= 8 && !visible_elsewhere.contains(&head) {
            hidden.push(head);
        }
    }
    hidden
}

#[tokio::test]
async fn healthz_reports_the_library() {
    let f = fixture();
    let answer = get(&f.app, "/healthz").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["status"], "ok");
    assert_eq!(answer.json()["reports"], 2);
}

#[tokio::test]
async fn search_api_finds_chinese_with_marks_and_facets() {
    let f = fixture();
    let answer = get(&f.app, &format!("/api/search?q={}&facets=true", encode("中美元首"))).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let json = answer.json();
    assert!(json["total"].as_u64().unwrap() > 0);
    let hits = json["hits"].as_array().unwrap();
    assert!(hits.iter().any(|h| h["report_id"] == f.seed.id.as_str()));
    assert!(hits.iter().any(|h| h["snippet"].as_str().unwrap().contains("<mark>")));
    for key in ["query", "total", "took_ms", "hits"] {
        assert!(json.get(key).is_some(), "missing {key}");
    }
    assert!(json["facets"]["kind"].as_array().map(|k| !k.is_empty()).unwrap_or(false));
}

#[tokio::test]
async fn search_limits_answer_json_errors() {
    let f = fixture();
    let long_query = encode(&"研".repeat(f.config.max_query_chars + 1));
    let answer = get(&f.app, &format!("/api/search?q={long_query}")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.json()["error"]["code"], "query_too_long");
    let answer = get(&f.app, "/api/search?q=a&limit=100000").await;
    assert_eq!(answer.json()["error"]["code"], "page_size_out_of_range");
    let answer = get(&f.app, "/api/search?q=a&in=bogus").await;
    assert_eq!(answer.json()["error"]["code"], "invalid_scope");
    let answer = get(&f.app, "/api/search?q=a&from=yesterday").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{}", answer.body);
    let answer = get(&f.app, "/api/nothing-here").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.json()["error"]["code"], "no_route");
}

#[tokio::test]
async fn the_seed_preview_ends_with_notice_link_and_qr() {
    let f = fixture();
    let answer = get(&f.app, &format!("/reports/{}", f.seed.id)).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.content_type.starts_with("text/html"));
    let html = answer.body;
    assert!(html.contains(NOTICE_ZH));
    let url = f.seed.preview.full_report_url.clone().expect("the seed carries its link");
    assert!(url.contains("yunbaogao.cn"), "{url}");
    assert!(html.contains(&escaped(&url)), "the link is shown");
    assert!(html.contains("<svg role=\"img\" aria-label=\"QR code\""));
    assert!(html.contains(&escaped(&f.seed.title)));
    let upper = get(&f.app, &format!("/reports/{}", f.seed.id.to_uppercase())).await;
    assert_eq!(upper.status, StatusCode::OK, "ids are case-insensitive hex");
    // The notice comes after the body.
    let notice_at = html.find(NOTICE_ZH).unwrap();
    let first_block_at = html.find("id=\"b").unwrap();
    assert!(first_block_at < notice_at);
}

#[tokio::test]
async fn no_text_beyond_the_cut_leaks_from_seed_or_long_report() {
    let f = fixture();
    for report in [&f.seed, &f.long] {
        let preview_cut = cut(report, &f.config.preview);
        assert!(preview_cut.truncated, "{}: the test policy must cut", report.title);
        let hidden = hidden_texts(report, &f.config.preview);
        assert!(!hidden.is_empty(), "{}: nothing to check", report.title);
        let html = get(&f.app, &format!("/reports/{}", report.id)).await.body;
        let api = get(&f.app, &format!("/api/reports/{}/preview", report.id)).await;
        assert_eq!(api.status, StatusCode::OK);
        let api_json = api.json();
        let api_text = serde_json::to_string(&api_json).unwrap();
        for piece in &hidden {
            assert!(!html.contains(&escaped(piece)), "{}: page shows hidden text {piece:?}", report.title);
            assert!(!api_text.contains(piece.as_str()), "{}: api shows hidden text {piece:?}", report.title);
        }
        // Boilerplate never shows.
        for block in report.blocks.iter().filter(|b| b.boilerplate && b.text.chars().count() >= 8) {
            let head: String = block.text.chars().take(14).collect();
            assert!(!html.contains(&escaped(&head)), "boilerplate shown: {head}");
        }
        let blocks = api_json["blocks"].as_array().unwrap();
        assert_eq!(blocks.len(), preview_cut.shown.len());
        assert!(blocks.iter().all(|b| (b["index"].as_u64().unwrap() as usize) < preview_cut.end));
    }
}

#[tokio::test]
async fn a_public_preview_links_to_the_full_view_and_only_authorised_readers_get_in() {
    let f = fixture();
    assert!(f.long.preview.full_report_url.is_none());
    let api = get(&f.app, &format!("/api/reports/{}/preview", f.long.id)).await;
    let url = api.json()["end"]["full_report_url"].as_str().expect("own link").to_string();
    // The link (and its QR code) is the plain full view: never a signed, working share link.
    assert_eq!(url, format!("http://yanbao.test/reports/{}/full", f.long.id));
    let page = get(&f.app, &format!("/reports/{}", f.long.id)).await;
    for public in [&api.body, &page.body] {
        assert!(!public.contains("sig="), "a public answer carries a signed link");
    }
    for path in ["/", "/search?q=中美", "/figures?q=图", "/timeline", "/api/search?q=中美"] {
        let answer = get(&f.app, path).await;
        assert!(!answer.body.contains("sig="), "{path} carries a signed link");
    }
    let path = url.trim_start_matches("http://yanbao.test");
    let anonymous = get(&f.app, path).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "{}", anonymous.body);
    assert!(anonymous.content_type.starts_with("text/html"));
    let hidden = hidden_texts(&f.long, &f.config.preview);
    assert!(!hidden.iter().any(|piece| anonymous.body.contains(&escaped(piece))));
    let reader = get_with_token(&f.app, path, &f.token).await;
    assert_eq!(reader.status, StatusCode::OK, "{}", reader.body);
    assert!(reader.body.contains("完整报告"));
    // The full view holds text the preview does not.
    assert!(hidden.iter().any(|piece| reader.body.contains(&escaped(piece))));
}

#[tokio::test]
async fn share_links_are_minted_only_for_a_token() {
    let f = fixture();
    let share = |token: Option<&str>, query: &str| {
        let mut request = Request::post(format!("/api/reports/{}/share{query}", f.long.id));
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        send(&f.app, request.body(Body::empty()).unwrap())
    };
    let anonymous = share(None, "").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "unauthorized");
    assert_eq!(share(Some("yb_not_a_real_token"), "").await.status, StatusCode::FORBIDDEN);
    assert_eq!(share(Some(&f.token), "?hours=0").await.json()["error"]["code"], "invalid_hours");
    assert_eq!(share(Some(&f.token), "?hours=lots").await.status, StatusCode::BAD_REQUEST);
    let missing = send(&f.app, Request::post("/api/reports/00000000000000ff/share").header(header::AUTHORIZATION, format!("Bearer {}", f.token)).body(Body::empty()).unwrap()).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let minted = share(Some(&f.token), "?hours=2").await;
    assert_eq!(minted.status, StatusCode::OK, "{}", minted.body);
    let url = minted.json()["url"].as_str().unwrap().to_string();
    assert!(url.starts_with(&format!("http://yanbao.test/reports/{}/full?exp=", f.long.id)), "{url}");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let expires = minted.json()["expires"].as_u64().unwrap();
    assert!(expires > now + 3600 && expires <= now + 3 * 3600, "{expires}");
    // Whoever is handed the link reads the report without a token.
    let page = get(&f.app, url.trim_start_matches("http://yanbao.test")).await;
    assert_eq!(page.status, StatusCode::OK);
}

#[tokio::test]
async fn full_text_needs_a_token_or_a_valid_share_link() {
    let f = fixture();
    let uri = format!("/api/reports/{}", f.seed.id);
    let answer = get(&f.app, &uri).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert_eq!(answer.json()["error"]["code"], "unauthorized");
    let answer = get_with_token(&f.app, &uri, "yb_not_a_real_token").await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.json()["error"]["code"], "invalid_token");
    let answer = get_with_token(&f.app, &uri, &f.token).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["id"], f.seed.id.as_str());
    assert!(answer.json()["blocks"].as_array().unwrap().len() > 10);

    // Share links: valid, expired, tampered, for another report.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (exp, sig) = sign_share_link(f.library.store(), &f.seed.id, now + 600).unwrap();
    let page = get(&f.app, &format!("/reports/{}/full?exp={exp}&sig={sig}", f.seed.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    let api = get(&f.app, &format!("{uri}?exp={exp}&sig={sig}")).await;
    assert_eq!(api.status, StatusCode::OK);
    let (old_exp, old_sig) = sign_share_link(f.library.store(), &f.seed.id, now - 10).unwrap();
    let expired = get(&f.app, &format!("{uri}?exp={old_exp}&sig={old_sig}")).await;
    assert_eq!(expired.status, StatusCode::FORBIDDEN);
    assert_eq!(expired.json()["error"]["code"], "expired_link");
    let tampered = get(&f.app, &format!("{uri}?exp={}&sig={sig}", exp + 1)).await;
    assert_eq!(tampered.json()["error"]["code"], "tampered_link");
    let other = get(&f.app, &format!("/api/reports/{}?exp={exp}&sig={sig}", f.long.id)).await;
    assert_eq!(other.json()["error"]["code"], "tampered_link");
    let garbage = get(&f.app, &format!("{uri}?exp={exp}&sig=%3Cscript%3E")).await;
    assert_eq!(garbage.status, StatusCode::FORBIDDEN);
    // An expiry that is no number is no share link at all: a 400, as the document says.
    let malformed = get(&f.app, &format!("{uri}?exp=soon&sig={sig}")).await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(malformed.json()["error"]["code"], "invalid_parameter");
    let page = get(&f.app, &format!("/reports/{}/full", f.seed.id)).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(page.content_type.starts_with("text/html"));

    // A revoked token stops working.
    f.library.store().revoke_token("tester").unwrap();
    let answer = get_with_token(&f.app, &uri, &f.token).await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
}

fn multipart(name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "yanbaoBOUNDARY42";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &Router, token: Option<&str>, name: &str, content: &[u8]) -> Answer {
    let (content_type, body) = multipart(name, content);
    let mut request = Request::builder().method(Method::POST).uri("/api/reports").header(header::CONTENT_TYPE, content_type);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

#[tokio::test]
async fn uploads_need_a_token_and_respect_the_size_limit() {
    let f = fixture();
    let report = "# 测试报告：上传\n\n## 一、正文\n\n这是一段上传的报告正文，用于测试上传接口。\n".as_bytes();
    assert_eq!(upload(&f.app, None, "up.md", report).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(upload(&f.app, Some("yb_wrong"), "up.md", report).await.status, StatusCode::FORBIDDEN);
    let added = upload(&f.app, Some(&f.token), "up.md", report).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["outcome"], "added");
    let again = upload(&f.app, Some(&f.token), "up.md", report).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["outcome"], "unchanged");
    let big = vec![b'a'; f.config.max_upload_bytes + 1];
    let too_big = upload(&f.app, Some(&f.token), "big.txt", &big).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", too_big.body);
    assert_eq!(too_big.json()["error"]["code"], "upload_too_large");
    let junk = send(&f.app, Request::post("/api/reports").header(header::AUTHORIZATION, format!("Bearer {}", f.token)).body(Body::from("junk")).unwrap()).await;
    assert_eq!(junk.status, StatusCode::BAD_REQUEST, "{}", junk.body);
}

#[tokio::test]
async fn report_text_is_escaped_everywhere() {
    let f = fixture();
    let hostile = "恶意脚本测试报告\n\n一、正文\n\n正文里有<script>alert('x')</script>和<b>粗体</b>以及 a < b & c > d 的比较，恶意脚本测试。\n";
    let added = upload(&f.app, Some(&f.token), "evil.txt", hostile.as_bytes()).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let id = added.json()["id"].as_str().unwrap().to_string();
    let page = get(&f.app, &format!("/reports/{id}")).await.body;
    assert!(!page.contains("<script>") && !page.contains("<b>粗体"), "raw markup in page");
    assert!(page.contains("&lt;script&gt;") || page.contains("a &lt; b &amp; c &gt; d"), "text is escaped, not dropped");
    let search = get(&f.app, &format!("/search?q={}", encode("恶意脚本"))).await.body;
    assert!(!search.contains("<script>"), "raw script in search page");
    assert!(!search.contains("&amp;lt;"), "double-escaped snippet");
    assert!(search.contains("<mark>"));
}

#[tokio::test]
async fn search_page_has_tabs_facets_and_an_empty_state() {
    let f = fixture();
    let empty = get(&f.app, "/").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("最新收录"));
    let page = get(&f.app, &format!("/search?q={}", encode("拜登"))).await.body;
    assert!(page.contains("class=\"hits\""));
    assert!(page.contains("机构"), "institution facet");
    assert!(page.contains("in=figures"));
    let none = get(&f.app, &format!("/search?q={}", encode("量子引力弦论"))).await.body;
    assert!(none.contains("没有找到结果"));
    assert!(none.contains("拜登"), "suggests a hot query");
    let paged = get(&f.app, &format!("/search?q={}&page=2", encode("拜登"))).await;
    assert_eq!(paged.status, StatusCode::OK);
}

#[tokio::test]
async fn chart_search_finds_figure_one_of_the_seed() {
    let f = fixture();
    let page = get(&f.app, &format!("/figures?q={}", encode("支持率"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("图 1") || page.body.contains("图1"), "{}", page.body);
    assert!(page.body.contains("fivethirtyeight"), "the source is shown");
    assert!(page.body.contains(&format!("/reports/{}", f.seed.id)));
}

#[tokio::test]
async fn timeline_and_entities_answer() {
    let f = fixture();
    let api = get(&f.app, "/api/timeline?from=2021-09&to=2021-11").await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let events = api.json()["events"].as_array().unwrap().clone();
    assert!(!events.is_empty());
    assert!(events.iter().all(|e| e["date"].as_str().unwrap() >= "2021-09"));
    let page = get(&f.app, "/timeline?from=2021-09&to=2021-11").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("class=\"timeline\""));
    assert!(page.body.contains("2021-11-16") || page.body.contains("2021-11"));
    assert_eq!(get(&f.app, "/api/timeline?from=garbage").await.status, StatusCode::BAD_REQUEST);
    let entity = get(&f.app, &format!("/api/entities/{}", encode("拜登"))).await;
    assert_eq!(entity.status, StatusCode::OK);
    assert!(!entity.json()["reports"].as_array().unwrap().is_empty());
    let page = get(&f.app, &format!("/entities/{}", encode("拜登"))).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&f.seed.title));
}

#[tokio::test]
async fn a_company_answers_json_and_a_page_and_unknown_ones_a_json_404() {
    let f = fixture();
    for (i, note) in company_notes::NOTES.iter().enumerate() {
        f.library.ingest_bytes(&format!("zijin_{i}.md"), company_notes::markdown(note).as_bytes()).expect("a note");
    }
    let api = get(&f.app, "/api/companies/601899").await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let json = api.json();
    assert_eq!((json["company"]["name"].as_str(), json["company"]["exchange"].as_str()), (Some("紫金矿业"), Some("SH")));
    assert_eq!(json["reports"].as_array().unwrap().len(), 3);
    assert_eq!(json["ratings"][2]["action"], "上调");
    let eps = json["consensus"].as_array().unwrap().iter().find(|c| c["year"] == 2024 && c["metric"] == "eps").cloned().unwrap();
    assert_eq!(eps["brokers"], 2);
    assert_eq!(get(&f.app, &format!("/api/companies/{}", encode("紫金矿业"))).await.json()["company"]["code"], "601899", "by name too");

    let missing = get(&f.app, "/api/companies/300750").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.content_type.starts_with("application/json"), "{}", missing.content_type);
    assert_eq!(missing.json()["error"]["code"], "company_not_found");

    let page = get(&f.app, "/companies/601899.SH").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg class=\"rating-chart\""), "the rating chart is drawn on the server");
    assert!(!page.body.contains("<script"), "no script on the page");
    assert!(page.body.contains("华鑫证券") && page.body.contains("买入（上调）"));
    assert_eq!(get(&f.app, "/companies/300750").await.status, StatusCode::NOT_FOUND);

    // The report page links its company to the company page.
    let id = json["reports"][0]["report_id"].as_str().unwrap().to_string();
    let report = get(&f.app, &format!("/reports/{id}")).await;
    assert!(report.body.contains("href=\"/companies/601899\""), "{}", report.body);

    // Search: a company facet over the notes found, and a filter by name or any form of its code.
    let faceted = get(&f.app, &format!("/api/search?q={}&facets=true", encode("紫金矿业"))).await.json();
    assert_eq!(faceted["facets"]["company"], serde_json::json!([["紫金矿业", 3]]), "{faceted}");
    for company in ["601899", "601899.SH", "紫金矿业"] {
        let filtered = get(&f.app, &format!("/api/search?q={}&company={}", encode("矿业"), encode(company))).await.json();
        assert_eq!(filtered["total_reports"], 3, "company={company}: {filtered}");
    }
    let other = get(&f.app, &format!("/api/search?q={}&company=600519", encode("矿业"))).await.json();
    assert_eq!(other["hits"].as_array().unwrap().len(), 0, "{other}");
    let page = get(&f.app, &format!("/search?q={}", encode("紫金矿业"))).await;
    assert!(page.body.contains("公司") && page.body.contains(&format!("company={}", encode("紫金矿业"))), "the search page offers the company facet");
    let narrowed = get(&f.app, &format!("/search?q={}&company=601899", encode("矿业"))).await;
    assert!(narrowed.body.contains("li class=\"active\"") && narrowed.body.contains("601899"), "the active company filter shows, removable");
}

#[tokio::test]
async fn openapi_matches_the_real_routes() {
    let f = fixture();
    let doc = get(&f.app, "/api/openapi.json").await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for route in ["/healthz", "/api/search", "/api/reports", "/api/reports/{id}", "/api/reports/{id}/preview", "/api/timeline", "/api/entities/{name}", "/api/companies/{code}", "/api/openapi.json"] {
        assert!(paths.contains_key(route), "openapi lacks {route}");
    }
    for (path, operations) in paths {
        let concrete = path.replace("{id}", &f.seed.id).replace("{name}", &encode("拜登")).replace("{code}", "601899");
        for method in operations.as_object().unwrap().keys() {
            let request = Request::builder().method(method.to_uppercase().as_str()).uri(&concrete).body(Body::empty()).unwrap();
            let answer = send(&f.app, request).await;
            assert_ne!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            assert!(!answer.body.contains("\"no_route\""), "{method} {path} is not routed");
            let documented = operations[method]["responses"].as_object().unwrap();
            assert!(documented.contains_key(answer.status.as_str()), "{method} {path} answered {} which is not documented", answer.status);
        }
    }
}

#[tokio::test]
async fn junk_requests_never_fail_the_server() {
    let f = fixture();
    let junk = [
        "/reports/zzzz", "/reports/..%2F..%2Fetc", "/reports/0123456789abcdef", "/api/reports/%00", "/api/reports/0123456789abcdef/preview",
        "/search?q=%FF%FE", "/search?q=(((", "/search?page=99999&q=a", "/search?year=abc&q=a", "/figures?q=%22%22%22",
        "/timeline?from=2021-13-45", "/entities/%20", "/api/search?q=&limit=0", "/api/search?offset=99999999999999999999999",
        "/api/timeline?limit=-1", "/search?q=a&q=b",
    ];
    for uri in junk {
        let answer = get(&f.app, uri).await;
        assert!(!answer.status.is_server_error(), "{uri}: {} {}", answer.status, answer.body);
        if uri.starts_with("/api/") && !answer.status.is_success() {
            assert!(answer.json()["error"]["code"].is_string(), "{uri}: {}", answer.body);
        }
    }
}


/// The `yanbao` binary: `$YANBAO_BIN`, else the one beside this test executable (built by
/// `cargo test --workspace` or `cargo build -p yanbao-cli`); `None` when there is none.
fn yanbao_binary() -> Option<std::path::PathBuf> {
    if let Some(path) = std::env::var_os("YANBAO_BIN") {
        return Some(path.into());
    }
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let binary = profile_dir.join(format!("yanbao{}", std::env::consts::EXE_SUFFIX));
    binary.is_file().then_some(binary)
}

/// Copies a data folder (the CLI reads a copy, so it can never disturb the served library).
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != ".tantivy-writer.lock" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[tokio::test]
async fn the_cli_and_the_api_return_the_same_hits_for_one_query() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    {
        let library = Library::open(&data).unwrap();
        library.ingest_bytes("seed.txt", SEED).unwrap();
        library.ingest_bytes("mpb_foundry.md", LONG).unwrap();
        library.ingest_bytes("disclaimer.md", DISCLAIMED.as_bytes()).unwrap();
        library.set_preview_policy(config().preview).unwrap();
    }
    let cli_data = dir.path().join("cli-data");
    copy_dir(&data, &cli_data);
    let library = Arc::new(Library::open(&data).unwrap());
    let app = router(library.clone(), config());
    let binary = yanbao_binary();
    if binary.is_none() {
        eprintln!("the CLI half is skipped: no yanbao binary (run `cargo build -p yanbao-cli` or set YANBAO_BIN)");
    }
    let queries = [("中美", "paragraphs"), ("晶圆代工", "all"), ("免责声明", "paragraphs"), ("报告", "paragraphs"), ("拜登支持率", "figures"), ("证券", "reports")];
    for (query, scope) in queries {
        let api = get(&app, &format!("/api/search?q={}&in={scope}&limit=10", encode(query))).await;
        assert_eq!(api.status, StatusCode::OK, "{}", api.body);
        let api = api.json();
        // What `yanbao search QUERY --in SCOPE --limit 10` asks the library.
        let request = yanbao_engine::SearchRequest { query: query.into(), scope: scope.parse().unwrap(), limit: 10, ..Default::default() };
        let engine: serde_json::Value = serde_json::from_str(&serde_json::to_string(&library.search(&request).unwrap()).unwrap()).unwrap();
        assert_eq!(api["total"], engine["total"], "{query} in {scope}");
        assert_eq!(api["hits"], engine["hits"], "{query} in {scope}");
        // A page never holds fewer hits than the total promises (nothing is dropped after the
        // fact): passages, or reports when the hits are grouped by report.
        let total = if api["grouped"] == true { api["total_reports"].as_u64().unwrap() } else { api["total"].as_u64().unwrap() } as usize;
        let shown = api["hits"].as_array().unwrap().len();
        assert_eq!(shown, total.min(10), "{query} in {scope}");
        if let Some(binary) = &binary {
            let output = std::process::Command::new(binary)
                .args(["--data"])
                .arg(&cli_data)
                .args(["search", query, "--in", scope, "--limit", "10", "--json"])
                .output()
                .unwrap();
            assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
            let cli: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(api["total"], cli["total"], "{query} in {scope}: the CLI disagrees (is {} stale?)", binary.display());
            assert_eq!(api["hits"], cli["hits"], "{query} in {scope}");
        }
    }
    // Boilerplate is never a paragraph hit: the disclaimer's words find only the body.
    let id = yanbao_model::report_id(DISCLAIMED.as_bytes());
    let report = library.get(&id).unwrap().unwrap();
    assert!(report.blocks.iter().any(|b| b.boilerplate));
    let found = get(&app, &format!("/api/search?q={}&in=paragraphs&limit=100", encode("研究所客户"))).await.json();
    let blocks: Vec<u64> = found["hits"].as_array().unwrap().iter().filter(|h| h["report_id"] == id.as_str()).map(|h| h["block"].as_u64().unwrap()).collect();
    assert_eq!(blocks.len(), 1, "{found}");
    assert!(!report.blocks[blocks[0] as usize].boilerplate);
}

/// A short report whose back matter is a disclaimer section (boilerplate).
const DISCLAIMED: &str = "# 光伏行业周报：硅料价格企稳\n\n## 一、本周观点\n\n硅料价格企稳回升，本研究所客户关注的一体化龙头盈利有望修复。\n\n## 免责声明\n\n本报告仅供本研究所客户使用，本研究所不因接收人收到本报告而视其为客户。\n\n本报告中的信息均来源于公开资料，研究所客户应自行判断。\n";

#[tokio::test]
async fn hits_link_into_the_preview_only_before_the_cut() {
    let f = fixture();
    let preview_cut = cut(&f.long, &f.config.preview);
    let query = "晶圆";
    let api = get(&f.app, &format!("/api/search?q={}&in=paragraphs&limit=100&group=false", encode(query))).await.json();
    let hits: Vec<&serde_json::Value> = api["hits"].as_array().unwrap().iter().filter(|h| h["report_id"] == f.long.id.as_str()).collect();
    let (mut before, mut beyond) = (0, 0);
    for hit in &hits {
        let block = hit["block"].as_u64().unwrap() as usize;
        assert_eq!(hit["previewed"].as_bool(), Some(preview_cut.shows(block)), "block {block}");
        if preview_cut.shows(block) { before += 1 } else { beyond += 1 }
    }
    assert!(before > 0 && beyond > 0, "{before} before and {beyond} beyond the cut");
    let page = get(&f.app, &format!("/search?q={}&in=paragraphs&group=false", encode(query))).await.body;
    let first = hits[0]["block"].as_u64().unwrap();
    let expected = if hits[0]["previewed"] == true { format!("/reports/{}#b{first}", f.long.id) } else { format!("/reports/{}/full#b{first}", f.long.id) };
    assert!(page.contains(&expected), "{expected} not in the page");
    // The timeline places its citations the same way, without reading reports.
    let timeline = get(&f.app, "/timeline").await;
    assert_eq!(timeline.status, StatusCode::OK);
}

/// The "hot & recent" chips of the home page (empty when the section is absent).
fn suggested_queries(home: &str) -> String {
    let Some(start) = home.find("热门与最近搜索") else { return String::new() };
    let rest = &home[start..];
    rest[..rest.find("试试").unwrap_or(rest.len())].to_string()
}

#[tokio::test]
async fn recent_and_hot_searches_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("library");
    {
        let library = Library::open(&data).expect("library");
        library.ingest_bytes("seed.txt", SEED).expect("seed");
        let app = router(Arc::new(library), config());
        assert!(suggested_queries(&get(&app, "/").await.body).is_empty(), "a new library suggests nothing yet");
        assert_eq!(get(&app, &format!("/search?q={}", encode("关税排除"))).await.status, StatusCode::OK);
        assert_eq!(get(&app, &format!("/api/search?q={}", encode("孟晚舟"))).await.status, StatusCode::OK);
        assert_eq!(get(&app, &format!("/api/search?q={}", encode("无此词汇乙丙"))).await.status, StatusCode::OK);
    }
    // A new process over the same folder: the library reopened, a new router.
    let app = router(Arc::new(Library::open(&data).expect("library reopens")), config());
    let suggested = suggested_queries(&get(&app, "/").await.body);
    assert!(suggested.contains("关税排除"), "{suggested}");
    assert!(suggested.contains("孟晚舟"), "the first query of a burst and the ones after it are kept: {suggested}");
    assert!(!suggested.contains("无此词汇乙丙"), "queries that found nothing are not suggested: {suggested}");
}

#[tokio::test]
async fn a_report_known_only_by_its_year_shows_that_year_everywhere() {
    let f = fixture();
    // The seed prints no date; its year (2021) comes from the dates in its text.
    assert_eq!((f.seed.date.as_deref(), f.seed.year), (None, Some(2021)));
    let list = get(&f.app, "/api/reports").await.json();
    let listed = list["reports"].as_array().expect("reports").iter().find(|r| r["id"] == f.seed.id.as_str()).expect("seed listed").clone();
    assert_eq!((listed["date"].clone(), listed["year"].clone()), (serde_json::Value::Null, serde_json::json!(2021)), "{listed}");
    let preview = get(&f.app, &format!("/api/reports/{}/preview", f.seed.id)).await.json();
    assert_eq!((preview["date"].clone(), preview["year"].clone()), (serde_json::Value::Null, serde_json::json!(2021)));
    let page = get(&f.app, &format!("/reports/{}", f.seed.id)).await.body;
    assert!(page.contains("年份") && page.contains("<dd>2021</dd>") && !page.contains("日期<span"), "the report page shows the year as a year");
    let home = get(&f.app, "/").await.body;
    let newest = &home[home.find("最新收录").expect("newest list")..];
    let seed_row = &newest[newest.find(&format!("/reports/{}", f.seed.id)).expect("seed on the home page")..];
    let seed_row = &seed_row[..seed_row.find("</li>").unwrap_or(seed_row.len())];
    assert!(seed_row.contains("光大证券 2021"), "{seed_row}");
}

#[tokio::test]
async fn a_garbled_broker_name_shows_as_the_broker_it_spells() {
    let f = fixture();
    // samples/mpb_舍得酒业.md prints its broker as 华㘛证券, 华刽证券, 华荟证券… never 华鑫证券; its
    // analyst's SAC number (S1050…) and e-mail (@cfsc.com.cn) are 华鑫证券's.
    let liquor = include_bytes!("../../../samples/mpb_舍得酒业.md");
    let id = f.library.ingest_bytes("mpb_舍得酒业.md", liquor).expect("ingest").id.expect("id");
    let report = f.library.get(&id).unwrap().expect("stored");
    assert_eq!(report.institution.as_deref(), Some("华鑫证券"));
    let printed = report.institution_as_printed.as_deref().expect("the name as printed is kept");
    assert!(printed.starts_with('华') && printed.ends_with("证券") && printed != "华鑫证券", "{printed}");
    let page = get(&f.app, &format!("/reports/{id}")).await.body;
    assert!(page.contains("/search?institution=") && page.contains(">华鑫证券</a>"), "the page shows the matched broker");
    let css = get(&f.app, "/static/style.css").await.body;
    let stack = &css[css.find("--font:").expect("font stack")..];
    let stack = &stack[..stack.find(';').unwrap_or(stack.len())];
    assert!(stack.trim_end().ends_with("\"Unifont\", sans-serif"), "faces covering CJK Extension A close the stack: {stack}");
}

#[tokio::test]
async fn search_groups_hits_by_report_and_folds_the_rest() {
    let f = fixture();
    let grouped = get(&f.app, &format!("/api/search?q={}&in=paragraphs", encode("关税"))).await.json();
    assert_eq!(grouped["grouped"], true);
    let hits = grouped["hits"].as_array().unwrap();
    let seed = hits.iter().find(|h| h["report_id"] == f.seed.id.as_str()).expect("the seed speaks of 关税");
    let more = seed["more_in_report"].as_u64().unwrap();
    assert!(more >= 1, "{seed}");
    assert!(!seed["more_hits"].as_array().unwrap().is_empty());
    // The fields PRODUCT.md fixes are all there.
    for key in ["report_id", "title", "kind", "score", "snippet", "page", "block", "date", "institution"] {
        assert!(seed.get(key).is_some(), "{key} missing");
    }
    let flat = get(&f.app, &format!("/api/search?q={}&in=paragraphs&group=false&limit=50", encode("关税"))).await.json();
    assert_eq!(flat["grouped"], false);
    assert_eq!(flat["total"], grouped["total"], "the total counts passages either way");
    let within = get(&f.app, &format!("/api/search?q={}&in=paragraphs&report={}&limit=50", encode("关税"), f.seed.id)).await.json();
    assert_eq!(within["total"].as_u64().unwrap(), more + 1);
    assert!(within["hits"].as_array().unwrap().iter().all(|h| h["report_id"] == f.seed.id.as_str()));
    assert_eq!(get(&f.app, "/api/search?q=a&report=nothex!").await.status, StatusCode::BAD_REQUEST);

    // The page: the rest folded under the best passage, with the link to the search within the report.
    let page = get(&f.app, &format!("/search?q={}&in=paragraphs", encode("关税"))).await.body;
    assert!(page.contains("<details class=\"more-in-report\">"), "{page}");
    assert!(page.contains(&format!("{more} more in this report")), "{page}");
    assert!(page.contains(&format!("report={}", f.seed.id)), "{page}");
    assert!(page.contains("份报告"), "the summary counts reports");
    let inside = get(&f.app, &format!("/search?q={}&in=paragraphs&report={}", encode("关税"), f.seed.id)).await.body;
    assert!(inside.contains("within one report") && !inside.contains("more-in-report\""), "{inside}");

    // A heading hit is labelled as a heading.
    let heading = get(&f.app, &format!("/search?q={}&in=paragraphs", encode("可能会谈些什么"))).await.body;
    assert!(heading.contains("kind kind-heading") && heading.contains(">标题<"), "{heading}");
}

#[tokio::test]
async fn the_preview_outline_lists_every_section_title() {
    let f = fixture();
    let preview_cut = cut(&f.long, &f.config.preview);
    let beyond: Vec<&str> = f.long.outline.iter().filter(|o| !preview_cut.shows(o.block) && !f.long.blocks[o.block].boilerplate).map(|o| o.title.as_str()).collect();
    assert!(!beyond.is_empty(), "the long report has sections beyond the cut");
    let page = get(&f.app, &format!("/reports/{}", f.long.id)).await.body;
    for title in &beyond {
        assert!(page.contains(&escaped(title)), "outline lacks {title:?}");
    }
    assert!(page.contains("sections in the full report"));
    assert!(!page.contains("more sections in the full report"), "no bare count in place of the titles");
    let api = get(&f.app, &format!("/api/reports/{}/preview", f.long.id)).await.json();
    let sections = api["sections"].as_array().unwrap();
    assert!(sections.iter().any(|s| s["in_preview"] == false));
}

/// `(uri, code)`: requests whose values the OpenAPI document does not allow, and the error code
/// of the 400 that answers each.
const REFUSED: &[(&str, &str)] = &[
    ("/api/search?q=a&limit=0", "page_size_out_of_range"),
    ("/api/search?q=a&limit=101", "page_size_out_of_range"),
    ("/api/search?q=a&limit=99999999999999999999999", "page_size_out_of_range"),
    ("/api/search?q=a&limit=%205", "invalid_parameter"),
    ("/api/search?q=a&limit=-1", "invalid_parameter"),
    ("/api/search?q=a&offset=10001", "offset_out_of_range"),
    ("/api/search?q=a&year=999", "invalid_parameter"),
    ("/api/search?q=a&year=abc", "invalid_parameter"),
    ("/api/search?q=a&in=ALL", "invalid_scope"),
    ("/api/search?q=a&in=report", "invalid_scope"),
    ("/api/search?q=a&facets=yes", "invalid_parameter"),
    ("/api/search?q=a&facets=1", "invalid_parameter"),
    ("/api/search?q=a&group=0", "invalid_parameter"),
    ("/api/search?q=a&from=2021-13", "invalid_date"),
    ("/api/search?q=a&to=2021%2F11", "invalid_date"),
    ("/api/search?q=a&report=xyz", "invalid_parameter"),
    ("/api/reports?limit=0", "page_size_out_of_range"),
    ("/api/reports?limit=101", "page_size_out_of_range"),
    ("/api/reports?offset=1000000001", "offset_out_of_range"),
    ("/api/reports?offset=x", "invalid_parameter"),
    ("/api/timeline?limit=0", "page_size_out_of_range"),
    ("/api/timeline?limit=2001", "page_size_out_of_range"),
    ("/api/timeline?from=__main__", "invalid_date"),
    ("/api/timeline?from=2021-13-45", "invalid_date"),
    ("/api/timeline?to=0999", "invalid_date"),
    ("/api/entities/%E3%80%80", "invalid_parameter"),
    ("/api/companies/%20%09", "invalid_parameter"),
];

#[tokio::test]
async fn values_the_document_does_not_allow_get_a_json_400_with_a_code() {
    let f = fixture();
    for &(uri, code) in REFUSED {
        let answer = get(&f.app, uri).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{uri}: {}", answer.body);
        assert!(answer.content_type.starts_with("application/json"), "{uri}: {}", answer.content_type);
        assert_eq!(answer.json()["error"]["code"], code, "{uri}: {}", answer.body);
    }
    // The full text refuses a malformed expiry, even to a token (which needs none).
    for query in ["exp=soon", "exp=true&sig=a&sig=b", "exp=1&exp=2"] {
        let answer = get_with_token(&f.app, &format!("/api/reports/{}?{query}", f.seed.id), &f.token).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}: {}", answer.body);
        assert_eq!(answer.json()["error"]["code"], "invalid_parameter", "{query}");
    }
}

#[tokio::test]
async fn values_at_the_documented_bounds_and_empty_values_are_accepted() {
    let f = fixture();
    for uri in [
        "/api/search?q=%E6%8B%9C%E7%99%BB&limit=1", "/api/search?q=a&limit=100&offset=10000", "/api/search?q=a&year=1000", "/api/search?q=a&year=9999",
        "/api/search?q=a&in=events&facets=false&group=true&from=2021&to=2021-11-30",
        "/api/search?q=a&in=&from=&to=&institution=&author=&year=&language=&limit=&offset=&facets=&report=&group=",
        "/api/reports?limit=100&offset=1000000000", "/api/reports?limit=&offset=",
        "/api/timeline?limit=1", "/api/timeline?limit=2000&from=1000&to=9999-12-31", "/api/timeline?from=&to=&entity=&limit=",
        "/api/entities/%1C",
    ] {
        let answer = get(&f.app, uri).await;
        assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.body);
    }
}

/// Returns the schema of a query parameter of an operation in the OpenAPI document.
fn parameter_schema<'a>(doc: &'a serde_json::Value, path: &str, method: &str, name: &str) -> &'a serde_json::Value {
    let parameters = doc["paths"][path][method]["parameters"].as_array().unwrap_or_else(|| panic!("{method} {path} has no parameters"));
    let parameter = parameters.iter().find(|p| p["name"] == name).unwrap_or_else(|| panic!("{method} {path} has no parameter {name}"));
    &parameter["schema"]
}

#[tokio::test]
async fn the_document_states_the_bounds_this_server_enforces() {
    let library = Arc::new(Library::open_in_memory().unwrap());
    let config = ServerConfig { max_page_size: 37, max_query_chars: 50, share_link_hours: 12, ..ServerConfig::default() };
    let app = router(library, config);
    let doc = get(&app, "/api/openapi.json").await.json();
    for path in ["/api/search", "/api/reports"] {
        let limit = parameter_schema(&doc, path, "get", "limit");
        assert_eq!((limit["type"].as_str(), limit["minimum"].as_u64(), limit["maximum"].as_u64()), (Some("integer"), Some(1), Some(37)), "{path}");
    }
    let offset = parameter_schema(&doc, "/api/search", "get", "offset");
    assert_eq!((offset["minimum"].as_u64(), offset["maximum"].as_u64()), (Some(0), Some(10_000)));
    let offset = parameter_schema(&doc, "/api/reports", "get", "offset");
    assert_eq!((offset["minimum"].as_u64(), offset["maximum"].as_u64()), (Some(0), Some(1_000_000_000)));
    let year = parameter_schema(&doc, "/api/search", "get", "year");
    assert_eq!((year["minimum"].as_u64(), year["maximum"].as_u64()), (Some(1000), Some(9999)));
    assert_eq!(parameter_schema(&doc, "/api/search", "get", "q")["maxLength"], 50);
    assert_eq!(parameter_schema(&doc, "/api/search", "get", "in")["enum"], serde_json::json!(["all", "reports", "paragraphs", "figures", "tables", "events"]));
    let timeline = parameter_schema(&doc, "/api/timeline", "get", "limit");
    assert_eq!((timeline["minimum"].as_u64(), timeline["maximum"].as_u64()), (Some(1), Some(2000)));
    assert_eq!(parameter_schema(&doc, "/api/timeline", "get", "entity")["maxLength"], 50);
    let hours = parameter_schema(&doc, "/api/reports/{id}/share", "post", "hours");
    assert_eq!((hours["minimum"].as_u64(), hours["maximum"].as_u64()), (Some(1), Some(2160)));
    for (path, name) in [("/api/entities/{name}", "name"), ("/api/companies/{code}", "code")] {
        let schema = parameter_schema(&doc, path, "get", name);
        assert_eq!((schema["minLength"].as_u64(), schema["maxLength"].as_u64()), (Some(1), Some(50)), "{path}");
        assert!(schema["pattern"].is_string(), "{path}");
    }
    // Uploads: one non-empty `file`, of a media type yanbao reads; a body that is none is a 400.
    let post = &doc["paths"]["/api/reports"]["post"];
    assert!(post["responses"]["400"].is_object(), "a body that is no multipart upload is a documented 400");
    let schema = &post["requestBody"]["content"]["multipart/form-data"]["schema"];
    assert_eq!(schema["required"], serde_json::json!(["file"]));
    assert_eq!((schema["additionalProperties"].as_bool(), schema["properties"]["file"]["minLength"].as_u64()), (Some(false), Some(1)), "one non-empty file");
    assert_eq!(post["requestBody"]["content"]["multipart/form-data"]["encoding"]["file"]["contentType"], "application/pdf, text/plain, text/markdown, text/html");
    // …and the server keeps to them.
    assert_eq!(get(&app, "/api/search?q=a&limit=37").await.status, StatusCode::OK);
    assert_eq!(get(&app, "/api/search?q=a&limit=38").await.json()["error"]["code"], "page_size_out_of_range");
    assert_eq!(get(&app, &format!("/api/search?q={}", "a".repeat(50))).await.status, StatusCode::OK);
    assert_eq!(get(&app, &format!("/api/search?q={}", "a".repeat(51))).await.json()["error"]["code"], "query_too_long");
}

#[tokio::test]
async fn every_operation_is_named_linked_consistently_and_documents_json_errors() {
    let f = fixture();
    let doc = get(&f.app, "/api/openapi.json").await.json();
    let mut operations = std::collections::HashMap::new();
    for (path, methods) in doc["paths"].as_object().unwrap() {
        for (method, operation) in methods.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(operations.insert(id.to_string(), operation.clone()).is_none(), "operationId {id} twice");
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "query" {
                    assert_eq!(parameter["allowEmptyValue"], true, "{method} {path} {}: an empty value is the same as none", parameter["name"]);
                }
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if status.starts_with('4') && status != "422" {
                    assert_eq!(response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Error", "{method} {path} {status}");
                }
            }
        }
    }
    let mut links = 0;
    for operation in operations.values() {
        for response in operation["responses"].as_object().unwrap().values() {
            for (name, link) in response["links"].as_object().into_iter().flatten() {
                let target = link["operationId"].as_str().unwrap();
                let target = operations.get(target).unwrap_or_else(|| panic!("link {name} names no operation {target}"));
                for parameter in link["parameters"].as_object().unwrap().keys() {
                    let declared = target["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == parameter.as_str());
                    assert!(declared, "link {name} sets {parameter}, which {} does not take", link["operationId"]);
                }
                links += 1;
            }
        }
    }
    assert!(links >= 10, "the document links search hits, lists and uploads to the reports they name ({links} links)");
    // Every schema reference resolves.
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &reference[..reference.find('"').unwrap()];
        assert!(doc["components"]["schemas"][name].is_object(), "no schema {name}");
    }
}

#[tokio::test]
async fn share_asks_for_a_token_before_anything_else() {
    let f = fixture();
    for uri in ["/api/reports/0/share?hours=0", "/api/reports/zz/share", "/api/reports/0123456789abcdef/share?hours=x"] {
        let answer = send(&f.app, Request::post(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri}: {}", answer.body);
        assert_eq!(answer.json()["error"]["code"], "unauthorized");
    }
    let with_token = |uri: &str| Request::post(uri.to_string()).header(header::AUTHORIZATION, format!("Bearer {}", f.token)).body(Body::empty()).unwrap();
    let answer = send(&f.app, with_token(&format!("/api/reports/{}/share?hours=0", f.seed.id))).await;
    assert_eq!(answer.json()["error"]["code"], "invalid_hours");
    let answer = send(&f.app, with_token(&format!("/api/reports/{}/share?hours=%2B5", f.seed.id))).await;
    assert_eq!(answer.json()["error"]["code"], "invalid_hours", "+5 is not how the document writes a number");
    let answer = send(&f.app, with_token("/api/reports/zz/share?hours=5")).await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn uploads_are_read_by_their_declared_media_type_and_malformed_ones_get_a_400() {
    let f = fixture();
    let bearer = format!("Bearer {}", f.token);
    let no_body = send(&f.app, Request::post("/api/reports").header(header::AUTHORIZATION, &bearer).body(Body::empty()).unwrap()).await;
    assert_eq!(no_body.status, StatusCode::BAD_REQUEST, "{}", no_body.body);
    assert_eq!(no_body.json()["error"]["code"], "invalid_upload");
    // A part named `file` with no extension, declared as text: read as text.
    let boundary = "yanbaoBOUNDARY43";
    let text = "Contract test upload\n\nA first paragraph of an uploaded text report.\n";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n");
    let request = Request::post("/api/reports").header(header::AUTHORIZATION, &bearer).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(Body::from(body)).unwrap();
    let added = send(&f.app, request).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    // Bytes that are no report the part declares are refused.
    let boundary = "yanbaoBOUNDARY44";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\nContent-Type: application/pdf\r\n\r\nnot a pdf\r\n--{boundary}--\r\n");
    let request = Request::post("/api/reports").header(header::AUTHORIZATION, &bearer).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(Body::from(body)).unwrap();
    let refused = send(&f.app, request).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert_eq!(refused.json()["outcome"], "failed");
    // A field besides `file`, or a second file, is refused: the document allows neither.
    for (extra, code) in [("name=\"note\"", "note"), ("name=\"file\"; filename=\"again.txt\"", "one file")] {
        let boundary = "yanbaoBOUNDARY45";
        let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nTitle\n\nText.\r\n--{boundary}\r\nContent-Disposition: form-data; {extra}\r\n\r\nmore\r\n--{boundary}--\r\n");
        let request = Request::post("/api/reports").header(header::AUTHORIZATION, &bearer).header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).body(Body::from(body)).unwrap();
        let answer = send(&f.app, request).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{extra}: {}", answer.body);
        assert_eq!(answer.json()["error"]["code"], "invalid_upload");
        assert!(answer.json()["error"]["message"].as_str().unwrap().contains(code), "{}", answer.body);
    }
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let f = fixture();
    let id = &f.seed.id;
    // Pages, the API, errors, the fallback and the stylesheet alike.
    for uri in ["/", &format!("/search?q={}", encode("关税")), &format!("/reports/{id}"), &format!("/reports/{id}/full"), "/figures", "/timeline", "/api/search?q=x", "/api/reports?limit=0", "/api/openapi.json", "/no/such/page", "/static/style.css", "/healthz"] {
        let response = f.app.clone().oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
        let headers = response.headers();
        let value = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let csp = value("content-security-policy");
        assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{uri}: {csp:?}");
        assert_eq!(value("x-content-type-options"), "nosniff", "{uri}");
        assert_eq!(value("referrer-policy"), "no-referrer", "{uri}: a share link's signature never leaves in a Referer");
        assert_eq!(value("x-frame-options"), "DENY", "{uri}");
    }
    // The pages need nothing the policy forbids: no script, no inline style, no style attribute.
    for uri in ["/".to_string(), format!("/reports/{id}"), format!("/search?q={}", encode("关税")), "/figures".to_string(), "/timeline".to_string()] {
        let page = get(&f.app, &uri).await.body;
        assert!(!page.contains("<script") && !page.contains("<style") && !page.contains(" style=") && !page.contains(" onclick="), "{uri}");
    }
}
