//! Backups that restore (`yanbao backup DEST`, `yanbao restore SRC`).
//!
//! A backup is a folder holding `library.sqlite` — a consistent copy of the store taken with
//! SQLite's online backup API while the library goes on ingesting and serving — and
//! `backup.json`, which says what it holds (reports, store generation, size, SHA-256 of the
//! copy). The search index is not copied: it is derived from the store, and a restore rebuilds
//! it (the cost of a `yanbao reindex`), so a backup is exactly the truth and never an index
//! that disagrees with it.
//!
//! A restore checks the backup (checksum, SQLite's `quick_check`, the report count), builds the
//! library — store and a fresh index — in a folder beside the target and renames it into place:
//! an interrupted or refused restore leaves the target as it was.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use yanbao_store::prelude::*;
use yanbao_store::{SqliteStore, StoreSnapshot};

use crate::{EngineError, Library};

/// The store file in a backup (and in a data folder).
const STORE_FILE: &str = "library.sqlite";
/// What a backup holds.
const MANIFEST_FILE: &str = "backup.json";
/// `format` of a backup manifest.
const FORMAT: &str = "yanbao-backup";

/// `backup.json`: what a backup holds, written last (a folder without it is no backup).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BackupManifest {
    /// Always `yanbao-backup`.
    pub format: String,
    /// Layout version of the backup folder (1).
    pub version: u32,
    /// The yanbao that wrote it.
    pub yanbao: String,
    /// When the backup finished (UTC, RFC 3339).
    pub created_at: String,
    /// The data folder backed up.
    pub source: String,
    /// Reports in the copy.
    pub reports: u64,
    /// Store generation the copy reflects.
    pub generation: u64,
    /// Bytes of `library.sqlite`.
    pub bytes: u64,
    /// SHA-256 of `library.sqlite`, hex.
    pub sha256: String,
}

/// What a backup did, for the user and `--json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BackupSummary {
    /// The backup folder written.
    pub dest: String,
    /// Its manifest.
    #[serde(flatten)]
    pub manifest: BackupManifest,
    /// Seconds it took.
    pub seconds: f64,
}

/// What a restore did, for the user and `--json`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct RestoreSummary {
    /// The data folder restored into.
    pub data_dir: String,
    /// The backup restored from.
    pub source: String,
    /// Reports restored.
    pub reports: u64,
    /// Reports indexed (all but other files of a stored report).
    pub indexed: usize,
    /// Store generation of the backup.
    pub generation: u64,
    /// True when a library that was there was replaced (`--force`).
    pub replaced: bool,
    /// Seconds it took.
    pub seconds: f64,
}

/// A step of a backup or restore, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Copying the store (units: pages).
    Copy,
    /// Checking the copy (no units).
    Check,
    /// Building the search index (units: reports).
    Index,
}

fn io_error(path: &Path, e: impl std::fmt::Display) -> EngineError {
    EngineError::Io { path: path.display().to_string(), reason: e.to_string() }
}

fn backup_error(path: &Path, reason: impl Into<String>) -> EngineError {
    EngineError::Backup { path: path.display().to_string(), reason: reason.into() }
}

impl Library {
    /// Backs this library's store up into the new folder `dest` (see the module docs); other
    /// callers of the library carry on meanwhile. A library on a shared store refuses (its
    /// database server backs it up: `pg_dump`).
    pub fn backup(&self, dest: &Path, progress: &mut dyn FnMut(Phase, u64, u64)) -> Result<BackupSummary, EngineError> {
        backup_store(self.store.as_ref(), &self.data_dir, dest, progress)
    }
}

/// Backs up the embedded library in `data_dir` into the new folder `dest` without opening its
/// search index, so it runs beside any other process using the library (an ingest holding the
/// index writer, a server).
pub fn backup_folder(data_dir: &Path, dest: &Path, progress: &mut dyn FnMut(Phase, u64, u64)) -> Result<BackupSummary, EngineError> {
    let file = data_dir.join(STORE_FILE);
    if !file.is_file() {
        return Err(EngineError::DataDir { path: data_dir.display().to_string(), reason: format!("no library here (no {STORE_FILE})") });
    }
    let store = SqliteStore::open(&file)?;
    backup_store(&store, data_dir, dest, progress)
}

fn backup_store(store: &dyn Store, data_dir: &Path, dest: &Path, progress: &mut dyn FnMut(Phase, u64, u64)) -> Result<BackupSummary, EngineError> {
    let started = std::time::Instant::now();
    if dest.exists() && !is_empty_dir(dest) {
        return Err(backup_error(dest, "already exists and is not empty; back up into a new folder"));
    }
    // Written beside the destination, renamed into place when whole.
    let partial = sibling(dest, "partial")?;
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&partial).map_err(|e| io_error(&partial, e))?;
    let result = (|| {
        let copy = partial.join(STORE_FILE);
        let snapshot: StoreSnapshot = store.backup_to(&copy, &mut |done, total| progress(Phase::Copy, done, total))?;
        progress(Phase::Check, 0, 0);
        let sha256 = file_sha256(&copy)?;
        let manifest = BackupManifest {
            format: FORMAT.into(),
            version: 1,
            yanbao: env!("CARGO_PKG_VERSION").into(),
            created_at: chrono_now(),
            source: std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf()).display().to_string(),
            reports: snapshot.reports,
            generation: snapshot.generation,
            bytes: snapshot.bytes,
            sha256,
        };
        let json = serde_json::to_vec_pretty(&manifest).map_err(|e| io_error(&partial, e))?;
        write_synced(&partial.join(MANIFEST_FILE), &json)?;
        if dest.exists() {
            std::fs::remove_dir(dest).map_err(|e| io_error(dest, e))?;
        }
        std::fs::rename(&partial, dest).map_err(|e| io_error(dest, e))?;
        Ok(manifest)
    })();
    match result {
        Ok(manifest) => Ok(BackupSummary { dest: dest.display().to_string(), manifest, seconds: started.elapsed().as_secs_f64() }),
        Err(e) => {
            let _ = std::fs::remove_dir_all(&partial);
            Err(e)
        }
    }
}

/// Reads and checks a backup's manifest and store file (checksum); returns the manifest.
pub fn read_backup(src: &Path) -> Result<BackupManifest, EngineError> {
    if !src.is_dir() {
        return Err(backup_error(src, "no such backup folder"));
    }
    let manifest_path = src.join(MANIFEST_FILE);
    let bytes = std::fs::read(&manifest_path).map_err(|_| backup_error(src, format!("not a yanbao backup (no {MANIFEST_FILE}; was the backup interrupted?)")))?;
    let manifest: BackupManifest = serde_json::from_slice(&bytes).map_err(|e| backup_error(src, format!("{MANIFEST_FILE} is damaged: {e}")))?;
    if manifest.format != FORMAT {
        return Err(backup_error(src, format!("not a yanbao backup ({MANIFEST_FILE} says format {:?})", manifest.format)));
    }
    if manifest.version > 1 {
        return Err(backup_error(src, format!("written by a newer yanbao ({}, backup version {}); upgrade yanbao", manifest.yanbao, manifest.version)));
    }
    let store = src.join(STORE_FILE);
    if !store.is_file() {
        return Err(backup_error(src, format!("{STORE_FILE} is missing")));
    }
    let found = file_sha256(&store)?;
    if found != manifest.sha256 {
        return Err(backup_error(src, format!("{STORE_FILE} is damaged: its SHA-256 differs from the one recorded when the backup was made")));
    }
    Ok(manifest)
}

/// Restores the backup in `src` into the data folder `data_dir`: refuses a folder that is not
/// empty unless `force` (then the library there is replaced), checks the backup, builds the
/// library beside the target (store copied, checked, then the search index built from it) and
/// renames it into place. On any error the target is left as it was.
pub fn restore(src: &Path, data_dir: &Path, force: bool, progress: &mut dyn FnMut(Phase, u64, u64)) -> Result<RestoreSummary, EngineError> {
    let started = std::time::Instant::now();
    let manifest = read_backup(src)?;
    let occupied = data_dir.exists() && !is_empty_dir(data_dir);
    if data_dir.exists() && !data_dir.is_dir() {
        return Err(EngineError::DataDir { path: data_dir.display().to_string(), reason: "not a folder".into() });
    }
    if occupied && !force {
        return Err(EngineError::DataDir {
            path: data_dir.display().to_string(),
            reason: "is not empty; restore into a new folder, or pass --force to replace the library there".into(),
        });
    }
    let building = sibling(data_dir, "restoring")?;
    let _ = std::fs::remove_dir_all(&building);
    std::fs::create_dir_all(&building).map_err(|e| io_error(&building, e))?;
    let result = (|| {
        let store_file = building.join(STORE_FILE);
        let total = manifest.bytes;
        copy_with_progress(&src.join(STORE_FILE), &store_file, &mut |done| progress(Phase::Copy, done, total))?;
        // The copy must be the file the manifest describes (a disk may fail between the two reads).
        if file_sha256(&store_file)? != manifest.sha256 {
            return Err(backup_error(src, format!("{STORE_FILE} changed while it was copied")));
        }
        progress(Phase::Check, 0, 0);
        {
            let store = SqliteStore::open(&store_file).map_err(|e| backup_error(src, format!("{STORE_FILE} cannot be opened: {e}")))?;
            store.check().map_err(|e| backup_error(src, e.to_string()))?;
            let reports = store.ids()?.len() as u64;
            if reports != manifest.reports {
                return Err(backup_error(src, format!("{STORE_FILE} holds {reports} reports, the manifest {}", manifest.reports)));
            }
            // People come back with their passwords; nobody comes back signed in.
            store.purge_sessions(u64::MAX)?;
        }
        let library = Library::open_unreconciled(&building, None)?;
        let indexed = library.reindex(&mut |done, total| progress(Phase::Index, done as u64, total as u64))?;
        library.index.wait_merges()?;
        let indexed_now = library.index.report_ids()?.len();
        drop(library);
        Ok((indexed, indexed_now))
    })();
    let (_, indexed) = match result {
        Ok(counts) => counts,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&building);
            return Err(e);
        }
    };
    // Into place: the old library (if any) steps aside first, and goes once the new one is in.
    let mut replaced = false;
    if data_dir.exists() {
        if occupied {
            let old = sibling(data_dir, "replaced")?;
            let _ = std::fs::remove_dir_all(&old);
            std::fs::rename(data_dir, &old).map_err(|e| {
                let _ = std::fs::remove_dir_all(&building);
                io_error(data_dir, e)
            })?;
            if let Err(e) = std::fs::rename(&building, data_dir) {
                let _ = std::fs::rename(&old, data_dir);
                let _ = std::fs::remove_dir_all(&building);
                return Err(io_error(data_dir, e));
            }
            let _ = std::fs::remove_dir_all(&old);
            replaced = true;
        } else {
            std::fs::remove_dir(data_dir).map_err(|e| io_error(data_dir, e))?;
            std::fs::rename(&building, data_dir).map_err(|e| io_error(data_dir, e))?;
        }
    } else {
        std::fs::rename(&building, data_dir).map_err(|e| io_error(data_dir, e))?;
    }
    Ok(RestoreSummary {
        data_dir: data_dir.display().to_string(),
        source: src.display().to_string(),
        reports: manifest.reports,
        indexed,
        generation: manifest.generation,
        replaced,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// A hidden folder beside `path` (same file system: a rename moves it into place).
fn sibling(path: &Path, what: &str) -> Result<PathBuf, EngineError> {
    let name = path.file_name().ok_or_else(|| backup_error(path, "needs a folder name"))?;
    let parent = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| io_error(&parent, e))?;
    Ok(parent.join(format!(".{}.{what}-{}", name.to_string_lossy(), std::process::id())))
}

fn is_empty_dir(path: &Path) -> bool {
    std::fs::read_dir(path).map(|mut entries| entries.next().is_none()).unwrap_or(false)
}

fn file_sha256(path: &Path) -> Result<String, EngineError> {
    let mut file = std::fs::File::open(path).map_err(|e| io_error(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| io_error(path, e))?;
    Ok(hex::encode(hasher.finalize()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    use std::io::Write;
    let mut file = std::fs::File::create(path).map_err(|e| io_error(path, e))?;
    file.write_all(bytes).and_then(|_| file.sync_all()).map_err(|e| io_error(path, e))
}

fn copy_with_progress(from: &Path, to: &Path, progress: &mut dyn FnMut(u64)) -> Result<(), EngineError> {
    use std::io::{Read, Write};
    let mut input = std::fs::File::open(from).map_err(|e| io_error(from, e))?;
    let mut output = std::fs::File::create(to).map_err(|e| io_error(to, e))?;
    let mut buffer = vec![0u8; 1 << 20];
    let mut done = 0u64;
    loop {
        let n = input.read(&mut buffer).map_err(|e| io_error(from, e))?;
        if n == 0 {
            break;
        }
        output.write_all(&buffer[..n]).map_err(|e| io_error(to, e))?;
        done += n as u64;
        progress(done);
    }
    output.sync_all().map_err(|e| io_error(to, e))
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
pub(crate) fn chrono_now() -> String {
    // Seconds since the epoch as a UTC date and time, without a date library.
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    let (h, m, s) = (rest / 3600, rest % 3600 / 60, rest % 60);
    // Civil date from days (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!("{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}Z")
}
