//! `/api/v1/settings`: the workspace settings (name, language, time zone, limits).

use poem::web::Data;
use poem_openapi::payload::Json;
use poem_openapi::{Object, OpenApi};

use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;
use crate::domain::workspace::Settings;

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
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// `en`, `it` or `es`.
    #[oai(validator(max_length = 2))]
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
    #[oai(validator(min_items = 1, max_items = 200))]
    pub allowed_upload_types: Option<Vec<String>>,
    /// 1–100.
    #[oai(validator(minimum(value = "1"), maximum(value = "100")))]
    pub default_capacity: Option<u32>,
    /// 30–3600 seconds.
    #[oai(validator(minimum(value = "30"), maximum(value = "3600")))]
    pub presence_timeout_secs: Option<u32>,
}

/// Workspace settings.
#[derive(Default)]
pub struct SettingsApi;

#[OpenApi]
impl SettingsApi {
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
