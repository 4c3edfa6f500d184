//! Live events (F36): `GET /api/v1/events` delivers what each subscriber may see, in order,
//! and resumes after a disconnect with `Last-Event-ID` without gaps or duplicates.

use std::time::Duration;

use crate::common::Harness;
use crate::common::desk::{Desk, cid};
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use serde_json::{Value, json};

/// One received event.
#[derive(Debug, Clone)]
pub(crate) struct Got {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) data: Value,
}

/// A subscriber reading the stream of `GET /api/v1/events`.
pub(crate) struct Sse {
    body: BoxStream<'static, Result<Vec<u8>, std::io::Error>>,
    buf: String,
}

impl Sse {
    pub(crate) async fn open(h: &Harness, token: &str, last: Option<u64>) -> Sse {
        let mut req = h.client.get("/api/v1/events").header("Authorization", format!("Bearer {token}"));
        if let Some(l) = last {
            req = req.header("Last-Event-ID", l.to_string());
        }
        let resp = req.send().await;
        assert_eq!(resp.0.status().as_u16(), 200);
        let ct = resp.0.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        Sse { body: resp.0.into_body().into_bytes_stream().map(|r| r.map(|b| b.to_vec())).boxed(), buf: String::new() }
    }

    /// The next event, or `None` if none arrives within `wait`.
    async fn next_within(&mut self, wait: Duration) -> Option<Got> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let (mut id, mut name, mut data) = (None, String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                match id {
                    Some(id) => return Some(Got { id, name, data: serde_json::from_str(&data).expect("JSON data") }),
                    None => continue, // a keep-alive comment
                }
            }
            let chunk = tokio::time::timeout(wait, self.body.next()).await.ok()??.ok()?;
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Whether the server ends the stream within `wait` (events before the end are skipped).
    pub(crate) async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Ok(None | Some(Err(_))) => return true,
                Ok(Some(Ok(_))) => continue,
                Err(_) => return false,
            }
        }
    }

    /// Events up to and including the first that matches `stop` (panics after 5 s).
    pub(crate) async fn until(&mut self, stop: impl Fn(&Got) -> bool) -> Vec<Got> {
        let mut out = Vec::new();
        loop {
            let g = self
                .next_within(Duration::from_secs(5))
                .await
                .unwrap_or_else(|| panic!("stream went quiet after {out:#?}"));
            let done = stop(&g);
            out.push(g);
            if done {
                return out;
            }
        }
    }
}

pub(crate) fn about(g: &Got) -> Option<&str> {
    g.data["conversation"]["id"].as_str()
}

pub(crate) fn created(id: &str) -> impl Fn(&Got) -> bool + '_ {
    move |g| g.name == "conversation.created" && about(g) == Some(id)
}

#[tokio::test]
async fn subscribers_receive_only_what_they_may_see() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let mut ana = Sse::open(&h, &d.ana, None).await;
    let mut sup = Sse::open(&h, &d.sup, None).await;

    // Hidden from Ana: a conversation in an inbox she does not serve, and Marco's own
    // conversation with an internal note.
    let other = cid(&d.handoff(&h, &d.other, "Hidden", "secret").await);
    let body = json!({"inbox_id": d.web, "contact": {"name": "Private"}, "subject": "Marco's own"});
    let private = cid(&h.post("/api/v1/conversations", &d.marco, body).await.body);
    let note = h
        .post(
            &format!("/api/v1/conversations/{private}/messages"),
            &d.marco,
            json!({"kind": "note", "text": "internal only"}),
        )
        .await;
    assert_eq!(note.status, 201, "{}", note.text);
    // Visible to Ana: a queued conversation of her inbox.
    let mine = cid(&d.handoff(&h, &d.web, "Visible", "hello").await);

    let seen = ana.until(created(&mine)).await;
    assert!(seen.iter().all(|g| about(g) != Some(other.as_str()) && about(g) != Some(private.as_str())), "{seen:#?}");
    assert!(seen.iter().all(|g| g.data["message"]["kind"] != "note"), "no note reached Ana");
    let ids: Vec<u64> = seen.iter().map(|g| g.id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order: {ids:?}");
    assert_eq!(seen.last().map(|g| g.data["type"].as_str()), Some(Some("conversation.created")));

    // The supervisor sees all of it, the note included, with the message text.
    let all = sup.until(created(&mine)).await;
    assert!(all.iter().any(|g| about(g) == Some(other.as_str())));
    let note = all.iter().find(|g| g.data["message"]["kind"] == "note").expect("the note");
    assert_eq!((note.name.as_str(), note.data["message"]["text"].as_str()), ("message.created", Some("internal only")));
    assert_eq!(about(note), Some(private.as_str()));
    let metrics = h.call(poem::http::Method::GET, "/metrics", None, None).await;
    assert!(metrics.text.contains("switchboard_live_subscribers 2\n"), "{}", metrics.text);
}

#[tokio::test]
async fn offers_and_status_changes_reach_the_agent() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let a = h
        .call(
            poem::http::Method::PATCH,
            &format!("/api/v1/inboxes/{}", d.web),
            Some(&d.admin),
            Some(json!({"assignment": "round_robin"})),
        )
        .await;
    assert_eq!(a.status, 200);
    let mut ana = Sse::open(&h, &d.ana, None).await;
    let id = cid(&d.handoff(&h, &d.web, "Offer", "hi").await);
    let got = ana.until(|g| g.name == "offer.made").await;
    let offer = got.last().expect("offer");
    assert_eq!((offer.data["agent_id"].as_str(), about(offer)), (Some(d.ana_id.as_str()), Some(id.as_str())));
    assert_eq!(offer.data["conversation"]["offered_to"], d.ana_id.as_str());
    // She misses it: the offer is withdrawn as expired and she goes rona.
    h.clock.advance_secs(30);
    h.desk.settle().await.expect("settles");
    let got = ana.until(|g| g.name == "agent.status_changed").await;
    assert!(got.iter().any(|g| g.name == "offer.withdrawn" && g.data["action"] == "expired"), "{got:#?}");
    let status = got.last().expect("status");
    assert_eq!(
        (status.data["from_status"].as_str(), status.data["to_status"].as_str()),
        (Some("available"), Some("rona"))
    );
}

#[tokio::test]
async fn a_reconnect_with_last_event_id_receives_everything_missed_once() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let mut sup = Sse::open(&h, &d.sup, None).await;
    let first = cid(&d.handoff(&h, &d.web, "First", "one").await);
    let before = sup.until(created(&first)).await;
    let last = before.last().expect("event").id;
    drop(sup);

    // While disconnected: a new conversation, a reply and a close.
    let second = cid(&d.handoff(&h, &d.web, "Second", "two").await);
    assert_eq!(h.post(&format!("/api/v1/conversations/{first}/assign"), &d.ana, json!({})).await.status, 200);
    assert_eq!(
        h.post(&format!("/api/v1/conversations/{first}/messages"), &d.ana, json!({"text": "on it"})).await.status,
        201
    );
    assert_eq!(h.post(&format!("/api/v1/conversations/{first}/close"), &d.ana, json!({})).await.status, 200);

    let mut again = Sse::open(&h, &d.sup, Some(last)).await;
    let missed = again.until(|g| g.name == "conversation.updated" && g.data["action"] == "closed").await;
    let ids: Vec<u64> = missed.iter().map(|g| g.id).collect();
    assert!(ids.iter().all(|i| *i > last), "nothing before the resume point: {ids:?}");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "in order, no duplicates: {ids:?}");
    assert!(missed.iter().any(created(&second)));
    let kinds: Vec<&str> =
        missed.iter().filter(|g| about(g) == Some(first.as_str())).map(|g| g.name.as_str()).collect();
    assert!(kinds.contains(&"message.created"), "{kinds:?}");
    // And live events follow the replayed ones.
    let third = cid(&d.handoff(&h, &d.web, "Third", "three").await);
    let live = again.until(created(&third)).await;
    assert!(live.iter().all(|g| g.id > *ids.last().expect("ids")));
}

#[tokio::test]
async fn a_contact_edit_reaches_every_agent() {
    let h = Harness::new().await;
    let d = Desk::new(&h).await;
    let c = d.handoff(&h, &d.web, "Carla Card", "hello").await;
    let contact = c["contact"]["id"].as_str().expect("contact").to_string();
    let mut marco = Sse::open(&h, &d.marco, None).await;
    let a = h
        .call(
            poem::http::Method::PATCH,
            &format!("/api/v1/contacts/{contact}"),
            Some(&d.ana),
            Some(json!({"phone": "+39 333 000 1111"})),
        )
        .await;
    assert_eq!(a.status, 200, "{}", a.text);
    let got = marco.until(|g| g.name == "contact.updated").await;
    let last = got.last().expect("event");
    assert_eq!(last.data["contact_id"], contact.as_str());
    assert_eq!(last.data["type"], "contact.updated");
}
