//! Media types at the native server's edge, as kube-apiserver negotiates them: which body
//! formats a request may send (JSON, YAML, and protobuf for the built-in kinds) and which
//! answer format its `Accept` header picks, so that `Cluster::handle` only ever sees and
//! writes JSON.
//!
//! The negotiation follows apiserver's `negotiation` package: Accept clauses sorted by `q`
//! and specificity (goautoneg), the first one a serializer of the endpoint can satisfy wins,
//! with its `as=Table` / `stream=watch` parameters checked; nothing acceptable is 406.
//! OpenShift's own groups are served as JSON and YAML only here (like a CRD), so a protobuf
//! body there is 415 and an Accept of protobuf falls back to JSON.

use super::envelope::{decode_object, encode_object, encode_watch_event, DecodeError};
use super::{group_has_protobuf, served, MEDIA_TYPE};
use imagestream_model::url::decode_component;
use serde_json::Value;

/// An answer's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `application/json`.
    Json,
    /// `application/yaml`.
    Yaml,
    /// `application/vnd.kubernetes.protobuf` (watches: `;stream=watch`, length-prefixed frames).
    Protobuf,
}

/// What a request path addresses, as far as media types are concerned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// The path names a resource devcluster serves (others are left to the router's 404).
    pub known: bool,
    /// The resource's group has protobuf forms (the Kubernetes built-in groups).
    pub protobuf: bool,
    /// A watch (GET of a collection with `watch=true`).
    pub watch: bool,
    /// The group version and kind a body is decoded as: the resource's kind for create and
    /// update, Scale for `…/scale`, DeleteOptions for a delete.
    pub expects: Option<(String, String)>,
    /// A delete: its body errors are worded without the object prefix, as apiserver's
    /// delete handler does.
    pub delete: bool,
}

/// Reads what `method path?query` addresses.
pub fn endpoint(method: &str, path: &str, query: &str) -> Endpoint {
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(decode_component)
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (group, version, rest) = match segments.as_slice() {
        ["api", "v1", rest @ ..] => ("", "v1", rest),
        ["apis", group, version, rest @ ..] => (*group, *version, rest),
        _ => return Endpoint::default(),
    };
    // The router's own reading of the path: what it answers 404 is not known here either
    // (`/api/v1/namespaces/demo/configmaps` is not the namespaces resource when configmaps
    // are not served).
    let Some(target) = crate::api::resource_target(group, version, rest) else {
        return Endpoint::default();
    };
    let resource = target.resource;
    let group_version = resource.group_version();
    let own = Some((group_version, resource.kind.to_owned()));
    let watching = query.split('&').any(|pair| {
        matches!(
            pair.split_once('=').unwrap_or((pair, "")),
            ("watch", "1" | "true" | "True" | "TRUE")
        )
    });
    // A subresource with a kind of its own (`…/scale`: Scale) reads and writes that kind.
    let body_kind = match target
        .subresource
        .as_deref()
        .and_then(served::subresource_kind)
    {
        Some((group_version, kind)) => Some((group_version.to_owned(), kind.to_owned())),
        None => own,
    };
    let (expects, delete) = match method {
        "POST" | "PUT" => (body_kind, false),
        "DELETE" => (
            Some((served::META_GROUP_VERSION.into(), "DeleteOptions".into())),
            true,
        ),
        _ => (None, false),
    };
    Endpoint {
        known: true,
        protobuf: group_has_protobuf(resource.group),
        watch: method == "GET" && target.name.is_none() && watching,
        expects,
        delete,
    }
}

/// A request refused at the edge: its status code and `Status` object.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// HTTP status.
    pub status: u16,
    /// The `Status` object.
    pub body: Value,
}

fn reject(code: u16, reason: &str, message: String) -> Rejection {
    Rejection {
        status: code,
        body: crate::api::status(code, reason, message, None),
    }
}

/// The negotiated answer: its format and the Accept header to hand the library (the chosen
/// clause, so that `as=Table` is read from it; plain JSON when the answer is transcoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// How the answer is written.
    pub format: Format,
    /// `Accept` for `Cluster::handle`.
    pub accept: String,
}

struct Clause<'a> {
    text: &'a str,
    kind: &'a str,
    subtype: &'a str,
    params: Vec<(&'a str, &'a str)>,
    q: f64,
}

/// goautoneg's `ParseAccept`: clauses with their parameters, best first (higher `q`, then
/// concrete types before wildcards; equal ones keep their order).
fn parse_accept(header: &str) -> Vec<Clause<'_>> {
    let mut clauses: Vec<Clause> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let range = pieces.next()?;
            let (kind, subtype) = match range.split('/').collect::<Vec<_>>().as_slice() {
                [star] if star.trim() == "*" => ("*", "*"),
                [kind, subtype] => (kind.trim(), subtype.trim()),
                _ => return None,
            };
            let mut clause = Clause {
                text: part.trim(),
                kind,
                subtype,
                params: Vec::new(),
                q: 1.0,
            };
            for param in pieces {
                let Some((key, value)) = param.split_once('=') else {
                    continue;
                };
                if key.trim() == "q" {
                    clause.q = value.trim().parse().unwrap_or(0.0);
                } else {
                    clause.params.push((key.trim(), value.trim()));
                }
            }
            Some(clause)
        })
        .collect();
    clauses.sort_by(|a, b| {
        b.q.partial_cmp(&a.q)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then((a.kind == "*").cmp(&(b.kind == "*")))
            .then((a.subtype == "*").cmp(&(b.subtype == "*")))
    });
    clauses
}

/// The serializers of an endpoint: (type, subtype, format, streams).
fn serializers(protobuf: bool) -> Vec<(&'static str, &'static str, Format, bool)> {
    let mut list = vec![
        ("application", "json", Format::Json, true),
        ("application", "yaml", Format::Yaml, false),
    ];
    if protobuf {
        list.push((
            "application",
            "vnd.kubernetes.protobuf",
            Format::Protobuf,
            true,
        ));
    }
    list
}

/// apiserver's `acceptMediaTypeOptions` with the endpoint restrictions of a resource: a
/// conversion (`as=`) must be a meta.k8s.io Table (JSON or YAML only) or
/// PartialObjectMetadata (JSON or YAML here: devcluster has no protobuf form of it),
/// `stream` must be `watch` on a streaming serializer, `sv` is not supported.
fn acceptable(clause: &Clause, format: Format, streams: bool) -> bool {
    let param = |name: &str| {
        clause
            .params
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    };
    if param("stream").is_some_and(|s| !s.is_empty() && (!streams || s != "watch")) {
        return false;
    }
    if param("sv").is_some_and(|v| !v.is_empty() && v != "v1") {
        return false;
    }
    let converts = ["as", "g", "v"].iter().any(|k| param(k).is_some());
    if !converts {
        return true;
    }
    let meta =
        matches!(param("g"), Some("meta.k8s.io")) && matches!(param("v"), Some("v1" | "v1beta1"));
    let kind_ok = matches!(
        param("as"),
        Some("Table" | "PartialObjectMetadata" | "PartialObjectMetadataList")
    );
    meta && kind_ok && format != Format::Protobuf
}

/// Picks the answer format for `accept` on `endpoint` (406 when nothing is acceptable).
pub fn negotiate(accept: &str, endpoint: &Endpoint) -> Result<Negotiated, Rejection> {
    let plain = Negotiated {
        format: Format::Json,
        accept: accept.to_owned(),
    };
    if !endpoint.known || accept.trim().is_empty() {
        return Ok(plain);
    }
    let serializers = serializers(endpoint.protobuf);
    let chosen = parse_accept(accept).into_iter().find_map(|clause| {
        serializers
            .iter()
            .find_map(|(kind, subtype, format, streams)| {
                let matches = (clause.kind == *kind
                    && (clause.subtype == *subtype || clause.subtype == "*"))
                    || (clause.kind == "*" && clause.subtype == "*");
                (matches && acceptable(&clause, *format, *streams)).then_some((
                    *format,
                    *streams,
                    clause.text,
                ))
            })
    });
    let (list, stream_list): (Vec<String>, Vec<String>) = serializers
        .iter()
        .map(|(kind, subtype, _, streams)| {
            let media = format!("{kind}/{subtype}");
            let stream = streams.then(|| format!("{media};stream=watch"));
            (media, stream.unwrap_or_default())
        })
        .unzip();
    let not_acceptable = |list: Vec<String>| {
        let list: Vec<String> = list.into_iter().filter(|m| !m.is_empty()).collect();
        reject(
            406,
            "NotAcceptable",
            format!(
                "only the following media types are accepted: {}",
                list.join(", ")
            ),
        )
    };
    match chosen {
        None if endpoint.watch => Err(not_acceptable(stream_list)),
        None => Err(not_acceptable(list)),
        Some((_, false, _)) if endpoint.watch => Err(not_acceptable(stream_list)),
        Some((Format::Protobuf, _, _)) => Ok(Negotiated {
            format: Format::Protobuf,
            accept: "application/json".into(),
        }),
        Some((format, _, text)) => Ok(Negotiated {
            format,
            // A wildcard clause is answered as plain JSON.
            accept: if text.contains('*') {
                "application/json".into()
            } else {
                text.to_owned()
            },
        }),
    }
}

/// apiserver's `summarizeData`: a body's first 30 bytes, as text when it looks like JSON, in
/// hex otherwise.
fn summarize(body: &[u8]) -> String {
    let head = body.get(..30).unwrap_or(body);
    let more = if body.len() > 30 { " ..." } else { "" };
    match body.first() {
        None => "<empty>".into(),
        Some(b'{') => format!("{}{more}", String::from_utf8_lossy(head)),
        Some(_) => {
            let hex: String = head.iter().map(|b| format!("{b:02x}")).collect();
            format!("{hex}{more}")
        }
    }
}

fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Turns a YAML or protobuf body into the JSON the library reads (`Ok(None)`: leave the body
/// as it is). Errors are the 400 and 415 answers of apiserver's decoding, worded as its
/// `transformDecodeError` and protobuf serializer.
pub fn convert_body(
    content_type: &str,
    body: &[u8],
    endpoint: &Endpoint,
) -> Result<Option<Vec<u8>>, Rejection> {
    let (Some((api_version, kind)), true) = (&endpoint.expects, endpoint.known) else {
        return Ok(None);
    };
    let media = media_type(content_type);
    let unrecognized = |detail: &str| {
        reject(
            400,
            "BadRequest",
            if endpoint.delete {
                detail.to_owned()
            } else {
                format!(
                    "the object provided is unrecognized (must be of type {kind}): {detail} ({})",
                    summarize(body)
                )
            },
        )
    };
    match media.as_str() {
        "application/yaml" if !body.is_empty() => {
            let value: Value = serde_yaml::from_slice(body).map_err(|err| {
                unrecognized(&format!("error converting YAML to JSON: yaml: {err}"))
            })?;
            let json = serde_json::to_vec(&value)
                .map_err(|err| unrecognized(&format!("error converting YAML to JSON: {err}")))?;
            Ok(Some(json))
        }
        MEDIA_TYPE if !endpoint.protobuf => Err(reject(
            415,
            "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml".into(),
        )),
        MEDIA_TYPE => {
            let object = decode_object(body, (api_version, kind)).map_err(
                |DecodeError {
                     envelope,
                     api_version: body_version,
                     kind: body_kind,
                     detail,
                     ..
                 }| {
                    if envelope {
                        return unrecognized(&detail);
                    }
                    let version = body_version.rsplit('/').next().unwrap_or_default();
                    let message = if endpoint.delete {
                        detail
                    } else {
                        format!(
                            "{body_kind} in version {version:?} cannot be handled as a {kind}: {detail}"
                        )
                    };
                    reject(400, "BadRequest", message)
                },
            )?;
            serde_json::to_vec(&object)
                .map(Some)
                .map_err(|err| unrecognized(&err.to_string()))
        }
        _ => Ok(None),
    }
}

/// The answer body in the negotiated format: (Content-Type, bytes). A JSON body that has no
/// protobuf form (or does not fit its type) is sent as JSON, as kube-apiserver falls back.
pub fn encode_body(format: Format, json: &[u8]) -> (&'static str, Vec<u8>) {
    let as_json = || ("application/json", json.to_vec());
    if format == Format::Json || json.is_empty() {
        return as_json();
    }
    let Ok(value) = serde_json::from_slice::<Value>(json) else {
        return as_json();
    };
    match format {
        Format::Yaml => serde_yaml::to_string(&value)
            .map(|text| ("application/yaml", text.into_bytes()))
            .unwrap_or_else(|_| as_json()),
        Format::Protobuf => encode_object(&value)
            .map(|bytes| (MEDIA_TYPE, bytes))
            .unwrap_or_else(|_| as_json()),
        Format::Json => as_json(),
    }
}

/// The Content-Type of a watch stream in `format`.
pub fn watch_content_type(format: Format) -> &'static str {
    match format {
        Format::Protobuf => "application/vnd.kubernetes.protobuf;stream=watch",
        _ => "application/json",
    }
}

/// One newline-terminated JSON watch event in the stream's format (`None`: it has no
/// protobuf form and is left out).
pub fn watch_chunk(format: Format, line: &[u8]) -> Option<Vec<u8>> {
    if format != Format::Protobuf {
        return Some(line.to_vec());
    }
    let event: Value = serde_json::from_slice(line).ok()?;
    encode_watch_event(&event).ok()
}
