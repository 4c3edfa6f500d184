//! The shapes of conversations in the API, shared by lists, cards and actions.

use poem_openapi::{Enum, Object};
use time::OffsetDateTime;

use super::common::to_time;
use super::inboxes::ChannelDto;
use crate::desk::ConversationView;
use crate::domain::conversation::{Detailed, Origin, Priority, Status};
use crate::domain::metrics::ConversationMetrics;

/// Where a conversation stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ConversationStatusDto {
    /// Waiting for an agent.
    Queued,
    /// Offered to one agent who has not accepted yet.
    Offered,
    /// An agent is handling it.
    Open,
    /// The agent answered; waiting for the customer (auto-close expected).
    Pending,
    /// Finished.
    Closed,
}

impl From<Status> for ConversationStatusDto {
    fn from(s: Status) -> Self {
        match s {
            Status::Queued => Self::Queued,
            Status::Offered => Self::Offered,
            Status::Open => Self::Open,
            Status::Pending => Self::Pending,
            Status::Closed => Self::Closed,
        }
    }
}

impl From<ConversationStatusDto> for Status {
    fn from(s: ConversationStatusDto) -> Self {
        match s {
            ConversationStatusDto::Queued => Self::Queued,
            ConversationStatusDto::Offered => Self::Offered,
            ConversationStatusDto::Open => Self::Open,
            ConversationStatusDto::Pending => Self::Pending,
            ConversationStatusDto::Closed => Self::Closed,
        }
    }
}

/// The detailed status.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum DetailedStatusDto {
    /// The customer wrote last and waits for an answer.
    CustomerWaiting,
    /// An agent answered last.
    AgentAnswered,
    /// Started by an agent; nobody has written yet.
    New,
    /// Closed by its agent.
    ClosedByAgent,
    /// Closed by a supervisor or admin who did not handle it.
    ClosedBySupervisor,
    /// Closed after the inbox's idle time.
    ClosedAutomatically,
    /// Closed by the customer.
    ClosedByCustomer,
}

impl From<Detailed> for DetailedStatusDto {
    fn from(d: Detailed) -> Self {
        match d {
            Detailed::CustomerWaiting => Self::CustomerWaiting,
            Detailed::AgentAnswered => Self::AgentAnswered,
            Detailed::New => Self::New,
            Detailed::ClosedByAgent => Self::ClosedByAgent,
            Detailed::ClosedBySupervisor => Self::ClosedBySupervisor,
            Detailed::ClosedAutomatically => Self::ClosedAutomatically,
            Detailed::ClosedByCustomer => Self::ClosedByCustomer,
        }
    }
}

impl From<DetailedStatusDto> for Detailed {
    fn from(d: DetailedStatusDto) -> Self {
        match d {
            DetailedStatusDto::CustomerWaiting => Self::CustomerWaiting,
            DetailedStatusDto::AgentAnswered => Self::AgentAnswered,
            DetailedStatusDto::New => Self::New,
            DetailedStatusDto::ClosedByAgent => Self::ClosedByAgent,
            DetailedStatusDto::ClosedBySupervisor => Self::ClosedBySupervisor,
            DetailedStatusDto::ClosedAutomatically => Self::ClosedAutomatically,
            DetailedStatusDto::ClosedByCustomer => Self::ClosedByCustomer,
        }
    }
}

/// How urgent a conversation is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum PriorityDto {
    /// Low.
    Low,
    /// Normal.
    Normal,
    /// High.
    High,
    /// Urgent.
    Urgent,
}

impl From<Priority> for PriorityDto {
    fn from(p: Priority) -> Self {
        match p {
            Priority::Low => Self::Low,
            Priority::Normal => Self::Normal,
            Priority::High => Self::High,
            Priority::Urgent => Self::Urgent,
        }
    }
}

impl From<PriorityDto> for Priority {
    fn from(p: PriorityDto) -> Self {
        match p {
            PriorityDto::Low => Self::Low,
            PriorityDto::Normal => Self::Normal,
            PriorityDto::High => Self::High,
            PriorityDto::Urgent => Self::Urgent,
        }
    }
}

/// How a conversation started.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum OriginDto {
    /// A customer wrote in.
    Inbound,
    /// An agent started it.
    Outbound,
    /// A bot handed it over.
    BotHandoff,
}

/// The contact beside a conversation.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ContactSummary {
    /// Contact id.
    pub id: String,
    /// Name (or email, or phone, when the name is unknown).
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// The latest message of a conversation, for a list's preview.
#[derive(Object)]
pub struct LastMessageDto {
    /// Customer message, agent reply or internal note.
    pub kind: super::messages::MessageKindDto,
    /// Its text, cut to 140 characters (with `…` when cut).
    pub text: String,
    /// When it was written.
    pub created_at: OffsetDateTime,
}

/// Characters of a message a preview keeps.
const PREVIEW_CHARS: usize = 140;

impl From<crate::domain::conversation::Message> for LastMessageDto {
    fn from(m: crate::domain::conversation::Message) -> Self {
        let mut text: String = m.text.chars().take(PREVIEW_CHARS).collect();
        if m.text.chars().nth(PREVIEW_CHARS).is_some() {
            text.push('…');
        }
        LastMessageDto { kind: m.kind.into(), text, created_at: to_time(m.created_at) }
    }
}

/// A conversation (ticket).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationDto {
    /// Opaque id.
    pub id: String,
    /// Human number, e.g. 1042 (shown as `#1042`); never reused.
    pub number: u64,
    /// Inbox.
    pub inbox_id: String,
    /// The inbox's channel type.
    pub channel: Option<ChannelDto>,
    /// The customer.
    pub contact: Option<ContactSummary>,
    /// Status.
    pub status: ConversationStatusDto,
    /// Detailed status.
    pub detailed_status: DetailedStatusDto,
    /// The agent handling it.
    pub assignee_id: Option<String>,
    /// The team it is queued for.
    pub team_id: Option<String>,
    /// Label ids.
    pub labels: Vec<String>,
    /// Agents who took part.
    pub participants: Vec<String>,
    /// Subject.
    pub subject: String,
    /// Priority.
    pub priority: PriorityDto,
    /// How it started.
    pub origin: OriginDto,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// Since when the customer waits for an answer; absent when nobody waits.
    pub waiting_since: Option<OffsetDateTime>,
    /// Last customer or agent message.
    pub last_message_at: Option<OffsetDateTime>,
    /// When the status last changed.
    pub status_since: OffsetDateTime,
    /// When it was closed.
    pub closed_at: Option<OffsetDateTime>,
    /// The wrap-up reason it was closed with.
    pub wrap_up_reason_id: Option<String>,
    /// Messages (customer, agent, notes) in the timeline.
    pub message_count: u32,
    /// Its latest message or note (absent before the first), for a list's preview.
    pub last_message: Option<LastMessageDto>,
    /// Timeline entries of every kind, system entries included (the next entry's index):
    /// the latest page of the timeline starts at `cursor = timeline_len - limit`.
    pub timeline_len: u32,
    /// Messages the caller has not read.
    pub unread_count: u32,
    /// Times reopened.
    pub reopen_count: u32,
    /// Times transferred.
    pub transfer_count: u32,
    /// Offers of it that timed out (RONA).
    pub rona_count: u32,
    /// First time an agent accepted or took it.
    pub accepted_at: Option<OffsetDateTime>,
    /// First agent reply.
    pub first_response_at: Option<OffsetDateTime>,
    /// The offer waiting for an answer (status `offered`).
    pub offer: Option<OfferDto>,
    /// Agents who joined a conference on it.
    pub conference: Vec<String>,
    /// Agents invited to a conference who have not joined yet.
    pub invited: Vec<String>,
    /// Its metrics (F29), computed when it was read.
    pub metrics: ConversationMetricsDto,
    /// The customer's satisfaction rating, once given after the close (F31).
    pub rating: Option<RatingDto>,
}

/// A customer's satisfaction rating.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct RatingDto {
    /// 1 (bad) to 5 (excellent).
    pub score: u8,
    /// The customer's words.
    pub comment: Option<String>,
    /// When it was given.
    pub created_at: OffsetDateTime,
}

/// The metrics of one conversation (F29), in whole seconds, computed at the moment of the
/// request. A time is absent until the moment it measures has happened.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationMetricsDto {
    /// Accept time: the first time an agent accepted an offer of it or took it (assign),
    /// minus `created_at`. For conversations an agent started it is 0.
    pub accept_secs: Option<i64>,
    /// First response time: the first agent reply seen by the customer (notes do not count),
    /// minus `created_at`.
    pub first_response_secs: Option<i64>,
    /// Duration: the last customer or agent message (notes and system entries do not count),
    /// minus `created_at`.
    pub duration_secs: Option<i64>,
    /// Time to close: `closed_at` minus `created_at`, while it is closed (after a reopen, the
    /// latest close counts; absent while reopened).
    pub time_to_close_secs: Option<i64>,
    /// Time in the current status: now minus `status_since`.
    pub time_in_status_secs: i64,
    /// Times transferred to another agent or to a team.
    pub transfers: u32,
    /// Offers of it that timed out unanswered (RONA).
    pub ronas: u32,
    /// Times reopened after being closed.
    pub reopens: u32,
}

impl From<ConversationMetrics> for ConversationMetricsDto {
    fn from(m: ConversationMetrics) -> Self {
        ConversationMetricsDto {
            accept_secs: m.accept_secs,
            first_response_secs: m.first_response_secs,
            duration_secs: m.duration_secs,
            time_to_close_secs: m.time_to_close_secs,
            time_in_status_secs: m.time_in_status_secs,
            transfers: m.transfers,
            ronas: m.ronas,
            reopens: m.reopens,
        }
    }
}

/// An offer of a conversation to one agent.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct OfferDto {
    /// The agent offered to.
    pub agent_id: String,
    /// When the offer was made.
    pub offered_at: OffsetDateTime,
    /// When it expires unanswered (the agent then goes `rona` and the conversation back to
    /// the queue).
    pub deadline: OffsetDateTime,
    /// For transfers: who transferred it.
    pub transferred_by: Option<String>,
    /// For transfers: the note for the receiver.
    pub note: Option<String>,
}

impl From<ConversationView> for ConversationDto {
    fn from(v: ConversationView) -> Self {
        let c = v.conversation;
        ConversationDto {
            id: c.id,
            number: c.number,
            inbox_id: c.inbox_id,
            channel: v.channel.map(Into::into),
            contact: v.contact.map(|k| ContactSummary {
                name: k.display_name(),
                id: k.id,
                email: k.email,
                phone: k.phone,
            }),
            status: c.status.into(),
            detailed_status: c.detailed.into(),
            assignee_id: c.assignee,
            team_id: c.team_id,
            labels: c.labels,
            participants: c.participants,
            subject: c.subject,
            priority: c.priority.into(),
            origin: match c.origin {
                Origin::Inbound => OriginDto::Inbound,
                Origin::Outbound => OriginDto::Outbound,
                Origin::BotHandoff => OriginDto::BotHandoff,
            },
            created_at: to_time(c.created_at),
            updated_at: to_time(c.updated_at),
            waiting_since: c.waiting_since.map(to_time),
            last_message_at: c.last_message_at.map(to_time),
            status_since: to_time(c.status_since),
            closed_at: c.closed_at.map(to_time),
            wrap_up_reason_id: c.wrap_up_id,
            message_count: c.message_count,
            last_message: v.last_message.map(Into::into),
            timeline_len: c.timeline_len,
            unread_count: v.unread,
            reopen_count: c.reopen_count,
            transfer_count: c.transfer_count,
            rona_count: c.rona_count,
            accepted_at: c.accepted_at.map(to_time),
            first_response_at: c.first_response_at.map(to_time),
            offer: c.offer.map(|o| OfferDto {
                agent_id: o.agent_id,
                offered_at: to_time(o.offered_at),
                deadline: to_time(o.deadline),
                transferred_by: o.transfer.as_ref().map(|t| t.from.clone()),
                note: o.transfer.and_then(|t| t.note),
            }),
            conference: c.conference,
            invited: c.invited,
            metrics: v.metrics.into(),
            rating: v.rating.map(|r| RatingDto {
                score: r.score,
                comment: Some(r.comment).filter(|c| !c.is_empty()),
                created_at: to_time(r.created_at),
            }),
        }
    }
}
