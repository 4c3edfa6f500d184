//! The embedded pages: `static/` compiled into the binary with rust-embed (read from disk in
//! debug builds, so pages can be edited without rebuilding). Served at the URL root; `/`
//! redirects to the agent page.
//!
//! Every file carries an ETag; text files go out gzip-compressed to clients that accept it
//! (each compressed once per version of the file and kept). Files under `/vendor/` have their
//! version in their path (see `scripts/vendor.sh`), so browsers may keep them for a year;
//! the rest are revalidated on each load. Pages get a Content-Security-Policy that allows
//! scripts from this server only, plus the page's own import map by hash (an import map is
//! an inline script to CSP, though it runs nothing), with Trusted Types required so that no
//! script can write HTML into the page.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use poem::http::StatusCode;
use poem::http::header::{
    CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, ETAG, IF_NONE_MATCH, LOCATION, VARY,
};
use poem::{Endpoint, Request, Response};
use rust_embed::RustEmbed;

/// The files under `static/`.
#[derive(RustEmbed)]
#[folder = "static/"]
struct Assets;

/// No third-party scripts; connections only to this server; no framing.
const CSP: &str = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// Files smaller than this are sent as they are.
const COMPRESS_FROM: usize = 512;

/// A file as served: its validators, its type, its bytes and their gzip form.
struct Prepared {
    etag: String,
    mime: String,
    raw: Cow<'static, [u8]>,
    gzip: Option<Vec<u8>>,
    csp: String,
}

/// Prepared files by content hash: a file is compressed once per version (debug builds read
/// files from disk, so an edited file is a new version).
fn cache() -> &'static Mutex<HashMap<[u8; 32], Arc<Prepared>>> {
    static CACHE: OnceLock<Mutex<HashMap<[u8; 32], Arc<Prepared>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

fn compressible(mime: &str) -> bool {
    mime.starts_with("text/") || mime.contains("javascript") || mime.contains("json") || mime.contains("svg")
}

/// The policy of a page: its inline scripts (the import map) allowed by hash.
fn page_policy(html: &str) -> String {
    let hashes: Vec<String> = crate::http::headers::inline_script_hashes(html);
    format!("{CSP}; script-src 'self' {}; require-trusted-types-for 'script'; trusted-types 'none'", hashes.join(" "))
}

fn prepare(key: &str) -> Option<Arc<Prepared>> {
    let file = Assets::get(key)?;
    let hash = file.metadata.sha256_hash();
    if let Some(p) = cache().lock().ok()?.get(&hash) {
        return Some(p.clone());
    }
    let mime = file.metadata.mimetype().to_string();
    let csp =
        if mime.starts_with("text/html") { page_policy(&String::from_utf8_lossy(&file.data)) } else { CSP.to_string() };
    let gzip =
        (compressible(&mime) && file.data.len() >= COMPRESS_FROM).then(|| crate::http::gzip(&file.data)).flatten();
    let prepared = Arc::new(Prepared { etag: crate::desk::hex(&hash[..16]), mime, raw: file.data, gzip, csp });
    cache().lock().ok()?.insert(hash, prepared.clone());
    Some(prepared)
}

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
        let Some(file) = prepare(&key) else {
            if Assets::get(&format!("{path}/index.html")).is_some() {
                return Ok(redirect(&format!("/{path}/")));
            }
            return Err(poem::error::NotFoundError.into());
        };
        let gz = file.gzip.as_ref().filter(|_| crate::http::accepts_gzip(req.headers()));
        // Each representation has its own validator.
        let etag = if gz.is_some() { format!("\"{}-gz\"", file.etag) } else { format!("\"{}\"", file.etag) };
        let cache = if key.starts_with("vendor/") { "public, max-age=31536000, immutable" } else { "no-cache" };
        let matches = req
            .headers()
            .get(IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag));
        let builder = Response::builder()
            .header(ETAG, &etag)
            .header(CACHE_CONTROL, cache)
            .header(VARY, "Accept-Encoding")
            .header(CONTENT_SECURITY_POLICY, &file.csp)
            .header("x-content-type-options", "nosniff")
            .header("referrer-policy", "same-origin");
        // The widget runs inside other sites' pages and loads its modules, styles and strings
        // from here: those files (public anyway) may be read cross-origin.
        let builder = if key.starts_with("widget/") || key.starts_with("vendor/") || key.starts_with("common/") {
            builder.header("access-control-allow-origin", "*")
        } else {
            builder
        };
        if matches {
            return Ok(builder.status(StatusCode::NOT_MODIFIED).finish());
        }
        let builder = builder.content_type(&file.mime);
        Ok(match gz {
            Some(bytes) => builder.header(CONTENT_ENCODING, "gzip").body(bytes.clone()),
            None => match &file.raw {
                Cow::Borrowed(b) => builder.body(*b),
                Cow::Owned(v) => builder.body(v.clone()),
            },
        })
    }
}

/// Whether an embedded file exists (for tests and start-up checks).
pub fn has_file(path: &str) -> bool {
    Assets::get(path).is_some()
}

/// Every embedded file's path.
pub fn files() -> impl Iterator<Item = Cow<'static, str>> {
    Assets::iter()
}
