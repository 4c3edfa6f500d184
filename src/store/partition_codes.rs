//! Short partition codes: `Tbl::PartitionCodes` maps a partition of the
//! conversation index (`i:{inbox}`, `c:{contact}`, `p:{user}`…) to the code its keys start
//! with, a number handed out in order (`keys::short_code`).
//!
//! An entity id packed into 22 digits at the start of every key would be two thirds of the
//! index (7 to 8 of a conversation's 9 to 10 keys are in entity partitions); and because a partition's keys arrive at one end of its range, redb's even leaf
//! splits leave those pages half full, so every byte of key cost about two on disk. A code of
//! 2 to 5 characters halves the index (the storage benchmark, issue 5).
//!
//! The writer hands out codes inside the command's transaction ([`Codes::resolve`]), the first
//! time a key of the partition is written; readers look them up ([`prefix_in`]) and read a
//! partition without a code as empty. Codes are never taken back or reused: a deleted entity
//! keeps its row (a few dozen bytes), and its code can never name another partition.

use std::collections::HashMap;

use redb::WriteTransaction;

use super::keys::{ALL_CODE, prefix, short_code};
use super::reader::Reader;
use super::tables::{META_NEXT_PARTITION_CODE, Tbl};
use super::{StoreError, db_err};

/// The code of a partition, `None` when no key of it was ever written.
pub(super) fn code_in(r: &impl Reader, partition: &str) -> Result<Option<String>, StoreError> {
    if partition == "all" {
        return Ok(Some(ALL_CODE.to_string()));
    }
    r.get_str(Tbl::PartitionCodes, partition)
}

/// Prefix of the keys of a partition in one sort, `None` when the partition has no keys.
pub(super) fn prefix_in(r: &impl Reader, partition: &str, sort: char) -> Result<Option<String>, StoreError> {
    Ok(code_in(r, partition)?.map(|code| prefix(&code, sort)))
}

/// The codes one write transaction has looked up or handed out. Codes never change once
/// handed out, so the cache is right for as long as the transaction; it is dropped with it.
#[derive(Default)]
pub(crate) struct Codes {
    known: HashMap<String, String>,
}

impl Codes {
    /// The code of `partition` in `txn`. A partition without one gets the next code when
    /// `allocate` (a key is about to be written) and stays without when not (a key is about
    /// to be removed: there is none).
    pub(crate) fn resolve(
        &mut self,
        txn: &WriteTransaction,
        partition: &str,
        allocate: bool,
    ) -> Result<Option<String>, StoreError> {
        if let Some(code) = self.known.get(partition) {
            return Ok(Some(code.clone()));
        }
        let code = match code_in(txn, partition)? {
            Some(code) => code,
            None if allocate => allocate_code(txn, partition)?,
            None => return Ok(None),
        };
        self.known.insert(partition.to_string(), code.clone());
        Ok(Some(code))
    }
}

/// Records the number of the next code to hand out. A counter rather than the table's length,
/// so that a row ever removed by hand cannot make a code be handed out twice.
fn set_next(txn: &WriteTransaction, n: u64) -> Result<(), StoreError> {
    let bytes = serde_json::to_vec(&n).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    txn.open_table(Tbl::Meta.def())
        .map_err(db_err)?
        .insert(META_NEXT_PARTITION_CODE, bytes.as_slice())
        .map_err(db_err)?;
    Ok(())
}

/// Hands out the next code to `partition` and records it.
fn allocate_code(txn: &WriteTransaction, partition: &str) -> Result<String, StoreError> {
    let n: u64 = txn.get_json(Tbl::Meta, META_NEXT_PARTITION_CODE)?.unwrap_or(0);
    let code = short_code(n);
    set_next(txn, n + 1)?;
    txn.open_table(Tbl::PartitionCodes.def()).map_err(db_err)?.insert(partition, code.as_bytes()).map_err(db_err)?;
    Ok(code)
}
