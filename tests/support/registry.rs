//! A second, "external" registry for the form tests: Debian's `docker-registry` on a free
//! loopback port with images built offline and pushed with `skopeo`, as the devcluster tests do
//! (their helpers are shared, not copied). Include it next to the harness with
//! `#[path = "support/registry.rs"] mod registry;`.
//!
//! When docker-registry or skopeo is missing the test is skipped with a printed reason, and
//! fails under CI (`CI=true`), where scripts/setup.sh must have installed them.

#![allow(dead_code)]

#[path = "../../crates/devcluster/tests/common/mod.rs"]
mod common;

pub use common::{
    oci_layout, registry_digest, skopeo_copy, tools_available, LocalRegistry, TempDir,
    DEVELOPER_CREDS,
};

/// The media type a registry answers a manifest GET with when asked for an OCI manifest.
pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

/// A running registry with images pushed into it; stopped when dropped.
pub struct ExternalRegistry {
    /// Keeps `docker-registry` running.
    pub registry: LocalRegistry,
    /// Scratch space for skopeo and the OCI layout.
    pub work: TempDir,
}

impl ExternalRegistry {
    /// Starts the registry and pushes a single-architecture image (amd64, port 8080/tcp
    /// exposed) as each `repository:tag` in `images` (e.g. `library/nginx:latest`); `None`
    /// when the tools are missing outside CI.
    pub fn with_images(images: &[&str]) -> Option<Self> {
        if !tools_available() {
            return None;
        }
        let registry = LocalRegistry::start();
        let work = TempDir::new("console-e2e-registry");
        let layout = oci_layout(&work.0, false);
        for image in images {
            skopeo_copy(
                &work.0,
                &layout,
                &format!("{}/{image}", registry.host()),
                &[],
            );
        }
        Some(ExternalRegistry { registry, work })
    }

    /// Pushes the same image to `destination` (`HOST:PORT/REPOSITORY:TAG`) in devcluster's
    /// integrated registry as the developer, as `docker login -u developer -p TOKEN` and
    /// `docker push` would (the registry authorizes pushes with the user's API token).
    pub fn push(&self, destination: &str) {
        let layout = oci_layout(&self.work.0, false);
        skopeo_copy(
            &self.work.0,
            &layout,
            destination,
            &["--dest-creds", DEVELOPER_CREDS],
        );
    }

    /// `127.0.0.1:PORT`.
    pub fn host(&self) -> String {
        self.registry.host()
    }

    /// The digest the registry reports for `repository:tag` (OCI manifest).
    pub fn digest(&self, repository: &str, tag: &str) -> String {
        registry_digest(&self.host(), repository, tag, OCI_MANIFEST)
    }
}
