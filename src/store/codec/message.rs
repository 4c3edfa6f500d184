//! Timeline entries as rows ([`MessageRow`]), and the values of the message-id index.
//!
//! Entries live in timeline chunks (`codec::chunk`): one row holds a run of one conversation's
//! entries, each [`encode_entry`]. An entry holds neither the conversation id nor its index:
//! its place says them.
//!
//! `message_index`: key = the message id in key form (`store::keys::message_id_key`); value =
//! the entry's index (a postcard varint). Every reader that looks a message up by id knows its
//! conversation (it comes from the URL or the event), so the location needs no conversation id.
//!
//! An entry whose id is the one `domain::id::message_id` derives from its conversation, index
//! and creation time stores no id ([`IdRow::Derived`], one byte) and has no `message_index`
//! entry; its creation time is kept relative to the time in the conversation id. Entries with
//! any other id (imported, or odd) keep it.
//!
//! A system entry's sentence and parts ([`Says`]) follow its row in the same entry bytes: the
//! chunk knows each entry's length, so an entry written before they existed (nothing after the
//! row) reads as having none, and the chunk format stays 1.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{ATT, CONTACT, CONV, Id, MSG, USER, from_body, message_kind_code, message_kind_of, to_body};
use crate::domain::Timestamp;
use crate::domain::conversation::{Author, Message};
use crate::domain::id::message_id;
use crate::domain::says::Says;
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

/// A timeline entry's id as stored: the two variants of [`Id`], then the derived id.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum IdRow {
    /// A standard id's 128-bit value, big-endian.
    Packed([u8; 16]),
    /// Any other string, exactly as given.
    Raw(String),
    /// The id derived from the conversation, the index and the creation time.
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

/// A timeline entry as it sits in a timeline chunk: the row without a format byte, which the
/// chunk carries once.
pub(crate) fn encode_entry(m: &Message) -> Result<Vec<u8>, StoreError> {
    let mut bytes = to_body(&message_row(m))?;
    if let Some(says) = &m.says {
        bytes.extend(to_body(says)?);
    }
    Ok(bytes)
}

/// A timeline entry from bytes written by [`encode_entry`], its conversation and its index.
pub(crate) fn decode_entry(conversation_id: &str, index: u32, bytes: &[u8]) -> Result<Message, StoreError> {
    let (row, rest): (MessageRow, &[u8]) =
        postcard::take_from_bytes(bytes).map_err(|e| StoreError::Corrupt(format!("unreadable row: {e}")))?;
    let says: Option<Says> = if rest.is_empty() { None } else { Some(from_body(rest)?) };
    let mut m = message_of(conversation_id, index, row)?;
    m.says = says;
    Ok(m)
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
        says: None,
        reply_to: row.reply_to.map(|r| r.unpack(MSG)),
        attachments: row.attachments.into_iter().map(|a| a.unpack(ATT)).collect(),
        reactions,
        created_at,
    })
}
