//! Conversations, their timelines and read marks, and the sorted secondary index that list
//! views read.
//!
//! `Tbl::ConvIndex` holds empty-valued keys per partition and sort a conversation belongs to
//! (shapes in `keys`); they end with the human number, which `Tbl::ConvNumbers` maps
//! back to the conversation id. A list view reads the first keys of the partitions it needs,
//! merges them by key and stops after one page, so it reads about one page of keys per
//! partition (plus what residual filters skip) however large the desk.
//!
//! Partitions: `all`; `i:{inbox}` (every conversation of an inbox); `u:{inbox}` (queued in the
//! inbox); `a:{user}` (assigned to the user and not closed); `p:{user}` (the user took part);
//! `c:{contact}`; `l:{label}`; `t:{team}` (queued for a team after a transfer); `o:{user}`
//! (offered to the user, waiting for the answer). Sorts: waiting (oldest waiting first, then
//! the others by most recent update), updated (most recently updated first), created (newest
//! first).

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::changes::{Changes, Op};
use super::codec::{decode_conversation, encode_conversation};
use super::conv_scan::Merge;
use super::keys::{Partition, cursor_of, id_of_row, id_row, index_entries, number_key, position, read_mark_key};
use super::reader::Reader;
use super::tables::{META_NEXT_NUMBER, Tbl};
use crate::domain::Timestamp;
use crate::domain::conversation::{Conversation, FIRST_NUMBER, Message, Sort};

/// Stores a conversation and moves its index keys from `previous`.
pub fn put_conversation(ch: &mut Changes, c: &Conversation, previous: Option<&Conversation>) -> Result<(), StoreError> {
    let new_entries = index_entries(c);
    if let Some(old) = previous {
        for (partition, rest) in index_entries(old) {
            if !new_entries.iter().any(|(p, r)| *p == partition && *r == rest) {
                ch.ops.push(Op::IndexKey { partition, rest, put: false });
            }
        }
    }
    for (partition, rest) in new_entries {
        ch.ops.push(Op::IndexKey { partition, rest, put: true });
    }
    // The index keys end with the number: it must lead back to this conversation.
    if let Some(old) = previous.filter(|old| old.number != c.number) {
        ch.delete(Tbl::ConvNumbers, &number_key(old.number));
    }
    if previous.is_none_or(|old| old.number != c.number || old.id != c.id) {
        ch.ops.push(Op::Put(Tbl::ConvNumbers, number_key(c.number), id_row(&c.id)?));
    }
    super::routing::index_conversation(ch, c, previous);
    ch.ops.push(Op::Put(Tbl::Conversations, c.id.clone(), encode_conversation(c)?));
    Ok(())
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
pub fn put_read_mark(
    ch: &mut Changes,
    user_id: &str,
    conversation_id: &str,
    mark: &ReadMark,
) -> Result<(), StoreError> {
    ch.put_json(Tbl::ReadMarks, &read_mark_key(user_id, conversation_id), mark)
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

/// Lookups of conversations, for any [`Reader`].
pub trait ConversationReads: Reader + Sized {
    /// One conversation.
    fn conversation(&self, id: &str) -> Result<Option<Conversation>, StoreError> {
        self.get_raw(Tbl::Conversations, id)?.map(|b| decode_conversation(&b)).transpose()
    }

    /// The id of the conversation with this human number.
    fn conversation_id_by_number(&self, number: u64) -> Result<Option<String>, StoreError> {
        self.get_raw(Tbl::ConvNumbers, &number_key(number))?.map(|row| id_of_row(&row)).transpose()
    }

    /// Whether an inbox holds any conversation.
    fn inbox_has_conversations(&self, inbox_id: &str) -> Result<bool, StoreError> {
        Ok(self.partition_count(&Partition::Inbox(inbox_id.to_string()), 1)? > 0)
    }

    /// How many conversations a partition holds, counted up to `cap`.
    fn partition_count(&self, partition: &Partition, cap: usize) -> Result<usize, StoreError> {
        match super::partition_codes::prefix_in(self, &partition.key(), 'n')? {
            Some(prefix) => Ok(self.scan_raw(Tbl::ConvIndex, &prefix, None, cap)?.len()),
            None => Ok(0),
        }
    }

    /// The ids of the first `limit` conversations of a partition in `sort` order.
    fn partition_ids(&self, partition: &Partition, sort: Sort, limit: usize) -> Result<Vec<String>, StoreError> {
        let mut merge = Merge::new(self, &[partition.key()], sort, None, limit.clamp(1, 512))?;
        let mut out = Vec::new();
        while out.len() < limit {
            match merge.next_id(self)? {
                Some(id) => out.push(id),
                None => break,
            }
        }
        Ok(out)
    }

    /// Up to `limit` conversations from the union of `partitions` in `sort` order, after
    /// `cursor` (made by [`cursor_of`]; anything else gives an empty page, as it did when
    /// cursors were compared as keys), that pass `keep`; and the cursor of the next page.
    /// Reads the partitions' keys in batches and stops as soon as the page is full.
    fn list_conversations(
        &self,
        partitions: &[Partition],
        sort: Sort,
        cursor: Option<&str>,
        limit: usize,
        mut keep: impl FnMut(&Conversation) -> bool,
    ) -> Result<(Vec<Conversation>, Option<String>), StoreError> {
        let from = match cursor.map(|c| position(c, sort)) {
            Some(None) => return Ok((Vec::new(), None)),
            Some(p) => p,
            None => None,
        };
        let keys: Vec<String> = partitions.iter().map(Partition::key).collect();
        let mut merge = Merge::new(self, &keys, sort, from, (limit + 1).clamp(16, 512))?;
        let mut out: Vec<Conversation> = Vec::new();
        while out.len() <= limit {
            let Some(id) = merge.next_id(self)? else { break };
            if let Some(c) = self.conversation(&id)?
                && keep(&c)
            {
                out.push(c);
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
    fn each_updated_since<E: From<StoreError>>(
        &self,
        since: Timestamp,
        mut f: impl FnMut(Conversation) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut merge = Merge::new(self, &["all".to_string()], Sort::Updated, None, 256)?;
        while let Some(id) = merge.next_id(self)? {
            let Some(c) = self.conversation(&id)? else { continue };
            if c.updated_at < since {
                return Ok(());
            }
            f(c)?;
        }
        Ok(())
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
        Ok(self.get_json(Tbl::ReadMarks, &read_mark_key(user_id, conversation_id))?.unwrap_or_default())
    }
}

impl<R: Reader> ConversationReads for R {}
