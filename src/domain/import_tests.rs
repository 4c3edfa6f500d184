//! Tests of threading and of building imported conversations.

use super::*;

fn head(id: &str, parents: &[&str], subject: &str, customer: &str, at: i64) -> MailHead {
    MailHead {
        id: (!id.is_empty()).then(|| id.to_string()),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        subject: base_subject(subject),
        customer: customer.to_string(),
        at: Timestamp(at),
    }
}

#[test]
fn replies_join_their_thread_by_references_in_time_order_even_out_of_file_order() {
    let mails = [
        head("b@x", &["a@x"], "Re: Refund", "ada@example.com", 20),
        head("a@x", &[], "Refund", "ada@example.com", 10),
        head("c@x", &["b@x", "a@x"], "Re: Refund", "ada@example.com", 30),
        head("d@x", &[], "Invoice", "bob@example.com", 15),
    ];
    assert_eq!(threads(&mails), vec![vec![1, 0, 2], vec![3]]);
}

#[test]
fn a_reply_whose_parent_is_missing_joins_by_its_subject_only_with_the_same_customer() {
    let mails = [
        head("a@x", &[], "Order 7 late", "ada@example.com", 10),
        head("b@x", &["gone@x"], "RE: Fwd: order 7 late", "ada@example.com", 20),
        head("c@x", &[], "Order 7 late", "eve@example.com", 30),
        head("", &[], "", "ada@example.com", 40),
        head("", &[], "", "ada@example.com", 50),
    ];
    assert_eq!(threads(&mails), vec![vec![0, 1], vec![2], vec![3], vec![4]]);
}

#[test]
fn subjects_lose_reply_forward_and_list_prefixes() {
    assert_eq!(base_subject("Re: RE: Fwd: [Support #12] Hello"), "hello");
    assert_eq!(base_subject("R: I: Ordine"), "ordine");
    assert_eq!(base_subject("Réponse à votre demande"), "réponse à votre demande");
    assert_eq!(base_subject("[]"), "");
}

fn thread(status: ImportStatus) -> Thread {
    let m = |writer: Writer, text: &str, at: i64| Entry {
        key: None,
        writer,
        text: text.into(),
        at: Timestamp(at),
        files: Vec::new(),
    };
    Thread {
        key: "jsonl:t-1".into(),
        source: "conversations.jsonl:1".into(),
        inbox: None,
        contact: NewContact::default(),
        subject: "Refund".into(),
        status,
        assignee: None,
        labels: Vec::new(),
        created_at: None,
        closed_at: None,
        messages: vec![
            m(Writer::Customer, "Where is my refund?", 1_000),
            m(Writer::Agent("ana@example.com".into()), "On its way.", 2_000),
            m(Writer::Note("Old Desk".into()), "Checked the bank.", 2_500),
            m(Writer::Customer, "Thanks!", 3_000),
        ],
    }
}

fn resolved(assignee: Option<&str>) -> Resolved {
    Resolved {
        conversation_id: "cv_1".into(),
        number: 1001,
        inbox_id: "inb_1".into(),
        contact_id: "ct_1".into(),
        assignee: assignee.map(str::to_string),
        users: [("ana@example.com".to_string(), "usr_ana".to_string())].into(),
        files: vec![vec![], vec!["att_1".into()]],
        ..Resolved::default()
    }
}

#[test]
fn a_closed_thread_keeps_its_times_authors_and_files() {
    let (c, timeline) = build(&thread(ImportStatus::Closed), &resolved(Some("usr_ana")));
    assert_eq!((c.status, c.number, c.message_count, c.timeline_len), (Status::Closed, 1001, 4, 4));
    assert_eq!((c.created_at, c.closed_at, c.updated_at), (Timestamp(1_000), Some(Timestamp(3_000)), Timestamp(3_000)));
    assert_eq!(
        (c.first_response_at, c.last_message_at, c.waiting_since),
        (Some(Timestamp(2_000)), Some(Timestamp(3_000)), None)
    );
    assert_eq!(c.participants, ["usr_ana"]);
    let kinds: Vec<_> = timeline.iter().map(|m| (m.kind, m.author.clone(), m.created_at.0)).collect();
    assert_eq!(
        kinds,
        [
            (MessageKind::Customer, Author::Contact { id: "ct_1".into() }, 1_000),
            (MessageKind::Agent, Author::User { id: "usr_ana".into() }, 2_000),
            (MessageKind::Note, Author::Bot { name: "Old Desk".into() }, 2_500),
            (MessageKind::Customer, Author::Contact { id: "ct_1".into() }, 3_000),
        ]
    );
    assert_eq!(timeline[1].attachments, ["att_1"]);
    assert!(timeline[0].attachments.is_empty() && timeline[3].attachments.is_empty());
}

#[test]
fn an_open_thread_without_an_assignee_waits_in_the_queue_with_the_customer_waiting() {
    let (c, _) = build(&thread(ImportStatus::Open), &resolved(None));
    assert_eq!((c.status, c.assignee.as_deref(), c.closed_at), (Status::Queued, None, None));
    assert_eq!(c.waiting_since, Some(Timestamp(3_000)));
    let (c, _) = build(&thread(ImportStatus::Pending), &resolved(Some("usr_ana")));
    assert_eq!((c.status, c.assignee.as_deref()), (Status::Pending, Some("usr_ana")));
}

#[test]
fn statuses_read_as_rivals_name_them() {
    assert_eq!(ImportStatus::parse("resolved"), Some(ImportStatus::Closed));
    assert_eq!(ImportStatus::parse("snoozed"), Some(ImportStatus::Pending));
    assert_eq!(ImportStatus::parse("spam"), None);
}
