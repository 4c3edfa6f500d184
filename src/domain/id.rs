//! Identifiers: a short type prefix and 26 characters of Crockford base32.
//!
//! The first 10 characters encode the creation time in milliseconds, the other 16 are random
//! (80 bits), so ids sort by creation time (useful as stable list cursors) and never collide in
//! practice. The randomness is passed in: the domain reads no entropy source itself.

use super::Timestamp;

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// Builds an id such as `usr_01jd4m8k3v7y2q9w0e5r6t1a2b` from a prefix, a time and 10 random bytes.
pub fn new_id(prefix: &str, at: Timestamp, random: [u8; 10]) -> String {
    let mut value: u128 = (u128::from(at.millis().max(0) as u64) & 0xFFFF_FFFF_FFFF) << 80;
    for (i, b) in random.iter().enumerate() {
        value |= u128::from(*b) << (8 * (9 - i));
    }
    let mut out = String::with_capacity(prefix.len() + 27);
    out.push_str(prefix);
    out.push('_');
    for i in (0..26).rev() {
        let index = ((value >> (5 * i)) & 0x1F) as usize;
        out.push(char::from(ALPHABET[index]));
    }
    out
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
    fn different_randomness_gives_different_ids() {
        let t = Timestamp(5);
        assert_ne!(new_id("x", t, [1; 10]), new_id("x", t, [2; 10]));
    }
}
