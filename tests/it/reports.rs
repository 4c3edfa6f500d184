//! Metrics (F29) and reports (F30) through HTTP with a manual clock: exact seconds on the
//! conversation, counts and percentiles per agent, team and inbox, agents' time per status,
//! the CSV download, and who may read reports.

use crate::common::desk::{Desk, cid};
use crate::common::{Answer, Harness};
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use poem::http::Method;
use serde_json::{Value, json};

async fn act(h: &Harness, token: &str, id: &str, action: &str, body: Value) -> Answer {
    let a = h.post(&format!("/api/v1/conversations/{id}/{action}"), token, body).await;
    assert!(a.status < 300, "{action}: {}", a.text);
    a
}

async fn reply(h: &Harness, token: &str, id: &str, text: &str) {
    let a = h.post(&format!("/api/v1/conversations/{id}/messages"), token, json!({"text": text})).await;
    assert_eq!(a.status, 201, "{}", a.text);
}

async fn metrics(h: &Harness, d: &Desk, id: &str) -> Value {
    let a = h.get(&format!("/api/v1/conversations/{id}"), &d.sup).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["metrics"].clone()
}

#[tokio::test]
async fn conversation_metrics_follow_the_definitions_to_the_second() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let a = h
        .call(
            Method::PATCH,
            &format!("/api/v1/inboxes/{}", d.api),
            Some(&d.admin),
            Some(json!({"assignment": "round_robin"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let bridge = h.post("/api/v1/tokens", &d.admin, json!({"name": "bridge"})).await.body["token"]
        .as_str()
        .expect("token")
        .to_string();

    let c = d.handoff(&h, &d.api, "Nora", "my parcel?").await;
    let id = cid(&c);
    assert_eq!(c["offer"]["agent_id"], json!(d.ana_id));
    let m = metrics(&h, &d, &id).await;
    assert_eq!(
        m,
        json!({"duration_secs": 0,
        "time_in_status_secs": 0, "transfers": 0, "ronas": 0, "reopens": 0})
    );

    // Ana lets the offer time out (RONA after 30 s): Marco is offered it and accepts 12 s later.
    h.clock.advance_secs(30);
    h.desk.settle().await.expect("settles");
    let back = h.call(Method::PUT, "/api/v1/me/status", Some(&d.ana), Some(json!({"status": "available"}))).await;
    assert_eq!(back.status, 200, "{}", back.text);
    h.clock.advance_secs(12);
    act(&h, &d.marco, &id, "accept", json!({})).await;
    h.clock.advance_secs(28);
    reply(&h, &d.marco, &id, "It left this morning.").await;
    // A note is not a response and does not extend the duration.
    h.clock.advance_secs(5);
    let note = h
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            &d.marco,
            json!({"kind": "note", "text": "carrier delay"}),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    h.clock.advance_secs(55);
    let pushed = h
        .post(
            &format!("/api/v1/channels/api/{}/messages", d.api),
            &bridge,
            json!({"contact": {"email": "nora@example.net"}, "text": "thanks"}),
        )
        .await;
    assert_eq!(pushed.body["conversation_id"], json!(id), "{}", pushed.text);
    // Marco hands it to Ana, who accepts; she closes it 60 s later.
    h.clock.advance_secs(10);
    act(&h, &d.marco, &id, "transfer", json!({"agent_id": d.ana_id})).await;
    h.clock.advance_secs(5);
    act(&h, &d.ana, &id, "accept", json!({})).await;
    h.clock.advance_secs(60);
    act(&h, &d.ana, &id, "close", json!({"wrap_up_reason_id": d.solved})).await;
    h.clock.advance_secs(7);
    let m = metrics(&h, &d, &id).await;
    assert_eq!(
        m,
        json!({"accept_secs": 42, "first_response_secs": 70, "duration_secs": 130, "time_to_close_secs": 205,
        "time_in_status_secs": 7, "transfers": 1, "ronas": 1, "reopens": 0})
    );

    // Reopened: no time to close until it closes again; the latest close counts.
    h.clock.advance_secs(3);
    act(&h, &d.ana, &id, "reopen", json!({})).await;
    h.clock.advance_secs(4);
    let m = metrics(&h, &d, &id).await;
    assert_eq!(
        (m["time_to_close_secs"].clone(), m["time_in_status_secs"].clone(), m["reopens"].clone()),
        (Value::Null, json!(4), json!(1))
    );
    act(&h, &d.ana, &id, "close", json!({"wrap_up_reason_id": d.solved})).await;
    assert_eq!(metrics(&h, &d, &id).await["time_to_close_secs"], 219);
    // Lists carry the same metrics.
    let list = h.get("/api/v1/conversations?view=all", &d.sup).await;
    assert_eq!(list.body["items"][0]["metrics"]["first_response_secs"], 70);
}

async fn report(h: &Harness, token: &str, query: &str) -> Answer {
    h.get(&format!("/api/v1/reports/conversations?{query}"), token).await
}

fn row<'a>(r: &'a Value, name: &str) -> &'a Value {
    r["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|x| x["name"] == name)
        .unwrap_or_else(|| panic!("no row {name} in {r}"))
}

fn stats(v: &Value) -> (u64, f64, f64, f64) {
    let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    (v["count"].as_u64().unwrap_or(0), f("mean_secs"), f("median_secs"), f("p90_secs"))
}

fn close_to(got: (u64, f64, f64, f64), want: (u64, f64, f64, f64)) {
    let near = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(
        got.0 == want.0 && near(got.1, want.1) && near(got.2, want.2) && near(got.3, want.3),
        "got {got:?}, want {want:?}"
    );
}

async fn settings(h: &Harness, d: &Desk, body: Value) {
    let a = h.call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(body)).await;
    assert_eq!(a.status, 200, "{}", a.text);
}

#[tokio::test]
async fn reports_count_per_group_and_give_percentiles_over_the_conversations() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    // Days are read in the workspace time zone: 09:00 UTC is 18:00 in Tokyo.
    settings(&h, &d, json!({"time_zone": "Asia/Tokyo"})).await;
    let old = cid(&d.handoff(&h, &d.web, "Olga", "before midnight").await);
    act(&h, &d.ana, &old, "assign", json!({})).await;
    d.handoff(&h, &d.web, "Quentin", "never answered").await;
    // Midnight in Tokyo: Ana closes yesterday's conversation, counted as closed today.
    h.clock.advance_secs(6 * 3600);
    act(&h, &d.ana, &old, "close", json!({"wrap_up_reason_id": d.solved})).await;

    // Five conversations with first responses of 10, 20, 30, 40 and 1000 s, taken halfway.
    let mut ids = Vec::new();
    for (i, fr) in [10i64, 20, 30, 40, 1000].into_iter().enumerate() {
        let id = cid(&d.handoff(&h, &d.web, &format!("Customer {i}"), "hello").await);
        let agent = if i < 3 { &d.ana } else { &d.marco };
        h.clock.advance_secs(fr / 2);
        act(&h, agent, &id, "assign", json!({})).await;
        h.clock.advance_secs(fr - fr / 2);
        reply(&h, agent, &id, "hi").await;
        ids.push(id);
    }
    act(&h, &d.ana, &ids[0], "close", json!({"wrap_up_reason_id": d.solved})).await;
    act(&h, &d.marco, &ids[3], "close", json!({})).await;

    let r = report(&h, &d.sup, "from=2026-01-06&to=2026-01-06&group_by=agent").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let b = &r.body;
    assert_eq!(
        (b["from"].as_str(), b["time_zone"].as_str(), b["group_by"].as_str()),
        (Some("2026-01-06"), Some("Asia/Tokyo"), Some("agent"))
    );
    assert_eq!(
        (b["period_start"].as_str(), b["period_end"].as_str()),
        (Some("2026-01-05T15:00:00Z"), Some("2026-01-06T15:00:00Z"))
    );
    let names: Vec<&str> = b["rows"].as_array().expect("rows").iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["Ana Ruiz", "Lucía Fernández", "Marco Bianchi"], "every agent, by name");
    let t = &b["total"];
    assert_eq!(
        (t["created"].as_u64(), t["closed"].as_u64()),
        (Some(5), Some(3)),
        "yesterday's conversations are not created today"
    );
    // Hand-computed: p90 of [10, 20, 30, 40, 1000] has rank 3.6 → 40 + 0.6 × 960 = 616.
    close_to(stats(&t["first_response"]), (5, 220.0, 30.0, 616.0));
    close_to(stats(&t["accept"]), (5, 110.0, 15.0, 308.0));
    // Closed: the old one after 6 h, #0 after 1100 s, #3 after 1040 s → p90 rank 1.8.
    close_to(stats(&t["time_to_close"]), (3, (21_600.0 + 1100.0 + 1040.0) / 3.0, 1100.0, 1100.0 + 0.8 * 20_500.0));
    assert_eq!(
        t["closed_by_wrap_up"],
        json!([{"name": "No reason", "count": 1}, {"wrap_up_reason_id": d.solved, "name": "Solved", "count": 2}])
    );
    let ana = row(b, "Ana Ruiz");
    assert_eq!(
        (ana["id"].as_str(), ana["created"].as_u64(), ana["closed"].as_u64()),
        (Some(d.ana_id.as_str()), Some(3), Some(2))
    );
    close_to(stats(&ana["first_response"]), (3, 20.0, 20.0, 28.0));
    let marco = row(b, "Marco Bianchi");
    close_to(stats(&marco["first_response"]), (2, 520.0, 520.0, 904.0));
    let lucia = row(b, "Lucía Fernández");
    assert_eq!(
        (
            lucia["created"].as_u64(),
            lucia["first_response"]["count"].as_u64(),
            lucia["first_response"]["mean_secs"].clone()
        ),
        (Some(0), Some(0), Value::Null)
    );

    // Ana hands #1 to Marco: rows follow the assignee, the transfer is counted.
    let back = h.call(Method::PUT, "/api/v1/me/status", Some(&d.marco), Some(json!({"status": "available"}))).await;
    assert_eq!(back.status, 200, "presence had turned him away: {}", back.text);
    act(&h, &d.ana, &ids[1], "transfer", json!({"agent_id": d.marco_id})).await;
    act(&h, &d.marco, &ids[1], "accept", json!({})).await;
    let b = report(&h, &d.admin, "from=2026-01-06&to=2026-01-06&group_by=agent").await.body;
    assert_eq!(b["total"]["transferred"], 1);
    let marco = row(&b, "Marco Bianchi");
    assert_eq!((marco["created"].as_u64(), marco["transferred"].as_u64()), (Some(3), Some(1)));
    close_to(stats(&marco["first_response"]), (3, 1060.0 / 3.0, 40.0, 40.0 + 0.8 * 960.0));

    // By inbox and by team: every inbox and team is listed; the total is the same.
    let b = report(&h, &d.sup, "from=2026-01-06&to=2026-01-06&group_by=inbox").await.body;
    assert_eq!(b["rows"].as_array().map(Vec::len), Some(3));
    assert_eq!((row(&b, "Web")["created"].as_u64(), row(&b, "Other")["created"].as_u64()), (Some(5), Some(0)));
    assert_eq!(b["total"]["created"], 5);
    assert!(b["total"]["status_time"].is_null(), "status time is for agents");
    let b = report(&h, &d.sup, "from=2026-01-05&to=2026-01-06&group_by=team").await.body;
    assert_eq!(
        (row(&b, "Support")["created"].as_u64(), b["total"]["created"].as_u64()),
        (Some(7), Some(7)),
        "two days"
    );
}

async fn own_status(h: &Harness, token: &str, status: &str) {
    let a = h.call(Method::PUT, "/api/v1/me/status", Some(token), Some(json!({"status": status}))).await;
    assert_eq!(a.status, 200, "{}", a.text);
}

fn status_time(r: &Value, name: &str) -> (i64, i64, i64, i64) {
    let t = &row(r, name)["status_time"];
    let g = |k: &str| t[k].as_i64().unwrap_or(-1);
    (g("available_secs"), g("away_secs"), g("offline_secs"), g("rona_secs"))
}

#[tokio::test]
async fn agents_time_per_status_is_exact_and_clipped_to_the_period_and_now() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    // Everyone signed in at 09:00 UTC (offline → available). No presence changes in this test.
    settings(&h, &d, json!({"presence_timeout_secs": 3600})).await;
    let a = h
        .call(
            Method::PATCH,
            &format!("/api/v1/inboxes/{}", d.web),
            Some(&d.admin),
            Some(json!({"assignment": "round_robin"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    own_status(&h, &d.marco, "away").await;
    h.clock.advance_secs(50);
    own_status(&h, &d.ana, "away").await;
    h.clock.advance_secs(30);
    own_status(&h, &d.ana, "available").await;
    // Offered to Ana, the only available agent of the team; 30 s unanswered → RONA.
    let c = d.handoff(&h, &d.web, "Rita", "anyone?").await;
    assert_eq!(c["offer"]["agent_id"], json!(d.ana_id));
    h.clock.advance_secs(30);
    h.desk.settle().await.expect("settles");
    // A supervisor ends it, so it is not offered to her again.
    act(&h, &d.sup, &cid(&c), "close", json!({"justification": "test traffic"})).await;
    h.clock.advance_secs(90);
    own_status(&h, &d.ana, "available").await;
    h.clock.advance_secs(60);
    own_status(&h, &d.ana, "offline").await;
    h.clock.advance_secs(40);

    // 09:05 UTC: the day so far is 9 h offline before sign-in plus 300 s.
    let r = report(&h, &d.sup, "from=2026-01-05&to=2026-01-05").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["group_by"], "agent", "the default grouping");
    assert_eq!(status_time(&r.body, "Ana Ruiz"), (50 + 30 + 60, 30, 32_400 + 40, 90));
    assert_eq!(status_time(&r.body, "Marco Bianchi"), (0, 300, 32_400, 0));
    assert_eq!(status_time(&r.body, "Lucía Fernández"), (300, 0, 32_400, 0));
    let total = &r.body["total"]["status_time"];
    assert_eq!(
        (total["available_secs"].as_i64(), total["offline_secs"].as_i64()),
        (Some(140 + 300), Some(3 * 32_400 + 40))
    );
    // The day before: offline throughout. Two days: both. The future: nothing yet.
    let r = report(&h, &d.sup, "from=2026-01-04&to=2026-01-04").await;
    assert_eq!(status_time(&r.body, "Ana Ruiz"), (0, 0, 86_400, 0));
    let r = report(&h, &d.sup, "from=2026-01-04&to=2026-01-05").await;
    assert_eq!(status_time(&r.body, "Ana Ruiz"), (140, 30, 86_400 + 32_440, 90));
    let r = report(&h, &d.sup, "from=2026-01-06&to=2026-01-10").await;
    assert_eq!(status_time(&r.body, "Ana Ruiz"), (0, 0, 0, 0));
    // In Rome (UTC+1) the day started an hour earlier.
    settings(&h, &d, json!({"time_zone": "Europe/Rome"})).await;
    let r = report(&h, &d.sup, "from=2026-01-05&to=2026-01-05").await;
    assert_eq!(status_time(&r.body, "Ana Ruiz"), (140, 30, 36_040, 90));
}

#[tokio::test]
async fn the_csv_download_is_the_same_table() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    for (i, fr) in [10i64, 30].into_iter().enumerate() {
        let id = cid(&d.handoff(&h, &d.web, &format!("Customer {i}"), "hello").await);
        act(&h, &d.ana, &id, "assign", json!({})).await;
        h.clock.advance_secs(fr);
        reply(&h, &d.ana, &id, "hi").await;
        act(&h, &d.ana, &id, "close", json!({"wrap_up_reason_id": d.solved})).await;
    }
    let a = h.get("/api/v1/reports/conversations.csv?from=2026-01-05&to=2026-01-05&group_by=agent", &d.sup).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        a.header("content-disposition"),
        Some("attachment; filename=\"conversations-by-agent-2026-01-05-to-2026-01-05.csv\"")
    );
    let mut reader = csv::Reader::from_reader(a.text.as_bytes());
    let header: Vec<String> = reader.headers().expect("header").iter().map(str::to_string).collect();
    assert_eq!(&header[..7], ["agent", "id", "created", "closed", "transferred", "with_rona", "reopened"]);
    assert_eq!(&header[7..11], ["accept_count", "accept_mean_secs", "accept_median_secs", "accept_p90_secs"]);
    assert_eq!(
        &header[header.len() - 5..],
        ["available_secs", "away_secs", "offline_secs", "rona_secs", "closed: Solved"]
    );
    let lines: Vec<Vec<String>> =
        reader.records().map(|r| r.expect("record").iter().map(str::to_string).collect()).collect();
    let names: Vec<&str> = lines.iter().map(|l| l[0].as_str()).collect();
    assert_eq!(names, ["Ana Ruiz", "Lucía Fernández", "Marco Bianchi", "Total"]);
    let cell = |line: &[String], col: &str| line[header.iter().position(|h| h == col).expect("column")].clone();
    let ana = &lines[0];
    assert_eq!(
        (cell(ana, "id"), cell(ana, "created"), cell(ana, "closed"), cell(ana, "closed: Solved")),
        (d.ana_id.clone(), "2".into(), "2".into(), "2".into())
    );
    assert_eq!(
        (
            cell(ana, "first_response_mean_secs"),
            cell(ana, "first_response_median_secs"),
            cell(ana, "first_response_p90_secs")
        ),
        ("20".into(), "20".into(), "28".into())
    );
    assert_eq!(cell(ana, "time_to_close_p90_secs"), "28", "closed 10 and 30 s after creation: 10 + 0.9 × 20");
    assert_eq!(cell(&lines[1], "first_response_mean_secs"), "", "no values: empty, not 0");
    // The total sums the agents: each available since signing in 40 s ago.
    assert_eq!((cell(&lines[3], "created"), cell(&lines[3], "available_secs")), ("2".into(), "120".into()));

    // Names that a spreadsheet would run as formulas are defused.
    let team = h.post("/api/v1/teams", &d.admin, json!({"name": "=HYPERLINK(\"http://x\")", "members": []})).await;
    assert_eq!(team.status, 201, "{}", team.text);
    let a = h.get("/api/v1/reports/conversations.csv?from=2026-01-05&to=2026-01-05&group_by=team", &d.sup).await;
    assert!(a.text.lines().any(|l| l.starts_with("\"'=HYPERLINK(")), "{}", a.text);
    assert!(a.text.starts_with("team,id,created,"), "{}", a.text);

    // The JSON and the CSV agree, and the CSV is refused like the JSON.
    let json = report(&h, &d.sup, "from=2026-01-05&to=2026-01-05&group_by=agent").await;
    assert_eq!(json.body["total"]["first_response"]["p90_secs"], 28.0);
    assert_eq!(h.get("/api/v1/reports/conversations.csv?from=2026-01-05&to=2026-01-05", &d.ana).await.status, 403);
    let bad = h.get("/api/v1/reports/conversations.csv?from=2026-01-05&to=nope", &d.sup).await;
    assert_eq!((bad.status, bad.header("content-type")), (422, Some("application/problem+json")));
}

#[tokio::test]
async fn only_supervisors_and_admins_read_reports_and_bad_input_names_the_field() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let ok = "from=2026-01-01&to=2026-01-31&group_by=team";
    for (token, status) in [(&d.ana, 403), (&d.lucia, 403), (&d.sup, 200), (&d.admin, 200)] {
        let a = report(&h, token, ok).await;
        assert_eq!(a.status, status, "{}", a.text);
    }
    assert!(report(&h, &d.ana, ok).await.detail().contains("supervisor"));
    let cases = [
        ("from=2026-13-01&to=2026-12-31", vec!["from"]),
        ("from=2026-01-05&to=05/01/2026", vec!["to"]),
        ("to=2026-01-05", vec!["from"]),
        ("", vec!["from", "to"]),
        ("from=2026-01-05&to=2026-01-04", vec!["to"]),
        ("from=2026-01-01&to=2027-01-02", vec!["to"]),
        ("from=2026-01-01&to=2026-01-02&group_by=day", vec!["group_by"]),
        ("from=nope&to=2026-01-02&group_by=day", vec!["from", "group_by"]),
    ];
    for (q, fields) in cases {
        let a = report(&h, &d.sup, q).await;
        assert_eq!((a.status, a.header("content-type")), (422, Some("application/problem+json")), "{q}: {}", a.text);
        let got: Vec<&str> =
            a.body["errors"].as_array().expect("errors").iter().filter_map(|e| e["field"].as_str()).collect();
        assert_eq!(got, fields, "{q}: {}", a.text);
    }
    let long = report(&h, &d.sup, "from=2026-01-01&to=2027-01-02").await;
    assert!(long.detail().contains("at most 366 days"), "{}", long.detail());
    assert_eq!(report(&h, &d.sup, "from=2026-01-01&to=2026-12-31").await.status, 200, "365 days");
}

#[tokio::test]
async fn days_and_first_response_ranges_follow_the_time_zone_and_the_xlsx_opens() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    // 09:00 UTC on 5 January is 18:00 in Tokyo.
    settings(&h, &d, json!({"time_zone": "Asia/Tokyo"})).await;
    let old = cid(&d.handoff(&h, &d.web, "Olga", "before midnight").await);
    act(&h, &d.ana, &old, "assign", json!({})).await;
    d.handoff(&h, &d.web, "Quentin", "never answered").await;
    h.clock.advance_secs(6 * 3600); // midnight in Tokyo
    act(&h, &d.ana, &old, "close", json!({"wrap_up_reason_id": d.solved})).await;
    for (i, fr) in [10i64, 20, 30, 40, 1000].into_iter().enumerate() {
        let id = cid(&d.handoff(&h, &d.web, &format!("Customer {i}"), "hello").await);
        act(&h, &d.ana, &id, "assign", json!({})).await;
        h.clock.advance_secs(fr);
        reply(&h, &d.ana, &id, "hi").await;
        if i == 0 {
            act(&h, &d.ana, &id, "close", json!({"wrap_up_reason_id": d.solved})).await;
        }
    }
    let r = report(&h, &d.sup, "from=2026-01-05&to=2026-01-07&group_by=agent").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        r.body["days"],
        json!([
            {"date": "2026-01-05", "created": 2, "closed": 0},
            {"date": "2026-01-06", "created": 5, "closed": 2},
            {"date": "2026-01-07", "created": 0, "closed": 0}
        ])
    );
    assert_eq!(r.body["first_response_bounds_secs"], json!([60, 300, 900, 3600, 14400]));
    // Olga's conversation was never answered; the five were, in 10, 20, 30, 40 and 1000 s.
    assert_eq!(r.body["total"]["first_response_ranges"], json!([4, 0, 0, 1, 0, 0]));
    assert_eq!(row(&r.body, "Ana Ruiz")["first_response_ranges"], json!([4, 0, 0, 1, 0, 0]));

    // The workbook: the same table as the CSV, numbers as numbers, the total last.
    let x = h.download("/api/v1/reports/conversations.xlsx?from=2026-01-05&to=2026-01-07&group_by=agent", &d.sup).await;
    assert_eq!(x.status, 200, "{}", String::from_utf8_lossy(&x.bytes));
    assert_eq!(x.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_eq!(x.disposition, "attachment; filename=\"conversations-by-agent-2026-01-05-to-2026-01-07.xlsx\"");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(x.bytes)).expect("xlsx");
    let sheet = book.worksheet_range("Report").expect("sheet");
    let rows: Vec<_> = sheet.rows().collect();
    let col = |name: &str| rows[0].iter().position(|c| *c == name).expect("column");
    let total = rows.last().expect("total");
    assert_eq!(total[0].to_string(), "Total");
    assert_eq!((total[col("created")].clone(), total[col("closed")].clone()), (Data::Float(7.0), Data::Float(2.0)));
    assert_eq!(total[col("first_response_median_secs")], Data::Float(30.0));
    assert_eq!(h.get("/api/v1/reports/conversations.xlsx?from=2026-01-05&to=2026-01-07", &d.ana).await.status, 403);
}
