//! Schema 4 → 5: compact conversation rows (see `rows`).
//!
//! Every conversation row is re-encoded, into a new table in key order. The conversation
//! index that schema 5 introduced is derived data: the step to schema 9, which every older
//! folder also takes, writes it anew (`migrate_v9`).

use redb::{ReadableTable, WriteTransaction};

use super::rows::{decode_conversation, encode_conversation};
use super::tables::Tbl;
use super::{StoreError, db_err};

/// Re-encodes every conversation row, inside the migration's transaction.
pub(super) fn run(txn: &WriteTransaction) -> Result<(), StoreError> {
    let mut rows = Vec::new();
    {
        let table = txn.open_table(Tbl::Conversations.def()).map_err(db_err)?;
        for row in table.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            let c = decode_conversation(v.value())?;
            rows.push((k.value().to_string(), encode_conversation(&c)?));
        }
    }
    // Written into a new table in key order, so no page keeps the room the JSON took.
    txn.delete_table(Tbl::Conversations.def()).map_err(db_err)?;
    let mut table = txn.open_table(Tbl::Conversations.def()).map_err(db_err)?;
    for (k, v) in &rows {
        table.insert(k.as_str(), v.as_slice()).map_err(db_err)?;
    }
    tracing::info!(conversations = rows.len(), "re-encoded conversations");
    Ok(())
}
