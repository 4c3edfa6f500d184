//! The layers of DESIGN.md, checked on the source: `api/` never names the store, redb or
//! tantivy; `domain/` does no I/O, reads no clock and names no other layer.

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            out.extend(sources(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push((path.display().to_string(), std::fs::read_to_string(&path).expect("readable file")));
        }
    }
    out
}

fn assert_none_names(layer: &str, forbidden: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(layer);
    let files = sources(&dir);
    assert!(!files.is_empty(), "no sources under {}", dir.display());
    for (path, text) in files {
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for f in forbidden {
                assert!(!code.contains(f), "{path}:{}: {layer}/ must not use {f}: {line}", n + 1);
            }
        }
    }
}

#[test]
fn the_api_layer_never_touches_storage_or_the_index() {
    assert_none_names("api", &["crate::store", "redb::", "tantivy::", "crate::search::"]);
}

#[test]
fn the_domain_layer_does_no_io_and_reads_no_clock() {
    assert_none_names(
        "domain",
        &[
            "crate::store",
            "crate::desk",
            "crate::api",
            "crate::http",
            "std::fs",
            "std::net",
            "SystemTime::now",
            "Instant::now",
            "OffsetDateTime::now",
            "tokio::",
        ],
    );
}
