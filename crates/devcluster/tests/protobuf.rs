//! Protobuf on the wire, against the devcluster binary: stock kubectl's typed commands (which
//! send `application/vnd.kubernetes.protobuf` bodies and ask for protobuf answers), and raw
//! requests with protobuf bodies, Accept headers and watch frames, with the answers
//! kube-apiserver gives (Status texts written from apiserver's handlers and apimachinery's
//! protobuf serializer).

mod common;

use common::{Devcluster, TempDir};
use imagestream_devcluster::protobuf::{decode_object, decode_watch_frames, encode_object};
use serde_json::{json, Value};
use std::process::Command;
use std::time::Duration;

const PROTOBUF: &str = "application/vnd.kubernetes.protobuf";
/// What client-go's typed clients send as Accept.
const KUBECTL_ACCEPT: &str = "application/vnd.kubernetes.protobuf,application/json";
const DEVELOPER: &str = "Bearer sha256~developer-devcluster-token";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/demo/deployments";

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("kubectl is not installed, but CI must run the protobuf tests");
        }
        eprintln!("skipped: kubectl is not installed on this machine");
    }
    found
}

struct Cluster {
    _devcluster: Devcluster,
    kubeconfig: std::path::PathBuf,
    client: Client,
    _dir: TempDir,
}

/// Raw HTTP to the server (shareable with another thread).
#[derive(Clone)]
struct Client {
    base: String,
    agent: ureq::Agent,
}

fn start(tag: &str) -> Cluster {
    let dir = TempDir::new(tag);
    let kubeconfig = dir.0.join("kubeconfig");
    let args: Vec<String> = [
        "--listen",
        "127.0.0.1:0",
        "--tls",
        "--dist",
        "no-console",
        "--kubeconfig",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([kubeconfig.display().to_string()])
    .collect();
    let devcluster = Devcluster::start(
        env!("CARGO_BIN_EXE_devcluster"),
        &args,
        &dir.0.join("stderr.log"),
    );
    // The certificate is generated at start-up; the test trusts this one server.
    let agent = ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .timeout_global(Some(Duration::from_secs(20)))
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .disable_verification(true)
                    .build(),
            )
            .build(),
    );
    Cluster {
        client: Client {
            base: devcluster.base.clone(),
            agent,
        },
        _devcluster: devcluster,
        kubeconfig,
        _dir: dir,
    }
}

struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    /// The answer, after checking its status (the body is shown when it differs).
    fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status,
            status,
            "{} {}",
            self.content_type,
            String::from_utf8_lossy(&self.body)
        );
        self
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|err| {
            panic!(
                "not JSON ({err}): {} {}",
                self.content_type,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

impl Cluster {
    fn kubectl(&self, args: &[&str]) -> (bool, String) {
        let output = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
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

    fn ok(&self, args: &[&str]) -> String {
        let (success, text) = self.kubectl(args);
        assert!(success, "kubectl {} failed:\n{text}", args.join(" "));
        text
    }

    fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        accept: &str,
        token: Option<&str>,
    ) -> Answer {
        self.client.send(method, path, body, accept, token)
    }
}

impl Client {
    /// A raw request: (method, path, Content-Type and body, Accept, token).
    fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
        accept: &str,
        token: Option<&str>,
    ) -> Answer {
        let url = format!("{}{path}", self.base);
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Accept", accept);
        let request = match token {
            Some(token) => request.header("Authorization", token),
            None => request,
        };
        let (request, bytes) = match body {
            Some((content_type, bytes)) => (request.header("Content-Type", content_type), bytes),
            None => (request, Vec::new()),
        };
        let request = request.body(bytes).expect("request");
        let mut response = self.agent.run(request).expect("devcluster answers");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(16 * 1024 * 1024)
            .read_to_vec()
            .expect("body");
        Answer {
            status,
            content_type,
            body,
        }
    }
}

#[test]
fn kubectl_s_typed_commands_speak_protobuf() {
    if !kubectl_available() {
        return;
    }
    let cluster = start("protobuf-kubectl");
    let verbose = cluster.ok(&[
        "create",
        "deployment",
        "hello",
        "--image=quay.io/x/hello:1",
        "-v=8",
    ]);
    assert!(
        verbose.contains("deployment.apps/hello created"),
        "{verbose}"
    );
    // The request was protobuf and so was the answer (its headers are logged at -v=8).
    assert!(
        verbose
            .matches("Content-Type: application/vnd.kubernetes.protobuf")
            .count()
            >= 2,
        "kubectl did not get a protobuf answer:\n{verbose}"
    );
    let created = cluster.ok(&["create", "service", "clusterip", "hello", "--tcp=8080:8080"]);
    assert!(created.contains("service/hello created"), "{created}");

    // auth can-i: a SelfSubjectAccessReview in protobuf, yes for the developer, no for the viewer.
    assert_eq!(
        cluster
            .ok(&["auth", "can-i", "create", "deployments"])
            .trim(),
        "yes"
    );
    let (allowed, answer) = cluster.kubectl(&[
        "--context",
        "viewer",
        "auth",
        "can-i",
        "create",
        "deployments",
    ]);
    assert!(!allowed && answer.trim() == "no", "{answer}");
    assert_eq!(
        cluster
            .ok(&["--context", "viewer", "auth", "can-i", "get", "deployments"])
            .trim(),
        "yes"
    );

    // The objects as created (read back in JSON, as `-o yaml` does).
    let deployment: Value =
        serde_json::from_str(&cluster.ok(&["get", "deploy", "hello", "-o", "json"])).expect("JSON");
    assert_eq!(deployment["metadata"]["labels"], json!({"app": "hello"}));
    assert_eq!(deployment["spec"]["replicas"], 1);
    assert_eq!(
        deployment["spec"]["selector"],
        json!({"matchLabels": {"app": "hello"}})
    );
    let template = &deployment["spec"]["template"];
    assert_eq!(
        template["metadata"],
        json!({"creationTimestamp": null, "labels": {"app": "hello"}}),
        "Go prints a zero creationTimestamp as null"
    );
    assert_eq!(template["spec"]["containers"][0]["name"], "hello");
    assert_eq!(
        template["spec"]["containers"][0]["image"],
        "quay.io/x/hello:1"
    );
    assert_eq!(template["spec"]["containers"][0]["resources"], json!({}));
    let yaml = cluster.ok(&["get", "deploy", "hello", "-o", "yaml"]);
    assert!(yaml.contains("image: quay.io/x/hello:1"), "{yaml}");

    let service: Value =
        serde_json::from_str(&cluster.ok(&["get", "svc", "hello", "-o", "json"])).expect("JSON");
    assert_eq!(
        service["spec"]["ports"],
        json!([{"name": "8080-8080", "port": 8080, "protocol": "TCP", "targetPort": 8080}])
    );
    assert_eq!(service["spec"]["selector"], json!({"app": "hello"}));
    assert_eq!(service["spec"]["type"], "ClusterIP");

    // Deleting and reading with protobuf answers also work.
    let deleted = cluster.ok(&["delete", "service", "hello"]);
    assert!(deleted.contains("service \"hello\" deleted"), "{deleted}");
}

fn deployment(name: &str) -> Value {
    json!({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": "quay.io/x/hello:1",
                    "ports": [{"containerPort": 8080}]}]}
            }
        }
    })
}

#[test]
fn raw_protobuf_requests_get_kube_apiserver_s_answers() {
    let cluster = start("protobuf-raw");
    let body = encode_object(&deployment("web")).expect("encodes");

    // A Deployment created in protobuf, answered in protobuf, equals the JSON one.
    let created = cluster
        .send(
            "POST",
            DEPLOYMENTS,
            Some((PROTOBUF, body.clone())),
            KUBECTL_ACCEPT,
            Some(DEVELOPER),
        )
        .expect(201);
    assert_eq!(created.content_type, PROTOBUF);
    let from_protobuf = decode_object(&created.body, ("", "")).expect("a protobuf object");
    let read = cluster.send(
        "GET",
        &format!("{DEPLOYMENTS}/web"),
        None,
        KUBECTL_ACCEPT,
        Some(DEVELOPER),
    );
    assert_eq!(read.content_type, PROTOBUF);
    let read_protobuf = decode_object(&read.body, ("", "")).expect("a protobuf object");
    let read_json = cluster
        .send(
            "GET",
            &format!("{DEPLOYMENTS}/web"),
            None,
            "application/json",
            Some(DEVELOPER),
        )
        .json();
    assert_eq!(
        read_protobuf, read_json,
        "the protobuf and JSON forms agree"
    );
    assert_eq!(
        from_protobuf["spec"]["template"],
        read_json["spec"]["template"]
    );
    assert_eq!(read_json["spec"]["replicas"], 2);
    // Lists and errors come in protobuf too; YAML when asked.
    let list = cluster.send("GET", DEPLOYMENTS, None, KUBECTL_ACCEPT, Some(DEVELOPER));
    let list = decode_object(&list.body, ("", "")).expect("a protobuf list");
    assert_eq!(list["kind"], "DeploymentList");
    assert!(list["items"]
        .as_array()
        .is_some_and(|items| !items.is_empty()));
    let missing = cluster.send(
        "GET",
        &format!("{DEPLOYMENTS}/nope"),
        None,
        KUBECTL_ACCEPT,
        Some(DEVELOPER),
    );
    assert_eq!(
        (missing.status, missing.content_type.as_str()),
        (404, PROTOBUF)
    );
    let status = decode_object(&missing.body, ("", "")).expect("a protobuf Status");
    assert_eq!(status["message"], "deployments.apps \"nope\" not found");
    assert_eq!(status["reason"], "NotFound");
    let yaml = cluster.send(
        "GET",
        &format!("{DEPLOYMENTS}/web"),
        None,
        "application/yaml",
        Some(DEVELOPER),
    );
    assert_eq!(yaml.content_type, "application/yaml");
    assert!(String::from_utf8_lossy(&yaml.body).contains("kind: Deployment"));

    // A body cut short: the envelope does not parse, so no type is known.
    let truncated = cluster.send(
        "POST",
        DEPLOYMENTS,
        Some((PROTOBUF, body[..body.len() - 3].to_vec())),
        "application/json",
        Some(DEVELOPER),
    );
    assert_eq!(truncated.status, 400);
    let message = truncated.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.starts_with("the object provided is unrecognized (must be of type Deployment): unexpected EOF (6b387300"),
        "{message}"
    );
    // An envelope naming a kind that is not registered.
    let mut foreign = body.clone();
    let at = foreign
        .windows(10)
        .position(|w| w == b"Deployment")
        .expect("kind in the envelope");
    foreign[at..at + 10].copy_from_slice(b"Deploymenx");
    let unknown = cluster.send(
        "POST",
        DEPLOYMENTS,
        Some((PROTOBUF, foreign)),
        "application/json",
        Some(DEVELOPER),
    );
    assert_eq!(unknown.status, 400);
    assert_eq!(
        unknown.json()["message"],
        r#"Deploymenx in version "v1" cannot be handled as a Deployment: no kind "Deploymenx" is registered for version "apps/v1" in scheme "k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:29""#
    );
    // Not protobuf at all.
    let garbage = cluster.send(
        "POST",
        DEPLOYMENTS,
        Some((PROTOBUF, b"{}".to_vec())),
        "application/json",
        Some(DEVELOPER),
    );
    assert_eq!(garbage.status, 400);
    assert_eq!(
        garbage.json()["message"],
        "the object provided is unrecognized (must be of type Deployment): provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ({})"
    );

    // An ImageStream in protobuf: OpenShift's groups are JSON and YAML here.
    let streams = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
    let refused = cluster.send(
        "POST",
        streams,
        Some((PROTOBUF, body.clone())),
        "application/json",
        Some(DEVELOPER),
    );
    assert_eq!(refused.status, 415);
    assert_eq!(
        refused.json(),
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
            "message": "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml",
            "reason": "UnsupportedMediaType", "code": 415})
    );
    // Without a token the answer is 401, authentication coming first.
    let anonymous = cluster.send(
        "POST",
        streams,
        Some((PROTOBUF, body.clone())),
        "application/json",
        None,
    );
    assert_eq!(anonymous.status, 401);
    // kubectl's Accept on an OpenShift list: JSON, as kube-apiserver falls back.
    let listed = cluster.send(
        "GET",
        "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams",
        None,
        KUBECTL_ACCEPT,
        Some(DEVELOPER),
    );
    assert_eq!(
        (listed.status, listed.content_type.as_str()),
        (200, "application/json")
    );
    assert_eq!(listed.json()["kind"], "ImageStreamList");

    // An Accept nothing satisfies: 406, in JSON.
    let refused = cluster.send("GET", DEPLOYMENTS, None, "text/html", Some(DEVELOPER));
    assert_eq!(
        (refused.status, refused.content_type.as_str()),
        (406, "application/json")
    );
    assert_eq!(
        refused.json()["message"],
        "only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf"
    );

    // YAML bodies, as curl users send them.
    let yaml_body = b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: from-yaml\nspec:\n  selector:\n    matchLabels: {app: y}\n  template:\n    metadata:\n      labels: {app: y}\n    spec:\n      containers:\n      - {name: y, image: quay.io/x/y:1}\n".to_vec();
    let created = cluster
        .send(
            "POST",
            DEPLOYMENTS,
            Some(("application/yaml", yaml_body)),
            "application/json",
            Some(DEVELOPER),
        )
        .expect(201);
    assert_eq!(created.json()["metadata"]["name"], "from-yaml");
}

#[test]
fn protobuf_watches_stream_length_prefixed_frames() {
    let cluster = start("protobuf-watch");
    let body = encode_object(&deployment("watched")).expect("encodes");
    let created = cluster.send(
        "POST",
        DEPLOYMENTS,
        Some((PROTOBUF, body)),
        KUBECTL_ACCEPT,
        Some(DEVELOPER),
    );
    assert_eq!(created.status, 201);
    // Without a resourceVersion a watch starts with the objects there are (ADDED), and ends
    // after timeoutSeconds.
    let watch = cluster.send(
        "GET",
        &format!("{DEPLOYMENTS}?watch=true&timeoutSeconds=1"),
        None,
        "application/vnd.kubernetes.protobuf;stream=watch",
        Some(DEVELOPER),
    );
    assert_eq!(watch.status, 200);
    assert_eq!(
        watch.content_type,
        "application/vnd.kubernetes.protobuf;stream=watch"
    );
    let (events, rest) = decode_watch_frames(&watch.body).expect("frames");
    assert!(rest.is_empty(), "only whole frames");
    let added = events
        .iter()
        .find(|e| e["object"]["metadata"]["name"] == "watched")
        .unwrap_or_else(|| panic!("no ADDED event for the deployment: {events:?}"));
    assert_eq!(added["type"], "ADDED");
    assert_eq!(added["object"]["kind"], "Deployment");
    assert_eq!(added["object"]["spec"]["replicas"], 2);
    // A watch from the current version sees a later create as ADDED.
    let version = decode_object(&created.body, ("", "")).expect("object")["metadata"]
        ["resourceVersion"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let client = cluster.client.clone();
    let writer = std::thread::scope(|scope| {
        let watching = scope.spawn(move || {
            client.send(
                "GET",
                &format!("{DEPLOYMENTS}?watch=true&resourceVersion={version}&timeoutSeconds=3"),
                None,
                KUBECTL_ACCEPT,
                Some(DEVELOPER),
            )
        });
        std::thread::sleep(Duration::from_millis(500));
        let later = encode_object(&deployment("later")).expect("encodes");
        let created = cluster.send(
            "POST",
            DEPLOYMENTS,
            Some((PROTOBUF, later)),
            "application/json",
            Some(DEVELOPER),
        );
        assert_eq!(created.status, 201);
        watching.join().expect("the watch ends")
    });
    assert_eq!(
        writer.content_type,
        "application/vnd.kubernetes.protobuf;stream=watch"
    );
    let (events, _) = decode_watch_frames(&writer.body).expect("frames");
    assert!(
        events
            .iter()
            .any(|e| e["type"] == "ADDED" && e["object"]["metadata"]["name"] == "later"),
        "{events:?}"
    );
    // YAML has no stream form.
    let refused = cluster.send(
        "GET",
        &format!("{DEPLOYMENTS}?watch=true"),
        None,
        "application/yaml",
        Some(DEVELOPER),
    );
    assert_eq!(refused.status, 406);
    assert_eq!(
        refused.json()["message"],
        "only the following media types are accepted: application/json;stream=watch, application/vnd.kubernetes.protobuf;stream=watch"
    );
}

/// The JSON of one object as kubectl reads it back (`get … -o json`, what `-o yaml` prints).
fn read_back(cluster: &Cluster, args: &[&str]) -> Value {
    let mut all = vec!["get"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["-o", "json"]);
    let text = cluster.ok(&all);
    serde_json::from_str(&text).unwrap_or_else(|err| panic!("not JSON ({err}): {text}"))
}

/// Runs an imperative kubectl command at -v=8 and checks that its body went as protobuf.
fn create_in_protobuf(cluster: &Cluster, args: &[&str], created: &str) {
    let mut all = args.to_vec();
    all.push("-v=8");
    let log = cluster.ok(&all);
    assert!(log.contains(created), "kubectl {}:\n{log}", args.join(" "));
    assert!(
        log.contains("Content-Type: application/vnd.kubernetes.protobuf"),
        "kubectl {} sent no protobuf body:\n{log}",
        args.join(" ")
    );
}

#[test]
fn kubectl_creates_every_built_in_kind_in_protobuf_and_reads_back_what_it_sent() {
    if !kubectl_available() {
        return;
    }
    let cluster = start("protobuf-kinds");
    use base64::Engine;
    let base64 = |text: &str| base64::engine::general_purpose::STANDARD.encode(text);

    // A secret: data travels as raw bytes in protobuf and reads back as base64.
    create_in_protobuf(
        &cluster,
        &[
            "create",
            "secret",
            "generic",
            "s1",
            "--from-literal=a=b",
            "--from-literal=tab=x\ty",
        ],
        "secret/s1 created",
    );
    let secret = read_back(&cluster, &["secret", "s1"]);
    assert_eq!(
        secret["data"],
        json!({"a": base64("b"), "tab": base64("x\ty")})
    );
    assert_eq!(secret["type"], "Opaque", "the server's default type");

    // A config map (newly served): its data as sent, and kube's NAME DATA AGE columns.
    create_in_protobuf(
        &cluster,
        &[
            "create",
            "configmap",
            "c1",
            "--from-literal=a=b",
            "--from-literal=n=1",
        ],
        "configmap/c1 created",
    );
    let config = read_back(&cluster, &["configmap", "c1"]);
    assert_eq!(config["data"], json!({"a": "b", "n": "1"}));
    let table = cluster.ok(&["get", "configmaps"]);
    let header: Vec<&str> = table
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(header, ["NAME", "DATA", "AGE"], "{table}");
    assert!(
        table
            .lines()
            .any(|l| l.split_whitespace().take(2).eq(["c1", "2"])),
        "{table}"
    );

    create_in_protobuf(
        &cluster,
        &["create", "sa", "sa1"],
        "serviceaccount/sa1 created",
    );
    assert_eq!(
        read_back(&cluster, &["sa", "sa1"])["metadata"]["name"],
        "sa1"
    );

    // batch/v1: a job and a cron job with their templates.
    create_in_protobuf(
        &cluster,
        &["create", "job", "j1", "--image=busybox"],
        "job.batch/j1 created",
    );
    let job = read_back(&cluster, &["job", "j1"]);
    let pod = &job["spec"]["template"]["spec"];
    assert_eq!(pod["containers"][0]["image"], "busybox");
    assert_eq!(pod["containers"][0]["name"], "j1");
    assert_eq!(pod["restartPolicy"], "Never");
    create_in_protobuf(
        &cluster,
        &[
            "create",
            "cronjob",
            "cj1",
            "--image=busybox",
            "--schedule=*/1 * * * *",
        ],
        "cronjob.batch/cj1 created",
    );
    let cron = read_back(&cluster, &["cronjob", "cj1"]);
    assert_eq!(cron["spec"]["schedule"], "*/1 * * * *");
    let template = &cron["spec"]["jobTemplate"];
    assert_eq!(template["metadata"]["name"], "cj1");
    assert_eq!(
        template["spec"]["template"]["spec"]["restartPolicy"],
        "OnFailure"
    );
    assert_eq!(
        template["spec"]["template"]["spec"]["containers"][0]["image"],
        "busybox"
    );

    // A quota (only a cluster admin may create one): quantities as written.
    create_in_protobuf(
        &cluster,
        &[
            "--context",
            "admin",
            "-n",
            "demo",
            "create",
            "quota",
            "q1",
            "--hard=cpu=1,memory=1Gi,pods=2,requests.storage=500m",
        ],
        "resourcequota/q1 created",
    );
    let quota = read_back(
        &cluster,
        &["--context", "admin", "-n", "demo", "quota", "q1"],
    );
    assert_eq!(
        quota["spec"]["hard"],
        json!({"cpu": "1", "memory": "1Gi", "pods": "2", "requests.storage": "500m"})
    );

    // autoscaling/v1: kubectl autoscale reads the deployment and creates the autoscaler.
    cluster.ok(&["create", "deployment", "d1", "--image=busybox"]);
    create_in_protobuf(
        &cluster,
        &[
            "autoscale",
            "deployment",
            "d1",
            "--min=1",
            "--max=3",
            "--cpu-percent=80",
        ],
        "horizontalpodautoscaler.autoscaling/d1 autoscaled",
    );
    let autoscaler = read_back(&cluster, &["hpa", "d1"]);
    assert_eq!(
        autoscaler["spec"],
        json!({"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d1"},
            "minReplicas": 1, "maxReplicas": 3, "targetCPUUtilizationPercentage": 80})
    );
}

#[test]
fn raw_protobuf_bodies_of_the_newer_kinds_and_unserved_paths() {
    let cluster = start("protobuf-newer");
    // binaryData (map<string, bytes>) with bytes that are not UTF-8, read back in protobuf.
    let config = json!({"kind": "ConfigMap", "apiVersion": "v1",
        "metadata": {"name": "bin"}, "data": {"text": "t"}, "binaryData": {"raw": "AP8B"}});
    let configmaps = "/api/v1/namespaces/demo/configmaps";
    let created = cluster
        .send(
            "POST",
            configmaps,
            Some((PROTOBUF, encode_object(&config).expect("encodes"))),
            KUBECTL_ACCEPT,
            Some(DEVELOPER),
        )
        .expect(201);
    assert_eq!(created.content_type, PROTOBUF);
    let read = cluster.send(
        "GET",
        &format!("{configmaps}/bin"),
        None,
        KUBECTL_ACCEPT,
        Some(DEVELOPER),
    );
    let back = decode_object(&read.body, ("", "")).expect("a protobuf ConfigMap");
    assert_eq!(back["binaryData"], json!({"raw": "AP8B"}));
    assert_eq!(back["data"], json!({"text": "t"}));
    let listed = cluster.send("GET", configmaps, None, KUBECTL_ACCEPT, Some(DEVELOPER));
    let list = decode_object(&listed.body, ("", "")).expect("a protobuf list");
    assert_eq!(list["kind"], "ConfigMapList");

    // A job in protobuf (batch was JSON-only before).
    let job = json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "pj"},
        "spec": {"backoffLimit": 0, "template": {"spec": {
            "containers": [{"name": "pj", "image": "busybox"}], "restartPolicy": "Never"}}}});
    let created = cluster
        .send(
            "POST",
            "/apis/batch/v1/namespaces/demo/jobs",
            Some((PROTOBUF, encode_object(&job).expect("encodes"))),
            "application/json",
            Some(DEVELOPER),
        )
        .expect(201);
    assert_eq!(
        created.json()["spec"]["backoffLimit"],
        0,
        "an explicit 0 of a *int32"
    );

    // A path under a namespace that no resource serves is the router's 404, not a body
    // decoded as a Namespace.
    let unserved = cluster.send(
        "POST",
        "/api/v1/namespaces/demo/widgets",
        Some((PROTOBUF, encode_object(&config).expect("encodes"))),
        "application/json",
        Some(DEVELOPER),
    );
    assert_eq!(unserved.status, 404);
    assert_eq!(
        unserved.json()["message"],
        "the server could not find the requested resource"
    );
}
