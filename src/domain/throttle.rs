//! Login throttling: repeated failed sign-ins for one account or one address are first slowed
//! (each further attempt must wait longer) and then refused for a while. Pure rules; the desk
//! keeps the per-key state and supplies the time.

/// How hard a key (an account or an address) is throttled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Policy {
    /// Failures allowed before attempts are slowed.
    pub slow_after: u32,
    /// Failures after which the key is locked for `lock_secs`.
    pub lock_after: u32,
    /// How long a lock lasts, from the last failure.
    pub lock_secs: i64,
    /// Longest wait while slowed.
    pub max_delay_secs: i64,
    /// Failures are forgotten this long after the last one.
    pub forget_secs: i64,
}

/// Policy for one account: 3 free tries, then 1 s, 2 s, 4 s … waits, locked 15 min after 10.
pub const ACCOUNT: Policy =
    Policy { slow_after: 3, lock_after: 10, lock_secs: 900, max_delay_secs: 60, forget_secs: 900 };

/// Policy for one client address: looser, since an office may share one address.
pub const ADDRESS: Policy =
    Policy { slow_after: 10, lock_after: 50, lock_secs: 900, max_delay_secs: 60, forget_secs: 900 };

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
        let delay = if f.count >= self.lock_after {
            self.lock_secs
        } else if f.count >= self.slow_after {
            let exp = (f.count - self.slow_after).min(30);
            (1i64 << exp).min(self.max_delay_secs)
        } else {
            return None;
        };
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
    fn free_tries_then_slowed_then_locked() {
        let p = ACCOUNT;
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
        // Drive it to the lock.
        for _ in 4..10 {
            now += 60_000;
            f = Some(p.record_failure(f, now));
        }
        assert_eq!(f.map(|f| f.count), Some(10));
        assert_eq!(p.wait_secs(f, now), Some(900));
        assert_eq!(p.wait_secs(f, now + 899_500), Some(1));
        // The lock lasts as long as the failures are remembered, then everything is forgotten.
        assert_eq!(p.wait_secs(f, now + 900_000), None);
        assert_eq!(p.record_failure(f, now + 900_000).count, 1);
    }

    #[test]
    fn delay_is_capped() {
        let f = Some(Failures { count: 9, last_ms: 0 });
        assert_eq!(ACCOUNT.wait_secs(f, 0), Some(60));
        let f = Some(Failures { count: 49, last_ms: 0 });
        assert_eq!(ADDRESS.wait_secs(f, 0), Some(60));
    }
}
