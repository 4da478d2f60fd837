//! End to end: devcluster serves the built console and the seeded `openshift` project; a person
//! opening the console sees the project's image streams with the `oc get is` columns.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Session;

#[tokio::test(flavor = "multi_thread")]
async fn the_openshift_project_lists_its_image_streams_like_oc_get_is() {
    let session = Session::start().await;
    session.open("/").await;

    session.wait_for_role("heading", "Image streams").await;
    session.wait_for_role("cell", "mongodb").await;
    let headers = session.by_role("columnheader").await;
    assert_eq!(headers, ["NAME", "IMAGE REPOSITORY", "TAGS", "UPDATED"]);

    let rows = session.table_rows().await;
    let names: Vec<&str> = rows.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(names, ["httpd", "mongodb", "nginx", "postgresql", "python"]);
    let httpd = &rows[0];
    assert_eq!(
        httpd[1],
        "image-registry.openshift-image-registry.svc:5000/openshift/httpd"
    );
    // Newest first: 2.4-el9 and its alias latest were imported 3 days ago, 2.4-el8 12 days ago.
    assert_eq!(httpd[2], "2.4-el9, latest, 2.4-el8");
    assert_eq!(httpd[3], "3 days ago");
    let postgresql = &rows[3];
    assert_eq!(postgresql[2], "16-el9, latest, 15-el9, 13-el8");

    // The root redirected to the OpenShift console's path for the list.
    let url = session.browser.current_url().await.expect("current URL");
    assert_eq!(url.path(), "/k8s/ns/openshift/imagestreams");

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
    assert!(session.table_rows().await.is_empty());
    session.finish().await;
}
