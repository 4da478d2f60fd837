//! The one way a request body becomes an object: parsed, checked against the kind's types the
//! way kube-apiserver's decoder checks it, and only then handed on to be stored.
//!
//! What the real server does, and this module copies:
//! - the create and update handlers (apiserver `endpoints/handlers/create.go`, `update.go`)
//!   validate the `fieldValidation` option first (`ValidateFieldValidation`: an unknown value
//!   is a 422 on `CreateOptions`/`UpdateOptions`/`PatchOptions`);
//! - the JSON serializer decodes the body into the typed object with sigs.k8s.io/json; a value
//!   of the wrong JSON type is an `UnmarshalTypeError` ("json: cannot unmarshal number into Go
//!   struct field ObjectMeta.metadata.annotations of type string"), which the handler's
//!   `transformDecodeError` turns into a 400 "ImageStream in version "v1" cannot be handled as
//!   a ImageStream: …";
//! - with `fieldValidation=Strict` the strict decoder also reports every unknown field and
//!   every duplicate key, at any depth, in document order ("strict decoding error: unknown
//!   field "spec.foo", duplicate field "metadata.name""); `Warn` (the default) and `Ignore`
//!   accept them;
//! - a patched object is decoded the same way, but the patch handler (`patch.go`,
//!   `applyPatch`) reports a failure as a 422 on the field `patch`.
//!
//! The typed check uses the model crate's types (the console's own view of each kind), so it
//! runs in the browser's demo worker too. Where a kind's types end (fields the model keeps in
//! `extra`), a full-schema checker can be plugged in with [`install_schema_checker`]: natively,
//! the Kubernetes protobuf descriptors know every field of the built-in kinds.

use crate::api::{failure, internal_error, ApiResponse};
use crate::resources::{self, Resource};
use imagestream_model::validation::{FieldError, FieldErrorType, FieldValue};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::OnceLock;

/// How unknown and duplicate fields are treated (the `fieldValidation` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    /// Accepted silently.
    Ignore,
    /// Accepted; the real server adds a `Warning` header (devcluster sends none).
    Warn,
    /// Rejected with a strict decoding error.
    Strict,
}

impl FieldValidation {
    /// Reads the query parameter for a request whose options kind is `options_kind`
    /// (`CreateOptions`, `UpdateOptions`, `PatchOptions`). Unknown values are the 422 of
    /// apimachinery's `ValidateFieldValidation`; an absent or empty value means `Warn`.
    pub fn from_query(value: Option<&str>, options_kind: &str) -> Result<Self, ApiResponse> {
        match value.unwrap_or_default() {
            "" | "Warn" => Ok(Self::Warn),
            "Ignore" => Ok(Self::Ignore),
            "Strict" => Ok(Self::Strict),
            other => {
                let error = FieldError {
                    field: "fieldValidation".into(),
                    reason: FieldErrorType::NotSupported,
                    value: Some(FieldValue::Text(other.to_owned())),
                    message: "supported values: \"\", \"Ignore\", \"Strict\", \"Warn\"".into(),
                };
                Err(invalid_options(options_kind, &error))
            }
        }
    }
}

/// The 422 for a bad request option: `CreateOptions.meta.k8s.io "" is invalid: …`.
fn invalid_options(options_kind: &str, error: &FieldError) -> ApiResponse {
    failure(
        422,
        "Invalid",
        format!("{options_kind}.meta.k8s.io \"\" is invalid: {error}"),
        Some(serde_json::json!({
            "group": "meta.k8s.io",
            "kind": options_kind,
            "causes": crate::kinds::causes(std::slice::from_ref(error)),
        })),
    )
}

/// What a full-schema checker found in one object: the first wrong-typed value in the Go
/// decoder's words (`json: cannot unmarshal …`), and the fields the kind does not declare, as
/// paths (`spec.template.spec.foo`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchemaReport {
    /// The first type error, if any.
    pub type_error: Option<String>,
    /// Unknown fields at any depth, in document order.
    pub unknown_fields: Vec<String>,
}

/// A checker that knows every field of the built-in kinds: `(apiVersion, kind, object)`.
/// It returns `None` for a kind it does not know.
pub type SchemaChecker = fn(&str, &str, &Value) -> Option<SchemaReport>;

static SCHEMA_CHECKER: OnceLock<SchemaChecker> = OnceLock::new();

/// Plugs in a full-schema checker (natively, one built from the Kubernetes protobuf
/// descriptors). Called once at start-up; later calls are ignored. Without one, unknown fields
/// are found where [`crate::kinds`] declares a kind's fields, and types are checked where the
/// model's types reach.
pub fn install_schema_checker(checker: SchemaChecker) {
    let _ = SCHEMA_CHECKER.set(checker);
}

/// Whether the installed checker knows `resource`'s kind (then it finds unknown fields itself;
/// otherwise the fields [`crate::kinds`] declares are the reference, as in the demo worker).
fn schema_knows(resource: &Resource) -> bool {
    schema_report(resource, &Value::Object(serde_json::Map::new())).is_some()
}

fn schema_report(resource: &Resource, object: &Value) -> Option<SchemaReport> {
    let checker = SCHEMA_CHECKER.get()?;
    checker(&resource.group_version(), resource.kind, object)
}

/// A JSON value as it was written: object members in document order, duplicates kept, so the
/// strict check can report them as the Go decoder does (serde_json's `Value` keeps only the
/// last of duplicate keys, and sorts them).
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Scalar(Value),
    Array(Vec<Node>),
    Object(Vec<(String, Node)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(
            serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Node, E> {
        Ok(Node::Scalar(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Scalar(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut members = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Node>()? {
            members.push((key, value));
        }
        Ok(Node::Object(members))
    }
}

impl Node {
    /// The value a client means: for duplicate keys the last one wins, as in serde_json.
    fn into_value(self) -> Value {
        match self {
            Node::Scalar(value) => value,
            Node::Array(items) => Value::Array(items.into_iter().map(Node::into_value).collect()),
            Node::Object(members) => {
                let mut map = Map::new();
                for (key, value) in members {
                    map.insert(key, value.into_value());
                }
                Value::Object(map)
            }
        }
    }
}

/// Walks a parsed body the way the strict decoder does and lists its complaints in document
/// order: `duplicate field "x"` for a repeated key, `unknown field "spec.foo"` for a key the
/// kind does not declare (where [`crate::kinds::declared_fields`] knows the level, or the
/// full-schema checker is installed, in which case its list is used instead).
fn strict_errors(kind: &str, node: &Node, check_unknown: bool) -> Vec<String> {
    let mut errors = Vec::new();
    walk_strict(kind, node, "", "", check_unknown, &mut errors);
    // The Go decoder keeps at most 100 strict errors, each once.
    let mut seen = std::collections::BTreeSet::new();
    errors.retain(|e| seen.insert(e.clone()));
    errors.truncate(100);
    errors
}

fn walk_strict(
    kind: &str,
    node: &Node,
    schema_path: &str,
    display_path: &str,
    check_unknown: bool,
    errors: &mut Vec<String>,
) {
    let join = |key: &str| {
        if display_path.is_empty() {
            key.to_owned()
        } else {
            format!("{display_path}.{key}")
        }
    };
    match node {
        Node::Scalar(_) => {}
        Node::Array(items) => {
            let element_schema = format!("{schema_path}[]");
            for (index, item) in items.iter().enumerate() {
                let display = format!("{display_path}[{index}]");
                walk_strict(kind, item, &element_schema, &display, check_unknown, errors);
            }
        }
        Node::Object(members) => {
            let declared = crate::kinds::declared_fields(kind, schema_path);
            // A set, not a list: a body may hold an object with a hundred thousand keys.
            let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
            for (key, value) in members {
                let known = declared.is_none_or(|fields| fields.contains(&key.as_str()));
                if !known && check_unknown {
                    errors.push(format!("unknown field {:?}", join(key)));
                    continue;
                }
                if !seen.insert(key.as_str()) {
                    errors.push(format!("duplicate field {:?}", join(key)));
                }
                let child_schema = if schema_path.is_empty() {
                    key.clone()
                } else {
                    format!("{schema_path}.{key}")
                };
                walk_strict(
                    kind,
                    value,
                    &child_schema,
                    &join(key),
                    check_unknown,
                    errors,
                );
            }
        }
    }
}

/// The strict decoder's error for what the walk found plus the full-schema checker's unknown
/// fields, if there is anything to say.
fn strict_message(resource: &Resource, mut found: Vec<String>, object: &Value) -> Option<String> {
    if let Some(report) = schema_report(resource, object) {
        found.extend(
            report
                .unknown_fields
                .iter()
                .map(|field| format!("unknown field {field:?}")),
        );
    }
    (!found.is_empty()).then(|| format!("strict decoding error: {}", found.join(", ")))
}

/// Parses a request body into a JSON object, with the strict decoder's complaints when asked
/// for. Malformed JSON and non-objects keep devcluster's long-standing 400s.
pub fn parse_body(
    resource: &Resource,
    body: &[u8],
    validation: FieldValidation,
) -> Result<Value, ApiResponse> {
    let node: Node = serde_json::from_slice(body).map_err(|err| {
        bad_request(format!("the body of the request was in an unknown format - accepted media types include: application/json, application/yaml ({err})"))
    })?;
    if !matches!(node, Node::Object(_)) {
        return Err(bad_request("the body of the request must be a JSON object"));
    }
    let strict = if validation == FieldValidation::Strict {
        strict_errors(resource.kind, &node, !schema_knows(resource))
    } else {
        Vec::new()
    };
    let object = node.into_value();
    check_type_meta(resource, &object, body)?;
    if let Err(message) = type_errors(resource, &object) {
        return Err(cannot_be_handled(resource, &object, &message));
    }
    if validation == FieldValidation::Strict {
        if let Some(message) = strict_message(resource, strict, &object) {
            return Err(cannot_be_handled(resource, &object, &message));
        }
    }
    Ok(object)
}

/// Checks an object that a patch produced, as the patch handler decodes it: a wrong-typed
/// value is a 422 on the field `patch` quoting the patched object. Also refuses objects nested
/// deeper than any write may store ([`crate::limits::MAX_OBJECT_DEPTH`]), since a patch can
/// build one.
pub fn check_patched(
    resource: &Resource,
    object: &Value,
    validation: FieldValidation,
) -> Result<(), ApiResponse> {
    let problem = if crate::limits::too_deep(object) {
        Some(format!(
            "the patched object nests deeper than {} levels",
            crate::limits::MAX_OBJECT_DEPTH
        ))
    } else if let Err(error) = type_errors(resource, object) {
        Some(error)
    } else if validation == FieldValidation::Strict {
        let found = serde_json::from_value::<Node>(object.clone())
            .map(|node| strict_errors(resource.kind, &node, !schema_knows(resource)))
            .unwrap_or_default();
        strict_message(resource, found, object)
    } else {
        None
    };
    let Some(problem) = problem else {
        return Ok(());
    };
    let error = FieldError::invalid(
        "patch",
        FieldValue::Text(serde_json::to_string(object).unwrap_or_default()),
        problem,
    );
    Err(failure(
        422,
        "Invalid",
        format!(" \"\" is invalid: {error}"),
        Some(serde_json::json!({"causes": crate::kinds::causes(std::slice::from_ref(&error))})),
    ))
}

/// `apiVersion` and `kind` as the serializer reads them before the body: strings, and a kind
/// and version this resource serves.
fn check_type_meta(resource: &Resource, object: &Value, body: &[u8]) -> Result<(), ApiResponse> {
    for field in ["apiVersion", "kind"] {
        let value = object.get(field).unwrap_or(&Value::Null);
        if !matches!(value, Value::String(_) | Value::Null) {
            // The serializer's `meta.Interpret` fails before it knows the kind: the handler's
            // `transformDecodeError` then has no kind to name and summarizes the body.
            let message = format!(
                "couldn't get version/kind; json parse error: json: cannot unmarshal {} into Go struct field .{field} of type string",
                go_json_type(value)
            );
            return Err(bad_request(format!(
                "the object provided is unrecognized (must be of type {}): {message} ({})",
                resource.kind,
                summarize(body)
            )));
        }
    }
    let served = resource.group_version();
    let api_version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .unwrap_or(&served);
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .filter(|k| !k.is_empty())
        .unwrap_or(resource.kind);
    if api_version == served && kind == resource.kind {
        return Ok(());
    }
    // openshift-apiserver's scheme also holds its kinds in the legacy core version `v1`
    // (`legacy.InstallInternalLegacy…`), so those decode and only then fail the version check.
    let registered = resources::RESOURCES.iter().any(|r| {
        r.kind == kind
            && (r.group_version() == api_version
                || (api_version == "v1" && r.group.ends_with("openshift.io")))
    });
    if registered && kind == resource.kind {
        // Decoded, but into a group or version this endpoint does not serve (create.go).
        return Err(bad_request(format!(
            "the API version in the data ({api_version}) does not match the expected API version ({served})"
        )));
    }
    if registered {
        return Err(bad_request(format!(
            "the kind {kind:?} of the object does not match the resource {:?} ({})",
            resource.plural, resource.kind
        )));
    }
    let version = api_version.rsplit('/').next().unwrap_or_default();
    // runtime.Scheme's `NotRegisteredErr`; the scheme is named after where kube-apiserver
    // creates it (legacyscheme), which openshift-apiserver shares.
    Err(bad_request(format!(
        "{kind} in version {version:?} cannot be handled as a {}: no kind {kind:?} is registered for version {api_version:?} in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\"",
        resource.kind
    )))
}

/// The apiserver's `summarizeData(body, 30)`: the start of a JSON body, or of its hex.
fn summarize(body: &[u8]) -> String {
    const MAX: usize = 30;
    let head = body.get(..MAX).unwrap_or(body);
    let more = if body.len() > MAX { " ..." } else { "" };
    match body.first() {
        None => "<empty>".into(),
        Some(b'{') => format!("{}{more}", String::from_utf8_lossy(head)),
        Some(_) => format!(
            "{}{more}",
            head.iter().map(|b| format!("{b:02x}")).collect::<String>()
        ),
    }
}

fn bad_request(message: impl Into<String>) -> ApiResponse {
    failure(400, "BadRequest", message, None)
}

/// `transformDecodeError`'s 400: `<Kind> in version "<v>" cannot be handled as a <Kind>: …`.
fn cannot_be_handled(resource: &Resource, object: &Value, message: &str) -> ApiResponse {
    let version = object
        .get("apiVersion")
        .and_then(Value::as_str)
        .filter(|v| !v.is_empty())
        .map(|v| v.rsplit('/').next().unwrap_or_default().to_owned())
        .unwrap_or_else(|| resource.version.to_owned());
    bad_request(format!(
        "{kind} in version {version:?} cannot be handled as a {kind}: {message}",
        kind = resource.kind
    ))
}

/// The 500 the real server gives a create that carries a resourceVersion: the storage layer's
/// `ErrResourceVersionSetOnCreate` is a plain error.
pub fn resource_version_set_on_create() -> ApiResponse {
    internal_error("resourceVersion should not be set on objects to be created")
}

/// Checks an object against the model's types for its kind, in the Go decoder's words.
/// Everything that is stored has passed this, so the controllers and readers (and the
/// console's typed list decoding) can rely on each field's JSON type.
pub fn type_errors(resource: &Resource, object: &Value) -> Result<(), String> {
    // The checks below recurse; objects this deep are refused before (see `check_patched`),
    // and the JSON parser never makes them.
    if crate::limits::too_deep(object) {
        return Err(format!(
            "the object nests deeper than {} levels",
            crate::limits::MAX_OBJECT_DEPTH
        ));
    }
    if let Some(report) = schema_report(resource, object) {
        if let Some(error) = report.type_error {
            return Err(error);
        }
    }
    let stripped = without_nulls(object);
    use imagestream_model as model;
    let result = match resource.kind {
        "ImageStream" => typed::<model::ImageStream>(stripped),
        "Deployment" => typed::<model::Deployment>(stripped),
        "ReplicaSet" => typed::<model::ReplicaSet>(stripped),
        "Pod" => typed::<model::Pod>(stripped),
        "Service" => typed::<model::Service>(stripped),
        "Image" => typed::<model::Image>(stripped),
        _ => typed::<Envelope>(stripped),
    };
    result.map_err(|error| go_type_error(resource, &error))
}

/// Any other kind: its metadata is typed, the rest is kept as it is.
#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Envelope {
    #[serde(default)]
    metadata: imagestream_model::ObjectMeta,
    #[serde(flatten)]
    rest: Map<String, Value>,
}

fn typed<T: serde::de::DeserializeOwned>(
    value: Value,
) -> Result<(), serde_path_to_error::Error<serde_json::Error>> {
    serde_path_to_error::deserialize::<_, T>(value).map(|_| ())
}

/// A copy without `null`s: Go's decoder leaves a field it reads `null` for as it is (absent),
/// and sets a `null` map value or array element to the zero value, so `null` is never a type
/// error there, while the model's types would reject it in places.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .filter(|v| !v.is_null())
                .map(without_nulls)
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Turns a serde error at a path into the sigs.k8s.io/json `UnmarshalTypeError` text:
/// `json: cannot unmarshal <JSON type> into Go struct field <Struct>.<field path> of type
/// <Go type>`. The field path names fields only (no indexes, no map keys), and the struct is
/// the Go struct that holds the last field.
fn go_type_error(
    resource: &Resource,
    error: &serde_path_to_error::Error<serde_json::Error>,
) -> String {
    let kind = resource.kind;
    let mut fields: Vec<String> = Vec::new();
    // Where the error is: a field itself, an element of an array field, or a value of a map.
    let mut at_element = false;
    let mut at_map_value = false;
    for segment in error.path().iter() {
        match segment {
            serde_path_to_error::Segment::Seq { .. } => at_element = true,
            serde_path_to_error::Segment::Map { key } => {
                if !at_map_value && is_string_map(kind, &fields.join(".")) {
                    // A key of a `map[string]string`: Go's path stops at the map field.
                    at_map_value = true;
                } else {
                    fields.push(key.clone());
                    at_element = false;
                    at_map_value = false;
                }
            }
            _ => {}
        }
    }
    let path = fields.join(".");
    let parent = fields
        .len()
        .checked_sub(1)
        .and_then(|n| fields.get(..n))
        .map(|f| f.join("."))
        .unwrap_or_default();
    let structure = go_struct(kind, &parent).unwrap_or(kind);
    let inner = error.inner().to_string();
    let (found, expected) = parse_serde_message(&inner);
    let go_type = if at_map_value {
        "string".to_owned()
    } else if at_element {
        element_type(kind, &path)
    } else {
        field_type(kind, &path, expected)
    };
    let found = go_found(found, &go_type);
    if fields.is_empty() {
        return format!("json: cannot unmarshal {found} into Go value of type v1.{kind}");
    }
    format!(
        "json: cannot unmarshal {found} into Go struct field {structure}.{path} of type {go_type}"
    )
}

/// Splits serde's `invalid type: integer `5`, expected struct TagReference` (or `invalid
/// value: …`) into what was found and what was expected.
fn parse_serde_message(message: &str) -> (&str, &str) {
    let body = message
        .strip_prefix("invalid type: ")
        .or_else(|| message.strip_prefix("invalid value: "))
        .unwrap_or(message);
    let body = body.split(" at line ").next().unwrap_or(body);
    match body.split_once(", expected ") {
        Some((found, expected)) => (found, expected),
        None => (body, ""),
    }
}

/// What Go calls the JSON value that was found: `number`, `string`, `bool`, `array`,
/// `object`; a number that does not fit an integer field is `number <literal>`.
fn go_found(found: &str, go_type: &str) -> String {
    let literal = found
        .split_once('`')
        .and_then(|(_, rest)| rest.split_once('`'))
        .map(|(literal, _)| literal);
    let integer_field = go_type.starts_with("int") || go_type.starts_with("uint");
    if found.starts_with("integer") || found.starts_with("floating point") {
        return match (integer_field, literal) {
            (true, Some(literal)) => format!("number {literal}"),
            _ => "number".into(),
        };
    }
    if found.starts_with("string") {
        "string".into()
    } else if found.starts_with("boolean") {
        "bool".into()
    } else if found.starts_with("sequence") {
        "array".into()
    } else if found.starts_with("map") {
        "object".into()
    } else {
        found.split(' ').next().unwrap_or(found).to_owned()
    }
}

/// The word Go's `encoding/json` uses for a JSON value in an `UnmarshalTypeError` (`cannot
/// unmarshal number into …`); the patch handler and the protobuf schema check say it too.
pub(crate) fn go_json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Fields whose Go type is `map[string]string`: their keys are not field names.
fn is_string_map(kind: &str, path: &str) -> bool {
    path.ends_with("labels")
        || path.ends_with("annotations")
        || path.ends_with("matchLabels")
        || path.ends_with("nodeSelector")
        || (matches!(kind, "Service" | "DeploymentConfig") && path == "spec.selector")
}

/// The Go struct at a field path of a kind (the path names fields only).
fn go_struct(kind: &str, path: &str) -> Option<&'static str> {
    Some(match (kind, path) {
        (_, "metadata") | (_, "spec.template.metadata") => "ObjectMeta",
        ("ImageStream", "spec") => "ImageStreamSpec",
        ("ImageStream", "spec.lookupPolicy") => "ImageLookupPolicy",
        ("ImageStream", "spec.tags") => "TagReference",
        ("ImageStream", "spec.tags.from") => "ObjectReference",
        ("ImageStream", "spec.tags.importPolicy") => "TagImportPolicy",
        ("ImageStream", "spec.tags.referencePolicy") => "TagReferencePolicy",
        ("ImageStream", "status") => "ImageStreamStatus",
        ("ImageStream", "status.tags") => "NamedTagEventList",
        ("ImageStream", "status.tags.items") => "TagEvent",
        ("ImageStream", "status.tags.conditions") => "TagEventCondition",
        ("Deployment", "spec") => "DeploymentSpec",
        ("ReplicaSet", "spec") => "ReplicaSetSpec",
        ("Deployment", "status") => "DeploymentStatus",
        ("ReplicaSet", "status") => "ReplicaSetStatus",
        (_, "spec.selector") => "LabelSelector",
        (_, "spec.template") => "PodTemplateSpec",
        ("Pod", "spec") | (_, "spec.template.spec") => "PodSpec",
        ("Pod", "spec.containers" | "spec.initContainers")
        | (_, "spec.template.spec.containers" | "spec.template.spec.initContainers") => "Container",
        ("Pod", "spec.containers.ports" | "spec.initContainers.ports")
        | (_, "spec.template.spec.containers.ports" | "spec.template.spec.initContainers.ports") => {
            "ContainerPort"
        }
        ("Pod", "status") => "PodStatus",
        ("Service", "spec") => "ServiceSpec",
        ("Service", "spec.ports") => "ServicePort",
        _ => return None,
    })
}

/// The Go type of an array field's elements.
fn element_type(kind: &str, path: &str) -> String {
    match go_struct(kind, path) {
        Some(name) => format!("v1.{name}"),
        None => "string".into(),
    }
}

/// The Go type of a field, from the path where it is known, else from what serde expected.
fn field_type(kind: &str, path: &str, expected: &str) -> String {
    if is_string_map(kind, path) {
        return "map[string]string".into();
    }
    if expected == "a sequence" {
        return format!("[]{}", element_type(kind, path));
    }
    if let Some(name) = go_struct(kind, path) {
        return format!("v1.{name}");
    }
    if path.is_empty() {
        return format!("v1.{kind}");
    }
    match expected {
        "a string" => "string".into(),
        "a boolean" => "bool".into(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => {
            let bits = expected.trim_start_matches(['i', 'u']);
            let sign = if expected.starts_with('u') {
                "uint"
            } else {
                "int"
            };
            format!("{sign}{bits}")
        }
        "a map" => "map[string]string".into(),
        other => other
            .strip_prefix("struct ")
            .map(|name| format!("v1.{name}"))
            .unwrap_or_else(|| other.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resource(kind: &str) -> &'static Resource {
        resources::by_kind(kind).unwrap()
    }

    fn type_error(kind: &str, object: Value) -> String {
        type_errors(resource(kind), &object).unwrap_err()
    }

    #[test]
    fn wrong_types_read_like_the_go_decoder() {
        let cases = [
            ("ImageStream", json!({"spec": {"tags": [5]}}), "json: cannot unmarshal number into Go struct field ImageStreamSpec.spec.tags of type v1.TagReference"),
            ("ImageStream", json!({"spec": {"tags": "x"}}), "json: cannot unmarshal string into Go struct field ImageStreamSpec.spec.tags of type []v1.TagReference"),
            ("ImageStream", json!({"spec": {"tags": [{"name": 5}]}}), "json: cannot unmarshal number into Go struct field TagReference.spec.tags.name of type string"),
            ("ImageStream", json!({"metadata": {"annotations": {"a": 5}}}), "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string"),
            ("ImageStream", json!({"metadata": {"labels": [1]}}), "json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string"),
            ("ImageStream", json!({"spec": 5}), "json: cannot unmarshal number into Go struct field ImageStream.spec of type v1.ImageStreamSpec"),
            ("Deployment", json!({"spec": {"selector": "x"}}), "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.selector of type v1.LabelSelector"),
            ("Deployment", json!({"spec": {"selector": {"matchLabels": []}}}), "json: cannot unmarshal array into Go struct field LabelSelector.spec.selector.matchLabels of type map[string]string"),
            ("Deployment", json!({"spec": {"replicas": 5_000_000_000_i64}}), "json: cannot unmarshal number 5000000000 into Go struct field DeploymentSpec.spec.replicas of type int32"),
            ("Deployment", json!({"spec": {"template": {"spec": {"containers": [{"name": true}]}}}}), "json: cannot unmarshal bool into Go struct field Container.spec.template.spec.containers.name of type string"),
            ("Namespace", json!({"metadata": {"name": {}}}), "json: cannot unmarshal object into Go struct field ObjectMeta.metadata.name of type string"),
        ];
        for (kind, object, expected) in cases {
            assert_eq!(type_error(kind, object.clone()), expected, "{object}");
        }
    }

    #[test]
    fn nulls_are_accepted_where_go_accepts_them() {
        let object = json!({"metadata": {"name": "x", "labels": {"a": null}, "annotations": null}, "spec": {"tags": [null, {"name": null}]}});
        assert!(type_errors(resource("ImageStream"), &object).is_ok());
    }

    #[test]
    fn strict_decoding_lists_unknown_and_duplicate_fields_in_order() {
        let body = br#"{"metadata":{"name":"x","name":"y"},"spec":{"foo":1,"tags":[{"name":"a","bar":2}]},"extra":true}"#;
        let response =
            parse_body(resource("ImageStream"), body, FieldValidation::Strict).unwrap_err();
        assert_eq!(response.status, 400);
        assert_eq!(
            response.json_body()["message"],
            "ImageStream in version \"v1\" cannot be handled as a ImageStream: strict decoding error: duplicate field \"metadata.name\", unknown field \"spec.foo\", unknown field \"spec.tags[0].bar\", unknown field \"extra\""
        );
        let accepted = parse_body(resource("ImageStream"), body, FieldValidation::Warn).unwrap();
        assert_eq!(accepted["metadata"]["name"], "y", "the last duplicate wins");
    }

    #[test]
    fn strict_decoding_keeps_at_most_a_hundred_errors() {
        let keys: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\":1")).collect();
        let body = format!(
            "{{\"metadata\":{{\"name\":\"x\"}},\"spec\":{{{}}}}}",
            keys.join(",")
        );
        let response = parse_body(
            resource("ImageStream"),
            body.as_bytes(),
            FieldValidation::Strict,
        )
        .unwrap_err();
        let message = response.json_body()["message"].as_str().unwrap().to_owned();
        assert_eq!(message.matches("unknown field").count(), 100);
    }

    #[test]
    fn field_validation_values_are_checked() {
        let response = FieldValidation::from_query(Some("garbage"), "CreateOptions").unwrap_err();
        assert_eq!(response.status, 422);
        assert_eq!(
            response.json_body()["message"],
            "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"garbage\": supported values: \"\", \"Ignore\", \"Strict\", \"Warn\""
        );
        assert_eq!(
            FieldValidation::from_query(None, "CreateOptions").unwrap(),
            FieldValidation::Warn
        );
    }

    #[test]
    fn api_version_and_kind_must_be_the_served_ones() {
        let stream = resource("ImageStream");
        let message = |body: &str| {
            parse_body(stream, body.as_bytes(), FieldValidation::Warn)
                .unwrap_err()
                .json_body()["message"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            message(r#"{"apiVersion":"v2","kind":"ImageStream"}"#),
            "ImageStream in version \"v2\" cannot be handled as a ImageStream: no kind \"ImageStream\" is registered for version \"v2\" in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:30\""
        );
        assert_eq!(
            message(r#"{"apiVersion":"v1","kind":"ImageStream"}"#),
            "the API version in the data (v1) does not match the expected API version (image.openshift.io/v1)"
        );
        assert!(message(r#"{"apiVersion":5}"#).starts_with("the object provided is unrecognized (must be of type ImageStream): couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .apiVersion of type string ({\"apiVersion\":5})"));
        assert!(parse_body(
            stream,
            br#"{"apiVersion":"image.openshift.io/v1","kind":"ImageStream"}"#,
            FieldValidation::Strict
        )
        .is_ok());
    }

    #[test]
    fn patched_objects_are_checked_as_the_patch_handler_does() {
        let response = check_patched(
            resource("ImageStream"),
            &json!({"spec": {"tags": [5]}}),
            FieldValidation::Warn,
        )
        .unwrap_err();
        assert_eq!(response.status, 422);
        let body = response.json_body();
        assert_eq!(
            body["message"],
            " \"\" is invalid: patch: Invalid value: \"{\\\"spec\\\":{\\\"tags\\\":[5]}}\": json: cannot unmarshal number into Go struct field ImageStreamSpec.spec.tags of type v1.TagReference"
        );
        assert_eq!(body["details"]["causes"][0]["field"], "patch");
        let mut deep = json!(1);
        for _ in 0..200 {
            deep = json!([deep]);
        }
        let deep = json!({"spec": {"x": deep}});
        assert!(check_patched(resource("ImageStream"), &deep, FieldValidation::Warn).is_err());
        let unknown = json!({"spec": {"foo": 1}});
        assert!(check_patched(resource("ImageStream"), &unknown, FieldValidation::Warn).is_ok());
        let strict = check_patched(resource("ImageStream"), &unknown, FieldValidation::Strict)
            .unwrap_err()
            .json_body();
        assert!(strict["message"]
            .as_str()
            .unwrap()
            .ends_with(": strict decoding error: unknown field \"spec.foo\""));
    }
}
