//! Conversations, their timelines and read marks, and the sorted secondary index that list
//! views read.
//!
//! `Tbl::ConvIndex` holds one empty-valued key per (partition, sort) a conversation belongs
//! to: `{partition}/{sort}/{sort key}/{conversation id}`. A list view reads the first keys of
//! the partitions it needs, merges them by key and stops after one page, so it reads about
//! one page of keys per partition (plus what residual filters skip) however large the desk.
//!
//! Partitions: `all`; `i:{inbox}` (every conversation of an inbox); `u:{inbox}` (queued in the
//! inbox); `a:{user}` (assigned to the user and not closed); `p:{user}` (the user took part);
//! `c:{contact}`; `l:{label}`; `t:{team}` (queued for a team after a transfer); `o:{user}`
//! (offered to the user, waiting for the answer). Sorts: `w` (waiting: oldest waiting first, then the others by
//! most recent update), `d` (most recently updated first), `n` (newest first).

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::changes::Changes;
use super::reader::Reader;
use super::tables::{META_NEXT_NUMBER, Tbl};
use crate::domain::Timestamp;
use crate::domain::conversation::{Conversation, FIRST_NUMBER, Message, Sort, Status};

/// Prefix of the keys of one partition and sort.
pub fn partition_prefix(partition: &str, sort: char) -> String {
    format!("{partition}/{sort}/")
}

fn sort_code(sort: Sort) -> char {
    match sort {
        Sort::Waiting => 'w',
        Sort::Updated => 'd',
        Sort::Created => 'n',
    }
}

fn desc(t: Timestamp) -> String {
    format!("{:016x}", (i64::MAX - t.millis()) as u64)
}

/// The position of a conversation in a sort. Ties in time are broken by the human number in
/// the sort's direction (older first when waiting, newer first otherwise).
fn sort_key(c: &Conversation, sort: Sort) -> String {
    let newer_first = u64::MAX - c.number;
    match sort {
        Sort::Waiting => match c.waiting_since.filter(|_| c.status != Status::Closed) {
            Some(t) => format!("0{:016x}{:016x}", t.millis().max(0) as u64, c.number),
            None => format!("1{}{newer_first:016x}", desc(c.updated_at)),
        },
        Sort::Updated => format!("{}{newer_first:016x}", desc(c.updated_at)),
        Sort::Created => format!("{}{newer_first:016x}", desc(c.created_at)),
    }
}

/// The partitions a conversation belongs to.
fn partitions(c: &Conversation) -> Vec<String> {
    let mut parts = vec!["all".to_string(), format!("i:{}", c.inbox_id), format!("c:{}", c.contact_id)];
    if c.status == Status::Queued {
        parts.push(format!("u:{}", c.inbox_id));
        if let Some(t) = &c.team_id {
            parts.push(format!("t:{t}"));
        }
    }
    if let Some(o) = c.offer.as_ref().filter(|_| c.status == Status::Offered) {
        parts.push(format!("o:{}", o.agent_id));
    }
    if let Some(a) = c.assignee.as_ref().filter(|_| c.status != Status::Closed) {
        parts.push(format!("a:{a}"));
    }
    parts.extend(c.participants.iter().map(|p| format!("p:{p}")));
    parts.extend(c.labels.iter().map(|l| format!("l:{l}")));
    parts
}

fn index_keys(c: &Conversation) -> Vec<String> {
    let mut keys = Vec::new();
    for part in partitions(c) {
        for sort in [Sort::Waiting, Sort::Updated, Sort::Created] {
            keys.push(format!("{}{}/{}", partition_prefix(&part, sort_code(sort)), sort_key(c, sort), c.id));
        }
    }
    keys
}

/// A conversation's position in a sort: what cursors hold.
pub fn cursor_of(c: &Conversation, sort: Sort) -> String {
    format!("{}/{}", sort_key(c, sort), c.id)
}

/// Stores a conversation and moves its index keys from `previous`.
pub fn put_conversation(ch: &mut Changes, c: &Conversation, previous: Option<&Conversation>) -> Result<(), StoreError> {
    let new_keys = index_keys(c);
    if let Some(old) = previous {
        for k in index_keys(old) {
            if !new_keys.contains(&k) {
                ch.delete(Tbl::ConvIndex, &k);
            }
        }
    }
    for k in &new_keys {
        ch.put_str(Tbl::ConvIndex, k, "");
    }
    super::routing::index_conversation(ch, c, previous);
    ch.put_json(Tbl::Conversations, &c.id, c)
}

/// What a user has read of a conversation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadMark {
    /// How many counted messages the user has seen.
    pub seen: u32,
    /// Marked unread by hand.
    pub marked_unread: bool,
}

/// Stores a read mark.
pub fn put_read_mark(ch: &mut Changes, user_id: &str, conversation_id: &str, mark: &ReadMark) -> Result<(), StoreError> {
    ch.put_json(Tbl::ReadMarks, &format!("{user_id}/{conversation_id}"), mark)
}

/// Reserves the next human number. Call it once per command: the counter is read from the
/// transaction, which does not see this command's own buffered changes.
pub fn take_number(ch: &mut Changes, r: &impl Reader) -> Result<u64, StoreError> {
    take_numbers(ch, r, 1)
}

/// Reserves `count` consecutive human numbers and returns the first.
pub fn take_numbers(ch: &mut Changes, r: &impl Reader, count: u64) -> Result<u64, StoreError> {
    let n: u64 = r.get_json(Tbl::Meta, META_NEXT_NUMBER)?.unwrap_or(FIRST_NUMBER);
    ch.put_json(Tbl::Meta, META_NEXT_NUMBER, &(n + count))?;
    Ok(n)
}

/// One partition being read during a merge.
struct Lane {
    prefix: String,
    buffer: std::collections::VecDeque<String>,
    after: Option<String>,
    done: bool,
}

/// Lookups of conversations, for any [`Reader`].
pub trait ConversationReads: Reader + Sized {
    /// One conversation.
    fn conversation(&self, id: &str) -> Result<Option<Conversation>, StoreError> {
        self.get_json(Tbl::Conversations, id)
    }

    /// Whether an inbox holds any conversation.
    fn inbox_has_conversations(&self, inbox_id: &str) -> Result<bool, StoreError> {
        let prefix = partition_prefix(&format!("i:{inbox_id}"), 'n');
        Ok(!self.scan_raw(Tbl::ConvIndex, &prefix, None, 1)?.is_empty())
    }

    /// Up to `limit` conversations from the union of `partitions` in `sort` order, after
    /// `cursor`, that pass `keep`; and the cursor of the next page. Reads the partitions'
    /// keys in batches and stops as soon as the page is full.
    fn list_conversations(
        &self,
        partitions: &[String],
        sort: Sort,
        cursor: Option<&str>,
        limit: usize,
        mut keep: impl FnMut(&Conversation) -> bool,
    ) -> Result<(Vec<Conversation>, Option<String>), StoreError> {
        let batch = (limit + 1).clamp(16, 512);
        let mut lanes: Vec<Lane> = partitions
            .iter()
            .map(|p| {
                let prefix = partition_prefix(p, sort_code(sort));
                let after = cursor.map(|c| format!("{prefix}{c}"));
                Lane { prefix, buffer: Default::default(), after, done: false }
            })
            .collect();
        let mut out: Vec<Conversation> = Vec::new();
        let mut last_tail: Option<String> = None;
        loop {
            for lane in lanes.iter_mut().filter(|l| l.buffer.is_empty() && !l.done) {
                let page = self.scan_raw(Tbl::ConvIndex, &lane.prefix, lane.after.as_deref(), batch)?;
                lane.done = page.len() < batch;
                lane.after = page.last().map(|(k, _)| k.clone()).or(lane.after.take());
                lane.buffer.extend(page.into_iter().map(|(k, _)| k[lane.prefix.len()..].to_string()));
            }
            let next = lanes.iter().enumerate().filter_map(|(i, l)| l.buffer.front().map(|t| (i, t))).min_by(|a, b| a.1.cmp(b.1)).map(|(i, _)| i);
            let Some(i) = next else { break };
            let tail = lanes[i].buffer.pop_front().unwrap_or_default();
            if last_tail.as_deref() == Some(tail.as_str()) {
                continue;
            }
            // The same conversation sits at the same tail in every partition it belongs to.
            for lane in lanes.iter_mut() {
                if lane.buffer.front() == Some(&tail) {
                    lane.buffer.pop_front();
                }
            }
            last_tail = Some(tail.clone());
            let id = tail.rsplit('/').next().unwrap_or_default();
            if let Some(c) = self.conversation(id)?
                && keep(&c)
            {
                out.push(c);
                if out.len() > limit {
                    break;
                }
            }
        }
        let next = if out.len() > limit {
            out.truncate(limit);
            out.last().map(|c| cursor_of(c, sort))
        } else {
            None
        };
        Ok((out, next))
    }

    /// Calls `f` with every conversation updated at or after `since`, most recently updated
    /// first. Reads the `all` partition's update order one batch at a time and stops at the
    /// first older one, so nothing is collected and older history is never read.
    fn each_updated_since<E: From<StoreError>>(&self, since: Timestamp, mut f: impl FnMut(Conversation) -> Result<(), E>) -> Result<(), E> {
        const BATCH: usize = 256;
        let prefix = partition_prefix("all", sort_code(Sort::Updated));
        let mut after: Option<String> = None;
        loop {
            let page = self.scan_raw(Tbl::ConvIndex, &prefix, after.as_deref(), BATCH)?;
            for (key, _) in &page {
                let id = key.rsplit('/').next().unwrap_or_default();
                let Some(c) = self.conversation(id)? else { continue };
                if c.updated_at < since {
                    return Ok(());
                }
                f(c)?;
            }
            match page.last() {
                Some((key, _)) if page.len() == BATCH => after = Some(key.clone()),
                _ => return Ok(()),
            }
        }
    }

    /// Timeline entries of a conversation from `from_index`, at most `limit`.
    fn timeline(&self, conversation_id: &str, from_index: u32, limit: usize) -> Result<Vec<Message>, StoreError> {
        super::messages::timeline(self, conversation_id, from_index, limit)
    }

    /// The timeline entry `id` of a conversation (`None` when it has no such entry).
    fn message(&self, conversation_id: &str, id: &str) -> Result<Option<Message>, StoreError> {
        super::messages::message_in(self, conversation_id, id)
    }

    /// What `user_id` has read of a conversation.
    fn read_mark(&self, user_id: &str, conversation_id: &str) -> Result<ReadMark, StoreError> {
        Ok(self.get_json(Tbl::ReadMarks, &format!("{user_id}/{conversation_id}"))?.unwrap_or_default())
    }
}

impl<R: Reader> ConversationReads for R {}
