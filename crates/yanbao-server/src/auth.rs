//! Who may do what: the one place that decides. Credentials are an API token
//! (`Authorization: Bearer yb_…`, for scripts), a signed-in person's session cookie (a role:
//! reader, editor, admin) or — for one report's full text — a signed share link
//! (`?exp=…&sig=…`). A session that changes anything also shows its CSRF token (a form field, or
//! the `X-CSRF-Token` header of a script's request); a token does not need one (a browser never
//! sends it on its own).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use yanbao_engine::access::{check_share_link, sign_share_link, verify_token, ShareLinkError};
use yanbao_engine::users::{self, Role};
use yanbao_engine::Library;

use crate::error::ApiError;

/// The cookie holding a signed-in person's session secret.
pub const SESSION_COOKIE: &str = "yb_session";
/// The cookie holding the sign-in form's CSRF token (double submit: the form carries it too).
pub const SIGN_IN_CSRF_COOKIE: &str = "yb_signin";
/// The header a script's request carries its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a request may ask to do beyond reading the public library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Add a report (`POST /api/reports`).
    Upload,
    /// Remove a report (`DELETE /api/reports/{id}`).
    Remove,
    /// See where an upload's ingest job stands (`GET /api/jobs/{id}`).
    SeeJobs,
    /// Add and remove people (`/admin/users`).
    ManageUsers,
}

impl Action {
    /// The least role a signed-in person needs for it.
    pub fn role(self) -> Role {
        match self {
            Action::Upload | Action::Remove | Action::SeeJobs => Role::Editor,
            Action::ManageUsers => Role::Admin,
        }
    }

    /// True when it changes the library (so a session must show its CSRF token).
    pub fn changes_state(self) -> bool {
        !matches!(self, Action::SeeJobs)
    }

    fn what(self) -> &'static str {
        match self {
            Action::Upload => "uploading reports",
            Action::Remove => "removing reports",
            Action::SeeJobs => "following uploads",
            Action::ManageUsers => "managing users",
        }
    }
}

/// True when `role` may do `action` (each role includes the ones before it).
pub fn allows(role: Role, action: Action) -> bool {
    role >= action.role()
}

/// A signed-in person, as their session cookie shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// Their name.
    pub user: String,
    /// Their role as it stands.
    pub role: Role,
    /// Their session's CSRF token, for the forms a page shows them.
    pub csrf: String,
}

/// Returns the value of a cookie the request carries (the first of that name).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim().trim_matches('"').to_string())
}

/// The person signed in on this request, when its session cookie names a live session (a
/// missing, malformed, ended or expired one is nobody).
pub fn signed_in(library: &Library, headers: &HeaderMap) -> Result<Option<SignedIn>, ApiError> {
    let Some(secret) = cookie(headers, SESSION_COOKIE) else { return Ok(None) };
    let session = users::session(library.store(), &secret, now_seconds()).map_err(ApiError::internal)?;
    Ok(session.map(|session| SignedIn { user: session.user, role: session.role, csrf: session.csrf }))
}

/// Refuses a request of a signed-in person whose CSRF token (form field or header) is missing
/// or not their session's: 403 `csrf_failed`.
pub fn check_csrf(expected: &str, given: Option<&str>) -> Result<(), ApiError> {
    match given {
        Some(given) if users::csrf_matches(expected, given.trim()) => Ok(()),
        _ => Err(ApiError::forbidden("csrf_failed", "this request does not carry the page's csrf token; reload the page and try again")),
    }
}

/// Requires the right to `action`: a live API token, or a signed-in person whose role allows it
/// (and, when it changes anything, whose request carries the session's CSRF token in the
/// `X-CSRF-Token` header).
pub fn require(library: &Library, headers: &HeaderMap, action: Action) -> Result<Grant, ApiError> {
    if let Some(grant) = token_grant(library, headers)? {
        return Ok(grant);
    }
    let Some(person) = signed_in(library, headers)? else {
        return Err(ApiError::unauthorized(format!("{} needs an api token (`Authorization: Bearer yb_…`) or a signed-in {}", action.what(), action.role().as_str())));
    };
    if !allows(person.role, action) {
        return Err(ApiError::forbidden("role_forbidden", format!("{} needs a signed-in {}; {} is a {}", action.what(), action.role().as_str(), person.user, person.role.as_str())));
    }
    if action.changes_state() {
        check_csrf(&person.csrf, headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))?;
    }
    Ok(Grant::Session { user: person.user, role: person.role })
}

/// True when the request came over TLS: `X-Forwarded-Proto: https` from a proxy in front, or a
/// public base URL that is https. Cookies are then marked `Secure`.
pub fn is_tls(headers: &HeaderMap, base_url: &str) -> bool {
    let forwarded = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()).and_then(|v| v.split(',').next()).map(str::trim);
    forwarded.is_some_and(|proto| proto.eq_ignore_ascii_case("https")) || base_url.trim().to_ascii_lowercase().starts_with("https://")
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Lax; Path=/`, `Max-Age` when given (0 clears it),
/// and `Secure` over TLS.
pub fn set_cookie(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; HttpOnly; SameSite=Lax; Path=/");
    if let Some(seconds) = max_age {
        cookie.push_str(&format!("; Max-Age={seconds}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    // Names are ours and values hex: always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static("yb_invalid=; Max-Age=0; Path=/"))
}

/// Where to go after signing in: `next` when it is a path on this server (`/reports/…`), else
/// the front page — never another site (`https://evil`, `//evil`, `/\evil`).
pub fn local_next(next: Option<&str>) -> String {
    let Some(next) = next.map(str::trim) else { return "/".into() };
    let local = next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.len() <= 2048
        && !next.chars().any(|c| c.is_control() || c == '\\');
    if local && !next.starts_with("/login") {
        // Percent-encoded beyond ASCII, so it is always a valid `Location`.
        next.bytes().map(|b| if b > 0x7e || b == b' ' { format!("%{b:02X}") } else { char::from(b).to_string() }).collect()
    } else {
        "/".into()
    }
}

/// True when the request is a browser's asking for a page (`Accept` names `text/html`).
pub fn wants_html(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).any(|accept| accept.to_ascii_lowercase().contains("text/html"))
}

/// The answer to an anonymous browser asking for a page that needs someone signed in: 303 to
/// the sign-in page, which comes back to `path_and_query` afterwards.
pub fn sign_in_redirect(path_and_query: &str) -> axum::response::Response {
    use axum::response::IntoResponse;
    let next = local_next(Some(path_and_query));
    let location = format!("/login?next={}", crate::pages::url_encode(&next));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// The `exp` and `sig` query values of a share link.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ShareParams {
    /// Expiry, seconds since the epoch.
    pub exp: Option<String>,
    /// Signature (hex).
    pub sig: Option<String>,
}

/// Why access was granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grant {
    /// A live API token with this name.
    Token(String),
    /// A valid share link for the report.
    ShareLink,
    /// A signed-in person with this role.
    Session {
        /// Their name.
        user: String,
        /// Their role.
        role: Role,
    },
}

/// Returns the current time in seconds since the epoch.
pub fn now_seconds() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Returns the bearer token of an `Authorization` header value, if it is one.
pub fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return None;
    }
    let token = token.trim();
    (!token.is_empty()).then_some(token)
}

/// Checks the request's bearer token: `Ok(None)` when there is none, an error when it is invalid or revoked.
pub fn token_grant(library: &Library, headers: &HeaderMap) -> Result<Option<Grant>, ApiError> {
    let Some(value) = headers.get(axum::http::header::AUTHORIZATION) else { return Ok(None) };
    let Some(token) = value.to_str().ok().and_then(bearer_token) else {
        return Err(ApiError::unauthorized("the authorization header must be `Bearer yb_…`"));
    };
    match verify_token(library.store(), token).map_err(ApiError::internal)? {
        Some(name) => Ok(Some(Grant::Token(name))),
        None => Err(ApiError::forbidden("invalid_token", "this api token is unknown or revoked")),
    }
}

/// Requires a live API token (uploads).
pub fn require_token(library: &Library, headers: &HeaderMap) -> Result<Grant, ApiError> {
    match token_grant(library, headers)? {
        Some(grant) => Ok(grant),
        None => Err(ApiError::unauthorized("an api token is required: send `Authorization: Bearer yb_…`")),
    }
}

/// Requires a live API token, a signed-in person (any role reads) or a valid share link for
/// `report_id` (full text).
pub fn require_reader(library: &Library, headers: &HeaderMap, report_id: &str, share: &ShareParams, now: u64) -> Result<Grant, ApiError> {
    if let Some(grant) = token_grant(library, headers)? {
        return Ok(grant);
    }
    if let Some(person) = signed_in(library, headers)? {
        return Ok(Grant::Session { user: person.user, role: person.role });
    }
    let (Some(exp), Some(sig)) = (share.exp.as_deref(), share.sig.as_deref()) else {
        return Err(ApiError::unauthorized("the full report needs an api token, a signed-in reader or a share link (?exp=…&sig=…)"));
    };
    let Ok(expires) = exp.trim().parse::<u64>() else {
        return Err(ApiError::forbidden("tampered_link", "this share link is not valid"));
    };
    match check_share_link(library.store(), report_id, expires, sig.trim(), now).map_err(ApiError::internal)? {
        Ok(()) => Ok(Grant::ShareLink),
        Err(ShareLinkError::Expired) => Err(ApiError::forbidden("expired_link", "this share link has expired")),
        Err(ShareLinkError::Tampered) => Err(ApiError::forbidden("tampered_link", "this share link is not valid")),
    }
}

/// Returns the public link to a report's full view: what the public preview, its link and its QR
/// code carry. It opens the full report only for a reader who is authorised (an API token, or a
/// signed link someone authorised minted with [`signed_full_link`]); anyone else is told so.
pub fn public_full_link(base_url: &str, report_id: &str) -> String {
    format!("{}/reports/{report_id}/full", base_url.trim_end_matches('/'))
}

/// Returns a signed full-text link of a report, valid for `hours` from `now` (rounded up to the
/// hour): minted only for an authorised caller (`POST /api/reports/{id}/share`, `yanbao share`),
/// never placed on a public page. Returns the link and its expiry (seconds since the epoch).
pub fn signed_full_link(library: &Library, base_url: &str, report_id: &str, hours: u64, now: u64) -> Result<(String, u64), ApiError> {
    let expires = (now / 3600 + 1 + hours) * 3600;
    let (exp, sig) = sign_share_link(library.store(), report_id, expires).map_err(ApiError::internal)?;
    Ok((format!("{}?exp={exp}&sig={sig}", public_full_link(base_url, report_id)), expires))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_only_ever_a_path_here() {
        assert_eq!(local_next(Some("/reports/ab12/full")), "/reports/ab12/full");
        assert_eq!(local_next(Some("/search?q=%E5%85%B3")), "/search?q=%E5%85%B3");
        for hostile in ["https://evil.example/", "//evil.example", "/\\evil.example", "evil", "/\nSet-Cookie:x", "", "/login?next=//evil"] {
            assert_eq!(local_next(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(local_next(None), "/");
        assert_eq!(local_next(Some("/search?q=中 美")), "/search?q=%E4%B8%AD%20%E7%BE%8E");
    }

    #[test]
    fn cookies_are_read_from_every_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; yb_session=ys_abc"));
        headers.append(header::COOKIE, HeaderValue::from_static("yb_signin=\"f00\""));
        assert_eq!(cookie(&headers, SESSION_COOKIE).as_deref(), Some("ys_abc"));
        assert_eq!(cookie(&headers, SIGN_IN_CSRF_COOKIE).as_deref(), Some("f00"));
        assert_eq!(cookie(&headers, "missing"), None);
    }

    #[test]
    fn roles_include_the_ones_before() {
        assert!(!allows(Role::Reader, Action::Upload));
        assert!(allows(Role::Editor, Action::Upload) && allows(Role::Editor, Action::Remove));
        assert!(!allows(Role::Editor, Action::ManageUsers));
        assert!(allows(Role::Admin, Action::ManageUsers) && allows(Role::Admin, Action::Upload));
    }

    #[test]
    fn cookies_are_secure_behind_tls() {
        let cookie = set_cookie(SESSION_COOKIE, "ys_1", Some(60), true);
        assert_eq!(cookie.to_str().unwrap(), "yb_session=ys_1; HttpOnly; SameSite=Lax; Path=/; Max-Age=60; Secure");
        let mut headers = HeaderMap::new();
        assert!(!is_tls(&headers, "http://x"));
        assert!(is_tls(&headers, "https://x"));
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(is_tls(&headers, "http://x"));
    }

    #[test]
    fn bearer_tokens_are_read_from_the_header() {
        assert_eq!(bearer_token("Bearer yb_abc"), Some("yb_abc"));
        assert_eq!(bearer_token("bearer   yb_abc "), Some("yb_abc"));
        assert_eq!(bearer_token("Basic dXNlcg=="), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token(""), None);
    }
}
