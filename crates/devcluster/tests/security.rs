//! The `devcluster` binary against hostile clients (issue 15, items 12-14), on 127.0.0.1 only:
//!
//! * `the_log_in_form_needs_its_csrf_cookie`: a POST to `/oauth/authorize` without the log-in
//!   page's CSRF value (a form on another site) is sent back to the log-in page and issues no
//!   token; with the page's cookie and field it issues one that expires in a day.
//! * `csp_reports_are_bounded_and_read_by_cluster_admins_only`: `/csp-reports` exists only with
//!   `--strict-csp`, takes JSON reports of at most 64 KiB, keeps 100, and lists them for a
//!   cluster-admin token only.
#![cfg(feature = "server")]

mod common;

use common::{Devcluster, TempDir};
use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_devcluster");
const ADMIN: &str = "Bearer sha256~admin-devcluster-token";
const DEVELOPER: &str = "Bearer sha256~developer-devcluster-token";

/// An HTTP client that follows no redirect (the test reads each Location) and has no proxy.
fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build(),
    )
}

fn start(work: &TempDir, extra: &[&str]) -> Devcluster {
    let mut args: Vec<String> = vec![
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--dist".into(),
        work.0.join("no-console").to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    Devcluster::start(BINARY, &args, &work.0.join("stderr.log"))
}

const AUTHORIZE: &str = "client_id=imagestream-console&response_type=token&redirect_uri=http%3A%2F%2F127.0.0.1%3A9000%2Flogin&state=xyz";

/// The query pairs of a URL's part after `?` or `#`.
fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), imagestream_model::url::decode_component(v)))
        .collect()
}

fn form_post(
    agent: &ureq::Agent,
    url: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", imagestream_model::url::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut request = agent
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Origin", "https://evil.example");
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let response = request.send(body.as_bytes()).expect("POST answered");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), location)
}

#[test]
fn the_log_in_form_needs_its_csrf_cookie() {
    let work = TempDir::new("oauth-csrf");
    let cluster = start(&work, &[]);
    let agent = agent();
    let authorize = format!("{}/oauth/authorize", cluster.base);
    let mut fields: Vec<(&str, &str)> = pairs(AUTHORIZE)
        .into_iter()
        .map(|(k, v)| (&*k.leak(), &*v.leak()))
        .collect();
    fields.push(("user", "admin"));

    // A foreign page's form: no cookie, no CSRF value. Back to the log-in page, no token.
    let (status, location) = form_post(&agent, &authorize, None, &fields);
    assert_eq!(status, 302, "{location}");
    assert!(
        location.starts_with("/oauth/authorize?") && location.contains("reason=token_expired"),
        "sent back to the log-in page: {location}"
    );
    assert!(!location.contains("access_token"), "{location}");
    // A guessed value with a cookie of the attacker's choosing does not match either.
    let mut guessed = fields.clone();
    guessed.push(("csrf", "guess"));
    let (_, location) = form_post(&agent, &authorize, Some("csrf=other"), &guessed);
    assert!(location.contains("reason=token_expired"), "{location}");

    // The page sets the cookie and carries the same value; it is not cached or framed.
    let mut page = agent
        .get(&format!("{authorize}?{AUTHORIZE}&reason=token_expired"))
        .call()
        .expect("the log-in page");
    assert_eq!(page.status(), 200);
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let set_cookie = header("set-cookie");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("Path=/"),
        "{set_cookie}"
    );
    assert_eq!(header("x-frame-options"), "DENY");
    assert!(header("cache-control").contains("no-store"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let value = cookie
        .strip_prefix("csrf=")
        .expect("the csrf cookie")
        .to_owned();
    let html = page.body_mut().read_to_string().unwrap();
    assert!(
        html.contains(&format!(r#"name="csrf" value="{value}""#)),
        "{html}"
    );
    assert!(html.contains("Could not check CSRF token. Please try again."));

    // With both, the token comes back in the fragment, valid for a day.
    let mut good = fields.clone();
    good.push(("csrf", &value));
    let (status, location) = form_post(&agent, &authorize, Some(&cookie), &good);
    assert_eq!(status, 302);
    let (base, fragment) = location.split_once('#').expect("a fragment");
    assert_eq!(base, "http://127.0.0.1:9000/login");
    let fragment = pairs(fragment);
    let field = |name: &str| {
        fragment
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(field("expires_in"), "86400");
    assert_eq!(field("state"), "xyz");
    let token = field("access_token");
    let mut me = agent
        .get(&format!(
            "{}/apis/user.openshift.io/v1/users/~",
            cluster.base
        ))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = serde_json::from_slice(&me.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(me["metadata"]["name"], "admin");
}

fn post_report(agent: &ureq::Agent, base: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let mut response = agent
        .post(&format!("{base}/csp-reports"))
        .header("Content-Type", content_type)
        .send(body)
        .expect("POST answered");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn list_reports(agent: &ureq::Agent, base: &str, authorization: Option<&str>) -> (u16, Value) {
    let mut request = agent.get(&format!("{base}/csp-reports"));
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let mut response = request.call().expect("GET answered");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[test]
fn csp_reports_are_bounded_and_read_by_cluster_admins_only() {
    let agent = agent();
    let report = json!({"csp-report": {"document-uri": "http://127.0.0.1/", "effective-directive": "style-src-attr"}});
    let report = serde_json::to_vec(&report).unwrap();

    // Without --strict-csp nothing sends reports, and nothing takes them.
    let work = TempDir::new("csp-off");
    let plain = start(&work, &[]);
    let (status, _) = post_report(&agent, &plain.base, "application/csp-report", &report);
    assert_eq!(status, 405, "the console's files take no POST");
    drop(plain);

    let work = TempDir::new("csp-on");
    let cluster = start(&work, &["--strict-csp", "--allow-anonymous"]);
    let base = &cluster.base;
    let (status, body) = post_report(&agent, base, "text/plain", &report);
    assert_eq!(
        (status, &body["reason"]),
        (415, &json!("UnsupportedMediaType")),
        "{body}"
    );
    let (status, body) = post_report(&agent, base, "application/csp-report", b"not json");
    assert_eq!(status, 400, "{body}");
    let big = format!(r#"{{"csp-report": {{"x": "{}"}}}}"#, "a".repeat(65 * 1024));
    let (status, body) = post_report(&agent, base, "application/csp-report", big.as_bytes());
    assert_eq!(
        (status, &body["reason"]),
        (413, &json!("RequestEntityTooLarge")),
        "{body}"
    );
    for _ in 0..150 {
        let (status, _) = post_report(
            &agent,
            base,
            "application/csp-report; charset=utf-8",
            &report,
        );
        assert_eq!(status, 204);
    }

    // Listing needs a cluster administrator (anonymous acts as developer here).
    let (status, body) = list_reports(&agent, base, Some("Bearer nope"));
    assert_eq!(
        (status, &body["reason"]),
        (401, &json!("Unauthorized")),
        "{body}"
    );
    let (status, body) = list_reports(&agent, base, None);
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["message"],
        "forbidden: User \"developer\" cannot get path \"/csp-reports\""
    );
    let (status, _) = list_reports(&agent, base, Some(DEVELOPER));
    assert_eq!(status, 403);
    let (status, list) = list_reports(&agent, base, Some(ADMIN));
    assert_eq!(status, 200);
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 100, "the first 100 are kept");
    assert_eq!(
        list[0]["csp-report"]["effective-directive"],
        "style-src-attr"
    );
}
