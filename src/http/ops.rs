//! Operations endpoints outside the API: liveness, readiness and Prometheus metrics.

use std::sync::Arc;

use poem::web::Data;
use poem::{Response, handler};

use super::middleware::problem_response;
use crate::api::Problem;
use crate::desk::Desk;
use crate::http::ClientAddr;
use crate::metrics::{Gauge, Metrics, label_value, resident_memory_bytes};
use crate::store::Reader;
use poem::http::header::AUTHORIZATION;
use sha2::{Digest, Sha256};

/// `/healthz`: the process is up and answering.
#[handler]
pub fn healthz() -> &'static str {
    "ok\n"
}

/// `/readyz`: storage is open, migrated, and answers reads.
#[handler]
pub fn readyz(desk: Data<&Desk>) -> Response {
    if desk.is_ready() {
        Response::builder().content_type("text/plain").body("ready\n")
    } else {
        problem_response(Problem::new(503, "Storage is not ready."))
    }
}

/// Who may read `/metrics`: with a token, whoever presents it; without, only callers on this
/// machine that came through no proxy (a peer listed in `trusted_proxies` never counts as
/// local: it forwards callers from anywhere).
#[derive(Clone, Debug)]
pub struct MetricsAccess(pub Option<String>, pub crate::http::TrustedProxies);

impl MetricsAccess {
    fn allows(&self, req: &poem::Request) -> bool {
        match &self.0 {
            Some(token) => {
                let given =
                    req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(super::client::bearer);
                given.is_some_and(|g| Sha256::digest(g.as_bytes()) == Sha256::digest(token.as_bytes()))
            }
            None => {
                let forwarded =
                    req.headers().contains_key("x-forwarded-for") || req.headers().contains_key("forwarded");
                // A trusted proxy on this machine forwards callers from anywhere, headers or not.
                let peer = req.remote_addr().as_socket_addr().map(|a| a.ip());
                let proxied = peer.is_some_and(|ip| self.1.trusts(ip));
                !proxied && req.extensions().get::<ClientAddr>().is_some_and(|c| c.is_local(forwarded))
            }
        }
    }
}

/// `/metrics`: Prometheus text format.
#[handler]
pub fn metrics(
    req: &poem::Request,
    desk: Data<&Desk>,
    metrics: Data<&Arc<Metrics>>,
    access: Data<&MetricsAccess>,
) -> Response {
    if !access.allows(req) {
        return problem_response(Problem::new(
            403,
            match &access.0.0 {
                Some(_) => "Send the metrics token as `Authorization: Bearer <token>` (setting metrics_token).",
                None => {
                    "The metrics answer only on this machine. To read them from elsewhere, set metrics_token \
                         (SWITCHBOARD_METRICS_TOKEN) and send it as `Authorization: Bearer <token>`."
                }
            },
        ));
    }
    let last_seq = desk.store().snapshot().and_then(|s| s.last_seq()).unwrap_or(0) as f64;
    let (hooks_pending, hooks_lag) = desk.webhook_backlog().unwrap_or((0, 0));
    let g = desk.gauges().unwrap_or_default();
    let queued = g
        .queued
        .iter()
        .map(|(id, name, n)| (format!("inbox_id=\"{}\",inbox=\"{}\"", label_value(id), label_value(name)), *n as f64))
        .collect();
    let agents = g.agents.iter().map(|(status, n)| (format!("status=\"{status}\""), *n as f64)).collect();
    let text = metrics.render(&[
        Gauge::one("switchboard_event_log_last_seq", "Sequence number of the newest committed event.", last_seq),
        Gauge::one(
            "switchboard_process_resident_memory_bytes",
            "Resident memory of the server process.",
            resident_memory_bytes(),
        ),
        Gauge::one(
            "switchboard_live_subscribers",
            "Open live-event streams (GET /api/v1/events).",
            desk.live_subscribers() as f64,
        ),
        Gauge::one(
            "switchboard_webhook_deliveries_pending",
            "Webhook deliveries waiting for their first attempt or a retry, all subscriptions.",
            hooks_pending as f64,
        ),
        Gauge::one(
            "switchboard_webhook_lag_events",
            "Events committed that the webhook dispatcher has not read yet (0 without subscriptions).",
            hooks_lag as f64,
        ),
        Gauge {
            name: "switchboard_queue_length",
            help: "Conversations waiting in each inbox's queue.",
            kind: "gauge",
            samples: queued,
        },
        Gauge { name: "switchboard_agents", help: "Active users by status.", kind: "gauge", samples: agents },
        Gauge::one("switchboard_offers_pending", "Offers waiting for the agent's answer.", g.offers_pending as f64),
        Gauge::one(
            "switchboard_search_index_lag_events",
            "Events committed that the search index has not taken in yet.",
            g.index_lag_events as f64,
        ),
        Gauge::counter(
            "switchboard_writer_batches_total",
            "Write transactions committed (each holds the commands that queued during the previous one).",
            g.writer_batches as f64,
        ),
        Gauge::counter(
            "switchboard_writer_commands_total",
            "Commands committed; divided by the batches, the mean batch size.",
            g.writer_commands as f64,
        ),
        Gauge::counter(
            "switchboard_writer_commit_seconds_total",
            "Time spent committing (durably, fsync included); divided by the batches, the mean commit time.",
            g.writer_commit_secs,
        ),
    ]);
    Response::builder().content_type("text/plain; version=0.0.4; charset=utf-8").body(text)
}
