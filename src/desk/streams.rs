//! Open event streams, counted in memory: at most [`MAX_STREAMS_PER_CREDENTIAL`] per token and
//! [`MAX_STREAMS_PER_USER`] per user, and one presence heartbeat per user per [`BEAT_EVERY_MS`]
//! reaches the database however many streams the user has open.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::{Desk, DeskError, Principal};
use crate::domain::Timestamp;

/// Most event streams one credential may hold open (a tab each).
pub const MAX_STREAMS_PER_CREDENTIAL: usize = 10;

/// How often an open stream's user is written as seen: a little under the streams' own 30 s
/// tick, so timer jitter never skips a beat.
pub const BEAT_EVERY_MS: i64 = 25_000;

/// Most event streams one user may hold open, across all their credentials.
pub const MAX_STREAMS_PER_USER: usize = 30;

/// The registry of open streams.
#[derive(Debug, Default)]
pub struct Streams {
    open: Mutex<HashMap<String, usize>>,
    per_user: Mutex<HashMap<String, usize>>,
    beats: Mutex<HashMap<String, Timestamp>>,
    written: AtomicU64,
}

/// One open stream's place in the registry; freed when dropped.
#[derive(Debug)]
pub struct StreamSlot {
    streams: Arc<Streams>,
    credential: String,
    user: String,
}

/// Counts one less for `key`, forgetting it at zero.
fn release(map: &Mutex<HashMap<String, usize>>, key: &str) {
    if let Ok(mut map) = map.lock()
        && let Some(n) = map.get_mut(key)
    {
        *n = n.saturating_sub(1);
        if *n == 0 {
            map.remove(key);
        }
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        release(&self.streams.open, &self.credential);
        release(&self.streams.per_user, &self.user);
    }
}

impl Desk {
    /// Takes a stream slot for `who`, or refuses with 429 when their credential already holds
    /// [`MAX_STREAMS_PER_CREDENTIAL`] or the user [`MAX_STREAMS_PER_USER`] (minting more
    /// tokens does not buy more streams).
    pub fn open_stream(&self, who: &Principal) -> Result<StreamSlot, DeskError> {
        let busy = |detail: String| DeskError::TooManyRequests { retry_after_secs: 5, detail };
        let (credential, user) = (who.credential.id.clone(), who.user.id.clone());
        let locked = || busy("The event streams are busy; try again.".into());
        let mut open = self.streams.open.lock().map_err(|_| locked())?;
        let mut per_user = self.streams.per_user.lock().map_err(|_| locked())?;
        let (n, m) = (open.get(&credential).copied().unwrap_or(0), per_user.get(&user).copied().unwrap_or(0));
        if n >= MAX_STREAMS_PER_CREDENTIAL {
            return Err(busy(format!(
                "This token already has {MAX_STREAMS_PER_CREDENTIAL} event streams open; close one (a tab) first."
            )));
        }
        if m >= MAX_STREAMS_PER_USER {
            return Err(busy(format!(
                "You already have {MAX_STREAMS_PER_USER} event streams open; close some tabs or sessions first."
            )));
        }
        open.insert(credential.clone(), n + 1);
        per_user.insert(user.clone(), m + 1);
        Ok(StreamSlot { streams: self.streams.clone(), credential, user })
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
