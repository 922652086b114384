//! Measures full-structure parsing speed: `bench_pdf [--runs N] [--json] FILE_OR_DIR...`.
//!
//! For each PDF, parses it N times (default 5) in this one process and reports the median wall time,
//! pages per second and the process's peak RSS. Run with `--release`.
use std::path::PathBuf;
use std::time::Instant;

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()))
        .unwrap_or(0)
}

fn main() {
    let mut runs = 5usize;
    let mut json = false;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(5).max(1),
            "--json" => json = true,
            _ => {
                let path = PathBuf::from(&arg);
                if path.is_dir() {
                    let mut found: Vec<PathBuf> = std::fs::read_dir(&path)
                        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect())
                        .unwrap_or_default();
                    found.sort();
                    files.extend(found);
                } else {
                    files.push(path);
                }
            }
        }
    }
    if let Err(error) = yanbao_pdf::pdfium_status() {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
    let (mut total_pages, mut total_seconds) = (0u64, 0f64);
    for file in &files {
        let Ok(bytes) = std::fs::read(file) else { continue };
        let mut times = Vec::new();
        let mut pages = 0u64;
        let mut failed = None;
        for _ in 0..runs {
            let started = Instant::now();
            match yanbao_pdf::parse_pdf(&bytes, &file.to_string_lossy(), &yanbao_pdf::PdfOptions::default()) {
                Ok(report) => pages = report.source.pages.unwrap_or(0) as u64,
                Err(error) => failed = Some(error.to_string()),
            }
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if failed.is_none() {
            total_pages += pages;
            total_seconds += median;
        }
        if json {
            println!("{}", serde_json::json!({"file": name, "pages": pages, "median_s": median, "error": failed}));
        } else {
            let rate = if median > 0.0 { pages as f64 / median } else { 0.0 };
            println!("{:<60} {:>4} pages {:>8.1} ms {:>8.1} pages/s {}", name.chars().take(60).collect::<String>(), pages, median * 1000.0, rate, failed.unwrap_or_default());
        }
    }
    let rate = if total_seconds > 0.0 { total_pages as f64 / total_seconds } else { 0.0 };
    if json {
        println!("{}", serde_json::json!({"total_pages": total_pages, "total_s": total_seconds, "pages_per_s": rate, "peak_rss_kib": peak_rss_kib()}));
    } else {
        println!("total {total_pages} pages in {total_seconds:.2} s (median of {runs} runs each): {rate:.1} pages/s, peak RSS {} MiB", peak_rss_kib() / 1024);
    }
}
