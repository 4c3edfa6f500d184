//! Configuration resources: teams, inboxes, labels, canned responses, wrap-up reasons and
//! settings, with their role rules, validation and conflicts.

use crate::common::Harness;
use poem::http::Method;
use serde_json::{Value, json};

fn ids(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map(|a| a.iter().map(|i| i["id"].as_str().unwrap_or("").to_string()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn only_admins_configure_but_everyone_reads() {
    let h = Harness::new().await;
    let (admin, sup, agent) = (h.demo("admin").await, h.demo("supervisor").await, h.demo("ana").await);
    for (path, body) in [
        ("/api/v1/teams", json!({"name": "Sales"})),
        ("/api/v1/inboxes", json!({"name": "Web chat"})),
        ("/api/v1/labels", json!({"name": "vip"})),
        ("/api/v1/wrap-up-reasons", json!({"name": "Solved"})),
    ] {
        assert_eq!(h.post(path, &agent, body.clone()).await.status, 403, "agent POST {path}");
        assert_eq!(h.post(path, &sup, body.clone()).await.status, 403, "supervisor POST {path}");
        assert_eq!(h.post(path, &admin, body).await.status, 201, "admin POST {path}");
        let list = h.get(path, &agent).await;
        assert_eq!(list.status, 200);
        assert_eq!(list.body["items"].as_array().map(Vec::len), Some(1), "{path}");
    }
    let patch = h.call(Method::PATCH, "/api/v1/settings", Some(&agent), Some(json!({"name": "Mine"}))).await;
    assert_eq!(patch.status, 403);
}

#[tokio::test]
async fn teams_check_members_and_unique_names() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let ana = h.user_id("ana@example.com").await;
    let marco = h.user_id("marco@example.com").await;
    let t = h.post("/api/v1/teams", &admin, json!({"name": "Soporte", "members": [ana, marco, ana]})).await;
    assert_eq!(t.status, 201, "{}", t.text);
    assert_eq!(t.body["members"].as_array().map(Vec::len), Some(2), "duplicates are dropped");
    let dup = h.post("/api/v1/teams", &admin, json!({"name": "  soporte "})).await;
    assert_eq!(dup.status, 409);
    let bad = h.post("/api/v1/teams", &admin, json!({"name": "Ghosts", "members": ["usr_nobody"]})).await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["errors"][0]["field"], "members");
    assert_eq!(h.get("/api/v1/teams", &admin).await.body["items"].as_array().map(Vec::len), Some(1));
    let ana_me = h.get("/api/v1/me", &h.demo("ana").await).await;
    assert_eq!(ana_me.body["team_ids"], json!([t.body["id"]]), "/me lists the user's teams");
    let no_name = h.post("/api/v1/teams", &admin, json!({})).await;
    assert_eq!(no_name.status, 422);
}

#[tokio::test]
async fn inboxes_have_defaults_limits_and_lose_deleted_teams() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let team =
        h.post("/api/v1/teams", &admin, json!({"name": "Support"})).await.body["id"].as_str().expect("id").to_string();
    let inbox = h.post("/api/v1/inboxes", &admin, json!({"name": "Web", "team_ids": [team]})).await;
    assert_eq!(inbox.status, 201, "{}", inbox.text);
    assert_eq!(inbox.body["channel"], "livechat");
    assert_eq!(inbox.body["assignment"], "manual");
    assert_eq!(inbox.body["offer_timeout_secs"], 30);
    assert_eq!(inbox.body["auto_close_secs"], 86400);
    assert_eq!(inbox.body["wrap_up_required"], false);
    let id = inbox.body["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/inboxes/{id}");

    let bad =
        h.call(Method::PATCH, &path, Some(&admin), Some(json!({"offer_timeout_secs": 2, "auto_close_secs": 10}))).await;
    assert_eq!(bad.status, 422);
    let fields: Vec<_> = bad.body["errors"].as_array().expect("errors").iter().map(|e| e["field"].clone()).collect();
    assert_eq!(fields, [json!("offer_timeout_secs"), json!("auto_close_secs")]);
    assert_eq!(h.get(&path, &admin).await.body["offer_timeout_secs"], 30, "nothing changed");
    // The monitor's wait thresholds: 2 and 5 minutes unless set; red must come after amber.
    assert_eq!((inbox.body["wait_amber_secs"].as_u64(), inbox.body["wait_red_secs"].as_u64()), (Some(120), Some(300)));
    let late = h.call(Method::PATCH, &path, Some(&admin), Some(json!({"wait_amber_secs": 600}))).await;
    assert_eq!(late.status, 422, "{}", late.text);
    assert_eq!(late.body["errors"][0]["field"], "wait_red_secs", "{}", late.text);
    let set =
        h.call(Method::PATCH, &path, Some(&admin), Some(json!({"wait_amber_secs": 60, "wait_red_secs": 90}))).await;
    assert_eq!(
        (set.status, set.body["wait_amber_secs"].as_u64(), set.body["wait_red_secs"].as_u64()),
        (200, Some(60), Some(90))
    );
    // An inbox's channel cannot change: changes have no such field.
    let channel = h.call(Method::PATCH, &path, Some(&admin), Some(json!({"channel": "api"}))).await;
    assert_eq!(channel.status, 400);
    assert!(channel.detail().contains("channel"), "{}", channel.detail());
    let unknown_team = h.call(Method::PATCH, &path, Some(&admin), Some(json!({"team_ids": ["team_x"]}))).await;
    assert_eq!(unknown_team.status, 422);
    let ok = h
        .call(Method::PATCH, &path, Some(&admin), Some(json!({"assignment": "round_robin", "wrap_up_required": true})))
        .await;
    assert_eq!(
        (ok.body["assignment"].as_str(), ok.body["wrap_up_required"].as_bool()),
        (Some("round_robin"), Some(true))
    );

    assert_eq!(h.call(Method::DELETE, &format!("/api/v1/teams/{team}"), Some(&admin), None).await.status, 204);
    assert_eq!(h.get(&path, &admin).await.body["team_ids"], json!([]));
    assert_eq!(h.call(Method::DELETE, &path, Some(&admin), None).await.status, 204);
    assert_eq!(h.get(&path, &admin).await.status, 404);
}

#[tokio::test]
async fn labels_and_wrap_up_reasons() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let vip = h.post("/api/v1/labels", &admin, json!({"name": "VIP", "color": "#F59E0B"})).await;
    assert_eq!(vip.body["color"], "#f59e0b");
    assert_eq!(h.post("/api/v1/labels", &admin, json!({"name": "vip"})).await.status, 409);
    assert_eq!(h.post("/api/v1/labels", &admin, json!({"name": "red", "color": "red"})).await.status, 422);
    let id = vip.body["id"].as_str().expect("id").to_string();
    assert_eq!(h.call(Method::DELETE, &format!("/api/v1/labels/{id}"), Some(&admin), None).await.status, 204);
    assert!(ids(&h.get("/api/v1/labels", &admin).await.body).is_empty());

    let solved = h.post("/api/v1/wrap-up-reasons", &admin, json!({"name": "Solved"})).await.body["id"]
        .as_str()
        .expect("id")
        .to_string();
    let archived = h.call(Method::DELETE, &format!("/api/v1/wrap-up-reasons/{solved}"), Some(&admin), None).await;
    assert_eq!(archived.body["archived"], true);
    // An archived name may be reused by a live reason.
    assert_eq!(h.post("/api/v1/wrap-up-reasons", &admin, json!({"name": "Solved"})).await.status, 201);
    assert_eq!(h.get("/api/v1/wrap-up-reasons", &admin).await.body["items"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn canned_responses_follow_their_scope() {
    let h = Harness::new().await;
    let (admin, sup, ana, marco) =
        (h.demo("admin").await, h.demo("supervisor").await, h.demo("ana").await, h.demo("marco").await);
    let ana_id = h.user_id("ana@example.com").await;
    let team = h.post("/api/v1/teams", &admin, json!({"name": "Ventas", "members": [ana_id]})).await.body["id"]
        .as_str()
        .expect("id")
        .to_string();

    let mine = h
        .post(
            "/api/v1/canned-responses",
            &ana,
            json!({"shortcut": "/hola", "title": "Saludo", "body": "Hola {{contact.name}}, soy {{agent.name}}."}),
        )
        .await;
    assert_eq!(mine.status, 201, "{}", mine.text);
    assert_eq!(mine.body["scope"], "personal");
    assert_eq!(mine.body["shortcut"], "hola");
    assert_eq!(
        h.post("/api/v1/canned-responses", &ana, json!({"shortcut": "hola", "title": "Again", "body": "x"}))
            .await
            .status,
        409
    );
    assert_eq!(
        h.post(
            "/api/v1/canned-responses",
            &ana,
            json!({"scope": "global", "shortcut": "g", "title": "G", "body": "x"})
        )
        .await
        .status,
        403
    );
    let typo = h
        .post("/api/v1/canned-responses", &ana, json!({"shortcut": "t", "title": "T", "body": "Hi {{contact.nmae}}"}))
        .await;
    assert_eq!(typo.status, 422);
    assert!(typo.detail().contains("contact.nmae"), "{}", typo.detail());

    assert_eq!(
        h.post(
            "/api/v1/canned-responses",
            &sup,
            json!({"scope": "team", "team_id": team, "shortcut": "price", "title": "Prices", "body": "See our prices."})
        )
        .await
        .status,
        201
    );
    assert_eq!(
        h.post(
            "/api/v1/canned-responses",
            &admin,
            json!({"scope": "global", "shortcut": "bye", "title": "Bye", "body": "Goodbye!"})
        )
        .await
        .status,
        201
    );

    let for_ana = h.get("/api/v1/canned-responses", &ana).await;
    assert_eq!(for_ana.body["items"].as_array().map(Vec::len), Some(3), "personal + team + global");
    let for_marco = h.get("/api/v1/canned-responses", &marco).await;
    assert_eq!(for_marco.body["items"].as_array().map(Vec::len), Some(1), "only the global one");

    let id = mine.body["id"].as_str().expect("id").to_string();
    let path = format!("/api/v1/canned-responses/{id}");
    assert_eq!(h.call(Method::PATCH, &path, Some(&marco), Some(json!({"title": "Mine now"}))).await.status, 404);
    assert_eq!(h.call(Method::DELETE, &path, Some(&marco), None).await.status, 404);
    assert_eq!(
        h.call(Method::PATCH, &path, Some(&ana), Some(json!({"title": "Saludo cordial"}))).await.body["title"],
        "Saludo cordial"
    );
    assert_eq!(h.call(Method::DELETE, &path, Some(&ana), None).await.status, 204);
}

#[tokio::test]
async fn settings_have_defaults_and_are_validated() {
    let h = Harness::new().await;
    let admin = h.demo("admin").await;
    let s = h.get("/api/v1/settings", &admin).await;
    assert_eq!((s.body["language"].as_str(), s.body["max_message_chars"].as_u64()), (Some("en"), Some(10_000)));
    let bad = h
        .call(Method::PATCH, "/api/v1/settings", Some(&admin), Some(json!({"language": "fr", "time_zone": "nowhere"})))
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.body["errors"].as_array().map(Vec::len), Some(2));
    let ok = h
        .call(
            Method::PATCH,
            "/api/v1/settings",
            Some(&admin),
            Some(json!({"name": "Acme Help", "language": "it", "time_zone": "Europe/Rome"})),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(h.get("/api/v1/settings", &h.demo("ana").await).await.body["time_zone"], "Europe/Rome");
}
