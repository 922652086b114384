//! Recent answers (search pages, public previews), kept for the index generation they were
//! computed on.
//!
//! A report-sharing site answers the same few queries and opens the same few reports far more
//! often than any other: a search costs 1–3 ms of CPU and a preview reads and cuts a whole
//! report, while a kept answer costs a hash lookup. An answer is only ever served for the reader
//! generation it was computed on: every change of the library (an ingest, a removal, a
//! duplicate mark, a replica catching up with the shared store) commits the index, which opens a
//! new generation, and the first lookup that sees it empties the cache. So a kept answer is never
//! staler than the index itself.
//!
//! Bounded by bytes (each answer weighs its JSON size), least recently used first out.
//! `YANBAO_CACHE_MB` sets the budget of each cache (default 64; 0 keeps nothing).

use std::sync::{Arc, Mutex};

use lru::LruCache;
use serde::Serialize;

/// Default budget of one cache, in MiB.
const DEFAULT_BUDGET_MB: usize = 64;

/// A bounded, generation-checked map from a request's key to its answer.
pub(crate) struct AnswerCache<V> {
    budget: usize,
    inner: Mutex<Kept<V>>,
}

struct Kept<V> {
    generation: u64,
    bytes: usize,
    entries: LruCache<String, (Arc<V>, usize)>,
}

impl<V: Serialize> AnswerCache<V> {
    /// A cache of `budget` bytes (0: keeps nothing).
    pub(crate) fn new(budget: usize) -> AnswerCache<V> {
        AnswerCache { budget, inner: Mutex::new(Kept { generation: 0, bytes: 0, entries: LruCache::unbounded() }) }
    }

    /// A cache with the budget `YANBAO_CACHE_MB` sets (default 64 MiB).
    pub(crate) fn from_env() -> AnswerCache<V> {
        let mb = std::env::var("YANBAO_CACHE_MB").ok().and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(DEFAULT_BUDGET_MB);
        AnswerCache::new(mb.saturating_mul(1 << 20))
    }

    /// False when the budget is 0 (nothing is kept: callers need not copy answers to offer).
    pub(crate) fn keeps_answers(&self) -> bool {
        self.budget > 0
    }

    /// The answer kept for `key` at `generation`, if any. A newer generation empties the cache.
    pub(crate) fn get(&self, generation: u64, key: &str) -> Option<Arc<V>> {
        if self.budget == 0 {
            return None;
        }
        let mut kept = self.lock();
        if kept.generation != generation {
            if generation > kept.generation {
                kept.start(generation);
            }
            return None;
        }
        kept.entries.get(key).map(|(value, _)| value.clone())
    }

    /// Keeps `value` as the answer for `key`, computed on `generation` (or later: a reader
    /// takes the generation before it searches). An answer of a generation the cache has
    /// moved past is dropped, and so is one heavier than a sixteenth of the budget.
    pub(crate) fn put(&self, generation: u64, key: String, value: Arc<V>) {
        if self.budget == 0 {
            return;
        }
        let weight = key.len() + serde_json::to_vec(value.as_ref()).map(|json| json.len()).unwrap_or(usize::MAX / 2);
        if weight > self.budget / 16 {
            return;
        }
        let mut kept = self.lock();
        if generation > kept.generation {
            kept.start(generation);
        } else if generation < kept.generation {
            return;
        }
        if let Some((_, old)) = kept.entries.put(key, (value, weight)) {
            kept.bytes -= old;
        }
        kept.bytes += weight;
        while kept.bytes > self.budget {
            match kept.entries.pop_lru() {
                Some((_, (_, weight))) => kept.bytes -= weight,
                None => break,
            }
        }
    }

    /// Answers kept now.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept<V>> {
        // A panic while holding the lock leaves at worst a stale byte count: keep serving.
        self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<V> Kept<V> {
    fn start(&mut self, generation: u64) {
        self.generation = generation;
        self.bytes = 0;
        self.entries.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_is_served_only_for_its_generation() {
        let cache = AnswerCache::new(1 << 20);
        cache.put(1, "q=氢能".into(), Arc::new("hits".to_string()));
        assert_eq!(cache.get(1, "q=氢能").as_deref().map(String::as_str), Some("hits"));
        assert!(cache.get(1, "q=光伏").is_none());
        // The index moved on: the old answer is gone, even if an old reader asks again.
        assert!(cache.get(2, "q=氢能").is_none());
        assert!(cache.get(1, "q=氢能").is_none());
        assert_eq!(cache.len(), 0);
        // An answer computed on the old generation, finished after the change, is not kept.
        cache.put(1, "q=氢能".into(), Arc::new("old".to_string()));
        assert!(cache.get(2, "q=氢能").is_none());
        cache.put(2, "q=氢能".into(), Arc::new("new".to_string()));
        assert_eq!(cache.get(2, "q=氢能").as_deref().map(String::as_str), Some("new"));
    }

    #[test]
    fn the_budget_bounds_the_bytes_kept_least_recently_used_first_out() {
        let cache = AnswerCache::new(1_000);
        for n in 0..40 {
            cache.put(7, format!("k{n:02}"), Arc::new("x".repeat(50)));
            // The first answer stays in use, so it stays.
            assert!(cache.get(7, "k00").is_some(), "after {n}");
        }
        assert!(cache.lock().bytes <= 1_000);
        assert!(cache.len() < 40 && cache.len() >= 10, "{}", cache.len());
        assert!(cache.get(7, "k01").is_none());
        assert!(cache.get(7, "k39").is_some());
        // An answer over a sixteenth of the budget is never kept.
        cache.put(7, "big".into(), Arc::new("x".repeat(100)));
        assert!(cache.get(7, "big").is_none());
    }

    #[test]
    fn a_budget_of_zero_keeps_nothing() {
        let cache = AnswerCache::new(0);
        cache.put(1, "k".into(), Arc::new(1u32));
        assert!(cache.get(1, "k").is_none());
    }
}
