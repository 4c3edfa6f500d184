//! The customer API (F33, F31): a customer token sees only its own conversation and only what
//! customers may see, from allowed origins only, within its rate limits; signed identities join
//! their history and nothing else; typing goes both ways without being stored; ratings reach
//! the timeline and the reports.

use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use poem::http::Method;
use poem::test::{TestForm, TestFormField};
use serde_json::{Value, json};

use crate::common::desk::Desk;
use crate::common::{Answer, Harness};

const W: &str = "/api/widget/v1";

/// A customer call with a token and optional origin.
pub(crate) async fn call(
    h: &Harness,
    method: Method,
    path: &str,
    token: Option<&str>,
    origin: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut req = h.client.request(method, format!("{W}{path}"));
    if let Some(t) = token {
        req = req.header("X-Customer-Token", t);
    }
    if let Some(o) = origin {
        req = req.header("Origin", o);
    }
    if let Some(b) = body {
        req = req.body_json(&b);
    }
    let resp = req.send().await.0;
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    let text = resp.into_body().into_string().await.expect("body");
    Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

/// Starts a session in `inbox`; returns the token.
pub(crate) async fn session(h: &Harness, inbox: &str, body: Value) -> String {
    let mut b = body;
    b["inbox_id"] = json!(inbox);
    let a = call(h, Method::POST, "/sessions", None, None, Some(b)).await;
    assert_eq!(a.status, 201, "{}", a.text);
    a.body["token"].as_str().expect("token").to_string()
}

/// Sends a customer message; returns the answer body.
pub(crate) async fn say(h: &Harness, token: &str, text: &str) -> Value {
    let a = call(h, Method::POST, "/messages", Some(token), None, Some(json!({"text": text}))).await;
    assert_eq!(a.status, 201, "{}", a.text);
    a.body
}

/// A reader of an event stream that keeps id-less (typing) events too.
pub(crate) struct Stream(BoxStream<'static, Result<Vec<u8>, std::io::Error>>, String);

impl Stream {
    pub(crate) async fn open(h: &Harness, path: &str, header: (&str, &str)) -> Stream {
        let resp = h.client.get(path).header(header.0, header.1).send().await.0;
        assert_eq!(resp.status().as_u16(), 200);
        Stream(resp.into_body().into_bytes_stream().map(|r| r.map(|b| b.to_vec())).boxed(), String::new())
    }

    /// Events (name, data) until one matches `stop`; panics after 5 s of quiet.
    pub(crate) async fn until(&mut self, stop: impl Fn(&str, &Value) -> bool) -> Vec<(String, Value)> {
        let mut out = Vec::new();
        loop {
            if let Some(end) = self.1.find("\n\n") {
                let block: String = self.1.drain(..end + 2).collect();
                let (mut name, mut data) = (String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                let v: Value = serde_json::from_str(&data).expect("JSON data");
                let done = stop(&name, &v);
                out.push((name, v));
                if done {
                    return out;
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(5), self.0.next())
                .await
                .unwrap_or_else(|_| panic!("stream went quiet after {out:#?}"))
                .expect("stream open")
                .expect("chunk");
            self.1.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

#[tokio::test]
async fn a_customer_sees_only_their_own_conversation_and_never_notes_events_or_agent_fields() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let alice = session(&h, &d.web, json!({"name": "Alice", "email": "alice@example.org"})).await;
    let bob = session(&h, &d.web, json!({"name": "Bob"})).await;
    let first = say(&h, &alice, "my order is late").await;
    let conv = first["conversation"]["id"].as_str().expect("id").to_string();
    let bobs = say(&h, &bob, "hello from bob").await["conversation"]["id"].as_str().expect("id").to_string();
    assert_ne!(conv, bobs);

    // Ana takes Alice's conversation, writes a note and a reply, and the system logs events.
    let base = format!("/api/v1/conversations/{conv}");
    assert_eq!(h.post(&format!("{base}/assign"), &d.ana, json!({})).await.status, 200);
    let note =
        h.post(&format!("{base}/messages"), &d.ana, json!({"kind": "note", "text": "VIP, refund quietly"})).await;
    assert_eq!(note.status, 201, "{}", note.text);
    assert_eq!(h.post(&format!("{base}/messages"), &d.ana, json!({"text": "It ships today"})).await.status, 201);

    let list = call(&h, Method::GET, &format!("/conversations/{conv}/messages"), Some(&alice), None, None).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.body["items"].as_array().expect("items");
    let texts: Vec<&str> = items.iter().map(|m| m["text"].as_str().unwrap_or("")).collect();
    assert_eq!(texts, ["my order is late", "It ships today"], "no note, no system entry");
    assert_eq!(items[1]["from"], "agent");
    assert_eq!(items[1]["author_name"], "Ana", "the agent's first name only");
    assert!(!list.text.contains(&d.ana_id), "no agent id anywhere: {}", list.text);
    assert!(!list.text.contains("VIP"), "{}", list.text);

    let state = call(&h, Method::GET, "/session", Some(&alice), None, None).await;
    assert_eq!(state.body["conversation"]["id"], json!(conv));
    assert_eq!(state.body["conversation"]["agent_name"], "Ana");
    assert!(state.body["conversation"].get("assignee_id").is_none(), "{}", state.text);

    // Every endpoint that names a conversation refuses another customer's with a 404.
    for (method, path, body) in [
        (Method::GET, format!("/conversations/{conv}"), None),
        (Method::GET, format!("/conversations/{conv}/messages"), None),
        (Method::POST, format!("/conversations/{conv}/typing"), Some(json!({"active": true}))),
        (Method::POST, format!("/conversations/{conv}/rating"), Some(json!({"score": 5}))),
    ] {
        let a = call(&h, method.clone(), &path, Some(&bob), None, body).await;
        assert_eq!(a.status, 404, "{method} {path}: {}", a.text);
    }
    // Staff tokens are not customer tokens, and a made-up token is a 401.
    assert_eq!(call(&h, Method::GET, "/session", Some(&d.admin), None, None).await.status, 401);
    assert_eq!(call(&h, Method::GET, "/session", None, None, None).await.status, 401);
    // A customer token is not a staff token either.
    assert_eq!(h.get(&base, &alice).await.status, 401);
    // The API channel is not a live-chat inbox; unknown inboxes are 404.
    assert_eq!(call(&h, Method::GET, &format!("/inboxes/{}", d.api), None, None, None).await.status, 404);
    assert_eq!(
        call(&h, Method::POST, "/sessions", None, None, Some(json!({"inbox_id": "inb_nope"}))).await.status,
        404
    );
}

#[tokio::test]
async fn files_follow_the_agents_limits_and_a_notes_file_never_reaches_the_customer() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let alice = session(&h, &d.web, json!({"name": "Alice"})).await;
    let upload = |bytes: Vec<u8>, name: &'static str, mime: &'static str| {
        let form = TestForm::new().field(TestFormField::bytes(bytes).name("file").filename(name).content_type(mime));
        h.client.post(format!("{W}/attachments")).header("X-Customer-Token", alice.clone()).multipart(form).send()
    };
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec();
    let ok = upload(pdf.clone(), "invoice.pdf", "application/pdf").await.0;
    assert_eq!(ok.status().as_u16(), 201);
    let att: Value = serde_json::from_str(&ok.into_body().into_string().await.expect("body")).expect("json");
    let sent = call(
        &h,
        Method::POST,
        "/messages",
        Some(&alice),
        None,
        Some(json!({"text": "", "attachment_ids": [att["id"]]})),
    )
    .await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_eq!(sent.body["message"]["attachments"][0]["name"], "invoice.pdf");

    h.call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(json!({"allowed_upload_types": ["image/*"]}))).await;
    let refused = upload(pdf.clone(), "again.pdf", "application/pdf").await.0;
    assert_eq!(refused.status().as_u16(), 415);
    let detail = refused.into_body().into_string().await.expect("body");
    assert!(detail.contains("type_not_allowed"), "{detail}");
    let small = json!({"allowed_upload_types": ["application/pdf"], "max_upload_bytes": 1024});
    assert_eq!(h.call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(small)).await.status, 200);
    let mut padded = pdf.clone();
    padded.extend(std::iter::repeat_n(b'%', 2000));
    let big = upload(padded, "big.pdf", "application/pdf").await.0;
    assert_eq!(big.status().as_u16(), 413);

    // An agent's file in an internal note stays with the agents.
    let conv = sent.body["conversation"]["id"].as_str().expect("id").to_string();
    h.call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(json!({"max_upload_bytes": 1_000_000}))).await;
    let form = TestForm::new()
        .field(TestFormField::bytes(b"secret notes".to_vec()).name("file").filename("n.txt").content_type("text/plain"))
        .text("kind", "document");
    h.call(
        Method::PATCH,
        "/api/v1/settings",
        Some(&d.admin),
        Some(json!({"allowed_upload_types": ["application/pdf", "text/plain"]})),
    )
    .await;
    let resp = h
        .client
        .post("/api/v1/attachments")
        .header("Authorization", format!("Bearer {}", d.admin))
        .multipart(form)
        .send()
        .await
        .0;
    assert_eq!(resp.status().as_u16(), 201);
    let secret: Value = serde_json::from_str(&resp.into_body().into_string().await.expect("body")).expect("json");
    let note = json!({"kind": "note", "text": "see file", "attachments": [secret["id"]]});
    assert_eq!(h.post(&format!("/api/v1/conversations/{conv}/messages"), &d.admin, note).await.status, 201);
    let get = call(
        &h,
        Method::GET,
        &format!("/attachments/{}", secret["id"].as_str().expect("id")),
        Some(&alice),
        None,
        None,
    )
    .await;
    assert_eq!(get.status, 404, "{}", get.text);
    let own =
        call(&h, Method::GET, &format!("/attachments/{}", att["id"].as_str().expect("id")), Some(&alice), None, None)
            .await;
    assert_eq!(own.status, 200);
}

#[tokio::test]
async fn cors_and_origins_follow_the_inbox_settings() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let shop = "https://shop.example.com";
    let preflight = |origin: &'static str| {
        h.client
            .request(Method::OPTIONS, format!("{W}/sessions"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .send()
    };
    assert_eq!(preflight("https://shop.example.com").await.0.status().as_u16(), 403, "no inbox allows it yet");

    let patch = json!({"widget": {"allowed_origins": ["https://Shop.example.com/"], "color": "#10b981"}});
    let a = h.call(Method::PATCH, &format!("/api/v1/inboxes/{}", d.web), Some(&d.admin), Some(patch)).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.body["widget"]["allowed_origins"], json!([shop]), "normalised");
    let ok = preflight("https://shop.example.com").await.0;
    assert_eq!(ok.status().as_u16(), 204);
    assert_eq!(ok.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok()), Some(shop));
    assert!(
        ok.headers()
            .get("access-control-allow-headers")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .contains("x-customer-token")
    );

    let got = call(&h, Method::GET, &format!("/inboxes/{}", d.web), None, Some(shop), None).await;
    assert_eq!(got.status, 200, "{}", got.text);
    assert_eq!(got.header("access-control-allow-origin"), Some(shop));
    assert_eq!(got.body["color"], "#10b981");
    // Refusals are problem+json that the widget on the allowed site may read.
    let missing = call(&h, Method::GET, "/session", None, Some(shop), None).await;
    assert_eq!(missing.status, 401, "{}", missing.text);
    assert_eq!(missing.header("content-type"), Some("application/problem+json"));
    assert_eq!(missing.header("access-control-allow-origin"), Some(shop));
    assert!(missing.detail().contains("X-Customer-Token"), "{}", missing.text);
    // Another site, and an allowed site on another inbox, are refused.
    let evil =
        call(&h, Method::POST, "/sessions", None, Some("https://evil.example"), Some(json!({"inbox_id": d.web}))).await;
    assert_eq!(evil.status, 403, "{}", evil.text);
    assert!(evil.header("access-control-allow-origin").is_none());
    let other = call(&h, Method::GET, &format!("/inboxes/{}", d.other), None, Some(shop), None).await;
    assert_eq!(other.status, 403, "allowed for Web only: {}", other.text);
    // A token taken to a page on another site stops working there.
    let token = session(&h, &d.web, json!({})).await;
    assert_eq!(call(&h, Method::GET, "/session", Some(&token), Some("https://evil.example"), None).await.status, 403);
    assert_eq!(call(&h, Method::GET, "/session", Some(&token), Some(shop), None).await.status, 200);
    // Bad settings are refused and change nothing.
    let bad = json!({"widget": {"allowed_origins": ["shop.example.com/path"]}});
    let a = h.call(Method::PATCH, &format!("/api/v1/inboxes/{}", d.web), Some(&d.admin), Some(bad)).await;
    assert_eq!(a.status, 422, "{}", a.text);
    assert_eq!(
        h.get(&format!("/api/v1/inboxes/{}", d.web), &d.admin).await.body["widget"]["allowed_origins"],
        json!([shop])
    );
    let api = h
        .call(
            Method::PATCH,
            &format!("/api/v1/inboxes/{}", d.api),
            Some(&d.admin),
            Some(json!({"widget": {"color": "#000000"}})),
        )
        .await;
    assert_eq!(api.status, 422, "{}", api.text);
}

#[tokio::test]
async fn sessions_and_messages_are_rate_limited_with_retry_after() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    // The test client has no address: all its sessions share one key.
    for _ in 0..10 {
        session(&h, &d.web, json!({})).await;
    }
    let eleventh = call(&h, Method::POST, "/sessions", None, None, Some(json!({"inbox_id": d.web}))).await;
    assert_eq!(eleventh.status, 429, "{}", eleventh.text);
    let wait: i64 = eleventh.header("retry-after").and_then(|v| v.parse().ok()).expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    h.clock.advance_secs(61);
    let token = session(&h, &d.web, json!({})).await;
    for i in 0..20 {
        say(&h, &token, &format!("message {i}")).await;
    }
    let over = call(&h, Method::POST, "/messages", Some(&token), None, Some(json!({"text": "one too many"}))).await;
    assert_eq!(over.status, 429, "{}", over.text);
    assert!(over.header("retry-after").is_some());
    let conv = call(&h, Method::GET, "/session", Some(&token), None, None).await.body["conversation"]["id"].clone();
    let n = call(
        &h,
        Method::GET,
        &format!("/conversations/{}/messages?limit=200", conv.as_str().expect("id")),
        Some(&token),
        None,
        None,
    )
    .await;
    assert_eq!(n.body["items"].as_array().map(Vec::len), Some(20), "the refused message was not stored");
}

#[tokio::test]
async fn signed_identities_join_their_history_and_bad_signatures_are_refused() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let unsigned = call(
        &h,
        Method::POST,
        "/sessions",
        None,
        None,
        Some(json!({"inbox_id": d.web, "customer_id": "c-42", "customer_signature": "00"})),
    )
    .await;
    assert_eq!(unsigned.status, 422, "no secret yet: {}", unsigned.text);
    let made = h.post(&format!("/api/v1/inboxes/{}/widget_secret", d.web), &d.admin, json!({})).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let secret = made.body["secret"].as_str().expect("secret").to_string();
    assert_eq!(h.post(&format!("/api/v1/inboxes/{}/widget_secret", d.web), &d.ana, json!({})).await.status, 403);
    assert_eq!(
        h.get(&format!("/api/v1/inboxes/{}", d.web), &d.admin).await.body["widget"]["identity_secret_set"],
        true
    );
    let sig = hex_hmac(secret.as_bytes(), b"c-42");

    let phone = session(&h, &d.web, json!({"customer_id": "c-42", "customer_signature": sig, "name": "Carla"})).await;
    let conv = say(&h, &phone, "from my phone").await["conversation"]["id"].clone();
    let laptop = session(&h, &d.web, json!({"customer_id": "c-42", "customer_signature": sig.to_uppercase()})).await;
    let state = call(&h, Method::GET, "/session", Some(&laptop), None, None).await;
    assert_eq!(state.body["conversation"]["id"], conv, "the same history on another device");
    assert_eq!(state.body["contact"]["name"], "Carla");

    for (body, why) in [
        (json!({"customer_id": "c-42", "customer_signature": hex_hmac(b"wrong", b"c-42")}), "wrong key"),
        (json!({"customer_id": "c-43", "customer_signature": sig}), "another id"),
        (json!({"customer_id": "c-42"}), "missing"),
    ] {
        let mut b = body;
        b["inbox_id"] = json!(d.web);
        let a = call(&h, Method::POST, "/sessions", None, None, Some(b)).await;
        assert_eq!(a.status, 422, "{why}: {}", a.text);
        assert_eq!(a.body["errors"][0]["field"], "customer_signature", "{why}");
    }
    // A typed email never joins the history of the contact who has it.
    let stranger = session(&h, &d.web, json!({"email": "alice@example.org"})).await;
    let first = session(&h, &d.web, json!({"email": "alice@example.org"})).await;
    say(&h, &first, "private words").await;
    let seen = call(&h, Method::GET, "/session", Some(&stranger), None, None).await;
    assert!(seen.body.get("conversation").is_none(), "{}", seen.text);
}

/// HMAC-SHA256 written out from its definition (RFC 2104), independent of the server's.
pub(crate) fn hex_hmac(key: &[u8], msg: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let inner: Vec<u8> = k.iter().map(|b| b ^ 0x36).chain(msg.iter().copied()).collect();
    let ih = Sha256::digest(&inner);
    let outer: Vec<u8> = k.iter().map(|b| b ^ 0x5c).chain(ih.iter().copied()).collect();
    Sha256::digest(&outer).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_supervisor_ends_a_contacts_chat_sessions_everywhere() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let token = session(&h, &d.web, json!({"name": "Troll"})).await;
    say(&h, &token, "spam").await;
    let contact =
        h.get("/api/v1/contacts?q=Troll", &d.sup).await.body["items"][0]["id"].as_str().expect("contact").to_string();
    assert_eq!(
        h.call(Method::DELETE, &format!("/api/v1/contacts/{contact}/chat_sessions"), Some(&d.ana), None).await.status,
        403
    );
    let ended = h.call(Method::DELETE, &format!("/api/v1/contacts/{contact}/chat_sessions"), Some(&d.sup), None).await;
    assert_eq!((ended.status, ended.body["revoked"].as_u64()), (200, Some(1)), "{}", ended.text);
    let after = call(&h, Method::POST, "/messages", Some(&token), None, Some(json!({"text": "more spam"}))).await;
    assert_eq!(after.status, 401, "{}", after.text);
    // Ending one's own session works the same way.
    let other = session(&h, &d.web, json!({})).await;
    assert_eq!(call(&h, Method::DELETE, "/session", Some(&other), None, None).await.status, 204);
    assert_eq!(call(&h, Method::GET, "/session", Some(&other), None, None).await.status, 401);
}
