//! End to end: the console works under a strict Content-Security-Policy
//! (`default-src 'self'; script-src 'self' 'wasm-unsafe-eval'`), as sent by devcluster's
//! `--strict-csp`: no inline script starts it, no inline style is needed, the page chunks and
//! the demo cluster's worker load. The browser reports every violation to devcluster
//! (`report-uri`), and the test reads those reports: none while a person uses the console, and
//! one for a style attribute set on purpose, which proves the reports do arrive.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use serde_json::Value;
use support::Session;

/// Reading the reports takes a cluster administrator's token (devcluster's admin).
const READ_REPORTS: &str =
    "fetch('/csp-reports', { headers: { 'Authorization': 'Bearer sha256~admin-devcluster-token' } })";

/// The violation reports devcluster received, as JSON.
async fn reports(session: &Session) -> Vec<Value> {
    let body = session
        .wait_until(
            &format!("return {READ_REPORTS}.then(r => r.status === 200 ? r.json() : null)"),
            "the list of CSP reports",
        )
        .await;
    body.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_console_runs_under_a_strict_content_security_policy() {
    let session = Session::start_with(&["--allow-anonymous", "--strict-csp"]).await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("link", "httpd").await;

    // The policy is really there, on the page itself.
    let policy = session
        .wait_until(
            "return fetch(location.href).then(r => r.headers.get('content-security-policy'))",
            "the page's Content-Security-Policy header",
        )
        .await;
    let policy = policy.as_str().unwrap_or_default().to_owned();
    assert!(
        policy.contains("default-src 'self'")
            && policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "the console is served with the strict policy: {policy}"
    );
    // And the page starts without an inline script.
    let inline_scripts = session
        .script(
            "return [...document.scripts].filter(s => !s.src).length",
            "inline scripts",
        )
        .await;
    assert_eq!(inline_scripts, 0, "no inline <script> in the page");

    // Pages whose code comes as separate chunks: the stream page, a tag, Deployments and its
    // map, the forms, a dialog.
    session.click_link("httpd").await;
    session.wait_for_role("columnheader", "IMPORT STATUS").await;
    session
        .open("/k8s/ns/openshift/imagestreamtags/httpd:latest")
        .await;
    session.wait_for_role("heading", "httpd:latest").await;
    session.open("/k8s/ns/demo/deployments").await;
    session.wait_for_role("heading", "Deployments").await;
    session.open("/import-image/ns/demo").await;
    session.wait_for_role("heading", "Import image").await;
    session.open("/deploy-image/ns/demo").await;
    session.wait_for_role("heading", "Deploy image").await;
    session.open("/k8s/ns/demo/imagestreams/frontend").await;
    session.wait_for_role("heading", "frontend").await;
    // Enabled once the permission check has answered.
    session
        .wait_until(
            "const b = [...document.querySelectorAll('button')]
               .find(b => b.getAttribute('aria-label') === 'Delete image stream frontend');
             return b && !b.disabled;",
            "Delete image stream frontend to be enabled",
        )
        .await;
    session
        .click_named_button("Delete image stream frontend")
        .await;
    session.dialog_with("Delete image stream frontend?").await;
    session.click_in_dialog("Cancel").await;

    // The stylesheets applied (a blocked stylesheet would leave the masthead unstyled).
    let masthead_background = session
        .script(
            "return getComputedStyle(document.querySelector('header')).backgroundColor",
            "the masthead's background",
        )
        .await;
    assert_ne!(
        masthead_background, "rgba(0, 0, 0, 0)",
        "the masthead has its background from the stylesheet"
    );

    // The demo cluster: a Web Worker that compiles its own wasm.
    session.open("/login").await;
    session
        .wait_for_role("button", "Explore a demo cluster")
        .await;
    session.click_button("Explore a demo cluster").await;
    session.wait_for_role("cell", "frontend").await;

    // Now one violation on purpose: the only report must be that one.
    session
        .script(
            "document.body.setAttribute('style', 'outline: 1px solid red'); return true",
            "an inline style attribute",
        )
        .await;
    session
        .wait_until(
            &format!("return {READ_REPORTS}.then(r => r.json()).then(l => l.length > 0)"),
            "the report of the inline style",
        )
        .await;
    let received = reports(&session).await;
    let unexpected: Vec<&Value> = received
        .iter()
        .filter(|report| {
            let directive = report["csp-report"]["effective-directive"]
                .as_str()
                .unwrap_or_default();
            directive != "style-src-attr"
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "nothing but the deliberate inline style was blocked: {unexpected:#?}"
    );
    session.finish().await;
}
