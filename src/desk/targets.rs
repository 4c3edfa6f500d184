//! Who a conversation can be handed to (F23): the agents serving its inbox, with their
//! status, load and capacity, and the inbox's teams. Agents may not list users; this tells
//! them exactly what a transfer or an invitation needs, for a conversation they can see.

use super::conversations::{viewer, visible};
use super::{Desk, DeskError, Principal};
use crate::domain::AgentStatus;
use crate::store::{RoutingReads, UserReads, WorkspaceReads};

/// An agent a conversation can go to.
#[derive(Clone, Debug)]
pub struct TargetAgent {
    /// User id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Availability.
    pub status: AgentStatus,
    /// Active conversations (assigned and not closed, plus offers held).
    pub active: u32,
    /// Most active conversations they take.
    pub capacity: u32,
}

/// A team a conversation can be queued for.
#[derive(Clone, Debug)]
pub struct TargetTeam {
    /// Team id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// The agents and teams of a conversation's inbox.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    /// Agents serving the inbox, the caller left out, available ones first, then by name.
    pub agents: Vec<TargetAgent>,
    /// The inbox's teams, by name.
    pub teams: Vec<TargetTeam>,
}

impl Desk {
    /// Who the conversation `id` can be transferred to or shared with.
    pub fn transfer_targets(&self, who: &Principal, id: &str) -> Result<Targets, DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let v = viewer(&snap, who)?;
        let c = visible(&snap, &v, id)?;
        let Some(inbox) = snap.inbox(&c.inbox_id)? else { return Ok(Targets::default()) };
        let teams: Vec<_> = snap.teams()?.into_iter().filter(|t| inbox.team_ids.contains(&t.id)).collect();
        let mut members: Vec<&String> = teams.iter().flat_map(|t| &t.members).collect();
        members.sort();
        members.dedup();
        let mut agents = Vec::new();
        for id in members.into_iter().filter(|m| **m != who.user.id) {
            let Some(u) = snap.user(id)?.filter(|u| u.active) else { continue };
            let active = snap.load_of(&u.id, 10_000)?;
            agents.push(TargetAgent { id: u.id, name: u.name, status: u.status, active, capacity: u.capacity });
        }
        agents.sort_by(|a, b| {
            (a.status != AgentStatus::Available).cmp(&(b.status != AgentStatus::Available)).then(a.name.cmp(&b.name))
        });
        let mut teams: Vec<TargetTeam> = teams.into_iter().map(|t| TargetTeam { id: t.id, name: t.name }).collect();
        teams.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Targets { agents, teams })
    }
}
