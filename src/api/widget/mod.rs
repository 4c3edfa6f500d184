//! The customer API under `/api/widget/v1` (F33): what the live-chat widget calls on behalf of
//! a customer, with its own tag and security scheme (`X-Customer-Token`). It is a second
//! poem-openapi service; its spec is merged into the one committed spec (`api::spec_json`).
//! Thin like the staff API: parse, call `desk::widget`, map the result.

mod dto;
mod events;
mod ops;

use poem::Request;
use poem_openapi::auth::ApiKey;
use poem_openapi::{OpenApiService, SecurityScheme, Tags};

use super::error::{ApiError, Problem};
use crate::desk::Desk;
use crate::desk::widget::{Customer, CustomerOrigin};

/// The customer API's operation group.
#[derive(Tags)]
pub enum WidgetTags {
    /// The customer's side of the live-chat widget: sessions, their own conversation,
    /// messages, files, typing, ratings and live events. Calls from browsers are allowed only
    /// from the inbox's allowed origins and this server's own pages.
    CustomerChat,
}

/// A customer token (from `POST /api/widget/v1/sessions`), sent as `X-Customer-Token`.
#[derive(SecurityScheme)]
#[oai(ty = "api_key", key_name = "X-Customer-Token", key_in = "header", checker = "check_customer")]
pub struct CustomerToken(pub Customer);

/// Where a request comes from: its `Origin`, the `Host` it was sent to and the client's address.
pub fn origin_of(req: &Request) -> CustomerOrigin {
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let address = req
        .extensions()
        .get::<crate::http::ClientAddr>()
        .and_then(|c| c.0)
        .map(crate::desk::address_group)
        .unwrap_or_default();
    CustomerOrigin { origin: header("origin"), host: header("host"), address }
}

async fn check_customer(req: &Request, key: ApiKey) -> poem::Result<Customer> {
    let fail = |e: ApiError| poem::Error::from_response(poem::IntoResponse::into_response(e));
    let desk = req.data::<Desk>().ok_or_else(|| {
        fail(ApiError::Unavailable(poem_openapi::payload::Json(Problem::new(503, "the desk is not available"))))
    })?;
    desk.authenticate_customer(&key.key, origin_of(req)).map_err(|e| fail(ApiError::from(e)))
}

/// The customer API's operations.
pub type WidgetApis = (ops::WidgetApi, events::WidgetEventsApi);

/// The customer API service, mounted at `/api/widget/v1`.
pub fn service() -> OpenApiService<WidgetApis, ()> {
    OpenApiService::new(WidgetApis::default(), "Switchboard customer API", env!("CARGO_PKG_VERSION"))
        .url_prefix("/api/widget/v1")
}
