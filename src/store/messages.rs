//! Timeline entries: writing them, reading a conversation's timeline in order, and finding one
//! entry by id (`Bin::Timeline` and `Bin::MessageIndex`; rows and keys in `store::codec`).
//!
//! The timeline key is the conversation id (16 bytes when it has the standard shape) and the
//! index, so a timeline page is one range read. The message-id index maps an id to the index
//! only: every lookup by id is within a known conversation, and the entry read back is checked
//! to carry that id, so an id from another conversation is simply not found.

use super::changes::Changes;
use super::codec;
use super::reader::Reader;
use super::tables::Bin;
use super::StoreError;
use crate::domain::conversation::Message;

/// Stores a timeline entry (new or changed, e.g. reactions).
pub fn put_message(ch: &mut Changes, m: &Message) -> Result<(), StoreError> {
    ch.put_bin(Bin::MessageIndex, codec::message_id_key(&m.id), codec::index_value(m.index)?);
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
pub(crate) fn message_in(r: &impl Reader, conversation_id: &str, message_id: &str) -> Result<Option<Message>, StoreError> {
    let Some(index) = r.get_bin(Bin::MessageIndex, &codec::message_id_key(message_id))? else { return Ok(None) };
    let index = codec::read_index(&index)?;
    let Some(row) = r.get_bin(Bin::Timeline, &codec::timeline_key(conversation_id, index))? else { return Ok(None) };
    let m = codec::decode_message(conversation_id, index, &row)?;
    Ok((m.id == message_id).then_some(m))
}
