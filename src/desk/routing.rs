//! Settling the desk (F9, F19–F22): one command that brings routing and timers up to date at
//! the current time. It turns silent agents `away` (presence), expires unanswered offers (the
//! agent goes `rona`), withdraws offers from agents who can no longer take them, closes idle
//! conversations, and offers queued conversations of automatic inboxes to eligible agents,
//! oldest waiting first (priority first).
//!
//! It runs after every change that can affect routing and on every scheduler tick. Everything
//! it reads is in redb (deadlines and idle times are keys of the store's routing table), so a restart in
//! the middle of an offer or before an auto-close fires it at the right time. It is decided
//! inside the writer like any command, so it cannot race with an accept or a take.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap};

use super::conversations::append_system;
use super::{Desk, DeskError};
use crate::domain::conversation::{Author, Conversation, Sort, Status};
use crate::domain::lifecycle::Entry;
use crate::domain::routing::{self, Candidate, Withdrawal};
use crate::domain::workspace::{AssignmentMode, Inbox, Team};
use crate::domain::{Actor, AgentStatus, EventKind, OfferOutcome, Timestamp, User, handover};
use crate::store::{
    Changes, ConversationReads, Partition, Reader, RecordChanges, RecordReads, RoutingReads, UserChanges, UserReads,
    WorkspaceReads, last_seen, put_conversation,
};

/// Most items of each kind handled by one settle; the next tick takes the rest.
const BATCH: usize = 500;

/// What one settle did (for logs and tests).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Agents turned away for lack of a sign of life.
    pub away: u32,
    /// Offers that expired (their agents went `rona`).
    pub expired: u32,
    /// Offers withdrawn from agents who can no longer take them.
    pub withdrawn: u32,
    /// Conversations closed automatically.
    pub closed: u32,
    /// Offers made.
    pub offered: u32,
}

impl Settled {
    /// Whether it did nothing.
    pub fn is_empty(&self) -> bool {
        *self == Settled::default()
    }
}

/// The state a settle works on: what it read, changed in memory, written once at the end.
struct Work<'r, R> {
    r: &'r R,
    now: Timestamp,
    ch: Changes,
    convs: BTreeMap<String, (Conversation, Conversation)>,
    users: BTreeMap<String, (User, User)>,
    extra_load: HashMap<String, u32>,
    done: Settled,
}

impl<R: Reader> Work<'_, R> {
    fn conv(&mut self, id: &str) -> Result<Option<&mut Conversation>, DeskError> {
        if !self.convs.contains_key(id) {
            let Some(c) = self.r.conversation(id)? else { return Ok(None) };
            self.convs.insert(id.to_string(), (c.clone(), c));
        }
        Ok(self.convs.get_mut(id).map(|(_, c)| c))
    }

    fn user(&mut self, id: &str) -> Result<Option<&mut User>, DeskError> {
        if !self.users.contains_key(id) {
            let Some(u) = self.r.user(id)? else { return Ok(None) };
            self.users.insert(id.to_string(), (u.clone(), u));
        }
        Ok(self.users.get_mut(id).map(|(_, u)| u))
    }

    fn name_of(&mut self, id: &str) -> Result<String, DeskError> {
        Ok(self.user(id)?.map_or_else(|| id.to_string(), |u| u.name.clone()))
    }

    fn set_status(&mut self, id: &str, to: AgentStatus, auto_away: bool) -> Result<(), DeskError> {
        let now = self.now;
        let Some(u) = self.user(id)? else { return Ok(()) };
        if u.status == to {
            return Ok(());
        }
        let from = u.status;
        u.status = to;
        u.status_since = Some(now);
        u.auto_away = auto_away;
        u.updated_at = now;
        self.ch.event(EventKind::AgentStatusChanged { user_id: id.to_string(), from, to });
        Ok(())
    }

    /// Appends system entries and the conversation's change event.
    fn record(&mut self, id: &str, entries: Vec<Entry>, action: &str) -> Result<(), DeskError> {
        let now = self.now;
        let Some((_, c)) = self.convs.get_mut(id) else { return Ok(()) };
        for e in entries {
            append_system(&mut self.ch, c, Author::System, e, now)?;
        }
        self.ch.event(EventKind::ConversationChanged {
            conversation_id: id.to_string(),
            action: action.into(),
            status: c.status,
        });
        Ok(())
    }

    fn presence(&mut self) -> Result<(), DeskError> {
        let timeout = self.r.settings()?.presence_timeout_secs;
        let until = self.now.plus_secs(-i64::from(timeout));
        for id in self.r.unseen_since(until, BATCH)? {
            let silent = self
                .user(&id)?
                .is_some_and(|u| u.active && u.status == AgentStatus::Available && last_seen(u) <= until);
            if silent {
                self.set_status(&id, AgentStatus::Away, true)?;
                self.done.away += 1;
            }
        }
        Ok(())
    }

    fn expire_offers(&mut self) -> Result<(), DeskError> {
        for id in self.r.offers_due(self.now, BATCH)? {
            let agent = match self.conv(&id)?.and_then(|c| c.offer.as_ref().map(|o| o.agent_id.clone())) {
                Some(a) => a,
                None => continue,
            };
            let name = self.name_of(&agent)?;
            let now = self.now;
            let Some((agent, entries)) = self.conv(&id)?.and_then(|c| routing::expire(c, &name, now)) else { continue };
            self.ch.event(EventKind::OfferEnded {
                conversation_id: id.clone(),
                agent_id: agent.clone(),
                outcome: OfferOutcome::Expired,
            });
            self.record(&id, entries, "rona")?;
            self.set_status(&agent, AgentStatus::Rona, false)?;
            self.done.expired += 1;
        }
        Ok(())
    }

    fn withdraw_offers(&mut self) -> Result<(), DeskError> {
        for (agent, id) in self.r.offers_held(BATCH * 4)? {
            let why = match self.user(&agent)? {
                Some(u) if u.active && u.status == AgentStatus::Available => continue,
                Some(u) if !u.active => Withdrawal::Deactivated,
                Some(u) => Withdrawal::Status(u.status),
                None => Withdrawal::Gone,
            };
            let name = self.name_of(&agent)?;
            let now = self.now;
            let held = self.conv(&id)?.is_some_and(|c| c.offer.as_ref().is_some_and(|o| o.agent_id == agent));
            if !held {
                continue;
            }
            let Some(entries) = self.conv(&id)?.and_then(|c| routing::withdraw(c, &name, why, now)) else { continue };
            self.ch.event(EventKind::OfferEnded {
                conversation_id: id.clone(),
                agent_id: agent,
                outcome: OfferOutcome::Withdrawn,
            });
            self.record(&id, entries, "offer_withdrawn")?;
            self.done.withdrawn += 1;
        }
        Ok(())
    }

    fn auto_close(&mut self, inboxes: &[Inbox]) -> Result<(), DeskError> {
        for inbox in inboxes.iter().filter(|i| i.auto_close_secs > 0) {
            let secs = inbox.auto_close_secs;
            let until = self.now.plus_secs(-i64::from(secs));
            for id in self.r.idle_due(&inbox.id, until, BATCH)? {
                let now = self.now;
                let Some(entries) = self.conv(&id)?.and_then(|c| handover::auto_close(c, secs, now)) else { continue };
                self.record(&id, entries, "auto_closed")?;
                self.done.closed += 1;
            }
        }
        Ok(())
    }

    /// The agents who may be offered conversations of `inbox` (or of `team` when given).
    fn candidates(&mut self, teams: &[Team], inbox: &Inbox, team: Option<&str>) -> Result<Vec<Candidate>, DeskError> {
        let mut members: Vec<String> = teams
            .iter()
            .filter(|t| match team {
                Some(id) => t.id == id,
                None => inbox.team_ids.contains(&t.id),
            })
            .flat_map(|t| t.members.iter().cloned())
            .collect();
        members.sort();
        members.dedup();
        let mut out = Vec::with_capacity(members.len());
        for id in members {
            let Some(u) = self.user(&id)?.cloned() else { continue };
            if !u.active || u.status != AgentStatus::Available {
                continue;
            }
            let load = self.r.load_of(&id, u.capacity as usize + 1)? + self.extra_load.get(&id).copied().unwrap_or(0);
            out.push(Candidate { id, name: u.name, status: u.status, load, capacity: u.capacity });
        }
        Ok(out)
    }

    /// The queued conversations of an inbox, priority first, then longest waiting.
    fn queue(&mut self, inbox_id: &str) -> Result<Vec<String>, DeskError> {
        let mut ids: Vec<String> =
            self.r.partition_ids(&Partition::InboxQueue(inbox_id.to_string()), Sort::Waiting, BATCH)?;
        ids.extend(
            self.convs
                .values()
                .filter(|(_, c)| c.inbox_id == inbox_id && c.status == Status::Queued)
                .map(|(_, c)| c.id.clone()),
        );
        let mut queued = Vec::new();
        for id in ids {
            if let Some(c) = self.conv(&id)?.filter(|c| c.status == Status::Queued) {
                queued.push((Reverse(c.priority), c.waiting_since.unwrap_or(c.status_since), c.number, c.id.clone()));
            }
        }
        queued.sort();
        queued.dedup();
        Ok(queued.into_iter().map(|q| q.3).collect())
    }

    fn route(&mut self, inboxes: &[Inbox], teams: &[Team]) -> Result<(), DeskError> {
        for inbox in inboxes.iter().filter(|i| i.assignment != AssignmentMode::Manual) {
            let mut pools: HashMap<Option<String>, Vec<Candidate>> = HashMap::new();
            let queue = self.queue(&inbox.id)?;
            if queue.is_empty() {
                continue;
            }
            let mut cursor = self.r.round_robin_cursor(&inbox.id)?;
            let offered_before = self.done.offered;
            for id in queue {
                let Some(c) = self.conv(&id)?.cloned() else { continue };
                if !pools.contains_key(&c.team_id) {
                    let pool = self.candidates(teams, inbox, c.team_id.as_deref())?;
                    pools.insert(c.team_id.clone(), pool);
                }
                let pool = pools.get(&c.team_id).map(Vec::as_slice).unwrap_or_default();
                let (el, new_round) = routing::eligible(&c, pool, self.now, inbox.offer_timeout_secs);
                let Some(agent) = routing::choose(inbox.assignment, &el, cursor.as_deref()).cloned() else { continue };
                let (now, deadline) = (self.now, self.now.plus_secs(i64::from(inbox.offer_timeout_secs)));
                let Some(conv) = self.conv(&id)? else { continue };
                let entries = routing::offer(conv, &agent, deadline, now, new_round);
                self.ch.event(EventKind::OfferMade {
                    conversation_id: id.clone(),
                    agent_id: agent.id.clone(),
                    deadline,
                    transfer: false,
                });
                self.record(&id, entries, "offered")?;
                *self.extra_load.entry(agent.id.clone()).or_default() += 1;
                for pool in pools.values_mut() {
                    pool.iter_mut().filter(|p| p.id == agent.id).for_each(|p| p.load += 1);
                }
                cursor = Some(agent.id);
                self.done.offered += 1;
            }
            if let Some(cur) = cursor.filter(|_| self.done.offered > offered_before) {
                self.ch.put_round_robin_cursor(&inbox.id, &cur)?;
            }
        }
        Ok(())
    }

    /// Whether any team member could take an offer now (if not, routing has nothing to do).
    fn anyone_free(&mut self, teams: &[Team]) -> Result<bool, DeskError> {
        let mut members: Vec<&String> = teams.iter().flat_map(|t| t.members.iter()).collect();
        members.sort();
        members.dedup();
        for id in members {
            let Some(u) = self.user(id)?.cloned() else { continue };
            if u.active && u.status == AgentStatus::Available {
                let load = self.r.load_of(id, u.capacity as usize + 1)? + self.extra_load.get(id).copied().unwrap_or(0);
                if load < u.capacity {
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    fn finish(mut self) -> Result<(Changes, Settled), DeskError> {
        for (old, new) in self.convs.values() {
            if old != new {
                put_conversation(&mut self.ch, new, Some(old))?;
            }
        }
        for (old, new) in self.users.values() {
            if old != new {
                self.ch.put_user(new, Some(old))?;
            }
        }
        Ok((self.ch, self.done))
    }
}

/// Decides one settle against `r` at `now`.
fn decide(r: &impl Reader, now: Timestamp) -> Result<(Changes, Settled), DeskError> {
    let mut w = Work {
        r,
        now,
        ch: Changes::new(now, Actor::System),
        convs: BTreeMap::new(),
        users: BTreeMap::new(),
        extra_load: HashMap::new(),
        done: Settled::default(),
    };
    let inboxes = r.inboxes()?;
    let teams = r.teams()?;
    w.presence()?;
    w.expire_offers()?;
    w.withdraw_offers()?;
    w.auto_close(&inboxes)?;
    let waiting = |w: &Work<'_, _>, i: &Inbox| {
        w.convs.values().any(|(_, c)| c.inbox_id == i.id && c.status == Status::Queued)
            || r.partition_count(&Partition::InboxQueue(i.id.clone()), 1).is_ok_and(|n| n > 0)
    };
    // Cheapest checks first: a queue to serve, then someone free to serve it.
    if inboxes.iter().any(|i| i.assignment != AssignmentMode::Manual && waiting(&w, i)) && w.anyone_free(&teams)? {
        w.route(&inboxes, &teams)?;
    }
    w.finish()
}

impl Desk {
    /// Brings routing and timers up to date at the clock's current time (see the module
    /// documentation). Cheap when nothing is due: it decides on a read snapshot first and
    /// writes only when there is something to do.
    pub async fn settle(&self) -> Result<Settled, DeskError> {
        let now = self.now();
        let dry = {
            let snap = self.store.snapshot()?;
            decide(&snap, now)?.1
        };
        if dry.is_empty() {
            return Ok(dry);
        }
        let (done, _) = self.store.write(move |s| decide(s, now)).await?;
        tracing::debug!(?done, "settled routing and timers");
        Ok(done)
    }

    /// Settles after a change, logging (not failing) when storage refuses: the change itself
    /// is committed, and the scheduler's next tick settles again.
    pub(super) async fn resettle(&self) {
        if let Err(e) = self.settle().await {
            tracing::warn!(error = %e, "could not settle routing after a change; the scheduler will retry");
        }
    }

    /// When the scheduler should settle next at the latest: the soonest offer deadline.
    pub fn next_deadline(&self) -> Option<Timestamp> {
        self.store.snapshot().ok().and_then(|s| s.next_offer_deadline().ok().flatten())
    }
}
