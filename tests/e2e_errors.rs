//! End to end: failures are reported where they happen, in words a person can act on. A 403
//! names the missing permission; a network failure offers Retry, and Retry works once the
//! server is back.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Session;

#[tokio::test(flavor = "multi_thread")]
async fn a_forbidden_list_says_which_permission_is_missing() {
    let session = Session::start().await;
    // developer edits `demo` and views `openshift`; any other project is closed to them.
    session.open("/k8s/ns/payments/imagestreams").await;
    let alert = session.wait_for_role("alert", "Forbidden").await;
    assert!(
        alert.contains(
            "developer may not list imagestreams (image.openshift.io) in project payments"
        ),
        "the alert names the permission: {alert:?}"
    );
    assert!(
        alert.contains("oc adm policy add-role-to-user edit developer -n payments"),
        "and how to get it: {alert:?}"
    );
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_network_failure_offers_retry_and_retry_loads_the_page() {
    let mut session = Session::start().await;
    // The stream page's code is fetched on its first visit: visit it once, so what fails
    // below is the API call, not the page's code.
    session.open("/k8s/ns/openshift/imagestreams/httpd").await;
    session.wait_for_role("columnheader", "IMPORT STATUS").await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("link", "httpd").await;
    session.stop_devcluster().await;

    // Following a link is client-side routing: the page is there, the API is not.
    session.click_link("httpd").await;
    let alert = session
        .wait_for_role("alert", "Could not load the image stream.")
        .await;
    assert!(
        alert.contains("Cannot reach the API server"),
        "the alert says the server could not be reached: {alert:?}"
    );
    assert!(
        session.by_role("button").await.iter().any(|b| b == "Retry"),
        "Retry is offered"
    );

    retry_shows_the_httpd_tags(session).await;
}

/// The pages other than the list come as separate wasm chunks on their first visit: when the
/// console's server cannot be reached then, the page says so and Retry fetches it again,
/// instead of the whole console failing.
#[tokio::test(flavor = "multi_thread")]
async fn a_page_whose_code_cannot_be_fetched_offers_retry() {
    let mut session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("link", "httpd").await;
    session.stop_devcluster().await;

    session.click_link("httpd").await;
    let alert = session
        .wait_for_role("alert", "Could not load this page.")
        .await;
    assert!(
        alert.contains("did not answer"),
        "the alert says the server did not answer: {alert:?}"
    );
    // The rest of the console still works: the masthead is there.
    assert!(
        !session.by_role("banner").await.is_empty(),
        "the masthead is still shown"
    );

    retry_shows_the_httpd_tags(session).await;
}

/// Starts the server again, presses Retry, and expects httpd's tags.
async fn retry_shows_the_httpd_tags(mut session: Session) {
    session.start_devcluster_again(&["--allow-anonymous"]).await;
    session.click_button("Retry").await;
    session.wait_for_role("columnheader", "IMPORT STATUS").await;
    let rows = session.table_rows().await;
    assert!(
        rows.iter().any(|row| row[0] == "2.4-el9"),
        "the tags are shown after Retry: {rows:?}"
    );
    session.finish().await;
}
