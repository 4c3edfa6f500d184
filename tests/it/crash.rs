//! Crash safety (issue 20): the real binary under concurrent load (customer messages, agent
//! status changes, uploads and transfers) is killed with SIGKILL at random moments and
//! restarted; every acknowledged message is then in its conversation's timeline and found by
//! search, every acknowledged upload downloads byte for byte, every acknowledged transfer is
//! counted (and at most the one in flight more), and no conversation shows a half-written
//! change (its message count always equals the messages in its timeline). An offer pending at
//! the kill still times out after the restart. `SWITCHBOARD_CRASH_KILLS` sets the number of
//! kills (10 by default, as in CI; 100 for a long local run).

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

/// A raw call: `(status, body bytes)`, `None` when the server is not there.
fn call_raw(
    addr: &str,
    method: &str,
    path: &str,
    token: &str,
    content_type: &str,
    body: &[u8],
) -> Option<(u16, Vec<u8>)> {
    let mut s = TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body).ok()?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).ok()?;
    let split = out.windows(4).position(|w| w == b"\r\n\r\n")?;
    let status = std::str::from_utf8(&out[..split]).ok()?.split_whitespace().nth(1)?.parse().ok()?;
    let mut body = out[split + 4..].to_vec();
    let chunked = std::str::from_utf8(&out[..split]).ok()?.to_ascii_lowercase().contains("transfer-encoding: chunked");
    if chunked {
        body = dechunk(&body)?;
    }
    Some((status, body))
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line = b.windows(2).position(|w| w == b"\r\n")?;
        let size = usize::from_str_radix(std::str::from_utf8(&b[..line]).ok()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(b.get(line + 2..line + 2 + size)?);
        b = b.get(line + 4 + size..)?;
    }
}

/// Uploads `content` as a text document; its id when acknowledged.
fn upload(addr: &str, token: &str, name: &str, content: &str) -> Option<Result<String, String>> {
    let body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ndocument\r\n--XyZ\r\n\
         Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--XyZ--\r\n"
    );
    let (status, answer) =
        call_raw(addr, "POST", "/api/v1/attachments", token, "multipart/form-data; boundary=XyZ", body.as_bytes())?;
    let v: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
    Some(match (status, v["id"].as_str()) {
        (201, Some(id)) => Ok(id.to_string()),
        _ => Err(format!("{status} {}", String::from_utf8_lossy(&answer))),
    })
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
    // Uploads acknowledged (id, content), and a conversation passed between the admin and a team.
    let uploads: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let (_, teams) = call(&addr, "GET", "/api/v1/teams", Some(&token), None).expect("answers");
    let team = teams["items"][0]["id"].as_str().expect("a team").to_string();
    let body = json!({"contact": {"external_id": "crash-transfers", "name": "Transfers"}, "text": "pass me around"});
    let (status, receipt) =
        call(&addr, "POST", &format!("/api/v1/channels/api/{inbox}/messages"), Some(&token), Some(&body))
            .expect("answers");
    assert_eq!(status, 201, "{receipt}");
    let passed = receipt["conversation_id"].as_str().expect("id").to_string();
    let transfers_acked = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let mut transfers_before = 0u64;
    let mut uploads_checked = 0usize;
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
        // The uploads of the round just killed, and every 25th older one (all of them at the end).
        let all = uploads.lock().expect("lock").clone();
        let fresh = all.len().saturating_sub(uploads_checked);
        let picked = all.iter().enumerate().filter(|(i, _)| round == kills || *i >= all.len() - fresh || i % 25 == 0);
        uploads_checked = all.len();
        for (_, (id, content)) in picked {
            let (status, bytes) =
                call_raw(&addr, "GET", &format!("/api/v1/attachments/{id}"), &token, "text/plain", b"")
                    .expect("answers");
            assert_eq!(
                (status, String::from_utf8_lossy(&bytes).as_ref()),
                (200, content.as_str()),
                "round {round}: upload {id}"
            );
        }
        let (_, c) =
            call(&addr, "GET", &format!("/api/v1/conversations/{passed}"), Some(&token), None).expect("answers");
        let counted = c["transfer_count"].as_u64().expect("transfer_count");
        let acked_now = transfers_acked.swap(0, Ordering::SeqCst);
        // Every acknowledged transfer is there; at most the one in flight at the kill as well.
        assert!(
            (transfers_before + acked_now..=transfers_before + acked_now + 1).contains(&counted),
            "round {round}: {counted} transfers counted, {acked_now} acknowledged since {transfers_before}"
        );
        transfers_before = counted;
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
        {
            let (addr, token, uploads, stop) = (addr.clone(), token.clone(), uploads.clone(), stop.clone());
            threads.push(std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let content = format!("upload {i} of round {round}: {}", "x".repeat(i % 5000));
                    match upload(&addr, &token, &format!("r{round}-{i}.txt"), &content) {
                        Some(Ok(id)) => uploads.lock().expect("lock").push((id, content)),
                        Some(Err(e)) => panic!("upload: {e}"),
                        None => return,
                    }
                    i += 1;
                }
            }));
        }
        {
            let (addr, token, passed, team, acked, stop) =
                (addr.clone(), token.clone(), passed.clone(), team.clone(), transfers_acked.clone(), stop.clone());
            threads.push(std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // Take it (it waits in a queue), then hand it to the team; a refusal (the
                    // admin is away at that instant) changes nothing and is not counted.
                    let take = call(
                        &addr,
                        "POST",
                        &format!("/api/v1/conversations/{passed}/assign"),
                        Some(&token),
                        Some(&json!({})),
                    );
                    if take.is_none() {
                        return;
                    }
                    let body = json!({"team_id": team});
                    match call(
                        &addr,
                        "POST",
                        &format!("/api/v1/conversations/{passed}/transfer"),
                        Some(&token),
                        Some(&body),
                    ) {
                        Some((200, _)) => {
                            acked.fetch_add(1, Ordering::SeqCst);
                        }
                        Some((409 | 403, _)) => {}
                        Some((status, other)) => panic!("transfer: {status} {other}"),
                        None => return,
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
    let files = uploads.lock().expect("lock").len();
    assert!(total > kills, "the load made progress: {total} messages acknowledged");
    assert!(files > 0 && transfers_before > 0, "uploads ({files}) and transfers ({transfers_before}) made progress");
    eprintln!(
        "{kills} kills: {total} acknowledged messages, {files} uploads and {transfers_before} transfers, every one present (and the messages searchable) after each restart"
    );
    let _ = child.kill();
    let _ = child.wait();
}

/// Polls `f` every 100 ms for up to `secs`; the last value it saw.
fn poll(secs: u64, mut f: impl FnMut() -> Option<Value>, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut last = Value::Null;
    while Instant::now() < deadline {
        if let Some(v) = f() {
            if done(&v) {
                return v;
            }
            last = v;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    last
}

#[test]
fn an_offer_pending_at_a_sigkill_still_times_out_after_the_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut child, addr) = start(dir.path());
    let login = |addr: &str, email: &str| {
        let body = json!({"email": email, "password": "demo"});
        let (_, v) = call(addr, "POST", "/api/v1/auth/login", None, Some(&body)).expect("answers");
        v["token"].as_str().expect("token").to_string()
    };
    let admin = login(&addr, "admin@example.com");
    let (_, inboxes) = call(&addr, "GET", "/api/v1/inboxes", Some(&admin), None).expect("answers");
    let web =
        inboxes["items"].as_array().expect("items").iter().find(|i| i["channel"] == "livechat").expect("a chat inbox")
            ["id"]
            .as_str()
            .expect("id")
            .to_string();
    let patch = json!({"offer_timeout_secs": 5});
    let (status, v) =
        call(&addr, "PATCH", &format!("/api/v1/inboxes/{web}"), Some(&admin), Some(&patch)).expect("answers");
    assert_eq!(status, 200, "{v}");
    // A new agent with room for work, signed in (available).
    let user = json!({"email": "otto@example.com", "name": "Otto", "role": "agent", "password": "longpassword1"});
    let (status, otto) = call(&addr, "POST", "/api/v1/users", Some(&admin), Some(&user)).expect("answers");
    assert_eq!(status, 201, "{otto}");
    let body = json!({"email": "otto@example.com", "password": "longpassword1"});
    call(&addr, "POST", "/api/v1/auth/login", None, Some(&body)).expect("answers");
    let body = json!({
        "inbox_id": web, "contact": {"name": "Olga Offer", "email": "olga@example.net"}, "subject": "Offer me",
        "handoff": {"bot_name": "Helpbot", "transcript": [{"from": "customer", "text": "a person, please"}]}
    });
    let (status, conv) = call(&addr, "POST", "/api/v1/conversations", Some(&admin), Some(&body)).expect("answers");
    assert_eq!(status, 201, "{conv}");
    let id = conv["id"].as_str().expect("id").to_string();
    let get =
        |addr: &str| call(addr, "GET", &format!("/api/v1/conversations/{id}"), Some(&admin), None).map(|(_, v)| v);
    // The admin takes it and transfers it to Otto: an offer with the inbox's 5-second deadline.
    let path = format!("/api/v1/conversations/{id}/assign");
    let (status, v) = call(&addr, "POST", &path, Some(&admin), Some(&json!({}))).expect("answers");
    assert_eq!(status, 200, "{v}");
    let to = json!({"agent_id": otto["id"]});
    let path = format!("/api/v1/conversations/{id}/transfer");
    let (status, v) = call(&addr, "POST", &path, Some(&admin), Some(&to)).expect("answers");
    assert_eq!(status, 200, "{v}");
    let offered = get(&addr).expect("answers");
    assert_eq!((offered["status"].as_str(), offered["rona_count"].as_u64()), (Some("offered"), Some(0)), "{offered}");
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let (mut child, addr) = start(dir.path());
    // The offer's deadline is kept with the conversation: it lapses (RONA) after the restart.
    let after = poll(30, || get(&addr), |c| c["rona_count"].as_u64().unwrap_or(0) >= 1);
    assert!(after["rona_count"].as_u64().unwrap_or(0) >= 1, "the offer never timed out after the restart: {after}");
    let _ = child.kill();
    let _ = child.wait();
}
