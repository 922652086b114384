//! The web reader and JSON API over a yanbao library (axum).
//!
//! One job: serve a [`yanbao_engine::Library`] over HTTP. The public reads the search page,
//! chart search, timeline, entity and company pages and report previews (the first part of a report, cut at
//! a block boundary by the engine's [`preview::cut`] under the configured policy, ending with the
//! notice, the full-report link and its QR code); the full text and uploads need an API token, a
//! signed-in person of the right role, or (full text) a signed share link ([`auth`]). HTML is rendered server-side in [`pages`], JSON in [`api`];
//! every library call runs on the blocking thread pool. Search never reads a report: hits carry
//! what the pages need (whether their block is in the preview) from the index.

pub mod api;
pub mod auth;
pub mod error;
pub mod metrics;
pub mod openapi;
pub mod security;
pub mod pages;
pub mod pictures;
pub mod throttle;

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, State};
use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use yanbao_engine::{Hit, Library};

pub use error::ApiError;
/// The preview cut, from the engine (redaction policy lives there).
pub use yanbao_engine::preview;
pub use yanbao_engine::PreviewPolicy;

/// How the server listens, links and limits.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Address to listen on (`127.0.0.1:8080`).
    pub addr: String,
    /// Public base URL, used in share links and QR codes (`http://127.0.0.1:8080`).
    pub base_url: String,
    /// How much of a report the public preview shows.
    pub preview: PreviewPolicy,
    /// Largest upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Longest query accepted, in characters.
    pub max_query_chars: usize,
    /// Most hits per page of search results.
    pub max_page_size: usize,
    /// Hours a share link printed on a preview page stays valid.
    pub share_link_hours: u64,
    /// Longest wait for a request's line and headers, from the connection's opening or the end
    /// of the previous answer: a client that trickles its headers (slowloris), or keeps an idle
    /// connection open, is disconnected after it.
    pub header_read_timeout: Duration,
    /// Largest request line and headers together, in bytes: more is answered 431 and the
    /// connection closed (at most 100 headers either way).
    pub max_header_bytes: usize,
    /// Longest time to receive a request's body and answer it, uploads excepted: a slower request
    /// is answered 408 (`request_timeout`) and its connection closed.
    pub request_timeout: Duration,
    /// The same for an upload (`POST /api/reports`), whose body may be large.
    pub upload_timeout: Duration,
    /// Most connections served at once; more wait in the listen backlog until one closes.
    pub max_connections: usize,
    /// Failed sign-ins allowed per name in [`ServerConfig::sign_in_window`]; the next attempts
    /// for that name are answered 429 until the oldest failure leaves the window.
    pub sign_in_failures: u32,
    /// The sliding window failed sign-ins are counted over.
    pub sign_in_window: Duration,
}

impl Default for ServerConfig {
    fn default() -> ServerConfig {
        ServerConfig {
            addr: "127.0.0.1:8080".to_string(),
            base_url: "http://127.0.0.1:8080".to_string(),
            preview: PreviewPolicy::default(),
            max_upload_bytes: 64 * 1024 * 1024,
            max_query_chars: 256,
            max_page_size: 100,
            share_link_hours: 24 * 7,
            header_read_timeout: Duration::from_secs(15),
            max_header_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(30),
            upload_timeout: Duration::from_secs(300),
            max_connections: 1024,
            sign_in_failures: 5,
            sign_in_window: Duration::from_secs(60),
        }
    }
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        reason: String,
    },
    /// The server stopped with an I/O error.
    #[error("server stopped: {0}")]
    Serve(String),
}

/// Distinct queries counted for the "hot queries" list.
const QUERY_COUNTS_CAPACITY: usize = 2_000;
/// Recent queries remembered.
const RECENT_QUERIES: usize = 8;
/// The store setting that keeps the query log across restarts.
const QUERY_LOG_SETTING: &str = "server.query_log";
/// Shortest time between two saves of the query log while searches arrive: one small write now
/// and then, not one per search; a process killed outright loses at most this much.
const QUERY_LOG_SAVE_INTERVAL: Duration = Duration::from_secs(2);

/// Recent and frequent queries, shown on the empty search page and kept in the store (a
/// library setting) so they survive a restart.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct QueryLog {
    counts: HashMap<String, u64>,
    recent: VecDeque<String>,
    /// Recorded since the last save.
    #[serde(skip)]
    unsaved: bool,
    /// When the log was last saved.
    #[serde(skip)]
    saved_at: Option<Instant>,
}

impl QueryLog {
    /// Reads the log a library keeps (empty when there is none or it cannot be read).
    pub fn load(library: &Library) -> QueryLog {
        match library.store().setting(QUERY_LOG_SETTING) {
            Ok(Some(json)) => serde_json::from_str(&json).unwrap_or_else(|e| {
                tracing::warn!("the saved search log is unreadable and starts empty: {e}");
                QueryLog::default()
            }),
            Ok(None) => QueryLog::default(),
            Err(e) => {
                tracing::warn!("cannot read the saved search log: {e}");
                QueryLog::default()
            }
        }
    }

    /// Returns the log as JSON to save when it changed since the last save and, unless `force`,
    /// the last save is at least [`QUERY_LOG_SAVE_INTERVAL`] old; marks it saved.
    fn snapshot(&mut self, now: Instant, force: bool) -> Option<String> {
        let due = force || self.saved_at.is_none_or(|at| now.duration_since(at) >= QUERY_LOG_SAVE_INTERVAL);
        if !self.unsaved || !due {
            return None;
        }
        self.unsaved = false;
        self.saved_at = Some(now);
        serde_json::to_string(self).ok()
    }

    /// Records a query that found something.
    pub fn record(&mut self, query: &str) {
        let query = query.trim();
        if query.is_empty() || query.chars().count() > 40 {
            return;
        }
        if self.counts.len() >= QUERY_COUNTS_CAPACITY && !self.counts.contains_key(query) {
            // Forget the rarest query to make room.
            if let Some(rarest) = self.counts.iter().min_by_key(|(_, n)| **n).map(|(q, _)| q.clone()) {
                self.counts.remove(&rarest);
            }
        }
        *self.counts.entry(query.to_string()).or_insert(0) += 1;
        self.recent.retain(|q| q != query);
        self.recent.push_front(query.to_string());
        self.recent.truncate(RECENT_QUERIES);
        self.unsaved = true;
    }

    /// Returns the most frequent queries, most frequent first.
    pub fn hot(&self, n: usize) -> Vec<String> {
        let mut all: Vec<(&String, &u64)> = self.counts.iter().collect();
        all.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        all.into_iter().take(n).map(|(q, _)| q.clone()).collect()
    }

    /// Returns the latest queries, newest first.
    pub fn recent(&self) -> Vec<String> {
        self.recent.iter().cloned().collect()
    }
}

/// Shared state of all handlers.
pub struct AppState {
    /// The library served.
    pub library: Arc<Library>,
    /// The configuration.
    pub config: ServerConfig,
    /// Queries asked, for suggestions.
    pub queries: Mutex<QueryLog>,
    /// Held while the query log is written, so an older snapshot never overwrites a newer one.
    saving_queries: Mutex<()>,
    /// Failed sign-ins per name, to slow password guessing.
    pub sign_in_throttle: throttle::SignInThrottle,
}

impl Drop for AppState {
    /// Saves the queries recorded since the last save: a router dropped (a server stopped, a
    /// test finished) keeps what it was asked.
    fn drop(&mut self) {
        self.save_queries();
    }
}

/// Returns the link to a block of a report: its anchor in the public preview when the preview
/// shows it, else in the full view (token or share link); the report page without a block.
pub fn block_link(report_id: &str, block: Option<usize>, previewed: bool) -> String {
    match block {
        None => format!("/reports/{report_id}"),
        Some(block) if previewed => format!("/reports/{report_id}#b{block}"),
        Some(block) => format!("/reports/{report_id}/full#b{block}"),
    }
}

impl AppState {
    /// Returns a new state over a library.
    pub fn new(library: Arc<Library>, config: ServerConfig) -> AppState {
        let queries = Mutex::new(QueryLog::load(&library));
        let sign_in_throttle = throttle::SignInThrottle::new(config.sign_in_failures, config.sign_in_window);
        AppState { library, config, queries, saving_queries: Mutex::new(()), sign_in_throttle }
    }

    /// Records a query that found something and saves the log when a save is due (never
    /// waiting for a save already under way: the next one carries this query).
    pub fn record_query(&self, query: &str) {
        if let Ok(mut log) = self.queries.lock() {
            log.record(query);
        }
        if let Ok(_saving) = self.saving_queries.try_lock() {
            self.write_queries(false);
        }
    }

    /// Saves what the query log recorded since its last save (at shutdown, and now and then
    /// while serving so that a killed process loses little).
    pub fn save_queries(&self) {
        if let Ok(_saving) = self.saving_queries.lock() {
            self.write_queries(true);
        }
    }

    /// Writes the query log to the store if it changed (the caller holds `saving_queries`).
    fn write_queries(&self, force: bool) {
        let snapshot = match self.queries.lock() {
            Ok(mut log) => log.snapshot(Instant::now(), force),
            Err(_) => None,
        };
        if let Some(json) = snapshot {
            if let Err(e) = self.library.store().set_setting(QUERY_LOG_SETTING, &json) {
                tracing::warn!("cannot save the search log: {e}");
            }
        }
    }

    /// Returns the link to a search hit's place (from the hit alone: no report is read).
    pub fn hit_link(hit: &Hit) -> String {
        block_link(&hit.report_id, hit.block, hit.previewed)
    }

    /// Returns the links to cited blocks (timeline, entity pages), asking the index — not the
    /// reports — whether the preview shows each; reports the index does not hold link to their page.
    pub fn citation_links(&self, places: &[(&str, usize)]) -> Vec<String> {
        let shown = self.library.previewed(places).unwrap_or_else(|e| {
            tracing::warn!("cannot place citations: {e}");
            vec![None; places.len()]
        });
        places
            .iter()
            .zip(shown)
            .map(|(&(id, block), shown)| match shown {
                Some(previewed) => block_link(id, Some(block), previewed),
                None => block_link(id, None, false),
            })
            .collect()
    }
}

/// Runs a blocking library call on the blocking pool.
pub(crate) async fn blocking<T, F>(state: &Arc<AppState>, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, ApiError> + Send + 'static,
{
    let state = state.clone();
    let span = tracing::Span::current();
    match tokio::task::spawn_blocking(move || span.in_scope(|| work(&state))).await {
        Ok(result) => result,
        Err(join_error) => Err(ApiError::internal(format!("request task failed: {join_error}"))),
    }
}

/// Returns the service's routes over a library (used by [`serve`] and by tests).
pub fn router(library: Arc<Library>, config: ServerConfig) -> Router {
    routes(Arc::new(AppState::new(library, config)))
}

/// Returns the routes over a state (the state's preview policy applied to the index).
fn routes(state: Arc<AppState>) -> Router {
    let upload_limit = state.config.max_upload_bytes.saturating_add(64 * 1024);
    // The index records, per block, whether this policy's preview shows it: it must be built
    // under the policy served (a no-op unless the policy changed).
    if let Err(e) = state.library.set_preview_policy(state.config.preview) {
        tracing::warn!("cannot apply the preview policy {} to the search index: {e}", state.config.preview);
    }
    Router::new()
        .route("/", get(pages::search::page))
        .route("/search", get(pages::search::page))
        .route("/figures", get(pages::figures::page))
        .route("/timeline", get(pages::timeline::page))
        .route("/entities/{name}", get(pages::entity::page))
        .route("/companies/{code}", get(pages::company::page))
        .route("/reports/{id}", get(pages::report::preview_page))
        .route("/reports/{id}/full", get(pages::report::full_page))
        .route("/reports/{id}/pages/{n}", get(pictures::page))
        .route("/reports/{id}/figures/{k}", get(pictures::figure))
        .route("/static/style.css", get(pages::stylesheet))
        .route("/static/upload.js", get(pages::account::upload_script))
        .route("/login", get(pages::account::sign_in_page).post(pages::account::sign_in))
        .route("/logout", post(pages::account::sign_out))
        .route("/upload", get(pages::account::upload_page).post(pages::account::upload_files).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/admin/users", get(pages::account::users_page).post(pages::account::users_action))
        .route("/healthz", get(api::healthz))
        .route("/api/search", get(api::search))
        .route("/api/reports", get(api::list).post(api::upload).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/api/reports/{id}", get(api::report).delete(api::remove))
        .route("/api/jobs/{id}", get(api::job))
        .route("/api/reports/{id}/preview", get(api::preview))
        .route("/api/reports/{id}/share", post(api::share))
        .route("/api/timeline", get(api::timeline))
        .route("/api/entities/{name}", get(api::entity))
        .route("/api/companies/{code}", get(api::company))
        .route("/api/openapi.json", get(openapi::handler))
        .route("/metrics", get(|State(state): State<Arc<AppState>>| metrics::render(state.library.clone())))
        // After routing, so each request is counted under its route pattern.
        .route_layer(axum::middleware::from_fn(metrics::track))
        .fallback(pages::not_found)
        // Pages show who is signed in; a page that needs someone sends a browser to sign in.
        .layer(axum::middleware::from_fn_with_state(state.clone(), pages::account::frame))
        // Every request, the fallback included, is answered or cut off in its time.
        .layer(axum::middleware::from_fn_with_state(TimeLimits::of(&state.config), time_limit))
        // Outermost, so every answer — pages, API, errors, the fallback — carries them.
        .layer(axum::middleware::from_fn(security::headers))
        .with_state(state)
}

/// Serves the library until Ctrl-C (or SIGTERM).
pub async fn serve(library: Library, config: ServerConfig) -> Result<(), ServerError> {
    let addr = config.addr.clone();
    // Ready before listening: the preview policy applied to the index (router) and the index
    // warmed, so the first requests are answered as fast as the rest.
    let library = Arc::new(library);
    metrics::handle();
    let state = Arc::new(AppState::new(library.clone(), config.clone()));
    let app = routes(state.clone());
    // A node of a shared library keeps its index following the store while it serves.
    let stop_following = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let follower = library.follows_store().then(|| spawn_follower(library.clone(), stop_following.clone()));
    let _ = tokio::task::spawn_blocking(move || warm_up(&library)).await;
    let listener = tokio::net::TcpListener::bind(&addr).await.map_err(|e| ServerError::Listen { addr: addr.clone(), reason: e.to_string() })?;
    let local = listener.local_addr().map(|a| a.to_string()).unwrap_or(addr);
    tracing::info!(addr = %local, base_url = %config.base_url, "serving");
    eprintln!("yanbao: serving on http://{local}");
    // Queries recorded during a burst of searches are saved shortly after it, not only at exit.
    let saver_state = state.clone();
    let saver = tokio::spawn(async move {
        loop {
            tokio::time::sleep(QUERY_LOG_SAVE_INTERVAL).await;
            let state = saver_state.clone();
            let _ = tokio::task::spawn_blocking(move || state.save_queries()).await;
        }
    });
    let served = serve_on(listener, app, &config, shutdown_signal()).await.map_err(|e| ServerError::Serve(e.to_string()));
    saver.abort();
    stop_following.store(true, std::sync::atomic::Ordering::Relaxed);
    let _ = tokio::task::spawn_blocking(move || state.save_queries()).await;
    if let Some(Ok(follower)) = follower {
        let _ = tokio::task::spawn_blocking(move || follower.join()).await;
    }
    served
}

/// The request time limits of a config, for the [`time_limit`] middleware.
#[derive(Debug, Clone, Copy)]
struct TimeLimits {
    request: Duration,
    upload: Duration,
}

impl TimeLimits {
    fn of(config: &ServerConfig) -> TimeLimits {
        TimeLimits { request: config.request_timeout, upload: config.upload_timeout }
    }
}

/// Middleware: a request not received and answered within its limit (the upload limit for
/// `POST /api/reports` and `POST /upload`, the request limit otherwise) is answered 408 and its connection closed,
/// so a client that trickles a body holds a connection for a bounded time.
async fn time_limit(State(limits): State<TimeLimits>, request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let upload = request.method() == axum::http::Method::POST && matches!(request.uri().path(), "/api/reports" | "/upload");
    let limit = if upload { limits.upload } else { limits.request };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            let what = if upload { "an upload" } else { "a request" };
            let message = format!("{what} must arrive and be answered within {} s", limit.as_secs_f64());
            let mut response = ApiError::new(axum::http::StatusCode::REQUEST_TIMEOUT, "request_timeout", message).into_response();
            response.headers_mut().insert(axum::http::header::CONNECTION, axum::http::HeaderValue::from_static("close"));
            response
        }
    }
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the open connections finish
/// their requests (for the upload limit at most). Each connection is read under the config's
/// limits: its request headers within [`ServerConfig::header_read_timeout`] (idle keep-alive
/// connections included) and [`ServerConfig::max_header_bytes`]; at most
/// [`ServerConfig::max_connections`] are served at once, and the next wait in the listen backlog.
pub async fn serve_on(listener: tokio::net::TcpListener, app: Router, config: &ServerConfig, shutdown: impl std::future::Future<Output = ()>) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    let max_connections = config.max_connections.clamp(1, tokio::sync::Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let permits = Arc::new(tokio::sync::Semaphore::new(max_connections));
    let (closing, close) = tokio::sync::watch::channel(false);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(config.header_read_timeout).max_header_size(config.max_header_bytes).max_headers(100);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            _ = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // not the listener's end; wait a moment (the first frees a descriptor).
                    tracing::warn!("cannot accept a connection: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let connection = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        let mut close = close.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let mut connection = std::pin::pin!(connection);
            let stopping = tokio::select! {
                _ = connection.as_mut() => false,
                _ = close.wait_for(|closing| *closing) => true,
            };
            if stopping {
                connection.as_mut().graceful_shutdown();
                let _ = connection.await;
            }
        });
    }
    drop(listener);
    let _ = closing.send(true);
    // Every connection holds a permit until it ends: all permits back means all closed.
    let drain = config.upload_timeout.max(config.request_timeout) + Duration::from_secs(1);
    if tokio::time::timeout(drain, permits.acquire_many(max_connections as u32)).await.is_err() {
        tracing::warn!("stopping with connections still open after {} s", drain.as_secs());
    }
    Ok(())
}

/// Longest a follower waits between two looks at the store (a change wakes it sooner).
const FOLLOW_WAIT: Duration = Duration::from_secs(1);

/// Keeps a replica's index up to date with the shared store on a thread of its own: applies
/// the change feed, then waits for the next change (woken by the store's notification, or
/// after [`FOLLOW_WAIT`] at the latest), until `stop`. A store that cannot be reached is
/// reported once, and tried again until it answers.
fn spawn_follower(library: Arc<Library>, stop: Arc<std::sync::atomic::AtomicBool>) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("yanbao-follow".into()).spawn(move || {
        let mut failing = false;
        let mut report = |outcome: Result<(), String>| match outcome {
            Ok(()) if failing => {
                tracing::info!("following the store again");
                failing = false;
            }
            Err(e) if !failing => {
                tracing::warn!("cannot follow the store (searches answer from the index as it is): {e}");
                failing = true;
            }
            _ => {}
        };
        while !stop.load(std::sync::atomic::Ordering::Relaxed) {
            let applied = library.apply_changes();
            let _ = library.replica_lag();
            if let Ok(count @ 1..) = applied {
                tracing::debug!(applied = count, "replica caught up with the store");
            }
            report(applied.map(|_| ()).map_err(|e| e.to_string()));
            if let Err(e) = library.store().wait_for_change(FOLLOW_WAIT) {
                report(Err(e.to_string()));
                std::thread::sleep(FOLLOW_WAIT);
            }
        }
    })
}

/// Runs a few searches so the index's files are mapped and its lookup structures touched
/// before the first request (a few milliseconds; errors are ignored).
fn warm_up(library: &Library) {
    for scope in [yanbao_engine::Scope::All, yanbao_engine::Scope::Paragraphs] {
        let request = yanbao_engine::SearchRequest { query: "研究 报告".into(), scope, with_facets: true, ..Default::default() };
        let _ = library.search(&request);
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_log_keeps_recent_and_hot_queries() {
        let mut log = QueryLog::default();
        for q in ["拜登", "气候", "拜登", " ", "芯片"] {
            log.record(q);
        }
        assert_eq!(log.recent(), vec!["芯片", "拜登", "气候"]);
        assert_eq!(log.hot(1), vec!["拜登"]);
    }

    #[test]
    fn the_query_log_is_saved_now_and_then_and_read_back() {
        let library = Library::open_in_memory().unwrap();
        assert!(QueryLog::load(&library).recent().is_empty(), "a new library has no saved queries");
        let mut log = QueryLog::default();
        let start = Instant::now();
        assert_eq!(log.snapshot(start, true), None, "nothing recorded, nothing to save");
        log.record("拜登");
        let first = log.snapshot(start, false).expect("the first query is saved at once");
        log.record("芯片");
        assert_eq!(log.snapshot(start + Duration::from_millis(500), false), None, "saves are spaced out");
        let second = log.snapshot(start + QUERY_LOG_SAVE_INTERVAL, false).expect("due after the interval");
        assert_ne!(first, second);
        library.store().set_setting(QUERY_LOG_SETTING, &second).unwrap();
        let loaded = QueryLog::load(&library);
        assert_eq!(loaded.recent(), vec!["芯片", "拜登"]);
        assert_eq!(loaded.hot(2), vec!["拜登", "芯片"]);
        library.store().set_setting(QUERY_LOG_SETTING, "{not json").unwrap();
        assert!(QueryLog::load(&library).recent().is_empty(), "an unreadable log starts empty");
    }

    #[test]
    fn defaults_are_sensible() {
        let config = ServerConfig::default();
        assert_eq!(config.addr, "127.0.0.1:8080");
        assert!(config.max_page_size >= 10);
    }
}
