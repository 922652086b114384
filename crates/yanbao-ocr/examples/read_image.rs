//! Reads a PNG page image and prints its lines: `cargo run --release -p yanbao-ocr --example read_image -- page.png`.
fn main() {
    let path = std::env::args().nth(1).expect("usage: read_image PAGE.png");
    let image = image::open(&path).expect("readable image").to_rgb8();
    let started = std::time::Instant::now();
    let mut engine = yanbao_ocr::Engine::load().unwrap_or_else(|error| panic!("{error}"));
    let loaded = started.elapsed();
    let started = std::time::Instant::now();
    let boxes = engine.detect(&image).unwrap();
    let detected = started.elapsed();
    let lines = engine.recognise(&image, &boxes).unwrap();
    let read = started.elapsed() - detected;
    for line in &lines {
        println!("{:>6.0} {:>6.0} {:>6.0} {:>6.0} {:.2} {}", line.area.x0, line.area.y0, line.area.x1, line.area.y1, line.confidence, line.text);
    }
    eprintln!("load {loaded:?}, detect {detected:?} ({} boxes), recognise {read:?} ({} lines)", boxes.len(), lines.len());
}
