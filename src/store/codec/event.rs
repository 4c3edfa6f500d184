//! Event log rows: `seq` (the u64 key) → [`EventRow`].
//!
//! The kinds written for every conversation, message, contact, offer and status change get a
//! compact variant; the rare ones (users, sessions, tokens, configuration) are kept as the
//! JSON of their `EventKind` inside the row ([`KindRow::Json`]), as is any kind added later
//! until it earns a compact variant.
//!
//! An event about a message whose id is derived from its conversation
//! (`domain::id::message_id`) keeps the message's index and its creation time relative to the
//! event's instead of the id (the `Derived…` variants): a few bytes instead of seventeen.

use serde::{Deserialize, Serialize};

use super::{
    ATT, CONTACT, CONV, INBOX, Id, MSG, USER, agent_status_code, agent_status_of, from_row, message_kind_code,
    message_kind_of, outcome_code, outcome_of, status_code, status_of, to_row,
};
use crate::domain::id::{derived_message, message_id};
use crate::domain::{Actor, Event, EventKind, Timestamp};
use crate::store::StoreError;

/// Who caused an event (storage form of `Actor`).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum ActorRow {
    User(Id),
    System,
    Cli,
    Import,
}

/// What happened (storage form of `EventKind`). Variants are numbered by position: append
/// only, never reorder.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum KindRow {
    /// Any other kind, as the JSON of its `EventKind`.
    Json(String),
    MessageCreated {
        conversation: Id,
        message: Id,
        kind: u8,
    },
    MessageChanged {
        conversation: Id,
        message: Id,
    },
    ConversationCreated {
        conversation: Id,
        inbox: Id,
        contact: Id,
    },
    ConversationChanged {
        conversation: Id,
        action: String,
        status: u8,
    },
    ContactCreated {
        contact: Id,
    },
    ContactUpdated {
        contact: Id,
        fields: Vec<String>,
    },
    OfferMade {
        conversation: Id,
        agent: Id,
        deadline: i64,
        transfer: bool,
    },
    OfferEnded {
        conversation: Id,
        agent: Id,
        outcome: u8,
    },
    AgentStatusChanged {
        user: Id,
        from: u8,
        to: u8,
    },
    AttachmentUploaded {
        attachment: Id,
        library: bool,
    },
    /// `MessageCreated` of a message with a derived id: its index, and its
    /// creation time minus the event's (0 when written live; imports write older messages).
    DerivedMessageCreated {
        conversation: Id,
        index: u32,
        created: i64,
        kind: u8,
    },
    /// `MessageChanged` of a message with a derived id.
    DerivedMessageChanged {
        conversation: Id,
        index: u32,
        created: i64,
    },
}

/// The index and creation time (relative to `at`) of a message whose id is derived from its
/// conversation.
fn derived(conversation_id: &str, message_id: &str, at: i64) -> Option<(u32, i64)> {
    derived_message(conversation_id, message_id).map(|(index, t)| (index, t.millis().wrapping_sub(at)))
}

/// One event as stored (format 1); the seq is the key.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct EventRow {
    at: i64,
    actor: ActorRow,
    kind: KindRow,
}

fn kind_row(kind: &EventKind, at: i64) -> Result<KindRow, StoreError> {
    let p = Id::pack;
    Ok(match kind {
        EventKind::MessageCreated { conversation_id, message_id, kind }
            if let Some((index, created)) = derived(conversation_id, message_id, at) =>
        {
            KindRow::DerivedMessageCreated {
                conversation: p(CONV, conversation_id),
                index,
                created,
                kind: message_kind_code(*kind),
            }
        }
        EventKind::MessageChanged { conversation_id, message_id }
            if let Some((index, created)) = derived(conversation_id, message_id, at) =>
        {
            KindRow::DerivedMessageChanged { conversation: p(CONV, conversation_id), index, created }
        }
        EventKind::MessageCreated { conversation_id, message_id, kind } => KindRow::MessageCreated {
            conversation: p(CONV, conversation_id),
            message: p(MSG, message_id),
            kind: message_kind_code(*kind),
        },
        EventKind::MessageChanged { conversation_id, message_id } => {
            KindRow::MessageChanged { conversation: p(CONV, conversation_id), message: p(MSG, message_id) }
        }
        EventKind::ConversationCreated { conversation_id, inbox_id, contact_id } => KindRow::ConversationCreated {
            conversation: p(CONV, conversation_id),
            inbox: p(INBOX, inbox_id),
            contact: p(CONTACT, contact_id),
        },
        EventKind::ConversationChanged { conversation_id, action, status } => KindRow::ConversationChanged {
            conversation: p(CONV, conversation_id),
            action: action.clone(),
            status: status_code(*status),
        },
        EventKind::ContactCreated { contact_id } => KindRow::ContactCreated { contact: p(CONTACT, contact_id) },
        EventKind::ContactUpdated { contact_id, fields } => {
            KindRow::ContactUpdated { contact: p(CONTACT, contact_id), fields: fields.clone() }
        }
        EventKind::OfferMade { conversation_id, agent_id, deadline, transfer } => KindRow::OfferMade {
            conversation: p(CONV, conversation_id),
            agent: p(USER, agent_id),
            deadline: deadline.millis(),
            transfer: *transfer,
        },
        EventKind::OfferEnded { conversation_id, agent_id, outcome } => KindRow::OfferEnded {
            conversation: p(CONV, conversation_id),
            agent: p(USER, agent_id),
            outcome: outcome_code(*outcome),
        },
        EventKind::AgentStatusChanged { user_id, from, to } => KindRow::AgentStatusChanged {
            user: p(USER, user_id),
            from: agent_status_code(*from),
            to: agent_status_code(*to),
        },
        EventKind::AttachmentUploaded { attachment_id, library } => {
            KindRow::AttachmentUploaded { attachment: p(ATT, attachment_id), library: *library }
        }
        other => KindRow::Json(serde_json::to_string(other).map_err(|e| StoreError::Corrupt(e.to_string()))?),
    })
}

fn event_kind(row: KindRow, at: i64) -> Result<EventKind, StoreError> {
    let derived_id = |conversation: &str, index: u32, created: i64| {
        message_id(conversation, index, Timestamp(at.wrapping_add(created)))
    };
    Ok(match row {
        KindRow::Json(json) => serde_json::from_str(&json).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        KindRow::MessageCreated { conversation, message, kind } => EventKind::MessageCreated {
            conversation_id: conversation.unpack(CONV),
            message_id: message.unpack(MSG),
            kind: message_kind_of(kind)?,
        },
        KindRow::MessageChanged { conversation, message } => {
            EventKind::MessageChanged { conversation_id: conversation.unpack(CONV), message_id: message.unpack(MSG) }
        }
        KindRow::ConversationCreated { conversation, inbox, contact } => EventKind::ConversationCreated {
            conversation_id: conversation.unpack(CONV),
            inbox_id: inbox.unpack(INBOX),
            contact_id: contact.unpack(CONTACT),
        },
        KindRow::ConversationChanged { conversation, action, status } => EventKind::ConversationChanged {
            conversation_id: conversation.unpack(CONV),
            action,
            status: status_of(status)?,
        },
        KindRow::ContactCreated { contact } => EventKind::ContactCreated { contact_id: contact.unpack(CONTACT) },
        KindRow::ContactUpdated { contact, fields } => {
            EventKind::ContactUpdated { contact_id: contact.unpack(CONTACT), fields }
        }
        KindRow::OfferMade { conversation, agent, deadline, transfer } => EventKind::OfferMade {
            conversation_id: conversation.unpack(CONV),
            agent_id: agent.unpack(USER),
            deadline: Timestamp(deadline),
            transfer,
        },
        KindRow::OfferEnded { conversation, agent, outcome } => EventKind::OfferEnded {
            conversation_id: conversation.unpack(CONV),
            agent_id: agent.unpack(USER),
            outcome: outcome_of(outcome)?,
        },
        KindRow::AgentStatusChanged { user, from, to } => EventKind::AgentStatusChanged {
            user_id: user.unpack(USER),
            from: agent_status_of(from)?,
            to: agent_status_of(to)?,
        },
        KindRow::AttachmentUploaded { attachment, library } => {
            EventKind::AttachmentUploaded { attachment_id: attachment.unpack(ATT), library }
        }
        KindRow::DerivedMessageCreated { conversation, index, created, kind } => {
            let conversation_id = conversation.unpack(CONV);
            EventKind::MessageCreated {
                message_id: derived_id(&conversation_id, index, created),
                conversation_id,
                kind: message_kind_of(kind)?,
            }
        }
        KindRow::DerivedMessageChanged { conversation, index, created } => {
            let conversation_id = conversation.unpack(CONV);
            EventKind::MessageChanged { message_id: derived_id(&conversation_id, index, created), conversation_id }
        }
    })
}

/// The stored row of an event (without its seq, the key).
pub(crate) fn encode_event(e: &Event) -> Result<Vec<u8>, StoreError> {
    let actor = match &e.actor {
        Actor::User { id } => ActorRow::User(Id::pack(USER, id)),
        Actor::System => ActorRow::System,
        Actor::Cli => ActorRow::Cli,
        Actor::Import => ActorRow::Import,
    };
    to_row(&EventRow { at: e.at.millis(), actor, kind: kind_row(&e.kind, e.at.millis())? })
}

/// The event stored under `seq`.
pub(crate) fn decode_event(seq: u64, bytes: &[u8]) -> Result<Event, StoreError> {
    let row: EventRow = from_row(bytes)?;
    let actor = match row.actor {
        ActorRow::User(id) => Actor::User { id: id.unpack(USER) },
        ActorRow::System => Actor::System,
        ActorRow::Cli => Actor::Cli,
        ActorRow::Import => Actor::Import,
    };
    Ok(Event { seq, at: Timestamp(row.at), actor, kind: event_kind(row.kind, row.at)? })
}
