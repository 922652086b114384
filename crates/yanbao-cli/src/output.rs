//! Human-readable terminal output (the `--json` forms print the engine's types directly).

use std::io::IsTerminal;
use std::path::PathBuf;

use yanbao_engine::{CompanyOverview, EntityOverview, IngestOutcome, IngestResult, LibraryStats, SearchResponse, TimelineEntry};

/// Prints a value as pretty JSON on stdout.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints a value as one line of JSON on stdout (a stream of results: JSON Lines).
pub fn print_json_line<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(value)?);
    Ok(())
}

/// Prints what a parser warned about a file on standard error, one `warning: SUBJECT: …` line
/// each, in every output format: standard output stays the result alone (a report, JSON lines),
/// and no format hides that a scan had no text layer.
pub fn print_warnings(subject: &str, warnings: &[String]) {
    for warning in warnings {
        eprintln!("warning: {subject}: {warning}");
    }
}

/// Returns the file an `-o` option names, or `None` for standard output: no option, or `-` as
/// in every Unix tool.
pub fn file_target(output: Option<PathBuf>) -> Option<PathBuf> {
    output.filter(|path| path.as_os_str() != "-")
}

/// One result line of ingest: `id  added  title` or `path  failed  reason` (its warnings go to
/// standard error: [`print_warnings`]).
pub fn ingest_line(result: &IngestResult) -> String {
    let id = result.id.as_deref().unwrap_or("-");
    match result.outcome {
        IngestOutcome::Failed => format!("{id}\tfailed\t{}: {}", result.path, result.error.as_deref().unwrap_or("unknown error")),
        outcome => {
            let word = if outcome == IngestOutcome::Added { "added" } else { "unchanged" };
            let mut line = format!("{id}\t{word}\t{}", result.title.as_deref().unwrap_or(""));
            if let Some(original) = &result.duplicate_of {
                line.push_str(&format!("\t(another file of stored report {original}: searched once, through it)"));
            }
            line
        }
    }
}

/// Turns `<mark>` tags into terminal bold (or brackets when not a terminal) and unescapes HTML.
fn terminal_snippet(snippet: &str) -> String {
    let (open, close) = if std::io::stdout().is_terminal() { ("\x1b[1;33m", "\x1b[0m") } else { ("[", "]") };
    snippet
        .replace("<mark>", open)
        .replace("</mark>", close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Returns the kind a hit line shows: `heading` or `list` for those blocks, else the hit's kind.
fn hit_kind(hit: &yanbao_engine::Hit) -> &str {
    match hit.block_kind.as_deref() {
        Some(kind @ ("heading" | "list")) => kind,
        _ => &hit.kind,
    }
}

/// Prints ranked hits; a grouped search (one hit per report) says how many passages and reports
/// match, and under each hit how many more of its report's passages do, with the best of them.
pub fn print_search(response: &SearchResponse) {
    match response.total_reports.filter(|_| response.grouped) {
        Some(reports) => {
            let hits = format!("{} {}", response.total_text(), if response.total == 1 && !response.total_at_least { "hit" } else { "hits" });
            let in_reports = plural(reports, "report", "reports");
            println!("{hits} in {in_reports} for {:?} in {:.1} ms", response.query, response.took_ms)
        }
        None => println!("{} hits for {:?} in {:.1} ms", response.total, response.query, response.took_ms),
    }
    for (rank, hit) in response.hits.iter().enumerate() {
        let mut place = hit.report_id.clone();
        if let Some(block) = hit.block {
            place.push_str(&format!("#{block}"));
        }
        if let Some(page) = hit.page {
            place.push_str(&format!(" p.{page}"));
        }
        let when = hit.event_date.clone().or_else(|| yanbao_model::report_when(hit.date.as_deref(), hit.year)).unwrap_or_default();
        println!("{:>3}. [{}] {}  {}  {}", rank + 1, hit_kind(hit), hit.title, when, place);
        if hit.other_files > 0 {
            println!("     also in {} other file(s) of this report", hit.other_files);
        }
        if let Some(label) = &hit.label {
            println!("     {} {}", label, hit.caption.as_deref().unwrap_or(""));
        }
        println!("     {}", terminal_snippet(&hit.snippet));
        if let Some(source) = &hit.source {
            println!("     资料来源：{source}");
        }
        if hit.more_in_report > 0 {
            println!("     … {} more in this report:", hit.more_in_report);
            for more in &hit.more_hits {
                let page = more.page.map(|p| format!(" p.{p}")).unwrap_or_default();
                println!("       [{}]{} {}", hit_kind(more), page, terminal_snippet(&more.snippet));
            }
        }
    }
}

/// Prints timeline entries grouped by date.
pub fn print_timeline(entries: &[TimelineEntry]) {
    if entries.is_empty() {
        println!("no dated events in that range");
        return;
    }
    let mut last_date = "";
    for entry in entries {
        if entry.date != last_date {
            println!("{}", entry.date);
            last_date = &entry.date;
        }
        println!("  • {}", entry.text);
        if !entry.numbers.is_empty() {
            println!("    numbers: {}", entry.numbers.join(" · "));
        }
        let cites: Vec<String> = entry.citations.iter().map(|c| format!("{}#{} ({})", c.report_id, c.block, c.origin)).collect();
        println!("    {}", cites.join("; "));
    }
}

/// Prints an entity overview.
pub fn print_entity(overview: &EntityOverview) {
    println!("{} ({})", overview.name, overview.kind.as_deref().unwrap_or("unknown"));
    println!("reports: {}", overview.reports.len());
    for report in overview.reports.iter().take(20) {
        println!("  {}  {}  {} mentions  {}", report.report_id, report.date.as_deref().unwrap_or("          "), report.mentions, report.title);
    }
    if !overview.events.is_empty() {
        println!("events:");
        for event in overview.events.iter().take(20) {
            println!("  {}  {}", event.date, event.text);
        }
    }
    if !overview.co_mentioned.is_empty() {
        let names: Vec<String> = overview.co_mentioned.iter().map(|(name, _, n)| format!("{name} ({n})")).collect();
        println!("named with: {}", names.join(", "));
    }
}

/// A rating with its action: `买入（维持）`.
fn rating_text(rating: &str, action: Option<yanbao_model::securities::RatingAction>) -> String {
    match action {
        Some(action) => format!("{rating}（{}）", action.as_str()),
        None => rating.to_string(),
    }
}

/// Prints a company overview.
pub fn print_company(overview: &CompanyOverview) {
    let company = &overview.company;
    print!("{} {}", company.name, company.key());
    if !company.aliases.is_empty() {
        print!("  (also {})", company.aliases.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    println!();
    println!("reports: {}", overview.reports.len());
    for note in overview.reports.iter().take(20) {
        let rating = note.rating.as_deref().map(|r| rating_text(r, note.rating_action)).unwrap_or_default();
        let target = note.target_price.map(|p| format!("target {p:.2} {}", note.target_currency.as_deref().unwrap_or(""))).unwrap_or_default();
        println!(
            "  {}  {:10}  {}  {}  {}  {}",
            note.report_id,
            note.date.as_deref().unwrap_or(""),
            note.institution.as_deref().unwrap_or("—"),
            rating,
            target.trim_end(),
            note.title
        );
    }
    if !overview.consensus.is_empty() {
        println!("forecast consensus (each broker's latest note):");
        for c in &overview.consensus {
            println!(
                "  {} {:<12} median {:.2}  mean {:.2}  min {:.2}  max {:.2}  {}  ({})",
                c.year,
                c.metric,
                c.median,
                c.mean,
                c.min,
                c.max,
                c.unit,
                plural(c.brokers, "broker", "brokers")
            );
        }
    }
    if !overview.mentions.is_empty() {
        println!("named in {}:", plural(overview.mentions.len(), "other report", "other reports"));
        for mention in overview.mentions.iter().take(20) {
            println!("  {}  {:10}  {}", mention.report_id, mention.date.as_deref().unwrap_or(""), mention.title);
        }
    }
}

/// Prints a company's ratings and forecasts as CSV: one row per report and forecast (a report
/// without forecasts has one row with the forecast columns empty), newest report first.
pub fn print_company_csv(overview: &CompanyOverview) {
    println!("report_id,date,broker,rating,action,target_price,currency,year,metric,value,unit");
    for note in &overview.reports {
        let report = [
            note.report_id.clone(),
            note.date.clone().unwrap_or_default(),
            note.institution.clone().unwrap_or_default(),
            note.rating.clone().unwrap_or_default(),
            note.rating_action.map(|a| a.as_str().to_string()).unwrap_or_default(),
            note.target_price.map(|p| p.to_string()).unwrap_or_default(),
            note.target_currency.clone().unwrap_or_default(),
        ];
        let forecasts: Vec<[String; 4]> = if note.forecasts.is_empty() {
            vec![Default::default()]
        } else {
            note.forecasts.iter().map(|f| [f.year.to_string(), f.metric.clone(), f.value.to_string(), f.unit.clone()]).collect()
        };
        for forecast in forecasts {
            let row: Vec<String> = report.iter().chain(&forecast).map(|field| csv_field(field)).collect();
            println!("{}", row.join(","));
        }
    }
}

/// A CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
fn csv_field(field: &str) -> String {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}

/// Prints library counts.
pub fn print_stats(stats: &LibraryStats, pdf: Result<std::path::PathBuf, String>) {
    let s = &stats.store;
    println!("library      {}", stats.data_dir);
    println!("store        {}", stats.store_location);
    if s.duplicates > 0 {
        println!("reports      {} ({} searched; {} are other files of a stored report)", s.reports, stats.indexed_reports, s.duplicates);
    } else {
        println!("reports      {} ({} indexed)", s.reports, stats.indexed_reports);
    }
    println!("blocks       {}", s.blocks);
    println!("figures      {}", s.figures);
    println!("tables       {}", s.tables);
    println!("events       {}", s.events);
    println!("disk         {:.1} MiB", stats.disk_bytes as f64 / 1_048_576.0);
    let languages: Vec<String> = s.languages.iter().map(|(l, n)| format!("{l} {n}")).collect();
    println!("languages    {}", languages.join(", "));
    for (institution, n) in s.institutions.iter().take(10) {
        println!("  {n:>5}  {institution}");
    }
    match pdf {
        Ok(path) => println!("pdf support  PDFium at {}", path.display()),
        Err(reason) => println!("pdf support  unavailable: {reason}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_means_standard_output() {
        assert_eq!(file_target(Some(PathBuf::from("-"))), None);
        assert_eq!(file_target(None), None);
        assert_eq!(file_target(Some(PathBuf::from("all.jsonl"))), Some(PathBuf::from("all.jsonl")));
        assert_eq!(file_target(Some(PathBuf::from("./-"))), Some(PathBuf::from("./-")), "a file named - is still reachable as ./-");
    }
}

/// `1 report`, `2 reports`.
fn plural(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}


/// One line per enqueued file.
pub fn print_enqueued(one: &yanbao_engine::worker::Enqueued) {
    match (&one.job, &one.error) {
        (_, Some(error)) => println!("failed\t{}\t{error}", one.path),
        (Some(job), None) if one.new => println!("job {job}\tqueued\t{}", one.path),
        (Some(job), None) => println!("job {job}\talready queued\t{}", one.path),
        (None, None) => println!("failed\t{}", one.path),
    }
}

/// One line per job a worker finished.
pub fn print_worked(worked: &yanbao_engine::worker::WorkedJob) {
    let result = &worked.result;
    let what = match (&result.error, &result.id) {
        (Some(error), _) => format!("failed\t{error}"),
        (None, Some(id)) => format!("{}\t{id}\t{}", if result.outcome == yanbao_engine::IngestOutcome::Added { "added" } else { "unchanged" }, result.title.as_deref().unwrap_or("")),
        (None, None) => "failed".into(),
    };
    let lost = if worked.recorded { "" } else { "\t(lease lost: another worker has this job)" };
    println!("job {}\t{}\t{what}{lost}", worked.job, result.path);
}

/// The queue: counts by state, then the jobs.
pub fn print_jobs(jobs: &[yanbao_engine::JobInfo], counts: &[(yanbao_engine::JobState, u64)]) {
    let counts: Vec<String> = counts.iter().map(|(state, n)| format!("{n} {}", state.as_str())).collect();
    println!("jobs: {}", if counts.is_empty() { "none".to_string() } else { counts.join(", ") });
    for job in jobs {
        let detail = match job.state {
            yanbao_engine::JobState::Done => format!("{} {}", job.outcome.as_deref().unwrap_or(""), job.report_id.as_deref().unwrap_or("")),
            yanbao_engine::JobState::Failed => job.error.clone().unwrap_or_default(),
            yanbao_engine::JobState::Running => format!("by {} (try {})", job.worker.as_deref().unwrap_or("?"), job.attempts),
            yanbao_engine::JobState::Queued => String::new(),
        };
        println!("{:>6}  {:<8} {}  {}  {detail}", job.id, job.state.as_str(), job.enqueued_at, job.name);
    }
}
