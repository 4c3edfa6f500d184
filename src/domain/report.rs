//! Reports over a period (F30): the period two dates make in the workspace time zone, what the
//! conversations of one group add up to, and an agent's time in each status.
//!
//! A conversation counts in a period when it was *created* in it (volumes, accept time, first
//! response, duration, transfers, RONAs, reopens) and, separately, when it was *closed* in it
//! (closed counts, wrap-up reasons, time to close). Statistics are computed over the individual
//! conversations of the group ([`summarize`]), never as averages of averages.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::conversation::{Conversation, Status};
use super::metrics::{ConversationMetrics, Summary, summarize};
use super::{AgentStatus, FieldError, Timestamp};

pub mod daily;

/// Longest period a report may span, in days.
pub const MAX_DAYS: i64 = 366;

/// How report rows are grouped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    /// By the agent the conversation is assigned to.
    Agent,
    /// By the teams serving the conversation's inbox, or the team it was transferred to.
    Team,
    /// By inbox.
    Inbox,
}

impl GroupBy {
    /// Parses `agent`, `team` or `inbox`.
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s {
            "agent" => Some(GroupBy::Agent),
            "team" => Some(GroupBy::Team),
            "inbox" => Some(GroupBy::Inbox),
            _ => None,
        }
    }

    /// The name used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Agent => "agent",
            GroupBy::Team => "team",
            GroupBy::Inbox => "inbox",
        }
    }
}

/// The time zone with this IANA name (`UTC` included), from the time zone database built into
/// the binary.
pub fn time_zone(name: &str) -> Option<TimeZone> {
    if name == "UTC" { Some(TimeZone::UTC) } else { TimeZone::get(name).ok() }
}

/// A period of whole days in a time zone: from the start of `from` to the end of `to`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day (included), `YYYY-MM-DD`.
    pub to: String,
    /// The first moment of `from` in the time zone.
    pub start: Timestamp,
    /// The first moment of the day after `to` (excluded).
    pub end: Timestamp,
}

impl Period {
    /// Whether `t` falls in the period.
    pub fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

fn parse_date(field: &str, value: &str) -> Result<Date, FieldError> {
    if value.is_empty() {
        return Err(FieldError::new(field, "is required: a date like 2026-01-31 (year-month-day)"));
    }
    let bad = || FieldError::new(field, format!("must be a date like 2026-01-31 (year-month-day), not {value:?}"));
    let b = value.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shaped {
        return Err(bad());
    }
    value.parse::<Date>().map_err(|_| bad())
}

fn start_of(day: Date, tz: &TimeZone, field: &str) -> Result<Timestamp, FieldError> {
    day.to_zoned(tz.clone())
        .map(|z| Timestamp(z.timestamp().as_millisecond()))
        .map_err(|_| FieldError::new(field, "is outside the supported range of dates"))
}

/// The period from `from` to `to` (both `YYYY-MM-DD`, `to` included) in `tz`; at most
/// [`MAX_DAYS`] days, `to` not before `from`.
pub fn period(from: &str, to: &str, tz: &TimeZone) -> Result<Period, Vec<FieldError>> {
    let (f, t) = (parse_date("from", from.trim()), parse_date("to", to.trim()));
    let (f, t) = match (f, t) {
        (Ok(f), Ok(t)) => (f, t),
        (f, t) => return Err([f.err(), t.err()].into_iter().flatten().collect()),
    };
    if t < f {
        return Err(vec![FieldError::new("to", format!("must be on or after from ({f})"))]);
    }
    let days = i64::from(f.until(t).map_err(|_| vec![FieldError::new("to", "is too far from from")])?.get_days()) + 1;
    if days > MAX_DAYS {
        return Err(vec![FieldError::new(
            "to",
            format!("the period may span at most {MAX_DAYS} days; {f} to {t} spans {days}"),
        )]);
    }
    let next = t.tomorrow().map_err(|_| vec![FieldError::new("to", "is outside the supported range of dates")])?;
    Ok(Period {
        from: f.to_string(),
        to: t.to_string(),
        start: start_of(f, tz, "from").map_err(|e| vec![e])?,
        end: start_of(next, tz, "to").map_err(|e| vec![e])?,
    })
}

/// Whether `c` was created in `p`, and whether it is closed with its (latest) close in `p`.
pub fn counts_in(c: &Conversation, p: &Period) -> (bool, bool) {
    let closed = c.status == Status::Closed && c.closed_at.is_some_and(|t| p.contains(t));
    (p.contains(c.created_at), closed)
}

/// The running totals of one group.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    created: u32,
    closed: u32,
    transferred: u32,
    with_rona: u32,
    reopened: u32,
    by_wrap_up: BTreeMap<Option<String>, u32>,
    accept: Vec<i64>,
    first_response: Vec<i64>,
    duration: Vec<i64>,
    time_to_close: Vec<i64>,
}

/// What one group of conversations adds up to in a period.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupStats {
    /// Conversations created in the period.
    pub created: u32,
    /// Conversations closed in the period (and still closed).
    pub closed: u32,
    /// Of those closed: how many per wrap-up reason id (`None`: closed without one).
    pub closed_by_wrap_up: Vec<(Option<String>, u32)>,
    /// Created in the period and transferred at least once.
    pub transferred: u32,
    /// Created in the period with at least one offer that timed out.
    pub with_rona: u32,
    /// Created in the period and reopened at least once.
    pub reopened: u32,
    /// Accept times of the conversations created in the period.
    pub accept: Summary,
    /// First response times of the conversations created in the period.
    pub first_response: Summary,
    /// Durations of the conversations created in the period.
    pub duration: Summary,
    /// Times to close of the conversations closed in the period.
    pub time_to_close: Summary,
    /// First response times per range of [`daily::FIRST_RESPONSE_BOUNDS_SECS`].
    pub first_response_ranges: Vec<u32>,
    /// Satisfaction ratings given in the period (F31).
    pub ratings: RatingStats,
}

/// Satisfaction ratings of a group: how many, how many 4 or 5, and their sum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RatingStats {
    /// Ratings.
    pub count: u32,
    /// Ratings of 4 or 5.
    pub good: u32,
    /// Sum of the scores.
    pub sum: u32,
}

impl RatingStats {
    /// Counts one score.
    pub fn add(&mut self, score: u8) {
        self.count += 1;
        self.good += u32::from(score >= 4);
        self.sum += u32::from(score);
    }
    /// The mean score, when there are ratings.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| f64::from(self.sum) / f64::from(self.count))
    }
    /// The share of 4s and 5s (0–1), when there are ratings.
    pub fn good_share(&self) -> Option<f64> {
        (self.count > 0).then(|| f64::from(self.good) / f64::from(self.count))
    }
}

impl Tally {
    /// Counts `c`, whose metrics are `m`, for the period `p`; conversations neither created
    /// nor closed in it add nothing.
    pub fn add(&mut self, c: &Conversation, m: &ConversationMetrics, p: &Period) {
        let (created, closed) = counts_in(c, p);
        if created {
            self.created += 1;
            self.transferred += u32::from(c.transfer_count > 0);
            self.with_rona += u32::from(c.rona_count > 0);
            self.reopened += u32::from(c.reopen_count > 0);
            self.accept.extend(m.accept_secs);
            self.first_response.extend(m.first_response_secs);
            self.duration.extend(m.duration_secs);
        }
        if closed {
            self.closed += 1;
            *self.by_wrap_up.entry(c.wrap_up_id.clone()).or_default() += 1;
            self.time_to_close.extend(m.time_to_close_secs);
        }
    }

    /// The group's counts and statistics.
    pub fn finish(&self) -> GroupStats {
        GroupStats {
            created: self.created,
            closed: self.closed,
            closed_by_wrap_up: self.by_wrap_up.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            transferred: self.transferred,
            with_rona: self.with_rona,
            reopened: self.reopened,
            accept: summarize(&self.accept),
            first_response: summarize(&self.first_response),
            duration: summarize(&self.duration),
            time_to_close: summarize(&self.time_to_close),
            first_response_ranges: daily::first_response_ranges(&self.first_response),
            ratings: RatingStats::default(),
        }
    }
}

/// Whole seconds an agent spent in each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StatusTime {
    /// Available.
    pub available_secs: i64,
    /// Away.
    pub away_secs: i64,
    /// Offline.
    pub offline_secs: i64,
    /// RONA.
    pub rona_secs: i64,
}

impl StatusTime {
    /// Adds another agent's time (for totals).
    pub fn add(&mut self, o: &StatusTime) {
        self.available_secs += o.available_secs;
        self.away_secs += o.away_secs;
        self.offline_secs += o.offline_secs;
        self.rona_secs += o.rona_secs;
    }
}

/// Time per status within [`start`, `end`): `before` is the status just before `start` (the
/// last change before it; offline when there was none) and `changes` the changes from `start`
/// on, oldest first, as (when, status moved to). Changes outside the window are clipped.
pub fn status_time(
    before: Option<AgentStatus>,
    changes: &[(Timestamp, AgentStatus)],
    start: Timestamp,
    end: Timestamp,
) -> StatusTime {
    let mut ms = [0i64; 4];
    let slot = |s: AgentStatus| match s {
        AgentStatus::Available => 0,
        AgentStatus::Away => 1,
        AgentStatus::Offline => 2,
        AgentStatus::Rona => 3,
    };
    let (mut status, mut since) = (before.unwrap_or(AgentStatus::Offline), start);
    for &(at, to) in changes.iter().filter(|(at, _)| *at < end) {
        let at = at.max(start);
        ms[slot(status)] += at.millis_since(since).max(0);
        (status, since) = (to, at);
    }
    ms[slot(status)] += end.millis_since(since).max(0);
    StatusTime {
        available_secs: ms[0] / 1000,
        away_secs: ms[1] / 1000,
        offline_secs: ms[2] / 1000,
        rona_secs: ms[3] / 1000,
    }
}

#[cfg(test)]
mod tests;
