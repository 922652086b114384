//! Parses one text/Markdown/HTML report and prints its JSON: `cargo run -p yanbao-text --example parse_text -- FILE`.
//! With `--summary`, prints counts and the time taken instead (for large files).

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse FILE");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("{path}: {err}");
            std::process::exit(1);
        }
    };
    let summary = std::env::args().any(|a| a == "--summary");
    let started = std::time::Instant::now();
    match yanbao_text::parse_text(&bytes, &path) {
        Ok(report) if summary => println!(
            "{path}: {} bytes, {} blocks, {} outline, {} tables, {} figures, {:?}",
            bytes.len(),
            report.blocks.len(),
            report.outline.len(),
            report.tables.len(),
            report.figures.len(),
            started.elapsed()
        ),
        Ok(report) => match serde_json::to_string_pretty(&report) {
            Ok(json) => println!("{json}"),
            Err(err) => {
                eprintln!("{path}: cannot write json: {err}");
                std::process::exit(1);
            }
        },
        Err(err) => {
            eprintln!("{path}: {err}");
            std::process::exit(1);
        }
    }
}
