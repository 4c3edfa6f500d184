//! User administration: role checks, validation, conflicts, deactivation and paging.

use crate::common::Harness;
use poem::http::Method;
use serde_json::json;

#[tokio::test]
async fn agents_get_403_and_supervisors_may_only_read() {
    let h = Harness::new().await;
    let agent = h.demo("ana").await;
    let sup = h.demo("supervisor").await;
    let new_user = json!({"email": "new@example.com", "name": "New", "role": "agent", "password": "long enough"});

    let a = h.get("/api/v1/users", &agent).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.body["type"], "urn:switchboard:problem:forbidden");
    assert_eq!(h.post("/api/v1/users", &agent, new_user.clone()).await.status, 403);

    let list = h.get("/api/v1/users", &sup).await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body["items"].as_array().map(Vec::len), Some(5));
    assert_eq!(h.post("/api/v1/users", &sup, new_user.clone()).await.status, 403);

    // Nothing was created by the refused calls.
    let admin = h.demo("admin").await;
    assert_eq!(h.get("/api/v1/users", &admin).await.body["items"].as_array().map(Vec::len), Some(5));
}

#[tokio::test]
async fn an_admin_creates_a_user_who_can_then_sign_in() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let body = json!({"email": "Giulia@Example.com", "name": "  Giulia Rossi ", "role": "supervisor", "password": "benvenuta!", "capacity": 8});
    let a = h.post("/api/v1/users", &admin, body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    assert_eq!(a.body["email"], "giulia@example.com");
    assert_eq!(a.body["name"], "Giulia Rossi");
    assert_eq!(a.body["capacity"], 8);
    assert_eq!(a.body["status"], "offline");
    assert_eq!(h.try_login("giulia@example.com", "benvenuta!").await.status, 200);

    let again = h
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": "giulia@example.com", "name": "G", "role": "agent", "password": "whatever1"}),
        )
        .await;
    assert_eq!(again.status, 409);
    assert!(again.detail().contains("already exists"), "{}", again.detail());
}

#[tokio::test]
async fn invalid_fields_are_all_listed_and_nothing_is_written() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let a = h
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": "not-an-email", "name": "", "role": "agent", "password": "short", "capacity": 0}),
        )
        .await;
    assert_eq!(a.status, 422);
    assert_eq!(a.body["type"], "urn:switchboard:problem:invalid-fields");
    let fields: Vec<_> = a.body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(fields, ["email", "name", "password", "capacity"]);
    assert_eq!(h.get("/api/v1/users", &admin).await.body["items"].as_array().map(Vec::len), Some(5));

    let bad_role = h
        .post(
            "/api/v1/users",
            &admin,
            json!({"email": "x@example.com", "name": "X", "role": "root", "password": "long enough"}),
        )
        .await;
    assert_eq!(bad_role.status, 422);
    assert_eq!(bad_role.body["errors"][0]["field"], "role");
    assert!(bad_role.detail().contains("root"), "{}", bad_role.detail());
}

#[tokio::test]
async fn deactivating_a_user_revokes_every_token_at_once() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let marco = h.demo("marco").await;
    let api = h.post("/api/v1/tokens", &marco, json!({"name": "bridge"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    let id = h.user_id("marco@example.com").await;

    let a = h.call(Method::DELETE, &format!("/api/v1/users/{id}"), Some(&admin), None).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["active"], false);
    for token in [&marco, &api] {
        let r = h.get("/api/v1/me", token).await;
        assert_eq!(r.status, 401);
    }
    assert_eq!(h.try_login("marco@example.com", "demo").await.status, 401);

    // Reactivation lets them sign in again, but old tokens stay dead.
    let back = h.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&admin), Some(json!({"active": true}))).await;
    assert_eq!(back.body["active"], true);
    assert_eq!(h.get("/api/v1/me", &api).await.status, 401);
    assert_eq!(h.try_login("marco@example.com", "demo").await.status, 200);
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_or_deactivated() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let me = h.get("/api/v1/me", &admin).await.body["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/users/{me}");

    let demote = h.call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "agent"}))).await;
    assert_eq!(demote.status, 409);
    assert!(demote.detail().contains("last active admin"), "{}", demote.detail());
    let self_off = h.call(Method::DELETE, &path, Some(&admin), None).await;
    assert_eq!(self_off.status, 409);
    assert!(self_off.detail().contains("yourself"), "{}", self_off.detail());
    assert_eq!(h.get("/api/v1/me", &admin).await.body["role"], "admin");

    // With a second admin the demotion goes through.
    let sup_id = h.user_id("supervisor@example.com").await;
    let promote =
        h.call(Method::PATCH, &format!("/api/v1/users/{sup_id}"), Some(&admin), Some(json!({"role": "admin"}))).await;
    assert_eq!(promote.status, 200);
    assert_eq!(h.call(Method::PATCH, &path, Some(&admin), Some(json!({"role": "agent"}))).await.status, 200);
}

#[tokio::test]
async fn an_admin_password_reset_ends_the_users_sessions() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let ana = h.demo("ana").await;
    let id = h.user_id("ana@example.com").await;
    let a = h
        .call(
            Method::PATCH,
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(json!({"password": "reset-by-admin", "must_change_password": true})),
        )
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["must_change_password"], true);
    assert_eq!(h.get("/api/v1/me", &ana).await.status, 401);
    assert_eq!(h.try_login("ana@example.com", "reset-by-admin").await.status, 200);
}

#[tokio::test]
async fn unknown_users_are_404_and_lists_page_with_cursors() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    assert_eq!(h.get("/api/v1/users/usr_nope", &admin).await.status, 404);
    assert_eq!(
        h.call(Method::PATCH, "/api/v1/users/usr_nope", Some(&admin), Some(json!({"name": "x"}))).await.status,
        404
    );

    let mut seen = Vec::new();
    let mut path = "/api/v1/users?limit=2".to_string();
    loop {
        let page = h.get(&path, &admin).await;
        assert_eq!(page.status, 200);
        let items = page.body["items"].as_array().expect("items");
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|u| u["email"].as_str().unwrap_or("").to_string()));
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/users?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["admin@example.com", "supervisor@example.com", "ana@example.com", "marco@example.com", "lucia@example.com"]
    );
    assert_eq!(h.get("/api/v1/users?limit=0", &admin).await.status, 422);
    assert_eq!(h.get("/api/v1/users?limit=501", &admin).await.status, 422);
}
