//! The memory of failed sign-ins per account and per client address. The rules live in
//! `domain::throttle`; this keeps the counters (in memory: a restart forgets them, which only
//! ever loosens a lock) and bounds their number.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::domain::throttle::{Failures, Policy};

/// Most keys remembered before old ones are pruned.
const MAX_KEYS: usize = 100_000;

/// Failed sign-in counters.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, Failures>>,
}

impl LoginThrottle {
    /// Seconds to wait before `key` may try again under `policy`, if any.
    pub fn wait_secs(&self, policy: &Policy, key: &str, now_ms: i64) -> Option<i64> {
        let map = self.failures.lock().ok()?;
        policy.wait_secs(map.get(key).copied(), now_ms)
    }

    /// Records a failed attempt for `key`.
    pub fn fail(&self, policy: &Policy, key: &str, now_ms: i64) {
        if let Ok(mut map) = self.failures.lock() {
            if map.len() >= MAX_KEYS {
                map.retain(|_, f| policy.current(Some(*f), now_ms).is_some());
            }
            let next = policy.record_failure(map.get(key).copied(), now_ms);
            map.insert(key.to_string(), next);
        }
    }

    /// Forgets `key` after a successful sign-in.
    pub fn clear(&self, key: &str) {
        if let Ok(mut map) = self.failures.lock() {
            map.remove(key);
        }
    }
}
