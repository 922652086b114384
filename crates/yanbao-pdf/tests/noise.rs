//! Body text is text (issue 14): on the Chinese research PDFs of the shared corpus that have a
//! gold file, at most 3 % of the body paragraphs of 8 characters or more are numeric noise (60 %
//! or more digits, `%` and separators: chart ticks, flattened table rows, download stamps),
//! counted as `shared/tools/body-noise.py` counts them. Skips (with a printed reason) when the
//! corpus or PDFium is absent.

use std::path::PathBuf;

use yanbao_model::BlockKind;
use yanbao_pdf::numeric::is_numeric_noise;
use yanbao_pdf::{parse_pdf, pdfium_status, PdfOptions};

fn shared_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared"))
}

#[test]
fn corpus_body_paragraphs_are_at_most_three_percent_numeric_noise() {
    let corpus = shared_dir().join("corpus/pdf");
    let gold = shared_dir().join("gold/pdf");
    if !corpus.is_dir() || !gold.is_dir() {
        println!("skipped: corpus or gold not found at {}", shared_dir().display());
        return;
    }
    if let Err(error) = pdfium_status() {
        println!("skipped: {error}");
        return;
    }
    let mut pdfs: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let stem = p.file_stem().and_then(|n| n.to_str()).unwrap_or("");
            name.starts_with("zh_") && name.ends_with(".pdf") && gold.join(format!("{stem}.json")).is_file()
        })
        .collect();
    pdfs.sort();
    assert!(pdfs.len() >= 30, "expected the 32 Chinese research PDFs with gold files, found {}", pdfs.len());
    let (mut noise, mut total) = (0usize, 0usize);
    for pdf in &pdfs {
        let bytes = std::fs::read(pdf).expect("read pdf");
        let report = parse_pdf(&bytes, &pdf.to_string_lossy(), &PdfOptions::default()).expect("parse pdf");
        let paragraphs: Vec<&str> = report
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Paragraph && b.text.chars().filter(|c| !c.is_whitespace()).count() >= 8)
            .map(|b| b.text.as_str())
            .collect();
        let noisy: Vec<&&str> = paragraphs.iter().filter(|t| is_numeric_noise(t)).collect();
        if !noisy.is_empty() {
            let name = pdf.file_name().and_then(|n| n.to_str()).unwrap_or("").chars().take(30).collect::<String>();
            println!("{name}: {} of {} (e.g. {:?})", noisy.len(), paragraphs.len(), noisy[0].chars().take(40).collect::<String>());
        }
        noise += noisy.len();
        total += paragraphs.len();
    }
    let share = noise as f64 / total.max(1) as f64;
    println!("numeric-noise body paragraphs: {noise} of {total} ({:.1} %)", 100.0 * share);
    assert!(share <= 0.03, "numeric noise is {noise} of {total} body paragraphs ({:.1} %), more than 3 %", 100.0 * share);
}
