//! The keys of `Tbl::ConvIndex`, the sorted secondary index of conversations that list views
//! read (schema 5, shortened in schema 7 and 9), the rows of `Tbl::ConvNumbers` that lead from
//! a key back to its conversation, and the cursors clients hold.
//!
//! A key is `{partition code}{sort}{sort key}` with an empty value:
//!
//! - the partition code is `*` for `all`, else the short code `Tbl::PartitionCodes` gives the
//!   partition (see `store::partition_codes`): a number handed out in order, written
//!   as a length digit and its digits, so 2 to 5 characters where schema 7 spent 23 on the
//!   entity id;
//! - sort `n` (newest first): created time descending, then the human number descending;
//! - sort `d` (most recently updated first): updated time descending, number descending, then
//!   a flag, `w` when the conversation is waiting and `-` when not (it breaks no tie: numbers
//!   are unique);
//! - sort `w` (waiting): only for conversations that wait (`waiting_since` set and not
//!   closed): waiting since ascending, then number ascending. The waiting order continues with
//!   every other conversation in `d` order, so a waiting-order read takes the `w` keys and then
//!   the `d` keys whose flag is `-`: nobody stores a second copy of the update order.
//!
//! Digits are the 64 characters `0`..`o` (0x30..0x6F), whose byte order is their value order, so
//! keys sort like the numbers they hold. Times are 7 digits (42 bits of milliseconds: until the
//! year 2109; times outside are clamped), numbers a length digit and their digits.
//!
//! Every sort key ends with the conversation's human number, which is unique, so a key needs no
//! conversation id (schema 6 appended `/{id}`, about 40% of each key): readers take the number
//! out of the key ([`tail_number`]) and look the id up in `Tbl::ConvNumbers`, whose keys are
//! the numbers in ascending digits ([`number_key`]) and whose values the ids ([`id_row`]).
//!
//! Cursors keep the shape they had before schema 5 (`{sort key}/{id}` with 16-hex-digit
//! fields), so cursors that clients hold stay valid; [`position`] reads them back and refuses
//! anything else.

use super::{StoreError, codec};
use crate::domain::Timestamp;
use crate::domain::conversation::{Conversation, Sort, Status};

/// Base of the digits.
const BASE: u64 = 64;
/// First digit character.
const ZERO: u8 = 0x30;
/// Digits of a time.
const TIME_DIGITS: u32 = 7;
/// Greatest time a key holds (milliseconds).
const MAX_TIME: i64 = (1 << (6 * TIME_DIGITS)) - 1;
/// Sorts after every character of a key's sort part: "after this position" in scans.
pub(super) const PAST: char = '~';
/// Flag of a `d` key whose conversation waits.
const WAITING_FLAG: u8 = b'w';

fn digit(v: u64) -> char {
    char::from(ZERO + (v % BASE) as u8)
}

fn push_fixed(out: &mut String, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        out.push(digit(v >> (6 * i)));
    }
}

fn time_value(t: Timestamp) -> u64 {
    t.millis().clamp(0, MAX_TIME) as u64
}

fn push_time(out: &mut String, t: Timestamp, descending: bool) {
    let v = time_value(t);
    push_fixed(out, if descending { MAX_TIME as u64 - v } else { v }, TIME_DIGITS);
}

/// A number as a length digit and its digits; descending complements both.
fn push_number(out: &mut String, n: u64, descending: bool) {
    let len = (1..=11u32).find(|d| *d == 11 || n < 1u64 << (6 * d)).unwrap_or(11);
    let (len_digit, v) = if descending { (63 - u64::from(len), n) } else { (u64::from(len), n) };
    out.push(digit(len_digit));
    for i in (0..len).rev() {
        let d = (v >> (6 * i)) % BASE;
        out.push(digit(if descending { 63 - d } else { d }));
    }
}

/// The code of the `all` partition: the only partition without a row in
/// `Tbl::PartitionCodes`.
pub(super) const ALL_CODE: &str = "*";

/// The code handed out as the `n`-th (from 0): `n` as a length digit and its digits. The
/// length digit makes codes prefix-free, so one partition's keys never share a prefix with
/// another's.
pub(super) fn short_code(n: u64) -> String {
    let mut s = String::with_capacity(5);
    push_number(&mut s, n, false);
    s
}

/// Prefix of the keys of the partition with this code in one sort (`w`, `d` or `n`).
pub(super) fn prefix(code: &str, sort: char) -> String {
    let mut p = String::with_capacity(code.len() + 1);
    p.push_str(code);
    p.push(sort);
    p
}

/// Whether a conversation waits: it has a waiting time and is not closed.
pub(super) fn waits(c: &Conversation) -> Option<Timestamp> {
    c.waiting_since.filter(|_| c.status != Status::Closed)
}

/// A list of conversations the index keeps: what list views, the monitor, routing and search
/// read. Outside the store a partition is only ever this type; its key spelling is here alone.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Partition {
    /// Every conversation.
    All,
    /// The conversations of an inbox.
    Inbox(String),
    /// The conversations of a contact.
    Contact(String),
    /// The queued conversations of an inbox.
    InboxQueue(String),
    /// The queued conversations transferred to a team.
    TeamQueue(String),
    /// The conversations offered to an agent.
    OfferedTo(String),
    /// The conversations assigned to a user, not closed.
    AssignedTo(String),
    /// The conversations a user took part in.
    Participant(String),
    /// The conversations carrying a label.
    Label(String),
}

impl Partition {
    /// The partition's key in the index.
    pub(super) fn key(&self) -> String {
        match self {
            Partition::All => "all".to_string(),
            Partition::Inbox(id) => format!("i:{id}"),
            Partition::Contact(id) => format!("c:{id}"),
            Partition::InboxQueue(id) => format!("u:{id}"),
            Partition::TeamQueue(id) => format!("t:{id}"),
            Partition::OfferedTo(id) => format!("o:{id}"),
            Partition::AssignedTo(id) => format!("a:{id}"),
            Partition::Participant(id) => format!("p:{id}"),
            Partition::Label(id) => format!("l:{id}"),
        }
    }
}

impl Partition {
    /// The partition a key names (tests spell partitions as keys).
    #[cfg(test)]
    pub(super) fn from_key(key: &str) -> Partition {
        let (kind, id) = key.split_once(':').unwrap_or((key, ""));
        let id = id.to_string();
        match kind {
            "i" => Partition::Inbox(id),
            "c" => Partition::Contact(id),
            "u" => Partition::InboxQueue(id),
            "t" => Partition::TeamQueue(id),
            "o" => Partition::OfferedTo(id),
            "a" => Partition::AssignedTo(id),
            "p" => Partition::Participant(id),
            "l" => Partition::Label(id),
            _ => Partition::All,
        }
    }
}

/// The partitions a conversation belongs to, as keys.
pub(super) fn partitions(c: &Conversation) -> Vec<String> {
    let mut parts =
        vec![Partition::All, Partition::Inbox(c.inbox_id.clone()), Partition::Contact(c.contact_id.clone())];
    if c.status == Status::Queued {
        parts.push(Partition::InboxQueue(c.inbox_id.clone()));
        if let Some(t) = &c.team_id {
            parts.push(Partition::TeamQueue(t.clone()));
        }
    }
    if let Some(o) = c.offer.as_ref().filter(|_| c.status == Status::Offered) {
        parts.push(Partition::OfferedTo(o.agent_id.clone()));
    }
    if let Some(a) = c.assignee.as_ref().filter(|_| c.status != Status::Closed) {
        parts.push(Partition::AssignedTo(a.clone()));
    }
    parts.extend(c.participants.iter().cloned().map(Partition::Participant));
    parts.extend(c.labels.iter().cloned().map(Partition::Label));
    parts.iter().map(Partition::key).collect()
}

/// The sort part of a key (after the partition prefix, before `/{id}`).
fn sort_part(c: &Conversation, sort: char) -> Option<String> {
    let mut s = String::with_capacity(20);
    match sort {
        'w' => {
            push_time(&mut s, waits(c)?, false);
            push_number(&mut s, c.number, false);
        }
        'd' => {
            push_time(&mut s, c.updated_at, true);
            push_number(&mut s, c.number, true);
            s.push(if waits(c).is_some() { char::from(WAITING_FLAG) } else { '-' });
        }
        _ => {
            push_time(&mut s, c.created_at, true);
            push_number(&mut s, c.number, true);
        }
    }
    Some(s)
}

/// Every index entry of a conversation: `(partition, sort letter + sort part)`. Its key is
/// the partition's code followed by the second part.
pub(super) fn index_entries(c: &Conversation) -> Vec<(String, String)> {
    let parts = partitions(c);
    let mut entries = Vec::with_capacity(parts.len() * 3);
    for sort in ['w', 'd', 'n'] {
        let Some(tail) = sort_part(c, sort) else { continue };
        for part in &parts {
            entries.push((part.clone(), format!("{sort}{tail}")));
        }
    }
    entries
}

/// Whether the tail of a `d` key (after the prefix) belongs to a waiting conversation.
pub(super) fn tail_waits(tail: &str) -> bool {
    tail.as_bytes().last() == Some(&WAITING_FLAG)
}

/// The human number in the tail of a key of `sort` (after the prefix); `None` when the tail
/// is not one that [`index_entries`] writes.
pub(super) fn tail_number(tail: &str, sort: char) -> Option<u64> {
    let b = tail.as_bytes();
    let descending = sort != 'w';
    let digit_at = |i: usize| -> Option<u64> {
        let d = u64::from(b.get(i)?.checked_sub(ZERO)?);
        (d < BASE).then_some(if descending { 63 - d } else { d })
    };
    let start = TIME_DIGITS as usize;
    let len = digit_at(start)? as usize;
    if !(1..=11).contains(&len) {
        return None;
    }
    let mut n = 0u64;
    for i in 0..len {
        n = n.checked_mul(BASE)?.checked_add(digit_at(start + 1 + i)?)?;
    }
    // A `d` tail ends with the waiting flag; nothing else follows the number.
    (b.len() == start + 1 + len + usize::from(sort == 'd')).then_some(n)
}

/// The key of a human number in `Tbl::ConvNumbers`: its digits ascending, so numbers handed
/// out in order are appended in key order.
pub(super) fn number_key(number: u64) -> String {
    let mut s = String::with_capacity(4);
    push_number(&mut s, number, false);
    s
}

/// The value of `Tbl::ConvNumbers` for a conversation id: a compact row holding the id's
/// 16-byte value when it has the standard shape, else the id as text.
pub(super) fn id_row(id: &str) -> Result<Vec<u8>, StoreError> {
    codec::to_row(&codec::Id::pack(codec::CONV, id))
}

/// The conversation id a `Tbl::ConvNumbers` value holds.
pub(super) fn id_of_row(row: &[u8]) -> Result<String, StoreError> {
    Ok(codec::from_row::<codec::Id>(row)?.unpack(codec::CONV))
}

fn newer_first(c: &Conversation) -> u64 {
    u64::MAX - c.number
}

fn desc_hex(t: Timestamp) -> String {
    format!("{:016x}", (i64::MAX - t.millis()) as u64)
}

/// A conversation's position in a sort: what cursors hold. Ties in time are broken by the
/// human number in the sort's direction (older first when waiting, newer first otherwise).
pub fn cursor_of(c: &Conversation, sort: Sort) -> String {
    let key = match sort {
        Sort::Waiting => match waits(c) {
            Some(t) => format!("0{:016x}{:016x}", t.millis().max(0) as u64, c.number),
            None => format!("1{}{:016x}", desc_hex(c.updated_at), newer_first(c)),
        },
        Sort::Updated => format!("{}{:016x}", desc_hex(c.updated_at), newer_first(c)),
        Sort::Created => format!("{}{:016x}", desc_hex(c.created_at), newer_first(c)),
    };
    format!("{key}/{}", c.id)
}

/// Where a cursor points: in the waiting part of the waiting order or not, a time and a
/// number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Position {
    /// In the `w` keys (only in the waiting order).
    pub waiting: bool,
    /// The time the sort orders by.
    pub at: Timestamp,
    /// The human number.
    pub number: u64,
}

fn hex(s: &str) -> Option<u64> {
    (s.len() == 16 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| u64::from_str_radix(s, 16).ok()).flatten()
}

/// Reads a cursor made by [`cursor_of`] for `sort`; `None` when it is not one.
pub(super) fn position(cursor: &str, sort: Sort) -> Option<Position> {
    let (key, id) = cursor.split_once('/')?;
    if id.is_empty() || id.contains('/') {
        return None;
    }
    let pair = |s: &str| Some((hex(s.get(..16)?)?, hex(s.get(16..)?)?));
    let from_desc = |(d, nf): (u64, u64)| Position {
        waiting: false,
        at: Timestamp(i64::MAX.wrapping_sub(d as i64)),
        number: u64::MAX - nf,
    };
    match sort {
        Sort::Waiting => match key.split_at_checked(1)? {
            ("0", rest) => pair(rest).map(|(t, n)| Position { waiting: true, at: Timestamp(t as i64), number: n }),
            ("1", rest) => pair(rest).map(from_desc),
            _ => None,
        },
        Sort::Updated | Sort::Created => pair(key).map(from_desc),
    }
}

/// Whether `cursor` is one that [`cursor_of`] makes for `sort` (anything else is refused
/// rather than read as a position).
pub fn is_cursor(cursor: &str, sort: Sort) -> bool {
    position(cursor, sort).is_some()
}

/// The scan start, inside a `sort` prefix, just past every key at `p`.
pub(super) fn after_position(prefix: &str, sort: char, p: Position) -> String {
    let mut s = prefix.to_string();
    push_time(&mut s, p.at, sort != 'w');
    push_number(&mut s, p.number, sort != 'w');
    s.push(PAST);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_times_sort_like_their_values_both_ways() {
        let values = [0u64, 1, 63, 64, 65, 4095, 4096, 1_000_000, u64::MAX / 3, u64::MAX];
        for a in values {
            for b in values {
                let (mut x, mut y) = (String::new(), String::new());
                push_number(&mut x, a, false);
                push_number(&mut y, b, false);
                assert_eq!(x.cmp(&y), a.cmp(&b), "{a} {b}");
                let (mut x, mut y) = (String::new(), String::new());
                push_number(&mut x, a, true);
                push_number(&mut y, b, true);
                assert_eq!(x.cmp(&y), b.cmp(&a), "{a} {b} descending");
            }
        }
        let (mut x, mut y) = (String::new(), String::new());
        push_time(&mut x, Timestamp(1_700_000_000_000), true);
        push_time(&mut y, Timestamp(1_700_000_000_001), true);
        assert!(x > y && x.len() == 7);
    }

    #[test]
    fn keys_give_back_their_number_and_ids_their_row() {
        for number in [0u64, 1, 63, 64, 1001, 99_999, 1 << 40, u64::MAX] {
            let mut c = Conversation::new(
                "cv_x".into(),
                number,
                "inb_a".into(),
                "ct_a".into(),
                crate::domain::conversation::Origin::Inbound,
                Timestamp(1_700_000_000_000),
            );
            c.waiting_since = Some(Timestamp(1_700_000_100_000));
            for sort in ['w', 'd', 'n'] {
                let tail = sort_part(&c, sort).expect("waits");
                assert_eq!(tail_number(&tail, sort), Some(number), "{number} {sort}");
                assert_eq!(tail_waits(&tail), sort == 'd');
            }
            assert!(index_entries(&c).iter().all(|(_, rest)| !rest.contains("cv_x")), "no id in the keys");
        }
        let tail = sort_part(
            &Conversation::new(
                "cv_x".into(),
                7,
                "i".into(),
                "c".into(),
                crate::domain::conversation::Origin::Inbound,
                Timestamp(5),
            ),
            'n',
        )
        .expect("n");
        assert_eq!(tail_number(&format!("{tail}/cv_x"), 'n'), None, "a schema-6 tail is not read as a number");
        assert_eq!(tail_number(&tail[..tail.len() - 1], 'n'), None, "cut short");
        assert_eq!(tail_number("", 'd'), None);
        assert!(number_key(64) > number_key(63) && number_key(1000) < number_key(1001));
        let id = crate::domain::id::new_id("cv", Timestamp(1_700_000_000_000), [7; 10]);
        assert_eq!(id_row(&id).map(|r| r.len()).ok(), Some(18));
        for id in [id.as_str(), "cv_00000001", "odd id"] {
            assert_eq!(id_of_row(&id_row(id).expect("encodes")).expect("decodes"), id);
        }
        assert!(id_of_row(b"junk").is_err());
    }

    #[test]
    fn codes_are_short_prefix_free_and_sort_apart() {
        let codes: Vec<String> =
            (0..300_000u64).step_by(7).chain([0, 63, 64, 4095, 4096, 262_143, 262_144]).map(short_code).collect();
        assert_eq!(short_code(20_000).len(), 4, "a desk's contacts fit in four characters");
        for (i, a) in codes.iter().enumerate().step_by(97) {
            for b in codes.iter().skip(i + 1).step_by(89) {
                if a != b {
                    assert!(!b.starts_with(a.as_str()) && !a.starts_with(b.as_str()), "{a} {b}");
                }
            }
            assert!(!a.starts_with(ALL_CODE));
        }
        assert_eq!(prefix(&short_code(5), 'd'), format!("{}d", short_code(5)));
    }

    #[test]
    fn cursors_read_back_and_others_are_refused() {
        let mut c = Conversation::new(
            "cv_x".into(),
            1234,
            "inb_a".into(),
            "ct_a".into(),
            crate::domain::conversation::Origin::Inbound,
            Timestamp(1_700_000_000_000),
        );
        c.updated_at = Timestamp(1_700_000_500_000);
        c.waiting_since = Some(Timestamp(1_700_000_100_000));
        let w = position(&cursor_of(&c, Sort::Waiting), Sort::Waiting).expect("waiting");
        assert_eq!(w, Position { waiting: true, at: Timestamp(1_700_000_100_000), number: 1234 });
        let d = position(&cursor_of(&c, Sort::Updated), Sort::Updated).expect("updated");
        assert_eq!(d, Position { waiting: false, at: c.updated_at, number: 1234 });
        c.waiting_since = None;
        let w = position(&cursor_of(&c, Sort::Waiting), Sort::Waiting).expect("not waiting");
        assert_eq!(w, Position { waiting: false, at: c.updated_at, number: 1234 });
        assert_eq!(position("bogus", Sort::Updated), None);
        assert_eq!(position(&cursor_of(&c, Sort::Created), Sort::Waiting), None, "another sort's cursor");
        assert_eq!(position(&cursor_of(&c, Sort::Waiting), Sort::Created), None);
    }
}
