//! Server-side printing (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`): the columns
//! `oc get` and `kubectl get` show for each kind.

use imagestream_model::columns::{image_repository, tags_column, updated_column, TAGS_WIDTH};
use imagestream_model::time::parse_rfc3339;
use imagestream_model::ImageStream;
use serde_json::{json, Value};

/// Column titles and types of a kind's table.
fn columns(kind: &str) -> Vec<(&'static str, &'static str)> {
    match kind {
        "ImageStream" => vec![
            ("Name", "string"),
            ("Image Repository", "string"),
            ("Tags", "string"),
            ("Updated", "string"),
        ],
        "Deployment" => vec![
            ("Name", "string"),
            ("Ready", "string"),
            ("Up-to-date", "integer"),
            ("Available", "integer"),
            ("Age", "string"),
        ],
        "ReplicaSet" => vec![
            ("Name", "string"),
            ("Desired", "integer"),
            ("Current", "integer"),
            ("Ready", "integer"),
            ("Age", "string"),
        ],
        "Pod" => vec![
            ("Name", "string"),
            ("Ready", "string"),
            ("Status", "string"),
            ("Restarts", "string"),
            ("Age", "string"),
        ],
        "Service" => vec![
            ("Name", "string"),
            ("Type", "string"),
            ("Cluster-IP", "string"),
            ("External-IP", "string"),
            ("Port(s)", "string"),
            ("Age", "string"),
        ],
        "Namespace" => vec![("Name", "string"), ("Status", "string"), ("Age", "string")],
        "Project" => vec![
            ("Name", "string"),
            ("Display Name", "string"),
            ("Status", "string"),
        ],
        "Event" => vec![
            ("Last Seen", "string"),
            ("Type", "string"),
            ("Reason", "string"),
            ("Object", "string"),
            ("Message", "string"),
        ],
        other => crate::printers::columns(other)
            .unwrap_or_else(|| vec![("Name", "string"), ("Age", "string")]),
    }
}

/// Columns `-o wide` adds (priority 1), after the others, as kube's printers define them for
/// Deployments and ReplicaSets.
fn wide_columns(kind: &str) -> &'static [(&'static str, &'static str)] {
    match kind {
        "Deployment" | "ReplicaSet" => &[
            ("Containers", "string"),
            ("Images", "string"),
            ("Selector", "string"),
        ],
        _ => &[],
    }
}

/// The wide cells of a workload: its containers' names and images, and its selector.
fn workload_wide_cells(object: &Value) -> [Value; 3] {
    let containers: Vec<&Value> = object
        .pointer("/spec/template/spec/containers")
        .and_then(Value::as_array)
        .map(|c| c.iter().collect())
        .unwrap_or_default();
    let join = |key: &str| {
        containers
            .iter()
            .map(|c| c.get(key).and_then(Value::as_str).unwrap_or_default())
            .collect::<Vec<_>>()
            .join(",")
    };
    let selector =
        crate::api::selector_string(object.pointer("/spec/selector")).unwrap_or_else(|error| error);
    [json!(join("name")), json!(join("image")), json!(selector)]
}

/// A Table of `objects` of `kind`. `include` is the `includeObject` parameter: `None`,
/// `Object`, or `Metadata` (the default).
pub fn table(
    kind: &str,
    objects: &[&Value],
    now_millis: i64,
    include: &str,
    list_meta: Value,
) -> Value {
    let definitions: Vec<Value> = columns(kind)
        .into_iter()
        .map(|column| (column, 0))
        .chain(wide_columns(kind).iter().map(|column| (*column, 1)))
        .map(|((name, column_type), priority)| {
            json!({
                "name": name,
                "type": column_type,
                "format": if name == "Name" { "name" } else { "" },
                "description": "",
                "priority": priority
            })
        })
        .collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            let mut row = json!({ "cells": cells(kind, object, now_millis) });
            let embedded = match include {
                "None" => None,
                "Object" => Some((*object).clone()),
                _ => Some(json!({
                    "kind": "PartialObjectMetadata",
                    "apiVersion": "meta.k8s.io/v1",
                    "metadata": object.get("metadata").cloned().unwrap_or(Value::Null),
                })),
            };
            if let Some(embedded) = embedded {
                row["object"] = embedded;
            }
            row
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta,
        "columnDefinitions": definitions,
        "rows": rows,
    })
}

fn text<'a>(object: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .try_fold(object, |value, key| value.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn number(object: &Value, path: &[&str]) -> i64 {
    path.iter()
        .try_fold(object, |value, key| value.get(key))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

fn age(object: &Value, now_millis: i64) -> String {
    let created = text(object, &["metadata", "creationTimestamp"]);
    parse_rfc3339(created)
        .map(|then| short_duration(now_millis - then))
        .unwrap_or_else(|_| "<unknown>".into())
}

fn cells(kind: &str, object: &Value, now: i64) -> Vec<Value> {
    let name = text(object, &["metadata", "name"]);
    match kind {
        // Read from the stored JSON in place (no copy of it to deserialize from).
        "ImageStream" => match <ImageStream as serde::Deserialize>::deserialize(object) {
            Ok(stream) => vec![
                json!(name),
                json!(image_repository(&stream)),
                json!(tags_column(&stream, TAGS_WIDTH).to_string()),
                json!(updated_column(&stream, now)),
            ],
            Err(_) => vec![json!(name), json!(""), json!(""), json!("")],
        },
        "Deployment" => {
            let desired = number(object, &["spec", "replicas"]);
            let mut cells = vec![
                json!(name),
                json!(format!(
                    "{}/{}",
                    number(object, &["status", "readyReplicas"]),
                    desired
                )),
                json!(number(object, &["status", "updatedReplicas"])),
                json!(number(object, &["status", "availableReplicas"])),
                json!(age(object, now)),
            ];
            cells.extend(workload_wide_cells(object));
            cells
        }
        "ReplicaSet" => {
            let mut cells = vec![
                json!(name),
                json!(number(object, &["spec", "replicas"])),
                json!(number(object, &["status", "replicas"])),
                json!(number(object, &["status", "readyReplicas"])),
                json!(age(object, now)),
            ];
            cells.extend(workload_wide_cells(object));
            cells
        }
        "Pod" => {
            let containers = object
                .pointer("/spec/containers")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            let ready = object
                .pointer("/status/containerStatuses")
                .and_then(Value::as_array)
                .map_or(0, |s| s.iter().filter(|c| c["ready"] == true).count());
            let phase = text(object, &["status", "phase"]);
            vec![
                json!(name),
                json!(format!("{ready}/{containers}")),
                json!(if phase.is_empty() { "Pending" } else { phase }),
                json!("0"),
                json!(age(object, now)),
            ]
        }
        "Service" => {
            let ports: Vec<String> = object
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map(|ports| {
                    ports
                        .iter()
                        .map(|p| {
                            format!("{}/{}", p["port"], p["protocol"].as_str().unwrap_or("TCP"))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let service_type = text(object, &["spec", "type"]);
            vec![
                json!(name),
                json!(if service_type.is_empty() {
                    "ClusterIP"
                } else {
                    service_type
                }),
                json!(text(object, &["spec", "clusterIP"])),
                json!("<none>"),
                json!(if ports.is_empty() {
                    "<none>".into()
                } else {
                    ports.join(",")
                }),
                json!(age(object, now)),
            ]
        }
        "Namespace" => vec![
            json!(name),
            json!(match text(object, &["status", "phase"]) {
                "" => "Active",
                phase => phase,
            }),
            json!(age(object, now)),
        ],
        "Project" => vec![
            json!(name),
            json!(text(
                object,
                &["metadata", "annotations", "openshift.io/display-name"]
            )),
            json!(match text(object, &["status", "phase"]) {
                "" => "Active",
                phase => phase,
            }),
        ],
        "Event" => vec![
            json!(age(object, now)),
            json!(text(object, &["type"])),
            json!(text(object, &["reason"])),
            json!(format!(
                "{}/{}",
                text(object, &["involvedObject", "kind"]).to_ascii_lowercase(),
                text(object, &["involvedObject", "name"])
            )),
            json!(text(object, &["message"])),
        ],
        other => {
            let age = age(object, now);
            crate::printers::cells(other, object, now, &age)
                .unwrap_or_else(|| vec![json!(name), json!(age)])
        }
    }
}

/// kubectl's compact ages (`45s`, `3m20s`, `5h`, `12d`), from apimachinery's `HumanDuration`.
pub fn short_duration(millis: i64) -> String {
    let seconds = (millis / 1_000).max(0);
    let minutes = seconds / 60;
    let hours = minutes / 60;
    match () {
        _ if seconds < 60 * 2 => format!("{seconds}s"),
        _ if minutes < 10 => match seconds % 60 {
            0 => format!("{minutes}m"),
            s => format!("{minutes}m{s}s"),
        },
        _ if minutes < 60 * 3 => format!("{minutes}m"),
        _ if hours < 8 => match minutes % 60 {
            0 => format!("{hours}h"),
            m => format!("{hours}h{m}m"),
        },
        _ if hours < 48 => format!("{hours}h"),
        _ if hours < 24 * 8 => match hours % 24 {
            0 => format!("{}d", hours / 24),
            h => format!("{}d{h}h", hours / 24),
        },
        _ if hours < 24 * 365 * 2 => format!("{}d", hours / 24),
        _ if hours < 24 * 365 * 8 => match (hours / 24) % 365 {
            0 => format!("{}y", hours / 24 / 365),
            d => format!("{}y{d}d", hours / 24 / 365),
        },
        _ => format!("{}y", hours / 24 / 365),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        let s = 1_000;
        assert_eq!(short_duration(45 * s), "45s");
        assert_eq!(short_duration(200 * s), "3m20s");
        assert_eq!(short_duration(45 * 60 * s), "45m");
        assert_eq!(short_duration(5 * 3600 * s), "5h");
        assert_eq!(short_duration(3 * 86_400 * s + 3600 * s), "3d1h");
        assert_eq!(short_duration(40 * 86_400 * s), "40d");
    }

    #[test]
    fn workloads_add_the_wide_columns_of_kubes_printers() {
        let deployment = json!({
            "metadata": {"name": "hello", "creationTimestamp": "2024-01-01T00:00:00Z"},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "hello"}}, "template": {"spec": {"containers": [
                {"name": "hello", "image": "quay.io/example/hello:1.0"}, {"name": "side", "image": "busybox"}
            ]}}},
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
        });
        let now = parse_rfc3339("2024-01-01T00:00:30Z").unwrap_or_default();
        let table = table("Deployment", &[&deployment], now, "None", json!({}));
        let wide: Vec<&Value> = table["columnDefinitions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["priority"] == 1)
            .map(|c| &c["name"])
            .collect();
        assert_eq!(wide, ["Containers", "Images", "Selector"]);
        assert_eq!(
            table["rows"][0]["cells"],
            json!([
                "hello",
                "2/3",
                3,
                2,
                "30s",
                "hello,side",
                "quay.io/example/hello:1.0,busybox",
                "app=hello"
            ])
        );
    }

    #[test]
    fn image_streams_print_the_oc_get_is_columns() {
        let stream = json!({
            "metadata": {"name": "nginx", "creationTimestamp": "2024-01-01T00:00:00Z"},
            "status": {"dockerImageRepository": "registry/ns/nginx", "tags": [
                {"tag": "latest", "items": [{"created": "2024-01-01T00:00:00Z", "dockerImageReference": "x", "image": "sha256:1"}]}
            ]}
        });
        let now = parse_rfc3339("2024-01-01T01:00:00Z").unwrap();
        let table = table("ImageStream", &[&stream], now, "None", json!({}));
        let names: Vec<_> = table["columnDefinitions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].clone())
            .collect();
        assert_eq!(names, ["Name", "Image Repository", "Tags", "Updated"]);
        assert_eq!(
            table["rows"][0]["cells"],
            json!(["nginx", "registry/ns/nginx", "latest", "About an hour ago"])
        );
        assert!(table["rows"][0].get("object").is_none());
    }
}
