//! The conversation index against a model of the order it must give: every partition in every
//! sort, page by page through cursors, equals the order of the keys schema 3 wrote; and
//! schema-3 and schema-6 folders, written as the old code wrote them, read the same after the
//! migration.

use super::*;
use crate::domain::conversation::{Conversation, Origin, Sort, Status};
use crate::domain::{Actor, Timestamp};

/// The sort keys of schema 3, copied: the order every list must keep.
fn old_sort_key(c: &Conversation, sort: Sort) -> String {
    let desc = |t: Timestamp| format!("{:016x}", (i64::MAX - t.millis()) as u64);
    let newer_first = u64::MAX - c.number;
    match sort {
        Sort::Waiting => match c.waiting_since.filter(|_| c.status != Status::Closed) {
            Some(t) => format!("0{:016x}{:016x}", t.millis().max(0) as u64, c.number),
            None => format!("1{}{newer_first:016x}", desc(c.updated_at)),
        },
        Sort::Updated => format!("{}{newer_first:016x}", desc(c.updated_at)),
        Sort::Created => format!("{}{newer_first:016x}", desc(c.created_at)),
    }
}

/// The index keys schema 3 wrote.
fn old_index_keys(c: &Conversation) -> Vec<String> {
    let mut keys = Vec::new();
    for part in conv_index::partitions(c) {
        for (sort, code) in [(Sort::Waiting, 'w'), (Sort::Updated, 'd'), (Sort::Created, 'n')] {
            keys.push(format!("{part}/{code}/{}/{}", old_sort_key(c, sort), c.id));
        }
    }
    keys
}

fn id(prefix: &str, n: u64) -> String {
    crate::domain::id::new_id(prefix, Timestamp(1_700_000_000_000 + n as i64), [n as u8; 10])
}

/// Conversations in every state, with ties in time, some waiting and some not.
fn sample() -> Vec<Conversation> {
    let (inboxes, users, labels) =
        ([id("inb", 1), id("inb", 2)], [id("usr", 1), id("usr", 2)], [id("lbl", 1), id("lbl", 2)]);
    (0..40u64)
        .map(|n| {
            let mut c = Conversation::new(
                id("cv", n),
                1001 + n,
                inboxes[(n % 2) as usize].clone(),
                id("ct", n % 3),
                Origin::Inbound,
                Timestamp(1_000_000 + (n as i64 % 7) * 1000),
            );
            c.updated_at = Timestamp(2_000_000 + (n as i64 % 5) * 1000);
            c.status =
                [Status::Queued, Status::Open, Status::Pending, Status::Closed, Status::Offered][(n % 5) as usize];
            if n % 3 != 0 {
                c.waiting_since = Some(Timestamp(1_500_000 + (n as i64 % 4) * 1000));
            }
            if c.status != Status::Queued {
                c.assignee = Some(users[(n % 2) as usize].clone());
                c.participants = vec![users[(n % 2) as usize].clone()];
            }
            if n % 4 == 0 {
                c.team_id = Some(id("team", 1));
            }
            c.labels = labels.iter().take((n % 3) as usize).cloned().collect();
            c
        })
        .collect()
}

fn all_partitions(cs: &[Conversation]) -> Vec<String> {
    let mut parts: Vec<String> = cs.iter().flat_map(conv_index::partitions).collect();
    parts.sort();
    parts.dedup();
    parts
}

/// Every page of `partitions` in `sort`, `limit` at a time.
fn pages(snap: &impl Reader, partitions: &[String], sort: Sort, limit: usize) -> Vec<String> {
    let (mut out, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let (page, next) =
            snap.list_conversations(&typed(partitions), sort, cursor.as_deref(), limit, |_| true).expect("lists");
        out.extend(page.into_iter().map(|c| c.id));
        match next {
            Some(n) => cursor = Some(n),
            None => return out,
        }
    }
}

fn expected(cs: &[Conversation], partitions: &[String], sort: Sort) -> Vec<String> {
    let mut found: Vec<(String, String)> = cs
        .iter()
        .filter(|c| conv_index::partitions(c).iter().any(|p| partitions.contains(p)))
        .map(|c| (old_sort_key(c, sort), c.id.clone()))
        .collect();
    found.sort();
    found.into_iter().map(|(_, id)| id).collect()
}

fn check_every_order(snap: &impl Reader, cs: &[Conversation]) {
    let parts = all_partitions(cs);
    for sort in [Sort::Waiting, Sort::Updated, Sort::Created] {
        for limit in [1, 3, 50] {
            for p in &parts {
                let one = std::slice::from_ref(p);
                assert_eq!(pages(snap, one, sort, limit), expected(cs, one, sort), "{p} {sort:?} by {limit}");
            }
            let mixed = [parts[0].clone(), parts[parts.len() / 2].clone(), parts[parts.len() - 1].clone()];
            assert_eq!(pages(snap, &mixed, sort, limit), expected(cs, &mixed, sort), "{mixed:?} {sort:?} by {limit}");
        }
    }
}

async fn write_all(store: &Store, cs: Vec<Conversation>, old: bool) {
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(1), Actor::System);
            for c in &cs {
                if old {
                    ch.put_json(Tbl::Conversations, &c.id, c)?;
                    for k in old_index_keys(c) {
                        ch.put_str(Tbl::ConvIndex, &k, "");
                    }
                } else {
                    put_conversation(&mut ch, c, None)?;
                }
            }
            if old {
                ch.put_json(Tbl::Meta, tables::META_SCHEMA_VERSION, &3u64)?;
            }
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
}

#[tokio::test]
async fn every_partition_and_sort_pages_in_the_order_of_schema_3() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let cs = sample();
    write_all(&store, cs.clone(), false).await;
    check_every_order(&store.snapshot().expect("snapshot"), &cs);

    // Moves: stop waiting, start waiting, close; the keys follow.
    let mut moved = cs.clone();
    for (i, c) in moved.iter_mut().enumerate().filter(|(i, _)| i % 4 == 1) {
        c.waiting_since = if c.waiting_since.is_some() { None } else { Some(Timestamp(1_400_000 + i as i64)) };
        c.status = if i % 8 == 1 { Status::Closed } else { Status::Queued };
        c.updated_at = Timestamp(3_000_000);
    }
    let (before, after) = (cs.clone(), moved.clone());
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(2), Actor::System);
            for (old, new) in before.iter().zip(&after) {
                put_conversation(&mut ch, new, Some(old))?;
            }
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
    let snap = store.snapshot().expect("snapshot");
    check_every_order(&snap, &moved);
    let keys: usize = moved.iter().map(|c| conv_index::index_entries(c).len()).sum();
    assert_eq!(snap.count(Tbl::ConvIndex).expect("counts"), keys as u64, "no key left behind");
}

#[tokio::test]
async fn a_schema_3_folder_reads_the_same_after_the_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cs = sample();
    let cursors: Vec<(Sort, String)> =
        [Sort::Waiting, Sort::Updated, Sort::Created].into_iter().map(|s| (s, cursor_of(&cs[7], s))).collect();
    {
        let store = Store::open(dir.path()).expect("opens");
        write_all(&store, cs.clone(), true).await;
    }
    let store = Store::open(dir.path()).expect("reopens and migrates");
    let snap = store.snapshot().expect("snapshot");
    assert!(snap.get_json::<u64>(Tbl::Meta, tables::META_SCHEMA_VERSION).expect("reads") >= Some(5));
    assert!(snap.scan_raw(Tbl::ConvIndex, "all/", None, 1).expect("reads").is_empty(), "old keys are gone");
    for c in &cs {
        assert_eq!(snap.conversation(&c.id).expect("reads").as_ref(), Some(c));
    }
    check_every_order(&snap, &cs);
    // A cursor a client got before the upgrade continues where it was.
    for (sort, cursor) in cursors {
        let all = expected(&cs, &["all".to_string()], sort);
        let at = all.iter().position(|i| *i == cs[7].id).expect("listed");
        let (page, _) = snap.list_conversations(&[Partition::All], sort, Some(&cursor), 5, |_| true).expect("lists");
        let ids: Vec<String> = page.into_iter().map(|c| c.id).collect();
        assert_eq!(ids, all[at + 1..(at + 6).min(all.len())], "{sort:?}");
    }
    assert!(!is_cursor("0123/cv_x", Sort::Updated));
}

/// A partition's code as schema 7 and 8 wrote it for an id of a shape other than the standard
/// one: the kind letter in upper case, the id and `/` (standard ids were packed into 22
/// digits; the migration drops both shapes alike).
fn schema_8_code(partition: &str) -> String {
    match partition.split_once(':') {
        Some((kind, id)) => format!("{}{id}/", kind.to_ascii_uppercase()),
        None => "*".to_string(),
    }
}

/// The index keys schema 7 and 8 wrote: the partition code, then what schema 9 writes after
/// its own code.
fn schema_8_keys(c: &Conversation) -> Vec<String> {
    conv_index::index_entries(c).into_iter().map(|(p, rest)| format!("{}{rest}", schema_8_code(&p))).collect()
}

/// Writes `cs` as schema 6 (index keys ending with `/{id}`, no number table) or schema 8
/// (index keys with long partition codes, the number table) stored them.
async fn write_schema(store: &Store, cs: Vec<Conversation>, version: u64) {
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(1), Actor::System);
            for c in &cs {
                ch.ops.push(changes::Op::Put(Tbl::Conversations, c.id.clone(), rows::encode_conversation(c)?));
                for k in schema_8_keys(c) {
                    ch.put_str(Tbl::ConvIndex, &if version == 6 { format!("{k}/{}", c.id) } else { k }, "");
                }
                if version == 8 {
                    ch.ops.push(changes::Op::Put(
                        Tbl::ConvNumbers,
                        conv_index::number_key(c.number),
                        conv_index::id_row(&c.id)?,
                    ));
                }
            }
            ch.put_json(Tbl::Meta, tables::META_SCHEMA_VERSION, &version)?;
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
}

#[tokio::test]
async fn a_schema_6_folder_reads_the_same_after_the_migration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cs = sample();
    cs[3].id = "cv_legacy-shaped".into();
    let cursors: Vec<(Sort, String)> =
        [Sort::Waiting, Sort::Updated, Sort::Created].into_iter().map(|s| (s, cursor_of(&cs[7], s))).collect();
    {
        let store = Store::open(dir.path()).expect("opens");
        write_schema(&store, cs.clone(), 6).await;
        assert_eq!(store.snapshot().expect("snapshot").count(Tbl::ConvNumbers).expect("counts"), 0);
    }
    let store = Store::open(dir.path()).expect("reopens and migrates");
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.get_json::<u64>(Tbl::Meta, tables::META_SCHEMA_VERSION).expect("reads"), Some(SCHEMA_VERSION));
    let keys = snap.scan_raw(Tbl::ConvIndex, "", None, usize::MAX).expect("reads");
    assert_eq!(keys.len(), cs.iter().map(|c| conv_index::index_entries(c).len()).sum::<usize>());
    assert!(keys.iter().all(|(k, _)| !k.contains('/')), "no key keeps its id");
    assert!(keys.iter().all(|(k, _)| k.len() <= 2 + 1 + 7 + 3 + 1), "every key starts with a short code");
    assert_eq!(snap.count(Tbl::ConvNumbers).expect("counts"), cs.len() as u64);
    for c in &cs {
        assert_eq!(snap.conversation_id_by_number(c.number).expect("reads").as_deref(), Some(c.id.as_str()));
    }
    check_every_order(&snap, &cs);
    assert_eq!(
        snap.partition_ids(&Partition::All, Sort::Created, usize::MAX).expect("reads"),
        expected(&cs, &["all".to_string()], Sort::Created)
    );
    assert_eq!(
        snap.partition_count(&Partition::Contact(cs[0].contact_id.clone()), usize::MAX).expect("counts"),
        cs.iter().filter(|c| c.contact_id == cs[0].contact_id).count()
    );
    // A cursor a client got before the upgrade continues where it was.
    for (sort, cursor) in cursors {
        let all = expected(&cs, &["all".to_string()], sort);
        let at = all.iter().position(|i| *i == cs[7].id).expect("listed");
        let (page, _) = snap.list_conversations(&[Partition::All], sort, Some(&cursor), 5, |_| true).expect("lists");
        let ids: Vec<String> = page.into_iter().map(|c| c.id).collect();
        assert_eq!(ids, all[at + 1..(at + 6).min(all.len())], "{sort:?}");
    }
}

#[tokio::test]
async fn a_schema_6_folder_with_a_repeated_number_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut cs = sample();
    cs[5].number = cs[2].number;
    {
        let store = Store::open(dir.path()).expect("opens");
        write_schema(&store, cs.clone(), 6).await;
    }
    match Store::open(dir.path()) {
        Err(StoreError::Corrupt(m)) => {
            assert!(m.contains(&cs[2].id) && m.contains(&cs[5].id) && m.contains("same number"), "{m}")
        }
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("opened"),
    }
    let db = redb::Database::open(dir.path().join(DB_FILE)).expect("opens the file");
    let read = db.begin_read().expect("read");
    assert_eq!(read.get_json::<u64>(Tbl::Meta, tables::META_SCHEMA_VERSION).expect("reads"), Some(6), "still schema 6");
}

#[tokio::test]
async fn a_schema_8_folder_gets_short_codes_and_new_partitions_the_next_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cs = sample();
    {
        let store = Store::open(dir.path()).expect("opens");
        write_schema(&store, cs.clone(), 8).await;
    }
    let store = Store::open(dir.path()).expect("reopens and migrates");
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.get_json::<u64>(Tbl::Meta, tables::META_SCHEMA_VERSION).expect("reads"), Some(SCHEMA_VERSION));
    // The partitions got codes 0, 1, 2… in name order; `all` keeps `*`.
    let named: Vec<String> = all_partitions(&cs).into_iter().filter(|p| p != "all").collect();
    assert_eq!(snap.count(Tbl::PartitionCodes).expect("counts"), named.len() as u64);
    for (n, p) in named.iter().enumerate() {
        assert_eq!(snap.get_str(Tbl::PartitionCodes, p).expect("reads"), Some(conv_index::short_code(n as u64)), "{p}");
    }
    let keys = snap.scan_raw(Tbl::ConvIndex, "", None, usize::MAX).expect("reads");
    assert_eq!(
        keys.len(),
        cs.iter().map(|c| conv_index::index_entries(c).len()).sum::<usize>(),
        "the long keys are gone"
    );
    check_every_order(&snap, &cs);
    drop(snap);

    // A label seen for the first time gets the next code; taking it off leaves the code, never
    // handed out again, and the partition reads empty.
    let (before, mut labelled) = (cs[0].clone(), cs[0].clone());
    let label = format!("l:{}", id("lbl", 9));
    labelled.labels.push(label[2..].to_string());
    let put = |new: Conversation, old: Conversation| {
        let store = store.clone();
        async move {
            store
                .write(move |_| {
                    let mut ch = Changes::new(Timestamp(3), Actor::System);
                    put_conversation(&mut ch, &new, Some(&old))?;
                    Ok::<_, StoreError>((ch, ()))
                })
                .await
                .expect("writes");
        }
    };
    put(labelled.clone(), before.clone()).await;
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(
        snap.get_str(Tbl::PartitionCodes, &label).expect("reads"),
        Some(conv_index::short_code(named.len() as u64))
    );
    assert_eq!(
        snap.partition_ids(&Partition::from_key(&label), Sort::Created, 10).expect("reads"),
        vec![before.id.clone()]
    );
    drop(snap);
    put(before.clone(), labelled.clone()).await;
    // Removing the keys of a partition that never had any hands out no code.
    let mut ghost = before.clone();
    ghost.labels.push(id("lbl", 10));
    put(before.clone(), ghost).await;
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(
        snap.partition_ids(&Partition::from_key(&label), Sort::Created, 10).expect("reads"),
        Vec::<String>::new()
    );
    assert_eq!(snap.partition_count(&Partition::from_key(&label), 10).expect("counts"), 0);
    assert_eq!(
        snap.count(Tbl::PartitionCodes).expect("counts"),
        named.len() as u64 + 1,
        "kept, and no code for the ghost"
    );
    assert_eq!(
        snap.get_json::<u64>(Tbl::Meta, tables::META_NEXT_PARTITION_CODE).expect("reads"),
        Some(named.len() as u64 + 1)
    );
    check_every_order(&snap, &cs);
}

/// The typed partitions of keys.
fn typed(keys: &[String]) -> Vec<Partition> {
    keys.iter().map(|k| Partition::from_key(k)).collect()
}
