//! Helpers for tests of the store and of the crates built on it: the PostgreSQL server tests may
//! use (`YANBAO_TEST_POSTGRES`), and scratch databases that clean up after themselves.

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

