//! End to end: what runs where. Deployments created through the API (one following a tag
//! through its image trigger, one pinned to an older image of the same tag) appear on the
//! deployments page with stream, tag, digest, whether that is current, trigger and replicas, and
//! in the project map; the Deployment and ImageStreamTag pages work as deep links that survive a
//! reload; missing objects say which one in which project.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use support::{short, tag_history, Session};

/// The integrated registry's name for the openshift project's httpd stream.
const HTTPD_REPOSITORY: &str = "image-registry.openshift-image-registry.svc:5000/openshift/httpd";

/// One HTTP/1.1 request to devcluster (anonymous requests act as `developer`); the status code
/// and the JSON body.
fn api(session: &Session, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let address = session
        .base_url
        .strip_prefix("http://")
        .expect("devcluster serves plain HTTP on loopback");
    let mut stream = TcpStream::connect(address).expect("connect to devcluster");
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAccept: application/json\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .expect("send the request");
    let mut response = Vec::new();
    stream
        .read_to_end(&mut response)
        .expect("read the response");
    let text = String::from_utf8_lossy(&response).into_owned();
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .expect("an HTTP response with headers");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("a status code");
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_owned()
    };
    (status, serde_json::from_str(&body).unwrap_or(Value::Null))
}

/// Joins the chunks of a `Transfer-Encoding: chunked` body.
fn dechunk(mut rest: &str) -> String {
    let mut out = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if size == 0 || after.len() < size {
            break;
        }
        out.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    out
}

/// The history (newest first) of tag `2.4-el9` of openshift/httpd.
fn httpd_history(session: &Session) -> Vec<String> {
    let (status, stream) = api(
        session,
        "GET",
        "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/httpd",
        None,
    );
    assert_eq!(status, 200, "{stream}");
    tag_history(&stream, "2.4-el9")
}

/// A Deployment in `demo` running one container `httpd`.
fn deployment(name: &str, image: &str, annotations: Value) -> Value {
    support::deployment(name, "httpd", image, annotations)
}

/// Creates `web`, which follows openshift/httpd:2.4-el9 through an image trigger, `legacy`,
/// pinned to the tag's previous image, and `waiting`, whose trigger names a tag without an
/// image. Returns the current and previous digests.
fn create_deployments(session: &Session) -> (String, String) {
    let history = httpd_history(session);
    assert!(history.len() >= 2, "httpd:2.4-el9 history: {history:?}");
    let (current, previous) = (history[0].clone(), history[1].clone());
    let trigger = json!([{
        "from": {"kind": "ImageStreamTag", "name": "httpd:2.4-el9", "namespace": "openshift"},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"httpd\")].image"
    }])
    .to_string();
    let waiting = deployment(
        "waiting",
        " ",
        json!({"image.openshift.io/triggers": trigger.replace("httpd:2.4-el9", "httpd:nope")}),
    );
    let web = deployment("web", " ", json!({"image.openshift.io/triggers": trigger}));
    let legacy = deployment(
        "legacy",
        &format!("{HTTPD_REPOSITORY}@{previous}"),
        json!({}),
    );
    for object in [web, legacy, waiting] {
        let (status, answer) = api(
            session,
            "POST",
            "/apis/apps/v1/namespaces/demo/deployments",
            Some(&object),
        );
        assert_eq!(
            status, 201,
            "creating {}: {answer}",
            object["metadata"]["name"]
        );
    }
    // The trigger controller has written the tag's image into web.
    let (_, web) = api(
        session,
        "GET",
        "/apis/apps/v1/namespaces/demo/deployments/web",
        None,
    );
    let image = web["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(image, format!("{HTTPD_REPOSITORY}@{current}"));
    (current, previous)
}

/// The row of the table whose first cell is `name`.
fn row<'a>(rows: &'a [Vec<String>], name: &str) -> &'a [String] {
    rows.iter()
        .find(|row| row.first().map(String::as_str) == Some(name))
        .unwrap_or_else(|| panic!("no row for {name:?} in {rows:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deployments_page_tells_current_from_stale_and_maps_the_project() {
    let session = Session::start().await;
    let (current, previous) = create_deployments(&session);

    session.open("/k8s/ns/demo/deployments").await;
    session.wait_for_role("heading", "Deployments").await;
    session.wait_for_role("cell", "legacy").await;
    let headers = session.by_role("columnheader").await;
    assert_eq!(
        headers,
        [
            "DEPLOYMENT",
            "CONTAINER",
            "IMAGE STREAM",
            "TAG",
            "DIGEST",
            "STATUS",
            "TRIGGER",
            "READY"
        ]
    );
    let rows = session.table_rows().await;
    assert_eq!(
        row(&rows, "web"),
        [
            "web",
            "httpd",
            "openshift/httpd",
            "2.4-el9",
            short(&current),
            "current",
            "active",
            "1/1"
        ]
    );
    assert_eq!(
        row(&rows, "legacy"),
        [
            "legacy",
            "httpd",
            "openshift/httpd",
            "2.4-el9",
            short(&previous),
            "⚠ 1 version behind",
            "none",
            "1/1"
        ]
    );

    // A trigger whose tag has no image leaves the container waiting, and no pod ready.
    assert_eq!(
        row(&rows, "waiting"),
        [
            "waiting",
            "httpd",
            "openshift/httpd",
            "nope",
            "—",
            "pending: the trigger has not set an image yet",
            "active",
            "0/1"
        ]
    );

    // The map: one link per node, named for what it is.
    let links = session.by_role("link").await;
    for name in [
        "Image stream openshift/httpd".to_owned(),
        "Tag httpd:2.4-el9".to_owned(),
        format!("Image {}, current image of httpd:2.4-el9", short(&current)),
        format!("Image {}, older image of httpd:2.4-el9", short(&previous)),
        "Deployment web".to_owned(),
        "Deployment legacy".to_owned(),
        "Deployment waiting".to_owned(),
        "Tag httpd:nope".to_owned(),
        "No image yet for httpd:nope".to_owned(),
    ] {
        assert!(links.contains(&name), "no link {name:?} in {links:?}");
    }
    // The stale edge says so in words, not only in colour.
    let pictures = session.by_role("img").await;
    assert!(
        pictures
            .iter()
            .any(|p| p == "Stale: legacy runs an older image of httpd:2.4-el9, 1 version behind"),
        "pictures: {pictures:?}"
    );
    assert!(
        !pictures.iter().any(|p| p.starts_with("Stale: web")),
        "web runs the current image: {pictures:?}"
    );
    assert_eq!(session.count("svg .stale").await, 1, "one stale edge");
    assert!(
        pictures
            .iter()
            .any(|p| p == "waiting waits for an image of httpd:nope"),
        "pictures: {pictures:?}"
    );

    session.screenshot_whole_page("deployments", 1800).await;

    // A Deployment's own page, reached by its link, is a deep link that survives a reload.
    session.click_link("web").await;
    session.wait_for_path("/k8s/ns/demo/deployments/web").await;
    session.wait_for_role("heading", "Container httpd").await;
    for _ in 0..2 {
        let page = session.text_of("main").await;
        assert!(page.contains("Ready1/1"), "{page}");
        assert!(
            page.contains(&format!("{HTTPD_REPOSITORY}@{current}")),
            "{page}"
        );
        assert!(page.contains("current"), "{page}");
        assert!(page.contains("Triggeractive"), "{page}");
        session.browser.refresh().await.expect("reload");
        session.wait_for_path("/k8s/ns/demo/deployments/web").await;
        session.wait_for_role("heading", "Container httpd").await;
    }
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn an_image_stream_tag_page_shows_digest_history_and_users_and_survives_a_reload() {
    let session = Session::start().await;
    let (current, previous) = create_deployments(&session);

    session
        .open("/k8s/ns/openshift/imagestreamtags/httpd:2.4-el9")
        .await;
    session.wait_for_role("heading", "httpd:2.4-el9").await;
    session.wait_for_role("cell", "demo/legacy").await;
    for reload in [true, false] {
        let page = session.text_of("main").await;
        assert!(page.contains(&current), "the full digest: {page}");
        let history = session.wait_for_role("img", "History of 2.4-el9:").await;
        assert!(
            history.starts_with("History of 2.4-el9: 3 images, newest "),
            "{history:?}"
        );
        let rows = session.table_rows().await;
        assert_eq!(
            row(&rows, "demo/web")[1..],
            ["httpd", short(&current), "current"]
        );
        assert_eq!(
            row(&rows, "demo/legacy")[1..],
            ["httpd", short(&previous), "⚠ 1 version behind"]
        );
        if reload {
            session.browser.refresh().await.expect("reload");
            session
                .wait_for_path("/k8s/ns/openshift/imagestreamtags/httpd:2.4-el9")
                .await;
            session.wait_for_role("cell", "demo/legacy").await;
        }
    }
    let links = session.by_role("link").await;
    assert!(
        links.iter().any(|l| l == "← Image stream httpd"),
        "{links:?}"
    );

    // A percent-encoded colon names the same tag; an alias shows its target's history.
    session
        .open("/k8s/ns/openshift/imagestreamtags/mongodb%3Alatest")
        .await;
    session.wait_for_role("heading", "mongodb:latest").await;
    let history = session.wait_for_role("img", "History of latest:").await;
    assert!(
        history.starts_with("History of latest: 2 images"),
        "{history:?}"
    );
    let page = session.text_of("main").await;
    assert!(page.contains("Alias ofmongodb:3.6"), "{page}");
    assert!(page.contains("No Deployment uses this tag"), "{page}");
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_deployments_and_tags_say_which_and_where() {
    let session = Session::start().await;
    session.open("/k8s/ns/demo/deployments/nope").await;
    let alert = session
        .wait_for_role("alert", "Deployment nope not found in project demo")
        .await;
    assert!(alert.contains("NotFound"), "{alert:?}");

    session
        .open("/k8s/ns/openshift/imagestreamtags/httpd:nope")
        .await;
    let alert = session
        .wait_for_role(
            "alert",
            "Image stream tag httpd:nope not found in project openshift",
        )
        .await;
    assert!(alert.contains("NotFound"), "{alert:?}");

    // A project without Deployments says so.
    session.open("/k8s/ns/openshift/deployments").await;
    session
        .wait_for_role("paragraph", "No deployments found in project openshift.")
        .await;
    session.finish().await;
}

/// Waits until the table's row for `name` reads `expected` (a Deployment's status settles a
/// moment after it is created), and fails with what the table shows otherwise.
async fn wait_for_row(session: &Session, name: &str, expected: &[String]) {
    let deadline = std::time::Instant::now() + support::PATIENCE;
    loop {
        let rows = session.table_rows().await;
        let found = rows
            .iter()
            .find(|row| row.first().map(String::as_str) == Some(name));
        if found.map(Vec::as_slice) == Some(expected) {
            return;
        }
        if std::time::Instant::now() > deadline {
            panic!("expected the row {expected:?}, the table shows {rows:?}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deployments_page_is_live() {
    let session = Session::start().await;
    let current = httpd_history(&session)[0].clone();

    session.open("/k8s/ns/demo/deployments").await;
    session.wait_for_role("heading", "Deployments").await;
    session
        .wait_for_role("paragraph", "No deployments found in project demo.")
        .await;
    session.wait_for_role("status", "Live").await;
    // Marks this page load: a reload would forget it.
    session
        .browser
        .execute("window.stillTheSamePage = true;", vec![])
        .await
        .expect("mark the page");

    // A Deployment created elsewhere appears, following httpd:2.4-el9 through its trigger.
    let trigger = json!([{
        "from": {"kind": "ImageStreamTag", "name": "httpd:2.4-el9", "namespace": "openshift"},
        "fieldPath": "spec.template.spec.containers[?(@.name==\"httpd\")].image"
    }])
    .to_string();
    session
        .create(
            "/apis/apps/v1/namespaces/demo/deployments",
            deployment(
                "follower",
                " ",
                json!({"image.openshift.io/triggers": trigger}),
            ),
        )
        .await;
    let expected: Vec<String> = [
        "follower",
        "httpd",
        "openshift/httpd",
        "2.4-el9",
        short(&current),
        "current",
        "active",
        "1/1",
    ]
    .map(str::to_owned)
    .into();
    wait_for_row(&session, "follower", &expected).await;
    // The project map follows too.
    session.wait_for_role("link", "Deployment follower").await;
    session.wait_for_role("link", "Tag httpd:2.4-el9").await;

    // Deleted elsewhere, it goes.
    let (status, answer) = session
        .api(
            "DELETE",
            "/apis/apps/v1/namespaces/demo/deployments/follower",
            None,
        )
        .await;
    assert_eq!(status, 200, "deleting follower: {answer}");
    session
        .wait_for_role("paragraph", "No deployments found in project demo.")
        .await;
    assert!(session.table_rows().await.is_empty());
    // The toasts' live region is a status too; it is empty while nothing was announced.
    let statuses: Vec<String> = session
        .by_role("status")
        .await
        .into_iter()
        .filter(|status| !status.is_empty())
        .collect();
    assert_eq!(statuses, ["Live"]);
    let same = session
        .browser
        .execute("return window.stillTheSamePage === true;", vec![])
        .await
        .expect("read the mark");
    assert_eq!(same, json!(true), "the page was reloaded");
    session.finish().await;
}
