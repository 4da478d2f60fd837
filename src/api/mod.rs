//! The client side of the cluster API: where the server is, typed calls, and errors that keep
//! the server's `Status` reason and message so pages can show them where the user acted.

pub mod access;
mod in_browser;
pub use in_browser::reset as reset_demo;
pub mod session;
mod transport;

use in_browser::InBrowser;
use transport::Fetch;
pub use transport::{ApiCall, WatchHandle, WatchMessage};

use crate::i18n::{t, tf};
use imagestream_model::{ImageStream, List, Project, Status, User};
use serde::{de::DeserializeOwned, Deserialize};
use std::fmt;

/// Run-time settings read from `config.json`, so one build serves every cluster and host.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Config {
    /// Base URL of the API server; empty means the console's own origin.
    pub api_server: String,
    /// The project opened first.
    pub default_namespace: String,
    /// A build for static hosting with no server (scripts/build-demo.sh): the console starts in
    /// the in-browser demo cluster, keeps its state across reloads and offers "Reset demo";
    /// "Connect to a cluster" still leads to the log-in page for a real one.
    pub demo: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            api_server: String::new(),
            default_namespace: "openshift".into(),
            demo: false,
        }
    }
}

/// Where and as whom to call the cluster. Cheap to clone; every page gets one from context.
#[derive(Debug, Clone, PartialEq)]
pub struct Client {
    /// Base URL of the API server, without a trailing slash; empty for same origin.
    pub api_server: String,
    transport: Transport,
}

/// The ways a [`Client`] reaches a cluster; pages cannot tell them apart.
#[derive(Debug, Clone, PartialEq)]
enum Transport {
    /// HTTP with `fetch`.
    Fetch(Fetch),
    /// The demo cluster in a Web Worker of this page (no server).
    InBrowser(InBrowser),
}

impl Client {
    /// A client for `config`'s server, with an optional bearer token.
    pub fn new(config: &Config, token: Option<String>) -> Self {
        let api_server = config.api_server.trim_end_matches('/').to_owned();
        Self {
            transport: Transport::Fetch(Fetch {
                api_server: api_server.clone(),
                token,
            }),
            api_server,
        }
    }

    /// The demo cluster inside this page (crates/demo in a Web Worker, started on first use),
    /// as its user `developer`. `config`'s server is where [`Self::without_token`] returns.
    pub fn in_browser(config: &Config) -> Self {
        Self {
            api_server: config.api_server.trim_end_matches('/').to_owned(),
            transport: Transport::InBrowser(InBrowser::demo_user(config.demo)),
        }
    }

    /// Whether this client talks to the in-browser demo cluster.
    pub fn is_in_browser(&self) -> bool {
        matches!(self.transport, Transport::InBrowser(_))
    }

    /// Whether requests carry a token.
    pub fn has_token(&self) -> bool {
        match &self.transport {
            Transport::Fetch(fetch) => fetch.token.is_some(),
            Transport::InBrowser(demo) => demo.token.is_some(),
        }
    }

    /// The same server without credentials (after a 401 or a log-out).
    pub fn without_token(&self) -> Self {
        match &self.transport {
            Transport::Fetch(fetch) => Self {
                api_server: self.api_server.clone(),
                transport: Transport::Fetch(Fetch {
                    api_server: fetch.api_server.clone(),
                    token: None,
                }),
            },
            // Leaving the demo: back to the configured server.
            Transport::InBrowser(_) => Self {
                api_server: self.api_server.clone(),
                transport: Transport::Fetch(Fetch {
                    api_server: self.api_server.clone(),
                    token: None,
                }),
            },
        }
    }

    /// Sends `call`; a 2xx answer's body, or the server's `Status` as the error.
    pub async fn call(&self, call: ApiCall) -> Result<String, ApiError> {
        let (status, body) = match &self.transport {
            Transport::Fetch(fetch) => fetch.send(&call).await?,
            Transport::InBrowser(demo) => demo.send(&call).await?,
        };
        if !(200..300).contains(&status) {
            return Err(ApiError::Status(Box::new(status_from_body(status, &body))));
        }
        Ok(body)
    }

    /// Sends `call` and decodes the JSON answer.
    pub async fn call_json<T: DeserializeOwned>(&self, call: ApiCall) -> Result<T, ApiError> {
        let body = self.call(call).await?;
        serde_json::from_str(&body).map_err(|err| ApiError::Decode(err.to_string()))
    }

    /// GETs `path` (see [`resource_path`]) and decodes the JSON answer.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        self.call_json(ApiCall::get(path)).await
    }

    /// Watches `path` (a list path with `watch=1` in its query): every event line goes to
    /// `listener` until the stream closes or the handle is dropped.
    pub fn watch(&self, path: &str, listener: impl FnMut(WatchMessage) + 'static) -> WatchHandle {
        match &self.transport {
            Transport::Fetch(fetch) => fetch.watch(path, listener),
            Transport::InBrowser(demo) => demo.watch(path, listener),
        }
    }

    /// In the demo cluster: the pull specs its in-memory registries hold (what Import image and
    /// Deploy image find there); `None` for a real cluster or on failure.
    pub async fn demo_catalog(&self) -> Option<Vec<String>> {
        #[derive(Deserialize)]
        struct Catalog {
            images: Vec<String>,
        }
        if !self.is_in_browser() {
            return None;
        }
        let catalog: Catalog = self.get("/demo/catalog").await.ok()?;
        Some(catalog.images)
    }

    /// Where the cluster's OAuth server is (`/.well-known/oauth-authorization-server`).
    pub async fn oauth_metadata(
        &self,
    ) -> Result<imagestream_model::discovery::OAuthServerMetadata, ApiError> {
        self.get("/.well-known/oauth-authorization-server").await
    }

    /// `oc whoami`: the user the token (or the same-origin proxy) acts as.
    pub async fn who_am_i(&self) -> Result<User, ApiError> {
        self.get("/apis/user.openshift.io/v1/users/~").await
    }

    /// `oc get projects`: the projects the user can see.
    pub async fn projects(&self) -> Result<List<Project>, ApiError> {
        self.get("/apis/project.openshift.io/v1/projects").await
    }

    /// `oc get is -n NAMESPACE`: the image streams of one project.
    pub async fn image_streams(&self, namespace: &str) -> Result<List<ImageStream>, ApiError> {
        self.get(&resource_path(
            IMAGE_V1,
            Some(namespace),
            "imagestreams",
            None,
        ))
        .await
    }

    /// `oc get is NAME -n NAMESPACE`: one image stream, for its own page.
    pub async fn image_stream(&self, namespace: &str, name: &str) -> Result<ImageStream, ApiError> {
        self.get(&resource_path(
            IMAGE_V1,
            Some(namespace),
            "imagestreams",
            Some(name),
        ))
        .await
    }
}

/// `image.openshift.io/v1`: image streams, tags and imports.
pub const IMAGE_V1: &str = "image.openshift.io/v1";
/// `apps/v1`: Deployments and ReplicaSets.
pub const APPS_V1: &str = "apps/v1";
/// The core group: Services, Pods, Namespaces.
pub const CORE_V1: &str = "v1";

/// The REST path of a resource collection or object: `/api/v1/...` for the core group,
/// `/apis/GROUP/VERSION/...` for the others, with every name percent-encoded so it stays
/// one path segment.
pub fn resource_path(
    group_version: &str,
    namespace: Option<&str>,
    resource: &str,
    name: Option<&str>,
) -> String {
    let mut path = if group_version == CORE_V1 {
        "/api/v1".to_owned()
    } else {
        format!("/apis/{group_version}")
    };
    if let Some(namespace) = namespace {
        path.push_str("/namespaces/");
        path.push_str(&encode_path_segment(namespace));
    }
    path.push('/');
    path.push_str(resource);
    if let Some(name) = name {
        path.push('/');
        path.push_str(&encode_path_segment(name));
    }
    path
}

/// Why a call to the cluster failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The server answered with a Kubernetes `Status` (or a bare HTTP error).
    Status(Box<Status>),
    /// The request never got an answer (server down, CORS refused, offline).
    Network(String),
    /// The answer was not what the API promises.
    Decode(String),
}

impl ApiError {
    /// The server rejected the credentials: the session is over.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, ApiError::Status(status) if status.code == Some(401))
    }

    /// The object does not exist (404), so a page can say which one and where.
    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Status(status) if status.code == Some(404))
    }

    /// The user may not do this (403); the message names the verb and resource.
    pub fn is_forbidden(&self) -> bool {
        matches!(self, ApiError::Status(status) if status.code == Some(403))
    }

    /// The resourceVersion is too old (410 Gone / `Expired`): list again.
    pub fn is_gone(&self) -> bool {
        matches!(self, ApiError::Status(status) if status.code == Some(410))
    }

    /// No answer at all: worth offering a retry.
    pub fn is_network(&self) -> bool {
        matches!(self, ApiError::Network(_))
    }

    /// The server's own message, when it sent a `Status` with one.
    pub fn server_message(&self) -> Option<&str> {
        match self {
            ApiError::Status(status) => status.message.as_deref(),
            _ => None,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::Status(status) => {
                // The reason and message are the server's words, shown as it sent them.
                let reason = status.reason.as_deref().unwrap_or_else(|| t("Error"));
                let message = status
                    .message
                    .as_deref()
                    .unwrap_or_else(|| t("the server gave no message"));
                write!(f, "{reason}: {message}")
            }
            ApiError::Network(detail) => f.write_str(&tf(
                "Cannot reach the API server: {detail}",
                &[("detail", detail)],
            )),
            ApiError::Decode(detail) => f.write_str(&tf(
                "Unexpected answer from the API server: {detail}",
                &[("detail", detail)],
            )),
        }
    }
}

/// Reads `config.json` next to the page (resolved against the document's base URL).
pub async fn load_config() -> Result<Config, ApiError> {
    get_json("config.json").await
}

async fn get_json<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    let response = gloo_net::http::Request::get(url)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))?;
    decode(response).await
}

async fn decode<T: DeserializeOwned>(response: gloo_net::http::Response) -> Result<T, ApiError> {
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|err| ApiError::Network(err.to_string()))?;
    if !(200..300).contains(&status) {
        return Err(ApiError::Status(Box::new(status_from_body(status, &body))));
    }
    serde_json::from_str(&body).map_err(|err| ApiError::Decode(err.to_string()))
}

/// The server's Status if the body holds one, else a Status made from the HTTP code.
pub(crate) fn status_from_body(code: u16, body: &str) -> Status {
    serde_json::from_str::<Status>(body)
        .ok()
        .filter(|status| status.kind.as_deref() == Some("Status"))
        .unwrap_or_else(|| {
            let text: String = body.chars().take(200).collect();
            Status::failure(code, "Unknown", format!("HTTP {code}: {}", text.trim()))
        })
}

/// Percent-encodes one path segment so a name can never add path components.
fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_body_keeps_the_server_reason_and_message() {
        let body = r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"imagestreams.image.openshift.io is forbidden: User \"dev\" cannot list resource","reason":"Forbidden","code":403}"#;
        let error = ApiError::Status(Box::new(status_from_body(403, body)));
        assert_eq!(
            error.to_string(),
            "Forbidden: imagestreams.image.openshift.io is forbidden: User \"dev\" cannot list resource"
        );
    }

    #[test]
    fn a_bare_http_error_still_says_what_happened() {
        let error = ApiError::Status(Box::new(status_from_body(502, "<html>Bad gateway</html>")));
        assert_eq!(
            error.to_string(),
            "Unknown: HTTP 502: <html>Bad gateway</html>"
        );
    }

    #[test]
    fn names_cannot_escape_their_path_segment() {
        assert_eq!(encode_path_segment("openshift"), "openshift");
        assert_eq!(encode_path_segment("../x?y=1"), "..%2Fx%3Fy%3D1");
    }
}
