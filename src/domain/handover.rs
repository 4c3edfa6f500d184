//! Handing a conversation over (F23), inviting colleagues into it (F24), and closing idle ones
//! on their own (F9): the pure rules, each changing the conversation or refusing with why.

use super::conversation::{Conversation, Detailed, Status};
use super::lifecycle::{Entry, Refusal, Viewer, add_participant, entry, must_be_online, set_status};
use super::routing::{self, Candidate};
use super::says::Says;
use super::{AgentStatus, Timestamp};

/// The owner, or a supervisor, of an accepted conversation that is not closed.
fn may_hand_over(c: &Conversation, v: &Viewer, action: &str) -> Result<(), Refusal> {
    must_be_online(v, action)?;
    match c.status {
        Status::Closed => return Err(Refusal::Conflict(format!("the conversation is closed; reopen it to {action}"))),
        Status::Queued | Status::Offered => {
            return Err(Refusal::Conflict(format!(
                "the conversation must be accepted before you {action} (status {})",
                c.status.as_str()
            )));
        }
        Status::Open | Status::Pending => {}
    }
    if c.assignee.as_deref() != Some(v.id.as_str()) && !v.is_supervisor() {
        return Err(Refusal::Forbidden(format!(
            "only the agent handling the conversation or a supervisor may {action}"
        )));
    }
    Ok(())
}

/// Why `target` cannot receive an offer now, if they cannot.
pub fn unavailable_reason(target: &Candidate) -> Option<String> {
    match target.status {
        AgentStatus::Available if target.load >= target.capacity => {
            Some(format!("{} is at capacity ({} of {} conversations)", target.name, target.load, target.capacity))
        }
        AgentStatus::Available => None,
        AgentStatus::Away => Some(format!("{} is away", target.name)),
        AgentStatus::Offline => Some(format!("{} is offline", target.name)),
        AgentStatus::Rona => Some(format!("{} missed an offer (RONA) and is not taking conversations", target.name)),
    }
}

/// Transfers to an agent: the conversation is offered to them until `deadline`; if they do
/// not accept it goes back to the inbox's queue (F23).
pub fn transfer_to_agent(
    c: &mut Conversation,
    v: &Viewer,
    target: &Candidate,
    note: Option<&str>,
    deadline: Timestamp,
    now: Timestamp,
) -> Result<Vec<Entry>, Refusal> {
    may_hand_over(c, v, "transfer it")?;
    if target.id == v.id {
        return Err(Refusal::Conflict("you cannot transfer a conversation to yourself".into()));
    }
    if c.assignee.as_deref() == Some(target.id.as_str()) {
        return Err(Refusal::Conflict(format!("{} already handles the conversation", target.name)));
    }
    if let Some(why) = unavailable_reason(target) {
        return Err(Refusal::Conflict(why));
    }
    routing::offer_transfer(c, target, &v.id, note.map(str::to_string), deadline, now);
    c.transfer_count += 1;
    end_conference_quietly(c);
    Ok(entry(
        "transferred",
        Says::new("transferred").with("who", &v.name).with("to", &target.name).with_some("note", note),
    ))
}

/// Transfers to a team: the conversation waits in that team's queue (F23).
pub fn transfer_to_team(
    c: &mut Conversation,
    v: &Viewer,
    team_id: &str,
    team_name: &str,
    note: Option<&str>,
    now: Timestamp,
) -> Result<Vec<Entry>, Refusal> {
    may_hand_over(c, v, "transfer it")?;
    c.assignee = None;
    c.offer = None;
    c.skipped.clear();
    c.team_id = Some(team_id.to_string());
    c.transfer_count += 1;
    end_conference_quietly(c);
    set_status(c, Status::Queued, now);
    c.updated_at = now;
    Ok(entry(
        "transferred",
        Says::new("transferred_team").with("who", &v.name).with("to", team_name).with_some("note", note),
    ))
}

fn end_conference_quietly(c: &mut Conversation) {
    c.conference.clear();
    c.invited.clear();
}

/// Invites an agent into the conversation (F24).
pub fn invite(c: &mut Conversation, v: &Viewer, target: &Candidate, now: Timestamp) -> Result<Vec<Entry>, Refusal> {
    may_hand_over(c, v, "invite agents")?;
    if c.assignee.as_deref() == Some(target.id.as_str()) {
        return Err(Refusal::Conflict(format!("{} already handles the conversation", target.name)));
    }
    if c.conference.contains(&target.id) {
        return Err(Refusal::Conflict(format!("{} is already in the conference", target.name)));
    }
    if c.invited.contains(&target.id) {
        return Err(Refusal::Conflict(format!("{} is already invited", target.name)));
    }
    if matches!(target.status, AgentStatus::Offline) {
        return Err(Refusal::Conflict(format!("{} is offline", target.name)));
    }
    c.invited.push(target.id.clone());
    c.updated_at = now;
    Ok(entry("conference_invited", Says::new("invited").with("who", &v.name).with("to", &target.name)))
}

/// The invited agent joins: they can read and reply (F24).
pub fn join(c: &mut Conversation, v: &Viewer, now: Timestamp) -> Result<Vec<Entry>, Refusal> {
    must_be_online(v, "join conversations")?;
    if c.status == Status::Closed {
        return Err(Refusal::Conflict("the conversation is closed".into()));
    }
    if !c.invited.contains(&v.id) {
        return Err(Refusal::Conflict("you are not invited to this conversation (or the conference ended)".into()));
    }
    c.invited.retain(|i| *i != v.id);
    c.conference.push(v.id.clone());
    add_participant(c, &v.id);
    c.updated_at = now;
    Ok(entry("conference_joined", Says::new("joined").with("who", &v.name)))
}

/// The owner (or a supervisor) ends the conference: its members and invitees leave.
pub fn end_conference(c: &mut Conversation, v: &Viewer, now: Timestamp) -> Result<Vec<Entry>, Refusal> {
    may_hand_over(c, v, "end the conference")?;
    if c.conference.is_empty() && c.invited.is_empty() {
        return Err(Refusal::Conflict("there is no conference on this conversation".into()));
    }
    end_conference_quietly(c);
    c.updated_at = now;
    Ok(entry("conference_ended", Says::new("conference_ended").with("who", &v.name)))
}

/// Since when `c` counts as idle for auto-close (F9), when it may close on its own: answered
/// (`pending`), or `open` with nobody waiting for a reply. A customer waiting for an answer is
/// never closed automatically: that would lose their request.
pub fn idle_since(c: &Conversation) -> Option<Timestamp> {
    let closable = match c.status {
        Status::Pending => true,
        Status::Open => c.waiting_since.is_none() && c.detailed != Detailed::CustomerWaiting,
        _ => false,
    };
    closable.then(|| c.last_message_at.map_or(c.status_since, |m| m.max(c.status_since)))
}

/// Closes an idle conversation (F9) when it has been idle for `idle_secs` by `now`.
pub fn auto_close(c: &mut Conversation, idle_secs: u32, now: Timestamp) -> Option<Vec<Entry>> {
    let since = idle_since(c)?;
    if idle_secs == 0 || now < since.plus_secs(i64::from(idle_secs)) {
        return None;
    }
    end_conference_quietly(c);
    set_status(c, Status::Closed, now);
    c.detailed = Detailed::ClosedAutomatically;
    c.closed_at = Some(now);
    c.waiting_since = None;
    c.updated_at = now;
    Some(entry("closed", Says::new("auto_closed")))
}

#[cfg(test)]
mod tests;
