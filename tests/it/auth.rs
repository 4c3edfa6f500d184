//! Signing in and out, token expiry and revocation, API tokens, one-time passwords and the
//! failed-login throttle, all through HTTP with a manual clock.

use crate::common::Harness;
use poem::http::Method;
use serde_json::json;

#[tokio::test]
async fn login_succeeds_with_the_right_password_in_any_case_of_email() {
    let h = Harness::new().await;
    let a = h.try_login("  Ana@Example.com ", "demo").await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert!(a.body["token"].as_str().expect("token").starts_with("sbs_"));
    assert_eq!(a.body["user"]["email"], "ana@example.com");
    assert_eq!(a.body["user"]["role"], "agent");
    assert!(a.body["user"].get("password_hash").is_none(), "the hash must never leave the server");
    let me = h.get("/api/v1/me", a.body["token"].as_str().expect("token")).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["name"], "Ana Ruiz");
}

#[tokio::test]
async fn login_fails_alike_for_a_wrong_password_and_an_unknown_account() {
    let h = Harness::new().await;
    let wrong = h.try_login("ana@example.com", "nope").await;
    let unknown = h.try_login("nobody@example.com", "demo").await;
    for a in [&wrong, &unknown] {
        assert_eq!(a.status, 401);
        assert_eq!(a.header("content-type"), Some("application/problem+json"));
        assert_eq!(a.detail(), "The email or password is wrong.");
    }
}

#[tokio::test]
async fn a_session_expires_after_its_lifetime() {
    let h = Harness::new().await;
    let token = h.demo("ana").await;
    h.clock.advance_secs(12 * 3600 - 1);
    assert_eq!(h.get("/api/v1/me", &token).await.status, 200);
    h.clock.advance_secs(1);
    let a = h.get("/api/v1/me", &token).await;
    assert_eq!(a.status, 401);
    assert!(a.detail().contains("expired"), "{}", a.detail());
}

#[tokio::test]
async fn logout_revokes_only_the_token_used() {
    let h = Harness::new().await;
    let phone = h.demo("ana").await;
    let laptop = h.demo("ana").await;
    let out = h.call(Method::POST, "/api/v1/auth/logout", Some(&phone), None).await;
    assert_eq!(out.status, 204);
    let a = h.get("/api/v1/me", &phone).await;
    assert_eq!(a.status, 401);
    assert!(a.detail().contains("revoked"), "{}", a.detail());
    assert_eq!(h.get("/api/v1/me", &laptop).await.status, 200);
}

#[tokio::test]
async fn api_tokens_are_shown_once_work_and_can_be_revoked() {
    let h = Harness::new().await;
    let session = h.demo("marco").await;
    let created = h.post("/api/v1/tokens", &session, json!({"name": "CRM sync", "expires_in_days": 30})).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let secret = created.body["token"].as_str().expect("secret").to_string();
    let id = created.body["id"].as_str().expect("id").to_string();
    assert!(secret.starts_with("sbt_"));

    let me = h.get("/api/v1/me", &secret).await;
    assert_eq!(me.body["email"], "marco@example.com");

    let list = h.get("/api/v1/tokens", &session).await;
    let items = list.body["items"].as_array().expect("items");
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "CRM sync");
    assert!(items[0].get("token").is_none(), "secrets are never listed");

    // Another agent can neither see nor revoke it.
    let ana = h.demo("ana").await;
    assert_eq!(h.get("/api/v1/tokens", &ana).await.body["items"].as_array().map(Vec::len), Some(0));
    let path = format!("/api/v1/tokens/{id}");
    assert_eq!(h.call(Method::DELETE, &path, Some(&ana), None).await.status, 404);

    assert_eq!(h.call(Method::DELETE, &path, Some(&session), None).await.status, 204);
    assert_eq!(h.get("/api/v1/me", &secret).await.status, 401);
    assert_eq!(h.call(Method::DELETE, &path, Some(&session), None).await.status, 404);
    assert_eq!(h.get("/api/v1/tokens", &session).await.body["items"].as_array().map(Vec::len), Some(0));

    // Expiry of API tokens follows the clock too.
    let short = h.post("/api/v1/tokens", &session, json!({"name": "short", "expires_in_days": 1})).await;
    let short = short.body["token"].as_str().expect("secret").to_string();
    h.clock.advance_secs(86_400);
    assert_eq!(h.get("/api/v1/me", &short).await.status, 401);
}

#[tokio::test]
async fn token_requests_are_validated_field_by_field() {
    let h = Harness::new().await;
    let session = h.demo("ana").await;
    let a = h.post("/api/v1/tokens", &session, json!({"name": " ", "expires_in_days": 0})).await;
    assert_eq!(a.status, 422);
    let fields: Vec<_> = a.body["errors"].as_array().expect("errors").iter().map(|e| e["field"].clone()).collect();
    assert_eq!(fields, [json!("name"), json!("expires_in_days")]);
    assert_eq!(h.get("/api/v1/tokens", &session).await.body["items"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn failed_logins_are_slowed_with_retry_after_and_never_lock_the_owner_out() {
    let h = Harness::new().await;
    for _ in 0..3 {
        assert_eq!(h.try_login("ana@example.com", "wrong").await.status, 401);
    }
    // Slowed: the fourth attempt right away is refused, even with the right password.
    let slowed = h.try_login("ana@example.com", "demo").await;
    assert_eq!(slowed.status, 429);
    assert_eq!(slowed.header("retry-after"), Some("1"));
    assert_eq!(slowed.header("content-type"), Some("application/problem+json"));
    // Other accounts are not affected.
    assert_eq!(h.try_login("marco@example.com", "demo").await.status, 200);

    // Keep failing, waiting out each delay: the wait grows to a minute and stays there.
    for _ in 0..40 {
        h.clock.advance_secs(60);
        assert_eq!(h.try_login("ana@example.com", "wrong").await.status, 401);
    }
    let slowed = h.try_login("ana@example.com", "demo").await;
    assert_eq!(slowed.status, 429);
    assert_eq!(slowed.header("retry-after"), Some("60"));
    assert!(slowed.detail().contains("60 seconds"), "{}", slowed.detail());
    // A minute later the owner is in: no 15-minute lock.
    h.clock.advance_secs(60);
    assert_eq!(h.try_login("ana@example.com", "demo").await.status, 200);
    // Success clears the count: a single new failure is not throttled.
    assert_eq!(h.try_login("ana@example.com", "wrong").await.status, 401);
    assert_eq!(h.try_login("ana@example.com", "demo").await.status, 200);
}

#[tokio::test]
async fn a_one_time_password_must_be_replaced_before_anything_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let h = Harness::open(dir, false).await;
    let first = h.desk.ensure_first_admin().await.expect("creates").expect("first run");
    assert!(h.desk.ensure_first_admin().await.expect("runs").is_none(), "only once");
    let token = h.login(&first.email, &first.password).await;

    let me = h.get("/api/v1/me", &token).await;
    assert_eq!(me.body["must_change_password"], true);
    let blocked = h.get("/api/v1/users", &token).await;
    assert_eq!(blocked.status, 403);
    assert!(blocked.detail().contains("new password"), "{}", blocked.detail());

    let put = |body| h.call(Method::PUT, "/api/v1/me/password", Some(&token), Some(body));
    let short = put(json!({"current_password": first.password, "new_password": "short"})).await;
    assert_eq!(short.status, 422);
    assert_eq!(short.body["errors"][0]["field"], "new_password");
    let wrong = put(json!({"current_password": "not it", "new_password": "a much better one"})).await;
    assert_eq!(wrong.status, 403);
    let ok = put(json!({"current_password": first.password, "new_password": "a much better one"})).await;
    assert_eq!(ok.status, 204, "{}", ok.text);

    assert_eq!(h.get("/api/v1/users", &token).await.status, 200);
    assert_eq!(h.try_login(&first.email, &first.password).await.status, 401);
    assert_eq!(h.try_login(&first.email, "a much better one").await.status, 200);
}

#[tokio::test]
async fn changing_a_password_ends_the_other_sessions() {
    let h = Harness::new().await;
    let here = h.demo("lucia").await;
    let elsewhere = h.demo("lucia").await;
    let body = json!({"current_password": "demo", "new_password": "correct horse battery"});
    assert_eq!(h.call(Method::PUT, "/api/v1/me/password", Some(&here), Some(body)).await.status, 204);
    assert_eq!(h.get("/api/v1/me", &here).await.status, 200);
    assert_eq!(h.get("/api/v1/me", &elsewhere).await.status, 401);
}
