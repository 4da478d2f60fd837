//! Kubernetes' protobuf wire format for the built-in kinds, and typed checks of their JSON
//! (native only: the `protobuf` feature, enabled by `server`; the wasm32 library stays JSON).
//!
//! kube-apiserver accepts `application/vnd.kubernetes.protobuf` bodies and answers in it when
//! asked, for every built-in kind; client-go's typed clients (kubectl's `create deployment`,
//! `create service`, `auth can-i`, oc's `auth can-i`) send nothing else. devcluster keeps its
//! objects as JSON, so this module converts at the edge: [`decode_object`] turns a protobuf
//! body into the JSON object the Go JSON encoder would print after the same protobuf decode
//! (`Cluster::handle` stays JSON-only), and [`encode_object`] / [`encode_watch_event`] turn a
//! JSON answer back into protobuf. [`check_json`] is the same typed decode for JSON bodies:
//! wrong types are refused with Go's wording, unknown fields are dropped and listed.
//!
//! # How, and why this way
//!
//! One generic converter walks rust-protobuf's reflection (`protobuf::reflect`) of the
//! Kubernetes messages, so every kind has the same code; prost has no reflection and would
//! need code per type. Which kinds have a protobuf form follows from the resource table
//! ([`served`]: every resource of a Kubernetes built-in group, its List and subresource
//! kinds, meta/v1's); build.rs compiles the `.proto` files of their group versions (now
//! core/v1, apps/v1, batch/v1, autoscaling/v1, authorization/v1) and their imports with
//! `protobuf-parse` into a descriptor set embedded in the binary; the converter works on
//! dynamic messages built from it.
//!
//! The `.proto` files are those the `k8s-rs-pb` package (0.5, Kubernetes 1.35) ships. Its
//! generated rust-protobuf code was the first choice, but its reflection cannot be used: every
//! generated `file_descriptor()` lists itself as each of its dependencies (`super::v1::…`
//! instead of the imported packages), so the first `MessageFull::descriptor()` call of a
//! file with imports (Deployment, Pod, ObjectMeta, …) re-enters its own lazy initialisation
//! and hangs forever. Its serde impls rename fields to snake_case and its
//! `parse_from_apiserver_bytes` indexes and unwraps bytes from the network, so neither is
//! used either; the package is a build-dependency with no version feature, which compiles to
//! nothing, for its `.proto` files.
//!
//! Cost, measured on the 2-core machine: with k8s-rs-pb's generated code the debug build
//! took about 2 minutes more; this way the new crates take about 18 s of compile time in a
//! debug build (protobuf 10.8 s, protobuf-parse 3.2 s, serde_yaml 2.4 s, the rest under 1 s).
//! The release binary of devcluster grows from 4,660,528 to 5,368,152 bytes (+0.7 MB, with
//! serde_yaml for YAML bodies); the descriptor set was 77,792 bytes and loads in about 2 ms
//! (release), on the first protobuf request; with batch/v1 it is 81,777 bytes.
//!
//! The JSON mapping is Kubernetes', not proto3-JSON: `metav1.Time` and `MicroTime` are RFC
//! 3339 strings (seconds only for Time), `Duration` a Go duration string, `Quantity` a string,
//! `IntOrString` a number or a string, `RawExtension` and `FieldsV1` embedded JSON, int64s JSON
//! numbers, bytes base64; and what Go prints for nil and zero values follows the Go types'
//! json tags and pointers, which descriptors do not carry ([`gofields`]).

use serde_json::Value;

mod envelope;
mod from_json;
mod gofields;
mod gotime;
pub mod http;
mod quantity;
pub(crate) mod served;
mod to_json;

#[cfg(test)]
mod served_tests;
#[cfg(test)]
mod tests;

pub use envelope::{decode_object, decode_watch_frames, encode_object, encode_watch_event};
pub use from_json::{check_json, Checked, TypeError};

/// [`check_json`] as the library's body decoding asks for it
/// ([`crate::decode::install_schema_checker`]): the first type error without the `Kind in version
/// "v1" cannot be handled as a Kind: ` that decoding puts in front itself, and the unknown
/// fields; `None` for kinds without a protobuf form (OpenShift's).
pub fn schema_report(
    api_version: &str,
    kind: &str,
    object: &Value,
) -> Option<crate::decode::SchemaReport> {
    match check_json(api_version, kind, object) {
        Ok(checked) => Some(crate::decode::SchemaReport {
            type_error: None,
            unknown_fields: checked.unknown_fields,
        }),
        Err(TypeError::NotTyped) => None,
        Err(TypeError::Invalid(message)) => {
            let detail = message
                .split_once(" cannot be handled as a ")
                .and_then(|(_, rest)| rest.split_once(": "))
                .map_or(message.as_str(), |(_, detail)| detail);
            Some(crate::decode::SchemaReport {
                type_error: Some(detail.to_owned()),
                unknown_fields: Vec::new(),
            })
        }
    }
}

use protobuf::reflect::{FileDescriptor, MessageDescriptor};
use protobuf::Message;
use std::collections::HashMap;
use std::sync::OnceLock;

/// The protobuf media type of Kubernetes.
pub const MEDIA_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// The descriptor set build.rs compiled from the Kubernetes `.proto` files.
static DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/kubernetes.fds"));

/// meta/v1's proto package.
const META: &str = "apimachinery.pkg.apis.meta.v1";

struct Pool {
    messages: HashMap<String, MessageDescriptor>,
}

fn pool() -> Option<&'static Pool> {
    static POOL: OnceLock<Option<Pool>> = OnceLock::new();
    POOL.get_or_init(|| {
        let set = protobuf::descriptor::FileDescriptorSet::parse_from_bytes(DESCRIPTOR_SET).ok()?;
        let files = FileDescriptor::new_dynamic_fds(set.file, &[]).ok()?;
        let mut messages = HashMap::new();
        for file in &files {
            for message in file.messages() {
                messages.insert(message.full_name().to_owned(), message);
            }
        }
        Some(Pool { messages })
    })
    .as_ref()
}

/// A message by its full proto name (`api.apps.v1.Deployment`).
pub(crate) fn message(full_name: &str) -> Option<MessageDescriptor> {
    pool()?.messages.get(full_name).cloned()
}

/// Whether objects of an API group are served in protobuf (the Kubernetes built-in groups;
/// OpenShift's own groups are JSON and YAML only here).
pub fn group_has_protobuf(group: &str) -> bool {
    crate::resources::is_kubernetes_group(group)
}

/// The message of a kind in a group version, when devcluster has its protobuf form: the kinds
/// of the resource table's built-in groups (and their lists and subresource kinds), and
/// meta/v1's Status, DeleteOptions, WatchEvent and options ([`served`]).
pub fn message_for(api_version: &str, kind: &str) -> Option<MessageDescriptor> {
    message(&served::message_name(api_version, kind)?)
}

/// The Go type name of a message in error messages: `v1.DeploymentSpec`,
/// `resource.Quantity`, `intstr.IntOrString`.
pub(crate) fn go_type_name(message: &MessageDescriptor) -> String {
    let package = message
        .full_name()
        .rsplit('.')
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    format!("{package}.{}", message.name())
}
