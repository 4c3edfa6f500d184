//! `/api/v1/search`: full-text search of ticket history (F32) with the list filters.

use poem::web::Data;
use poem_openapi::param::Query;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};
use time::OffsetDateTime;

use super::common::{page_limit, to_time};
use super::conversation_dto::{ConversationDto, ConversationStatusDto, DetailedStatusDto};
use super::error::ApiResult;
use super::inboxes::ChannelDto;
use super::list_filters::ListFilters;
use super::messages::MessageKindDto;
use super::{ApiTags, BearerAuth};
use crate::desk::SearchOrder as Order;
use crate::desk::{Desk, MessageHit, SearchHit, SearchQuery};

/// The order of search results.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum SearchOrderDto {
    /// Best match first.
    Relevance,
    /// Most recently updated first.
    Newest,
}

/// A highlighted range of a fragment, in UTF-16 code units (as JavaScript strings count).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct HighlightDto {
    /// First unit.
    pub start: u32,
    /// One past the last unit.
    pub end: u32,
}

/// A message that matched.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MessageHitDto {
    /// The message.
    pub message_id: String,
    /// Customer message, agent reply or internal note.
    pub kind: MessageKindDto,
    /// When it was written.
    pub created_at: OffsetDateTime,
    /// The part of the text around the matches, plain (may start or end with `…`).
    pub fragment: String,
    /// Where the matches are in `fragment`: whole words, or the typed part of a word that a
    /// prefix matched.
    pub highlights: Vec<HighlightDto>,
    /// `fragment` as HTML: the text escaped, each match in `<mark>`.
    pub html: String,
}

/// A conversation found.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SearchHitDto {
    /// The conversation, as lists show it.
    pub conversation: ConversationDto,
    /// Relevance score (only in relevance order; higher is better).
    pub score: Option<f32>,
    /// Its best matching messages, best first (at most 3; empty when only the subject,
    /// contact, number or labels matched).
    pub messages: Vec<MessageHitDto>,
}

/// A page of search results.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SearchPageDto {
    /// Every conversation that matches and the caller may see, not only this page.
    pub total: u64,
    /// This page.
    pub items: Vec<SearchHitDto>,
    /// Pass back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl From<MessageHit> for MessageHitDto {
    fn from(h: MessageHit) -> Self {
        MessageHitDto {
            message_id: h.message.id,
            kind: h.message.kind.into(),
            created_at: to_time(h.message.created_at),
            fragment: h.snippet.fragment,
            highlights: h
                .snippet
                .highlights
                .into_iter()
                .map(|r| HighlightDto { start: r.start as u32, end: r.end as u32 })
                .collect(),
            html: h.snippet.html,
        }
    }
}

impl From<SearchHit> for SearchHitDto {
    fn from(h: SearchHit) -> Self {
        SearchHitDto {
            conversation: h.conversation.into(),
            score: h.score,
            messages: h.messages.into_iter().map(Into::into).collect(),
        }
    }
}

/// Full-text search.
#[derive(Default)]
pub struct SearchApi;

#[OpenApi(tag = "ApiTags::Search")]
impl SearchApi {
    /// Search conversations
    ///
    /// Finds conversations by the text of their messages and notes, subject, number, the
    /// contact's name, email and phone, and label names, in English, Italian and Spanish
    /// (plural and singular forms match each other in the conversation's language; accents are
    /// optional). Syntax: words (all must match), `"a phrase"`, `prefix*` (words starting with
    /// what was typed), `-excluded`, `a OR b`, `from:contact` /
    /// `from:agent` / `from:note` to search one author's text, `label:vip`. Takes the same
    /// filters as the conversation list. Only conversations the caller may see are found and
    /// counted. The index follows changes within about a second.
    #[oai(path = "/search", method = "get", operation_id = "searchConversations")]
    #[allow(clippy::too_many_arguments)]
    async fn search(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// What to search for: 1–500 characters, not blank.
        #[oai(validator(min_length = 1, max_length = 500))]
        q: Query<String>,
        /// Order (default `relevance`).
        order: Query<Option<SearchOrderDto>>,
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
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<SearchPageDto>> {
        let limit = page_limit(limit.0)?;
        let filters = ListFilters {
            view: None,
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
            sort: None,
        }
        .into_query(None, limit);
        let order = match order.0.unwrap_or(SearchOrderDto::Relevance) {
            SearchOrderDto::Relevance => Order::Relevance,
            SearchOrderDto::Newest => Order::Newest,
        };
        let page = desk.search(&auth.0, &SearchQuery { text: q.0, filters, order, cursor: cursor.0, limit })?;
        Ok(Json(SearchPageDto {
            total: page.total as u64,
            items: page.hits.into_iter().map(Into::into).collect(),
            next_cursor: page.next_cursor,
        }))
    }
}
