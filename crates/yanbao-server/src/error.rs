//! Errors of the service: a status, a stable code and a lowercase message, rendered as JSON for
//! the API (`{"error": {"code", "message"}}`) and as a page for the web reader.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;

/// An error answered to a client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code (`not_found`, `unauthorized`, `query_too_long` …).
    pub code: &'static str,
    /// What went wrong, in words.
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
}

impl ApiError {
    /// Returns an error with this status, code and message.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into() }
    }

    /// 400: the request is malformed.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 401: credentials are missing.
    pub fn unauthorized(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }

    /// 403: credentials were given and refused.
    pub fn forbidden(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, code, message)
    }

    /// 404: no report with this id.
    pub fn report_not_found(id: &str) -> ApiError {
        let shown: String = id.chars().take(64).collect();
        ApiError::new(StatusCode::NOT_FOUND, "report_not_found", format!("no report with id {shown}"))
    }

    /// 404: the library has learned no company by this code or name.
    pub fn company_not_found(asked: &str) -> ApiError {
        let shown: String = asked.chars().take(64).collect();
        ApiError::new(StatusCode::NOT_FOUND, "company_not_found", format!("no company {shown} in the library (companies are learned from reports that print a name with its code)"))
    }

    /// 404 for a job id the queue does not hold (or a library without a queue).
    pub fn job_not_found(id: i64) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "job_not_found", format!("no ingest job {id}"))
    }

    /// 500: the library failed. The cause is logged, not answered: it can name files of the
    /// data folder, the database's address or an internal state, none of which a client should
    /// see. The answer points at the log line by the request's `x-request-id`.
    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %error, "request failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the library failed on this request; the server log has the cause under this answer's x-request-id")
    }

    /// Returns the JSON body of this error.
    pub fn body(&self) -> serde_json::Value {
        serde_json::to_value(ErrorBody { error: ErrorDetail { code: self.code, message: &self.message } }).unwrap_or_default()
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(self.body())).into_response()
    }
}

/// Turns an engine error into an API error: bad input is the client's fault, the rest is ours.
pub fn from_engine(error: yanbao_engine::EngineError) -> ApiError {
    use yanbao_engine::EngineError;
    match &error {
        EngineError::NotFound(id) => ApiError::report_not_found(id),
        EngineError::Unsupported(_) | EngineError::Parse(_) => ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "unreadable_report", error.to_string()),
        EngineError::Index(inner) => {
            let message = inner.to_string();
            if message.starts_with("query too long") {
                ApiError::bad_request("query_too_long", message)
            } else if message.starts_with("invalid date") {
                ApiError::bad_request("invalid_date", message)
            } else if message.starts_with("unknown search scope") {
                ApiError::bad_request("invalid_scope", message)
            } else {
                ApiError::internal(message)
            }
        }
        EngineError::Busy(message) => ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", message.clone()),
        _ => ApiError::internal(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_answers_without_its_cause() {
        let cause = "cannot open /srv/yanbao/data/library.sqlite: disk I/O error at crates/yanbao-store/src/sqlite.rs:88";
        let body = ApiError::internal(cause).body().to_string();
        assert!(body.contains("\"internal\""), "{body}");
        for secret in ["/srv/yanbao", "library.sqlite", ".rs:", "disk I/O"] {
            assert!(!body.contains(secret), "the answer shows {secret}: {body}");
        }
    }
}
