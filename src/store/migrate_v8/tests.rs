//! The schema-8 migration (timeline chunks) on folders written exactly as schema 6 wrote them (one timeline row
//! per entry, `message_index` for explicit ids), built here with redb directly: every entry,
//! id and order survives, the old table is gone, and a failed step leaves schema 6 as it was.

use std::collections::BTreeSet;
use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTableMetadata, TableDefinition, TableHandle};

use crate::domain::conversation::{Author, Conversation, Message, MessageKind, Origin};
use crate::domain::id::new_id;
use crate::domain::{Actor, Timestamp};
use crate::store::codec::{self, CHUNK_LEN};
use crate::store::tables::{Bin, LEGACY_TIMELINE, META_SCHEMA_VERSION, SCHEMA_VERSION};
use crate::store::{Changes, ConversationReads, DB_FILE, Reader, Store, StoreError, Tbl, put_message};

const T: i64 = 1_700_000_000_000;

/// Writes `timelines` as schema `version` (4 to 6) stored them: one `timeline` row per entry,
/// a `message_index` entry for each id that is not derived.
pub(crate) fn write_per_entry_folder(dir: &Path, version: u64, timelines: &[&[Message]]) {
    const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
    let db = Database::create(dir.join(DB_FILE)).expect("creates");
    let txn = db.begin_write().expect("write");
    {
        let version = serde_json::to_vec(&version).expect("json");
        txn.open_table(META).expect("meta").insert(META_SCHEMA_VERSION, version.as_slice()).expect("insert");
        let mut timeline = txn.open_table(LEGACY_TIMELINE).expect("timeline");
        let mut index = txn.open_table(Bin::MessageIndex.def()).expect("message index");
        for m in timelines.iter().flat_map(|t| t.iter()) {
            let row = codec::encode_message(m).expect("encodes");
            timeline
                .insert(codec::timeline_key(&m.conversation_id, m.index).as_slice(), row.as_slice())
                .expect("insert");
            if !codec::is_derived(m) {
                index
                    .insert(
                        codec::message_id_key(&m.id).as_slice(),
                        codec::index_value(m.index).expect("encodes").as_slice(),
                    )
                    .expect("insert");
            }
        }
    }
    txn.commit().expect("commits");
}

fn conversation(id: String) -> Conversation {
    Conversation::new(id, 1, "inb_1".into(), "ct_1".into(), Origin::Inbound, Timestamp(T))
}

/// `n` entries of `c`: derived ids, except packed explicit ids (told apart by `seed`) at every
/// index divisible by 7 and a raw one at index 5.
fn timeline(c: &mut Conversation, n: u32, seed: u8) -> Vec<Message> {
    (0..n)
        .map(|i| {
            let mut m = c.next_entry(
                MessageKind::Agent,
                Author::User { id: "usr_1".into() },
                format!("entry {i} ¿qué tal? 😀"),
                None,
                Timestamp(T + i64::from(i)),
            );
            if i % 7 == 0 {
                m.id = new_id("msg", Timestamp(T + i64::from(i)), [i as u8, seed, 0, 0, 0, 0, 0, 0, 0, 0]);
            } else if i == 5 {
                m.id = format!("msg_legacy_{seed}");
            }
            m
        })
        .collect()
}

fn names(db: &Database) -> Vec<String> {
    db.begin_read().expect("read").list_tables().expect("tables").map(|t| t.name().to_string()).collect()
}

#[tokio::test]
async fn a_schema_6_folder_moves_every_entry_into_chunks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (mut long, mut short, mut odd) = (
        conversation(new_id("cv", Timestamp(T), [1; 10])),
        conversation(new_id("cv", Timestamp(T), [2; 10])),
        conversation("cv_legacy".into()),
    );
    let long_t = timeline(&mut long, 100, 1);
    let short_t = timeline(&mut short, 33, 2);
    let odd_t = timeline(&mut odd, 3, 3);
    // A timeline with a hole: entries 0..3 and 70.
    let mut holey = conversation(new_id("cv", Timestamp(T), [3; 10]));
    let mut holey_t = timeline(&mut holey, 71, 4);
    holey_t.drain(3..70);
    write_per_entry_folder(dir.path(), 6, &[&long_t, &short_t, &odd_t, &holey_t]);
    let indexed: u64 =
        [&long_t, &short_t, &odd_t, &holey_t].iter().flat_map(|t| t.iter()).filter(|m| !codec::is_derived(m)).count()
            as u64;

    let store = Store::open(dir.path()).expect("opens and migrates");
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.get_json::<u64>(Tbl::Meta, META_SCHEMA_VERSION).expect("reads"), Some(SCHEMA_VERSION));
    assert_eq!(SCHEMA_VERSION, 9);
    for (c, t) in [(&long, &long_t), (&short, &short_t), (&odd, &odd_t), (&holey, &holey_t)] {
        assert_eq!(&snap.timeline(&c.id, 0, usize::MAX).expect("timeline"), t, "{}", c.id);
        for m in t.iter() {
            assert_eq!(snap.message(&c.id, &m.id).expect("reads").as_ref(), Some(m), "{}", m.id);
        }
    }
    assert_eq!(snap.timeline(&long.id, 30, 5).expect("timeline"), long_t[30..35]);
    assert_eq!(snap.timeline(&holey.id, 2, 2).expect("timeline"), holey_t[2..4]);
    assert_eq!(snap.message(&short.id, &long_t[7].id).expect("reads"), None, "not in another conversation");
    let chunks: BTreeSet<(&str, u32)> = [&long_t, &short_t, &odd_t, &holey_t]
        .iter()
        .flat_map(|t| t.iter())
        .map(|m| (m.conversation_id.as_str(), m.index / CHUNK_LEN))
        .collect();
    assert_eq!(snap.open_table(Bin::Timeline.def()).expect("table").len().expect("len"), chunks.len() as u64);
    assert_eq!(snap.open_table(Bin::MessageIndex.def()).expect("table").len().expect("len"), indexed, "untouched");
    drop(snap);

    // The timeline goes on, and a second start changes nothing.
    let next = long.next_entry(
        MessageKind::Customer,
        Author::Contact { id: "ct_1".into() },
        "after".into(),
        None,
        Timestamp(T + 500),
    );
    let written = next.clone();
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(T + 500), Actor::System);
            put_message(&mut ch, &written)?;
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
    drop(store);
    let store = Store::open(dir.path()).expect("reopens");
    let snap = store.snapshot().expect("snapshot");
    let all: Vec<Message> = long_t.iter().cloned().chain([next.clone()]).collect();
    assert_eq!(snap.timeline(&long.id, 0, usize::MAX).expect("timeline"), all);
    assert_eq!(snap.message(&long.id, &next.id).expect("reads"), Some(next));
    drop(snap);
    drop(store);
    let db = Database::open(dir.path().join(DB_FILE)).expect("opens");
    assert!(!names(&db).iter().any(|n| n == "timeline"), "schema 6's timeline is gone: {:?}", names(&db));
}

#[test]
fn a_failed_step_leaves_the_schema_6_folder_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut c = conversation(new_id("cv", Timestamp(T), [4; 10]));
    let t = timeline(&mut c, 40, 5);
    write_per_entry_folder(dir.path(), 6, &[&t]);
    {
        // One entry that no schema wrote: the step refuses the folder.
        let db = Database::create(dir.path().join(DB_FILE)).expect("opens");
        let txn = db.begin_write().expect("write");
        txn.open_table(LEGACY_TIMELINE)
            .expect("timeline")
            .insert(codec::timeline_key(&c.id, 40).as_slice(), [9u8, 9].as_slice())
            .expect("insert");
        txn.commit().expect("commits");
    }
    assert!(matches!(Store::open(dir.path()), Err(StoreError::Corrupt(_))));
    let db = Database::open(dir.path().join(DB_FILE)).expect("opens");
    let read = db.begin_read().expect("read");
    let version = read
        .open_table(Tbl::Meta.def())
        .expect("meta")
        .get(META_SCHEMA_VERSION)
        .expect("get")
        .map(|v| v.value().to_vec());
    assert_eq!(version.as_deref(), Some(b"6".as_slice()));
    assert_eq!(read.open_table(LEGACY_TIMELINE).expect("timeline").len().expect("len"), 41);
    assert!(!names(&db).iter().any(|n| n == "timeline_chunks"), "nothing of schema 7 was committed");
}
