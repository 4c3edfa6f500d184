//! Ordered compaction: a table filled in random key order really packs when rewritten in key
//! order, the rewrite keeps every row, an aborted rewrite leaves the table as it was, and a
//! folder in use or missing is refused with a clear error.

use redb::{Database, ReadableDatabase, ReadableTable, ReadableTableMetadata, TableStats};

use super::*;
use crate::store::Store;

/// Keys shaped like conversation index keys, in a scrambled order.
fn scrambled_keys(n: u64) -> Vec<String> {
    (0..n)
        .map(|i| {
            // A multiplicative bijection of 0..2^32 scatters consecutive numbers.
            let h = (i.wrapping_mul(2_654_435_761)) % (1 << 32);
            format!("c{h:022}n{:07}{i:05}/cv_{h:026}", i % 1000)
        })
        .collect()
}

fn fill(db: &Database, keys: &[String]) {
    let txn = db.begin_write().expect("write");
    {
        let mut t = txn.open_table(Tbl::ConvIndex.def()).expect("opens");
        for k in keys {
            t.insert(k.as_str(), [].as_slice()).expect("inserts");
        }
    }
    txn.commit().expect("commits");
}

fn stats(db: &Database) -> TableStats {
    db.begin_read().expect("read").open_table(Tbl::ConvIndex.def()).expect("opens").stats().expect("stats")
}

fn rows(db: &Database) -> Vec<String> {
    let read = db.begin_read().expect("read");
    let t = read.open_table(Tbl::ConvIndex.def()).expect("opens");
    t.iter().expect("iter").map(|e| e.expect("row").0.value().to_string()).collect()
}

#[test]
fn repacking_in_key_order_fills_the_leaves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Database::create(dir.path().join(DB_FILE)).expect("creates");
    let keys = scrambled_keys(30_000);
    fill(&db, &keys);
    let before = stats(&db);
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(rows(&db), sorted);

    let txn = db.begin_write().expect("write");
    let done = repack(&txn, false).expect("repacks");
    txn.commit().expect("commits");
    let after = stats(&db);
    eprintln!(
        "random order: stored {} meta {} frag {} leaves {}; key order: stored {} meta {} frag {} leaves {}",
        before.stored_bytes(),
        before.metadata_bytes(),
        before.fragmented_bytes(),
        before.leaf_pages(),
        after.stored_bytes(),
        after.metadata_bytes(),
        after.fragmented_bytes(),
        after.leaf_pages()
    );
    assert_eq!(done.len(), 1, "only the fragmented table: {done:?}");
    assert_eq!((done[0].table.as_str(), done[0].rows), ("conversation_index", 30_000));
    assert!(
        before.fragmented_bytes() * 5 > before.stored_bytes(),
        "random inserts leave room: {}",
        before.fragmented_bytes()
    );
    assert!(after.fragmented_bytes() * 20 < after.stored_bytes(), "key order packs: {}", after.fragmented_bytes());
    assert!(
        after.leaf_pages() * 4 < before.leaf_pages() * 3,
        "{} leaves, were {}",
        after.leaf_pages(),
        before.leaf_pages()
    );
    assert_eq!(rows(&db), sorted, "every row kept, in order");

    let txn = db.begin_write().expect("write");
    assert!(repack(&txn, false).expect("repacks").is_empty(), "nothing left worth rewriting");
    txn.abort().expect("aborts");
}

#[test]
fn an_aborted_rewrite_leaves_the_table_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Database::create(dir.path().join(DB_FILE)).expect("creates");
    let keys = scrambled_keys(5_000);
    fill(&db, &keys);
    let before = rows(&db);
    let txn = db.begin_write().expect("write");
    assert!(!repack(&txn, true).expect("repacks").is_empty());
    txn.abort().expect("aborts");
    assert_eq!(rows(&db), before);
    let read = db.begin_read().expect("read");
    let names: Vec<String> = read.list_tables().expect("tables").map(|t| t.name().to_string()).collect();
    assert!(names.iter().all(|n| !n.ends_with("~packed")), "{names:?}");
}

#[test]
fn a_folder_in_use_or_without_a_database_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    match compact_folder(dir.path()) {
        Err(StoreError::Unavailable(m)) => assert!(m.contains("no database"), "{m}"),
        other => panic!("{other:?}"),
    }
    let store = Store::open(dir.path()).expect("opens");
    match compact_folder(dir.path()) {
        Err(StoreError::InUse(d)) => assert_eq!(d, dir.path()),
        other => panic!("{other:?}"),
    }
    drop(store);
    let report = compact_folder(dir.path()).expect("compacts once closed");
    assert!(report.file_after <= report.file_before);
    Store::open(dir.path()).expect("opens after");
}
