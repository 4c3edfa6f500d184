//! The schema-4 migration on folders written exactly as schema 3 (and 2 and 1) wrote them:
//! JSON values under string keys, built here with redb directly.

use std::collections::BTreeMap;
use std::path::Path;

use redb::{Database, TableDefinition, TableHandle};

use crate::domain::conversation::{Author, Message, MessageKind, Status};
use crate::domain::id::new_id;
use crate::domain::{Actor, AgentStatus, Event, EventKind, Role, Timestamp};
use crate::store::tables::{META_SCHEMA_VERSION, SCHEMA_VERSION};
use crate::store::{Changes, ConversationReads, DB_FILE, Reader, StatusLogReads, Store, StoreError, Tbl, put_message};

const T: i64 = 1_700_000_000_000;

fn id(prefix: &str, n: u32) -> String {
    let b = n.to_be_bytes();
    new_id(prefix, Timestamp(T + i64::from(n)), [b[0], b[1], b[2], b[3], 1, 2, 3, 4, 5, 6])
}

/// What a schema-3 folder holds: every conversation's timeline, and the event log.
struct Legacy {
    timelines: Vec<(String, Vec<Message>)>,
    events: Vec<Event>,
}

fn timeline(conversation_id: &str, len: u32, first: u32) -> Vec<Message> {
    (0..len)
        .map(|index| {
            let n = first + index;
            let mut m = Message {
                id: id("msg", n),
                conversation_id: conversation_id.to_string(),
                index,
                kind: MessageKind::Customer,
                author: Author::Contact { id: id("ct", 1) },
                text: format!("message {n}: ¿qué tal? 😀"),
                event: None,
                reply_to: None,
                attachments: vec![],
                reactions: BTreeMap::new(),
                created_at: Timestamp(T + i64::from(n)),
            };
            match index % 5 {
                1 => {
                    (m.kind, m.author) = (MessageKind::Agent, Author::User { id: id("usr", 1) });
                    m.reply_to = Some(id("msg", n - 1));
                    m.attachments = vec![id("att", n), "att_legacy".into()];
                }
                2 => {
                    (m.kind, m.author, m.event) = (MessageKind::System, Author::System, Some("assigned".into()));
                    m.created_at = Timestamp(T + 3_600_000);
                }
                3 => {
                    (m.kind, m.author) = (MessageKind::Note, Author::User { id: "usr_admin".into() });
                    m.reactions = BTreeMap::from([
                        ("👍".into(), vec![id("usr", 1), "usr_2".into()]),
                        ("🎉".into(), vec![id("usr", 3)]),
                    ]);
                }
                4 => m.author = Author::Bot { name: "Helper bot".into() },
                _ => {}
            }
            m
        })
        .collect()
}

fn legacy_data() -> Legacy {
    // A long timeline (indices past one varint byte), a short one, and one with odd ids.
    let timelines = vec![
        (id("cv", 1), timeline(&id("cv", 1), 4_200, 0)),
        (id("cv", 2), timeline(&id("cv", 2), 7, 10_000)),
        ("cv_legacy".to_string(), {
            let mut t = timeline("cv_legacy", 3, 20_000);
            t[0].id = "msg_legacy".into();
            t
        }),
    ];
    let mut kinds = vec![
        EventKind::UserCreated { user_id: id("usr", 1), email: "a@example.com".into(), role: Role::Agent },
        EventKind::AgentStatusChanged { user_id: id("usr", 1), from: AgentStatus::Offline, to: AgentStatus::Available },
    ];
    for (cid, messages) in &timelines {
        kinds.push(EventKind::ConversationCreated {
            conversation_id: cid.clone(),
            inbox_id: id("inb", 1),
            contact_id: id("ct", 1),
        });
        for m in messages {
            kinds.push(EventKind::MessageCreated {
                conversation_id: cid.clone(),
                message_id: m.id.clone(),
                kind: m.kind,
            });
        }
        kinds.push(EventKind::ConversationChanged {
            conversation_id: cid.clone(),
            action: "closed".into(),
            status: Status::Closed,
        });
    }
    let events = kinds
        .into_iter()
        .enumerate()
        .map(|(i, kind)| Event {
            seq: i as u64 + 1,
            at: Timestamp(T + i as i64),
            actor: if i % 2 == 0 { Actor::System } else { Actor::User { id: id("usr", 1) } },
            kind,
        })
        .collect();
    Legacy { timelines, events }
}

/// Writes `data` as schema `version` stored it: schema 1 to 3 stored these tables alike, and
/// schema 3 also wrote the status log with each status change.
fn write_legacy(dir: &Path, version: u64, data: &Legacy) {
    const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
    const MESSAGES: TableDefinition<&str, &[u8]> = TableDefinition::new("messages");
    const MESSAGE_IDS: TableDefinition<&str, &[u8]> = TableDefinition::new("message_ids");
    const EVENTS: TableDefinition<u64, &[u8]> = TableDefinition::new("events");
    let db = Database::create(dir.join(DB_FILE)).expect("creates");
    let txn = db.begin_write().expect("write");
    {
        let json = |v: &dyn erased::Json| v.to_json();
        txn.open_table(META).expect("meta").insert(META_SCHEMA_VERSION, json(&version).as_slice()).expect("insert");
        let mut messages = txn.open_table(MESSAGES).expect("messages");
        let mut ids = txn.open_table(MESSAGE_IDS).expect("ids");
        for (cid, timeline) in &data.timelines {
            for m in timeline {
                let key = format!("{cid}/{:08}", m.index);
                messages.insert(key.as_str(), json(m).as_slice()).expect("insert");
                ids.insert(m.id.as_str(), key.as_bytes()).expect("insert");
            }
        }
        let mut events = txn.open_table(EVENTS).expect("events");
        let mut status_log = txn.open_table(Tbl::StatusLog.def()).expect("status log");
        for e in &data.events {
            events.insert(e.seq, json(e).as_slice()).expect("insert");
            if let Some((k, v)) = crate::store::status_log::row(e).expect("row").filter(|_| version >= 3) {
                status_log.insert(k.as_str(), v.as_slice()).expect("insert");
            }
        }
    }
    txn.commit().expect("commits");
}

/// JSON as `Changes::put_json` wrote it.
mod erased {
    pub trait Json {
        fn to_json(&self) -> Vec<u8>;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> Vec<u8> {
            serde_json::to_vec(self).expect("json")
        }
    }
}

fn check_reads_back(store: &Store, data: &Legacy) {
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.get_json::<u64>(Tbl::Meta, META_SCHEMA_VERSION).expect("reads"), Some(SCHEMA_VERSION));
    assert_eq!(SCHEMA_VERSION, 9);
    for (cid, timeline) in &data.timelines {
        assert_eq!(&snap.timeline(cid, 0, usize::MAX).expect("timeline"), timeline, "{cid}");
        assert_eq!(
            snap.timeline(cid, 3, 2).expect("timeline"),
            timeline[3..5.min(timeline.len())],
            "a page from an index"
        );
        for m in timeline {
            assert_eq!(snap.message(cid, &m.id).expect("reads").as_ref(), Some(m));
            assert_eq!(snap.message("cv_other", &m.id).expect("reads"), None, "not in another conversation");
        }
    }
    assert_eq!(snap.message(&data.timelines[0].0, "msg_missing").expect("reads"), None);
    assert_eq!(snap.events_after(0, usize::MAX).expect("events"), data.events);
    assert_eq!(snap.events_after(4_000, 3).expect("events"), data.events[4_000..4_003]);
    assert_eq!(snap.last_seq().expect("seq"), data.events.len() as u64);
    let names: Vec<String> = snap.list_tables().expect("tables").map(|t| t.name().to_string()).collect();
    assert!(!names.iter().any(|n| n == "messages" || n == "message_ids"), "schema 3's tables are gone: {names:?}");
    assert!(!names.iter().any(|n| n == "timeline"), "schema 6's timeline is gone: {names:?}");
}

async fn migrates_from(version: u64) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = legacy_data();
    write_legacy(dir.path(), version, &data);
    let store = Store::open(dir.path()).expect("opens and migrates");
    check_reads_back(&store, &data);
    let snap = store.snapshot().expect("snapshot");
    let status = snap.status_changes(&id("usr", 1), Timestamp(0), Timestamp(i64::MAX)).expect("reads");
    assert_eq!(status, [(Timestamp(T + 1), AgentStatus::Available)], "the status log of schema 3 is there");
    drop(snap);

    // The timeline goes on after the migration, and a second start changes nothing.
    let (cid, timeline) = &data.timelines[1];
    let mut next = timeline[0].clone();
    (next.id, next.index, next.text) = (id("msg", 99_999), timeline.len() as u32, "after".into());
    let written = next.clone();
    store
        .write(move |_| {
            let mut ch = Changes::new(Timestamp(T), Actor::System);
            put_message(&mut ch, &written)?;
            Ok::<_, StoreError>((ch, ()))
        })
        .await
        .expect("writes");
    drop(store);
    let store = Store::open(dir.path()).expect("reopens");
    let snap = store.snapshot().expect("snapshot");
    assert_eq!(snap.timeline(cid, timeline.len() as u32, 10).expect("timeline"), [next.clone()]);
    assert_eq!(snap.message(cid, &next.id).expect("reads"), Some(next));
    drop(snap);
    let mut data = data;
    data.timelines.truncate(1);
    check_reads_back(&store, &data);
}

#[tokio::test]
async fn a_schema_3_folder_upgrades_with_every_message_lookup_and_event_intact() {
    migrates_from(3).await;
}

#[tokio::test]
async fn schema_2_and_1_folders_upgrade_through_every_step() {
    migrates_from(2).await;
    migrates_from(1).await;
}
