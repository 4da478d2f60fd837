//! Table columns and cells (server-side printing) of the kinds `oc status`, `oc describe
//! project` and `oc get all` read besides the image and workload kinds of `table.rs`: quotas,
//! limit ranges, secrets, config maps, service accounts, claims, replication controllers, daemon sets,
//! stateful sets, autoscalers, jobs, cron jobs, and OpenShift's deployment configs, build
//! configs, builds, routes and image stream tags. Columns follow kube-apiserver's printers
//! (pkg/printers/internalversion/printers.go) and openshift-apiserver's (pkg/*/printers).

use imagestream_model::time::ago;
use serde_json::{json, Value};

/// Column titles and types of `kind`, or `None` for a kind printed elsewhere.
pub fn columns(kind: &str) -> Option<Vec<(&'static str, &'static str)>> {
    let s = "string";
    let i = "integer";
    Some(match kind {
        "ResourceQuota" => vec![("Name", s), ("Age", s), ("Request", s), ("Limit", s)],
        "LimitRange" => vec![("Name", s), ("Created At", "date")],
        "Secret" => vec![("Name", s), ("Type", s), ("Data", i), ("Age", s)],
        // kube's printConfigMap: the Data column is declared a string, its cell a number.
        "ConfigMap" => vec![("Name", s), ("Data", s), ("Age", s)],
        "ServiceAccount" => vec![("Name", s), ("Secrets", i), ("Age", s)],
        "PersistentVolumeClaim" => vec![
            ("Name", s),
            ("Status", s),
            ("Volume", s),
            ("Capacity", s),
            ("Access Modes", s),
            ("StorageClass", s),
            ("VolumeAttributesClass", s),
            ("Age", s),
        ],
        "ReplicationController" => vec![
            ("Name", s),
            ("Desired", i),
            ("Current", i),
            ("Ready", i),
            ("Age", s),
        ],
        "DaemonSet" => vec![
            ("Name", s),
            ("Desired", i),
            ("Current", i),
            ("Ready", i),
            ("Up-to-date", i),
            ("Available", i),
            ("Node Selector", s),
            ("Age", s),
        ],
        "StatefulSet" => vec![("Name", s), ("Ready", s), ("Age", s)],
        "HorizontalPodAutoscaler" => vec![
            ("Name", s),
            ("Reference", s),
            ("Targets", s),
            ("MinPods", s),
            ("MaxPods", i),
            ("Replicas", i),
            ("Age", s),
        ],
        "Job" => vec![
            ("Name", s),
            ("Status", s),
            ("Completions", s),
            ("Duration", s),
            ("Age", s),
        ],
        "CronJob" => vec![
            ("Name", s),
            ("Schedule", s),
            ("Timezone", s),
            ("Suspend", "boolean"),
            ("Active", i),
            ("Last Schedule", s),
            ("Age", s),
        ],
        "DeploymentConfig" => vec![
            ("Name", s),
            ("Revision", s),
            ("Desired", s),
            ("Current", s),
            ("Triggered By", s),
        ],
        "BuildConfig" => vec![("Name", s), ("Type", s), ("From", s), ("Latest", s)],
        "Build" => vec![
            ("Name", s),
            ("Type", s),
            ("From", s),
            ("Status", s),
            ("Started", s),
            ("Duration", s),
        ],
        "Route" => vec![
            ("Name", s),
            ("Host/Port", s),
            ("Path", s),
            ("Services", s),
            ("Port", s),
            ("Termination", s),
            ("Wildcard", s),
        ],
        "ImageStreamTag" => vec![("Name", s), ("Image Reference", s), ("Updated", s)],
        _ => return None,
    })
}

fn at<'a>(object: &'a Value, path: &str) -> &'a Value {
    object.pointer(path).unwrap_or(&Value::Null)
}

fn text<'a>(object: &'a Value, path: &str) -> &'a str {
    at(object, path).as_str().unwrap_or_default()
}

fn number(object: &Value, path: &str) -> i64 {
    at(object, path).as_i64().unwrap_or(0)
}

fn count(object: &Value, path: &str) -> i64 {
    match at(object, path) {
        Value::Array(items) => items.len() as i64,
        Value::Object(map) => map.len() as i64,
        _ => 0,
    }
}

fn or_none(value: &str) -> String {
    if value.is_empty() {
        "<none>".to_owned()
    } else {
        value.to_owned()
    }
}

/// A quantity as the API writes it (string or number).
fn quantity(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(n) => n.to_string(),
        _ => "0".to_owned(),
    }
}

/// kube's `ResourceQuota` cells: `resource: used/hard` for each hard limit, sorted, the
/// `limits.*` ones in their own column.
fn quota_cells(object: &Value) -> (String, String) {
    let (mut request, mut limit) = (Vec::new(), Vec::new());
    if let Some(hard) = at(object, "/status/hard").as_object() {
        for (resource, hard) in hard {
            let used = quantity(at(
                object,
                &format!(
                    "/status/used/{}",
                    resource.replace('~', "~0").replace('/', "~1")
                ),
            ));
            let cell = format!("{resource}: {used}/{}", quantity(hard));
            if resource.starts_with("limits.") {
                limit.push(cell);
            } else {
                request.push(cell);
            }
        }
    }
    (request.join(", "), limit.join(", "))
}

/// kube's short access-mode names (`ReadWriteOnce` → `RWO`).
fn access_modes(object: &Value) -> String {
    at(object, "/status/accessModes")
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|mode| match mode {
            "ReadWriteOnce" => "RWO",
            "ReadOnlyMany" => "ROX",
            "ReadWriteMany" => "RWX",
            "ReadWriteOncePod" => "RWOP",
            other => other,
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn route_cells(object: &Value) -> Vec<Value> {
    let host = text(object, "/spec/host");
    let mut services = vec![text(object, "/spec/to/name").to_owned()];
    for backend in at(object, "/spec/alternateBackends")
        .as_array()
        .into_iter()
        .flatten()
    {
        services.push(backend["name"].as_str().unwrap_or_default().to_owned());
    }
    let port = match at(object, "/spec/port/targetPort") {
        Value::Null => "<all>".to_owned(),
        value => quantity(value),
    };
    let termination = text(object, "/spec/tls/termination");
    let insecure = text(object, "/spec/tls/insecureEdgeTerminationPolicy");
    let policy = match (termination, insecure) {
        ("", _) => String::new(),
        (t, "") => t.to_owned(),
        (t, i) => format!("{t}/{i}"),
    };
    vec![
        json!(text(object, "/metadata/name")),
        json!(host),
        json!(text(object, "/spec/path")),
        json!(services.join(",")),
        json!(port),
        json!(policy),
        json!(match text(object, "/spec/wildcardPolicy") {
            "" => "None",
            policy => policy,
        }),
    ]
}

/// The cells of `object`, a `kind` [`columns`] knows; `age` is the caller's kubectl-style age
/// of the object.
pub fn cells(kind: &str, object: &Value, now: i64, age: &str) -> Option<Vec<Value>> {
    let name = text(object, "/metadata/name");
    let strategy = || {
        at(object, "/spec/strategy/type")
            .as_str()
            .unwrap_or("Source")
            .to_owned()
    };
    let source = || match (
        text(object, "/spec/source/git/uri"),
        text(object, "/spec/source/type"),
    ) {
        ("", "") => String::new(),
        ("", kind) => kind.to_owned(),
        (uri, _) => format!(
            "Git@{}",
            match text(object, "/spec/source/git/ref") {
                "" => uri.rsplit('/').next().unwrap_or(uri).to_owned(),
                reference => reference.to_owned(),
            }
        ),
    };
    Some(match kind {
        "ResourceQuota" => {
            let (request, limit) = quota_cells(object);
            vec![json!(name), json!(age), json!(request), json!(limit)]
        }
        "LimitRange" => vec![
            json!(name),
            at(object, "/metadata/creationTimestamp").clone(),
        ],
        "Secret" => vec![
            json!(name),
            json!(match text(object, "/type") {
                "" => "Opaque",
                t => t,
            }),
            json!(count(object, "/data") + count(object, "/stringData")),
            json!(age),
        ],
        "ConfigMap" => vec![
            json!(name),
            json!(count(object, "/data") + count(object, "/binaryData")),
            json!(age),
        ],
        "ServiceAccount" => vec![json!(name), json!(count(object, "/secrets")), json!(age)],
        "PersistentVolumeClaim" => vec![
            json!(name),
            json!(match text(object, "/status/phase") {
                "" => "Pending",
                phase => phase,
            }),
            json!(text(object, "/spec/volumeName")),
            json!(text(object, "/status/capacity/storage")),
            json!(access_modes(object)),
            json!(text(object, "/spec/storageClassName")),
            json!(match text(object, "/spec/volumeAttributesClassName") {
                "" => "<unset>",
                class => class,
            }),
            json!(age),
        ],
        "ReplicationController" => vec![
            json!(name),
            json!(number(object, "/spec/replicas")),
            json!(number(object, "/status/replicas")),
            json!(number(object, "/status/readyReplicas")),
            json!(age),
        ],
        "DaemonSet" => {
            let selector = at(object, "/spec/template/spec/nodeSelector")
                .as_object()
                .map(|labels| {
                    labels
                        .iter()
                        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(",")
                })
                .unwrap_or_default();
            vec![
                json!(name),
                json!(number(object, "/status/desiredNumberScheduled")),
                json!(number(object, "/status/currentNumberScheduled")),
                json!(number(object, "/status/numberReady")),
                json!(number(object, "/status/updatedNumberScheduled")),
                json!(number(object, "/status/numberAvailable")),
                json!(or_none(&selector)),
                json!(age),
            ]
        }
        "StatefulSet" => vec![
            json!(name),
            json!(format!(
                "{}/{}",
                number(object, "/status/readyReplicas"),
                at(object, "/spec/replicas").as_i64().unwrap_or(1)
            )),
            json!(age),
        ],
        "HorizontalPodAutoscaler" => {
            let target = at(object, "/spec/targetCPUUtilizationPercentage");
            let targets = match target.as_i64() {
                Some(percent) => format!(
                    "cpu: {}/{percent}%",
                    at(object, "/status/currentCPUUtilizationPercentage")
                        .as_i64()
                        .map_or("<unknown>".to_owned(), |c| format!("{c}%"))
                ),
                None => "<none>".to_owned(),
            };
            vec![
                json!(name),
                json!(format!(
                    "{}/{}",
                    text(object, "/spec/scaleTargetRef/kind"),
                    text(object, "/spec/scaleTargetRef/name")
                )),
                json!(targets),
                json!(at(object, "/spec/minReplicas")
                    .as_i64()
                    .map_or("<unset>".to_owned(), |n| n.to_string())),
                json!(number(object, "/spec/maxReplicas")),
                json!(number(object, "/status/currentReplicas")),
                json!(age),
            ]
        }
        "Job" => {
            let completions = at(object, "/spec/completions").as_i64().unwrap_or(1);
            let succeeded = number(object, "/status/succeeded");
            let conditions = at(object, "/status/conditions")
                .as_array()
                .cloned()
                .unwrap_or_default();
            let has = |kind: &str| {
                conditions
                    .iter()
                    .any(|c| c["type"] == kind && c["status"] == "True")
            };
            let status = if has("Complete") {
                "Complete"
            } else if has("Failed") {
                "Failed"
            } else if has("Suspended") {
                "Suspended"
            } else {
                "Running"
            };
            vec![
                json!(name),
                json!(status),
                json!(format!("{succeeded}/{completions}")),
                json!(""),
                json!(age),
            ]
        }
        "CronJob" => vec![
            json!(name),
            json!(text(object, "/spec/schedule")),
            json!(or_none(text(object, "/spec/timeZone"))),
            json!(at(object, "/spec/suspend").as_bool().unwrap_or(false)),
            json!(count(object, "/status/active")),
            json!(match text(object, "/status/lastScheduleTime") {
                "" => "<none>".to_owned(),
                _ => age.to_owned(),
            }),
            json!(age),
        ],
        "DeploymentConfig" => {
            let triggers: std::collections::BTreeSet<String> = at(object, "/spec/triggers")
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|trigger| match trigger["type"].as_str()? {
                    "ConfigChange" => Some("config".to_owned()),
                    "ImageChange"
                        if trigger.pointer("/imageChangeParams/automatic")
                            == Some(&Value::Bool(true)) =>
                    {
                        Some(format!(
                            "image({})",
                            trigger.pointer("/imageChangeParams/from/name")?.as_str()?
                        ))
                    }
                    "ImageChange" => None,
                    other => Some(other.to_owned()),
                })
                .collect();
            vec![
                json!(name),
                json!(number(object, "/status/latestVersion")),
                json!(number(object, "/spec/replicas").to_string()),
                json!(number(object, "/status/updatedReplicas")),
                json!(triggers.into_iter().collect::<Vec<_>>().join(",")),
            ]
        }
        "BuildConfig" => vec![
            json!(name),
            json!(strategy()),
            json!(source()),
            json!(number(object, "/status/lastVersion")),
        ],
        "Build" => vec![
            json!(name),
            json!(strategy()),
            json!(source()),
            json!(match text(object, "/status/phase") {
                "" => "New",
                phase => phase,
            }),
            json!(ago(text(object, "/status/startTimestamp"), now).unwrap_or_default()),
            json!(""),
        ],
        "Route" => route_cells(object),
        "ImageStreamTag" => vec![
            json!(name),
            json!(text(object, "/image/dockerImageReference")),
            json!(ago(text(object, "/metadata/creationTimestamp"), now).unwrap_or_default()),
        ],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_lists_used_over_hard_with_limits_apart() {
        let quota = json!({
            "metadata": {"name": "compute"},
            "status": {
                "hard": {"limits.memory": "2Gi", "pods": "10", "requests.cpu": "1"},
                "used": {"limits.memory": "0", "pods": "2", "requests.cpu": "0"}
            }
        });
        assert_eq!(
            cells("ResourceQuota", &quota, 0, "5m").unwrap(),
            vec![
                json!("compute"),
                json!("5m"),
                json!("pods: 2/10, requests.cpu: 0/1"),
                json!("limits.memory: 0/2Gi")
            ]
        );
    }

    #[test]
    fn a_route_prints_its_backends_and_termination() {
        let route = json!({"metadata": {"name": "web"}, "spec": {"host": "web.apps", "to": {"name": "web"}, "port": {"targetPort": 8080}, "tls": {"termination": "edge", "insecureEdgeTerminationPolicy": "Redirect"}}, "status": {"ingress": [{"conditions": [{"type": "Admitted", "status": "True"}]}]}});
        assert_eq!(
            cells("Route", &route, 0, "1m").unwrap(),
            vec![
                json!("web"),
                json!("web.apps"),
                json!(""),
                json!("web"),
                json!("8080"),
                json!("edge/Redirect"),
                json!("None")
            ]
        );
    }
}
