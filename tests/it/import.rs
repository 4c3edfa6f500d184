//! Importing history (issue 20): an mbox archive of a few thousand mails becomes threads that
//! search finds; JSON Lines with broken lines imports what it can and reports the rest by line
//! number; importing again, or resuming a cut-off file, makes nothing twice.

use std::process::Command;
use std::time::Duration;

use base64::Engine;
use serde_json::{Value, json};

use crate::common::Harness;
use crate::common::desk::Desk;

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");

/// One mail of an mbox, with its `From ` separator line; `when` is (day of March 2025, minute).
fn mail(id: &str, parents: &[&str], from: &str, to: &str, subject: &str, when: (u32, u32), body: &str) -> String {
    let (day, minute) = when;
    let threading = match parents.first() {
        Some(p) => {
            let refs: Vec<String> = parents.iter().map(|p| format!("<{p}>")).collect();
            format!("In-Reply-To: <{p}>\nReferences: {}\n", refs.join(" "))
        }
        None => String::new(),
    };
    format!(
        "From {from} Mon Mar  3 10:00:00 2025\nMessage-ID: <{id}>\nFrom: {from}\nTo: {to}\nSubject: {subject}\n\
         Date: {day:02} Mar 2025 10:{minute:02}:00 +0000\n{threading}Content-Type: text/plain; charset=utf-8\n\n{body}\n\n"
    )
}

/// 500 threads of four mails: the customer, Ana's reply, the customer again, and a reply from
/// the shop's own address; plus the odd ones the test checks by name.
fn archive() -> String {
    let mut out = String::new();
    for t in 0..500u32 {
        let customer = format!("Customer {t} <c{t}@example.net>");
        let subject = format!("Order {t} question");
        let (a, b, c, d) = (format!("t{t}a@x"), format!("t{t}b@x"), format!("t{t}c@x"), format!("t{t}d@x"));
        let day = 1 + t % 28;
        out +=
            &mail(&a, &[], &customer, "help@shop.example", &subject, (day, 0), &format!("Where is parcel word{t}x?"));
        out += &mail(
            &b,
            &[&a],
            "Ana <ana@example.com>",
            &customer,
            &format!("Re: {subject}"),
            (day, 5),
            "It ships today.",
        );
        out +=
            &mail(&c, &[&b, &a], &customer, "help@shop.example", &format!("Re: {subject}"), (day, 9), "Thanks a lot");
        out += &mail(
            &d,
            &[&c],
            "Shop <help@shop.example>",
            &customer,
            &format!("Re: {subject}"),
            (day, 12),
            "You are welcome.",
        );
    }
    // A reply whose parent is not in the archive joins by subject and customer.
    out += &mail(
        "lost-parent@x",
        &["gone@x"],
        "Customer 7 <c7@example.net>",
        "help@shop.example",
        "RE: Order 7 question",
        (8, 30),
        "Any news on it?",
    );
    // The same mail twice.
    out += &mail(
        "t3a@x",
        &[],
        "Customer 3 <c3@example.net>",
        "help@shop.example",
        "Order 3 question",
        (4, 0),
        "Where is parcel word3x?",
    );
    // HTML only, with an attachment.
    let pdf =
        base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n");
    out += &format!(
        "From eve@example.org Mon Mar  3 10:00:00 2025\nMessage-ID: <html@x>\nFrom: Eve <eve@example.org>\nTo: help@shop.example\n\
         Subject: Invoice attached\nDate: 20 Mar 2025 11:00:00 +0000\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\nContent-Type: text/html; charset=utf-8\n\n\
         <html><body><p>Please find the <b>invoice</b> zanzibarite attached.</p></body></html>\n--b1\n\
         Content-Type: application/pdf; name=\"invoice.pdf\"\nContent-Disposition: attachment; filename=\"invoice.pdf\"\n\
         Content-Transfer-Encoding: base64\n\n{pdf}\n--b1--\n\n"
    );
    // A body of 3 MB: imported, its text cut to 1 MB.
    out += &mail(
        "big@x",
        &[],
        "Bob <bob@example.org>",
        "help@shop.example",
        "Log file",
        (21, 0),
        &"spam ".repeat(600_000),
    );
    out
}

async fn wait_done(h: &Harness, admin: &str, id: &str) -> Value {
    for _ in 0..1500 {
        let job = h.get(&format!("/api/v1/imports/{id}"), admin).await.body;
        if job["state"] != "running" {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the import never finished")
}

async fn import(h: &Harness, admin: &str, query: &str, body: Vec<u8>) -> Value {
    let resp = h
        .client
        .post(format!("/api/v1/imports?{query}"))
        .header("Authorization", format!("Bearer {admin}"))
        .content_type("application/octet-stream")
        .body(body)
        .send()
        .await;
    let status = resp.0.status().as_u16();
    let started: Value = serde_json::from_str(&resp.0.into_body().into_string().await.expect("body")).expect("json");
    assert_eq!(status, 202, "{started}");
    assert_eq!(started["state"], "running");
    wait_done(h, admin, started["id"].as_str().expect("id")).await
}

async fn found(h: &Harness, token: &str, q: &str) -> Vec<Value> {
    h.desk.index_now().expect("indexed");
    let a = h.get(&format!("/api/v1/search?q={q}"), token).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["items"].as_array().expect("items").clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_mbox_of_two_thousand_mails_becomes_threads_that_search_finds_and_imports_once() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let job =
        import(&h, &d.admin, "format=mbox&inbox=Web&desk_addresses=help@shop.example", archive().into_bytes()).await;
    assert_eq!(job["state"], "done", "{job:#}");
    assert_eq!(
        (job["conversations"].as_u64(), job["messages"].as_u64(), job["files"].as_u64()),
        (Some(502), Some(2003), Some(1)),
        "{job:#}"
    );
    let reasons: Vec<String> =
        job["skips"].as_array().expect("skips").iter().map(|s| format!("{}: {}", s["at"], s["reason"])).collect();
    assert!(reasons.iter().any(|r| r.contains("upload: mail 2002") && r.contains("a copy of mail 13")), "{reasons:#?}");
    assert!(
        reasons.iter().any(|r| r.contains("mail 2004") && r.contains("cut to the first 1048576 bytes")),
        "{reasons:#?}"
    );
    assert_eq!(job["skipped"], 2, "{reasons:#?}");

    // Thread 7: four mails by References, the fifth by its subject; in time order.
    let hits = found(&h, &d.admin, "word7x").await;
    assert_eq!(hits.len(), 1, "{hits:#?} {job:#}");
    let id = hits[0]["conversation"]["id"].as_str().expect("id").to_string();
    let conv = h.get(&format!("/api/v1/conversations/{id}"), &d.admin).await.body;
    assert_eq!(
        (conv["status"].as_str(), conv["subject"].as_str(), conv["inbox_id"].as_str()),
        (Some("closed"), Some("Order 7 question"), Some(d.web.as_str()))
    );
    assert_eq!(conv["created_at"], "2025-03-08T10:00:00Z");
    let timeline = h.get(&format!("/api/v1/conversations/{id}/messages?limit=50"), &d.admin).await.body;
    let entries: Vec<(String, String)> = timeline["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|m| (m["kind"].as_str().unwrap_or("").to_string(), m["text"].as_str().unwrap_or("").to_string()))
        .collect();
    let pair = |k: &str, t: &str| (k.to_string(), t.to_string());
    assert_eq!(
        entries,
        [
            pair("customer", "Where is parcel word7x?"),
            pair("agent", "It ships today."),
            pair("customer", "Thanks a lot"),
            pair("agent", "You are welcome."),
            pair("customer", "Any news on it?"),
        ]
    );
    let (ana, shop) = (&timeline["items"][1], &timeline["items"][3]);
    assert_eq!(
        (ana["author_kind"].as_str(), ana["author_id"].as_str()),
        (Some("user"), Some(d.ana_id.as_str())),
        "Ana's mail is Ana's reply: {ana}"
    );
    assert_eq!(
        (shop["author_kind"].as_str(), shop["author_id"].as_str()),
        (Some("bot"), Some("Shop")),
        "the shop's address signs with its name: {shop}"
    );
    let contact = &conv["contact"];
    assert_eq!((contact["name"].as_str(), contact["email"].as_str()), (Some("Customer 7"), Some("c7@example.net")));

    // HTML became text and the PDF came along.
    let hits = found(&h, &d.admin, "zanzibarite").await;
    assert_eq!(hits.len(), 1);
    let id = hits[0]["conversation"]["id"].as_str().expect("id").to_string();
    let m = &h.get(&format!("/api/v1/conversations/{id}/messages"), &d.admin).await.body["items"][0];
    assert!(m["text"].as_str().unwrap_or("").contains("Please find the invoice zanzibarite attached."), "{m}");
    assert!(!m["text"].as_str().unwrap_or("").contains('<'), "{m}");
    let att = m["attachments"][0].as_str().expect("a file");
    let file = h.download(&format!("/api/v1/attachments/{att}"), &d.admin).await;
    assert_eq!((file.status, file.content_type.as_str()), (200, "application/pdf"));
    assert!(file.disposition.contains("invoice.pdf") && file.bytes.starts_with(b"%PDF-1.4"), "{}", file.disposition);

    // The same archive again: nothing twice.
    let again =
        import(&h, &d.admin, "format=mbox&inbox=Web&desk_addresses=help@shop.example", archive().into_bytes()).await;
    assert_eq!(
        (again["conversations"].as_u64(), again["already_imported"].as_u64()),
        (Some(0), Some(502)),
        "{again:#}"
    );
    assert_eq!(found(&h, &d.admin, "word7x").await.len(), 1);
    let list = h.get("/api/v1/imports", &d.admin).await.body;
    assert_eq!(list["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(list["items"][0]["id"], again["id"], "newest first");
}

fn jsonl_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for i in 0..40 {
        lines.push(
            json!({
                "ref": format!("t-{i}"), "inbox": "Web", "subject": format!("Refund {i}"),
                "contact": {"ref": format!("c-{}", i % 10), "name": format!("Client {}", i % 10), "email": format!("client{}@example.org", i % 10)},
                "status": if i == 0 { "open" } else { "closed" }, "assignee": "ana@example.com", "labels": ["vip"],
                "created_at": "2024-11-02T09:00:00Z", "closed_at": "2024-11-02T12:00:00Z",
                "messages": [
                    {"author": "customer", "text": format!("Refund request quokka{i}"), "at": "2024-11-02T09:00:00Z"},
                    {"author": "agent", "agent": "ana@example.com", "text": "Refunded.", "at": "2024-11-02T09:30:00Z",
                     "attachments": [{"name": "note.txt", "content_type": "text/plain", "data_base64": "UmVmdW5kZWQgMTAgRVVSLg=="}]},
                    {"author": "note", "agent": "Old Helpdesk", "text": "Checked by finance.", "at": "2024-11-02T09:40:00Z"}
                ]
            })
            .to_string(),
        );
    }
    lines.insert(5, "{not json".into());
    lines.insert(9, json!({"ref": "bad-status", "status": "spam", "messages": []}).to_string());
    lines.insert(12, json!({"ref": "no-inbox", "inbox": "Nowhere", "messages": [{"author": "customer", "text": "hi", "at": "2024-01-01T00:00:00Z"}]}).to_string());
    lines.insert(15, json!({"ref": "bad-time", "inbox": "Web", "messages": [{"author": "customer", "text": "hi", "at": "yesterday"}]}).to_string());
    lines
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_lines_keep_history_and_report_broken_lines_by_number() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let body = jsonl_lines().join("\n").into_bytes();
    let job = import(&h, &d.admin, "format=jsonl", body).await;
    assert_eq!(
        (job["conversations"].as_u64(), job["messages"].as_u64(), job["files"].as_u64()),
        (Some(40), Some(120), Some(40)),
        "{job:#}"
    );
    let skips: Vec<(String, String)> = job["skips"]
        .as_array()
        .expect("skips")
        .iter()
        .map(|s| (s["at"].as_str().unwrap_or("").to_string(), s["reason"].as_str().unwrap_or("").to_string()))
        .collect();
    let mut skips = skips;
    skips.sort_by_key(|(a, _)| a.rsplit(':').next().and_then(|n| n.parse::<u32>().ok()));
    let at: Vec<&str> = skips.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(at, ["upload:6", "upload:10", "upload:13", "upload:16"], "{skips:#?}");
    assert!(skips[1].1.contains("status \"spam\""), "{skips:#?}");
    assert!(skips[2].1.contains("no inbox is named \"Nowhere\""), "{skips:#?}");
    assert!(skips[3].1.contains("messages[0].at \"yesterday\" is not an RFC 3339 time"), "{skips:#?}");

    let hits = found(&h, &d.admin, "quokka3").await;
    assert_eq!(hits.len(), 1);
    let conv = &hits[0]["conversation"];
    assert_eq!((conv["status"].as_str(), conv["assignee_id"].as_str()), (Some("closed"), Some(d.ana_id.as_str())));
    assert_eq!(
        (conv["created_at"].as_str(), conv["closed_at"].as_str()),
        (Some("2024-11-02T09:00:00Z"), Some("2024-11-02T12:00:00Z"))
    );
    assert_eq!(conv["labels"][0], d.vip.as_str(), "{conv}");
    // Ten contacts for forty conversations: the same ref is the same contact.
    let contacts = h.get("/api/v1/contacts?q=client&limit=100", &d.admin).await.body;
    assert_eq!(contacts["items"].as_array().map(Vec::len), Some(10), "{contacts}");
    // The open one waits with Ana; an agent's view shows it as hers.
    let open = &found(&h, &d.admin, "quokka0").await[0]["conversation"];
    assert_eq!(open["status"], "open");
    // A second run: nothing twice.
    let again = import(&h, &d.admin, "format=jsonl", jsonl_lines().join("\n").into_bytes()).await;
    assert_eq!((again["conversations"].as_u64(), again["already_imported"].as_u64()), (Some(0), Some(40)));
    // Webhooks leave imported history alone: the import's events are not news.
    let events = h.get("/api/v1/imports", &d.ana).await;
    assert_eq!(events.status, 403, "only admins import");
}

#[test]
fn the_command_line_resumes_a_cut_off_file_and_imports_nothing_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("files")).expect("mkdir");
    std::fs::write(src.join("files/receipt.txt"), "Paid in full.").expect("write");
    let lines: Vec<String> = (0..30)
        .map(|i| {
            json!({"ref": format!("t{i}"), "subject": format!("Case {i}"), "contact": {"email": format!("p{i}@example.org")},
                "messages": [{"author": "customer", "text": format!("wombat{i} here"), "at": "2023-05-01T08:00:00Z",
                "attachments": [{"path": "files/receipt.txt", "content_type": "text/plain"}, {"path": "../outside.txt"}]}]})
            .to_string()
        })
        .collect();
    let run = |args: &[&str]| {
        let out = Command::new(BIN).args(args).env("NO_COLOR", "1").output().expect("runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    };
    let d = data.to_str().expect("utf-8");
    let s = src.to_str().expect("utf-8");
    std::fs::write(src.join("conversations.jsonl"), lines[..10].join("\n")).expect("write");
    // No data folder with inboxes yet: every line is reported, nothing is imported.
    let (code, text) = run(&["import", "jsonl", s, "--data", d]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("imported 0 conversations"), "{text}");
    assert!(text.contains("conversations.jsonl:1: no inbox given"), "{text}");
    seed_demo(&data);
    let (code, text) = run(&["import", "jsonl", s, "--data", d, "--inbox", "Nowhere"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("no inbox is named \"Nowhere\""), "{text}");
    // The first ten lines, then the whole file (as after an interruption).
    let (code, text) = run(&["import", "jsonl", s, "--data", d, "--inbox", "Web chat"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("imported 10 conversations, 10 messages and 10 files"), "{text}");
    assert!(text.contains("path \"../outside.txt\" must stay inside the import folder"), "{text}");
    std::fs::write(src.join("conversations.jsonl"), lines.join("\n")).expect("write");
    let (code, text) = run(&["import", "jsonl", s, "--data", d, "--inbox", "Web chat"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("imported 20 conversations, 20 messages and 20 files")
            && text.contains("10 conversations were imported before"),
        "{text}"
    );
    assert!(text.contains("indexed"), "{text}");
}

/// Seeds the demo workspace into the data folder (inboxes "Web chat" and others), then lets
/// the folder go.
fn seed_demo(data: &std::path::Path) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let store = switchboard::store::Store::open(data).expect("opens");
        let weak = store.downgrade();
        let desk = switchboard::desk::Desk::new(
            store,
            std::sync::Arc::new(switchboard::clock::SystemClock),
            switchboard::desk::DeskConfig::default(),
        );
        desk.seed_demo_accounts().await.expect("accounts");
        desk.seed_demo_workspace().await.expect("workspace");
        drop(desk);
        for _ in 0..500 {
            if !weak.is_open() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("the data folder stays open");
    });
}
