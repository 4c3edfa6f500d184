//! `/api/v1/wrap-up-reasons`: the reasons chosen when closing a conversation.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;
use crate::domain::workspace::WrapUpReason;

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
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Created archived (default false).
    pub archived: Option<bool>,
}

/// The fields of a wrap-up reason to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateWrapUp {
    /// Name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// Archive or restore.
    pub archived: Option<bool>,
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

/// Answer to creating a wrap-up reason.
#[derive(ApiResponse)]
pub enum CreatedWrapUp {
    /// Created.
    #[oai(status = 201)]
    Created(Json<WrapUpDto>),
}

/// Wrap-up reasons.
#[derive(Default)]
pub struct WrapUpsApi;

#[OpenApi]
impl WrapUpsApi {
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
}
