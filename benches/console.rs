//! The console benchmark (issues 5 and 8): the built console in headless Chromium against
//! devcluster, measured against its budgets and side by side with `kubectl get is`.
//!
//! For each project size N (default 1,000 and 20,000 image streams: 5 tags, 3 history items per
//! tag, from `devcluster --seed-streams N`, plus `--seed-deployments` Deployments following them
//! through image triggers, a quarter pinned to older images) it starts the release devcluster
//! (serving the console from `--dist`) and a fresh headless Chromium through chromedriver, and
//! measures from inside the page with a script installed before any page script runs (DevTools
//! protocol `Page.addScriptToEvaluateOnNewDocument`, through chromedriver's `goog/cdp/execute`):
//!
//! * the first load's files (Resource Timing) and, from `scripts/bundle-report.sh`, their raw,
//!   gzip and brotli sizes;
//! * the cold and the last warm load step by step (Resource and Navigation Timing, the
//!   console's `performance.mark`s, long tasks, devcluster's CPU time during the load and
//!   since it started): where the time to the first rows goes;
//! * navigation → first table rows painted, and → the whole list (the progress indicator gone and
//!   the table's `aria-rowcount` saying N rows): a MutationObserver notes the DOM change, and the
//!   time is taken after the next paint (`requestAnimationFrame`, then a message-channel task);
//! * heap after the full list: JS heap (`performance.memory` with precise memory info, after a
//!   DevTools garbage collection) and the wasm linear memory (`memory.buffer.byteLength` of the
//!   exports trunk hands to its `TrunkApplicationStarted` event);
//! * filter keystrokes: each key typed through WebDriver into the "Filter by name" box, timed
//!   from the `input` event to the paint after the rows changed;
//! * the page of an image stream with 100 tags × 20 history items (created through the API: a
//!   create, then the `status` subresource as admin), navigation → every tag row painted;
//! * watch throughput: merge patches (a sequence number in an annotation) written from several
//!   tasks at a fixed rate while the list is on screen; the page's own watch stream is teed (the
//!   page's `fetch` wrapped before it starts) and every sequence number it receives is marked, so
//!   lost events are exact; frames are timed with a `requestAnimationFrame` loop and long tasks
//!   with a PerformanceObserver. If the page exposes `data-live-resource-version` (hook asked of
//!   the live-list owner), the version it applied is also compared with the server's;
//! * `kubectl get is -n demo` against the same devcluster (a kubeconfig it writes), time to the
//!   full output, and the ratio console whole list / kubectl.
//!
//! devcluster's image trigger controller looks at every Deployment on each stream write, so with
//! thousands of Deployments it cannot take 1,000 writes/s; the watch phase is therefore run twice
//! per size: against the seeded project (the rate devcluster reaches is reported) and against a
//! second devcluster holding the same streams and no Deployments, where the page gets the full
//! rate.
//!
//! Figures are printed as a markdown table (with the date and the machine's size) and written to
//! `<output>.md` and `<output>.json`. Only "lost events = 0" fails the run (exit status 1), as do
//! errors of the run itself; timings are reported against their budgets, not judged.
//!
//! ```text
//! cargo bench --bench console -- [--smoke] [--streams N[,N...]] [--deployments N] [--rate N]
//!     [--seconds N] [--writers N] [--keystrokes N] [--runs N] [--big-tags N]
//!     [--big-history N] [--dist DIR] [--bundle-report FILE] [--server PATH] [--output PREFIX]
//! ```

/// The benchmark drives a native browser and server: nothing to build for wasm32, where
/// `cargo clippy --target wasm32-unknown-unknown --all-targets` still compiles this target.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    native::main()
}

/// What this bench shares with devcluster's server_load bench.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../crates/devcluster/benches/support/mod.rs"]
mod support;

/// Chromium through chromedriver, as the end-to-end tests start it.
#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/chromium.rs"]
mod chromium;

#[cfg(not(target_arch = "wasm32"))]
mod native {

    use crate::support::{
        create_stream, mix, ms, nearest_rank, target_dir, write_figures, write_seq, Args,
        CommonOptions, Devcluster, Http, Process, Report, Schedule, NAMESPACE,
    };
    use fantoccini::Client;
    use hyper::{Method, StatusCode};
    use serde_json::{json, Value};
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};
    use std::process::{Command, ExitCode, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// The stream with many tags whose page is opened.
    const BIG_STREAM: &str = "bench-many-tags";
    /// Tokens of devcluster's seeded users (crates/devcluster/src/seed.rs, DEMO_USERS).
    const DEVELOPER: &str = "Bearer sha256~developer-devcluster-token";
    const ADMIN: &str = "Bearer sha256~admin-devcluster-token";
    /// Loading a page (even 20,000 streams) may take this long before the run fails.
    const PAGE_LIMIT: Duration = Duration::from_secs(300);
    /// How long the page may take to show a keystroke's result before it counts as "no change".
    const KEY_LIMIT: Duration = Duration::from_secs(5);
    /// Budgets (README): first load under 250 KB brotli, first rows under 300 ms, a keystroke
    /// under 50 ms, JS heap + wasm memory under 150 MB, no lost event.
    const BUDGET_FIRST_LOAD_BYTES: u64 = 250_000;
    const BUDGET_FIRST_ROWS_MS: f64 = 300.0;
    const BUDGET_KEYSTROKE_MS: f64 = 50.0;
    const BUDGET_MEMORY_MB: f64 = 150.0;

    /// What the run was asked to do.
    #[derive(Debug, Clone)]
    struct Options {
        smoke: bool,
        streams: Vec<usize>,
        deployments: usize,
        common: CommonOptions,
        keystrokes: usize,
        runs: usize,
        kubectl_runs: usize,
        big_tags: usize,
        big_history: usize,
        dist: PathBuf,
        bundle_report: Option<PathBuf>,
    }

    const USAGE: &str = "usage: console [--smoke] [--streams N[,N...]] [--deployments N] [--rate N] [--seconds N] [--writers N] [--keystrokes N] [--runs N] [--kubectl-runs N] [--big-tags N] [--big-history N] [--drain-seconds N] [--dist DIR] [--bundle-report FILE] [--server PATH] [--output PREFIX]

  --smoke             small run: 200 streams, 50 Deployments, 100 writes/s for 2 s, 5 keystrokes,
                      1 load, figures to target/bench-console-smoke.{md,json}
  --streams N[,N]     project sizes to measure, one devcluster each (default 1000,20000)
  --deployments N     Deployments following the streams (default 5000)
  --rate N            watch phase: writes per second, all writers together (default 1000)
  --seconds N         watch phase: how long writes go on (default 10)
  --writers N         concurrent writers (default 8)
  --keystrokes N      filter keystrokes timed (default 50)
  --runs N            page loads timed per size (default 3; the first is cold)
  --kubectl-runs N    `kubectl get is` runs per size (default 5)
  --big-tags N        tags of the stream whose page is opened (default 100)
  --big-history N     history items per tag of that stream (default 20)
  --drain-seconds N   how long the page may take to receive every event after the last write
                      (default 60)
  --dist DIR          the built console (default target/dist-bench)
  --bundle-report FILE  scripts/bundle-report.sh's markdown for that dist (sizes of the first load)
  --server PATH       the devcluster binary (default target/release/devcluster)
  --output PREFIX     figures go to PREFIX.md and PREFIX.json (default target/bench-console)";

    impl Options {
        /// Reads the command line; `--bench`, which `cargo bench` adds, is ignored.
        fn parse(args: Vec<String>) -> Result<Self, String> {
            let target = target_dir();
            let smoke = args.iter().any(|a| a == "--smoke");
            let mut options = Options {
                smoke,
                streams: vec![1_000, 20_000],
                deployments: 5_000,
                common: CommonOptions::new(
                    smoke,
                    if smoke { 20 } else { 60 },
                    target.join("release/devcluster"),
                    "bench-console",
                ),
                keystrokes: 50,
                runs: 3,
                kubectl_runs: 5,
                big_tags: 100,
                big_history: 20,
                dist: target.join("dist-bench"),
                bundle_report: None,
            };
            if smoke {
                options.streams = vec![200];
                options.deployments = 50;
                options.keystrokes = 5;
                options.runs = 1;
                options.kubectl_runs = 2;
                options.big_tags = 20;
                options.big_history = 5;
            }
            let mut args = Args::new(args);
            while let Some(flag) = args.flag() {
                let mut number = |min: u64| args.number(&flag, min);
                match flag.as_str() {
                    "--streams" => {
                        let text = args.value(&flag)?;
                        options.streams = text
                            .split(',')
                            .map(|n| n.trim().parse::<usize>().ok().filter(|&n| n > 0))
                            .collect::<Option<Vec<_>>>()
                            .ok_or_else(|| format!("--streams {text:?}: expected N[,N...]"))?;
                    }
                    "--deployments" => options.deployments = number(0)? as usize,
                    "--keystrokes" => options.keystrokes = number(1)? as usize,
                    "--runs" => options.runs = number(1)? as usize,
                    "--kubectl-runs" => options.kubectl_runs = number(1)? as usize,
                    "--big-tags" => options.big_tags = number(1)? as usize,
                    "--big-history" => options.big_history = number(1)? as usize,
                    "--dist" => options.dist = PathBuf::from(args.value(&flag)?),
                    "--bundle-report" => {
                        options.bundle_report = Some(PathBuf::from(args.value(&flag)?))
                    }
                    other => args.common(other, &mut options.common)?,
                }
            }
            Ok(options)
        }
    }

    fn mb(bytes: f64) -> f64 {
        bytes / 1_000_000.0
    }

    /// Nearest-rank percentile `p` (0–100) of `values`.
    fn percentile(values: &[f64], p: f64) -> f64 {
        let mut sorted: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        sorted.sort_by(f64::total_cmp);
        nearest_rank(&sorted, p).unwrap_or(f64::NAN)
    }

    /// devcluster serving the console, with a kubeconfig for kubectl.
    struct Server {
        devcluster: Devcluster,
        kubeconfig: PathBuf,
        /// When it answered, and the CPU time it had used by then: how busy it keeps itself
        /// afterwards (controllers, indexes) is reported with the cold load.
        ready: (Instant, Duration),
    }

    impl Server {
        fn start(
            options: &Options,
            streams: usize,
            deployments: usize,
            work: &Path,
        ) -> Result<Self, String> {
            if !options.dist.join("index.html").is_file() {
                return Err(format!(
                    "{} is missing: build the console first (scripts/bench-console.sh does)",
                    options.dist.join("index.html").display()
                ));
            }
            let kubeconfig = work.join(format!("kubeconfig-{streams}-{deployments}"));
            let (streams, deployments) = (streams.to_string(), deployments.to_string());
            let args: [&std::ffi::OsStr; 9] = [
                "--allow-anonymous".as_ref(),
                "--dist".as_ref(),
                options.dist.as_os_str(),
                "--seed-streams".as_ref(),
                streams.as_ref(),
                "--seed-deployments".as_ref(),
                deployments.as_ref(),
                "--kubeconfig".as_ref(),
                kubeconfig.as_os_str(),
            ];
            let devcluster = Devcluster::start(
                &options.common.server,
                args,
                Duration::from_secs(600),
                "scripts/bench-console.sh does",
            )?;
            let ready = (
                Instant::now(),
                crate::support::cpu_time(&devcluster.pid().to_string()),
            );
            Ok(Server {
                devcluster,
                kubeconfig,
                ready,
            })
        }

        fn base(&self) -> &str {
            &self.devcluster.base
        }

        fn pid(&self) -> u32 {
            self.devcluster.pid()
        }
    }

    /// A headless Chromium driven through chromedriver, with the DevTools protocol at hand.
    struct Browser {
        client: Client,
        http: Http,
        cdp_url: String,
        _chromedriver: Process,
        profile: PathBuf,
    }

    impl Browser {
        async fn start(work: &Path, label: &str) -> Result<Self, String> {
            let port = crate::chromium::free_port()?;
            let chromedriver = Command::new("chromedriver")
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|e| {
                    format!("cannot start chromedriver (scripts/setup.sh installs it): {e}")
                })?;
            let chromedriver = Process(chromedriver);
            let profile = work.join(format!("profile-{label}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&profile);
            std::fs::create_dir_all(&profile)
                .map_err(|e| format!("cannot create {profile:?}: {e}"))?;
            let webdriver = format!("http://127.0.0.1:{port}");
            let extra = [
                "--enable-precise-memory-info",
                "--disable-renderer-backgrounding",
                "--disable-background-timer-throttling",
            ];
            let client =
                crate::chromium::connect(&webdriver, &profile, &extra, Duration::from_secs(30))
                    .await?;
            let session = client
                .session_id()
                .await
                .map_err(|e| format!("no WebDriver session id: {e}"))?
                .ok_or("no WebDriver session id")?;
            Ok(Browser {
                client,
                http: Http::new(&webdriver),
                cdp_url: format!("{webdriver}/session/{session}/goog/cdp/execute"),
                _chromedriver: chromedriver,
                profile,
            })
        }

        /// One DevTools protocol command (through chromedriver).
        async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
            let answer = self
                .http
                .json(
                    Method::POST,
                    &self.cdp_url,
                    None,
                    Some(json!({"cmd": cmd, "params": params})),
                    200,
                )
                .await
                .map_err(|e| format!("DevTools {cmd}: {e}"))?;
            Ok(answer.get("value").cloned().unwrap_or(Value::Null))
        }

        /// Runs a script in the page and returns its result.
        async fn eval(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
            self.client
                .execute(script, args)
                .await
                .map_err(|e| format!("script failed: {e}"))
        }

        async fn goto(&self, url: &str) -> Result<(), String> {
            self.client
                .goto(url)
                .await
                .map_err(|e| format!("navigation to {url} failed: {e}"))
        }

        /// Polls `window.__bench` with `check` (a JS expression over `b`) until it is not null.
        async fn wait_for(
            &self,
            check: &str,
            limit: Duration,
            what: &str,
        ) -> Result<Value, String> {
            let script =
                format!("const b = window.__bench; if (!b) return null; return ({check});");
            let deadline = Instant::now() + limit;
            loop {
                let value = self.eval(&script, vec![]).await?;
                if !value.is_null() {
                    return Ok(value);
                }
                if Instant::now() > deadline {
                    let state = self
                    .eval("return window.__bench ? JSON.stringify(window.__bench.state()) : 'no instrumentation';", vec![])
                    .await
                    .unwrap_or_default();
                    return Err(format!(
                        "{what}: not reached within {limit:?}; page state {state}"
                    ));
                }
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
        }

        /// Navigates to `url` with `setup` (JS run right after the instrumentation, before any page
        /// script) saying what to watch for: the previous navigation's setup is removed.
        async fn open(
            &self,
            url: &str,
            setup: &str,
            previous: &mut Option<String>,
        ) -> Result<(), String> {
            self.goto("about:blank").await?;
            if let Some(identifier) = previous.take() {
                self.cdp(
                    "Page.removeScriptToEvaluateOnNewDocument",
                    json!({"identifier": identifier}),
                )
                .await?;
            }
            let added = self
                .cdp(
                    "Page.addScriptToEvaluateOnNewDocument",
                    json!({"source": setup}),
                )
                .await?;
            *previous = added
                .get("identifier")
                .and_then(Value::as_str)
                .map(str::to_owned);
            self.goto(url).await
        }

        async fn close(self) {
            let _ = self.client.close().await;
            let _ = std::fs::remove_dir_all(&self.profile);
        }
    }

    /// Installed before any page script: timing hooks read back through `window.__bench`.
    const INSTRUMENT: &str = r#"
(() => {
  const b = window.__bench = {
    mode: null, expected: 0, first: null, firstDom: null, started: null, complete: null, rowcount: null,
    key: null, page: null, wasm: null, seen: null, received: 0, lines: 0, duplicates: 0,
    frames: null, longTasks: [],
  };
  addEventListener('TrunkApplicationStarted', e => { b.wasm = e.detail && e.detail.wasm; b.started = performance.now(); });
  // After the next paint: the frame that shows a change, then a task after it.
  const afterPaint = done => requestAnimationFrame(() => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done(performance.now());
    channel.port2.postMessage(0);
  });
  const dataRows = () => document.querySelectorAll('table tbody tr[aria-rowindex]');
  const progressShown = () => [...document.querySelectorAll('[role=status],[role=progressbar],progress')]
    .some(el => el.tagName === 'PROGRESS' || el.getAttribute('role') === 'progressbar' || /loading/i.test(el.textContent));
  const rowcount = () => {
    const table = [...document.querySelectorAll('table[aria-rowcount]')][0];
    return table ? Number(table.getAttribute('aria-rowcount')) - 1 : null;
  };
  // What a person sees of the list: the first names, how many rows, the empty message.
  b.signature = () => {
    const names = [...dataRows()].slice(0, 8).map(r => r.cells[0] ? r.cells[0].textContent : '');
    const empty = [...document.querySelectorAll('p')].some(p => /No image streams/.test(p.textContent));
    return names.join('|') + '#' + rowcount() + '#' + empty;
  };
  b.state = () => ({mode: b.mode, rows: dataRows().length, rowcount: rowcount(), progress: progressShown(),
    first: b.first, complete: b.complete, key: b.key, page: b.page, text: (document.body ? document.body.innerText : '').slice(0, 300)});
  const check = () => {
    if (b.mode === 'list') {
      const rows = dataRows().length;
      if (rows > 0 && b.first === null) { b.first = -1; b.firstDom = performance.now(); afterPaint(t => { b.first = t; }); }
      if (rows > 0 && b.complete === null && !progressShown() && rowcount() === b.expected) {
        b.complete = -1; b.rowcount = rowcount(); afterPaint(t => { b.complete = t; });
      }
    } else if (b.mode === 'key' && b.key && b.key.changed === null) {
      if (b.signature() !== b.key.before) {
        b.key.changed = performance.now(); afterPaint(t => { b.key.end = t; });
      }
    } else if (b.mode === 'page' && b.page) {
      if (b.page.heading === null && [...document.querySelectorAll('h1')].some(h => h.textContent.includes(b.page.name))) {
        b.page.heading = -1; afterPaint(t => { b.page.heading = t; });
      }
      if (b.page.complete === null) {
        const wanted = b.page.tags;
        let found = 0;
        const seen = new Set();
        for (const cell of document.querySelectorAll('td, th')) {
          const text = cell.textContent.trim();
          if (wanted.has(text) && !seen.has(text)) { seen.add(text); found++; }
        }
        b.page.found = found;
        if (found === wanted.size) { b.page.complete = -1; afterPaint(t => { b.page.complete = t; }); }
      }
    }
  };
  new MutationObserver(check).observe(document, {childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['aria-rowcount', 'data-bench']});
  document.addEventListener('input', e => {
    if (b.mode === 'key' && b.key && b.key.start === null) { b.key.start = e.timeStamp || performance.now(); }
  }, true);
  try {
    new PerformanceObserver(list => { for (const e of list.getEntries()) b.longTasks.push([e.startTime, e.duration]); })
      .observe({type: 'longtask', buffered: true});
  } catch (e) {}
  // Frame timing while `b.frames` is set: the longest gap between animation frames.
  b.startFrames = () => {
    b.frames = {last: performance.now(), max: 0, count: 0, over50: 0};
    const tick = now => {
      if (!b.frames) return;
      const gap = now - b.frames.last;
      b.frames.max = Math.max(b.frames.max, gap); b.frames.count++; if (gap > 50) b.frames.over50++;
      b.frames.last = now; requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  };
  // The page's image stream watches, teed: every benchmark sequence number received is marked.
  const needle = '"' + 'bench.imagestream-console/seq' + '":"';
  const consume = async stream => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      let chunk;
      try { chunk = await reader.read(); } catch (e) { return; }
      if (chunk.done) return;
      buffer += decoder.decode(chunk.value, {stream: true});
      let end;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end); buffer = buffer.slice(end + 1);
        b.lines++;
        const at = line.indexOf(needle);
        if (at < 0 || !b.seen) continue;
        const seq = parseInt(line.slice(at + needle.length), 10);
        if (seq >= 0 && seq < b.seen.length) {
          if (b.seen[seq]) b.duplicates++; else { b.seen[seq] = 1; b.received++; }
        }
      }
    }
  };
  const originalFetch = window.fetch;
  window.fetch = function (input, init) {
    const url = typeof input === 'string' ? input : (input && input.url) || String(input);
    const answer = originalFetch.apply(this, arguments);
    if (!/[?&]watch=(1|true)/.test(url) || !/\/imagestreams\?/.test(url)) return answer;
    return answer.then(response => {
      if (!response.body) return response;
      const [page, bench] = response.body.tee();
      consume(bench);
      return new Response(page, {status: response.status, statusText: response.statusText, headers: response.headers});
    });
  };
})();
"#;

    /// Read after a load: when each step before the first rows started and ended (Resource and
    /// Navigation Timing, ms from navigation start) — the page, its JS and wasm, the console
    /// started (trunk's `TrunkApplicationStarted`), config.json, users/~, the first chunk of
    /// image streams and of Deployments, the masthead's project list, and the second chunk of
    /// image streams — the console's marks for its first chunk of streams (parsed, stored;
    /// src/live.rs), the rows in the DOM and painted, and the long tasks before that paint.
    const TIMELINE: &str = r#"
const b = window.__bench;
const nav = performance.getEntriesByType('navigation')[0];
const all = performance.getEntriesByType('resource');
const span = e => e ? {start: e.startTime, sent: e.requestStart || e.fetchStart, first_byte: e.responseStart || e.fetchStart, end: e.responseEnd, bytes: e.encodedBodySize || 0} : null;
const find = re => span(all.find(e => re.test(e.name)));
// The console's own marks for its first chunk of image streams (src/live.rs).
const mark = step => { const m = performance.getEntriesByType('mark').find(m => m.name.startsWith('live: first chunk ' + step + ' ') && /\/imagestreams\?/.test(m.name)); return m ? m.startTime : null; };
const tasks = b.longTasks.filter(t => t[0] < b.first);
return {
  html: nav ? {start: 0, sent: nav.requestStart, first_byte: nav.responseStart, end: nav.responseEnd, bytes: nav.encodedBodySize || 0} : null,
  js: find(/\/imagestream-console[^/]*\.js(\?|$)/),
  wasm: find(/\/imagestream-console[^/]*_bg\.wasm(\?|$)/),
  config: find(/\/config\.json(\?|$)/),
  user: find(/\/users\/~(\?|$)/),
  streams: find(/\/imagestreams\?limit=\d+$/),
  deployments: find(/\/deployments\?limit=\d+$/),
  projects: find(/\/projects(\?|$)/),
  streams_next: find(/\/imagestreams\?limit=500&continue=/),
  dom_content_loaded: nav ? nav.domContentLoadedEventEnd : null,
  started: b.started, parsed: mark('parsed'), stored: mark('stored'), rows_in_dom: b.firstDom,
  painted: b.first,
  long_tasks: tasks.map(t => [Math.round(t[0]), Math.round(t[1])]),
};"#;

    /// One line of a [`TIMELINE`]: `name start–end [server ms]` for each request, then the
    /// console's start, the rows and the devcluster CPU time.
    fn timeline_text(timeline: &Value) -> String {
        let mut parts = Vec::new();
        let steps = [
            ("index.html", "html"),
            ("JS", "js"),
            ("wasm", "wasm"),
            ("config.json", "config"),
            ("users/~", "user"),
            ("image streams, first chunk", "streams"),
            ("Deployments, first chunk", "deployments"),
            ("projects (masthead)", "projects"),
        ];
        let at = |name: &str| timeline.get(name).and_then(Value::as_f64);
        for (label, name) in steps {
            if name == "config" {
                if let Some(started) = at("started") {
                    parts.push(format!("console started {started:.0}"));
                }
            }
            let Some(step) = timeline.get(name).filter(|s| !s.is_null()) else {
                parts.push(format!("{label} —"));
                continue;
            };
            let field = |k: &str| number(step, k);
            parts.push(format!(
                "{label} {:.0}–{:.0} [server {:.0}]",
                field("start"),
                field("end"),
                field("first_byte") - field("sent")
            ));
        }
        if let Some(next) = timeline.get("streams_next").filter(|s| !s.is_null()) {
            parts.push(format!(
                "image streams limit=500 from {:.0}",
                number(next, "start")
            ));
        }
        if let (Some(parsed), Some(stored)) = (at("parsed"), at("stored")) {
            parts.push(format!(
                "first chunk parsed {parsed:.0}, stored {stored:.0}"
            ));
        }
        parts.push(format!(
            "rows in DOM {:.0}, painted {:.0}",
            at("rows_in_dom").unwrap_or(f64::NAN),
            at("painted").unwrap_or(f64::NAN)
        ));
        let tasks: Vec<String> = timeline
            .get("long_tasks")
            .and_then(Value::as_array)
            .map(|tasks| {
                tasks
                    .iter()
                    .map(|t| format!("{:.0}+{:.0}", number_at(t, 0), number_at(t, 1)))
                    .collect()
            })
            .unwrap_or_default();
        parts.push(if tasks.is_empty() {
            "no long task before the paint".to_owned()
        } else {
            format!("long tasks (start+ms) {}", tasks.join(", "))
        });
        parts.push(format!(
            "devcluster CPU {:.0} ms until the rows{}",
            at("server_cpu_ms").unwrap_or(f64::NAN),
            match (at("server_cpu_before_ms"), at("server_wall_before_ms")) {
                (Some(cpu), Some(wall)) => format!(
                    ", {cpu:.0} ms in the {:.1} s between its start-up and the load",
                    wall / 1000.0
                ),
                _ => String::new(),
            }
        ));
        parts.join("; ")
    }

    /// Size of the first load from bundle-report.sh's markdown: (raw, gzip, brotli) of the
    /// "first load" total, and its per-file rows.
    /// Raw, gzip and brotli bytes.
    type Sizes = (u64, u64, u64);

    fn first_load_sizes(path: &Path) -> Result<(Sizes, Vec<String>), String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the bundle report {}: {e}", path.display()))?;
        let mut in_first = false;
        let mut files = Vec::new();
        for line in text.lines() {
            if line.starts_with("### ") {
                in_first = line.trim() == "### first load";
                continue;
            }
            if !in_first || !line.starts_with('|') || line.starts_with("|---") {
                continue;
            }
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            if cells.len() < 5 || cells[1] == "file" {
                continue;
            }
            let number = |i: usize| cells[i].parse::<u64>().ok();
            if cells[1].contains("total") {
                if let (Some(raw), Some(gz), Some(br)) = (number(2), number(3), number(4)) {
                    return Ok(((raw, gz, br), files));
                }
            } else {
                files.push(format!(
                    "{} {} / {} / {}",
                    cells[1], cells[2], cells[3], cells[4]
                ));
            }
        }
        Err(format!("no first load total in {}", path.display()))
    }

    /// The whole run for one project size.
    async fn measure_size(
        options: &Options,
        streams: usize,
        work: &Path,
        report: &mut Report,
        console_whole_ms: &mut Vec<(usize, f64, f64)>,
    ) -> Result<(), String> {
        report.section(&format!(
            "{streams} image streams, {} Deployments",
            options.deployments
        ));
        let key = |name: &str| format!("n{streams}.{name}");
        eprintln!(
            "[{streams}] starting devcluster with {streams} streams and {} Deployments ...",
            options.deployments
        );
        let server = Server::start(options, streams, options.deployments, work)?;
        report.add(
            &key("devcluster_startup_s"),
            "devcluster start-up (generating the project)",
            format!("{:.2} s", server.devcluster.startup.as_secs_f64()),
            json!(server.devcluster.startup.as_secs_f64()),
        );
        let http = Http::new(server.base());
        create_big_stream(&http, options).await?;

        let browser = Browser::start(work, &streams.to_string()).await?;
        let outcome = measure_in_browser(
            options,
            streams,
            &server,
            &http,
            &browser,
            report,
            console_whole_ms,
        )
        .await;
        browser.close().await;
        outcome?;

        eprintln!("[{streams}] kubectl get is ...");
        let kubectl = run_kubectl(options, &server, streams, work).await?;
        let console = console_whole_ms
            .iter()
            .find(|(n, _, _)| *n == streams)
            .map(|&(_, cold, warm)| (cold, warm));
        let median = percentile(&kubectl, 50.0);
        report.add(
            &key("kubectl_ms"),
            "`kubectl get is -n demo`: time to full output",
            format!(
                "median {median:.0} ms (first, discovery included, {:.0} ms; {} runs)",
                kubectl.first().copied().unwrap_or(f64::NAN),
                kubectl.len()
            ),
            json!({"median_ms": median, "first_ms": kubectl.first(), "runs": kubectl.len()}),
        );
        if let Some((cold, warm)) = console {
            report.add(
            &key("console_over_kubectl"),
            "whole list: console / kubectl",
            format!(
                "{:.2} (console {warm:.0} ms warm, {cold:.0} ms cold; kubectl {median:.0} ms)",
                warm / median
            ),
            json!({"ratio": warm / median, "console_warm_ms": warm, "console_cold_ms": cold, "kubectl_ms": median}),
        );
        }
        drop(server);

        // devcluster's image trigger controller looks at every Deployment on every stream write,
        // which caps the write rate with thousands of them: the page's own throughput is measured
        // again against a project of streams only.
        if options.deployments > 0 {
            eprintln!("[{streams}] watch phase against a project without Deployments ...");
            let server = Server::start(options, streams, 0, work)?;
            let http = Http::new(server.base());
            let browser = Browser::start(work, &format!("{streams}-streams-only")).await?;
            let outcome =
                async {
                    browser
                        .cdp(
                            "Page.addScriptToEvaluateOnNewDocument",
                            json!({"source": INSTRUMENT}),
                        )
                        .await?;
                    let url = format!("{}/k8s/ns/{NAMESPACE}/imagestreams", server.base());
                    browser
                .open(
                    &url,
                    &format!("window.__bench.mode = 'list'; window.__bench.expected = {streams};"),
                    &mut None,
                )
                .await?;
                    browser
                        .wait_for(
                            "(b.complete > 0) ? true : null",
                            PAGE_LIMIT,
                            "the whole list (streams only)",
                        )
                        .await?;
                    watch_phase(options, streams, &http, &browser, server.pid()).await
                }
                .await;
            browser.close().await;
            let watch = outcome?;
            report_watch(
                report,
                &key("watch_streams_only"),
                "watch phase (streams only, no Deployments)",
                options,
                &watch,
            );
        }
        Ok(())
    }

    /// The stream whose page is opened: `--big-tags` pushed tags (status only, so nothing is
    /// imported), each with `--big-history` images, created through the API.
    async fn create_big_stream(http: &Http, options: &Options) -> Result<(), String> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let registry = "image-registry.openshift-image-registry.svc:5000";
        let tags: Vec<Value> = (0..options.big_tags)
        .map(|t| {
            let items: Vec<Value> = (0..options.big_history)
                .map(|h| {
                    let digest = fake_digest(t as u64 * 1_000 + h as u64);
                    let age = (h as i64 * 24 + t as i64) * 3_600_000;
                    json!({
                        "created": imagestream_model::time::format_rfc3339(now - age),
                        "dockerImageReference": format!("{registry}/{NAMESPACE}/{BIG_STREAM}@{digest}"),
                        "image": digest,
                        "generation": 1,
                    })
                })
                .collect();
            json!({"tag": format!("t{t:03}"), "items": items})
        })
        .collect();
        let stream = json!({
            "apiVersion": "image.openshift.io/v1",
            "kind": "ImageStream",
            "metadata": {"name": BIG_STREAM, "namespace": NAMESPACE},
            "spec": {"lookupPolicy": {"local": false}},
            "status": {
                "dockerImageRepository": format!("{registry}/{NAMESPACE}/{BIG_STREAM}"),
                "tags": tags,
            },
        });
        create_stream(http, DEVELOPER, ADMIN, &stream).await
    }

    /// A reproducible `sha256:<64 hex>`.
    fn fake_digest(seed: u64) -> String {
        let mut text = String::from("sha256:");
        for i in 0..4 {
            let _ = write!(text, "{:016x}", mix(seed.wrapping_mul(4).wrapping_add(i)));
        }
        text
    }

    fn number_at(value: &Value, index: usize) -> f64 {
        value.get(index).and_then(Value::as_f64).unwrap_or(f64::NAN)
    }

    fn number(value: &Value, key: &str) -> f64 {
        value.get(key).and_then(Value::as_f64).unwrap_or(f64::NAN)
    }

    async fn measure_in_browser(
        options: &Options,
        streams: usize,
        server: &Server,
        http: &Http,
        browser: &Browser,
        report: &mut Report,
        console_whole_ms: &mut Vec<(usize, f64, f64)>,
    ) -> Result<(), String> {
        let key = |name: &str| format!("n{streams}.{name}");
        browser
            .cdp(
                "Page.addScriptToEvaluateOnNewDocument",
                json!({"source": INSTRUMENT}),
            )
            .await?;
        let list_url = format!("{}/k8s/ns/{NAMESPACE}/imagestreams", server.base());
        // The project holds the generated streams and the stream with many tags.
        let expected = streams + 1;

        // Loads: the first with an empty cache, then warm ones.
        let (mut first_rows, mut whole) = (Vec::new(), Vec::new());
        let mut timelines = Vec::new();
        let pid = server.pid().to_string();
        let mut setup = None;
        for run in 0..options.runs {
            eprintln!("[{streams}] page load {} of {} ...", run + 1, options.runs);
            let cpu_before = crate::support::cpu_time(&pid);
            // Before the cold load: what devcluster did on its own since it answered.
            let idle = (run == 0).then(|| {
                (
                    ms(cpu_before.saturating_sub(server.ready.1)),
                    ms(server.ready.0.elapsed()),
                )
            });
            browser
                .open(
                    &list_url,
                    &format!("window.__bench.mode = 'list'; window.__bench.expected = {expected};"),
                    &mut setup,
                )
                .await?;
            browser
                .wait_for("(b.first > 0) ? true : null", PAGE_LIMIT, "the first rows")
                .await?;
            let cpu_first = crate::support::cpu_time(&pid);
            let times = browser
            .wait_for(
                "(b.first > 0 && b.complete > 0) ? {first: b.first, complete: b.complete, rowcount: b.rowcount} : null",
                PAGE_LIMIT,
                "the whole list",
            )
            .await?;
            first_rows.push(number(&times, "first"));
            whole.push(number(&times, "complete"));
            let mut timeline = browser.eval(TIMELINE, vec![]).await?;
            if let Some(fields) = timeline.as_object_mut() {
                fields.insert(
                    "server_cpu_ms".into(),
                    json!(ms(cpu_first.saturating_sub(cpu_before))),
                );
                if let Some((idle_cpu, idle_wall)) = idle {
                    fields.insert("server_cpu_before_ms".into(), json!(idle_cpu));
                    fields.insert("server_wall_before_ms".into(), json!(idle_wall));
                }
            }
            timelines.push(timeline);
            if run == 0 {
                let resources = browser
                .eval(
                    r#"const files = performance.getEntriesByType('resource').filter(e => /\.(wasm|js|css)(\?|$)/.test(e.name));
                       const nav = performance.getEntriesByType('navigation')[0];
                       const sum = k => files.reduce((a, e) => a + (e[k] || 0), 0) + (nav ? nav[k] || 0 : 0);
                       return {files: files.length, transfer: sum('transferSize'), encoded: sum('encodedBodySize'), decoded: sum('decodedBodySize')};"#,
                    vec![],
                )
                .await?;
                report.add(
                &key("first_load_transfer"),
                "first load as served by devcluster (Resource Timing: index.html + wasm/JS/CSS)",
                format!(
                    "{:.0} B transferred, {:.0} B encoded body, {:.0} B decoded ({} files; the brotli or gzip copies when the build wrote them)",
                    number(&resources, "transfer"),
                    number(&resources, "encoded"),
                    number(&resources, "decoded"),
                    resources.get("files").and_then(Value::as_u64).unwrap_or(0) + 1
                ),
                resources,
            );
            }
        }
        let warm = |values: &[f64]| {
            if values.len() > 1 {
                percentile(&values[1..], 50.0)
            } else {
                values.first().copied().unwrap_or(f64::NAN)
            }
        };
        let cold_first = first_rows.first().copied().unwrap_or(f64::NAN);
        let warm_first = warm(&first_rows);
        report.budget(
            &key("first_rows_ms"),
            "navigation → first table rows painted",
            format!(
                "cold {cold_first:.0} ms; warm median {warm_first:.0} ms ({} loads)",
                first_rows.len()
            ),
            json!({"cold_ms": cold_first, "warm_median_ms": warm_first, "runs": first_rows}),
            "< 300 ms (cold)",
            cold_first < BUDGET_FIRST_ROWS_MS,
        );
        if let Some(cold) = timelines.first() {
            report.add(
                &key("first_rows_timeline_cold"),
                "cold load → first rows, step by step (ms from navigation start; [server] = request sent → first byte)",
                timeline_text(cold),
                cold.clone(),
            );
        }
        if let Some(warm) = timelines.get(1..).and_then(<[Value]>::last) {
            report.add(
                &key("first_rows_timeline_warm"),
                "warm load (the last) → first rows, step by step",
                timeline_text(warm),
                warm.clone(),
            );
        }
        let cold_whole = whole.first().copied().unwrap_or(f64::NAN);
        let warm_whole = warm(&whole);
        report.add(
            &key("whole_list_ms"),
            &format!("navigation → whole list painted ({expected} rows, progress gone)"),
            format!(
                "cold {cold_whole:.0} ms; warm median {warm_whole:.0} ms ({} loads)",
                whole.len()
            ),
            json!({"cold_ms": cold_whole, "warm_median_ms": warm_whole, "runs": whole}),
        );
        console_whole_ms.push((streams, cold_whole, warm_whole));

        // Memory with the whole list on screen, after a garbage collection.
        browser
            .cdp("HeapProfiler.collectGarbage", json!({}))
            .await?;
        let memory = browser
        .eval(
            r#"const b = window.__bench;
               const wasm = b.wasm && b.wasm.memory ? b.wasm.memory.buffer.byteLength : null;
               return {js: performance.memory ? performance.memory.usedJSHeapSize : null,
                       jsTotal: performance.memory ? performance.memory.totalJSHeapSize : null, wasm};"#,
            vec![],
        )
        .await?;
        browser.cdp("Performance.enable", json!({})).await?;
        let metrics = browser.cdp("Performance.getMetrics", json!({})).await?;
        let metric = |name: &str| {
            metrics
                .get("metrics")
                .and_then(Value::as_array)
                .and_then(|all| {
                    all.iter()
                        .find(|m| m.get("name").and_then(Value::as_str) == Some(name))
                })
                .and_then(|m| m.get("value"))
                .and_then(Value::as_f64)
                .unwrap_or(f64::NAN)
        };
        let js_heap = {
            let from_page = number(&memory, "js");
            if from_page.is_finite() {
                from_page
            } else {
                metric("JSHeapUsedSize")
            }
        };
        let wasm = number(&memory, "wasm");
        let total = js_heap + if wasm.is_finite() { wasm } else { 0.0 };
        report.budget(
        &key("memory_mb"),
        "JS heap + wasm memory after the whole list",
        format!(
            "{:.1} MB = JS heap {:.1} MB (DevTools JSHeapUsedSize {:.1} MB) + wasm {}",
            mb(total),
            mb(js_heap),
            mb(metric("JSHeapUsedSize")),
            if wasm.is_finite() {
                format!("{:.1} MB", mb(wasm))
            } else {
                "unknown (no TrunkApplicationStarted exports)".into()
            }
        ),
        json!({"total_mb": mb(total), "js_heap_mb": mb(js_heap), "devtools_js_heap_mb": mb(metric("JSHeapUsedSize")), "wasm_mb": if wasm.is_finite() { json!(mb(wasm)) } else { Value::Null }, "dom_nodes": metric("Nodes")}),
        "< 150 MB",
        wasm.is_finite() && mb(total) < BUDGET_MEMORY_MB,
    );

        eprintln!("[{streams}] {} filter keystrokes ...", options.keystrokes);
        let keys = measure_keystrokes(browser, options.keystrokes).await?;
        let timed: Vec<f64> = keys.iter().filter_map(|k| *k).collect();
        let (p50, p95) = (percentile(&timed, 50.0), percentile(&timed, 95.0));
        report.budget(
        &key("keystroke_ms"),
        "filter keystroke → updated rows painted",
        format!(
            "median {p50:.1} ms, p95 {p95:.1} ms, max {:.1} ms ({} keystrokes{})",
            percentile(&timed, 100.0),
            timed.len(),
            match keys.len() - timed.len() {
                0 => String::new(),
                n => format!("; {n} changed nothing on screen and are left out"),
            }
        ),
        json!({"median_ms": p50, "p95_ms": p95, "samples": timed, "unchanged": keys.len() - timed.len()}),
        "< 50 ms (median)",
        p50 < BUDGET_KEYSTROKE_MS,
    );

        eprintln!(
            "[{streams}] watch phase: {} writes/s for {} s from {} writers ...",
            options.common.rate, options.common.seconds, options.common.writers
        );
        let watch = watch_phase(options, streams, http, browser, server.pid()).await?;
        report_watch(
            report,
            &key("watch"),
            &format!("watch phase ({} Deployments)", options.deployments),
            options,
            &watch,
        );

        eprintln!(
            "[{streams}] the page of a stream with {} tags x {} history items ...",
            options.big_tags, options.big_history
        );
        let (heading, complete) = measure_stream_page(options, server, browser).await?;
        let runs = heading.len();
        report.add(
        &key("stream_page_ms"),
        &format!(
            "image stream page ({} tags × {} history items): navigation → heading / every tag row painted",
            options.big_tags, options.big_history
        ),
        format!(
            "{:.0} ms / {:.0} ms (median of {runs}; first {:.0} / {:.0} ms)",
            percentile(&heading, 50.0),
            percentile(&complete, 50.0),
            heading.first().copied().unwrap_or(f64::NAN),
            complete.first().copied().unwrap_or(f64::NAN),
        ),
        json!({"heading_median_ms": percentile(&heading, 50.0), "complete_median_ms": percentile(&complete, 50.0), "heading_ms": heading, "complete_ms": complete}),
    );
        Ok(())
    }

    /// Adds the watch phase's figures under `prefix`, titled `label`.
    fn report_watch(
        report: &mut Report,
        prefix: &str,
        label: &str,
        options: &Options,
        watch: &WatchFigures,
    ) {
        report.add(
        &format!("{prefix}_writes"),
        &format!("{label}: writes (merge patches of an annotation)"),
        format!(
            "{:.0} writes/s achieved (target {}); {} planned, {} succeeded, {} failed, {} not sent (behind schedule)",
            watch.achieved, options.common.rate, watch.planned, watch.succeeded, watch.failed, watch.skipped
        ),
        json!({"per_second": watch.achieved, "target": options.common.rate, "planned": watch.planned, "succeeded": watch.succeeded, "failed": watch.failed, "skipped": watch.skipped}),
    );
        report.add(
        &format!("{prefix}_received"),
        &format!("{label}: events the page received (its watch stream, teed)"),
        format!(
            "{} of {}; all in {}; {} duplicates",
            watch.received,
            watch.succeeded,
            match watch.catch_up {
                Some(time) => format!("{:.2} s after the last write", time.as_secs_f64()),
                None => format!("not within {} s", options.common.drain_seconds),
            },
            watch.duplicates
        ),
        json!({"received": watch.received, "expected": watch.succeeded, "catch_up_s": watch.catch_up.map(|t| t.as_secs_f64()), "duplicates": watch.duplicates}),
    );
        let lost = watch.succeeded.saturating_sub(watch.received);
        report.failed |= !report.budget(
            &format!("{prefix}_lost"),
            &format!("{label}: lost events"),
            match &watch.applied {
                Some(text) => format!("{lost} (page's applied version: {text})"),
                None => {
                    format!("{lost} (received by the page; its applied state is not exposed yet)")
                }
            },
            json!(lost),
            "0",
            lost == 0 && watch.applied_matches.unwrap_or(true),
        );
        report.add(
        &format!("{prefix}_frames"),
        &format!("{label}: longest frame (rAF gap) / long tasks"),
        format!(
            "{:.0} ms longest gap, {} frames over 50 ms of {}; {} long tasks, longest {:.0} ms",
            watch.longest_frame, watch.frames_over_50, watch.frames, watch.long_tasks, watch.longest_task
        ),
        json!({"longest_frame_ms": watch.longest_frame, "frames": watch.frames, "frames_over_50ms": watch.frames_over_50, "long_tasks": watch.long_tasks, "longest_task_ms": watch.longest_task}),
    );
        report.add(
            &format!("{prefix}_cpu"),
            &format!("{label}: devcluster CPU"),
            format!("{:.1} s over {:.1} s wall", watch.server_cpu, watch.wall),
            json!({"server_cpu_s": watch.server_cpu, "wall_s": watch.wall}),
        );
    }

    /// Types `count` keys into the name filter; each `None` changed nothing on screen.
    async fn measure_keystrokes(
        browser: &Browser,
        count: usize,
    ) -> Result<Vec<Option<f64>>, String> {
        let found = browser
        .eval(
            r#"for (const label of document.querySelectorAll('label')) {
                 if (!/Filter by name/i.test(label.innerText)) continue;
                 const control = label.htmlFor ? document.getElementById(label.htmlFor) : label.querySelector('input');
                 if (control) return control;
               }
               return null;"#,
            vec![],
        )
        .await?;
        let id = found
            .get("element-6066-11e4-a52e-4f735466cecf")
            .and_then(Value::as_str)
            .ok_or("no text box labelled \"Filter by name\" on the list page")?;
        let input = fantoccini::elements::Element::from_element_id(
            browser.client.clone(),
            fantoccini::elements::ElementRef::from(id.to_owned()),
        );
        input
            .click()
            .await
            .map_err(|e| format!("cannot focus the filter: {e}"))?;
        // Cycles of three digits typed and deleted again: each step changes which rows match.
        const BACKSPACE: &str = "\u{E003}";
        let mut keys: Vec<String> = Vec::new();
        let mut cycle = 0;
        while keys.len() < count {
            let first = 1 + cycle % 9;
            let second = (first * 3 + 1) % 10;
            let third = (first * 7 + 3) % 10;
            for digit in [first, second, third] {
                keys.push(digit.to_string());
            }
            keys.extend(std::iter::repeat_n(BACKSPACE.to_owned(), 3));
            cycle += 1;
        }
        keys.truncate(count);
        let mut times = Vec::new();
        for key in &keys {
            browser
            .eval(
                "const b = window.__bench; b.mode = 'key'; b.key = {before: b.signature(), start: null, changed: null, end: null}; return null;",
                vec![],
            )
            .await?;
            input
                .send_keys(key)
                .await
                .map_err(|e| format!("typing into the filter failed: {e}"))?;
            let result = browser
                .wait_for(
                    "(b.key.end > 0 && b.key.start !== null) ? b.key.end - b.key.start : null",
                    KEY_LIMIT,
                    "keystroke",
                )
                .await;
            times.push(result.ok().and_then(|v| v.as_f64()));
        }
        // Back to the whole list.
        input
            .clear()
            .await
            .map_err(|e| format!("cannot clear the filter: {e}"))?;
        browser
        .eval(
            "const input = arguments[0]; input.dispatchEvent(new Event('input', {bubbles: true})); window.__bench.mode = null; return null;",
            vec![serde_json::to_value(&input).map_err(|e| e.to_string())?],
        )
        .await?;
        browser
        .wait_for(
            "(document.querySelectorAll('table tbody tr[aria-rowindex]').length > 0 && !/[?&]name=/.test(location.search)) ? true : null",
            PAGE_LIMIT,
            "the unfiltered list after the keystrokes",
        )
        .await?;
        Ok(times)
    }

    /// What the watch phase found.
    struct WatchFigures {
        planned: usize,
        succeeded: usize,
        failed: usize,
        skipped: usize,
        achieved: f64,
        received: usize,
        duplicates: usize,
        catch_up: Option<Duration>,
        applied: Option<String>,
        applied_matches: Option<bool>,
        longest_frame: f64,
        frames: u64,
        frames_over_50: u64,
        long_tasks: usize,
        longest_task: f64,
        server_cpu: f64,
        wall: f64,
    }

    async fn watch_phase(
        options: &Options,
        streams: usize,
        http: &Http,
        browser: &Browser,
        pid: u32,
    ) -> Result<WatchFigures, String> {
        let planned = options.common.planned_writes();
        browser
        .eval(
            "const b = window.__bench; b.seen = new Uint8Array(arguments[0]); b.received = 0; b.duplicates = 0; b.longTasks = []; b.startFrames(); return null;",
            vec![json!(planned)],
        )
        .await?;
        let cpu_before = crate::support::cpu_time(&pid.to_string());
        let wall = Instant::now();
        let succeeded = Arc::new(AtomicUsize::new(0));
        // The newest resourceVersion a write produced: the page has applied every write once it
        // has applied this one (a watch delivers in order).
        let newest = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let schedule = Schedule::new(&options.common);
        let mut tasks = Vec::new();
        for writer in 0..options.common.writers {
            let (http, succeeded, newest) = (http.clone(), succeeded.clone(), newest.clone());
            let writers = options.common.writers;
            tasks.push(tokio::spawn(async move {
                let (mut failed, mut skipped, mut first_failure) = (0usize, 0usize, None::<String>);
                for slot in (writer..planned).step_by(writers) {
                    if schedule.wait(slot).await.is_none() {
                        skipped += 1;
                        continue;
                    }
                    match write_seq(&http, DEVELOPER, streams, slot).await {
                        Ok(fetched) if fetched.status == StatusCode::OK => {
                            succeeded.fetch_add(1, Ordering::Relaxed);
                            let version = serde_json::from_slice::<Value>(&fetched.body)
                                .ok()
                                .and_then(|object| {
                                    object
                                        .pointer("/metadata/resourceVersion")
                                        .and_then(Value::as_str)
                                        .and_then(|v| v.parse::<u64>().ok())
                                })
                                .unwrap_or(0);
                            newest.fetch_max(version, Ordering::Relaxed);
                        }
                        Ok(fetched) => {
                            failed += 1;
                            if let Err(message) = fetched.expect(200, "write") {
                                first_failure.get_or_insert(message);
                            }
                        }
                        Err(message) => {
                            failed += 1;
                            first_failure.get_or_insert(message);
                        }
                    }
                }
                (failed, skipped, first_failure)
            }));
        }
        let (mut failed, mut skipped) = (0, 0);
        for task in tasks {
            let (f, s, first) = task.await.map_err(|e| format!("a writer failed: {e}"))?;
            failed += f;
            skipped += s;
            if let Some(message) = first {
                eprintln!("first failed write: {message}");
            }
        }
        let writes_over = Instant::now();
        let window = writes_over
            .saturating_duration_since(schedule.start.into_std())
            .as_secs_f64()
            .max(1e-9);
        let succeeded = succeeded.load(Ordering::Relaxed);
        // Catch-up: until the page has every event, or the drain time has passed.
        let mut catch_up = None;
        let drain = Duration::from_secs(options.common.drain_seconds);
        loop {
            let received = browser
                .eval("return window.__bench.received;", vec![])
                .await?
                .as_u64()
                .unwrap_or(0) as usize;
            if received >= succeeded {
                catch_up = Some(writes_over.elapsed());
                break;
            }
            if writes_over.elapsed() > drain {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // Let the page apply what it received (batched per frame) before reading its state.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let wall = wall.elapsed().as_secs_f64();
        let server_cpu = (crate::support::cpu_time(&pid.to_string()) - cpu_before).as_secs_f64();
        let page = browser
        .eval(
            r#"const b = window.__bench; const f = b.frames || {max: 0, count: 0, over50: 0}; b.frames = null;
               const hook = document.querySelector('[data-live-resource-version]');
               const tasks = b.longTasks;
               return {received: b.received, duplicates: b.duplicates, max: f.max, count: f.count, over50: f.over50,
                       longTasks: tasks.length, longestTask: tasks.reduce((m, t) => Math.max(m, t[1]), 0),
                       applied: hook ? hook.getAttribute('data-live-resource-version') : null};"#,
            vec![],
        )
        .await?;
        let newest = newest.load(Ordering::Relaxed);
        let (applied, applied_matches) = match page.get("applied").and_then(Value::as_str) {
            Some(version) => {
                let matches = version.parse::<u64>().is_ok_and(|v| v >= newest);
                (
                    Some(format!("{version}; the last write made {newest}")),
                    Some(matches),
                )
            }
            None => (None, None),
        };
        Ok(WatchFigures {
            planned,
            succeeded,
            failed,
            skipped,
            achieved: succeeded as f64 / window,
            received: page.get("received").and_then(Value::as_u64).unwrap_or(0) as usize,
            duplicates: page.get("duplicates").and_then(Value::as_u64).unwrap_or(0) as usize,
            catch_up,
            applied,
            applied_matches,
            longest_frame: number(&page, "max"),
            frames: page.get("count").and_then(Value::as_u64).unwrap_or(0),
            frames_over_50: page.get("over50").and_then(Value::as_u64).unwrap_or(0),
            long_tasks: page.get("longTasks").and_then(Value::as_u64).unwrap_or(0) as usize,
            longest_task: number(&page, "longestTask"),
            server_cpu,
            wall,
        })
    }

    /// Opens the big stream's page `options.runs` times: (heading painted, every tag painted).
    async fn measure_stream_page(
        options: &Options,
        server: &Server,
        browser: &Browser,
    ) -> Result<(Vec<f64>, Vec<f64>), String> {
        let url = format!(
            "{}/k8s/ns/{NAMESPACE}/imagestreams/{BIG_STREAM}",
            server.base()
        );
        let tags: Vec<String> = (0..options.big_tags).map(|t| format!("t{t:03}")).collect();
        let (mut heading, mut complete) = (Vec::new(), Vec::new());
        let setup = format!(
        "window.__bench.page = {{name: {}, tags: new Set({}), heading: null, complete: null, found: 0}}; window.__bench.mode = 'page';",
        json!(BIG_STREAM),
        json!(tags)
    );
        let mut previous = None;
        for _ in 0..options.runs {
            browser.open(&url, &setup, &mut previous).await?;
            let times = browser
            .wait_for(
                "(b.page.heading > 0 && b.page.complete > 0) ? {heading: b.page.heading, complete: b.page.complete} : null",
                PAGE_LIMIT,
                "the image stream page with every tag",
            )
            .await?;
            heading.push(number(&times, "heading"));
            complete.push(number(&times, "complete"));
        }
        Ok((heading, complete))
    }

    /// `kubectl get is -n demo` against the server, `options.kubectl_runs` times: wall time of each
    /// (the first with an empty discovery cache). Checks the output lists every stream.
    async fn run_kubectl(
        options: &Options,
        server: &Server,
        streams: usize,
        work: &Path,
    ) -> Result<Vec<f64>, String> {
        let cache = work.join(format!("kube-cache-{streams}"));
        let _ = std::fs::remove_dir_all(&cache);
        let mut times = Vec::new();
        for _ in 0..options.kubectl_runs {
            let started = Instant::now();
            let output = tokio::process::Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(&server.kubeconfig)
                .arg("--cache-dir")
                .arg(&cache)
                .args(["get", "is", "-n", NAMESPACE])
                .stdin(Stdio::null())
                .output();
            let output = tokio::time::timeout(PAGE_LIMIT, output)
                .await
                .map_err(|_| "kubectl did not finish within 300 s".to_owned())?
                .map_err(|e| format!("cannot run kubectl: {e}"))?;
            let elapsed = started.elapsed();
            if !output.status.success() {
                return Err(format!(
                    "kubectl get is failed: {}",
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            let lines = output.stdout.iter().filter(|&&b| b == b'\n').count();
            if lines != streams + 2 {
                return Err(format!(
                    "kubectl get is printed {lines} lines, expected {} (a header and {} streams)",
                    streams + 2,
                    streams + 1
                ));
            }
            times.push(ms(elapsed));
        }
        Ok(times)
    }

    /// The machine: cores and memory.
    fn machine() -> (usize, f64) {
        let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
        let ram = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("MemTotal:"))
                    .and_then(|rest| rest.split_whitespace().next())
                    .and_then(|kb| kb.parse::<f64>().ok())
            })
            .map_or(0.0, |kb| kb / 1024.0 / 1024.0);
        (cores, ram)
    }

    async fn run(options: &Options, report: &mut Report) -> Result<(), String> {
        let work = target_dir().join("bench-console-work");
        std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {work:?}: {e}"))?;
        report.section("first load (what every visit downloads)");
        match &options.bundle_report {
            Some(path) => {
                let ((raw, gzip, brotli), files) = first_load_sizes(path)?;
                report.budget(
                    "first_load_bytes",
                    "first load: wasm + JS + CSS, raw / gzip / brotli",
                    format!("{raw} / {gzip} / {brotli} B ({})", files.join("; ")),
                    json!({"raw": raw, "gzip": gzip, "brotli": brotli, "files": files}),
                    "< 250 KB brotli",
                    brotli < BUDGET_FIRST_LOAD_BYTES,
                );
            }
            None => report.add(
                "first_load_bytes",
                "first load sizes",
                "not measured (pass --bundle-report; scripts/bench-console.sh does)".into(),
                Value::Null,
            ),
        }
        let mut console_whole = Vec::new();
        for &streams in &options.streams {
            measure_size(options, streams, &work, report, &mut console_whole).await?;
        }
        Ok(())
    }

    pub fn main() -> ExitCode {
        let options = match Options::parse(std::env::args().skip(1).collect()) {
            Ok(options) => options,
            Err(message) => {
                eprintln!("console bench: {message}\n\n{USAGE}");
                return ExitCode::from(2);
            }
        };
        let runtime = match crate::support::runtime() {
            Ok(runtime) => runtime,
            Err(message) => {
                eprintln!("console bench: {message}");
                return ExitCode::FAILURE;
            }
        };
        let started = Instant::now();
        let mut report = Report::default();
        let outcome = runtime.block_on(run(&options, &mut report));
        runtime.shutdown_timeout(Duration::from_secs(2));

        let (cores, ram) = machine();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64);
        let date = imagestream_model::time::format_rfc3339(now);
        let heading = format!(
        "console benchmark{}, {date}: headless Chromium against devcluster on this machine ({cores} cores, {ram:.1} GB RAM, shared by browser, server and driver); {} Deployments; watch phase {} writes/s for {} s from {} writers; {} filter keystrokes; {} page loads per size (first cold)",
        if options.smoke { " (smoke)" } else { "" },
        options.deployments,
        options.common.rate,
        options.common.seconds,
        options.common.writers,
        options.keystrokes,
        options.runs,
    );
        let mut markdown = report.markdown(&heading);
        let _ = writeln!(
            markdown,
            "\nRun time {:.0} s.{}",
            started.elapsed().as_secs_f64(),
            match &outcome {
                Ok(()) => String::new(),
                Err(message) => format!(" FAILED: {message}"),
            }
        );
        println!("{markdown}");
        let document = json!({
            "date": date,
            "machine": {"cores": cores, "ram_gb": ram},
            "parameters": {
                "smoke": options.smoke, "streams": options.streams, "deployments": options.deployments,
                "rate": options.common.rate, "seconds": options.common.seconds, "writers": options.common.writers,
                "keystrokes": options.keystrokes, "runs": options.runs, "kubectl_runs": options.kubectl_runs,
                "big_tags": options.big_tags, "big_history": options.big_history,
                "dist": options.dist.display().to_string(),
            },
            "figures": report.figures,
            "budgets_missed": report.missed,
            "error": outcome.as_ref().err(),
        });
        write_figures(
            "console bench",
            &options.common.output,
            &markdown,
            &document,
        );
        if let Err(message) = outcome {
            eprintln!("console bench: FAILED: {message}");
            return ExitCode::FAILURE;
        }
        if report.failed {
            eprintln!("console bench: watch events were lost");
            return ExitCode::FAILURE;
        }
        if !report.missed.is_empty() {
            eprintln!(
                "console bench: budgets missed (reported, not failing): {}",
                report.missed.join(", ")
            );
        }
        ExitCode::SUCCESS
    }
}
