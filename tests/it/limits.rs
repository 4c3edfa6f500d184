//! Issue 15, the input side: attacks through the API that must fail (huge phones, forged
//! log lines, guess bursts, forged hand-offs, probing hidden things, unbounded text) and the
//! secret answers the idempotency layer must never store. Each test performs the attack,
//! bounded in count and size, and asserts what a user or operator would notice.

use serde_json::json;

use crate::common::Harness;
use crate::common::desk::Desk;

/// The bytes of the data folder (the database file grows in steps of pages).
fn folder_bytes(h: &Harness) -> u64 {
    std::fs::read_dir(h.dir.path())
        .expect("data folder")
        .filter_map(|e| e.ok()?.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

#[tokio::test]
async fn a_phone_of_thousands_of_digits_is_refused_and_writes_nothing() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let before = folder_bytes(&h);
    let long = "1".repeat(5_006);
    let contact = h.post("/api/v1/contacts", &d.ana, json!({"name": "Long", "phone": long})).await;
    assert_eq!(contact.status, 422, "{}", contact.text);
    assert!(contact.text.contains("phone must be at most 40 characters"), "{}", contact.text);
    let contact =
        h.post("/api/v1/contacts", &d.ana, json!({"name": "Many", "phone": format!("+{}", "1".repeat(21))})).await;
    assert_eq!(contact.status, 422, "{}", contact.text);
    assert!(contact.text.contains("phone must hold 5 to 20 digits"), "{}", contact.text);

    let bridge = h.post("/api/v1/tokens", &d.admin, json!({"name": "bridge"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    let path = format!("/api/v1/channels/api/{}/messages", d.api);
    let pushed = h.post(&path, &bridge, json!({"contact": {"phone": "9".repeat(5_006)}, "text": "hi"})).await;
    assert!(pushed.status == 422 || pushed.status == 400, "{} {}", pushed.status, pushed.text);
    let handoff = json!({
        "inbox_id": d.web, "contact": {"name": "Bot", "phone": "7".repeat(500)},
        "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "hi"}]}
    });
    let created = h.post("/api/v1/conversations", &d.admin, handoff).await;
    assert!(created.status == 422 || created.status == 400, "{} {}", created.status, created.text);
    assert!(
        folder_bytes(&h) <= before + 64 * 1024,
        "the refused phones grew the folder from {before} to {} bytes",
        folder_bytes(&h)
    );

    // The longest phone allowed is found by any run of its last digits.
    let ok = h.post("/api/v1/contacts", &d.ana, json!({"name": "Ok", "phone": "+39 02 1234 5678 9012 3456"})).await;
    assert_eq!(ok.status, 201, "20 digits are accepted: {}", ok.text);
    let found = h.get("/api/v1/contacts?q=345678", &d.ana).await;
    assert_eq!(found.body["items"].as_array().map(Vec::len), Some(1), "{}", found.text);
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Issue 15, item 8: sign-in emails are bounded and logged escaped.
#[tokio::test]
async fn sign_in_emails_are_bounded_and_cannot_forge_log_lines() {
    let h = Harness::new().await;
    let long = format!("{}@example.com", "a".repeat(300));
    let refused = h.try_login(&long, "demo").await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert!(refused.text.contains("email must be at most 254 characters"), "{}", refused.text);

    // The failed sign-in's log call site is registered now, before the capturing subscriber
    // exists: registered by another test while `set_default` runs, tracing could cache it as
    // disabled (a race between parallel tests), and the line would never reach this test.
    assert_eq!(h.try_login("warm-up@example.com", "wrong").await.status, 401);
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let forged = "evil@example.com\n2026-01-05T09:00:00Z  INFO admin signed in\u{1b}[2J";
    assert_eq!(h.try_login(forged, "wrong").await.status, 401);
    let log = String::from_utf8(captured.0.lock().map(|b| b.clone()).unwrap_or_default()).expect("utf-8");
    let line = log.lines().find(|l| l.contains("failed sign-in")).unwrap_or_else(|| panic!("no log line in {log:?}"));
    assert!(line.contains(r"evil@example.com\n2026"), "the line break is escaped: {line}");
    assert!(!log.contains('\u{1b}'), "no terminal escape reaches the log: {log:?}");
    assert_eq!(log.lines().filter(|l| l.contains("admin signed in")).count(), 1, "one line, not two: {log}");
}

/// Issue 15, item 6: concurrent guesses at one account are checked at most as the policy says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_concurrent_guesses_check_at_most_one_password() {
    let h = std::sync::Arc::new(Harness::new().await);
    let before = h.desk.password_checks();
    let guesses = (0..60).map(|n| {
        let h = h.clone();
        tokio::spawn(async move { h.try_login("admin@example.com", &format!("guess {n}")).await.status })
    });
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.expect("guess ran"));
    }
    let checked = h.desk.password_checks() - before;
    let refused = statuses.iter().filter(|s| **s == 429).count();
    assert!(checked <= 3, "{checked} passwords checked (the policy allows 3 before slowing)");
    assert_eq!(refused + checked as usize, 60, "every other guess is refused: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == 401 || *s == 429), "{statuses:?}");
    // The owner is slowed, never locked out: once the wait is over the right password works.
    h.clock.advance_secs(60);
    assert_eq!(h.try_login("admin@example.com", "demo").await.status, 200);
}

/// Issue 15, item 5: every answer that carries a secret is one the idempotency layer never
/// stores (so a new operation with a secret cannot be forgotten in the list).
#[test]
fn every_answer_with_a_secret_is_listed_as_never_stored() {
    let spec: serde_json::Value = serde_json::from_str(&switchboard::api::spec_json()).expect("the spec is JSON");
    let schemas = &spec["components"]["schemas"];
    let secret_name = |n: &str| ["token", "secret", "password"].contains(&n) || n.ends_with("_secret");
    fn props<'a>(schemas: &'a serde_json::Value, s: &'a serde_json::Value, out: &mut Vec<&'a str>, depth: u8) {
        let s = match s["$ref"].as_str() {
            Some(r) => &schemas[r.trim_start_matches("#/components/schemas/")],
            None => s,
        };
        if depth > 4 {
            return;
        }
        if let Some(p) = s["properties"].as_object() {
            for (k, v) in p {
                out.push(k);
                props(schemas, v, out, depth + 1);
            }
        }
        props_items(schemas, &s["items"], out, depth);
    }
    fn props_items<'a>(schemas: &'a serde_json::Value, s: &'a serde_json::Value, out: &mut Vec<&'a str>, depth: u8) {
        if !s.is_null() {
            props(schemas, s, out, depth + 1);
        }
    }
    let mut found = Vec::new();
    for (path, ops) in spec["paths"].as_object().expect("paths") {
        for (method, op) in ops.as_object().expect("operations") {
            for (code, resp) in op["responses"].as_object().into_iter().flatten() {
                if !code.starts_with('2') {
                    continue;
                }
                let mut names = Vec::new();
                for (media, content) in resp["content"].as_object().into_iter().flatten() {
                    if media.starts_with("application/json") {
                        props(schemas, &content["schema"], &mut names, 0);
                    }
                }
                if names.iter().any(|n| secret_name(n)) {
                    found.push((method.to_uppercase(), path.clone()));
                }
            }
        }
    }
    let mut listed: Vec<(String, String)> =
        switchboard::http::SECRET_ANSWERS.iter().map(|(m, p)| (m.to_string(), p.to_string())).collect();
    listed.sort();
    found.sort();
    assert_eq!(found, listed);
}

/// Issue 15, item 9: hand-offs need the inbox (or an integration's token) and keep the
/// message limits.
#[tokio::test]
async fn hand_offs_need_the_inbox_and_keep_the_message_limits() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let handoff = |inbox: &str, bot: String, lines: Vec<serde_json::Value>| {
        json!({"inbox_id": inbox, "contact": {"name": "Forged"},
               "handoff": {"bot_name": bot, "transcript": lines}})
    };
    let line = |text: String| json!({"from": "customer", "text": text});
    let forged =
        h.post("/api/v1/conversations", &d.ana, handoff(&d.other, "Bot".into(), vec![line("hi".into())])).await;
    assert_eq!(forged.status, 403, "{}", forged.text);
    assert!(forged.detail().contains("do not serve this inbox"), "{}", forged.text);

    let token = |owner: String| {
        let h = &h;
        async move {
            let made = h.post("/api/v1/tokens", &owner, json!({"name": "bridge"})).await;
            made.body["token"].as_str().expect("token").to_string()
        }
    };
    let own = token(d.ana.clone()).await;
    let minted = h.post("/api/v1/conversations", &own, handoff(&d.other, "Bot".into(), vec![line("hi".into())])).await;
    assert_eq!(minted.status, 403, "an agent's own API token is still the agent: {}", minted.text);
    let bridge = token(d.sup.clone()).await;
    let by_token =
        h.post("/api/v1/conversations", &bridge, handoff(&d.other, "Bot".into(), vec![line("hi".into())])).await;
    assert_eq!(by_token.status, 201, "a supervisor's integration hands over to any inbox: {}", by_token.text);
    let id = by_token.body["id"].as_str().expect("the id of what was created");
    assert_eq!(h.get(&format!("/api/v1/conversations/{id}"), &d.ana).await.status, 404, "still hidden from Ana");

    for (body, field) in [
        (handoff(&d.web, "B".repeat(1_000_000), vec![line("hi".into())]), "bot_name"),
        (handoff(&d.web, "Bot".into(), vec![line("x".repeat(200_000))]), "text"),
        (handoff(&d.web, "Bot".into(), (0..201).map(|n| line(format!("line {n}"))).collect()), "transcript"),
        (handoff(&d.web, "Bot".into(), vec![line("   ".into())]), "text"),
    ] {
        let a = h.post("/api/v1/conversations", &d.ana, body).await;
        assert_eq!(a.status, 422, "{field}: {}", &a.text[..a.text.len().min(300)]);
        assert!(a.text.contains(field), "{field}: {}", &a.text[..a.text.len().min(300)]);
    }
    let settings = json!({"max_message_chars": 100});
    assert_eq!(h.call(poem::http::Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(settings)).await.status, 200);
    let long =
        h.post("/api/v1/conversations", &d.ana, handoff(&d.web, "Bot".into(), vec![line("y".repeat(101))])).await;
    assert_eq!(long.status, 422);
    assert!(long.detail().contains("line 1 is longer than the workspace's 100 characters"), "{}", long.text);
}

/// Issue 15, item 10: refusals do not confirm what the caller cannot see.
#[tokio::test]
async fn refusals_do_not_confirm_hidden_conversations_or_canned_responses() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let own = json!({"inbox_id": d.web, "contact": {"name": "Private"}, "subject": "Marco's own"});
    let private = crate::common::desk::cid(&h.post("/api/v1/conversations", &d.marco, own).await.body);
    for action in ["assign", "accept", "decline"] {
        let a = h.post(&format!("/api/v1/conversations/{private}/{action}"), &d.ana, json!({})).await;
        assert_eq!(a.status, 404, "{action} on a conversation Ana never saw: {}", a.text);
    }
    // A race's loser still hears what happened to a conversation she saw queued.
    let queued = crate::common::desk::cid(&d.handoff(&h, &d.web, "Queued", "hello").await);
    assert_eq!(h.post(&format!("/api/v1/conversations/{queued}/assign"), &d.marco, json!({})).await.status, 200);
    let lost = h.post(&format!("/api/v1/conversations/{queued}/assign"), &d.ana, json!({})).await;
    assert_eq!(lost.status, 409, "{}", lost.text);

    let lucia_id = h.user_id("lucia@example.com").await;
    let sales = h.post("/api/v1/teams", &d.admin, json!({"name": "Sales", "members": [lucia_id]})).await;
    let sales_id = sales.body["id"].as_str().expect("team").to_string();
    let canned = json!({"scope": "team", "team_id": sales_id, "shortcut": "promo", "title": "Promo", "body": "x"});
    let made = h.post("/api/v1/canned-responses", &d.admin, canned).await;
    assert_eq!(made.status, 201, "{}", made.text);
    let path = format!("/api/v1/canned-responses/{}", made.body["id"].as_str().expect("id"));
    let patched = h.call(poem::http::Method::PATCH, &path, Some(&d.ana), Some(json!({"title": "Mine now"}))).await;
    assert_eq!(patched.status, 404, "another team's response is unknown to Ana: {}", patched.text);
    let gone = h.call(poem::http::Method::DELETE, &path, Some(&d.ana), None).await;
    assert_eq!(gone.status, 404);
}

/// Issue 15, item 13: every string and list a request body can carry has a documented
/// maximum in the spec (which the server enforces before anything else).
#[test]
fn every_string_and_list_in_a_request_has_a_maximum() {
    let spec: serde_json::Value = serde_json::from_str(&switchboard::api::spec_json()).expect("the spec is JSON");
    let schemas = &spec["components"]["schemas"];
    let mut todo: Vec<String> = Vec::new();
    for ops in spec["paths"].as_object().expect("paths").values() {
        for op in ops.as_object().expect("operations").values() {
            for content in op["requestBody"]["content"].as_object().into_iter().flatten().map(|(_, c)| c) {
                if let Some(r) = content["schema"]["$ref"].as_str() {
                    todo.push(r.trim_start_matches("#/components/schemas/").to_string());
                }
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut unbounded = Vec::new();
    while let Some(name) = todo.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        for (prop, s) in schemas[&name]["properties"].as_object().into_iter().flatten() {
            if let Some(r) = s["$ref"].as_str() {
                todo.push(r.trim_start_matches("#/components/schemas/").to_string());
                continue;
            }
            let bounded_string = |s: &serde_json::Value| {
                s["maxLength"].is_number() || s["enum"].is_array() || s["format"] == "binary" || s["format"] == "date"
            };
            match s["type"].as_str() {
                Some("string") if !bounded_string(s) => unbounded.push(format!("{name}.{prop}")),
                Some("array") => {
                    if !s["maxItems"].is_number() {
                        unbounded.push(format!("{name}.{prop} (items)"));
                    }
                    let item = &s["items"];
                    if let Some(r) = item["$ref"].as_str() {
                        todo.push(r.trim_start_matches("#/components/schemas/").to_string());
                    } else if item["type"] == "string" && !bounded_string(item) {
                        unbounded.push(format!("{name}.{prop}[]"));
                    }
                }
                Some("object") if !s["maxProperties"].is_number() => unbounded.push(format!("{name}.{prop} (keys)")),
                _ => {}
            }
        }
    }
    assert!(unbounded.is_empty(), "fields without a maximum: {unbounded:#?}");
}

/// Issue 15, item 13: long free text is refused with the limit, not stored.
#[tokio::test]
async fn long_descriptions_and_justifications_are_refused() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let team = h.post("/api/v1/teams", &d.admin, json!({"name": "Long", "description": "d".repeat(1001)})).await;
    assert_eq!(team.status, 422, "{}", &team.text[..team.text.len().min(300)]);
    assert!(team.text.contains("description must be at most 1000 characters"));
    let id = crate::common::desk::cid(&d.handoff(&h, &d.web, "Closing", "hello").await);
    assert_eq!(h.post(&format!("/api/v1/conversations/{id}/assign"), &d.ana, json!({})).await.status, 200);
    let close = json!({"justification": "j".repeat(2001)});
    let closed = h.post(&format!("/api/v1/conversations/{id}/close"), &d.sup, close).await;
    assert_eq!(closed.status, 422);
    assert!(closed.text.contains("justification must be at most 2000 characters"), "{}", &closed.text[..300]);
}

/// Issue 15, item 6: guesses spread over many addresses slow strangers but never keep the
/// owner out where they signed in before; an IPv6 /64 counts as one address.
#[tokio::test]
async fn distributed_guesses_never_keep_the_owner_out_where_they_work() {
    use switchboard::desk::{ClientInfo, DeskError};
    let h = Harness::new().await;
    let from = |ip: &str| ClientInfo { addr: Some(ip.parse().expect("address")), user_agent: None };
    let login = |ip: &'static str, password: &'static str| {
        let desk = h.desk.clone();
        async move { desk.login("admin@example.com", password, from(ip)).await }
    };
    assert!(login("198.51.100.1", "demo").await.is_ok(), "the owner signs in at the office");
    for n in 0..10 {
        let ip: &'static str = Box::leak(format!("203.0.113.{n}").into_boxed_str());
        assert!(matches!(login(ip, "guess").await, Err(DeskError::Unauthorized(_))));
    }
    let stranger = login("203.0.113.77", "guess").await;
    assert!(matches!(stranger, Err(DeskError::TooManyRequests { .. })), "the account-wide brake: {stranger:?}");
    assert!(login("198.51.100.1", "demo").await.is_ok(), "the owner's known address is not braked");
    let elsewhere = login("192.0.2.9", "demo").await;
    assert!(matches!(elsewhere, Err(DeskError::TooManyRequests { retry_after_secs: 1, .. })), "{elsewhere:?}");
    h.clock.advance_secs(1);
    assert!(login("192.0.2.9", "demo").await.is_ok(), "slowed for a second, not locked");

    // Twenty-one guesses from one IPv6 /64, each from another address in it, are one address.
    for n in 0..20 {
        let ip: &'static str = Box::leak(format!("2001:db8:1:2::{n:x}").into_boxed_str());
        let who = h.desk.login(&format!("nobody{n}@example.com"), "x", from(ip)).await;
        assert!(matches!(who, Err(DeskError::Unauthorized(_))), "{who:?}");
    }
    let next = h.desk.login("nobody99@example.com", "x", from("2001:db8:1:2::ffff")).await;
    assert!(matches!(next, Err(DeskError::TooManyRequests { .. })), "{next:?}");
}
