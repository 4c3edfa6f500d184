//! Webhook subscriptions, their deliveries (the delivery log) and the outbox queue of
//! deliveries still to make, plus the dispatcher's position in the event log. Delivery keys
//! are `{webhook id}/{seq as 16 hex digits}`, so a subscription's deliveries sort in event
//! order.

use super::StoreError;
use super::changes::Changes;
use super::reader::{Reader, decode};
use super::tables::{META_WEBHOOK_SEQ, Tbl};
use crate::domain::webhook::{Delivery, Webhook};

fn delivery_key(webhook_id: &str, seq: u64) -> String {
    format!("{webhook_id}/{seq:016x}")
}

/// Reads of webhooks, for any [`Reader`].
pub trait WebhookReads: Reader + Sized {
    /// One subscription.
    fn webhook(&self, id: &str) -> Result<Option<Webhook>, StoreError> {
        self.get_json(Tbl::Webhooks, id)
    }
    /// Every subscription.
    fn webhooks(&self) -> Result<Vec<Webhook>, StoreError> {
        let rows = self.scan_raw(Tbl::Webhooks, "", None, usize::MAX)?;
        rows.into_iter().map(|(_, v)| decode(&v)).collect()
    }
    /// The last event turned into deliveries.
    fn webhook_position(&self) -> Result<Option<u64>, StoreError> {
        self.get_json(Tbl::Meta, META_WEBHOOK_SEQ)
    }
    /// The deliveries of a subscription that may go now: among the first `scan` waiting
    /// ones, oldest first, each conversation's oldest if it is due at `now_ms` (a later one
    /// never overtakes it), at most `max`. Reads only the queue's small rows, then the chosen
    /// deliveries.
    fn due_deliveries(
        &self,
        webhook_id: &str,
        scan: usize,
        now_ms: i64,
        max: usize,
    ) -> Result<Vec<Delivery>, StoreError> {
        let rows = self.scan_raw(Tbl::WebhookQueue, &format!("{webhook_id}/"), None, scan)?;
        let mut lines = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (k, v) in rows {
            let v = String::from_utf8_lossy(&v);
            let (due, line) = v.split_once('|').unwrap_or(("0", k.as_str()));
            if !lines.insert(line.to_string()) || due.parse::<i64>().unwrap_or(0) > now_ms {
                continue;
            }
            if let Some(d) = self.get_json(Tbl::WebhookDeliveries, &k)? {
                out.push(d);
            }
            if out.len() >= max {
                break;
            }
        }
        Ok(out)
    }
    /// How many deliveries of a subscription wait (counted up to `cap`).
    fn queued_count(&self, webhook_id: &str, cap: usize) -> Result<usize, StoreError> {
        Ok(self.scan_raw(Tbl::WebhookQueue, &format!("{webhook_id}/"), None, cap)?.len())
    }
    /// The newest `limit` deliveries of a subscription before the delivery id `before`,
    /// newest first.
    fn delivery_log(&self, webhook_id: &str, before: Option<&str>, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let prefix = format!("{webhook_id}/");
        let mut end = match before {
            Some(b) => format!("{prefix}{b}"),
            None => format!("{webhook_id}0"),
        };
        let mut out = Vec::new();
        while out.len() < limit {
            let Some((k, v)) = self.last_before_raw(Tbl::WebhookDeliveries, &prefix, &end)? else { break };
            out.push(decode(&v)?);
            end = k;
        }
        Ok(out)
    }
}

impl<R: Reader> WebhookReads for R {}

/// Writes of webhooks.
pub trait WebhookChanges {
    /// Stores a subscription.
    fn put_webhook(&mut self, w: &Webhook) -> Result<(), StoreError>;
    /// Deletes a subscription with its deliveries and queue (`keys`: its delivery keys).
    fn delete_webhook(&mut self, id: &str, keys: &[String]);
    /// Stores a delivery; queued while pending, out of the queue once finished.
    fn put_delivery(&mut self, d: &Delivery) -> Result<(), StoreError>;
    /// Moves the dispatcher's position.
    fn set_webhook_position(&mut self, seq: u64) -> Result<(), StoreError>;
}

impl WebhookChanges for Changes {
    fn put_webhook(&mut self, w: &Webhook) -> Result<(), StoreError> {
        self.put_json(Tbl::Webhooks, &w.id, w)
    }
    fn delete_webhook(&mut self, id: &str, keys: &[String]) {
        self.delete(Tbl::Webhooks, id);
        for k in keys {
            self.delete(Tbl::WebhookDeliveries, k);
            self.delete(Tbl::WebhookQueue, k);
        }
    }
    fn put_delivery(&mut self, d: &Delivery) -> Result<(), StoreError> {
        let key = delivery_key(&d.webhook_id, d.seq);
        self.put_json(Tbl::WebhookDeliveries, &key, d)?;
        if d.status == crate::domain::webhook::DeliveryStatus::Pending {
            // When it is due, and the line it keeps its place in (its conversation).
            let line = d.conversation_id.clone().unwrap_or_else(|| format!("{}:{}", d.event, d.seq));
            self.put_str(Tbl::WebhookQueue, &key, &format!("{}|{line}", d.next_attempt_at.millis()));
        } else {
            self.delete(Tbl::WebhookQueue, &key);
        }
        Ok(())
    }
    fn set_webhook_position(&mut self, seq: u64) -> Result<(), StoreError> {
        self.put_json(Tbl::Meta, META_WEBHOOK_SEQ, &seq)
    }
}

/// The keys of every delivery of a subscription (for deleting it).
pub fn delivery_keys(r: &impl Reader, webhook_id: &str) -> Result<Vec<String>, StoreError> {
    Ok(r.scan_raw(Tbl::WebhookDeliveries, &format!("{webhook_id}/"), None, usize::MAX)?
        .into_iter()
        .map(|(k, _)| k)
        .collect())
}
