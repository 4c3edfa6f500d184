//! Idempotency records: the first answer to a mutation sent with an `Idempotency-Key`, kept
//! for 24 hours so that a retried request gets that answer again and changes nothing.

use serde::{Deserialize, Serialize};

use super::{Desk, DeskError};
use crate::domain::{Actor, Timestamp};
use crate::store::{Changes, RecordChanges, RecordReads};

/// How long an answer is remembered.
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;

/// A remembered answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdempotencyRecord {
    /// SHA-256 of method, path and body of the first request.
    pub fingerprint: String,
    /// Its status.
    pub status: u16,
    /// Its content type.
    pub content_type: Option<String>,
    /// Its body.
    pub body: String,
    /// When it was answered.
    pub created_at: Timestamp,
}

impl Desk {
    /// The remembered answer for `scope` and `key`, if it is still fresh.
    pub fn idempotency_get(&self, scope: &str, key: &str) -> Result<Option<IdempotencyRecord>, DeskError> {
        let record: Option<IdempotencyRecord> = self.store.snapshot()?.idempotency_record(scope, key)?;
        let now = self.now();
        Ok(record.filter(|r| now.millis_since(r.created_at) < IDEMPOTENCY_TTL_SECS * 1000))
    }

    /// Remembers an answer.
    pub async fn idempotency_put(
        &self,
        scope: &str,
        key: &str,
        mut record: IdempotencyRecord,
    ) -> Result<(), DeskError> {
        let (scope, key, now) = (scope.to_string(), key.to_string(), self.now());
        record.created_at = now;
        self.store
            .write(move |_| {
                let mut c = Changes::new(now, Actor::System);
                c.put_idempotency_record(&scope, &key, &record)?;
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }
}
