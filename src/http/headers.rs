//! Security headers on every answer: `X-Content-Type-Options: nosniff` everywhere,
//! `Cache-Control: no-store` on API answers (they carry tokens and customer data) unless a
//! handler chose a policy, and for the API docs page a Content-Security-Policy that allows
//! exactly its own inline scripts (by hash) and no framing.

use poem::Response;
use poem::http::HeaderValue;
use poem::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use sha2::{Digest, Sha256};

/// Adds the headers every answer gets.
pub fn secure(resp: &mut Response, path: &str) {
    let headers = resp.headers_mut();
    headers.entry(X_CONTENT_TYPE_OPTIONS).or_insert(HeaderValue::from_static("nosniff"));
    if path.starts_with("/api/") && !path.starts_with("/api/docs") {
        headers.entry(CACHE_CONTROL).or_insert(HeaderValue::from_static("no-store"));
    }
}

/// The base64 SHA-256 of every inline `<script>` body of `html`, as the browser sees them
/// (each ends at the first `</script>`).
fn script_hashes(html: &str) -> Vec<String> {
    use base64::Engine as _;
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</script>") else { break };
        let digest = Sha256::digest(&body.as_bytes()[..close]);
        out.push(format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(digest)));
        rest = &body[close..];
    }
    out
}

/// The hashes of the inline scripts of `html` that have a body (a `<script src>` has none),
/// for a page's policy.
pub(crate) fn inline_script_hashes(html: &str) -> Vec<String> {
    use base64::Engine as _;
    let empty = format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(b"")));
    script_hashes(html).into_iter().filter(|h| *h != empty).collect()
}

/// The Content-Security-Policy of the API docs page built from `html`: its inline scripts by
/// hash, inline styles (Swagger UI sets style attributes), images from itself or `data:`,
/// requests to the server itself ("Try it out"), and no framing, plugins, base or forms.
pub fn docs_policy(html: &str) -> String {
    format!(
        "default-src 'none'; script-src {}; style-src 'unsafe-inline'; img-src 'self' data:; \
         connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        script_hashes(html).join(" ")
    )
}

/// The docs page as an answer with its policy.
pub fn docs_page(html: &str, policy: &str) -> Response {
    let mut resp = Response::builder().content_type("text/html; charset=utf-8").body(html.to_string());
    if let Ok(v) = HeaderValue::from_str(policy) {
        resp.headers_mut().insert(CONTENT_SECURITY_POLICY, v);
    }
    resp.headers_mut().insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_inline_script_is_hashed_as_the_browser_sees_it() {
        let html = "<html><script>a()</script><p>x</p><script charset=\"UTF-8\">b('</scr'+'ipt>')</script></html>";
        let hashes = script_hashes(html);
        assert_eq!(hashes.len(), 2);
        use base64::Engine as _;
        let expect = |s: &str| {
            format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes())))
        };
        assert_eq!(hashes, vec![expect("a()"), expect("b('</scr'+'ipt>')")]);
        let policy = docs_policy(html);
        assert!(policy.contains("frame-ancestors 'none'") && policy.contains(&expect("a()")), "{policy}");
        assert!(!policy.contains("unsafe-eval"));
    }
}
