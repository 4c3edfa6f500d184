//! Conversation rows: every field round-trips, odd ids stay text, rows are several times
//! smaller than JSON, and damage or another format is reported, never guessed.

use super::*;
use crate::domain::conversation::{Detailed, Origin, Priority, Status};
use crate::domain::id::new_id;

fn full() -> Conversation {
    let t = |ms: i64| Timestamp(1_700_000_000_000 + ms);
    let mut c = Conversation::new(
        new_id("cv", t(0), [1; 10]),
        1234,
        new_id("inb", t(1), [2; 10]),
        new_id("ct", t(2), [3; 10]),
        Origin::BotHandoff,
        t(10),
    );
    (c.status, c.detailed, c.priority) = (Status::Offered, Detailed::ClosedByCustomer, Priority::Urgent);
    c.assignee = Some(new_id("usr", t(3), [4; 10]));
    c.team_id = Some(new_id("team", t(4), [5; 10]));
    c.labels = vec![new_id("lbl", t(5), [6; 10]), "a label id of another shape".into()];
    c.participants = vec![new_id("usr", t(3), [4; 10]), "usr_short".into()];
    c.subject = "Fattura non ricevuta — ñ".into();
    (c.updated_at, c.waiting_since, c.last_message_at, c.status_since) = (t(900), Some(t(5)), Some(t(800)), t(-50));
    (c.message_count, c.timeline_len, c.reopen_count, c.transfer_count, c.rona_count) = (7, 9, 1, 2, 3);
    (c.accepted_at, c.first_response_at, c.closed_at) = (Some(t(20)), Some(t(30)), Some(t(40)));
    c.wrap_up_id = Some(new_id("wru", t(6), [7; 10]));
    c.close_justification = Some("why".into());
    let transfer = Some(TransferInfo { from: new_id("usr", t(7), [8; 10]), note: Some("note".into()) });
    c.offer = Some(Offer { agent_id: new_id("usr", t(8), [9; 10]), offered_at: t(100), deadline: t(130), transfer });
    c.skipped = vec![Skip { agent_id: new_id("usr", t(9), [10; 10]), at: t(99) }];
    c.conference = vec![new_id("usr", t(9), [10; 10])];
    c.invited = vec!["x".into()];
    c
}

#[test]
fn every_field_round_trips_and_the_row_is_much_smaller_than_json() {
    let c = full();
    let row = encode_conversation(&c).expect("encodes");
    assert_eq!(decode_conversation(&row).expect("decodes"), c);
    let json = serde_json::to_vec(&c).expect("json");
    assert!(row.len() * 3 < json.len(), "{} bytes against {} as JSON", row.len(), json.len());
    let plain = Conversation::new(
        new_id("cv", Timestamp(1), [1; 10]),
        1,
        "inb_1".into(),
        "ct_1".into(),
        Origin::Inbound,
        Timestamp(-5),
    );
    assert_eq!(decode_conversation(&encode_conversation(&plain).expect("encodes")).expect("decodes"), plain);
}

#[test]
fn a_new_conversation_row_packs_ids_and_times_small() {
    let at = Timestamp(1_700_000_000_000);
    let c = Conversation::new(
        new_id("cv", at, [1; 10]),
        4321,
        new_id("inb", at, [2; 10]),
        new_id("ct", at, [3; 10]),
        Origin::Inbound,
        at,
    );
    let row = encode_conversation(&c).expect("encodes");
    // Format byte, three ids of 17 bytes, a two-byte number, and one byte for each other field.
    assert!(row.len() <= 1 + 3 * 17 + 2 + 30, "{} bytes", row.len());
    assert_eq!(decode_conversation(&row).expect("decodes"), c);
}

#[test]
fn damage_and_other_formats_are_reported() {
    let row = encode_conversation(&full()).expect("encodes");
    assert!(decode_conversation(&row[..row.len() - 1]).is_err(), "cut short");
    let mut longer = row.clone();
    longer.push(0);
    assert!(decode_conversation(&longer).is_err(), "trailing bytes");
    let mut other = row;
    other[0] = 2;
    assert!(decode_conversation(&other).is_err(), "a format this build does not know");
    assert!(decode_conversation(&serde_json::to_vec(&full()).expect("json")).is_err(), "JSON is not a row");
}
