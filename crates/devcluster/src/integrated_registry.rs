//! The integrated registry (issue 4 part 5): Debian's `docker-registry` (CNCF distribution 2.8)
//! started by devcluster on 127.0.0.1, acting as the cluster's internal registry as OpenShift's
//! image registry does. A push of `<registry>/<project>/<name>:<tag>` creates or updates the
//! image stream `<project>/<name>`, and `status.dockerImageRepository` names the registry.
//!
//! How it fits together:
//!
//! * [`IntegratedRegistry::start`] writes a config into its directory (listen address
//!   `127.0.0.1:<port>`, filesystem storage under the directory, and one notification endpoint:
//!   devcluster's own `/registry/notifications` with a shared secret in the
//!   [`SECRET_HEADER`] header) and waits until `/v2/` answers.
//! * The registry POSTs an envelope of events for every push. [`parse_notifications`] keeps
//!   the pushes of a *tagged manifest* to a repository `<namespace>/<name>` (blob pushes,
//!   pushes by digest only, pulls and deeper repository paths are dropped), the server checks
//!   the secret with [`secret_matches`], resolves each push with [`resolve_push`] from a
//!   blocking thread, and records it with [`record_push`] (`Cluster::image_pushed`).
//! * A push that still reaches a namespace that no longer exists is not recorded (the server
//!   logs it): the image stays in the registry but no stream appears.
//! * Every pull and push is authorized by devcluster, as OpenShift's registry authorizes them
//!   with the user's own token: the registry runs distribution's `auth: token` pointing at
//!   devcluster's token endpoint ([`crate::registry_token`]), so `docker login -u developer -p
//!   <API token>` (or `skopeo --dest-creds developer:<API token>`) is needed, a push needs edit
//!   rights in the project and anonymous requests get nothing. A push to a project that does
//!   not exist is refused at the token step, as OpenShift refuses it.
//! * When devcluster serves https with its self-signed certificate, the registry is started
//!   with `SSL_CERT_FILE` naming that certificate, so it trusts devcluster and nothing else.
//!
//! The registry runs under a small `sh` wrapper whose stdin is a pipe from devcluster: when
//! devcluster exits, however it ends (even `kill -9`), the pipe closes and the wrapper kills
//! the registry. Dropping [`IntegratedRegistry`] closes the pipe the same way.

use crate::api::Cluster;
use crate::registry::{
    is_canonical_digest, ImageSource, ImportFailure, ResolveRequest, ResolvedImage,
    MEDIA_TYPE_DOCKER_MANIFEST_LIST, MEDIA_TYPE_OCI_INDEX,
};
use crate::store::ObjectKey;
use serde::Deserialize;
use serde_json::Value;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian's `docker-registry` package installs the registry.
pub const REGISTRY_BINARY: &str = "/usr/bin/docker-registry";
/// The devcluster route the registry sends its notifications to.
pub const NOTIFICATIONS_PATH: &str = "/registry/notifications";
/// The header that carries the shared secret on every notification.
pub const SECRET_HEADER: &str = "x-devcluster-registry-secret";
/// The content type of a notification envelope.
pub const EVENTS_MEDIA_TYPE: &str = "application/vnd.docker.distribution.events.v1+json";
/// How long [`IntegratedRegistry::start`] waits for `/v2/` to answer.
pub const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Runs the registry, and kills it when stdin (a pipe from devcluster) closes.
/// `$0` is the registry binary, `$1` its config.
const WRAPPER: &str = r#"exec 3<&0
"$0" serve "$1" </dev/null 3<&- &
registry=$!
{ cat <&3 >/dev/null; kill "$registry" 2>/dev/null; } &
exec 3<&-
wait "$registry"
"#;

/// How to start the integrated registry.
#[derive(Debug, Clone)]
pub struct RegistryOptions {
    /// The registry program ([`REGISTRY_BINARY`] normally).
    pub binary: PathBuf,
    /// Where config, log and image data go. `None`: a fresh temporary directory, removed when
    /// the registry stops; `Some`: kept (with `--state`, images survive restarts like streams).
    pub dir: Option<PathBuf>,
    /// The loopback port to listen on (see [`free_loopback_port`]).
    pub port: u16,
    /// The URL notifications are sent to: devcluster's own loopback address plus
    /// [`NOTIFICATIONS_PATH`].
    pub notify_url: String,
    /// The certificate (PEM) devcluster serves https with, for the registry to trust.
    pub trust_pem: Option<String>,
    /// Token authentication: every request needs a token from devcluster's endpoint.
    pub token_auth: Option<TokenAuth>,
}

/// distribution's `auth: token` settings for the registry.
#[derive(Debug, Clone)]
pub struct TokenAuth {
    /// The token endpoint clients are sent to (devcluster's [`crate::registry_token::TOKEN_PATH`]).
    pub realm: String,
    /// The certificate (PEM) of the key that signs the tokens: the registry's rootcertbundle.
    pub certificate_pem: String,
}

/// A running integrated registry; stopped (and its temporary directory removed) on drop.
#[derive(Debug)]
pub struct IntegratedRegistry {
    child: Child,
    stdin: Option<ChildStdin>,
    host: String,
    secret: String,
    dir: PathBuf,
    remove_dir: bool,
}

/// A loopback port that was free a moment ago. The registry's port must be known before the
/// cluster is seeded (it is part of `status.dockerImageRepository`), and the registry cannot
/// report a port it picked itself.
pub fn free_loopback_port() -> Result<u16, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|err| format!("cannot find a free loopback port for the registry: {err}"))
}

/// The port for a registry that keeps its data in `dir`: the port its last config used when
/// that is free again (so pull specs recorded in saved streams stay valid across restarts),
/// else a free one.
pub fn port_for(dir: Option<&Path>) -> Result<u16, String> {
    let previous = dir
        .and_then(|dir| std::fs::read_to_string(dir.join("config.yml")).ok())
        .and_then(|config| {
            config.lines().find_map(|line| {
                line.trim()
                    .strip_prefix("addr: 127.0.0.1:")?
                    .parse::<u16>()
                    .ok()
            })
        });
    if let Some(port) = previous.filter(|port| *port != 0) {
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return Ok(port);
        }
    }
    free_loopback_port()
}

/// A fresh random secret (hex), for the notification header.
fn new_secret() -> String {
    let mut bytes = [0u8; 16];
    let random = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut bytes));
    if random.is_err() {
        use sha2::{Digest, Sha256};
        let seed = format!(
            "{:?}/{}/{:p}",
            std::time::SystemTime::now(),
            std::process::id(),
            &bytes
        );
        bytes.copy_from_slice(&Sha256::digest(seed)[..16]);
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A YAML double-quoted scalar (JSON string syntax is valid YAML).
fn quoted(text: &str) -> String {
    Value::String(text.to_owned()).to_string()
}

/// The `auth:` section for token authentication; the bundle is written to `bundle`.
fn token_auth_config(auth: &TokenAuth, bundle: &Path) -> String {
    format!(
        "auth:
  token:
    realm: {realm}
    service: {service}
    issuer: {issuer}
    rootcertbundle: {bundle}
",
        realm = quoted(&auth.realm),
        service = quoted(crate::registry_token::SERVICE),
        issuer = quoted(crate::registry_token::ISSUER),
        bundle = quoted(&bundle.to_string_lossy()),
    )
}

/// The registry's config file.
fn registry_config(dir: &Path, port: u16, notify_url: &str, secret: &str) -> String {
    format!(
        "version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: {data}
  delete:
    enabled: true
http:
  addr: 127.0.0.1:{port}
  secret: {secret}
notifications:
  endpoints:
    - name: devcluster
      url: {url}
      headers:
        {SECRET_HEADER}: [{secret}]
      timeout: 5s
      threshold: 3
      backoff: 1s
      ignoredmediatypes:
        - application/octet-stream
      ignore:
        actions: [pull]
",
        data = quoted(&dir.join("data").to_string_lossy()),
        url = quoted(notify_url),
        secret = quoted(secret),
    )
}

impl IntegratedRegistry {
    /// Writes the config, starts the registry and waits (up to [`START_TIMEOUT`]) until
    /// `http://127.0.0.1:<port>/v2/` answers. On failure the message includes the registry's log.
    pub fn start(options: &RegistryOptions) -> Result<Self, String> {
        if !options.binary.is_file() {
            return Err(format!(
                "{} is missing: install Debian's docker-registry package (scripts/setup.sh does), or use --registry-url",
                options.binary.display()
            ));
        }
        let (dir, remove_dir) = match &options.dir {
            Some(dir) => (dir.clone(), false),
            None => (
                std::env::temp_dir().join(format!(
                    "devcluster-registry-{}-{}",
                    std::process::id(),
                    options.port
                )),
                true,
            ),
        };
        std::fs::create_dir_all(dir.join("data")).map_err(|err| {
            format!(
                "cannot create the registry directory {}: {err}",
                dir.display()
            )
        })?;
        let secret = new_secret();
        let config = dir.join("config.yml");
        let mut text = registry_config(&dir, options.port, &options.notify_url, &secret);
        if let Some(auth) = &options.token_auth {
            let bundle = dir.join("token-signer.pem");
            std::fs::write(&bundle, &auth.certificate_pem)
                .map_err(|err| format!("cannot write {}: {err}", bundle.display()))?;
            text.push_str(&token_auth_config(auth, &bundle));
        }
        std::fs::write(&config, text)
            .map_err(|err| format!("cannot write {}: {err}", config.display()))?;
        let log_path = dir.join("registry.log");
        let log = std::fs::File::create(&log_path)
            .map_err(|err| format!("cannot create {}: {err}", log_path.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|err| format!("cannot share {}: {err}", log_path.display()))?;
        let mut command = Command::new("/bin/sh");
        command
            .arg("-c")
            .arg(WRAPPER)
            .arg(&options.binary)
            .arg(&config)
            .stdin(Stdio::piped())
            .stdout(log)
            .stderr(log_err);
        // Notifications go straight to devcluster, never through a proxy.
        for variable in [
            "HTTP_PROXY",
            "HTTPS_PROXY",
            "ALL_PROXY",
            "http_proxy",
            "https_proxy",
            "all_proxy",
        ] {
            command.env_remove(variable);
        }
        if let Some(pem) = &options.trust_pem {
            let ca = dir.join("devcluster-ca.pem");
            std::fs::write(&ca, pem)
                .map_err(|err| format!("cannot write {}: {err}", ca.display()))?;
            command.env("SSL_CERT_FILE", &ca);
        }
        let mut child = command
            .spawn()
            .map_err(|err| format!("cannot start {}: {err}", options.binary.display()))?;
        let stdin = child.stdin.take();
        let mut registry = IntegratedRegistry {
            child,
            stdin,
            host: format!("127.0.0.1:{}", options.port),
            secret,
            dir,
            remove_dir,
        };
        registry.wait_until_ready(&log_path)?;
        Ok(registry)
    }

    fn wait_until_ready(&mut self, log_path: &Path) -> Result<(), String> {
        let agent = ureq::Agent::new_with_config(
            ureq::Agent::config_builder()
                .http_status_as_error(false)
                .proxy(None)
                .timeout_global(Some(Duration::from_secs(2)))
                .build(),
        );
        let url = format!("http://{}/v2/", self.host);
        let deadline = Instant::now() + START_TIMEOUT;
        let log = || std::fs::read_to_string(log_path).unwrap_or_default();
        loop {
            if let Ok(mut response) = agent.get(&url).call() {
                let _ = response.body_mut().read_to_vec();
                // With token auth the anonymous ping is a registry's 401.
                let registry = response
                    .headers()
                    .contains_key("docker-distribution-api-version");
                if response.status() == 200 || (response.status() == 401 && registry) {
                    return Ok(());
                }
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "the registry exited ({status}) before answering {url}:\n{}",
                    log()
                ));
            }
            if Instant::now() >= deadline {
                return Err(format!(
                    "the registry did not answer {url} within {} s:\n{}",
                    START_TIMEOUT.as_secs(),
                    log()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `127.0.0.1:<port>`: the registry host in pull specs and `status.dockerImageRepository`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The secret every notification from this registry carries in [`SECRET_HEADER`].
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The directory holding config, `registry.log` and the image data.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stops the registry (closing the wrapper's stdin makes it kill the registry) and waits
    /// for it; removes a temporary directory. Called on drop; calling it twice is harmless.
    pub fn stop(&mut self) {
        if self.stdin.take().is_some() {
            let deadline = Instant::now() + Duration::from_secs(5);
            loop {
                match self.child.try_wait() {
                    Ok(Some(_)) => break,
                    Ok(None) if Instant::now() < deadline => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    _ => {
                        let _ = self.child.kill();
                        let _ = self.child.wait();
                        break;
                    }
                }
            }
            if self.remove_dir {
                let _ = std::fs::remove_dir_all(&self.dir);
            }
        }
    }
}

impl Drop for IntegratedRegistry {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether a notification's secret header is the expected one (compared in constant time).
pub fn secret_matches(expected: &str, received: Option<&str>) -> bool {
    let Some(received) = received else {
        return false;
    };
    let (a, b) = (expected.as_bytes(), received.trim().as_bytes());
    a.len() == b.len() && !a.is_empty() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// One tagged manifest push reported by the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedTag {
    /// The project (first path segment of the repository).
    pub namespace: String,
    /// The image stream (second path segment).
    pub name: String,
    /// The pushed tag.
    pub tag: String,
    /// The manifest digest the tag now points at.
    pub digest: String,
    /// The manifest's media type (a list or index is kept whole, see [`resolve_push`]).
    pub media_type: String,
}

#[derive(Deserialize)]
struct Envelope {
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(default)]
    action: String,
    #[serde(default)]
    target: Target,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Target {
    #[serde(default)]
    media_type: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    repository: String,
    #[serde(default)]
    tag: Option<String>,
}

/// The tagged manifest pushes to `<namespace>/<name>` in a notification envelope, in order.
/// Pulls, blob pushes, pushes without a tag (by digest, such as the platform manifests of a
/// multi-arch push) and repositories with more or fewer path segments are left out. `Err`
/// when the body is not an envelope.
pub fn parse_notifications(body: &[u8]) -> Result<Vec<PushedTag>, String> {
    let envelope: Envelope = serde_json::from_slice(body)
        .map_err(|err| format!("not a registry notification envelope: {err}"))?;
    Ok(envelope
        .events
        .into_iter()
        .filter(|event| event.action == "push")
        .filter_map(|event| {
            let target = event.target;
            let tag = target.tag.filter(|tag| !tag.is_empty())?;
            let (namespace, name) = target.repository.split_once('/')?;
            if namespace.is_empty() || name.is_empty() || name.contains('/') {
                return None;
            }
            if !is_canonical_digest(&target.digest) {
                return None;
            }
            Some(PushedTag {
                namespace: namespace.to_owned(),
                name: name.to_owned(),
                tag,
                digest: target.digest,
                media_type: target.media_type,
            })
        })
        .collect())
}

/// Reads a pushed manifest back from the integrated registry at `registry_host` by digest
/// (plain HTTP on loopback: insecure). A manifest list or index is kept whole (as a
/// PreserveOriginal import), so the recorded image is the digest that was pushed. Blocking:
/// call it outside the cluster lock.
pub fn resolve_push(
    source: &dyn ImageSource,
    registry_host: &str,
    push: &PushedTag,
) -> Result<ResolvedImage, ImportFailure> {
    let spec = format!(
        "{registry_host}/{}/{}@{}",
        push.namespace, push.name, push.digest
    );
    let reference = imagestream_model::reference::parse(&spec)
        .map_err(|err| ImportFailure::invalid_name(&spec, &err.to_string()))?;
    let list = push.media_type == MEDIA_TYPE_OCI_INDEX
        || push.media_type == MEDIA_TYPE_DOCKER_MANIFEST_LIST;
    source.resolve(&ResolveRequest {
        insecure: true,
        preserve_original: list,
        ..ResolveRequest::new(reference)
    })
}

/// Records a resolved push: `Cluster::image_pushed` creates or updates the stream's tag.
/// `Err` with a message for the log when the namespace does not exist (nothing is stored then)
/// or the stream cannot be written.
pub fn record_push(
    cluster: &mut Cluster,
    push: &PushedTag,
    resolved: &ResolvedImage,
    now_millis: i64,
) -> Result<Value, String> {
    let namespace = ObjectKey {
        resource: "namespaces",
        namespace: String::new(),
        name: push.namespace.clone(),
    };
    if cluster.store.get(&namespace).is_none() {
        return Err(format!(
            "project {:?} does not exist, so the push of {}/{}:{} creates no image stream (OpenShift would have refused the push)",
            push.namespace, push.namespace, push.name, push.tag
        ));
    }
    cluster
        .image_pushed(&push.namespace, &push.name, &push.tag, resolved, now_millis)
        .map_err(|response| {
            let body = response.json_body();
            let message = body["message"].as_str().unwrap_or("unknown error");
            format!(
                "the push of {}/{}:{} was not recorded: {message}",
                push.namespace, push.name, push.tag
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{CatalogImage, MemoryCatalog, MEDIA_TYPE_OCI_MANIFEST};
    use serde_json::json;

    const DIGEST: &str = "sha256:9a8a6ed5abc6ee38ea258ac593d843f81d1ed27112d45285da2f7594af5148f1";

    fn event(action: &str, target: Value) -> Value {
        json!({"id": "x", "timestamp": "2026-11-27T07:06:02.63Z", "action": action, "target": target,
               "request": {"host": "127.0.0.1:5000"}, "actor": {}, "source": {"addr": "vm:5000"}})
    }

    #[test]
    fn only_tagged_manifest_pushes_to_project_and_name_are_kept() {
        let manifest = |repository: &str, tag: Option<&str>| {
            let mut target = json!({"mediaType": MEDIA_TYPE_OCI_MANIFEST, "size": 418, "digest": DIGEST,
                                    "repository": repository, "url": "http://127.0.0.1:5000/v2/x"});
            if let Some(tag) = tag {
                target["tag"] = json!(tag);
            }
            target
        };
        let body = json!({"events": [
            event("push", json!({"mediaType": "application/octet-stream", "digest": DIGEST, "repository": "demo/app"})),
            event("push", manifest("demo/app", None)),
            event("pull", manifest("demo/app", Some("latest"))),
            event("push", manifest("app", Some("latest"))),
            event("push", manifest("a/b/c", Some("latest"))),
            event("push", manifest("demo/app", Some("v1"))),
            event("push", manifest("demo/app", Some(""))),
        ]});
        let pushes = parse_notifications(body.to_string().as_bytes()).unwrap();
        assert_eq!(
            pushes,
            [PushedTag {
                namespace: "demo".into(),
                name: "app".into(),
                tag: "v1".into(),
                digest: DIGEST.into(),
                media_type: MEDIA_TYPE_OCI_MANIFEST.into(),
            }]
        );
        assert!(parse_notifications(b"{}").is_err());
        assert!(parse_notifications(b"not json").is_err());
        assert_eq!(parse_notifications(br#"{"events": []}"#).unwrap(), []);
    }

    #[test]
    fn the_secret_must_match_exactly() {
        assert!(secret_matches("abc123", Some("abc123")));
        assert!(!secret_matches("abc123", Some("abc124")));
        assert!(!secret_matches("abc123", Some("abc")));
        assert!(!secret_matches("abc123", None));
        assert!(!secret_matches("", Some("")));
        let secret = new_secret();
        assert_eq!(secret.len(), 32);
        assert_ne!(secret, new_secret());
    }

    #[test]
    fn the_config_listens_on_loopback_and_notifies_devcluster() {
        let config = registry_config(
            Path::new("/tmp/r \"x\""),
            5123,
            "https://127.0.0.1:8443/registry/notifications",
            "s3cret",
        );
        assert!(config.contains("addr: 127.0.0.1:5123\n"));
        assert!(config.contains(r#"rootdirectory: "/tmp/r \"x\"/data""#));
        assert!(config.contains(r#"url: "https://127.0.0.1:8443/registry/notifications""#));
        assert!(config.contains(r#"x-devcluster-registry-secret: ["s3cret"]"#));
        assert!(config.contains("actions: [pull]"));
        let auth = token_auth_config(
            &TokenAuth {
                realm: "http://127.0.0.1:8080/registry/token".into(),
                certificate_pem: String::new(),
            },
            Path::new("/tmp/r/token-signer.pem"),
        );
        assert_eq!(
            auth,
            "auth:\n  token:\n    realm: \"http://127.0.0.1:8080/registry/token\"\n    service: \"devcluster-registry\"\n    issuer: \"devcluster\"\n    rootcertbundle: \"/tmp/r/token-signer.pem\"\n"
        );
    }

    #[test]
    fn a_push_creates_the_stream_only_in_an_existing_project() {
        let host = "127.0.0.1:5000";
        let catalog = MemoryCatalog::new().with_image(
            &format!("{host}/demo/app:latest"),
            CatalogImage::new().port("8080/tcp"),
        );
        let digest = catalog
            .digest_of(&format!("{host}/demo/app:latest"))
            .unwrap();
        let mut cluster = crate::seed::demo_cluster_with(
            crate::ClusterSettings {
                internal_registry: host.into(),
                ..Default::default()
            },
            1_780_000_000_000,
        );
        let push = PushedTag {
            namespace: "demo".into(),
            name: "app".into(),
            tag: "latest".into(),
            digest: digest.clone(),
            media_type: MEDIA_TYPE_OCI_MANIFEST.into(),
        };
        let resolved = resolve_push(&catalog, host, &push).unwrap();
        assert_eq!(resolved.digest, digest);
        let stream = record_push(&mut cluster, &push, &resolved, 1_780_000_000_000).unwrap();
        assert_eq!(
            stream["status"]["dockerImageRepository"],
            format!("{host}/demo/app")
        );
        assert_eq!(
            stream["status"]["tags"][0]["items"][0]["image"],
            digest.as_str()
        );
        assert_eq!(
            stream["status"]["tags"][0]["items"][0]["dockerImageReference"],
            format!("{host}/demo/app@{digest}")
        );

        let version = cluster.resource_version();
        let elsewhere = PushedTag {
            namespace: "nowhere".into(),
            ..push
        };
        let error =
            record_push(&mut cluster, &elsewhere, &resolved, 1_780_000_000_000).unwrap_err();
        assert!(
            error.contains("project \"nowhere\" does not exist"),
            "{error}"
        );
        assert_eq!(cluster.resource_version(), version, "nothing was stored");
    }
}
