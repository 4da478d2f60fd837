//! End to end: the embeds (`/embed/ns/:ns/…`), chrome-less views for a dashboard's iframe.
//! A page on another origin (a second loopback port) frames the image stream embed, dark and
//! in French, and sizes the iframe from the height messages it posts; the console's server
//! allows that origin with `--frame-ancestors` and only itself by default. The tag embed shows
//! the current digest and the history, the deployments embed what runs where, live; embeds are
//! read-only unless `?actions=1`, and a stream that does not exist shows the server's NotFound.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use fantoccini::Locator;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use support::{short, tag_history, Session};

/// The integrated registry's name for the openshift project's httpd stream.
const HTTPD_REPOSITORY: &str = "image-registry.openshift-image-registry.svc:5000/openshift/httpd";

/// The dashboard: frames the embed named by `?src=`, and does what the README tells a host to
/// do with the height messages (from the console's origin, `?origin=`): sizes the iframe, and
/// here also lists each message, so the test can read what arrived.
const DASHBOARD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Dashboard</title></head>
<body>
<h1>Dashboard</h1>
<iframe id="embed" title="Image stream" width="1000" height="120" style="border: 0"></iframe>
<ol id="messages" aria-label="Messages"></ol>
<script>
const query = new URLSearchParams(location.search);
const consoleOrigin = query.get('origin');
const frame = document.getElementById('embed');
window.addEventListener('message', (event) => {
  if (event.origin !== consoleOrigin || event.source !== frame.contentWindow) return;
  const data = event.data;
  if (!data || data.type !== 'imagestream-console:height') return;
  frame.style.height = data.height + 'px';
  const item = document.createElement('li');
  item.textContent = JSON.stringify(data);
  document.getElementById('messages').appendChild(item);
});
frame.src = query.get('src');
</script>
</body>
</html>
"#;

/// A tiny web server on a free loopback port (another origin than devcluster's) answering
/// every request with [`DASHBOARD`]; stopped when dropped.
struct Dashboard {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Dashboard {
    fn start() -> Dashboard {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("the bound address").port();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            for connection in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                if let Ok(connection) = connection {
                    answer(connection);
                }
            }
        });
        Dashboard {
            port,
            stop,
            thread: Some(thread),
        }
    }

    /// The dashboard's origin.
    fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Dashboard {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request's head and sends the dashboard page.
fn answer(mut connection: TcpStream) {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match connection.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buffer[..n]),
        }
    }
    let response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{DASHBOARD}",
        DASHBOARD.len()
    );
    let _ = connection.write_all(response.as_bytes());
}

/// `value` percent-encoded for a query string.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (byte as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// Devcluster letting the dashboard (and itself) frame the console.
async fn session_framed_by(dashboard: &Dashboard) -> Session {
    let ancestors = format!("'self' {}", dashboard.origin());
    Session::start_with(&["--allow-anonymous", "--frame-ancestors", &ancestors]).await
}

/// Opens the dashboard framing `embed` (a path of the console) and switches into the frame.
async fn open_framed(session: &Session, dashboard: &Dashboard, embed: &str) {
    let url = format!(
        "{}/?src={}&origin={}",
        dashboard.origin(),
        encode(&format!("{}{embed}", session.base_url)),
        encode(&session.base_url)
    );
    session
        .browser
        .goto(&url)
        .await
        .expect("open the dashboard");
    session.wait_for_role("heading", "Dashboard").await;
    session
        .browser
        .find(Locator::Css("iframe#embed"))
        .await
        .expect("the dashboard's iframe")
        .enter_frame()
        .await
        .expect("switch into the iframe");
}

/// The `Content-Security-Policy` devcluster sends with the console's page at `path`.
fn console_policy(session: &Session, path: &str) -> String {
    let address = session
        .base_url
        .strip_prefix("http://")
        .expect("devcluster serves plain HTTP on loopback");
    let mut stream = TcpStream::connect(address).expect("connect to devcluster");
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("send the request");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .expect("read the response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let head = text.split("\r\n\r\n").next().unwrap_or_default();
    assert!(
        !head.to_ascii_lowercase().contains("x-frame-options"),
        "no X-Frame-Options: {head}"
    );
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-security-policy")
                .then(|| value.trim().to_owned())
        })
        .unwrap_or_default()
}

/// The visible names of the buttons on the page (or in the current frame).
async fn buttons(session: &Session) -> Vec<String> {
    session.by_role("button").await
}

/// Whether any button's name mentions one of `words`.
fn any_named(buttons: &[String], words: &[&str]) -> bool {
    buttons
        .iter()
        .any(|name| words.iter().any(|word| name.contains(word)))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dashboard_on_another_origin_frames_the_stream_embed_dark_in_french_and_fits_it() {
    let dashboard = Dashboard::start();
    let session = session_framed_by(&dashboard).await;
    let embed = "/embed/ns/openshift/imagestreams/mongodb?theme=dark&lang=fr";
    // The console's pages name the dashboard as an allowed frame ancestor, and nothing forbids
    // framing (no X-Frame-Options).
    assert_eq!(
        console_policy(&session, embed),
        format!("frame-ancestors 'self' {}", dashboard.origin())
    );
    open_framed(&session, &dashboard, embed).await;

    // Inside the frame: the tags table, with no masthead or navigation.
    session.wait_for_role("table", "3.6").await;
    let rows = session.table_rows().await;
    let tags: Vec<&str> = rows
        .iter()
        .filter_map(|row| row.first().map(String::as_str))
        .collect();
    assert!(
        tags.iter().any(|tag| tag.starts_with("3.6"))
            && tags.iter().any(|t| t.starts_with("latest")),
        "the tags of mongodb: {rows:?}"
    );
    assert_eq!(session.by_role("banner").await, Vec::<String>::new());
    assert_eq!(session.by_role("navigation").await, Vec::<String>::new());
    // Dark, from ?theme=dark: the attribute the theme chooser sets, and its background.
    let theme = session
        .script(
            "return [document.documentElement.dataset.theme || '', getComputedStyle(document.body).backgroundColor, document.documentElement.lang, document.documentElement.dataset.untranslated || ''];",
            "theme and language",
        )
        .await;
    // Every string in French (a miss would be listed in data-untranslated).
    assert_eq!(theme, json!(["dark", "rgb(27, 29, 33)", "fr", ""]));
    // French, from ?lang=fr; the way to the full console opens a new tab.
    session
        .wait_for_role("link", "Ouvrir dans la console")
        .await;
    let targets = session
        .script(
            "return [...document.querySelectorAll('a[href]')].map(a => [a.textContent.trim(), a.target, a.rel, a.getAttribute('href')]);",
            "link targets",
        )
        .await;
    let links = targets.as_array().cloned().unwrap_or_default();
    assert!(!links.is_empty());
    for link in &links {
        assert_eq!(link[1], "_blank", "{link}");
        assert_eq!(link[2], "noopener", "{link}");
    }
    assert!(
        links.iter().any(|link| link[0] == "Ouvrir dans la console"
            && link[3] == "/k8s/ns/openshift/imagestreams/mongodb"),
        "{links:?}"
    );
    // Read-only: nothing to re-import, add or delete.
    let names = buttons(&session).await;
    assert!(
        !any_named(
            &names,
            &[
                "Delete",
                "Supprimer",
                "Re-import",
                "Réimporter",
                "Add tag",
                "Ajouter"
            ]
        ),
        "read-only, yet: {names:?}"
    );

    // Back on the dashboard: the embed said how tall it is, from which path, and the
    // dashboard's snippet made the iframe that tall.
    session
        .browser
        .enter_parent_frame()
        .await
        .expect("back to the dashboard");
    let fitted = session
        .wait_until(
            r#"const items = [...document.querySelectorAll('#messages li')].map(li => JSON.parse(li.textContent));
               if (!items.length) return null;
               const last = items[items.length - 1];
               const frame = Math.round(document.getElementById('embed').getBoundingClientRect().height);
               return frame === last.height && last.height > 150 ? [last, frame, items.length] : null;"#,
            "a height message that sized the iframe",
        )
        .await;
    let message = &fitted[0];
    assert_eq!(message["type"], "imagestream-console:height");
    assert_eq!(message["path"], "/embed/ns/openshift/imagestreams/mongodb");
    let height = message["height"].as_u64().expect("an integer height");
    assert!(
        (150..3000).contains(&height),
        "a plausible height for a two-tag table: {height}"
    );
    assert_eq!(fitted[1], json!(height));
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_may_only_be_framed_by_itself_unless_told_otherwise() {
    let session = Session::start().await;
    assert_eq!(
        console_policy(&session, "/embed/ns/openshift/imagestreams/mongodb"),
        "frame-ancestors 'self'"
    );
    assert_eq!(
        console_policy(&session, "/k8s/ns/openshift/imagestreams"),
        "frame-ancestors 'self'"
    );
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_stream_embed_is_read_only_unless_asked_stays_live_and_says_not_found() {
    let session = Session::start().await;
    session.open("/embed/ns/openshift/imagestreams/nginx").await;
    session.wait_for_role("cell", "1.24-ubi9").await;
    session.wait_for_role("heading", "nginx").await;
    assert_eq!(session.by_role("banner").await, Vec::<String>::new());
    let names = buttons(&session).await;
    assert!(
        !any_named(&names, &["Delete", "Re-import", "Add tag"]),
        "read-only, yet: {names:?}"
    );
    // Live: a tag deleted elsewhere leaves the table without a reload (in demo, where the
    // developer may write; openshift is read-only to them).
    let (status, body) = session
        .api(
            "POST",
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
            Some(json!({
                "apiVersion": "image.openshift.io/v1",
                "kind": "ImageStream",
                "metadata": {"name": "web"},
                "spec": {"tags": [
                    {"name": "one", "from": {"kind": "ImageStreamTag", "name": "nginx:1.24-ubi9", "namespace": "openshift"}},
                    {"name": "two", "from": {"kind": "ImageStreamTag", "name": "nginx:1.24-ubi9", "namespace": "openshift"}}
                ]}
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    session.open("/embed/ns/demo/imagestreams/web").await;
    session.wait_for_role("cell", "two").await;
    let (status, body) = session
        .api(
            "DELETE",
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreamtags/web:two",
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    session
        .wait_until(
            "return ![...document.querySelectorAll('td')].some(td => td.innerText.trim() === 'two');",
            "the deleted tag to leave the table",
        )
        .await;
    session.wait_for_role("cell", "one").await;

    // ?actions=1: Add tag, Delete, and Re-import on the rows that follow an external image.
    session
        .open("/embed/ns/openshift/imagestreams/nginx?actions=1")
        .await;
    session.wait_for_role("cell", "1.24-ubi9").await;
    session.wait_for_role("button", "Add tag").await;
    session.wait_for_role("button", "Re-import").await;
    session.wait_for_role("button", "Delete").await;

    // A stream that does not exist: the server's reason and message.
    session.open("/embed/ns/openshift/imagestreams/nope").await;
    let alert = session.wait_for_role("alert", "not found").await;
    assert!(
        alert.contains(r#"imagestreams.image.openshift.io "nope" not found"#),
        "the server's message: {alert}"
    );
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tag_embed_shows_the_current_digest_and_the_history() {
    let session = Session::start().await;
    session
        .open("/embed/ns/openshift/imagestreamtags/mongodb:latest")
        .await;
    let (status, istag) = session
        .api(
            "GET",
            "/apis/image.openshift.io/v1/namespaces/openshift/imagestreamtags/mongodb:latest",
            None,
        )
        .await;
    assert_eq!(status, 200, "{istag}");
    let digest = istag["image"]["metadata"]["name"]
        .as_str()
        .expect("the tag's image")
        .to_owned();
    let details = session
        .wait_for_text("dl[aria-label='Tag details']", &digest)
        .await;
    assert!(details.contains("Alias of"), "{details}");
    assert!(details.contains("mongodb:3.6"), "{details}");
    // The history: the timeline and the list, the current image first.
    let timeline = session.wait_for_role("img", "History of latest").await;
    assert!(timeline.contains("2 images"), "{timeline}");
    let history = session
        .wait_for_text("ol[aria-label='History of latest']", "current")
        .await;
    assert!(history.starts_with(short(&digest)), "{history}");
    let names = buttons(&session).await;
    assert!(
        !any_named(&names, &["Delete", "Re-import"]),
        "read-only: {names:?}"
    );

    // With actions: Re-import and Delete for a tag that follows an external image.
    session
        .open("/embed/ns/openshift/imagestreamtags/mongodb:3.6?actions=1")
        .await;
    session.wait_for_role("img", "History of 3.6").await;
    session.wait_for_role("button", "Re-import").await;
    session.wait_for_role("button", "Delete").await;

    // A tag that does not exist: the server's NotFound.
    session
        .open("/embed/ns/openshift/imagestreamtags/mongodb:nope")
        .await;
    let alert = session.wait_for_role("alert", "mongodb:nope").await;
    assert!(alert.contains("NotFound"), "{alert}");
    session.finish().await;
}

/// The digests of openshift/httpd:2.4-el9's history, newest first.
async fn httpd_history(session: &Session) -> Vec<String> {
    let (status, stream) = session
        .api(
            "GET",
            "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/httpd",
            None,
        )
        .await;
    assert_eq!(status, 200, "{stream}");
    tag_history(&stream, "2.4-el9")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deployments_embed_shows_what_runs_where_live() {
    let session = Session::start().await;
    session.open("/embed/ns/demo/deployments").await;
    session
        .wait_for_role("paragraph", "No deployments found in project demo")
        .await;
    let history = httpd_history(&session).await;
    assert!(history.len() >= 2, "{history:?}");
    let trigger = json!([{
        "from": {"kind": "ImageStreamTag", "name": "httpd:2.4-el9", "namespace": "openshift"},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"httpd\")].image"
    }])
    .to_string();
    let web = support::deployment(
        "web",
        "httpd",
        " ",
        json!({"image.openshift.io/triggers": trigger}),
    );
    let legacy = support::deployment(
        "legacy",
        "httpd",
        &format!("{HTTPD_REPOSITORY}@{}", history[1]),
        Value::Object(Default::default()),
    );
    // Created while the embed is open: the table fills in without a reload.
    session
        .create("/apis/apps/v1/namespaces/demo/deployments", web)
        .await;
    session
        .create("/apis/apps/v1/namespaces/demo/deployments", legacy)
        .await;
    session.wait_for_role("cell", "legacy").await;
    session.wait_for_role("cell", "web").await;
    let rows = session.table_rows().await;
    let row = |name: &str| {
        rows.iter()
            .find(|row| row.first().map(String::as_str) == Some(name))
            .cloned()
            .unwrap_or_else(|| panic!("no row {name}: {rows:?}"))
    };
    let web = row("web");
    assert_eq!(web[2], "openshift/httpd", "{web:?}");
    assert_eq!(web[3], "2.4-el9", "{web:?}");
    assert_eq!(web[4], short(&history[0]), "{web:?}");
    assert_eq!(web[5], "current", "{web:?}");
    let legacy = row("legacy");
    assert_eq!(legacy[4], short(&history[1]), "{legacy:?}");
    assert!(legacy[5].contains("1 version behind"), "{legacy:?}");
    // The table alone: no map, no masthead, and read-only.
    let headings = session.by_role("heading").await;
    assert!(
        !headings.iter().any(|h| h.contains("Project map")),
        "{headings:?}"
    );
    assert_eq!(session.by_role("banner").await, Vec::<String>::new());
    let names = buttons(&session).await;
    assert!(!any_named(&names, &["Delete"]), "read-only: {names:?}");
    // With actions, the project's Delete is offered.
    session.open("/embed/ns/demo/deployments?actions=1").await;
    session.wait_for_role("cell", "legacy").await;
    session.wait_for_role("button", "Delete").await;
    session.finish().await;
}
