//! What the customer API sends and takes: only what a customer may see of their own chat,
//! never agents' ids, notes, system entries or other customers.

use poem_openapi::{Enum, Object};
use time::OffsetDateTime;

use super::super::common::to_time;
use super::super::widget_settings::{FieldRuleDto, OfflineDto};
use crate::desk::widget::{CustomerConversation, CustomerEntry, CustomerState, WidgetInbox};
use crate::domain::attachment::Attachment;
use crate::domain::conversation::Status;
use crate::domain::widget::{CustomerSide, Rating};

/// A live-chat inbox as the widget draws it.
#[derive(Object)]
pub struct WidgetInboxDto {
    /// The inbox id (the `data-inbox` of the widget's tag).
    pub id: String,
    /// The inbox's name.
    pub name: String,
    /// Accent colour, `#rrggbb`.
    pub color: String,
    /// The first words the customer reads (empty: the widget's own).
    pub greeting: String,
    /// Whether the pre-chat form asks for a name.
    pub prechat_name: FieldRuleDto,
    /// Whether the pre-chat form asks for an email.
    pub prechat_email: FieldRuleDto,
    /// What to show when nobody is available.
    pub offline: OfflineDto,
    /// Whether an agent is available now.
    pub available: bool,
    /// Largest file a customer may send, bytes.
    pub max_upload_bytes: u64,
    /// Longest message, characters.
    pub max_message_chars: u32,
}

impl From<WidgetInbox> for WidgetInboxDto {
    fn from(w: WidgetInbox) -> Self {
        let s = &w.inbox.widget;
        WidgetInboxDto {
            id: w.inbox.id.clone(),
            name: w.inbox.name.clone(),
            color: s.color.clone(),
            greeting: s.greeting.clone(),
            prechat_name: s.prechat_name.into(),
            prechat_email: s.prechat_email.into(),
            offline: s.offline.into(),
            available: w.available,
            max_upload_bytes: w.max_upload_bytes,
            max_message_chars: w.max_message_chars,
        }
    }
}

/// Starting a chat session.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct SessionBody {
    /// The live-chat inbox (the `data-inbox` of the widget's tag).
    #[oai(validator(min_length = 1, max_length = 100))]
    pub inbox_id: String,
    /// The customer's name (pre-chat form).
    #[oai(validator(max_length = 200))]
    pub name: Option<String>,
    /// The customer's email (pre-chat form, or the offline form).
    #[oai(validator(max_length = 254))]
    pub email: Option<String>,
    /// The host site's id of its signed-in customer; needs `customer_signature`.
    #[oai(validator(min_length = 1, max_length = 200))]
    pub customer_id: Option<String>,
    /// Lower-case hex HMAC-SHA256 of `customer_id` under the inbox's identity secret.
    #[oai(validator(max_length = 128))]
    pub customer_signature: Option<String>,
}

/// A file in a chat.
#[derive(Object)]
pub struct WidgetAttachment {
    /// Id (download with `GET /attachments/{id}`).
    pub id: String,
    /// File name.
    pub name: String,
    /// Size, bytes.
    pub size: u64,
    /// MIME type.
    pub content_type: String,
}

impl From<&Attachment> for WidgetAttachment {
    fn from(a: &Attachment) -> Self {
        WidgetAttachment { id: a.id.clone(), name: a.filename.clone(), size: a.size, content_type: a.mime.clone() }
    }
}

/// A satisfaction rating.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WidgetRating {
    /// 1 to 5.
    pub score: u8,
    /// The customer's words.
    pub comment: Option<String>,
    /// When it was given.
    pub created_at: OffsetDateTime,
}

impl From<&Rating> for WidgetRating {
    fn from(r: &Rating) -> Self {
        WidgetRating {
            score: r.score,
            comment: Some(r.comment.clone()).filter(|c| !c.is_empty()),
            created_at: to_time(r.created_at),
        }
    }
}

/// A conversation's state as the customer knows it.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum WidgetStatus {
    /// Going on (waiting for an agent or being answered).
    Open,
    /// Closed by the agent (or after no activity); a new message starts a new conversation.
    Closed,
}

/// The customer's conversation.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WidgetConversation {
    /// Id.
    pub id: String,
    /// Its number, to quote to the company.
    pub number: u64,
    /// Open or closed.
    pub status: WidgetStatus,
    /// First name of the agent answering.
    pub agent_name: Option<String>,
    /// The customer's rating.
    pub rating: Option<WidgetRating>,
    /// Whether it may be rated now (closed, not rated yet).
    pub can_rate: bool,
    /// Started.
    pub created_at: OffsetDateTime,
}

impl From<&CustomerConversation> for WidgetConversation {
    fn from(c: &CustomerConversation) -> Self {
        let conv = &c.conversation;
        WidgetConversation {
            id: conv.id.clone(),
            number: conv.number,
            status: if conv.status == Status::Closed { WidgetStatus::Closed } else { WidgetStatus::Open },
            agent_name: c.agent_name.clone().filter(|n| !n.is_empty()),
            rating: c.rating.as_ref().map(WidgetRating::from),
            can_rate: c.can_rate(),
            created_at: to_time(conv.created_at),
        }
    }
}

/// Who wrote a message, as the customer is told.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum WidgetFrom {
    /// The customer.
    Customer,
    /// An agent.
    Agent,
    /// A bot.
    Bot,
}

/// A message in the customer's conversation.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WidgetMessage {
    /// Id.
    pub id: String,
    /// The conversation.
    pub conversation_id: String,
    /// Who wrote it.
    pub from: WidgetFrom,
    /// The agent's first name, or the bot's name.
    pub author_name: Option<String>,
    /// Text, exactly as written (may be empty when files were sent).
    pub text: String,
    /// Files.
    pub attachments: Vec<WidgetAttachment>,
    /// Sent.
    pub created_at: OffsetDateTime,
}

impl From<&CustomerEntry> for WidgetMessage {
    fn from(e: &CustomerEntry) -> Self {
        WidgetMessage {
            id: e.message.id.clone(),
            conversation_id: e.message.conversation_id.clone(),
            from: match e.side {
                CustomerSide::Customer => WidgetFrom::Customer,
                CustomerSide::Agent => WidgetFrom::Agent,
                CustomerSide::Bot => WidgetFrom::Bot,
            },
            author_name: e.author_name.clone().filter(|n| !n.is_empty()),
            text: e.message.text.clone(),
            attachments: e.files.iter().map(WidgetAttachment::from).collect(),
            created_at: to_time(e.message.created_at),
        }
    }
}

/// Who the customer is, as the chat knows them.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WidgetContact {
    /// Name (may be empty).
    pub name: String,
    /// Email, when known.
    pub email: Option<String>,
}

/// What the widget shows after a (re)load.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WidgetState {
    /// The customer.
    pub contact: WidgetContact,
    /// Their open conversation in this inbox, else their last closed one.
    pub conversation: Option<WidgetConversation>,
}

impl From<&CustomerState> for WidgetState {
    fn from(s: &CustomerState) -> Self {
        WidgetState {
            contact: WidgetContact { name: s.contact.name.clone(), email: s.contact.email.clone() },
            conversation: s.conversation.as_ref().map(WidgetConversation::from),
        }
    }
}

/// A new session.
#[derive(Object)]
pub struct WidgetSession {
    /// The customer token: keep it (the widget uses the host page's `localStorage`) and send
    /// it as `X-Customer-Token`. Shown once.
    pub token: String,
    /// What the widget shows.
    pub state: WidgetState,
}

/// A customer message.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct WidgetMessageBody {
    /// The text (may be empty when `attachment_ids` is not), at most the workspace's limit.
    #[oai(validator(max_length = 100000))]
    pub text: String,
    /// Files uploaded with `POST /attachments` and not sent yet (at most 10).
    #[oai(validator(max_items = 10))]
    pub attachment_ids: Option<Vec<String>>,
}

/// What sending did.
#[derive(Object)]
pub struct WidgetSent {
    /// The conversation (a new one when none was open).
    pub conversation: WidgetConversation,
    /// The stored message.
    pub message: WidgetMessage,
}

/// A page of messages, oldest first.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WidgetMessages {
    /// The messages.
    pub items: Vec<WidgetMessage>,
    /// Pass back as `cursor` for older messages; absent at the start.
    pub next_cursor: Option<String>,
}

/// A rating.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct RatingBody {
    /// 1 (bad) to 5 (excellent).
    #[oai(validator(minimum(value = "1"), maximum(value = "5")))]
    pub score: u8,
    /// Optional words, at most 2000 characters.
    #[oai(validator(max_length = 2000))]
    pub comment: Option<String>,
}

/// Typing or not.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct TypingBody {
    /// `true` while typing; `false` when stopped (after sending or clearing).
    pub active: bool,
}
