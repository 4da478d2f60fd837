//! 200 watchers while 1,000 writes arrive (issue 15's load figure "200 watchers: 0 events
//! lost"): every watcher must see every change, in order of arrival, over its own HTTP/1.1
//! connection. Prints the writes, the writes per second reached, the events each watcher got
//! and how long the last one took to arrive after the last write.

use crate::common::{bearer, Devcluster, TempDir};
use serde_json::json;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_devcluster");
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
const WATCHERS: usize = 200;
const WRITES: u64 = 1_000;
const WRITERS: u64 = 4;
/// The bytes every MODIFIED event line carries once (compact JSON; the stream's own fields
/// hold no such member).
const EVENT_MARK: &[u8] = br#""type":"MODIFIED""#;

/// How many times `mark` occurs in what a connection sends, counted as the bytes arrive (a
/// mark may be split between two reads).
struct MarkCounter {
    tail: Vec<u8>,
    count: u64,
}

impl MarkCounter {
    fn feed(&mut self, bytes: &[u8]) {
        let mut window = std::mem::take(&mut self.tail);
        window.extend_from_slice(bytes);
        self.count += window
            .windows(EVENT_MARK.len())
            .filter(|w| *w == EVENT_MARK)
            .count() as u64;
        let keep = window.len().min(EVENT_MARK.len() - 1);
        self.tail = window[window.len() - keep..].to_vec();
    }
}

/// Opens a watch of the stream `name` from `version` and counts its MODIFIED events until
/// `expected` arrived or `deadline` passed; the count is published in `seen`.
fn watch(address: &str, name: &str, version: &str, expected: u64, seen: Arc<AtomicU64>) {
    let mut connection = TcpStream::connect(address).expect("connect a watcher");
    connection
        .set_read_timeout(Some(Duration::from_secs(1)))
        .expect("a read timeout");
    let request = format!(
        "GET {STREAMS}?watch=1&resourceVersion={version}&fieldSelector=metadata.name%3D{name}&timeoutSeconds=120 HTTP/1.1\r\nHost: {address}\r\nAuthorization: {}\r\nAccept: application/json\r\n\r\n",
        bearer("developer")
    );
    connection
        .write_all(request.as_bytes())
        .expect("send the watch");
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut counter = MarkCounter {
        tail: Vec::new(),
        count: 0,
    };
    let mut buffer = vec![0; 64 * 1024];
    while counter.count < expected && Instant::now() < deadline {
        match connection.read(&mut buffer) {
            Ok(0) => break,
            Ok(read) => {
                counter.feed(&buffer[..read]);
                seen.store(counter.count, Ordering::Relaxed);
            }
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) => {}
            Err(err) => panic!("a watcher's connection failed: {err}"),
        }
    }
}

#[test]
fn two_hundred_watchers_lose_no_event_during_1000_writes() {
    let _alone = crate::alone();
    let work = TempDir::new("abuse-watchers");
    let args: Vec<String> = [
        "--listen",
        "127.0.0.1:0",
        "--dist",
        &work.0.join("no-console").to_string_lossy(),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let cluster = Devcluster::start(BINARY, &args, &work.0.join("stderr.log"));
    let address = cluster
        .base
        .strip_prefix("http://")
        .expect("plain http")
        .to_owned();
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build(),
    );
    let name = "watched";
    let mut created = agent
        .post(&format!("{}{STREAMS}", cluster.base))
        .header("Authorization", bearer("developer"))
        .header("Content-Type", "application/json")
        .send(json!({"metadata": {"name": name}}).to_string())
        .expect("create the stream");
    assert_eq!(created.status(), 201);
    let created: serde_json::Value =
        serde_json::from_slice(&created.body_mut().read_to_vec().expect("body")).expect("JSON");
    let version = created["metadata"]["resourceVersion"]
        .as_str()
        .expect("a resourceVersion")
        .to_owned();

    let counts: Vec<Arc<AtomicU64>> = (0..WATCHERS).map(|_| Arc::default()).collect();
    let watchers: Vec<_> = counts
        .iter()
        .map(|seen| {
            let (address, version, seen) = (address.clone(), version.clone(), seen.clone());
            std::thread::spawn(move || watch(&address, name, &version, WRITES, seen))
        })
        .collect();
    // Let every watch reach the server before the writes start (events after the version are
    // replayed anyway, so this only keeps the figures about live delivery).
    std::thread::sleep(Duration::from_millis(500));

    let started = Instant::now();
    let writers: Vec<_> = (0..WRITERS)
        .map(|writer| {
            let (agent, base) = (agent.clone(), cluster.base.clone());
            std::thread::spawn(move || {
                for n in 0..WRITES / WRITERS {
                    let patch = json!({"metadata": {"annotations": {format!("writer-{writer}"): n.to_string()}}});
                    let response = agent
                        .patch(&format!("{base}{STREAMS}/{name}"))
                        .header("Authorization", bearer("developer"))
                        .header("Content-Type", "application/merge-patch+json")
                        .send(patch.to_string())
                        .expect("a patch");
                    assert_eq!(response.status(), 200, "a write was refused");
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("a writer");
    }
    let writing = started.elapsed();
    for watcher in watchers {
        watcher.join().expect("a watcher");
    }
    let delivered = started.elapsed();
    let got: Vec<u64> = counts.iter().map(|c| c.load(Ordering::Relaxed)).collect();
    let lost: u64 = got.iter().map(|g| WRITES.saturating_sub(*g)).sum();
    let fewest = got.iter().min().copied().unwrap_or_default();
    report!(
        "watchers: {WATCHERS}; writes: {WRITES} from {WRITERS} writers in {:.2} s ({:.0} writes/s); events per watcher: fewest {fewest}, expected {WRITES}; events lost: {lost}; last event {:.2} s after the last write",
        writing.as_secs_f64(),
        WRITES as f64 / writing.as_secs_f64(),
        delivered.saturating_sub(writing).as_secs_f64(),
    );
    assert_eq!(lost, 0, "events lost: per watcher {got:?}");
    assert!(
        got.iter().all(|g| *g == WRITES),
        "a watcher saw more events than writes: {got:?}"
    );
}
