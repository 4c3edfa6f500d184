//! Typed access to the workspace configuration: teams, inboxes, labels, canned responses,
//! wrap-up reasons and settings. These tables are small (tens to hundreds of rows), so lists
//! read them whole.

use super::StoreError;
use super::changes::Changes;
use super::reader::Reader;
use super::tables::{META_SETTINGS, Tbl};
use crate::domain::workspace::{CannedResponse, Inbox, Label, Settings, Team, WrapUpReason};

/// Lookups of configuration, for any [`Reader`].
pub trait WorkspaceReads: Reader + Sized {
    /// One team.
    fn team(&self, id: &str) -> Result<Option<Team>, StoreError> {
        self.get_json(Tbl::Teams, id)
    }
    /// Every team, in creation order.
    fn teams(&self) -> Result<Vec<Team>, StoreError> {
        self.all_json(Tbl::Teams)
    }
    /// One inbox.
    fn inbox(&self, id: &str) -> Result<Option<Inbox>, StoreError> {
        self.get_json(Tbl::Inboxes, id)
    }
    /// Every inbox, in creation order.
    fn inboxes(&self) -> Result<Vec<Inbox>, StoreError> {
        self.all_json(Tbl::Inboxes)
    }
    /// One label.
    fn label(&self, id: &str) -> Result<Option<Label>, StoreError> {
        self.get_json(Tbl::Labels, id)
    }
    /// Every label, in creation order.
    fn labels(&self) -> Result<Vec<Label>, StoreError> {
        self.all_json(Tbl::Labels)
    }
    /// One canned response.
    fn canned(&self, id: &str) -> Result<Option<CannedResponse>, StoreError> {
        self.get_json(Tbl::Canned, id)
    }
    /// Every canned response, in creation order.
    fn canned_all(&self) -> Result<Vec<CannedResponse>, StoreError> {
        self.all_json(Tbl::Canned)
    }
    /// One wrap-up reason.
    fn wrap_up(&self, id: &str) -> Result<Option<WrapUpReason>, StoreError> {
        self.get_json(Tbl::WrapUps, id)
    }
    /// Every wrap-up reason, archived ones included, in creation order.
    fn wrap_ups(&self) -> Result<Vec<WrapUpReason>, StoreError> {
        self.all_json(Tbl::WrapUps)
    }
    /// The workspace settings (defaults until an admin changes them).
    fn settings(&self) -> Result<Settings, StoreError> {
        Ok(self.get_json(Tbl::Meta, META_SETTINGS)?.unwrap_or_default())
    }
    /// Ids of the inboxes served by any of `team_ids`.
    fn inboxes_of_teams(&self, team_ids: &[String]) -> Result<Vec<String>, StoreError> {
        Ok(self
            .inboxes()?
            .into_iter()
            .filter(|i| i.team_ids.iter().any(|t| team_ids.contains(t)))
            .map(|i| i.id)
            .collect())
    }
    /// Ids of the teams `user_id` belongs to.
    fn teams_of_user(&self, user_id: &str) -> Result<Vec<String>, StoreError> {
        Ok(self.teams()?.into_iter().filter(|t| t.members.iter().any(|m| m == user_id)).map(|t| t.id).collect())
    }
}

impl<R: Reader> WorkspaceReads for R {}

/// Stores the settings.
pub fn put_settings(c: &mut Changes, settings: &Settings) -> Result<(), StoreError> {
    c.put_json(Tbl::Meta, META_SETTINGS, settings)
}
