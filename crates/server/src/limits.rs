//! Caps and timeouts: what a client may hold of the server (connections, time, drafts) and
//! the accept loop that enforces the network's share. The registry enforces what is stored
//! (`nuage_registry::Limits`); docs/server.md lists both with their defaults and flags.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::body::Bytes;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, HeaderName, Request};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// The network's caps, set by `nuage serve`'s flags.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// A request's line and headers must arrive within this time; a kept-alive connection
    /// waiting for its next request is closed after it too.
    pub header_timeout: Duration,
    /// A request's body must arrive within this time of its headers.
    pub read_timeout: Duration,
    /// A connection on which no byte moves either way for this long is closed.
    pub idle_timeout: Duration,
    /// Connections served at once; more wait to be accepted.
    pub max_connections: usize,
    /// Drafts a client (an address) may start without logging in, per hour.
    pub anonymous_drafts_per_hour: u32,
    /// Scans read and stored at once (each may weigh tens of megabytes once read).
    pub concurrent_scan_uploads: usize,
    /// The header a reverse proxy in front writes the client's address in (`X-Forwarded-For`:
    /// its last address is taken). Without it, the client is the connection's peer.
    pub client_ip_header: Option<HeaderName>,
}

impl Default for ServerLimits {
    fn default() -> Self {
        ServerLimits {
            header_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            idle_timeout: Duration::from_secs(60),
            max_connections: 1024,
            anonymous_drafts_per_hour: 20,
            concurrent_scan_uploads: 2,
            client_ip_header: None,
        }
    }
}

/// The client behind a request: the address the proxy names when one is configured, else
/// the peer's. IPv6 addresses count by /64, what one subscriber usually has.
pub(crate) fn client_of(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    header: Option<&HeaderName>,
) -> Option<IpAddr> {
    let named = header
        .and_then(|h| headers.get(h))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.rsplit(',').next())
        .and_then(|v| v.trim().parse::<IpAddr>().ok());
    named.or(peer.map(|p| p.ip())).map(|ip| match ip {
        IpAddr::V6(v6) => {
            let mut segments = v6.segments();
            for s in segments.iter_mut().skip(4) {
                *s = 0;
            }
            IpAddr::V6(segments.into())
        }
        v4 => v4,
    })
}

/// The client behind a request (see [`client_of`]), as an extractor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Client(pub(crate) Option<IpAddr>);

impl axum::extract::FromRequestParts<crate::AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(Client(client_of(
            &parts.headers,
            peer,
            state.limits.client_ip_header.as_ref(),
        )))
    }
}

/// Per client: when its window started, and how many it counted since.
type Windows = HashMap<Option<IpAddr>, (Instant, u32)>;

/// Counts per client over a fixed window, in a bounded map.
#[derive(Debug, Clone, Default)]
pub struct ClientCounter {
    inner: Arc<Mutex<Windows>>,
}

/// Clients remembered at once; past it, windows that have ended are forgotten, and if none
/// has, new clients are refused until one does.
const CLIENTS_REMEMBERED: usize = 100_000;

impl ClientCounter {
    /// Counts one more for `client` if it stays within `limit` per `window`.
    pub(crate) fn allow(&self, client: Option<IpAddr>, limit: u32, window: Duration) -> bool {
        let now = Instant::now();
        let Ok(mut map) = self.inner.lock() else {
            return false;
        };
        if map.len() >= CLIENTS_REMEMBERED && !map.contains_key(&client) {
            map.retain(|_, (start, _)| now.duration_since(*start) < window);
            if map.len() >= CLIENTS_REMEMBERED {
                return false;
            }
        }
        let entry = map.entry(client).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        if entry.1 >= limit {
            return false;
        }
        entry.1 += 1;
        true
    }
}

/// A connection that fails once no byte has moved either way for `idle`.
struct IdleStream {
    inner: TcpStream,
    idle: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl IdleStream {
    fn new(inner: TcpStream, idle: Duration) -> Self {
        IdleStream {
            inner,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    fn moved(&mut self) {
        let at = tokio::time::Instant::now() + self.idle;
        self.deadline.as_mut().reset(at);
    }

    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::TimedOut, "idle connection")
}

use std::future::Future;

impl AsyncRead for IdleStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write(cx, buf) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    self.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.inner).poll_flush(cx) {
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            other => other,
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.inner).poll_write_vectored(cx, bufs) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|n| *n > 0) {
                    self.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A request body that must arrive whole before a deadline.
struct DeadlineBody {
    inner: Incoming,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive within the read timeout")]
struct BodyTimeout;

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, Self::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => Poll::Ready(frame.map(|f| f.map_err(Into::into))),
            Poll::Pending if self.deadline.as_mut().poll(cx).is_ready() => {
                Poll::Ready(Some(Err(Box::new(BodyTimeout))))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

/// Serves `router` on `listener` under `limits` until `shutdown` completes, then lets the
/// requests in flight finish.
pub(crate) async fn accept_loop(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let slots = Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors, a connection reset before accept: wait, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let limits = limits.clone();
        let mut stop = stop_rx.clone();
        tasks.spawn(async move {
            let _permit = permit;
            let io = TokioIo::new(IdleStream::new(stream, limits.idle_timeout));
            let read_timeout = limits.read_timeout;
            let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let request = request.map(|inner| {
                    Body::new(DeadlineBody {
                        inner,
                        deadline: Box::pin(tokio::time::sleep(read_timeout)),
                    })
                });
                let router = router.clone();
                async move { router.oneshot(request).await }
            });
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout);
            let connection = builder.serve_connection(io, service);
            tokio::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => {
                    if let Err(e) = result {
                        tracing::debug!(error = %e, %peer, "connection closed");
                    }
                }
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        while tasks.try_join_next().is_some() {}
    }
    let _ = stop_tx.send(true);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_are_counted_per_window_and_ipv6_by_prefix() {
        let counter = ClientCounter::default();
        let a: Option<IpAddr> = "192.0.2.1".parse().ok();
        let b: Option<IpAddr> = "192.0.2.2".parse().ok();
        for _ in 0..3 {
            assert!(counter.allow(a, 3, Duration::from_secs(3600)));
        }
        assert!(!counter.allow(a, 3, Duration::from_secs(3600)));
        assert!(counter.allow(b, 3, Duration::from_secs(3600)));
        let mut headers = HeaderMap::new();
        let header = HeaderName::from_static("x-forwarded-for");
        headers.insert(
            header.clone(),
            axum::http::HeaderValue::from_static("10.0.0.1, 2001:db8::1:2:3:4"),
        );
        assert_eq!(
            client_of(&headers, None, Some(&header)),
            "2001:db8::".parse().ok()
        );
        assert_eq!(client_of(&headers, None, None), None);
    }
}
