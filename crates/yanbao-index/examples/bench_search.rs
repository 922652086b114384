//! Search benchmark: yanbao-index (tantivy + jieba + bigrams) against SQLite FTS5 fed the same
//! jieba segmentation, over N paragraphs of real broker-report text.
//!
//! ```text
//! cargo run --release -p yanbao-index --example bench_search -- --paragraphs 100000
//! ```
//!
//! Paragraphs come from `../shared` (the seed report, `corpus/text/mpb/*.md` and the 498
//! industry reports of `corpus/text/qznan/…jsonl`, split at 。 into ~120–400-character
//! paragraphs); when N exceeds the distinct paragraphs they repeat. They are grouped 50 to a
//! synthetic report (institution, author, date varied), so the index also holds one
//! whole-report document per 50 paragraphs. FTS5 gets the paragraphs only, as jieba search-mode
//! tokens joined by spaces (the `unicode61` tokenizer then splits on the spaces); since search-mode
//! sub-words sit between a phrase's words there, FTS5 phrases are `NEAR(…, 4)` groups.
//!
//! Both engines run the same fixed queries (Chinese words, compounds, English, numbers, mixed,
//! phrases) `--rounds` times after one warm-up round; the table gives p50/p99 per query and
//! overall. tantivy times include stored-document fetch, snippets and the total count; FTS5
//! times include `snippet()` and `ORDER BY rank LIMIT 10` (no total count).
//!
//! Options: `--paragraphs N` (100000), `--rounds R` (10), `--dir PATH` (keep the index and the
//! SQLite file there instead of a temporary directory), `--no-fts` (tantivy only), `--flat`
//! (hits not grouped by report: scopes all and paragraphs group them by default).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rusqlite::Connection;
use yanbao_index::query::parse_query;
use tantivy::tokenizer::{TokenStream, Tokenizer};
use yanbao_index::tokenize::{query_word_tokens, word_tokens, Stream, YanbaoTokenizer};
use yanbao_index::{Scope, SearchIndex, SearchRequest};
use yanbao_model::{Block, BlockKind, Report};

/// Paragraphs per synthetic report.
const PARAGRAPHS_PER_REPORT: usize = 50;
/// Shortest paragraph kept, in characters.
const MIN_PARAGRAPH_CHARS: usize = 20;
/// A paragraph is closed at the first 。 after this many characters.
const TARGET_PARAGRAPH_CHARS: usize = 120;
/// Longest paragraph, in characters (flattened tables are cut).
const MAX_PARAGRAPH_CHARS: usize = 400;

/// The fixed query set: (category, query).
const QUERIES: &[(&str, &str)] = &[
    ("word", "关税"),
    ("word", "新能源"),
    ("word", "光伏"),
    ("word", "半导体"),
    ("word", "净利润"),
    ("word", "疫情"),
    ("word", "渗透率"),
    ("compound", "元首"),
    ("compound", "工程"),
    ("compound", "排除清单"),
    ("compound", "血制品"),
    ("english", "iPhone"),
    ("english", "USTR"),
    ("english", "AirPods"),
    ("english", "GDP"),
    ("number", "549"),
    ("number", "2021"),
    ("number", "29.09"),
    ("mixed", "iPhone 销量"),
    ("mixed", "5G 基站"),
    ("mixed", "USTR 关税"),
    ("multi", "新能源 汽车 渗透率"),
    ("phrase", "\"归母净利润\""),
    ("phrase", "\"消费电子\""),
    ("phrase", "\"维持评级\""),
];

/// Command-line options.
struct Options {
    paragraphs: usize,
    rounds: usize,
    dir: Option<PathBuf>,
    fts: bool,
    flat: bool,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options { paragraphs: 100_000, rounds: 10, dir: None, fts: true, flat: false };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--paragraphs" => options.paragraphs = value("--paragraphs")?.parse().map_err(|e| format!("--paragraphs: {e}"))?,
            "--rounds" => options.rounds = value("--rounds")?.parse().map_err(|e| format!("--rounds: {e}"))?,
            "--dir" => options.dir = Some(PathBuf::from(value("--dir")?)),
            "--no-fts" => options.fts = false,
            "--flat" => options.flat = true,
            other => return Err(format!("unknown option {other}")),
        }
    }
    if options.paragraphs == 0 || options.rounds == 0 {
        return Err("--paragraphs and --rounds must be positive".into());
    }
    Ok(options)
}

/// Splits flat text into paragraphs of roughly [`TARGET_PARAGRAPH_CHARS`] at 。.
fn split_flat_text(text: &str, out: &mut Vec<String>) {
    let mut current = String::new();
    let mut count = 0;
    for c in text.chars() {
        current.push(c);
        count += 1;
        let sentence_end = matches!(c, '。' | '！' | '？' | '\n');
        if (sentence_end && count >= TARGET_PARAGRAPH_CHARS) || count >= MAX_PARAGRAPH_CHARS {
            push_paragraph(&current, out);
            current.clear();
            count = 0;
        }
    }
    push_paragraph(&current, out);
}

fn push_paragraph(text: &str, out: &mut Vec<String>) {
    let trimmed = text.trim();
    if trimmed.chars().count() >= MIN_PARAGRAPH_CHARS {
        out.push(trimmed.to_string());
    }
}

/// Splits Markdown-like text at blank lines, dropping pipe tables and heading marks.
fn split_markdown(text: &str, out: &mut Vec<String>) {
    for block in text.split("\n\n") {
        let block = block.trim().trim_start_matches('#').trim();
        if block.starts_with('|') {
            continue;
        }
        split_flat_text(&block.replace('\n', ""), out);
    }
}

/// Loads the distinct real paragraphs from `../shared`.
fn load_pool(shared: &Path) -> Result<Vec<String>, String> {
    let mut pool = Vec::new();
    let seed = shared.join("seed/000_aa7b0d65672ddc97.txt");
    let seed_text = std::fs::read_to_string(&seed).map_err(|e| format!("{}: {e}", seed.display()))?;
    split_markdown(&seed_text, &mut pool);
    let mpb = shared.join("corpus/text/mpb");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&mpb)
        .map_err(|e| format!("{}: {e}", mpb.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().map(|x| x == "md").unwrap_or(false))
        .collect();
    names.sort();
    for path in names {
        if let Ok(text) = std::fs::read_to_string(&path) {
            split_markdown(&text, &mut pool);
        }
    }
    let jsonl = shared.join("corpus/text/qznan/yanbao_498_industry_reports_source_content.jsonl");
    let lines = std::fs::read_to_string(&jsonl).map_err(|e| format!("{}: {e}", jsonl.display()))?;
    for line in lines.lines() {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if let Some(text) = value.get("text").and_then(|t| t.as_str()) {
            split_flat_text(text, &mut pool);
        }
    }
    Ok(pool)
}

/// Builds synthetic report `number` from the paragraphs starting at `first`.
fn synthetic_report(number: usize, first: usize, count: usize, pool: &[String]) -> Report {
    const INSTITUTIONS: [&str; 8] = ["光大证券研究所", "中泰证券研究所", "中国银河证券", "中信证券", "华泰证券", "国泰君安证券", "招商证券", "东吴证券"];
    const AUTHORS: [&str; 6] = ["高瑞东", "杜冲", "曾彪", "朱柏睿", "张三", "李四"];
    let blocks: Vec<Block> = (first..first + count)
        .map(|i| Block { kind: BlockKind::Paragraph, text: pool[i % pool.len()].clone(), page: Some((i - first) as u32 / 5 + 1), ..Block::default() })
        .collect();
    let title: String = blocks.first().map(|b| b.text.chars().take(24).collect()).unwrap_or_default();
    let year = 2018 + (number % 7) as i32;
    let month = number % 12 + 1;
    let day = number % 28 + 1;
    Report {
        id: format!("{number:016x}"),
        title,
        institution: Some(INSTITUTIONS[number % INSTITUTIONS.len()].to_string()),
        authors: vec![AUTHORS[number % AUTHORS.len()].to_string()],
        date: Some(format!("{year}-{month:02}-{day:02}")),
        year: Some(year),
        language: "zh".into(),
        blocks,
        ..Report::default()
    }
}

/// Returns the total size of the files under a directory, in bytes.
fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else { return 0 };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

/// Returns the CPU time this thread has run, in milliseconds (`CLOCK_THREAD_CPUTIME_ID`), so
/// figures stay meaningful on a machine shared with other work.
fn thread_cpu_ms() -> f64 {
    let mut time = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: clock_gettime only writes the timespec we own.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut time) };
    if status != 0 {
        return f64::NAN;
    }
    time.tv_sec as f64 * 1e3 + time.tv_nsec as f64 / 1e6
}

/// Returns the CPU time of the whole process (all threads), in seconds, from `/proc/self/stat`.
fn process_cpu_s() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return f64::NAN };
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else { return f64::NAN };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the full line, 12 and 13 after the ')'.
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    (ticks(11) + ticks(12)) / 100.0
}

/// Returns the p-th percentile (0–100) of sorted samples.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn sorted(mut samples: Vec<f64>) -> Vec<f64> {
    samples.sort_by(|a, b| a.total_cmp(b));
    samples
}

/// Returns the FTS5 MATCH expression for a query: every jieba word quoted (AND), phrases as
/// FTS5 phrases.
fn fts_expression(query: &str) -> Option<String> {
    let chunks = parse_query(query).ok()?;
    let mut parts = Vec::new();
    for chunk in chunks {
        let words: Vec<String> = query_word_tokens(&chunk.text).into_iter().map(|t| t.text.replace('"', "")).collect();
        if words.is_empty() {
            continue;
        }
        if chunk.phrase && words.len() > 1 {
            // The FTS5 text holds search-mode tokens (净利润 is followed by its sub-words), so a
            // jieba phrase is not contiguous there: ask for the words near each other.
            let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
            parts.push(format!("NEAR({}, 4)", quoted.join(" ")));
        } else {
            parts.extend(words.iter().map(|w| format!("\"{w}\"")));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" AND "))
}

/// Per-query latency samples of one engine, in milliseconds.
struct Timings {
    per_query: Vec<Vec<f64>>,
    cpu_per_query: Vec<Vec<f64>>,
}

impl Timings {
    fn new(queries: usize) -> Timings {
        Timings { per_query: vec![Vec::new(); queries], cpu_per_query: vec![Vec::new(); queries] }
    }

    fn push(&mut self, query: usize, wall_ms: f64, cpu_ms: f64) {
        self.per_query[query].push(wall_ms);
        self.cpu_per_query[query].push(cpu_ms);
    }

    fn all(&self) -> Vec<f64> {
        sorted(self.per_query.iter().flatten().copied().collect())
    }

    fn all_cpu(&self) -> Vec<f64> {
        sorted(self.cpu_per_query.iter().flatten().copied().collect())
    }
}

fn run() -> Result<(), String> {
    let options = parse_options()?;
    let shared = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"));
    if !shared.is_dir() {
        return Err(format!("benchmark needs the shared corpus at {} (absent here)", shared.display()));
    }
    let load_started = Instant::now();
    let pool = load_pool(&shared)?;
    let pool_chars: usize = pool.iter().map(|p| p.chars().count()).sum();
    eprintln!("loaded {} distinct paragraphs ({} chars) in {:.1} s", pool.len(), pool_chars, load_started.elapsed().as_secs_f64());

    let temp = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
    let base = options.dir.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let index_dir = base.join(format!("tantivy-{}", options.paragraphs));
    let sqlite_path = base.join(format!("fts5-{}.sqlite", options.paragraphs));
    let _ = std::fs::remove_dir_all(&index_dir);
    let _ = std::fs::remove_file(&sqlite_path);

    // Tokenizer throughput on one thread.
    yanbao_index::tokenize::warm_up();
    let sample: Vec<&String> = pool.iter().take(20_000).collect();
    let sample_bytes: usize = sample.iter().map(|p| p.len()).sum();
    let mut token_rates = Vec::new();
    for (name, stream) in [("jieba words (search mode)", Stream::Words), ("bigrams + unigrams", Stream::Grams)] {
        let mut tokenizer = YanbaoTokenizer::new(stream);
        let cpu = thread_cpu_ms();
        let mut count = 0usize;
        for paragraph in &sample {
            let mut tokens = tokenizer.token_stream(paragraph);
            while tokens.advance() {
                count += 1;
            }
        }
        let seconds = (thread_cpu_ms() - cpu) / 1e3;
        token_rates.push((name, sample_bytes as f64 / 1e6 / seconds, count));
    }

    // tantivy: build.
    let index = SearchIndex::open(&index_dir).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let cpu_started = process_cpu_s();
    let mut indexed_bytes = 0usize;
    let mut report_count = 0;
    let mut first = 0;
    while first < options.paragraphs {
        let count = PARAGRAPHS_PER_REPORT.min(options.paragraphs - first);
        let report = synthetic_report(report_count, first, count, &pool);
        indexed_bytes += report.blocks.iter().map(|b| b.text.len()).sum::<usize>();
        index.add_report(&report, &[]).map_err(|e| e.to_string())?;
        report_count += 1;
        first += count;
    }
    index.commit().map_err(|e| e.to_string())?;
    let tantivy_index_s = started.elapsed().as_secs_f64();
    index.wait_merges().map_err(|e| e.to_string())?;
    let tantivy_merged_s = started.elapsed().as_secs_f64();
    let tantivy_cpu_s = process_cpu_s() - cpu_started;
    let tantivy_docs = options.paragraphs + report_count;
    eprintln!(
        "tantivy: {} paragraphs + {} report docs in {:.1} s ({:.1} s with merges), {} segments, {:.0} MB",
        options.paragraphs,
        report_count,
        tantivy_index_s,
        tantivy_merged_s,
        index.segment_count(),
        dir_size(&index_dir) as f64 / 1e6
    );

    // FTS5: build, with the same jieba segmentation.
    let fts = if options.fts {
        let connection = Connection::open(&sqlite_path).map_err(|e| format!("sqlite: {e}"))?;
        connection
            .execute_batch(
                "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA mmap_size=2147483648;
                 CREATE VIRTUAL TABLE para USING fts5(body, tokenize='unicode61');",
            )
            .map_err(|e| format!("sqlite: {e}"))?;
        let started = Instant::now();
        let cpu_started = process_cpu_s();
        connection.execute_batch("BEGIN").map_err(|e| format!("sqlite: {e}"))?;
        {
            let mut insert = connection.prepare("INSERT INTO para(body) VALUES (?1)").map_err(|e| format!("sqlite: {e}"))?;
            for i in 0..options.paragraphs {
                let text = &pool[i % pool.len()];
                let tokens: Vec<String> = word_tokens(text).into_iter().map(|t| t.text).collect();
                insert.execute([tokens.join(" ")]).map_err(|e| format!("sqlite: {e}"))?;
            }
        }
        connection.execute_batch("COMMIT").map_err(|e| format!("sqlite: {e}"))?;
        let seconds = started.elapsed().as_secs_f64();
        let cpu_seconds = process_cpu_s() - cpu_started;
        eprintln!("fts5: {} paragraphs in {:.1} s, {:.0} MB", options.paragraphs, seconds, std::fs::metadata(&sqlite_path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6);
        Some((connection, seconds, cpu_seconds))
    } else {
        None
    };

    // Queries.
    let mut tantivy_all = Timings::new(QUERIES.len());
    let mut tantivy_para = Timings::new(QUERIES.len());
    let mut fts_times = Timings::new(QUERIES.len());
    let mut totals = vec![0usize; QUERIES.len()];
    let mut fts_hits = vec![0usize; QUERIES.len()];
    for round in 0..=options.rounds {
        for (q, (_, query)) in QUERIES.iter().enumerate() {
            for (scope, timings) in [(Scope::All, &mut tantivy_all), (Scope::Paragraphs, &mut tantivy_para)] {
                let group_by_report = options.flat.then_some(false);
                let request = SearchRequest { query: query.to_string(), scope, limit: 10, group_by_report, ..SearchRequest::default() };
                let cpu = thread_cpu_ms();
                let started = Instant::now();
                let response = index.search(&request).map_err(|e| e.to_string())?;
                let ms = started.elapsed().as_secs_f64() * 1e3;
                let cpu_ms = thread_cpu_ms() - cpu;
                if scope == Scope::Paragraphs {
                    totals[q] = response.total;
                }
                if round > 0 {
                    timings.push(q, ms, cpu_ms);
                }
            }
            if let (Some((connection, _, _)), Some(expression)) = (&fts, fts_expression(query)) {
                let cpu = thread_cpu_ms();
                let started = Instant::now();
                let mut statement = connection
                    .prepare_cached("SELECT rowid, snippet(para, 0, '<mark>', '</mark>', '…', 24) FROM para WHERE para MATCH ?1 ORDER BY rank LIMIT 10")
                    .map_err(|e| format!("sqlite: {e}"))?;
                let rows: Vec<(i64, String)> = statement
                    .query_map([expression.as_str()], |row| Ok((row.get(0)?, row.get(1)?)))
                    .map_err(|e| format!("sqlite: {e}"))?
                    .filter_map(Result::ok)
                    .collect();
                let ms = started.elapsed().as_secs_f64() * 1e3;
                let cpu_ms = thread_cpu_ms() - cpu;
                fts_hits[q] = rows.len();
                if round > 0 {
                    fts_times.push(q, ms, cpu_ms);
                }
            }
        }
    }

    // Report.
    let rate = |n: usize, s: f64| if s > 0.0 { n as f64 / s } else { f64::NAN };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("\n### Search index benchmark: {} paragraphs ({} synthetic reports)\n", options.paragraphs, report_count);
    println!(
        "Corpus: {} distinct real paragraphs ({} chars){}; {} MB of paragraph text indexed. Machine: {} cores, load average {} at the end (shared machine: CPU-time columns are the contention-free figures).\n",
        pool.len(),
        pool_chars,
        if options.paragraphs > pool.len() { ", repeated to reach N" } else { "" },
        indexed_bytes / 1_000_000,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        load.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
    );
    for (name, mb_per_s, tokens) in &token_rates {
        println!("- tokenizer {name}: {mb_per_s:.1} MB/s of UTF-8 on one thread ({tokens} tokens from {} paragraphs)", sample.len());
    }
    println!();
    println!("| engine | indexing wall | CPU | paragraphs/s (wall) | paragraphs per CPU-s | index docs/s (wall) | size on disk |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| yanbao-index (tantivy, words + bigrams) | {:.1} s (+{:.1} s merges) | {:.1} s | {:.0} | {:.0} | {:.0} | {:.0} MB |",
        tantivy_index_s,
        tantivy_merged_s - tantivy_index_s,
        tantivy_cpu_s,
        rate(options.paragraphs, tantivy_index_s),
        rate(options.paragraphs, tantivy_cpu_s),
        rate(tantivy_docs, tantivy_index_s),
        dir_size(&index_dir) as f64 / 1e6
    );
    if let Some((_, seconds, cpu_seconds)) = &fts {
        println!(
            "| SQLite FTS5 (jieba words, unicode61) | {:.1} s | {:.1} s | {:.0} | {:.0} | {:.0} | {:.0} MB |",
            seconds,
            cpu_seconds,
            rate(options.paragraphs, *seconds),
            rate(options.paragraphs, *cpu_seconds),
            rate(options.paragraphs, *seconds),
            std::fs::metadata(&sqlite_path).map(|m| m.len()).unwrap_or(0) as f64 / 1e6
        );
    }
    println!("\nLatency in ms over {} rounds after a warm-up round: wall / CPU of the searching thread. Top 10 hits; tantivy includes stored fields, snippets and the total count; FTS5 includes snippet().\n", options.rounds);
    println!("| category | query | tantivy total (paragraphs) | FTS5 hits | tantivy all p50 | tantivy all p99 | tantivy paragraphs p50 | tantivy paragraphs p99 | FTS5 p50 | FTS5 p99 | FTS5/tantivy p50 CPU (paragraphs) |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|");
    let pair = |wall: &[f64], cpu: &[f64], p: f64| format!("{:.2} / {:.2}", percentile(wall, p), percentile(cpu, p));
    for (q, (category, query)) in QUERIES.iter().enumerate() {
        let all = sorted(tantivy_all.per_query[q].clone());
        let all_cpu = sorted(tantivy_all.cpu_per_query[q].clone());
        let para = sorted(tantivy_para.per_query[q].clone());
        let para_cpu = sorted(tantivy_para.cpu_per_query[q].clone());
        let f = sorted(fts_times.per_query[q].clone());
        let f_cpu = sorted(fts_times.cpu_per_query[q].clone());
        println!(
            "| {category} | `{}` | {} | {} | {} | {} | {} | {} | {} | {} | {:.1}× |",
            query.replace('|', "\\|"),
            totals[q],
            fts_hits[q],
            pair(&all, &all_cpu, 50.0),
            pair(&all, &all_cpu, 99.0),
            pair(&para, &para_cpu, 50.0),
            pair(&para, &para_cpu, 99.0),
            pair(&f, &f_cpu, 50.0),
            pair(&f, &f_cpu, 99.0),
            percentile(&f_cpu, 50.0) / percentile(&para_cpu, 50.0)
        );
    }
    let (all, all_cpu) = (tantivy_all.all(), tantivy_all.all_cpu());
    let (para, para_cpu) = (tantivy_para.all(), tantivy_para.all_cpu());
    let (f, f_cpu) = (fts_times.all(), fts_times.all_cpu());
    println!(
        "| **all** | {} queries × {} | | | **{}** | **{}** | **{}** | **{}** | **{}** | **{}** | **{:.1}×** |",
        QUERIES.len(),
        options.rounds,
        pair(&all, &all_cpu, 50.0),
        pair(&all, &all_cpu, 99.0),
        pair(&para, &para_cpu, 50.0),
        pair(&para, &para_cpu, 99.0),
        pair(&f, &f_cpu, 50.0),
        pair(&f, &f_cpu, 99.0),
        percentile(&f_cpu, 50.0) / percentile(&para_cpu, 50.0)
    );
    println!(
        "\nGoal p99 ≤ 20 ms: tantivy p99 over all scopes here is {:.2} ms wall, {:.2} ms CPU.",
        percentile(&all, 99.0),
        percentile(&all_cpu, 99.0)
    );
    Ok(())
}

fn main() {
    if let Err(error) = run() {
        eprintln!("bench_search: {error}");
        std::process::exit(1);
    }
}
