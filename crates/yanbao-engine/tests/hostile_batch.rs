//! A hostile batch through `Library::ingest` with PDFs in isolated workers (the `yanbao` binary):
//! truncated, bit-flipped and encrypted PDFs, a flate bomb, a page of three million operators,
//! an absurd MediaBox, deeply nested objects, junk named .pdf, an empty file, a 27 MB Markdown
//! report, and the good files of the repository. Each bad file must give one failed result with
//! a one-line error and store nothing; every good file must be stored.
//!
//! The worker is `target/<profile>/yanbao` next to this test's own target folder (built by
//! `cargo test --workspace`, or `cargo build -p yanbao-cli`), or `YANBAO_BIN`. Without it or
//! without PDFium the test says why and skips. The batch's peak memory is a measurement, not a
//! test: `bench/hostile/run.sh` (figures in docs/BENCHMARKS.md).

mod hostile_files;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use yanbao_engine::{IngestOutcome, Isolation, Library, ParseOptions};

/// The `yanbao` binary to use as the PDF worker, if built.
fn worker_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("YANBAO_BIN") {
        return Some(PathBuf::from(path));
    }
    // target/<profile>/deps/hostile_batch-HASH → target/<profile>/yanbao
    let exe = std::env::current_exe().ok()?;
    let profile_dir = exe.parent()?.parent()?;
    let candidate = profile_dir.join(format!("yanbao{}", std::env::consts::EXE_SUFFIX));
    candidate.is_file().then_some(candidate)
}

/// The worker and PDFium, or a printed reason to skip.
fn setup() -> Option<PathBuf> {
    if let Err(error) = yanbao_pdf::pdfium_status() {
        println!("skipped: {error}");
        return None;
    }
    let Some(exe) = worker_binary() else {
        println!("skipped: the yanbao binary is not built (cargo build -p yanbao-cli, or set YANBAO_BIN)");
        return None;
    };
    Some(exe)
}

fn library(data: &Path, exe: PathBuf, worker_memory: u64) -> Library {
    let mut library = Library::open(data).unwrap();
    library.set_parse_options(ParseOptions { isolation: Isolation::Worker { exe }, worker_memory, ..ParseOptions::default() });
    library
}

#[test]
fn a_hostile_batch_fails_file_by_file_and_stores_every_good_file() {
    let Some(exe) = setup() else { return };
    let inputs = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let batch = hostile_files::write_batch(inputs.path(), 27 * 1000 * 1000);
    let library = library(data.path(), exe, yanbao_engine::parse::DEFAULT_WORKER_MEMORY);
    let started = Instant::now();
    let results = library.ingest(&[inputs.path().to_path_buf()], &mut |_| {}).unwrap();
    let took = started.elapsed();
    for result in &results {
        println!("{:?}\t{}\t{}", result.outcome, result.path, result.error.as_deref().unwrap_or(""));
    }
    assert_eq!(results.len(), batch.bad.len() + batch.good.len(), "one result per file");
    let result_of = |path: &Path| results.iter().find(|r| Path::new(&r.path) == path).unwrap_or_else(|| panic!("no result for {}", path.display()));

    for path in &batch.bad {
        let result = result_of(path);
        assert_eq!(result.outcome, IngestOutcome::Failed, "{} was not refused: {result:?}", path.display());
        let error = result.error.as_deref().unwrap_or("");
        assert!(!error.trim().is_empty() && !error.contains('\n'), "{}: not a one-line error: {error:?}", path.display());
        assert!(!error.contains("panicked"), "{}: {error}", path.display());
    }
    let stored = library.stats().unwrap().store.reports as usize;
    for path in &batch.good {
        let result = result_of(path);
        assert!(matches!(result.outcome, IngestOutcome::Added | IngestOutcome::Unchanged), "{} was not stored: {result:?}", path.display());
        let id = result.id.as_deref().unwrap();
        let report = library.get(id).unwrap().unwrap_or_else(|| panic!("{} is not in the store", path.display()));
        assert!(!report.blocks.is_empty(), "{} was stored empty", path.display());
    }
    // Nothing stored for a bad file: the store holds the good files only.
    assert!(stored <= batch.good.len(), "{stored} reports stored for {} good files", batch.good.len());
    let good_ids: std::collections::HashSet<_> = batch.good.iter().map(|p| result_of(p).id.clone()).collect();
    assert_eq!(stored, good_ids.len());

    // The errors a user reads.
    let error_of = |name: &str| result_of(&inputs.path().join(name)).error.clone().unwrap_or_default();
    assert!(error_of("bad_flate_bomb.pdf").contains("needs more memory than the worker limit (512 MiB"), "{}", error_of("bad_flate_bomb.pdf"));
    assert!(error_of("bad_million_operators.pdf").contains("needs more memory than the worker limit"), "{}", error_of("bad_million_operators.pdf"));
    assert!(error_of("bad_absurd_mediabox.pdf").contains("1000000 × 1000000 pt"), "{}", error_of("bad_absurd_mediabox.pdf"));
    assert_eq!(error_of("bad_encrypted.pdf"), "pdf is encrypted: a password is needed");
    assert_eq!(error_of("bad_empty.pdf"), "corrupt pdf: empty file");
    let big = results.iter().find(|r| r.path.ends_with("good_big_report.md")).unwrap();
    assert!(big.warnings.iter().any(|w| w.contains("only the first")), "{:?}", big.warnings);
    println!("batch of {} files ingested in {took:?}", results.len());
}

#[test]
fn a_bomb_costs_at_most_the_memory_limit_and_fails_fast() {
    let Some(exe) = setup() else { return };
    let inputs = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let bomb = inputs.path().join("bomb.pdf");
    let bytes = hostile_files::flate_bomb(4 << 30);
    assert!(bytes.len() < 512 * 1024, "the bomb file stays small: {} bytes", bytes.len());
    std::fs::write(&bomb, bytes).unwrap();
    // A low limit: the worker is stopped at 256 MiB, long before the 4 GiB the stream inflates to.
    let library = library(data.path(), exe, 256 << 20);
    let started = Instant::now();
    let results = library.ingest(&[bomb], &mut |_| {}).unwrap();
    assert_eq!(results[0].outcome, IngestOutcome::Failed);
    assert_eq!(
        results[0].error.as_deref(),
        Some("the pdf needs more memory than the worker limit (256 MiB; see --worker-memory)")
    );
    assert!(started.elapsed() < Duration::from_secs(60), "{:?}", started.elapsed());
    assert_eq!(library.stats().unwrap().store.reports, 0);
}

#[test]
fn the_deflate_writer_round_trips_through_pdfium() {
    // A small stream written by the test encoder must read back as its text: the bombs above are
    // bombs, not junk PDFium rejects.
    if yanbao_pdf::pdfium_status().is_err() {
        println!("skipped: pdfium not installed");
        return;
    }
    let content = b"BT /F1 12 Tf 72 720 Td (Deflated hello) Tj ET\n".repeat(3);
    let once = hostile_files::one_page_pdf(&hostile_files::zlib(&content), "/Filter /FlateDecode", "[0 0 612 792]");
    let report = yanbao_pdf::parse_pdf(&once, "once.pdf", &yanbao_pdf::PdfOptions::default()).unwrap();
    assert!(report.blocks.iter().any(|b| b.text.contains("Deflated hello")), "{:?}", report.blocks);
    let unit = b"BT /F1 12 Tf 72 720 Td (Twice) Tj ET\n";
    let twice = hostile_files::one_page_pdf(
        &hostile_files::zlib(&hostile_files::zlib_repeat(unit, 40)),
        "/Filter [/FlateDecode /FlateDecode]",
        "[0 0 612 792]",
    );
    let report = yanbao_pdf::parse_pdf(&twice, "twice.pdf", &yanbao_pdf::PdfOptions::default()).unwrap();
    assert!(report.blocks.iter().any(|b| b.text.contains("Twice")), "{:?}", report.blocks);
}

/// Writes the batch for `bench/hostile/run.sh` into `YANBAO_HOSTILE_DIR`.
#[test]
#[ignore = "writes the benchmark batch; run by bench/hostile/run.sh"]
fn write_hostile_batch() {
    let dir = PathBuf::from(std::env::var_os("YANBAO_HOSTILE_DIR").expect("set YANBAO_HOSTILE_DIR"));
    let batch = hostile_files::write_batch(&dir, 27 * 1000 * 1000);
    println!("{} bad and {} good files in {}", batch.bad.len(), batch.good.len(), dir.display());
}
