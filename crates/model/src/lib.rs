//! What things are: the OpenShift image types, the rules the server applies to them and the views
//! `oc` derives from them. Pure Rust with no I/O, shared by the console (wasm32) and devcluster
//! (native and wasm32), so both sides agree on every field and every rule.

pub mod columns;
pub mod discovery;
pub mod graph;
pub mod image;
pub mod imagestream;
pub mod meta;
pub mod plan;
pub mod project;
pub mod reference;
pub mod tags;
#[cfg(test)]
mod test_fixtures;
pub mod time;
pub mod url;
pub mod validation;
pub mod workload;
pub mod yaml;

pub use image::{Image, ImageStreamImage, ImageStreamImport, ImageStreamTag};
pub use imagestream::{
    ImageStream, ImageStreamSpec, ImageStreamStatus, NamedTagEventList, TagEvent,
    TagEventCondition, TagReference,
};
pub use meta::{List, ListMeta, ObjectMeta, Status, Table, WatchEvent};
pub use project::{Project, User};
pub use workload::{Deployment, DeploymentConfig, Pod, ReplicaSet, Service};
