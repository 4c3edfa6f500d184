//! The widget settings of live-chat inboxes (F33) as the staff API shows and takes them, and
//! `POST /api/v1/inboxes/{id}/widget_secret`, which makes a new identity secret.

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};

use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::Desk;
use crate::desk::widget::WidgetPatch;
use crate::domain::widget::{FieldRule, OfflineMode, WidgetSettings};

/// Whether the pre-chat form asks for a field.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum FieldRuleDto {
    /// Not asked.
    Off,
    /// Asked, may be left empty.
    Optional,
    /// Must be filled in.
    Required,
}

/// What the widget does when no agent is available.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum OfflineDto {
    /// Show the launcher with a "we'll reply by email" form.
    EmailForm,
    /// Hide the launcher.
    Hide,
}

impl From<FieldRule> for FieldRuleDto {
    fn from(r: FieldRule) -> Self {
        match r {
            FieldRule::Off => FieldRuleDto::Off,
            FieldRule::Optional => FieldRuleDto::Optional,
            FieldRule::Required => FieldRuleDto::Required,
        }
    }
}

impl From<FieldRuleDto> for FieldRule {
    fn from(r: FieldRuleDto) -> Self {
        match r {
            FieldRuleDto::Off => FieldRule::Off,
            FieldRuleDto::Optional => FieldRule::Optional,
            FieldRuleDto::Required => FieldRule::Required,
        }
    }
}

impl From<OfflineMode> for OfflineDto {
    fn from(m: OfflineMode) -> Self {
        match m {
            OfflineMode::EmailForm => OfflineDto::EmailForm,
            OfflineMode::Hide => OfflineDto::Hide,
        }
    }
}

impl From<OfflineDto> for OfflineMode {
    fn from(m: OfflineDto) -> Self {
        match m {
            OfflineDto::EmailForm => OfflineMode::EmailForm,
            OfflineDto::Hide => OfflineMode::Hide,
        }
    }
}

/// A live-chat inbox's widget settings.
#[derive(Object)]
pub struct WidgetSettingsDto {
    /// Accent colour, `#rrggbb`.
    pub color: String,
    /// The first words a customer reads (empty: the widget's own greeting).
    pub greeting: String,
    /// Sites whose pages may carry the widget (`https://shop.example.com`), besides this
    /// server's own pages.
    pub allowed_origins: Vec<String>,
    /// Whether the pre-chat form asks for a name.
    pub prechat_name: FieldRuleDto,
    /// Whether the pre-chat form asks for an email.
    pub prechat_email: FieldRuleDto,
    /// What happens when nobody is available.
    pub offline: OfflineDto,
    /// Whether an identity secret was made (`POST /inboxes/{id}/widget_secret`).
    pub identity_secret_set: bool,
}

impl From<&WidgetSettings> for WidgetSettingsDto {
    fn from(w: &WidgetSettings) -> Self {
        WidgetSettingsDto {
            color: w.color.clone(),
            greeting: w.greeting.clone(),
            allowed_origins: w.allowed_origins.clone(),
            prechat_name: w.prechat_name.into(),
            prechat_email: w.prechat_email.into(),
            offline: w.offline.into(),
            identity_secret_set: !w.identity_secret.is_empty(),
        }
    }
}

/// Widget settings to change; omitted fields stay.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct WidgetSettingsPatch {
    /// Accent colour, `#rrggbb`.
    #[oai(validator(max_length = 7))]
    pub color: Option<String>,
    /// Greeting, at most 500 characters.
    #[oai(validator(max_length = 500))]
    pub greeting: Option<String>,
    /// Allowed origins (`https://host[:port]`, at most 50 of at most 300 characters);
    /// replaces the list.
    #[oai(validator(max_items = 50, max_length = 300))]
    pub allowed_origins: Option<Vec<String>>,
    /// Whether the pre-chat form asks for a name.
    pub prechat_name: Option<FieldRuleDto>,
    /// Whether the pre-chat form asks for an email.
    pub prechat_email: Option<FieldRuleDto>,
    /// What happens when nobody is available.
    pub offline: Option<OfflineDto>,
}

impl From<WidgetSettingsPatch> for WidgetPatch {
    fn from(p: WidgetSettingsPatch) -> Self {
        WidgetPatch {
            color: p.color,
            greeting: p.greeting,
            allowed_origins: p.allowed_origins,
            prechat_name: p.prechat_name.map(FieldRule::from),
            prechat_email: p.prechat_email.map(FieldRule::from),
            offline: p.offline.map(OfflineMode::from),
        }
    }
}

/// A new identity secret, shown once.
#[derive(Object)]
pub struct WidgetSecret {
    /// Sign a customer id with it on your site's server: lower-case hex
    /// HMAC-SHA256(secret, customer id), given to the widget as `data-customer-signature`.
    pub secret: String,
}

/// Answer to making an identity secret.
#[derive(ApiResponse)]
pub enum SecretMade {
    /// Made; the previous secret stops working.
    #[oai(status = 201)]
    Created(Json<WidgetSecret>),
}

/// The widget's identity secret.
#[derive(Default)]
pub struct WidgetSecretApi;

#[OpenApi(tag = "ApiTags::Inboxes")]
impl WidgetSecretApi {
    /// Make a new widget identity secret (admins)
    ///
    /// For live-chat inboxes: a new secret that your site's server signs its signed-in
    /// customers' ids with, so the widget joins that customer's history on any device. It is
    /// shown once; the previous one stops working. `409` for an API-channel inbox.
    #[oai(path = "/inboxes/:id/widget_secret", method = "post", operation_id = "createWidgetSecret")]
    async fn rotate(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<SecretMade> {
        let secret = desk.rotate_widget_secret(&auth.0, &id.0).await?;
        Ok(SecretMade::Created(Json(WidgetSecret { secret })))
    }
}
