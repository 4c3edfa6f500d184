//! Importing history: threads read from JSON Lines or mail archives (see `crate::import`)
//! become conversations with their historical times, contacts, assignees, labels and files.
//!
//! Each batch is one transaction, so a conversation is imported whole or not at all, and the
//! keys of what it made are written with it: importing the same archive again, or resuming an
//! interrupted import, makes nothing twice. Events are written by [`Actor::Import`], so search
//! and reports see the history while webhooks leave it alone. Files are checked against the
//! workspace's limits like uploads and stored before the transaction (content-addressed, so a
//! retry stores nothing twice).

use std::collections::HashMap;

use super::{Desk, DeskError};
use crate::domain::attachment::Attachment;
use crate::domain::contact::Contact;
use crate::domain::import::{NewFile, Resolved, Skip, Thread, Writer, build};
use crate::domain::media::{AttachmentKind, HEAD_BYTES, MediaError, MediaLimits, check_file, clean_filename};
use crate::domain::{Actor, EventKind, Timestamp};
use crate::store::{
    Changes, ContactReads, FileStore, ImportChanges, ImportReads, RecordChanges, UserReads, WorkspaceReads,
    put_contact, put_conversation, put_message, take_numbers,
};

/// What one batch of an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportBatch {
    /// Conversations made.
    pub conversations: u64,
    /// Messages made.
    pub messages: u64,
    /// Files stored.
    pub files: u64,
    /// Threads left alone because an earlier import made them.
    pub already: u64,
    /// What was left out, and why.
    pub skips: Vec<Skip>,
}

/// A thread ready to write: its inbox and labels found, its files stored.
struct Ready {
    thread: Thread,
    inbox_id: String,
    labels: Vec<String>,
    files: Vec<Vec<Attachment>>,
}

impl Desk {
    /// Every user's email, lower-cased (mail from them is the desk's, not a customer's).
    pub fn user_emails(&self) -> Result<Vec<String>, DeskError> {
        let users = self.store.snapshot()?.users_page(None, usize::MAX)?;
        Ok(users.into_iter().map(|u| u.email.to_lowercase()).collect())
    }

    /// Imports `threads` (one transaction); `default_inbox` (a name or id) is where threads
    /// that name no inbox go.
    pub async fn import_history(
        &self,
        threads: Vec<Thread>,
        default_inbox: Option<String>,
        uploaded_by: String,
    ) -> Result<ImportBatch, DeskError> {
        let snap = self.store.snapshot()?;
        let (inboxes, labels, settings) = (snap.inboxes()?, snap.labels()?, snap.settings()?);
        let limits = MediaLimits { max_bytes: settings.max_upload_bytes, allowed_types: settings.allowed_upload_types };
        let mut out = ImportBatch::default();
        let mut ready = Vec::with_capacity(threads.len());
        let mut pending_files = Vec::new();
        for t in threads {
            if snap.imported(&t.key)?.is_some() {
                out.already += 1;
                continue;
            }
            let wanted = t.inbox.clone().or_else(|| default_inbox.clone());
            let inbox =
                wanted.as_deref().and_then(|w| inboxes.iter().find(|b| b.id == w || b.name.eq_ignore_ascii_case(w)));
            let Some(inbox) = inbox else {
                let reason = match wanted {
                    Some(w) => format!("no inbox is named \"{w}\" or has that id; the conversation is left out"),
                    None => {
                        "no inbox given (name one in the line, or pass --inbox); the conversation is left out".into()
                    }
                };
                out.skips.push(Skip { at: t.source.clone(), reason });
                continue;
            };
            if t.messages.is_empty() {
                out.skips.push(Skip { at: t.source.clone(), reason: "it has no messages; left out".into() });
                continue;
            }
            let mut label_ids = Vec::new();
            for name in &t.labels {
                match labels.iter().find(|l| l.id == *name || l.name.eq_ignore_ascii_case(name)) {
                    Some(l) => label_ids.push(l.id.clone()),
                    None => out.skips.push(Skip {
                        at: t.source.clone(),
                        reason: format!("no label is named \"{name}\"; imported without it (create it and import again to add it to new conversations)"),
                    }),
                }
            }
            let mut thread = t;
            let files: Vec<Vec<NewFile>> = thread.messages.iter_mut().map(|m| std::mem::take(&mut m.files)).collect();
            pending_files.push(files);
            ready.push(Ready { thread, inbox_id: inbox.id.clone(), labels: label_ids, files: Vec::new() });
        }
        let store_files = self.store.files().clone();
        let (ids, now) = (self.id_gen(), self.now());
        let sources: Vec<String> = ready.iter().map(|r| r.thread.source.clone()).collect();
        let (stored, file_skips) = tokio::task::spawn_blocking(move || {
            store_all(&store_files, pending_files, &sources, &limits, &ids, &uploaded_by, now)
        })
        .await
        .map_err(|e| DeskError::Storage(crate::store::StoreError::Unavailable(format!("import task failed: {e}"))))?;
        out.skips.extend(file_skips);
        for (r, files) in ready.iter_mut().zip(stored) {
            r.files = files;
        }
        let ids = self.id_gen();
        let (written, _) = self.store.write(move |s| write_batch(s, ready, &ids, now)).await?;
        out.conversations += written.conversations;
        out.messages += written.messages;
        out.files += written.files;
        out.already += written.already;
        out.skips.extend(written.skips);
        Ok(out)
    }
}

/// Stores every file of every thread; returns the attachments per thread and message, and the
/// files left out.
fn store_all(
    files: &FileStore,
    threads: Vec<Vec<Vec<NewFile>>>,
    sources: &[String],
    limits: &MediaLimits,
    ids: &super::IdGen,
    uploaded_by: &str,
    now: Timestamp,
) -> (Vec<Vec<Vec<Attachment>>>, Vec<Skip>) {
    let mut skips = Vec::new();
    let mut out = Vec::with_capacity(threads.len());
    for (messages, source) in threads.into_iter().zip(sources) {
        let mut per_message = Vec::with_capacity(messages.len());
        for list in messages {
            let mut atts = Vec::new();
            for f in list {
                match store_one(files, &f, limits, ids, uploaded_by, now) {
                    Ok(a) => atts.push(a),
                    Err(reason) => skips.push(Skip { at: format!("{source}: file \"{}\"", f.name), reason }),
                }
            }
            per_message.push(atts);
        }
        out.push(per_message);
    }
    (out, skips)
}

fn store_one(
    files: &FileStore,
    f: &NewFile,
    limits: &MediaLimits,
    ids: &super::IdGen,
    uploaded_by: &str,
    now: Timestamp,
) -> Result<Attachment, String> {
    let name = clean_filename(&f.name);
    let declared = f.content_type.as_deref();
    let kind = match declared.and_then(|t| t.split('/').next()) {
        Some("image") => AttachmentKind::Image,
        Some("audio") => AttachmentKind::Audio,
        Some("video") => AttachmentKind::Video,
        _ => AttachmentKind::Document,
    };
    let size = f.bytes.len() as u64;
    let head = &f.bytes[..f.bytes.len().min(HEAD_BYTES)];
    let first = check_file(kind, declared, &name, size, head, limits);
    let (kind, checked) = match first {
        Ok(ok) => (kind, Ok(ok)),
        Err(MediaError::TooLarge { .. } | MediaError::TypeNotAllowed { .. } | MediaError::Empty) => (kind, first),
        Err(_) => (AttachmentKind::Document, check_file(AttachmentKind::Document, declared, &name, size, head, limits)),
    };
    let checked = checked.map_err(|e| format!("{e} (rule: {}); the message is imported without it", e.rule()))?;
    let sha = files.put(&f.bytes).map_err(|e| format!("cannot store it: {e}"))?;
    Ok(Attachment {
        id: ids.next("att", now),
        sha256: sha,
        kind,
        filename: name,
        mime: checked.mime,
        size,
        width: checked.width,
        height: checked.height,
        uploaded_by: uploaded_by.to_string(),
        created_at: now,
        library: false,
        conversation_id: None,
    })
}

/// Writes the threads no earlier import made, in one transaction.
fn write_batch(
    s: &crate::store::Staged<'_>,
    ready: Vec<Ready>,
    ids: &super::IdGen,
    now: Timestamp,
) -> Result<(Changes, ImportBatch), DeskError> {
    let mut c = Changes::new(now, Actor::Import);
    let mut out = ImportBatch::default();
    let mut todo = Vec::with_capacity(ready.len());
    for mut r in ready {
        if s.imported(&r.thread.key)?.is_some() {
            out.already += 1;
            continue;
        }
        // A message an earlier import made (the same mail in two archives) is not made again.
        let mut keep = Vec::with_capacity(r.thread.messages.len());
        for m in &r.thread.messages {
            keep.push(match &m.key {
                Some(k) => s.imported(k)?.is_none(),
                None => true,
            });
        }
        let mut flags = keep.iter();
        r.thread.messages.retain(|_| flags.next().copied().unwrap_or(true));
        let mut flags = keep.iter();
        r.files.retain(|_| flags.next().copied().unwrap_or(true));
        if r.thread.messages.is_empty() {
            out.already += 1;
            continue;
        }
        todo.push(r);
    }
    let first = take_numbers(&mut c, s, todo.len() as u64)?;
    let mut contacts: HashMap<String, String> = HashMap::new();
    let mut users: HashMap<String, Option<String>> = HashMap::new();
    for (n, r) in todo.into_iter().enumerate() {
        let t = &r.thread;
        let at = t.created_at.or(t.messages.first().map(|m| m.at)).unwrap_or(now);
        let contact_id = contact_for(s, &mut c, &mut contacts, t, ids, at)?;
        let mut resolved = Resolved {
            conversation_id: ids.next("cv", at),
            number: first + n as u64,
            inbox_id: r.inbox_id.clone(),
            contact_id: contact_id.clone(),
            labels: r.labels.clone(),
            ..Resolved::default()
        };
        let writers = t.messages.iter().filter_map(|m| match &m.writer {
            Writer::Agent(w) | Writer::Note(w) => Some(w.clone()),
            Writer::Customer => None,
        });
        for w in writers.chain(t.assignee.clone()) {
            if !users.contains_key(&w) {
                let id = s.user_by_email(&w)?.map(|u| u.id);
                users.insert(w.clone(), id);
            }
            if let Some(Some(id)) = users.get(&w) {
                resolved.users.insert(w, id.clone());
            }
        }
        resolved.assignee = t.assignee.as_ref().and_then(|a| resolved.users.get(a).cloned());
        if let Some(a) = &t.assignee
            && resolved.assignee.is_none()
        {
            out.skips.push(Skip {
                at: t.source.clone(),
                reason: format!("no user has the email {a}; imported without an assignee"),
            });
        }
        resolved.files = r.files.iter().map(|list| list.iter().map(|a| a.id.clone()).collect()).collect();
        let (conv, timeline) = build(t, &resolved);
        put_conversation(&mut c, &conv, None)?;
        c.event(EventKind::ConversationCreated {
            conversation_id: conv.id.clone(),
            inbox_id: conv.inbox_id.clone(),
            contact_id: conv.contact_id.clone(),
        });
        c.put_imported(&t.key, &conv.id)?;
        for (m, src) in timeline.iter().zip(&t.messages) {
            put_message(&mut c, m)?;
            c.event(EventKind::MessageCreated {
                conversation_id: conv.id.clone(),
                message_id: m.id.clone(),
                kind: m.kind,
            });
            if let Some(k) = &src.key {
                c.put_imported(k, &m.id)?;
            }
        }
        for a in r.files.iter().flatten() {
            let mut a = a.clone();
            a.conversation_id = Some(conv.id.clone());
            c.put_attachment(&a)?;
            c.add_contact_file(&contact_id, &a.id, &conv.id);
            out.files += 1;
        }
        out.conversations += 1;
        out.messages += timeline.len() as u64;
    }
    Ok((c, out))
}

/// The thread's contact: one an earlier import made from the same key, one made earlier in
/// this batch, one with the same email, or a new one.
fn contact_for(
    s: &crate::store::Staged<'_>,
    c: &mut Changes,
    made: &mut HashMap<String, String>,
    t: &Thread,
    ids: &super::IdGen,
    at: Timestamp,
) -> Result<String, DeskError> {
    let k = &t.contact;
    let email = k.email.as_ref().map(|e| e.trim().to_lowercase()).filter(|e| !e.is_empty());
    let handles: Vec<String> = k.key.iter().cloned().chain(email.iter().map(|e| format!("email:{e}"))).collect();
    for h in &handles {
        if let Some(id) = made.get(h) {
            return Ok(id.clone());
        }
    }
    if let Some(key) = &k.key
        && let Some(id) = s.imported(key)?
    {
        return Ok(id);
    }
    if let Some(e) = &email
        && let Some(found) = s.contact_by_email(e)?
    {
        for h in handles {
            made.insert(h, found.id.clone());
        }
        return Ok(found.id);
    }
    let mut contact = Contact::blank(ids.next("ct", at), at);
    contact.name = match (k.name.trim(), &email) {
        ("", Some(e)) => e.split('@').next().unwrap_or(e).to_string(),
        ("", None) => "Imported contact".into(),
        (name, _) => name.to_string(),
    };
    contact.email = email;
    contact.phone = k.phone.clone().filter(|p| !p.trim().is_empty());
    put_contact(c, &contact, None)?;
    c.event(EventKind::ContactCreated { contact_id: contact.id.clone() });
    if let Some(key) = &k.key {
        c.put_imported(key, &contact.id)?;
    }
    for h in handles {
        made.insert(h, contact.id.clone());
    }
    Ok(contact.id)
}
