//! JSON into a typed message, the way kube-apiserver's JSON decoding does it
//! (sigs.k8s.io/json's case-sensitive decoder into the Go types): a value of the wrong type is
//! an error worded as Go's `json.UnmarshalTypeError` (`json: cannot unmarshal string into Go
//! struct field DeploymentSpec.spec.replicas of type int32`, the struct holding the field and
//! the path of struct fields, without list indices or map keys); the custom types' own
//! decoders (Time, MicroTime, Duration, Quantity, IntOrString) fail with their own words and
//! stop at once, while type errors are kept and the first one reported at the end (Go's
//! `saveError`); fields the type does not have are dropped and listed with their full path
//! (`spec.template.spec.containers[0].foo`), for `fieldValidation=Strict` and `Warn`.
//!
//! Keys are visited in sorted order (serde_json's map), not in the body's order, so of two
//! wrong fields the one reported can differ from Go's; a number that is not an integer is
//! quoted as Rust prints it (`1e3` reads `1000`).

use super::gofields::{go_field, LIST_WRAPPERS};
use super::served::has_type_meta;
use super::{go_type_name, gotime, message_for, quantity, to_json};
use crate::decode::go_json_type;
use base64::Engine;
use protobuf::reflect::{
    FieldDescriptor, MessageDescriptor, ReflectValueBox, RuntimeFieldType, RuntimeType,
};
use protobuf::MessageDyn;
use serde_json::{Map, Value};

/// How deep objects may nest (far beyond any Kubernetes type).
const MAX_DEPTH: usize = 200;

/// A body that passed the typed decoding: the object as the Go JSON encoder prints it after
/// decoding (unknown fields gone, defaults of Go's zero values written), and the fields that
/// were dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    /// The object after the typed round trip.
    pub object: Value,
    /// Full paths of the fields the type does not have, in the order found.
    pub unknown_fields: Vec<String>,
    /// `Deployment in version "v1" cannot be handled as a Deployment: ` for [`Self::strict_error`].
    prefix: String,
}

impl Checked {
    /// What `fieldValidation=Strict` answers (400 BadRequest) when fields were unknown.
    pub fn strict_error(&self) -> Option<String> {
        if self.unknown_fields.is_empty() {
            return None;
        }
        Some(format!(
            "{}strict decoding error: {}",
            self.prefix,
            self.warnings().join(", ")
        ))
    }

    /// The warnings of `fieldValidation=Warn` (and the default): `unknown field "spec.foo"`.
    pub fn warnings(&self) -> Vec<String> {
        self.unknown_fields
            .iter()
            .map(|path| format!("unknown field {path:?}"))
            .collect()
    }
}

/// Why a body fails the typed decoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeError {
    /// devcluster has no typed form of this kind (OpenShift's kinds): nothing was checked.
    NotTyped,
    /// The 400 BadRequest message kube-apiserver answers, e.g. `Deployment in version "v1"
    /// cannot be handled as a Deployment: json: cannot unmarshal …`.
    Invalid(String),
}

/// Decodes `object` as the kind an endpoint serves (`api_version`, `kind`: e.g. `apps/v1`,
/// `Deployment`), as kube-apiserver's create and update handlers do before anything else.
pub fn check_json(api_version: &str, kind: &str, object: &Value) -> Result<Checked, TypeError> {
    let descriptor = message_for(api_version, kind).ok_or(TypeError::NotTyped)?;
    let text = |key: &str| {
        object
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    // The message names the body's kind and version, defaulted from the endpoint
    // (apiserver's transformDecodeError).
    let body_kind = text("kind").unwrap_or(kind);
    let body_version = text("apiVersion").unwrap_or(api_version);
    let version = body_version.rsplit('/').next().unwrap_or(body_version);
    let prefix = format!("{body_kind} in version {version:?} cannot be handled as a {kind}: ");
    let Some(map) = object.as_object() else {
        return Err(TypeError::Invalid(format!(
            "{prefix}json: cannot unmarshal {} into Go value of type {}",
            go_json_type(object),
            go_type_name(&descriptor)
        )));
    };
    let mut decoder = Decoder::default();
    let message = decoder
        .finish(&descriptor, map)
        .map_err(|err| TypeError::Invalid(format!("{prefix}{err}")))?;
    let mut checked = to_json::message_to_json(&*message, 0)
        .map_err(|err| TypeError::Invalid(format!("{prefix}{err}")))?;
    if let Some(out) = checked.as_object_mut() {
        for key in ["apiVersion", "kind"] {
            if let Some(value) = text(key) {
                out.insert(key.into(), Value::String(value.to_owned()));
            }
        }
    }
    Ok(Checked {
        object: checked,
        unknown_fields: decoder.unknown,
        prefix,
    })
}

/// The protobuf bytes (no envelope) of a JSON object of the given message; unknown fields
/// are dropped, a wrong type is an error.
pub(crate) fn encode(descriptor: &MessageDescriptor, object: &Value) -> Result<Vec<u8>, String> {
    let map = object
        .as_object()
        .ok_or_else(|| "the object is not a JSON object".to_owned())?;
    let message = Decoder::default().finish(descriptor, map)?;
    message.write_to_bytes_dyn().map_err(|err| err.to_string())
}

/// Where a value is: for Go's type errors (the struct holding the field and the struct-field
/// path) and for strict errors (the full path).
#[derive(Clone)]
struct Place {
    go_struct: String,
    go_path: Vec<String>,
    strict: String,
}

impl Place {
    fn field(&self, go_struct: &str, key: &str) -> Place {
        let mut go_path = self.go_path.clone();
        go_path.push(key.to_owned());
        Place {
            go_struct: go_struct.to_owned(),
            go_path,
            strict: join(&self.strict, key),
        }
    }

    fn index(&self, index: usize) -> Place {
        Place {
            strict: format!("{}[{index}]", self.strict),
            ..self.clone()
        }
    }

    fn key(&self, key: &str) -> Place {
        Place {
            strict: join(&self.strict, key),
            ..self.clone()
        }
    }

    fn type_error(&self, what: &str, go_type: &str) -> String {
        format!(
            "json: cannot unmarshal {what} into Go struct field {}.{} of type {go_type}",
            self.go_struct,
            self.go_path.join(".")
        )
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The Go type of a field's values, as reflect prints it.
fn go_type(kind: &RuntimeType) -> String {
    match kind {
        RuntimeType::I32 | RuntimeType::Enum(_) => "int32".into(),
        RuntimeType::I64 => "int64".into(),
        RuntimeType::U32 => "uint32".into(),
        RuntimeType::U64 => "uint64".into(),
        RuntimeType::F32 => "float32".into(),
        RuntimeType::F64 => "float64".into(),
        RuntimeType::Bool => "bool".into(),
        RuntimeType::String => "string".into(),
        RuntimeType::VecU8 => "[]uint8".into(),
        RuntimeType::Message(message) => go_type_name(message),
    }
}

#[derive(Default)]
struct Decoder {
    /// The first type error (Go keeps decoding and reports it at the end).
    saved: Option<String>,
    unknown: Vec<String>,
    depth: usize,
}

/// A scalar that cannot be stored: a type error (naming the JSON value), or another error of
/// the decoder (bad base64); both are kept and decoding goes on, as Go's `saveError`.
enum Bad {
    Saved(String),
    Other(String),
}

impl Decoder {
    fn finish(
        &mut self,
        descriptor: &MessageDescriptor,
        object: &Map<String, Value>,
    ) -> Result<Box<dyn MessageDyn>, String> {
        let top = Place {
            go_struct: descriptor.name().to_owned(),
            go_path: Vec::new(),
            strict: String::new(),
        };
        let message = self.object(descriptor, object, &top, None)?;
        match self.saved.take() {
            Some(error) => Err(error),
            None => Ok(message),
        }
    }

    fn save(&mut self, error: String) {
        self.saved.get_or_insert(error);
    }

    /// Whether a message (or a struct embedded in it) has a JSON field `key`.
    fn accepts(descriptor: &MessageDescriptor, key: &str) -> bool {
        descriptor.fields().any(|field| {
            let go = go_field(descriptor.full_name(), field.name());
            if go.inline {
                match field.runtime_field_type() {
                    RuntimeFieldType::Singular(RuntimeType::Message(child)) => {
                        Self::accepts(&child, key)
                    }
                    _ => false,
                }
            } else {
                field.name() == key
            }
        })
    }

    /// An object into a message; `outer`: the struct that embeds this one (inline), whose
    /// name Go's errors use.
    fn object(
        &mut self,
        descriptor: &MessageDescriptor,
        object: &Map<String, Value>,
        place: &Place,
        outer: Option<&str>,
    ) -> Result<Box<dyn MessageDyn>, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("json: exceeded max depth".into());
        }
        let struct_name = outer.unwrap_or(descriptor.name()).to_owned();
        let mut message = descriptor.new_instance();
        let mut inlined: Vec<(FieldDescriptor, Map<String, Value>)> = Vec::new();
        for (key, value) in object {
            let direct = descriptor
                .field_by_name(key)
                .filter(|field| !go_field(descriptor.full_name(), field.name()).inline);
            if let Some(field) = direct {
                let at = place.field(&struct_name, key);
                self.field(&mut *message, &field, value, &at)?;
                continue;
            }
            let inline = descriptor.fields().find(|field| {
                go_field(descriptor.full_name(), field.name()).inline
                    && matches!(field.runtime_field_type(),
                        RuntimeFieldType::Singular(RuntimeType::Message(child)) if Self::accepts(&child, key))
            });
            if let Some(field) = inline {
                match inlined.iter_mut().find(|(f, _)| f.name() == field.name()) {
                    Some((_, map)) => {
                        map.insert(key.clone(), value.clone());
                    }
                    None => {
                        let mut map = Map::new();
                        map.insert(key.clone(), value.clone());
                        inlined.push((field, map));
                    }
                }
                continue;
            }
            if has_type_meta(descriptor.full_name()) && (key == "apiVersion" || key == "kind") {
                if !value.is_string() && !value.is_null() {
                    let at = place.field(&struct_name, key);
                    self.save(at.type_error(go_json_type(value), "string"));
                }
                continue;
            }
            self.unknown.push(join(&place.strict, key));
        }
        for (field, map) in inlined {
            if let RuntimeFieldType::Singular(RuntimeType::Message(child)) =
                field.runtime_field_type()
            {
                let embedded = self.object(&child, &map, place, Some(&struct_name))?;
                field.set_singular_field(&mut *message, ReflectValueBox::Message(embedded));
            }
        }
        self.depth -= 1;
        Ok(message)
    }

    /// One field's JSON value into the message.
    fn field(
        &mut self,
        message: &mut dyn MessageDyn,
        field: &FieldDescriptor,
        value: &Value,
        place: &Place,
    ) -> Result<(), String> {
        if value.is_null() {
            // Go leaves a nil pointer, slice or map, and a scalar untouched.
            return Ok(());
        }
        match field.runtime_field_type() {
            RuntimeFieldType::Singular(kind) => {
                if let Some(value) = self.value(&kind, value, place)? {
                    field.set_singular_field(message, value);
                }
            }
            RuntimeFieldType::Repeated(kind) => {
                let Value::Array(items) = value else {
                    let go = format!("[]{}", go_type(&kind));
                    self.save(place.type_error(go_json_type(value), &go));
                    return Ok(());
                };
                let mut values = Vec::with_capacity(items.len());
                for (index, item) in items.iter().enumerate() {
                    let at = place.index(index);
                    match self.value(&kind, item, &at)? {
                        Some(value) => values.push(value),
                        None => values.push(zero(&kind)),
                    }
                }
                let mut repeated = field.mut_repeated(message);
                for value in values {
                    repeated.push(value);
                }
            }
            RuntimeFieldType::Map(key_kind, kind) => {
                let Value::Object(entries) = value else {
                    let go = format!("map[{}]{}", go_type(&key_kind), go_type(&kind));
                    self.save(place.type_error(go_json_type(value), &go));
                    return Ok(());
                };
                if key_kind != RuntimeType::String {
                    return Ok(());
                }
                let mut values = Vec::with_capacity(entries.len());
                for (key, item) in entries {
                    let at = place.key(key);
                    let value = self.value(&kind, item, &at)?.unwrap_or_else(|| zero(&kind));
                    values.push((key.clone(), value));
                }
                let mut map = field.mut_map(message);
                for (key, value) in values {
                    map.insert(ReflectValueBox::String(key), value);
                }
            }
        }
        Ok(())
    }

    /// One value of a field's type; `None` when nothing is stored (null, or a saved error).
    fn value(
        &mut self,
        kind: &RuntimeType,
        value: &Value,
        place: &Place,
    ) -> Result<Option<ReflectValueBox>, String> {
        if value.is_null() {
            return Ok(None);
        }
        let result = match kind {
            RuntimeType::Message(child) => return self.message_value(child, value, place),
            _ => scalar(kind, value),
        };
        match result {
            Ok(value) => Ok(Some(value)),
            Err(Bad::Saved(what)) => {
                self.save(place.type_error(&what, &go_type(kind)));
                Ok(None)
            }
            Err(Bad::Other(error)) => {
                self.save(error);
                Ok(None)
            }
        }
    }

    /// A message value: the types with their own JSON form, or an object.
    fn message_value(
        &mut self,
        descriptor: &MessageDescriptor,
        value: &Value,
        place: &Place,
    ) -> Result<Option<ReflectValueBox>, String> {
        let name = descriptor.full_name();
        if let Some(special) = special(descriptor, value)? {
            return Ok(Some(ReflectValueBox::Message(special)));
        }
        if LIST_WRAPPERS.contains(&name) {
            let Value::Array(items) = value else {
                self.save(place.type_error(go_json_type(value), &go_type_name(descriptor)));
                return Ok(None);
            };
            let mut message = descriptor.new_instance();
            if let Some(field) = descriptor.field_by_name("items") {
                self.field(&mut *message, &field, &Value::Array(items.clone()), place)?;
            }
            return Ok(Some(ReflectValueBox::Message(message)));
        }
        match value {
            Value::Object(object) => Ok(Some(ReflectValueBox::Message(
                self.object(descriptor, object, place, None)?,
            ))),
            other => {
                self.save(place.type_error(go_json_type(other), &go_type_name(descriptor)));
                Ok(None)
            }
        }
    }
}

/// The zero value Go stores for a null list element or map value.
fn zero(kind: &RuntimeType) -> ReflectValueBox {
    match kind {
        RuntimeType::I32 => ReflectValueBox::I32(0),
        RuntimeType::I64 => ReflectValueBox::I64(0),
        RuntimeType::U32 => ReflectValueBox::U32(0),
        RuntimeType::U64 => ReflectValueBox::U64(0),
        RuntimeType::F32 => ReflectValueBox::F32(0.0),
        RuntimeType::F64 => ReflectValueBox::F64(0.0),
        RuntimeType::Bool => ReflectValueBox::Bool(false),
        RuntimeType::String => ReflectValueBox::String(String::new()),
        RuntimeType::VecU8 => ReflectValueBox::Bytes(Vec::new()),
        RuntimeType::Enum(descriptor) => ReflectValueBox::Enum(descriptor.clone(), 0),
        RuntimeType::Message(descriptor) => ReflectValueBox::Message(descriptor.new_instance()),
    }
}

/// A JSON scalar as a value of `kind`; `Err(Saved(what))` names the JSON value for Go's type
/// error (`string`, `number 1.5`).
fn scalar(kind: &RuntimeType, value: &Value) -> Result<ReflectValueBox, Bad> {
    let mismatch = || Bad::Saved(go_json_type(value).to_owned());
    let number = || match value {
        Value::Number(number) => Ok(number),
        _ => Err(mismatch()),
    };
    let not_integer = |n: &serde_json::Number| Bad::Saved(format!("number {n}"));
    Ok(match kind {
        RuntimeType::I32 | RuntimeType::Enum(_) => {
            let n = number()?;
            let v = n
                .as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| not_integer(n))?;
            match kind {
                RuntimeType::Enum(descriptor) => ReflectValueBox::Enum(descriptor.clone(), v),
                _ => ReflectValueBox::I32(v),
            }
        }
        RuntimeType::I64 => {
            let n = number()?;
            ReflectValueBox::I64(n.as_i64().ok_or_else(|| not_integer(n))?)
        }
        RuntimeType::U32 => {
            let n = number()?;
            let v = n.as_u64().and_then(|v| u32::try_from(v).ok());
            ReflectValueBox::U32(v.ok_or_else(|| not_integer(n))?)
        }
        RuntimeType::U64 => {
            let n = number()?;
            ReflectValueBox::U64(n.as_u64().ok_or_else(|| not_integer(n))?)
        }
        RuntimeType::F32 | RuntimeType::F64 => {
            let n = number()?.as_f64().unwrap_or_default();
            match kind {
                RuntimeType::F32 => ReflectValueBox::F32(n as f32),
                _ => ReflectValueBox::F64(n),
            }
        }
        RuntimeType::Bool => ReflectValueBox::Bool(value.as_bool().ok_or_else(mismatch)?),
        RuntimeType::String => {
            ReflectValueBox::String(value.as_str().ok_or_else(mismatch)?.to_owned())
        }
        RuntimeType::VecU8 => {
            let text = value.as_str().ok_or_else(mismatch)?;
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text)
                .map_err(|err| Bad::Other(base64_error(&err, text.len())))?;
            ReflectValueBox::Bytes(bytes)
        }
        RuntimeType::Message(_) => return Err(mismatch()),
    })
}

/// Go's `base64.CorruptInputError` text.
fn base64_error(error: &base64::DecodeError, length: usize) -> String {
    let at = match error {
        base64::DecodeError::InvalidByte(offset, _)
        | base64::DecodeError::InvalidLastSymbol(offset, _) => *offset,
        _ => length,
    };
    format!("illegal base64 data at input byte {at}")
}

fn set(message: &mut dyn MessageDyn, name: &str, value: ReflectValueBox) {
    if let Some(field) = message.descriptor_dyn().field_by_name(name) {
        field.set_singular_field(message, value);
    }
}

/// The types with a JSON form of their own (their Go `UnmarshalJSON`), whose errors stop the
/// decoding; `None` for other messages.
fn special(
    descriptor: &MessageDescriptor,
    value: &Value,
) -> Result<Option<Box<dyn MessageDyn>>, String> {
    let name = descriptor.full_name();
    // encoding/json's own error, as the custom decoders unmarshal into a string or int32.
    let std_error = |into: &str| {
        format!(
            "json: cannot unmarshal {} into Go value of type {into}",
            go_json_type(value)
        )
    };
    let mut message = descriptor.new_instance();
    match name {
        "apimachinery.pkg.apis.meta.v1.Time" | "apimachinery.pkg.apis.meta.v1.MicroTime" => {
            let micro = name.ends_with("MicroTime");
            let text = value.as_str().ok_or_else(|| std_error("string"))?;
            let (seconds, nanos) = gotime::parse_time(text, micro)?;
            // Go's zero time is an empty message; Time keeps whole seconds only
            // (metav1.Time.ProtoTime leaves the nanoseconds out).
            if seconds != gotime::ZERO_TIME_SECONDS || nanos != 0 {
                set(&mut *message, "seconds", ReflectValueBox::I64(seconds));
                if micro {
                    set(&mut *message, "nanos", ReflectValueBox::I32(nanos));
                }
            }
        }
        "apimachinery.pkg.apis.meta.v1.Duration" => {
            let text = value.as_str().ok_or_else(|| std_error("string"))?;
            let nanos = gotime::parse_duration(text)?;
            set(&mut *message, "duration", ReflectValueBox::I64(nanos));
        }
        "apimachinery.pkg.api.resource.Quantity" => {
            let text = match value {
                Value::String(text) => text.trim().to_owned(),
                Value::Number(number) => number.to_string(),
                _ => return Err(quantity::FORMAT_WRONG.to_owned()),
            };
            quantity::check(&text)?;
            set(&mut *message, "string", ReflectValueBox::String(text));
        }
        "apimachinery.pkg.util.intstr.IntOrString" => match value {
            Value::String(text) => {
                set(&mut *message, "type", ReflectValueBox::I64(1));
                set(
                    &mut *message,
                    "strVal",
                    ReflectValueBox::String(text.clone()),
                );
            }
            Value::Number(number) => {
                let int = number.as_i64().and_then(|v| i32::try_from(v).ok());
                let int = int.ok_or_else(|| {
                    format!("json: cannot unmarshal number {number} into Go value of type int32")
                })?;
                set(&mut *message, "type", ReflectValueBox::I64(0));
                set(&mut *message, "intVal", ReflectValueBox::I32(int));
            }
            _ => return Err(std_error("int32")),
        },
        "apimachinery.pkg.runtime.RawExtension" | "apimachinery.pkg.apis.meta.v1.FieldsV1" => {
            let raw = serde_json::to_vec(value).map_err(|err| err.to_string())?;
            let field = if name.ends_with("FieldsV1") {
                "Raw"
            } else {
                "raw"
            };
            set(&mut *message, field, ReflectValueBox::Bytes(raw));
        }
        _ => return Ok(None),
    }
    Ok(Some(message))
}
