//! Byte decoding: which encoding a text report is in, and whether it is text at all.
//!
//! Order of evidence: a byte-order mark wins; then valid UTF-8; then `chardetng`'s guess,
//! accepted only when it decodes cleanly and the result looks like text. Binary files (NUL
//! bytes, many control bytes) are refused before any guessing.

use std::borrow::Cow;

use crate::TextError;
use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};

/// How many leading bytes are inspected for binary content and fed to the detector.
const SNIFF_BYTES: usize = 1 << 20;

/// Text decoded from a source, with the encoding it was read as.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The decoded text (BOM removed): borrowed from the bytes when they are clean UTF-8, so a
    /// large file is not held twice.
    pub text: Cow<'a, str>,
    /// Encoding name as `encoding_rs` spells it (`UTF-8`, `GBK`, `gb18030`, `UTF-16LE`, …).
    pub encoding: &'static str,
    /// Replacement characters inserted for undecodable bytes (0 for clean input).
    pub replacements: usize,
}

/// Decodes report bytes into text, refusing binary and undecodable input.
pub fn decode(bytes: &[u8]) -> Result<Decoded<'_>, TextError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..], encoding.name());
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        return decode_with(encoding, bytes, encoding.name());
    }
    if let Some(reason) = binary_reason(bytes) {
        return Err(TextError::Binary(reason));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded { text: Cow::Borrowed(text), encoding: UTF_8.name(), replacements: 0 });
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    detector.feed(sample, sample.len() == bytes.len());
    let guess = detector.guess(None, chardetng::Utf8Detection::Allow);
    if guess == UTF_8 {
        return decode_lossy_utf8(bytes);
    }
    if is_chinese_multibyte(guess) {
        // GB18030 is a superset of GBK and GB2312: decode with it, name what was detected.
        return decode_with(GB18030, bytes, guess.name());
    }
    if is_east_asian_multibyte(guess) {
        return decode_with(guess, bytes, guess.name());
    }
    // A single-byte guess decodes anything; accept it only for mostly-ASCII text (Latin-1 English).
    if high_byte_share(sample) > 0.3 {
        // chardetng rules GBK out on a single bad byte; a Chinese file with one is still GBK.
        if let Ok(decoded) = decode_with(GB18030, bytes, encoding_rs::GBK.name()) {
            return Ok(decoded);
        }
        return Err(TextError::Undecodable(format!(
            "not utf-8, and no text encoding fits (best guess {} is implausible)",
            guess.name().to_lowercase()
        )));
    }
    decode_with(guess, bytes, guess.name())
}

/// Decodes with one encoding, failing when more than a trace of the bytes is invalid in it.
fn decode_with<'a>(encoding: &'static Encoding, bytes: &'a [u8], name: &'static str) -> Result<Decoded<'a>, TextError> {
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    let replacements = if had_errors { text.chars().filter(|c| *c == '\u{FFFD}').count() } else { 0 };
    let chars = text.chars().count().max(1);
    if replacements * 100 > chars {
        return Err(TextError::Undecodable(format!(
            "{replacements} of {chars} characters are invalid as {}",
            name.to_lowercase()
        )));
    }
    if encoding != UTF_8 {
        if let Some(reason) = binary_text_reason(&text) {
            return Err(TextError::Binary(reason));
        }
    }
    Ok(Decoded { text, encoding: name, replacements })
}

fn decode_lossy_utf8(bytes: &[u8]) -> Result<Decoded<'_>, TextError> {
    decode_with(UTF_8, bytes, UTF_8.name())
}

/// True for the Chinese multi-byte encodings chardetng can report.
fn is_chinese_multibyte(encoding: &'static Encoding) -> bool {
    encoding == encoding_rs::GBK || encoding == GB18030
}

/// True for the other East Asian multi-byte encodings (Big5, Shift_JIS, EUC-JP, EUC-KR).
fn is_east_asian_multibyte(encoding: &'static Encoding) -> bool {
    encoding == encoding_rs::BIG5
        || encoding == encoding_rs::SHIFT_JIS
        || encoding == encoding_rs::EUC_JP
        || encoding == encoding_rs::EUC_KR
}

/// Share of bytes ≥ 0x80 in a sample.
fn high_byte_share(sample: &[u8]) -> f64 {
    if sample.is_empty() {
        return 0.0;
    }
    sample.iter().filter(|b| **b >= 0x80).count() as f64 / sample.len() as f64
}

/// Detects BOM-less UTF-16: every other byte NUL in an ASCII-heavy text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_nul = sample.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    let other_even_nul = even_nul * 10 < pairs;
    let other_odd_nul = odd_nul * 10 < pairs;
    if odd_nul * 10 >= pairs * 9 && other_even_nul {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 9 && other_odd_nul {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Returns why raw bytes look binary: NUL bytes or many control bytes.
fn binary_reason(bytes: &[u8]) -> Option<String> {
    let sample = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if sample.contains(&0) {
        return Some("contains nul bytes".to_string());
    }
    let controls = sample.iter().filter(|b| is_binary_control(**b)).count();
    if controls * 100 > sample.len() {
        return Some(format!("{controls} control bytes in the first {} bytes", sample.len()));
    }
    None
}

/// Returns why decoded text looks binary (many control characters).
fn binary_text_reason(text: &str) -> Option<String> {
    let mut total = 0usize;
    let mut controls = 0usize;
    for c in text.chars().take(SNIFF_BYTES) {
        total += 1;
        if c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}') {
            controls += 1;
        }
    }
    (controls * 100 > total.max(1)).then(|| format!("{controls} control characters in {total}"))
}

/// Control bytes that do not occur in text files (tab, newlines and form feed excluded).
fn is_binary_control(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0E..=0x1A | 0x1C..=0x1F | 0x7F)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("研报 report".as_bytes()).unwrap();
        assert_eq!(plain.encoding, "UTF-8");
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice("研报".as_bytes());
        let decoded = decode(&with_bom).unwrap();
        assert_eq!(decoded.text, "研报");
    }

    #[test]
    fn gbk_is_detected() {
        let text = "中美元首视频会晤，可能谈些什么。资料来源：光大证券研究所。".repeat(5);
        let (bytes, _, _) = encoding_rs::GBK.encode(&text);
        let decoded = decode(&bytes).unwrap();
        assert_eq!(decoded.text, text);
        assert_ne!(decoded.encoding, "UTF-8");
    }

    #[test]
    fn utf16_with_bom_and_without() {
        let mut le = vec![0xFF, 0xFE];
        for unit in "表 1：研报".encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap().text, "表 1：研报");
        let mut be = Vec::new();
        for unit in "Table 1: report text".encode_utf16() {
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode(&be).unwrap().text, "Table 1: report text");
    }

    #[test]
    fn binary_and_junk_are_refused() {
        assert!(matches!(decode(b"PK\x03\x04\x00\x00binary"), Err(TextError::Binary(_))));
        let junk: Vec<u8> = (0..4000u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80).collect();
        assert!(decode(&junk).is_err());
    }
}
