//! Schema 3 → 4: the timeline, its message-id index and the event log move from JSON with
//! string keys to compact binary rows (see `store::codec`).
//!
//! Runs inside the migration's one write transaction, so a crash leaves the folder at schema 3
//! and the next start simply migrates again. Messages are read from schema 3's `messages`
//! table and written to `timeline` (one row per entry, as schema 4 to 6 kept them; the step
//! to schema 7 then gathers them into chunks) and `message_index`, then the old tables are
//! deleted (the message-id index is rebuilt from the messages themselves, so it cannot point
//! anywhere else). Events keep their seq keys and are rewritten in place, a chunk at a time; rows that
//! are already compact are left as they are.

use redb::{ReadableTable, WriteTransaction};

use super::codec;
use super::reader::decode;
use super::tables::{Bin, EVENTS, LEGACY_MESSAGE_IDS, LEGACY_MESSAGES, LEGACY_TIMELINE};
use super::{StoreError, db_err};
use crate::domain::conversation::Message;

/// Events read at a time while rewriting the log in place.
const CHUNK: usize = 4096;

/// What the step rewrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Moved {
    /// Timeline entries moved to the compact tables.
    pub messages: u64,
    /// Events rewritten as compact rows.
    pub events: u64,
}

/// Moves every message and event of a schema-3 (or older) folder to the compact rows.
pub(crate) fn to_v4(txn: &WriteTransaction) -> Result<Moved, StoreError> {
    let messages = move_messages(txn)?;
    let events = rewrite_events(txn)?;
    Ok(Moved { messages, events })
}

fn move_messages(txn: &WriteTransaction) -> Result<u64, StoreError> {
    let mut moved = 0;
    {
        let legacy = txn.open_table(LEGACY_MESSAGES).map_err(db_err)?;
        let mut timeline = txn.open_table(LEGACY_TIMELINE).map_err(db_err)?;
        let mut index = txn.open_table(Bin::MessageIndex.def()).map_err(db_err)?;
        for entry in legacy.iter().map_err(db_err)? {
            let (_, v) = entry.map_err(db_err)?;
            let m: Message = decode(v.value())?;
            let key = codec::timeline_key(&m.conversation_id, m.index);
            timeline.insert(key.as_slice(), codec::encode_message(&m)?.as_slice()).map_err(db_err)?;
            index
                .insert(codec::message_id_key(&m.id).as_slice(), codec::index_value(m.index)?.as_slice())
                .map_err(db_err)?;
            moved += 1;
        }
    }
    txn.delete_table(LEGACY_MESSAGES).map_err(db_err)?;
    txn.delete_table(LEGACY_MESSAGE_IDS).map_err(db_err)?;
    Ok(moved)
}

fn rewrite_events(txn: &WriteTransaction) -> Result<u64, StoreError> {
    let mut table = txn.open_table(EVENTS).map_err(db_err)?;
    let mut from = 0u64;
    let mut rewritten = 0;
    loop {
        let mut chunk = Vec::with_capacity(CHUNK);
        for entry in table.range(from..).map_err(db_err)?.take(CHUNK) {
            let (k, v) = entry.map_err(db_err)?;
            chunk.push((k.value(), v.value().to_vec()));
        }
        let Some(&(last, _)) = chunk.last() else { break };
        for (seq, bytes) in chunk {
            if codec::is_json_event(&bytes) {
                let event = codec::decode_event(seq, &bytes)?;
                table.insert(seq, codec::encode_event(&event)?.as_slice()).map_err(db_err)?;
                rewritten += 1;
            }
        }
        match last.checked_add(1) {
            Some(next) => from = next,
            None => break,
        }
    }
    Ok(rewritten)
}

#[cfg(test)]
mod tests;
