//! The OpenShift image streams tutorial (../shared/seed, in French) as the real `oc` runs it
//! against devcluster, one test per command: each test sends the requests `oc --loglevel=8`
//! showed for that command (replayed with stock kubectl's `get --raw` / `create --raw` /
//! `delete --raw`, or plain HTTPS where a header matters) and checks what `oc` reads in the
//! answer against what OpenShift answers, as its sources say (openshift-apiserver, oc,
//! library-go, kube-apiserver; each test names the function it follows).
//!
//! Docker Hub is replaced by a loopback `docker-registry` holding `demo/lighttpd` (an image
//! built offline, pushed with skopeo); tests that need it or kubectl skip with a message when
//! the tool is missing, and fail when `CI=true`.
#![cfg(feature = "server")]

mod common;

use common::{
    ca_from_kubeconfig, oci_layout, skopeo_copy, tls_agent, tools_available, Devcluster,
    LocalRegistry, TempDir,
};
use imagestream_devcluster::seed::DEMO_USERS;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_devcluster");
const IMAGE: &str = "/apis/image.openshift.io/v1";
const BROWSER_ACCEPT: &str =
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8";

/// One devcluster over TLS with a console to serve, its kubeconfig, and a client trusting its
/// certificate.
struct Tutorial {
    cluster: Devcluster,
    dir: TempDir,
    kubeconfig: PathBuf,
    agent: ureq::Agent,
}

/// An answer: status, `Content-Type`, body.
struct Answer {
    status: u16,
    content_type: String,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

fn token(user: &str) -> &'static str {
    DEMO_USERS
        .iter()
        .find(|u| u.name == user)
        .map(|u| u.token)
        .expect("a demo user")
}

fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "kubectl is not installed, but CI must run the oc tutorial tests"
        );
        eprintln!("SKIPPED: kubectl is not installed on this machine");
    }
    found
}

impl Tutorial {
    fn start(tag: &str, extra: &[&str]) -> Self {
        let dir = TempDir::new(tag);
        let dist = dir.0.join("dist");
        std::fs::create_dir_all(&dist).expect("dist directory");
        std::fs::write(
            dist.join("index.html"),
            "<!DOCTYPE html><html><body>console</body></html>",
        )
        .expect("index.html");
        let kubeconfig = dir.0.join("kubeconfig");
        let mut args: Vec<String> = ["--listen", "127.0.0.1:0", "--tls", "--dist"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.push(dist.display().to_string());
        args.push("--kubeconfig".into());
        args.push(kubeconfig.display().to_string());
        args.extend(extra.iter().map(|s| s.to_string()));
        let cluster = Devcluster::start(BINARY, &args, &dir.0.join("stderr.log"));
        let agent = tls_agent(Some(&ca_from_kubeconfig(&kubeconfig)));
        Tutorial {
            cluster,
            dir,
            kubeconfig,
            agent,
        }
    }

    /// A request as `user` (no `Authorization` for `None`) with the given headers.
    fn send(
        &self,
        method: &str,
        path: &str,
        user: Option<&str>,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Answer {
        let url = format!("{}{path}", self.cluster.base);
        let mut request = ureq::http::Request::builder().method(method).uri(&url);
        if let Some(user) = user {
            request = request.header("Authorization", format!("Bearer {}", token(user)));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        if body.is_some() {
            request = request.header("Content-Type", "application/json");
        }
        let request = request.body(bytes).expect("a request");
        let mut response = self
            .agent
            .run(request)
            .unwrap_or_else(|err| panic!("{method} {path}: {err}"));
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        Answer {
            status: response.status().as_u16(),
            content_type,
            body: response.body_mut().read_to_vec().unwrap_or_default(),
        }
    }

    fn get(&self, path: &str, user: &str) -> Answer {
        self.send(
            "GET",
            path,
            Some(user),
            &[("Accept", "application/json")],
            None,
        )
    }

    /// `GET` as `user`, which must succeed: the JSON answer.
    fn read(&self, path: &str, user: &str) -> Value {
        let answer = self.get(path, user);
        assert_eq!(
            answer.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()
    }

    /// A POST that must create: the JSON answer.
    fn created(&self, path: &str, user: &str, body: &Value) -> Value {
        let answer = self.post(path, user, body);
        assert_eq!(
            answer.status,
            201,
            "{path}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()
    }

    /// A POST the server refuses: its status code and the Status message (what oc prints after
    /// `Error from server (Reason): `).
    fn refusal(&self, path: &str, user: &str, body: &Value) -> (u16, String) {
        let answer = self.post(path, user, body);
        let message = answer.json()["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        (answer.status, message)
    }

    fn post(&self, path: &str, user: &str, body: &Value) -> Answer {
        self.send(
            "POST",
            path,
            Some(user),
            &[("Accept", "application/json")],
            Some(body),
        )
    }

    /// `GET` with `oc get`'s Accept: a server-side Table.
    fn table(&self, path: &str, user: &str) -> Value {
        let answer = self.send(
            "GET",
            path,
            Some(user),
            &[(
                "Accept",
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json",
            )],
            None,
        );
        assert_eq!(
            answer.status,
            200,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        answer.json()
    }

    /// Stock kubectl as `user` (its kubeconfig context of that name): (success, stdout, stderr).
    fn kubectl(&self, user: &str, args: &[&str]) -> (bool, String, String) {
        let output = Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--context")
            .arg(user)
            .arg("--request-timeout=20s")
            .args(args)
            .output()
            .expect("kubectl runs");
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).trim().to_owned(),
        )
    }

    /// `kubectl create --raw PATH -f BODY`: the POST oc sends, and its JSON answer.
    fn create_raw(&self, user: &str, path: &str, body: &Value) -> Result<Value, String> {
        let file = self
            .dir
            .0
            .join(format!("body-{}.json", body.to_string().len()));
        std::fs::write(&file, body.to_string()).expect("body file");
        let file = file.display().to_string();
        match self.kubectl(user, &["create", "--raw", path, "-f", &file]) {
            (true, out, _) => Ok(serde_json::from_str(&out).unwrap_or(Value::Null)),
            (false, _, err) => Err(err),
        }
    }

    fn get_raw(&self, user: &str, path: &str) -> Result<Value, String> {
        match self.kubectl(user, &["get", "--raw", path]) {
            (true, out, _) => Ok(serde_json::from_str(&out).unwrap_or(Value::Null)),
            (false, _, err) => Err(err),
        }
    }

    /// Creates project `name` as `user` (`oc new-project`'s POST).
    fn new_project(&self, name: &str, user: &str) {
        let request = json!({"kind": "ProjectRequest", "apiVersion": "project.openshift.io/v1", "metadata": {"name": name}});
        self.created(
            "/apis/project.openshift.io/v1/projectrequests",
            user,
            &request,
        );
    }

    /// Polls `path` as `user` until `done` holds (at most 20 s).
    fn wait_for(&self, path: &str, user: &str, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let answer = self.get(path, user);
            let value = answer.json();
            if answer.status == 200 && done(&value) {
                return value;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "{path} did not get there within 20 s: {value}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Column titles of a Table.
fn columns(table: &Value) -> Vec<String> {
    table["columnDefinitions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_owned))
        .collect()
}

/// The cells of the row whose first cell is `name`.
fn row(table: &Value, name: &str) -> Vec<Value> {
    table["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["cells"][0] == name)
        .and_then(|r| r["cells"].as_array().cloned())
        .unwrap_or_else(|| panic!("no row {name} in {table}"))
}

/// A loopback registry holding `demo/lighttpd:latest` (what `gists/lighttpd` is on Docker Hub
/// in the tutorial), or `None` when the tools are missing.
fn lighttpd_registry(dir: &Path) -> Option<LocalRegistry> {
    if !tools_available() {
        return None;
    }
    let registry = LocalRegistry::start();
    let layout = oci_layout(dir, false);
    skopeo_copy(
        dir,
        &layout,
        &format!("{}/demo/lighttpd:latest", registry.host()),
        &[],
    );
    skopeo_copy(
        dir,
        &layout,
        &format!("{}/library/nginx:latest", registry.host()),
        &[],
    );
    Some(registry)
}

#[test]
fn oc_login_sees_an_api_server_at_the_root_and_a_browser_the_console() {
    let tutorial = Tutorial::start("oc-login", &[]);
    // oc login's dialToServer: `HEAD /` with no Accept and no token; any `text/html` answer
    // is "Seems you passed an HTML page (console?) instead of server URL."
    let head = tutorial.send("HEAD", "/", None, &[], None);
    assert!(
        head.content_type.starts_with("application/json"),
        "HEAD / answered {}",
        head.content_type
    );
    assert!(head.body.is_empty(), "HEAD has no body");
    // kube-apiserver's Index route: the sorted paths it serves, as RootPaths JSON.
    let root = tutorial.send("GET", "/", Some("developer"), &[("Accept", "*/*")], None);
    assert_eq!(
        (root.status, root.content_type.as_str()),
        (200, "application/json")
    );
    let paths: Vec<String> = serde_json::from_value(root.json()["paths"].clone()).expect("paths");
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "the index is sorted");
    for path in [
        "/api",
        "/api/v1",
        "/apis",
        "/apis/image.openshift.io/v1",
        "/version",
    ] {
        assert!(
            paths.iter().any(|p| p == path),
            "{path} missing from {paths:?}"
        );
    }
    let head = tutorial.send("HEAD", "/", Some("developer"), &[], None);
    assert_eq!(
        (head.status, head.content_type.as_str()),
        (200, "application/json")
    );
    // A browser's page load still gets the console.
    let page = tutorial.send("GET", "/", None, &[("Accept", BROWSER_ACCEPT)], None);
    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(String::from_utf8_lossy(&page.body).contains("console"));
    // oc login then lists the projects: the token is good.
    let projects = tutorial.read("/apis/project.openshift.io/v1/projects", "developer");
    let names: Vec<&str> = projects["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| p["metadata"]["name"].as_str())
        .collect();
    assert_eq!(names, ["demo", "openshift"]);
}

#[test]
fn oc_whoami_reads_users_tilde() {
    if !kubectl_available() {
        return;
    }
    let tutorial = Tutorial::start("oc-whoami", &[]);
    // `oc whoami`: GET users/~, printing metadata.name. (`oc whoami -t` prints the token of
    // the kubeconfig and asks the server nothing.)
    let user = tutorial
        .get_raw("developer", "/apis/user.openshift.io/v1/users/~")
        .expect("users/~");
    assert_eq!(user["kind"], "User");
    assert_eq!(user["metadata"]["name"], "developer");
    assert!(user["groups"]
        .as_array()
        .is_some_and(|g| g.contains(&json!("system:authenticated"))));
    // Another user's record is not for a developer (basic-user only allows "~").
    let err = tutorial
        .get_raw("developer", "/apis/user.openshift.io/v1/users/admin")
        .expect_err("forbidden");
    assert_eq!(
        err,
        r#"Error from server (Forbidden): users.user.openshift.io "admin" is forbidden: User "developer" cannot get resource "users" in API group "user.openshift.io" at the cluster scope"#
    );
}

#[test]
fn oc_new_project_asks_then_requests_a_project() {
    if !kubectl_available() {
        return;
    }
    let tutorial = Tutorial::start("oc-new-project", &[]);
    let requests = "/apis/project.openshift.io/v1/projectrequests";
    // openshift-apiserver's projectrequest REST List: a bare Status Success for a user who
    // may self-provision.
    let may = tutorial
        .get_raw("developer", requests)
        .expect("list projectrequests");
    assert_eq!(
        may,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"})
    );
    let request = |name: &str| json!({"kind": "ProjectRequest", "apiVersion": "project.openshift.io/v1", "metadata": {"name": name, "annotations": {}}, "displayName": "", "description": ""});
    let project = tutorial
        .create_raw("developer", requests, &request("advanced"))
        .expect("project created");
    assert_eq!(project["kind"], "Project");
    assert_eq!(project["metadata"]["name"], "advanced");
    // The default project template's annotations.
    assert_eq!(
        project["metadata"]["annotations"],
        json!({"openshift.io/description": "", "openshift.io/display-name": "", "openshift.io/requester": "developer"})
    );
    assert_eq!(project["status"]["phase"], "Active");
    // The requester is the project's admin: oc switches to it and may use it.
    assert_eq!(
        tutorial
            .get(
                "/apis/project.openshift.io/v1/projects/advanced",
                "developer"
            )
            .status,
        200
    );
    // What oc prints when it cannot (its errors are the Status messages).
    let again = tutorial
        .create_raw("developer", requests, &request("advanced"))
        .expect_err("exists");
    assert_eq!(
        again,
        r#"Error from server (AlreadyExists): project.project.openshift.io "advanced" already exists"#
    );
    let reserved = tutorial
        .create_raw("developer", requests, &request("openshift-x"))
        .expect_err("reserved prefix");
    assert_eq!(
        reserved,
        r#"Error from server (Forbidden): project.project.openshift.io "openshift-x" is forbidden: cannot request a project starting with "openshift-""#
    );
    let bad = tutorial.post(requests, "developer", &request("Bad"));
    assert_eq!(bad.status, 422);
    assert!(bad.json()["message"]
        .as_str()
        .is_some_and(|m| m.starts_with(r#"ProjectRequest.project.openshift.io "Bad" is invalid: metadata.name: Invalid value: "Bad": a lowercase RFC 1123 label"#)));
}

#[test]
fn oc_get_is_in_openshift_prints_the_image_stream_columns() {
    let tutorial = Tutorial::start("oc-get-is", &[]);
    // openshift-apiserver's image printers: NAME, IMAGE REPOSITORY, TAGS, UPDATED.
    let table = tutorial.table(
        &format!("{IMAGE}/namespaces/openshift/imagestreams"),
        "developer",
    );
    assert_eq!(
        columns(&table),
        ["Name", "Image Repository", "Tags", "Updated"]
    );
    let mongodb = row(&table, "mongodb");
    assert!(mongodb[1]
        .as_str()
        .is_some_and(|r| r.ends_with("/openshift/mongodb")));
    assert_eq!(mongodb[2], "3.6,latest");
    assert!(mongodb[3].as_str().is_some_and(|u| u.ends_with(" ago")));
}

#[test]
fn oc_describe_is_mongodb_reads_the_stream_and_its_history() {
    let tutorial = Tutorial::start("oc-describe-is", &[]);
    let stream = tutorial.read(
        &format!("{IMAGE}/namespaces/openshift/imagestreams/mongodb"),
        "developer",
    );
    // What the describer prints: the spec tags (latest tracks 3.6), each status tag's history
    // newest first, pull specs by digest.
    let latest = stream["spec"]["tags"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["name"] == "latest"))
        .expect("latest");
    assert_eq!(
        latest["from"],
        json!({"kind": "ImageStreamTag", "name": "3.6"})
    );
    let history = stream["status"]["tags"]
        .as_array()
        .and_then(|t| t.iter().find(|t| t["tag"] == "3.6"))
        .expect("3.6 history");
    let items = history["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    assert!(items[0]["created"].as_str() > items[1]["created"].as_str());
    assert!(items[0]["dockerImageReference"]
        .as_str()
        .is_some_and(|r| r.contains("@sha256:")));
}

#[test]
fn oc_describe_istag_reads_the_image_metadata() {
    let tutorial = Tutorial::start("oc-describe-istag", &[]);
    let istag = tutorial.read(
        &format!("{IMAGE}/namespaces/openshift/imagestreamtags/mongodb:latest"),
        "developer",
    );
    assert_eq!(istag["kind"], "ImageStreamTag");
    // oc's DescribeImage runs library-go's ImageWithMetadata and needs a DockerImage in
    // image.dockerImageMetadata, else "error: unable to read image metadata".
    let image = &istag["image"];
    assert_eq!(image["dockerImageMetadataVersion"], "1.0");
    let metadata = &image["dockerImageMetadata"];
    assert_eq!(
        (metadata["kind"].as_str(), metadata["apiVersion"].as_str()),
        (Some("DockerImage"), Some("1.0"))
    );
    assert_eq!(metadata["Architecture"], "amd64");
    assert!(metadata["Size"].as_i64().is_some_and(|s| s > 0));
    assert!(metadata["Config"]["ExposedPorts"]
        .get("27017/tcp")
        .is_some());
    assert!(metadata["Created"].is_string());
    // "Image Size: X in N layers" and the layers' sizes.
    let layers = image["dockerImageLayers"].as_array().expect("layers");
    assert!(!layers.is_empty() && layers.iter().all(|l| l["size"].as_i64().is_some()));
    // The raw manifest and config are stripped from ImageStreamTags.
    assert!(image.get("dockerImageManifest").is_none());
    // The alias and its target are the same image.
    let target = tutorial.read(
        &format!("{IMAGE}/namespaces/openshift/imagestreamtags/mongodb:3.6"),
        "developer",
    );
    assert_eq!(
        target["image"]["metadata"]["name"],
        image["metadata"]["name"]
    );
    // `oc get istag`: NAME, IMAGE REFERENCE, UPDATED.
    let table = tutorial.table(
        &format!("{IMAGE}/namespaces/openshift/imagestreamtags"),
        "developer",
    );
    assert_eq!(columns(&table), ["Name", "Image Reference", "Updated"]);
    assert_eq!(
        row(&table, "mongodb:latest")[1],
        image["dockerImageReference"]
    );
}

#[test]
fn oc_import_image_creates_the_stream_and_answers_the_whole_import() {
    let tutorial = Tutorial::start("oc-import-image", &[]);
    let Some(registry) = lighttpd_registry(&tutorial.dir.0) else {
        return;
    };
    let from = format!("{}/library/nginx", registry.host());
    // oc import-image nginx --from=… --confirm --insecure
    let request = json!({"kind": "ImageStreamImport", "apiVersion": "image.openshift.io/v1", "metadata": {"name": "nginx", "namespace": "demo"}, "spec": {"import": true, "images": [{"from": {"kind": "DockerImage", "name": from}, "to": {"name": "latest"}, "importPolicy": {"insecure": true, "importMode": "Legacy"}, "referencePolicy": {"type": "Source"}}]}, "status": {}});
    let answer = tutorial.created(
        &format!("{IMAGE}/namespaces/demo/imagestreamimports"),
        "developer",
        &request,
    );
    let isi = answer;
    // The whole object comes back (openshift-apiserver's imagestreamimport REST Create):
    // the spec as defaulted, one status per spec image, and the stream it wrote.
    assert_eq!(isi["spec"]["images"][0]["from"]["name"], from.as_str());
    assert_eq!(isi["spec"]["images"][0]["to"]["name"], "latest");
    assert_eq!(isi["status"]["images"].as_array().map(Vec::len), Some(1));
    assert_eq!(isi["status"]["images"][0]["status"]["status"], "Success");
    let image = &isi["status"]["images"][0]["image"];
    assert_eq!(image["dockerImageMetadata"]["kind"], "DockerImage");
    // The created Image, as the server stored it.
    assert!(image["metadata"]["creationTimestamp"].is_string());
    assert!(image.get("dockerImageManifest").is_none());
    assert_eq!(isi["status"]["import"]["metadata"]["name"], "nginx");
    let digest = image["metadata"]["name"].as_str().expect("digest");
    let events = &isi["status"]["import"]["status"]["tags"][0];
    assert_eq!(
        (events["tag"].as_str(), events["items"][0]["image"].as_str()),
        (Some("latest"), Some(digest))
    );
}

#[test]
fn oc_delete_is_removes_the_stream() {
    if !kubectl_available() {
        return;
    }
    let tutorial = Tutorial::start("oc-delete-is", &[]);
    let stream = json!({"apiVersion": "image.openshift.io/v1", "kind": "ImageStream", "metadata": {"name": "nginx"}});
    tutorial
        .create_raw(
            "developer",
            &format!("{IMAGE}/namespaces/demo/imagestreams"),
            &stream,
        )
        .expect("created");
    let (deleted, _, err) = tutorial.kubectl(
        "developer",
        &[
            "delete",
            "--raw",
            &format!("{IMAGE}/namespaces/demo/imagestreams/nginx"),
        ],
    );
    assert!(deleted, "{err}");
    let gone = tutorial
        .get_raw(
            "developer",
            &format!("{IMAGE}/namespaces/demo/imagestreams/nginx"),
        )
        .expect_err("gone");
    assert_eq!(
        gone,
        r#"Error from server (NotFound): imagestreams.image.openshift.io "nginx" not found"#
    );
}

/// `oc new-app REGISTRY/demo/lighttpd --insecure-registry` in project `advanced`: the look-up,
/// then the three objects oc creates (its request bodies, as oc --loglevel=8 showed them).
fn new_app(tutorial: &Tutorial, registry: &LocalRegistry) -> Value {
    let from = format!("{}/demo/lighttpd", registry.host());
    let lookup = json!({"kind": "ImageStreamImport", "apiVersion": "image.openshift.io/v1", "metadata": {"name": "newapp"}, "spec": {"import": false, "images": [{"from": {"kind": "DockerImage", "name": from}, "importPolicy": {"insecure": true}, "referencePolicy": {"type": ""}}]}, "status": {}});
    let answer = tutorial.created(
        &format!("{IMAGE}/namespaces/advanced/imagestreamimports"),
        "developer",
        &lookup,
    );
    let stream = json!({"apiVersion": "image.openshift.io/v1", "kind": "ImageStream", "metadata": {"annotations": {"openshift.io/generated-by": "OpenShiftNewApp"}, "labels": {"app": "lighttpd"}, "name": "lighttpd"}, "spec": {"lookupPolicy": {"local": false}, "tags": [{"annotations": {"openshift.io/imported-from": from}, "from": {"kind": "DockerImage", "name": from}, "generation": null, "importPolicy": {"importMode": "Legacy", "insecure": true}, "name": "latest", "referencePolicy": {"type": ""}}]}, "status": {"dockerImageRepository": ""}});
    let trigger = r#"[{"from":{"kind":"ImageStreamTag","name":"lighttpd:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\"lighttpd\")].image"}]"#;
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"annotations": {"image.openshift.io/triggers": trigger, "openshift.io/generated-by": "OpenShiftNewApp"}, "labels": {"app": "lighttpd"}, "name": "lighttpd"}, "spec": {"replicas": 1, "selector": {"matchLabels": {"deployment": "lighttpd"}}, "strategy": {}, "template": {"metadata": {"labels": {"deployment": "lighttpd"}}, "spec": {"containers": [{"image": " ", "name": "lighttpd", "ports": [{"containerPort": 80, "protocol": "TCP"}], "resources": {}}]}}}, "status": {}});
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"labels": {"app": "lighttpd"}, "name": "lighttpd"}, "spec": {"ports": [{"name": "80-tcp", "port": 80, "protocol": "TCP", "targetPort": 80}], "selector": {"deployment": "lighttpd"}}, "status": {"loadBalancer": {}}});
    for (path, object) in [
        (format!("{IMAGE}/namespaces/advanced/imagestreams"), stream),
        (
            "/apis/apps/v1/namespaces/advanced/deployments".to_owned(),
            deployment,
        ),
        ("/api/v1/namespaces/advanced/services".to_owned(), service),
    ] {
        let created = tutorial.post(&path, "developer", &object);
        assert_eq!(
            created.status,
            201,
            "{path}: {}",
            String::from_utf8_lossy(&created.body)
        );
    }
    answer
}

#[test]
fn oc_new_app_finds_the_image_and_its_deployment_follows_the_stream() {
    let tutorial = Tutorial::start("oc-new-app", &[]);
    let Some(registry) = lighttpd_registry(&tutorial.dir.0) else {
        return;
    };
    tutorial.new_project("advanced", "developer");
    let lookup = new_app(&tutorial, &registry);
    // oc's ImageImportSearcher reads result.Spec.Images[i] beside result.Status.Images[i]:
    // both present, the same length, in the same order.
    let specs = lookup["spec"]["images"].as_array().expect("spec.images");
    let statuses = lookup["status"]["images"]
        .as_array()
        .expect("status.images");
    assert_eq!(specs.len(), statuses.len());
    assert_eq!(
        specs[0]["from"]["name"],
        format!("{}/demo/lighttpd", registry.host()).as_str()
    );
    assert_eq!(statuses[0]["status"]["status"], "Success");
    assert_eq!(lookup["spec"]["import"], false);
    assert!(
        lookup["status"].get("import").is_none(),
        "a look-up stores nothing"
    );
    // "Found container image … (2 years old)": the image's DockerImage metadata and ports.
    let metadata = &statuses[0]["image"]["dockerImageMetadata"];
    assert_eq!(metadata["Created"], "2024-01-02T03:04:05Z");
    assert!(metadata["Config"]["ExposedPorts"].get("8080/tcp").is_some());
    // oc describe deployment lighttpd: the trigger controller resolved the image by digest.
    let deployment = tutorial.wait_for(
        "/apis/apps/v1/namespaces/advanced/deployments/lighttpd",
        "developer",
        |d| {
            d.pointer("/spec/template/spec/containers/0/image")
                .and_then(Value::as_str)
                .is_some_and(|i| i.contains("@sha256:"))
        },
    );
    let image = deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap_or_default();
    assert!(
        image.starts_with(&format!("{}/demo/lighttpd@sha256:", registry.host())),
        "{image}"
    );
    // kube's Deployment defaults for the empty strategy oc sends.
    assert_eq!(
        deployment["spec"]["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}})
    );
    assert!(
        deployment["metadata"]["annotations"]["image.openshift.io/triggers"]
            .as_str()
            .is_some_and(|t| t.contains("lighttpd:latest"))
    );
}

#[test]
fn oc_rollout_status_watches_the_deployment_until_it_is_rolled_out() {
    let tutorial = Tutorial::start("oc-rollout-status", &[]);
    let Some(registry) = lighttpd_registry(&tutorial.dir.0) else {
        return;
    };
    tutorial.new_project("advanced", "developer");
    new_app(&tutorial, &registry);
    let path = "/apis/apps/v1/namespaces/advanced/deployments";
    tutorial.wait_for(&format!("{path}/lighttpd"), "developer", |d| {
        d.pointer("/status/observedGeneration") == d.pointer("/metadata/generation")
            && d.pointer("/status/availableReplicas") == Some(&json!(1))
    });
    // oc's client-go asks for a watch list: the current objects, then a BOOKMARK marked as the
    // end of the initial events (the apiserver's watch cache sends it so).
    let url = format!("{}{path}?allowWatchBookmarks=true&fieldSelector=metadata.name%3Dlighttpd&resourceVersionMatch=NotOlderThan&sendInitialEvents=true&timeoutSeconds=2&watch=true", tutorial.cluster.base);
    let response = tutorial
        .agent
        .get(&url)
        .header("Authorization", format!("Bearer {}", token("developer")))
        .call()
        .expect("watch");
    assert_eq!(response.status(), 200);
    let lines: Vec<Value> = BufReader::new(response.into_body().into_reader())
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .take(2)
        .collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0]["type"], "ADDED");
    assert_eq!(lines[0]["object"]["metadata"]["name"], "lighttpd");
    assert_eq!(lines[1]["type"], "BOOKMARK");
    assert_eq!(
        lines[1]["object"]["metadata"]["annotations"]["k8s.io/initial-events-end"],
        "true"
    );
    // kubectl's rollout status (DeploymentStatusViewer) is done when the generation is
    // observed, every replica updated and available, and Progressing is not timed out.
    let deployment = &lines[0]["object"];
    let status = &deployment["status"];
    assert_eq!(
        status["observedGeneration"],
        deployment["metadata"]["generation"]
    );
    assert_eq!(status["updatedReplicas"], deployment["spec"]["replicas"]);
    assert_eq!(status["availableReplicas"], status["updatedReplicas"]);
    let progressing = status["conditions"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "Progressing"))
        .expect("Progressing");
    assert_eq!(progressing["reason"], "NewReplicaSetAvailable");
    // Asked without the bookmarks it needs, the server refuses as kube's ValidateListOptions.
    let refused = tutorial.get(
        &format!("{path}?sendInitialEvents=true&resourceVersionMatch=NotOlderThan&watch=true"),
        "developer",
    );
    assert_eq!(refused.status, 422);
    assert_eq!(
        refused.json()["message"],
        r#"ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true"#
    );
}

#[test]
fn oc_tag_copies_an_image_and_tracks_a_tag() {
    let tutorial = Tutorial::start("oc-tag", &[]);
    let nginx = tutorial.read(
        &format!("{IMAGE}/namespaces/openshift/imagestreamtags/nginx:latest"),
        "developer",
    );
    let digest = nginx["image"]["metadata"]["name"]
        .as_str()
        .expect("digest")
        .to_owned();
    // oc tag openshift/nginx:latest nginx2:1.0 — a PUT (404 for a new tag), then this POST.
    let istag = |tag: &str, from: Value| json!({"kind": "ImageStreamTag", "apiVersion": "image.openshift.io/v1", "metadata": {"name": format!("nginx2:{tag}"), "namespace": "demo"}, "tag": {"name": tag, "annotations": null, "from": from, "generation": null, "importPolicy": {"importMode": "Legacy"}, "referencePolicy": {"type": "Source"}}, "generation": 0, "lookupPolicy": {"local": false}, "image": {"metadata": {}, "dockerImageMetadata": null}});
    let put = tutorial.send(
        "PUT",
        &format!("{IMAGE}/namespaces/demo/imagestreamtags/nginx2:1.0"),
        Some("developer"),
        &[],
        Some(&istag("1.0", json!({}))),
    );
    assert_eq!(put.status, 404);
    let source = json!({"kind": "ImageStreamImage", "namespace": "openshift", "name": format!("nginx@{digest}")});
    let created = tutorial.post(
        &format!("{IMAGE}/namespaces/demo/imagestreamtags"),
        "developer",
        &istag("1.0", source),
    );
    assert_eq!(
        created.status,
        201,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    // The server records the image in the new stream at once (openshift-apiserver's image
    // stream strategy, tagsChanged).
    assert_eq!(created.json()["image"]["metadata"]["name"], digest.as_str());
    // oc tag --alias nginx2:1.0 nginx2:latest: latest tracks 1.0 (UpdateTrackingTags).
    let alias = tutorial.post(
        &format!("{IMAGE}/namespaces/demo/imagestreamtags"),
        "developer",
        &istag(
            "latest",
            json!({"kind": "ImageStreamTag", "name": "nginx2:1.0"}),
        ),
    );
    assert_eq!(
        alias.status,
        201,
        "{}",
        String::from_utf8_lossy(&alias.body)
    );
    let table = tutorial.table(
        &format!("{IMAGE}/namespaces/demo/imagestreams"),
        "developer",
    );
    assert_eq!(row(&table, "nginx2")[2], "1.0,latest");
    // A source that is not there is refused by the same strategy.
    let missing = tutorial.post(
        &format!("{IMAGE}/namespaces/demo/imagestreamtags"),
        "developer",
        &{
            let mut body = istag(
                "x",
                json!({"kind": "ImageStreamTag", "namespace": "openshift", "name": "nope:latest"}),
            );
            body["metadata"]["name"] = json!("nginx3:x");
            body
        },
    );
    assert_eq!(missing.status, 422);
    assert!(missing.json()["message"]
        .as_str()
        .is_some_and(|m| m.contains(r#"spec.tags[x].from.name: Not found: "nope:latest""#)));
}

#[test]
fn oc_set_triggers_reads_the_trigger_annotation_back() {
    let tutorial = Tutorial::start("oc-set-triggers", &[]);
    let trigger = r#"[{"from":{"kind":"ImageStreamTag","name":"httpd:latest","namespace":"openshift"},"fieldPath":"spec.template.spec.containers[?(@.name==\"web\")].image"}]"#;
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "annotations": {"image.openshift.io/triggers": trigger}}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": " "}]}}}});
    assert_eq!(
        tutorial
            .post(
                "/apis/apps/v1/namespaces/demo/deployments",
                "developer",
                &deployment
            )
            .status,
        201
    );
    // oc set triggers prints TYPE image / VALUE httpd:latest (web) from this annotation, and
    // the trigger controller resolved the image the annotation names (Local policy: the
    // integrated registry's pull spec by digest).
    let read = tutorial.wait_for(
        "/apis/apps/v1/namespaces/demo/deployments/web",
        "developer",
        |d| {
            d.pointer("/spec/template/spec/containers/0/image")
                .and_then(Value::as_str)
                .is_some_and(|i| i.contains("/openshift/httpd@sha256:"))
        },
    );
    assert_eq!(
        read["metadata"]["annotations"]["image.openshift.io/triggers"],
        trigger
    );
}

/// The resources in the `all` category on OpenShift that devcluster serves (kube's: pods,
/// replicationcontrollers, services, daemonsets, deployments, replicasets, statefulsets,
/// horizontalpodautoscalers, cronjobs, jobs; OpenShift's: deploymentconfigs, buildconfigs,
/// builds, imagestreams, routes).
const ALL: &[(&str, &str)] = &[
    ("/api/v1", "pods"),
    ("/api/v1", "replicationcontrollers"),
    ("/api/v1", "services"),
    ("/apis/apps/v1", "daemonsets"),
    ("/apis/apps/v1", "deployments"),
    ("/apis/apps/v1", "replicasets"),
    ("/apis/apps/v1", "statefulsets"),
    ("/apis/autoscaling/v1", "horizontalpodautoscalers"),
    ("/apis/batch/v1", "cronjobs"),
    ("/apis/batch/v1", "jobs"),
    ("/apis/apps.openshift.io/v1", "deploymentconfigs"),
    ("/apis/build.openshift.io/v1", "buildconfigs"),
    ("/apis/build.openshift.io/v1", "builds"),
    ("/apis/image.openshift.io/v1", "imagestreams"),
    ("/apis/route.openshift.io/v1", "routes"),
];

#[test]
fn oc_get_all_lists_the_all_category_with_its_columns() {
    let tutorial = Tutorial::start("oc-get-all", &[]);
    // Discovery puts exactly these in `all`.
    let mut in_all = Vec::new();
    for group_version in [
        "/api/v1",
        "/apis/apps/v1",
        "/apis/autoscaling/v1",
        "/apis/batch/v1",
        "/apis/apps.openshift.io/v1",
        "/apis/build.openshift.io/v1",
        "/apis/image.openshift.io/v1",
        "/apis/route.openshift.io/v1",
    ] {
        let list = tutorial.get(group_version, "developer").json();
        for resource in list["resources"].as_array().into_iter().flatten() {
            if resource["categories"]
                .as_array()
                .is_some_and(|c| c.contains(&json!("all")))
            {
                in_all.push((
                    group_version,
                    resource["name"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
    }
    let expected: Vec<(&str, String)> = ALL.iter().map(|(g, r)| (*g, (*r).to_owned())).collect();
    let mut sorted = in_all.clone();
    sorted.sort();
    let mut wanted = expected.clone();
    wanted.sort();
    assert_eq!(sorted, wanted);
    // Each lists as a Table with kube's (or openshift-apiserver's) columns.
    let expected_columns: &[(&str, &[&str])] = &[
        (
            "replicationcontrollers",
            &["Name", "Desired", "Current", "Ready", "Age"],
        ),
        (
            "daemonsets",
            &[
                "Name",
                "Desired",
                "Current",
                "Ready",
                "Up-to-date",
                "Available",
                "Node Selector",
                "Age",
            ],
        ),
        ("statefulsets", &["Name", "Ready", "Age"]),
        (
            "horizontalpodautoscalers",
            &[
                "Name",
                "Reference",
                "Targets",
                "MinPods",
                "MaxPods",
                "Replicas",
                "Age",
            ],
        ),
        (
            "cronjobs",
            &[
                "Name",
                "Schedule",
                "Timezone",
                "Suspend",
                "Active",
                "Last Schedule",
                "Age",
            ],
        ),
        (
            "jobs",
            &["Name", "Status", "Completions", "Duration", "Age"],
        ),
        (
            "deploymentconfigs",
            &["Name", "Revision", "Desired", "Current", "Triggered By"],
        ),
        ("buildconfigs", &["Name", "Type", "From", "Latest"]),
        (
            "builds",
            &["Name", "Type", "From", "Status", "Started", "Duration"],
        ),
        (
            "routes",
            &[
                "Name",
                "Host/Port",
                "Path",
                "Services",
                "Port",
                "Termination",
                "Wildcard",
            ],
        ),
    ];
    for (group_version, resource) in ALL {
        let table = tutorial.table(
            &format!("{group_version}/namespaces/demo/{resource}"),
            "developer",
        );
        assert_eq!(table["kind"], "Table", "{resource}");
        if let Some((_, names)) = expected_columns.iter().find(|(r, _)| r == resource) {
            assert_eq!(columns(&table), *names, "{resource}");
        }
    }
}

#[test]
fn oc_delete_all_deletes_what_the_all_category_lists() {
    let tutorial = Tutorial::start("oc-delete-all", &[]);
    let route = json!({"apiVersion": "route.openshift.io/v1", "kind": "Route", "metadata": {"name": "web"}, "spec": {"to": {"kind": "Service", "name": "web"}}});
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}});
    assert_eq!(
        tutorial
            .post(
                "/apis/route.openshift.io/v1/namespaces/demo/routes",
                "developer",
                &route
            )
            .status,
        201
    );
    assert_eq!(
        tutorial
            .post("/api/v1/namespaces/demo/services", "developer", &service)
            .status,
        201
    );
    // oc delete all --all: a list of each, then a DELETE of each item.
    for (group_version, resource) in ALL {
        let list = tutorial.read(
            &format!("{group_version}/namespaces/demo/{resource}"),
            "developer",
        );
        for item in list["items"].as_array().into_iter().flatten() {
            let name = item["metadata"]["name"].as_str().unwrap_or_default();
            let deleted = tutorial.send(
                "DELETE",
                &format!("{group_version}/namespaces/demo/{resource}/{name}"),
                Some("developer"),
                &[],
                None,
            );
            assert_eq!(deleted.status, 200, "{resource}/{name}");
        }
    }
    for (group_version, resource) in ALL {
        let list = tutorial.read(
            &format!("{group_version}/namespaces/demo/{resource}"),
            "developer",
        );
        assert_eq!(list["items"], json!([]), "{resource} left");
    }
}

#[test]
fn oc_status_finds_every_resource_it_reads_and_may_request_projects() {
    let tutorial = Tutorial::start("oc-status", &[]);
    // What `oc status` lists (its project status describer); each must be served, empty.
    for path in [
        "/api/v1/namespaces/demo/persistentvolumeclaims",
        "/api/v1/namespaces/demo/replicationcontrollers",
        "/api/v1/namespaces/demo/secrets",
        "/api/v1/namespaces/demo/serviceaccounts",
        "/apis/apps.openshift.io/v1/namespaces/demo/deploymentconfigs",
        "/apis/apps/v1/namespaces/demo/daemonsets",
        "/apis/apps/v1/namespaces/demo/statefulsets",
        "/apis/autoscaling/v1/namespaces/demo/horizontalpodautoscalers",
        "/apis/batch/v1/namespaces/demo/jobs",
        "/apis/build.openshift.io/v1/namespaces/demo/buildconfigs",
        "/apis/build.openshift.io/v1/namespaces/demo/builds",
        "/apis/route.openshift.io/v1/namespaces/demo/routes",
    ] {
        let answer = tutorial.get(path, "developer");
        assert_eq!(
            answer.status,
            200,
            "{path}: {}",
            String::from_utf8_lossy(&answer.body)
        );
        let list = answer.json();
        assert!(
            list["kind"].as_str().is_some_and(|k| k.ends_with("List")),
            "{path}"
        );
        assert_eq!(list["items"], json!([]), "{path}");
    }
    // Then oc's CanRequestProjects: two personal OpenShift SubjectAccessReviews (no user, no
    // groups), which everyone may send; developer is allowed both by the cluster bindings.
    for verb in ["list", "create"] {
        let review = json!({"kind": "SubjectAccessReview", "apiVersion": "authorization.openshift.io/v1", "metadata": {}, "namespace": "demo", "verb": verb, "resourceAPIGroup": "", "resourceAPIVersion": "", "resource": "projectrequests", "resourceName": "", "path": "", "isNonResourceURL": false, "content": null, "user": "", "groups": null, "scopes": null});
        let answer = tutorial.post(
            "/apis/authorization.openshift.io/v1/subjectaccessreviews",
            "developer",
            &review,
        );
        assert_eq!(answer.status, 201);
        let response = answer.json();
        assert_eq!(response["kind"], "SubjectAccessReviewResponse");
        assert_eq!(response["allowed"], true, "{verb}: {response}");
        assert_eq!(response["namespace"], "demo");
    }
    // A review about someone else needs more than a developer has.
    let other =
        json!({"namespace": "demo", "verb": "get", "resource": "secrets", "user": "viewer"});
    let answer = tutorial.post(
        "/apis/authorization.openshift.io/v1/subjectaccessreviews",
        "developer",
        &other,
    );
    assert_eq!(answer.status, 403);
}

#[test]
fn oc_describe_project_shows_quotas_and_limit_ranges() {
    let tutorial = Tutorial::start("oc-describe-project", &[]);
    for path in [
        "/api/v1/namespaces/demo/resourcequotas",
        "/api/v1/namespaces/demo/limitranges",
    ] {
        let list = tutorial.get(path, "developer").json();
        assert_eq!(list["items"], json!([]), "{path}");
    }
    // Quotas and limit ranges are the cluster administrator's (no project role writes them).
    let quota = json!({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "compute"}, "spec": {"hard": {"pods": "10", "services": "5", "limits.memory": "2Gi", "count/deployments.apps": "3"}}});
    assert_eq!(
        tutorial.refusal("/api/v1/namespaces/demo/resourcequotas", "developer", &quota),
        (403, r#"resourcequotas is forbidden: User "developer" cannot create resource "resourcequotas" in API group "" in the namespace "demo""#.to_owned())
    );
    assert_eq!(
        tutorial
            .post("/api/v1/namespaces/demo/resourcequotas", "admin", &quota)
            .status,
        201
    );
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}});
    assert_eq!(
        tutorial
            .post("/api/v1/namespaces/demo/services", "developer", &service)
            .status,
        201
    );
    let limits = json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "limits"}, "spec": {"limits": [{"type": "Container", "default": {"memory": "512Mi"}, "max": {"cpu": "2"}}]}});
    assert_eq!(
        tutorial
            .post("/api/v1/namespaces/demo/limitranges", "admin", &limits)
            .status,
        201
    );
    // oc describe project prints each quota's Used and Hard (the quota controller's status).
    let quotas = tutorial.read("/api/v1/namespaces/demo/resourcequotas", "developer");
    let status = &quotas["items"][0]["status"];
    assert_eq!(status["hard"]["pods"], "10");
    assert_eq!(status["used"]["services"], "1");
    assert_eq!(status["used"]["pods"], "0");
    // The limit range as kube defaults it (SetDefaults_LimitRangeItem): the default limit
    // falls back to max, the default request to the default limit.
    let ranges = tutorial.read("/api/v1/namespaces/demo/limitranges", "developer");
    let item = &ranges["items"][0]["spec"]["limits"][0];
    assert_eq!(item["default"], json!({"cpu": "2", "memory": "512Mi"}));
    assert_eq!(
        item["defaultRequest"],
        json!({"cpu": "2", "memory": "512Mi"})
    );
    // `oc get quota` and `oc get limits`: kube's columns.
    let table = tutorial.table("/api/v1/namespaces/demo/resourcequotas", "developer");
    assert_eq!(columns(&table), ["Name", "Age", "Request", "Limit"]);
    let cells = row(&table, "compute");
    assert_eq!(
        cells[2],
        "count/deployments.apps: 0/3, pods: 0/10, services: 1/5"
    );
    assert_eq!(cells[3], "limits.memory: 0/2Gi");
    let table = tutorial.table("/api/v1/namespaces/demo/limitranges", "developer");
    assert_eq!(columns(&table), ["Name", "Created At"]);
}

#[test]
fn oc_auth_can_i_answers_self_subject_access_reviews() {
    let tutorial = Tutorial::start("oc-auth-can-i", &[]);
    let review = |user: &str, verb: &str, group: &str, resource: &str| {
        let body = json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "spec": {"resourceAttributes": {"namespace": "demo", "verb": verb, "group": group, "resource": resource}}});
        let answer = tutorial.post(
            "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
            user,
            &body,
        );
        assert_eq!(answer.status, 201);
        answer.json()["status"].clone()
    };
    // `yes`, with kube's RBAC reason.
    assert_eq!(
        review(
            "developer",
            "create",
            "image.openshift.io",
            "imagestreamimports"
        ),
        json!({"allowed": true, "reason": r#"RBAC: allowed by RoleBinding "edit/demo" of ClusterRole "edit" to User "developer""#})
    );
    // `no`: view may not create, nor read secrets (kube's view role leaves them out).
    assert_eq!(
        review(
            "viewer",
            "create",
            "image.openshift.io",
            "imagestreamimports"
        ),
        json!({"allowed": false})
    );
    assert_eq!(
        review("viewer", "get", "", "secrets"),
        json!({"allowed": false})
    );
    assert_eq!(review("developer", "get", "", "secrets")["allowed"], true);
    // `oc auth can-i --list`: a SelfSubjectRulesReview listing the rules that apply.
    let rules = tutorial.post(
        "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        "viewer",
        &json!({"spec": {"namespace": "demo"}}),
    );
    assert_eq!(rules.status, 201);
    let status = rules.json()["status"].clone();
    assert_eq!(status["incomplete"], false);
    let resource_rules = status["resourceRules"].as_array().expect("rules");
    assert!(resource_rules.iter().any(|r| r["resources"]
        .as_array()
        .is_some_and(|x| x.contains(&json!("imagestreams")))
        && r["verbs"] == json!(["get", "list", "watch"])));
    assert!(!resource_rules.iter().any(|r| r["resources"]
        .as_array()
        .is_some_and(|x| x.contains(&json!("secrets")))));
    // A review that names nothing is invalid, in kube's words.
    let empty = tutorial.post(
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        "developer",
        &json!({"spec": {}}),
    );
    assert_eq!(empty.status, 422);
    assert_eq!(
        empty.json()["message"],
        r#"SelfSubjectAccessReview.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified"#
    );
}

#[test]
fn oc_adm_policy_who_can_lists_users_and_groups() {
    let tutorial = Tutorial::start("oc-who-can", &[]);
    tutorial.new_project("advanced", "developer");
    // oc adm policy who-can get imagestreams -n advanced: a LocalResourceAccessReview.
    let review = json!({"kind": "LocalResourceAccessReview", "apiVersion": "authorization.openshift.io/v1", "metadata": {}, "namespace": "", "verb": "get", "resourceAPIGroup": "image.openshift.io", "resourceAPIVersion": "", "resource": "imagestreams", "resourceName": "", "path": "", "isNonResourceURL": false, "content": null});
    let answer = tutorial.created(
        "/apis/authorization.openshift.io/v1/namespaces/advanced/localresourceaccessreviews",
        "developer",
        &review,
    );
    let response = answer;
    assert_eq!(response["kind"], "ResourceAccessReviewResponse");
    assert_eq!(response["namespace"], "advanced");
    assert_eq!(response["users"], json!(["developer", "system:admin"]));
    assert_eq!(
        response["groups"],
        json!([
            "system:cluster-admins",
            "system:cluster-readers",
            "system:masters"
        ])
    );
    // In demo, where developer only edits, asking is the admin role's: Forbidden.
    assert_eq!(
        tutorial.refusal("/apis/authorization.openshift.io/v1/namespaces/demo/localresourceaccessreviews", "developer", &review),
        (403, r#"localresourceaccessreviews.authorization.openshift.io is forbidden: User "developer" cannot create resource "localresourceaccessreviews" in API group "authorization.openshift.io" in the namespace "demo""#.to_owned())
    );
    // A cluster admin may ask anywhere: demo's editors and viewers are listed.
    let answer = tutorial.post(
        "/apis/authorization.openshift.io/v1/namespaces/demo/localresourceaccessreviews",
        "admin",
        &review,
    );
    assert_eq!(
        answer.json()["users"],
        json!(["developer", "system:admin", "viewer"])
    );
}

#[test]
fn a_push_to_the_integrated_registry_is_listed_by_oc_get_is() {
    if !tools_available() {
        return;
    }
    let tutorial = Tutorial::start("oc-push", &["--registry"]);
    tutorial.new_project("advanced", "developer");
    let registry = tutorial
        .cluster
        .registry
        .clone()
        .expect("integrated registry");
    let layout = oci_layout(&tutorial.dir.0, false);
    // docker login -u $(oc whoami) -p $(oc whoami -t) + docker push, done with skopeo.
    skopeo_copy(
        &tutorial.dir.0,
        &layout,
        &format!("{registry}/advanced/lighttpd:latest"),
        &["--dest-creds", common::DEVELOPER_CREDS],
    );
    let path = format!("{IMAGE}/namespaces/advanced/imagestreams/lighttpd");
    tutorial.wait_for(&path, "developer", |s| {
        s["status"]["tags"][0]["tag"] == "latest"
    });
    // oc get is: NAME, IMAGE REPOSITORY (the integrated registry), TAGS, UPDATED.
    let table = tutorial.table(
        &format!("{IMAGE}/namespaces/advanced/imagestreams"),
        "developer",
    );
    let cells = row(&table, "lighttpd");
    assert_eq!(cells[1], format!("{registry}/advanced/lighttpd").as_str());
    assert_eq!(cells[2], "latest");
    // The pushed image is described like an imported one.
    let istag = tutorial.read(
        &format!("{IMAGE}/namespaces/advanced/imagestreamtags/lighttpd:latest"),
        "developer",
    );
    assert_eq!(istag["image"]["dockerImageMetadata"]["kind"], "DockerImage");
    // oc delete is/lighttpd
    assert_eq!(
        tutorial
            .send("DELETE", &path, Some("developer"), &[], None)
            .status,
        200
    );
    assert_eq!(tutorial.get(&path, "developer").status, 404);
}

#[test]
fn oc_logout_deletes_the_token_which_then_no_longer_works() {
    if !kubectl_available() {
        return;
    }
    let tutorial = Tutorial::start("oc-logout", &[]);
    // oc logout's tokenToObjectName: sha256~ and the unpadded base64url SHA-256 of the rest.
    let name = {
        use base64::Engine;
        use sha2::{Digest, Sha256};
        let secret = token("developer")
            .strip_prefix("sha256~")
            .expect("a sha256~ token");
        format!(
            "sha256~{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(secret))
        )
    };
    let path = format!("/apis/oauth.openshift.io/v1/oauthaccesstokens/{name}");
    // Not readable by its holder (only deletable: system:oauth-token-deleter).
    assert_eq!(tutorial.get(&path, "developer").status, 403);
    let (deleted, out, err) = tutorial.kubectl("developer", &["delete", "--raw", &path]);
    assert!(deleted, "{err}");
    let status: Value = serde_json::from_str(&out).unwrap_or(Value::Null);
    assert_eq!(status["status"], "Success");
    assert_eq!(status["details"]["name"], name.as_str());
    // The token is gone: what oc whoami then prints.
    let err = tutorial
        .get_raw("developer", "/apis/user.openshift.io/v1/users/~")
        .expect_err("logged out");
    assert_eq!(
        err,
        "error: You must be logged in to the server (Unauthorized)"
    );
    // Other users are not affected.
    assert_eq!(
        tutorial
            .get("/apis/user.openshift.io/v1/users/~", "viewer")
            .status,
        200
    );
}
