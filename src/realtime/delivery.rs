//! What one committed event means to live subscribers, and who may receive it.

use crate::domain::conversation::{Conversation, Message};
use crate::domain::lifecycle::{Viewer, can_see};
use crate::domain::{Event, EventKind};
use crate::store::{ConversationReads, Reader, Store, StoreError};

/// One event ready to fan out: the event with the current state of what it is about.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// The committed event.
    pub event: Event,
    /// Its conversation as it is now (conversation, message and offer events).
    pub conversation: Option<Conversation>,
    /// Its message (message events).
    pub message: Option<Message>,
}

impl Delivery {
    /// The SSE event name, e.g. `message.created`.
    pub fn name(&self) -> &'static str {
        match &self.event.kind {
            EventKind::ConversationCreated { .. } => "conversation.created",
            EventKind::ConversationChanged { .. } => "conversation.updated",
            EventKind::MessageCreated { .. } => "message.created",
            EventKind::MessageChanged { .. } => "message.updated",
            EventKind::OfferMade { .. } => "offer.made",
            EventKind::OfferEnded { .. } => "offer.withdrawn",
            EventKind::AgentStatusChanged { .. } => "agent.status_changed",
            EventKind::ContactUpdated { .. } => "contact.updated",
            _ => "other",
        }
    }

    /// Whether `v` may receive it: conversation events go to those who may see the
    /// conversation (notes are staff-only, and every subscriber here is staff); an offer also
    /// to the agent it was made to; a status change to that user and to supervisors; a contact
    /// change to every staff member (any of them may read any contact).
    pub fn visible_to(&self, v: &Viewer) -> bool {
        match &self.event.kind {
            EventKind::AgentStatusChanged { user_id, .. } => *user_id == v.id || v.is_supervisor(),
            EventKind::ContactUpdated { .. } => true,
            EventKind::OfferMade { agent_id, .. } | EventKind::OfferEnded { agent_id, .. } => {
                *agent_id == v.id || self.conversation.as_ref().is_some_and(|c| can_see(v, c))
            }
            _ => self.conversation.as_ref().is_some_and(|c| can_see(v, c)),
        }
    }
}

/// Whether live subscribers care about this kind of event. Team, inbox and user changes are
/// never sent to a client, but they make an open stream re-read what its viewer may see;
/// sign-outs, revocations, password changes and deactivations make it check its credential.
fn wanted(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::ConfigChanged { .. }
            | EventKind::UserUpdated { .. }
            | EventKind::UserDeactivated { .. }
            | EventKind::PasswordChanged { .. }
            | EventKind::SignedOut { .. }
            | EventKind::TokenRevoked { .. }
            | EventKind::ConversationCreated { .. }
            | EventKind::ConversationChanged { .. }
            | EventKind::MessageCreated { .. }
            | EventKind::MessageChanged { .. }
            | EventKind::OfferMade { .. }
            | EventKind::OfferEnded { .. }
            | EventKind::AgentStatusChanged { .. }
            | EventKind::ContactUpdated { .. }
            | EventKind::RatingCreated { .. }
    )
}

fn conversation_of(kind: &EventKind) -> Option<&str> {
    match kind {
        EventKind::ConversationCreated { conversation_id, .. }
        | EventKind::ConversationChanged { conversation_id, .. }
        | EventKind::MessageCreated { conversation_id, .. }
        | EventKind::MessageChanged { conversation_id, .. }
        | EventKind::OfferMade { conversation_id, .. }
        | EventKind::OfferEnded { conversation_id, .. }
        | EventKind::RatingCreated { conversation_id, .. } => Some(conversation_id),
        _ => None,
    }
}

/// Builds the deliveries of events in `(after, upto]`, reading at most `limit` events; returns
/// them with the seq reached (so a caller loops until it reaches `upto`).
pub fn deliveries_after(
    store: &Store,
    after: u64,
    upto: u64,
    limit: usize,
) -> Result<(Vec<Delivery>, u64), StoreError> {
    let snap = store.snapshot()?;
    let events = snap.events_after(after, limit)?;
    let mut reached = after;
    let mut out = Vec::new();
    for e in events {
        if e.seq > upto {
            break;
        }
        reached = e.seq;
        if !wanted(&e.kind) {
            continue;
        }
        let conversation = match conversation_of(&e.kind) {
            Some(id) => snap.conversation(id)?,
            None => None,
        };
        let message = match &e.kind {
            EventKind::MessageCreated { conversation_id, message_id, .. }
            | EventKind::MessageChanged { conversation_id, message_id, .. } => {
                snap.message(conversation_id, message_id)?
            }
            _ => None,
        };
        out.push(Delivery { event: e, conversation, message });
    }
    if reached == after {
        // Nothing readable in the range (cannot happen for committed seqs); do not spin.
        reached = upto;
    }
    Ok((out, reached))
}
