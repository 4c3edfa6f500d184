//! Test harness: a real app over a fresh data folder with a manual clock, driven through HTTP
//! with poem's `TestClient`, plus a tiny blocking HTTP client for tests that bind a socket.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;

use poem::endpoint::BoxEndpoint;
use poem::http::{HeaderMap, Method};
use poem::test::TestClient;
use poem::{EndpointExt, Response};
use serde_json::Value;
use switchboard::clock::ManualClock;
use switchboard::desk::{Desk, DeskConfig};
use switchboard::domain::Timestamp;
use switchboard::store::Store;
use switchboard::{AppState, app};
use tempfile::TempDir;

pub mod desk;

/// 2026-01-05T09:00:00Z, a Monday morning.
pub const START: Timestamp = Timestamp(1_767_603_600_000);

/// A download: status, headers and raw bytes.
pub struct File {
    /// Status code.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// `Content-Disposition`.
    pub disposition: String,
    /// The body, as sent.
    pub bytes: Vec<u8>,
}

/// One HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    /// The `detail` of a problem body.
    pub fn detail(&self) -> &str {
        self.body["detail"].as_str().unwrap_or("")
    }
    /// A header as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub struct Harness {
    pub client: TestClient<BoxEndpoint<'static, Response>>,
    pub clock: Arc<ManualClock>,
    pub desk: Desk,
    pub dir: TempDir,
}

impl Harness {
    /// A fresh workspace with the demo accounts (password `demo`).
    pub async fn new() -> Harness {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::open(dir, true).await
    }

    /// Opens `dir` (again), optionally seeding the demo accounts.
    pub async fn open(dir: TempDir, demo: bool) -> Harness {
        let clock = Arc::new(ManualClock::new(START));
        let store = Store::open(dir.path()).expect("store opens");
        let desk = Desk::new(store, clock.clone(), DeskConfig::default());
        if demo {
            desk.seed_demo_accounts().await.expect("demo accounts");
        }
        let client = TestClient::new(app(AppState::new(desk.clone())).boxed());
        Harness { client, clock, desk, dir }
    }

    /// Sends a request; `body` is sent as JSON when given.
    pub async fn call(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Answer {
        let mut req = self.client.request(method, path);
        if let Some(t) = token {
            req = req.header("Authorization", format!("Bearer {t}"));
        }
        if let Some(b) = body {
            req = req.body_json(&b);
        }
        into_answer(req.send().await.0).await
    }

    /// Sends a raw body with a content type.
    pub async fn call_raw(&self, method: Method, path: &str, content_type: &str, body: impl Into<String>) -> Answer {
        let req = self.client.request(method, path).content_type(content_type).body(body.into());
        into_answer(req.send().await.0).await
    }

    /// GETs a file (any bytes) with `token`.
    pub async fn download(&self, path: &str, token: &str) -> File {
        let resp = self.client.get(path).header("Authorization", format!("Bearer {token}")).send().await.0;
        let header = |n: &str| resp.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        let (status, content_type, disposition) =
            (resp.status().as_u16(), header("content-type"), header("content-disposition"));
        let bytes = resp.into_body().into_vec().await.expect("body");
        File { status, content_type, disposition, bytes }
    }

    pub async fn get(&self, path: &str, token: &str) -> Answer {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Answer {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Signs in and returns the whole answer.
    pub async fn try_login(&self, email: &str, password: &str) -> Answer {
        self.call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"email": email, "password": password})),
        )
        .await
    }

    /// Signs in and returns the session token.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let a = self.try_login(email, password).await;
        assert_eq!(a.status, 200, "login of {email} failed: {}", a.text);
        a.body["token"].as_str().expect("token").to_string()
    }

    /// Signs in as a demo account.
    pub async fn demo(&self, who: &str) -> String {
        self.login(&format!("{who}@example.com"), "demo").await
    }

    /// The id of a user by email (as admin).
    pub async fn user_id(&self, email: &str) -> String {
        let admin = self.demo("admin").await;
        let list = self.get("/api/v1/users?limit=500", &admin).await;
        list.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|u| u["email"] == email)
            .and_then(|u| u["id"].as_str())
            .expect("user exists")
            .to_string()
    }
}

async fn into_answer(resp: Response) -> Answer {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let text = resp.into_body().into_string().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, headers, body, text }
}

/// A minimal blocking HTTP/1.1 client for tests against a real listener.
pub fn http(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connects");
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        req.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", b.len()));
    }
    req.push_str("\r\n");
    if let Some(b) = body {
        req.push_str(b);
    }
    stream.write_all(req.as_bytes()).expect("writes");
    let mut out = String::new();
    stream.read_to_string(&mut out).expect("reads");
    let status = out.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("status line");
    let body = out.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}
