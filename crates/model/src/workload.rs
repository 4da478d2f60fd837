//! The workloads that run images and the Service in front of them: lean local structs with the
//! fields the console reads, everything else kept in `extra` so objects round-trip unchanged.

use crate::imagestream::ObjectReference;
use crate::meta::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Annotation holding a Deployment's image triggers, a JSON array encoded as a string (§6.1).
pub const TRIGGERS_ANNOTATION: &str = "image.openshift.io/triggers";

macro_rules! top_level {
    ($(#[$doc:meta])* $name:ident, $spec:ty, $status:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            /// API group and version.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub api_version: Option<String>,
            /// The kind.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub kind: Option<String>,
            /// Name, namespace, labels, annotations.
            #[serde(default)]
            pub metadata: ObjectMeta,
            /// Desired state.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub spec: Option<$spec>,
            /// Observed state.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub status: Option<$status>,
            /// Anything else, kept verbatim.
            #[serde(flatten)]
            pub extra: Map<String, Value>,
        }
    };
}

top_level!(
    /// `apps/v1` Deployment.
    Deployment, DeploymentSpec, ReplicaStatus
);
top_level!(
    /// `apps/v1` ReplicaSet.
    ReplicaSet, DeploymentSpec, ReplicaStatus
);
top_level!(
    /// `apps.openshift.io/v1` DeploymentConfig, read to find ImageChange triggers.
    DeploymentConfig, DeploymentConfigSpec, ReplicaStatus
);
top_level!(
    /// `v1` Pod.
    Pod, PodSpec, PodStatus
);
top_level!(
    /// `v1` Service.
    Service, ServiceSpec, Value
);

/// Spec of a Deployment or ReplicaSet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentSpec {
    /// Desired pod count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// `{matchLabels, matchExpressions}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pods to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplateSpec>,
    /// Anything else (strategy…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A label selector.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    /// Exact label matches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<BTreeMap<String, String>>,
    /// Anything else (matchExpressions), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Replica counts, shared by Deployment, ReplicaSet and DeploymentConfig status.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaStatus {
    /// Pods created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Pods ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    /// Pods running the current template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_replicas: Option<i32>,
    /// Pods available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_replicas: Option<i32>,
    /// Generation the controller has seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Anything else (conditions…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Spec of a DeploymentConfig.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentConfigSpec {
    /// Desired pod count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// A plain label map (not a LabelSelector).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<BTreeMap<String, String>>,
    /// The pods to run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplateSpec>,
    /// ConfigChange and ImageChange triggers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triggers: Option<Vec<DeploymentTrigger>>,
    /// Anything else (strategy, test…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One DeploymentConfig trigger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentTrigger {
    /// `ConfigChange` or `ImageChange`.
    #[serde(rename = "type", default)]
    pub trigger_type: String,
    /// For ImageChange: which tag feeds which containers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_change_params: Option<ImageChangeParams>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `imageChangeParams` of a DeploymentConfig trigger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageChangeParams {
    /// Whether a new image rolls out automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automatic: Option<bool>,
    /// The containers whose image the trigger sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_names: Option<Vec<String>>,
    /// `{kind: ImageStreamTag, name: is:tag, namespace?}`.
    #[serde(default)]
    pub from: ObjectReference,
    /// The pull spec last applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_triggered_image: Option<String>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A pod template.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PodTemplateSpec {
    /// Pod labels and annotations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ObjectMeta>,
    /// The pod spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<PodSpec>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A pod spec: the containers and their images.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    /// The main containers.
    #[serde(default)]
    pub containers: Vec<Container>,
    /// Containers run to completion before the main ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init_containers: Option<Vec<Container>>,
    /// Anything else (volumes, nodeSelector…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One container.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Container {
    /// Container name, unique in the pod.
    #[serde(default)]
    pub name: String,
    /// The image pull spec; `" "` while an image trigger has not fired yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Declared ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<ContainerPort>>,
    /// Anything else (env, resources, volumeMounts…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A container port.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    /// The port number.
    #[serde(default)]
    pub container_port: i32,
    /// `TCP`, `UDP` or `SCTP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// Anything else (name, hostPort), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Observed state of a pod: the image IDs actually running.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    /// `Pending`, `Running`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    /// Per-container state with `image` and `imageID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_statuses: Option<Vec<Value>>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Spec of a Service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    /// Pods selected by label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<BTreeMap<String, String>>,
    /// Exposed ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<ServicePort>>,
    /// Anything else (type, clusterIP…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A Service port.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    /// e.g. `8080-tcp`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The Service's port.
    #[serde(default)]
    pub port: i32,
    /// `TCP`, `UDP` or `SCTP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The container port (number or name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_port: Option<Value>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One entry of the `image.openshift.io/triggers` annotation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTrigger {
    /// `{kind: ImageStreamTag, name: is:tag, namespace?}`.
    #[serde(default)]
    pub from: ObjectReference,
    /// e.g. `spec.template.spec.containers[?(@.name=="web")].image`.
    #[serde(default)]
    pub field_path: String,
    /// Paused triggers are ignored by the controller.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused: Option<bool>,
}

/// Why a triggers annotation could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerAnnotationError(pub String);

impl std::fmt::Display for TriggerAnnotationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid {TRIGGERS_ANNOTATION} annotation: {}", self.0)
    }
}

impl std::error::Error for TriggerAnnotationError {}

/// The image triggers of an object: none without the annotation, an error if it is malformed.
pub fn image_triggers(meta: &ObjectMeta) -> Result<Vec<ImageTrigger>, TriggerAnnotationError> {
    match meta.annotation(TRIGGERS_ANNOTATION) {
        None => Ok(Vec::new()),
        Some(text) => {
            serde_json::from_str(text).map_err(|err| TriggerAnnotationError(err.to_string()))
        }
    }
}

impl Deployment {
    /// The pod template's containers (none when the spec is incomplete).
    pub fn containers(&self) -> &[Container] {
        self.spec
            .as_ref()
            .and_then(|spec| spec.template.as_ref())
            .and_then(|template| template.spec.as_ref())
            .map_or(&[], |pod| pod.containers.as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image::Image;
    use serde_json::json;

    #[test]
    fn trigger_annotation_is_read_from_its_json_string() {
        let meta: ObjectMeta = serde_json::from_value(json!({
            "name": "lighttpd",
            "annotations": {TRIGGERS_ANNOTATION: r#"[{"from":{"kind":"ImageStreamTag","name":"lighttpd:latest"},"fieldPath":"spec.template.spec.containers[?(@.name==\"lighttpd\")].image"}]"#}
        }))
        .unwrap();
        let triggers = image_triggers(&meta).unwrap();
        assert_eq!(triggers.len(), 1);
        assert_eq!(triggers[0].from.name, "lighttpd:latest");
        assert_eq!(triggers[0].paused, None);
    }

    #[test]
    fn a_malformed_trigger_annotation_is_an_error_not_a_panic() {
        let meta: ObjectMeta =
            serde_json::from_value(json!({"annotations": {TRIGGERS_ANNOTATION: "[{"}})).unwrap();
        let err = image_triggers(&meta).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("invalid image.openshift.io/triggers annotation: "));
    }

    #[test]
    fn exposed_ports_read_like_oc_new_app() {
        let image: Image = serde_json::from_value(json!({
            "dockerImageMetadata": {"Config": {"ExposedPorts": {"8080/tcp": {}, "53/udp": {}, "80": {}, "443/tcp 8443/tcp": {}, "bad/tcp": {}}}}
        }))
        .unwrap();
        assert_eq!(
            image.exposed_ports(),
            [
                (53, "UDP".to_owned()),
                (80, "TCP".into()),
                (443, "TCP".into()),
                (8080, "TCP".into()),
                (8443, "TCP".into())
            ]
        );
    }
}
