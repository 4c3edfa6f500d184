//! Benchmark of exports (F11): fills a store with 100,000 conversations (generated through
//! the real lifecycle rules, written in large batches straight through the store's write
//! path, timelines left out since exports do not read them), then downloads every row as CSV
//! and as xlsx through the HTTP API (in process) as a supervisor, counting the bytes without
//! keeping them. Prints the median of 3 runs of each, the file sizes, and the process's
//! peak resident memory (VmHWM, reset before each format) beside the resident memory before.
//! The store is filled by a child process, so this one never holds the generated data.
//!
//! Run: `cargo bench --bench exports` (release build). Sizes: `BENCH_CONVERSATIONS`,
//! `BENCH_CONTACTS`, `BENCH_RUNS` environment variables.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use poem::EndpointExt;
use poem::test::TestClient;
use serde_json::{Value, json};
use switchboard::clock::{Clock, SystemClock};
use switchboard::demo::phrases::Lang;
use switchboard::demo::{Plan, PlanAgent, PlanInbox, generate};
use switchboard::desk::{Desk, DeskConfig, NewUser};
use switchboard::domain::workspace::{
    AssignmentMode, Channel, DEFAULT_WAIT_AMBER_SECS, DEFAULT_WAIT_RED_SECS, Inbox, Label, Team, WrapUpReason,
};
use switchboard::domain::{Actor, Role};
use switchboard::store::{Changes, RecordChanges, Store, StoreError, put_contact, put_conversation, take_numbers};
use switchboard::{AppState, app};

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A line of `/proc/self/status` in MB (`VmHWM`, `VmRSS`).
fn memory_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status.lines().find_map(|l| {
        l.strip_prefix(field)?.trim_start_matches(':').trim().trim_end_matches("kB").trim().parse::<f64>().ok()
    });
    kb.unwrap_or(0.0) / 1024.0
}

/// Resets the peak resident memory to the current one (Linux 4.0+).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Writes the workspace and `conversations` generated conversations in large transactions.
async fn fill(store: &Store, desk: &Desk, conversations: usize, contacts: usize) {
    let now = SystemClock.now();
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
        let u = desk.insert_user(Actor::Cli, new, true).await.expect("agent");
        agents.push(PlanAgent { id: u.id, name: u.name });
    }
    let team = Team {
        id: "team_bench".into(),
        name: "Support".into(),
        description: String::new(),
        members: agents.iter().map(|a| a.id.clone()).collect(),
        created_at: now,
        updated_at: now,
    };
    let inboxes: Vec<(Inbox, Lang)> = (0..6)
        .map(|i| {
            let lang = [Lang::En, Lang::It, Lang::Es][i % 3];
            let inbox = Inbox {
                id: format!("inb_{i}"),
                name: format!("Inbox {i}"),
                channel: if i == 5 { Channel::Api } else { Channel::Livechat },
                assignment: AssignmentMode::Manual,
                offer_timeout_secs: 30,
                auto_close_secs: 86_400,
                wrap_up_required: false,
                team_ids: vec![team.id.clone()],
                wait_amber_secs: DEFAULT_WAIT_AMBER_SECS,
                wait_red_secs: DEFAULT_WAIT_RED_SECS,
                widget: Default::default(),
                created_at: now,
                updated_at: now,
            };
            (inbox, lang)
        })
        .collect();
    let labels: Vec<Label> = ["vip", "billing", "bug", "=formula"]
        .iter()
        .enumerate()
        .map(|(i, n)| Label { id: format!("lbl_{i}"), name: n.to_string(), color: "#336699".into() })
        .collect();
    let wrap_ups: Vec<WrapUpReason> = ["Solved", "Duplicate", "No answer"]
        .iter()
        .enumerate()
        .map(|(i, n)| WrapUpReason { id: format!("wru_{i}"), name: n.to_string(), archived: false })
        .collect();
    let plan = Plan {
        contacts,
        conversations,
        extra_exchanges: 0,
        days: 365,
        now,
        inboxes: inboxes.iter().map(|(i, l)| PlanInbox { id: i.id.clone(), lang: *l }).collect(),
        agents,
        labels: labels.iter().map(|l| l.id.clone()).collect(),
        wrap_ups: wrap_ups.iter().map(|w| (w.id.clone(), w.name.clone())).collect(),
    };
    let config = (team, inboxes.into_iter().map(|(i, _)| i).collect::<Vec<_>>(), labels, wrap_ups);
    store
        .write(move |_| {
            let mut c = Changes::new(now, Actor::System);
            c.put_team(&config.0)?;
            for i in &config.1 {
                c.put_inbox(i)?;
            }
            for l in &config.2 {
                c.put_label(l)?;
            }
            for w in &config.3 {
                c.put_wrap_up(w)?;
            }
            Ok::<_, StoreError>((c, ()))
        })
        .await
        .expect("workspace");
    let mut n = 0u64;
    let g = generate(&plan, 42, |p, _| {
        n += 1;
        format!("{p}_{n:010}")
    });
    for batch in g.contacts.chunks(10_000) {
        let batch = batch.to_vec();
        store
            .write(move |_| {
                let mut c = Changes::new(now, Actor::System);
                for k in &batch {
                    put_contact(&mut c, k, None)?;
                }
                Ok::<_, StoreError>((c, ()))
            })
            .await
            .expect("contacts");
    }
    let convs: Vec<_> = g.conversations.into_iter().map(|(c, _timeline)| c).collect();
    for batch in convs.chunks(10_000) {
        let batch = batch.to_vec();
        store
            .write(move |s| {
                let mut c = Changes::new(now, Actor::System);
                let first = take_numbers(&mut c, s, batch.len() as u64)?;
                for (i, mut conv) in batch.into_iter().enumerate() {
                    conv.number = first + i as u64;
                    put_conversation(&mut c, &conv, None)?;
                }
                Ok::<_, StoreError>((c, ()))
            })
            .await
            .expect("conversations");
    }
}

/// Downloads `path`, counting the bytes as they stream in; returns the size and the time.
async fn download<E: poem::Endpoint>(client: &TestClient<E>, path: &str, token: &str) -> (usize, Duration) {
    let t = Instant::now();
    let resp = client.get(path).header("Authorization", format!("Bearer {token}")).send().await;
    resp.assert_status_is_ok();
    let mut stream = resp.0.into_body().into_bytes_stream();
    let mut size = 0;
    while let Some(chunk) = stream.next().await {
        size += chunk.expect("chunk").len();
    }
    (size, t.elapsed())
}

/// Set in the child process that fills the store, so the parent measuring the exports
/// never held the generated data (freed memory would hide the exports' own).
const FILL_DIR: &str = "SWITCHBOARD_BENCH_FILL_DIR";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let conversations = env("BENCH_CONVERSATIONS", 100_000);
    let contacts = env("BENCH_CONTACTS", 20_000);
    let runs = env("BENCH_RUNS", 3).max(1);
    if let Some(dir) = std::env::var_os(FILL_DIR) {
        let store = Store::open(std::path::Path::new(&dir)).expect("store");
        let desk = Desk::new(store.clone(), Arc::new(SystemClock), DeskConfig::default());
        fill(&store, &desk, conversations, contacts).await;
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Instant::now();
    let exe = std::env::current_exe().expect("own path");
    let status = std::process::Command::new(exe).env(FILL_DIR, dir.path()).status().expect("fill process");
    assert!(status.success(), "filling the store failed");
    let db_mb = std::fs::metadata(dir.path().join("switchboard.redb")).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!(
        "filled {conversations} conversations, {contacts} contacts in {:.1} s (child process); database {db_mb:.0} MB",
        t.elapsed().as_secs_f64()
    );
    let store = Store::open(dir.path()).expect("store");
    let desk = Desk::new(store.clone(), Arc::new(SystemClock), DeskConfig::default());
    println!("resident after opening the store: {:.0} MB", memory_mb("VmRSS"));

    let sup = NewUser {
        email: "sup@bench.test".into(),
        name: "Sup".into(),
        role: Role::Supervisor,
        password: "benchmark-pw".into(),
        capacity: None,
        must_change_password: false,
    };
    desk.insert_user(Actor::Cli, sup, true).await.expect("supervisor");
    let client = TestClient::new(app(AppState::new(desk.clone())).boxed());
    let login = client
        .post("/api/v1/auth/login")
        .body_json(&json!({"email": "sup@bench.test", "password": "benchmark-pw"}))
        .send()
        .await;
    let body: Value = login.0.into_body().into_json().await.expect("login");
    let token = body["token"].as_str().expect("token").to_string();

    for (format, path) in [
        ("csv", "/api/v1/conversations/export?format=csv&sort=created"),
        ("xlsx", "/api/v1/conversations/export?format=xlsx&sort=created"),
    ] {
        // One warm-up run fills redb's page cache (up to 1 GiB by default), so the growth of
        // the peak over the resident memory before is the export's own.
        download(&client, path, &token).await;
        let (before, cold_peak) = (memory_mb("VmRSS"), memory_mb("VmHWM"));
        reset_peak();
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..runs {
            let (s, d) = download(&client, path, &token).await;
            size = s;
            times.push(d);
        }
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "export {format:<4} {conversations} rows: median {:>7.0} ms (runs: {})   size {:>6.1} MB   peak RSS {:.0} MB over the runs (resident before them {:.0} MB; process peak before {:.0} MB)",
            median.as_secs_f64() * 1e3,
            times.iter().map(|d| format!("{:.0}", d.as_secs_f64() * 1e3)).collect::<Vec<_>>().join(", "),
            size as f64 / 1e6,
            memory_mb("VmHWM"),
            before,
            cold_peak,
        );
    }
}
