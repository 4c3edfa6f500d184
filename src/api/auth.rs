//! `/api/v1/auth`: signing in (email and password → session token) and out.

use poem::web::Data;
use poem_openapi::param::Header;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use time::OffsetDateTime;

use super::common::to_time;
use super::error::ApiResult;
use super::users::UserDto;
use super::{ApiTags, BearerAuth};
use crate::desk::{ClientInfo, Desk};
use crate::http::ClientAddr;

/// Email and password.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct LoginRequest {
    /// The account's email (case does not matter; at most 254 characters).
    #[oai(validator(max_length = 254))]
    pub email: String,
    /// The password (at most 1024 characters, like every password).
    #[oai(validator(max_length = 1024))]
    pub password: String,
}

/// A new session.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LoginResponse {
    /// The session token: send it as `Authorization: Bearer <token>`. Shown only now.
    pub token: String,
    /// When the session ends; sign in again after that.
    pub expires_at: OffsetDateTime,
    /// Who signed in.
    pub user: UserDto,
}

/// An answer with no body.
#[derive(ApiResponse)]
pub enum NoContent {
    /// Done.
    #[oai(status = 204)]
    Done,
}

/// Signing in and out.
#[derive(Default)]
pub struct AuthApi;

#[OpenApi(tag = "ApiTags::Auth")]
impl AuthApi {
    /// Sign in
    ///
    /// Exchanges email and password for a session token. Repeated failures are slowed, never
    /// locked: after 3 failures for one account from one address, 10 for one account from
    /// anywhere, or 20 from one address, each further attempt must wait longer (1 s, 2 s, 4 s …
    /// up to a minute), answered `429` with `Retry-After`. One attempt per account is checked
    /// at a time; a second one meanwhile gets `429` with `Retry-After: 1`.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        desk: Data<&Desk>,
        client: Data<&ClientAddr>,
        /// Labels the session in token lists.
        #[oai(name = "User-Agent")]
        user_agent: Header<Option<String>>,
        body: Json<LoginRequest>,
    ) -> ApiResult<Json<LoginResponse>> {
        let client = ClientInfo { addr: client.0.0, user_agent: user_agent.0 };
        let outcome = desk.login(&body.email, &body.password, client).await?;
        Ok(Json(LoginResponse {
            token: outcome.token,
            expires_at: to_time(outcome.credential.expires_at.unwrap_or(outcome.credential.created_at)),
            user: outcome.user.into(),
        }))
    }

    /// Sign out
    ///
    /// Revokes the token used for this call; it is refused from now on.
    #[oai(path = "/auth/logout", method = "post", operation_id = "logout")]
    async fn logout(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<NoContent> {
        desk.logout(&auth.0).await?;
        Ok(NoContent::Done)
    }
}
