//! `/api/v1/labels`, `/api/v1/canned-responses`, `/api/v1/wrap-up-reasons` and
//! `/api/v1/settings`.

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
use crate::domain::workspace::{CannedResponse, CannedScope, Label, Settings, WrapUpReason};

/// A label (tag) for conversations.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LabelDto {
    /// Opaque id.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Colour, `#rrggbb`.
    pub color: String,
}

impl From<Label> for LabelDto {
    fn from(l: Label) -> Self {
        LabelDto { id: l.id, name: l.name, color: l.color }
    }
}

/// A label to create.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateLabel {
    /// Unique name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: String,
    /// Colour, `#rrggbb` (default `#64748b`).
    #[oai(validator(pattern = "^#[0-9a-fA-F]{6}$"))]
    pub color: Option<String>,
}

/// The fields of a label to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateLabel {
    /// Unique name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: Option<String>,
    /// Colour, `#rrggbb`.
    #[oai(validator(pattern = "^#[0-9a-fA-F]{6}$"))]
    pub color: Option<String>,
}

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
    #[oai(validator(pattern = "^/*[A-Za-z0-9_-]{1,32}$"))]
    pub shortcut: String,
    /// Title, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub title: String,
    /// Body, 1–10000 characters, with placeholders `{{contact.name}}`, `{{contact.email}}`,
    /// `{{agent.name}}` or `{{conversation.number}}`.
    #[oai(validator(min_length = 1, max_length = 10000, pattern = r"\S"))]
    pub body: String,
}

/// The fields of a canned response to change; omitted fields stay. The scope cannot change.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateCanned {
    /// Shortcut code: 1–32 letters, digits, `-` or `_` (a leading `/` is ignored).
    #[oai(validator(pattern = "^/*[A-Za-z0-9_-]{1,32}$"))]
    pub shortcut: Option<String>,
    /// Title, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub title: Option<String>,
    /// Body, 1–10000 characters, with placeholders.
    #[oai(validator(min_length = 1, max_length = 10000, pattern = r"\S"))]
    pub body: Option<String>,
}

impl From<UpdateCanned> for CannedInput {
    fn from(b: UpdateCanned) -> Self {
        CannedInput { scope: None, shortcut: b.shortcut, title: b.title, body: b.body }
    }
}

/// A wrap-up reason.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WrapUpDto {
    /// Opaque id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Archived reasons cannot be chosen any more.
    pub archived: bool,
}

impl From<WrapUpReason> for WrapUpDto {
    fn from(w: WrapUpReason) -> Self {
        WrapUpDto { id: w.id, name: w.name, archived: w.archived }
    }
}

/// A wrap-up reason to create.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateWrapUp {
    /// Name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: String,
    /// Created archived (default false).
    pub archived: Option<bool>,
}

/// The fields of a wrap-up reason to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateWrapUp {
    /// Name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: Option<String>,
    /// Archive or restore.
    pub archived: Option<bool>,
}

/// Workspace settings.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct SettingsDto {
    /// Workspace name.
    pub name: String,
    /// Default language: `en`, `it` or `es`.
    pub language: String,
    /// IANA time zone for reports.
    pub time_zone: String,
    /// Longest message text in characters.
    pub max_message_chars: u32,
    /// Largest attachment in bytes.
    pub max_upload_bytes: u64,
    /// MIME types agents may upload (`image/*` allows a family).
    pub allowed_upload_types: Vec<String>,
    /// Capacity given to new agents.
    pub default_capacity: u32,
    /// Seconds without a sign of life (heartbeat or open event stream) after which an
    /// available agent turns `away` (F20).
    pub presence_timeout_secs: u32,
}

impl From<Settings> for SettingsDto {
    fn from(s: Settings) -> Self {
        SettingsDto {
            name: s.name,
            language: s.language,
            time_zone: s.time_zone,
            max_message_chars: s.max_message_chars,
            max_upload_bytes: s.max_upload_bytes,
            allowed_upload_types: s.allowed_upload_types,
            default_capacity: s.default_capacity,
            presence_timeout_secs: s.presence_timeout_secs,
        }
    }
}

/// Settings to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct SettingsBody {
    /// Workspace name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100, pattern = r"\S"))]
    pub name: Option<String>,
    /// `en`, `it` or `es`.
    #[oai(validator(pattern = "^(en|it|es)$"))]
    pub language: Option<String>,
    /// IANA time zone, e.g. `Europe/Rome` or `UTC`.
    #[oai(validator(min_length = 1, max_length = 64))]
    pub time_zone: Option<String>,
    /// 100–100000.
    #[oai(validator(minimum(value = "100"), maximum(value = "100000")))]
    pub max_message_chars: Option<u32>,
    /// 1 KiB – 1 GiB.
    #[oai(validator(minimum(value = "1024"), maximum(value = "1073741824")))]
    pub max_upload_bytes: Option<u64>,
    /// Replaces the list of uploadable MIME types: 1–200 types like `image/png` or `image/*`.
    #[oai(validator(min_items = 1, max_items = 200, pattern = "^[A-Za-z0-9+.*_-]{1,100}/[A-Za-z0-9+.*_-]{1,100}$"))]
    pub allowed_upload_types: Option<Vec<String>>,
    /// 1–100.
    #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
    pub default_capacity: Option<u32>,
    /// 30–3600 seconds.
    #[oai(validator(minimum(value = "30"), maximum(value = "3600")))]
    pub presence_timeout_secs: Option<u32>,
}

/// A list of labels.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct LabelList {
    /// Every label.
    pub items: Vec<LabelDto>,
    /// Always absent.
    pub next_cursor: Option<String>,
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

/// A list of wrap-up reasons.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WrapUpList {
    /// Every reason, archived ones included.
    pub items: Vec<WrapUpDto>,
    /// Always absent.
    pub next_cursor: Option<String>,
}

/// Answer to creating a label.
#[derive(ApiResponse)]
pub enum CreatedLabel {
    /// Created.
    #[oai(status = 201)]
    Created(Json<LabelDto>),
}

/// Answer to creating a canned response.
#[derive(ApiResponse)]
pub enum CreatedCanned {
    /// Created.
    #[oai(status = 201)]
    Created(Json<CannedDto>),
}

/// Answer to creating a wrap-up reason.
#[derive(ApiResponse)]
pub enum CreatedWrapUp {
    /// Created.
    #[oai(status = 201)]
    Created(Json<WrapUpDto>),
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

/// Labels, canned responses, wrap-up reasons and settings.
pub struct CatalogApi;

#[OpenApi]
impl CatalogApi {
    /// List labels
    ///
    /// Every label. Any signed-in user may read them.
    #[oai(path = "/labels", method = "get", operation_id = "listLabels", tag = "ApiTags::Labels")]
    async fn list_labels(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<LabelList>> {
        Ok(Json(LabelList {
            items: desk.list_labels(&auth.0)?.into_iter().map(LabelDto::from).collect(),
            next_cursor: None,
        }))
    }

    /// Create a label
    ///
    /// Admins only; names are unique regardless of case.
    #[oai(path = "/labels", method = "post", operation_id = "createLabel", tag = "ApiTags::Labels")]
    async fn create_label(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<CreateLabel>,
    ) -> ApiResult<CreatedLabel> {
        let b = body.0;
        Ok(CreatedLabel::Created(Json(desk.save_label(&auth.0, None, Some(b.name), b.color).await?.into())))
    }

    /// Change a label
    ///
    /// Admins only.
    #[oai(path = "/labels/:id", method = "patch", operation_id = "updateLabel", tag = "ApiTags::Labels")]
    async fn update_label(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateLabel>,
    ) -> ApiResult<Json<LabelDto>> {
        let b = body.0;
        Ok(Json(desk.save_label(&auth.0, Some(&id.0), b.name, b.color).await?.into()))
    }

    /// Delete a label
    ///
    /// Admins only. Conversations keep no reference to a deleted label.
    #[oai(path = "/labels/:id", method = "delete", operation_id = "deleteLabel", tag = "ApiTags::Labels")]
    async fn delete_label(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<NoContent> {
        desk.delete_label(&auth.0, &id.0).await?;
        Ok(NoContent::Done)
    }

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

    /// List wrap-up reasons
    ///
    /// Every reason, archived ones included (they may appear on closed conversations).
    #[oai(
        path = "/wrap-up-reasons",
        method = "get",
        operation_id = "listWrapUpReasons",
        tag = "ApiTags::WrapUpReasons"
    )]
    async fn list_wrap_ups(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<WrapUpList>> {
        Ok(Json(WrapUpList {
            items: desk.list_wrap_ups(&auth.0)?.into_iter().map(WrapUpDto::from).collect(),
            next_cursor: None,
        }))
    }

    /// Create a wrap-up reason
    ///
    /// Admins only.
    #[oai(
        path = "/wrap-up-reasons",
        method = "post",
        operation_id = "createWrapUpReason",
        tag = "ApiTags::WrapUpReasons"
    )]
    async fn create_wrap_up(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<CreateWrapUp>,
    ) -> ApiResult<CreatedWrapUp> {
        let b = body.0;
        Ok(CreatedWrapUp::Created(Json(desk.save_wrap_up(&auth.0, None, Some(b.name), b.archived).await?.into())))
    }

    /// Change a wrap-up reason
    ///
    /// Admins only; `archived: false` restores an archived reason.
    #[oai(
        path = "/wrap-up-reasons/:id",
        method = "patch",
        operation_id = "updateWrapUpReason",
        tag = "ApiTags::WrapUpReasons"
    )]
    async fn update_wrap_up(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateWrapUp>,
    ) -> ApiResult<Json<WrapUpDto>> {
        let b = body.0;
        Ok(Json(desk.save_wrap_up(&auth.0, Some(&id.0), b.name, b.archived).await?.into()))
    }

    /// Archive a wrap-up reason
    ///
    /// Admins only. The reason stays on closed conversations and in reports but cannot be chosen.
    #[oai(
        path = "/wrap-up-reasons/:id",
        method = "delete",
        operation_id = "archiveWrapUpReason",
        tag = "ApiTags::WrapUpReasons"
    )]
    async fn archive_wrap_up(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
    ) -> ApiResult<Json<WrapUpDto>> {
        Ok(Json(desk.save_wrap_up(&auth.0, Some(&id.0), None, Some(true)).await?.into()))
    }

    /// Get the settings
    ///
    /// Workspace name, language, time zone and limits.
    #[oai(path = "/settings", method = "get", operation_id = "getSettings", tag = "ApiTags::Settings")]
    async fn get_settings(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<SettingsDto>> {
        Ok(Json(desk.get_settings(&auth.0)?.into()))
    }

    /// Change the settings
    ///
    /// Admins only; every field is checked (422 lists the invalid ones).
    #[oai(path = "/settings", method = "patch", operation_id = "updateSettings", tag = "ApiTags::Settings")]
    async fn update_settings(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<SettingsBody>,
    ) -> ApiResult<Json<SettingsDto>> {
        let b = body.0;
        let s = desk
            .update_settings(&auth.0, move |s| {
                if let Some(v) = b.name {
                    s.name = v.trim().to_string();
                }
                if let Some(v) = b.language {
                    s.language = v;
                }
                if let Some(v) = b.time_zone {
                    s.time_zone = v;
                }
                if let Some(v) = b.max_message_chars {
                    s.max_message_chars = v;
                }
                if let Some(v) = b.max_upload_bytes {
                    s.max_upload_bytes = v;
                }
                if let Some(v) = b.allowed_upload_types {
                    s.allowed_upload_types = v;
                }
                if let Some(v) = b.default_capacity {
                    s.default_capacity = v;
                }
                if let Some(v) = b.presence_timeout_secs {
                    s.presence_timeout_secs = v;
                }
            })
            .await?;
        Ok(Json(s.into()))
    }
}
