//! `POST /api/v1/conversations/{id}/typing`: an agent is typing a reply (F33). The signal goes
//! to the customer's widget and to the other staff who see the conversation; it is never
//! stored.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;

/// Typing or not.
#[derive(Object)]
#[oai(deny_unknown_fields)]
pub struct AgentTyping {
    /// `true` while typing a reply; `false` after sending or clearing it.
    pub active: bool,
}

/// Answer to a typing signal.
#[derive(ApiResponse)]
pub enum TypingSent {
    /// Passed on.
    #[oai(status = 204)]
    NoContent,
}

/// Typing signals.
#[derive(Default)]
pub struct TypingApi;

#[OpenApi(tag = "ApiTags::Messages")]
impl TypingApi {
    /// Say you are typing a reply
    ///
    /// Send `active: true` at most every few seconds while typing a reply (never while writing
    /// an internal note: the customer sees it) and `false` after sending or clearing. The
    /// customer's widget shows "an agent is typing", and staff who see the conversation get a
    /// `typing` live event. Not stored; extra signals within a second are dropped.
    #[oai(path = "/conversations/:id/typing", method = "post", operation_id = "sendTyping")]
    async fn typing(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<AgentTyping>,
    ) -> ApiResult<TypingSent> {
        desk.agent_typing(&auth.0, &id.0, body.0.active)?;
        Ok(TypingSent::NoContent)
    }
}
