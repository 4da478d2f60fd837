//! End to end: accessibility. axe-core (npm's `axe-core`, pinned in package.json) runs inside
//! headless Chromium on every page and dialog of the console, in the light and the dark theme
//! (colour contrast differs), and must find no violation of impact serious or critical: the
//! log-in page, the image streams list (filtered, and filtered to nothing), a stream's page
//! (with its YAML and JSON, and the history timelines), a tag's page, the Deployments page with
//! the project map, one Deployment's page, Import image (with a look-up's result and with a
//! field's error), Deploy image (with its preview), the Add tag and every Delete dialog, the
//! project switcher in use, the toasts announcing results, a viewer's page with its disabled
//! actions, a refused project and a page that does not exist. Then the keyboard: Tab reaches
//! every control of every page, each showing the focus; and a dialog opened from the keyboard
//! takes the focus, keeps Tab and Shift+Tab inside, closes on Escape and gives the focus back.
//!
//! Without node_modules/axe-core the audits are skipped with a printed reason (they fail under
//! CI, where scripts/setup.sh's `npm ci` installs it).

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/registry.rs"]
mod registry;
mod support;

use serde_json::json;
use support::{Key, Session};

/// The audits of one test: every serious or critical violation found, by where it was found.
struct Audit {
    axe: String,
    found: Vec<String>,
    pages: usize,
}

impl Audit {
    /// `None` when axe-core is not installed (outside CI).
    fn new() -> Option<Audit> {
        Some(Audit {
            axe: support::axe_source()?,
            found: Vec::new(),
            pages: 0,
        })
    }

    /// Audits the page as it is now, in the light theme and in the dark one, then puts the
    /// theme back as it was.
    async fn check(&mut self, session: &Session, what: &str) {
        let before = session
            .script(
                "return document.documentElement.getAttribute('data-theme');",
                "theme query",
            )
            .await;
        for theme in ["light", "dark"] {
            session
                .browser
                .execute(
                    "document.documentElement.setAttribute('data-theme', arguments[0]);",
                    vec![json!(theme)],
                )
                .await
                .expect("set the theme");
            let background = session
                .script(
                    "return getComputedStyle(document.body).backgroundColor;",
                    "background query",
                )
                .await;
            let expected = if theme == "dark" {
                "rgb(27, 29, 33)"
            } else {
                "rgb(255, 255, 255)"
            };
            assert_eq!(
                background,
                json!(expected),
                "{what}: the {theme} theme is on"
            );
            for violation in session.axe_serious(&self.axe).await {
                self.found
                    .push(format!("{what} ({theme} theme): {violation}"));
            }
        }
        session
            .browser
            .execute(
                "const t = arguments[0]; if (t === null) document.documentElement.removeAttribute('data-theme'); else document.documentElement.setAttribute('data-theme', t);",
                vec![before],
            )
            .await
            .expect("restore the theme");
        self.pages += 1;
    }

    /// Fails the test with every violation found, or prints how many pages were audited.
    fn assert_clean(self) {
        assert!(
            self.found.is_empty(),
            "{} serious or critical accessibility violations:\n{}",
            self.found.len(),
            self.found.join("\n")
        );
        println!(
            "{} pages and dialogs audited, no serious or critical violation",
            self.pages
        );
    }
}

/// Waits until the open modal dialog shows `text`: what it looked up has arrived.
async fn wait_for_dialog(session: &Session, text: &str) {
    session.dialog_with(text).await;
}

/// Closes the open dialog with Escape and waits until it is gone and its `close` event has
/// been handled (the console then puts the focus back).
async fn close_dialog(session: &Session) {
    session
        .script(
            "window.a11yClosed = false; document.querySelector('dialog[open]').addEventListener('close', () => setTimeout(() => { window.a11yClosed = true; }), { once: true });",
            "listen for the dialog closing",
        )
        .await;
    session.press(&Key::Escape).await;
    session
        .wait_until(
            "return window.a11yClosed && !document.querySelector('dialog[open]');",
            "the dialog to close",
        )
        .await;
}

/// Focuses the button whose accessible name (`aria-label`, else its text) is `name`, as Tab
/// would reach it.
async fn focus_button(session: &Session, name: &str) {
    let script = format!(
        "const b = [...document.querySelectorAll('button')].find(b => (b.getAttribute('aria-label') || b.innerText.trim()) === {} && !b.disabled); if (!b) return false; b.focus(); return document.activeElement === b;",
        json!(name)
    );
    session
        .wait_until(&script, &format!("{name} to take the focus"))
        .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_login_page_passes_axe() {
    let Some(mut audit) = Audit::new() else {
        return;
    };
    let session = Session::start_with(&["--seed-streams", "1"]).await;
    session.open("/login").await;
    session.wait_for_role("heading", "Log in").await;
    audit.check(&session, "login").await;
    session.fill("Token", "sha256~not-a-real-token").await;
    session.click_button("Log in").await;
    session.wait_for_role("alert", "").await;
    audit.check(&session, "login, refused token").await;

    // A person who may only look: the actions are disabled, with the reason.
    session.log_in(support::VIEWER_TOKEN, "viewer").await;
    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "latest").await;
    session.button_state("Delete image stream app-00000").await;
    audit.check(&session, "stream page, as a viewer").await;
    // A project the viewer may not see: the server's refusal, where the list would be.
    session.open("/k8s/ns/kube-system/imagestreams").await;
    session.wait_for_role("alert", "Could not").await;
    audit.check(&session, "image streams, refused").await;
    session.open("/no/such/page").await;
    session
        .wait_for_role("paragraph", "This page does not exist.")
        .await;
    audit.check(&session, "a page that does not exist").await;

    // The audit is not blind: an input without a label is reported.
    session
        .script(
            "const i = document.createElement('input'); i.id = 'unlabelled'; document.querySelector('main').append(i);",
            "add an unlabelled input",
        )
        .await;
    let caught = session.axe_serious(&audit.axe).await;
    assert!(
        caught
            .iter()
            .any(|found| found.contains(" label: ") && found.contains("#unlabelled")),
        "axe-core reports the unlabelled input: {caught:?}"
    );
    session.finish().await;
    audit.assert_clean();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_image_streams_list_passes_axe() {
    let Some(mut audit) = Audit::new() else {
        return;
    };
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("link", "httpd").await;
    audit.check(&session, "image streams").await;
    // The live regions for results are in the page before anything is announced, so that
    // screen readers follow them.
    assert_eq!(
        session
            .script(
                "return [...document.querySelectorAll('.toasts [aria-live]')].map(r => [r.getAttribute('role'), r.getAttribute('aria-live'), r.innerText]);",
                "live regions",
            )
            .await,
        json!([["status", "polite", ""], ["alert", "assertive", ""]])
    );

    session.fill("Filter by name", "ng").await;
    session.wait_for_names(&["mongodb", "nginx"]).await;
    audit.check(&session, "image streams, filtered").await;
    session.fill("Filter by name", "zzz").await;
    session.wait_for_names(&[]).await;
    audit
        .check(&session, "image streams, filtered to nothing")
        .await;
    session.fill("Filter by name", "").await;
    session.fill("Label selector", "team in (blue").await;
    session.click_button("Apply").await;
    session.wait_for_role("alert", "").await;
    audit
        .check(&session, "image streams, invalid label selector")
        .await;

    // The project switcher in use: focused, its projects loaded.
    session.options("Project").await;
    session
        .labelled("Project")
        .await
        .click()
        .await
        .expect("open the project switcher");
    audit.check(&session, "project switcher open").await;
    session.finish().await;
    audit.assert_clean();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_its_tag_and_their_dialogs_pass_axe() {
    let Some(mut audit) = Audit::new() else {
        return;
    };
    let session = Session::start_with(&["--allow-anonymous", "--seed-streams", "1"]).await;
    session.open("/k8s/ns/openshift/imagestreams/httpd").await;
    session.wait_for_role("heading", "httpd").await;
    session.wait_for_role("img", "History of").await;
    audit.check(&session, "stream page, with history").await;
    session.click_button("YAML").await;
    session
        .wait_for_text("pre:not(.examples)", "kind: ImageStream")
        .await;
    audit.check(&session, "stream page, YAML").await;
    session.click_button("JSON").await;
    session
        .wait_for_text("pre:not(.examples)", "\"kind\"")
        .await;
    audit.check(&session, "stream page, JSON").await;

    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "2.0").await;
    session.wait_for_enabled_button("Add tag").await;
    session.click_button("Add tag").await;
    session
        .wait_for_role("heading", "Add tag to app-00000")
        .await;
    audit.check(&session, "Add tag dialog").await;
    session.click_in_dialog("Add").await;
    session
        .wait_until(
            "return !!document.querySelector('dialog[open] [aria-invalid=true]');",
            "a field error in Add tag",
        )
        .await;
    audit.check(&session, "Add tag dialog, field error").await;
    close_dialog(&session).await;

    session
        .click_named_button("Delete image stream app-00000")
        .await;
    wait_for_dialog(&session, "This will delete").await;
    audit.check(&session, "Delete image stream dialog").await;
    close_dialog(&session).await;
    session.click_named_button("Delete tag 2.0").await;
    wait_for_dialog(&session, "ImageStreamTag app-00000:2.0").await;
    audit.check(&session, "Delete tag dialog").await;
    session.click_in_dialog("Delete").await;
    session
        .wait_for_toast("status", "Deleted tag app-00000:2.0")
        .await;
    audit
        .check(&session, "stream page, toast after a delete")
        .await;

    session
        .open("/k8s/ns/demo/imagestreamtags/app-00000:latest")
        .await;
    session.wait_for_role("heading", "app-00000:latest").await;
    audit.check(&session, "tag page").await;
    session.click_named_button("Delete tag latest").await;
    wait_for_dialog(&session, "ImageStreamTag app-00000:latest").await;
    audit.check(&session, "Delete tag dialog, tag page").await;
    session.finish().await;
    audit.assert_clean();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_deployments_pages_and_their_dialogs_pass_axe() {
    let Some(mut audit) = Audit::new() else {
        return;
    };
    let session = Session::start_with(&[
        "--allow-anonymous",
        "--seed-streams",
        "3",
        "--seed-deployments",
        "3",
    ])
    .await;
    session.open("/k8s/ns/demo/deployments").await;
    session
        .wait_for_role("link", "Deployment deploy-00002")
        .await;
    audit
        .check(&session, "deployments, with the project map")
        .await;
    session
        .click_named_button("Delete all in project demo")
        .await;
    wait_for_dialog(&session, "Delete everything in project demo?").await;
    session.fill("to confirm", "dem").await;
    audit.check(&session, "Delete all dialog").await;
    close_dialog(&session).await;

    session.open("/k8s/ns/demo/deployments/deploy-00000").await;
    session.wait_for_role("heading", "deploy-00000").await;
    session.wait_for_role("heading", "Container app").await;
    audit.check(&session, "deployment page").await;
    session
        .click_named_button("Delete application deploy-00000")
        .await;
    wait_for_dialog(&session, "Deployment deploy-00000").await;
    audit.check(&session, "Delete application dialog").await;
    session.finish().await;
    audit.assert_clean();
}

#[tokio::test(flavor = "multi_thread")]
async fn the_import_and_deploy_forms_pass_axe() {
    let Some(mut audit) = Audit::new() else {
        return;
    };
    let Some(ext) = registry::ExternalRegistry::with_images(&["library/nginx:latest"]) else {
        return;
    };
    let source = format!("{}/library/nginx:latest", ext.host());
    let session = Session::start().await;
    session.open("/import-image/ns/demo").await;
    session.wait_for_role("heading", "Import image").await;
    audit.check(&session, "Import image").await;
    let name = session.labelled("Image stream name").await;
    name.send_keys("Bad_Name").await.expect("type");
    name.send_keys(&Key::Enter).await.expect("press Enter");
    session
        .wait_for_text("#import-stream-error", "Invalid value")
        .await;
    audit.check(&session, "Import image, field error").await;
    session.fill("Image stream name", "web").await;
    session.fill("Source image", &source).await;
    session.click_labelled("Insecure registry").await;
    session.wait_for_role("status", "Digest").await;
    audit.check(&session, "Import image, looked up").await;
    session.click_button("Import").await;
    session
        .wait_for_role("heading", "imagestream.image.openshift.io/web imported")
        .await;
    session
        .wait_for_toast("status", "Imported web:latest")
        .await;
    audit.check(&session, "Import image, imported, toast").await;

    session.open("/deploy-image/ns/demo").await;
    session.wait_for_role("heading", "Deploy image").await;
    audit.check(&session, "Deploy image").await;
    session.fill("Image", &source).await;
    session
        .wait_for_text("#image-error", "Insecure registry")
        .await;
    audit.check(&session, "Deploy image, look-up refused").await;
    session.click_labelled("Insecure registry").await;
    session.wait_for_role("status", "Found").await;
    session
        .wait_until(
            "return document.querySelectorAll('details summary').length === 3;",
            "the preview",
        )
        .await;
    session
        .script(
            "[...document.querySelectorAll('details summary')].forEach(s => s.click());",
            "open every preview",
        )
        .await;
    audit.check(&session, "Deploy image, preview").await;
    session.finish().await;
    audit.assert_clean();
}

/// Tab from the top of the list page reaches the filter, the sort headers, the row links and
/// the page's buttons, each showing that it has the focus.
#[tokio::test(flavor = "multi_thread")]
async fn tab_reaches_the_list_controls_with_a_visible_focus() {
    let session = Session::start().await;
    session.open("/k8s/ns/openshift/imagestreams").await;
    session.wait_for_role("link", "python").await;
    let mut reached = Vec::new();
    let mut hidden = Vec::new();
    for _ in 0..40 {
        session.press(&Key::Tab).await;
        let (name, visible) = session.focus_is_visible().await;
        // Past the last control the focus leaves the page (for the browser's own controls).
        if name == "(nothing)" {
            continue;
        }
        if !visible {
            hidden.push(name.clone());
        }
        reached.push(name);
    }
    for wanted in [
        "Import image",
        "imagestreams-name",
        "imagestreams-label",
        "Apply",
        "NAME",
        "UPDATED",
        "httpd",
        "python",
        "Log out",
    ] {
        assert!(
            reached.iter().any(|name| name == wanted),
            "Tab never reached {wanted:?}; it reached {reached:?}"
        );
    }
    assert!(
        hidden.is_empty(),
        "these controls do not show the focus: {hidden:?}"
    );
    // Enter on a sort header sorts.
    focus_button(&session, "NAME").await;
    session.press(&Key::Enter).await;
    session
        .wait_until(
            "const th = [...document.querySelectorAll('th[aria-sort]')].find(th => th.innerText.includes('NAME')); return th && th.getAttribute('aria-sort') !== 'none';",
            "NAME to be sorted",
        )
        .await;
    session.finish().await;
}

/// The names of the controls of the open dialog that Tab can reach, in order.
async fn dialog_controls(session: &Session) -> Vec<String> {
    let found = session
        .script(
            r#"const d = document.querySelector('dialog[open]');
               if (!d) return [];
               return [...d.querySelectorAll('a[href],button,input,select,textarea,summary,[tabindex]')]
                 .filter(e => !e.disabled && e.tabIndex >= 0 && e.checkVisibility())
                 .map(e => (e.getAttribute('aria-label') || e.innerText || e.tagName).trim());"#,
            "dialog controls",
        )
        .await;
    serde_json::from_value(found).unwrap_or_default()
}

/// Opens a dialog from the keyboard with the button `opener`, checks the focus is inside,
/// that Tab from the last control wraps to the first and Shift+Tab from the first to the
/// last, that every control shows the focus, then closes it with Escape and checks the focus
/// is back on `opener`.
async fn dialog_keeps_the_focus(session: &Session, opener: &str, shows: &str) {
    focus_button(session, opener).await;
    session.press(&Key::Enter).await;
    session.dialog_with(shows).await;
    let (_, inside) = session.focused().await;
    assert!(inside, "{opener}: the focus goes into the dialog");
    let controls = dialog_controls(session).await;
    assert!(controls.len() >= 2, "{opener}: controls {controls:?}");
    // Walk forward once round, past the end, and back.
    let mut walked = Vec::new();
    for _ in 0..controls.len() + 1 {
        session.press(&Key::Tab).await;
        let (name, inside) = session.focused().await;
        assert!(inside, "{opener}: Tab left the dialog after {walked:?}");
        let (_, visible) = session.focus_is_visible().await;
        assert!(visible, "{opener}: {name:?} does not show the focus");
        walked.push(name);
    }
    for _ in 0..controls.len() + 1 {
        session.press(&(Key::Shift + &Key::Tab)).await;
        let (name, inside) = session.focused().await;
        assert!(
            inside,
            "{opener}: Shift+Tab left the dialog at {name:?} after {walked:?}"
        );
    }
    // Exactly: from the last control Tab goes to the first, and back.
    let last = controls.last().cloned().unwrap_or_default();
    let first = controls.first().cloned().unwrap_or_default();
    session
        .script(
            r#"const d = document.querySelector('dialog[open]');
               const all = [...d.querySelectorAll('a[href],button,input,select,textarea,summary,[tabindex]')]
                 .filter(e => !e.disabled && e.tabIndex >= 0 && e.checkVisibility());
               all[all.length - 1].focus();"#,
            "focus the last control",
        )
        .await;
    session.press(&Key::Tab).await;
    assert_eq!(
        session.focused().await,
        (first.clone(), true),
        "{opener}: Tab from {last:?} wraps to the first control"
    );
    session.press(&(Key::Shift + &Key::Tab)).await;
    assert_eq!(
        session.focused().await,
        (last, true),
        "{opener}: Shift+Tab from {first:?} wraps to the last control"
    );
    close_dialog(session).await;
    assert_eq!(
        session.focused().await,
        (opener.to_owned(), false),
        "{opener}: the focus is back on the button that opened the dialog"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn dialogs_opened_from_the_keyboard_keep_and_return_the_focus() {
    let session = Session::start_with(&["--allow-anonymous", "--seed-streams", "1"]).await;
    session.open("/k8s/ns/demo/imagestreams/app-00000").await;
    session.wait_for_role("cell", "2.0").await;
    session.wait_for_enabled_button("Add tag").await;
    dialog_keeps_the_focus(&session, "Add tag", "Add tag to app-00000").await;
    dialog_keeps_the_focus(
        &session,
        "Delete image stream app-00000",
        "This will delete",
    )
    .await;
    dialog_keeps_the_focus(&session, "Delete tag 2.0", "ImageStreamTag app-00000:2.0").await;
    // The whole project's dialog starts in its confirmation field.
    session.open("/k8s/ns/demo/deployments").await;
    session.wait_for_role("heading", "Deployments").await;
    dialog_keeps_the_focus(
        &session,
        "Delete all in project demo",
        "Delete everything in project demo?",
    )
    .await;
    session.finish().await;
}

/// What Tab can stop at (before leaving out what is hidden, disabled or inert).
const FOCUSABLE: &str =
    "a[href],button,input,select,textarea,summary,[tabindex]:not([tabindex='-1'])";

/// Presses Tab from the top of the page once more than there are controls, and returns what
/// is wrong: each control Tab stopped at without showing the focus, and each control it never
/// reached (for radio buttons, one per group is reached).
async fn tab_through(session: &Session, what: &str) -> Vec<String> {
    let count = session
        .browser
        .execute(
            r#"document.activeElement && document.activeElement.blur();
               window.scrollTo(0, 0);
               document.querySelectorAll('[data-tab-reached]').forEach(e => e.removeAttribute('data-tab-reached'));
               return document.querySelectorAll(arguments[0]).length;"#,
            vec![json!(FOCUSABLE)],
        )
        .await
        .expect("count the controls")
        .as_u64()
        .unwrap_or(0);
    let mut problems = Vec::new();
    for _ in 0..count + 3 {
        session.press(&Key::Tab).await;
        let (name, visible) = session.focus_is_visible().await;
        if name == "(nothing)" {
            continue;
        }
        session
            .script(
                "document.activeElement.setAttribute('data-tab-reached', '');",
                "mark the control",
            )
            .await;
        if !visible {
            problems.push(format!("{what}: {name:?} does not show the focus"));
        }
    }
    let missed = session
        .browser
        .execute(
            r#"return [...document.querySelectorAll(arguments[0])]
                 .filter(e => !e.disabled && e.tabIndex >= 0 && e.checkVisibility() && !e.closest('[inert]'))
                 .filter(e => !(e.type === 'radio' && !e.checked && document.querySelector(`input[type=radio][name="${e.name}"]:checked`)))
                 .filter(e => !e.hasAttribute('data-tab-reached'))
                 .map(e => e.outerHTML.slice(0, 160));"#,
            vec![json!(FOCUSABLE)],
        )
        .await
        .expect("the controls not reached");
    let missed: Vec<String> = serde_json::from_value(missed).unwrap_or_default();
    problems.extend(
        missed
            .into_iter()
            .map(|html| format!("{what}: Tab never reached {html}")),
    );
    problems
}

/// On every page, Tab reaches every control, and each shows that it has the focus.
#[tokio::test(flavor = "multi_thread")]
async fn tab_reaches_every_control_of_every_page_with_a_visible_focus() {
    let Some(ext) = registry::ExternalRegistry::with_images(&["library/nginx:latest"]) else {
        return;
    };
    let source = format!("{}/library/nginx:latest", ext.host());
    let session = Session::start_with(&[
        "--allow-anonymous",
        "--seed-streams",
        "2",
        "--seed-deployments",
        "2",
    ])
    .await;
    let mut problems = Vec::new();

    session.open("/k8s/ns/openshift/imagestreams/httpd").await;
    session.wait_for_role("img", "History of").await;
    session.click_button("YAML").await;
    session
        .wait_for_text("pre:not(.examples)", "kind: ImageStream")
        .await;
    problems.extend(tab_through(&session, "stream page").await);

    session
        .open("/k8s/ns/openshift/imagestreamtags/httpd:2.4-el9")
        .await;
    session.wait_for_role("img", "History of").await;
    problems.extend(tab_through(&session, "tag page").await);

    session.open("/k8s/ns/demo/deployments").await;
    session
        .wait_for_role("link", "Deployment deploy-00001")
        .await;
    problems.extend(tab_through(&session, "deployments").await);

    session.open("/k8s/ns/demo/deployments/deploy-00000").await;
    session.wait_for_role("heading", "Container app").await;
    problems.extend(tab_through(&session, "deployment page").await);

    session.open("/import-image/ns/demo").await;
    session.wait_for_role("heading", "Import image").await;
    session.fill("Image stream name", "web").await;
    session.fill("Source image", &source).await;
    session.click_labelled("Insecure registry").await;
    session.wait_for_role("status", "Digest").await;
    problems.extend(tab_through(&session, "Import image").await);

    session.open("/deploy-image/ns/demo").await;
    session.wait_for_role("heading", "Deploy image").await;
    session.fill("Image", &source).await;
    session.click_labelled("Insecure registry").await;
    session
        .wait_until(
            "return document.querySelectorAll('details summary').length === 3;",
            "the preview",
        )
        .await;
    session
        .script(
            "document.querySelector('details summary').click();",
            "open a preview",
        )
        .await;
    problems.extend(tab_through(&session, "Deploy image").await);
    session.finish().await;
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
