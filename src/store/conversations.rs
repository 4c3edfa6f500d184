//! Conversations and their sorted secondary index.
//!
//! `Tbl::ConvIndex` holds one empty-valued key per (partition, sort) a conversation belongs
//! to: `{partition}/{sort}/{sort key}/{conversation id}`. A list view reads the first keys of
//! the partitions it needs, merges them by key and stops after one page, so it never reads
//! more than the page it returns (plus what residual filters skip).
//!
//! Partitions: `all`; `i:{inbox}` (every conversation of an inbox); `u:{inbox}` (queued in
//! the inbox); `a:{user}` (assigned to the user and not closed); `p:{user}` (the user took
//! part); `c:{contact}`; `l:{label}`. Sorts: `w` (waiting: oldest waiting first, then the
//! others by most recent update), `d` (most recently updated first), `n` (newest first).

use super::StoreError;
use super::reader::Reader;
use super::tables::Tbl;

/// Prefix of the keys of one partition and sort.
pub fn partition_prefix(partition: &str, sort: char) -> String {
    format!("{partition}/{sort}/")
}

/// Lookups of conversations, for any [`Reader`].
pub trait ConversationReads: Reader + Sized {
    /// Whether an inbox holds any conversation.
    fn inbox_has_conversations(&self, inbox_id: &str) -> Result<bool, StoreError> {
        let prefix = partition_prefix(&format!("i:{inbox_id}"), 'n');
        Ok(!self.scan_raw(Tbl::ConvIndex, &prefix, None, 1)?.is_empty())
    }
}

impl<R: Reader> ConversationReads for R {}
