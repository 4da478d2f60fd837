//! Hostile request bodies, parameters and truncated requests, replayed against the running
//! binary over raw TCP (so nothing in a client library tidies them up): every case of issue 15
//! that used to panic the server or store an object that broke later lists.

use crate::common::{Devcluster, TempDir};
use imagestream_devcluster::seed::DEMO_USERS;
use imagestream_model as model;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_devcluster");
const STREAMS: &str = "/apis/image.openshift.io/v1/namespaces/demo/imagestreams";
const DEPLOYMENTS: &str = "/apis/apps/v1/namespaces/demo/deployments";

fn token(user: &str) -> &'static str {
    DEMO_USERS
        .iter()
        .find(|u| u.name == user)
        .map(|u| u.token)
        .unwrap_or_default()
}

/// One raw HTTP/1.1 exchange. With `declared_length`, that is sent as Content-Length even when
/// the body is shorter, and the write side is closed after the body (the client gave up).
fn exchange(
    base: &str,
    user: &str,
    method: &str,
    target: &str,
    content_type: &str,
    body: &[u8],
    declared_length: Option<usize>,
) -> (u16, String) {
    let address = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).expect("devcluster accepts connections");
    // A bound so a hung server fails the test instead of hanging it; not a speed check.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .expect("read timeout");
    let length = declared_length.unwrap_or(body.len());
    let head = format!(
        "{method} {target} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {}\r\nAccept: application/json\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n",
        token(user)
    );
    stream.write_all(head.as_bytes()).expect("request head");
    stream.write_all(body).expect("request body");
    if declared_length.is_some() {
        let _ = stream.shutdown(Shutdown::Write);
    }
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// The Status message in a response body (chunked or not: the JSON object is found in it).
fn message(body: &str) -> String {
    let start = body.find('{').unwrap_or(0);
    let end = body.rfind('}').map_or(body.len(), |end| end + 1);
    serde_json::from_str::<Value>(body.get(start..end).unwrap_or_default())
        .ok()
        .and_then(|status| status["message"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

struct Case {
    name: &'static str,
    user: &'static str,
    method: &'static str,
    target: String,
    content_type: &'static str,
    body: Vec<u8>,
    declared_length: Option<usize>,
    status: u16,
    /// A part of the Status message the real server gives.
    says: &'static str,
}

fn case(
    name: &'static str,
    method: &'static str,
    target: &str,
    body: &str,
    status: u16,
    says: &'static str,
) -> Case {
    Case {
        name,
        user: "developer",
        method,
        target: target.to_owned(),
        content_type: if method == "PATCH" {
            "application/merge-patch+json"
        } else {
            "application/json"
        },
        body: body.as_bytes().to_vec(),
        declared_length: None,
        status,
        says,
    }
}

fn cases() -> Vec<Case> {
    let frontend = format!("{STREAMS}/hostile");
    let deployment = format!("{DEPLOYMENTS}/hostile");
    let template = r#""template":{"metadata":{"labels":{"app":"h"}},"spec":{"containers":[{"name":"c","image":"i"}]}}"#;
    let long_key = "k".repeat(70);
    let forged: String = "99999999:demo/x"
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut cases = vec![
        case(
            "setup: a stream",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"hostile"}}"#,
            201,
            "",
        ),
        case(
            "setup: a deployment",
            "POST",
            DEPLOYMENTS,
            &format!(
                r#"{{"metadata":{{"name":"hostile"}},"spec":{{"selector":{{"matchLabels":{{"app":"h"}}}},{template}}}}}"#
            ),
            201,
            "",
        ),
        case(
            "#2 spec.tags [5] on create",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"t"},"spec":{"tags":[5]}}"#,
            400,
            "Go struct field ImageStreamSpec.spec.tags of type v1.TagReference",
        ),
        case(
            "#2 spec.tags [5] on update",
            "PUT",
            &frontend,
            r#"{"metadata":{"name":"hostile"},"spec":{"tags":[5]}}"#,
            400,
            "cannot unmarshal number",
        ),
        case(
            "#2 spec.tags [5] on patch",
            "PATCH",
            &frontend,
            r#"{"spec":{"tags":[5]}}"#,
            422,
            "patch: Invalid value",
        ),
        case(
            "#3 spec.selector a string",
            "POST",
            DEPLOYMENTS,
            &format!(r#"{{"metadata":{{"name":"s"}},"spec":{{"selector":"x",{template}}}}}"#),
            400,
            "of type v1.LabelSelector",
        ),
        case(
            "#3 matchLabels a list, by patch",
            "PATCH",
            &deployment,
            r#"{"spec":{"selector":{"matchLabels":[]}}}"#,
            422,
            "of type map[string]string",
        ),
        case(
            "#5 repository check time with é",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"when","annotations":{"openshift.io/image.dockerRepositoryCheck":"2024-01-02T03:04:0é"}},"spec":{"tags":[{"name":"a","from":{"kind":"DockerImage","name":"quay.io/x/y:a"}}]}}"#,
            201,
            "",
        ),
        case(
            "spec.tags \"x\"",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"a"},"spec":{"tags":"x"}}"#,
            400,
            "of type []v1.TagReference",
        ),
        case(
            "annotation value 5",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"b","annotations":{"x":5}}}"#,
            400,
            "ObjectMeta.metadata.annotations of type string",
        ),
        case(
            "labels [1]",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"c","labels":[1]}}"#,
            400,
            "of type map[string]string",
        ),
        case(
            "70-character label key",
            "POST",
            STREAMS,
            &format!(r#"{{"metadata":{{"name":"k","labels":{{"{long_key}":"v"}}}}}}"#),
            422,
            "name part must be no more than 63 characters",
        ),
        case(
            "label value \"b c\"",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"k","labels":{"a":"b c"}}}"#,
            422,
            "a valid label must be an empty string",
        ),
        case(
            "tag name a/b:c (not checked by openshift-apiserver)",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"n"},"spec":{"tags":[{"name":"a/b:c"}]}}"#,
            201,
            "",
        ),
        case(
            "apiVersion v2",
            "POST",
            STREAMS,
            r#"{"apiVersion":"v2","kind":"ImageStream","metadata":{"name":"v"}}"#,
            400,
            "no kind \"ImageStream\" is registered for version \"v2\"",
        ),
        case(
            "resourceVersion on create",
            "POST",
            STREAMS,
            r#"{"metadata":{"name":"r","resourceVersion":"5"}}"#,
            500,
            "resourceVersion should not be set on objects to be created",
        ),
        case(
            "duplicate keys under Strict",
            "POST",
            &format!("{STREAMS}?fieldValidation=Strict"),
            r#"{"metadata":{"name":"d","name":"d"}}"#,
            400,
            "duplicate field \"metadata.name\"",
        ),
        case(
            "nested unknown field under Strict",
            "POST",
            &format!("{STREAMS}?fieldValidation=Strict"),
            r#"{"metadata":{"name":"u"},"spec":{"tags":[{"name":"a","from":{"kind":"DockerImage","name":"x/y:a","nmae":1}}]}}"#,
            400,
            "unknown field \"spec.tags[0].from.nmae\"",
        ),
        case(
            "fieldValidation=garbage",
            "POST",
            &format!("{STREAMS}?fieldValidation=garbage"),
            r#"{"metadata":{"name":"g"}}"#,
            422,
            "fieldValidation: Unsupported value: \"garbage\"",
        ),
        case(
            "selector a===b",
            "GET",
            &format!("{STREAMS}?labelSelector=a%3D%3D%3Db"),
            "",
            400,
            "found '=', expected: identifier",
        ),
        case(
            "selector a=b=c",
            "GET",
            &format!("{STREAMS}?labelSelector=a%3Db%3Dc"),
            "",
            400,
            "expected: ',' or 'end of string'",
        ),
        case(
            "selector a,,b",
            "GET",
            &format!("{STREAMS}?labelSelector=a,,b"),
            "",
            400,
            "identifier after ','",
        ),
        case(
            "selector a notin () (the empty value, valid)",
            "GET",
            &format!("{STREAMS}?labelSelector=a%20notin%20()"),
            "",
            200,
            "",
        ),
        case(
            "list resourceVersion=garbage",
            "GET",
            &format!("{STREAMS}?resourceVersion=garbage"),
            "",
            400,
            "invalid resource version",
        ),
        case(
            "forged continue token",
            "GET",
            &format!("{STREAMS}?limit=1&continue={forged}"),
            "",
            500,
            "required revision is a future revision",
        ),
        case(
            "watch timeoutSeconds=-1 ends at once",
            "GET",
            &format!("{STREAMS}?watch=1&timeoutSeconds=-1"),
            "",
            200,
            "",
        ),
        case("#1 merge patch []", "PATCH", &frontend, "[]", 400, "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}"),
        case("#1 merge patch \"s\"", "PATCH", &frontend, "\"s\"", 400, "error decoding patch: json: cannot unmarshal string into Go value"),
        case("#1 merge patch 5", "PATCH", &frontend, "5", 400, "error decoding patch: json: cannot unmarshal number into Go value"),
        case("#1 merge patch true", "PATCH", &frontend, "true", 400, "error decoding patch: json: cannot unmarshal bool into Go value"),
    ];
    let mut viewer_watch = case(
        "#4 watch timeoutSeconds=2^64-1 as a viewer",
        "GET",
        &format!("{STREAMS}?watch=1&timeoutSeconds=18446744073709551615"),
        "",
        400,
        "strconv.ParseInt: parsing \"18446744073709551615\": value out of range",
    );
    viewer_watch.user = "viewer";
    cases.push(viewer_watch);
    let mut json_patch = case(
        "#1 JSON patch replacing the root",
        "PATCH",
        &frontend,
        r#"[{"op":"replace","path":"","value":5}]"#,
        422,
        "",
    );
    json_patch.content_type = "application/json-patch+json";
    cases.push(json_patch);
    let mut truncated = case(
        "body shorter than its Content-Length",
        "POST",
        STREAMS,
        r#"{"metadata":{"#,
        500,
        "unexpected EOF",
    );
    truncated.declared_length = Some(4096);
    cases.push(truncated);
    cases
}

/// After every case: the server answers, and the lists the console decodes still decode.
fn still_answers(base: &str) {
    let (status, _) = exchange(base, "viewer", "GET", "/version", "", b"", None);
    assert_eq!(status, 200, "the server stopped answering");
    let (status, body) = exchange(
        base,
        "admin",
        "GET",
        "/apis/image.openshift.io/v1/imagestreams",
        "",
        b"",
        None,
    );
    assert_eq!(status, 200);
    serde_json::from_str::<model::List<model::ImageStream>>(&body)
        .unwrap_or_else(|err| panic!("the stream list no longer decodes: {err}"));
    let (_, body) = exchange(
        base,
        "admin",
        "GET",
        "/apis/apps/v1/deployments",
        "",
        b"",
        None,
    );
    serde_json::from_str::<model::List<model::Deployment>>(&body)
        .unwrap_or_else(|err| panic!("the deployment list no longer decodes: {err}"));
}

#[test]
fn hostile_input_gets_the_apiservers_answers_and_the_server_keeps_answering() {
    let _alone = crate::alone();
    let work = TempDir::new("abuse-hostile");
    let args: Vec<String> = [
        "--listen",
        "127.0.0.1:0",
        "--dist",
        &work.0.join("no-console").to_string_lossy(),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let cluster = Devcluster::start(BINARY, &args, &work.0.join("stderr.log"));
    let mut failures = Vec::new();
    for case in cases() {
        let (status, body) = exchange(
            &cluster.base,
            case.user,
            case.method,
            &case.target,
            case.content_type,
            &case.body,
            case.declared_length,
        );
        let said = message(&body);
        report!("{:<55} -> {status} {said}", case.name);
        if status != case.status || !said.contains(case.says) {
            failures.push(format!(
                "{}: expected {} containing {:?}, got {status} {said:?}",
                case.name, case.status, case.says
            ));
        }
        still_answers(&cluster.base);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
