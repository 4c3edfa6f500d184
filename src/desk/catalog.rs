//! Labels, canned responses (F15), wrap-up reasons (F8) and workspace settings.
//!
//! Admins manage labels, wrap-up reasons, global canned responses and settings; supervisors
//! also manage team canned responses; every user manages their own personal ones.

use super::teams::{config_event, unique_name};
use super::{Desk, DeskError, Principal};
use crate::domain::Role;
use crate::domain::conversation::Sort;
use crate::domain::event::ConfigAction;
use crate::domain::validation::{Checks, check_name};
use crate::domain::workspace::{
    CannedResponse, CannedScope, Label, Settings, WrapUpReason, check_color, check_settings, check_shortcut,
    unknown_placeholders,
};
use crate::store::{
    Changes, ConversationReads, Partition, RecordChanges, WorkspaceReads, put_conversation, put_settings,
};

/// Longest canned response body.
const MAX_CANNED_BODY: usize = 10_000;

/// A canned response to create or change; `None` keeps the current value.
#[derive(Clone, Debug, Default)]
pub struct CannedInput {
    /// Who may use it (only on create).
    pub scope: Option<CannedScope>,
    /// Shortcut code.
    pub shortcut: Option<String>,
    /// Title.
    pub title: Option<String>,
    /// Body with placeholders.
    pub body: Option<String>,
}

impl Desk {
    /// Every label.
    pub fn list_labels(&self, who: &Principal) -> Result<Vec<Label>, DeskError> {
        who.ready()?;
        Ok(self.store.snapshot()?.labels()?)
    }

    /// Creates (`id` None) or changes a label (admins only).
    pub async fn save_label(
        &self,
        who: &Principal,
        id: Option<&str>,
        name: Option<String>,
        color: Option<String>,
    ) -> Result<Label, DeskError> {
        who.require(Role::Admin, "manage labels")?;
        let mut checks = Checks::new();
        match &name {
            Some(n) => checks.add(check_name("name", n)),
            None => checks.require(id.is_some(), "name", "is required"),
        }
        if let Some(c) = &color {
            checks.add(check_color("color", c));
        }
        checks.finish().map_err(DeskError::Invalid)?;
        let (now, actor, new_id, id) = (self.now(), who.actor(), self.new_id("lbl"), id.map(str::to_string));
        let (label, _) = self
            .store
            .write(move |s| {
                let old = match &id {
                    Some(id) => {
                        Some(s.label(id)?.ok_or_else(|| DeskError::NotFound(format!("no label with id {id}")))?)
                    }
                    None => None,
                };
                let mut label =
                    old.clone().unwrap_or(Label { id: new_id, name: String::new(), color: "#64748b".into() });
                let mut fields = Vec::new();
                if let Some(n) = name.map(|n| n.trim().to_string()).filter(|n| *n != label.name) {
                    let all = s.labels()?;
                    unique_name(all.iter().map(|l| (l.id.as_str(), l.name.as_str())), &label.id, &n, "label")?;
                    label.name = n;
                    fields.push("name");
                }
                if let Some(c) = color.map(|c| c.to_lowercase()).filter(|c| *c != label.color) {
                    label.color = c;
                    fields.push("color");
                }
                let mut c = Changes::new(now, actor);
                if old.is_none() || !fields.is_empty() {
                    c.put_label(&label)?;
                    let action = if old.is_some() { ConfigAction::Updated } else { ConfigAction::Created };
                    config_event(&mut c, "label", &label.id, action, &fields);
                }
                Ok::<_, DeskError>((c, label))
            })
            .await?;
        Ok(label)
    }

    /// Every wrap-up reason, archived ones last-known too.
    pub fn list_wrap_ups(&self, who: &Principal) -> Result<Vec<WrapUpReason>, DeskError> {
        who.ready()?;
        Ok(self.store.snapshot()?.wrap_ups()?)
    }

    /// Creates (`id` None) or changes a wrap-up reason (admins only).
    pub async fn save_wrap_up(
        &self,
        who: &Principal,
        id: Option<&str>,
        name: Option<String>,
        archived: Option<bool>,
    ) -> Result<WrapUpReason, DeskError> {
        who.require(Role::Admin, "manage wrap-up reasons")?;
        let mut checks = Checks::new();
        match &name {
            Some(n) => checks.add(check_name("name", n)),
            None => checks.require(id.is_some(), "name", "is required"),
        }
        checks.finish().map_err(DeskError::Invalid)?;
        let (now, actor, new_id, id) = (self.now(), who.actor(), self.new_id("wru"), id.map(str::to_string));
        let (reason, _) = self
            .store
            .write(move |s| {
                let old = match &id {
                    Some(id) => Some(
                        s.wrap_up(id)?.ok_or_else(|| DeskError::NotFound(format!("no wrap-up reason with id {id}")))?,
                    ),
                    None => None,
                };
                let mut reason =
                    old.clone().unwrap_or(WrapUpReason { id: new_id, name: String::new(), archived: false });
                let mut fields = Vec::new();
                if let Some(n) = name.map(|n| n.trim().to_string()).filter(|n| *n != reason.name) {
                    let all = s.wrap_ups()?;
                    let live = all.iter().filter(|w| !w.archived).map(|w| (w.id.as_str(), w.name.as_str()));
                    unique_name(live, &reason.id, &n, "wrap-up reason")?;
                    reason.name = n;
                    fields.push("name");
                }
                if let Some(a) = archived.filter(|a| *a != reason.archived) {
                    reason.archived = a;
                    fields.push("archived");
                }
                let mut c = Changes::new(now, actor);
                if old.is_none() || !fields.is_empty() {
                    c.put_wrap_up(&reason)?;
                    let action = match (&old, archived) {
                        (None, _) => ConfigAction::Created,
                        (Some(_), Some(true)) => ConfigAction::Deleted,
                        _ => ConfigAction::Updated,
                    };
                    config_event(&mut c, "wrap_up_reason", &reason.id, action, &fields);
                }
                Ok::<_, DeskError>((c, reason))
            })
            .await?;
        Ok(reason)
    }

    /// The canned responses the caller may use (admins see all).
    pub fn list_canned(&self, who: &Principal) -> Result<Vec<CannedResponse>, DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let my_teams = snap.teams_of_user(&who.user.id)?;
        Ok(snap.canned_all()?.into_iter().filter(|c| can_use(who, &my_teams, &c.scope)).collect())
    }

    /// Creates (`id` None) or changes a canned response the caller may manage.
    pub async fn save_canned(
        &self,
        who: &Principal,
        id: Option<&str>,
        input: CannedInput,
    ) -> Result<CannedResponse, DeskError> {
        who.ready()?;
        let mut checks = Checks::new();
        if id.is_none() {
            checks.require(input.shortcut.is_some(), "shortcut", "is required");
            checks.require(input.title.is_some(), "title", "is required");
            checks.require(input.body.is_some(), "body", "is required");
        }
        checks.require(
            id.is_none() || input.scope.is_none(),
            "scope",
            "cannot change after creation; create a new one",
        );
        if let Some(code) = &input.shortcut {
            checks.add(check_shortcut("shortcut", code.trim_start_matches('/')));
        }
        if let Some(t) = &input.title {
            checks.add(check_name("title", t));
        }
        if let Some(b) = &input.body {
            checks.require(
                !b.trim().is_empty() && b.chars().count() <= MAX_CANNED_BODY,
                "body",
                format!("must be 1 to {MAX_CANNED_BODY} characters"),
            );
            let unknown = unknown_placeholders(b);
            checks.require(
                unknown.is_empty(),
                "body",
                format!(
                    "unknown placeholders: {}; use contact.name, contact.email, agent.name or conversation.number",
                    unknown.join(", ")
                ),
            );
        }
        checks.finish().map_err(DeskError::Invalid)?;
        let (now, actor, new_id, id, caller) =
            (self.now(), who.actor(), self.new_id("can"), id.map(str::to_string), who.clone());
        let (canned, _) = self
            .store
            .write(move |s| {
                let old = match &id {
                    // Responses the caller cannot use (another team's, someone's personal
                    // ones) are invisible: 404 like unknown ids, never 403.
                    Some(id) => {
                        let my_teams = s.teams_of_user(&caller.user.id)?;
                        let found = s.canned(id)?.filter(|x| can_use(&caller, &my_teams, &x.scope));
                        Some(found.ok_or_else(|| DeskError::NotFound(format!("no canned response with id {id}")))?)
                    }
                    None => None,
                };
                let scope = match &old {
                    Some(o) => o.scope.clone(),
                    None => input.scope.clone().unwrap_or(CannedScope::Personal { user_id: caller.user.id.clone() }),
                };
                if let CannedScope::Team { team_id } = &scope {
                    s.team(team_id)?
                        .ok_or_else(|| DeskError::field("scope.team_id", format!("no team with id {team_id}")))?;
                }
                if !can_manage(&caller, &scope) {
                    // Others' personal responses are invisible: 404, not 403.
                    if let (Some(_), CannedScope::Personal { .. }) = (&old, &scope) {
                        return Err(DeskError::NotFound(format!(
                            "no canned response with id {}",
                            id.unwrap_or_default()
                        )));
                    }
                    return Err(DeskError::Forbidden(manage_rule(&scope).into()));
                }
                let mut canned = old.clone().unwrap_or(CannedResponse {
                    id: new_id,
                    scope: scope.clone(),
                    shortcut: String::new(),
                    title: String::new(),
                    body: String::new(),
                    created_at: now,
                    updated_at: now,
                });
                let mut fields = Vec::new();
                if let Some(code) =
                    input.shortcut.map(|c| c.trim_start_matches('/').to_lowercase()).filter(|c| *c != canned.shortcut)
                {
                    let clash = s
                        .canned_all()?
                        .into_iter()
                        .any(|o| o.id != canned.id && o.scope == scope && o.shortcut == code);
                    if clash {
                        return Err(DeskError::Conflict(format!("the shortcut /{code} is already used in this scope")));
                    }
                    canned.shortcut = code;
                    fields.push("shortcut");
                }
                if let Some(t) = input.title.map(|t| t.trim().to_string()).filter(|t| *t != canned.title) {
                    canned.title = t;
                    fields.push("title");
                }
                if let Some(b) = input.body.filter(|b| *b != canned.body) {
                    canned.body = b;
                    fields.push("body");
                }
                let mut c = Changes::new(now, actor);
                if old.is_none() || !fields.is_empty() {
                    canned.updated_at = now;
                    c.put_canned(&canned)?;
                    let action = if old.is_some() { ConfigAction::Updated } else { ConfigAction::Created };
                    config_event(&mut c, "canned_response", &canned.id, action, &fields);
                }
                Ok::<_, DeskError>((c, canned))
            })
            .await?;
        Ok(canned)
    }

    /// Deletes a label (admins only).
    pub async fn delete_label(&self, who: &Principal, id: &str) -> Result<(), DeskError> {
        who.require(Role::Admin, "manage labels")?;
        let (id, now, actor) = (id.to_string(), self.now(), who.actor());
        self.store
            .write(move |s| {
                s.label(&id)?.ok_or_else(|| DeskError::NotFound(format!("no label with id {id}")))?;
                let mut c = Changes::new(now, actor);
                // Conversations keep no reference to a deleted label.
                let (tagged, _) =
                    s.list_conversations(&[Partition::Label(id.clone())], Sort::Created, None, usize::MAX - 1, |_| {
                        true
                    })?;
                for old in tagged {
                    let mut conv = old.clone();
                    conv.labels.retain(|l| *l != id);
                    put_conversation(&mut c, &conv, Some(&old))?;
                }
                c.delete_label(&id);
                config_event(&mut c, "label", &id, ConfigAction::Deleted, &[]);
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }

    /// Deletes a canned response the caller may manage (others' personal ones are 404).
    pub async fn delete_canned(&self, who: &Principal, id: &str) -> Result<(), DeskError> {
        who.ready()?;
        let (id, now, actor, caller) = (id.to_string(), self.now(), who.actor(), who.clone());
        self.store
            .write(move |s| {
                let my_teams = s.teams_of_user(&caller.user.id)?;
                let found = s.canned(&id)?.filter(|x| can_use(&caller, &my_teams, &x.scope));
                let canned = found.ok_or_else(|| DeskError::NotFound(format!("no canned response with id {id}")))?;
                if !can_manage(&caller, &canned.scope) {
                    return Err(DeskError::Forbidden(manage_rule(&canned.scope).into()));
                }
                let mut c = Changes::new(now, actor);
                c.delete_canned(&id);
                config_event(&mut c, "canned_response", &id, ConfigAction::Deleted, &[]);
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }

    /// The workspace settings.
    pub fn get_settings(&self, who: &Principal) -> Result<Settings, DeskError> {
        who.ready()?;
        Ok(self.store.snapshot()?.settings()?)
    }

    /// Changes the settings (admins only); `change` edits a copy of the current ones.
    pub async fn update_settings(
        &self,
        who: &Principal,
        change: impl FnOnce(&mut Settings) + Send + 'static,
    ) -> Result<Settings, DeskError> {
        who.require(Role::Admin, "change the workspace settings")?;
        let (now, actor) = (self.now(), who.actor());
        let (settings, _) = self
            .store
            .write(move |s| {
                let old = s.settings()?;
                let mut new = old.clone();
                change(&mut new);
                check_settings(&new).map_err(DeskError::Invalid)?;
                let mut c = Changes::new(now, actor);
                if new != old {
                    put_settings(&mut c, &new)?;
                    config_event(&mut c, "settings", "settings", ConfigAction::Updated, &[]);
                }
                Ok::<_, DeskError>((c, new))
            })
            .await?;
        Ok(settings)
    }
}

fn can_use(who: &Principal, my_teams: &[String], scope: &CannedScope) -> bool {
    match scope {
        CannedScope::Global => true,
        CannedScope::Team { team_id } => my_teams.contains(team_id) || who.user.role >= Role::Supervisor,
        CannedScope::Personal { user_id } => *user_id == who.user.id,
    }
}

fn can_manage(who: &Principal, scope: &CannedScope) -> bool {
    match scope {
        CannedScope::Global => who.user.role == Role::Admin,
        CannedScope::Team { .. } => who.user.role >= Role::Supervisor,
        CannedScope::Personal { user_id } => *user_id == who.user.id,
    }
}

fn manage_rule(scope: &CannedScope) -> &'static str {
    match scope {
        CannedScope::Global => "only admins may manage global canned responses",
        CannedScope::Team { .. } => "only supervisors and admins may manage team canned responses",
        CannedScope::Personal { .. } => "personal canned responses belong to their owner",
    }
}
