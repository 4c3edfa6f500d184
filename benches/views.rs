//! Benchmark of the list views at scale (issue 3): loads 100,000 conversations with about
//! 1,000,000 messages, serves them on a real listener, and measures over HTTP (keep-alive,
//! one client) the `unassigned` view sorted by `waiting` for an agent serving one inbox and
//! for one serving several, `mine` for one agent, and a contact lookup by phone. Prints the
//! median and p99 of each, plus load time and database size.
//!
//! Run: `cargo bench --bench views` (release build). Sizes: `BENCH_CONVERSATIONS`,
//! `BENCH_CONTACTS`, `BENCH_REQUESTS` environment variables.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard::clock::{Clock, SystemClock};
use switchboard::demo::phrases::Lang;
use switchboard::demo::{Plan, PlanAgent, PlanInbox, generate};
use switchboard::desk::{Desk, DeskConfig, NewUser};
use switchboard::domain::Role;
use switchboard::domain::id::IdState;
use switchboard::domain::workspace::{AssignmentMode, Channel, Inbox, Team};
use switchboard::store::{Changes, Store, Tbl};
use switchboard::{AppState, bind, serve};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A keep-alive HTTP/1.1 client: one request at a time on one connection.
struct Client {
    stream: BufReader<TcpStream>,
    addr: String,
}

impl Client {
    fn get(&mut self, path: &str, token: &str) -> (u16, Vec<u8>) {
        let req = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\n\r\n", self.addr);
        self.stream.get_mut().write_all(req.as_bytes()).expect("write");
        let mut status_line = String::new();
        self.stream.read_line(&mut status_line).expect("status");
        let status = status_line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
        let mut len = 0usize;
        loop {
            let mut line = String::new();
            self.stream.read_line(&mut line).expect("header");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(v) = l.to_ascii_lowercase().strip_prefix("content-length:") {
                len = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0; len];
        self.stream.read_exact(&mut body).expect("body");
        (status, body)
    }
}

fn stats(name: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let pick = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{name:<44} median {:>7.3} ms   p99 {:>7.3} ms   max {:>7.3} ms   (n={})",
        pick(0.5).as_secs_f64() * 1e3,
        pick(0.99).as_secs_f64() * 1e3,
        pick(1.0).as_secs_f64() * 1e3,
        samples.len()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let conversations = env("BENCH_CONVERSATIONS", 100_000);
    let contacts = env("BENCH_CONTACTS", 20_000);
    let requests = env("BENCH_REQUESTS", 2_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("store");
    let desk = Desk::new(store.clone(), Arc::new(SystemClock), DeskConfig::default());

    // 20 agents; 9 inboxes (3 per language); team "All" serves every inbox, team "One" one inbox.
    let mut agents = Vec::new();
    for i in 0..20 {
        let new = NewUser { email: format!("agent{i}@bench.test"), name: format!("Agent {i}"), role: Role::Agent, password: "benchmark-pw".into(), capacity: None, must_change_password: false };
        let u = desk.insert_user(switchboard::domain::Actor::Cli, new, true).await.expect("agent");
        agents.push(PlanAgent { id: u.id, name: u.name });
    }
    let now = SystemClock.now();
    let mut ids = IdState::default();
    let mut next_id = |p: &str| ids.next(p, now, getrandom_bytes());
    let inboxes: Vec<(Inbox, Lang)> = (0..9)
        .map(|i| {
            let lang = [Lang::En, Lang::It, Lang::Es][i % 3];
            let inbox = Inbox { id: next_id("inb"), name: format!("Inbox {i}"), channel: Channel::Livechat, assignment: AssignmentMode::Manual, offer_timeout_secs: 30, auto_close_secs: 86_400, wrap_up_required: false, team_ids: Vec::new(), created_at: now, updated_at: now };
            (inbox, lang)
        })
        .collect();
    let all = Team { id: next_id("team"), name: "All".into(), description: String::new(), members: agents[..10].iter().map(|a| a.id.clone()).collect(), created_at: now, updated_at: now };
    let one = Team { id: next_id("team"), name: "One".into(), description: String::new(), members: agents[10..].iter().map(|a| a.id.clone()).collect(), created_at: now, updated_at: now };
    let (teams, mut boxes) = (vec![all.clone(), one.clone()], inboxes.clone());
    for (i, (inbox, _)) in boxes.iter_mut().enumerate() {
        inbox.team_ids = if i == 0 { vec![all.id.clone(), one.id.clone()] } else { vec![all.id.clone()] };
    }
    store
        .write(move |_| {
            let mut c = Changes::new(now, switchboard::domain::Actor::System);
            for t in &teams {
                c.put_json(Tbl::Teams, &t.id, t)?;
            }
            for (i, _) in &boxes {
                c.put_json(Tbl::Inboxes, &i.id, i)?;
            }
            Ok::<_, switchboard::store::StoreError>((c, ()))
        })
        .await
        .expect("config");

    let plan = Plan {
        contacts,
        conversations,
        extra_exchanges: 4,
        days: 365,
        now,
        inboxes: inboxes.iter().map(|(i, l)| PlanInbox { id: i.id.clone(), lang: *l }).collect(),
        agents: agents.clone(),
        labels: Vec::new(),
        wrap_ups: Vec::new(),
    };
    let t = Instant::now();
    let mut ids = IdState::default();
    let g = generate(&plan, 42, |p, at| ids.next(p, at, getrandom_bytes()));
    let generated = t.elapsed();
    let t = Instant::now();
    let report = desk.import(g).await.expect("import");
    let imported = t.elapsed();
    let db_bytes = std::fs::metadata(dir.path().join("switchboard.redb")).map(|m| m.len()).unwrap_or(0);
    println!("generated {} contacts, {} conversations, {} messages in {:.1} s; imported in {:.1} s ({:.0} conversations/s); database {:.0} MB",
        report.contacts, report.conversations, report.messages, generated.as_secs_f64(), imported.as_secs_f64(),
        report.conversations as f64 / imported.as_secs_f64(), db_bytes as f64 / 1e6);

    let acceptor = bind("127.0.0.1:0").await.expect("bind");
    let addr = poem::listener::Acceptor::local_addr(&acceptor)[0].as_socket_addr().expect("tcp").to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(AppState::new(desk.clone()), acceptor, async move {
        let _ = stopped.await;
    }));
    let login = move |addr: &str, email: &str| {
        let (status, body) = {
            let mut s = TcpStream::connect(addr).expect("connect");
            let b = format!("{{\"email\":\"{email}\",\"password\":\"benchmark-pw\"}}");
            write!(s, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}", b.len()).expect("w");
            let mut out = String::new();
            s.read_to_string(&mut out).expect("r");
            (out.split_whitespace().nth(1).unwrap_or("0").to_string(), out.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default())
        };
        assert_eq!(status, "200", "{body}");
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        v["token"].as_str().expect("token").to_string()
    };
    let addr2 = addr.clone();
    let phones: Vec<String> = (0..requests).map(|i| format!("{:06}", 100_000 + (i * 7919) % contacts)).collect();
    let results = tokio::task::spawn_blocking(move || {
        let wide = login(&addr2, "agent0@bench.test"); // team All: 9 inboxes
        let narrow = login(&addr2, "agent10@bench.test"); // team One: 1 inbox
        let mut client = Client { stream: BufReader::new(TcpStream::connect(&addr2).expect("connect")), addr: addr2.clone() };
        let mut run = |path: &str, token: &str| -> Vec<Duration> {
            let mut out = Vec::with_capacity(requests);
            for i in 0..requests + 50 {
                let t = Instant::now();
                let (status, body) = client.get(path, token);
                let d = t.elapsed();
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                if i >= 50 {
                    out.push(d);
                }
            }
            out
        };
        let one = run("/api/v1/conversations?view=unassigned&sort=waiting&limit=50", &narrow);
        let several = run("/api/v1/conversations?view=unassigned&sort=waiting&limit=50", &wide);
        let mine = run("/api/v1/conversations?view=mine&sort=waiting&limit=50", &wide);
        let mut phone = Vec::with_capacity(requests);
        for p in &phones {
            let t = Instant::now();
            let (status, _) = client.get(&format!("/api/v1/contacts?q={p}"), &wide);
            phone.push(t.elapsed());
            assert_eq!(status, 200);
        }
        (one, several, mine, phone)
    })
    .await
    .expect("client");
    stats("unassigned, sort=waiting, 1 inbox", results.0);
    stats("unassigned, sort=waiting, 9 inboxes", results.1);
    stats("mine, sort=waiting (one agent)", results.2);
    stats("contact lookup by phone (q=digits)", results.3);
    let _ = stop.send(());
    let _ = server.await;
}

fn getrandom_bytes() -> [u8; 10] {
    let mut b = [0u8; 10];
    getrandom::fill(&mut b).expect("random");
    b
}
