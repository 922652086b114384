//! Parses text/Markdown reports with yanbao-text, enriches them and prints events, entities and
//! numbers as JSON Lines (one report per line), for annotation and measurement.
//!
//! usage: cargo run -p yanbao-knowledge --example enrich -- [--full] FILE...
//! (`--full` prints the whole report JSON instead, e.g. for `shared/tools/check_seed.py`).

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let full = args.iter().any(|a| a == "--full");
    for path in args.iter().filter(|a| *a != "--full") {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        let mut report = match yanbao_text::parse_text(&bytes, path) {
            Ok(report) => report,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        yanbao_knowledge::enrich(&mut report);
        if full {
            println!("{}", serde_json::to_string(&report).unwrap_or_default());
            continue;
        }
        let out = serde_json::json!({
            "path": path, "date": report.date, "year": report.year,
            "events": report.events, "entities": report.entities, "numbers": report.numbers.len(),
        });
        println!("{out}");
    }
}
