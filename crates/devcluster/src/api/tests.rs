//! Unit tests of the request handler.

use crate::seed::{demo_cluster, DEMO_USERS};
use crate::{ApiRequest, Cluster};
use serde_json::{json, Value};

const NOW: i64 = 1_780_000_000_000;

fn send(cluster: &mut Cluster, method: &str, target: &str, body: Option<Value>) -> Value {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let admin = DEMO_USERS.iter().find(|u| u.name == "admin").unwrap();
    let response = cluster.handle(&ApiRequest {
        method: method.into(),
        path: path.into(),
        query: query.into(),
        body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
        content_type: "application/json".into(),
        accept: "application/json".into(),
        authorization: Some(format!("Bearer {}", admin.token)),
        now_millis: NOW,
    });
    assert!(
        response.status < 300,
        "{method} {target}: {}",
        response.status
    );
    response.json_body()
}

/// Every page of a chunked list, with the remainingItemCount each page said.
fn pages(cluster: &mut Cluster, collection: &str, query: &str) -> Vec<(Vec<String>, i64)> {
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let continued = token.map(|t| format!("&continue={t}")).unwrap_or_default();
        let page = send(
            cluster,
            "GET",
            &format!("{collection}?{query}{continued}"),
            None,
        );
        let names = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                format!(
                    "{}/{}",
                    item["metadata"]["namespace"].as_str().unwrap(),
                    item["metadata"]["name"].as_str().unwrap()
                )
            })
            .collect();
        let remaining = page["metadata"]["remainingItemCount"].as_i64().unwrap_or(0);
        pages.push((names, remaining));
        match page["metadata"]["continue"].as_str() {
            Some(next) => token = Some(next.to_owned()),
            None => return pages,
        }
    }
}

#[test]
fn chunked_lists_page_in_list_order_and_count_what_is_left() {
    let mut cluster = demo_cluster(NOW);
    // Namespace "demo-b" comes after "demo", but as text "demo-b/x" sorts before "demo/…":
    // pages must follow the store's order (namespace, then name), not that text.
    send(
        &mut cluster,
        "POST",
        "/api/v1/namespaces",
        Some(json!({"metadata": {"name": "demo-b"}})),
    );
    for name in ["x", "y"] {
        send(
            &mut cluster,
            "POST",
            "/apis/image.openshift.io/v1/namespaces/demo-b/imagestreams",
            Some(json!({"metadata": {"name": name, "labels": {"app": "b"}}})),
        );
    }
    let all_streams = "/apis/image.openshift.io/v1/imagestreams";
    let whole: Vec<String> = pages(&mut cluster, all_streams, "")
        .into_iter()
        .flat_map(|(names, _)| names)
        .collect();
    assert!(whole.contains(&"demo-b/x".to_owned()), "{whole:?}");
    for query in ["limit=1", "limit=2", "limit=3&labelSelector=app%3Db"] {
        let chunked = pages(&mut cluster, all_streams, query);
        let listed: Vec<String> = chunked.iter().flat_map(|(n, _)| n.clone()).collect();
        let expected: Vec<String> = if query.contains("labelSelector") {
            vec!["demo-b/x".into(), "demo-b/y".into()]
        } else {
            whole.clone()
        };
        assert_eq!(listed, expected, "{query}");
        // Each page says how many objects the pages after it hold.
        let mut left = listed.len() as i64;
        for (names, remaining) in &chunked {
            left -= names.len() as i64;
            assert_eq!(*remaining, left, "{query}");
        }
    }
}
