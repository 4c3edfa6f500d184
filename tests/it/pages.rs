//! The pages' foundation (issue 17): vendored libraries match their recorded sums, no page
//! code writes HTML, every string a page asks for exists in every language, and static files
//! are served compressed, with validators, long caching for versioned vendor files, and a
//! policy that allows scripts from this server and the page's import map only.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::common::Harness;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("static")
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("read dir").flatten() {
        let p = e.path();
        if p.is_dir() { files(&p, out) } else { out.push(p) }
    }
}

#[test]
fn vendored_files_match_the_manifest() {
    let vendor = root().join("vendor");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(vendor.join("manifest.json")).expect("manifest")).expect("json");
    let sums = manifest["files"].as_object().expect("files");
    let mut all = Vec::new();
    files(&vendor, &mut all);
    for path in all.iter().filter(|p| !p.ends_with("manifest.json")) {
        let name = path.strip_prefix(&vendor).expect("inside").to_string_lossy().to_string();
        let want = sums.get(&name).and_then(|v| v.as_str()).unwrap_or_else(|| panic!("{name} is not in the manifest"));
        let got = hex(&Sha256::digest(std::fs::read(path).expect("read")));
        assert_eq!(got, want, "{name} differs from what scripts/vendor.sh fetched");
    }
    assert_eq!(all.len() - 1, sums.len(), "every file of the manifest is there");
    for (package, _) in manifest["packages"].as_object().expect("packages") {
        let dir = package.trim_start_matches('@').replace('/', "-");
        assert!(sums.keys().any(|k| k.starts_with(&dir) && k.ends_with("LICENSE")), "{package} has its licence");
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn no_page_code_writes_html() {
    let mut all = Vec::new();
    files(&root(), &mut all);
    let banned = ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "dangerouslySetInnerHTML"];
    let mut checked = 0;
    for path in all.iter().filter(|p| !p.starts_with(root().join("vendor"))) {
        let Ok(text) = std::fs::read_to_string(path) else { continue };
        checked += 1;
        for b in banned {
            assert!(!text.contains(b), "{} uses {b}", path.display());
        }
    }
    assert!(checked > 10);
}

#[test]
fn every_string_a_page_asks_for_exists_in_every_language() {
    let en: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(root().join("i18n/en.json")).expect("en")).expect("json");
    let mut all = Vec::new();
    files(&root(), &mut all);
    let mut asked = 0;
    for path in all.iter().filter(|p| p.extension().is_some_and(|e| e == "js") && !p.starts_with(root().join("vendor")))
    {
        let text = std::fs::read_to_string(path).expect("read");
        for (i, _) in text.match_indices("t('") {
            // `t(` itself, not the end of `setText(`.
            if text[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                continue;
            }
            let key: String = text[i + 3..].chars().take_while(|c| *c != '\'').collect();
            let plural = [format!("{key}.one"), format!("{key}.other")];
            assert!(
                en.contains_key(&key) || plural.iter().all(|k| en.contains_key(k)),
                "{} asks for {key:?}, which en.json lacks",
                path.display()
            );
            asked += 1;
        }
    }
    assert!(asked > 50, "{asked} strings");
}

#[tokio::test]
async fn pages_are_compressed_cached_and_locked_down() {
    let h = Harness::new().await;
    let page = h.client.get("/agent/").header("Accept-Encoding", "gzip, br").send().await;
    let headers = page.0.headers().clone();
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(page.0.status().as_u16(), 200);
    assert_eq!(header("content-encoding"), "gzip");
    assert_eq!(header("vary"), "Accept-Encoding");
    assert_eq!(header("x-content-type-options"), "nosniff");
    let csp = header("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("require-trusted-types-for 'script'"), "{csp}");
    // The import map, and nothing else inline, is allowed by its hash.
    let html = std::fs::read_to_string(root().join("agent/index.html")).expect("page");
    let start = html.find("<script type=\"importmap\">").expect("import map") + "<script type=\"importmap\">".len();
    let map = &html[start..start + html[start..].find("</script>").expect("end")];
    use base64::Engine as _;
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(map.as_bytes()));
    assert!(csp.contains(&format!("script-src 'self' 'sha256-{hash}';")), "{csp}");
    let etag = header("etag");
    assert!(etag.ends_with("-gz\""), "{etag}");
    let again = h.client.get("/agent/").header("Accept-Encoding", "gzip").header("If-None-Match", &etag).send().await;
    assert_eq!(again.0.status().as_u16(), 304);
    let plain = h.client.get("/agent/").send().await;
    assert!(plain.0.headers().get("content-encoding").is_none(), "no gzip unless asked");

    let vendor = h.client.get("/vendor/preact-11.2.0/preact.mjs").header("Accept-Encoding", "gzip").send().await;
    assert_eq!(vendor.0.status().as_u16(), 200);
    let cache = vendor.0.headers().get("cache-control").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(cache, "public, max-age=31536000, immutable");
    let mime = vendor.0.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert!(mime.contains("javascript"), "{mime}");
}

/// The modules a page module imports: statically (`import … from '…'`, `import '…'`) and
/// lazily (`import('…')`), as paths under `static/` (bare names through the import map).
fn imports(path: &str, map: &[(String, String)]) -> (Vec<String>, Vec<String>) {
    let text =
        std::fs::read_to_string(root().join(path.trim_start_matches('/'))).unwrap_or_else(|e| panic!("{path}: {e}"));
    let resolve = |spec: &str| -> String {
        if let Some((_, to)) = map.iter().find(|(name, _)| name == spec) {
            return to.clone();
        }
        if spec.starts_with('/') {
            return spec.to_string();
        }
        let mut parts: Vec<&str> = path.split('/').collect();
        parts.pop();
        for part in spec.split('/') {
            match part {
                "." => {}
                ".." => {
                    parts.pop();
                }
                other => parts.push(other),
            }
        }
        parts.join("/")
    };
    let quoted = |rest: &str| rest.split(['\'', '"']).nth(1).map(str::to_string);
    let (mut eager, mut later) = (Vec::new(), Vec::new());
    let code =
        text.lines().map(str::trim).filter(|l| !l.starts_with("//") && !l.starts_with('*') && !l.starts_with("/*"));
    for line in code {
        if let Some(at) = line.find("import(") {
            if let Some(spec) = quoted(&line[at..]) {
                later.push(resolve(&spec));
            }
        } else if (line.starts_with("import ") || line.starts_with("export ") && line.contains(" from "))
            && let Some(spec) =
                line.rsplit_once(" from ").map(|(_, r)| r).or(line.strip_prefix("import ")).and_then(quoted)
        {
            eager.push(resolve(&spec));
        }
    }
    (eager, later)
}

#[test]
fn the_agent_page_preloads_what_its_first_screen_imports_and_nothing_else() {
    let html = std::fs::read_to_string(root().join("agent/index.html")).expect("page");
    let map_text =
        html.split("<script type=\"importmap\">").nth(1).and_then(|r| r.split("</script>").next()).expect("map");
    let map: serde_json::Value = serde_json::from_str(map_text).expect("import map");
    let map: Vec<(String, String)> = map["imports"]
        .as_object()
        .expect("imports")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
        .collect();
    let listed = |href: &str| {
        html.contains(&format!("modulepreload\" href=\"{href}\"")) || html.contains(&format!("src=\"{href}\""))
    };
    // Everything app.js and boot.js import, transitively and statically, is preloaded: the
    // first screen never waits for a second round trip.
    let mut eager: Vec<String> = vec!["/agent/app.js".into(), "/agent/boot.js".into()];
    let mut later = Vec::new();
    let mut i = 0;
    while i < eager.len() {
        let (now, then) = imports(&eager[i], &map);
        for m in now {
            if !eager.contains(&m) {
                eager.push(m);
            }
        }
        later.extend(then);
        i += 1;
    }
    for m in &eager {
        assert!(listed(m), "{m} is not preloaded: opening the page would wait for it in a second round trip");
    }
    // What loads lazily (and only what it alone needs) is not preloaded: the first screen
    // does not wait for it either.
    let mut lazy_only = Vec::new();
    let mut i = 0;
    while i < later.len() {
        let m = later[i].clone();
        if !eager.contains(&m) && !lazy_only.contains(&m) {
            let (now, then) = imports(&m, &map);
            later.extend(now);
            later.extend(then);
            lazy_only.push(m);
        }
        i += 1;
    }
    assert!(lazy_only.contains(&"/agent/conversation.js".to_string()), "{lazy_only:?}");
    for m in &lazy_only {
        assert!(!listed(m), "{m} loads after the first screen, yet the page preloads it");
    }
    // And every module of the page is one or the other.
    let mut all = Vec::new();
    files(&root().join("agent"), &mut all);
    for path in all.iter().filter(|p| p.extension().is_some_and(|e| e == "js")) {
        let href = format!("/agent/{}", path.file_name().expect("name").to_string_lossy());
        assert!(eager.contains(&href) || lazy_only.contains(&href), "{href} is never imported");
    }
}

#[tokio::test]
async fn api_json_is_gzipped_for_clients_that_take_it() {
    use std::io::Read as _;
    let h = Harness::new().await;
    let token = h.demo("admin").await;
    let plain = h.get("/api/v1/users?limit=50", &token).await;
    assert_eq!(plain.status, 200);
    assert!(plain.header("content-encoding").is_none(), "no gzip unless asked");
    let gz = h
        .client
        .get("/api/v1/users?limit=50")
        .header("Authorization", format!("Bearer {token}"))
        .header("Accept-Encoding", "gzip")
        .send()
        .await;
    assert_eq!(gz.0.headers().get("content-encoding").and_then(|v| v.to_str().ok()), Some("gzip"));
    let bytes = gz.0.into_body().into_bytes().await.expect("body");
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).expect("gzip");
    assert_eq!(serde_json::from_str::<serde_json::Value>(&text).expect("json"), plain.body);
    assert!(bytes.len() * 2 < text.len(), "{} of {} bytes", bytes.len(), text.len());
}

#[test]
fn every_page_carries_the_same_import_map() {
    // The map is inline in each page (allowed by its hash); one page left behind after a
    // vendor update would load another version of Preact than the rest.
    let map_of = |page: &str| {
        let html = std::fs::read_to_string(root().join(page)).expect("page");
        html.split("<script type=\"importmap\">")
            .nth(1)
            .and_then(|r| r.split("</script>").next())
            .expect("map")
            .to_string()
    };
    let agent = map_of("agent/index.html");
    let mut pages = Vec::new();
    files(&root(), &mut pages);
    let pages: Vec<_> = pages.iter().filter(|p| p.file_name().is_some_and(|n| n == "index.html")).collect();
    assert!(pages.len() >= 2, "{pages:?}");
    for page in pages {
        let rel = page.strip_prefix(root()).expect("under static").to_string_lossy().to_string();
        assert_eq!(map_of(&rel), agent, "{rel}");
    }
}
