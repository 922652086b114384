//! Any bytes read as a text, Markdown or HTML report become a `Report` or a clean `TextError`
//! (never a panic, a hang or unbounded memory), and the knowledge pass the engine runs next
//! (events, entities, key numbers: `yanbao_engine::parse::enrich`) finishes on that report too.
//!
//! Input: the first byte picks the file name's extension (`NAMES`), the rest is the file.
//! `scripts/fuzz.sh` seeds the corpus with the repo's text fixtures, each prefixed that way.
#![no_main]

use libfuzzer_sys::fuzz_target;

/// The file names the first byte chooses from: every extension `yanbao_text` handles.
const NAMES: [&str; 6] = ["fuzz.txt", "fuzz.md", "fuzz.html", "fuzz.markdown", "fuzz.htm", "fuzz.text"];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, bytes)) = data.split_first() else { return };
    let path = NAMES[selector as usize % NAMES.len()];
    if let Ok(mut report) = yanbao_text::parse_text(bytes, path) {
        // `enrich` catches panics in production; here libFuzzer's panic hook aborts first, so a
        // panic in the knowledge pass is found rather than hidden.
        let _ = yanbao_engine::parse::enrich(&mut report);
    }
});
