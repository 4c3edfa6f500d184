//! `GET /api/widget/v1/events`: the customer's live events (server-sent events, read by the
//! widget with `fetch`): new messages they may see and changes of their own conversations,
//! resumable with `Last-Event-ID`, and agents' typing (passing, without an id).

use std::sync::Arc;

use poem::web::Data;
use poem::web::sse::Event as SseEvent;
use poem_openapi::param::Header;
use poem_openapi::payload::EventStream;
use poem_openapi::types::ToJSON;
use poem_openapi::{Enum, Object, OpenApi};
use tokio::sync::{broadcast, mpsc};

use super::super::error::ApiResult;
use super::super::events::KEEP_ALIVE;
use super::dto::{WidgetConversation, WidgetMessage};
use super::{CustomerToken, WidgetTags};
use crate::desk::Desk;
use crate::desk::widget::{Customer, CustomerLive};
use crate::realtime::{Delivery, Typing, Typist};

/// The kind of a customer event (also the SSE `event:` name).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum WidgetEventKind {
    /// A message the customer may see: theirs (from another tab) or an agent's reply.
    #[oai(rename = "message.created")]
    MessageCreated,
    /// Their conversation changed: taken by an agent, closed, reopened, rated.
    #[oai(rename = "conversation.updated")]
    ConversationUpdated,
    /// An agent is typing (`active`) or stopped. Passing: no `id:`, not resumable.
    #[oai(rename = "typing")]
    Typing,
}

/// One customer event.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct WidgetEvent {
    /// Position in the event log (also the SSE `id`); absent for typing.
    pub seq: Option<u64>,
    /// What happened.
    #[oai(rename = "type")]
    pub kind: WidgetEventKind,
    /// The conversation.
    pub conversation_id: String,
    /// The message (`message.created`).
    pub message: Option<WidgetMessage>,
    /// The conversation as it is now (`conversation.updated`).
    pub conversation: Option<WidgetConversation>,
    /// Typing or stopped (`typing`).
    pub active: Option<bool>,
    /// The typing agent's first name (`typing`).
    pub agent_name: Option<String>,
}

fn of_live(seq: u64, live: CustomerLive) -> WidgetEvent {
    match live {
        CustomerLive::Message(e) => WidgetEvent {
            seq: Some(seq),
            kind: WidgetEventKind::MessageCreated,
            conversation_id: e.message.conversation_id.clone(),
            message: Some(WidgetMessage::from(&*e)),
            conversation: None,
            active: None,
            agent_name: None,
        },
        CustomerLive::Conversation(c) => WidgetEvent {
            seq: Some(seq),
            kind: WidgetEventKind::ConversationUpdated,
            conversation_id: c.conversation.id.clone(),
            message: None,
            conversation: Some(WidgetConversation::from(&*c)),
            active: None,
            agent_name: None,
        },
    }
}

fn of_typing(t: &Typing) -> WidgetEvent {
    WidgetEvent {
        seq: None,
        kind: WidgetEventKind::Typing,
        conversation_id: t.conversation.id.clone(),
        message: None,
        conversation: None,
        active: Some(t.active),
        agent_name: match &t.typist {
            Typist::Agent { first_name, .. } => Some(first_name.clone()).filter(|n| !n.is_empty()),
            Typist::Customer => None,
        },
    }
}

/// Sends what `who` may see of the log in `(cursor, upto]`; returns the new cursor.
async fn catch_up(
    desk: &Desk,
    who: &Customer,
    tx: &mpsc::Sender<WidgetEvent>,
    mut cursor: u64,
    upto: u64,
) -> Option<u64> {
    while cursor < upto {
        let (batch, reached) = desk.hub().backlog(cursor, upto).ok()?;
        for d in &batch {
            if let Some(live) = desk.customer_live(who, d) {
                tx.send(of_live(d.event.seq, live)).await.ok()?;
            }
        }
        cursor = reached;
    }
    Some(cursor)
}

struct Start {
    live: broadcast::Receiver<Arc<Delivery>>,
    typing: broadcast::Receiver<Arc<Typing>>,
    now: u64,
    after: Option<u64>,
}

/// Feeds one customer until they disconnect, the server shuts down or the session ends.
async fn pump(desk: Desk, who: Customer, start: Start, tx: mpsc::Sender<WidgetEvent>) {
    let Start { mut live, mut typing, now, after } = start;
    let Some(mut cursor) = catch_up(&desk, &who, &tx, after.unwrap_or(now).min(now), now).await else { return };
    let mut closing = desk.closing();
    let mut check = tokio::time::interval(std::time::Duration::from_secs(60));
    loop {
        tokio::select! {
            _ = tx.closed() => return,
            _ = async { closing.wait_for(|c| *c).await.map(|_| ()) } => return,
            _ = check.tick() => {
                // A session ended elsewhere (or its contact's sessions revoked) stops the stream.
                if desk.customer_state(&who).is_err() || !desk.customer_session_stands(&who) { return }
            }
            got = typing.recv() => match got {
                Ok(t) => if desk.customer_sees_typing(&who, &t) && tx.send(of_typing(&t)).await.is_err() { return },
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            got = live.recv() => match got {
                Ok(d) => {
                    if d.event.seq <= cursor { continue }
                    cursor = d.event.seq;
                    if let Some(l) = desk.customer_live(&who, &d) && tx.send(of_live(d.event.seq, l)).await.is_err() { return }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let upto = desk.hub().last_seq();
                    match catch_up(&desk, &who, &tx, cursor, upto).await { Some(c) => cursor = c, None => return }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

/// The customer's live events.
#[derive(Default)]
pub struct WidgetEventsApi;

#[OpenApi(tag = "WidgetTags::CustomerChat")]
impl WidgetEventsApi {
    /// Live events for the customer (server-sent events)
    ///
    /// A `text/event-stream` of the customer's own chat: `message.created` (their messages
    /// from other tabs and agents' replies; never notes or events), `conversation.updated`
    /// (taken, closed, reopened, rated) and `typing` (an agent typing; no `id:`). Reconnect
    /// with `Last-Event-ID` to receive what was missed. A comment line every 15 s keeps idle
    /// streams open.
    #[oai(path = "/events", method = "get", operation_id = "streamWidgetEvents")]
    async fn events(
        &self,
        auth: CustomerToken,
        desk: Data<&Desk>,
        /// The last `id` received; the stream resumes after it.
        #[oai(name = "Last-Event-ID")]
        last_event_id: Header<Option<u64>>,
    ) -> ApiResult<EventStream<futures_util::stream::BoxStream<'static, WidgetEvent>>> {
        let (tx, mut rx) = mpsc::channel::<WidgetEvent>(64);
        let hub = desk.hub();
        let start = Start {
            live: hub.subscribe(),
            typing: hub.subscribe_typing(),
            now: hub.last_seq(),
            after: last_event_id.0,
        };
        tokio::spawn(pump(desk.0.clone(), auth.0, start, tx));
        let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        Ok(EventStream::new(Box::pin(stream) as futures_util::stream::BoxStream<'static, WidgetEvent>)
            .keep_alive(KEEP_ALIVE)
            .to_event(|e| {
                let name = e.kind.to_json().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                let ev = SseEvent::message(e.to_json_string()).event_type(name);
                match e.seq {
                    Some(seq) => ev.id(seq.to_string()),
                    None => ev,
                }
            }))
    }
}
