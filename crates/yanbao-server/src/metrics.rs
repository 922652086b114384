//! What operators watch: `GET /metrics` in the Prometheus text format, and a request id on every
//! request's log line and response.
//!
//! The engine records through the `metrics` facade (search latency per scope, replica lag,
//! changes applied, jobs finished, worker failures); this module installs the Prometheus
//! recorder once per process, adds per-route request counts and latency histograms, and, on a
//! shared store, the job queue's depth by state (read when scraped). A `yanbao worker` serves
//! the same route on `--metrics-addr` ([`serve_metrics`]).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tracing::Instrument;
use yanbao_engine::Library;

/// Latency buckets in seconds: from a cached search (0.5 ms) to a slow page (5 s).
const LATENCY_BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

/// How often the recorder's histograms are drained into their buckets when nobody scrapes.
const UPKEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);
/// The name of the thread that drains them.
const UPKEEP_THREAD: &str = "yanbao-metrics";

/// The process's Prometheus recorder, installed on first use (one per process: the facade
/// takes one global recorder). A thread of its own runs the recorder's upkeep every few
/// seconds: a histogram keeps every observation until upkeep (or a scrape) folds it into its
/// buckets, so without it a server nobody scrapes grows by every request it answers (the
/// soak found ~2 MB a minute at 1,150 requests/s; docs/RELIABILITY.md).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let _ = std::thread::Builder::new().name(UPKEEP_THREAD.into()).spawn(|| loop {
            std::thread::sleep(UPKEEP_INTERVAL);
            handle().run_upkeep();
        });
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
            .unwrap_or_else(|_| PrometheusBuilder::new());
        match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder is installed (tests running several servers in one process):
            // render a recorder of our own, which sees only what is recorded through it.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// `GET /metrics` of a worker (state: the library).
async fn handler(State(library): State<Arc<Library>>) -> Response {
    render(library).await
}

/// Every metric of this process in the Prometheus text format; with a shared store, also the
/// job queue's depth by state (`yanbao_jobs{state}`) and the replica's lag, read now.
pub async fn render(library: Arc<Library>) -> Response {
    let _ = tokio::task::spawn_blocking(move || refresh(&library)).await;
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"))], handle().render()).into_response()
}

/// Reads the gauges that are cheaper to read when scraped than to keep up to date.
fn refresh(library: &Library) {
    if library.follows_store() {
        if let Err(e) = library.replica_lag() {
            tracing::debug!("replica lag unknown: {e}");
        }
    }
    if let Ok((_, counts)) = library.jobs(None, 0) {
        for state in [yanbao_engine::JobState::Queued, yanbao_engine::JobState::Running, yanbao_engine::JobState::Done, yanbao_engine::JobState::Failed] {
            let count = counts.iter().find(|(s, _)| *s == state).map_or(0, |(_, n)| *n);
            metrics::gauge!("yanbao_jobs", "state" => state.as_str()).set(count as f64);
        }
    }
}

/// Middleware: gives each request an id (the `x-request-id` it came with, else a new one),
/// logs it with method, route, status and time in one structured line, and counts it per
/// route (`yanbao_http_requests_total{route,method,status}`,
/// `yanbao_http_request_duration_seconds{route}`). Routes are the matched patterns
/// (`/reports/{id}`), never raw paths, so the number of series stays bounded.
pub async fn track(request: Request, next: Next) -> Response {
    static NEXT_ID: AtomicU64 = AtomicU64::new(1);
    let started = Instant::now();
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:x}-{:x}", std::process::id(), NEXT_ID.fetch_add(1, Ordering::Relaxed)));
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", |path| path.as_str()).to_string();
    let method = request.method().as_str().to_string();
    // Whatever the handler logs (an internal error's cause) carries the id the client is given.
    let mut response = next.run(request).instrument(tracing::info_span!("request", request_id = %id)).await;
    let elapsed = started.elapsed();
    let status = response.status();
    tracing::info!(request_id = %id, %method, %route, status = status.as_u16(), ms = elapsed.as_secs_f64() * 1e3, "request");
    metrics::counter!("yanbao_http_requests_total", "route" => route.clone(), "method" => method, "status" => status.as_u16().to_string()).increment(1);
    metrics::histogram!("yanbao_http_request_duration_seconds", "route" => route).record(elapsed.as_secs_f64());
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Serves `/metrics` alone on `addr` until the process ends: what a `yanbao worker` exposes.
pub async fn serve_metrics(library: Arc<Library>, addr: &str) -> Result<(), crate::ServerError> {
    handle();
    let app = Router::new()
        .route("/metrics", get(handler))
        .fallback(|| async { (StatusCode::NOT_FOUND, "only /metrics here\n") })
        .with_state(library);
    let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| crate::ServerError::Listen { addr: addr.to_string(), reason: e.to_string() })?;
    axum::serve(listener, app).await.map_err(|e| crate::ServerError::Serve(e.to_string()))
}

#[cfg(test)]
mod tests {
    /// The soak's finding: histograms nobody scrapes must still be drained, by a thread of the
    /// recorder's own (Linux: looked up by name among the process's threads).
    #[test]
    fn histograms_are_drained_without_a_scrape() {
        let handle = super::handle();
        let named = |task: std::fs::DirEntry| std::fs::read_to_string(task.path().join("comm")).map(|name| name.trim() == super::UPKEEP_THREAD).unwrap_or(false);
        // The thread names itself once it runs: give it a moment on a busy machine.
        let started = std::time::Instant::now();
        let running = loop {
            let running = std::fs::read_dir("/proc/self/task").map(|tasks| tasks.flatten().any(named)).unwrap_or(true);
            if running || started.elapsed() > std::time::Duration::from_secs(5) {
                break running;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        };
        assert!(running, "no upkeep thread: every histogram observation would be kept until a scrape");
        handle.run_upkeep();
        let _ = handle.render();
    }
}
