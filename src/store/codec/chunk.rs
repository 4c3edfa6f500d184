//! Timeline chunks: one row of `Bin::Timeline` holds a run of [`CHUNK_LEN`] consecutive
//! entries of one conversation, so the key and redb's per-row costs are paid once per chunk
//! instead of once per entry. Entry `index` lives in chunk `index / CHUNK_LEN` (its key is
//! `store::keys::chunk_key`) at offset `index % CHUNK_LEN`.
//!
//! Row: [`CHUNK_FORMAT`], then each entry present in the chunk, in offset order: its offset
//! (one byte), its length (a postcard varint) and the entry (`codec::encode_entry`). The
//! offsets let a chunk have holes (an entry written out of order); the lengths let a reader
//! skip to the entries it needs and decode only those.

use crate::store::StoreError;

/// Entries per chunk. The storage benchmark (issue 5, about 10 entries per conversation)
/// gives the same size with 8 and 32: the key and redb's per-row costs (about 40 bytes) are
/// spread over the entries either way. Longer rows cost in another way: redb packs an
/// ascending load's leaves until the next row does not fit in the 4 KiB page, so a page wastes
/// about half a row. Measured on redb alone with 100-entry conversations of 97-byte entries,
/// the bytes per entry beyond the entry itself were 34 with one row per entry, 12 with 8
/// entries a row, 29 with 16 or 32. Eight entries (under 1 KB) keep both costs small, and
/// appending an entry rewrites at most eight.
pub(crate) const CHUNK_LEN: u32 = 8;

/// First byte of a chunk row: the layout described above.
pub(crate) const CHUNK_FORMAT: u8 = 1;

/// The chunk holding entry `index`, and the entry's offset in it.
pub(crate) fn locate(index: u32) -> (u32, u8) {
    // The offset is below CHUNK_LEN, which is at most 256 (checked at compile time below).
    (index / CHUNK_LEN, (index % CHUNK_LEN) as u8)
}

const _: () = assert!(CHUNK_LEN >= 1 && CHUNK_LEN <= 256, "offsets are one byte");

/// The index of the entry at `offset` in chunk `chunk`; corruption when no index is there (a
/// chunk number no index maps to).
pub(crate) fn index_at(chunk: u32, offset: u8) -> Result<u32, StoreError> {
    chunk
        .checked_mul(CHUNK_LEN)
        .and_then(|first| first.checked_add(u32::from(offset)))
        .ok_or_else(|| StoreError::Corrupt(format!("timeline chunk {chunk} is past the last index")))
}

/// The entries of a chunk row, `(offset, entry bytes)` in offset order, without decoding any
/// entry. Anything that does not follow the layout is corruption.
pub(crate) fn entries(row: &[u8]) -> Result<Vec<(u8, &[u8])>, StoreError> {
    let corrupt = |what: &str| StoreError::Corrupt(format!("timeline chunk: {what}"));
    let mut rest = match row.split_first() {
        Some((&CHUNK_FORMAT, rest)) => rest,
        Some((other, _)) => return Err(corrupt(&format!("unknown format {other}"))),
        None => return Err(corrupt("empty row")),
    };
    let mut out = Vec::new();
    while let Some((&offset, tail)) = rest.split_first() {
        if u32::from(offset) >= CHUNK_LEN || out.last().is_some_and(|&(last, _)| last >= offset) {
            return Err(corrupt(&format!("offset {offset} out of order")));
        }
        let (len, tail) = postcard::take_from_bytes::<u32>(tail).map_err(|_| corrupt("unreadable entry length"))?;
        let len = usize::try_from(len).map_err(|_| corrupt("entry length"))?;
        if len > tail.len() {
            return Err(corrupt("entry longer than the row"));
        }
        let (entry, tail) = tail.split_at(len);
        out.push((offset, entry));
        rest = tail;
    }
    Ok(out)
}

/// The bytes of the entry at `offset` in a chunk row, if it holds one.
pub(crate) fn entry_at(row: &[u8], offset: u8) -> Result<Option<&[u8]>, StoreError> {
    Ok(entries(row)?.into_iter().find(|&(o, _)| o == offset).map(|(_, e)| e))
}

/// A chunk row of `entries`, which must be in strictly increasing offset order below
/// [`CHUNK_LEN`] (as [`entries`] returns them and a `BTreeMap` iterates).
pub(crate) fn encode_chunk<'a>(entries: impl IntoIterator<Item = (u8, &'a [u8])>) -> Result<Vec<u8>, StoreError> {
    let mut row = vec![CHUNK_FORMAT];
    let mut last: Option<u8> = None;
    for (offset, entry) in entries {
        if u32::from(offset) >= CHUNK_LEN || last.is_some_and(|l| l >= offset) {
            return Err(StoreError::Corrupt(format!("timeline chunk: offset {offset} out of order")));
        }
        last = Some(offset);
        let len = u32::try_from(entry.len()).map_err(|_| StoreError::Corrupt("timeline entry too long".into()))?;
        row.push(offset);
        row =
            postcard::to_extend(&len, row).map_err(|e| StoreError::Corrupt(format!("cannot encode a length: {e}")))?;
        row.extend_from_slice(entry);
    }
    Ok(row)
}

#[cfg(test)]
mod tests;
