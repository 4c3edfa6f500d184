//! Webhooks (F35, and the API channel's outbound half, F34): subscriptions, which events they
//! receive, the signature of a delivery, the retry schedule and when a subscription that keeps
//! failing is disabled. Pure: no I/O, no clock.

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::{FieldError, Timestamp};

/// The event types a subscription may receive.
pub const EVENT_TYPES: [&str; 6] = [
    "conversation.created",
    "conversation.updated",
    "conversation.closed",
    "message.created",
    "contact.updated",
    "rating.created",
];

/// Longest webhook URL.
pub const MAX_URL_CHARS: usize = 2000;
/// A delivery is retried for this long before it is given up (72 h: well past a weekend).
pub const GIVE_UP_AFTER_MS: i64 = 72 * 3600 * 1000;
/// A subscription failing without a single success for this long is disabled (24 h)…
pub const DISABLE_AFTER_MS: i64 = 24 * 3600 * 1000;
/// …once it has failed at least this many times in a row.
pub const DISABLE_AFTER_FAILURES: u32 = 10;
/// Longest wait between two attempts of one delivery.
pub const MAX_BACKOFF_SECS: i64 = 3600;

/// A webhook subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhook {
    /// Opaque id (`wh_…`).
    pub id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// What it is for.
    #[serde(default)]
    pub description: String,
    /// The signing secret.
    pub secret: String,
    /// Event types it receives.
    pub events: Vec<String>,
    /// Only events of conversations in these inboxes (empty: all).
    #[serde(default)]
    pub inbox_ids: Vec<String>,
    /// Whether deliveries are being made (off when disabled after failures, or by an admin).
    pub active: bool,
    /// Why it was disabled.
    #[serde(default)]
    pub disabled_reason: Option<String>,
    /// Failed attempts since the last success.
    #[serde(default)]
    pub failure_streak: u32,
    /// When the current failure streak began.
    #[serde(default)]
    pub failing_since: Option<Timestamp>,
    /// Events up to this sequence number happened before it existed and are never delivered.
    pub from_seq: u64,
    /// Created.
    pub created_at: Timestamp,
    /// Last changed.
    pub updated_at: Timestamp,
}

impl Webhook {
    /// Whether it receives `event` about a conversation in `inbox` (`None`: not about one).
    pub fn wants(&self, event: &str, inbox: Option<&str>) -> bool {
        self.events.iter().any(|e| e == event)
            && (self.inbox_ids.is_empty() || inbox.is_some_and(|i| self.inbox_ids.iter().any(|x| x == i)))
    }

    /// Records one attempt's outcome; returns the reason when it disables the subscription.
    pub fn record(&mut self, ok: bool, now: Timestamp) -> Option<String> {
        if ok {
            self.failure_streak = 0;
            self.failing_since = None;
            return None;
        }
        self.failure_streak = self.failure_streak.saturating_add(1);
        let since = *self.failing_since.get_or_insert(now);
        if self.active
            && self.failure_streak >= DISABLE_AFTER_FAILURES
            && now.millis() - since.millis() >= DISABLE_AFTER_MS
        {
            let reason = format!(
                "disabled after {} failed deliveries in a row over {} hours without a success; fix the receiver and resume",
                self.failure_streak,
                (now.millis() - since.millis()) / 3_600_000
            );
            self.active = false;
            self.disabled_reason = Some(reason.clone());
            return Some(reason);
        }
        None
    }
}

/// Checks a subscription's URL and event types.
pub fn check_webhook(url: &str, events: &[String]) -> Vec<FieldError> {
    let mut out = Vec::new();
    let u = url.trim();
    let scheme_ok = u.starts_with("https://") || u.starts_with("http://");
    let host = u.split_once("://").map_or("", |(_, r)| r.split(['/', '?', '#']).next().unwrap_or(""));
    if !scheme_ok || host.is_empty() || u.chars().any(char::is_whitespace) {
        out.push(FieldError::new(
            "url",
            "must be an http:// or https:// URL, like https://example.com/hooks/switchboard",
        ));
    } else if u.chars().count() > MAX_URL_CHARS {
        out.push(FieldError::new("url", format!("must be at most {MAX_URL_CHARS} characters")));
    }
    if events.is_empty() {
        out.push(FieldError::new("events", format!("name at least one of {}", EVENT_TYPES.join(", "))));
    }
    for e in events {
        if !EVENT_TYPES.contains(&e.as_str()) {
            out.push(FieldError::new("events", format!("{e:?} is not one of {}", EVENT_TYPES.join(", "))));
        }
    }
    out
}

/// How a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its first or next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after retrying for [`GIVE_UP_AFTER_MS`].
    Failed,
}

/// One event to deliver to one subscription, and its log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// Opaque id: the event's sequence number (16 hex digits), so ids sort in event order.
    pub id: String,
    /// The subscription.
    pub webhook_id: String,
    /// Event type.
    pub event: String,
    /// The event's sequence number.
    pub seq: u64,
    /// The conversation it is about (deliveries of one conversation go out in order).
    pub conversation_id: Option<String>,
    /// The JSON body, built when the event was read.
    pub body: String,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// Attempts made.
    pub attempts: u32,
    /// The receiver's last HTTP status.
    pub last_status_code: Option<u16>,
    /// The last failure, in words.
    pub last_error: Option<String>,
    /// How long the last attempt took, ms.
    pub response_ms: Option<u32>,
    /// When the next attempt is due.
    pub next_attempt_at: Timestamp,
    /// When the event happened.
    pub created_at: Timestamp,
    /// When it was delivered.
    pub delivered_at: Option<Timestamp>,
}

/// What one attempt gave.
#[derive(Clone, Debug)]
pub struct Attempt {
    /// HTTP status, if an answer came.
    pub status_code: Option<u16>,
    /// What went wrong (None on a 2xx).
    pub error: Option<String>,
    /// How long it took, ms.
    pub ms: u32,
}

impl Delivery {
    /// Records an attempt made at `now`: delivered on a 2xx, else scheduled again with
    /// exponential backoff (5 s, 10 s, 20 s … at most an hour), or given up once it is older
    /// than [`GIVE_UP_AFTER_MS`]. Returns whether it succeeded.
    pub fn record(&mut self, a: &Attempt, now: Timestamp) -> bool {
        self.attempts = self.attempts.saturating_add(1);
        self.last_status_code = a.status_code;
        self.response_ms = Some(a.ms);
        let ok = a.error.is_none() && a.status_code.is_some_and(|c| (200..300).contains(&c));
        if ok {
            self.status = DeliveryStatus::Delivered;
            self.delivered_at = Some(now);
            self.last_error = None;
            return true;
        }
        self.last_error =
            Some(a.error.clone().unwrap_or_else(|| format!("the receiver answered {}", a.status_code.unwrap_or(0))));
        if now.millis() - self.created_at.millis() >= GIVE_UP_AFTER_MS {
            self.status = DeliveryStatus::Failed;
        } else {
            self.next_attempt_at = now.plus_secs(backoff_secs(self.attempts));
        }
        false
    }
}

/// Seconds to wait after the `n`th failed attempt.
pub fn backoff_secs(n: u32) -> i64 {
    (5i64 << n.saturating_sub(1).min(20)).min(MAX_BACKOFF_SECS)
}

/// The `X-Switchboard-Signature` header: `t={unix seconds},v1={hex HMAC-SHA256 of
/// "{t}.{body}" under the secret}`.
pub fn signature(secret: &str, unix_secs: i64, body: &str) -> String {
    let hex = match hmac::Hmac::<Sha256>::new_from_slice(secret.as_bytes()) {
        Ok(mut mac) => {
            mac.update(format!("{unix_secs}.").as_bytes());
            mac.update(body.as_bytes());
            mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>()
        }
        Err(_) => String::new(),
    };
    format!("t={unix_secs},v1={hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hook() -> Webhook {
        Webhook {
            id: "wh_1".into(),
            url: "https://x.test/h".into(),
            description: String::new(),
            secret: "s".into(),
            events: vec!["message.created".into()],
            inbox_ids: vec![],
            active: true,
            disabled_reason: None,
            failure_streak: 0,
            failing_since: None,
            from_seq: 0,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn urls_and_events_are_checked() {
        assert!(check_webhook("https://x.test/h", &["message.created".into()]).is_empty());
        assert_eq!(check_webhook("ftp://x.test", &["message.created".into()])[0].field, "url");
        assert_eq!(check_webhook("javascript:alert(1)", &["message.created".into()])[0].field, "url");
        assert_eq!(check_webhook("https://x.test", &[])[0].field, "events");
        assert_eq!(check_webhook("https://x.test", &["nope".into()])[0].field, "events");
    }

    #[test]
    fn filters_by_event_and_inbox() {
        let mut h = hook();
        assert!(h.wants("message.created", Some("inb_1")));
        assert!(!h.wants("contact.updated", None));
        h.inbox_ids = vec!["inb_1".into()];
        assert!(h.wants("message.created", Some("inb_1")));
        assert!(!h.wants("message.created", Some("inb_2")));
    }

    #[test]
    fn backoff_grows_to_an_hour_and_gives_up_after_three_days() {
        assert_eq!((backoff_secs(1), backoff_secs(2), backoff_secs(3)), (5, 10, 20));
        assert_eq!(backoff_secs(30), MAX_BACKOFF_SECS);
        let mut d = Delivery {
            id: "0".into(),
            webhook_id: "wh_1".into(),
            event: "message.created".into(),
            seq: 1,
            conversation_id: None,
            body: "{}".into(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_status_code: None,
            last_error: None,
            response_ms: None,
            next_attempt_at: Timestamp(0),
            created_at: Timestamp(0),
            delivered_at: None,
        };
        let fail = Attempt { status_code: Some(500), error: None, ms: 3 };
        assert!(!d.record(&fail, Timestamp(1000)));
        assert_eq!(d.next_attempt_at, Timestamp(6000));
        assert_eq!(d.status, DeliveryStatus::Pending);
        assert!(!d.record(&fail, Timestamp(GIVE_UP_AFTER_MS)));
        assert_eq!(d.status, DeliveryStatus::Failed);
        let mut d2 = d.clone();
        d2.status = DeliveryStatus::Pending;
        assert!(d2.record(&Attempt { status_code: Some(204), error: None, ms: 1 }, Timestamp(5)));
        assert_eq!(d2.status, DeliveryStatus::Delivered);
    }

    #[test]
    fn a_day_of_failures_disables_and_a_success_clears_the_streak() {
        let mut h = hook();
        for i in 0..DISABLE_AFTER_FAILURES {
            assert_eq!(h.record(false, Timestamp(i64::from(i) * 1000)), None);
        }
        assert!(h.active, "ten quick failures are not a day of them");
        assert!(h.record(false, Timestamp(DISABLE_AFTER_MS)).is_some());
        assert!(!h.active);
        h.active = true;
        assert_eq!(h.record(true, Timestamp(DISABLE_AFTER_MS + 1)), None);
        assert_eq!((h.failure_streak, h.failing_since), (0, None));
    }

    #[test]
    fn signature_is_hmac_of_timestamp_dot_body() {
        // Python: hmac.new(b"whsec", b"1700000000.{}", hashlib.sha256).hexdigest()
        let s = signature("whsec", 1_700_000_000, "{}");
        assert!(s.starts_with("t=1700000000,v1="), "{s}");
        assert_eq!(s.len(), "t=1700000000,v1=".len() + 64);
    }
}
