//! Offers, transfers and conferences on a conversation (F22–F24): the actions that hand a
//! conversation from one person to another.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::auth::NoContent;
use super::conversation_dto::ConversationDto;
use super::error::ApiResult;
use super::users::StatusDto;
use super::{ApiError, ApiTags, BearerAuth};
use crate::desk::{Desk, DeskError, Targets, TransferTarget};

/// Where to transfer: exactly one of `agent_id` and `team_id`.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct TransferBody {
    /// An agent: the conversation is offered to them with the inbox's offer timeout.
    pub agent_id: Option<String>,
    /// A team: the conversation waits in the queue for that team's agents.
    pub team_id: Option<String>,
    /// A note shown to the receiver (at most 2000 characters).
    #[oai(validator(max_length = 2000))]
    pub note: Option<String>,
}

/// Whom to invite.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct InviteBody {
    /// The agent to invite.
    pub agent_id: String,
}

/// An agent a conversation can be transferred to or shared with.
#[derive(Object)]
pub struct TargetAgentDto {
    /// User id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Availability: only `available` agents under capacity can be offered it.
    pub status: StatusDto,
    /// Active conversations (assigned and not closed, plus offers held).
    pub active: u32,
    /// Most active conversations they take.
    pub capacity: u32,
}

/// A team a conversation can be queued for.
#[derive(Object)]
pub struct TargetTeamDto {
    /// Team id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// Who a conversation can go to.
#[derive(Object)]
pub struct TransferTargetsDto {
    /// Agents serving its inbox (the caller left out), available ones first, then by name.
    pub agents: Vec<TargetAgentDto>,
    /// The inbox's teams, by name.
    pub teams: Vec<TargetTeamDto>,
}

impl From<Targets> for TransferTargetsDto {
    fn from(t: Targets) -> Self {
        TransferTargetsDto {
            agents: t
                .agents
                .into_iter()
                .map(|a| TargetAgentDto {
                    id: a.id,
                    name: a.name,
                    status: a.status.into(),
                    active: a.active,
                    capacity: a.capacity,
                })
                .collect(),
            teams: t.teams.into_iter().map(|t| TargetTeamDto { id: t.id, name: t.name }).collect(),
        }
    }
}

/// Offers, transfers and conferences.
#[derive(Default)]
pub struct HandoverApi;

#[OpenApi(tag = "ApiTags::Conversations")]
impl HandoverApi {
    /// Accept an offer
    ///
    /// The agent offered the conversation takes it: it becomes theirs and `open`. 409 when
    /// the offer expired (the conversation went back to the queue), went to another agent,
    /// or was never made to the caller.
    #[oai(path = "/conversations/:id/accept", method = "post", operation_id = "acceptOffer")]
    async fn accept(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.accept(&auth.0, &id.0).await?.into()))
    }

    /// Decline an offer
    ///
    /// The conversation goes back to the queue and is offered to the next eligible agent;
    /// the caller is not offered it again while someone else can take it.
    #[oai(path = "/conversations/:id/decline", method = "post", operation_id = "declineOffer")]
    async fn decline(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<NoContent> {
        desk.decline(&auth.0, &id.0).await?;
        Ok(NoContent::Done)
    }

    /// Transfer a conversation
    ///
    /// The agent handling it (or a supervisor) hands it to an agent (offered to them; if they
    /// do not accept in time it goes back to the inbox's queue, never lost) or to a team
    /// (queued for its agents), with an optional note. 409 when the target is the caller,
    /// is not available or is at capacity, or when the conversation is not accepted yet or
    /// closed.
    #[oai(path = "/conversations/:id/transfer", method = "post", operation_id = "transferConversation")]
    async fn transfer(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<TransferBody>,
    ) -> ApiResult<Json<ConversationDto>> {
        let b = body.0;
        let target = match (b.agent_id, b.team_id) {
            (Some(a), None) => TransferTarget::Agent(a),
            (None, Some(t)) => TransferTarget::Team(t),
            _ => return Err(ApiError::from(DeskError::field("agent_id", "give exactly one of agent_id and team_id"))),
        };
        Ok(Json(desk.transfer(&auth.0, &id.0, target, b.note).await?.into()))
    }

    /// List transfer targets
    ///
    /// The agents serving the conversation's inbox, with their status, load and capacity,
    /// and the inbox's teams: whom the caller can transfer it to or invite. Any staff member
    /// who can see the conversation may ask (agents cannot list users).
    #[oai(path = "/conversations/:id/transfer-targets", method = "get", operation_id = "listTransferTargets")]
    async fn targets(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
    ) -> ApiResult<Json<TransferTargetsDto>> {
        Ok(Json(desk.transfer_targets(&auth.0, &id.0)?.into()))
    }

    /// Invite an agent (conference)
    ///
    /// The agent handling the conversation (or a supervisor) invites a colleague, who sees
    /// it at once and joins with `POST /conversations/{id}/conference/accept`.
    #[oai(path = "/conversations/:id/conference", method = "post", operation_id = "inviteToConference")]
    async fn invite(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<InviteBody>,
    ) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.invite(&auth.0, &id.0, &body.0.agent_id).await?.into()))
    }

    /// Join a conference
    ///
    /// The invited agent joins: a system message says so, and they can read and reply.
    #[oai(path = "/conversations/:id/conference/accept", method = "post", operation_id = "joinConference")]
    async fn join(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.join(&auth.0, &id.0).await?.into()))
    }

    /// End the conference
    ///
    /// The agent handling the conversation (or a supervisor) ends it: invited and joined
    /// agents leave (they keep read access to what they took part in).
    #[oai(path = "/conversations/:id/conference", method = "delete", operation_id = "endConference")]
    async fn end(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.end_conference(&auth.0, &id.0).await?.into()))
    }
}
