//! End to end: the light and dark themes. The system's choice is the default; the masthead's
//! Theme chooser overrides it, and the choice survives a reload.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use support::Session;

/// Waits until the page background, as the browser computes it, is `expected`.
async fn wait_for_background(session: &Session, expected: &str) {
    let deadline = std::time::Instant::now() + support::PATIENCE;
    loop {
        let now = background(session).await;
        if now == expected {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "background stayed {now}, expected {expected}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// The page background as the browser computed it.
async fn background(session: &Session) -> String {
    session
        .browser
        .execute(
            "return getComputedStyle(document.body).backgroundColor;",
            vec![],
        )
        .await
        .expect("computed style")
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_theme_chooser_switches_to_dark_and_back_and_is_remembered() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("link", "httpd").await;
    // Headless Chromium reports a light system scheme.
    assert_eq!(background(&session).await, "rgb(255, 255, 255)");
    assert_eq!(session.options("Theme").await, ["System", "Light", "Dark"]);

    let chooser = session.labelled("Theme").await;
    chooser
        .select_by_label("Dark")
        .await
        .expect("choose the dark theme");
    wait_for_background(&session, "rgb(27, 29, 33)").await;

    session.browser.refresh().await.expect("reload");
    session.wait_for_role("link", "httpd").await;
    // The choice is kept across a reload.
    wait_for_background(&session, "rgb(27, 29, 33)").await;
    session.screenshot("dark-theme").await;

    let chooser = session.labelled("Theme").await;
    chooser
        .select_by_label("Light")
        .await
        .expect("choose the light theme");
    wait_for_background(&session, "rgb(255, 255, 255)").await;
    session.finish().await;
}
