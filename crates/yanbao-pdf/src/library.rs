//! Finding and binding the PDFium shared library, once per process.
//!
//! Search order: env `YANBAO_PDFIUM` (a file or a directory), `<dir of current exe>/libpdfium.so`,
//! `<dir of current exe>/../lib/yanbao/libpdfium.so` (the layout `scripts/install.sh` writes:
//! `PREFIX/bin/yanbao`, `PREFIX/lib/yanbao/libpdfium.so`), `.tools/pdfium/libpdfium.so` walking up
//! from the current exe's directory and from the working directory, then the one in the source
//! tree the crate was built from, then the system library. Nothing is downloaded at run time.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use pdfium_render::prelude::{Pdfium, PdfiumLibraryBindings};

use crate::PdfError;

/// PDFium bound and initialised, with the file it came from.
pub(crate) struct Library {
    /// The function table (serialised by pdfium-render's `thread_safe` feature).
    pub bindings: Box<dyn PdfiumLibraryBindings>,
    /// Where the library was loaded from (`system` when found by the dynamic loader).
    pub path: PathBuf,
}

static LIBRARY: OnceLock<Result<Library, String>> = OnceLock::new();

/// Returns the platform file name of the PDFium library (`libpdfium.so` on Linux).
fn library_file_name() -> String {
    Pdfium::pdfium_platform_library_name().to_string_lossy().into_owned()
}

/// Returns the candidate library paths, most specific first.
fn candidate_paths() -> Vec<PathBuf> {
    let name = library_file_name();
    let mut candidates = Vec::new();
    if let Some(value) = std::env::var_os("YANBAO_PDFIUM") {
        let path = PathBuf::from(value);
        if path.is_dir() {
            candidates.push(path.join(&name));
        } else {
            candidates.push(path);
        }
    }
    let exe_dir = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
    if let Some(dir) = &exe_dir {
        push_installed(dir, &name, &mut candidates);
        push_walking_up(dir, &name, &mut candidates);
    }
    if let Ok(cwd) = std::env::current_dir() {
        push_walking_up(&cwd, &name, &mut candidates);
    }
    // The source tree this crate was built from (builds with a target dir outside the repo).
    let source_tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/pdfium").join(&name);
    candidates.push(source_tree);
    candidates
}

/// Adds the places an installed binary in `exe_dir` keeps the library: beside it, then in the
/// prefix's `lib/yanbao/` (`~/.cargo/bin/yanbao` → `~/.cargo/lib/yanbao/libpdfium.so`).
fn push_installed(exe_dir: &Path, name: &str, out: &mut Vec<PathBuf>) {
    out.push(exe_dir.join(name));
    if let Some(prefix) = exe_dir.parent() {
        out.push(prefix.join("lib").join("yanbao").join(name));
    }
}

/// Adds `<ancestor>/.tools/pdfium/<name>` for every ancestor of `start` (itself included).
fn push_walking_up(start: &Path, name: &str, out: &mut Vec<PathBuf>) {
    let mut current = Some(start);
    while let Some(dir) = current {
        out.push(dir.join(".tools").join("pdfium").join(name));
        current = dir.parent();
    }
}

/// Binds the first loadable candidate, else the system library.
fn bind() -> Result<Library, String> {
    let mut tried = Vec::new();
    for path in candidate_paths() {
        if !path.is_file() {
            continue;
        }
        match Pdfium::bind_to_library(&path) {
            Ok(bindings) => return Ok(initialise(bindings, path)),
            Err(error) => tried.push(format!("{}: {error:?}", path.display())),
        }
    }
    match Pdfium::bind_to_system_library() {
        Ok(bindings) => Ok(initialise(bindings, PathBuf::from("system"))),
        Err(_) => {
            let mut message = String::from(
                "pdfium library not found: run scripts/setup-pdfium.sh (or set YANBAO_PDFIUM to libpdfium.so)",
            );
            if !tried.is_empty() {
                message.push_str(&format!("; failed to load {}", tried.join(", ")));
            }
            Err(message)
        }
    }
}

/// Initialises the library once after binding.
fn initialise(bindings: Box<dyn PdfiumLibraryBindings>, path: PathBuf) -> Library {
    // SAFETY: FPDF_InitLibrary is called exactly once per process, before any other call.
    unsafe { bindings.FPDF_InitLibrary() };
    Library { bindings, path }
}

/// Returns the process-wide PDFium binding, loading it on first use.
pub(crate) fn library() -> Result<&'static Library, PdfError> {
    let loaded = LIBRARY.get_or_init(|| {
        std::panic::catch_unwind(bind).unwrap_or_else(|_| Err("pdfium library failed to load (panic while binding)".to_string()))
    });
    match loaded {
        Ok(library) => Ok(library),
        Err(message) => Err(PdfError::LibraryMissing(message.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_installed_binary_looks_beside_itself_then_in_its_prefix() {
        let mut out = Vec::new();
        push_installed(Path::new("/home/u/.cargo/bin"), "libpdfium.so", &mut out);
        assert_eq!(out, vec![PathBuf::from("/home/u/.cargo/bin/libpdfium.so"), PathBuf::from("/home/u/.cargo/lib/yanbao/libpdfium.so")]);
        let mut at_root = Vec::new();
        push_installed(Path::new("/"), "libpdfium.so", &mut at_root);
        assert_eq!(at_root, vec![PathBuf::from("/libpdfium.so")], "no prefix above the root");
    }

    #[test]
    fn walks_up_to_the_root() {
        let mut out = Vec::new();
        push_walking_up(Path::new("/a/b"), "libpdfium.so", &mut out);
        assert_eq!(out[0], PathBuf::from("/a/b/.tools/pdfium/libpdfium.so"));
        assert_eq!(out.last().map(PathBuf::as_path), Some(Path::new("/.tools/pdfium/libpdfium.so")));
    }
}
