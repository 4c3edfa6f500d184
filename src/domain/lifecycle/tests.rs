//! The lifecycle table of DESIGN.md as data: each row is a starting state, a person, an
//! action, and the expected outcome.

use super::*;
use crate::domain::conversation::{Origin, Priority};

const ANA: &str = "usr_ana";
const MARCO: &str = "usr_marco";
const SOFIA: &str = "usr_sofia";
const T: Timestamp = Timestamp(1_000);
const NOW: Timestamp = Timestamp(9_000);

fn conv(status: Status, assignee: Option<&str>) -> Conversation {
    Conversation {
        id: "cv_1".into(),
        number: 1001,
        inbox_id: "inb_web".into(),
        contact_id: "ct_1".into(),
        status,
        detailed: Detailed::CustomerWaiting,
        assignee: assignee.map(str::to_string),
        team_id: None,
        labels: vec![],
        participants: assignee.map(|a| vec![a.to_string()]).unwrap_or_default(),
        subject: String::new(),
        priority: Priority::Normal,
        origin: Origin::Inbound,
        created_at: T,
        updated_at: T,
        waiting_since: Some(T),
        last_message_at: Some(T),
        status_since: T,
        message_count: 1,
        timeline_len: 1,
        accepted_at: None,
        first_response_at: None,
        closed_at: (status == Status::Closed).then_some(T),
        wrap_up_id: None,
        close_justification: None,
        reopen_count: 0,
        transfer_count: 0,
        rona_count: 0,
        offer: None,
        skipped: vec![],
        conference: vec![],
        invited: vec![],
    }
}

fn who(id: &str, role: Role, status: AgentStatus) -> Viewer {
    Viewer {
        id: id.into(),
        name: id.trim_start_matches("usr_").into(),
        role,
        status,
        see_all: false,
        inbox_ids: vec!["inb_web".into()],
        team_ids: vec![],
    }
}

#[derive(Clone, Copy, Debug)]
enum Act {
    TakeSelf,
    AssignMarco,
    Unassign,
    Customer,
    Reply,
    Close,
    CloseJustified,
    Reopen,
}

#[derive(Debug, PartialEq)]
enum Out {
    To(Status, Detailed),
    Conflict,
    Forbidden,
    Invalid(&'static str),
}

fn run(c: &mut Conversation, v: &Viewer, act: Act) -> Result<(), Refusal> {
    match act {
        Act::TakeSelf => assign(c, v, &v.id.clone(), &v.name.clone(), NOW).map(drop),
        Act::AssignMarco => assign(c, v, MARCO, "marco", NOW).map(drop),
        Act::Unassign => unassign(c, v, NOW).map(drop),
        Act::Customer => customer_message(c, NOW),
        Act::Reply => agent_message(c, v, NOW),
        Act::Close => close(c, v, None, false, None, NOW).map(drop),
        Act::CloseJustified => close(c, v, None, false, Some("customer asked by phone"), NOW).map(drop),
        Act::Reopen => reopen(c, v, NOW).map(drop),
    }
}

#[test]
fn the_lifecycle_table() {
    use AgentStatus::{Available, Away, Offline};
    use Detailed::*;
    use Status::*;
    let agent = |s| who(ANA, Role::Agent, s);
    let sup = who(SOFIA, Role::Supervisor, Available);
    #[rustfmt::skip]
    let rows: Vec<(Status, Option<&str>, Viewer, Act, Out)> = vec![
        // queued --assign (self)--> open
        (Queued, None, agent(Available), Act::TakeSelf, Out::To(Open, CustomerWaiting)),
        (Queued, None, agent(Away), Act::TakeSelf, Out::To(Open, CustomerWaiting)),
        (Queued, None, agent(Offline), Act::TakeSelf, Out::Conflict),
        (Queued, None, agent(Available), Act::AssignMarco, Out::Forbidden),
        (Queued, None, sup.clone(), Act::AssignMarco, Out::To(Open, CustomerWaiting)),
        (Open, Some(MARCO), agent(Available), Act::TakeSelf, Out::Conflict),
        (Open, Some(ANA), sup.clone(), Act::AssignMarco, Out::To(Open, CustomerWaiting)),
        (Closed, Some(ANA), sup.clone(), Act::AssignMarco, Out::Conflict),
        (Offered, None, sup.clone(), Act::AssignMarco, Out::Conflict),
        // open --agent message--> pending; pending --customer message--> open
        (Open, Some(ANA), agent(Available), Act::Reply, Out::To(Pending, AgentAnswered)),
        (Open, Some(ANA), agent(Offline), Act::Reply, Out::Conflict),
        (Open, Some(MARCO), agent(Available), Act::Reply, Out::Conflict),
        (Queued, None, agent(Available), Act::Reply, Out::Conflict),
        (Pending, Some(ANA), agent(Available), Act::Customer, Out::To(Open, CustomerWaiting)),
        (Queued, None, agent(Available), Act::Customer, Out::To(Queued, CustomerWaiting)),
        (Closed, Some(ANA), agent(Available), Act::Customer, Out::Conflict),
        // unassign
        (Open, Some(ANA), agent(Available), Act::Unassign, Out::To(Queued, CustomerWaiting)),
        (Open, Some(MARCO), agent(Available), Act::Unassign, Out::Forbidden),
        (Queued, None, sup.clone(), Act::Unassign, Out::Conflict),
        // not closed --close--> closed; justification when not own
        (Open, Some(ANA), agent(Available), Act::Close, Out::To(Closed, ClosedByAgent)),
        (Pending, Some(ANA), agent(Available), Act::Close, Out::To(Closed, ClosedByAgent)),
        (Queued, None, agent(Available), Act::Close, Out::To(Closed, ClosedByAgent)),
        (Open, Some(ANA), agent(Offline), Act::Close, Out::Conflict),
        (Open, Some(MARCO), agent(Available), Act::Close, Out::Forbidden),
        (Open, Some(MARCO), sup.clone(), Act::Close, Out::Invalid("justification")),
        (Open, Some(MARCO), sup.clone(), Act::CloseJustified, Out::To(Closed, ClosedBySupervisor)),
        (Closed, Some(ANA), agent(Available), Act::Close, Out::Conflict),
        // closed --reopen--> open
        (Closed, Some(ANA), agent(Available), Act::Reopen, Out::To(Open, AgentAnswered)),
        (Closed, Some(ANA), agent(Offline), Act::Reopen, Out::Conflict),
        (Open, Some(ANA), agent(Available), Act::Reopen, Out::Conflict),
    ];
    for (i, (status, assignee, viewer, act, expected)) in rows.into_iter().enumerate() {
        let mut c = conv(status, assignee);
        let before = c.clone();
        let got = match run(&mut c, &viewer, act) {
            Ok(()) => Out::To(c.status, c.detailed),
            Err(Refusal::Conflict(_)) => Out::Conflict,
            Err(Refusal::Forbidden(_)) => Out::Forbidden,
            Err(Refusal::Invalid(f, _)) => Out::Invalid(f),
        };
        assert_eq!(got, expected, "row {i}: {status:?} assigned to {assignee:?}, {} does {act:?}", viewer.id);
        if !matches!(got, Out::To(..)) {
            assert_eq!(c, before, "row {i}: a refused action changes nothing");
        }
    }
}

#[test]
fn effects_on_times_counts_and_owners() {
    let ana = who(ANA, Role::Agent, AgentStatus::Available);
    let mut c = conv(Status::Queued, None);
    assign(&mut c, &ana, ANA, "ana", NOW).expect("takes");
    assert_eq!((c.assignee.as_deref(), c.accepted_at, c.status_since), (Some(ANA), Some(NOW), NOW));
    agent_message(&mut c, &ana, Timestamp(10_000)).expect("replies");
    assert_eq!((c.waiting_since, c.first_response_at, c.message_count), (None, Some(Timestamp(10_000)), 2));
    customer_message(&mut c, Timestamp(11_000)).expect("customer writes");
    customer_message(&mut c, Timestamp(12_000)).expect("customer writes again");
    assert_eq!(c.waiting_since, Some(Timestamp(11_000)), "waiting since the first unanswered message");
    agent_message(&mut c, &ana, Timestamp(13_000)).expect("replies");
    assert_eq!(c.first_response_at, Some(Timestamp(10_000)), "first response is kept");
    let entries = close(&mut c, &ana, Some(("wru_1", "Solved")), true, None, Timestamp(14_000)).expect("closes");
    assert_eq!(entries[0].text(), "ana closed the conversation (Solved)");
    assert_eq!((c.closed_at, c.wrap_up_id.as_deref()), (Some(Timestamp(14_000)), Some("wru_1")));
    reopen(&mut c, &ana, Timestamp(15_000)).expect("reopens");
    assert_eq!((c.reopen_count, c.closed_at, c.wrap_up_id.clone()), (1, None, None));
    let mut needs_reason = conv(Status::Open, Some(ANA));
    let refused = close(&mut needs_reason, &ana, None, true, None, NOW);
    assert!(matches!(refused, Err(Refusal::Invalid("wrap_up_reason_id", _))));
}

#[test]
fn visibility_follows_ownership_participation_and_inboxes() {
    let ana = who(ANA, Role::Agent, AgentStatus::Available);
    assert!(can_see(&ana, &conv(Status::Queued, None)), "queued in my inbox");
    let mut elsewhere = conv(Status::Queued, None);
    elsewhere.inbox_id = "inb_other".into();
    assert!(!can_see(&ana, &elsewhere), "queued elsewhere");
    assert!(can_see(&ana, &conv(Status::Open, Some(ANA))), "mine");
    assert!(!can_see(&ana, &conv(Status::Open, Some(MARCO))), "someone else's");
    let mut took_part = conv(Status::Closed, Some(MARCO));
    took_part.participants.push(ANA.into());
    assert!(can_see(&ana, &took_part), "took part");
    assert!(!can_see(&ana, &conv(Status::Closed, None)), "closed unassigned in my inbox is history, not mine");
    let see_all = Viewer { see_all: true, ..ana.clone() };
    assert!(can_see(&see_all, &elsewhere));
    assert!(can_see(&who(SOFIA, Role::Supervisor, AgentStatus::Offline), &elsewhere));
    assert!(bulk_closable(&conv(Status::Open, Some(ANA))).is_err());
    assert!(bulk_closable(&conv(Status::Pending, Some(ANA))).is_ok());
    assert!(bulk_closable(&conv(Status::Queued, None)).is_ok());
}
