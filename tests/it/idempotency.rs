//! `Idempotency-Key`: a retried mutation returns the first answer and changes nothing.

use crate::common::Harness;
use crate::common::desk::Desk;
use poem::http::Method;
use serde_json::{Value, json};

async fn keyed(h: &Harness, path: &str, token: &str, key: &str, body: Value) -> (u16, Option<String>, Value) {
    send_keyed(h, Method::POST, path, &format!("Bearer {token}"), key, body).await
}

/// A request with an `Idempotency-Key` and the `Authorization` value as given: its status,
/// its `Idempotency-Replayed` header and its JSON body.
async fn send_keyed(
    h: &Harness,
    method: Method,
    path: &str,
    authorization: &str,
    key: &str,
    body: Value,
) -> (u16, Option<String>, Value) {
    let resp = h
        .client
        .request(method, path)
        .header("Authorization", authorization)
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

/// Issue 15, item 4: a remembered answer is never replayed to a token that no longer stands.
#[tokio::test]
async fn a_replay_after_sign_out_is_refused_and_returns_no_secret() {
    let h = Harness::new().await;
    let session = h.login("ana@example.com", "demo").await;
    let (status, _, first) = keyed(&h, "/api/v1/tokens", &session, "t-1", json!({"name": "bridge"})).await;
    assert_eq!(status, 201);
    let secret = first["token"].as_str().expect("a secret the first time").to_string();
    assert_eq!(h.post("/api/v1/auth/logout", &session, json!({})).await.status, 204);
    let (status, replayed, body) = keyed(&h, "/api/v1/tokens", &session, "t-1", json!({"name": "bridge"})).await;
    assert_eq!((status, replayed), (401, None), "{body}");
    assert!(!body.to_string().contains(&secret));
    // Keys are scoped by credential: another session of the same user has its own keys.
    let other = h.login("ana@example.com", "demo").await;
    let (status, replayed, _) = keyed(&h, "/api/v1/contacts", &other, "t-1", json!({"name": "Fresh"})).await;
    assert_eq!((status, replayed), (201, None));
}

/// Issue 15, item 5: answers that carry a secret are never stored; a replay says why.
#[tokio::test]
async fn no_secret_is_ever_written_to_the_database() {
    let h = Harness::new().await;
    let mut secrets = Vec::new();
    let session = h.login("ana@example.com", "demo").await;
    secrets.push(session.clone());
    // A sign-in sent with a key (and a token, so it is keyed).
    let (status, _, body) =
        keyed(&h, "/api/v1/auth/login", &session, "s-1", json!({"email": "marco@example.com", "password": "demo"}))
            .await;
    assert_eq!(status, 200, "{body}");
    secrets.push(body["token"].as_str().expect("session").to_string());
    for n in 0..3 {
        let (status, _, body) =
            keyed(&h, "/api/v1/tokens", &session, &format!("k-{n}"), json!({"name": format!("t{n}")})).await;
        assert_eq!(status, 201);
        secrets.push(body["token"].as_str().expect("secret").to_string());
    }
    let (status, replayed, body) = keyed(&h, "/api/v1/tokens", &session, "k-0", json!({"name": "t0"})).await;
    assert_eq!((status, replayed), (409, None), "{body}");
    assert!(body["detail"].as_str().unwrap_or("").contains("never stored"), "{body}");
    assert!(!body.to_string().contains(&secrets[2]));

    let file = std::fs::read(h.dir.path().join("switchboard.redb")).expect("database file");
    for s in &secrets {
        assert!(!file.windows(s.len()).any(|w| w == s.as_bytes()), "a secret ({}…) is in the database", &s[..8]);
    }
}

/// Issue 15, item 5: expired idempotency records and long-dead credentials are purged.
#[tokio::test]
async fn the_purge_deletes_expired_records_and_old_revoked_credentials() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    assert_eq!(keyed(&h, "/api/v1/contacts", &d.ana, "p-1", json!({"name": "Kept a day"})).await.0, 201);
    let made = h.post("/api/v1/tokens", &d.ana, json!({"name": "old"})).await;
    let (secret, id) = (made.body["token"].as_str().expect("secret"), made.body["id"].as_str().expect("id"));
    let gone = h.call(poem::http::Method::DELETE, &format!("/api/v1/tokens/{id}"), Some(&d.ana), None).await;
    assert_eq!(gone.status, 204);

    let none = h.desk.purge_expired().await.expect("purges");
    assert_eq!((none.idempotency_records, none.credentials), (0, 0), "nothing is old yet");
    h.clock.advance_secs(25 * 3600);
    assert_eq!(h.desk.purge_expired().await.expect("purges").idempotency_records, 1);
    h.clock.advance_secs(30 * 24 * 3600);
    let purged = h.desk.purge_expired().await.expect("purges");
    // The revoked token, and every session of the demo desk that expired after 12 hours.
    assert!(purged.credentials >= 1, "{purged:?}");
    let stale = h.get("/api/v1/me", secret).await;
    assert_eq!(stale.status, 401, "a purged token is simply unknown");
}

/// Bodies with a password are never fingerprinted (a day-long fast hash of a password), and
/// the `Bearer` scheme is read in any case, as the API's security scheme reads it.
#[tokio::test]
async fn password_bodies_are_not_keyed_and_the_scheme_is_case_blind() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let ana = format!("Bearer {}", d.ana);
    let put = |body: Value| send_keyed(&h, Method::PUT, "/api/v1/me/password", &ana, "pw-1", body);
    let body = json!({"current_password": "demo", "new_password": "a new secret", "keep_api_tokens": true});
    assert_eq!(put(body.clone()).await.0, 204);
    let again = put(body).await;
    assert_eq!((again.0, again.1), (403, None), "run again, not replayed: the current password changed");
    let file = std::fs::read(h.dir.path().join("switchboard.redb")).expect("database file");
    assert!(!file.windows(4).any(|w| w == b"pw-1"), "no record was kept for the key");

    let marco = format!("bearer {}", d.marco);
    let lower = |key: &'static str| async {
        let (status, replayed, _) =
            send_keyed(&h, Method::POST, "/api/v1/contacts", &marco, key, json!({"name": "Case"})).await;
        (status, replayed.is_some())
    };
    assert_eq!(lower("c-1").await, (201, false));
    assert_eq!(lower("c-1").await, (201, true), "a lower-case scheme is keyed too");
}
