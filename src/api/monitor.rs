//! `/api/v1/monitor`: the supervisor's live tabs (F26–F28), conversations and agents, with
//! search and filters. Supervisors and admins only. Acting on a conversation (transfer, close
//! with a justification) uses the ordinary conversation endpoints.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};
use time::OffsetDateTime;

use super::common::{page_limit, to_time};
use super::conversation_dto::{ContactSummary, ConversationStatusDto, DetailedStatusDto};
use super::error::ApiResult;
use super::inboxes::ChannelDto;
use super::users::{RoleDto, StatusDto};
use super::{ApiTags, BearerAuth};
use crate::desk::{Desk, MonitorAgent, MonitorConversation, MonitorFilter, Named};

/// An id with its display name.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct NamedDto {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

impl From<Named> for NamedDto {
    fn from(n: Named) -> Self {
        NamedDto { id: n.id, name: n.name }
    }
}

/// A row of the conversations tab.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MonitorConversationDto {
    /// Opaque id.
    pub id: String,
    /// Human number (shown as `#1042`).
    pub number: u64,
    /// The inbox.
    pub inbox: Option<NamedDto>,
    /// The inbox's channel.
    pub channel: Option<ChannelDto>,
    /// Status.
    pub status: ConversationStatusDto,
    /// Detailed status.
    pub detailed_status: DetailedStatusDto,
    /// The customer.
    pub customer: Option<ContactSummary>,
    /// The agent handling it.
    pub agent: Option<NamedDto>,
    /// The agent it is offered (or transferred) to, waiting for their answer.
    pub offered_to: Option<NamedDto>,
    /// The team it is queued for after a transfer, else the teams serving its inbox.
    pub teams: Vec<NamedDto>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last change.
    pub updated_at: OffsetDateTime,
    /// When the status last changed.
    pub status_since: OffsetDateTime,
    /// Since when the customer waits for an answer.
    pub waiting_since: Option<OffsetDateTime>,
    /// Seconds in the current status (now − `status_since`).
    pub time_in_status_secs: i64,
    /// Duration: the last customer or agent message − created, in seconds.
    pub duration_secs: Option<i64>,
    /// Times transferred.
    pub transfers: u32,
    /// Offers of it that timed out (RONA).
    pub ronas: u32,
}

impl From<MonitorConversation> for MonitorConversationDto {
    fn from(m: MonitorConversation) -> Self {
        let c = m.conversation;
        MonitorConversationDto {
            id: c.id,
            number: c.number,
            inbox: m.inbox.map(Into::into),
            channel: m.channel.map(Into::into),
            status: c.status.into(),
            detailed_status: c.detailed.into(),
            customer: m.contact.map(|k| ContactSummary {
                name: k.display_name(),
                id: k.id,
                email: k.email,
                phone: k.phone,
            }),
            agent: m.agent.map(Into::into),
            offered_to: m.offered_to.map(Into::into),
            teams: m.teams.into_iter().map(Into::into).collect(),
            created_at: to_time(c.created_at),
            updated_at: to_time(c.updated_at),
            status_since: to_time(c.status_since),
            waiting_since: c.waiting_since.map(to_time),
            time_in_status_secs: m.metrics.time_in_status_secs,
            duration_secs: m.metrics.duration_secs,
            transfers: m.metrics.transfers,
            ronas: m.metrics.ronas,
        }
    }
}

/// A page of the conversations tab.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MonitorConversationPage {
    /// The rows.
    pub items: Vec<MonitorConversationDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A row of the agents tab.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MonitorAgentDto {
    /// The user's id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Role.
    pub role: RoleDto,
    /// Current status.
    pub status: StatusDto,
    /// When the status last changed (the account's creation when it never did).
    pub status_since: OffsetDateTime,
    /// Seconds in the current status.
    pub time_in_status_secs: i64,
    /// Active conversations: assigned and not closed, plus offers waiting for their answer.
    pub active_conversations: u32,
    /// The most active conversations they may have.
    pub capacity: u32,
    /// Whether active conversations reach capacity (no new offers).
    pub busy: bool,
    /// Transfers they made.
    pub transfers_made: u32,
    /// Their teams.
    pub teams: Vec<NamedDto>,
}

impl From<MonitorAgent> for MonitorAgentDto {
    fn from(a: MonitorAgent) -> Self {
        let u = a.user;
        MonitorAgentDto {
            status_since: to_time(u.status_since()),
            id: u.id,
            name: u.name,
            email: u.email,
            role: u.role.into(),
            status: u.status.into(),
            time_in_status_secs: a.time_in_status_secs,
            active_conversations: a.active,
            capacity: u.capacity,
            busy: a.active >= u.capacity,
            transfers_made: u.transfers_made,
            teams: a.teams.into_iter().map(Into::into).collect(),
        }
    }
}

/// A page of the agents tab.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MonitorAgentPage {
    /// The rows.
    pub items: Vec<MonitorAgentDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// The monitor's counts at a glance.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MonitorSummaryDto {
    /// Conversations waiting in a queue.
    pub queued: u32,
    /// Conversations offered to an agent, waiting for the answer.
    pub offered: u32,
    /// Conversations in progress.
    pub open: u32,
    /// Conversations waiting for the customer.
    pub pending: u32,
    /// Since when the longest-waiting conversation has waited; absent when none waits.
    pub longest_waiting_since: Option<OffsetDateTime>,
    /// Active users available.
    pub agents_available: u32,
    /// Active users away.
    pub agents_away: u32,
    /// Active users in RONA (missed an offer).
    pub agents_rona: u32,
    /// Active users offline.
    pub agents_offline: u32,
}

/// The supervisor monitor.
#[derive(Default)]
pub struct MonitorApi;

#[OpenApi(tag = "ApiTags::Monitor")]
impl MonitorApi {
    /// Monitor conversations
    ///
    /// The live conversations tab: conversations not closed (unless `status` asks for others),
    /// longest waiting first, then the most recently updated; each with its customer, agent,
    /// teams, times and transfers. `q` searches customer and agent names, emails and phones,
    /// ignoring case and accents. Supervisors and admins.
    #[oai(path = "/monitor/conversations", method = "get", operation_id = "monitorConversations")]
    #[allow(clippy::too_many_arguments)]
    async fn conversations(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// Customer or agent name, email or phone (any part of it).
        #[oai(validator(max_length = 200))]
        q: Query<Option<String>>,
        /// Any of these statuses (repeat for several; default: every status but `closed`).
        #[oai(default)]
        status: Query<Vec<ConversationStatusDto>>,
        /// Handled by, or offered to, this agent.
        agent_id: Query<Option<String>>,
        /// Queued for this team, or in an inbox it serves.
        team_id: Query<Option<String>>,
        /// From inboxes of this channel type.
        channel: Query<Option<ChannelDto>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<MonitorConversationPage>> {
        let f = MonitorFilter {
            q: q.0,
            agent_id: agent_id.0,
            team_id: team_id.0,
            channel: channel.0.map(Into::into),
            cursor: cursor.0,
            limit: page_limit(limit.0)?,
        };
        let statuses: Vec<_> = status.0.into_iter().map(Into::into).collect();
        let (rows, next_cursor) = desk.monitor_conversations(&auth.0, &statuses, &f)?;
        Ok(Json(MonitorConversationPage { items: rows.into_iter().map(Into::into).collect(), next_cursor }))
    }

    /// Monitor summary
    ///
    /// The counts at the top of the monitor: conversations not closed by status, since when
    /// the longest-waiting one has waited, and active users by status. Supervisors and admins.
    #[oai(path = "/monitor/summary", method = "get", operation_id = "monitorSummary")]
    async fn summary(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<MonitorSummaryDto>> {
        let s = desk.monitor_summary(&auth.0)?;
        Ok(Json(MonitorSummaryDto {
            queued: s.queued,
            offered: s.offered,
            open: s.open,
            pending: s.pending,
            longest_waiting_since: s.longest_waiting_since.map(to_time),
            agents_available: s.available,
            agents_away: s.away,
            agents_rona: s.rona,
            agents_offline: s.offline,
        }))
    }

    /// Monitor agents
    ///
    /// The live agents tab: every active user with their status and time in it, active
    /// conversations against capacity, transfers made and teams, in creation order. `q`
    /// searches names and emails, ignoring case and accents. Supervisors and admins.
    #[oai(path = "/monitor/agents", method = "get", operation_id = "monitorAgents")]
    #[allow(clippy::too_many_arguments)]
    async fn agents(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// Name or email (any part of it).
        #[oai(validator(max_length = 200))]
        q: Query<Option<String>>,
        /// Any of these statuses (repeat for several).
        #[oai(default)]
        status: Query<Vec<StatusDto>>,
        /// Only this user.
        agent_id: Query<Option<String>>,
        /// Members of this team.
        team_id: Query<Option<String>>,
        /// Members of a team serving an inbox of this channel type.
        channel: Query<Option<ChannelDto>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<MonitorAgentPage>> {
        let f = MonitorFilter {
            q: q.0,
            agent_id: agent_id.0,
            team_id: team_id.0,
            channel: channel.0.map(Into::into),
            cursor: cursor.0,
            limit: page_limit(limit.0)?,
        };
        let statuses: Vec<_> = status.0.into_iter().map(Into::into).collect();
        let (rows, next_cursor) = desk.monitor_agents(&auth.0, &statuses, &f)?;
        Ok(Json(MonitorAgentPage { items: rows.into_iter().map(Into::into).collect(), next_cursor }))
    }
}
