//! Real listeners: data written before a graceful shutdown is there after a restart, and the
//! event log continues where it stopped.

use std::sync::Arc;

use switchboard::clock::SystemClock;
use switchboard::desk::{Desk, DeskConfig};
use switchboard::store::{Reader, Store};
use switchboard::{AppState, bind, serve};

/// Runs a server on a free port over `dir`, calls `f` with its address from a blocking thread,
/// then shuts it down gracefully and waits until the data folder is released.
async fn with_server<T: Send + 'static>(
    dir: &std::path::Path,
    demo: bool,
    f: impl FnOnce(String) -> T + Send + 'static,
) -> T {
    let store = Store::open(dir).expect("opens the data folder");
    let weak = store.downgrade();
    let desk = Desk::new(store, Arc::new(SystemClock), DeskConfig::default());
    if demo {
        desk.seed_demo_accounts().await.expect("demo accounts");
    }
    let acceptor = bind("127.0.0.1:0").await.expect("binds");
    let addr = poem::listener::Acceptor::local_addr(&acceptor)[0].as_socket_addr().expect("tcp").to_string();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(AppState::new(desk), acceptor, async move {
        let _ = stopped.await;
    }));
    let out = tokio::task::spawn_blocking(move || f(addr)).await.expect("client ran");
    let _ = stop.send(());
    server.await.expect("server task").expect("server ran");
    // Connection tasks drop their handles on the app shortly after the server returns.
    for _ in 0..500 {
        if !weak.is_open() {
            return out;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the data folder is still held 5 s after shutdown");
}

fn token_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).expect("json");
    v["token"].as_str().expect("token").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_written_before_a_restart_is_there_after_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (api_token, seq_before) = with_server(dir.path(), true, |addr| {
        let (s, body) = crate::common::http(
            &addr,
            "POST",
            "/api/v1/auth/login",
            &[],
            Some(r#"{"email":"admin@example.com","password":"demo"}"#),
        );
        assert_eq!(s, 200, "{body}");
        let admin = token_of(&body);
        let auth = format!("Bearer {admin}");
        let new_user =
            r#"{"email":"kept@example.com","name":"Kept Across Restarts","role":"agent","password":"still here"}"#;
        let (s, body) =
            crate::common::http(&addr, "POST", "/api/v1/users", &[("Authorization", &auth)], Some(new_user));
        assert_eq!(s, 201, "{body}");
        let (s, body) = crate::common::http(
            &addr,
            "POST",
            "/api/v1/tokens",
            &[("Authorization", &auth)],
            Some(r#"{"name":"survives"}"#),
        );
        assert_eq!(s, 201, "{body}");
        let (_, metrics) = crate::common::http(&addr, "GET", "/metrics", &[], None);
        let seq: u64 = metrics
            .lines()
            .find_map(|l| l.strip_prefix("switchboard_event_log_last_seq "))
            .and_then(|v| v.trim().parse().ok())
            .expect("seq gauge");
        (token_of(&body), seq)
    })
    .await;
    // 5 demo users, the admin's sign-in (and status change to available), the new user, the token.
    assert_eq!(seq_before, 9);

    // The folder is released after shutdown: it opens again, with everything in it.
    let events =
        Store::open(dir.path()).expect("reopens").snapshot().expect("snapshot").events_after(0, 100).expect("events");
    assert_eq!(events.len(), 9);
    assert!(events.windows(2).all(|w| w[1].seq == w[0].seq + 1), "seqs are consecutive");

    with_server(dir.path(), false, move |addr| {
        let (s, body) = crate::common::http(
            &addr,
            "POST",
            "/api/v1/auth/login",
            &[],
            Some(r#"{"email":"kept@example.com","password":"still here"}"#),
        );
        assert_eq!(s, 200, "the user created before the restart signs in: {body}");
        let auth = format!("Bearer {api_token}");
        let (s, body) = crate::common::http(&addr, "GET", "/api/v1/me", &[("Authorization", &auth)], None);
        assert_eq!(s, 200, "the API token created before the restart works: {body}");
        assert!(body.contains("admin@example.com"));
    })
    .await;
    let last = Store::open(dir.path()).expect("reopens").snapshot().expect("snapshot").last_seq().expect("seq");
    // The kept user's sign-in and status change follow, without reusing numbers.
    assert_eq!(last, 11, "the log continues after the restart without reusing numbers");
}
