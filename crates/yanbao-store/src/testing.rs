//! Helpers for tests of the store and of the crates built on it: the PostgreSQL server tests may
//! use (`YANBAO_TEST_POSTGRES`), scratch databases that clean up after themselves, and the small
//! reports the store's tests share.

use yanbao_model::securities::{KnownCompany, RatingAction};
use yanbao_model::{Block, BlockKind, Company, Entity, EntityKind, Event, EventOrigin, Forecast, Report};

/// The bundled text and Markdown sample reports (`samples/*.md`, `*.txt`), in name order.
pub fn text_sample_files() -> Vec<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples");
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
        .map(|entries| entries.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "txt")));
    files.sort();
    files
}

/// A scratch database for the test `tag` on the server `YANBAO_TEST_POSTGRES` names, or `None`
/// after printing why the test skips (the variable is unset).
pub fn scratch_or_skip(tag: &str) -> Option<ScratchDatabase> {
    match postgres_url() {
        Some(admin) => Some(ScratchDatabase::create(&admin, tag)),
        None => {
            eprintln!("skipped {tag} on PostgreSQL: YANBAO_TEST_POSTGRES is not set (e.g. postgres://postgres@127.0.0.1:5432/postgres)");
            None
        }
    }
}

/// The PostgreSQL server tests may use, when there is one.
pub fn postgres_url() -> Option<String> {
    std::env::var("YANBAO_TEST_POSTGRES").ok().filter(|url| !url.is_empty())
}

/// A PostgreSQL database made for one test and dropped (with its connections) when this goes.
pub struct ScratchDatabase {
    admin: String,
    name: String,
    /// The URL of the scratch database.
    pub url: String,
}

impl ScratchDatabase {
    /// Creates a database named after `tag`, this process and a counter on the server at
    /// `admin` (a URL of a database that exists), so tests running at once never share one.
    pub fn create(admin: &str, tag: &str) -> ScratchDatabase {
        static MADE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let made = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag: String = tag.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(32).collect::<String>().to_ascii_lowercase();
        let name = format!("yb_{tag}_{}_{made}", std::process::id());
        let mut client = ::postgres::Client::connect(admin, ::postgres::NoTls).expect("YANBAO_TEST_POSTGRES must name a reachable server");
        client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).unwrap();
        client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
        // The same server and user, another database: replace the URL's path.
        let (base, query) = admin.split_once('?').map_or((admin, None), |(b, q)| (b, Some(q)));
        let authority_end = base.find("://").map(|i| i + 3).unwrap_or(0);
        let base = match base[authority_end..].find('/') {
            Some(slash) => &base[..authority_end + slash],
            None => base,
        };
        let url = match query {
            Some(query) => format!("{base}/{name}?{query}"),
            None => format!("{base}/{name}"),
        };
        ScratchDatabase { admin: admin.to_string(), name, url }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = ::postgres::Client::connect(&self.admin, ::postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}


/// A small report whose body is `text`: dated 2021-11-15, one event (2021-09-25, naming 孟晚舟)
/// and two entities (孟晚舟 ×2, USTR).
pub fn sample_report(text: &str) -> Report {
    let mut report = Report::new_for_source(text.as_bytes(), "sample.md", "text/markdown");
    report.title = format!("报告 {text}");
    report.date = Some("2021-11-15".into());
    report.blocks.push(Block { kind: BlockKind::Paragraph, text: text.into(), ..Block::default() });
    report.events.push(Event {
        date: "2021-09-25".into(),
        date_text: "9 月 25 日".into(),
        text: "中国公民孟晚舟乘坐中国政府包机返回中国。".into(),
        actors: vec!["孟晚舟".into()],
        origin: EventOrigin::Table,
        ..Event::default()
    });
    report.entities.push(Entity { name: "孟晚舟".into(), kind: EntityKind::Person, mentions: 2, code: None });
    report.entities.push(Entity { name: "USTR".into(), kind: EntityKind::Org, mentions: 1, code: None });
    report
}

/// A company note of `broker`: 紫金矿业 with its rating, target price and two forecasts,
/// naming 洛阳钼业 (with its code) and 江西铜业 (without).
pub fn company_note(text: &str, broker: &str, date: &str, eps: f64) -> Report {
    let mut report = sample_report(text);
    report.institution = Some(broker.into());
    report.date = Some(date.into());
    report.company = Some(Company { name: "紫金矿业".into(), code: Some("601899".into()), exchange: Some("SH".into()) });
    report.rating = Some("买入".into());
    report.rating_action = Some(RatingAction::Maintain);
    report.target_price = Some(20.5);
    report.target_currency = Some("CNY".into());
    report.forecasts = vec![
        Forecast { year: 2024, metric: "eps".into(), value: eps, unit: "元".into() },
        Forecast { year: 2024, metric: "net_profit".into(), value: 300.0, unit: "亿元".into() },
    ];
    report.entities.push(Entity { name: "紫金矿业".into(), kind: EntityKind::Company, mentions: 5, code: Some("601899".into()) });
    report.entities.push(Entity { name: "洛阳钼业".into(), kind: EntityKind::Company, mentions: 1, code: Some("603993".into()) });
    report.entities.push(Entity { name: "江西铜业".into(), kind: EntityKind::Org, mentions: 1, code: None });
    report
}

/// 紫金矿业 as the registry knows it (601899.SH, alias 紫金).
pub fn zijin() -> KnownCompany {
    KnownCompany { name: "紫金矿业".into(), code: "601899".into(), exchange: Some("SH".into()), aliases: ["紫金".to_string()].into() }
}
