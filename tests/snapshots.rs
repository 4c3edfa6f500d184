//! Snapshots of the main response shapes (ids, secrets and times redacted), kept in the
//! top-level `snapshots/` folder. A change of shape shows up as a reviewed diff.

mod common;

use common::Harness;
use poem::http::Method;
use serde_json::{Value, json};

fn snap(name: &str, value: &Value) {
    insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false, omit_expression => true}, {
        insta::assert_json_snapshot!(name, value, {
            ".token" => "[secret]",
            ".id" => "[id]",
            ".created_at" => "[time]",
            ".updated_at" => "[time]",
            ".expires_at" => "[time]",
            ".last_used_at" => "[time]",
            ".user.id" => "[id]",
            ".user.created_at" => "[time]",
            ".user.updated_at" => "[time]",
            ".items[].id" => "[id]",
            ".items[].created_at" => "[time]",
            ".items[].updated_at" => "[time]",
            ".items[].expires_at" => "[time]",
            ".items[].last_used_at" => "[time]",
        });
    });
}

#[tokio::test]
async fn main_response_shapes() {
    let h = Harness::new().await;
    let login = h.try_login("ana@example.com", "demo").await;
    snap("login", &login.body);
    let ana = login.body["token"].as_str().expect("token").to_string();
    snap("me", &h.get("/api/v1/me", &ana).await.body);

    let admin = h.demo("admin").await;
    snap("users_page", &h.get("/api/v1/users?limit=2", &admin).await.body.as_object().map(|o| {
        let mut o = o.clone();
        o.insert("next_cursor".into(), json!("[cursor]"));
        Value::Object(o)
    }).expect("object"));

    let created = h.post("/api/v1/tokens", &ana, json!({"name": "CRM", "expires_in_days": 7})).await;
    snap("token_created", &created.body);
    snap("tokens_page", &h.get("/api/v1/tokens", &ana).await.body);

    let invalid = h.post("/api/v1/users", &admin, json!({"email": "x", "name": "", "role": "agent", "password": "1"})).await;
    snap("problem_invalid_fields", &invalid.body);
    snap("problem_unauthorized", &h.call(Method::GET, "/api/v1/me", None, None).await.body);
    snap("problem_forbidden", &h.get("/api/v1/users", &ana).await.body);
}
