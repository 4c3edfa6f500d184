//! What `/metrics` reports beside the request counts: the work waiting in each inbox's queue,
//! agents by status, offers waiting for an answer, how far the search index trails the event
//! log, and what the writer has done (batches, commands, commit time).

use super::{Desk, DeskError};
use crate::domain::AgentStatus;
use crate::domain::conversation::{Sort, Status};
use crate::store::{ConversationReads, Partition, UserReads, WorkspaceReads};

/// Most conversations counted per queue (far beyond any desk's waiting work).
const QUEUE_MAX: usize = 1_000_000;

/// The desk's operational gauges, read from one snapshot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gauges {
    /// Per inbox: its id, its name and the conversations waiting in its queue.
    pub queued: Vec<(String, String, u64)>,
    /// Active users by status: `available`, `away`, `rona`, `offline`.
    pub agents: [(&'static str, u64); 4],
    /// Offers waiting for the agent's answer.
    pub offers_pending: u64,
    /// Events committed that the search index has not taken in yet (0 before it opens).
    pub index_lag_events: u64,
    /// Write batches committed since start.
    pub writer_batches: u64,
    /// Commands in those batches.
    pub writer_commands: u64,
    /// Seconds their commits took.
    pub writer_commit_secs: f64,
}

impl Desk {
    /// Reads the gauges (for `/metrics`, which has its own access rule).
    pub fn gauges(&self) -> Result<Gauges, DeskError> {
        let snap = self.store.snapshot()?;
        let mut g =
            Gauges { agents: [("available", 0), ("away", 0), ("rona", 0), ("offline", 0)], ..Gauges::default() };
        for inbox in snap.inboxes()? {
            let part = [Partition::InboxQueue(inbox.id.clone())];
            let (convs, _) =
                snap.list_conversations(&part, Sort::Waiting, None, QUEUE_MAX, |c| c.status == Status::Queued)?;
            g.queued.push((inbox.id, inbox.name, convs.len() as u64));
        }
        for u in snap.users_page(None, usize::MAX)?.into_iter().filter(|u| u.active) {
            let i = match u.status {
                AgentStatus::Available => 0,
                AgentStatus::Away => 1,
                AgentStatus::Rona => 2,
                AgentStatus::Offline => 3,
            };
            g.agents[i].1 += 1;
            let part = [Partition::OfferedTo(u.id.clone())];
            let (offers, _) =
                snap.list_conversations(&part, Sort::Waiting, None, QUEUE_MAX, |c| c.status == Status::Offered)?;
            g.offers_pending += offers.len() as u64;
        }
        let last = *self.store.watch_seq().borrow();
        if let Some(Ok(index)) = self.search.get() {
            g.index_lag_events = last.saturating_sub(index.indexed_seq());
        }
        let w = self.store.writer_stats();
        use std::sync::atomic::Ordering::Relaxed;
        g.writer_batches = w.batches.load(Relaxed);
        g.writer_commands = w.commands.load(Relaxed);
        g.writer_commit_secs = w.commit_micros.load(Relaxed) as f64 / 1e6;
        Ok(g)
    }
}
