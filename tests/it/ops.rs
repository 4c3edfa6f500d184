//! Operations endpoints, metrics and the embedded pages.

use crate::common::Harness;
use poem::http::Method;

async fn text(h: &Harness, path: &str) -> (u16, poem::http::HeaderMap, String) {
    let resp = h.client.get(path).send().await.0;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    (status, headers, resp.into_body().into_string().await.expect("body"))
}

#[tokio::test]
async fn health_and_readiness() {
    let h = Harness::new().await;
    assert_eq!(text(&h, "/healthz").await.0, 200);
    let (status, _, body) = text(&h, "/readyz").await;
    assert_eq!((status, body.as_str()), (200, "ready\n"));
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_exactly() {
    let h = Harness::new().await;
    for _ in 0..3 {
        text(&h, "/healthz").await;
    }
    for _ in 0..2 {
        h.call(Method::GET, "/api/v1/me", None, None).await;
    }
    let token = h.demo("ana").await;
    h.get("/api/v1/me", &token).await;
    let (status, headers, body) = text(&h, "/metrics").await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("text/plain")));
    for line in [
        "switchboard_http_requests_total{route=\"healthz\",method=\"GET\",status=\"200\"} 3",
        "switchboard_http_requests_total{route=\"getMe\",method=\"GET\",status=\"401\"} 2",
        "switchboard_http_requests_total{route=\"getMe\",method=\"GET\",status=\"200\"} 1",
        "switchboard_http_requests_total{route=\"login\",method=\"POST\",status=\"200\"} 1",
        "switchboard_http_request_duration_seconds_count{route=\"getMe\",method=\"GET\",status=\"401\"} 2",
        // Five demo accounts created, one sign-in, which also made Ana available.
        "switchboard_event_log_last_seq 7",
    ] {
        assert!(body.lines().any(|l| l == line), "missing `{line}` in\n{body}");
    }
}

#[tokio::test]
async fn the_root_redirects_to_the_agent_page_which_has_a_login_form() {
    let h = Harness::new().await;
    let (status, headers, _) = text(&h, "/").await;
    assert_eq!(status, 302);
    assert_eq!(headers.get("location").and_then(|v| v.to_str().ok()), Some("/agent/"));
    let (status, headers, _) = text(&h, "/agent").await;
    assert_eq!((status, headers.get("location").and_then(|v| v.to_str().ok())), (302, Some("/agent/")));

    let (status, headers, html) = text(&h, "/agent/").await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.starts_with("text/html")));
    assert!(headers.get("content-security-policy").is_some());
    assert!(html.contains("<script type=\"module\" src=\"/agent/app.js\">"), "the page is the agent app");
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "pages load nothing from elsewhere");

    let etag = headers.get("etag").and_then(|v| v.to_str().ok()).expect("etag").to_string();
    let again = h.client.get("/agent/").header("If-None-Match", etag).send().await;
    assert_eq!(again.0.status().as_u16(), 304);

    let (status, headers, _) = text(&h, "/common/api.js").await;
    assert_eq!(status, 200);
    assert!(headers.get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|c| c.contains("javascript")));
}

#[tokio::test]
async fn every_language_file_has_every_key_of_english() {
    let h = Harness::new().await;
    let load = |lang: &'static str| {
        let h = &h;
        async move {
            let (status, _, body) = text(h, &format!("/i18n/{lang}.json")).await;
            assert_eq!(status, 200);
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&body).expect("JSON object")
        }
    };
    let en = load("en").await;
    assert!(en.len() > 20);
    for lang in ["it", "es"] {
        let other = load(lang).await;
        let missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{lang}.json lacks {missing:?}");
        let extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        assert!(extra.is_empty(), "{lang}.json has keys English lacks: {extra:?}");
    }
    assert_eq!(load("it").await["login.submit"], "Accedi");
}

#[tokio::test]
async fn the_api_docs_page_works_offline() {
    let h = Harness::new().await;
    let (status, _, html) = text(&h, "/api/docs/").await;
    assert_eq!(status, 200);
    assert!(html.to_lowercase().contains("swagger"));
    assert!(!html.contains("src=\"http"), "the docs page must not load scripts from the internet");
}

#[tokio::test]
async fn metrics_report_queues_agents_offers_index_lag_and_the_writer() {
    let h = Harness::new().await;
    let d = crate::common::desk::Desk::new(&h).await;
    d.handoff(&h, &d.other, "Olga", "hello").await;
    d.handoff(&h, &d.other, "Oscar", "hi").await;
    let web = crate::common::desk::cid(&d.handoff(&h, &d.web, "Wendy", "hey").await);
    let web_status = h.get(&format!("/api/v1/conversations/{web}"), &d.admin).await.body["status"].clone();
    h.desk.index_now().expect("indexed");
    let users = h.get("/api/v1/users?limit=100", &d.admin).await.body;
    let count = |s: &str| users["items"].as_array().expect("users").iter().filter(|u| u["status"] == s).count();
    let (available, offline) = (count("available"), count("offline"));
    assert!(available >= 2, "the signed-in agents are available: {users}");
    let (_, _, body) = text(&h, "/metrics").await;
    let other = format!("switchboard_queue_length{{inbox_id=\"{}\",inbox=\"Other\"}} 2", d.other);
    let web_queue = format!(
        "switchboard_queue_length{{inbox_id=\"{}\",inbox=\"Web\"}} {}",
        d.web,
        u8::from(web_status == "queued")
    );
    let offers = format!("switchboard_offers_pending {}", u8::from(web_status == "offered"));
    let agents = [
        format!("switchboard_agents{{status=\"available\"}} {available}"),
        format!("switchboard_agents{{status=\"offline\"}} {offline}"),
    ];
    for line in [other, web_queue, offers, "switchboard_search_index_lag_events 0".to_string()].iter().chain(&agents) {
        assert!(body.lines().any(|l| l == line), "missing `{line}` in\n{body}");
    }
    let value = |name: &str| -> f64 {
        body.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|v| v.trim().parse().ok()))
            .unwrap_or_else(|| panic!("no {name} in\n{body}"))
    };
    let (batches, commands) = (value("switchboard_writer_batches_total "), value("switchboard_writer_commands_total "));
    assert!(batches >= 1.0 && commands >= batches, "{batches} batches, {commands} commands");
    assert!(value("switchboard_writer_commit_seconds_total ") > 0.0);
}
