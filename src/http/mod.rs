//! The HTTP server: every route in one tree behind one middleware layer, and the serve loop
//! with graceful shutdown. `app` needs no socket (tests drive it with `poem::test::TestClient`);
//! `serve` runs it on a bound listener until the shutdown future resolves.

mod client;
mod compress;
mod cors;
pub(crate) mod headers;
mod idempotency;
mod middleware;
mod ops;
mod server;
mod spec_index;
mod strict;
mod validation;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use poem::endpoint::{make, make_sync};
use poem::listener::{Listener, TcpAcceptor, TcpListener};
use poem::middleware::CatchPanic;
use poem::{Endpoint, EndpointExt, Response, Route, get};

pub use client::{Cidr, ClientAddr, TrustedProxies};
pub use compress::{accepts_gzip, gzip};
pub use idempotency::SECRET_ANSWERS;
pub use middleware::REQUEST_ID;
pub use server::{Limits, raise_descriptor_limit};

use crate::api;
use crate::desk::Desk;
use crate::metrics::Metrics;
use crate::web::StaticFiles;

/// Default largest request body: 1 MiB (uploads get their own limit).
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// Default largest upload body: 1 GiB, the highest `max_upload_bytes` a workspace may set,
/// plus room for the multipart envelope.
pub const DEFAULT_MAX_UPLOAD_BODY_BYTES: usize = 1024 * 1024 * 1024 + 64 * 1024;

/// What the routes share.
#[derive(Clone)]
pub struct AppState {
    /// The use cases.
    pub desk: Desk,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted upload body (`POST /api/v1/attachments`, `/api/v1/library`), in bytes;
    /// the workspace setting `max_upload_bytes` is checked exactly on top of it.
    pub max_upload_body_bytes: usize,
    /// Deadlines and the cap of connections.
    pub limits: Limits,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// The token `/metrics` asks for; without one it answers only on this machine.
    pub metrics_token: Option<String>,
}

impl AppState {
    /// State around a desk with default limits.
    pub fn new(desk: Desk) -> Self {
        AppState {
            desk,
            metrics: Arc::new(Metrics::default()),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_upload_body_bytes: DEFAULT_MAX_UPLOAD_BODY_BYTES,
            limits: Limits::default(),
            trusted_proxies: TrustedProxies::default(),
            metrics_token: None,
        }
    }
}

/// Every route: the API, its spec and docs, operations endpoints and the pages.
pub fn app(state: AppState) -> impl Endpoint<Output = Response> {
    let routes = Route::new()
        .nest("/api/v1", api::service())
        .nest(
            "/api/widget/v1",
            cors::WidgetCors {
                inner: poem::IntoEndpoint::into_endpoint(api::widget_service()),
                desk: state.desk.clone(),
            },
        )
        .at("/api/openapi.json", get(make_sync(|_| spec_page())))
        .at("/api/docs", get(make(|_| docs_page())))
        .at("/api/docs/", get(make(|_| docs_page())))
        .at("/healthz", get(ops::healthz))
        .at("/readyz", get(ops::readyz))
        .at("/metrics", get(ops::metrics))
        .nest("/", StaticFiles)
        .with(CatchPanic::new())
        .data(state.desk.clone())
        .data(state.metrics.clone())
        .data(ops::MetricsAccess(state.metrics_token.clone(), state.trusted_proxies.clone()));
    middleware::Layer {
        inner: routes,
        metrics: state.metrics,
        max_body_bytes: state.max_body_bytes,
        max_upload_body_bytes: state.max_upload_body_bytes,
        desk: state.desk,
        locks: Arc::default(),
        trusted_proxies: state.trusted_proxies,
    }
}

/// The spec as JSON ([`api::SPEC_JSON`]): served from the executable's read-only data, it takes
/// no heap and no work (held as a generated string with the docs page, it was 3 MB of an idle
/// server).
fn spec_page() -> Response {
    Response::builder().content_type("application/json; charset=utf-8").body(api::SPEC_JSON)
}

/// The API docs page (Swagger UI around the spec, with the hashes of its scripts in its
/// policy), made for each request on a blocking thread (about 30 ms): it is asked for rarely,
/// and its 2.3 MB are not kept.
async fn docs_page() -> Response {
    let made = tokio::task::spawn_blocking(|| {
        let docs = api::docs_html(api::SPEC_JSON);
        headers::docs_page(&docs, &headers::docs_policy(&docs))
    })
    .await;
    made.unwrap_or_else(|e| {
        tracing::error!(error = %e, "the docs page could not be made");
        middleware::problem_response(api::Problem::new(503, "the docs page could not be made; try again"))
    })
}

/// Binds a TCP listener (use port 0 for any free port; read it back with `local_addr`).
pub async fn bind(addr: &str) -> std::io::Result<TcpAcceptor> {
    TcpListener::bind(addr.to_string()).into_acceptor().await
}

/// How long in-flight requests may take to finish after shutdown is requested.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves `app(state)` on `acceptor` until `shutdown` resolves, then lets in-flight requests
/// finish (up to [`SHUTDOWN_GRACE`]).
/// The scheduler (offer deadlines, presence, auto-close), the search indexer, the webhook
/// deliveries and the memory trim (`jobs::memory`) run while the server does.
pub async fn serve(
    state: AppState,
    acceptor: TcpAcceptor,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let scheduler = crate::jobs::spawn(state.desk.clone());
    let indexer = crate::jobs::indexer::spawn(state.desk.clone());
    let webhooks = crate::webhooks::spawn(state.desk.clone());
    let memory = crate::jobs::memory::spawn(spec_index::warm);
    let desk = state.desk.clone();
    let shutdown = async move {
        shutdown.await;
        // Live event streams never finish on their own: end them so shutdown is prompt.
        desk.close_streams();
    };
    let mut limits = state.limits;
    if let Some(fds) = raise_descriptor_limit() {
        // Keep room for the database, the search index and uploads beside the connections.
        let room = usize::try_from(fds.saturating_sub(256)).unwrap_or(usize::MAX).max(16);
        limits.max_connections = limits.max_connections.min(room);
    }
    let exempt = state.trusted_proxies.clone();
    let served = server::run(acceptor, app(state).boxed(), limits, shutdown, SHUTDOWN_GRACE, exempt).await;
    scheduler.abort();
    indexer.abort();
    webhooks.abort();
    memory.abort();
    let _ = memory.await;
    let _ = scheduler.await;
    let _ = indexer.await;
    let _ = webhooks.await;
    served
}
