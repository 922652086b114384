//! Writes the recognition model's calibration lines (for `scripts/ocr-quantise.py`): every line
//! found on the given page images, prepared as the reader prepares it, at the two widths it reads
//! lines at. Output: `YBCAL1\n`, then per line a little-endian `u32` width and `3 × 48 × width`
//! bytes, BGR planes (`(value + 1) × 127.5` of the model's input).
//!
//! `cargo run --release -p yanbao-ocr --example calibration_lines -- OUT PAGE.png…`
//! (`scripts/make-ocr-calibration.sh` renders the pages and runs it).
use std::io::Write;

use yanbao_ocr::recognise::{self, RecogniseParams};

fn main() {
    let mut args = std::env::args().skip(1);
    let out = args.next().expect("usage: calibration_lines OUT PAGE.png…");
    let mut engine = yanbao_ocr::Engine::load().unwrap_or_else(|error| panic!("{error}"));
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out).expect("writable output"));
    file.write_all(b"YBCAL1\n").unwrap();
    let mut lines = 0;
    for path in args {
        let page = image::open(&path).unwrap_or_else(|error| panic!("{path}: {error}")).to_rgb8();
        for line in engine.detect(&page).expect("detection runs") {
            for scale in [RecogniseParams::default().width_scale, 1.0] {
                let Some(input) = recognise::prepare_line(&page, &line.read, scale) else { continue };
                let (data, width) = recognise::batch(&[&input]);
                file.write_all(&width.to_le_bytes()).unwrap();
                let bytes: Vec<u8> = data.iter().map(|v| ((v + 1.0) * 127.5).round().clamp(0.0, 255.0) as u8).collect();
                file.write_all(&bytes).unwrap();
                lines += 1;
            }
        }
    }
    file.flush().unwrap();
    eprintln!("{lines} line images written to {out}");
}
