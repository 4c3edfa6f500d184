//! A conversation's transcript: the header facts and every timeline entry with its author's
//! name, gathered in one snapshot for anyone who may see the conversation. Rendering as text
//! or HTML is in `transcript_render`.

use std::collections::HashMap;

use super::Zone;
use crate::desk::attachments::attachment;
use crate::desk::conversations::{viewer, visible};
use crate::desk::{Desk, DeskError, Principal};
use crate::domain::Timestamp;
use crate::domain::conversation::{Author, MessageKind};
use crate::store::{ContactReads, ConversationReads, UserReads, WorkspaceReads};

/// One timeline entry of a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TranscriptEntry {
    /// When.
    pub at: Timestamp,
    /// Customer message, agent reply, internal note or system event.
    pub kind: MessageKind,
    /// The author's name (the contact, the agent, the bot, or `Switchboard`).
    pub author: String,
    /// What the author was: `customer`, `bot`, `agent`, `internal note` or `system`.
    pub role: &'static str,
    /// The text exactly as written.
    pub text: String,
    /// Names of the attached files.
    pub files: Vec<String>,
}

/// A conversation ready to print or save.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript {
    /// Human number.
    pub number: u64,
    /// Subject.
    pub subject: String,
    /// The contact's display name.
    pub contact_name: String,
    /// The contact's email.
    pub contact_email: Option<String>,
    /// The contact's phone.
    pub contact_phone: Option<String>,
    /// The inbox's name.
    pub inbox: String,
    /// Status (`open` …).
    pub status: &'static str,
    /// The assignee's name.
    pub assignee: Option<String>,
    /// Created.
    pub created_at: Timestamp,
    /// Closed (only while closed).
    pub closed_at: Option<Timestamp>,
    /// When the transcript was made.
    pub exported_at: Timestamp,
    /// The workspace's time zone, in which times are written.
    pub zone: Zone,
    /// The workspace's name.
    pub workspace: String,
    /// Every timeline entry, oldest first.
    pub entries: Vec<TranscriptEntry>,
}

impl Transcript {
    /// `conversation-1001.txt` (or `.html`).
    pub fn file_name(&self, extension: &str) -> String {
        format!("conversation-{}.{extension}", self.number)
    }
}

impl Desk {
    /// The transcript of a conversation the caller may see (hidden ones are 404, like get).
    /// Internal notes are included and marked: the reader is an agent.
    pub fn transcript(&self, who: &Principal, conversation_id: &str) -> Result<Transcript, DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let v = viewer(&snap, who)?;
        let c = visible(&snap, &v, conversation_id)?;
        let contact = snap.contact(&c.contact_id)?;
        let contact_name = contact.as_ref().map_or_else(|| "Unknown".to_string(), |k| k.display_name());
        let mut users: HashMap<String, String> = HashMap::new();
        let mut user_name = |id: &str| -> Result<String, DeskError> {
            if let Some(n) = users.get(id) {
                return Ok(n.clone());
            }
            let n = snap.user(id)?.map_or_else(|| "A former user".to_string(), |u| u.name);
            users.insert(id.to_string(), n.clone());
            Ok(n)
        };
        let mut entries = Vec::with_capacity(c.timeline_len as usize);
        for m in snap.timeline(&c.id, 0, usize::MAX)? {
            let author = match &m.author {
                Author::User { id } => user_name(id)?,
                Author::Contact { .. } => contact_name.clone(),
                Author::Bot { name } => name.clone(),
                Author::System => "Switchboard".to_string(),
            };
            let role = match (m.kind, &m.author) {
                (MessageKind::System, _) => "system",
                (MessageKind::Note, _) => "internal note",
                (_, Author::Bot { .. }) => "bot",
                (MessageKind::Customer, _) => "customer",
                (MessageKind::Agent, _) => "agent",
            };
            let mut files = Vec::new();
            for a in &m.attachments {
                if let Some(att) = attachment(&snap, a)? {
                    files.push(att.filename);
                }
            }
            entries.push(TranscriptEntry { at: m.created_at, kind: m.kind, author, role, text: m.text, files });
        }
        let assignee = c.assignee.as_deref().map(&mut user_name).transpose()?;
        let settings = snap.settings()?;
        Ok(Transcript {
            number: c.number,
            subject: c.subject.clone(),
            contact_email: contact.as_ref().and_then(|k| k.email.clone()),
            contact_phone: contact.and_then(|k| k.phone),
            contact_name,
            inbox: snap.inbox(&c.inbox_id)?.map(|i| i.name).unwrap_or_default(),
            status: c.status.as_str(),
            assignee,
            created_at: c.created_at,
            closed_at: c.closed_at.filter(|_| !c.is_active()),
            exported_at: self.now(),
            zone: Zone::named(&settings.time_zone),
            workspace: settings.name,
            entries,
        })
    }
}
