//! Reading: one trait over redb's read transactions and the writer's open write transaction, so
//! the same typed lookups serve HTTP reads (a snapshot that never blocks) and the writer's
//! decisions (which must see the changes of earlier commands in the same batch).

use std::ops::Bound;

use redb::{ReadTransaction, ReadableTable, ReadableTableMetadata, WriteTransaction};
use serde::de::DeserializeOwned;

use super::codec;
use super::tables::{Bin, EVENTS, Tbl};
use super::{StoreError, db_err};
use crate::domain::Event;

/// Binary keys and rows, as a range read returns them.
pub type BinRows = Vec<(Vec<u8>, Vec<u8>)>;

/// Raw access to the tables; the typed lookups in `users.rs` and friends build on it.
pub trait Reader {
    /// The value stored under `key`, if any.
    fn get_raw(&self, t: Tbl, key: &str) -> Result<Option<Vec<u8>>, StoreError>;

    /// Up to `limit` entries whose keys start with `prefix`, in key order, starting after
    /// `after` when given.
    fn scan_raw(
        &self,
        t: Tbl,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError>;

    /// The entry with the greatest key that starts with `prefix` and sorts before `before`.
    fn last_before_raw(&self, t: Tbl, prefix: &str, before: &str) -> Result<Option<(String, Vec<u8>)>, StoreError>;

    /// The row stored under a binary `key`, if any.
    fn get_bin(&self, t: Bin, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;

    /// Up to `limit` entries with keys from `first` to `last` (both included), in key order.
    fn range_bin(&self, t: Bin, first: &[u8], last: &[u8], limit: usize) -> Result<BinRows, StoreError>;

    /// Up to `limit` events with `seq > after`, in order.
    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError>;

    /// The sequence number of the newest event (0 when the log is empty).
    fn last_seq(&self) -> Result<u64, StoreError>;

    /// Number of entries in a table.
    fn count(&self, t: Tbl) -> Result<u64, StoreError>;

    /// The value under `key`, decoded.
    fn get_json<T: DeserializeOwned>(&self, t: Tbl, key: &str) -> Result<Option<T>, StoreError>
    where
        Self: Sized,
    {
        self.get_raw(t, key)?.map(|b| decode(&b)).transpose()
    }

    /// Every value of a table, decoded, in key order (for small configuration tables).
    fn all_json<T: DeserializeOwned>(&self, t: Tbl) -> Result<Vec<T>, StoreError>
    where
        Self: Sized,
    {
        self.scan_raw(t, "", None, usize::MAX)?.iter().map(|(_, v)| decode(v)).collect()
    }

    /// The string stored under `key` (index tables).
    fn get_str(&self, t: Tbl, key: &str) -> Result<Option<String>, StoreError>
    where
        Self: Sized,
    {
        Ok(self.get_raw(t, key)?.map(|b| String::from_utf8_lossy(&b).into_owned()))
    }
}

/// Decodes a stored JSON value.
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn get_in(table: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
    Ok(table.get(key).map_err(db_err)?.map(|g| g.value().to_vec()))
}

fn scan_in(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    prefix: &str,
    after: Option<&str>,
    limit: usize,
) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
    let start = match after {
        Some(a) if a >= prefix => Bound::Excluded(a),
        _ => Bound::Included(prefix),
    };
    let mut out = Vec::new();
    for entry in table.range::<&str>((start, Bound::Unbounded)).map_err(db_err)? {
        let (k, v) = entry.map_err(db_err)?;
        let key = k.value();
        if !key.starts_with(prefix) || out.len() >= limit {
            break;
        }
        out.push((key.to_string(), v.value().to_vec()));
    }
    Ok(out)
}

fn last_before_in(
    table: &impl ReadableTable<&'static str, &'static [u8]>,
    prefix: &str,
    before: &str,
) -> Result<Option<(String, Vec<u8>)>, StoreError> {
    if before <= prefix {
        return Ok(None);
    }
    let last = table.range::<&str>(prefix..before).map_err(db_err)?.next_back().transpose().map_err(db_err)?;
    Ok(last.map(|(k, v)| (k.value().to_string(), v.value().to_vec())).filter(|(k, _)| k.starts_with(prefix)))
}

fn events_in(
    table: &impl ReadableTable<u64, &'static [u8]>,
    after: u64,
    limit: usize,
) -> Result<Vec<Event>, StoreError> {
    let mut out = Vec::new();
    for entry in table.range(after.saturating_add(1)..).map_err(db_err)?.take(limit) {
        let (k, v) = entry.map_err(db_err)?;
        out.push(codec::decode_event(k.value(), v.value())?);
    }
    Ok(out)
}

fn range_bin_in(
    table: &impl ReadableTable<&'static [u8], &'static [u8]>,
    first: &[u8],
    last: &[u8],
    limit: usize,
) -> Result<BinRows, StoreError> {
    let mut out = Vec::new();
    if first > last {
        return Ok(out);
    }
    for entry in table.range::<&[u8]>(first..=last).map_err(db_err)?.take(limit) {
        let (k, v) = entry.map_err(db_err)?;
        out.push((k.value().to_vec(), v.value().to_vec()));
    }
    Ok(out)
}

fn last_in(table: &impl ReadableTable<u64, &'static [u8]>) -> Result<u64, StoreError> {
    Ok(table.last().map_err(db_err)?.map_or(0, |(k, _)| k.value()))
}

/// Opening the tables: the one thing read and write transactions do differently.
pub trait Tables {
    /// A string-keyed table, read-only.
    fn strings(&self, t: Tbl) -> Result<impl ReadableTable<&'static str, &'static [u8]> + '_, StoreError>;
    /// A binary-keyed table, read-only.
    fn binary(&self, t: Bin) -> Result<impl ReadableTable<&'static [u8], &'static [u8]> + '_, StoreError>;
    /// The event log, read-only.
    fn events(&self) -> Result<impl ReadableTable<u64, &'static [u8]> + '_, StoreError>;
}

impl Tables for ReadTransaction {
    fn strings(&self, t: Tbl) -> Result<impl ReadableTable<&'static str, &'static [u8]> + '_, StoreError> {
        self.open_table(t.def()).map_err(db_err)
    }
    fn binary(&self, t: Bin) -> Result<impl ReadableTable<&'static [u8], &'static [u8]> + '_, StoreError> {
        self.open_table(t.def()).map_err(db_err)
    }
    fn events(&self) -> Result<impl ReadableTable<u64, &'static [u8]> + '_, StoreError> {
        self.open_table(EVENTS).map_err(db_err)
    }
}

impl Tables for WriteTransaction {
    fn strings(&self, t: Tbl) -> Result<impl ReadableTable<&'static str, &'static [u8]> + '_, StoreError> {
        self.open_table(t.def()).map_err(db_err)
    }
    fn binary(&self, t: Bin) -> Result<impl ReadableTable<&'static [u8], &'static [u8]> + '_, StoreError> {
        self.open_table(t.def()).map_err(db_err)
    }
    fn events(&self) -> Result<impl ReadableTable<u64, &'static [u8]> + '_, StoreError> {
        self.open_table(EVENTS).map_err(db_err)
    }
}

impl<T: Tables> Reader for T {
    fn get_raw(&self, t: Tbl, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        get_in(&self.strings(t)?, key)
    }
    fn scan_raw(
        &self,
        t: Tbl,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        scan_in(&self.strings(t)?, prefix, after, limit)
    }
    fn last_before_raw(&self, t: Tbl, prefix: &str, before: &str) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        last_before_in(&self.strings(t)?, prefix, before)
    }
    fn get_bin(&self, t: Bin, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.binary(t)?.get(key).map_err(db_err)?.map(|g| g.value().to_vec()))
    }
    fn range_bin(&self, t: Bin, first: &[u8], last: &[u8], limit: usize) -> Result<BinRows, StoreError> {
        range_bin_in(&self.binary(t)?, first, last, limit)
    }
    fn events_after(&self, after: u64, limit: usize) -> Result<Vec<Event>, StoreError> {
        events_in(&self.events()?, after, limit)
    }
    fn last_seq(&self) -> Result<u64, StoreError> {
        last_in(&self.events()?)
    }
    fn count(&self, t: Tbl) -> Result<u64, StoreError> {
        self.strings(t)?.len().map_err(db_err)
    }
}
