//! `/api/v1/users`: user administration (admins change; supervisors read; agents get 403).

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::OffsetDateTime;

use super::common::{page_limit, to_time};
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::{Desk, NewUser, UserPatch};
use crate::domain::{AgentStatus, Role, User};

/// What a user may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum RoleDto {
    /// Answers conversations.
    Agent,
    /// Watches the operation live and steps in.
    Supervisor,
    /// Configures the workspace and administers users.
    Admin,
}

impl From<Role> for RoleDto {
    fn from(r: Role) -> Self {
        match r {
            Role::Agent => RoleDto::Agent,
            Role::Supervisor => RoleDto::Supervisor,
            Role::Admin => RoleDto::Admin,
        }
    }
}

impl From<RoleDto> for Role {
    fn from(r: RoleDto) -> Self {
        match r {
            RoleDto::Agent => Role::Agent,
            RoleDto::Supervisor => Role::Supervisor,
            RoleDto::Admin => Role::Admin,
        }
    }
}

/// An agent's availability for routing.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "lowercase")]
pub enum StatusDto {
    /// Receives offers.
    Available,
    /// Signed in, receives no offers.
    Away,
    /// Not signed in.
    Offline,
    /// Missed an offer; must set `available` again by hand.
    Rona,
}

impl From<AgentStatus> for StatusDto {
    fn from(s: AgentStatus) -> Self {
        match s {
            AgentStatus::Available => StatusDto::Available,
            AgentStatus::Away => StatusDto::Away,
            AgentStatus::Offline => StatusDto::Offline,
            AgentStatus::Rona => StatusDto::Rona,
        }
    }
}

/// A user as the API shows it (never the password hash).
#[derive(Object, Clone, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct UserDto {
    /// Opaque id.
    pub id: String,
    /// Email, lower-case.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: RoleDto,
    /// Current availability.
    pub status: StatusDto,
    /// Maximum active conversations.
    pub capacity: u32,
    /// Deactivated users cannot sign in.
    pub active: bool,
    /// Sees every conversation, like a supervisor.
    pub see_all: bool,
    /// The user must choose a new password before doing anything else.
    pub must_change_password: bool,
    /// Last sign of life from an open agent page (heartbeat or event stream).
    pub last_seen: Option<OffsetDateTime>,
    /// Presence (not the user) turned them `away`; a visible page's heartbeat brings them back.
    pub auto_away: bool,
    /// Transfers this user made.
    pub transfers_made: u32,
    /// When the user was created.
    pub created_at: OffsetDateTime,
    /// When the user was last changed.
    pub updated_at: OffsetDateTime,
}

impl From<User> for UserDto {
    fn from(u: User) -> Self {
        UserDto {
            id: u.id,
            email: u.email,
            name: u.name,
            role: u.role.into(),
            status: u.status.into(),
            capacity: u.capacity,
            active: u.active,
            see_all: u.see_all,
            must_change_password: u.must_change_password,
            last_seen: u.last_seen.map(to_time),
            auto_away: u.auto_away,
            transfers_made: u.transfers_made,
            created_at: to_time(u.created_at),
            updated_at: to_time(u.updated_at),
        }
    }
}

/// A page of users.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct UserPage {
    /// The users, in creation order.
    pub items: Vec<UserDto>,
    /// Pass as `cursor` to get the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A user to create.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateUser {
    /// Email; must be unique.
    #[oai(validator(max_length = 254))]
    pub email: String,
    /// Display name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Role.
    pub role: RoleDto,
    /// Initial password, 8–1024 characters.
    #[oai(validator(min_length = 8, max_length = 1024))]
    pub password: String,
    /// Maximum active conversations (1–100, default 5).
    #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
    pub capacity: Option<u32>,
    /// Require a new password at first sign-in (default false).
    pub must_change_password: Option<bool>,
}

/// Changes to a user; omitted fields stay as they are.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateUser {
    /// New email.
    #[oai(validator(max_length = 254))]
    pub email: Option<String>,
    /// New display name.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// New role. The last active admin cannot be demoted.
    pub role: Option<RoleDto>,
    /// New capacity (1–100).
    #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
    pub capacity: Option<u32>,
    /// New password (at least 8 characters); ends the user's sessions and revokes their API
    /// tokens.
    #[oai(validator(min_length = 8, max_length = 1024))]
    pub password: Option<String>,
    /// `false` deactivates (revoking every token), `true` reactivates.
    pub active: Option<bool>,
    /// Grant or remove the `see_all` permission (every conversation, like a supervisor).
    pub see_all: Option<bool>,
    /// Require a new password at next sign-in.
    pub must_change_password: Option<bool>,
}

/// Answer to creating a user.
#[derive(ApiResponse)]
pub enum CreatedUser {
    /// The user was created.
    #[oai(status = 201)]
    Created(Json<UserDto>),
}

/// User administration.
#[derive(Default)]
pub struct UsersApi;

#[OpenApi(tag = "ApiTags::Users")]
impl UsersApi {
    /// List users
    ///
    /// Every user, active or not, in creation order. Supervisors and admins only.
    #[oai(path = "/users", method = "get", operation_id = "listUsers")]
    async fn list(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// Cursor from the previous page's `next_cursor`.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<UserPage>> {
        let limit = page_limit(limit.0)?;
        let (users, next_cursor) = desk.list_users(&auth.0, cursor.0.as_deref(), limit)?;
        Ok(Json(UserPage { items: users.into_iter().map(UserDto::from).collect(), next_cursor }))
    }

    /// Create a user
    ///
    /// Admins only. The email must not be taken (409 otherwise).
    #[oai(path = "/users", method = "post", operation_id = "createUser")]
    async fn create(&self, auth: BearerAuth, desk: Data<&Desk>, body: Json<CreateUser>) -> ApiResult<CreatedUser> {
        let b = body.0;
        let new = NewUser {
            email: b.email,
            name: b.name,
            role: b.role.into(),
            password: b.password,
            capacity: b.capacity,
            must_change_password: b.must_change_password.unwrap_or(false),
        };
        Ok(CreatedUser::Created(Json(desk.create_user(&auth.0, new).await?.into())))
    }

    /// Get a user
    ///
    /// Supervisors and admins may read anyone; everyone may read themselves.
    #[oai(path = "/users/:id", method = "get", operation_id = "getUser")]
    async fn get(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<UserDto>> {
        Ok(Json(desk.get_user(&auth.0, &id.0)?.into()))
    }

    /// Change a user
    ///
    /// Admins only. Deactivating revokes every token of the user; a new password ends their
    /// sessions. The last active admin can be neither demoted nor deactivated (409).
    #[oai(path = "/users/:id", method = "patch", operation_id = "updateUser")]
    async fn update(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateUser>,
    ) -> ApiResult<Json<UserDto>> {
        let b = body.0;
        let patch = UserPatch {
            email: b.email,
            name: b.name,
            role: b.role.map(Role::from),
            capacity: b.capacity,
            password: b.password,
            active: b.active,
            see_all: b.see_all,
            must_change_password: b.must_change_password,
        };
        Ok(Json(desk.update_user(&auth.0, &id.0, patch).await?.into()))
    }

    /// Deactivate a user
    ///
    /// Admins only. The user can no longer sign in and every token they hold is revoked at
    /// once. Their history stays. Reactivate with `PATCH {"active": true}`.
    #[oai(path = "/users/:id", method = "delete", operation_id = "deactivateUser")]
    async fn deactivate(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<UserDto>> {
        Ok(Json(desk.deactivate_user(&auth.0, &id.0).await?.into()))
    }

    /// Set a user's status
    ///
    /// Supervisors and admins: `available`, `away` or `offline` for any agent, e.g. to bring
    /// an agent back from `rona` or to take a forgotten one offline. Offers the agent holds
    /// are withdrawn when they stop being available, and the queue is routed again.
    #[oai(path = "/users/:id/status", method = "put", operation_id = "setUserStatus")]
    async fn set_status(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<super::me::SetStatus>,
    ) -> ApiResult<Json<UserDto>> {
        Ok(Json(desk.set_user_status(&auth.0, &id.0, body.0.status.into()).await?.into()))
    }
}
