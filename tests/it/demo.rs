//! `serve --demo`: a workspace where every view has something in it.

use std::collections::BTreeSet;

use crate::common::Harness;
use serde_json::Value;

async fn all_pages(h: &Harness, query: &str, token: &str) -> Vec<Value> {
    let mut items = Vec::new();
    let mut path = format!("/api/v1/conversations?{query}&limit=500");
    loop {
        let page = h.get(&path, token).await;
        assert_eq!(page.status, 200, "{}", page.text);
        items.extend(page.body["items"].as_array().cloned().unwrap_or_default());
        match page.body["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/conversations?{query}&limit=500&cursor={c}"),
            None => return items,
        }
    }
}

#[tokio::test]
async fn the_demo_workspace_fills_every_view() {
    let h = Harness::new().await;
    let report = h.desk.seed_demo_workspace().await.expect("seeds").expect("first time");
    assert_eq!((report.contacts, report.conversations), (200, 500));
    assert!(report.messages > 2_000, "{report:?}");
    assert!(h.desk.seed_demo_workspace().await.expect("runs").is_none(), "only once");

    let sup = h.demo("supervisor").await;
    let everything = all_pages(&h, "view=all&sort=created", &sup).await;
    assert_eq!(everything.len(), 500);
    let numbers: BTreeSet<u64> = everything.iter().filter_map(|c| c["number"].as_u64()).collect();
    assert_eq!(numbers, (1001..=1500).collect::<BTreeSet<u64>>());
    let statuses: BTreeSet<&str> = everything.iter().filter_map(|c| c["status"].as_str()).collect();
    assert_eq!(statuses, BTreeSet::from(["closed", "open", "pending", "queued"]));
    let subjects: BTreeSet<&str> = everything.iter().filter_map(|c| c["subject"].as_str()).collect();
    assert!(
        subjects.contains("Where is my order?")
            && subjects.contains("Dov'è il mio ordine?")
            && subjects.contains("¿Dónde está mi pedido?")
    );

    for agent in ["ana", "marco", "lucia"] {
        let token = h.demo(agent).await;
        for view in ["mine", "unassigned", "all"] {
            assert!(
                !all_pages(&h, &format!("view={view}"), &token).await.is_empty(),
                "{agent} has an empty {view} view"
            );
        }
    }
    let ana = h.demo("ana").await;
    for path in [
        "/api/v1/inboxes",
        "/api/v1/teams",
        "/api/v1/labels",
        "/api/v1/wrap-up-reasons",
        "/api/v1/canned-responses",
        "/api/v1/contacts",
    ] {
        assert!(h.get(path, &ana).await.body["items"].as_array().is_some_and(|a| !a.is_empty()), "{path} is empty");
    }
    let first = &everything[everything.len() - 1];
    let tl = h.get(&format!("/api/v1/conversations/{}/timeline", first["id"].as_str().expect("id")), &sup).await;
    assert!(tl.body["items"].as_array().is_some_and(|a| !a.is_empty()));
}
