//! `GET /api/v1/events`: live updates as server-sent events (F36), resumable with
//! `Last-Event-ID`, filtered to what the caller may see.

use std::sync::Arc;
use std::time::Duration;

use poem::web::Data;
use poem::web::sse::Event as SseEvent;
use poem_openapi::param::Header;
use poem_openapi::payload::EventStream;
use poem_openapi::types::ToJSON;
use poem_openapi::{Enum, Object, OpenApi};
use time::OffsetDateTime;
use tokio::sync::{broadcast, mpsc};

use super::common::to_time;
use super::conversation_dto::ConversationStatusDto;
use super::error::ApiResult;
use super::messages::MessageKindDto;
use super::users::StatusDto;
use super::{ApiTags, BearerAuth};
use crate::desk::{Desk, Principal, StreamSlot};
use crate::domain::EventKind;
use crate::domain::conversation::Author;
use crate::realtime::{Delivery, Typing, Typist};

/// How often a comment line keeps idle streams open through proxies.
pub const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often an open stream counts as a presence heartbeat.
pub const STREAM_HEARTBEAT: Duration = Duration::from_secs(30);

/// The kind of a live event (also the SSE `event:` name).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum LiveKind {
    /// `conversation.created`
    #[oai(rename = "conversation.created")]
    ConversationCreated,
    /// `conversation.updated`: status, assignee, labels … changed (see `action`).
    #[oai(rename = "conversation.updated")]
    ConversationUpdated,
    /// `message.created`
    #[oai(rename = "message.created")]
    MessageCreated,
    /// `message.updated` (reactions)
    #[oai(rename = "message.updated")]
    MessageUpdated,
    /// `offer.made`: a conversation was offered (or transferred) to `agent_id`.
    #[oai(rename = "offer.made")]
    OfferMade,
    /// `offer.withdrawn`: the offer ended (see `outcome`).
    #[oai(rename = "offer.withdrawn")]
    OfferWithdrawn,
    /// `agent.status_changed`
    #[oai(rename = "agent.status_changed")]
    AgentStatusChanged,
    /// `contact.updated`: a contact's name, email, phone, attributes or CRM link changed (see
    /// `contact_id`).
    #[oai(rename = "contact.updated")]
    ContactUpdated,
    /// `typing`: the customer (`from: customer`) or another agent is typing (`active`) or
    /// stopped, in `conversation_id`. Passing: no `id:`, `seq` is 0, never replayed. Clear a
    /// hint after 6 s without a new one.
    #[oai(rename = "typing")]
    Typing,
}

/// Who is typing.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[oai(rename_all = "snake_case")]
pub enum TypistDto {
    /// The conversation's customer.
    Customer,
    /// An agent (see `agent_id`).
    Agent,
}

/// The conversation an event is about, as it is now.
#[derive(Object, Clone, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct LiveConversation {
    /// Id.
    pub id: String,
    /// Human number.
    pub number: u64,
    /// Inbox.
    pub inbox_id: String,
    /// Status.
    pub status: ConversationStatusDto,
    /// Assignee.
    pub assignee_id: Option<String>,
    /// Team queue.
    pub team_id: Option<String>,
    /// Agent holding the offer.
    pub offered_to: Option<String>,
    /// Offer deadline.
    pub offer_deadline: Option<OffsetDateTime>,
    /// Subject.
    pub subject: String,
    /// Last change.
    pub updated_at: OffsetDateTime,
}

/// A message an event is about.
#[derive(Object, Clone, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct LiveMessage {
    /// Id.
    pub id: String,
    /// Kind.
    pub kind: MessageKindDto,
    /// The user or contact who wrote it.
    pub author_id: Option<String>,
    /// Text.
    pub text: String,
    /// Created.
    pub created_at: OffsetDateTime,
}

/// One live event. `seq` is also the SSE `id`; send it back as `Last-Event-ID` to resume.
#[derive(Object, Clone, Debug)]
#[oai(skip_serializing_if_is_none)]
pub struct LiveEvent {
    /// Position in the event log.
    pub seq: u64,
    /// When it happened.
    pub at: OffsetDateTime,
    /// What happened.
    #[oai(rename = "type")]
    pub kind: LiveKind,
    /// For `conversation.updated`: `assigned`, `offered`, `accepted`, `transferred`, `closed`,
    /// `auto_closed`, `rona` …; for `offer.withdrawn`: `accepted`, `declined`, `expired`,
    /// `withdrawn`.
    pub action: Option<String>,
    /// The conversation, as it is now.
    pub conversation: Option<LiveConversation>,
    /// The message.
    pub message: Option<LiveMessage>,
    /// The agent (offers, status changes).
    pub agent_id: Option<String>,
    /// Status before (status changes).
    pub from_status: Option<StatusDto>,
    /// Status after (status changes).
    pub to_status: Option<StatusDto>,
    /// The contact (contact changes).
    pub contact_id: Option<String>,
    /// The conversation (`typing`).
    pub conversation_id: Option<String>,
    /// Typing or stopped (`typing`).
    pub active: Option<bool>,
    /// Who is typing (`typing`).
    pub from: Option<TypistDto>,
}

impl LiveEvent {
    fn of(d: &Delivery) -> Option<LiveEvent> {
        let (kind, action, agent_id, from, to) = match &d.event.kind {
            EventKind::ConversationCreated { .. } => (LiveKind::ConversationCreated, None, None, None, None),
            EventKind::ConversationChanged { action, .. } => {
                (LiveKind::ConversationUpdated, Some(action.clone()), None, None, None)
            }
            EventKind::MessageCreated { .. } => (LiveKind::MessageCreated, None, None, None, None),
            EventKind::MessageChanged { .. } => (LiveKind::MessageUpdated, None, None, None, None),
            EventKind::OfferMade { agent_id, transfer, .. } => (
                LiveKind::OfferMade,
                Some(if *transfer { "transfer" } else { "route" }.into()),
                Some(agent_id.clone()),
                None,
                None,
            ),
            EventKind::OfferEnded { agent_id, outcome, .. } => {
                let outcome = serde_json::to_value(outcome).ok().and_then(|v| v.as_str().map(str::to_string));
                (LiveKind::OfferWithdrawn, outcome, Some(agent_id.clone()), None, None)
            }
            EventKind::AgentStatusChanged { user_id, from, to } => {
                (LiveKind::AgentStatusChanged, None, Some(user_id.clone()), Some((*from).into()), Some((*to).into()))
            }
            EventKind::ContactUpdated { .. } => (LiveKind::ContactUpdated, None, None, None, None),
            _ => return None,
        };
        let contact_id = match &d.event.kind {
            EventKind::ContactUpdated { contact_id, .. } => Some(contact_id.clone()),
            _ => None,
        };
        let conversation = d.conversation.as_ref().map(|c| LiveConversation {
            id: c.id.clone(),
            number: c.number,
            inbox_id: c.inbox_id.clone(),
            status: c.status.into(),
            assignee_id: c.assignee.clone(),
            team_id: c.team_id.clone(),
            offered_to: c.offer.as_ref().map(|o| o.agent_id.clone()),
            offer_deadline: c.offer.as_ref().map(|o| to_time(o.deadline)),
            subject: c.subject.clone(),
            updated_at: to_time(c.updated_at),
        });
        let message = d.message.as_ref().map(|m| LiveMessage {
            id: m.id.clone(),
            kind: m.kind.into(),
            author_id: match &m.author {
                Author::User { id } | Author::Contact { id } => Some(id.clone()),
                Author::Bot { .. } | Author::System => None,
            },
            text: m.text.clone(),
            created_at: to_time(m.created_at),
        });
        Some(LiveEvent {
            seq: d.event.seq,
            at: to_time(d.event.at),
            kind,
            action,
            conversation,
            message,
            agent_id,
            from_status: from,
            to_status: to,
            contact_id,
            conversation_id: None,
            active: None,
            from: None,
        })
    }

    fn typing(t: &Typing) -> LiveEvent {
        let (from, agent_id) = match &t.typist {
            Typist::Customer => (TypistDto::Customer, None),
            Typist::Agent { id, .. } => (TypistDto::Agent, Some(id.clone())),
        };
        LiveEvent {
            seq: 0,
            at: OffsetDateTime::now_utc(),
            kind: LiveKind::Typing,
            action: None,
            conversation: None,
            message: None,
            agent_id,
            from_status: None,
            to_status: None,
            contact_id: None,
            conversation_id: Some(t.conversation.id.clone()),
            active: Some(t.active),
            from: Some(from),
        }
    }
}

/// Whether a typing signal goes to `viewer`: they may see the conversation and are not the
/// one typing.
fn sees_typing(t: &Typing, viewer: &crate::domain::lifecycle::Viewer) -> bool {
    let own = matches!(&t.typist, Typist::Agent { id, .. } if *id == viewer.id);
    !own && crate::domain::lifecycle::can_see(viewer, &t.conversation)
}

/// Sends the deliveries in `(cursor, upto]` that `who` may see; returns the new cursor.
async fn catch_up(
    desk: &Desk,
    who: &Principal,
    tx: &mpsc::Sender<LiveEvent>,
    mut cursor: u64,
    upto: u64,
) -> Option<u64> {
    let viewer = desk.live_viewer(who).ok()?;
    while cursor < upto {
        let (batch, reached) = desk.hub().backlog(cursor, upto).ok()?;
        for d in batch.iter().filter(|d| d.visible_to(&viewer)) {
            tx.send(LiveEvent::of(d)?).await.ok()?;
        }
        cursor = reached;
    }
    Some(cursor)
}

/// Where a subscriber starts: subscribed to the broadcast *before* the answer is sent, so no
/// event committed after `now` can be missed; everything up to `now` comes from the log.
struct Start {
    live: broadcast::Receiver<Arc<Delivery>>,
    typing: broadcast::Receiver<Arc<Typing>>,
    now: u64,
    after: Option<u64>,
    /// The stream's place among its credential's open streams, freed when the pump ends.
    slot: StreamSlot,
}

/// Feeds one subscriber until it disconnects, the server shuts down, or its credential stops
/// standing (signed out, revoked, expired, password changed, user deactivated).
async fn pump(desk: Desk, who: Principal, start: Start, tx: mpsc::Sender<LiveEvent>) {
    // The slot is held (not read) until the pump ends.
    let Start { mut live, mut typing, now, after, slot: _slot } = start;
    // A revocation committed between the authentication and the subscription.
    if !desk.still_valid(&who) {
        return;
    }
    let Some(mut cursor) = catch_up(&desk, &who, &tx, after.unwrap_or(now).min(now), now).await else { return };
    let Ok(mut viewer) = desk.live_viewer(&who) else { return };
    let mut beat = tokio::time::interval(STREAM_HEARTBEAT);
    let mut closing = desk.closing();
    let expiry = desk.time_left(&who);
    let expired = async {
        match expiry {
            Some(left) => tokio::time::sleep(left).await,
            None => std::future::pending().await,
        }
    };
    tokio::pin!(expired);
    loop {
        tokio::select! {
            _ = tx.closed() => return,
            _ = async { closing.wait_for(|c| *c).await.map(|_| ()) } => return,
            () = &mut expired => return,
            _ = beat.tick() => {
                // An open stream is a sign of life (F20); refresh what the viewer may see.
                if desk.stream_heartbeat(&who).await.is_err() { return }
                match desk.live_viewer(&who) { Ok(v) => viewer = v, Err(_) => return }
            }
            got = typing.recv() => match got {
                Ok(t) => if sees_typing(&t, &viewer) && tx.send(LiveEvent::typing(&t)).await.is_err() { return },
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return,
            },
            got = live.recv() => match got {
                Ok(d) => {
                    if d.event.seq <= cursor { continue }
                    cursor = d.event.seq;
                    if about_credentials(&d, &who) && !desk.still_valid(&who) { return }
                    if refreshes_viewer(&d, &who) && let Ok(v) = desk.live_viewer(&who) { viewer = v }
                    if d.visible_to(&viewer) && let Some(e) = LiveEvent::of(&d) && tx.send(e).await.is_err() { return }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let upto = desk.hub().last_seq();
                    match catch_up(&desk, &who, &tx, cursor, upto).await { Some(c) => cursor = c, None => return }
                    // A revocation inside the range caught up on is behind the cursor now,
                    // so the credential is checked once the catch-up is done.
                    if !desk.still_valid(&who) { return }
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }
}

/// Whether a delivery may end the subscriber's credential: a sign-out, a revoked token, a
/// password change or a change to their user (deactivation, a reset by an admin).
fn about_credentials(d: &Arc<Delivery>, who: &Principal) -> bool {
    match &d.event.kind {
        EventKind::SignedOut { user_id, .. }
        | EventKind::TokenRevoked { user_id, .. }
        | EventKind::PasswordChanged { user_id }
        | EventKind::UserDeactivated { user_id, .. }
        | EventKind::UserUpdated { user_id, .. } => *user_id == who.user.id,
        _ => false,
    }
}

/// Whether a delivery may change what the subscriber sees: their own status, role or
/// permissions, or a team or inbox (who serves what), so an open stream follows the same rule
/// as a fresh list.
fn refreshes_viewer(d: &Arc<Delivery>, who: &Principal) -> bool {
    match &d.event.kind {
        EventKind::AgentStatusChanged { user_id, .. } | EventKind::UserUpdated { user_id, .. } => {
            *user_id == who.user.id
        }
        EventKind::ConfigChanged { entity, .. } => entity == "team" || entity == "inbox",
        _ => false,
    }
}

/// Live events.
#[derive(Default)]
pub struct EventsApi;

#[OpenApi(tag = "ApiTags::Events")]
impl EventsApi {
    /// Live events (server-sent events)
    ///
    /// A `text/event-stream` of what happens on the desk, as the caller may see it:
    /// conversations created and updated (status changes, assignments, offers, transfers,
    /// closes), messages created and updated, offers made and withdrawn, agent status changes
    /// (one's own; supervisors get everyone's), and contacts changed (`contact.updated`). Agents never receive conversations hidden from
    /// them. Each event's `id:` is its sequence number: reconnect with `Last-Event-ID` to
    /// receive everything missed, in order, without duplicates. A comment line every 15 s keeps
    /// idle streams open through proxies, and an open stream counts as a presence heartbeat.
    /// A token may hold at most 10 streams open (`429` beyond). A stream ends when its token
    /// is signed out, revoked or expires, when the password changes or the user is
    /// deactivated.
    #[oai(path = "/events", method = "get", operation_id = "streamEvents")]
    async fn events(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// The last `id` received; the stream resumes after it.
        #[oai(name = "Last-Event-ID")]
        last_event_id: Header<Option<u64>>,
    ) -> ApiResult<EventStream<futures_util::stream::BoxStream<'static, LiveEvent>>> {
        let who = auth.0;
        who.ready()?;
        let (tx, mut rx) = mpsc::channel::<LiveEvent>(256);
        let slot = desk.open_stream(&who)?;
        let hub = desk.hub();
        let start = Start {
            live: hub.subscribe(),
            typing: hub.subscribe_typing(),
            now: hub.last_seq(),
            after: last_event_id.0,
            slot,
        };
        tokio::spawn(pump(desk.0.clone(), who, start, tx));
        let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        Ok(EventStream::new(Box::pin(stream) as futures_util::stream::BoxStream<'static, LiveEvent>)
            .keep_alive(KEEP_ALIVE)
            .to_event(|e| {
                let name = e.kind.to_json().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
                let ev = SseEvent::message(e.to_json_string()).event_type(name);
                if e.kind == LiveKind::Typing { ev } else { ev.id(e.seq.to_string()) }
            }))
    }
}
