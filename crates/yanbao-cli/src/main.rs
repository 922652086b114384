//! `yanbao`: the command line over a yanbao library. Thin glue: flags and output here, the work
//! in `yanbao-engine` (library), `yanbao-server` (web) and the parser crates.

mod output;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use yanbao_engine::parse::OcrMode;
use yanbao_engine::{access, users, IngestEvent, IngestOutcome, Isolation, Library, ParseOptions, Scope, SearchRequest};

/// yanbao (研报): a library engine for research reports — ingest PDFs and text/Markdown reports,
/// structure them, search them in Chinese and English, and serve previews.
#[derive(Parser)]
#[command(name = "yanbao", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// The library's data folder (with --db: only this machine's search index).
    #[arg(long, global = true, env = "YANBAO_DATA", default_value = "./yanbao-data")]
    data: PathBuf,
    /// A shared store: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE. Without it the library
    /// is embedded in --data (SQLite).
    #[arg(long, global = true, env = "YANBAO_DB", value_name = "URL", hide_env_values = true)]
    db: Option<String>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Memory limit of PDF parsing in MiB: what the isolated PDF workers may hold together (a
    /// file needing more fails alone).
    #[arg(long, global = true, env = "YANBAO_WORKER_MEMORY", value_name = "MIB", default_value_t = yanbao_engine::parse::DEFAULT_WORKER_MEMORY >> 20, value_parser = clap::value_parser!(u64).range(64..=1 << 20))]
    worker_memory: u64,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Md,
    Text,
}

#[derive(Subcommand)]
enum Command {
    /// Add report files and folders (recursive: .pdf .md .markdown .txt .html) to the library.
    Ingest {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// User password for encrypted PDFs.
        #[arg(long, env = "YANBAO_PDF_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Seconds a single PDF may take before it is skipped (a scan read by OCR: per page).
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Which PDF pages are read by OCR: auto (pages without a text layer that show an
        /// image, e.g. scans), always (every page), never.
        #[arg(long, default_value = "auto", value_parser = parse_ocr_mode)]
        ocr: OcrMode,
    },
    /// Structure one file and print it, storing nothing.
    Parse {
        /// The file.
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        /// User password for an encrypted PDF.
        #[arg(long, env = "YANBAO_PDF_PASSWORD", hide_env_values = true)]
        password: Option<String>,
        /// Which PDF pages are read by OCR: auto (pages without a text layer that show an
        /// image, e.g. scans), always (every page), never.
        #[arg(long, default_value = "auto", value_parser = parse_ocr_mode)]
        ocr: OcrMode,
    },
    /// Print a stored report.
    Show {
        /// Report id.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "md")]
        format: Format,
    },
    /// Search the library: reports, paragraphs, figures, tables or events.
    Search {
        /// Words, "quoted phrases", numbers; Chinese and English.
        query: String,
        /// What to search.
        #[arg(long = "in", default_value = "all", value_parser = scope_parser())]
        scope: Scope,
        /// Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Latest date (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Only reports of this institution.
        #[arg(long)]
        institution: Option<String>,
        /// Only reports by this author.
        #[arg(long)]
        author: Option<String>,
        /// Only notes covering this company: its name, or its code (603477, 603477.SH).
        #[arg(long)]
        company: Option<String>,
        /// Hits to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Dated events across the library, in date order, same events merged.
    Timeline {
        /// Earliest date (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long)]
        from: Option<String>,
        /// Latest date (YYYY, YYYY-MM or YYYY-MM-DD).
        #[arg(long)]
        to: Option<String>,
        /// Only events naming this person or organisation.
        #[arg(long)]
        entity: Option<String>,
        /// Entries to show.
        #[arg(long, default_value_t = 200)]
        limit: usize,
    },
    /// Reports, events and co-mentioned names of one person or organisation.
    Entity {
        /// The name (e.g. 孟晚舟, USTR).
        name: String,
    },
    /// A listed company: the reports about it, its ratings and target prices across brokers, the
    /// brokers' forecast consensus, and the reports that name it.
    Company {
        /// Its code (601899, 601899.SH), name or alias (紫金矿业).
        company: String,
        /// Print its ratings and forecasts as CSV: one row per report and forecast.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
    },
    /// Review same-report marks: files kept as other copies of a stored report (searched once).
    Duplicate {
        #[command(subcommand)]
        action: DuplicateAction,
    },
    /// Remove a report.
    Remove {
        /// Report id.
        id: String,
    },
    /// Write every report as JSON Lines (to stdout or a file).
    Export {
        /// Output file (default, or `-`: stdout).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Counts over the library.
    Stats,
    /// Rebuild the search index from the store.
    Reindex,
    /// Draw the page and chart pictures of PDF reports ahead of their first reader (the web
    /// reader otherwise draws each page on its first request). Pictures already made are kept.
    Render {
        /// Report ids (default: every report).
        ids: Vec<String>,
    },
    /// Serve the web reader and JSON API.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// First ingest the sample reports bundled in this folder (e.g. ./samples).
        #[arg(long)]
        samples: Option<PathBuf>,
        /// Public base URL used in share links and QR codes (default: http://ADDR).
        #[arg(long)]
        base_url: Option<String>,
        /// Seconds a client has to send a request's headers (idle keep-alive connections
        /// included) before it is disconnected.
        #[arg(long, value_name = "SECS", default_value_t = 15, value_parser = clap::value_parser!(u64).range(1..=3600))]
        header_timeout: u64,
        /// Seconds a request (its body included) may take to arrive and be answered, uploads
        /// excepted; slower ones are answered 408.
        #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
        request_timeout: u64,
        /// Seconds an upload may take to arrive and be answered; slower ones are answered 408.
        #[arg(long, value_name = "SECS", default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86400))]
        upload_timeout: u64,
        /// Most connections served at once; more wait until one closes.
        #[arg(long, value_name = "N", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
        max_connections: u64,
    },
    /// Manage API tokens for full-text access and uploads.
    Token {
        #[command(subcommand)]
        action: TokenAction,
    },
    /// Manage the people who sign in to the web reader: readers (full reports), editors
    /// (+ upload and remove reports), admins (+ people and tokens).
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Print a signed, expiring link to a report's full text.
    Share {
        /// Report id.
        id: String,
        /// Hours the link stays valid.
        #[arg(long, default_value_t = 168)]
        hours: u64,
        /// Public base URL of the server.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        base_url: String,
    },
    /// Queue report files and folders as ingest jobs in the shared store (needs --db); any
    /// number of `yanbao worker`s take them.
    Enqueue {
        /// Files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Take ingest jobs from the shared store's queue and ingest them (needs --db); run one per
    /// core, on as many machines as you like.
    Worker {
        /// This worker's name in `yanbao jobs` (default: HOST:PID).
        #[arg(long)]
        name: Option<String>,
        /// Stop when the queue is empty instead of waiting for more jobs.
        #[arg(long)]
        until_empty: bool,
        /// Seconds a job stays this worker's without a renewal (it renews every third of it).
        #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(3..=3600))]
        lease: u64,
        /// Seconds a single PDF may take before it is failed.
        #[arg(long, default_value_t = 120)]
        timeout: u64,
        /// Serve Prometheus metrics (jobs finished, failures, queue depth) at http://ADDR/metrics.
        #[arg(long, value_name = "ADDR")]
        metrics_addr: Option<String>,
    },
    /// The shared store's ingest jobs: counts by state and the latest jobs (needs --db).
    Jobs {
        #[command(subcommand)]
        action: Option<JobsAction>,
        /// Only jobs in this state.
        #[arg(long, value_parser = ["queued", "running", "done", "failed"])]
        state: Option<String>,
        /// Jobs to list.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Copy an embedded library (reports, sources, marks, companies, tokens, users, settings) into a
    /// PostgreSQL store and check every report arrived whole. Safe to run again.
    Migrate {
        /// The embedded library's data folder.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// The shared store: postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// Copy the embedded library into a new folder DEST, consistently, while it goes on
    /// ingesting and serving (the search index is rebuilt on restore). A shared library
    /// (--db) is backed up with pg_dump.
    Backup {
        /// The backup folder to create (new, or empty).
        dest: PathBuf,
    },
    /// Bring a backup (a folder `yanbao backup` wrote) back into --data: checked, then built
    /// beside it and renamed into place.
    Restore {
        /// The backup folder.
        src: PathBuf,
        /// Replace the library already in --data.
        #[arg(long)]
        force: bool,
    },
    /// Read pages of a PDF with OCR and print the lines read, storing nothing (what ingest does
    /// to scanned pages; needs scripts/setup-ocr.sh).
    #[command(after_help = "Example: yanbao ocr scan.pdf --pages 1-3\n         yanbao ocr report.pdf --pages 2 --text-layer --json   (OCR beside the PDF's own text, to measure it)")]
    Ocr {
        /// The PDF.
        file: PathBuf,
        /// Pages to read: `3`, `1-5`, `1,4,6-8` (default: every page, at most 50).
        #[arg(long)]
        pages: Option<String>,
        /// Resolution the pages are drawn at for reading.
        #[arg(long, default_value_t = 150)]
        dpi: u32,
        /// Also give the PDF's own characters with their boxes (with --json).
        #[arg(long)]
        text_layer: bool,
        /// Keep each page image read as DIR/page-N.png.
        #[arg(long, value_name = "DIR")]
        save_images: Option<PathBuf>,
        /// User password for an encrypted PDF.
        #[arg(long, env = "YANBAO_PDF_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Internal: the isolated PDF worker (parses a PDF or renders its pictures; reads one
    /// request on stdin, see yanbao_engine::pdf_worker).
    #[command(hide = true)]
    PdfWorker,
}

/// Reads a page list (`3`, `1-5`, `1,4,6-8`) into page numbers, in order, each once.
fn parse_page_list(list: &str) -> Result<Vec<u32>> {
    let mut pages = Vec::new();
    for part in list.split(',').map(str::trim).filter(|part| !part.is_empty()) {
        let (first, last) = part.split_once('-').unwrap_or((part, part));
        let number = |text: &str| text.trim().parse::<u32>().ok().filter(|&n| n > 0);
        let (Some(first), Some(last)) = (number(first), number(last)) else {
            bail!("pages {part:?}: give page numbers from 1, e.g. 3, 1-5 or 1,4,6-8");
        };
        if last < first || last - first > 10_000 {
            bail!("pages {part:?}: the range runs backwards or is too long");
        }
        pages.extend((first..=last).filter(|page| !pages.contains(page)).collect::<Vec<_>>());
    }
    if pages.is_empty() {
        bail!("no pages given");
    }
    Ok(pages)
}

/// `yanbao ocr`: reads pages in this process and prints them.
fn ocr_pages(file: &Path, pages: Option<&str>, dpi: u32, text_layer: bool, save_images: Option<&Path>, password: Option<&str>, json: bool) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    if !(36..=600).contains(&dpi) {
        bail!("--dpi {dpi}: give a resolution from 36 to 600");
    }
    let pages = match pages {
        Some(list) => parse_page_list(list)?,
        None => (1..=yanbao_engine::ocr::page_count(&bytes, password).with_context(|| file.display().to_string())?.min(50) as u32).collect(),
    };
    if let Some(dir) = save_images {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let bar = progress_bar(json);
    bar.set_length(pages.len() as u64);
    bar.set_message("pages read by OCR");
    let readings = yanbao_engine::ocr::read_pages(&bytes, password, &pages, dpi as f32 / 72.0, text_layer, save_images.is_some(), &|| bar.inc(1))
        .with_context(|| file.display().to_string())?;
    bar.finish_and_clear();
    let mut out = Vec::new();
    let mut failed = 0usize;
    for (number, reading) in pages.iter().zip(readings) {
        match reading {
            Ok(mut reading) => {
                let mut image_path = None;
                if let (Some(dir), Some(image)) = (save_images, reading.image.take()) {
                    let path = dir.join(format!("page-{number}.png"));
                    image.save(&path).with_context(|| format!("cannot write {}", path.display()))?;
                    image_path = Some(path.display().to_string());
                }
                if json {
                    let mut value = serde_json::to_value(&reading)?;
                    value["image"] = serde_json::json!(image_path);
                    out.push(value);
                } else {
                    println!("── page {number}: {} lines, {} ms ──", reading.lines.len(), reading.ocr_cpu_ms);
                    for line in &reading.lines {
                        println!("{}", line.text);
                    }
                }
            }
            Err(error) => {
                failed += 1;
                if json {
                    out.push(serde_json::json!({ "page": number, "error": error }));
                } else {
                    eprintln!("error: {error}");
                }
            }
        }
    }
    if json {
        output::print_json(&serde_json::json!({ "file": file.display().to_string(), "dpi": dpi, "pages": out }))?;
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[derive(Subcommand)]
enum DuplicateAction {
    /// List every file marked as another copy of a stored report, with the report it copies.
    List,
    /// The file is a report of its own, not a copy: search and the timeline include it again.
    Unmark {
        /// Id of the file marked as a copy.
        id: String,
    },
    /// The file is another copy of ORIGINAL (one the library did not recognise): searched once.
    Mark {
        /// Id of the copy.
        id: String,
        /// Id of the report it copies.
        original: String,
    },
}

#[derive(Subcommand)]
enum JobsAction {
    /// Queue a failed job again.
    Retry {
        /// The job's id (from `yanbao jobs`).
        id: i64,
    },
}

#[derive(Subcommand)]
enum TokenAction {
    /// Create a token and print it (shown once; only its hash is stored).
    Create {
        /// A name for the token (who or what uses it).
        name: String,
    },
    /// List tokens (names and dates, never the secrets).
    List,
    /// Revoke a token by name.
    Revoke {
        /// The token's name.
        name: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum RoleArg {
    /// Reads full reports.
    Reader,
    /// Also uploads and removes reports.
    Editor,
    /// Also manages people and API tokens.
    Admin,
}

impl RoleArg {
    fn role(self) -> users::Role {
        match self {
            RoleArg::Reader => users::Role::Reader,
            RoleArg::Editor => users::Role::Editor,
            RoleArg::Admin => users::Role::Admin,
        }
    }
}

#[derive(Subcommand)]
enum UserAction {
    /// Add a person who signs in with a password (read from standard input, first line; at
    /// least 8 characters; only its Argon2id hash is stored).
    #[command(after_help = "Example: printf '%s\\n' \"$PASSWORD\" | yanbao user add 王编辑 --role editor --password-stdin")]
    Add {
        /// Sign-in name (1–64 printable characters).
        name: String,
        /// What they may do.
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the password from standard input (a password never goes on a command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// List the people who may sign in (names, roles, dates; never a password).
    List,
    /// Remove a person; their sessions end at once.
    Remove {
        /// Sign-in name.
        name: String,
    },
    /// Give a person a new password (from standard input); their sessions end at once.
    Passwd {
        /// Sign-in name.
        name: String,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

/// Reads a password: the first line of standard input, without its line ending.
fn read_password() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.strip_suffix('\n').unwrap_or(&line);
    let password = password.strip_suffix('\r').unwrap_or(password);
    if password.is_empty() {
        bail!("no password on standard input (give it as the first line, e.g. printf '%s\\n' \"$PASSWORD\" | yanbao user …)");
    }
    Ok(password.to_string())
}

/// Parses `--in` into the index's own [`Scope`], listing the choices in `--help`.
fn scope_parser() -> impl TypedValueParser<Value = Scope> {
    clap::builder::PossibleValuesParser::new(["all", "reports", "paragraphs", "figures", "tables", "events"])
        .map(|name| name.parse::<Scope>().unwrap_or_default())
}

fn main() -> ExitCode {
    // `yanbao … | head` should end quietly like any Unix tool, not panic on a closed pipe.
    #[cfg(unix)]
    // SAFETY: restoring the default SIGPIPE disposition before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    // YANBAO_LOG sets what is logged (e.g. `info`: one line per request, with its request id);
    // YANBAO_LOG_FORMAT=json writes each line as one JSON object, for a log collector.
    let filter = tracing_subscriber::EnvFilter::try_from_env("YANBAO_LOG").unwrap_or_else(|_| "warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if std::env::var("YANBAO_LOG_FORMAT").is_ok_and(|format| format == "json") {
        logs.json().init();
    } else {
        logs.with_ansi(std::io::stderr().is_terminal()).init();
    }
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // One line a user can act on: the context chain, outermost first.
            let message = error.chain().map(|e| e.to_string()).collect::<Vec<_>>().join(": ");
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

fn open_library(data: &Path, db: Option<&str>) -> Result<Library> {
    let mut library = match db {
        Some(url) => Library::open_with(data, Some(url)).context("cannot open the shared library")?,
        None => Library::open(data).with_context(|| format!("cannot open the library in {}", data.display()))?,
    };
    library.set_parse_options(worker_options(None, 120));
    Ok(library)
}

/// The shared store for a command that stores or manages jobs but does not search (no index,
/// no data folder).
fn open_worker(db: Option<&str>, command: &str) -> Result<Library> {
    let Some(db) = db else {
        bail!("yanbao {command} works on a shared store: give --db postgres://… (or set YANBAO_DB); an embedded library ingests with yanbao ingest");
    };
    let mut library = Library::open_worker(db).context("cannot open the shared library")?;
    library.set_parse_options(worker_options(None, 120));
    Ok(library)
}

/// `--worker-memory` in bytes, set once from the command line.
static WORKER_MEMORY: std::sync::OnceLock<u64> = std::sync::OnceLock::new();

fn worker_options(password: Option<String>, timeout: u64) -> ParseOptions {
    let isolation = match std::env::current_exe() {
        Ok(exe) => Isolation::Worker { exe },
        Err(_) => Isolation::InProcess,
    };
    let worker_memory = WORKER_MEMORY.get().copied().unwrap_or(yanbao_engine::parse::DEFAULT_WORKER_MEMORY);
    ParseOptions { password, isolation, timeout: Duration::from_secs(timeout.max(1)), worker_memory, ..ParseOptions::default() }
}

fn run(cli: Cli) -> Result<ExitCode> {
    let json = cli.json;
    let _ = WORKER_MEMORY.set(cli.worker_memory << 20);
    match cli.command {
        Command::Ingest { paths, password, timeout, ocr } => {
            let mut library = open_library(&cli.data, cli.db.as_deref())?;
            let bar = progress_bar(json);
            library.set_parse_options(ParseOptions { ocr, progress: Some(ocr_progress(&bar, false)), ..worker_options(password, timeout) });
            ingest(&library, &paths, json, bar)
        }
        Command::Parse { file, format, password, ocr } => {
            let bytes = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let bar = progress_bar(json);
            let options = ParseOptions { ocr, progress: Some(ocr_progress(&bar, true)), ..worker_options(password, 180) };
            let report = yanbao_engine::parse::parse_file(&file, &bytes, &options).with_context(|| file.display().to_string())?;
            bar.finish_and_clear();
            print_report(&report, if json { Format::Json } else { format })?;
            // A file read whole but with little in it (a scan without text, no title) is a warning,
            // not a failure: the same rule as `ingest`, which stores it.
            output::print_warnings(&file.display().to_string(), &report.warnings);
            Ok(ExitCode::SUCCESS)
        }
        Command::PdfWorker => Ok(ExitCode::from(yanbao_engine::pdf_worker::serve().clamp(0, 255) as u8)),
        Command::Ocr { file, pages, dpi, text_layer, save_images, password } => {
            ocr_pages(&file, pages.as_deref(), dpi, text_layer, save_images.as_deref(), password.as_deref(), json)
        }
        Command::Show { id, format } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let report = library.get(&id)?.with_context(|| format!("no report with id {id}"))?;
            print_report(&report, if json { Format::Json } else { format })?;
            output::print_warnings(&report.id, &report.warnings);
            if !json {
                // On stderr: the report itself stays clean on stdout.
                if let Some(original) = &report.duplicate_of {
                    let title = library.get(original)?.map(|r| r.title).unwrap_or_default();
                    eprintln!("note: this file is another copy of report {original} ({title}); it is searched through that report (`yanbao duplicate unmark {id}` makes it a report of its own)");
                }
                let copies = library.copies_of(&report.id)?;
                if !copies.is_empty() {
                    eprintln!("note: the library holds {} other file(s) of this report: {}", copies.len(), copies.join(", "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { query, scope, from, to, institution, author, company, limit } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let request = SearchRequest {
                query,
                scope,
                from,
                to,
                institution,
                author,
                company,
                limit: limit.clamp(1, 1000),
                ..SearchRequest::default()
            };
            let response = library.search(&request)?;
            if json {
                output::print_json(&response)?;
            } else {
                output::print_search(&response);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Timeline { from, to, entity, limit } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let entries = library.timeline(from.as_deref(), to.as_deref(), entity.as_deref(), limit.max(1))?;
            if json {
                output::print_json(&entries)?;
            } else {
                output::print_timeline(&entries);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Entity { name } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let overview = library.entity(&name)?;
            if json {
                output::print_json(&overview)?;
            } else {
                output::print_entity(&overview);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Company { company, csv } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let Some(overview) = library.company(&company)? else {
                bail!("no company {company:?} in the library: companies are learned from reports that print a name with its code, such as 紫金矿业（601899.SH）");
            };
            if json {
                output::print_json(&overview)?;
            } else if csv {
                output::print_company_csv(&overview);
            } else {
                output::print_company(&overview);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Duplicate { action } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            match action {
                DuplicateAction::List => {
                    let mut marked = Vec::new();
                    for summary in library.list(0, usize::MAX >> 1)?.into_iter().filter(|s| s.duplicate_of.is_some()) {
                        let original = summary.duplicate_of.clone().unwrap_or_default();
                        let original_title = library.get(&original)?.map(|r| r.title).unwrap_or_default();
                        marked.push(serde_json::json!({
                            "id": summary.id, "title": summary.title, "source_path": summary.source_path,
                            "duplicate_of": original, "original_title": original_title,
                        }));
                    }
                    if json {
                        output::print_json(&marked)?;
                    } else {
                        for m in &marked {
                            println!("{}\t{}\tcopy of {}\t{}", m["id"].as_str().unwrap_or(""), m["title"].as_str().unwrap_or(""), m["duplicate_of"].as_str().unwrap_or(""), m["original_title"].as_str().unwrap_or(""));
                        }
                        eprintln!("{} file(s) marked as other copies of a stored report", marked.len());
                    }
                }
                DuplicateAction::Unmark { id } => {
                    let changed = library.unmark_duplicate(&id)?;
                    if json {
                        output::print_json(&serde_json::json!({ "id": id, "duplicate_of": null, "changed": changed }))?;
                    } else if changed {
                        println!("{id} is a report of its own again: searched and on the timeline");
                    } else {
                        println!("{id} was not marked as a copy; nothing changed");
                    }
                }
                DuplicateAction::Mark { id, original } => {
                    let changed = library.mark_duplicate(&id, &original)?;
                    let stored = library.get(&id)?.and_then(|r| r.duplicate_of).unwrap_or(original);
                    if json {
                        output::print_json(&serde_json::json!({ "id": id, "duplicate_of": stored, "changed": changed }))?;
                    } else {
                        println!("{id} is marked as another copy of {stored}: searched once, through it");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Remove { id } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let removed = library.remove(&id)?;
            if json {
                output::print_json(&serde_json::json!({ "id": id, "removed": removed }))?;
            } else if removed {
                println!("{id} removed");
            }
            if !removed {
                bail!("no report with id {id}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Export { output } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let count = match output::file_target(output) {
                Some(path) => {
                    // Write beside the target, then rename: an interrupted export never leaves half a file.
                    let partial = path.with_extension("jsonl.partial");
                    let file = std::fs::File::create(&partial).with_context(|| format!("cannot write {}", partial.display()))?;
                    let mut writer = std::io::BufWriter::new(file);
                    let count = library.export(&mut writer)?;
                    writer.flush()?;
                    std::fs::rename(&partial, &path)?;
                    count
                }
                None => library.export(&mut std::io::BufWriter::new(std::io::stdout().lock()))?,
            };
            eprintln!("exported {count} reports");
            Ok(ExitCode::SUCCESS)
        }
        Command::Stats => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let stats = library.stats()?;
            if json {
                output::print_json(&stats)?;
            } else {
                output::print_stats(&stats, yanbao_engine::pdf_support());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let bar = progress_bar(json);
            let count = library.reindex(&mut |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })?;
            bar.finish_and_clear();
            if json {
                output::print_json(&serde_json::json!({ "reindexed": count }))?;
            } else {
                println!("reindexed {count} reports");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Render { ids } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            let bar = progress_bar(json);
            let summary = library.render_reports(&ids, &mut |done, total| {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
            })?;
            bar.finish_and_clear();
            if json {
                output::print_json(&summary)?;
            } else {
                println!("drew {} pictures of {} pdf reports", summary.pictures, summary.reports);
                for (id, error) in &summary.failed {
                    eprintln!("warning: {id}: {error}");
                }
            }
            Ok(if summary.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Serve { addr, samples, base_url, header_timeout, request_timeout, upload_timeout, max_connections } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            if let Some(samples) = samples {
                let code = ingest(&library, &[samples], json, progress_bar(json))?;
                if code != ExitCode::SUCCESS {
                    eprintln!("warning: some sample files failed to ingest; serving the rest");
                }
            }
            let base_url = base_url.unwrap_or_else(|| format!("http://{addr}"));
            let config = yanbao_server::ServerConfig {
                addr,
                base_url,
                header_read_timeout: std::time::Duration::from_secs(header_timeout),
                request_timeout: std::time::Duration::from_secs(request_timeout),
                upload_timeout: std::time::Duration::from_secs(upload_timeout),
                max_connections: max_connections as usize,
                ..yanbao_server::ServerConfig::default()
            };
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
            runtime.block_on(yanbao_server::serve(library, config))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate { from, to } => migrate(&from, &to, json),
        Command::Backup { dest } => backup(&cli.data, cli.db.as_deref(), &dest, json),
        Command::Restore { src, force } => restore(&src, &cli.data, cli.db.as_deref(), force, json),
        Command::Enqueue { paths } => {
            let library = open_worker(cli.db.as_deref(), "enqueue")?;
            let bar = progress_bar(json);
            let results = library.enqueue(&paths, &mut |one| {
                bar.inc(1);
                if !json {
                    bar.suspend(|| output::print_enqueued(one));
                }
            })?;
            bar.finish_and_clear();
            if json {
                output::print_json(&results)?;
            }
            let failed = results.iter().filter(|r| r.error.is_some()).count();
            if !json {
                let new = results.iter().filter(|r| r.new).count();
                println!("{new} queued, {} already queued, {failed} failed", results.len() - new - failed);
            }
            Ok(if failed > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Worker { name, until_empty, lease, timeout, metrics_addr } => {
            let mut library = open_worker(cli.db.as_deref(), "worker")?;
            library.set_parse_options(worker_options(None, timeout));
            let library = std::sync::Arc::new(library);
            if let Some(addr) = metrics_addr {
                let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
                let served = library.clone();
                std::thread::spawn(move || {
                    if let Err(e) = runtime.block_on(yanbao_server::metrics::serve_metrics(served, &addr)) {
                        eprintln!("warning: no metrics: {e}");
                    }
                });
            }
            let options = yanbao_engine::worker::WorkerOptions {
                name: name.unwrap_or_else(yanbao_engine::worker::default_worker_name),
                lease: Duration::from_secs(lease),
                until_empty,
                ..Default::default()
            };
            eprintln!("yanbao: worker {} taking jobs from {}", options.name, library.store().location());
            let stop = std::sync::atomic::AtomicBool::new(false);
            let done = library.work(
                &options,
                &stop,
                &mut |worked| {
                    if json {
                        let _ = output::print_json_line(worked);
                    } else {
                        output::print_worked(worked);
                    }
                },
                &mut |problem| eprintln!("warning: {problem} (trying again)"),
            )?;
            if !json {
                eprintln!("yanbao: worker {} stops after {done} jobs", options.name);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Jobs { action: Some(JobsAction::Retry { id }), .. } => {
            let library = open_worker(cli.db.as_deref(), "jobs")?;
            if !library.retry_job(id)? {
                bail!("job {id} is not failed (or its bytes are gone): nothing to retry");
            }
            println!("job {id} queued again");
            Ok(ExitCode::SUCCESS)
        }
        Command::Jobs { action: None, state, limit } => {
            let library = open_worker(cli.db.as_deref(), "jobs")?;
            let state = state.as_deref().and_then(yanbao_engine::JobState::parse);
            let (jobs, counts) = library.jobs(state, limit)?;
            if json {
                output::print_json(&serde_json::json!({ "counts": counts.iter().map(|(s, n)| (s.as_str(), n)).collect::<std::collections::BTreeMap<_, _>>(), "jobs": jobs }))?;
            } else {
                output::print_jobs(&jobs, &counts);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { action } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            match action {
                TokenAction::Create { name } => {
                    let token = access::create_token(library.store(), &name)?;
                    if json {
                        output::print_json(&serde_json::json!({ "name": name, "token": token }))?;
                    } else {
                        println!("{token}");
                        eprintln!("token '{name}' created; it is shown only now: keep it secret");
                    }
                }
                TokenAction::List => {
                    let tokens = library.store().tokens()?;
                    if json {
                        output::print_json(&tokens)?;
                    } else {
                        for token in tokens {
                            let state = token.revoked_at.map(|at| format!("revoked {at}")).unwrap_or_else(|| "active".into());
                            println!("{}\tcreated {}\t{state}", token.name, token.created_at);
                        }
                    }
                }
                TokenAction::Revoke { name } => {
                    if !library.store().revoke_token(&name)? {
                        bail!("no active token named {name}");
                    }
                    if json {
                        output::print_json(&serde_json::json!({ "name": name, "revoked": true }))?;
                    } else {
                        println!("token '{name}' revoked");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::User { action } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            match action {
                UserAction::Add { name, role, .. } => {
                    let password = read_password()?;
                    let user = users::add_user(library.store(), &name, role.role(), &password)?;
                    if json {
                        output::print_json(&user)?;
                    } else {
                        println!("user '{}' added ({})", user.name, user.role.as_str());
                    }
                }
                UserAction::List => {
                    let people = users::list_users(library.store())?;
                    if json {
                        output::print_json(&people)?;
                    } else {
                        for user in people {
                            println!("{}\t{}\tadded {}", user.name, user.role.as_str(), user.created_at);
                        }
                    }
                }
                UserAction::Remove { name } => {
                    users::remove_user(library.store(), &name)?;
                    if json {
                        output::print_json(&serde_json::json!({ "name": name.trim(), "removed": true }))?;
                    } else {
                        println!("user '{}' removed; their sessions are over", name.trim());
                    }
                }
                UserAction::Passwd { name, .. } => {
                    let password = read_password()?;
                    users::set_password(library.store(), &name, &password)?;
                    if json {
                        output::print_json(&serde_json::json!({ "name": name.trim(), "password_changed": true }))?;
                    } else {
                        println!("password of '{}' changed; their sessions are over", name.trim());
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Share { id, hours, base_url } => {
            let library = open_library(&cli.data, cli.db.as_deref())?;
            if library.get(&id)?.is_none() {
                bail!("no report with id {id}");
            }
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
            let (exp, sig) = access::sign_share_link(library.store(), &id, now + hours.saturating_mul(3600))?;
            let url = format!("{}/reports/{id}/full?exp={exp}&sig={sig}", base_url.trim_end_matches('/'));
            if json {
                output::print_json(&serde_json::json!({ "id": id, "url": url, "expires": exp }))?;
            } else {
                println!("{url}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn progress_bar(json: bool) -> ProgressBar {
    if json || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:40.cyan/blue} {pos}/{len} {wide_msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Reads `--ocr`.
fn parse_ocr_mode(value: &str) -> std::result::Result<OcrMode, String> {
    value.parse()
}

/// Shows a worker's OCR progress on `bar`: as the bar itself for one file (`parse`), as its
/// message beside the files of a batch (`ingest`).
fn ocr_progress(bar: &ProgressBar, whole_bar: bool) -> yanbao_engine::pdf_worker::ProgressSink {
    let bar = bar.clone();
    yanbao_engine::pdf_worker::ProgressSink(std::sync::Arc::new(move |step: yanbao_engine::pdf_worker::WorkerProgress| {
        if whole_bar {
            bar.set_length(u64::from(step.total));
            bar.set_position(u64::from(step.done));
            bar.set_message("pages read by OCR");
        } else {
            bar.set_message(format!("OCR page {}/{}", step.done, step.total));
        }
    }))
}

fn ingest(library: &Library, paths: &[PathBuf], json: bool, bar: ProgressBar) -> Result<ExitCode> {
    let mut failed = 0usize;
    let mut counts = [0usize; 3];
    library.ingest(paths, &mut |event| match event {
        IngestEvent::Started { total } => bar.set_length(total as u64),
        IngestEvent::Finished(result) => {
            bar.inc(1);
            counts[match result.outcome {
                IngestOutcome::Added => 0,
                IngestOutcome::Unchanged => 1,
                IngestOutcome::Failed => 2,
            }] += 1;
            if result.outcome == IngestOutcome::Failed {
                failed += 1;
            }
            let line = if json { serde_json::to_string(result).unwrap_or_default() } else { output::ingest_line(result) };
            bar.suspend(|| {
                println!("{line}");
                output::print_warnings(&result.path, &result.warnings);
            });
            bar.set_message(result.path.clone());
        }
    })?;
    bar.finish_and_clear();
    if !json {
        eprintln!("{} added, {} unchanged, {} failed", counts[0], counts[1], counts[2]);
    }
    Ok(if failed > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn print_report(report: &yanbao_model::Report, format: Format) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let result = match format {
        Format::Json => serde_json::to_writer_pretty(&mut out, report).map_err(std::io::Error::from).and_then(|_| writeln!(out)),
        Format::Md => write!(out, "{}", yanbao_model::render::to_markdown(report)),
        Format::Text => write!(out, "{}", yanbao_model::render::to_text(report)),
    };
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// A progress bar's callback for a backup or restore: its phase as the message.
fn backup_progress(bar: &ProgressBar) -> impl FnMut(yanbao_engine::backup::Phase, u64, u64) + '_ {
    use yanbao_engine::backup::Phase;
    move |phase, done, total| {
        let message = match phase {
            Phase::Copy => "copying the store",
            Phase::Check => "checking the copy",
            Phase::Index => "building the search index",
        };
        bar.set_message(message);
        bar.set_length(total);
        bar.set_position(done);
    }
}

fn backup(data: &Path, db: Option<&str>, dest: &Path, json: bool) -> Result<ExitCode> {
    if db.is_some() {
        bail!("yanbao backup copies an embedded library; a shared library (--db) is backed up by its database server: pg_dump --format=custom (see docs/DEPLOY.md, Backups)");
    }
    let bar = progress_bar(json);
    let summary = yanbao_engine::backup::backup_folder(data, dest, &mut backup_progress(&bar)).context("backup failed")?;
    bar.finish_and_clear();
    if json {
        output::print_json(&summary)?;
    } else {
        println!(
            "backed up {} reports ({:.1} MiB, generation {}) to {} in {:.1} s; restore with: yanbao restore {} --data DIR",
            summary.manifest.reports,
            summary.manifest.bytes as f64 / 1_048_576.0,
            summary.manifest.generation,
            summary.dest,
            summary.seconds,
            summary.dest
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn restore(src: &Path, data: &Path, db: Option<&str>, force: bool, json: bool) -> Result<ExitCode> {
    if db.is_some() {
        bail!("yanbao restore brings back an embedded library; a shared library (--db) is restored by its database server: pg_restore (see docs/DEPLOY.md, Backups)");
    }
    let bar = progress_bar(json);
    let summary = yanbao_engine::backup::restore(src, data, force, &mut backup_progress(&bar)).context("restore failed")?;
    bar.finish_and_clear();
    if json {
        output::print_json(&summary)?;
    } else {
        println!(
            "restored {} reports ({} indexed) into {}{} in {:.1} s",
            summary.reports,
            summary.indexed,
            summary.data_dir,
            if summary.replaced { ", replacing the library there" } else { "" },
            summary.seconds
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn migrate(from: &Path, to: &str, json: bool) -> Result<ExitCode> {
    let bar = progress_bar(json);
    bar.set_message("copying, then checking every report");
    let summary = yanbao_engine::migrate::migrate_folder(from, to, &mut |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .with_context(|| format!("cannot move the library in {}", from.display()))?;
    bar.finish_and_clear();
    if json {
        output::print_json(&summary)?;
    } else {
        println!(
            "moved {} reports ({} added, {} already there, {} replaced; {:.1} MiB of sources), {} copy marks, {} companies, {} tokens, {} users, {} settings",
            summary.reports,
            summary.added,
            summary.unchanged,
            summary.replaced,
            summary.source_bytes as f64 / 1_048_576.0,
            summary.marks,
            summary.companies,
            summary.tokens,
            summary.users,
            summary.settings
        );
        println!("checked {} reports in the target: same JSON, same source bytes, same marks", summary.verified);
        println!("next: yanbao serve --db URL --data DIR (each node builds its own search index from the store when it starts)");
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_flags_default_to_the_server_config_defaults() {
        let cli = Cli::try_parse_from(["yanbao", "serve"]).expect("parses");
        let Command::Serve { header_timeout, request_timeout, upload_timeout, max_connections, .. } = cli.command else { panic!("not serve") };
        let config = yanbao_server::ServerConfig::default();
        assert_eq!(header_timeout, config.header_read_timeout.as_secs());
        assert_eq!(request_timeout, config.request_timeout.as_secs());
        assert_eq!(upload_timeout, config.upload_timeout.as_secs());
        assert_eq!(max_connections as usize, config.max_connections);
    }
}
