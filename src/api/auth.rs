//! `/api/v1/auth`: signing in (email and password → session token) and out.

use poem::web::{Data, RemoteAddr};
use poem_openapi::param::Header;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use time::OffsetDateTime;

use super::common::to_time;
use super::error::ApiResult;
use super::users::UserDto;
use super::{ApiTags, BearerAuth};
use crate::desk::{ClientInfo, Desk};

/// Email and password.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct LoginRequest {
    /// The account's email (case does not matter).
    pub email: String,
    /// The password.
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
    /// Exchanges email and password for a session token. Repeated failures for one account or
    /// one address are slowed and then refused for 15 minutes with `429` and `Retry-After`.
    #[oai(path = "/auth/login", method = "post", operation_id = "login")]
    async fn login(
        &self,
        desk: Data<&Desk>,
        remote: &RemoteAddr,
        /// Labels the session in token lists.
        #[oai(name = "User-Agent")]
        user_agent: Header<Option<String>>,
        body: Json<LoginRequest>,
    ) -> ApiResult<Json<LoginResponse>> {
        let client = ClientInfo { addr: remote.as_socket_addr().map(|a| a.ip()), user_agent: user_agent.0 };
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
