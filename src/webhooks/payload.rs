//! What a webhook delivery says: the event log's entries turned into deliveries, each with the
//! JSON body built once from the state when the event was read (the conversation, the message
//! with its files, the contact, the rating), so a receiver needs no call back to act.

use serde_json::{Value, json};

use crate::domain::conversation::{Author, Conversation, MessageKind};
use crate::domain::webhook::{Delivery, DeliveryStatus, Webhook};
use crate::domain::{Event, EventKind};
use crate::store::{ContactReads, ConversationReads, Reader, RecordReads, StoreError, WidgetReads};

/// A time as RFC 3339 with milliseconds, like the API's.
fn time(t: crate::domain::Timestamp) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(t.millis()) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    at.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

fn conversation_json(c: &Conversation) -> Value {
    json!({
        "id": c.id, "number": c.number, "inbox_id": c.inbox_id, "contact_id": c.contact_id,
        "status": serde_json::to_value(c.status).unwrap_or(Value::Null),
        "assignee_id": c.assignee, "team_id": c.team_id, "subject": c.subject,
        "labels": c.labels, "created_at": time(c.created_at), "updated_at": time(c.updated_at),
    })
}

/// The event type an event is delivered as, with its conversation id, or `None` when
/// webhooks do not carry it (notes and system entries stay inside the desk; imported history
/// is not news).
pub fn event_type(e: &Event) -> Option<(&'static str, Option<&str>)> {
    if e.actor == crate::domain::Actor::Import {
        return None;
    }
    match &e.kind {
        EventKind::ConversationCreated { conversation_id, .. } => Some(("conversation.created", Some(conversation_id))),
        EventKind::ConversationChanged { conversation_id, action, .. } => {
            let t = if action == "closed" || action == "auto_closed" {
                "conversation.closed"
            } else {
                "conversation.updated"
            };
            Some((t, Some(conversation_id)))
        }
        EventKind::MessageCreated { conversation_id, kind: MessageKind::Customer | MessageKind::Agent, .. } => {
            Some(("message.created", Some(conversation_id)))
        }
        EventKind::ContactUpdated { .. } => Some(("contact.updated", None)),
        EventKind::RatingCreated { conversation_id, .. } => Some(("rating.created", Some(conversation_id))),
        _ => None,
    }
}

/// The `data` of an event's body, read from `r` now.
fn data(r: &impl Reader, e: &Event, conversation: Option<&Conversation>) -> Result<Value, StoreError> {
    let mut data = json!({});
    if let Some(c) = conversation {
        data["conversation"] = conversation_json(c);
        if let Some(k) = r.contact(&c.contact_id)? {
            data["contact"] =
                json!({"id": k.id, "name": k.name, "email": k.email, "phone": k.phone, "external_id": k.external_id});
        }
    }
    match &e.kind {
        EventKind::MessageCreated { conversation_id, message_id, .. } => {
            if let Some(m) = r.message(conversation_id, message_id)? {
                let (author_kind, author_id) = match &m.author {
                    Author::User { id } => ("agent", Some(id.clone())),
                    Author::Contact { id } => ("contact", Some(id.clone())),
                    Author::Bot { name } => ("bot", Some(name.clone())),
                    Author::System => ("system", None),
                };
                let mut files = Vec::new();
                for id in &m.attachments {
                    if let Some(a) = r.attachment(id)? {
                        files.push(json!({"id": a.id, "name": a.filename, "size": a.size, "content_type": a.mime}));
                    }
                }
                data["message"] = json!({
                    "id": m.id, "kind": serde_json::to_value(m.kind).unwrap_or(Value::Null),
                    "author_kind": author_kind, "author_id": author_id, "text": m.text,
                    "attachments": files, "created_at": time(m.created_at),
                });
            }
        }
        EventKind::ConversationChanged { action, .. } => data["action"] = json!(action),
        EventKind::ContactUpdated { contact_id, fields } => {
            if let Some(k) = r.contact(contact_id)? {
                data["contact"] = json!({"id": k.id, "name": k.name, "email": k.email, "phone": k.phone, "external_id": k.external_id});
            }
            data["fields"] = json!(fields);
        }
        EventKind::RatingCreated { conversation_id, .. } => {
            if let Some(rt) = r.rating(conversation_id)? {
                data["rating"] = json!({"score": rt.score, "comment": rt.comment, "agent_id": rt.agent_id, "created_at": time(rt.created_at)});
            }
        }
        _ => {}
    }
    Ok(data)
}

/// The deliveries `e` makes for `hooks`.
pub fn deliveries(r: &impl Reader, e: &Event, hooks: &[Webhook]) -> Result<Vec<Delivery>, StoreError> {
    let Some((kind, conversation_id)) = event_type(e) else { return Ok(Vec::new()) };
    let conversation = match conversation_id {
        Some(id) => r.conversation(id)?,
        None => None,
    };
    let inbox = conversation.as_ref().map(|c| c.inbox_id.as_str());
    let wanting: Vec<&Webhook> = hooks.iter().filter(|h| e.seq > h.from_seq && h.wants(kind, inbox)).collect();
    if wanting.is_empty() {
        return Ok(Vec::new());
    }
    let body = json!({
        "id": format!("evt_{:016x}", e.seq),
        "event": kind,
        "created_at": time(e.at),
        "data": data(r, e, conversation.as_ref())?,
    })
    .to_string();
    Ok(wanting
        .into_iter()
        .map(|h| Delivery {
            id: format!("{:016x}", e.seq),
            webhook_id: h.id.clone(),
            event: kind.to_string(),
            seq: e.seq,
            conversation_id: conversation_id.map(str::to_string),
            body: body.clone(),
            status: DeliveryStatus::Pending,
            attempts: 0,
            last_status_code: None,
            last_error: None,
            response_ms: None,
            next_attempt_at: e.at,
            created_at: e.at,
            delivered_at: None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Actor, Timestamp};

    fn message(actor: Actor) -> Event {
        let kind = EventKind::MessageCreated {
            conversation_id: "cv_1".into(),
            message_id: "msg_1".into(),
            kind: MessageKind::Customer,
        };
        Event { seq: 7, at: Timestamp(0), actor, kind }
    }

    #[test]
    fn imported_history_is_not_news_but_the_same_message_from_a_customer_is() {
        assert_eq!(event_type(&message(Actor::System)), Some(("message.created", Some("cv_1"))));
        assert_eq!(event_type(&message(Actor::Import)), None);
    }
}
