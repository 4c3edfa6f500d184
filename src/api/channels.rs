//! `/api/v1/channels/api/{inbox_id}/messages`: the API channel, through which integrations
//! push customer messages with an API token.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::contacts::ContactBody;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;

/// A customer message pushed by an integration.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct ChannelMessage {
    /// Who wrote: found by `external_id`, then `email`, then `phone`; created when new.
    pub contact: ContactBody,
    /// The message text: not blank, at most the workspace's `max_message_chars` (100000 at most).
    #[oai(validator(min_length = 1, max_length = 100000))]
    pub text: String,
}

/// What an inbound message did.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ChannelReceipt {
    /// The conversation it joined or opened.
    pub conversation_id: String,
    /// The stored message.
    pub message_id: String,
    /// The contact.
    pub contact_id: String,
    /// Whether a new conversation was opened.
    pub created_conversation: bool,
}

/// Answer to an inbound channel message.
#[derive(ApiResponse)]
pub enum Received {
    /// Stored.
    #[oai(status = 201)]
    Created(Json<ChannelReceipt>),
}

/// Channels that push customer messages in.
#[derive(Default)]
pub struct ChannelsApi;

#[OpenApi]
impl ChannelsApi {
    /// Push a customer message (API channel)
    ///
    /// For integrations, with an API token of an admin or of a user serving the inbox. Finds
    /// the contact by external id, email or phone (or creates it) and adds the message to the
    /// contact's conversation in this inbox that is not closed, or opens a new queued one.
    #[oai(
        path = "/channels/api/:inbox_id/messages",
        method = "post",
        operation_id = "pushChannelMessage",
        tag = "ApiTags::Channels"
    )]
    async fn channel(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        inbox_id: Path<String>,
        body: Json<ChannelMessage>,
    ) -> ApiResult<Received> {
        let b = body.0;
        let got = desk.api_channel_message(&auth.0, &inbox_id.0, b.contact.into_input()?, b.text).await?;
        Ok(Received::Created(Json(ChannelReceipt {
            conversation_id: got.conversation_id,
            message_id: got.message_id,
            contact_id: got.contact_id,
            created_conversation: got.created,
        })))
    }
}
