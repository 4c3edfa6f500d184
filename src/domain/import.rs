//! Imported history: the one shape every import format (JSON Lines, mbox, Maildir) is read
//! into, mail threading, and how an imported thread becomes a conversation with its timeline.
//!
//! Imported conversations keep their historical times; nothing here routes, offers or
//! notifies. What cannot be imported is a [`Skip`] with the place it came from and the reason.

use std::collections::{BTreeMap, HashMap};

use super::Timestamp;
use super::conversation::{Author, Conversation, Detailed, Message, MessageKind, Origin, Status};

/// A conversation to import, with its messages in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Thread {
    /// The idempotency key (`jsonl:t-17`, `mail:<root@example.com>`): a thread whose key is
    /// already imported is not imported again.
    pub key: String,
    /// Where it came from (`conversations.jsonl:12`, `archive.mbox: mail 7`), for reports.
    pub source: String,
    /// The inbox's name or id (`None`: the import's default inbox).
    pub inbox: Option<String>,
    /// The customer.
    pub contact: NewContact,
    /// Subject line.
    pub subject: String,
    /// Where it stands.
    pub status: ImportStatus,
    /// The assignee's email.
    pub assignee: Option<String>,
    /// Label names.
    pub labels: Vec<String>,
    /// Created (default: the first message's time).
    pub created_at: Option<Timestamp>,
    /// Closed (default: the last message's time).
    pub closed_at: Option<Timestamp>,
    /// The messages, in time order.
    pub messages: Vec<Entry>,
}

/// The customer of an imported thread; matched to an existing contact by key, then email.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NewContact {
    /// The source's id for the contact (`jsonl:c-7`), if it has one.
    pub key: Option<String>,
    /// Name (the email's local part when empty).
    pub name: String,
    /// Email.
    pub email: Option<String>,
    /// Phone.
    pub phone: Option<String>,
}

/// How an imported conversation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportStatus {
    /// Handled and closed (the default for history).
    Closed,
    /// Being handled: with an assignee it is `open`, without one it waits in the queue.
    Open,
    /// Answered, waiting for the customer (with an assignee; `queued` without one).
    Pending,
}

impl ImportStatus {
    /// Reads `closed`, `open`, `pending` (also `resolved` and `snoozed` as rivals name them).
    pub fn parse(s: &str) -> Option<ImportStatus> {
        match s {
            "closed" | "resolved" => Some(ImportStatus::Closed),
            "open" => Some(ImportStatus::Open),
            "pending" | "snoozed" => Some(ImportStatus::Pending),
            _ => None,
        }
    }
}

/// Who wrote an imported message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Writer {
    /// The customer.
    Customer,
    /// The desk: a user's email, or a name when the sender is no user here.
    Agent(String),
    /// An internal note by a user's email or a name.
    Note(String),
}

/// One imported message.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// Its key in the source (a mail's `Message-ID`, a JSON Lines `ref`).
    pub key: Option<String>,
    /// The author.
    pub writer: Writer,
    /// The text.
    pub text: String,
    /// When it was written.
    pub at: Timestamp,
    /// Files.
    pub files: Vec<NewFile>,
}

/// A file of an imported message.
#[derive(Clone, Debug, PartialEq)]
pub struct NewFile {
    /// The file name.
    pub name: String,
    /// The declared type.
    pub content_type: Option<String>,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Something an import left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Skip {
    /// Where (`conversations.jsonl:12`, `archive.mbox: mail 7`).
    pub at: String,
    /// Why, in words.
    pub reason: String,
}

/// The ids a thread's parts resolved to, decided by the caller from the store.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    /// The new conversation's id.
    pub conversation_id: String,
    /// Its human number.
    pub number: u64,
    /// The inbox.
    pub inbox_id: String,
    /// The contact.
    pub contact_id: String,
    /// The assignee's user id.
    pub assignee: Option<String>,
    /// Label ids.
    pub labels: Vec<String>,
    /// Writer email or name → user id, for the users that exist.
    pub users: HashMap<String, String>,
    /// Attachment ids per message, in message order.
    pub files: Vec<Vec<String>>,
}

/// Builds the conversation and its timeline from a thread whose messages are in time order.
pub fn build(t: &Thread, r: &Resolved) -> (Conversation, Vec<Message>) {
    let first = t.messages.first().map(|m| m.at);
    let created = t.created_at.or(first).unwrap_or(Timestamp(0));
    let mut c = Conversation::new(
        r.conversation_id.clone(),
        r.number,
        r.inbox_id.clone(),
        r.contact_id.clone(),
        Origin::Inbound,
        created,
    );
    c.subject = t.subject.clone();
    c.labels = r.labels.clone();
    let mut timeline = Vec::with_capacity(t.messages.len());
    for (i, m) in t.messages.iter().enumerate() {
        let (kind, author) = match &m.writer {
            Writer::Customer => (MessageKind::Customer, Author::Contact { id: r.contact_id.clone() }),
            Writer::Agent(who) => (MessageKind::Agent, desk_author(who, r)),
            Writer::Note(who) => (MessageKind::Note, desk_author(who, r)),
        };
        if let Author::User { id } = &author
            && !c.participants.contains(id)
        {
            c.participants.push(id.clone());
        }
        match kind {
            MessageKind::Customer => {
                c.waiting_since.get_or_insert(m.at);
                c.detailed = Detailed::CustomerWaiting;
                c.last_message_at = Some(m.at);
            }
            MessageKind::Agent => {
                c.waiting_since = None;
                c.first_response_at.get_or_insert(m.at);
                c.detailed = Detailed::AgentAnswered;
                c.last_message_at = Some(m.at);
            }
            _ => {}
        }
        c.message_count += 1;
        c.updated_at = c.updated_at.max(m.at);
        let mut entry = c.next_entry(kind, author, m.text.clone(), None, m.at);
        entry.attachments = r.files.get(i).cloned().unwrap_or_default();
        timeline.push(entry);
    }
    let last = c.updated_at;
    if let Some(a) = &r.assignee {
        c.assignee = Some(a.clone());
        c.accepted_at = Some(created);
        if !c.participants.contains(a) {
            c.participants.push(a.clone());
        }
    }
    let status = match (t.status, &c.assignee) {
        (ImportStatus::Closed, _) => Status::Closed,
        (_, None) => Status::Queued,
        (ImportStatus::Open, Some(_)) => Status::Open,
        (ImportStatus::Pending, Some(_)) => Status::Pending,
    };
    c.status = status;
    c.status_since = last;
    if status == Status::Closed {
        let closed = t.closed_at.unwrap_or(last).max(created);
        c.closed_at = Some(closed);
        c.status_since = closed;
        c.updated_at = c.updated_at.max(closed);
        c.waiting_since = None;
        c.detailed = Detailed::ClosedByAgent;
    }
    (c, timeline)
}

fn desk_author(who: &str, r: &Resolved) -> Author {
    match r.users.get(who) {
        Some(id) => Author::User { id: id.clone() },
        None => Author::Bot { name: who.to_string() },
    }
}

/// The headers threading reads, of one mail.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MailHead {
    /// `Message-ID` (without angle brackets).
    pub id: Option<String>,
    /// `In-Reply-To` then `References`, nearest first.
    pub parents: Vec<String>,
    /// The subject with `Re:`/`Fwd:`/`R:`/`RE:` prefixes removed, lower-cased.
    pub subject: String,
    /// The customer's address in this mail (the sender, or for the desk's mails the first
    /// recipient), lower-cased.
    pub customer: String,
    /// When it was written.
    pub at: Timestamp,
}

/// Groups mails into threads: by `In-Reply-To` and `References`, and, for a mail whose
/// parents are unknown, by its subject with the same customer. Returns groups of indexes
/// into `mails`, each in time order, the groups ordered by their first mail.
pub fn threads(mails: &[MailHead]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..mails.len()).collect();
    fn find(p: &mut [usize], mut i: usize) -> usize {
        while p[i] != i {
            p[i] = p[p[i]];
            i = p[i];
        }
        i
    }
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, m) in mails.iter().enumerate() {
        if let Some(id) = &m.id {
            by_id.entry(id.as_str()).or_insert(i);
        }
    }
    let mut by_subject: HashMap<(&str, &str), usize> = HashMap::new();
    let mut order: Vec<usize> = (0..mails.len()).collect();
    order.sort_by_key(|&i| (mails[i].at, i));
    for &i in &order {
        let m = &mails[i];
        let linked = m.parents.iter().find_map(|p| by_id.get(p.as_str()).copied());
        let other = linked.or_else(|| {
            (!m.subject.is_empty()).then(|| by_subject.get(&(m.subject.as_str(), m.customer.as_str())).copied())?
        });
        if let Some(j) = other {
            let (a, b) = (find(&mut parent, i), find(&mut parent, j));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
        if !m.subject.is_empty() {
            by_subject.entry((m.subject.as_str(), m.customer.as_str())).or_insert(i);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for &i in &order {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_values().collect();
    out.sort_by_key(|g| g.first().map(|&i| (mails[i].at, i)));
    out
}

/// A subject without reply and forward prefixes, lower-cased, for threading.
pub fn base_subject(subject: &str) -> String {
    let mut s = subject.trim();
    loop {
        let cut = ["re:", "fwd:", "fw:", "r:", "aw:", "rv:", "i:"]
            .iter()
            .find(|p| s.get(..p.len()).is_some_and(|head| head.eq_ignore_ascii_case(p)))
            .map(|p| p.len())
            .or_else(|| s.strip_prefix('[').and_then(|rest| rest.find(']')).map(|end| end + 2));
        match cut {
            Some(n) if n <= s.len() => s = s[n..].trim_start(),
            _ => break,
        }
    }
    s.to_lowercase()
}

/// At most this many skips are kept in a job's record (the count goes on).
pub const KEPT_SKIPS: usize = 1_000;

/// An import of history and how far it got: what the API shows while it runs.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportJob {
    /// Opaque id (`imp_…`).
    pub id: String,
    /// `jsonl` or `mbox`.
    pub format: String,
    /// `running`, `done` or `failed`.
    pub state: String,
    /// Why it failed (`state` `failed`).
    #[serde(default)]
    pub error: Option<String>,
    /// Who started it.
    pub created_by: String,
    /// Started.
    pub created_at: Timestamp,
    /// Finished.
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
    /// Bytes of the file read so far.
    pub bytes_read: u64,
    /// The file's size.
    pub bytes_total: u64,
    /// Conversations imported.
    pub conversations: u64,
    /// Messages imported.
    pub messages: u64,
    /// Files imported.
    pub files: u64,
    /// Conversations left alone because an earlier import made them.
    pub already_imported: u64,
    /// Things left out (the count; `skips` keeps the first [`KEPT_SKIPS`]).
    pub skipped: u64,
    /// What was left out, and why.
    pub skips: Vec<Skip>,
}

impl ImportJob {
    /// Adds what a batch did.
    pub fn add(&mut self, conversations: u64, messages: u64, files: u64, already: u64, skips: Vec<Skip>) {
        self.conversations += conversations;
        self.messages += messages;
        self.files += files;
        self.already_imported += already;
        self.skipped += skips.len() as u64;
        let room = KEPT_SKIPS.saturating_sub(self.skips.len());
        self.skips.extend(skips.into_iter().take(room));
    }
}

#[cfg(test)]
#[path = "import_tests.rs"]
mod tests;
