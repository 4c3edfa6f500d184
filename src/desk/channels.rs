//! The API channel (F34, inbound): integrations (WhatsApp bridges, bots, forms) push customer
//! messages into an `api` inbox with an API token. The contact is found by external id, email
//! or phone (or created); the message joins the contact's conversation in that inbox that is
//! not closed, or opens a new one that waits in the queue.

use super::contacts::{ContactInput, find_or_create_contact};
use super::conversations::{append, refused};
use super::{Desk, DeskError, Principal};
use crate::domain::conversation::{Author, Conversation, MessageKind, Origin, Sort, Status};
use crate::domain::workspace::Channel;
use crate::domain::{CredentialKind, EventKind, Role, lifecycle};
use crate::store::{Changes, ConversationReads, Partition, WorkspaceReads, put_conversation, take_number};

/// What an inbound message did.
#[derive(Clone, Debug)]
pub struct Inbound {
    /// The conversation it joined or opened.
    pub conversation_id: String,
    /// The message.
    pub message_id: String,
    /// The contact.
    pub contact_id: String,
    /// Whether a new conversation was opened.
    pub created: bool,
}

impl Desk {
    /// Accepts a customer message from an integration into an `api` inbox.
    pub async fn api_channel_message(
        &self,
        who: &Principal,
        inbox_id: &str,
        contact: ContactInput,
        text: String,
    ) -> Result<Inbound, DeskError> {
        who.ready()?;
        if who.credential.kind != CredentialKind::Api {
            return Err(DeskError::Forbidden(
                "the API channel takes API tokens (POST /api/v1/tokens), not session tokens".into(),
            ));
        }
        if text.trim().is_empty() {
            return Err(DeskError::field("text", "must not be empty"));
        }
        self.inbound(inbox_id, contact, text, String::new(), who.actor(), Some(who.clone())).await
    }

    /// A message from one of the demo's simulated customers (`serve --demo`), into any inbox:
    /// it opens a conversation with `subject`, or joins the contact's open one there.
    pub async fn demo_customer_message(
        &self,
        inbox_id: &str,
        contact: ContactInput,
        subject: &str,
        text: String,
    ) -> Result<Inbound, DeskError> {
        self.inbound(inbox_id, contact, text, subject.to_string(), crate::domain::Actor::System, None).await
    }

    /// A customer message into an inbox; with a `caller`, only into an API inbox it serves.
    async fn inbound(
        &self,
        inbox_id: &str,
        contact: ContactInput,
        text: String,
        subject: String,
        actor: crate::domain::Actor,
        caller: Option<Principal>,
    ) -> Result<Inbound, DeskError> {
        let (inbox_id, now, ids) = (inbox_id.to_string(), self.now(), self.id_gen());
        let (inbound, _) = self
            .store
            .write(move |s| {
                let inbox =
                    s.inbox(&inbox_id)?.ok_or_else(|| DeskError::NotFound(format!("no inbox with id {inbox_id}")))?;
                if let Some(caller) = &caller {
                    // Admins may push into any inbox: only others need their teams looked up.
                    let serves = caller.user.role == Role::Admin
                        || s.inboxes_of_teams(&s.teams_of_user(&caller.user.id)?)?.contains(&inbox.id);
                    if !serves {
                        return Err(DeskError::Forbidden(
                            "the token's user must be an admin or serve this inbox".into(),
                        ));
                    }
                    if inbox.channel != Channel::Api {
                        return Err(DeskError::Conflict(format!(
                            "inbox {:?} is a live-chat inbox, not an API channel",
                            inbox.name
                        )));
                    }
                }
                let max = s.settings()?.max_message_chars as usize;
                let n = text.chars().count();
                if n > max {
                    return Err(DeskError::field("text", format!("is {n} characters; the limit is {max}")));
                }
                let mut ch = Changes::new(now, actor);
                let contact = find_or_create_contact(s, &mut ch, ids.next("ct", now), contact, now)?;
                let partition = [Partition::Contact(contact.id.clone())];
                let (open, _) = s.list_conversations(&partition, Sort::Created, None, 1, |c| {
                    c.inbox_id == inbox.id && c.status != Status::Closed
                })?;
                let (old, mut c, created) = match open.into_iter().next() {
                    Some(c) => (Some(c.clone()), c, false),
                    None => {
                        let mut c = Conversation::new(
                            ids.next("cv", now),
                            take_number(&mut ch, s)?,
                            inbox.id.clone(),
                            contact.id.clone(),
                            Origin::Inbound,
                            now,
                        );
                        c.subject = subject;
                        ch.event(EventKind::ConversationCreated {
                            conversation_id: c.id.clone(),
                            inbox_id: c.inbox_id.clone(),
                            contact_id: contact.id.clone(),
                        });
                        (None, c, true)
                    }
                };
                let status_before = c.status;
                lifecycle::customer_message(&mut c, now).map_err(refused)?;
                let m = append(
                    &mut ch,
                    &mut c,
                    MessageKind::Customer,
                    Author::Contact { id: contact.id.clone() },
                    text,
                    None,
                    now,
                )?;
                put_conversation(&mut ch, &c, old.as_ref())?;
                if !created && c.status != status_before {
                    ch.event(EventKind::ConversationChanged {
                        conversation_id: c.id.clone(),
                        action: "customer_replied".into(),
                        status: c.status,
                    });
                }
                Ok::<_, DeskError>((
                    ch,
                    Inbound { conversation_id: c.id, message_id: m.id, contact_id: contact.id, created },
                ))
            })
            .await?;
        if inbound.created {
            self.resettle().await;
        }
        Ok(inbound)
    }
}
