//! Identifiers: a short type prefix and 26 characters of Crockford base32.
//!
//! The first 10 characters encode the creation time in milliseconds, the other 16 are random
//! (80 bits), so ids sort by creation time (useful as stable list cursors) and never collide in
//! practice. Like monotonic ULIDs, ids made within one millisecond (or while the clock stands
//! still or steps back) increment the previous random part, so creation order is always id
//! order. The randomness is passed in: the domain reads no entropy source itself.

use super::Timestamp;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

const RANDOM_MASK: u128 = (1 << 80) - 1;

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
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_have_the_expected_shape() {
        let a = new_id("usr", Timestamp(1_700_000_000_000), [255; 10]);
        let b = new_id("usr", Timestamp(1_700_000_000_001), [0; 10]);
        assert!(a < b, "{a} should sort before {b}");
        assert!(looks_like("usr", &a));
        assert!(!looks_like("tok", &a));
        assert!(!looks_like("usr", "usr_short"));
        assert_eq!(a.len(), 30);
    }

    #[test]
    fn ids_within_one_millisecond_keep_creation_order() {
        let mut state = IdState::default();
        let t = Timestamp(1_700_000_000_000);
        let a = state.next("usr", t, [0xFF; 10]);
        let b = state.next("usr", t, [0x00; 10]);
        let c = state.next("usr", Timestamp(t.millis() - 5), [0x00; 10]);
        let d = state.next("usr", t.plus_millis(1), [0x00; 10]);
        assert!(a < b && b < c && c < d, "{a} {b} {c} {d}");
        assert!(looks_like("usr", &a));
    }

    #[test]
    fn values_round_trip_and_odd_strings_have_none() {
        let a = new_id("msg", Timestamp(1_700_000_000_123), [7; 10]);
        let v = parse_value("msg", &a).expect("a standard id");
        assert_eq!(format_value("msg", v), a);
        assert_eq!(value_millis(v), 1_700_000_000_123);
        assert_eq!(parse_value("cv", &a), None, "another prefix");
        assert_eq!(parse_value("msg", "msg_1"), None);
        // 26 digits hold 130 bits: a first digit past 7 does not fit in 128.
        assert_eq!(parse_value("msg", &format!("msg_8{}", "0".repeat(25))), None);
        assert_eq!(parse_value("msg", &format!("msg_{}", "Z".repeat(26))), None, "upper case is not the canonical form");
    }

    #[test]
    fn different_randomness_gives_different_ids() {
        let t = Timestamp(5);
        assert_ne!(new_id("x", t, [1; 10]), new_id("x", t, [2; 10]));
    }
}
