//! `image.openshift.io/v1` ImageStream and its parts (API.md §1.1). Every struct keeps the
//! fields it does not name in `extra`, and keys Go always emits (`generation: null`,
//! `annotations: null`) stay explicit, so objects round-trip without loss.

use crate::meta::ObjectMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// A named set of tags, each resolving to an image digest in some registry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStream {
    /// `image.openshift.io/v1` (or the legacy `v1`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `ImageStream`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name, namespace, labels, annotations.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// What the user asked for: the spec tags and their sources.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ImageStreamSpec>,
    /// What the server observed: repositories and each tag's history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ImageStreamStatus>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The desired state of a stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamSpec {
    /// Whether short names `is:tag` resolve to this stream inside the namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_policy: Option<LookupPolicy>,
    /// Deprecated: a whole remote repository to import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_repository: Option<String>,
    /// The spec tags, sorted by name on the server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<TagReference>>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec.lookupPolicy`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LookupPolicy {
    /// When true, workloads in the namespace may name the stream by `is:tag`.
    #[serde(default)]
    pub local: bool,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One spec tag: where its image comes from and how it is imported and referenced.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagReference {
    /// The tag name (Go's decoder leaves a missing one empty; validation reports it).
    #[serde(default)]
    pub name: String,
    /// Tag annotations (`description`, `tags`, `openshift.io/imported-from`…); Go emits `null` when empty.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::meta::nullable"
    )]
    pub annotations: Option<Option<BTreeMap<String, String>>>,
    /// The source: DockerImage, ImageStreamTag or ImageStreamImage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<ObjectReference>,
    /// True for reference-only tags, which are never imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<bool>,
    /// The stream generation that last changed this tag; `null` from clients, `0` asks for re-import.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::meta::nullable"
    )]
    pub generation: Option<Option<i64>>,
    /// Import options (insecure, scheduled, importMode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_policy: Option<TagImportPolicy>,
    /// How pull specs are written for this tag: `Source` or `Local`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_policy: Option<TagReferencePolicy>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A reference to another object (`kind`, `name`, optional `namespace`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    /// `DockerImage`, `ImageStreamTag` or `ImageStreamImage` for tag sources.
    #[serde(default)]
    pub kind: String,
    /// A pull spec for DockerImage, `[stream:]tag` for ImageStreamTag.
    #[serde(default)]
    pub name: String,
    /// Defaults to the stream's namespace when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `importPolicy` of a tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagImportPolicy {
    /// Allow plain HTTP or unverified TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure: Option<bool>,
    /// Re-import periodically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<bool>,
    /// `Legacy` or `PreserveOriginal`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_mode: Option<String>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `referencePolicy` of a tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TagReferencePolicy {
    /// `Source` (pull from the original registry) or `Local` (through the integrated registry).
    #[serde(rename = "type", default)]
    pub policy_type: String,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The observed state of a stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamStatus {
    /// In-cluster pull location `<internal registry>/<ns>/<name>`; may be empty.
    #[serde(default)]
    pub docker_image_repository: String,
    /// The same through the exposed registry route, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_docker_image_repository: Option<String>,
    /// One history per tag, sorted by tag name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<NamedTagEventList>>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A tag's history (newest first) and its import conditions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NamedTagEventList {
    /// The tag name (Go's decoder leaves a missing one empty).
    #[serde(default)]
    pub tag: String,
    /// The images the tag pointed at, newest first; Go may send `null`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::meta::nullable"
    )]
    pub items: Option<Option<Vec<TagEvent>>>,
    /// Import failures (`ImportSuccess` = `False`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<TagEventCondition>>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl NamedTagEventList {
    /// The history, newest first; empty when the tag has no image yet.
    pub fn events(&self) -> &[TagEvent] {
        match &self.items {
            Some(Some(items)) => items,
            _ => &[],
        }
    }
}

/// One image a tag pointed at.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEvent {
    /// When the tag started pointing at this image (RFC 3339).
    #[serde(default)]
    pub created: String,
    /// The pull spec, normally `<repo>@sha256:<hex>`.
    #[serde(default)]
    pub docker_image_reference: String,
    /// The image name, i.e. the manifest digest `sha256:<hex>`.
    #[serde(default)]
    pub image: String,
    /// The spec generation that produced this event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A failed import of a tag.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TagEventCondition {
    /// Only `ImportSuccess` exists.
    #[serde(rename = "type", default)]
    pub condition_type: String,
    /// `True`, `False` or `Unknown`; in practice `False`.
    #[serde(default)]
    pub status: String,
    /// When the condition last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<String>,
    /// The failed import's Status reason, e.g. `NotFound`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The failed import's Status message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The spec generation the failure belongs to.
    #[serde(default)]
    pub generation: i64,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ImageStream {
    /// The status tag histories, or none when the stream has no status yet.
    pub fn status_tags(&self) -> &[NamedTagEventList] {
        self.status
            .as_ref()
            .and_then(|s| s.tags.as_deref())
            .unwrap_or_default()
    }

    /// The spec tags, or none.
    pub fn spec_tags(&self) -> &[TagReference] {
        self.spec
            .as_ref()
            .and_then(|s| s.tags.as_deref())
            .unwrap_or_default()
    }
}
