//! Prints raw glyphs of a page in a y range (a development aid).
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bytes = std::fs::read(&args[1]).expect("read");
    let page: usize = args[2].parse().unwrap();
    let (ya, yb): (f32, f32) = (args[3].parse().unwrap(), args[4].parse().unwrap());
    let doc = yanbao_pdf::debug_document(&bytes).expect("parse");
    for g in &doc.pages[page - 1].glyphs {
        if g.y0 >= ya && g.y0 <= yb {
            println!("{:?} {:6.1} {:6.1} {:6.1} {:6.1} s{:4.1} f{}", g.ch, g.x0, g.y0, g.x1, g.y1, g.size, g.font);
        }
    }
}
