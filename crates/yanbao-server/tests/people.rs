//! People through the real router: signing in and out (cookie attributes, CSRF on every form,
//! failed sign-ins slowed per name, no open redirect), what each role may do (readers read the
//! full text, editors upload and remove, admins manage people), the anonymous browser sent to
//! sign in and back, and the header that says who is signed in.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;
use yanbao_engine::access::create_token;
use yanbao_engine::users::{add_user, Role};
use yanbao_engine::Library;
use yanbao_server::{router, ServerConfig};

const SEED: &[u8] = include_bytes!("fixtures/seed.txt");
const PASSWORD: &str = "correct horse battery";

struct Fixture {
    app: Router,
    library: Arc<Library>,
    report: String,
    token: String,
}

fn fixture_with(config: ServerConfig) -> Fixture {
    let library = Library::open_in_memory().expect("library");
    let report = library.ingest_bytes("seed.txt", SEED).expect("seed").id.expect("seed id");
    for (name, role) in [("reader", Role::Reader), ("editor", Role::Editor), ("admin", Role::Admin)] {
        add_user(library.store(), name, role, PASSWORD).expect("user");
    }
    let token = create_token(library.store(), "script").expect("token");
    let library = Arc::new(library);
    Fixture { app: router(library.clone(), config), library, report, token }
}

fn fixture() -> Fixture {
    fixture_with(ServerConfig { base_url: "http://yanbao.test".into(), ..ServerConfig::default() })
}

struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: header::HeaderName) -> String {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
    }

    fn cookies(&self) -> Vec<String> {
        self.headers.get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
    }

    /// The value a `Set-Cookie` of this answer gives `name`.
    fn cookie(&self, name: &str) -> Option<String> {
        self.cookies().iter().find_map(|c| c.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap().to_string()))
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not json ({e}): {}", self.body))
    }

    /// The value of the first hidden `csrf` field of the page.
    fn csrf_field(&self) -> String {
        let at = self.body.find("name=\"csrf\" value=\"").unwrap_or_else(|| panic!("no csrf field: {}", self.body)) + "name=\"csrf\" value=\"".len();
        self.body[at..at + self.body[at..].find('"').unwrap()].to_string()
    }
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    Answer { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
}

/// A GET as a browser makes it (`Accept: text/html`), with cookies.
async fn browse(app: &Router, uri: &str, cookie: Option<&str>) -> Answer {
    let mut request = Request::get(uri).header(header::ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8");
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

fn form_body(fields: &[(&str, &str)]) -> String {
    let encode = |text: &str| text.bytes().map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") }).collect::<String>();
    fields.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

async fn post_form(app: &Router, uri: &str, cookie: &str, fields: &[(&str, &str)], extra: &[(&str, &str)]) -> Answer {
    let mut request = Request::post(uri).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::COOKIE, cookie);
    for (name, value) in extra {
        request = request.header(*name, *value);
    }
    send(app, request.body(Body::from(form_body(fields))).unwrap()).await
}

/// The sign-in form's CSRF cookie and field, from `GET /login`.
async fn sign_in_form(app: &Router) -> (String, String) {
    let page = browse(app, "/login", None).await;
    assert_eq!(page.status, StatusCode::OK);
    let cookie = page.cookie("yb_signin").expect("the form sets its csrf cookie");
    assert_eq!(page.csrf_field(), cookie, "double submit: the field is the cookie");
    (format!("yb_signin={cookie}"), cookie)
}

async fn try_sign_in(app: &Router, name: &str, password: &str, next: &str) -> Answer {
    let (cookie, csrf) = sign_in_form(app).await;
    post_form(app, "/login", &cookie, &[("csrf", &csrf), ("next", next), ("name", name), ("password", password)], &[]).await
}

/// Signs in and returns the `Cookie` header value of the session.
async fn session_of(app: &Router, name: &str) -> String {
    let answer = try_sign_in(app, name, PASSWORD, "/").await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    format!("yb_session={}", answer.cookie("yb_session").expect("session cookie"))
}

/// The session's CSRF token, from the sign-out form in a page's header.
async fn csrf_of(app: &Router, cookie: &str) -> String {
    browse(app, "/", Some(cookie)).await.csrf_field()
}

fn multipart(name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "yanbaoPEOPLE7";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/markdown\r\n\r\n").as_bytes());
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload_as(app: &Router, cookie: &str, csrf: Option<&str>, name: &str, content: &[u8]) -> Answer {
    let (content_type, body) = multipart(name, content);
    let mut request = Request::post("/api/reports").header(header::CONTENT_TYPE, content_type).header(header::COOKIE, cookie);
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

async fn delete_as(app: &Router, uri: &str, cookie: Option<&str>, csrf: Option<&str>, token: Option<&str>) -> Answer {
    let mut request = Request::builder().method(Method::DELETE).uri(uri);
    if let Some(cookie) = cookie {
        request = request.header(header::COOKIE, cookie);
    }
    if let Some(csrf) = csrf {
        request = request.header("x-csrf-token", csrf);
    }
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(app, request.body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn an_anonymous_browser_is_sent_to_sign_in_and_lands_on_the_full_report() {
    let f = fixture();
    let full = format!("/reports/{}/full", f.report);
    let asked = browse(&f.app, &full, None).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(asked.header(header::LOCATION), format!("/login?next=%2Freports%2F{}%2Ffull", f.report));
    // An API client still gets the JSON 401.
    let api = send(&f.app, Request::get(format!("/api/reports/{}", f.report)).header(header::ACCEPT, "application/json").body(Body::empty()).unwrap()).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.json()["error"]["code"], "unauthorized");
    let form = browse(&f.app, &asked.header(header::LOCATION), None).await;
    assert!(form.body.contains(&format!("name=\"next\" value=\"{full}\"")), "the form goes back: {}", form.body);
    let signed_in = try_sign_in(&f.app, "reader", PASSWORD, &full).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.body);
    assert_eq!(signed_in.header(header::LOCATION), full);
    let cookie = signed_in.cookies().into_iter().find(|c| c.starts_with("yb_session=")).expect("session cookie");
    assert!(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Lax") && cookie.contains("; Path=/"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http: not Secure ({cookie})");
    let session = format!("yb_session={}", signed_in.cookie("yb_session").unwrap());
    let page = browse(&f.app, &full, Some(&session)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("完整报告"));
    assert!(page.body.contains("reader") && page.body.contains("退出"), "the header names who is signed in");
    assert_eq!(page.header(header::CACHE_CONTROL), "private, no-store");
    let json = send(&f.app, Request::get(format!("/api/reports/{}", f.report)).header(header::COOKIE, &session).body(Body::empty()).unwrap()).await;
    assert_eq!(json.status, StatusCode::OK, "a reader's session reads the full JSON too");
}

#[tokio::test]
async fn the_cookie_is_secure_behind_tls() {
    let f = fixture();
    let (cookie, csrf) = sign_in_form(&f.app).await;
    let answer = post_form(&f.app, "/login", &cookie, &[("csrf", &csrf), ("name", "reader"), ("password", PASSWORD)], &[("x-forwarded-proto", "https")]).await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER);
    assert!(answer.cookies().iter().any(|c| c.starts_with("yb_session=") && c.ends_with("; Secure")), "{:?}", answer.cookies());
    let https = fixture_with(ServerConfig { base_url: "https://yanbao.example".into(), ..ServerConfig::default() });
    let answer = try_sign_in(&https.app, "reader", PASSWORD, "/").await;
    assert!(answer.cookies().iter().all(|c| c.contains("; Secure")), "{:?}", answer.cookies());
}

#[tokio::test]
async fn a_wrong_name_or_password_gets_one_generic_answer() {
    let f = fixture();
    let wrong_password = try_sign_in(&f.app, "editor", "not the password", "/").await;
    let unknown_name = try_sign_in(&f.app, "nobody", PASSWORD, "/").await;
    for answer in [&wrong_password, &unknown_name] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert!(answer.body.contains("用户名或密码不正确"), "{}", answer.body);
        assert!(answer.cookie("yb_session").is_none());
        assert!(!answer.body.contains(PASSWORD) && !answer.body.contains("not the password"), "a password is never shown back");
        assert!(answer.body.contains("name=\"csrf\""), "the form again");
    }
}

#[tokio::test]
async fn forms_without_their_csrf_token_are_refused() {
    let f = fixture();
    let (cookie, csrf) = sign_in_form(&f.app).await;
    let no_field = post_form(&f.app, "/login", &cookie, &[("name", "reader"), ("password", PASSWORD)], &[]).await;
    assert_eq!(no_field.status, StatusCode::FORBIDDEN);
    let no_cookie = post_form(&f.app, "/login", "other=1", &[("csrf", &csrf), ("name", "reader"), ("password", PASSWORD)], &[]).await;
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
    let other_token = post_form(&f.app, "/login", &cookie, &[("csrf", &"0".repeat(64)), ("name", "reader"), ("password", PASSWORD)], &[]).await;
    assert_eq!(other_token.status, StatusCode::FORBIDDEN);
    for refused in [&no_field, &no_cookie, &other_token] {
        assert!(refused.cookie("yb_session").is_none());
    }
    // Signed in: sign-out, uploads and the user forms need the session's token.
    let session = session_of(&f.app, "admin").await;
    let logout = post_form(&f.app, "/logout", &session, &[], &[]).await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN);
    assert_eq!(browse(&f.app, &format!("/reports/{}/full", f.report), Some(&session)).await.status, StatusCode::OK, "still signed in");
    let upload = upload_as(&f.app, &session, None, "up.md", b"# Title\n\nbody text here\n").await;
    assert_eq!(upload.status, StatusCode::FORBIDDEN);
    assert_eq!(upload.json()["error"]["code"], "csrf_failed");
    let wrong = upload_as(&f.app, &session, Some("f00"), "up.md", b"# Title\n\nbody text here\n").await;
    assert_eq!(wrong.json()["error"]["code"], "csrf_failed");
    let add = post_form(&f.app, "/admin/users", &session, &[("action", "add"), ("name", "mallory"), ("role", "admin"), ("password", "password123")], &[]).await;
    assert_eq!(add.status, StatusCode::FORBIDDEN);
    assert!(f.library.store().user("mallory").unwrap().is_none());
    let delete = delete_as(&f.app, &format!("/api/reports/{}", f.report), Some(&session), None, None).await;
    assert_eq!(delete.status, StatusCode::FORBIDDEN);
    assert!(f.library.get(&f.report).unwrap().is_some());
}

#[tokio::test]
async fn repeated_failures_for_one_name_are_slowed_then_allowed_again() {
    let window = Duration::from_secs(2);
    let f = fixture_with(ServerConfig { sign_in_failures: 5, sign_in_window: window, ..ServerConfig::default() });
    for attempt in 0..5 {
        assert_eq!(try_sign_in(&f.app, "editor", "guess", "/").await.status, StatusCode::UNAUTHORIZED, "attempt {attempt}");
    }
    let slowed = try_sign_in(&f.app, "editor", PASSWORD, "/").await;
    assert_eq!(slowed.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits: {}", slowed.body);
    let retry: u64 = slowed.header(header::RETRY_AFTER).parse().expect("Retry-After seconds");
    assert!((1..=2).contains(&retry), "{retry}");
    assert!(slowed.cookie("yb_session").is_none());
    assert_eq!(try_sign_in(&f.app, "reader", PASSWORD, "/").await.status, StatusCode::SEE_OTHER, "other names are not slowed");
    tokio::time::sleep(window + Duration::from_millis(100)).await;
    assert_eq!(try_sign_in(&f.app, "editor", PASSWORD, "/").await.status, StatusCode::SEE_OTHER, "no lock-out for good");
}

#[tokio::test]
async fn readers_read_editors_upload_and_remove_admins_manage_people() {
    let f = fixture();
    let report = "# 上传测试：编辑\n\n## 一、正文\n\n编辑从浏览器上传的一份报告正文，用于测试角色。\n".as_bytes();
    // A reader reads, but may not upload, remove or open the upload page.
    let reader = session_of(&f.app, "reader").await;
    let reader_csrf = csrf_of(&f.app, &reader).await;
    let refused = upload_as(&f.app, &reader, Some(&reader_csrf), "up.md", report).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.json()["error"]["code"], "role_forbidden");
    assert_eq!(browse(&f.app, "/upload", Some(&reader)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(browse(&f.app, "/admin/users", Some(&reader)).await.status, StatusCode::FORBIDDEN);
    let header = browse(&f.app, "/", Some(&reader)).await.body;
    assert!(!header.contains("href=\"/upload\""), "a reader is not offered uploads");
    // An editor uploads (with the session's CSRF header) and removes.
    let editor = session_of(&f.app, "editor").await;
    let csrf = csrf_of(&f.app, &editor).await;
    let page = browse(&f.app, "/upload", Some(&editor)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("drop-zone") && page.body.contains("type=\"file\"") && page.body.contains("multiple"));
    assert!(page.body.contains(&format!("data-csrf=\"{csrf}\"")));
    assert!(page.body.contains("<script src=\"/static/upload.js\""), "the script is a file");
    assert!(!page.body.contains("<script>"), "no inline script");
    let policy = page.header(header::CONTENT_SECURITY_POLICY);
    assert!(policy.contains("script-src 'self'") && policy.contains("connect-src 'self'"), "{policy}");
    let added = upload_as(&f.app, &editor, Some(&csrf), "up.md", report).await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    assert_eq!(added.json()["outcome"], "added");
    let id = added.json()["id"].as_str().unwrap().to_string();
    assert_eq!(upload_as(&f.app, &editor, Some(&csrf), "up.md", report).await.json()["outcome"], "unchanged");
    let uri = format!("/api/reports/{id}");
    assert_eq!(delete_as(&f.app, &uri, None, None, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(delete_as(&f.app, &uri, Some(&reader), Some(&reader_csrf), None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(delete_as(&f.app, &uri, Some(&editor), Some(&csrf), None).await.status, StatusCode::NO_CONTENT);
    assert!(f.library.get(&id).unwrap().is_none());
    assert_eq!(delete_as(&f.app, &uri, Some(&editor), Some(&csrf), None).await.status, StatusCode::NOT_FOUND);
    // Scripts keep their tokens: upload and remove with one, no CSRF.
    let (content_type, body) = multipart("again.md", report);
    let scripted = send(&f.app, Request::post("/api/reports").header(header::CONTENT_TYPE, content_type).header(header::AUTHORIZATION, format!("Bearer {}", f.token)).body(Body::from(body)).unwrap()).await;
    assert_eq!(scripted.status, StatusCode::CREATED, "{}", scripted.body);
    assert_eq!(delete_as(&f.app, &uri, None, None, Some(&f.token)).await.status, StatusCode::NO_CONTENT);
    // An editor may not manage people; an admin may.
    assert_eq!(browse(&f.app, "/admin/users", Some(&editor)).await.status, StatusCode::FORBIDDEN);
    let admin = session_of(&f.app, "admin").await;
    let admin_csrf = csrf_of(&f.app, &admin).await;
    let users = browse(&f.app, "/admin/users", Some(&admin)).await;
    assert_eq!(users.status, StatusCode::OK);
    assert!(users.body.contains("editor") && users.body.contains("reader"));
    assert!(!users.body.contains("$argon2"), "no hash is ever shown");
    let add = post_form(&f.app, "/admin/users", &admin, &[("csrf", &admin_csrf), ("action", "add"), ("name", "新读者"), ("role", "reader"), ("password", "password123")], &[]).await;
    assert_eq!(add.status, StatusCode::OK, "{}", add.body);
    assert!(add.body.contains("新读者"));
    let weak = post_form(&f.app, "/admin/users", &admin, &[("csrf", &admin_csrf), ("action", "add"), ("name", "weak"), ("role", "reader"), ("password", "short")], &[]).await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    assert!(weak.body.contains("at least 8"));
    assert_eq!(try_sign_in(&f.app, "新读者", "password123", "/").await.status, StatusCode::SEE_OTHER);
    let remove = post_form(&f.app, "/admin/users", &admin, &[("csrf", &admin_csrf), ("action", "remove"), ("name", "editor")], &[]).await;
    assert_eq!(remove.status, StatusCode::OK, "{}", remove.body);
    assert_eq!(browse(&f.app, "/upload", Some(&editor)).await.status, StatusCode::SEE_OTHER, "a removed person's session is over");
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let f = fixture();
    let session = session_of(&f.app, "editor").await;
    let csrf = csrf_of(&f.app, &session).await;
    let out = post_form(&f.app, "/logout", &session, &[("csrf", &csrf)], &[]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header(header::LOCATION), "/");
    assert!(out.cookies().iter().any(|c| c.starts_with("yb_session=;") && c.contains("Max-Age=0")), "{:?}", out.cookies());
    // The old cookie, kept or copied, opens nothing any more.
    let full = format!("/reports/{}/full", f.report);
    assert_eq!(browse(&f.app, &full, Some(&session)).await.status, StatusCode::SEE_OTHER);
    let api = send(&f.app, Request::get(format!("/api/reports/{}", f.report)).header(header::COOKIE, &session).body(Body::empty()).unwrap()).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    let header = browse(&f.app, "/", Some(&session)).await.body;
    assert!(header.contains("登录") && !header.contains("退出"), "the header offers to sign in again");
}

#[tokio::test]
async fn sign_in_never_redirects_to_another_site() {
    let f = fixture();
    for next in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/login?next=https://evil.example"] {
        let answer = try_sign_in(&f.app, "reader", PASSWORD, next).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER);
        assert_eq!(answer.header(header::LOCATION), "/", "{next}");
    }
    let here = try_sign_in(&f.app, "reader", PASSWORD, "/search?q=中美").await;
    assert_eq!(here.header(header::LOCATION), "/search?q=%E4%B8%AD%E7%BE%8E", "a local next is kept, encoded");
    let form = browse(&f.app, "/login?next=https%3A%2F%2Fevil.example", None).await;
    assert!(!form.body.contains("evil.example"), "the form does not carry it either");
}

#[tokio::test]
async fn every_page_header_says_who_is_signed_in() {
    let f = fixture();
    for path in ["/", "/search?q=%E4%B8%AD%E7%BE%8E", "/timeline", &format!("/reports/{}", f.report), "/no/such/page"] {
        let page = browse(&f.app, path, None).await;
        assert!(page.body.contains("登录") && page.body.contains("Sign in"), "{path}");
        assert!(!page.body.contains("yanbao:account"), "{path}: the slot is filled");
    }
    let anonymous = browse(&f.app, &format!("/reports/{}", f.report), None).await;
    assert!(anonymous.body.contains(&format!("href=\"/login?next=%2Freports%2F{}\"", f.report)), "sign in comes back here");
    let admin = session_of(&f.app, "admin").await;
    let page = browse(&f.app, "/timeline", Some(&admin)).await;
    assert!(page.body.contains("admin") && page.body.contains("退出") && page.body.contains("Sign out"));
    assert!(page.body.contains("action=\"/logout\"") && page.body.contains("href=\"/upload\"") && page.body.contains("href=\"/admin/users\""));
    assert!(!page.header(header::CONTENT_SECURITY_POLICY).contains("script-src"), "other pages run no script");
    let script = browse(&f.app, "/static/upload.js", None).await;
    assert_eq!(script.status, StatusCode::OK);
    assert!(script.header(header::CONTENT_TYPE).starts_with("text/javascript"));
}

#[tokio::test]
async fn hostile_cookies_and_forms_are_nobody() {
    let f = fixture();
    let full = format!("/reports/{}/full", f.report);
    for cookie in ["yb_session=garbage", "yb_session=ys_zz", &format!("yb_session=ys_{}", "0".repeat(64)), &format!("yb_session={}", "x".repeat(8000)), "yb_session", "=;;=="] {
        assert_eq!(browse(&f.app, &full, Some(cookie)).await.status, StatusCode::SEE_OTHER, "{cookie}");
    }
    let (cookie, csrf) = sign_in_form(&f.app).await;
    let huge = "名".repeat(20_000);
    let answer = post_form(&f.app, "/login", &cookie, &[("csrf", &csrf), ("name", &huge), ("password", &huge)], &[]).await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    assert!(answer.body.len() < 50_000, "a huge name is not echoed whole");
    let junk = send(&f.app, Request::post("/login").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").header(header::COOKIE, &cookie).body(Body::from("%%%&&==name")).unwrap()).await;
    assert!(junk.status.is_client_error(), "{}", junk.status);
    let anonymous_upload_page = browse(&f.app, "/upload", None).await;
    assert_eq!(anonymous_upload_page.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous_upload_page.header(header::LOCATION), "/login?next=%2Fupload");
}

#[tokio::test]
async fn the_upload_form_works_without_its_script_too() {
    let f = fixture();
    let editor = session_of(&f.app, "editor").await;
    let csrf = csrf_of(&f.app, &editor).await;
    let boundary = "yanbaoNOSCRIPT";
    let part = |name: &str, file: Option<&str>, content: &[u8]| {
        let mut part = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"").into_bytes();
        if let Some(file) = file {
            part.extend_from_slice(format!("; filename=\"{file}\"\r\nContent-Type: text/markdown").as_bytes());
        }
        part.extend_from_slice(b"\r\n\r\n");
        part.extend_from_slice(content);
        part.extend_from_slice(b"\r\n");
        part
    };
    let post = |parts: Vec<Vec<u8>>| {
        let mut body: Vec<u8> = parts.concat();
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let request = Request::post("/upload").header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}")).header(header::COOKIE, &editor).body(Body::from(body)).unwrap();
        send(&f.app, request)
    };
    let one = "# 无脚本上传一\n\n## 正文\n\n没有脚本的浏览器上传的第一份报告正文。\n".as_bytes();
    let two = "# 无脚本上传二\n\n## 正文\n\n没有脚本的浏览器上传的第二份报告，内容不同。\n".as_bytes();
    let refused = post(vec![part("file", Some("one.md"), one), part("csrf", None, csrf.as_bytes())]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a file before the token is refused unread");
    let page = post(vec![part("csrf", None, csrf.as_bytes()), part("file", Some("one.md"), one), part("file", Some("two.md"), two), part("file", Some("empty.md"), b"")]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(page.body.matches("data-outcome=\"added\"").count(), 2, "{}", page.body);
    assert!(page.body.contains("failed: the file is empty"));
    assert!(page.body.contains("无脚本上传一") && page.body.contains("href=\"/reports/"));
    let again = post(vec![part("csrf", None, csrf.as_bytes()), part("file", Some("one.md"), one)]).await;
    assert!(again.body.contains("data-outcome=\"unchanged\""));
}

#[tokio::test]
async fn removing_asks_for_credentials_before_anything_else() {
    let f = fixture();
    for uri in ["/api/reports/zz", "/api/reports/0123456789abcdef", &format!("/api/reports/{}", f.report)] {
        let answer = delete_as(&f.app, uri, None, None, None).await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{uri}: {}", answer.body);
    }
    assert_eq!(delete_as(&f.app, "/api/reports/0123456789abcdef", None, None, Some(&f.token)).await.status, StatusCode::NOT_FOUND);
    assert!(f.library.get(&f.report).unwrap().is_some());
}
