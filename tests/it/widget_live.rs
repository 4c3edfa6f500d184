//! The live side of the widget: a customer's event stream carries agents' replies and typing
//! (never notes), agents' streams carry the customer's typing, nothing of it is stored, and a
//! rating after the close reaches the agents' timeline and the reports.

use poem::http::Method;
use serde_json::json;

use crate::common::Harness;
use crate::common::desk::Desk;
use crate::widget::{Stream, call, say, session};

#[tokio::test]
async fn replies_and_typing_reach_the_customer_live_and_customer_typing_reaches_agents() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let token = session(&h, &d.web, json!({"name": "Alice"})).await;
    let conv = say(&h, &token, "hello?").await["conversation"]["id"].as_str().expect("id").to_string();
    let base = format!("/api/v1/conversations/{conv}");
    assert_eq!(h.post(&format!("{base}/assign"), &d.ana, json!({})).await.status, 200);
    let seq_before = h.desk.hub().last_seq();

    let mut customer = Stream::open(&h, "/api/widget/v1/events", ("X-Customer-Token", &token)).await;
    let mut ana = Stream::open(&h, "/api/v1/events", ("Authorization", &format!("Bearer {}", d.ana))).await;

    // Ana types, writes a note, then replies.
    let typed = h.post(&format!("{base}/typing"), &d.ana, json!({"active": true})).await;
    assert_eq!(typed.status, 204, "{}", typed.text);
    let got = customer.until(|name, _| name == "typing").await;
    let (_, t) = got.last().expect("typing");
    assert_eq!((t["active"].as_bool(), t["agent_name"].as_str()), (Some(true), Some("Ana")));
    assert_eq!(t["conversation_id"], json!(conv));
    assert!(t.get("seq").is_none(), "typing is not in the log");
    assert_eq!(h.desk.hub().last_seq(), seq_before, "typing wrote nothing");

    h.post(&format!("{base}/messages"), &d.ana, json!({"kind": "note", "text": "internal"})).await;
    h.post(&format!("{base}/messages"), &d.ana, json!({"text": "How can I help?"})).await;
    let got = customer.until(|name, v| name == "message.created" && v["message"]["text"] == "How can I help?").await;
    assert!(got.iter().all(|(_, v)| v["message"]["text"] != "internal"), "{got:#?}");
    assert!(got.iter().all(|(_, v)| !v.to_string().contains(&d.ana_id)), "no agent ids: {got:#?}");

    // The customer types; Ana's stream says so, as the customer's.
    let typed = call(
        &h,
        Method::POST,
        &format!("/conversations/{conv}/typing"),
        Some(&token),
        None,
        Some(json!({"active": true})),
    )
    .await;
    assert_eq!(typed.status, 204, "{}", typed.text);
    let got = ana.until(|name, _| name == "typing").await;
    let (_, t) = got.last().expect("typing");
    assert_eq!(
        (t["from"].as_str(), t["conversation_id"].as_str(), t["active"].as_bool()),
        (Some("customer"), Some(conv.as_str()), Some(true))
    );
    // Ana's own typing is not echoed to her.
    assert!(got.iter().all(|(name, v)| name != "typing" || v["from"] == "customer"), "{got:#?}");

    // Closing reaches the customer as a conversation they may now rate.
    h.post(&format!("{base}/close"), &d.ana, json!({"wrap_up_reason_id": d.solved})).await;
    let got = customer.until(|name, v| name == "conversation.updated" && v["conversation"]["status"] == "closed").await;
    assert_eq!(got.last().map(|(_, v)| v["conversation"]["can_rate"].clone()), Some(json!(true)));
}

#[tokio::test]
async fn a_rating_is_given_once_after_the_close_and_shows_in_the_timeline_and_reports() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let token = session(&h, &d.web, json!({"name": "Alice"})).await;
    let conv = say(&h, &token, "hi").await["conversation"]["id"].as_str().expect("id").to_string();
    let base = format!("/api/v1/conversations/{conv}");
    let rating_path = format!("/conversations/{conv}/rating");
    let rate = |body: serde_json::Value| call(&h, Method::POST, &rating_path, Some(&token), None, Some(body));
    let early = rate(json!({"score": 5})).await;
    assert_eq!(early.status, 409, "{}", early.text);
    assert!(early.detail().contains("not closed"), "{}", early.detail());

    h.post(&format!("{base}/assign"), &d.ana, json!({})).await;
    h.post(&format!("{base}/messages"), &d.ana, json!({"text": "Done!"})).await;
    h.post(&format!("{base}/close"), &d.ana, json!({"wrap_up_reason_id": d.solved})).await;
    assert_eq!(rate(json!({"score": 6})).await.status, 422);
    let rated = rate(json!({"score": 4, "comment": "Quick <b>and</b> kind"})).await;
    assert_eq!(rated.status, 201, "{}", rated.text);
    assert_eq!((rated.body["rating"]["score"].as_u64(), rated.body["can_rate"].as_bool()), (Some(4), Some(false)));
    assert_eq!(rate(json!({"score": 1})).await.status, 409, "once only");

    let timeline = h.get(&format!("{base}/timeline?limit=100"), &d.ana).await;
    let entry = timeline.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["event"] == "rated")
        .cloned()
        .expect("a rated entry");
    assert_eq!(entry["says"]["key"], "rated");
    assert_eq!(
        (entry["says"]["parts"]["score"].as_str(), entry["says"]["parts"]["note"].as_str()),
        (Some("4"), Some("Quick <b>and</b> kind"))
    );
    // The customer does not see it as a message.
    let theirs = call(&h, Method::GET, &format!("/conversations/{conv}/messages"), Some(&token), None, None).await;
    assert_eq!(theirs.body["items"].as_array().map(Vec::len), Some(2));

    // A second conversation rated 2 by another customer, in the same inbox.
    let other = session(&h, &d.web, json!({"name": "Bo"})).await;
    let c2 = say(&h, &other, "hey").await["conversation"]["id"].as_str().expect("id").to_string();
    h.post(&format!("/api/v1/conversations/{c2}/assign"), &d.marco, json!({})).await;
    h.post(&format!("/api/v1/conversations/{c2}/close"), &d.marco, json!({"wrap_up_reason_id": d.solved})).await;
    assert_eq!(
        call(&h, Method::POST, &format!("/conversations/{c2}/rating"), Some(&other), None, Some(json!({"score": 2})))
            .await
            .status,
        201
    );

    let report = h.get("/api/v1/reports/conversations?from=2026-01-05&to=2026-01-05&group_by=agent", &d.sup).await;
    assert_eq!(report.status, 200, "{}", report.text);
    let row = |name: &str| {
        report.body["rows"].as_array().expect("rows").iter().find(|r| r["name"] == name).cloned().expect("row")
    };
    assert_eq!(
        (
            row("Ana Ruiz")["ratings"].as_u64(),
            row("Ana Ruiz")["rating_mean"].as_f64(),
            row("Ana Ruiz")["rating_good_share"].as_f64()
        ),
        (Some(1), Some(4.0), Some(1.0))
    );
    let total = &report.body["total"];
    assert_eq!(
        (total["ratings"].as_u64(), total["rating_mean"].as_f64(), total["rating_good_share"].as_f64()),
        (Some(2), Some(3.0), Some(0.5))
    );
    let by_inbox = h.get("/api/v1/reports/conversations?from=2026-01-05&to=2026-01-05&group_by=inbox", &d.sup).await;
    let web =
        by_inbox.body["rows"].as_array().expect("rows").iter().find(|r| r["name"] == "Web").cloned().expect("Web");
    assert_eq!(web["ratings"], 2);
    let other_inbox =
        by_inbox.body["rows"].as_array().expect("rows").iter().find(|r| r["name"] == "Other").cloned().expect("Other");
    assert!(other_inbox.get("rating_mean").is_none(), "no mean without ratings: {other_inbox}");

    // After the close, a new message opens a new conversation.
    let next = say(&h, &token, "one more thing").await;
    assert_ne!(next["conversation"]["id"], json!(conv));
    assert_eq!(next["conversation"]["status"], "open");
}
