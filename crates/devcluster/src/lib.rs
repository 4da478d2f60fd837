//! devcluster: a development cluster that answers the OpenShift image API from memory.
//!
//! The library is the API semantics as a plain `handle(request) -> response`, free of any
//! async runtime, so the same code runs behind the native HTTP server (`server` feature) and,
//! later, inside the browser for the static demo.

pub mod api;
pub mod patch;
pub mod registry;
#[cfg(feature = "server")]
pub mod registry_http;
pub mod seed;
pub mod store;

pub use api::{ApiRequest, ApiResponse};
pub use store::Cluster;
