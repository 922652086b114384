//! The shared store: PostgreSQL, for a library several machines write and read.
//!
//! It keeps what the embedded store keeps, in the same shape (see `migrations/postgres`), and
//! behaves the same (the conformance suite runs against both). What sharing adds:
//!
//! - **Concurrent writers.** Every worker may store reports at once. A put takes an advisory
//!   lock on its report id, so two workers given the same bytes store one report; counters
//!   shared by many reports (co-mentions) are updated in one sorted statement, so two writers
//!   never wait on each other in opposite orders.
//! - **A change feed.** Each change to a report adds its id to `changes` under a sequence number,
//!   committed in sequence order (an advisory lock held from the insert to the commit), and
//!   wakes listeners with `NOTIFY yanbao_changes`. The largest sequence number is the store's
//!   generation: a search node that has applied every change up to it is up to date.
//! - **Versioned migrations** (refinery), run under an advisory lock so nodes starting together
//!   migrate once.
//!
//! Every call takes a connection from a small pool (r2d2); the calls block, so async callers run
//! them on blocking threads, as they do for SQLite.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;
use postgres::{GenericClient, NoTls, Row};
use r2d2_postgres::PostgresConnectionManager;
use yanbao_model::securities::{KnownCompany, RatingAction};
use yanbao_model::{fingerprint, fingerprint_bands, Company, Event, Forecast, Report};

use crate::codec::{decode_report, entity_kind, now, pack_report, sql_seconds, stored_role, pack_source, to_json, unpack_source, CO_MENTION_TOP, MAX_CANDIDATES, MAX_KEPT_SOURCE_BYTES};
use crate::{
    AccessStore, CompanyNote, JobQueue, PutOptions, TokenRecord, CopyCandidate, EntityMention, KnowledgeStore, PutOutcome, ReportStore, ReportSummary, Store, StoreError, StoreStats,
    StoredEvent, TokenInfo, SessionRecord, UserInfo, UserRecord,
};

mod jobs;
mod pictures;

mod embedded {
    refinery::embed_migrations!("migrations/postgres");
}

/// Advisory lock held while migrating (any constant of our own: "yanbao" in ASCII).
const MIGRATION_LOCK: i64 = 0x79616e62616f;
/// Advisory lock held from adding a change to the commit, so changes commit in sequence order.
const CHANGE_LOCK: i64 = 0x79616e62616f + 1;
/// The channel `NOTIFY` wakes followers on.
pub const CHANGE_CHANNEL: &str = "yanbao_changes";
/// Connections a store keeps open at most (a server's blocking threads share them).
const POOL_SIZE: u32 = 8;

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        // The server's own message says what is wrong; the client's Display alone ("db error") does not.
        match e.as_db_error() {
            Some(db) => StoreError::Database(format!("{} ({})", db.message(), db.code().code())),
            None => StoreError::Database(e.to_string()),
        }
    }
}

/// Runs blocking database work where it may block. The synchronous client drives its own small
/// runtime, which cannot start on a thread that is driving async tasks: on such a thread (a
/// server's request handler) the work runs through `block_in_place`; elsewhere (the CLI, a
/// server's blocking threads) it runs as it is.
pub(crate) fn off_runtime<T>(work: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(work),
        _ => work(),
    }
}

/// A [`Store`] in a PostgreSQL database.
pub struct PgStore {
    /// The connections; `None` only while the store is dropped (see `Drop`).
    pool: Option<r2d2::Pool<PostgresConnectionManager<NoTls>>>,
    /// How to connect, for the listening connection.
    config: postgres::Config,
    /// A connection of its own that `LISTEN`s on [`CHANGE_CHANNEL`], opened by the first
    /// [`ReportStore::wait_for_change`] (and again after it breaks).
    listener: std::sync::Mutex<Option<postgres::Client>>,
    /// The URL without its password, for messages.
    location: String,
}

type Conn = r2d2::PooledConnection<PostgresConnectionManager<NoTls>>;

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/db`), creating or
    /// migrating its tables; fails within seconds with a one-line reason when it cannot.
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        let location = without_password(url);
        let unreachable = |reason: String| StoreError::Unreachable { location: location.clone(), reason };
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| unreachable(format!("not a PostgreSQL URL: {e}")))?;
        config.connect_timeout(Duration::from_secs(5));
        config.application_name("yanbao");
        let pool = r2d2::Pool::builder()
            .max_size(POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build_unchecked(PostgresConnectionManager::new(config.clone(), NoTls));
        // One connection made here, so a wrong URL or a stopped server is reported now, with
        // the server's reason, not as a pool timeout later.
        let mut first = config.connect(NoTls).map_err(|e| unreachable(connect_reason(&e)))?;
        migrate(&mut first)?;
        Ok(PgStore { pool: Some(pool), config, listener: std::sync::Mutex::new(None), location })
    }

    pub(crate) fn conn(&self) -> Result<Conn, StoreError> {
        let pool = self.pool.as_ref().ok_or_else(|| StoreError::Database("the store is closed".into()))?;
        pool.get().map_err(|e| StoreError::Unreachable { location: self.location.clone(), reason: e.to_string() })
    }
}

/// Runs the migrations this build knows, once, whoever else is starting.
fn migrate(client: &mut postgres::Client) -> Result<(), StoreError> {
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let outcome = embedded::migrations::runner().set_migration_table_name("yanbao_migrations").run(client);
    client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])?;
    outcome.map(|_| ()).map_err(|e| StoreError::Database(format!("migrating the shared store: {e}")))
}

/// The reason a connection failed, in the server's words when it gave some.
fn connect_reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => {
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(inner) = source {
                reason = format!("{reason}: {inner}");
                source = inner.source();
            }
            reason
        }
    }
}

/// The URL with its password replaced by `***`.
fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else { return url.to_string() };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!("{}{}:***{}", &url[..scheme_end + 3], &authority[..colon], &rest[at..]),
        _ => url.to_string(),
    }
}

/// Adds a change of `report_id` to the feed (in the caller's transaction): its earlier change
/// rows go (a follower re-reads the report as it stands, so the latest is all it needs), the
/// change lock is taken and held to the commit, and followers are woken on commit.
fn record_change(tx: &mut impl GenericClient, report_id: &str) -> Result<(), StoreError> {
    tx.execute("DELETE FROM changes WHERE report_id = $1", &[&report_id])?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHANGE_LOCK])?;
    tx.execute("INSERT INTO changes (report_id) VALUES ($1)", &[&report_id])?;
    tx.batch_execute(&format!("NOTIFY {CHANGE_CHANNEL}"))?;
    Ok(())
}

/// Marks `id` as another file of `original` (or a report of its own) in `tx`, moving its
/// co-mention counts and recording the change; true when the mark changed.
fn mark_duplicate(tx: &mut impl GenericClient, id: &str, original: Option<&str>) -> Result<bool, StoreError> {
    let was_original = is_original(tx, id)?;
    let changed = tx.execute("UPDATE reports SET duplicate_of = $2 WHERE id = $1 AND duplicate_of IS DISTINCT FROM $2", &[&id, &original])?;
    if changed > 0 {
        match (was_original, original.is_none()) {
            (true, false) => count_co_mentions(tx, id, -1)?,
            (false, true) => count_co_mentions(tx, id, 1)?,
            _ => {}
        }
        record_change(tx, id)?;
    }
    Ok(changed > 0)
}

/// Serialises writers of one report id (to the commit), so two workers given the same file
/// store it once.
fn lock_report(tx: &mut impl GenericClient, report_id: &str) -> Result<(), StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", &[&report_id])?;
    Ok(())
}

/// True when the report is stored and is not another file of a stored report.
fn is_original(tx: &mut impl GenericClient, report_id: &str) -> Result<bool, StoreError> {
    let row = tx.query_opt("SELECT duplicate_of IS NULL FROM reports WHERE id = $1", &[&report_id])?;
    Ok(row.map(|row| row.get::<_, bool>(0)).unwrap_or(false))
}

/// Adds `delta` (+1 or -1) to the co-mention counts of one report's most-mentioned entities;
/// pairs whose count falls to zero are removed. The pairs go in key order, in one statement.
fn count_co_mentions(tx: &mut impl GenericClient, report_id: &str, delta: i64) -> Result<(), StoreError> {
    let top: Vec<(String, String)> = tx
        .query("SELECT name, kind FROM entities WHERE report_id = $1 ORDER BY mentions DESC, name LIMIT $2", &[&report_id, &CO_MENTION_TOP])?
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    let mut pairs: Vec<(&str, &str, &str)> = Vec::new();
    for (name, _) in &top {
        for (other, kind) in top.iter().filter(|(other, _)| other != name) {
            pairs.push((name, other, kind));
        }
    }
    if pairs.is_empty() {
        return Ok(());
    }
    pairs.sort();
    let names: Vec<&str> = pairs.iter().map(|p| p.0).collect();
    let others: Vec<&str> = pairs.iter().map(|p| p.1).collect();
    let kinds: Vec<&str> = pairs.iter().map(|p| p.2).collect();
    tx.execute(
        "INSERT INTO co_mentions (name, other, kind, reports)
         SELECT name, other, kind, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS t(name, other, kind)
         ON CONFLICT (name, other) DO UPDATE SET reports = co_mentions.reports + excluded.reports",
        &[&names, &others, &kinds, &delta],
    )?;
    if delta < 0 {
        tx.execute(
            "DELETE FROM co_mentions c USING unnest($1::text[], $2::text[]) AS t(name, other)
             WHERE c.name = t.name AND c.other = t.other AND c.reports <= 0",
            &[&names, &others],
        )?;
    }
    Ok(())
}

/// Writes (inserting or replacing) a report's row, bands, events, entities and company facts in
/// `tx`, each table in one statement. The `duplicate_of` column and the source are left as they are.
fn write_report(tx: &mut impl GenericClient, report: &Report, added_at: &str, print: Option<&str>) -> Result<(), StoreError> {
    let doc = pack_report(report)?;
    let print = print.map_or_else(|| fingerprint(report), str::to_string);
    if is_original(tx, &report.id)? {
        count_co_mentions(tx, &report.id, -1)?;
    }
    for table in ["events", "event_names", "entities"] {
        tx.execute(&format!("DELETE FROM {table} WHERE report_id = $1"), &[&report.id])?;
    }
    tx.execute("DELETE FROM report_bands WHERE id = $1", &[&report.id])?;
    tx.execute(
        "INSERT INTO reports (id, sha256, title, institution, date, language, media_type, pages, source_path,
            added_at, format_version, blocks, figures, tables, fingerprint, doc, year)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         ON CONFLICT (id) DO UPDATE SET sha256 = excluded.sha256, title = excluded.title,
            institution = excluded.institution, date = excluded.date, year = excluded.year, language = excluded.language,
            media_type = excluded.media_type, pages = excluded.pages, source_path = excluded.source_path,
            format_version = excluded.format_version, blocks = excluded.blocks, figures = excluded.figures,
            tables = excluded.tables, fingerprint = excluded.fingerprint, doc = excluded.doc",
        &[
            &report.id,
            &report.source.sha256,
            &report.title,
            &report.institution,
            &report.date,
            &report.language,
            &report.source.media_type,
            &report.source.pages.map(|p| p as i32),
            &report.source.path,
            &added_at,
            &(report.format_version as i32),
            &(report.blocks.len() as i32),
            &(report.figures.len() as i32),
            &(report.tables.len() as i32),
            &print,
            &doc,
            &report.year,
        ],
    )?;
    let bands: Vec<i64> = fingerprint_bands(&print).into_iter().collect::<BTreeSet<i64>>().into_iter().collect();
    tx.execute("INSERT INTO report_bands (band, id) SELECT unnest($1::bigint[]), $2 ON CONFLICT DO NOTHING", &[&bands, &report.id])?;

    let mut seqs = Vec::new();
    let mut dates = Vec::new();
    let mut texts = Vec::new();
    let mut jsons = Vec::new();
    let mut named: BTreeSet<(&str, &str, i32)> = BTreeSet::new();
    for (seq, event) in report.events.iter().enumerate() {
        let search_text = format!("{} {}", event.text, event.actors.join(" "));
        for entity in report.entities.iter().filter(|entity| !entity.name.is_empty() && search_text.contains(&entity.name)) {
            named.insert((&entity.name, &event.date, seq as i32));
        }
        seqs.push(seq as i32);
        dates.push(event.date.as_str());
        jsons.push(serde_json::to_string(event).unwrap_or_default());
        texts.push(search_text);
    }
    if !seqs.is_empty() {
        tx.execute(
            "INSERT INTO events (report_id, seq, date, search_text, json)
             SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])",
            &[&report.id, &seqs, &dates, &texts, &jsons],
        )?;
    }
    if !named.is_empty() {
        let names: Vec<&str> = named.iter().map(|n| n.0).collect();
        let dates: Vec<&str> = named.iter().map(|n| n.1).collect();
        let seqs: Vec<i32> = named.iter().map(|n| n.2).collect();
        tx.execute(
            "INSERT INTO event_names (name, date, report_id, seq)
             SELECT name, date, $1, seq FROM unnest($2::text[], $3::text[], $4::int[]) AS t(name, date, seq) ON CONFLICT DO NOTHING",
            &[&report.id, &names, &dates, &seqs],
        )?;
    }
    // One row per name: mentions of a name listed twice add up, the first kind and code stay.
    let mut entities: BTreeMap<&str, (String, i32, Option<&str>)> = BTreeMap::new();
    for entity in &report.entities {
        let row = entities.entry(&entity.name).or_insert_with(|| (entity_kind(entity.kind), 0, None));
        row.1 += entity.mentions as i32;
        row.2 = row.2.or(entity.code.as_deref());
    }
    if !entities.is_empty() {
        let names: Vec<&str> = entities.keys().copied().collect();
        let kinds: Vec<&str> = entities.values().map(|e| e.0.as_str()).collect();
        let mentions: Vec<i32> = entities.values().map(|e| e.1).collect();
        let codes: Vec<Option<&str>> = entities.values().map(|e| e.2).collect();
        tx.execute(
            "INSERT INTO entities (report_id, name, kind, mentions, code)
             SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::text[])",
            &[&report.id, &names, &kinds, &mentions, &codes],
        )?;
    }
    write_company_facts(tx, report)?;
    if is_original(tx, &report.id)? {
        count_co_mentions(tx, &report.id, 1)?;
    }
    Ok(())
}

/// Writes (replacing) what a report says about the company it covers, in `tx`.
fn write_company_facts(tx: &mut impl GenericClient, report: &Report) -> Result<(), StoreError> {
    tx.execute("DELETE FROM company_notes WHERE report_id = $1", &[&report.id])?;
    tx.execute("DELETE FROM company_forecasts WHERE report_id = $1", &[&report.id])?;
    let Some(company) = &report.company else { return Ok(()) };
    tx.execute(
        "INSERT INTO company_notes (report_id, name, code, exchange, rating, rating_action, target_price, currency, date, institution)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        &[
            &report.id,
            &company.name,
            &company.code,
            &company.exchange,
            &report.rating,
            &report.rating_action.map(|action| action.as_str()),
            &report.target_price,
            &report.target_currency,
            &report.date,
            &report.institution,
        ],
    )?;
    if !report.forecasts.is_empty() {
        let seqs: Vec<i32> = (0..report.forecasts.len() as i32).collect();
        let years: Vec<i32> = report.forecasts.iter().map(|f| f.year).collect();
        let metrics: Vec<&str> = report.forecasts.iter().map(|f| f.metric.as_str()).collect();
        let values: Vec<f64> = report.forecasts.iter().map(|f| f.value).collect();
        let units: Vec<&str> = report.forecasts.iter().map(|f| f.unit.as_str()).collect();
        tx.execute(
            "INSERT INTO company_forecasts (report_id, seq, year, metric, value, unit)
             SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::float8[], $6::text[])",
            &[&report.id, &seqs, &years, &metrics, &values, &units],
        )?;
    }
    Ok(())
}

/// Writes (inserting or replacing) companies of the registry in `tx`, in key order (so two
/// writers never wait on each other crosswise); a company keeps the `seq` of its first learning.
fn write_companies(tx: &mut impl GenericClient, companies: &[KnownCompany]) -> Result<(), StoreError> {
    let mut sorted: Vec<&KnownCompany> = companies.iter().collect();
    sorted.sort_by_key(|company| company.key());
    for company in sorted {
        let aliases: Vec<&str> = company.aliases.iter().map(String::as_str).collect();
        tx.execute(
            "INSERT INTO companies (key, code, exchange, name, aliases) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (key) DO UPDATE SET code = excluded.code, exchange = excluded.exchange, name = excluded.name, aliases = excluded.aliases",
            &[&company.key(), &company.code, &company.exchange, &company.name, &aliases],
        )?;
    }
    Ok(())
}

fn known_company(row: &Row) -> KnownCompany {
    let aliases: Vec<String> = row.get(3);
    KnownCompany { code: row.get(0), exchange: row.get(1), name: row.get(2), aliases: aliases.into_iter().collect() }
}

fn candidate(row: &Row) -> CopyCandidate {
    CopyCandidate { id: row.get(0), fingerprint: row.get(1), title: row.get(2), institution: row.get(3), date: row.get(4) }
}

fn mention(row: &Row) -> EntityMention {
    EntityMention { report_id: row.get(0), title: row.get(1), date: row.get(2), kind: row.get(3), mentions: row.get::<_, i64>(4) as u32 }
}

fn user_record(row: &Row) -> Result<UserRecord, StoreError> {
    let role: String = row.get(1);
    Ok(UserRecord { info: UserInfo { name: row.get(0), role: stored_role(&role)?, created_at: row.get(2) }, password_hash: row.get(3) })
}

fn decode_row(id: &str, doc: &[u8], duplicate_of: Option<String>) -> Result<Report, StoreError> {
    let mut report = decode_report(id, "", Some(doc))?;
    report.duplicate_of = duplicate_of;
    Ok(report)
}

impl ReportStore for PgStore {
    fn put_with(&self, report: &Report, options: PutOptions<'_>) -> Result<PutOutcome, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            lock_report(&mut tx, &report.id)?;
            write_companies(&mut tx, options.companies)?;
            let existing = tx.query_opt("SELECT doc FROM reports WHERE id = $1", &[&report.id])?;
            let outcome = match existing {
                Some(row) => {
                    let old = decode_report(&report.id, "", Some(row.get::<_, &[u8]>(0)))?;
                    if to_json(&old) == to_json(report) {
                        // What the registry learned from it (and a mark) is kept all the same.
                        if let Some(original) = options.duplicate_of {
                            mark_duplicate(&mut tx, &report.id, Some(original))?;
                        }
                        tx.commit()?;
                        return Ok(PutOutcome::Unchanged);
                    }
                    PutOutcome::Replaced
                }
                None => PutOutcome::Added,
            };
            write_report(&mut tx, report, options.added_at.unwrap_or(&now()), options.fingerprint)?;
            if let Some(bytes) = options.source.filter(|b| b.len() <= MAX_KEPT_SOURCE_BYTES) {
                let (stored, codec) = pack_source(bytes)?;
                tx.execute(
                    "INSERT INTO sources (id, bytes, codec, original_len) VALUES ($1, $2, $3, $4)
                     ON CONFLICT (id) DO UPDATE SET bytes = excluded.bytes, codec = excluded.codec, original_len = excluded.original_len",
                    &[&report.id, &stored.as_ref(), &codec, &(bytes.len() as i64)],
                )?;
            }
            if let Some(original) = options.duplicate_of {
                mark_duplicate(&mut tx, &report.id, Some(original))?;
            }
            record_change(&mut tx, &report.id)?;
            tx.commit()?;
            Ok(outcome)
        })
    }

    fn get(&self, id: &str) -> Result<Option<Report>, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_opt("SELECT doc, duplicate_of FROM reports WHERE id = $1", &[&id])?;
            row.map(|row| decode_row(id, row.get(0), row.get(1))).transpose()
        })
    }

    fn contains(&self, id: &str) -> Result<bool, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query_opt("SELECT 1 FROM reports WHERE id = $1", &[&id])?.is_some())
        })
    }

    fn source(&self, id: &str) -> Result<Option<Vec<u8>>, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_opt("SELECT bytes, codec FROM sources WHERE id = $1", &[&id])?;
            row.map(|row| unpack_source(id, row.get(0), row.get::<_, Option<&str>>(1))).transpose()
        })
    }

    fn remove(&self, id: &str) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            lock_report(&mut tx, id)?;
            // Its other files become reports of their own (and count in co-mentions); it stops counting.
            let freed: Vec<String> =
                tx.query("UPDATE reports SET duplicate_of = NULL WHERE duplicate_of = $1 RETURNING id", &[&id])?.iter().map(|row| row.get(0)).collect();
            for copy in &freed {
                count_co_mentions(&mut tx, copy, 1)?;
                record_change(&mut tx, copy)?;
            }
            if is_original(&mut tx, id)? {
                count_co_mentions(&mut tx, id, -1)?;
            }
            pictures::forget_pictures(&mut tx, id)?;
            let removed = tx.execute("DELETE FROM reports WHERE id = $1", &[&id])?;
            if removed > 0 {
                record_change(&mut tx, id)?;
            }
            tx.commit()?;
            Ok(removed > 0)
        })
    }

    fn ids(&self) -> Result<BTreeSet<String>, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query("SELECT id FROM reports", &[])?.iter().map(|row| row.get(0)).collect())
        })
    }

    fn duplicate_ids(&self) -> Result<BTreeSet<String>, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query("SELECT id FROM reports WHERE duplicate_of IS NOT NULL", &[])?.iter().map(|row| row.get(0)).collect())
        })
    }

    fn list(&self, offset: usize, limit: usize) -> Result<Vec<ReportSummary>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query(
                "SELECT id, title, institution, date, language, media_type, pages, source_path, added_at, duplicate_of, year
                 FROM reports ORDER BY date IS NULL, date DESC, added_at DESC, id LIMIT $1 OFFSET $2",
                &[&(limit.min(i64::MAX as usize) as i64), &(offset.min(i64::MAX as usize) as i64)],
            )?;
            Ok(rows
                .iter()
                .map(|row| ReportSummary {
                    id: row.get(0),
                    title: row.get(1),
                    institution: row.get(2),
                    date: row.get(3),
                    language: row.get(4),
                    media_type: row.get(5),
                    pages: row.get::<_, Option<i32>>(6).map(|p| p as u32),
                    source_path: row.get(7),
                    added_at: row.get(8),
                    duplicate_of: row.get(9),
                    year: row.get(10),
                })
                .collect())
        })
    }

    fn for_each(&self, visit: &mut dyn FnMut(Report) -> bool) -> Result<(), StoreError> {
        off_runtime(|| {
            // Page through by id so no connection is held while `visit` runs (it may call the store).
            let mut after = String::new();
            loop {
                let page = self.conn()?.query("SELECT id, doc, duplicate_of FROM reports WHERE id > $1 ORDER BY id LIMIT 64", &[&after])?;
                let Some(last) = page.last() else { return Ok(()) };
                after = last.get(0);
                for row in &page {
                    if !visit(decode_row(row.get(0), row.get(1), row.get(2))?) {
                        return Ok(());
                    }
                }
            }
        })
    }

    fn stats(&self) -> Result<StoreStats, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let totals = conn.query_one(
                "SELECT COUNT(*), COALESCE(SUM(blocks), 0)::bigint, COALESCE(SUM(figures), 0)::bigint, COALESCE(SUM(tables), 0)::bigint,
                        COUNT(*) FILTER (WHERE duplicate_of IS NOT NULL),
                        (SELECT COUNT(*) FROM events), (SELECT COALESCE(SUM(original_len), 0)::bigint FROM sources)
                 FROM reports",
                &[],
            )?;
            let count = |i: usize| totals.get::<_, i64>(i) as u64;
            let mut group = |sql: &str| -> Result<Vec<(String, u64)>, StoreError> {
                Ok(conn.query(sql, &[])?.iter().map(|row| (row.get(0), row.get::<_, i64>(1) as u64)).collect())
            };
            Ok(StoreStats {
                reports: count(0),
                blocks: count(1),
                figures: count(2),
                tables: count(3),
                duplicates: count(4),
                events: count(5),
                source_bytes: count(6),
                languages: group("SELECT language, COUNT(*) FROM reports GROUP BY language ORDER BY 2 DESC")?,
                institutions: group(
                    "SELECT institution, COUNT(*) FROM reports WHERE institution IS NOT NULL GROUP BY institution ORDER BY 2 DESC, 1 LIMIT 50",
                )?,
            })
        })
    }

    fn set_duplicate_of(&self, id: &str, original: Option<&str>) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            lock_report(&mut tx, id)?;
            let changed = mark_duplicate(&mut tx, id, original)?;
            tx.commit()?;
            Ok(changed)
        })
    }

    fn copy_candidates(&self, bands: &[i64]) -> Result<Vec<CopyCandidate>, StoreError> {
        off_runtime(|| {
            if bands.is_empty() {
                return Ok(Vec::new());
            }
            // Most shared bands first: a true copy shares nearly all of them.
            let rows = self.conn()?.query(
                "SELECT r.id, r.fingerprint, r.title, r.institution, r.date
                 FROM (SELECT id, COUNT(*) AS shared FROM report_bands WHERE band = ANY($1) GROUP BY id) b
                 JOIN reports r ON r.id = b.id
                 WHERE r.duplicate_of IS NULL
                 ORDER BY b.shared DESC, r.id LIMIT $2",
                &[&bands, &MAX_CANDIDATES],
            )?;
            Ok(rows.iter().map(candidate).collect())
        })
    }

    fn copies(&self, id: &str) -> Result<Vec<String>, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query("SELECT id FROM reports WHERE duplicate_of = $1 ORDER BY id", &[&id])?.iter().map(|row| row.get(0)).collect())
        })
    }

    fn copy_counts(&self, ids: &[&str]) -> Result<HashMap<String, u32>, StoreError> {
        off_runtime(|| {
            if ids.is_empty() {
                return Ok(HashMap::new());
            }
            let rows = self.conn()?.query("SELECT duplicate_of, COUNT(*) FROM reports WHERE duplicate_of = ANY($1) GROUP BY 1", &[&ids])?;
            Ok(rows.iter().map(|row| (row.get(0), row.get::<_, i64>(1) as u32)).collect())
        })
    }

    fn generation(&self) -> Result<u64, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_one("SELECT COALESCE(MAX(seq), 0) FROM changes", &[])?;
            Ok(row.get::<_, i64>(0) as u64)
        })
    }

    fn changes_since(&self, after: u64, limit: usize) -> Result<Option<Vec<(u64, String)>>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query(
                "SELECT seq, report_id FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2",
                &[&(after.min(i64::MAX as u64) as i64), &(limit.min(i64::MAX as usize) as i64)],
            )?;
            Ok(Some(rows.iter().map(|row| (row.get::<_, i64>(0) as u64, row.get(1))).collect()))
        })
    }

    fn change_age(&self, after: u64) -> Result<Option<Duration>, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_opt(
                "SELECT EXTRACT(EPOCH FROM (now() - at))::float8 FROM changes WHERE seq > $1 ORDER BY seq LIMIT 1",
                &[&(after.min(i64::MAX as u64) as i64)],
            )?;
            Ok(row.map(|row| Duration::from_secs_f64(row.get::<_, f64>(0).max(0.0))))
        })
    }

    fn wait_for_change(&self, timeout: Duration) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut listener = self.listener.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            if listener.as_ref().is_none_or(|client| client.is_closed()) {
                let mut client = self.config.connect(NoTls).map_err(|e| StoreError::Unreachable { location: self.location.clone(), reason: connect_reason(&e) })?;
                client.batch_execute(&format!("LISTEN {CHANGE_CHANNEL}"))?;
                *listener = Some(client);
            }
            let Some(client) = listener.as_mut() else { return Ok(false) };
            let mut notifications = client.notifications();
            let woken = notifications.timeout_iter(timeout).next()?.is_some();
            // A burst of changes wakes once: take what else is already there.
            while notifications.iter().next()?.is_some() {}
            Ok(woken)
        })
    }
}

impl KnowledgeStore for PgStore {
    fn events(&self, from: Option<&str>, to: Option<&str>, entity: Option<&str>, limit: usize) -> Result<Vec<StoredEvent>, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let listed = match entity {
                Some(name) => conn.query_one("SELECT EXISTS (SELECT 1 FROM entities WHERE name = $1)", &[&name])?.get::<_, bool>(0),
                None => false,
            };
            let from = from.unwrap_or("0000-00-00");
            let to = to.unwrap_or("9999-99-99");
            let limit = limit.min(i64::MAX as usize) as i64;
            let rows = if listed {
                conn.query(
                    "SELECT e.report_id, r.title, e.json FROM event_names x
                       JOIN events e ON e.report_id = x.report_id AND e.seq = x.seq
                       JOIN reports r ON r.id = e.report_id
                     WHERE x.name = $3 AND x.date >= $1 AND x.date <= $2 AND r.duplicate_of IS NULL
                     ORDER BY x.date, x.report_id, x.seq LIMIT $4",
                    &[&from, &to, &entity, &limit],
                )?
            } else {
                conn.query(
                    "SELECT e.report_id, r.title, e.json FROM events e JOIN reports r ON r.id = e.report_id
                     WHERE e.date >= $1 AND e.date <= $2 AND ($3::text IS NULL OR strpos(e.search_text, $3) > 0)
                       AND r.duplicate_of IS NULL
                     ORDER BY e.date, e.report_id, e.seq LIMIT $4",
                    &[&from, &to, &entity, &limit],
                )?
            };
            rows.iter()
                .map(|row| {
                    let report_id: String = row.get(0);
                    let event: Event = serde_json::from_str(row.get(2)).map_err(|e| StoreError::Corrupt { id: report_id.clone(), reason: e.to_string() })?;
                    Ok(StoredEvent { report_id, title: row.get(1), event })
                })
                .collect()
        })
    }

    fn entity_mentions(&self, name: &str) -> Result<Vec<EntityMention>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query(
                "SELECT n.report_id, r.title, r.date, n.kind, n.mentions::bigint FROM entities n JOIN reports r ON r.id = n.report_id
                 WHERE n.name = $1 ORDER BY n.mentions DESC, r.date DESC, n.report_id LIMIT 500",
                &[&name],
            )?;
            Ok(rows.iter().map(mention).collect())
        })
    }

    fn co_mentioned(&self, name: &str, limit: usize) -> Result<Vec<(String, String, u64)>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query(
                "SELECT other, kind, reports FROM co_mentions WHERE name = $1 AND reports > 0 ORDER BY reports DESC, other LIMIT $2",
                &[&name, &(limit.min(i64::MAX as usize) as i64)],
            )?;
            Ok(rows.iter().map(|row| (row.get(0), row.get(1), row.get::<_, i64>(2) as u64)).collect())
        })
    }

    fn companies(&self) -> Result<Vec<KnownCompany>, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query("SELECT code, exchange, name, aliases FROM companies ORDER BY seq", &[])?.iter().map(known_company).collect())
        })
    }

    fn save_companies(&self, companies: &[KnownCompany]) -> Result<(), StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            write_companies(&mut tx, companies)?;
            tx.commit()?;
            Ok(())
        })
    }

    fn find_company(&self, code_or_name: &str) -> Result<Option<KnownCompany>, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_opt(
                "SELECT code, exchange, name, aliases FROM companies
                 WHERE key = $1 OR code = $1 OR name = $1 OR $1 = ANY(aliases)
                 ORDER BY key = $1 DESC, code = $1 DESC, name = $1 DESC, exchange IS NULL, seq LIMIT 1",
                &[&code_or_name],
            )?;
            Ok(row.as_ref().map(known_company))
        })
    }

    fn printed_companies(&self) -> Result<Vec<Company>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query(
                "SELECT name, code, exchange FROM (
                    SELECT r.seq AS at, 0 AS part, n.name, n.code, NULL::text AS exchange FROM entities n JOIN reports r ON r.id = n.report_id
                    WHERE n.code IS NOT NULL
                    UNION ALL
                    SELECT r.seq, 1, c.name, c.code, c.exchange FROM company_notes c JOIN reports r ON r.id = c.report_id
                    WHERE c.code IS NOT NULL) printed
                 ORDER BY at, part, name",
                &[],
            )?;
            Ok(rows.iter().map(|row| Company { name: row.get(0), code: row.get(1), exchange: row.get(2) }).collect())
        })
    }

    fn company_notes(&self, code: &str, names: &[&str]) -> Result<Vec<CompanyNote>, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let rows = conn.query(
                "SELECT n.report_id, r.title, n.date, n.institution, n.name, n.code, n.exchange, n.rating, n.rating_action, n.target_price, n.currency
                 FROM company_notes n JOIN reports r ON r.id = n.report_id
                 WHERE (n.code = $1 OR (n.code IS NULL AND n.name = ANY($2))) AND r.duplicate_of IS NULL
                 ORDER BY n.date IS NULL, n.date DESC, n.report_id",
                &[&code, &names],
            )?;
            let mut notes: Vec<CompanyNote> = rows
                .iter()
                .map(|row| CompanyNote {
                    report_id: row.get(0),
                    title: row.get(1),
                    date: row.get(2),
                    institution: row.get(3),
                    company: Company { name: row.get(4), code: row.get(5), exchange: row.get(6) },
                    rating: row.get(7),
                    rating_action: row.get::<_, Option<&str>>(8).and_then(RatingAction::from_word),
                    target_price: row.get(9),
                    target_currency: row.get(10),
                    forecasts: Vec::new(),
                })
                .collect();
            if notes.is_empty() {
                return Ok(notes);
            }
            let ids: Vec<&str> = notes.iter().map(|note| note.report_id.as_str()).collect();
            let mut forecasts: HashMap<String, Vec<Forecast>> = HashMap::new();
            for row in conn.query("SELECT report_id, year, metric, value, unit FROM company_forecasts WHERE report_id = ANY($1) ORDER BY report_id, seq", &[&ids])? {
                forecasts.entry(row.get(0)).or_default().push(Forecast { year: row.get(1), metric: row.get(2), value: row.get(3), unit: row.get(4) });
            }
            for note in &mut notes {
                note.forecasts = forecasts.remove(&note.report_id).unwrap_or_default();
            }
            Ok(notes)
        })
    }

    fn company_mentions(&self, code: &str, names: &[&str]) -> Result<Vec<EntityMention>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query(
                "SELECT r.id, r.title, r.date, min(n.kind), SUM(n.mentions)::bigint FROM entities n JOIN reports r ON r.id = n.report_id
                 WHERE (n.code = $1 OR n.name = ANY($2)) AND r.duplicate_of IS NULL
                 GROUP BY r.id ORDER BY 5 DESC, r.date DESC, r.id LIMIT 500",
                &[&code, &names],
            )?;
            Ok(rows.iter().map(mention).collect())
        })
    }
}

impl AccessStore for PgStore {
    fn create_token(&self, name: &str, hash: &str) -> Result<(), StoreError> {
        off_runtime(|| {
            self.conn()?.execute(
                "INSERT INTO tokens (name, hash, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, revoked_at = NULL",
                &[&name, &hash, &now()],
            )?;
            Ok(())
        })
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query("SELECT name, created_at, revoked_at FROM tokens ORDER BY created_at, name", &[])?;
            Ok(rows.iter().map(|row| TokenInfo { name: row.get(0), created_at: row.get(1), revoked_at: row.get(2) }).collect())
        })
    }

    fn revoke_token(&self, name: &str) -> Result<bool, StoreError> {
        off_runtime(|| {
            let changed = self.conn()?.execute("UPDATE tokens SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL", &[&name, &now()])?;
            Ok(changed > 0)
        })
    }

    fn token_by_hash(&self, hash: &str) -> Result<Option<String>, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query_opt("SELECT name FROM tokens WHERE hash = $1 AND revoked_at IS NULL", &[&hash])?.map(|row| row.get(0)))
        })
    }

    fn setting(&self, key: &str) -> Result<Option<String>, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query_opt("SELECT value FROM settings WHERE key = $1", &[&key])?.map(|row| row.get(0)))
        })
    }

    fn set_setting(&self, key: &str, value: &str) -> Result<(), StoreError> {
        off_runtime(|| {
            self.conn()?.execute("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", &[&key, &value])?;
            Ok(())
        })
    }

    fn settings(&self) -> Result<Vec<(String, String)>, StoreError> {
        off_runtime(|| {
            Ok(self.conn()?.query("SELECT key, value FROM settings ORDER BY key", &[])?.iter().map(|row| (row.get(0), row.get(1))).collect())
        })
    }

    fn token_records(&self) -> Result<Vec<TokenRecord>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query("SELECT name, created_at, revoked_at, hash FROM tokens ORDER BY created_at, name", &[])?;
            Ok(rows.iter().map(|row| TokenRecord { info: TokenInfo { name: row.get(0), created_at: row.get(1), revoked_at: row.get(2) }, hash: row.get(3) }).collect())
        })
    }

    fn restore_token(&self, record: &TokenRecord) -> Result<(), StoreError> {
        off_runtime(|| {
            self.conn()?.execute(
                "INSERT INTO tokens (name, hash, created_at, revoked_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, created_at = excluded.created_at, revoked_at = excluded.revoked_at",
                &[&record.info.name, &record.hash, &record.info.created_at, &record.info.revoked_at],
            )?;
            Ok(())
        })
    }

    fn setting_or_insert(&self, key: &str, value: &str) -> Result<String, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            conn.execute("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", &[&key, &value])?;
            Ok(conn.query_one("SELECT value FROM settings WHERE key = $1", &[&key])?.get(0))
        })
    }

    fn create_user(&self, record: &UserRecord) -> Result<bool, StoreError> {
        off_runtime(|| {
            let info = &record.info;
            let added = self.conn()?.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING",
                &[&info.name, &info.role.as_str(), &record.password_hash, &info.created_at],
            )?;
            Ok(added > 0)
        })
    }

    fn users(&self) -> Result<Vec<UserInfo>, StoreError> {
        Ok(self.user_records()?.into_iter().map(|record| record.info).collect())
    }

    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_opt("SELECT name, role, created_at, password_hash FROM users WHERE name = $1", &[&name])?;
            row.map(|row| user_record(&row)).transpose()
        })
    }

    fn set_password(&self, name: &str, password_hash: &str) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            let changed = tx.execute("UPDATE users SET password_hash = $2 WHERE name = $1", &[&name, &password_hash])?;
            tx.execute("DELETE FROM sessions WHERE user_name = $1", &[&name])?;
            tx.commit()?;
            Ok(changed > 0)
        })
    }

    fn remove_user(&self, name: &str) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            tx.execute("DELETE FROM sessions WHERE user_name = $1", &[&name])?;
            let removed = tx.execute("DELETE FROM users WHERE name = $1", &[&name])?;
            tx.commit()?;
            Ok(removed > 0)
        })
    }

    fn user_records(&self) -> Result<Vec<UserRecord>, StoreError> {
        off_runtime(|| {
            let rows = self.conn()?.query("SELECT name, role, created_at, password_hash FROM users ORDER BY name", &[])?;
            rows.iter().map(user_record).collect()
        })
    }

    fn restore_user(&self, record: &UserRecord) -> Result<(), StoreError> {
        off_runtime(|| {
            let info = &record.info;
            self.conn()?.execute(
                "INSERT INTO users (name, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, created_at = excluded.created_at",
                &[&info.name, &info.role.as_str(), &record.password_hash, &info.created_at],
            )?;
            Ok(())
        })
    }

    fn create_session(&self, hash: &str, user: &str, csrf: &str, expires_at: u64, now_seconds: u64) -> Result<bool, StoreError> {
        off_runtime(|| {
            let mut conn = self.conn()?;
            let mut tx = conn.transaction()?;
            tx.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&sql_seconds(now_seconds)])?;
            let added = tx.execute(
                "INSERT INTO sessions (hash, user_name, csrf, created_at, expires_at) SELECT $1, name, $3, $4, $5 FROM users WHERE name = $2",
                &[&hash, &user, &csrf, &now(), &sql_seconds(expires_at)],
            )?;
            tx.commit()?;
            Ok(added > 0)
        })
    }

    fn session(&self, hash: &str, now_seconds: u64) -> Result<Option<SessionRecord>, StoreError> {
        off_runtime(|| {
            let row = self.conn()?.query_opt(
                "SELECT s.user_name, u.role, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.hash = $1 AND s.expires_at > $2",
                &[&hash, &sql_seconds(now_seconds)],
            )?;
            row.map(|row| {
                let role: String = row.get(1);
                Ok(SessionRecord { user: row.get(0), role: stored_role(&role)?, csrf: row.get(2), expires_at: row.get::<_, i64>(3).max(0) as u64 })
            })
            .transpose()
        })
    }

    fn end_session(&self, hash: &str) -> Result<bool, StoreError> {
        off_runtime(|| Ok(self.conn()?.execute("DELETE FROM sessions WHERE hash = $1", &[&hash])? > 0))
    }

    fn purge_sessions(&self, now_seconds: u64) -> Result<u64, StoreError> {
        off_runtime(|| Ok(self.conn()?.execute("DELETE FROM sessions WHERE expires_at <= $1", &[&sql_seconds(now_seconds)])?))
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // Closing the connections blocks too (see `off_runtime`).
        let listener = self.listener.get_mut().ok().and_then(Option::take);
        let pool = self.pool.take();
        off_runtime(move || drop((listener, pool)));
    }
}

impl Store for PgStore {
    fn location(&self) -> String {
        self.location.clone()
    }

    fn job_queue(&self) -> Option<&dyn JobQueue> {
        Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn messages_never_show_the_password() {
        assert_eq!(without_password("postgres://yb:s3cret@db.example:5432/lib"), "postgres://yb:***@db.example:5432/lib");
        assert_eq!(without_password("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(without_password("postgresql://a:b@h"), "postgresql://a:***@h");
        assert_eq!(without_password("host=/tmp user=x"), "host=/tmp user=x");
    }
}
