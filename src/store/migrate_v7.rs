//! Schema 6 → 7: conversation index keys without the conversation id, and the table of human
//! numbers that leads back to it (see `conv_index`).
//!
//! The numbers are derived from the conversations, so the step drops `Tbl::ConvNumbers` and
//! writes it anew in key order (a table filled in key order packs its pages full). The index
//! itself is rebuilt by the step to schema 9, which every older folder goes through in the
//! same transaction. It runs inside the migration's one write transaction: a crash leaves the
//! folder at schema 6. Two conversations with the same human number cannot both be found
//! through keys that hold only the number, so the step refuses such a folder, naming them.

use std::collections::BTreeMap;

use redb::{ReadableTable, WriteTransaction};

use super::conv_index::{id_row, number_key};
use super::rows::decode_conversation;
use super::tables::Tbl;
use super::{StoreError, db_err};

/// What the step wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Rebuilt {
    /// Conversations numbered.
    pub conversations: usize,
}

/// Rebuilds the number table from the conversations.
pub(super) fn run(txn: &WriteTransaction) -> Result<Rebuilt, StoreError> {
    let mut numbers: BTreeMap<String, (u64, String)> = BTreeMap::new();
    {
        let table = txn.open_table(Tbl::Conversations.def()).map_err(db_err)?;
        for row in table.iter().map_err(db_err)? {
            let (_, v) = row.map_err(db_err)?;
            let c = decode_conversation(v.value())?;
            if let Some((_, other)) = numbers.insert(number_key(c.number), (c.number, c.id.clone())) {
                return Err(StoreError::Corrupt(format!(
                    "conversations {other} and {} have the same number {}; give one of them another number before upgrading",
                    c.id, c.number
                )));
            }
        }
    }
    txn.delete_table(Tbl::ConvNumbers.def()).map_err(db_err)?;
    let mut table = txn.open_table(Tbl::ConvNumbers.def()).map_err(db_err)?;
    for (k, (_, id)) in &numbers {
        table.insert(k.as_str(), id_row(id)?.as_slice()).map_err(db_err)?;
    }
    Ok(Rebuilt { conversations: numbers.len() })
}
