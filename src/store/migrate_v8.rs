//! Schema 7 → 8: the timeline moves from one row per entry (`LEGACY_TIMELINE`) to chunks of
//! entries (`Bin::Timeline`, see `codec::chunk`).
//!
//! Runs inside the migration's one write transaction, so a crash leaves the folder at schema 7
//! and the next start simply migrates again. The old table is read in key order (conversation,
//! then index), so each chunk is complete when the next one starts: one chunk is held at a
//! time and the chunks are written in key order, which packs the new table's pages full. An
//! entry's bytes are kept as they are, less the format byte its chunk now carries, so ids
//! (derived or not), times and order are exactly as before; `message_index` is untouched, as
//! it maps ids to indices, not to keys. The old table is deleted at the end.

use std::collections::BTreeMap;

use redb::{ReadableTable, WriteTransaction};

use super::codec::{self, FORMAT};
use super::tables::{Bin, LEGACY_TIMELINE};
use super::{StoreError, db_err};

/// A chunk being gathered: its key and its entries by offset.
struct Gathering {
    key: Vec<u8>,
    entries: BTreeMap<u8, Vec<u8>>,
}

/// Rewrites every timeline entry of a schema-7 (or older) folder into chunks; returns how many it moved.
pub(super) fn run(txn: &WriteTransaction) -> Result<u64, StoreError> {
    let mut moved = 0;
    {
        let legacy = txn.open_table(LEGACY_TIMELINE).map_err(db_err)?;
        let mut chunks = txn.open_table(Bin::Timeline.def()).map_err(db_err)?;
        let mut current: Option<Gathering> = None;
        for row in legacy.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            let key = k.value();
            let index = codec::index_of_key(key)?;
            let (chunk, offset) = codec::locate(index);
            // The conversation's part of the key is the same in both tables.
            let mut chunk_key = key[..key.len() - 4].to_vec();
            chunk_key.extend_from_slice(&chunk.to_be_bytes());
            let entry = match v.value().split_first() {
                Some((&FORMAT, entry)) => entry.to_vec(),
                _ => return Err(StoreError::Corrupt(format!("timeline entry {index} has no known row format"))),
            };
            match &mut current {
                Some(g) if g.key == chunk_key => {
                    g.entries.insert(offset, entry);
                }
                _ => {
                    if let Some(g) = current.take() {
                        write(&mut chunks, g)?;
                    }
                    current = Some(Gathering { key: chunk_key, entries: BTreeMap::from([(offset, entry)]) });
                }
            }
            moved += 1;
        }
        if let Some(g) = current {
            write(&mut chunks, g)?;
        }
    }
    txn.delete_table(LEGACY_TIMELINE).map_err(db_err)?;
    tracing::info!(messages = moved, "gathered timeline entries into chunks");
    Ok(moved)
}

fn write(chunks: &mut redb::Table<&'static [u8], &'static [u8]>, g: Gathering) -> Result<(), StoreError> {
    let row = codec::encode_chunk(g.entries.iter().map(|(&o, e)| (o, e.as_slice())))?;
    chunks.insert(g.key.as_slice(), row.as_slice()).map_err(db_err)?;
    Ok(())
}

#[cfg(test)]
pub(super) mod tests;
