//! End-to-end harness: starts devcluster (serving the built console) and chromedriver on free
//! loopback ports, drives headless Chromium through WebDriver, and stops everything on drop.
//! Elements are found the way a person finds them: by role and visible text.

#![allow(dead_code)]

mod chromium;

use fantoccini::Client;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// WebDriver's keys (Tab, Enter, Space, Backspace, Escape…), for [`Session::press`]: `&Key::Tab`
/// is the key's code as text, and `Key::Shift + &Key::Tab` a chord. (Not every test crate
/// presses keys, hence the allow, as `dead_code` above.)
#[allow(unused_imports)]
pub use fantoccini::key::Key;

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
        let (devcluster, base_url) = spawn_devcluster("127.0.0.1:0", flags).await;

        let (chromedriver, browser) = start_browser(&["--lang=en-US"]).await;
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
        self.rows("table tbody tr").await
    }

    /// The rows matching `selector`, each as its cells' texts.
    async fn rows(&self, selector: &str) -> Vec<Vec<String>> {
        let result = self
            .browser
            .execute(
                "return [...document.querySelectorAll(arguments[0])].map(r => [...r.cells].map(c => c.innerText.trim()));",
                vec![json!(selector)],
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

    /// Clicks the enabled button whose visible text is `name`.
    pub async fn click_button(&self, name: &str) {
        self.click_button_in("button", name, ButtonName::Text).await;
    }

    /// Clicks the link whose visible text is `name` (as a person would, so the router sees it).
    pub async fn click_link(&self, name: &str) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let found = self
                .browser
                .execute(
                    r#"const [name] = arguments;
                       return [...document.querySelectorAll('a[href]')].find(a => (a.innerText || a.textContent || '').trim() === name) || null;"#,
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

/// Starts devcluster listening on `listen` with `flags`, serving the built console, and
/// returns it with its base URL once it listens.
async fn spawn_devcluster(listen: &str, flags: &[&str]) -> (Child, String) {
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
        .args(["--listen", listen])
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
    (devcluster, base_url)
}

/// Starts chromedriver on a free loopback port and a headless Chromium through it, with a
/// fresh profile and `args`. Sessions pass `--lang=en-US`: English whatever the machine's
/// locale, since the suites assert the console's English words (`start_in_language` starts
/// browsers in other languages).
async fn start_browser(args: &[&str]) -> (Child, Client) {
    let port = chromium::free_port().unwrap_or_else(|message| panic!("{message}"));
    let chromedriver = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start chromedriver (installed by scripts/setup.sh)");
    let webdriver = format!("http://127.0.0.1:{port}");
    let browser = chromium::connect(&webdriver, &tempfile_dir(), args, PATIENCE)
        .await
        .unwrap_or_else(|message| panic!("{message}"));
    (chromedriver, browser)
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

impl Session {
    /// Calls the cluster API from inside the page (same origin, as the logged-in browser user)
    /// and returns the status code and JSON body: how tests set the scene, through the real API.
    pub async fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let result = self
            .browser
            .execute_async(
                r#"const [method, path, body, done] = arguments;
                   const init = { method, headers: { 'Accept': 'application/json' } };
                   if (body !== null) {
                     init.body = JSON.stringify(body);
                     init.headers['Content-Type'] = method === 'PATCH'
                       ? 'application/merge-patch+json' : 'application/json';
                   }
                   fetch(path, init)
                     .then(async r => done([r.status, await r.text()]))
                     .catch(e => done([0, String(e)]));"#,
                vec![json!(method), json!(path), body.unwrap_or(Value::Null)],
            )
            .await
            .expect("API call from the page failed");
        let status = result[0].as_u64().unwrap_or(0) as u16;
        let text = result[1].as_str().unwrap_or_default();
        let value = serde_json::from_str(text).unwrap_or_else(|_| json!(text));
        (status, value)
    }
}

impl Session {
    /// The data rows of the first table (rows with `aria-rowindex`, so a windowed table's spacer
    /// rows are left out), each as its cells' texts.
    pub async fn data_rows(&self) -> Vec<Vec<String>> {
        self.rows("table tbody tr[aria-rowindex]").await
    }

    /// Waits until the data rows' first cells (the names) are `names`, and returns the rows.
    pub async fn wait_for_names(&self, names: &[&str]) -> Vec<Vec<String>> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let rows = self.data_rows().await;
            let shown: Vec<&str> = rows
                .iter()
                .filter_map(|r| r.first())
                .map(String::as_str)
                .collect();
            if shown == names {
                return rows;
            }
            if Instant::now() > deadline {
                panic!("expected the rows {names:?}, the table shows {shown:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Stops devcluster the orderly way (SIGTERM: a `--state` file is saved) and waits for it
    /// to exit; the page keeps running and sees the connection drop.
    pub async fn stop_devcluster(&mut self) {
        if let Some(pid) = self.devcluster.id() {
            let _ = Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status()
                .await;
        }
        let _ = tokio::time::timeout(PATIENCE, self.devcluster.wait()).await;
    }

    /// Starts devcluster again on the same address with `flags` (after [`Self::stop_devcluster`]).
    pub async fn start_devcluster_again(&mut self, flags: &[&str]) {
        let listen = self
            .base_url
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .to_owned();
        let (devcluster, _) = spawn_devcluster(&listen, flags).await;
        self.devcluster = devcluster;
    }
}

impl Session {
    /// Creates `object` through the API at `path` (a collection, e.g. a project's image
    /// streams), as the logged-in user, and fails the test unless the server answers 201.
    pub async fn create(&self, path: &str, object: Value) {
        let name = object["metadata"]["name"].clone();
        let (status, body) = self.api("POST", path, Some(object)).await;
        assert_eq!(status, 201, "creating {name} at {path}: {body}");
    }

    /// A screenshot of the whole page, as tall as its content (at least the usual 900 px, at
    /// most `max_height`), saved as screenshots/`name`.png.
    pub async fn screenshot_whole_page(&self, name: &str, max_height: u32) {
        let height = self
            .browser
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await
            .ok()
            .and_then(|value| value.as_u64())
            .unwrap_or(900) as u32;
        self.browser
            .set_window_size(1280, height.clamp(900, max_height) + 140)
            .await
            .expect("resize the window");
        self.screenshot(name).await;
    }
}

/// An ImageStream called `name` with no tags, for [`Session::create`].
pub fn image_stream(name: &str) -> Value {
    json!({
        "apiVersion": "image.openshift.io/v1",
        "kind": "ImageStream",
        "metadata": {"name": name},
        "spec": {"lookupPolicy": {"local": false}}
    })
}

/// A Deployment called `name` with one replica of one container, `container`, running `image`,
/// with `annotations` (e.g. an image trigger), for [`Session::create`].
pub fn deployment(name: &str, container: &str, image: &str, annotations: Value) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "annotations": annotations},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": container, "image": image}]}
            }
        }
    })
}

impl Session {
    /// Clicks the enabled button whose accessible name (`aria-label`, else its text) is `name`,
    /// for buttons that share their visible text (a "Delete" on every row).
    pub async fn click_named_button(&self, name: &str) {
        self.click_button_in("button", name, ButtonName::Accessible)
            .await;
    }

    /// Whether the button named `name` (as [`Self::click_named_button`] names it) is disabled,
    /// and its title (where a disabled action says why), once the button says either.
    pub async fn button_state(&self, name: &str) -> (bool, String) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let state = self
                .browser
                .execute(
                    r#"const [name] = arguments;
                       const b = [...document.querySelectorAll('button')].find(b => (b.getAttribute('aria-label') || b.innerText.trim()) === name);
                       return b ? [b.disabled, b.title || ''] : null;"#,
                    vec![json!(name)],
                )
                .await
                .expect("button query failed");
            let disabled = state[0].as_bool();
            let title = state[1].as_str().unwrap_or_default().to_owned();
            // A button waiting for a permission check is disabled without a reason yet.
            if let Some(disabled) = disabled.filter(|disabled| !disabled || !title.is_empty()) {
                return (disabled, title);
            }
            if Instant::now() > deadline {
                return (disabled.unwrap_or(false), title);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The visible text of the open modal dialog, once it contains `text`.
    pub async fn dialog_with(&self, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let shown = self
                .browser
                .execute(
                    "const d = document.querySelector('dialog[open]'); return d ? d.innerText : null;",
                    vec![],
                )
                .await
                .expect("dialog query failed");
            let shown = shown.as_str().map(str::to_owned);
            if let Some(shown) = shown.as_ref().filter(|shown| shown.contains(text)) {
                return shown.clone();
            }
            if Instant::now() > deadline {
                panic!("no open dialog showing {text:?}; the open dialog shows {shown:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Clicks the enabled button with visible text `name` inside the open dialog.
    pub async fn click_in_dialog(&self, name: &str) {
        self.click_button_in("dialog[open] button", name, ButtonName::Text)
            .await;
    }

    /// Clicks the first enabled button matching `buttons` (a CSS selector) whose name, told
    /// `by` its visible text or its accessible name, is `name`, once there is one: the one loop
    /// behind [`Self::click_button`], [`Self::click_named_button`] and [`Self::click_in_dialog`].
    async fn click_button_in(&self, buttons: &str, name: &str, by: ButtonName) {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let clicked = self
                .browser
                .execute(
                    r#"const [buttons, name, accessible] = arguments;
                       const named = b => (accessible && b.getAttribute('aria-label')) || b.innerText.trim();
                       const button = [...document.querySelectorAll(buttons)].find(b => named(b) === name && !b.disabled);
                       if (!button) return false;
                       button.click();
                       return true;"#,
                    vec![
                        json!(buttons),
                        json!(name),
                        json!(matches!(by, ButtonName::Accessible)),
                    ],
                )
                .await
                .expect("button query failed");
            if clicked == json!(true) {
                return;
            }
            if Instant::now() > deadline {
                panic!(
                    "no enabled button named {name:?} matches {buttons:?}; buttons: {:?}",
                    self.by_role("button").await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Types keys (text or [`Key`]s) into whatever has the focus, as a person at the keyboard
    /// would.
    pub async fn press(&self, keys: &str) {
        let focused = self
            .browser
            .active_element()
            .await
            .expect("the focused element");
        focused.send_keys(keys).await.expect("send keys");
    }

    /// The accessible name (`aria-label`, else text) of the focused element, and whether it is
    /// inside an open modal dialog.
    pub async fn focused(&self) -> (String, bool) {
        let found = self
            .browser
            .execute(
                r#"const e = document.activeElement;
                   if (!e) return ['', false];
                   return [(e.getAttribute('aria-label') || e.innerText || e.tagName).trim(), !!e.closest('dialog:modal')];"#,
                vec![],
            )
            .await
            .expect("focus query failed");
        (
            found[0].as_str().unwrap_or_default().to_owned(),
            found[1].as_bool().unwrap_or(false),
        )
    }

    /// The id of the element that has the keyboard focus (empty when it has none).
    pub async fn focused_id(&self) -> String {
        self.script(
            "return document.activeElement ? document.activeElement.id : '';",
            "focus query",
        )
        .await
        .as_str()
        .unwrap_or_default()
        .to_owned()
    }
}

/// How [`Session::click_button_in`] tells buttons apart: by what they show, or by their
/// accessible name (`aria-label`, else what they show).
#[derive(Clone, Copy)]
enum ButtonName {
    Text,
    Accessible,
}

/// The token of devcluster's `viewer`, who may look at project demo but change nothing there:
/// how tests see what a person without permission is shown.
pub const VIEWER_TOKEN: &str = "sha256~viewer-devcluster-token";

/// The images (newest first) in the history of tag `tag` of the ImageStream `stream` (JSON, as
/// the API returns it); panics when the tag has no history, which every caller needs.
pub fn tag_history(stream: &Value, tag: &str) -> Vec<String> {
    stream["status"]["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry["tag"] == tag)
        .and_then(|entry| entry["items"].as_array())
        .unwrap_or_else(|| panic!("tag {tag} has a history: {stream}"))
        .iter()
        .filter_map(|item| item["image"].as_str().map(str::to_owned))
        .collect()
}

/// The short form of a digest the console shows: the first 12 hex digits of `sha256:…`.
pub fn short(digest: &str) -> &str {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    &hex[..12]
}

impl Session {
    /// Runs `script` in the page and returns what it returns; `what` names it in the failure
    /// message (for reading state that no role or label reaches, e.g. a field's value).
    pub async fn script(&self, script: &str, what: &str) -> Value {
        self.browser
            .execute(script, vec![])
            .await
            .unwrap_or_else(|err| panic!("{what}: {err}"))
    }

    /// Runs `script` in the page until it returns something other than null or false, and
    /// returns that; `what` names the wait in the failure message.
    pub async fn wait_until(&self, script: &str, what: &str) -> Value {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let value = self.script(script, "page query").await;
            if !value.is_null() && value != json!(false) {
                return value;
            }
            if Instant::now() > deadline {
                panic!("waited in vain for {what}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the button showing `name` is enabled (e.g. once the permission check has
    /// answered).
    pub async fn wait_for_enabled_button(&self, name: &str) {
        let script = format!(
            "const b = [...document.querySelectorAll('button')].find(b => b.innerText.trim() === {}); return b && !b.disabled;",
            json!(name)
        );
        self.wait_until(&script, &format!("{name} to be enabled"))
            .await;
    }

    /// What the first element matching `selector` shows now (its `innerText`); empty when
    /// nothing matches.
    pub async fn inner_text(&self, selector: &str) -> String {
        self.browser
            .execute(
                "const el = document.querySelector(arguments[0]); return el ? el.innerText : '';",
                vec![json!(selector)],
            )
            .await
            .expect("text query")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until the element matching `selector` shows (innerText) something containing
    /// `text`, and returns what it shows.
    pub async fn wait_for_text(&self, selector: &str, text: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let shown = self.inner_text(selector).await;
            if shown.contains(text) {
                return shown;
            }
            if Instant::now() > deadline {
                panic!("{selector} never showed {text:?}; it shows {shown:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the toast live region with `role` says now: `status` (results) or `alert`
    /// (failures); empty when it says nothing.
    pub async fn toast(&self, role: &str) -> String {
        self.inner_text(&format!(".toasts [role={role}]")).await
    }

    /// Waits until the toast live region with `role` (`status` for results, `alert` for
    /// failures) says `text`, and returns all it says.
    pub async fn wait_for_toast(&self, role: &str, text: &str) -> String {
        self.wait_for_text(&format!(".toasts [role={role}]"), text)
            .await
    }

    /// The value of the form control labelled `label`.
    pub async fn value_of(&self, label: &str) -> String {
        self.labelled(label)
            .await
            .prop("value")
            .await
            .expect("read the value")
            .unwrap_or_default()
    }

    /// Clicks the form control labelled `label`, as a person ticks a checkbox.
    pub async fn click_labelled(&self, label: &str) {
        self.labelled(label)
            .await
            .click()
            .await
            .unwrap_or_else(|err| panic!("click {label:?}: {err}"));
    }

    /// Logs in on the login page with `token` and waits until the masthead names `user`.
    pub async fn log_in(&self, token: &str, user: &str) {
        self.open("/login").await;
        self.fill("Token", token).await;
        self.click_button("Log in").await;
        self.wait_for_role("banner", &format!("Logged in as {user}"))
            .await;
    }
}

impl Session {
    /// The `oc` command a form shows as its equivalent (Import image, Deploy image), once shown.
    pub async fn equivalent_command(&self) -> String {
        self.text_of("pre[aria-label='Equivalent oc command']")
            .await
    }
}

/// The axe-core engine (npm's `axe-core`, pinned in package.json, installed by
/// scripts/setup.sh's `npm ci`), read from node_modules; `None`, with the reason printed, when
/// it is not installed, except under CI (`CI=true`), where its absence fails the test.
pub fn axe_source() -> Option<String> {
    let path = workspace_root().join("node_modules/axe-core/axe.min.js");
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(err) if std::env::var("CI").as_deref() == Ok("true") => {
            panic!(
                "{} is missing under CI ({err}): scripts/setup.sh runs npm ci",
                path.display()
            )
        }
        Err(err) => {
            eprintln!(
                "skipped: {} is missing ({err}); run `npm ci` (scripts/setup.sh)",
                path.display()
            );
            None
        }
    }
}

impl Session {
    /// Runs axe-core (`source`, from [`axe_source`]) on the whole page as it is now, and returns
    /// its violations of impact serious or critical, each as one readable line: the rule's id,
    /// its help, and the offending nodes (their selectors and axe's summary of what is wrong).
    pub async fn axe_serious(&self, source: &str) -> Vec<String> {
        // WebDriver scripts are not subject to the page's Content-Security-Policy, so the
        // engine goes in as script text rather than a <script> element.
        let installed = self
            .browser
            .execute(
                &format!("if (!window.axe) {{ {source}\n }} return typeof window.axe;"),
                vec![],
            )
            .await
            .expect("inject axe-core");
        assert_eq!(installed, json!("object"), "axe-core did not load");
        let found = self
            .browser
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { resultTypes: ['violations'] })
                     .then(r => done(r.violations
                       .filter(v => v.impact === 'serious' || v.impact === 'critical')
                       .map(v => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes.map(n =>
                         `    ${n.target.join(' ')}: ${(n.failureSummary || '').replace(/\n\s*/g, ' ')}\n      ${n.html.slice(0, 200)}`
                       ).join('\n'))))
                     .catch(e => done([`axe-core failed: ${e}`]));"#,
                vec![],
            )
            .await
            .expect("run axe-core");
        serde_json::from_value(found.clone())
            .unwrap_or_else(|_| vec![format!("axe-core answered {found}")])
    }

    /// Whether the focused element shows that it has the focus: it matches `:focus-visible`
    /// and its computed outline or box-shadow is not `none`. Returns the element's name (its
    /// `aria-label`, else a form control's id or another element's text) and the answer.
    pub async fn focus_is_visible(&self) -> (String, bool) {
        let found = self
            .script(
                r#"const e = document.activeElement;
                   if (!e || e === document.body) return ['(nothing)', false];
                   const s = getComputedStyle(e);
                   const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
                   const shadow = s.boxShadow && s.boxShadow !== 'none';
                   const field = ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName);
                   const name = (e.getAttribute('aria-label') || (field ? e.id : e.innerText) || e.tagName).trim();
                   return [name, e.matches(':focus-visible') && (outline || !!shadow)];"#,
                "focus style query",
            )
            .await;
        (
            found[0].as_str().unwrap_or_default().to_owned(),
            found[1].as_bool().unwrap_or(false),
        )
    }
}

impl Session {
    /// Starts devcluster with `flags` and a headless Chromium set up for a person who prefers
    /// `language` (a BCP 47 code such as `fr-FR`): its `navigator.languages` and
    /// `Accept-Language` put that language first, as a browser installed in it does.
    pub async fn start_in_language(language: &str, flags: &[&str]) -> Session {
        let (devcluster, base_url) = spawn_devcluster("127.0.0.1:0", flags).await;
        let lang = format!("--lang={language}");
        let accept = format!("--accept-lang={language}");
        let (chromedriver, browser) = start_browser(&[&lang, &accept]).await;
        Session {
            browser,
            base_url,
            devcluster,
            chromedriver,
        }
    }

    /// The page's `<html lang>`, which tells screen readers how to pronounce it.
    pub async fn html_lang(&self) -> String {
        self.script("return document.documentElement.lang;", "<html lang>")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The strings the console showed without a translation on this page (recorded on
    /// `<html data-untranslated>`), or `None` when every string had one.
    pub async fn untranslated(&self) -> Option<String> {
        self.script(
            "return document.documentElement.getAttribute('data-untranslated');",
            "data-untranslated",
        )
        .await
        .as_str()
        .map(str::to_owned)
    }

    /// Everything a person reads or hears on the page: the visible text, then every
    /// `aria-label`, `title` (also SVG `<title>`), `placeholder` and `alt`, one per line.
    pub async fn readable_text(&self) -> String {
        let value = self
            .script(
                r#"const parts = [document.body.innerText];
                   for (const el of document.querySelectorAll('[aria-label],[title],[placeholder],[alt]')) {
                     for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
                       const value = el.getAttribute(name);
                       if (value) parts.push(value);
                     }
                   }
                   for (const title of document.querySelectorAll('svg title')) parts.push(title.textContent);
                   return parts.join('\n');"#,
                "the page's text",
            )
            .await;
        value.as_str().unwrap_or_default().to_owned()
    }
}

impl Session {
    /// Serves the directory `root` with a plain static file server (`python3 -m http.server`
    /// on a free loopback port; no devcluster, no API at all) and starts a headless Chromium:
    /// how a static host (GitHub Pages) serves the static demo. [`Self::open`] takes paths on
    /// that server; [`Self::finish`] stops it.
    pub async fn start_static(root: &std::path::Path) -> Session {
        let port = chromium::free_port().unwrap_or_else(|message| panic!("{message}"));
        let server = Command::new("python3")
            .args(["-m", "http.server", "--bind", "127.0.0.1"])
            .arg(port.to_string())
            .arg("--directory")
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("cannot start python3 -m http.server");
        let deadline = Instant::now() + PATIENCE;
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "python3 -m http.server did not listen on port {port}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let (chromedriver, browser) = start_browser(&["--lang=en-US"]).await;
        Session {
            browser,
            base_url: format!("http://127.0.0.1:{port}"),
            devcluster: server,
            chromedriver,
        }
    }

    /// The URLs of every resource the page has fetched since it loaded (Resource Timing).
    pub async fn fetched_urls(&self) -> Vec<String> {
        let urls = self
            .script(
                "return performance.getEntriesByType('resource').map(e => e.name);",
                "resource timing",
            )
            .await;
        serde_json::from_value(urls).unwrap_or_default()
    }
}
