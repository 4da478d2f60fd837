//! Helpers shared by the integration tests that need real processes on 127.0.0.1: temporary
//! directories, Debian's `docker-registry` with an own config, OCI images built offline and
//! pushed with `skopeo`, and the `devcluster` binary itself.
//!
//! Every process started here is killed when its handle is dropped.
#![allow(dead_code)] // each test crate uses a different part

use flate2::write::GzEncoder;
use flate2::Compression;
use imagestream_devcluster::registry::{
    sha256_digest, MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_OCI_MANIFEST,
};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub const REGISTRY: &str = "/usr/bin/docker-registry";

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "devcluster-{tag}-{}-{}",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::SeqCst)
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A docker-registry process on 127.0.0.1, killed when dropped.
pub struct LocalRegistry {
    child: Child,
    port: u16,
    dir: TempDir,
}

impl Drop for LocalRegistry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl LocalRegistry {
    pub fn start() -> Self {
        let dir = TempDir::new("registry");
        let port = free_port();
        let config = dir.0.join("config.yml");
        std::fs::write(
            &config,
            format!(
                "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: {}\nhttp:\n  addr: 127.0.0.1:{port}\n",
                dir.0.join("data").display()
            ),
        )
        .unwrap();
        let log = std::fs::File::create(dir.0.join("registry.log")).unwrap();
        let child = Command::new(REGISTRY)
            .arg("serve")
            .arg(&config)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("start docker-registry");
        let mut registry = LocalRegistry { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(mut response) = plain_agent()
                .get(&format!("http://127.0.0.1:{port}/v2/"))
                .call()
            {
                if response.status() == 200 {
                    let _ = response.body_mut().read_to_vec();
                    break;
                }
            }
            if let Ok(Some(status)) = registry.child.try_wait() {
                panic!(
                    "docker-registry exited with {status}: {}",
                    std::fs::read_to_string(registry.dir.0.join("registry.log"))
                        .unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "docker-registry did not answer /v2/ within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        registry
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

/// A ureq agent for checks made by the test itself (no proxy, errors as responses).
pub fn plain_agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(10)))
            .build(),
    )
}

/// Writes a blob into an OCI layout; returns its descriptor fields.
pub fn put_blob(layout: &Path, bytes: &[u8]) -> (String, usize) {
    let digest = sha256_digest(bytes);
    let hex = digest.trim_start_matches("sha256:");
    std::fs::write(layout.join("blobs/sha256").join(hex), bytes).unwrap();
    (digest, bytes.len())
}

/// One gzip tar layer holding one file.
pub fn layer(content: &str) -> (Vec<u8>, String) {
    let mut tar = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_gnu();
    header.set_size(content.len() as u64);
    header.set_mode(0o644);
    header.set_mtime(1_700_000_000);
    header.set_cksum();
    tar.append_data(&mut header, "hello.txt", content.as_bytes())
        .unwrap();
    let tar = tar.into_inner().unwrap();
    let diff_id = sha256_digest(&tar);
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(&tar).unwrap();
    (gz.finish().unwrap(), diff_id)
}

/// Writes one platform image (layer, config, manifest) into the layout; returns the manifest
/// descriptor.
pub fn put_image(layout: &Path, architecture: &str) -> Value {
    let (layer, diff_id) = layer(&format!("hello from {architecture}\n"));
    let (layer_digest, layer_size) = put_blob(layout, &layer);
    let config = json!({
        "created": "2024-01-02T03:04:05.123456789Z",
        "architecture": architecture,
        "os": "linux",
        "config": {
            "ExposedPorts": {"8080/tcp": {}},
            "Env": ["PATH=/usr/bin", "GREETING=hello"],
            "Cmd": ["/hello"],
            "WorkingDir": "/srv",
            "Labels": {"io.k8s.display-name": "demo app"},
            "StopSignal": "SIGTERM"
        },
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
        "history": [{"created_by": "hand made"}]
    });
    let (config_digest, config_size) = put_blob(layout, &serde_json::to_vec(&config).unwrap());
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": MEDIA_TYPE_OCI_MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": config_digest, "size": config_size},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": layer_digest, "size": layer_size}]
    });
    let (digest, size) = put_blob(layout, &serde_json::to_vec(&manifest).unwrap());
    json!({"mediaType": MEDIA_TYPE_OCI_MANIFEST, "digest": digest, "size": size,
           "platform": {"architecture": architecture, "os": "linux"}})
}

/// An OCI layout whose `latest` is one amd64 image, or an index of arm64 + amd64.
pub fn oci_layout(dir: &Path, multi_arch: bool) -> PathBuf {
    let layout = dir.join(if multi_arch { "multi" } else { "single" });
    std::fs::create_dir_all(layout.join("blobs/sha256")).unwrap();
    std::fs::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    let mut top = if multi_arch {
        let entries = vec![put_image(&layout, "arm64"), put_image(&layout, "amd64")];
        let index =
            json!({"schemaVersion": 2, "mediaType": MEDIA_TYPE_OCI_INDEX, "manifests": entries});
        let (digest, size) = put_blob(&layout, &serde_json::to_vec(&index).unwrap());
        json!({"mediaType": MEDIA_TYPE_OCI_INDEX, "digest": digest, "size": size})
    } else {
        let mut descriptor = put_image(&layout, "amd64");
        descriptor.as_object_mut().unwrap().remove("platform");
        descriptor
    };
    top["annotations"] = json!({"org.opencontainers.image.ref.name": "latest"});
    std::fs::write(
        layout.join("index.json"),
        serde_json::to_vec(&json!({"schemaVersion": 2, "manifests": [top]})).unwrap(),
    )
    .unwrap();
    layout
}

/// The credentials skopeo pushes to devcluster's integrated registry with: the user name is
/// not checked, the password is the user's API token (as `docker login -u $(oc whoami) -p
/// $(oc whoami -t)` on OpenShift).
pub const DEVELOPER_CREDS: &str = "developer:sha256~developer-devcluster-token";

pub fn skopeo_copy(tmp: &Path, layout: &Path, destination: &str, extra: &[&str]) {
    if let Err(message) = skopeo_try(tmp, layout, destination, extra) {
        panic!("skopeo copy to {destination} failed: {message}");
    }
}

/// `skopeo copy` of the layout's `latest` to `docker://destination`; `Err` with skopeo's
/// message when it fails. Without `--dest-creds` in `extra` it sends no credentials.
pub fn skopeo_try(
    tmp: &Path,
    layout: &Path,
    destination: &str,
    extra: &[&str],
) -> Result<(), String> {
    let mut command = Command::new("skopeo");
    command
        .env("TMPDIR", tmp)
        .env("REGISTRY_AUTH_FILE", tmp.join("no-auth.json"))
        .args([
            "--insecure-policy",
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
        ]);
    if !extra.contains(&"--dest-creds") {
        command.arg("--dest-no-creds");
    }
    let output = command
        .args(extra)
        .arg(format!("oci:{}:latest", layout.display()))
        .arg(format!("docker://{destination}"))
        .output()
        .expect("run skopeo");
    if output.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

/// The registry's own word on a manifest: `Docker-Content-Digest` of a GET with `accept`.
pub fn registry_digest(host: &str, repository: &str, tag: &str, accept: &str) -> String {
    registry_digest_with(host, repository, tag, accept, None)
}

/// [`registry_digest`] with an `Authorization` header (a registry token).
pub fn registry_digest_with(
    host: &str,
    repository: &str,
    tag: &str,
    accept: &str,
    authorization: Option<&str>,
) -> String {
    let mut request = plain_agent()
        .get(&format!("http://{host}/v2/{repository}/manifests/{tag}"))
        .header("Accept", accept);
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let mut response = request.call().unwrap();
    assert_eq!(response.status(), 200);
    let digest = response
        .headers()
        .get("docker-content-digest")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let body = response.body_mut().read_to_vec().unwrap();
    assert_eq!(sha256_digest(&body), digest);
    digest
}

pub fn tools_available() -> bool {
    let mut missing = Vec::new();
    if !Path::new(REGISTRY).exists() {
        missing.push(REGISTRY);
    }
    if Command::new("skopeo")
        .arg("--version")
        .output()
        .map(|o| !o.status.success())
        .unwrap_or(true)
    {
        missing.push("skopeo");
    }
    if missing.is_empty() {
        return true;
    }
    let message = format!(
        "{} not installed (Debian packages docker-registry and skopeo; scripts/setup.sh installs them)",
        missing.join(" and ")
    );
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{message}");
    }
    eprintln!("SKIPPED (needs docker-registry and skopeo): {message}");
    false
}

/// The `Authorization` header of a demo user.
pub fn bearer(user: &str) -> String {
    let user = imagestream_devcluster::seed::DEMO_USERS
        .iter()
        .find(|u| u.name == user)
        .expect("demo user");
    format!("Bearer {}", user.token)
}

/// A running `devcluster` binary, killed (SIGKILL) when dropped.
pub struct Devcluster {
    process: Child,
    /// `http://127.0.0.1:PORT` or `https://…`, as it printed.
    pub base: String,
    /// The integrated registry's `127.0.0.1:PORT`, when it printed one.
    pub registry: Option<String>,
    /// Its later stdout lines (push reports).
    pub lines: mpsc::Receiver<String>,
}

impl Devcluster {
    /// Starts `binary args…` with stderr into `stderr_log` and waits (up to 60 s) until it
    /// prints its address and, with `--registry`, the integrated registry line. Its temporary
    /// files go next to `stderr_log` (`TMPDIR`), so a killed devcluster leaves nothing behind.
    pub fn start(binary: &str, args: &[String], stderr_log: &Path) -> Self {
        let stderr = std::fs::File::create(stderr_log).expect("stderr log");
        let mut process = Command::new(binary)
            .args(args)
            .env("TMPDIR", stderr_log.parent().expect("a directory"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("devcluster starts");
        let stdout = process.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut cluster = Devcluster {
            process,
            base: String::new(),
            registry: None,
            lines,
        };
        let wants_registry = args.iter().any(|a| a == "--registry");
        let deadline = Instant::now() + Duration::from_secs(60);
        while cluster.base.is_empty() || (wants_registry && cluster.registry.is_none()) {
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(line) = cluster.lines.recv_timeout(left) else {
                panic!(
                    "devcluster did not report its addresses within 60 s: {}",
                    std::fs::read_to_string(stderr_log).unwrap_or_default()
                );
            };
            if let Some(base) = line.strip_prefix("devcluster listening on ") {
                cluster.base = base.trim().to_owned();
            }
            if let Some(rest) = line.strip_prefix("integrated registry: ") {
                cluster.registry = rest.split_whitespace().next().map(str::to_owned);
            }
        }
        cluster
    }

    /// The process id (to look for what it started).
    pub fn pid(&self) -> u32 {
        self.process.id()
    }

    /// Sends `signal` (`TERM`, `INT`, `KILL`) and waits up to 10 s for the exit; true when it
    /// exited in time (otherwise it is killed).
    pub fn stop(&mut self, signal: &str) -> bool {
        let _ = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.process.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.process.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
        false
    }
}

impl Drop for Devcluster {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// Whether something answers HTTP on `127.0.0.1:PORT/v2/`.
pub fn registry_answers(host: &str) -> bool {
    plain_agent()
        .get(&format!("http://{host}/v2/"))
        .call()
        .is_ok()
}

/// An HTTP client that trusts exactly `ca_pem` (devcluster's self-signed certificate), with no
/// proxy; errors come back as responses.
pub fn tls_agent(ca_pem: Option<&[u8]>) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .proxy(None)
        .timeout_global(Some(Duration::from_secs(20)));
    if let Some(pem) = ca_pem {
        let certificate = ureq::tls::Certificate::from_pem(pem).expect("a PEM certificate");
        config = config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(ureq::tls::RootCerts::new_with_certs(&[certificate]))
                .build(),
        );
    }
    ureq::Agent::new_with_config(config.build())
}

/// The certificate devcluster wrote into its kubeconfig.
pub fn ca_from_kubeconfig(path: &Path) -> Vec<u8> {
    use base64::Engine;
    let text = std::fs::read_to_string(path).expect("kubeconfig written");
    let encoded = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("certificate-authority-data: "))
        .expect("the kubeconfig names the certificate");
    base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .expect("base64 certificate")
}
