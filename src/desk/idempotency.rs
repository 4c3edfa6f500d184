//! Idempotency records: the first answer to a mutation sent with an `Idempotency-Key`, kept
//! for 24 hours so that a retried request gets that answer again and changes nothing; and the
//! purge that deletes them after that, with credentials long revoked or expired.

use serde::{Deserialize, Serialize};

use super::{Desk, DeskError};
use crate::domain::{Actor, Timestamp};
use crate::store::{Changes, RecordChanges, RecordReads, Snapshot, UserChanges, UserReads};

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
    /// The answer held a secret and was not stored (`body` is empty): a replay is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withheld: bool,
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

/// How long a revoked or expired credential is kept (the token list shows it) before the
/// purge deletes it with its secret's hash.
pub const CREDENTIAL_RETENTION_SECS: i64 = 30 * 24 * 3600;

/// What a purge deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Idempotency records older than [`IDEMPOTENCY_TTL_SECS`].
    pub idempotency_records: u32,
    /// Credentials revoked or expired more than [`CREDENTIAL_RETENTION_SECS`] ago.
    pub credentials: u32,
}

/// Rows read (and at most deleted) per purge transaction.
const PURGE_BATCH: usize = 500;

impl Desk {
    /// Deletes expired idempotency records and long-dead credentials, a batch per
    /// transaction. The scheduler runs it every hour.
    pub async fn purge_expired(&self) -> Result<Purged, DeskError> {
        let idempotency_records = self
            .purge_batches(
                |r, after| Ok(r.idempotency_records::<IdempotencyRecord>(after, PURGE_BATCH)?),
                |(key, _)| key.clone(),
                |(_, r), now| now.millis_since(r.created_at) >= IDEMPOTENCY_TTL_SECS * 1000,
                |c, (key, _)| c.delete_idempotency_record(key),
            )
            .await?;
        let credentials = self
            .purge_batches(
                |r, after| Ok(r.credentials_page(after, PURGE_BATCH)?),
                |cred| cred.id.clone(),
                |cred, now| {
                    let ended = cred.revoked_at.or(cred.expires_at.filter(|e| *e <= now));
                    ended.is_some_and(|t| now.millis_since(t) >= CREDENTIAL_RETENTION_SECS * 1000)
                },
                |c, cred| c.delete_credential(cred),
            )
            .await?;
        Ok(Purged { idempotency_records, credentials })
    }

    /// Walks a table a page at a time (`page` after the key `key` gives), deleting in one
    /// transaction per page the rows `dead` selects; returns how many.
    async fn purge_batches<T: Send + 'static>(
        &self,
        page: impl Fn(&Snapshot, Option<&str>) -> Result<Vec<T>, DeskError>,
        key: impl Fn(&T) -> String,
        dead: impl Fn(&T, Timestamp) -> bool,
        delete: fn(&mut Changes, &T),
    ) -> Result<u32, DeskError> {
        let (mut purged, mut after) = (0u32, None::<String>);
        loop {
            let now = self.now();
            let rows = page(&self.store.snapshot()?, after.as_deref())?;
            after = rows.last().map(&key);
            let full = rows.len() == PURGE_BATCH;
            let doomed: Vec<T> = rows.into_iter().filter(|r| dead(r, now)).collect();
            purged += u32::try_from(doomed.len()).unwrap_or(u32::MAX);
            if !doomed.is_empty() {
                self.store
                    .write(move |_| {
                        let mut c = Changes::new(now, Actor::System);
                        doomed.iter().for_each(|r| delete(&mut c, r));
                        Ok::<_, DeskError>((c, ()))
                    })
                    .await?;
            }
            if !full {
                return Ok(purged);
            }
        }
    }
}
