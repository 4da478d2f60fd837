//! The three PATCH formats of the Kubernetes API:
//!
//! * JSON merge patch (RFC 7396, `application/merge-patch+json`) and JSON patch (RFC 6902,
//!   `application/json-patch+json`) are applied by the `json-patch` crate; [`handler`] (merge
//!   patch and the dispatch) and [`json_patch`] (JSON patch) put around it what kube-apiserver's
//!   patch handler adds: how it decodes the patch document, its limits (10,000 operations, 3 MiB
//!   of `copy`), its status codes and wording, and the checks of the patched object;
//! * strategic merge patch (`application/strategic-merge-patch+json`, what `kubectl apply`,
//!   `kubectl edit` and `kubectl patch` send by default for built-in kinds) is Kubernetes' own
//!   format, and no Rust library implements it: this file, [`strategic_merge_patch`].
//!
//! Nothing here knows about the store: `Cluster::patch` hands the parsed body to
//! [`handler::apply`] and answers its [`handler::Rejection`] as a `Status`. No input panics; a
//! failed patch leaves the target untouched because every function works on a copy.
//!
//! # Strategic merge patch, as implemented here
//!
//! Kubernetes reads the merge behaviour of each field from Go struct tags; a devcluster stores
//! untyped JSON, so a [`MergeSchema`] names the lists that merge by key (`[]` in a path means
//! "any element"), and [`merge_schema_for`] has them for the kinds the devcluster serves.
//! The rules follow `k8s.io/apimachinery/pkg/util/strategicpatch`:
//!
//! * Maps merge recursively; a `null` value deletes the key.
//! * A list whose path has a merge key merges element by element on that key: a patch element
//!   with the key of a live element is merged into it, one with a new key is added. Element
//!   order follows Kubernetes: the patch's elements take the patch's relative order and are
//!   interleaved with the server-only elements by their live positions, so an element that is
//!   new to the list lands *before* the server-only elements that follow it (kubectl sends
//!   `$setElementOrder` with every list change, which then decides).
//! * Every other list is replaced wholesale, and so are lists of primitives even where
//!   Kubernetes declares a merge strategy (only `metadata.finalizers` among the served kinds):
//!   deduplicating set-union is not implemented, `$deleteFromPrimitiveList` still removes values.
//! * `$patch: replace` in a map takes the map as given; in a merge list (an element holding only
//!   the directive) it makes the list exactly the patch's other elements.
//! * `$patch: delete` in a map removes the map from its parent (the documented meaning, the same
//!   as `null`; upstream code leaves `{}` behind); in a merge-list element it removes every live
//!   element with that merge key. It cannot delete the whole object.
//! * `$patch: merge` is the default behaviour and accepted as a no-op (upstream rejects it in
//!   patches; it exists for struct tags).
//! * `$setElementOrder/<list>` orders the merged list: elements it names come in its order,
//!   the others keep their live positions. The patch list's elements must appear in it in the
//!   same relative order, as upstream checks.
//! * `$deleteFromPrimitiveList/<list>` removes every listed value from the list.
//! * `$retainKeys` clears the map's live keys that it does not list; every non-null field of the
//!   patch map must be listed.
//! * Other `$`-prefixed keys are unknown directives and ignored, as an older API server would.
//! * Values new to the object are cleaned the same way (directives processed, nulls dropped), so
//!   no directive is ever stored; upstream relies on decoding into Go structs for that.

pub mod handler;
pub mod json_patch;

use serde_json::{Map, Value};
use std::fmt;

type Object = Map<String, Value>;

const PATCH_DIRECTIVE: &str = "$patch";
const RETAIN_KEYS_DIRECTIVE: &str = "$retainKeys";
const SET_ELEMENT_ORDER_PREFIX: &str = "$setElementOrder";
const DELETE_FROM_PRIMITIVE_LIST_PREFIX: &str = "$deleteFromPrimitiveList";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// The class of a [`PatchError`]: what went wrong, which decides the HTTP status of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatchErrorKind {
    /// The patch document is not valid for its format: an unknown directive, a list element
    /// without its merge key, a `$setElementOrder` that contradicts the patch. The request
    /// itself is bad (400).
    Malformed,
    /// The patch is well formed but does not fit this target, e.g. a directive aimed at a field
    /// that is not a list, or a `$patch: delete` of the whole object.
    Unprocessable,
}

/// Why a strategic merge patch could not be applied, and where.
///
/// The location is a JSON pointer into the patch document (patch and object share their
/// shape). `Display` gives one line the server can put into a `Status` message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchError {
    kind: PatchErrorKind,
    pointer: String,
    message: String,
}

impl PatchError {
    fn new(kind: PatchErrorKind, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// What class of problem this is.
    pub fn kind(&self) -> PatchErrorKind {
        self.kind
    }

    /// The JSON pointer of the offending location (`""` is the document root).
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// The description of the problem alone, without location.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status the API server answers with: 400 Bad Request for a malformed patch
    /// document (kube-apiserver's `interpretStrategicMergePatchError` in handlers/patch.go
    /// answers the `mergepatch` format errors so), 422 Unprocessable Entity for a patch that
    /// cannot be applied to this object.
    pub fn http_status(&self) -> u16 {
        match self.kind {
            PatchErrorKind::Malformed => 400,
            PatchErrorKind::Unprocessable => 422,
        }
    }
}

impl fmt::Display for PatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "at the document root: {}", self.message)
        } else {
            write!(f, "at {:?}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for PatchError {}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// Renders reference tokens as a JSON pointer, escaping `~` and `/`.
fn render_pointer<'a>(tokens: impl IntoIterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for token in tokens {
        out.push('/');
        for c in token.chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
    }
    out
}

/// A value as compact JSON, shortened for error messages.
fn short(value: &Value) -> String {
    const LIMIT: usize = 120;
    let text = value.to_string();
    if text.chars().count() <= LIMIT {
        text
    } else {
        let cut: String = text.chars().take(LIMIT).collect();
        format!("{cut}…")
    }
}

/// The JSON type name of a value, for error messages.
fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// JSON equality for merge keys and primitive-list values: numbers compare by value (`1`
/// equals `1.0`), objects by members regardless of order, arrays element by element.
fn json_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                x == y
            } else if let (Some(x), Some(y)) = (x.as_u64(), y.as_u64()) {
                x == y
            } else {
                match (x.as_f64(), y.as_f64()) {
                    (Some(x), Some(y)) => x == y,
                    _ => x == y,
                }
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equal(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(key, x)| y.get(key).is_some_and(|y| json_equal(x, y)))
        }
        _ => a == b,
    }
}

/// Removes a key keeping the order of the others (plain `remove` swaps the last key into the
/// hole when serde_json's `preserve_order` is on).
fn remove_key(map: &mut Object, key: &str) -> Option<Value> {
    let mut removed = None;
    map.retain(|k, v| {
        if k == key {
            removed = Some(std::mem::take(v));
            false
        } else {
            true
        }
    });
    removed
}

// ---------------------------------------------------------------------------------------------
// Merge schema
// ---------------------------------------------------------------------------------------------

/// One step of a concrete path in an object: a map key, or "an element of this list".
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Elem,
}

/// One step of a path pattern: a literal key, `*` (any key) or `[]` (any element).
#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternSeg {
    Key(String),
    AnyKey,
    Elem,
}

/// Parses `spec.template.spec.containers[].env` into steps; `*` is a wildcard only in patterns.
fn parse_path(text: &str, wildcards: bool) -> Vec<PatternSeg> {
    let mut segs = Vec::new();
    if text.is_empty() {
        return segs;
    }
    for part in text.split('.') {
        let mut name = part;
        let mut elements = 0;
        while let Some(stripped) = name.strip_suffix("[]") {
            name = stripped;
            elements += 1;
        }
        if !name.is_empty() {
            segs.push(if wildcards && name == "*" {
                PatternSeg::AnyKey
            } else {
                PatternSeg::Key(name.to_owned())
            });
        }
        segs.extend(std::iter::repeat_n(PatternSeg::Elem, elements));
    }
    segs
}

fn pattern_matches(pattern: &[PatternSeg], path: &[Seg]) -> bool {
    pattern.len() == path.len()
        && pattern.iter().zip(path).all(|(p, s)| match (p, s) {
            (PatternSeg::Key(a), Seg::Key(b)) => a == b,
            (PatternSeg::AnyKey, Seg::Key(_)) | (PatternSeg::Elem, Seg::Elem) => true,
            _ => false,
        })
}

/// Which lists of an object merge element by element, and on which key: the part of the Go
/// struct tags (`patchStrategy:"merge" patchMergeKey:"…"`) a strategic merge patch needs.
///
/// Paths are dot-separated map keys from the object root; `[]` after a key means "any element
/// of that list" and `*` matches any single key, e.g. `spec.template.spec.containers[].env`.
/// Lists not named here are replaced wholesale by a patch, like atomic lists in Kubernetes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeSchema {
    lists: Vec<(Vec<PatternSeg>, String)>,
}

impl MergeSchema {
    /// A schema where every list is replaced (strategic merge patch then behaves like a JSON
    /// merge patch plus the `$patch`, `$retainKeys` and primitive-list directives).
    pub fn new() -> Self {
        Self::default()
    }

    /// Builder form of [`MergeSchema::insert`].
    pub fn with_merge_key(mut self, pattern: &str, merge_key: &str) -> Self {
        self.insert(pattern, merge_key);
        self
    }

    /// Declares that the lists matching `pattern` merge on `merge_key`; declaring the same
    /// pattern again replaces its key.
    pub fn insert(&mut self, pattern: &str, merge_key: &str) {
        let pattern = parse_path(pattern, true);
        self.lists.retain(|(existing, _)| *existing != pattern);
        self.lists.push((pattern, merge_key.to_owned()));
    }

    /// The merge key of the list at a concrete path such as
    /// `spec.template.spec.containers[].ports`, or `None` when that list is replaced.
    pub fn merge_key(&self, path: &str) -> Option<&str> {
        let path: Vec<Seg> = parse_path(path, false)
            .into_iter()
            .map(|seg| match seg {
                PatternSeg::Key(key) => Seg::Key(key),
                PatternSeg::AnyKey => Seg::Key("*".to_owned()),
                PatternSeg::Elem => Seg::Elem,
            })
            .collect();
        self.lookup(&path)
    }

    fn lookup(&self, path: &[Seg]) -> Option<&str> {
        self.lists
            .iter()
            .rev()
            .find(|(pattern, _)| pattern_matches(pattern, path))
            .map(|(_, key)| key.as_str())
    }
}

/// Adds the merge lists of a PodSpec found at `prefix` (`spec` in a Pod,
/// `spec.template.spec` in a Deployment).
fn add_pod_spec(schema: &mut MergeSchema, prefix: &str) {
    const POD_LISTS: [(&str, &str); 9] = [
        ("containers", "name"),
        ("initContainers", "name"),
        ("ephemeralContainers", "name"),
        ("volumes", "name"),
        ("imagePullSecrets", "name"),
        ("hostAliases", "ip"),
        ("topologySpreadConstraints", "topologyKey"),
        ("resourceClaims", "name"),
        ("schedulingGates", "name"),
    ];
    const CONTAINER_LISTS: [(&str, &str); 4] = [
        ("env", "name"),
        ("ports", "containerPort"),
        ("volumeMounts", "mountPath"),
        ("volumeDevices", "devicePath"),
    ];
    for (list, key) in POD_LISTS {
        schema.insert(&format!("{prefix}.{list}"), key);
    }
    for containers in ["containers", "initContainers", "ephemeralContainers"] {
        for (list, key) in CONTAINER_LISTS {
            schema.insert(&format!("{prefix}.{containers}[].{list}"), key);
        }
    }
}

/// The merge schema of a kind, as its Go types declare it in Kubernetes and OpenShift.
///
/// Every kind gets `metadata.ownerReferences` (by `uid`) and `status.conditions` (by `type`).
/// On top: Pod (its PodSpec under `spec`, `status.podIPs` by `ip`); the pod-template kinds
/// Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, Job and
/// DeploymentConfig (PodSpec under `spec.template.spec`) and CronJob (under
/// `spec.jobTemplate.spec.template.spec`); Service (`spec.ports` by `port`); ImageStream
/// (`spec.tags` by `name`, `status.tags` by `tag`). PodSpec lists: containers, initContainers,
/// ephemeralContainers, volumes, imagePullSecrets, resourceClaims and schedulingGates by `name`,
/// hostAliases by `ip`, topologySpreadConstraints by `topologyKey`; in each container `env` by
/// `name`, `ports` by `containerPort`, `volumeMounts` by `mountPath`, `volumeDevices` by
/// `devicePath`. Unknown kinds get the common part only (the real API server refuses strategic
/// merge patches for custom resources; that decision is the caller's).
pub fn merge_schema_for(kind: &str) -> MergeSchema {
    let mut schema = MergeSchema::new()
        .with_merge_key("metadata.ownerReferences", "uid")
        .with_merge_key("status.conditions", "type");
    match kind {
        "Pod" => {
            add_pod_spec(&mut schema, "spec");
            schema.insert("status.podIPs", "ip");
        }
        "Deployment"
        | "ReplicaSet"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicationController"
        | "Job"
        | "DeploymentConfig" => add_pod_spec(&mut schema, "spec.template.spec"),
        "CronJob" => add_pod_spec(&mut schema, "spec.jobTemplate.spec.template.spec"),
        "Service" => schema.insert("spec.ports", "port"),
        "ImageStream" => {
            schema.insert("spec.tags", "name");
            schema.insert("status.tags", "tag");
        }
        _ => {}
    }
    schema
}

// ---------------------------------------------------------------------------------------------
// Strategic merge patch
// ---------------------------------------------------------------------------------------------

/// Applies a strategic merge patch to an object, with the list merge keys of `schema` (usually
/// [`merge_schema_for`] the object's kind). See the module documentation for the rules and
/// directives. The patch must be a JSON object; a non-object target is treated as `{}`.
///
/// # Errors
///
/// A [`PatchError`] pointing into the patch: a malformed document or directive, a merge-list
/// element without its merge key, a patch list that contradicts its `$setElementOrder`, a field
/// missing from `$retainKeys`, or a directive aimed at a field that is not a list.
pub fn strategic_merge_patch(
    target: &Value,
    patch: &Value,
    schema: &MergeSchema,
) -> Result<Value, PatchError> {
    let Some(patch) = patch.as_object() else {
        return Err(PatchError::new(
            PatchErrorKind::Malformed,
            "",
            format!(
                "a strategic merge patch must be a JSON object, not {}",
                type_name(patch)
            ),
        ));
    };
    let target = target.as_object().cloned();
    let mut walk = Walk {
        schema,
        path: Vec::new(),
        pointer: Vec::new(),
    };
    match walk.merge_map(target, patch)? {
        Some(merged) => Ok(Value::Object(merged)),
        None => Err(PatchError::new(
            PatchErrorKind::Unprocessable,
            "",
            "\"$patch\": \"delete\" cannot delete the whole object",
        )),
    }
}

/// What a key of a patch map is.
enum PatchKey<'a> {
    Field(&'a str),
    Patch,
    RetainKeys,
    SetElementOrder(&'a str),
    DeleteFromPrimitiveList(&'a str),
    /// A `$setElementOrder`/`$deleteFromPrimitiveList` key without `/<field>`.
    BadDirective(&'static str),
    /// Some other `$` key: a directive this server does not know, ignored.
    Unknown,
}

fn classify(key: &str) -> PatchKey<'_> {
    if !key.starts_with('$') {
        return PatchKey::Field(key);
    }
    if key == PATCH_DIRECTIVE {
        return PatchKey::Patch;
    }
    if key == RETAIN_KEYS_DIRECTIVE {
        return PatchKey::RetainKeys;
    }
    let directive_field = |prefix: &str| {
        key.strip_prefix(prefix)
            .map(|rest| rest.strip_prefix('/').filter(|field| !field.is_empty()))
    };
    match directive_field(SET_ELEMENT_ORDER_PREFIX) {
        Some(Some(field)) => return PatchKey::SetElementOrder(field),
        Some(None) => return PatchKey::BadDirective(SET_ELEMENT_ORDER_PREFIX),
        None => {}
    }
    match directive_field(DELETE_FROM_PRIMITIVE_LIST_PREFIX) {
        Some(Some(field)) => return PatchKey::DeleteFromPrimitiveList(field),
        Some(None) => return PatchKey::BadDirective(DELETE_FROM_PRIMITIVE_LIST_PREFIX),
        None => {}
    }
    PatchKey::Unknown
}

/// The merge key value of a list element, or the element itself for lists without a merge key.
fn key_of<'v>(item: &'v Value, merge_key: Option<&str>) -> Option<&'v Value> {
    match merge_key {
        Some(key) => item.as_object()?.get(key),
        None => Some(item),
    }
}

fn position_in(keys: &[Value], item: &Value, merge_key: Option<&str>) -> Option<usize> {
    let key = key_of(item, merge_key)?;
    keys.iter().position(|k| json_equal(k, key))
}

/// Orders a merged list as Kubernetes does: the items named in `order` come in that order,
/// the others keep their relative order, and the two runs are interleaved by the items' live
/// positions (`server_order`); where that cannot decide, the ordered item goes first.
fn reorder(
    items: Vec<Value>,
    order: &[Value],
    server_order: &[Value],
    merge_key: Option<&str>,
) -> Vec<Value> {
    let (mut ordered, others): (Vec<Value>, Vec<Value>) = items
        .into_iter()
        .partition(|item| position_in(order, item, merge_key).is_some());
    ordered.sort_by_key(|item| position_in(order, item, merge_key));
    let mut out = Vec::with_capacity(ordered.len() + others.len());
    let mut ordered = ordered.into_iter().peekable();
    let mut others = others.into_iter().peekable();
    loop {
        let take_other = match (others.peek(), ordered.peek()) {
            (Some(other), Some(next)) => matches!(
                (
                    position_in(server_order, other, merge_key),
                    position_in(server_order, next, merge_key),
                ),
                (Some(a), Some(b)) if a < b
            ),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_other {
            others.next()
        } else {
            ordered.next()
        };
        out.extend(next);
    }
    out
}

/// The walk through patch and object: the schema, the object path for merge-key lookups and
/// the patch pointer for error messages.
struct Walk<'s> {
    schema: &'s MergeSchema,
    path: Vec<Seg>,
    pointer: Vec<String>,
}

impl Walk<'_> {
    fn push(&mut self, seg: Seg, token: String) {
        self.path.push(seg);
        self.pointer.push(token);
    }

    fn pop(&mut self) {
        self.path.pop();
        self.pointer.pop();
    }

    fn pointer_with(&self, extra: &[&str]) -> String {
        render_pointer(
            self.pointer
                .iter()
                .map(String::as_str)
                .chain(extra.iter().copied()),
        )
    }

    fn error(&self, kind: PatchErrorKind, extra: &[&str], message: String) -> PatchError {
        PatchError::new(kind, self.pointer_with(extra), message)
    }

    /// Merges a patch map into a live map; `None` means "delete this map" (`$patch: delete`).
    fn merge_map(
        &mut self,
        target: Option<Object>,
        patch: &Object,
    ) -> Result<Option<Object>, PatchError> {
        let target = match patch.get(PATCH_DIRECTIVE) {
            None => target,
            Some(directive) => match directive.as_str() {
                Some("delete") => return Ok(None),
                Some("replace") => None,
                Some("merge") => target,
                _ => {
                    return Err(self.error(
                        PatchErrorKind::Malformed,
                        &[PATCH_DIRECTIVE],
                        format!(
                            "unknown $patch directive {}; expected \"replace\", \"delete\" or \"merge\"",
                            short(directive)
                        ),
                    ))
                }
            },
        };
        let mut out = target.unwrap_or_default();

        // The directives first: they must be well formed before anything changes.
        let mut retain: Option<Vec<&str>> = None;
        let mut orders: Vec<(&str, &str, &Vec<Value>)> = Vec::new();
        let mut deletions: Vec<(&str, &str, &Vec<Value>)> = Vec::new();
        for (key, value) in patch {
            let not_a_list = || {
                self.error(
                    PatchErrorKind::Malformed,
                    &[key],
                    format!("{key} must be a list, not {}", type_name(value)),
                )
            };
            match classify(key) {
                PatchKey::Field(_) | PatchKey::Patch | PatchKey::Unknown => {}
                PatchKey::BadDirective(prefix) => {
                    return Err(self.error(
                        PatchErrorKind::Malformed,
                        &[key],
                        format!("a {prefix} directive must be written \"{prefix}/<field>\""),
                    ))
                }
                PatchKey::RetainKeys => {
                    let list = value.as_array().ok_or_else(not_a_list)?;
                    let mut names = Vec::with_capacity(list.len());
                    for (index, name) in list.iter().enumerate() {
                        names.push(name.as_str().ok_or_else(|| {
                            self.error(
                                PatchErrorKind::Malformed,
                                &[key, &index.to_string()],
                                format!("$retainKeys lists field names, not {}", short(name)),
                            )
                        })?);
                    }
                    retain = Some(names);
                }
                PatchKey::SetElementOrder(field) => {
                    orders.push((field, key, value.as_array().ok_or_else(not_a_list)?));
                }
                PatchKey::DeleteFromPrimitiveList(field) => {
                    deletions.push((field, key, value.as_array().ok_or_else(not_a_list)?));
                }
            }
        }

        if let Some(names) = &retain {
            for (key, value) in patch {
                if let PatchKey::Field(field) = classify(key) {
                    if !value.is_null() && !names.contains(&field) {
                        return Err(self.error(
                            PatchErrorKind::Malformed,
                            &[key],
                            format!("field {field:?} is set but not listed in $retainKeys"),
                        ));
                    }
                }
            }
            out.retain(|key, _| names.contains(&key.as_str()));
        }

        for (key, value) in patch {
            let PatchKey::Field(field) = classify(key) else {
                continue;
            };
            self.push(Seg::Key(field.to_owned()), field.to_owned());
            match value {
                Value::Null => {
                    remove_key(&mut out, field);
                }
                Value::Object(child_patch) => {
                    let child = match out.get_mut(field) {
                        Some(Value::Object(map)) => Some(std::mem::take(map)),
                        _ => None,
                    };
                    match self.merge_map(child, child_patch)? {
                        Some(merged) => {
                            out.insert(field.to_owned(), Value::Object(merged));
                        }
                        None => {
                            remove_key(&mut out, field);
                        }
                    }
                }
                Value::Array(items) => {
                    let order = orders
                        .iter()
                        .find(|(name, _, _)| *name == field)
                        .map(|(_, key, list)| (*key, *list));
                    let child = match out.get_mut(field) {
                        Some(Value::Array(list)) => Some(std::mem::take(list)),
                        _ => None,
                    };
                    let merged = self.merge_list(child, Some(items), order)?;
                    out.insert(field.to_owned(), Value::Array(merged));
                }
                scalar => {
                    out.insert(field.to_owned(), scalar.clone());
                }
            }
            self.pop();
        }

        // `$setElementOrder` for lists the patch does not otherwise touch: reorder only.
        for (field, key, order) in &orders {
            match patch.get(*field) {
                Some(Value::Array(_) | Value::Null) => continue,
                Some(other) => {
                    return Err(self.error(
                        PatchErrorKind::Malformed,
                        &[key],
                        format!(
                            "{key} orders a list, but the patch sets {field:?} to a {}",
                            type_name(other)
                        ),
                    ))
                }
                None => {}
            }
            let child = match out.get_mut(*field) {
                None | Some(Value::Null) => continue,
                Some(Value::Array(list)) => std::mem::take(list),
                Some(other) => {
                    return Err(self.error(
                        PatchErrorKind::Unprocessable,
                        &[key],
                        format!(
                            "{field:?} is a {} in the object, not a list",
                            type_name(other)
                        ),
                    ))
                }
            };
            self.push(Seg::Key((*field).to_owned()), (*key).to_owned());
            let merged = self.merge_list(Some(child), None, Some((key, order)))?;
            self.pop();
            out.insert((*field).to_owned(), Value::Array(merged));
        }

        for (field, key, values) in &deletions {
            match out.get_mut(*field) {
                None | Some(Value::Null) => {}
                Some(Value::Array(list)) => {
                    list.retain(|item| !values.iter().any(|value| json_equal(item, value)));
                }
                Some(other) => {
                    return Err(self.error(
                        PatchErrorKind::Unprocessable,
                        &[key],
                        format!(
                            "{field:?} is a {} in the object, not a list",
                            type_name(other)
                        ),
                    ))
                }
            }
        }

        Ok(Some(out))
    }

    /// Merges a patch list (or, with `patch: None`, only a `$setElementOrder`) into a live
    /// list. The walk is positioned at the list's field; `order` is the `$setElementOrder`
    /// directive with its key.
    fn merge_list(
        &mut self,
        target: Option<Vec<Value>>,
        patch: Option<&Vec<Value>>,
        order: Option<(&str, &Vec<Value>)>,
    ) -> Result<Vec<Value>, PatchError> {
        let merge_key = self.schema.lookup(&self.path);
        let target = target.unwrap_or_default();
        let server_order: Vec<Value> = target
            .iter()
            .filter_map(|item| key_of(item, merge_key).cloned())
            .collect();

        let (merged, patch_keys, follow_patch_order) = match (patch, merge_key) {
            (None, _) => (target, Vec::new(), false),
            (Some(items), None) => {
                let merged = self.replace_list(items)?;
                let keys = merged.clone();
                (merged, keys, false)
            }
            (Some(items), Some(key)) => self.merge_keyed_list(target, items, key)?,
        };

        let Some((order_key, order)) = order else {
            return Ok(if follow_patch_order {
                reorder(merged, &patch_keys, &server_order, merge_key)
            } else {
                merged
            });
        };

        // The order directive sits next to the list in the patch map, not inside it.
        let parent_len = self.pointer.len().saturating_sub(1);
        let order_pointer = |index: Option<usize>| {
            let index = index.map(|i| i.to_string());
            render_pointer(
                self.pointer[..parent_len]
                    .iter()
                    .map(String::as_str)
                    .chain([order_key])
                    .chain(index.as_deref()),
            )
        };
        let mut order_keys = Vec::with_capacity(order.len());
        for (index, entry) in order.iter().enumerate() {
            let key = key_of(entry, merge_key).ok_or_else(|| {
                PatchError::new(
                    PatchErrorKind::Malformed,
                    order_pointer(Some(index)),
                    format!(
                        "{order_key} entries must be objects holding the merge key {:?}, not {}",
                        merge_key.unwrap_or_default(),
                        short(entry)
                    ),
                )
            })?;
            order_keys.push(key.clone());
        }
        if !order_keys.is_empty() {
            let mut cursor = 0;
            for key in &patch_keys {
                match order_keys[cursor..].iter().position(|k| json_equal(k, key)) {
                    Some(offset) => cursor += offset + 1,
                    None => {
                        return Err(PatchError::new(
                            PatchErrorKind::Malformed,
                            order_pointer(None),
                            format!(
                                "the order of the patch list doesn't match {order_key}: {} is missing or out of order",
                                short(key)
                            ),
                        ))
                    }
                }
            }
        }
        Ok(reorder(merged, &order_keys, &server_order, merge_key))
    }

    /// A list without merge key: the patch's elements, cleaned of directives and nulls.
    fn replace_list(&mut self, items: &[Value]) -> Result<Vec<Value>, PatchError> {
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::Object(map) => {
                    // A bare `{"$patch": …}` is a list-level directive; replacing is the default.
                    if map.len() == 1 && map.contains_key(PATCH_DIRECTIVE) {
                        continue;
                    }
                    self.push(Seg::Elem, index.to_string());
                    let cleaned = self.merge_map(None, map)?;
                    self.pop();
                    out.extend(cleaned.map(Value::Object));
                }
                other => out.push(other.clone()),
            }
        }
        Ok(out)
    }

    /// A list merged on `merge_key`. Returns the merged list, the merge keys of the patch's
    /// elements in patch order, and whether the patch's order applies (not after `replace`).
    fn merge_keyed_list(
        &mut self,
        target: Vec<Value>,
        items: &[Value],
        merge_key: &str,
    ) -> Result<(Vec<Value>, Vec<Value>, bool), PatchError> {
        let mut deletions: Vec<&Value> = Vec::new();
        let mut replace = false;
        let mut elements: Vec<(usize, &Object)> = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let Some(map) = item.as_object() else {
                return Err(self.error(
                    PatchErrorKind::Malformed,
                    &[&index.to_string()],
                    format!(
                        "elements of a list merged on {merge_key:?} must be objects, not {}",
                        type_name(item)
                    ),
                ));
            };
            let key = map.get(merge_key);
            let missing_key = || {
                self.error(
                    PatchErrorKind::Malformed,
                    &[&index.to_string()],
                    format!("the element does not contain the list's merge key {merge_key:?}"),
                )
            };
            match map.get(PATCH_DIRECTIVE) {
                None => {
                    key.ok_or_else(missing_key)?;
                    elements.push((index, map));
                }
                Some(directive) => match directive.as_str() {
                    Some("delete") => deletions.push(key.ok_or_else(missing_key)?),
                    Some("replace") => replace = true,
                    Some("merge") => {
                        key.ok_or_else(missing_key)?;
                        elements.push((index, map));
                    }
                    _ => {
                        return Err(self.error(
                            PatchErrorKind::Malformed,
                            &[&index.to_string(), PATCH_DIRECTIVE],
                            format!(
                                "unknown $patch directive {}; expected \"replace\", \"delete\" or \"merge\"",
                                short(directive)
                            ),
                        ))
                    }
                },
            }
        }

        let patch_keys: Vec<Value> = elements
            .iter()
            .filter_map(|(_, map)| map.get(merge_key).cloned())
            .collect();
        let mut list = if replace {
            Vec::new()
        } else {
            let mut list = target;
            list.retain(|item| {
                !key_of(item, Some(merge_key))
                    .is_some_and(|key| deletions.iter().any(|d| json_equal(key, d)))
            });
            list
        };
        for (index, map) in elements {
            let Some(key) = map.get(merge_key) else {
                continue;
            };
            let position = list
                .iter()
                .position(|item| key_of(item, Some(merge_key)).is_some_and(|k| json_equal(k, key)));
            self.push(Seg::Elem, index.to_string());
            match position {
                Some(position) => {
                    let live = match list.get_mut(position) {
                        Some(Value::Object(live)) => Some(std::mem::take(live)),
                        _ => None,
                    };
                    match self.merge_map(live, map)? {
                        Some(merged) => {
                            if let Some(slot) = list.get_mut(position) {
                                *slot = Value::Object(merged);
                            }
                        }
                        None => {
                            list.remove(position);
                        }
                    }
                }
                None => {
                    if let Some(merged) = self.merge_map(None, map)? {
                        list.push(Value::Object(merged));
                    }
                }
            }
            self.pop();
        }
        Ok((list, patch_keys, !replace))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // ---- strategic merge patch --------------------------------------------------------------

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": {
                "name": "web",
                "namespace": "demo",
                "labels": {"app": "web"},
                "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"old\":1}"}
            },
            "spec": {
                "replicas": 2,
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}
                },
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {
                        "containers": [
                            {
                                "name": "app",
                                "image": "quay.io/demo/app:1",
                                "args": ["--port", "8080"],
                                "env": [
                                    {"name": "A", "value": "1"},
                                    {"name": "B", "value": "2"}
                                ],
                                "ports": [{"containerPort": 8080, "protocol": "TCP"}]
                            },
                            {"name": "sidecar", "image": "quay.io/demo/sidecar:1"}
                        ],
                        "volumes": [{"name": "data", "emptyDir": {}}]
                    }
                }
            }
        })
    }

    fn smp(target: &Value, patch: Value, kind: &str) -> Result<Value, PatchError> {
        strategic_merge_patch(target, &patch, &merge_schema_for(kind))
    }

    fn containers(object: &Value) -> &Vec<Value> {
        object["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
    }

    fn names(list: &[Value], key: &str) -> Vec<String> {
        list.iter().map(|item| item[key].to_string()).collect()
    }

    #[test]
    fn smp_replaces_a_container_field_by_name_keeping_the_others() {
        let target = deployment();
        let patched = smp(
            &target,
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "sidecar", "image": "quay.io/demo/sidecar:2"}
            ]}}}}),
            "Deployment",
        )
        .unwrap();
        let list = containers(&patched);
        assert_eq!(names(list, "name"), ["\"app\"", "\"sidecar\""]);
        assert_eq!(list[0], containers(&target)[0]);
        assert_eq!(list[1]["image"], "quay.io/demo/sidecar:2");
    }

    #[test]
    fn smp_adds_a_container_where_kubernetes_puts_it() {
        let target = deployment();
        // Without $setElementOrder a new element goes before the server-only ones...
        let patched = smp(
            &target,
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "logger", "image": "quay.io/demo/logger:1"}
            ]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            names(containers(&patched), "name"),
            ["\"logger\"", "\"app\"", "\"sidecar\""]
        );
        // ...and after the live elements the patch names before it.
        let patched = smp(
            &target,
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "app", "image": "quay.io/demo/app:2"},
                {"name": "logger", "image": "quay.io/demo/logger:1"}
            ]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            names(containers(&patched), "name"),
            ["\"app\"", "\"logger\"", "\"sidecar\""]
        );
        assert_eq!(containers(&patched)[0]["image"], "quay.io/demo/app:2");
        assert_eq!(
            containers(&patched)[0]["env"],
            containers(&target)[0]["env"]
        );
    }

    #[test]
    fn smp_merges_env_by_name() {
        let patched = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {"containers": [{
                "name": "app",
                "env": [
                    {"name": "B", "value": "20"},
                    {"name": "C", "value": "3"},
                    {"name": "A", "$patch": "delete"}
                ]
            }]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            containers(&patched)[0]["env"],
            json!([{"name": "B", "value": "20"}, {"name": "C", "value": "3"}])
        );
    }

    #[test]
    fn smp_deletes_a_container_with_patch_delete() {
        let patched = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "sidecar", "$patch": "delete"}
            ]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(names(containers(&patched), "name"), ["\"app\""]);
        // Deleting an element that is not there is not an error.
        let patched = smp(
            &patched,
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "nope", "$patch": "delete"}
            ]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(names(containers(&patched), "name"), ["\"app\""]);
    }

    #[test]
    fn smp_honours_set_element_order() {
        // What kubectl apply sends when it changes one container and adds another.
        let patched = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [
                    {"name": "sidecar"}, {"name": "logger"}, {"name": "app"}
                ],
                "containers": [
                    {"name": "logger", "image": "quay.io/demo/logger:1"},
                    {"name": "app", "image": "quay.io/demo/app:2"}
                ]
            }}}}),
            "Deployment",
        )
        .unwrap();
        let list = containers(&patched);
        assert_eq!(
            names(list, "name"),
            ["\"sidecar\"", "\"logger\"", "\"app\""]
        );
        assert_eq!(list[2]["image"], "quay.io/demo/app:2");
        assert!(!patched["spec"]["template"]["spec"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with('$')));

        // Reorder only, no list in the patch; an order naming absent items is fine.
        let reordered = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [
                    {"name": "sidecar"}, {"name": "gone"}, {"name": "app"}
                ]
            }}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            names(containers(&reordered), "name"),
            ["\"sidecar\"", "\"app\""]
        );

        // The patch list must follow the directive's order.
        let err = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "app"}, {"name": "sidecar"}],
                "containers": [{"name": "sidecar", "image": "x"}, {"name": "app", "image": "y"}]
            }}}}),
            "Deployment",
        )
        .unwrap_err();
        assert_eq!(err.kind(), PatchErrorKind::Malformed);
        assert_eq!(
            err.pointer(),
            "/spec/template/spec/$setElementOrder~1containers"
        );
        assert!(err.message().contains("doesn't match"), "{err}");
    }

    #[test]
    fn smp_set_element_order_and_delete_from_primitive_list() {
        // Upstream's "delete items in lists of scalars" case.
        let target = json!({"metadata": {"finalizers": ["1", "2", "3", "4"]}});
        let patched = smp(
            &target,
            json!({"metadata": {
                "$setElementOrder/finalizers": ["2", "1"],
                "$deleteFromPrimitiveList/finalizers": ["3"]
            }}),
            "Pod",
        )
        .unwrap();
        assert_eq!(
            patched,
            json!({"metadata": {"finalizers": ["2", "1", "4"]}})
        );
        // Deleting from a missing list does not create it.
        let patched = smp(
            &json!({"metadata": {}}),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["x"]}}),
            "Pod",
        )
        .unwrap();
        assert_eq!(patched, json!({"metadata": {}}));
    }

    #[test]
    fn smp_retain_keys_clears_the_other_union_members() {
        // What kubectl apply sends when the strategy changes from RollingUpdate to Recreate.
        let patched = smp(
            &deployment(),
            json!({"spec": {"strategy": {
                "$retainKeys": ["type"],
                "type": "Recreate",
                "rollingUpdate": null
            }}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(patched["spec"]["strategy"], json!({"type": "Recreate"}));

        // Inside a merge-list element: a volume switching its source.
        let patched = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {"volumes": [{
                "name": "data",
                "$retainKeys": ["name", "hostPath"],
                "hostPath": {"path": "/srv"}
            }]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            patched["spec"]["template"]["spec"]["volumes"],
            json!([{"name": "data", "hostPath": {"path": "/srv"}}])
        );

        // A field set by the patch must be retained.
        let err = smp(
            &deployment(),
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": {}}}}),
            "Deployment",
        )
        .unwrap_err();
        assert_eq!(err.kind(), PatchErrorKind::Malformed);
        assert_eq!(err.pointer(), "/spec/strategy/rollingUpdate");
    }

    #[test]
    fn smp_replaces_lists_without_merge_key() {
        let patched = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "app", "args": ["--port", "9090", "--verbose"]}
            ]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            containers(&patched)[0]["args"],
            json!(["--port", "9090", "--verbose"])
        );
        assert_eq!(containers(&patched)[0]["image"], "quay.io/demo/app:1");
    }

    #[test]
    fn smp_merges_container_ports_and_service_ports_by_port() {
        let patched = smp(
            &deployment(),
            json!({"spec": {"template": {"spec": {"containers": [{
                "name": "app",
                "ports": [{"containerPort": 8080, "name": "http"}, {"containerPort": 9090}]
            }]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            containers(&patched)[0]["ports"],
            json!([
                {"containerPort": 8080, "protocol": "TCP", "name": "http"},
                {"containerPort": 9090}
            ])
        );

        let service = json!({
            "kind": "Service",
            "metadata": {"name": "web"},
            "spec": {
                "selector": {"app": "web"},
                "ports": [
                    {"name": "http", "port": 80, "targetPort": 8080},
                    {"name": "https", "port": 443, "targetPort": 8443}
                ]
            }
        });
        let patched = smp(
            &service,
            json!({"spec": {"ports": [{"port": 443, "targetPort": 9443}]}}),
            "Service",
        )
        .unwrap();
        assert_eq!(
            patched["spec"]["ports"],
            json!([
                {"name": "http", "port": 80, "targetPort": 8080},
                {"name": "https", "port": 443, "targetPort": 9443}
            ])
        );
        // Merge keys compare as JSON values: 443.0 is port 443.
        let patched = smp(
            &service,
            json!({"spec": {"ports": [{"port": 443.0, "$patch": "delete"}]}}),
            "Service",
        )
        .unwrap();
        assert_eq!(
            names(patched["spec"]["ports"].as_array().unwrap(), "port"),
            ["80"]
        );
    }

    #[test]
    fn smp_merges_image_stream_tags_by_name() {
        let stream = json!({
            "apiVersion": "image.openshift.io/v1",
            "kind": "ImageStream",
            "metadata": {"name": "app", "namespace": "demo"},
            "spec": {
                "lookupPolicy": {"local": false},
                "tags": [
                    {
                        "name": "latest",
                        "from": {"kind": "DockerImage", "name": "quay.io/demo/app:latest"},
                        "importPolicy": {"scheduled": true},
                        "referencePolicy": {"type": "Source"}
                    },
                    {
                        "name": "stable",
                        "from": {"kind": "ImageStreamTag", "name": "app:latest"},
                        "referencePolicy": {"type": "Source"}
                    }
                ]
            },
            "status": {
                "dockerImageRepository": "registry/demo/app",
                "tags": [
                    {"tag": "latest", "items": [{"image": "sha256:aaa"}]},
                    {"tag": "stable", "items": [{"image": "sha256:aaa"}]}
                ]
            }
        });
        let patched = smp(
            &stream,
            json!({"spec": {"tags": [
                {"name": "stable", "from": {"kind": "DockerImage", "name": "quay.io/demo/app:v2"}}
            ]}}),
            "ImageStream",
        )
        .unwrap();
        let tags = patched["spec"]["tags"].as_array().unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(tags[0], stream["spec"]["tags"][0]);
        assert_eq!(
            tags[1],
            json!({
                "name": "stable",
                "from": {"kind": "DockerImage", "name": "quay.io/demo/app:v2"},
                "referencePolicy": {"type": "Source"}
            })
        );
        assert_eq!(patched["status"], stream["status"]);

        let patched = smp(
            &stream,
            json!({"status": {"tags": [{"tag": "stable", "items": [{"image": "sha256:bbb"}]}]}}),
            "ImageStream",
        )
        .unwrap();
        assert_eq!(patched["status"]["tags"][0], stream["status"]["tags"][0]);
        assert_eq!(
            patched["status"]["tags"][1]["items"],
            json!([{"image": "sha256:bbb"}])
        );
    }

    #[test]
    fn smp_second_kubectl_apply_only_touches_the_annotation() {
        let target = deployment();
        let config = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\"}";
        let patched = smp(
            &target,
            json!({"metadata": {"annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": config
            }}}),
            "Deployment",
        )
        .unwrap();
        let mut expected = target.clone();
        expected["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] =
            json!(config);
        assert_eq!(patched, expected);
        // An empty patch is the identity.
        assert_eq!(smp(&target, json!({}), "Deployment").unwrap(), target);
    }

    #[test]
    fn smp_patch_replace_and_delete_in_maps_and_lists() {
        let target = deployment();
        let patched = smp(
            &target,
            json!({
                "metadata": {"labels": {"$patch": "replace", "tier": "front"}},
                "spec": {"strategy": {"rollingUpdate": {"$patch": "delete"}}}
            }),
            "Deployment",
        )
        .unwrap();
        assert_eq!(patched["metadata"]["labels"], json!({"tier": "front"}));
        assert_eq!(
            patched["spec"]["strategy"],
            json!({"type": "RollingUpdate"})
        );

        let patched = smp(
            &target,
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "only", "image": "x", "env": [{"name": "Z", "$patch": "delete"}]},
                {"$patch": "replace"}
            ]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(
            containers(&patched),
            &vec![json!({"name": "only", "image": "x", "env": []})]
        );

        let patched = smp(
            &target,
            json!({"spec": {"template": {"spec": {"volumes": [{"$patch": "replace"}]}}}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(patched["spec"]["template"]["spec"]["volumes"], json!([]));

        // `$patch: merge` is the default and accepted; the whole object cannot be deleted.
        let patched = smp(
            &target,
            json!({"$patch": "merge", "spec": {"replicas": 3}}),
            "Deployment",
        )
        .unwrap();
        assert_eq!(patched["spec"]["replicas"], 3);
        let err = smp(&target, json!({"$patch": "delete"}), "Deployment").unwrap_err();
        assert_eq!(err.kind(), PatchErrorKind::Unprocessable);
    }

    #[test]
    fn smp_new_values_are_stored_without_directives_or_nulls() {
        let patched = smp(
            &json!({"metadata": {"name": "p"}}),
            json!({
                "spec": {
                    "$setElementOrder/containers": [{"name": "a"}],
                    "containers": [{"name": "a", "image": "x", "command": null}],
                    "$someFutureDirective": true
                },
                "metadata": {"labels": {"a": null, "b": "1"}}
            }),
            "Pod",
        )
        .unwrap();
        assert_eq!(
            patched,
            json!({
                "metadata": {"name": "p", "labels": {"b": "1"}},
                "spec": {"containers": [{"name": "a", "image": "x"}]}
            })
        );
    }

    #[test]
    fn smp_rejects_bad_patches_with_a_location() {
        let target = deployment();
        let cases = [
            (json!([]), ""),
            (
                json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}),
                "/spec/template/spec/containers/0",
            ),
            (
                json!({"spec": {"template": {"spec": {"containers": ["app"]}}}}),
                "/spec/template/spec/containers/0",
            ),
            (
                json!({"spec": {"template": {"spec": {"containers": [{"$patch": "delete"}]}}}}),
                "/spec/template/spec/containers/0",
            ),
            (
                json!({"spec": {"template": {"spec": {"containers": [
                    {"name": "app", "$patch": "explode"}
                ]}}}}),
                "/spec/template/spec/containers/0/$patch",
            ),
            (json!({"spec": {"$patch": 7}}), "/spec/$patch"),
            (
                json!({"spec": {"$retainKeys": "replicas"}}),
                "/spec/$retainKeys",
            ),
            (json!({"spec": {"$retainKeys": [1]}}), "/spec/$retainKeys/0"),
            (
                json!({"spec": {"$setElementOrder/ports": {}}}),
                "/spec/$setElementOrder~1ports",
            ),
            (
                json!({"spec": {"$deleteFromPrimitiveList": ["a"]}}),
                "/spec/$deleteFromPrimitiveList",
            ),
            (
                json!({"spec": {"template": {"spec": {"$setElementOrder/containers": ["app"]}}}}),
                "/spec/template/spec/$setElementOrder~1containers/0",
            ),
        ];
        for (patch, pointer) in cases {
            let err = smp(&target, patch.clone(), "Deployment").unwrap_err();
            assert_eq!(
                err.kind(),
                PatchErrorKind::Malformed,
                "patch {patch}: {err}"
            );
            assert_eq!(err.pointer(), pointer, "patch {patch}: {err}");
            assert_eq!(err.http_status(), 400);
        }
        let err = smp(
            &target,
            json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}),
            "Deployment",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "at \"/spec/template/spec/containers/0\": the element does not contain the list's merge key \"name\""
        );
    }

    #[test]
    fn smp_handles_odd_inputs_without_panicking() {
        let schema = merge_schema_for("Pod");
        let odd = [
            json!(null),
            json!("text"),
            json!([1, 2]),
            json!({"spec": "text"}),
            json!({"spec": {"containers": "text"}}),
            json!({"spec": {"containers": [1, null, {"image": "no-name"}, [1]]}}),
            json!({"metadata": {"finalizers": {"a": 1}}}),
        ];
        let patches = [
            json!({"spec": {"containers": [{"name": "a"}]}}),
            json!({"spec": {"$setElementOrder/containers": [{"name": "a"}]}}),
            json!({"spec": {"containers": [{"name": "a", "$patch": "delete"}]}}),
            json!({"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}),
            json!({"spec": {"containers": [{"name": "a", "env": [[1]]}]}}),
            json!({"spec": {"$setElementOrder/volumes": [{"name": "x"}], "volumes": 3}}),
        ];
        for target in &odd {
            for patch in &patches {
                let _ = strategic_merge_patch(target, patch, &schema);
            }
        }
        // A target that is not an object is treated as {}.
        assert_eq!(
            strategic_merge_patch(&json!("x"), &json!({"a": 1}), &schema).unwrap(),
            json!({"a": 1})
        );
    }

    #[test]
    fn merge_schema_patterns() {
        let pod = merge_schema_for("Pod");
        assert_eq!(pod.merge_key("spec.containers"), Some("name"));
        assert_eq!(pod.merge_key("spec.initContainers[].env"), Some("name"));
        assert_eq!(
            pod.merge_key("spec.containers[].ports"),
            Some("containerPort")
        );
        assert_eq!(
            pod.merge_key("spec.containers[].volumeMounts"),
            Some("mountPath")
        );
        assert_eq!(pod.merge_key("spec.containers[].args"), None);
        assert_eq!(pod.merge_key("spec.template.spec.containers"), None);
        assert_eq!(pod.merge_key("metadata.ownerReferences"), Some("uid"));
        assert_eq!(pod.merge_key("status.conditions"), Some("type"));

        let deployment = merge_schema_for("Deployment");
        assert_eq!(
            deployment.merge_key("spec.template.spec.containers[].env"),
            Some("name")
        );
        assert_eq!(
            deployment.merge_key("spec.template.spec.volumes"),
            Some("name")
        );
        assert_eq!(deployment.merge_key("spec.containers"), None);
        assert_eq!(
            merge_schema_for("Service").merge_key("spec.ports"),
            Some("port")
        );
        let stream = merge_schema_for("ImageStream");
        assert_eq!(stream.merge_key("spec.tags"), Some("name"));
        assert_eq!(stream.merge_key("status.tags"), Some("tag"));
        assert_eq!(merge_schema_for("Unknown").merge_key("spec.tags"), None);

        let custom = MergeSchema::new()
            .with_merge_key("items[].*.entries", "id")
            .with_merge_key("items[].*.entries", "key");
        assert_eq!(custom.merge_key("items[].anything.entries"), Some("key"));
        assert_eq!(custom.merge_key("items.anything.entries"), None);
    }
}
