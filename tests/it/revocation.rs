//! Issue 15, item 2: an open event stream ends within a second of its credential being signed
//! out, revoked or expired, of its user's password changing (by them or by an admin), and of
//! its user being deactivated; streams of other credentials keep running.

use std::time::{Duration, Instant};

use serde_json::json;

use switchboard::domain::Timestamp;

use crate::common::desk::{Desk, cid};
use crate::common::{Harness, START};
use crate::events::{Sse, created};

/// How soon a revoked stream must end.
const WITHIN: Duration = Duration::from_secs(1);

async fn ana_session(h: &Harness) -> String {
    h.login("ana@example.com", "demo").await
}

#[tokio::test]
async fn signing_out_ends_the_sessions_open_stream() {
    let h = Harness::new().await;
    let token = ana_session(&h).await;
    let mut stream = Sse::open(&h, &token, None).await;
    let out = h.post("/api/v1/auth/logout", &token, json!({})).await;
    assert_eq!(out.status, 204, "{}", out.text);
    let started = Instant::now();
    assert!(stream.ends_within(WITHIN).await, "the stream outlived the sign-out");
    assert!(started.elapsed() < WITHIN);
}

#[tokio::test]
async fn revoking_an_api_token_ends_its_stream_and_not_the_owners_session() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let made = h.post("/api/v1/tokens", &d.ana, json!({"name": "bridge"})).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let (secret, id) = (made.body["token"].as_str().expect("secret"), made.body["id"].as_str().expect("id"));
    let mut by_token = Sse::open(&h, secret, None).await;
    let mut by_session = Sse::open(&h, &d.ana, None).await;
    let gone = h.call(poem::http::Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&d.ana), None).await;
    assert_eq!(gone.status, 204, "{}", gone.text);
    assert!(by_token.ends_within(WITHIN).await, "the revoked token's stream is still open");
    let c = cid(&d.handoff(&h, &d.web, "After", "still here?").await);
    by_session.until(created(&c)).await;
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_streams() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let thief = ana_session(&h).await;
    let mut stolen = Sse::open(&h, &thief, None).await;
    let mut own = Sse::open(&h, &d.ana, None).await;
    let body = json!({"current_password": "demo", "new_password": "a much better secret"});
    let changed = h.call(poem::http::Method::PUT, "/api/v1/me/password", Some(&d.ana), Some(body)).await;
    assert_eq!(changed.status, 204, "{}", changed.text);
    assert!(stolen.ends_within(WITHIN).await, "the thief's stream survived the password change");
    let c = cid(&d.handoff(&h, &d.web, "Owner", "hello").await);
    own.until(created(&c)).await;
}

#[tokio::test]
async fn an_admin_password_reset_and_a_deactivation_end_the_users_streams() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let mut ana = Sse::open(&h, &d.ana, None).await;
    let reset = json!({"password": "temporary secret 1"});
    let r =
        h.call(poem::http::Method::PATCH, &format!("/api/v1/users/{}", d.ana_id), Some(&d.admin), Some(reset)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(ana.ends_within(WITHIN).await, "a reset by an admin left the stream open");

    let mut marco = Sse::open(&h, &d.marco, None).await;
    let off = json!({"active": false});
    let r =
        h.call(poem::http::Method::PATCH, &format!("/api/v1/users/{}", d.marco_id), Some(&d.admin), Some(off)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(marco.ends_within(WITHIN).await, "a deactivated user's stream is still open");
}

#[tokio::test]
async fn a_stream_ends_when_its_session_expires() {
    let h = Harness::new().await;
    let token = ana_session(&h).await;
    // Sessions last 12 hours (`DeskConfig::default`); open a stream 300 ms before the end.
    h.clock.set(Timestamp(START.millis() + 12 * 3600 * 1000 - 300));
    let mut stream = Sse::open(&h, &token, None).await;
    let started = Instant::now();
    assert!(stream.ends_within(WITHIN).await, "the stream outlived its session");
    assert!(started.elapsed() >= Duration::from_millis(250), "ended early: {:?}", started.elapsed());
}

/// Issue 15, item 14: a new password revokes the user's API tokens unless they choose to
/// keep them; an admin's reset always does.
#[tokio::test]
async fn api_tokens_end_with_a_password_change_unless_kept_and_always_with_a_reset() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let token = |name: &'static str, owner: String| {
        let h = &h;
        async move {
            let made = h.post("/api/v1/tokens", &owner, json!({"name": name})).await;
            made.body["token"].as_str().expect("secret").to_string()
        }
    };
    let put = |owner: String, body: serde_json::Value| {
        let h = &h;
        async move { h.call(poem::http::Method::PUT, "/api/v1/me/password", Some(&owner), Some(body)).await.status }
    };
    let first = token("first", d.ana.clone()).await;
    let changed = put(d.ana.clone(), json!({"current_password": "demo", "new_password": "second secret"})).await;
    assert_eq!(changed, 204);
    assert_eq!(h.get("/api/v1/me", &first).await.status, 401, "revoked by default");

    let kept = token("kept", d.ana.clone()).await;
    let body = json!({"current_password": "second secret", "new_password": "third secret", "keep_api_tokens": true});
    assert_eq!(put(d.ana.clone(), body).await, 204);
    assert_eq!(h.get("/api/v1/me", &kept).await.status, 200, "kept when asked");

    let reset = json!({"password": "reset by admin"});
    let r =
        h.call(poem::http::Method::PATCH, &format!("/api/v1/users/{}", d.ana_id), Some(&d.admin), Some(reset)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(h.get("/api/v1/me", &kept).await.status, 401, "an admin's reset revokes every token");
}

/// Issue 15, item 11: a credential holds at most ten event streams, and however many are
/// open, one heartbeat per user reaches the database per interval.
#[tokio::test]
async fn event_streams_are_capped_per_token_and_share_one_heartbeat() {
    let h = Harness::new().await;
    let token = ana_session(&h).await;
    let mut open = Vec::new();
    for _ in 0..switchboard::desk::MAX_STREAMS_PER_CREDENTIAL {
        open.push(Sse::open(&h, &token, None).await);
    }
    let refused = h.get("/api/v1/events", &token).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert!(refused.detail().contains("10 event streams"), "{}", refused.text);
    assert_eq!(refused.header("retry-after"), Some("5"));
    // Another session of the same user has its own allowance.
    let other = ana_session(&h).await;
    let _extra = Sse::open(&h, &other, None).await;
    // Heartbeats of all those streams: one write per user per 30 s.
    let written = h.desk.stream_heartbeats_written();
    let (ana, ana_too) = (h.desk.authenticate(&token).expect("ana"), h.desk.authenticate(&other).expect("ana"));
    h.clock.advance_secs(30);
    for who in [&ana, &ana_too, &ana, &ana_too, &ana] {
        h.desk.stream_heartbeat(who).await.expect("beats");
    }
    assert_eq!(h.desk.stream_heartbeats_written(), written + 1, "five beats, one write");
    h.clock.advance_secs(30);
    h.desk.stream_heartbeat(&ana_too).await.expect("beats");
    assert_eq!(h.desk.stream_heartbeats_written(), written + 2, "the next interval writes again");
    // Closing a stream frees its place.
    drop(open.pop());
    let mut again = None;
    for _ in 0..50 {
        let a = h.client.get("/api/v1/events").header("Authorization", format!("Bearer {token}")).send().await;
        if a.0.status().as_u16() == 200 {
            again = Some(a);
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(again.is_some(), "a closed stream's place is given back");
}

/// Issue 15, item 11: more tokens buy no more streams: one user holds at most thirty.
#[tokio::test]
async fn a_user_holds_at_most_thirty_streams_however_many_tokens() {
    let h = Harness::new().await;
    let mut open = Vec::new();
    for _ in 0..3 {
        let token = ana_session(&h).await;
        for _ in 0..switchboard::desk::MAX_STREAMS_PER_CREDENTIAL {
            open.push(Sse::open(&h, &token, None).await);
        }
    }
    assert_eq!(open.len(), switchboard::desk::MAX_STREAMS_PER_USER);
    let fourth = ana_session(&h).await;
    let refused = h.get("/api/v1/events", &fourth).await;
    assert_eq!(refused.status, 429, "{}", refused.text);
    assert!(refused.detail().contains("30 event streams"), "{}", refused.text);
    let marco = h.login("marco@example.com", "demo").await;
    let _other_user = Sse::open(&h, &marco, None).await;
}
