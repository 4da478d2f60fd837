//! The HTTP-shaped entry point: a request in, a response out. Routing by path, the verbs of
//! the Kubernetes API (get, list, watch, create, update, patch, delete, deletecollection),
//! discovery, Table output, and errors as `Status` objects with the server's reasons and words.

use crate::auth::{Access, Auth, Caller, UserRecord};
use crate::kinds;
use crate::resources::{self, Resource, Storage, RESOURCES};
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::{ChangeType, ObjectKey, Store};
use crate::table;
use imagestream_model::time::format_rfc3339;
use imagestream_model::url::decode_component;
use serde_json::{json, Map, Value};
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
    /// When the server should end the stream, in seconds.
    pub timeout_seconds: Option<u64>,
    table: Option<String>,
    /// Events to send first (synthetic ADDED for a watch without resourceVersion).
    pub initial: Vec<Value>,
}

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

pub(crate) fn failure(
    code: u16,
    reason: &str,
    message: impl Into<String>,
    details: Option<Value>,
) -> ApiResponse {
    ApiResponse::json(code, &status(code, reason, message, details))
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

    fn get(&self, key: &str) -> Option<&str> {
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

enum Route {
    Discovery(Value),
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
        let caller = match self.auth.authenticate(request.authorization.as_deref()) {
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
        match self.route(&request.path) {
            Route::Discovery(document) if request.method == "GET" => {
                ApiResponse::json(200, &document)
            }
            Route::Discovery(_) => failure(
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

    fn route(&self, path: &str) -> Route {
        let segments: Vec<String> = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(decode_component)
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let (group, version, rest) = match segments.as_slice() {
            ["version"] => return Route::Discovery(version_info()),
            ["openapi", "v3"] => return Route::Discovery(crate::openapi::index()),
            ["openapi", "v3", rest @ ..] => {
                return match crate::openapi::group_version_document(&rest.join("/")) {
                    Some(document) => Route::Discovery(document),
                    None => Route::NotFound,
                }
            }
            ["api"] => {
                return Route::Discovery(
                    json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}),
                )
            }
            ["apis"] => return Route::Discovery(group_list()),
            ["apis", group] => {
                return match resources::groups().into_iter().find(|g| g == group) {
                    Some(group) => Route::Discovery(api_group(group)),
                    None => Route::NotFound,
                }
            }
            ["api", "v1"] => return Route::Discovery(resource_list("", "v1")),
            ["apis", group, version] if resources::groups().contains(group) && *version == "v1" => {
                return Route::Discovery(resource_list(group, version))
            }
            ["api", "v1", rest @ ..] => ("", "v1", rest),
            ["apis", group, version, rest @ ..] => (*group, *version, rest),
            _ => return Route::NotFound,
        };
        let namespaced =
            |plural: &str| resources::find(group, version, plural).filter(|r| r.namespaced);
        let (namespace, rest) = match rest {
            ["namespaces", ns, plural, tail @ ..] if namespaced(plural).is_some() => {
                (Some(ns.to_string()), [&[*plural], tail].concat())
            }
            _ => (None, rest.to_vec()),
        };
        let Some((plural, tail)) = rest.split_first() else {
            return Route::NotFound;
        };
        let Some(resource) = resources::find(group, version, plural) else {
            return Route::NotFound;
        };
        let (name, subresource) = match tail {
            [] => (None, None),
            [name] => (Some(name.to_string()), None),
            [name, sub] if resource.subresources.contains(sub) => {
                (Some(name.to_string()), Some(sub.to_string()))
            }
            _ => return Route::NotFound,
        };
        if namespace.is_some() != resource.namespaced && name.is_some() {
            return Route::NotFound;
        }
        Route::Resource(Target {
            resource,
            namespace,
            name,
            subresource,
        })
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
            _ => {
                return failure(
                    405,
                    "MethodNotAllowed",
                    "the server does not allow this method on the requested resource",
                    Some(json!({})),
                )
            }
        };
        let resource = target.resource;
        if !resource.allows(verb) {
            return failure(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                Some(json!({})),
            );
        }
        if let Err(denied) = self.authorize(caller, verb, &target) {
            return denied;
        }
        match (resource.storage, resource.plural) {
            (Storage::Virtual, "users") => self.get_user(
                caller,
                target.name.as_deref().unwrap_or_default(),
                request.now_millis,
            ),
            (Storage::Virtual, "selfsubjectaccessreviews") => self.access_review(caller, request),
            (Storage::Virtual, "projects") => self.projects(verb, caller, &target, request, query),
            (Storage::Virtual, "projectrequests") => self.request_project(caller, request),
            (Storage::Virtual, "imagestreamimports") => self.import_request(&target, request),
            (Storage::Virtual, "imagestreamtags") => {
                self.image_stream_tags(verb, &target, request, query)
            }
            (Storage::Virtual, "imagestreamimages") => self.image_stream_image(&target),
            (Storage::Virtual, _) => failure(
                405,
                "MethodNotAllowed",
                format!(
                    "{} are not served by this development cluster yet",
                    resource.plural
                ),
                Some(json!({})),
            ),
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
        let allowed = match resource.plural {
            "selfsubjectaccessreviews" | "projectrequests" => true,
            "users" => target.name.as_deref() == Some("~"),
            "projects" => match (verb, target.name.as_deref()) {
                ("list" | "watch", _) => true,
                (verb, Some(name)) => self
                    .auth
                    .access(caller, name)
                    .is_some_and(|a| verb == "get" || a == Access::Admin),
                _ => false,
            },
            "namespaces" => match (verb, target.name.as_deref()) {
                ("get", Some(name)) => self.auth.access(caller, name).is_some(),
                ("delete", Some(name)) => self.auth.access(caller, name) == Some(Access::Admin),
                _ => false,
            },
            _ => match &target.namespace {
                Some(namespace) => self.auth.allows(caller, verb, namespace),
                None => false,
            },
        };
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
        let message = format!(
            "{subject} is forbidden: User {:?} cannot {verb} resource {:?} in API group {:?} {scope}",
            caller.name, resource.plural, resource.group
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

    fn wants_table(request: &ApiRequest) -> bool {
        request
            .accept
            .split(',')
            .next()
            .is_some_and(|first| first.contains("as=Table"))
    }

    fn get(&self, target: &Target, request: &ApiRequest, query: &QueryParams) -> ApiResponse {
        let name = target.name.as_deref().unwrap_or_default();
        let Some(object) = self.store.get(&self.key(target, name)) else {
            return not_found(target.resource, name);
        };
        let object = self.present(target.resource, object);
        if Self::wants_table(request) {
            let include = query.get("includeObject").unwrap_or("Metadata");
            return ApiResponse::json(
                200,
                &table::table(
                    target.resource.kind,
                    &[&object],
                    request.now_millis,
                    include,
                    json!({"resourceVersion": object.pointer("/metadata/resourceVersion")}),
                ),
            );
        }
        ApiResponse::json(200, &object)
    }

    fn selectors(
        resource: &Resource,
        query: &QueryParams,
    ) -> Result<(LabelSelector, FieldSelector), ApiResponse> {
        let labels = LabelSelector::parse(query.get("labelSelector").unwrap_or_default())
            .map_err(bad_request)?;
        let mut supported = vec!["metadata.name", "metadata.namespace"];
        supported.extend_from_slice(resource.extra_field_selectors);
        let fields =
            FieldSelector::parse(query.get("fieldSelector").unwrap_or_default(), &supported)
                .map_err(bad_request)?;
        Ok((labels, fields))
    }

    fn list(&self, target: &Target, request: &ApiRequest, query: &QueryParams) -> ApiResponse {
        let resource = target.resource;
        let (labels, fields) = match Self::selectors(resource, query) {
            Ok(selectors) => selectors,
            Err(response) => return response,
        };
        let limit = query
            .get("limit")
            .and_then(|l| l.parse::<usize>().ok())
            .filter(|l| *l > 0);
        let (list_version, after) = match query.get("continue").filter(|c| !c.is_empty()) {
            None => (self.store.resource_version(), None),
            Some(token) => match decode_continue(token) {
                Some((version, _)) if version < self.store.oldest_watchable() => {
                    return failure(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.", Some(json!({})));
                }
                Some((version, after)) => (version, Some(after)),
                None => return bad_request("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"),
            },
        };
        // A page starts right after the continue token's position (one search, not a walk
        // over the objects before it), in the store's order: namespace, then name.
        let namespace = target.namespace.as_deref();
        let mut objects: Box<dyn Iterator<Item = (&ObjectKey, &Arc<Value>)>> = match &after {
            Some(after) => {
                let (after_namespace, after_name) = after.split_once('/').unwrap_or(("", after));
                Box::new(self.store.list_after(
                    resource.id(),
                    namespace,
                    (after_namespace, after_name),
                ))
            }
            None => Box::new(self.store.list(resource.id(), namespace)),
        };
        let selecting = !labels.is_empty() || fields != FieldSelector::default();
        let mut items: Vec<Value> = Vec::new();
        let mut last: Option<&ObjectKey> = None;
        let mut next = None;
        let mut remaining = 0_i64;
        while let Some((key, object)) = objects.next() {
            if !selected(object, &labels, &fields) {
                continue;
            }
            if limit.is_some_and(|limit| items.len() >= limit) {
                if next.is_none() {
                    next = last.map(|key| {
                        encode_continue(list_version, &format!("{}/{}", key.namespace, key.name))
                    });
                }
                if !selecting {
                    // Without a selector every later object counts: a first page knows how
                    // many from the store's count, a later one counts the rest without
                    // looking at them.
                    remaining = match after {
                        None => self
                            .store
                            .count(resource.id(), namespace)
                            .saturating_sub(items.len()),
                        Some(_) => 1 + objects.count(),
                    } as i64;
                    break;
                }
                remaining += 1;
                continue;
            }
            items.push(self.present(resource, object));
            last = Some(key);
        }
        let mut meta = json!({"resourceVersion": list_version.to_string()});
        if let Some(token) = next {
            meta["continue"] = json!(token);
            meta["remainingItemCount"] = json!(remaining);
        }
        if Self::wants_table(request) {
            let include = query.get("includeObject").unwrap_or("Metadata");
            let refs: Vec<&Value> = items.iter().collect();
            return ApiResponse::json(
                200,
                &table::table(resource.kind, &refs, request.now_millis, include, meta),
            );
        }
        // Built as a map: `json!` would serialize `items` into a copy of itself first.
        let mut list = Map::new();
        list.insert("kind".into(), json!(format!("{}List", resource.kind)));
        list.insert("apiVersion".into(), json!(resource.group_version()));
        list.insert("metadata".into(), meta);
        list.insert("items".into(), Value::Array(items));
        ApiResponse::json(200, &Value::Object(list))
    }

    fn watch(&self, target: &Target, request: &ApiRequest, query: &QueryParams) -> ApiResponse {
        let resource = target.resource;
        let (labels, fields) = match Self::selectors(resource, query) {
            Ok(selectors) => selectors,
            Err(response) => return response,
        };
        let table = Self::wants_table(request)
            .then(|| query.get("includeObject").unwrap_or("Metadata").to_owned());
        let mut watch = WatchRequest {
            resource,
            namespace: target.namespace.clone(),
            labels,
            fields,
            since: 0,
            bookmarks: query.flag("allowWatchBookmarks"),
            timeout_seconds: query.get("timeoutSeconds").and_then(|t| t.parse().ok()),
            table,
            initial: Vec::new(),
        };
        match query.get("resourceVersion").unwrap_or_default() {
            "" | "0" => {
                watch.since = self.store.resource_version();
                watch.initial = self
                    .store
                    .list(resource.id(), target.namespace.as_deref())
                    .filter(|(_, object)| selected(object, &watch.labels, &watch.fields))
                    .map(|(_, object)| self.event(&watch, "ADDED", object, request.now_millis))
                    .collect();
            }
            text => match text.parse::<u64>() {
                Ok(version) => watch.since = version,
                Err(_) => return bad_request(format!("invalid resource version: {text}")),
            },
        }
        ApiResponse {
            status: 200,
            body: Vec::new(),
            watch: Some(Box::new(watch)),
            import: None,
        }
    }

    fn event(
        &self,
        watch: &WatchRequest,
        event_type: &str,
        object: &Value,
        now_millis: i64,
    ) -> Value {
        let object = self.present(watch.resource, object);
        let object = match &watch.table {
            Some(include) => table::table(
                watch.resource.kind,
                &[&object],
                now_millis,
                include,
                json!({"resourceVersion": object.pointer("/metadata/resourceVersion")}),
            ),
            None => object,
        };
        json!({"type": event_type, "object": object})
    }

    /// The events of a watch after `since`, and the version they bring it to. A version that
    /// has been compacted away gives the 410 ERROR event the API server sends.
    pub fn watch_events(
        &self,
        watch: &WatchRequest,
        since: u64,
        now_millis: i64,
    ) -> (Vec<Value>, u64, bool) {
        self.replay(
            watch,
            since,
            |event_type, object, _| self.event(watch, event_type, object, now_millis),
            |expired| expired,
        )
    }

    /// The same events as [`Self::watch_events`], as newline-terminated JSON lines ready for
    /// the wire. Each change is encoded once and shared by every watcher that sees it the same
    /// way, so a hundred watchers cost one encoding, not a hundred.
    pub fn watch_lines(
        &self,
        watch: &WatchRequest,
        since: u64,
        now_millis: i64,
    ) -> (Vec<Arc<[u8]>>, u64, bool) {
        let line = |event: &Value| -> Arc<[u8]> {
            let mut bytes = serde_json::to_vec(event).unwrap_or_default();
            bytes.push(b'\n');
            bytes.into()
        };
        let (lines, last, expired) = self.replay(
            watch,
            since,
            |event_type, object, version| {
                let key = (version, event_type, watch.table.clone());
                let cached = self
                    .encoded_events
                    .lock()
                    .ok()
                    .and_then(|cache| cache.get(&key).cloned());
                cached.unwrap_or_else(|| {
                    let encoded = line(&self.event(watch, event_type, object, now_millis));
                    if let Ok(mut cache) = self.encoded_events.lock() {
                        cache.insert(key, encoded.clone());
                        while cache.len() > ENCODED_EVENT_CACHE {
                            cache.pop_first();
                        }
                    }
                    encoded
                })
            },
            |expired| line(&expired),
        );
        (lines, last, expired)
    }

    /// Replays the changes after `since` that a watch sees, with the event type it sees them
    /// as (leaving a selector reads as DELETED, entering it as ADDED).
    fn replay<T>(
        &self,
        watch: &WatchRequest,
        since: u64,
        mut make: impl FnMut(&'static str, &Value, u64) -> T,
        expired: impl FnOnce(Value) -> T,
    ) -> (Vec<T>, u64, bool) {
        let changes = match self.store.changes_since(since) {
            Ok(changes) => changes,
            Err(oldest) => {
                let status = status(
                    410,
                    "Expired",
                    format!("too old resource version: {since} ({oldest})"),
                    None,
                );
                return (
                    vec![expired(json!({"type": "ERROR", "object": status}))],
                    since,
                    true,
                );
            }
        };
        let mut events = Vec::new();
        let mut last = since;
        for change in changes {
            last = change.resource_version;
            if change.key.resource != watch.resource.id()
                || watch
                    .namespace
                    .as_ref()
                    .is_some_and(|ns| *ns != change.key.namespace)
            {
                continue;
            }
            let now_selected = selected(&change.object, &watch.labels, &watch.fields);
            let was_selected = change
                .previous
                .as_ref()
                .is_some_and(|p| selected(p, &watch.labels, &watch.fields));
            let event_type = match (change.change, was_selected, now_selected) {
                (ChangeType::Deleted, _, true) => "DELETED",
                (ChangeType::Added, _, true) => "ADDED",
                (ChangeType::Modified, true, true) => "MODIFIED",
                (ChangeType::Modified, false, true) => "ADDED",
                (ChangeType::Modified, true, false) => "DELETED",
                _ => continue,
            };
            events.push(make(event_type, &change.object, change.resource_version));
        }
        (events, last.max(self.store.resource_version()), false)
    }

    pub(crate) fn body(request: &ApiRequest) -> Result<Value, ApiResponse> {
        let value: Value = serde_json::from_slice(&request.body).map_err(|err| {
            bad_request(format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({err})"))
        })?;
        if !value.is_object() {
            return Err(bad_request("the body of the request must be a JSON object"));
        }
        Ok(value)
    }

    fn new_uid(&mut self, seed: &str) -> String {
        use sha2::{Digest, Sha256};
        self.next_uid += 1;
        let hash = Sha256::digest(format!(
            "{seed}/{}/{}",
            self.next_uid,
            self.store.resource_version()
        ));
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

    fn namespace_exists(&self, namespace: &str) -> bool {
        self.store
            .get(&ObjectKey {
                resource: "namespaces",
                namespace: String::new(),
                name: namespace.to_owned(),
            })
            .is_some()
    }

    /// Creates an object in the store through the same checks as a POST (used by seeds and
    /// controllers too).
    pub fn create_object(
        &mut self,
        resource: &'static Resource,
        namespace: Option<&str>,
        mut object: Value,
        now_millis: i64,
        dry_run: bool,
    ) -> Result<Arc<Value>, ApiResponse> {
        let expected_kind = resource.kind;
        match object.get("kind").and_then(Value::as_str) {
            None | Some("") => object["kind"] = json!(expected_kind),
            Some(kind) if kind == expected_kind => {}
            Some(kind) => return Err(bad_request(format!("the kind {kind:?} of the object does not match the resource {:?} ({expected_kind})", resource.plural))),
        }
        object["apiVersion"] = json!(resource.group_version());
        if !object.get("metadata").is_some_and(Value::is_object) {
            object["metadata"] = json!({});
        }
        let meta_namespace = object
            .pointer("/metadata/namespace")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let (Some(url_ns), Some(body_ns)) = (namespace, meta_namespace.as_deref()) {
            if url_ns != body_ns {
                return Err(bad_request("the namespace of the provided object does not match the namespace sent on the request"));
            }
        }
        if let Some(namespace) = namespace {
            object["metadata"]["namespace"] = json!(namespace);
            if !self.namespace_exists(namespace) {
                return Err(failure(
                    404,
                    "NotFound",
                    format!("namespaces {namespace:?} not found"),
                    Some(json!({"name": namespace, "kind": "namespaces"})),
                ));
            }
        } else if let Some(meta) = object["metadata"].as_object_mut() {
            meta.remove("namespace");
        }
        let mut name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if name.is_empty() {
            if let Some(prefix) = object
                .pointer("/metadata/generateName")
                .and_then(Value::as_str)
                .filter(|p| !p.is_empty())
            {
                let suffix: String = self
                    .new_uid(prefix)
                    .chars()
                    .filter(char::is_ascii_alphanumeric)
                    .take(5)
                    .collect();
                name = format!("{prefix}{suffix}");
                object["metadata"]["name"] = json!(name);
            } else {
                let error = imagestream_model::validation::FieldError::required(
                    "metadata.name",
                    "name or generateName is required",
                );
                return Err(invalid(resource, "", &[error]));
            }
        }
        let errors = kinds::validate(resource, namespace.unwrap_or_default(), &object);
        if !errors.is_empty() {
            return Err(invalid(resource, &name, &errors));
        }
        let key = ObjectKey {
            resource: resource.id(),
            namespace: namespace.unwrap_or_default().to_owned(),
            name: name.clone(),
        };
        if self.store.get(&key).is_some() {
            return Err(failure(
                409,
                "AlreadyExists",
                format!("{} {name:?} already exists", resource.qualified()),
                Some(json!({"name": name, "group": resource.group, "kind": resource.plural})),
            ));
        }
        let mut next_ip = self.next_cluster_ip;
        kinds::apply_defaults(resource, &mut object, || {
            next_ip += 1;
            format!("172.30.{}.{}", next_ip / 250, next_ip % 250 + 1)
        });
        self.next_cluster_ip = next_ip;
        let uid = self.new_uid(&name);
        if let Some(meta) = object["metadata"].as_object_mut() {
            meta.insert("uid".into(), json!(uid));
            meta.insert(
                "creationTimestamp".into(),
                json!(format_rfc3339(now_millis)),
            );
            meta.remove("resourceVersion");
            meta.remove("generateName");
            if resource.tracks_generation() {
                meta.insert("generation".into(), json!(1));
            } else {
                meta.remove("generation");
            }
        }
        if resource.kind == "ImageStream" {
            stamp_tag_generations(&mut object, 1, None);
            // The server owns an image stream's status; imports fill it.
            object["status"] = json!({"dockerImageRepository": ""});
        }
        if dry_run {
            let mut preview = object;
            preview["metadata"]["resourceVersion"] = json!("");
            return Ok(Arc::new(preview));
        }
        Ok(self.store.put(key, object))
    }

    /// Bodies must be JSON (the API server also takes YAML and protobuf; devcluster does not).
    fn check_content_type(request: &ApiRequest) -> Result<(), ApiResponse> {
        let media_type = request
            .content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        if media_type.is_empty() || media_type == "application/json" || media_type == "*/*" {
            return Ok(());
        }
        Err(failure(
            415,
            "UnsupportedMediaType",
            format!("the body of the request was in an unknown format - accepted media types include: application/json (got {media_type:?})"),
            None,
        ))
    }

    /// `fieldValidation=Strict`: fields the kind does not declare are an error, as from a
    /// strict decoder.
    fn check_strict(
        resource: &Resource,
        query: &QueryParams,
        object: &Value,
    ) -> Result<(), ApiResponse> {
        if query.get("fieldValidation") != Some("Strict") {
            return Ok(());
        }
        let unknown = kinds::unknown_fields(resource.kind, object);
        if unknown.is_empty() {
            return Ok(());
        }
        let listed: Vec<String> = unknown
            .iter()
            .map(|field| format!("unknown field {field:?}"))
            .collect();
        Err(bad_request(format!(
            "strict decoding error: {}",
            listed.join(", ")
        )))
    }

    fn create(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        if let Err(response) = Self::check_content_type(request) {
            return response;
        }
        let object = match Self::body(request) {
            Ok(object) => object,
            Err(response) => return response,
        };
        if let Err(response) = Self::check_strict(target.resource, query, &object) {
            return response;
        }
        let dry_run = query.get("dryRun") == Some("All");
        match self.create_object(
            target.resource,
            target.namespace.as_deref(),
            object,
            request.now_millis,
            dry_run,
        ) {
            Ok(created) => ApiResponse::json(201, &self.present(target.resource, &created)),
            Err(response) => response,
        }
    }

    fn update(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
        patched: Option<Value>,
    ) -> ApiResponse {
        let resource = target.resource;
        let name = target.name.clone().unwrap_or_default();
        let key = self.key(target, &name);
        let Some(existing) = self.store.get(&key).cloned() else {
            return not_found(resource, &name);
        };
        let mut object = match patched {
            Some(object) => object,
            None => {
                if let Err(response) = Self::check_content_type(request) {
                    return response;
                }
                match Self::body(request) {
                    Ok(object) => object,
                    Err(response) => return response,
                }
            }
        };
        if let Err(response) = Self::check_strict(resource, query, &object) {
            return response;
        }
        let body_name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !body_name.is_empty() && body_name != name {
            return bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            ));
        }
        if let Some(sent) = object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
        {
            let current = existing
                .pointer("/metadata/resourceVersion")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if sent != current {
                return failure(409, "Conflict", format!("Operation cannot be fulfilled on {} {name:?}: the object has been modified; please apply your changes to the latest version and try again", resource.qualified()), Some(json!({"name": name, "group": resource.group, "kind": resource.plural})));
            }
        }
        if !object.get("metadata").is_some_and(Value::is_object) {
            object["metadata"] = json!({});
        }
        object["kind"] = json!(resource.kind);
        object["apiVersion"] = json!(resource.group_version());
        // Identity and server-owned metadata stay as they are.
        for field in ["name", "namespace", "uid", "creationTimestamp"] {
            match existing.pointer(&format!("/metadata/{field}")) {
                Some(value) => object["metadata"][field] = value.clone(),
                None => {
                    if let Some(meta) = object["metadata"].as_object_mut() {
                        meta.remove(field);
                    }
                }
            }
        }
        let status_only = target.subresource.as_deref() == Some("status");
        if resource.has_status() {
            if status_only {
                let status = object.get("status").cloned();
                object = (*existing).clone();
                match status {
                    Some(status) => object["status"] = status,
                    None => {
                        if let Some(map) = object.as_object_mut() {
                            map.remove("status");
                        }
                    }
                }
            } else {
                match existing.get("status") {
                    Some(status) => object["status"] = status.clone(),
                    None => {
                        if let Some(map) = object.as_object_mut() {
                            map.remove("status");
                        }
                    }
                }
            }
        }
        let errors = kinds::validate(
            resource,
            target.namespace.as_deref().unwrap_or_default(),
            &object,
        );
        if !errors.is_empty() {
            return invalid(resource, &name, &errors);
        }
        if resource.tracks_generation() {
            let generation = existing
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            let changed = existing.get("spec") != object.get("spec");
            let next = if changed && !status_only {
                generation + 1
            } else {
                generation
            };
            object["metadata"]["generation"] = json!(next);
            if resource.kind == "ImageStream" && changed && !status_only {
                stamp_tag_generations(&mut object, next, existing.get("spec"));
            }
        }
        let mut next_ip = self.next_cluster_ip;
        kinds::apply_defaults(resource, &mut object, || {
            next_ip += 1;
            format!("172.30.{}.{}", next_ip / 250, next_ip % 250 + 1)
        });
        self.next_cluster_ip = next_ip;
        if query.get("dryRun") == Some("All") {
            return ApiResponse::json(200, &self.present(resource, &object));
        }
        let stored = self.store.put(key, object);
        ApiResponse::json(200, &self.present(resource, &stored))
    }

    fn patch(&mut self, target: &Target, request: &ApiRequest, query: &QueryParams) -> ApiResponse {
        let name = target.name.clone().unwrap_or_default();
        let Some(existing) = self.store.get(&self.key(target, &name)).cloned() else {
            return not_found(target.resource, &name);
        };
        let patch: Value = match serde_json::from_slice(&request.body) {
            Ok(patch) => patch,
            Err(err) => {
                return bad_request(format!(
                    "the body of the request was in an unknown format: {err}"
                ))
            }
        };
        let media_type = request
            .content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim();
        let patched = match media_type {
            "application/merge-patch+json" => Ok(crate::patch::merge_patch(&existing, &patch)),
            "application/json-patch+json" => crate::patch::json_patch(&existing, &patch).map_err(|e| e.to_string()),
            "application/strategic-merge-patch+json" => {
                crate::patch::strategic_merge_patch(&existing, &patch, &crate::patch::merge_schema_for(target.resource.kind)).map_err(|e| e.to_string())
            }
            other => return failure(415, "UnsupportedMediaType", format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {other:?})"), None),
        };
        match patched {
            Ok(patched) => self.update(target, request, query, Some(patched)),
            Err(message) => failure(422, "Invalid", message, None),
        }
    }

    fn delete_options(request: &ApiRequest, query: &QueryParams) -> Result<Value, ApiResponse> {
        let mut options = if request.body.iter().any(|b| !b.is_ascii_whitespace()) {
            Self::body(request)?
        } else {
            json!({})
        };
        if let Some(policy) = query.get("propagationPolicy") {
            options["propagationPolicy"] = json!(policy);
        }
        if query.get("dryRun") == Some("All") {
            options["dryRun"] = json!(["All"]);
        }
        Ok(options)
    }

    fn delete(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let options = match Self::delete_options(request, query) {
            Ok(options) => options,
            Err(response) => return response,
        };
        let name = target.name.clone().unwrap_or_default();
        let key = self.key(target, &name);
        let Some(existing) = self.store.get(&key).cloned() else {
            return not_found(target.resource, &name);
        };
        for (field, path) in [
            ("uid", "/metadata/uid"),
            ("resourceVersion", "/metadata/resourceVersion"),
        ] {
            if let Some(expected) = options
                .pointer(&format!("/preconditions/{field}"))
                .and_then(Value::as_str)
            {
                let actual = existing
                    .pointer(path)
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                if expected != actual {
                    return failure(409, "Conflict", format!("Operation cannot be fulfilled on {} {name:?}: Precondition failed: {field}: {expected}, ObjectMeta.{field}: {actual}", target.resource.qualified()), Some(json!({"name": name, "group": target.resource.group, "kind": target.resource.plural})));
                }
            }
        }
        if options.get("dryRun").is_some() {
            return ApiResponse::json(200, &self.present(target.resource, &existing));
        }
        let policy = options
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .unwrap_or("Background")
            .to_owned();
        let removed = self.remove_object(&key, &policy);
        ApiResponse::json(
            200,
            &self.present(target.resource, &removed.unwrap_or(existing)),
        )
    }

    /// Removes an object and, unless orphaning, what it owns; a namespace takes its contents along.
    pub fn remove_object(&mut self, key: &ObjectKey, propagation: &str) -> Option<Arc<Value>> {
        let removed = self.store.remove(key)?;
        if key.resource == "namespaces" {
            let contents: Vec<ObjectKey> = RESOURCES
                .iter()
                .filter(|r| r.namespaced && r.storage == Storage::Stored)
                .flat_map(|r| {
                    self.store
                        .list(r.id(), Some(&key.name))
                        .map(|(k, _)| k.clone())
                        .collect::<Vec<_>>()
                })
                .collect();
            for content in contents {
                self.store.remove(&content);
            }
            self.auth.revoke_namespace(&key.name);
            return Some(removed);
        }
        let uid = removed
            .pointer("/metadata/uid")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let dependents: Vec<(ObjectKey, Value)> = RESOURCES
            .iter()
            .filter(|r| r.namespaced && r.storage == Storage::Stored)
            .flat_map(|r| {
                self.store
                    .list(r.id(), Some(&key.namespace))
                    .filter(|(_, object)| owned_by(object, &uid))
                    .map(|(k, object)| (k.clone(), (**object).clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        for (dependent, mut object) in dependents {
            if propagation == "Orphan" {
                if let Some(owners) = object
                    .pointer_mut("/metadata/ownerReferences")
                    .and_then(Value::as_array_mut)
                {
                    owners.retain(|owner| {
                        owner.get("uid").and_then(Value::as_str) != Some(uid.as_str())
                    });
                }
                self.store.put(dependent, object);
            } else {
                self.remove_object(&dependent, propagation);
            }
        }
        Some(removed)
    }

    fn delete_collection(
        &mut self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let options = match Self::delete_options(request, query) {
            Ok(options) => options,
            Err(response) => return response,
        };
        let (labels, fields) = match Self::selectors(target.resource, query) {
            Ok(selectors) => selectors,
            Err(response) => return response,
        };
        let keys: Vec<ObjectKey> = self
            .store
            .list(target.resource.id(), target.namespace.as_deref())
            .filter(|(_, object)| selected(object, &labels, &fields))
            .map(|(key, _)| key.clone())
            .collect();
        let policy = options
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .unwrap_or("Background")
            .to_owned();
        let dry_run = options.get("dryRun").is_some();
        let mut items = Vec::new();
        for key in keys {
            let removed = if dry_run {
                self.store.get(&key).cloned()
            } else {
                self.remove_object(&key, &policy)
            };
            if let Some(removed) = removed {
                items.push(self.present(target.resource, &removed));
            }
        }
        ApiResponse::json(
            200,
            &json!({
                "kind": format!("{}List", target.resource.kind),
                "apiVersion": target.resource.group_version(),
                "metadata": {"resourceVersion": self.store.resource_version().to_string()},
                "items": items,
            }),
        )
    }

    fn get_user(&self, caller: &Caller, name: &str, now_millis: i64) -> ApiResponse {
        let name = if name == "~" {
            caller.name.as_str()
        } else {
            name
        };
        let Some(record) = self.auth.user(name) else {
            let resource = resources::find("user.openshift.io", "v1", "users")
                .expect("users resource is registered");
            return not_found(resource, name);
        };
        let mut groups = vec!["system:authenticated", "system:authenticated:oauth"];
        if record.cluster_admin {
            groups.insert(0, "system:cluster-admins");
        }
        ApiResponse::json(
            200,
            &json!({
                "kind": "User",
                "apiVersion": "user.openshift.io/v1",
                "metadata": {"name": name, "uid": format!("devcluster-user-{name}"), "creationTimestamp": format_rfc3339(now_millis - now_millis % 86_400_000)},
                "fullName": record.full_name,
                "identities": [format!("devcluster:{name}")],
                "groups": groups,
            }),
        )
    }

    fn access_review(&self, caller: &Caller, request: &ApiRequest) -> ApiResponse {
        let mut review = match Self::body(request) {
            Ok(review) => review,
            Err(response) => return response,
        };
        let attributes = review
            .pointer("/spec/resourceAttributes")
            .cloned()
            .unwrap_or(json!({}));
        let text = |key: &str| {
            attributes
                .get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let (group, plural, verb, namespace, name) = (
            text("group"),
            text("resource"),
            text("verb"),
            text("namespace"),
            text("name"),
        );
        let allowed = match RESOURCES
            .iter()
            .find(|r| r.group == group && r.plural == plural)
        {
            Some(resource) => {
                let target = Target {
                    resource,
                    namespace: (!namespace.is_empty() && resource.namespaced)
                        .then(|| namespace.clone()),
                    name: (!name.is_empty()).then(|| name.clone()),
                    subresource: None,
                };
                resource.allows(&verb) && self.authorize(caller, &verb, &target).is_ok()
            }
            None => self.auth.is_cluster_admin(caller),
        };
        review["kind"] = json!("SelfSubjectAccessReview");
        review["apiVersion"] = json!("authorization.k8s.io/v1");
        review["status"] = if allowed {
            json!({"allowed": true, "reason": "devcluster: allowed by the user's role"})
        } else {
            json!({"allowed": false})
        };
        ApiResponse::json(201, &review)
    }

    fn project_of(&self, namespace: &Value) -> Value {
        let mut project = namespace.clone();
        project["kind"] = json!("Project");
        project["apiVersion"] = json!("project.openshift.io/v1");
        project["spec"] = json!({"finalizers": ["kubernetes"]});
        project["status"] = json!({"phase": "Active"});
        project
    }

    fn projects(
        &mut self,
        verb: &str,
        caller: &Caller,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let visible = self.auth.visible_namespaces(caller);
        let namespaces =
            resources::find("", "v1", "namespaces").expect("namespaces resource is registered");
        let resource = target.resource;
        match verb {
            "get" => {
                let name = target.name.clone().unwrap_or_default();
                match self.store.get(&ObjectKey {
                    resource: "namespaces",
                    namespace: String::new(),
                    name: name.clone(),
                }) {
                    Some(namespace) => ApiResponse::json(200, &self.project_of(namespace)),
                    None => not_found(resource, &name),
                }
            }
            "list" => {
                let (labels, fields) = match Self::selectors(resource, query) {
                    Ok(selectors) => selectors,
                    Err(response) => return response,
                };
                let items: Vec<Value> = self
                    .store
                    .list("namespaces", None)
                    .filter(|(key, _)| visible.as_ref().is_none_or(|v| v.contains(&key.name)))
                    .filter(|(_, ns)| selected(ns, &labels, &fields))
                    .map(|(_, ns)| self.project_of(ns))
                    .collect();
                let meta = json!({"resourceVersion": self.store.resource_version().to_string()});
                if Self::wants_table(request) {
                    let refs: Vec<&Value> = items.iter().collect();
                    return ApiResponse::json(
                        200,
                        &table::table(
                            "Project",
                            &refs,
                            request.now_millis,
                            query.get("includeObject").unwrap_or("Metadata"),
                            meta,
                        ),
                    );
                }
                ApiResponse::json(
                    200,
                    &json!({"kind": "ProjectList", "apiVersion": "project.openshift.io/v1", "metadata": meta, "items": items}),
                )
            }
            "delete" => {
                let name = target.name.clone().unwrap_or_default();
                match self.remove_object(
                    &ObjectKey {
                        resource: namespaces.id(),
                        namespace: String::new(),
                        name: name.clone(),
                    },
                    "Background",
                ) {
                    Some(_) => ApiResponse::json(
                        200,
                        &json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": {"name": name, "group": "project.openshift.io", "kind": "projects"}}),
                    ),
                    None => not_found(resource, &name),
                }
            }
            _ => failure(
                405,
                "MethodNotAllowed",
                "projects are changed through their namespace in this development cluster",
                Some(json!({})),
            ),
        }
    }

    fn request_project(&mut self, caller: &Caller, request: &ApiRequest) -> ApiResponse {
        let body = match Self::body(request) {
            Ok(body) => body,
            Err(response) => return response,
        };
        let name = body
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let mut annotations = Map::new();
        annotations.insert("openshift.io/requester".into(), json!(caller.name));
        for (field, annotation) in [
            ("displayName", "openshift.io/display-name"),
            ("description", "openshift.io/description"),
        ] {
            if let Some(value) = body
                .get(field)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
            {
                annotations.insert(annotation.into(), json!(value));
            }
        }
        let namespaces =
            resources::find("", "v1", "namespaces").expect("namespaces resource is registered");
        let namespace = json!({"metadata": {"name": name, "annotations": annotations}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}});
        match self.create_object(namespaces, None, namespace, request.now_millis, false) {
            Ok(created) => {
                self.auth.grant(&caller.name, &name, Access::Admin);
                ApiResponse::json(201, &self.project_of(&created))
            }
            Err(response) if response.status == 409 => failure(
                409,
                "AlreadyExists",
                format!("project.project.openshift.io {name:?} already exists"),
                Some(json!({"name": name, "group": "project.openshift.io", "kind": "project"})),
            ),
            Err(response) => response,
        }
    }

    /// Stores an object as it is, status included, after the create checks (seeds and saved
    /// state: the status a controller would have written is kept).
    pub fn restore_object(
        &mut self,
        resource: &'static Resource,
        namespace: Option<&str>,
        object: Value,
        now_millis: i64,
    ) -> Result<Arc<Value>, ApiResponse> {
        let status = object.get("status").cloned();
        let created_at = object
            .pointer("/metadata/creationTimestamp")
            .filter(|t| t.is_string())
            .cloned();
        let created = self.create_object(resource, namespace, object, now_millis, false)?;
        if status.is_none() && created_at.is_none() {
            return Ok(created);
        }
        let mut object = (*created).clone();
        if let Some(status) = status {
            object["status"] = status;
        }
        if let Some(created_at) = created_at {
            object["metadata"]["creationTimestamp"] = created_at;
        }
        let key = ObjectKey {
            resource: resource.id(),
            namespace: namespace.unwrap_or_default().to_owned(),
            name: object
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        };
        Ok(self.store.put(key, object))
    }

    /// Adds a user with a token (seeding and the server's user list).
    pub fn add_user(&mut self, name: &str, token: &str, record: UserRecord) {
        self.auth.add_user(name, record);
        self.auth.add_token(token, name);
    }
}

pub(crate) fn invalid(
    resource: &Resource,
    name: &str,
    errors: &[imagestream_model::validation::FieldError],
) -> ApiResponse {
    failure(
        422,
        "Invalid",
        kinds::invalid_message(resource, name, errors),
        Some(
            json!({"name": name, "group": resource.group, "kind": resource.kind, "causes": kinds::causes(errors)}),
        ),
    )
}

/// Gives each spec tag that changed (or is new) the stream's generation, as the server does, so
/// the import controller sees which tags to import.
pub(crate) fn stamp_tag_generations(
    object: &mut Value,
    generation: i64,
    previous_spec: Option<&Value>,
) {
    let previous: BTreeMap<String, Value> = previous_spec
        .and_then(|spec| spec.get("tags"))
        .and_then(Value::as_array)
        .map(|tags| {
            tags.iter()
                .filter_map(|t| Some((t.get("name")?.as_str()?.to_owned(), t.clone())))
                .collect()
        })
        .unwrap_or_default();
    let Some(tags) = object
        .pointer_mut("/spec/tags")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for tag in tags {
        let name = tag
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let unchanged = previous.get(&name).is_some_and(|old| {
            let strip = |t: &Value| {
                let mut t = t.clone();
                if let Some(map) = t.as_object_mut() {
                    map.remove("generation");
                }
                t
            };
            strip(old) == strip(tag)
                && tag
                    .get("generation")
                    .is_some_and(|g| !g.is_null() && g != 0)
        });
        if !unchanged {
            tag["generation"] = json!(generation);
        }
    }
}

fn owned_by(object: &Value, uid: &str) -> bool {
    !uid.is_empty()
        && object
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|owners| {
                owners
                    .iter()
                    .any(|o| o.get("uid").and_then(Value::as_str) == Some(uid))
            })
}

fn selected(object: &Value, labels: &LabelSelector, fields: &FieldSelector) -> bool {
    if !labels.is_empty() {
        let map: BTreeMap<String, String> = object
            .pointer("/metadata/labels")
            .and_then(Value::as_object)
            .map(|labels| {
                labels
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        if !labels.matches(&map) {
            return false;
        }
    }
    fields.matches(object)
}

fn encode_continue(version: u64, after: &str) -> String {
    format!("{version}:{after}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn decode_continue(token: &str) -> Option<(u64, String)> {
    if !token.len().is_multiple_of(2) {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2)?, 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (version, after) = text.split_once(':')?;
    Some((version.parse().ok()?, after.to_owned()))
}

fn version_info() -> Value {
    json!({
        "major": "1",
        "minor": "33",
        "gitVersion": concat!("v1.33.0+devcluster-", env!("CARGO_PKG_VERSION")),
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "2026-11-27T00:00:00Z",
        "goVersion": "rust",
        "compiler": "rustc",
        "platform": "linux/amd64",
    })
}

fn group_list() -> Value {
    json!({
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": resources::groups().into_iter().map(api_group).collect::<Vec<_>>(),
    })
}

fn api_group(group: &str) -> Value {
    let version = json!({"groupVersion": format!("{group}/v1"), "version": "v1"});
    json!({"kind": "APIGroup", "apiVersion": "v1", "name": group, "versions": [version.clone()], "preferredVersion": version})
}

fn resource_list(group: &str, version: &str) -> Value {
    let mut entries = Vec::new();
    for resource in RESOURCES
        .iter()
        .filter(|r| r.group == group && r.version == version)
    {
        let mut entry = json!({
            "name": resource.plural,
            "singularName": resource.singular,
            "namespaced": resource.namespaced,
            "kind": resource.kind,
            "verbs": resource.verbs,
        });
        if !resource.short_names.is_empty() {
            entry["shortNames"] = json!(resource.short_names);
        }
        if !resource.categories.is_empty() {
            entry["categories"] = json!(resource.categories);
        }
        entries.push(entry);
        for sub in resource.subresources {
            entries.push(json!({
                "name": format!("{}/{sub}", resource.plural),
                "singularName": "",
                "namespaced": resource.namespaced,
                "kind": resource.kind,
                "verbs": ["get", "patch", "update"],
            }));
        }
    }
    let group_version = if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    };
    json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": entries})
}

#[cfg(test)]
mod tests {
    use crate::seed::{demo_cluster, DEMO_USERS};
    use crate::{ApiRequest, Cluster};
    use serde_json::{json, Value};

    const NOW: i64 = 1_780_000_000_000;

    fn send(cluster: &mut Cluster, method: &str, target: &str, body: Option<Value>) -> Value {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let admin = DEMO_USERS.iter().find(|u| u.name == "admin").unwrap();
        let response = cluster.handle(&ApiRequest {
            method: method.into(),
            path: path.into(),
            query: query.into(),
            body: body.map(|b| b.to_string().into_bytes()).unwrap_or_default(),
            content_type: "application/json".into(),
            accept: "application/json".into(),
            authorization: Some(format!("Bearer {}", admin.token)),
            now_millis: NOW,
        });
        assert!(
            response.status < 300,
            "{method} {target}: {}",
            response.status
        );
        response.json_body()
    }

    /// Every page of a chunked list, with the remainingItemCount each page said.
    fn pages(cluster: &mut Cluster, collection: &str, query: &str) -> Vec<(Vec<String>, i64)> {
        let mut pages = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let continued = token.map(|t| format!("&continue={t}")).unwrap_or_default();
            let page = send(
                cluster,
                "GET",
                &format!("{collection}?{query}{continued}"),
                None,
            );
            let names = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|item| {
                    format!(
                        "{}/{}",
                        item["metadata"]["namespace"].as_str().unwrap(),
                        item["metadata"]["name"].as_str().unwrap()
                    )
                })
                .collect();
            let remaining = page["metadata"]["remainingItemCount"].as_i64().unwrap_or(0);
            pages.push((names, remaining));
            match page["metadata"]["continue"].as_str() {
                Some(next) => token = Some(next.to_owned()),
                None => return pages,
            }
        }
    }

    #[test]
    fn chunked_lists_page_in_list_order_and_count_what_is_left() {
        let mut cluster = demo_cluster(NOW);
        // Namespace "demo-b" comes after "demo", but as text "demo-b/x" sorts before "demo/…":
        // pages must follow the store's order (namespace, then name), not that text.
        send(
            &mut cluster,
            "POST",
            "/api/v1/namespaces",
            Some(json!({"metadata": {"name": "demo-b"}})),
        );
        for name in ["x", "y"] {
            send(
                &mut cluster,
                "POST",
                "/apis/image.openshift.io/v1/namespaces/demo-b/imagestreams",
                Some(json!({"metadata": {"name": name, "labels": {"app": "b"}}})),
            );
        }
        let all_streams = "/apis/image.openshift.io/v1/imagestreams";
        let whole: Vec<String> = pages(&mut cluster, all_streams, "")
            .into_iter()
            .flat_map(|(names, _)| names)
            .collect();
        assert!(whole.contains(&"demo-b/x".to_owned()), "{whole:?}");
        for query in ["limit=1", "limit=2", "limit=3&labelSelector=app%3Db"] {
            let chunked = pages(&mut cluster, all_streams, query);
            let listed: Vec<String> = chunked.iter().flat_map(|(n, _)| n.clone()).collect();
            let expected: Vec<String> = if query.contains("labelSelector") {
                vec!["demo-b/x".into(), "demo-b/y".into()]
            } else {
                whole.clone()
            };
            assert_eq!(listed, expected, "{query}");
            // Each page says how many objects the pages after it hold.
            let mut left = listed.len() as i64;
            for (names, remaining) in &chunked {
                left -= names.len() as i64;
                assert_eq!(*remaining, left, "{query}");
            }
        }
    }
}
