//! A report's series for charts: conversations created and closed per day of the period (in
//! the workspace time zone), and how first response times spread over a few ranges.

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::{Period, counts_in};
use crate::domain::Timestamp;
use crate::domain::conversation::Conversation;

/// Upper bounds (exclusive, seconds) of the first-response ranges; the last range is open:
/// under 1 minute, 1–5 minutes, 5–15, 15–60, 1–4 hours, 4 hours or more.
pub const FIRST_RESPONSE_BOUNDS_SECS: [i64; 5] = [60, 300, 900, 3600, 14_400];

/// How many of `secs` fall in each range of [`FIRST_RESPONSE_BOUNDS_SECS`] (one more count
/// than bounds).
pub fn first_response_ranges(secs: &[i64]) -> Vec<u32> {
    let mut out = vec![0u32; FIRST_RESPONSE_BOUNDS_SECS.len() + 1];
    for s in secs {
        let i = FIRST_RESPONSE_BOUNDS_SECS.iter().position(|b| s < b).unwrap_or(FIRST_RESPONSE_BOUNDS_SECS.len());
        out[i] += 1;
    }
    out
}

/// One day's counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Day {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Conversations created that day.
    pub created: u32,
    /// Conversations closed that day (and still closed).
    pub closed: u32,
}

/// Counts per day of a period, as conversations are added.
#[derive(Clone, Debug)]
pub struct Days {
    tz: TimeZone,
    first: Date,
    days: Vec<(u32, u32)>,
}

impl Days {
    /// Zero counts for every day of `p` in `tz`.
    pub fn new(p: &Period, tz: &TimeZone) -> Days {
        let first: Date = p.from.parse().unwrap_or_default();
        let last: Date = p.to.parse().unwrap_or(first);
        let n = first.until(last).map(|s| s.get_days()).unwrap_or(0).max(0) as usize + 1;
        Days { tz: tz.clone(), first, days: vec![(0, 0); n] }
    }

    fn slot(&self, t: Timestamp) -> Option<usize> {
        let date = jiff::Timestamp::from_millisecond(t.0).ok()?.to_zoned(self.tz.clone()).date();
        let i = usize::try_from(self.first.until(date).ok()?.get_days()).ok()?;
        (i < self.days.len()).then_some(i)
    }

    /// Counts `c` on the day it was created and the day it was closed, when in `p`.
    pub fn add(&mut self, c: &Conversation, p: &Period) {
        let (created, closed) = counts_in(c, p);
        if let Some(i) = self.slot(c.created_at).filter(|_| created) {
            self.days[i].0 += 1;
        }
        if let Some(i) = c.closed_at.and_then(|t| self.slot(t)).filter(|_| closed) {
            self.days[i].1 += 1;
        }
    }

    /// The days in order.
    pub fn finish(&self) -> Vec<Day> {
        let mut date = self.first;
        let mut out = Vec::with_capacity(self.days.len());
        for &(created, closed) in &self.days {
            out.push(Day { date: date.to_string(), created, closed });
            date = date.tomorrow().unwrap_or(date);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::{period, time_zone};

    #[test]
    fn first_responses_fall_in_their_ranges() {
        assert_eq!(
            first_response_ranges(&[0, 59, 60, 299, 300, 899, 900, 3599, 3600, 14_399, 14_400, 99_999]),
            [2, 2, 2, 2, 2, 2]
        );
        assert_eq!(first_response_ranges(&[]), [0; 6]);
    }

    #[test]
    fn days_follow_the_time_zone() {
        let tz = time_zone("Europe/Rome").expect("tz");
        let p = period("2026-03-01", "2026-03-03", &tz).expect("period");
        let mut d = Days::new(&p, &tz);
        assert_eq!(d.days.len(), 3);
        // 23:30 UTC on 1 March is 00:30 on 2 March in Rome.
        let late = jiff::Timestamp::from_second(1_772_407_800).expect("t"); // 2026-03-01T23:30:00Z
        assert_eq!(d.slot(Timestamp(late.as_millisecond())), Some(1));
        assert_eq!(d.slot(Timestamp(p.start.0 - 1)), None, "before the period");
        assert_eq!(d.slot(p.end), None, "after it");
        d.days[1].0 = 4;
        let days = d.finish();
        assert_eq!(
            days.iter().map(|x| (x.date.as_str(), x.created)).collect::<Vec<_>>(),
            [("2026-03-01", 0), ("2026-03-02", 4), ("2026-03-03", 0)]
        );
    }
}
