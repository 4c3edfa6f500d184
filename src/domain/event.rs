//! The event log's entries: every accepted change appends one or more events with the actor and
//! the time, under a strictly increasing sequence number. Search, real time, webhooks, metrics
//! and the audit trail all read from here.

use serde::{Deserialize, Serialize};

use super::{Role, Timestamp};

/// Who caused an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Actor {
    /// A signed-in user (or one of their API tokens).
    User {
        /// The user's id.
        id: String,
    },
    /// Switchboard itself: first-run set-up, timers, demo data.
    System,
    /// An operator at the command line (`switchboard user add`).
    Cli,
    /// An import of history (`switchboard import`, `POST /imports`): its events feed search
    /// and reports but are not news, so webhooks do not send them.
    Import,
}

/// One committed change, as stored in the event log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the log; strictly increasing, never reused.
    pub seq: u64,
    /// When the change was decided.
    pub at: Timestamp,
    /// Who made it.
    pub actor: Actor,
    /// What happened.
    pub kind: EventKind,
}

/// What happened to a piece of configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfigAction {
    /// Created.
    Created,
    /// Changed.
    Updated,
    /// Deleted (or archived).
    Deleted,
}

/// How an offer ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferOutcome {
    /// The agent accepted it.
    Accepted,
    /// The agent declined it.
    Declined,
    /// The deadline passed unanswered (the agent went `rona`).
    Expired,
    /// The agent could no longer take it (away, offline, deactivated) or it was closed.
    Withdrawn,
}

/// What happened. New kinds are added as features arrive; stored events are never rewritten.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A user account was created.
    UserCreated {
        /// The new user.
        user_id: String,
        /// Their email.
        email: String,
        /// Their role.
        role: Role,
    },
    /// A user's profile, role, capacity or activity changed.
    UserUpdated {
        /// The user changed.
        user_id: String,
        /// Names of the fields that changed (values of secrets are never logged).
        fields: Vec<String>,
    },
    /// A user was deactivated and their tokens revoked.
    UserDeactivated {
        /// The user deactivated.
        user_id: String,
        /// How many live tokens were revoked with them.
        revoked_tokens: u32,
    },
    /// A user changed their own password.
    PasswordChanged {
        /// The user.
        user_id: String,
    },
    /// A user signed in and received a session token.
    SignedIn {
        /// The user.
        user_id: String,
        /// The new session credential.
        credential_id: String,
    },
    /// A session was ended by signing out.
    SignedOut {
        /// The user.
        user_id: String,
        /// The session credential revoked.
        credential_id: String,
    },
    /// An API token was created.
    TokenCreated {
        /// The token's owner.
        user_id: String,
        /// The credential.
        credential_id: String,
        /// The token's name.
        name: String,
    },
    /// An API token was revoked.
    TokenRevoked {
        /// The token's owner.
        user_id: String,
        /// The credential.
        credential_id: String,
    },
    /// An agent's availability changed (F19).
    AgentStatusChanged {
        /// The agent.
        user_id: String,
        /// Before.
        from: crate::domain::AgentStatus,
        /// After.
        to: crate::domain::AgentStatus,
    },
    /// A conversation was offered to an agent (F22), or transferred to them (F23).
    OfferMade {
        /// The conversation.
        conversation_id: String,
        /// The agent offered to.
        agent_id: String,
        /// When the offer expires.
        deadline: Timestamp,
        /// Whether it is a transfer from another agent.
        transfer: bool,
    },
    /// An offer ended.
    OfferEnded {
        /// The conversation.
        conversation_id: String,
        /// The agent it was offered to.
        agent_id: String,
        /// How it ended.
        outcome: OfferOutcome,
    },
    /// A file was uploaded.
    AttachmentUploaded {
        /// The attachment.
        attachment_id: String,
        /// Added to the library.
        library: bool,
    },
    /// A contact was created.
    ContactCreated {
        /// The contact.
        contact_id: String,
    },
    /// A contact's card changed.
    ContactUpdated {
        /// The contact.
        contact_id: String,
        /// Names of the fields that changed.
        fields: Vec<String>,
    },
    /// A conversation was created.
    ConversationCreated {
        /// The conversation.
        conversation_id: String,
        /// Its inbox.
        inbox_id: String,
        /// Its contact.
        contact_id: String,
    },
    /// A conversation changed: assigned, closed, reopened, relabelled …
    ConversationChanged {
        /// The conversation.
        conversation_id: String,
        /// What happened: `assigned`, `unassigned`, `closed`, `reopened`, `updated`, `read`, `unread`.
        action: String,
        /// Its status afterwards.
        status: crate::domain::conversation::Status,
    },
    /// A timeline entry was added.
    MessageCreated {
        /// The conversation.
        conversation_id: String,
        /// The entry.
        message_id: String,
        /// Its kind.
        kind: crate::domain::conversation::MessageKind,
    },
    /// A timeline entry changed (reactions).
    MessageChanged {
        /// The conversation.
        conversation_id: String,
        /// The entry.
        message_id: String,
    },
    /// A team, inbox, label, canned response, wrap-up reason or the settings changed.
    ConfigChanged {
        /// `team`, `inbox`, `label`, `canned_response`, `wrap_up_reason` or `settings`.
        entity: String,
        /// The entity's id (`settings` for the settings).
        id: String,
        /// What happened.
        action: ConfigAction,
        /// Names of the fields that changed.
        fields: Vec<String>,
    },
    /// A customer rated a closed conversation (F31).
    RatingCreated {
        /// The conversation.
        conversation_id: String,
        /// 1 to 5.
        score: u8,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_with_a_type_tag() {
        let e = Event {
            seq: 7,
            at: Timestamp(1),
            actor: Actor::User { id: "usr_1".into() },
            kind: EventKind::SignedIn { user_id: "usr_1".into(), credential_id: "tok_1".into() },
        };
        let json = serde_json::to_string(&e).expect("serialises");
        assert!(json.contains(r#""type":"signed_in""#), "{json}");
        assert_eq!(serde_json::from_str::<Event>(&json).expect("parses"), e);
    }
}
