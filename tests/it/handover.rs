//! Transfers (F23), conferences (F24), auto-close (F9) and the durable timers across a
//! restart, through HTTP with a manual clock.

use crate::common::desk::{Desk, cid};
use crate::common::{Answer, Harness, START};
use poem::http::Method;
use serde_json::{Value, json};

async fn conv(h: &Harness, token: &str, id: &str) -> Answer {
    h.get(&format!("/api/v1/conversations/{id}"), token).await
}

async fn transfer(h: &Harness, token: &str, id: &str, body: Value) -> Answer {
    h.post(&format!("/api/v1/conversations/{id}/transfer"), token, body).await
}

/// A conversation of the manual Web inbox, taken by Ana.
async fn taken_by_ana(h: &Harness, d: &Desk, name: &str) -> String {
    let id = cid(&d.handoff(h, &d.web, name, "help").await);
    let a = h.post(&format!("/api/v1/conversations/{id}/assign"), &d.ana, json!({})).await;
    assert_eq!(a.status, 200, "{}", a.text);
    id
}

#[tokio::test]
async fn transfer_to_an_agent_who_does_not_answer_goes_back_to_the_queue() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let id = taken_by_ana(&h, &d, "Tina").await;
    let t = transfer(&h, &d.ana, &id, json!({"agent_id": d.marco_id, "note": "wants a refund"})).await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!(
        (t.body["status"].as_str(), t.body["assignee_id"].as_str(), t.body["transfer_count"].as_u64()),
        (Some("offered"), None, Some(1))
    );
    assert_eq!(t.body["offer"]["agent_id"], d.marco_id.as_str());
    assert_eq!(t.body["offer"]["note"], "wants a refund");
    assert_eq!(t.body["offer"]["transferred_by"], d.ana_id.as_str());
    // Marco sees it and the note; Ana made one transfer.
    assert_eq!(conv(&h, &d.marco, &id).await.status, 200);
    let ana = h.get(&format!("/api/v1/users/{}", d.ana_id), &d.admin).await;
    assert_eq!(ana.body["transfers_made"], 1);

    // He does not answer in time: back to the Web queue (manual: nobody is offered it), never lost.
    h.clock.advance_secs(30);
    let done = h.desk.settle().await.expect("settles");
    assert_eq!(done.expired, 1);
    let c = conv(&h, &d.admin, &id).await;
    assert_eq!((c.body["status"].as_str(), c.body["assignee_id"].as_str()), (Some("queued"), None));
    let unassigned = h.get("/api/v1/conversations?view=unassigned", &d.ana).await;
    assert!(unassigned.body["items"].as_array().expect("items").iter().any(|c| c["id"] == id.as_str()));
    let marco = h.get(&format!("/api/v1/users/{}", d.marco_id), &d.admin).await;
    assert_eq!(marco.body["status"], "rona");
}

#[tokio::test]
async fn transfers_that_cannot_happen_are_refused_with_the_reason() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let id = taken_by_ana(&h, &d, "Refusals").await;
    let lucia_id = h.user_id("lucia@example.com").await;
    let to_self = transfer(&h, &d.ana, &id, json!({"agent_id": d.ana_id})).await;
    assert_eq!((to_self.status, to_self.detail()), (409, "you cannot transfer a conversation to yourself"));
    assert_eq!(h.post("/api/v1/auth/logout", &d.lucia, json!({})).await.status, 204);
    let offline = transfer(&h, &d.ana, &id, json!({"agent_id": lucia_id})).await;
    assert_eq!((offline.status, offline.detail()), (409, "Lucía Fernández is offline"));
    let both = transfer(&h, &d.ana, &id, json!({"agent_id": d.marco_id, "team_id": "team_x"})).await;
    assert_eq!(both.status, 422);
    let nobody = transfer(&h, &d.ana, &id, json!({"agent_id": "usr_nobody"})).await;
    assert_eq!(nobody.status, 422);
    // Not hers: Marco may not transfer it.
    assert_eq!(transfer(&h, &d.marco, &id, json!({"agent_id": d.marco_id})).await.status, 404);
    // Queued ones must be accepted first; closed ones cannot be transferred.
    let queued = cid(&d.handoff(&h, &d.web, "Queued", "hi").await);
    let q = transfer(&h, &d.sup, &queued, json!({"agent_id": d.marco_id})).await;
    assert_eq!(q.status, 409, "{}", q.text);
    assert_eq!(h.post(&format!("/api/v1/conversations/{id}/close"), &d.ana, json!({})).await.status, 200);
    let closed = transfer(&h, &d.ana, &id, json!({"agent_id": d.marco_id})).await;
    assert_eq!((closed.status, closed.detail()), (409, "the conversation is closed; reopen it to transfer it"));
    // Nothing changed on refusals.
    assert_eq!(conv(&h, &d.admin, &id).await.body["transfer_count"], 0);
}

#[tokio::test]
async fn transfer_to_a_team_queues_it_for_that_team() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let lucia_id = h.user_id("lucia@example.com").await;
    let billing = h.post("/api/v1/teams", &d.admin, json!({"name": "Billing", "members": [lucia_id]})).await;
    let id = taken_by_ana(&h, &d, "Bill").await;
    assert_eq!(conv(&h, &d.lucia, &id).await.status, 404, "not Lucia's yet");
    let t = transfer(&h, &d.ana, &id, json!({"team_id": cid(&billing.body), "note": "invoice question"})).await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!((t.body["status"].as_str(), t.body["team_id"].as_str()), (Some("queued"), billing.body["id"].as_str()));
    // Lucia's team queue holds it: she sees it in Unassigned and takes it.
    assert_eq!(conv(&h, &d.lucia, &id).await.status, 200);
    let queue = h.get("/api/v1/conversations?view=unassigned", &d.lucia).await;
    assert_eq!(queue.body["items"].as_array().map(|i| i.iter().filter(|c| c["id"] == id.as_str()).count()), Some(1));
    let take = h.post(&format!("/api/v1/conversations/{id}/assign"), &d.lucia, json!({})).await;
    assert_eq!((take.status, take.body["assignee_id"].as_str()), (200, Some(lucia_id.as_str())));
    let timeline = h.get(&format!("/api/v1/conversations/{id}/timeline"), &d.admin).await;
    let texts: Vec<&str> =
        timeline.body["items"].as_array().expect("items").iter().filter_map(|m| m["text"].as_str()).collect();
    assert!(
        texts.contains(&"Ana Ruiz transferred the conversation to the team Billing: invoice question"),
        "{texts:?}"
    );
}

#[tokio::test]
async fn a_conference_lets_an_invited_agent_join_reply_and_leave() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let id = taken_by_ana(&h, &d, "Conf").await;
    let base = format!("/api/v1/conversations/{id}");
    assert_eq!(
        h.post(&format!("{base}/messages"), &d.lucia, json!({"text": "hi"})).await.status,
        404,
        "Lucia is not in it"
    );
    let lucia_id = h.user_id("lucia@example.com").await;
    let inv = h.post(&format!("{base}/conference"), &d.ana, json!({"agent_id": lucia_id})).await;
    assert_eq!((inv.status, inv.body["invited"][0].as_str()), (200, Some(lucia_id.as_str())));
    assert_eq!(
        h.post(&format!("{base}/conference"), &d.marco, json!({"agent_id": d.marco_id})).await.status,
        404,
        "Marco does not handle it"
    );
    let join = h.post(&format!("{base}/conference/accept"), &d.lucia, json!({})).await;
    assert_eq!((join.status, join.body["conference"][0].as_str()), (200, Some(lucia_id.as_str())));
    let reply = h.post(&format!("{base}/messages"), &d.lucia, json!({"text": "I can help with that"})).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let end = h.call(Method::DELETE, &format!("{base}/conference"), Some(&d.ana), None).await;
    assert_eq!((end.status, end.body["conference"].as_array().map(Vec::len)), (200, Some(0)));
    let after = h.post(&format!("{base}/messages"), &d.lucia, json!({"text": "one more"})).await;
    assert_eq!(after.status, 409, "left the conference: {}", after.text);
    let timeline = h.get(&format!("{base}/timeline"), &d.admin).await;
    let events: Vec<&str> =
        timeline.body["items"].as_array().expect("items").iter().filter_map(|m| m["event"].as_str()).collect();
    assert_eq!(events, ["handed_off", "assigned", "conference_invited", "conference_joined", "conference_ended"]);
    let joined = timeline.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|m| m["event"] == "conference_joined")
        .expect("joined");
    assert_eq!(joined["text"], "Lucía Fernández joined the conversation");
}

#[tokio::test]
async fn idle_answered_conversations_close_automatically() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let a = h
        .call(
            Method::PATCH,
            &format!("/api/v1/inboxes/{}", d.web),
            Some(&d.admin),
            Some(json!({"auto_close_secs": 300})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let answered = taken_by_ana(&h, &d, "Quiet").await;
    let waiting = taken_by_ana(&h, &d, "Waiting").await;
    h.clock.advance_secs(10);
    assert_eq!(
        h.post(&format!("/api/v1/conversations/{answered}/messages"), &d.ana, json!({"text": "Done, anything else?"}))
            .await
            .status,
        201
    );
    h.clock.advance_secs(299);
    assert_eq!(h.desk.settle().await.expect("settles").closed, 0, "one second early");
    h.clock.advance_secs(1);
    assert_eq!(h.desk.settle().await.expect("settles").closed, 1);
    let c = conv(&h, &d.admin, &answered).await;
    assert_eq!(
        (c.body["status"].as_str(), c.body["detailed_status"].as_str()),
        (Some("closed"), Some("closed_automatically"))
    );
    let w = conv(&h, &d.admin, &waiting).await;
    assert_eq!(w.body["status"], "open", "a customer waiting for an answer is never closed automatically");
}

#[tokio::test]
async fn timers_survive_a_restart() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let a = h
        .call(
            Method::PATCH,
            &format!("/api/v1/inboxes/{}", d.web),
            Some(&d.admin),
            Some(json!({"auto_close_secs": 300})),
        )
        .await;
    assert_eq!(a.status, 200);
    let idle = taken_by_ana(&h, &d, "Idle").await;
    assert_eq!(
        h.post(&format!("/api/v1/conversations/{idle}/messages"), &d.ana, json!({"text": "answered"})).await.status,
        201
    );
    let offered = taken_by_ana(&h, &d, "Offered").await;
    assert_eq!(transfer(&h, &d.ana, &offered, json!({"agent_id": d.marco_id})).await.status, 200);

    // Stop: drop every handle and wait for the data folder to be released.
    let Harness { client, desk, dir, .. } = h;
    let weak = desk.store().downgrade();
    drop(client);
    drop(desk);
    for _ in 0..200 {
        if !weak.is_open() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(!weak.is_open(), "the store closed");

    // Start again 10 minutes later: the first settle fires both timers.
    let h = Harness::open(dir, false).await;
    h.clock.set(START.plus_secs(600));
    let done = h.desk.settle().await.expect("settles");
    assert_eq!((done.expired, done.closed), (1, 1));
    assert_eq!(conv(&h, &d.admin, &offered).await.body["status"], "queued");
    assert_eq!(conv(&h, &d.admin, &idle).await.body["detailed_status"], "closed_automatically");
}

#[tokio::test]
async fn transfer_targets_are_the_inbox_agents_with_their_load_and_its_teams() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let id = taken_by_ana(&h, &d, "Tina").await;
    let a = h.get(&format!("/api/v1/conversations/{id}/transfer-targets"), &d.ana).await;
    assert_eq!(a.status, 200, "{}", a.text);
    let agents = a.body["agents"].as_array().expect("agents");
    assert_eq!(agents.len(), 1, "Marco; Ana herself is left out: {}", a.text);
    assert_eq!(agents[0]["id"], d.marco_id.as_str());
    assert_eq!(agents[0]["name"], "Marco Bianchi");
    assert_eq!((agents[0]["active"].as_u64(), agents[0]["capacity"].as_u64()), (Some(0), Some(5)));
    assert_eq!(a.body["teams"][0]["name"], "Support");
    // Lucía serves no inbox of this conversation: it does not exist for her.
    assert_eq!(h.get(&format!("/api/v1/conversations/{id}/transfer-targets"), &d.lucia).await.status, 404);
}
