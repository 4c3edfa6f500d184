//! `/api/v1/canned-responses`: canned responses (shortcuts), global, per team and personal.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::OffsetDateTime;

use super::auth::NoContent;
use super::common::to_time;
use super::error::ApiResult;
use super::{ApiError, ApiTags, BearerAuth};
use crate::desk::{CannedInput, Desk};
use crate::domain::workspace::{CannedResponse, CannedScope};

/// Who may use a canned response.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ScopeDto {
    /// Everyone (managed by admins).
    Global,
    /// Members of `team_id` (managed by supervisors and admins).
    Team,
    /// Only its owner.
    Personal,
}

/// A canned response (shortcut, quick reply).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CannedDto {
    /// Opaque id.
    pub id: String,
    /// Who may use it.
    pub scope: ScopeDto,
    /// The team, for team scope.
    pub team_id: Option<String>,
    /// The owner, for personal scope.
    pub owner_id: Option<String>,
    /// Typed as `/shortcut` in the composer.
    pub shortcut: String,
    /// Title.
    pub title: String,
    /// Body; `{{contact.name}}`, `{{contact.email}}`, `{{agent.name}}` and `{{conversation.number}}` are filled in when sent.
    pub body: String,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

impl From<CannedResponse> for CannedDto {
    fn from(c: CannedResponse) -> Self {
        let (scope, team_id, owner_id) = match c.scope {
            CannedScope::Global => (ScopeDto::Global, None, None),
            CannedScope::Team { team_id } => (ScopeDto::Team, Some(team_id), None),
            CannedScope::Personal { user_id } => (ScopeDto::Personal, None, Some(user_id)),
        };
        CannedDto {
            id: c.id,
            scope,
            team_id,
            owner_id,
            shortcut: c.shortcut,
            title: c.title,
            body: c.body,
            created_at: to_time(c.created_at),
            updated_at: to_time(c.updated_at),
        }
    }
}

/// A canned response to create.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateCanned {
    /// Scope (default `personal`); it cannot change later.
    pub scope: Option<ScopeDto>,
    /// The team: required for `team` scope, refused for the others.
    pub team_id: Option<String>,
    /// Shortcut code: 1–32 letters, digits, `-` or `_` (a leading `/` is ignored).
    #[oai(validator(max_length = 40))]
    pub shortcut: String,
    /// Title, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub title: String,
    /// Body, 1–10000 characters, with placeholders `{{contact.name}}`, `{{contact.email}}`,
    /// `{{agent.name}}` or `{{conversation.number}}`.
    #[oai(validator(min_length = 1, max_length = 10000))]
    pub body: String,
}

/// The fields of a canned response to change; omitted fields stay. The scope cannot change.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateCanned {
    /// Shortcut code: 1–32 letters, digits, `-` or `_` (a leading `/` is ignored).
    #[oai(validator(max_length = 40))]
    pub shortcut: Option<String>,
    /// Title, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub title: Option<String>,
    /// Body, 1–10000 characters, with placeholders.
    #[oai(validator(min_length = 1, max_length = 10000))]
    pub body: Option<String>,
}

impl From<UpdateCanned> for CannedInput {
    fn from(b: UpdateCanned) -> Self {
        CannedInput { scope: None, shortcut: b.shortcut, title: b.title, body: b.body }
    }
}

/// A list of canned responses.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct CannedList {
    /// The canned responses the caller may use.
    pub items: Vec<CannedDto>,
    /// Always absent.
    pub next_cursor: Option<String>,
}

/// Answer to creating a canned response.
#[derive(ApiResponse)]
pub enum CreatedCanned {
    /// Created.
    #[oai(status = 201)]
    Created(Json<CannedDto>),
}

/// The desk's input for a new canned response: `team_id` goes with team scope and only there.
fn canned_input(b: CreateCanned) -> Result<CannedInput, ApiError> {
    let scope = match (b.scope, b.team_id) {
        (Some(ScopeDto::Team), Some(team_id)) => Some(CannedScope::Team { team_id }),
        (Some(ScopeDto::Team), None) => return Err(ApiError::bad_request("team_id is required for team scope")),
        (Some(_), Some(_)) => return Err(ApiError::bad_request("team_id is only allowed with team scope")),
        (None, Some(_)) => return Err(ApiError::bad_request("set scope to team to use team_id")),
        (Some(ScopeDto::Global), None) => Some(CannedScope::Global),
        // Personal scope always belongs to the caller; the desk fills the owner in.
        (Some(ScopeDto::Personal), None) | (None, None) => None,
    };
    Ok(CannedInput { scope, shortcut: Some(b.shortcut), title: Some(b.title), body: Some(b.body) })
}

/// Canned responses.
#[derive(Default)]
pub struct CannedApi;

#[OpenApi]
impl CannedApi {
    /// List canned responses
    ///
    /// The global ones, those of the caller's teams, and the caller's personal ones.
    #[oai(
        path = "/canned-responses",
        method = "get",
        operation_id = "listCannedResponses",
        tag = "ApiTags::CannedResponses"
    )]
    async fn list_canned(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<CannedList>> {
        Ok(Json(CannedList {
            items: desk.list_canned(&auth.0)?.into_iter().map(CannedDto::from).collect(),
            next_cursor: None,
        }))
    }

    /// Create a canned response
    ///
    /// Personal ones by anyone, team ones by supervisors and admins, global ones by admins.
    /// Shortcuts are unique within a scope; unknown placeholders are refused (422).
    #[oai(
        path = "/canned-responses",
        method = "post",
        operation_id = "createCannedResponse",
        tag = "ApiTags::CannedResponses"
    )]
    async fn create_canned(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<CreateCanned>,
    ) -> ApiResult<CreatedCanned> {
        let input = canned_input(body.0)?;
        Ok(CreatedCanned::Created(Json(desk.save_canned(&auth.0, None, input).await?.into())))
    }

    /// Change a canned response
    ///
    /// By whoever may manage its scope. The scope cannot change.
    #[oai(
        path = "/canned-responses/:id",
        method = "patch",
        operation_id = "updateCannedResponse",
        tag = "ApiTags::CannedResponses"
    )]
    async fn update_canned(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateCanned>,
    ) -> ApiResult<Json<CannedDto>> {
        let input = body.0.into();
        Ok(Json(desk.save_canned(&auth.0, Some(&id.0), input).await?.into()))
    }

    /// Delete a canned response
    ///
    /// By whoever may manage its scope.
    #[oai(
        path = "/canned-responses/:id",
        method = "delete",
        operation_id = "deleteCannedResponse",
        tag = "ApiTags::CannedResponses"
    )]
    async fn delete_canned(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<NoContent> {
        desk.delete_canned(&auth.0, &id.0).await?;
        Ok(NoContent::Done)
    }
}
