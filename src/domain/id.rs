//! Identifiers: a short type prefix and 26 characters of Crockford base32.
//!
//! The first 10 characters encode the creation time in milliseconds, the other 16 are random
//! (80 bits), so ids sort by creation time (useful as stable list cursors) and never collide in
//! practice. Like monotonic ULIDs, ids made within one millisecond (or while the clock stands
//! still or steps back) increment the previous random part, so creation order is always id
//! order. The randomness is passed in: the domain reads no entropy source itself.
//!
//! Message ids are the exception: they are derived from their conversation (see
//! [`message_id`]), so storage need not keep them. Their time part is the message's creation
//! time and their random part a bijection of (conversation, index): unique within a
//! conversation, and in practice across conversations, but not ordered within one millisecond.
//! Nothing orders messages by id: timelines are ordered and paged by index.

use super::Timestamp;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

const RANDOM_MASK: u128 = (1 << 80) - 1;

/// Prefix of conversation ids.
pub const CONVERSATION: &str = "cv";
/// Prefix of message ids.
pub const MESSAGE: &str = "msg";

/// The golden ratio's fraction of 2^80, made odd. `index + 1 = (message part − conversation
/// part) × SPREAD (mod 2^80)`. Conversations made in the same millisecond get consecutive
/// random parts ([`IdState`]); two of their messages could only share an id if their indexes
/// differed by `d × SPREAD (mod 2^80)` for the distance `d` of the conversations, which for any
/// `d` below 2^16 is at least 2^63 away from zero.
const SPREAD: u128 = 0x9E37_79B9_7F4A_7C15_F39D;
/// The inverse of [`SPREAD`] modulo 2^80: `message part = conversation part + (index + 1) ×
/// STEP (mod 2^80)`.
const STEP: u128 = inverse(SPREAD);

/// The inverse of an odd number modulo 2^80 (Newton's iteration doubles the correct bits:
/// 3, 6, …, 96).
const fn inverse(a: u128) -> u128 {
    let mut x = a;
    let mut i = 0;
    while i < 5 {
        x = x.wrapping_mul(2u128.wrapping_sub(a.wrapping_mul(x)));
        i += 1;
    }
    x & RANDOM_MASK
}

/// The 80-bit random part of a conversation id; for an id of another shape (tests, imports),
/// an FNV-1a hash of the string, so every conversation has one.
fn conversation_part(conversation_id: &str) -> u128 {
    match parse_value(CONVERSATION, conversation_id) {
        Some(v) => v & RANDOM_MASK,
        None => {
            let hash = conversation_id.bytes().fold(0x6c62_272e_07bb_0142_62b8_2175_6295_c58d_u128, |h, b| {
                (h ^ u128::from(b)).wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b)
            });
            (hash >> 48) & RANDOM_MASK
        }
    }
}

/// The id of entry `index` of a conversation, created at `at`: the time part is `at` (in
/// ms), the random part `conversation part + (index + 1) × STEP (mod 2^80)`. The only way
/// message ids are made, so storage can rebuild them from the conversation, the index and the
/// creation time instead of keeping them.
pub fn message_id(conversation_id: &str, index: u32, at: Timestamp) -> String {
    let steps = u128::from(index) + 1;
    encode(MESSAGE, at.millis().max(0), conversation_part(conversation_id).wrapping_add(steps.wrapping_mul(STEP)))
}

/// Which entry of the conversation `message_id` would be if [`message_id`] made it, and the
/// creation time it holds: `message_id(conversation_id, index, at)` gives back exactly
/// `message_id`. `None` when it cannot have been made so (another shape, or an index past
/// `u32`). Whether the entry at that index really has this id is for the caller to check.
pub fn derived_message(conversation_id: &str, message_id: &str) -> Option<(u32, Timestamp)> {
    let value = parse_value(MESSAGE, message_id)?;
    let steps =
        (value & RANDOM_MASK).wrapping_sub(conversation_part(conversation_id)).wrapping_mul(SPREAD) & RANDOM_MASK;
    let index = u32::try_from(steps.checked_sub(1)?).ok()?;
    Some((index, Timestamp(value_millis(value))))
}

/// The last id's time and random part, so the next one sorts after it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IdState {
    last_ms: i64,
    last_random: u128,
}

impl IdState {
    /// The next id with `prefix`, made at `at`, with `fresh` random bytes.
    pub fn next(&mut self, prefix: &str, at: Timestamp, fresh: [u8; 10]) -> String {
        let ms = at.millis().max(0);
        if ms > self.last_ms {
            self.last_ms = ms;
            self.last_random = fresh.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b)) >> 1;
        } else {
            self.last_random = (self.last_random + 1) & RANDOM_MASK;
        }
        encode(prefix, self.last_ms, self.last_random)
    }
}

/// Builds an id such as `usr_01jd4m8k3v7y2q9w0e5r6t1a2b` from a prefix, a time and 10 random
/// bytes (not monotonic: use [`IdState`] for ids that must sort in creation order).
pub fn new_id(prefix: &str, at: Timestamp, random: [u8; 10]) -> String {
    let r = random.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    encode(prefix, at.millis().max(0), r)
}

fn encode(prefix: &str, ms: i64, random: u128) -> String {
    let value: u128 = ((u128::from(ms as u64) & 0xFFFF_FFFF_FFFF) << 80) | (random & RANDOM_MASK);
    format_value(prefix, value)
}

/// The 128-bit value of an id with `prefix`, when `s` is exactly the id [`format_value`] makes
/// from it (so storage can keep 16 bytes and give back the very same string).
pub fn parse_value(prefix: &str, s: &str) -> Option<u128> {
    if !looks_like(prefix, s) {
        return None;
    }
    let mut value: u128 = 0;
    for b in s[prefix.len() + 1..].bytes() {
        let digit = ALPHABET.iter().position(|a| *a == b)? as u128;
        value = value.checked_mul(32)?.checked_add(digit)?;
    }
    Some(value)
}

/// The id with `prefix` whose 128-bit value is `value` (the inverse of [`parse_value`]).
pub fn format_value(prefix: &str, value: u128) -> String {
    let mut out = String::with_capacity(prefix.len() + 27);
    out.push_str(prefix);
    out.push('_');
    for i in (0..26).rev() {
        let index = ((value >> (5 * i)) & 0x1F) as usize;
        out.push(char::from(ALPHABET[index]));
    }
    out
}

/// The creation time in milliseconds held in an id's value (its top 48 bits).
pub fn value_millis(value: u128) -> i64 {
    (value >> 80) as i64
}

/// Whether `s` has the shape of an id with the given prefix (cheap check before a lookup).
pub fn looks_like(prefix: &str, s: &str) -> bool {
    s.len() == prefix.len() + 27
        && s.starts_with(prefix)
        && s.as_bytes()[prefix.len()] == b'_'
        && s[prefix.len() + 1..].bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests;
