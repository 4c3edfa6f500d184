//! Sign-in throttling: repeated failed attempts are slowed (each further attempt must wait
//! longer, up to a cap), never locked out: a lock would let anyone who knows an address keep
//! its owner out. Attempts are counted per account *from one client address* (tight: the
//! guesser's own address), per account from anywhere (looser, so guesses spread over many
//! addresses are still slowed while the owner is at most briefly delayed), and per client
//! address (loosest: an office may share one). Pure rules; the desk keeps the counters and
//! supplies the time.

/// How hard a key is slowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed before attempts are slowed.
    pub slow_after: u32,
    /// Longest wait between two attempts.
    pub max_delay_secs: i64,
    /// Failures are forgotten this long after the last one.
    pub forget_secs: i64,
}

/// One account from one client address: 3 free tries, then waits of 1 s, 2 s, 4 s … up to
/// a minute.
pub const ACCOUNT_FROM_ADDRESS: Policy = Policy { slow_after: 3, max_delay_secs: 60, forget_secs: 900 };

/// One account from any address: 10 free tries, then waits up to 30 s.
pub const ACCOUNT: Policy = Policy { slow_after: 10, max_delay_secs: 30, forget_secs: 900 };

/// One client address, whatever the account: 20 free tries, then waits up to a minute.
pub const ADDRESS: Policy = Policy { slow_after: 20, max_delay_secs: 60, forget_secs: 900 };

/// The failures recorded for one key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failures {
    /// Consecutive failures.
    pub count: u32,
    /// Time of the last failure, in milliseconds since the epoch.
    pub last_ms: i64,
}

impl Policy {
    /// The failures still counting at `now_ms` (old ones are forgotten).
    pub fn current(&self, f: Option<Failures>, now_ms: i64) -> Option<Failures> {
        f.filter(|f| now_ms - f.last_ms < self.forget_secs * 1000)
    }

    /// When the next attempt is allowed, in seconds from `now_ms`; `None` when it is allowed now.
    pub fn wait_secs(&self, f: Option<Failures>, now_ms: i64) -> Option<i64> {
        let f = self.current(f, now_ms)?;
        if f.count < self.slow_after {
            return None;
        }
        let exp = (f.count - self.slow_after).min(30);
        let delay = (1i64 << exp).min(self.max_delay_secs);
        let allowed_at = f.last_ms + delay * 1000;
        // Round up so that waiting exactly `Retry-After` seconds is always enough.
        (allowed_at > now_ms).then(|| (allowed_at - now_ms + 999) / 1000)
    }

    /// The failures after one more failed attempt at `now_ms`.
    pub fn record_failure(&self, f: Option<Failures>, now_ms: i64) -> Failures {
        let count = self.current(f, now_ms).map_or(0, |f| f.count);
        Failures { count: count.saturating_add(1), last_ms: now_ms }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_tries_then_slowed_up_to_a_cap_and_never_locked() {
        let p = ACCOUNT_FROM_ADDRESS;
        let mut f = None;
        let mut now = 0;
        for _ in 0..3 {
            assert_eq!(p.wait_secs(f, now), None);
            f = Some(p.record_failure(f, now));
        }
        // After 3 failures: wait 1 s, then 2 s, then 4 s.
        assert_eq!(p.wait_secs(f, now), Some(1));
        now += 1_000;
        assert_eq!(p.wait_secs(f, now), None);
        f = Some(p.record_failure(f, now));
        assert_eq!(p.wait_secs(f, now), Some(2));
        for _ in 0..40 {
            now += 60_000;
            f = Some(p.record_failure(f, now));
        }
        assert_eq!(p.wait_secs(f, now), Some(60), "a minute at most, however many failures");
        assert_eq!(p.wait_secs(f, now + 60_000), None, "then the next attempt is allowed");
        assert_eq!(p.record_failure(f, now + 900_000).count, 1, "forgotten after 15 minutes");
    }

    #[test]
    fn the_account_wide_and_address_policies_are_looser() {
        let f = |count| Some(Failures { count, last_ms: 0 });
        assert_eq!(ACCOUNT.wait_secs(f(9), 0), None);
        assert_eq!(ACCOUNT.wait_secs(f(10), 0), Some(1));
        assert_eq!(ACCOUNT.wait_secs(f(1000), 0), Some(30));
        assert_eq!(ADDRESS.wait_secs(f(19), 0), None);
        assert_eq!(ADDRESS.wait_secs(f(1000), 0), Some(60));
    }
}
