//! Moving a library from one store to another (`yanbao migrate --from DIR --to postgres://…`):
//! every report with its source bytes, copy marks and first-stored date, the company registry,
//! API tokens, people and settings; then a check that the target holds the same. Safe to run again:
//! what is already there is left as it is.

use std::collections::HashMap;

use sha2::{Digest, Sha256};
use yanbao_store::{PutOptions, PutOutcome, Store};

use crate::EngineError;

/// What a move did and found, for the user and `--json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MigrationSummary {
    /// Reports in the library moved from.
    pub reports: usize,
    /// Of those, newly written to the target.
    pub added: usize,
    /// Written again because the target held another version.
    pub replaced: usize,
    /// Already in the target, the same.
    pub unchanged: usize,
    /// Source bytes moved with the reports.
    pub source_bytes: u64,
    /// Copy marks set (other files of a stored report).
    pub marks: usize,
    /// Companies of the registry.
    pub companies: usize,
    /// API tokens (live and revoked).
    pub tokens: usize,
    /// People who sign in (with their password hashes; sessions stay behind).
    pub users: usize,
    /// Library settings (the share-link key among them).
    pub settings: usize,
    /// Reports checked afterwards: the same JSON, the same source hash, the same mark.
    pub verified: usize,
}

/// Copies everything in `from` into `to`, then reads every report back from `to` and compares
/// it with `from` (report, source SHA-256, copy mark); `progress(done, total)` is called as it
/// goes (both passes: `total` is twice the reports). Fails on the first difference.
pub fn migrate(from: &dyn Store, to: &dyn Store, progress: &mut dyn FnMut(usize, usize)) -> Result<MigrationSummary, EngineError> {
    let ids = from.ids()?;
    let total = ids.len() * 2;
    let mut summary = MigrationSummary { reports: ids.len(), ..MigrationSummary::default() };
    // When each report was first stored, from the listing (the report JSON does not hold it).
    let mut added_at: HashMap<String, String> = HashMap::new();
    const PAGE: usize = 5_000;
    loop {
        let page = from.list(added_at.len(), PAGE)?;
        let last = page.len() < PAGE;
        added_at.extend(page.into_iter().map(|row| (row.id, row.added_at)));
        if last {
            break;
        }
    }
    // The registry first, in the order learned (a name two companies printed stays with the first).
    let companies = from.companies()?;
    to.save_companies(&companies)?;
    summary.companies = companies.len();

    let mut failure: Option<EngineError> = None;
    let mut marks: Vec<(String, String)> = Vec::new();
    let mut done = 0;
    from.for_each(&mut |report| {
        let source = match from.source(&report.id) {
            Ok(source) => source,
            Err(e) => {
                failure = Some(e.into());
                return false;
            }
        };
        let options = PutOptions { source: source.as_deref(), added_at: added_at.get(&report.id).map(String::as_str), ..PutOptions::default() };
        match to.put_with(&report, options) {
            Ok(PutOutcome::Added) => summary.added += 1,
            Ok(PutOutcome::Replaced) => summary.replaced += 1,
            Ok(PutOutcome::Unchanged) => summary.unchanged += 1,
            Err(e) => {
                failure = Some(e.into());
                return false;
            }
        }
        summary.source_bytes += source.map_or(0, |s| s.len() as u64);
        if let Some(original) = &report.duplicate_of {
            marks.push((report.id.clone(), original.clone()));
        }
        done += 1;
        progress(done, total);
        true
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    // Marks once every report is there (a copy may sort before its original).
    for (copy, original) in &marks {
        to.set_duplicate_of(copy, Some(original))?;
    }
    summary.marks = marks.len();
    for record in from.token_records()? {
        to.restore_token(&record)?;
        summary.tokens += 1;
    }
    for record in from.user_records()? {
        to.restore_user(&record)?;
        summary.users += 1;
    }
    for (key, value) in from.settings()? {
        to.set_setting(&key, &value)?;
        summary.settings += 1;
    }

    // Verify: the target holds every report as the source does.
    let mismatch = |id: &str, what: &str| EngineError::Parse(format!("migration check failed: report {id} differs in the target ({what}); nothing in the source was changed"));
    from.for_each(&mut |report| {
        let check = || -> Result<(), EngineError> {
            let moved = to.get(&report.id)?.ok_or_else(|| mismatch(&report.id, "missing"))?;
            if moved != report {
                return Err(mismatch(&report.id, "report"));
            }
            let digest = |bytes: Option<Vec<u8>>| bytes.map(|b| Sha256::digest(&b).to_vec());
            if digest(from.source(&report.id)?) != digest(to.source(&report.id)?) {
                return Err(mismatch(&report.id, "source bytes"));
            }
            Ok(())
        };
        if let Err(e) = check() {
            failure = Some(e);
            return false;
        }
        summary.verified += 1;
        done += 1;
        progress(done, total);
        true
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    let (reports_from, reports_to) = (from.stats()?.reports, to.stats()?.reports);
    if reports_to < reports_from {
        return Err(EngineError::Parse(format!("migration check failed: the target holds {reports_to} reports, the source {reports_from}")));
    }
    Ok(summary)
}

/// [`migrate`] from the embedded library in `data_dir` to the shared store at `url`. The folder
/// must hold a library (nothing is created there); its search index is not moved (each node
/// builds its own from the shared store).
pub fn migrate_folder(data_dir: &std::path::Path, url: &str, progress: &mut dyn FnMut(usize, usize)) -> Result<MigrationSummary, EngineError> {
    let file = data_dir.join("library.sqlite");
    if !file.is_file() {
        return Err(EngineError::DataDir { path: data_dir.display().to_string(), reason: "holds no yanbao library (no library.sqlite)".into() });
    }
    if !yanbao_store::is_postgres_url(url) {
        return Err(EngineError::Access(format!("--to takes a postgres:// URL (got {url:?})")));
    }
    let from = yanbao_store::SqliteStore::open(&file)?;
    let to = yanbao_store::PgStore::connect(url)?;
    migrate(&from, &to, progress)
}
