//! `/api/v1/tokens`: API tokens for scripts and integrations. The secret is shown once.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use time::OffsetDateTime;

use super::auth::NoContent;
use super::common::to_time;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;
use crate::domain::Credential;

/// An API token (without its secret).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TokenDto {
    /// Opaque id, used to revoke.
    pub id: String,
    /// The token's name.
    pub name: String,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it stops working; absent if never.
    pub expires_at: Option<OffsetDateTime>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<OffsetDateTime>,
}

impl From<Credential> for TokenDto {
    fn from(c: Credential) -> Self {
        TokenDto {
            id: c.id,
            name: c.name,
            created_at: to_time(c.created_at),
            expires_at: c.expires_at.map(to_time),
            last_used_at: c.last_used_at.map(to_time),
        }
    }
}

/// The caller's API tokens.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TokenPage {
    /// Live tokens, oldest first.
    pub items: Vec<TokenDto>,
    /// Always absent: every token fits on one page.
    pub next_cursor: Option<String>,
}

/// A token to create.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateToken {
    /// A name to recognise it by (1–100 characters, not blank).
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Lifetime in days (1–3650); omitted means it never expires.
    #[oai(validator(minimum(value = "1"), maximum(value = "3650")))]
    pub expires_in_days: Option<u32>,
}

/// A new token with its secret.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CreatedTokenDto {
    /// Opaque id, used to revoke.
    pub id: String,
    /// The token's name.
    pub name: String,
    /// The secret: send as `Authorization: Bearer <token>`. Shown only now; store it safely.
    pub token: String,
    /// When it was created.
    pub created_at: OffsetDateTime,
    /// When it stops working; absent if never.
    pub expires_at: Option<OffsetDateTime>,
}

/// Answer to creating a token.
#[derive(ApiResponse)]
pub enum CreatedToken {
    /// The token was created.
    #[oai(status = 201)]
    Created(Json<CreatedTokenDto>),
}

/// API tokens.
#[derive(Default)]
pub struct TokensApi;

#[OpenApi(tag = "ApiTags::Tokens")]
impl TokensApi {
    /// List my API tokens
    ///
    /// The caller's tokens that are not revoked. Secrets are never shown again.
    #[oai(path = "/tokens", method = "get", operation_id = "listTokens")]
    async fn list(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<TokenPage>> {
        let items = desk.list_tokens(&auth.0)?.into_iter().map(TokenDto::from).collect();
        Ok(Json(TokenPage { items, next_cursor: None }))
    }

    /// Create an API token
    ///
    /// The token acts as the caller, with the caller's role. The secret is in this answer only.
    #[oai(path = "/tokens", method = "post", operation_id = "createToken")]
    async fn create(&self, auth: BearerAuth, desk: Data<&Desk>, body: Json<CreateToken>) -> ApiResult<CreatedToken> {
        let t = desk.create_token(&auth.0, &body.name, body.expires_in_days).await?;
        let c = t.credential;
        Ok(CreatedToken::Created(Json(CreatedTokenDto {
            id: c.id,
            name: c.name,
            token: t.token,
            created_at: to_time(c.created_at),
            expires_at: c.expires_at.map(to_time),
        })))
    }

    /// Revoke an API token
    ///
    /// The token is refused from now on. Admins may revoke anyone's token.
    #[oai(path = "/tokens/:id", method = "delete", operation_id = "revokeToken")]
    async fn revoke(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<NoContent> {
        desk.revoke_token(&auth.0, &id.0).await?;
        Ok(NoContent::Done)
    }
}
