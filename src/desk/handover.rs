//! Answering offers (F22), transferring (F23) and conferences (F24): each is one lifecycle
//! step decided inside the writer by `domain::routing` / `domain::handover`, recorded in the
//! timeline, followed by a settle so that whatever was freed or queued is routed at once.

use super::conversations::{ConversationView, refused};
use super::{Desk, DeskError, Principal};
use crate::domain::handover;
use crate::domain::routing::{self, Candidate};
use crate::domain::{EventKind, OfferOutcome, User};
use crate::store::{Reader, RoutingReads, UserChanges, UserReads, WorkspaceReads};

/// Where a transfer goes.
#[derive(Clone, Debug)]
pub enum TransferTarget {
    /// To one agent: offered to them.
    Agent(String),
    /// To a team: queued for its agents.
    Team(String),
}

/// Longest transfer note, in characters.
pub const MAX_NOTE_CHARS: usize = 2000;

/// A user as a routing candidate, with their current load.
pub(super) fn candidate(r: &impl Reader, u: &User) -> Result<Candidate, DeskError> {
    Ok(Candidate {
        id: u.id.clone(),
        name: u.name.clone(),
        status: u.status,
        load: r.load_of(&u.id, u.capacity as usize + 1)?,
        capacity: u.capacity,
    })
}

fn active_user(r: &impl Reader, id: &str, field: &str) -> Result<User, DeskError> {
    r.user(id)?.filter(|u| u.active).ok_or_else(|| DeskError::field(field, format!("no active user with id {id}")))
}

impl Desk {
    /// Accepts the offer made to the caller: the conversation is theirs and `open`.
    pub async fn accept(&self, who: &Principal, id: &str) -> Result<ConversationView, DeskError> {
        let now = self.now();
        self.step(who, id, "accepted", true, move |_, ch, v, c| {
            let entries = routing::accept(c, v, now).map_err(refused)?;
            ch.event(EventKind::OfferEnded {
                conversation_id: c.id.clone(),
                agent_id: v.id.clone(),
                outcome: OfferOutcome::Accepted,
            });
            Ok(entries)
        })
        .await
    }

    /// Declines the offer made to the caller: the next agent is offered the conversation.
    pub async fn decline(&self, who: &Principal, id: &str) -> Result<(), DeskError> {
        let now = self.now();
        // The decliner may no longer see the conversation afterwards (it is offered to
        // someone else), so the answer carries no body.
        self.apply_step(who, id, "declined", true, move |_, ch, v, c| {
            let entries = routing::decline(c, v, now).map_err(refused)?;
            ch.event(EventKind::OfferEnded {
                conversation_id: c.id.clone(),
                agent_id: v.id.clone(),
                outcome: OfferOutcome::Declined,
            });
            Ok(entries)
        })
        .await
    }

    /// Transfers a conversation the caller handles (or, for supervisors, any accepted one) to
    /// an agent or a team, with an optional note for the receiver.
    pub async fn transfer(
        &self,
        who: &Principal,
        id: &str,
        target: TransferTarget,
        note: Option<String>,
    ) -> Result<ConversationView, DeskError> {
        let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(DeskError::field("note", format!("must be at most {MAX_NOTE_CHARS} characters")));
        }
        let now = self.now();
        self.step(who, id, "transferred", false, move |s, ch, v, c| {
            let entries = match &target {
                TransferTarget::Agent(agent_id) => {
                    let target = candidate(s, &active_user(s, agent_id, "agent_id")?)?;
                    let timeout = s
                        .inbox(&c.inbox_id)?
                        .map_or(crate::domain::workspace::DEFAULT_OFFER_TIMEOUT_SECS, |i| i.offer_timeout_secs);
                    let deadline = now.plus_secs(i64::from(timeout));
                    let entries =
                        handover::transfer_to_agent(c, v, &target, note.as_deref(), deadline, now).map_err(refused)?;
                    ch.event(EventKind::OfferMade {
                        conversation_id: c.id.clone(),
                        agent_id: target.id.clone(),
                        deadline,
                        transfer: true,
                    });
                    entries
                }
                TransferTarget::Team(team_id) => {
                    let team = s
                        .team(team_id)?
                        .ok_or_else(|| DeskError::field("team_id", format!("no team with id {team_id}")))?;
                    handover::transfer_to_team(c, v, &team.id, &team.name, note.as_deref(), now).map_err(refused)?
                }
            };
            if let Some(me) = s.user(&v.id)? {
                let counted = User { transfers_made: me.transfers_made + 1, ..me.clone() };
                ch.put_user(&counted, Some(&me))?;
            }
            Ok(entries)
        })
        .await
    }

    /// Invites an agent into a conversation the caller handles (F24).
    pub async fn invite(&self, who: &Principal, id: &str, agent_id: &str) -> Result<ConversationView, DeskError> {
        let (agent_id, now) = (agent_id.to_string(), self.now());
        self.step(who, id, "conference_invited", false, move |s, _, v, c| {
            let target = candidate(s, &active_user(s, &agent_id, "agent_id")?)?;
            handover::invite(c, v, &target, now).map_err(refused)
        })
        .await
    }

    /// The invited caller joins the conversation.
    pub async fn join(&self, who: &Principal, id: &str) -> Result<ConversationView, DeskError> {
        let now = self.now();
        self.step(who, id, "conference_joined", false, move |_, _, v, c| handover::join(c, v, now).map_err(refused))
            .await
    }

    /// Ends the conference: invited and joined agents leave.
    pub async fn end_conference(&self, who: &Principal, id: &str) -> Result<ConversationView, DeskError> {
        let now = self.now();
        self.step(who, id, "conference_ended", false, move |_, _, v, c| {
            handover::end_conference(c, v, now).map_err(refused)
        })
        .await
    }
}
