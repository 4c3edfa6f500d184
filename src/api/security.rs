//! The bearer security scheme: resolves `Authorization: Bearer <token>` to a [`Principal`].

use poem::Request;
use poem_openapi::SecurityScheme;
use poem_openapi::auth::Bearer;

use super::error::{ApiError, Problem};
use crate::desk::{Desk, Principal};

/// A session token (from sign-in) or an API token, sent as `Authorization: Bearer <token>`.
#[derive(SecurityScheme)]
#[oai(ty = "bearer", checker = "check_bearer")]
pub struct BearerAuth(pub Principal);

async fn check_bearer(req: &Request, bearer: Bearer) -> poem::Result<Principal> {
    let desk = req.data::<Desk>().ok_or_else(|| {
        poem::Error::from_response(poem::IntoResponse::into_response(ApiError::Unavailable(
            poem_openapi::payload::Json(Problem::new(503, "the desk is not available")),
        )))
    })?;
    desk.authenticate(&bearer.token)
        .map_err(|e| poem::Error::from_response(poem::IntoResponse::into_response(ApiError::from(e))))
}
