//! The envelope of a protobuf object on the wire, as apimachinery's protobuf serializer
//! writes it: the magic `k8s\0`, then a `runtime.Unknown` holding the TypeMeta (apiVersion,
//! kind), `raw` (the object's own protobuf bytes), `contentEncoding` and `contentType` (both
//! empty). A watch stream is a sequence of frames, each a 4-byte big-endian length and a
//! `metav1.WatchEvent` (type, and the envelope of the object in `object.raw`), written
//! without envelope of its own (apimachinery's `RawSerializer` and `LengthDelimitedFramer`).

use super::{message, message_for, to_json};
use protobuf::reflect::ReflectValueBox;
use protobuf::MessageDyn;
use serde_json::Value;

/// The four bytes every protobuf object starts with.
pub const MAGIC: [u8; 4] = *b"k8s\0";

const UNKNOWN: &str = "apimachinery.pkg.runtime.Unknown";
const TYPE_META: &str = "apimachinery.pkg.runtime.TypeMeta";

/// Why a protobuf body cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// The envelope itself is unreadable (no type is known yet): kube-apiserver then says
    /// "the object provided is unrecognized"; otherwise the type was read and the error
    /// belongs to it.
    pub envelope: bool,
    /// The group version and kind the envelope named, when it could be read.
    pub api_version: String,
    /// See `api_version`.
    pub kind: String,
    /// The decoder's words, as Go's gogo-protobuf code says them where they differ
    /// (`unexpected EOF`).
    pub detail: String,
    /// The kind is not one devcluster has in protobuf (apimachinery's "no kind … is
    /// registered").
    pub not_registered: bool,
}

impl DecodeError {
    fn envelope(detail: impl Into<String>) -> Self {
        Self {
            envelope: true,
            api_version: String::new(),
            kind: String::new(),
            detail: detail.into(),
            not_registered: false,
        }
    }
}

/// rust-protobuf's error in the words of the Go code kube-apiserver runs (gogo-protobuf's
/// generated `Unmarshal`): a cut-short message is `unexpected EOF`, a varint past 64 bits
/// `proto: integer overflow`.
pub(crate) fn go_proto_error(error: &protobuf::Error) -> String {
    let text = error.to_string();
    if text.contains("Unexpected EOF")
        || text.contains("Truncated message")
        || text.contains("Limit overflow")
        || text.contains("Incorrect tag")
        || text.contains("New limit must not be greater")
    {
        "unexpected EOF".into()
    } else if text.contains("Incorrect varint") || text.contains("too large") {
        "proto: integer overflow".into()
    } else if text.contains("wire type") {
        "proto: wrong wireType".into()
    } else if text.contains("recursion") {
        "proto: message nests too deeply".into()
    } else if text.contains("UTF-8") {
        "proto: invalid UTF-8 in a string field".into()
    } else {
        format!("proto: {text}")
    }
}

/// Parses one message filling exactly `bytes`. rust-protobuf alone takes the end of the buffer
/// for the end of a length-delimited field that claims more bytes (a body cut short inside
/// its last field decodes without error); with the whole buffer as the limit, any field
/// longer than what is left is an error, as in Go.
pub(crate) fn parse(
    descriptor: &protobuf::reflect::MessageDescriptor,
    bytes: &[u8],
) -> protobuf::Result<Box<dyn MessageDyn>> {
    let mut input = protobuf::CodedInputStream::from_bytes(bytes);
    let outer = input.push_limit(bytes.len() as u64)?;
    let message = descriptor.parse_from(&mut input)?;
    input.pop_limit(outer);
    Ok(message)
}

fn text_field(message: &dyn MessageDyn, name: &str) -> String {
    let descriptor = message.descriptor_dyn();
    descriptor
        .field_by_name(name)
        .and_then(|field| field.get_singular(message))
        .and_then(|value| value.to_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Reads a protobuf object (magic and envelope) into its JSON, with `apiVersion` and `kind`.
/// `default` is the group version and kind of the endpoint, which fill an envelope that
/// names none (apimachinery's `copyKindDefaults`).
pub fn decode_object(bytes: &[u8], default: (&str, &str)) -> Result<Value, DecodeError> {
    decode_with_defaults(bytes, default, 0)
}

/// [`decode_object`] without defaults, for embedded objects.
pub(crate) fn decode_any(bytes: &[u8], embedding: usize) -> Result<Value, DecodeError> {
    decode_with_defaults(bytes, ("", ""), embedding)
}

fn decode_with_defaults(
    bytes: &[u8],
    default: (&str, &str),
    embedding: usize,
) -> Result<Value, DecodeError> {
    // The checks and words of apimachinery's protobuf `Serializer.Decode`.
    let Some(data) = bytes.strip_prefix(&MAGIC) else {
        if bytes.is_empty() {
            return Err(DecodeError::envelope("empty data"));
        }
        return Err(DecodeError::envelope(
            "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]",
        ));
    };
    if data.is_empty() {
        return Err(DecodeError::envelope("empty body"));
    }
    let unknown = message(UNKNOWN).ok_or_else(|| DecodeError::envelope("no protobuf types"))?;
    let envelope =
        parse(&unknown, data).map_err(|err| DecodeError::envelope(go_proto_error(&err)))?;
    let type_meta = unknown
        .field_by_name("typeMeta")
        .and_then(|field| field.get_singular(&*envelope))
        .and_then(|value| value.to_message());
    let (mut api_version, mut kind) = match &type_meta {
        Some(meta) => (
            text_field(&**meta, "apiVersion"),
            text_field(&**meta, "kind"),
        ),
        None => (String::new(), String::new()),
    };
    if kind.is_empty() {
        kind = default.1.to_owned();
    }
    if api_version.is_empty() {
        api_version = default.0.to_owned();
    }
    let raw = unknown
        .field_by_name("raw")
        .and_then(|field| field.get_singular(&*envelope))
        .and_then(|value| value.to_bytes().map(<[u8]>::to_vec))
        .unwrap_or_default();
    let failed = |detail: String, not_registered: bool| DecodeError {
        envelope: false,
        api_version: api_version.clone(),
        kind: kind.clone(),
        detail,
        not_registered,
    };
    let Some(descriptor) = message_for(&api_version, &kind) else {
        // apimachinery's notRegisteredErr, from kube-apiserver's scheme.
        return Err(failed(
            format!(
                "no kind {kind:?} is registered for version {api_version:?} in scheme \"k8s.io/kubernetes/pkg/api/legacyscheme/scheme.go:29\""
            ),
            true,
        ));
    };
    let object = parse(&descriptor, &raw).map_err(|err| failed(go_proto_error(&err), false))?;
    let mut json = to_json::message_to_json(&*object, embedding).map_err(|e| failed(e, false))?;
    if let Some(map) = json.as_object_mut() {
        if super::served::has_type_meta(descriptor.full_name()) {
            map.insert("kind".into(), Value::String(kind.clone()));
            map.insert("apiVersion".into(), Value::String(api_version.clone()));
        }
    }
    Ok(json)
}

/// Why a JSON object has no protobuf form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError(pub String);

/// The protobuf form of a JSON object, by its `apiVersion` and `kind` (magic and envelope
/// included); fields the type does not have are left out, as Go's decoder drops them.
pub fn encode_object(object: &Value) -> Result<Vec<u8>, EncodeError> {
    let text = |key: &str| object.get(key).and_then(Value::as_str).unwrap_or_default();
    let (api_version, kind) = (text("apiVersion"), text("kind"));
    let descriptor = message_for(api_version, kind)
        .ok_or_else(|| EncodeError(format!("{kind} in {api_version} has no protobuf form")))?;
    let encoded = super::from_json::encode(&descriptor, object).map_err(EncodeError)?;
    wrap(api_version, kind, encoded)
}

/// `k8s\0` and a `runtime.Unknown` around an object's protobuf bytes.
pub(crate) fn wrap(api_version: &str, kind: &str, raw: Vec<u8>) -> Result<Vec<u8>, EncodeError> {
    let missing = || EncodeError("no protobuf types".into());
    let unknown = message(UNKNOWN).ok_or_else(missing)?;
    let type_meta = message(TYPE_META).ok_or_else(missing)?;
    let mut meta = type_meta.new_instance();
    let mut envelope = unknown.new_instance();
    let set = |message: &mut dyn MessageDyn, name: &str, value: ReflectValueBox| {
        if let Some(field) = message.descriptor_dyn().field_by_name(name) {
            field.set_singular_field(message, value);
        }
    };
    set(
        &mut *meta,
        "apiVersion",
        ReflectValueBox::String(api_version.into()),
    );
    set(&mut *meta, "kind", ReflectValueBox::String(kind.into()));
    set(&mut *envelope, "typeMeta", ReflectValueBox::Message(meta));
    set(&mut *envelope, "raw", ReflectValueBox::Bytes(raw));
    // Go writes both even when empty.
    set(
        &mut *envelope,
        "contentEncoding",
        ReflectValueBox::String(String::new()),
    );
    set(
        &mut *envelope,
        "contentType",
        ReflectValueBox::String(String::new()),
    );
    let mut bytes = MAGIC.to_vec();
    let body = envelope
        .write_to_bytes_dyn()
        .map_err(|err| EncodeError(err.to_string()))?;
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// One watch event (`{"type": …, "object": …}`) as a length-prefixed protobuf frame.
pub fn encode_watch_event(event: &Value) -> Result<Vec<u8>, EncodeError> {
    let missing = || EncodeError("no protobuf types".into());
    let object = event.get("object").unwrap_or(&Value::Null);
    let embedded = encode_object(object)?;
    let watch_event = message(&format!("{}.WatchEvent", super::META)).ok_or_else(missing)?;
    let raw_extension = message("apimachinery.pkg.runtime.RawExtension").ok_or_else(missing)?;
    let mut extension = raw_extension.new_instance();
    if let Some(field) = raw_extension.field_by_name("raw") {
        field.set_singular_field(&mut *extension, ReflectValueBox::Bytes(embedded));
    }
    let mut message = watch_event.new_instance();
    let event_type = event
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Some(field) = watch_event.field_by_name("type") {
        field.set_singular_field(&mut *message, ReflectValueBox::String(event_type.into()));
    }
    if let Some(field) = watch_event.field_by_name("object") {
        field.set_singular_field(&mut *message, ReflectValueBox::Message(extension));
    }
    let body = message
        .write_to_bytes_dyn()
        .map_err(|err| EncodeError(err.to_string()))?;
    let length = u32::try_from(body.len()).map_err(|_| EncodeError("event too large".into()))?;
    let mut frame = length.to_be_bytes().to_vec();
    frame.extend_from_slice(&body);
    Ok(frame)
}

/// Splits a protobuf watch stream into its events as JSON (`{"type", "object"}`), for
/// clients and tests; the bytes after the last whole frame are returned untouched.
pub fn decode_watch_frames(stream: &[u8]) -> Result<(Vec<Value>, &[u8]), DecodeError> {
    let mut events = Vec::new();
    let mut rest = stream;
    let watch_event = message(&format!("{}.WatchEvent", super::META))
        .ok_or_else(|| DecodeError::envelope("no protobuf types"))?;
    while let Some((length, after)) = rest.split_first_chunk::<4>() {
        let length = u32::from_be_bytes(*length) as usize;
        let Some(body) = after.get(..length) else {
            break;
        };
        let event =
            parse(&watch_event, body).map_err(|err| DecodeError::envelope(go_proto_error(&err)))?;
        // The embedded object (RawExtension holding an envelope) decodes with it.
        let json = to_json::message_to_json(&*event, 0).map_err(DecodeError::envelope)?;
        events.push(json);
        rest = after.get(length..).unwrap_or_default();
    }
    Ok((events, rest))
}
