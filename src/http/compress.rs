//! Gzip for API answers: JSON of a kilobyte or more goes out compressed to clients that
//! accept it. API JSON is built whole before it is sent, so compressing it costs a buffer and
//! no latency; event streams, file downloads and exports are left as they are (they stream).
//! The pages' files are compressed by `crate::web`, once per version.

use std::io::Write as _;

use poem::Response;
use poem::http::HeaderMap;
use poem::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_LENGTH, CONTENT_TYPE, VARY};

/// Answers smaller than this are sent as they are.
const FROM_BYTES: usize = 1024;

/// Whether the request's `Accept-Encoding` takes gzip (and does not refuse it with `q=0`).
pub fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|v| {
        v.split(',').any(|part| {
            let mut it = part.split(';');
            let name = it.next().unwrap_or_default().trim();
            let refused = it.any(|p| p.trim().replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
    })
}

/// The bytes gzip-compressed, if that works.
pub fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::default());
    enc.write_all(bytes).ok()?;
    enc.finish().ok()
}

/// `resp` compressed when it is JSON of at least [`FROM_BYTES`] and the client takes gzip.
pub async fn json(resp: Response, accepts: bool) -> Response {
    let json = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("application/problem+json"));
    if !accepts || !json || resp.headers().contains_key(CONTENT_ENCODING) {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = body.into_bytes().await else {
        return Response::from_parts(parts, poem::Body::empty());
    };
    match gzip(&bytes).filter(|_| bytes.len() >= FROM_BYTES) {
        Some(gz) => {
            parts.headers.insert(CONTENT_ENCODING, poem::http::HeaderValue::from_static("gzip"));
            parts.headers.remove(CONTENT_LENGTH);
            parts.headers.append(VARY, poem::http::HeaderValue::from_static("Accept-Encoding"));
            Response::from_parts(parts, poem::Body::from(gz))
        }
        None => Response::from_parts(parts, poem::Body::from(bytes)),
    }
}
