//! The compact encoding of conversation rows (schema 5): a storage-only row type written as a
//! MessagePack array, with ids as 17 bytes, enums as small numbers and times after the first
//! as differences from the creation time. The domain type keeps its JSON shape for the API.
//!
//! A stored row is the tag byte [`CONVERSATION_ROW`] then the array. The tag is never the first
//! byte of JSON (nor of MessagePack), so [`decode`] tells the two apart.
//!
//! **Adding a field**: append it at the end of [`Row`] with `#[serde(default)]`, so rows written
//! before decode with the default (MessagePack arrays carry their length). Never reorder,
//! remove or change the type of a field: that needs a new tag or a migration.

use serde::de::{self, DeserializeOwned, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::StoreError;
use crate::domain::Timestamp;
use crate::domain::conversation::{Conversation, Detailed, Offer, Origin, Priority, Skip, Status, TransferInfo};

/// First byte of a compact conversation row (0xC1 is never used by MessagePack).
pub(super) const CONVERSATION_ROW: u8 = 0xC1;

/// An id: `{prefix}_{26 base32}` with a known prefix as a prefix code and its 128-bit value,
/// anything else as text.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Id(String);

const PREFIXES: [&str; 9] = ["cv", "inb", "ct", "usr", "lbl", "team", "wru", "msg", "att"];
fn pack(id: &str) -> Option<[u8; 17]> {
    let (prefix, _) = id.split_once('_')?;
    let code = PREFIXES.iter().position(|p| *p == prefix)?;
    let v = crate::domain::id::parse_value(prefix, id)?;
    let mut out = [0u8; 17];
    out[0] = code as u8;
    out[1..].copy_from_slice(&v.to_be_bytes());
    Some(out)
}

fn unpack(b: &[u8]) -> Option<String> {
    let prefix = PREFIXES.get(usize::from(*b.first()?))?;
    let v = u128::from_be_bytes(b.get(1..17)?.try_into().ok()?);
    Some(crate::domain::id::format_value(prefix, v))
}

impl Serialize for Id {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match pack(&self.0) {
            Some(b) => s.serialize_bytes(&b),
            None => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Id;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an id as text or packed bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Id, E> {
                Ok(Id(v.to_string()))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Id, E> {
                unpack(v).map(Id).ok_or_else(|| E::custom("a packed id with an unknown prefix"))
            }
        }
        d.deserialize_any(V)
    }
}

fn ids(v: &[String]) -> Vec<Id> {
    v.iter().cloned().map(Id).collect()
}

fn strings(v: Vec<Id>) -> Vec<String> {
    v.into_iter().map(|i| i.0).collect()
}

/// An enum as its position in a fixed list (append-only, like the row's fields).
macro_rules! codes {
    ($to:ident, $from:ident, $ty:ty, [$($v:path),+ $(,)?]) => {
        fn $to(x: $ty) -> u8 {
            let all = [$($v),+];
            all.iter().position(|a| *a == x).unwrap_or(0) as u8
        }
        fn $from(n: u8) -> Result<$ty, StoreError> {
            [$($v),+].get(usize::from(n)).copied().ok_or_else(|| StoreError::Corrupt(format!("unknown {} code {n}", stringify!($ty))))
        }
    };
}
codes!(
    status_code,
    status_of,
    Status,
    [Status::Queued, Status::Offered, Status::Open, Status::Pending, Status::Closed]
);
codes!(
    detailed_code,
    detailed_of,
    Detailed,
    [
        Detailed::CustomerWaiting,
        Detailed::AgentAnswered,
        Detailed::New,
        Detailed::ClosedByAgent,
        Detailed::ClosedBySupervisor,
        Detailed::ClosedAutomatically,
        Detailed::ClosedByCustomer,
    ]
);
codes!(priority_code, priority_of, Priority, [Priority::Low, Priority::Normal, Priority::High, Priority::Urgent]);
codes!(origin_code, origin_of, Origin, [Origin::Inbound, Origin::Outbound, Origin::BotHandoff]);

/// A transfer offer as stored: `(from, note)`.
type TransferRow = (Id, Option<String>);
/// An offer as stored: `(agent, offered at, deadline, transfer)`, times after creation.
type OfferRow = (Id, i64, i64, Option<TransferRow>);

/// A conversation as stored. Field order is the format: append only (see the module docs).
#[derive(Serialize, Deserialize)]
struct Row {
    id: Id,
    number: u64,
    inbox_id: Id,
    contact_id: Id,
    status: u8,
    detailed: u8,
    assignee: Option<Id>,
    team_id: Option<Id>,
    labels: Vec<Id>,
    participants: Vec<Id>,
    subject: String,
    priority: u8,
    origin: u8,
    created_at: i64,
    /// This and the other times: milliseconds after `created_at`.
    updated_at: i64,
    waiting_since: Option<i64>,
    last_message_at: Option<i64>,
    status_since: i64,
    message_count: u32,
    timeline_len: u32,
    accepted_at: Option<i64>,
    first_response_at: Option<i64>,
    closed_at: Option<i64>,
    wrap_up_id: Option<Id>,
    close_justification: Option<String>,
    reopen_count: u32,
    transfer_count: u32,
    rona_count: u32,
    offer: Option<OfferRow>,
    skipped: Vec<(Id, i64)>,
    conference: Vec<Id>,
    invited: Vec<Id>,
}

/// Encodes a conversation as a stored row.
pub(super) fn encode_conversation(c: &Conversation) -> Result<Vec<u8>, StoreError> {
    let Conversation {
        id,
        number,
        inbox_id,
        contact_id,
        status,
        detailed,
        assignee,
        team_id,
        labels,
        participants,
        subject,
        priority,
        origin,
        created_at,
        updated_at,
        waiting_since,
        last_message_at,
        status_since,
        message_count,
        timeline_len,
        accepted_at,
        first_response_at,
        closed_at,
        wrap_up_id,
        close_justification,
        reopen_count,
        transfer_count,
        rona_count,
        offer,
        skipped,
        conference,
        invited,
    } = c;
    let base = created_at.millis();
    let rel = |t: &Timestamp| t.millis().wrapping_sub(base);
    let row = Row {
        id: Id(id.clone()),
        number: *number,
        inbox_id: Id(inbox_id.clone()),
        contact_id: Id(contact_id.clone()),
        status: status_code(*status),
        detailed: detailed_code(*detailed),
        assignee: assignee.clone().map(Id),
        team_id: team_id.clone().map(Id),
        labels: ids(labels),
        participants: ids(participants),
        subject: subject.clone(),
        priority: priority_code(*priority),
        origin: origin_code(*origin),
        created_at: base,
        updated_at: rel(updated_at),
        waiting_since: waiting_since.as_ref().map(rel),
        last_message_at: last_message_at.as_ref().map(rel),
        status_since: rel(status_since),
        message_count: *message_count,
        timeline_len: *timeline_len,
        accepted_at: accepted_at.as_ref().map(rel),
        first_response_at: first_response_at.as_ref().map(rel),
        closed_at: closed_at.as_ref().map(rel),
        wrap_up_id: wrap_up_id.clone().map(Id),
        close_justification: close_justification.clone(),
        reopen_count: *reopen_count,
        transfer_count: *transfer_count,
        rona_count: *rona_count,
        offer: offer.as_ref().map(|o| {
            let transfer = o.transfer.as_ref().map(|t| (Id(t.from.clone()), t.note.clone()));
            (Id(o.agent_id.clone()), rel(&o.offered_at), rel(&o.deadline), transfer)
        }),
        skipped: skipped.iter().map(|s| (Id(s.agent_id.clone()), rel(&s.at))).collect(),
        conference: ids(conference),
        invited: ids(invited),
    };
    let mut out = vec![CONVERSATION_ROW];
    rmp_serde::encode::write(&mut out, &row).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(out)
}

/// Decodes a stored conversation row (compact, or JSON as schema 4 and older wrote it).
pub(super) fn decode_conversation(bytes: &[u8]) -> Result<Conversation, StoreError> {
    let Some(body) = bytes.strip_prefix(&[CONVERSATION_ROW]) else { return super::reader::decode(bytes) };
    let r: Row = rmp_serde::from_slice(body).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let base = r.created_at;
    let at = |d: i64| Timestamp(base.wrapping_add(d));
    Ok(Conversation {
        id: r.id.0,
        number: r.number,
        inbox_id: r.inbox_id.0,
        contact_id: r.contact_id.0,
        status: status_of(r.status)?,
        detailed: detailed_of(r.detailed)?,
        assignee: r.assignee.map(|i| i.0),
        team_id: r.team_id.map(|i| i.0),
        labels: strings(r.labels),
        participants: strings(r.participants),
        subject: r.subject,
        priority: priority_of(r.priority)?,
        origin: origin_of(r.origin)?,
        created_at: Timestamp(base),
        updated_at: at(r.updated_at),
        waiting_since: r.waiting_since.map(at),
        last_message_at: r.last_message_at.map(at),
        status_since: at(r.status_since),
        message_count: r.message_count,
        timeline_len: r.timeline_len,
        accepted_at: r.accepted_at.map(at),
        first_response_at: r.first_response_at.map(at),
        closed_at: r.closed_at.map(at),
        wrap_up_id: r.wrap_up_id.map(|i| i.0),
        close_justification: r.close_justification,
        reopen_count: r.reopen_count,
        transfer_count: r.transfer_count,
        rona_count: r.rona_count,
        offer: r.offer.map(|(agent, offered, deadline, transfer)| Offer {
            agent_id: agent.0,
            offered_at: at(offered),
            deadline: at(deadline),
            transfer: transfer.map(|(from, note)| TransferInfo { from: from.0, note }),
        }),
        skipped: r.skipped.into_iter().map(|(a, t)| Skip { agent_id: a.0, at: at(t) }).collect(),
        conference: strings(r.conference),
        invited: strings(r.invited),
    })
}

/// Decodes any stored value: JSON, or a compact conversation row when `T` takes a
/// conversation's shape (for code outside `store/` that reads rows itself; prefer the typed
/// reads, which skip the detour through JSON values).
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    if bytes.first() == Some(&CONVERSATION_ROW) {
        let value =
            serde_json::to_value(decode_conversation(bytes)?).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        return serde_json::from_value(value).map_err(|e| StoreError::Corrupt(e.to_string()));
    }
    super::reader::decode(bytes)
}

#[cfg(test)]
#[path = "rows_tests.rs"]
mod tests;
