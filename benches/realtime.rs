//! Benchmark of the real-time paths on a real listener, with raw HTTP/1.1 clients.
//!
//! 1. SSE fan-out: 1,000 subscribers on `GET /api/v1/events` (admin and supervisor tokens, so
//!    each sees every event; the server holds at most 10 streams a token and 30 a user, so it
//!    creates admin users with a session and two API tokens each until there are enough), then
//!    200 agent replies posted to one conversation at a steady pace. For every subscriber ×
//!    message it takes the delay from the moment the POST's answer arrived to the moment that
//!    subscriber read the `message.created` event (0 when the event came first), and prints
//!    median, p99 and how many deliveries never arrived.
//! 2. Routing: 200 signed-in agents in one team serving a round-robin inbox; times 300 bot
//!    hand-offs (`POST /api/v1/conversations`, which routes before answering, so each answer
//!    should be `offered`), the same hand-off into manual inboxes (no routing) as a baseline,
//!    and `Desk::settle()` called directly, idle and with a queue of one.
//!
//! Run: `ulimit -n 4096; cargo bench --bench realtime` (release build; 1,000 streams need more
//! than the common default of 1,024 open files). Sizes and pace: `BENCH_SUBSCRIBERS`,
//! `BENCH_MESSAGES`, `BENCH_PACE_MS`, `BENCH_AGENTS`, `BENCH_ROUTED`, `BENCH_SETTLES`; threads:
//! `BENCH_SERVER_THREADS` (server runtime), `BENCH_CLIENT_THREADS` (clients).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::{Value, json};
use switchboard::clock::{Clock, SystemClock};
use switchboard::desk::{Desk, DeskConfig, MAX_STREAMS_PER_CREDENTIAL, MAX_STREAMS_PER_USER};
use switchboard::domain::Actor;
use switchboard::domain::workspace::AssignmentMode;
use switchboard::store::{Changes, RecordChanges, Store, StoreError, WorkspaceReads};
use switchboard::{AppState, bind, serve};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::runtime::Runtime;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn runtime(threads: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread().worker_threads(threads).enable_all().build().expect("tokio runtime")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Median, p99 and max of samples in milliseconds.
fn stats(mut s: Vec<f64>) -> String {
    if s.is_empty() {
        return "no samples".into();
    }
    s.sort_by(f64::total_cmp);
    let pick = |q: f64| s[((s.len() as f64 - 1.0) * q).round() as usize];
    format!("median {:.3} ms p99 {:.3} ms max {:.3} ms (n={})", pick(0.5), pick(0.99), pick(1.0), s.len())
}

/// Polls `done` every 20 ms until it holds or `limit` passes; returns whether it held.
async fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let t = Instant::now();
    while !done() {
        if t.elapsed() > limit {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    true
}

/// Reads a status line and headers: status, `Content-Length`, whether the body is chunked.
async fn read_head<R: AsyncBufRead + Unpin>(r: &mut R) -> (u16, usize, bool) {
    let mut line = String::new();
    r.read_line(&mut line).await.expect("status line");
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let (mut len, mut chunked) = (0, false);
    loop {
        line.clear();
        assert!(r.read_line(&mut line).await.expect("header") > 0, "connection closed in the headers");
        let l = line.trim_end().to_ascii_lowercase();
        if l.is_empty() {
            return (status, len, chunked);
        }
        if let Some(v) = l.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        chunked |= l.starts_with("transfer-encoding:") && l.contains("chunked");
    }
}

/// Reads one chunk of a chunked body (empty at its end).
async fn read_chunk<R: AsyncBufRead + Unpin>(r: &mut R) -> std::io::Result<Vec<u8>> {
    let mut line = String::new();
    if r.read_line(&mut line).await? == 0 {
        return Err(std::io::ErrorKind::UnexpectedEof.into());
    }
    let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
        .map_err(|_| std::io::Error::other("bad chunk size"))?;
    let mut buf = vec![0; size + 2];
    r.read_exact(&mut buf).await?;
    buf.truncate(size);
    Ok(buf)
}

/// A keep-alive JSON client: one request at a time on one connection.
struct Client {
    r: BufReader<TcpStream>,
    host: String,
}

impl Client {
    async fn connect(addr: &str) -> Client {
        Client { r: BufReader::new(TcpStream::connect(addr).await.expect("connects")), host: addr.to_string() }
    }

    /// Sends a JSON request (with a bearer token unless `token` is empty); insists on `want`.
    async fn ok(&mut self, method: &str, path: &str, token: &str, body: Value, want: u16) -> Value {
        let body = body.to_string();
        let auth = if token.is_empty() { String::new() } else { format!("Authorization: Bearer {token}\r\n") };
        let req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.host,
            body.len()
        );
        self.r.get_mut().write_all(req.as_bytes()).await.expect("writes the request");
        let (status, len, chunked) = read_head(&mut self.r).await;
        assert!(!chunked, "{method} {path}: JSON answers carry a Content-Length");
        let mut bytes = vec![0; len];
        self.r.read_exact(&mut bytes).await.expect("reads the body");
        let v = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        assert_eq!(status, want, "{method} {path}: {v}");
        v
    }

    /// Signs in; returns the token and the user's status after it.
    async fn login(&mut self, email: &str, password: &str) -> (String, String) {
        let v = self.ok("POST", "/api/v1/auth/login", "", json!({"email": email, "password": password}), 200).await;
        (v["token"].as_str().expect("token").into(), v["user"]["status"].as_str().unwrap_or("").into())
    }
}

fn id(v: &Value) -> String {
    v["id"].as_str().expect("answer has an id").to_string()
}

fn handoff(inbox: &str, n: usize) -> Value {
    json!({"inbox_id": inbox, "contact": {"name": format!("Bench {n}"), "email": format!("b{n}@example.net")}, "subject": "x",
        "handoff": {"bot_name": "Bot", "transcript": [{"from": "customer", "text": "hi"}]}})
}

/// A running server over a fresh data folder with the demo accounts.
struct Server {
    addr: String,
    desk: Desk,
    store: Store,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    _dir: tempfile::TempDir,
}

fn start(rt: &Runtime) -> Server {
    rt.block_on(async {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(dir.path()).expect("store opens");
        let desk = Desk::new(store.clone(), Arc::new(SystemClock), DeskConfig::default());
        desk.seed_demo_accounts().await.expect("demo accounts");
        let acceptor = bind("127.0.0.1:0").await.expect("binds");
        let addr = poem::listener::Acceptor::local_addr(&acceptor)[0].as_socket_addr().expect("tcp").to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(serve(AppState::new(desk.clone()), acceptor, async move {
            let _ = stopped.await;
        }));
        Server { addr, desk, store, stop, task, _dir: dir }
    })
}

/// What one subscriber read: events, and when each `message.created` arrived.
#[derive(Default)]
struct Seen {
    open: bool,
    events: usize,
    messages: HashMap<String, Instant>,
}

#[derive(Deserialize)]
struct Live {
    #[serde(rename = "type")]
    kind: String,
    message: Option<LiveMessage>,
}

#[derive(Deserialize)]
struct LiveMessage {
    id: String,
}

/// One SSE subscriber: reads the stream until it ends, noting arrival times per read.
async fn subscribe(addr: String, token: String, seen: Arc<Mutex<Seen>>) {
    let mut r = BufReader::new(TcpStream::connect(&addr).await.expect("connects the stream"));
    let req = format!(
        "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\nAuthorization: Bearer {token}\r\n\r\n"
    );
    r.get_mut().write_all(req.as_bytes()).await.expect("writes the request");
    let (status, _, chunked) = read_head(&mut r).await;
    assert!(status == 200 && chunked, "the event stream was refused or is not chunked ({status})");
    seen.lock().expect("lock").open = true;
    let mut buf = Vec::new();
    while let Ok(chunk) = read_chunk(&mut r).await
        && !chunk.is_empty()
    {
        let at = Instant::now();
        buf.extend_from_slice(&chunk);
        while let Some(end) = buf.windows(2).position(|w| w == b"\n\n") {
            let block: Vec<u8> = buf.drain(..end + 2).collect();
            let data: String = String::from_utf8_lossy(&block)
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            if data.is_empty() {
                continue; // keep-alive comment
            }
            let ev: Live = serde_json::from_str(&data).expect("event data is JSON");
            let mut s = seen.lock().expect("lock");
            s.events += 1;
            if ev.kind == "message.created"
                && let Some(m) = ev.message
            {
                s.messages.insert(m.id, at);
            }
        }
    }
}

fn sse(server_rt: &Runtime, client_rt: &Runtime) {
    let (subs, msgs, pace) = (env("BENCH_SUBSCRIBERS", 1000), env("BENCH_MESSAGES", 200), env("BENCH_PACE_MS", 15));
    let srv = start(server_rt);
    let addr = srv.addr.clone();
    client_rt.block_on(async move {
        let mut c = Client::connect(&addr).await;
        let (admin, _) = c.login("admin@example.com", "demo").await;
        let mut tokens = vec![admin.clone()];
        for who in ["supervisor", "admin", "supervisor"] {
            tokens.push(c.login(&format!("{who}@example.com"), "demo").await.0);
        }
        // At most MAX_STREAMS_PER_CREDENTIAL streams a token and MAX_STREAMS_PER_USER a user: more
        // admins, each with a session and API tokens up to its share, until every stream has room.
        let (t, mut users) = (Instant::now(), 0);
        while tokens.len() * MAX_STREAMS_PER_CREDENTIAL < subs {
            users += 1;
            let email = format!("sse{users}@bench.test");
            let body = json!({"email": email, "name": format!("SSE {users}"), "role": "admin", "password": "longpassword1"});
            c.ok("POST", "/api/v1/users", &admin, body, 201).await;
            let (session, _) = c.login(&email, "longpassword1").await;
            for k in 1..MAX_STREAMS_PER_USER / MAX_STREAMS_PER_CREDENTIAL {
                let v = c.ok("POST", "/api/v1/tokens", &session, json!({"name": format!("sse {k}")}), 201).await;
                tokens.push(v["token"].as_str().expect("token").to_string());
            }
            tokens.push(session);
        }
        println!("sse: {users} admins added, {} tokens in {:.1} s", tokens.len(), t.elapsed().as_secs_f64());
        let team = id(&c.ok("POST", "/api/v1/teams", &admin, json!({"name": "Support", "members": []}), 201).await);
        let inbox = id(&c.ok("POST", "/api/v1/inboxes", &admin, json!({"name": "Web", "team_ids": [team]}), 201).await);

        let seen: Vec<Arc<Mutex<Seen>>> = (0..subs).map(|_| Arc::default()).collect();
        let t = Instant::now();
        let tasks: Vec<_> = seen.iter().enumerate().map(|(i, s)| tokio::spawn(subscribe(addr.clone(), tokens[i % tokens.len()].clone(), s.clone()))).collect();
        let count = |f: &dyn Fn(&Seen) -> bool| seen.iter().filter(|s| f(&s.lock().expect("lock"))).count();
        wait_until(Duration::from_secs(60), || count(&|s| s.open) == subs).await;
        println!("sse: {} of {subs} streams open in {:.0} ms", count(&|s| s.open), ms(t.elapsed()));

        let conv = id(&c.ok("POST", "/api/v1/conversations", &admin, handoff(&inbox, 0), 201).await);
        c.ok("POST", &format!("/api/v1/conversations/{conv}/assign"), &admin, json!({}), 200).await;
        // Every stream is live once it has read the conversation's creation.
        wait_until(Duration::from_secs(30), || count(&|s| s.events > 0) == subs).await;
        println!("sse: {} of {subs} streams received the set-up events", count(&|s| s.events > 0));
        tokio::time::sleep(Duration::from_millis(200)).await;
        let events_before: usize = seen.iter().map(|s| s.lock().expect("lock").events).sum();

        let mut answers: Vec<(String, Instant)> = Vec::with_capacity(msgs);
        let mut post_ms = Vec::with_capacity(msgs);
        let mut tick = tokio::time::interval(Duration::from_millis(pace as u64));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let t = Instant::now();
        for i in 0..msgs {
            tick.tick().await;
            let sent = Instant::now();
            let m = c.ok("POST", &format!("/api/v1/conversations/{conv}/messages"), &admin, json!({"kind": "reply", "text": format!("message {i}")}), 201).await;
            let at = Instant::now();
            post_ms.push(ms(at - sent));
            answers.push((id(&m), at));
        }
        let posting = t.elapsed();
        let got = |s: &Arc<Mutex<Seen>>| {
            let s = s.lock().expect("lock");
            answers.iter().filter(|(m, _)| s.messages.contains_key(m)).count()
        };
        let complete = wait_until(Duration::from_secs(30), || seen.iter().all(|s| got(s) == msgs)).await;
        let (mut delays, mut missing, mut early, mut events) = (Vec::with_capacity(subs * msgs), 0, 0, 0);
        for s in &seen {
            let s = s.lock().expect("lock");
            events += s.events;
            for (m, answered) in &answers {
                match s.messages.get(m) {
                    Some(at) => {
                        early += usize::from(at < answered);
                        delays.push(ms(at.saturating_duration_since(*answered)));
                    }
                    None => missing += 1,
                }
            }
        }
        for task in tasks {
            task.abort();
        }
        println!("sse: posted {msgs} replies in {:.2} s (one every {pace} ms); POST {}", posting.as_secs_f64(), stats(post_ms));
        println!("sse: {subs} subscribers, {msgs} messages, delivery delay {}", stats(delays));
        println!(
            "sse: missing {missing}{}; delivered before the answer {early}; events delivered {events} ({} during the replies)",
            if complete { "" } else { " (timed out waiting)" },
            events - events_before
        );
    });
    let _ = srv.stop.send(());
    let _ = server_rt.block_on(srv.task);
}

fn routing(server_rt: &Runtime, client_rt: &Runtime) {
    let (agents, routed, settles) = (env("BENCH_AGENTS", 200), env("BENCH_ROUTED", 300), env("BENCH_SETTLES", 50));
    let srv = start(server_rt);
    let addr = srv.addr.clone();
    let manual_inboxes = client_rt.block_on(async move {
        let mut c = Client::connect(&addr).await;
        let (admin, _) = c.login("admin@example.com", "demo").await;
        // Users and their sign-ins (Argon2 both) over 8 parallel connections.
        let t = Instant::now();
        let workers: Vec<_> = (0..8)
            .map(|w| {
                let (addr, admin) = (addr.clone(), admin.clone());
                tokio::spawn(async move {
                    let (mut c, mut ids, mut available) = (Client::connect(&addr).await, Vec::new(), 0);
                    for i in (w..agents).step_by(8) {
                        let email = format!("agent{i}@bench.test");
                        let body = json!({"email": email, "name": format!("Agent {i}"), "role": "agent", "password": "longpassword1"});
                        ids.push(id(&c.ok("POST", "/api/v1/users", &admin, body, 201).await));
                        available += usize::from(c.login(&email, "longpassword1").await.1 == "available");
                    }
                    (ids, available)
                })
            })
            .collect();
        let (mut members, mut available) = (Vec::new(), 0);
        for w in workers {
            let (ids, n) = w.await.expect("user worker");
            members.extend(ids);
            available += n;
        }
        println!("routing: {agents} agents created and signed in in {:.1} s, {available} available", t.elapsed().as_secs_f64());
        let team = id(&c.ok("POST", "/api/v1/teams", &admin, json!({"name": "Everyone", "members": members}), 201).await);
        let body = json!({"name": "Queue", "assignment": "round_robin", "offer_timeout_secs": 600, "team_ids": [team]});
        let inbox = id(&c.ok("POST", "/api/v1/inboxes", &admin, body, 201).await);

        let (mut times, mut statuses) = (Vec::with_capacity(routed), HashMap::<String, usize>::new());
        for n in 0..routed {
            let t = Instant::now();
            let v = c.ok("POST", "/api/v1/conversations", &admin, handoff(&inbox, n + 1), 201).await;
            times.push(ms(t.elapsed()));
            *statuses.entry(v["status"].as_str().unwrap_or("?").to_string()).or_default() += 1;
        }
        println!("routing: {agents} agents, create+route {} statuses {statuses:?}", stats(times));

        // Baseline: the same hand-off into manual inboxes of the same team (no routing). Each
        // keeps one queued conversation for the direct settle below.
        let (mut inboxes, mut times, mut queued) = (Vec::new(), Vec::new(), 0);
        for k in 0..settles {
            let body = json!({"name": format!("Manual {k}"), "assignment": "manual", "offer_timeout_secs": 600, "team_ids": [team]});
            let manual = id(&c.ok("POST", "/api/v1/inboxes", &admin, body, 201).await);
            let t = Instant::now();
            let v = c.ok("POST", "/api/v1/conversations", &admin, handoff(&manual, 100_000 + k), 201).await;
            times.push(ms(t.elapsed()));
            queued += usize::from(v["status"] == "queued");
            inboxes.push(manual);
        }
        println!("routing: create into a manual inbox (no routing) {}; {queued} queued", stats(times));
        inboxes
    });
    // Stop the server (and its scheduler) so nothing else settles; the desk stays usable.
    let _ = srv.stop.send(());
    let _ = server_rt.block_on(srv.task);
    let (desk, store) = (srv.desk, srv.store);
    server_rt.block_on(async move {
        let mut idle = Vec::new();
        for _ in 0..settles {
            let t = Instant::now();
            let done = desk.settle().await.expect("settles");
            idle.push(ms(t.elapsed()));
            assert!(done.is_empty(), "idle settle did something: {done:?}");
        }
        println!("routing: settle() with nothing to do, {agents} agents {}", stats(idle));
        let (mut one, mut offered, mut other) = (Vec::new(), 0, 0);
        for inbox in manual_inboxes {
            // Turn the inbox to round robin behind the desk's back, so its one queued
            // conversation waits for the next settle.
            let now = SystemClock.now();
            store
                .write(move |s| {
                    let mut i = s.inbox(&inbox)?.expect("inbox exists");
                    i.assignment = AssignmentMode::RoundRobin;
                    let mut c = Changes::new(now, Actor::System);
                    c.put_inbox(&i)?;
                    Ok::<_, StoreError>((c, ()))
                })
                .await
                .expect("inbox turned to round robin");
            let t = Instant::now();
            let done = desk.settle().await.expect("settles");
            one.push(ms(t.elapsed()));
            offered += done.offered;
            other += done.away + done.expired + done.withdrawn + done.closed;
        }
        println!(
            "routing: settle() with a queue of 1, {agents} agents {}; offered {offered}, other work {other}",
            stats(one)
        );
    });
}

fn main() {
    let server_rt = runtime(env("BENCH_SERVER_THREADS", 2));
    let client_rt = runtime(env("BENCH_CLIENT_THREADS", 2));
    sse(&server_rt, &client_rt);
    routing(&server_rt, &client_rt);
}
