//! The stock kubectl against devcluster over TLS with a bearer token: get, get -o json,
//! describe, create -f, apply -f (twice: the second is unchanged), get -w seeing ADDED,
//! MODIFIED and DELETED, delete, and a Forbidden for a viewer.

mod kubectl_support;

use kubectl_support::{kubectl, kubectl_available, ok, scratch_dir, spawn, start};
use std::io::{BufRead, BufReader};
use std::process::Child;
use std::time::Duration;

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
            (
                spawn(&cluster, &["get", kind, "-w", "--output-watch-events"]),
                kind,
            )
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
