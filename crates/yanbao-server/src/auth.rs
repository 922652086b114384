//! Who may read full reports and upload: an API token (`Authorization: Bearer yb_…`) verified
//! by the engine, or — for one report's full text — a signed share link (`?exp=…&sig=…`).

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::HeaderMap;
use serde::Deserialize;
use yanbao_engine::access::{check_share_link, sign_share_link, verify_token, ShareLinkError};
use yanbao_engine::Library;

use crate::error::ApiError;

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

/// Requires a live API token or a valid share link for `report_id` (full text).
pub fn require_reader(library: &Library, headers: &HeaderMap, report_id: &str, share: &ShareParams, now: u64) -> Result<Grant, ApiError> {
    if let Some(grant) = token_grant(library, headers)? {
        return Ok(grant);
    }
    let (Some(exp), Some(sig)) = (share.exp.as_deref(), share.sig.as_deref()) else {
        return Err(ApiError::unauthorized("the full report needs an api token or a share link (?exp=…&sig=…)"));
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
    fn bearer_tokens_are_read_from_the_header() {
        assert_eq!(bearer_token("Bearer yb_abc"), Some("yb_abc"));
        assert_eq!(bearer_token("bearer   yb_abc "), Some("yb_abc"));
        assert_eq!(bearer_token("Basic dXNlcg=="), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token(""), None);
    }
}
