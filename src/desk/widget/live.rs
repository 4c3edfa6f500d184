//! The live side of a chat: typing both ways (passing signals through the hub, never stored)
//! and what a customer's event stream carries (their own conversations' customer-visible
//! entries and changes, nothing else).

use super::super::conversations::{viewer, visible};
use super::super::{Desk, DeskError, Principal};
use super::chat::{CustomerConversation, CustomerEntry, customer_conversation, customer_entry};
use super::{Customer, limits};
use crate::domain::EventKind;
use crate::domain::widget::agent_first_name;
use crate::realtime::{Delivery, Typing, Typist};
use crate::store::ConversationReads;

/// What a customer's stream sends for one delivery.
#[derive(Clone, Debug)]
pub enum CustomerLive {
    /// A new entry they may see.
    Message(Box<CustomerEntry>),
    /// Their conversation changed (opened, taken, closed, reopened, rated).
    Conversation(Box<CustomerConversation>),
}

impl Desk {
    /// The customer is typing (`active`) or stopped, in their conversation `id`. Signals past
    /// one a second are dropped; they are never stored.
    pub fn customer_typing(&self, who: &Customer, id: &str, active: bool) -> Result<(), DeskError> {
        let snap = self.store.snapshot()?;
        let c = snap
            .conversation(id)?
            .filter(|c| c.contact_id == who.session.contact_id && c.inbox_id == who.session.inbox_id)
            .ok_or_else(|| DeskError::NotFound(format!("no conversation with id {id} in this chat")))?;
        // Repeated starts within a second are dropped; a stop always passes and lets the
        // next start through at once.
        if !active {
            self.widget_limits.forget(limits::TYPING_PER_TOKEN, &who.session.id);
        } else if self.widget_limits.take(limits::TYPING_PER_TOKEN, &who.session.id, self.now().millis()).is_err() {
            return Ok(());
        }
        self.hub().typing(Typing { conversation: c, typist: Typist::Customer, active });
        Ok(())
    }

    /// An agent is typing a reply (`active`) or stopped, in a conversation they may see.
    pub fn agent_typing(&self, who: &Principal, id: &str, active: bool) -> Result<(), DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let c = visible(&snap, &viewer(&snap, who)?, id)?;
        let key = format!("agent:{}", who.user.id);
        if !active {
            self.widget_limits.forget(limits::TYPING_PER_TOKEN, &key);
        } else if self.widget_limits.take(limits::TYPING_PER_TOKEN, &key, self.now().millis()).is_err() {
            return Ok(());
        }
        let typist = Typist::Agent { id: who.user.id.clone(), first_name: agent_first_name(&who.user.name) };
        self.hub().typing(Typing { conversation: c, typist, active });
        Ok(())
    }

    /// What `who`'s stream sends for a delivery, if anything: entries they may see and changes
    /// of their own conversations.
    pub fn customer_live(&self, who: &Customer, d: &Delivery) -> Option<CustomerLive> {
        let c = d.conversation.as_ref()?;
        if c.contact_id != who.session.contact_id || c.inbox_id != who.session.inbox_id {
            return None;
        }
        let snap = self.store.snapshot().ok()?;
        match &d.event.kind {
            EventKind::MessageCreated { .. } => {
                customer_entry(&snap, d.message.clone()?).ok().flatten().map(|e| CustomerLive::Message(Box::new(e)))
            }
            EventKind::ConversationCreated { .. }
            | EventKind::ConversationChanged { .. }
            | EventKind::RatingCreated { .. } => {
                customer_conversation(&snap, c.clone()).ok().map(|c| CustomerLive::Conversation(Box::new(c)))
            }
            _ => None,
        }
    }

    /// Whether a typing signal goes to `who`: an agent's, in their own conversation.
    pub fn customer_sees_typing(&self, who: &Customer, t: &Typing) -> bool {
        matches!(t.typist, Typist::Agent { .. })
            && t.conversation.contact_id == who.session.contact_id
            && t.conversation.inbox_id == who.session.inbox_id
    }
}

impl Desk {
    /// Whether the customer's token still works (the session was not ended or revoked).
    pub fn customer_session_stands(&self, who: &Customer) -> bool {
        use crate::store::WidgetReads;
        self.store.snapshot().and_then(|s| s.customer_session(&who.hash)).is_ok_and(|s| s.is_some())
    }
}

impl Desk {
    /// Whether a browser page at `origin` may call the customer API at all: this server's own
    /// pages, or a site some live-chat inbox allows (each call then checks its own inbox).
    pub fn widget_origin_known(&self, origin: &str, host: Option<&str>) -> bool {
        use crate::domain::widget::origin_allowed;
        use crate::store::WorkspaceReads;
        let Ok(inboxes) = self.store.snapshot().and_then(|s| s.inboxes()) else { return false };
        let own = crate::domain::widget::WidgetSettings::default();
        origin_allowed(&own, Some(origin), host)
            || inboxes.iter().any(|i| origin_allowed(&i.widget, Some(origin), None))
    }
}
