//! JSON API handlers: thin wrappers that check input and access, call the library on the
//! blocking pool and answer JSON (errors as `{"error": {"code", "message"}}`).

use std::sync::Arc;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use yanbao_engine::{IngestOutcome, Scope, SearchRequest, SearchResponse};

use crate::auth::{self, ShareParams};
use crate::error::{from_engine, ApiError};
use crate::{blocking, preview, AppState};

/// Deepest result offset accepted.
pub const MAX_OFFSET: usize = 10_000;
/// Deepest offset into the report list (far beyond any library; bounds what a client may send).
pub const MAX_LIST_OFFSET: usize = 1_000_000_000;
/// Most timeline entries per request.
pub const MAX_TIMELINE: usize = 2_000;
/// Entries of the timeline when the request does not say.
pub const DEFAULT_TIMELINE: usize = 500;
/// Earliest and latest year a search filters on (the years a date can have).
pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;
/// The search scopes, as the API names them.
pub const SCOPES: &[&str] = &["all", "reports", "paragraphs", "figures", "tables", "events"];

/// What a query value of the JSON API must look like: the forms its OpenAPI document states
/// ([`crate::openapi`]). An empty value is the same as none (the document's `allowEmptyValue`);
/// any other is taken exactly as written — no spaces around it, no aliases — so the API accepts
/// what its document describes and refuses the rest with a 400. The web pages read the same
/// parameters more leniently (a form field with a space in it still searches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A non-negative whole number in decimal digits.
    Count,
    /// `true` or `false`.
    Boolean,
    /// One of these words.
    OneOf(&'static [&'static str]),
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (see [`is_date`]).
    Date,
    /// A report id: 1 to 64 hex digits.
    ReportId,
}

/// Checks the form of one query value of the API (bounds are checked where the value is used).
pub fn check_form(name: &str, value: &Option<String>, form: Form) -> Result<(), ApiError> {
    let Some(text) = value.as_deref().filter(|v| !v.is_empty()) else { return Ok(()) };
    let ok = match form {
        Form::Count => text.bytes().all(|b| b.is_ascii_digit()),
        Form::Boolean => matches!(text, "true" | "false"),
        Form::OneOf(words) => words.contains(&text),
        Form::Date => is_date(text),
        Form::ReportId => yanbao_engine::is_report_id(text),
    };
    if ok {
        return Ok(());
    }
    let shown: String = text.chars().take(64).collect();
    Err(match form {
        Form::Count => ApiError::bad_request("invalid_parameter", format!("{name} must be a non-negative whole number, got {shown:?}")),
        Form::Boolean => ApiError::bad_request("invalid_parameter", format!("{name} must be true or false, got {shown:?}")),
        Form::OneOf(words) if name == "in" => ApiError::bad_request("invalid_scope", format!("in must be one of {}, got {shown:?}", words.join(", "))),
        Form::OneOf(words) => ApiError::bad_request("invalid_parameter", format!("{name} must be one of {}, got {shown:?}", words.join(", "))),
        Form::Date => ApiError::bad_request("invalid_date", format!("{name} must be a date YYYY, YYYY-MM or YYYY-MM-DD (year 1000-9999, month 01-12, day 01-31), got {shown:?}")),
        Form::ReportId => ApiError::bad_request("invalid_parameter", format!("{name} must be a report id (1 to 64 hex digits), got {shown:?}")),
    })
}

/// Checks the forms of the API's search parameters (`GET /api/search`).
pub fn check_search_forms(params: &SearchParams) -> Result<(), ApiError> {
    check_form("in", &params.scope, Form::OneOf(SCOPES))?;
    check_form("from", &params.from, Form::Date)?;
    check_form("to", &params.to, Form::Date)?;
    for (name, value) in [("year", &params.year), ("limit", &params.limit), ("offset", &params.offset), ("page", &params.page)] {
        check_form(name, value, Form::Count)?;
    }
    check_form("facets", &params.facets, Form::Boolean)?;
    check_form("group", &params.group, Form::Boolean)?;
    check_form("report", &params.report, Form::ReportId)
}

/// Query parameters of a search (shared by `/api/search`, `/search` and `/figures`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    /// The query.
    pub q: Option<String>,
    /// Scope: all, reports, paragraphs, figures, tables, events.
    #[serde(rename = "in")]
    pub scope: Option<String>,
    /// Earliest date.
    pub from: Option<String>,
    /// Latest date.
    pub to: Option<String>,
    /// Institution filter.
    pub institution: Option<String>,
    /// Author filter.
    pub author: Option<String>,
    /// Covered-company filter: name or code.
    pub company: Option<String>,
    /// Year filter.
    pub year: Option<String>,
    /// Language filter.
    pub language: Option<String>,
    /// Hits per page.
    pub limit: Option<String>,
    /// Hits to skip.
    pub offset: Option<String>,
    /// 1-based page (web pages).
    pub page: Option<String>,
    /// `true` to count facets.
    pub facets: Option<String>,
    /// Only this report (its id): the search behind "N more in this report".
    pub report: Option<String>,
    /// `false` for every matching passage, `true` for one hit per report (default: grouped in
    /// scopes all and paragraphs, unless `report` is set).
    pub group: Option<String>,
}

/// Returns a trimmed, non-empty value.
fn present(value: &Option<String>) -> Option<String> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
}

/// Parses an optional non-negative number parameter; a number too large to hold reads as
/// `usize::MAX`, so that it fails the caller's bound as out of range rather than as malformed.
fn number(value: &Option<String>, name: &str) -> Result<Option<usize>, ApiError> {
    match present(value) {
        None => Ok(None),
        Some(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(text.parse::<usize>().unwrap_or(usize::MAX))),
        Some(text) => Err(ApiError::bad_request("invalid_parameter", format!("{name} must be a non-negative whole number, got {text:?}"))),
    }
}

/// Builds a search request from parameters, enforcing the configured limits.
pub fn search_request(params: &SearchParams, max_query_chars: usize, max_page_size: usize, default_limit: usize) -> Result<SearchRequest, ApiError> {
    let query = params.q.clone().unwrap_or_default();
    let query_chars = query.chars().count();
    if query_chars > max_query_chars {
        return Err(ApiError::bad_request("query_too_long", format!("the query has {query_chars} characters; at most {max_query_chars} are accepted")));
    }
    let scope = match present(&params.scope) {
        None => Scope::All,
        Some(text) => text.parse::<Scope>().map_err(|e| ApiError::bad_request("invalid_scope", e.to_string()))?,
    };
    let limit = number(&params.limit, "limit")?.unwrap_or(default_limit);
    if limit == 0 || limit > max_page_size {
        return Err(ApiError::bad_request("page_size_out_of_range", format!("limit must be between 1 and {max_page_size}")));
    }
    let offset = match (number(&params.offset, "offset")?, number(&params.page, "page")?) {
        (Some(offset), _) => offset,
        (None, Some(page)) => page.saturating_sub(1).saturating_mul(limit),
        (None, None) => 0,
    };
    if offset > MAX_OFFSET {
        return Err(ApiError::bad_request("offset_out_of_range", format!("offset must be at most {MAX_OFFSET}")));
    }
    let year = match present(&params.year) {
        None => None,
        Some(text) => match text.parse::<i32>() {
            Ok(year) if YEARS.contains(&year) => Some(year),
            _ => return Err(ApiError::bad_request("invalid_parameter", format!("year must be a year from {} to {}, got {text:?}", YEARS.start(), YEARS.end()))),
        },
    };
    let with_facets = present(&params.facets).map(|v| v != "false" && v != "0").unwrap_or(false);
    let report = match present(&params.report) {
        Some(id) if !yanbao_engine::is_report_id(&id) => return Err(ApiError::bad_request("invalid_parameter", format!("report must be a report id, got {id:?}"))),
        other => other.map(|id| id.to_ascii_lowercase()),
    };
    let group_by_report = match present(&params.group).as_deref() {
        None => None,
        Some("true" | "1") => Some(true),
        Some("false" | "0") => Some(false),
        Some(other) => return Err(ApiError::bad_request("invalid_parameter", format!("group must be true or false, got {other:?}"))),
    };
    Ok(SearchRequest {
        query,
        scope,
        from: present(&params.from),
        to: present(&params.to),
        institution: present(&params.institution),
        author: present(&params.author),
        company: present(&params.company),
        year,
        language: present(&params.language),
        limit,
        offset,
        with_facets,
        report,
        group_by_report,
    })
}

/// Runs a search — the library's answer as it is, so the API, the pages and the CLI give the
/// same hits and totals for one request. Records the query when it found something.
pub fn run_search(state: &AppState, request: &SearchRequest) -> Result<SearchResponse, ApiError> {
    let response = state.library.search(request).map_err(from_engine)?;
    if response.total > 0 && request.offset == 0 {
        state.record_query(&request.query);
    }
    Ok(response)
}

/// Turns a query-string rejection into an API error.
pub fn query_error(rejection: QueryRejection) -> ApiError {
    ApiError::bad_request("invalid_parameter", rejection.body_text().to_lowercase())
}

/// `GET /healthz`: the service is up and the library answers.
pub async fn healthz(State(state): State<Arc<AppState>>) -> Result<Json<serde_json::Value>, ApiError> {
    let reports = blocking(&state, |s| s.library.store().stats().map_err(|e| ApiError::internal(e.to_string()))).await?.reports;
    Ok(Json(serde_json::json!({ "status": "ok", "reports": reports })))
}

/// `GET /api/search`: ranked hits with highlighted snippets (and facets with `facets=true`).
pub async fn search(State(state): State<Arc<AppState>>, params: Result<Query<SearchParams>, QueryRejection>) -> Result<Json<SearchResponse>, ApiError> {
    let Query(params) = params.map_err(query_error)?;
    check_search_forms(&params)?;
    let request = search_request(&params, state.config.max_query_chars, state.config.max_page_size, 10)?;
    Ok(Json(blocking(&state, move |s| run_search(s, &request)).await?))
}

/// Paging parameters of lists.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListParams {
    /// Items to skip.
    pub offset: Option<String>,
    /// Items to return.
    pub limit: Option<String>,
}

/// `GET /api/reports`: report summaries, newest first.
pub async fn list(State(state): State<Arc<AppState>>, params: Result<Query<ListParams>, QueryRejection>) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(query_error)?;
    check_form("offset", &params.offset, Form::Count)?;
    check_form("limit", &params.limit, Form::Count)?;
    let offset = number(&params.offset, "offset")?.unwrap_or(0);
    if offset > MAX_LIST_OFFSET {
        return Err(ApiError::bad_request("offset_out_of_range", format!("offset must be at most {MAX_LIST_OFFSET}")));
    }
    let limit = number(&params.limit, "limit")?.unwrap_or(20);
    if limit == 0 || limit > state.config.max_page_size {
        return Err(ApiError::bad_request("page_size_out_of_range", format!("limit must be between 1 and {}", state.config.max_page_size)));
    }
    let mut reports = blocking(&state, move |s| s.library.list(offset, limit).map_err(from_engine)).await?;
    // A public list: file names only, never the ingesting machine's folders.
    for summary in &mut reports {
        summary.source_path = yanbao_model::file_name_of(&summary.source_path).to_string();
    }
    Ok(Json(serde_json::json!({ "offset": offset, "reports": reports })).into_response())
}

/// Parses a report id from the path, refusing what cannot be one.
fn report_id(id: &str) -> Result<String, ApiError> {
    if yanbao_engine::is_report_id(id) {
        Ok(id.to_ascii_lowercase())
    } else {
        Err(ApiError::report_not_found(id))
    }
}

/// `GET /api/reports/{id}`: the full report JSON (token, signed-in reader or share link).
pub async fn report(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap, share: Result<Query<ShareParams>, axum::extract::rejection::QueryRejection>) -> Result<Response, ApiError> {
    let id = report_id(&id)?;
    let Query(share) = share.map_err(query_error)?;
    check_form("exp", &share.exp, Form::Count)?;
    let mut report = blocking(&state, move |s| {
        auth::require_reader(&s.library, &headers, &id, &share, auth::now_seconds())?;
        s.library.get(&id).map_err(from_engine)?.ok_or_else(|| ApiError::report_not_found(&id))
    })
    .await?;
    // Served beyond the machine that ingested it: the file name, not its folders (the CLI's
    // `show --json` keeps the whole path for the operator).
    report.source.path = report.source.file_name().to_string();
    Ok(Json(report).into_response())
}

/// Returns the engine's preview of a stored report, with this server's public full link (used
/// when the report does not carry its own). The link is never signed: the preview is public, and
/// a signed link on it would hand the full text to anyone (see [`share`]).
pub fn load_preview(state: &AppState, id: &str) -> Result<Arc<preview::ReportPreview>, ApiError> {
    let own_link = auth::public_full_link(&state.config.base_url, id);
    state.library.preview(id, Some(own_link)).map_err(from_engine)?.ok_or_else(|| ApiError::report_not_found(id))
}

/// Parameters of a share link.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShareRequest {
    /// Hours the link stays valid (default: the server's `share_link_hours`; at most 90 days).
    pub hours: Option<String>,
}

/// Longest share link validity, in hours (90 days).
pub const MAX_SHARE_HOURS: u64 = 90 * 24;

/// `POST /api/reports/{id}/share`: a signed, expiring link to one report's full text, for a
/// caller with an API token (to hand to someone without one).
pub async fn share(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap, params: Result<Query<ShareRequest>, axum::extract::rejection::QueryRejection>) -> Result<Response, ApiError> {
    // Who asks comes first: without a token the answer is 401 whatever else is wrong.
    let check_state = state.clone();
    blocking(&check_state, move |s| auth::require_token(&s.library, &headers).map(|_| ())).await?;
    let params = params.map(|Query(p)| p).map_err(|e| ApiError::bad_request("invalid_parameter", e.body_text().to_lowercase()))?;
    let hours = match params.hours.as_deref().filter(|h| !h.is_empty()) {
        None => state.config.share_link_hours,
        Some(text) => match text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse::<u64>().ok()).flatten() {
            Some(hours) if (1..=MAX_SHARE_HOURS).contains(&hours) => hours,
            _ => return Err(ApiError::bad_request("invalid_hours", format!("hours must be a whole number from 1 to {MAX_SHARE_HOURS}, got {text:?}"))),
        },
    };
    let id = report_id(&id)?;
    let (url, expires) = blocking(&state, move |s| {
        if !s.library.store().contains(&id).map_err(ApiError::internal)? {
            return Err(ApiError::report_not_found(&id));
        }
        auth::signed_full_link(&s.library, &s.config.base_url, &id, hours, auth::now_seconds())
    })
    .await?;
    Ok(Json(serde_json::json!({ "url": url, "expires": expires })).into_response())
}

/// `GET /api/reports/{id}/preview`: metadata and the blocks before the cut (public).
pub async fn preview(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id = report_id(&id)?;
    let shown = blocking(&state, move |s| load_preview(s, &id)).await?;
    Ok(Json(shown.as_ref()).into_response())
}

/// Parameters of the timeline.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct TimelineParams {
    /// Earliest date.
    pub from: Option<String>,
    /// Latest date.
    pub to: Option<String>,
    /// Only events naming this entity.
    pub entity: Option<String>,
    /// Most entries.
    pub limit: Option<String>,
}

/// The regular expression of a date parameter, as the OpenAPI document states it: what
/// [`is_date`] accepts.
pub const DATE_PATTERN: &str = "^[1-9][0-9]{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$";

/// Whether `text` is a date parameter: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with a year from 1000 to
/// 9999, a month from 01 to 12 and a day from 01 to 31 — the dates the index filters on.
pub fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    let two = |at: usize| u32::from(bytes[at] - b'0') * 10 + u32::from(bytes[at + 1] - b'0');
    let year_ok = bytes.len() >= 4 && digits(0..4) && bytes[0] != b'0';
    let month_ok = |at: usize| bytes[at - 1] == b'-' && digits(at..at + 2) && (1..=12).contains(&two(at));
    let day_ok = |at: usize| bytes[at - 1] == b'-' && digits(at..at + 2) && (1..=31).contains(&two(at));
    match bytes.len() {
        4 => year_ok,
        7 => year_ok && month_ok(5),
        10 => year_ok && month_ok(5) && day_ok(8),
        _ => false,
    }
}

/// Checks a date parameter: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` ([`is_date`]).
pub fn date_param(value: &Option<String>, name: &str) -> Result<Option<String>, ApiError> {
    let Some(text) = present(value) else { return Ok(None) };
    if !is_date(&text) {
        return Err(ApiError::bad_request("invalid_date", format!("{name} must be a date YYYY, YYYY-MM or YYYY-MM-DD (year 1000-9999, month 01-12, day 01-31), got {text:?}")));
    }
    Ok(Some(text))
}

/// Returns the inclusive upper bound of a `to` date (`2021-11` → `2021-11-31`).
pub fn date_upper(to: Option<String>) -> Option<String> {
    to.map(|t| match t.len() {
        4 => format!("{t}-12-31"),
        7 => format!("{t}-31"),
        _ => t,
    })
}

/// Validated timeline parameters: (from, to, entity, limit).
pub type TimelineQuery = (Option<String>, Option<String>, Option<String>, usize);

/// Checks timeline parameters.
pub fn timeline_query(params: &TimelineParams, max_query_chars: usize) -> Result<TimelineQuery, ApiError> {
    let from = date_param(&params.from, "from")?;
    let to = date_upper(date_param(&params.to, "to")?);
    let entity = present(&params.entity);
    if params.entity.as_ref().is_some_and(|e| e.chars().count() > max_query_chars) {
        return Err(ApiError::bad_request("query_too_long", format!("entity must be at most {max_query_chars} characters")));
    }
    let limit = number(&params.limit, "limit")?.unwrap_or(DEFAULT_TIMELINE);
    if limit == 0 || limit > MAX_TIMELINE {
        return Err(ApiError::bad_request("page_size_out_of_range", format!("limit must be between 1 and {MAX_TIMELINE}")));
    }
    Ok((from, to, entity, limit))
}

/// `GET /api/timeline`: dated events across the library, merged and in date order.
pub async fn timeline(State(state): State<Arc<AppState>>, params: Result<Query<TimelineParams>, QueryRejection>) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(query_error)?;
    check_form("from", &params.from, Form::Date)?;
    check_form("to", &params.to, Form::Date)?;
    check_form("limit", &params.limit, Form::Count)?;
    let (from, to, entity, limit) = timeline_query(&params, state.config.max_query_chars)?;
    let entries = blocking(&state, move |s| s.library.timeline(from.as_deref(), to.as_deref(), entity.as_deref(), limit).map_err(from_engine)).await?;
    Ok(Json(serde_json::json!({ "events": entries })).into_response())
}

/// The characters `str::trim` removes (Unicode `White_Space`), as ranges.
pub const WHITE_SPACE: &[(char, char)] = &[
    ('\u{9}', '\u{d}'),
    (' ', ' '),
    ('\u{85}', '\u{85}'),
    ('\u{a0}', '\u{a0}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{2000}', '\u{200a}'),
    ('\u{2028}', '\u{2029}'),
    ('\u{202f}', '\u{202f}'),
    ('\u{205f}', '\u{205f}'),
    ('\u{3000}', '\u{3000}'),
];

/// The regular expression of a name in a path (entity, company), as the OpenAPI document states
/// it: a character that is not white space ([`WHITE_SPACE`]), spelled out with `\uXXXX` escapes
/// so that every regular-expression engine reads it alike (`\S` differs between them).
pub fn name_pattern() -> String {
    let escape = |c: char| format!("\\u{:04x}", u32::from(c));
    let ranges: String = WHITE_SPACE.iter().map(|&(from, to)| if from == to { escape(from) } else { format!("{}-{}", escape(from), escape(to)) }).collect();
    format!("[^{ranges}]")
}

/// Checks a name from a path: not only white space ([`name_pattern`]) and at most `max_chars` characters.
pub fn name_param(what: &str, name: &str, max_chars: usize) -> Result<(), ApiError> {
    let chars = name.chars().count();
    if name.trim().is_empty() || chars > max_chars {
        return Err(ApiError::bad_request("invalid_parameter", format!("the {what} must have 1 to {max_chars} characters, not only white space (got {chars})")));
    }
    Ok(())
}

/// `GET /api/entities/{name}`: reports, events and co-mentioned entities of one entity.
pub async fn entity(State(state): State<Arc<AppState>>, Path(name): Path<String>) -> Result<Response, ApiError> {
    name_param("entity name", &name, state.config.max_query_chars)?;
    let overview = blocking(&state, move |s| s.library.entity(&name).map_err(from_engine)).await?;
    Ok(Json(overview).into_response())
}

/// Loads a company's overview by code, name or alias (shared by the API and the page).
pub fn load_company(state: &AppState, asked: &str) -> Result<yanbao_engine::CompanyOverview, ApiError> {
    name_param("company code or name", asked, state.config.max_query_chars)?;
    state.library.company(asked).map_err(from_engine)?.ok_or_else(|| ApiError::company_not_found(asked))
}

/// `GET /api/companies/{code}`: a company's reports, ratings, target prices, forecast consensus
/// and the reports naming it.
pub async fn company(State(state): State<Arc<AppState>>, Path(code): Path<String>) -> Result<Response, ApiError> {
    let overview = blocking(&state, move |s| load_company(s, &code)).await?;
    Ok(Json(overview).into_response())
}

/// `POST /api/reports`: uploads one report (multipart field `file`): an API token, or a signed-in
/// editor or admin whose request carries the session's `X-CSRF-Token`.
pub async fn upload(State(state): State<Arc<AppState>>, headers: HeaderMap, multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>) -> Result<Response, ApiError> {
    let check_state = state.clone();
    blocking(&check_state, move |s| auth::require(&s.library, &headers, auth::Action::Upload).map(|_| ())).await?;
    let mut multipart = multipart.map_err(|e| ApiError::bad_request("invalid_upload", e.body_text().to_lowercase()))?;
    let max = state.config.max_upload_bytes;
    let mut upload: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(upload_error(e.status(), e.body_text())),
        };
        // One field, `file`, once: the document says so (`additionalProperties: false`), and a
        // body that says more is refused rather than half read.
        match field.name() {
            Some("file") if upload.is_none() => {}
            Some("file") => return Err(ApiError::bad_request("invalid_upload", "send one file per upload")),
            other => {
                let shown: String = other.unwrap_or("").chars().take(64).collect();
                return Err(ApiError::bad_request("invalid_upload", format!("an upload has one multipart field, `file`; got {shown:?}")));
            }
        }
        let name = field.file_name().unwrap_or("upload.txt").to_string();
        let content_type = field.content_type().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| upload_error(e.status(), e.body_text()))?;
        if bytes.len() > max {
            return Err(too_large(max));
        }
        upload = Some((upload_name(&name, content_type.as_deref(), &bytes), bytes.to_vec()));
    }
    let Some((name, bytes)) = upload else {
        return Err(ApiError::bad_request("invalid_upload", "send the report as a multipart field named `file`"));
    };
    if bytes.is_empty() {
        return Err(ApiError::bad_request("invalid_upload", "the uploaded file is empty"));
    }
    if state.library.store().job_queue().is_some() {
        // A node of a shared library queues the upload for the workers: 202 and the job to poll.
        let (job, new) = blocking(&state, move |s| s.library.enqueue_bytes(&name, &bytes).map_err(from_engine)).await?;
        let body = serde_json::json!({ "job": job, "new": new, "state": "queued", "status_url": format!("/api/jobs/{job}") });
        return Ok((StatusCode::ACCEPTED, Json(body)).into_response());
    }
    let result = blocking(&state, move |s| s.library.ingest_bytes(&name, &bytes).map_err(from_engine)).await?;
    let status = match result.outcome {
        IngestOutcome::Added => StatusCode::CREATED,
        IngestOutcome::Unchanged => StatusCode::OK,
        IngestOutcome::Failed => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Ok((status, Json(result)).into_response())
}

/// `DELETE /api/reports/{id}`: removes a report and everything derived from it (an API token,
/// or a signed-in editor or admin with the session's `X-CSRF-Token`); 204, or 404 when there is
/// no such report.
pub async fn remove(State(state): State<Arc<AppState>>, Path(id): Path<String>, headers: HeaderMap) -> Result<Response, ApiError> {
    blocking(&state, move |s| {
        // Credentials first: nobody learns anything of the library without them.
        let grant = auth::require(&s.library, &headers, auth::Action::Remove)?;
        let id = report_id(&id)?;
        if !s.library.remove(&id).map_err(from_engine)? {
            return Err(ApiError::report_not_found(&id));
        }
        tracing::info!(report = %id, by = ?grant, "report removed");
        Ok(())
    })
    .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /api/jobs/{id}`: where an upload queued on a shared library stands (a token, or a
/// signed-in editor or admin).
pub async fn job(State(state): State<Arc<AppState>>, headers: HeaderMap, Path(id): Path<String>) -> Result<Response, ApiError> {
    let id: i64 = id.parse().ok().filter(|id| *id > 0).ok_or_else(|| ApiError::bad_request("invalid_parameter", "a job id is a positive integer"))?;
    let job = blocking(&state, move |s| {
        auth::require(&s.library, &headers, auth::Action::SeeJobs)?;
        s.library.job(id).map_err(from_engine)?.ok_or_else(|| ApiError::job_not_found(id))
    })
    .await?;
    Ok(Json(job).into_response())
}

/// The media types an upload may declare for its `file` part, with the extension each stands for
/// (the OpenAPI document lists them as the part's `contentType`).
pub const UPLOAD_MEDIA_TYPES: &[(&str, &str)] = &[("application/pdf", "pdf"), ("text/plain", "txt"), ("text/markdown", "md"), ("text/html", "html")];

/// Returns the name an upload is read under: its file name when that (or the content) tells
/// its format, else the file name with the extension of the part's declared media type (a
/// client that names no file, or names it without an extension, says `text/plain` and is read as
/// text); else the file name as it is, which the engine then refuses as not a report it reads.
pub fn upload_name(file_name: &str, content_type: Option<&str>, bytes: &[u8]) -> String {
    if yanbao_engine::detect_format(std::path::Path::new(file_name), bytes).is_some() {
        return file_name.to_string();
    }
    let essence = content_type.and_then(|t| t.split(';').next()).map(|t| t.trim().to_ascii_lowercase()).unwrap_or_default();
    match UPLOAD_MEDIA_TYPES.iter().find(|(media_type, _)| *media_type == essence) {
        Some((_, extension)) => format!("{file_name}.{extension}"),
        None => file_name.to_string(),
    }
}

/// Returns the error for an upload over the limit.
fn too_large(max: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "upload_too_large", format!("uploads are limited to {max} bytes"))
}

/// Maps a multipart read failure (a body over the limit included) to an API error.
fn upload_error(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(status, "upload_too_large", text.to_lowercase())
    } else {
        ApiError::bad_request("invalid_upload", text.to_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(q: &str) -> SearchParams {
        SearchParams { q: Some(q.to_string()), ..SearchParams::default() }
    }

    #[test]
    fn search_limits_are_enforced() {
        assert_eq!(search_request(&params(&"字".repeat(300)), 256, 100, 10).unwrap_err().code, "query_too_long");
        let mut p = params("拜登");
        p.limit = Some("1000".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "page_size_out_of_range");
        p.limit = Some("-3".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "invalid_parameter");
        p.limit = None;
        p.scope = Some("nonsense".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "invalid_scope");
    }

    #[test]
    fn grouping_and_report_parameters_are_checked() {
        let mut p = params("择时");
        assert_eq!(search_request(&p, 256, 100, 10).unwrap().group_by_report, None);
        p.group = Some("false".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap().group_by_report, Some(false));
        p.group = Some("maybe".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "invalid_parameter");
        p.group = None;
        p.report = Some("81A7247DD3130CFE".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap().report.as_deref(), Some("81a7247dd3130cfe"));
        p.report = Some("../etc".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "invalid_parameter");
    }

    #[test]
    fn pages_become_offsets() {
        let mut p = params("拜登");
        p.page = Some("3".into());
        p.scope = Some("figures".into());
        let request = search_request(&p, 256, 100, 10).unwrap();
        assert_eq!(request.offset, 20);
        assert_eq!(request.scope, Scope::Figures);
    }

    #[test]
    fn api_values_must_have_the_documented_form() {
        let given = |v: &str| Some(v.to_string());
        for (value, form) in [("", Form::Count), ("0", Form::Count), ("10000", Form::Count), ("true", Form::Boolean), ("false", Form::Boolean), ("paragraphs", Form::OneOf(SCOPES)), ("2021-11-30", Form::Date), ("81a7247DD3130cfe", Form::ReportId)] {
            assert_eq!(check_form("x", &given(value), form), Ok(()), "{value:?} is a {form:?}");
        }
        assert_eq!(check_form("x", &None, Form::Count), Ok(()), "absent");
        for (value, form) in [(" 5", Form::Count), ("+5", Form::Count), ("-1", Form::Count), ("5.0", Form::Count), ("1", Form::Boolean), ("yes", Form::Boolean), ("True", Form::Boolean), ("ALL", Form::OneOf(SCOPES)), ("report", Form::OneOf(SCOPES)), (" all", Form::OneOf(SCOPES)), ("2021/11", Form::Date), ("2021-13", Form::Date), (" ", Form::ReportId), ("../etc", Form::ReportId)] {
            let error = check_form("x", &given(value), form).expect_err(value);
            assert_eq!(error.status, StatusCode::BAD_REQUEST, "{value:?}");
        }
        assert_eq!(check_form("in", &given("ALL"), Form::OneOf(SCOPES)).unwrap_err().code, "invalid_scope");
        assert_eq!(check_form("from", &given("2021-13"), Form::Date).unwrap_err().code, "invalid_date");
        assert_eq!(check_form("facets", &given("yes"), Form::Boolean).unwrap_err().code, "invalid_parameter");
    }

    #[test]
    fn dates_are_those_the_index_filters_on() {
        for good in ["2021", "2021-01", "2021-12-31", "1000", "9999-09-09"] {
            assert!(is_date(good), "{good}");
        }
        for bad in ["", "0999", "21", "2021-00", "2021-13", "2021-1", "2021-01-00", "2021-01-32", "2021-01-1", "2021/01", "2021-01-01 ", "２０２１", "2021-01-01-01", "abcd"] {
            assert!(!is_date(bad), "{bad}");
        }
    }

    #[test]
    fn numbers_out_of_range_are_out_of_range_not_malformed() {
        let mut p = params("拜登");
        p.limit = Some("99999999999999999999999".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "page_size_out_of_range");
        p.limit = None;
        p.offset = Some("10001".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "offset_out_of_range");
        p.offset = None;
        for year in ["0", "999", "10000", "99999999999"] {
            p.year = Some(year.into());
            assert_eq!(search_request(&p, 256, 100, 10).unwrap_err().code, "invalid_parameter", "{year}");
        }
        p.year = Some("2021".into());
        assert_eq!(search_request(&p, 256, 100, 10).unwrap().year, Some(2021));
    }

    #[test]
    fn timeline_limits_are_refused_not_clamped() {
        let mut p = TimelineParams::default();
        assert_eq!(timeline_query(&p, 256).unwrap().3, DEFAULT_TIMELINE);
        for limit in ["0", "2001", "99999999999999999999"] {
            p.limit = Some(limit.into());
            assert_eq!(timeline_query(&p, 256).unwrap_err().code, "page_size_out_of_range", "{limit}");
        }
        p.limit = Some("2000".into());
        assert_eq!(timeline_query(&p, 256).unwrap().3, MAX_TIMELINE);
        p.entity = Some(format!("{} ", "拜".repeat(256)));
        assert_eq!(timeline_query(&p, 256).unwrap_err().code, "query_too_long", "the length counts what was sent");
    }

    #[test]
    fn names_are_refused_when_blank_by_the_rule_the_document_states() {
        assert!(name_param("entity name", "拜登", 256).is_ok());
        assert!(name_param("entity name", "\u{1c}", 256).is_ok(), "not white space to str::trim");
        for blank in [" ", "\u{3000}", "\t\n", "\u{85}"] {
            assert_eq!(name_param("entity name", blank, 256).unwrap_err().code, "invalid_parameter", "{blank:?}");
        }
        assert!(name_param("entity name", &"字".repeat(257), 256).is_err());
        // The document's pattern names exactly the characters `trim` removes.
        let listed = |c: char| WHITE_SPACE.iter().any(|&(from, to)| (from..=to).contains(&c));
        for c in (0..=0x10FFFF_u32).filter_map(char::from_u32) {
            assert_eq!(c.is_whitespace(), listed(c), "U+{:04X}", u32::from(c));
        }
        assert!(name_pattern().starts_with("[^\\u0009-\\u000d\\u0020"), "{}", name_pattern());
    }

    #[test]
    fn uploads_are_read_by_name_else_by_declared_media_type() {
        assert_eq!(upload_name("report.md", Some("application/octet-stream"), b"# t"), "report.md");
        assert_eq!(upload_name("file", Some("application/pdf"), b"%PDF-1.4"), "file", "the content tells");
        assert_eq!(upload_name("file", Some("text/plain; charset=utf-8"), b"title"), "file.txt");
        assert_eq!(upload_name("file", Some("Text/Markdown"), b"# title"), "file.md");
        assert_eq!(upload_name("file", Some("text/html"), b"<p>x</p>"), "file.html");
        assert_eq!(upload_name("file", Some("application/pdf"), b"not a pdf"), "file.pdf", "read as the PDF it claims to be, and refused");
        assert_eq!(upload_name("file.png", Some("image/png"), b"\x89PNG"), "file.png");
        assert_eq!(upload_name("file", None, b"x"), "file");
    }

    #[test]
    fn dates_are_checked_and_widened() {
        assert_eq!(date_param(&Some("2021-11".into()), "to").unwrap().as_deref(), Some("2021-11"));
        assert_eq!(date_upper(Some("2021-11".into())).as_deref(), Some("2021-11-31"));
        assert_eq!(date_upper(Some("2021".into())).as_deref(), Some("2021-12-31"));
        assert!(date_param(&Some("2021-1x".into()), "to").is_err());
        assert!(date_param(&Some("明天".into()), "to").is_err());
        assert_eq!(date_param(&Some(" ".into()), "to").unwrap(), None);
    }
}
