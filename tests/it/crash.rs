//! Crash safety (issue 20): the real binary under concurrent load is killed with SIGKILL at
//! random moments and restarted; every acknowledged message is then in its conversation's
//! timeline and found by search, and no conversation shows a half-written change (its message
//! count always equals the messages in its timeline). `SWITCHBOARD_CRASH_KILLS` sets the number
//! of kills (10 by default, as in CI; 100 for a long local run).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");
/// Concurrent writers, each its own contact (one conversation each).
const WRITERS: usize = 4;

/// A writer's conversation and the texts the server acknowledged.
type Writer = (Option<String>, Vec<String>);

/// One HTTP/1.1 call; `None` when the server is not there (killed, or not up yet).
fn call(addr: &str, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Option<(u16, Value)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let body = body.map(Value::to_string).unwrap_or_default();
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    let req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    let status = out.split_whitespace().nth(1)?.parse().ok()?;
    let text = out.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    Some((status, serde_json::from_str(text).unwrap_or(Value::Null)))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("binds").local_addr().expect("addr").port()
}

/// Starts the binary on `data`; returns it with its address once it is ready.
fn start(data: &Path) -> (Child, String) {
    let addr = format!("127.0.0.1:{}", free_port());
    let mut child = Command::new(BIN)
        .args(["serve", "--demo", "--data", data.to_str().expect("utf-8"), "--bind", &addr])
        .env("SWITCHBOARD_DEMO_CUSTOMERS_EVERY_SECS", "0")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if call(&addr, "GET", "/readyz", None, None).is_some_and(|(s, _)| s == 200) {
            return (child, addr);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not become ready within 60 s");
}

/// A small deterministic generator for the kill moments.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Every message text of a conversation, checking that its count matches the timeline.
fn texts(addr: &str, token: &str, conv: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let path = format!("/api/v1/conversations/{conv}/messages?limit=500{cursor}");
        let (status, page) = call(addr, "GET", &path, Some(token), None).expect("answers");
        assert_eq!(status, 200, "{page}");
        out.extend(
            page["items"].as_array().expect("items").iter().filter_map(|m| m["text"].as_str().map(str::to_string)),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = format!("&cursor={c}"),
            None => break,
        }
    }
    let (_, c) = call(addr, "GET", &format!("/api/v1/conversations/{conv}"), Some(token), None).expect("answers");
    assert_eq!(c["message_count"].as_u64(), Some(out.len() as u64), "no half-written change in {conv}: {c}");
    out
}

#[test]
fn acknowledged_changes_survive_sigkill_at_random_moments() {
    let kills: usize = std::env::var("SWITCHBOARD_CRASH_KILLS").ok().and_then(|v| v.parse().ok()).unwrap_or(10);
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, mut addr) = start(dir.path());
    let (_, login) = call(
        &addr,
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"email": "admin@example.com", "password": "demo"})),
    )
    .expect("answers");
    let session = login["token"].as_str().expect("token").to_string();
    let (_, tok) =
        call(&addr, "POST", "/api/v1/tokens", Some(&session), Some(&json!({"name": "crash"}))).expect("answers");
    let token = tok["token"].as_str().expect("api token").to_string();
    let (_, inboxes) = call(&addr, "GET", "/api/v1/inboxes", Some(&token), None).expect("answers");
    let inbox =
        inboxes["items"].as_array().expect("items").iter().find(|i| i["channel"] == "api").expect("an api inbox")["id"]
            .as_str()
            .expect("id")
            .to_string();
    // Per writer: its conversation and the texts the server acknowledged.
    let acked: Arc<Mutex<Vec<Writer>>> = Arc::new(Mutex::new(vec![(None, Vec::new()); WRITERS]));
    let mut seed = 0x5eed_u64;
    for round in 0..=kills {
        // After each restart: everything acknowledged is there, and the newest is searchable.
        let state = acked.lock().expect("lock").clone();
        for (w, (conv, texts_acked)) in state.iter().enumerate() {
            let Some(conv) = conv else { continue };
            let got = texts(&addr, &token, conv);
            for t in texts_acked {
                assert!(got.contains(t), "round {round}: writer {w}'s acknowledged {t:?} is missing");
            }
            if let Some(last) = texts_acked.last() {
                let word = last.split_whitespace().last().expect("a word");
                let deadline = Instant::now() + Duration::from_secs(20);
                loop {
                    let (_, hits) =
                        call(&addr, "GET", &format!("/api/v1/search?q={word}"), Some(&token), None).expect("answers");
                    if hits["items"].as_array().is_some_and(|i| !i.is_empty()) {
                        break;
                    }
                    assert!(
                        Instant::now() < deadline,
                        "round {round}: {word} is not searchable 20 s after the restart"
                    );
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        }
        if round == kills {
            break;
        }
        // Load: writers push customer messages while one thread flips the admin's status.
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for w in 0..WRITERS {
            let (addr, token, inbox, acked, stop) =
                (addr.clone(), token.clone(), inbox.clone(), acked.clone(), stop.clone());
            threads.push(std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let text = format!("round {round} writer {w} message {i} zq{round}x{w}x{i}");
                    let body = json!({"contact": {"external_id": format!("crash-{w}"), "name": format!("Writer {w}")}, "text": text});
                    match call(&addr, "POST", &format!("/api/v1/channels/api/{inbox}/messages"), Some(&token), Some(&body)) {
                        Some((201, receipt)) => {
                            let mut a = acked.lock().expect("lock");
                            a[w].0 = receipt["conversation_id"].as_str().map(str::to_string);
                            a[w].1.push(text);
                        }
                        Some((status, other)) => panic!("writer {w}: {status} {other}"),
                        None => return,
                    }
                    i += 1;
                }
            }));
        }
        {
            let (addr, token, stop) = (addr.clone(), token.clone(), stop.clone());
            threads.push(std::thread::spawn(move || {
                let mut away = false;
                while !stop.load(Ordering::Relaxed) {
                    away = !away;
                    let body = json!({"status": if away { "away" } else { "available" }});
                    if call(&addr, "PUT", "/api/v1/me/status", Some(&token), Some(&body)).is_none() {
                        return;
                    }
                }
            }));
        }
        std::thread::sleep(Duration::from_millis(100 + next(&mut seed) % 400));
        child.kill().expect("SIGKILL");
        let _ = child.wait();
        stop.store(true, Ordering::Relaxed);
        for t in threads {
            t.join().expect("a load thread failed");
        }
        (child, addr) = start(dir.path());
    }
    let total: usize = acked.lock().expect("lock").iter().map(|(_, t)| t.len()).sum();
    assert!(total > kills, "the load made progress: {total} messages acknowledged");
    eprintln!("{kills} kills: {total} acknowledged messages, every one present and searchable after each restart");
    let _ = child.kill();
    let _ = child.wait();
}
