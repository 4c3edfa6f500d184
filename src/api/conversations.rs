//! `/api/v1/conversations`: lists with views, filters and sorts; creation; the lifecycle
//! actions; read marks; bulk close.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use time::OffsetDateTime;

use super::common::page_limit;
use super::contacts::ContactBody;
use super::conversation_dto::{ConversationDto, ConversationStatusDto, DetailedStatusDto, PriorityDto};
use super::error::{ApiResult, Problem};
use super::inboxes::ChannelDto;
use super::list_filters::{ListFilters, SortDto, ViewDto};
use super::{ApiError, ApiTags, BearerAuth};
use crate::desk::{CloseRequest, ConversationPatch, Desk, NewConversation, TranscriptLine};

/// A page of conversations.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ConversationPage {
    /// The conversations.
    pub items: Vec<ConversationDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// A line of a bot's transcript.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct TranscriptLineBody {
    /// Who wrote it: `customer` or `bot`.
    #[oai(validator(max_length = 8))]
    pub from: String,
    /// What was written: not blank, at most the workspace's `max_message_chars` (100000 at
    /// most).
    #[oai(validator(min_length = 1, max_length = 100000))]
    pub text: String,
}

/// A bot's hand-off.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct HandoffBody {
    /// The bot's name, shown in the timeline (1–100 characters, not blank).
    #[oai(validator(min_length = 1, max_length = 100))]
    pub bot_name: String,
    /// What was said before the hand-off, oldest first (at most 200 lines).
    #[oai(validator(max_items = 200))]
    pub transcript: Vec<TranscriptLineBody>,
}

/// A conversation to start.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateConversation {
    /// The inbox.
    pub inbox_id: String,
    /// An existing contact (or give `contact`).
    pub contact_id: Option<String>,
    /// The contact's data: found by external id, email or phone, created when new.
    pub contact: Option<ContactBody>,
    /// Subject, at most 200 characters.
    #[oai(validator(max_length = 200))]
    pub subject: Option<String>,
    /// Priority (default `normal`).
    pub priority: Option<PriorityDto>,
    /// A bot's hand-off: the conversation lands in the queue with the transcript. Without it,
    /// the conversation is outbound: open and assigned to the caller.
    pub handoff: Option<HandoffBody>,
}

/// Labels, subject and priority to change.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateConversation {
    /// Label ids (at most 50); replaces the list.
    #[oai(validator(max_items = 50))]
    pub labels: Option<Vec<String>>,
    /// Subject, at most 200 characters.
    #[oai(validator(max_length = 200))]
    pub subject: Option<String>,
    /// Priority.
    pub priority: Option<PriorityDto>,
}

/// Whom to assign to.
#[derive(Object, Default)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct AssignBody {
    /// The user; omitted means the caller ("assign to me"). Only supervisors and admins may
    /// name someone else.
    pub user_id: Option<String>,
}

/// How to close.
#[derive(Object, Default)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CloseBody {
    /// Wrap-up reason (required when the inbox says so).
    pub wrap_up_reason_id: Option<String>,
    /// Why, when closing a conversation someone else handles (at most 2000 characters).
    #[oai(validator(max_length = 2000))]
    pub justification: Option<String>,
}

/// Many conversations to close.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct BulkCloseBody {
    /// 1–500 conversation ids.
    #[oai(validator(min_items = 1, max_items = 500))]
    pub ids: Vec<String>,
    /// Wrap-up reason for all of them.
    pub wrap_up_reason_id: Option<String>,
    /// Justification for those someone else handles (at most 2000 characters).
    #[oai(validator(max_length = 2000))]
    pub justification: Option<String>,
}

/// What bulk close did with one id.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BulkResult {
    /// The conversation id.
    pub id: String,
    /// Whether it is now closed by this request.
    pub closed: bool,
    /// Why not, when not.
    pub problem: Option<Problem>,
}

/// Bulk close results, in the order given.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct BulkCloseResult {
    /// One result per id.
    pub results: Vec<BulkResult>,
    /// How many were closed.
    pub closed: u32,
    /// How many were refused.
    pub refused: u32,
}

/// Answer to starting a conversation.
#[derive(ApiResponse)]
pub enum CreatedConversation {
    /// Created.
    #[oai(status = 201)]
    Created(Json<ConversationDto>),
}

/// The conversation list and lifecycle.
#[derive(Default)]
pub struct ConversationsApi;

#[OpenApi(tag = "ApiTags::Conversations")]
impl ConversationsApi {
    /// List conversations
    ///
    /// A view (`mine`, `unassigned`, `all`) with any of the filters, in one of three orders,
    /// one page at a time. Pages follow cursors, so they stay correct while conversations
    /// arrive and change. Each item carries the caller's unread count.
    #[oai(path = "/conversations", method = "get", operation_id = "listConversations")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// View (default `all`).
        view: Query<Option<ViewDto>>,
        /// Any of these statuses (repeat the parameter for several).
        #[oai(default)]
        status: Query<Vec<ConversationStatusDto>>,
        /// This detailed status.
        detailed_status: Query<Option<DetailedStatusDto>>,
        /// Assigned to this user.
        assignee_id: Query<Option<String>>,
        /// Queued for, or in an inbox served by, this team.
        team_id: Query<Option<String>>,
        /// In this inbox.
        inbox_id: Query<Option<String>>,
        /// From inboxes of this channel type.
        channel: Query<Option<ChannelDto>>,
        /// Carrying this label.
        label_id: Query<Option<String>>,
        /// Created at or after (RFC 3339).
        created_from: Query<Option<OffsetDateTime>>,
        /// Created before.
        created_to: Query<Option<OffsetDateTime>>,
        /// Updated at or after.
        updated_from: Query<Option<OffsetDateTime>>,
        /// Updated before.
        updated_to: Query<Option<OffsetDateTime>>,
        /// The contact's name, email or phone.
        contact: Query<Option<String>>,
        /// This contact.
        contact_id: Query<Option<String>>,
        /// Order (default `waiting`).
        sort: Query<Option<SortDto>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<ConversationPage>> {
        let filters = ListFilters {
            view: view.0,
            status: status.0,
            detailed_status: detailed_status.0,
            assignee_id: assignee_id.0,
            team_id: team_id.0,
            inbox_id: inbox_id.0,
            channel: channel.0,
            label_id: label_id.0,
            created_from: created_from.0,
            created_to: created_to.0,
            updated_from: updated_from.0,
            updated_to: updated_to.0,
            contact: contact.0,
            contact_id: contact_id.0,
            sort: sort.0,
        };
        let q = filters.into_query(cursor.0, page_limit(limit.0)?);
        let (items, next_cursor) = desk.list_conversations(&auth.0, &q)?;
        Ok(Json(ConversationPage { items: items.into_iter().map(ConversationDto::from).collect(), next_cursor }))
    }

    /// Start a conversation
    ///
    /// Outbound by the caller (F6): lands `open` and assigned to them. With `handoff`, a bot
    /// hands a conversation to the human queue (F7): it lands `queued` with the transcript.
    /// Either needs a caller who serves the inbox, or a supervisor or admin (integrations hand
    /// over with an API token of one). The answer is the conversation created, even when the
    /// caller cannot see it afterwards.
    #[oai(path = "/conversations", method = "post", operation_id = "createConversation")]
    async fn create(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<CreateConversation>,
    ) -> ApiResult<CreatedConversation> {
        let b = body.0;
        let handoff = match b.handoff {
            Some(h) => {
                let mut lines = Vec::new();
                for l in h.transcript {
                    let from_customer = match l.from.as_str() {
                        "customer" => true,
                        "bot" => false,
                        other => {
                            return Err(ApiError::from(crate::desk::DeskError::field(
                                "handoff.transcript.from",
                                format!("must be customer or bot, not {other:?}"),
                            )));
                        }
                    };
                    lines.push(TranscriptLine { from_customer, text: l.text });
                }
                Some((h.bot_name, lines))
            }
            None => None,
        };
        let new = NewConversation {
            inbox_id: b.inbox_id,
            contact_id: b.contact_id,
            contact: b.contact.map(ContactBody::into_input).transpose()?,
            subject: b.subject.unwrap_or_default(),
            priority: b.priority.map(Into::into).unwrap_or_default(),
            handoff,
        };
        Ok(CreatedConversation::Created(Json(desk.create_conversation(&auth.0, new).await?.into())))
    }

    /// Get a conversation
    ///
    /// Hidden conversations are 404, like unknown ones.
    #[oai(path = "/conversations/:id", method = "get", operation_id = "getConversation")]
    async fn get(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.get_conversation(&auth.0, &id.0)?.into()))
    }

    /// Change labels, subject or priority
    ///
    /// Anyone who sees the conversation; shown in the timeline.
    #[oai(path = "/conversations/:id", method = "patch", operation_id = "updateConversation")]
    async fn update(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateConversation>,
    ) -> ApiResult<Json<ConversationDto>> {
        let b = body.0;
        let patch = ConversationPatch { labels: b.labels, subject: b.subject, priority: b.priority.map(Into::into) };
        Ok(Json(desk.update_conversation(&auth.0, &id.0, patch).await?.into()))
    }

    /// Assign a conversation
    ///
    /// "Assign to me" for a queued conversation, or, for supervisors, to anyone. Two agents
    /// taking the same conversation: exactly one wins, the other gets 409. Offline callers get 409.
    #[oai(path = "/conversations/:id/assign", method = "post", operation_id = "assignConversation")]
    async fn assign(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<Option<AssignBody>>,
    ) -> ApiResult<Json<ConversationDto>> {
        let to = body.0.unwrap_or_default().user_id;
        Ok(Json(desk.assign(&auth.0, &id.0, to.as_deref()).await?.into()))
    }

    /// Unassign a conversation
    ///
    /// Puts it back in its inbox's queue (the assignee or a supervisor).
    #[oai(path = "/conversations/:id/unassign", method = "post", operation_id = "unassignConversation")]
    async fn unassign(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
    ) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.unassign(&auth.0, &id.0).await?.into()))
    }

    /// Close a conversation
    ///
    /// With a wrap-up reason (required when the inbox says so) and, when closing a
    /// conversation someone else handles, a justification. Closing a closed one is 409.
    #[oai(path = "/conversations/:id/close", method = "post", operation_id = "closeConversation")]
    async fn close(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<Option<CloseBody>>,
    ) -> ApiResult<Json<ConversationDto>> {
        let b = body.0.unwrap_or_default();
        let req = CloseRequest { wrap_up_reason_id: b.wrap_up_reason_id, justification: b.justification };
        Ok(Json(desk.close(&auth.0, &id.0, req).await?.into()))
    }

    /// Reopen a conversation
    ///
    /// A closed conversation becomes open again, handled by the caller.
    #[oai(path = "/conversations/:id/reopen", method = "post", operation_id = "reopenConversation")]
    async fn reopen(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.reopen(&auth.0, &id.0).await?.into()))
    }

    /// Mark as read
    ///
    /// Everything in the conversation counts as read for the caller.
    #[oai(path = "/conversations/:id/read", method = "post", operation_id = "markConversationRead")]
    async fn read(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.set_read(&auth.0, &id.0, false).await?.into()))
    }

    /// Mark as unread
    ///
    /// The conversation shows as unread for the caller until read again.
    #[oai(path = "/conversations/:id/unread", method = "post", operation_id = "markConversationUnread")]
    async fn unread(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ConversationDto>> {
        Ok(Json(desk.set_read(&auth.0, &id.0, true).await?.into()))
    }

    /// Close many conversations
    ///
    /// Never closes conversations in progress (`open`); reports per id what happened. Each
    /// close stands alone: one refusal does not stop the others.
    #[oai(path = "/conversations/bulk-close", method = "post", operation_id = "bulkCloseConversations")]
    async fn bulk_close(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<BulkCloseBody>,
    ) -> ApiResult<Json<BulkCloseResult>> {
        let b = body.0;
        let req = CloseRequest { wrap_up_reason_id: b.wrap_up_reason_id, justification: b.justification };
        let outcomes = desk.bulk_close(&auth.0, b.ids, req).await?;
        let results: Vec<BulkResult> = outcomes
            .into_iter()
            .map(|o| BulkResult {
                id: o.id,
                closed: o.error.is_none(),
                problem: o.error.map(|e| super::error::problem_of(ApiError::from(e))),
            })
            .collect();
        let closed = results.iter().filter(|r| r.closed).count() as u32;
        Ok(Json(BulkCloseResult { refused: results.len() as u32 - closed, closed, results }))
    }
}
