//! What both stores share: how a report and its source are packed into bytes, the limits every
//! store keeps, and timestamps. One place, so the two stores cannot drift apart.

use std::borrow::Cow;

use yanbao_model::Report;

use crate::StoreError;

/// Sources larger than this keep only their JSON (and path), so a huge text file does not bloat the store.
pub(crate) const MAX_KEPT_SOURCE_BYTES: usize = 64 * 1024 * 1024;

/// zstd level for JSON and sources: level 3 compresses report text ~5× at hundreds of MB/s.
const ZSTD_LEVEL: i32 = 3;

/// Most candidates returned for one same-report lookup (bands of unrelated boilerplate-heavy
/// reports can collide; the decision itself is made on the fingerprints).
pub(crate) const MAX_CANDIDATES: i64 = 200;

/// The entities of a report that take part in co-mentions: its most-mentioned ones (ties by
/// name). Names a report mentions once in passing do not make two entities related.
pub(crate) const CO_MENTION_TOP: i64 = 12;

/// Reads a role as a store kept it (the schema allows only the three names).
pub(crate) fn stored_role(name: &str) -> Result<crate::Role, crate::StoreError> {
    crate::Role::parse(name).ok_or_else(|| crate::StoreError::Database(format!("a stored account has an unknown role {name:?}")))
}

/// Seconds since the epoch as an SQL integer (the far future stays the far future).
pub(crate) fn sql_seconds(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// Now, as `YYYY-MM-DDTHH:MM:SSZ`.
pub(crate) fn now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    rfc3339_utc(secs)
}

/// Formats seconds since the epoch as `YYYY-MM-DDTHH:MM:SSZ` (civil-from-days, proleptic Gregorian).
pub(crate) fn rfc3339_utc(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + if month <= 2 { 1 } else { 0 };
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

/// The JSON kept for a report: the report as parsed (the library's own `duplicate_of` mark lives
/// in its column, so un-marking never leaves a stale copy in the JSON).
pub(crate) fn to_json(report: &Report) -> String {
    // Serialising our own plain data types cannot fail.
    if report.duplicate_of.is_some() {
        let mut plain = report.clone();
        plain.duplicate_of = None;
        return serde_json::to_string(&plain).unwrap_or_default();
    }
    serde_json::to_string(report).unwrap_or_default()
}

/// zstd-compresses bytes.
pub(crate) fn compress(bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    zstd::bulk::compress(bytes, ZSTD_LEVEL).map_err(|e| StoreError::Corrupt { id: String::new(), reason: format!("compressing: {e}") })
}

/// Undoes [`compress`]; `id` names the report in the error.
pub(crate) fn decompress(id: &str, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
    zstd::stream::decode_all(bytes).map_err(|e| StoreError::Corrupt { id: id.to_string(), reason: format!("decompressing: {e}") })
}

/// The compressed JSON a store keeps for a report.
pub(crate) fn pack_report(report: &Report) -> Result<Vec<u8>, StoreError> {
    compress(to_json(report).as_bytes())
}

/// Reads a stored report from its compressed `doc` (schema 2) or its plain `json` (schema 1).
pub(crate) fn decode_report(id: &str, json: &str, doc: Option<&[u8]>) -> Result<Report, StoreError> {
    let corrupt = |e: serde_json::Error| StoreError::Corrupt { id: id.to_string(), reason: e.to_string() };
    match doc {
        Some(doc) => serde_json::from_slice(&decompress(id, doc)?).map_err(corrupt),
        None => serde_json::from_str(json).map_err(corrupt),
    }
}

/// How a source is kept: compressed when that saves space (text), raw otherwise (most PDFs).
/// Returns the bytes to store and their codec (`zstd` or `raw`).
pub(crate) fn pack_source(bytes: &[u8]) -> Result<(Cow<'_, [u8]>, &'static str), StoreError> {
    // PDFs carry their own (flate) compression: zstd would spend CPU to save a few per cent.
    if bytes.starts_with(b"%PDF") {
        return Ok((Cow::Borrowed(bytes), "raw"));
    }
    let packed = compress(bytes)?;
    Ok(if packed.len() < bytes.len() { (Cow::Owned(packed), "zstd") } else { (Cow::Borrowed(bytes), "raw") })
}

/// Undoes [`pack_source`].
pub(crate) fn unpack_source(id: &str, bytes: Vec<u8>, codec: Option<&str>) -> Result<Vec<u8>, StoreError> {
    match codec {
        Some("zstd") => decompress(id, &bytes),
        _ => Ok(bytes),
    }
}

/// The kind of an entity as stored (`person`, `org`, …).
pub(crate) fn entity_kind(kind: yanbao_model::EntityKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
}
