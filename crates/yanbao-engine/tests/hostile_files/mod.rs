//! Generators of a hostile ingest batch: damaged and malicious PDFs, junk, an empty file, a
//! 27 MB Markdown report made of real report paragraphs, and good files from the repository.
//!
//! Everything is generated in code (no binary fixtures): PDFs are written object by object with a
//! valid cross-reference table, and compressed streams by a small DEFLATE encoder below (fixed
//! Huffman codes, matches at one distance), which is all a decompression bomb needs. Used by
//! `tests/hostile_batch.rs` and, through its ignored `write_hostile_batch` test, by
//! `bench/hostile/run.sh`.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One generated file: its name, bytes, and whether it must fail (bad) or be stored (good).
pub struct Generated {
    /// File name in the batch folder.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// The files of a written batch.
pub struct Batch {
    /// Files that must fail, one failed result each.
    pub bad: Vec<PathBuf>,
    /// Files that must be stored.
    pub good: Vec<PathBuf>,
}

/// Writes the hostile batch into `dir`: every bad file, the big Markdown report of
/// `markdown_bytes` bytes, and the good files copied from the repository.
pub fn write_batch(dir: &Path, markdown_bytes: usize) -> Batch {
    std::fs::create_dir_all(dir).unwrap();
    let mut batch = Batch { bad: Vec::new(), good: Vec::new() };
    for file in bad_files() {
        let path = dir.join(&file.name);
        std::fs::write(&path, &file.bytes).unwrap();
        batch.bad.push(path);
    }
    let big = dir.join("good_big_report.md");
    std::fs::write(&big, big_markdown(markdown_bytes)).unwrap();
    batch.good.push(big);
    for source in good_sources() {
        let name = format!("good_{}", source.file_name().unwrap().to_string_lossy());
        let path = dir.join(name);
        std::fs::copy(&source, &path).unwrap();
        batch.good.push(path);
    }
    batch
}

/// Good files from the repository: the bundled samples (PDF, Markdown, text) and the Markdown
/// fixtures of the text parser.
pub fn good_sources() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for dir in [repo().join("samples"), repo().join("crates/yanbao-text/tests/fixtures")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("pdf" | "md" | "txt")))
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy();
                !name.starts_with("000_") && name != "README.md"
            })
            .collect();
        files.sort();
        out.extend(files);
    }
    out
}

/// The bad files: each must end in one failed result with a one-line error.
pub fn bad_files() -> Vec<Generated> {
    let good_pdf = std::fs::read(repo().join("samples/en_us_kroger-press-release-2023.pdf")).unwrap();
    let file = |name: &str, bytes: Vec<u8>| Generated { name: name.to_string(), bytes };
    vec![
        file("bad_empty.pdf", Vec::new()),
        file("bad_junk.pdf", junk(64 * 1024, 0x5eed)),
        file("bad_truncated.pdf", good_pdf[..good_pdf.len() / 2].to_vec()),
        file("bad_bitflipped.pdf", bit_flipped(&good_pdf, 97, 0xb17f)),
        file("bad_encrypted.pdf", std::fs::read(repo().join("crates/yanbao-pdf/tests/fixtures/password-encrypted.pdf")).unwrap()),
        file("bad_flate_bomb.pdf", flate_bomb(4 << 30)),
        file("bad_million_operators.pdf", many_operators(3_000_000)),
        file("bad_absurd_mediabox.pdf", one_page_pdf(b"BT /F1 12 Tf 72 720 Td (An absurd page) Tj ET", "", "[0 0 1000000 1000000]")),
        file("bad_deep_page_tree.pdf", deep_page_tree(10_000)),
        file("bad_deep_resources.pdf", deep_resources(10_000)),
    ]
}

/// A Markdown report of about `target` bytes made of real report text: the paragraphs, headings
/// and tables of the bundled Markdown samples, repeated in turn under numbered chapter headings.
pub fn big_markdown(target: usize) -> Vec<u8> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(repo().join("samples"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("md"))
        .collect();
    sources.sort();
    let texts: Vec<String> = sources.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let mut out = String::with_capacity(target + 64 * 1024);
    out.push_str("# 行业深度研究：长篇合订本\n\n");
    let mut chapter = 0;
    while out.len() < target {
        for text in &texts {
            chapter += 1;
            out.push_str(&format!("\n## {chapter} 第{chapter}部分\n\n"));
            // The sample's own title lines become body text of the chapter.
            out.push_str(&text.replace("\n# ", "\n### "));
            out.push('\n');
            if out.len() >= target {
                break;
            }
        }
    }
    out.into_bytes()
}

/// Deterministic pseudo-random bytes (xorshift).
pub fn junk(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

/// Flips one pseudo-random bit in every `every` bytes.
pub fn bit_flipped(bytes: &[u8], every: usize, seed: u64) -> Vec<u8> {
    let noise = junk(bytes.len() / every + 1, seed);
    let mut out = bytes.to_vec();
    for (i, at) in (0..out.len()).step_by(every).enumerate() {
        out[at] ^= 1 << (noise[i] % 8);
    }
    out
}

/// A PDF of the given objects (numbered from 1; object 1 is the catalog) with a valid xref.
pub fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend(object);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).as_bytes());
    out
}

/// A stream object with its dictionary entries (`/Filter …`) and data.
fn stream(entries: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {} {entries} >>\nstream\n", data.len()).into_bytes();
    out.extend(data);
    out.extend(b"\nendstream");
    out
}

/// A one-page PDF (Helvetica as /F1) with the given content stream, filter entries and MediaBox.
pub fn one_page_pdf(content: &[u8], filter: &str, media_box: &str) -> Vec<u8> {
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox {media_box} /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>").into_bytes(),
        stream(filter, content),
    ])
}

/// A one-page "scan": a grey image over the page and no text, as a scanner writes it.
pub fn scanned_pdf() -> Vec<u8> {
    let pixels: Vec<u8> = (0..64u32).map(|i| (i * 37 % 256) as u8).collect();
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /XObject << /Scan 4 0 R >> >> /Contents 5 0 R >>".to_vec(),
        stream("/Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8", &pixels),
        stream("", b"q 500 0 0 700 56 46 cm /Scan Do Q"),
    ])
}

/// A page whose content stream, deflated twice (`[/FlateDecode /FlateDecode]`: ~200 KB in the
/// file for 4 GiB), inflates to `inflated` bytes of spaces.
pub fn flate_bomb(inflated: u64) -> Vec<u8> {
    let inner = zlib_repeat(b" ", inflated);
    let outer = zlib(&inner);
    one_page_pdf(&outer, "/Filter [/FlateDecode /FlateDecode]", "[0 0 612 792]")
}

/// A page drawing `operators` text objects (7 KB in the file for three million, deflated twice).
pub fn many_operators(operators: u64) -> Vec<u8> {
    let inner = zlib_repeat(b"BT /F1 12 Tf 72 720 Td (x) Tj ET\n", operators);
    one_page_pdf(&zlib(&inner), "/Filter [/FlateDecode /FlateDecode]", "[0 0 612 792]")
}

/// A page tree whose /Kids array nests `depth` arrays deep around the only page.
pub fn deep_page_tree(depth: usize) -> Vec<u8> {
    let content = b"BT /F1 12 Tf 72 720 Td (deep) Tj ET";
    let kids = format!("{}4 0 R{}", "[".repeat(depth), "]".repeat(depth));
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        format!("<< /Type /Pages /Kids {kids} /Count 1 >>").into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 5 0 R >>".to_vec(),
        stream("", content),
    ])
}

/// A page whose /Resources dictionary nests `depth` dictionaries deep (before its /Contents).
pub fn deep_resources(depth: usize) -> Vec<u8> {
    let content = b"BT /F1 12 Tf 72 720 Td (deep) Tj ET";
    let resources = format!("{}1{}", "<< /X ".repeat(depth), " >>".repeat(depth));
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources {resources} /Contents 5 0 R >>").into_bytes(),
        stream("", content),
    ])
}

// ---------------------------------------------------------------------------------------------
// A minimal DEFLATE (RFC 1951) encoder with a zlib (RFC 1950) wrapper: one block of fixed Huffman
// codes. `zlib_repeat` writes `unit` repeated `times` times without holding it (literals once,
// then matches at distance `unit.len()`); `zlib` compresses any bytes greedily with matches at
// distances up to 64 (enough for the periodic output of `zlib_repeat`).

/// Writes bits least significant first, as DEFLATE packs them.
struct Bits {
    out: Vec<u8>,
    acc: u64,
    len: u32,
}

impl Bits {
    fn new() -> Bits {
        Bits { out: vec![0x78, 0x01], acc: 0, len: 0 }
    }

    /// Appends `count` bits of `value`, least significant first.
    fn put(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.len;
        self.len += count;
        while self.len >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.len -= 8;
        }
    }

    /// Appends a Huffman code (written most significant bit first).
    fn code(&mut self, code: u32, count: u32) {
        let reversed = code.reverse_bits() >> (32 - count);
        self.put(reversed, count);
    }

    /// Ends the block and the zlib stream with the Adler-32 of the uncompressed data.
    fn finish(mut self, adler: u32) -> Vec<u8> {
        self.literal_or_length(256);
        if self.len > 0 {
            self.out.push(self.acc as u8);
        }
        self.out.extend(adler.to_be_bytes());
        self.out
    }

    /// The fixed Huffman code of a literal/length symbol.
    fn literal_or_length(&mut self, symbol: u32) {
        match symbol {
            0..=143 => self.code(0x30 + symbol, 8),
            144..=255 => self.code(0x190 + symbol - 144, 9),
            256..=279 => self.code(symbol - 256, 7),
            _ => self.code(0xC0 + symbol - 280, 8),
        }
    }

    /// A match of `length` (3–258) bytes at `distance` (1–32768).
    fn match_(&mut self, length: u32, distance: u32) {
        const LENGTH_BASE: [u32; 29] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
        const LENGTH_EXTRA: [u32; 29] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
        const DIST_BASE: [u32; 30] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
        const DIST_EXTRA: [u32; 30] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
        let l = LENGTH_BASE.iter().rposition(|&b| b <= length).unwrap();
        self.literal_or_length(257 + l as u32);
        self.put(length - LENGTH_BASE[l], LENGTH_EXTRA[l]);
        let d = DIST_BASE.iter().rposition(|&b| b <= distance).unwrap();
        self.code(d as u32, 5);
        self.put(distance - DIST_BASE[d], DIST_EXTRA[d]);
    }

    /// Starts the single, final block of fixed Huffman codes.
    fn start_block(&mut self) {
        self.put(1, 1);
        self.put(1, 2);
    }
}

const ADLER_MOD: u64 = 65521;

/// Adler-32 of `bytes`, as (a, b).
fn adler(bytes: &[u8]) -> (u64, u64) {
    let (mut a, mut b) = (1u64, 0u64);
    for &byte in bytes {
        a = (a + u64::from(byte)) % ADLER_MOD;
        b = (b + a) % ADLER_MOD;
    }
    (a, b)
}

/// Adler-32 of the concatenation X‖Y from those of X and Y and the length of Y.
fn adler_concat(x: (u64, u64), y: (u64, u64), y_len: u64) -> (u64, u64) {
    let a = (x.0 + y.0 + ADLER_MOD - 1) % ADLER_MOD;
    let b = (x.1 + y.1 + (y_len % ADLER_MOD) * ((x.0 + ADLER_MOD - 1) % ADLER_MOD)) % ADLER_MOD;
    (a, b)
}

/// Adler-32 of `unit` repeated `times` times, by doubling.
fn adler_repeat(unit: &[u8], times: u64) -> u32 {
    let mut result = (1u64, 0u64);
    let mut result_len = 0u64;
    let (mut power, mut power_len) = (adler(unit), unit.len() as u64);
    let mut n = times;
    while n > 0 {
        if n & 1 == 1 {
            result = adler_concat(result, power, power_len);
            result_len += power_len;
        }
        power = adler_concat(power, power, power_len);
        power_len *= 2;
        n >>= 1;
    }
    let _ = result_len;
    ((result.1 << 16) | result.0) as u32
}

/// A zlib stream of `unit` repeated `times` times.
pub fn zlib_repeat(unit: &[u8], times: u64) -> Vec<u8> {
    assert!(!unit.is_empty() && unit.len() <= 32768 && times >= 1);
    let mut bits = Bits::new();
    bits.start_block();
    for &byte in unit {
        bits.literal_or_length(u32::from(byte));
    }
    let mut left = (times - 1) * unit.len() as u64;
    let distance = unit.len() as u32;
    while left > 0 {
        // Keep the last match at least 3 bytes long.
        let length = if left > 258 + 2 || left == 258 { 258 } else if left > 258 { left - 3 } else { left } as u32;
        if length < 3 {
            for &byte in &unit[..length as usize] {
                bits.literal_or_length(u32::from(byte));
            }
        } else {
            bits.match_(length, distance);
        }
        left -= u64::from(length);
    }
    bits.finish(adler_repeat(unit, times))
}

/// A zlib stream of `data`, greedy matches at distances 1–64.
pub fn zlib(data: &[u8]) -> Vec<u8> {
    let mut bits = Bits::new();
    bits.start_block();
    let mut at = 0;
    while at < data.len() {
        let mut best = (0usize, 0usize);
        for distance in 1..=64.min(at) {
            let mut length = 0;
            while length < 258 && at + length < data.len() && data[at + length] == data[at + length - distance] {
                length += 1;
            }
            if length > best.0 {
                best = (length, distance);
                if length == 258 {
                    break;
                }
            }
        }
        if best.0 >= 3 {
            bits.match_(best.0 as u32, best.1 as u32);
            at += best.0;
        } else {
            bits.literal_or_length(u32::from(data[at]));
            at += 1;
        }
    }
    let (a, b) = adler(data);
    bits.finish(((b << 16) | a) as u32)
}
