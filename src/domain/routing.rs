//! Routing (F19, F21, F22): which agent an automatic inbox offers a queued conversation to, and
//! the offer's own steps (offer, accept, decline, expiry into RONA, withdrawal). Pure: the
//! desk gathers the candidates and the time and writes what is decided here.

use super::conversation::{Conversation, Offer, Skip, Status, TransferInfo};
use super::lifecycle::{Entry, Refusal, Viewer, add_participant, entry, must_be_online, set_status};
use super::says::Says;
use super::workspace::AssignmentMode;
use super::{AgentStatus, Timestamp};

/// An agent who could be offered a conversation, with what routing needs to know.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// User id (ids sort in creation order: the round-robin order).
    pub id: String,
    /// Display name, for timeline texts.
    pub name: String,
    /// Availability.
    pub status: AgentStatus,
    /// Active conversations: assigned and not closed, plus offers waiting for their answer.
    pub load: u32,
    /// Maximum number of active conversations.
    pub capacity: u32,
}

impl Candidate {
    /// Available and under capacity (F19, F21).
    pub fn can_take_offers(&self) -> bool {
        self.status == AgentStatus::Available && self.load < self.capacity
    }
}

/// The agents who may be offered `c` now, from `candidates` (the members of the teams that
/// serve its inbox, or of the team it was transferred to).
///
/// Agents who declined or missed an offer of `c` are skipped while anyone else can take it.
/// When nobody else can, a new round starts once every skip is at least `pause_secs` old, so
/// a conversation is never left queued for good but a decline is not answered with the same
/// offer at once.
pub fn eligible<'a>(
    c: &Conversation,
    candidates: &'a [Candidate],
    now: Timestamp,
    pause_secs: u32,
) -> (Vec<&'a Candidate>, bool) {
    let able: Vec<&Candidate> = candidates.iter().filter(|a| a.can_take_offers()).collect();
    let fresh: Vec<&Candidate> =
        able.iter().copied().filter(|a| !c.skipped.iter().any(|s| s.agent_id == a.id)).collect();
    if !fresh.is_empty() {
        return (fresh, false);
    }
    let pause_ms = i64::from(pause_secs) * 1000;
    let rested = c.skipped.iter().all(|s| now.millis() - s.at.millis() >= pause_ms);
    if rested && !able.is_empty() { (able, true) } else { (Vec::new(), false) }
}

/// When a new round could start for `c` (the moment its newest skip is `pause_secs` old).
pub fn next_round_at(c: &Conversation, pause_secs: u32) -> Option<Timestamp> {
    c.skipped.iter().map(|s| s.at).max().map(|t| t.plus_secs(i64::from(pause_secs)))
}

/// Chooses among eligible agents (F22). Round robin: the first agent after the inbox's cursor
/// (the last agent offered one of its conversations) in id order, wrapping around. Least busy:
/// the lowest load, ties broken in round-robin order. Manual inboxes never offer.
pub fn choose<'a>(mode: AssignmentMode, eligible: &[&'a Candidate], cursor: Option<&str>) -> Option<&'a Candidate> {
    let mut ordered: Vec<&Candidate> = eligible.to_vec();
    ordered.sort_by(|a, b| a.id.cmp(&b.id));
    // Rotate so that the agent after the cursor comes first.
    if let Some(cur) = cursor {
        let split = ordered.iter().position(|a| a.id.as_str() > cur).unwrap_or(ordered.len());
        ordered.rotate_left(split);
    }
    match mode {
        AssignmentMode::Manual => None,
        AssignmentMode::RoundRobin => ordered.first().copied(),
        AssignmentMode::LeastBusy => ordered.iter().copied().min_by_key(|a| a.load),
    }
}

/// Offers a queued conversation to `agent` until `deadline`.
pub fn offer(
    c: &mut Conversation,
    agent: &Candidate,
    deadline: Timestamp,
    now: Timestamp,
    new_round: bool,
) -> Vec<Entry> {
    if new_round {
        c.skipped.clear();
    }
    c.offer = Some(Offer { agent_id: agent.id.clone(), offered_at: now, deadline, transfer: None });
    set_status(c, Status::Offered, now);
    c.updated_at = now;
    entry("offered", Says::new("offered").with("to", &agent.name))
}

fn own_offer<'a>(c: &'a Conversation, v: &Viewer, now: Timestamp) -> Result<&'a Offer, Refusal> {
    match &c.offer {
        Some(o) if o.agent_id == v.id && now < o.deadline => Ok(o),
        Some(o) if o.agent_id == v.id => {
            Err(Refusal::Conflict("the offer expired; the conversation went back to the queue".into()))
        }
        Some(_) => Err(Refusal::Conflict("the conversation is offered to another agent".into())),
        None => Err(Refusal::Conflict(format!("there is no offer to answer (status {})", c.status.as_str()))),
    }
}

/// The offered agent accepts: the conversation is theirs and open.
pub fn accept(c: &mut Conversation, v: &Viewer, now: Timestamp) -> Result<Vec<Entry>, Refusal> {
    must_be_online(v, "accept offers")?;
    let transfer = own_offer(c, v, now)?.transfer.clone();
    c.offer = None;
    c.skipped.clear();
    c.assignee = Some(v.id.clone());
    add_participant(c, &v.id);
    c.accepted_at.get_or_insert(now);
    set_status(c, Status::Open, now);
    c.updated_at = now;
    let key = if transfer.is_some() { "accepted_transfer" } else { "accepted" };
    Ok(entry("accepted", Says::new(key).with("who", &v.name)))
}

/// Puts an offered conversation back in the queue, remembering who was skipped.
fn requeue(c: &mut Conversation, agent_id: &str, now: Timestamp) {
    c.offer = None;
    c.skipped.retain(|s| s.agent_id != agent_id);
    c.skipped.push(Skip { agent_id: agent_id.to_string(), at: now });
    set_status(c, Status::Queued, now);
    c.updated_at = now;
}

/// The offered agent declines: back to the queue for the next agent.
pub fn decline(c: &mut Conversation, v: &Viewer, now: Timestamp) -> Result<Vec<Entry>, Refusal> {
    own_offer(c, v, now)?;
    requeue(c, &v.id, now);
    Ok(entry("declined", Says::new("declined").with("who", &v.name)))
}

/// The deadline passed unanswered (F22): back to the queue; the caller sets the agent `rona`.
/// Returns the agent who missed it, or `None` when there is no expired offer.
pub fn expire(c: &mut Conversation, agent_name: &str, now: Timestamp) -> Option<(String, Vec<Entry>)> {
    let o = c.offer.clone().filter(|o| o.deadline <= now)?;
    requeue(c, &o.agent_id, now);
    c.rona_count += 1;
    Some((o.agent_id, entry("rona", Says::new("rona").with("who", agent_name))))
}

/// Why an offer is withdrawn before its deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withdrawal {
    /// The agent is no longer available (away, offline, RONA).
    Status(AgentStatus),
    /// The agent's account was deactivated.
    Deactivated,
    /// The agent no longer exists.
    Gone,
}

impl Withdrawal {
    /// The sentence that says it (`system.withdrawn_…`).
    fn key(self) -> &'static str {
        match self {
            Withdrawal::Status(AgentStatus::Away) => "withdrawn_away",
            Withdrawal::Status(AgentStatus::Offline) => "withdrawn_offline",
            Withdrawal::Status(AgentStatus::Rona) => "withdrawn_rona",
            // Never withdrawn for being available; said as gone if it were.
            Withdrawal::Status(AgentStatus::Available) | Withdrawal::Gone => "withdrawn_gone",
            Withdrawal::Deactivated => "withdrawn_deactivated",
        }
    }
}

/// The offered agent can no longer take it (away, offline, deactivated): back to the queue.
pub fn withdraw(c: &mut Conversation, agent_name: &str, why: Withdrawal, now: Timestamp) -> Option<Vec<Entry>> {
    let o = c.offer.clone()?;
    requeue(c, &o.agent_id, now);
    Some(entry("offer_withdrawn", Says::new(why.key()).with("to", agent_name)))
}

/// Offers a conversation to a specific agent as a transfer (F23).
pub fn offer_transfer(
    c: &mut Conversation,
    target: &Candidate,
    from: &str,
    note: Option<String>,
    deadline: Timestamp,
    now: Timestamp,
) {
    c.offer = Some(Offer {
        agent_id: target.id.clone(),
        offered_at: now,
        deadline,
        transfer: Some(TransferInfo { from: from.to_string(), note }),
    });
    c.assignee = None;
    c.skipped.clear();
    set_status(c, Status::Offered, now);
    c.updated_at = now;
}

#[cfg(test)]
mod tests;
