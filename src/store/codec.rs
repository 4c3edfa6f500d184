//! The one binary row format of the high-volume tables: conversations, the timeline, the
//! message-id index and the event log. Everything else (settings, users, contacts, …) is
//! JSON, which is small there and readable with any redb tool.
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
//! Ids are packed by one packer ([`Id`]) everywhere, in rows and in keys (`store::keys`).
//!
//! Rules for changing a row: never reorder or remove variants or fields of the row types (they
//! are numbered by position); a new shape gets a new [`FORMAT`] byte and a migration step
//! (`store::migrations`).

mod chunk;
mod conversation;
mod event;
mod message;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::StoreError;
use crate::domain::AgentStatus;
use crate::domain::conversation::{Detailed, MessageKind, Origin, Priority, Status};
use crate::domain::event::OfferOutcome;
use crate::domain::id::{format_value, parse_value, value_millis};

pub(crate) use chunk::{CHUNK_LEN, encode_chunk, entries, entry_at, index_at, locate};
pub(crate) use conversation::{decode_conversation, encode_conversation};
pub(crate) use event::{decode_event, encode_event};
pub(crate) use message::{decode_entry, encode_entry, index_value, is_derived, read_index};

/// First byte of every binary row: the layout that follows. JSON rows start with `{`, so the
/// two can never be confused.
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
/// Team ids.
pub(crate) const TEAM: &str = "team";
/// Label ids.
pub(crate) const LABEL: &str = "lbl";
/// Wrap-up reason ids.
pub(crate) const WRAP_UP: &str = "wru";

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

/// A domain enum's explicit one-byte storage codes, both ways. The match is exhaustive, so a
/// new variant does not compile until it has a code; codes are never reused or renumbered.
macro_rules! codes {
    ($what:literal, $to:ident, $from:ident, $ty:ident { $($v:ident = $n:literal),+ $(,)? }) => {
        #[doc = concat!("Storage code of a ", $what, ".")]
        pub(crate) fn $to(x: $ty) -> u8 {
            match x {
                $($ty::$v => $n),+
            }
        }
        #[doc = concat!("The ", $what, " of a storage code.")]
        pub(crate) fn $from(code: u8) -> Result<$ty, StoreError> {
            Ok(match code {
                $($n => $ty::$v,)+
                _ => return Err(bad_code($what, code)),
            })
        }
    };
}

codes!("message kind", message_kind_code, message_kind_of, MessageKind { Customer = 0, Agent = 1, Note = 2, System = 3 });
codes!("status", status_code, status_of, Status { Queued = 0, Offered = 1, Open = 2, Pending = 3, Closed = 4 });
codes!("agent status", agent_status_code, agent_status_of, AgentStatus { Available = 0, Away = 1, Offline = 2, Rona = 3 });
codes!("offer outcome", outcome_code, outcome_of, OfferOutcome { Accepted = 0, Declined = 1, Expired = 2, Withdrawn = 3 });
codes!(
    "detailed status",
    detailed_code,
    detailed_of,
    Detailed {
        CustomerWaiting = 0,
        AgentAnswered = 1,
        New = 2,
        ClosedByAgent = 3,
        ClosedBySupervisor = 4,
        ClosedAutomatically = 5,
        ClosedByCustomer = 6,
    }
);
codes!("priority", priority_code, priority_of, Priority { Low = 0, Normal = 1, High = 2, Urgent = 3 });
codes!("origin", origin_code, origin_of, Origin { Inbound = 0, Outbound = 1, BotHandoff = 2 });

#[cfg(test)]
mod tests;
