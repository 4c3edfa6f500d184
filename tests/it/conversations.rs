//! Conversations through HTTP: the lifecycle, permissions, races, views, filters, sorts and
//! cursors, read marks, messages, reactions, canned responses and the API channel.

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use poem::http::Method;
use serde_json::{Value, json};

fn numbers(v: &Value) -> Vec<u64> {
    v["items"].as_array().expect("items").iter().map(|c| c["number"].as_u64().unwrap_or(0)).collect()
}

async fn post(h: &Harness, path: &str, token: &str) -> crate::common::Answer {
    h.call(Method::POST, path, Some(token), None).await
}

#[tokio::test]
async fn a_conversation_lives_through_the_lifecycle() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let c = d.handoff(&h, &d.web, "María López", "¿Dónde está mi pedido #4521? <urgente>").await;
    assert_eq!(
        (c["status"].as_str(), c["detailed_status"].as_str(), c["number"].as_u64()),
        (Some("queued"), Some("customer_waiting"), Some(1001))
    );
    assert_eq!(c["origin"], "bot_handoff");
    let id = cid(&c);
    let base = format!("/api/v1/conversations/{id}");

    // Take it, reply (→ pending), customer answers (→ open), close with a reason, reopen.
    let taken = post(&h, &format!("{base}/assign"), &d.ana).await;
    assert_eq!((taken.status, taken.body["status"].as_str()), (200, Some("open")), "{}", taken.text);
    assert_eq!(taken.body["assignee_id"], json!(d.ana_id));
    let text = "Hola María 👋 — tu pedido <#4521> sale hoy & llega mañana.";
    let sent = h.post(&format!("{base}/messages"), &d.ana, json!({"text": text})).await;
    assert_eq!(sent.status, 201, "{}", sent.text);
    assert_eq!(sent.body["text"], text, "returned exactly as sent");
    assert_eq!(h.get(&base, &d.ana).await.body["status"], "pending");

    let reply = h
        .post(
            &format!("/api/v1/channels/api/{}/messages", d.web),
            &d.admin,
            json!({"contact": {"email": "x@y.z"}, "text": "hi"}),
        )
        .await;
    assert_eq!(reply.status, 403, "sessions cannot push channel messages");

    let closed = h.post(&format!("{base}/close"), &d.ana, json!({"wrap_up_reason_id": d.solved})).await;
    assert_eq!(
        (closed.status, closed.body["status"].as_str(), closed.body["detailed_status"].as_str()),
        (200, Some("closed"), Some("closed_by_agent"))
    );
    let again = h.post(&format!("{base}/close"), &d.ana, json!({})).await;
    assert_eq!(again.status, 409);
    assert!(again.detail().contains("already closed"), "{}", again.detail());
    let reopened = post(&h, &format!("{base}/reopen"), &d.ana).await;
    assert_eq!((reopened.body["status"].as_str(), reopened.body["reopen_count"].as_u64()), (Some("open"), Some(1)));

    // Every action is in the timeline, in order, with its actor.
    let tl = h.get(&format!("{base}/timeline"), &d.ana).await;
    let events: Vec<_> = tl.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| (m["kind"].as_str().unwrap_or("").to_string(), m["event"].as_str().unwrap_or("").to_string()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("customer", ""),
        ("customer", ""),
        ("system", "handed_off"),
        ("system", "assigned"),
        ("agent", ""),
        ("system", "closed"),
        ("system", "reopened"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(events, expected);
    assert_eq!(tl.body["items"][5]["text"], "Ana Ruiz closed the conversation (Solved)");
    assert_eq!(tl.body["items"][1]["author_kind"], "bot");
    let msgs = h.get(&format!("{base}/messages"), &d.ana).await;
    assert_eq!(msgs.body["items"].as_array().map(Vec::len), Some(3), "messages leave out system events");
}

#[tokio::test]
async fn hidden_conversations_are_404_and_offline_agents_cannot_act() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let elsewhere = cid(&d.handoff(&h, &d.other, "Olga", "hello").await);
    let path = format!("/api/v1/conversations/{elsewhere}");
    assert_eq!(h.get(&path, &d.ana).await.status, 404, "queued in an inbox Ana does not serve");
    assert_eq!(post(&h, &format!("{path}/assign"), &d.ana).await.status, 404);
    assert_eq!(h.get(&path, &d.sup).await.status, 200);
    assert_eq!(h.get("/api/v1/conversations/cv_nope", &d.sup).await.status, 404);

    let mine = cid(&d.handoff(&h, &d.web, "Paolo", "ciao").await);
    let path = format!("/api/v1/conversations/{mine}");
    assert_eq!(post(&h, &format!("{path}/assign"), &d.ana).await.status, 200);
    assert_eq!(h.get(&path, &d.marco).await.status, 404, "assigned to Ana, Marco took no part");
    assert_eq!(
        h.call(Method::PUT, "/api/v1/me/status", Some(&d.ana), Some(json!({"status": "offline"}))).await.status,
        200
    );
    let refused = h.post(&format!("{path}/messages"), &d.ana, json!({"text": "hi"})).await;
    assert_eq!(refused.status, 409);
    assert!(refused.detail().contains("offline"), "{}", refused.detail());
    assert_eq!(h.post(&format!("{path}/close"), &d.ana, json!({})).await.status, 409);
    let note =
        h.post(&format!("{path}/messages"), &d.ana, json!({"kind": "note", "text": "calling him back later"})).await;
    assert_eq!(note.status, 201, "notes are allowed while offline");
    assert_eq!(h.get(&path, &d.ana).await.body["status"], "open", "nothing else changed");
    assert_eq!(
        h.call(Method::PUT, "/api/v1/me/status", Some(&d.ana), Some(json!({"status": "away"}))).await.status,
        200
    );
    assert_eq!(
        h.post(&format!("{path}/messages"), &d.ana, json!({"text": "hi"})).await.status,
        201,
        "away agents may act"
    );
}

#[tokio::test]
async fn closing_someone_elses_needs_a_justification_and_inboxes_may_require_a_reason() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    h.call(
        Method::PATCH,
        &format!("/api/v1/inboxes/{}", d.web),
        Some(&d.admin),
        Some(json!({"wrap_up_required": true})),
    )
    .await;
    let id = cid(&d.handoff(&h, &d.web, "Jean", "bonjour").await);
    let path = format!("/api/v1/conversations/{id}");
    post(&h, &format!("{path}/assign"), &d.ana).await;
    let no_reason = h.post(&format!("{path}/close"), &d.ana, json!({})).await;
    assert_eq!(no_reason.status, 422);
    assert_eq!(no_reason.body["errors"][0]["field"], "wrap_up_reason_id");
    assert_eq!(h.post(&format!("{path}/close"), &d.marco, json!({"wrap_up_reason_id": d.solved})).await.status, 404);
    let sup = h.post(&format!("{path}/close"), &d.sup, json!({"wrap_up_reason_id": d.solved})).await;
    assert_eq!(sup.status, 422);
    assert_eq!(sup.body["errors"][0]["field"], "justification");
    let ok = h
        .post(
            &format!("{path}/close"),
            &d.sup,
            json!({"wrap_up_reason_id": d.solved, "justification": "duplicate of #1000"}),
        )
        .await;
    assert_eq!((ok.status, ok.body["detailed_status"].as_str()), (200, Some("closed_by_supervisor")));
}

#[tokio::test]
async fn bulk_close_refuses_open_conversations_and_reports_each_id() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let queued = cid(&d.handoff(&h, &d.web, "A", "1").await);
    let open = cid(&d.handoff(&h, &d.web, "B", "2").await);
    let pending = cid(&d.handoff(&h, &d.web, "C", "3").await);
    post(&h, &format!("/api/v1/conversations/{open}/assign"), &d.ana).await;
    post(&h, &format!("/api/v1/conversations/{pending}/assign"), &d.ana).await;
    h.post(&format!("/api/v1/conversations/{pending}/messages"), &d.ana, json!({"text": "done?"})).await;
    let r =
        h.post("/api/v1/conversations/bulk-close", &d.ana, json!({"ids": [queued, open, pending, "cv_missing"]})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!((r.body["closed"].as_u64(), r.body["refused"].as_u64()), (Some(2), Some(2)));
    let results = r.body["results"].as_array().expect("results");
    assert_eq!(
        results.iter().map(|x| x["closed"].as_bool().unwrap_or(true)).collect::<Vec<_>>(),
        [true, false, true, false]
    );
    assert_eq!(results[1]["problem"]["status"], 409);
    assert!(results[1]["problem"]["detail"].as_str().unwrap_or("").contains("open"));
    assert_eq!(results[3]["problem"]["status"], 404);
    assert_eq!(h.get(&format!("/api/v1/conversations/{open}"), &d.ana).await.body["status"], "open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_agents_taking_the_same_conversation_exactly_one_wins() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    for round in 0..5 {
        let id = cid(&d.handoff(&h, &d.web, &format!("Race {round}"), "first!").await);
        let path = format!("/api/v1/conversations/{id}/assign");
        let (a, b) = tokio::join!(post(&h, &path, &d.ana), post(&h, &path, &d.marco));
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: {} / {}", a.text, b.text);
        let winner = if a.status == 200 { &d.ana_id } else { &d.marco_id };
        assert_eq!(h.get(&format!("/api/v1/conversations/{id}"), &d.sup).await.body["assignee_id"], json!(winner));
    }
}

#[tokio::test]
async fn views_filters_and_sorts_give_exact_orders() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    // #1001 waits longest; #1002 Ana takes and answers; #1003 gets a label; #1004 elsewhere.
    let c1 = cid(&d.handoff(&h, &d.web, "Uno", "1").await);
    h.clock.advance_secs(60);
    let c2 = cid(&d.handoff(&h, &d.web, "Dos", "2").await);
    h.clock.advance_secs(60);
    let c3 = cid(&d.handoff(&h, &d.web, "Tres", "3").await);
    h.clock.advance_secs(60);
    d.handoff(&h, &d.other, "Cuatro", "4").await;
    h.clock.advance_secs(60);
    post(&h, &format!("/api/v1/conversations/{c2}/assign"), &d.ana).await;
    h.post(&format!("/api/v1/conversations/{c2}/messages"), &d.ana, json!({"text": "on it"})).await;
    h.clock.advance_secs(60);
    h.call(
        Method::PATCH,
        &format!("/api/v1/conversations/{c3}"),
        Some(&d.ana),
        Some(json!({"labels": [d.vip], "priority": "high"})),
    )
    .await;
    h.clock.advance_secs(60);

    let list = |q: &str, who: &str| {
        let (h, q, who) = (&h, q.to_string(), who.to_string());
        async move {
            let a = h.get(&format!("/api/v1/conversations?{q}"), &who).await;
            assert_eq!(a.status, 200, "{q}: {}", a.text);
            numbers(&a.body)
        }
    };
    assert_eq!(list("view=unassigned&sort=waiting", &d.ana).await, [1001, 1003]);
    assert_eq!(list("view=unassigned&sort=created", &d.ana).await, [1003, 1001]);
    assert_eq!(list("view=unassigned&sort=updated", &d.ana).await, [1003, 1001], "the label change updated #1003");
    assert_eq!(list("view=unassigned", &d.sup).await, [1001, 1003, 1004]);
    assert_eq!(list("view=mine", &d.ana).await, [1002]);
    assert_eq!(list("view=mine", &d.marco).await, Vec::<u64>::new());
    assert_eq!(list("view=all&sort=created", &d.ana).await, [1003, 1002, 1001]);
    assert_eq!(list("view=all&sort=created", &d.marco).await, [1003, 1001]);
    assert_eq!(list("view=all&sort=created", &d.sup).await, [1004, 1003, 1002, 1001]);
    assert_eq!(list(&format!("label_id={}", d.vip), &d.sup).await, [1003]);
    assert_eq!(list("status=pending", &d.sup).await, [1002]);
    assert_eq!(list("status=queued&status=pending&sort=created", &d.sup).await, [1004, 1003, 1002, 1001]);
    assert_eq!(list("detailed_status=agent_answered", &d.sup).await, [1002]);
    assert_eq!(list(&format!("assignee_id={}", d.ana_id), &d.sup).await, [1002]);
    assert_eq!(list(&format!("inbox_id={}&sort=created", d.other), &d.sup).await, [1004]);
    assert_eq!(list("contact=tres", &d.sup).await, [1003]);
    assert_eq!(list("contact=example.net", &d.ana).await, Vec::<u64>::new(), "email search is by prefix");
    assert_eq!(list("contact=dos@example.net", &d.ana).await, [1002]);
    assert_eq!(list("channel=livechat&sort=created", &d.sup).await, [1004, 1003, 1002, 1001]);
    assert_eq!(
        list("created_from=2026-01-05T09:01:00Z&created_to=2026-01-05T09:03:00Z&sort=created", &d.sup).await,
        [1003, 1002]
    );
    let _ = (c1, c3);
}

#[tokio::test]
async fn cursors_stay_correct_while_conversations_arrive() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    for i in 0..7 {
        d.handoff(&h, &d.web, &format!("Early {i}"), "hi").await;
        h.clock.advance_secs(1);
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/conversations?view=unassigned&sort=waiting&limit=3".to_string();
    let mut pages = 0;
    loop {
        let page = h.get(&path, &d.ana).await;
        seen.extend(numbers(&page.body));
        pages += 1;
        // New arrivals wait less than everything already listed: they sort after, and show up
        // on later pages without shifting or repeating anything.
        d.handoff(&h, &d.web, &format!("Late {pages}"), "hi").await;
        h.clock.advance_secs(1);
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/conversations?view=unassigned&sort=waiting&limit=3&cursor={c}"),
            None => break,
        }
        assert!(pages < 20, "paging must end");
    }
    let mut sorted = seen.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), seen.len(), "no conversation twice: {seen:?}");
    assert_eq!(&seen[..7], &[1001, 1002, 1003, 1004, 1005, 1006, 1007]);
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "oldest waiting first: {seen:?}");
    let bad = h.get("/api/v1/conversations?cursor=garbage%2Fcv", &d.ana).await;
    assert_eq!(bad.status, 200, "an unknown cursor gives an empty or shorter page, never an error");
}

#[tokio::test]
async fn read_marks_unread_counts_and_mark_as_unread() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let id = cid(&d.handoff(&h, &d.api, "Ines", "hola").await);
    let path = format!("/api/v1/conversations/{id}");
    assert_eq!(h.get(&path, &d.ana).await.body["unread_count"], 2, "the customer's line and the bot's");
    post(&h, &format!("{path}/assign"), &d.ana).await;
    h.post(&format!("{path}/messages"), &d.ana, json!({"text": "hola Ines"})).await;
    assert_eq!(h.get(&path, &d.ana).await.body["unread_count"], 0, "replying reads everything");
    let bridge = h.post("/api/v1/tokens", &d.admin, json!({"name": "bridge"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    for text in ["una cosa más", "y otra"] {
        let pushed = h
            .post(
                &format!("/api/v1/channels/api/{}/messages", d.api),
                &bridge,
                json!({"contact": {"email": "ines@example.net"}, "text": text}),
            )
            .await;
        assert_eq!(pushed.body["conversation_id"], json!(id));
    }
    assert_eq!(h.get(&path, &d.ana).await.body["unread_count"], 2, "two new customer messages");
    assert_eq!(post(&h, &format!("{path}/read"), &d.ana).await.body["unread_count"], 0);
    assert_eq!(post(&h, &format!("{path}/unread"), &d.ana).await.body["unread_count"], 1, "marked unread by hand");
    assert_eq!(post(&h, &format!("{path}/read"), &d.ana).await.body["unread_count"], 0);
    // The supervisor read nothing: customer line, bot line, Ana's reply, two more.
    assert_eq!(h.get(&path, &d.sup).await.body["unread_count"], 5, "read marks are per user");
}

#[tokio::test]
async fn messages_canned_responses_replies_and_reactions() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let id = cid(&d.handoff(&h, &d.web, "Giulia Rossi", "Buongiorno").await);
    let path = format!("/api/v1/conversations/{id}");
    post(&h, &format!("{path}/assign"), &d.ana).await;
    let canned = h.post("/api/v1/canned-responses", &d.ana, json!({"shortcut": "saluto", "title": "Saluto", "body": "Ciao {{contact.name}}, sono {{agent.name}} (ticket #{{conversation.number}})."})).await;
    let sent = h.post(&format!("{path}/messages"), &d.ana, json!({"canned_response_id": cid(&canned.body)})).await;
    assert_eq!(sent.body["text"], "Ciao Giulia Rossi, sono Ana Ruiz (ticket #1001).");
    let first =
        h.get(&format!("{path}/messages"), &d.ana).await.body["items"][0]["id"].as_str().expect("id").to_string();
    let reply = h
        .post(&format!("{path}/messages"), &d.ana, json!({"kind": "note", "text": "see above", "reply_to": first}))
        .await;
    assert_eq!(reply.body["reply_to"], json!(first));
    assert_eq!(reply.body["kind"], "note");
    assert_eq!(
        h.post(&format!("{path}/messages"), &d.ana, json!({"text": "x", "reply_to": "msg_elsewhere"})).await.status,
        422
    );
    assert_eq!(h.post(&format!("{path}/messages"), &d.ana, json!({"text": "x".repeat(10_001)})).await.status, 422);
    assert_eq!(h.post(&format!("{path}/messages"), &d.ana, json!({"text": "x".repeat(10_000)})).await.status, 201);
    assert_eq!(h.post(&format!("{path}/messages"), &d.ana, json!({})).await.status, 422);

    let react = format!("{path}/messages/{first}/reactions/%F0%9F%91%8D");
    let once = h.call(Method::PUT, &react, Some(&d.ana), None).await;
    let twice = h.call(Method::PUT, &react, Some(&d.ana), None).await;
    assert_eq!(once.body["reactions"], json!({"👍": [d.ana_id]}));
    assert_eq!(twice.body["reactions"], json!({"👍": [d.ana_id]}), "one per user per emoji");
    let sup = h.call(Method::PUT, &react, Some(&d.sup), None).await;
    assert_eq!(sup.body["reactions"]["👍"].as_array().map(Vec::len), Some(2));
    let off = h.call(Method::DELETE, &react, Some(&d.ana), None).await;
    assert_eq!(off.body["reactions"]["👍"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        h.call(Method::PUT, &format!("{path}/messages/{first}/reactions/abc"), Some(&d.ana), None).await.status,
        422
    );
}

#[tokio::test]
async fn the_api_channel_finds_contacts_and_threads_messages() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let token = h.post("/api/v1/tokens", &d.admin, json!({"name": "whatsapp bridge"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    let push = |contact: Value, text: &str| {
        let (h, token, path, text) =
            (&h, token.clone(), format!("/api/v1/channels/api/{}/messages", d.api), text.to_string());
        async move { h.post(&path, &token, json!({"contact": contact, "text": text})).await }
    };
    let first =
        push(json!({"external_id": "wa:393331234567", "phone": "+39 333 123 4567", "name": "Carla"}), "Salve!").await;
    assert_eq!(first.status, 201, "{}", first.text);
    assert_eq!(first.body["created_conversation"], true);
    let second = push(json!({"phone": "0039 333 1234567"}), "C'è qualcuno?").await;
    assert_eq!(
        (second.body["created_conversation"].as_bool(), second.body["conversation_id"].clone()),
        (Some(false), first.body["conversation_id"].clone()),
        "same contact by phone, same open conversation"
    );
    let conv =
        h.get(&format!("/api/v1/conversations/{}", first.body["conversation_id"].as_str().expect("id")), &d.ana).await;
    assert_eq!((conv.body["status"].as_str(), conv.body["message_count"].as_u64()), (Some("queued"), Some(2)));
    assert_eq!(conv.body["contact"]["name"], "Carla");

    let livechat = h
        .post(
            &format!("/api/v1/channels/api/{}/messages", d.web),
            &token,
            json!({"contact": {"email": "a@b.c"}, "text": "x"}),
        )
        .await;
    assert_eq!(livechat.status, 409);
    assert_eq!(
        h.post("/api/v1/channels/api/inb_nope/messages", &token, json!({"contact": {"email": "a@b.c"}, "text": "x"}))
            .await
            .status,
        404
    );
    let marco_token = h.post("/api/v1/tokens", &d.marco, json!({"name": "m"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();
    assert_eq!(
        h.post(
            &format!("/api/v1/channels/api/{}/messages", d.other),
            &marco_token,
            json!({"contact": {"email": "a@b.c"}, "text": "x"})
        )
        .await
        .status,
        403
    );

    // After a close, the next message opens a new conversation with a new number.
    let id = first.body["conversation_id"].as_str().expect("id").to_string();
    h.post(&format!("/api/v1/conversations/{id}/close"), &d.sup, json!({})).await;
    let third = push(json!({"external_id": "wa:393331234567"}), "Ancora io").await;
    assert_eq!(third.body["created_conversation"], true);
    let new =
        h.get(&format!("/api/v1/conversations/{}", third.body["conversation_id"].as_str().expect("id")), &d.sup).await;
    assert_eq!(new.body["number"], 1002);
}

#[tokio::test]
async fn outbound_conversations_start_open_and_assigned() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let contact = h.post("/api/v1/contacts", &d.ana, json!({"name": "Beatriz", "phone": "+34 600 111 222"})).await;
    let c = h
        .post(
            "/api/v1/conversations",
            &d.ana,
            json!({"inbox_id": d.web, "contact_id": cid(&contact.body), "subject": "Your invoice"}),
        )
        .await;
    assert_eq!(c.status, 201, "{}", c.text);
    assert_eq!(
        (c.body["status"].as_str(), c.body["detailed_status"].as_str(), c.body["origin"].as_str()),
        (Some("open"), Some("new"), Some("outbound"))
    );
    assert_eq!(c.body["assignee_id"], json!(d.ana_id));
    let elsewhere =
        h.post("/api/v1/conversations", &d.ana, json!({"inbox_id": d.other, "contact_id": cid(&contact.body)})).await;
    assert_eq!(elsewhere.status, 403);
    let neither = h.post("/api/v1/conversations", &d.ana, json!({"inbox_id": d.web})).await;
    assert_eq!(neither.status, 422);
    let convs = h.get("/api/v1/conversations?contact=600111", &d.ana).await;
    assert_eq!(numbers(&convs.body), [1001]);
}

#[tokio::test]
async fn deleting_a_label_removes_it_from_conversations_and_contacts_list_their_conversations() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let first = d.handoff(&h, &d.web, "Hanna", "one").await;
    let id = cid(&first);
    h.call(Method::PATCH, &format!("/api/v1/conversations/{id}"), Some(&d.sup), Some(json!({"labels": [d.vip]}))).await;
    assert_eq!(h.call(Method::DELETE, &format!("/api/v1/labels/{}", d.vip), Some(&d.admin), None).await.status, 204);
    assert_eq!(h.get(&format!("/api/v1/conversations/{id}"), &d.sup).await.body["labels"], json!([]));
    assert_eq!(
        numbers(&h.get(&format!("/api/v1/conversations?label_id={}", d.vip), &d.sup).await.body),
        Vec::<u64>::new()
    );

    let contact = first["contact"]["id"].as_str().expect("contact").to_string();
    h.post(&format!("/api/v1/conversations/{id}/close"), &d.sup, json!({})).await;
    h.post("/api/v1/conversations", &d.ana, json!({"inbox_id": d.web, "contact_id": contact})).await;
    let mine = h.get(&format!("/api/v1/contacts/{contact}/conversations"), &d.sup).await;
    assert_eq!(numbers(&mine.body), [1002, 1001]);
    assert_eq!(
        numbers(&h.get(&format!("/api/v1/contacts/{contact}/conversations"), &d.ana).await.body),
        [1002],
        "Ana sees only what she may see"
    );
    assert_eq!(h.get("/api/v1/contacts/ct_nope/conversations", &d.ana).await.status, 404);
}
