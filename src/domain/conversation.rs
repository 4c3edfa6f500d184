//! Conversations (tickets) and their messages (F1, F2, F12): the stored shapes and the
//! derived facts lists and permissions need (waiting since, detailed status).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// Where a conversation stands (F2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Waiting for an agent.
    Queued,
    /// Offered to one agent who has not accepted yet.
    Offered,
    /// An agent is handling it.
    Open,
    /// The agent answered; waiting for the customer.
    Pending,
    /// Finished.
    Closed,
}

impl Status {
    /// The status's name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Offered => "offered",
            Status::Open => "open",
            Status::Pending => "pending",
            Status::Closed => "closed",
        }
    }
}

/// The detailed status (F2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Detailed {
    /// The customer wrote last and waits for an answer.
    CustomerWaiting,
    /// An agent answered last.
    AgentAnswered,
    /// Started by an agent; nobody has written yet.
    New,
    /// Closed by the agent handling it.
    ClosedByAgent,
    /// Closed by a supervisor or admin who did not own it.
    ClosedBySupervisor,
    /// Closed after the inbox's idle time.
    ClosedAutomatically,
    /// Closed by the customer.
    ClosedByCustomer,
}

impl Detailed {
    /// The detailed status's name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Detailed::CustomerWaiting => "customer_waiting",
            Detailed::AgentAnswered => "agent_answered",
            Detailed::New => "new",
            Detailed::ClosedByAgent => "closed_by_agent",
            Detailed::ClosedBySupervisor => "closed_by_supervisor",
            Detailed::ClosedAutomatically => "closed_automatically",
            Detailed::ClosedByCustomer => "closed_by_customer",
        }
    }
}

/// How urgent a conversation is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// Low.
    Low,
    /// Normal.
    #[default]
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl Priority {
    /// The priority's name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

/// How a conversation started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A customer wrote in (widget or API channel).
    Inbound,
    /// An agent started it (F6).
    Outbound,
    /// A bot handed it over with a transcript (F7).
    BotHandoff,
}

/// A conversation (ticket).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversation {
    /// Opaque id (`cv_…`).
    pub id: String,
    /// Human number (`#1001`), never reused.
    pub number: u64,
    /// The inbox it belongs to.
    pub inbox_id: String,
    /// The customer.
    pub contact_id: String,
    /// Status.
    pub status: Status,
    /// Detailed status.
    pub detailed: Detailed,
    /// The agent handling it.
    pub assignee: Option<String>,
    /// The team it is queued for (transfers to a team).
    #[serde(default)]
    pub team_id: Option<String>,
    /// Label ids.
    pub labels: Vec<String>,
    /// Agents who took part (wrote, noted, joined), the assignee included.
    pub participants: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Priority.
    pub priority: Priority,
    /// How it started.
    pub origin: Origin,
    /// Created.
    pub created_at: Timestamp,
    /// Last change of any kind.
    pub updated_at: Timestamp,
    /// Since when a customer message waits for an answer (None when nobody waits).
    pub waiting_since: Option<Timestamp>,
    /// Last customer or agent message.
    pub last_message_at: Option<Timestamp>,
    /// When the status last changed.
    pub status_since: Timestamp,
    /// Messages in the timeline that count for unread (customer, agent, note).
    pub message_count: u32,
    /// Timeline entries of every kind, system events included (the next message index).
    pub timeline_len: u32,
    /// First time an agent accepted or took it.
    pub accepted_at: Option<Timestamp>,
    /// First agent reply.
    pub first_response_at: Option<Timestamp>,
    /// When it was closed.
    pub closed_at: Option<Timestamp>,
    /// The wrap-up reason it was closed with.
    pub wrap_up_id: Option<String>,
    /// Why someone else's conversation was closed.
    pub close_justification: Option<String>,
    /// Times reopened.
    pub reopen_count: u32,
    /// Times transferred.
    #[serde(default)]
    pub transfer_count: u32,
    /// Offers that timed out.
    #[serde(default)]
    pub rona_count: u32,
    /// The offer waiting for an answer (status `offered`).
    #[serde(default)]
    pub offer: Option<Offer>,
    /// Agents who declined or missed an offer of it since it was last taken.
    #[serde(default)]
    pub skipped: Vec<Skip>,
    /// Agents who joined a conference on it (F24).
    #[serde(default)]
    pub conference: Vec<String>,
    /// Agents invited to a conference who have not joined yet.
    #[serde(default)]
    pub invited: Vec<String>,
}

/// An offer of a conversation to one agent (F22, F23).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The agent offered to.
    pub agent_id: String,
    /// When it was made.
    pub offered_at: Timestamp,
    /// When it expires unanswered.
    pub deadline: Timestamp,
    /// Set when the offer is a transfer from another agent.
    #[serde(default)]
    pub transfer: Option<TransferInfo>,
}

/// Who handed a conversation over, and what they said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferInfo {
    /// The user who transferred.
    pub from: String,
    /// The note for the receiver.
    pub note: Option<String>,
}

/// An agent who declined or missed an offer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    /// The agent.
    pub agent_id: String,
    /// When they declined or the offer expired.
    pub at: Timestamp,
}

impl Conversation {
    /// A new conversation with an empty timeline, queued and waiting for an agent; callers
    /// adjust what differs (outbound ones start open and assigned).
    pub fn new(id: String, number: u64, inbox_id: String, contact_id: String, origin: Origin, now: Timestamp) -> Self {
        Conversation {
            id,
            number,
            inbox_id,
            contact_id,
            status: Status::Queued,
            detailed: Detailed::CustomerWaiting,
            assignee: None,
            team_id: None,
            labels: Vec::new(),
            participants: Vec::new(),
            subject: String::new(),
            priority: Priority::Normal,
            origin,
            created_at: now,
            updated_at: now,
            waiting_since: None,
            last_message_at: None,
            status_since: now,
            message_count: 0,
            timeline_len: 0,
            accepted_at: None,
            first_response_at: None,
            closed_at: None,
            wrap_up_id: None,
            close_justification: None,
            reopen_count: 0,
            transfer_count: 0,
            rona_count: 0,
            offer: None,
            skipped: Vec::new(),
            conference: Vec::new(),
            invited: Vec::new(),
        }
    }

    /// The next timeline entry: it takes the next index and the timeline grows by one. Its id
    /// is derived from the conversation, the index and `at` ([`super::id::message_id`]).
    pub fn next_entry(
        &mut self,
        kind: MessageKind,
        author: Author,
        text: String,
        event: Option<&str>,
        at: Timestamp,
    ) -> Message {
        let m = Message {
            id: super::id::message_id(&self.id, self.timeline_len, at),
            conversation_id: self.id.clone(),
            index: self.timeline_len,
            kind,
            author,
            text,
            event: event.map(str::to_string),
            says: None,
            reply_to: None,
            attachments: Vec::new(),
            reactions: BTreeMap::new(),
            created_at: at,
        };
        self.timeline_len += 1;
        m
    }

    /// Adds a system entry saying `e`, by `author`, at the end of the timeline.
    pub fn next_system_entry(&mut self, author: Author, e: super::lifecycle::Entry, at: Timestamp) -> Message {
        let mut m = self.next_entry(MessageKind::System, author, e.text(), Some(e.event), at);
        m.says = Some(e.says);
        m
    }

    /// Whether the conversation still needs work.
    pub fn is_active(&self) -> bool {
        self.status != Status::Closed
    }
}

/// What a timeline entry is (F12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    /// Written by the customer (or a bot on their behalf before hand-off).
    Customer,
    /// An agent's reply, seen by the customer.
    Agent,
    /// An internal note, never shown to the customer.
    Note,
    /// A system event (assigned, closed, labels changed …).
    System,
}

/// Who wrote a timeline entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Author {
    /// A user (agent, supervisor, admin).
    User {
        /// The user.
        id: String,
    },
    /// The customer.
    Contact {
        /// The contact.
        id: String,
    },
    /// A bot, before hand-off.
    Bot {
        /// The bot's name.
        name: String,
    },
    /// Switchboard itself.
    System,
}

/// One timeline entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// Opaque id (`msg_…`).
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// Position in the timeline, from 0.
    pub index: u32,
    /// Kind.
    pub kind: MessageKind,
    /// Author.
    pub author: Author,
    /// Text exactly as sent (system entries: a sentence describing the event).
    pub text: String,
    /// For system entries: the event's machine name (`assigned`, `closed` …).
    #[serde(default)]
    pub event: Option<String>,
    /// For system entries: the sentence and its parts, for pages to say in their language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub says: Option<super::says::Says>,
    /// The message this one replies to.
    pub reply_to: Option<String>,
    /// Attachment ids.
    pub attachments: Vec<String>,
    /// Emoji → user ids who reacted with it.
    pub reactions: BTreeMap<String, Vec<String>>,
    /// Created.
    pub created_at: Timestamp,
}

/// The orders of list views.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Longest waiting first, then the others by most recent update.
    Waiting,
    /// Most recently updated first.
    Updated,
    /// Newest first.
    Created,
}

/// Formats a human number.
pub fn display_number(n: u64) -> String {
    format!("#{n}")
}

/// The first human number.
pub const FIRST_NUMBER: u64 = 1001;
