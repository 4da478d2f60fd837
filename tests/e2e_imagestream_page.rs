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
    row[2].as_str()
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
            "IMPORT STATUS"
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
        assert_eq!(row[5], "Imported", "import status of {row:?}");
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
    session.click_button("YAML/JSON").await;
    let raw = session.text_of("pre:not(.examples)").await;
    assert!(raw.contains("\"name\": \"httpd\""), "raw object: {raw:?}");
    session.click_button("YAML/JSON").await;

    // The whole page, history included, in one picture.
    let height = session
        .browser
        .execute("return document.documentElement.scrollHeight;", vec![])
        .await
        .ok()
        .and_then(|value| value.as_u64())
        .unwrap_or(900) as u32;
    session
        .browser
        .set_window_size(1280, height.clamp(900, 2400) + 140)
        .await
        .expect("resize the window");
    session.screenshot("imagestream-page").await;

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
