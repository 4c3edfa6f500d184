//! Messages (F12, F13, F15, F16): replies and internal notes, canned responses expanded on the
//! server, replies to a message, emoji reactions, and the timeline.

use super::attachments::attachment;
use super::conversations::{append, mark_seen, refused, viewer, visible};
use super::{Desk, DeskError, Principal};
use crate::domain::EventKind;
use crate::domain::conversation::{Author, Message, MessageKind};
use crate::domain::lifecycle;
use crate::domain::workspace::{CannedScope, PlaceholderValues, expand_placeholders};
use crate::store::{
    Changes, ContactReads, ConversationReads, RecordChanges, WorkspaceReads, put_conversation, put_message,
};

/// A message an agent sends.
#[derive(Clone, Debug, Default)]
pub struct OutgoingMessage {
    /// `true` for an internal note, `false` for a reply the customer sees.
    pub note: bool,
    /// The text, exactly as typed.
    pub text: Option<String>,
    /// Or a canned response, expanded on the server.
    pub canned_response_id: Option<String>,
    /// The message this one answers.
    pub reply_to: Option<String>,
    /// Attachment ids: the caller's own unsent uploads, or library items.
    pub attachments: Vec<String>,
}

/// Checks a reaction: a short emoji, no letters, digits or spaces.
fn check_emoji(emoji: &str) -> Result<(), DeskError> {
    let n = emoji.chars().count();
    let ok = (1..=8).contains(&n)
        && !emoji.chars().any(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || c.is_control());
    if ok { Ok(()) } else { Err(DeskError::field("emoji", "must be one emoji, such as 👍")) }
}

impl Desk {
    /// Sends a reply (F12; open → pending) or an internal note.
    pub async fn send_message(
        &self,
        who: &Principal,
        conversation_id: &str,
        msg: OutgoingMessage,
    ) -> Result<Message, DeskError> {
        who.ready()?;
        let (id, now, actor, caller) = (conversation_id.to_string(), self.now(), who.actor(), who.clone());
        let (message, _) = self
            .store
            .write(move |s| {
                let v = viewer(s, &caller)?;
                let old = visible(s, &v, &id)?;
                let mut c = old.clone();
                let has_files = !msg.attachments.is_empty();
                let text = match (msg.text, &msg.canned_response_id) {
                    (Some(_), Some(_)) => {
                        return Err(DeskError::field(
                            "canned_response_id",
                            "send either text or a canned response, not both",
                        ));
                    }
                    (None, None) if has_files => String::new(),
                    (None, None) => {
                        return Err(DeskError::field(
                            "text",
                            "is required (or give canned_response_id or attachments)",
                        ));
                    }
                    (Some(t), None) => t,
                    (None, Some(canned_id)) => {
                        let canned = s.canned(canned_id)?.filter(|r| match &r.scope {
                            CannedScope::Global => true,
                            CannedScope::Team { team_id } => {
                                v.is_supervisor() || s.teams_of_user(&v.id).is_ok_and(|t| t.contains(team_id))
                            }
                            CannedScope::Personal { user_id } => *user_id == v.id,
                        });
                        let canned = canned.ok_or_else(|| {
                            DeskError::field("canned_response_id", format!("no canned response with id {canned_id}"))
                        })?;
                        let contact = s.contact(&c.contact_id)?;
                        let values = PlaceholderValues {
                            contact_name: contact.as_ref().map(|k| k.display_name()).unwrap_or_default(),
                            contact_email: contact.and_then(|k| k.email).unwrap_or_default(),
                            agent_name: caller.user.name.clone(),
                            conversation_number: c.number,
                        };
                        expand_placeholders(&canned.body, &values)
                    }
                };
                let max = s.settings()?.max_message_chars as usize;
                let n = text.chars().count();
                if text.trim().is_empty() && !has_files {
                    return Err(DeskError::field("text", "must not be empty"));
                }
                if msg.attachments.len() > 20 {
                    return Err(DeskError::field("attachments", "at most 20 files per message"));
                }
                let mut files = Vec::new();
                for att_id in &msg.attachments {
                    let att = attachment(s, att_id)?
                        .filter(|a| a.library || (a.uploaded_by == caller.user.id && a.conversation_id.is_none()))
                        .ok_or_else(|| {
                            DeskError::field(
                                "attachments",
                                format!("attachment {att_id} is not one of your unsent uploads or a library item"),
                            )
                        })?;
                    if !files.iter().any(|f: &crate::domain::attachment::Attachment| f.id == att.id) {
                        files.push(att);
                    }
                }
                if n > max {
                    return Err(DeskError::field("text", format!("is {n} characters; the limit is {max}")));
                }
                if let Some(r) = &msg.reply_to
                    && s.message(&c.id, r)?.is_none()
                {
                    return Err(DeskError::field("reply_to", format!("no message with id {r} in this conversation")));
                }
                let status_before = c.status;
                if msg.note {
                    lifecycle::note(&mut c, &v, now);
                } else {
                    lifecycle::agent_message(&mut c, &v, now).map_err(refused)?;
                }
                let mut ch = Changes::new(now, actor);
                let kind = if msg.note { MessageKind::Note } else { MessageKind::Agent };
                let mut m =
                    append(&mut ch, &mut c, kind, Author::User { id: caller.user.id.clone() }, text, None, now)?;
                if msg.reply_to.is_some() || !files.is_empty() {
                    m.reply_to = msg.reply_to;
                    m.attachments = files.iter().map(|f| f.id.clone()).collect();
                    put_message(&mut ch, &m)?;
                }
                for mut f in files {
                    ch.add_contact_file(&c.contact_id, &f.id, &c.id);
                    if !f.library {
                        f.conversation_id = Some(c.id.clone());
                        ch.put_attachment(&f)?;
                    }
                }
                put_conversation(&mut ch, &c, Some(&old))?;
                mark_seen(&mut ch, &caller.user.id, &c)?;
                if c.status != status_before {
                    ch.event(EventKind::ConversationChanged {
                        conversation_id: c.id.clone(),
                        action: "replied".into(),
                        status: c.status,
                    });
                }
                Ok::<_, DeskError>((ch, m))
            })
            .await?;
        Ok(message)
    }

    /// The timeline of a visible conversation from `from_index` (system entries with
    /// `include_system`), at most `limit` entries.
    pub fn timeline(
        &self,
        who: &Principal,
        conversation_id: &str,
        from_index: u32,
        limit: usize,
        include_system: bool,
    ) -> Result<(Vec<Message>, Option<u32>), DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let v = viewer(&snap, who)?;
        let c = visible(&snap, &v, conversation_id)?;
        let mut out = Vec::new();
        let mut next = from_index;
        while out.len() <= limit && next < c.timeline_len {
            let batch = snap.timeline(&c.id, next, limit + 1)?;
            let Some(last) = batch.last() else { break };
            next = last.index + 1;
            out.extend(batch.into_iter().filter(|m| include_system || m.kind != MessageKind::System));
        }
        let cursor = if out.len() > limit {
            out.truncate(limit);
            out.last().map(|m| m.index + 1)
        } else {
            None
        };
        Ok((out, cursor))
    }

    /// Adds (`on`) or removes the caller's `emoji` reaction to a message (F13).
    pub async fn react(
        &self,
        who: &Principal,
        conversation_id: &str,
        message_id: &str,
        emoji: &str,
        on: bool,
    ) -> Result<Message, DeskError> {
        who.ready()?;
        check_emoji(emoji)?;
        let (cid, mid, emoji, now, actor, caller) = (
            conversation_id.to_string(),
            message_id.to_string(),
            emoji.to_string(),
            self.now(),
            who.actor(),
            who.clone(),
        );
        let (message, _) = self
            .store
            .write(move |s| {
                let v = viewer(s, &caller)?;
                let c = visible(s, &v, &cid)?;
                let mut m = s
                    .message(&c.id, &mid)?
                    .ok_or_else(|| DeskError::NotFound(format!("no message with id {mid} in this conversation")))?;
                if m.kind == MessageKind::System {
                    return Err(DeskError::Conflict("system entries cannot get reactions".into()));
                }
                let users = m.reactions.entry(emoji.clone()).or_default();
                let had = users.contains(&caller.user.id);
                let mut ch = Changes::new(now, actor);
                if had == on {
                    m.reactions.retain(|_, u| !u.is_empty());
                    return Ok((ch, m));
                }
                if on {
                    users.push(caller.user.id.clone());
                } else {
                    users.retain(|u| *u != caller.user.id);
                }
                m.reactions.retain(|_, u| !u.is_empty());
                put_message(&mut ch, &m)?;
                ch.event(EventKind::MessageChanged { conversation_id: c.id.clone(), message_id: m.id.clone() });
                Ok::<_, DeskError>((ch, m))
            })
            .await?;
        Ok(message)
    }
}
