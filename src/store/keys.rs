//! Every key encoding of the store, in one file: how each table's keys are spelled, what order
//! they sort in, and how they are read back. Everything else in `store/` builds and reads keys
//! only through these functions.
//!
//! **The conversation index** (`Tbl::ConvIndex`), the sorted secondary index that list views,
//! the monitor, routing and search read, the keys of `Tbl::ConvNumbers` that lead from an index
//! key back to its conversation, and the cursors clients hold. An index key is
//! `{partition code}{sort}{sort key}` with an empty value:
//!
//! - the partition code is `*` for `all`, else the short code `Tbl::PartitionCodes` gives the
//!   partition (see `store::partition_codes`): a number handed out in order, written as a
//!   length digit and its digits, so 2 to 5 characters instead of an entity id's 23;
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
//! conversation id: readers take the number out of the key ([`tail_number`]) and look the id up
//! in `Tbl::ConvNumbers`, whose keys are the numbers in ascending digits ([`number_key`]) and
//! whose values the ids ([`id_row`]).
//!
//! Cursors are `{sort key}/{id}` with 16-hex-digit fields; [`position`] reads them back and
//! refuses anything else.
//!
//! **The other text keys** ([`records`](self#records)): the contact index, the routing index
//! and its timers, the status log, read marks, credentials by user, files by contact, route
//! cursors and idempotency records. Times in them are 16 hex digits, so key order is time order.
//!
//! **Binary keys** of the timeline and the message-id index: an id in key form
//! ([`push_key_id`]), self-delimiting, so a key that continues after it can be range-scanned
//! per id.

use super::{StoreError, codec};
use crate::domain::Timestamp;
use crate::domain::contact::{Contact, MAX_PHONE_DIGITS, name_words};
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

/// 16 hex digits of a time (clamped at 0): the time fields of the text keys below.
pub(super) fn hex_time(t: Timestamp) -> String {
    format!("{:016x}", t.millis().max(0) as u64)
}

/// The time in 16 hex digits written by [`hex_time`].
pub(super) fn read_hex_time(h: &str) -> Option<Timestamp> {
    hex(h).map(|ms| Timestamp(ms as i64))
}

/// The id at the end of a `…/{id}` key.
pub(super) fn id_after_slash(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or_default()
}

// ---- The contact index (`Tbl::ContactIndex`) ----
//
// `e:{email}`, `p:{phone}`, `x:{external id}` → contact id (unique);
// `n:{name word}/{id}`, `s:{phone digit suffix}/{id}` → "" (word prefixes and every run of
// digits at the end of the phone, so the local part or the last four digits are a prefix scan).

/// Shortest run of digits that searches a phone.
pub(super) const MIN_PHONE_DIGITS: usize = 3;

/// The unique key of a normalized email.
pub(super) fn contact_email(email: &str) -> String {
    format!("e:{email}")
}

/// The unique key of a normalized phone.
pub(super) fn contact_phone(phone: &str) -> String {
    format!("p:{phone}")
}

/// The unique key of an external id.
pub(super) fn contact_external(external_id: &str) -> String {
    format!("x:{external_id}")
}

/// The scan prefix of the name words starting with `word`.
pub(super) fn contact_name_prefix(word: &str) -> String {
    format!("n:{word}")
}

/// The scan prefix of the phones whose digits end with a run starting with `digits`.
pub(super) fn contact_digits_prefix(digits: &str) -> String {
    format!("s:{digits}")
}

/// Every index key of a contact, with its value.
pub(super) fn contact_index_keys(c: &Contact) -> Vec<(String, String)> {
    let mut keys = Vec::new();
    if let Some(e) = c.email_key() {
        keys.push((contact_email(&e), c.id.clone()));
    }
    if let Some(p) = c.phone_key() {
        let all: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
        let digits: String = all[all.len().saturating_sub(MAX_PHONE_DIGITS)..].iter().collect();
        for i in 0..=digits.len().saturating_sub(MIN_PHONE_DIGITS) {
            keys.push((format!("s:{}/{}", &digits[i..], c.id), String::new()));
        }
        keys.push((contact_phone(&p), c.id.clone()));
    }
    if let Some(x) = &c.external_id {
        keys.push((contact_external(x), c.id.clone()));
    }
    for w in name_words(&c.name) {
        keys.push((format!("n:{w}/{}", c.id), String::new()));
    }
    keys
}

// ---- The routing index and timers (`Tbl::Routing`) ----
//
// `offer/{deadline}/{conversation}`: offers waiting for an answer, by deadline;
// `held/{agent}/{conversation}`: the offers an agent holds (they count for capacity);
// `idle/{inbox}/{since}/{conversation}`: conversations that may close on their own, by the
// start of their idleness, per inbox; `seen/{last sign of life}/{user}`: available agents.

/// Prefix of the offers by deadline.
pub(super) const OFFERS: &str = "offer/";
/// Prefix of the offers held, by agent.
pub(super) const HELD: &str = "held/";
/// Prefix of the available agents by last sign of life.
pub(super) const SEEN: &str = "seen/";

/// An offer's deadline key.
pub(super) fn offer_key(deadline: Timestamp, conversation_id: &str) -> String {
    format!("{OFFERS}{}/{conversation_id}", hex_time(deadline))
}

/// The key of an offer an agent holds.
pub(super) fn held_key(agent_id: &str, conversation_id: &str) -> String {
    format!("{HELD}{agent_id}/{conversation_id}")
}

/// The prefix of the offers one agent holds.
pub(super) fn held_prefix(agent_id: &str) -> String {
    format!("{HELD}{agent_id}/")
}

/// The idle-timer key of a conversation in its inbox.
pub(super) fn idle_key(inbox_id: &str, since: Timestamp, conversation_id: &str) -> String {
    format!("{}{}/{conversation_id}", idle_prefix(inbox_id), hex_time(since))
}

/// The prefix of one inbox's idle timers.
pub(super) fn idle_prefix(inbox_id: &str) -> String {
    format!("idle/{inbox_id}/")
}

/// The presence key of an available agent.
pub(super) fn seen_key(at: Timestamp, user_id: &str) -> String {
    format!("{SEEN}{}/{user_id}", hex_time(at))
}

/// `(time, id)` of a timer key after its prefix (`{time}/{id}`).
pub(super) fn timer_parts(rest: &str) -> Option<(&str, &str)> {
    rest.split_once('/')
}

// ---- Records ----

/// `Tbl::StatusLog`: `{user}/{at}/{seq}` → the status moved to.
pub(super) fn status_log_key(user_id: &str, at: Timestamp, seq: u64) -> String {
    format!("{}{}/{seq:016x}", status_log_prefix(user_id), hex_time(at))
}

/// The prefix of one agent's status log.
pub(super) fn status_log_prefix(user_id: &str) -> String {
    format!("{user_id}/")
}

/// `Tbl::ReadMarks`: `{user}/{conversation}` → the read mark.
pub(super) fn read_mark_key(user_id: &str, conversation_id: &str) -> String {
    format!("{user_id}/{conversation_id}")
}

/// `Tbl::UserCredentials`: `{user}/{credential}` → "".
pub(super) fn user_credential_key(user_id: &str, credential_id: &str) -> String {
    format!("{}{credential_id}", user_credentials_prefix(user_id))
}

/// The prefix of one user's credentials.
pub(super) fn user_credentials_prefix(user_id: &str) -> String {
    format!("{user_id}/")
}

/// `Tbl::ContactFiles`: `{contact}/{attachment}` → the conversation.
pub(super) fn contact_file_key(contact_id: &str, attachment_id: &str) -> String {
    format!("{}{attachment_id}", contact_files_prefix(contact_id))
}

/// The prefix of one contact's files.
pub(super) fn contact_files_prefix(contact_id: &str) -> String {
    format!("{contact_id}/")
}

/// `Tbl::Idempotency`: `{scope}/{key}` → the remembered answer.
pub(super) fn idempotency_key(scope: &str, key: &str) -> String {
    format!("{scope}/{key}")
}

/// `Tbl::Meta`: the round-robin cursor of an inbox.
pub(super) fn route_cursor_key(inbox_id: &str) -> String {
    format!("route_cursor/{inbox_id}")
}

// ---- Binary keys (`Bin::Timeline`, `Bin::MessageIndex`) ----

/// Appends the key form of an id: `0` + its 16 packed bytes (`codec::Id`), or `1` + length
/// (u32, big-endian) + the string. Self-delimiting, so a key that continues after it can be
/// range-scanned per id.
pub(super) fn push_key_id(out: &mut Vec<u8>, prefix: &str, s: &str) {
    match codec::Id::pack(prefix, s) {
        codec::Id::Packed(b) => {
            out.push(0);
            out.extend_from_slice(&b);
        }
        codec::Id::Raw(raw) => {
            out.push(1);
            out.extend_from_slice(&(raw.len() as u32).to_be_bytes());
            out.extend_from_slice(raw.as_bytes());
        }
    }
}

/// The key of timeline chunk `chunk` of a conversation: the conversation id in key form, then
/// the chunk number (u32, big-endian), so one conversation's chunks are one range in order.
pub(super) fn chunk_key(conversation_id: &str, chunk: u32) -> Vec<u8> {
    let mut key = Vec::with_capacity(21);
    push_key_id(&mut key, codec::CONV, conversation_id);
    key.extend_from_slice(&chunk.to_be_bytes());
    key
}

/// The chunk number of a chunk key (its last four bytes).
pub(super) fn chunk_of_key(key: &[u8]) -> Result<u32, StoreError> {
    key.split_last_chunk::<4>()
        .map(|(_, tail)| u32::from_be_bytes(*tail))
        .ok_or_else(|| StoreError::Corrupt("timeline chunk key too short".into()))
}

/// The message-id index key of a message id.
pub(super) fn message_id_key(message_id: &str) -> Vec<u8> {
    let mut key = Vec::with_capacity(17);
    push_key_id(&mut key, codec::MSG, message_id);
    key
}

#[cfg(test)]
mod tests;
