//! The API semantics of devcluster, through `Cluster::handle` exactly as HTTP clients reach
//! them: status codes, Status reasons and messages, versions, selectors, chunking, watches,
//! patches, deletion propagation, projects and access reviews.

use imagestream_devcluster::seed::{demo_cluster, demo_cluster_with, DEMO_USERS};
use imagestream_devcluster::{ApiRequest, ApiResponse, Cluster, ClusterSettings};
use serde_json::{json, Value};

const NOW: i64 = 1_780_000_000_000;

fn token(user: &str) -> Option<String> {
    DEMO_USERS
        .iter()
        .find(|u| u.name == user)
        .map(|u| format!("Bearer {}", u.token))
}

struct Client<'a> {
    cluster: &'a mut Cluster,
    user: &'static str,
}

impl Client<'_> {
    fn send(
        &mut self,
        method: &str,
        path_and_query: &str,
        body: Option<Value>,
        content_type: &str,
    ) -> ApiResponse {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        self.cluster.handle(&ApiRequest {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            body: body
                .map(|b| serde_json::to_vec(&b).unwrap())
                .unwrap_or_default(),
            content_type: content_type.into(),
            accept: "application/json".into(),
            authorization: token(self.user),
            now_millis: NOW,
        })
    }

    fn get(&mut self, path: &str) -> (u16, Value) {
        let response = self.send("GET", path, None, "");
        (response.status, response.json_body())
    }

    fn post(&mut self, path: &str, body: Value) -> (u16, Value) {
        let response = self.send("POST", path, Some(body), "application/json");
        (response.status, response.json_body())
    }

    fn put(&mut self, path: &str, body: Value) -> (u16, Value) {
        let response = self.send("PUT", path, Some(body), "application/json");
        (response.status, response.json_body())
    }

    fn patch(&mut self, path: &str, content_type: &str, body: Value) -> (u16, Value) {
        let response = self.send("PATCH", path, Some(body), content_type);
        (response.status, response.json_body())
    }

    fn delete(&mut self, path: &str) -> (u16, Value) {
        let response = self.send("DELETE", path, None, "");
        (response.status, response.json_body())
    }
}

fn as_user<'a>(cluster: &'a mut Cluster, user: &'static str) -> Client<'a> {
    Client { cluster, user }
}

const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/demo/deployments";
const REPLICASETS: &str = "/apis/apps/v1/namespaces/demo/replicasets";

fn stream(name: &str, labels: Value) -> Value {
    json!({"metadata": {"name": name, "labels": labels}, "spec": {"tags": [{"name": "latest", "from": {"kind": "DockerImage", "name": format!("quay.io/example/{name}:latest")}}]}})
}

fn deployment(name: &str) -> Value {
    json!({"metadata": {"name": name, "labels": {"app": name}}, "spec": {
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [
            {"name": name, "image": "quay.io/example/web:1.0"}, {"name": "sidecar", "image": "quay.io/example/proxy:2"}
        ]}}
    }})
}

#[test]
fn discovery_lists_the_openshift_image_resources_with_short_names() {
    let mut cluster = demo_cluster(NOW);
    let mut dev = as_user(&mut cluster, "developer");
    let (status, groups) = dev.get("/apis");
    assert_eq!(status, 200);
    let names: Vec<&str> = groups["groups"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|g| g["name"].as_str())
        .collect();
    for group in [
        "apps",
        "image.openshift.io",
        "project.openshift.io",
        "user.openshift.io",
        "authorization.k8s.io",
    ] {
        assert!(names.contains(&group), "{group} missing from {names:?}");
    }
    let (_, resources) = dev.get("/apis/image.openshift.io/v1");
    let find = |name: &str| {
        resources["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(find("imagestreams")["shortNames"], json!(["is"]));
    assert_eq!(find("imagestreams")["categories"], json!(["all"]));
    assert_eq!(find("imagestreamtags")["shortNames"], json!(["istag"]));
    assert_eq!(find("imagestreamimages")["shortNames"], json!(["isimage"]));
    assert_eq!(find("imagestreamimports")["verbs"], json!(["create"]));
    assert_eq!(
        find("imagestreams/status")["verbs"],
        json!(["get", "patch", "update"])
    );
    let (status, version) = dev.get("/version");
    assert_eq!((status, version["major"].as_str()), (200, Some("1")));
}

#[test]
fn requests_need_a_known_token_and_a_role() {
    let mut cluster = demo_cluster(NOW);
    let response = cluster.handle(&ApiRequest {
        method: "GET".into(),
        path: STREAMS.into(),
        ..ApiRequest::default()
    });
    assert_eq!(response.status, 401);
    assert_eq!(response.json_body()["reason"], "Unauthorized");
    let (status, body) = as_user(&mut cluster, "viewer").post(STREAMS, stream("web", json!({})));
    assert_eq!(status, 403);
    assert_eq!(body["message"], "imagestreams.image.openshift.io is forbidden: User \"viewer\" cannot create resource \"imagestreams\" in API group \"image.openshift.io\" in the namespace \"demo\"");
    let (status, body) = as_user(&mut cluster, "developer").get("/apis/apps/v1/deployments");
    assert_eq!(status, 403);
    assert_eq!(body["message"], "deployments.apps is forbidden: User \"developer\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope");
    assert_eq!(
        as_user(&mut cluster, "admin")
            .get("/apis/apps/v1/deployments")
            .0,
        200
    );
}

#[test]
fn create_get_update_delete_with_versions_and_the_server_errors() {
    let mut cluster = demo_cluster(NOW);
    let mut dev = as_user(&mut cluster, "developer");
    let (status, created) = dev.post(STREAMS, stream("web", json!({"app": "web"})));
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["metadata"]["generation"], 1);
    assert!(created["metadata"]["uid"]
        .as_str()
        .is_some_and(|uid| uid.len() == 36));
    assert_eq!(
        created["metadata"]["creationTimestamp"],
        "2026-05-28T20:26:40Z"
    );
    assert_eq!(
        created["status"]["dockerImageRepository"],
        "image-registry.openshift-image-registry.svc:5000/demo/web"
    );
    assert_eq!(
        created["spec"]["tags"][0]["referencePolicy"],
        json!({"type": "Source"})
    );
    assert_eq!(created["spec"]["tags"][0]["generation"], 1);
    let version = created["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_owned();

    let (status, again) = dev.post(STREAMS, stream("web", json!({})));
    assert_eq!(status, 409);
    assert_eq!(
        (again["reason"].as_str(), again["message"].as_str()),
        (
            Some("AlreadyExists"),
            Some("imagestreams.image.openshift.io \"web\" already exists")
        )
    );

    let mut changed = created.clone();
    changed["spec"]["tags"][0]["from"]["name"] = json!("quay.io/example/web:2");
    let (status, updated) = dev.put(&format!("{STREAMS}/web"), changed.clone());
    assert_eq!(status, 200, "{updated}");
    assert_eq!(updated["metadata"]["generation"], 2);
    assert_eq!(updated["spec"]["tags"][0]["generation"], 2);
    assert!(
        updated["metadata"]["resourceVersion"]
            .as_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            > version.parse().unwrap()
    );

    // The same write again carries the old version: optimistic concurrency refuses it.
    let (status, conflict) = dev.put(&format!("{STREAMS}/web"), changed);
    assert_eq!(status, 409);
    assert_eq!(conflict["reason"], "Conflict");
    assert_eq!(conflict["message"], "Operation cannot be fulfilled on imagestreams.image.openshift.io \"web\": the object has been modified; please apply your changes to the latest version and try again");

    let (status, deleted) = dev.delete(&format!("{STREAMS}/web"));
    assert_eq!(
        (status, deleted["metadata"]["name"].as_str()),
        (200, Some("web"))
    );
    let (status, missing) = dev.get(&format!("{STREAMS}/web"));
    assert_eq!(status, 404);
    assert_eq!(
        missing["message"],
        "imagestreams.image.openshift.io \"web\" not found"
    );
    assert_eq!(
        missing["details"],
        json!({"name": "web", "group": "image.openshift.io", "kind": "imagestreams"})
    );
}

#[test]
fn invalid_objects_get_422_with_field_causes() {
    let mut cluster = demo_cluster(NOW);
    let mut dev = as_user(&mut cluster, "developer");
    let (status, body) = dev.post(STREAMS, stream("Web", json!({})));
    assert_eq!(status, 422);
    assert_eq!(body["reason"], "Invalid");
    assert_eq!(body["details"]["causes"][0]["field"], "metadata.name");
    assert_eq!(body["details"]["causes"][0]["reason"], "FieldValueInvalid");
    // Both problems at once, joined the way the API server joins field errors.
    assert_eq!(
        body["message"],
        "ImageStream.image.openshift.io \"Web\" is invalid: [metadata.name: Invalid value: \"Web\": must match \"[a-z0-9]+(?:[._-][a-z0-9]+)*\", spec.tags[latest].from.name: Invalid value: \"quay.io/example/Web:latest\": repository name must be lowercase]"
    );
    assert_eq!(
        body["details"]["causes"][1]["field"],
        "spec.tags[latest].from.name"
    );
    let (status, body) = dev.post(DEPLOYMENTS, json!({"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": []}}}}));
    assert_eq!(status, 422);
    assert_eq!(
        body["message"],
        "Deployment.apps \"web\" is invalid: spec.template.spec.containers: Required value"
    );
    let response = dev.send("POST", STREAMS, None, "application/json");
    assert_eq!(response.status, 400);
    assert_eq!(response.json_body()["reason"], "BadRequest");
    let (status, body) = dev.post(
        "/apis/image.openshift.io/v1/namespaces/nowhere/imagestreams",
        stream("x", json!({})),
    );
    assert_eq!(status, 403, "{body}");
}

#[test]
fn lists_filter_by_labels_and_fields_and_come_in_chunks() {
    let mut cluster = demo_cluster(NOW);
    let mut dev = as_user(&mut cluster, "developer");
    for (name, app) in [("a", "x"), ("b", "y"), ("c", "x"), ("d", "x"), ("e", "z")] {
        assert_eq!(dev.post(STREAMS, stream(name, json!({"app": app}))).0, 201);
    }
    let names = |body: &Value| {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["metadata"]["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(&dev.get(&format!("{STREAMS}?labelSelector=app%3Dx")).1),
        ["a", "c", "d"]
    );
    assert_eq!(
        names(&dev.get(&format!("{STREAMS}?labelSelector=app+in+(y,z)")).1),
        ["b", "e"]
    );
    assert_eq!(
        names(
            &dev.get(&format!("{STREAMS}?fieldSelector=metadata.name%3Dc"))
                .1
        ),
        ["c"]
    );
    let (status, bad) = dev.get(&format!("{STREAMS}?fieldSelector=spec.nope%3D1"));
    assert_eq!(
        (status, bad["message"].as_str()),
        (400, Some("field label not supported: spec.nope"))
    );

    let (_, first) = dev.get(&format!("{STREAMS}?limit=2"));
    assert_eq!(names(&first), ["a", "b"]);
    assert_eq!(first["metadata"]["remainingItemCount"], 3);
    let version = first["metadata"]["resourceVersion"].clone();
    let mut all = names(&first);
    let mut token = first["metadata"]["continue"].as_str().unwrap().to_owned();
    loop {
        let (_, page) = dev.get(&format!("{STREAMS}?limit=2&continue={token}"));
        assert_eq!(
            page["metadata"]["resourceVersion"], version,
            "pages keep the first page's version"
        );
        all.extend(names(&page));
        match page["metadata"]["continue"].as_str() {
            Some(next) => token = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(all, ["a", "b", "c", "d", "e"]);
}

#[test]
fn watches_replay_changes_and_expire_when_too_old() {
    let mut cluster = demo_cluster_with(
        ClusterSettings {
            watch_window: 4,
            ..ClusterSettings::default()
        },
        NOW,
    );
    let start = cluster.resource_version();
    let mut dev = as_user(&mut cluster, "developer");
    let watch = dev
        .send(
            "GET",
            &format!("{STREAMS}?watch=true&resourceVersion={start}&labelSelector=app%3Dweb"),
            None,
            "",
        )
        .watch
        .expect("a watch");
    let (_, created) = dev.post(STREAMS, stream("web", json!({"app": "web"})));
    dev.post(STREAMS, stream("other", json!({"app": "other"})));
    let mut relabelled = created.clone();
    relabelled["metadata"]["labels"] = json!({"app": "gone"});
    dev.put(&format!("{STREAMS}/web"), relabelled);
    let (events, _, expired) = cluster.watch_events(&watch, start, NOW);
    assert!(!expired);
    let kinds: Vec<_> = events
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap(),
                e["object"]["metadata"]["name"].as_str().unwrap(),
            )
        })
        .collect();
    // Leaving the selector reads as DELETED, like the API server's watch cache.
    assert_eq!(kinds, [("ADDED", "web"), ("DELETED", "web")]);

    let mut dev = as_user(&mut cluster, "developer");
    for name in ["p", "q", "r", "s", "t"] {
        dev.post(STREAMS, stream(name, json!({})));
    }
    let (events, _, expired) = cluster.watch_events(&watch, start, NOW);
    assert!(expired);
    assert_eq!(events[0]["type"], "ERROR");
    assert_eq!(events[0]["object"]["code"], 410);
    assert_eq!(events[0]["object"]["reason"], "Expired");
    assert!(events[0]["object"]["message"]
        .as_str()
        .unwrap()
        .starts_with(&format!("too old resource version: {start} (")));
}

#[test]
fn a_watch_without_version_starts_with_the_current_objects() {
    let mut cluster = demo_cluster(NOW);
    let response = as_user(&mut cluster, "developer").send(
        "GET",
        "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams?watch=1",
        None,
        "",
    );
    let watch = response.watch.unwrap();
    let names: Vec<_> = watch
        .initial
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["object"]["metadata"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(names.len(), 5);
    assert!(names.iter().all(|(t, _)| t == "ADDED"));
    assert_eq!(
        watch.bookmark(7)["object"]["metadata"]["resourceVersion"],
        "7"
    );
}

#[test]
fn table_output_has_the_oc_get_is_columns() {
    let mut cluster = demo_cluster(NOW);
    let response = cluster.handle(&ApiRequest {
        method: "GET".into(),
        path: "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams".into(),
        accept: "application/json;as=Table;v=v1;g=meta.k8s.io,application/json".into(),
        authorization: token("developer"),
        now_millis: NOW,
        ..ApiRequest::default()
    });
    let table = response.json_body();
    assert_eq!(table["kind"], "Table");
    let columns: Vec<_> = table["columnDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["Name", "Image Repository", "Tags", "Updated"]);
    assert_eq!(table["rows"][0]["cells"][0], "httpd");
    assert_eq!(table["rows"][0]["cells"][2], "2.4-el9,latest,2.4-el8");
    assert_eq!(table["rows"][0]["cells"][3], "3 days ago");
    assert_eq!(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

#[test]
fn merge_and_strategic_patches_keep_what_they_do_not_name() {
    let mut cluster = demo_cluster(NOW);
    let mut dev = as_user(&mut cluster, "developer");
    assert_eq!(dev.post(DEPLOYMENTS, deployment("web")).0, 201);
    let (status, patched) = dev.patch(&format!("{DEPLOYMENTS}/web"), "application/strategic-merge-patch+json", json!({"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "quay.io/example/web:2.0"}]}}}}));
    assert_eq!(status, 200, "{patched}");
    let containers = patched["spec"]["template"]["spec"]["containers"]
        .as_array()
        .unwrap();
    assert_eq!(
        containers.len(),
        2,
        "the sidecar is kept: containers merge by name"
    );
    assert_eq!(
        containers.iter().find(|c| c["name"] == "web").unwrap()["image"],
        "quay.io/example/web:2.0"
    );
    assert_eq!(patched["metadata"]["generation"], 2);

    let (status, patched) = dev.patch(
        &format!("{DEPLOYMENTS}/web"),
        "application/merge-patch+json",
        json!({"metadata": {"labels": {"tier": "front"}}}),
    );
    assert_eq!(status, 200);
    assert_eq!(
        patched["metadata"]["labels"],
        json!({"app": "web", "tier": "front"})
    );
    assert_eq!(
        patched["metadata"]["generation"], 2,
        "metadata changes leave the generation"
    );

    let (status, body) = dev.patch(
        &format!("{DEPLOYMENTS}/web"),
        "application/json-patch+json",
        json!([{"op": "test", "path": "/spec/replicas", "value": 5}]),
    );
    assert_eq!(status, 422, "{body}");
    let response = dev.send(
        "PATCH",
        &format!("{DEPLOYMENTS}/web"),
        Some(json!({})),
        "text/plain",
    );
    assert_eq!(response.status, 415);
}

#[test]
fn deleting_an_owner_removes_or_orphans_what_it_owns() {
    let mut cluster = demo_cluster(NOW);
    let mut dev = as_user(&mut cluster, "developer");
    for (owner, policy) in [("kept", "Orphan"), ("gone", "Background")] {
        let (_, created) = dev.post(DEPLOYMENTS, deployment(owner));
        let uid = created["metadata"]["uid"].clone();
        let mut replica_set = deployment(&format!("{owner}-1"));
        replica_set["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "Deployment", "name": owner, "uid": uid, "controller": true}]);
        assert_eq!(dev.post(REPLICASETS, replica_set).0, 201);
        let (status, _) = dev.delete(&format!("{DEPLOYMENTS}/{owner}?propagationPolicy={policy}"));
        assert_eq!(status, 200);
    }
    let (_, kept) = dev.get(&format!("{REPLICASETS}/kept-1"));
    assert_eq!(kept["metadata"]["ownerReferences"], json!([]));
    assert_eq!(dev.get(&format!("{REPLICASETS}/gone-1")).0, 404);
}

#[test]
fn a_project_request_makes_the_requester_its_admin() {
    let mut cluster = demo_cluster(NOW);
    let mut viewer = as_user(&mut cluster, "viewer");
    let (status, project) = viewer.post("/apis/project.openshift.io/v1/projectrequests", json!({"kind": "ProjectRequest", "apiVersion": "project.openshift.io/v1", "metadata": {"name": "mine"}, "displayName": "My project"}));
    assert_eq!(status, 201, "{project}");
    assert_eq!(project["kind"], "Project");
    assert_eq!(
        project["metadata"]["annotations"]["openshift.io/display-name"],
        "My project"
    );
    assert_eq!(
        project["metadata"]["annotations"]["openshift.io/requester"],
        "viewer"
    );
    let (_, projects) = viewer.get("/apis/project.openshift.io/v1/projects");
    let names: Vec<_> = projects["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["metadata"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["demo", "mine", "openshift"]);
    assert_eq!(
        viewer
            .post(
                "/apis/image.openshift.io/v1/namespaces/mine/imagestreams",
                stream("x", json!({}))
            )
            .0,
        201
    );
    let (status, again) = viewer.post(
        "/apis/project.openshift.io/v1/projectrequests",
        json!({"metadata": {"name": "mine"}}),
    );
    assert_eq!(
        (status, again["message"].as_str()),
        (
            409,
            Some("project.project.openshift.io \"mine\" already exists")
        )
    );
    let (_, me) = viewer.get("/apis/user.openshift.io/v1/users/~");
    assert_eq!(me["metadata"]["name"], "viewer");
    assert_eq!(me["kind"], "User");
}

#[test]
fn access_reviews_answer_for_the_caller() {
    let mut cluster = demo_cluster(NOW);
    let review = |verb: &str| json!({"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1", "spec": {"resourceAttributes": {"namespace": "demo", "verb": verb, "group": "image.openshift.io", "resource": "imagestreams"}}});
    let (status, answer) = as_user(&mut cluster, "viewer").post(
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        review("delete"),
    );
    assert_eq!(
        (status, answer["status"]["allowed"].as_bool()),
        (201, Some(false))
    );
    let (_, answer) = as_user(&mut cluster, "viewer").post(
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        review("list"),
    );
    assert_eq!(answer["status"]["allowed"], true);
    let (_, answer) = as_user(&mut cluster, "developer").post(
        "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
        review("delete"),
    );
    assert_eq!(answer["status"]["allowed"], true);
}

#[test]
fn deleting_a_namespace_takes_its_contents() {
    let mut cluster = demo_cluster(NOW);
    let mut admin = as_user(&mut cluster, "admin");
    admin.post(STREAMS, stream("web", json!({})));
    assert_eq!(admin.delete("/api/v1/namespaces/demo").0, 200);
    assert_eq!(admin.get(&format!("{STREAMS}/web")).0, 404);
    let (status, _) = admin.post(STREAMS, stream("web", json!({})));
    assert_eq!(status, 404, "a deleted namespace accepts no new objects");
}

#[test]
fn bodies_must_be_json_and_strict_validation_names_unknown_fields() {
    let mut cluster = demo_cluster(NOW);
    let mut dev = as_user(&mut cluster, "developer");
    let response = dev.send(
        "POST",
        STREAMS,
        Some(stream("web", json!({}))),
        "application/x-www-form-urlencoded",
    );
    assert_eq!(response.status, 415);
    assert_eq!(response.json_body()["reason"], "UnsupportedMediaType");
    let mut typo = stream("web", json!({}));
    typo["spec"]["tag"] = json!([]);
    let (status, body) = dev.post(&format!("{STREAMS}?fieldValidation=Strict"), typo.clone());
    assert_eq!(
        (status, body["message"].as_str()),
        (
            400,
            // transformDecodeError wraps the strict decoder's error with the kind.
            Some("ImageStream in version \"v1\" cannot be handled as a ImageStream: strict decoding error: unknown field \"spec.tag\"")
        )
    );
    assert_eq!(
        dev.post(STREAMS, typo).0,
        201,
        "without Strict the request is accepted"
    );
}
