//! A decoded message as the JSON that Go's encoder prints for the same Go struct: what
//! kube-apiserver would answer in JSON after decoding the protobuf body.
//!
//! Presence on the wire stands for "non-nil" (Go's marshaller writes every non-pointer field
//! and a pointer only when set), and [`super::gofields`] says what Go then prints: a zero
//! scalar is dropped unless the field is a pointer or has no `omitempty`, a struct value is
//! always printed, an embedded struct is flattened into its parent.

use super::gofields::{go_field, LIST_WRAPPERS};
use super::{gotime, quantity};
use base64::Engine;
use protobuf::reflect::{MessageDescriptor, ReflectValueRef, RuntimeFieldType, RuntimeType};
use protobuf::MessageDyn;
use serde_json::{Map, Number, Value};

/// How deep embedded objects (a RawExtension holding another protobuf object) may nest.
const MAX_EMBEDDING: usize = 4;

/// The JSON of a message (without `apiVersion` and `kind`, which the envelope carries).
pub(crate) fn message_to_json(message: &dyn MessageDyn, embedding: usize) -> Result<Value, String> {
    let descriptor = message.descriptor_dyn();
    value_of(&descriptor, Some(message), embedding)
}

/// The JSON of a message, or of an absent struct value (`None`: Go prints its zero form).
fn value_of(
    descriptor: &MessageDescriptor,
    message: Option<&dyn MessageDyn>,
    embedding: usize,
) -> Result<Value, String> {
    let name = descriptor.full_name();
    if LIST_WRAPPERS.contains(&name) {
        let items = match (message, descriptor.field_by_name("items")) {
            (Some(message), Some(field)) => field.get_repeated(message),
            _ => return Ok(Value::Null),
        };
        if items.is_empty() {
            return Ok(Value::Null);
        }
        return items
            .into_iter()
            .map(|item| scalar(&item, embedding))
            .collect();
    }
    let field = |field: &str| {
        let message = message?;
        descriptor.field_by_name(field)?.get_singular(message)
    };
    match name {
        "apimachinery.pkg.apis.meta.v1.Time" | "apimachinery.pkg.apis.meta.v1.MicroTime" => {
            let (seconds, nanos) = (field("seconds"), field("nanos"));
            if seconds.is_none() && nanos.is_none() {
                return Ok(Value::Null);
            }
            let seconds = seconds.and_then(|s| s.to_i64()).unwrap_or(0);
            let nanos = nanos.and_then(|n| n.to_i32()).unwrap_or(0);
            if seconds == gotime::ZERO_TIME_SECONDS && nanos == 0 {
                return Ok(Value::Null);
            }
            Ok(Value::String(if name.ends_with("MicroTime") {
                gotime::format_micro_time(seconds, nanos)
            } else {
                gotime::format_time(seconds)
            }))
        }
        "apimachinery.pkg.apis.meta.v1.Duration" => {
            let nanos = field("duration").and_then(|d| d.to_i64()).unwrap_or(0);
            Ok(Value::String(gotime::format_duration(nanos)))
        }
        "apimachinery.pkg.api.resource.Quantity" => {
            let text = field("string")
                .and_then(|s| s.to_str().map(str::to_owned))
                .unwrap_or_else(|| "0".to_owned());
            quantity::check(&text)?;
            Ok(Value::String(text))
        }
        "apimachinery.pkg.util.intstr.IntOrString" => {
            if field("type").and_then(|t| t.to_i64()) == Some(1) {
                let text = field("strVal").and_then(|s| s.to_str().map(str::to_owned));
                return Ok(Value::String(text.unwrap_or_default()));
            }
            Ok(Value::from(
                field("intVal").and_then(|i| i.to_i32()).unwrap_or(0),
            ))
        }
        "apimachinery.pkg.runtime.RawExtension" | "apimachinery.pkg.apis.meta.v1.FieldsV1" => {
            let raw_field = if name.ends_with("FieldsV1") {
                "Raw"
            } else {
                "raw"
            };
            match field(raw_field) {
                Some(ReflectValueRef::Bytes(raw)) => embedded(raw, embedding),
                _ => Ok(Value::Null),
            }
        }
        _ => Ok(Value::Object(fields(descriptor, message, embedding)?)),
    }
}

/// Embedded JSON, or an embedded protobuf object (a watch event's object).
fn embedded(raw: &[u8], embedding: usize) -> Result<Value, String> {
    if raw.starts_with(&super::envelope::MAGIC) {
        if embedding >= MAX_EMBEDDING {
            return Err("embedded objects nest too deeply".into());
        }
        return super::envelope::decode_any(raw, embedding + 1).map_err(|e| e.detail);
    }
    serde_json::from_slice(raw).map_err(|err| {
        format!("json: error calling MarshalJSON for type *runtime.RawExtension: {err}")
    })
}

/// The JSON object of a message's fields, Go's way.
fn fields(
    descriptor: &MessageDescriptor,
    message: Option<&dyn MessageDyn>,
    embedding: usize,
) -> Result<Map<String, Value>, String> {
    let mut object = Map::new();
    let mut inlined = Vec::new();
    for field in descriptor.fields() {
        let go = go_field(descriptor.full_name(), field.name());
        let key = field.name().to_owned();
        match field.runtime_field_type() {
            RuntimeFieldType::Singular(RuntimeType::Message(child)) => {
                let present = message.and_then(|m| field.get_singular(m));
                let present = match &present {
                    Some(ReflectValueRef::Message(m)) => Some(&**m),
                    _ => None,
                };
                if go.inline {
                    inlined.push(fields(&child, present, embedding)?);
                } else if present.is_some() || go.value {
                    object.insert(key, value_of(&child, present, embedding)?);
                } else if go.always {
                    object.insert(key, Value::Null);
                }
            }
            RuntimeFieldType::Singular(kind) => match message.and_then(|m| field.get_singular(m)) {
                Some(value) if go.pointer || go.always || !is_zero(&value) => {
                    object.insert(key, scalar(&value, embedding)?);
                }
                Some(_) => {}
                None if go.always && !go.pointer => {
                    object.insert(key, zero(&kind));
                }
                None if go.always => {
                    object.insert(key, Value::Null);
                }
                None => {}
            },
            RuntimeFieldType::Repeated(_) => {
                let items = message.map(|m| field.get_repeated(m));
                match items.filter(|items| !items.is_empty()) {
                    Some(items) => {
                        let list: Result<Vec<Value>, String> = items
                            .into_iter()
                            .map(|item| scalar(&item, embedding))
                            .collect();
                        object.insert(key, Value::Array(list?));
                    }
                    None if go.always => {
                        object.insert(key, Value::Null);
                    }
                    None => {}
                }
            }
            RuntimeFieldType::Map(..) => {
                let entries = message.map(|m| field.get_map(m));
                match entries.filter(|entries| !entries.is_empty()) {
                    Some(entries) => {
                        let mut map = Map::new();
                        for (entry_key, entry_value) in &entries {
                            let entry_key = match entry_key {
                                ReflectValueRef::String(text) => text.to_owned(),
                                other => other.to_string(),
                            };
                            map.insert(entry_key, scalar(&entry_value, embedding)?);
                        }
                        object.insert(key, Value::Object(map));
                    }
                    None if go.always => {
                        object.insert(key, Value::Null);
                    }
                    None => {}
                }
            }
        }
    }
    // Fields of an embedded struct are the parent's, unless the parent has its own (Go's
    // shallower-field rule).
    for inline in inlined {
        for (key, value) in inline {
            object.entry(key).or_insert(value);
        }
    }
    Ok(object)
}

fn is_zero(value: &ReflectValueRef) -> bool {
    match value {
        ReflectValueRef::U32(v) => *v == 0,
        ReflectValueRef::U64(v) => *v == 0,
        ReflectValueRef::I32(v) => *v == 0,
        ReflectValueRef::I64(v) => *v == 0,
        ReflectValueRef::F32(v) => *v == 0.0,
        ReflectValueRef::F64(v) => *v == 0.0,
        ReflectValueRef::Bool(v) => !v,
        ReflectValueRef::String(v) => v.is_empty(),
        ReflectValueRef::Bytes(v) => v.is_empty(),
        ReflectValueRef::Enum(_, v) => *v == 0,
        ReflectValueRef::Message(_) => false,
    }
}

/// What Go prints for a zero non-pointer field without `omitempty`.
fn zero(kind: &RuntimeType) -> Value {
    match kind {
        RuntimeType::Bool => Value::Bool(false),
        RuntimeType::String => Value::String(String::new()),
        // A nil []byte.
        RuntimeType::VecU8 | RuntimeType::Message(_) => Value::Null,
        _ => Value::from(0),
    }
}

/// One value: a scalar, bytes as base64, or a message.
fn scalar(value: &ReflectValueRef, embedding: usize) -> Result<Value, String> {
    Ok(match value {
        ReflectValueRef::U32(v) => Value::from(*v),
        ReflectValueRef::U64(v) => Value::from(*v),
        ReflectValueRef::I32(v) => Value::from(*v),
        ReflectValueRef::I64(v) => Value::from(*v),
        ReflectValueRef::F32(v) => {
            Number::from_f64(f64::from(*v)).map_or(Value::Null, Value::Number)
        }
        ReflectValueRef::F64(v) => Number::from_f64(*v).map_or(Value::Null, Value::Number),
        ReflectValueRef::Bool(v) => Value::Bool(*v),
        ReflectValueRef::String(v) => Value::String((*v).to_owned()),
        ReflectValueRef::Bytes(v) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(v))
        }
        ReflectValueRef::Enum(_, v) => Value::from(*v),
        ReflectValueRef::Message(message) => message_to_json(&**message, embedding)?,
    })
}
