//! Operations endpoints outside the API: liveness, readiness and Prometheus metrics.

use std::sync::Arc;

use poem::web::Data;
use poem::{Response, handler};

use super::middleware::problem_response;
use crate::api::Problem;
use crate::desk::Desk;
use crate::metrics::{Metrics, resident_memory_bytes};
use crate::store::Reader;

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

/// `/metrics`: Prometheus text format.
#[handler]
pub fn metrics(desk: Data<&Desk>, metrics: Data<&Arc<Metrics>>) -> Response {
    let last_seq = desk.store().snapshot().and_then(|s| s.last_seq()).unwrap_or(0) as f64;
    let text = metrics.render(&[
        ("switchboard_event_log_last_seq", "Sequence number of the newest committed event.", last_seq),
        (
            "switchboard_process_resident_memory_bytes",
            "Resident memory of the server process.",
            resident_memory_bytes(),
        ),
        (
            "switchboard_live_subscribers",
            "Open live-event streams (GET /api/v1/events).",
            desk.live_subscribers() as f64,
        ),
    ]);
    Response::builder().content_type("text/plain; version=0.0.4; charset=utf-8").body(text)
}
