//! The customer's side of a live chat: their conversation as they may see it (never notes,
//! never system entries, never another conversation), sending messages and files, typing, and
//! rating the conversation once it is closed (F31).

use super::super::attachments::attachment;
use super::super::conversations::{append, append_system, refused};
use super::super::{Desk, DeskError, NewUpload};
use super::{Customer, current_conversation, limits, livechat_inbox};
use crate::domain::attachment::Attachment;
use crate::domain::conversation::{Author, Conversation, Message, MessageKind, Origin};
use crate::domain::lifecycle::Entry;
use crate::domain::says::Says;
use crate::domain::widget::{CustomerSide, Rating, agent_first_name, check_rating, customer_side};
use crate::domain::{Actor, EventKind, lifecycle};
use crate::store::{
    Changes, ContactReads, ConversationReads, Reader, RecordChanges, UserReads, WidgetChanges, WidgetReads,
    WorkspaceReads, put_conversation, put_message, take_number,
};

/// A conversation as its customer sees it.
#[derive(Clone, Debug)]
pub struct CustomerConversation {
    /// The conversation.
    pub conversation: Conversation,
    /// First name of the agent handling it.
    pub agent_name: Option<String>,
    /// The customer's rating.
    pub rating: Option<Rating>,
}

impl CustomerConversation {
    /// Whether the customer may rate it now: closed and not rated yet.
    pub fn can_rate(&self) -> bool {
        self.conversation.status == crate::domain::conversation::Status::Closed && self.rating.is_none()
    }
}

/// A timeline entry as the customer sees it.
#[derive(Clone, Debug)]
pub struct CustomerEntry {
    /// The entry.
    pub message: Message,
    /// Who wrote it, as the customer is told.
    pub side: CustomerSide,
    /// The agent's first name (agent replies).
    pub author_name: Option<String>,
    /// Its files.
    pub files: Vec<Attachment>,
}

/// What sending did.
#[derive(Clone, Debug)]
pub struct CustomerSent {
    /// The conversation, as the customer sees it now.
    pub conversation: CustomerConversation,
    /// The message.
    pub entry: CustomerEntry,
}

/// Most entries a customer reads per page.
pub const MAX_PAGE: usize = 200;

pub(crate) fn customer_conversation(s: &impl Reader, c: Conversation) -> Result<CustomerConversation, DeskError> {
    let agent_name = match &c.assignee {
        Some(id) => s.user(id)?.map(|u| agent_first_name(&u.name)),
        None => None,
    };
    let rating = s.rating(&c.id)?;
    Ok(CustomerConversation { conversation: c, agent_name, rating })
}

/// The entry as the customer sees it, or `None` when they never do.
pub(crate) fn customer_entry(s: &impl Reader, m: Message) -> Result<Option<CustomerEntry>, DeskError> {
    let Some(side) = customer_side(&m) else { return Ok(None) };
    let author_name = match (&side, &m.author) {
        (CustomerSide::Agent, Author::User { id }) => s.user(id)?.map(|u| agent_first_name(&u.name)),
        (CustomerSide::Bot, Author::Bot { name }) => Some(name.clone()),
        _ => None,
    };
    let mut files = Vec::new();
    for id in &m.attachments {
        if let Some(a) = attachment(s, id)? {
            files.push(a);
        }
    }
    Ok(Some(CustomerEntry { message: m, side, author_name, files }))
}

/// A conversation of this customer (their contact, their inbox), else 404.
fn own(s: &impl Reader, who: &Customer, id: &str) -> Result<Conversation, DeskError> {
    s.conversation(id)?
        .filter(|c| c.contact_id == who.session.contact_id && c.inbox_id == who.session.inbox_id)
        .ok_or_else(|| DeskError::NotFound(format!("no conversation with id {id} in this chat")))
}

impl Desk {
    /// One of the customer's conversations.
    pub fn customer_conversation(&self, who: &Customer, id: &str) -> Result<CustomerConversation, DeskError> {
        let snap = self.store.snapshot()?;
        customer_conversation(&snap, own(&snap, who, id)?)
    }

    /// The newest `limit` entries the customer may see before the timeline index `before`
    /// (the end when `None`), oldest first, with the cursor for older ones.
    pub fn customer_messages(
        &self,
        who: &Customer,
        id: &str,
        before: Option<u32>,
        limit: usize,
    ) -> Result<(Vec<CustomerEntry>, Option<u32>), DeskError> {
        let snap = self.store.snapshot()?;
        let c = own(&snap, who, id)?;
        let limit = limit.clamp(1, MAX_PAGE);
        let mut end = before.unwrap_or(c.timeline_len).min(c.timeline_len);
        let mut out = Vec::new();
        while end > 0 && out.len() <= limit {
            let start = end.saturating_sub(100);
            let batch = snap.timeline(&c.id, start, (end - start) as usize)?;
            for m in batch.into_iter().rev() {
                if let Some(e) = customer_entry(&snap, m)? {
                    out.push(e);
                }
            }
            end = start;
        }
        let cursor = if out.len() > limit {
            out.truncate(limit);
            out.last().map(|e| e.message.index)
        } else {
            None
        };
        out.reverse();
        Ok((out, cursor))
    }

    /// A customer message (rate-limited per token and per address): joins the open
    /// conversation in the inbox or opens a new one that waits in the queue.
    pub async fn customer_send(
        &self,
        who: &Customer,
        text: String,
        attachment_ids: Vec<String>,
    ) -> Result<CustomerSent, DeskError> {
        let now = self.now();
        self.widget_limits.take(limits::MESSAGES_PER_TOKEN, &who.session.id, now.millis())?;
        self.widget_limits.take(limits::MESSAGES_PER_ADDRESS, &who.from.address, now.millis())?;
        if text.trim().is_empty() && attachment_ids.is_empty() {
            return Err(DeskError::field("text", "must not be empty (or send attachment_ids)"));
        }
        if attachment_ids.len() > 10 {
            return Err(DeskError::field("attachment_ids", "at most 10 files per message"));
        }
        let (who2, ids) = (who.clone(), self.id_gen());
        let ((conversation_id, message, created), _) = self
            .store
            .write(move |s| {
                let inbox = livechat_inbox(s, &who2.session.inbox_id, &who2.from)?;
                let max = s.settings()?.max_message_chars as usize;
                let n = text.chars().count();
                if n > max {
                    return Err(DeskError::field("text", format!("is {n} characters; the limit is {max}")));
                }
                let mut files = Vec::new();
                for id in &attachment_ids {
                    let a = attachment(s, id)?
                        .filter(|a| a.uploaded_by == who2.session.id && a.conversation_id.is_none())
                        .ok_or_else(|| {
                            DeskError::field("attachment_ids", format!("{id} is not one of this chat's unsent uploads"))
                        })?;
                    if !files.iter().any(|f: &Attachment| f.id == a.id) {
                        files.push(a);
                    }
                }
                let contact_id = who2.session.contact_id.clone();
                let mut ch = Changes::new(now, Actor::System);
                let current = current_conversation(s, &contact_id, &inbox.id)?
                    .filter(|c| c.status != crate::domain::conversation::Status::Closed);
                let (old, mut c, created) = match current {
                    Some(c) => (Some(c.clone()), c, false),
                    None => {
                        let c = Conversation::new(
                            ids.next("cv", now),
                            take_number(&mut ch, s)?,
                            inbox.id.clone(),
                            contact_id.clone(),
                            Origin::Inbound,
                            now,
                        );
                        ch.event(EventKind::ConversationCreated {
                            conversation_id: c.id.clone(),
                            inbox_id: c.inbox_id.clone(),
                            contact_id: contact_id.clone(),
                        });
                        (None, c, true)
                    }
                };
                let status_before = c.status;
                lifecycle::customer_message(&mut c, now).map_err(refused)?;
                let mut m = append(
                    &mut ch,
                    &mut c,
                    MessageKind::Customer,
                    Author::Contact { id: contact_id.clone() },
                    text,
                    None,
                    now,
                )?;
                if !files.is_empty() {
                    m.attachments = files.iter().map(|f| f.id.clone()).collect();
                    put_message(&mut ch, &m)?;
                }
                for mut f in files {
                    ch.add_contact_file(&contact_id, &f.id, &c.id);
                    f.conversation_id = Some(c.id.clone());
                    ch.put_attachment(&f)?;
                }
                put_conversation(&mut ch, &c, old.as_ref())?;
                if !created && c.status != status_before {
                    ch.event(EventKind::ConversationChanged {
                        conversation_id: c.id.clone(),
                        action: "customer_replied".into(),
                        status: c.status,
                    });
                }
                Ok::<_, DeskError>((ch, (c.id, m, created)))
            })
            .await?;
        if created {
            self.resettle().await;
        }
        let snap = self.store.snapshot()?;
        let conversation = customer_conversation(&snap, own(&snap, who, &conversation_id)?)?;
        let entry = customer_entry(&snap, message)?
            .ok_or_else(|| DeskError::Conflict("the message is not one the customer sees".into()))?;
        Ok(CustomerSent { conversation, entry })
    }

    /// Rates a closed conversation once (F31): stored with the agent, team and inbox it closed
    /// with, and shown in the agents' timeline.
    pub async fn rate_conversation(
        &self,
        who: &Customer,
        id: &str,
        score: u8,
        comment: String,
    ) -> Result<CustomerConversation, DeskError> {
        let comment = comment.trim().to_string();
        let errors = check_rating(score, &comment);
        if !errors.is_empty() {
            return Err(DeskError::Invalid(errors));
        }
        let (who2, id_s, now) = (who.clone(), id.to_string(), self.now());
        let id = id_s.clone();
        self.store
            .write(move |s| {
                let old = own(s, &who2, &id)?;
                if old.status != crate::domain::conversation::Status::Closed {
                    return Err(DeskError::Conflict(
                        "the conversation is not closed yet: it can be rated once the agent closes it".into(),
                    ));
                }
                if s.rating(&old.id)?.is_some() {
                    return Err(DeskError::Conflict("this conversation was already rated".into()));
                }
                let rating = Rating {
                    conversation_id: old.id.clone(),
                    score,
                    comment: comment.clone(),
                    created_at: now,
                    inbox_id: old.inbox_id.clone(),
                    agent_id: old.assignee.clone(),
                    team_id: old.team_id.clone(),
                };
                let mut ch = Changes::new(now, Actor::System);
                ch.put_rating(&rating)?;
                let who_name = s.contact(&old.contact_id)?.map(|k| k.display_name()).unwrap_or_default();
                let says = Says::new("rated")
                    .with("who", who_name)
                    .with("score", score.to_string())
                    .with_some("note", Some(comment.as_str()).filter(|c| !c.is_empty()));
                let mut c = old.clone();
                append_system(
                    &mut ch,
                    &mut c,
                    Author::Contact { id: old.contact_id.clone() },
                    Entry { event: "rated", says },
                    now,
                )?;
                put_conversation(&mut ch, &c, Some(&old))?;
                ch.event(EventKind::RatingCreated { conversation_id: old.id.clone(), score });
                Ok::<_, DeskError>((ch, ()))
            })
            .await?;
        self.customer_conversation(who, &id_s)
    }

    /// A customer file upload (rate-limited per token): the same checks and limits as
    /// agents' uploads; a type the workspace does not allow is refused with `415`.
    pub async fn customer_upload(&self, who: &Customer, up: NewUpload) -> Result<Attachment, DeskError> {
        self.widget_limits.take(limits::UPLOADS_PER_TOKEN, &who.session.id, self.now().millis())?;
        livechat_inbox(&self.store.snapshot()?, &who.session.inbox_id, &who.from)?;
        self.store_upload(who.session.id.clone(), Actor::System, up, true).await
    }

    /// A file the customer may download: their own uploads and the files of entries they may
    /// see in their own conversations; others are 404.
    pub fn customer_attachment(&self, who: &Customer, id: &str) -> Result<(Attachment, std::fs::File), DeskError> {
        let snap = self.store.snapshot()?;
        let not_found = || DeskError::NotFound(format!("no attachment with id {id} in this chat"));
        let att = attachment(&snap, id)?.ok_or_else(not_found)?;
        let allowed = att.uploaded_by == who.session.id
            || match &att.conversation_id {
                Some(cid) => {
                    let c = own(&snap, who, cid).map_err(|_| not_found())?;
                    shown_in(&snap, &c, &att.id)?
                }
                None => false,
            };
        if !allowed {
            return Err(not_found());
        }
        let file = self.store.files().open_blob(&att.sha256)?.ok_or_else(|| {
            DeskError::Storage(crate::store::StoreError::Corrupt(format!("the file of attachment {id} is missing")))
        })?;
        Ok((att, file))
    }
}

/// Whether a customer-visible entry of `c` carries the file `att_id` (an internal note's file
/// never is).
fn shown_in(s: &impl Reader, c: &Conversation, att_id: &str) -> Result<bool, DeskError> {
    let mut from = 0;
    while from < c.timeline_len {
        let batch = s.timeline(&c.id, from, 200)?;
        let Some(last) = batch.last() else { break };
        from = last.index + 1;
        if batch.iter().any(|m| customer_side(m).is_some() && m.attachments.iter().any(|a| a == att_id)) {
            return Ok(true);
        }
    }
    Ok(false)
}
