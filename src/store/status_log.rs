//! The agent status log (`Tbl::StatusLog`): one key per `AgentStatusChanged` event,
//! `store::keys::status_log_key` → the status moved to. The writer derives it
//! from the events it appends, in the same transaction, so it never disagrees with the event
//! log; reports read one agent's changes in a period as one range read instead of scanning the
//! whole log.

use super::StoreError;
use super::keys::{hex_time, read_hex_time, status_log_key, status_log_prefix};
use super::reader::{Reader, decode};
use super::tables::Tbl;
use crate::domain::{AgentStatus, Event, EventKind, Timestamp};

/// The log row an event adds, if it is a status change: key and value.
pub(crate) fn row(event: &Event) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    let EventKind::AgentStatusChanged { user_id, to, .. } = &event.kind else { return Ok(None) };
    let key = status_log_key(user_id, event.at, event.seq);
    let value = serde_json::to_vec(to).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(Some((key, value)))
}

/// How many log rows one read takes at a time.
const PAGE: usize = 512;

/// Reads of the status log, for any [`Reader`].
pub trait StatusLogReads: Reader + Sized {
    /// The status `user_id` had just before `t`: their last change before it, if any.
    fn status_before(&self, user_id: &str, t: Timestamp) -> Result<Option<AgentStatus>, StoreError> {
        let prefix = status_log_prefix(user_id);
        match self.last_before_raw(Tbl::StatusLog, &prefix, &format!("{prefix}{}", hex_time(t)))? {
            Some((_, v)) => Ok(Some(decode(&v)?)),
            None => Ok(None),
        }
    }

    /// The changes of `user_id` at or after `from` and before `to`, oldest first, as (when,
    /// status moved to).
    fn status_changes(
        &self,
        user_id: &str,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(Timestamp, AgentStatus)>, StoreError> {
        let prefix = status_log_prefix(user_id);
        // Every key at `from` sorts after `{prefix}{from}`, which is their prefix.
        let mut after = format!("{prefix}{}", hex_time(from));
        let mut out = Vec::new();
        loop {
            let page = self.scan_raw(Tbl::StatusLog, &prefix, Some(&after), PAGE)?;
            for (k, v) in &page {
                let Some(at) = k[prefix.len()..].split('/').next().and_then(read_hex_time) else {
                    return Err(StoreError::Corrupt(format!("status log key {k} has no time")));
                };
                if at >= to {
                    return Ok(out);
                }
                out.push((at, decode(v)?));
            }
            match page.last() {
                Some((k, _)) if page.len() == PAGE => after = k.clone(),
                _ => return Ok(out),
            }
        }
    }
}

impl<R: Reader> StatusLogReads for R {}
