//! Plain renderings of a report for terminals and files: Markdown and text.

use std::fmt::Write;

use crate::{BlockKind, Report};

/// Renders a report as Markdown: metadata, headings, paragraphs, tables (pipe tables with
/// caption and source) and figure captions, in reading order.
pub fn to_markdown(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", report.title);
    for line in metadata_lines(report) {
        let _ = writeln!(out, "- {line}");
    }
    out.push('\n');
    for (index, block) in report.blocks.iter().enumerate() {
        match block.kind {
            BlockKind::Heading => {
                let level = report.outline.iter().find(|o| o.block == index).map(|o| o.level).unwrap_or(1);
                let _ = writeln!(out, "{} {}\n", "#".repeat(usize::from(level.clamp(1, 5)) + 1), block.text);
            }
            BlockKind::Table => match report.tables.iter().find(|t| t.block == index) {
                Some(table) => {
                    let _ = writeln!(out, "**{} {}**\n", table.label, table.caption);
                    if !table.header.is_empty() {
                        let _ = writeln!(out, "| {} |", table.header.iter().map(|c| pipe_cell(c)).collect::<Vec<_>>().join(" | "));
                        let _ = writeln!(out, "|{}|", vec!["---"; table.header.len()].join("|"));
                    }
                    for row in &table.rows {
                        let _ = writeln!(out, "| {} |", row.iter().map(|c| pipe_cell(c)).collect::<Vec<_>>().join(" | "));
                    }
                    source_lines(&mut out, table.source.as_deref(), table.notes.as_deref());
                }
                None => {
                    let _ = writeln!(out, "{}\n", block.text);
                }
            },
            BlockKind::Figure => match report.figures.iter().find(|f| f.block == index) {
                Some(figure) => {
                    let _ = writeln!(out, "**{} {}**", figure.label, figure.caption);
                    source_lines(&mut out, figure.source.as_deref(), figure.notes.as_deref());
                }
                None => {
                    let _ = writeln!(out, "{}\n", block.text);
                }
            },
            BlockKind::List => {
                for item in block.text.lines() {
                    let _ = writeln!(out, "- {item}");
                }
                out.push('\n');
            }
            BlockKind::Paragraph => {
                let _ = writeln!(out, "{}\n", block.text);
            }
            BlockKind::Formula => {
                // As printed (not LaTeX): a fenced block keeps Markdown from reading `_` and `*`.
                let _ = writeln!(out, "```\n{}\n```\n", block.text);
            }
        }
    }
    if report.preview.truncated {
        let _ = writeln!(out, "---\n\n{}", report.preview.notice.as_deref().unwrap_or("预览已结束"));
        if let Some(url) = &report.preview.full_report_url {
            let _ = writeln!(out, "\n<{url}>");
        }
    }
    out
}

/// Renders a report as plain text: title, metadata, then block texts separated by blank lines.
pub fn to_text(report: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", report.title);
    for line in metadata_lines(report) {
        let _ = writeln!(out, "{line}");
    }
    for block in &report.blocks {
        let _ = writeln!(out, "\n{}", block.text);
    }
    out
}

fn metadata_lines(report: &Report) -> Vec<String> {
    let mut lines = Vec::new();
    let mut add = |name: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            lines.push(format!("{name}: {value}"));
        }
    };
    add("id", Some(report.id.clone()));
    add("institution", report.institution.clone());
    add("institution as printed", report.institution_as_printed.clone());
    add("publisher", report.publisher.clone());
    add("authors", Some(report.authors.join(", ")));
    // A year alone is labelled a year, as everywhere else (see `report_when`).
    match (&report.date, report.year) {
        (Some(date), _) => add("date", Some(date.clone())),
        (None, year) => add("year", year.map(|y| y.to_string())),
    }
    add("type", report.report_type.clone());
    add("company", report.company.as_ref().map(|c| match (&c.code, &c.exchange) {
        (Some(code), Some(exchange)) => format!("{} ({code}.{exchange})", c.name),
        (Some(code), None) => format!("{} ({code})", c.name),
        _ => c.name.clone(),
    }));
    add("rating", report.rating.as_ref().map(|rating| match report.rating_action {
        Some(action) => format!("{rating}（{}）", action.as_str()),
        None => rating.clone(),
    }));
    add("target price", report.target_price.map(|p| format!("{p} {}", report.target_currency.as_deref().unwrap_or("")).trim().to_string()));
    add("pages", report.source.pages.map(|p| p.to_string()));
    add("source", Some(report.source.path.clone()));
    lines
}

fn source_lines(out: &mut String, source: Option<&str>, notes: Option<&str>) {
    if let Some(source) = source {
        let _ = writeln!(out, "\n资料来源：{source}");
    }
    if let Some(notes) = notes {
        let _ = writeln!(out, "\n注：{notes}");
    }
    out.push('\n');
}

fn pipe_cell(cell: &str) -> String {
    cell.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Block, Table};

    #[test]
    fn markdown_shows_tables_with_caption_and_source() {
        let mut report = Report { title: "标题".into(), ..Report::default() };
        report.blocks.push(Block { kind: BlockKind::Table, text: "表 1".into(), ..Block::default() });
        report.tables.push(Table {
            label: "表 1".into(),
            caption: "事件".into(),
            header: vec!["时间".into(), "事件".into()],
            rows: vec![vec!["5 月 27 日".into(), "a|b".into()]],
            source: Some("新华社".into()),
            block: 0,
            ..Table::default()
        });
        let md = to_markdown(&report);
        assert!(md.contains("**表 1 事件**"));
        assert!(md.contains("| 5 月 27 日 | a\\|b |"));
        assert!(md.contains("资料来源：新华社"));
    }

    #[test]
    fn a_year_alone_is_labelled_a_year() {
        let seed = Report { title: "中美元首视频会晤".into(), year: Some(2021), ..Report::default() };
        let text = to_text(&seed);
        assert!(text.contains("year: 2021") && !text.contains("date:"), "{text}");
        let dated = Report { date: Some("2023-02-02".into()), year: Some(2023), ..Report::default() };
        assert!(to_text(&dated).contains("date: 2023-02-02"));
    }
}
