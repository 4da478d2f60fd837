//! devcluster: a development cluster that answers the OpenShift and Kubernetes APIs the
//! console uses, from memory.
//!
//! The library is the API semantics as a plain `handle(request) -> response` (plus watch
//! event replay), free of any async runtime, so the same code runs behind the native HTTP
//! server (`server` feature) and inside the browser for the static demo.

pub mod api;
pub mod auth;
pub mod decode;
pub mod deployments;
mod image_tags;
mod image_triggers;
pub mod images;
#[cfg(feature = "server")]
pub mod integrated_registry;
pub mod kinds;
pub mod limits;
pub mod log_record;
pub mod oauth;
pub mod openapi;
pub mod patch;
pub mod persist;
pub mod printers;
#[cfg(feature = "protobuf")]
pub mod protobuf;
pub mod registry;
#[cfg(feature = "server")]
pub mod registry_http;
#[cfg(feature = "server")]
pub mod registry_token;
pub mod resources;
pub mod roles;
pub mod seed;
pub mod selector;
pub mod store;
pub mod table;
mod tag_references;
#[cfg(feature = "server")]
pub mod wal;

pub use api::{ApiRequest, ApiResponse, Cluster, ClusterSettings, WatchRequest};
