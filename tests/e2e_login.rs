//! End to end: logging in with a token, the project switcher, logging out, and coming back to
//! the page that was asked for. devcluster runs without anonymous access here.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Session;

const DEVELOPER_TOKEN: &str = "sha256~developer-devcluster-token";

#[tokio::test(flavor = "multi_thread")]
async fn a_person_logs_in_with_a_token_switches_project_and_logs_out() {
    let session = Session::start_with(&[]).await;
    session.open("/").await;
    session.wait_for_role("heading", "Log in").await;
    session.wait_for_path("/login").await;

    session.fill("Token", DEVELOPER_TOKEN).await;
    session.click_button("Log in").await;
    session.wait_for_role("cell", "mongodb").await;
    session
        .wait_for_path("/k8s/ns/openshift/imagestreams")
        .await;
    session
        .wait_for_role("banner", "Logged in as developer")
        .await;

    // The switcher lists exactly the projects the developer may see.
    let options = session.options("Project").await;
    assert!(options.iter().any(|o| o.starts_with("demo")), "{options:?}");
    assert!(
        options.iter().any(|o| o.starts_with("openshift")),
        "{options:?}"
    );
    assert_eq!(options.len(), 2, "{options:?}");
    let switcher = session.labelled("Project").await;
    switcher
        .select_by_value("demo")
        .await
        .expect("choose a project");
    session.wait_for_path("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("paragraph", "No image streams in this project.")
        .await;
    session.screenshot("logged-in").await;

    session.click_button("Log out").await;
    session.wait_for_path("/login").await;
    session.wait_for_role("heading", "Log in").await;
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_says_why_and_keeps_what_was_typed() {
    let session = Session::start_with(&[]).await;
    session.open("/login").await;
    session.fill("Token", "sha256~not-a-real-token").await;
    session.click_button("Log in").await;
    let alert = session
        .wait_for_role("alert", "did not accept this token")
        .await;
    assert!(alert.contains("401 Unauthorized"), "{alert}");
    let typed = session
        .labelled("Token")
        .await
        .prop("value")
        .await
        .expect("input value");
    assert_eq!(typed.as_deref(), Some("sha256~not-a-real-token"));
    session.finish().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_deep_link_returns_to_its_page_after_logging_in() {
    let session = Session::start_with(&[]).await;
    session.open("/k8s/ns/demo/imagestreams").await;
    session.wait_for_path("/login").await;
    session.fill("Token", DEVELOPER_TOKEN).await;
    session.click_button("Log in").await;
    session.wait_for_path("/k8s/ns/demo/imagestreams").await;
    session
        .wait_for_role("paragraph", "No image streams in this project.")
        .await;
    // The token is never in the address.
    let url = session.browser.current_url().await.expect("current URL");
    assert!(!url.as_str().contains("token"), "{url}");
    session.finish().await;
}
