//! Times the parser's phases on one file: `cargo run -p yanbao-text --example phases -- FILE`.

use std::time::Instant;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: phases FILE");
        std::process::exit(2);
    };
    let Ok(bytes) = std::fs::read(&path) else {
        eprintln!("{path}: cannot read");
        std::process::exit(1);
    };
    let t = Instant::now();
    let Ok(decoded) = yanbao_text::decode::decode(&bytes) else {
        eprintln!("{path}: cannot decode");
        std::process::exit(1);
    };
    println!("decode    {:?}", t.elapsed());
    let t = Instant::now();
    let lines: Vec<String> = decoded.text.lines().map(yanbao_text::markup::strip_inline).collect();
    println!("strip     {:?}", t.elapsed());
    let t = Instant::now();
    let cleaned: usize = lines.iter().map(|l| yanbao_model::normalize::clean(l).len()).sum();
    println!("clean     {:?} ({cleaned} bytes)", t.elapsed());
    let t = Instant::now();
    let items = yanbao_text::items::items_of(&decoded.text, false);
    println!("items     {:?}", t.elapsed());
    let t = Instant::now();
    let body = yanbao_text::structure::build(&items);
    println!("structure {:?} ({} blocks)", t.elapsed(), body.blocks.len());
    let t = Instant::now();
    let report = yanbao_text::parse_text(&bytes, &path);
    println!("total     {:?} ({})", t.elapsed(), report.is_ok());
}
