//! Webhook subscriptions (F35) for admins, and the writes of the delivery worker
//! (`crate::webhooks`): new deliveries with the dispatcher's position, and attempts' outcomes.
//! The worker never writes on the desk's behalf in any other way.

use super::password::new_secret;
use super::{Desk, DeskError, Principal};
use crate::domain::webhook::{Attempt, Delivery, Webhook, check_webhook};
use crate::domain::{Actor, Role, Timestamp};
use crate::store::{Changes, WebhookChanges, WebhookReads, delivery_keys};

/// A new or changed subscription; `None` keeps the value.
#[derive(Clone, Debug, Default)]
pub struct WebhookInput {
    /// Where to POST.
    pub url: Option<String>,
    /// What it is for.
    pub description: Option<String>,
    /// Event types.
    pub events: Option<Vec<String>>,
    /// Inbox filter (empty: all).
    pub inbox_ids: Option<Vec<String>>,
    /// On or off (turning it on clears a disabled reason and the failure streak).
    pub active: Option<bool>,
}

fn not_found(id: &str) -> DeskError {
    DeskError::NotFound(format!("no webhook with id {id}"))
}

impl Desk {
    /// Every subscription with how many deliveries wait (admins).
    pub fn list_webhooks(&self, who: &Principal) -> Result<Vec<(Webhook, usize)>, DeskError> {
        who.require(Role::Admin, "manage webhooks")?;
        let snap = self.store.snapshot()?;
        let mut out = Vec::new();
        for w in snap.webhooks()? {
            let n = snap.queued_count(&w.id, 100_000)?;
            out.push((w, n));
        }
        Ok(out)
    }

    /// One subscription with how many deliveries wait (admins).
    pub fn get_webhook(&self, who: &Principal, id: &str) -> Result<(Webhook, usize), DeskError> {
        who.require(Role::Admin, "manage webhooks")?;
        let snap = self.store.snapshot()?;
        let w = snap.webhook(id)?.ok_or_else(|| not_found(id))?;
        let n = snap.queued_count(id, 100_000)?;
        Ok((w, n))
    }

    /// Creates (`id` None, returning the new secret once) or changes a subscription (admins).
    /// A new one receives events from now on.
    pub async fn save_webhook(
        &self,
        who: &Principal,
        id: Option<&str>,
        input: WebhookInput,
    ) -> Result<(Webhook, Option<String>), DeskError> {
        who.require(Role::Admin, "manage webhooks")?;
        let (now, actor, new_id) = (self.now(), who.actor(), self.new_id("wh"));
        let secret = id.is_none().then(|| new_secret("whsec_"));
        let (id, fresh, last_seq) = (id.map(str::to_string), secret.clone(), self.hub().last_seq());
        let (hook, _) = self
            .store
            .write(move |s| {
                let old = match &id {
                    Some(id) => Some(s.webhook(id)?.ok_or_else(|| not_found(id))?),
                    None => None,
                };
                let mut w = old.clone().unwrap_or(Webhook {
                    id: new_id,
                    url: String::new(),
                    description: String::new(),
                    secret: fresh.unwrap_or_default(),
                    events: Vec::new(),
                    inbox_ids: Vec::new(),
                    active: true,
                    disabled_reason: None,
                    failure_streak: 0,
                    failing_since: None,
                    from_seq: last_seq,
                    created_at: now,
                    updated_at: now,
                });
                if let Some(u) = input.url {
                    w.url = u.trim().to_string();
                }
                if let Some(d) = input.description {
                    w.description = d.trim().to_string();
                }
                if let Some(e) = input.events {
                    let mut e: Vec<String> = e.into_iter().map(|x| x.trim().to_string()).collect();
                    e.sort();
                    e.dedup();
                    w.events = e;
                }
                if let Some(i) = input.inbox_ids {
                    for inbox in &i {
                        if crate::store::WorkspaceReads::inbox(s, inbox)?.is_none() {
                            return Err(DeskError::field("inbox_ids", format!("no inbox with id {inbox}")));
                        }
                    }
                    w.inbox_ids = i;
                }
                if let Some(a) = input.active {
                    if a && !w.active {
                        w.disabled_reason = None;
                        w.failure_streak = 0;
                        w.failing_since = None;
                    }
                    if !a && w.active {
                        w.disabled_reason = Some("turned off by an admin".into());
                    }
                    w.active = a;
                }
                let errors = check_webhook(&w.url, &w.events);
                if !errors.is_empty() {
                    return Err(DeskError::Invalid(errors));
                }
                w.updated_at = now;
                let mut c = Changes::new(now, actor);
                c.put_webhook(&w)?;
                Ok::<_, DeskError>((c, w))
            })
            .await?;
        self.webhook_wake.notify_one();
        Ok((hook, secret))
    }

    /// Turns a disabled subscription back on (admins): its waiting deliveries go out again.
    pub async fn resume_webhook(&self, who: &Principal, id: &str) -> Result<Webhook, DeskError> {
        let input = WebhookInput { active: Some(true), ..WebhookInput::default() };
        Ok(self.save_webhook(who, Some(id), input).await?.0)
    }

    /// Makes a new signing secret (admins); returned once.
    pub async fn rotate_webhook_secret(&self, who: &Principal, id: &str) -> Result<String, DeskError> {
        who.require(Role::Admin, "manage webhooks")?;
        let (id, now, actor, secret) = (id.to_string(), self.now(), who.actor(), new_secret("whsec_"));
        let stored = secret.clone();
        self.store
            .write(move |s| {
                let mut w = s.webhook(&id)?.ok_or_else(|| not_found(&id))?;
                w.secret = stored;
                w.updated_at = now;
                let mut c = Changes::new(now, actor);
                c.put_webhook(&w)?;
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(secret)
    }

    /// Deletes a subscription, its delivery log and whatever still waits (admins).
    pub async fn delete_webhook(&self, who: &Principal, id: &str) -> Result<(), DeskError> {
        who.require(Role::Admin, "manage webhooks")?;
        let (id, now, actor) = (id.to_string(), self.now(), who.actor());
        self.store
            .write(move |s| {
                s.webhook(&id)?.ok_or_else(|| not_found(&id))?;
                let keys = delivery_keys(s, &id)?;
                let mut c = Changes::new(now, actor);
                c.delete_webhook(&id, &keys);
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }

    /// A subscription's delivery log, newest first, before the delivery id `before` (admins).
    pub fn webhook_deliveries(
        &self,
        who: &Principal,
        id: &str,
        before: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Delivery>, DeskError> {
        who.require(Role::Admin, "manage webhooks")?;
        let snap = self.store.snapshot()?;
        snap.webhook(id)?.ok_or_else(|| not_found(id))?;
        // One more than a page, so the caller knows whether there is a next one.
        Ok(snap.delivery_log(id, before, limit.clamp(1, 201))?)
    }

    /// Stores new deliveries and the dispatcher's position in one transaction (the worker).
    pub async fn enqueue_deliveries(&self, deliveries: Vec<Delivery>, position: u64) -> Result<(), DeskError> {
        let now = self.now();
        self.store
            .write(move |_| {
                let mut c = Changes::new(now, Actor::System);
                for d in &deliveries {
                    c.put_delivery(d)?;
                }
                c.set_webhook_position(position)?;
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }

    /// Records attempts' outcomes (the worker): each delivery moves on, and each subscription's
    /// failure streak too; a long streak disables it with the reason.
    pub async fn record_attempts(&self, attempts: Vec<(Delivery, Attempt)>, now: Timestamp) -> Result<(), DeskError> {
        self.store
            .write(move |s| {
                let mut c = Changes::new(now, Actor::System);
                let mut hooks: Vec<Webhook> = Vec::new();
                for (mut d, a) in attempts {
                    // A subscription deleted meanwhile takes its deliveries with it.
                    let Some(current) = s.webhook(&d.webhook_id)? else { continue };
                    let ok = d.record(&a, now);
                    c.put_delivery(&d)?;
                    let i = match hooks.iter().position(|h| h.id == d.webhook_id) {
                        Some(i) => i,
                        None => {
                            hooks.push(current);
                            hooks.len() - 1
                        }
                    };
                    if let Some(reason) = hooks[i].record(ok, now) {
                        tracing::warn!(webhook = %hooks[i].id, %reason, "webhook disabled");
                    }
                }
                for h in &hooks {
                    c.put_webhook(h)?;
                }
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(())
    }

    /// Deliveries waiting across subscriptions (counted up to 1,000,000), and how many events
    /// the dispatcher has yet to read (0 without subscriptions), for `/metrics`.
    pub fn webhook_backlog(&self) -> Result<(u64, u64), DeskError> {
        use crate::store::Reader;
        let snap = self.store.snapshot()?;
        let hooks = snap.webhooks()?;
        let mut pending = 0u64;
        for h in &hooks {
            pending += snap.queued_count(&h.id, 1_000_000)? as u64;
        }
        let read = self.webhook_read.load(std::sync::atomic::Ordering::Relaxed);
        let lag = match (hooks.is_empty(), read) {
            (true, _) => 0,
            (false, u64::MAX) => snap.last_seq()?.saturating_sub(snap.webhook_position()?.unwrap_or(0)),
            (false, r) => snap.last_seq()?.saturating_sub(r),
        };
        Ok((pending, lag))
    }

    /// Notes how far the webhook worker has read the event log (for `/metrics`).
    pub fn note_webhook_read(&self, seq: u64) {
        self.webhook_read.store(seq, std::sync::atomic::Ordering::Relaxed);
    }

    /// Wakes the delivery worker (a subscription changed).
    pub fn webhook_waker(&self) -> std::sync::Arc<tokio::sync::Notify> {
        self.webhook_wake.clone()
    }
}
