//! Any bytes read as a PDF become a `Report` or a clean `PdfError`, as the isolated parse worker
//! runs it (`refuse_blank`, the default page cap): PDFium's reading, then all of yanbao's own
//! layout analysis (lines, columns, reading order, headings, cover, tables, figures).
//!
//! `parse_pdf` catches panics of its layout step in production; libFuzzer's panic hook aborts
//! before any unwinding, so a panic in our Rust is found, not hidden. A crash inside PDFium's C
//! code is PDFium's (the worker process isolates it): recorded in docs/RELIABILITY.md, not fixed.
//! Needs the PDFium library (`scripts/setup-pdfium.sh`, or `YANBAO_PDFIUM`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use yanbao_pdf::PdfOptions;

fuzz_target!(
    init: {
        // Without PDFium every input would be a clean "library missing" error: refuse to run.
        if let Err(why) = yanbao_engine::pdf_support() {
            panic!("the pdf target needs PDFium (scripts/setup-pdfium.sh): {why}");
        }
    },
    |data: &[u8]| {
        // No OCR: reading a scanned page takes seconds in ONNX Runtime's C++ (over the 10-s hang
        // limit), not in yanbao's Rust; hostile page images have their own tests
        // (crates/yanbao-pdf/tests/ocr.rs).
        let options = PdfOptions { refuse_blank: true, ocr: yanbao_pdf::ocr::OcrMode::Never, ..PdfOptions::default() };
        let _ = yanbao_pdf::parse_pdf(data, "fuzz.pdf", &options);
    }
);
