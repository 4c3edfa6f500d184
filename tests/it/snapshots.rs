//! Snapshots of the main response shapes (ids, secrets and times redacted), kept in the
//! top-level `snapshots/` folder. A change of shape shows up as a reviewed diff.

use crate::common::Harness;
use poem::http::Method;
use serde_json::{Value, json};

fn snap(name: &str, value: &Value) {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false, omit_expression => true, sort_maps => true}, {
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
    snap(
        "users_page",
        &h.get("/api/v1/users?limit=2", &admin)
            .await
            .body
            .as_object()
            .map(|o| {
                let mut o = o.clone();
                o.insert("next_cursor".into(), json!("[cursor]"));
                Value::Object(o)
            })
            .expect("object"),
    );

    let created = h.post("/api/v1/tokens", &ana, json!({"name": "CRM", "expires_in_days": 7})).await;
    snap("token_created", &created.body);
    snap("tokens_page", &h.get("/api/v1/tokens", &ana).await.body);

    let invalid =
        h.post("/api/v1/users", &admin, json!({"email": "x", "name": "", "role": "agent", "password": "1"})).await;
    snap("problem_invalid_fields", &invalid.body);
    snap("problem_unauthorized", &h.call(Method::GET, "/api/v1/me", None, None).await.body);
    snap("problem_forbidden", &h.get("/api/v1/users", &ana).await.body);
}

/// Replaces ids, times and hashes anywhere in a value, so snapshots keep only the shape.
fn redact(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let idish = k == "id" || k.ends_with("_id") || k == "reply_to" || k == "sha256" || k == "token";
                    let val = match v {
                        Value::String(_) if idish => json!(format!("[{k}]")),
                        Value::Array(items) if k == "participants" || k == "attachments" || k == "labels" => {
                            Value::Array(items.iter().map(|_| json!("[id]")).collect())
                        }
                        other => redact(other),
                    };
                    (k.clone(), val)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
        Value::String(s)
            if s.len() >= 20 && s.as_bytes().get(4) == Some(&b'-') && s.contains('T') && s.ends_with('Z') =>
        {
            json!("[time]")
        }
        other => other.clone(),
    }
}

fn snap_plain(name: &str, value: &Value) {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false, omit_expression => true, sort_maps => true}, {
        insta::assert_json_snapshot!(name, redact(value));
    });
}

#[tokio::test]
async fn conversation_shapes() {
    let h = Harness::new().await;
    let d = crate::common::desk::Desk::new(&h).await;
    let created = d.handoff(&h, &d.web, "Shape Sam", "Where is my parcel?").await;
    snap_plain("conversation_created", &created);
    let id = created["id"].as_str().expect("id").to_string();
    h.call(Method::POST, &format!("/api/v1/conversations/{id}/assign"), Some(&d.ana), None).await;
    let reply =
        h.post(&format!("/api/v1/conversations/{id}/messages"), &d.ana, json!({"text": "It ships today <3"})).await;
    snap_plain("message_reply", &reply.body);
    snap_plain("conversation_page", &h.get("/api/v1/conversations?view=mine", &d.ana).await.body);
    snap_plain("timeline", &h.get(&format!("/api/v1/conversations/{id}/timeline"), &d.ana).await.body);
    let bulk = h.post("/api/v1/conversations/bulk-close", &d.ana, json!({"ids": [id, "cv_missing"]})).await;
    snap_plain("bulk_close", &bulk.body);
    let token = h.post("/api/v1/tokens", &d.admin, json!({"name": "bridge"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    let receipt = h
        .post(
            &format!("/api/v1/channels/api/{}/messages", d.api),
            &token,
            json!({"contact": {"phone": "+39 333 000 1111"}, "text": "ciao"}),
        )
        .await;
    snap_plain("channel_receipt", &receipt.body);
    snap_plain("problem_conflict", &h.post(&format!("/api/v1/conversations/{id}/close"), &d.sup, json!({})).await.body);
}
