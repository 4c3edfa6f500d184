//! Issue 15, the network side: attacks on a real socket that must fail (slow headers, idle
//! connections, forged client addresses, /metrics from elsewhere) and the security headers.
//! Each test performs the attack, bounded in count and time, on loopback only.

use crate::common::Harness;

/// The server's resident memory (kB) and open descriptors: the test process is the server.
fn memory_and_descriptors() -> (u64, usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let fds = std::fs::read_dir("/proc/self/fd").map(|d| d.count()).unwrap_or(0);
    (rss, fds)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_headers_and_idle_connections_are_closed_and_the_server_keeps_answering() {
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    let limits = switchboard::http::Limits {
        header_read: Duration::from_millis(500),
        idle: Duration::from_secs(2),
        max_connections: 64,
        ..Default::default()
    };
    let report = on_socket(
        |s| s.limits = limits,
        |addr| {
            let before = memory_and_descriptors();
            // 180 clients that never finish their headers, three times the connection cap.
            let started = Instant::now();
            let mut slow: Vec<TcpStream> = (0..180)
                .map(|_| {
                    let mut s = TcpStream::connect(&addr).expect("connects");
                    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ").expect("writes");
                    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
                    s
                })
                .collect();
            let during = memory_and_descriptors();
            // A well-behaved client is still answered, at worst once the slow ones are dropped.
            let (status, _) = crate::common::http(&addr, "GET", "/healthz", &[], None);
            let healthz_after = started.elapsed();
            assert_eq!(status, 200);
            // Every slow connection is closed by the server (end of stream or an error, never
            // a wait of 5 s).
            for s in &mut slow {
                let mut buf = [0u8; 256];
                let closed = match s.read(&mut buf) {
                    Ok(n) => n == 0 || String::from_utf8_lossy(&buf[..n]).contains("408"),
                    Err(e) => e.kind() != std::io::ErrorKind::WouldBlock && e.kind() != std::io::ErrorKind::TimedOut,
                };
                assert!(closed, "a slow connection was kept open");
            }
            let all_closed = started.elapsed();

            // A connection that never says anything is closed as soon.
            let mut silent = TcpStream::connect(&addr).expect("connects");
            silent.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
            let quiet = Instant::now();
            let mut buf = [0u8; 16];
            let end = silent.read(&mut buf);
            assert!(matches!(end, Ok(0)) || end.is_err(), "a silent connection stayed open: {end:?}");
            assert!(quiet.elapsed() < Duration::from_secs(3), "closed after {:?}", quiet.elapsed());

            // An idle keep-alive connection is closed too.
            let mut idle = TcpStream::connect(&addr).expect("connects");
            idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").expect("writes");
            idle.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
            let mut buf = [0u8; 1024];
            let n = idle.read(&mut buf).expect("answer");
            assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
            let quiet = Instant::now();
            let end = idle.read(&mut buf);
            assert!(matches!(end, Ok(0)) || end.is_err(), "the idle connection stayed open: {end:?}");
            let idle_closed = quiet.elapsed();
            assert!(idle_closed < Duration::from_secs(4), "closed after {idle_closed:?}");
            (before, during, healthz_after, all_closed, idle_closed)
        },
    )
    .await;
    let (before, during, healthz_after, all_closed, idle_closed) = report;
    println!(
        "slow-connection test: server RSS {} kB before, {} kB with 180 slow clients; descriptors {} before, {} during; \
         /healthz answered after {healthz_after:?}; all slow connections closed after {all_closed:?}; \
         idle keep-alive closed after {idle_closed:?}",
        before.0, during.0, before.1, during.1
    );
    // The 180 client sockets live in this process too; the server side holds at most the cap.
    assert!(during.1 <= before.1 + 180 + 64 + 8, "descriptors bounded: {} during", during.1);
}

/// Issue 15, item 12: the headers that keep answers out of caches, sniffers and frames.
#[tokio::test]
async fn answers_carry_nosniff_no_store_and_the_docs_page_a_policy() {
    let h = Harness::new().await;
    let login = h.try_login("ana@example.com", "demo").await;
    assert_eq!(login.status, 200);
    assert_eq!(login.header("cache-control"), Some("no-store"), "the sign-in answer holds a token");
    assert_eq!(login.header("x-content-type-options"), Some("nosniff"));
    let token = login.body["token"].as_str().expect("token").to_string();
    for path in ["/api/v1/me", "/api/v1/nothing-here", "/api/openapi.json", "/healthz"] {
        let a = h.call(poem::http::Method::GET, path, Some(&token), None).await;
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"), "{path}");
    }
    assert_eq!(h.get("/api/v1/me", &token).await.header("cache-control"), Some("no-store"));
    let docs = h.call(poem::http::Method::GET, "/api/docs", None, None).await;
    let policy = docs.header("content-security-policy").unwrap_or_default().to_string();
    assert!(policy.contains("frame-ancestors 'none'") && policy.contains("script-src 'sha256-"), "{policy}");
    assert!(!policy.contains("unsafe-eval") && !policy.contains("script-src 'unsafe-inline'"), "{policy}");
    assert_eq!(docs.header("x-frame-options"), Some("DENY"));
}

/// Serves a fresh demo desk on a loopback port with `tune` applied to its state; runs `f`
/// with the address from a blocking thread, then stops the server.
async fn on_socket<T: Send + 'static>(
    tune: impl FnOnce(&mut switchboard::AppState),
    f: impl FnOnce(String) -> T + Send + 'static,
) -> T {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = switchboard::store::Store::open(dir.path()).expect("store");
    let desk = switchboard::desk::Desk::new(
        store,
        std::sync::Arc::new(switchboard::clock::SystemClock),
        switchboard::desk::DeskConfig::default(),
    );
    desk.seed_demo_accounts().await.expect("demo accounts");
    let mut state = switchboard::AppState::new(desk);
    tune(&mut state);
    let acceptor = switchboard::bind("127.0.0.1:0").await.expect("binds");
    let addr = poem::listener::Acceptor::local_addr(&acceptor)[0].as_socket_addr().expect("tcp").to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(switchboard::serve(state, acceptor, async move {
        let _ = stopped.await;
    }));
    let out = tokio::task::spawn_blocking(move || f(addr)).await.expect("client ran");
    let _ = stop.send(());
    server.await.expect("server task").expect("server ran");
    out
}

fn login_from(addr: &str, email: &str, password: &str, forwarded_for: &str) -> u16 {
    let body = format!(r#"{{"email":"{email}","password":"{password}"}}"#);
    crate::common::http(addr, "POST", "/api/v1/auth/login", &[("X-Forwarded-For", forwarded_for)], Some(&body)).0
}

/// Issue 15, item 6: behind a trusted proxy each client is throttled on its own address;
/// without the setting the header is ignored and cannot be used to dodge the throttle.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    let trusted = on_socket(
        |s| s.trusted_proxies = switchboard::http::TrustedProxies::parse(&["127.0.0.1".into()]).expect("list"),
        |addr| {
            let guesses: Vec<u16> =
                (0..21).map(|n| login_from(&addr, &format!("nobody{n}@example.com"), "x", "203.0.113.5")).collect();
            let neighbour = login_from(&addr, "ana@example.com", "demo", "203.0.113.6");
            (guesses, neighbour)
        },
    )
    .await;
    assert!(trusted.0[..20].iter().all(|s| *s == 401), "{:?}", trusted.0);
    assert_eq!(trusted.0[20], 429, "the guessing address is slowed after 20 failures");
    assert_eq!(trusted.1, 200, "another client behind the same proxy is not");

    let untrusted = on_socket(
        |_| {},
        |addr| {
            let guesses: Vec<u16> = (0..21)
                .map(|n| login_from(&addr, &format!("nobody{n}@example.com"), "x", &format!("198.51.100.{n}")))
                .collect();
            guesses
        },
    )
    .await;
    assert_eq!(untrusted[20], 429, "a forged X-Forwarded-For does not give a fresh address: {untrusted:?}");
}

/// Issue 15, item 15: `/metrics` answers on this machine only, or to its token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_are_local_or_behind_a_token() {
    let open = on_socket(
        |_| {},
        |addr| {
            let local = crate::common::http(&addr, "GET", "/metrics", &[], None);
            let proxied = crate::common::http(&addr, "GET", "/metrics", &[("X-Forwarded-For", "203.0.113.5")], None);
            (local, proxied)
        },
    )
    .await;
    assert_eq!(open.0.0, 200);
    assert!(open.0.1.contains("switchboard_event_log_last_seq"));
    assert_eq!(open.1.0, 403, "through a proxy the metrics are not local: {}", open.1.1);
    assert!(open.1.1.contains("metrics_token"), "{}", open.1.1);

    let guarded = on_socket(
        |s| s.metrics_token = Some("m3tr1cs".into()),
        |addr| {
            let without = crate::common::http(&addr, "GET", "/metrics", &[], None).0;
            let wrong = crate::common::http(&addr, "GET", "/metrics", &[("Authorization", "Bearer nope")], None).0;
            let right = crate::common::http(&addr, "GET", "/metrics", &[("Authorization", "Bearer m3tr1cs")], None).0;
            (without, wrong, right)
        },
    )
    .await;
    assert_eq!(guarded, (403, 403, 200));
}
