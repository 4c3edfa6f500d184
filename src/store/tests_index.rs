//! The conversation index against a model of the order it must give: every partition in every
//! sort, page by page through cursors, equals the order of a plain model of each sort (the
//! cursor's own fields), and partitions get their short codes once, in order.

use super::*;
use crate::domain::conversation::{Conversation, Origin, Sort, Status};
use crate::domain::{Actor, Timestamp};

/// A plain model of each sort (fixed-width hex fields, as cursors spell them): the order every
/// list must keep.
fn model_sort_key(c: &Conversation, sort: Sort) -> String {
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
    let mut parts: Vec<String> = cs.iter().flat_map(keys::partitions).collect();
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
        .filter(|c| keys::partitions(c).iter().any(|p| partitions.contains(p)))
        .map(|c| (model_sort_key(c, sort), c.id.clone()))
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

async fn write_all(store: &Store, cs: Vec<Conversation>) {
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(1), Actor::System);
            for c in &cs {
                put_conversation(&mut ch, c, None)?;
            }
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
}

#[tokio::test]
async fn every_partition_and_sort_pages_in_the_order_of_the_model() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let cs = sample();
    write_all(&store, cs.clone()).await;
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
    let keys: usize = moved.iter().map(|c| keys::index_entries(c).len()).sum();
    assert_eq!(snap.count(Tbl::ConvIndex).expect("counts"), keys as u64, "no key left behind");
}

#[tokio::test]
async fn partitions_get_short_codes_once_and_new_partitions_the_next_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cs = sample();
    let store = Store::open(dir.path()).expect("opens");
    write_all(&store, cs.clone()).await;
    let snap = store.snapshot().expect("snapshot");
    // Every partition got one of the codes 0, 1, 2…, each handed out once; `all` keeps `*`.
    let named: Vec<String> = all_partitions(&cs).into_iter().filter(|p| p != "all").collect();
    assert_eq!(snap.count(Tbl::PartitionCodes).expect("counts"), named.len() as u64);
    let codes: std::collections::BTreeSet<String> =
        named.iter().map(|p| snap.get_str(Tbl::PartitionCodes, p).expect("reads").expect("a code")).collect();
    let expected: std::collections::BTreeSet<String> = (0..named.len() as u64).map(keys::short_code).collect();
    assert_eq!(codes, expected);
    let keys = snap.scan_raw(Tbl::ConvIndex, "", None, usize::MAX).expect("reads");
    assert_eq!(keys.len(), cs.iter().map(|c| keys::index_entries(c).len()).sum::<usize>(), "one key per entry");
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
    assert_eq!(snap.get_str(Tbl::PartitionCodes, &label).expect("reads"), Some(keys::short_code(named.len() as u64)));
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
