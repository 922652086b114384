//! Finding the OCR models and ONNX Runtime, like PDFium: nothing is downloaded at run time.
//!
//! Search order: env `YANBAO_OCR` (a directory), `<dir of current exe>/ocr/` and
//! `<prefix>/lib/yanbao/ocr/` (an installed binary), `.tools/ocr/` walking up from the current
//! exe's directory and from the working directory, then the source tree the crate was built from.

use std::path::{Path, PathBuf};

use crate::OcrError;

/// The runtime library's file name on this platform.
#[cfg(target_os = "macos")]
pub const RUNTIME_FILE: &str = "libonnxruntime.dylib";
/// The runtime library's file name on this platform.
#[cfg(not(target_os = "macos"))]
pub const RUNTIME_FILE: &str = "libonnxruntime.so";

/// Files a model directory must hold.
const NEEDED: [&str; 3] = ["det.onnx", "rec.onnx", RUNTIME_FILE];

/// Candidate places for a run-time tool kept under `.tools/<tool>` in the source tree: the
/// directory named by `env_var`, beside the current exe, in an install prefix's `lib/yanbao/`,
/// `.tools/<tool>` in every ancestor of the exe's directory and of the working directory, then
/// `source_tools` (the `.tools` of the tree a crate was built from). Most specific first.
pub fn tool_candidates(env_var: &str, tool: &str, source_tools: &Path) -> Vec<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(value) = std::env::var_os(env_var) {
        candidates.push(PathBuf::from(value));
    }
    let walk_up = |start: &Path, out: &mut Vec<PathBuf>| {
        let mut current = Some(start);
        while let Some(dir) = current {
            out.push(dir.join(".tools").join(tool));
            current = dir.parent();
        }
    };
    if let Some(exe_dir) = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf)) {
        candidates.push(exe_dir.join(tool));
        if let Some(prefix) = exe_dir.parent() {
            candidates.push(prefix.join("lib").join("yanbao").join(tool));
        }
        walk_up(&exe_dir, &mut candidates);
    }
    if let Ok(cwd) = std::env::current_dir() {
        walk_up(&cwd, &mut candidates);
    }
    candidates.push(source_tools.join(tool));
    candidates
}

/// The first directory holding both models and the runtime.
pub fn models() -> Result<PathBuf, OcrError> {
    let source_tools = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools");
    tool_candidates("YANBAO_OCR", "ocr", &source_tools)
        .into_iter()
        .find(|dir| NEEDED.iter().all(|file| dir.join(file).is_file()))
        .ok_or_else(|| OcrError::Missing("ocr models not found: run scripts/setup-ocr.sh (or set YANBAO_OCR to a directory holding det.onnx, rec.onnx and libonnxruntime)".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn candidates_start_with_the_variable_and_end_in_the_source_tree() {
        let found = tool_candidates("YANBAO_OCR_TEST_UNSET_VARIABLE", "ocr", Path::new("/src/.tools"));
        assert_eq!(found.last().map(PathBuf::as_path), Some(Path::new("/src/.tools/ocr")));
        assert!(found.iter().any(|path| path.ends_with(".tools/ocr")));
        assert!(found.iter().all(|path| path.ends_with("ocr")));
    }
}
