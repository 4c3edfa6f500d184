//! Webhooks (F35) and the API channel's outbound half (F34), against a real receiver on
//! loopback: signatures checked with an HMAC written out in the test, filters, retries with
//! backoff on the injected clock, order per conversation, a restart in the middle, and a
//! subscription disabled after a day of failures and resumed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use poem::http::{HeaderMap, Method, StatusCode};
use poem::listener::{Acceptor, Listener, TcpListener};
use poem::{Response, Route, Server, handler, web::Data};
use serde_json::{Value, json};

use crate::common::Harness;
use crate::common::desk::Desk;
use crate::widget::{hex_hmac, say, session};
use switchboard::clock::Clock;

/// What the receiver got, and how many of the next requests it fails.
#[derive(Default)]
struct Inbox {
    got: Vec<(HeaderMap, String)>,
    fail_next: u32,
    fail_always: bool,
}

type Shared = Arc<Mutex<Inbox>>;

#[handler]
fn receive(headers: &HeaderMap, body: String, inbox: Data<&Shared>) -> Response {
    let mut i = inbox.lock().expect("lock");
    if i.fail_always || i.fail_next > 0 {
        i.fail_next = i.fail_next.saturating_sub(1);
        return Response::builder().status(StatusCode::INTERNAL_SERVER_ERROR).finish();
    }
    i.got.push((headers.clone(), body));
    Response::builder().status(StatusCode::NO_CONTENT).finish()
}

/// Answers after 8 s (a receiver under strain), counting the answers it has given.
#[handler]
async fn dawdle(answered: Data<&Arc<std::sync::atomic::AtomicU32>>) -> Response {
    tokio::time::sleep(Duration::from_secs(8)).await;
    answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    Response::builder().status(StatusCode::NO_CONTENT).finish()
}

/// A receiver on a free loopback port (or `port`); returns its URL and what it records.
async fn receiver(port: u16) -> (String, Shared) {
    let shared = Shared::default();
    let acceptor = TcpListener::bind(format!("127.0.0.1:{port}")).into_acceptor().await.expect("binds");
    let addr = acceptor.local_addr()[0].as_socket_addr().expect("tcp").to_string();
    let app = poem::EndpointExt::data(Route::new().at("/hook", poem::post(receive)), shared.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    (format!("http://{addr}/hook"), shared)
}

/// Waits (real time, up to 10 s) until `f` holds.
async fn until(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..500 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

fn bodies(s: &Shared) -> Vec<Value> {
    s.lock().expect("lock").got.iter().map(|(_, b)| serde_json::from_str(b).expect("json")).collect()
}

async fn log(h: &Harness, admin: &str, id: &str) -> Value {
    h.get(&format!("/api/v1/webhooks/{id}/deliveries"), admin).await.body["items"].clone()
}

/// The delivery log once at least `n` deliveries are recorded as delivered: a receiver
/// sees a request before the lane has written down its answer.
async fn delivered(h: &Harness, admin: &str, id: &str, n: usize) -> Value {
    for _ in 0..500 {
        let items = log(h, admin, id).await;
        let done = items.as_array().map_or(0, |a| a.iter().filter(|i| i["status"] == "delivered").count());
        if done >= n {
            return items;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("{n} deliveries never recorded as delivered: {:#}", log(h, admin, id).await)
}

async fn hook(h: &Harness, admin: &str, id: &str) -> Value {
    h.get(&format!("/api/v1/webhooks/{id}"), admin).await.body
}

async fn subscribe(h: &Harness, d: &Desk, body: Value) -> (String, String) {
    let a = h.post("/api/v1/webhooks", &d.admin, body).await;
    assert_eq!(a.status, 201, "{}", a.text);
    (a.body["id"].as_str().expect("id").to_string(), a.body["secret"].as_str().expect("secret").to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_are_signed_filtered_and_carry_agent_replies_for_the_api_channel() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let worker = switchboard::webhooks::spawn(h.desk.clone());
    let (url, got) = receiver(0).await;
    let (id, secret) = subscribe(
        &h,
        &d,
        json!({"url": url, "events": ["message.created", "conversation.closed"], "inbox_ids": [d.web, d.api]}),
    )
    .await;
    assert_eq!(h.get("/api/v1/webhooks", &d.admin).await.body["items"][0].get("secret"), None, "shown once");

    let token = session(&h, &d.web, json!({"name": "Alice"})).await;
    let conv = say(&h, &token, "where is my parcel?").await["conversation"]["id"].as_str().expect("id").to_string();
    let elsewhere = session(&h, &d.other, json!({"name": "Nobody"})).await;
    say(&h, &elsewhere, "not for this webhook").await;
    let base = format!("/api/v1/conversations/{conv}");
    h.post(&format!("{base}/assign"), &d.ana, json!({})).await;
    h.post(&format!("{base}/messages"), &d.ana, json!({"kind": "note", "text": "internal"})).await;
    h.post(&format!("{base}/messages"), &d.ana, json!({"text": "On its way"})).await;
    h.post(&format!("{base}/close"), &d.ana, json!({"wrap_up_reason_id": d.solved})).await;
    // The API channel's outbound half: an agent reply in an API inbox goes to its webhook.
    let pushed = h
        .post(
            &format!("/api/v1/channels/api/{}/messages", d.api),
            &api_token(&h, &d).await,
            json!({"contact": {"external_id": "wa:+391234", "name": "Gio"}, "text": "ciao"}),
        )
        .await;
    assert_eq!(pushed.status, 201, "{}", pushed.text);
    let wa = pushed.body["conversation_id"].as_str().expect("id").to_string();
    h.post(&format!("/api/v1/conversations/{wa}/assign"), &d.ana, json!({})).await;
    h.post(&format!("/api/v1/conversations/{wa}/messages"), &d.ana, json!({"text": "Ciao Gio!"})).await;

    until("five deliveries", || got.lock().expect("lock").got.len() >= 5).await;
    let all = bodies(&got);
    let of = |c: &str| -> Vec<(String, String)> {
        all.iter()
            .filter(|b| b["data"]["conversation"]["id"] == c)
            .map(|b| {
                (
                    b["event"].as_str().unwrap_or("").to_string(),
                    b["data"]["message"]["text"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let pair = |e: &str, t: &str| (e.to_string(), t.to_string());
    assert_eq!(
        of(&conv),
        [
            pair("message.created", "where is my parcel?"),
            pair("message.created", "On its way"),
            pair("conversation.closed", "")
        ],
        "in order, no note"
    );
    assert_eq!(of(&wa), [pair("message.created", "ciao"), pair("message.created", "Ciao Gio!")]);
    assert_eq!(all.len(), 5, "nothing from the inbox it does not follow: {all:#?}");
    let reply = all.iter().find(|b| b["data"]["message"]["text"] == "Ciao Gio!").expect("the reply");
    assert_eq!(
        (reply["data"]["message"]["author_kind"].as_str(), reply["data"]["contact"]["external_id"].as_str()),
        (Some("agent"), Some("wa:+391234"))
    );

    // Every delivery verifies with the secret, computed independently.
    for (headers, body) in &got.lock().expect("lock").got {
        let sig = headers.get("x-switchboard-signature").and_then(|v| v.to_str().ok()).expect("signed");
        let (t, v1) = sig.split_once(",v1=").expect("t=…,v1=…");
        let t = t.strip_prefix("t=").expect("t=");
        assert_eq!(v1, hex_hmac(secret.as_bytes(), format!("{t}.{body}").as_bytes()), "{sig}");
        assert_eq!(t.parse::<i64>().ok(), Some(h.desk.now().millis() / 1000));
        assert!(headers.get("x-switchboard-event").is_some());
    }
    let items = delivered(&h, &d.admin, &id, 5).await;
    let first = &items[0];
    assert_eq!(
        (first["status"].as_str(), first["attempts"].as_u64(), first["last_status_code"].as_u64()),
        (Some("delivered"), Some(1), Some(204))
    );
    worker.abort();
}

async fn api_token(h: &Harness, d: &Desk) -> String {
    let a = h.post("/api/v1/tokens", &d.admin, json!({"name": "bridge"})).await;
    assert_eq!(a.status, 201, "{}", a.text);
    a.body["token"].as_str().expect("token").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_receiver_is_retried_with_backoff_in_order_per_conversation() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let worker = switchboard::webhooks::spawn(h.desk.clone());
    let (url, got) = receiver(0).await;
    got.lock().expect("lock").fail_next = 3;
    let (id, _) = subscribe(&h, &d, json!({"url": url, "events": ["message.created"]})).await;
    let token = session(&h, &d.web, json!({"name": "Alice"})).await;
    for text in ["one", "two", "three"] {
        say(&h, &token, text).await;
    }
    // First attempt fails; "two" and "three" wait behind "one" (same conversation).
    for (attempt, wait) in [(1, 5), (2, 10), (3, 20)] {
        for _ in 0..500 {
            if log(&h, &d.admin, &id).await[2]["attempts"] == attempt {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let items = log(&h, &d.admin, &id).await;
        assert_eq!(items[2]["attempts"], attempt, "{items:#}");
        assert_eq!(items[2]["last_error"], "the receiver answered 500");
        assert_eq!(
            (items[1]["attempts"].as_u64(), items[0]["attempts"].as_u64()),
            (Some(0), Some(0)),
            "in order: {items:#}"
        );
        h.clock.advance_secs(wait);
    }
    until("all three delivered", || got.lock().expect("lock").got.len() == 3).await;
    let texts: Vec<String> =
        bodies(&got).iter().map(|b| b["data"]["message"]["text"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(texts, ["one", "two", "three"]);
    let items = delivered(&h, &d.admin, &id, 3).await;
    assert_eq!(items[2]["attempts"], 4);
    // The log pages newest first.
    let page = h.get(&format!("/api/v1/webhooks/{id}/deliveries?limit=2"), &d.admin).await.body;
    let cursor = page["next_cursor"].as_str().expect("a next page").to_string();
    let rest = h.get(&format!("/api/v1/webhooks/{id}/deliveries?limit=2&cursor={cursor}"), &d.admin).await.body;
    assert_eq!((page["items"].as_array().map(Vec::len), rest["items"].as_array().map(Vec::len)), (Some(2), Some(1)));
    assert_eq!(rest["items"][0]["id"], items[2]["id"]);
    assert!(rest.get("next_cursor").is_none());
    assert_eq!(h.get(&format!("/api/v1/webhooks/{id}"), &d.admin).await.body["failure_streak"], 0);
    let metrics = h.client.get("/metrics").send().await.0.into_body().into_string().await.expect("metrics");
    assert!(metrics.contains("switchboard_webhook_deliveries_pending 0\n"), "{metrics}");
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_waiting_at_a_restart_go_out_after_it() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let worker = switchboard::webhooks::spawn(h.desk.clone());
    // A receiver that is not there: every attempt fails to connect.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = dead.local_addr().expect("addr").port();
    drop(dead);
    let (id, _) =
        subscribe(&h, &d, json!({"url": format!("http://127.0.0.1:{port}/hook"), "events": ["message.created"]})).await;
    let token = session(&h, &d.web, json!({"name": "Alice"})).await;
    say(&h, &token, "before the restart").await;
    for _ in 0..500 {
        if h.get(&format!("/api/v1/webhooks/{id}/deliveries"), &d.admin).await.body["items"][0]["attempts"] == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let items = h.get(&format!("/api/v1/webhooks/{id}/deliveries"), &d.admin).await.body["items"].clone();
    assert_eq!(items[0]["last_error"], "could not connect to the receiver", "{items:#}");
    worker.abort();
    let _ = worker.await;

    let Harness { dir, desk, client, clock } = h;
    let weak = desk.store().downgrade();
    drop((desk, client));
    until("the data folder is released", || !weak.is_open()).await;
    let h = Harness::open(dir, false).await;
    h.clock.set(clock.now().plus_secs(6));
    let (_, got) = receiver(port).await;
    let worker = switchboard::webhooks::spawn(h.desk.clone());
    until("the waiting delivery", || got.lock().expect("lock").got.len() == 1).await;
    assert_eq!(bodies(&got)[0]["data"]["message"]["text"], "before the restart");
    // Nothing is delivered twice: a later message is the only other delivery.
    say(&h, &token, "after").await;
    until("the next one", || got.lock().expect("lock").got.len() == 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(got.lock().expect("lock").got.len(), 2);
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_day_of_failures_disables_a_subscription_and_resuming_sends_what_waited() {
    let h = Harness::new().await;
    let mut d = Desk::new(&h).await;
    // A day passes on the clock: sessions expire, an API token does not.
    d.admin = api_token(&h, &d).await;
    let worker = switchboard::webhooks::spawn(h.desk.clone());
    let (url, got) = receiver(0).await;
    got.lock().expect("lock").fail_always = true;
    let (id, _) = subscribe(&h, &d, json!({"url": url, "events": ["message.created"]})).await;
    let token = session(&h, &d.web, json!({"name": "Alice"})).await;
    say(&h, &token, "first").await;
    // Retry after retry for a day (backoff doubles to an hour), until it is disabled.
    let mut streak = 0;
    for _ in 0..60 {
        for _ in 0..500 {
            let now = hook(&h, &d.admin, &id).await["failure_streak"].as_u64().unwrap_or(0);
            if now > streak || hook(&h, &d.admin, &id).await["active"] == false {
                streak = now;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        if hook(&h, &d.admin, &id).await["active"] == false {
            break;
        }
        h.clock.advance_secs(3600);
    }
    let w = hook(&h, &d.admin, &id).await;
    assert_eq!(w["active"], false, "{w:#}");
    assert!(w["disabled_reason"].as_str().unwrap_or("").contains("failed deliveries in a row"), "{w:#}");
    assert!(w["failure_streak"].as_u64() >= Some(10));
    say(&h, &token, "second").await;
    for _ in 0..200 {
        if hook(&h, &d.admin, &id).await["pending"] == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(hook(&h, &d.admin, &id).await["pending"], 2, "kept while disabled");

    got.lock().expect("lock").fail_always = false;
    let resumed = h.post(&format!("/api/v1/webhooks/{id}/resume"), &d.admin, json!({})).await;
    assert_eq!((resumed.status, resumed.body["active"].as_bool()), (200, Some(true)), "{}", resumed.text);
    assert!(resumed.body.get("disabled_reason").is_none());
    h.clock.advance_secs(3600);
    until("both delivered in order", || got.lock().expect("lock").got.len() == 2).await;
    let texts: Vec<String> =
        bodies(&got).iter().map(|b| b["data"]["message"]["text"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(texts, ["first", "second"]);
    worker.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_receiver_delays_only_its_own_deliveries_and_never_the_desk() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let worker = switchboard::webhooks::spawn(h.desk.clone());
    let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.expect("binds");
    let slow = format!("http://{}/hook", acceptor.local_addr()[0].as_socket_addr().expect("tcp"));
    let answered = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let app = poem::EndpointExt::data(Route::new().at("/hook", poem::post(dawdle)), answered.clone());
    tokio::spawn(Server::new_with_acceptor(acceptor).run(app));
    let (fast, got) = receiver(0).await;
    subscribe(&h, &d, json!({"url": slow, "events": ["message.created"]})).await;
    subscribe(&h, &d, json!({"url": fast, "events": ["message.created"]})).await;
    let token = session(&h, &d.web, json!({"name": "Alice"})).await;
    say(&h, &token, "one").await;
    until("the fast receiver's delivery", || got.lock().expect("lock").got.len() == 1).await;
    say(&h, &token, "two").await;
    until("the next one", || got.lock().expect("lock").got.len() == 2).await;
    assert_eq!(
        answered.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "both went out while the slow receiver still held the first"
    );
    worker.abort();
}

#[tokio::test]
async fn bad_subscriptions_are_refused_and_only_admins_manage_them() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    for (body, field) in [
        (json!({"url": "ftp://example.com/x", "events": ["message.created"]}), "url"),
        (json!({"url": "javascript:alert(1)", "events": ["message.created"]}), "url"),
        (
            json!({"url": "https://example.com/x", "events": ["message.created"], "inbox_ids": ["inb_nope"]}),
            "inbox_ids",
        ),
    ] {
        let a = h.post("/api/v1/webhooks", &d.admin, body).await;
        assert_eq!(a.status, 422, "{}", a.text);
        assert_eq!(a.body["errors"][0]["field"], field, "{}", a.text);
    }
    let unknown = h
        .post("/api/v1/webhooks", &d.admin, json!({"url": "https://example.com/x", "events": ["message.deleted"]}))
        .await;
    assert_eq!(unknown.status, 422, "an event type outside the enum: {}", unknown.text);
    assert!(h.get("/api/v1/webhooks", &d.admin).await.body["items"].as_array().is_some_and(Vec::is_empty));
    assert_eq!(
        h.post("/api/v1/webhooks", &d.sup, json!({"url": "https://example.com/x", "events": ["message.created"]}))
            .await
            .status,
        403
    );
    assert_eq!(h.get("/api/v1/webhooks", &d.ana).await.status, 403);
    let (id, _) = subscribe(&h, &d, json!({"url": "https://example.com/x", "events": ["rating.created"]})).await;
    let off =
        h.call(Method::PATCH, &format!("/api/v1/webhooks/{id}"), Some(&d.admin), Some(json!({"active": false}))).await;
    assert_eq!((off.status, off.body["disabled_reason"].as_str()), (200, Some("turned off by an admin")));
    assert_eq!(h.call(Method::DELETE, &format!("/api/v1/webhooks/{id}"), Some(&d.admin), None).await.status, 204);
    assert_eq!(h.get(&format!("/api/v1/webhooks/{id}"), &d.admin).await.status, 404);
}
