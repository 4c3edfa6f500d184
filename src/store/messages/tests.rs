//! Derived message ids in storage: rows and events without the id, lookups that
//! recover the index from it, timelines mixing derived and explicit ids, and a schema-4 folder
//! that carries on with derived ids after the upgrade.

use std::collections::BTreeMap;

use redb::ReadableTableMetadata;

use crate::domain::conversation::{Author, Conversation, Message, MessageKind, Origin};
use crate::domain::id::{message_id, new_id};
use crate::domain::{Actor, Event, EventKind, Timestamp};
use crate::store::codec;
use crate::store::tables::Bin;
use crate::store::{Changes, ConversationReads, Reader, Store, StoreError, put_message};

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

/// An entry the way the desk makes one: the id derived from the conversation.
fn derived(c: &mut Conversation, text: &str, at: i64) -> Message {
    c.next_entry(MessageKind::Customer, Author::Contact { id: c.contact_id.clone() }, text.into(), None, Timestamp(at))
}

/// An entry with an id of its own (imported, and odd test ids).
fn explicit(c: &mut Conversation, id: &str, at: i64) -> Message {
    let mut m = derived(c, "explicit", at);
    m.id = id.to_string();
    m
}

/// Writes `messages` in one command (one transaction) at time `at`, in the given order.
pub(super) async fn put(store: &Store, messages: Vec<Message>, at: i64) {
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(at), Actor::System);
            for m in &messages {
                put_message(&mut ch, m)?;
                ch.event(EventKind::MessageCreated {
                    conversation_id: m.conversation_id.clone(),
                    message_id: m.id.clone(),
                    kind: m.kind,
                });
            }
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
}

fn message_index_len(store: &Store) -> u64 {
    store.snapshot().expect("snapshot").open_table(Bin::MessageIndex.def()).expect("table").len().expect("len")
}

#[test]
fn a_derived_row_stores_no_id_and_reads_back_identically() {
    let mut c = conversation(1);
    let first = derived(&mut c, "hello", T + 90_000);
    let mut second = derived(&mut c, "again", T + 3_600_000);
    second.reactions = BTreeMap::from([("👍".into(), vec!["usr_1".into()])]);
    for m in [&first, &second] {
        assert!(codec::is_derived(m));
        let bytes = codec::encode_entry(m).expect("encodes");
        assert_eq!(&codec::decode_entry(&c.id, m.index, &bytes).expect("decodes"), m);
    }
    let mut legacy = first.clone();
    legacy.id = new_id("msg", Timestamp(T + 90_000), [3; 10]);
    assert!(!codec::is_derived(&legacy));
    let (with_id, without) =
        (codec::encode_entry(&legacy).expect("encodes").len(), codec::encode_entry(&first).expect("encodes").len());
    // 17 bytes of id and a one-byte time difference become one byte and three (90 s).
    assert_eq!(with_id - without, 14, "{with_id} vs {without}");
}

#[test]
fn derived_message_events_keep_the_index_and_read_back_identically() {
    let c = conversation(2);
    let live = message_id(&c.id, 7, Timestamp(T + 5));
    let imported = message_id(&c.id, 300, Timestamp(T - 86_400_000));
    let kinds = [
        EventKind::MessageCreated { conversation_id: c.id.clone(), message_id: live.clone(), kind: MessageKind::Agent },
        EventKind::MessageChanged { conversation_id: c.id.clone(), message_id: live.clone() },
        EventKind::MessageCreated { conversation_id: c.id.clone(), message_id: imported, kind: MessageKind::Note },
        EventKind::MessageCreated {
            conversation_id: "cv_odd".into(),
            message_id: message_id("cv_odd", 0, Timestamp(T + 5)),
            kind: MessageKind::System,
        },
        EventKind::MessageChanged { conversation_id: c.id.clone(), message_id: new_id("msg", Timestamp(T), [4; 10]) },
    ];
    for (seq, kind) in kinds.into_iter().enumerate() {
        let e = Event { seq: seq as u64 + 1, at: Timestamp(T + 5), actor: Actor::System, kind };
        let bytes = codec::encode_event(&e).expect("encodes");
        assert_eq!(codec::decode_event(e.seq, &bytes).expect("decodes"), e);
    }
    let e = Event {
        seq: 1,
        at: Timestamp(T + 5),
        actor: Actor::System,
        kind: EventKind::MessageCreated { conversation_id: c.id.clone(), message_id: live, kind: MessageKind::Agent },
    };
    // format, at (6), actor (1), kind (1), conversation (17), index (1), time difference (1), message kind (1).
    assert_eq!(codec::encode_event(&e).expect("encodes").len(), 1 + 6 + 1 + 1 + 17 + 1 + 1 + 1);
}

#[tokio::test]
async fn derived_and_explicit_ids_share_a_timeline_and_are_found_by_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open(dir.path()).expect("opens");
    let (mut c, mut other) = (conversation(3), conversation(4));
    let legacy_id = new_id("msg", Timestamp(T + 1), [9; 10]);
    let timeline = vec![
        derived(&mut c, "first", T),
        explicit(&mut c, &legacy_id, T + 1),
        explicit(&mut c, "msg_odd", T + 2),
        derived(&mut c, "last", T + 3),
    ];
    let elsewhere = derived(&mut other, "elsewhere", T);
    put(&store, timeline.iter().cloned().chain([elsewhere.clone()]).collect(), T + 10).await;
    assert_eq!(message_index_len(&store), 2, "only the explicit ids are indexed");

    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.timeline(&c.id, 0, usize::MAX).expect("timeline"), timeline);
    for m in &timeline {
        assert_eq!(snap.message(&c.id, &m.id).expect("reads").as_ref(), Some(m), "{}", m.id);
        assert_eq!(snap.message(&other.id, &m.id).expect("reads"), None, "not in another conversation");
    }
    assert_eq!(snap.message(&other.id, &elsewhere.id).expect("reads"), Some(elsewhere.clone()));
    assert_eq!(snap.message(&c.id, &elsewhere.id).expect("reads"), None);
    // Right shape, right index, wrong time: a forgery, not found.
    assert_eq!(snap.message(&c.id, &message_id(&c.id, 0, Timestamp(T + 1))).expect("reads"), None);
    // An index past the end of the timeline.
    assert_eq!(snap.message(&c.id, &message_id(&c.id, 4, Timestamp(T))).expect("reads"), None);
    assert_eq!(snap.message(&c.id, "msg_missing").expect("reads"), None);
    let events = snap.events_after(0, usize::MAX).expect("events");
    let ids: Vec<String> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::MessageCreated { message_id, .. } => Some(message_id.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(ids, timeline.iter().chain([&elsewhere]).map(|m| m.id.clone()).collect::<Vec<_>>());
}
