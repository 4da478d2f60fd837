//! End to end: devcluster serves the built console and the seeded `openshift` project; a person
//! opening the console sees the project's image streams with the `oc get is` columns, narrows
//! them by name and label, sorts them, and finds all of that still there after a reload.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::json;
use support::Session;

#[tokio::test(flavor = "multi_thread")]
async fn the_openshift_project_lists_its_image_streams_like_oc_get_is() {
    let session = Session::start().await;
    session.open("/").await;

    session.wait_for_role("heading", "Image streams").await;
    session.wait_for_role("cell", "mongodb").await;
    let headers = session.by_role("columnheader").await;
    assert_eq!(
        headers,
        ["NAME", "IMAGE REPOSITORY", "TAGS", "UPDATED", "USED BY"]
    );

    let rows = session
        .wait_for_names(&["httpd", "mongodb", "nginx", "postgresql", "python"])
        .await;
    let httpd = &rows[0];
    assert_eq!(
        httpd[1],
        "image-registry.openshift-image-registry.svc:5000/openshift/httpd"
    );
    // Newest first: 2.4-el9 and its alias latest were imported 3 days ago, 2.4-el8 12 days ago.
    assert_eq!(httpd[2], "2.4-el9, latest, 2.4-el8");
    assert_eq!(httpd[3], "3 days ago");
    // No Deployment in the project uses it.
    assert_eq!(httpd[4], "—");
    let postgresql = &rows[3];
    assert_eq!(postgresql[2], "16-el9, latest, 15-el9, 13-el8");

    // The root redirected to the OpenShift console's path for the list.
    let url = session.browser.current_url().await.expect("current URL");
    assert_eq!(url.path(), "/k8s/ns/openshift/imagestreams");
    session.wait_for_role("status", "Live").await;

    session.screenshot("imagestreams").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_project_without_streams_says_so() {
    let session = Session::start().await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session.wait_for_role("heading", "Image streams").await;
    let text = session
        .wait_for_role("paragraph", "No image streams in this project.")
        .await;
    assert_eq!(text, "No image streams in this project.");
    assert!(session.data_rows().await.is_empty());
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_name_filter_and_the_sort_are_kept_in_the_address() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session
        .wait_for_names(&["httpd", "mongodb", "nginx", "postgresql", "python"])
        .await;

    // Typing narrows the rows at once, and the address says so.
    session.fill("Filter by name", "ng").await;
    session.wait_for_names(&["mongodb", "nginx"]).await;
    session.fill("Filter by name", "ngi").await;
    session.wait_for_names(&["nginx"]).await;
    let url = session.browser.current_url().await.expect("current URL");
    assert_eq!(url.query(), Some("name=ngi"));

    // A reload (or a shared link) shows the same.
    session.browser.refresh().await.expect("reload");
    session.wait_for_names(&["nginx"]).await;
    let typed = session.labelled("Filter by name").await;
    assert_eq!(
        typed.prop("value").await.expect("value").as_deref(),
        Some("ngi")
    );

    session.fill("Filter by name", "zzz").await;
    session
        .wait_for_role("paragraph", "No image streams match the filter.")
        .await;

    // Sorting by NAME again turns the order round; the header says how it is sorted.
    session.fill("Filter by name", "").await;
    session
        .wait_for_names(&["httpd", "mongodb", "nginx", "postgresql", "python"])
        .await;
    session.click_button("NAME").await;
    session
        .wait_for_names(&["python", "postgresql", "nginx", "mongodb", "httpd"])
        .await;
    let url = session.browser.current_url().await.expect("current URL");
    assert_eq!(url.query(), Some("sort=name&order=desc"));
    let sorted = session
        .browser
        .execute(
            "return [...document.querySelectorAll('th[aria-sort]')].map(th => [th.innerText.trim(), th.getAttribute('aria-sort')]);",
            vec![],
        )
        .await
        .expect("header query");
    assert_eq!(sorted, json!([["NAME", "descending"]]));

    session.browser.refresh().await.expect("reload");
    session
        .wait_for_names(&["python", "postgresql", "nginx", "mongodb", "httpd"])
        .await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_label_selector_is_asked_of_the_server_and_a_bad_one_is_explained() {
    let session = Session::start().await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("paragraph", "No image streams in this project.")
        .await;
    for (name, team) in [
        ("blue-api", "blue"),
        ("blue-web", "blue"),
        ("red-web", "red"),
    ] {
        let mut stream = support::image_stream(name);
        stream["metadata"]["labels"] = json!({"team": team});
        session
            .create(
                "/apis/image.openshift.io/v1/namespaces/demo/imagestreams",
                stream,
            )
            .await;
    }
    session
        .wait_for_names(&["blue-api", "blue-web", "red-web"])
        .await;

    session.fill("Label selector", "team=blue").await;
    session.click_button("Apply").await;
    session.wait_for_names(&["blue-api", "blue-web"]).await;
    let url = session.browser.current_url().await.expect("current URL");
    assert_eq!(url.query(), Some("label=team%3Dblue"));
    session.browser.refresh().await.expect("reload");
    session.wait_for_names(&["blue-api", "blue-web"]).await;

    session.fill("Label selector", "team in (blue").await;
    session.click_button("Apply").await;
    let alert = session
        .wait_for_role("alert", "The label selector was rejected")
        .await;
    assert!(alert.contains("unable to parse requirement"), "{alert}");

    session.fill("Label selector", "team=green").await;
    session.click_button("Apply").await;
    session
        .wait_for_role("paragraph", "No image streams match the filter.")
        .await;
    session.finish().await;
}
