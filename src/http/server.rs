//! The connection loop: accepts at most [`Limits::max_connections`] connections at once
//! (backing off when accepting fails, for example when the process runs out of descriptors, so
//! the loop never spins), serves each with hyper, and closes the ones that waste a slot:
//!
//! - **headers too slow**: HTTP/1 requests must send their whole head within
//!   [`Limits::header_read`]. hyper starts that clock whenever it waits for a request's head,
//!   so it also closes a keep-alive connection that stays idle between requests;
//! - **idle**: any connection (HTTP/1 or HTTP/2) with no bytes read or written for
//!   [`Limits::idle`]. Event streams write a comment every 15 s, so they are never idle.
//!
//! poem's own `Server` offers neither a header deadline nor a connection cap, and retries a
//! failing accept at once; this loop replaces it and hands every request to the same poem
//! endpoint.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use poem::endpoint::BoxEndpoint;
use poem::listener::Acceptor;
use poem::{Endpoint, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{Semaphore, watch};

/// What a connection may cost the server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest time a client may take to send a request's head (and longest pause between
    /// requests on a keep-alive connection).
    pub header_read: Duration,
    /// Longest time a connection may go without a byte read or written.
    pub idle: Duration,
    /// Most connections served at once; more wait in the kernel's backlog.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { header_read: Duration::from_secs(10), idle: Duration::from_secs(60), max_connections: 4096 }
    }
}

/// The longest pause between two failed accepts.
const MAX_BACKOFF: Duration = Duration::from_millis(500);

/// Serves `ep` on `acceptor` until `shutdown` resolves, then asks every connection to finish
/// its requests and waits up to `grace` for them.
pub async fn run<A: Acceptor>(
    mut acceptor: A,
    ep: BoxEndpoint<'static, Response>,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send,
    grace: Duration,
) -> std::io::Result<()> {
    let ep = Arc::new(ep);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let (stop, stopping) = watch::channel(Stop::Serving);
    let mut backoff = Duration::from_millis(5);
    for addr in acceptor.local_addr() {
        tracing::info!(addr = %addr, "listening");
    }
    tracing::info!(max_connections = limits.max_connections, "server started");
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = async {
                let permit = slots.clone().acquire_owned().await;
                (permit, acceptor.accept().await)
            } => accepted,
        };
        match accepted {
            (Ok(permit), Ok((io, local, remote, scheme))) => {
                backoff = Duration::from_millis(5);
                let (ep, stopping) = (ep.clone(), stopping.clone());
                tokio::spawn(async move {
                    serve_connection(io, ep, (local, remote, scheme), limits, stopping).await;
                    drop(permit);
                });
            }
            (_, Err(e)) => {
                tracing::warn!(error = %e, pause_ms = backoff.as_millis() as u64, "could not accept a connection");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
            (Err(_), _) => break,
        }
    }
    drop(acceptor);
    tracing::info!(grace_secs = grace.as_secs(), "finishing the requests under way");
    let _ = stop.send(Stop::Finishing);
    let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(grace, slots.acquire_many(all)).await.is_err() {
        // Past the grace period: close what is left, so the data folder is released.
        let _ = stop.send(Stop::Closing);
        let _ = tokio::time::timeout(Duration::from_secs(1), slots.acquire_many(all)).await;
    }
    Ok(())
}

/// What the loop asks of its connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Stop {
    /// Serve on.
    Serving,
    /// Finish the requests under way, take no new ones.
    Finishing,
    /// Close now.
    Closing,
}

type Addrs = (poem::web::LocalAddr, poem::web::RemoteAddr, poem::http::uri::Scheme);

async fn serve_connection<Io>(
    io: Io,
    ep: Arc<BoxEndpoint<'static, Response>>,
    addrs: Addrs,
    limits: Limits,
    mut stopping: watch::Receiver<Stop>,
) where
    Io: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let activity = Arc::new(Activity::new());
    let io = Watched { inner: io, activity: activity.clone() };
    let service = hyper::service::service_fn(move |req: poem::http::Request<Incoming>| {
        let (ep, (local, remote, scheme)) = (ep.clone(), addrs.clone());
        async move {
            let resp = ep.get_response((req, local, remote, scheme).into()).await;
            Ok::<_, Infallible>(hyper::Response::<http_body_util::combinators::BoxBody<_, _>>::from(resp))
        }
    });
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).header_read_timeout(limits.header_read);
    builder.http2().timer(TokioTimer::new());
    let conn = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = &mut conn => return,
        () = activity.idle_for(limits.idle) => return,
        _ = stopping.wait_for(|s| *s >= Stop::Finishing) => {}
    }
    conn.as_mut().graceful_shutdown();
    tokio::select! {
        _ = &mut conn => {}
        _ = stopping.wait_for(|s| *s >= Stop::Closing) => {}
    }
}

/// When a connection last moved a byte, in milliseconds after it opened.
struct Activity {
    opened: Instant,
    last: AtomicU64,
}

impl Activity {
    fn new() -> Self {
        Activity { opened: Instant::now(), last: AtomicU64::new(0) }
    }

    fn touch(&self) {
        let ms = u64::try_from(self.opened.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.last.store(ms, Ordering::Relaxed);
    }

    /// Resolves once nothing has moved for `idle`.
    async fn idle_for(&self, idle: Duration) {
        loop {
            let last = self.opened + Duration::from_millis(self.last.load(Ordering::Relaxed));
            let due = last + idle;
            if Instant::now() >= due {
                return;
            }
            tokio::time::sleep_until(due.into()).await;
        }
    }
}

/// A connection's stream that records when bytes move.
struct Watched<Io> {
    inner: Io,
    activity: Arc<Activity>,
}

impl<Io: AsyncRead + Unpin> AsyncRead for Watched<Io> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        polled
    }
}

impl<Io: AsyncWrite + Unpin> AsyncWrite for Watched<Io> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Raises the soft limit of open descriptors to the hard limit, so that the connection cap,
/// not the descriptor limit, is what bounds connections. Returns the limit now in force.
pub fn raise_descriptor_limit() -> Option<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current < limit.maximum {
        limit.current = limit.maximum;
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            tracing::warn!(error = %e, "could not raise the open-file limit");
        }
    }
    getrlimit(Resource::Nofile).current
}
