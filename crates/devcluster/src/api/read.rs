//! Reading: get, list (chunked with continue tokens), watch and the replay of changes to watchers.

use super::{
    bad_request, failure, internal_error, not_found, status, ApiRequest, ApiResponse, Cluster,
    QueryParams, Target, WatchRequest, ENCODED_EVENT_CACHE, MAX_WATCH_TIMEOUT_SECONDS,
};
use crate::resources::Resource;
use crate::selector::{FieldSelector, LabelSelector};
use crate::store::{ChangeType, ObjectKey};
use crate::table;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Cluster {
    pub(super) fn get(
        &self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
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

    pub(super) fn selectors(
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

    pub(super) fn list(
        &self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let resource = target.resource;
        let (labels, fields) = match Self::selectors(resource, query) {
            Ok(selectors) => selectors,
            Err(response) => return response,
        };
        let limit = match list_options(query, false) {
            Ok(options) => options.limit,
            Err(response) => return response,
        };
        let (list_version, after) = match query.get("continue").filter(|c| !c.is_empty()) {
            None => (self.store.resource_version(), None),
            Some(token) => {
                // storage `ValidateListOptions`: a continue token carries its own version.
                if !matches!(query.get("resourceVersion").unwrap_or_default(), "" | "0") {
                    return bad_request(
                        "specifying resource version is not allowed when using continue",
                    );
                }
                match decode_continue(token) {
                    Err(problem) => {
                        return bad_request(format!("invalid continue token: {problem}"))
                    }
                    Ok((version, _)) if version > self.store.resource_version() => {
                        // A forged token from the future: etcd refuses the read with
                        // ErrFutureRev, which the apiserver passes on as a plain 500.
                        return internal_error(
                            "etcdserver: mvcc: required revision is a future revision",
                        );
                    }
                    Ok((version, _)) if version < self.store.oldest_watchable() => {
                        return failure(410, "Expired", "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.", Some(json!({})));
                    }
                    Ok((version, after)) => (version, Some(after)),
                }
            }
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
                    let left = match after {
                        None => self
                            .store
                            .count(resource.id(), namespace)
                            .saturating_sub(items.len()),
                        Some(_) => objects.count().saturating_add(1),
                    };
                    remaining = i64::try_from(left).unwrap_or(i64::MAX);
                    break;
                }
                remaining = remaining.saturating_add(1);
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

    pub(super) fn watch(
        &self,
        target: &Target,
        request: &ApiRequest,
        query: &QueryParams,
    ) -> ApiResponse {
        let resource = target.resource;
        let (labels, fields) = match Self::selectors(resource, query) {
            Ok(selectors) => selectors,
            Err(response) => return response,
        };
        let table = Self::wants_table(request)
            .then(|| query.get("includeObject").unwrap_or("Metadata").to_owned());
        let options = match list_options(query, true) {
            Ok(options) => options,
            Err(response) => return response,
        };
        let mut watch = WatchRequest {
            resource,
            namespace: target.namespace.clone(),
            labels,
            fields,
            since: 0,
            bookmarks: query.flag("allowWatchBookmarks"),
            timeout_seconds: options
                .timeout_seconds
                .and_then(|t| u64::try_from(t).ok())
                .map(|t| t.min(MAX_WATCH_TIMEOUT_SECONDS)),
            ends_at_once: options.timeout_seconds.is_some_and(|t| t < 0),
            table,
            initial: Vec::new(),
        };
        // A watch list (client-go's WatchListClient, `oc rollout status`): the current objects
        // as ADDED events, then a BOOKMARK marked `k8s.io/initial-events-end`, as the watch
        // cache sends them. kube's ValidateListOptions wants it asked for this way.
        let initial_events = match query.get("sendInitialEvents") {
            Some(send) => {
                let mut errors = Vec::new();
                if query.get("resourceVersionMatch") != Some("NotOlderThan") {
                    errors.push("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
                }
                if !watch.bookmarks {
                    errors.push("allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true");
                }
                if !errors.is_empty() {
                    let joined = match errors.as_slice() {
                        [one] => (*one).to_owned(),
                        many => format!("[{}]", many.join(", ")),
                    };
                    return failure(
                        422,
                        "Invalid",
                        format!("ListOptions.meta.k8s.io \"\" is invalid: {joined}"),
                        Some(json!({"group": "meta.k8s.io", "kind": "ListOptions"})),
                    );
                }
                Some(matches!(send, "true" | "1" | "True"))
            }
            None => None,
        };
        let current = |watch: &WatchRequest| -> Vec<Value> {
            self.store
                .list(resource.id(), target.namespace.as_deref())
                .filter(|(_, object)| selected(object, &watch.labels, &watch.fields))
                .map(|(_, object)| self.event(watch, "ADDED", object, request.now_millis))
                .collect()
        };
        match (
            initial_events,
            query.get("resourceVersion").unwrap_or_default(),
        ) {
            (Some(send), _) => {
                watch.since = self.store.resource_version();
                if send {
                    watch.initial = current(&watch);
                    let mut end = watch.bookmark(watch.since);
                    end["object"]["metadata"]["annotations"] =
                        json!({"k8s.io/initial-events-end": "true"});
                    watch.initial.push(end);
                }
            }
            (None, "" | "0") => {
                watch.since = self.store.resource_version();
                watch.initial = current(&watch);
            }
            (None, text) => match go_parse_u64(text) {
                Ok(version) => watch.since = version,
                // The watch cache's `ParseResourceVersion` error is a storage InvalidError,
                // which no layer turns into a Status: kube-apiserver answers 500.
                Err(problem) => {
                    return internal_error(invalid_resource_version(text, &problem));
                }
            },
        }
        ApiResponse {
            status: 200,
            body: Vec::new(),
            content_type: super::JSON,
            watch: Some(Box::new(watch)),
            import: None,
        }
    }

    pub(super) fn event(
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
    pub(super) fn replay<T>(
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
        // Up to what watches may see: with a state log, changes not yet on disk come later.
        (events, last.max(self.store.watchable_version()), false)
    }
}

pub(super) fn selected(object: &Value, labels: &LabelSelector, fields: &FieldSelector) -> bool {
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

/// The numbers of a list or watch request (`ListOptions`), read as the apiserver's parameter
/// codec reads them: `limit` and `timeoutSeconds` are Go int64s, `resourceVersion` a uint64.
struct ListOptions {
    limit: Option<usize>,
    timeout_seconds: Option<i64>,
}

/// `watch`: a watch's resourceVersion is read by the watch cache instead (see `watch`).
fn list_options(query: &QueryParams, watch: bool) -> Result<ListOptions, ApiResponse> {
    let int = |name: &str| -> Result<Option<i64>, ApiResponse> {
        match query.get(name) {
            None | Some("") => Ok(None),
            Some(text) => go_parse_i64(text).map(Some).map_err(bad_request),
        }
    };
    // Zero and negative limits mean no limit, as in the storage layer (`Limit > 0`).
    let limit = int("limit")?
        .filter(|l| *l > 0)
        .map(|l| usize::try_from(l).unwrap_or(usize::MAX));
    let timeout_seconds = int("timeoutSeconds")?;
    if let Some(text) = query
        .get("resourceVersion")
        .filter(|v| !matches!(*v, "" | "0"))
    {
        if !watch && query.get("continue").is_none_or(str::is_empty) {
            if let Err(problem) = go_parse_u64(text) {
                // storage `ValidateListOptions` wraps `ParseResourceVersion`'s field error.
                return Err(bad_request(format!(
                    "invalid resource version: {}",
                    invalid_resource_version(text, &problem)
                )));
            }
        }
    }
    Ok(ListOptions {
        limit,
        timeout_seconds,
    })
}

fn invalid_resource_version(text: &str, problem: &str) -> String {
    format!(
        "resourceVersion: Invalid value: {}: {problem}",
        imagestream_model::validation::go_quote(text)
    )
}

/// Go's `strconv.ParseInt(text, 10, 64)`, with its error text.
fn go_parse_i64(text: &str) -> Result<i64, String> {
    text.parse::<i64>()
        .map_err(|err| go_number_error("ParseInt", text, err.kind()))
}

/// Go's `strconv.ParseUint(text, 10, 64)`, with its error text (no sign allowed).
fn go_parse_u64(text: &str) -> Result<u64, String> {
    if text.starts_with('+') {
        return Err(go_number_error(
            "ParseUint",
            text,
            &std::num::IntErrorKind::InvalidDigit,
        ));
    }
    text.parse::<u64>()
        .map_err(|err| go_number_error("ParseUint", text, err.kind()))
}

fn go_number_error(function: &str, text: &str, kind: &std::num::IntErrorKind) -> String {
    use std::num::IntErrorKind;
    let reason = match kind {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => "value out of range",
        _ => "invalid syntax",
    };
    format!(
        "strconv.{function}: parsing {}: {reason}",
        imagestream_model::validation::go_quote(text)
    )
}

pub(super) fn encode_continue(version: u64, after: &str) -> String {
    format!("{version}:{after}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a continue token (hex of `version:namespace/name`), with the storage layer's
/// reasons for refusing one (`DecodeContinue`).
pub(super) fn decode_continue(token: &str) -> Result<(u64, String), &'static str> {
    const INVALID: &str = "continue key is not valid";
    if !token.len().is_multiple_of(2) {
        return Err(INVALID);
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i.checked_add(2)?)?, 16).ok())
        .collect();
    let text = String::from_utf8(bytes.ok_or(INVALID)?).map_err(|_| INVALID)?;
    let (version, after) = text.split_once(':').ok_or(INVALID)?;
    let version: u64 = version.parse().map_err(|_| INVALID)?;
    if version == 0 {
        return Err(
            "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)",
        );
    }
    if after.is_empty() {
        return Err("continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
    }
    Ok((version, after.to_owned()))
}
