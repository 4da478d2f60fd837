//! The `devcluster` binary end to end, on 127.0.0.1 only:
//!
//! * `pushes_to_the_integrated_registry_create_and_update_image_streams`: `--registry --tls`
//!   starts Debian's `docker-registry`; images built offline are pushed with `skopeo`, and the
//!   registry's notifications make devcluster create and then update `demo/lighttpd`, whose
//!   `status.dockerImageRepository` names the registry. Pushes need the pusher's API token and
//!   edit rights in the project (devcluster's token endpoint, as OpenShift's registry checks
//!   the user's token): anonymous pushes, a viewer's push and a push into `openshift`, where the
//!   developer only views, are refused by the registry and create nothing. When devcluster is
//!   killed, the registry goes with it. Skipped with a message when docker-registry or skopeo is missing, unless
//!   `CI=true`.
//! * `state_survives_restarts`: `--state FILE` keeps a created stream across a `kill -9` right
//!   after the answer (the write was logged and fsynced first) and across a SIGTERM.
#![cfg(feature = "server")]

mod common;

use common::{bearer, ca_from_kubeconfig, tls_agent as agent, Devcluster, TempDir};
use common::{
    oci_layout, registry_answers, registry_digest_with, skopeo_copy, skopeo_try, tools_available,
    DEVELOPER_CREDS,
};
use imagestream_devcluster::registry::{MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_MANIFEST};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_devcluster");
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";

fn get(agent: &ureq::Agent, url: &str, user: &str) -> (u16, Value) {
    let mut response = agent
        .get(url)
        .header("Authorization", bearer(user))
        .call()
        .unwrap_or_else(|err| panic!("GET {url}: {err}"));
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn post(agent: &ureq::Agent, url: &str, user: &str, body: &Value) -> (u16, Value) {
    let mut response = agent
        .post(url)
        .header("Authorization", bearer(user))
        .header("Content-Type", "application/json")
        .send(body.to_string().as_bytes())
        .unwrap_or_else(|err| panic!("POST {url}: {err}"));
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// A registry token for `scope` from devcluster's token endpoint, as a client gets it with
/// `user`'s API token as Basic password.
fn registry_token(agent: &ureq::Agent, base: &str, scope: &str, user: &str) -> String {
    use base64::Engine;
    let password = bearer(user);
    let password = password.trim_start_matches("Bearer ");
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let url = format!(
        "{base}/registry/token?service=devcluster-registry&scope={}",
        imagestream_model::url::encode_component(scope)
    );
    let mut response = agent
        .get(&url)
        .header("Authorization", format!("Basic {basic}"))
        .call()
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = serde_json::from_slice(&response.body_mut().read_to_vec().unwrap()).unwrap();
    format!("Bearer {}", body["token"].as_str().expect("a token"))
}

/// Polls the stream until `latest` points at `digest` (at most 20 s); returns the stream and
/// how long it took.
fn wait_for_tag(agent: &ureq::Agent, base: &str, digest: &str) -> (Value, Duration) {
    let started = Instant::now();
    let url = format!("{base}{STREAMS}/lighttpd");
    loop {
        let (status, stream) = get(agent, &url, "developer");
        let latest = stream["status"]["tags"]
            .as_array()
            .and_then(|tags| tags.iter().find(|t| t["tag"] == "latest"));
        if status == 200 && latest.is_some_and(|t| t["items"][0]["image"] == digest) {
            return (stream, started.elapsed());
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the push of {digest} did not reach the stream within 20 s; last answer {status}: {stream}"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

#[test]
fn pushes_to_the_integrated_registry_create_and_update_image_streams() {
    if !tools_available() {
        return;
    }
    let work = TempDir::new("integrated");
    let kubeconfig = work.0.join("kubeconfig");
    let args: Vec<String> = [
        "--listen",
        "127.0.0.1:0",
        "--registry",
        "--tls",
        "--dist",
        &work.0.join("no-console").to_string_lossy(),
        "--kubeconfig",
        &kubeconfig.to_string_lossy(),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let started = Instant::now();
    let mut cluster = Devcluster::start(BINARY, &args, &work.0.join("stderr.log"));
    eprintln!(
        "devcluster + registry ready: {} ms",
        started.elapsed().as_millis()
    );
    let host = cluster.registry.clone().expect("the registry line");
    assert!(host.starts_with("127.0.0.1:"), "{host}");
    assert!(cluster.base.starts_with("https://127.0.0.1:"));
    let agent = agent(Some(&ca_from_kubeconfig(&kubeconfig)));

    // The notification route only takes the registry's own requests.
    let notifications = format!("{}/registry/notifications", cluster.base);
    let forged = agent
        .post(&notifications)
        .header(
            "Content-Type",
            "application/vnd.docker.distribution.events.v1+json",
        )
        .send(json!({"events": []}).to_string().as_bytes())
        .unwrap();
    assert_eq!(forged.status(), 401);

    // 0. The registry wants a token from devcluster for every request, and pushes without the
    //    right to edit the project are refused: anonymous, a viewer, and the developer in
    //    `openshift`, where it only views. None of them creates a stream.
    let single = oci_layout(&work.0, false);
    let multi = oci_layout(&work.0, true);
    let upload = format!("http://{host}/v2/openshift/evil/blobs/uploads/");
    let anonymous = agent.post(&upload).send(&[][..]).unwrap();
    assert_eq!(anonymous.status(), 401);
    let challenge = anonymous
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        challenge.starts_with("Bearer realm=")
            && challenge.contains(&format!("{}/registry/token", cluster.base))
            && challenge.contains("scope=\"repository:openshift/evil:pull,push\""),
        "{challenge}"
    );
    let viewer_token = registry_token(
        &agent,
        &cluster.base,
        "repository:openshift/evil:pull,push",
        "viewer",
    );
    let refused = agent
        .post(&upload)
        .header("Authorization", &viewer_token)
        .send(&[][..])
        .unwrap();
    assert!(
        matches!(refused.status().as_u16(), 401 | 403),
        "a viewer's token does not allow a push: {}",
        refused.status()
    );
    let viewer_creds = "viewer:sha256~viewer-devcluster-token";
    for (destination, creds) in [
        ("openshift/evil:latest", None),
        ("demo/lighttpd:latest", None),
        ("openshift/evil:latest", Some(viewer_creds)),
        ("demo/lighttpd:latest", Some(viewer_creds)),
        ("openshift/evil:latest", Some(DEVELOPER_CREDS)),
        // A project that does not exist: refused too, as OpenShift refuses it.
        (
            "nowhere/app:latest",
            Some("admin:sha256~admin-devcluster-token"),
        ),
    ] {
        let extra: Vec<&str> = creds.map(|c| vec!["--dest-creds", c]).unwrap_or_default();
        let refused = skopeo_try(&work.0, &single, &format!("{host}/{destination}"), &extra);
        let message = refused.expect_err(&format!(
            "the push to {destination} as {creds:?} is refused"
        ));
        eprintln!("refused: {destination} as {creds:?}: {}", message.trim());
        // OpenShift's registry words a refused push the same way.
        assert!(
            message.contains("denied: requested access to the resource is denied"),
            "{destination} as {creds:?}: {message}"
        );
    }
    for path in [
        "openshift/imagestreams/evil",
        "demo/imagestreams/lighttpd",
        "nowhere/imagestreams/app",
    ] {
        let (status, _) = get(
            &agent,
            &format!(
                "{}/apis/image.openshift.io/v1/namespaces/{path}",
                cluster.base
            ),
            "admin",
        );
        assert_eq!(status, 404, "{path}: nothing was created");
    }

    // 1. A first push, with the developer's token, creates the stream.
    let creds = ["--dest-creds", DEVELOPER_CREDS];
    let pushing = Instant::now();
    skopeo_copy(
        &work.0,
        &single,
        &format!("{host}/demo/lighttpd:latest"),
        &creds,
    );
    let pushed = Instant::now();
    let pull = registry_token(
        &agent,
        &cluster.base,
        "repository:demo/lighttpd:pull",
        "developer",
    );
    // Anonymous pulls are refused too: OpenShift grants system:anonymous nothing.
    let anonymous_pull = agent
        .get(&format!("http://{host}/v2/demo/lighttpd/manifests/latest"))
        .call()
        .unwrap();
    assert_eq!(anonymous_pull.status(), 401);
    let digest = registry_digest_with(
        &host,
        "demo/lighttpd",
        "latest",
        MEDIA_TYPE_OCI_MANIFEST,
        Some(&pull),
    );
    let (stream, latency) = wait_for_tag(&agent, &cluster.base, &digest);
    eprintln!(
        "skopeo push: {} ms; push done -> stream visible: {} ms",
        (pushed - pushing).as_millis(),
        latency.as_millis()
    );
    assert_eq!(
        stream["status"]["dockerImageRepository"],
        format!("{host}/demo/lighttpd")
    );
    assert_eq!(
        stream["status"]["tags"][0]["items"][0]["dockerImageReference"],
        format!("{host}/demo/lighttpd@{digest}")
    );
    let (status, image) = get(
        &agent,
        &format!(
            "{}/apis/image.openshift.io/v1/images/{digest}",
            cluster.base
        ),
        "admin",
    );
    assert_eq!(status, 200, "{image}");
    assert_eq!(
        image["metadata"]["annotations"]["openshift.io/image.managed"],
        "true"
    );

    // 2. A multi-arch push to the same tag updates it; the index is kept whole.
    skopeo_copy(
        &work.0,
        &multi,
        &format!("{host}/demo/lighttpd:latest"),
        &["--multi-arch", "all", "--dest-creds", DEVELOPER_CREDS],
    );
    let index = registry_digest_with(
        &host,
        "demo/lighttpd",
        "latest",
        MEDIA_TYPE_OCI_INDEX,
        Some(&pull),
    );
    let (stream, latency) = wait_for_tag(&agent, &cluster.base, &index);
    eprintln!(
        "multi-arch push done -> stream updated: {} ms",
        latency.as_millis()
    );
    for line in cluster.lines.try_iter() {
        eprintln!("devcluster said: {line}");
    }
    let items = stream["status"]["tags"][0]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the first image stays in the history");
    assert_eq!(items[1]["image"], digest.as_str());

    // 3. However devcluster ends, the registry ends with it.
    assert!(registry_answers(&host));
    let pid = cluster.pid();
    assert!(cluster.stop("KILL"), "devcluster {pid} did not die");
    let deadline = Instant::now() + Duration::from_secs(10);
    while registry_answers(&host) {
        assert!(
            Instant::now() < deadline,
            "the registry outlived devcluster"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn state_survives_restarts() {
    let work = TempDir::new("state");
    let state = work.0.join("state.json");
    let args: Vec<String> = [
        "--listen",
        "127.0.0.1:0",
        "--dist",
        &work.0.join("no-console").to_string_lossy(),
        "--state",
        &state.to_string_lossy(),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let agent = agent(None);
    let stream = |name: &str| json!({"kind": "ImageStream", "apiVersion": "image.openshift.io/v1", "metadata": {"name": name}, "spec": {"tags": [{"name": "1.0", "from": {"kind": "DockerImage", "name": "quay.io/example/web:1.0"}, "reference": true}]}});

    // First run: the file does not exist, the demo is seeded; an answered write is on disk
    // already, so a kill -9 right after it keeps it.
    let mut first = Devcluster::start(BINARY, &args, &work.0.join("stderr-1.log"));
    let (status, created) = post(
        &agent,
        &format!("{}{STREAMS}", first.base),
        "developer",
        &stream("web"),
    );
    assert_eq!(status, 201, "{created}");
    let version = created["metadata"]["resourceVersion"].clone();
    assert!(first.stop("KILL"));

    // Second run: the stream is back with its version; a write right before SIGTERM is kept by
    // the save at shutdown.
    let mut second = Devcluster::start(BINARY, &args, &work.0.join("stderr-2.log"));
    let (status, web) = get(
        &agent,
        &format!("{}{STREAMS}/web", second.base),
        "developer",
    );
    assert_eq!(status, 200, "{web}");
    assert_eq!(web["metadata"]["resourceVersion"], version);
    assert_eq!(
        web["metadata"]["uid"], created["metadata"]["uid"],
        "the same object, not a new one"
    );
    let (status, _) = get(
        &agent,
        &format!(
            "{}/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/httpd",
            second.base
        ),
        "developer",
    );
    assert_eq!(status, 200, "the seeded streams are in the file too");
    for name in ["api", "worker"] {
        let (status, body) = post(
            &agent,
            &format!("{}{STREAMS}", second.base),
            "developer",
            &stream(name),
        );
        assert_eq!(status, 201, "{body}");
    }
    assert!(second.stop("TERM"), "devcluster stops on SIGTERM");

    // Third run: everything is there.
    let third = Devcluster::start(BINARY, &args, &work.0.join("stderr-3.log"));
    let (status, list) = get(&agent, &format!("{}{STREAMS}", third.base), "developer");
    assert_eq!(status, 200);
    let mut names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["metadata"]["name"].as_str())
        .collect();
    names.sort();
    assert_eq!(names, ["api", "web", "worker"]);
    drop(third);

    // A file that is not a state stops devcluster with a clear message instead of being
    // overwritten.
    std::fs::write(&state, "{\"kind\": \"Something\"}").unwrap();
    let output = std::process::Command::new(BINARY)
        .args(&args)
        .output()
        .expect("devcluster runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("cannot be loaded") && stderr.contains("not a devcluster state file"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(&state).unwrap(),
        "{\"kind\": \"Something\"}"
    );
}
