//! Offline OCR for scanned reports: a page image in, text lines with their boxes out.
//!
//! [`Engine`] runs PaddleOCR's PP-OCRv4 models (Chinese and English, Apache-2.0) with ONNX
//! Runtime, which is bound at run time like PDFium: `scripts/setup-ocr.sh` copies the models and
//! `libonnxruntime` under `.tools/ocr/`, and [`locate`] finds them. [`detect`] turns the page into
//! line boxes (DB text detection), [`recognise`] reads each line (CTC text recognition). Both
//! modules are pure functions around the two model calls, tested without the models.
//!
//! The lines come back in image pixels; the PDF parser turns them into page lines for its layout
//! stages, the same stages born-digital text goes through.

pub mod detect;
pub mod locate;
pub mod recognise;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use image::RgbImage;
use ort::session::Session;
use ort::value::TensorRef;

use detect::{DetectParams, LineBox, PixelBox};
use recognise::{Charset, LineInput, RecogniseParams};

/// Pages larger than this many pixels are refused (100 megapixels would need gigabytes).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Lines read per recognition call (lines of similar width go together). One: on a CPU,
/// batches gain nothing, and padding lines to the widest of a batch cost half the time and
/// 150 MB more at the peak (an English page: 21 s and 475 MB with 8, 11.5 s and 309 MB with 1).
const BATCH: usize = 1;
/// Lines read with less confidence than this are dropped as noise (RapidOCR's `text_score`).
const MIN_CONFIDENCE: f32 = 0.5;
/// Lines (from the top) whose reading decides whether a page is mostly Latin script.
const SCRIPT_SAMPLE: usize = 8;

/// Why OCR could not run. Each message is one lowercase line.
#[derive(Debug, thiserror::Error)]
pub enum OcrError {
    /// Models or runtime not installed; the message says how to install them.
    #[error("{0}")]
    Missing(String),
    /// ONNX Runtime refused to load or run a model.
    #[error("ocr runtime failed: {0}")]
    Runtime(String),
    /// The image cannot be read as a page.
    #[error("{0}")]
    BadImage(String),
}

/// One line of text read off a page image.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrLine {
    /// The text read.
    pub text: String,
    /// The line's box in image pixels.
    pub area: PixelBox,
    /// Mean probability of its characters, 0..1.
    pub confidence: f32,
    /// Horizontal centre of each character of `text`, in image pixels (vertical lines: along
    /// the line from its top).
    pub char_centres: Vec<f32>,
}

/// The ONNX Runtime environment, created once per process from the located library.
static RUNTIME: OnceLock<Result<(ort::environment::Environment, PathBuf), String>> = OnceLock::new();

/// Binds ONNX Runtime from `library` once per process; later calls reuse the first binding.
fn runtime(library: &Path) -> Result<&'static ort::environment::Environment, OcrError> {
    let bound = RUNTIME.get_or_init(|| {
        keep_freed_memory();
        let library = library.to_path_buf();
        std::panic::catch_unwind(|| {
            let builder = ort::init_from(&library).map_err(|error| format!("cannot load {}: {error}", library.display()))?;
            let environment = builder.with_name("yanbao-ocr").build().map_err(|error| error.to_string())?;
            Ok((environment, library.clone()))
        })
        .unwrap_or_else(|_| Err("onnx runtime failed to load (panic while binding)".to_string()))
    });
    bound.as_ref().map(|(environment, _)| environment).map_err(|message| OcrError::Missing(message.clone()))
}

/// Keeps memory the models free in the process's heap, for their next call to reuse.
///
/// The models run without an arena (see [`open_model`]), so each call allocates its buffers
/// afresh. glibc serves large allocations with fresh pages from the system and gives them back
/// on free, so every call paid page faults and page zeroing again: a fifth of a page's OCR time
/// was spent in the kernel. With the thresholds raised, freed buffers stay in the heap and the
/// next call reuses them; the peak is that of the largest call, as before (docs/BENCHMARKS.md
/// "OCR"). Process-wide, which suits where OCR runs: the PDF worker, or `yanbao ocr`.
fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; it is called once, before the models load.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 512 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
    }
}

/// Opens one model with one intra-op thread: parallelism comes from running several files.
fn open_model(environment: &ort::environment::Environment, path: &Path) -> Result<Session, OcrError> {
    let failed = |error: String| OcrError::Runtime(format!("{}: {error}", path.display()));
    Session::builder(environment)
        .map_err(|error| failed(error.to_string()))?
        .with_optimization_level(ort::session::builder::GraphOptimizationLevel::All)
        .and_then(|builder| builder.with_intra_threads(1))
        .and_then(|builder| builder.with_inter_threads(1))
        // No arena and no memory plan: every line has its own width, and an arena keeps the
        // largest page's buffers for the rest of the file (peak memory is what the PDF worker's
        // limit holds).
        .and_then(|builder| builder.with_memory_pattern(false))
        .and_then(|builder| builder.with_execution_providers([ort::ep::CPU::default().with_arena_allocator(false).build()]))
        .map_err(|error| failed(error.to_string()))?
        .commit_from_file(path)
        .map_err(|error| failed(error.to_string()))
}

/// The detection and recognition models, loaded and ready.
pub struct Engine {
    det: Session,
    rec: Session,
    charset: Charset,
    detect: DetectParams,
    read: RecogniseParams,
}

impl Engine {
    /// Loads the models and runtime from where [`locate::models`] finds them.
    pub fn load() -> Result<Engine, OcrError> {
        Engine::load_from(&locate::models()?)
    }

    /// Loads `det.onnx`, `rec.onnx` and the runtime library from `dir`.
    pub fn load_from(dir: &Path) -> Result<Engine, OcrError> {
        let environment = runtime(&dir.join(locate::RUNTIME_FILE))?;
        let det = open_model(environment, &dir.join("det.onnx"))?;
        let rec = open_model(environment, &dir.join("rec.onnx"))?;
        let list = rec
            .metadata()
            .ok()
            .and_then(|metadata| metadata.custom("character"))
            .ok_or_else(|| OcrError::Runtime("rec.onnx carries no character list (metadata `character`)".into()))?;
        let charset = Charset::from_list(&list);
        if charset.is_empty() {
            return Err(OcrError::Runtime("rec.onnx has an empty character list".into()));
        }
        Ok(Engine { det, rec, charset, detect: DetectParams::default(), read: RecogniseParams::default() })
    }

    /// Sets the tuning of detection and recognition (the defaults are the measured best).
    pub fn set_params(&mut self, detect: DetectParams, read: RecogniseParams) {
        self.detect = detect;
        self.read = read;
    }

    /// Reads every line of text on a page image, top to bottom.
    pub fn read_page(&mut self, page: &RgbImage) -> Result<Vec<OcrLine>, OcrError> {
        let pixels = page.width() as u64 * page.height() as u64;
        if pixels == 0 {
            return Err(OcrError::BadImage("page image has no pixels".into()));
        }
        if pixels > MAX_PIXELS {
            return Err(OcrError::BadImage(format!(
                "page image of {} × {} pixels is over the {} megapixel limit",
                page.width(),
                page.height(),
                MAX_PIXELS / 1_000_000
            )));
        }
        let boxes = self.detect(page)?;
        self.recognise(page, &boxes)
    }

    /// Line boxes on the page, in page pixels.
    pub fn detect(&mut self, page: &RgbImage) -> Result<Vec<LineBox>, OcrError> {
        let input = detect::prepare(page, &self.detect);
        let shape = [1usize, 3, input.height as usize, input.width as usize];
        let tensor = TensorRef::from_array_view((shape, input.data.as_slice())).map_err(runtime_error)?;
        let outputs = self.det.run(ort::inputs![tensor]).map_err(runtime_error)?;
        let (map_shape, map) = outputs[0].try_extract_tensor::<f32>().map_err(runtime_error)?;
        let (height, width) = match map_shape.as_ref() {
            [.., h, w] => (*h as usize, *w as usize),
            _ => return Err(OcrError::Runtime("detection output has no 2-d map".into())),
        };
        let mut boxes = detect::boxes_from_map(map, width, height, &self.detect);
        for line in &mut boxes {
            for area in [&mut line.area, &mut line.read] {
                area.x0 /= input.scale_x;
                area.x1 /= input.scale_x;
                area.y0 /= input.scale_y;
                area.y1 /= input.scale_y;
            }
        }
        Ok(boxes)
    }

    /// Reads the text in each box; boxes read with too little confidence are left out.
    ///
    /// Lines are read narrowed ([`RecogniseParams::width_scale`]), which suits square Han
    /// characters; a line that reads as mostly Latin letters and digits, whose glyphs are half as
    /// wide, is read again at its full width — or straight away, when its ink already shows
    /// narrow glyphs (inked runs under 0.35 of the line's height wide on average). The first
    /// lines of the page decide its script: when most of them read as Latin, the rest of the
    /// page is read at full width straight away rather than twice.
    pub fn recognise(&mut self, page: &RgbImage, boxes: &[LineBox]) -> Result<Vec<OcrLine>, OcrError> {
        let narrowed = self.read.width_scale;
        let all: Vec<usize> = (0..boxes.len()).collect();
        if narrowed >= 1.0 {
            return Ok(self.read_boxes(page, boxes, &all, narrowed)?.into_iter().flatten().map(|read| read.line).collect());
        }
        let (sample, rest) = all.split_at(all.len().min(SCRIPT_SAMPLE));
        let mut read = self.read_boxes(page, boxes, sample, narrowed)?;
        let sampled: Vec<&OcrLine> = read.iter().flatten().map(|read| &read.line).collect();
        let latin = sampled.iter().filter(|line| latin_words(&line.text)).count();
        let latin_page = !sampled.is_empty() && latin * 4 >= sampled.len() * 3;
        let rest_scale = if latin_page { 1.0 } else { narrowed };
        merge(&mut read, self.read_boxes(page, boxes, rest, rest_scale)?);
        let reread: Vec<usize> =
            all.iter().copied().filter(|&i| read[i].as_ref().is_some_and(|read| read.width_scale < 1.0 && mostly_narrow(&read.line.text))).collect();
        if !reread.is_empty() {
            let again = self.read_boxes(page, boxes, &reread, 1.0)?;
            for index in reread {
                read[index] = again[index].clone();
            }
        }
        Ok(read.into_iter().flatten().map(|read| read.line).collect())
    }

    /// Reads the boxes at `indices`, their lines scaled in width by `width_scale`: one entry
    /// per box (`None` for boxes not asked for, empty, or read with too little confidence).
    /// A line whose ink comes in narrow runs (figures, Latin words: a table's cells) is read at
    /// full width straight away, as its narrowed reading would be read again.
    fn read_boxes(&mut self, page: &RgbImage, boxes: &[LineBox], indices: &[usize], width_scale: f32) -> Result<Vec<Option<Reading>>, OcrError> {
        let mut inputs: Vec<Option<(LineInput, f32)>> = vec![None; boxes.len()];
        for &index in indices {
            let area = &boxes[index].read;
            inputs[index] = recognise::prepare_line(page, area, width_scale).and_then(|line| {
                if width_scale < 1.0 && narrow_ink(&line, width_scale) {
                    recognise::prepare_line(page, area, 1.0).map(|line| (line, 1.0))
                } else {
                    Some((line, width_scale))
                }
            });
        }
        // Similar widths together, so little of each batch is padding.
        let mut order: Vec<usize> = indices.iter().copied().filter(|&i| inputs[i].is_some()).collect();
        order.sort_by_key(|&i| inputs[i].as_ref().map(|(line, _)| line.width).unwrap_or(0));
        let mut read: Vec<Option<Reading>> = vec![None; boxes.len()];
        for chunk in order.chunks(BATCH) {
            let lines: Vec<&LineInput> = chunk.iter().filter_map(|&i| inputs[i].as_ref().map(|(line, _)| line)).collect();
            let (data, width) = recognise::batch(&lines);
            let shape = [lines.len(), 3, recognise::LINE_HEIGHT as usize, width as usize];
            let tensor = TensorRef::from_array_view((shape, data.as_slice())).map_err(runtime_error)?;
            let outputs = self.rec.run(ort::inputs![tensor]).map_err(runtime_error)?;
            let (out_shape, probabilities) = outputs[0].try_extract_tensor::<f32>().map_err(runtime_error)?;
            let (steps, classes) = match out_shape.as_ref() {
                [_, t, c] => (*t as usize, *c as usize),
                _ => return Err(OcrError::Runtime("recognition output is not batch × steps × classes".into())),
            };
            if classes != self.charset.len() {
                return Err(OcrError::Runtime(format!("recognition model has {classes} classes, its character list {}", self.charset.len())));
            }
            for (n, &index) in chunk.iter().enumerate() {
                let Some((input, scale)) = inputs[index].as_ref() else { continue };
                let rows = &probabilities[n * steps * classes..(n + 1) * steps * classes];
                let raw = recognise::decode(rows, classes, &self.charset);
                let pixels_per_step = width as f32 / steps.max(1) as f32;
                let decoded = recognise::bullets(raw, &input.blank, pixels_per_step, *scale);
                let decoded = recognise::han_punctuation(recognise::space_words(decoded, &input.blank, pixels_per_step, *scale));
                if decoded.text.trim().is_empty() || decoded.confidence < MIN_CONFIDENCE {
                    continue;
                }
                read[index] = Some(Reading { line: line_from(boxes[index].area, &decoded, input, width, steps), width_scale: *scale });
            }
        }
        Ok(read)
    }
}

/// A line read, and the width scale it was read at.
#[derive(Debug, Clone)]
struct Reading {
    line: OcrLine,
    width_scale: f32,
}

/// Mean ink run, as a share of the line's height at full width, under which a line is taken
/// for figures or Latin words before it is read. Measured on five Chinese pages (423 lines):
/// narrowed to 0.6, lines that read as mostly Latin or figures have runs of 5–11 pixels (10th to
/// 80th percentile), 90 % of Han lines 11.8 or more (docs/BENCHMARKS.md "OCR").
const NARROW_INK_RUN: f32 = 0.35;

/// True when a line narrowed by `width_scale` prints in runs of ink too narrow for Han text.
fn narrow_ink(line: &LineInput, width_scale: f32) -> bool {
    recognise::mean_ink_run(&line.blank).is_some_and(|run| run < NARROW_INK_RUN * width_scale * recognise::LINE_HEIGHT as f32)
}

/// True when a line reads as words of Latin letters: at least three letters and more letters
/// than other characters (a row of figures is narrow too, but says nothing of the page's script:
/// Chinese reports open pages with tables).
fn latin_words(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    let others = text.chars().filter(|c| !c.is_whitespace() && !c.is_ascii_alphabetic()).count();
    letters >= 3 && letters > others
}

/// Puts what a second reading found into the first one's slots (each index is read once).
fn merge(read: &mut [Option<Reading>], more: Vec<Option<Reading>>) {
    for (slot, line) in read.iter_mut().zip(more) {
        if line.is_some() {
            *slot = line;
        }
    }
}

/// True when most characters of a line are of narrow scripts (Latin letters, digits,
/// punctuation): printed about half as wide as Han characters, they need the line at full width.
fn mostly_narrow(text: &str) -> bool {
    let (mut narrow, mut all) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        all += 1;
        if (c as u32) < 0x2E80 {
            narrow += 1;
        }
    }
    all > 0 && narrow * 2 > all
}

/// Places the decoded characters along their box: step `s` covers input pixels
/// `s × batch_width / steps` onwards, and the crop was scaled from the box's width to the line's
/// width less its margins.
fn line_from(area: PixelBox, decoded: &recognise::Decoded, line: &LineInput, batch_width: u32, steps: usize) -> OcrLine {
    let pixels_per_step = batch_width as f32 / steps.max(1) as f32;
    let vertical = area.height() >= 1.5 * area.width();
    let length = if vertical { area.height() } else { area.width() };
    let margin = line.margin as f32;
    let scale = length / (line.width as f32 - 2.0 * margin).max(1.0);
    let start = if vertical { area.y0 } else { area.x0 };
    let text = decoded.text.trim();
    let leading = decoded.text.chars().take_while(|c| c.is_whitespace()).count();
    let char_centres = decoded.steps.iter().skip(leading).take(text.chars().count()).map(|&step| start + ((step as f32 + 0.5) * pixels_per_step - margin).clamp(0.0, length / scale) * scale).collect();
    OcrLine { text: text.to_string(), area, confidence: decoded.confidence, char_centres }
}

fn runtime_error(error: ort::Error) -> OcrError {
    OcrError::Runtime(error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_lines_are_narrow_han_lines_are_not() {
        assert!(mostly_narrow("Revenue 31,999"));
        assert!(mostly_narrow("EMA(T)=α*price(T)"));
        assert!(!mostly_narrow("图1：上证指数走势（2012-2013）"));
        assert!(!mostly_narrow(""));
    }

    #[test]
    fn lines_printed_in_narrow_runs_of_ink_are_read_at_full_width_first() {
        // Runs of ink `run` columns wide, two blank columns apart, as a line narrowed to 0.6.
        let line = |run: usize| {
            let blank: Vec<bool> = (0..300).map(|x| x % (run + 2) >= run).collect();
            LineInput { data: Vec::new(), width: 300, blank, margin: 0 }
        };
        // Figures and Latin letters: 5–9 columns at 0.6; Han characters: 12 and more.
        assert!(narrow_ink(&line(6), 0.6));
        assert!(narrow_ink(&line(9), 0.6));
        assert!(!narrow_ink(&line(14), 0.6));
        assert!(!narrow_ink(&line(20), 0.6));
        // The bound follows the scale: 14 columns are narrow for a line read at full width.
        assert!(narrow_ink(&line(14), 1.0));
        // A line without ink is not taken for anything.
        assert!(!narrow_ink(&LineInput { data: Vec::new(), width: 10, blank: vec![true; 10], margin: 0 }, 0.6));
    }

    #[test]
    fn latin_words_need_letters_not_figures() {
        assert!(latin_words("Revenue grew 31% in 2021"));
        assert!(!latin_words("2019 2020 2021E 2022E"));
        assert!(!latin_words("图1：GDP增速"));
        assert!(!latin_words("EPS（元）"));
    }
}
