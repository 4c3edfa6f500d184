//! Typed reads and writes of the tables the desk keeps whole records in: configuration
//! (teams, inboxes, labels, canned responses, wrap-up reasons), attachments and the files
//! exchanged with contacts, the library, idempotency records, round-robin cursors, and the
//! conversations as a whole (for rebuilding the search index). Outside `store/` no table can
//! be named: these are the operations on them.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;
use super::changes::Changes;
use super::keys;
use super::reader::Reader;
use super::tables::Tbl;
use crate::domain::attachment::Attachment;
use crate::domain::conversation::Conversation;
use crate::domain::workspace::{CannedResponse, Inbox, Label, Team, WrapUpReason};

/// Reads of records, for any [`Reader`].
pub trait RecordReads: Reader + Sized {
    /// One attachment's metadata.
    fn attachment(&self, id: &str) -> Result<Option<Attachment>, StoreError> {
        self.get_json(Tbl::Attachments, id)
    }
    /// The ids of the library's files, oldest first.
    fn library_ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.scan_raw(Tbl::Library, "", None, usize::MAX)?.into_iter().map(|(id, _)| id).collect())
    }
    /// The files exchanged with a contact: `(attachment id, conversation id)`, oldest first.
    fn contact_files(&self, contact_id: &str) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .scan_raw(Tbl::ContactFiles, &keys::contact_files_prefix(contact_id), None, usize::MAX)?
            .into_iter()
            .map(|(key, conv)| (keys::id_after_slash(&key).to_string(), String::from_utf8_lossy(&conv).into_owned()))
            .collect())
    }
    /// The idempotency record kept under `scope/key`.
    fn idempotency_record<T: DeserializeOwned>(&self, scope: &str, key: &str) -> Result<Option<T>, StoreError> {
        self.get_json(Tbl::Idempotency, &keys::idempotency_key(scope, key))
    }
    /// Up to `limit` idempotency records after the stored key `after`, with their stored keys
    /// (for the purge of expired ones).
    fn idempotency_records<T: DeserializeOwned>(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, T)>, StoreError> {
        let page = self.scan_raw(Tbl::Idempotency, "", after, limit)?;
        page.into_iter().map(|(k, v)| Ok((k, super::reader::decode(&v)?))).collect()
    }
    /// An inbox's round-robin cursor: the last agent offered.
    fn round_robin_cursor(&self, inbox_id: &str) -> Result<Option<String>, StoreError> {
        self.get_json(Tbl::Meta, &keys::route_cursor_key(inbox_id))
    }
    /// Every string-keyed table with its number of entries (for checks that nothing was lost).
    fn table_counts(&self) -> Result<Vec<(String, u64)>, StoreError> {
        Tbl::ALL.iter().map(|t| Ok((format!("{t:?}"), self.count(*t)?))).collect()
    }
    /// How many conversations there are.
    fn conversation_count(&self) -> Result<u64, StoreError> {
        self.count(Tbl::Conversations)
    }
    /// Up to `limit` conversations in id order after the id `after`, with the last id read.
    fn conversations_after(
        &self,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Conversation>, Option<String>), StoreError> {
        let page = self.scan_raw(Tbl::Conversations, "", after, limit)?;
        let last = page.last().map(|(k, _)| k.clone());
        let conversations =
            page.iter().map(|(_, bytes)| super::codec::decode_conversation(bytes)).collect::<Result<_, _>>()?;
        Ok((conversations, last))
    }
}

impl<R: Reader> RecordReads for R {}

/// Writes of records, on the [`Changes`] of a command.
pub trait RecordChanges {
    /// Stores a team.
    fn put_team(&mut self, team: &Team) -> Result<(), StoreError>;
    /// Deletes a team.
    fn delete_team(&mut self, id: &str);
    /// Stores an inbox.
    fn put_inbox(&mut self, inbox: &Inbox) -> Result<(), StoreError>;
    /// Deletes an inbox.
    fn delete_inbox(&mut self, id: &str);
    /// Stores a label.
    fn put_label(&mut self, label: &Label) -> Result<(), StoreError>;
    /// Deletes a label.
    fn delete_label(&mut self, id: &str);
    /// Stores a canned response.
    fn put_canned(&mut self, canned: &CannedResponse) -> Result<(), StoreError>;
    /// Deletes a canned response.
    fn delete_canned(&mut self, id: &str);
    /// Stores a wrap-up reason.
    fn put_wrap_up(&mut self, reason: &WrapUpReason) -> Result<(), StoreError>;
    /// Stores an attachment's metadata.
    fn put_attachment(&mut self, attachment: &Attachment) -> Result<(), StoreError>;
    /// Records that a file was exchanged with a contact in a conversation.
    fn add_contact_file(&mut self, contact_id: &str, attachment_id: &str, conversation_id: &str);
    /// Adds a file to the library.
    fn add_to_library(&mut self, attachment_id: &str);
    /// Keeps an idempotency record under `scope/key`.
    fn put_idempotency_record<T: Serialize>(&mut self, scope: &str, key: &str, record: &T) -> Result<(), StoreError>;
    /// Moves an inbox's round-robin cursor.
    fn put_round_robin_cursor(&mut self, inbox_id: &str, cursor: &str) -> Result<(), StoreError>;
    /// Deletes the idempotency record under a stored key (from [`RecordReads::idempotency_records`]).
    fn delete_idempotency_record(&mut self, stored_key: &str);
}

impl RecordChanges for Changes {
    fn put_team(&mut self, team: &Team) -> Result<(), StoreError> {
        self.put_json(Tbl::Teams, &team.id, team)
    }
    fn delete_team(&mut self, id: &str) {
        self.delete(Tbl::Teams, id);
    }
    fn put_inbox(&mut self, inbox: &Inbox) -> Result<(), StoreError> {
        self.put_json(Tbl::Inboxes, &inbox.id, inbox)
    }
    fn delete_inbox(&mut self, id: &str) {
        self.delete(Tbl::Inboxes, id);
    }
    fn put_label(&mut self, label: &Label) -> Result<(), StoreError> {
        self.put_json(Tbl::Labels, &label.id, label)
    }
    fn delete_label(&mut self, id: &str) {
        self.delete(Tbl::Labels, id);
    }
    fn put_canned(&mut self, canned: &CannedResponse) -> Result<(), StoreError> {
        self.put_json(Tbl::Canned, &canned.id, canned)
    }
    fn delete_canned(&mut self, id: &str) {
        self.delete(Tbl::Canned, id);
    }
    fn put_wrap_up(&mut self, reason: &WrapUpReason) -> Result<(), StoreError> {
        self.put_json(Tbl::WrapUps, &reason.id, reason)
    }
    fn put_attachment(&mut self, attachment: &Attachment) -> Result<(), StoreError> {
        self.put_json(Tbl::Attachments, &attachment.id, attachment)
    }
    fn add_contact_file(&mut self, contact_id: &str, attachment_id: &str, conversation_id: &str) {
        self.put_str(Tbl::ContactFiles, &keys::contact_file_key(contact_id, attachment_id), conversation_id);
    }
    fn add_to_library(&mut self, attachment_id: &str) {
        self.put_str(Tbl::Library, attachment_id, "");
    }
    fn put_idempotency_record<T: Serialize>(&mut self, scope: &str, key: &str, record: &T) -> Result<(), StoreError> {
        self.put_json(Tbl::Idempotency, &keys::idempotency_key(scope, key), record)
    }
    fn delete_idempotency_record(&mut self, stored_key: &str) {
        self.delete(Tbl::Idempotency, stored_key);
    }
    fn put_round_robin_cursor(&mut self, inbox_id: &str, cursor: &str) -> Result<(), StoreError> {
        self.put_json(Tbl::Meta, &keys::route_cursor_key(inbox_id), &cursor)
    }
}
