//! A watch streamed to its client: the events after its version as they become durable, in
//! JSON lines or protobuf frames, with bookmarks, until its timeout or the client leaves.

use super::{now_millis, Shared};
use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use imagestream_devcluster::protobuf::http::{self as media, Format};
use imagestream_devcluster::WatchRequest;
use serde_json::Value;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How often a watch that asked for bookmarks gets one.
const BOOKMARK_EVERY: Duration = Duration::from_secs(15);

/// State of one streamed watch.
struct WatchStream {
    shared: Shared,
    changed: tokio::sync::watch::Receiver<u64>,
    watch: WatchRequest,
    since: u64,
    pending: VecDeque<Arc<[u8]>>,
    /// When the server ends the watch; `None`: only when the client goes away.
    deadline: Option<Instant>,
    next_bookmark: Instant,
    finished: bool,
    /// JSON lines, or protobuf frames.
    format: Format,
}

/// How long a watch stays open: its timeoutSeconds, or without one (or with 0) a random time
/// between `min` and `2 × min`, as kube-apiserver spreads re-lists of its watchers over time
/// (`None`: `min` is 0, the server never ends it).
fn watch_timeout(timeout_seconds: Option<u64>, min: Duration) -> Option<Duration> {
    match timeout_seconds {
        Some(seconds) if seconds > 0 => Some(Duration::from_secs(seconds)),
        _ if min.is_zero() => None,
        _ => {
            use std::hash::{BuildHasher, Hasher};
            // A random u64 from std's per-instance random hash keys (no rand dependency).
            let random = std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish();
            let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
            Some(min.mul_f64(1.0 + fraction))
        }
    }
}

pub(super) fn stream_watch(shared: Shared, mut watch: WatchRequest, format: Format) -> Response {
    let changed = shared.changed.subscribe();
    // Writes between the request and the subscription are picked up by reading once now.
    let mut since = watch.since;
    let mut timeout = if watch.ends_at_once {
        Some(Duration::ZERO)
    } else {
        watch_timeout(watch.timeout_seconds, shared.min_request_timeout)
    };
    let mut pending: VecDeque<Arc<[u8]>> = std::mem::take(&mut watch.initial)
        .iter()
        .map(encode_line)
        .collect();
    if let Ok(cluster) = shared.cluster.lock() {
        let (lines, next, expired) = cluster.watch_lines(&watch, since, now_millis());
        pending.extend(lines);
        since = next;
        if expired {
            timeout = Some(Duration::ZERO);
        }
    }
    let state = WatchStream {
        changed,
        shared,
        since,
        pending,
        // A deadline past what the clock can hold is no deadline (never `Instant + huge`, which
        // panics).
        deadline: timeout.and_then(|timeout| Instant::now().checked_add(timeout)),
        watch,
        next_bookmark: Instant::now() + BOOKMARK_EVERY,
        finished: false,
        format,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if !state.pending.is_empty() {
                // Everything pending goes out in one chunk.
                let mut chunk = Vec::with_capacity(state.pending.iter().map(|l| l.len()).sum());
                for line in state.pending.drain(..) {
                    match media::watch_chunk(state.format, &line) {
                        Some(bytes) => chunk.extend_from_slice(&bytes),
                        None => {
                            eprintln!("devcluster: a watch event has no protobuf form; left out")
                        }
                    }
                }
                return Some((Ok::<_, std::convert::Infallible>(Bytes::from(chunk)), state));
            }
            if state.finished || state.deadline.is_some_and(|d| Instant::now() >= d) {
                return None;
            }
            let wake = state
                .deadline
                .map_or(state.next_bookmark, |d| d.min(state.next_bookmark));
            let sleep = tokio::time::sleep_until(tokio::time::Instant::from_std(wake));
            tokio::select! {
                changed = state.changed.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                }
                () = sleep => {
                    if Instant::now() >= state.next_bookmark {
                        state.next_bookmark = Instant::now() + BOOKMARK_EVERY;
                        if state.watch.bookmarks {
                            let version = state.shared.cluster.lock().map(|c| c.watchable_version()).unwrap_or(state.since);
                            state.pending.push_back(encode_line(&state.watch.bookmark(version)));
                        }
                    }
                    continue;
                }
            }
            let Ok(cluster) = state.shared.cluster.lock() else {
                return None;
            };
            let (events, since, expired) =
                cluster.watch_lines(&state.watch, state.since, now_millis());
            drop(cluster);
            state.since = since;
            state.finished = expired;
            state.pending.extend(events);
        }
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, media::watch_content_type(format)),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

/// One watch event as a newline-terminated JSON line.
fn encode_line(event: &Value) -> Arc<[u8]> {
    let mut line = serde_json::to_vec(event).unwrap_or_default();
    line.push(b'\n');
    line.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watches_without_a_timeout_close_between_min_and_twice_min() {
        let min = Duration::from_secs(2);
        let timeouts: Vec<Duration> = (0..200)
            .map(|_| watch_timeout(None, min).expect("a timeout"))
            .collect();
        assert!(timeouts.iter().all(|t| *t >= min && *t < 2 * min));
        // Spread, so watchers do not all re-list at once.
        assert!(timeouts.iter().any(|t| *t < min.mul_f64(1.5)));
        assert!(timeouts.iter().any(|t| *t >= min.mul_f64(1.5)));
        let zero = watch_timeout(Some(0), min).expect("a timeout");
        assert!(
            zero >= min,
            "timeoutSeconds=0 is no timeout, as in kube-apiserver"
        );
        assert_eq!(watch_timeout(Some(7), min), Some(Duration::from_secs(7)));
        assert_eq!(watch_timeout(None, Duration::ZERO), None);
        assert_eq!(
            watch_timeout(Some(7), Duration::ZERO),
            Some(Duration::from_secs(7))
        );
    }
}
