//! End to end: "Log in with OpenShift" through devcluster's OAuth server (implicit flow): the
//! console finds the OAuth server, the person picks a user on its log-in page, and comes back
//! logged in, with the token gone from the address.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Session;

#[tokio::test(flavor = "multi_thread")]
async fn log_in_with_openshift_comes_back_logged_in_without_the_token_in_the_address() {
    let session = Session::start_with(&[]).await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_path("/login").await;
    session.click_button("Log in with OpenShift").await;
    session
        .wait_for_role("heading", "Log in to devcluster")
        .await;
    session.wait_for_path("/oauth/authorize").await;
    session.click_button("Log in as viewer").await;

    session.wait_for_role("banner", "Logged in as viewer").await;
    session
        .wait_for_path("/k8s/ns/openshift/imagestreams")
        .await;
    session.wait_for_role("cell", "postgresql").await;
    let url = session.browser.current_url().await.expect("current URL");
    assert!(
        url.fragment().is_none(),
        "the fragment with the token is cleared: {url}"
    );
    assert!(!url.as_str().contains("access_token"), "{url}");
    session.finish().await;
}
