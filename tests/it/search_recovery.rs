//! The search index survives a kill: every message acknowledged before `kill -9` is found after
//! the next start, exactly once; and `switchboard reindex` rebuilds it from the database.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{Harness, http};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");
const WORDS: usize = 20;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("binds").local_addr().expect("addr").port()
}

fn json_of(s: &str) -> Value {
    serde_json::from_str(s).unwrap_or_else(|_| panic!("not JSON: {s}"))
}

/// Starts a demo server, writes `WORDS` conversations each with a unique word, and kills it
/// with SIGKILL right after the last answer.
fn write_then_kill(data: &str) {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--data", data, "--bind", &addr])
        .env_remove("SWITCHBOARD_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    for line in lines.by_ref() {
        if line.expect("line").contains("server started") {
            break;
        }
    }
    let (status, body) =
        http(&addr, "POST", "/api/v1/auth/login", &[], Some(r#"{"email":"admin@example.com","password":"demo"}"#));
    assert_eq!(status, 200, "{body}");
    let token = json_of(&body)["token"].as_str().expect("token").to_string();
    let auth = format!("Bearer {token}");
    let (status, body) = http(&addr, "GET", "/api/v1/inboxes", &[("Authorization", &auth)], None);
    assert_eq!(status, 200, "{body}");
    let inbox = json_of(&body)["items"][0]["id"].as_str().expect("an inbox").to_string();
    for i in 0..WORDS {
        let body = json!({
            "inbox_id": inbox, "contact": {"name": format!("Crash {i}")}, "subject": "",
            "handoff": {"bot_name": "Bot", "transcript": [{"from": "customer", "text": format!("parola{i} comune")}]}
        });
        let (status, answer) =
            http(&addr, "POST", "/api/v1/conversations", &[("Authorization", &auth)], Some(&body.to_string()));
        assert_eq!(status, 201, "{answer}");
    }
    child.kill().expect("killed");
    child.wait().expect("reaped");
}

async fn total(h: &Harness, token: &str, q: &str) -> u64 {
    let a = h.get(&format!("/api/v1/search?q={q}"), token).await;
    assert_eq!(a.status, 200, "{}", a.text);
    a.body["total"].as_u64().expect("total")
}

#[tokio::test]
async fn acknowledged_messages_are_found_after_a_kill_and_after_reindex() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().to_str().expect("utf-8").to_string();
    tokio::task::spawn_blocking({
        let data = data.clone();
        move || write_then_kill(&data)
    })
    .await
    .expect("server ran");

    // The next start catches up from the position committed with the index.
    let h = Harness::open(dir, false).await;
    h.desk.index_now().expect("caught up");
    let admin = h.login("admin@example.com", "demo").await;
    for i in 0..WORDS {
        assert_eq!(total(&h, &admin, &format!("parola{i}")).await, 1, "parola{i}");
    }
    assert_eq!(total(&h, &admin, "comune").await, WORDS as u64, "each conversation once");
    let dir = h.dir;
    drop(h.client);
    drop(h.desk);

    // A full rebuild finds the same.
    let out =
        Command::new(BIN).args(["reindex", "--data", &data]).env_remove("SWITCHBOARD_CONFIG").output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout} {}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("reindexed ") && stdout.contains(" conversations in "), "{stdout}");
    let h = Harness::open(dir, false).await;
    assert_eq!(h.desk.index_now().expect("nothing to do"), 0, "the rebuild is at the last event");
    let admin = h.login("admin@example.com", "demo").await;
    assert_eq!(total(&h, &admin, "comune").await, WORDS as u64);
    assert_eq!(total(&h, &admin, "parola7").await, 1);
}
