//! The scheduler (DESIGN.md `jobs/`): one task that fires the durable timers kept in redb
//! (offer deadlines, presence, auto-close) by settling the desk at the clock's time. The
//! timers themselves are keys derived from stored conversations and users, so a restart
//! loses none of them: the first tick after start fires whatever fell due meanwhile. Once an
//! hour (and at start) it also purges expired idempotency records and credentials long
//! revoked or expired (`Desk::purge_expired`).

pub mod customers;
pub mod indexer;
pub mod memory;

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::desk::Desk;

/// Longest pause between two ticks (presence and idle times are checked at least this often).
pub const MAX_TICK: Duration = Duration::from_secs(1);
/// How often expired idempotency records and long-dead credentials are purged.
pub const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// Shortest pause, so a deadline that is due now does not spin the task.
pub const MIN_TICK: Duration = Duration::from_millis(20);

/// Starts the scheduler on the current runtime; abort the handle to stop it.
pub fn spawn(desk: Desk) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut next_purge = tokio::time::Instant::now();
        loop {
            if tokio::time::Instant::now() >= next_purge {
                match desk.purge_expired().await {
                    Ok(p) => tracing::debug!(?p, "purged expired records"),
                    Err(e) => tracing::warn!(error = %e, "could not purge expired records"),
                }
                next_purge += PURGE_EVERY;
            }
            let busy = match desk.settle().await {
                Ok(done) => {
                    if !done.is_empty() {
                        tracing::debug!(?done, "timers fired");
                    }
                    // A full batch means more is due: go again at once.
                    done.expired as usize >= 500 || done.closed as usize >= 500 || done.away as usize >= 500
                }
                Err(e) => {
                    tracing::warn!(error = %e, "the scheduler could not settle; retrying");
                    false
                }
            };
            tokio::time::sleep(if busy { MIN_TICK } else { pause(&desk) }).await;
        }
    })
}

/// How long to sleep: until the next offer deadline, at most [`MAX_TICK`].
fn pause(desk: &Desk) -> Duration {
    let Some(next) = desk.next_deadline() else { return MAX_TICK };
    let ms = next.millis() - desk.now().millis();
    Duration::from_millis(ms.clamp(MIN_TICK.as_millis() as i64, MAX_TICK.as_millis() as i64) as u64)
}
