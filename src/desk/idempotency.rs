//! Idempotency records: the first answer to a mutation sent with an `Idempotency-Key`, kept
//! for 24 hours so that a retried request gets that answer again and changes nothing; and the
//! purge that deletes them after that, with credentials long revoked or expired.

use serde::{Deserialize, Serialize};

use super::{Desk, DeskError};
use crate::domain::{Actor, Credential, Timestamp};
use crate::store::{Changes, RecordChanges, RecordReads, UserChanges, UserReads};

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
        let mut purged = Purged::default();
        let mut after: Option<String> = None;
        loop {
            let now = self.now();
            let page: Vec<(String, IdempotencyRecord)> =
                self.store.snapshot()?.idempotency_records(after.as_deref(), PURGE_BATCH)?;
            after = page.last().map(|(k, _)| k.clone());
            let old: Vec<String> = page
                .iter()
                .filter(|(_, r)| now.millis_since(r.created_at) >= IDEMPOTENCY_TTL_SECS * 1000)
                .map(|(k, _)| k.clone())
                .collect();
            purged.idempotency_records += old.len() as u32;
            if !old.is_empty() {
                self.store
                    .write(move |_| {
                        let mut c = Changes::new(now, Actor::System);
                        old.iter().for_each(|k| c.delete_idempotency_record(k));
                        Ok::<_, DeskError>((c, ()))
                    })
                    .await?;
            }
            if page.len() < PURGE_BATCH {
                break;
            }
        }
        let mut after: Option<String> = None;
        loop {
            let now = self.now();
            let page = self.store.snapshot()?.credentials_page(after.as_deref(), PURGE_BATCH)?;
            after = page.last().map(|c| c.id.clone());
            let dead: Vec<Credential> = page
                .iter()
                .filter(|c| {
                    let ended = c.revoked_at.or(c.expires_at.filter(|e| *e <= now));
                    ended.is_some_and(|t| now.millis_since(t) >= CREDENTIAL_RETENTION_SECS * 1000)
                })
                .cloned()
                .collect();
            purged.credentials += dead.len() as u32;
            if !dead.is_empty() {
                self.store
                    .write(move |_| {
                        let mut c = Changes::new(now, Actor::System);
                        dead.iter().for_each(|cred| c.delete_credential(cred));
                        Ok::<_, DeskError>((c, ()))
                    })
                    .await?;
            }
            if page.len() < PURGE_BATCH {
                break;
            }
        }
        Ok(purged)
    }
}
