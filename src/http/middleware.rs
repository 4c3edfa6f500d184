//! What every request goes through: a request id (in logs and `X-Request-Id`), the body size
//! limit, panic catching, metrics, and the rule that every error leaves as
//! `application/problem+json`, whoever produced it (a handler, poem-openapi's parsers, the
//! router's 404, an authentication failure).

use std::sync::Arc;
use std::time::Instant;

use poem::http::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Body, Endpoint, IntoResponse, Request, Response};
use poem_openapi::OperationId;
use tracing::Instrument;

use crate::api::error::{PROBLEM_JSON, Problem};
use crate::metrics::Metrics;

/// The response header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// Wraps the whole application.
pub struct Layer<E> {
    /// The routes.
    pub inner: E,
    /// Where request metrics go.
    pub metrics: Arc<Metrics>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted upload body, in bytes.
    pub max_upload_body_bytes: usize,
    /// The desk, for idempotency records.
    pub desk: crate::desk::Desk,
    /// Locks of idempotent requests in flight.
    pub locks: Arc<super::idempotency::KeyLocks>,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: super::client::TrustedProxies,
}

/// Room for the multipart envelope (boundaries, part headers, the `kind` field) on top of the
/// workspace's upload limit.
const UPLOAD_ENVELOPE: usize = 64 * 1024;

/// Paths that take file uploads and so get the upload limit.
fn is_upload(method: &Method, path: &str) -> bool {
    method == Method::POST
        && (path == "/api/v1/attachments" || path == "/api/v1/library" || path == "/api/widget/v1/attachments")
}

/// Imports of history: archives far larger than any other body, streamed to a file.
fn is_import(method: &Method, path: &str) -> bool {
    method == Method::POST && path == "/api/v1/imports"
}

/// The largest archive `POST /api/v1/imports` takes (larger ones: `switchboard import`).
pub const MAX_IMPORT_BYTES: usize = 4 << 30;

fn request_id(req: &Request) -> String {
    let incoming = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok());
    match incoming {
        Some(id)
            if (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) =>
        {
            id.to_string()
        }
        _ => {
            let mut bytes = [0u8; 8];
            let _ = getrandom::fill(&mut bytes);
            bytes.iter().map(|b| format!("{b:02x}")).collect()
        }
    }
}

/// A fixed route label for requests no operation claimed, so label values stay bounded.
fn route_label(path: &str) -> &'static str {
    match path {
        "/healthz" => "healthz",
        "/readyz" => "readyz",
        "/metrics" => "metrics",
        "/api/openapi.json" => "openapi",
        p if p.starts_with("/api/docs") => "docs",
        p if p.starts_with("/api/") => "api_unmatched",
        _ => "pages",
    }
}

/// Passes an upload's body through while counting it, and fails the read (raising `tripped`)
/// at the first byte past `max`: a chunked upload is refused while it arrives, never held in
/// memory or on disk past the limit.
fn limit_stream(req: &mut Request, max: usize, tripped: Arc<std::sync::atomic::AtomicBool>) {
    use futures_util::StreamExt;
    let mut seen = 0usize;
    let stream = req.take_body().into_bytes_stream().map(move |chunk| {
        let chunk = chunk?;
        seen = seen.saturating_add(chunk.len());
        if seen > max {
            tripped.store(true, std::sync::atomic::Ordering::Relaxed);
            return Err(std::io::Error::other(format!("the upload is larger than the limit of {max} bytes")));
        }
        Ok(chunk)
    });
    req.set_body(Body::from_bytes_stream(stream));
}

/// Refuses bodies over the limit with 413: by `Content-Length` at once, and by reading
/// chunked bodies only up to the limit. An empty, untyped body of a POST, PUT or PATCH is
/// read as JSON `null`, so actions whose body is optional (`POST …/assign`) need none and
/// those that need one get a 400 naming what is missing rather than a 415.
/// Returns whether it put a `null` in place of an empty body.
async fn limit_body(req: &mut Request, max: usize, inject: bool) -> Result<bool, Problem> {
    let too_large = || Problem::new(413, format!("The request body is larger than the limit of {max} bytes."));
    let declared =
        req.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    let empty = match declared {
        Some(n) if n > max => return Err(too_large()),
        Some(n) => n == 0,
        None => {
            // Chunked (or in-memory) bodies: read at most `max` bytes.
            let body = req.take_body().into_bytes_limit(max).await.map_err(|_| too_large())?;
            let empty = body.is_empty();
            req.set_body(Body::from_bytes(body));
            empty
        }
    };
    let writes = matches!(*req.method(), Method::POST | Method::PUT | Method::PATCH);
    if inject && empty && writes && !req.headers().contains_key(CONTENT_TYPE) {
        req.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        req.headers_mut().insert(CONTENT_LENGTH, HeaderValue::from_static("4"));
        req.set_body(Body::from(&b"null"[..]));
        return Ok(true);
    }
    Ok(false)
}

/// Refuses query parameters and a JSON body that break the types or limits the spec declares
/// ([`super::strict`]), naming every field; the body is read (already bounded) and put back.
async fn strict_types(req: &mut Request, method: &Method, path: &str, injected: bool) -> Result<(), Problem> {
    // One lookup of the operation serves every check below.
    let Some(op) = super::spec_index::operation(method.as_str(), path) else { return Ok(()) };
    // Without a token a secured operation answers 401 first, whatever else is wrong.
    let token =
        req.headers().contains_key(poem::http::header::AUTHORIZATION) || req.headers().contains_key("x-customer-token");
    if !token && super::spec_index::is_secured(op) {
        return Ok(());
    }
    let query = super::strict::query_problems(op, req.uri().query().unwrap_or(""));
    if !query.is_empty() {
        return Err(super::validation::problem(query));
    }
    let writes = matches!(*method, Method::POST | Method::PUT | Method::PATCH) && !injected;
    let json = req.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !writes || !json || super::spec_index::json_body_schema(op).is_none() {
        return Ok(());
    }
    let body =
        req.take_body().into_bytes().await.map_err(|e| Problem::new(400, format!("cannot read the body: {e}")))?;
    let problems = super::strict::problems(op, &body);
    req.set_body(Body::from_bytes(body));
    if problems.is_empty() { Ok(()) } else { Err(super::validation::problem(problems)) }
}

/// The request id and the path as sent, for layers inside this one (in the request's
/// extensions).
#[derive(Clone, Debug)]
pub struct RequestId {
    /// The id (also in `X-Request-Id`).
    pub id: String,
    /// The path as the client sent it.
    pub path: String,
}

/// Turns any error into a problem+json response with a detail a person can act on.
pub(super) async fn problem_from_error(err: poem::Error, method: &Method, path: &str, rid: &str) -> Response {
    let status = err.status();
    let invalid = if let Some(e) = err.downcast_ref::<poem_openapi::error::ParseRequestPayloadError>() {
        super::validation::field_problem(None, &e.reason)
    } else {
        err.downcast_ref::<poem_openapi::error::ParseParamError>()
            .map(|e| super::validation::param_problem(method.as_str(), path, e.name, &e.reason))
    };
    if let Some(f) = invalid {
        return problem_response(super::validation::problem(vec![f]));
    }
    let detail = if let Some(e) = err.downcast_ref::<poem_openapi::error::ParseRequestPayloadError>() {
        Some(format!("The request body is not valid: {}", e.reason))
    } else if let Some(e) = err.downcast_ref::<poem_openapi::error::ParseParamError>() {
        Some(format!("The parameter `{}` is not valid: {}", e.name, e.reason))
    } else if err.is::<poem_openapi::error::AuthorizationError>() && path.starts_with("/api/widget/") {
        Some("Start a chat first: send `X-Customer-Token` with a token from POST /api/widget/v1/sessions.".to_string())
    } else if err.is::<poem_openapi::error::AuthorizationError>() {
        Some(
            "Sign in first: send `Authorization: Bearer <token>` with a token from POST /api/v1/auth/login."
                .to_string(),
        )
    } else if err.is::<poem_openapi::error::ContentTypeError>() && is_import(&Method::POST, path) {
        Some("Send the file as the body with `Content-Type: application/octet-stream`.".to_string())
    } else if err.is::<poem_openapi::error::ContentTypeError>() {
        Some("Send the body as JSON with `Content-Type: application/json`.".to_string())
    } else {
        None
    };
    let resp = err.into_response();
    if is_problem(&resp) {
        return resp;
    }
    let detail = match (detail, status) {
        (Some(d), _) => d,
        (None, StatusCode::NOT_FOUND) => format!("Nothing at {method} {path}. The API is described at /api/docs."),
        (None, StatusCode::METHOD_NOT_ALLOWED) => format!("{path} does not accept {method}."),
        (None, s) if s.is_server_error() => {
            format!("Something went wrong on our side; it was logged with request id {rid}.")
        }
        (None, _) => {
            let text = resp.into_body().into_string().await.unwrap_or_default();
            if text.is_empty() { status.canonical_reason().unwrap_or("Request refused").to_string() } else { text }
        }
    };
    problem_response(Problem::new(status.as_u16(), detail))
}

fn is_problem(resp: &Response) -> bool {
    resp.headers().get(CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()))
}

/// A problem as a response.
pub fn problem_response(p: Problem) -> Response {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = poem_openapi::types::ToJSON::to_json_string(&p);
    Response::builder().status(status).content_type(PROBLEM_JSON).body(body)
}

impl<E: Endpoint> Layer<E> {
    /// Runs the routes and turns any error into a problem response; returns the operation id.
    async fn respond(&self, req: Request, method: &Method, path: &str, rid: &str) -> (Response, Option<&'static str>) {
        match self.inner.call(req).await.map(IntoResponse::into_response) {
            Ok(resp) => {
                let op = resp.data::<OperationId>().map(|o| o.0);
                let resp = if resp.status().is_client_error() && !is_problem(&resp) && op.is_none() {
                    problem_from_error(poem::Error::from_status(resp.status()), method, path, rid).await
                } else {
                    resp
                };
                (resp, op)
            }
            Err(err) => {
                let op = err.data::<OperationId>().map(|o| o.0);
                (problem_from_error(err, method, path, rid).await, op)
            }
        }
    }
}

impl<E: Endpoint> Endpoint for Layer<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> poem::Result<Response> {
        let start = Instant::now();
        let rid = request_id(&req);
        let method = req.method().clone();
        let path = req.uri().path().to_string();
        let gzip = (path.starts_with("/api/v1/") || path.starts_with("/api/widget/v1/"))
            && super::compress::accepts_gzip(req.headers());
        let forwarded: Vec<&str> =
            req.headers().get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok()).collect();
        let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
        let client = super::client::ClientAddr(self.trusted_proxies.client(peer, &forwarded));
        req.extensions_mut().insert(client);
        req.extensions_mut().insert(RequestId { id: rid.clone(), path: path.clone() });
        let span = tracing::info_span!("request", id = %rid, method = %method, path = %path);
        async move {
            let import = is_import(&method, &path);
            let upload = is_upload(&method, &path) || import;
            let tripped = Arc::new(std::sync::atomic::AtomicBool::new(false));
            let limit = if import {
                MAX_IMPORT_BYTES
            } else if upload {
                // The workspace's own limit, plus room for the multipart envelope.
                let workspace = usize::try_from(self.desk.max_upload_bytes()).unwrap_or(usize::MAX);
                self.max_upload_body_bytes.min(workspace.saturating_add(UPLOAD_ENVELOPE))
            } else {
                self.max_body_bytes
            };
            let declared = req.headers().contains_key(CONTENT_LENGTH);
            let limited = if upload && !declared {
                limit_stream(&mut req, limit, tripped.clone());
                Ok(false)
            } else {
                // An import's empty body stays empty (it is refused as such), never `null`.
                limit_body(&mut req, limit, !import).await
            };
            let prepared = match limited {
                Err(p) => Err(p),
                Ok(injected) => match strict_types(&mut req, &method, &path, injected).await {
                    Err(p) => Err(p),
                    Ok(()) => super::idempotency::prepare(&mut req, &self.desk).await,
                },
            };
            let (mut resp, op) = match prepared {
                Err(p) => (problem_response(p), None),
                Ok(None) => self.respond(req, &method, &path, &rid).await,
                Ok(Some(keyed)) => {
                    let mut op = None;
                    let resp = super::idempotency::handle(&self.desk, &self.locks, keyed, || async {
                        let (resp, o) = self.respond(req, &method, &path, &rid).await;
                        op = o;
                        resp
                    })
                    .await;
                    (resp, op.or(Some("idempotent_replay")))
                }
            };
            if tripped.load(std::sync::atomic::Ordering::Relaxed) {
                resp = problem_response(Problem::new(
                    413,
                    format!("The upload is larger than the limit of {limit} bytes (the workspace's upload limit)."),
                ));
            }
            if let Ok(v) = HeaderValue::from_str(&rid) {
                resp.headers_mut().insert(REQUEST_ID, v);
            }
            super::headers::secure(&mut resp, &path);
            let mut resp = super::compress::json(resp, gzip).await;
            if resp.status() == StatusCode::METHOD_NOT_ALLOWED
                && !resp.headers().contains_key(ALLOW)
                && let Some(v) = super::spec_index::allowed(&path).and_then(|m| HeaderValue::from_str(&m).ok())
            {
                resp.headers_mut().insert(ALLOW, v);
            }
            let status = resp.status().as_u16();
            let route = op.unwrap_or_else(|| route_label(&path));
            let elapsed = start.elapsed();
            self.metrics.observe(route, method.as_str(), status, elapsed);
            if status >= 500 {
                tracing::error!(status, route, ms = elapsed.as_secs_f64() * 1000.0, "answered");
            } else {
                tracing::info!(status, route, ms = elapsed.as_secs_f64() * 1000.0, "answered");
            }
            Ok(resp)
        }
        .instrument(span)
        .await
    }
}
