//! The HTTP-shaped entry point: a request in, a response out. Routing by path, the verbs of
//! the Kubernetes API (get, list, watch, create, update, patch, delete, deletecollection),
//! discovery, Table output, and errors as `Status` objects with the server's reasons and words.

use crate::auth::{Auth, Caller, UserRecord};
use crate::resources::{self, Resource, Storage};
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::{ObjectKey, Store};
use imagestream_model::url::decode_component;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// A request as the server (or the in-browser transport) received it.
#[derive(Debug, Clone, Default)]
pub struct ApiRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path without the query string.
    pub path: String,
    /// The raw query string without `?`.
    pub query: String,
    /// The request body.
    pub body: Vec<u8>,
    /// `Content-Type` (selects the patch flavour).
    pub content_type: String,
    /// `Accept` (selects Table output).
    pub accept: String,
    /// `Authorization` header, if any.
    pub authorization: Option<String>,
    /// The time of the request, Unix milliseconds (the library has no clock of its own).
    pub now_millis: i64,
}

/// A response ready to be written to the wire.
#[derive(Debug, Clone)]
pub struct ApiResponse {
    /// HTTP status code.
    pub status: u16,
    /// JSON body (empty for a watch, whose events the server streams).
    pub body: Vec<u8>,
    /// The `Content-Type` of `body`: `application/json`, except for aggregated discovery
    /// (whose media type parameters tell the client which form it got) and the protobuf
    /// OpenAPI v2 document.
    pub content_type: &'static str,
    /// Set when the request opened a watch: the server streams its events.
    pub watch: Option<Box<WatchRequest>>,
    /// Set for an ImageStreamImport: the registries must be asked (outside any lock), then
    /// [`Cluster::complete_import`] answers the request.
    pub import: Option<Box<crate::images::ImportJob>>,
}

impl ApiResponse {
    pub(crate) fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            body: serde_json::to_vec(value).unwrap_or_default(),
            content_type: JSON,
            watch: None,
            import: None,
        }
    }

    /// A 200 answer of `body` in `content_type`.
    pub(crate) fn bytes(content_type: &'static str, body: Vec<u8>) -> Self {
        Self {
            status: 200,
            body,
            content_type,
            watch: None,
            import: None,
        }
    }

    /// A JSON response (for transports that build one themselves).
    pub fn json_response(status: u16, value: &Value) -> Self {
        Self::json(status, value)
    }

    /// The response body as JSON (for tests and the in-browser transport).
    pub fn json_body(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// The media type of JSON bodies.
pub const JSON: &str = "application/json";

/// How many encoded watch events are kept for other watchers to reuse.
const ENCODED_EVENT_CACHE: usize = 4096;

type EncodedEventKey = (u64, &'static str, Option<String>);

/// A watch the server streams: which objects, from which version, in which form.
#[derive(Debug, Clone)]
pub struct WatchRequest {
    resource: &'static Resource,
    namespace: Option<String>,
    labels: LabelSelector,
    fields: FieldSelector,
    /// Version after which events are sent.
    pub since: u64,
    /// Whether the client asked for BOOKMARK events.
    pub bookmarks: bool,
    /// When the server should end the stream, in seconds (at most
    /// [`MAX_WATCH_TIMEOUT_SECONDS`], so adding it to a clock cannot overflow).
    pub timeout_seconds: Option<u64>,
    /// A negative `timeoutSeconds`: kube-apiserver's watch context has expired before it
    /// starts, so the stream ends at once.
    pub ends_at_once: bool,
    table: Option<String>,
    /// Events to send first (synthetic ADDED for a watch without resourceVersion).
    pub initial: Vec<Value>,
}

/// The longest watch timeout kept (about 136 years); longer ones are cut to it. kube-apiserver
/// multiplies the seconds into a Go `time.Duration`, which silently wraps past 292 years.
pub const MAX_WATCH_TIMEOUT_SECONDS: u64 = 1 << 32;

impl WatchRequest {
    /// A BOOKMARK event at `version`.
    pub fn bookmark(&self, version: u64) -> Value {
        json!({"type": "BOOKMARK", "object": {
            "kind": self.resource.kind,
            "apiVersion": self.resource.group_version(),
            "metadata": {"resourceVersion": version.to_string()}
        }})
    }
}

/// A Kubernetes `Status` failure.
pub fn status(
    code: u16,
    reason: &str,
    message: impl Into<String>,
    details: Option<Value>,
) -> Value {
    let mut status = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message.into(),
        "reason": reason,
        "code": code,
    });
    if let Some(details) = details {
        status["details"] = details;
    }
    status
}

/// The Status of a plain Go error, which kube-apiserver reports as a 500 without a reason
/// (`ErrorToAPIStatus`): what it answers when a lower layer fails with an error that is no
/// Status (the storage layer's "resourceVersion should not be set", etcd's future revision,
/// a body cut short).
pub fn internal_error_status(message: impl Into<String>) -> Value {
    let mut body = status(500, "", message, None);
    if let Some(map) = body.as_object_mut() {
        map.remove("reason");
    }
    body
}

pub(crate) fn internal_error(message: impl Into<String>) -> ApiResponse {
    ApiResponse::json(500, &internal_error_status(message))
}

pub(crate) fn failure(
    code: u16,
    reason: &str,
    message: impl Into<String>,
    details: Option<Value>,
) -> ApiResponse {
    ApiResponse::json(code, &status(code, reason, message, details))
}

/// The `Status` Success that a DELETE answers for resources that do not return the deleted
/// object (the generic registry's answer): `details` name the object, its group and resource.
pub(crate) fn deleted(name: &str, group: &str, resource: &str) -> ApiResponse {
    ApiResponse::json(
        200,
        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": {"name": name, "group": group, "kind": resource}}),
    )
}

/// 405 for a verb the resource does not take, in kube-apiserver's words.
pub(crate) fn method_not_allowed() -> ApiResponse {
    failure(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource",
        Some(json!({})),
    )
}

pub(crate) fn not_found(resource: &Resource, name: &str) -> ApiResponse {
    failure(
        404,
        "NotFound",
        format!("{} {name:?} not found", resource.qualified()),
        Some(json!({"name": name, "group": resource.group, "kind": resource.plural})),
    )
}

pub(crate) fn bad_request(message: impl Into<String>) -> ApiResponse {
    failure(400, "BadRequest", message, None)
}

/// Settings of a cluster that do not change while it runs.
#[derive(Debug, Clone)]
pub struct ClusterSettings {
    /// Host (and port) of the integrated registry, written into `status.dockerImageRepository`.
    pub internal_registry: String,
    /// How many changes watches may fall behind before they get 410 Expired.
    pub watch_window: usize,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        Self {
            internal_registry: crate::seed::INTERNAL_REGISTRY.into(),
            watch_window: crate::store::DEFAULT_LOG_CAPACITY,
        }
    }
}

/// The whole state of a development cluster and the API over it.
#[derive(Debug)]
pub struct Cluster {
    pub(crate) store: Store,
    /// Users, tokens and roles.
    pub auth: Auth,
    pub(crate) settings: ClusterSettings,
    next_cluster_ip: u32,
    next_uid: u64,
    /// OAuth codes waiting to be exchanged for tokens.
    pub(crate) oauth_codes: BTreeMap<String, crate::oauth::PendingCode>,
    /// Watch events already encoded, by (resourceVersion, event type, Table form).
    encoded_events: std::sync::Mutex<BTreeMap<EncodedEventKey, Arc<[u8]>>>,
    /// Image streams whose spec changed: the import controller looks at their tags.
    pub(crate) import_queue: std::collections::BTreeSet<(String, String)>,
}

impl Default for Cluster {
    fn default() -> Self {
        Self::new(ClusterSettings::default())
    }
}

/// Query parameters of a request.
#[derive(Debug, Default)]
pub(crate) struct QueryParams {
    params: BTreeMap<String, String>,
}

impl QueryParams {
    fn parse(text: &str) -> Self {
        let params = text
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode_component(key), decode_component(value))
            })
            .collect();
        Self { params }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.params.get(key).map(String::as_str)
    }

    /// Booleans are read leniently, as clients send `1`, `true` and `True`.
    fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("1" | "true" | "True" | "TRUE"))
    }
}

/// What a path addresses.
#[derive(Debug)]
pub(crate) struct Target {
    pub(crate) resource: &'static Resource,
    pub(crate) namespace: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) subresource: Option<String>,
}

/// What the path segments after `/api/v1` or `/apis/{group}/{version}` address: a resource
/// served, maybe in a namespace, maybe one object and one of its subresources; `None` for a
/// path the router answers 404 (also read by the native server's media-type edge, so that
/// both agree on what is served).
pub(crate) fn resource_target(group: &str, version: &str, rest: &[&str]) -> Option<Target> {
    let namespaced =
        |plural: &str| resources::find(group, version, plural).filter(|r| r.namespaced);
    let (namespace, rest) = match rest {
        ["namespaces", ns, plural, tail @ ..] if namespaced(plural).is_some() => {
            (Some(ns.to_string()), [&[*plural], tail].concat())
        }
        _ => (None, rest.to_vec()),
    };
    let (plural, tail) = rest.split_first()?;
    let resource = resources::find(group, version, plural)?;
    let (name, subresource) = match tail {
        [] => (None, None),
        [name] => (Some(name.to_string()), None),
        [name, sub] if resource.subresources.contains(sub) => {
            (Some(name.to_string()), Some(sub.to_string()))
        }
        _ => return None,
    };
    if namespace.is_some() != resource.namespaced && name.is_some() {
        return None;
    }
    Some(Target {
        resource,
        namespace,
        name,
        subresource,
    })
}

enum Route {
    Discovery(Value),
    /// A document already encoded (aggregated discovery, the OpenAPI v2 document).
    Document(ApiResponse),
    Resource(Target),
    NotFound,
}

impl Cluster {
    /// An empty cluster.
    pub fn new(settings: ClusterSettings) -> Self {
        Self {
            store: crate::images::with_controller_indexes(Store::with_log_capacity(
                settings.watch_window,
            )),
            auth: Auth::default(),
            settings,
            next_cluster_ip: 10,
            next_uid: 0,
            encoded_events: Default::default(),
            oauth_codes: BTreeMap::new(),
            import_queue: Default::default(),
        }
    }

    /// The current cluster-wide resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.store.resource_version()
    }

    /// Host of the integrated registry.
    pub fn internal_registry(&self) -> &str {
        &self.settings.internal_registry
    }

    /// Answers one API request.
    pub fn handle(&mut self, request: &ApiRequest) -> ApiResponse {
        // Expired OAuth tokens go before the caller is looked up (they are refused either way).
        self.auth.prune_expired(request.now_millis);
        let caller = match self
            .auth
            .authenticate(request.authorization.as_deref(), request.now_millis)
        {
            Ok(caller) => caller,
            Err(()) => return failure(401, "Unauthorized", "Unauthorized", None),
        };
        let query = QueryParams::parse(&request.query);
        let response = self.route_and_dispatch(request, &query, &caller);
        if request.method != "GET" && response.status < 300 {
            self.reconcile(request.now_millis);
        }
        response
    }

    fn route_and_dispatch(
        &mut self,
        request: &ApiRequest,
        query: &QueryParams,
        caller: &Caller,
    ) -> ApiResponse {
        match self.route(&request.path, &request.accept) {
            Route::Discovery(document) if request.method == "GET" => {
                ApiResponse::json(200, &document)
            }
            Route::Document(document) if request.method == "GET" => document,
            Route::Discovery(_) | Route::Document(_) => failure(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                None,
            ),
            Route::NotFound => failure(
                404,
                "NotFound",
                "the server could not find the requested resource",
                Some(json!({})),
            ),
            Route::Resource(target) => self.dispatch(request, query, caller, target),
        }
    }

    fn route(&self, path: &str, accept: &str) -> Route {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_component)
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let (group, version, rest) = match segments.as_slice() {
            [] | ["index.html"] => return Route::Discovery(discovery::root_paths()),
            ["version"] => return Route::Discovery(discovery::version_info()),
            ["openapi", "v2"] => {
                let (content_type, body) = crate::openapi::v2_document(accept);
                return Route::Document(ApiResponse::bytes(content_type, body));
            }
            ["openapi", "v3"] => {
                return Route::Document(ApiResponse::bytes(JSON, crate::openapi::index()))
            }
            ["openapi", "v3", rest @ ..] => {
                return match crate::openapi::group_version(&rest.join("/")) {
                    Some(document) => Route::Document(ApiResponse::bytes(JSON, document)),
                    None => Route::NotFound,
                }
            }
            ["api" | "apis"] if discovery::wants_aggregated(accept) => {
                let document = discovery::aggregated(segments == ["api"]);
                return Route::Document(ApiResponse::bytes(
                    discovery::AGGREGATED_V2,
                    serde_json::to_vec(&document).unwrap_or_default(),
                ));
            }
            ["api"] => {
                return Route::Discovery(
                    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
                )
            }
            ["apis"] => return Route::Discovery(discovery::group_list()),
            ["apis", group] => {
                return match resources::groups().into_iter().find(|g| g == group) {
                    Some(group) => Route::Discovery(discovery::api_group(group)),
                    None => Route::NotFound,
                }
            }
            ["api", "v1"] => return Route::Discovery(discovery::resource_list("", "v1")),
            ["apis", group, version] if resources::groups().contains(group) && *version == "v1" => {
                return Route::Discovery(discovery::resource_list(group, version))
            }
            ["api", "v1", rest @ ..] => ("", "v1", rest),
            ["apis", group, version, rest @ ..] => (*group, *version, rest),
            _ => return Route::NotFound,
        };
        match resource_target(group, version, rest) {
            Some(target) => Route::Resource(target),
            None => Route::NotFound,
        }
    }

    fn dispatch(
        &mut self,
        request: &ApiRequest,
        query: &QueryParams,
        caller: &Caller,
        target: Target,
    ) -> ApiResponse {
        let verb = match (request.method.as_str(), target.name.is_some()) {
            ("GET", true) => "get",
            ("GET", false) if query.flag("watch") => "watch",
            ("GET", false) => "list",
            ("POST", false) => "create",
            ("PUT", true) => "update",
            ("PATCH", true) => "patch",
            ("DELETE", true) => "delete",
            ("DELETE", false) => "deletecollection",
            _ => return method_not_allowed(),
        };
        let resource = target.resource;
        if !resource.allows(verb) {
            return method_not_allowed();
        }
        if let Err(denied) = self.authorize(caller, verb, &target) {
            return denied;
        }
        match (resource.storage, resource.plural) {
            (Storage::Stored, _) if target.subresource.as_deref() == Some("scale") => {
                self.scale(verb, &target, request, query)
            }
            (Storage::Virtual, _) => self.computed(verb, caller, &target, request, query),
            (Storage::Stored, _) => match verb {
                "get" => self.get(&target, request, query),
                "list" => self.list(&target, request, query),
                "watch" => self.watch(&target, request, query),
                "create" => self.create(&target, request, query),
                "update" => self.update(&target, request, query, None),
                "patch" => self.patch(&target, request, query),
                "delete" => self.delete(&target, request, query),
                _ => self.delete_collection(&target, request, query),
            },
        }
    }

    fn authorize(&self, caller: &Caller, verb: &str, target: &Target) -> Result<(), ApiResponse> {
        let resource = target.resource;
        if self.auth.is_cluster_admin(caller) {
            return Ok(());
        }
        // A personal OpenShift SubjectAccessReview (no user, no groups) is authorized as a
        // SelfSubjectAccessReview, which everyone may create (openshift-kube-apiserver's
        // personal-SAR request-info resolver); the review's handler checks the others.
        let personal_review = resource.group == "authorization.openshift.io"
            && matches!(
                resource.plural,
                "subjectaccessreviews" | "localsubjectaccessreviews"
            )
            && verb == "create";
        let allowed = personal_review || self.role_allows(caller, verb, target).is_some();
        if allowed {
            return Ok(());
        }
        let subject = match &target.name {
            Some(name) => format!("{} {name:?}", resource.qualified()),
            None => resource.qualified(),
        };
        let scope = match target.namespace.as_deref().or(
            if resource.plural == "projects" || resource.plural == "namespaces" {
                target.name.as_deref()
            } else {
                None
            },
        ) {
            Some(namespace) => format!("in the namespace {namespace:?}"),
            None => "at the cluster scope".to_owned(),
        };
        let asked = match &target.subresource {
            Some(sub) => format!("{}/{sub}", resource.plural),
            None => resource.plural.to_owned(),
        };
        let message = format!(
            "{subject} is forbidden: User {:?} cannot {verb} resource {asked:?} in API group {:?} {scope}",
            caller.name, resource.group
        );
        let mut details = json!({"group": resource.group, "kind": resource.plural});
        if let Some(name) = &target.name {
            details["name"] = json!(name);
        }
        Err(failure(403, "Forbidden", message, Some(details)))
    }

    fn key(&self, target: &Target, name: &str) -> ObjectKey {
        ObjectKey {
            resource: target.resource.id(),
            namespace: target.namespace.clone().unwrap_or_default(),
            name: name.to_owned(),
        }
    }

    /// What a reader sees of a stored object (image streams get their registry location).
    pub(crate) fn present(&self, resource: &Resource, object: &Value) -> Value {
        let mut object = object.clone();
        if resource.kind == "ResourceQuota" {
            self.quota_status(&mut object);
        }
        if resource.kind == "ImageStream" {
            let namespace = object
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let name = object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let status = object
                .as_object_mut()
                .map(|o| o.entry("status").or_insert(json!({})));
            if let Some(status) = status.and_then(Value::as_object_mut) {
                status.insert(
                    "dockerImageRepository".into(),
                    json!(format!(
                        "{}/{namespace}/{name}",
                        self.settings.internal_registry
                    )),
                );
            }
        }
        object
    }

    pub(crate) fn wants_table(request: &ApiRequest) -> bool {
        request
            .accept
            .split(',')
            .next()
            .is_some_and(|first| first.contains("as=Table"))
    }

    /// Adds a user with a token (seeding and the server's user list).
    pub fn add_user(&mut self, name: &str, token: &str, record: UserRecord) {
        self.auth.add_user(name, record);
        self.auth.add_token(token, name);
    }
}

pub(crate) use discovery::subresource_kind;
#[cfg(test)]
pub(crate) use scale::as_admin;
pub(crate) use scale::selector_string;
pub(crate) use write::{invalid, stamp_tag_generations};

mod computed;
mod discovery;
mod read;
mod reviews;
mod scale;
mod write;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod hostile_tests;
