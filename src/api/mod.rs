//! The REST API under `/api/v1`: poem-openapi operations, their DTOs, the bearer security scheme
//! and problem+json errors. Thin by design: parse, call the desk, map the result. Nothing here
//! touches storage.

mod attachments;
mod auth;
mod backup;
mod canned;
mod channels;
mod common;
mod contacts;
mod conversation_dto;
mod conversations;
pub mod error;
mod events;
mod exports;
mod handover;
mod imports;
mod inboxes;
mod labels;
mod links;
mod list_filters;
mod me;
mod messages;
mod monitor;
mod patterns;
mod reports;
mod search;
mod security;
mod settings;
pub(crate) mod spec;
mod teams;
mod tokens;
mod typing;
mod users;
mod webhooks;
mod widget;
mod widget_settings;
mod wrap_ups;

use poem_openapi::{OpenApiService, Tags};

pub use error::{ApiError, FieldProblem, Problem};
pub use security::BearerAuth;

/// The operation groups shown in the docs.
#[derive(Tags)]
pub enum ApiTags {
    /// Signing in and out.
    Auth,
    /// The signed-in user.
    Me,
    /// API tokens for scripts and integrations.
    Tokens,
    /// User administration.
    Users,
    /// Teams (groups, departments) and their members.
    Teams,
    /// Inboxes (channels, queues) and how they assign conversations.
    Inboxes,
    /// Labels for conversations.
    Labels,
    /// Canned responses (shortcuts): global, team and personal.
    CannedResponses,
    /// Reasons chosen when closing a conversation.
    WrapUpReasons,
    /// Workspace settings.
    Settings,
    /// Contacts (customers).
    Contacts,
    /// Conversations (tickets): lists, lifecycle, read marks.
    Conversations,
    /// Messages, notes, reactions and the timeline.
    Messages,
    /// Channels that push customer messages in.
    Channels,
    /// Files: uploads, downloads and the library.
    Attachments,
    /// Live updates (server-sent events).
    Events,
    /// The supervisor's live monitor: conversations and agents (supervisors).
    Monitor,
    /// Reports over a period: volumes and metrics per agent, team and inbox (supervisors).
    Reports,
    /// Full-text search of ticket history.
    Search,
    /// Webhook subscriptions and their delivery log (admins).
    Webhooks,
}

/// Signing in, the signed-in user, tokens, users and teams.
type PeopleApis = (auth::AuthApi, me::MeApi, tokens::TokensApi, users::UsersApi, teams::TeamsApi);
/// How the workspace is set up: inboxes, labels, canned responses, wrap-up reasons, settings.
type SetupApis = (
    inboxes::InboxesApi,
    widget_settings::WidgetSecretApi,
    labels::LabelsApi,
    canned::CannedApi,
    wrap_ups::WrapUpsApi,
    settings::SettingsApi,
    backup::BackupApi,
    imports::ImportsApi,
);
/// The desk: contacts, conversations, their handover, messages, channels and files.
type DeskApis = (
    contacts::ContactsApi,
    exports::ExportsApi,
    conversations::ConversationsApi,
    handover::HandoverApi,
    messages::MessagesApi,
    typing::TypingApi,
    channels::ChannelsApi,
    attachments::AttachmentsApi,
);
/// Live events, the monitor, reports, search and webhooks.
type InsightApis =
    (events::EventsApi, monitor::MonitorApi, reports::ReportsApi, search::SearchApi, webhooks::WebhooksApi);

/// Every API group, mounted together (nested: poem-openapi takes at most 16 in one tuple).
pub type Apis = (PeopleApis, SetupApis, DeskApis, InsightApis);

/// The OpenAPI service: operations plus the spec they generate. Paths in the spec carry the
/// `/api/v1` prefix the service is mounted under.
pub fn service() -> OpenApiService<Apis, ()> {
    OpenApiService::new(Apis::default(), "Switchboard API", env!("CARGO_PKG_VERSION"))
        .description(
            "The REST API of Switchboard, a self-hosted contact-center and helpdesk server. \
         Send `Authorization: Bearer <token>` (a session token from `POST /api/v1/auth/login` or an \
         API token) on every call except sign-in. Errors are `application/problem+json` (RFC 9457). \
         Lists return `{ items, next_cursor }`; pass `next_cursor` back as `cursor` for the next page.",
        )
        .url_prefix("/api/v1")
        .extra_request_header::<Option<String>, _>(poem_openapi::ExtraHeader::new("Idempotency-Key").description(
            "Optional on POST, PUT, PATCH and DELETE: a retry with the same key and the same request \
         returns the first answer (with `Idempotency-Replayed: true`) and changes nothing; the same \
         key with a different request is a 422. Keys are remembered for 24 hours per token.",
        ))
}

pub use widget::{CustomerToken, service as widget_service};

/// The spec as committed in `openapi/openapi.json`, built into the executable: what the server
/// serves and checks requests against, with no generation at start. `tests/it/spec.rs` keeps it
/// equal to [`spec_json`].
pub const SPEC_JSON: &str = include_str!("../../openapi/openapi.json");

/// The generated spec as pretty JSON, exactly as committed in `openapi/openapi.json`: the
/// staff API and the customer API (`/api/widget/v1`) in one document.
pub fn spec_json() -> String {
    let parsed = serde_json::from_str::<serde_json::Value>(&service().spec())
        .and_then(|main| Ok((main, serde_json::from_str::<serde_json::Value>(&widget::service().spec())?)));
    let mut spec = match parsed {
        Ok((mut main, customer)) => {
            spec::merge(&mut main, customer);
            main
        }
        Err(e) => return format!("{{\"error\": \"the generated spec is not JSON: {e}\"}}\n"),
    };
    spec::post_process(&mut spec);
    let mut s = serde_json::to_string_pretty(&spec).unwrap_or_default();
    s.push('\n');
    s
}

/// The Swagger UI page, showing `spec` (the spec as [`spec_json`] writes it) instead of
/// poem-openapi's unprocessed one.
pub fn docs_html(spec: &str) -> String {
    let service = service();
    service.swagger_ui_html().replacen(&service.spec(), spec, 1)
}
