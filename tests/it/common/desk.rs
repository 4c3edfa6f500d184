//! A small desk for conversation tests: team Support (Ana, Marco) serving inbox Web and the API
//! inbox; inbox Other served by nobody; a label and two wrap-up reasons.
#![allow(dead_code)]

use serde_json::{Value, json};

use super::Harness;

pub struct Desk {
    pub admin: String,
    pub sup: String,
    pub ana: String,
    pub marco: String,
    pub lucia: String,
    pub ana_id: String,
    pub marco_id: String,
    pub web: String,
    pub api: String,
    pub other: String,
    pub vip: String,
    pub solved: String,
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_string()
}

impl Desk {
    pub async fn new(h: &Harness) -> Desk {
        let admin = h.demo("admin").await;
        let (ana_id, marco_id) = (h.user_id("ana@example.com").await, h.user_id("marco@example.com").await);
        let team =
            id(&h.post("/api/v1/teams", &admin, json!({"name": "Support", "members": [ana_id, marco_id]})).await.body);
        let web = id(&h.post("/api/v1/inboxes", &admin, json!({"name": "Web", "team_ids": [team]})).await.body);
        let api = id(&h
            .post("/api/v1/inboxes", &admin, json!({"name": "WhatsApp bridge", "channel": "api", "team_ids": [team]}))
            .await
            .body);
        let other = id(&h.post("/api/v1/inboxes", &admin, json!({"name": "Other"})).await.body);
        let vip = id(&h.post("/api/v1/labels", &admin, json!({"name": "vip"})).await.body);
        let solved = id(&h.post("/api/v1/wrap-up-reasons", &admin, json!({"name": "Solved"})).await.body);
        Desk {
            sup: h.demo("supervisor").await,
            ana: h.demo("ana").await,
            marco: h.demo("marco").await,
            lucia: h.demo("lucia").await,
            admin,
            ana_id,
            marco_id,
            web,
            api,
            other,
            vip,
            solved,
        }
    }

    /// A bot hand-off into `inbox` for a new contact; returns the conversation.
    pub async fn handoff(&self, h: &Harness, inbox: &str, name: &str, text: &str) -> Value {
        let body = json!({
            "inbox_id": inbox,
            "contact": {"name": name, "email": format!("{}@example.net", name.to_lowercase().replace(' ', "."))},
            "subject": format!("Question from {name}"),
            "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": text}, {"from": "bot", "text": "Let me find a person."}]}
        });
        let a = h.post("/api/v1/conversations", &self.admin, body).await;
        assert_eq!(a.status, 201, "{}", a.text);
        a.body
    }
}

pub fn cid(v: &Value) -> String {
    id(v)
}
