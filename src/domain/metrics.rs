//! Conversation metrics (F29) and the statistics reports give over them (F30).
//!
//! Definitions (DESIGN.md, published in the API docs), all in whole seconds:
//! - *accept time* = first accept − created;
//! - *first response* = first agent message − created;
//! - *duration* = last customer or agent message − created;
//! - *time to close* = closed − created;
//! - *time in status* = now − last status change;
//! - *transfers*, *RONAs* (offers that timed out) and *reopens* are counts.
//!
//! A time is `None` until the moment it measures has happened. Statistics are computed over
//! the individual conversations, never as averages of averages.

use super::Timestamp;
use super::conversation::Conversation;

/// The metrics of one conversation at a given moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ConversationMetrics {
    /// Seconds from creation to the first accept (or take).
    pub accept_secs: Option<i64>,
    /// Seconds from creation to the first agent reply.
    pub first_response_secs: Option<i64>,
    /// Seconds from creation to the last customer or agent message.
    pub duration_secs: Option<i64>,
    /// Seconds from creation to the close (the latest one, when reopened and closed again).
    pub time_to_close_secs: Option<i64>,
    /// Seconds since the status last changed.
    pub time_in_status_secs: i64,
    /// Times transferred.
    pub transfers: u32,
    /// Offers that timed out unanswered.
    pub ronas: u32,
    /// Times reopened.
    pub reopens: u32,
}

/// Whole seconds from `from` to `to`, never negative.
pub fn secs_between(from: Timestamp, to: Timestamp) -> i64 {
    to.millis_since(from).max(0) / 1000
}

impl ConversationMetrics {
    /// The metrics of `c` at `now`.
    pub fn of(c: &Conversation, now: Timestamp) -> Self {
        let since_created = |t: Option<Timestamp>| t.map(|t| secs_between(c.created_at, t));
        ConversationMetrics {
            accept_secs: since_created(c.accepted_at),
            first_response_secs: since_created(c.first_response_at),
            duration_secs: since_created(c.last_message_at),
            time_to_close_secs: since_created(c.closed_at.filter(|_| !c.is_active())),
            time_in_status_secs: secs_between(c.status_since, now),
            transfers: c.transfer_count,
            ronas: c.rona_count,
            reopens: c.reopen_count,
        }
    }
}

/// Count, mean, median and 90th percentile of a set of values.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Summary {
    /// How many values.
    pub count: usize,
    /// Arithmetic mean (`None` when there are no values).
    pub mean: Option<f64>,
    /// 50th percentile.
    pub median: Option<f64>,
    /// 90th percentile.
    pub p90: Option<f64>,
}

/// The `p`-th percentile (0–100) of sorted values, interpolating linearly between the two
/// nearest ranks: rank = p/100 × (n − 1), as Excel's `PERCENTILE.INC` and numpy's default.
/// So the median of an even count is the mean of the two middle values.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let rank = (p / 100.0).clamp(0.0, 1.0) * last as f64;
    let lo = rank.floor() as usize;
    let hi = rank.ceil() as usize;
    let (a, b) = (sorted[lo], sorted[hi.min(last)]);
    Some(a + (b - a) * (rank - lo as f64))
}

/// Summarises values in any order.
pub fn summarize(values: &[i64]) -> Summary {
    let mut sorted: Vec<f64> = values.iter().map(|v| *v as f64).collect();
    sorted.sort_by(f64::total_cmp);
    let mean = (!sorted.is_empty()).then(|| sorted.iter().sum::<f64>() / sorted.len() as f64);
    Summary { count: sorted.len(), mean, median: percentile(&sorted, 50.0), p90: percentile(&sorted, 90.0) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversation::{Origin, Status};

    #[test]
    fn percentiles_match_hand_computed_values() {
        // 1..=10: rank for p90 = 0.9 × 9 = 8.1 → 9 + 0.1 × (10 − 9) = 9.1.
        let s = summarize(&[7, 3, 10, 1, 5, 2, 9, 4, 8, 6]);
        assert_eq!(s.count, 10);
        assert_eq!(s.mean, Some(5.5));
        assert_eq!(s.median, Some(5.5));
        assert!((s.p90.unwrap() - 9.1).abs() < 1e-9);
        // Odd count: the middle value; p90 of [10, 20, 30, 40, 1000] = 40 + 0.6 × 960 = 616.
        let s = summarize(&[1000, 10, 40, 20, 30]);
        assert_eq!(s.median, Some(30.0));
        assert!((s.p90.unwrap() - 616.0).abs() < 1e-9);
        assert_eq!(s.mean, Some(220.0));
        // One value, and none.
        assert_eq!(summarize(&[42]).p90, Some(42.0));
        assert_eq!(summarize(&[]), Summary::default());
    }

    #[test]
    fn metrics_follow_the_definitions() {
        let t0 = Timestamp(1_000_000);
        let mut c = Conversation::new("cv_1".into(), 1001, "in_1".into(), "ct_1".into(), Origin::Inbound, t0);
        let m = ConversationMetrics::of(&c, t0.plus_secs(5));
        assert_eq!(
            (m.accept_secs, m.first_response_secs, m.time_to_close_secs, m.time_in_status_secs),
            (None, None, None, 5)
        );
        c.accepted_at = Some(t0.plus_secs(12));
        c.first_response_at = Some(t0.plus_secs(40));
        c.last_message_at = Some(t0.plus_secs(300));
        c.closed_at = Some(t0.plus_secs(360));
        c.status = Status::Closed;
        c.status_since = t0.plus_secs(360);
        c.transfer_count = 2;
        c.rona_count = 1;
        let m = ConversationMetrics::of(&c, t0.plus_secs(400));
        assert_eq!(m.accept_secs, Some(12));
        assert_eq!(m.first_response_secs, Some(40));
        assert_eq!(m.duration_secs, Some(300));
        assert_eq!(m.time_to_close_secs, Some(360));
        assert_eq!(m.time_in_status_secs, 40);
        assert_eq!((m.transfers, m.ronas, m.reopens), (2, 1, 0));
        // Reopened: no longer closed, so no time to close until it closes again.
        c.status = Status::Open;
        assert_eq!(ConversationMetrics::of(&c, t0.plus_secs(400)).time_to_close_secs, None);
    }
}
