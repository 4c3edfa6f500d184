//! Routing (F19–F22) through HTTP with a manual clock: round robin, least busy, capacity,
//! declines and RONA, queue draining, and the settle that the scheduler runs on every tick
//! (called here by hand after moving the clock).

use crate::common::desk::{Desk, cid};
use crate::common::{Answer, Harness};
use poem::http::Method;
use serde_json::{Value, json};

async fn mode(h: &Harness, d: &Desk, inbox: &str, mode: &str) {
    let a = h
        .call(Method::PATCH, &format!("/api/v1/inboxes/{inbox}"), Some(&d.admin), Some(json!({"assignment": mode})))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
}

async fn conv(h: &Harness, d: &Desk, id: &str) -> Value {
    let a = h.get(&format!("/api/v1/conversations/{id}"), &d.admin).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body
}

fn offered_to(c: &Value) -> Option<&str> {
    c["offer"]["agent_id"].as_str()
}

async fn status_of(h: &Harness, d: &Desk, user: &str) -> String {
    let a = h.get(&format!("/api/v1/users/{user}"), &d.admin).await;
    a.body["status"].as_str().unwrap_or_default().to_string()
}

async fn set_status(h: &Harness, token: &str, status: &str) -> Answer {
    h.call(Method::PUT, "/api/v1/me/status", Some(token), Some(json!({"status": status}))).await
}

async fn act(h: &Harness, token: &str, id: &str, action: &str) -> Answer {
    h.post(&format!("/api/v1/conversations/{id}/{action}"), token, json!({})).await
}

async fn events_of(h: &Harness, d: &Desk, id: &str) -> Vec<String> {
    let t = h.get(&format!("/api/v1/conversations/{id}/timeline?limit=100"), &d.admin).await;
    t.body["items"].as_array().expect("items").iter().filter_map(|m| m["event"].as_str().map(str::to_string)).collect()
}

#[tokio::test]
async fn round_robin_offers_in_turn_and_accept_opens() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    mode(&h, &d, &d.web, "round_robin").await;
    let mut got = Vec::new();
    for i in 0..3 {
        let c = d.handoff(&h, &d.web, &format!("Customer {i}"), "hello").await;
        assert_eq!(c["status"], "offered", "routed before the answer");
        got.push((cid(&c), offered_to(&c).expect("offer").to_string()));
    }
    let order: Vec<&str> = got.iter().map(|(_, a)| a.as_str()).collect();
    assert_eq!(order, [d.ana_id.as_str(), d.marco_id.as_str(), d.ana_id.as_str()]);
    let offers = h.get("/api/v1/conversations?view=offered", &d.ana).await;
    let listed: Vec<&str> =
        offers.body["items"].as_array().expect("items").iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(listed.len(), 2, "Ana's two offers: {listed:?}");
    assert!(listed.contains(&got[0].0.as_str()) && listed.contains(&got[2].0.as_str()));
    let deadline = conv(&h, &d, &got[0].0).await["offer"]["deadline"].clone();
    assert_eq!(deadline, "2026-01-05T09:00:30Z", "the inbox's default offer timeout of 30 s");

    // Only the agent offered may answer; accepting opens it as theirs.
    assert_eq!(act(&h, &d.marco, &got[0].0, "accept").await.status, 409);
    let ok = act(&h, &d.ana, &got[0].0, "accept").await;
    assert_eq!(
        (ok.status, ok.body["status"].as_str(), ok.body["assignee_id"].as_str()),
        (200, Some("open"), Some(d.ana_id.as_str()))
    );
    assert_eq!(events_of(&h, &d, &got[0].0).await, ["handed_off", "offered", "accepted"]);
    assert_eq!(act(&h, &d.ana, &got[0].0, "accept").await.status, 409, "no offer left to accept");
}

#[tokio::test]
async fn least_busy_prefers_the_agent_with_fewer_active_conversations() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    mode(&h, &d, &d.web, "least_busy").await;
    // Ana starts two conversations of her own (outbound: open and hers).
    for i in 0..2 {
        let body = json!({"inbox_id": d.web, "contact": {"name": format!("Out {i}")}, "subject": "follow-up"});
        assert_eq!(h.post("/api/v1/conversations", &d.ana, body).await.status, 201);
    }
    let c = d.handoff(&h, &d.web, "Zoe", "hi").await;
    assert_eq!(offered_to(&c), Some(d.marco_id.as_str()), "Marco has 0, Ana 2");
    let c = d.handoff(&h, &d.web, "Yann", "hi").await;
    assert_eq!(offered_to(&c), Some(d.marco_id.as_str()), "Marco now holds 1 offer, Ana still 2");
    let c = d.handoff(&h, &d.web, "Xia", "hi").await;
    assert_eq!(offered_to(&c), Some(d.ana_id.as_str()), "2 against 2: the next in turn after Marco");
}

#[tokio::test]
async fn an_agent_at_capacity_gets_no_offers_until_capacity_frees() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    mode(&h, &d, &d.web, "round_robin").await;
    for id in [&d.ana_id, &d.marco_id] {
        let a =
            h.call(Method::PATCH, &format!("/api/v1/users/{id}"), Some(&d.admin), Some(json!({"capacity": 1}))).await;
        assert_eq!(a.status, 200, "{}", a.text);
    }
    let a = cid(&d.handoff(&h, &d.web, "One", "1").await);
    let b = cid(&d.handoff(&h, &d.web, "Two", "2").await);
    let c = d.handoff(&h, &d.web, "Three", "3").await;
    assert_eq!((c["status"].as_str(), offered_to(&c)), (Some("queued"), None), "both agents are full");
    assert_eq!(act(&h, &d.ana, &a, "accept").await.status, 200);
    assert_eq!(act(&h, &d.marco, &b, "accept").await.status, 200);
    assert_eq!(conv(&h, &d, &cid(&c)).await["status"], "queued");
    // Closing frees Ana's slot: the waiting conversation is offered to her at once.
    assert_eq!(h.post(&format!("/api/v1/conversations/{a}/close"), &d.ana, json!({})).await.status, 200);
    let c = conv(&h, &d, &cid(&c)).await;
    assert_eq!((c["status"].as_str(), offered_to(&c)), (Some("offered"), Some(d.ana_id.as_str())));
}

#[tokio::test]
async fn declines_and_timeouts_pass_the_offer_on_and_set_rona() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    mode(&h, &d, &d.web, "round_robin").await;
    let id = cid(&d.handoff(&h, &d.web, "Chain", "anyone?").await);
    assert_eq!(offered_to(&conv(&h, &d, &id).await), Some(d.ana_id.as_str()));

    // Ana declines: Marco is offered it.
    assert_eq!(act(&h, &d.ana, &id, "decline").await.status, 204);
    assert_eq!(offered_to(&conv(&h, &d, &id).await), Some(d.marco_id.as_str()));
    assert_eq!(act(&h, &d.ana, &id, "accept").await.status, 409, "her offer is gone");

    // Marco lets it time out: 29 s is not enough, 30 s is.
    h.clock.advance_secs(29);
    assert!(h.desk.settle().await.expect("settles").is_empty());
    h.clock.advance_secs(1);
    let done = h.desk.settle().await.expect("settles");
    assert_eq!((done.expired, done.offered), (1, 0), "Ana declined 30 s ago, Marco just now: nobody fresh");
    assert_eq!(status_of(&h, &d, &d.marco_id).await, "rona");
    assert_eq!(act(&h, &d.marco, &id, "accept").await.status, 409, "expired");
    let c = conv(&h, &d, &id).await;
    assert_eq!((c["status"].as_str(), c["rona_count"].as_u64()), (Some("queued"), Some(1)));

    // After a pause of one offer timeout a new round starts with whoever is available: Ana.
    h.clock.advance_secs(30);
    assert_eq!(h.desk.settle().await.expect("settles").offered, 1);
    assert_eq!(offered_to(&conv(&h, &d, &id).await), Some(d.ana_id.as_str()));
    assert_eq!(events_of(&h, &d, &id).await, ["handed_off", "offered", "declined", "offered", "rona", "offered"]);

    // RONA is left only by hand; then Marco takes offers again.
    let back = set_status(&h, &d.marco, "available").await;
    assert_eq!(back.body["status"], "available");
    let rona = h.call(Method::PUT, "/api/v1/me/status", Some(&d.marco), Some(json!({"status": "rona"}))).await;
    assert_eq!(rona.status, 422, "nobody chooses rona");
}

#[tokio::test]
async fn the_queue_drains_when_an_agent_becomes_available() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    mode(&h, &d, &d.web, "round_robin").await;
    for t in [&d.ana, &d.marco] {
        assert_eq!(set_status(&h, t, "away").await.status, 200);
    }
    let first = cid(&d.handoff(&h, &d.web, "Old", "first").await);
    h.clock.advance_secs(5);
    let second = cid(&d.handoff(&h, &d.web, "New", "second").await);
    assert_eq!(conv(&h, &d, &first).await["status"], "queued", "nobody available");
    // A supervisor brings Marco back: both go to him, oldest first.
    let a = h
        .call(
            Method::PUT,
            &format!("/api/v1/users/{}/status", d.marco_id),
            Some(&d.sup),
            Some(json!({"status": "available"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    for id in [&first, &second] {
        assert_eq!(offered_to(&conv(&h, &d, id).await), Some(d.marco_id.as_str()));
    }
    // Going away withdraws his offers; they wait for the next agent.
    assert_eq!(set_status(&h, &d.marco, "away").await.status, 200);
    let c = conv(&h, &d, &first).await;
    assert_eq!((c["status"].as_str(), offered_to(&c)), (Some("queued"), None));
    assert!(events_of(&h, &d, &first).await.contains(&"offer_withdrawn".to_string()));
    // Agents may not set others' status.
    let a = h
        .call(
            Method::PUT,
            &format!("/api/v1/users/{}/status", d.marco_id),
            Some(&d.ana),
            Some(json!({"status": "available"})),
        )
        .await;
    assert_eq!(a.status, 403);
}

#[tokio::test]
async fn manual_inboxes_never_offer() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let c = d.handoff(&h, &d.web, "Manual", "hi").await;
    assert_eq!((c["status"].as_str(), offered_to(&c)), (Some("queued"), None));
    h.clock.advance_secs(3600);
    assert_eq!(h.desk.settle().await.expect("settles").offered, 0);
}

#[tokio::test]
async fn presence_turns_silent_agents_away_and_a_visible_page_brings_them_back() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    h.clock.advance_secs(100);
    assert_eq!(h.post("/api/v1/me/heartbeat", &d.ana, json!({})).await.status, 200);
    h.clock.advance_secs(119);
    h.desk.settle().await.expect("settles");
    assert_eq!(status_of(&h, &d, &d.ana_id).await, "available", "119 s since the last heartbeat");
    h.clock.advance_secs(1);
    assert!(h.desk.settle().await.expect("settles").away >= 1);
    assert_eq!(status_of(&h, &d, &d.ana_id).await, "away");
    let back = h.post("/api/v1/me/heartbeat", &d.ana, json!({})).await;
    assert_eq!((back.body["status"].as_str(), back.body["auto_away"].as_bool()), (Some("available"), Some(false)));
    let hidden = h.post("/api/v1/me/heartbeat", &d.ana, json!({"hidden": true})).await;
    assert_eq!(hidden.body["status"], "away", "a hidden page reports away at once");
    // Away by hand is not undone by heartbeats.
    assert_eq!(set_status(&h, &d.ana, "away").await.status, 200);
    let still = h.post("/api/v1/me/heartbeat", &d.ana, json!({})).await;
    assert_eq!(still.body["status"], "away");
    // Signing out sets offline.
    assert_eq!(h.post("/api/v1/auth/logout", &d.marco, json!({})).await.status, 204);
    assert_eq!(status_of(&h, &d, &d.marco_id).await, "offline");
}

#[tokio::test]
async fn fifty_parallel_takes_have_exactly_one_winner() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let mut members = vec![d.ana_id.clone(), d.marco_id.clone()];
    let mut tokens = vec![d.ana.clone(), d.marco.clone()];
    for i in 0..48 {
        let email = format!("agent{i}@example.com");
        let body =
            json!({"email": email, "name": format!("Agent {i}"), "role": "agent", "password": "a long password 1"});
        let u = h.post("/api/v1/users", &d.admin, body).await;
        assert_eq!(u.status, 201, "{}", u.text);
        members.push(cid(&u.body));
        tokens.push(h.login(&email, "a long password 1").await);
    }
    let teams = h.get("/api/v1/teams", &d.admin).await;
    let team = teams.body["items"].as_array().and_then(|t| t.first()).map(cid).expect("team");
    let a = h
        .call(Method::PATCH, &format!("/api/v1/teams/{team}"), Some(&d.admin), Some(json!({"members": members})))
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let id = cid(&d.handoff(&h, &d.web, "Race", "who takes me?").await);
    let path = format!("/api/v1/conversations/{id}/assign");
    let answers = futures_util::future::join_all(tokens.iter().map(|t| h.post(&path, t, json!({})))).await;
    let wins = answers.iter().filter(|a| a.status == 200).count();
    let conflicts = answers.iter().filter(|a| a.status == 409).count();
    assert_eq!((wins, conflicts), (1, 49), "{:?}", answers.iter().map(|a| a.status).collect::<Vec<_>>());
    let winner = conv(&h, &d, &id).await["assignee_id"].as_str().expect("assigned").to_string();
    assert!(members.contains(&winner));
    assert_eq!(events_of(&h, &d, &id).await.iter().filter(|e| *e == "assigned").count(), 1);
}
