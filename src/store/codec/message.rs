//! Timeline rows and their keys.
//!
//! `timeline`: key = the conversation id in key form + the index (u32, big-endian), so one
//! conversation's entries are one contiguous range in index order; value = [`MessageRow`],
//! without the conversation id and index the key already holds.
//!
//! `message_index`: key = the message id in key form; value = the entry's index (a postcard
//! varint). Every reader that looks a message up by id knows its conversation (it comes from
//! the URL or the event), so the location needs no conversation id.
//!
//! Schema 6: an entry whose id is the one `domain::id::message_id` derives from its
//! conversation, index and creation time stores no id ([`IdRow::Derived`], one byte) and has
//! no `message_index` entry; its creation time is kept relative to the time in the
//! conversation id. Entries with any other id (written before schema 6, or odd ids) keep it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ATT, CONTACT, CONV, Id, MSG, USER, from_row, message_kind_code, message_kind_of, push_key_id, to_row};
use crate::domain::Timestamp;
use crate::domain::conversation::{Author, Message};
use crate::domain::id::message_id;
use crate::store::StoreError;

/// Who wrote an entry (storage form of `Author`).
#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum AuthorRow {
    /// A user.
    User(Id),
    /// A contact.
    Contact(Id),
    /// A bot, by name.
    Bot(String),
    /// Switchboard.
    System,
}

/// A timeline entry's id as stored. The first two variants are encoded exactly as [`Id`]'s,
/// so rows written before schema 6 read as they are.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum IdRow {
    /// A standard id's 128-bit value, big-endian.
    Packed([u8; 16]),
    /// Any other string, exactly as given.
    Raw(String),
    /// The id derived from the conversation, the index and the creation time (schema 6).
    Derived,
}

/// One timeline entry as stored (format 1). Field order is the layout: never reorder.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct MessageRow {
    id: IdRow,
    kind: u8,
    author: AuthorRow,
    text: String,
    event: Option<String>,
    reply_to: Option<Id>,
    attachments: Vec<Id>,
    /// Emoji → users, in the map's (sorted) order.
    reactions: Vec<(String, Vec<Id>)>,
    /// `created_at` minus the base time: the time a stored id holds (usually 0, one byte), 0
    /// for a raw id, the time in the conversation id for a derived id.
    created: i64,
}

/// The timeline key of entry `index` of a conversation.
pub(crate) fn timeline_key(conversation_id: &str, index: u32) -> Vec<u8> {
    let mut key = Vec::with_capacity(21);
    push_key_id(&mut key, CONV, conversation_id);
    key.extend_from_slice(&index.to_be_bytes());
    key
}

/// The first and last (inclusive) timeline keys of a conversation from `from_index` on.
pub(crate) fn timeline_range(conversation_id: &str, from_index: u32) -> (Vec<u8>, Vec<u8>) {
    (timeline_key(conversation_id, from_index), timeline_key(conversation_id, u32::MAX))
}

/// The index of a timeline key (its last four bytes).
pub(crate) fn index_of_key(key: &[u8]) -> Result<u32, StoreError> {
    key.split_last_chunk::<4>()
        .map(|(_, tail)| u32::from_be_bytes(*tail))
        .ok_or_else(|| StoreError::Corrupt("timeline key too short".into()))
}

/// The message-id index key of a message id.
pub(crate) fn message_id_key(message_id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(17);
    push_key_id(&mut key, MSG, message_id);
    key
}

/// The message-id index value: the entry's index.
pub(crate) fn index_value(index: u32) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(&index).map_err(|e| StoreError::Corrupt(format!("cannot encode an index: {e}")))
}

/// Reads a message-id index value.
pub(crate) fn read_index(bytes: &[u8]) -> Result<u32, StoreError> {
    match postcard::take_from_bytes::<u32>(bytes) {
        Ok((index, [])) => Ok(index),
        _ => Err(StoreError::Corrupt("unreadable message index".into())),
    }
}

/// Whether a timeline entry's id is the one derived from its place and time, so that it is
/// stored without it and has no `message_index` entry.
pub(crate) fn is_derived(m: &Message) -> bool {
    m.id == message_id(&m.conversation_id, m.index, m.created_at)
}

/// The stored row of a timeline entry.
pub(crate) fn encode_message(m: &Message) -> Result<Vec<u8>, StoreError> {
    let (id, base) = if is_derived(m) {
        (IdRow::Derived, Id::pack(CONV, &m.conversation_id).millis())
    } else {
        match Id::pack(MSG, &m.id) {
            Id::Packed(b) => (IdRow::Packed(b), Id::Packed(b).millis()),
            Id::Raw(raw) => (IdRow::Raw(raw), 0),
        }
    };
    let created = m.created_at.millis().wrapping_sub(base);
    let author = match &m.author {
        Author::User { id } => AuthorRow::User(Id::pack(USER, id)),
        Author::Contact { id } => AuthorRow::Contact(Id::pack(CONTACT, id)),
        Author::Bot { name } => AuthorRow::Bot(name.clone()),
        Author::System => AuthorRow::System,
    };
    to_row(&MessageRow {
        id,
        kind: message_kind_code(m.kind),
        author,
        text: m.text.clone(),
        event: m.event.clone(),
        reply_to: m.reply_to.as_deref().map(|r| Id::pack(MSG, r)),
        attachments: m.attachments.iter().map(|a| Id::pack(ATT, a)).collect(),
        reactions: m.reactions.iter().map(|(emoji, users)| (emoji.clone(), users.iter().map(|u| Id::pack(USER, u)).collect())).collect(),
        created,
    })
}

/// A timeline entry from its row and what its key says (conversation and index).
pub(crate) fn decode_message(conversation_id: &str, index: u32, bytes: &[u8]) -> Result<Message, StoreError> {
    let row: MessageRow = from_row(bytes)?;
    let (id, created_at) = match row.id {
        IdRow::Derived => {
            let created_at = Timestamp(Id::pack(CONV, conversation_id).millis().wrapping_add(row.created));
            (message_id(conversation_id, index, created_at), created_at)
        }
        IdRow::Packed(b) => {
            let id = Id::Packed(b);
            let created_at = Timestamp(id.millis().wrapping_add(row.created));
            (id.unpack(MSG), created_at)
        }
        IdRow::Raw(raw) => (raw, Timestamp(row.created)),
    };
    let author = match row.author {
        AuthorRow::User(id) => Author::User { id: id.unpack(USER) },
        AuthorRow::Contact(id) => Author::Contact { id: id.unpack(CONTACT) },
        AuthorRow::Bot(name) => Author::Bot { name },
        AuthorRow::System => Author::System,
    };
    let reactions: BTreeMap<String, Vec<String>> =
        row.reactions.into_iter().map(|(emoji, users)| (emoji, users.into_iter().map(|u| u.unpack(USER)).collect())).collect();
    Ok(Message {
        id,
        conversation_id: conversation_id.to_string(),
        index,
        kind: message_kind_of(row.kind)?,
        author,
        text: row.text,
        event: row.event,
        reply_to: row.reply_to.map(|r| r.unpack(MSG)),
        attachments: row.attachments.into_iter().map(|a| a.unpack(ATT)).collect(),
        reactions,
        created_at,
    })
}
