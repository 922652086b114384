//! Scanned reports: image-only copies of text-layer PDFs (every page drawn by PDFium and put back
//! as one JPEG, the way a scanner or a fax would deliver it) parse by OCR into the structure the
//! original gives — title, captions, sources, paragraphs — and hostile page images fail cleanly.
//!
//! Needs PDFium (scripts/setup-pdfium.sh) and the OCR models (scripts/setup-ocr.sh); without them
//! the tests say why they skip, unless YANBAO_REQUIRE_OCR=1 (CI), where they fail.

use std::path::Path;

use yanbao_pdf::ocr::OcrMode;
use yanbao_pdf::render::{draw_rgb, Picture};
use yanbao_pdf::{parse_pdf, pdfium_status, PdfOptions};

fn fixture(path: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// True when PDFium and the OCR models are here; else says why the test skips (or fails in CI).
fn ready() -> bool {
    let missing = match (pdfium_status(), yanbao_ocr::locate::models()) {
        (Err(error), _) => error.to_string(),
        (_, Err(error)) => error.to_string(),
        _ => return true,
    };
    if std::env::var_os("YANBAO_REQUIRE_OCR").is_some() {
        panic!("YANBAO_REQUIRE_OCR is set but {missing}");
    }
    eprintln!("skip: {missing}");
    false
}

/// A PDF of one JPEG per page, nothing else: no text layer, like a scan. Pages are `width_pt`
/// wide, their height following each image's proportions.
fn image_only_pdf(pages: &[(Vec<u8>, u32, u32)], width_pt: f32) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    let count = pages.len();
    // Objects: 1 catalog, 2 pages, then per page: page, content, image.
    let kids: Vec<String> = (0..count).map(|i| format!("{} 0 R", 3 + 3 * i)).collect();
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids [{}] /Count {count} >>", kids.join(" ")).into_bytes(),
    ];
    for (i, (jpeg, width, height)) in pages.iter().enumerate() {
        let (page, content, image) = (3 + 3 * i, 4 + 3 * i, 5 + 3 * i);
        let height_pt = width_pt * *height as f32 / *width as f32;
        objects.push(
            format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width_pt:.2} {height_pt:.2}] /Resources << /XObject << /Im0 {image} 0 R >> >> /Contents {content} 0 R >>")
                .into_bytes(),
        );
        let _ = page;
        let stream = format!("q {width_pt:.2} 0 0 {height_pt:.2} 0 0 cm /Im0 Do Q");
        objects.push(format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()).into_bytes());
        let mut image_object =
            format!("<< /Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n", jpeg.len())
                .into_bytes();
        image_object.extend_from_slice(jpeg);
        image_object.extend_from_slice(b"\nendstream");
        objects.push(image_object);
    }
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

/// The image-only copy of a PDF: every page drawn `width` pixels wide, as JPEG.
fn scanned_copy(bytes: &[u8], pages: u32, width: u32) -> Vec<u8> {
    let pictures: Vec<Picture> = (1..=pages).map(|page| Picture::Page { page, width }).collect();
    let drawn = draw_rgb(bytes, None, &pictures).expect("drawn");
    let jpegs: Vec<(Vec<u8>, u32, u32)> = drawn
        .into_iter()
        .map(|page| {
            let (rgb, w, h) = page.expect("page drawn");
            (yanbao_pdf::render::encode_jpeg_at(&rgb, w, h, 85).expect("jpeg"), w, h)
        })
        .collect();
    image_only_pdf(&jpegs, 595.0)
}

fn all_text(report: &yanbao_model::Report) -> String {
    report.blocks.iter().map(|block| block.text.as_str()).collect::<Vec<_>>().join("\n")
}

#[test]
fn a_scanned_chinese_note_parses_into_the_structure_of_the_original() {
    if !ready() {
        return;
    }
    let original_bytes = fixture("crates/yanbao-server/tests/fixtures/charts.pdf");
    let original = parse_pdf(&original_bytes, "charts.pdf", &PdfOptions::default()).expect("original parses");
    let scan = scanned_copy(&original_bytes, 3, 1240);
    let never = parse_pdf(&scan, "scan.pdf", &PdfOptions { ocr: OcrMode::Never, ..PdfOptions::default() }).expect("scan parses");
    assert!(never.blocks.is_empty() && never.warnings.iter().any(|w| w.contains("no text layer")), "{:?}", never.warnings);

    let report = parse_pdf(&scan, "scan.pdf", &PdfOptions::default()).expect("scan parses with ocr");
    assert_eq!(report.source.ocr_pages, vec![1, 2, 3]);
    assert!(report.warnings.iter().any(|w| w.contains("read by OCR") && w.contains("1–3")), "{:?}", report.warnings);
    assert!(report.blocks.iter().all(|block| block.ocr), "every block comes from an OCR'd page");
    assert_eq!(report.title, original.title, "the title is found on the scanned cover");
    assert_eq!(report.date, original.date);
    let labels = |r: &yanbao_model::Report| r.figures.iter().map(|f| f.label.clone()).collect::<Vec<_>>();
    assert_eq!(labels(&report), labels(&original), "every caption is found");
    let sources = |r: &yanbao_model::Report| r.figures.iter().filter(|f| f.source.is_some()).count();
    assert_eq!(sources(&report), sources(&original), "every 资料来源 line is found");
    // The body reads as the original: few characters differ.
    let (ours, theirs) = (all_text(&report), all_text(&original));
    let fold = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<Vec<char>>();
    let (a, b) = (fold(&ours), fold(&theirs));
    let distance = edit_distance(&a, &b);
    assert!((distance as f64) < 0.03 * b.len() as f64, "{distance} edits over {} characters:\n{ours}\n---\n{theirs}", b.len());
}

/// Words of four letters or more, lowercased, punctuation trimmed.
fn words(text: &str) -> std::collections::HashSet<String> {
    text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase()).filter(|w| w.len() > 3).collect()
}

/// Share of the words of `original`'s page 1 found in `read`, and the ones missing.
fn words_found(original: &yanbao_model::Report, read: &yanbao_model::Report) -> (f64, Vec<String>) {
    let first_page: String = original.blocks.iter().filter(|b| b.page == Some(1)).map(|b| b.text.as_str()).collect::<Vec<_>>().join(" ");
    let (theirs, ours) = (words(&format!("{} {first_page}", original.title)), words(&format!("{} {}", read.title, all_text(read))));
    let missing: Vec<String> = theirs.difference(&ours).cloned().collect();
    (1.0 - missing.len() as f64 / theirs.len().max(1) as f64, missing)
}

#[test]
fn english_pages_read_by_ocr_keep_their_words() {
    if !ready() {
        return;
    }
    let original_bytes = fixture("samples/en_us_meta-report-1.pdf");
    let original = parse_pdf(&original_bytes, "meta.pdf", &PdfOptions::default()).expect("original parses");
    // `always` reads a born-digital page by OCR too, and says so.
    let always = parse_pdf(&original_bytes, "meta.pdf", &PdfOptions { ocr: OcrMode::Always, ..PdfOptions::default() }).expect("parses");
    assert_eq!(always.source.ocr_pages, (1..=original.source.pages.unwrap_or(1)).collect::<Vec<u32>>());
    assert_eq!(always.title, original.title);
    let (share, missing) = words_found(&original, &always);
    assert!(share >= 0.9, "{share:.2} of the words of page 1 read; missing {missing:?}");
    // A scan of it (a JPEG re-drawn: blurred, word gaps narrower) is read too, less well: word
    // spaces are the weak point of PP-OCR on small English type (docs/quality/ocr.md).
    let scan = scanned_copy(&original_bytes, 1, 1240);
    let report = parse_pdf(&scan, "scan.pdf", &PdfOptions::default()).expect("scan parses");
    assert_eq!(report.source.ocr_pages, vec![1]);
    let (share, missing) = words_found(&original, &report);
    assert!(share >= 0.6, "{share:.2} of the words of page 1 read; missing {missing:?} in\n{}", all_text(&report));
}

#[test]
fn hostile_page_images_fail_one_page_not_the_file() {
    if !ready() {
        return;
    }
    // A broken JPEG stream on page 1, a good page 2, a 1 × 1 pixel page 3.
    let good = {
        let original = fixture("crates/yanbao-server/tests/fixtures/charts.pdf");
        let drawn = draw_rgb(&original, None, &[Picture::Page { page: 1, width: 1000 }]).expect("drawn");
        let (rgb, w, h) = drawn.into_iter().next().unwrap().unwrap();
        (yanbao_pdf::render::encode_jpeg_at(&rgb, w, h, 85).unwrap(), w, h)
    };
    let broken = (b"\xff\xd8\xff\xe0 not a jpeg at all".repeat(50), 2000, 3000);
    let tiny = (yanbao_pdf::render::encode_jpeg_at(&[255, 255, 255], 1, 1, 85).unwrap(), 1, 1);
    let pdf = image_only_pdf(&[broken, good, tiny], 595.0);
    let report = parse_pdf(&pdf, "hostile.pdf", &PdfOptions::default()).expect("the file parses");
    assert!(report.blocks.iter().any(|b| b.page == Some(2) && b.text.contains("金刚线")), "page 2 is read: {:?}", report.blocks);
    assert!(!report.blocks.iter().any(|b| b.page == Some(1) || b.page == Some(3)));
}

fn edit_distance(a: &[char], b: &[char]) -> usize {
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            current.push((previous[j + 1] + 1).min(current[j] + 1).min(previous[j] + usize::from(ca != cb)));
        }
        previous = current;
    }
    previous[b.len()]
}

/// Lines set closer than the detector grows them — Alphabet's 10-K footnote in 6-point type,
/// 9 points apart — are read from boxes cut where they reach into each other: from the grown
/// boxes, holding their neighbours' ink, the middle line read `open market urhase rpriategtiatd
/// tranation…`. Reads the corpus file when `../shared` is here.
#[test]
fn a_footnote_set_close_reads_as_printed() {
    if !ready() {
        return;
    }
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pdf/en_us_2022-alphabet-annual-report-56-59.pdf");
    let Ok(bytes) = std::fs::read(&file) else {
        println!("skipped: {} not found", file.display());
        return;
    };
    let drawn = draw_rgb(&bytes, None, &[Picture::Page { page: 3, width: 1240 }]).expect("drawn");
    let (rgb, width, height) = drawn.into_iter().next().expect("one page").expect("page 3 drawn");
    let image = image::RgbImage::from_raw(width, height, rgb).expect("rgb image");
    let mut engine = yanbao_ocr::Engine::load().expect("models load");
    let lines = engine.read_page(&image).expect("page read");
    let text: String = lines.iter().flat_map(|line| line.text.chars()).filter(|c| !c.is_whitespace()).collect();
    for printed in ["openmarketpurchasesorprivatelynegotiatedtransactions", "repurchaseprogramdoesnothaveanexpiration"] {
        assert!(text.contains(printed), "{printed} not in:\n{}", lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n"));
    }
}
