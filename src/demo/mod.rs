//! Deterministic demo and benchmark data: contacts and conversations over the last N days in
//! every status, with multilingual messages. Conversations are driven through the real
//! lifecycle rules (`domain::lifecycle`) with historical times, so every generated
//! conversation is one the product could have produced. Pure: the caller supplies ids and the
//! current time; `desk::import` writes the result.

pub mod phrases;

use phrases::{Lang, first_names, last_names, thanks, topics};

use crate::domain::contact::Contact;
use crate::domain::conversation::{Author, Conversation, Message, MessageKind, Origin, Priority};
use crate::domain::lifecycle::{self, Viewer};
use crate::domain::{AgentStatus, Role, Timestamp};

/// A small, fast, deterministic random number generator (SplitMix64).
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// An inbox to put conversations in, with the language its customers write in.
#[derive(Clone, Debug)]
pub struct PlanInbox {
    /// Inbox id.
    pub id: String,
    /// Language of its traffic.
    pub lang: Lang,
}

/// An agent who handles conversations.
#[derive(Clone, Debug)]
pub struct PlanAgent {
    /// User id.
    pub id: String,
    /// Display name.
    pub name: String,
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Number of contacts.
    pub contacts: usize,
    /// Number of conversations.
    pub conversations: usize,
    /// Extra customer/agent exchanges per conversation, on average (0 for the demo's short ones).
    pub extra_exchanges: usize,
    /// Spread of creation times, in days before `now`.
    pub days: i64,
    /// The present.
    pub now: Timestamp,
    /// Inboxes.
    pub inboxes: Vec<PlanInbox>,
    /// Agents.
    pub agents: Vec<PlanAgent>,
    /// Label ids.
    pub labels: Vec<String>,
    /// Wrap-up reason ids with their names.
    pub wrap_ups: Vec<(String, String)>,
}

/// The generated data, conversations in creation order (numbers are given at import).
pub struct Generated {
    /// Contacts.
    pub contacts: Vec<Contact>,
    /// Conversations with their timelines.
    pub conversations: Vec<(Conversation, Vec<Message>)>,
}

/// Builds a timeline while driving the lifecycle.
struct Thread {
    c: Conversation,
    messages: Vec<Message>,
}

impl Thread {
    fn push(&mut self, kind: MessageKind, author: Author, text: String, event: Option<&str>, at: Timestamp) {
        let m = self.c.next_entry(kind, author, text, event, at);
        self.messages.push(m);
    }

    fn customer(&mut self, text: &str, at: Timestamp) {
        if lifecycle::customer_message(&mut self.c, at).is_ok() {
            let author = Author::Contact { id: self.c.contact_id.clone() };
            self.push(MessageKind::Customer, author, text.to_string(), None, at);
        }
    }

    fn agent(&mut self, v: &Viewer, text: &str, at: Timestamp) {
        if lifecycle::agent_message(&mut self.c, v, at).is_ok() {
            self.push(MessageKind::Agent, Author::User { id: v.id.clone() }, text.to_string(), None, at);
        }
    }

    fn system(&mut self, v: &Viewer, entries: Vec<lifecycle::Entry>, at: Timestamp) {
        for e in entries {
            let m = self.c.next_system_entry(Author::User { id: v.id.clone() }, e, at);
            self.messages.push(m);
        }
    }
}

const MINUTE: i64 = 60_000;
const DAY: i64 = 86_400_000;

/// Generates contacts and conversations. `ids(prefix, at)` makes ids.
pub fn generate(plan: &Plan, seed: u64, mut ids: impl FnMut(&str, Timestamp) -> String) -> Generated {
    let mut rng = Rng::new(seed);
    let langs = [Lang::En, Lang::It, Lang::Es];
    let start = plan.now.plus_millis(-plan.days * DAY);
    let mut contacts = Vec::with_capacity(plan.contacts);
    let mut contact_langs = Vec::with_capacity(plan.contacts);
    for i in 0..plan.contacts {
        let lang = langs[i % 3];
        let first = rng.pick(first_names(lang));
        let last = rng.pick(last_names(lang));
        let at = start.plus_millis(rng.below(((plan.days * DAY) / 2).max(1) as u64) as i64);
        let domain = ["example.com", "example.org", "example.net"][i % 3];
        let email =
            format!("{}.{}.{i}@{domain}", crate::domain::contact::fold(first), crate::domain::contact::fold(last))
                .replace(' ', "");
        let prefix = match lang {
            Lang::En => "+44 7700 ",
            Lang::It => "+39 333 ",
            Lang::Es => "+34 612 ",
        };
        let mut contact = Contact::blank(ids("ct", at), at);
        contact.name = format!("{first} {last}");
        contact.email = Some(email);
        contact.phone = (i % 4 != 3).then(|| format!("{prefix}{:06}", 100_000 + i));
        contact
            .attributes
            .insert("plan".into(), crate::domain::contact::AttrValue::Text(["free", "pro", "business"][i % 3].into()));
        contacts.push(contact);
        contact_langs.push(lang);
    }
    let viewers: Vec<Viewer> = plan
        .agents
        .iter()
        .map(|a| Viewer {
            id: a.id.clone(),
            name: a.name.clone(),
            role: Role::Agent,
            status: AgentStatus::Available,
            see_all: true,
            inbox_ids: Vec::new(),
            team_ids: Vec::new(),
        })
        .collect();
    // Every 20 conversations: 3 queued, 2 open, 2 pending, 13 closed. Unfinished ones are
    // recent; each starts early enough that its whole timeline lies before `now`.
    let longest = |kind: usize| -> i64 {
        let exchange = 55 * MINUTE * plan.extra_exchanges as i64;
        match kind {
            0..3 => MINUTE,
            3..5 => 15 * MINUTE,
            5..7 => 40 * MINUTE + exchange,
            _ => 3 * 60 * MINUTE + exchange,
        }
    };
    let mut created: Vec<(Timestamp, usize)> = (0..plan.conversations)
        .map(|i| {
            let kind = i % 20;
            // Unfinished ones are from the last 20 hours, so the demo desk's 24-hour auto-close
            // does not close them the moment the server starts.
            let span = if kind < 7 { 20 * DAY / 24 } else { plan.days * DAY };
            (plan.now.plus_millis(-(rng.below(span.max(1) as u64) as i64) - longest(kind)), kind)
        })
        .collect();
    created.sort();
    let mut conversations = Vec::with_capacity(plan.conversations);
    for (i, (at, kind)) in created.into_iter().enumerate() {
        let ci = rng.below(plan.contacts.max(1) as u64) as usize;
        let (contact, lang) = (&contacts[ci], contact_langs[ci]);
        let of_lang: Vec<&PlanInbox> = plan.inboxes.iter().filter(|b| b.lang == lang).collect();
        let inbox = if of_lang.is_empty() { &plan.inboxes[0] } else { *rng.pick(&of_lang) };
        let topic = rng.pick(topics(lang));
        let mut c = Conversation::new(
            ids("cv", at),
            0,
            inbox.id.clone(),
            contact.id.clone(),
            if i % 5 == 0 { Origin::BotHandoff } else { Origin::Inbound },
            at,
        );
        if rng.below(4) == 0 && !plan.labels.is_empty() {
            c.labels = vec![rng.pick(&plan.labels).clone()];
        }
        c.subject = topic.subject.to_string();
        c.priority =
            [Priority::Normal, Priority::Normal, Priority::Normal, Priority::High, Priority::Low, Priority::Urgent]
                [(i * 7) % 6];
        let mut t = Thread { c, messages: Vec::new() };
        t.customer(topic.opening, at);
        if kind < 3 || viewers.is_empty() {
            conversations.push((t.c, t.messages));
            continue;
        }
        let v = rng.pick(&viewers).clone();
        let mut now = at.plus_millis((1 + rng.below(9) as i64) * MINUTE);
        let entries = lifecycle::assign(&mut t.c, &v, &v.id, &v.name, now).unwrap_or_default();
        t.system(&v, entries, now);
        if kind < 5 {
            // Open: taken, the customer is waiting for the next answer.
            t.customer(topic.follow_up, now.plus_millis(2 * MINUTE));
            conversations.push((t.c, t.messages));
            continue;
        }
        now = now.plus_millis((2 + rng.below(25) as i64) * MINUTE);
        t.agent(&v, topic.answer, now);
        for _ in 0..plan.extra_exchanges {
            now = now.plus_millis((3 + rng.below(30) as i64) * MINUTE);
            t.customer(topic.follow_up, now);
            now = now.plus_millis((2 + rng.below(20) as i64) * MINUTE);
            t.agent(&v, topic.answer, now);
        }
        if rng.below(3) == 0 {
            lifecycle::note(&mut t.c, &v, now);
            t.push(MessageKind::Note, Author::User { id: v.id.clone() }, topic.note.to_string(), None, now);
        }
        if kind < 7 {
            conversations.push((t.c, t.messages));
            continue;
        }
        now = now.plus_millis((5 + rng.below(120) as i64) * MINUTE);
        t.customer(thanks(lang), now);
        now = now.plus_millis((1 + rng.below(10) as i64) * MINUTE);
        let reason = plan
            .wrap_ups
            .get(rng.below(plan.wrap_ups.len().max(1) as u64) as usize)
            .map(|(id, name)| (id.as_str(), name.as_str()));
        let entries = lifecycle::close(&mut t.c, &v, reason, false, None, now).unwrap_or_default();
        t.system(&v, entries, now);
        conversations.push((t.c, t.messages));
    }
    Generated { contacts, conversations }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::conversation::Status;

    fn plan() -> Plan {
        Plan {
            contacts: 30,
            conversations: 100,
            extra_exchanges: 1,
            days: 60,
            now: Timestamp(1_767_603_600_000),
            inboxes: vec![
                PlanInbox { id: "inb_en".into(), lang: Lang::En },
                PlanInbox { id: "inb_it".into(), lang: Lang::It },
                PlanInbox { id: "inb_es".into(), lang: Lang::Es },
            ],
            agents: vec![
                PlanAgent { id: "usr_a".into(), name: "A".into() },
                PlanAgent { id: "usr_b".into(), name: "B".into() },
            ],
            labels: vec!["lbl_1".into()],
            wrap_ups: vec![("wru_1".into(), "Solved".into())],
        }
    }

    fn counter() -> impl FnMut(&str, Timestamp) -> String {
        let mut n = 0u64;
        move |p: &str, _| {
            n += 1;
            format!("{p}_{n:08}")
        }
    }

    #[test]
    fn generation_is_deterministic_and_covers_every_status() {
        let a = generate(&plan(), 7, counter());
        let b = generate(&plan(), 7, counter());
        assert_eq!(a.conversations.len(), 100);
        assert_eq!(
            a.conversations.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>(),
            b.conversations.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>()
        );
        let count = |s: Status| a.conversations.iter().filter(|(c, _)| c.status == s).count();
        assert_eq!(
            (count(Status::Queued), count(Status::Open), count(Status::Pending), count(Status::Closed)),
            (15, 10, 10, 65)
        );
        for (c, msgs) in &a.conversations {
            assert_eq!(c.timeline_len as usize, msgs.len());
            assert!(msgs.windows(2).all(|w| w[0].created_at <= w[1].created_at), "times move forward");
            assert!(c.created_at < plan().now);
            assert!(msgs.iter().all(|m| m.created_at < plan().now), "nothing happens in the future");
            if c.status == Status::Closed {
                assert!(c.closed_at.is_some() && c.wrap_up_id.is_some());
            }
        }
        assert!(a.conversations.windows(2).all(|w| w[0].0.created_at <= w[1].0.created_at));
    }
}
