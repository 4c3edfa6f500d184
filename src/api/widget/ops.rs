//! The customer API's operations: the inbox's widget settings, sessions, the customer's
//! conversation and messages, files, typing and ratings.

use poem::Request;
use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::types::multipart::Upload;
use poem_openapi::{ApiResponse, Multipart, OpenApi};

use super::super::attachments::Download;
use super::super::error::{ApiError, ApiResult, Problem};
use super::dto::{
    RatingBody, SessionBody, TypingBody, WidgetAttachment, WidgetConversation, WidgetInboxDto, WidgetMessage,
    WidgetMessageBody, WidgetMessages, WidgetSent, WidgetSession, WidgetState,
};
use super::{CustomerToken, WidgetTags, origin_of};
use crate::desk::widget::SessionRequest;
use crate::desk::{Desk, DeskError, NewUpload};
use crate::domain::media::AttachmentKind;

/// Answer to starting a session.
#[derive(ApiResponse)]
pub enum SessionStarted {
    /// Started; keep the token.
    #[oai(status = 201)]
    Created(Json<WidgetSession>),
}

/// Answer to a customer message.
#[derive(ApiResponse)]
pub enum MessageSent {
    /// Stored; agents see it at once.
    #[oai(status = 201)]
    Created(Json<WidgetSent>),
}

/// Answer to a rating.
#[derive(ApiResponse)]
pub enum Rated {
    /// Stored; the conversation with its rating.
    #[oai(status = 201)]
    Created(Json<WidgetConversation>),
}

/// Answer to an upload.
#[derive(ApiResponse)]
pub enum FileStored {
    /// Stored; send its id in a message's `attachment_ids`.
    #[oai(status = 201)]
    Created(Json<WidgetAttachment>),
    /// The file's type is not one the workspace takes; `detail` names the rule.
    #[oai(status = 415, content_type = "application/problem+json")]
    UnsupportedType(Json<Problem>),
}

/// Answer to a typing signal or the end of a session.
#[derive(ApiResponse)]
pub enum Done {
    /// Done.
    #[oai(status = 204)]
    NoContent,
}

/// A file from the customer.
#[derive(Multipart)]
#[oai(deny_unknown_fields)]
pub struct CustomerUpload {
    /// The file: the workspace's size limit and allowed types apply.
    pub file: Upload,
}

/// The customer API.
#[derive(Default)]
pub struct WidgetApi;

#[OpenApi(tag = "WidgetTags::CustomerChat")]
impl WidgetApi {
    /// A live-chat inbox's widget settings
    ///
    /// Colour, greeting, pre-chat fields, what to show when nobody is available, and whether an
    /// agent is available now. No token needed. `404` for an unknown inbox or an API channel.
    #[oai(path = "/inboxes/:id", method = "get", operation_id = "getWidgetInbox")]
    async fn inbox(&self, desk: Data<&Desk>, req: &Request, id: Path<String>) -> ApiResult<Json<WidgetInboxDto>> {
        Ok(Json(desk.widget_inbox(&id.0, &origin_of(req))?.into()))
    }

    /// Start a chat session
    ///
    /// Returns a customer token, shown once. Without `customer_id` the customer is a new
    /// contact (a typed email never joins someone else's history). With `customer_id` and its
    /// `customer_signature` (hex HMAC-SHA256 under the inbox's identity secret, computed by
    /// your site's server), the chat joins that customer's history on any device; a missing
    /// or wrong signature is a `422`. At most 10 sessions a minute per address (`429`).
    #[oai(path = "/sessions", method = "post", operation_id = "startWidgetSession")]
    async fn start(&self, desk: Data<&Desk>, req: &Request, body: Json<SessionBody>) -> ApiResult<SessionStarted> {
        let b = body.0;
        let request = SessionRequest {
            inbox_id: b.inbox_id,
            name: b.name,
            email: b.email,
            customer_id: b.customer_id,
            customer_signature: b.customer_signature,
        };
        let (token, state) = desk.start_customer_session(request, origin_of(req)).await?;
        Ok(SessionStarted::Created(Json(WidgetSession { token, state: WidgetState::from(&state) })))
    }

    /// The session's state
    ///
    /// Who the customer is and their current conversation (after a reload or in a new tab).
    #[oai(path = "/session", method = "get", operation_id = "getWidgetSession")]
    async fn state(&self, auth: CustomerToken, desk: Data<&Desk>) -> ApiResult<Json<WidgetState>> {
        Ok(Json(WidgetState::from(&desk.customer_state(&auth.0)?)))
    }

    /// End the session
    ///
    /// The token stops working on every tab that holds it.
    #[oai(path = "/session", method = "delete", operation_id = "endWidgetSession")]
    async fn end(&self, auth: CustomerToken, desk: Data<&Desk>) -> ApiResult<Done> {
        desk.end_customer_session(&auth.0).await?;
        Ok(Done::NoContent)
    }

    /// Send a message
    ///
    /// Joins the customer's open conversation in the inbox, or opens a new one that waits for
    /// an agent. At most 20 messages a minute per session (`429` with `Retry-After`).
    #[oai(path = "/messages", method = "post", operation_id = "sendWidgetMessage")]
    async fn send(
        &self,
        auth: CustomerToken,
        desk: Data<&Desk>,
        body: Json<WidgetMessageBody>,
    ) -> ApiResult<MessageSent> {
        let b = body.0;
        let sent = desk.customer_send(&auth.0, b.text, b.attachment_ids.unwrap_or_default()).await?;
        Ok(MessageSent::Created(Json(WidgetSent {
            conversation: WidgetConversation::from(&sent.conversation),
            message: WidgetMessage::from(&sent.entry),
        })))
    }

    /// One of the customer's conversations
    ///
    /// Another customer's conversation is a `404`.
    #[oai(path = "/conversations/:id", method = "get", operation_id = "getWidgetConversation")]
    async fn conversation(
        &self,
        auth: CustomerToken,
        desk: Data<&Desk>,
        id: Path<String>,
    ) -> ApiResult<Json<WidgetConversation>> {
        Ok(Json(WidgetConversation::from(&desk.customer_conversation(&auth.0, &id.0)?)))
    }

    /// The customer's messages
    ///
    /// The newest `limit` messages (default 50, at most 200), oldest first; `next_cursor`
    /// pages to older ones. Only what the customer wrote and agents' replies: internal notes
    /// and events are never shown.
    #[oai(path = "/conversations/:id/messages", method = "get", operation_id = "listWidgetMessages")]
    async fn messages(
        &self,
        auth: CustomerToken,
        desk: Data<&Desk>,
        id: Path<String>,
        /// How many (1–200, default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "200")))]
        limit: Query<Option<u32>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<WidgetMessages>> {
        let before = match cursor.0.as_deref() {
            Some(c) => Some(c.parse::<u32>().map_err(|_| ApiError::bad_request("cursor is not one this API gave"))?),
            None => None,
        };
        let (items, next) = desk.customer_messages(&auth.0, &id.0, before, limit.0.unwrap_or(50) as usize)?;
        Ok(Json(WidgetMessages {
            items: items.iter().map(WidgetMessage::from).collect(),
            next_cursor: next.map(|n| n.to_string()),
        }))
    }

    /// Rate the conversation
    ///
    /// Once, after it was closed: 1 to 5 with optional words. `409` while it is open or when
    /// it was already rated.
    #[oai(path = "/conversations/:id/rating", method = "post", operation_id = "rateWidgetConversation")]
    async fn rate(
        &self,
        auth: CustomerToken,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<RatingBody>,
    ) -> ApiResult<Rated> {
        let b = body.0;
        let c = desk.rate_conversation(&auth.0, &id.0, b.score, b.comment.unwrap_or_default()).await?;
        Ok(Rated::Created(Json(WidgetConversation::from(&c))))
    }

    /// The customer is typing
    ///
    /// Send `active: true` at most every few seconds while typing and `false` after sending;
    /// agents who see the conversation get a `typing` event. Never stored.
    #[oai(path = "/conversations/:id/typing", method = "post", operation_id = "sendWidgetTyping")]
    async fn typing(
        &self,
        auth: CustomerToken,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<TypingBody>,
    ) -> ApiResult<Done> {
        desk.customer_typing(&auth.0, &id.0, body.0.active)?;
        Ok(Done::NoContent)
    }

    /// Upload a file
    ///
    /// Multipart with `file`. The workspace's size limit (`413`) and allowed types (`415`)
    /// apply, as for agents. At most 10 uploads a minute per session.
    #[oai(path = "/attachments", method = "post", operation_id = "uploadWidgetAttachment")]
    async fn upload(&self, auth: CustomerToken, desk: Data<&Desk>, form: CustomerUpload) -> ApiResult<FileStored> {
        let filename = form.file.file_name().unwrap_or("file").to_string();
        let declared_mime = form.file.content_type().map(str::to_string);
        let content = form.file.into_file().into_std().await;
        let kind = match declared_mime.as_deref().and_then(|m| m.split('/').next()) {
            Some("image") => AttachmentKind::Image,
            Some("audio") => AttachmentKind::Audio,
            Some("video") => AttachmentKind::Video,
            _ => AttachmentKind::Document,
        };
        let up = NewUpload { kind, filename, declared_mime, content, library: false };
        match desk.customer_upload(&auth.0, up).await {
            Ok(att) => Ok(FileStored::Created(Json(WidgetAttachment::from(&att)))),
            Err(DeskError::UnsupportedType(d)) => Ok(FileStored::UnsupportedType(Json(Problem::new(415, d)))),
            Err(e) => Err(e.into()),
        }
    }

    /// Download a file
    ///
    /// The customer's own uploads and the files of messages they may see; anything else is `404`.
    #[oai(path = "/attachments/:id", method = "get", operation_id = "downloadWidgetAttachment")]
    async fn download(&self, auth: CustomerToken, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Download> {
        let (att, file) = desk.customer_attachment(&auth.0, &id.0)?;
        Ok(Download::of(&att, file))
    }
}
