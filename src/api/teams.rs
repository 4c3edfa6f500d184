//! `/api/v1/teams`: teams (groups, departments) and their members (F25).

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use time::OffsetDateTime;

use super::auth::NoContent;
use super::common::to_time;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::{Desk, TeamInput};
use crate::domain::workspace::Team;

/// A team (group, department).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TeamDto {
    /// Opaque id.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Member user ids.
    pub members: Vec<String>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

impl From<Team> for TeamDto {
    fn from(t: Team) -> Self {
        TeamDto {
            id: t.id,
            name: t.name,
            description: t.description,
            members: t.members,
            created_at: to_time(t.created_at),
            updated_at: to_time(t.updated_at),
        }
    }
}

/// A team to create.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateTeam {
    /// Unique name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Description, at most 1000 characters.
    #[oai(validator(max_length = 1000))]
    pub description: Option<String>,
    /// Member user ids (active users), at most 1000.
    #[oai(validator(max_items = 1000))]
    pub members: Option<Vec<String>>,
}

impl From<CreateTeam> for TeamInput {
    fn from(b: CreateTeam) -> Self {
        TeamInput { name: Some(b.name), description: b.description, members: b.members }
    }
}

/// The fields of a team to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateTeam {
    /// Unique name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// Description, at most 1000 characters.
    #[oai(validator(max_length = 1000))]
    pub description: Option<String>,
    /// Member user ids (active users), at most 1000; replaces the list.
    #[oai(validator(max_items = 1000))]
    pub members: Option<Vec<String>>,
}

impl From<UpdateTeam> for TeamInput {
    fn from(b: UpdateTeam) -> Self {
        TeamInput { name: b.name, description: b.description, members: b.members }
    }
}

/// A list of teams.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct TeamList {
    /// Every team.
    pub items: Vec<TeamDto>,
    /// Always absent: every team fits on one page.
    pub next_cursor: Option<String>,
}

/// Answer to creating a team.
#[derive(ApiResponse)]
pub enum CreatedTeam {
    /// Created.
    #[oai(status = 201)]
    Created(Json<TeamDto>),
}

/// Teams.
#[derive(Default)]
pub struct TeamsApi;

#[OpenApi]
impl TeamsApi {
    /// List teams
    ///
    /// Every team with its members. Any signed-in user may read them.
    #[oai(path = "/teams", method = "get", operation_id = "listTeams", tag = "ApiTags::Teams")]
    async fn list_teams(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<TeamList>> {
        let items = desk.list_teams(&auth.0)?.into_iter().map(TeamDto::from).collect();
        Ok(Json(TeamList { items, next_cursor: None }))
    }

    /// Create a team
    ///
    /// Admins only. Names are unique (409); members must be active users (422).
    #[oai(path = "/teams", method = "post", operation_id = "createTeam", tag = "ApiTags::Teams")]
    async fn create_team(&self, auth: BearerAuth, desk: Data<&Desk>, body: Json<CreateTeam>) -> ApiResult<CreatedTeam> {
        Ok(CreatedTeam::Created(Json(desk.save_team(&auth.0, None, body.0.into()).await?.into())))
    }

    /// Get a team
    ///
    /// One team with its members.
    #[oai(path = "/teams/:id", method = "get", operation_id = "getTeam", tag = "ApiTags::Teams")]
    async fn get_team(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<TeamDto>> {
        Ok(Json(desk.get_team(&auth.0, &id.0)?.into()))
    }

    /// Change a team
    ///
    /// Admins only. `members` replaces the whole list.
    #[oai(path = "/teams/:id", method = "patch", operation_id = "updateTeam", tag = "ApiTags::Teams")]
    async fn update_team(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateTeam>,
    ) -> ApiResult<Json<TeamDto>> {
        Ok(Json(desk.save_team(&auth.0, Some(&id.0), body.0.into()).await?.into()))
    }

    /// Delete a team
    ///
    /// Admins only. The team stops serving its inboxes.
    #[oai(path = "/teams/:id", method = "delete", operation_id = "deleteTeam", tag = "ApiTags::Teams")]
    async fn delete_team(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<NoContent> {
        desk.delete_team(&auth.0, &id.0).await?;
        Ok(NoContent::Done)
    }
}
