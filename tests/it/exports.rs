//! Exports (F11) through HTTP: the CSV's exact rows and columns, the same filters and
//! permissions as the list, formula neutralisation, the xlsx reopened with calamine, many
//! pages streamed, transcripts as text and HTML, and the errors.

use std::io::Cursor;

use crate::common::desk::{Desk, cid};
use crate::common::{Harness, START};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use poem::http::Method;
use serde_json::json;

/// The CSV's records, header included.
async fn csv(h: &Harness, query: &str, token: &str) -> Vec<Vec<String>> {
    let f = h.download(&format!("/api/v1/conversations/export?{query}"), token).await;
    assert_eq!(f.status, 200, "{query}: {}", String::from_utf8_lossy(&f.bytes));
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(f.bytes.as_slice());
    r.records().map(|rec| rec.expect("record").iter().map(str::to_string).collect()).collect()
}

fn numbers(records: &[Vec<String>]) -> Vec<u64> {
    records[1..].iter().map(|r| r[0].parse().expect("number")).collect()
}

const HEADER: &str = "number,id,subject,status,detailed_status,priority,channel,inbox,contact_name,contact_email,contact_phone,assignee,team,labels,created_at,updated_at,closed_at,wrap_up_reason,messages,accept_secs,first_response_secs,duration_secs,time_to_close_secs,time_in_status_secs,transfers,ronas,reopens";

/// #1001 (María, closed by Ana with a label and a note) and #1002 (queued in Web), 1 minute apart.
async fn closed_and_queued(h: &Harness, d: &Desk) -> (String, String) {
    let body = json!({
        "inbox_id": d.web,
        "contact": {"name": "María López", "email": "maria@example.net", "phone": "+34 612 000 111"},
        "subject": "Pedido #4521, \"urgente\"",
        "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "¿Dónde está mi pedido?"}, {"from": "bot", "text": "Un momento."}]}
    });
    let a = cid(&h.post("/api/v1/conversations", &d.admin, body).await.body);
    let path = format!("/api/v1/conversations/{a}");
    h.clock.advance_secs(60);
    assert_eq!(h.call(Method::POST, &format!("{path}/assign"), Some(&d.ana), None).await.status, 200);
    h.clock.advance_secs(60);
    assert_eq!(h.post(&format!("{path}/messages"), &d.ana, json!({"text": "Hola María, sale hoy."})).await.status, 201);
    h.clock.advance_secs(60);
    assert_eq!(
        h.post(&format!("{path}/messages"), &d.ana, json!({"kind": "note", "text": "VIP: call back <b>today</b>"}))
            .await
            .status,
        201
    );
    assert_eq!(
        h.call(Method::PATCH, &path, Some(&d.ana), Some(json!({"labels": [d.vip], "priority": "high"}))).await.status,
        200
    );
    h.clock.advance_secs(60);
    assert_eq!(h.post(&format!("{path}/close"), &d.ana, json!({"wrap_up_reason_id": d.solved})).await.status, 200);
    let b = cid(&d.handoff(h, &d.web, "Bruno", "hello").await);
    h.clock.advance_secs(60);
    (a, b)
}

#[tokio::test]
async fn csv_rows_and_columns_are_exact() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let (a, b) = closed_and_queued(&h, &d).await;
    let f = h.download("/api/v1/conversations/export?format=csv&sort=created", &d.sup).await;
    assert_eq!(f.status, 200);
    assert_eq!(f.content_type, "text/csv; charset=utf-8");
    assert_eq!(f.disposition, "attachment; filename=\"conversations-20260105.csv\"");
    let text = String::from_utf8(f.bytes).expect("UTF-8");
    assert!(text.starts_with(&format!("{HEADER}\r\n")), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert_eq!(
        lines[2],
        format!(
            "1001,{a},\"Pedido #4521, \"\"urgente\"\"\",closed,closed_by_agent,high,livechat,Web,María López,maria@example.net,'+34 612 000 111,Ana Ruiz,Support,vip,\
             2026-01-05T09:00:00Z,2026-01-05T09:04:00Z,2026-01-05T09:04:00Z,Solved,4,60,120,120,240,60,0,0,0"
        )
    );
    assert_eq!(
        lines[1],
        format!(
            "1002,{b},Question from Bruno,queued,customer_waiting,normal,livechat,Web,Bruno,bruno@example.net,,,Support,,2026-01-05T09:04:00Z,2026-01-05T09:04:00Z,,,2,,,0,,60,0,0,0"
        )
    );
    // The default format is CSV and the default order the list's (waiting first).
    let records = csv(&h, "", &d.sup).await;
    assert_eq!(records[0].join(","), HEADER);
    assert_eq!(numbers(&records), [1002, 1001]);
}

#[tokio::test]
async fn filters_views_and_permissions_are_the_lists() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    closed_and_queued(&h, &d).await;
    let c = cid(&d.handoff(&h, &d.web, "Carla", "ciao").await);
    h.call(Method::POST, &format!("/api/v1/conversations/{c}/assign"), Some(&d.marco), None).await;
    d.handoff(&h, &d.other, "Olga", "hej").await;
    let queries = [
        "sort=created".to_string(),
        "view=mine".to_string(),
        "view=unassigned&sort=created".to_string(),
        "status=closed".to_string(),
        "status=queued&status=open&sort=updated".to_string(),
        format!("inbox_id={}", d.other),
        format!("label_id={}", d.vip),
        format!("assignee_id={}", d.marco_id),
        "contact=maria@example.net".to_string(),
        "created_from=2026-01-05T09:04:00Z&sort=created".to_string(),
    ];
    for who in [&d.sup, &d.ana, &d.marco, &d.lucia] {
        for q in &queries {
            let list = h.get(&format!("/api/v1/conversations?limit=500&{q}"), who).await;
            let listed: Vec<u64> = list.body["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|i| i["number"].as_u64().unwrap_or(0))
                .collect();
            assert_eq!(numbers(&csv(&h, q, who).await), listed, "{q}");
        }
    }
    // Concretely: Ana sees her closed #1001 and the Web queue, never the Other inbox.
    assert_eq!(numbers(&csv(&h, "sort=created", &d.ana).await), [1002, 1001]);
    assert_eq!(numbers(&csv(&h, "view=mine", &d.marco).await), [1003]);
    assert_eq!(numbers(&csv(&h, "sort=created", &d.sup).await), [1004, 1003, 1002, 1001]);
    let few = h.get("/api/v1/conversations/export?contact=e", &d.sup).await;
    assert_eq!(few.status, 200, "a one-letter contact filter is fine while few contacts match");
}

#[tokio::test]
async fn formulas_are_neutralised_in_csv_and_stay_text_in_xlsx() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let body = json!({
        "inbox_id": d.web,
        "contact": {"name": "=HYPERLINK(\"http://evil.test\",\"click\")", "email": "eve@example.net"},
        "subject": "@SUM(1+1)*cmd|' /C calc'!A0",
        "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "-2+3"}]}
    });
    assert_eq!(h.post("/api/v1/conversations", &d.admin, body).await.status, 201);
    let records = csv(&h, "", &d.sup).await;
    assert_eq!(records[1][2], "'@SUM(1+1)*cmd|' /C calc'!A0");
    assert_eq!(records[1][8], "'=HYPERLINK(\"http://evil.test\",\"click\")");
    let f = h.download("/api/v1/conversations/export?format=xlsx", &d.sup).await;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(f.bytes)).expect("xlsx");
    let sheet = book.worksheet_range("Conversations").expect("sheet");
    assert_eq!(
        sheet.get((1, 2)),
        Some(&Data::String("@SUM(1+1)*cmd|' /C calc'!A0".into())),
        "xlsx strings are never formulas"
    );
    assert_eq!(sheet.get((1, 8)), Some(&Data::String("=HYPERLINK(\"http://evil.test\",\"click\")".into())));
}

#[tokio::test]
async fn xlsx_has_the_header_numbers_and_dates() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let (a, _) = closed_and_queued(&h, &d).await;
    let f = h.download("/api/v1/conversations/export?format=xlsx&sort=created", &d.ana).await;
    assert_eq!(f.status, 200);
    assert_eq!(f.content_type, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert_eq!(f.disposition, "attachment; filename=\"conversations-20260105.xlsx\"");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(f.bytes)).expect("xlsx");
    assert_eq!(book.sheet_names(), ["Conversations"]);
    let sheet = book.worksheet_range("Conversations").expect("sheet");
    assert_eq!(sheet.height(), 3);
    let header: Vec<String> = sheet.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(header.join(","), HEADER);
    let row = sheet.rows().nth(2).expect("#1001");
    assert_eq!(row[0], Data::Float(1001.0));
    assert_eq!(row[1], Data::String(a));
    assert_eq!(row[10], Data::String("+34 612 000 111".into()), "phones stay as written");
    assert_eq!(row[13], Data::String("vip".into()));
    let Data::DateTime(created) = &row[14] else { panic!("created is a date: {:?}", row[14]) };
    assert_eq!(created.to_ymd_hms_milli(), (2026, 1, 5, 9, 0, 0, 0));
    let Data::DateTime(closed) = &row[16] else { panic!("closed is a date: {:?}", row[16]) };
    assert_eq!(closed.to_ymd_hms_milli(), (2026, 1, 5, 9, 4, 0, 0));
    assert_eq!(row[17], Data::String("Solved".into()));
    let numbers: Vec<&Data> = row[18..].iter().collect();
    let expected = [4.0, 60.0, 120.0, 120.0, 240.0, 60.0, 0.0, 0.0, 0.0].map(Data::Float);
    assert_eq!(numbers, expected.iter().collect::<Vec<_>>());
    let queued = sheet.rows().nth(1).expect("#1002");
    assert_eq!(
        (&queued[11], &queued[16], &queued[19]),
        (&Data::Empty, &Data::Empty, &Data::Empty),
        "no assignee, close or accept yet"
    );
}

#[tokio::test]
async fn many_pages_stream_every_row_once_in_order() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let plan = switchboard::demo::Plan {
        contacts: 50,
        conversations: 1_234,
        extra_exchanges: 0,
        days: 30,
        now: START,
        inboxes: vec![switchboard::demo::PlanInbox { id: d.web.clone(), lang: switchboard::demo::phrases::Lang::En }],
        agents: vec![switchboard::demo::PlanAgent { id: d.ana_id.clone(), name: "Ana Ruiz".into() }],
        labels: vec![d.vip.clone()],
        wrap_ups: vec![(d.solved.clone(), "Solved".into())],
    };
    let mut n = 0u64;
    let generated = switchboard::demo::generate(&plan, 7, |p, _| {
        n += 1;
        format!("{p}_{n:08}")
    });
    h.desk.import(generated).await.expect("import");
    let records = csv(&h, "sort=created", &d.sup).await;
    let got = numbers(&records);
    assert_eq!(got.len(), 1_234);
    let mut expected = got.clone();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(got, expected, "newest first, each once");
    let f = h.download("/api/v1/conversations/export?format=xlsx&status=closed", &d.sup).await;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(f.bytes)).expect("xlsx");
    let rows = book.worksheet_range("Conversations").expect("sheet").height() - 1;
    assert_eq!(rows, numbers(&csv(&h, "status=closed", &d.sup).await).len());
    assert!(rows > 500, "{rows}");
}

#[tokio::test]
async fn transcripts_as_text_and_escaped_printable_html() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let (a, _) = closed_and_queued(&h, &d).await;
    let path = format!("/api/v1/conversations/{a}");
    assert_eq!(h.call(Method::POST, &format!("{path}/reopen"), Some(&d.ana), None).await.status, 200);
    let xss = "<script>alert('x')</script> & <img src=x onerror=alert(1)>";
    assert_eq!(h.post(&format!("{path}/messages"), &d.ana, json!({"text": xss})).await.status, 201);

    let text = h.download(&format!("{path}/transcript"), &d.ana).await;
    assert_eq!((text.status, text.content_type.as_str()), (200, "text/plain; charset=utf-8"));
    assert_eq!(text.disposition, "attachment; filename=\"conversation-1001.txt\"");
    let text = String::from_utf8(text.bytes).expect("UTF-8");
    for line in [
        "Conversation #1001: Pedido #4521, \"urgente\"",
        "Contact:  María López <maria@example.net>, +34 612 000 111",
        "Inbox:    Web",
        "Status:   pending",
        "Created:  2026-01-05 09:00:00 UTC",
        "[2026-01-05 09:00:00 UTC] María López (customer):",
        "    ¿Dónde está mi pedido?",
        "[2026-01-05 09:00:00 UTC] Helpbot (bot):",
        "[2026-01-05 09:01:00 UTC] * Ana Ruiz took the conversation",
        "[2026-01-05 09:02:00 UTC] Ana Ruiz (agent):",
        "[2026-01-05 09:03:00 UTC] INTERNAL NOTE by Ana Ruiz (not shown to the customer):",
        "    VIP: call back <b>today</b>",
        "[2026-01-05 09:04:00 UTC] * Ana Ruiz closed the conversation (Solved)",
        &format!("    {xss}"),
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }

    let page = h.download(&format!("{path}/transcript?format=html"), &d.ana).await;
    assert_eq!((page.status, page.content_type.as_str()), (200, "text/html; charset=utf-8"));
    assert_eq!(page.disposition, "inline; filename=\"conversation-1001.html\"");
    let html = String::from_utf8(page.bytes).expect("UTF-8");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    assert!(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>"), "no user markup survives");
    assert!(html.contains("Pedido #4521, &quot;urgente&quot;"));
    assert!(html.contains("<span class=\"tag\">Internal note</span>"));
    assert!(html.contains("@media print"));
    assert!(
        !html.contains("http://")
            && !html.contains("https://")
            && !html.contains(" src=\"")
            && !html.contains(" href="),
        "self-contained"
    );
    let resp = h
        .client
        .get(format!("{path}/transcript?format=html"))
        .header("Authorization", format!("Bearer {}", d.ana))
        .send()
        .await;
    assert!(
        resp.0
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("default-src 'none'"))
    );
}

#[tokio::test]
async fn times_are_in_the_workspace_time_zone() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let (a, _) = closed_and_queued(&h, &d).await;
    let set = h
        .call(Method::PATCH, "/api/v1/settings", Some(&d.admin), Some(json!({"time_zone": "America/Los_Angeles"})))
        .await;
    assert_eq!(set.status, 200, "{}", set.text);

    // 09:00 UTC on 5 January is 01:00 in Los Angeles, the same day.
    let f = h.download("/api/v1/conversations/export?format=csv&sort=created", &d.sup).await;
    assert_eq!(f.disposition, "attachment; filename=\"conversations-20260105.csv\"");
    let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(f.bytes.as_slice());
    let first = r.records().map(|rec| rec.expect("record")).find(|rec| &rec[0] == "1001").expect("#1001");
    assert_eq!(
        (&first[0], &first[14], &first[15], &first[16]),
        ("1001", "2026-01-05T01:00:00-08:00", "2026-01-05T01:04:00-08:00", "2026-01-05T01:04:00-08:00")
    );

    let f = h.download("/api/v1/conversations/export?format=xlsx&sort=created", &d.sup).await;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(f.bytes)).expect("xlsx");
    let sheet = book.worksheet_range("Conversations").expect("sheet");
    let row = sheet.rows().nth(2).expect("#1001");
    assert_eq!(row[0], Data::Float(1001.0));
    let Data::DateTime(created) = &row[14] else { panic!("created is a date: {:?}", row[14]) };
    // To the second (calamine shows 01:00 as 00:59:59 and 1,000 ms: the serial is a float).
    let wall_clock = ((created.as_f64() - 25_569.0) * 86_400.0).round() as i64;
    assert_eq!(wall_clock, START.millis() / 1000 - 8 * 3_600, "the wall clock in Los Angeles");

    let text = h.download(&format!("/api/v1/conversations/{a}/transcript"), &d.ana).await;
    let text = String::from_utf8(text.bytes).expect("UTF-8");
    assert!(text.lines().any(|l| l == "Created:  2026-01-05 01:00:00 PST"), "{text}");
    assert!(
        text.lines().any(|l| l == "[2026-01-05 01:04:00 PST] * Ana Ruiz closed the conversation (Solved)"),
        "{text}"
    );
    let page = h.download(&format!("/api/v1/conversations/{a}/transcript?format=html"), &d.ana).await;
    let html = String::from_utf8(page.bytes).expect("UTF-8");
    assert!(html.contains("<time datetime=\"2026-01-05T01:01:00-08:00\">2026-01-05 01:01:00 PST</time>"), "{html}");
}

#[tokio::test]
async fn errors_are_problems() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let (a, _) = closed_and_queued(&h, &d).await;
    let hidden = cid(&d.handoff(&h, &d.other, "Olga", "hej").await);
    let problem = |a: &crate::common::Answer, status: u16| {
        assert_eq!(a.status, status, "{}", a.text);
        assert_eq!(a.header("content-type"), Some("application/problem+json"));
        assert!(!a.detail().is_empty());
    };
    problem(&h.call(Method::GET, "/api/v1/conversations/export", None, None).await, 401);
    problem(&h.call(Method::GET, &format!("/api/v1/conversations/{a}/transcript"), None, None).await, 401);
    let bad = h.get("/api/v1/conversations/export?format=pdf", &d.sup).await;
    problem(&bad, 422);
    assert_eq!(bad.body["errors"][0]["field"], "format");
    assert!(bad.detail().contains("csv or xlsx"), "{}", bad.detail());
    let bad = h.get(&format!("/api/v1/conversations/{a}/transcript?format=pdf"), &d.sup).await;
    problem(&bad, 422);
    assert!(bad.detail().contains("text or html"), "{}", bad.detail());
    problem(&h.get(&format!("/api/v1/conversations/{hidden}/transcript"), &d.ana).await, 404);
    problem(&h.get("/api/v1/conversations/cv_nope/transcript?format=html", &d.sup).await, 404);
    problem(&h.get("/api/v1/conversations/export?status=finished", &d.sup).await, 422);
    assert_eq!(h.get(&format!("/api/v1/conversations/{hidden}/transcript"), &d.sup).await.status, 200);
    // `export` is a route of its own, not a conversation id.
    assert_eq!(h.get("/api/v1/conversations/export", &d.ana).await.status, 200);
}
