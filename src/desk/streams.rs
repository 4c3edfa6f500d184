//! Open event streams, counted per credential and kept in memory: at most
//! [`MAX_STREAMS_PER_CREDENTIAL`] per token, and one presence heartbeat per user per
//! [`BEAT_EVERY_MS`] reaches the database however many streams the user has open.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{Desk, DeskError, Principal};
use crate::domain::Timestamp;

/// Most event streams one credential may hold open (a tab each).
pub const MAX_STREAMS_PER_CREDENTIAL: usize = 10;

/// How often an open stream's user is written as seen.
pub const BEAT_EVERY_MS: i64 = 30_000;

/// The registry of open streams.
#[derive(Debug, Default)]
pub struct Streams {
    open: Mutex<HashMap<String, usize>>,
    beats: Mutex<HashMap<String, Timestamp>>,
    written: AtomicU64,
}

/// One open stream's place in the registry; freed when dropped.
#[derive(Debug)]
pub struct StreamSlot {
    streams: Arc<Streams>,
    credential: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        if let Ok(mut open) = self.streams.open.lock()
            && let Some(n) = open.get_mut(&self.credential)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                open.remove(&self.credential);
            }
        }
    }
}

impl Desk {
    /// Takes a stream slot for `who`'s credential, or refuses with 429 when it already holds
    /// [`MAX_STREAMS_PER_CREDENTIAL`].
    pub fn open_stream(&self, who: &Principal) -> Result<StreamSlot, DeskError> {
        let busy = || DeskError::TooManyRequests {
            retry_after_secs: 5,
            detail: format!(
                "This token already has {MAX_STREAMS_PER_CREDENTIAL} event streams open; close one (a tab) first."
            ),
        };
        let mut open = self.streams.open.lock().map_err(|_| busy())?;
        let n = open.entry(who.credential.id.clone()).or_default();
        if *n >= MAX_STREAMS_PER_CREDENTIAL {
            return Err(busy());
        }
        *n += 1;
        Ok(StreamSlot { streams: self.streams.clone(), credential: who.credential.id.clone() })
    }

    /// A sign of life from an open stream: written as a heartbeat only when no stream of the
    /// same user wrote one in the last [`BEAT_EVERY_MS`].
    pub async fn stream_heartbeat(&self, who: &Principal) -> Result<(), DeskError> {
        let now = self.now();
        let due = match self.streams.beats.lock() {
            Ok(mut beats) => {
                let due = beats.get(&who.user.id).is_none_or(|t| now.millis_since(*t) >= BEAT_EVERY_MS);
                if due {
                    beats.insert(who.user.id.clone(), now);
                }
                due
            }
            Err(_) => true,
        };
        if due {
            self.streams.written.fetch_add(1, Ordering::Relaxed);
            self.heartbeat(who, false).await?;
        }
        Ok(())
    }

    /// How many stream heartbeats reached the database since start.
    pub fn stream_heartbeats_written(&self) -> u64 {
        self.streams.written.load(Ordering::Relaxed)
    }
}
