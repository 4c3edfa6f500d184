//! `Idempotency-Key`: a retried mutation returns the first answer and changes nothing.

use crate::common::Harness;
use crate::common::desk::Desk;
use serde_json::{Value, json};

async fn keyed(h: &Harness, path: &str, token: &str, key: &str, body: Value) -> (u16, Option<String>, Value) {
    let resp = h
        .client
        .post(path)
        .header("Authorization", format!("Bearer {token}"))
        .header("Idempotency-Key", key)
        .body_json(&body)
        .send()
        .await
        .0;
    let status = resp.status().as_u16();
    let replayed = resp.headers().get("idempotency-replayed").and_then(|v| v.to_str().ok()).map(str::to_string);
    let text = resp.into_body().into_string().await.expect("body");
    (status, replayed, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn count(v: &Value) -> usize {
    v["items"].as_array().map_or(0, Vec::len)
}

#[tokio::test]
async fn a_retry_with_the_same_key_returns_the_first_answer_and_changes_nothing() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let body = json!({"inbox_id": d.web, "contact": {"name": "Retry Rita", "email": "rita@example.com"}});
    let (s1, r1, first) = keyed(&h, "/api/v1/conversations", &d.ana, "create-rita-1", body.clone()).await;
    let (s2, r2, second) = keyed(&h, "/api/v1/conversations", &d.ana, "create-rita-1", body.clone()).await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!((r1, r2.as_deref()), (None, Some("true")));
    assert_eq!(first, second, "the very same answer");
    assert_eq!(count(&h.get("/api/v1/conversations?view=all", &d.ana).await.body), 1, "one conversation, not two");

    let (status, _, problem) = keyed(
        &h,
        "/api/v1/conversations",
        &d.ana,
        "create-rita-1",
        json!({"inbox_id": d.web, "contact_id": "ct_other"}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(problem["detail"].as_str().unwrap_or("").contains("different request"));

    // A refusal is remembered too: the retry of a bad request is the same 422, not a new try.
    let bad = json!({"inbox_id": d.web});
    assert_eq!(keyed(&h, "/api/v1/conversations", &d.ana, "bad-1", bad.clone()).await.0, 422);
    let (status, replayed, _) = keyed(&h, "/api/v1/conversations", &d.ana, "bad-1", bad).await;
    assert_eq!((status, replayed.as_deref()), (422, Some("true")));

    // Keys belong to the caller's token: Marco's same key is his own request.
    let (s, r, _) = keyed(&h, "/api/v1/conversations", &d.marco, "create-rita-1", body).await;
    assert_eq!((s, r), (201, None));
    // Without a key every request counts.
    h.post("/api/v1/contacts", &d.ana, json!({"name": "No key"})).await;
    assert_eq!(h.post("/api/v1/contacts", &d.ana, json!({"name": "No key"})).await.status, 201);
    // After 24 hours a key is forgotten (an API token outlives it).
    let token = h.post("/api/v1/tokens", &d.ana, json!({"name": "crm"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(keyed(&h, "/api/v1/contacts", &token, "k-1", json!({"name": "Before"})).await.0, 201);
    h.clock.advance_secs(24 * 3600 - 1);
    assert_eq!(keyed(&h, "/api/v1/contacts", &token, "k-1", json!({"name": "After"})).await.0, 422, "still remembered");
    h.clock.advance_secs(1);
    let fresh = keyed(&h, "/api/v1/contacts", &token, "k-1", json!({"name": "After"})).await;
    assert_eq!((fresh.0, fresh.1), (201, None));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_with_one_key_are_decided_once() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let body = json!({"name": "Double Click", "email": "dc@example.com"});
    let (a, b) = tokio::join!(
        keyed(&h, "/api/v1/contacts", &d.ana, "dc-1", body.clone()),
        keyed(&h, "/api/v1/contacts", &d.ana, "dc-1", body.clone())
    );
    assert_eq!((a.0, b.0), (201, 201));
    assert_eq!(a.2["id"], b.2["id"]);
    assert_eq!([a.1.is_some(), b.1.is_some()].iter().filter(|r| **r).count(), 1, "exactly one replay");
    assert_eq!(count(&h.get("/api/v1/contacts?q=double", &d.ana).await.body), 1);
}
