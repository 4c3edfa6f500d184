//! Metrics (F29) and reports (F30) through HTTP with a manual clock: exact seconds on the
//! conversation, counts and percentiles per agent, team and inbox, agents' time per status,
//! the CSV download, and who may read reports.

mod common;

use common::desk::{Desk, cid};
use common::{Answer, Harness};
use poem::http::Method;
use serde_json::{Value, json};

async fn act(h: &Harness, token: &str, id: &str, action: &str, body: Value) -> Answer {
    let a = h.post(&format!("/api/v1/conversations/{id}/{action}"), token, body).await;
    assert!(a.status < 300, "{action}: {}", a.text);
    a
}

async fn reply(h: &Harness, token: &str, id: &str, text: &str) {
    let a = h.post(&format!("/api/v1/conversations/{id}/messages"), token, json!({"text": text})).await;
    assert_eq!(a.status, 201, "{}", a.text);
}

async fn metrics(h: &Harness, d: &Desk, id: &str) -> Value {
    let a = h.get(&format!("/api/v1/conversations/{id}"), &d.sup).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["metrics"].clone()
}

#[tokio::test]
async fn conversation_metrics_follow_the_definitions_to_the_second() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let a = h.call(Method::PATCH, &format!("/api/v1/inboxes/{}", d.api), Some(&d.admin), Some(json!({"assignment": "round_robin"}))).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let bridge = h.post("/api/v1/tokens", &d.admin, json!({"name": "bridge"})).await.body["token"].as_str().expect("token").to_string();

    let c = d.handoff(&h, &d.api, "Nora", "my parcel?").await;
    let id = cid(&c);
    assert_eq!(c["offer"]["agent_id"], json!(d.ana_id));
    let m = metrics(&h, &d, &id).await;
    assert_eq!(m, json!({"accept_secs": null, "first_response_secs": null, "duration_secs": 0, "time_to_close_secs": null,
        "time_in_status_secs": 0, "transfers": 0, "ronas": 0, "reopens": 0}));

    // Ana lets the offer time out (RONA after 30 s): Marco is offered it and accepts 12 s later.
    h.clock.advance_secs(30);
    h.desk.settle().await.expect("settles");
    let back = h.call(Method::PUT, "/api/v1/me/status", Some(&d.ana), Some(json!({"status": "available"}))).await;
    assert_eq!(back.status, 200, "{}", back.text);
    h.clock.advance_secs(12);
    act(&h, &d.marco, &id, "accept", json!({})).await;
    h.clock.advance_secs(28);
    reply(&h, &d.marco, &id, "It left this morning.").await;
    // A note is not a response and does not extend the duration.
    h.clock.advance_secs(5);
    let note = h.post(&format!("/api/v1/conversations/{id}/messages"), &d.marco, json!({"kind": "note", "text": "carrier delay"})).await;
    assert_eq!(note.status, 201, "{}", note.text);
    h.clock.advance_secs(55);
    let pushed = h.post(&format!("/api/v1/channels/api/{}/messages", d.api), &bridge, json!({"contact": {"email": "nora@example.net"}, "text": "thanks"})).await;
    assert_eq!(pushed.body["conversation_id"], json!(id), "{}", pushed.text);
    // Marco hands it to Ana, who accepts; she closes it 60 s later.
    h.clock.advance_secs(10);
    act(&h, &d.marco, &id, "transfer", json!({"agent_id": d.ana_id})).await;
    h.clock.advance_secs(5);
    act(&h, &d.ana, &id, "accept", json!({})).await;
    h.clock.advance_secs(60);
    act(&h, &d.ana, &id, "close", json!({"wrap_up_reason_id": d.solved})).await;
    h.clock.advance_secs(7);
    let m = metrics(&h, &d, &id).await;
    assert_eq!(m, json!({"accept_secs": 42, "first_response_secs": 70, "duration_secs": 130, "time_to_close_secs": 205,
        "time_in_status_secs": 7, "transfers": 1, "ronas": 1, "reopens": 0}));

    // Reopened: no time to close until it closes again; the latest close counts.
    h.clock.advance_secs(3);
    act(&h, &d.ana, &id, "reopen", json!({})).await;
    h.clock.advance_secs(4);
    let m = metrics(&h, &d, &id).await;
    assert_eq!((m["time_to_close_secs"].clone(), m["time_in_status_secs"].clone(), m["reopens"].clone()), (Value::Null, json!(4), json!(1)));
    act(&h, &d.ana, &id, "close", json!({"wrap_up_reason_id": d.solved})).await;
    assert_eq!(metrics(&h, &d, &id).await["time_to_close_secs"], 219);
    // Lists carry the same metrics.
    let list = h.get("/api/v1/conversations?view=all", &d.sup).await;
    assert_eq!(list.body["items"][0]["metrics"]["first_response_secs"], 70);
}
