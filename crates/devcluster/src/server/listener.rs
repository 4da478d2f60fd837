//! Connection settings, as kube-apiserver's `http.Server` has them (its `secure_serving.go`:
//! `ReadHeaderTimeout` 32 s, "just shy of requestTimeoutUpperBound", and `IdleTimeout` 90 s,
//! "matches http.DefaultTransport keep-alive timeout"), plus a bound on open connections so
//! that slow or idle clients can never use up the file descriptors and leave new clients
//! hanging in the listen queue.
//!
//! Why by hand, in an acceptor around axum-server's: hyper's own `header_read_timeout` starts
//! only once hyper-util's HTTP/1-or-2 detection has read the first bytes (a client that sends
//! nothing is never timed out), does not cover HTTP/2, and runs while a keep-alive connection
//! waits, so it cannot also be a separate idle timeout. Here, as in Go's server:
//!
//! * a new connection must deliver a request head within `header_read_timeout` (TLS handshake
//!   included); a request is "delivered" when hyper hands it to the service;
//! * a connection with no request in flight is closed `idle_timeout` after its last response
//!   ended, unless the client starts another request (its first byte starts the header
//!   timeout again);
//! * while a request is in flight (a watch can stream for hours) neither applies;
//! * at most `max_connections` are open: one more is answered at once with a `503` Status and
//!   closed (plain HTTP), or closed (TLS, where nothing can be said before the handshake);
//! * at most `max_requests_inflight` read-only and `max_mutating_requests_inflight` other
//!   requests are served at once, watches apart, as kube-apiserver's `--max-requests-inflight`
//!   (400) and `--max-mutating-requests-inflight` (200): one more is answered `429` with
//!   `Retry-After: 1` and its words, "Too many requests, please try again later." (its
//!   `maxinflight` filter writes them as plain text, not as a Status).

use axum::body::{Body, HttpBody};
use axum::http::{Request, Response};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// kube-apiserver's `ReadHeaderTimeout`.
pub(super) const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(32);
/// kube-apiserver's `IdleTimeout`.
pub(super) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// kube-apiserver's `--max-requests-inflight` default.
pub(super) const DEFAULT_MAX_REQUESTS_INFLIGHT: usize = 400;
/// kube-apiserver's `--max-mutating-requests-inflight` default.
pub(super) const DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT: usize = 200;
/// File descriptors kept free for everything else (state file, registry, log, accept).
const RESERVED_DESCRIPTORS: u64 = 64;

/// The connection settings in force.
#[derive(Debug, Clone, Copy)]
pub(super) struct ConnectionLimits {
    /// How long a connection may take to deliver a request head.
    pub header_read_timeout: Duration,
    /// How long a connection without a request in flight stays open.
    pub idle_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most GET/HEAD/OPTIONS requests served at once (watches not counted).
    pub max_requests_inflight: usize,
    /// Most other requests served at once.
    pub max_mutating_requests_inflight: usize,
}

/// The request slots all connections share.
#[derive(Debug, Clone)]
struct RequestSlots {
    read_only: Arc<Semaphore>,
    mutating: Arc<Semaphore>,
}

impl RequestSlots {
    fn new(limits: &ConnectionLimits) -> Self {
        Self {
            read_only: Arc::new(Semaphore::new(limits.max_requests_inflight.max(1))),
            mutating: Arc::new(Semaphore::new(limits.max_mutating_requests_inflight.max(1))),
        }
    }

    /// A slot for `request`: `Ok(None)` for a long-running request (a watch), `Err` when all
    /// slots of its kind are taken.
    fn take<B>(&self, request: &Request<B>) -> Result<Option<OwnedSemaphorePermit>, ()> {
        let query = request.uri().query().unwrap_or_default();
        let watch = request.uri().path().contains("/watch/")
            || query
                .split('&')
                .any(|pair| matches!(pair, "watch=true" | "watch=1" | "watch=True"));
        if watch {
            return Ok(None);
        }
        let slots = match request.method().as_str() {
            "GET" | "HEAD" | "OPTIONS" => &self.read_only,
            _ => &self.mutating,
        };
        slots.clone().try_acquire_owned().map(Some).map_err(|_| ())
    }
}

/// kube-apiserver's answer when every request slot is taken.
fn too_many_requests() -> Response<Body> {
    let mut response = Response::new(Body::from("Too many requests, please try again later.\n"));
    *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
    let headers = response.headers_mut();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    headers.insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("1"),
    );
    response
}

/// The open-file limit minus [`RESERVED_DESCRIPTORS`]: the most connections devcluster can
/// hold without its `accept` failing (read from `/proc/self/limits`, Linux's own report; 1,024
/// when it cannot be read, the usual soft limit).
pub(super) fn default_max_connections() -> usize {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|line| line.starts_with("Max open files"))
                .and_then(|line| line.split_whitespace().nth(3))
                .and_then(|soft| soft.parse::<u64>().ok())
        })
        .unwrap_or(1024);
    usize::try_from(limit.saturating_sub(RESERVED_DESCRIPTORS).max(16)).unwrap_or(usize::MAX)
}

/// Where a connection is in its life.
#[derive(Debug, Clone, Copy)]
enum Phase {
    /// Waiting for the first byte of a request (after a response); closes at the deadline.
    Idle(Instant),
    /// Reading a request head; closes at the deadline.
    Head(Instant),
    /// At least one request in flight: no deadline.
    Busy,
}

#[derive(Debug)]
struct Inner {
    phase: Phase,
    in_flight: usize,
    /// The task reading the connection, woken when the phase changes.
    reader: Option<Waker>,
}

/// What a connection's stream and its service share.
#[derive(Debug, Clone)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    limits: ConnectionLimits,
}

impl Shared {
    fn update(&self, change: impl FnOnce(&mut Inner)) {
        if let Ok(mut inner) = self.inner.lock() {
            change(&mut inner);
            if let Some(waker) = inner.reader.take() {
                waker.wake();
            }
        }
    }

    fn request_started(&self) {
        self.update(|inner| {
            inner.in_flight = inner.in_flight.saturating_add(1);
            inner.phase = Phase::Busy;
        });
    }

    fn request_ended(&self) {
        let idle = self.limits.idle_timeout;
        self.update(|inner| {
            inner.in_flight = inner.in_flight.saturating_sub(1);
            if inner.in_flight == 0 {
                inner.phase = Phase::Idle(Instant::now() + idle);
            }
        });
    }
}

/// Accepts connections for axum-server with the [`ConnectionLimits`], then hands them to
/// `inner` (TLS, or nothing).
#[derive(Clone)]
pub(super) struct LimitedAcceptor<A> {
    inner: A,
    limits: ConnectionLimits,
    slots: Arc<Semaphore>,
    requests: RequestSlots,
    /// Plain HTTP: a refused connection gets a 503 before it is closed.
    plain: bool,
    refused: Arc<AtomicU64>,
}

impl<A> LimitedAcceptor<A> {
    pub(super) fn new(inner: A, limits: ConnectionLimits, plain: bool) -> Self {
        Self {
            inner,
            limits,
            slots: Arc::new(Semaphore::new(limits.max_connections.max(1))),
            requests: RequestSlots::new(&limits),
            plain,
            refused: Arc::default(),
        }
    }
}

/// The answer to a connection over the limit.
fn over_limit_answer(max: usize) -> Vec<u8> {
    let status = imagestream_devcluster::api::status(
        503,
        "ServiceUnavailable",
        format!("the server has too many open connections ({max}); please try again later"),
        Some(serde_json::json!({"retryAfterSeconds": 1})),
    );
    let body = serde_json::to_vec(&status).unwrap_or_default();
    let mut answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    answer
}

type Accepting<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl<A, S> axum_server::accept::Accept<TcpStream, S> for LimitedAcceptor<A>
where
    A: axum_server::accept::Accept<LimitedStream, TrackedService<S>>
        + Clone
        + Send
        + Sync
        + 'static,
    A::Future: Send,
    S: Send + 'static,
{
    type Stream = A::Stream;
    type Service = A::Service;
    type Future = Accepting<(A::Stream, A::Service)>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let this = self.clone();
        Box::pin(async move {
            let Ok(slot) = this.slots.clone().try_acquire_owned() else {
                let refused = this.refused.fetch_add(1, Ordering::Relaxed);
                if refused.is_power_of_two() || refused == 0 {
                    eprintln!(
                        "devcluster: {} connections are open (the most allowed); refusing new ones ({} so far)",
                        this.limits.max_connections,
                        refused.saturating_add(1)
                    );
                }
                if this.plain {
                    // Into the socket buffer at once, or not at all: never wait on this client.
                    let _ = stream.try_write(&over_limit_answer(this.limits.max_connections));
                }
                return Err(io::Error::other("too many open connections"));
            };
            // Watch events are small writes: send them at once (no Nagle delay).
            stream.set_nodelay(true)?;
            let shared = Shared {
                inner: Arc::new(Mutex::new(Inner {
                    phase: Phase::Head(Instant::now() + this.limits.header_read_timeout),
                    in_flight: 0,
                    reader: None,
                })),
                limits: this.limits,
            };
            let stream = LimitedStream {
                inner: stream,
                shared: shared.clone(),
                timer: Box::pin(tokio::time::sleep(this.limits.header_read_timeout)),
                _slot: slot,
            };
            let service = TrackedService {
                inner: service,
                shared,
                requests: this.requests.clone(),
            };
            this.inner.accept(stream, service).await
        })
    }
}

/// A connection's socket with its deadlines; holds its connection slot until dropped.
pub(super) struct LimitedStream {
    inner: TcpStream,
    shared: Shared,
    timer: Pin<Box<Sleep>>,
    _slot: OwnedSemaphorePermit,
}

impl LimitedStream {
    /// Called when a read is pending: `Err` once the phase's deadline has passed, else the
    /// timer is set to wake this task at the deadline.
    fn check_deadline(&mut self, cx: &mut Context<'_>) -> io::Result<()> {
        let deadline = match self.shared.inner.lock() {
            Ok(mut inner) => {
                inner.reader = Some(cx.waker().clone());
                match inner.phase {
                    Phase::Idle(at) | Phase::Head(at) => Some(at),
                    Phase::Busy => None,
                }
            }
            Err(_) => None,
        };
        let Some(deadline) = deadline else {
            return Ok(());
        };
        if Instant::now() >= deadline {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no request within the header or idle timeout",
            ));
        }
        if self.timer.deadline() != deadline {
            self.timer.as_mut().reset(deadline);
        }
        if self.timer.as_mut().poll(cx).is_ready() {
            return Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no request within the header or idle timeout",
            ));
        }
        Ok(())
    }
}

impl AsyncRead for LimitedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    let header = self.shared.limits.header_read_timeout;
                    // The first byte of a new request starts its header timeout.
                    if let Ok(mut inner) = self.shared.inner.lock() {
                        if let Phase::Idle(_) = inner.phase {
                            inner.phase = Phase::Head(Instant::now() + header);
                        }
                    }
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => match self.check_deadline(cx) {
                Ok(()) => Poll::Pending,
                Err(err) => Poll::Ready(Err(err)),
            },
        }
    }
}

impl AsyncWrite for LimitedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The connection's service: tells the stream when requests start and when their responses
/// have been sent (the body dropped), which decides the phase.
#[derive(Clone)]
pub(super) struct TrackedService<S> {
    inner: S,
    shared: Shared,
    requests: RequestSlots,
}

/// Ends its request when dropped (the response body was sent or abandoned).
struct InFlight(Shared);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.request_ended();
    }
}

/// A response body that keeps its request in flight until it is done.
struct TrackedBody {
    inner: Body,
    _in_flight: InFlight,
    _slot: Option<OwnedSemaphorePermit>,
}

impl HttpBody for TrackedBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}

impl<S, B> tower_service::Service<Request<B>> for TrackedService<S>
where
    S: tower_service::Service<Request<B>, Response = Response<Body>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        self.shared.request_started();
        let in_flight = InFlight(self.shared.clone());
        let Ok(slot) = self.requests.take(&request) else {
            drop(in_flight);
            return Box::pin(std::future::ready(Ok(too_many_requests())));
        };
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            Ok(response.map(|body| {
                Body::new(TrackedBody {
                    inner: body,
                    _in_flight: in_flight,
                    _slot: slot,
                })
            }))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_service::Service;

    /// A service whose answers wait until its gate opens.
    #[derive(Clone)]
    struct Slow(tokio::sync::watch::Receiver<bool>);

    impl Service<Request<()>> for Slow {
        type Response = Response<Body>;
        type Error = std::convert::Infallible;
        type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, Self::Error>> + Send>>;

        fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, _: Request<()>) -> Self::Future {
            let mut gate = self.0.clone();
            Box::pin(async move {
                let _ = gate.wait_for(|open| *open).await;
                Ok(Response::new(Body::empty()))
            })
        }
    }

    #[tokio::test]
    async fn requests_beyond_the_inflight_limits_get_429_and_watches_are_apart() {
        let limits = ConnectionLimits {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            max_connections: 10,
            max_requests_inflight: 1,
            max_mutating_requests_inflight: 1,
        };
        let (release, gate) = tokio::sync::watch::channel(false);
        let mut service = TrackedService {
            inner: Slow(gate),
            shared: Shared {
                inner: Arc::new(Mutex::new(Inner {
                    phase: Phase::Busy,
                    in_flight: 0,
                    reader: None,
                })),
                limits,
            },
            requests: RequestSlots::new(&limits),
        };
        let request =
            |method: &str, uri: &str| Request::builder().method(method).uri(uri).body(()).unwrap();
        let first = tokio::spawn(service.call(request("GET", "/api/v1/namespaces")));
        let second = service.call(request("GET", "/version")).await.unwrap();
        assert_eq!(second.status(), 429);
        assert_eq!(second.headers()["retry-after"], "1");
        let body = axum::body::to_bytes(second.into_body(), 1024)
            .await
            .unwrap();
        assert_eq!(&body[..], b"Too many requests, please try again later.\n");
        // Writes have their own slots, and watches need none.
        let write = tokio::spawn(service.call(request("POST", "/api/v1/namespaces")));
        let another_write = service
            .call(request("DELETE", "/api/v1/namespaces/x"))
            .await
            .unwrap();
        assert_eq!(another_write.status(), 429);
        let watch = tokio::spawn(service.call(request("GET", "/api/v1/pods?watch=true")));
        release.send_replace(true);
        for done in [first, write, watch] {
            assert_eq!(done.await.unwrap().unwrap().status(), 200);
        }
        // The slot comes back once the response is done.
        let after = service.call(request("GET", "/version")).await.unwrap();
        assert_eq!(after.status(), 200);
    }

    #[test]
    fn the_answer_over_the_limit_is_a_status() {
        let answer = String::from_utf8(over_limit_answer(7)).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 Service Unavailable\r\n"));
        assert!(head.contains(&format!("Content-Length: {}", body.len())));
        let status: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(status["reason"], "ServiceUnavailable");
        assert_eq!(status["code"], 503);
        assert!(default_max_connections() >= 16);
    }
}
