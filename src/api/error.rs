//! Errors as RFC 9457 `application/problem+json`: one [`Problem`] body, one [`ApiError`]
//! response enum documented on every operation, and the mapping from the desk's refusals.

use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object};

use crate::desk::DeskError;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One offending field of a request.
#[derive(Object, Clone, Debug, PartialEq, Eq)]
#[oai(skip_serializing_if_is_none)]
pub struct FieldProblem {
    /// The field's name in the request body (or the parameter's name).
    pub field: String,
    /// What is wrong with it and how to fix it.
    pub message: String,
}

/// A problem report (RFC 9457).
#[derive(Object, Clone, Debug, PartialEq, Eq)]
#[oai(skip_serializing_if_is_none)]
pub struct Problem {
    /// Identifies the kind of problem (`urn:switchboard:problem:<slug>`).
    #[oai(rename = "type")]
    pub problem_type: String,
    /// Short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened in this case, in words a person can act on.
    pub detail: String,
    /// For validation problems: each offending field.
    #[oai(skip_serializing_if_is_none)]
    pub errors: Option<Vec<FieldProblem>>,
}

impl Problem {
    /// A problem for `status` with the standard slug and title for it.
    pub fn new(status: u16, detail: impl Into<String>) -> Self {
        let (slug, title) = match status {
            400 => ("bad-request", "Bad request"),
            401 => ("unauthorized", "Unauthorized"),
            403 => ("forbidden", "Forbidden"),
            404 => ("not-found", "Not found"),
            405 => ("method-not-allowed", "Method not allowed"),
            409 => ("conflict", "Conflict"),
            413 => ("payload-too-large", "Payload too large"),
            415 => ("unsupported-media-type", "Unsupported media type"),
            422 => ("invalid-fields", "Invalid fields"),
            429 => ("too-many-requests", "Too many requests"),
            503 => ("unavailable", "Service unavailable"),
            s if s >= 500 => ("internal", "Internal error"),
            _ => ("client-error", "Request refused"),
        };
        Problem {
            problem_type: format!("urn:switchboard:problem:{slug}"),
            title: title.to_string(),
            status,
            detail: detail.into(),
            errors: None,
        }
    }
}

/// The error responses of every operation.
#[derive(ApiResponse, Debug)]
pub enum ApiError {
    /// The request is malformed: invalid JSON, an unknown field, a bad parameter.
    #[oai(status = 400, content_type = "application/problem+json")]
    BadRequest(Json<Problem>),
    /// No valid bearer token: missing, unknown, expired or revoked.
    #[oai(status = 401, content_type = "application/problem+json")]
    Unauthorized(Json<Problem>),
    /// Signed in, but the role or state does not allow this.
    #[oai(status = 403, content_type = "application/problem+json")]
    Forbidden(Json<Problem>),
    /// No such resource, or not visible to the caller.
    #[oai(status = 404, content_type = "application/problem+json")]
    NotFound(Json<Problem>),
    /// Not allowed in the current state; `detail` says why.
    #[oai(status = 409, content_type = "application/problem+json")]
    Conflict(Json<Problem>),
    /// The body is larger than the configured limit.
    #[oai(status = 413, content_type = "application/problem+json")]
    PayloadTooLarge(Json<Problem>),
    /// Fields are invalid; `errors` lists each one.
    #[oai(status = 422, content_type = "application/problem+json")]
    Invalid(Json<Problem>),
    /// Too many attempts; wait `Retry-After` seconds.
    #[oai(status = 429, content_type = "application/problem+json")]
    TooManyRequests(Json<Problem>, #[oai(header = "Retry-After")] i64),
    /// Storage is failing or shutting down; nothing was changed. Retry later.
    #[oai(status = 503, content_type = "application/problem+json")]
    Unavailable(Json<Problem>),
}

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::Invalid(fields) => {
                let n = fields.len();
                let mut p = Problem::new(
                    422,
                    format!(
                        "{n} field{} invalid: {}",
                        if n == 1 { " is" } else { "s are" },
                        fields.iter().map(|f| format!("{} {}", f.field, f.message)).collect::<Vec<_>>().join("; ")
                    ),
                );
                p.errors =
                    Some(fields.into_iter().map(|f| FieldProblem { field: f.field, message: f.message }).collect());
                ApiError::Invalid(Json(p))
            }
            DeskError::Unauthorized(d) => ApiError::Unauthorized(Json(Problem::new(401, d))),
            DeskError::Forbidden(d) => ApiError::Forbidden(Json(Problem::new(403, d))),
            DeskError::NotFound(d) => ApiError::NotFound(Json(Problem::new(404, d))),
            DeskError::Conflict(d) => ApiError::Conflict(Json(Problem::new(409, d))),
            DeskError::TooLarge(d) => ApiError::PayloadTooLarge(Json(Problem::new(413, d))),
            // Only customer uploads refuse a type this way, and their operation answers 415
            // itself; anywhere else it is a field error.
            DeskError::UnsupportedType(d) => {
                let mut p = Problem::new(422, format!("file {d}"));
                p.errors = Some(vec![FieldProblem { field: "file".into(), message: d }]);
                ApiError::Invalid(Json(p))
            }
            DeskError::TooManyRequests { retry_after_secs, detail } => {
                ApiError::TooManyRequests(Json(Problem::new(429, detail)), retry_after_secs)
            }
            DeskError::Storage(e) => {
                tracing::error!(error = %e, "storage error");
                ApiError::Unavailable(Json(Problem::new(
                    503,
                    "Storage is unavailable; nothing was changed. Try again shortly.",
                )))
            }
        }
    }
}

impl ApiError {
    /// A 400 with a detail.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        ApiError::BadRequest(Json(Problem::new(400, detail)))
    }
}

/// The problem body inside an error response.
pub fn problem_of(e: ApiError) -> Problem {
    match e {
        ApiError::BadRequest(p)
        | ApiError::Unauthorized(p)
        | ApiError::Forbidden(p)
        | ApiError::NotFound(p)
        | ApiError::Conflict(p)
        | ApiError::PayloadTooLarge(p)
        | ApiError::Invalid(p)
        | ApiError::TooManyRequests(p, _)
        | ApiError::Unavailable(p) => p.0,
    }
}

/// Handler results.
pub type ApiResult<T> = Result<T, ApiError>;
