//! The routing index and the durable timers (DESIGN.md, `jobs/`): keys in `Tbl::Routing`
//! derived from the stored conversations and users, written in the same transaction as the
//! entity, so they survive any restart and are never out of step with what they describe.
//!
//! Offers by deadline, offers held by agent, idle conversations per inbox by the start of
//! their idleness, and available agents by when they were last seen. The keys are spelled in
//! `store::keys`; their times sort as times, so "everything due by now" is one range read from
//! the start of a prefix.

use super::StoreError;
use super::changes::Changes;
use super::keys::{
    HELD, OFFERS, SEEN, held_key, held_prefix, hex_time, idle_key, idle_prefix, offer_key, read_hex_time, seen_key,
    timer_parts,
};
use super::reader::Reader;
use super::tables::Tbl;
use crate::domain::conversation::Conversation;
use crate::domain::{AgentStatus, Timestamp, User, handover};

/// The routing keys of a conversation.
pub(crate) fn conversation_keys(c: &Conversation) -> Vec<String> {
    let mut keys = Vec::new();
    if let Some(o) = &c.offer {
        keys.push(offer_key(o.deadline, &c.id));
        keys.push(held_key(&o.agent_id, &c.id));
    }
    if let Some(since) = handover::idle_since(c) {
        keys.push(idle_key(&c.inbox_id, since, &c.id));
    }
    keys
}

/// When an available agent was last seen (their sign-in or status change before any
/// heartbeat).
pub fn last_seen(u: &User) -> Timestamp {
    u.last_seen.unwrap_or(u.updated_at)
}

pub(crate) fn user_keys(u: &User) -> Vec<String> {
    if u.active && u.status == AgentStatus::Available { vec![seen_key(last_seen(u), &u.id)] } else { Vec::new() }
}

fn move_keys(ch: &mut Changes, old: Vec<String>, new: Vec<String>) {
    for k in old.iter().filter(|k| !new.contains(k)) {
        ch.delete(Tbl::Routing, k);
    }
    for k in new.iter().filter(|k| !old.contains(k)) {
        ch.put_str(Tbl::Routing, k, "");
    }
}

/// Moves a conversation's routing keys from `previous` to `c`.
pub(crate) fn index_conversation(ch: &mut Changes, c: &Conversation, previous: Option<&Conversation>) {
    move_keys(ch, previous.map(conversation_keys).unwrap_or_default(), conversation_keys(c));
}

/// Moves a user's presence key from `previous` to `u`.
pub(crate) fn index_user(ch: &mut Changes, u: &User, previous: Option<&User>) {
    move_keys(ch, previous.map(user_keys).unwrap_or_default(), user_keys(u));
}

/// Splits `{prefix}{time}/{id}` keys due by `until` into ids, oldest first.
fn due(r: &impl Reader, prefix: &str, until: Timestamp, limit: usize) -> Result<Vec<String>, StoreError> {
    let bound = hex_time(until);
    let mut out = Vec::new();
    for (k, _) in r.scan_raw(Tbl::Routing, prefix, None, limit)? {
        let rest = &k[prefix.len()..];
        let Some((time, id)) = timer_parts(rest) else { continue };
        if time > bound.as_str() {
            break;
        }
        out.push(id.to_string());
    }
    Ok(out)
}

/// Reads of the routing index, for any [`Reader`].
pub trait RoutingReads: Reader + Sized {
    /// Conversations whose offer deadline is at or before `now`, soonest first.
    fn offers_due(&self, now: Timestamp, limit: usize) -> Result<Vec<String>, StoreError> {
        due(self, OFFERS, now, limit)
    }

    /// Conversations of `inbox_id` idle since `until` or earlier.
    fn idle_due(&self, inbox_id: &str, until: Timestamp, limit: usize) -> Result<Vec<String>, StoreError> {
        due(self, &idle_prefix(inbox_id), until, limit)
    }

    /// Available agents last seen at or before `until`.
    fn unseen_since(&self, until: Timestamp, limit: usize) -> Result<Vec<String>, StoreError> {
        due(self, SEEN, until, limit)
    }

    /// Every conversation with an offer waiting, as (agent, conversation).
    fn offers_held(&self, limit: usize) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .scan_raw(Tbl::Routing, HELD, None, limit)?
            .into_iter()
            .filter_map(|(k, _)| timer_parts(&k[HELD.len()..]).map(|(a, c)| (a.to_string(), c.to_string())))
            .collect())
    }

    /// An agent's active conversations (assigned and not closed, plus offers held), counted up
    /// to `cap` (enough to compare with a capacity).
    fn load_of(&self, user_id: &str, cap: usize) -> Result<u32, StoreError> {
        let assigned = super::conversations::ConversationReads::partition_count(
            self,
            &super::Partition::AssignedTo(user_id.to_string()),
            cap,
        )?;
        let held = self.scan_raw(Tbl::Routing, &held_prefix(user_id), None, cap)?.len();
        Ok(u32::try_from(assigned + held).unwrap_or(u32::MAX))
    }

    /// The soonest moment something is due: an offer deadline (idle and presence times
    /// depend on settings; the scheduler also polls).
    fn next_offer_deadline(&self) -> Result<Option<Timestamp>, StoreError> {
        let first = self.scan_raw(Tbl::Routing, OFFERS, None, 1)?;
        Ok(first.first().and_then(|(k, _)| read_hex_time(timer_parts(&k[OFFERS.len()..])?.0)))
    }
}

impl<R: Reader> RoutingReads for R {}
