//! Parses text/Markdown reports with yanbao-text, enriches them and prints events, entities and
//! numbers as JSON Lines (one report per line), for annotation and measurement.
//!
//! usage: cargo run -p yanbao-knowledge --example enrich -- FILE...

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        let mut report = match yanbao_text::parse_text(&bytes, &path) {
            Ok(report) => report,
            Err(error) => {
                eprintln!("{path}: {error}");
                continue;
            }
        };
        yanbao_knowledge::enrich(&mut report);
        let out = serde_json::json!({
            "path": path, "date": report.date, "year": report.year,
            "events": report.events, "entities": report.entities, "numbers": report.numbers.len(),
        });
        println!("{out}");
    }
}
