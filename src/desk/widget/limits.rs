//! Rate limits of the customer API: fixed windows counted in memory per key (an address or a
//! token), on the desk's clock. A restart forgets them, which only loosens them for a moment.
//! Keys are hashed (`throttle::key`), so a caller cannot grow memory with long keys, and the
//! map is pruned when it grows past a bound.

use std::collections::HashMap;
use std::sync::Mutex;

use super::super::DeskError;

/// A limit: at most `max` in each window of `window_secs`.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// What is limited, for the key and the message.
    pub what: &'static str,
    /// Most allowed per window.
    pub max: u32,
    /// The window, seconds.
    pub window_secs: i64,
}

/// New sessions from one address.
pub const SESSIONS_PER_ADDRESS: Rule = Rule { what: "new chat sessions from one address", max: 10, window_secs: 60 };
/// Messages from one customer token.
pub const MESSAGES_PER_TOKEN: Rule = Rule { what: "messages from one chat", max: 20, window_secs: 60 };
/// Messages from one address (all its tokens).
pub const MESSAGES_PER_ADDRESS: Rule = Rule { what: "messages from one address", max: 120, window_secs: 60 };
/// Uploads from one customer token.
pub const UPLOADS_PER_TOKEN: Rule = Rule { what: "file uploads from one chat", max: 10, window_secs: 60 };
/// Typing signals passed on per token (more are dropped silently).
pub const TYPING_PER_TOKEN: Rule = Rule { what: "typing signals", max: 1, window_secs: 1 };

/// Most keys kept before old windows are pruned.
const MAX_KEYS: usize = 100_000;

/// The counters.
#[derive(Debug, Default)]
pub struct Limits {
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl Limits {
    /// Counts one use of `rule` for `key` at `now_ms`; refuses with `429` and the seconds left
    /// in the window when the window is full (the refused use is not counted).
    pub fn take(&self, rule: Rule, key: &str, now_ms: i64) -> Result<(), DeskError> {
        let k = crate::desk::throttle::key(rule.what, &[key]);
        let window_ms = rule.window_secs * 1000;
        let mut map = self.windows.lock().map_err(|_| DeskError::Conflict("rate limiter unavailable".into()))?;
        if map.len() >= MAX_KEYS {
            map.retain(|_, (start, _)| now_ms - *start < window_ms.max(60_000));
        }
        let slot = map.entry(k).or_insert((now_ms, 0));
        if now_ms - slot.0 >= window_ms {
            *slot = (now_ms, 0);
        }
        if slot.1 >= rule.max {
            let left = (slot.0 + window_ms - now_ms).max(1000);
            return Err(DeskError::TooManyRequests {
                retry_after_secs: (left + 999) / 1000,
                detail: format!(
                    "too many {}: at most {} per {} s; try again in {} s",
                    rule.what,
                    rule.max,
                    rule.window_secs,
                    (left + 999) / 1000
                ),
            });
        }
        slot.1 += 1;
        Ok(())
    }

    /// Forgets `key`'s window for `rule` (a typing signal that stopped: the next start passes).
    pub fn forget(&self, rule: Rule, key: &str) {
        let k = crate::desk::throttle::key(rule.what, &[key]);
        if let Ok(mut map) = self.windows.lock() {
            map.remove(&k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_window_refuses_until_it_passes() {
        let l = Limits::default();
        let r = Rule { what: "x", max: 2, window_secs: 10 };
        assert!(l.take(r, "a", 0).is_ok());
        assert!(l.take(r, "a", 1000).is_ok());
        match l.take(r, "a", 2500) {
            Err(DeskError::TooManyRequests { retry_after_secs, .. }) => assert_eq!(retry_after_secs, 8),
            other => panic!("{other:?}"),
        }
        assert!(l.take(r, "b", 2500).is_ok(), "another key has its own window");
        assert!(l.take(r, "a", 10_000).is_ok(), "a new window");
    }
}
