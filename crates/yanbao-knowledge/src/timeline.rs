//! The library timeline: events of many reports in date order, the same event merged once.

use serde::{Deserialize, Serialize};
use yanbao_model::normalize::fold;
use yanbao_model::Event;

/// One timeline entry across the library: the same event reported by several reports merged into one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// Start date, `YYYY-MM-DD`.
    pub date: String,
    /// End date for ranges.
    pub date_end: Option<String>,
    /// day | month | quarter | half | year | range.
    pub precision: String,
    /// The event text of the first citation.
    pub text: String,
    /// People and organisations of all merged events, in first-seen order.
    pub actors: Vec<String>,
    /// Key numbers stated by the merged events, in first-seen order.
    #[serde(default)]
    pub numbers: Vec<String>,
    /// Every report sentence or row that reports this event.
    pub citations: Vec<Citation>,
}

/// Where a timeline entry was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// The report's id.
    pub report_id: String,
    /// The report's title.
    pub title: String,
    /// Index into the report's blocks.
    pub block: usize,
    /// `table` or `text`.
    pub origin: String,
    /// The event text in that report.
    pub text: String,
}

/// Text similarity above which two same-day events are one (character-bigram Jaccard).
const SAME_EVENT_SIMILARITY: f64 = 0.3;

/// Sorts by date and merges duplicates (same date, overlapping actors, similar text).
///
/// Two events are the same when they have the same date and precision and either share an
/// actor or their texts, folded and without the date, have a bigram Jaccard similarity of at
/// least 0.3. An event joins the first earlier entry it matches.
pub fn merge_timeline(events: Vec<(String, String, Event)>) -> Vec<TimelineEntry> {
    let mut sorted = events;
    sorted.sort_by(|a, b| a.2.date.cmp(&b.2.date).then_with(|| a.2.date_end.cmp(&b.2.date_end)));
    let mut entries: Vec<TimelineEntry> = Vec::new();
    let mut entry_bigrams: Vec<Vec<Bigrams>> = Vec::new();
    for (report_id, title, event) in sorted {
        let bigrams = bigrams_without_date(&event.text, &event.date_text);
        let citation = Citation {
            report_id,
            title,
            block: event.block,
            origin: match event.origin {
                yanbao_model::EventOrigin::Table => "table".to_string(),
                yanbao_model::EventOrigin::Text => "text".to_string(),
            },
            text: event.text.clone(),
        };
        let matching = entries.iter().enumerate().rev().take_while(|(_, e)| e.date == event.date).find(|(index, entry)| {
            entry.precision == event.precision
                && entry.date_end == event.date_end
                && (shares_actor(&entry.actors, &event.actors)
                    || entry_bigrams[*index].iter().any(|b| similar_text(b, &bigrams)))
        });
        match matching.map(|(index, _)| index) {
            Some(index) => {
                let entry = &mut entries[index];
                if !entry.citations.iter().any(|c| c.report_id == citation.report_id && c.text == citation.text) {
                    entry.citations.push(citation);
                }
                for actor in event.actors {
                    if !entry.actors.contains(&actor) {
                        entry.actors.push(actor);
                    }
                }
                for number in event.numbers {
                    if !entry.numbers.contains(&number) {
                        entry.numbers.push(number);
                    }
                }
                entry_bigrams[index].push(bigrams);
            }
            None => {
                entries.push(TimelineEntry {
                    date: event.date,
                    date_end: event.date_end,
                    precision: event.precision,
                    text: event.text,
                    actors: event.actors,
                    numbers: event.numbers,
                    citations: vec![citation],
                });
                entry_bigrams.push(vec![bigrams]);
            }
        }
    }
    entries
}

fn shares_actor(a: &[String], b: &[String]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// A set of character bigrams, as sorted distinct keys (two chars in one `u64`): comparing two
/// is a merge, and a year's events on one date (all of 2021's year-precision events start on
/// 2021-01-01) are compared pairwise without hashing.
type Bigrams = Vec<u64>;

/// Character bigrams of a folded text with its date expression removed.
fn bigrams_without_date(text: &str, date_text: &str) -> Bigrams {
    let folded = fold(text);
    let folded_date = fold(date_text);
    let without_date = if folded_date.is_empty() { folded } else { folded.replacen(&folded_date, "", 1) };
    let chars: Vec<char> = without_date.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut keys: Bigrams = chars.windows(2).map(|w| (w[0] as u64) << 32 | w[1] as u64).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// True when two bigram sets have a Jaccard similarity of at least [`SAME_EVENT_SIMILARITY`]
/// (never for two empty sets).
fn similar_text(a: &Bigrams, b: &Bigrams) -> bool {
    let (small, large) = if a.len() <= b.len() { (a.len(), b.len()) } else { (b.len(), a.len()) };
    // The intersection is at most the smaller set, the union at least the larger one.
    if large == 0 || (small as f64) < SAME_EVENT_SIMILARITY * large as f64 {
        return false;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common as f64 / (a.len() + b.len() - common) as f64 >= SAME_EVENT_SIMILARITY
}
