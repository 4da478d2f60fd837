//! Images and the virtual image resources (API.md §1.2–§1.6): Image with its Docker metadata,
//! ImageStreamTag, ImageStreamImage and ImageStreamImport. Unnamed fields are kept in `extra`.

use crate::imagestream::{
    ImageStream, ObjectReference, TagEventCondition, TagImportPolicy, TagReference,
    TagReferencePolicy,
};
use crate::meta::{ObjectMeta, Status};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// An image: its digest (the name), pull spec, and the metadata read from its config blob.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Image {
    /// `image.openshift.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `Image`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// `metadata.name` is the digest `sha256:…`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// Where the image was pulled from, with its digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_reference: Option<String>,
    /// The image's config as Docker describes it (ports, labels, architecture…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_metadata: Option<DockerImageMetadata>,
    /// The manifest media type (Docker v2, OCI, or a list/index).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_manifest_media_type: Option<String>,
    /// Layers, for single-platform images.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_layers: Option<Vec<ImageLayer>>,
    /// Per-platform manifests, for manifest lists imported with PreserveOriginal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_image_manifests: Option<Vec<ImageManifest>>,
    /// Anything else (manifest, config, signatures…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Image {
    /// The ports the image declares (`ExposedPorts`), as `(port, protocol)` with the protocol
    /// upper-cased and TCP by default, sorted and without duplicates, the way `oc new-app`
    /// reads them. Keys that are not port numbers are skipped.
    pub fn exposed_ports(&self) -> Vec<(u16, String)> {
        let Some(config) = self
            .docker_image_metadata
            .as_ref()
            .and_then(|meta| meta.config.as_ref())
        else {
            return Vec::new();
        };
        let mut ports: Vec<(u16, String)> = config
            .exposed_ports
            .iter()
            .flatten()
            .flat_map(|(key, _)| key.split_whitespace())
            .filter_map(|spec| {
                let (port, protocol) = spec.split_once('/').unwrap_or((spec, "tcp"));
                let port = port.parse::<u16>().ok().filter(|p| *p > 0)?;
                Some((port, protocol.to_ascii_uppercase()))
            })
            .collect();
        ports.sort();
        ports.dedup();
        ports
    }
}

/// `dockerImageMetadata`: Docker-style capitalised keys.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DockerImageMetadata {
    /// The image id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When the image was built (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// CPU architecture, e.g. `amd64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// Total size in bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    /// The runtime configuration: ports, env, labels, volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<DockerConfig>,
    /// Anything else (kind, apiVersion, Parent, ContainerConfig…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The `Config` part of Docker image metadata.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DockerConfig {
    /// `{"8080/tcp": {}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposed_ports: Option<BTreeMap<String, Value>>,
    /// `KEY=value` strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<String>>,
    /// Image labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// `{"/path": {}}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volumes: Option<BTreeMap<String, Value>>,
    /// Anything else (Cmd, Entrypoint, User, WorkingDir…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One layer of an image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageLayer {
    /// The layer digest.
    #[serde(default)]
    pub name: String,
    /// Compressed size in bytes.
    #[serde(default)]
    pub size: i64,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One platform's manifest inside a manifest list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageManifest {
    /// The platform manifest's digest.
    #[serde(default)]
    pub digest: String,
    /// e.g. `amd64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// e.g. `linux`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `imagestreamtags/<stream>:<tag>`: one tag with its image.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamTag {
    /// `image.openshift.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `ImageStreamTag`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name `<stream>:<tag>`; uid and resourceVersion are the stream's.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The spec tag, or `null` when the tag exists only through a push.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::meta::nullable"
    )]
    pub tag: Option<Option<TagReference>>,
    /// Generation of the latest event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// The status tag's import conditions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<Vec<TagEventCondition>>,
    /// The image, resolved through the tag's reference policy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// Anything else (lookupPolicy…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `imagestreamimages/<stream>@<digest>`: one image of a stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamImage {
    /// `image.openshift.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `ImageStreamImage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Name `<stream>@<digest>`.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// The image.
    #[serde(default)]
    pub image: Image,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A synchronous import or look-up request (`oc import-image`, `oc new-app`'s search).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamImport {
    /// `image.openshift.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `ImageStreamImport`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The target stream's name; resourceVersion/uid are preconditions on it.
    #[serde(default)]
    pub metadata: ObjectMeta,
    /// What to import.
    #[serde(default)]
    pub spec: ImageStreamImportSpec,
    /// Filled by the server; Go clients send `{}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ImageStreamImportStatus>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `spec` of an ImageStreamImport.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamImportSpec {
    /// False means look up only: nothing is persisted. Always emitted.
    #[serde(default)]
    pub import: bool,
    /// Single images to import.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ImageImportSpec>>,
    /// A whole repository to import (`--all`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<RepositoryImportSpec>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One image to import.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageImportSpec {
    /// `{kind: DockerImage, name: <pull spec>}`.
    #[serde(default)]
    pub from: ObjectReference,
    /// The target tag `{name}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<LocalObjectReference>,
    /// Import options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_policy: Option<TagImportPolicy>,
    /// Source or Local.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_policy: Option<TagReferencePolicy>,
    /// Return the raw manifest too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_manifest: Option<bool>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A repository to import (`oc import-image --all`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryImportSpec {
    /// `{kind: DockerImage, name: <repository without tag>}`.
    #[serde(default)]
    pub from: ObjectReference,
    /// Import options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_policy: Option<TagImportPolicy>,
    /// Source or Local.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_policy: Option<TagReferencePolicy>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{name}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LocalObjectReference {
    /// The name.
    #[serde(default)]
    pub name: String,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `status` of an ImageStreamImport.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageStreamImportStatus {
    /// The stream after the import (only when something was imported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import: Option<ImageStream>,
    /// One status per requested image, in request order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ImageImportStatus>>,
    /// The repository import's outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<RepositoryImportStatus>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The outcome for one image: a full metav1 Status, and the image when found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageImportStatus {
    /// `Success`, or `Failure` with reason (NotFound, Unauthorized…) and message.
    #[serde(default)]
    pub status: Status,
    /// The image found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    /// The tag it was found under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Anything else (manifests…), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The outcome of a repository import.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RepositoryImportStatus {
    /// Overall outcome.
    #[serde(default)]
    pub status: Status,
    /// One status per imported tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ImageImportStatus>>,
    /// Tags left out by the per-repository limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_tags: Option<Vec<String>>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
