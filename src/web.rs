//! The embedded pages: `static/` compiled into the binary with rust-embed (read from disk in
//! debug builds, so pages can be edited without rebuilding). Served at the URL root with ETags
//! and a strict content security policy; `/` redirects to the agent page.

use std::borrow::Cow;

use poem::http::StatusCode;
use poem::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, ETAG, IF_NONE_MATCH, LOCATION};
use poem::{Endpoint, Request, Response};
use rust_embed::RustEmbed;

/// The files under `static/`.
#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// No third-party or inline scripts; connections only to this server.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Serves embedded files by path; `dir/` serves `dir/index.html`, `dir` redirects to `dir/`.
pub struct StaticFiles;

fn redirect(to: &str) -> Response {
    Response::builder().status(StatusCode::FOUND).header(LOCATION, to).finish()
}

impl Endpoint for StaticFiles {
    type Output = Response;

    async fn call(&self, req: Request) -> poem::Result<Response> {
        let path = req.uri().path().trim_start_matches('/');
        if path.is_empty() {
            return Ok(redirect("/agent/"));
        }
        let key = if path.ends_with('/') { format!("{path}index.html") } else { path.to_string() };
        let Some(file) = Assets::get(&key) else {
            if Assets::get(&format!("{path}/index.html")).is_some() {
                return Ok(redirect(&format!("/{path}/")));
            }
            return Err(poem::error::NotFoundError.into());
        };
        let etag = format!("\"{}\"", crate::desk::hex(&file.metadata.sha256_hash()[..16]));
        if req.headers().get(IF_NONE_MATCH).is_some_and(|v| v.as_bytes() == etag.as_bytes()) {
            return Ok(Response::builder().status(StatusCode::NOT_MODIFIED).header(ETAG, etag).finish());
        }
        let body = match file.data {
            Cow::Borrowed(b) => poem::Body::from(b),
            Cow::Owned(v) => poem::Body::from_vec(v),
        };
        Ok(Response::builder()
            .content_type(file.metadata.mimetype())
            .header(ETAG, etag)
            .header(CACHE_CONTROL, "no-cache")
            .header(CONTENT_SECURITY_POLICY, CSP)
            .header("x-content-type-options", "nosniff")
            .header("referrer-policy", "same-origin")
            .body(body))
    }
}

/// Whether an embedded file exists (for tests and start-up checks).
pub fn has_file(path: &str) -> bool {
    Assets::get(path).is_some()
}
