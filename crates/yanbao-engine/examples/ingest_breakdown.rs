//! Where the CPU of a PDF ingest goes, stage by stage:
//! `ingest_breakdown [--runs N] [--worker YANBAO_EXE] [--dump DIR] [--json] PDF...`.
//!
//! Runs the stages of `yanbao ingest` one after another in this process, on the given PDFs (or
//! Markdown/text files: their parse is charged to `extract`), and
//! charges each stage the CPU time (user + system, all threads: `getrusage(RUSAGE_SELF)`) it
//! took:
//!
//! * `extract` — PDFium characters with boxes and fonts (`yanbao_pdf::debug_document`);
//! * `layout` — lines, running text, reading order, paragraphs, captions, cover
//!   (`Report::new_for_source` + `layout::build_report`);
//! * `json_out` / `json_in` — the worker → parent hand-off: the report serialised to JSON (what
//!   `yanbao pdf-worker` writes to its pipe) and read back (what the parent does);
//! * `knowledge` — events, entities, key numbers (`yanbao_knowledge::enrich`);
//! * `store` — the same-report check (fingerprint, band candidates) and the SQLite transaction
//!   (`Store::put`: report JSON, zstd, events, entities, bands, the source bytes);
//! * `index` — tantivy documents (jieba words + CJK grams) for every report, and the commit.
//!
//! Once-per-process costs are apart (`startup_*`: PDFium loading, the knowledge and index jieba
//! dictionaries). With `--worker`, each PDF is also parsed by `YANBAO_EXE pdf-worker` as
//! `yanbao ingest` does (one child process per PDF): `worker_total` is the CPU of those child
//! processes (exec, PDFium load, extract, layout, JSON out), `worker_overhead` what they cost
//! beyond extract + layout + json_out measured in-process.
//!
//! Each stage is timed over all files in one pass; with `--runs N` every pass is repeated N
//! times (fresh store and index each time) and the median of each stage is printed. With
//! `--dump DIR`, the enriched report of each PDF is written to `DIR/NAME.json` (to check that a
//! speed-up changed nothing: compare two dumps byte for byte).
use std::path::PathBuf;

use yanbao_model::{fingerprint, fingerprint_bands, same_report, Identity, Report};
use yanbao_store::prelude::*;
use yanbao_store::SqliteStore;

/// CPU seconds (user + system) of `who` (`RUSAGE_SELF` or `RUSAGE_CHILDREN`).
fn cpu(who: libc::c_int) -> f64 {
    // SAFETY: getrusage writes into the zeroed struct we own.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(who, &mut usage) };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

fn self_cpu() -> f64 {
    cpu(libc::RUSAGE_SELF)
}

const STAGES: [&str; 7] = ["extract", "layout", "json_out", "json_in", "knowledge", "store", "index"];

struct Pass {
    stages: [f64; 7],
    worker_total: Option<f64>,
    pages: usize,
    chars: usize,
    json_bytes: usize,
}

fn one_pass(files: &[(PathBuf, Vec<u8>)], worker: Option<&PathBuf>, dump: Option<&PathBuf>) -> Pass {
    let mut stages = [0f64; 7];
    let (mut pages, mut chars, mut json_bytes) = (0, 0, 0);
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = SqliteStore::open(&dir.path().join("library.sqlite")).expect("store");
    let index = yanbao_index::SearchIndex::open(&dir.path().join("index")).expect("index");
    let policy = yanbao_engine::PreviewPolicy::default();
    let mut reports: Vec<Report> = Vec::new();
    for (path, bytes) in files {
        let name = path.display().to_string();
        let t0 = self_cpu();
        let is_pdf = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
        let (report, t1, t2) = if is_pdf {
            let document = match yanbao_pdf::debug_document(bytes) {
                Ok(document) => document,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    continue;
                }
            };
            let t1 = self_cpu();
            let mut report = Report::new_for_source(bytes, &name, "application/pdf");
            report.source.pages = Some(document.page_count as u32);
            yanbao_pdf::layout::build_report(&document, &mut report);
            let t2 = self_cpu();
            pages += document.page_count;
            (report, t1, t2)
        } else {
            // Text and Markdown: reading and structuring are one step, charged to `extract`.
            let report = match yanbao_text::parse_text(bytes, &name) {
                Ok(report) => report,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    continue;
                }
            };
            let t1 = self_cpu();
            (report, t1, t1)
        };
        chars += report.blocks.iter().map(|b| b.text.chars().count()).sum::<usize>();
        let t3 = self_cpu();
        let json = serde_json::to_vec(&report).expect("report json");
        let t4 = self_cpu();
        let mut report: Report = serde_json::from_slice(&json).expect("report json back");
        let t5 = self_cpu();
        json_bytes += json.len();
        drop(json);
        let t6 = self_cpu();
        yanbao_knowledge::enrich(&mut report);
        let t7 = self_cpu();
        // What `Library::store_report` does before indexing.
        let print = fingerprint(&report);
        if !print.is_empty() {
            let identity = Identity::of(&report, &print);
            let candidates = store.copy_candidates(&fingerprint_bands(&print)).expect("candidates");
            let _copy = candidates.iter().any(|c| c.id != report.id && same_report(&identity, &c.identity()));
        }
        store.put(&report, Some(bytes)).expect("put");
        let t8 = self_cpu();
        stages[0] += t1 - t0;
        stages[1] += t2 - t1;
        stages[2] += t4 - t3;
        stages[3] += t5 - t4;
        stages[4] += t7 - t6;
        stages[5] += t8 - t7;
        if let Some(dir) = dump {
            let file = dir.join(format!("{}.json", path.file_stem().unwrap_or_default().to_string_lossy()));
            let mut pretty = serde_json::to_value(&report).expect("report json");
            // The source path and the time are not the parser's output.
            pretty["source"]["path"] = "".into();
            std::fs::write(file, serde_json::to_string_pretty(&pretty).expect("json")).expect("dump");
        }
        reports.push(report);
    }
    // Indexing last and on its own: tantivy's indexing threads work after add_document returns.
    let t0 = self_cpu();
    for report in &reports {
        let shown = yanbao_engine::preview::cut(report, &policy).shown;
        index.add_report(report, &shown).expect("index");
    }
    index.commit().expect("commit");
    stages[6] = self_cpu() - t0;
    let worker_total = worker.map(|exe| {
        let c0 = cpu(libc::RUSAGE_CHILDREN);
        for (path, _) in files {
            // What ingest does: one `pdf-worker` process per PDF, its request on stdin.
            let options = yanbao_engine::ParseOptions { isolation: yanbao_engine::Isolation::Worker { exe: exe.clone() }, ..Default::default() };
            if let Err(e) = yanbao_engine::pdf_worker::parse(exe, path, &options) {
                eprintln!("{}: pdf-worker failed: {e}", path.display());
            }
        }
        cpu(libc::RUSAGE_CHILDREN) - c0
    });
    Pass { stages, worker_total, pages, chars, json_bytes }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let mut runs = 3usize;
    let mut json = false;
    let mut worker: Option<PathBuf> = None;
    let mut dump: Option<PathBuf> = None;
    let mut paths: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(3).max(1),
            "--worker" => worker = args.next().map(PathBuf::from),
            "--dump" => dump = args.next().map(PathBuf::from),
            "--json" => json = true,
            _ => {
                let path = PathBuf::from(&arg);
                if path.is_dir() {
                    let mut found: Vec<PathBuf> = std::fs::read_dir(&path)
                        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "pdf" || e == "md" || e == "txt")).collect())
                        .unwrap_or_default();
                    found.sort();
                    paths.extend(found);
                } else {
                    paths.push(path);
                }
            }
        }
    }
    let files: Vec<(PathBuf, Vec<u8>)> = paths.into_iter().filter_map(|p| std::fs::read(&p).ok().map(|b| (p, b))).collect();

    // Once-per-process costs, each paid by `yanbao ingest` (PDFium once per worker process).
    let t0 = self_cpu();
    if let Err(e) = yanbao_pdf::pdfium_status() {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    let t1 = self_cpu();
    let mut warm = Report { title: "预热".into(), ..Report::default() };
    warm.blocks.push(yanbao_model::Block { text: "2021年9月25日，华为公司发布了新产品。".into(), ..yanbao_model::Block::default() });
    yanbao_knowledge::enrich(&mut warm);
    let t2 = self_cpu();
    yanbao_index::tokenize::warm_up();
    let t3 = self_cpu();
    let startup = [("startup_pdfium", t1 - t0), ("startup_knowledge_jieba", t2 - t1), ("startup_index_jieba", t3 - t2)];

    if let Some(dir) = &dump {
        std::fs::create_dir_all(dir).expect("dump folder");
    }
    let passes: Vec<Pass> = (0..runs).map(|run| one_pass(&files, worker.as_ref(), dump.as_ref().filter(|_| run == 0))).collect();
    let stage = |i: usize| median(passes.iter().map(|p| p.stages[i]).collect());
    let medians: Vec<(&str, f64)> = STAGES.iter().enumerate().map(|(i, name)| (*name, stage(i))).collect();
    let total: f64 = medians.iter().map(|(_, s)| s).sum();
    let worker_total = worker.as_ref().map(|_| median(passes.iter().map(|p| p.worker_total.unwrap_or(0.0)).collect()));
    let first = &passes[0];
    if json {
        let mut out = serde_json::Map::new();
        out.insert("files".into(), files.len().into());
        out.insert("pages".into(), first.pages.into());
        out.insert("block_chars".into(), first.chars.into());
        out.insert("json_bytes".into(), first.json_bytes.into());
        out.insert("runs".into(), runs.into());
        for (name, seconds) in startup.iter().chain(medians.iter()) {
            out.insert((*name).into(), (*seconds).into());
        }
        out.insert("stages_total".into(), total.into());
        if let Some(w) = worker_total {
            out.insert("worker_total".into(), w.into());
            out.insert("worker_overhead".into(), (w - medians[0].1 - medians[1].1 - medians[2].1).into());
        }
        println!("{}", serde_json::Value::Object(out));
    } else {
        println!("{} files, {} pages, {} block characters, {} bytes of report JSON; median of {runs} runs", files.len(), first.pages, first.chars, first.json_bytes);
        println!("| stage | CPU s | share |");
        println!("|---|---|---|");
        for (name, seconds) in &medians {
            println!("| {name} | {seconds:.3} | {:.0} % |", 100.0 * seconds / total);
        }
        println!("| **stages total** | **{total:.3}** | |");
        for (name, seconds) in &startup {
            println!("| {name} (once per process) | {seconds:.3} | |");
        }
        if let Some(w) = worker_total {
            println!("| pdf-worker processes (one per PDF) | {w:.3} | |");
            println!("| worker overhead beyond extract+layout+json_out | {:.3} | |", w - medians[0].1 - medians[1].1 - medians[2].1);
        }
    }
}
