//! Timeline entries: writing them, reading a conversation's timeline in order, and finding one
//! entry by id (`Bin::Timeline` and `Bin::MessageIndex`; rows in `store::codec`, keys in
//! `store::keys`).
//!
//! The timeline is kept in chunks (`codec::chunk`): one row per run of
//! `CHUNK_LEN` entries of one conversation, keyed by the conversation id and the chunk number,
//! so a timeline page is one short range read and a lookup one row. Writing an entry is a
//! read-modify-write of its chunk, which the writer does inside the command's transaction
//! ([`ChunkEdit`]), so several entries of one chunk in one transaction all land. The
//! message-id index maps an id to the index only: every lookup by id is within a known
//! conversation, and the entry read back is checked to carry that id, so an id from another
//! conversation is simply not found.
//!
//! New entries have ids derived from their conversation, index and creation time
//! (`domain::id::message_id`): such an entry stores no id and has no `message_index` entry,
//! and a lookup recovers the index from the id itself. Entries with other ids (imported, or
//! odd ids) keep their `message_index` entry, so both kinds can share a timeline.

use std::collections::BTreeMap;

use redb::{ReadableTable, WriteTransaction};

use super::changes::Changes;
use super::codec::{self, CHUNK_LEN};
use super::keys;
use super::reader::Reader;
use super::tables::Bin;
use super::{StoreError, db_err};
use crate::domain::conversation::Message;
use crate::domain::id::derived_message;

/// Stores a timeline entry (new or changed, e.g. reactions).
pub fn put_message(ch: &mut Changes, m: &Message) -> Result<(), StoreError> {
    if !codec::is_derived(m) {
        ch.put_bin(Bin::MessageIndex, keys::message_id_key(&m.id), codec::index_value(m.index)?);
    }
    ch.put_entry(&m.conversation_id, m.index, codec::encode_entry(m)?);
    Ok(())
}

/// Timeline entries of a conversation from `from_index`, at most `limit`, in index order.
pub(crate) fn timeline(
    r: &impl Reader,
    conversation_id: &str,
    from_index: u32,
    limit: usize,
) -> Result<Vec<Message>, StoreError> {
    let mut out = Vec::new();
    let (mut chunk, mut skipped) = codec::locate(from_index);
    let last = keys::chunk_key(conversation_id, u32::MAX);
    while out.len() < limit {
        // The chunks that hold the rest when they are full; a chunk with holes means reading on.
        let wanted = (limit - out.len()).saturating_add(usize::from(skipped)).div_ceil(CHUNK_LEN as usize).max(1);
        skipped = 0;
        let rows = r.range_bin(Bin::Timeline, &keys::chunk_key(conversation_id, chunk), &last, wanted)?;
        for (key, row) in &rows {
            let n = keys::chunk_of_key(key)?;
            for (offset, entry) in codec::entries(row)? {
                let index = codec::index_at(n, offset)?;
                if index < from_index {
                    continue;
                }
                if out.len() == limit {
                    return Ok(out);
                }
                out.push(codec::decode_entry(conversation_id, index, entry)?);
            }
        }
        let Some((key, _)) = rows.last().filter(|_| rows.len() == wanted) else { break };
        let Some(next) = keys::chunk_of_key(key)?.checked_add(1) else { break };
        chunk = next;
    }
    Ok(out)
}

/// The entry `message_id` of a conversation, if it has one.
/// A derived id is looked for at the index it names first; any other id (or a derived-looking
/// one not found there) through `message_index`.
pub(crate) fn message_in(
    r: &impl Reader,
    conversation_id: &str,
    message_id: &str,
) -> Result<Option<Message>, StoreError> {
    if let Some((index, _)) = derived_message(conversation_id, message_id)
        && let Some(m) = entry_with_id(r, conversation_id, index, message_id)?
    {
        return Ok(Some(m));
    }
    let Some(index) = r.get_bin(Bin::MessageIndex, &keys::message_id_key(message_id))? else { return Ok(None) };
    entry_with_id(r, conversation_id, codec::read_index(&index)?, message_id)
}

/// Entry `index` of a conversation, if it exists and has the id `message_id`.
fn entry_with_id(
    r: &impl Reader,
    conversation_id: &str,
    index: u32,
    message_id: &str,
) -> Result<Option<Message>, StoreError> {
    let (chunk, offset) = codec::locate(index);
    let Some(row) = r.get_bin(Bin::Timeline, &keys::chunk_key(conversation_id, chunk))? else { return Ok(None) };
    let Some(entry) = codec::entry_at(&row, offset)? else { return Ok(None) };
    let m = codec::decode_entry(conversation_id, index, entry)?;
    Ok((m.id == message_id).then_some(m))
}

/// One timeline chunk being changed inside a write transaction: read once as the transaction
/// has it, given any number of entries, written back once. The writer keeps one open while
/// consecutive entry writes fall into the same chunk (an import writes a whole timeline in a
/// row), and saves it before any other write.
pub(crate) struct ChunkEdit {
    conversation: String,
    chunk: u32,
    entries: BTreeMap<u8, Vec<u8>>,
}

impl ChunkEdit {
    /// Reads chunk `chunk` of a conversation (empty when it does not exist yet).
    pub(crate) fn load(txn: &WriteTransaction, conversation: String, chunk: u32) -> Result<ChunkEdit, StoreError> {
        let table = txn.open_table(Bin::Timeline.def()).map_err(db_err)?;
        let entries = match table.get(keys::chunk_key(&conversation, chunk).as_slice()).map_err(db_err)? {
            Some(row) => codec::entries(row.value())?.into_iter().map(|(o, e)| (o, e.to_vec())).collect(),
            None => BTreeMap::new(),
        };
        Ok(ChunkEdit { conversation, chunk, entries })
    }

    /// Whether entry writes to chunk `chunk` of `conversation` belong to this edit.
    pub(crate) fn holds(&self, conversation: &str, chunk: u32) -> bool {
        self.chunk == chunk && self.conversation == conversation
    }

    /// Sets (adds or replaces) the entry at `offset`.
    pub(crate) fn set(&mut self, offset: u8, entry: Vec<u8>) {
        self.entries.insert(offset, entry);
    }

    /// Writes the chunk back.
    pub(crate) fn save(self, txn: &WriteTransaction) -> Result<(), StoreError> {
        let row = codec::encode_chunk(self.entries.iter().map(|(&o, e)| (o, e.as_slice())))?;
        let key = keys::chunk_key(&self.conversation, self.chunk);
        txn.open_table(Bin::Timeline.def()).map_err(db_err)?.insert(key.as_slice(), row.as_slice()).map_err(db_err)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_chunks;
