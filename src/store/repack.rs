//! Ordered compaction: rewrites the tables whose b-tree leaves are half empty in key order, then
//! lets redb give the freed pages back to the file system.
//!
//! redb's `Database::compact` moves pages towards the start of the file but never refills a
//! leaf. Tables whose keys arrive in random order (the conversation index, the contact index)
//! split leaves in the middle and keep them about two thirds full, so compaction alone leaves
//! that room in the file. Copying such a table into a new one in key order packs its leaves:
//! redb starts a new leaf for a key greater than every key of the table instead of splitting
//! the last one (the `repacking_in_key_order_fills_the_leaves` test measures it).
//!
//! Every table is rewritten inside one write transaction (copy into `{name}~packed`, delete
//! the original, rename the copy), so a crash at any point leaves the data as it was.

use std::path::Path;

use redb::{
    Database, Key, ReadableTable, ReadableTableMetadata, TableDefinition, TableHandle, TableStats, Value,
    WriteTransaction,
};

use super::tables::{Bin, EVENTS, Tbl};
use super::{DB_FILE, StoreError, db_err};

/// A table is rewritten when the unused room in its pages exceeds this share of what it stores
/// (bytes of keys, values and b-tree metadata), in eighths.
const WORTH_EIGHTHS: u64 = 1;
/// ... and is at least this many bytes: rewriting a small table gains nothing measurable.
const WORTH_BYTES: u64 = 64 * 1024;

/// What the rewrite of one table changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repacked {
    /// The redb table name.
    pub table: String,
    /// Rows copied.
    pub rows: u64,
    /// Bytes of its pages before (stored, metadata and fragmentation).
    pub before: u64,
    /// Bytes of its pages after.
    pub after: u64,
}

/// What [`compact_folder`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactReport {
    /// Length of the database file before.
    pub file_before: u64,
    /// Length of the database file after.
    pub file_after: u64,
    /// Bytes the file took on disk before: redb lengthens the file ahead of use, and the part
    /// never written takes no disk (a sparse file), so this can be well under the length.
    pub disk_before: u64,
    /// Bytes the file takes on disk after.
    pub disk_after: u64,
    /// The tables rewritten in key order.
    pub tables: Vec<Repacked>,
}

fn total(s: &TableStats) -> u64 {
    s.stored_bytes() + s.metadata_bytes() + s.fragmented_bytes()
}

/// Whether rewriting a table with these statistics would give back a measurable share.
fn worth(s: &TableStats) -> bool {
    let used = s.stored_bytes() + s.metadata_bytes();
    s.fragmented_bytes() >= WORTH_BYTES && s.fragmented_bytes() * 8 > used * WORTH_EIGHTHS
}

/// Rewrites one table in key order when it is worth it (or always, with `force`).
fn repack_table<K: Key + 'static, V: Value + 'static>(
    txn: &WriteTransaction,
    def: TableDefinition<K, V>,
    force: bool,
) -> Result<Option<Repacked>, StoreError> {
    let (rows, before) = {
        let table = txn.open_table(def).map_err(db_err)?;
        let stats = table.stats().map_err(db_err)?;
        if !(force || worth(&stats)) {
            return Ok(None);
        }
        (table.len().map_err(db_err)?, total(&stats))
    };
    let name = def.name().to_string();
    let packed_name = format!("{name}~packed");
    let packed: TableDefinition<K, V> = TableDefinition::new(&packed_name);
    txn.delete_table(packed).map_err(db_err)?;
    {
        let old = txn.open_table(def).map_err(db_err)?;
        let mut new = txn.open_table(packed).map_err(db_err)?;
        for entry in old.iter().map_err(db_err)? {
            let (k, v) = entry.map_err(db_err)?;
            new.insert(k.value(), v.value()).map_err(db_err)?;
        }
    }
    txn.delete_table(def).map_err(db_err)?;
    txn.rename_table(packed, def).map_err(db_err)?;
    let after = total(&txn.open_table(def).map_err(db_err)?.stats().map_err(db_err)?);
    Ok(Some(Repacked { table: name, rows, before, after }))
}

/// Rewrites, inside `txn`, every table of the schema whose pages are fragmented enough to be
/// worth it (every table with `force`), in key order.
pub(crate) fn repack(txn: &WriteTransaction, force: bool) -> Result<Vec<Repacked>, StoreError> {
    let mut done = Vec::new();
    for t in Tbl::ALL {
        done.extend(repack_table(txn, t.def(), force)?);
    }
    for t in Bin::ALL {
        done.extend(repack_table(txn, t.def(), force)?);
    }
    done.extend(repack_table(txn, EVENTS, force)?);
    Ok(done)
}

/// Rewrites the fragmented tables in one transaction, then compacts the file.
pub(crate) fn repack_and_compact(db: &mut Database) -> Result<Vec<Repacked>, StoreError> {
    let txn = db.begin_write().map_err(db_err)?;
    let done = repack(&txn, false)?;
    txn.commit().map_err(db_err)?;
    db.compact().map_err(db_err)?;
    Ok(done)
}

/// The file's length and the bytes it takes on disk.
fn file_size(path: &Path) -> Result<(u64, u64), StoreError> {
    let m =
        std::fs::metadata(path).map_err(|e| StoreError::Unavailable(format!("cannot read {}: {e}", path.display())))?;
    #[cfg(unix)]
    let on_disk = std::os::unix::fs::MetadataExt::blocks(&m) * 512;
    #[cfg(not(unix))]
    let on_disk = m.len();
    Ok((m.len(), on_disk))
}

/// Compacts the database of a data folder that no process has open: brings it to the current
/// schema, rewrites its fragmented tables in key order and gives the freed pages back.
/// [`StoreError::InUse`] when a server (or another command) has the folder open.
pub fn compact_folder(dir: &Path) -> Result<CompactReport, StoreError> {
    let path = dir.join(DB_FILE);
    if !path.is_file() {
        return Err(StoreError::Unavailable(format!("there is no database at {}", path.display())));
    }
    let (file_before, disk_before) = file_size(&path)?;
    let mut db = match Database::open(&path) {
        Ok(db) => db,
        Err(redb::DatabaseError::DatabaseAlreadyOpen) => return Err(StoreError::InUse(dir.to_path_buf())),
        Err(e) => return Err(db_err(e)),
    };
    super::migrations::migrate(&db)?;
    let tables = repack_and_compact(&mut db)?;
    drop(db);
    let (file_after, disk_after) = file_size(&path)?;
    Ok(CompactReport { file_before, file_after, disk_before, disk_after, tables })
}

#[cfg(test)]
mod tests;
