//! `/api/v1/webhooks`: webhook subscriptions (F35), their delivery log, resuming one that was
//! disabled after failures, and new signing secrets. Admins only.

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::OffsetDateTime;

use super::auth::NoContent;
use super::common::to_time;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::{Desk, WebhookInput};
use crate::domain::webhook::{Delivery, DeliveryStatus, Webhook};

/// An event type a subscription may receive.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebhookEvent {
    /// A conversation was created.
    #[oai(rename = "conversation.created")]
    ConversationCreated,
    /// A conversation changed: assigned, transferred, reopened, relabelled …
    #[oai(rename = "conversation.updated")]
    ConversationUpdated,
    /// A conversation was closed (by an agent or after no activity).
    #[oai(rename = "conversation.closed")]
    ConversationClosed,
    /// A customer or agent message (never an internal note).
    #[oai(rename = "message.created")]
    MessageCreated,
    /// A contact's card changed.
    #[oai(rename = "contact.updated")]
    ContactUpdated,
    /// A customer rated a conversation.
    #[oai(rename = "rating.created")]
    RatingCreated,
}

impl WebhookEvent {
    const ALL: [WebhookEvent; 6] = [
        WebhookEvent::ConversationCreated,
        WebhookEvent::ConversationUpdated,
        WebhookEvent::ConversationClosed,
        WebhookEvent::MessageCreated,
        WebhookEvent::ContactUpdated,
        WebhookEvent::RatingCreated,
    ];

    fn name(self) -> &'static str {
        match self {
            WebhookEvent::ConversationCreated => "conversation.created",
            WebhookEvent::ConversationUpdated => "conversation.updated",
            WebhookEvent::ConversationClosed => "conversation.closed",
            WebhookEvent::MessageCreated => "message.created",
            WebhookEvent::ContactUpdated => "contact.updated",
            WebhookEvent::RatingCreated => "rating.created",
        }
    }

    fn parse(name: &str) -> Option<WebhookEvent> {
        WebhookEvent::ALL.into_iter().find(|e| e.name() == name)
    }
}

fn names(events: Vec<WebhookEvent>) -> Vec<String> {
    events.into_iter().map(|e| e.name().to_string()).collect()
}

/// A webhook subscription.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WebhookDto {
    /// Opaque id.
    pub id: String,
    /// Where deliveries are POSTed.
    pub url: String,
    /// What it is for.
    pub description: String,
    /// Event types it receives.
    pub events: Vec<WebhookEvent>,
    /// Only events of conversations in these inboxes (empty: every inbox).
    pub inbox_ids: Vec<String>,
    /// Whether deliveries are being made.
    pub active: bool,
    /// Why it was disabled (after a day of failures, or by an admin).
    pub disabled_reason: Option<String>,
    /// Failed attempts since the last success.
    pub failure_streak: u32,
    /// Deliveries waiting to be made.
    pub pending: u64,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

/// A new subscription with its signing secret, shown once.
#[derive(Object)]
pub struct NewWebhook {
    /// The subscription.
    #[oai(flatten)]
    pub webhook: WebhookDto,
    /// Verify `X-Switchboard-Signature` with it; it is never shown again.
    pub secret: String,
}

fn dto(w: Webhook, pending: usize) -> WebhookDto {
    WebhookDto {
        id: w.id,
        url: w.url,
        description: w.description,
        events: w.events.iter().filter_map(|e| WebhookEvent::parse(e)).collect(),
        inbox_ids: w.inbox_ids,
        active: w.active,
        disabled_reason: w.disabled_reason,
        failure_streak: w.failure_streak,
        pending: pending as u64,
        created_at: to_time(w.created_at),
        updated_at: to_time(w.updated_at),
    }
}

/// A subscription to create.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateWebhook {
    /// `http://` or `https://` URL, at most 2000 characters.
    #[oai(validator(min_length = 1, max_length = 2000))]
    pub url: String,
    /// What it is for, at most 200 characters.
    #[oai(validator(max_length = 200))]
    pub description: Option<String>,
    /// Event types (at least one).
    #[oai(validator(min_items = 1, max_items = 6))]
    pub events: Vec<WebhookEvent>,
    /// Only events of conversations in these inboxes (empty or absent: every inbox).
    #[oai(validator(max_items = 100))]
    pub inbox_ids: Option<Vec<String>>,
}

/// The fields of a subscription to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateWebhook {
    /// `http://` or `https://` URL.
    #[oai(validator(min_length = 1, max_length = 2000))]
    pub url: Option<String>,
    /// What it is for.
    #[oai(validator(max_length = 200))]
    pub description: Option<String>,
    /// Event types (at least one).
    #[oai(validator(min_items = 1, max_items = 6))]
    pub events: Option<Vec<WebhookEvent>>,
    /// Inbox filter (empty: every inbox).
    #[oai(validator(max_items = 100))]
    pub inbox_ids: Option<Vec<String>>,
    /// Turn deliveries on or off; on clears a disabled reason.
    pub active: Option<bool>,
}

/// Every subscription.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WebhookList {
    /// The subscriptions.
    pub items: Vec<WebhookDto>,
    /// Always absent.
    pub next_cursor: Option<String>,
}

/// How a delivery stands.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum DeliveryStatusDto {
    /// Waiting for its first or next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up after three days of retries.
    Failed,
}

/// One delivery and how its attempts went.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WebhookDelivery {
    /// Id (sorts in event order).
    pub id: String,
    /// Event type.
    pub event: String,
    /// The body's `id`.
    pub event_id: String,
    /// The conversation.
    pub conversation_id: Option<String>,
    /// Where it stands.
    pub status: DeliveryStatusDto,
    /// Attempts made.
    pub attempts: u32,
    /// The receiver's last HTTP status.
    pub last_status_code: Option<u16>,
    /// The last failure, in words.
    pub last_error: Option<String>,
    /// How long the last attempt took, ms.
    pub response_ms: Option<u32>,
    /// When the next attempt is due (pending).
    pub next_attempt_at: Option<OffsetDateTime>,
    /// When the event happened.
    pub created_at: OffsetDateTime,
    /// When it was delivered.
    pub delivered_at: Option<OffsetDateTime>,
}

impl From<Delivery> for WebhookDelivery {
    fn from(d: Delivery) -> Self {
        let pending = d.status == DeliveryStatus::Pending;
        WebhookDelivery {
            event_id: format!("evt_{:016x}", d.seq),
            id: d.id,
            event: d.event,
            conversation_id: d.conversation_id,
            status: match d.status {
                DeliveryStatus::Pending => DeliveryStatusDto::Pending,
                DeliveryStatus::Delivered => DeliveryStatusDto::Delivered,
                DeliveryStatus::Failed => DeliveryStatusDto::Failed,
            },
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
            response_ms: d.response_ms,
            next_attempt_at: pending.then(|| to_time(d.next_attempt_at)),
            created_at: to_time(d.created_at),
            delivered_at: d.delivered_at.map(to_time),
        }
    }
}

/// A page of the delivery log, newest first.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct DeliveryList {
    /// Deliveries.
    pub items: Vec<WebhookDelivery>,
    /// Pass back as `cursor` for older ones.
    pub next_cursor: Option<String>,
}

/// A new signing secret, shown once.
#[derive(Object)]
pub struct WebhookSecret {
    /// Verify `X-Switchboard-Signature` with it.
    pub secret: String,
}

/// Answer to creating a subscription.
#[derive(ApiResponse)]
pub enum WebhookCreated {
    /// Created, with its secret (shown once).
    #[oai(status = 201)]
    Created(Json<NewWebhook>),
}

/// Answer to making a secret.
#[derive(ApiResponse)]
pub enum WebhookSecretMade {
    /// Made; the previous secret stops signing.
    #[oai(status = 201)]
    Created(Json<WebhookSecret>),
}

/// Webhook subscriptions.
#[derive(Default)]
pub struct WebhooksApi;

#[OpenApi(tag = "ApiTags::Webhooks")]
impl WebhooksApi {
    /// List webhook subscriptions (admins)
    ///
    /// Every subscription with its state: active, or disabled with the reason; the failure
    /// streak and how many deliveries wait. Secrets are never listed.
    #[oai(path = "/webhooks", method = "get", operation_id = "listWebhooks")]
    async fn list(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<WebhookList>> {
        let items = desk.list_webhooks(&auth.0)?.into_iter().map(|(w, n)| dto(w, n)).collect();
        Ok(Json(WebhookList { items, next_cursor: None }))
    }

    /// Create a webhook subscription (admins)
    ///
    /// Events from now on are POSTed to `url` as JSON `{id, event, created_at, data}` with
    /// `X-Switchboard-Signature: t={unix seconds},v1={hex HMAC-SHA256 of "{t}.{body}"}` under
    /// the secret returned here (once). A 2xx answer within 10 s delivers; anything else is
    /// retried with backoff (5 s doubling to an hour) for three days, in order per
    /// conversation. A subscription failing for a day is disabled; resume it when fixed.
    /// Agent replies in an API-channel inbox arrive as `message.created`
    /// (`data.message.author_kind` = `agent`) for the integration to send on.
    #[oai(path = "/webhooks", method = "post", operation_id = "createWebhook")]
    async fn create(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<CreateWebhook>,
    ) -> ApiResult<WebhookCreated> {
        let b = body.0;
        let input = WebhookInput {
            url: Some(b.url),
            description: b.description,
            events: Some(names(b.events)),
            inbox_ids: b.inbox_ids,
            active: None,
        };
        let (w, secret) = desk.save_webhook(&auth.0, None, input).await?;
        Ok(WebhookCreated::Created(Json(NewWebhook { webhook: dto(w, 0), secret: secret.unwrap_or_default() })))
    }

    /// One webhook subscription (admins)
    ///
    /// Its state, failure streak and how many deliveries wait.
    #[oai(path = "/webhooks/:id", method = "get", operation_id = "getWebhook")]
    async fn get(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<WebhookDto>> {
        let (w, n) = desk.get_webhook(&auth.0, &id.0)?;
        Ok(Json(dto(w, n)))
    }

    /// Change a webhook subscription (admins)
    ///
    /// URL, description, event types, inbox filter, or `active`: turning it on clears a
    /// disabled reason and the failure streak, turning it off keeps deliveries waiting.
    #[oai(path = "/webhooks/:id", method = "patch", operation_id = "updateWebhook")]
    async fn update(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateWebhook>,
    ) -> ApiResult<Json<WebhookDto>> {
        let b = body.0;
        let input = WebhookInput {
            url: b.url,
            description: b.description,
            events: b.events.map(names),
            inbox_ids: b.inbox_ids,
            active: b.active,
        };
        desk.save_webhook(&auth.0, Some(&id.0), input).await?;
        let (w, n) = desk.get_webhook(&auth.0, &id.0)?;
        Ok(Json(dto(w, n)))
    }

    /// Delete a webhook subscription (admins)
    ///
    /// Its delivery log and whatever still waits go with it.
    #[oai(path = "/webhooks/:id", method = "delete", operation_id = "deleteWebhook")]
    async fn delete(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<NoContent> {
        desk.delete_webhook(&auth.0, &id.0).await?;
        Ok(NoContent::Done)
    }

    /// Resume a disabled webhook subscription (admins)
    ///
    /// Clears the reason and the failure streak; the deliveries that waited go out in order.
    #[oai(path = "/webhooks/:id/resume", method = "post", operation_id = "resumeWebhook")]
    async fn resume(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<WebhookDto>> {
        desk.resume_webhook(&auth.0, &id.0).await?;
        let (w, n) = desk.get_webhook(&auth.0, &id.0)?;
        Ok(Json(dto(w, n)))
    }

    /// Make a new signing secret (admins)
    ///
    /// Deliveries from now on are signed with it; it is shown once.
    #[oai(path = "/webhooks/:id/secret", method = "post", operation_id = "createWebhookSecret")]
    async fn secret(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<WebhookSecretMade> {
        let secret = desk.rotate_webhook_secret(&auth.0, &id.0).await?;
        Ok(WebhookSecretMade::Created(Json(WebhookSecret { secret })))
    }

    /// A webhook's delivery log (admins)
    ///
    /// Newest first: status, attempts, the receiver's last status code, the last error and
    /// the response time.
    #[oai(path = "/webhooks/:id/deliveries", method = "get", operation_id = "listWebhookDeliveries")]
    async fn deliveries(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        /// How many (1–200, default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "200")))]
        limit: Query<Option<u32>>,
        /// `next_cursor` of the previous page.
        cursor: Query<Option<String>>,
    ) -> ApiResult<Json<DeliveryList>> {
        let limit = limit.0.unwrap_or(50) as usize;
        let mut items = desk.webhook_deliveries(&auth.0, &id.0, cursor.0.as_deref(), limit + 1)?;
        let next_cursor = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|d| d.id.clone())
        } else {
            None
        };
        Ok(Json(DeliveryList { items: items.into_iter().map(Into::into).collect(), next_cursor }))
    }
}
