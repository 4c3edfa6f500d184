//! The permission matrix: every conversation endpoint × role × situation (own, someone
//! else's, unassigned in my inbox, unassigned elsewhere), each cell on a fresh conversation;
//! and every administrative endpoint × role.

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use poem::http::Method;
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Situation {
    /// Assigned to Ana.
    Own,
    /// Assigned to Marco; Ana took no part.
    Others,
    /// Queued in an inbox Ana's team serves.
    QueuedMine,
    /// Queued in an inbox nobody of Ana's team serves.
    QueuedElsewhere,
}

const ACTIONS: [&str; 13] = [
    "get",
    "patch",
    "assign_me",
    "unassign",
    "close",
    "reopen",
    "read",
    "unread",
    "timeline",
    "messages",
    "reply",
    "note",
    "react",
];

async fn setup(h: &Harness, d: &Desk, s: Situation) -> (String, String) {
    let inbox = if s == Situation::QueuedElsewhere { &d.other } else { &d.web };
    let c = d.handoff(h, inbox, "Matrix", "hello").await;
    let id = cid(&c);
    match s {
        Situation::Own => assert_eq!(
            h.call(Method::POST, &format!("/api/v1/conversations/{id}/assign"), Some(&d.ana), None).await.status,
            200
        ),
        Situation::Others => assert_eq!(
            h.call(Method::POST, &format!("/api/v1/conversations/{id}/assign"), Some(&d.marco), None).await.status,
            200
        ),
        _ => {}
    }
    let first = h.get(&format!("/api/v1/conversations/{id}/messages"), &d.sup).await.body["items"][0]["id"]
        .as_str()
        .expect("message")
        .to_string();
    (id, first)
}

async fn act(h: &Harness, token: &str, action: &str, id: &str, first: &str) -> u16 {
    let base = format!("/api/v1/conversations/{id}");
    let (method, path, body): (Method, String, Option<Value>) = match action {
        "get" => (Method::GET, base, None),
        "patch" => (Method::PATCH, base, Some(json!({"priority": "high"}))),
        "assign_me" => (Method::POST, format!("{base}/assign"), None),
        "unassign" => (Method::POST, format!("{base}/unassign"), None),
        "close" => (Method::POST, format!("{base}/close"), None),
        "reopen" => (Method::POST, format!("{base}/reopen"), None),
        "read" => (Method::POST, format!("{base}/read"), None),
        "unread" => (Method::POST, format!("{base}/unread"), None),
        "timeline" => (Method::GET, format!("{base}/timeline"), None),
        "messages" => (Method::GET, format!("{base}/messages"), None),
        "reply" => (Method::POST, format!("{base}/messages"), Some(json!({"text": "reply"}))),
        "note" => (Method::POST, format!("{base}/messages"), Some(json!({"kind": "note", "text": "note"}))),
        "react" => (Method::PUT, format!("{base}/messages/{first}/reactions/%F0%9F%91%8D"), None),
        other => panic!("unknown action {other}"),
    };
    h.call(method, &path, Some(token), body).await.status
}

#[tokio::test]
async fn conversation_endpoints_by_role_and_situation() {
    use Situation::*;
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    // Expected status per action, in the order of ACTIONS.
    #[rustfmt::skip]
    let table: Vec<(&str, Situation, [u16; 13])> = vec![
        //                          get  patch assign unasgn close reopen read unrd  tl   msgs reply note react
        ("agent",      Own,             [200, 200, 200,  200,  200,  409,  200, 200, 200, 200, 201, 201, 200]),
        ("agent",      Others,          [404, 404, 409,  404,  404,  404,  404, 404, 404, 404, 404, 404, 404]),
        ("agent",      QueuedMine,      [200, 200, 200,  409,  200,  409,  200, 200, 200, 200, 409, 201, 200]),
        ("agent",      QueuedElsewhere, [404, 404, 404,  404,  404,  404,  404, 404, 404, 404, 404, 404, 404]),
        ("supervisor", Own,             [200, 200, 200,  200,  422,  409,  200, 200, 200, 200, 201, 201, 200]),
        ("supervisor", Others,          [200, 200, 200,  200,  422,  409,  200, 200, 200, 200, 201, 201, 200]),
        ("supervisor", QueuedMine,      [200, 200, 200,  409,  200,  409,  200, 200, 200, 200, 409, 201, 200]),
        ("supervisor", QueuedElsewhere, [200, 200, 200,  409,  200,  409,  200, 200, 200, 200, 409, 201, 200]),
        ("admin",      Own,             [200, 200, 200,  200,  422,  409,  200, 200, 200, 200, 201, 201, 200]),
        ("admin",      Others,          [200, 200, 200,  200,  422,  409,  200, 200, 200, 200, 201, 201, 200]),
        ("admin",      QueuedMine,      [200, 200, 200,  409,  200,  409,  200, 200, 200, 200, 409, 201, 200]),
        ("admin",      QueuedElsewhere, [200, 200, 200,  409,  200,  409,  200, 200, 200, 200, 409, 201, 200]),
    ];
    let mut failures = Vec::new();
    for (role, situation, expected) in &table {
        let token = match *role {
            "agent" => &d.ana,
            "supervisor" => &d.sup,
            _ => &d.admin,
        };
        for (action, want) in ACTIONS.iter().zip(expected) {
            let (id, first) = setup(&h, &d, *situation).await;
            let got = act(&h, token, action, &id, &first).await;
            if got != *want {
                failures.push(format!("{role} {situation:?} {action}: expected {want}, got {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn administrative_endpoints_by_role() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let cells: Vec<(Method, &str, Option<Value>, [u16; 3])> = vec![
        // (agent, supervisor, admin)
        (Method::GET, "/api/v1/users", None, [403, 200, 200]),
        (
            Method::POST,
            "/api/v1/users",
            Some(json!({"email": "n{}@x.io", "name": "N", "role": "agent", "password": "long enough"})),
            [403, 403, 201],
        ),
        (Method::GET, "/api/v1/teams", None, [200, 200, 200]),
        (Method::POST, "/api/v1/teams", Some(json!({"name": "T{}"})), [403, 403, 201]),
        (Method::GET, "/api/v1/inboxes", None, [200, 200, 200]),
        (Method::POST, "/api/v1/inboxes", Some(json!({"name": "I{}"})), [403, 403, 201]),
        (Method::POST, "/api/v1/labels", Some(json!({"name": "L{}"})), [403, 403, 201]),
        (Method::POST, "/api/v1/wrap-up-reasons", Some(json!({"name": "W{}"})), [403, 403, 201]),
        (
            Method::POST,
            "/api/v1/canned-responses",
            Some(json!({"scope": "global", "shortcut": "g{}", "title": "G", "body": "x"})),
            [403, 403, 201],
        ),
        (
            Method::POST,
            "/api/v1/canned-responses",
            Some(json!({"shortcut": "p{}", "title": "P", "body": "x"})),
            [201, 201, 201],
        ),
        (Method::GET, "/api/v1/settings", None, [200, 200, 200]),
        (Method::PATCH, "/api/v1/settings", Some(json!({"name": "S{}"})), [403, 403, 200]),
        (Method::GET, "/api/v1/contacts", None, [200, 200, 200]),
        (Method::POST, "/api/v1/contacts", Some(json!({"name": "C{}"})), [201, 201, 201]),
        (Method::GET, "/api/v1/library", None, [200, 200, 200]),
    ];
    let mut failures = Vec::new();
    for (n, (method, path, body, expected)) in cells.into_iter().enumerate() {
        for (i, token) in [&d.ana, &d.sup, &d.admin].into_iter().enumerate() {
            let body = body
                .as_ref()
                .map(|b| serde_json::from_str(&b.to_string().replace("{}", &format!("{n}x{i}"))).expect("json"));
            let got = h.call(method.clone(), path, Some(token), body).await.status;
            if got != expected[i] {
                failures.push(format!(
                    "{} {method} {path}: expected {}, got {got}",
                    ["agent", "supervisor", "admin"][i],
                    expected[i]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} cells differ:\n{}", failures.len(), failures.join("\n"));
}
