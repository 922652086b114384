//! Slowing down password guessing: failed sign-ins are counted per name over a sliding window,
//! and once a name has had its allowance of failures in the window, further attempts for it are
//! answered 429 with `Retry-After` until the oldest failure leaves the window. Nothing locks an
//! account for good; a successful sign-in clears its name's count. Counts live in this server's
//! memory (each node of a shared library counts its own), bounded in size.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Names whose failures are remembered at most; past that, the name idle longest is forgotten.
const MAX_NAMES: usize = 10_000;
/// Characters of a name kept as its key (longer names are no account's anyway).
const MAX_KEY_CHARS: usize = 80;

/// Failed sign-ins per name over a sliding window.
#[derive(Debug)]
pub struct SignInThrottle {
    allowed: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl SignInThrottle {
    /// Allows `allowed` failures per name in any `window`.
    pub fn new(allowed: u32, window: Duration) -> SignInThrottle {
        SignInThrottle { allowed: allowed.max(1) as usize, window, failures: Mutex::new(HashMap::new()) }
    }

    fn key(name: &str) -> String {
        name.trim().chars().take(MAX_KEY_CHARS).collect()
    }

    /// How long to wait before `name` may be tried again at `now`; `None` when it may be now.
    pub fn retry_after(&self, name: &str, now: Instant) -> Option<Duration> {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let times = failures.get_mut(&Self::key(name))?;
        while times.front().is_some_and(|first| now.duration_since(*first) >= self.window) {
            times.pop_front();
        }
        if times.len() < self.allowed {
            return None;
        }
        let oldest = *times.front()?;
        Some(self.window.saturating_sub(now.duration_since(oldest)).max(Duration::from_secs(1)))
    }

    /// Counts a failed sign-in for `name` at `now`.
    pub fn record_failure(&self, name: &str, now: Instant) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = Self::key(name);
        if failures.len() >= MAX_NAMES && !failures.contains_key(&key) {
            failures.retain(|_, times| times.back().is_some_and(|last| now.duration_since(*last) < self.window));
            if failures.len() >= MAX_NAMES {
                let idle = failures.iter().min_by_key(|(_, times)| times.back().copied()).map(|(name, _)| name.clone());
                if let Some(idle) = idle {
                    failures.remove(&idle);
                }
            }
        }
        let times = failures.entry(key).or_default();
        times.push_back(now);
        // Only the last `allowed` failures decide anything.
        while times.len() > self.allowed {
            times.pop_front();
        }
    }

    /// Forgets the failures of `name` (it signed in).
    pub fn clear(&self, name: &str) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        failures.remove(&Self::key(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_slowed_after_its_allowance_and_free_again_after_the_window() {
        let throttle = SignInThrottle::new(5, Duration::from_secs(60));
        let start = Instant::now();
        for n in 0..5 {
            assert_eq!(throttle.retry_after("editor", start), None, "attempt {n} is allowed");
            throttle.record_failure("editor", start + Duration::from_secs(n));
        }
        let wait = throttle.retry_after("editor", start + Duration::from_secs(10)).expect("the sixth attempt waits");
        assert_eq!(wait, Duration::from_secs(50), "until the first failure leaves the window");
        assert_eq!(throttle.retry_after("someone else", start + Duration::from_secs(10)), None, "per name");
        assert_eq!(throttle.retry_after("editor", start + Duration::from_secs(60)), None, "never locked for good");
        throttle.record_failure("editor", start + Duration::from_secs(61));
        throttle.clear("editor");
        assert_eq!(throttle.retry_after("editor", start + Duration::from_secs(62)), None, "a sign-in clears the count");
    }

    #[test]
    fn memory_stays_bounded_under_a_spray_of_names() {
        let throttle = SignInThrottle::new(2, Duration::from_secs(60));
        let now = Instant::now();
        for n in 0..(MAX_NAMES + 50) {
            throttle.record_failure(&format!("name{n}"), now + Duration::from_millis(n as u64));
        }
        assert!(throttle.failures.lock().unwrap().len() <= MAX_NAMES);
        throttle.record_failure(&"x".repeat(10_000), now);
        assert!(throttle.failures.lock().unwrap().keys().all(|key| key.chars().count() <= MAX_KEY_CHARS));
    }
}
