//! Repeats searches on an existing index, for `perf`: where a query's time goes.
//!
//! usage: cargo run --release -p yanbao-index --example search_profile -- DATA/index SCOPE ROUNDS [QUERY…]
//! (`CARGO_PROFILE_RELEASE_STRIP=false` keeps function names for `perf report` without rebuilding
//! the dependencies.) Prints the calling thread's CPU milliseconds per query, median over the
//! rounds — segments are searched on the index's thread pool, so read it with `perf`, not alone.

mod common;

use std::str::FromStr;

use yanbao_index::{Scope, SearchIndex, SearchRequest};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: search_profile DATA/index SCOPE ROUNDS [QUERY…]";
    let dir = args.next().ok_or(usage)?;
    let scope = Scope::from_str(&args.next().ok_or(usage)?)?;
    let rounds: usize = args.next().ok_or(usage)?.parse()?;
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = ["半导体", "医疗器械", "风险提示", "眼科", "iPhone"].map(String::from).to_vec();
    }
    let index = SearchIndex::open(std::path::Path::new(&dir))?;
    for query in &queries {
        let request = SearchRequest { query: query.clone(), scope, limit: 10, ..SearchRequest::default() };
        let mut times = Vec::new();
        let mut total = 0;
        for _ in 0..rounds.max(1) {
            let started = common::cpu_ms();
            total = index.search(&request)?.total;
            times.push(common::cpu_ms() - started);
        }
        times.sort_by(|a, b| a.total_cmp(b));
        println!("{query}\t{scope}\ttotal {total}\tCPU p50 {:.2} ms", times[times.len() / 2]);
    }
    Ok(())
}
