//! The server on a real socket under hostile clients: a slowloris client (headers a byte at a
//! time), idle connections beyond the connection bound, an oversized header, an oversized body
//! and a body trickled in are each cut off by a timeout or a limit, while a normal client is
//! served promptly meanwhile; and a stop still ends the server with connections open.
//! The limits are set short here (a second), so each test runs in a few seconds.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use yanbao_engine::access::create_token;
use yanbao_engine::Library;
use yanbao_server::{router, serve_on, ServerConfig};

const SEED: &[u8] = include_bytes!("fixtures/seed.txt");
/// The short header-read, request and upload timeout of these tests.
const LIMIT: Duration = Duration::from_secs(1);
/// How long past its limit a client may still be connected before the test calls it not cut off
/// (a loaded CI machine is slow; the old server never cut them off at all).
const SLACK: Duration = Duration::from_secs(3);

struct Server {
    addr: SocketAddr,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    served: tokio::task::JoinHandle<std::io::Result<()>>,
}

fn config() -> ServerConfig {
    ServerConfig {
        header_read_timeout: LIMIT,
        request_timeout: LIMIT,
        upload_timeout: LIMIT,
        max_header_bytes: 8 * 1024,
        max_upload_bytes: 100_000,
        max_connections: 16,
        ..ServerConfig::default()
    }
}

async fn start(config: ServerConfig) -> Server {
    let library = Library::open_in_memory().expect("library");
    library.ingest_bytes("seed.txt", SEED).expect("seed");
    let token = create_token(library.store(), "tester").expect("token");
    let app = router(Arc::new(library), config.clone());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(async move {
        serve_on(listener, app, &config, async {
            let _ = stopped.await;
        })
        .await
    });
    Server { addr, token, stop: Some(stop), served }
}

/// Sends a whole request on a fresh connection and returns the status and body of the answer.
async fn exchange(addr: SocketAddr, request: &[u8]) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("send");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    parse(&answer)
}

fn parse(answer: &[u8]) -> (u16, String) {
    let text = String::from_utf8_lossy(answer);
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

/// A normal client: the search API, timed.
async fn normal_search(addr: SocketAddr) -> (u16, Duration) {
    let start = Instant::now();
    let (status, _) = exchange(addr, b"GET /api/search?q=%E6%8B%9C%E7%99%BB HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").await;
    (status, start.elapsed())
}

/// Whether the server closed this connection (end of stream or reset) within `wait`.
async fn closed_within(stream: &mut TcpStream, wait: Duration) -> bool {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline.into(), stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slowloris_client_is_cut_off_while_others_are_served() {
    let server = start(config()).await;
    let addr = server.addr;
    // Headers a few bytes at a time, never ending: cut off after the header-read timeout.
    let slow = tokio::spawn(async move {
        let start = Instant::now();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: t\r\n").await.unwrap();
        while start.elapsed() < LIMIT + SLACK {
            if stream.write_all(b"X-Slow: 1\r\n").await.is_err() {
                return Some(start.elapsed());
            }
            if closed_within(&mut stream, Duration::from_millis(200)).await {
                return Some(start.elapsed());
            }
        }
        None
    });
    // Meanwhile a normal client is served at once, several times.
    for _ in 0..5 {
        let (status, took) = normal_search(addr).await;
        assert_eq!(status, 200);
        assert!(took < Duration::from_millis(900), "a normal search took {took:?} beside a slow client");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let cut = slow.await.unwrap().expect("the slowloris client is still connected well past the header-read timeout");
    assert!(cut >= LIMIT - Duration::from_millis(100), "cut off after {cut:?}, before the timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_connections_beyond_the_bound_are_closed_and_do_not_stop_others() {
    let server = start(config()).await;
    // More idle connections than the server serves at once (16): the first are closed after the
    // header-read timeout, and a normal client is served then at the latest.
    let mut idle = Vec::new();
    for _ in 0..40 {
        idle.push(TcpStream::connect(server.addr).await.expect("connect"));
    }
    let (status, took) = normal_search(server.addr).await;
    assert_eq!(status, 200);
    assert!(took < 2 * LIMIT + SLACK, "a normal search waited {took:?} behind idle connections");
    let mut first = idle.remove(0);
    assert!(closed_within(&mut first, SLACK).await, "an idle connection stays open past the header-read timeout");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_header_is_refused_with_431() {
    let server = start(config()).await;
    let big = "a".repeat(20 * 1024);
    let request = format!("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: {big}\r\nConnection: close\r\n\r\n");
    let (status, _) = exchange(server.addr, request.as_bytes()).await;
    assert_eq!(status, 431, "a 20 KiB header under an 8 KiB limit");
    // Headers within the limit are served.
    let fine = format!("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: {}\r\nConnection: close\r\n\r\n", &big[..4096]);
    assert_eq!(exchange(server.addr, fine.as_bytes()).await.0, 200);
}

fn upload_head(token: &str, content_length: usize, boundary: &str) -> String {
    format!(
        "POST /api/reports HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {content_length}\r\nConnection: close\r\n\r\n"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_is_refused_with_the_json_error() {
    let server = start(config()).await;
    let boundary = "yanbaoLimitTest";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n").into_bytes();
    body.extend(std::iter::repeat_n(b'x', 400_000));
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = upload_head(&server.token, body.len(), boundary).into_bytes();
    request.extend(&body);
    let (status, answer) = exchange(server.addr, &request).await;
    assert_eq!(status, 413, "{answer}");
    let json: serde_json::Value = serde_json::from_str(&answer).unwrap_or_else(|e| panic!("not json ({e}): {answer}"));
    assert_eq!(json["error"]["code"], "upload_too_large");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_upload_is_cut_off_with_408() {
    let server = start(config()).await;
    let addr = server.addr;
    let boundary = "yanbaoSlowTest";
    let head = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"slow.txt\"\r\nContent-Type: text/plain\r\n\r\n");
    let length = head.len() + 10_000;
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(upload_head(&server.token, length, boundary).as_bytes()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    // Ten bytes every 100 ms: the whole body would take 100 s.
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < LIMIT + SLACK {
        let _ = stream.write_all(b"0123456789").await;
        match tokio::time::timeout(Duration::from_millis(100), stream.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {}
        }
    }
    let took = started.elapsed();
    let (status, body) = parse(&answer);
    assert_eq!(status, 408, "a trickled upload after {took:?}: {}", String::from_utf8_lossy(&answer));
    assert!(body.contains("\"request_timeout\""), "{body}");
    assert!(took < LIMIT + SLACK, "cut off after {took:?}");
    // Meanwhile and after, others are served.
    assert_eq!(normal_search(addr).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stops_promptly_with_an_idle_connection_open() {
    let mut server = start(ServerConfig { header_read_timeout: Duration::from_secs(60), ..config() }).await;
    let mut idle = TcpStream::connect(server.addr).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n").await.unwrap();
    let mut buf = [0u8; 1024];
    let n = idle.read(&mut buf).await.unwrap();
    assert_eq!(parse(&buf[..n]).0, 200);
    // The connection is kept alive and idle; a stop closes it and the server returns.
    let _ = server.stop.take().unwrap().send(());
    let served = tokio::time::timeout(SLACK, &mut server.served).await.expect("the server did not stop with an idle connection open");
    served.unwrap().unwrap();
    assert!(closed_within(&mut idle, Duration::from_secs(1)).await);
}
