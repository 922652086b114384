//! Prints a page's lines in reading order with running flags, and with a third argument
//! `shapes` the drawn shapes too (a development aid).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("read");
    let page: usize = args.get(2).and_then(|p| p.parse().ok()).unwrap_or(1);
    let doc = yanbao_pdf::debug_document(&bytes).expect("parse");
    let mut pages = yanbao_pdf::layout::prepare::prepare_pages(yanbao_pdf::page::text_layer_pages(&doc));
    yanbao_pdf::layout::running::mark_running(&mut pages);
    let p = &pages[page - 1];
    let geometry: Vec<&yanbao_pdf::lines::Line> = p.lines.iter().map(|l| &l.line).collect();
    for i in yanbao_pdf::order::reading_order(&geometry) {
        let l = &p.lines[i];
        println!("{:6.1} {:6.1} {:6.1} s{:4.1} {} {} | {}", l.line.x0, l.line.y0, l.line.x1, l.line.size, if l.line.bold { "B" } else { " " }, if l.running { "R" } else { " " }, l.text);
    }
    if args.get(3).map(String::as_str) == Some("shapes") {
        for s in &p.shapes {
            println!("shape {:6.1} {:6.1} {:6.1} {:6.1}{}", s.x0, s.y0, s.x1, s.y1, if s.image { " image" } else { "" });
        }
    }
}
