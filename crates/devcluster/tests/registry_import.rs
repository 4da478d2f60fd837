//! Image import against real registries on 127.0.0.1 only.
//!
//! * `real_registry_import`: Debian's `docker-registry` (distribution 2.8) started with its own
//!   config in a temp dir, images built offline as OCI layouts and pushed with `skopeo`, then
//!   resolved through `RegistryClient` and compared with what the registry itself says.
//! * `token_and_basic_auth`: a tiny HTTP server in this file plays a registry with a Bearer
//!   token server and one with Basic auth, to check the credential flows and their messages.
//! * `redirects_and_token_realms_never_leave_loopback`: a loopback registry that redirects a
//!   request, or names a token realm, on another host gets the import a Forbidden "registry …
//!   blocked", and nothing is sent there (the hosts are `.invalid`, which never resolve).
//!
//! When `docker-registry` or `skopeo` is missing the first test is skipped with a message, or
//! fails when `CI=true`.
#![cfg(feature = "server")]

mod common;

use common::{
    free_port, oci_layout, plain_agent, registry_digest, skopeo_copy, tools_available,
    LocalRegistry, TempDir,
};
use imagestream_devcluster::registry::{
    sha256_digest, AllowedRegistries, ImageSource, ImportFailure, RegistryAllowList,
    ResolveRequest, MEDIA_TYPE_DOCKER_MANIFEST, MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_MANIFEST,
};
use imagestream_devcluster::registry_http::{Credentials, RegistryClient};
use imagestream_model::reference;
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn request(spec: &str, insecure: bool) -> ResolveRequest {
    ResolveRequest {
        insecure,
        ..ResolveRequest::new(reference::parse(spec).unwrap())
    }
}

fn timed<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    eprintln!("{label}: {:.1} ms", start.elapsed().as_secs_f64() * 1000.0);
    out
}

#[test]
fn real_registry_import() {
    if !tools_available() {
        return;
    }
    let registry = timed("start docker-registry", LocalRegistry::start);
    let host = registry.host();
    let work = TempDir::new("images");
    let single = oci_layout(&work.0, false);
    let multi = oci_layout(&work.0, true);
    timed("skopeo push (3 images)", || {
        skopeo_copy(&work.0, &single, &format!("{host}/demo/app:latest"), &[]);
        skopeo_copy(
            &work.0,
            &single,
            &format!("{host}/demo/app:v2s2"),
            &["--format", "v2s2"],
        );
        skopeo_copy(
            &work.0,
            &multi,
            &format!("{host}/demo/multi:latest"),
            &["--multi-arch", "all"],
        );
    });
    let client = RegistryClient::new().without_proxy();

    // 1. An OCI image by tag.
    let expected = registry_digest(&host, "demo/app", "latest", MEDIA_TYPE_OCI_MANIFEST);
    let spec = format!("{host}/demo/app:latest");
    let resolved = timed("resolve OCI image", || {
        client.resolve(&request(&spec, true))
    })
    .unwrap();
    timed("resolve OCI image again", || {
        client.resolve(&request(&spec, true))
    })
    .unwrap();
    assert_eq!(resolved.digest, expected);
    let image = &resolved.image;
    assert_eq!(image.metadata.name(), expected);
    assert_eq!(
        image.docker_image_reference.as_deref(),
        Some(format!("{host}/demo/app@{expected}").as_str())
    );
    assert_eq!(
        image.docker_image_manifest_media_type.as_deref(),
        Some(MEDIA_TYPE_OCI_MANIFEST)
    );
    assert_eq!(image.exposed_ports(), [(8080, "TCP".to_string())]);
    let meta = image.docker_image_metadata.as_ref().unwrap();
    assert_eq!(meta.architecture.as_deref(), Some("amd64"));
    assert_eq!(meta.created.as_deref(), Some("2024-01-02T03:04:05Z"));
    let config = meta.config.as_ref().unwrap();
    assert_eq!(
        config.env.as_deref(),
        Some(&["PATH=/usr/bin".to_string(), "GREETING=hello".to_string()][..])
    );
    assert_eq!(config.extra["Cmd"], json!(["/hello"]));
    assert_eq!(config.extra["WorkingDir"], "/srv");
    assert!(config.extra.get("StopSignal").is_none());
    let layers = image.docker_image_layers.as_ref().unwrap();
    assert_eq!(layers.len(), 1);
    let config_len = resolved.raw_config.as_ref().unwrap().len() as i64;
    assert_eq!(meta.size, Some(layers[0].size + config_len));
    assert_eq!(sha256_digest(resolved.raw_manifest.as_bytes()), expected);

    // The same image by digest.
    let by_digest = client
        .resolve(&request(&format!("{host}/demo/app@{expected}"), true))
        .unwrap();
    assert_eq!(by_digest.image, resolved.image);

    // 2. Unknown tag and unknown repository: NotFound with the normalized reference.
    assert_eq!(
        client
            .resolve(&request(&format!("{host}/demo/app:nope"), true))
            .unwrap_err(),
        ImportFailure::not_found(&format!("{host}/demo/app:nope"))
    );
    // docker-registry answers MANIFEST_UNKNOWN for a manifest of an unknown repository.
    assert_eq!(
        client
            .resolve(&request(&format!("{host}/demo/nothing"), true))
            .unwrap_err(),
        ImportFailure::not_found(&format!("{host}/demo/nothing:latest"))
    );

    // 3. Not insecure against this HTTP-only registry.
    let failure = timed("resolve without insecure", || {
        client.resolve(&request(&spec, false))
    })
    .unwrap_err();
    assert_eq!(
        (failure.reason(), failure.code(), failure.message()),
        (
            "BadRequest",
            400,
            "the repository demo/app is HTTP only and requires the insecure flag to import"
        )
    );

    // 4. A Docker schema 2 manifest.
    let expected_v2 = registry_digest(&host, "demo/app", "v2s2", MEDIA_TYPE_DOCKER_MANIFEST);
    let v2 = client
        .resolve(&request(&format!("{host}/demo/app:v2s2"), true))
        .unwrap();
    assert_eq!(v2.digest, expected_v2);
    assert_ne!(v2.digest, expected);
    assert_eq!(
        v2.image.docker_image_manifest_media_type.as_deref(),
        Some(MEDIA_TYPE_DOCKER_MANIFEST)
    );
    assert_eq!(v2.image.exposed_ports(), [(8080, "TCP".to_string())]);

    // 5. A multi-arch index: Legacy picks linux/amd64, prefer-arch picks arm64,
    //    PreserveOriginal keeps the index.
    let index_digest = registry_digest(&host, "demo/multi", "latest", MEDIA_TYPE_OCI_INDEX);
    let multi_spec = format!("{host}/demo/multi:latest");
    let legacy = timed("resolve index (Legacy)", || {
        client.resolve(&request(&multi_spec, true))
    })
    .unwrap();
    let index: Value = serde_json::from_slice(
        &plain_agent()
            .get(&format!(
                "http://{host}/v2/demo/multi/manifests/{index_digest}"
            ))
            .header("Accept", MEDIA_TYPE_OCI_INDEX)
            .call()
            .unwrap()
            .body_mut()
            .read_to_vec()
            .unwrap(),
    )
    .unwrap();
    let digest_for = |arch: &str| {
        index["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["platform"]["architecture"] == arch)
            .unwrap()["digest"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(legacy.digest, digest_for("amd64"));
    assert_eq!(
        legacy
            .image
            .docker_image_metadata
            .as_ref()
            .unwrap()
            .architecture
            .as_deref(),
        Some("amd64")
    );
    let arm = client
        .resolve(&ResolveRequest {
            prefer_arch: Some("arm64".into()),
            ..request(&multi_spec, true)
        })
        .unwrap();
    assert_eq!(arm.digest, digest_for("arm64"));
    let kept = timed("resolve index (PreserveOriginal)", || {
        client.resolve(&ResolveRequest {
            preserve_original: true,
            ..request(&multi_spec, true)
        })
    })
    .unwrap();
    assert_eq!(kept.digest, index_digest);
    assert_eq!(
        kept.image.docker_image_manifest_media_type.as_deref(),
        Some(MEDIA_TYPE_OCI_INDEX)
    );
    let entries = kept.image.docker_image_manifests.as_ref().unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|m| (m.architecture.as_deref().unwrap(), m.digest.clone()))
            .collect::<Vec<_>>(),
        [
            ("arm64", digest_for("arm64")),
            ("amd64", digest_for("amd64"))
        ]
    );
    assert_eq!(kept.manifests.len(), 2);
    assert_eq!(kept.manifests[1], legacy.image);

    // 6. Tags of a repository.
    let repo = reference::parse(&format!("{host}/demo/app")).unwrap();
    assert_eq!(client.list_tags(&repo, true).unwrap(), ["latest", "v2s2"]);
    let missing = reference::parse(&format!("{host}/demo/nothing")).unwrap();
    assert_eq!(
        client.list_tags(&missing, true).unwrap_err(),
        ImportFailure::not_found(&format!("{host}/demo/nothing"))
    );
    assert_eq!(
        client.list_tags(&repo, false).unwrap_err(),
        ImportFailure::http_only_needs_insecure("demo/app")
    );

    // 7. Nothing listening: an InternalError naming the reference.
    let closed = format!("127.0.0.1:{}", free_port());
    let failure = client
        .resolve(&request(&format!("{closed}/demo/app:1"), true))
        .unwrap_err();
    assert_eq!(failure.reason(), "InternalError");
    assert!(
        failure.message().starts_with(&format!(
            "Internal error occurred: {closed}/demo/app:1: Get \"http://{closed}/v2/\": "
        )),
        "{}",
        failure.message()
    );
}

// ------------------------------------------------------------------------------------------
// A fake registry for the credential flows.

#[derive(Clone, Copy, PartialEq)]
enum Auth {
    /// `/v2/` asks for a Bearer token from `/token`.
    Token,
    /// `/v2/` asks for Basic credentials.
    Basic,
    /// Not a registry: every answer is a plain 400 without the registry's version header.
    NotRegistry,
}

struct FakeRegistry {
    port: u16,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for FakeRegistry {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

const USER_PASS_B64: &str = "dXNlcjpwYXNz"; // user:pass

/// A Docker schema 2 image without layers: (config, its digest, manifest).
fn tiny_image(config: &[u8]) -> (Vec<u8>, String, Vec<u8>) {
    let config_digest = sha256_digest(config);
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_TYPE_DOCKER_MANIFEST,
        "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": config_digest, "size": config.len()},
        "layers": []
    }))
    .unwrap();
    (config.to_vec(), config_digest, manifest)
}

fn fake_registry(auth: Auth) -> FakeRegistry {
    let (config, config_digest, manifest) = tiny_image(
        br#"{"architecture":"amd64","os":"linux","config":{"ExposedPorts":{"9000/tcp":{}}}}"#,
    );
    scripted_server(move |target, authorization, port| {
        let unauthorized =
            r#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#;
        let allowed = match auth {
            Auth::Token => authorization == "Bearer good-token",
            Auth::Basic | Auth::NotRegistry => authorization == format!("Basic {USER_PASS_B64}"),
        };
        if auth == Auth::NotRegistry {
            return (
                "400 Bad Request".into(),
                String::new(),
                b"400 Bad Request".to_vec(),
            );
        }
        let (status, headers, body): (&str, String, Vec<u8>) = if target.is_empty() {
            (
                "400 Bad Request",
                String::new(),
                b"Client sent an HTTP request to an HTTPS server.".to_vec(),
            )
        } else if target == "/v2/" {
            let challenge = match auth {
                Auth::Token => format!(
                    "WWW-Authenticate: Bearer realm=\"http://127.0.0.1:{port}/token\",service=\"fake\"\r\n"
                ),
                Auth::Basic | Auth::NotRegistry => {
                    "WWW-Authenticate: Basic realm=\"fake\"\r\n".to_string()
                }
            };
            (
                "401 Unauthorized",
                challenge,
                unauthorized.as_bytes().to_vec(),
            )
        } else if let Some(query) = target.strip_prefix("/token?") {
            assert_eq!(query, "service=fake&scope=repository%3Ademo%2Fapp%3Apull");
            if authorization.is_empty() {
                (
                    "200 OK",
                    String::new(),
                    br#"{"token":"anonymous-token"}"#.to_vec(),
                )
            } else if authorization == format!("Basic {USER_PASS_B64}") {
                (
                    "200 OK",
                    String::new(),
                    br#"{"access_token":"good-token"}"#.to_vec(),
                )
            } else {
                (
                    "401 Unauthorized",
                    String::new(),
                    br#"{"details":"incorrect username or password"}"#.to_vec(),
                )
            }
        } else if !allowed {
            (
                "401 Unauthorized",
                String::new(),
                unauthorized.as_bytes().to_vec(),
            )
        } else if target == "/v2/demo/app/manifests/latest" {
            (
                "200 OK",
                format!(
                    "Content-Type: {MEDIA_TYPE_DOCKER_MANIFEST}\r\nDocker-Content-Digest: {}\r\n",
                    sha256_digest(&manifest)
                ),
                manifest.clone(),
            )
        } else if target == format!("/v2/demo/app/blobs/{config_digest}") {
            ("200 OK", String::new(), config.clone())
        } else {
            (
                "404 Not Found",
                String::new(),
                br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}"#
                    .to_vec(),
            )
        };
        (
            status.to_string(),
            format!("{REGISTRY_HEADER}{headers}"),
            body,
        )
    })
}

#[test]
fn token_and_basic_auth() {
    let basic = |user: &str, password: &str| Credentials::Basic {
        username: user.into(),
        password: password.into(),
    };

    // Bearer token flow.
    let fake = fake_registry(Auth::Token);
    let host = format!("127.0.0.1:{}", fake.port);
    let spec = format!("{host}/demo/app");
    let shown = format!("{host}/demo/app:latest");
    let good = RegistryClient::new()
        .without_proxy()
        .with_credentials(&host, basic("user", "pass"));
    let resolved = good.resolve(&request(&spec, true)).unwrap();
    assert_eq!(resolved.image.exposed_ports(), [(9000, "TCP".to_string())]);
    assert!(fake
        .requests
        .lock()
        .unwrap()
        .contains(&"/v2/demo/app/manifests/latest [Bearer good-token]".to_string()));

    // Wrong password: the token server says so, the anonymous retry gets a token that the
    // registry refuses, so the final word is Unauthorized (§3.2 step 3).
    let wrong = RegistryClient::new()
        .without_proxy()
        .with_credentials(&host, basic("user", "wrong"));
    assert_eq!(
        wrong.resolve(&request(&spec, true)).unwrap_err(),
        ImportFailure::unauthorized(&shown)
    );
    assert!(fake
        .requests
        .lock()
        .unwrap()
        .contains(&"/v2/demo/app/manifests/latest [Bearer anonymous-token]".to_string()));
    let anonymous = RegistryClient::new().without_proxy();
    assert_eq!(
        anonymous.resolve(&request(&spec, true)).unwrap_err(),
        ImportFailure::unauthorized(&shown)
    );
    // A registry token given directly.
    let bearer = RegistryClient::new()
        .without_proxy()
        .with_credentials(&host, Credentials::Bearer("good-token".into()));
    assert!(bearer.resolve(&request(&spec, true)).is_ok());
    drop(fake);

    // Basic auth.
    let fake = fake_registry(Auth::Basic);
    let host = format!("127.0.0.1:{}", fake.port);
    let spec = format!("{host}/demo/app");
    let shown = format!("{host}/demo/app:latest");
    assert_eq!(
        RegistryClient::new()
            .without_proxy()
            .resolve(&request(&spec, true))
            .unwrap_err(),
        ImportFailure::unauthorized_no_credentials(&shown)
    );
    let resolved = RegistryClient::new()
        .without_proxy()
        .with_credentials(&host, basic("user", "pass"))
        .resolve(&request(&spec, true))
        .unwrap();
    assert_eq!(resolved.image.exposed_ports(), [(9000, "TCP".to_string())]);
    assert_eq!(
        RegistryClient::new()
            .without_proxy()
            .with_credentials(&host, basic("user", "nope"))
            .resolve(&request(&spec, true))
            .unwrap_err(),
        ImportFailure::unauthorized(&shown)
    );
    // HTTPS to this plain server without insecure is the HTTP-only BadRequest.
    assert_eq!(
        RegistryClient::new()
            .without_proxy()
            .resolve(&request(&spec, false))
            .unwrap_err(),
        ImportFailure::http_only_needs_insecure("demo/app")
    );

    drop(fake);

    // Something that is not a registry: no HTTP-only diagnosis, and no v2 API.
    let fake = fake_registry(Auth::NotRegistry);
    let host = format!("127.0.0.1:{}", fake.port);
    let spec = format!("{host}/demo/app");
    let client = RegistryClient::new().without_proxy();
    let failure = client.resolve(&request(&spec, false)).unwrap_err();
    assert!(
        failure.message().starts_with(&format!(
            "Internal error occurred: {host}/demo/app:latest: Get \"https://{host}/v2/\": "
        )),
        "{}",
        failure.message()
    );
    assert_eq!(
        client.resolve(&request(&spec, true)).unwrap_err(),
        ImportFailure::internal_error(
            &format!("{host}/demo/app:latest"),
            &format!("endpoint \"http://{host}\" does not support v2 API")
        )
    );
    assert_eq!(
        client
            .list_tags(&reference::parse(&spec).unwrap(), true)
            .unwrap_err(),
        ImportFailure::not_v2_registry(&host)
    );
}

/// Sends one API request to the in-process cluster as `user`, running an import job (if the
/// request started one) against `source`.
fn api(
    cluster: &mut imagestream_devcluster::Cluster,
    source: &dyn ImageSource,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let now = 1_790_000_000_000;
    let token = imagestream_devcluster::seed::DEMO_USERS[0].token;
    let response = cluster.handle(&imagestream_devcluster::ApiRequest {
        method: method.into(),
        path: path.into(),
        body: body
            .map(|b| serde_json::to_vec(&b).unwrap())
            .unwrap_or_default(),
        content_type: "application/json".into(),
        authorization: Some(format!("Bearer {token}")),
        now_millis: now,
        ..Default::default()
    });
    let response = match response.import {
        Some(job) => cluster.run_import(&job, source, now),
        None => response,
    };
    (response.status, response.json_body())
}

/// Runs the import controller until it has nothing left to import.
fn run_controllers(cluster: &mut imagestream_devcluster::Cluster, source: &dyn ImageSource) {
    for _ in 0..5 {
        let jobs = cluster.take_import_jobs(1_790_000_000_000, None);
        if jobs.is_empty() {
            return;
        }
        for job in jobs {
            cluster.run_import(&job, source, 1_790_000_000_000);
        }
    }
}

#[test]
fn imports_and_new_app_through_the_api_follow_the_registry_digest() {
    if !tools_available() {
        return;
    }
    let registry = LocalRegistry::start();
    let host = registry.host();
    let work = TempDir::new("api-images");
    let single = oci_layout(&work.0, false);
    skopeo_copy(&work.0, &single, &format!("{host}/demo/app:latest"), &[]);
    let digest = registry_digest(&host, "demo/app", "latest", MEDIA_TYPE_OCI_MANIFEST);
    let client = RegistryClient::new().without_proxy();
    let mut cluster = imagestream_devcluster::seed::demo_cluster(1_790_000_000_000);
    const IMPORTS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreamimports";
    const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";

    // oc import-image app --from=<registry>/demo/app:latest --confirm --insecure
    let import = json!({"kind": "ImageStreamImport", "apiVersion": "image.openshift.io/v1",
        "metadata": {"name": "app", "namespace": "demo"},
        "spec": {"import": true, "images": [
            {"from": {"kind": "DockerImage", "name": format!("{host}/demo/app:latest")}, "to": {"name": "latest"}, "importPolicy": {"insecure": true}, "referencePolicy": {"type": "Source"}},
            {"from": {"kind": "DockerImage", "name": format!("{host}/demo/app:nope")}, "to": {"name": "nope"}, "importPolicy": {"insecure": true}},
            {"from": {"kind": "DockerImage", "name": format!("{host}/demo/missing:latest")}, "to": {"name": "missing"}, "importPolicy": {"insecure": true}}
        ]}, "status": {}});
    let (status, body) = api(&mut cluster, &client, "POST", IMPORTS, Some(import));
    assert_eq!(status, 201, "{body}");
    let images = body["status"]["images"].as_array().unwrap();
    assert_eq!(images[0]["status"]["status"], "Success");
    assert_eq!(images[0]["image"]["metadata"]["name"], digest.as_str());
    assert_eq!(
        images[0]["image"]["dockerImageReference"],
        format!("{host}/demo/app@{digest}")
    );
    for (index, name) in [(1, "demo/app:nope"), (2, "demo/missing:latest")] {
        assert_eq!(
            images[index]["status"]["reason"], "NotFound",
            "{}",
            images[index]
        );
        assert_eq!(
            images[index]["status"]["message"],
            format!("dockerimage.image.openshift.io \"{host}/{name}\" not found")
        );
    }
    let (_, stream) = api(
        &mut cluster,
        &client,
        "GET",
        &format!("{STREAMS}/app"),
        None,
    );
    let tags = stream["status"]["tags"].as_array().unwrap();
    let latest = tags.iter().find(|t| t["tag"] == "latest").unwrap();
    assert_eq!(latest["items"][0]["image"], digest.as_str());
    let nope = tags.iter().find(|t| t["tag"] == "nope").unwrap();
    assert_eq!(nope["conditions"][0]["reason"], "NotFound");
    assert_eq!(nope["conditions"][0]["status"], "False");
    assert!(
        stream["metadata"]["annotations"]["openshift.io/image.dockerRepositoryCheck"].is_string()
    );

    // The tag as an ImageStreamTag and the image as an ImageStreamImage.
    let (status, istag) = api(
        &mut cluster,
        &client,
        "GET",
        "/apis/image.openshift.io/v1/namespaces/demo/imagestreamtags/app:latest",
        None,
    );
    assert_eq!(status, 200, "{istag}");
    assert_eq!(
        istag["image"]["dockerImageMetadata"]["Config"]["ExposedPorts"],
        json!({"8080/tcp": {}})
    );
    let short = &digest["sha256:".len().."sha256:".len() + 12];
    let (status, isimage) = api(
        &mut cluster,
        &client,
        "GET",
        &format!("/apis/image.openshift.io/v1/namespaces/demo/imagestreamimages/app@{short}"),
        None,
    );
    assert_eq!(
        (status, isimage["image"]["metadata"]["name"].as_str()),
        (200, Some(digest.as_str()))
    );
    let (status, missing) = api(
        &mut cluster,
        &client,
        "GET",
        "/apis/image.openshift.io/v1/namespaces/demo/imagestreamtags/app:nope",
        None,
    );
    assert_eq!(
        (status, missing["message"].as_str()),
        (
            404,
            Some("imagestreamtags.image.openshift.io \"app:nope\" not found")
        )
    );

    // oc new-app <registry>/demo/app:latest: the objects the model plans, created through the API.
    let image: imagestream_model::Image = serde_json::from_value(istag["image"].clone()).unwrap();
    let plan = imagestream_model::plan::plan_new_app(
        &imagestream_model::plan::NewAppOptions {
            image: format!("{host}/demo/app:latest"),
            name: Some("web".into()),
            insecure: true,
            replicas: 1,
            ..Default::default()
        },
        &image,
    )
    .unwrap();
    let (status, _) = api(
        &mut cluster,
        &client,
        "POST",
        STREAMS,
        Some(serde_json::to_value(plan.image_stream.unwrap()).unwrap()),
    );
    assert_eq!(status, 201);
    let (status, created) = api(
        &mut cluster,
        &client,
        "POST",
        "/apis/apps/v1/namespaces/demo/deployments",
        Some(serde_json::to_value(&plan.deployment).unwrap()),
    );
    assert_eq!(status, 201, "{created}");
    assert_eq!(
        created["spec"]["template"]["spec"]["containers"][0]["image"], " ",
        "the trigger has not fired yet"
    );
    let (status, _) = api(
        &mut cluster,
        &client,
        "POST",
        "/api/v1/namespaces/demo/services",
        Some(serde_json::to_value(plan.service.unwrap()).unwrap()),
    );
    assert_eq!(status, 201);
    run_controllers(&mut cluster, &client);
    let (_, deployment) = api(
        &mut cluster,
        &client,
        "GET",
        "/apis/apps/v1/namespaces/demo/deployments/web",
        None,
    );
    assert_eq!(
        deployment["spec"]["template"]["spec"]["containers"][0]["image"],
        format!("{host}/demo/app@{digest}"),
        "the trigger controller wrote the resolved digest"
    );
    assert_eq!(deployment["status"]["readyReplicas"], 1);
    let (_, replica_sets) = api(
        &mut cluster,
        &client,
        "GET",
        "/apis/apps/v1/namespaces/demo/replicasets",
        None,
    );
    let running: Vec<_> = replica_sets["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|rs| rs["spec"]["replicas"] == 1)
        .collect();
    assert_eq!(running.len(), 1);
    assert_eq!(
        running[0]["spec"]["template"]["spec"]["containers"][0]["image"],
        format!("{host}/demo/app@{digest}")
    );

    // A push to the integrated registry under <project>/<name> creates the stream.
    let resolved = client
        .resolve(&request(&format!("{host}/demo/app:latest"), true))
        .unwrap();
    let pushed = cluster
        .image_pushed("demo", "lighttpd", "latest", &resolved, 1_790_000_000_000)
        .unwrap();
    assert_eq!(
        pushed["status"]["tags"][0]["items"][0]["image"],
        digest.as_str()
    );
    let (_, images) = api(
        &mut cluster,
        &client,
        "GET",
        "/apis/image.openshift.io/v1/namespaces/demo/imagestreams/lighttpd",
        None,
    );
    assert!(
        images["status"]["tags"][0]["items"][0]["dockerImageReference"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/demo/lighttpd@{digest}"))
    );
}

/// The header every registry answer carries.
const REGISTRY_HEADER: &str = "Docker-Distribution-API-Version: registry/2.0\r\n";

/// A loopback HTTP server answering each `GET target` (with its `Authorization` value) with
/// `answer(target, authorization, port)`: status line, header lines, body. Requests are logged
/// as `target [authorization]`; it stops when dropped.
fn scripted_server(
    answer: impl Fn(&str, &str, u16) -> (String, String, Vec<u8>) + Send + 'static,
) -> FakeRegistry {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let requests = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (log, halt) = (requests.clone(), stop.clone());
    let thread = std::thread::spawn(move || {
        for stream in listener.incoming() {
            if halt.load(Ordering::SeqCst) {
                return;
            }
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buffer = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                }
                // A TLS ClientHello: answer in plain HTTP, as docker-registry does.
                if buffer.first() == Some(&0x16) {
                    break;
                }
            }
            let text = String::from_utf8_lossy(&buffer).to_string();
            let mut lines = text.split("\r\n");
            let target = lines
                .next()
                .and_then(|l| l.split(' ').nth(1))
                .filter(|t| t.starts_with('/'))
                .unwrap_or("")
                .to_string();
            let authorization = lines
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                        .map(|(_, v)| v.trim().to_string())
                })
                .unwrap_or_default();
            if !target.is_empty() {
                log.lock()
                    .unwrap()
                    .push(format!("{target} [{authorization}]"));
            }
            let (status, headers, body) = answer(&target, &authorization, port);
            let head = format!(
                "HTTP/1.1 {status}\r\n{headers}Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    FakeRegistry {
        port,
        requests,
        stop,
        thread: Some(thread),
    }
}

#[test]
fn redirects_and_token_realms_never_leave_loopback() {
    let (config, config_digest, manifest) =
        tiny_image(br#"{"architecture":"amd64","os":"linux","config":{}}"#);
    let digest = sha256_digest(&manifest);
    let blob_path = format!("/v2/demo/app/blobs/{config_digest}");
    let served_digest = digest.clone();
    let registry = scripted_server(move |target, _, port| {
        let ok = |headers: String, body: Vec<u8>| {
            (
                "200 OK".to_string(),
                format!("{REGISTRY_HEADER}{headers}"),
                body,
            )
        };
        let found = |location: String| {
            (
                "302 Found".to_string(),
                format!("{REGISTRY_HEADER}Location: {location}\r\n"),
                Vec::new(),
            )
        };
        match target {
            "/v2/" => ok(String::new(), b"{}".to_vec()),
            "/v2/demo/app/manifests/latest" | "/v2/demo/evil/manifests/latest" => ok(
                format!("Content-Type: {MEDIA_TYPE_DOCKER_MANIFEST}\r\nDocker-Content-Digest: {served_digest}\r\n"),
                manifest.clone(),
            ),
            // A redirect on loopback (another host name, the same server) is followed.
            t if t == blob_path => found(format!("http://localhost:{port}/storage/config")),
            "/storage/config" => ok(String::new(), config.clone()),
            // One off this machine is not.
            t if t.starts_with("/v2/demo/evil/blobs/") => {
                found("http://registry.invalid:5000/storage/config".into())
            }
            "/v2/demo/relative/manifests/latest" => found("//registry.invalid/x".into()),
            _ => ("404 Not Found".into(), String::new(), b"{}".to_vec()),
        }
    });
    let token_elsewhere = scripted_server(|target, _, _| {
        match target {
        "/v2/" => (
            "401 Unauthorized".into(),
            format!("{REGISTRY_HEADER}WWW-Authenticate: Bearer realm=\"http://auth.invalid/token\",service=\"x\"\r\n"),
            br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#.to_vec(),
        ),
        _ => ("404 Not Found".into(), String::new(), b"{}".to_vec()),
    }
    });
    // What devcluster's server builds: the pull spec, every hop and every realm held to the
    // allow list (loopback only here).
    let client = RegistryClient::new()
        .without_proxy()
        .reaching_only(RegistryAllowList::default())
        .with_credentials(
            &format!("127.0.0.1:{}", token_elsewhere.port),
            Credentials::Basic {
                username: "user".into(),
                password: "secret".into(),
            },
        );
    let importer = AllowedRegistries::new(client, Vec::new());
    let host = format!("127.0.0.1:{}", registry.port);

    let resolved = importer
        .resolve(&request(&format!("{host}/demo/app:latest"), true))
        .expect("a redirect to loopback is followed");
    assert_eq!(resolved.digest, digest);

    let failure = importer
        .resolve(&request(&format!("{host}/demo/evil:latest"), true))
        .unwrap_err();
    assert_eq!(failure, ImportFailure::blocked("registry.invalid:5000"));
    assert_eq!(
        failure.message(),
        "forbidden: registry registry.invalid:5000 blocked"
    );
    let failure = importer
        .resolve(&request(&format!("{host}/demo/relative:latest"), true))
        .unwrap_err();
    assert_eq!(failure, ImportFailure::blocked("registry.invalid"));

    let failure = importer
        .resolve(&request(
            &format!("127.0.0.1:{}/demo/app:latest", token_elsewhere.port),
            true,
        ))
        .unwrap_err();
    assert_eq!(failure, ImportFailure::blocked("auth.invalid"));
    assert_eq!(
        token_elsewhere.requests.lock().unwrap().as_slice(),
        ["/v2/ []"],
        "nothing but the ping: the credentials went nowhere"
    );
    let seen = registry.requests.lock().unwrap().clone();
    assert!(seen.contains(&"/storage/config []".to_string()), "{seen:?}");
}
