//! One visibility rule (F3) on every surface: for each viewer, the list of everything they may
//! see, search, the export, the monitor and the live event stream name the same conversations.
//! (The rule itself is checked against F3 over generated cases in `domain::visibility`.)

use std::collections::BTreeSet;

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use crate::events::{Sse, about, created};
use serde_json::json;

type Ids = BTreeSet<String>;

/// Every conversation in the `all` view of `token`, following the cursors.
async fn listed(h: &Harness, token: &str) -> Ids {
    let (mut ids, mut cursor) = (Ids::new(), String::new());
    loop {
        let a = h.get(&format!("/api/v1/conversations?view=all&limit=2{cursor}"), token).await;
        assert_eq!(a.status, 200, "{}", a.text);
        ids.extend(a.body["items"].as_array().expect("items").iter().map(cid));
        match a.body["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => return ids,
        }
    }
}

async fn searched(h: &Harness, token: &str) -> Ids {
    let a = h.get("/api/v1/search?q=zebrafish&limit=500", token).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(
        a.body["total"].as_u64(),
        a.body["items"].as_array().map(|i| i.len() as u64),
        "the total counts the same"
    );
    a.body["items"].as_array().expect("items").iter().map(|i| cid(&i["conversation"])).collect()
}

async fn exported(h: &Harness, token: &str) -> Ids {
    let resp =
        h.client.get("/api/v1/conversations/export").header("Authorization", format!("Bearer {token}")).send().await.0;
    assert_eq!(resp.status().as_u16(), 200);
    let bytes = resp.into_body().into_vec().await.expect("body");
    let mut r = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
    r.records().map(|rec| rec.expect("record")[1].to_string()).collect()
}

async fn monitored(h: &Harness, token: &str) -> Ids {
    let a = h.get("/api/v1/monitor/conversations?limit=500", token).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["items"].as_array().expect("items").iter().map(|c| c["id"].as_str().expect("id").to_string()).collect()
}

#[tokio::test]
async fn lists_search_exports_the_monitor_and_live_events_show_the_same_conversations() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let support = h.get("/api/v1/teams", &d.admin).await.body["items"][0]["id"].as_str().expect("team").to_string();
    let lucia_id = h.user_id("lucia@example.com").await;
    let nights = h.post("/api/v1/teams", &d.admin, json!({"name": "Nights", "members": [lucia_id]})).await;
    let nights = cid(&nights.body);
    let patch = json!({"team_ids": [nights]});
    assert_eq!(
        h.call(poem::http::Method::PATCH, &format!("/api/v1/inboxes/{}", d.other), Some(&d.admin), Some(patch))
            .await
            .status,
        200
    );

    let conv = |inbox: &'static str, name: &'static str| {
        let (h, d) = (&h, &d);
        async move {
            let inbox = if inbox == "web" { &d.web } else { &d.other };
            cid(&d.handoff(h, inbox, name, &format!("{name} asks about the zebrafish order")).await)
        }
    };
    let queued_web = conv("web", "Ada").await;
    let queued_other = conv("other", "Bo").await;
    let anas = conv("web", "Cy").await;
    let marcos = conv("web", "Di").await;
    let to_team = conv("other", "Ed").await;
    let closed = conv("web", "Flo").await;
    let assign = |id: String, user: String| {
        let h = &h;
        let admin = d.admin.clone();
        async move {
            assert_eq!(
                h.post(&format!("/api/v1/conversations/{id}/assign"), &admin, json!({"user_id": user})).await.status,
                200
            )
        }
    };
    assign(anas.clone(), d.ana_id.clone()).await;
    assign(marcos.clone(), d.marco_id.clone()).await;
    assign(to_team.clone(), d.marco_id.clone()).await;
    assign(closed.clone(), d.ana_id.clone()).await;
    let t = h.post(&format!("/api/v1/conversations/{to_team}/transfer"), &d.marco, json!({"team_id": support})).await;
    assert_eq!(t.status, 200, "{}", t.text);
    assert_eq!(h.post(&format!("/api/v1/conversations/{closed}/close"), &d.ana, json!({})).await.status, 200);
    h.desk.index_now().expect("indexed");

    let viewers =
        [("ana", &d.ana), ("marco", &d.marco), ("lucia", &d.lucia), ("supervisor", &d.sup), ("admin", &d.admin)];
    let mut seen = Vec::new();
    for (who, token) in viewers {
        let all = listed(&h, token).await;
        assert_eq!(searched(&h, token).await, all, "{who}: search");
        assert_eq!(exported(&h, token).await, all, "{who}: export");
        if who == "supervisor" || who == "admin" {
            let open: Ids = all.iter().filter(|id| **id != closed).cloned().collect();
            assert_eq!(monitored(&h, token).await, open, "{who}: monitor (not closed)");
        }
        seen.push((who, token, all));
    }
    // The rule as a person reads it, on a few cases.
    let sees = |who: &str, id: &str| seen.iter().any(|(w, _, all)| *w == who && all.contains(id));
    assert!(sees("ana", &queued_web) && sees("marco", &queued_web) && !sees("lucia", &queued_web), "inbox queue");
    assert!(sees("lucia", &queued_other) && !sees("ana", &queued_other), "another team's inbox queue");
    assert!(sees("ana", &anas) && !sees("marco", &anas), "assigned to one agent");
    // Transferred to Support while queued in Other: Support's members see it through the team's
    // queue, Other's (Lucia) through the inbox's.
    assert!(sees("ana", &to_team) && sees("marco", &to_team) && sees("lucia", &to_team), "team and inbox queues");
    assert!(sees("ana", &closed) && !sees("lucia", &closed), "closed, still the assignee's history");
    assert!(sees("supervisor", &closed) && sees("admin", &queued_other), "supervisors and admins see all");

    // Live events: a change to every conversation reaches exactly those who see it. Streams
    // resume from the start of the log (`Last-Event-ID: 0`), so none misses a change made while
    // it was opening; the backlog is filtered by the same rule.
    let mut streams = Vec::new();
    for (who, token, all) in &seen {
        streams.push((*who, Sse::open(&h, token, Some(0)).await, all.clone()));
    }
    let ids = [&queued_web, &queued_other, &anas, &marcos, &to_team, &closed];
    for id in ids {
        let patch = json!({"subject": "zebrafish, updated"});
        let a = h
            .call(poem::http::Method::PATCH, &format!("/api/v1/conversations/{id}"), Some(&d.admin), Some(patch))
            .await;
        assert_eq!(a.status, 200, "{}", a.text);
    }
    // A last conversation everyone sees closes each stream's reading.
    let everyone = h
        .post("/api/v1/teams", &d.admin, json!({"name": "Everyone", "members": [d.ana_id, d.marco_id, lucia_id]}))
        .await;
    let last_inbox =
        h.post("/api/v1/inboxes", &d.admin, json!({"name": "Last", "team_ids": [cid(&everyone.body)]})).await;
    let last = cid(&d.handoff(&h, &cid(&last_inbox.body), "Zed", "last one").await);
    for (who, mut stream, all) in streams {
        let got = stream.until(created(&last)).await;
        let about_ids: Ids =
            got.iter().filter_map(about).filter(|id| ids.iter().any(|i| *i == id)).map(str::to_string).collect();
        assert_eq!(about_ids, all, "{who}: live events");
    }
}
