//! The chunk row layout: indices to chunks and back, entries with holes, and
//! corrupt rows refused with `StoreError::Corrupt`, never a panic.

use super::*;

#[test]
fn indices_map_to_chunks_and_back() {
    assert_eq!(locate(0), (0, 0));
    assert_eq!(locate(CHUNK_LEN - 1), (0, (CHUNK_LEN - 1) as u8));
    assert_eq!(locate(CHUNK_LEN), (1, 0));
    assert_eq!(locate(CHUNK_LEN + 1), (1, 1));
    for index in [0, 1, 31, 32, 33, 70_000, u32::MAX] {
        let (chunk, offset) = locate(index);
        assert_eq!(index_at(chunk, offset).expect("an index"), index);
    }
    assert!(matches!(index_at(u32::MAX, 0), Err(StoreError::Corrupt(_))));
}

#[test]
fn entries_round_trip_with_holes_and_are_found_by_offset() {
    let long = vec![7u8; 300];
    let given: Vec<(u8, &[u8])> = vec![(0, b"first"), (1, b""), (5, long.as_slice()), ((CHUNK_LEN - 1) as u8, b"last")];
    let row = encode_chunk(given.iter().copied()).expect("encodes");
    assert_eq!(row[0], CHUNK_FORMAT);
    assert_eq!(entries(&row).expect("reads"), given);
    assert_eq!(entry_at(&row, 5).expect("reads"), Some(long.as_slice()));
    assert_eq!(entry_at(&row, 1).expect("reads"), Some(&b""[..]));
    assert_eq!(entry_at(&row, 2).expect("reads"), None, "a hole");
    // Overhead per entry: one byte of offset and the length's varint.
    assert_eq!(row.len(), 1 + (2 + 5) + 2 + (3 + 300) + (2 + 4));
    assert_eq!(entries(&encode_chunk([]).expect("encodes")).expect("reads"), []);
}

#[test]
fn rows_that_do_not_follow_the_layout_are_corrupt() {
    let good = encode_chunk([(0, &b"abc"[..]), (3, &b"de"[..])]).expect("encodes");
    let mut bad_rows: Vec<Vec<u8>> = vec![
        vec![],
        vec![9, 0, 0],
        // An entry longer than what is left.
        vec![CHUNK_FORMAT, 0, 10, 1, 2],
        // Offsets out of order, repeated, and past the chunk.
        vec![CHUNK_FORMAT, 3, 0, 1, 0],
        vec![CHUNK_FORMAT, 1, 0, 1, 0],
        vec![CHUNK_FORMAT, CHUNK_LEN as u8, 0],
        // A length varint that never ends.
        vec![CHUNK_FORMAT, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
    ];
    for cut in 2..good.len() - 1 {
        bad_rows.push(good[..cut].to_vec());
    }
    for row in bad_rows {
        if row.len() > 1 && row[..] == good[..row.len()] && entries(&row).is_ok() {
            continue; // a cut that happens to end between entries is a shorter, valid chunk
        }
        assert!(matches!(entries(&row), Err(StoreError::Corrupt(_))), "{row:?}");
        assert!(matches!(entry_at(&row, 0), Err(StoreError::Corrupt(_))), "{row:?}");
    }
    assert!(encode_chunk([(3, &b""[..]), (3, &b""[..])]).is_err());
    assert!(encode_chunk([(CHUNK_LEN as u8, &b""[..])]).is_err());
}
