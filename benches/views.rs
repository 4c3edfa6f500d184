//! Benchmark of the list views at scale (issue 3): loads 100,000 conversations with about
//! 1,000,000 messages, serves them on a real listener, and measures over HTTP (keep-alive,
//! one client) the `unassigned` view sorted by `waiting` for an agent serving one inbox and
//! for one serving several, `mine` for one agent, and a contact lookup by phone. Prints the
//! median and p99 of each, plus load time and database size.
//!
//! Run: `cargo bench --bench views` (release build). Sizes: `BENCH_CONVERSATIONS`,
//! `BENCH_CONTACTS`, `BENCH_REQUESTS` environment variables.

mod common;

use std::time::{Duration, Instant};

use common::{Client, env, load, login, stats};
use switchboard::{AppState, bind, serve};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let conversations = env("BENCH_CONVERSATIONS", 100_000);
    let contacts = env("BENCH_CONTACTS", 20_000);
    let requests = env("BENCH_REQUESTS", 2_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let desk = load(dir.path(), conversations, contacts).await.desk;

    let acceptor = bind("127.0.0.1:0").await.expect("bind");
    let addr = poem::listener::Acceptor::local_addr(&acceptor)[0].as_socket_addr().expect("tcp").to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(AppState::new(desk.clone()), acceptor, async move {
        let _ = stopped.await;
    }));
    let addr2 = addr.clone();
    let phones: Vec<String> = (0..requests).map(|i| format!("{:06}", 100_000 + (i * 7919) % contacts)).collect();
    let results = tokio::task::spawn_blocking(move || {
        let wide = login(&addr2, "agent0@bench.test"); // team All: 9 inboxes
        let narrow = login(&addr2, "agent10@bench.test"); // team One: 1 inbox
        let mut client = Client::connect(&addr2);
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
