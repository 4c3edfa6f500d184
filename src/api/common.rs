//! Small pieces shared by the API files: time conversion and list limits.

use time::OffsetDateTime;

use super::ApiError;
use crate::domain::Timestamp;

/// Converts a stored time to the API's RFC 3339 UTC representation.
pub fn to_time(t: Timestamp) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.millis()) * 1_000_000).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// Default page size of lists.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size of lists.
pub const MAX_LIMIT: u32 = 500;

/// Checks a `limit` query parameter.
pub fn page_limit(limit: Option<u32>) -> Result<usize, ApiError> {
    match limit.unwrap_or(DEFAULT_LIMIT) {
        l if (1..=MAX_LIMIT).contains(&l) => Ok(l as usize),
        l => Err(ApiError::bad_request(format!("limit must be between 1 and {MAX_LIMIT}, not {l}"))),
    }
}
