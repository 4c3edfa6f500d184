//! `/api/v1/me`: the signed-in user and their password.

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Enum, Object, OpenApi};

use super::auth::NoContent;
use super::error::ApiResult;
use super::users::{StatusDto, UserDto};
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;
use crate::domain::AgentStatus;

/// A password change.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct ChangePassword {
    /// The password in use now.
    #[oai(validator(max_length = 1024))]
    pub current_password: String,
    /// The new password, 8–1024 characters.
    #[oai(validator(min_length = 8, max_length = 1024))]
    pub new_password: String,
    /// Keep my API tokens working (default false: a new password revokes them too, in case
    /// the old one leaked with them).
    pub keep_api_tokens: Option<bool>,
}

/// The signed-in user with their teams.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct MeDto {
    /// The user.
    #[oai(flatten)]
    pub user: UserDto,
    /// Ids of the teams the user belongs to.
    pub team_ids: Vec<String>,
}

/// A status a person may choose (`rona` is only ever set by a missed offer).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum SettableStatus {
    /// Receives offers.
    Available,
    /// Signed in, receives no offers.
    Away,
    /// Not signed in: may not act.
    Offline,
}

/// A status to set.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct SetStatus {
    /// `available` (receives offers), `away` (may act, no offers) or `offline` (may not act).
    pub status: SettableStatus,
}

/// A presence heartbeat.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct Heartbeat {
    /// The page went hidden (the agent is not looking).
    #[oai(default)]
    pub hidden: bool,
}

impl From<StatusDto> for AgentStatus {
    fn from(s: StatusDto) -> Self {
        match s {
            StatusDto::Available => AgentStatus::Available,
            StatusDto::Away => AgentStatus::Away,
            StatusDto::Offline => AgentStatus::Offline,
            StatusDto::Rona => AgentStatus::Rona,
        }
    }
}

impl From<SettableStatus> for AgentStatus {
    fn from(s: SettableStatus) -> Self {
        match s {
            SettableStatus::Available => AgentStatus::Available,
            SettableStatus::Away => AgentStatus::Away,
            SettableStatus::Offline => AgentStatus::Offline,
        }
    }
}

/// The signed-in user.
#[derive(Default)]
pub struct MeApi;

#[OpenApi(tag = "ApiTags::Me")]
impl MeApi {
    /// Who am I
    ///
    /// The signed-in user with role, status, capacity and teams. Works even when a new
    /// password must be chosen first (`must_change_password`).
    #[oai(path = "/me", method = "get", operation_id = "getMe")]
    async fn me(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<MeDto>> {
        let team_ids = desk.my_teams(&auth.0)?;
        Ok(Json(MeDto { user: auth.0.user.into(), team_ids }))
    }

    /// Set my status
    ///
    /// `available`, `away` or `offline`. Signing in makes an offline agent available and
    /// signing out makes them offline. `rona` is set by missed offers and cannot be chosen.
    #[oai(path = "/me/status", method = "put", operation_id = "setMyStatus")]
    async fn set_status(&self, auth: BearerAuth, desk: Data<&Desk>, body: Json<SetStatus>) -> ApiResult<Json<UserDto>> {
        Ok(Json(desk.set_own_status(&auth.0, body.0.status.into()).await?.into()))
    }

    /// Presence heartbeat
    ///
    /// Sent by an open agent page about every 30 seconds (an open `GET /events` stream counts
    /// too). An available agent with no sign of life for the workspace's
    /// `presence_timeout_secs` (default 120) turns `away`. With `{"hidden": true}` the page
    /// reports that it went hidden: an available agent turns `away` at once. A heartbeat from
    /// a visible page makes an agent whom presence turned away `available` again.
    #[oai(path = "/me/heartbeat", method = "post", operation_id = "heartbeat")]
    async fn heartbeat(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<Option<Heartbeat>>,
    ) -> ApiResult<Json<UserDto>> {
        let hidden = body.0.is_some_and(|b| b.hidden);
        Ok(Json(desk.heartbeat(&auth.0, hidden).await?.into()))
    }

    /// Change my password
    ///
    /// Checks the current password (403 when wrong), sets the new one, ends the caller's
    /// other sessions and revokes their API tokens unless `keep_api_tokens` is true. Clears
    /// `must_change_password`. Wrong guesses are throttled like sign-ins (`429`).
    #[oai(path = "/me/password", method = "put", operation_id = "changeMyPassword")]
    async fn change_password(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<ChangePassword>,
    ) -> ApiResult<NoContent> {
        let keep = body.keep_api_tokens.unwrap_or(false);
        desk.change_own_password(&auth.0, &body.current_password, &body.new_password, keep).await?;
        Ok(NoContent::Done)
    }
}
