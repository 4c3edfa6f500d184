//! The supervisor monitor (F26–F28) through HTTP with a manual clock: the conversations and
//! agents tabs, their times, search and filters, pages, who may watch, and supervisors acting
//! through the ordinary transfer and close endpoints.

use crate::common::desk::{Desk, cid};
use crate::common::{Answer, Harness};
use poem::http::Method;
use serde_json::{Value, json};

async fn start(h: &Harness, d: &Desk, inbox: &str, contact: Value) -> String {
    let body = json!({"inbox_id": inbox, "contact": contact, "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "hello"}]}});
    let a = h.post("/api/v1/conversations", &d.admin, body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    cid(&a.body)
}

async fn act(h: &Harness, token: &str, id: &str, action: &str, body: Value) -> Answer {
    h.post(&format!("/api/v1/conversations/{id}/{action}"), token, body).await
}

async fn tab(h: &Harness, token: &str, path: &str) -> Answer {
    h.get(&format!("/api/v1/monitor/{path}"), token).await
}

/// The ids (conversations) or names (agents) of a page, in order.
fn listed(a: &Answer, key: &str) -> Vec<String> {
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["items"].as_array().expect("items").iter().filter_map(|i| i[key].as_str().map(str::to_string)).collect()
}

async fn support_team(h: &Harness, d: &Desk) -> String {
    let teams = h.get("/api/v1/teams", &d.admin).await;
    teams.body["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["name"] == "Support")
        .and_then(|t| t["id"].as_str())
        .expect("Support")
        .to_string()
}

#[tokio::test]
async fn the_conversations_tab_shows_live_conversations_searched_and_filtered() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let support = support_team(&h, &d).await;
    let maria = start(&h, &d, &d.web, json!({"name": "María López", "phone": "+39 333 123 4567"})).await;
    h.clock.advance_secs(10);
    assert_eq!(act(&h, &d.ana, &maria, "assign", json!({})).await.status, 200);
    h.clock.advance_secs(5);
    let bob = start(&h, &d, &d.api, json!({"name": "Bob Stone", "email": "bob@acme.io"})).await;
    h.clock.advance_secs(5);
    let carla = start(&h, &d, &d.web, json!({"name": "Carla Diaz"})).await;
    assert_eq!(act(&h, &d.marco, &carla, "assign", json!({})).await.status, 200);
    assert_eq!(act(&h, &d.marco, &carla, "close", json!({})).await.status, 200);
    let dmitri = start(&h, &d, &d.other, json!({"name": "Dmitri"})).await;
    h.clock.advance_secs(40);

    // Not closed, longest waiting first.
    let all = tab(&h, &d.sup, "conversations").await;
    assert_eq!(listed(&all, "id"), [maria.as_str(), bob.as_str(), dmitri.as_str()]);
    let row = &all.body["items"][0];
    assert_eq!(
        (row["number"].as_u64(), row["channel"].as_str(), row["status"].as_str(), row["detailed_status"].as_str()),
        (Some(1001), Some("livechat"), Some("open"), Some("customer_waiting"))
    );
    assert_eq!(
        (row["customer"]["name"].as_str(), row["agent"].clone(), row["inbox"]["name"].as_str()),
        (Some("María López"), json!({"id": d.ana_id, "name": "Ana Ruiz"}), Some("Web"))
    );
    assert_eq!(row["teams"], json!([{"id": support, "name": "Support"}]));
    assert_eq!(
        (row["time_in_status_secs"].as_i64(), row["duration_secs"].as_i64(), row["transfers"].as_u64()),
        (Some(50), Some(0), Some(0)),
        "open for 50 s"
    );
    assert_eq!(
        (row["created_at"].as_str(), row["updated_at"].as_str()),
        (Some("2026-01-05T09:00:00Z"), Some("2026-01-05T09:00:10Z"))
    );
    assert_eq!(all.body["items"][1]["time_in_status_secs"], 45, "Bob queued for 45 s");
    assert_eq!(all.body["items"][2]["teams"], json!([]), "no team serves Other");

    // Filters, alone and together.
    let ids = |a: &Answer| listed(a, "id");
    assert_eq!(ids(&tab(&h, &d.sup, "conversations?status=queued").await), [bob.as_str(), dmitri.as_str()]);
    assert_eq!(ids(&tab(&h, &d.sup, "conversations?status=closed").await), [carla.as_str()]);
    assert_eq!(
        ids(&tab(&h, &d.sup, "conversations?status=closed&status=open").await),
        [maria.as_str(), carla.as_str()]
    );
    assert_eq!(ids(&tab(&h, &d.sup, &format!("conversations?agent_id={}", d.ana_id)).await), [maria.as_str()]);
    assert_eq!(
        ids(&tab(&h, &d.sup, &format!("conversations?team_id={support}")).await),
        [maria.as_str(), bob.as_str()]
    );
    assert_eq!(ids(&tab(&h, &d.sup, "conversations?channel=api").await), [bob.as_str()]);
    assert_eq!(
        ids(&tab(&h, &d.sup, &format!("conversations?channel=livechat&team_id={support}")).await),
        [maria.as_str()]
    );
    // Search: customer name (accents and case ignored), phone digits, email, agent name.
    for (q, want) in [
        ("lopez", &maria),
        ("MARIA", &maria),
        ("333%20123", &maria),
        ("acme.IO", &bob),
        ("ana%20ruiz", &maria),
        ("dmi", &dmitri),
    ] {
        assert_eq!(ids(&tab(&h, &d.sup, &format!("conversations?q={q}")).await), [want.as_str()], "q={q}");
    }
    assert!(ids(&tab(&h, &d.sup, "conversations?q=nobody").await).is_empty());
    assert!(ids(&tab(&h, &d.sup, "conversations?q=carla").await).is_empty(), "closed ones only when asked for");
    assert_eq!(ids(&tab(&h, &d.sup, "conversations?q=carla&status=closed").await), [carla.as_str()]);

    // Pages follow cursors.
    let first = tab(&h, &d.admin, "conversations?limit=2").await;
    assert_eq!(ids(&first), [maria.as_str(), bob.as_str()]);
    let cursor = first.body["next_cursor"].as_str().expect("more");
    let rest = tab(&h, &d.admin, &format!("conversations?limit=2&cursor={cursor}")).await;
    assert_eq!((ids(&rest), rest.body["next_cursor"].clone()), (vec![dmitri.clone()], Value::Null));

    // Supervisors and admins only; bad input is refused with a reason.
    let no = tab(&h, &d.ana, "conversations").await;
    assert_eq!((no.status, no.header("content-type")), (403, Some("application/problem+json")));
    let long = tab(&h, &d.sup, &format!("conversations?q={}", "x".repeat(201))).await;
    assert_eq!((long.status, long.body["errors"][0]["field"].as_str()), (422, Some("q")));
    let lost = tab(&h, &d.sup, "conversations?status=lost").await;
    assert_eq!((lost.status, lost.body["errors"][0]["field"].as_str()), (422, Some("status")));
    let zero = tab(&h, &d.sup, "conversations?limit=0").await;
    assert_eq!((zero.status, zero.body["errors"][0]["message"].as_str()), (422, Some("must be at least 1")));
}

#[tokio::test]
async fn the_agents_tab_shows_status_time_load_transfers_and_teams() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let support = support_team(&h, &d).await;
    let one = start(&h, &d, &d.web, json!({"name": "One"})).await;
    let two = start(&h, &d, &d.web, json!({"name": "Two"})).await;
    for id in [&one, &two] {
        assert_eq!(act(&h, &d.ana, id, "assign", json!({})).await.status, 200);
    }
    h.clock.advance_secs(100);
    let away = h.call(Method::PUT, "/api/v1/me/status", Some(&d.ana), Some(json!({"status": "away"}))).await;
    assert_eq!(away.status, 200, "{}", away.text);
    h.clock.advance_secs(10);
    // Marco has 30 s to answer the transfer; the tab is read 15 s later.
    assert_eq!(act(&h, &d.ana, &two, "transfer", json!({"agent_id": d.marco_id})).await.status, 200);
    h.clock.advance_secs(15);

    let all = tab(&h, &d.sup, "agents").await;
    assert_eq!(
        listed(&all, "name"),
        ["Alex Admin", "Sofia Supervisor", "Ana Ruiz", "Marco Bianchi", "Lucía Fernández"],
        "active users in creation order"
    );
    let row = |name: &str| {
        all.body["items"].as_array().expect("items").iter().find(|r| r["name"] == name).cloned().expect("row")
    };
    let ana = row("Ana Ruiz");
    assert_eq!(
        (ana["status"].as_str(), ana["time_in_status_secs"].as_i64(), ana["status_since"].as_str()),
        (Some("away"), Some(25), Some("2026-01-05T09:01:40Z"))
    );
    assert_eq!(
        (
            ana["active_conversations"].as_u64(),
            ana["capacity"].as_u64(),
            ana["busy"].as_bool(),
            ana["transfers_made"].as_u64()
        ),
        (Some(1), Some(5), Some(false), Some(1))
    );
    assert_eq!(ana["teams"], json!([{"id": support, "name": "Support"}]));
    let marco = row("Marco Bianchi");
    assert_eq!(
        (marco["status"].as_str(), marco["time_in_status_secs"].as_i64(), marco["active_conversations"].as_u64()),
        (Some("available"), Some(125), Some(1)),
        "signed in at 09:00; holds the transfer offer"
    );
    assert_eq!(
        (row("Lucía Fernández")["teams"].clone(), row("Alex Admin")["role"].as_str()),
        (json!([]), Some("admin"))
    );

    let names = |a: &Answer| listed(a, "name");
    assert_eq!(names(&tab(&h, &d.sup, "agents?status=away").await), ["Ana Ruiz"]);
    assert_eq!(names(&tab(&h, &d.sup, "agents?status=away&status=available").await).len(), 5);
    assert_eq!(names(&tab(&h, &d.sup, &format!("agents?team_id={support}")).await), ["Ana Ruiz", "Marco Bianchi"]);
    assert_eq!(names(&tab(&h, &d.sup, "agents?channel=api").await), ["Ana Ruiz", "Marco Bianchi"]);
    assert_eq!(names(&tab(&h, &d.sup, &format!("agents?agent_id={}", d.marco_id)).await), ["Marco Bianchi"]);
    assert_eq!(names(&tab(&h, &d.sup, "agents?q=LUCIA").await), ["Lucía Fernández"]);
    assert_eq!(names(&tab(&h, &d.sup, "agents?q=bianchi").await), ["Marco Bianchi"]);
    assert_eq!(names(&tab(&h, &d.sup, "agents?q=example.com").await).len(), 5);

    // Pages of two.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("agents?limit=2&cursor={c}"),
            None => "agents?limit=2".into(),
        };
        let page = tab(&h, &d.admin, &path).await;
        seen.extend(names(&page));
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, names(&all));
    assert_eq!(tab(&h, &d.lucia, "agents").await.status, 403);
}

#[tokio::test]
async fn supervisors_act_from_the_monitor_through_transfer_and_close() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let id = start(&h, &d, &d.web, json!({"name": "Elena"})).await;
    assert_eq!(act(&h, &d.ana, &id, "assign", json!({})).await.status, 200);
    // Transfer someone else's conversation: counted on it and on the supervisor.
    let moved =
        act(&h, &d.sup, &id, "transfer", json!({"agent_id": d.marco_id, "note": "Marco knows this customer"})).await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    assert_eq!(act(&h, &d.marco, &id, "accept", json!({})).await.status, 200);
    let rows = tab(&h, &d.sup, "conversations").await;
    assert_eq!(
        (rows.body["items"][0]["agent"]["name"].as_str(), rows.body["items"][0]["transfers"].as_u64()),
        (Some("Marco Bianchi"), Some(1))
    );
    let sup = tab(&h, &d.sup, "agents?q=sofia").await;
    assert_eq!(sup.body["items"][0]["transfers_made"], 1);
    // Ending it needs a justification, since it is not the supervisor's own.
    let refused = act(&h, &d.sup, &id, "close", json!({})).await;
    assert_eq!(
        (refused.status, refused.body["errors"][0]["field"].as_str()),
        (422, Some("justification")),
        "{}",
        refused.text
    );
    let closed = act(&h, &d.sup, &id, "close", json!({"justification": "duplicate of #1000"})).await;
    assert_eq!(
        (closed.status, closed.body["detailed_status"].as_str()),
        (200, Some("closed_by_supervisor")),
        "{}",
        closed.text
    );
    assert!(listed(&tab(&h, &d.sup, "conversations").await, "id").is_empty(), "gone from the live tab");
}

#[tokio::test]
async fn the_summary_counts_what_the_tabs_list() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let maria = start(&h, &d, &d.web, json!({"name": "María López"})).await;
    assert_eq!(act(&h, &d.ana, &maria, "assign", json!({})).await.status, 200);
    h.clock.advance_secs(5);
    let _bob = start(&h, &d, &d.api, json!({"name": "Bob Stone"})).await;
    let carla = start(&h, &d, &d.web, json!({"name": "Carla Diaz"})).await;
    assert_eq!(act(&h, &d.marco, &carla, "assign", json!({})).await.status, 200);
    assert_eq!(act(&h, &d.marco, &carla, "close", json!({})).await.status, 200);
    h.clock.advance_secs(30);

    let sum = tab(&h, &d.sup, "summary").await;
    assert_eq!(sum.status, 200, "{}", sum.text);
    let n = |k: &str| sum.body[k].as_u64().unwrap_or(u64::MAX);
    assert_eq!((n("queued"), n("offered"), n("open"), n("pending")), (1, 0, 1, 0), "{}", sum.text);
    // María has waited since her conversation began, the longest of all.
    assert_eq!(sum.body["longest_waiting_since"], "2026-01-05T09:00:00Z", "{}", sum.text);
    // Agents by status: the same as the agents tab says.
    let agents = tab(&h, &d.sup, "agents?limit=500").await;
    let statuses: Vec<String> = listed(&agents, "status");
    for (key, status) in [
        ("agents_available", "available"),
        ("agents_away", "away"),
        ("agents_rona", "rona"),
        ("agents_offline", "offline"),
    ] {
        assert_eq!(n(key), statuses.iter().filter(|s| *s == status).count() as u64, "{key}: {}", sum.text);
    }
    // Agents may not watch.
    let refused = tab(&h, &d.ana, "summary").await;
    assert_eq!(refused.status, 403, "{}", refused.text);
}
