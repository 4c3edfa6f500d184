//! Conversations (F1–F7): creating them (outbound, bot hand-off), reading one, and the list
//! views with their filters and sorts. State changes live in `desk::handling`, messages in
//! `desk::messages`.

use std::collections::BTreeSet;

use super::contacts::{ContactInput, find_or_create_contact};
use super::{Desk, DeskError, Principal};
use crate::domain::contact::Contact;
use crate::domain::conversation::{
    Author, Conversation, Detailed, Message, MessageKind, Origin, Priority, Sort, Status,
};
use crate::domain::lifecycle::{Entry, Refusal, Viewer, can_see};
use crate::domain::metrics::ConversationMetrics;
use crate::domain::says::Says;
use crate::domain::workspace::Channel;
use crate::domain::{EventKind, Timestamp};
use crate::store::{
    Changes, ContactReads, ConversationReads, Partition, ReadMark, Reader, Staged, UserReads, WorkspaceReads,
    put_conversation, put_message, put_read_mark, take_number,
};

/// Turns a lifecycle refusal into the desk's error.
pub(super) fn refused(r: Refusal) -> DeskError {
    match r {
        Refusal::Conflict(m) => DeskError::Conflict(m),
        Refusal::Forbidden(m) => DeskError::Forbidden(m),
        Refusal::Invalid(f, m) => DeskError::field(f, m),
    }
}

/// The rules' view of the caller, with the inboxes their teams serve.
pub(super) fn viewer(s: &impl Reader, who: &Principal) -> Result<Viewer, DeskError> {
    let teams = s.teams_of_user(&who.user.id)?;
    Ok(Viewer {
        id: who.user.id.clone(),
        name: who.user.name.clone(),
        role: who.user.role,
        status: who.user.status,
        see_all: who.user.see_all,
        inbox_ids: s.inboxes_of_teams(&teams)?,
        team_ids: teams,
    })
}

/// Loads a conversation the viewer may see; hidden ones are 404 so ids leak nothing.
pub(super) fn visible(s: &impl Reader, v: &Viewer, id: &str) -> Result<Conversation, DeskError> {
    s.conversation(id)?
        .filter(|c| can_see(v, c))
        .ok_or_else(|| DeskError::NotFound(format!("no conversation with id {id}")))
}

/// Appends a timeline entry and returns it.
#[allow(clippy::too_many_arguments)]
pub(super) fn append(
    ch: &mut Changes,
    c: &mut Conversation,
    kind: MessageKind,
    author: Author,
    text: String,
    event: Option<&str>,
    now: Timestamp,
) -> Result<Message, DeskError> {
    let m = c.next_entry(kind, author, text, event, now);
    put_message(ch, &m)?;
    ch.event(EventKind::MessageCreated { conversation_id: c.id.clone(), message_id: m.id.clone(), kind });
    Ok(m)
}

/// Appends the system entries of a lifecycle step (F38: every action shows in the timeline).
pub(super) fn append_entries(
    ch: &mut Changes,
    c: &mut Conversation,
    entries: Vec<Entry>,
    who: &str,
    now: Timestamp,
) -> Result<(), DeskError> {
    for e in entries {
        append_system(ch, c, Author::User { id: who.to_string() }, e, now)?;
    }
    Ok(())
}

/// Appends one system entry by `author`.
pub(super) fn append_system(
    ch: &mut Changes,
    c: &mut Conversation,
    author: Author,
    e: Entry,
    now: Timestamp,
) -> Result<Message, DeskError> {
    let m = c.next_system_entry(author, e, now);
    put_message(ch, &m)?;
    ch.event(EventKind::MessageCreated { conversation_id: c.id.clone(), message_id: m.id.clone(), kind: m.kind });
    Ok(m)
}

/// Marks everything the user can see as read for them.
pub(super) fn mark_seen(ch: &mut Changes, user_id: &str, c: &Conversation) -> Result<(), DeskError> {
    put_read_mark(ch, user_id, &c.id, &ReadMark { seen: c.message_count, marked_unread: false })?;
    Ok(())
}

/// A conversation with what a list or card shows beside it.
#[derive(Clone, Debug)]
pub struct ConversationView {
    /// The conversation.
    pub conversation: Conversation,
    /// Its contact.
    pub contact: Option<Contact>,
    /// Messages the caller has not read.
    pub unread: u32,
    /// The inbox's channel.
    pub channel: Option<Channel>,
    /// Its metrics (F29) at the moment it was read.
    pub metrics: ConversationMetrics,
    /// Its latest customer or agent message, or note, for the list's preview.
    pub last_message: Option<Message>,
    /// The customer's satisfaction rating (closed conversations, F31).
    pub rating: Option<crate::domain::widget::Rating>,
}

/// Timeline entries looked at, from the end, for the latest message (system entries such as
/// "offered" and "assigned" follow the last message closely).
const PREVIEW_LOOKBACK: u32 = 8;

/// The latest message of `c` that is not a system entry, if one of the last few entries is.
fn last_message(s: &impl Reader, c: &Conversation) -> Result<Option<Message>, DeskError> {
    let from = c.timeline_len.saturating_sub(PREVIEW_LOOKBACK);
    let entries = s.timeline(&c.id, from, PREVIEW_LOOKBACK as usize)?;
    Ok(entries.into_iter().rev().find(|m| m.kind != MessageKind::System))
}

/// What a list or card shows of `c`, read at `now`.
pub(super) fn view_of(
    s: &impl Reader,
    who: &Principal,
    c: Conversation,
    now: Timestamp,
) -> Result<ConversationView, DeskError> {
    let mark = s.read_mark(&who.user.id, &c.id)?;
    let unread = c.message_count.saturating_sub(mark.seen);
    let unread = if mark.marked_unread { unread.max(1) } else { unread };
    let metrics = ConversationMetrics::of(&c, now);
    Ok(ConversationView {
        contact: s.contact(&c.contact_id)?,
        channel: s.inbox(&c.inbox_id)?.map(|i| i.channel),
        unread,
        metrics,
        last_message: last_message(s, &c)?,
        rating: if c.status == crate::domain::conversation::Status::Closed {
            crate::store::WidgetReads::rating(s, &c.id)?
        } else {
            None
        },
        conversation: c,
    })
}

/// One message of a bot's transcript.
#[derive(Clone, Debug)]
pub struct TranscriptLine {
    /// `true` for the customer, `false` for the bot.
    pub from_customer: bool,
    /// What was written.
    pub text: String,
}

/// A conversation to start.
#[derive(Clone, Debug)]
pub struct NewConversation {
    /// The inbox.
    pub inbox_id: String,
    /// An existing contact…
    pub contact_id: Option<String>,
    /// …or the contact's data (found by external id, email or phone, else created).
    pub contact: Option<ContactInput>,
    /// Subject.
    pub subject: String,
    /// Priority.
    pub priority: Priority,
    /// `None`: outbound by the caller (lands `open`, assigned to them). `Some`: a bot's
    /// hand-off with its transcript (lands `queued`).
    pub handoff: Option<(String, Vec<TranscriptLine>)>,
}

/// Which list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// Assigned to me and not closed.
    Mine,
    /// Queued in the inboxes I serve, or for my teams.
    Unassigned,
    /// Offered to me, waiting for my answer.
    Offered,
    /// Everything I may see.
    All,
}

/// A list request: view, filters (F4), sort, page.
#[derive(Clone, Debug)]
pub struct ListQuery {
    /// The view.
    pub view: View,
    /// Any of these statuses.
    pub statuses: Vec<Status>,
    /// This detailed status.
    pub detailed: Option<Detailed>,
    /// Assigned to this user.
    pub assignee: Option<String>,
    /// Queued for or served by this team.
    pub team: Option<String>,
    /// In this inbox.
    pub inbox: Option<String>,
    /// From inboxes of this channel.
    pub channel: Option<Channel>,
    /// Carrying this label.
    pub label: Option<String>,
    /// Created at or after.
    pub created_from: Option<Timestamp>,
    /// Created before.
    pub created_to: Option<Timestamp>,
    /// Updated at or after.
    pub updated_from: Option<Timestamp>,
    /// Updated before.
    pub updated_to: Option<Timestamp>,
    /// Contact name, email or phone.
    pub contact: Option<String>,
    /// This contact.
    pub contact_id: Option<String>,
    /// Order.
    pub sort: Sort,
    /// After this position.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: usize,
}

impl ListQuery {
    /// Every conversation of one contact the caller may see, newest first.
    pub fn for_contact(contact_id: String, cursor: Option<String>, limit: usize) -> Self {
        ListQuery {
            view: View::All,
            statuses: Vec::new(),
            detailed: None,
            assignee: None,
            team: None,
            inbox: None,
            channel: None,
            label: None,
            created_from: None,
            created_to: None,
            updated_from: None,
            updated_to: None,
            contact: None,
            contact_id: Some(contact_id),
            sort: Sort::Created,
            cursor,
            limit,
        }
    }
}

/// Most contacts a contact filter may match before it asks to be narrowed.
const MAX_CONTACT_MATCHES: usize = 200;

impl Desk {
    /// One conversation the caller may see.
    pub fn get_conversation(&self, who: &Principal, id: &str) -> Result<ConversationView, DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let v = viewer(&snap, who)?;
        let c = visible(&snap, &v, id)?;
        view_of(&snap, who, c, self.now())
    }

    /// A page of a view with filters, and the cursor of the next page.
    pub fn list_conversations(
        &self,
        who: &Principal,
        q: &ListQuery,
    ) -> Result<(Vec<ConversationView>, Option<String>), DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let (convs, next) = select(&snap, who, q)?;
        let now = self.now();
        let views = convs.into_iter().map(|c| view_of(&snap, who, c, now)).collect::<Result<Vec<_>, _>>()?;
        Ok((views, next))
    }

    /// Starts a conversation: outbound by the caller (F6, lands `open` and assigned to them)
    /// or a bot's hand-off with its transcript (F7, lands `queued`).
    pub async fn create_conversation(
        &self,
        who: &Principal,
        new: NewConversation,
    ) -> Result<ConversationView, DeskError> {
        who.ready()?;
        if new.subject.chars().count() > 200 {
            return Err(DeskError::field("subject", "must be at most 200 characters"));
        }
        if new.contact_id.is_none() == new.contact.is_none() {
            return Err(DeskError::field("contact_id", "give either contact_id or contact"));
        }
        if let Some((bot, lines)) = &new.handoff {
            check_handoff(bot, lines)?;
        }
        let (now, actor, ids, caller) = (self.now(), who.actor(), self.id_gen(), who.clone());
        let (id, _) = self
            .store
            .write(move |s| {
                let inbox = s
                    .inbox(&new.inbox_id)?
                    .ok_or_else(|| DeskError::field("inbox_id", format!("no inbox with id {}", new.inbox_id)))?;
                let v = viewer(s, &caller)?;
                if new.handoff.is_none() && v.status == crate::domain::AgentStatus::Offline {
                    return Err(DeskError::Conflict(
                        "you are offline; set your status to available or away to start conversations".into(),
                    ));
                }
                if !(v.is_supervisor() || v.see_all || v.inbox_ids.contains(&inbox.id)) {
                    return Err(DeskError::Forbidden(
                        "you do not serve this inbox; ask an admin to add your team to it (integrations hand \
                         conversations over with an API token of a supervisor or admin)"
                            .into(),
                    ));
                }
                if let Some((_, lines)) = &new.handoff {
                    let max = s.settings()?.max_message_chars as usize;
                    if let Some(i) = lines.iter().position(|l| l.text.chars().count() > max) {
                        return Err(DeskError::field(
                            "handoff.transcript",
                            format!("line {} is longer than the workspace's {max} characters", i + 1),
                        ));
                    }
                }
                let mut ch = Changes::new(now, actor);
                let contact = match (&new.contact_id, new.contact) {
                    (Some(id), _) => s
                        .contact(id)?
                        .ok_or_else(|| DeskError::field("contact_id", format!("no contact with id {id}")))?,
                    (None, Some(input)) => find_or_create_contact(s, &mut ch, ids.next("ct", now), input, now)?,
                    (None, None) => return Err(DeskError::field("contact_id", "give either contact_id or contact")),
                };
                let handoff = new.handoff.is_some();
                let mut c = Conversation::new(
                    ids.next("cv", now),
                    take_number(&mut ch, s)?,
                    inbox.id.clone(),
                    contact.id.clone(),
                    if handoff { Origin::BotHandoff } else { Origin::Outbound },
                    now,
                );
                c.subject = new.subject.trim().to_string();
                c.priority = new.priority;
                if handoff {
                    c.waiting_since = Some(now);
                } else {
                    c.status = Status::Open;
                    c.detailed = Detailed::New;
                    c.assignee = Some(caller.user.id.clone());
                    c.participants = vec![caller.user.id.clone()];
                    c.accepted_at = Some(now);
                };
                ch.event(EventKind::ConversationCreated {
                    conversation_id: c.id.clone(),
                    inbox_id: c.inbox_id.clone(),
                    contact_id: contact.id.clone(),
                });
                if let Some((bot, transcript)) = new.handoff {
                    for line in transcript {
                        let author = if line.from_customer {
                            Author::Contact { id: contact.id.clone() }
                        } else {
                            Author::Bot { name: bot.clone() }
                        };
                        append(&mut ch, &mut c, MessageKind::Customer, author, line.text, None, now)?;
                        c.message_count += 1;
                        c.last_message_at = Some(now);
                    }
                    let says = Says::new("handed_off").with("who", &bot);
                    append_system(
                        &mut ch,
                        &mut c,
                        Author::Bot { name: bot },
                        Entry { event: "handed_off", says },
                        now,
                    )?;
                } else {
                    let says = Says::new("started").with("who", &caller.user.name);
                    let author = Author::User { id: caller.user.id.clone() };
                    append_system(&mut ch, &mut c, author, Entry { event: "created", says }, now)?;
                }
                put_conversation(&mut ch, &c, None)?;
                Ok::<_, DeskError>((ch, c.id))
            })
            .await?;
        self.resettle().await;
        // The caller gets what they created, even if they cannot see it from now on (a
        // supervisor's integration token handing over to a team it is not in).
        let snap = self.store.snapshot()?;
        let c = snap.conversation(&id)?.ok_or_else(|| DeskError::NotFound("no such conversation".into()))?;
        view_of(&snap, who, c, self.now())
    }
}

/// Most lines a hand-off transcript may carry.
pub const MAX_TRANSCRIPT_LINES: usize = 200;

/// The limits of a hand-off: a bot name of 1 to 100 characters, at most
/// [`MAX_TRANSCRIPT_LINES`] lines, none blank.
fn check_handoff(bot: &str, lines: &[TranscriptLine]) -> Result<(), DeskError> {
    if bot.trim().is_empty() || bot.chars().count() > 100 {
        return Err(DeskError::field("handoff.bot_name", "must be 1 to 100 characters, not blank"));
    }
    if lines.len() > MAX_TRANSCRIPT_LINES {
        return Err(DeskError::field("handoff.transcript", format!("at most {MAX_TRANSCRIPT_LINES} lines")));
    }
    if let Some(i) = lines.iter().position(|l| l.text.trim().is_empty()) {
        return Err(DeskError::field("handoff.transcript", format!("line {} is blank", i + 1)));
    }
    Ok(())
}

/// The contacts a `contact` filter (name, email or phone) names, or `None` without one; a
/// filter matching too many contacts asks to be narrowed. Lists, exports and search share it.
pub(super) fn contact_filter(snap: &impl Reader, q: &ListQuery) -> Result<Option<BTreeSet<String>>, DeskError> {
    let Some(text) = q.contact.as_deref().map(str::trim).filter(|c| !c.is_empty()) else { return Ok(None) };
    let ids = snap.search_contact_ids(text, MAX_CONTACT_MATCHES + 1)?;
    if ids.len() > MAX_CONTACT_MATCHES {
        return Err(DeskError::field(
            "contact",
            format!("matches more than {MAX_CONTACT_MATCHES} contacts; type more of the name, email or phone"),
        ));
    }
    Ok(Some(ids))
}

/// Whether a status filter asks for unfinished conversations only (none closed).
fn unfinished_only(statuses: &[Status]) -> bool {
    !statuses.is_empty() && !statuses.contains(&Status::Closed)
}

/// The partitions that hold every conversation in `statuses` (all unfinished) of `inbox`, or
/// of `inboxes`: the queues for `queued`, the offers for `offered`, the assignments for `open`
/// and `pending`. A filter on unfinished statuses then reads only that work, not the whole
/// history (a desk of a million closed conversations lists its 50 open ones as fast as a small
/// one).
fn open_work(
    snap: &impl Reader,
    statuses: &[Status],
    inboxes: &BTreeSet<String>,
    inbox: Option<&str>,
) -> Result<Vec<Partition>, DeskError> {
    let mut p = Vec::new();
    if statuses.contains(&Status::Queued) {
        p.extend(inboxes.iter().filter(|i| inbox.is_none_or(|f| f == *i)).cloned().map(Partition::InboxQueue));
        p.extend(snap.teams()?.into_iter().map(|t| Partition::TeamQueue(t.id)));
    }
    let offered = statuses.contains(&Status::Offered);
    let assigned = statuses.iter().any(|s| matches!(s, Status::Open | Status::Pending));
    if offered || assigned {
        for u in snap.users_page(None, usize::MAX)? {
            if offered {
                p.push(Partition::OfferedTo(u.id.clone()));
            }
            if assigned {
                p.push(Partition::AssignedTo(u.id));
            }
        }
    }
    Ok(p)
}

/// One page of a list request as the caller may see it (permissions exactly as the list),
/// and the cursor of the next page; read from `snap`. Lists and exports share it.
pub(super) fn select(
    snap: &impl Reader,
    who: &Principal,
    q: &ListQuery,
) -> Result<(Vec<Conversation>, Option<String>), DeskError> {
    let v = viewer(snap, who)?;
    let sees_all = v.is_supervisor() || v.see_all;
    let inboxes = snap.inboxes()?;
    let serving: BTreeSet<String> =
        if sees_all { inboxes.iter().map(|i| i.id.clone()).collect() } else { v.inbox_ids.iter().cloned().collect() };
    let channel_of = |inbox: &str| inboxes.iter().find(|i| i.id == inbox).map(|i| i.channel);
    let team_inboxes: Option<BTreeSet<String>> =
        q.team.as_ref().map(|t| inboxes.iter().filter(|i| i.team_ids.contains(t)).map(|i| i.id.clone()).collect());
    let contacts = contact_filter(snap, q)?;
    // The partitions to read: a superset of the answer, as narrow as the query allows.
    let base: Vec<Partition> = match q.view {
        View::Mine => vec![Partition::AssignedTo(v.id.clone())],
        View::Offered => vec![Partition::OfferedTo(v.id.clone())],
        View::Unassigned => {
            let mut p: Vec<Partition> = serving
                .iter()
                .filter(|i| q.inbox.as_ref().is_none_or(|f| f == *i))
                .cloned()
                .map(Partition::InboxQueue)
                .collect();
            p.extend(v.team_ids.iter().cloned().map(Partition::TeamQueue));
            p
        }
        View::All if sees_all && unfinished_only(&q.statuses) => {
            open_work(snap, &q.statuses, &serving, q.inbox.as_deref())?
        }
        View::All if sees_all => vec![q.inbox.clone().map_or(Partition::All, Partition::Inbox)],
        View::All => {
            let mut p = vec![
                Partition::AssignedTo(v.id.clone()),
                Partition::Participant(v.id.clone()),
                Partition::OfferedTo(v.id.clone()),
            ];
            p.extend(serving.iter().cloned().map(Partition::InboxQueue));
            p.extend(v.team_ids.iter().cloned().map(Partition::TeamQueue));
            p
        }
    };
    let partitions = match (&q.label, &contacts, &q.assignee) {
        _ if q.view == View::All && q.contact_id.is_some() => {
            vec![Partition::Contact(q.contact_id.clone().unwrap_or_default())]
        }
        (Some(l), _, _) if q.view == View::All => vec![Partition::Label(l.clone())],
        (_, Some(ids), _) if q.view == View::All => ids.iter().cloned().map(Partition::Contact).collect(),
        (_, _, Some(a)) if q.view == View::All && sees_all => vec![Partition::Participant(a.clone())],
        _ => base,
    };
    let me = v.id.clone();
    let keep = |c: &Conversation| {
        let in_view = match q.view {
            View::Mine => c.assignee.as_deref() == Some(me.as_str()) && c.status != Status::Closed,
            View::Offered => c.offer.as_ref().is_some_and(|o| o.agent_id == me),
            View::Unassigned => {
                c.status == Status::Queued
                    && (serving.contains(&c.inbox_id) || c.team_id.as_ref().is_some_and(|t| v.team_ids.contains(t)))
            }
            View::All => can_see(&v, c),
        };
        in_view
            && (q.statuses.is_empty() || q.statuses.contains(&c.status))
            && q.detailed.is_none_or(|d| d == c.detailed)
            && q.assignee.as_ref().is_none_or(|a| c.assignee.as_ref() == Some(a))
            && team_inboxes.as_ref().is_none_or(|t| c.team_id.as_ref() == q.team.as_ref() || t.contains(&c.inbox_id))
            && q.inbox.as_ref().is_none_or(|i| *i == c.inbox_id)
            && q.channel.is_none_or(|ch| channel_of(&c.inbox_id) == Some(ch))
            && q.label.as_ref().is_none_or(|l| c.labels.contains(l))
            && q.created_from.is_none_or(|t| c.created_at >= t)
            && q.created_to.is_none_or(|t| c.created_at < t)
            && q.updated_from.is_none_or(|t| c.updated_at >= t)
            && q.updated_to.is_none_or(|t| c.updated_at < t)
            && contacts.as_ref().is_none_or(|ids| ids.contains(&c.contact_id))
            && q.contact_id.as_ref().is_none_or(|id| *id == c.contact_id)
    };
    Ok(snap.list_conversations(&partitions, q.sort, q.cursor.as_deref(), q.limit, keep)?)
}

/// Checks label ids exist.
pub(super) fn check_labels(s: &Staged<'_>, labels: &[String]) -> Result<Vec<String>, DeskError> {
    let mut out: Vec<String> = Vec::new();
    for l in labels {
        if s.label(l)?.is_none() {
            return Err(DeskError::field("labels", format!("no label with id {l}")));
        }
        if !out.contains(l) {
            out.push(l.clone());
        }
    }
    Ok(out)
}
