//! Where charts are, and their pictures: each figure keeps the region between its caption and its
//! source line, and `render` draws pages and those regions as JPEGs.

use std::path::Path;

use yanbao_pdf::render::{render, Picture, PAGE_THUMB_WIDTH, PAGE_WIDTH};
use yanbao_pdf::{parse_pdf, pdfium_status, PdfOptions};

fn pdfium_available() -> bool {
    match pdfium_status() {
        Ok(_) => true,
        Err(error) => {
            println!("skipped: {error}");
            false
        }
    }
}

/// The server's chart fixture: 3 pages, one captioned chart (185 px = 139 pt tall) on each.
fn charts() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../yanbao-server/tests/fixtures/charts.pdf")).expect("charts.pdf")
}

#[test]
fn each_chart_is_the_region_between_its_caption_and_its_source() {
    if !pdfium_available() {
        return;
    }
    let report = parse_pdf(&charts(), "charts.pdf", &PdfOptions::default()).unwrap();
    assert_eq!(report.figures.len(), 3);
    for (k, figure) in report.figures.iter().enumerate() {
        assert_eq!(figure.page, Some(k as u32 + 1));
        assert!(figure.source.is_some(), "{figure:?}");
        let bbox = figure.bbox.unwrap_or_else(|| panic!("figure {k} has no region"));
        // The chart is 139 pt tall: the region holds it and little more (no caption, no source).
        assert!((130..=160).contains(&bbox.height()), "figure {k}: {bbox:?}");
        assert!(bbox.width() > 340, "figure {k}: {bbox:?}");
    }
}

#[test]
fn pages_and_charts_render_as_jpegs_of_the_asked_size() {
    if !pdfium_available() {
        return;
    }
    let bytes = charts();
    let report = parse_pdf(&bytes, "charts.pdf", &PdfOptions::default()).unwrap();
    let bbox = report.figures[0].bbox.unwrap();
    let pictures = [
        Picture::Page { page: 1, width: PAGE_WIDTH },
        Picture::Page { page: 1, width: PAGE_THUMB_WIDTH },
        Picture::figure(1, bbox, false),
        Picture::figure(1, bbox, true),
        Picture::Page { page: 9, width: PAGE_WIDTH },
    ];
    let results = render(&bytes, None, &pictures).unwrap();
    let page = results[0].as_ref().unwrap();
    assert_eq!((page.width, page.media_type.as_str()), (PAGE_WIDTH, "image/jpeg"));
    assert!((1690..=1700).contains(&page.height), "A4 proportions: {}", page.height);
    assert!(page.bytes.starts_with(&[0xFF, 0xD8]));
    assert_eq!(results[1].as_ref().unwrap().width, PAGE_THUMB_WIDTH);
    let chart = results[2].as_ref().unwrap();
    assert_eq!(chart.width, (bbox.width() as f32 * 2.5).round() as u32);
    assert!(results[3].as_ref().unwrap().width <= 360);
    assert_eq!(results[4].as_ref().unwrap_err(), "page 9 is not in this pdf (it has 3)");
    // A white page has no ink; a page of the report has some: the picture is of the page.
    let white = vec![255u8; 16 * 16 * 3];
    assert!(page.bytes.len() > yanbao_pdf::render::encode_jpeg(&white, 16, 16).unwrap().len() * 20);
}

#[test]
fn a_chart_in_a_cover_sidebar_keeps_to_its_column() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/pdf/zh_qp11_20170303-广发证券-低延迟趋势线与交易择时.pdf");
    let Ok(bytes) = std::fs::read(&file) else {
        println!("skipped: {} is absent (the shared corpus is not here)", file.display());
        return;
    };
    if !pdfium_available() {
        return;
    }
    let report = parse_pdf(&bytes, "qp11.pdf", &PdfOptions::default()).unwrap();
    let first = &report.figures[0];
    assert_eq!((first.label.as_str(), first.page), ("图 1", Some(1)));
    let bbox = first.bbox.unwrap();
    // The cover's body text runs from x ≈ 34 pt to ≈ 375 pt; the sidebar chart starts at ≈ 385 pt.
    assert!(bbox.x0 > 370, "{bbox:?}");
    // 图2 has no source line: it ends at the sidebar's next text (分析师), not the page's end.
    let second = report.figures[1].bbox.unwrap();
    assert!(second.y1 < 560, "{second:?}");
}
