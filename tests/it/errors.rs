//! Bad input of every kind gets a 4xx `application/problem+json` a person can act on.

use crate::common::Harness;
use poem::http::Method;
use serde_json::json;

fn assert_problem(a: &crate::common::Answer, status: u16) {
    assert_eq!(a.status, status, "{}", a.text);
    assert_eq!(a.header("content-type"), Some("application/problem+json"), "{}", a.text);
    assert_eq!(a.body["status"], status);
    assert!(a.body["type"].as_str().is_some_and(|t| t.starts_with("urn:switchboard:problem:")));
    assert!(!a.detail().is_empty());
    assert!(a.header("x-request-id").is_some());
}

#[tokio::test]
async fn malformed_json_is_a_400_problem() {
    let h = Harness::new().await;
    let a =
        h.call_raw(Method::POST, "/api/v1/auth/login", "application/json", r#"{"email": "ana@example.com", "#).await;
    assert_problem(&a, 400);
    assert!(a.detail().starts_with("The request body is not valid"), "{}", a.detail());
}

#[tokio::test]
async fn unknown_fields_are_refused_by_name() {
    let h = Harness::new().await;
    let a = h
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"email": "a@b.c", "password": "x", "remember": true})),
        )
        .await;
    assert_problem(&a, 400);
    assert!(a.detail().contains("remember"), "{}", a.detail());
}

#[tokio::test]
async fn unknown_routes_and_methods_are_problems() {
    let h = Harness::new().await;
    let a = h.call(Method::GET, "/api/v1/nothing-here", None, None).await;
    assert_problem(&a, 404);
    assert!(a.detail().contains("/api/v1/nothing-here"), "{}", a.detail());
    let page = h.call(Method::GET, "/no/such/page.html", None, None).await;
    assert_problem(&page, 404);
    let m = h.call(Method::PUT, "/api/v1/auth/login", None, None).await;
    assert_problem(&m, 405);
}

#[tokio::test]
async fn missing_or_bad_tokens_are_401_problems() {
    let h = Harness::new().await;
    let none = h.call(Method::GET, "/api/v1/me", None, None).await;
    assert_problem(&none, 401);
    assert!(none.detail().contains("Authorization"), "{}", none.detail());
    let bad = h.call(Method::GET, "/api/v1/me", Some("sbs_forged"), None).await;
    assert_problem(&bad, 401);
}

#[tokio::test]
async fn wrong_content_type_is_a_400_and_bad_parameters_are_named_422s() {
    let h = Harness::new().await;
    let a = h.call_raw(Method::POST, "/api/v1/auth/login", "text/plain", "email=a").await;
    assert!(a.status == 400 || a.status == 415, "{}", a.text);
    assert_eq!(a.header("content-type"), Some("application/problem+json"));
    let admin = h.demo("admin").await;
    let p = h.get("/api/v1/users?limit=many", &admin).await;
    assert_problem(&p, 422);
    assert_eq!(p.body["errors"][0]["field"], "limit");
    let p = h.get("/api/v1/users?limit=501", &admin).await;
    assert_problem(&p, 422);
    assert_eq!(p.body["errors"], json!([{"field": "limit", "message": "must be at most 500"}]));
    let p = h.get("/api/v1/reports/conversations?from=2026-02-30&to=2026-03-01&group_by=day", &admin).await;
    assert_problem(&p, 422);
    assert_eq!(p.body["errors"][0]["field"], "from");
    assert!(p.detail().contains("a date like 2026-01-31"), "{}", p.detail());
}

#[tokio::test]
async fn oversized_bodies_are_413_and_change_nothing() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let huge = "x".repeat(2 * 1024 * 1024);
    let body = json!({"email": "big@example.com", "name": huge, "role": "agent", "password": "long enough"});
    let a = h.post("/api/v1/users", &admin, body).await;
    assert_problem(&a, 413);
    assert!(a.detail().contains("1048576"), "{}", a.detail());
    assert_eq!(h.get("/api/v1/users", &admin).await.body["items"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn a_client_request_id_is_echoed_and_otherwise_one_is_made() {
    let h = Harness::new().await;
    let resp = h.client.get("/healthz").header("X-Request-Id", "abc-123").send().await;
    assert_eq!(resp.0.headers().get("x-request-id").and_then(|v| v.to_str().ok()), Some("abc-123"));
    let resp = h.client.get("/healthz").header("X-Request-Id", "bad id with spaces").send().await;
    let made = resp.0.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    assert_eq!(made.len(), 16, "{made}");
}
