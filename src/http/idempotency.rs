//! `Idempotency-Key` on mutations (API.md): the first answer to a POST, PUT, PATCH or DELETE
//! sent with a key is remembered for 24 hours per credential; a retry with the same key and
//! the same request gets that answer again (with `Idempotency-Replayed: true`) and changes
//! nothing; the same key with a different request is a 422. Concurrent requests with the same
//! key wait for each other, so a double click is decided once.
//!
//! The token is checked before anything is replayed (and again once the key's lock is held):
//! a request whose token is unknown, signed out, revoked or expired is not keyed at all and
//! gets the handler's 401. An answer that carries a secret (a session token, an API token) is
//! never stored: its record keeps only the status, and a replay is a 409 that says why.
//! Requests whose body carries a password, and uploads (streamed, never held whole), are not
//! keyed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use poem::http::header::{AUTHORIZATION, CONTENT_TYPE};
use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Body, Request, Response};
use sha2::{Digest, Sha256};

use crate::api::Problem;
use crate::desk::{Desk, IdempotencyRecord};

/// The request header.
pub const HEADER: &str = "idempotency-key";

/// Per-key locks of requests in flight.
#[derive(Default)]
pub struct KeyLocks(Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl KeyLocks {
    fn lock_for(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        match self.0.lock() {
            Ok(mut map) => map.entry(key.to_string()).or_default().clone(),
            Err(_) => Arc::default(),
        }
    }

    fn release(&self, key: &str) {
        if let Ok(mut map) = self.0.lock()
            && map.get(key).is_some_and(|l| Arc::strong_count(l) == 1)
        {
            map.remove(key);
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Operations whose successful answer carries a secret, which is never stored (a test checks
/// this list against every answer schema of the spec).
pub const SECRET_ANSWERS: [(&str, &str); 6] = [
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/tokens"),
    ("POST", "/api/v1/webhooks"),
    ("POST", "/api/v1/webhooks/{id}/secret"),
    ("POST", "/api/v1/inboxes/{id}/widget_secret"),
    ("POST", "/api/widget/v1/sessions"),
];

/// Whether `path` is an instance of the spec path `template` (`{name}` matches one segment).
fn instance_of(path: &str, template: &str) -> bool {
    let (mut a, mut b) = (path.split('/'), template.split('/'));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(x), Some(t)) if t.starts_with('{') && t.ends_with('}') && !x.is_empty() => {}
            (Some(x), Some(t)) if x == t => {}
            _ => return false,
        }
    }
}

/// What the middleware needs to handle a keyed request.
pub struct Keyed {
    scope_key: String,
    scope: String,
    key: String,
    fingerprint: String,
    secret: bool,
    who: crate::desk::Principal,
}

/// Whether the request carries a usable key and a standing credential; reads and restores the
/// body to fingerprint it.
pub async fn prepare(req: &mut Request, desk: &Desk) -> Result<Option<Keyed>, Problem> {
    if !matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH | Method::DELETE) {
        return Ok(None);
    }
    let Some(key) = req.headers().get(HEADER) else { return Ok(None) };
    let key = key.to_str().ok().filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()));
    let Some(key) = key.map(str::to_string) else {
        return Err(Problem::new(400, "Idempotency-Key must be 1 to 255 visible ASCII characters."));
    };
    // Uploads and imports are not keyed: their bodies are streamed, never held to be
    // fingerprinted (a retried upload stores the same content once; a retried import imports
    // nothing twice).
    let streamed = req.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes().starts_with(b"multipart/") || v.as_bytes().starts_with(b"application/octet-stream")
    });
    if streamed {
        return Ok(None);
    }
    let secret = req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(super::client::bearer);
    // Authenticate first: no replay for a token that does not stand (the handler answers 401).
    let Some(Ok(who)) = secret.map(|s| desk.authenticate(s)) else { return Ok(None) };
    let body =
        req.take_body().into_bytes().await.map_err(|e| Problem::new(400, format!("cannot read the body: {e}")))?;
    if carries_password(&body) {
        // A fingerprint of a body with a password would be a fast hash of it, kept a day.
        req.set_body(Body::from_bytes(body));
        return Ok(None);
    }
    let mut h = Sha256::new();
    h.update(req.method().as_str().as_bytes());
    h.update(b" ");
    h.update(req.uri().path().as_bytes());
    h.update(b"\n");
    h.update(&body);
    req.set_body(Body::from_bytes(body));
    let scope = who.credential.id.clone();
    let secret = SECRET_ANSWERS.iter().any(|(m, p)| req.method().as_str() == *m && instance_of(req.uri().path(), p));
    Ok(Some(Keyed { scope_key: format!("{scope}/{key}"), scope, key, fingerprint: hex(&h.finalize()), secret, who }))
}

/// Whether a JSON body holds a password field (`password`, `current_password`, …).
fn carries_password(body: &[u8]) -> bool {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.as_object().map(|o| o.keys().any(|k| k.contains("password"))))
        .unwrap_or(false)
}

fn replay(r: &IdempotencyRecord) -> Response {
    let mut resp =
        Response::builder().status(StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK)).body(r.body.clone());
    if let Some(ct) = r.content_type.as_deref().and_then(|c| HeaderValue::from_str(c).ok()) {
        resp.headers_mut().insert(CONTENT_TYPE, ct);
    }
    resp.headers_mut().insert("idempotency-replayed", HeaderValue::from_static("true"));
    resp
}

/// Answers from the record of `k` if there is one, else runs `run` and remembers its answer.
pub async fn handle<F, Fut>(desk: &Desk, locks: &KeyLocks, k: Keyed, run: F) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Response>,
{
    let lock = locks.lock_for(&k.scope_key);
    let guard = lock.lock().await;
    // The credential may have been revoked while this request waited for the key.
    let stands = desk.still_valid(&k.who);
    let out = match desk.idempotency_get(&k.scope, &k.key).map(|r| r.filter(|_| stands)) {
        Ok(Some(r)) if r.fingerprint == k.fingerprint && r.withheld => {
            super::middleware::problem_response(Problem::new(
                409,
                format!(
                    "The first request with this Idempotency-Key was answered {}, and that answer held a secret, \
                     which is never stored, so it cannot be sent again. If it was lost, revoke what it created \
                     (GET /api/v1/tokens lists your tokens) and send the request again with a new key.",
                    r.status
                ),
            ))
        }
        Ok(Some(r)) if r.fingerprint == k.fingerprint => replay(&r),
        Ok(Some(_)) => super::middleware::problem_response(Problem::new(
            422,
            "This Idempotency-Key was already used for a different request; use a new key for a new request.",
        )),
        Ok(None) | Err(_) => {
            let resp = run().await;
            let status = resp.status();
            // Remember final answers; not those a retry may legitimately change.
            let remember =
                (status.is_success() || status.is_client_error()) && !matches!(status.as_u16(), 401 | 408 | 409 | 429);
            if remember {
                let content_type = resp.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
                let (parts, body) = resp.into_parts();
                let text = body.into_string().await.unwrap_or_default();
                let withheld = k.secret && status.is_success();
                let record = IdempotencyRecord {
                    fingerprint: k.fingerprint,
                    status: status.as_u16(),
                    content_type,
                    body: if withheld { String::new() } else { text.clone() },
                    created_at: desk.now(),
                    withheld,
                };
                if let Err(e) = desk.idempotency_put(&k.scope, &k.key, record).await {
                    tracing::warn!(error = %e, "could not remember an idempotent answer");
                }
                Response::from_parts(parts, Body::from_string(text))
            } else {
                resp
            }
        }
    };
    drop(guard);
    drop(lock);
    locks.release(&k.scope_key);
    out
}
