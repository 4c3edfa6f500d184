//! Timeline chunks through the store: entries on both sides of chunk boundaries,
//! pages from any index, an entry changed in the middle of a full chunk, several entries of
//! one chunk in one transaction, holes, lookups by derived and explicit ids, and a corrupt
//! chunk answered with an error.

use redb::ReadableTableMetadata;

use crate::domain::conversation::{Author, Conversation, Message, MessageKind, Origin};
use crate::domain::id::new_id;
use crate::domain::{Actor, Timestamp};
use crate::store::codec::CHUNK_LEN;
use crate::store::keys;
use crate::store::tables::Bin;
use crate::store::{Changes, ConversationReads, Store, StoreError, put_message};

const T: i64 = 1_700_000_000_000;

fn conversation(n: u8) -> Conversation {
    Conversation::new(
        new_id("cv", Timestamp(T), [n; 10]),
        u64::from(n),
        "inb_1".into(),
        "ct_1".into(),
        Origin::Inbound,
        Timestamp(T),
    )
}

/// The next entry of `c`, with the derived id, or an explicit one for every index in `explicit`.
fn entry(c: &mut Conversation, explicit: &[u32]) -> Message {
    let index = c.timeline_len;
    let mut m = c.next_entry(
        MessageKind::Customer,
        Author::Contact { id: c.contact_id.clone() },
        format!("entry {index}"),
        None,
        Timestamp(T + i64::from(index) * 1_000),
    );
    if explicit.contains(&index) {
        m.id = if index.is_multiple_of(2) {
            new_id("msg", Timestamp(T + 5), [index as u8; 10])
        } else {
            format!("msg_odd_{index}")
        };
    }
    m
}

fn entries(c: &mut Conversation, n: u32, explicit: &[u32]) -> Vec<Message> {
    (0..n).map(|_| entry(c, explicit)).collect()
}

/// Writes `messages` in one command (one transaction), in the given order.
async fn put(store: &Store, messages: Vec<Message>) {
    super::tests::put(store, messages, T).await;
}

fn chunk_rows(store: &Store) -> u64 {
    store.snapshot().expect("snapshot").open_table(Bin::Timeline.def()).expect("table").len().expect("len")
}

#[tokio::test]
async fn pages_from_any_index_cross_chunk_boundaries() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let (mut c, mut next_door) = (conversation(1), conversation(2));
    let all = entries(&mut c, 100, &[0, 31, 32, 33, 64, 99]);
    // The first 34 one at a time, as a live conversation grows (31, 32 and 33 each appended to
    // what is there), the rest in one transaction.
    for m in &all[..34] {
        put(&store, vec![m.clone()]).await;
    }
    put(&store, all[34..].to_vec()).await;
    put(&store, entries(&mut next_door, 40, &[])).await;
    assert_eq!(32 % CHUNK_LEN, 0, "31, 32 and 33 straddle a chunk boundary");
    assert_eq!(chunk_rows(&store), u64::from(100u32.div_ceil(CHUNK_LEN) + 40u32.div_ceil(CHUNK_LEN)));

    let snap = store.snapshot().expect("snapshot");
    for from in [0u32, 1, 30, 31, 32, 33, 63, 64, 65, 95, 96, 99, 100, 150, u32::MAX] {
        for limit in [0usize, 1, 2, 31, 32, 33, 64, 65, usize::MAX] {
            let start = (from as usize).min(all.len());
            let want = &all[start..start.saturating_add(limit).min(all.len())];
            assert_eq!(snap.timeline(&c.id, from, limit).expect("timeline"), want, "from {from}, limit {limit}");
        }
    }
    for m in &all {
        assert_eq!(snap.message(&c.id, &m.id).expect("reads").as_ref(), Some(m), "{}", m.index);
        assert_eq!(snap.message(&next_door.id, &m.id).expect("reads"), None);
    }
    assert_eq!(snap.timeline(&next_door.id, 0, usize::MAX).expect("timeline").len(), 40);
}

#[tokio::test]
async fn an_entry_changed_in_the_middle_of_a_full_chunk_keeps_its_neighbours() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let mut c = conversation(3);
    let mut all = entries(&mut c, 40, &[16]);
    put(&store, all.clone()).await;
    for index in [17usize, 16, 0, 31] {
        let mut changed = all[index].clone();
        changed.reactions.insert("👍".into(), vec!["usr_1".into(), "usr_2".into()]);
        changed.text = format!("edited {index}, and longer than it was before: {}", "x".repeat(200));
        put(&store, vec![changed.clone()]).await;
        all[index] = changed;
    }
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.timeline(&c.id, 0, usize::MAX).expect("timeline"), all);
    assert_eq!(snap.message(&c.id, &all[16].id).expect("reads").as_ref(), Some(&all[16]), "explicit id, edited");
    assert_eq!(snap.message(&c.id, &all[17].id).expect("reads").as_ref(), Some(&all[17]), "derived id, edited");
    assert_eq!(chunk_rows(&store), u64::from(40u32.div_ceil(CHUNK_LEN)));
}

#[tokio::test]
async fn several_entries_of_one_chunk_in_one_transaction_all_land() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let (mut a, mut b) = (conversation(4), conversation(5));
    let mut ours = entries(&mut a, 36, &[2]);
    let theirs = entries(&mut b, 2, &[]);
    // Interleaved: a's chunk 0, b, a's chunk 1, back to a's chunk 0, and an entry written
    // twice in the same transaction (the later write wins).
    let mut edited = ours[1].clone();
    edited.text = "second write".into();
    let order = vec![
        ours[0].clone(),
        ours[1].clone(),
        theirs[0].clone(),
        ours[2].clone(),
        ours[33].clone(),
        ours[3].clone(),
        theirs[1].clone(),
        ours[32].clone(),
        edited.clone(),
    ];
    put(&store, order).await;
    ours[1] = edited;
    let snap = store.snapshot().expect("snapshot");
    let want: Vec<Message> = [0, 1, 2, 3, 32, 33].iter().map(|&i| ours[i].clone()).collect();
    assert_eq!(snap.timeline(&a.id, 0, usize::MAX).expect("timeline"), want);
    assert_eq!(snap.timeline(&b.id, 0, usize::MAX).expect("timeline"), theirs);
    drop(snap);

    // Commands that queue up together are decided in one transaction: each appends to the
    // chunk the previous ones left.
    let rest: Vec<Message> = ours[4..32].iter().chain(&ours[34..]).cloned().collect();
    let writes = rest.iter().map(|m| put(&store, vec![m.clone()]));
    futures_util::future::join_all(writes).await;
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.timeline(&a.id, 0, usize::MAX).expect("timeline"), ours);
    for m in &ours {
        assert_eq!(snap.message(&a.id, &m.id).expect("reads").as_ref(), Some(m));
    }
}

#[tokio::test]
async fn holes_are_skipped_and_pages_read_on_past_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let mut c = conversation(6);
    let all = entries(&mut c, 201, &[75]);
    let kept: Vec<Message> = [0usize, 1, 2, 40, 75, 200].iter().map(|&i| all[i].clone()).collect();
    put(&store, kept.clone()).await;
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.timeline(&c.id, 0, 5).expect("timeline"), kept[..5]);
    assert_eq!(snap.timeline(&c.id, 3, 2).expect("timeline"), kept[3..5]);
    assert_eq!(snap.timeline(&c.id, 41, usize::MAX).expect("timeline"), kept[4..]);
    assert_eq!(snap.message(&c.id, &all[75].id).expect("reads").as_ref(), Some(&all[75]));
    assert_eq!(snap.message(&c.id, &all[74].id).expect("reads"), None, "a hole");
    assert_eq!(snap.message(&c.id, &all[199].id).expect("reads"), None, "a hole in the last chunk");
}

#[tokio::test]
async fn a_corrupt_chunk_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let mut c = conversation(7);
    let all = entries(&mut c, 3, &[]);
    put(&store, all.clone()).await;
    let id = c.id.clone();
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(T), Actor::System);
            // Format 1, an entry at offset 0 that claims 200 bytes and has one.
            ch.put_bin(Bin::Timeline, keys::chunk_key(&id, 0), vec![1, 0, 200, 1]);
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
    let snap = store.snapshot().expect("snapshot");
    assert!(matches!(snap.timeline(&c.id, 0, 10), Err(StoreError::Corrupt(_))));
    assert!(matches!(snap.message(&c.id, &all[1].id), Err(StoreError::Corrupt(_))));
    drop(snap);
    // Writing into it is refused as well, and the command writes nothing.
    let mut next = entry(&mut c, &[]);
    next.index = 1;
    let m = next.clone();
    let refused = store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(T), Actor::System);
            put_message(&mut ch, &m)?;
            Ok::<_, StoreError>((ch, ()))
        })
        .await;
    assert!(matches!(refused, Err(StoreError::Corrupt(_))), "{refused:?}");
}
