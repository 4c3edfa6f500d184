//! Schema 4 → 5: compact conversation rows (see `rows`) and the compact conversation index
//! (see `conv_index`).
//!
//! Every conversation row is re-encoded in place. The index is derived data, so the step drops
//! `Tbl::ConvIndex` and writes it anew from the conversations, keys in order (a table filled in
//! key order packs its pages full).

use redb::{ReadableTable, WriteTransaction};

use super::conv_index::index_keys;
use super::tables::Tbl;
use super::rows::{decode_conversation, encode_conversation};
use super::{StoreError, db_err};

/// Rebuilds the conversation index from the conversations table, inside the migration's
/// transaction.
pub(super) fn run(txn: &WriteTransaction) -> Result<(), StoreError> {
    let (mut keys, mut rows) = (Vec::new(), Vec::new());
    {
        let table = txn.open_table(Tbl::Conversations.def()).map_err(db_err)?;
        for row in table.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            let c = decode_conversation(v.value())?;
            keys.extend(index_keys(&c));
            rows.push((k.value().to_string(), encode_conversation(&c)?));
        }
    }
    // Written into a new table in key order, so no page keeps the room the JSON took.
    txn.delete_table(Tbl::Conversations.def()).map_err(db_err)?;
    let mut table = txn.open_table(Tbl::Conversations.def()).map_err(db_err)?;
    for (k, v) in &rows {
        table.insert(k.as_str(), v.as_slice()).map_err(db_err)?;
    }
    keys.sort_unstable();
    txn.delete_table(Tbl::ConvIndex.def()).map_err(db_err)?;
    let mut index = txn.open_table(Tbl::ConvIndex.def()).map_err(db_err)?;
    for k in &keys {
        index.insert(k.as_str(), [].as_slice()).map_err(db_err)?;
    }
    tracing::info!(conversations = rows.len(), keys = keys.len(), "re-encoded conversations and rebuilt their index");
    Ok(())
}
