//! Webhook deliveries (F35, F34's outbound half): one task tails the event log from a position
//! kept in redb and turns the events subscriptions want into deliveries in an outbox (redb);
//! one lane per active subscription sends them: signed JSON POSTs with timeouts, retried with
//! exponential backoff, in order per conversation, across restarts. Nothing here sits on the
//! write path, and each subscription has its own lane: a slow or dead receiver only delays its
//! own deliveries.

mod payload;
mod send;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio::task::{AbortHandle, JoinSet};

use crate::desk::Desk;
use crate::domain::webhook::Delivery;
use crate::store::{Reader, WebhookReads};

pub use payload::event_type;
pub use send::{Sender, install_tls};

/// Most events read per pass.
const READ_CHUNK: usize = 500;
/// Most deliveries in flight per subscription.
const IN_FLIGHT: usize = 64;
/// Waiting deliveries looked at per subscription and pass (their small queue rows only).
const SCAN: usize = 5000;
/// How often the worker looks for due retries when nothing wakes it.
const TICK: Duration = Duration::from_millis(200);

/// Starts the worker; it ends when the desk's streams close (shutdown). Aborting it aborts
/// its lanes too (they live in its `JoinSet`).
pub fn spawn(desk: Desk) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let sender = match Sender::new() {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "webhooks cannot send: the HTTP client did not start");
                return;
            }
        };
        let mut seq = desk.store().watch_seq();
        let wake = desk.webhook_waker();
        let mut closing = desk.closing();
        let mut position = None;
        let queued = Arc::new(Notify::new());
        let mut lanes: JoinSet<()> = JoinSet::new();
        let mut running: HashMap<String, AbortHandle> = HashMap::new();
        loop {
            let more = enqueue(&desk, &mut position).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "webhooks could not read the event log; retrying");
                false
            });
            queued.notify_waiters();
            if let Some(p) = position {
                desk.note_webhook_read(p);
            }
            // One lane per active subscription; a lane ends when its subscription is turned
            // off or deleted, and starts again when it is back.
            while lanes.try_join_next().is_some() {}
            running.retain(|_, h| !h.is_finished());
            if let Ok(hooks) = desk.store().snapshot().and_then(|s| s.webhooks()) {
                for h in hooks.into_iter().filter(|h| h.active) {
                    if let std::collections::hash_map::Entry::Vacant(slot) = running.entry(h.id.clone()) {
                        slot.insert(lanes.spawn(lane(desk.clone(), sender.clone(), h.id, queued.clone())));
                    }
                }
            }
            if more {
                continue;
            }
            tokio::select! {
                _ = seq.changed() => {}
                () = wake.notified() => {}
                () = tokio::time::sleep(TICK) => {}
                _ = closing.wait_for(|c| *c) => return,
            }
        }
    })
}

/// Sends one subscription's deliveries as they fall due, until it is turned off or deleted.
async fn lane(desk: Desk, sender: Sender, id: String, queued: Arc<Notify>) {
    loop {
        let waiting = queued.notified();
        tokio::pin!(waiting);
        waiting.as_mut().enable();
        let sent = match send_due(&desk, &sender, &id).await {
            Ok(Some(n)) => n,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(webhook = %id, error = %e, "webhook deliveries could not be recorded; retrying");
                0
            }
        };
        if sent == 0 {
            tokio::select! {
                () = &mut waiting => {}
                () = tokio::time::sleep(TICK) => {}
            }
        }
    }
}

/// Turns the next events into deliveries; `true` when there may be more to read now.
async fn enqueue(desk: &Desk, position: &mut Option<u64>) -> Result<bool, crate::desk::DeskError> {
    let snap = desk.store().snapshot()?;
    let hooks = snap.webhooks()?;
    let last = snap.last_seq()?;
    let pos = match *position {
        Some(p) => p,
        None => snap.webhook_position()?.unwrap_or_else(|| hooks.iter().map(|h| h.from_seq).min().unwrap_or(last)),
    };
    if pos >= last || hooks.is_empty() {
        // Nothing to read, or nobody to read for: new subscriptions start from their creation.
        *position = Some(pos.max(if hooks.is_empty() { last } else { pos }));
        return Ok(false);
    }
    let events = snap.events_after(pos, READ_CHUNK)?;
    let reached = events.last().map_or(pos, |e| e.seq);
    let mut out: Vec<Delivery> = Vec::new();
    for e in &events {
        out.extend(payload::deliveries(&snap, e, &hooks)?);
    }
    drop(snap);
    // The position is kept with the deliveries it produced, so a crash never loses or doubles one.
    if !out.is_empty() || reached - snap_position(desk)? >= 5000 {
        desk.enqueue_deliveries(out, reached).await?;
    }
    *position = Some(reached);
    Ok(reached < last)
}

fn snap_position(desk: &Desk) -> Result<u64, crate::desk::DeskError> {
    Ok(desk.store().snapshot()?.webhook_position()?.unwrap_or(0))
}

/// Sends the subscription's due deliveries that are first in line for their conversation, up
/// to [`IN_FLIGHT`] at once, and records the outcomes in one write; how many went, or `None`
/// when the subscription is off or gone.
async fn send_due(desk: &Desk, sender: &Sender, id: &str) -> Result<Option<usize>, crate::desk::DeskError> {
    let now = desk.now();
    let snap = desk.store().snapshot()?;
    let Some(hook) = snap.webhook(id)?.filter(|h| h.active) else { return Ok(None) };
    let due = snap.due_deliveries(id, SCAN, now.millis(), IN_FLIGHT)?;
    drop(snap);
    if due.is_empty() {
        return Ok(Some(0));
    }
    let n = due.len();
    let attempts = futures_util::future::join_all(due.into_iter().map(|d| {
        let hook = &hook;
        async move {
            let a = sender.send(hook, &d, desk.now()).await;
            if let Some(e) = &a.error {
                tracing::info!(webhook = %hook.id, delivery = %d.id, attempts = d.attempts + 1, error = %e, "webhook delivery failed; it will be retried");
            }
            (d, a)
        }
    }))
    .await;
    desk.record_attempts(attempts, desk.now()).await?;
    Ok(Some(n))
}
