//! Teams and inboxes (F25): admins configure them; everyone signed in may read them (agents
//! need them for filters and transfers).

use super::{Desk, DeskError, Principal};
use crate::domain::event::ConfigAction;
use crate::domain::validation::{Checks, check_name};
use crate::domain::workspace::{
    AssignmentMode, Channel, DEFAULT_AUTO_CLOSE_SECS, DEFAULT_OFFER_TIMEOUT_SECS, DEFAULT_WAIT_AMBER_SECS,
    DEFAULT_WAIT_RED_SECS, Inbox, Team, check_inbox_times,
};
use crate::domain::{EventKind, Role};
use crate::store::{Changes, ConversationReads, RecordChanges, Staged, UserReads, WorkspaceReads};

/// Longest team description, in characters.
pub const MAX_TEAM_DESCRIPTION: usize = 1000;

/// Records a configuration change.
pub(super) fn config_event(c: &mut Changes, entity: &str, id: &str, action: ConfigAction, fields: &[&str]) {
    c.event(EventKind::ConfigChanged {
        entity: entity.into(),
        id: id.into(),
        action,
        fields: fields.iter().map(|f| f.to_string()).collect(),
    });
}

/// Refuses a name another item already uses (case-insensitive).
pub(super) fn unique_name<'a>(
    mut taken: impl Iterator<Item = (&'a str, &'a str)>,
    id: &str,
    name: &str,
    what: &str,
) -> Result<(), DeskError> {
    match taken.find(|(other_id, other)| *other_id != id && other.eq_ignore_ascii_case(name.trim())) {
        Some(_) => Err(DeskError::Conflict(format!("a {what} named {:?} already exists", name.trim()))),
        None => Ok(()),
    }
}

/// Checks that every user id exists and is active.
fn check_members(s: &Staged<'_>, members: &[String]) -> Result<Vec<String>, DeskError> {
    let mut out: Vec<String> = Vec::new();
    for m in members {
        match s.user(m)? {
            Some(u) if u.active => {
                if !out.contains(m) {
                    out.push(m.clone());
                }
            }
            _ => return Err(DeskError::field("members", format!("no active user with id {m}"))),
        }
    }
    Ok(out)
}

/// Checks that every team id exists.
fn check_teams(s: &Staged<'_>, team_ids: &[String]) -> Result<Vec<String>, DeskError> {
    let mut out: Vec<String> = Vec::new();
    for t in team_ids {
        if s.team(t)?.is_none() {
            return Err(DeskError::field("team_ids", format!("no team with id {t}")));
        }
        if !out.contains(t) {
            out.push(t.clone());
        }
    }
    Ok(out)
}

/// A new or changed team; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct TeamInput {
    /// Unique name.
    pub name: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// Member user ids (replaces the list).
    pub members: Option<Vec<String>>,
}

/// A new or changed inbox; `None` keeps the current value (or takes the default on create).
#[derive(Clone, Debug, Default)]
pub struct InboxInput {
    /// Unique name.
    pub name: Option<String>,
    /// Channel (only on create).
    pub channel: Option<Channel>,
    /// Assignment mode.
    pub assignment: Option<AssignmentMode>,
    /// Offer timeout.
    pub offer_timeout_secs: Option<u32>,
    /// Auto-close idle time (0 = never).
    pub auto_close_secs: Option<u32>,
    /// Wrap-up reason required to close.
    pub wrap_up_required: Option<bool>,
    /// Teams serving the inbox (replaces the list).
    pub team_ids: Option<Vec<String>>,
    /// Wait that turns a conversation amber in the monitor.
    pub wait_amber_secs: Option<u32>,
    /// Wait that turns it red.
    pub wait_red_secs: Option<u32>,
    /// Widget settings (live-chat inboxes).
    pub widget: Option<super::widget::WidgetPatch>,
}

impl Desk {
    /// Every team.
    pub fn list_teams(&self, who: &Principal) -> Result<Vec<Team>, DeskError> {
        who.ready()?;
        Ok(self.store.snapshot()?.teams()?)
    }

    /// Ids of the teams the caller belongs to.
    pub fn my_teams(&self, who: &Principal) -> Result<Vec<String>, DeskError> {
        Ok(self.store.snapshot()?.teams_of_user(&who.user.id)?)
    }

    /// One team.
    pub fn get_team(&self, who: &Principal, id: &str) -> Result<Team, DeskError> {
        who.ready()?;
        self.store.snapshot()?.team(id)?.ok_or_else(|| DeskError::NotFound(format!("no team with id {id}")))
    }

    /// Creates (`id` None) or changes a team (admins only).
    pub async fn save_team(&self, who: &Principal, id: Option<&str>, input: TeamInput) -> Result<Team, DeskError> {
        who.require(Role::Admin, "configure teams")?;
        let mut checks = Checks::new();
        if let Some(n) = &input.name {
            checks.add(check_name("name", n));
        } else if id.is_none() {
            checks.require(false, "name", "is required");
        }
        checks.finish().map_err(DeskError::Invalid)?;
        let (now, actor) = (self.now(), who.actor());
        let new_id = self.new_id("team");
        let id = id.map(str::to_string);
        let (team, _) = self
            .store
            .write(move |s| {
                let old = match &id {
                    Some(id) => Some(s.team(id)?.ok_or_else(|| DeskError::NotFound(format!("no team with id {id}")))?),
                    None => None,
                };
                let mut team = old.clone().unwrap_or(Team {
                    id: new_id,
                    name: String::new(),
                    description: String::new(),
                    members: Vec::new(),
                    created_at: now,
                    updated_at: now,
                });
                let mut fields = Vec::new();
                if let Some(n) = input.name.map(|n| n.trim().to_string()).filter(|n| *n != team.name) {
                    let teams = s.teams()?;
                    unique_name(teams.iter().map(|t| (t.id.as_str(), t.name.as_str())), &team.id, &n, "team")?;
                    team.name = n;
                    fields.push("name");
                }
                if input.description.as_ref().is_some_and(|d| d.chars().count() > MAX_TEAM_DESCRIPTION) {
                    return Err(DeskError::field(
                        "description",
                        format!("must be at most {MAX_TEAM_DESCRIPTION} characters"),
                    ));
                }
                if let Some(d) = input.description.map(|d| d.trim().to_string()).filter(|d| *d != team.description) {
                    team.description = d;
                    fields.push("description");
                }
                if let Some(m) = input.members {
                    let m = check_members(s, &m)?;
                    if m != team.members {
                        team.members = m;
                        fields.push("members");
                    }
                }
                let mut c = Changes::new(now, actor);
                if old.is_some() && fields.is_empty() {
                    return Ok::<_, DeskError>((c, team));
                }
                team.updated_at = now;
                c.put_team(&team)?;
                let action = if old.is_some() { ConfigAction::Updated } else { ConfigAction::Created };
                config_event(&mut c, "team", &team.id, action, &fields);
                Ok((c, team))
            })
            .await?;
        self.resettle().await;
        Ok(team)
    }

    /// Deletes a team and removes it from the inboxes it served (admins only).
    pub async fn delete_team(&self, who: &Principal, id: &str) -> Result<(), DeskError> {
        who.require(Role::Admin, "configure teams")?;
        let (id, now, actor) = (id.to_string(), self.now(), who.actor());
        self.store
            .write(move |s| {
                s.team(&id)?.ok_or_else(|| DeskError::NotFound(format!("no team with id {id}")))?;
                let mut c = Changes::new(now, actor);
                for mut inbox in s.inboxes()?.into_iter().filter(|i| i.team_ids.contains(&id)) {
                    inbox.team_ids.retain(|t| *t != id);
                    inbox.updated_at = now;
                    c.put_inbox(&inbox)?;
                    config_event(&mut c, "inbox", &inbox.id, ConfigAction::Updated, &["team_ids"]);
                }
                c.delete_team(&id);
                config_event(&mut c, "team", &id, ConfigAction::Deleted, &[]);
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        self.resettle().await;
        Ok(())
    }

    /// Every inbox.
    pub fn list_inboxes(&self, who: &Principal) -> Result<Vec<Inbox>, DeskError> {
        who.ready()?;
        Ok(self.store.snapshot()?.inboxes()?)
    }

    /// One inbox.
    pub fn get_inbox(&self, who: &Principal, id: &str) -> Result<Inbox, DeskError> {
        who.ready()?;
        self.store.snapshot()?.inbox(id)?.ok_or_else(|| DeskError::NotFound(format!("no inbox with id {id}")))
    }

    /// Creates (`id` None) or changes an inbox (admins only).
    pub async fn save_inbox(&self, who: &Principal, id: Option<&str>, input: InboxInput) -> Result<Inbox, DeskError> {
        who.require(Role::Admin, "configure inboxes")?;
        let mut checks = Checks::new();
        match (&input.name, id) {
            (Some(n), _) => checks.add(check_name("name", n)),
            (None, None) => checks.require(false, "name", "is required"),
            (None, Some(_)) => {}
        }
        checks.require(id.is_none() || input.channel.is_none(), "channel", "cannot change after creation");
        checks.finish().map_err(DeskError::Invalid)?;
        let (now, actor) = (self.now(), who.actor());
        let new_id = self.new_id("inb");
        let id = id.map(str::to_string);
        let (inbox, _) = self
            .store
            .write(move |s| {
                let old = match &id {
                    Some(id) => {
                        Some(s.inbox(id)?.ok_or_else(|| DeskError::NotFound(format!("no inbox with id {id}")))?)
                    }
                    None => None,
                };
                let mut inbox = old.clone().unwrap_or(Inbox {
                    id: new_id,
                    name: String::new(),
                    channel: input.channel.unwrap_or(Channel::Livechat),
                    assignment: AssignmentMode::Manual,
                    offer_timeout_secs: DEFAULT_OFFER_TIMEOUT_SECS,
                    auto_close_secs: DEFAULT_AUTO_CLOSE_SECS,
                    wrap_up_required: false,
                    team_ids: Vec::new(),
                    wait_amber_secs: DEFAULT_WAIT_AMBER_SECS,
                    wait_red_secs: DEFAULT_WAIT_RED_SECS,
                    widget: Default::default(),
                    created_at: now,
                    updated_at: now,
                });
                let mut fields = Vec::new();
                if let Some(n) = input.name.map(|n| n.trim().to_string()).filter(|n| *n != inbox.name) {
                    let all = s.inboxes()?;
                    unique_name(all.iter().map(|i| (i.id.as_str(), i.name.as_str())), &inbox.id, &n, "inbox")?;
                    inbox.name = n;
                    fields.push("name");
                }
                if let Some(a) = input.assignment.filter(|a| *a != inbox.assignment) {
                    inbox.assignment = a;
                    fields.push("assignment");
                }
                if let Some(t) = input.offer_timeout_secs.filter(|t| *t != inbox.offer_timeout_secs) {
                    inbox.offer_timeout_secs = t;
                    fields.push("offer_timeout_secs");
                }
                if let Some(t) = input.auto_close_secs.filter(|t| *t != inbox.auto_close_secs) {
                    inbox.auto_close_secs = t;
                    fields.push("auto_close_secs");
                }
                if let Some(w) = input.wrap_up_required.filter(|w| *w != inbox.wrap_up_required) {
                    inbox.wrap_up_required = w;
                    fields.push("wrap_up_required");
                }
                if let Some(t) = input.team_ids {
                    let t = check_teams(s, &t)?;
                    if t != inbox.team_ids {
                        inbox.team_ids = t;
                        fields.push("team_ids");
                    }
                }
                if let Some(w) = input.wait_amber_secs.filter(|w| *w != inbox.wait_amber_secs) {
                    inbox.wait_amber_secs = w;
                    fields.push("wait_amber_secs");
                }
                if let Some(w) = input.wait_red_secs.filter(|w| *w != inbox.wait_red_secs) {
                    inbox.wait_red_secs = w;
                    fields.push("wait_red_secs");
                }
                if let Some(w) = input.widget {
                    if inbox.channel != Channel::Livechat {
                        return Err(DeskError::field("widget", "only live-chat inboxes have a widget"));
                    }
                    super::widget::apply_widget(&mut inbox, w, &mut fields)?;
                }
                let mut checks = Checks::new();
                check_inbox_times(&mut checks, &inbox);
                checks.finish().map_err(DeskError::Invalid)?;
                let mut c = Changes::new(now, actor);
                if old.is_some() && fields.is_empty() {
                    return Ok::<_, DeskError>((c, inbox));
                }
                inbox.updated_at = now;
                c.put_inbox(&inbox)?;
                let action = if old.is_some() { ConfigAction::Updated } else { ConfigAction::Created };
                config_event(&mut c, "inbox", &inbox.id, action, &fields);
                Ok((c, inbox))
            })
            .await?;
        self.resettle().await;
        Ok(inbox)
    }

    /// Deletes an inbox that has no conversations (admins only); one with history is kept.
    pub async fn delete_inbox(&self, who: &Principal, id: &str) -> Result<(), DeskError> {
        who.require(Role::Admin, "configure inboxes")?;
        let (id, now, actor) = (id.to_string(), self.now(), who.actor());
        self.store
            .write(move |s| {
                s.inbox(&id)?.ok_or_else(|| DeskError::NotFound(format!("no inbox with id {id}")))?;
                if s.inbox_has_conversations(&id)? {
                    return Err(DeskError::Conflict("this inbox has conversations; it cannot be deleted".into()));
                }
                let mut c = Changes::new(now, actor);
                c.delete_inbox(&id);
                config_event(&mut c, "inbox", &id, ConfigAction::Deleted, &[]);
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        self.resettle().await;
        Ok(())
    }
}
