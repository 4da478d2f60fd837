//! With the `protobuf` feature: compiles the Kubernetes `.proto` files of the built-in kinds
//! devcluster serves into one descriptor set (`$OUT_DIR/kubernetes.fds`), which
//! `src/protobuf/` loads into rust-protobuf's reflection at run time.
//!
//! Which files: those of the group versions of the resource table's built-in resources, their
//! subresource kinds and meta/v1 (src/protobuf/served.rs, which this script includes with
//! src/resources.rs, so both stay free of other crates), and every file they import.
//!
//! The `.proto` files are the ones the `k8s-rs-pb` package ships next to its generated code
//! (Kubernetes' own `generated.proto` of each group version, with packages renamed to
//! `api.apps.v1`, `apimachinery.pkg.apis.meta.v1`, …). Its generated Rust code cannot be
//! used for reflection (see src/protobuf/mod.rs), so only its files are read; `protobuf-parse`
//! compiles them in pure Rust (no `protoc`).
//!
//! # Finding the package
//!
//! Cargo tells a build script nothing about where a build-dependency's sources are, but it
//! has extracted and compiled them before the script runs. The script looks, in this order:
//! 1. `DEVCLUSTER_K8S_PROTO_DIR`: a folder holding `api/core/v1/generated.proto` and the
//!    others (the package's `src/v1_35`), for any set-up the next steps miss;
//! 2. the dep-info file (`deps/k8s_rs_pb-*.d`) that rustc wrote when it compiled the
//!    build-dependency, beside this script's own build folder: it names the package's
//!    `src/lib.rs` wherever Cargo took it from (a registry, `cargo vendor`, a git checkout,
//!    any `CARGO_HOME`);
//! 3. Cargo's registry cache, `$CARGO_HOME/registry/src/<index>/k8s-rs-pb-0.5.0`, with
//!    `CARGO_HOME` defaulted as Cargo does (the `home` crate: `~/.cargo`);
//! 4. a `vendor/k8s-rs-pb` or `vendor/k8s-rs-pb-0.5.0` folder of the workspace.
//!
//! A candidate counts only if its `Cargo.toml` is k8s-rs-pb 0.5.0 (the version pinned in
//! Cargo.toml, whose `.proto` files the Go facts in src/protobuf/gofields.rs were read for).

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/resources.rs");
    println!("cargo:rerun-if-changed=src/protobuf/served.rs");
    println!("cargo:rerun-if-env-changed=DEVCLUSTER_K8S_PROTO_DIR");
    #[cfg(feature = "protobuf")]
    if let Err(message) = descriptors::compile() {
        println!("cargo:warning={message}");
        std::process::exit(1);
    }
}

/// The resource table, for the kinds served in protobuf (only `RESOURCES` is used here).
#[cfg(feature = "protobuf")]
#[allow(dead_code)]
#[path = "src/resources.rs"]
mod resources;

/// Which kinds and `.proto` files the resource table needs.
#[cfg(feature = "protobuf")]
#[allow(dead_code)]
#[path = "src/protobuf/served.rs"]
mod served;

/// Only with the `protobuf` feature (the wasm32 library build compiles none of it).
#[cfg(feature = "protobuf")]
mod descriptors {
    use std::collections::BTreeSet;
    use std::path::{Path, PathBuf};

    /// The Kubernetes version of the `.proto` files, a folder of the k8s-rs-pb package.
    const KUBERNETES: &str = "v1_35";
    /// The package and version pinned in Cargo.toml.
    const NAME: &str = "k8s-rs-pb";
    const VERSION: &str = "0.5.0";
    /// A file every build needs, to tell a folder of `.proto` files.
    const PROBE: &str = "apimachinery/pkg/apis/meta/v1/generated.proto";

    /// Whether `root` is the k8s-rs-pb 0.5.0 package (by its Cargo.toml).
    fn is_package(root: &Path) -> bool {
        let Ok(manifest) = std::fs::read_to_string(root.join("Cargo.toml")) else {
            return false;
        };
        let value = |key: &str| {
            manifest.lines().find_map(|line| {
                let (name, value) = line.split_once('=')?;
                (name.trim() == key).then(|| value.trim().trim_matches('"').to_owned())
            })
        };
        value("name").as_deref() == Some(NAME) && value("version").as_deref() == Some(VERSION)
    }

    /// Package roots named by the dep-info files of the compiled build-dependency: the
    /// host `deps/` folder is two levels above this script's folder
    /// (`<target>/<profile>/build/<package>-<hash>/build-script-build`).
    fn from_dep_info() -> Vec<PathBuf> {
        let Ok(script) = std::env::current_exe() else {
            return Vec::new();
        };
        let Some(deps) = script
            .ancestors()
            .nth(3)
            .map(|profile| profile.join("deps"))
        else {
            return Vec::new();
        };
        let Ok(entries) = std::fs::read_dir(&deps) else {
            return Vec::new();
        };
        let prefix = format!("{}-", NAME.replace('-', "_"));
        let mut roots = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !(name.starts_with(&prefix) && name.ends_with(".d")) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            // Make's syntax: `path:` lines for each source, spaces escaped as `\ `.
            for line in text.lines() {
                let Some(source) = line.strip_suffix(':') else {
                    continue;
                };
                let source = PathBuf::from(source.replace("\\ ", " "));
                if source.ends_with("src/lib.rs") {
                    if let Some(root) = source.parent().and_then(Path::parent) {
                        roots.push(root.to_owned());
                    }
                }
            }
        }
        roots
    }

    /// Package roots in Cargo's registry cache.
    fn from_registry() -> Vec<PathBuf> {
        let Ok(cargo_home) = home::cargo_home() else {
            return Vec::new();
        };
        let Ok(indexes) = std::fs::read_dir(cargo_home.join("registry").join("src")) else {
            return Vec::new();
        };
        indexes
            .flatten()
            .map(|index| index.path().join(format!("{NAME}-{VERSION}")))
            .collect()
    }

    /// Package roots in `vendor/` folders of the workspace (`cargo vendor` names a package
    /// by its name, or with its version when several versions are vendored).
    fn from_vendor() -> Vec<PathBuf> {
        let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        manifest
            .ancestors()
            .flat_map(|dir| {
                [
                    dir.join("vendor").join(NAME),
                    dir.join("vendor").join(format!("{NAME}-{VERSION}")),
                ]
            })
            .collect()
    }

    /// Where the `.proto` files are (see the script's doc for the order).
    fn proto_dir() -> Result<PathBuf, String> {
        if let Some(dir) = std::env::var_os("DEVCLUSTER_K8S_PROTO_DIR") {
            let dir = PathBuf::from(dir);
            if !dir.join(PROBE).is_file() {
                return Err(format!(
                    "DEVCLUSTER_K8S_PROTO_DIR={} has no {PROBE}: point it at the src/{KUBERNETES} folder of the {NAME} {VERSION} package",
                    dir.display()
                ));
            }
            return Ok(dir);
        }
        let mut tried = Vec::new();
        for root in from_dep_info()
            .into_iter()
            .chain(from_registry())
            .chain(from_vendor())
        {
            let dir = root.join("src").join(KUBERNETES);
            if is_package(&root) && dir.join(PROBE).is_file() {
                return Ok(dir);
            }
            if root.exists() {
                tried.push(root.display().to_string());
            }
        }
        Err(format!(
            "the Kubernetes .proto files of the build-dependency {NAME} {VERSION} were not found \
             (looked for its sources through rustc's dep-info in the target folder, in Cargo's \
             registry under CARGO_HOME, and in vendor/ folders{}). Run `cargo fetch --locked` \
             so that Cargo extracts the package, or set DEVCLUSTER_K8S_PROTO_DIR to the \
             src/{KUBERNETES} folder of a copy of {NAME} {VERSION}",
            if tried.is_empty() {
                String::new()
            } else {
                format!("; not a usable copy: {}", tried.join(", "))
            }
        ))
    }

    /// The files a `.proto` file imports (`import "api/core/v1/generated.proto";`).
    fn imports(text: &str) -> Vec<String> {
        text.lines()
            .filter_map(|line| {
                let rest = line.trim().strip_prefix("import ")?;
                let rest = rest.trim().strip_prefix("public ").unwrap_or(rest).trim();
                let name = rest.strip_prefix('"')?.split('"').next()?;
                Some(name.to_owned())
            })
            .collect()
    }

    /// The files served (`served::proto_files`) and everything they import.
    fn closure(dir: &Path) -> Result<BTreeSet<String>, String> {
        let mut files = BTreeSet::new();
        let mut pending = crate::served::proto_files();
        while let Some(file) = pending.pop() {
            if !files.insert(file.clone()) {
                continue;
            }
            let path = dir.join(&file);
            let text = std::fs::read_to_string(&path).map_err(|err| {
                format!(
                    "cannot read {} ({err}): a built-in group version of the resource table has no .proto file in {NAME} {VERSION}",
                    path.display()
                )
            })?;
            pending.extend(imports(&text));
        }
        Ok(files)
    }

    pub fn compile() -> Result<(), String> {
        use protobuf::Message;
        let dir = proto_dir()?;
        let inputs: Vec<PathBuf> = closure(&dir)?.iter().map(|file| dir.join(file)).collect();
        for input in &inputs {
            println!("cargo:rerun-if-changed={}", input.display());
        }
        let mut set = protobuf_parse::Parser::new()
            .pure()
            .include(&dir)
            .inputs(&inputs)
            .file_descriptor_set()
            .map_err(|err| format!("cannot compile the Kubernetes .proto files: {err:#}"))?;
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
