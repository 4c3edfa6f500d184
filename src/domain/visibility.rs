//! Who may see a conversation (F3), written once as keys.
//!
//! A conversation carries the keys of those who may see it: its assignee, its participants, the
//! agents invited to it or offered it, and while it is queued its inbox's queue and the queue of
//! the team it was transferred to. A viewer holds their own key, the queues of the inboxes their
//! teams serve and the queues of their teams; supervisors, admins and `see_all` users see
//! everything. [`can_see`] is "the two share a key", the search index stores a conversation's
//! keys as terms ([`SeeKey::term`]) and asks for the viewer's, so the lists, search, the monitor,
//! exports and the event stream cannot disagree.

use super::conversation::{Conversation, Status};
use super::lifecycle::Viewer;

/// One key of who may see a conversation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum SeeKey {
    /// One user.
    User(String),
    /// The queue of an inbox: the agents of the teams serving it.
    InboxQueue(String),
    /// The queue of a team: its members.
    TeamQueue(String),
}

impl SeeKey {
    /// The key as one search term (`u:`, `q:` or `t:` and the id).
    pub fn term(&self) -> String {
        match self {
            SeeKey::User(id) => format!("u:{id}"),
            SeeKey::InboxQueue(id) => format!("q:{id}"),
            SeeKey::TeamQueue(id) => format!("t:{id}"),
        }
    }
}

/// Whether `v` sees every conversation: supervisors, admins and `see_all` users.
pub fn sees_everything(v: &Viewer) -> bool {
    v.is_supervisor() || v.see_all
}

/// The keys of those who may see `c`, each once (besides those who see everything).
pub fn conversation_keys(c: &Conversation) -> Vec<SeeKey> {
    let mut keys = Vec::new();
    let users = c.assignee.iter().chain(&c.participants).chain(&c.invited).chain(c.offer.iter().map(|o| &o.agent_id));
    for id in users {
        let key = SeeKey::User(id.clone());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if c.status == Status::Queued {
        keys.push(SeeKey::InboxQueue(c.inbox_id.clone()));
        if let Some(t) = &c.team_id {
            keys.push(SeeKey::TeamQueue(t.clone()));
        }
    }
    keys
}

/// The keys `v` holds.
pub fn viewer_keys(v: &Viewer) -> Vec<SeeKey> {
    let mut keys = vec![SeeKey::User(v.id.clone())];
    keys.extend(v.inbox_ids.iter().cloned().map(SeeKey::InboxQueue));
    keys.extend(v.team_ids.iter().cloned().map(SeeKey::TeamQueue));
    keys
}

/// Whether `v` may see `c`: they see everything, or they hold one of its keys.
pub fn can_see(v: &Viewer, c: &Conversation) -> bool {
    sees_everything(v) || {
        let held = viewer_keys(v);
        conversation_keys(c).iter().any(|k| held.contains(k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversation::{Offer, Origin};
    use crate::domain::{AgentStatus, Role, Timestamp};

    const USERS: [&str; 4] = ["usr_a", "usr_b", "usr_c", "usr_d"];
    const INBOXES: [&str; 3] = ["inb_1", "inb_2", "inb_3"];
    const TEAMS: [&str; 3] = ["team_1", "team_2", "team_3"];
    const STATUSES: [Status; 5] = [Status::Queued, Status::Offered, Status::Open, Status::Pending, Status::Closed];

    /// A small deterministic generator (xorshift), so every run checks the same cases.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[(self.next() % items.len() as u64) as usize]
        }
        fn maybe(&mut self) -> bool {
            self.next().is_multiple_of(3)
        }
        fn some(&mut self, items: &[&str]) -> Vec<String> {
            items.iter().filter(|_| self.maybe()).map(|s| s.to_string()).collect()
        }
    }

    fn conversation(g: &mut Gen, n: u64) -> Conversation {
        let mut c = Conversation::new(
            format!("cv_{n}"),
            n,
            g.pick(&INBOXES).to_string(),
            "ct_1".into(),
            Origin::Inbound,
            Timestamp(0),
        );
        c.status = *g.pick(&STATUSES);
        c.assignee = g.maybe().then(|| g.pick(&USERS).to_string());
        c.participants = g.some(&USERS);
        c.invited = g.some(&USERS);
        c.team_id = g.maybe().then(|| g.pick(&TEAMS).to_string());
        c.offer = g.maybe().then(|| Offer {
            agent_id: g.pick(&USERS).to_string(),
            offered_at: Timestamp(0),
            deadline: Timestamp(30_000),
            transfer: None,
        });
        c
    }

    fn viewer(g: &mut Gen) -> Viewer {
        Viewer {
            id: g.pick(&USERS).to_string(),
            name: "V".into(),
            role: *g.pick(&[Role::Agent, Role::Agent, Role::Agent, Role::Supervisor, Role::Admin]),
            status: AgentStatus::Available,
            see_all: g.next().is_multiple_of(10),
            inbox_ids: g.some(&INBOXES),
            team_ids: g.some(&TEAMS),
        }
    }

    /// F3 as the requirements say it, written out independently of the keys.
    fn f3(v: &Viewer, c: &Conversation) -> bool {
        v.role >= Role::Supervisor
            || v.see_all
            || c.assignee.as_deref() == Some(v.id.as_str())
            || c.participants.contains(&v.id)
            || c.invited.contains(&v.id)
            || c.offer.as_ref().is_some_and(|o| o.agent_id == v.id)
            || (c.status == Status::Queued
                && (v.inbox_ids.contains(&c.inbox_id) || c.team_id.as_ref().is_some_and(|t| v.team_ids.contains(t))))
    }

    #[test]
    fn the_keys_agree_with_f3_for_generated_conversations_and_viewers() {
        let mut g = Gen(0x5eed_cafe_f00d);
        let (mut seen, mut hidden) = (0, 0);
        for n in 0..400 {
            let c = conversation(&mut g, n);
            let terms: Vec<String> = conversation_keys(&c).iter().map(SeeKey::term).collect();
            for _ in 0..25 {
                let v = viewer(&mut g);
                let expected = f3(&v, &c);
                assert_eq!(can_see(&v, &c), expected, "{v:?} / {c:?}");
                // What search finds: everything, or the documents sharing a term with the viewer.
                let held: Vec<String> = viewer_keys(&v).iter().map(SeeKey::term).collect();
                let found = sees_everything(&v) || terms.iter().any(|t| held.contains(t));
                assert_eq!(found, expected, "search scope of {v:?} / {c:?}");
                if expected { seen += 1 } else { hidden += 1 }
            }
        }
        assert!(seen > 1_000 && hidden > 1_000, "both outcomes are exercised: {seen} seen, {hidden} hidden");
    }
}
