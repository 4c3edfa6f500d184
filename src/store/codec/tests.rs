//! Round trips of every compact row: ids of the standard shape and odd ones, unicode text,
//! reactions, attachments, every event kind (compact or through the JSON fallback), and rows
//! that are damaged or of another format, which are corruption.

use std::collections::BTreeMap;

use super::*;
use crate::domain::conversation::{Author, Message};
use crate::domain::event::ConfigAction;
use crate::domain::id::new_id;
use crate::domain::{Actor, Event, EventKind, Role, Timestamp};

const T: i64 = 1_700_000_123_456;

fn id(prefix: &str, n: u8) -> String {
    new_id(prefix, Timestamp(T + i64::from(n)), [n; 10])
}

fn message(conversation_id: &str, id_: &str, index: u32) -> Message {
    Message {
        id: id_.to_string(),
        conversation_id: conversation_id.to_string(),
        index,
        kind: MessageKind::Customer,
        author: Author::Contact { id: id("ct", 1) },
        text: "Hello".into(),
        event: None,
        says: None,
        reply_to: None,
        attachments: vec![],
        reactions: BTreeMap::new(),
        created_at: Timestamp(T),
    }
}

fn round_trip(m: &Message) -> Message {
    let bytes = encode_entry(m).expect("encodes");
    decode_entry(&m.conversation_id, m.index, &bytes).expect("decodes")
}

#[test]
fn ids_pack_to_16_bytes_and_odd_ones_are_kept_as_they_are() {
    let standard = id("msg", 3);
    assert!(matches!(Id::pack(MSG, &standard), Id::Packed(_)));
    assert_eq!(Id::pack(MSG, &standard).unpack(MSG), standard);
    assert_eq!(Id::pack(MSG, &standard).millis(), T + 3);
    for odd in [
        "msg_1",
        "",
        "cv_01jd4m8k3v7y2q9w0e5r6t1a2b",
        "msg_01JD4M8K3V7Y2Q9W0E5R6T1A2B",
        "msg_zzzzzzzzzzzzzzzzzzzzzzzzzz",
        "müsli_😀",
    ] {
        let packed = Id::pack(MSG, odd);
        assert_eq!(packed, Id::Raw(odd.to_string()), "{odd}");
        assert_eq!(packed.millis(), 0);
        assert_eq!(packed.unpack(MSG), odd);
    }
}

#[test]
fn message_index_values_read_back() {
    assert_eq!(read_index(&index_value(123_456).expect("encodes")).expect("decodes"), 123_456);
    assert!(read_index(&[]).is_err());
}

#[test]
fn a_plain_message_round_trips_in_a_few_bytes() {
    let m = message(&id("cv", 1), &id("msg", 2), 4);
    let bytes = encode_entry(&m).expect("encodes");
    // id (17), kind, author (1 + 17), text (1 + 5), event, reply_to, attachments,
    // reactions, created (the time differs from the id's by 2 ms).
    assert_eq!(bytes.len(), 17 + 1 + 18 + 6 + 1 + 1 + 1 + 1 + 1, "{bytes:?}");
    assert_eq!(round_trip(&m), m);
}

#[test]
fn every_field_of_a_message_round_trips() {
    let mut m = message(&id("cv", 1), &id("msg", 2), 4_000_000);
    m.kind = MessageKind::Agent;
    m.author = Author::User { id: id("usr", 9) };
    m.text = "Ciao, ¿qué tal? 你好 👋🏽\n\ttabs \"quotes\" \\ \u{0}".into();
    m.reply_to = Some(id("msg", 1));
    m.attachments = vec![id("att", 5), "att_odd".into(), id("att", 6)];
    m.reactions = BTreeMap::from([
        ("👍".to_string(), vec![id("usr", 1), "usr_legacy".into()]),
        ("❤️".to_string(), vec![]),
        ("x".to_string(), vec![id("usr", 2)]),
    ]);
    m.created_at = Timestamp(T - 86_400_000);
    assert_eq!(round_trip(&m), m);
    m.kind = MessageKind::Note;
    m.author = Author::Bot { name: "Botté 🤖".into() };
    m.reply_to = Some("not-an-id".into());
    assert_eq!(round_trip(&m), m);
    m.kind = MessageKind::System;
    m.author = Author::System;
    m.event = Some("assigned".into());
    m.created_at = Timestamp(-5);
    assert_eq!(round_trip(&m), m);
    m.event = Some(String::new());
    m.created_at = Timestamp(i64::MAX);
    assert_eq!(round_trip(&m), m);
}

#[test]
fn messages_with_odd_ids_round_trip() {
    let mut m = message("cv_1", "msg_1", 0);
    m.author = Author::Contact { id: "ct_1".into() };
    m.created_at = Timestamp(0);
    assert_eq!(round_trip(&m), m);
    m.conversation_id = "a conversation/with a slash".into();
    m.id = "MSG_😀".into();
    m.created_at = Timestamp(i64::MIN);
    assert_eq!(round_trip(&m), m);
}

#[test]
fn unreadable_rows_are_corruption_not_panics() {
    let good = encode_entry(&message(&id("cv", 1), &id("msg", 2), 0)).expect("encodes");
    let mut trailing = good.clone();
    trailing.push(0);
    for bad in [vec![], vec![9], good[..good.len() - 3].to_vec(), trailing, b"{\"id\":1}".to_vec()] {
        assert!(matches!(decode_entry("cv_1", 0, &bad), Err(StoreError::Corrupt(_))), "{bad:?}");
    }
    let mut bad_kind = encode_entry(&message("cv_1", "msg_1", 0)).expect("encodes");
    // Raw tag, length 5, "msg_1", then the kind code.
    bad_kind[7] = 9;
    assert!(matches!(decode_entry("cv_1", 0, &bad_kind), Err(StoreError::Corrupt(_))));
}

/// Every event kind, with standard or odd ids.
fn all_kinds(standard: bool) -> Vec<EventKind> {
    let i = |prefix: &str, n: u8| if standard { id(prefix, n) } else { format!("{prefix}_{n}") };
    vec![
        EventKind::UserCreated { user_id: i("usr", 1), email: "ana@example.com".into(), role: Role::Supervisor },
        EventKind::UserUpdated { user_id: i("usr", 1), fields: vec!["name".into(), "capacity".into()] },
        EventKind::UserDeactivated { user_id: i("usr", 1), revoked_tokens: 3 },
        EventKind::PasswordChanged { user_id: i("usr", 1) },
        EventKind::SignedIn { user_id: i("usr", 1), credential_id: i("ses", 2) },
        EventKind::SignedOut { user_id: i("usr", 1), credential_id: i("ses", 2) },
        EventKind::TokenCreated { user_id: i("usr", 1), credential_id: i("tok", 3), name: "CI 🚀".into() },
        EventKind::TokenRevoked { user_id: i("usr", 1), credential_id: i("tok", 3) },
        EventKind::AgentStatusChanged { user_id: i("usr", 1), from: AgentStatus::Offline, to: AgentStatus::Available },
        EventKind::AgentStatusChanged { user_id: i("usr", 1), from: AgentStatus::Away, to: AgentStatus::Rona },
        EventKind::OfferMade {
            conversation_id: i("cv", 4),
            agent_id: i("usr", 1),
            deadline: Timestamp(T + 30_000),
            transfer: true,
        },
        EventKind::OfferEnded { conversation_id: i("cv", 4), agent_id: i("usr", 1), outcome: OfferOutcome::Accepted },
        EventKind::OfferEnded { conversation_id: i("cv", 4), agent_id: i("usr", 1), outcome: OfferOutcome::Declined },
        EventKind::OfferEnded { conversation_id: i("cv", 4), agent_id: i("usr", 1), outcome: OfferOutcome::Expired },
        EventKind::OfferEnded { conversation_id: i("cv", 4), agent_id: i("usr", 1), outcome: OfferOutcome::Withdrawn },
        EventKind::AttachmentUploaded { attachment_id: i("att", 5), library: true },
        EventKind::ContactCreated { contact_id: i("ct", 6) },
        EventKind::ContactUpdated { contact_id: i("ct", 6), fields: vec!["email".into()] },
        EventKind::ConversationCreated { conversation_id: i("cv", 4), inbox_id: i("inb", 7), contact_id: i("ct", 6) },
        EventKind::ConversationChanged { conversation_id: i("cv", 4), action: "assigned".into(), status: Status::Open },
        EventKind::ConversationChanged {
            conversation_id: i("cv", 4),
            action: "transferred".into(),
            status: Status::Offered,
        },
        EventKind::ConversationChanged { conversation_id: i("cv", 4), action: "closed".into(), status: Status::Closed },
        EventKind::ConversationChanged {
            conversation_id: i("cv", 4),
            action: "replied".into(),
            status: Status::Pending,
        },
        EventKind::ConversationChanged {
            conversation_id: i("cv", 4),
            action: "unassigned".into(),
            status: Status::Queued,
        },
        EventKind::MessageCreated { conversation_id: i("cv", 4), message_id: i("msg", 8), kind: MessageKind::Customer },
        EventKind::MessageCreated { conversation_id: i("cv", 4), message_id: i("msg", 8), kind: MessageKind::Agent },
        EventKind::MessageCreated { conversation_id: i("cv", 4), message_id: i("msg", 8), kind: MessageKind::Note },
        EventKind::MessageCreated { conversation_id: i("cv", 4), message_id: i("msg", 8), kind: MessageKind::System },
        EventKind::MessageChanged { conversation_id: i("cv", 4), message_id: i("msg", 8) },
        EventKind::ConfigChanged {
            entity: "inbox".into(),
            id: i("inb", 7),
            action: ConfigAction::Updated,
            fields: vec!["name".into()],
        },
        EventKind::ConfigChanged {
            entity: "settings".into(),
            id: "settings".into(),
            action: ConfigAction::Created,
            fields: vec![],
        },
        EventKind::ConfigChanged {
            entity: "label".into(),
            id: i("lbl", 9),
            action: ConfigAction::Deleted,
            fields: vec![],
        },
    ]
}

/// Whether a kind is expected to take the JSON fallback (the rare ones).
fn rare(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::UserCreated { .. }
            | EventKind::UserUpdated { .. }
            | EventKind::UserDeactivated { .. }
            | EventKind::PasswordChanged { .. }
            | EventKind::SignedIn { .. }
            | EventKind::SignedOut { .. }
            | EventKind::TokenCreated { .. }
            | EventKind::TokenRevoked { .. }
            | EventKind::ConfigChanged { .. }
    )
}

#[test]
fn every_event_kind_round_trips_compact_or_through_the_json_fallback() {
    let actors = [
        Actor::User { id: id("usr", 1) },
        Actor::User { id: "usr_1".into() },
        Actor::System,
        Actor::Cli,
        Actor::Import,
    ];
    let mut seq = 0;
    for standard in [true, false] {
        for kind in all_kinds(standard) {
            for actor in &actors {
                seq += 1;
                let e = Event { seq, at: Timestamp(T + seq as i64), actor: actor.clone(), kind: kind.clone() };
                let bytes = encode_event(&e).expect("encodes");
                assert_eq!(bytes.first(), Some(&FORMAT));
                let fallback = bytes.windows(7).any(|w| w == b"\"type\":");
                assert_eq!(fallback, rare(&kind), "{kind:?}");
                assert_eq!(decode_event(seq, &bytes).expect("decodes"), e);
            }
        }
    }
    let e = Event {
        seq: 1,
        at: Timestamp(T),
        actor: Actor::System,
        kind: EventKind::MessageCreated {
            conversation_id: id("cv", 1),
            message_id: id("msg", 2),
            kind: MessageKind::Customer,
        },
    };
    // format, at (6), actor (1), kind (1), two ids (17 each), message kind (1).
    assert_eq!(encode_event(&e).expect("encodes").len(), 1 + 6 + 1 + 1 + 17 + 17 + 1);
}

#[test]
fn json_and_damaged_events_are_corruption() {
    let e = Event { seq: 10, at: Timestamp(T), actor: Actor::System, kind: all_kinds(true).remove(0) };
    let json = serde_json::to_vec(&e).expect("json");
    assert!(matches!(decode_event(e.seq, &json), Err(StoreError::Corrupt(_))), "JSON is not an event row");
    assert!(matches!(decode_event(1, b"{not json"), Err(StoreError::Corrupt(_))));
    assert!(matches!(decode_event(1, &[FORMAT, 0, 9]), Err(StoreError::Corrupt(_))));
}

#[test]
fn enum_codes_are_stable_and_reversible() {
    for k in [MessageKind::Customer, MessageKind::Agent, MessageKind::Note, MessageKind::System] {
        assert_eq!(message_kind_of(message_kind_code(k)).expect("kind"), k);
    }
    for s in [Status::Queued, Status::Offered, Status::Open, Status::Pending, Status::Closed] {
        assert_eq!(status_of(status_code(s)).expect("status"), s);
    }
    for s in [AgentStatus::Available, AgentStatus::Away, AgentStatus::Offline, AgentStatus::Rona] {
        assert_eq!(agent_status_of(agent_status_code(s)).expect("status"), s);
    }
    for o in [OfferOutcome::Accepted, OfferOutcome::Declined, OfferOutcome::Expired, OfferOutcome::Withdrawn] {
        assert_eq!(outcome_of(outcome_code(o)).expect("outcome"), o);
    }
    // The codes are the stored meaning: pin them.
    assert_eq!(
        (message_kind_code(MessageKind::System), status_code(Status::Closed), agent_status_code(AgentStatus::Rona)),
        (3, 4, 3)
    );
    assert!(
        message_kind_of(4).is_err() && status_of(5).is_err() && agent_status_of(4).is_err() && outcome_of(4).is_err()
    );
}

#[test]
fn a_system_entry_keeps_what_it_says_and_older_entries_read_without_it() {
    let conv = id("cv", 2);
    let mut m = message(&conv, &id("msg", 4), 7);
    m.kind = MessageKind::System;
    m.event = Some("closed".into());
    m.says = Some(
        crate::domain::says::Says::new("closed")
            .with("who", "Ana Ruiz")
            .with("reason", "Risolto")
            .with("note", "ok 😀"),
    );
    m.text = "Ana Ruiz closed the conversation (Risolto): ok 😀".into();
    assert_eq!(round_trip(&m), m);
    // An entry written before `says` existed is its row alone, and reads as saying nothing.
    let mut older = m.clone();
    older.says = None;
    let bytes = encode_entry(&older).expect("encodes");
    assert!(encode_entry(&m).expect("encodes").starts_with(&bytes), "the sentence follows the row");
    assert_eq!(decode_entry(&conv, 7, &bytes).expect("decodes").says, None);
    // Anything after the sentence is corruption.
    let mut damaged = encode_entry(&m).expect("encodes");
    damaged.push(0);
    assert!(decode_entry(&conv, 7, &damaged).is_err());
}
