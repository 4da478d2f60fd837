//! With the `protobuf` feature: compiles the Kubernetes `.proto` files of the built-in kinds
//! devcluster serves into one descriptor set (`$OUT_DIR/kubernetes.fds`), which
//! `src/protobuf/` loads into rust-protobuf's reflection at run time.
//!
//! The `.proto` files are the ones the `k8s-rs-pb` package ships next to its generated code
//! (Kubernetes' own `generated.proto` of each group version, with packages renamed to
//! `api.apps.v1`, `apimachinery.pkg.apis.meta.v1`, …). Its generated Rust code cannot be
//! used for reflection (see src/protobuf/mod.rs), so only its files are read; `protobuf-parse`
//! compiles them in pure Rust (no `protoc`).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEVCLUSTER_K8S_PROTO_DIR");
    #[cfg(feature = "protobuf")]
    if let Err(message) = descriptors::compile() {
        println!("cargo:warning={message}");
        std::process::exit(1);
    }
}

/// Only with the `protobuf` feature (the wasm32 library build compiles none of it).
#[cfg(feature = "protobuf")]
mod descriptors {
    use std::path::{Path, PathBuf};

    /// The Kubernetes version of the `.proto` files, a folder of the k8s-rs-pb package.
    const KUBERNETES: &str = "v1_35";
    /// The package version pinned in Cargo.toml (its folder name in Cargo's registry).
    const PACKAGE: &str = "k8s-rs-pb-0.5.0";
    /// The files: the group versions served in protobuf and everything they import.
    const PROTOS: &[&str] = &[
        "api/core/v1/generated.proto",
        "api/apps/v1/generated.proto",
        "api/autoscaling/v1/generated.proto",
        "api/authorization/v1/generated.proto",
        "apimachinery/pkg/apis/meta/v1/generated.proto",
        "apimachinery/pkg/runtime/generated.proto",
        "apimachinery/pkg/runtime/schema/generated.proto",
        "apimachinery/pkg/util/intstr/generated.proto",
        "apimachinery/pkg/api/resource/generated.proto",
    ];

    /// Where the `.proto` files are: `DEVCLUSTER_K8S_PROTO_DIR`, else the k8s-rs-pb package in
    /// Cargo's registry (`$CARGO_HOME/registry/src/<index>/`), else a `vendor/` folder of the
    /// workspace (`cargo vendor`).
    fn proto_dir() -> Result<PathBuf, String> {
        if let Some(dir) = std::env::var_os("DEVCLUSTER_K8S_PROTO_DIR") {
            return Ok(PathBuf::from(dir));
        }
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")));
        let mut candidates = Vec::new();
        if let Some(registry) = cargo_home.map(|home| home.join("registry").join("src")) {
            if let Ok(indexes) = std::fs::read_dir(&registry) {
                for index in indexes.flatten() {
                    candidates.push(index.path().join(PACKAGE));
                }
            }
        }
        let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        for ancestor in manifest.ancestors() {
            candidates.push(ancestor.join("vendor").join("k8s-rs-pb"));
        }
        candidates
            .into_iter()
            .map(|package| package.join("src").join(KUBERNETES))
            .find(|dir| dir.join(PROTOS[0]).is_file())
            .ok_or_else(|| {
                format!("the Kubernetes .proto files of {PACKAGE} were not found in Cargo's registry or a vendor/ folder (run `cargo fetch`, or set DEVCLUSTER_K8S_PROTO_DIR to its src/{KUBERNETES} folder)")
            })
    }

    pub fn compile() -> Result<(), String> {
        use protobuf::Message;
        let dir = proto_dir()?;
        let inputs: Vec<PathBuf> = PROTOS.iter().map(|file| dir.join(file)).collect();
        for input in &inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        let mut set = protobuf_parse::Parser::new()
            .pure()
            .include(&dir)
            .inputs(&inputs)
            .file_descriptor_set()
            .map_err(|err| format!("cannot compile the Kubernetes .proto files: {err}"))?;
        // Comments are not needed at run time.
        for file in &mut set.file {
            file.source_code_info = protobuf::MessageField::none();
        }
        let bytes = set
            .write_to_bytes()
            .map_err(|err| format!("cannot encode the descriptor set: {err}"))?;
        let out = PathBuf::from(std::env::var_os("OUT_DIR").ok_or("OUT_DIR is not set")?);
        std::fs::write(out.join("kubernetes.fds"), bytes)
            .map_err(|err| format!("cannot write the descriptor set: {err}"))
    }
}
