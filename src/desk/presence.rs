//! Presence (F20) and statuses set by supervisors (F19): heartbeats from open agent pages,
//! the page going hidden, and a supervisor moving an agent's status.

use super::{Desk, DeskError, Principal};
use crate::domain::{AgentStatus, EventKind, Role, User};
use crate::store::{Changes, UserChanges, UserReads};

impl Desk {
    /// A sign of life from an open agent page (or its open event stream). `hidden` reports the
    /// page going hidden: an available agent turns `away` at once. A visible page brings back
    /// an agent whom presence (not they themselves) had turned away.
    pub async fn heartbeat(&self, who: &Principal, hidden: bool) -> Result<User, DeskError> {
        let (id, actor, now) = (who.user.id.clone(), who.actor(), self.now());
        let (user, _) = self
            .store
            .write(move |s| {
                let old = s
                    .user(&id)?
                    .filter(|u| u.active)
                    .ok_or_else(|| DeskError::Unauthorized("the account is deactivated".into()))?;
                let mut c = Changes::new(now, actor);
                let mut user = User { last_seen: Some(now), ..old.clone() };
                let to = match (old.status, hidden) {
                    (AgentStatus::Available, true) => Some((AgentStatus::Away, true)),
                    (AgentStatus::Away, false) if old.auto_away => Some((AgentStatus::Available, false)),
                    _ => None,
                };
                if let Some((to, auto)) = to {
                    c.event(EventKind::AgentStatusChanged { user_id: old.id.clone(), from: old.status, to });
                    user.status = to;
                    user.status_since = Some(now);
                    user.auto_away = auto;
                    user.updated_at = now;
                }
                c.put_user(&user, Some(&old))?;
                Ok::<_, DeskError>((c, user))
            })
            .await?;
        if user.status != who.user.status {
            self.resettle().await;
        }
        Ok(user)
    }

    /// A supervisor sets an agent's status (`rona` only comes from missed offers; setting
    /// `available` is how a supervisor brings an agent back from it).
    pub async fn set_user_status(&self, who: &Principal, id: &str, status: AgentStatus) -> Result<User, DeskError> {
        who.require(Role::Supervisor, "set other users' status")?;
        self.change_status(who, id, status).await
    }
}
