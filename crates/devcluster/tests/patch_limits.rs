//! Hostile patches through `Cluster::handle` (issue 15): each gets kube-apiserver's `Status`,
//! leaves the object as it was, and the cluster keeps answering; what is stored always loads
//! again from a state file.

use imagestream_devcluster::limits::MAX_OBJECT_DEPTH;
use imagestream_devcluster::seed::{demo_cluster, DEMO_USERS};
use imagestream_devcluster::{ApiRequest, Cluster};
use serde_json::{json, Value};

const NOW: i64 = 1_780_000_000_000;
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
const MERGE: &str = "application/merge-patch+json";
const JSON: &str = "application/json-patch+json";
const STRATEGIC: &str = "application/strategic-merge-patch+json";

fn send(
    cluster: &mut Cluster,
    method: &str,
    path: &str,
    body: &[u8],
    content_type: &str,
) -> (u16, Value) {
    let developer = DEMO_USERS.iter().find(|u| u.name == "developer").unwrap();
    let response = cluster.handle(&ApiRequest {
        method: method.into(),
        path: path.into(),
        query: String::new(),
        body: body.to_vec(),
        content_type: content_type.into(),
        accept: "application/json".into(),
        authorization: Some(format!("Bearer {}", developer.token)),
        now_millis: NOW,
    });
    (response.status, response.json_body())
}

/// A cluster with the stream `app` (labels, annotations, a spec tag) and the stream as stored.
fn cluster_with_stream() -> (Cluster, Value) {
    let mut cluster = demo_cluster(NOW);
    let stream = json!({"metadata": {"name": "app", "labels": {"team": "a"}, "annotations": {"note": "kept"}},
        "spec": {"tags": [{"name": "latest", "from": {"kind": "DockerImage", "name": "quay.io/example/app:1"}}]}});
    let (status, created) = send(
        &mut cluster,
        "POST",
        STREAMS,
        stream.to_string().as_bytes(),
        "application/json",
    );
    assert_eq!(status, 201, "{created}");
    (cluster, created)
}

/// Sends a patch, checks its `Status`, and that the stream is still exactly as it was.
fn refused(cluster: &mut Cluster, before: &Value, content_type: &str, body: &[u8]) -> Value {
    let (status, answer) = send(
        cluster,
        "PATCH",
        &format!("{STREAMS}/app"),
        body,
        content_type,
    );
    assert!(status >= 400, "{status}: {answer}");
    assert_eq!(answer["kind"], "Status", "{answer}");
    assert_eq!(answer["code"], status);
    let (status, now) = send(cluster, "GET", &format!("{STREAMS}/app"), b"", "");
    assert_eq!(status, 200, "the cluster still answers");
    assert_eq!(&now, before, "a refused patch changes nothing");
    answer
}

fn nested(levels: usize) -> Value {
    (0..levels).fold(json!("x"), |value, _| json!({ "n": value }))
}

#[test]
fn merge_patches_that_are_not_objects_are_bad_requests() {
    let (mut cluster, before) = cluster_with_stream();
    for (body, word) in [
        ("[]", "array"),
        ("\"s\"", "string"),
        ("5", "number"),
        ("true", "bool"),
    ] {
        let status = refused(&mut cluster, &before, MERGE, body.as_bytes());
        assert_eq!(status["code"], 400, "{body}: {status}");
        assert_eq!(status["reason"], "BadRequest");
        assert_eq!(
            status["message"],
            format!("error decoding patch: json: cannot unmarshal {word} into Go value of type map[string]interface {{}}")
        );
    }
    let status = refused(&mut cluster, &before, MERGE, b"null");
    assert_eq!(
        (status["code"].clone(), status["message"].clone()),
        (json!(400), json!("Invalid JSON Patch"))
    );
}

#[test]
fn patches_that_would_wipe_the_metadata_are_refused_by_the_name_check() {
    let (mut cluster, before) = cluster_with_stream();
    let expected =
        "the name of the object (app based on URL) was undeterminable: name must be provided";
    for (content_type, body) in [
        (STRATEGIC, r#"{"metadata":{"$patch":"replace"}}"#),
        (MERGE, r#"{"metadata":null}"#),
        (JSON, r#"[{"op":"remove","path":"/metadata"}]"#),
    ] {
        let status = refused(&mut cluster, &before, content_type, body.as_bytes());
        assert_eq!(
            (status["code"].clone(), status["message"].clone()),
            (json!(400), json!(expected)),
            "{body}"
        );
    }
}

#[test]
fn json_patches_replacing_the_root_or_failing_get_kube_apiservers_422() {
    let (mut cluster, before) = cluster_with_stream();
    for body in [
        r#"[{"op":"replace","path":"","value":5}]"#,
        r#"[{"op":"test","path":"/metadata/labels/team","value":"b"}]"#,
        r#"[{"op":"add","path":"/spec/missing/x","value":1}]"#,
    ] {
        let status = refused(&mut cluster, &before, JSON, body.as_bytes());
        assert_eq!(status["code"], 422, "{body}: {status}");
        assert_eq!(status["reason"], "Invalid");
        assert_eq!(
            status["message"],
            "the server rejected our request due to an error in our request"
        );
    }
    let status = refused(
        &mut cluster,
        &before,
        JSON,
        br#"[{"op":"replace","path":"","value":[1]}]"#,
    );
    assert_eq!(status["code"], 422);
    assert_eq!(status["details"]["causes"][0]["field"], "patch");
}

#[test]
fn json_patches_are_bounded_in_operations_and_copies() {
    let (mut cluster, before) = cluster_with_stream();
    let operation = r#"{"op":"test","path":"/kind","value":"ImageStream"}"#;
    let many = format!("[{}]", vec![operation; 10_001].join(","));
    let status = refused(&mut cluster, &before, JSON, many.as_bytes());
    assert_eq!(status["code"], 413);
    assert_eq!(status["reason"], "RequestEntityTooLarge");
    assert_eq!(status["message"], "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001");
    let exactly = format!("[{}]", vec![operation; 10_000].join(","));
    assert_eq!(
        send(
            &mut cluster,
            "PATCH",
            &format!("{STREAMS}/app"),
            exactly.as_bytes(),
            JSON
        )
        .0,
        200
    );

    // Each copy doubles /spec/c: without the limit 14 of them build about 16 MB.
    let mut ops = vec![r#"{"op":"add","path":"/spec/c","value":["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"]}"#.to_owned()];
    ops.extend((0..14).map(|_| r#"{"op":"copy","from":"/spec/c","path":"/spec/c/0"}"#.to_owned()));
    let bomb = format!("[{}]", ops.join(","));
    let current = send(&mut cluster, "GET", &format!("{STREAMS}/app"), b"", "").1;
    let status = refused(&mut cluster, &current, JSON, bomb.as_bytes());
    assert_eq!(status["code"], 422);
    assert_eq!(
        status["message"],
        "the server rejected our request due to an error in our request"
    );
    println!(
        "copy bomb: {} operations in {} bytes refused with 422",
        ops.len(),
        bomb.len()
    );
}

#[test]
fn nothing_nests_deeper_than_a_state_file_can_load() {
    let (mut cluster, before) = cluster_with_stream();
    // The issue's patch: each operation adds 68 levels under the last, about 205 in all.
    let mut ops = Vec::new();
    let mut path = "/spec/deep".to_owned();
    for _ in 0..3 {
        ops.push(json!({"op": "add", "path": path, "value": nested(68)}));
        path.push_str(&"/n".repeat(68));
    }
    let hostile = Value::Array(ops).to_string();
    let status = refused(&mut cluster, &before, JSON, hostile.as_bytes());
    assert_eq!(status["code"], 422, "{status}");
    assert!(
        status["message"]
            .as_str()
            .unwrap()
            .contains(&format!("nests deeper than {MAX_OBJECT_DEPTH} levels")),
        "{status}"
    );
    println!("deep patch: {} bytes refused with 422", hostile.len());

    // The same through merge and strategic merge patches, and in a created object.
    let too_deep = json!({"spec": {"deep": nested(MAX_OBJECT_DEPTH)}}).to_string();
    for content_type in [MERGE, STRATEGIC] {
        assert_eq!(
            refused(&mut cluster, &before, content_type, too_deep.as_bytes())["code"],
            422
        );
    }
    let created = json!({"metadata": {"name": "deep"}, "spec": {"deep": nested(MAX_OBJECT_DEPTH)}})
        .to_string();
    let (status, answer) = send(
        &mut cluster,
        "POST",
        STREAMS,
        created.as_bytes(),
        "application/json",
    );
    assert_eq!(status, 400, "{answer}");

    // The deepest object allowed is stored, saved, and loads again.
    // The object and its spec are two levels.
    let at_bound = json!({"spec": {"deep": nested(MAX_OBJECT_DEPTH - 2)}}).to_string();
    let (status, patched) = send(
        &mut cluster,
        "PATCH",
        &format!("{STREAMS}/app"),
        at_bound.as_bytes(),
        MERGE,
    );
    assert_eq!(status, 200, "{patched}");
    let text = serde_json::to_string(&cluster.save_state()).unwrap();
    let mut restarted = demo_cluster(NOW);
    restarted
        .load_state(serde_json::from_str(&text).expect("the state file parses"))
        .expect("and loads");
    let (status, loaded) = send(&mut restarted, "GET", &format!("{STREAMS}/app"), b"", "");
    assert_eq!(status, 200);
    assert_eq!(loaded["spec"]["deep"], patched["spec"]["deep"]);
}
