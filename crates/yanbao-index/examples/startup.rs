//! What a new search process pays before its first answer: opening the index, the first query
//! (no jieba dictionary: queries are cut with the compiled word list), and — for comparison —
//! loading jieba's full dictionary, which indexing needs and queries used to.
//!
//! usage: cargo run --release -p yanbao-index --example startup -- DATA/index [QUERY…]

mod common;

use std::time::Instant;

use yanbao_index::{Scope, SearchIndex, SearchRequest};

fn ms(started: Instant) -> f64 {
    started.elapsed().as_secs_f64() * 1e3
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = args.next().ok_or("usage: startup DATA/index [QUERY…]")?;
    let mut queries: Vec<String> = args.collect();
    if queries.is_empty() {
        queries = ["半导体", "先进封装", "净利润增长", "产能利用率"].map(String::from).to_vec();
    }
    let (started, cpu) = (Instant::now(), common::cpu_ms());
    let index = SearchIndex::open(std::path::Path::new(&dir))?;
    println!("index open: {:.2} ms wall, {:.2} ms cpu ({} segments)", ms(started), common::cpu_ms() - cpu, index.segment_count());
    for (n, query) in queries.iter().enumerate() {
        let (started, cpu) = (Instant::now(), common::cpu_ms());
        let request = SearchRequest { query: query.clone(), scope: Scope::Paragraphs, limit: 10, ..SearchRequest::default() };
        let response = index.search(&request)?;
        println!("query {n} {query}: {:.2} ms wall, {:.2} ms cpu ({} hits of {})", ms(started), common::cpu_ms() - cpu, response.hits.len(), response.total);
    }
    let (started, cpu) = (Instant::now(), common::cpu_ms());
    yanbao_index::tokenize::warm_up();
    println!("jieba full dictionary load (what every query process paid before): {:.2} ms wall, {:.2} ms cpu", ms(started), common::cpu_ms() - cpu);
    Ok(())
}
