//! Tests of ids: shape, order, packing, and the derivation of message ids from their
//! conversation.

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

const CONV: &str = "cv_01jd4m8k3v7y2q9w0e5r6t1a2b";

#[test]
fn step_and_spread_are_inverse_modulo_2_80() {
    assert_eq!(STEP.wrapping_mul(SPREAD) & RANDOM_MASK, 1);
    const { assert!(STEP <= RANDOM_MASK && SPREAD <= RANDOM_MASK) };
}

#[test]
fn message_ids_round_trip_to_their_index_and_time() {
    let at = Timestamp(1_700_000_000_123);
    for index in [0, 1, 2, 7, 1_000, 65_535, 1 << 20, u32::MAX - 1, u32::MAX] {
        let id = message_id(CONV, index, at);
        assert!(looks_like(MESSAGE, &id), "{id}");
        assert_eq!(id.len(), 30);
        assert_eq!(derived_message(CONV, &id), Some((index, at)), "index {index}");
    }
}

#[test]
fn message_ids_of_one_conversation_differ_at_the_same_millisecond() {
    let at = Timestamp(1_700_000_000_000);
    let ids: std::collections::BTreeSet<String> = (0..10_000).map(|i| message_id(CONV, i, at)).collect();
    assert_eq!(ids.len(), 10_000);
}

#[test]
fn the_random_part_wraps_around_modulo_2_80() {
    // Conversations whose random part is at the very top (or bottom) of the 80 bits.
    for random in [RANDOM_MASK, RANDOM_MASK - 1, 0, 1] {
        let conv = format_value(CONVERSATION, (1_700_000_000_000u128 << 80) | random);
        for index in [0, 1, 3, u32::MAX] {
            let id = message_id(&conv, index, Timestamp(42));
            let value = parse_value(MESSAGE, &id).expect("a standard id");
            assert_eq!(value_millis(value), 42, "the sum never carries into the time part");
            assert_eq!(derived_message(&conv, &id), Some((index, Timestamp(42))));
        }
    }
}

#[test]
fn conversations_made_in_one_millisecond_do_not_share_message_ids() {
    let mut state = IdState::default();
    let t = Timestamp(1_700_000_000_000);
    let convs: Vec<String> = (0..200).map(|_| state.next(CONVERSATION, t, [9; 10])).collect();
    let ids: std::collections::BTreeSet<String> =
        convs.iter().flat_map(|c| (0..200).map(move |i| message_id(c, i, t))).collect();
    assert_eq!(ids.len(), 200 * 200);
}

#[test]
fn another_conversation_or_a_foreign_id_is_not_derived_from_this_one() {
    let at = Timestamp(1_700_000_000_000);
    let id = message_id(CONV, 3, at);
    let other = "cv_01jd4m8k3v7y2q9w0e5r6t1a2c";
    assert_eq!(derived_message(other, &id), None, "a neighbouring conversation maps to a huge index");
    // A random id of the right shape maps to a huge index: not derived.
    assert_eq!(derived_message(CONV, &new_id(MESSAGE, at, [0x5a; 10])), None);
    assert_eq!(derived_message(CONV, "msg_elsewhere"), None);
    assert_eq!(derived_message(CONV, &id.replace("msg_", "cv__")), None);
}

#[test]
fn a_forged_time_gives_the_same_index_with_that_time() {
    // The store accepts an id only if the entry at the index has exactly this id, so a
    // forged time is not found there (see store::messages).
    let id = message_id(CONV, 5, Timestamp(1_700_000_000_000));
    let forged = message_id(CONV, 5, Timestamp(1_700_000_000_001));
    assert_ne!(id, forged);
    assert_eq!(derived_message(CONV, &forged), Some((5, Timestamp(1_700_000_000_001))));
}

#[test]
fn conversations_of_another_shape_get_a_hashed_part() {
    let at = Timestamp(9);
    let a = message_id("cv_1", 0, at);
    let b = message_id("cv_2", 0, at);
    assert_ne!(a, b);
    assert_eq!(derived_message("cv_1", &a), Some((0, at)));
    assert_eq!(derived_message("cv_1", &message_id("cv_1", 77, at)), Some((77, at)));
    assert_eq!(message_id("", 0, at).len(), 30);
}

#[test]
fn times_before_1970_are_clamped_like_other_ids() {
    let id = message_id(CONV, 0, Timestamp(-5));
    assert_eq!(derived_message(CONV, &id), Some((0, Timestamp(0))));
}
