//! Benchmark of full-text search (issue 5): loads 100,000 conversations with about 1,000,000
//! messages in English, Italian and Spanish (the demo generator), rebuilds the index from
//! scratch, and runs a mix of more than 100 queries (single words, very common words, two-word
//! AND, phrases, prefixes, unaccented forms, names, emails, phone fragments, with and without
//! filters, as a supervisor and as an agent whose permissions filter the query) in relevance
//! and in date order. Prints index build time, bytes on disk, resident memory, and the median
//! and p99 of the engine (total count + one page of 20 ids) and of the whole HTTP request
//! (with conversation cards and highlighted messages).
//!
//! Then, over HTTP, pages of 20 and of 50, first on that corpus and again after adding long
//! conversations (`BENCH_LONG`, default 300, of 200 to 2,000 messages each: mailing-list and
//! bot threads), which a result page must not pay for (issue 16).
//!
//! Run: `cargo bench --bench search`. Sizes: `BENCH_CONVERSATIONS`, `BENCH_CONTACTS`,
//! `BENCH_ROUNDS` (repetitions of the query mix); `BENCH_DIR` keeps the data between runs,
//! `BENCH_SLOWEST` lists more of the slowest queries, `BENCH_HTTP=0` skips the HTTP part.

mod common;

use std::time::{Duration, Instant};

use common::{Client, add_long_threads, db_bytes, db_len, env, load, login, proc_mb, reopen, stats};
use switchboard::clock::{Clock, SystemClock};
use switchboard::domain::Timestamp;
use switchboard::search::query::{Filters, Scope};
use switchboard::search::{Order, Request};
use switchboard::store::{ContactReads, UserReads, WorkspaceReads};
use switchboard::{AppState, bind, serve};

const WORDS: &[&str] = &[
    "order",
    "refund",
    "password",
    "invoice",
    "tracking",
    "jacket",
    "discount",
    "ordine",
    "rimborso",
    "fattura",
    "scarpe",
    "contabilità",
    "pedido",
    "reembolso",
    "factura",
    "contraseña",
    "chaqueta",
    "historial",
    "seat",
    "spam",
];
const COMMON: &[&str] = &["the", "grazie", "gracias", "thank", "il", "el", "la", "pro", "di", "de"];
const PAIRS: &[&str] = &[
    "refund card",
    "fattura partita",
    "pedido lunes",
    "password spam",
    "piano pro",
    "plan anual",
    "invoice vat",
    "rimborso carta",
    "reembolso tarjeta",
    "tracking friday",
    "ordine sabato",
    "contraseña correo",
];
const PHRASES: &[&str] = &[
    "\"partita iva\"",
    "\"plan pro\"",
    "\"the tracking\"",
    "\"la contraseña\"",
    "\"thank you so much\"",
    "\"grazie mille\"",
    "\"muchas gracias\"",
    "\"blue jacket\"",
    "\"piano pro\"",
    "\"vat number\"",
];
const PREFIXES: &[&str] = &["refun*", "fattur*", "contrase*", "reemb*", "track*", "scarp*", "invo*", "pedi*"];
const UNACCENTED: &[&str] = &["informacion", "contrasena", "sesion", "martedi", "novita", "dias", "contabilita"];
const NAMES: &[&str] = &["Rossi", "Garcia", "García", "Olivia Smith", "Giulia", "Fernández"];

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let conversations = env("BENCH_CONVERSATIONS", 100_000);
    let contacts = env("BENCH_CONTACTS", 20_000);
    let rounds = env("BENCH_ROUNDS", 5);
    // `BENCH_DIR` keeps the data folder between runs (loaded and indexed once), to iterate on
    // query speed; without it every run loads and indexes from scratch in a temporary folder.
    let temp = tempfile::tempdir().expect("tempdir");
    let kept = std::env::var_os("BENCH_DIR").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| temp.path().to_path_buf());
    let reuse = kept.is_some() && dir.join("switchboard.redb").exists();
    let loaded = if reuse { reopen(&dir) } else { load(&dir, conversations, contacts).await };
    let (desk, store) = (loaded.desk.clone(), loaded.store.clone());

    // Index build from scratch.
    let index = desk.search_index().expect("index").clone();
    if reuse {
        let t = Instant::now();
        let touched = index.catch_up(&store).expect("catch up");
        println!(
            "reusing {} (index at seq {}; caught up {touched} conversations in {:.1} s; index {:.0} MB)",
            dir.display(),
            index.indexed_seq(),
            t.elapsed().as_secs_f64(),
            index.disk_bytes() as f64 / 1e6
        );
    } else {
        let t = Instant::now();
        let indexed = index.rebuild(&store, &mut |_, _| {}).expect("rebuild");
        let built = t.elapsed();
        let (db, ix) = (db_bytes(&dir), index.disk_bytes());
        println!(
            "index built from scratch: {indexed} conversations in {:.1} s; on disk: database {:.0} MB (file length {:.0} MB) + index {:.0} MB = {:.0} MB; resident {:.0} MB (peak {:.0} MB)",
            built.as_secs_f64(),
            db as f64 / 1e6,
            db_len(&dir) as f64 / 1e6,
            ix as f64 / 1e6,
            (db + ix) as f64 / 1e6,
            proc_mb("VmRSS:"),
            proc_mb("VmHWM:")
        );
    }

    // The query mix.
    let snap = store.snapshot().expect("snapshot");
    let sample = snap.contacts_page(None, 2_000).expect("contacts");
    let mut queries: Vec<String> =
        [WORDS, COMMON, PAIRS, PHRASES, PREFIXES, UNACCENTED, NAMES].concat().iter().map(|s| s.to_string()).collect();
    queries.extend(sample.iter().step_by(100).filter_map(|c| c.email.clone()).take(12));
    let phones: Vec<String> = sample.iter().step_by(97).filter_map(|c| c.phone.clone()).take(12).collect();
    queries.extend(
        phones.iter().enumerate().map(|(i, p)| if i % 2 == 0 { p[p.len() - 6..].to_string() } else { p.clone() }),
    );
    // `BENCH_ONLY=grazie,el` runs only those queries on the engine (each with its usual filter),
    // to profile them.
    let only: Option<Vec<String>> =
        std::env::var("BENCH_ONLY").ok().map(|o| o.split(',').map(str::to_string).collect());
    let agent = snap.user_by_email("agent10@bench.test").expect("read").expect("agent10");
    let teams = snap.teams_of_user(&agent.id).expect("teams");
    let mut keys = vec![format!("u:{}", agent.id)];
    keys.extend(snap.inboxes_of_teams(&teams).expect("inboxes").iter().map(|i| format!("q:{i}")));
    keys.extend(teams.iter().map(|t| format!("t:{t}")));
    drop(snap);
    let month_ago = Timestamp(SystemClock.now().millis() - 30 * 86_400_000);
    let filtered = |i: usize| -> (Filters, Scope) {
        match i % 4 {
            0 => (Filters::default(), Scope::Everything),
            1 => (Filters { statuses: vec!["closed".into()], ..Filters::default() }, Scope::Everything),
            2 => (
                Filters {
                    inbox: Some(loaded.inboxes[i % 9].0.clone()),
                    created: (Some(month_ago.millis()), None),
                    ..Filters::default()
                },
                Scope::Everything,
            ),
            _ => (Filters::default(), Scope::Keys(keys.clone())),
        }
    };
    println!(
        "query mix: {} queries × {rounds} rounds, each in both orders; every 4th with a status filter, every 4th with inbox + date, every 4th as an agent",
        queries.len()
    );

    for order in [Order::Relevance, Order::Newest] {
        let mut samples: Vec<Duration> = Vec::new();
        let mut slowest: Vec<(Duration, String)> = Vec::new();
        let mut hits = 0usize;
        for round in 0..rounds + 1 {
            for (i, q) in queries.iter().enumerate() {
                if only.as_ref().is_some_and(|o| !o.contains(q)) {
                    continue;
                }
                let (filters, scope) = filtered(i);
                let req = Request { text: q.clone(), filters, scope, order, offset: 0, limit: 20, messages: 0 };
                let t = Instant::now();
                let found = index.search(&req).expect("search");
                let d = t.elapsed();
                if round > 0 {
                    samples.push(d);
                    slowest.push((d, q.clone()));
                    hits += found.total;
                }
            }
        }
        slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
        let runs = samples.len();
        stats(&format!("engine, {order:?} (count + top 20)"), samples);
        println!(
            "    mean hits per query {}; slowest: {:?}",
            hits / runs.max(1),
            slowest
                .iter()
                .take(env("BENCH_SLOWEST", 3))
                .map(|(d, q)| format!("{q} {:.2} ms", d.as_secs_f64() * 1e3))
                .collect::<Vec<_>>()
        );
    }

    if env("BENCH_HTTP", 1) == 0 {
        return;
    }
    // End to end over HTTP: conversation cards and highlighted messages included.
    let acceptor = bind("127.0.0.1:0").await.expect("bind");
    let addr = poem::listener::Acceptor::local_addr(&acceptor)[0].as_socket_addr().expect("tcp").to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(AppState::new(desk.clone()), acceptor, async move {
        let _ = stopped.await;
    }));
    let queries = std::sync::Arc::new(queries);
    http_passes(&addr, &queries, rounds, &[], "").await;

    // Long threads (issue 16): a share of conversations with 200 to 2,000 messages, which a
    // result page must not pay for.
    let long = env("BENCH_LONG", 300);
    if long > 0 {
        let t = Instant::now();
        let (ids, added) = add_long_threads(&loaded, long, 200, 2_000).await;
        let imported = t.elapsed();
        let t = Instant::now();
        let indexed = index.rebuild(&store, &mut |_, _| {}).expect("rebuild");
        println!(
            "added {long} long conversations ({added} messages) in {:.1} s; index rebuilt: {indexed} conversations, {} messages in all, in {:.1} s, {:.0} MB",
            imported.as_secs_f64(),
            loaded.report.messages + added,
            t.elapsed().as_secs_f64(),
            index.disk_bytes() as f64 / 1e6
        );
        http_passes(&addr, &queries, rounds, &ids, ", long threads present").await;
        // Pages of long threads only: the subject word they alone have, with words of the mix.
        let only_long: Vec<String> =
            ["digest", "digest order", "digest grazie", "digest gracias", "digest la", "digest refun*"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        http_passes(&addr, &std::sync::Arc::new(only_long), rounds * 10, &ids, ", pages of long threads only").await;
    }
    println!("resident memory after the queries: {:.0} MB (peak {:.0} MB)", proc_mb("VmRSS:"), proc_mb("VmHWM:"));
    let _ = stop.send(());
    let _ = server.await;
}

/// The query mix over HTTP in both orders, with pages of 20 and of 50; counts how many of the
/// conversations on the pages are among `long`, and the messages those hold.
async fn http_passes(addr: &str, queries: &std::sync::Arc<Vec<String>>, rounds: usize, long: &[String], label: &str) {
    let (addr, count, queries) = (addr.to_string(), queries.len(), queries.clone());
    let long: std::collections::HashSet<String> = long.iter().cloned().collect();
    let results = tokio::task::spawn_blocking(move || {
        let sup = login(&addr, "sup@bench.test");
        let agent = login(&addr, "agent10@bench.test");
        let mut client = Client::connect(&addr);
        let mut out = Vec::new();
        for limit in [20, 50] {
            for order in ["relevance", "newest"] {
                let (mut samples, mut on_pages) = (Vec::new(), 0usize);
                for round in 0..rounds + 1 {
                    for (i, q) in queries.iter().enumerate() {
                        let token = if i % 4 == 3 { &agent } else { &sup };
                        let path = format!("/api/v1/search?q={}&order={order}&limit={limit}", encode(q));
                        let t = Instant::now();
                        let (status, body) = client.get(&path, token);
                        let d = t.elapsed();
                        assert_eq!(status, 200, "{q}: {}", String::from_utf8_lossy(&body));
                        if round > 0 {
                            samples.push(d);
                        } else if !long.is_empty() {
                            let page: serde_json::Value = serde_json::from_slice(&body).expect("json");
                            let items = page["items"].as_array().cloned().unwrap_or_default();
                            on_pages += items
                                .iter()
                                .filter(|i| i["conversation"]["id"].as_str().is_some_and(|id| long.contains(id)))
                                .count();
                        }
                    }
                }
                out.push((limit, order, samples, on_pages));
            }
        }
        out
    })
    .await
    .expect("client");
    for (limit, order, samples, on_pages) in results {
        stats(&format!("HTTP GET /search, {order}, {limit} per page{label}"), samples);
        if on_pages > 0 {
            println!("    long conversations on the first pages of the {count} queries: {on_pages}");
        }
    }
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.*".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
