//! Benchmark of bytes on disk (issue 5): loads the generated history (100,000 conversations
//! with about 1,000,000 messages by default), then prints what each redb table stores (keys
//! and values, b-tree overhead, fragmentation) and the database file size three times: as
//! written, after redb's own compaction, and after Switchboard's ordered compaction
//! (`switchboard compact`: fragmented tables rewritten in key order, then redb's compaction).
//!
//! Run: `cargo bench --bench storage`. Sizes: `BENCH_CONVERSATIONS`, `BENCH_CONTACTS`.

mod common;

use std::path::Path;

use common::{db_bytes, db_len, env, load};
use redb::{Database, ReadableDatabase, ReadableTableMetadata, TableHandle};

/// Prints the per-table statistics of the closed database in `dir`.
fn print_tables(dir: &Path, title: &str, messages: f64) {
    let db = Database::open(dir.join("switchboard.redb")).expect("reopen");
    let read = db.begin_read().expect("read");
    let mut rows = Vec::new();
    for handle in read.list_tables().expect("tables") {
        let table = read.open_untyped_table(handle.clone()).expect("table");
        let s = table.stats().expect("stats");
        rows.push((
            handle.name().to_string(),
            table.len().expect("len"),
            s.stored_bytes(),
            s.metadata_bytes(),
            s.fragmented_bytes(),
        ));
    }
    rows.sort_by_key(|r| std::cmp::Reverse(r.2 + r.3 + r.4));
    println!("{title}");
    println!(
        "{:<22} {:>10} {:>10} {:>10} {:>10} {:>9}",
        "table", "rows", "stored MB", "meta MB", "frag MB", "B/message"
    );
    for (name, len, stored, meta, frag) in rows {
        println!(
            "{name:<22} {len:>10} {:>10.1} {:>10.1} {:>10.1} {:>9.0}",
            stored as f64 / 1e6,
            meta as f64 / 1e6,
            frag as f64 / 1e6,
            (stored + meta + frag) as f64 / messages
        );
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let conversations = env("BENCH_CONVERSATIONS", 100_000);
    let contacts = env("BENCH_CONTACTS", 20_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let loaded = load(dir.path(), conversations, contacts).await;
    let messages = loaded.report.messages.max(1) as f64;
    drop(loaded);
    let path = dir.path().join("switchboard.redb");
    let (written, written_len) = (db_bytes(dir.path()), db_len(dir.path()));
    print_tables(dir.path(), "as written:", messages);

    let mut db = Database::open(&path).expect("reopen");
    let compacted = db.compact().expect("compact");
    drop(db);
    let (redb_only, redb_only_len) = (db_bytes(dir.path()), db_len(dir.path()));

    let started = std::time::Instant::now();
    let report = switchboard::store::compact_folder(dir.path()).expect("ordered compaction");
    let took = started.elapsed();
    let (ordered, ordered_len) = (db_bytes(dir.path()), db_len(dir.path()));
    for t in &report.tables {
        println!(
            "rewrote {} in key order: {} rows, {:.1} MB -> {:.1} MB",
            t.table,
            t.rows,
            t.before as f64 / 1e6,
            t.after as f64 / 1e6
        );
    }
    print_tables(dir.path(), "after the ordered compaction:", messages);
    println!(
        "database on disk (file length): {:.0} MB ({:.0}) as written, {:.0} MB ({:.0}) after redb compact only (compacted: {compacted}), {:.0} MB ({:.0}) after the ordered compaction ({:.1} s); {:.0} B per message",
        written as f64 / 1e6,
        written_len as f64 / 1e6,
        redb_only as f64 / 1e6,
        redb_only_len as f64 / 1e6,
        ordered as f64 / 1e6,
        ordered_len as f64 / 1e6,
        took.as_secs_f64(),
        ordered as f64 / messages
    );
}
