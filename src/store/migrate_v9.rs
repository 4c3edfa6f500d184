//! Schema 8 → 9: conversation index keys start with a short partition code
//! (`store::partition_codes`) instead of the partition's entity id.
//!
//! The index is derived from the conversations, so the step drops `Tbl::ConvIndex` and writes
//! it anew in key order (a table filled in key order packs its pages full), with codes handed
//! out to the partitions in name order. It runs inside the migration's one write transaction:
//! a crash leaves the folder at schema 8. Every older folder comes through this step too, so
//! it is the one place the whole index is rebuilt.

use std::collections::BTreeSet;

use redb::{ReadableTable, WriteTransaction};

use super::conv_index::index_entries;
use super::partition_codes::reassign;
use super::rows::decode_conversation;
use super::tables::Tbl;
use super::{StoreError, db_err};

/// What the step wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Rebuilt {
    /// Conversations indexed.
    pub conversations: usize,
    /// Partitions given a code (`all` needs none).
    pub partitions: usize,
    /// Index keys written.
    pub keys: usize,
}

/// Rebuilds the partition codes and the conversation index from the conversations.
pub(super) fn run(txn: &WriteTransaction) -> Result<Rebuilt, StoreError> {
    let mut entries = Vec::new();
    let mut conversations = 0;
    {
        let table = txn.open_table(Tbl::Conversations.def()).map_err(db_err)?;
        for row in table.iter().map_err(db_err)? {
            let (_, v) = row.map_err(db_err)?;
            entries.extend(index_entries(&decode_conversation(v.value())?));
            conversations += 1;
        }
    }
    let partitions: BTreeSet<String> = entries.iter().map(|(p, _)| p.clone()).collect();
    let codes = reassign(txn, partitions)?;
    let mut keys: Vec<String> = entries
        .into_iter()
        .map(|(p, rest)| {
            codes
                .get(&p)
                .map(|code| format!("{code}{rest}"))
                .ok_or_else(|| StoreError::Corrupt(format!("partition {p} got no code")))
        })
        .collect::<Result<_, _>>()?;
    keys.sort_unstable();
    txn.delete_table(Tbl::ConvIndex.def()).map_err(db_err)?;
    let mut index = txn.open_table(Tbl::ConvIndex.def()).map_err(db_err)?;
    for k in &keys {
        index.insert(k.as_str(), [].as_slice()).map_err(db_err)?;
    }
    Ok(Rebuilt { conversations, partitions: codes.len() - 1, keys: keys.len() })
}
