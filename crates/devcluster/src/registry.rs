//! Image import back end: turning a pull spec into an `Image`, the way OpenShift's importer
//! does (API.md §3.2, §3.3), independent of how the registry is reached.
//!
//! * [`ImageSource`] is what the ImageStreamImport handler calls: resolve one pull spec, or list
//!   a repository's tags. It is synchronous and runtime-free so the same handler runs natively
//!   (the server calls it from a blocking thread, with `registry_http::RegistryClient` behind it)
//!   and in the browser (with a [`MemoryCatalog`] behind it).
//! * [`ImportFailure`] carries the exact metav1 `Status` the importer writes into
//!   `status.images[i].status`, with one constructor per row of §3.3.
//! * [`ManifestStore`] plus [`resolve_from_store`] are the registry protocol's data half: given a
//!   way to fetch manifests and blobs, they verify digests, pick a platform from a manifest list
//!   (Legacy) or keep the list (PreserveOriginal), read the config blob and build the `Image`.
//!   The HTTP client and the in-memory catalog both go through this one code path, so the demo
//!   and the real importer cannot drift apart.
//!
//! Everything here is plain Rust with no I/O and builds for wasm32.

use imagestream_model::discovery::ManifestList;
use imagestream_model::image::{DockerImageMetadata, ImageLayer, ImageManifest};
use imagestream_model::reference::{self, is_valid_digest, ImageReference};
use imagestream_model::time::{format_rfc3339, parse_rfc3339};
use imagestream_model::{Image, ObjectMeta, Status};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::{Digest as _, Sha256, Sha384, Sha512};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Docker image manifest, schema 2.
pub const MEDIA_TYPE_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list (multi-platform).
pub const MEDIA_TYPE_DOCKER_MANIFEST_LIST: &str =
    "application/vnd.docker.distribution.manifest.list.v2+json";
/// OCI image manifest.
pub const MEDIA_TYPE_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index (multi-platform).
pub const MEDIA_TYPE_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// The layer media type [`MemoryCatalog`] writes into the manifests it makes up.
pub const MEDIA_TYPE_OCI_LAYER_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
/// The config media type [`MemoryCatalog`] writes into the manifests it makes up.
pub const MEDIA_TYPE_OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";

/// Every manifest type the importer understands, sent as the `Accept` list of a manifest
/// request. A registry answers an OCI manifest with 404 `MANIFEST_UNKNOWN` unless the OCI types
/// are listed, so the list must always be complete.
pub const MANIFEST_ACCEPT: [&str; 4] = [
    MEDIA_TYPE_DOCKER_MANIFEST,
    MEDIA_TYPE_DOCKER_MANIFEST_LIST,
    MEDIA_TYPE_OCI_MANIFEST,
    MEDIA_TYPE_OCI_INDEX,
];

/// Largest manifest (or manifest list) accepted, in bytes; a larger one is an import error.
pub const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;
/// Largest image config blob accepted, in bytes.
pub const MAX_CONFIG_BYTES: u64 = 8 * 1024 * 1024;
/// Most platform entries a manifest list may have; each one costs requests under
/// PreserveOriginal, so a hostile list cannot make the importer fetch without end.
pub const MAX_LIST_ENTRIES: usize = 256;

/// The platform a Legacy import takes from a manifest list when the tag names none. Upstream
/// uses the API server's own GOARCH/GOOS; a development cluster behaves like the common
/// `linux/amd64` control plane on every machine (and in the browser), so results are stable.
pub const DEFAULT_PLATFORM: (&str, &str) = ("amd64", "linux");

/// The annotation OpenShift sets on imported images to say in which order `dockerImageLayers`
/// are listed.
pub const LAYERS_ORDER_ANNOTATION: &str = "image.openshift.io/dockerLayersOrder";

/// What to resolve: one pull spec and the import policy that applies to it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolveRequest {
    /// The pull spec as the user wrote it (`gists/lighttpd`, `quay.io/x/y:1`, `a/b@sha256:…`).
    /// A digest wins over a tag; without either, `latest` is resolved.
    pub reference: ImageReference,
    /// `importPolicy.insecure` (or the stream's insecure annotation): allow plain HTTP and
    /// unverified TLS.
    pub insecure: bool,
    /// `importer.image.openshift.io/prefer-arch` on the target tag: the architecture a Legacy
    /// import takes from a manifest list.
    pub prefer_arch: Option<String>,
    /// `importer.image.openshift.io/prefer-os` on the target tag.
    pub prefer_os: Option<String>,
    /// `importMode: PreserveOriginal`: keep a manifest list as the image instead of picking one
    /// platform from it.
    pub preserve_original: bool,
}

impl ResolveRequest {
    /// A Legacy, secure request for `reference` with no platform preference.
    pub fn new(reference: ImageReference) -> Self {
        ResolveRequest {
            reference,
            ..Default::default()
        }
    }
}

/// A successfully resolved pull spec.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedImage {
    /// The digest of the manifest the image is (`sha256:…`): the manifest list's for a
    /// PreserveOriginal import of a list, the chosen platform manifest's otherwise.
    pub digest: String,
    /// The image as the importer reports it: `metadata.name` is [`Self::digest`],
    /// `dockerImageReference` is the user's pull spec pinned to that digest (§3.2), plus media
    /// type, layers and the metadata read from the config blob. The raw manifest and config are
    /// *not* in it (the API strips them unless `includeManifest`); see [`Self::raw_manifest`].
    pub image: Image,
    /// For a PreserveOriginal import of a manifest list: one image per platform manifest, in
    /// list order (`status.images[i].manifests`). Empty otherwise.
    pub manifests: Vec<Image>,
    /// The manifest exactly as the registry sent it, for `dockerImageManifest`.
    pub raw_manifest: String,
    /// The config blob exactly as the registry sent it, for `dockerImageConfig` (none for a
    /// manifest list).
    pub raw_config: Option<String>,
}

/// Why one image could not be imported: the metav1 `Status` OpenShift's importer writes into
/// `status.images[i].status` (and, through the tag condition, into the stream).
///
/// Like the real importer's, the Status has no `kind`/`apiVersion` (it is embedded, not a
/// response body), `metadata: {}`, and `details` where apimachinery puts them.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportFailure {
    /// The full Status object (boxed: it is large, and `Result`s carrying it stay small).
    pub status: Box<Status>,
}

/// Formats like Go's `%q` for the strings that end up in messages: double quotes, with quotes,
/// backslashes and control characters escaped.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl ImportFailure {
    fn new(code: u16, reason: &str, message: String, details: Option<Value>) -> Self {
        let mut extra = Map::new();
        extra.insert("metadata".into(), Value::Object(Map::new()));
        if let Some(details) = details {
            extra.insert("details".into(), details);
        }
        ImportFailure {
            status: Box::new(Status {
                kind: None,
                api_version: None,
                status: Some("Failure".into()),
                message: Some(message),
                reason: Some(reason.into()),
                code: Some(code),
                extra,
            }),
        }
    }

    /// 404 `NotFound`: the tag or manifest does not exist (`MANIFEST_UNKNOWN`; `NAME_UNKNOWN`
    /// when it comes from the ping or a tag listing). `reference` is the normalized pull spec
    /// (see [`distribution_reference`]).
    pub fn not_found(reference: &str) -> Self {
        Self::new(
            404,
            "NotFound",
            format!(
                "dockerimage.image.openshift.io {} not found",
                go_quote(reference)
            ),
            Some(json!({
                "name": reference,
                "group": "image.openshift.io",
                "kind": "dockerimage",
            })),
        )
    }

    /// 401 `Unauthorized`: the registry refused access. Docker Hub answers this for
    /// repositories that do not exist, too.
    pub fn unauthorized(reference: &str) -> Self {
        Self::new(
            401,
            "Unauthorized",
            format!(
                "you may not have access to the container image {}",
                go_quote(reference)
            ),
            None,
        )
    }

    /// 401 `Unauthorized`: the registry asked for credentials at the ping and there were none.
    pub fn unauthorized_no_credentials(reference: &str) -> Self {
        Self::new(
            401,
            "Unauthorized",
            format!(
                "you may not have access to the container image {} and did not have credentials to the repository",
                go_quote(reference)
            ),
            None,
        )
    }

    /// 401 `Unauthorized`: the credentials were rejected. The handler retries without
    /// credentials when it sees "username or password" in this message (§3.2 step 3).
    pub fn incorrect_credentials(reference: &str) -> Self {
        Self::new(
            401,
            "Unauthorized",
            format!(
                "incorrect username or password for image {}",
                go_quote(reference)
            ),
            None,
        )
    }

    /// 400 `BadRequest`: the registry speaks only plain HTTP and the import was not marked
    /// insecure. `repository` is the registry-relative name (`demo/app`, `library/nginx`).
    pub fn http_only_needs_insecure(repository: &str) -> Self {
        Self::new(
            400,
            "BadRequest",
            format!(
                "the repository {repository} is HTTP only and requires the insecure flag to import"
            ),
            None,
        )
    }

    /// 403 `Forbidden`: the registry host is on the cluster's blocked list.
    pub fn blocked(host: &str) -> Self {
        Self::new(
            403,
            "Forbidden",
            format!("forbidden: registry {host} blocked"),
            Some(json!({})),
        )
    }

    /// 403 `NotV2Registry`: a repository import found no Registry v2 API at `host`.
    pub fn not_v2_registry(host: &str) -> Self {
        Self::new(
            403,
            "NotV2Registry",
            format!(
                ".image.openshift.io is forbidden: registry {} does not support the v2 Registry API",
                go_quote(host)
            ),
            Some(json!({"group": "image.openshift.io"})),
        )
    }

    /// 422 `Invalid`: `from.name` is not a pull spec. `error` is the parser's message
    /// (`repository name must be lowercase`, …).
    pub fn invalid_name(from_name: &str, error: &str) -> Self {
        let body = format!(
            "Invalid value: {}: invalid name: {error}",
            go_quote(from_name)
        );
        Self::new(
            422,
            "Invalid",
            format!(" \"\" is invalid: from.name: {body}"),
            Some(json!({
                "causes": [{"reason": "FieldValueInvalid", "message": body, "field": "from.name"}],
            })),
        )
    }

    /// 500 `InternalError` for anything else the registry or the network did (TLS, DNS,
    /// `toomanyrequests`, `denied`, `NAME_UNKNOWN` while fetching a manifest…): the message is
    /// `Internal error occurred: <reference>: <error>`.
    pub fn internal_error(reference: &str, error: &str) -> Self {
        Self::internal(&format!("{reference}: {error}"))
    }

    /// 500 `InternalError` with the error text as it is (no reference in front), for the few
    /// upstream paths that report a bare error, such as a malformed digest or a failed tag list.
    pub fn internal(error: &str) -> Self {
        Self::new(
            500,
            "InternalError",
            format!("Internal error occurred: {error}"),
            Some(json!({"causes": [{"message": error}]})),
        )
    }

    /// The Status reason (`NotFound`, `Unauthorized`, …).
    pub fn reason(&self) -> &str {
        self.status.reason.as_deref().unwrap_or_default()
    }

    /// The Status message, as a tag condition will show it.
    pub fn message(&self) -> &str {
        self.status.message.as_deref().unwrap_or_default()
    }

    /// The HTTP code the failure corresponds to.
    pub fn code(&self) -> u16 {
        self.status.code.unwrap_or_default()
    }
}

impl fmt::Display for ImportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.reason(), self.code(), self.message())
    }
}

impl std::error::Error for ImportFailure {}

/// Where images come from: a real registry (native server) or an in-memory catalog (tests,
/// static demo). Synchronous on purpose: the server calls it from a blocking thread and the
/// browser demo answers from memory.
pub trait ImageSource {
    /// Resolves one pull spec to an image, or to the Status OpenShift would report for it.
    fn resolve(&self, request: &ResolveRequest) -> Result<ResolvedImage, ImportFailure>;

    /// Lists the tags of `repository` (tag and digest ignored) for a repository import, sorted,
    /// with an empty tag read as `latest` as upstream does. Failures use the reference as the
    /// user wrote it.
    fn list_tags(
        &self,
        repository: &ImageReference,
        insecure: bool,
    ) -> Result<Vec<String>, ImportFailure>;
}

// ------------------------------------------------------------------------------------------
// Names

/// A repository name split the way the Docker distribution library normalizes it: Docker Hub
/// is `docker.io` with `library/` for single names, `index.docker.io` becomes `docker.io`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionName {
    /// `docker.io`, `quay.io`, `127.0.0.1:5000`.
    pub domain: String,
    /// The path inside the registry: `library/nginx`, `demo/app`.
    pub path: String,
}

impl DistributionName {
    /// Normalizes the repository of `reference` (tag and digest are ignored).
    pub fn of(reference: &ImageReference) -> Self {
        let exact = reference.as_repository().exact();
        let (domain, path) = match exact.split_once('/') {
            Some((first, rest))
                if first.contains('.') || first.contains(':') || first == "localhost" =>
            {
                (first.to_string(), rest.to_string())
            }
            _ => (reference::DOCKER_DEFAULT_REGISTRY.to_string(), exact),
        };
        let domain = if domain == "index.docker.io" {
            reference::DOCKER_DEFAULT_REGISTRY.to_string()
        } else {
            domain
        };
        let path = if domain == reference::DOCKER_DEFAULT_REGISTRY && !path.contains('/') {
            format!("{}/{path}", reference::DOCKER_DEFAULT_NAMESPACE)
        } else {
            path
        };
        DistributionName { domain, path }
    }

    /// The host that serves the v2 API for this domain: Docker Hub's is
    /// `registry-1.docker.io`.
    pub fn api_host(&self) -> &str {
        match self.domain.as_str() {
            "docker.io" | "index.docker.io" => "registry-1.docker.io",
            other => other,
        }
    }

    /// `domain/path`, the key of a repository.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }
}

/// The tag or digest an import of `reference` asks the registry for: the digest when there is
/// one, else the tag, else `latest`.
pub fn target_of(reference: &ImageReference) -> &str {
    if !reference.id.is_empty() {
        &reference.id
    } else if !reference.tag.is_empty() {
        &reference.tag
    } else {
        reference::DEFAULT_TAG
    }
}

/// The normalized pull spec OpenShift puts in import error messages:
/// `docker.io/library/nginx:latest`, `127.0.0.1:5000/demo/app:v1`, `quay.io/a/b@sha256:…`.
pub fn distribution_reference(reference: &ImageReference) -> String {
    let name = DistributionName::of(reference);
    if reference.id.is_empty() {
        format!("{}:{}", name.repository(), target_of(reference))
    } else {
        format!("{}@{}", name.repository(), reference.id)
    }
}

/// The pull spec an imported image is recorded under: the user's reference with the tag
/// replaced by the digest (`ref.MostSpecific().Exact()`), not normalized (§3.2).
pub fn pinned_reference(reference: &ImageReference, digest: &str) -> String {
    let mut pinned = reference.clone();
    pinned.id = digest.to_string();
    pinned.most_specific().exact()
}

/// True for a tag the distribution grammar accepts (`[\w][\w.-]{0,127}`); anything else must
/// not be put into a registry URL.
pub fn is_valid_tag(tag: &str) -> bool {
    let mut chars = tag.chars();
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    match chars.next() {
        Some(first) if word(first) => {}
        _ => return false,
    }
    tag.len() <= reference::TAG_MAX_LENGTH && chars.all(|c| word(c) || c == '.' || c == '-')
}

/// True for a digest the importer will request: a valid digest in lower-case hex (go-digest
/// rejects upper case).
pub fn is_canonical_digest(digest: &str) -> bool {
    is_valid_digest(digest)
        && digest
            .split_once(':')
            .is_some_and(|(_, hex)| !hex.bytes().any(|b| b.is_ascii_uppercase()))
}

/// The digest of `bytes` with the algorithm `algorithm` (`sha256`, `sha384`, `sha512`).
pub fn digest_with(algorithm: &str, bytes: &[u8]) -> Option<String> {
    let hex = |out: &[u8]| out.iter().map(|b| format!("{b:02x}")).collect::<String>();
    match algorithm {
        "sha256" => Some(format!("sha256:{}", hex(&Sha256::digest(bytes)))),
        "sha384" => Some(format!("sha384:{}", hex(&Sha384::digest(bytes)))),
        "sha512" => Some(format!("sha512:{}", hex(&Sha512::digest(bytes)))),
        _ => None,
    }
}

/// `sha256:<hex>` of `bytes`: the digest of a manifest or blob.
pub fn sha256_digest(bytes: &[u8]) -> String {
    digest_with("sha256", bytes).unwrap_or_default()
}

// ------------------------------------------------------------------------------------------
// Registry errors and their mapping to Status

/// One entry of a registry's JSON error body (`{"errors":[{"code":…,"message":…}]}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// `MANIFEST_UNKNOWN`, `NAME_UNKNOWN`, `UNAUTHORIZED`, `DENIED`, `TOOMANYREQUESTS`, …
    pub code: String,
    /// The registry's message.
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // distribution's errcode: the code lower-cased with spaces, then the message.
        let code = self.code.to_ascii_lowercase().replace('_', " ");
        write!(f, "{code}: {}", self.message)
    }
}

/// What went wrong while talking to a registry, in the terms the importer's error mapping needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistryError {
    /// The registry answered with an error status. `errors` holds the parsed error codes
    /// (empty for a bare 401).
    Api {
        /// HTTP status.
        status: u16,
        /// The parsed error codes.
        errors: Vec<ApiError>,
    },
    /// The registry wants Basic credentials and none are configured.
    NoBasicCredentials,
    /// The configured credentials were rejected.
    IncorrectCredentials,
    /// HTTPS failed and the registry answered plain HTTP.
    HttpOnly,
    /// The ping found no Registry v2 API at `endpoint` (`https://host`) on `host`.
    NotV2 {
        /// The registry URL that was pinged.
        endpoint: String,
        /// The registry host.
        host: String,
    },
    /// A redirect or a token realm pointed at a registry host that may not be reached
    /// ([`RegistryAllowList`]); nothing was sent there.
    Blocked(String),
    /// Anything else (network, TLS, malformed content), with its text.
    Other(String),
}

impl RegistryError {
    /// A registry error from a status and one error code, as [`MemoryCatalog`] produces them.
    pub fn code(status: u16, code: &str, message: &str) -> Self {
        RegistryError::Api {
            status,
            errors: vec![ApiError {
                code: code.into(),
                message: message.into(),
            }],
        }
    }

    /// True when any of the registry's error codes is `code`.
    pub fn has_code(&self, code: &str) -> bool {
        matches!(self, RegistryError::Api { errors, .. } if errors.iter().any(|e| e.code == code))
    }

    /// True for a 401 or an `UNAUTHORIZED` code.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, RegistryError::Api { status: 401, .. }) || self.has_code("UNAUTHORIZED")
    }
}

impl fmt::Display for RegistryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegistryError::Api { status, errors } => match errors.as_slice() {
                [] => write!(f, "unauthorized: authentication required (HTTP {status})"),
                [one] => write!(f, "{one}"),
                many => {
                    f.write_str("errors:\n")?;
                    for e in many {
                        writeln!(f, "{e}")?;
                    }
                    Ok(())
                }
            },
            RegistryError::NoBasicCredentials => f.write_str("no basic auth credentials"),
            RegistryError::IncorrectCredentials => f.write_str("incorrect username or password"),
            RegistryError::HttpOnly => f.write_str("server gave HTTP response to HTTPS client"),
            RegistryError::NotV2 { endpoint, .. } => {
                write!(f, "endpoint {} does not support v2 API", go_quote(endpoint))
            }
            RegistryError::Blocked(host) => write!(f, "forbidden: registry {host} blocked"),
            RegistryError::Other(text) => f.write_str(text),
        }
    }
}

/// Which step failed: reaching the repository (ping, authentication) or reading from it
/// (manifests, blobs). Upstream maps the two with different rules (`formatPingError` and
/// `formatRepositoryError`): `NAME_UNKNOWN` is NotFound only at the ping, `MANIFEST_UNKNOWN`
/// only when reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Ping and authentication.
    Connect,
    /// Manifest and blob requests.
    Read,
}

/// Maps a registry error for the import of `reference` (as the user wrote it) to the Status
/// OpenShift reports (§3.3).
pub fn failure_for(
    reference: &ImageReference,
    stage: Stage,
    error: &RegistryError,
) -> ImportFailure {
    let shown = distribution_reference(reference);
    match error {
        e if stage == Stage::Read && e.has_code("MANIFEST_UNKNOWN") => {
            ImportFailure::not_found(&shown)
        }
        e if stage == Stage::Connect && e.has_code("NAME_UNKNOWN") => {
            ImportFailure::not_found(&shown)
        }
        e if e.is_unauthorized() => ImportFailure::unauthorized(&shown),
        RegistryError::HttpOnly => {
            ImportFailure::http_only_needs_insecure(&DistributionName::of(reference).path)
        }
        RegistryError::NoBasicCredentials => ImportFailure::unauthorized_no_credentials(&shown),
        RegistryError::IncorrectCredentials => ImportFailure::incorrect_credentials(&shown),
        RegistryError::Blocked(host) => ImportFailure::blocked(host),
        other => ImportFailure::internal_error(&shown, &other.to_string()),
    }
}

/// Maps a failed tag listing of `repository` for a repository import: ping errors as at a
/// single import but with the reference as written; `NAME_UNKNOWN` → NotFound; unauthorized →
/// Unauthorized; anything else is a bare InternalError.
pub fn tags_failure_for(
    repository: &ImageReference,
    stage: Stage,
    error: &RegistryError,
) -> ImportFailure {
    let shown = repository.exact();
    match (stage, error) {
        (_, e) if e.has_code("NAME_UNKNOWN") => ImportFailure::not_found(&shown),
        (_, e) if e.is_unauthorized() => ImportFailure::unauthorized(&shown),
        (_, RegistryError::Blocked(host)) => ImportFailure::blocked(host),
        (Stage::Connect, RegistryError::HttpOnly) => {
            let mut name = repository.as_repository();
            name.registry.clear();
            ImportFailure::http_only_needs_insecure(&name.exact())
        }
        (Stage::Connect, RegistryError::NotV2 { host, .. }) => ImportFailure::not_v2_registry(host),
        (Stage::Connect, RegistryError::NoBasicCredentials) => {
            ImportFailure::unauthorized_no_credentials(&shown)
        }
        (Stage::Connect, other) => ImportFailure::internal_error(&shown, &other.to_string()),
        (Stage::Read, other) => ImportFailure::internal(&other.to_string()),
    }
}

/// Tags as upstream lists them for a repository import: an empty tag is `latest`, sorted,
/// without duplicates; tags outside the grammar are dropped (they could not be requested).
pub fn normalize_tags(tags: impl IntoIterator<Item = String>) -> Vec<String> {
    let set: BTreeSet<String> = tags
        .into_iter()
        .map(|t| {
            if t.is_empty() {
                reference::DEFAULT_TAG.to_string()
            } else {
                t
            }
        })
        .filter(|t| is_valid_tag(t))
        .collect();
    set.into_iter().collect()
}

// ------------------------------------------------------------------------------------------
// Manifests

/// A manifest as fetched: its bytes, the media type the registry declared and the digest
/// header, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawManifest {
    /// `Content-Type` of the answer (may be empty or generic).
    pub content_type: String,
    /// `Docker-Content-Digest`, if sent.
    pub digest_header: Option<String>,
    /// The manifest bytes, exactly as sent.
    pub bytes: Vec<u8>,
}

/// The registry protocol's read side for one repository: what [`resolve_from_store`] needs.
pub trait ManifestStore {
    /// Fetches the manifest for a tag or a digest.
    fn manifest(&mut self, reference: &str) -> Result<RawManifest, RegistryError>;
    /// Fetches a blob (an image config) by digest; at most [`MAX_CONFIG_BYTES`].
    fn blob(&mut self, digest: &str) -> Result<Vec<u8>, RegistryError>;
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    #[serde(default)]
    media_type: String,
    #[serde(default)]
    digest: String,
    #[serde(default)]
    size: i64,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct ImageManifestDoc {
    #[serde(default)]
    config: Descriptor,
    #[serde(default)]
    layers: Vec<Descriptor>,
}

/// A parsed manifest: one image, or a list of platform manifests.
#[derive(Debug, Clone)]
enum Parsed {
    Image {
        media_type: &'static str,
        doc: ImageManifestDoc,
    },
    List {
        media_type: &'static str,
        list: ManifestList,
    },
}

fn known_media_type(value: &str) -> Option<&'static str> {
    let value = value.split(';').next().unwrap_or_default().trim();
    MANIFEST_ACCEPT
        .iter()
        .copied()
        .find(|known| known.eq_ignore_ascii_case(value))
}

fn check_descriptor(what: &str, d: &Descriptor) -> Result<(), String> {
    if !is_canonical_digest(&d.digest) {
        return Err(format!("invalid {what} digest {}", go_quote(&d.digest)));
    }
    if d.size < 0 {
        return Err(format!("invalid {what} size {}", d.size));
    }
    Ok(())
}

fn parse_manifest(raw: &RawManifest) -> Result<Parsed, String> {
    let body: Value =
        serde_json::from_slice(&raw.bytes).map_err(|e| format!("unable to parse manifest: {e}"))?;
    if !body.is_object() {
        return Err("unable to parse manifest: not a JSON object".into());
    }
    let declared = known_media_type(&raw.content_type);
    let inner = body
        .get("mediaType")
        .and_then(Value::as_str)
        .and_then(known_media_type);
    let media_type = match (declared, inner) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!(
                "manifest media type mismatch: the registry sent {a} but the manifest says {b}"
            ))
        }
        (Some(a), _) => a,
        (None, Some(b)) => b,
        (None, None) if body.get("manifests").is_some_and(Value::is_array) => MEDIA_TYPE_OCI_INDEX,
        (None, None) if body.get("config").is_some() && body.get("layers").is_some() => {
            MEDIA_TYPE_OCI_MANIFEST
        }
        (None, None) => {
            return Err(format!(
                "unsupported manifest media type and no default available: {}",
                raw.content_type
            ))
        }
    };
    if media_type == MEDIA_TYPE_DOCKER_MANIFEST_LIST || media_type == MEDIA_TYPE_OCI_INDEX {
        let list: ManifestList = serde_json::from_value(body)
            .map_err(|e| format!("unable to parse manifest list: {e}"))?;
        if list.manifests.len() > MAX_LIST_ENTRIES {
            return Err(format!(
                "manifest list has {} entries, more than the {MAX_LIST_ENTRIES} accepted",
                list.manifests.len()
            ));
        }
        for entry in &list.manifests {
            if !is_canonical_digest(&entry.digest) {
                return Err(format!(
                    "invalid manifest digest {} in manifest list",
                    go_quote(&entry.digest)
                ));
            }
        }
        Ok(Parsed::List { media_type, list })
    } else {
        let doc: ImageManifestDoc =
            serde_json::from_value(body).map_err(|e| format!("unable to parse manifest: {e}"))?;
        check_descriptor("config", &doc.config)?;
        for layer in &doc.layers {
            check_descriptor("layer", layer)?;
        }
        Ok(Parsed::Image { media_type, doc })
    }
}

/// Checks the fetched bytes against the digest they were asked for (when fetched by digest)
/// and against `Docker-Content-Digest`; returns the manifest's digest.
fn verify_manifest(raw: &RawManifest, requested: Option<&str>) -> Result<String, String> {
    let algorithm = requested
        .and_then(|d| d.split_once(':'))
        .map_or("sha256", |(a, _)| a);
    let actual = digest_with(algorithm, &raw.bytes)
        .ok_or_else(|| format!("unsupported digest algorithm {algorithm}"))?;
    if let Some(requested) = requested {
        if requested != actual {
            return Err(format!(
                "manifest verification failed for digest {requested}: the content's digest is {actual}"
            ));
        }
    }
    if let Some(header) = raw.digest_header.as_deref().map(str::trim) {
        if let Some((header_algorithm, _)) = header.split_once(':') {
            if let Some(computed) = digest_with(header_algorithm, &raw.bytes) {
                if computed != header {
                    return Err(format!(
                        "manifest digest mismatch: the registry says {header} but the content's digest is {computed}"
                    ));
                }
            }
        }
    }
    Ok(actual)
}

/// The platform a Legacy import takes from a list: the preferred arch/os (default
/// [`DEFAULT_PLATFORM`]), else `linux/amd64`, else the first entry.
pub fn choose_platform<'a>(
    list: &'a ManifestList,
    prefer_arch: Option<&str>,
    prefer_os: Option<&str>,
) -> Option<&'a imagestream_model::discovery::PlatformManifest> {
    let arch = prefer_arch
        .filter(|a| !a.is_empty())
        .unwrap_or(DEFAULT_PLATFORM.0);
    let os = prefer_os
        .filter(|o| !o.is_empty())
        .unwrap_or(DEFAULT_PLATFORM.1);
    let matches = |a: &str, o: &str| {
        list.manifests.iter().find(|m| {
            m.platform
                .as_ref()
                .is_some_and(|p| p.architecture == a && p.os == o)
        })
    };
    matches(arch, os)
        .or_else(|| matches("amd64", "linux"))
        .or_else(|| list.manifests.first())
}

/// Resolves `request` against one repository's manifests and blobs: the shared core of every
/// [`ImageSource`]. Errors are mapped with [`failure_for`] at the `Read` stage.
pub fn resolve_from_store(
    store: &mut dyn ManifestStore,
    request: &ResolveRequest,
) -> Result<ResolvedImage, ImportFailure> {
    let reference = &request.reference;
    let by_digest = !reference.id.is_empty();
    if by_digest && !is_canonical_digest(&reference.id) {
        return Err(ImportFailure::internal("invalid checksum digest format"));
    }
    let target = target_of(reference);
    if !by_digest && !is_valid_tag(target) {
        return Err(ImportFailure::internal_error(
            &distribution_reference(reference),
            &format!("invalid tag {}", go_quote(target)),
        ));
    }
    let shown = distribution_reference(reference);
    let read_failure = |e: RegistryError| failure_for(reference, Stage::Read, &e);
    let other = |text: String| ImportFailure::internal_error(&shown, &text);

    let raw = store.manifest(target).map_err(read_failure)?;
    let digest = verify_manifest(&raw, by_digest.then_some(target)).map_err(other)?;
    match parse_manifest(&raw).map_err(other)? {
        Parsed::Image { media_type, doc } => {
            let config = fetch_config(store, &doc).map_err(read_failure)?;
            let image = image_from_manifest(reference, &digest, media_type, &doc, &config)
                .map_err(other)?;
            Ok(ResolvedImage {
                digest,
                image,
                manifests: Vec::new(),
                raw_manifest: String::from_utf8_lossy(&raw.bytes).into_owned(),
                raw_config: Some(String::from_utf8_lossy(&config).into_owned()),
            })
        }
        Parsed::List { media_type, list } if request.preserve_original => {
            let mut manifests = Vec::with_capacity(list.manifests.len());
            for entry in &list.manifests {
                let (child_digest, child_type, doc, config, _) = fetch_child(store, &entry.digest)
                    .map_err(|e| match e {
                        ChildError::Registry(e) => read_failure(e),
                        ChildError::Other(text) => other(text),
                    })?;
                manifests.push(
                    image_from_manifest(reference, &child_digest, child_type, &doc, &config)
                        .map_err(other)?,
                );
            }
            let image = list_image(reference, &digest, media_type, &list);
            Ok(ResolvedImage {
                digest,
                image,
                manifests,
                raw_manifest: String::from_utf8_lossy(&raw.bytes).into_owned(),
                raw_config: None,
            })
        }
        Parsed::List { list, .. } => {
            let entry = choose_platform(
                &list,
                request.prefer_arch.as_deref(),
                request.prefer_os.as_deref(),
            )
            .ok_or_else(|| other("no manifests in manifest list".into()))?;
            let (child_digest, child_type, doc, config, child_raw) =
                fetch_child(store, &entry.digest).map_err(|e| match e {
                    ChildError::Registry(e) => read_failure(e),
                    ChildError::Other(text) => other(text),
                })?;
            let image = image_from_manifest(reference, &child_digest, child_type, &doc, &config)
                .map_err(other)?;
            Ok(ResolvedImage {
                digest: child_digest,
                image,
                manifests: Vec::new(),
                raw_manifest: String::from_utf8_lossy(&child_raw).into_owned(),
                raw_config: Some(String::from_utf8_lossy(&config).into_owned()),
            })
        }
    }
}

enum ChildError {
    Registry(RegistryError),
    Other(String),
}

type Child = (String, &'static str, ImageManifestDoc, Vec<u8>, Vec<u8>);

/// Fetches a platform manifest of a list by digest, and its config.
fn fetch_child(store: &mut dyn ManifestStore, digest: &str) -> Result<Child, ChildError> {
    let raw = store.manifest(digest).map_err(ChildError::Registry)?;
    let child_digest = verify_manifest(&raw, Some(digest)).map_err(ChildError::Other)?;
    match parse_manifest(&raw).map_err(ChildError::Other)? {
        Parsed::Image { media_type, doc } => {
            let config = fetch_config(store, &doc).map_err(ChildError::Registry)?;
            Ok((child_digest, media_type, doc, config, raw.bytes))
        }
        Parsed::List { media_type, .. } => Err(ChildError::Other(format!(
            "unsupported manifest type in manifest list: {media_type}"
        ))),
    }
}

fn fetch_config(
    store: &mut dyn ManifestStore,
    doc: &ImageManifestDoc,
) -> Result<Vec<u8>, RegistryError> {
    let bytes = store.blob(&doc.config.digest)?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(RegistryError::Other(format!(
            "image config is larger than the {MAX_CONFIG_BYTES} bytes accepted"
        )));
    }
    let (algorithm, _) = doc.config.digest.split_once(':').unwrap_or_default();
    let actual = digest_with(algorithm, &bytes).unwrap_or_default();
    if actual != doc.config.digest {
        return Err(RegistryError::Other(format!(
            "blob verification failed for digest {}: the content's digest is {actual}",
            doc.config.digest
        )));
    }
    Ok(bytes)
}

// ------------------------------------------------------------------------------------------
// Building images

/// The `DockerConfig` fields, in the spelling OpenShift writes them. Go reads the config blob
/// case-insensitively into exactly these fields; anything else (StopSignal, Healthcheck…) is
/// dropped.
const DOCKER_CONFIG_FIELDS: [&str; 27] = [
    "Hostname",
    "Domainname",
    "User",
    "Memory",
    "MemorySwap",
    "CpuShares",
    "Cpuset",
    "AttachStdin",
    "AttachStdout",
    "AttachStderr",
    "PortSpecs",
    "ExposedPorts",
    "Tty",
    "OpenStdin",
    "StdinOnce",
    "Env",
    "Cmd",
    "Dns",
    "Image",
    "Volumes",
    "VolumesFrom",
    "WorkingDir",
    "Entrypoint",
    "NetworkDisabled",
    "SecurityOpts",
    "OnBuild",
    "Labels",
];

/// Looks a key up the way Go's JSON decoder does: exact match first, then case-insensitive.
fn go_field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    })
}

fn string_list(value: &Value) -> Option<Value> {
    let items: Vec<Value> = value
        .as_array()?
        .iter()
        .filter_map(|v| v.as_str().map(|s| Value::String(s.to_string())))
        .collect();
    (!items.is_empty()).then_some(Value::Array(items))
}

fn key_set(value: &Value) -> Option<Value> {
    let keys: Map<String, Value> = value
        .as_object()?
        .keys()
        .map(|k| (k.clone(), Value::Object(Map::new())))
        .collect();
    (!keys.is_empty()).then_some(Value::Object(keys))
}

/// A Docker `Config`/`ContainerConfig` object as OpenShift re-encodes it: known fields only,
/// canonical names, empty values omitted.
fn docker_config_object(value: Option<&Value>) -> Map<String, Value> {
    let mut out = Map::new();
    let Some(object) = value.and_then(Value::as_object) else {
        return out;
    };
    for name in DOCKER_CONFIG_FIELDS {
        let Some(v) = go_field(object, name) else {
            continue;
        };
        let kept = match name {
            "ExposedPorts" | "Volumes" => key_set(v),
            "Labels" => v.as_object().and_then(|labels| {
                let labels: Map<String, Value> = labels
                    .iter()
                    .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), Value::String(s.into()))))
                    .collect();
                (!labels.is_empty()).then_some(Value::Object(labels))
            }),
            "PortSpecs" | "Env" | "Cmd" | "Dns" | "Entrypoint" | "SecurityOpts" | "OnBuild" => {
                string_list(v)
            }
            "Memory" | "MemorySwap" | "CpuShares" => {
                v.as_i64().filter(|n| *n != 0).map(Value::from)
            }
            "AttachStdin" | "AttachStdout" | "AttachStderr" | "Tty" | "OpenStdin" | "StdinOnce"
            | "NetworkDisabled" => v.as_bool().filter(|b| *b).map(Value::Bool),
            _ => v
                .as_str()
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.into())),
        };
        if let Some(kept) = kept {
            out.insert(name.to_string(), kept);
        }
    }
    out
}

/// `metav1.Time` as it is written: UTC, whole seconds.
fn api_time(value: &str) -> Option<String> {
    parse_rfc3339(value).ok().map(format_rfc3339)
}

/// Builds the Image for one image manifest and its config blob, as OpenShift's importer does
/// (`schema2OrOCIToImage` + `ImageWithMetadata`).
fn image_from_manifest(
    reference: &ImageReference,
    digest: &str,
    media_type: &str,
    doc: &ImageManifestDoc,
    config_bytes: &[u8],
) -> Result<Image, String> {
    let config: Value = serde_json::from_slice(config_bytes)
        .map_err(|e| format!("unable to parse image config: {e}"))?;
    let Some(config) = config.as_object() else {
        return Err("unable to parse image config: not a JSON object".into());
    };
    let text = |name: &str| {
        go_field(config, name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };

    let mut metadata = Map::new();
    metadata.insert("kind".into(), "DockerImage".into());
    metadata.insert("apiVersion".into(), "1.0".into());
    metadata.insert("Id".into(), doc.config.digest.clone().into());
    for (field, key) in [
        ("Parent", "parent"),
        ("Comment", "comment"),
        ("Container", "container"),
        ("DockerVersion", "docker_version"),
        ("Author", "author"),
        ("Architecture", "architecture"),
    ] {
        if let Some(value) = text(key) {
            metadata.insert(field.into(), value.into());
        }
    }
    if let Some(created) = text("created").and_then(|c| api_time(&c)) {
        metadata.insert("Created".into(), created.into());
    }
    metadata.insert(
        "ContainerConfig".into(),
        Value::Object(docker_config_object(go_field(config, "container_config"))),
    );
    if let Some(runtime) = go_field(config, "config").filter(|v| v.is_object()) {
        metadata.insert(
            "Config".into(),
            Value::Object(docker_config_object(Some(runtime))),
        );
    }
    // Size: the config blob plus every distinct layer (upstream skips a layer that repeats, or
    // that is the config itself).
    let mut seen = BTreeSet::from([doc.config.digest.as_str()]);
    let mut size = config_bytes.len() as i64;
    for layer in &doc.layers {
        if seen.insert(layer.digest.as_str()) {
            size = size.saturating_add(layer.size);
        }
    }
    metadata.insert("Size".into(), size.into());
    let docker_metadata: DockerImageMetadata =
        serde_json::from_value(Value::Object(metadata)).map_err(|e| e.to_string())?;

    let layers = doc
        .layers
        .iter()
        .map(|layer| {
            let mut extra = Map::new();
            extra.insert("mediaType".into(), layer.media_type.clone().into());
            ImageLayer {
                name: layer.digest.clone(),
                size: layer.size,
                extra,
            }
        })
        .collect();
    let mut extra = Map::new();
    extra.insert("dockerImageMetadataVersion".into(), "1.0".into());
    Ok(Image {
        metadata: image_meta(digest, true),
        docker_image_reference: Some(pinned_reference(reference, digest)),
        docker_image_metadata: Some(docker_metadata),
        docker_image_manifest_media_type: Some(media_type.to_string()),
        docker_image_layers: Some(layers),
        extra,
        ..Default::default()
    })
}

fn image_meta(digest: &str, with_layers: bool) -> ObjectMeta {
    ObjectMeta {
        name: Some(digest.to_string()),
        annotations: with_layers.then(|| {
            BTreeMap::from([(LAYERS_ORDER_ANNOTATION.to_string(), "ascending".to_string())])
        }),
        ..Default::default()
    }
}

/// The Image of a manifest list kept whole (PreserveOriginal): no layers, one
/// `dockerImageManifests` entry per platform.
fn list_image(
    reference: &ImageReference,
    digest: &str,
    media_type: &str,
    list: &ManifestList,
) -> Image {
    let manifests = list
        .manifests
        .iter()
        .map(|entry| {
            let platform = entry.platform.clone().unwrap_or_default();
            let mut extra = Map::new();
            extra.insert("mediaType".into(), entry.media_type.clone().into());
            extra.insert("manifestSize".into(), entry.size.into());
            if let Some(variant) = platform.variant.filter(|v| !v.is_empty()) {
                extra.insert("variant".into(), variant.into());
            }
            ImageManifest {
                digest: entry.digest.clone(),
                architecture: Some(platform.architecture),
                os: Some(platform.os),
                extra,
            }
        })
        .collect();
    Image {
        metadata: image_meta(digest, false),
        docker_image_reference: Some(pinned_reference(reference, digest)),
        docker_image_manifest_media_type: Some(media_type.to_string()),
        docker_image_manifests: Some(manifests),
        ..Default::default()
    }
}

// ------------------------------------------------------------------------------------------
// In-memory catalog

/// One image for a [`MemoryCatalog`]: the config an image build would have produced. The
/// catalog turns it into a real OCI config blob and manifest, so digests, sizes and metadata
/// come out exactly as from a registry.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogImage {
    architecture: String,
    os: String,
    variant: Option<String>,
    created: Option<String>,
    config: Map<String, Value>,
    layers: Vec<(String, i64)>,
}

impl Default for CatalogImage {
    fn default() -> Self {
        Self::new()
    }
}

impl CatalogImage {
    /// A `linux/amd64` image with an empty config and no layers.
    pub fn new() -> Self {
        CatalogImage {
            architecture: DEFAULT_PLATFORM.0.into(),
            os: DEFAULT_PLATFORM.1.into(),
            variant: None,
            created: None,
            config: Map::new(),
            layers: Vec::new(),
        }
    }

    /// Sets the CPU architecture (`amd64`, `arm64`, …).
    pub fn architecture(mut self, architecture: &str) -> Self {
        self.architecture = architecture.into();
        self
    }

    /// Sets the operating system (`linux`, `windows`).
    pub fn os(mut self, os: &str) -> Self {
        self.os = os.into();
        self
    }

    /// Sets the CPU variant (`v8` for arm64).
    pub fn variant(mut self, variant: &str) -> Self {
        self.variant = Some(variant.into());
        self
    }

    /// Sets the build time (RFC 3339).
    pub fn created(mut self, created: &str) -> Self {
        self.created = Some(created.into());
        self
    }

    fn push(mut self, key: &str, value: Value) -> Self {
        match self.config.get_mut(key) {
            Some(Value::Array(items)) => items.push(value),
            _ => {
                self.config.insert(key.into(), Value::Array(vec![value]));
            }
        }
        self
    }

    fn insert(mut self, key: &str, name: &str, value: Value) -> Self {
        let entry = self
            .config
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = entry {
            map.insert(name.into(), value);
        }
        self
    }

    /// Declares a port (`8080/tcp`; `8080` alone means TCP).
    pub fn port(self, port: &str) -> Self {
        let port = if port.contains('/') {
            port.to_string()
        } else {
            format!("{port}/tcp")
        };
        self.insert("ExposedPorts", &port, Value::Object(Map::new()))
    }

    /// Adds an environment variable (`KEY=value`).
    pub fn env(self, variable: &str) -> Self {
        self.push("Env", variable.into())
    }

    /// Adds a label.
    pub fn label(self, key: &str, value: &str) -> Self {
        self.insert("Labels", key, value.into())
    }

    /// Declares a volume path.
    pub fn volume(self, path: &str) -> Self {
        self.insert("Volumes", path, Value::Object(Map::new()))
    }

    /// Sets the command.
    pub fn cmd(mut self, command: &[&str]) -> Self {
        self.config.insert("Cmd".into(), json!(command));
        self
    }

    /// Sets the entrypoint.
    pub fn entrypoint(mut self, entrypoint: &[&str]) -> Self {
        self.config.insert("Entrypoint".into(), json!(entrypoint));
        self
    }

    /// Sets the working directory.
    pub fn working_dir(mut self, dir: &str) -> Self {
        self.config.insert("WorkingDir".into(), dir.into());
        self
    }

    /// Sets the user the image runs as.
    pub fn user(mut self, user: &str) -> Self {
        self.config.insert("User".into(), user.into());
        self
    }

    /// Adds a layer of `size` bytes; its digest is the sha256 of `seed`, so the same seed gives
    /// the same (shared) layer in several images.
    pub fn layer(mut self, seed: &str, size: i64) -> Self {
        self.layers
            .push((sha256_digest(seed.as_bytes()), size.max(0)));
        self
    }

    /// The OCI config blob.
    fn config_blob(&self) -> Vec<u8> {
        let mut config = Map::new();
        config.insert("architecture".into(), self.architecture.clone().into());
        config.insert("os".into(), self.os.clone().into());
        if let Some(variant) = &self.variant {
            config.insert("variant".into(), variant.clone().into());
        }
        if let Some(created) = &self.created {
            config.insert("created".into(), created.clone().into());
        }
        config.insert("config".into(), Value::Object(self.config.clone()));
        let diff_ids: Vec<Value> = self.layers.iter().map(|(d, _)| d.clone().into()).collect();
        config.insert(
            "rootfs".into(),
            json!({"type": "layers", "diff_ids": diff_ids}),
        );
        serde_json::to_vec(&Value::Object(config)).unwrap_or_default()
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
struct CatalogRepository {
    tags: BTreeMap<String, String>,
    manifests: BTreeMap<String, (String, Vec<u8>)>,
    blobs: BTreeMap<String, Vec<u8>>,
    private: bool,
}

impl CatalogRepository {
    /// Stores an image's config and manifest; returns (digest, media type, size).
    fn store_image(&mut self, image: &CatalogImage) -> (String, usize) {
        let config = image.config_blob();
        let config_digest = sha256_digest(&config);
        let layers: Vec<Value> = image
            .layers
            .iter()
            .map(|(digest, size)| {
                json!({"mediaType": MEDIA_TYPE_OCI_LAYER_GZIP, "digest": digest, "size": size})
            })
            .collect();
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": MEDIA_TYPE_OCI_MANIFEST,
            "config": {"mediaType": MEDIA_TYPE_OCI_CONFIG, "digest": config_digest, "size": config.len()},
            "layers": layers,
        });
        let bytes = serde_json::to_vec(&manifest).unwrap_or_default();
        let digest = sha256_digest(&bytes);
        let size = bytes.len();
        self.blobs.insert(config_digest, config);
        self.manifests
            .insert(digest.clone(), (MEDIA_TYPE_OCI_MANIFEST.into(), bytes));
        (digest, size)
    }
}

/// Why a [`MemoryCatalog`] could not take an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogError(pub String);

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CatalogError {}

/// An [`ImageSource`] answered from memory, for tests and the in-browser demo: repositories →
/// tags → real OCI manifests and config blobs built from [`CatalogImage`]s, resolved through the
/// same code as a real registry. Unknown repositories and tags are NotFound (as a registry's
/// `MANIFEST_UNKNOWN`); hosts marked HTTP-only need `insecure`; private repositories answer
/// Unauthorized.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MemoryCatalog {
    repositories: BTreeMap<String, CatalogRepository>,
    http_only: BTreeSet<String>,
}

/// Reads a pull spec for the catalog: it must parse and must not pin a digest.
fn catalog_reference(pull_spec: &str) -> Result<ImageReference, CatalogError> {
    let reference = reference::parse(pull_spec)
        .map_err(|e| CatalogError(format!("invalid pull spec {pull_spec:?}: {e}")))?;
    if !reference.id.is_empty() {
        return Err(CatalogError(format!(
            "pull spec {pull_spec:?} must name a tag, not a digest"
        )));
    }
    if reference.name.is_empty() {
        return Err(CatalogError(format!(
            "pull spec {pull_spec:?} names no repository"
        )));
    }
    Ok(reference)
}

impl MemoryCatalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// Tags `pull_spec` (`latest` when it has no tag) with `image`; returns the manifest digest.
    pub fn add_image(
        &mut self,
        pull_spec: &str,
        image: &CatalogImage,
    ) -> Result<String, CatalogError> {
        let reference = catalog_reference(pull_spec)?;
        let repository = self
            .repositories
            .entry(DistributionName::of(&reference).repository())
            .or_default();
        let (digest, _) = repository.store_image(image);
        repository
            .tags
            .insert(target_of(&reference).to_string(), digest.clone());
        Ok(digest)
    }

    /// Tags `pull_spec` with an OCI index of `images` (one per platform, in order); returns the
    /// index digest.
    pub fn add_index(
        &mut self,
        pull_spec: &str,
        images: &[CatalogImage],
    ) -> Result<String, CatalogError> {
        let reference = catalog_reference(pull_spec)?;
        let repository = self
            .repositories
            .entry(DistributionName::of(&reference).repository())
            .or_default();
        let entries: Vec<Value> = images
            .iter()
            .map(|image| {
                let (digest, size) = repository.store_image(image);
                let mut platform = json!({"architecture": image.architecture, "os": image.os});
                if let Some(variant) = &image.variant {
                    platform["variant"] = variant.clone().into();
                }
                json!({"mediaType": MEDIA_TYPE_OCI_MANIFEST, "digest": digest, "size": size, "platform": platform})
            })
            .collect();
        let index =
            json!({"schemaVersion": 2, "mediaType": MEDIA_TYPE_OCI_INDEX, "manifests": entries});
        let bytes = serde_json::to_vec(&index).unwrap_or_default();
        let digest = sha256_digest(&bytes);
        repository
            .manifests
            .insert(digest.clone(), (MEDIA_TYPE_OCI_INDEX.into(), bytes));
        repository
            .tags
            .insert(target_of(&reference).to_string(), digest.clone());
        Ok(digest)
    }

    /// Builder form of [`Self::add_image`].
    ///
    /// # Panics
    /// When `pull_spec` is not a tagged (or untagged) pull spec: catalogs are written in code.
    pub fn with_image(mut self, pull_spec: &str, image: CatalogImage) -> Self {
        if let Err(e) = self.add_image(pull_spec, &image) {
            panic!("MemoryCatalog::with_image: {e}");
        }
        self
    }

    /// Builder form of [`Self::add_index`].
    ///
    /// # Panics
    /// When `pull_spec` is not a tagged (or untagged) pull spec.
    pub fn with_index(mut self, pull_spec: &str, images: Vec<CatalogImage>) -> Self {
        if let Err(e) = self.add_index(pull_spec, &images) {
            panic!("MemoryCatalog::with_index: {e}");
        }
        self
    }

    /// Marks a registry host (`registry.local:5000`) as plain HTTP: importing from it needs
    /// `insecure`, as with a real HTTP-only registry.
    pub fn with_http_only_registry(mut self, host: &str) -> Self {
        self.http_only.insert(host.to_string());
        self
    }

    /// Makes a repository answer 401, like a private repository (or a Docker Hub repository
    /// that does not exist).
    ///
    /// # Panics
    /// When `pull_spec` is not a pull spec.
    pub fn with_private_repository(mut self, pull_spec: &str) -> Self {
        let reference = match reference::parse(pull_spec) {
            Ok(reference) => reference,
            Err(e) => panic!("MemoryCatalog::with_private_repository: {e}"),
        };
        self.repositories
            .entry(DistributionName::of(&reference).repository())
            .or_default()
            .private = true;
        self
    }

    /// The digest a tag points at, if the catalog has it.
    pub fn digest_of(&self, pull_spec: &str) -> Option<String> {
        let reference = reference::parse(pull_spec).ok()?;
        self.repositories
            .get(&DistributionName::of(&reference).repository())?
            .tags
            .get(target_of(&reference))
            .cloned()
    }

    /// The "ping": HTTP-only hosts need insecure, private repositories refuse access.
    fn connect(
        &self,
        reference: &ImageReference,
        insecure: bool,
    ) -> Result<Option<&CatalogRepository>, RegistryError> {
        let name = DistributionName::of(reference);
        if !insecure && self.http_only.contains(&name.domain) {
            return Err(RegistryError::HttpOnly);
        }
        let repository = self.repositories.get(&name.repository());
        if repository.is_some_and(|r| r.private) {
            return Err(RegistryError::code(
                401,
                "UNAUTHORIZED",
                "authentication required",
            ));
        }
        Ok(repository)
    }
}

/// A catalog repository seen through [`ManifestStore`]; a missing repository answers like
/// docker-registry does (`MANIFEST_UNKNOWN` for manifests, `BLOB_UNKNOWN` for blobs).
struct CatalogStore<'a>(Option<&'a CatalogRepository>);

impl ManifestStore for CatalogStore<'_> {
    fn manifest(&mut self, reference: &str) -> Result<RawManifest, RegistryError> {
        let unknown = || RegistryError::code(404, "MANIFEST_UNKNOWN", "manifest unknown");
        let repository = self.0.ok_or_else(unknown)?;
        let digest = if reference.contains(':') {
            reference
        } else {
            repository.tags.get(reference).ok_or_else(unknown)?
        };
        let (media_type, bytes) = repository.manifests.get(digest).ok_or_else(unknown)?;
        Ok(RawManifest {
            content_type: media_type.clone(),
            digest_header: Some(digest.to_string()),
            bytes: bytes.clone(),
        })
    }

    fn blob(&mut self, digest: &str) -> Result<Vec<u8>, RegistryError> {
        self.0
            .and_then(|r| r.blobs.get(digest))
            .cloned()
            .ok_or_else(|| RegistryError::code(404, "BLOB_UNKNOWN", "blob unknown to registry"))
    }
}

impl ImageSource for MemoryCatalog {
    fn resolve(&self, request: &ResolveRequest) -> Result<ResolvedImage, ImportFailure> {
        let repository = self
            .connect(&request.reference, request.insecure)
            .map_err(|e| failure_for(&request.reference, Stage::Connect, &e))?;
        resolve_from_store(&mut CatalogStore(repository), request)
    }

    fn list_tags(
        &self,
        repository: &ImageReference,
        insecure: bool,
    ) -> Result<Vec<String>, ImportFailure> {
        let found = self
            .connect(repository, insecure)
            .map_err(|e| tags_failure_for(repository, Stage::Connect, &e))?;
        let found = found.filter(|r| !r.tags.is_empty()).ok_or_else(|| {
            tags_failure_for(
                repository,
                Stage::Read,
                &RegistryError::code(404, "NAME_UNKNOWN", "repository name not known to registry"),
            )
        })?;
        Ok(normalize_tags(found.tags.keys().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> ImageReference {
        reference::parse(s).unwrap()
    }

    fn request(s: &str) -> ResolveRequest {
        ResolveRequest::new(parse(s))
    }

    fn status_json(f: &ImportFailure) -> Value {
        serde_json::to_value(&f.status).unwrap()
    }

    #[test]
    fn not_found_status_is_exact() {
        let f = ImportFailure::not_found("docker.io/library/nginx:nope");
        assert_eq!(
            status_json(&f),
            json!({
                "metadata": {},
                "status": "Failure",
                "message": "dockerimage.image.openshift.io \"docker.io/library/nginx:nope\" not found",
                "reason": "NotFound",
                "details": {"name": "docker.io/library/nginx:nope", "group": "image.openshift.io", "kind": "dockerimage"},
                "code": 404
            })
        );
    }

    #[test]
    fn unauthorized_messages_are_exact() {
        let r = "docker.io/ubi8/openjdk-8:1.14-14.1675788284";
        assert_eq!(
            ImportFailure::unauthorized(r).message(),
            "you may not have access to the container image \"docker.io/ubi8/openjdk-8:1.14-14.1675788284\""
        );
        assert_eq!(
            ImportFailure::unauthorized_no_credentials(r).message(),
            "you may not have access to the container image \"docker.io/ubi8/openjdk-8:1.14-14.1675788284\" and did not have credentials to the repository"
        );
        assert_eq!(
            ImportFailure::incorrect_credentials(r).message(),
            "incorrect username or password for image \"docker.io/ubi8/openjdk-8:1.14-14.1675788284\""
        );
        for f in [
            ImportFailure::unauthorized(r),
            ImportFailure::unauthorized_no_credentials(r),
            ImportFailure::incorrect_credentials(r),
        ] {
            assert_eq!((f.reason(), f.code()), ("Unauthorized", 401));
            assert!(f.status.extra.get("details").is_none());
            assert_eq!(f.status.extra.get("metadata"), Some(&json!({})));
        }
    }

    #[test]
    fn other_rows_are_exact() {
        let f = ImportFailure::http_only_needs_insecure("demo/app");
        assert_eq!(
            (f.reason(), f.code(), f.message()),
            (
                "BadRequest",
                400,
                "the repository demo/app is HTTP only and requires the insecure flag to import"
            )
        );
        let f = ImportFailure::blocked("quay.io");
        assert_eq!(
            (f.reason(), f.code(), f.message()),
            ("Forbidden", 403, "forbidden: registry quay.io blocked")
        );
        let f = ImportFailure::not_v2_registry("old.example.com");
        assert_eq!(
            (f.reason(), f.code(), f.message()),
            (
                "NotV2Registry",
                403,
                ".image.openshift.io is forbidden: registry \"old.example.com\" does not support the v2 Registry API"
            )
        );
        let f = ImportFailure::invalid_name("Nginx", "repository name must be lowercase");
        assert_eq!((f.reason(), f.code()), ("Invalid", 422));
        assert_eq!(
            f.message(),
            " \"\" is invalid: from.name: Invalid value: \"Nginx\": invalid name: repository name must be lowercase"
        );
        assert_eq!(
            f.status.extra["details"]["causes"][0],
            json!({"reason": "FieldValueInvalid", "message": "Invalid value: \"Nginx\": invalid name: repository name must be lowercase", "field": "from.name"})
        );
        let f = ImportFailure::internal_error(
            "docker.io/ansible/ansible-runner:latest",
            "toomanyrequests: slow down",
        );
        assert_eq!(
            status_json(&f),
            json!({
                "metadata": {},
                "status": "Failure",
                "message": "Internal error occurred: docker.io/ansible/ansible-runner:latest: toomanyrequests: slow down",
                "reason": "InternalError",
                "details": {"causes": [{"message": "docker.io/ansible/ansible-runner:latest: toomanyrequests: slow down"}]},
                "code": 500
            })
        );
        assert_eq!(
            ImportFailure::internal("invalid checksum digest format").message(),
            "Internal error occurred: invalid checksum digest format"
        );
        assert_eq!(
            f.to_string(),
            "InternalError (500): Internal error occurred: docker.io/ansible/ansible-runner:latest: toomanyrequests: slow down"
        );
    }

    #[test]
    fn catalog_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<MemoryCatalog>();
        shareable::<ImportFailure>();
    }

    #[test]
    fn go_quote_escapes_like_go() {
        assert_eq!(go_quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
    }

    #[test]
    fn names_normalize_like_distribution() {
        let d = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            distribution_reference(&parse("nginx")),
            "docker.io/library/nginx:latest"
        );
        assert_eq!(
            distribution_reference(&parse("gists/lighttpd")),
            "docker.io/gists/lighttpd:latest"
        );
        assert_eq!(
            distribution_reference(&parse("index.docker.io/nginx:1")),
            "docker.io/library/nginx:1"
        );
        assert_eq!(
            distribution_reference(&parse("127.0.0.1:5000/demo/app:v1")),
            "127.0.0.1:5000/demo/app:v1"
        );
        assert_eq!(
            distribution_reference(&parse(&format!("quay.io/a/b:v1@{d}"))),
            format!("quay.io/a/b@{d}")
        );
        assert_eq!(
            distribution_reference(&parse("localhost/app")),
            "localhost/app:latest"
        );
        assert_eq!(
            distribution_reference(&parse("my_registry/foo")),
            "docker.io/my_registry/foo:latest"
        );
        let hub = DistributionName::of(&parse("nginx"));
        assert_eq!(
            (hub.path.as_str(), hub.api_host()),
            ("library/nginx", "registry-1.docker.io")
        );
        assert_eq!(
            DistributionName::of(&parse("localhost:5000/app")).path,
            "app"
        );
        assert_eq!(
            pinned_reference(&parse("gists/lighttpd"), &d),
            format!("gists/lighttpd@{d}")
        );
        assert_eq!(
            pinned_reference(&parse("docker.io/x/y:1"), &d),
            format!("docker.io/x/y@{d}")
        );
    }

    #[test]
    fn tag_grammar() {
        assert!(is_valid_tag("latest"));
        assert!(is_valid_tag("_1.0-rc"));
        assert!(!is_valid_tag(".x"));
        assert!(!is_valid_tag("a/b"));
        assert!(!is_valid_tag(""));
        assert!(!is_valid_tag(&"a".repeat(129)));
        assert_eq!(
            normalize_tags(["b".into(), "".into(), "a".into(), "a".into(), "x/y".into()]),
            ["a", "b", "latest"]
        );
    }

    fn web() -> CatalogImage {
        CatalogImage::new()
            .created("2024-05-01T12:34:56.789+02:00")
            .port("8080/tcp")
            .port("8443")
            .env("PATH=/usr/bin")
            .label("io.k8s.display-name", "Web")
            .volume("/data")
            .cmd(&["/bin/web", "--serve"])
            .entrypoint(&["/entry"])
            .working_dir("/srv")
            .user("1001")
            .layer("base", 1000)
            .layer("app", 234)
    }

    #[test]
    fn catalog_resolves_tags_with_metadata() {
        let catalog = MemoryCatalog::new().with_image("gists/lighttpd:latest", web());
        let digest = catalog.digest_of("docker.io/gists/lighttpd").unwrap();
        let resolved = catalog.resolve(&request("gists/lighttpd")).unwrap();
        assert_eq!(resolved.digest, digest);
        let image = &resolved.image;
        assert_eq!(image.metadata.name(), digest);
        assert_eq!(
            image.docker_image_reference.as_deref(),
            Some(format!("gists/lighttpd@{digest}").as_str())
        );
        assert_eq!(
            image.docker_image_manifest_media_type.as_deref(),
            Some(MEDIA_TYPE_OCI_MANIFEST)
        );
        assert_eq!(
            image.metadata.annotation(LAYERS_ORDER_ANNOTATION),
            Some("ascending")
        );
        assert_eq!(
            image.exposed_ports(),
            [(8080, "TCP".to_string()), (8443, "TCP".to_string())]
        );
        let meta = image.docker_image_metadata.as_ref().unwrap();
        assert_eq!(meta.architecture.as_deref(), Some("amd64"));
        assert_eq!(meta.created.as_deref(), Some("2024-05-01T10:34:56Z"));
        let config_len = resolved.raw_config.as_ref().unwrap().len() as i64;
        assert_eq!(meta.size, Some(1234 + config_len));
        assert_eq!(meta.extra["kind"], "DockerImage");
        assert_eq!(meta.extra["apiVersion"], "1.0");
        assert_eq!(meta.extra["ContainerConfig"], json!({}));
        assert_eq!(
            meta.id.as_deref(),
            Some(sha256_digest(resolved.raw_config.as_ref().unwrap().as_bytes()).as_str())
        );
        let config = meta.config.as_ref().unwrap();
        assert_eq!(
            config.env.as_deref(),
            Some(&["PATH=/usr/bin".to_string()][..])
        );
        assert_eq!(
            config.labels.as_ref().unwrap()["io.k8s.display-name"],
            "Web"
        );
        assert!(config.volumes.as_ref().unwrap().contains_key("/data"));
        assert_eq!(config.extra["Cmd"], json!(["/bin/web", "--serve"]));
        assert_eq!(config.extra["Entrypoint"], json!(["/entry"]));
        assert_eq!(config.extra["WorkingDir"], "/srv");
        assert_eq!(config.extra["User"], "1001");
        let layers = image.docker_image_layers.as_ref().unwrap();
        assert_eq!(layers.len(), 2);
        assert_eq!(layers[0].name, sha256_digest(b"base"));
        assert_eq!(layers[0].size, 1000);
        assert_eq!(layers[0].extra["mediaType"], MEDIA_TYPE_OCI_LAYER_GZIP);
        assert_eq!(image.extra["dockerImageMetadataVersion"], "1.0");
        assert_eq!(sha256_digest(resolved.raw_manifest.as_bytes()), digest);

        // The same image by digest, written with a tag too: the digest wins.
        let by_digest = catalog
            .resolve(&request(&format!("gists/lighttpd:old@{digest}")))
            .unwrap();
        assert_eq!(by_digest.image, resolved.image);
    }

    #[test]
    fn catalog_failures() {
        let catalog = MemoryCatalog::new()
            .with_image("registry.local:5000/team/app:v1", web())
            .with_http_only_registry("registry.local:5000")
            .with_private_repository("quay.io/secret/app");
        let insecure = |s: &str| ResolveRequest {
            insecure: true,
            ..request(s)
        };
        assert!(catalog
            .resolve(&insecure("registry.local:5000/team/app:v1"))
            .is_ok());
        let f = catalog
            .resolve(&request("registry.local:5000/team/app:v1"))
            .unwrap_err();
        assert_eq!(
            f,
            ImportFailure::http_only_needs_insecure("team/app"),
            "{f}"
        );
        let f = catalog
            .resolve(&insecure("registry.local:5000/team/app:v2"))
            .unwrap_err();
        assert_eq!(
            f,
            ImportFailure::not_found("registry.local:5000/team/app:v2")
        );
        let f = catalog.resolve(&request("nginx")).unwrap_err();
        assert_eq!(
            f,
            ImportFailure::not_found("docker.io/library/nginx:latest")
        );
        let f = catalog
            .resolve(&request("quay.io/secret/app:1"))
            .unwrap_err();
        assert_eq!(f, ImportFailure::unauthorized("quay.io/secret/app:1"));
        let d = format!("sha256:{}", "b".repeat(64));
        let f = catalog
            .resolve(&insecure(&format!("registry.local:5000/team/app@{d}")))
            .unwrap_err();
        assert_eq!(
            f,
            ImportFailure::not_found(&format!("registry.local:5000/team/app@{d}"))
        );
        let upper = format!("sha256:{}", "B".repeat(64));
        let f = catalog
            .resolve(&insecure(&format!("registry.local:5000/team/app@{upper}")))
            .unwrap_err();
        assert_eq!(f, ImportFailure::internal("invalid checksum digest format"));
    }

    #[test]
    fn catalog_lists_tags() {
        let catalog = MemoryCatalog::new()
            .with_image("quay.io/org/app:v2", CatalogImage::new())
            .with_image("quay.io/org/app", CatalogImage::new())
            .with_image("quay.io/org/app:v1", CatalogImage::new())
            .with_http_only_registry("plain.local")
            .with_private_repository("quay.io/org/hidden");
        assert_eq!(
            catalog.list_tags(&parse("quay.io/org/app"), false).unwrap(),
            ["latest", "v1", "v2"]
        );
        assert_eq!(
            catalog.list_tags(&parse("quay.io/org/nope"), false),
            Err(ImportFailure::not_found("quay.io/org/nope"))
        );
        assert_eq!(
            catalog.list_tags(&parse("quay.io/org/hidden"), false),
            Err(ImportFailure::unauthorized("quay.io/org/hidden"))
        );
        assert_eq!(
            catalog.list_tags(&parse("plain.local/a/b"), false),
            Err(ImportFailure::http_only_needs_insecure("a/b"))
        );
    }

    #[test]
    fn catalog_manifest_lists() {
        let amd = web().architecture("amd64");
        let arm = web()
            .architecture("arm64")
            .variant("v8")
            .label("arch", "arm");
        let catalog = MemoryCatalog::new().with_index("quay.io/org/multi:1", vec![arm, amd]);
        let index = catalog.digest_of("quay.io/org/multi:1").unwrap();

        // Legacy: linux/amd64 by default, whatever the order.
        let legacy = catalog.resolve(&request("quay.io/org/multi:1")).unwrap();
        assert_ne!(legacy.digest, index);
        let meta = legacy.image.docker_image_metadata.as_ref().unwrap();
        assert_eq!(meta.architecture.as_deref(), Some("amd64"));
        assert_eq!(
            legacy.image.docker_image_reference.as_deref(),
            Some(format!("quay.io/org/multi@{}", legacy.digest).as_str())
        );

        // prefer-arch picks the other one.
        let arm = catalog
            .resolve(&ResolveRequest {
                prefer_arch: Some("arm64".into()),
                ..request("quay.io/org/multi:1")
            })
            .unwrap();
        assert_eq!(
            arm.image
                .docker_image_metadata
                .as_ref()
                .unwrap()
                .architecture
                .as_deref(),
            Some("arm64")
        );
        // An arch that is not there falls back to linux/amd64.
        let fallback = catalog
            .resolve(&ResolveRequest {
                prefer_arch: Some("s390x".into()),
                ..request("quay.io/org/multi:1")
            })
            .unwrap();
        assert_eq!(fallback.digest, legacy.digest);

        // PreserveOriginal keeps the list.
        let kept = catalog
            .resolve(&ResolveRequest {
                preserve_original: true,
                ..request("quay.io/org/multi:1")
            })
            .unwrap();
        assert_eq!(kept.digest, index);
        assert_eq!(
            kept.image.docker_image_manifest_media_type.as_deref(),
            Some(MEDIA_TYPE_OCI_INDEX)
        );
        assert!(kept.image.docker_image_layers.is_none());
        assert!(kept.raw_config.is_none());
        let entries = kept.image.docker_image_manifests.as_ref().unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].architecture.as_deref(), Some("arm64"));
        assert_eq!(entries[0].os.as_deref(), Some("linux"));
        assert_eq!(entries[0].extra["variant"], "v8");
        assert_eq!(entries[0].extra["mediaType"], MEDIA_TYPE_OCI_MANIFEST);
        assert!(entries[0].extra["manifestSize"].as_i64().unwrap() > 0);
        assert_eq!(entries[1].digest, legacy.digest);
        assert_eq!(kept.manifests.len(), 2);
        assert_eq!(kept.manifests[1], legacy.image);
        assert_eq!(
            kept.image.docker_image_reference.as_deref(),
            Some(format!("quay.io/org/multi@{index}").as_str())
        );
    }

    /// A store that serves whatever it is given, to check what a hostile registry can do.
    struct Fixed {
        manifest: RawManifest,
        blob: Vec<u8>,
    }

    impl ManifestStore for Fixed {
        fn manifest(&mut self, _: &str) -> Result<RawManifest, RegistryError> {
            Ok(self.manifest.clone())
        }
        fn blob(&mut self, _: &str) -> Result<Vec<u8>, RegistryError> {
            Ok(self.blob.clone())
        }
    }

    fn fixed(content_type: &str, manifest: &str, blob: &str) -> Fixed {
        Fixed {
            manifest: RawManifest {
                content_type: content_type.into(),
                digest_header: None,
                bytes: manifest.as_bytes().to_vec(),
            },
            blob: blob.as_bytes().to_vec(),
        }
    }

    #[test]
    fn hostile_content_is_an_internal_error() {
        let r = request("quay.io/a/b:1");
        let message = |mut store: Fixed| {
            resolve_from_store(&mut store, &r)
                .unwrap_err()
                .message()
                .to_string()
        };
        assert!(message(fixed("text/html", "<html>", ""))
            .starts_with("Internal error occurred: quay.io/a/b:1: unable to parse manifest"));
        assert_eq!(
            message(fixed("text/html", "{}", "")),
            "Internal error occurred: quay.io/a/b:1: unsupported manifest media type and no default available: text/html"
        );
        let evil = r#"{"config":{"digest":"sha256:../../x","size":1},"layers":[]}"#;
        assert!(message(fixed(MEDIA_TYPE_OCI_MANIFEST, evil, "")).contains("invalid config digest"));
        let config = "{}";
        let good = format!(
            r#"{{"config":{{"digest":"{}","size":2}},"layers":[{{"digest":"{}","size":-5}}]}}"#,
            sha256_digest(config.as_bytes()),
            sha256_digest(b"x")
        );
        assert!(
            message(fixed(MEDIA_TYPE_OCI_MANIFEST, &good, config)).contains("invalid layer size")
        );
        let good = format!(
            r#"{{"config":{{"digest":"{}","size":2}},"layers":[]}}"#,
            sha256_digest(config.as_bytes())
        );
        assert!(message(fixed(MEDIA_TYPE_OCI_MANIFEST, &good, "[1]"))
            .contains("blob verification failed"));
        let mut store = fixed(MEDIA_TYPE_DOCKER_MANIFEST, &good, config);
        store.manifest.digest_header = Some(format!("sha256:{}", "c".repeat(64)));
        assert!(message(store).contains("manifest digest mismatch"));
        let mut store = fixed(MEDIA_TYPE_DOCKER_MANIFEST, &good, config);
        assert!(resolve_from_store(&mut store, &r).is_ok());
        let list = r#"{"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]}"#;
        assert_eq!(
            message(fixed(MEDIA_TYPE_OCI_INDEX, list, "")),
            "Internal error occurred: quay.io/a/b:1: no manifests in manifest list"
        );
        // A list that points at itself is not followed.
        let nested = format!(
            r#"{{"manifests":[{{"digest":"{}","mediaType":"{MEDIA_TYPE_OCI_INDEX}","size":1}}]}}"#,
            sha256_digest(list.as_bytes())
        );
        let mut store = fixed(MEDIA_TYPE_OCI_INDEX, list, "");
        store.manifest.bytes = nested.into_bytes();
        assert!(message(store).contains("manifest verification failed"));
    }

    #[test]
    fn registry_errors_map_per_stage() {
        let r = parse("127.0.0.1:5000/demo/app");
        let name_unknown =
            RegistryError::code(404, "NAME_UNKNOWN", "repository name not known to registry");
        assert_eq!(
            failure_for(&r, Stage::Connect, &name_unknown),
            ImportFailure::not_found("127.0.0.1:5000/demo/app:latest")
        );
        assert_eq!(
            failure_for(&r, Stage::Read, &name_unknown),
            ImportFailure::internal_error(
                "127.0.0.1:5000/demo/app:latest",
                "name unknown: repository name not known to registry"
            )
        );
        assert_eq!(
            failure_for(
                &r,
                Stage::Read,
                &RegistryError::Api {
                    status: 401,
                    errors: vec![]
                }
            ),
            ImportFailure::unauthorized("127.0.0.1:5000/demo/app:latest")
        );
        assert_eq!(
            failure_for(&r, Stage::Read, &RegistryError::code(403, "DENIED", "requested access to the resource is denied")).message(),
            "Internal error occurred: 127.0.0.1:5000/demo/app:latest: denied: requested access to the resource is denied"
        );
        let two = RegistryError::Api {
            status: 400,
            errors: vec![
                ApiError {
                    code: "A_B".into(),
                    message: "x".into(),
                },
                ApiError {
                    code: "C".into(),
                    message: "y".into(),
                },
            ],
        };
        assert_eq!(two.to_string(), "errors:\na b: x\nc: y\n");
        assert_eq!(
            tags_failure_for(&r, Stage::Read, &RegistryError::Other("boom".into())),
            ImportFailure::internal("boom")
        );
    }
}

/// The registries devcluster may reach: loopback hosts always, others only when named
/// (`--allow-registry HOST[:PORT]`). [`AllowedRegistries`] checks pull specs with it, and the
/// HTTP client (`registry_http`) checks every redirect hop and token realm with it, so an
/// import never leaves this machine through a registry's 302 or its `WWW-Authenticate`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryAllowList {
    allowed: Vec<String>,
}

impl RegistryAllowList {
    /// Loopback plus the `allowed` hosts (`host` allows every port, `host:port` one).
    pub fn new(allowed: Vec<String>) -> Self {
        Self { allowed }
    }

    /// Whether `registry` (`host`, `host:port` or `[v6]:port`, as in pull specs and URL
    /// authorities) may be reached.
    pub fn allows(&self, registry: &str) -> bool {
        let host = registry
            .strip_prefix('[')
            .and_then(|rest| rest.split(']').next())
            .unwrap_or_else(|| registry.split(':').next().unwrap_or(registry));
        let loopback = host.eq_ignore_ascii_case("localhost")
            || host
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        loopback || self.allowed.iter().any(|a| a == registry || a == host)
    }
}

/// Only lets imports reach the registries it names, like OpenShift's `allowedRegistriesForImport`:
/// others fail with the importer's `Forbidden` "registry … blocked" status. devcluster allows
/// only loopback registries by default, so tests and demos never reach beyond this machine.
pub struct AllowedRegistries<S> {
    inner: S,
    allowed: RegistryAllowList,
}

impl<S: ImageSource> AllowedRegistries<S> {
    /// Wraps `inner`, allowing loopback hosts plus the `allowed` hosts (`host` or `host:port`).
    pub fn new(inner: S, allowed: Vec<String>) -> Self {
        Self {
            inner,
            allowed: RegistryAllowList::new(allowed),
        }
    }

    fn check(&self, reference: &ImageReference) -> Result<(), ImportFailure> {
        let registry = reference.registry_host_or_default();
        if self.allowed.allows(registry) {
            Ok(())
        } else {
            Err(ImportFailure::blocked(registry))
        }
    }
}

impl<S: ImageSource> ImageSource for AllowedRegistries<S> {
    fn resolve(&self, request: &ResolveRequest) -> Result<ResolvedImage, ImportFailure> {
        self.check(&request.reference)?;
        self.inner.resolve(request)
    }

    fn list_tags(
        &self,
        repository: &ImageReference,
        insecure: bool,
    ) -> Result<Vec<String>, ImportFailure> {
        self.check(repository)?;
        self.inner.list_tags(repository, insecure)
    }
}

#[cfg(test)]
mod allow_list_tests {
    use super::*;

    #[test]
    fn only_loopback_and_named_registries_are_reached() {
        let source = AllowedRegistries::new(
            MemoryCatalog::default(),
            vec!["registry.example.com:5000".into()],
        );
        let blocked = source
            .resolve(&ResolveRequest::new(
                imagestream_model::reference::parse("quay.io/x/y:1").unwrap(),
            ))
            .unwrap_err();
        assert_eq!(blocked.status.reason.as_deref(), Some("Forbidden"));
        assert_eq!(
            blocked.status.message.as_deref(),
            Some("forbidden: registry quay.io blocked")
        );
        let docker_hub = source
            .resolve(&ResolveRequest::new(
                imagestream_model::reference::parse("nginx").unwrap(),
            ))
            .unwrap_err();
        assert_eq!(
            docker_hub.status.message.as_deref(),
            Some("forbidden: registry docker.io blocked")
        );
        let list =
            RegistryAllowList::new(vec!["registry.example.com:5000".into(), "quay.io".into()]);
        for (registry, allowed) in [
            ("127.0.0.1", true),
            ("127.0.0.2:80", true),
            ("[::1]:5000", true),
            ("LOCALHOST:5000", true),
            ("quay.io:443", true),
            ("registry.example.com:5000", true),
            ("registry.example.com:5001", false),
            ("localhost.evil.example", false),
            ("127.0.0.1.evil.example", false),
            ("[::2]:5000", false),
            ("10.0.0.1:5000", false),
        ] {
            assert_eq!(list.allows(registry), allowed, "{registry}");
        }
        for allowed in [
            "127.0.0.1:5000/x/y:1",
            "localhost:5000/x:1",
            "registry.example.com:5000/x:1",
        ] {
            let result = source.resolve(&ResolveRequest::new(
                imagestream_model::reference::parse(allowed).unwrap(),
            ));
            assert_ne!(
                result.err().and_then(|f| f.status.reason),
                Some("Forbidden".into()),
                "{allowed}"
            );
        }
    }
}
