//! Points in time as milliseconds since the Unix epoch.
//!
//! The domain never reads a clock: callers pass a [`Timestamp`] they got from the injected clock.
//! Milliseconds in an `i64` are compact to store, trivially ordered, and cover any date we need.

use serde::{Deserialize, Serialize};

/// A point in time, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Milliseconds since the Unix epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// This time moved forward by `ms` milliseconds (saturating).
    pub fn plus_millis(self, ms: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(ms))
    }

    /// This time moved forward by `s` seconds (saturating).
    pub fn plus_secs(self, s: i64) -> Timestamp {
        self.plus_millis(s.saturating_mul(1000))
    }

    /// Milliseconds from `earlier` to `self` (negative when `earlier` is later).
    pub fn millis_since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates_and_orders() {
        let t = Timestamp(1_000);
        assert_eq!(t.plus_secs(2), Timestamp(3_000));
        assert_eq!(t.plus_secs(2).millis_since(t), 2_000);
        assert_eq!(Timestamp(i64::MAX).plus_millis(5), Timestamp(i64::MAX));
        assert!(Timestamp(1) < Timestamp(2));
    }
}
