//! User administration (F37): admins create, change and deactivate users; supervisors may read
//! the directory; agents may not. Deactivating revokes every token of the user at once.

use super::auth::revoke_all;
use super::{Desk, DeskError, Principal, password};
use crate::domain::user::{DEFAULT_CAPACITY, LAST_ADMIN, MAX_CAPACITY, would_remove_last_admin};
use crate::domain::validation::{Checks, check_email, check_name, check_password, normalize_email};
use crate::domain::{Actor, AgentStatus, EventKind, Role, User};
use crate::store::{Changes, UserChanges, UserReads};

/// A user to create.
#[derive(Clone, Debug)]
pub struct NewUser {
    /// Email (normalised before storing).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Initial password.
    pub password: String,
    /// Maximum active conversations; default [`DEFAULT_CAPACITY`].
    pub capacity: Option<u32>,
    /// Whether the user must choose a new password at first sign-in.
    pub must_change_password: bool,
}

/// Changes to a user; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    /// New email.
    pub email: Option<String>,
    /// New display name.
    pub name: Option<String>,
    /// New role.
    pub role: Option<Role>,
    /// New capacity.
    pub capacity: Option<u32>,
    /// New password (ends the user's sessions).
    pub password: Option<String>,
    /// Deactivate (`false`) or reactivate (`true`).
    pub active: Option<bool>,
    /// Grant or remove `see_all`.
    pub see_all: Option<bool>,
    /// Require a new password at next sign-in.
    pub must_change_password: Option<bool>,
}

fn check_capacity(checks: &mut Checks, capacity: Option<u32>) {
    checks.require(
        capacity.is_none_or(|c| (1..=MAX_CAPACITY).contains(&c)),
        "capacity",
        format!("must be between 1 and {MAX_CAPACITY}"),
    );
}

impl Desk {
    /// A page of users in creation order, and the cursor of the next page.
    pub fn list_users(
        &self,
        who: &Principal,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<User>, Option<String>), DeskError> {
        who.require(Role::Supervisor, "read the user directory")?;
        let mut users = self.store.snapshot()?.users_page(cursor, limit + 1)?;
        let next = if users.len() > limit {
            users.truncate(limit);
            users.last().map(|u| u.id.clone())
        } else {
            None
        };
        Ok((users, next))
    }

    /// One user (supervisors and admins; anyone may read themselves).
    pub fn get_user(&self, who: &Principal, id: &str) -> Result<User, DeskError> {
        if who.user.id != id {
            who.require(Role::Supervisor, "read the user directory")?;
        }
        self.store.snapshot()?.user(id)?.ok_or_else(|| DeskError::NotFound(format!("no user with id {id}")))
    }

    /// Creates a user (admins only).
    pub async fn create_user(&self, who: &Principal, new: NewUser) -> Result<User, DeskError> {
        who.require(Role::Admin, "create users")?;
        self.insert_user(who.actor(), new, true).await
    }

    /// Creates a user without a caller (first run, demo data, the CLI). `check_strength`
    /// enforces the password rules; demo accounts are the one exception.
    pub async fn insert_user(&self, actor: Actor, new: NewUser, check_strength: bool) -> Result<User, DeskError> {
        let email = normalize_email(&new.email);
        let mut checks = Checks::new();
        checks.add(check_email("email", &email));
        checks.add(check_name("name", &new.name));
        if check_strength {
            checks.add(check_password("password", &new.password));
        }
        check_capacity(&mut checks, new.capacity);
        checks.finish().map_err(DeskError::Invalid)?;
        let hash = password::hash(new.password.clone()).await?;
        let now = self.now();
        let user = User {
            id: self.new_id("usr"),
            email,
            name: new.name.trim().to_string(),
            role: new.role,
            active: true,
            capacity: new.capacity.unwrap_or(DEFAULT_CAPACITY),
            status: AgentStatus::Offline,
            status_since: None,
            password_hash: hash,
            see_all: false,
            must_change_password: new.must_change_password,
            last_seen: None,
            auto_away: false,
            transfers_made: 0,
            created_at: now,
            updated_at: now,
        };
        let (user, _) = self
            .store
            .write(move |s| {
                if s.user_by_email(&user.email)?.is_some() {
                    return Err(DeskError::Conflict(format!("a user with email {} already exists", user.email)));
                }
                let mut c = Changes::new(now, actor);
                c.put_user(&user, None)?;
                c.event(EventKind::UserCreated {
                    user_id: user.id.clone(),
                    email: user.email.clone(),
                    role: user.role,
                });
                Ok((c, user))
            })
            .await?;
        self.resettle().await;
        Ok(user)
    }

    /// Changes a user (admins only). Deactivation revokes every token; a new password ends the
    /// user's sessions. The last active admin can be neither demoted nor deactivated.
    pub async fn update_user(&self, who: &Principal, id: &str, patch: UserPatch) -> Result<User, DeskError> {
        who.require(Role::Admin, "change users")?;
        let email = patch.email.as_deref().map(normalize_email);
        let mut checks = Checks::new();
        if let Some(e) = &email {
            checks.add(check_email("email", e));
        }
        if let Some(n) = &patch.name {
            checks.add(check_name("name", n));
        }
        if let Some(p) = &patch.password {
            checks.add(check_password("password", p));
        }
        check_capacity(&mut checks, patch.capacity);
        checks.finish().map_err(DeskError::Invalid)?;
        let hash = match &patch.password {
            Some(p) => Some(password::hash(p.clone()).await?),
            None => None,
        };
        let (id, actor, me, now) = (id.to_string(), who.actor(), who.user.id.clone(), self.now());
        let (user, _) = self
            .store
            .write(move |s| {
                let old = s.user(&id)?.ok_or_else(|| DeskError::NotFound(format!("no user with id {id}")))?;
                let mut user = old.clone();
                let mut fields = Vec::new();
                if let Some(e) = email.filter(|e| *e != old.email) {
                    if s.user_by_email(&e)?.is_some() {
                        return Err(DeskError::Conflict(format!("a user with email {e} already exists")));
                    }
                    user.email = e;
                    fields.push("email");
                }
                if let Some(n) = patch.name.map(|n| n.trim().to_string()).filter(|n| *n != old.name) {
                    user.name = n;
                    fields.push("name");
                }
                if let Some(r) = patch.role.filter(|r| *r != old.role) {
                    user.role = r;
                    fields.push("role");
                }
                if let Some(cap) = patch.capacity.filter(|c| *c != old.capacity) {
                    user.capacity = cap;
                    fields.push("capacity");
                }
                if let Some(v) = patch.see_all.filter(|v| *v != old.see_all) {
                    user.see_all = v;
                    fields.push("see_all");
                }
                if let Some(m) = patch.must_change_password.filter(|m| *m != old.must_change_password) {
                    user.must_change_password = m;
                    fields.push("must_change_password");
                }
                if let Some(h) = hash {
                    user.password_hash = h;
                    fields.push("password");
                }
                if let Some(a) = patch.active.filter(|a| *a != old.active) {
                    user.active = a;
                    fields.push("active");
                }
                if !user.active && old.active && id == me {
                    return Err(DeskError::Conflict("you cannot deactivate yourself".into()));
                }
                let loses_admin = user.role != Role::Admin || !user.active;
                if loses_admin && would_remove_last_admin(&old, s.active_admin_count()?) {
                    return Err(DeskError::Conflict(LAST_ADMIN.into()));
                }
                let mut c = Changes::new(now, actor);
                if fields.is_empty() {
                    return Ok((c, old));
                }
                user.updated_at = now;
                c.put_user(&user, Some(&old))?;
                if !user.active && old.active {
                    let revoked = revoke_all(s, &mut c, &id, now, |_| true)?;
                    c.event(EventKind::UserDeactivated { user_id: id.clone(), revoked_tokens: revoked });
                    fields.retain(|f| *f != "active");
                } else if fields.contains(&"password") {
                    // A reset suggests the old password leaked: nothing made with it survives.
                    revoke_all(s, &mut c, &id, now, |_| true)?;
                }
                if !fields.is_empty() {
                    c.event(EventKind::UserUpdated {
                        user_id: id.clone(),
                        fields: fields.iter().map(|f| f.to_string()).collect(),
                    });
                }
                Ok((c, user))
            })
            .await?;
        self.resettle().await;
        Ok(user)
    }

    /// Deactivates a user and revokes their tokens (admins only).
    pub async fn deactivate_user(&self, who: &Principal, id: &str) -> Result<User, DeskError> {
        self.update_user(who, id, UserPatch { active: Some(false), ..UserPatch::default() }).await
    }
}
