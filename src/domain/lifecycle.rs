//! The conversation lifecycle (DESIGN.md, "Conversation lifecycle") and who may do what
//! (F3, F8, F19): pure decisions that change a conversation or refuse with the reason.
//! Offers, transfers and conferences have their steps in `domain::routing`.

/// Longest close justification, in characters.
pub const MAX_JUSTIFICATION: usize = 2000;

use super::conversation::{Conversation, Detailed, Status};
use super::says::Says;
use super::{AgentStatus, Role, Timestamp};

/// The person acting, as the rules need them.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// User id.
    pub id: String,
    /// Display name (for timeline texts).
    pub name: String,
    /// Role.
    pub role: Role,
    /// Availability.
    pub status: AgentStatus,
    /// Granted the `see_all` permission.
    pub see_all: bool,
    /// Inboxes served by the user's teams.
    pub inbox_ids: Vec<String>,
    /// The user's teams (conversations transferred to a team queue are theirs to see).
    pub team_ids: Vec<String>,
}

impl Viewer {
    /// Supervisors and admins oversee every conversation.
    pub fn is_supervisor(&self) -> bool {
        self.role >= Role::Supervisor
    }
}

/// Why an action is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Not allowed in the current state (409).
    Conflict(String),
    /// Not allowed for this person (403).
    Forbidden(String),
    /// A field is missing or wrong (422).
    Invalid(&'static str, String),
}

/// A system entry for the timeline: the event's machine name and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Machine name, e.g. `assigned`.
    pub event: &'static str,
    /// What happened, e.g. `took` with `who` = "Ana Ruiz".
    pub says: Says,
}

impl Entry {
    /// What happened in English, e.g. "Ana Ruiz took the conversation".
    pub fn text(&self) -> String {
        self.says.english()
    }
}

pub(crate) fn entry(event: &'static str, says: Says) -> Vec<Entry> {
    vec![Entry { event, says }]
}

pub use super::visibility::can_see;

/// Whether `v` handles `c` now: its assignee or a member of its conference.
pub fn handles(v: &Viewer, c: &Conversation) -> bool {
    c.assignee.as_deref() == Some(v.id.as_str()) || c.conference.contains(&v.id)
}

/// Offline users may not assign, unassign, close, reply or reopen (F19).
pub(super) fn must_be_online(v: &Viewer, action: &str) -> Result<(), Refusal> {
    if v.status == AgentStatus::Offline {
        Err(Refusal::Conflict(format!("you are offline; set your status to available or away to {action}")))
    } else {
        Ok(())
    }
}

pub(super) fn not_closed(c: &Conversation, action: &str) -> Result<(), Refusal> {
    if c.status == Status::Closed {
        Err(Refusal::Conflict(format!("the conversation is closed; reopen it to {action}")))
    } else {
        Ok(())
    }
}

pub(super) fn set_status(c: &mut Conversation, status: Status, now: Timestamp) {
    if c.status != status {
        c.status = status;
        c.status_since = now;
    }
}

pub(super) fn add_participant(c: &mut Conversation, user_id: &str) {
    if !c.participants.iter().any(|p| p == user_id) {
        c.participants.push(user_id.to_string());
    }
}

/// Assigns `c` to `to` (named `to_name`): an agent takes a queued one for themselves; a
/// supervisor assigns or reassigns to anyone.
pub fn assign(
    c: &mut Conversation,
    v: &Viewer,
    to: &str,
    to_name: &str,
    now: Timestamp,
) -> Result<Vec<Entry>, Refusal> {
    must_be_online(v, "assign conversations")?;
    not_closed(c, "assign it")?;
    if c.status == Status::Offered {
        return Err(Refusal::Conflict("the conversation is offered to an agent; wait for the answer".into()));
    }
    if c.assignee.as_deref() == Some(to) {
        return Ok(Vec::new());
    }
    if !v.is_supervisor() {
        if to != v.id {
            return Err(Refusal::Forbidden("agents may only assign conversations to themselves".into()));
        }
        if c.assignee.is_some() {
            return Err(Refusal::Conflict(format!(
                "the conversation is already assigned (status {})",
                c.status.as_str()
            )));
        }
    }
    c.assignee = Some(to.to_string());
    add_participant(c, to);
    c.accepted_at.get_or_insert(now);
    if c.status == Status::Queued {
        set_status(c, Status::Open, now);
    }
    c.updated_at = now;
    let says = if to == v.id {
        Says::new("took").with("who", &v.name)
    } else {
        Says::new("assigned").with("who", &v.name).with("to", to_name)
    };
    Ok(entry("assigned", says))
}

/// Puts an assigned conversation back in the queue.
pub fn unassign(c: &mut Conversation, v: &Viewer, now: Timestamp) -> Result<Vec<Entry>, Refusal> {
    must_be_online(v, "unassign conversations")?;
    not_closed(c, "unassign it")?;
    let Some(owner) = c.assignee.clone() else {
        return Err(Refusal::Conflict(format!("the conversation is not assigned (status {})", c.status.as_str())));
    };
    if owner != v.id && !v.is_supervisor() {
        return Err(Refusal::Forbidden("only the assignee or a supervisor may unassign it".into()));
    }
    c.assignee = None;
    set_status(c, Status::Queued, now);
    c.updated_at = now;
    Ok(entry("unassigned", Says::new("unassigned").with("who", &v.name)))
}

/// A customer wrote: the conversation waits for an agent again.
pub fn customer_message(c: &mut Conversation, now: Timestamp) -> Result<(), Refusal> {
    not_closed(c, "add customer messages")?;
    if c.status == Status::Pending {
        set_status(c, Status::Open, now);
    }
    c.detailed = Detailed::CustomerWaiting;
    c.waiting_since.get_or_insert(now);
    c.last_message_at = Some(now);
    c.message_count += 1;
    c.updated_at = now;
    Ok(())
}

/// An agent replied to the customer: the conversation is answered (F2 `pending`).
pub fn agent_message(c: &mut Conversation, v: &Viewer, now: Timestamp) -> Result<(), Refusal> {
    must_be_online(v, "reply")?;
    not_closed(c, "reply")?;
    if !handles(v, c) && !v.is_supervisor() {
        return Err(Refusal::Conflict(format!("take the conversation first (status {})", c.status.as_str())));
    }
    if c.status == Status::Queued || c.status == Status::Offered {
        return Err(Refusal::Conflict(format!(
            "assign the conversation before replying (status {})",
            c.status.as_str()
        )));
    }
    add_participant(c, &v.id);
    set_status(c, Status::Pending, now);
    c.detailed = Detailed::AgentAnswered;
    c.waiting_since = None;
    c.first_response_at.get_or_insert(now);
    c.last_message_at = Some(now);
    c.message_count += 1;
    c.updated_at = now;
    Ok(())
}

/// An internal note: allowed to anyone who sees the conversation, in any status.
pub fn note(c: &mut Conversation, v: &Viewer, now: Timestamp) {
    add_participant(c, &v.id);
    c.message_count += 1;
    c.updated_at = now;
}

/// Closes the conversation (F8). `wrap_up_required` comes from the inbox; `wrap_up` must be
/// a live reason (checked by the caller). A supervisor closing someone else's conversation
/// must justify it.
pub fn close(
    c: &mut Conversation,
    v: &Viewer,
    wrap_up: Option<(&str, &str)>,
    wrap_up_required: bool,
    justification: Option<&str>,
    now: Timestamp,
) -> Result<Vec<Entry>, Refusal> {
    must_be_online(v, "close conversations")?;
    if c.status == Status::Closed {
        return Err(Refusal::Conflict("the conversation is already closed".into()));
    }
    let own = c.assignee.as_deref() == Some(v.id.as_str());
    let someone_elses = c.assignee.is_some() && !own;
    if someone_elses && !v.is_supervisor() {
        return Err(Refusal::Forbidden("only the assignee or a supervisor may close it".into()));
    }
    let justification = justification.map(str::trim).filter(|j| !j.is_empty());
    if justification.is_some_and(|j| j.chars().count() > MAX_JUSTIFICATION) {
        return Err(Refusal::Invalid("justification", format!("must be at most {MAX_JUSTIFICATION} characters")));
    }
    if someone_elses && justification.is_none() {
        return Err(Refusal::Invalid("justification", "say why you close a conversation someone else handles".into()));
    }
    if wrap_up_required && wrap_up.is_none() {
        return Err(Refusal::Invalid("wrap_up_reason_id", "this inbox needs a wrap-up reason to close".into()));
    }
    set_status(c, Status::Closed, now);
    c.offer = None;
    c.skipped.clear();
    c.conference.clear();
    c.invited.clear();
    // Whoever closes a conversation took part in it, and keeps it in their history.
    add_participant(c, &v.id);
    c.detailed = if someone_elses { Detailed::ClosedBySupervisor } else { Detailed::ClosedByAgent };
    c.closed_at = Some(now);
    c.waiting_since = None;
    c.wrap_up_id = wrap_up.map(|(id, _)| id.to_string());
    c.close_justification = justification.map(str::to_string);
    c.updated_at = now;
    let says = Says::new("closed")
        .with("who", &v.name)
        .with_some("reason", wrap_up.map(|(_, name)| name))
        .with_some("note", justification);
    Ok(entry("closed", says))
}

/// Whether bulk close may close `c`: never one in progress (F8).
pub fn bulk_closable(c: &Conversation) -> Result<(), Refusal> {
    match c.status {
        Status::Open => Err(Refusal::Conflict("the conversation is open (in progress); close it on its own".into())),
        Status::Offered => Err(Refusal::Conflict("the conversation is offered to an agent".into())),
        Status::Closed => Err(Refusal::Conflict("the conversation is already closed".into())),
        Status::Queued | Status::Pending => Ok(()),
    }
}

/// Reopens a closed conversation; the person reopening handles it.
pub fn reopen(c: &mut Conversation, v: &Viewer, now: Timestamp) -> Result<Vec<Entry>, Refusal> {
    must_be_online(v, "reopen conversations")?;
    if c.status != Status::Closed {
        return Err(Refusal::Conflict(format!("the conversation is not closed (status {})", c.status.as_str())));
    }
    set_status(c, Status::Open, now);
    c.assignee = Some(v.id.clone());
    add_participant(c, &v.id);
    c.detailed = Detailed::AgentAnswered;
    c.closed_at = None;
    c.wrap_up_id = None;
    c.close_justification = None;
    c.reopen_count += 1;
    c.updated_at = now;
    Ok(entry("reopened", Says::new("reopened").with("who", &v.name)))
}

#[cfg(test)]
mod tests;
