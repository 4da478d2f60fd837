//! [`RegistryClient`]: an [`ImageSource`] that talks to real registries over the Docker
//! Registry HTTP API v2 with a blocking HTTP client (native `server` feature only).
//!
//! # Why ureq and a hand-written protocol, not `oci-client`
//!
//! `oci-client` (formerly `oci-distribution`) is well kept, but it is async on reqwest and tokio,
//! and several things the importer must get exactly right are decided inside it:
//!
//! * **HTTP-only detection.** OpenShift tries HTTPS and, when the registry answers plain HTTP
//!   and the import is not insecure, reports `BadRequest` "the repository … is HTTP only and
//!   requires the insecure flag to import"; with insecure it falls back to HTTP. `oci-client`
//!   fixes the protocol per registry up front (`ClientProtocol::Https/Http/HttpsExcept`), so
//!   the fallback and the diagnosis would have to be rebuilt around it anyway.
//! * **Error mapping.** §3.3 depends on the registry's error *codes* (`MANIFEST_UNKNOWN` vs
//!   `NAME_UNKNOWN`, at which step), on 401 vs a token-server refusal, and on the error text
//!   for InternalError. Here every response is turned into a [`RegistryError`] that keeps
//!   status and codes, and [`failure_for`] does the rest.
//! * **Limits and verification.** Bodies are read with hard caps (manifests 4 MiB, configs
//!   8 MiB, error bodies 64 KiB, token answers 1 MiB), digests are verified against the content
//!   and `Docker-Content-Digest`, descriptor digests are checked before they become URL paths,
//!   and list entries are capped: a hostile registry gets an InternalError, never a panic.
//! * **Sync trait.** [`ImageSource`] is synchronous; an async client would need a runtime
//!   handle and `block_on` from the blocking thread for no gain.
//!
//! The v2 protocol subset an import needs is small: `GET /v2/` (ping, challenge), the
//! `WWW-Authenticate: Bearer realm,service` token flow with scope `repository:<name>:pull`
//! (Basic credentials sent to the token server, or anonymous), Basic auth, `GET` manifests with
//! the full `Accept` list, `GET` the config blob (redirects followed, `Authorization` kept only
//! on the same host), `GET tags/list` with `Link` paging.
//!
//! Redirects are followed here, not by ureq, so that with [`RegistryClient::reaching_only`]
//! every hop, like every token realm, is checked against the registry allow list *before* it
//! is requested: a loopback registry cannot send an import to another host with a 302 or a
//! `WWW-Authenticate` realm. A refused hop fails the image with the importer's Forbidden
//! "registry … blocked", the status OpenShift gives a registry outside
//! `allowedRegistriesForImport`. ureq 3 is blocking, uses rustls with
//! Mozilla roots, and has per-call timeouts and body limits, so nothing async enters the crate.
//! The manifest and image logic is shared with the in-memory catalog in [`crate::registry`].

use crate::registry::{
    failure_for, normalize_tags, resolve_from_store, tags_failure_for, ApiError, DistributionName,
    ImageSource, ImportFailure, ManifestStore, RawManifest, RegistryAllowList, RegistryError,
    ResolveRequest, ResolvedImage, Stage, MANIFEST_ACCEPT, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES,
};
use imagestream_model::reference::ImageReference;
use imagestream_model::url::encode_component;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use ureq::http::Response;
use ureq::tls::TlsConfig;
use ureq::{Agent, Body};

/// Timeout for each request (connect, send, headers and body together), as OpenShift's ping
/// client uses.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// One import (all its requests) may take this many request timeouts in all: 2 minutes by
/// default, enough for a PreserveOriginal list of many platforms on a slow registry.
const IMPORT_BUDGET_TIMEOUTS: u32 = 8;
/// Largest error body read to find error codes.
const MAX_ERROR_BYTES: u64 = 64 * 1024;
/// Largest token-server answer read.
const MAX_TOKEN_BYTES: u64 = 1024 * 1024;
/// Largest page of a tag list.
const MAX_TAGS_PAGE_BYTES: u64 = 4 * 1024 * 1024;
/// Most pages of a tag list followed.
const MAX_TAG_PAGES: usize = 100;
/// Most redirects followed for one request, as before (Go's client stops at 10).
const MAX_REDIRECTS: usize = 5;

/// Credentials for one registry host.
#[derive(Clone, PartialEq, Eq)]
pub enum Credentials {
    /// User name and password (or token as password): sent to the token server, or as Basic
    /// auth when the registry asks for Basic.
    Basic {
        /// The user name.
        username: String,
        /// The password or token.
        password: String,
    },
    /// A registry bearer token, sent as is.
    Bearer(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secrets.
        match self {
            Credentials::Basic { username, .. } => {
                write!(
                    f,
                    "Basic {{ username: {username:?}, password: <redacted> }}"
                )
            }
            Credentials::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}

/// Imports from real registries over HTTP(S). Cheap to clone; safe to share between threads.
#[derive(Debug, Clone)]
pub struct RegistryClient {
    secure: Agent,
    insecure: Agent,
    timeout: Duration,
    proxy_from_env: bool,
    credentials: BTreeMap<String, Credentials>,
    /// When set, no request goes to a host outside it (redirect hops and token realms too).
    reach: Option<RegistryAllowList>,
}

impl Default for RegistryClient {
    fn default() -> Self {
        Self::new()
    }
}

fn agent(timeout: Duration, proxy_from_env: bool, verify: bool) -> Agent {
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        // Followed by `send`, which checks each hop first.
        .max_redirects(0)
        .user_agent(concat!(
            "imagestream-devcluster/",
            env!("CARGO_PKG_VERSION")
        ))
        .proxy(if proxy_from_env {
            ureq::Proxy::try_from_env()
        } else {
            None
        })
        .tls_config(TlsConfig::builder().disable_verification(!verify).build())
        .build();
    Agent::new_with_config(config)
}

impl RegistryClient {
    /// A client with no credentials, [`DEFAULT_TIMEOUT`], and the proxy from the environment
    /// (`HTTPS_PROXY`, `NO_PROXY`, …) like other registry clients.
    pub fn new() -> Self {
        Self::build(DEFAULT_TIMEOUT, true, BTreeMap::new(), None)
    }

    fn build(
        timeout: Duration,
        proxy_from_env: bool,
        credentials: BTreeMap<String, Credentials>,
        reach: Option<RegistryAllowList>,
    ) -> Self {
        RegistryClient {
            secure: agent(timeout, proxy_from_env, true),
            insecure: agent(timeout, proxy_from_env, false),
            timeout,
            proxy_from_env,
            credentials,
            reach,
        }
    }

    /// Uses `timeout` for every request instead of [`DEFAULT_TIMEOUT`].
    pub fn with_timeout(self, timeout: Duration) -> Self {
        Self::build(timeout, self.proxy_from_env, self.credentials, self.reach)
    }

    /// Ignores proxy environment variables: every request goes straight to the registry (tests
    /// use this so that only loopback is ever contacted).
    pub fn without_proxy(self) -> Self {
        Self::build(self.timeout, false, self.credentials, self.reach)
    }

    /// Never sends a request to a host outside `allowed`: the registry itself, each redirect
    /// hop and each token realm are checked before they are requested (devcluster's importer
    /// stays on loopback unless `--allow-registry` names a host).
    pub fn reaching_only(mut self, allowed: RegistryAllowList) -> Self {
        self.reach = Some(allowed);
        self
    }

    fn net(&self, insecure: bool) -> Net<'_> {
        Net {
            agent: if insecure {
                &self.insecure
            } else {
                &self.secure
            },
            reach: self.reach.as_ref(),
        }
    }

    /// Uses `credentials` for the registry `host` as it appears in pull specs (`quay.io`,
    /// `docker.io`, `127.0.0.1:5000`).
    pub fn with_credentials(mut self, host: &str, credentials: Credentials) -> Self {
        self.credentials.insert(host.to_string(), credentials);
        self
    }

    fn credentials_for(&self, name: &DistributionName) -> Option<&Credentials> {
        self.credentials
            .get(&name.domain)
            .or_else(|| self.credentials.get(name.api_host()))
            .or_else(|| {
                (name.domain == "docker.io")
                    .then(|| self.credentials.get("index.docker.io"))
                    .flatten()
            })
    }

    /// Pings the registry, finds the scheme and authenticates for pulling `name`.
    fn connect(
        &self,
        name: &DistributionName,
        insecure: bool,
        credentials: Option<&Credentials>,
    ) -> Result<Session<'_>, RegistryError> {
        let started = Instant::now();
        let net = self.net(insecure);
        let host = name.api_host();
        if net.reach.is_some_and(|reach| !reach.allows(host)) {
            return Err(RegistryError::Blocked(host.to_string()));
        }
        let https = format!("https://{host}");
        let (base, mut ping) = match net.send(&format!("{https}/v2/"), None, None) {
            Ok(response) => (https, response),
            Err(refused @ (SendError::Blocked(_) | SendError::Invalid(_))) => {
                return Err(refused.into_error(&format!("{https}/v2/")))
            }
            // Insecure: any HTTPS failure falls back to plain HTTP, as upstream's ping does.
            Err(_) if insecure => {
                let http = format!("http://{host}");
                let url = format!("{http}/v2/");
                match net.send(&url, None, None) {
                    Ok(response) => (http, response),
                    Err(error) => return Err(error.into_error(&url)),
                }
            }
            Err(SendError::Http(error)) => {
                let gave_up = matches!(error, ureq::Error::Timeout(_) | ureq::Error::HostNotFound);
                if !gave_up && answers_plain_http(&net, host) {
                    return Err(RegistryError::HttpOnly);
                }
                return Err(transport(&format!("{https}/v2/"), &error));
            }
        };
        let status = ping.status().as_u16();
        let has_version = ping
            .headers()
            .get("docker-distribution-api-version")
            .is_some();
        let challenges: Vec<Challenge> = ping
            .headers()
            .get_all("www-authenticate")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(parse_challenges)
            .collect();
        let _ = read_limited(&mut ping, MAX_ERROR_BYTES);
        if !has_version && !(200..300).contains(&status) && status != 401 && status != 403 {
            return Err(RegistryError::NotV2 {
                endpoint: base,
                host: host.to_string(),
            });
        }
        let mut session = Session {
            net,
            base,
            path: name.path.clone(),
            authorization: None,
            deadline: started + self.timeout * IMPORT_BUDGET_TIMEOUTS,
        };
        if status == 401 {
            session.authorization = authorize(&net, &challenges, &name.path, credentials)?;
        } else if let Some(Credentials::Bearer(token)) = credentials {
            session.authorization = Some(format!("Bearer {token}"));
        }
        Ok(session)
    }

    fn resolve_with(
        &self,
        request: &ResolveRequest,
        credentials: Option<&Credentials>,
    ) -> Result<ResolvedImage, ImportFailure> {
        let name = DistributionName::of(&request.reference);
        let mut session = self
            .connect(&name, request.insecure, credentials)
            .map_err(|e| failure_for(&request.reference, Stage::Connect, &e))?;
        resolve_from_store(&mut session, request)
    }

    fn list_tags_with(
        &self,
        repository: &ImageReference,
        insecure: bool,
        credentials: Option<&Credentials>,
    ) -> Result<Vec<String>, ImportFailure> {
        let name = DistributionName::of(repository);
        let session = self
            .connect(&name, insecure, credentials)
            .map_err(|e| tags_failure_for(repository, Stage::Connect, &e))?;
        session
            .tags()
            .map(normalize_tags)
            .map_err(|e| tags_failure_for(repository, Stage::Read, &e))
    }
}

/// After HTTPS failed: does `host` speak the registry API over plain HTTP? Upstream detects
/// this from Go's "tls: oversized record received" (the server answered the TLS hello in
/// plain HTTP). Here a plain `GET /v2/` must answer like a registry (the API version header,
/// or 200/401), so an HTTPS server that merely rejects plain HTTP with a 400, or a
/// certificate problem, is not mistaken for an HTTP-only registry.
fn answers_plain_http(net: &Net<'_>, host: &str) -> bool {
    let Ok(mut response) = net.send(&format!("http://{host}/v2/"), None, None) else {
        return false;
    };
    let registry_like = response
        .headers()
        .get("docker-distribution-api-version")
        .is_some()
        || matches!(response.status().as_u16(), 200 | 401);
    let _ = read_limited(&mut response, MAX_ERROR_BYTES);
    registry_like
}

/// Whether a failure asks for the anonymous retry of §3.2 step 3.
fn retry_anonymously(failure: &ImportFailure, had_credentials: bool) -> bool {
    had_credentials
        && failure.reason() == "Unauthorized"
        && failure.message().contains("username or password")
}

impl ImageSource for RegistryClient {
    fn resolve(&self, request: &ResolveRequest) -> Result<ResolvedImage, ImportFailure> {
        let credentials = self.credentials_for(&DistributionName::of(&request.reference));
        match self.resolve_with(request, credentials) {
            Err(failure) if retry_anonymously(&failure, credentials.is_some()) => {
                self.resolve_with(request, None)
            }
            other => other,
        }
    }

    fn list_tags(
        &self,
        repository: &ImageReference,
        insecure: bool,
    ) -> Result<Vec<String>, ImportFailure> {
        let credentials = self.credentials_for(&DistributionName::of(repository));
        match self.list_tags_with(repository, insecure, credentials) {
            Err(failure) if retry_anonymously(&failure, credentials.is_some()) => {
                self.list_tags_with(repository, insecure, None)
            }
            other => other,
        }
    }
}

/// One connection to a repository: scheme, path and the Authorization header to send.
struct Session<'a> {
    net: Net<'a>,
    base: String,
    path: String,
    authorization: Option<String>,
    /// No new request starts after this instant: a registry that answers each request just
    /// inside the timeout cannot hold an import (and its thread) for long.
    deadline: Instant,
}

impl Session<'_> {
    fn get(&self, url: &str, accept: Option<&str>) -> Result<Response<Body>, RegistryError> {
        if Instant::now() >= self.deadline {
            return Err(RegistryError::Other(format!(
                "the import took too long; stopped before GET {url:?}"
            )));
        }
        self.net
            .send(url, self.authorization.as_deref(), accept)
            .map_err(|e| e.into_error(url))
    }

    /// Reads a successful body up to `limit`, or turns an error answer into a RegistryError.
    fn body(
        &self,
        url: &str,
        mut response: Response<Body>,
        limit: u64,
    ) -> Result<(Response<Body>, Vec<u8>), RegistryError> {
        let status = response.status().as_u16();
        if !(200..300).contains(&status) {
            let body = read_limited(&mut response, MAX_ERROR_BYTES).unwrap_or_default();
            return Err(error_from_response(status, &body));
        }
        let body = read_limited(&mut response, limit).map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => RegistryError::Other(format!(
                "the answer to GET {url} is larger than the {limit} bytes accepted"
            )),
            other => transport(url, &other),
        })?;
        Ok((response, body))
    }

    fn tags(&self) -> Result<Vec<String>, RegistryError> {
        #[derive(Deserialize)]
        struct Page {
            #[serde(default)]
            tags: Option<Vec<String>>,
        }
        let mut url = format!("{}/v2/{}/tags/list", self.base, self.path);
        let mut tags = Vec::new();
        for _ in 0..MAX_TAG_PAGES {
            let response = self.get(&url, Some("application/json"))?;
            let (response, body) = self.body(&url, response, MAX_TAGS_PAGE_BYTES)?;
            let page: Page = serde_json::from_slice(&body)
                .map_err(|e| RegistryError::Other(format!("unable to parse the tag list: {e}")))?;
            tags.extend(page.tags.unwrap_or_default());
            let next = response
                .headers()
                .get("link")
                .and_then(|v| v.to_str().ok())
                .and_then(next_link);
            match next {
                // Only follow pages on the same registry.
                Some(next) if next.starts_with('/') => url = format!("{}{next}", self.base),
                Some(next) if next.starts_with(&format!("{}/", self.base)) => url = next,
                _ => return Ok(tags),
            }
        }
        Ok(tags)
    }
}

impl ManifestStore for Session<'_> {
    fn manifest(&mut self, reference: &str) -> Result<RawManifest, RegistryError> {
        let url = format!("{}/v2/{}/manifests/{reference}", self.base, self.path);
        let response = self.get(&url, Some(&MANIFEST_ACCEPT.join(", ")))?;
        let (response, bytes) = self.body(&url, response, MAX_MANIFEST_BYTES)?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        Ok(RawManifest {
            content_type: header("content-type").unwrap_or_default(),
            digest_header: header("docker-content-digest"),
            bytes,
        })
    }

    fn blob(&mut self, digest: &str) -> Result<Vec<u8>, RegistryError> {
        let url = format!("{}/v2/{}/blobs/{digest}", self.base, self.path);
        let response = self.get(&url, None)?;
        self.body(&url, response, MAX_CONFIG_BYTES)
            .map(|(_, body)| body)
    }
}

/// The HTTP agent for one import and the hosts it may reach.
#[derive(Clone, Copy)]
struct Net<'a> {
    agent: &'a Agent,
    reach: Option<&'a RegistryAllowList>,
}

/// Why a request got no answer.
#[derive(Debug)]
enum SendError {
    /// The transport failed.
    Http(ureq::Error),
    /// The URL (or a redirect hop) is on a host that may not be reached; nothing was sent.
    Blocked(String),
    /// A URL (a `Location`, a realm) that is not an http(s) URL.
    Invalid(String),
}

impl SendError {
    fn into_error(self, url: &str) -> RegistryError {
        match self {
            SendError::Http(error) => transport(url, &error),
            SendError::Blocked(host) => RegistryError::Blocked(host),
            SendError::Invalid(text) => {
                RegistryError::Other(format!("Get {url:?}: {text:?} is not an http(s) URL"))
            }
        }
    }
}

/// `host[:port]` of an http(s) URL, as pull specs name registries (`None`: another scheme or
/// no host).
fn authority(url: &url::Url) -> Option<String> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    })
}

impl Net<'_> {
    /// Whether `url` may be requested: `Err` with its host when the allow list refuses it.
    fn check(&self, url: &url::Url) -> Result<(), SendError> {
        let host = authority(url).ok_or_else(|| SendError::Invalid(url.to_string()))?;
        match self.reach {
            Some(reach) if !reach.allows(&host) => Err(SendError::Blocked(host)),
            _ => Ok(()),
        }
    }

    /// GETs `url`, following up to [`MAX_REDIRECTS`] redirects, each hop checked before it is
    /// requested. `Authorization` goes only to the host it was meant for (scheme, host and port
    /// unchanged), as distribution's client keeps it to the same host.
    fn send(
        &self,
        url: &str,
        authorization: Option<&str>,
        accept: Option<&str>,
    ) -> Result<Response<Body>, SendError> {
        let first = url::Url::parse(url).map_err(|_| SendError::Invalid(url.to_string()))?;
        let mut current = first.clone();
        for _ in 0..=MAX_REDIRECTS {
            self.check(&current)?;
            let mut request = self.agent.get(current.as_str());
            if let Some(authorization) = authorization {
                if current.origin() == first.origin() {
                    request = request.header("Authorization", authorization);
                }
            }
            if let Some(accept) = accept {
                request = request.header("Accept", accept);
            }
            let mut response = request.call().map_err(SendError::Http)?;
            if !response.status().is_redirection() {
                return Ok(response);
            }
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let Some(location) = location else {
                return Ok(response);
            };
            let _ = read_limited(&mut response, MAX_ERROR_BYTES);
            current = current
                .join(&location)
                .map_err(|_| SendError::Invalid(location))?;
        }
        Err(SendError::Http(ureq::Error::TooManyRedirects))
    }
}

fn read_limited(response: &mut Response<Body>, limit: u64) -> Result<Vec<u8>, ureq::Error> {
    response.body_mut().with_config().limit(limit).read_to_vec()
}

/// A transport failure as text, in the shape Go's HTTP client reports it.
fn transport(url: &str, error: &ureq::Error) -> RegistryError {
    RegistryError::Other(format!("Get {:?}: {error}", url))
}

/// Turns an error answer into a RegistryError the way the distribution client reads it: JSON
/// error codes when there are any, `details` on a 401, else a parse or status error.
fn error_from_response(status: u16, body: &[u8]) -> RegistryError {
    #[derive(Deserialize)]
    struct Entry {
        #[serde(default)]
        code: String,
        #[serde(default)]
        message: String,
    }
    #[derive(Deserialize)]
    struct Errors {
        #[serde(default)]
        errors: Vec<Entry>,
        #[serde(default)]
        details: String,
    }
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    if status >= 500 {
        return RegistryError::Other(format!(
            "received unexpected HTTP status: {status} {reason}"
        ));
    }
    let text = String::from_utf8_lossy(body);
    match serde_json::from_slice::<Errors>(body) {
        Ok(parsed) if !parsed.errors.is_empty() => RegistryError::Api {
            status,
            errors: parsed
                .errors
                .into_iter()
                .map(|e| ApiError {
                    code: e.code,
                    message: e.message,
                })
                .collect(),
        },
        Ok(parsed) if !parsed.details.is_empty() => RegistryError::Api {
            status,
            errors: vec![ApiError {
                code: if status == 401 {
                    "UNAUTHORIZED".into()
                } else {
                    "UNKNOWN".into()
                },
                message: parsed.details,
            }],
        },
        _ if status == 401 => RegistryError::Api {
            status,
            errors: Vec::new(),
        },
        Ok(_) => RegistryError::Other(format!(
            "error parsing HTTP {status} response body: no error details found in HTTP response body: {text:?}"
        )),
        Err(e) => RegistryError::Other(format!(
            "error parsing HTTP {status} response body: {e}: {text:?}"
        )),
    }
}

/// One `WWW-Authenticate` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Challenge {
    scheme: String,
    params: BTreeMap<String, String>,
}

/// Parses `WWW-Authenticate` header values: `Bearer realm="…",service="…"`, `Basic realm="…"`,
/// possibly several challenges in one value. Malformed input yields what could be read.
fn parse_challenges(header: &str) -> Vec<Challenge> {
    let mut out: Vec<Challenge> = Vec::new();
    let bytes = header.as_bytes();
    let mut i = 0;
    let skip = |i: &mut usize, pred: &dyn Fn(u8) -> bool| {
        while *i < bytes.len() && pred(bytes[*i]) {
            *i += 1;
        }
    };
    let token_char = |b: u8| !b.is_ascii_whitespace() && b != b',' && b != b'=' && b != b'"';
    while i < bytes.len() {
        skip(&mut i, &|b| b.is_ascii_whitespace() || b == b',');
        let start = i;
        skip(&mut i, &token_char);
        if start == i {
            // A stray '=' or '"': skip one byte so the loop always advances.
            i += 1;
            continue;
        }
        let word = header[start..i].to_string();
        let after_spaces = {
            let mut j = i;
            skip(&mut j, &|b| b == b' ' || b == b'\t');
            j
        };
        if after_spaces < bytes.len() && bytes[after_spaces] == b'=' {
            // key=value for the current challenge.
            i = after_spaces + 1;
            skip(&mut i, &|b| b == b' ' || b == b'\t');
            let value = if i < bytes.len() && bytes[i] == b'"' {
                i += 1;
                let mut value = String::new();
                let mut chars = header[i..].char_indices();
                let mut end = header.len();
                while let Some((k, c)) = chars.next() {
                    match c {
                        '\\' => {
                            if let Some((_, escaped)) = chars.next() {
                                value.push(escaped);
                            }
                        }
                        '"' => {
                            end = i + k + 1;
                            break;
                        }
                        c => value.push(c),
                    }
                }
                i = end;
                value
            } else {
                let start = i;
                skip(&mut i, &|b| b != b',' && !b.is_ascii_whitespace());
                header[start..i].to_string()
            };
            if let Some(current) = out.last_mut() {
                current.params.insert(word.to_ascii_lowercase(), value);
            }
        } else {
            out.push(Challenge {
                scheme: word.to_ascii_lowercase(),
                params: BTreeMap::new(),
            });
        }
    }
    out
}

/// Obtains the Authorization header for pulling `path`, following the registry's challenge.
fn authorize(
    net: &Net<'_>,
    challenges: &[Challenge],
    path: &str,
    credentials: Option<&Credentials>,
) -> Result<Option<String>, RegistryError> {
    if let Some(bearer) = challenges.iter().find(|c| c.scheme == "bearer") {
        if let Some(Credentials::Bearer(token)) = credentials {
            return Ok(Some(format!("Bearer {token}")));
        }
        return fetch_token(net, bearer, path, credentials).map(Some);
    }
    if challenges.iter().any(|c| c.scheme == "basic") {
        return match credentials {
            Some(Credentials::Basic { username, password }) => Ok(Some(format!(
                "Basic {}",
                base64(format!("{username}:{password}").as_bytes())
            ))),
            Some(Credentials::Bearer(token)) => Ok(Some(format!("Bearer {token}"))),
            None => Err(RegistryError::NoBasicCredentials),
        };
    }
    // No challenge we understand: go on without credentials and let requests fail.
    Ok(None)
}

fn fetch_token(
    net: &Net<'_>,
    challenge: &Challenge,
    path: &str,
    credentials: Option<&Credentials>,
) -> Result<String, RegistryError> {
    #[derive(Deserialize)]
    struct Token {
        #[serde(default)]
        token: String,
        #[serde(default)]
        access_token: String,
    }
    let realm = challenge
        .params
        .get("realm")
        .map(String::as_str)
        .unwrap_or("");
    if !(realm.starts_with("https://") || realm.starts_with("http://")) {
        return Err(RegistryError::Other(format!(
            "invalid token realm {realm:?} in the registry's challenge"
        )));
    }
    let mut url = realm.to_string();
    let mut separator = if realm.contains('?') { '&' } else { '?' };
    if let Some(service) = challenge.params.get("service") {
        url.push_str(&format!("{separator}service={}", encode_component(service)));
        separator = '&';
    }
    url.push_str(&format!(
        "{separator}scope={}",
        encode_component(&format!("repository:{path}:pull"))
    ));
    let basic = match credentials {
        Some(Credentials::Basic { username, password }) => Some(format!(
            "Basic {}",
            base64(format!("{username}:{password}").as_bytes())
        )),
        _ => None,
    };
    // The realm is checked like any URL (a loopback registry naming a realm elsewhere is
    // refused before the credentials could be sent there).
    let mut response = net
        .send(&url, basic.as_deref(), Some("application/json"))
        .map_err(|e| e.into_error(realm))?;
    let status = response.status().as_u16();
    let body = read_limited(&mut response, MAX_TOKEN_BYTES).unwrap_or_default();
    match status {
        200..=299 => {
            let token: Token = serde_json::from_slice(&body).map_err(|e| {
                RegistryError::Other(format!("unable to decode the token response: {e}"))
            })?;
            let token = if token.token.is_empty() {
                token.access_token
            } else {
                token.token
            };
            if token.is_empty() || token.chars().any(|c| c.is_control()) {
                return Err(RegistryError::Other(
                    "the token server returned no usable token".into(),
                ));
            }
            Ok(format!("Bearer {token}"))
        }
        401 if basic.is_some() => Err(RegistryError::IncorrectCredentials),
        _ => Err(error_from_response(status, &body)),
    }
}

/// The `next` target of a `Link` header (`</v2/x/tags/list?last=a&n=100>; rel="next"`).
fn next_link(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let target = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| p.trim().replace(' ', "") == "rel=\"next\"" || p.trim() == "rel=next")
            .then(|| target.to_string())
    })
}

/// Standard base64 with padding, for Basic auth.
fn base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(ALPHABET[((n >> shift) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_parse() {
        let c = parse_challenges(
            r#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#,
        );
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].scheme, "bearer");
        assert_eq!(c[0].params["realm"], "https://auth.docker.io/token");
        assert_eq!(c[0].params["service"], "registry.docker.io");
        assert_eq!(c[0].params["scope"], "repository:library/nginx:pull");
        let c = parse_challenges(r#"Basic realm="Registry \"Realm\"", Bearer realm=x"#);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].params["realm"], "Registry \"Realm\"");
        assert_eq!(
            (c[1].scheme.as_str(), c[1].params["realm"].as_str()),
            ("bearer", "x")
        );
        for junk in [
            "",
            "=",
            "\"",
            "a=\"unterminated",
            ",,,",
            "Bearer =,=\"",
            "é=\"ü\\",
        ] {
            let _ = parse_challenges(junk);
        }
    }

    #[test]
    fn error_bodies() {
        let e = error_from_response(
            404,
            br#"{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}"#,
        );
        assert!(e.has_code("MANIFEST_UNKNOWN"));
        assert_eq!(e.to_string(), "manifest unknown: manifest unknown");
        let e = error_from_response(401, br#"{"details":"incorrect username or password"}"#);
        assert!(e.is_unauthorized());
        assert!(error_from_response(401, b"nope").is_unauthorized());
        assert_eq!(
            error_from_response(503, b"").to_string(),
            "received unexpected HTTP status: 503 Service Unavailable"
        );
        assert!(error_from_response(404, b"<html>")
            .to_string()
            .starts_with("error parsing HTTP 404 response body: "));
        assert_eq!(
            error_from_response(400, b"{}").to_string(),
            "error parsing HTTP 400 response body: no error details found in HTTP response body: \"{}\""
        );
    }

    #[test]
    fn links_and_encodings() {
        assert_eq!(
            next_link(r#"</v2/a/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/a/tags/list?last=b&n=2")
        );
        assert_eq!(next_link(r#"<x>; rel="prev""#), None);
        assert_eq!(next_link("garbage"), None);
        assert_eq!(
            encode_component("repository:library/nginx:pull"),
            "repository%3Alibrary%2Fnginx%3Apull"
        );
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"user:pass"), "dXNlcjpwYXNz");
    }

    #[test]
    fn client_can_be_shared_between_threads() {
        fn shareable<T: Send + Sync + 'static>() {}
        shareable::<RegistryClient>();
        let _: std::sync::Arc<dyn ImageSource + Send + Sync> =
            std::sync::Arc::new(RegistryClient::new().without_proxy());
    }

    #[test]
    fn credentials_are_not_printed() {
        let c = Credentials::Basic {
            username: "u".into(),
            password: "secret".into(),
        };
        assert!(!format!("{c:?}").contains("secret"));
        assert!(!format!("{:?}", Credentials::Bearer("tok".into())).contains("tok"));
    }
}
