//! Timeline entries: writing them, reading a conversation's timeline in order, and finding one
//! entry by id (`Bin::Timeline` and `Bin::MessageIndex`; rows and keys in `store::codec`).
//!
//! The timeline key is the conversation id (16 bytes when it has the standard shape) and the
//! index, so a timeline page is one range read. The message-id index maps an id to the index
//! only: every lookup by id is within a known conversation, and the entry read back is checked
//! to carry that id, so an id from another conversation is simply not found.
//!
//! Since schema 6 new entries have ids derived from their conversation, index and creation
//! time (`domain::id::message_id`): such an entry stores no id and has no `message_index`
//! entry, and a lookup recovers the index from the id itself. Entries with other ids (written
//! before, or odd ids) keep their `message_index` entry, so both kinds can share a timeline.

use super::changes::Changes;
use super::codec;
use super::reader::Reader;
use super::tables::Bin;
use super::StoreError;
use crate::domain::conversation::Message;
use crate::domain::id::derived_message;

/// Stores a timeline entry (new or changed, e.g. reactions).
pub fn put_message(ch: &mut Changes, m: &Message) -> Result<(), StoreError> {
    if !codec::is_derived(m) {
        ch.put_bin(Bin::MessageIndex, codec::message_id_key(&m.id), codec::index_value(m.index)?);
    }
    ch.put_bin(Bin::Timeline, codec::timeline_key(&m.conversation_id, m.index), codec::encode_message(m)?);
    Ok(())
}

/// Timeline entries of a conversation from `from_index`, at most `limit`, in index order.
pub(crate) fn timeline(r: &impl Reader, conversation_id: &str, from_index: u32, limit: usize) -> Result<Vec<Message>, StoreError> {
    let (first, last) = codec::timeline_range(conversation_id, from_index);
    r.range_bin(Bin::Timeline, &first, &last, limit)?
        .iter()
        .map(|(k, v)| codec::decode_message(conversation_id, codec::index_of_key(k)?, v))
        .collect()
}

/// The entry `message_id` of a conversation, if it has one.
/// A derived id is looked for at the index it names first; any other id (or a derived-looking
/// one not found there) through `message_index`.
pub(crate) fn message_in(r: &impl Reader, conversation_id: &str, message_id: &str) -> Result<Option<Message>, StoreError> {
    if let Some((index, _)) = derived_message(conversation_id, message_id)
        && let Some(m) = entry_with_id(r, conversation_id, index, message_id)?
    {
        return Ok(Some(m));
    }
    let Some(index) = r.get_bin(Bin::MessageIndex, &codec::message_id_key(message_id))? else { return Ok(None) };
    entry_with_id(r, conversation_id, codec::read_index(&index)?, message_id)
}

/// Entry `index` of a conversation, if it exists and has the id `message_id`.
fn entry_with_id(r: &impl Reader, conversation_id: &str, index: u32, message_id: &str) -> Result<Option<Message>, StoreError> {
    let Some(row) = r.get_bin(Bin::Timeline, &codec::timeline_key(conversation_id, index))? else { return Ok(None) };
    let m = codec::decode_message(conversation_id, index, &row)?;
    Ok((m.id == message_id).then_some(m))
}

#[cfg(test)]
mod tests;
