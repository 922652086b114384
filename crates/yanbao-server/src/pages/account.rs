//! People in the web reader: signing in and out, the header that says who is signed in, the
//! upload page for editors and the user list for admins.
//!
//! Every form that changes anything carries a CSRF token: the sign-in form a random one also set
//! as a cookie (double submit: a page on another site can neither read the cookie nor guess the
//! token), every other form its session's own. Who may do what is decided in [`crate::auth`].

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::Form;
use maud::{html, Markup};
use serde::Deserialize;
use yanbao_engine::users::{self, Role, UserInfo, SESSION_LIFETIME};

use crate::auth::{self, Action, SignedIn, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE};
use crate::error::ApiError;
use crate::pages::{layout, url_encode, PageError, ACCOUNT_SLOT};
use crate::{blocking, AppState};

/// The upload page's own Content-Security-Policy: the reader's, plus its one script
/// (`/static/upload.js`, from this server) and its requests back here.
pub const UPLOAD_PAGE_POLICY: &str =
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The upload page's script (drop zone, progress, results).
pub const UPLOAD_SCRIPT: &str = include_str!("upload.js");

/// `GET /static/upload.js`.
pub async fn upload_script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], UPLOAD_SCRIPT).into_response()
}

/// Middleware over every route: a page asked for by a browser that needs someone signed in
/// (401) sends it to the sign-in page and back; every page's header says who is signed in (the
/// place [`layout`] leaves for it), with their sign-out form.
pub async fn frame(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let is_get = request.method() == Method::GET;
    let path = request.uri().path().to_string();
    let path_and_query = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| path.clone());
    let headers = request.headers().clone();
    let response = next.run(request).await;
    if response.status() == StatusCode::UNAUTHORIZED && is_get && !path.starts_with("/api/") && auth::wants_html(&headers) {
        return auth::sign_in_redirect(&path_and_query);
    }
    let is_html = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return ApiError::internal("a page's body could not be read").into_response();
    };
    let page = match String::from_utf8(bytes.to_vec()) {
        Ok(page) if page.contains(ACCOUNT_SLOT) => page,
        _ => return Response::from_parts(parts, Body::from(bytes)),
    };
    let person = if auth::cookie(&headers, SESSION_COOKIE).is_some() {
        blocking(&state, move |s| auth::signed_in(&s.library, &headers)).await.unwrap_or(None)
    } else {
        None
    };
    if person.is_some() {
        // The header names the person: no shared cache may keep it.
        parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    }
    let page = page.replacen(ACCOUNT_SLOT, &account_markup(person.as_ref(), &path_and_query).into_string(), 1);
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(page))
}

/// The header's account corner: "登录 Sign in" (back to this page afterwards), or the name, the
/// pages their role opens and a sign-out button.
pub fn account_markup(person: Option<&SignedIn>, here: &str) -> Markup {
    html! {
        div.account {
            @match person {
                None => {
                    a.signin href={ "/login?next=" (url_encode(&auth::local_next(Some(here)))) } { "登录" span.en { "Sign in" } }
                }
                Some(person) => {
                    @if auth::allows(person.role, Action::Upload) { a href="/upload" { "上传" span.en { "Upload" } } }
                    @if auth::allows(person.role, Action::ManageUsers) { a href="/admin/users" { "用户" span.en { "Users" } } }
                    span.user title=(person.role.as_str()) { (person.user) }
                    " · "
                    form.signout method="post" action="/logout" {
                        input type="hidden" name="csrf" value=(person.csrf);
                        button type="submit" { "退出" span.en { "Sign out" } }
                    }
                }
            }
        }
    }
}

/// A page response with its status.
fn page(status: StatusCode, title: &str, body: Markup) -> Response {
    (status, Html(layout(title, "", "", body).into_string())).into_response()
}

/// The sign-in form's token: the one the browser already holds when it looks like ours (several
/// tabs share it), else a new one.
fn sign_in_token(headers: &HeaderMap) -> Result<String, ApiError> {
    match auth::cookie(headers, SIGN_IN_CSRF_COOKIE) {
        Some(token) if token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()) => Ok(token),
        _ => users::random_token().map_err(ApiError::internal),
    }
}

/// The sign-in form (and the message of a failed attempt), with its CSRF cookie set.
fn sign_in_form(status: StatusCode, headers: &HeaderMap, base_url: &str, next: &str, name: &str, message: Option<&str>) -> Response {
    let token = match sign_in_token(headers) {
        Ok(token) => token,
        Err(e) => return PageError(e).into_response(),
    };
    let body = html! {
        section.card.signin {
            h1 { "登录" span.en { "Sign in" } }
            @if let Some(message) = message { p.form-error role="alert" { (message) } }
            form method="post" action="/login" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="next" value=(next);
                label for="signin-name" { "用户名" span.en { "Name" } }
                input id="signin-name" type="text" name="name" value=(name) autocomplete="username" required maxlength="64" autofocus;
                label for="signin-password" { "密码" span.en { "Password" } }
                input id="signin-password" type="password" name="password" autocomplete="current-password" required maxlength="1024";
                button type="submit" { "登录" span.en { "Sign in" } }
            }
            p.muted { "账号由管理员创建 · Accounts are made by an admin (" code { "yanbao user add" } ")." }
        }
    };
    let mut response = page(status, "登录 Sign in", body);
    let secure = auth::is_tls(headers, base_url);
    response.headers_mut().append(header::SET_COOKIE, auth::set_cookie(SIGN_IN_CSRF_COOKIE, &token, None, secure));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The query of `GET /login`.
#[derive(Debug, Default, Deserialize)]
pub struct SignInQuery {
    /// Where to go afterwards (a path here).
    #[serde(default)]
    pub next: Option<String>,
}

/// `GET /login`: the sign-in form.
pub async fn sign_in_page(State(state): State<Arc<AppState>>, headers: HeaderMap, query: Result<Query<SignInQuery>, axum::extract::rejection::QueryRejection>) -> Response {
    let next = query.ok().and_then(|Query(q)| q.next);
    sign_in_form(StatusCode::OK, &headers, &state.config.base_url, &auth::local_next(next.as_deref()), "", None)
}

/// The fields of the sign-in form.
#[derive(Debug, Default, Deserialize)]
pub struct SignInFields {
    /// Sign-in name.
    #[serde(default)]
    pub name: String,
    /// Password (never logged, never shown back).
    #[serde(default)]
    pub password: String,
    /// The form's CSRF token.
    #[serde(default)]
    pub csrf: String,
    /// Where to go afterwards.
    #[serde(default)]
    pub next: String,
}

/// `POST /login`: checks the CSRF token, the name's failure count, then the password; on
/// success sets the session cookie and goes to `next`. A wrong name and a wrong password get the
/// same answer (401, the form again).
pub async fn sign_in(State(state): State<Arc<AppState>>, headers: HeaderMap, form: Result<Form<SignInFields>, axum::extract::rejection::FormRejection>) -> Response {
    let base_url = state.config.base_url.clone();
    let Ok(Form(fields)) = form else {
        return sign_in_form(StatusCode::BAD_REQUEST, &headers, &base_url, "/", "", Some("表单无法读取，请重试 · The form could not be read; try again."));
    };
    let next = auth::local_next(Some(&fields.next));
    let name: String = fields.name.trim().chars().take(users::MAX_NAME_CHARS + 1).collect();
    let shown_name: String = name.chars().take(users::MAX_NAME_CHARS).collect();
    let expected = auth::cookie(&headers, SIGN_IN_CSRF_COOKIE).unwrap_or_default();
    if !users::csrf_matches(&expected, fields.csrf.trim()) {
        return sign_in_form(StatusCode::FORBIDDEN, &headers, &base_url, &next, &shown_name, Some("表单已过期，请再登录一次 · The form had expired (csrf); sign in again."));
    }
    if let Some(wait) = state.sign_in_throttle.retry_after(&name, Instant::now()) {
        let seconds = wait.as_secs().max(1);
        let message = format!("该用户名登录失败次数过多，请 {seconds} 秒后再试 · Too many failed sign-ins for this name; try again in {seconds} s.");
        let mut response = sign_in_form(StatusCode::TOO_MANY_REQUESTS, &headers, &base_url, &next, &shown_name, Some(&message));
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        return response;
    }
    let password = fields.password;
    let checked_name = name.clone();
    let started = blocking(&state, move |s| users::sign_in(s.library.store(), &checked_name, &password, auth::now_seconds()).map_err(ApiError::internal)).await;
    match started {
        Err(e) => PageError(e).into_response(),
        Ok(None) => {
            state.sign_in_throttle.record_failure(&name, Instant::now());
            // Not the name: a password typed into the name field must not reach the log.
            tracing::info!("sign-in refused");
            sign_in_form(StatusCode::UNAUTHORIZED, &headers, &base_url, &next, &shown_name, Some("用户名或密码不正确 · Wrong name or password."))
        }
        Ok(Some(session)) => {
            state.sign_in_throttle.clear(&name);
            tracing::info!(name = %session.user.name, role = session.user.role.as_str(), "signed in");
            let secure = auth::is_tls(&headers, &base_url);
            let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
            response.headers_mut().append(header::SET_COOKIE, auth::set_cookie(SESSION_COOKIE, &session.token, Some(SESSION_LIFETIME.as_secs()), secure));
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
    }
}

/// The field of a form that only needs its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct CsrfField {
    /// The session's CSRF token.
    #[serde(default)]
    pub csrf: String,
}

/// `POST /logout`: ends the session on the server (its cookie no longer opens anything, wherever
/// it was copied) and clears the cookie; back to the front page.
pub async fn sign_out(State(state): State<Arc<AppState>>, headers: HeaderMap, form: Result<Form<CsrfField>, axum::extract::rejection::FormRejection>) -> Response {
    let given = form.map(|Form(field)| field.csrf).unwrap_or_default();
    let secure = auth::is_tls(&headers, &state.config.base_url);
    let ended = blocking(&state, move |s| {
        let Some(person) = auth::signed_in(&s.library, &headers)? else { return Ok(()) };
        auth::check_csrf(&person.csrf, Some(&given))?;
        let secret = auth::cookie(&headers, SESSION_COOKIE).unwrap_or_default();
        users::end_session(s.library.store(), &secret).map_err(ApiError::internal)?;
        tracing::info!(name = %person.user, "signed out");
        Ok(())
    })
    .await;
    if let Err(e) = ended {
        return PageError(e).into_response();
    }
    let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, "/")]).into_response();
    response.headers_mut().append(header::SET_COOKIE, auth::set_cookie(SESSION_COOKIE, "", Some(0), secure));
    response
}

/// The person signed in on a page request who may do `action`: 401 for nobody (a browser is sent
/// to sign in), 403 for a role that does not allow it.
async fn page_person(state: &Arc<AppState>, headers: HeaderMap, action: Action) -> Result<SignedIn, PageError> {
    let person = blocking(state, move |s| auth::signed_in(&s.library, &headers)).await?;
    match person {
        None => Err(ApiError::unauthorized(format!("this page needs a signed-in {}", action.role().as_str())).into()),
        Some(person) if !auth::allows(person.role, action) => {
            Err(ApiError::forbidden("role_forbidden", format!("this page needs a signed-in {}; {} is a {}", action.role().as_str(), person.user, person.role.as_str())).into())
        }
        Some(person) => Ok(person),
    }
}

/// `GET /upload`: the upload page for editors and admins — a drop zone and file input taking
/// several files, a progress line per file, and each file's result as `yanbao ingest` says it.
pub async fn upload_page(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let person = match page_person(&state, headers, Action::Upload).await {
        Ok(person) => person,
        Err(e) => return e.into_response(),
    };
    upload_markup(&state, &person, &[])
}

/// What became of one file posted without the script: its name and the ingest's result, a
/// queued job (shared library), or why it was refused.
pub enum UploadLine {
    /// Stored, found already stored, or failed to parse.
    Ingested(String, yanbao_engine::IngestResult),
    /// Queued for the workers as this job.
    Queued(String, i64),
    /// Refused before ingest (too large, empty).
    Refused(String, String),
}

/// One result line, as the script writes it (`data-outcome` says which).
fn result_line(line: &UploadLine) -> Markup {
    use yanbao_engine::IngestOutcome;
    let (name, outcome) = match line {
        UploadLine::Ingested(name, result) => (name, match result.outcome {
            IngestOutcome::Added => "added",
            IngestOutcome::Unchanged => "unchanged",
            IngestOutcome::Failed => "failed",
        }),
        UploadLine::Queued(name, _) => (name, "queued"),
        UploadLine::Refused(name, _) => (name, "failed"),
    };
    html! {
        li class={ "upload-line " (outcome) } data-outcome=(outcome) {
            span.upload-name { (name) }
            span.upload-status {
                @match line {
                    UploadLine::Ingested(_, result) if result.outcome == IngestOutcome::Failed => { "failed: " (result.error.as_deref().unwrap_or("unknown error")) }
                    UploadLine::Ingested(_, result) => {
                        (outcome) " "
                        @if let Some(id) = &result.id { a href={ "/reports/" (id) } { (result.title.as_deref().unwrap_or(id)) } }
                        @if let Some(original) = &result.duplicate_of { " — same report as " a href={ "/reports/" (original) } { (original) } }
                    }
                    UploadLine::Queued(_, job) => { "queued (job " (job) "): a worker stores it shortly" }
                    UploadLine::Refused(_, reason) => { "failed: " (reason) }
                }
            }
        }
    }
}

/// `POST /upload`: the upload form posted without the script (a browser that runs none): the
/// `csrf` field first, then any number of `file` fields, each ingested as `POST /api/reports`
/// would; the page again with a result line per file.
pub async fn upload_files(State(state): State<Arc<AppState>>, headers: HeaderMap, multipart: Result<axum::extract::Multipart, axum::extract::multipart::MultipartRejection>) -> Response {
    let person = match page_person(&state, headers, Action::Upload).await {
        Ok(person) => person,
        Err(e) => return e.into_response(),
    };
    let Ok(mut multipart) = multipart else {
        return PageError(ApiError::bad_request("invalid_upload", "the form could not be read")).into_response();
    };
    let max = state.config.max_upload_bytes;
    let mut checked = false;
    let mut lines = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return PageError(ApiError::new(e.status(), "invalid_upload", e.body_text().to_lowercase())).into_response(),
        };
        match field.name() {
            Some("csrf") => {
                let given = field.text().await.unwrap_or_default();
                if let Err(e) = auth::check_csrf(&person.csrf, Some(&given)) {
                    return PageError(e).into_response();
                }
                checked = true;
            }
            // No file is read before the form has shown its token.
            Some("file") if checked => {
                let name = field.file_name().unwrap_or("upload.txt").to_string();
                let content_type = field.content_type().map(str::to_string);
                let bytes = match field.bytes().await {
                    Ok(bytes) => bytes,
                    Err(e) => return PageError(ApiError::new(e.status(), "upload_too_large", e.body_text().to_lowercase())).into_response(),
                };
                if bytes.is_empty() && name.is_empty() {
                    continue;
                }
                if bytes.is_empty() {
                    lines.push(UploadLine::Refused(name, "the file is empty".into()));
                    continue;
                }
                if bytes.len() > max {
                    lines.push(UploadLine::Refused(name, format!("uploads are limited to {max} bytes")));
                    continue;
                }
                let read_as = crate::api::upload_name(&name, content_type.as_deref(), &bytes);
                let shown = name.clone();
                let line = blocking(&state, move |s| {
                    if s.library.store().job_queue().is_some() {
                        let (job, _) = s.library.enqueue_bytes(&read_as, &bytes).map_err(crate::error::from_engine)?;
                        Ok(UploadLine::Queued(shown, job))
                    } else {
                        Ok(UploadLine::Ingested(shown, s.library.ingest_bytes(&read_as, &bytes).map_err(crate::error::from_engine)?))
                    }
                })
                .await;
                match line {
                    Ok(line) => lines.push(line),
                    Err(e) => lines.push(UploadLine::Refused(name, e.message)),
                }
            }
            Some("file") => return PageError(csrf_missing(&person)).into_response(),
            _ => return PageError(ApiError::bad_request("invalid_upload", "an upload form has the fields csrf and file")).into_response(),
        }
    }
    if !checked {
        return PageError(csrf_missing(&person)).into_response();
    }
    upload_markup(&state, &person, &lines)
}

/// The refusal of a form that did not show its CSRF token first.
fn csrf_missing(person: &SignedIn) -> ApiError {
    auth::check_csrf(&person.csrf, None).err().unwrap_or_else(|| ApiError::forbidden("csrf_failed", "no csrf token"))
}

/// The upload page, with the result lines of files posted without the script.
fn upload_markup(state: &AppState, person: &SignedIn, results: &[UploadLine]) -> Response {
    let max_mib = state.config.max_upload_bytes as f64 / 1_048_576.0;
    let body = html! {
        section.card.upload {
            h1 { "上传报告" span.en { "Upload reports" } }
            p.muted { "PDF、Markdown、文本或 HTML，可一次多个，每个不超过 " (format!("{max_mib:.0}")) " MiB · PDF, Markdown, text or HTML; several at once, each up to " (format!("{max_mib:.0}")) " MiB." }
            form id="upload-form" method="post" action="/upload" enctype="multipart/form-data" data-csrf=(person.csrf) {
                // First, so a browser without the script posts it before the files (POST /upload).
                input type="hidden" name="csrf" value=(person.csrf);
                div.drop-zone id="drop-zone" {
                    p { "把文件拖到这里" span.en { "Drop files here" } }
                    label.file-pick for="file-input" { "或选择文件 · or choose files" }
                    input id="file-input" type="file" name="file" multiple accept=".pdf,.md,.markdown,.txt,.html,.htm";
                }
                button id="upload-button" type="submit" { "上传" span.en { "Upload" } }
            }
            ol.upload-results id="upload-results" aria-live="polite" {
                @for line in results { (result_line(line)) }
            }
        }
        script src="/static/upload.js" defer {}
    };
    let mut response = page(StatusCode::OK, "上传 Upload", body);
    response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(UPLOAD_PAGE_POLICY));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The user list with its forms; `message` says what the last action did (or why it failed).
fn users_markup(person: &SignedIn, people: &[UserInfo], message: Option<(&str, bool)>) -> Markup {
    html! {
        section.card.users {
            h1 { "用户" span.en { "Users" } }
            @if let Some((text, failed)) = message {
                p class=(if failed { "form-error" } else { "form-done" }) role="status" { (text) }
            }
            table {
                thead { tr { th { "用户名" span.en { "Name" } } th { "角色" span.en { "Role" } } th { "创建" span.en { "Added" } } th {} } }
                tbody {
                    @for user in people {
                        tr {
                            td { (user.name) }
                            td { (user.role.as_str()) }
                            td.muted { (user.created_at) }
                            td {
                                @if user.name != person.user {
                                    form.inline method="post" action="/admin/users" {
                                        input type="hidden" name="csrf" value=(person.csrf);
                                        input type="hidden" name="action" value="remove";
                                        input type="hidden" name="name" value=(user.name);
                                        button.danger type="submit" { "删除" span.en { "Remove" } }
                                    }
                                } @else { span.muted { "你 · you" } }
                            }
                        }
                    }
                }
            }
            h2 { "添加用户" span.en { "Add a user" } }
            form.add-user method="post" action="/admin/users" {
                input type="hidden" name="csrf" value=(person.csrf);
                input type="hidden" name="action" value="add";
                label for="user-name" { "用户名" span.en { "Name" } }
                input id="user-name" type="text" name="name" required maxlength="64" autocomplete="off";
                label for="user-role" { "角色" span.en { "Role" } }
                select id="user-role" name="role" {
                    option value="reader" { "reader · 读全文" }
                    option value="editor" { "editor · 上传、删除" }
                    option value="admin" { "admin · 管理用户" }
                }
                label for="user-password" { "密码（至少 8 个字符）" span.en { "Password, 8+ characters" } }
                input id="user-password" type="password" name="password" required minlength="8" maxlength="1024" autocomplete="new-password";
                button type="submit" { "添加" span.en { "Add" } }
            }
        }
    }
}

/// `GET /admin/users`: the people who may sign in, for admins.
pub async fn users_page(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let person = match page_person(&state, headers, Action::ManageUsers).await {
        Ok(person) => person,
        Err(e) => return e.into_response(),
    };
    match blocking(&state, |s| users::list_users(s.library.store()).map_err(ApiError::internal)).await {
        Ok(people) => page(StatusCode::OK, "用户 Users", users_markup(&person, &people, None)),
        Err(e) => PageError(e).into_response(),
    }
}

/// The fields of the user forms.
#[derive(Debug, Default, Deserialize)]
pub struct UserFields {
    /// The session's CSRF token.
    #[serde(default)]
    pub csrf: String,
    /// `add` or `remove`.
    #[serde(default)]
    pub action: String,
    /// The person's name.
    #[serde(default)]
    pub name: String,
    /// Their role (`add`).
    #[serde(default)]
    pub role: String,
    /// Their password (`add`; never shown back).
    #[serde(default)]
    pub password: String,
}

/// `POST /admin/users`: adds or removes a person (admins; CSRF-checked), then shows the list
/// with what happened.
pub async fn users_action(State(state): State<Arc<AppState>>, headers: HeaderMap, form: Result<Form<UserFields>, axum::extract::rejection::FormRejection>) -> Response {
    let person = match page_person(&state, headers, Action::ManageUsers).await {
        Ok(person) => person,
        Err(e) => return e.into_response(),
    };
    let Ok(Form(fields)) = form else {
        return PageError(ApiError::bad_request("invalid_form", "the form could not be read")).into_response();
    };
    if let Err(e) = auth::check_csrf(&person.csrf, Some(&fields.csrf)) {
        return PageError(e).into_response();
    }
    let me = person.user.clone();
    let outcome = blocking(&state, move |s| {
        let store = s.library.store();
        let done = match fields.action.as_str() {
            "add" => match Role::parse(fields.role.trim()) {
                None => Err("角色须为 reader、editor 或 admin · the role must be reader, editor or admin".to_string()),
                Some(role) => users::add_user(store, &fields.name, role, &fields.password).map(|user| format!("已添加 · added {} ({})", user.name, user.role.as_str())).map_err(|e| e.to_string()),
            },
            "remove" if fields.name.trim() == me => Err("不能删除自己的账号 · you cannot remove your own account here (use yanbao user remove)".to_string()),
            "remove" => users::remove_user(store, &fields.name).map(|()| format!("已删除 · removed {}", fields.name.trim())).map_err(|e| e.to_string()),
            _ => Err("未知操作 · unknown action".to_string()),
        };
        let people = users::list_users(store).map_err(ApiError::internal)?;
        Ok((done, people))
    })
    .await;
    match outcome {
        Ok((Ok(message), people)) => page(StatusCode::OK, "用户 Users", users_markup(&person, &people, Some((&message, false)))),
        Ok((Err(message), people)) => page(StatusCode::BAD_REQUEST, "用户 Users", users_markup(&person, &people, Some((&message, true)))),
        Err(e) => PageError(e).into_response(),
    }
}
