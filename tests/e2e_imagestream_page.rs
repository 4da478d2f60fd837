//! End to end: the page of one image stream (`oc describe is`), reached from the list, with its
//! tags, aliases, digests, history timelines and import status; a missing stream says so; the
//! page's address works as a deep link.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Session;

/// The DIGEST column's text (the short digest) of the row whose TAG cell is `tag`.
fn digest_of<'a>(rows: &'a [Vec<String>], tag: &str) -> &'a str {
    let row = rows
        .iter()
        .find(|row| row[0] == tag)
        .unwrap_or_else(|| panic!("no row for tag {tag:?} in {rows:?}"));
    // The cell holds the short digest, then its copy button.
    row[2].split_whitespace().next().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_link_opens_its_page_with_tags_history_and_import_status() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("link", "httpd").await;
    session.click_link("httpd").await;
    session
        .wait_for_path("/k8s/ns/openshift/imagestreams/httpd")
        .await;

    let heading = session.wait_for_role("heading", "httpd").await;
    assert!(heading.ends_with("httpd"), "heading is {heading:?}");
    session.wait_for_role("cell", "2.4-el8").await;
    let headers = session.by_role("columnheader").await;
    assert_eq!(
        headers,
        [
            "TAG",
            "SOURCE",
            "DIGEST",
            "PULL SPEC",
            "UPDATED",
            "IMPORT STATUS",
            "USED BY"
        ]
    );

    let rows = session.table_rows().await;
    let tags: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert!(tags.contains(&"2.4-el9"), "tags: {tags:?}");
    assert!(tags.contains(&"2.4-el8"), "tags: {tags:?}");
    assert!(tags.contains(&"latest → 2.4-el9"), "tags: {tags:?}");

    // latest is an alias of 2.4-el9: the same image, in the 12-hex short form.
    let latest = digest_of(&rows, "latest → 2.4-el9");
    let el9 = digest_of(&rows, "2.4-el9");
    assert_eq!(latest, el9);
    assert_eq!(el9.len(), 12, "short digest {el9:?}");
    assert!(el9.chars().all(|c| c.is_ascii_hexdigit()), "{el9:?}");
    assert_ne!(digest_of(&rows, "2.4-el8"), el9);

    for row in &rows {
        assert!(row[5].starts_with("Imported"), "import status of {row:?}");
        assert_eq!(row[6], "none", "nothing in openshift runs httpd: {row:?}");
        assert!(
            row[3].starts_with(
                "image-registry.openshift-image-registry.svc:5000/openshift/httpd@sha256:"
            ),
            "local reference policy resolves through the integrated registry: {row:?}"
        );
    }

    let timelines = session.by_role("img").await;
    let el9_history = timelines
        .iter()
        .find(|label| label.starts_with("History of 2.4-el9:"))
        .unwrap_or_else(|| panic!("no timeline for 2.4-el9 in {timelines:?}"));
    assert!(
        el9_history.starts_with("History of 2.4-el9: 3 images, newest "),
        "{el9_history:?}"
    );
    let circles = session
        .count("svg[aria-label^='History of 2.4-el9:'] circle")
        .await;
    assert_eq!(circles, 3);

    // The pull specs can be copied, and the raw object is there as text.
    let buttons = session.by_role("button").await;
    assert!(
        buttons.iter().any(|b| b == "Copy internal repository"),
        "buttons: {buttons:?}"
    );
    session.click_button("Copy internal repository").await;
    // The live region tells screen-reader users it worked.
    let announced = session.wait_for_role("status", "Cop").await;
    assert_eq!(announced, "Copied");
    session.click_button("YAML").await;
    let raw = session.text_of("pre:not(.examples)").await;
    assert!(
        raw.contains("kind: ImageStream") && raw.contains("  name: httpd\n"),
        "YAML of the object: {raw:?}"
    );
    session.click_button("JSON").await;
    let raw = session.text_of("pre:not(.examples)").await;
    assert!(
        raw.contains("\"name\": \"httpd\""),
        "JSON of the object: {raw:?}"
    );
    session.click_button("JSON").await;

    // The whole page, history included, in one picture.
    session
        .screenshot_whole_page("imagestream-page", 2400)
        .await;

    // A tag links to its own page (the OpenShift console's imagestreamtags/STREAM:TAG).
    let href = session
        .browser
        .execute(
            "return [...document.querySelectorAll('td a')].find(a => a.innerText === '2.4-el8').getAttribute('href');",
            vec![],
        )
        .await
        .expect("tag link");
    assert_eq!(href, "/k8s/ns/openshift/imagestreamtags/httpd:2.4-el8");

    // Back to the list.
    session.click_link("← Image streams").await;
    session
        .wait_for_path("/k8s/ns/openshift/imagestreams")
        .await;
    session.wait_for_role("cell", "mongodb").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_missing_stream_says_it_is_not_found() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams/nope").await;
    let alert = session
        .wait_for_role("alert", "Image stream nope not found in project openshift")
        .await;
    assert!(alert.contains("not found"), "{alert:?}");
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_page_address_is_a_deep_link_that_survives_a_reload() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams/nginx").await;
    session.wait_for_role("heading", "nginx").await;
    session.wait_for_role("columnheader", "IMPORT STATUS").await;
    session.browser.refresh().await.expect("reload");
    session
        .wait_for_path("/k8s/ns/openshift/imagestreams/nginx")
        .await;
    session.wait_for_role("heading", "nginx").await;
    session.wait_for_role("columnheader", "IMPORT STATUS").await;
    assert!(!session.table_rows().await.is_empty());
    session.finish().await;
}

/// Text from the cluster is shown as text: markup and `javascript:` URLs in annotations neither
/// run nor turn into elements.
#[tokio::test(flavor = "multi_thread")]
async fn markup_in_annotations_renders_as_inert_text() {
    let session = Session::start().await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session.wait_for_role("heading", "Image streams").await;
    let hostile = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>";
    let mut stream = support::image_stream("hostile");
    stream["metadata"]["annotations"] = serde_json::json!({
        "description": hostile,
        "openshift.io/website": "javascript:window.__pwned=3",
    });
    session
        .create(
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
            stream,
        )
        .await;
    session.open("/k8s/ns/demo/imagestreams/hostile").await;
    session.wait_for_role("heading", "hostile").await;
    let details = session.text_of("section").await;
    assert!(
        details.contains(&format!("description={hostile}")),
        "the annotation is shown verbatim: {details:?}"
    );
    assert!(details.contains("openshift.io/website=javascript:window.__pwned=3"));
    let executed = session
        .browser
        .execute(
            "return [window.__pwned ?? null, document.querySelectorAll('main img, main script, a[href^=\"javascript\"]').length];",
            vec![],
        )
        .await
        .expect("page query");
    assert_eq!(executed, serde_json::json!([null, 0]));
    session.finish().await;
}

/// Re-import is offered to people who may import (a SelfSubjectAccessReview says so): disabled
/// with the reason in `openshift`, where developer only views; in `demo` it runs and shows the
/// registry's failure where the person clicked.
#[tokio::test(flavor = "multi_thread")]
async fn re_import_follows_the_permission_and_reports_the_failure() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams/httpd").await;
    session.wait_for_role("columnheader", "IMPORT STATUS").await;
    let button = |tag: &str| {
        format!(
            "const b = document.querySelector('button[aria-label=\"Re-import {tag}\"]'); return b && [b.disabled, b.title];"
        )
    };
    let deadline = std::time::Instant::now() + support::PATIENCE;
    let state = loop {
        let state = session
            .browser
            .execute(&button("2.4-el9"), vec![])
            .await
            .expect("button query");
        // The button waits for the cluster's answer before it says why it is disabled.
        if state[1].as_str().is_some_and(|title| !title.is_empty())
            || std::time::Instant::now() > deadline
        {
            break state;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(
        state,
        serde_json::json!([
            true,
            "You may not import images in project openshift (create imagestreamimports)"
        ])
    );

    let mut stream = support::image_stream("unreachable");
    stream["spec"]["tags"] = serde_json::json!([{
        "name": "1.0",
        "from": {"kind": "DockerImage", "name": "127.0.0.1:9/nothing/here:1.0"}
    }]);
    session
        .create(
            "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
            stream,
        )
        .await;
    session.open("/k8s/ns/demo/imagestreams/unreachable").await;
    session.wait_for_role("cell", "Import failed").await;
    session.click_button("Re-import").await;
    let outcome = session.wait_for_role("status", "Import failed:").await;
    assert!(
        outcome.contains("127.0.0.1:9"),
        "the server's message names the registry: {outcome:?}"
    );
    session.finish().await;
}
