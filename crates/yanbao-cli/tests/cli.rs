//! The `yanbao` binary as a user runs it: exit codes, one-line errors, JSON output, and a batch
//! killed halfway that leaves the library consistent.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The generated PDFs of the engine's hostile-input tests (one PDF writer for every test).
#[path = "../../yanbao-engine/tests/hostile_files/mod.rs"]
mod hostile_files;
use hostile_files::scanned_pdf;

/// The engine's company notes: 紫金矿业 from two brokers (one note in Markdown each).
#[path = "../../yanbao-engine/tests/company_notes/mod.rs"]
mod company_notes;

fn yanbao(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_yanbao")).arg("--data").arg(data).args(args).output().expect("run yanbao")
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn seed() -> PathBuf {
    repo().join("samples/seed_中美元首视频会晤.txt")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_lists_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let out = yanbao(dir.path(), &["--help"]);
    assert!(out.status.success());
    let help = stdout(&out);
    for command in ["ingest", "parse", "show", "search", "timeline", "remove", "export", "stats", "reindex", "serve", "token"] {
        assert!(help.contains(command), "--help lacks {command}");
    }
    assert!(!help.contains("parse-worker"), "internal commands stay hidden");
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(yanbao(dir.path(), &["search"]).status.code(), Some(2));
    assert_eq!(yanbao(dir.path(), &["frobnicate"]).status.code(), Some(2));
    assert_eq!(yanbao(dir.path(), &["search", "x", "--in", "nowhere"]).status.code(), Some(2));
}

#[test]
fn parse_prints_the_seed_as_json_without_storing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = yanbao(&data, &["parse", seed().to_str().unwrap(), "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["publisher"], "财新网");
    assert_eq!(report["preview"]["full_report_url"], "https://www.yunbaogao.cn/report/index/report?reportId=1_29530");
    assert_eq!(report["tables"][0]["rows"].as_array().unwrap().len(), 13);
    let md = yanbao(&data, &["parse", seed().to_str().unwrap(), "--format", "md"]);
    assert!(stdout(&md).contains("| 时间 | 事件 |"));
}

#[test]
fn ingest_reports_each_file_and_exits_1_when_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy(seed(), inputs.join("seed.txt")).unwrap();
    std::fs::write(inputs.join("junk.md"), [0u8, 0xff, 0xfe, 0, 7, 0].repeat(64)).unwrap();
    let data = dir.path().join("data");
    let out = yanbao(&data, &["ingest", inputs.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = stdout(&out);
    assert_eq!(lines.lines().filter(|l| !l.starts_with('\t')).count(), 2, "{lines}");
    assert!(lines.contains("\tadded\t"), "{lines}");
    assert!(lines.contains("\tfailed\t") && lines.contains("junk.md"), "{lines}");

    let again = yanbao(&data, &["ingest", seed().to_str().unwrap()]);
    assert!(again.status.success());
    assert!(stdout(&again).contains("\tunchanged\t"));

    let search = yanbao(&data, &["--json", "search", "关税排除", "--in", "paragraphs"]);
    assert!(search.status.success(), "{}", stderr(&search));
    let response: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(response["total"].as_u64().unwrap() > 0);
    assert!(response["hits"][0]["snippet"].as_str().unwrap().contains("<mark>"));

    let missing = yanbao(&data, &["show", "0123456789abcdef"]);
    assert_eq!(missing.status.code(), Some(1));
    let error = stderr(&missing);
    assert_eq!(error.trim().lines().count(), 1, "one-line error: {error}");
    assert!(error.contains("no report with id"));
}

#[test]
fn timeline_prints_the_seed_table_in_date_order() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(yanbao(&data, &["ingest", seed().to_str().unwrap()]).status.success());
    let out = yanbao(&data, &["--json", "timeline", "--from", "2021-09-01", "--to", "2021-11-30"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let entries: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let dates: Vec<&str> = entries.iter().map(|e| e["date"].as_str().unwrap()).collect();
    for want in ["2021-09-10", "2021-09-25", "2021-10-05", "2021-11-13", "2021-11-16"] {
        assert!(dates.contains(&want), "{want} missing from {dates:?}");
    }
    assert!(dates.windows(2).all(|w| w[0] <= w[1]));
}

/// 3,000 pseudo-random Han characters in sentences, different for every `n`.
fn own_text(n: u32) -> String {
    let mut state = n.wrapping_mul(2_654_435_761).wrapping_add(12_345);
    let mut text = String::new();
    for i in 0..3_000u32 {
        state = state.wrapping_mul(1_103_515_245).wrapping_add(12_345);
        text.push(char::from_u32(0x4E00 + (state >> 16) % 0x5000).unwrap_or('字'));
        if i % 60 == 59 {
            text.push_str("。\n\n");
        }
    }
    text
}

#[test]
fn a_batch_killed_halfway_leaves_store_and_index_in_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    let seed_text = std::fs::read_to_string(seed()).unwrap();
    // Many different reports (not near-copies, which would be recognised as one report), large
    // enough that the batch takes a while: the seed plus text of its own for each.
    for n in 0..400u32 {
        let body = format!("# 报告 {n}\n\n{}\n\n{}\n", seed_text.replace("预览已结束", "预览"), own_text(n));
        std::fs::write(inputs.join(format!("r{n:03}.md")), body).unwrap();
    }
    let data = dir.path().join("data");
    let sqlite = data.join("library.sqlite");
    let stored_bytes = || -> u64 {
        // WAL mode: committed reports first land in the -wal file.
        [sqlite.clone(), data.join("library.sqlite-wal")].iter().map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)).sum()
    };
    // An empty library first: its size (the schema, which grows with the store's tables) is
    // what "some reports are stored" is measured from.
    assert!(yanbao(&data, &["stats"]).status.success());
    let empty = stored_bytes();
    let mut child = Command::new(env!("CARGO_BIN_EXE_yanbao"))
        .arg("--data")
        .arg(&data)
        .arg("ingest")
        .arg(&inputs)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Kill once some reports are stored but before the batch ends.
    let started = Instant::now();
    loop {
        std::thread::sleep(Duration::from_millis(20));
        if stored_bytes() > empty + 200_000 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();

    // Next start: every stored report is whole, and the index agrees with the store.
    let out = yanbao(&data, &["--json", "stats"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let reports = stats["reports"].as_u64().unwrap();
    assert!(reports > 0, "nothing was stored before the kill");
    assert!(reports < 400, "the batch finished before it was killed: the test proves nothing");
    assert_eq!(stats["indexed_reports"].as_u64().unwrap(), reports);
    let export = yanbao(&data, &["export"]);
    assert!(export.status.success());
    let lines: Vec<serde_json::Value> = stdout(&export).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len() as u64, reports);
    assert!(lines.iter().all(|r| r["tables"][0]["rows"].as_array().map(|rows| rows.len()) == Some(13)));

    // Finishing the batch afterwards adds exactly the rest.
    let rest = yanbao(&data, &["ingest", inputs.to_str().unwrap()]);
    assert!(rest.status.success(), "{}", stderr(&rest));
    let stats: serde_json::Value = serde_json::from_slice(&yanbao(&data, &["--json", "stats"]).stdout).unwrap();
    assert_eq!(stats["reports"].as_u64(), Some(400));
    assert_eq!(stats["indexed_reports"].as_u64(), Some(400));
}

/// Whether PDFium is installed where the binary looks for it (scripts/setup-pdfium.sh).
fn pdfium_installed() -> bool {
    let installed = std::env::var_os("YANBAO_PDFIUM").is_some() || repo().join(".tools/pdfium/libpdfium.so").is_file();
    if !installed {
        println!("skipped: PDFium is not installed (run scripts/setup-pdfium.sh)");
    }
    installed
}

/// Asserts that a parse of a scan exits 0, keeps stdout for the report and says on stderr that
/// the file has no text layer and no title.
fn assert_scan_warnings(out: &Output, file: &str) {
    assert!(out.status.success(), "a scan is read (with warnings), not refused: {}", stderr(out));
    let err = stderr(out);
    assert!(err.contains(&format!("warning: {file}: no text layer")), "{err}");
    assert!(err.contains(&format!("warning: {file}: no title found")), "{err}");
    assert!(!stdout(out).contains("warning:"), "warnings stay off stdout: {}", stdout(out));
}

#[test]
fn parse_of_a_scan_warns_on_stderr_in_every_format() {
    if !pdfium_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.pdf");
    std::fs::write(&scan, scanned_pdf()).unwrap();
    let file = scan.to_str().unwrap();
    for args in [vec!["parse", file, "--format", "text"], vec!["parse", file, "--format", "md"], vec!["parse", file], vec!["--json", "parse", file]] {
        let out = yanbao(&dir.path().join("data"), &args);
        assert_scan_warnings(&out, file);
        if !args.contains(&"text") && !args.contains(&"md") {
            let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is the report JSON alone");
            assert!(report["warnings"].as_array().unwrap().iter().any(|w| w.as_str().unwrap().starts_with("no text layer")));
        }
    }
    // The text forms still print the (empty) report, titled with the file name.
    let text = yanbao(&dir.path().join("data"), &["parse", file, "--format", "text"]);
    assert!(stdout(&text).contains("scan"), "{}", stdout(&text));
    assert!(!dir.path().join("data").exists(), "parse stores nothing");

    // Ingest: one result line per file on stdout, the warnings on stderr, exit 0 (stored).
    let ingest = yanbao(&dir.path().join("data"), &["ingest", file]);
    assert!(ingest.status.success(), "{}", stderr(&ingest));
    assert_eq!(stdout(&ingest).lines().count(), 1, "{}", stdout(&ingest));
    assert!(stdout(&ingest).contains("\tadded\t"));
    assert!(stderr(&ingest).contains(&format!("warning: {file}: no text layer")), "{}", stderr(&ingest));
}

#[test]
fn parse_of_the_scanned_corpus_file_warns_on_stderr() {
    let scan = repo().join("../shared/corpus/pdf/en_qp_scanned_varcov_jf94-1994.pdf");
    if !scan.is_file() {
        println!("skipped: {} is absent (the shared corpus is not here)", scan.display());
        return;
    }
    if !pdfium_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = scan.to_str().unwrap();
    // Without OCR (reading its 27 pages takes minutes: the OCR tests use a 3-page scan).
    for args in [vec!["parse", file, "--format", "text", "--ocr", "never"], vec!["--json", "parse", file, "--ocr", "never"]] {
        assert_scan_warnings(&yanbao(&dir.path().join("data"), &args), file);
    }
}

#[test]
fn export_dash_o_dash_writes_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(yanbao(&data, &["ingest", seed().to_str().unwrap()]).status.success());
    let run_in = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_yanbao")).current_dir(dir.path()).arg("--data").arg(&data).args(args).output().expect("run yanbao")
    };
    let out = run_in(&["export", "-o", "-"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).expect("one JSON report a line")).collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["publisher"], "财新网");
    assert!(!dir.path().join("-").exists(), "-o - must not create a file named -");
    assert!(stderr(&out).contains("exported 1 reports"));

    let to_file = run_in(&["export", "--output", "all.jsonl"]);
    assert!(to_file.status.success(), "{}", stderr(&to_file));
    assert!(stdout(&to_file).is_empty());
    assert_eq!(std::fs::read_to_string(dir.path().join("all.jsonl")).unwrap().lines().count(), 1);
}

#[test]
fn company_prints_an_overview_csv_and_json_and_one_line_when_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).unwrap();
    company_notes::write_notes(&inputs, false);
    let data = dir.path().join("data");
    let ingest = yanbao(&data, &["ingest", inputs.to_str().unwrap()]);
    assert!(ingest.status.success(), "{}", stderr(&ingest));

    let text = yanbao(&data, &["company", "紫金矿业"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let text = stdout(&text);
    assert!(text.starts_with("紫金矿业 601899.SH"), "{text}");
    assert!(text.contains("买入（上调）") && text.contains("median 1.05") && text.contains("(2 brokers)"), "{text}");

    let csv = stdout(&yanbao(&data, &["company", "601899.SH", "--csv"]));
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows[0], "report_id,date,broker,rating,action,target_price,currency,year,metric,value,unit");
    assert_eq!(rows.len(), 1 + 3 * 6, "three notes of six forecasts each: {csv}");
    assert!(rows[1].contains(",2024-03-25,华鑫证券,买入,上调,17,CNY,2024,"), "{}", rows[1]);

    let json: serde_json::Value = serde_json::from_slice(&yanbao(&data, &["company", "601899", "--json"]).stdout).unwrap();
    assert_eq!(json["company"]["code"], "601899");
    assert_eq!(json["ratings"].as_array().unwrap().len(), 3);

    let unknown = yanbao(&data, &["company", "宁德时代"]);
    assert_eq!(unknown.status.code(), Some(1));
    let message = stderr(&unknown);
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(message.starts_with("error: no company \"宁德时代\""), "{message}");
}

#[test]
fn backup_and_restore_bring_a_library_back_and_refuse_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    assert!(yanbao(&data, &["ingest", seed().to_str().unwrap()]).status.success());
    let original = stdout(&yanbao(&data, &["export"]));

    let backup = dir.path().join("backup");
    let out = yanbao(&data, &["--json", "backup", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["reports"], 1);
    assert_eq!(summary["format"], "yanbao-backup");

    let restored = dir.path().join("restored");
    let out = yanbao(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("restored 1 reports"), "{}", stdout(&out));
    assert_eq!(stdout(&yanbao(&restored, &["export"])), original);
    let search = yanbao(&restored, &["--json", "search", "关税排除", "--in", "paragraphs"]);
    assert!(search.status.success());
    let hits: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(hits["total"].as_u64().unwrap() > 0, "{hits}");

    // A library there already: refused in one line, unless --force.
    let out = yanbao(&restored, &["restore", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let error = stderr(&out);
    assert_eq!(error.trim().lines().count(), 1, "{error}");
    assert!(error.starts_with("error: restore failed:") && error.contains("--force"), "{error}");
    let out = yanbao(&restored, &["--json", "restore", "--force", backup.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["replaced"], true);

    // No backup there; a backup of a folder with no library; a shared store.
    let out = yanbao(&dir.path().join("fresh"), &["restore", dir.path().join("nowhere").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no such backup folder"), "{}", stderr(&out));
    let out = yanbao(&dir.path().join("empty"), &["backup", dir.path().join("b2").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no library here"), "{}", stderr(&out));
    let out = yanbao(&data, &["--db", "postgres://nobody@127.0.0.1:1/none", "backup", dir.path().join("b3").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let error = stderr(&out);
    assert_eq!(error.trim().lines().count(), 1, "{error}");
    assert!(error.contains("pg_dump"), "{error}");
    assert!(!dir.path().join("b3").exists());
}

#[test]
fn render_draws_every_page_and_chart_once_through_the_pdf_worker() {
    if !pdfium_installed() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let charts = repo().join("crates/yanbao-server/tests/fixtures/charts.pdf");
    assert!(yanbao(dir.path(), &["ingest", charts.to_str().unwrap(), seed().to_str().unwrap()]).status.success());
    let out = yanbao(dir.path(), &["--json", "render"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    // 3 pages and 3 charts, each with its thumbnail; the seed is text and has none.
    assert_eq!(summary["reports"], 1, "{summary}");
    assert_eq!(summary["pictures"], 12, "{summary}");
    assert_eq!(summary["failed"].as_array().map(Vec::len), Some(0), "{summary}");
    let again = yanbao(dir.path(), &["render"]);
    assert!(again.status.success());
    assert_eq!(stdout(&again).trim(), "drew 0 pictures of 1 pdf reports", "pictures already made are kept");
    let unknown = yanbao(dir.path(), &["render", "0000000000000000"]);
    assert!(!unknown.status.success());
    assert_eq!(stderr(&unknown).trim(), "error: no report with id 0000000000000000");
}
