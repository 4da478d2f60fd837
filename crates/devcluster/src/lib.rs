//! devcluster: a development cluster that answers the OpenShift and Kubernetes APIs the
//! console uses, from memory.
//!
//! The library is the API semantics as a plain `handle(request) -> response` (plus watch
//! event replay), free of any async runtime, so the same code runs behind the native HTTP
//! server (`server` feature) and inside the browser for the static demo.

pub mod api;
pub mod auth;
pub mod decode;
pub mod images;
#[cfg(feature = "server")]
pub mod integrated_registry;
pub mod kinds;
pub mod oauth;
pub mod openapi;
pub mod patch;
pub mod persist;
pub mod registry;
#[cfg(feature = "server")]
pub mod registry_http;
pub mod resources;
pub mod seed;
pub mod selector;
pub mod store;
pub mod table;

pub use api::{ApiRequest, ApiResponse, Cluster, ClusterSettings, WatchRequest};
