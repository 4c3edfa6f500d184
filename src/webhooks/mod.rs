//! Webhook deliveries (F35, F34's outbound half): one task tails the event log from a position
//! kept in redb, turns the events subscriptions want into deliveries in an outbox (redb), and
//! sends them: signed JSON POSTs with timeouts, retried with exponential backoff, in order per
//! conversation, across restarts. It never sits on the write path: a slow or dead receiver
//! only delays its own deliveries.

mod payload;
mod send;

use std::time::Duration;

use crate::desk::Desk;
use crate::domain::webhook::Delivery;
use crate::store::{Reader, WebhookReads};

pub use payload::event_type;
pub use send::Sender;

/// Most events read per pass.
const READ_CHUNK: usize = 500;
/// Most deliveries in flight per subscription.
const IN_FLIGHT: usize = 64;
/// Waiting deliveries looked at per subscription and pass (their small queue rows only).
const SCAN: usize = 5000;
/// How often the worker looks for due retries when nothing wakes it.
const TICK: Duration = Duration::from_millis(200);

/// Starts the worker; it ends when the desk's streams close (shutdown).
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
        loop {
            // Reading the log and sending take turns, so a burst of events never holds back
            // the deliveries already waiting.
            let more = enqueue(&desk, &mut position).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "webhooks could not read the event log; retrying");
                false
            });
            let sent = send_due(&desk, &sender).await.unwrap_or_else(|e| {
                tracing::warn!(error = %e, "webhook deliveries could not be recorded; retrying");
                0
            });
            if more || sent >= IN_FLIGHT {
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

/// Sends every due delivery that is first in line for its conversation, up to [`IN_FLIGHT`]
/// per active subscription, and records the outcomes in one write; returns how many went.
async fn send_due(desk: &Desk, sender: &Sender) -> Result<usize, crate::desk::DeskError> {
    let now = desk.now();
    let snap = desk.store().snapshot()?;
    let mut batch = Vec::new();
    for hook in snap.webhooks()?.into_iter().filter(|h| h.active) {
        for d in snap.due_deliveries(&hook.id, SCAN, now.millis(), IN_FLIGHT)? {
            batch.push((hook.clone(), d));
        }
    }
    drop(snap);
    let n = batch.len();
    if batch.is_empty() {
        return Ok(0);
    }
    let attempts = futures_util::future::join_all(batch.into_iter().map(|(hook, d)| async move {
        let a = sender.send(&hook, &d, desk.now()).await;
        (d, a)
    }))
    .await;
    desk.record_attempts(attempts, desk.now()).await?;
    Ok(n)
}
