//! Prints the lines of a PDF with their boxes (a development aid).
fn main() {
    let path = std::env::args().nth(1).expect("usage: lines FILE.pdf [PAGE]");
    let only: Option<u32> = std::env::args().nth(2).and_then(|p| p.parse().ok());
    let bytes = std::fs::read(&path).expect("read");
    for page in yanbao_pdf::debug_pages(&bytes).expect("parse") {
        if only.is_some_and(|p| p != page.number) { continue; }
        println!("=== page {} ({}x{})", page.number, page.width, page.height);
        for l in &page.lines {
            println!("{:6.1} {:6.1} {:6.1} {:6.1} s{:4.1} {} f{} | {}", l.x0, l.y0, l.x1, l.y1, l.size, if l.bold {"B"} else {" "}, l.font, l.text);
        }
    }
}
