//! The OpenAPI v2 document in the protobuf form kubectl downloads it in
//! (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`): the messages of gnostic's
//! openapiv2/OpenAPIv2.proto that a definitions-only document uses, with its field numbers,
//! encoded by prost. kubectl reads this document to validate, on the client, objects of kinds
//! whose OpenAPI v3 paths have no PATCH operation (a ProjectRequest, an ImageStreamImport).

use prost::Message;
use serde_json::Value;

/// `openapi.v2.Document`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Document {
    #[prost(string, tag = "1")]
    pub(crate) swagger: String,
    #[prost(message, optional, tag = "2")]
    pub(crate) info: Option<Info>,
    #[prost(message, optional, tag = "9")]
    pub(crate) definitions: Option<Definitions>,
}

/// `openapi.v2.Info`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Info {
    #[prost(string, tag = "1")]
    pub(crate) title: String,
    #[prost(string, tag = "2")]
    pub(crate) version: String,
}

/// `openapi.v2.Definitions`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Definitions {
    #[prost(message, repeated, tag = "1")]
    pub(crate) additional_properties: Vec<NamedSchema>,
}

/// `openapi.v2.NamedSchema`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct NamedSchema {
    #[prost(string, tag = "1")]
    pub(crate) name: String,
    #[prost(message, optional, tag = "2")]
    pub(crate) value: Option<Schema>,
}

/// `openapi.v2.Schema`, the fields devcluster's schemas use.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Schema {
    #[prost(string, tag = "1")]
    pub(crate) reference: String,
    #[prost(string, tag = "2")]
    pub(crate) format: String,
    #[prost(string, tag = "4")]
    pub(crate) description: String,
    #[prost(string, repeated, tag = "19")]
    pub(crate) required: Vec<String>,
    #[prost(message, optional, tag = "21")]
    pub(crate) additional_properties: Option<AdditionalPropertiesItem>,
    #[prost(message, optional, tag = "22")]
    pub(crate) r#type: Option<TypeItem>,
    #[prost(message, optional, tag = "23")]
    pub(crate) items: Option<ItemsItem>,
    #[prost(message, optional, tag = "25")]
    pub(crate) properties: Option<Properties>,
    #[prost(message, repeated, tag = "31")]
    pub(crate) vendor_extension: Vec<NamedAny>,
}

/// `openapi.v2.AdditionalPropertiesItem`: a oneof of a schema and a boolean, which on the
/// wire are two optional fields of which one is set.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct AdditionalPropertiesItem {
    #[prost(message, optional, boxed, tag = "1")]
    pub(crate) schema: Option<Box<Schema>>,
    #[prost(bool, optional, tag = "2")]
    pub(crate) boolean: Option<bool>,
}

/// `openapi.v2.TypeItem`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct TypeItem {
    #[prost(string, repeated, tag = "1")]
    pub(crate) value: Vec<String>,
}

/// `openapi.v2.ItemsItem`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct ItemsItem {
    #[prost(message, repeated, tag = "1")]
    pub(crate) schema: Vec<Schema>,
}

/// `openapi.v2.Properties`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Properties {
    #[prost(message, repeated, tag = "1")]
    pub(crate) additional_properties: Vec<NamedSchema>,
}

/// `openapi.v2.NamedAny`: a vendor extension, its value as YAML (JSON is YAML).
#[derive(Clone, PartialEq, Message)]
pub(crate) struct NamedAny {
    #[prost(string, tag = "1")]
    pub(crate) name: String,
    #[prost(message, optional, tag = "2")]
    pub(crate) value: Option<Any>,
}

/// `openapi.v2.Any`.
#[derive(Clone, PartialEq, Message)]
pub(crate) struct Any {
    #[prost(string, tag = "2")]
    pub(crate) yaml: String,
}

fn text(schema: &Value, key: &str) -> String {
    schema
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// A JSON schema (as [`super::schema`] writes it for v2) in protobuf form.
fn schema(json: &Value) -> Schema {
    let properties = json
        .get("properties")
        .and_then(Value::as_object)
        .map(|map| Properties {
            additional_properties: map
                .iter()
                .map(|(name, value)| NamedSchema {
                    name: name.clone(),
                    value: Some(schema(value)),
                })
                .collect(),
        });
    Schema {
        reference: text(json, "$ref"),
        format: text(json, "format"),
        description: text(json, "description"),
        required: json
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        additional_properties: json.get("additionalProperties").map(|extra| match extra {
            Value::Bool(allowed) => AdditionalPropertiesItem {
                schema: None,
                boolean: Some(*allowed),
            },
            other => AdditionalPropertiesItem {
                schema: Some(Box::new(schema(other))),
                boolean: None,
            },
        }),
        r#type: json.get("type").and_then(Value::as_str).map(|t| TypeItem {
            value: vec![t.to_owned()],
        }),
        items: json.get("items").map(|item| ItemsItem {
            schema: vec![schema(item)],
        }),
        properties,
        vendor_extension: json
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(name, _)| name.starts_with("x-"))
            .map(|(name, value)| NamedAny {
                name: name.clone(),
                value: Some(Any {
                    yaml: value.to_string(),
                }),
            })
            .collect(),
    }
}

/// The v2 document (`swagger`, `info`, `definitions`) in protobuf.
pub(crate) fn encode(document: &Value) -> Vec<u8> {
    let definitions = document
        .get("definitions")
        .and_then(Value::as_object)
        .map(|map| Definitions {
            additional_properties: map
                .iter()
                .map(|(name, value)| NamedSchema {
                    name: name.clone(),
                    value: Some(schema(value)),
                })
                .collect(),
        });
    Document {
        swagger: text(document, "swagger"),
        info: Some(Info {
            title: document
                .pointer("/info/title")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            version: document
                .pointer("/info/version")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
        }),
        definitions,
    }
    .encode_to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_document_round_trips_through_protobuf() {
        let document = json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "v"},
            "definitions": {"a.Kind": {
                "type": "object",
                "description": "a kind",
                "required": ["spec"],
                "properties": {
                    "spec": {"$ref": "#/definitions/a.Spec"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                },
                "x-kubernetes-group-version-kind": [{"group": "a", "kind": "Kind", "version": "v1"}],
            }},
        });
        let decoded = Document::decode(encode(&document).as_slice()).expect("decodes");
        assert_eq!(decoded.swagger, "2.0");
        let definitions = decoded
            .definitions
            .unwrap_or_default()
            .additional_properties;
        let kind = definitions[0].value.clone().unwrap_or_default();
        assert_eq!(definitions[0].name, "a.Kind");
        assert_eq!(kind.required, ["spec"]);
        assert_eq!(
            kind.vendor_extension[0].name,
            "x-kubernetes-group-version-kind"
        );
        assert_eq!(
            kind.vendor_extension[0]
                .value
                .clone()
                .unwrap_or_default()
                .yaml,
            r#"[{"group":"a","kind":"Kind","version":"v1"}]"#
        );
        let properties = kind.properties.unwrap_or_default().additional_properties;
        let names: Vec<&str> = properties.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["labels", "spec", "tags"]);
        let labels = properties[0].value.clone().unwrap_or_default();
        assert!(labels
            .additional_properties
            .and_then(|a| a.schema)
            .is_some());
        assert_eq!(
            properties[1].value.clone().unwrap_or_default().reference,
            "#/definitions/a.Spec"
        );
    }
}
