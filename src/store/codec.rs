//! The compact binary rows of the high-volume tables (schema 4): the timeline, the message-id
//! index and the event log. Everything else stays JSON. Since schema 7 timeline entries are
//! kept a chunk of them to a row (`chunk`).
//!
//! Rows are one format byte ([`FORMAT`]) followed by postcard (serde with varints). Postcard
//! cannot read serde's internally tagged enums (`Author`, `Actor`, `EventKind`), and the domain
//! types are also the API's JSON shapes, so the rows are storage-only structs and plain enums
//! that convert to and from the domain types; the domain stays as it is.
//!
//! Ids of the standard shape (`{prefix}_` + 26 Crockford base32 characters, see
//! `domain::id`) are kept as their 16-byte value, the prefix being implied by the field; any
//! other string is kept as it is ([`Id::Raw`]), so no value can be lost. Domain enums are stored
//! as explicit one-byte codes (never serde's declaration order), so reordering their variants
//! cannot change the meaning of stored rows.
//!
//! Rules for changing a row: never reorder or remove variants or fields of the row types (they
//! are numbered by position); a new shape gets a new [`FORMAT`] byte and a migration step.

mod chunk;
mod event;
mod message;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::domain::AgentStatus;
use crate::domain::conversation::{MessageKind, Status};
use crate::domain::event::OfferOutcome;
use crate::domain::id::{format_value, parse_value, value_millis};

pub(crate) use chunk::{CHUNK_LEN, chunk_key, chunk_of_key, encode_chunk, entries, entry_at, index_at, locate};
#[cfg(test)]
pub(crate) use event::is_json_event;
pub(crate) use event::{decode_event, encode_event};
pub(crate) use message::{decode_entry, encode_entry, index_value, is_derived, message_id_key, read_index};
#[cfg(test)]
pub(crate) use message::{decode_message, encode_message, index_of_key, timeline_key};

/// First byte of every compact row: the layout that follows. JSON rows (schema 3 and before)
/// start with `{`, so the two can never be confused.
pub(crate) const FORMAT: u8 = 1;

/// Id prefixes, one per kind of field.
pub(crate) const MSG: &str = "msg";
/// Conversation ids.
pub(crate) const CONV: &str = "cv";
/// Contact ids.
pub(crate) const CONTACT: &str = "ct";
/// User ids.
pub(crate) const USER: &str = "usr";
/// Attachment ids.
pub(crate) const ATT: &str = "att";
/// Inbox ids.
pub(crate) const INBOX: &str = "inb";

/// A stored id: 16 bytes when it has the standard shape for its field's prefix, else the
/// string itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum Id {
    /// The id's 128-bit value, big-endian.
    Packed([u8; 16]),
    /// Any other string, exactly as given.
    Raw(String),
}

impl Id {
    /// Packs `s` if it is a standard id with `prefix`.
    pub(crate) fn pack(prefix: &str, s: &str) -> Id {
        match parse_value(prefix, s) {
            Some(v) => Id::Packed(v.to_be_bytes()),
            None => Id::Raw(s.to_string()),
        }
    }

    /// The string this id was packed from.
    pub(crate) fn unpack(self, prefix: &str) -> String {
        match self {
            Id::Packed(b) => format_value(prefix, u128::from_be_bytes(b)),
            Id::Raw(s) => s,
        }
    }

    /// The creation time a standard id holds (0 for raw ids), so times close to it can be
    /// stored as a small difference.
    pub(crate) fn millis(&self) -> i64 {
        match self {
            Id::Packed(b) => value_millis(u128::from_be_bytes(*b)),
            Id::Raw(_) => 0,
        }
    }
}

/// Appends the key form of an id: `0` + 16 bytes, or `1` + length (u32, big-endian) + the
/// string. Self-delimiting, so a key that continues after it can be range-scanned per id.
pub(crate) fn push_key_id(out: &mut Vec<u8>, prefix: &str, s: &str) {
    match Id::pack(prefix, s) {
        Id::Packed(b) => {
            out.push(0);
            out.extend_from_slice(&b);
        }
        Id::Raw(raw) => {
            out.push(1);
            out.extend_from_slice(&(raw.len() as u32).to_be_bytes());
            out.extend_from_slice(raw.as_bytes());
        }
    }
}

/// `FORMAT` followed by the postcard bytes of `row`.
pub(crate) fn to_row<T: Serialize>(row: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_extend(row, vec![FORMAT]).map_err(|e| StoreError::Corrupt(format!("cannot encode a row: {e}")))
}

/// Reads a row written by [`to_row`]; any other format byte or trailing bytes are corruption.
pub(crate) fn from_row<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&FORMAT, rest)) => from_body(rest),
        Some((other, _)) => Err(StoreError::Corrupt(format!("unknown row format {other}"))),
        None => Err(StoreError::Corrupt("empty row".into())),
    }
}

/// The postcard bytes of `row` without a format byte: for rows inside a container (a timeline
/// chunk) whose own format byte says what they are.
pub(crate) fn to_body<T: Serialize>(row: &T) -> Result<Vec<u8>, StoreError> {
    postcard::to_stdvec(row).map_err(|e| StoreError::Corrupt(format!("cannot encode a row: {e}")))
}

/// Reads exactly one row written by [`to_body`]; trailing bytes are corruption.
pub(crate) fn from_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    match postcard::take_from_bytes(bytes) {
        Ok((row, [])) => Ok(row),
        Ok((_, extra)) => Err(StoreError::Corrupt(format!("{} unexpected bytes after a row", extra.len()))),
        Err(e) => Err(StoreError::Corrupt(format!("unreadable row: {e}"))),
    }
}

fn bad_code(what: &str, code: u8) -> StoreError {
    StoreError::Corrupt(format!("unknown {what} code {code}"))
}

/// Storage code of a message kind.
pub(crate) fn message_kind_code(k: MessageKind) -> u8 {
    match k {
        MessageKind::Customer => 0,
        MessageKind::Agent => 1,
        MessageKind::Note => 2,
        MessageKind::System => 3,
    }
}

/// The message kind of a storage code.
pub(crate) fn message_kind_of(code: u8) -> Result<MessageKind, StoreError> {
    Ok(match code {
        0 => MessageKind::Customer,
        1 => MessageKind::Agent,
        2 => MessageKind::Note,
        3 => MessageKind::System,
        _ => return Err(bad_code("message kind", code)),
    })
}

/// Storage code of a conversation status.
pub(crate) fn status_code(s: Status) -> u8 {
    match s {
        Status::Queued => 0,
        Status::Offered => 1,
        Status::Open => 2,
        Status::Pending => 3,
        Status::Closed => 4,
    }
}

/// The conversation status of a storage code.
pub(crate) fn status_of(code: u8) -> Result<Status, StoreError> {
    Ok(match code {
        0 => Status::Queued,
        1 => Status::Offered,
        2 => Status::Open,
        3 => Status::Pending,
        4 => Status::Closed,
        _ => return Err(bad_code("status", code)),
    })
}

/// Storage code of an agent status.
pub(crate) fn agent_status_code(s: AgentStatus) -> u8 {
    match s {
        AgentStatus::Available => 0,
        AgentStatus::Away => 1,
        AgentStatus::Offline => 2,
        AgentStatus::Rona => 3,
    }
}

/// The agent status of a storage code.
pub(crate) fn agent_status_of(code: u8) -> Result<AgentStatus, StoreError> {
    Ok(match code {
        0 => AgentStatus::Available,
        1 => AgentStatus::Away,
        2 => AgentStatus::Offline,
        3 => AgentStatus::Rona,
        _ => return Err(bad_code("agent status", code)),
    })
}

/// Storage code of an offer outcome.
pub(crate) fn outcome_code(o: OfferOutcome) -> u8 {
    match o {
        OfferOutcome::Accepted => 0,
        OfferOutcome::Declined => 1,
        OfferOutcome::Expired => 2,
        OfferOutcome::Withdrawn => 3,
    }
}

/// The offer outcome of a storage code.
pub(crate) fn outcome_of(code: u8) -> Result<OfferOutcome, StoreError> {
    Ok(match code {
        0 => OfferOutcome::Accepted,
        1 => OfferOutcome::Declined,
        2 => OfferOutcome::Expired,
        3 => OfferOutcome::Withdrawn,
        _ => return Err(bad_code("offer outcome", code)),
    })
}

#[cfg(test)]
mod tests;
