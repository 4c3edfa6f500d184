//! Conversation rows: every field round-trips, rows are several times smaller than JSON, old
//! JSON rows still decode, and the append-only rule for new fields holds with this codec.

use serde::{Deserialize, Serialize};

use super::*;
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
    assert_eq!(decode_conversation(&json).expect("JSON rows of schema 4 and older"), c);
    assert!(row.len() * 2 < json.len(), "{} bytes against {} as JSON", row.len(), json.len());
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
fn the_generic_decode_reads_both_codecs() {
    let c = full();
    let from_row: Conversation = decode(&encode_conversation(&c).expect("encodes")).expect("decodes");
    let from_json: Conversation = decode(&serde_json::to_vec(&c).expect("json")).expect("decodes");
    assert_eq!((from_row, from_json), (c.clone(), c));
    assert!(decode_conversation(&[CONVERSATION_ROW, 0x01]).is_err(), "damage is reported, not guessed");
}

#[test]
fn ids_pack_to_17_bytes_and_back_and_odd_ids_stay_text() {
    let id = new_id("usr", Timestamp(1_700_000_000_000), [0xAB; 10]);
    let packed = pack(&id).expect("a standard id");
    assert_eq!(unpack(&packed), Some(id));
    assert_eq!(pack("usr_short"), None);
    assert_eq!(pack(&format!("zz_{}", "0".repeat(26))), None, "unknown prefix");
    assert_eq!(pack(&format!("usr_{}", "z".repeat(26))), None, "past 128 bits");
}

/// The rule in the module docs, shown with the same codec: a field appended with
/// `#[serde(default)]` reads rows written before it existed.
#[test]
fn a_field_appended_with_a_default_reads_older_rows() {
    #[derive(Serialize)]
    struct Before {
        a: u32,
        b: Option<Id>,
    }
    #[derive(Deserialize, Debug, PartialEq)]
    struct After {
        a: u32,
        b: Option<Id>,
        #[serde(default)]
        c: Vec<u32>,
        #[serde(default)]
        d: Option<String>,
    }
    let old = rmp_serde::to_vec(&Before { a: 7, b: Some(Id("x".into())) }).expect("encodes");
    let read: After = rmp_serde::from_slice(&old).expect("decodes");
    assert_eq!(read, After { a: 7, b: Some(Id("x".into())), c: vec![], d: None });
}
