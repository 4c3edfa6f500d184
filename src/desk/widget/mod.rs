//! The live-chat widget's use cases (F33): an inbox's widget settings, the public view of a
//! live-chat inbox, and customer sessions (a customer token stands for one contact in one
//! inbox). The customer's conversation, messages, files and rating are in `chat`; rate limits
//! in `limits`.

mod chat;
pub mod limits;
mod live;

use super::contacts::{ContactInput, find_or_create_contact, save_contact_in};
use super::password::{new_secret, secret_hash};
use super::{Desk, DeskError, Principal};
use crate::domain::contact::Contact;
use crate::domain::conversation::{Conversation, Sort, Status};
use crate::domain::event::ConfigAction;
use crate::domain::widget::{CustomerSession, FieldRule, OfflineMode, check_widget, origin_allowed, signature_ok};
use crate::domain::workspace::{Channel, Inbox};
use crate::domain::{Actor, AgentStatus, EventKind, FieldError, Role};
use crate::store::{
    Changes, ContactReads, ConversationReads, Partition, Reader, RecordChanges, UserReads, WidgetChanges, WidgetReads,
    WorkspaceReads,
};

pub use chat::{CustomerConversation, CustomerEntry, CustomerSent};
pub use live::CustomerLive;

/// Changes to an inbox's widget settings; `None` keeps the value.
#[derive(Clone, Debug, Default)]
pub struct WidgetPatch {
    /// Accent colour.
    pub color: Option<String>,
    /// Greeting.
    pub greeting: Option<String>,
    /// Allowed origins (replaces the list).
    pub allowed_origins: Option<Vec<String>>,
    /// Pre-chat name rule.
    pub prechat_name: Option<FieldRule>,
    /// Pre-chat email rule.
    pub prechat_email: Option<FieldRule>,
    /// Offline behaviour.
    pub offline: Option<OfflineMode>,
}

/// Applies `patch` to `inbox`, naming the changed fields; refuses invalid settings.
pub(crate) fn apply_widget(
    inbox: &mut Inbox,
    patch: WidgetPatch,
    fields: &mut Vec<&'static str>,
) -> Result<(), DeskError> {
    let mut w = inbox.widget.clone();
    if let Some(v) = patch.color {
        w.color = v.trim().to_ascii_lowercase();
    }
    if let Some(v) = patch.greeting {
        w.greeting = v.trim().to_string();
    }
    if let Some(v) = patch.allowed_origins {
        w.allowed_origins = v;
    }
    w.prechat_name = patch.prechat_name.unwrap_or(w.prechat_name);
    w.prechat_email = patch.prechat_email.unwrap_or(w.prechat_email);
    w.offline = patch.offline.unwrap_or(w.offline);
    let errors = check_widget(&mut w);
    if !errors.is_empty() {
        return Err(DeskError::Invalid(errors));
    }
    if w != inbox.widget {
        inbox.widget = w;
        fields.push("widget");
    }
    Ok(())
}

/// Where a customer request comes from: its `Origin` header, this server's `Host`, and the
/// client's address (for rate limits).
#[derive(Clone, Debug, Default)]
pub struct CustomerOrigin {
    /// The `Origin` header, if any.
    pub origin: Option<String>,
    /// The `Host` the request was sent to.
    pub host: Option<String>,
    /// The client's address group (see `throttle::address_group`), empty when unknown.
    pub address: String,
}

/// A live-chat inbox as the widget sees it.
#[derive(Clone, Debug)]
pub struct WidgetInbox {
    /// The inbox.
    pub inbox: Inbox,
    /// Whether an agent serving it is available now.
    pub available: bool,
    /// Largest upload, bytes.
    pub max_upload_bytes: u64,
    /// Longest message, characters.
    pub max_message_chars: u32,
}

/// What a customer starts a session with.
#[derive(Clone, Debug, Default)]
pub struct SessionRequest {
    /// The live-chat inbox.
    pub inbox_id: String,
    /// Name from the pre-chat form.
    pub name: Option<String>,
    /// Email from the pre-chat form.
    pub email: Option<String>,
    /// The host site's id of its signed-in customer.
    pub customer_id: Option<String>,
    /// HMAC-SHA256 of `customer_id` under the inbox's identity secret (hex).
    pub customer_signature: Option<String>,
}

/// An authenticated customer: their session and the hash their token is kept under.
#[derive(Clone, Debug)]
pub struct Customer {
    /// The session.
    pub session: CustomerSession,
    /// Where the request came from.
    pub from: CustomerOrigin,
    /// The stored hash of the token.
    pub(crate) hash: String,
}

/// What the widget shows after a (re)load: who the customer is and their conversation.
#[derive(Clone, Debug)]
pub struct CustomerState {
    /// The contact.
    pub contact: Contact,
    /// The open conversation in this inbox, else the last closed one.
    pub conversation: Option<CustomerConversation>,
}

fn no_inbox(id: &str) -> DeskError {
    DeskError::NotFound(format!("no live-chat inbox with id {id}"))
}

/// The live-chat inbox `id`, refusing pages from sites the inbox does not allow.
pub(crate) fn livechat_inbox(s: &impl Reader, id: &str, from: &CustomerOrigin) -> Result<Inbox, DeskError> {
    let inbox = s.inbox(id)?.filter(|i| i.channel == Channel::Livechat).ok_or_else(|| no_inbox(id))?;
    if !origin_allowed(&inbox.widget, from.origin.as_deref(), from.host.as_deref()) {
        return Err(DeskError::Forbidden(format!(
            "the page's origin {} may not use this chat: an admin can add it to the inbox's allowed origins",
            from.origin.as_deref().unwrap_or("")
        )));
    }
    Ok(inbox)
}

/// Whether an active member of a team serving `inbox` is available.
fn someone_available(s: &impl Reader, inbox: &Inbox) -> Result<bool, DeskError> {
    for team_id in &inbox.team_ids {
        let Some(team) = s.team(team_id)? else { continue };
        for member in &team.members {
            if s.user(member)?.is_some_and(|u| u.active && u.status == AgentStatus::Available) {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// The contact's open conversation in the inbox, else its newest closed one.
pub(crate) fn current_conversation(
    s: &impl Reader,
    contact_id: &str,
    inbox_id: &str,
) -> Result<Option<Conversation>, DeskError> {
    let partition = [Partition::Contact(contact_id.to_string())];
    let (mine, _) = s.list_conversations(&partition, Sort::Created, None, 50, |c| c.inbox_id == inbox_id)?;
    let open = mine.iter().find(|c| c.status != Status::Closed).cloned();
    Ok(open.or_else(|| mine.into_iter().next()))
}

impl Desk {
    /// A live-chat inbox's widget settings as the widget reads them (anyone; 404 for other
    /// inboxes, 403 from a site the inbox does not allow).
    pub fn widget_inbox(&self, id: &str, from: &CustomerOrigin) -> Result<WidgetInbox, DeskError> {
        let snap = self.store.snapshot()?;
        let inbox = livechat_inbox(&snap, id, from)?;
        let settings = snap.settings()?;
        Ok(WidgetInbox {
            available: someone_available(&snap, &inbox)?,
            inbox,
            max_upload_bytes: settings.max_upload_bytes,
            max_message_chars: settings.max_message_chars,
        })
    }

    /// Makes a new identity secret for a live-chat inbox (admins); returned once.
    pub async fn rotate_widget_secret(&self, who: &Principal, id: &str) -> Result<String, DeskError> {
        who.require(Role::Admin, "configure inboxes")?;
        let (id, now, actor) = (id.to_string(), self.now(), who.actor());
        let secret = new_secret("wsec_");
        let stored = secret.clone();
        self.store
            .write(move |s| {
                let mut inbox = s.inbox(&id)?.ok_or_else(|| DeskError::NotFound(format!("no inbox with id {id}")))?;
                if inbox.channel != Channel::Livechat {
                    return Err(DeskError::Conflict(format!(
                        "inbox {:?} is an API channel; only live-chat inboxes have a widget",
                        inbox.name
                    )));
                }
                inbox.widget.identity_secret = stored;
                inbox.updated_at = now;
                let mut c = Changes::new(now, actor);
                c.put_inbox(&inbox)?;
                c.event(EventKind::ConfigChanged {
                    entity: "inbox".into(),
                    id: inbox.id.clone(),
                    action: ConfigAction::Updated,
                    fields: vec!["widget.identity_secret".into()],
                });
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(secret)
    }

    /// Starts a customer session (rate-limited per address); returns the token (shown once)
    /// and what the widget shows. A signed customer id joins that contact's history; an
    /// unsigned or badly signed one is refused. Without one, the customer is a new contact.
    pub async fn start_customer_session(
        &self,
        req: SessionRequest,
        from: CustomerOrigin,
    ) -> Result<(String, CustomerState), DeskError> {
        let now = self.now();
        self.widget_limits.take(limits::SESSIONS_PER_ADDRESS, &from.address, now.millis())?;
        let token = new_secret("wt_");
        let hash = secret_hash(&token);
        let (ids, from2) = (self.id_gen(), from.clone());
        let (session, _) = self
            .store
            .write(move |s| {
                let inbox = livechat_inbox(s, &req.inbox_id, &from2)?;
                let w = &inbox.widget;
                let name = req.name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
                let email = req.email.map(|e| e.trim().to_string()).filter(|e| !e.is_empty());
                let mut errors = Vec::new();
                if w.prechat_name == FieldRule::Required && name.is_none() && req.customer_id.is_none() {
                    errors.push(FieldError::new("name", "is required by this chat"));
                }
                if w.prechat_email == FieldRule::Required && email.is_none() && req.customer_id.is_none() {
                    errors.push(FieldError::new("email", "is required by this chat"));
                }
                if !errors.is_empty() {
                    return Err(DeskError::Invalid(errors));
                }
                let mut ch = Changes::new(now, Actor::System);
                let verified = req.customer_id.is_some();
                let contact = match req.customer_id.as_deref().map(str::trim) {
                    Some(cid) => {
                        let sig = req.customer_signature.as_deref().unwrap_or("");
                        if cid.is_empty() || cid.len() > 200 {
                            return Err(DeskError::field("customer_id", "must be 1 to 200 characters"));
                        }
                        if w.identity_secret.is_empty() {
                            return Err(DeskError::field(
                                "customer_signature",
                                "this inbox has no identity secret yet: an admin makes one in the inbox's widget settings",
                            ));
                        }
                        if !signature_ok(&w.identity_secret, cid, sig) {
                            return Err(DeskError::field(
                                "customer_signature",
                                "does not sign customer_id: send the lower-case hex HMAC-SHA256 of customer_id under the inbox's identity secret",
                            ));
                        }
                        let input = ContactInput {
                            name,
                            email,
                            external_id: Some(format!("widget:{}:{cid}", inbox.id)),
                            ..ContactInput::default()
                        };
                        find_or_create_contact(s, &mut ch, ids.next("ct", now), input, now)?
                    }
                    None => new_customer(s, &mut ch, ids.next("ct", now), name, email, now)?,
                };
                let session = CustomerSession {
                    id: ids.next("cs", now),
                    inbox_id: inbox.id.clone(),
                    contact_id: contact.id.clone(),
                    created_at: now,
                    verified,
                };
                ch.put_customer_session(&hash, &session)?;
                Ok::<_, DeskError>((ch, session))
            })
            .await?;
        let customer = Customer { session, from, hash: String::new() };
        Ok((token, self.customer_state(&customer)?))
    }

    /// The customer a token stands for; `401` when it is unknown or was revoked, `403` from a
    /// site the inbox does not allow.
    pub fn authenticate_customer(&self, token: &str, from: CustomerOrigin) -> Result<Customer, DeskError> {
        let hash = secret_hash(token.trim());
        let snap = self.store.snapshot()?;
        let session = snap.customer_session(&hash)?.ok_or_else(|| {
            DeskError::Unauthorized(
                "this chat session is unknown or has ended: start a new one with POST /api/widget/v1/sessions".into(),
            )
        })?;
        livechat_inbox(&snap, &session.inbox_id, &from)?;
        Ok(Customer { session, from, hash })
    }

    /// What the widget shows for a customer.
    pub fn customer_state(&self, who: &Customer) -> Result<CustomerState, DeskError> {
        let snap = self.store.snapshot()?;
        let contact = snap
            .contact(&who.session.contact_id)?
            .ok_or_else(|| DeskError::Unauthorized("this chat session's contact no longer exists".into()))?;
        let conversation = match current_conversation(&snap, &contact.id, &who.session.inbox_id)? {
            Some(c) => Some(chat::customer_conversation(&snap, c)?),
            None => None,
        };
        Ok(CustomerState { contact, conversation })
    }

    /// Ends a customer's session: the token stops working.
    pub async fn end_customer_session(&self, who: &Customer) -> Result<(), DeskError> {
        let (hash, now) = (who.hash.clone(), self.now());
        self.store
            .write(move |_| {
                let mut ch = Changes::new(now, Actor::System);
                ch.delete_customer_session(&hash);
                Ok::<_, DeskError>((ch, ()))
            })
            .await?;
        Ok(())
    }

    /// Revokes every widget session of a contact (staff who may edit contacts): the chat
    /// ends on every device that had it.
    pub async fn revoke_contact_sessions(&self, who: &Principal, contact_id: &str) -> Result<u32, DeskError> {
        who.require(Role::Supervisor, "end a contact's chat sessions")?;
        let (id, now, actor) = (contact_id.to_string(), self.now(), who.actor());
        let (n, _) = self
            .store
            .write(move |s| {
                s.contact(&id)?.ok_or_else(|| DeskError::NotFound(format!("no contact with id {id}")))?;
                let mut ch = Changes::new(now, actor);
                let sessions = s.sessions_of_contact(&id)?;
                for (hash, _) in &sessions {
                    ch.delete_customer_session(hash);
                }
                ch.event(EventKind::ContactUpdated { contact_id: id.clone(), fields: vec!["chat_sessions".into()] });
                Ok::<_, DeskError>((ch, u32::try_from(sessions.len()).unwrap_or(u32::MAX)))
            })
            .await?;
        Ok(n)
    }
}

/// A new contact for an unsigned session, named "Visitor XXXX" when it gave no name or email.
/// The email is kept on the card only when no other
/// contact has it: a typed email proves nothing, so it never joins someone else's history
/// (it is then kept as the `email_given` attribute for agents to see).
fn new_customer(
    s: &crate::store::Staged<'_>,
    ch: &mut Changes,
    id: String,
    name: Option<String>,
    email: Option<String>,
    now: crate::domain::Timestamp,
) -> Result<Contact, DeskError> {
    let mut input = ContactInput { name, ..ContactInput::default() };
    if let Some(e) = email {
        if s.contact_by_email(&e)?.is_some() {
            input.attributes.insert("email_given".into(), Some(crate::domain::contact::AttrValue::Text(e)));
        } else {
            input.email = Some(e);
        }
    }
    if input.name.is_none() && input.email.is_none() {
        // A customer who gave nothing usable is still someone agents can tell apart.
        input.name = Some(format!("Visitor {}", id[id.len().saturating_sub(4)..].to_uppercase()));
    }
    save_contact_in(s, ch, None, id, input, now)
}
