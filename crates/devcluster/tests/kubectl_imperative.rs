//! kubectl's imperative commands against devcluster, each compared with what kubectl prints
//! against kube-apiserver and OpenShift (the messages come from kubectl's printers, describe
//! and rollout status viewer, and from the API server's errors): `api-resources` from
//! aggregated discovery, `expose`, `scale` through the scale subresource, `set image`,
//! `rollout status|history|undo|restart|pause|resume`, `get deployments --watch`, `explain`
//! of image streams from the OpenAPI v3 schemas, and `create -f` of a ProjectRequest, which
//! kubectl validates against the OpenAPI v2 document; and the commands that send protobuf
//! bodies (`create deployment`, `create service clusterip`, `auth can-i`).

mod kubectl_support;

use kubectl_support::{fails, kubectl_available, ok, rows, scratch_dir, spawn, start, Devcluster};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const HELLO: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello
  labels: {app: hello}
spec:
  replicas: 1
  selector:
    matchLabels: {app: hello}
  template:
    metadata:
      labels: {app: hello}
    spec:
      containers:
      - name: hello
        image: quay.io/example/hello:1.0
        ports:
        - containerPort: 8080
";

/// A devcluster with the Deployment `hello` (1 replica of quay.io/example/hello:1.0) in the
/// developer's namespace `demo`, created with `kubectl apply` (JSON bodies).
fn with_hello(name: &str) -> Option<(Devcluster, std::path::PathBuf)> {
    if !kubectl_available() {
        return None;
    }
    let dir = scratch_dir(name);
    let manifest = dir.join("hello.yaml");
    std::fs::write(&manifest, HELLO).expect("manifest written");
    let cluster = start(&dir);
    let applied = ok(
        &cluster,
        &["apply", "-f", manifest.to_str().unwrap_or_default()],
    );
    assert_eq!(applied.trim(), "deployment.apps/hello created");
    Some((cluster, dir))
}

fn json(cluster: &Devcluster, args: &[&str]) -> Value {
    let text = ok(cluster, args);
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("kubectl {args:?} printed no JSON ({e}): {text}"))
}

/// The ReplicaSets of `hello`: (name, desired, current, ready), oldest revision first.
fn replica_sets(cluster: &Devcluster) -> Vec<(String, i64, i64, i64, String)> {
    let list = json(cluster, &["get", "rs", "-l", "app=hello", "-o", "json"]);
    let mut sets: Vec<(String, i64, i64, i64, String)> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|rs| {
            (
                rs["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                rs["spec"]["replicas"].as_i64().unwrap_or(-1),
                rs["status"]["replicas"].as_i64().unwrap_or(-1),
                rs["status"]["readyReplicas"].as_i64().unwrap_or(0),
                rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })
        .collect();
    sets.sort_by_key(|s| s.4.parse::<i64>().unwrap_or(0));
    sets
}

fn condition(deployment: &Value, kind: &str) -> (String, String, String) {
    let found = deployment["status"]["conditions"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["type"] == kind)
        .cloned()
        .unwrap_or_default();
    let text = |key: &str| found[key].as_str().unwrap_or_default().to_owned();
    (text("status"), text("reason"), text("message"))
}

#[test]
fn api_resources_come_from_aggregated_discovery_in_one_round_trip() {
    if !kubectl_available() {
        return;
    }
    let dir = scratch_dir("kubectl-api-resources");
    let cluster = start(&dir);
    let printed = ok(&cluster, &["api-resources", "-v=6"]);
    let requested: Vec<&str> = printed
        .lines()
        .filter_map(|line| line.split("url=\"").nth(1))
        .filter_map(|rest| rest.split('?').next())
        .collect();
    // kubectl 1.32 asks /api and /apis for APIGroupDiscoveryList first; served, it needs
    // no request per group version.
    assert!(
        requested
            .iter()
            .all(|url| url.ends_with("/api") || url.ends_with("/apis")),
        "{requested:?}"
    );
    // kubectl's log lines (I1206 12:00:00 …) go to stderr, after the table.
    let table_text: String = printed
        .lines()
        .filter(|line| {
            !(line.starts_with('I') && line.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        })
        .map(|line| format!("{line}\n"))
        .collect();
    let table = rows(&table_text);
    let table: Vec<&Vec<String>> = table.iter().collect();
    assert_eq!(
        table[0],
        &["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    );
    for expected in [
        "namespaces ns v1 false Namespace",
        "services svc v1 true Service",
        "deployments deploy apps/v1 true Deployment",
        "replicasets rs apps/v1 true ReplicaSet",
        "imagestreams is image.openshift.io/v1 true ImageStream",
        "imagestreamtags istag image.openshift.io/v1 true ImageStreamTag",
        "imagestreamimports image.openshift.io/v1 true ImageStreamImport",
        "projectrequests project.openshift.io/v1 false ProjectRequest",
        "selfsubjectaccessreviews authorization.k8s.io/v1 false SelfSubjectAccessReview",
    ] {
        assert!(
            table.iter().any(|row| row.join(" ") == expected),
            "no row {expected:?} in\n{printed}"
        );
    }
    let wide = rows(&ok(
        &cluster,
        &["api-resources", "--api-group=apps", "-o", "wide"],
    ));
    // Rows are sorted by name (daemonsets come first): find the Deployment's.
    let deployments = wide
        .iter()
        .find(|row| row.first().is_some_and(|name| name == "deployments"))
        .expect("a deployments row");
    assert_eq!(
        deployments,
        &[
            "deployments",
            "deploy",
            "apps/v1",
            "true",
            "Deployment",
            "create,delete,deletecollection,get,list,patch,update,watch",
            "all"
        ]
    );
}

#[test]
fn expose_makes_a_cluster_ip_service_for_the_deployments_pods() {
    let Some((cluster, _dir)) = with_hello("kubectl-expose") else {
        return;
    };
    assert_eq!(
        ok(&cluster, &["expose", "deployment", "hello", "--port=8080"]).trim(),
        "service/hello exposed"
    );
    let table = rows(&ok(&cluster, &["get", "service", "hello"]));
    assert_eq!(
        table[0],
        [
            "NAME",
            "TYPE",
            "CLUSTER-IP",
            "EXTERNAL-IP",
            "PORT(S)",
            "AGE"
        ]
    );
    assert_eq!(table[1][..2], ["hello", "ClusterIP"]);
    assert!(table[1][2].starts_with("172.30."), "{:?}", table[1]);
    assert_eq!(table[1][3..5], ["<none>", "8080/TCP"]);
    let service = json(&cluster, &["get", "service", "hello", "-o", "json"]);
    assert_eq!(
        service["spec"]["selector"],
        serde_json::json!({"app": "hello"})
    );
    assert_eq!(service["spec"]["ports"][0]["targetPort"], 8080);
    let again = fails(&cluster, &["expose", "deployment", "hello", "--port=8080"]);
    assert!(
        again.contains("Error from server (AlreadyExists): services \"hello\" already exists"),
        "{again}"
    );
}

#[test]
fn scale_goes_through_the_scale_subresource() {
    let Some((cluster, _dir)) = with_hello("kubectl-scale") else {
        return;
    };
    assert_eq!(
        ok(&cluster, &["scale", "deployment", "hello", "--replicas=3"]).trim(),
        "deployment.apps/hello scaled"
    );
    let table = rows(&ok(&cluster, &["get", "deployment", "hello"]));
    assert_eq!(
        table[0],
        ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    );
    assert_eq!(table[1][..4], ["hello", "3/3", "3", "3"]);

    let scale = json(
        &cluster,
        &[
            "get",
            "--raw",
            "/apis/apps/v1/namespaces/demo/deployments/hello/scale",
        ],
    );
    assert_eq!(scale["kind"], "Scale");
    assert_eq!(scale["apiVersion"], "autoscaling/v1");
    assert_eq!(scale["spec"]["replicas"], 3);
    assert_eq!(scale["status"]["replicas"], 3);
    assert_eq!(scale["status"]["selector"], "app=hello");

    // --current-replicas reads the Scale and puts it back with its resourceVersion.
    let refused = fails(
        &cluster,
        &[
            "scale",
            "deployment",
            "hello",
            "--current-replicas=2",
            "--replicas=4",
        ],
    );
    assert!(
        refused.contains("error: Expected replicas to be 2, was 3"),
        "{refused}"
    );
    ok(
        &cluster,
        &[
            "scale",
            "deployment",
            "hello",
            "--current-replicas=3",
            "--replicas=4",
        ],
    );
    let sets = replica_sets(&cluster);
    assert_eq!(sets.len(), 1, "{sets:?}");
    assert_eq!((sets[0].1, sets[0].2, sets[0].3), (4, 4, 4));

    let invalid = fails(
        &cluster,
        &[
            "patch",
            "deployment",
            "hello",
            "--subresource=scale",
            "--type=merge",
            "-p",
            r#"{"spec":{"replicas":-1}}"#,
        ],
    );
    assert!(
        invalid.contains(
            "The Scale \"hello\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        ),
        "{invalid}"
    );
    let missing = fails(
        &cluster,
        &[
            "get",
            "--raw",
            "/apis/apps/v1/namespaces/demo/deployments/nope/scale",
        ],
    );
    assert!(
        missing.contains("Error from server (NotFound): deployments.apps \"nope\" not found"),
        "{missing}"
    );
    // A ReplicaSet has a scale subresource too; its controller puts the count back.
    let name = &sets[0].0;
    ok(&cluster, &["scale", "rs", name, "--replicas=1"]);
    let sets = replica_sets(&cluster);
    assert_eq!(
        sets[0].1, 4,
        "the Deployment's controller restores its count: {sets:?}"
    );
}

#[test]
fn set_image_rolls_out_a_new_replica_set_and_undo_brings_back_the_old_one() {
    let Some((cluster, _dir)) = with_hello("kubectl-rollout") else {
        return;
    };
    assert_eq!(
        ok(
            &cluster,
            &[
                "set",
                "image",
                "deployment/hello",
                "hello=quay.io/example/hello:2.0"
            ]
        )
        .trim(),
        "deployment.apps/hello image updated"
    );
    assert_eq!(
        ok(&cluster, &["rollout", "status", "deployment/hello"]).trim(),
        "deployment \"hello\" successfully rolled out"
    );
    let sets = replica_sets(&cluster);
    assert_eq!(sets.len(), 2, "{sets:?}");
    assert_eq!((sets[0].1, sets[0].4.as_str()), (0, "1"), "{sets:?}");
    assert_eq!(
        (sets[1].1, sets[1].3, sets[1].4.as_str()),
        (1, 1, "2"),
        "{sets:?}"
    );
    for (name, ..) in &sets {
        let rs = json(&cluster, &["get", "rs", name, "-o", "json"]);
        let hash = rs["metadata"]["labels"]["pod-template-hash"]
            .as_str()
            .unwrap_or_default();
        assert_eq!(name, &format!("hello-{hash}"));
        assert_eq!(
            rs["spec"]["selector"]["matchLabels"]["pod-template-hash"],
            hash
        );
        assert_eq!(rs["metadata"]["ownerReferences"][0]["kind"], "Deployment");
    }
    let deployment = json(&cluster, &["get", "deployment", "hello", "-o", "json"]);
    assert_eq!(
        deployment["status"]["observedGeneration"],
        deployment["metadata"]["generation"]
    );
    assert_eq!(
        condition(&deployment, "Available"),
        (
            "True".into(),
            "MinimumReplicasAvailable".into(),
            "Deployment has minimum availability.".into()
        )
    );
    assert_eq!(
        condition(&deployment, "Progressing"),
        (
            "True".into(),
            "NewReplicaSetAvailable".into(),
            format!("ReplicaSet \"{}\" has successfully progressed.", sets[1].0)
        )
    );
    let history = rows(&ok(&cluster, &["rollout", "history", "deployment/hello"]));
    assert_eq!(history[0], ["deployment.apps/hello"]);
    assert_eq!(history[1], ["REVISION", "CHANGE-CAUSE"]);
    assert_eq!(history[2..], [["1", "<none>"], ["2", "<none>"]]);

    assert_eq!(
        ok(&cluster, &["rollout", "undo", "deployment/hello"]).trim(),
        "deployment.apps/hello rolled back"
    );
    let image = ok(
        &cluster,
        &[
            "get",
            "deployment",
            "hello",
            "-o",
            "jsonpath={.spec.template.spec.containers[0].image}",
        ],
    );
    assert_eq!(image, "quay.io/example/hello:1.0");
    let after = replica_sets(&cluster);
    // The first ReplicaSet is the new one again, with the next revision.
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(
        (after[1].0.as_str(), after[1].1, after[1].4.as_str()),
        (sets[0].0.as_str(), 1, "3")
    );
    let history = rows(&ok(&cluster, &["rollout", "history", "deployment/hello"]));
    assert_eq!(history[2..], [["2", "<none>"], ["3", "<none>"]]);
    let skipped = ok(
        &cluster,
        &["rollout", "undo", "deployment/hello", "--to-revision=3"],
    );
    assert_eq!(
        skipped.trim(),
        "deployment.apps/hello skipped rollback (current template already matches revision 3)"
    );
    let described = ok(&cluster, &["describe", "deployment", "hello"]);
    for line in [
        format!("NewReplicaSet:   {} (1/1 replicas created)", sets[0].0),
        format!("OldReplicaSets:  {} (0/0 replicas created)", sets[1].0),
        format!("Scaled up replica set {} to 1 from 0", sets[1].0),
        format!("Scaled down replica set {} to 0 from 1", sets[1].0),
    ] {
        assert!(described.contains(&line), "no {line:?} in\n{described}");
    }
}

#[test]
fn rollout_status_waits_while_the_new_pods_cannot_run() {
    let Some((cluster, _dir)) = with_hello("kubectl-rollout-wait") else {
        return;
    };
    // A container without an image (what an image trigger fills in later) never runs: the
    // rolling update surges one new pod and keeps the old one.
    ok(
        &cluster,
        &[
            "patch",
            "deployment",
            "hello",
            "--type=json",
            "-p",
            r#"[{"op":"replace","path":"/spec/template/spec/containers/0/image","value":" "}]"#,
        ],
    );
    let waiting = ok(
        &cluster,
        &["rollout", "status", "deployment/hello", "--watch=false"],
    );
    assert_eq!(
        waiting.trim(),
        "Waiting for deployment \"hello\" rollout to finish: 1 old replicas are pending termination..."
    );
    let deployment = json(&cluster, &["get", "deployment", "hello", "-o", "json"]);
    let status = &deployment["status"];
    assert_eq!(
        (
            &status["replicas"],
            &status["updatedReplicas"],
            &status["availableReplicas"],
            &status["unavailableReplicas"]
        ),
        (
            &serde_json::json!(2),
            &serde_json::json!(1),
            &serde_json::json!(1),
            &serde_json::json!(1)
        )
    );
    let sets = replica_sets(&cluster);
    assert_eq!(
        condition(&deployment, "Progressing"),
        (
            "True".into(),
            "ReplicaSetUpdated".into(),
            format!("ReplicaSet \"{}\" is progressing.", sets[1].0)
        )
    );
    let timed_out = fails(
        &cluster,
        &["rollout", "status", "deployment/hello", "--timeout=1s"],
    );
    assert!(
        timed_out.contains("error: timed out waiting for the condition"),
        "{timed_out}"
    );

    ok(
        &cluster,
        &[
            "set",
            "image",
            "deployment/hello",
            "hello=quay.io/example/hello:3.0",
        ],
    );
    assert_eq!(
        ok(
            &cluster,
            &["rollout", "status", "deployment/hello", "--watch=false"]
        )
        .trim(),
        "deployment \"hello\" successfully rolled out"
    );
}

#[test]
fn rollout_restart_pause_and_resume() {
    let Some((cluster, _dir)) = with_hello("kubectl-restart") else {
        return;
    };
    let before = replica_sets(&cluster);
    assert_eq!(
        ok(&cluster, &["rollout", "restart", "deployment/hello"]).trim(),
        "deployment.apps/hello restarted"
    );
    let restarted = ok(
        &cluster,
        &[
            "get",
            "deployment",
            "hello",
            "-o",
            r#"jsonpath={.spec.template.metadata.annotations.kubectl\.kubernetes\.io/restartedAt}"#,
        ],
    );
    assert!(!restarted.is_empty(), "no restartedAt annotation");
    let after = replica_sets(&cluster);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!((after[0].0.as_str(), after[0].1), (before[0].0.as_str(), 0));
    assert_eq!((after[1].1, after[1].3), (1, 1));

    assert_eq!(
        ok(&cluster, &["rollout", "pause", "deployment/hello"]).trim(),
        "deployment.apps/hello paused"
    );
    ok(
        &cluster,
        &[
            "set",
            "image",
            "deployment/hello",
            "hello=quay.io/example/hello:2.0",
        ],
    );
    assert_eq!(
        replica_sets(&cluster).len(),
        2,
        "a paused Deployment rolls nothing out"
    );
    let deployment = json(&cluster, &["get", "deployment", "hello", "-o", "json"]);
    assert_eq!(
        condition(&deployment, "Progressing"),
        (
            "Unknown".into(),
            "DeploymentPaused".into(),
            "Deployment is paused".into()
        )
    );
    assert_eq!(
        ok(&cluster, &["rollout", "resume", "deployment/hello"]).trim(),
        "deployment.apps/hello resumed"
    );
    ok(&cluster, &["rollout", "status", "deployment/hello"]);
    let sets = replica_sets(&cluster);
    assert_eq!(sets.len(), 3, "{sets:?}");
    assert_eq!(sets[2].1, 1);
}

#[test]
fn get_deployments_watch_prints_a_row_per_change() {
    let Some((cluster, _dir)) = with_hello("kubectl-watch") else {
        return;
    };
    let mut watch = spawn(&cluster, &["get", "deployments", "--watch"]);
    let stdout = watch.stdout.take().expect("piped stdout");
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen: Vec<String> = Vec::new();
    let mut wait_for = |wanted: &dyn Fn(&[String]) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(line) = received.recv_timeout(Duration::from_millis(200)) {
                seen.push(line);
                if let Some(last) = seen.last() {
                    if wanted(
                        &last
                            .split_whitespace()
                            .map(str::to_owned)
                            .collect::<Vec<_>>(),
                    ) {
                        return;
                    }
                }
            }
        }
        panic!("kubectl get deployments --watch printed only {seen:?}");
    };
    wait_for(&|row| row[..] == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]);
    wait_for(&|row| row.get(..4) == Some(&["hello", "1/1", "1", "1"].map(String::from)[..]));
    ok(&cluster, &["scale", "deployment", "hello", "--replicas=3"]);
    wait_for(&|row| row.get(..4) == Some(&["hello", "3/3", "3", "3"].map(String::from)[..]));
    let _ = watch.kill();
    let _ = watch.wait();
}

#[test]
fn explain_shows_the_image_stream_schema() {
    if !kubectl_available() {
        return;
    }
    let dir = scratch_dir("kubectl-explain");
    let cluster = start(&dir);
    let explained = ok(&cluster, &["explain", "imagestreams"]);
    let lines: Vec<&str> = explained.lines().collect();
    assert_eq!(
        lines[..3],
        [
            "GROUP:      image.openshift.io",
            "KIND:       ImageStream",
            "VERSION:    v1"
        ]
    );
    // The field list of openshift/api's image/v1 ImageStream, with its types' names.
    let fields: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("  ") && l.contains('\t'))
        .collect();
    assert_eq!(
        fields,
        [
            "  apiVersion\t<string>",
            "  kind\t<string>",
            "  metadata\t<ObjectMeta>",
            "  spec\t<ImageStreamSpec>",
            "  status\t<ImageStreamStatus>",
        ]
    );
    assert!(
        lines.contains(&"DESCRIPTION:") && lines.contains(&"FIELDS:"),
        "{explained}"
    );

    let tags = ok(&cluster, &["explain", "imagestreams.spec.tags"]);
    assert!(tags.contains("FIELD: tags <[]TagReference>"), "{tags}");
    let fields: Vec<&str> = tags
        .lines()
        .filter(|l| l.starts_with("  ") && l.contains('\t'))
        .collect();
    assert_eq!(
        fields,
        [
            "  annotations\t<map[string]string>",
            "  from\t<ObjectReference>",
            "  generation\t<integer>",
            "  importPolicy\t<TagImportPolicy>",
            "  name\t<string> -required-",
            "  reference\t<boolean>",
            "  referencePolicy\t<TagReferencePolicy>",
        ]
    );
    let created = ok(&cluster, &["explain", "is.status.tags.items.created"]);
    assert!(created.contains("FIELD: created <string>"), "{created}");
    let missing = fails(&cluster, &["explain", "imagestreams.spec.tagz"]);
    assert!(
        missing.contains("error: field \"tagz\" does not exist"),
        "{missing}"
    );
}

#[test]
fn create_f_of_a_project_request_is_validated_against_openapi_v2_and_creates_the_project() {
    if !kubectl_available() {
        return;
    }
    let dir = scratch_dir("kubectl-project-request");
    let cluster = start(&dir);
    let good = dir.join("request.yaml");
    std::fs::write(
        &good,
        "apiVersion: project.openshift.io/v1\nkind: ProjectRequest\nmetadata:\n  name: advanced\ndisplayName: Advanced\n",
    )
    .expect("manifest written");
    let bad = dir.join("typo.yaml");
    std::fs::write(
        &bad,
        "apiVersion: project.openshift.io/v1\nkind: ProjectRequest\nmetadata:\n  name: typo\ndisplayNme: Typo\n",
    )
    .expect("manifest written");
    let refused = fails(
        &cluster,
        &["create", "-f", bad.to_str().unwrap_or_default()],
    );
    assert!(
        refused.contains("error validating data: ValidationError(ProjectRequest): unknown field \"displayNme\" in com.github.openshift.api.project.v1.ProjectRequest"),
        "{refused}"
    );
    assert_eq!(
        ok(
            &cluster,
            &["create", "-f", good.to_str().unwrap_or_default()]
        )
        .trim(),
        "project.project.openshift.io/advanced created"
    );
    let projects = rows(&ok(&cluster, &["get", "projects"]));
    assert!(
        projects.contains(&vec!["advanced".into(), "Advanced".into(), "Active".into()]),
        "{projects:?}"
    );
}

#[test]
fn create_deployment_and_service_send_protobuf() {
    if !kubectl_available() {
        return;
    }
    let dir = scratch_dir("kubectl-create-protobuf");
    let cluster = start(&dir);
    assert_eq!(
        ok(
            &cluster,
            &[
                "create",
                "deployment",
                "hello",
                "--image=quay.io/example/hello:1.0"
            ]
        )
        .trim(),
        "deployment.apps/hello created"
    );
    assert_eq!(
        ok(
            &cluster,
            &["create", "service", "clusterip", "hello", "--tcp=8080:8080"]
        )
        .trim(),
        "service/hello created"
    );
    let table = rows(&ok(&cluster, &["get", "deployment", "hello"]));
    assert_eq!(table[1][..4], ["hello", "1/1", "1", "1"]);
}

#[test]
fn auth_can_i_sends_a_protobuf_access_review() {
    if !kubectl_available() {
        return;
    }
    let dir = scratch_dir("kubectl-can-i");
    let cluster = start(&dir);
    assert_eq!(
        ok(&cluster, &["auth", "can-i", "create", "deployments"]).trim(),
        "yes"
    );
    let (allowed, printed) = kubectl_support::kubectl(
        &cluster,
        &[
            "--context",
            "viewer",
            "auth",
            "can-i",
            "create",
            "deployments",
        ],
    );
    assert!(!allowed && printed.trim() == "no", "{printed}");
}
