//! Time to first screen of the static demo (scripts/build-demo.sh): the build served by a plain
//! static file server (`python3 -m http.server`) under its sub-path, opened in headless
//! Chromium, timed from navigation start to the paint after the first rows of the demo
//! project's image streams appeared. A benchmark that prints figures, not a test: nothing is
//! judged. Run it with scripts/bench-static-demo.sh (which builds what it needs), or
//!
//! ```text
//! cargo run --release --example static_demo_load -- [--dist target/demo-dist] [--runs 5]
//! ```
//!
//! * cold: a fresh Chromium with an empty profile for each run (nothing cached, no demo state
//!   kept), so every file is fetched and the demo worker starts from its seed;
//! * warm: the same page loaded again in the last cold run's browser (HTTP cache and the kept
//!   demo state in place).
//!
//! The time is taken inside the page (`performance.now()`, 0 = navigation start) by a script
//! installed before any page script runs (DevTools `Page.addScriptToEvaluateOnNewDocument`,
//! through chromedriver's `goog/cdp/execute`): a MutationObserver notes the first data row, and
//! the time is read after the next paint (`requestAnimationFrame`, then a task).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/chromium.rs"]
mod chromium;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    match runtime.block_on(native::run()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("static_demo_load: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use crate::chromium;
    use fantoccini::Client;
    use serde_json::{json, Value};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    const PATIENCE: Duration = Duration::from_secs(60);

    /// Notes the paint after the first data row of a table (`window.__firstRows`, ms since
    /// navigation start).
    const PROBE: &str = r#"
(() => {
  window.__firstRows = null;
  let seen = false;
  const check = () => {
    if (seen || !document.querySelector('table tbody tr[aria-rowindex] td')) return false;
    seen = true;
    requestAnimationFrame(() => setTimeout(() => { window.__firstRows = performance.now(); }, 0));
    return true;
  };
  new MutationObserver((_, observer) => { if (check()) observer.disconnect(); })
    .observe(document, { childList: true, subtree: true });
})();
"#;

    struct Options {
        dist: PathBuf,
        runs: usize,
    }

    fn options() -> Result<Options, String> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let mut options = Options {
            dist: root.join("target/demo-dist"),
            runs: 5,
        };
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--dist" => options.dist = args.next().ok_or("--dist needs a directory")?.into(),
                "--runs" => {
                    options.runs = args
                        .next()
                        .and_then(|n| n.parse().ok())
                        .filter(|n| *n > 0)
                        .ok_or("--runs needs a positive number")?
                }
                // cargo passes --bench when run through `cargo bench`.
                "--bench" => {}
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        Ok(options)
    }

    /// The sub-path the build was made for (its `<base href>`).
    fn public_url(dist: &Path) -> Result<String, String> {
        let index = std::fs::read_to_string(dist.join("index.html"))
            .map_err(|err| format!("{}: {err}", dist.join("index.html").display()))?;
        let start = index
            .find("<base href=\"")
            .ok_or("index.html has no <base href>")?
            + "<base href=\"".len();
        let end = index[start..]
            .find('"')
            .ok_or("<base href> is not closed")?
            + start;
        Ok(index[start..end].to_owned())
    }

    fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            let target = to.join(entry.file_name());
            if entry.file_type()?.is_dir() {
                copy_dir(&entry.path(), &target)?;
            } else {
                std::fs::copy(entry.path(), &target)?;
            }
        }
        Ok(())
    }

    /// A child process killed when dropped.
    struct Process(Child);

    impl Drop for Process {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    fn spawn(command: &mut Command, what: &str) -> Result<Process, String> {
        command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map(Process)
            .map_err(|err| format!("cannot start {what}: {err}"))
    }

    fn wait_for_port(port: u16) -> Result<(), String> {
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err(format!("nothing listens on port {port}"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(())
    }

    /// A browser with the probe installed.
    async fn browser(webdriver: &str, profile: &Path) -> Result<Client, String> {
        let _ = std::fs::remove_dir_all(profile);
        std::fs::create_dir_all(profile).map_err(|err| format!("profile: {err}"))?;
        let client = chromium::connect(webdriver, profile, &["--lang=en-US"], PATIENCE).await?;
        let session = client
            .session_id()
            .await
            .map_err(|err| format!("session id: {err}"))?
            .ok_or("no WebDriver session")?;
        let body = json!({
            "cmd": "Page.addScriptToEvaluateOnNewDocument",
            "params": {"source": PROBE},
        });
        let url = format!("{webdriver}/session/{session}/goog/cdp/execute");
        ureq::post(&url)
            .header("Content-Type", "application/json")
            .send(body.to_string())
            .map_err(|err| format!("DevTools: {err}"))?;
        Ok(client)
    }

    /// Loads `url` and returns ms from navigation start to the first rows painted.
    async fn first_rows(client: &Client, url: &str) -> Result<f64, String> {
        client
            .goto(url)
            .await
            .map_err(|err| format!("navigation to {url}: {err}"))?;
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = client
                .execute("return window.__firstRows;", vec![])
                .await
                .map_err(|err| format!("probe: {err}"))?;
            if let Some(ms) = value.as_f64() {
                return Ok(ms);
            }
            if Instant::now() > deadline {
                return Err(format!("no rows appeared at {url}"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn median(values: &[f64]) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        sorted[sorted.len() / 2]
    }

    fn row(kind: &str, values: &[f64]) -> String {
        let each: Vec<String> = values.iter().map(|v| format!("{}", v.round())).collect();
        format!(
            "| {kind} | {} | {} | {} | {} |",
            values.len(),
            median(values).round(),
            values.iter().copied().fold(f64::INFINITY, f64::min).round(),
            each.join(", ")
        )
    }

    pub async fn run() -> Result<(), String> {
        let options = options()?;
        let sub_path = public_url(&options.dist)?;
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let site = root.join(format!("target/static-demo-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&site);
        copy_dir(&options.dist, &site.join(sub_path.trim_matches('/')))
            .map_err(|err| format!("copy the build: {err}"))?;

        let port = chromium::free_port()?;
        let _server = spawn(
            Command::new("python3")
                .args(["-m", "http.server", "--bind", "127.0.0.1"])
                .arg(port.to_string())
                .arg("--directory")
                .arg(&site),
            "python3 -m http.server",
        )?;
        wait_for_port(port)?;
        let driver_port = chromium::free_port()?;
        let _driver = spawn(
            Command::new("chromedriver").arg(format!("--port={driver_port}")),
            "chromedriver",
        )?;
        wait_for_port(driver_port)?;
        let webdriver = format!("http://127.0.0.1:{driver_port}");
        let url = format!("http://127.0.0.1:{port}{sub_path}");

        let mut cold = Vec::new();
        let mut last = None;
        for run in 0..options.runs {
            let profile = site.with_extension(format!("profile-{run}"));
            let client = browser(&webdriver, &profile).await?;
            cold.push(first_rows(&client, &url).await?);
            if let Some(previous) = last.replace(client) {
                let previous: Client = previous;
                let _ = previous.close().await;
            }
        }
        let client = last.ok_or("no run")?;
        let mut warm = Vec::new();
        for _ in 0..options.runs {
            warm.push(first_rows(&client, &url).await?);
        }
        let fetched: Value = client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name.split('/').pop());",
                vec![],
            )
            .await
            .unwrap_or(Value::Null);
        let _ = client.close().await;
        let _ = std::fs::remove_dir_all(&site);
        for run in 0..options.runs {
            let _ = std::fs::remove_dir_all(site.with_extension(format!("profile-{run}")));
        }

        println!(
            "Static demo, time to first screen: navigation start → first rows of `demo` painted (ms), served by python3 -m http.server at {sub_path}"
        );
        println!();
        println!("| load | runs | median | best | each |");
        println!("|---|---:|---:|---:|---|");
        println!("{}", row("cold (fresh browser, empty cache)", &cold));
        println!("{}", row("warm (same browser, cached)", &warm));
        println!();
        println!("files of the last warm load: {fetched}");
        Ok(())
    }
}
