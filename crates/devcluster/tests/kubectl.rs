//! The stock kubectl against devcluster over TLS with a bearer token: get, get -o json,
//! describe, create -f, apply -f (twice: the second is unchanged), get -w seeing ADDED,
//! MODIFIED and DELETED, delete, and a Forbidden for a viewer.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running devcluster, killed when dropped.
struct Devcluster {
    process: Child,
    kubeconfig: PathBuf,
}

impl Drop for Devcluster {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("kubectl is not installed, but CI must run the kubectl tests");
        }
        eprintln!("skipped: kubectl is not installed on this machine");
    }
    found
}

fn start(dir: &Path) -> Devcluster {
    let kubeconfig = dir.join("kubeconfig");
    let mut process = Command::new(env!("CARGO_BIN_EXE_devcluster"))
        .args(["--listen", "127.0.0.1:0", "--tls", "--dist"])
        .arg(dir.join("no-console"))
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("devcluster starts");
    let stdout = process.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let listening = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.starts_with("devcluster listening on https://127.0.0.1:"));
    assert!(listening, "devcluster did not report its https address");
    std::thread::spawn(move || for _ in lines {});
    Devcluster {
        process,
        kubeconfig,
    }
}

fn kubectl(cluster: &Devcluster, args: &[&str]) -> (bool, String) {
    let output = Command::new("kubectl")
        .arg("--kubeconfig")
        .arg(&cluster.kubeconfig)
        .arg("--request-timeout=20s")
        .args(args)
        .output()
        .expect("kubectl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn ok(cluster: &Devcluster, args: &[&str]) -> String {
    let (success, text) = kubectl(cluster, args);
    assert!(success, "kubectl {} failed:\n{text}", args.join(" "));
    text
}

const MANIFEST: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: quay.io/example/web:1.0
        ports:
        - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels: {app: web}
spec:
  selector: {app: web}
  ports:
  - port: 8080
---
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  name: web
  labels: {app: web}
spec:
  tags:
  - name: \"1.0\"
    from: {kind: DockerImage, name: quay.io/example/web:1.0}
";

#[test]
fn kubectl_reads_the_seeded_image_streams_like_oc() {
    if !kubectl_available() {
        return;
    }
    let dir = scratch_dir("kubectl-read");
    let cluster = start(&dir);
    let table = ok(&cluster, &["get", "is", "-n", "openshift"]);
    let mut lines = table.lines();
    let header: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(header, ["NAME", "IMAGE", "REPOSITORY", "TAGS", "UPDATED"]);
    let httpd: Vec<&str> = lines
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        httpd[..3],
        [
            "httpd",
            "image-registry.openshift-image-registry.svc:5000/openshift/httpd",
            "2.4-el9,latest,2.4-el8"
        ]
    );
    assert_eq!(table.lines().count(), 6, "{table}");

    let json: serde_json::Value = serde_json::from_str(&ok(
        &cluster,
        &["get", "imagestreams", "-n", "openshift", "-o", "json"],
    ))
    .expect("kubectl prints JSON");
    assert_eq!(json["items"].as_array().map(Vec::len), Some(5));

    let described = ok(&cluster, &["describe", "is", "mongodb", "-n", "openshift"]);
    assert!(described.contains("Name:         mongodb"), "{described}");
    assert!(
        described.contains("registry.redhat.io/rhscl/mongodb-36-rhel7:latest"),
        "{described}"
    );
}

#[test]
fn kubectl_creates_applies_watches_and_deletes() {
    if !kubectl_available() {
        return;
    }
    let dir = scratch_dir("kubectl-write");
    let manifest = dir.join("web.yaml");
    std::fs::write(&manifest, MANIFEST).expect("manifest written");
    let manifest = manifest.to_str().expect("utf-8 path");
    let cluster = start(&dir);

    let watches: Vec<(Child, &str)> = ["is", "deployments", "services"]
        .into_iter()
        .map(|kind| {
            let child = Command::new("kubectl")
                .arg("--kubeconfig")
                .arg(&cluster.kubeconfig)
                .args(["get", kind, "-w", "--output-watch-events"])
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("kubectl get -w starts");
            (child, kind)
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1500));

    let created = ok(&cluster, &["create", "-f", manifest]);
    for line in [
        "deployment.apps/web created",
        "service/web created",
        "imagestream.image.openshift.io/web created",
    ] {
        assert!(created.contains(line), "{created}");
    }
    let (success, again) = kubectl(&cluster, &["create", "-f", manifest]);
    assert!(!success && again.contains("AlreadyExists"), "{again}");

    ok(&cluster, &["apply", "-f", manifest]);
    let unchanged = ok(&cluster, &["apply", "-f", manifest]);
    for line in [
        "deployment.apps/web unchanged",
        "service/web unchanged",
        "imagestream.image.openshift.io/web unchanged",
    ] {
        assert!(
            unchanged.contains(line),
            "second apply should change nothing:\n{unchanged}"
        );
    }
    let changed = ok(
        &cluster,
        &["annotate", "is,deployment,service", "web", "reviewed=yes"],
    );
    assert!(changed.contains("annotated"), "{changed}");
    let listed = ok(&cluster, &["get", "all", "-l", "app=web", "-o", "name"]);
    for name in [
        "deployment.apps/web",
        "service/web",
        "imagestream.image.openshift.io/web",
    ] {
        assert!(
            listed.contains(name),
            "kubectl get all -l app=web:\n{listed}"
        );
    }

    let (success, denied) = kubectl(&cluster, &["--context", "viewer", "delete", "-f", manifest]);
    assert!(
        !success
            && denied.contains("forbidden")
            && denied.contains("User \"viewer\" cannot delete resource"),
        "{denied}"
    );

    let deleted = ok(&cluster, &["delete", "-f", manifest]);
    assert!(
        deleted.contains("imagestream.image.openshift.io \"web\" deleted"),
        "{deleted}"
    );
    assert!(ok(&cluster, &["get", "is", "-o", "name"]).trim().is_empty());

    std::thread::sleep(Duration::from_millis(1500));
    for (mut child, kind) in watches {
        let _ = child.kill();
        let output: Vec<String> = child
            .stdout
            .take()
            .map(|out| BufReader::new(out).lines().map_while(Result::ok).collect())
            .unwrap_or_default();
        let _ = child.wait();
        let events: Vec<&str> = output
            .iter()
            .filter_map(|line| line.split_whitespace().next())
            .collect();
        for expected in ["ADDED", "MODIFIED", "DELETED"] {
            assert!(
                events.contains(&expected),
                "kubectl get {kind} -w saw {output:?}"
            );
        }
    }
}
