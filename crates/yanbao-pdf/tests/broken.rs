//! Bad PDFs: encrypted, truncated at many bytes, bit-flipped, corrupt xref, zero-length, not a PDF,
//! scanned (no text layer), 1,000+ pages, page-tree loops and deep nesting. Each must give a clear
//! error or a warning, never a panic. Variants are generated from `tests/fixtures/meta-report-1.pdf`.

use std::path::PathBuf;

use yanbao_pdf::{parse_pdf, pdfium_status, PdfError, PdfOptions};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures")).join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn pdfium_available() -> bool {
    match pdfium_status() {
        Ok(_) => true,
        Err(error) => {
            println!("skipped: {error}");
            false
        }
    }
}

/// Parses and checks the outcome is a value or a one-line lowercase error.
fn parse_ok_or_clean_error(bytes: &[u8]) -> Result<yanbao_model::Report, PdfError> {
    let result = parse_pdf(bytes, "broken.pdf", &PdfOptions::default());
    if let Err(error) = &result {
        let message = error.to_string();
        assert!(!message.contains('\n'), "multi-line error: {message}");
        assert!(message.chars().next().map(|c| !c.is_uppercase()).unwrap_or(false), "error not lowercase: {message}");
    }
    result
}

/// Deterministic pseudo-random numbers (xorshift), so failures reproduce.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn the_fixture_parses() {
    if !pdfium_available() {
        return;
    }
    let report = parse_pdf(&fixture("meta-report-1.pdf"), "meta.pdf", &PdfOptions::default()).expect("fixture parses");
    assert_eq!(report.source.pages, Some(1));
    assert_eq!(report.language, "en");
    assert!(report.blocks.iter().any(|b| b.text.contains("Meta")), "{:?}", report.blocks.first());
}

#[test]
fn empty_and_non_pdf_inputs_are_corrupt() {
    assert!(matches!(parse_pdf(b"", "empty.pdf", &PdfOptions::default()), Err(PdfError::Corrupt(_))));
    if !pdfium_available() {
        return;
    }
    for junk in [&b"hello world"[..], &b"%PDF-1.7\n"[..], &[0u8; 4096][..], "研报".as_bytes()] {
        assert!(matches!(parse_ok_or_clean_error(junk), Err(PdfError::Corrupt(_))));
    }
}

#[test]
fn encrypted_files_need_the_right_password() {
    if !pdfium_available() {
        return;
    }
    let unknown = fixture("password-encrypted.pdf");
    assert!(matches!(parse_pdf(&unknown, "p.pdf", &PdfOptions::default()), Err(PdfError::Encrypted)));
    let locked = fixture("meta-report-1-password-yanbao.pdf");
    assert!(matches!(parse_pdf(&locked, "p.pdf", &PdfOptions::default()), Err(PdfError::Encrypted)));
    let wrong = PdfOptions { password: Some("nope".into()), ..PdfOptions::default() };
    assert!(matches!(parse_pdf(&locked, "p.pdf", &wrong), Err(PdfError::WrongPassword)));
    let right = PdfOptions { password: Some("yanbao".into()), ..PdfOptions::default() };
    let report = parse_pdf(&locked, "p.pdf", &right).expect("opens with the user password");
    assert!(report.blocks.iter().any(|b| b.text.contains("Meta")));
    assert_eq!(PdfError::Encrypted.to_string(), "pdf is encrypted: a password is needed");
}

#[test]
fn truncated_files_never_panic() {
    if !pdfium_available() {
        return;
    }
    let bytes = fixture("meta-report-1.pdf");
    let mut rng = Rng(0x9e3779b97f4a7c15);
    let mut cuts: Vec<usize> = (1..40).map(|i| bytes.len() * i / 40).collect();
    cuts.extend((0..40).map(|_| (rng.next() as usize) % bytes.len()));
    cuts.extend([1, 8, 9, 100, bytes.len() - 1]);
    for cut in cuts {
        let _ = parse_ok_or_clean_error(&bytes[..cut]);
    }
}

#[test]
fn bit_flips_and_corrupt_xref_never_panic() {
    if !pdfium_available() {
        return;
    }
    let bytes = fixture("meta-report-1.pdf");
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..60 {
        let mut damaged = bytes.clone();
        for _ in 0..(1 + rng.next() % 32) {
            let at = (rng.next() as usize) % damaged.len();
            damaged[at] ^= 1 << (rng.next() % 8);
        }
        let _ = parse_ok_or_clean_error(&damaged);
    }
    // Corrupt cross-reference table: every `xref` keyword and `startxref` offset broken.
    let text = String::from_utf8_lossy(&bytes).replace("startxref", "startxrex").replace("xref", "xrex");
    let _ = parse_ok_or_clean_error(text.as_bytes());
    let mut zeroed = bytes.clone();
    let tail = zeroed.len().saturating_sub(2048);
    for byte in &mut zeroed[tail..] {
        *byte = b'0';
    }
    let _ = parse_ok_or_clean_error(&zeroed);
}

/// Writes a minimal PDF with the given page contents (uncompressed, Helvetica), valid xref.
fn synthetic_pdf(pages: usize, text: impl Fn(usize) -> String, extra_objects: &[String]) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let first_page = 4;
    let kids: Vec<String> = (0..pages).map(|i| format!("{} 0 R", first_page + 2 * i)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {} >>", kids.join(" "), pages));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".into());
    for i in 0..pages {
        let content = format!("BT /F1 12 Tf 72 720 Td ({}) Tj ET", text(i));
        objects.push(format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>", first_page + 2 * i + 1));
        objects.push(format!("<< /Length {} >>\nstream\n{}\nendstream", content.len(), content));
    }
    objects.extend(extra_objects.iter().cloned());
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{}\nendobj\n", index + 1, object).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

#[test]
fn thousand_page_files_parse_and_the_page_limit_holds() {
    if !pdfium_available() {
        return;
    }
    let bytes = synthetic_pdf(1200, |i| format!("Page {} of a long synthetic report body line", i + 1), &[]);
    let started = std::time::Instant::now();
    let report = parse_pdf(&bytes, "long.pdf", &PdfOptions::default()).expect("1,200 pages parse");
    assert_eq!(report.source.pages, Some(1200));
    assert!(started.elapsed().as_secs() < 60);
    let limited = PdfOptions { max_pages: 1000, ..PdfOptions::default() };
    match parse_pdf(&bytes, "long.pdf", &limited) {
        Err(PdfError::TooManyPages { pages: 1200, limit: 1000 }) => {}
        other => panic!("expected the page limit, got {other:?}"),
    }
}

#[test]
fn page_tree_loops_and_deep_nesting_are_refused_or_survived() {
    if !pdfium_available() {
        return;
    }
    // Page tree whose Kids point back at the root Pages node.
    let mut looped = synthetic_pdf(1, |_| "loop".into(), &[]);
    let text = String::from_utf8_lossy(&looped).replace("/Kids [4 0 R]", "/Kids [2 0 R]");
    looped = text.into_bytes();
    let _ = parse_ok_or_clean_error(&looped);
    // A content stream nested 50,000 arrays deep.
    let deep = synthetic_pdf(1, |_| format!("{}{}", "[".repeat(50_000), "]".repeat(50_000)), &[]);
    let _ = parse_ok_or_clean_error(&deep);
}

#[test]
fn a_page_without_text_warns_no_text_layer() {
    if !pdfium_available() {
        return;
    }
    let blank = synthetic_pdf(2, |_| String::new(), &[]);
    let report = parse_pdf(&blank, "scan.pdf", &PdfOptions::default()).expect("blank pages parse");
    assert!(report.warnings.iter().any(|w| w.contains("no text layer")), "{:?}", report.warnings);
    // Without OCR (reading the scan's 27 pages takes minutes; tests/ocr.rs reads scans).
    let no_ocr = PdfOptions { ocr: yanbao_pdf::ocr::OcrMode::Never, ..PdfOptions::default() };
    let scanned = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/pdf/en_qp_scanned_varcov_jf94-1994.pdf"));
    match std::fs::read(&scanned) {
        Ok(bytes) => {
            let report = parse_pdf(&bytes, "scan.pdf", &no_ocr).expect("scanned pdf parses");
            assert!(report.warnings.iter().any(|w| w.starts_with("no text layer")), "{:?}", report.warnings);
            assert!(report.source.ocr_pages.is_empty());
        }
        Err(_) => println!("skipped the scanned corpus file: {} not found", scanned.display()),
    }
}

#[test]
fn parallel_callers_are_serialised_not_broken() {
    if !pdfium_available() {
        return;
    }
    let bytes = std::sync::Arc::new(fixture("meta-report-1.pdf"));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let bytes = bytes.clone();
            std::thread::spawn(move || parse_pdf(&bytes, "meta.pdf", &PdfOptions::default()).map(|r| r.blocks.len()))
        })
        .collect();
    let counts: Vec<usize> = workers.into_iter().map(|w| w.join().expect("no panic").expect("parses")).collect();
    assert!(counts.windows(2).all(|pair| pair[0] == pair[1]), "{counts:?}");
}
