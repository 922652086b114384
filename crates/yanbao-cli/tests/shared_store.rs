//! A shared library as a team runs it, every part a separate `yanbao` process on loopback:
//! PostgreSQL as the store, two `yanbao serve` nodes with their own search index, ingests from
//! a third process. What one ingest adds, both nodes find; a node killed with SIGKILL and
//! restarted catches up; both answer alike. Runs when `YANBAO_TEST_POSTGRES` holds a URL.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use yanbao_store::testing::{scratch_or_skip, text_sample_files as samples};

fn yanbao(db: &str, data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yanbao")).arg("--db").arg(db).arg("--data").arg(data).args(args).output().expect("run yanbao")
}

/// A `yanbao serve` node; killed with SIGKILL when dropped.
struct Node {
    child: Child,
    addr: String,
}

impl Node {
    fn start(db: &str, data: &Path) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_yanbao"))
            .arg("--db")
            .arg(db)
            .arg("--data")
            .arg(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("the node printed its address").unwrap();
            if let Some(addr) = line.strip_prefix("yanbao: serving on http://") {
                break addr.trim().to_string();
            }
        };
        // Keep draining its log so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Node { child, addr }
    }

    /// The body of `GET path`.
    fn get(&self, path: &str) -> String {
        http_get(&self.addr, path)
    }

    /// The report ids of `GET /api/search` for `query` (paragraphs, up to 20).
    fn search(&self, query: &str) -> Vec<String> {
        let encoded: String = query.bytes().map(|b| format!("%{b:02X}")).collect();
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        write!(stream, "GET /api/search?q={encoded}&in=paragraphs&limit=20 HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", self.addr).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let body = response.split_once("\r\n\r\n").map(|(_, body)| body).unwrap_or("");
        let json: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {response}"));
        json["hits"].as_array().unwrap().iter().map(|hit| hit["report_id"].as_str().unwrap().to_string()).collect()
    }
}

/// The body of `GET path` from `addr` (HTTP/1.1, connection closed after).
fn http_get(addr: &str, path: &str) -> String {
    let Ok(mut stream) = TcpStream::connect(addr) else { return String::new() };
    let _ = write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default()
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `check` until it holds or `limit` passes; returns how long it took.
fn until(limit: Duration, mut check: impl FnMut() -> bool) -> Option<Duration> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check() {
            return Some(started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    None
}

#[test]
fn two_nodes_follow_ingests_from_elsewhere_and_survive_a_kill() {
    let Some(db) = scratch_or_skip("cli_nodes") else { return };
    let dir = tempfile::tempdir().unwrap();
    let (data_a, data_b, data_worker) = (dir.path().join("a"), dir.path().join("b"), dir.path().join("worker"));
    let files = samples();
    let paths = |files: &[PathBuf]| files.iter().map(|f| f.to_str().unwrap().to_string()).collect::<Vec<_>>();

    let first = yanbao(&db.url, &data_worker, &[&["ingest".to_string()][..], &paths(&files[..2])].concat().iter().map(String::as_str).collect::<Vec<_>>());
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let a = Node::start(&db.url, &data_a);
    let mut b = Node::start(&db.url, &data_b);
    let queries = ["关税排除", "晶圆代工", "新能源汽车", "美联储", "舍得"];

    // Ingested by another process: both nodes find it, without a restart.
    let rest = yanbao(&db.url, &data_worker, &[&["ingest".to_string()][..], &paths(&files[2..])].concat().iter().map(String::as_str).collect::<Vec<_>>());
    assert!(rest.status.success(), "{}", String::from_utf8_lossy(&rest.stderr));
    for node in [&a, &b] {
        let seen = until(Duration::from_secs(20), || queries.iter().all(|q| !node.search(q).is_empty()));
        assert!(seen.is_some(), "node {} never found the new reports", node.addr);
    }

    // Node B killed (SIGKILL); a report removed meanwhile; B restarted catches up.
    drop(b);
    let removed = a.search("晶圆代工")[0].clone();
    let out = yanbao(&db.url, &data_worker, &["remove", &removed]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    b = Node::start(&db.url, &data_b);
    assert!(until(Duration::from_secs(20), || !a.search("晶圆代工").contains(&removed)).is_some());
    for query in queries {
        assert_eq!(a.search(query), b.search(query), "{query}");
    }
    assert!(!b.search("晶圆代工").contains(&removed));

    // What operators watch: requests per route, search latency, the replica's lag.
    let metrics = a.get("/metrics");
    for series in ["yanbao_http_requests_total{route=\"/api/search\"", "yanbao_http_request_duration_seconds_bucket{route=\"/api/search\"", "yanbao_search_seconds_count{scope=\"paragraphs\"}", "yanbao_replica_lag_changes 0", "yanbao_replica_changes_applied_total"] {
        assert!(metrics.contains(series), "{series} missing from:\n{metrics}");
    }

    // An upload through a node of a shared library is queued for the workers: 202 and a job to poll.
    let token_out = yanbao(&db.url, &data_worker, &["token", "create", "uploader"]);
    let token = String::from_utf8_lossy(&token_out.stdout).split_whitespace().find(|w| w.starts_with("yb_")).expect("a token").to_string();
    let boundary = "yanbaoboundary";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload.md\"\r\nContent-Type: text/markdown\r\n\r\n# 上传的报告\n\n钠离子电池产业化提速，上传测试段落。\r\n--{boundary}--\r\n");
    let mut stream = TcpStream::connect(&a.addr).unwrap();
    write!(stream, "POST /api/reports HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", a.addr, body.len()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 202"), "{response}");
    let queued: serde_json::Value = serde_json::from_str(response.split_once("\r\n\r\n").unwrap().1).unwrap();
    let job = queued["job"].as_i64().unwrap();
    let out = yanbao(&db.url, &data_worker, &["worker", "--until-empty"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut stream = TcpStream::connect(&a.addr).unwrap();
    write!(stream, "GET /api/jobs/{job} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n", a.addr).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status: serde_json::Value = serde_json::from_str(response.split_once("\r\n\r\n").unwrap().1).unwrap_or_else(|e| panic!("{e}: {response}"));
    assert_eq!((status["state"].as_str(), status["outcome"].as_str()), (Some("done"), Some("added")), "{status}");
    assert!(until(Duration::from_secs(20), || !a.search("钠离子电池").is_empty() && !b.search("钠离子电池").is_empty()).is_some());
    let anonymous: serde_json::Value = serde_json::from_str(&a.get("/api/jobs/1")).unwrap();
    assert!(anonymous["error"]["code"].is_string(), "an anonymous request gets a JSON error: {anonymous}");

    // The library as the CLI sees it through the shared store.
    let stats = yanbao(&db.url, &data_worker, &["--json", "stats"]);
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).unwrap();
    assert_eq!(stats["reports"].as_u64(), Some(files.len() as u64), "the samples less the removed one, plus the upload");
    assert!(stats["store_location"].as_str().unwrap().starts_with("postgres://"));
}

#[test]
fn a_wrong_db_url_is_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = yanbao("postgres://yanbao:s3cret@127.0.0.1:9/none", dir.path(), &["stats"]);
    assert!(!out.status.success());
    let error = String::from_utf8_lossy(&out.stderr);
    assert_eq!(error.trim().lines().count(), 1, "{error}");
    assert!(error.contains("cannot reach postgres://yanbao:***@127.0.0.1:9/none"), "{error}");
    let out = yanbao("mysql://x", dir.path(), &["stats"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--db takes a postgres:// URL"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `count` different Markdown reports made from the bundled samples' paragraphs (each its own
/// mix, so none is a copy of another), written to `dir`.
fn synthetic_reports(dir: &Path, count: usize) -> Vec<PathBuf> {
    let paragraphs: Vec<String> = samples()
        .iter()
        .flat_map(|f| std::fs::read_to_string(f).unwrap().split("\n\n").map(str::trim).filter(|p| p.chars().count() > 60).map(String::from).collect::<Vec<_>>())
        .collect();
    std::fs::create_dir_all(dir).unwrap();
    (0..count)
        .map(|n| {
            let body: Vec<&str> = (0..12).map(|k| paragraphs[(n * 7 + k * 13) % paragraphs.len()].as_str()).collect();
            let path = dir.join(format!("r{n:04}.md"));
            std::fs::write(&path, format!("# 合成报告 {n}：第{n}期行业跟踪\n\n{}\n\n编号 {n} 的结论段落，独有内容 {}。\n", body.join("\n\n"), n * 7919)).unwrap();
            path
        })
        .collect()
}

fn spawn_worker(db: &str, data: &Path, name: &str) -> Child {
    Command::new(env!("CARGO_BIN_EXE_yanbao"))
        .arg("--db")
        .arg(db)
        .arg("--data")
        .arg(data)
        .args(["worker", "--until-empty", "--lease", "3", "--name", name])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn workers_killed_mid_queue_lose_nothing_and_store_nothing_twice() {
    let Some(db) = scratch_or_skip("cli_workers") else { return };
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    let mut files = synthetic_reports(&inputs, 120);
    // Bad input costs one job: an empty file and binary junk.
    std::fs::write(inputs.join("empty.md"), b"").unwrap();
    std::fs::write(inputs.join("junk.txt"), (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect::<Vec<u8>>()).unwrap();
    files.push(inputs.join("empty.md"));
    let out = yanbao(&db.url, &dir.path().join("admin"), &["--json", "enqueue", inputs.to_str().unwrap()]);
    assert!(out.status.success() || out.status.code() == Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // Enqueued twice: the same bytes are the same jobs.
    let again = yanbao(&db.url, &dir.path().join("admin"), &["--json", "enqueue", inputs.to_str().unwrap()]);
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert!(again.as_array().unwrap().iter().all(|r| r["new"] == false || r["job"].is_null()));

    let node = Node::start(&db.url, &dir.path().join("node"));
    let mut one = spawn_worker(&db.url, &dir.path().join("w1"), "w1");
    let mut two = spawn_worker(&db.url, &dir.path().join("w2"), "w2");
    // Kill worker one with SIGKILL once some jobs are done, then start it again.
    let jobs = || -> serde_json::Value { serde_json::from_slice(&yanbao(&db.url, &dir.path().join("admin"), &["--json", "jobs", "--limit", "0"]).stdout).unwrap() };
    until(Duration::from_secs(120), || jobs()["counts"]["done"].as_u64().unwrap_or(0) >= 20);
    one.kill().unwrap();
    one.wait().unwrap();
    let mut one = spawn_worker(&db.url, &dir.path().join("w1"), "w1-again");
    assert!(one.wait().unwrap().success());
    assert!(two.wait().unwrap().success());
    // A job worker one held when it died returns once its lease runs out: finish the queue.
    let mut last = spawn_worker(&db.url, &dir.path().join("w1"), "w3");
    until(Duration::from_secs(60), || {
        let counts = jobs()["counts"].clone();
        counts["queued"].is_null() && counts["running"].is_null()
    });
    let _ = last.wait();
    let mut last = spawn_worker(&db.url, &dir.path().join("w1"), "w4");
    let _ = last.wait();

    let counts = jobs()["counts"].clone();
    assert!(counts["queued"].is_null() && counts["running"].is_null(), "{counts}");
    assert_eq!(counts["failed"].as_u64(), Some(2), "the empty file and the junk fail alone: {counts}");
    let stats: serde_json::Value = serde_json::from_slice(&yanbao(&db.url, &dir.path().join("admin"), &["--json", "stats"]).stdout).unwrap();
    assert_eq!(stats["reports"].as_u64(), Some(120), "every distinct report stored, none twice");
    // The serving node followed all of it.
    assert!(until(Duration::from_secs(30), || !node.search("合成报告").is_empty()).is_some());
    let lag: serde_json::Value = serde_json::from_slice(&yanbao(&db.url, &dir.path().join("node2"), &["--json", "stats"]).stdout).unwrap();
    assert_eq!(lag["indexed_reports"], stats["reports"]);
}

#[test]
fn a_worker_serves_its_metrics() {
    let Some(db) = scratch_or_skip("cli_worker_metrics") else { return };
    let dir = tempfile::tempdir().unwrap();
    let files = synthetic_reports(&dir.path().join("in"), 3);
    let out = yanbao(&db.url, dir.path(), &["enqueue", dir.path().join("in").to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let addr = format!("127.0.0.1:{port}");
    let mut worker = Command::new(env!("CARGO_BIN_EXE_yanbao"))
        .args(["--db", &db.url, "worker", "--name", "metered", "--metrics-addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let done = format!("yanbao_jobs_finished_total{{outcome=\"added\"}} {}", files.len());
    let seen = until(Duration::from_secs(60), || http_get(&addr, "/metrics").contains(&done));
    let metrics = http_get(&addr, "/metrics");
    let _ = worker.kill();
    let _ = worker.wait();
    assert!(seen.is_some(), "{done} missing from:\n{metrics}");
    assert!(metrics.contains("yanbao_jobs{state=\"done\"} 3"), "queue depth by state:\n{metrics}");
}
