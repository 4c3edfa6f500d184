//! Routing choice and the offer steps, with exact expected agents.

use super::*;
use crate::domain::Role;
use crate::domain::conversation::Origin;

const T0: Timestamp = Timestamp(1_000_000);

fn agent(id: &str, status: AgentStatus, load: u32) -> Candidate {
    Candidate { id: id.into(), name: id.to_uppercase(), status, load, capacity: 2 }
}

fn queued() -> Conversation {
    Conversation::new("cv_1".into(), 1001, "inb".into(), "ct".into(), Origin::Inbound, T0)
}

fn viewer(id: &str) -> Viewer {
    Viewer {
        id: id.into(),
        name: id.to_uppercase(),
        role: Role::Agent,
        status: AgentStatus::Available,
        see_all: false,
        inbox_ids: vec![],
        team_ids: vec![],
    }
}

fn ids(v: &[&Candidate]) -> Vec<String> {
    v.iter().map(|a| a.id.clone()).collect()
}

#[test]
fn round_robin_goes_around_after_the_cursor() {
    let all = [
        agent("a", AgentStatus::Available, 0),
        agent("b", AgentStatus::Available, 1),
        agent("c", AgentStatus::Available, 0),
    ];
    let el: Vec<&Candidate> = all.iter().collect();
    let pick = |cur: Option<&str>| choose(AssignmentMode::RoundRobin, &el, cur).map(|a| a.id.clone());
    assert_eq!(pick(None).as_deref(), Some("a"));
    assert_eq!(pick(Some("a")).as_deref(), Some("b"));
    assert_eq!(pick(Some("b")).as_deref(), Some("c"));
    assert_eq!(pick(Some("c")).as_deref(), Some("a"), "wraps around");
    // A cursor on an agent who left the team still finds the next one by id order.
    assert_eq!(pick(Some("bb")).as_deref(), Some("c"));
    assert_eq!(choose(AssignmentMode::Manual, &el, None), None, "manual inboxes never offer");
    assert_eq!(choose(AssignmentMode::RoundRobin, &[], None), None);
}

#[test]
fn least_busy_picks_the_lowest_load_ties_in_round_robin_order() {
    let all = [
        agent("a", AgentStatus::Available, 1),
        agent("b", AgentStatus::Available, 0),
        agent("c", AgentStatus::Available, 0),
    ];
    let el: Vec<&Candidate> = all.iter().collect();
    assert_eq!(choose(AssignmentMode::LeastBusy, &el, None).map(|a| a.id.as_str()), Some("b"));
    assert_eq!(choose(AssignmentMode::LeastBusy, &el, Some("b")).map(|a| a.id.as_str()), Some("c"));
    assert_eq!(choose(AssignmentMode::LeastBusy, &el, Some("c")).map(|a| a.id.as_str()), Some("b"));
}

#[test]
fn only_available_agents_under_capacity_are_eligible() {
    let all = [
        agent("a", AgentStatus::Available, 2),
        agent("b", AgentStatus::Away, 0),
        agent("c", AgentStatus::Rona, 0),
        agent("d", AgentStatus::Offline, 0),
        agent("e", AgentStatus::Available, 1),
    ];
    let (el, round) = eligible(&queued(), &all, T0, 30);
    assert_eq!(ids(&el), ["e"]);
    assert!(!round);
}

#[test]
fn skipped_agents_wait_for_a_new_round_after_a_pause() {
    let all = [agent("a", AgentStatus::Available, 0), agent("b", AgentStatus::Available, 0)];
    let mut c = queued();
    c.skipped.push(Skip { agent_id: "a".into(), at: T0 });
    assert_eq!(ids(&eligible(&c, &all, T0, 30).0), ["b"], "a declined: b only");
    c.skipped.push(Skip { agent_id: "b".into(), at: T0.plus_secs(10) });
    assert!(eligible(&c, &all, T0.plus_secs(39), 30).0.is_empty(), "everyone skipped, pause not over");
    assert_eq!(next_round_at(&c, 30), Some(T0.plus_secs(40)));
    let (el, round) = eligible(&c, &all, T0.plus_secs(40), 30);
    assert_eq!(ids(&el), ["a", "b"]);
    assert!(round, "a new round clears the skips when offered");
}

#[test]
fn offer_accept_decline_expire_and_withdraw() {
    let ana = agent("ana", AgentStatus::Available, 0);
    let mut c = queued();
    let said = offer(&mut c, &ana, T0.plus_secs(30), T0, false);
    assert_eq!((c.status, said[0].event), (Status::Offered, "offered"));
    assert_eq!(c.offer.as_ref().map(|o| o.deadline), Some(T0.plus_secs(30)));

    // Someone else cannot answer it; the agent cannot answer after the deadline.
    assert!(
        matches!(accept(&mut c.clone(), &viewer("marco"), T0), Err(Refusal::Conflict(m)) if m.contains("another agent"))
    );
    assert!(
        matches!(accept(&mut c.clone(), &viewer("ana"), T0.plus_secs(30)), Err(Refusal::Conflict(m)) if m.contains("expired"))
    );
    assert!(expire(&mut c.clone(), "ANA", T0.plus_secs(29)).is_none(), "not yet due");

    let mut accepted = c.clone();
    accept(&mut accepted, &viewer("ana"), T0.plus_secs(29)).expect("accepts in time");
    assert_eq!(
        (accepted.status, accepted.assignee.as_deref(), accepted.accepted_at),
        (Status::Open, Some("ana"), Some(T0.plus_secs(29)))
    );
    assert!(accepted.offer.is_none());

    let mut declined = c.clone();
    decline(&mut declined, &viewer("ana"), T0.plus_secs(5)).expect("declines");
    assert_eq!((declined.status, declined.skipped.len(), declined.rona_count), (Status::Queued, 1, 0));

    let mut missed = c.clone();
    let (who, said) = expire(&mut missed, "ANA", T0.plus_secs(30)).expect("expires at the deadline");
    assert_eq!((who.as_str(), said[0].event, missed.status, missed.rona_count), ("ana", "rona", Status::Queued, 1));

    let mut gone = c;
    let said = withdraw(&mut gone, "ANA", Withdrawal::Status(AgentStatus::Away), T0.plus_secs(3)).expect("withdrawn");
    assert_eq!((said[0].event, gone.status), ("offer_withdrawn", Status::Queued));
    assert_eq!(said[0].text(), "Offer to ANA withdrawn: they went away");
    assert_eq!((said[0].says.key.as_str(), said[0].says.parts["to"].as_str()), ("withdrawn_away", "ANA"));
    assert!(withdraw(&mut gone, "ANA", Withdrawal::Gone, T0).is_none(), "nothing left to withdraw");
}
