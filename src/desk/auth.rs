//! Signing in and out, authenticating bearer tokens, API tokens, and changing one's password.

use std::net::IpAddr;

use super::throttle::{Refusal, address_group, key as throttle_key};
use super::{Desk, DeskError, Principal, password};
use crate::domain::credential::Rejection;
use crate::domain::validation::{check_password, normalize_email};
use crate::domain::{Actor, AgentStatus, Credential, CredentialKind, EventKind, Timestamp, User, throttle};
use crate::store::{Changes, UserChanges, UserReads};

/// Where a sign-in comes from.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    /// The client's address, when known.
    pub addr: Option<IpAddr>,
    /// The client's `User-Agent`, used to label the session.
    pub user_agent: Option<String>,
}

/// A successful sign-in.
#[derive(Clone, Debug)]
pub struct LoginOutcome {
    /// The session secret, shown once.
    pub token: String,
    /// The stored session.
    pub credential: Credential,
    /// Who signed in.
    pub user: User,
}

/// A new API token: the secret (shown once) and its stored record.
#[derive(Clone, Debug)]
pub struct NewToken {
    /// The secret to present as `Authorization: Bearer …`.
    pub token: String,
    /// The stored record.
    pub credential: Credential,
}

const WRONG_CREDENTIALS: &str = "The email or password is wrong.";
/// Longest email address (RFC 5321: 254 characters in a path).
pub const MAX_EMAIL_BYTES: usize = 254;

/// The answer to a throttled attempt.
fn too_many(r: Refusal) -> DeskError {
    let (secs, detail) = match r {
        Refusal::Slowed(secs) => (secs, format!("Too many failed sign-ins. Try again in {secs} seconds.")),
        Refusal::Busy => (1, "Another sign-in to this account is being checked. Try again in a second.".to_string()),
    };
    DeskError::TooManyRequests { retry_after_secs: secs, detail }
}
/// Longest token name.
const MAX_TOKEN_NAME: usize = 100;
/// Longest API token lifetime, in days.
const MAX_TOKEN_DAYS: u32 = 3650;

impl Desk {
    /// Signs in with email and password. Attempts are throttled per account from the client's
    /// address, per account and per address (`domain::throttle`), counted before the password
    /// is checked, one check per account at a time.
    pub async fn login(&self, email: &str, password: &str, client: ClientInfo) -> Result<LoginOutcome, DeskError> {
        if email.len() > MAX_EMAIL_BYTES {
            return Err(DeskError::field("email", "must be at most 254 characters"));
        }
        let email = normalize_email(email);
        let now = self.now();
        let addr = client.addr.map(address_group).unwrap_or_default();
        let (account, pair) = (throttle_key("account", &[&email]), throttle_key("pair", &[&email, &addr]));
        let mut keys = vec![(throttle::ACCOUNT_FROM_ADDRESS, pair.clone())];
        // The account-wide brake spares an address the owner signed in from lately: guesses
        // from elsewhere can slow strangers, never keep the owner out where they work.
        if !self.throttle.knows(&pair, now.millis()) {
            keys.push((throttle::ACCOUNT, account.clone()));
        }
        if client.addr.is_some() {
            keys.push((throttle::ADDRESS, throttle_key("addr", &[&addr])));
        }
        let attempt =
            self.throttle.begin(&account, &keys, std::slice::from_ref(&pair), now.millis()).map_err(too_many)?;
        let user = self.store.snapshot()?.user_by_email(&email)?;
        let hash = user.as_ref().map(|u| u.password_hash.clone());
        let valid = password::verify(password.to_string(), hash).await;
        self.password_checks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let user = match user {
            Some(u) if valid && u.active => u,
            _ => {
                // Debug formatting escapes line breaks and terminal escapes.
                tracing::warn!(email = ?email, addr = ?client.addr, "failed sign-in");
                return Err(DeskError::Unauthorized(WRONG_CREDENTIALS.into()));
            }
        };
        attempt.succeeded();
        self.throttle.remember(&pair, now.millis());
        let token = password::new_secret(CredentialKind::Session.secret_prefix());
        let credential = Credential {
            id: self.new_id("tok"),
            user_id: user.id.clone(),
            kind: CredentialKind::Session,
            name: client.user_agent.unwrap_or_else(|| "session".into()).chars().take(MAX_TOKEN_NAME).collect(),
            secret_hash: password::secret_hash(&token),
            created_at: now,
            expires_at: Some(now.plus_secs(self.config.session_ttl_secs)),
            last_used_at: Some(now),
            revoked_at: None,
        };
        let record = credential.clone();
        let user_id = user.id.clone();
        let (user, _) = self
            .store
            .write(move |s| {
                // Re-read inside the transaction: the user may have been deactivated meanwhile.
                let old = s
                    .user(&user_id)?
                    .filter(|u| u.active)
                    .ok_or_else(|| DeskError::Unauthorized(WRONG_CREDENTIALS.into()))?;
                let mut c = Changes::new(now, Actor::User { id: old.id.clone() });
                c.put_credential(&record)?;
                c.event(EventKind::SignedIn { user_id: old.id.clone(), credential_id: record.id.clone() });
                // Signing in makes an offline agent available (F19); other statuses stay.
                let user = with_status(&mut c, &old, AgentStatus::Available, now, |from| from == AgentStatus::Offline)?;
                Ok::<_, DeskError>((c, user))
            })
            .await?;
        self.resettle().await;
        Ok(LoginOutcome { token, credential, user })
    }

    /// Finds who a bearer secret belongs to. Refreshes the token's last use at most once a minute.
    pub fn authenticate(&self, secret: &str) -> Result<Principal, DeskError> {
        let now = self.now();
        let snap = self.store.snapshot()?;
        let unauthorized = |why: &str| DeskError::Unauthorized(why.to_string());
        let credential = snap
            .credential_by_hash(&password::secret_hash(secret))?
            .ok_or_else(|| unauthorized("The token is not valid. Sign in again."))?;
        match credential.check(now) {
            Ok(()) => {}
            Err(Rejection::Expired) => return Err(unauthorized("The token has expired. Sign in again.")),
            Err(Rejection::Revoked) => return Err(unauthorized("The token was revoked. Sign in again.")),
        }
        let user = snap
            .user(&credential.user_id)?
            .filter(|u| u.active)
            .ok_or_else(|| unauthorized("The account is deactivated."))?;
        drop(snap);
        if credential.needs_touch(now) {
            let store = self.store.clone();
            let id = credential.id.clone();
            tokio::spawn(async move {
                let touched = store
                    .write(move |s| {
                        let mut c = Changes::new(now, Actor::System);
                        if let Some(mut cred) = s.credential(&id)?.filter(|c| c.revoked_at.is_none()) {
                            cred.last_used_at = Some(now);
                            c.put_credential(&cred)?;
                        }
                        Ok::<_, DeskError>((c, ()))
                    })
                    .await;
                if let Err(e) = touched {
                    tracing::debug!(error = %e, "could not record token use");
                }
            });
        }
        Ok(Principal { user, credential })
    }

    /// Whether `who`'s credential still stands: not signed out, revoked or expired, and its
    /// user still active. Open event streams ask it whenever something about their user
    /// changes, so a revocation ends them at once.
    pub fn still_valid(&self, who: &Principal) -> bool {
        let now = self.now();
        let Ok(snap) = self.store.snapshot() else { return false };
        let credential = snap.credential(&who.credential.id).ok().flatten();
        let user = snap.user(&who.user.id).ok().flatten();
        credential.is_some_and(|c| c.check(now).is_ok()) && user.is_some_and(|u| u.active)
    }

    /// How long `who`'s credential has left (`None` when it never expires).
    pub fn time_left(&self, who: &Principal) -> Option<std::time::Duration> {
        let left = who.credential.expires_at?.millis_since(self.now()).max(0);
        Some(std::time::Duration::from_millis(u64::try_from(left).unwrap_or(0)))
    }

    /// Sets the caller's own status: `available`, `away` or `offline` (`rona` is set only by
    /// missed offers and left only by hand).
    pub async fn set_own_status(&self, who: &Principal, status: AgentStatus) -> Result<User, DeskError> {
        who.ready()?;
        self.change_status(who, &who.user.id, status).await
    }

    /// Moves `user_id` to `status` on behalf of `who`, then routes again (offers are withdrawn
    /// from agents who stop being available; a newly available one drains the queue).
    pub(super) async fn change_status(
        &self,
        who: &Principal,
        user_id: &str,
        status: AgentStatus,
    ) -> Result<User, DeskError> {
        if status == AgentStatus::Rona {
            return Err(DeskError::field("status", "rona is set by missed offers; choose available, away or offline"));
        }
        let (id, actor, now) = (user_id.to_string(), who.actor(), self.now());
        let (user, _) = self
            .store
            .write(move |s| {
                let old = s.user(&id)?.ok_or_else(|| DeskError::NotFound(format!("no user with id {id}")))?;
                if !old.active && status != AgentStatus::Offline {
                    return Err(DeskError::Conflict(format!(
                        "{} is deactivated; reactivate the account first",
                        old.name
                    )));
                }
                let mut c = Changes::new(now, actor);
                let user = with_status(&mut c, &old, status, now, |_| true)?;
                Ok::<_, DeskError>((c, user))
            })
            .await?;
        self.resettle().await;
        Ok(self.store.snapshot()?.user(&user.id)?.unwrap_or(user))
    }

    /// Ends the caller's session (or revokes the API token they used).
    pub async fn logout(&self, who: &Principal) -> Result<(), DeskError> {
        let id = who.credential.id.clone();
        let actor = who.actor();
        let now = self.now();
        self.store
            .write(move |s| {
                let mut cred = s.credential(&id)?.ok_or_else(|| DeskError::NotFound("no such session".into()))?;
                let mut c = Changes::new(now, actor);
                if cred.kind == CredentialKind::Session
                    && let Some(user) = s.user(&cred.user_id)?
                {
                    // Signing out sets the agent offline (F20).
                    with_status(&mut c, &user, AgentStatus::Offline, now, |_| true)?;
                }
                if cred.revoked_at.is_none() {
                    cred.revoked_at = Some(now);
                    c.put_credential(&cred)?;
                    c.event(match cred.kind {
                        CredentialKind::Session => {
                            EventKind::SignedOut { user_id: cred.user_id.clone(), credential_id: cred.id.clone() }
                        }
                        CredentialKind::Api => {
                            EventKind::TokenRevoked { user_id: cred.user_id.clone(), credential_id: cred.id.clone() }
                        }
                    });
                }
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        self.resettle().await;
        Ok(())
    }

    /// Creates an API token for the caller; `expires_in_days` of `None` never expires.
    pub async fn create_token(
        &self,
        who: &Principal,
        name: &str,
        expires_in_days: Option<u32>,
    ) -> Result<NewToken, DeskError> {
        who.ready()?;
        let name = name.trim().to_string();
        let mut errors = Vec::new();
        if name.is_empty() || name.chars().count() > MAX_TOKEN_NAME {
            errors.push(crate::domain::FieldError::new("name", format!("must be 1 to {MAX_TOKEN_NAME} characters")));
        }
        if expires_in_days.is_some_and(|d| d == 0 || d > MAX_TOKEN_DAYS) {
            errors.push(crate::domain::FieldError::new(
                "expires_in_days",
                format!("must be between 1 and {MAX_TOKEN_DAYS}"),
            ));
        }
        if !errors.is_empty() {
            return Err(DeskError::Invalid(errors));
        }
        let now = self.now();
        let token = password::new_secret(CredentialKind::Api.secret_prefix());
        let credential = Credential {
            id: self.new_id("tok"),
            user_id: who.user.id.clone(),
            kind: CredentialKind::Api,
            name,
            secret_hash: password::secret_hash(&token),
            created_at: now,
            expires_at: expires_in_days.map(|d| now.plus_secs(i64::from(d) * 86_400)),
            last_used_at: None,
            revoked_at: None,
        };
        let record = credential.clone();
        let actor = who.actor();
        self.store
            .write(move |_| {
                let mut c = Changes::new(now, actor);
                c.put_credential(&record)?;
                c.event(EventKind::TokenCreated {
                    user_id: record.user_id.clone(),
                    credential_id: record.id.clone(),
                    name: record.name.clone(),
                });
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(NewToken { token, credential })
    }

    /// The caller's API tokens that are not revoked, oldest first.
    pub fn list_tokens(&self, who: &Principal) -> Result<Vec<Credential>, DeskError> {
        who.ready()?;
        let all = self.store.snapshot()?.credentials_of(&who.user.id)?;
        Ok(all.into_iter().filter(|c| c.kind == CredentialKind::Api && c.revoked_at.is_none()).collect())
    }

    /// Revokes one of the caller's API tokens (admins may revoke anyone's).
    pub async fn revoke_token(&self, who: &Principal, id: &str) -> Result<(), DeskError> {
        who.ready()?;
        let (id, actor, caller) = (id.to_string(), who.actor(), who.user.clone());
        let now = self.now();
        self.store
            .write(move |s| {
                let visible = |c: &Credential| c.user_id == caller.id || caller.role.can_manage_users();
                let mut cred = s
                    .credential(&id)?
                    .filter(|c| visible(c) && c.kind == CredentialKind::Api && c.revoked_at.is_none())
                    .ok_or_else(|| DeskError::NotFound(format!("no API token with id {id}")))?;
                cred.revoked_at = Some(now);
                let mut c = Changes::new(now, actor);
                c.put_credential(&cred)?;
                c.event(EventKind::TokenRevoked { user_id: cred.user_id.clone(), credential_id: cred.id.clone() });
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }

    /// Replaces the caller's password after checking the current one; ends their other
    /// sessions, and revokes their API tokens unless `keep_api_tokens`.
    pub async fn change_own_password(
        &self,
        who: &Principal,
        current: &str,
        new: &str,
        keep_api_tokens: bool,
    ) -> Result<(), DeskError> {
        check_password("new_password", new).map_err(|e| DeskError::Invalid(vec![e]))?;
        if current == new {
            return Err(DeskError::field("new_password", "must differ from the current password"));
        }
        // Guesses of the current password are sign-in attempts on the account.
        let account = throttle_key("account", &[&normalize_email(&who.user.email)]);
        let pair = throttle_key("pair", &[&account, &who.credential.id]);
        let keys = [(throttle::ACCOUNT_FROM_ADDRESS, pair.clone()), (throttle::ACCOUNT, account.clone())];
        let attempt = self.throttle.begin(&account, &keys, &[pair], self.now().millis()).map_err(too_many)?;
        let valid = password::verify(current.to_string(), Some(who.user.password_hash.clone())).await;
        self.password_checks.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if !valid {
            return Err(DeskError::Forbidden("The current password is wrong.".into()));
        }
        attempt.succeeded();
        let hash = password::hash(new.to_string()).await?;
        let (user_id, keep, actor, now) = (who.user.id.clone(), who.credential.id.clone(), who.actor(), self.now());
        self.store
            .write(move |s| {
                let old = s.user(&user_id)?.ok_or_else(|| DeskError::NotFound("no such user".into()))?;
                let user = User { password_hash: hash, must_change_password: false, updated_at: now, ..old.clone() };
                let mut c = Changes::new(now, actor);
                c.put_user(&user, Some(&old))?;
                revoke_all(s, &mut c, &user_id, now, |cred| {
                    cred.id != keep && (cred.kind == CredentialKind::Session || !keep_api_tokens)
                })?;
                c.event(EventKind::PasswordChanged { user_id: user_id.clone() });
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }
}

/// Moves `user` to `to` when `when(current status)` allows it, recording the change.
pub(super) fn with_status(
    c: &mut Changes,
    user: &User,
    to: AgentStatus,
    now: Timestamp,
    when: impl Fn(AgentStatus) -> bool,
) -> Result<User, DeskError> {
    if !when(user.status) || (user.status == to && !user.auto_away) {
        return Ok(user.clone());
    }
    if user.status == to {
        // Choosing by hand the status presence had set: it is theirs now.
        let updated = User { auto_away: false, updated_at: now, ..user.clone() };
        c.put_user(&updated, Some(user))?;
        return Ok(updated);
    }
    // A change by hand (or by sign-in) is not presence's doing; becoming available starts
    // the presence clock afresh.
    let last_seen = if to == AgentStatus::Available { Some(now) } else { user.last_seen };
    let updated =
        User { status: to, status_since: Some(now), updated_at: now, auto_away: false, last_seen, ..user.clone() };
    c.put_user(&updated, Some(user))?;
    c.event(EventKind::AgentStatusChanged { user_id: user.id.clone(), from: user.status, to });
    Ok(updated)
}

/// Revokes every live credential of `user_id` that `which` selects; returns how many.
pub(super) fn revoke_all(
    s: &impl UserReads,
    c: &mut Changes,
    user_id: &str,
    now: Timestamp,
    which: impl Fn(&Credential) -> bool,
) -> Result<u32, DeskError> {
    let mut n = 0;
    for mut cred in s.credentials_of(user_id)? {
        if cred.revoked_at.is_none() && which(&cred) {
            cred.revoked_at = Some(now);
            c.put_credential(&cred)?;
            n += 1;
        }
    }
    Ok(n)
}
