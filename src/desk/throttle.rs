//! The memory of sign-in attempts (the rules live in `domain::throttle`). Kept in memory: a
//! restart forgets it, which only ever loosens the throttle. Keys are hashes, never the email
//! as typed, so an unauthenticated caller cannot grow memory with long keys.
//!
//! An attempt is counted as a failure *before* the password is checked and cleared only when
//! it succeeds, all under one lock, and at most one check per account runs at a time: a burst
//! of concurrent guesses is decided by the policy, not by how many arrive before the first
//! answer.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

use crate::domain::throttle::{Failures, Policy};

/// Most keys remembered before old ones are pruned.
const MAX_KEYS: usize = 100_000;

/// The key of `parts`: a hash, so its size does not depend on what a caller typed.
pub fn key(kind: &str, parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("{kind}:{hex}")
}

#[derive(Debug, Default)]
struct State {
    failures: HashMap<String, Failures>,
    checking: HashSet<String>,
}

/// Sign-in attempt counters.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    state: Mutex<State>,
}

/// Why an attempt may not start now.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Too many failures: the caller must wait this many seconds.
    Slowed(i64),
    /// Another attempt for the same account is being checked.
    Busy,
}

/// An attempt in progress: counted as failed until [`Attempt::succeeded`]; ends the account's
/// check when dropped.
#[must_use]
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    account: String,
    clear: Vec<String>,
}

impl LoginThrottle {
    /// Starts an attempt on `account` under the `(policy, key)` pairs: refused when any key
    /// must wait or the account has a check running; otherwise counted as a failure of every
    /// key at once. `clear_on_success` names the keys a success forgets.
    pub fn begin(
        &self,
        account: &str,
        keys: &[(Policy, String)],
        clear_on_success: &[String],
        now_ms: i64,
    ) -> Result<Attempt<'_>, Refusal> {
        let Ok(mut s) = self.state.lock() else { return Err(Refusal::Busy) };
        if let Some(wait) = keys.iter().filter_map(|(p, k)| p.wait_secs(s.failures.get(k).copied(), now_ms)).max() {
            return Err(Refusal::Slowed(wait));
        }
        if !s.checking.insert(account.to_string()) {
            return Err(Refusal::Busy);
        }
        if s.failures.len() >= MAX_KEYS {
            let longest = keys.iter().map(|(p, _)| p.forget_secs).max().unwrap_or(900);
            s.failures.retain(|_, f| now_ms - f.last_ms < longest * 1000);
        }
        for (p, k) in keys {
            let next = p.record_failure(s.failures.get(k).copied(), now_ms);
            s.failures.insert(k.clone(), next);
        }
        Ok(Attempt { throttle: self, account: account.to_string(), clear: clear_on_success.to_vec() })
    }
}

impl Attempt<'_> {
    /// The attempt succeeded: forget the failures it names.
    pub fn succeeded(self) {
        if let Ok(mut s) = self.throttle.state.lock() {
            for k in &self.clear {
                s.failures.remove(k);
            }
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        if let Ok(mut s) = self.throttle.state.lock() {
            s.checking.remove(&self.account);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::throttle::{ACCOUNT, ACCOUNT_FROM_ADDRESS};

    #[test]
    fn attempts_count_before_the_check_and_one_check_runs_per_account() {
        let t = LoginThrottle::default();
        let keys = [(ACCOUNT_FROM_ADDRESS, key("pair", &["a", "1"])), (ACCOUNT, key("account", &["a"]))];
        let first = t.begin("a", &keys, &[], 0).map_err(|_| ()).expect("first attempt");
        assert!(matches!(t.begin("a", &keys, &[], 0), Err(Refusal::Busy)), "a second check waits");
        assert!(t.begin("b", &[(ACCOUNT, key("account", &["b"]))], &[], 0).is_ok(), "other accounts do not");
        drop(first);
        for _ in 0..2 {
            drop(t.begin("a", &keys, &[], 0).map_err(|_| ()).expect("free tries"));
        }
        assert_eq!(t.begin("a", &keys, &[], 0).err(), Some(Refusal::Slowed(1)), "three counted failures");
        let ok = t.begin("a", &keys, &[keys[0].1.clone()], 1_000).map_err(|_| ()).expect("after the wait");
        ok.succeeded();
        assert!(t.begin("a", &keys, &[], 1_000).is_ok(), "a success forgets the pair's failures");
        assert_eq!(key("x", &["a".repeat(10_000).as_str()]).len(), 34, "keys are short whatever was typed");
    }
}
