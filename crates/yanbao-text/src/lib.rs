//! Text, Markdown and HTML report parser: messy converted report text into a structured yanbao Report.
//!
//! One job: turn the bytes of a text-like research report (a Markdown preview converted from a
//! PDF, a plain-text dump, an HTML page) into a [`yanbao_model::Report`] — metadata, outline,
//! paragraphs, tables with cells, figures with caption/source/notes and preview state. Events,
//! entities and key numbers are left to `yanbao-knowledge`.
//!
//! The pipeline is linear in the input size:
//! 1. [`decode`](mod@decode): bytes → text (BOM, UTF-8, GBK/GB18030 via `chardetng`), refusing binary;
//! 2. [`items`]: each line cleaned (LaTeX, Markdown escapes, HTML removed; `normalize::clean`) and
//!    classified (heading, caption, source line, table rows, TOC entry, preview notice …);
//! 3. [`structure`]: captions matched with their tables and source lines, page-break splits
//!    joined, outline levels taken from the numbering scheme;
//! 4. [`meta`]: title, byline, date, analysts, rating, institution, language.

/// Bytes → text: BOM, UTF-8, GBK/GB18030 and other encodings; binary refused.
pub mod decode;
/// Lines → classified items (headings, captions, source lines, tables, TOC entries …).
pub mod items;
/// Small pure heuristics on one line: captions, source lines, numbering, TOC entries.
pub mod lines;
/// Inline markup removal: LaTeX, Markdown escapes and emphasis, links, HTML.
pub mod markup;
/// Metadata: title, byline, date, analysts, rating, institution, language.
pub mod meta;
/// Items → blocks, outline, tables and figures.
pub mod structure;

use yanbao_model::{BlockKind, Report};

/// Why a file could not be read as a text report.
#[derive(Debug, thiserror::Error)]
pub enum TextError {
    /// The bytes are not text (NUL bytes, control bytes).
    #[error("not a text file: {0}")]
    Binary(String),
    /// The bytes are not valid in any supported text encoding.
    #[error("cannot decode text: {0}")]
    Undecodable(String),
    /// The file holds no text (empty or whitespace only).
    #[error("empty text file")]
    Empty,
}

/// True for the file extensions this crate handles: md, markdown, txt, text, htm, html (case-insensitive).
pub fn handles_extension(ext: &str) -> bool {
    let ext = ext.trim_start_matches('.').to_ascii_lowercase();
    matches!(ext.as_str(), "md" | "markdown" | "txt" | "text" | "htm" | "html")
}

/// Returns the media type for a path: `text/markdown`, `text/html` or `text/plain`.
fn media_type_of(path: &str) -> &'static str {
    let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "md" | "markdown" => "text/markdown",
        "htm" | "html" => "text/html",
        _ => "text/plain",
    }
}

/// True when decoded text is an HTML document rather than Markdown with an embedded table.
fn looks_like_html(text: &str, media_type: &str) -> bool {
    if media_type == "text/html" {
        return true;
    }
    let head: String = text.chars().take(2048).collect::<String>().to_ascii_lowercase();
    head.contains("<!doctype html") || head.contains("<html") || head.contains("<body")
}

/// Decodes and parses one text/Markdown/HTML report. Never panics; errors only for input that is not text.
pub fn parse_text(bytes: &[u8], path: &str) -> Result<Report, TextError> {
    let decoded = decode::decode(bytes)?;
    if decoded.text.trim().is_empty() {
        return Err(TextError::Empty);
    }
    let media_type = media_type_of(path);
    let mut report = Report::new_for_source(bytes, path, media_type);
    report.source.encoding = Some(decoded.encoding.to_string());
    if decoded.encoding != "UTF-8" {
        report.warnings.push(format!("decoded as {} (not utf-8)", decoded.encoding));
    }
    if decoded.replacements > 0 {
        report.warnings.push(format!("{} undecodable bytes replaced", decoded.replacements));
    }
    let items = items::items_of(&decoded.text, looks_like_html(&decoded.text, media_type));
    drop(decoded);
    let body = structure::build(&items);
    let toc_lines = body.toc_lines;
    structure::fill(&mut report, body);
    meta::fill(&mut report, &items);
    add_structure_warnings(&mut report, toc_lines);
    Ok(report)
}

/// Says in words what could not be structured.
fn add_structure_warnings(report: &mut Report, toc_lines: usize) {
    // A file holding only its title line has no body: the title is metadata, not a section.
    let title_only = matches!(report.blocks.as_slice(), [only] if only.kind == BlockKind::Heading && only.text == report.title);
    if title_only {
        report.blocks.clear();
        report.outline.clear();
        report.warnings.push("no body text: the file holds only a title".to_string());
        return;
    }
    if report.blocks.is_empty() {
        report.warnings.push("no text blocks found".to_string());
        return;
    }
    let structured = report.blocks.iter().any(|b| b.kind != BlockKind::Paragraph);
    if !structured {
        report.warnings.push("no headings, tables or figures found: text kept as plain paragraphs".to_string());
    }
    if toc_lines > 0 {
        report.warnings.push(format!("{toc_lines} table-of-contents lines left out of the body"));
    }
    let uncaptioned = report.figures.iter().filter(|f| f.caption.is_empty()).count();
    if uncaptioned > 0 {
        report.warnings.push(format!("{uncaptioned} source lines without a caption kept as unlabelled figures"));
    }
    if report.title.is_empty() {
        report.warnings.push("no title found".to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_alone_is_metadata_not_a_body() {
        let report = parse_text("# 医美系列深度研究报告：2019年中国微整形行业深度研究报告\n\n".as_bytes(), "t.md").unwrap();
        assert_eq!(report.title, "医美系列深度研究报告：2019年中国微整形行业深度研究报告");
        assert!(report.blocks.is_empty() && report.outline.is_empty(), "{:?}", report.blocks);
        assert!(report.warnings.iter().any(|w| w.contains("only a title")), "{:?}", report.warnings);
    }

    #[test]
    fn extensions() {
        for ext in ["md", "MD", "markdown", "txt", "text", "htm", "HTML", ".md"] {
            assert!(handles_extension(ext), "{ext}");
        }
        assert!(!handles_extension("pdf"));
        assert!(!handles_extension(""));
    }

    #[test]
    fn errors_are_one_lowercase_line() {
        assert_eq!(parse_text(b"  \n\t ", "a.txt").unwrap_err().to_string(), "empty text file");
        let binary = parse_text(b"\x00\x01\x02binary", "a.txt").unwrap_err().to_string();
        assert!(binary.starts_with("not a text file"), "{binary}");
    }

    #[test]
    fn unstructured_text_gets_paragraphs_and_a_warning() {
        let report = parse_text("just some words.\n\nand more words.".as_bytes(), "a.txt").unwrap();
        assert_eq!(report.blocks.len(), 2);
        assert_eq!(report.language, "en");
        assert!(report.warnings.iter().any(|w| w.contains("plain paragraphs")));
    }
}
