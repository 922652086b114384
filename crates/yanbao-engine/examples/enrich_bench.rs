//! Knowledge extraction alone, for profiling: `enrich_bench [--runs N] REPORT.json...`.
//!
//! Reads structured reports (as `ingest_breakdown --dump DIR` writes them, or `yanbao show
//! --json`), clears their events, entities and numbers, and runs `yanbao_knowledge::enrich` on
//! each N times (default 3), printing the CPU seconds of the whole pass (median over runs) and of
//! the first call (jieba's dictionary loads then). Run it under `perf record` or
//! `valgrind --tool=callgrind` to see where knowledge extraction spends its time.
use yanbao_model::Report;

fn thread_cpu() -> f64 {
    // SAFETY: clock_gettime writes into the struct we own.
    let mut t: libc::timespec = unsafe { std::mem::zeroed() };
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    t.tv_sec as f64 + t.tv_nsec as f64 / 1e9
}

fn main() {
    let mut runs = 3usize;
    let mut reports: Vec<Report> = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args.next().and_then(|v| v.parse().ok()).unwrap_or(3).max(1);
            continue;
        }
        let text = std::fs::read_to_string(&arg).unwrap_or_else(|e| panic!("{arg}: {e}"));
        let mut report: Report = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{arg}: {e}"));
        report.events.clear();
        report.entities.clear();
        report.numbers.clear();
        reports.push(report);
    }
    let t0 = thread_cpu();
    let mut warm = Report::default();
    warm.blocks.push(yanbao_model::Block { text: "2021年9月25日，华为公司发布了新产品。".into(), ..yanbao_model::Block::default() });
    yanbao_knowledge::enrich(&mut warm);
    let first = thread_cpu() - t0;
    let mut times = Vec::new();
    let (mut events, mut entities, mut numbers) = (0, 0, 0);
    for _ in 0..runs {
        let mut copies = reports.clone();
        let t = thread_cpu();
        for report in &mut copies {
            yanbao_knowledge::enrich(report);
            events = report.events.len();
            entities = report.entities.len();
            numbers = report.numbers.len();
        }
        times.push(thread_cpu() - t);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{} reports: enrich {:.3} CPU s per pass (median of {runs}); start-up (dictionaries, patterns) {:.3} s; last report: {events} events, {entities} entities, {numbers} numbers",
        reports.len(),
        times[times.len() / 2],
        first
    );
}
