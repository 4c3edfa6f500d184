//! `/api/v1/inboxes`: inboxes, their channel, how they assign conversations and the teams serving them (F25).

use poem::web::Data;
use poem_openapi::param::Path;
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Enum, Object, OpenApi};
use time::OffsetDateTime;

use super::auth::NoContent;
use super::common::to_time;
use super::error::ApiResult;
use super::widget_settings::{WidgetSettingsDto, WidgetSettingsPatch};
use super::{ApiTags, BearerAuth};
use crate::desk::{Desk, InboxInput};
use crate::domain::workspace::{AssignmentMode, Channel, Inbox};

/// Where an inbox's conversations come from.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum ChannelDto {
    /// The website live-chat widget.
    Livechat,
    /// Integrations through `POST /api/v1/channels/api/{inbox_id}/messages`.
    Api,
}

/// How queued conversations find an agent.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum AssignmentDto {
    /// Agents take conversations from Unassigned.
    Manual,
    /// Offered to eligible agents in turn.
    RoundRobin,
    /// Offered to the eligible agent with the fewest active conversations.
    LeastBusy,
}

impl From<Channel> for ChannelDto {
    fn from(c: Channel) -> Self {
        match c {
            Channel::Livechat => ChannelDto::Livechat,
            Channel::Api => ChannelDto::Api,
        }
    }
}

impl From<ChannelDto> for Channel {
    fn from(c: ChannelDto) -> Self {
        match c {
            ChannelDto::Livechat => Channel::Livechat,
            ChannelDto::Api => Channel::Api,
        }
    }
}

impl From<AssignmentMode> for AssignmentDto {
    fn from(a: AssignmentMode) -> Self {
        match a {
            AssignmentMode::Manual => AssignmentDto::Manual,
            AssignmentMode::RoundRobin => AssignmentDto::RoundRobin,
            AssignmentMode::LeastBusy => AssignmentDto::LeastBusy,
        }
    }
}

impl From<AssignmentDto> for AssignmentMode {
    fn from(a: AssignmentDto) -> Self {
        match a {
            AssignmentDto::Manual => AssignmentMode::Manual,
            AssignmentDto::RoundRobin => AssignmentMode::RoundRobin,
            AssignmentDto::LeastBusy => AssignmentMode::LeastBusy,
        }
    }
}

/// An inbox (mailbox, queue, channel).
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct InboxDto {
    /// Opaque id.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Channel type.
    pub channel: ChannelDto,
    /// Assignment mode.
    pub assignment: AssignmentDto,
    /// Seconds an offer waits for the agent.
    pub offer_timeout_secs: u32,
    /// Seconds of silence before an open or pending conversation closes automatically; 0 = never.
    pub auto_close_secs: u32,
    /// Whether closing needs a wrap-up reason.
    pub wrap_up_required: bool,
    /// Teams serving this inbox.
    pub team_ids: Vec<String>,
    /// A wait this long (seconds) turns a conversation amber in the monitor.
    pub wait_amber_secs: u32,
    /// A wait this long (seconds) turns it red.
    pub wait_red_secs: u32,
    /// The widget's settings (live-chat inboxes only).
    pub widget: Option<WidgetSettingsDto>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

impl From<Inbox> for InboxDto {
    fn from(i: Inbox) -> Self {
        InboxDto {
            id: i.id,
            name: i.name,
            channel: i.channel.into(),
            assignment: i.assignment.into(),
            offer_timeout_secs: i.offer_timeout_secs,
            auto_close_secs: i.auto_close_secs,
            wrap_up_required: i.wrap_up_required,
            team_ids: i.team_ids,
            wait_amber_secs: i.wait_amber_secs,
            wait_red_secs: i.wait_red_secs,
            widget: (i.channel == Channel::Livechat).then(|| WidgetSettingsDto::from(&i.widget)),
            created_at: to_time(i.created_at),
            updated_at: to_time(i.updated_at),
        }
    }
}

/// An inbox to create; omitted fields take their defaults.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct CreateInbox {
    /// Unique name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: String,
    /// Channel type (default `livechat`); it cannot change later.
    pub channel: Option<ChannelDto>,
    /// Assignment mode (default `manual`).
    pub assignment: Option<AssignmentDto>,
    /// Offer timeout, 5–600 s (default 30).
    #[oai(validator(minimum(value = "5"), maximum(value = "600")))]
    pub offer_timeout_secs: Option<u32>,
    /// Auto-close idle time: 0 (never) or 300 s – 30 days (default 86400).
    #[oai(validator(maximum(value = "2592000")))]
    pub auto_close_secs: Option<u32>,
    /// Require a wrap-up reason to close (default false).
    pub wrap_up_required: Option<bool>,
    /// Teams serving the inbox (at most 100).
    #[oai(validator(max_items = 100))]
    pub team_ids: Option<Vec<String>>,
    /// A wait this long turns a conversation amber in the monitor: 10 s – 1 day (default 120).
    #[oai(validator(minimum(value = "10"), maximum(value = "86400")))]
    pub wait_amber_secs: Option<u32>,
    /// A wait this long turns it red: longer than the amber wait, at most 1 day (default 300).
    #[oai(validator(minimum(value = "11"), maximum(value = "86400")))]
    pub wait_red_secs: Option<u32>,
    /// The widget's settings (live-chat inboxes only).
    pub widget: Option<WidgetSettingsPatch>,
}

impl From<CreateInbox> for InboxInput {
    fn from(b: CreateInbox) -> Self {
        InboxInput {
            name: Some(b.name),
            channel: b.channel.map(Channel::from),
            assignment: b.assignment.map(AssignmentMode::from),
            offer_timeout_secs: b.offer_timeout_secs,
            auto_close_secs: b.auto_close_secs,
            wrap_up_required: b.wrap_up_required,
            team_ids: b.team_ids,
            wait_amber_secs: b.wait_amber_secs,
            wait_red_secs: b.wait_red_secs,
            widget: b.widget.map(Into::into),
        }
    }
}

/// The fields of an inbox to change; omitted fields stay. The channel cannot change.
#[derive(Object)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct UpdateInbox {
    /// Unique name, 1–100 characters, not blank.
    #[oai(validator(min_length = 1, max_length = 100))]
    pub name: Option<String>,
    /// Assignment mode.
    pub assignment: Option<AssignmentDto>,
    /// Offer timeout, 5–600 s.
    #[oai(validator(minimum(value = "5"), maximum(value = "600")))]
    pub offer_timeout_secs: Option<u32>,
    /// Auto-close idle time: 0 (never) or 300 s – 30 days.
    #[oai(validator(maximum(value = "2592000")))]
    pub auto_close_secs: Option<u32>,
    /// Require a wrap-up reason to close.
    pub wrap_up_required: Option<bool>,
    /// Teams serving the inbox (at most 100); replaces the list.
    #[oai(validator(max_items = 100))]
    pub team_ids: Option<Vec<String>>,
    /// A wait this long turns a conversation amber in the monitor: 10 s – 1 day.
    #[oai(validator(minimum(value = "10"), maximum(value = "86400")))]
    pub wait_amber_secs: Option<u32>,
    /// A wait this long turns it red: longer than the amber wait, at most 1 day.
    #[oai(validator(minimum(value = "11"), maximum(value = "86400")))]
    pub wait_red_secs: Option<u32>,
    /// The widget's settings (live-chat inboxes only).
    pub widget: Option<WidgetSettingsPatch>,
}

impl From<UpdateInbox> for InboxInput {
    fn from(b: UpdateInbox) -> Self {
        InboxInput {
            name: b.name,
            channel: None,
            assignment: b.assignment.map(AssignmentMode::from),
            offer_timeout_secs: b.offer_timeout_secs,
            auto_close_secs: b.auto_close_secs,
            wrap_up_required: b.wrap_up_required,
            team_ids: b.team_ids,
            wait_amber_secs: b.wait_amber_secs,
            wait_red_secs: b.wait_red_secs,
            widget: b.widget.map(Into::into),
        }
    }
}

/// A list of inboxes.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct InboxList {
    /// Every inbox.
    pub items: Vec<InboxDto>,
    /// Always absent: every inbox fits on one page.
    pub next_cursor: Option<String>,
}

/// Answer to creating an inbox.
#[derive(ApiResponse)]
pub enum CreatedInbox {
    /// Created.
    #[oai(status = 201)]
    Created(Json<InboxDto>),
}

/// Inboxes.
#[derive(Default)]
pub struct InboxesApi;

#[OpenApi]
impl InboxesApi {
    /// List inboxes
    ///
    /// Every inbox with its channel, assignment mode, timers and teams. Any signed-in user may read them.
    #[oai(path = "/inboxes", method = "get", operation_id = "listInboxes", tag = "ApiTags::Inboxes")]
    async fn list_inboxes(&self, auth: BearerAuth, desk: Data<&Desk>) -> ApiResult<Json<InboxList>> {
        let items = desk.list_inboxes(&auth.0)?.into_iter().map(InboxDto::from).collect();
        Ok(Json(InboxList { items, next_cursor: None }))
    }

    /// Create an inbox
    ///
    /// Admins only. Defaults: `livechat`, `manual`, offer timeout 30 s, auto-close after 24 h.
    #[oai(path = "/inboxes", method = "post", operation_id = "createInbox", tag = "ApiTags::Inboxes")]
    async fn create_inbox(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        body: Json<CreateInbox>,
    ) -> ApiResult<CreatedInbox> {
        Ok(CreatedInbox::Created(Json(desk.save_inbox(&auth.0, None, body.0.into()).await?.into())))
    }

    /// Get an inbox
    ///
    /// One inbox.
    #[oai(path = "/inboxes/:id", method = "get", operation_id = "getInbox", tag = "ApiTags::Inboxes")]
    async fn get_inbox(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<InboxDto>> {
        Ok(Json(desk.get_inbox(&auth.0, &id.0)?.into()))
    }

    /// Change an inbox
    ///
    /// Admins only. The channel cannot change.
    #[oai(path = "/inboxes/:id", method = "patch", operation_id = "updateInbox", tag = "ApiTags::Inboxes")]
    async fn update_inbox(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<UpdateInbox>,
    ) -> ApiResult<Json<InboxDto>> {
        Ok(Json(desk.save_inbox(&auth.0, Some(&id.0), body.0.into()).await?.into()))
    }

    /// Delete an inbox
    ///
    /// Admins only, and only while it has no conversations (409 otherwise).
    #[oai(path = "/inboxes/:id", method = "delete", operation_id = "deleteInbox", tag = "ApiTags::Inboxes")]
    async fn delete_inbox(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<NoContent> {
        desk.delete_inbox(&auth.0, &id.0).await?;
        Ok(NoContent::Done)
    }
}
