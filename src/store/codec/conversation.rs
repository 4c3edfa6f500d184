//! Conversation rows: `Tbl::Conversations` holds each conversation as [`FORMAT`] followed by
//! the postcard bytes of [`ConversationRow`]. Ids are packed by the field's prefix (`Id`),
//! enums are their storage codes, the creation time is kept relative to the time in the
//! conversation id (usually 0, one byte) and every other time relative to the creation time.
//!
//! postcard writes fields by position with no names and no lengths: a new field, a removed
//! one or a changed type is a new format byte and a migration step (`store::migrations`),
//! never an edit of this struct.

use serde::{Deserialize, Serialize};

use super::{
    CONTACT, CONV, INBOX, Id, LABEL, TEAM, USER, WRAP_UP, detailed_code, detailed_of, from_row, origin_code, origin_of,
    priority_code, priority_of, status_code, status_of, to_row,
};
use crate::domain::Timestamp;
use crate::domain::conversation::{Conversation, Offer, Skip, TransferInfo};
use crate::store::StoreError;

/// A transfer offer as stored: `(from, note)`.
type TransferRow = (Id, Option<String>);
/// An offer as stored: `(agent, offered at, deadline, transfer)`, times after creation.
type OfferRow = (Id, i64, i64, Option<TransferRow>);

/// A conversation as stored (format 1). Field order is the layout: never reorder.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct ConversationRow {
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
    /// Milliseconds after the time the conversation id holds (0 for a raw id).
    created: i64,
    /// This and the other times: milliseconds after the creation time.
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

fn pack_all(prefix: &str, ids: &[String]) -> Vec<Id> {
    ids.iter().map(|i| Id::pack(prefix, i)).collect()
}

fn unpack_all(prefix: &str, ids: Vec<Id>) -> Vec<String> {
    ids.into_iter().map(|i| i.unpack(prefix)).collect()
}

/// The stored row of a conversation.
pub(crate) fn encode_conversation(c: &Conversation) -> Result<Vec<u8>, StoreError> {
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
    let id = Id::pack(CONV, id);
    let base = created_at.millis();
    let rel = |t: &Timestamp| t.millis().wrapping_sub(base);
    let user = |u: &String| Id::pack(USER, u);
    to_row(&ConversationRow {
        created: base.wrapping_sub(id.millis()),
        id,
        number: *number,
        inbox_id: Id::pack(INBOX, inbox_id),
        contact_id: Id::pack(CONTACT, contact_id),
        status: status_code(*status),
        detailed: detailed_code(*detailed),
        assignee: assignee.as_ref().map(user),
        team_id: team_id.as_ref().map(|t| Id::pack(TEAM, t)),
        labels: pack_all(LABEL, labels),
        participants: pack_all(USER, participants),
        subject: subject.clone(),
        priority: priority_code(*priority),
        origin: origin_code(*origin),
        updated_at: rel(updated_at),
        waiting_since: waiting_since.as_ref().map(rel),
        last_message_at: last_message_at.as_ref().map(rel),
        status_since: rel(status_since),
        message_count: *message_count,
        timeline_len: *timeline_len,
        accepted_at: accepted_at.as_ref().map(rel),
        first_response_at: first_response_at.as_ref().map(rel),
        closed_at: closed_at.as_ref().map(rel),
        wrap_up_id: wrap_up_id.as_ref().map(|w| Id::pack(WRAP_UP, w)),
        close_justification: close_justification.clone(),
        reopen_count: *reopen_count,
        transfer_count: *transfer_count,
        rona_count: *rona_count,
        offer: offer.as_ref().map(|o| {
            let transfer = o.transfer.as_ref().map(|t| (user(&t.from), t.note.clone()));
            (user(&o.agent_id), rel(&o.offered_at), rel(&o.deadline), transfer)
        }),
        skipped: skipped.iter().map(|s| (user(&s.agent_id), rel(&s.at))).collect(),
        conference: pack_all(USER, conference),
        invited: pack_all(USER, invited),
    })
}

/// A conversation from its stored row; anything else is corruption.
pub(crate) fn decode_conversation(bytes: &[u8]) -> Result<Conversation, StoreError> {
    let r: ConversationRow = from_row(bytes)?;
    let base = r.id.millis().wrapping_add(r.created);
    let at = |d: i64| Timestamp(base.wrapping_add(d));
    let user = |u: Id| u.unpack(USER);
    Ok(Conversation {
        id: r.id.unpack(CONV),
        number: r.number,
        inbox_id: r.inbox_id.unpack(INBOX),
        contact_id: r.contact_id.unpack(CONTACT),
        status: status_of(r.status)?,
        detailed: detailed_of(r.detailed)?,
        assignee: r.assignee.map(user),
        team_id: r.team_id.map(|t| t.unpack(TEAM)),
        labels: unpack_all(LABEL, r.labels),
        participants: unpack_all(USER, r.participants),
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
        wrap_up_id: r.wrap_up_id.map(|w| w.unpack(WRAP_UP)),
        close_justification: r.close_justification,
        reopen_count: r.reopen_count,
        transfer_count: r.transfer_count,
        rona_count: r.rona_count,
        offer: r.offer.map(|(agent, offered, deadline, transfer)| Offer {
            agent_id: user(agent),
            offered_at: at(offered),
            deadline: at(deadline),
            transfer: transfer.map(|(from, note)| TransferInfo { from: user(from), note }),
        }),
        skipped: r.skipped.into_iter().map(|(a, t)| Skip { agent_id: user(a), at: at(t) }).collect(),
        conference: unpack_all(USER, r.conference),
        invited: unpack_all(USER, r.invited),
    })
}

#[cfg(test)]
mod tests;
