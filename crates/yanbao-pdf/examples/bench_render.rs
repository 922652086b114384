//! What pictures cost (docs/BENCHMARKS.md "Pictures"): for each PDF, parse it (extract +
//! layout, what ingest pays), then draw every page at the reader's width and as a thumbnail,
//! and every figure's chart and its thumbnail, as the PDF worker does — CPU time of each, and
//! the bytes of the pictures. Runs `--runs N` times (default 3) and prints the medians.
//!
//! `cargo run --release -p yanbao-pdf --example bench_render -- [--runs 3] FILE.pdf|DIR…`
use std::path::PathBuf;
use std::time::Duration;

use yanbao_pdf::render::{render, Picture, PAGE_THUMB_WIDTH, PAGE_WIDTH};

/// CPU time of this process (user + system).
fn cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: getrusage fills the struct.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let time = |t: libc::timeval| Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64);
    time(usage.ru_utime) + time(usage.ru_stime)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 3;
    if let Some(at) = args.iter().position(|a| a == "--runs") {
        runs = args.get(at + 1).and_then(|n| n.parse().ok()).unwrap_or(3);
        args.drain(at..(at + 2).min(args.len()));
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in &args {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(&path).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "pdf")).collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(path);
        }
    }
    if files.is_empty() {
        eprintln!("usage: bench_render [--runs N] FILE.pdf|DIR…");
        std::process::exit(2);
    }
    let (mut parse_s, mut pages_s, mut thumbs_s, mut figures_s) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut pages, mut figures, mut page_bytes, mut thumb_bytes, mut figure_bytes, mut figure_thumb_bytes) = (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    for run in 0..runs {
        let (mut parse_t, mut pages_t, mut thumbs_t, mut figures_t) = (0.0, 0.0, 0.0, 0.0);
        for file in &files {
            let Ok(bytes) = std::fs::read(file) else { continue };
            let started = cpu();
            let Ok(report) = yanbao_pdf::parse_pdf(&bytes, &file.display().to_string(), &yanbao_pdf::PdfOptions::default()) else { continue };
            parse_t += (cpu() - started).as_secs_f64();
            let count = report.source.pages.unwrap_or(0);
            let full: Vec<Picture> = (1..=count).map(|page| Picture::Page { page, width: PAGE_WIDTH }).collect();
            let small: Vec<Picture> = (1..=count).map(|page| Picture::Page { page, width: PAGE_THUMB_WIDTH }).collect();
            let charts: Vec<Picture> = report.figures.iter().filter_map(|f| Some(Picture::figure(f.page?, f.bbox?, false))).collect();
            let chart_thumbs: Vec<Picture> = report.figures.iter().filter_map(|f| Some(Picture::figure(f.page?, f.bbox?, true))).collect();
            let timed = |pictures: &[Picture], total: &mut f64| -> usize {
                let started = cpu();
                let made = render(&bytes, None, pictures).map(|r| r.into_iter().flatten().map(|p| p.bytes.len()).sum()).unwrap_or(0);
                *total += (cpu() - started).as_secs_f64();
                made
            };
            let (a, b, c, d) = (timed(&full, &mut pages_t), timed(&small, &mut thumbs_t), timed(&charts, &mut figures_t), timed(&chart_thumbs, &mut 0.0));
            if run == 0 {
                pages += full.len();
                figures += charts.len();
                page_bytes += a;
                thumb_bytes += b;
                figure_bytes += c;
                figure_thumb_bytes += d;
            }
        }
        parse_s.push(parse_t);
        pages_s.push(pages_t);
        thumbs_s.push(thumbs_t);
        figures_s.push(figures_t);
    }
    let (parse, page_cpu, thumb_cpu, figure_cpu) = (median(parse_s), median(pages_s), median(thumbs_s), median(figures_s));
    println!("{} PDFs, {pages} pages, {figures} charts with a region; medians of {runs} runs (CPU seconds, one core)", files.len());
    println!("| work | CPU s | per second per core | bytes each |");
    println!("|---|---|---|---|");
    println!("| parse (extract + layout) | {parse:.2} | {:.1} pages | |", pages as f64 / parse.max(1e-9));
    println!("| page pictures, {PAGE_WIDTH} px JPEG | {page_cpu:.2} | {:.1} pages | {} |", pages as f64 / page_cpu.max(1e-9), page_bytes / pages.max(1));
    println!("| page thumbnails, {PAGE_THUMB_WIDTH} px | {thumb_cpu:.2} | {:.1} pages | {} |", pages as f64 / thumb_cpu.max(1e-9), thumb_bytes / pages.max(1));
    println!("| chart pictures | {figure_cpu:.2} | {:.1} charts | {} (thumbnail {}) |", figures as f64 / figure_cpu.max(1e-9), figure_bytes / figures.max(1), figure_thumb_bytes / figures.max(1));
    println!("drawing every page and chart at ingest would add {:.0} % to the parse's CPU", 100.0 * (page_cpu + thumb_cpu + figure_cpu) / parse.max(1e-9));
    compare_encoders(&files);
}

/// Bytes and encode CPU of the same page pixels as JPEG at three qualities and as PNG (the first
/// 5 pages of each file, at the reader's width).
fn compare_encoders(files: &[PathBuf]) {
    let mut pixels = Vec::new();
    for file in files {
        let Ok(bytes) = std::fs::read(file) else { continue };
        let pictures: Vec<Picture> = (1..=5).map(|page| Picture::Page { page, width: PAGE_WIDTH }).collect();
        if let Ok(drawn) = yanbao_pdf::render::draw_rgb(&bytes, None, &pictures) {
            pixels.extend(drawn.into_iter().flatten());
        }
    }
    println!("\n{} pages at {PAGE_WIDTH} px, encoded from the same pixels:", pixels.len());
    println!("| encoding | KB per page (mean) | encode ms per page |");
    println!("|---|---|---|");
    let encoders: [(&str, Box<dyn Fn(&[u8], u32, u32) -> Result<Vec<u8>, String>>); 4] = [
        ("JPEG q70", Box::new(|rgb, w, h| yanbao_pdf::render::encode_jpeg_at(rgb, w, h, 70))),
        ("JPEG q82 (chosen)", Box::new(|rgb, w, h| yanbao_pdf::render::encode_jpeg_at(rgb, w, h, 82))),
        ("JPEG q90", Box::new(|rgb, w, h| yanbao_pdf::render::encode_jpeg_at(rgb, w, h, 90))),
        ("PNG (lossless)", Box::new(|rgb, w, h| yanbao_pdf::render::encode_png(rgb, w, h))),
    ];
    for (name, encode) in encoders {
        let started = cpu();
        let total: usize = pixels.iter().map(|(rgb, w, h)| encode(rgb, *w, *h).map(|b| b.len()).unwrap_or(0)).sum();
        let ms = (cpu() - started).as_secs_f64() * 1000.0 / pixels.len().max(1) as f64;
        println!("| {name} | {:.0} | {ms:.1} |", total as f64 / 1024.0 / pixels.len().max(1) as f64);
    }
}
