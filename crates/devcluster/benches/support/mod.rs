//! What the two benchmarks share: crates/devcluster/benches/server_load.rs and the console's
//! benches/console.rs (which includes this file with `#[path]`; both are native-only). devcluster
//! as a child process, an HTTP/1.1 client of it, the watch phase's write schedule, command-line
//! flags, percentiles, `/proc` readings and the figures report with its output files.

// Each bench uses part of this module.
#![allow(dead_code)]

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{header, Method, Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Map, Value};
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The project the benchmark streams live in.
pub const NAMESPACE: &str = "demo";
/// The image streams of [`NAMESPACE`].
pub const STREAMS_PATH: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
/// The annotation every benchmark write sets to its sequence number.
pub const SEQ_ANNOTATION: &str = "bench.imagestream-console/seq";
/// How long one ordinary request may take before the run fails.
pub const REQUEST_LIMIT: Duration = Duration::from_secs(60);

/// The name of generated stream `index` (`devcluster --seed-streams`).
pub fn stream_name(index: usize) -> String {
    format!("app-{index:05}")
}

/// The workspace's target directory: a bench runs from `<target>/release/deps/`; when it runs
/// from elsewhere, `target/` beside the workspace's Cargo.lock.
pub fn target_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.ancestors().nth(3).map(Path::to_path_buf))
        .filter(|dir| dir.join("release").is_dir())
        .unwrap_or_else(|| {
            let root = manifest
                .ancestors()
                .find(|dir| dir.join("Cargo.lock").is_file());
            root.unwrap_or(manifest).join("target")
        })
}

/// A child process, killed when dropped.
pub struct Process(pub Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A running devcluster on a free loopback port; killed when dropped.
pub struct Devcluster {
    pub process: Process,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// From the start of the process to its address line (generating streams included).
    pub startup: Duration,
}

impl Devcluster {
    /// Starts `binary` with `--listen 127.0.0.1:0` and `args`, and reads the address from its
    /// first line (waiting at most `wait`). `hint` says how to get a missing binary.
    pub fn start<I, S>(binary: &Path, args: I, wait: Duration, hint: &str) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        if !binary.is_file() {
            return Err(format!(
                "the devcluster binary is missing at {}; build it with `cargo build --release -p imagestream-devcluster` ({hint})",
                binary.display()
            ));
        }
        let started = Instant::now();
        let mut child = Command::new(binary)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().ok_or("devcluster has no stdout")?;
        let process = Process(child);
        let (sender, receiver) = std::sync::mpsc::channel();
        // Reads the first line, then drains the rest so the server never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = sender.send(lines.next());
            for _ in lines {}
        });
        let first = match receiver.recv_timeout(wait) {
            Ok(Some(Ok(line))) => line,
            Ok(_) => return Err("devcluster exited before printing its address".into()),
            Err(_) => return Err(format!("devcluster printed no address within {wait:?}")),
        };
        let base = first
            .strip_prefix("devcluster listening on ")
            .filter(|b| b.starts_with("http://127.0.0.1:"))
            .ok_or_else(|| format!("unexpected first line from devcluster: {first:?}"))?
            .trim()
            .to_owned();
        Ok(Devcluster {
            process,
            base,
            startup: started.elapsed(),
        })
    }

    pub fn pid(&self) -> u32 {
        self.process.0.id()
    }
}

/// CPU time (user + system) a process (`"self"` or a pid) has used, from `/proc/<pid>/stat`
/// (assuming the usual 100 ticks per second).
pub fn cpu_time(pid: &str) -> Duration {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let rest = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// One HTTP exchange, timed.
pub struct Fetched {
    pub status: StatusCode,
    pub body: Bytes,
    /// Until the response headers arrived.
    pub first_byte: Duration,
    /// Until the whole body arrived.
    pub last_byte: Duration,
}

impl Fetched {
    /// Fails unless the response has the expected status.
    pub fn expect(&self, status: u16, what: &str) -> Result<(), String> {
        if self.status.as_u16() == status {
            return Ok(());
        }
        let body = String::from_utf8_lossy(&self.body);
        Err(format!(
            "{what}: expected {status}, got {}: {}",
            self.status,
            body.chars().take(400).collect::<String>()
        ))
    }
}

/// An HTTP/1.1 client of a server.
#[derive(Clone)]
pub struct Http {
    pub client: Client<HttpConnector, Full<Bytes>>,
    base: String,
}

impl Http {
    /// A client of `base`, which is put before every URL that does not start with `http`.
    pub fn new(base: &str) -> Self {
        // As reqwest does: small writes are not held back waiting for acknowledgements.
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        Self {
            client: Client::builder(TokioExecutor::new()).build(connector),
            base: base.to_owned(),
        }
    }

    /// A request with an `Authorization` header when `authorization` is given; `body` is its
    /// content type and bytes.
    pub fn request(
        &self,
        method: Method,
        url: &str,
        authorization: Option<&str>,
        accept: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Request<Full<Bytes>>, String> {
        let uri = if url.starts_with("http") {
            url.to_owned()
        } else {
            format!("{}{url}", self.base)
        };
        let mut builder = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::ACCEPT, accept);
        if let Some(authorization) = authorization {
            builder = builder.header(header::AUTHORIZATION, authorization);
        }
        let body = match body {
            Some((content_type, bytes)) => {
                builder = builder.header(header::CONTENT_TYPE, content_type);
                bytes
            }
            None => Vec::new(),
        };
        builder
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("cannot build a request for {url}: {e}"))
    }

    /// Sends a request and reads the whole response within `limit`.
    pub async fn send(
        &self,
        request: Request<Full<Bytes>>,
        limit: Duration,
    ) -> Result<Fetched, String> {
        let what = format!("{} {}", request.method(), request.uri().path());
        let started = Instant::now();
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("{what}: {e}"))?;
            let first_byte = started.elapsed();
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|e| format!("{what}: reading the body: {e}"))?
                .to_bytes();
            Ok(Fetched {
                status,
                body,
                first_byte,
                last_byte: started.elapsed(),
            })
        };
        tokio::time::timeout(limit, exchange)
            .await
            .map_err(|_| format!("{what}: no complete answer within {limit:?}"))?
    }

    /// A request with a JSON `body` (if any) that must answer `expected`.
    pub async fn send_json(
        &self,
        method: Method,
        url: &str,
        authorization: Option<&str>,
        body: Option<&Value>,
        expected: u16,
    ) -> Result<Fetched, String> {
        let what = format!("{method} {url}");
        let body = body.map(|value| {
            let bytes = serde_json::to_vec(value).unwrap_or_default();
            ("application/json", bytes)
        });
        let request = self.request(method, url, authorization, "application/json", body)?;
        let fetched = self.send(request, REQUEST_LIMIT).await?;
        fetched.expect(expected, &what)?;
        Ok(fetched)
    }

    /// A request with a JSON `body` (if any) that must answer `expected`; its answer, decoded.
    pub async fn json(
        &self,
        method: Method,
        url: &str,
        authorization: Option<&str>,
        body: Option<Value>,
        expected: u16,
    ) -> Result<Value, String> {
        let fetched = self
            .send_json(method.clone(), url, authorization, body.as_ref(), expected)
            .await?;
        serde_json::from_slice(&fetched.body)
            .map_err(|e| format!("{method} {url}: the answer is not JSON: {e}"))
    }
}

/// The options both benches take, with the same flags and defaults: the watch phase's writes,
/// the devcluster binary and where the figures go.
#[derive(Debug, Clone)]
pub struct CommonOptions {
    /// Writes per second, all writers together (`--rate`).
    pub rate: usize,
    /// How long writes go on (`--seconds`).
    pub seconds: u64,
    /// Concurrent writers (`--writers`).
    pub writers: usize,
    /// How long the watchers may take to receive every event after the last write
    /// (`--drain-seconds`).
    pub drain_seconds: u64,
    /// The devcluster binary (`--server`).
    pub server: PathBuf,
    /// The figures go to `<output>.md` and `<output>.json` (`--output`).
    pub output: PathBuf,
}

impl CommonOptions {
    /// 1,000 writes/s for 10 s from 8 writers, figures to `target/<name>`; with `smoke`, 100
    /// writes/s for 2 s from 4, figures to `target/<name>-smoke`.
    pub fn new(smoke: bool, drain_seconds: u64, server: PathBuf, name: &str) -> Self {
        let (rate, seconds, writers) = if smoke { (100, 2, 4) } else { (1_000, 10, 8) };
        let name = if smoke {
            format!("{name}-smoke")
        } else {
            name.to_owned()
        };
        CommonOptions {
            rate,
            seconds,
            writers,
            drain_seconds,
            server,
            output: target_dir().join(name),
        }
    }

    /// Writes scheduled in the watch phase.
    pub fn planned_writes(&self) -> usize {
        self.rate * self.seconds as usize
    }
}

/// The watch phase's timetable: write `slot` is due at `start + slot / rate`, and none is
/// started once the phase's `seconds` are over (a writer that falls behind sends back to back).
#[derive(Clone, Copy)]
pub struct Schedule {
    pub start: tokio::time::Instant,
    end: tokio::time::Instant,
    rate: usize,
}

impl Schedule {
    /// The timetable of `options`, starting in 50 ms.
    pub fn new(options: &CommonOptions) -> Self {
        let start = tokio::time::Instant::now() + Duration::from_millis(50);
        Schedule {
            start,
            end: start + Duration::from_secs(options.seconds),
            rate: options.rate,
        }
    }

    /// Waits until `slot` is due and returns how late it starts; `None` when the phase is over
    /// (the write is skipped).
    pub async fn wait(&self, slot: usize) -> Option<Duration> {
        let due = self.start + Duration::from_secs_f64(slot as f64 / self.rate as f64);
        if tokio::time::Instant::now() >= self.end {
            return None;
        }
        tokio::time::sleep_until(due).await;
        Some(tokio::time::Instant::now().saturating_duration_since(due))
    }
}

/// Write `slot` of the watch phase: a JSON merge patch putting `slot` in [`SEQ_ANNOTATION`] of
/// one of the first `streams` generated streams (picked reproducibly from the slot).
pub async fn write_seq(
    http: &Http,
    authorization: &str,
    streams: usize,
    slot: usize,
) -> Result<Fetched, String> {
    let stream = (mix(slot as u64) % streams as u64) as usize;
    let path = format!("{STREAMS_PATH}/{}", stream_name(stream));
    let patch = json!({"metadata": {"annotations": {SEQ_ANNOTATION: slot.to_string()}}});
    let body = serde_json::to_vec(&patch).unwrap_or_default();
    let request = http.request(
        Method::PATCH,
        &path,
        Some(authorization),
        "application/json",
        Some(("application/merge-patch+json", body)),
    )?;
    http.send(request, REQUEST_LIMIT).await
}

/// Creates `stream`, an ImageStream in [`NAMESPACE`] with its status, through the API: a
/// create as `creator`, then the status through the `status` subresource as `admin` (a create
/// resets the status).
pub async fn create_stream(
    http: &Http,
    creator: &str,
    admin: &str,
    stream: &Value,
) -> Result<(), String> {
    let mut new = stream.clone();
    if let Some(object) = new.as_object_mut() {
        object.remove("status");
    }
    http.send_json(Method::POST, STREAMS_PATH, Some(creator), Some(&new), 201)
        .await?;
    let name = stream["metadata"]["name"].as_str().unwrap_or_default();
    let status = format!("{STREAMS_PATH}/{name}/status");
    http.send_json(Method::PUT, &status, Some(admin), Some(stream), 200)
        .await?;
    Ok(())
}

/// A 64-bit mix of `x` (splitmix64), to pick streams and digests reproducibly.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The command line's flags and their values.
pub struct Args(std::vec::IntoIter<String>);

impl Args {
    pub fn new(args: Vec<String>) -> Self {
        Args(args.into_iter())
    }

    /// The next flag but `--smoke` (read before the others) and `--bench` (which `cargo bench`
    /// adds).
    pub fn flag(&mut self) -> Option<String> {
        self.0.find(|flag| flag != "--smoke" && flag != "--bench")
    }

    /// The value after `flag`.
    pub fn value(&mut self, flag: &str) -> Result<String, String> {
        self.0.next().ok_or_else(|| format!("{flag} needs a value"))
    }

    /// The whole number (at least `min`) after `flag`.
    pub fn number(&mut self, flag: &str, min: u64) -> Result<u64, String> {
        let text = self.value(flag)?;
        match text.parse::<u64>() {
            Ok(n) if n >= min => Ok(n),
            _ => Err(format!("{flag} {text:?}: expected a whole number >= {min}")),
        }
    }

    /// The flags every bench takes besides its own: the watch phase's (`--rate N`,
    /// `--seconds N`, `--writers N`, `--drain-seconds N`), `--server PATH` (the devcluster
    /// binary), `--output PREFIX` (where the figures go) and `--help`; any other is an error.
    pub fn common(&mut self, flag: &str, options: &mut CommonOptions) -> Result<(), String> {
        match flag {
            "--rate" => options.rate = self.number(flag, 1)? as usize,
            "--seconds" => options.seconds = self.number(flag, 1)?,
            "--writers" => options.writers = self.number(flag, 1)? as usize,
            "--drain-seconds" => options.drain_seconds = self.number(flag, 1)?,
            "--server" => options.server = PathBuf::from(self.value(flag)?),
            "--output" => options.output = PathBuf::from(self.value(flag)?),
            "-h" | "--help" => return Err("help requested".into()),
            other => return Err(format!("unknown argument {other:?}")),
        }
        Ok(())
    }
}

/// The nearest-rank percentile `p` (0–100) of `sorted`; `None` when it is empty.
pub fn nearest_rank<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

pub fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

/// The async runtime a bench runs in.
pub fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// The figures, as a table and as JSON.
#[derive(Default)]
pub struct Report {
    pub rows: Vec<[String; 4]>,
    pub figures: Map<String, Value>,
    /// The figures whose budget was missed.
    pub missed: Vec<String>,
    /// A budget the run must hold was missed (set by the bench).
    pub failed: bool,
}

impl Report {
    /// A reported figure: `text` in the table, `value` under `key` in the JSON.
    pub fn add(&mut self, key: &str, figure: &str, text: String, value: Value) {
        self.rows
            .push([figure.to_owned(), text, String::new(), String::new()]);
        self.figures.insert(key.to_owned(), value);
    }

    /// A figure with a budget, which `holds` or is missed; returns `holds`.
    pub fn budget(
        &mut self,
        key: &str,
        figure: &str,
        text: String,
        value: Value,
        budget: &str,
        holds: bool,
    ) -> bool {
        let verdict = if holds { "holds" } else { "MISSED" };
        self.rows.push([
            figure.to_owned(),
            text,
            budget.to_owned(),
            verdict.to_owned(),
        ]);
        self.figures.insert(
            key.to_owned(),
            json!({"value": value, "budget": budget, "holds": holds}),
        );
        if !holds {
            self.missed.push(figure.to_owned());
        }
        holds
    }

    /// A row that titles the rows after it.
    pub fn section(&mut self, title: &str) {
        self.rows.push([
            format!("**{title}**"),
            String::new(),
            String::new(),
            String::new(),
        ]);
    }

    /// The table under `heading`.
    pub fn markdown(&self, heading: &str) -> String {
        let mut text =
            format!("{heading}\n\n| figure | value | budget | verdict |\n|---|---|---|---|\n");
        for [figure, value, budget, verdict] in &self.rows {
            let _ = writeln!(text, "| {figure} | {value} | {budget} | {verdict} |");
        }
        text
    }
}

/// Writes `markdown` to `<output>.md` and `document` to `<output>.json`, saying where (or why
/// not) on stderr as `bench`.
pub fn write_figures(bench: &str, output: &Path, markdown: &str, document: &Value) {
    let output = output.display();
    let (md_path, json_path) = (
        PathBuf::from(format!("{output}.md")),
        PathBuf::from(format!("{output}.json")),
    );
    if let Some(parent) = md_path.parent() {
        let _ = std::fs::create_dir_all(parent);
    }
    let written = std::fs::write(&md_path, markdown).and_then(|()| {
        std::fs::write(
            &json_path,
            serde_json::to_string_pretty(document).unwrap_or_default(),
        )
    });
    match written {
        Ok(()) => eprintln!(
            "figures written to {} and {}",
            md_path.display(),
            json_path.display()
        ),
        Err(err) => eprintln!("{bench}: cannot write {}: {err}", md_path.display()),
    }
}
