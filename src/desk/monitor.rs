//! The supervisor monitor (F26–F28): live conversations and agents with their times, searched
//! by name, email or phone and filtered by status, agent, team and channel. Supervisors and
//! admins only; their actions (transfer, close with a justification) are the ordinary
//! conversation endpoints.

use std::collections::BTreeMap;

use super::{Desk, DeskError, Principal};
use crate::domain::contact::Contact;
use crate::domain::conversation::{Conversation, Sort, Status};
use crate::domain::metrics::{ConversationMetrics, secs_between};
use crate::domain::monitor::Needle;
use crate::domain::workspace::{Channel, Inbox, Team};
use crate::domain::{AgentStatus, Role, Timestamp, User};
use crate::store::{ContactReads, ConversationReads, Partition, RoutingReads, StoreError, UserReads, WorkspaceReads};

/// Filters shared by both tabs.
#[derive(Clone, Debug, Default)]
pub struct MonitorFilter {
    /// Search text: customer or agent name, email or phone (conversations); agent name or
    /// email (agents).
    pub q: Option<String>,
    /// This agent: handling or offered the conversation (conversations); this user (agents).
    pub agent_id: Option<String>,
    /// This team: queued for it or in an inbox it serves (conversations); its members (agents).
    pub team_id: Option<String>,
    /// Inboxes of this channel (conversations); serving one (agents).
    pub channel: Option<Channel>,
    /// After this position (from the previous page).
    pub cursor: Option<String>,
    /// Page size.
    pub limit: usize,
}

/// An id with its display name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
}

/// A row of the conversations tab.
#[derive(Clone, Debug)]
pub struct MonitorConversation {
    /// The conversation.
    pub conversation: Conversation,
    /// Its customer.
    pub contact: Option<Contact>,
    /// Its inbox.
    pub inbox: Option<Named>,
    /// The inbox's channel.
    pub channel: Option<Channel>,
    /// The agent handling it.
    pub agent: Option<Named>,
    /// The agent it is offered to, waiting for the answer.
    pub offered_to: Option<Named>,
    /// The team it is queued for, else the teams serving its inbox.
    pub teams: Vec<Named>,
    /// Its metrics now.
    pub metrics: ConversationMetrics,
}

/// A row of the agents tab.
#[derive(Clone, Debug)]
pub struct MonitorAgent {
    /// The user.
    pub user: User,
    /// Seconds in the current status.
    pub time_in_status_secs: i64,
    /// Active conversations: assigned and not closed, plus offers held.
    pub active: u32,
    /// The teams they belong to.
    pub teams: Vec<Named>,
}

/// Most conversations the summary counts (far beyond any desk's open work).
const SUMMARY_MAX: usize = 1_000_000;

/// The monitor's counts at a glance: conversations by status and agents by status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MonitorSummary {
    /// Waiting in a queue for an agent.
    pub queued: u32,
    /// Offered to an agent, waiting for the answer.
    pub offered: u32,
    /// In progress with an agent.
    pub open: u32,
    /// Waiting for the customer.
    pub pending: u32,
    /// Since when the longest-waiting conversation (queued, offered or open with an
    /// unanswered customer) has waited.
    pub longest_waiting_since: Option<Timestamp>,
    /// Active users by status.
    pub available: u32,
    /// Away.
    pub away: u32,
    /// Missed an offer (RONA).
    pub rona: u32,
    /// Offline.
    pub offline: u32,
}

/// What the tabs look names up in: the small configuration tables and the users.
struct Directory {
    users: BTreeMap<String, User>,
    inboxes: Vec<Inbox>,
    teams: Vec<Team>,
}

impl Directory {
    fn load(s: &impl UserReads) -> Result<Directory, StoreError> {
        let mut users = BTreeMap::new();
        let mut after: Option<String> = None;
        loop {
            let page = s.users_page(after.as_deref(), 500)?;
            let full = page.len() == 500;
            after = page.last().map(|u| u.id.clone());
            users.extend(page.into_iter().map(|u| (u.id.clone(), u)));
            if !full {
                break;
            }
        }
        Ok(Directory { users, inboxes: s.inboxes()?, teams: s.teams()? })
    }

    fn user(&self, id: &str) -> Named {
        Named { id: id.to_string(), name: self.users.get(id).map_or_else(|| id.to_string(), |u| u.name.clone()) }
    }

    fn inbox(&self, id: &str) -> Option<&Inbox> {
        self.inboxes.iter().find(|i| i.id == id)
    }

    fn team(&self, id: &str) -> Named {
        Named {
            id: id.to_string(),
            name: self.teams.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone()),
        }
    }

    /// Whether `team` serves `c`: it is queued for the team or in an inbox the team serves.
    fn team_serves(&self, team: &str, c: &Conversation) -> bool {
        c.team_id.as_deref() == Some(team)
            || self.inbox(&c.inbox_id).is_some_and(|i| i.team_ids.iter().any(|t| t == team))
    }

    fn teams_of(&self, c: &Conversation) -> Vec<Named> {
        match &c.team_id {
            Some(t) => vec![self.team(t)],
            None => {
                self.inbox(&c.inbox_id).map(|i| i.team_ids.iter().map(|t| self.team(t)).collect()).unwrap_or_default()
            }
        }
    }

    fn person_matches(&self, needle: &Needle, user_id: Option<&str>) -> bool {
        user_id.and_then(|id| self.users.get(id)).is_some_and(|u| needle.matches_person(&u.name, Some(&u.email), None))
    }
}

fn needle(f: &MonitorFilter) -> Result<Option<Needle>, DeskError> {
    Needle::new(f.q.as_deref().unwrap_or_default()).map_err(|e| DeskError::Invalid(vec![e]))
}

impl Desk {
    /// The conversations tab: not-closed conversations unless `statuses` asks for others,
    /// longest waiting first, then the most recently updated.
    pub fn monitor_conversations(
        &self,
        who: &Principal,
        statuses: &[Status],
        f: &MonitorFilter,
    ) -> Result<(Vec<MonitorConversation>, Option<String>), DeskError> {
        who.require(Role::Supervisor, "watch the monitor")?;
        let needle = needle(f)?;
        let statuses: Vec<Status> = if statuses.is_empty() {
            vec![Status::Queued, Status::Offered, Status::Open, Status::Pending]
        } else {
            statuses.to_vec()
        };
        let snap = self.store.snapshot()?;
        let dir = Directory::load(&snap)?;
        // Not-closed conversations are exactly those queued in an inbox, offered to someone or
        // assigned to someone: read those partitions instead of the whole history.
        let partitions: Vec<Partition> = match (&f.agent_id, statuses.contains(&Status::Closed)) {
            (_, true) => vec![Partition::All],
            (Some(a), false) => vec![Partition::AssignedTo(a.clone()), Partition::OfferedTo(a.clone())],
            (None, false) => {
                let mut p: Vec<Partition> = dir.inboxes.iter().map(|i| Partition::InboxQueue(i.id.clone())).collect();
                p.extend(
                    dir.users.keys().flat_map(|u| [Partition::AssignedTo(u.clone()), Partition::OfferedTo(u.clone())]),
                );
                p
            }
        };
        let mut failure: Option<StoreError> = None;
        let keep = |c: &Conversation| {
            let offered = c.offer.as_ref().map(|o| o.agent_id.as_str());
            let passes = statuses.contains(&c.status)
                && f.agent_id.as_deref().is_none_or(|a| c.assignee.as_deref() == Some(a) || offered == Some(a))
                && f.team_id.as_deref().is_none_or(|t| dir.team_serves(t, c))
                && f.channel.is_none_or(|ch| dir.inbox(&c.inbox_id).map(|i| i.channel) == Some(ch));
            let Some(n) = needle.as_ref().filter(|_| passes) else { return passes };
            if dir.person_matches(n, c.assignee.as_deref()) || dir.person_matches(n, offered) {
                return true;
            }
            match snap.contact(&c.contact_id) {
                Ok(k) => k.is_some_and(|k| n.matches_person(&k.name, k.email.as_deref(), k.phone.as_deref())),
                Err(e) => {
                    failure.get_or_insert(e);
                    false
                }
            }
        };
        let (convs, next) = snap.list_conversations(&partitions, Sort::Waiting, f.cursor.as_deref(), f.limit, keep)?;
        if let Some(e) = failure {
            return Err(e.into());
        }
        let now = self.now();
        let rows = convs
            .into_iter()
            .map(|c| {
                let inbox = dir.inbox(&c.inbox_id);
                Ok(MonitorConversation {
                    contact: snap.contact(&c.contact_id)?,
                    inbox: inbox.map(|i| Named { id: i.id.clone(), name: i.name.clone() }),
                    channel: inbox.map(|i| i.channel),
                    agent: c.assignee.as_deref().map(|a| dir.user(a)),
                    offered_to: c.offer.as_ref().map(|o| dir.user(&o.agent_id)),
                    teams: dir.teams_of(&c),
                    metrics: ConversationMetrics::of(&c, now),
                    conversation: c,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok((rows, next))
    }

    /// The counts at the top of the monitor: every conversation not closed, by status, the
    /// longest wait among them, and active users by status.
    pub fn monitor_summary(&self, who: &Principal) -> Result<MonitorSummary, DeskError> {
        who.require(Role::Supervisor, "watch the monitor")?;
        let snap = self.store.snapshot()?;
        let dir = Directory::load(&snap)?;
        let mut p: Vec<Partition> = dir.inboxes.iter().map(|i| Partition::InboxQueue(i.id.clone())).collect();
        p.extend(dir.users.keys().flat_map(|u| [Partition::AssignedTo(u.clone()), Partition::OfferedTo(u.clone())]));
        let mut sum = MonitorSummary::default();
        let (convs, _) =
            snap.list_conversations(&p, Sort::Waiting, None, SUMMARY_MAX, |c| c.status != Status::Closed)?;
        for c in &convs {
            match c.status {
                Status::Queued => sum.queued += 1,
                Status::Offered => sum.offered += 1,
                Status::Open => sum.open += 1,
                Status::Pending => sum.pending += 1,
                Status::Closed => {}
            }
            if let Some(w) = c.waiting_since {
                sum.longest_waiting_since = Some(sum.longest_waiting_since.map_or(w, |l| l.min(w)));
            }
        }
        for u in dir.users.values().filter(|u| u.active) {
            match u.status {
                AgentStatus::Available => sum.available += 1,
                AgentStatus::Away => sum.away += 1,
                AgentStatus::Rona => sum.rona += 1,
                AgentStatus::Offline => sum.offline += 1,
            }
        }
        Ok(sum)
    }

    /// The agents tab: active users in creation order, with their status time, load and teams.
    pub fn monitor_agents(
        &self,
        who: &Principal,
        statuses: &[AgentStatus],
        f: &MonitorFilter,
    ) -> Result<(Vec<MonitorAgent>, Option<String>), DeskError> {
        who.require(Role::Supervisor, "watch the monitor")?;
        let needle = needle(f)?;
        let snap = self.store.snapshot()?;
        let dir = Directory::load(&snap)?;
        let channel_teams: Option<Vec<&String>> =
            f.channel.map(|ch| dir.inboxes.iter().filter(|i| i.channel == ch).flat_map(|i| &i.team_ids).collect());
        let teams_of = |u: &User| dir.teams.iter().filter(|t| t.members.contains(&u.id)).collect::<Vec<_>>();
        let now = self.now();
        let mut rows = Vec::new();
        let mut more = false;
        let after = f.cursor.as_deref();
        for u in dir.users.values().filter(|u| after.is_none_or(|a| u.id.as_str() > a)) {
            let teams = teams_of(u);
            let keep = u.active
                && (statuses.is_empty() || statuses.contains(&u.status))
                && f.agent_id.as_deref().is_none_or(|a| a == u.id)
                && f.team_id.as_deref().is_none_or(|t| teams.iter().any(|x| x.id == t))
                && channel_teams.as_ref().is_none_or(|ct| teams.iter().any(|x| ct.contains(&&x.id)))
                && needle.as_ref().is_none_or(|n| n.matches_person(&u.name, Some(&u.email), None));
            if !keep {
                continue;
            }
            if rows.len() == f.limit {
                more = true;
                break;
            }
            rows.push(MonitorAgent {
                time_in_status_secs: secs_between(u.status_since(), now),
                active: snap.load_of(&u.id, 10_000)?,
                teams: teams.iter().map(|t| Named { id: t.id.clone(), name: t.name.clone() }).collect(),
                user: u.clone(),
            });
        }
        let next = if more { rows.last().map(|r| r.user.id.clone()) } else { None };
        Ok((rows, next))
    }
}
