//! Shared by the benchmarks: a keep-alive HTTP client, sign-in, statistics, and loading a
//! generated workspace of any size (20 agents, 9 inboxes in three languages, two teams).
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use switchboard::clock::{Clock, SystemClock};
use switchboard::demo::phrases::Lang;
use switchboard::demo::{Plan, PlanAgent, PlanInbox, generate};
use switchboard::desk::{Desk, DeskConfig, ImportReport, NewUser};
use switchboard::domain::Role;
use switchboard::domain::id::IdState;
use switchboard::domain::workspace::{
    AssignmentMode, Channel, DEFAULT_WAIT_AMBER_SECS, DEFAULT_WAIT_RED_SECS, Inbox, Team,
};
use switchboard::store::{Changes, RecordChanges, Store};

/// An environment variable as a number, or the default.
pub fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A keep-alive HTTP/1.1 client: one request at a time on one connection.
pub struct Client {
    stream: BufReader<TcpStream>,
    addr: String,
}

impl Client {
    /// Connects to `addr`.
    pub fn connect(addr: &str) -> Client {
        Client { stream: BufReader::new(TcpStream::connect(addr).expect("connect")), addr: addr.to_string() }
    }

    /// GET with a bearer token; the status and body.
    pub fn get(&mut self, path: &str, token: &str) -> (u16, Vec<u8>) {
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

/// Signs in over HTTP (password `benchmark-pw`) and returns the token.
pub fn login(addr: &str, email: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("connect");
    let b = format!("{{\"email\":\"{email}\",\"password\":\"benchmark-pw\"}}");
    write!(s, "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}", b.len()).expect("w");
    let mut out = String::new();
    s.read_to_string(&mut out).expect("r");
    let body = out.split_once("\r\n\r\n").map(|x| x.1.to_string()).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_else(|_| panic!("login failed: {out}"));
    v["token"].as_str().expect("token").to_string()
}

/// Prints median, p99 and max of some durations.
pub fn stats(name: &str, mut samples: Vec<Duration>) {
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

/// Random bytes for ids.
pub fn random_bytes() -> [u8; 10] {
    let mut b = [0u8; 10];
    getrandom::fill(&mut b).expect("random");
    b
}

/// A loaded workspace.
pub struct Loaded {
    /// The desk over it.
    pub desk: Desk,
    /// The store.
    pub store: Store,
    /// What the import wrote.
    pub report: ImportReport,
    /// Inbox ids with their languages.
    pub inboxes: Vec<(String, Lang)>,
}

/// Loads 20 agents (`agent{i}@bench.test`; 0–9 in team All serving every inbox, 10–19 in team
/// One serving inbox 0), 9 inboxes and the generated history, printing how long it took.
pub async fn load(dir: &std::path::Path, conversations: usize, contacts: usize) -> Loaded {
    let store = Store::open(dir).expect("store");
    let desk = Desk::new(store.clone(), Arc::new(SystemClock), DeskConfig::default());
    let mut agents = Vec::new();
    for i in 0..20 {
        let new = NewUser {
            email: format!("agent{i}@bench.test"),
            name: format!("Agent {i}"),
            role: Role::Agent,
            password: "benchmark-pw".into(),
            capacity: None,
            must_change_password: false,
        };
        let u = desk.insert_user(switchboard::domain::Actor::Cli, new, true).await.expect("agent");
        agents.push(PlanAgent { id: u.id, name: u.name });
    }
    let new = NewUser {
        email: "sup@bench.test".into(),
        name: "Sup".into(),
        role: Role::Supervisor,
        password: "benchmark-pw".into(),
        capacity: None,
        must_change_password: false,
    };
    desk.insert_user(switchboard::domain::Actor::Cli, new, true).await.expect("supervisor");
    let now = SystemClock.now();
    let mut ids = IdState::default();
    let mut next_id = |p: &str| ids.next(p, now, random_bytes());
    let inboxes: Vec<(Inbox, Lang)> = (0..9)
        .map(|i| {
            let lang = [Lang::En, Lang::It, Lang::Es][i % 3];
            let inbox = Inbox {
                id: next_id("inb"),
                name: format!("Inbox {i}"),
                channel: Channel::Livechat,
                assignment: AssignmentMode::Manual,
                offer_timeout_secs: 30,
                auto_close_secs: 86_400,
                wrap_up_required: false,
                team_ids: Vec::new(),
                wait_amber_secs: DEFAULT_WAIT_AMBER_SECS,
                wait_red_secs: DEFAULT_WAIT_RED_SECS,
                widget: Default::default(),
                created_at: now,
                updated_at: now,
            };
            (inbox, lang)
        })
        .collect();
    let all = Team {
        id: next_id("team"),
        name: "All".into(),
        description: String::new(),
        members: agents[..10].iter().map(|a| a.id.clone()).collect(),
        created_at: now,
        updated_at: now,
    };
    let one = Team {
        id: next_id("team"),
        name: "One".into(),
        description: String::new(),
        members: agents[10..].iter().map(|a| a.id.clone()).collect(),
        created_at: now,
        updated_at: now,
    };
    let (teams, mut boxes) = (vec![all.clone(), one.clone()], inboxes.clone());
    for (i, (inbox, _)) in boxes.iter_mut().enumerate() {
        inbox.team_ids = if i == 0 { vec![all.id.clone(), one.id.clone()] } else { vec![all.id.clone()] };
    }
    store
        .write(move |_| {
            let mut c = Changes::new(now, switchboard::domain::Actor::System);
            for t in &teams {
                c.put_team(t)?;
            }
            for (i, _) in &boxes {
                c.put_inbox(i)?;
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
        agents,
        labels: Vec::new(),
        wrap_ups: Vec::new(),
    };
    let t = Instant::now();
    let mut ids = IdState::default();
    let g = generate(&plan, 42, |p, at| ids.next(p, at, random_bytes()));
    let generated = t.elapsed();
    let t = Instant::now();
    let report = desk.import(g).await.expect("import");
    let imported = t.elapsed();
    println!(
        "generated {} contacts, {} conversations, {} messages in {:.1} s; imported in {:.1} s ({:.0} conversations/s); database {:.0} MB on disk (file length {:.0} MB)",
        report.contacts,
        report.conversations,
        report.messages,
        generated.as_secs_f64(),
        imported.as_secs_f64(),
        report.conversations as f64 / imported.as_secs_f64(),
        db_bytes(dir) as f64 / 1e6,
        db_len(dir) as f64 / 1e6
    );
    Loaded { desk, store, report, inboxes: inboxes.into_iter().map(|(i, l)| (i.id, l)).collect() }
}

/// Opens a folder [`load`] filled earlier (the benchmarks' `BENCH_DIR`).
pub fn reopen(dir: &std::path::Path) -> Loaded {
    use switchboard::store::WorkspaceReads;
    let before = db_bytes(dir);
    let t = std::time::Instant::now();
    let store = Store::open(dir).expect("store");
    // An older schema is migrated (and the file compacted) here.
    println!(
        "opened {} in {:.1} s ({:.0} MB on disk before, {:.0} MB after; file length {:.0} MB)",
        dir.display(),
        t.elapsed().as_secs_f64(),
        before as f64 / 1e6,
        db_bytes(dir) as f64 / 1e6,
        db_len(dir) as f64 / 1e6
    );
    let desk = Desk::new(store.clone(), Arc::new(SystemClock), DeskConfig::default());
    let mut inboxes: Vec<(String, Lang)> = store
        .snapshot()
        .and_then(|s| s.inboxes())
        .expect("inboxes")
        .into_iter()
        .filter_map(|i| {
            let n: usize = i.name.strip_prefix("Inbox ")?.parse().ok()?;
            Some((n, i.id))
        })
        .map(|(n, id)| (format!("{n:02}{id}"), [Lang::En, Lang::It, Lang::Es][n % 3]))
        .collect();
    inboxes.sort_by(|a, b| a.0.cmp(&b.0));
    let inboxes = inboxes.into_iter().map(|(k, l)| (k[2..].to_string(), l)).collect();
    Loaded { desk, store, report: ImportReport::default(), inboxes }
}

/// Bytes the database file takes on disk (its allocated blocks, what `du` shows).
pub fn db_bytes(dir: &std::path::Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir.join("switchboard.redb")).map(|m| m.blocks() * 512).unwrap_or(0)
}

/// The database file's length. redb lengthens the file ahead of use (it doubled after a few
/// writes following a compaction); the part not yet written takes no disk (a sparse file), so
/// [`db_bytes`] is what the disk holds and this is what `ls` shows.
pub fn db_len(dir: &std::path::Path) -> u64 {
    std::fs::metadata(dir.join("switchboard.redb")).map(|m| m.len()).unwrap_or(0)
}

/// A line of `/proc/self/status` (e.g. `VmRSS`, `VmHWM`) in MB.
pub fn proc_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with(key)).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Adds `n` long conversations (mailing-list and bot threads): generated like the others, then
/// grown to between `min` and `max` timeline entries with customer and agent messages taken
/// from the other conversations of the same inbox (so in its language). Returns their ids and
/// the messages added.
pub async fn add_long_threads(loaded: &Loaded, n: usize, min: usize, max: usize) -> (Vec<String>, usize) {
    use switchboard::domain::conversation::{Author, MessageKind};
    use switchboard::store::UserReads;
    let now = SystemClock.now();
    let users = loaded.store.snapshot().and_then(|s| s.users_page(None, 1_000)).expect("users");
    let agents: Vec<PlanAgent> =
        users.into_iter().filter(|u| u.role == Role::Agent).map(|u| PlanAgent { id: u.id, name: u.name }).collect();
    let plan = Plan {
        contacts: n,
        conversations: n * 20,
        extra_exchanges: 4,
        days: 365,
        now,
        inboxes: loaded.inboxes.iter().map(|(id, lang)| PlanInbox { id: id.clone(), lang: *lang }).collect(),
        agents: agents.clone(),
        labels: Vec::new(),
        wrap_ups: Vec::new(),
    };
    let mut ids = IdState::default();
    let mut g = generate(&plan, 4242, |p, at| ids.next(p, at, random_bytes()));
    // The texts of each inbox, to grow its threads with.
    let mut texts: std::collections::HashMap<String, Vec<String>> = Default::default();
    for (c, ms) in &g.conversations[n..] {
        let pool = texts.entry(c.inbox_id.clone()).or_default();
        pool.extend(ms.iter().filter(|m| m.kind != MessageKind::System).map(|m| m.text.clone()));
    }
    g.conversations.truncate(n);
    let mut rng = 99u64;
    let mut next = |below: usize| {
        rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (rng >> 33) as usize % below.max(1)
    };
    let mut added = 0;
    for (c, ms) in &mut g.conversations {
        let target = min + next(max - min + 1);
        let pool = &texts[&c.inbox_id];
        let agent = c.assignee.clone().unwrap_or_else(|| agents[0].id.clone());
        let mut at = ms.last().map_or(c.created_at, |m| m.created_at);
        while ms.len() < target {
            at = at.plus_millis(5_000);
            let text = pool[next(pool.len())].clone();
            let m = if ms.len() % 2 == 0 {
                c.next_entry(MessageKind::Customer, Author::Contact { id: c.contact_id.clone() }, text, None, at)
            } else {
                c.next_entry(MessageKind::Agent, Author::User { id: agent.clone() }, text, None, at)
            };
            ms.push(m);
            c.message_count += 1;
            added += 1;
        }
        // A word only these have, so that a query can fill a page with them.
        c.subject = "Mailing list digest".into();
        c.last_message_at = Some(at);
        c.updated_at = c.updated_at.max(at);
    }
    let long: Vec<String> = g.conversations.iter().map(|(c, _)| c.id.clone()).collect();
    loaded.desk.import(g).await.expect("import long threads");
    (long, added)
}
