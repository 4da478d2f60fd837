//! Kubernetes API machinery shared by every kind: object and list metadata, lists, and the
//! `Status` object that carries errors.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Standard object metadata. Fields this model does not name are kept in `extra`, so an object
/// read from the server is written back without losing anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    /// The object's name, unique within its namespace and kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The namespace (project) the object lives in; absent for cluster-scoped objects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Server-assigned unique id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
    /// Opaque version used for optimistic concurrency and as a watch start point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Incremented by the server on every spec change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    /// RFC 3339 creation time. Go clients send an explicit `null`, which is kept as `Some(None)`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::meta::nullable"
    )]
    pub creation_timestamp: Option<Option<String>>,
    /// Labels, used by selectors such as `app=NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations such as `openshift.io/display-name` or `image.openshift.io/triggers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Every other metadata field (ownerReferences, finalizers, managedFields, …), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ObjectMeta {
    /// The name, or an empty string for objects that have none yet.
    pub fn name(&self) -> &str {
        self.name.as_deref().unwrap_or_default()
    }

    /// The namespace, or an empty string for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or_default()
    }

    /// One annotation's value, if present.
    pub fn annotation(&self, key: &str) -> Option<&str> {
        self.annotations.as_ref()?.get(key).map(String::as_str)
    }
}

/// Metadata of a list: the resourceVersion to watch from and the continue token for chunking.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListMeta {
    /// The collection's version; a watch started from it sees every later change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<String>,
    /// Token for the next chunk of a `limit`ed list; empty or absent on the last chunk.
    #[serde(default, rename = "continue", skip_serializing_if = "Option::is_none")]
    pub continue_token: Option<String>,
    /// How many items remain after this chunk, when the server knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining_item_count: Option<i64>,
    /// Anything else, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A list of objects of one kind, as returned by a collection GET.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct List<T> {
    /// e.g. `image.openshift.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// e.g. `ImageStreamList`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Version and continue token of the list (absent in hand-written List files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<ListMeta>,
    /// The objects. The server sends `null` for an empty list in some versions; both read as empty.
    #[serde(default, deserialize_with = "crate::meta::null_as_default")]
    pub items: Vec<T>,
}

impl<T> List<T> {
    /// The list's resourceVersion, the point a watch continues from.
    pub fn resource_version(&self) -> Option<&str> {
        self.metadata.as_ref()?.resource_version.as_deref()
    }

    /// The token for the next chunk, if more items remain.
    pub fn continue_token(&self) -> Option<&str> {
        self.metadata
            .as_ref()?
            .continue_token
            .as_deref()
            .filter(|token| !token.is_empty())
    }
}

/// The Kubernetes `Status` object: how the server reports errors (and some successes).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Always `Status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Always `v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `Success` or `Failure`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Human-readable description, shown to the user as the server wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Machine-readable reason such as `NotFound`, `Forbidden` or `Invalid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// HTTP status code the failure corresponds to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<u16>,
    /// Everything else (metadata, details with causes), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Status {
    /// A `Failure` status with the given code, reason and message, as the API server writes it.
    pub fn failure(code: u16, reason: &str, message: impl Into<String>) -> Self {
        let mut extra = Map::new();
        extra.insert("metadata".into(), Value::Object(Map::new()));
        Status {
            kind: Some("Status".into()),
            api_version: Some("v1".into()),
            status: Some("Failure".into()),
            message: Some(message.into()),
            reason: Some(reason.into()),
            code: Some(code),
            extra,
        }
    }
}

/// Reads `null` as the type's default (Go marshals empty slices and maps as `null`).
pub fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// Keeps the difference between an absent key (`None`) and an explicit `null` (`Some(None)`),
/// because Go always emits some keys (e.g. `generation: null`) and a lossless round trip must too.
pub mod nullable {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// Reads a present key: `null` becomes `Some(None)`.
    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Ok(Some(Option::<T>::deserialize(deserializer)?))
    }

    /// Writes `Some(None)` as `null`; `None` is skipped by `skip_serializing_if`.
    pub fn serialize<S, T>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }
}

/// One event of a watch stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct WatchEvent<T> {
    /// `ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK` or `ERROR`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The object (a `Status` for ERROR events, a bare resourceVersion for BOOKMARK).
    pub object: T,
}

/// Server-side printed output (`Accept: application/json;as=Table;g=meta.k8s.io;v=v1`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    /// `meta.k8s.io/v1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// `Table`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// List metadata (resourceVersion, continue).
    #[serde(default)]
    pub metadata: ListMeta,
    /// The columns, in order.
    #[serde(default)]
    pub column_definitions: Vec<TableColumn>,
    /// One row per object.
    #[serde(default)]
    pub rows: Vec<TableRow>,
}

/// A Table column definition.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TableColumn {
    /// Column title, e.g. `Image Repository`.
    pub name: String,
    /// `string`, `integer`, `date`…
    #[serde(rename = "type")]
    pub column_type: String,
    /// Format hint such as `name`.
    #[serde(default)]
    pub format: String,
    /// What the column shows.
    #[serde(default)]
    pub description: String,
    /// 0 for default columns, higher for `-o wide`.
    #[serde(default)]
    pub priority: i32,
}

/// A Table row.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableRow {
    /// One cell per column.
    pub cells: Vec<Value>,
    /// The object (or its metadata), when requested.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<Value>,
}
