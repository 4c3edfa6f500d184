//! A command's decided changes: table writes and events, buffered while the command decides and
//! applied by the writer only once the decision is "yes". A refused command therefore writes
//! nothing, by construction.

use serde::Serialize;

use super::StoreError;
use super::tables::{Bin, Tbl};
use crate::domain::{Actor, EventKind, Timestamp};

/// One buffered table write.
#[derive(Debug)]
pub(crate) enum Op {
    /// Store `value` under `key`.
    Put(Tbl, String, Vec<u8>),
    /// Remove `key`.
    Delete(Tbl, String),
    /// Store `value` under a binary `key`.
    PutBin(Bin, Vec<u8>, Vec<u8>),
    /// Store timeline entry `index` of `conversation` (`row` as `codec::encode_entry` makes
    /// it) in its chunk: the writer reads the chunk as the transaction has it, with every
    /// earlier op applied, and writes it back with the entry.
    PutEntry {
        /// The conversation id.
        conversation: String,
        /// The entry's index in the timeline.
        index: u32,
        /// The encoded entry.
        row: Vec<u8>,
    },
    /// Store (`put`) or remove a key of the conversation index: the partition's code (see
    /// `store::partition_codes`, handed out by the writer the first time a key of the
    /// partition is stored) followed by `rest`.
    IndexKey {
        /// The partition, such as `i:{inbox id}`.
        partition: String,
        /// The sort letter and the sort key (`keys::index_entries`).
        rest: String,
        /// Store when true, remove when false.
        put: bool,
    },
}

/// Everything one accepted command changes, applied atomically with its events.
#[derive(Debug)]
pub struct Changes {
    pub(crate) at: Timestamp,
    pub(crate) actor: Actor,
    pub(crate) ops: Vec<Op>,
    pub(crate) events: Vec<EventKind>,
}

impl Changes {
    /// An empty set of changes made by `actor` at `at`.
    pub fn new(at: Timestamp, actor: Actor) -> Self {
        Changes { at, actor, ops: Vec::new(), events: Vec::new() }
    }

    /// Appends an event to the log with this command's actor and time.
    pub fn event(&mut self, kind: EventKind) {
        self.events.push(kind);
    }

    /// Stores a value as JSON.
    pub fn put_json<T: Serialize>(&mut self, t: Tbl, key: &str, value: &T) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.ops.push(Op::Put(t, key.to_string(), bytes));
        Ok(())
    }

    /// Stores a plain string (index tables).
    pub fn put_str(&mut self, t: Tbl, key: &str, value: &str) {
        self.ops.push(Op::Put(t, key.to_string(), value.as_bytes().to_vec()));
    }

    /// Stores a row under a binary key (the store's compact tables).
    pub(crate) fn put_bin(&mut self, t: Bin, key: Vec<u8>, value: Vec<u8>) {
        self.ops.push(Op::PutBin(t, key, value));
    }

    /// Stores timeline entry `index` of a conversation in its chunk.
    pub(crate) fn put_entry(&mut self, conversation: &str, index: u32, row: Vec<u8>) {
        self.ops.push(Op::PutEntry { conversation: conversation.to_string(), index, row });
    }

    /// Removes a key.
    pub fn delete(&mut self, t: Tbl, key: &str) {
        self.ops.push(Op::Delete(t, key.to_string()));
    }

    /// Whether nothing would be written.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty() && self.events.is_empty()
    }
}
