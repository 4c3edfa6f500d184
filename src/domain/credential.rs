//! Credentials: the session tokens handed out at sign-in and the API tokens users create for
//! integrations. Only a SHA-256 hash of each secret is kept; the secret is shown once.

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// What kind of bearer token a credential is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialKind {
    /// Created by signing in with email and password; revoked by signing out.
    Session,
    /// Created through `/api/v1/tokens` for scripts and integrations.
    Api,
}

impl CredentialKind {
    /// The prefix of secrets of this kind, so a leaked secret is recognisable.
    pub fn secret_prefix(self) -> &'static str {
        match self {
            CredentialKind::Session => "sbs_",
            CredentialKind::Api => "sbt_",
        }
    }
}

/// A stored bearer token (never the secret itself).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    /// Opaque id (`tok_…`), shown in token lists and used to revoke.
    pub id: String,
    /// The user this token acts as.
    pub user_id: String,
    /// Session or API token.
    pub kind: CredentialKind,
    /// A label: the token's name, or the client that signed in.
    pub name: String,
    /// Lower-case hex SHA-256 of the secret.
    pub secret_hash: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// After this time the token is refused; `None` never expires.
    pub expires_at: Option<Timestamp>,
    /// When it was last used to authenticate (updated at most once a minute).
    pub last_used_at: Option<Timestamp>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<Timestamp>,
}

/// How often `last_used_at` is refreshed: at most once per this many milliseconds, so reads
/// do not turn into writes on every request.
pub const TOUCH_EVERY_MS: i64 = 60_000;

/// Why a presented token is not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// It was revoked (signed out, deleted, or its user deactivated).
    Revoked,
    /// Its expiry time has passed.
    Expired,
}

impl Credential {
    /// Whether the token may authenticate a request at `now`.
    pub fn check(&self, now: Timestamp) -> Result<(), Rejection> {
        if self.revoked_at.is_some() {
            Err(Rejection::Revoked)
        } else if self.expires_at.is_some_and(|e| now >= e) {
            Err(Rejection::Expired)
        } else {
            Ok(())
        }
    }

    /// Whether `last_used_at` is stale enough to be worth a write.
    pub fn needs_touch(&self, now: Timestamp) -> bool {
        self.last_used_at.is_none_or(|t| now.millis_since(t) >= TOUCH_EVERY_MS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cred() -> Credential {
        Credential {
            id: "tok_1".into(),
            user_id: "usr_1".into(),
            kind: CredentialKind::Session,
            name: "web".into(),
            secret_hash: "00".into(),
            created_at: Timestamp(0),
            expires_at: Some(Timestamp(1_000)),
            last_used_at: None,
            revoked_at: None,
        }
    }

    #[test]
    fn expiry_and_revocation() {
        let c = cred();
        assert_eq!(c.check(Timestamp(999)), Ok(()));
        assert_eq!(c.check(Timestamp(1_000)), Err(Rejection::Expired));
        let revoked = Credential { revoked_at: Some(Timestamp(5)), ..c };
        assert_eq!(revoked.check(Timestamp(1)), Err(Rejection::Revoked));
        let forever = Credential { expires_at: None, ..cred() };
        assert_eq!(forever.check(Timestamp(i64::MAX)), Ok(()));
    }

    #[test]
    fn touch_at_most_once_a_minute() {
        let c = Credential { last_used_at: Some(Timestamp(0)), ..cred() };
        assert!(!c.needs_touch(Timestamp(59_999)));
        assert!(c.needs_touch(Timestamp(60_000)));
        assert!(cred().needs_touch(Timestamp(0)));
    }
}
