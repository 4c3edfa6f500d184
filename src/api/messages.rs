//! `/api/v1/conversations/{id}/messages`, `…/timeline`, reactions, and the API channel
//! `/api/v1/channels/api/{inbox_id}/messages`.

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::OffsetDateTime;

use super::common::{page_limit, to_time};
use super::error::ApiResult;
use super::{ApiError, ApiTags, BearerAuth};
use crate::desk::{Desk, OutgoingMessage};
use crate::domain::conversation::{Author, Message, MessageKind};

/// What a timeline entry is.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum MessageKindDto {
    /// From the customer (or a bot before hand-off).
    Customer,
    /// An agent's reply, seen by the customer.
    Agent,
    /// An internal note, never shown to the customer.
    Note,
    /// A system event: who did what, when.
    System,
}

impl From<MessageKind> for MessageKindDto {
    fn from(k: MessageKind) -> Self {
        match k {
            MessageKind::Customer => MessageKindDto::Customer,
            MessageKind::Agent => MessageKindDto::Agent,
            MessageKind::Note => MessageKindDto::Note,
            MessageKind::System => MessageKindDto::System,
        }
    }
}

/// Who wrote an entry.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum AuthorKindDto {
    /// A user.
    User,
    /// The customer.
    Contact,
    /// A bot.
    Bot,
    /// Switchboard.
    System,
}

/// A timeline entry.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MessageDto {
    /// Opaque id.
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// Position in the timeline, from 0.
    pub index: u32,
    /// Kind.
    pub kind: MessageKindDto,
    /// Who wrote it.
    pub author_kind: AuthorKindDto,
    /// The user or contact id; the bot's name for bots.
    pub author_id: Option<String>,
    /// The text exactly as sent (`<`, `>` and any Unicode included); render it as text.
    pub text: String,
    /// System entries: the event (`assigned`, `closed`, `reopened` …).
    pub event: Option<String>,
    /// System entries: what `text` says, as a sentence and its parts, for pages to say it in
    /// their own language (absent on entries written before Switchboard kept it).
    pub says: Option<SaysDto>,
    /// The message this one replies to.
    pub reply_to: Option<String>,
    /// Attachment ids.
    pub attachments: Vec<String>,
    /// Emoji → ids of the users who reacted with it.
    pub reactions: BTreeMap<String, Vec<String>>,
    /// When.
    pub created_at: OffsetDateTime,
}

impl From<Message> for MessageDto {
    fn from(m: Message) -> Self {
        let (author_kind, author_id) = match m.author {
            Author::User { id } => (AuthorKindDto::User, Some(id)),
            Author::Contact { id } => (AuthorKindDto::Contact, Some(id)),
            Author::Bot { name } => (AuthorKindDto::Bot, Some(name)),
            Author::System => (AuthorKindDto::System, None),
        };
        MessageDto {
            id: m.id,
            conversation_id: m.conversation_id,
            index: m.index,
            kind: m.kind.into(),
            author_kind,
            author_id,
            text: m.text,
            event: m.event,
            says: m.says.map(|s| SaysDto { key: s.key, parts: s.parts }),
            reply_to: m.reply_to,
            attachments: m.attachments,
            reactions: m.reactions,
            created_at: to_time(m.created_at),
        }
    }
}

/// What a system entry says: the key of a sentence and its parts.
#[derive(Object)]
pub struct SaysDto {
    /// The sentence: the pages say it with their string `system.{key}` (`took`, `assigned`,
    /// `closed`, `transferred`, `transferred_team`, `offered`, `rona`, `withdrawn_away` …).
    pub key: String,
    /// The parts the sentence names: `who`, `to`, `labels`, `subject`, `priority` (a priority
    /// code), and `reason` and `note`, which follow the sentence as " (reason)" and ": note".
    pub parts: BTreeMap<String, String>,
}

/// A page of timeline entries.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MessagePage {
    /// Entries, oldest first.
    pub items: Vec<MessageDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// What an agent sends.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum SendKind {
    /// A reply the customer sees (open → pending).
    Reply,
    /// An internal note for the team.
    Note,
}

/// A reply or note to send.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct SendMessage {
    /// `reply` (default) or `note`.
    pub kind: Option<SendKind>,
    /// The text, up to the workspace's limit (10,000 characters by default, 100,000 at most).
    #[oai(validator(max_length = 100000))]
    pub text: Option<String>,
    /// Or a canned response, whose placeholders are filled on the server.
    pub canned_response_id: Option<String>,
    /// The message this one answers.
    pub reply_to: Option<String>,
    /// Files to send (at most 20): ids of the caller's uploads (`POST /api/v1/attachments`) or
    /// library items.
    #[oai(validator(max_items = 20))]
    pub attachments: Option<Vec<String>>,
}

/// Answer to sending a message.
#[derive(ApiResponse)]
pub enum SentMessage {
    /// Stored and delivered to the timeline.
    #[oai(status = 201)]
    Created(Json<MessageDto>),
}

fn index_cursor(cursor: Option<String>) -> Result<u32, ApiError> {
    match cursor {
        None => Ok(0),
        Some(c) => c.parse().map_err(|_| ApiError::bad_request(format!("cursor {c:?} is not one this list gave out"))),
    }
}

/// Messages, timeline and reactions.
#[derive(Default)]
pub struct MessagesApi;

#[OpenApi(tag = "ApiTags::Messages")]
impl MessagesApi {
    /// Read the timeline
    ///
    /// Messages, notes and system events (who did what, when) in order. The cursor is the
    /// index of the first entry to read: to read the latest entries first, start at the
    /// conversation's `timeline_len` minus the page size, then go back page by page.
    #[oai(path = "/conversations/:id/timeline", method = "get", operation_id = "getTimeline")]
    async fn timeline(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<u32>>,
    ) -> ApiResult<Json<MessagePage>> {
        let (items, next) = desk.timeline(&auth.0, &id.0, index_cursor(cursor.0)?, page_limit(limit.0)?, true)?;
        Ok(Json(MessagePage {
            items: items.into_iter().map(MessageDto::from).collect(),
            next_cursor: next.map(|n| n.to_string()),
        }))
    }

    /// List messages
    ///
    /// Customer messages, replies and notes in order (no system events).
    #[oai(path = "/conversations/:id/messages", method = "get", operation_id = "listMessages")]
    async fn list(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<u32>>,
    ) -> ApiResult<Json<MessagePage>> {
        let (items, next) = desk.timeline(&auth.0, &id.0, index_cursor(cursor.0)?, page_limit(limit.0)?, false)?;
        Ok(Json(MessagePage {
            items: items.into_iter().map(MessageDto::from).collect(),
            next_cursor: next.map(|n| n.to_string()),
        }))
    }

    /// Send a reply or note
    ///
    /// A reply needs the conversation assigned to the caller (or a supervisor) and moves it to
    /// `pending`; a note only needs to see it. Text is stored exactly as sent.
    #[oai(path = "/conversations/:id/messages", method = "post", operation_id = "sendMessage")]
    async fn send(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<SendMessage>,
    ) -> ApiResult<SentMessage> {
        let b = body.0;
        let msg = OutgoingMessage {
            note: b.kind == Some(SendKind::Note),
            text: b.text,
            canned_response_id: b.canned_response_id,
            reply_to: b.reply_to,
            attachments: b.attachments.unwrap_or_default(),
        };
        Ok(SentMessage::Created(Json(desk.send_message(&auth.0, &id.0, msg).await?.into())))
    }

    /// React to a message
    ///
    /// Adds the caller's reaction; one per user per emoji, so repeating it changes nothing.
    #[oai(
        path = "/conversations/:id/messages/:message_id/reactions/:emoji",
        method = "put",
        operation_id = "addReaction"
    )]
    async fn react(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        message_id: Path<String>,
        emoji: Path<String>,
    ) -> ApiResult<Json<MessageDto>> {
        Ok(Json(desk.react(&auth.0, &id.0, &message_id.0, &emoji.0, true).await?.into()))
    }

    /// Remove a reaction
    ///
    /// Removes the caller's reaction with that emoji, if any.
    #[oai(
        path = "/conversations/:id/messages/:message_id/reactions/:emoji",
        method = "delete",
        operation_id = "removeReaction"
    )]
    async fn unreact(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        message_id: Path<String>,
        emoji: Path<String>,
    ) -> ApiResult<Json<MessageDto>> {
        Ok(Json(desk.react(&auth.0, &id.0, &message_id.0, &emoji.0, false).await?.into()))
    }
}
