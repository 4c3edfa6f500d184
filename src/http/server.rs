//! The connection loop: accepts at most [`Limits::max_connections`] connections at once
//! (backing off when accepting fails, for example when the process runs out of descriptors, so
//! the loop never spins), serves each with hyper, and closes the ones that waste a slot:
//!
//! - **no request**: a connection must bring its first request within
//!   [`Limits::header_read`], whatever its protocol (a silent socket, or HTTP/2 pings without
//!   a request, would otherwise hold a slot);
//! - **headers too slow**: HTTP/1 requests must send their whole head within
//!   [`Limits::header_read`]. hyper starts that clock whenever it waits for a request's head,
//!   so it also closes a keep-alive connection that stays idle between requests;
//! - **idle**: any connection (HTTP/1 or HTTP/2) with no bytes read or written for
//!   [`Limits::idle`] while no request is in flight (a handler still working, or a response
//!   still being sent, is never cut). Event streams write a comment every 15 s;
//! - **one host taking every slot**: at most [`Limits::max_per_address`] connections per
//!   client address (loopback and trusted proxies excepted); more are closed at once.
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

use std::net::IpAddr;

use http_body_util::combinators::BoxBody;
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use poem::endpoint::BoxEndpoint;
use poem::listener::Acceptor;
use poem::{Endpoint, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{Semaphore, watch};

use super::client::TrustedProxies;

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
    /// Most connections from one client address (loopback and trusted proxies excepted).
    pub max_per_address: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            max_connections: 4096,
            max_per_address: 256,
        }
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
    exempt: TrustedProxies,
) -> std::io::Result<()> {
    let ep = Arc::new(ep);
    let per_address: Arc<PerAddress> = Arc::default();
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
                let ip = remote.as_socket_addr().map(|a| a.ip()).filter(|ip| !ip.is_loopback() && !exempt.trusts(*ip));
                let Some(held) = per_address.take(ip, limits.max_per_address) else {
                    tracing::debug!(addr = ?ip, "too many connections from one address; closed");
                    continue;
                };
                let (ep, stopping) = (ep.clone(), stopping.clone());
                tokio::spawn(async move {
                    serve_connection(io, ep, (local, remote, scheme), limits, stopping).await;
                    drop((permit, held));
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
    let requests = activity.clone();
    let service = hyper::service::service_fn(move |req: poem::http::Request<Incoming>| {
        let (ep, (local, remote, scheme)) = (ep.clone(), addrs.clone());
        // In flight from here until the response body is dropped (sent or abandoned).
        let busy = Busy::start(requests.clone());
        async move {
            let resp = ep.get_response((req, local, remote, scheme).into()).await;
            let resp = hyper::Response::<BoxBody<Bytes, std::io::Error>>::from(resp);
            Ok::<_, Infallible>(resp.map(|inner| InFlight { inner, _busy: busy }))
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
        () = activity.no_request_within(limits.header_read) => return,
        _ = stopping.wait_for(|s| *s >= Stop::Finishing) => {}
    }
    conn.as_mut().graceful_shutdown();
    tokio::select! {
        _ = &mut conn => {}
        _ = stopping.wait_for(|s| *s >= Stop::Closing) => {}
    }
}

/// A response body that keeps its request counted as in flight until it is dropped; the
/// body's size and end are passed through, so answers keep their `Content-Length`.
struct InFlight {
    inner: BoxBody<Bytes, std::io::Error>,
    _busy: Busy,
}

impl http_body::Body for InFlight {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Connections per client address.
#[derive(Default)]
struct PerAddress(std::sync::Mutex<std::collections::HashMap<IpAddr, usize>>);

/// A connection's place in [`PerAddress`]; given back when dropped.
struct Held(Option<(Arc<PerAddress>, IpAddr)>);

impl PerAddress {
    /// Counts a connection from `ip` (`None`: not counted), or `None` when it has `max` already.
    fn take(self: &Arc<Self>, ip: Option<IpAddr>, max: usize) -> Option<Held> {
        let Some(ip) = ip else { return Some(Held(None)) };
        let mut map = self.0.lock().ok()?;
        let n = map.entry(ip).or_default();
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Held(Some((self.clone(), ip))))
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some((per, ip)) = self.0.take()
            && let Ok(mut map) = per.0.lock()
            && let Some(n) = map.get_mut(&ip)
        {
            *n = n.saturating_sub(1);
            if *n == 0 {
                map.remove(&ip);
            }
        }
    }
}

/// When a connection last moved a byte (milliseconds after it opened), how many requests it
/// brought, and how many are in flight.
struct Activity {
    opened: Instant,
    last: AtomicU64,
    requests: AtomicU64,
    busy: AtomicU64,
}

/// One request in flight; ends when dropped.
struct Busy(Arc<Activity>);

impl Busy {
    fn start(activity: Arc<Activity>) -> Busy {
        activity.requests.fetch_add(1, Ordering::Relaxed);
        activity.busy.fetch_add(1, Ordering::Relaxed);
        Busy(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch();
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Activity {
    fn new() -> Self {
        Activity {
            opened: Instant::now(),
            last: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            busy: AtomicU64::new(0),
        }
    }

    /// Resolves when `within` has passed without the connection bringing a request.
    async fn no_request_within(&self, within: Duration) {
        tokio::time::sleep(within).await;
        if self.requests.load(Ordering::Relaxed) > 0 {
            std::future::pending::<()>().await;
        }
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
                if self.busy.load(Ordering::Relaxed) == 0 {
                    return;
                }
                // A request is in flight (a handler at work, a response being sent).
                self.touch();
                continue;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_gets_at_most_its_share_and_gets_it_back() {
        let per: Arc<PerAddress> = Arc::default();
        let ip: IpAddr = "203.0.113.5".parse().expect("address");
        let held: Vec<Held> = (0..3).map(|_| per.take(Some(ip), 3).expect("within the cap")).collect();
        assert!(per.take(Some(ip), 3).is_none(), "a fourth connection is refused");
        assert!(per.take(Some("203.0.113.6".parse().expect("address")), 3).is_some(), "others are not");
        assert!(per.take(None, 3).is_some(), "exempt addresses are not counted");
        drop(held);
        assert!(per.take(Some(ip), 3).is_some(), "closing gives the places back");
        assert_eq!(per.0.lock().map(|m| m.len()).unwrap_or(9), 0, "nothing is left counted");
    }
}
