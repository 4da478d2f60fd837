//! The image trigger controller (`image.openshift.io/triggers` on Deployments): each trigger's
//! stream tag resolved to a pull spec and written into the container it names, for the
//! Deployments that changed or follow a stream that changed.

use crate::api::Cluster;
use crate::images::{stream_key, FOLLOWED_STREAMS};
use crate::kinds;
use crate::store::ObjectKey;
use imagestream_model::tags;
use imagestream_model::workload::{ImageTrigger, TRIGGERS_ANNOTATION};
use imagestream_model::ImageStream;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// A Deployment's image triggers (the `image.openshift.io/triggers` annotation), if it has
/// any that parse.
fn deployment_triggers(deployment: &Value) -> Option<Vec<ImageTrigger>> {
    let annotation = deployment
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(TRIGGERS_ANNOTATION))
        .and_then(Value::as_str)?;
    serde_json::from_str::<Vec<ImageTrigger>>(annotation).ok()
}

/// The namespace and stream a trigger follows; a trigger without a namespace follows one in
/// the Deployment's own.
fn followed_stream(trigger: &ImageTrigger, own_namespace: &str) -> (String, String) {
    let namespace = trigger
        .from
        .namespace
        .clone()
        .filter(|ns| !ns.is_empty())
        .unwrap_or_else(|| own_namespace.to_owned());
    let stream = trigger
        .from
        .name
        .split(':')
        .next()
        .unwrap_or_default()
        .to_owned();
    (namespace, stream)
}

/// [`FOLLOWED_STREAMS`] values: `namespace/stream` for every trigger (paused ones included:
/// resuming one is a change of the Deployment itself).
pub(crate) fn followed_streams(key: &ObjectKey, deployment: &Value) -> Vec<String> {
    deployment_triggers(deployment)
        .unwrap_or_default()
        .iter()
        .map(|trigger| {
            let (namespace, stream) = followed_stream(trigger, &key.namespace);
            format!("{namespace}/{stream}")
        })
        .collect()
}

impl Cluster {
    /// The image trigger controller: writes each trigger's resolved pull spec (§6.3) into the
    /// Deployment's container, for deployments that changed or follow a stream that changed
    /// (found through the [`FOLLOWED_STREAMS`] index, not by parsing every Deployment).
    pub(crate) fn run_triggers(
        &mut self,
        streams: &BTreeSet<(String, String)>,
        deployments: &BTreeSet<ObjectKey>,
    ) {
        let mut updates: Vec<(ObjectKey, Value)> = Vec::new();
        // The deployments that changed and those following a stream that changed, in key order.
        let mut candidates: BTreeSet<&ObjectKey> = deployments.iter().collect();
        for (namespace, stream) in streams {
            candidates.extend(
                self.store
                    .indexed(FOLLOWED_STREAMS, &format!("{namespace}/{stream}")),
            );
        }
        for key in candidates {
            let Some(object) = self.store.get(key) else {
                continue;
            };
            // A changed Deployment without (well-formed) triggers is not the trigger controller's.
            let Some(triggers) = deployment_triggers(object) else {
                continue;
            };
            let mut updated = (**object).clone();
            let mut changed = false;
            for trigger in triggers
                .iter()
                .filter(|t| t.paused != Some(true) && t.from.kind == "ImageStreamTag")
            {
                let namespace = trigger
                    .from
                    .namespace
                    .clone()
                    .filter(|ns| !ns.is_empty())
                    .unwrap_or_else(|| key.namespace.clone());
                let Some((stream_name, tag)) = trigger.from.name.split_once(':') else {
                    continue;
                };
                let Some(stored) = self.store.get(&stream_key(&namespace, stream_name)) else {
                    continue;
                };
                let presented = self.present(Self::stream_resource(), stored);
                let Ok(stream) = serde_json::from_value::<ImageStream>(presented) else {
                    continue;
                };
                let target_tag = tags::alias_target(&stream, tag).unwrap_or(tag);
                let Some(pull_spec) = tags::resolved_pull_spec(&stream, target_tag) else {
                    continue;
                };
                if let Some(container) = container_at(&mut updated, &trigger.field_path) {
                    if container.get("image").and_then(Value::as_str) != Some(pull_spec.as_str()) {
                        if let Some(container) = container.as_object_mut() {
                            container.insert("image".into(), json!(pull_spec));
                            changed = true;
                        }
                    }
                }
            }
            if changed {
                let generation = updated
                    .pointer("/metadata/generation")
                    .and_then(Value::as_i64)
                    .unwrap_or(1);
                kinds::object_at(&mut updated, "metadata")
                    .insert("generation".into(), json!(generation.saturating_add(1)));
                updates.push((key.clone(), updated));
            }
        }
        for (key, object) in updates {
            self.store.put(key, object);
        }
    }
}

/// The container a trigger's fieldPath names, e.g.
/// `spec.template.spec.containers[?(@.name=="web")].image` or `...initContainers[0].image`.
fn container_at<'a>(deployment: &'a mut Value, field_path: &str) -> Option<&'a mut Value> {
    let rest = field_path.strip_prefix("spec.template.spec.")?;
    let (list, selector) = rest.split_once('[')?;
    if !matches!(list, "containers" | "initContainers") {
        return None;
    }
    let (selector, tail) = selector.split_once(']')?;
    if tail != ".image" && !tail.is_empty() {
        return None;
    }
    let containers = deployment
        .pointer_mut(&format!("/spec/template/spec/{list}"))?
        .as_array_mut()?;
    if let Ok(index) = selector.parse::<usize>() {
        return containers.get_mut(index);
    }
    let name = selector.strip_prefix("?(@.name==\"")?.strip_suffix("\")")?;
    containers
        .iter_mut()
        .find(|c| c.get("name").and_then(Value::as_str) == Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_field_paths_find_their_container() {
        let mut deployment = json!({"spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "web"}], "initContainers": [{"name": "init"}]}}}});
        assert_eq!(
            container_at(
                &mut deployment,
                "spec.template.spec.containers[?(@.name==\"web\")].image"
            )
            .unwrap()["name"],
            "web"
        );
        assert_eq!(
            container_at(&mut deployment, "spec.template.spec.containers[0].image").unwrap()
                ["name"],
            "a"
        );
        assert_eq!(
            container_at(
                &mut deployment,
                "spec.template.spec.initContainers[0].image"
            )
            .unwrap()["name"],
            "init"
        );
        assert!(container_at(
            &mut deployment,
            "spec.template.spec.containers[?(@.name==\"nope\")].image"
        )
        .is_none());
        assert!(container_at(&mut deployment, "metadata.name").is_none());
    }
}
