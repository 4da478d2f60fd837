//! Headless Chromium through chromedriver, the same for the end-to-end harness
//! (tests/support/mod.rs) and the console benchmark (benches/console.rs, which includes this
//! file with `#[path]`): a free port for chromedriver and a WebDriver session of a browser with
//! its own profile.

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::Path;
use std::time::{Duration, Instant};

/// A free loopback port (for chromedriver).
pub fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// Starts a headless Chromium (1280×900, profile in `profile`, plus the flags in `extra`)
/// through the chromedriver at `webdriver`, retrying for up to `patience` while chromedriver
/// starts.
pub async fn connect(
    webdriver: &str,
    profile: &Path,
    extra: &[&str],
    patience: Duration,
) -> Result<Client, String> {
    let mut args = vec![
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ];
    args.extend_from_slice(extra);
    let user_data = format!("--user-data-dir={}", profile.display());
    args.push(&user_data);
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}
    });
    let Value::Object(capabilities) = capabilities else {
        return Err("capabilities are an object".into());
    };
    let deadline = Instant::now() + patience;
    loop {
        match ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities.clone())
            .connect(webdriver)
            .await
        {
            Ok(client) => return Ok(client),
            Err(err) if Instant::now() > deadline => {
                return Err(format!("cannot start Chromium through chromedriver: {err}"))
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}
