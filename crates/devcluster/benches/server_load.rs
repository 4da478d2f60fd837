//! Load benchmark of the devcluster HTTP server (issue 4): lists of 20,000 image streams (JSON,
//! Table, and chunked with `limit`), then 100 watch clients while 1,000 updates/s are written.
//!
//! It starts the real `devcluster` binary (the one cargo builds beside this bench, with the
//! release profile the bench profile inherits) on a free loopback port with `--seed-streams N`,
//! which generates the streams at start-up (5 spec tags, 3 history images per tag, recorded as
//! imported), and measures from the outside as a client would; the process is killed when the
//! run ends. With `--seed-over-http` the same streams are seeded over HTTP as `admin` instead (a
//! create, then the `status` subresource, since a create resets status): at present every write
//! costs the server a pass over all streams, so that path is for small runs.
//!
//! Watches and writes use the `developer` token (edit in `demo`). Every write is a JSON merge
//! patch putting a sequence number in an annotation; the write's response time is recorded per
//! sequence number, and each watch client records when the event carrying that number arrives,
//! so delivery latency and lost events are exact. Writers follow a fixed schedule (slot `s` due
//! at `s / rate`); a writer that falls behind sends back to back and stops at the end of the
//! phase, so the achieved rate and the lag behind schedule are reported.
//!
//! Figures are printed as a table and written to `<output>.md` and `<output>.json` (default
//! `target/bench-devcluster`). The only budget is correctness: no watch event may be lost; the
//! exit status is 1 when it is missed or the run fails. Timings are reported only: they depend on
//! the machine, and the server and this client share its cores.
//!
//! ```text
//! cargo bench -p imagestream-devcluster --bench server_load -- [--smoke] [--streams N]
//!     [--clients N] [--rate N] [--seconds N] [--writers N] [--runs N] [--page N]
//!     [--seed-over-http] [--seed-concurrency N] [--drain-seconds N] [--max-rss-mb N]
//!     [--server PATH] [--output PREFIX]
//! ```

mod support;

use http_body_util::BodyExt;
use hyper::{Method, StatusCode};
use imagestream_devcluster::seed::{generated_stream, DEMO_USERS};
use memchr::memmem;
use serde::Deserialize;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::{
    create_stream, ms, nearest_rank, write_figures, write_seq, Args, CommonOptions, Devcluster,
    Fetched, Http, Report, Schedule, NAMESPACE, REQUEST_LIMIT, SEQ_ANNOTATION, STREAMS_PATH,
};

/// Spec tags per generated stream, each with [`HISTORY`] images in its status.
const TAGS: usize = 5;
/// Images in each status tag's history.
const HISTORY: usize = 3;
/// What `kubectl get` sends to get a Table.
const TABLE_ACCEPT: &str = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
/// How long a full list may take before the run fails.
const LIST_LIMIT: Duration = Duration::from_secs(300);

/// What the run was asked to do.
#[derive(Debug, Clone)]
struct Options {
    streams: usize,
    clients: usize,
    common: CommonOptions,
    runs: usize,
    page: usize,
    seed_over_http: bool,
    seed_concurrency: usize,
    max_rss_mb: u64,
}

const USAGE: &str = "usage: server_load [--smoke] [--streams N] [--clients N] [--rate N] [--seconds N] [--writers N] [--runs N] [--page N] [--seed-over-http] [--seed-concurrency N] [--drain-seconds N] [--max-rss-mb N] [--server PATH] [--output PREFIX]

  --smoke             small run: 200 streams, 5 clients, 100 writes/s for 2 s, 3 list runs,
                      figures to target/bench-devcluster-smoke.{md,json}
  --streams N         image streams to seed in namespace demo (default 20000)
  --clients N         watch clients (default 100)
  --rate N            writes per second, all writers together (default 1000)
  --seconds N         how long writes go on (default 10)
  --writers N         concurrent writers (default 8)
  --runs N            repetitions of each list measurement (default 10)
  --page N            limit of the chunked list (default 500)
  --seed-over-http    seed with a create and a status PUT per stream, as admin, instead of
                      starting devcluster with --seed-streams N (same streams)
  --seed-concurrency N  concurrent seeding requests with --seed-over-http (default 8)
  --drain-seconds N   how long watch clients may take to catch up after the last write (default 120)
  --max-rss-mb N      stop the watch phase if devcluster's RSS passes this (default 8192)
  --server PATH       the devcluster binary (default: the one cargo built for this bench)
  --output PREFIX     figures go to PREFIX.md and PREFIX.json (default target/bench-devcluster)";

impl Options {
    /// Reads the command line; `--bench`, which `cargo bench` adds, is ignored.
    fn parse(args: Vec<String>) -> Result<Self, String> {
        let smoke = args.iter().any(|a| a == "--smoke");
        let mut options = Options {
            streams: 20_000,
            clients: 100,
            common: CommonOptions::new(
                smoke,
                if smoke { 30 } else { 120 },
                PathBuf::from(env!("CARGO_BIN_EXE_devcluster")),
                "bench-devcluster",
            ),
            runs: 10,
            page: 500,
            seed_over_http: false,
            seed_concurrency: 8,
            max_rss_mb: 8_192,
        };
        if smoke {
            options.streams = 200;
            options.clients = 5;
            options.runs = 3;
            options.page = 50;
        }
        let mut args = Args::new(args);
        while let Some(flag) = args.flag() {
            let mut number = |min: u64| args.number(&flag, min);
            match flag.as_str() {
                "--streams" => options.streams = number(1)? as usize,
                "--clients" => options.clients = number(1)? as usize,
                "--runs" => options.runs = number(1)? as usize,
                "--page" => options.page = number(1)? as usize,
                "--seed-over-http" => options.seed_over_http = true,
                "--seed-concurrency" => options.seed_concurrency = number(1)? as usize,
                "--max-rss-mb" => options.max_rss_mb = number(64)?,
                other => args.common(other, &mut options.common)?,
            }
        }
        Ok(options)
    }
}

/// The `Authorization` header of a seeded user.
fn token(user: &str) -> String {
    DEMO_USERS
        .iter()
        .find(|u| u.name == user)
        .map(|u| format!("Bearer {}", u.token))
        .unwrap_or_default()
}

/// Starts `binary` with `args` on a free loopback port, serving an empty console: only the
/// API is measured, and devcluster does not warn that the console is missing.
fn start_server(binary: &Path, args: &[String]) -> Result<Devcluster, String> {
    let empty_dist = std::env::temp_dir().join("devcluster-bench-no-console");
    std::fs::create_dir_all(&empty_dist)
        .map_err(|e| format!("cannot create {empty_dist:?}: {e}"))?;
    std::fs::write(empty_dist.join("index.html"), "")
        .map_err(|e| format!("cannot write into {empty_dist:?}: {e}"))?;
    let mut all = vec!["--dist".to_owned(), empty_dist.display().to_string()];
    all.extend_from_slice(args);
    Devcluster::start(
        binary,
        all,
        Duration::from_secs(300),
        "or pass --server PATH",
    )
}

/// Resident memory of a process from `/proc/<pid>/status`: (VmRSS, VmHWM) in bytes.
fn memory(pid: u32) -> (u64, u64) {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

impl Http {
    /// A GET as `user`.
    async fn get(
        &self,
        path: &str,
        user: &str,
        accept: &str,
        limit: Duration,
    ) -> Result<Fetched, String> {
        let request = self.request(Method::GET, path, Some(&token(user)), accept, None)?;
        self.send(request, limit).await
    }
}

/// Seeds `options.streams` image streams over HTTP as admin: a create, then the stream's status
/// through the `status` subresource (a create resets the status). The streams are devcluster's
/// own [`generated_stream`]s, as `--seed-streams` makes them.
async fn seed_over_http(http: &Http, options: &Options) -> Result<(), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let mut tasks = Vec::new();
    for _ in 0..options.seed_concurrency {
        let (http, next, total) = (http.clone(), next.clone(), options.streams);
        let admin = token("admin");
        tasks.push(tokio::spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= total {
                    return Ok::<(), String>(());
                }
                let stream = generated_stream(NAMESPACE, index, now);
                create_stream(&http, &admin, &admin, &stream)
                    .await
                    .map_err(|e| format!("seeding: {e}"))?;
            }
        }));
    }
    for task in tasks {
        task.await
            .map_err(|e| format!("a seeding task failed: {e}"))??;
    }
    Ok(())
}

/// Waits until the cluster-wide resourceVersion stops moving for a second (at most 5 minutes):
/// after streams are created over HTTP the import controller tries their tags (and fails, as
/// only loopback registries are reachable), writing their status. Returns the wait and how many
/// writes happened meanwhile.
async fn settle(http: &Http) -> Result<(Duration, u64), String> {
    let version = || async {
        let path = format!("{STREAMS_PATH}?limit=1");
        let fetched = http
            .get(&path, "admin", "application/json", REQUEST_LIMIT)
            .await?;
        fetched.expect(200, "settling")?;
        let head: ListHead = serde_json::from_slice(&fetched.body)
            .map_err(|e| format!("settling: the list does not decode: {e}"))?;
        head.metadata
            .resource_version
            .parse::<u64>()
            .map_err(|e| format!("settling: resourceVersion: {e}"))
    };
    let started = Instant::now();
    let first = version().await?;
    let (mut last, mut since) = (first, Instant::now());
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = version().await?;
        if now != last {
            (last, since) = (now, Instant::now());
        } else if since.elapsed() >= Duration::from_secs(1) {
            return Ok((started.elapsed() - since.elapsed(), last - first));
        }
        if started.elapsed() > Duration::from_secs(300) {
            return Err("the cluster kept changing for 5 minutes after seeding".into());
        }
    }
}

/// The list metadata a client reads.
#[derive(Deserialize, Default)]
struct ListMeta {
    #[serde(rename = "resourceVersion", default)]
    resource_version: String,
}

/// A list with its items skipped over (counted, not decoded).
#[derive(Deserialize)]
struct ListHead {
    metadata: ListMeta,
    #[serde(default)]
    items: Vec<serde::de::IgnoredAny>,
    #[serde(default)]
    rows: Vec<serde::de::IgnoredAny>,
}

/// The `continue` token of a list page, found without decoding the page.
fn continue_token(body: &[u8]) -> Option<String> {
    const KEY: &[u8] = b"\"continue\":\"";
    let at = memmem::rfind(body, KEY)? + KEY.len();
    let end = memchr::memchr(b'"', &body[at..])?;
    let token = std::str::from_utf8(&body[at..at + end]).ok()?;
    (!token.is_empty()).then(|| token.to_owned())
}

/// Timings of repeated runs of one measurement.
#[derive(Default)]
struct Samples(Vec<Duration>);

impl Samples {
    /// The nearest-rank percentile `p` (0–100).
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort_unstable();
        nearest_rank(&sorted, p).unwrap_or_default()
    }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1_000_000.0
}

/// What the list measurements found.
struct ListFigures {
    resource_version: String,
    json: (Samples, Samples, u64),
    table: (Samples, Samples, u64),
    paged_first: Samples,
    paged_whole: Samples,
    pages: usize,
}

/// Full list as JSON, full list as Table, and the chunked list, each `options.runs` times.
async fn measure_lists(http: &Http, options: &Options) -> Result<ListFigures, String> {
    let full = |accept: &'static str, what: &'static str| {
        let http = http.clone();
        let (runs, streams) = (options.runs, options.streams);
        async move {
            let (mut first, mut last, mut bytes) = (Samples::default(), Samples::default(), 0);
            let mut version = String::new();
            for run in 0..runs {
                let fetched = http
                    .get(STREAMS_PATH, "developer", accept, LIST_LIMIT)
                    .await?;
                fetched.expect(200, what)?;
                first.0.push(fetched.first_byte);
                last.0.push(fetched.last_byte);
                bytes = fetched.body.len() as u64;
                if run == 0 {
                    let head: ListHead = serde_json::from_slice(&fetched.body)
                        .map_err(|e| format!("{what}: the answer does not decode: {e}"))?;
                    let count = head.items.len().max(head.rows.len());
                    if count != streams {
                        return Err(format!("{what}: {count} items, expected {streams}"));
                    }
                    version = head.metadata.resource_version;
                }
            }
            Ok::<_, String>((first, last, bytes, version))
        }
    };
    let (first, last, bytes, resource_version) = full("application/json", "list (JSON)").await?;
    let json_figures = (first, last, bytes);
    let (first, last, bytes, _) = full(TABLE_ACCEPT, "list (Table)").await?;
    let table_figures = (first, last, bytes);

    let (mut paged_first, mut paged_whole, mut pages) = (Samples::default(), Samples::default(), 0);
    for run in 0..options.runs {
        let started = Instant::now();
        let mut token: Option<String> = None;
        let mut bodies = Vec::new();
        pages = 0;
        loop {
            let mut path = format!("{STREAMS_PATH}?limit={}", options.page);
            if let Some(token) = &token {
                path.push_str("&continue=");
                path.push_str(token);
            }
            let fetched = http
                .get(&path, "developer", "application/json", REQUEST_LIMIT)
                .await?;
            fetched.expect(200, "chunked list")?;
            pages += 1;
            if pages == 1 {
                paged_first.0.push(started.elapsed());
            }
            token = continue_token(&fetched.body);
            if run == 0 {
                bodies.push(fetched.body);
            }
            if token.is_none() {
                break;
            }
            if pages > options.streams / options.page + 2 {
                return Err("chunked list: more pages than items allow".into());
            }
        }
        paged_whole.0.push(started.elapsed());
        // The first run's pages are checked after the timing: every item once, one version.
        let mut count = 0;
        for body in &bodies {
            let head: ListHead = serde_json::from_slice(body)
                .map_err(|e| format!("chunked list: a page does not decode: {e}"))?;
            count += head.items.len();
            if head.metadata.resource_version != resource_version {
                return Err(format!(
                    "chunked list: page at version {}, the list was at {resource_version}",
                    head.metadata.resource_version
                ));
            }
        }
        if run == 0 && count != options.streams {
            return Err(format!(
                "chunked list: {count} items, expected {}",
                options.streams
            ));
        }
    }
    Ok(ListFigures {
        resource_version,
        json: json_figures,
        table: table_figures,
        paged_first,
        paged_whole,
        pages,
    })
}

/// What one watch client saw.
#[derive(Default)]
struct WatchLog {
    /// (sequence number, nanoseconds since the run's origin) of each benchmark event.
    received: Vec<(u32, u64)>,
    errors: usize,
    first_error: Option<String>,
    other: usize,
    bytes: u64,
    ended_early: bool,
}

/// The `type` of a watch event line, whichever order the server writes its keys in.
fn event_type(line: &[u8]) -> &[u8] {
    const KEY: &[u8] = b"\"type\":\"";
    let at = if line.starts_with(b"{\"type\":\"") {
        Some(1)
    } else {
        let tail = line.len().saturating_sub(48);
        memmem::rfind(&line[tail..], KEY).map(|i| tail + i)
    };
    at.and_then(|i| {
        let rest = &line[i + KEY.len()..];
        memchr::memchr(b'"', rest).map(|end| &rest[..end])
    })
    .unwrap_or_default()
}

/// Reads one watch until `stop` says so or the stream ends.
async fn watch_client(
    http: Http,
    path: String,
    origin: Instant,
    progress: Arc<Vec<AtomicUsize>>,
    index: usize,
    connected: tokio::sync::mpsc::Sender<Result<(), String>>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> WatchLog {
    let mut log = WatchLog::default();
    let developer = token("developer");
    let request = http.request(
        Method::GET,
        &path,
        Some(&developer),
        "application/json",
        None,
    );
    let response = match request {
        Ok(request) => tokio::time::timeout(REQUEST_LIMIT, http.client.request(request)).await,
        Err(message) => {
            let _ = connected.send(Err(message)).await;
            return log;
        }
    };
    let mut body = match response {
        Ok(Ok(response)) if response.status() == StatusCode::OK => {
            let _ = connected.send(Ok(())).await;
            response.into_body()
        }
        Ok(Ok(response)) => {
            let _ = connected
                .send(Err(format!("watch {index}: status {}", response.status())))
                .await;
            return log;
        }
        Ok(Err(err)) => {
            let _ = connected.send(Err(format!("watch {index}: {err}"))).await;
            return log;
        }
        Err(_) => {
            let _ = connected
                .send(Err(format!(
                    "watch {index}: no answer within {REQUEST_LIMIT:?}"
                )))
                .await;
            return log;
        }
    };
    drop(connected);
    let needle = format!("\"{SEQ_ANNOTATION}\":\"");
    let finder = memmem::Finder::new(needle.as_bytes());
    let mut buffer: Vec<u8> = Vec::with_capacity(64 * 1024);
    loop {
        let frame = tokio::select! {
            biased;
            _ = stop.changed() => break,
            frame = body.frame() => frame,
        };
        let data = match frame {
            None => {
                log.ended_early = true;
                break;
            }
            Some(Err(err)) => {
                log.ended_early = true;
                log.first_error
                    .get_or_insert_with(|| format!("watch stream failed: {err}"));
                break;
            }
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
        };
        let now = origin.elapsed().as_nanos() as u64;
        log.bytes += data.len() as u64;
        buffer.extend_from_slice(&data);
        let mut start = 0;
        while let Some(end) = memchr::memchr(b'\n', &buffer[start..]) {
            let line = &buffer[start..start + end];
            start += end + 1;
            match event_type(line) {
                b"BOOKMARK" => {}
                b"ERROR" => {
                    log.errors += 1;
                    log.first_error.get_or_insert_with(|| {
                        String::from_utf8_lossy(&line[..line.len().min(300)]).into_owned()
                    });
                }
                _ => {
                    let seq = finder.find(line).and_then(|at| {
                        let rest = &line[at + needle.len()..];
                        let digits = memchr::memchr(b'"', rest)?;
                        std::str::from_utf8(&rest[..digits])
                            .ok()?
                            .parse::<u32>()
                            .ok()
                    });
                    match seq {
                        Some(seq) => {
                            log.received.push((seq, now));
                            progress[index].fetch_add(1, Ordering::Relaxed);
                        }
                        None => log.other += 1,
                    }
                }
            }
        }
        buffer.drain(..start);
    }
    log
}

/// What one writer did.
#[derive(Default)]
struct WriterLog {
    /// Request to response, per successful write.
    latencies: Vec<Duration>,
    /// How late each write started against its schedule.
    lags: Vec<Duration>,
    failed: usize,
    first_failure: Option<String>,
    skipped: usize,
}

/// Writer `writer` of `options.common.writers`: slots `writer, writer + writers, …` of the schedule,
/// slot `s` due at `start + s / rate`; once late past the end of the phase it stops.
async fn writer(
    http: Http,
    options: Options,
    writer: usize,
    schedule: Schedule,
    origin: Instant,
    done: Arc<Vec<AtomicU64>>,
) -> WriterLog {
    let mut log = WriterLog::default();
    let developer = token("developer");
    for slot in (writer..options.common.planned_writes()).step_by(options.common.writers) {
        let Some(lag) = schedule.wait(slot).await else {
            log.skipped += 1;
            continue;
        };
        log.lags.push(lag);
        match write_seq(&http, &developer, options.streams, slot).await {
            Ok(fetched) if fetched.status == StatusCode::OK => {
                done[slot].store(origin.elapsed().as_nanos() as u64 + 1, Ordering::Relaxed);
                log.latencies.push(fetched.last_byte);
            }
            Ok(fetched) => {
                log.failed += 1;
                if let Err(message) = fetched.expect(200, "write") {
                    log.first_failure.get_or_insert(message);
                }
            }
            Err(message) => {
                log.failed += 1;
                log.first_failure.get_or_insert(message);
            }
        }
    }
    log
}

/// What the watch phase found.
struct WatchFigures {
    connect: Duration,
    planned: usize,
    succeeded: usize,
    failed: usize,
    skipped: usize,
    first_failure: Option<String>,
    write_window: Duration,
    write_latency: Vec<Duration>,
    write_lag: Vec<Duration>,
    delivery: Vec<u64>,
    delivered_before_response: usize,
    received_min: usize,
    received_max: usize,
    lost: usize,
    duplicates: usize,
    unexpected: usize,
    errors: usize,
    first_error: Option<String>,
    ended_early: usize,
    catch_up: Option<Duration>,
    bytes: u64,
    events: usize,
    rss_peak: u64,
    rss_end: u64,
    aborted: Option<String>,
    server_cpu: Duration,
    bench_cpu: Duration,
    wall: Duration,
}

/// Opens the watches from `resource_version`, writes for `options.common.seconds`, waits for the
/// clients to catch up (at most `options.common.drain_seconds`), and tallies what each one got.
async fn watch_phase(
    http: &Http,
    options: &Options,
    resource_version: &str,
    pid: u32,
) -> Result<WatchFigures, String> {
    let origin = Instant::now();
    let timeout = options.common.seconds + options.common.drain_seconds + 120;
    let path = format!(
        "{STREAMS_PATH}?watch=1&resourceVersion={resource_version}&timeoutSeconds={timeout}"
    );
    let progress: Arc<Vec<AtomicUsize>> =
        Arc::new((0..options.clients).map(|_| AtomicUsize::new(0)).collect());
    let (stop_sender, stop) = tokio::sync::watch::channel(false);
    let (connected_sender, mut connected) = tokio::sync::mpsc::channel(options.clients);
    let mut clients = Vec::new();
    for index in 0..options.clients {
        clients.push(tokio::spawn(watch_client(
            http.clone(),
            path.clone(),
            origin,
            progress.clone(),
            index,
            connected_sender.clone(),
            stop.clone(),
        )));
    }
    drop(connected_sender);
    for _ in 0..options.clients {
        match connected.recv().await {
            Some(Ok(())) => {}
            Some(Err(message)) => {
                let _ = stop_sender.send(true);
                return Err(message);
            }
            None => return Err("a watch client ended before connecting".into()),
        }
    }
    let connect = origin.elapsed();

    // Memory while the phase runs, sampled every 100 ms; past the limit the phase stops.
    let limit = options.max_rss_mb * 1_000_000;
    let (sampler_stop, mut sampler_stopped) = tokio::sync::watch::channel(false);
    let abort_writes = stop_sender.clone();
    let sampler = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            let (rss, _) = memory(pid);
            peak = peak.max(rss);
            if rss > limit {
                let _ = abort_writes.send(true);
                return (
                    peak,
                    Some(format!(
                        "devcluster RSS {:.0} MB passed --max-rss-mb",
                        mb(rss)
                    )),
                );
            }
            tokio::select! {
                _ = sampler_stopped.changed() => return (peak, None),
                () = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
    });

    let cpu_before = (
        support::cpu_time(&pid.to_string()),
        support::cpu_time("self"),
    );
    let wall_start = Instant::now();
    let done: Arc<Vec<AtomicU64>> = Arc::new(
        (0..options.common.planned_writes())
            .map(|_| AtomicU64::new(0))
            .collect(),
    );
    let schedule = Schedule::new(&options.common);
    let writers: Vec<_> = (0..options.common.writers)
        .map(|w| {
            let mut stop = stop.clone();
            let task = writer(
                http.clone(),
                options.clone(),
                w,
                schedule,
                origin,
                done.clone(),
            );
            tokio::spawn(async move {
                tokio::select! {
                    log = task => log,
                    _ = stop.changed() => WriterLog::default(),
                }
            })
        })
        .collect();
    let mut logs = Vec::new();
    for task in writers {
        logs.push(task.await.map_err(|e| format!("a writer failed: {e}"))?);
    }
    let writes_over = Instant::now();
    let write_window = writes_over.saturating_duration_since(schedule.start.into_std());
    let succeeded = done
        .iter()
        .filter(|d| d.load(Ordering::Relaxed) != 0)
        .count();

    // Catch-up: until every client has as many events as writes succeeded, the drain time has
    // passed since the last write, or the phase was aborted. Events not in by then count as lost.
    let drain_limit = Duration::from_secs(options.common.drain_seconds);
    let mut catch_up = None;
    while !*stop.borrow() {
        let behind = progress
            .iter()
            .any(|p| p.load(Ordering::Relaxed) < succeeded);
        if !behind {
            catch_up = Some(writes_over.elapsed());
            break;
        }
        if writes_over.elapsed() > drain_limit {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let wall = wall_start.elapsed();
    let cpu_after = (
        support::cpu_time(&pid.to_string()),
        support::cpu_time("self"),
    );
    let _ = stop_sender.send(true);
    let _ = sampler_stop.send(true);
    let (rss_peak, aborted) = sampler
        .await
        .map_err(|e| format!("the memory sampler failed: {e}"))?;
    let (rss_end, _) = memory(pid);
    let mut watch_logs = Vec::new();
    for client in clients {
        watch_logs.push(
            client
                .await
                .map_err(|e| format!("a watch client failed: {e}"))?,
        );
    }

    let done_at: Vec<u64> = done.iter().map(|d| d.load(Ordering::Relaxed)).collect();
    let mut delivery = Vec::new();
    let (mut before, mut lost, mut duplicates, mut unexpected) = (0, 0, 0, 0);
    let (mut received_min, mut received_max) = (usize::MAX, 0);
    for log in &watch_logs {
        let mut seen = vec![false; done_at.len()];
        let mut distinct = 0;
        for &(seq, at) in &log.received {
            let seq = seq as usize;
            let Some(&written) = done_at.get(seq).filter(|w| **w != 0) else {
                unexpected += 1;
                continue;
            };
            if std::mem::replace(&mut seen[seq], true) {
                duplicates += 1;
                continue;
            }
            distinct += 1;
            let written = written - 1;
            if at < written {
                before += 1;
            }
            delivery.push(at.saturating_sub(written));
        }
        lost += succeeded - distinct;
        received_min = received_min.min(distinct);
        received_max = received_max.max(distinct);
    }
    delivery.sort_unstable();
    let mut write_latency: Vec<Duration> = logs
        .iter()
        .flat_map(|l| l.latencies.iter().copied())
        .collect();
    write_latency.sort_unstable();
    let mut write_lag: Vec<Duration> = logs.iter().flat_map(|l| l.lags.iter().copied()).collect();
    write_lag.sort_unstable();
    Ok(WatchFigures {
        connect,
        planned: options.common.planned_writes(),
        succeeded,
        failed: logs.iter().map(|l| l.failed).sum(),
        skipped: logs.iter().map(|l| l.skipped).sum(),
        first_failure: logs.iter().find_map(|l| l.first_failure.clone()),
        write_window,
        write_latency,
        write_lag,
        delivery,
        delivered_before_response: before,
        received_min: if watch_logs.is_empty() {
            0
        } else {
            received_min
        },
        received_max,
        lost,
        duplicates,
        unexpected: unexpected + watch_logs.iter().map(|l| l.other).sum::<usize>(),
        errors: watch_logs.iter().map(|l| l.errors).sum(),
        first_error: watch_logs.iter().find_map(|l| l.first_error.clone()),
        ended_early: watch_logs.iter().filter(|l| l.ended_early).count(),
        catch_up,
        bytes: watch_logs.iter().map(|l| l.bytes).sum(),
        events: watch_logs.iter().map(|l| l.received.len()).sum(),
        rss_peak,
        rss_end,
        aborted,
        server_cpu: cpu_after.0.saturating_sub(cpu_before.0),
        bench_cpu: cpu_after.1.saturating_sub(cpu_before.1),
        wall,
    })
}

/// The figures of this bench beyond [`Report::add`] and [`Report::budget`].
impl Report {
    /// Percentiles of a latency distribution.
    fn latency(&mut self, key: &str, figure: &str, sorted_nanos: &[u64]) {
        let p = |q: f64| nearest_rank(sorted_nanos, q).unwrap_or(0) as f64 / 1e6;
        let max = sorted_nanos.last().copied().unwrap_or(0) as f64 / 1e6;
        self.add(
            key,
            figure,
            format!(
                "p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {max:.2} ms ({} samples)",
                p(50.0),
                p(95.0),
                p(99.0),
                sorted_nanos.len()
            ),
            json!({"p50_ms": p(50.0), "p95_ms": p(95.0), "p99_ms": p(99.0), "max_ms": max, "samples": sorted_nanos.len()}),
        );
    }

    /// Median and p95 of repeated runs.
    fn runs(&mut self, key: &str, figure: &str, samples: &Samples, extra: &str) {
        let (median, p95) = (ms(samples.percentile(50.0)), ms(samples.percentile(95.0)));
        self.add(
            key,
            figure,
            format!(
                "median {median:.1} ms, p95 {p95:.1} ms ({} runs){extra}",
                samples.0.len()
            ),
            json!({"median_ms": median, "p95_ms": p95, "runs": samples.0.len()}),
        );
    }
}

fn nanos(sorted: &[Duration]) -> Vec<u64> {
    sorted.iter().map(|d| d.as_nanos() as u64).collect()
}

async fn run(options: &Options, server: &Devcluster, report: &mut Report) -> Result<(), String> {
    let http = Http::new(&server.base);
    let pid = server.pid();
    let version = http
        .get("/version", "developer", "application/json", REQUEST_LIMIT)
        .await?;
    version.expect(200, "GET /version")?;
    let (rss_start, _) = memory(pid);

    if options.seed_over_http {
        eprintln!(
            "seeding {} image streams into {NAMESPACE} over HTTP ...",
            options.streams
        );
        let started = Instant::now();
        seed_over_http(&http, options).await?;
        let seeding = started.elapsed();
        report.add(
            "seed",
            "seeding over HTTP (create + status PUT per stream)",
            format!(
                "{} streams in {:.1} s = {:.0} streams/s, {} concurrent",
                options.streams,
                seeding.as_secs_f64(),
                options.streams as f64 / seeding.as_secs_f64(),
                options.seed_concurrency
            ),
            json!({"streams": options.streams, "seconds": seeding.as_secs_f64(), "concurrency": options.seed_concurrency, "over_http": true}),
        );
    } else {
        report.add(
            "seed",
            "devcluster start-up with --seed-streams (generating them)",
            format!(
                "{:.2} s for {} streams",
                server.startup.as_secs_f64(),
                options.streams
            ),
            json!({"streams": options.streams, "seconds": server.startup.as_secs_f64(), "over_http": false}),
        );
    }
    let (settled, background_writes) = settle(&http).await?;
    let (rss_seeded, _) = memory(pid);
    report.add(
        "settle",
        "after seeding: cluster writes until 1 s quiet",
        format!(
            "{background_writes} writes in {:.1} s (the import controller's)",
            settled.as_secs_f64()
        ),
        json!({"writes": background_writes, "seconds": settled.as_secs_f64()}),
    );
    report.add(
        "rss_start_mb",
        "devcluster RSS once serving",
        format!("{:.1} MB", mb(rss_start)),
        json!(mb(rss_start)),
    );
    report.add(
        "rss_seeded_mb",
        "devcluster RSS after seeding",
        format!("{:.1} MB", mb(rss_seeded)),
        json!(mb(rss_seeded)),
    );

    eprintln!("measuring lists ({} runs each) ...", options.runs);
    let lists = measure_lists(&http, options).await?;
    for (key, figure, (first, last, bytes)) in [
        ("list_json", "full list, JSON", &lists.json),
        ("list_table", "full list, Table", &lists.table),
    ] {
        report.runs(
            &format!("{key}_last_byte"),
            &format!("{figure}: time to last byte"),
            last,
            &format!(", {:.1} MB", mb(*bytes)),
        );
        report.runs(
            &format!("{key}_first_byte"),
            &format!("{figure}: time to first byte"),
            first,
            "",
        );
        report.figures.insert(format!("{key}_bytes"), json!(bytes));
    }
    report.runs(
        "list_paged_first_page",
        &format!("chunked list (limit={}): first page", options.page),
        &lists.paged_first,
        "",
    );
    report.runs(
        "list_paged_whole",
        &format!("chunked list (limit={}): whole list", options.page),
        &lists.paged_whole,
        &format!(", {} pages", lists.pages),
    );
    let (rss_lists, hwm_lists) = memory(pid);
    let hwm_lists = hwm_lists.max(rss_lists);
    report.add(
        "rss_after_lists_mb",
        "devcluster RSS after the lists",
        format!(
            "{:.1} MB (peak so far {:.1} MB)",
            mb(rss_lists),
            mb(hwm_lists)
        ),
        json!({"rss": mb(rss_lists), "hwm": mb(hwm_lists)}),
    );

    eprintln!(
        "watch phase: {} clients, {} writes/s for {} s from {} writers ...",
        options.clients, options.common.rate, options.common.seconds, options.common.writers
    );
    let watch = watch_phase(&http, options, &lists.resource_version, pid).await?;
    report.add(
        "watch_connect_ms",
        "watch clients connected",
        format!("{} in {:.1} ms", options.clients, ms(watch.connect)),
        json!(ms(watch.connect)),
    );
    let achieved = watch.succeeded as f64 / watch.write_window.as_secs_f64().max(1e-9);
    report.add(
        "write_rate",
        "achieved write rate",
        format!(
            "{achieved:.0} writes/s (target {}); {} planned, {} succeeded, {} failed, {} not sent (behind schedule at the end)",
            options.common.rate, watch.planned, watch.succeeded, watch.failed, watch.skipped
        ),
        json!({"per_second": achieved, "target": options.common.rate, "planned": watch.planned, "succeeded": watch.succeeded, "failed": watch.failed, "skipped": watch.skipped, "window_s": watch.write_window.as_secs_f64()}),
    );
    report.latency(
        "write_latency",
        "write latency (PATCH, request to response)",
        &nanos(&watch.write_latency),
    );
    report.latency(
        "write_lag",
        "write start behind schedule",
        &nanos(&watch.write_lag),
    );
    report.latency(
        "delivery_latency",
        "event delivery latency (write response to event)",
        &watch.delivery,
    );
    report.add(
        "delivered_before_response",
        "events that arrived before their write's response",
        format!("{} (counted as 0 ms)", watch.delivered_before_response),
        json!(watch.delivered_before_response),
    );
    report.add(
        "events_per_client",
        "events per client, expected / received",
        format!(
            "{} / min {} max {}",
            watch.succeeded, watch.received_min, watch.received_max
        ),
        json!({"expected": watch.succeeded, "min": watch.received_min, "max": watch.received_max}),
    );
    report.failed |= !report.budget(
        "lost_events",
        "lost events (all clients; not received within the drain time)",
        watch.lost.to_string(),
        json!(watch.lost),
        "0",
        watch.lost == 0,
    );
    report.add(
        "stream_anomalies",
        "duplicate / unexpected / ERROR events, streams ended early",
        format!("{} / {} / {} / {}", watch.duplicates, watch.unexpected, watch.errors, watch.ended_early),
        json!({"duplicates": watch.duplicates, "unexpected": watch.unexpected, "errors": watch.errors, "ended_early": watch.ended_early}),
    );
    report.add(
        "catch_up_s",
        "catch-up after the last write (all clients have all events)",
        match watch.catch_up {
            Some(time) => format!("{:.2} s", time.as_secs_f64()),
            None => format!("not reached within {} s", options.common.drain_seconds),
        },
        json!(watch.catch_up.map(|t| t.as_secs_f64())),
    );
    report.add(
        "watch_bytes",
        "watch traffic",
        format!(
            "{:.1} MB in {} events ({:.0} bytes/event)",
            mb(watch.bytes),
            watch.events,
            watch.bytes as f64 / watch.events.max(1) as f64
        ),
        json!({"bytes": watch.bytes, "events": watch.events}),
    );
    let wall = watch.wall.as_secs_f64().max(1e-9);
    report.add(
        "cpu",
        "CPU during writes + catch-up: devcluster / this client",
        format!(
            "{:.1} s / {:.1} s over {wall:.1} s wall = {:.2} / {:.2} cores of {}",
            watch.server_cpu.as_secs_f64(),
            watch.bench_cpu.as_secs_f64(),
            watch.server_cpu.as_secs_f64() / wall,
            watch.bench_cpu.as_secs_f64() / wall,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        ),
        json!({"server_s": watch.server_cpu.as_secs_f64(), "client_s": watch.bench_cpu.as_secs_f64(), "wall_s": wall}),
    );
    // VmHWM is updated lazily by the kernel: a sample may be above it.
    let hwm = memory(pid).1.max(watch.rss_peak).max(hwm_lists);
    report.add(
        "rss_watch_mb",
        "devcluster RSS in the watch phase: peak (sampled every 100 ms) / at the end",
        format!(
            "{:.1} MB / {:.1} MB (process peak over the run {:.1} MB)",
            mb(watch.rss_peak),
            mb(watch.rss_end),
            mb(hwm)
        ),
        json!({"peak": mb(watch.rss_peak), "end": mb(watch.rss_end), "process_hwm": mb(hwm)}),
    );
    if let Some(message) = &watch.first_failure {
        eprintln!("first failed write: {message}");
    }
    if let Some(message) = &watch.first_error {
        eprintln!("first watch error: {message}");
    }
    if let Some(message) = watch.aborted {
        return Err(format!("watch phase stopped: {message}"));
    }
    Ok(())
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1).collect()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("server_load: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match support::runtime() {
        Ok(runtime) => runtime,
        Err(message) => {
            eprintln!("server_load: {message}");
            return ExitCode::FAILURE;
        }
    };
    let server_args = if options.seed_over_http {
        Vec::new()
    } else {
        vec!["--seed-streams".to_owned(), options.streams.to_string()]
    };
    let server = match start_server(&options.common.server, &server_args) {
        Ok(server) => server,
        Err(message) => {
            eprintln!("server_load: {message}");
            return ExitCode::FAILURE;
        }
    };
    eprintln!(
        "devcluster {} at {} (pid {})",
        options.common.server.display(),
        server.base,
        server.pid()
    );
    let mut report = Report::default();
    let outcome = runtime.block_on(run(&options, &server, &mut report));
    drop(server);
    // Watch streams and pooled connections end with the runtime, after the server.
    runtime.shutdown_timeout(Duration::from_secs(2));

    let heading = format!(
        "devcluster server load: {} image streams ({} tags x {HISTORY} history items), {} watch clients, {} writes/s for {} s from {} writers; {} cores shared by server and client",
        options.streams,
        TAGS,
        options.clients,
        options.common.rate,
        options.common.seconds,
        options.common.writers,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let markdown = report.markdown(&heading);
    println!("{markdown}");
    let document = json!({
        "parameters": {
            "streams": options.streams, "tags": TAGS, "history": HISTORY,
            "clients": options.clients, "rate": options.common.rate, "seconds": options.common.seconds,
            "writers": options.common.writers, "runs": options.runs, "page": options.page,
            "cores": std::thread::available_parallelism().map_or(0, |n| n.get()),
        },
        "figures": report.figures,
        "error": outcome.as_ref().err(),
    });
    write_figures("server_load", &options.common.output, &markdown, &document);
    if let Err(message) = outcome {
        eprintln!("server_load: FAILED: {message}");
        return ExitCode::FAILURE;
    }
    if report.failed {
        eprintln!("server_load: budget missed: {}", report.missed.join(", "));
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
