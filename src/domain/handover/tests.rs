//! Transfer, conference and auto-close rules.

use super::*;
use crate::domain::Role;
use crate::domain::conversation::Origin;

const T0: Timestamp = Timestamp(1_000_000);

fn open_by(owner: &str) -> Conversation {
    let mut c = Conversation::new("cv_1".into(), 1001, "inb".into(), "ct".into(), Origin::Inbound, T0);
    c.status = Status::Open;
    c.assignee = Some(owner.into());
    c.participants = vec![owner.into()];
    c
}

fn viewer(id: &str, role: Role) -> Viewer {
    Viewer {
        id: id.into(),
        name: id.to_uppercase(),
        role,
        status: AgentStatus::Available,
        see_all: false,
        inbox_ids: vec![],
        team_ids: vec![],
    }
}

fn cand(id: &str, status: AgentStatus, load: u32) -> Candidate {
    Candidate { id: id.into(), name: id.to_uppercase(), status, load, capacity: 3 }
}

fn conflict(r: Result<Vec<Entry>, Refusal>) -> String {
    match r {
        Err(Refusal::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

#[test]
fn transfer_to_an_agent_offers_it_and_counts() {
    let mut c = open_by("ana");
    let d = T0.plus_secs(30);
    let said = transfer_to_agent(
        &mut c,
        &viewer("ana", Role::Agent),
        &cand("marco", AgentStatus::Available, 0),
        Some("wants a refund"),
        d,
        T0,
    )
    .expect("transfers");
    assert_eq!(said[0].text(), "ANA transferred the conversation to MARCO: wants a refund");
    assert_eq!((c.status, c.assignee.clone(), c.transfer_count), (Status::Offered, None, 1));
    let o = c.offer.clone().expect("offer");
    assert_eq!((o.agent_id.as_str(), o.deadline), ("marco", d));
    assert_eq!(o.transfer.and_then(|t| t.note).as_deref(), Some("wants a refund"));
}

#[test]
fn transfer_refusals_say_why() {
    let ana = viewer("ana", Role::Agent);
    let d = T0.plus_secs(30);
    assert!(
        conflict(transfer_to_agent(&mut open_by("ana"), &ana, &cand("ana", AgentStatus::Available, 0), None, d, T0))
            .contains("yourself")
    );
    assert!(
        conflict(transfer_to_agent(&mut open_by("ana"), &ana, &cand("marco", AgentStatus::Offline, 0), None, d, T0))
            .contains("MARCO is offline")
    );
    assert!(
        conflict(transfer_to_agent(&mut open_by("ana"), &ana, &cand("marco", AgentStatus::Away, 0), None, d, T0))
            .contains("away")
    );
    assert!(
        conflict(transfer_to_agent(&mut open_by("ana"), &ana, &cand("marco", AgentStatus::Available, 3), None, d, T0))
            .contains("capacity (3 of 3")
    );
    let mut closed = open_by("ana");
    closed.status = Status::Closed;
    assert!(
        conflict(transfer_to_agent(&mut closed, &ana, &cand("marco", AgentStatus::Available, 0), None, d, T0))
            .contains("closed")
    );
    let mut queued = open_by("ana");
    queued.status = Status::Queued;
    queued.assignee = None;
    assert!(conflict(transfer_to_team(&mut queued, &ana, "tm", "Sales", None, T0)).contains("accepted"));
    // Someone else's conversation: only a supervisor may transfer it.
    assert!(matches!(
        transfer_to_team(&mut open_by("marco"), &ana, "tm", "Sales", None, T0),
        Err(Refusal::Forbidden(_))
    ));
    let mut c = open_by("marco");
    transfer_to_team(&mut c, &viewer("sup", Role::Supervisor), "tm", "Sales", None, T0).expect("supervisor transfers");
    assert_eq!(
        (c.status, c.team_id.as_deref(), c.assignee.clone(), c.transfer_count),
        (Status::Queued, Some("tm"), None, 1)
    );
}

#[test]
fn conference_invite_join_and_end() {
    let mut c = open_by("ana");
    let ana = viewer("ana", Role::Agent);
    let marco = viewer("marco", Role::Agent);
    assert!(conflict(join(&mut c.clone(), &marco, T0)).contains("not invited"));
    invite(&mut c, &ana, &cand("marco", AgentStatus::Away, 0), T0).expect("invites");
    assert!(conflict(invite(&mut c, &ana, &cand("marco", AgentStatus::Away, 0), T0)).contains("already invited"));
    assert!(matches!(end_conference(&mut c.clone(), &marco, T0), Err(Refusal::Forbidden(_))), "only the owner ends it");
    let said = join(&mut c, &marco, T0).expect("joins");
    assert_eq!(said[0].text(), "MARCO joined the conversation");
    assert_eq!((c.conference.clone(), c.invited.len()), (vec!["marco".to_string()], 0));
    assert!(c.participants.contains(&"marco".to_string()));
    end_conference(&mut c, &ana, T0).expect("ends");
    assert!(c.conference.is_empty());
    assert!(conflict(end_conference(&mut c, &ana, T0)).contains("no conference"));
    assert!(conflict(invite(&mut c, &ana, &cand("lucia", AgentStatus::Offline, 0), T0)).contains("offline"));
}

#[test]
fn only_idle_answered_conversations_close_on_their_own() {
    let mut c = open_by("ana");
    c.status = Status::Pending;
    c.detailed = Detailed::AgentAnswered;
    c.waiting_since = None;
    c.last_message_at = Some(T0.plus_secs(100));
    assert_eq!(idle_since(&c), Some(T0.plus_secs(100)));
    assert!(auto_close(&mut c, 3600, T0.plus_secs(3699)).is_none(), "one second early");
    let said = auto_close(&mut c, 3600, T0.plus_secs(3700)).expect("closes on time");
    assert_eq!((c.status, c.detailed, said[0].event), (Status::Closed, Detailed::ClosedAutomatically, "closed"));

    let mut waiting = open_by("ana");
    waiting.waiting_since = Some(T0);
    assert_eq!(idle_since(&waiting), None, "a waiting customer is never closed automatically");
    let mut off = open_by("ana");
    off.status = Status::Pending;
    assert!(auto_close(&mut off, 0, T0.plus_secs(999_999)).is_none(), "0 turns auto-close off");
}
