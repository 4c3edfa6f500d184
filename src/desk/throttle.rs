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
    /// Keys that signed in successfully, with when: their owner is known there.
    known: HashMap<String, i64>,
}

/// How long a successful sign-in from an address vouches for it.
const KNOWN_FOR_MS: i64 = 30 * 24 * 3600 * 1000;

/// The part of a client address that throttling keys by: an IPv4 address whole, an IPv6
/// address by its /64 (one household or server gets a whole /64; keying by /128 would let it
/// choose a fresh key for every guess).
pub fn address_group(ip: std::net::IpAddr) -> String {
    match ip.to_canonical() {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
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
    counted: Vec<String>,
}

impl LoginThrottle {
    /// Whether `key` signed in successfully in the last 30 days.
    pub fn knows(&self, key: &str, now_ms: i64) -> bool {
        self.state.lock().is_ok_and(|s| s.known.get(key).is_some_and(|t| now_ms - t < KNOWN_FOR_MS))
    }

    /// Remembers that `key` signed in successfully.
    pub fn remember(&self, key: &str, now_ms: i64) {
        if let Ok(mut s) = self.state.lock() {
            if s.known.len() >= MAX_KEYS {
                s.known.retain(|_, t| now_ms - *t < KNOWN_FOR_MS);
            }
            if s.known.len() < MAX_KEYS {
                s.known.insert(key.to_string(), now_ms);
            }
        }
    }

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
        let counted = keys.iter().map(|(_, k)| k.clone()).collect();
        Ok(Attempt { throttle: self, account: account.to_string(), clear: clear_on_success.to_vec(), counted })
    }
}

impl Attempt<'_> {
    /// The attempt succeeded: forget the failures of the keys it names, and take back the
    /// failure it counted up front on the others (a success is no failure, but it does not
    /// wipe what others tried from elsewhere).
    pub fn succeeded(self) {
        if let Ok(mut s) = self.throttle.state.lock() {
            for k in &self.counted {
                if self.clear.contains(k) {
                    s.failures.remove(k);
                } else if let Some(f) = s.failures.get_mut(k) {
                    f.count = f.count.saturating_sub(1);
                }
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
    fn ipv6_addresses_group_by_their_64_bit_prefix() {
        let group = |s: &str| address_group(s.parse().expect("address"));
        assert_eq!(group("2001:db8:1:2::1"), group("2001:db8:1:2:ffff::9"));
        assert_ne!(group("2001:db8:1:2::1"), group("2001:db8:1:3::1"));
        assert_eq!(group("203.0.113.5"), "203.0.113.5");
        assert_eq!(group("::ffff:203.0.113.5"), "203.0.113.5", "a mapped address is the IPv4 one");
    }

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
