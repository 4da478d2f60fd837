//! Named schema definitions written as data, and their JSON forms in OpenAPI v3
//! (`components.schemas`, references through `allOf`) and v2 (`definitions`, plain `$ref`),
//! as kube-openapi publishes Go types in both.

use serde_json::{json, Map, Value};

/// The type of a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Type {
    /// `string`.
    String,
    /// Base64 bytes (`string`, format `byte`).
    Bytes,
    /// `integer`, format `int32`.
    Int32,
    /// `integer`, format `int64`.
    Int64,
    /// `boolean`.
    Bool,
    /// `map[string]string`.
    StringMap,
    /// A named definition.
    Ref(&'static str),
    /// A list of items of a type.
    Array(&'static Type),
}

/// One property of a definition.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) ty: Type,
    pub(crate) description: &'static str,
    /// Extra schema keys as a JSON object text: list merge keys and strategies
    /// (`x-kubernetes-patch-merge-key`), list types, enums.
    pub(crate) extensions: &'static str,
}

/// A property without extensions.
pub(crate) const fn field(name: &'static str, ty: Type, description: &'static str) -> Field {
    Field {
        name,
        ty,
        description,
        extensions: "",
    }
}

/// A property with extensions (a list's merge key and strategy, an enum).
pub(crate) const fn field_with(
    name: &'static str,
    ty: Type,
    description: &'static str,
    extensions: &'static str,
) -> Field {
    Field {
        name,
        ty,
        description,
        extensions,
    }
}

/// What a definition is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// An object with the listed properties.
    Struct(&'static [Field]),
    /// A string in a format (`date-time` for metav1.Time).
    Formatted(&'static str),
    /// Any JSON object (runtime.RawExtension, metav1.FieldsV1).
    AnyObject,
}

/// One named schema.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Definition {
    /// The name kube-openapi gives the Go type (`com.github.openshift.api.image.v1.ImageStream`).
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) required: &'static [&'static str],
    pub(crate) shape: Shape,
    /// Extra keys as a JSON object text (`x-kubernetes-map-type`).
    pub(crate) extensions: &'static str,
}

/// Which OpenAPI version a schema is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V2,
    V3,
}

impl Version {
    fn reference(self, name: &str) -> String {
        match self {
            Version::V2 => format!("#/definitions/{name}"),
            Version::V3 => format!("#/components/schemas/{name}"),
        }
    }
}

fn merge_extensions(schema: &mut Value, extensions: &str) {
    if extensions.is_empty() {
        return;
    }
    // The texts are constants of this crate, checked by a test; a bad one adds nothing.
    if let (Ok(Value::Object(extra)), Some(map)) = (
        serde_json::from_str::<Value>(extensions),
        schema.as_object_mut(),
    ) {
        map.extend(extra);
    }
}

/// The schema of a value of type `ty`; v3 wraps references in `allOf`, as kube-openapi does,
/// so a description can sit beside them.
fn type_schema(ty: Type, version: Version) -> Value {
    match ty {
        Type::String => json!({"type": "string"}),
        Type::Bytes => json!({"type": "string", "format": "byte"}),
        Type::Int32 => json!({"type": "integer", "format": "int32"}),
        Type::Int64 => json!({"type": "integer", "format": "int64"}),
        Type::Bool => json!({"type": "boolean"}),
        Type::StringMap => {
            json!({"type": "object", "additionalProperties": {"type": "string", "default": ""}})
        }
        Type::Ref(name) => match version {
            Version::V2 => json!({"$ref": version.reference(name)}),
            Version::V3 => json!({"allOf": [{"$ref": version.reference(name)}]}),
        },
        Type::Array(item) => json!({"type": "array", "items": type_schema(*item, version)}),
    }
}

/// The names a type refers to.
fn referenced(ty: Type, out: &mut Vec<&'static str>) {
    match ty {
        Type::Ref(name) => out.push(name),
        Type::Array(item) => referenced(*item, out),
        _ => {}
    }
}

impl Definition {
    /// The definition as a JSON schema.
    pub(crate) fn schema(&self, version: Version) -> Value {
        let mut schema = match self.shape {
            Shape::Struct(fields) => {
                let properties: Map<String, Value> = fields
                    .iter()
                    .map(|field| {
                        let mut property = type_schema(field.ty, version);
                        property["description"] = json!(field.description);
                        merge_extensions(&mut property, field.extensions);
                        (field.name.to_owned(), property)
                    })
                    .collect();
                json!({"type": "object", "properties": properties})
            }
            Shape::Formatted(format) => json!({"type": "string", "format": format}),
            Shape::AnyObject => json!({"type": "object"}),
        };
        schema["description"] = json!(self.description);
        if !self.required.is_empty() {
            schema["required"] = json!(self.required);
        }
        merge_extensions(&mut schema, self.extensions);
        schema
    }

    /// The definitions this one refers to directly.
    pub(crate) fn references(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if let Shape::Struct(fields) = self.shape {
            for field in fields {
                referenced(field.ty, &mut out);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIELDS: &[Field] = &[
        field("metadata", Type::Ref("meta.ObjectMeta"), "about it"),
        field_with(
            "tags",
            Type::Array(&Type::Ref("x.Tag")),
            "the tags",
            r#"{"x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"}"#,
        ),
    ];

    #[test]
    fn references_read_as_kube_openapi_writes_them() {
        let definition = Definition {
            name: "x.Stream",
            description: "a stream",
            required: &["metadata"],
            shape: Shape::Struct(FIELDS),
            extensions: "",
        };
        let v3 = definition.schema(Version::V3);
        assert_eq!(
            v3["properties"]["metadata"],
            json!({"allOf": [{"$ref": "#/components/schemas/meta.ObjectMeta"}], "description": "about it"})
        );
        assert_eq!(
            v3["properties"]["tags"]["items"],
            json!({"allOf": [{"$ref": "#/components/schemas/x.Tag"}]})
        );
        assert_eq!(
            v3["properties"]["tags"]["x-kubernetes-patch-merge-key"],
            "name"
        );
        let v2 = definition.schema(Version::V2);
        assert_eq!(
            v2["properties"]["metadata"]["$ref"],
            "#/definitions/meta.ObjectMeta"
        );
        assert_eq!(v2["required"], json!(["metadata"]));
        assert_eq!(definition.references(), ["meta.ObjectMeta", "x.Tag"]);
    }
}
