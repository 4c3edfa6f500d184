//! `/api/v1/labels`: labels (tags) admins define and agents put on conversations.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};

use super::auth::NoContent;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;
use crate::domain::workspace::Label;

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
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Colour, `#rrggbb` (default `#64748b`).
    #[oai(validator(max_length = 7))]
    pub color: Option<String>,
}

/// The fields of a label to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateLabel {
    /// Unique name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// Colour, `#rrggbb`.
    #[oai(validator(max_length = 7))]
    pub color: Option<String>,
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

/// Answer to creating a label.
#[derive(ApiResponse)]
pub enum CreatedLabel {
    /// Created.
    #[oai(status = 201)]
    Created(Json<LabelDto>),
}

/// Labels for conversations.
#[derive(Default)]
pub struct LabelsApi;

#[OpenApi]
impl LabelsApi {
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
}
