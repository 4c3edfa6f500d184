//! Timeline entries as rows ([`MessageRow`]), and the keys of the message-id index.
//!
//! Schema 7 keeps entries in timeline chunks (`codec::chunk`): one row holds a run of one
//! conversation's entries, each [`encode_entry`]. Schema 4 to 6 kept one row per entry in
//! the table `timeline`: key = the conversation id in key form + the index (u32,
//! big-endian), value = [`encode_message`] (the same row with its format byte). Those keys and
//! rows are still written by the step to schema 4 and read by the step to schema 8. Either
//! way a row holds neither the conversation id nor the index: its place says them.
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

#[cfg(test)]
use super::to_row;
use super::{ATT, CONTACT, CONV, Id, MSG, USER, from_body, message_kind_code, message_kind_of, push_key_id, to_body};
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

/// The key of entry `index` of a conversation in schema 6's per-entry `timeline` table.
#[cfg(test)]
pub(crate) fn timeline_key(conversation_id: &str, index: u32) -> Vec<u8> {
    let mut key = Vec::with_capacity(21);
    push_key_id(&mut key, CONV, conversation_id);
    key.extend_from_slice(&index.to_be_bytes());
    key
}

/// The index of a per-entry timeline key (its last four bytes).
#[cfg(test)]
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

/// The stored row of a timeline entry, as schema 4 to 6 kept each entry (format byte and
/// postcard): read by the migration to schema 8.
#[cfg(test)]
pub(crate) fn encode_message(m: &Message) -> Result<Vec<u8>, StoreError> {
    to_row(&message_row(m))
}

/// A timeline entry as it sits in a timeline chunk (schema 8): the same row without the format
/// byte, which the chunk carries once.
pub(crate) fn encode_entry(m: &Message) -> Result<Vec<u8>, StoreError> {
    to_body(&message_row(m))
}

/// A timeline entry from a row written by [`encode_message`] and what its key says
/// (conversation and index). Only tests read such rows; the migration moves their bytes.
#[cfg(test)]
pub(crate) fn decode_message(conversation_id: &str, index: u32, bytes: &[u8]) -> Result<Message, StoreError> {
    message_of(conversation_id, index, super::from_row(bytes)?)
}

/// A timeline entry from bytes written by [`encode_entry`], its conversation and its index.
pub(crate) fn decode_entry(conversation_id: &str, index: u32, bytes: &[u8]) -> Result<Message, StoreError> {
    message_of(conversation_id, index, from_body(bytes)?)
}

fn message_row(m: &Message) -> MessageRow {
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
    MessageRow {
        id,
        kind: message_kind_code(m.kind),
        author,
        text: m.text.clone(),
        event: m.event.clone(),
        reply_to: m.reply_to.as_deref().map(|r| Id::pack(MSG, r)),
        attachments: m.attachments.iter().map(|a| Id::pack(ATT, a)).collect(),
        reactions: m
            .reactions
            .iter()
            .map(|(emoji, users)| (emoji.clone(), users.iter().map(|u| Id::pack(USER, u)).collect()))
            .collect(),
        created,
    }
}

fn message_of(conversation_id: &str, index: u32, row: MessageRow) -> Result<Message, StoreError> {
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
    let reactions: BTreeMap<String, Vec<String>> = row
        .reactions
        .into_iter()
        .map(|(emoji, users)| (emoji, users.into_iter().map(|u| u.unpack(USER)).collect()))
        .collect();
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
