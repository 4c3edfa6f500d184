//! Periods in time zones (daylight saving included), what a group adds up to, and time per
//! status clipped to a window.

use super::*;
use crate::domain::conversation::Origin;

fn utc(s: &str) -> Timestamp {
    Timestamp(s.parse::<jiff::Timestamp>().expect("timestamp").as_millisecond())
}

fn fields(e: Vec<FieldError>) -> Vec<String> {
    e.into_iter().map(|f| f.field).collect()
}

#[test]
fn a_period_runs_from_the_first_midnight_to_the_midnight_after_the_last_day() {
    let p = period("2026-01-05", "2026-01-05", &TimeZone::UTC).expect("valid");
    assert_eq!((p.start, p.end), (utc("2026-01-05T00:00:00Z"), utc("2026-01-06T00:00:00Z")));
    let rome = time_zone("Europe/Rome").expect("known zone");
    let p = period("2026-01-05", "2026-01-06", &rome).expect("valid");
    assert_eq!((p.start, p.end), (utc("2026-01-04T23:00:00Z"), utc("2026-01-06T23:00:00Z")));
    // The day clocks go forward has 23 hours.
    let p = period("2026-03-29", "2026-03-29", &rome).expect("valid");
    assert_eq!((p.start, p.end), (utc("2026-03-28T23:00:00Z"), utc("2026-03-29T22:00:00Z")));
    assert!(p.contains(p.start) && !p.contains(p.end));
    let ny = time_zone("America/New_York").expect("known zone");
    assert_eq!(period("2026-07-01", "2026-07-01", &ny).expect("valid").start, utc("2026-07-01T04:00:00Z"));
    assert!(time_zone("Mars/Olympus").is_none());
    assert!(time_zone("UTC").is_some());
}

#[test]
fn bad_dates_and_ranges_name_the_field() {
    let utc = TimeZone::UTC;
    assert_eq!(fields(period("2026-1-5", "2026-01-05", &utc).unwrap_err()), ["from"]);
    assert_eq!(fields(period("2026-01-05", "tomorrow", &utc).unwrap_err()), ["to"]);
    assert_eq!(fields(period("2026-02-30", "", &utc).unwrap_err()), ["from", "to"]);
    assert_eq!(fields(period("20260105", "2026-01-05", &utc).unwrap_err()), ["from"]);
    assert_eq!(fields(period("2026-01-05", "2026-01-04", &utc).unwrap_err()), ["to"]);
    // 366 days are allowed (a leap year), 367 are not.
    assert!(period("2028-01-01", "2028-12-31", &utc).is_ok());
    let e = period("2026-01-01", "2027-01-02", &utc).unwrap_err();
    assert!(e[0].message.contains("spans 367"), "{}", e[0].message);
}

#[test]
fn a_tally_counts_created_and_closed_separately() {
    let p = period("2026-01-05", "2026-01-05", &TimeZone::UTC).expect("valid");
    let day = utc("2026-01-05T09:00:00Z");
    let conv = |n: u64, created: Timestamp| {
        Conversation::new(format!("cv_{n}"), n, "in_1".into(), "ct_1".into(), Origin::Inbound, created)
    };
    let mut t = Tally::default();
    // Created and closed the same day, transferred, with a RONA.
    let mut a = conv(1, day);
    (a.accepted_at, a.first_response_at, a.last_message_at) =
        (Some(day.plus_secs(10)), Some(day.plus_secs(30)), Some(day.plus_secs(100)));
    (a.status, a.closed_at, a.wrap_up_id, a.transfer_count, a.rona_count) =
        (Status::Closed, Some(day.plus_secs(200)), Some("wru_1".into()), 1, 2);
    // Created the day before, closed in the period without a reason, reopened once before.
    let mut b = conv(2, day.plus_secs(-86_400));
    (b.status, b.closed_at, b.reopen_count, b.accepted_at) =
        (Status::Closed, Some(day.plus_secs(3600)), 1, Some(day.plus_secs(-86_000)));
    // Created in the period, still waiting.
    let c = conv(3, day.plus_secs(60));
    // Neither created nor closed in it.
    let d = conv(4, day.plus_secs(-200_000));
    for x in [&a, &b, &c, &d] {
        t.add(x, &ConversationMetrics::of(x, day.plus_secs(7200)), &p);
    }
    let s = t.finish();
    assert_eq!(
        (s.created, s.closed, s.transferred, s.with_rona, s.reopened),
        (2, 2, 1, 1, 0),
        "b's reopen predates the period's cohort"
    );
    assert_eq!(s.closed_by_wrap_up, [(None, 1), (Some("wru_1".to_string()), 1)]);
    assert_eq!((s.accept.count, s.accept.mean), (1, Some(10.0)), "b was created before the period");
    assert_eq!((s.first_response.count, s.duration.count), (1, 1));
    assert_eq!((s.time_to_close.count, s.time_to_close.median), (2, Some((200.0 + 86_400.0 + 3600.0) / 2.0)));
}

#[test]
fn status_time_is_clipped_to_the_window() {
    let t0 = Timestamp(1_000_000);
    let (start, end) = (t0, t0.plus_secs(100));
    // No change at all: the status before the window holds throughout (offline when unknown).
    assert_eq!(status_time(None, &[], start, end), StatusTime { offline_secs: 100, ..Default::default() });
    assert_eq!(
        status_time(Some(AgentStatus::Away), &[], start, end),
        StatusTime { away_secs: 100, ..Default::default() }
    );
    let changes = [
        (t0.plus_secs(10), AgentStatus::Available),
        (t0.plus_secs(40), AgentStatus::Rona),
        (t0.plus_secs(45), AgentStatus::Available),
        (t0.plus_secs(90), AgentStatus::Away),
        (t0.plus_secs(150), AgentStatus::Offline),
    ];
    let s = status_time(Some(AgentStatus::Offline), &changes, start, end);
    assert_eq!(s, StatusTime { available_secs: 75, away_secs: 10, offline_secs: 10, rona_secs: 5 });
    // A window that ends earlier clips the open interval.
    let s = status_time(Some(AgentStatus::Offline), &changes, start, t0.plus_secs(42));
    assert_eq!(s, StatusTime { available_secs: 30, offline_secs: 10, rona_secs: 2, ..Default::default() });
    // A window ending before it starts (a future period) is empty.
    assert_eq!(status_time(None, &[], end, start), StatusTime::default());
    let mut total = s;
    total.add(&s);
    assert_eq!(total.available_secs, 60);
}
