//! `GET /reports/{id}/pages/{n}` and `GET /reports/{id}/figures/{k}` (`?size=thumb` for the
//! small version): a PDF report's page and chart pictures.
//!
//! A picture that shows only what the public preview shows is public and cached for good
//! (`Cache-Control: public, immutable`; the `ETag` is its SHA-256). Any other picture — a page
//! holding text beyond the cut, a chart beyond it — answers 401 to an anonymous request, exactly
//! as the full text does; a reader (token, share link, session) gets it with `private` caching.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yanbao_engine::pictures::{NoPicture, PictureAccess, PictureOf};

use crate::api::{check_form, query_error, Form};
use crate::auth::{self, ShareParams};
use crate::error::{from_engine, ApiError};
use crate::{blocking, AppState};

/// Query of a picture request: its size and, for a reader without a session or a token, the
/// share link's `exp` and `sig`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PictureParams {
    /// `thumb` for the small version; anything else (or nothing) for the full one.
    pub size: Option<String>,
    /// Share link expiry.
    pub exp: Option<String>,
    /// Share link signature.
    pub sig: Option<String>,
}

impl PictureParams {
    /// True for the thumbnail; checks every value's form as the OpenAPI document states it.
    fn thumb(&self) -> Result<bool, ApiError> {
        check_form("size", &self.size, Form::OneOf(&["thumb", "full"]))?;
        check_form("exp", &self.exp, Form::Count)?;
        Ok(self.size.as_deref() == Some("thumb"))
    }
}

/// Reads a 1-based page number or a 0-based figure index from the path.
fn path_number(text: &str, what: &str) -> Result<u64, ApiError> {
    text.trim().parse::<u64>().ok().filter(|n| *n <= u32::MAX as u64).ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "picture_not_found", format!("{what} must be a number")))
}

/// `GET /reports/{id}/pages/{n}`.
pub async fn page(
    State(state): State<Arc<AppState>>,
    Path((id, n)): Path<(String, String)>,
    headers: HeaderMap,
    params: Result<Query<PictureParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(query_error)?;
    let n = path_number(&n, "the page")? as u32;
    let picture = PictureOf::Page { n, thumb: params.thumb()? };
    serve(state, id, picture, headers, params).await
}

/// `GET /reports/{id}/figures/{k}`.
pub async fn figure(
    State(state): State<Arc<AppState>>,
    Path((id, k)): Path<(String, String)>,
    headers: HeaderMap,
    params: Result<Query<PictureParams>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params.map_err(query_error)?;
    let k = path_number(&k, "the figure")? as usize;
    let picture = PictureOf::Figure { k, thumb: params.thumb()? };
    serve(state, id, picture, headers, params).await
}

/// Checks access, then answers the picture (or 304 when the client holds it).
async fn serve(state: Arc<AppState>, id: String, picture: PictureOf, headers: HeaderMap, params: PictureParams) -> Result<Response, ApiError> {
    if !yanbao_engine::is_report_id(&id) {
        return Err(ApiError::report_not_found(&id));
    }
    let id = id.to_ascii_lowercase();
    let if_none_match = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (stored, access) = blocking(&state, move |s| {
        let report = s.library.get(&id).map_err(from_engine)?.ok_or_else(|| ApiError::report_not_found(&id))?;
        let access = match s.library.picture_access(&report, picture) {
            Ok(access) => access,
            Err(NoPicture::NoReport) => return Err(ApiError::report_not_found(&id)),
            Err(NoPicture::NoSuchPicture(why)) => return Err(ApiError::new(StatusCode::NOT_FOUND, "picture_not_found", why)),
        };
        if access == PictureAccess::Reader {
            let share = ShareParams { exp: params.exp.clone(), sig: params.sig.clone() };
            auth::require_reader(&s.library, &headers, &id, &share, auth::now_seconds())?;
        }
        let stored = s.library.picture(&report, picture).map_err(from_engine)?;
        Ok((stored, access))
    })
    .await?;
    let etag = format!("\"{}\"", stored.hash);
    let cache = match access {
        PictureAccess::Public => "public, max-age=31536000, immutable",
        PictureAccess::Reader => "private, max-age=86400, immutable",
    };
    let mut response = if if_none_match.as_deref().is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*")) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let mut response = stored.bytes.into_response();
        if let Ok(value) = HeaderValue::from_str(&stored.media_type) {
            response.headers_mut().insert(header::CONTENT_TYPE, value);
        }
        response
    };
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if access == PictureAccess::Reader {
        // A shared cache must not hand a reader's picture to the next anonymous visitor.
        headers.insert(header::VARY, HeaderValue::from_static("Authorization, Cookie"));
    }
    Ok(response)
}
