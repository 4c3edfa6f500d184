//! The search indexer (DESIGN.md "The spine"): one task that follows the event log and brings
//! the search index up to date shortly after each change. It catches up at once on start (a
//! crash or kill may have left the index behind redb), then waits for new events and gathers
//! them for [`COMMIT_PAUSE`], so a burst of messages costs one index commit, not one each, and
//! a new message is searchable well within a second. After [`WRITER_IDLE`] without a change it
//! closes the index writer, whose queue and threads an idle server does not need; closing waits
//! for merges still running, so a change arriving then is indexed once they end (after a
//! quiet half minute they seldom still run).

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::desk::Desk;

/// How long new events gather before one index commit.
pub const COMMIT_PAUSE: Duration = Duration::from_millis(250);
/// How long the indexer waits without a change before it closes the index writer.
pub const WRITER_IDLE: Duration = Duration::from_secs(30);
/// Pause after a failed attempt.
const RETRY: Duration = Duration::from_secs(2);

/// Starts the indexer on the current runtime; abort the handle to stop it.
pub fn spawn(desk: Desk) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut seq = desk.store().watch_seq();
        loop {
            let d = desk.clone();
            match tokio::task::spawn_blocking(move || d.index_now()).await {
                Ok(Ok(n)) if n > 0 => tracing::debug!(conversations = n, "search index updated"),
                Ok(Ok(_)) => {}
                Ok(Err(e)) => {
                    tracing::warn!(error = %e, "the search index could not catch up; retrying");
                    tokio::time::sleep(RETRY).await;
                    continue;
                }
                Err(e) => tracing::warn!(error = %e, "the search indexer stopped unexpectedly; retrying"),
            }
            let changed = match tokio::time::timeout(WRITER_IDLE, seq.changed()).await {
                Ok(changed) => changed,
                Err(_idle) => {
                    let d = desk.clone();
                    match tokio::task::spawn_blocking(move || d.release_search_writer()).await {
                        Ok(Ok(true)) => tracing::debug!("search index writer closed while idle"),
                        Ok(Ok(false)) => {}
                        Ok(Err(e)) => tracing::warn!(error = %e, "the search index writer could not be closed"),
                        Err(e) => tracing::warn!(error = %e, "closing the search index writer stopped unexpectedly"),
                    }
                    seq.changed().await
                }
            };
            if changed.is_err() {
                break;
            }
            tokio::time::sleep(COMMIT_PAUSE).await;
        }
    })
}
