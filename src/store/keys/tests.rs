//! The key encodings against what they promise: order, round trips, prefix-freedom, and
//! cursors that read back while anything else is refused.

use super::*;
use crate::domain::id::new_id;

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

#[test]
fn chunk_and_message_keys_keep_each_conversation_in_its_own_range() {
    let a = new_id("cv", Timestamp(1_700_000_000_000), [1; 10]);
    let b = new_id("cv", Timestamp(1_700_000_000_000), [2; 10]);
    assert_eq!(chunk_key(&a, 7).len(), 21, "tag, 16 bytes, chunk number");
    assert!(chunk_key(&a, 9) < chunk_key(&a, 10), "chunks sort numerically");
    assert!(chunk_key(&a, u32::MAX) < chunk_key(&b, 0));
    assert_eq!(chunk_of_key(&chunk_key(&a, 70_000)).expect("chunk"), 70_000);
    assert!(chunk_of_key(&[1, 2]).is_err());
    // Raw ids that are prefixes of each other must not share a range.
    let (first, last) = (chunk_key("cv_1", 0), chunk_key("cv_1", u32::MAX));
    let other = chunk_key("cv_10", 0);
    assert!(!(first <= other && other <= last), "cv_10 is outside cv_1's range");
    assert_eq!(message_id_key(&new_id("msg", Timestamp(1_700_000_000_000), [3; 10])).len(), 17);
}

#[test]
fn text_keys_sort_by_time_and_stay_per_entity() {
    let (early, late) = (Timestamp(1_700_000_000_000), Timestamp(1_700_000_000_001));
    assert!(offer_key(early, "cv_b") < offer_key(late, "cv_a"), "offers by deadline");
    assert!(offer_key(early, "cv_a").starts_with(OFFERS) && seen_key(early, "usr_a").starts_with(SEEN));
    assert!(idle_key("inb_a", late, "cv_x").starts_with(&idle_prefix("inb_a")));
    assert!(!idle_key("inb_ab", early, "cv_x").starts_with(&idle_prefix("inb_a")), "inboxes stay apart");
    assert!(held_key("usr_a", "cv_x").starts_with(&held_prefix("usr_a")));
    assert!(!held_key("usr_ab", "cv_x").starts_with(&held_prefix("usr_a")));
    assert_eq!(read_hex_time(&hex_time(late)), Some(late));
    assert_eq!(hex_time(Timestamp(-5)), hex_time(Timestamp(0)), "clamped at 0");
    let rest = &offer_key(early, "cv_a")[OFFERS.len()..];
    assert_eq!(timer_parts(rest), Some((hex_time(early).as_str(), "cv_a")));
    assert!(status_log_key("usr_a", early, 9) < status_log_key("usr_a", late, 1));
    assert!(status_log_key("usr_a", early, 1).starts_with(&status_log_prefix("usr_a")));
    assert!(user_credential_key("usr_a", "cred_1").starts_with(&user_credentials_prefix("usr_a")));
    assert!(contact_file_key("ct_a", "att_1").starts_with(&contact_files_prefix("ct_a")));
    assert_eq!(id_after_slash("n:maria/ct_1"), "ct_1");
}

#[test]
fn a_contact_has_its_unique_keys_name_words_and_phone_suffixes() {
    let mut c = Contact::blank("ct_1".into(), Timestamp(1));
    c.name = "María José".into();
    c.email = Some("Maria@Example.com".into());
    c.phone = Some("+39 333 123 4567".into());
    c.external_id = Some("crm-7".into());
    let keys: Vec<String> = contact_index_keys(&c).into_iter().map(|(k, _)| k).collect();
    assert!(keys.contains(&contact_email("maria@example.com")), "{keys:?}");
    assert!(keys.contains(&contact_external("crm-7")));
    assert!(keys.iter().any(|k| k.starts_with(&contact_name_prefix("maria"))));
    assert!(keys.iter().any(|k| k.starts_with(&contact_digits_prefix("4567"))));
    assert!(!keys.iter().any(|k| k.starts_with(&contact_digits_prefix("67/"))), "runs of at least three digits");
}
