//! End-to-end harness: starts devcluster (serving the built console) and chromedriver on free
//! loopback ports, drives headless Chromium through WebDriver, and stops everything on drop.
//! Elements are found the way a person finds them: by role and visible text.

#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// How long to wait for something to appear on screen before failing.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The workspace root (where dist/ and target/ live).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A running devcluster with a browser pointed at it.
pub struct Session {
    /// The WebDriver client.
    pub browser: Client,
    /// Base URL of devcluster, e.g. `http://127.0.0.1:41234`.
    pub base_url: String,
    devcluster: Child,
    chromedriver: Child,
}

impl Session {
    /// Starts devcluster (anonymous requests act as `developer`) and a headless Chromium.
    pub async fn start() -> Session {
        Self::start_with(&["--allow-anonymous"]).await
    }

    /// Starts devcluster with extra flags and a headless Chromium.
    pub async fn start_with(flags: &[&str]) -> Session {
        let root = workspace_root();
        // CONSOLE_DIST lets parallel work build and test separate copies of the console.
        let dist = std::env::var_os("CONSOLE_DIST")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("dist"));
        assert!(
            dist.join("index.html").is_file(),
            "{} is missing: build the console first (trunk build --release), as scripts/test.sh does",
            dist.join("index.html").display()
        );
        let binary = std::env::var_os("DEVCLUSTER_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/debug/devcluster"));
        assert!(
            binary.is_file(),
            "{} is missing: build it first (cargo build -p imagestream-devcluster), as scripts/test.sh does",
            binary.display()
        );
        let mut devcluster = Command::new(&binary)
            .args(["--listen", "127.0.0.1:0"])
            .args(flags)
            .arg("--dist")
            .arg(&dist)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
        let stdout = devcluster
            .stdout
            .take()
            .expect("devcluster stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let base_url = tokio::time::timeout(PATIENCE, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(url) = line.strip_prefix("devcluster listening on ") {
                    return url.to_owned();
                }
            }
            panic!("devcluster exited before it was listening");
        })
        .await
        .expect("devcluster did not start listening in time");
        // Keep draining devcluster's output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let port = free_port();
        let chromedriver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start chromedriver (installed by scripts/setup.sh)");
        let webdriver = format!("http://127.0.0.1:{port}");
        let browser = connect(&webdriver).await;
        Session {
            browser,
            base_url,
            devcluster,
            chromedriver,
        }
    }

    /// Opens a path of the console.
    pub async fn open(&self, path: &str) {
        self.browser
            .goto(&format!("{}{}", self.base_url, path))
            .await
            .expect("navigation failed");
    }

    /// Waits until an element with `role` whose accessible name contains `name` is on screen,
    /// and returns its visible text.
    pub async fn wait_for_role(&self, role: &str, name: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self.by_role(role).await;
            if let Some(text) = found.iter().find(|text| text.contains(name)) {
                return text.clone();
            }
            if Instant::now() > deadline {
                panic!("no {role} named {name:?} appeared; the {role}s on screen are {found:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The accessible names of every visible element with the given ARIA role (explicit or
    /// implicit), in document order.
    pub async fn by_role(&self, role: &str) -> Vec<String> {
        let result = self
            .browser
            .execute(FIND_BY_ROLE, vec![json!(role)])
            .await
            .expect("role query failed");
        serde_json::from_value(result).unwrap_or_default()
    }

    /// The rows of the first table, each as its cells' texts.
    pub async fn table_rows(&self) -> Vec<Vec<String>> {
        let result = self
            .browser
            .execute(
                "return [...document.querySelectorAll('table tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()));",
                vec![],
            )
            .await
            .expect("table query failed");
        serde_json::from_value(result).unwrap_or_default()
    }

    /// Types into the input labelled `label` (its `<label>` text), as a person would.
    pub async fn fill(&self, label: &str, text: &str) {
        let input = self.labelled(label).await;
        input.clear().await.expect("clear the input");
        input.send_keys(text).await.expect("type into the input");
    }

    /// The form control whose `<label>` contains `label`.
    pub async fn labelled(&self, label: &str) -> fantoccini::elements::Element {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self
                .browser
                .execute(
                    r#"const [text] = arguments;
                       for (const label of document.querySelectorAll('label')) {
                         if (!label.innerText.includes(text)) continue;
                         const control = label.htmlFor ? document.getElementById(label.htmlFor) : label.querySelector('input,select,textarea');
                         if (control) return control;
                       }
                       return null;"#,
                    vec![json!(label)],
                )
                .await
                .expect("label query failed");
            // A returned DOM element arrives as a WebDriver element reference.
            if let Some(id) = found
                .get("element-6066-11e4-a52e-4f735466cecf")
                .and_then(Value::as_str)
            {
                return fantoccini::elements::Element::from_element_id(
                    self.browser.clone(),
                    fantoccini::elements::ElementRef::from(id.to_owned()),
                );
            }
            if Instant::now() > deadline {
                panic!("no form control labelled {label:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The option texts of the list labelled `label`, once it has loaded.
    pub async fn options(&self, label: &str) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let select = self.labelled(label).await;
            let texts: Vec<String> = self
                .browser
                .execute(
                    "return [...arguments[0].options].map(o => o.text.trim());",
                    vec![serde_json::to_value(&select).expect("element reference")],
                )
                .await
                .ok()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default();
            let loading = texts.iter().any(|t| t.starts_with("Loading"));
            if !texts.is_empty() && !loading {
                return texts;
            }
            if Instant::now() > deadline {
                panic!("the list labelled {label:?} never loaded: {texts:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the button whose visible text is `name`.
    pub async fn click_button(&self, name: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let clicked = self
                .browser
                .execute(
                    r#"const [name] = arguments;
                       const button = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === name && !b.disabled);
                       if (!button) return false;
                       button.click();
                       return true;"#,
                    vec![json!(name)],
                )
                .await
                .expect("button query failed");
            if clicked == json!(true) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "no enabled button named {name:?}; buttons: {:?}",
                    self.by_role("button").await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the link whose visible text is `name` (as a person would, so the router sees it).
    pub async fn click_link(&self, name: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self
                .browser
                .execute(
                    r#"const [name] = arguments;
                       return [...document.querySelectorAll('a[href]')].find(a => a.innerText.trim() === name) || null;"#,
                    vec![json!(name)],
                )
                .await
                .expect("link query failed");
            if let Some(id) = found
                .get("element-6066-11e4-a52e-4f735466cecf")
                .and_then(Value::as_str)
            {
                let link = fantoccini::elements::Element::from_element_id(
                    self.browser.clone(),
                    fantoccini::elements::ElementRef::from(id.to_owned()),
                );
                link.click().await.expect("click the link");
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "no link named {name:?}; links: {:?}",
                    self.by_role("link").await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// How many elements match a CSS selector right now.
    pub async fn count(&self, selector: &str) -> usize {
        let result = self
            .browser
            .execute(
                "return document.querySelectorAll(arguments[0]).length;",
                vec![json!(selector)],
            )
            .await
            .expect("count query failed");
        result.as_u64().unwrap_or(0) as usize
    }

    /// The text of the first element matching a CSS selector, once there is one.
    pub async fn text_of(&self, selector: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let result = self
                .browser
                .execute(
                    "const el = document.querySelector(arguments[0]); return el ? el.textContent : null;",
                    vec![json!(selector)],
                )
                .await
                .expect("text query failed");
            if let Some(text) = result.as_str() {
                return text.to_owned();
            }
            if Instant::now() > deadline {
                panic!("nothing matches {selector:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page's path is `path`.
    pub async fn wait_for_path(&self, path: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let url = self.browser.current_url().await.expect("current URL");
            if url.path() == path {
                return;
            }
            if Instant::now() > deadline {
                panic!("expected to be at {path}, still at {}", url.path());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a PNG of the page under screenshots/ (shown in the README).
    pub async fn screenshot(&self, name: &str) {
        let png = self.browser.screenshot().await.expect("screenshot failed");
        let dir = workspace_root().join("screenshots");
        std::fs::create_dir_all(&dir).expect("cannot create screenshots/");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("cannot write the screenshot");
    }

    /// Closes the browser; devcluster and chromedriver stop when the session drops.
    pub async fn finish(self) {
        let Session {
            browser,
            mut devcluster,
            mut chromedriver,
            ..
        } = self;
        browser.close().await.ok();
        devcluster.kill().await.ok();
        chromedriver.kill().await.ok();
    }
}

/// Implicit roles of the elements the console uses, plus explicit `role` attributes; the name is
/// `aria-label` or the visible text.
const FIND_BY_ROLE: &str = r#"
const role = arguments[0];
const implicit = {
  heading: 'h1,h2,h3,h4,h5,h6', paragraph: 'p', table: 'table', row: 'tr', columnheader: 'th',
  cell: 'td', link: 'a[href]', button: 'button', textbox: 'input:not([type]),input[type=text],input[type=search],textarea',
  alert: '[role=alert]', status: '[role=status],output', navigation: 'nav', main: 'main', banner: 'header',
  combobox: 'select', option: 'option', checkbox: 'input[type=checkbox]'
};
const selector = `[role="${role}"]` + (implicit[role] ? ',' + implicit[role] : '');
return [...document.querySelectorAll(selector)]
  .filter(el => el.getClientRects().length > 0)
  .map(el => (el.getAttribute('aria-label') || el.innerText || '').trim());
"#;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("no free loopback port")
}

async fn connect(webdriver: &str) -> Client {
    let profile = tempfile_dir();
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ]
        }
    });
    let Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    let deadline = Instant::now() + PATIENCE;
    loop {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(webdriver)
            .await
        {
            Ok(client) => return client,
            Err(err) if Instant::now() > deadline => {
                panic!("cannot start Chromium through chromedriver: {err}")
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// A fresh, empty browser profile directory under target/.
fn tempfile_dir() -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let unique = format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let _ = std::fs::remove_dir_all(workspace_root().join("target/e2e-profiles").join(&unique));
    let dir = workspace_root().join("target/e2e-profiles").join(unique);
    std::fs::create_dir_all(&dir).expect("cannot create a browser profile directory");
    dir
}
