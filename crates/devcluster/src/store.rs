//! The in-memory object store: image streams by namespace, with one cluster-wide
//! resourceVersion counter as on a real API server.

use imagestream_model::ImageStream;
use std::collections::BTreeMap;

/// The whole state of a development cluster.
#[derive(Debug, Default)]
pub struct Cluster {
    /// Image streams keyed by namespace, then by name (so lists come out sorted like etcd's).
    image_streams: BTreeMap<String, BTreeMap<String, ImageStream>>,
    /// Last resourceVersion handed out; every write takes the next one.
    resource_version: u64,
}

impl Cluster {
    /// An empty cluster with no namespaces.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current cluster-wide resourceVersion, the start point for a watch after a list.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// Stores a stream as a create would: assigns uid, resourceVersion and generation.
    pub fn create_image_stream(&mut self, mut stream: ImageStream) -> ImageStream {
        self.resource_version += 1;
        let namespace = stream.metadata.namespace().to_owned();
        let name = stream.metadata.name().to_owned();
        let meta = &mut stream.metadata;
        meta.resource_version = Some(self.resource_version.to_string());
        meta.uid
            .get_or_insert_with(|| uid_for(&namespace, &name, self.resource_version));
        meta.generation.get_or_insert(1);
        stream.api_version = Some("image.openshift.io/v1".into());
        stream.kind = Some("ImageStream".into());
        self.image_streams
            .entry(namespace)
            .or_default()
            .insert(name, stream.clone());
        stream
    }

    /// The streams of one namespace, sorted by name.
    pub fn image_streams(&self, namespace: &str) -> impl Iterator<Item = &ImageStream> {
        self.image_streams
            .get(namespace)
            .into_iter()
            .flat_map(|streams| streams.values())
    }

    /// One stream by namespace and name.
    pub fn image_stream(&self, namespace: &str, name: &str) -> Option<&ImageStream> {
        self.image_streams.get(namespace)?.get(name)
    }

    /// Every namespace that holds at least one object.
    pub fn namespaces(&self) -> impl Iterator<Item = &str> {
        self.image_streams.keys().map(String::as_str)
    }
}

/// A stable, UUID-shaped id derived from the object's identity, so seeded clusters are
/// reproducible from run to run.
fn uid_for(namespace: &str, name: &str, version: u64) -> String {
    use sha2::{Digest, Sha256};
    let hash = Sha256::digest(format!("{namespace}/{name}/{version}"));
    let hex: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
