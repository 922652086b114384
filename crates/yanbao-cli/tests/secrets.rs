//! What a running server answers and logs never gives away what it keeps or how it is built:
//! API tokens and share-link signatures stay out of its log, even at the most verbose level, and
//! no answer — to good requests, hostile ones or a file that makes the parser fail — shows a
//! file path of the data folder, of the source tree or of a temporary upload, or a stack trace.
//! The server is the real binary, its log its real stderr.

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn yanbao(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yanbao"))
        .arg("--data")
        .arg(data)
        .args(args)
        .output()
        .expect("run yanbao")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// The JSON a `--json` command printed.
fn json_of(output: &Output) -> serde_json::Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

/// `yanbao serve` with every log target at `trace`, its stderr written to `log`.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(data: &Path, log: &Path) -> Server {
        let child = Command::new(env!("CARGO_BIN_EXE_yanbao"))
            .arg("--data")
            .arg(data)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .env("YANBAO_LOG", "trace")
            .stdout(Stdio::null())
            .stderr(Stdio::from(File::create(log).unwrap()))
            .spawn()
            .unwrap();
        let started = Instant::now();
        let addr = loop {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            if let Some(rest) = text.split("yanbao: serving on http://").nth(1) {
                break rest.lines().next().unwrap().trim().to_string();
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the server did not start: {text}"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        Server { child, addr }
    }

    /// The whole answer (status line, headers, body) to one raw request.
    fn send(&self, request: &[u8]) -> String {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// `GET target` with extra header lines.
    fn get(&self, target: &str, headers: &str) -> String {
        self.send(
            format!(
                "GET {target} HTTP/1.1\r\nHost: {}\r\n{headers}Connection: close\r\n\r\n",
                self.addr
            )
            .as_bytes(),
        )
    }

    /// `POST /api/reports` with one file part.
    fn upload(&self, token: &str, name: &str, media_type: &str, bytes: &[u8]) -> String {
        let boundary = "yanbao-test-boundary";
        let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: {media_type}\r\n\r\n").into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = format!(
            "POST /api/reports HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            self.addr,
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        self.send(&request)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first `chars` characters of an answer, for a failure message.
fn head(answer: &str, chars: usize) -> String {
    answer.chars().take(chars).collect()
}

#[test]
fn tokens_and_signatures_stay_out_of_the_log_and_answers_show_no_paths_or_stack_traces() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let seed = repo().join("samples/seed_中美元首视频会晤.txt");
    let ingested = json_of(&yanbao(
        &data,
        &["--json", "ingest", seed.to_str().unwrap()],
    ));
    let id = ingested
        .to_string()
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the ingest names the report's id")
        .to_string();
    let token = json_of(&yanbao(
        &data,
        &["--json", "token", "create", "secrets-test"],
    ))["token"]
        .as_str()
        .unwrap()
        .to_string();
    let link = json_of(&yanbao(&data, &["--json", "share", &id, "--hours", "2"]))["url"]
        .as_str()
        .unwrap()
        .to_string();
    let full_target = &link[link.find("/reports/").unwrap()..];
    let sig = full_target.split("sig=").nth(1).unwrap().to_string();
    assert!(
        token.len() >= 20 && sig.len() >= 20,
        "secrets too short to test: {token} {sig}"
    );

    let log = dir.path().join("serve.log");
    let server = Server::start(&data, &log);
    let bearer = format!("Authorization: Bearer {token}\r\n");
    let mut answers = vec![
        server.get("/api/search?q=%E5%85%B3%E7%A8%8E", &bearer),
        server.get(&format!("/api/reports/{id}"), &bearer),
        server.get(&format!("/reports/{id}/full"), &bearer),
        server.get(full_target, ""),
        server.get(&full_target.replace("/full", "").replace("/reports/", "/api/reports/"), ""),
        server.get(&format!("/api/reports/{id}"), "Authorization: Bearer yb_not_a_real_token_0123456789\r\n"),
        server.get(&format!("/reports/{id}/full?exp=1&sig={sig}"), ""),
        server.send(format!("POST /api/reports/{id}/share?hours=1 HTTP/1.1\r\nHost: x\r\n{bearer}Content-Length: 0\r\nConnection: close\r\n\r\n").as_bytes()),
        // Hostile paths and queries.
        server.get("/reports/..%2F..%2F..%2Fetc%2Fpasswd", ""),
        server.get("/api/reports/%00%FF", ""),
        server.get(&format!("/api/reports/{}", "9".repeat(5000)), ""),
        server.get("/static/../../Cargo.toml", ""),
        server.get("/api/search?q=%FF%FE%00", ""),
        server.get("/api/search?q=%22(((%5B%5B", ""),
        server.get("/api/timeline?from=9999-99-99", ""),
        server.get("/api/entities/%2e%2e%2f%2e%2e", ""),
        server.get("/nowhere", ""),
    ];
    // Uploads the parser refuses: a PDF that is no PDF (parsed in an isolated worker from a
    // temporary file), binary junk, an empty-looking text.
    answers.push(server.upload(
        &token,
        "broken.pdf",
        "application/pdf",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF-not-really",
    ));
    answers.push(server.upload(
        &token,
        "junk.bin",
        "application/octet-stream",
        &[0u8, 159, 146, 150, 255, 0, 1, 2],
    ));
    answers.push(server.upload(&token, "blank.txt", "text/plain", b" \n\t\n"));
    answers.push(server.upload(
        &token,
        "../../etc/passwd.md",
        "text/markdown",
        "# 标题\n\n正文一段。".as_bytes(),
    ));
    drop(server);

    // The answers were real: the token opened the full text, the share link too.
    assert!(
        answers[1].starts_with("HTTP/1.1 200"),
        "{}",
        head(&answers[1], 300)
    );
    assert!(
        answers[3].starts_with("HTTP/1.1 200"),
        "{}",
        head(&answers[3], 300)
    );
    assert!(
        answers[5].starts_with("HTTP/1.1 401") || answers[5].starts_with("HTTP/1.1 403"),
        "{}",
        answers[5]
    );
    assert!(
        answers[17].starts_with("HTTP/1.1 422"),
        "the broken PDF was not refused: {}",
        answers[17]
    );

    let temp = std::env::temp_dir().display().to_string();
    let forbidden = [
        data.display().to_string(),
        dir.path().display().to_string(),
        repo().display().to_string(),
        format!("{temp}/"),
        "yanbao-upload-".to_string(),
        "panicked".to_string(),
        "RUST_BACKTRACE".to_string(),
        "stack backtrace".to_string(),
        ".rs:".to_string(),
        "library.sqlite".to_string(),
    ];
    for answer in &answers {
        assert!(
            !answer.starts_with("HTTP/1.1 5"),
            "a server error: {answer}"
        );
        for needle in &forbidden {
            assert!(
                !answer.contains(needle.as_str()),
                "an answer shows {needle:?}: {}",
                head(answer, 2000)
            );
        }
        assert!(
            !answer.contains(&token),
            "an answer shows the API token: {}",
            head(answer, 2000)
        );
    }

    let logged = std::fs::read_to_string(&log).unwrap();
    // The log was written at its most verbose: a line per routed request with its id, at least.
    let request_lines = logged
        .lines()
        .filter(|line| line.contains("request_id"))
        .count();
    assert!(
        request_lines >= 15,
        "{request_lines} request lines for {} requests:\n{logged}",
        answers.len()
    );
    assert!(!logged.contains(&token), "the API token is in the log");
    assert!(
        !logged.contains(&sig),
        "a share link's signature is in the log"
    );
    assert!(
        !logged.contains("yb_not_a_real_token_0123456789"),
        "a refused token is in the log"
    );
}
