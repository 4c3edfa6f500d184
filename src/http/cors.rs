//! Cross-origin calls to the customer API (`/api/widget/v1`): the widget runs in other sites'
//! pages, so browsers ask first (preflight) and then need `Access-Control-Allow-Origin` on
//! every answer. Both are given only to the origins some live-chat inbox allows (and this
//! server's own pages); each operation then checks the origin against its own inbox's list,
//! so a site allowed for one inbox cannot use another.

use poem::http::{HeaderValue, Method, StatusCode};
use poem::{Endpoint, IntoResponse, Request, Response};

use crate::api::error::Problem;
use crate::desk::Desk;

/// Headers a widget may send.
const ALLOW_HEADERS: &str = "content-type, x-customer-token, last-event-id, idempotency-key";
/// Headers a widget may read.
const EXPOSE_HEADERS: &str = "retry-after, x-request-id";

/// Wraps the customer API with CORS.
pub struct WidgetCors<E> {
    /// The customer API.
    pub inner: E,
    /// The desk, for the inboxes' allowed origins.
    pub desk: Desk,
}

fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

fn allow(resp: &mut Response, origin: &str) {
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(origin) {
        h.insert("access-control-allow-origin", v);
    }
    h.append("vary", HeaderValue::from_static("Origin"));
}

impl<E: Endpoint> Endpoint for WidgetCors<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let origin = header(&req, "origin");
        let known = origin.as_deref().map(|o| self.desk.widget_origin_known(o, header(&req, "host").as_deref()));
        if req.method() == Method::OPTIONS && origin.is_some() {
            let Some(origin) = origin.filter(|_| known == Some(true)) else {
                let body = Problem::new(
                    403,
                    "this site may not use the chat: an admin adds its origin to a live-chat inbox's allowed origins",
                );
                return Ok(super::middleware::problem_response(body));
            };
            let mut resp = Response::builder()
                .status(StatusCode::NO_CONTENT)
                .header("access-control-allow-methods", "GET, POST, DELETE")
                .header("access-control-allow-headers", ALLOW_HEADERS)
                .header("access-control-max-age", "600")
                .finish();
            allow(&mut resp, &origin);
            return Ok(resp);
        }
        // The path as sent (inside the nest, the request's own path has lost its prefix).
        let (rid, path) = match req.extensions().get::<super::middleware::RequestId>() {
            Some(r) => (r.id.clone(), r.path.clone()),
            None => (String::new(), req.uri().path().to_string()),
        };
        let method = req.method().clone();
        // Errors become problem+json here, as the outer layer would make them, so that they
        // too carry the CORS headers a widget needs to read them.
        let mut resp = match self.inner.call(req).await {
            Ok(r) => r.into_response(),
            Err(e) => {
                let op = e.data::<poem_openapi::OperationId>().copied();
                let mut resp = super::middleware::problem_from_error(e, &method, &path, &rid).await;
                if let Some(op) = op {
                    resp.set_data(op);
                }
                resp
            }
        };
        if let (Some(origin), Some(true)) = (origin, known) {
            allow(&mut resp, &origin);
            resp.headers_mut().insert("access-control-expose-headers", HeaderValue::from_static(EXPOSE_HEADERS));
        }
        Ok(resp)
    }
}
