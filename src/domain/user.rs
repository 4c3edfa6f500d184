//! Users (agents, supervisors, admins): their roles, agent statuses and the rules about who may
//! administer whom.

use serde::{Deserialize, Serialize};

use super::Timestamp;

/// What a user may do. Ordered by power: an admin can do everything a supervisor can.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Answers conversations.
    Agent,
    /// Watches the operation live and steps in.
    Supervisor,
    /// Configures the workspace and administers users.
    Admin,
}

impl Role {
    /// The role's name as used in the API and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Agent => "agent",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    /// Parses `admin`, `supervisor` or `agent`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "agent" => Some(Role::Agent),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether this role may read the user directory.
    pub fn can_read_users(self) -> bool {
        self >= Role::Supervisor
    }

    /// Whether this role may create, change and deactivate users.
    pub fn can_manage_users(self) -> bool {
        self == Role::Admin
    }
}

/// An agent's availability for routing (F19). A new user starts `offline`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgentStatus {
    /// Receives offers.
    Available,
    /// Signed in but receives no offers.
    Away,
    /// Not signed in; may not act on conversations.
    #[default]
    Offline,
    /// Redirected on no answer: missed an offer and must set `available` again by hand.
    Rona,
}

/// Default maximum number of active conversations per agent (F21).
pub const DEFAULT_CAPACITY: u32 = 5;
/// Largest capacity an admin may set.
pub const MAX_CAPACITY: u32 = 100;

/// A person who signs in to Switchboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Opaque id (`usr_…`).
    pub id: String,
    /// Normalised (trimmed, lower-case) email; unique among users.
    pub email: String,
    /// Display name.
    pub name: String,
    /// What the user may do.
    pub role: Role,
    /// Deactivated users cannot sign in and have no valid tokens.
    pub active: bool,
    /// Maximum number of active conversations.
    pub capacity: u32,
    /// Current availability.
    #[serde(default)]
    pub status: AgentStatus,
    /// When `status` last changed (`None`: never, so since the user was created).
    #[serde(default)]
    pub status_since: Option<Timestamp>,
    /// argon2id PHC string.
    pub password_hash: String,
    /// Sees every conversation, like a supervisor, without a supervisor's other powers.
    #[serde(default)]
    pub see_all: bool,
    /// Set for one-time passwords: the user must choose a new password before doing anything else.
    #[serde(default)]
    pub must_change_password: bool,
    /// Last sign of life from an open agent page (heartbeat or event stream), for presence.
    #[serde(default)]
    pub last_seen: Option<Timestamp>,
    /// Set when presence (not the agent) turned them `away`; a sign of life from a visible
    /// page makes them `available` again.
    #[serde(default)]
    pub auto_away: bool,
    /// Transfers this user made (F23).
    #[serde(default)]
    pub transfers_made: u32,
    /// When the user was created.
    pub created_at: Timestamp,
    /// When the user was last changed.
    pub updated_at: Timestamp,
}

impl User {
    /// Since when the user has had their current status.
    pub fn status_since(&self) -> Timestamp {
        self.status_since.unwrap_or(self.created_at)
    }
}

/// Why a change to the set of admins is refused: the workspace must keep one active admin.
pub const LAST_ADMIN: &str = "this is the last active admin; make another user admin first";

/// Whether removing admin power from `target` (demotion or deactivation) would leave no active
/// admin, given the number of active admins now.
pub fn would_remove_last_admin(target: &User, active_admins: usize) -> bool {
    target.active && target.role == Role::Admin && active_admins <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role, active: bool) -> User {
        User {
            id: "usr_1".into(),
            email: "a@b.c".into(),
            name: "A".into(),
            role,
            active,
            capacity: DEFAULT_CAPACITY,
            status: AgentStatus::Offline,
            status_since: None,
            password_hash: String::new(),
            see_all: false,
            must_change_password: false,
            last_seen: None,
            auto_away: false,
            transfers_made: 0,
            created_at: Timestamp(0),
            updated_at: Timestamp(0),
        }
    }

    #[test]
    fn roles_parse_and_order() {
        for r in [Role::Agent, Role::Supervisor, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
        assert!(!Role::Agent.can_read_users());
        assert!(Role::Supervisor.can_read_users());
        assert!(!Role::Supervisor.can_manage_users());
        assert!(Role::Admin.can_manage_users());
    }

    #[test]
    fn last_admin_is_protected() {
        assert!(would_remove_last_admin(&user(Role::Admin, true), 1));
        assert!(!would_remove_last_admin(&user(Role::Admin, true), 2));
        assert!(!would_remove_last_admin(&user(Role::Agent, true), 1));
        assert!(!would_remove_last_admin(&user(Role::Admin, false), 1));
    }

    #[test]
    fn stored_users_without_new_fields_still_load() {
        let json = r#"{"id":"usr_1","email":"a@b.c","name":"A","role":"agent","active":true,
            "capacity":5,"password_hash":"","created_at":0,"updated_at":0}"#;
        let u: User = serde_json::from_str(json).expect("old shape loads");
        assert_eq!(u.status, AgentStatus::Offline);
        assert_eq!((u.status_since, u.status_since()), (None, Timestamp(0)), "offline since created");
        assert!(!u.must_change_password);
    }
}
