//! Issue 15: requests a hostile user sent. Each used to panic the server (or be stored and
//! break every later list); each must now get kube-apiserver's answer, and the cluster must go
//! on answering and its lists must still decode with the model's types.

use crate::seed::{demo_cluster, DEMO_USERS};
use crate::{ApiRequest, ApiResponse, Cluster};
use imagestream_model as model;
use serde_json::{json, Value};

const NOW: i64 = 1_780_000_000_000;
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/demo/deployments";

fn request(
    cluster: &mut Cluster,
    user: &str,
    method: &str,
    target: &str,
    content_type: &str,
    body: &[u8],
) -> ApiResponse {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let token = DEMO_USERS.iter().find(|u| u.name == user).unwrap().token;
    cluster.handle(&ApiRequest {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        body: body.to_vec(),
        content_type: content_type.into(),
        accept: "application/json".into(),
        authorization: Some(format!("Bearer {token}")),
        now_millis: NOW,
    })
}

fn send(cluster: &mut Cluster, method: &str, target: &str, body: Value) -> (u16, Value) {
    let content_type = if method == "PATCH" {
        "application/merge-patch+json"
    } else {
        "application/json"
    };
    let response = request(
        cluster,
        "admin",
        method,
        target,
        content_type,
        body.to_string().as_bytes(),
    );
    (response.status, response.json_body())
}

fn get(cluster: &mut Cluster, user: &str, target: &str) -> ApiResponse {
    request(cluster, user, "GET", target, "", b"")
}

/// Every list a console user reads still decodes with the model's types.
fn lists_still_decode(cluster: &mut Cluster) {
    let body = get(cluster, "admin", "/apis/image.openshift.io/v1/imagestreams").body;
    serde_json::from_slice::<model::List<model::ImageStream>>(&body).unwrap();
    let body = get(cluster, "admin", "/apis/apps/v1/deployments").body;
    serde_json::from_slice::<model::List<model::Deployment>>(&body).unwrap();
    let body = get(cluster, "admin", "/apis/apps/v1/replicasets").body;
    serde_json::from_slice::<model::List<model::ReplicaSet>>(&body).unwrap();
    assert_eq!(get(cluster, "viewer", "/version").status, 200);
}

fn message(body: &Value) -> &str {
    body["message"].as_str().unwrap_or_default()
}

#[test]
fn tags_that_are_not_objects_are_refused_on_create_update_and_patch() {
    let mut cluster = demo_cluster(NOW);
    let go = "json: cannot unmarshal number into Go struct field ImageStreamSpec.spec.tags of type v1.TagReference";
    let (status, body) = send(
        &mut cluster,
        "POST",
        STREAMS,
        json!({"metadata": {"name": "x"}, "spec": {"tags": [5]}}),
    );
    assert_eq!((status, body["reason"].as_str()), (400, Some("BadRequest")));
    assert_eq!(
        message(&body),
        format!("ImageStream in version \"v1\" cannot be handled as a ImageStream: {go}")
    );
    let (status, _) = send(
        &mut cluster,
        "POST",
        STREAMS,
        json!({"metadata": {"name": "x"}}),
    );
    assert_eq!(status, 201);
    let (status, body) = send(
        &mut cluster,
        "PUT",
        &format!("{STREAMS}/x"),
        json!({"metadata": {"name": "x"}, "spec": {"tags": [5]}}),
    );
    assert_eq!(status, 400, "{body}");
    let (status, body) = send(
        &mut cluster,
        "PATCH",
        &format!("{STREAMS}/x"),
        json!({"spec": {"tags": [5]}}),
    );
    // The patch handler reports a patched object that does not decode on the field `patch`.
    assert_eq!((status, body["reason"].as_str()), (422, Some("Invalid")));
    assert!(message(&body).ends_with(go), "{body}");
    assert_eq!(body["details"]["causes"][0]["field"], "patch");
    lists_still_decode(&mut cluster);
}

#[test]
fn deployment_selectors_that_are_not_objects_are_refused() {
    let mut cluster = demo_cluster(NOW);
    let template = json!({"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}});
    for (selector, expected) in [
        (json!("x"), "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector"),
        (json!({"matchLabels": []}), "json: cannot unmarshal array into Go struct field LabelSelector.spec.selector.matchLabels of type map[string]string"),
        (json!({"matchLabels": {"app": 5}}), "json: cannot unmarshal number into Go struct field LabelSelector.spec.selector.matchLabels of type string"),
    ] {
        let object = json!({"metadata": {"name": "d"}, "spec": {"selector": selector, "template": template}});
        let (status, body) = send(&mut cluster, "POST", DEPLOYMENTS, object);
        assert_eq!(status, 400, "{body}");
        assert!(message(&body).ends_with(expected), "{body}");
    }
    let good = json!({"metadata": {"name": "d"}, "spec": {"selector": {"matchLabels": {"app": "d"}}, "template": template}});
    assert_eq!(send(&mut cluster, "POST", DEPLOYMENTS, good).0, 201);
    let (status, _) = send(
        &mut cluster,
        "PATCH",
        &format!("{DEPLOYMENTS}/d"),
        json!({"spec": {"selector": {"matchLabels": "x"}}}),
    );
    assert_eq!(status, 422);
    lists_still_decode(&mut cluster);
}

#[test]
fn watch_timeouts_are_read_as_go_int64s() {
    let mut cluster = demo_cluster(NOW);
    // A viewer may watch; the number does not fit an int64.
    let response = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?watch=1&timeoutSeconds=18446744073709551615"),
    );
    assert_eq!(response.status, 400);
    assert_eq!(
        message(&response.json_body()),
        "strconv.ParseInt: parsing \"18446744073709551615\": value out of range"
    );
    let response = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?watch=1&timeoutSeconds=9223372036854775807"),
    );
    let watch = response.watch.expect("a watch");
    assert_eq!(
        watch.timeout_seconds,
        Some(super::MAX_WATCH_TIMEOUT_SECONDS)
    );
    assert!(!watch.ends_at_once);
    let response = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?watch=1&timeoutSeconds=-1"),
    );
    assert!(response.watch.expect("a watch").ends_at_once);
    let response = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?timeoutSeconds=abc"),
    );
    assert_eq!(
        message(&response.json_body()),
        "strconv.ParseInt: parsing \"abc\": invalid syntax"
    );
}

#[test]
fn a_repository_check_time_with_a_multi_byte_character_is_stored_and_survives_a_restart() {
    let mut cluster = demo_cluster(NOW);
    let annotations = json!({"openshift.io/image.dockerRepositoryCheck": "2024-01-02T03:04:0é"});
    let object = json!({"metadata": {"name": "t", "annotations": annotations}, "spec": {"tags": [{"name": "a", "from": {"kind": "DockerImage", "name": "quay.io/x/y:a"}}]}});
    assert_eq!(send(&mut cluster, "POST", STREAMS, object).0, 201);
    let _ = cluster.take_import_jobs(NOW, Some(1));
    let state = cluster.save_state();
    let mut restored = demo_cluster(NOW);
    restored.load_state(state).unwrap();
    lists_still_decode(&mut restored);
}

#[test]
fn wrong_typed_metadata_is_refused_and_never_breaks_a_list() {
    let mut cluster = demo_cluster(NOW);
    for (object, expected) in [
        (json!({"metadata": {"name": "a"}, "spec": {"tags": "x"}}), "json: cannot unmarshal string into Go struct field ImageStreamSpec.spec.tags of type []v1.TagReference"),
        (json!({"metadata": {"name": "b", "annotations": {"x": 5}}}), "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string"),
        (json!({"metadata": {"name": "c", "labels": [1]}}), "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"),
    ] {
        let (status, body) = send(&mut cluster, "POST", STREAMS, object);
        assert_eq!(status, 400);
        assert!(message(&body).ends_with(expected), "{body}");
    }
    lists_still_decode(&mut cluster);
}

#[test]
fn label_keys_and_values_follow_the_apiserver_rules() {
    let mut cluster = demo_cluster(NOW);
    let long_key = "k".repeat(70);
    let (status, body) = send(
        &mut cluster,
        "POST",
        STREAMS,
        json!({"metadata": {"name": "l", "labels": {long_key.clone(): "v"}}}),
    );
    assert_eq!((status, body["reason"].as_str()), (422, Some("Invalid")));
    assert_eq!(
        message(&body),
        format!("ImageStream.image.openshift.io \"l\" is invalid: metadata.labels: Invalid value: \"{long_key}\": name part must be no more than 63 characters")
    );
    let (status, body) = send(
        &mut cluster,
        "POST",
        STREAMS,
        json!({"metadata": {"name": "l", "labels": {"a": "b c"}}}),
    );
    assert_eq!(status, 422);
    assert!(
        message(&body).contains(
            "metadata.labels: Invalid value: \"b c\": a valid label must be an empty string"
        ),
        "{body}"
    );
    assert_eq!(body["details"]["causes"][0]["field"], "metadata.labels");
}

#[test]
fn spec_tag_names_are_not_checked_by_the_server() {
    // openshift-apiserver's ValidateImageStream checks each tag's source and policies, never
    // its name (only `oc tag` does), so `a/b:c` is stored as a real cluster stores it.
    let mut cluster = demo_cluster(NOW);
    let (status, body) = send(
        &mut cluster,
        "POST",
        STREAMS,
        json!({"metadata": {"name": "n"}, "spec": {"tags": [{"name": "a/b:c"}]}}),
    );
    assert_eq!(status, 201, "{body}");
    lists_still_decode(&mut cluster);
}

#[test]
fn api_version_resource_version_and_field_validation_are_checked() {
    let mut cluster = demo_cluster(NOW);
    let (status, body) = send(
        &mut cluster,
        "POST",
        STREAMS,
        json!({"apiVersion": "v2", "kind": "ImageStream", "metadata": {"name": "v"}}),
    );
    assert_eq!(status, 400);
    assert!(message(&body).starts_with("ImageStream in version \"v2\" cannot be handled as a ImageStream: no kind \"ImageStream\" is registered for version \"v2\""), "{body}");
    let (status, body) = send(
        &mut cluster,
        "POST",
        STREAMS,
        json!({"metadata": {"name": "r", "resourceVersion": "5"}}),
    );
    assert_eq!(status, 500);
    assert_eq!(
        message(&body),
        "resourceVersion should not be set on objects to be created"
    );
    assert!(body.get("reason").is_none(), "{body}");
    let (status, _) = send(
        &mut cluster,
        "POST",
        &format!("{STREAMS}?dryRun=All"),
        json!({"metadata": {"name": "r", "resourceVersion": "5"}}),
    );
    assert_eq!(status, 201, "a dry run never reaches the storage check");
    let (status, body) = send(
        &mut cluster,
        "POST",
        &format!("{STREAMS}?fieldValidation=garbage"),
        json!({"metadata": {"name": "g"}}),
    );
    assert_eq!((status, body["reason"].as_str()), (422, Some("Invalid")));
    assert_eq!(body["details"]["kind"], "CreateOptions");
    assert_eq!(
        send(
            &mut cluster,
            "POST",
            STREAMS,
            json!({"metadata": {"name": "frontend"}})
        )
        .0,
        201
    );
    let (status, body) = send(
        &mut cluster,
        "PATCH",
        &format!("{STREAMS}/frontend?fieldValidation=garbage"),
        json!({}),
    );
    assert_eq!(
        (status, body["details"]["kind"].as_str()),
        (422, Some("PatchOptions"))
    );
}

#[test]
fn strict_validation_reports_duplicate_keys_and_nested_unknown_fields() {
    let mut cluster = demo_cluster(NOW);
    let body = br#"{"metadata":{"name":"s","name":"s"},"spec":{"tags":[{"name":"a","from":{"kind":"DockerImage","name":"x/y:a","nmae":"typo"}}]}}"#;
    let response = request(
        &mut cluster,
        "admin",
        "POST",
        &format!("{STREAMS}?fieldValidation=Strict"),
        "application/json",
        body,
    );
    assert_eq!(response.status, 400);
    assert_eq!(
        message(&response.json_body()),
        "ImageStream in version \"v1\" cannot be handled as a ImageStream: strict decoding error: duplicate field \"metadata.name\", unknown field \"spec.tags[0].from.nmae\""
    );
    let response = request(
        &mut cluster,
        "admin",
        "POST",
        STREAMS,
        "application/json",
        body,
    );
    assert_eq!(response.status, 201, "Warn, the default, accepts them");
}

#[test]
fn label_selectors_are_parsed_as_kubernetes_parses_them() {
    let mut cluster = demo_cluster(NOW);
    for (selector, expected) in [
        (
            "a%3D%3D%3Db",
            "unable to parse requirement: found '=', expected: identifier",
        ),
        ("a%3Db%3Dc", "found '=', expected: ',' or 'end of string'"),
        ("a,,b", "found ',', expected: identifier after ','"),
    ] {
        let response = get(
            &mut cluster,
            "viewer",
            &format!("{STREAMS}?labelSelector={selector}"),
        );
        assert_eq!(response.status, 400, "{selector}");
        assert_eq!(message(&response.json_body()), expected);
    }
    // `()` is the set holding the empty value: every stream without an empty `a` label.
    let all = "/apis/image.openshift.io/v1/imagestreams";
    let response = get(
        &mut cluster,
        "admin",
        &format!("{all}?labelSelector=a%20notin%20()"),
    );
    assert_eq!(response.status, 200);
    assert!(!response.json_body()["items"].as_array().unwrap().is_empty());
}

#[test]
fn list_versions_and_continue_tokens_are_checked() {
    let mut cluster = demo_cluster(NOW);
    let response = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?resourceVersion=garbage"),
    );
    assert_eq!(response.status, 400);
    assert_eq!(
        message(&response.json_body()),
        "invalid resource version: resourceVersion: Invalid value: \"garbage\": strconv.ParseUint: parsing \"garbage\": invalid syntax"
    );
    // A token for version 99999999, which this cluster has not reached.
    let forged: String = "99999999:demo/x"
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let response = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?limit=1&continue={forged}"),
    );
    assert_eq!(response.status, 500);
    assert_eq!(
        message(&response.json_body()),
        "etcdserver: mvcc: required revision is a future revision"
    );
    let response = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?limit=1&continue=zz"),
    );
    assert_eq!(response.status, 400);
    assert_eq!(
        message(&response.json_body()),
        "invalid continue token: continue key is not valid"
    );
    let all = "/apis/image.openshift.io/v1/imagestreams";
    let first = get(&mut cluster, "admin", &format!("{all}?limit=1")).json_body();
    let token = first["metadata"]["continue"].as_str().unwrap().to_owned();
    let response = get(
        &mut cluster,
        "admin",
        &format!("{all}?limit=1&continue={token}&resourceVersion=5"),
    );
    assert_eq!(
        message(&response.json_body()),
        "specifying resource version is not allowed when using continue"
    );
    let watch = get(
        &mut cluster,
        "viewer",
        &format!("{STREAMS}?watch=1&resourceVersion=x"),
    );
    assert_eq!(
        watch.status, 500,
        "the watch cache's InvalidError is no Status"
    );
}
