//! A PATCH request as kube-apiserver's patch handler (apiserver/pkg/endpoints/handlers/patch.go)
//! treats it, up to the object it hands to the update: the patch document decoded for its
//! content type, applied (merge patch by the `json-patch` crate's [`json_patch::merge`], JSON
//! patch by [`super::json_patch`], strategic merge patch by [`super::strategic_merge_patch`]),
//! and the patched object checked as the handler's decoding and `applyPatch` check it.
//!
//! What the real server answers, and so this one:
//!
//! * a merge patch that is not an object is `400 BadRequest` (`error decoding patch: json:
//!   cannot unmarshal …` when decoded strictly, the default; `Invalid JSON Patch` for `null`, and
//!   for a string, number or boolean under `fieldValidation=Ignore`); a merge patch that is an
//!   array under `Ignore` replaces the object and fails its decoding;
//! * a strategic merge patch that is not an object is `400` (`json: cannot unmarshal …`);
//!   `null` changes nothing;
//! * a patched object that is not an object fails the handler's decoding:
//!   `422 Invalid`, ` "" is invalid: patch: Invalid value: "<the patched JSON>": couldn't get
//!   version/kind; json parse error: …`;
//! * a patched object whose `metadata.name` is gone (`{"metadata": null}` as merge patch,
//!   `{"metadata": {"$patch": "replace"}}` as strategic merge patch) is `400`, `the name of the
//!   object (NAME based on URL) was undeterminable: name must be provided`, from `checkName`; a
//!   different name or namespace is `400` too. A `$patch: replace` of metadata that keeps the
//!   name replaces labels and annotations and succeeds, as there; the update keeps uid and
//!   creation time;
//! * a patched object larger than [`MAX_OBJECT_BYTES`] is refused as etcd refuses it behind
//!   kube-apiserver: `500`, `etcdserver: request is too large`.

use super::json_patch::{self as rfc6902, Failure};
use super::{merge_schema_for, strategic_merge_patch, PatchErrorKind};
use crate::decode::go_json_type;
use crate::decode::FieldValidation;
use crate::limits::{json_size, too_deep, MAX_OBJECT_BYTES, MAX_OBJECT_DEPTH};
use crate::registry::go_quote;
use serde_json::{json, Value};

/// The three patch formats, by their media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json`
    Json,
    /// `application/merge-patch+json`
    Merge,
    /// `application/strategic-merge-patch+json`
    Strategic,
}

impl PatchType {
    /// The format of a media type (without parameters), `None` for any other type.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type {
            "application/json-patch+json" => Some(Self::Json),
            "application/merge-patch+json" => Some(Self::Merge),
            "application/strategic-merge-patch+json" => Some(Self::Strategic),
            _ => None,
        }
    }
}

/// What the patch is aimed at: the name and namespace on the URL and the resource's kind.
#[derive(Debug, Clone, Copy)]
pub struct PatchTarget<'a> {
    /// The object's name from the URL.
    pub name: &'a str,
    /// The namespace from the URL; `None` for a cluster-scoped resource.
    pub namespace: Option<&'a str>,
    /// The kind, which decides the strategic merge schema.
    pub kind: &'a str,
}

/// A patch the server refuses: the fields of the `Status` it answers with.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    /// HTTP status code.
    pub code: u16,
    /// `Status.reason`.
    pub reason: &'static str,
    /// `Status.message`.
    pub message: String,
    /// `Status.details`, when kube-apiserver sends any.
    pub details: Option<Value>,
}

impl Rejection {
    fn bad_request(message: impl Into<String>) -> Self {
        Self {
            code: 400,
            reason: "BadRequest",
            message: message.into(),
            details: None,
        }
    }

    /// `NewInvalid` of an empty group kind and name with one `patch: Invalid value: VALUE:
    /// DETAIL` cause, as the handler reports a patched object that does not decode (`value` is
    /// already quoted).
    fn invalid_patch(value: &str, detail: &str) -> Self {
        let body = format!("Invalid value: {value}: {detail}");
        Self {
            code: 422,
            reason: "Invalid",
            message: format!(" \"\" is invalid: patch: {body}"),
            details: Some(json!({"causes": [
                {"reason": "FieldValueInvalid", "message": body, "field": "patch"}
            ]})),
        }
    }

    /// The `422` kube-apiserver answers for any JSON patch operation that fails
    /// (`NewGenericServerResponse` for 422 keeps none of the library's text).
    fn operation_failed() -> Self {
        Self {
            code: 422,
            reason: "Invalid",
            message: "the server rejected our request due to an error in our request".into(),
            details: Some(json!({})),
        }
    }

    /// This server's depth bound, worded as a decoding failure of the patched object.
    fn too_deep() -> Self {
        Self::invalid_patch(
            "\"object\"",
            &format!("the patched object nests deeper than {MAX_OBJECT_DEPTH} levels, the most this server stores"),
        )
    }
}

/// Go's error for decoding a non-object into the `map[string]interface{}` a merge or
/// strategic merge patch is read into.
fn not_a_map(patch: &Value) -> String {
    format!(
        "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
        go_json_type(patch)
    )
}

/// Removes `null` members from the objects in a value, as the evanphx/json-patch library
/// prunes a merge patch that replaces a non-object. Patch documents nest at most the parser's
/// depth, so the recursion is bounded.
fn prune_nulls(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.retain(|_, member| !member.is_null());
            map.values_mut().for_each(prune_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

/// Applies a patch document to the stored object and checks the result as kube-apiserver's
/// patch handler does (see the module documentation), returning the object to update with.
///
/// # Errors
///
/// The [`Rejection`] the server answers with: the patch does not decode or apply, or the
/// patched object is not an object, nests too deep, is too large, or has another name or
/// namespace.
pub fn apply(
    existing: &Value,
    patch_type: PatchType,
    patch: &Value,
    validation: FieldValidation,
    target: PatchTarget<'_>,
) -> Result<Value, Rejection> {
    let mut strict_errors = Vec::new();
    let patched = match patch_type {
        PatchType::Json => {
            let decoded = rfc6902::decode(patch, validation).map_err(json_patch_rejection)?;
            strict_errors.extend_from_slice(decoded.strict_errors());
            rfc6902::apply(existing, &decoded).map_err(json_patch_rejection)?
        }
        PatchType::Merge => {
            if validation != FieldValidation::Ignore
                && !matches!(patch, Value::Object(_) | Value::Null)
            {
                return Err(Rejection::bad_request(format!(
                    "error decoding patch: {}",
                    not_a_map(patch)
                )));
            }
            match patch {
                Value::Object(_) => {
                    let mut patched = existing.clone();
                    ::json_patch::merge(&mut patched, patch);
                    patched
                }
                // The library's `MergePatch` turns an array patch into the document itself.
                Value::Array(_) => {
                    let mut patched = patch.clone();
                    prune_nulls(&mut patched);
                    patched
                }
                _ => return Err(Rejection::bad_request("Invalid JSON Patch")),
            }
        }
        PatchType::Strategic => match patch {
            Value::Null => existing.clone(),
            Value::Object(_) => {
                strategic_merge_patch(existing, patch, &merge_schema_for(target.kind)).map_err(
                    |err| Rejection {
                        code: err.http_status(),
                        reason: match err.kind() {
                            PatchErrorKind::Malformed => "BadRequest",
                            PatchErrorKind::Unprocessable => "Invalid",
                        },
                        message: err.to_string(),
                        details: None,
                    },
                )?
            }
            other => return Err(Rejection::bad_request(not_a_map(other))),
        },
    };
    check_patched(patched, &strict_errors, target)
}

fn json_patch_rejection(failure: Failure) -> Rejection {
    match failure {
        Failure::BadRequest(message) => Rejection::bad_request(message),
        Failure::TooManyOperations(count) => Rejection {
            code: 413,
            reason: "RequestEntityTooLarge",
            message: format!(
                "Request entity too large: The allowed maximum operations in a JSON patch is {}, got {count}",
                rfc6902::MAX_OPERATIONS
            ),
            details: None,
        },
        Failure::OperationFailed { .. } => Rejection::operation_failed(),
        Failure::TooDeep { .. } => Rejection::too_deep(),
    }
}

/// The checks of a patched object, in the handler's order: it decodes as an object (and,
/// under `Strict`, the patch had no unknown fields), then `applyPatch`'s namespace and name
/// checks; then this server's depth and etcd's size bound.
fn check_patched(
    mut patched: Value,
    strict_errors: &[String],
    target: PatchTarget<'_>,
) -> Result<Value, Rejection> {
    let type_error = match &patched {
        Value::Object(_) => None,
        // `null` decodes as an empty object, which then has no name.
        Value::Null => {
            patched = json!({});
            None
        }
        other => Some(go_json_type(other)),
    };
    if let Some(found) = type_error {
        return Err(Rejection::invalid_patch(
            &go_quote(&patched.to_string()),
            &format!(
                "couldn't get version/kind; json parse error: json: cannot unmarshal {found} into Go value of type struct {{ APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }}"
            ),
        ));
    }
    if !strict_errors.is_empty() {
        return Err(Rejection::invalid_patch(
            &go_quote(&patched.to_string()),
            &format!("strict decoding error: {}", strict_errors.join(", ")),
        ));
    }
    if too_deep(&patched) {
        return Err(Rejection::too_deep());
    }
    // `metadata` of another type is the typed decoding's to refuse.
    if let Some(meta) = patched.get_mut("metadata").and_then(Value::as_object_mut) {
        // rest.EnsureObjectNamespaceMatchesRequestNamespace: unset takes the request's, a
        // cluster-scoped object has none, another one is an error.
        let namespace = meta
            .get("namespace")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match target.namespace {
            None => {
                meta.remove("namespace");
            }
            Some(expected) if namespace.is_empty() => {
                meta.insert("namespace".into(), json!(expected));
            }
            Some(expected) if namespace != expected => {
                return Err(Rejection::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            Some(_) => {}
        }
    }
    // handlers.checkName.
    let name = patched
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if name.is_empty() && patched.get("metadata").is_none_or(Value::is_object) {
        return Err(Rejection::bad_request(format!(
            "the name of the object ({} based on URL) was undeterminable: name must be provided",
            target.name
        )));
    }
    if !name.is_empty() && name != target.name {
        return Err(Rejection::bad_request(format!(
            "the name of the object ({name}) does not match the name on the URL ({})",
            target.name
        )));
    }
    if json_size(&patched) > MAX_OBJECT_BYTES {
        return Err(Rejection {
            code: 500,
            reason: "",
            message: "etcdserver: request is too large".into(),
            details: None,
        });
    }
    Ok(patched)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: PatchTarget<'static> = PatchTarget {
        name: "web",
        namespace: Some("demo"),
        kind: "Deployment",
    };

    fn stored() -> Value {
        json!({
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "metadata": {"name": "web", "namespace": "demo", "uid": "u-1", "labels": {"app": "web"}, "annotations": {"a": "1"}},
            "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "web", "image": "x"}]}}}
        })
    }

    fn patch(patch_type: PatchType, body: Value) -> Result<Value, Rejection> {
        apply(&stored(), patch_type, &body, FieldValidation::Warn, TARGET)
    }

    fn refused(result: Result<Value, Rejection>) -> (u16, &'static str, String) {
        let rejection = result.expect_err("the patch is refused");
        (rejection.code, rejection.reason, rejection.message)
    }

    #[test]
    fn merge_patches_follow_rfc7396() {
        let patched = patch(
            PatchType::Merge,
            json!({"metadata": {"labels": {"app": null, "tier": "front"}}, "spec": {"replicas": 3, "paused": true, "template": null}}),
        )
        .unwrap();
        assert_eq!(patched["metadata"]["labels"], json!({"tier": "front"}));
        assert_eq!(patched["spec"], json!({"replicas": 3, "paused": true}));
        assert_eq!(patched["metadata"]["annotations"], json!({"a": "1"}));
        // Values new to the object lose their nulls; lists are replaced whole.
        let patched = patch(
            PatchType::Merge,
            json!({"status": {"a": {"b": null, "c": 1}, "l": [1, null]}}),
        )
        .unwrap();
        assert_eq!(patched["status"], json!({"a": {"c": 1}, "l": [1, null]}));
    }

    #[test]
    fn merge_patches_that_are_not_objects_are_refused_as_kube_apiserver_does() {
        for (body, word) in [
            (json!([]), "array"),
            (json!("s"), "string"),
            (json!(5), "number"),
            (json!(true), "bool"),
        ] {
            assert_eq!(
                refused(patch(PatchType::Merge, body)),
                (400, "BadRequest", format!("error decoding patch: json: cannot unmarshal {word} into Go value of type map[string]interface {{}}"))
            );
        }
        assert_eq!(
            refused(patch(PatchType::Merge, Value::Null)),
            (400, "BadRequest", "Invalid JSON Patch".into())
        );
        let lenient = |body: Value| {
            apply(
                &stored(),
                PatchType::Merge,
                &body,
                FieldValidation::Ignore,
                TARGET,
            )
        };
        assert_eq!(
            refused(lenient(json!(5))),
            (400, "BadRequest", "Invalid JSON Patch".into())
        );
        // Leniently an array replaces the object, which then does not decode.
        let rejection = lenient(json!([1, {"a": null}])).unwrap_err();
        let body = "Invalid value: \"[1,{}]\": couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }";
        assert_eq!(rejection.code, 422);
        assert_eq!(rejection.reason, "Invalid");
        assert_eq!(
            rejection.message,
            format!(" \"\" is invalid: patch: {body}")
        );
        assert_eq!(
            rejection.details,
            Some(
                json!({"causes": [{"reason": "FieldValueInvalid", "message": body, "field": "patch"}]})
            )
        );
    }

    #[test]
    fn json_patch_failures_are_kube_apiservers_status() {
        let generic = (
            422,
            "Invalid",
            "the server rejected our request due to an error in our request".to_owned(),
        );
        for body in [
            json!([{"op": "replace", "path": "", "value": 5}]),
            json!([{"op": "test", "path": "/spec/replicas", "value": 2}]),
            json!([{"op": "remove", "path": "/spec/missing"}]),
        ] {
            let rejection = patch(PatchType::Json, body.clone()).unwrap_err();
            assert_eq!(
                (rejection.code, rejection.reason, rejection.message),
                generic.clone(),
                "{body}"
            );
            assert_eq!(rejection.details, Some(json!({})));
        }
        let (code, reason, message) = refused(patch(
            PatchType::Json,
            json!([{"op": "replace", "path": "", "value": [1]}]),
        ));
        assert_eq!((code, reason), (422, "Invalid"));
        assert!(
            message.starts_with(
                " \"\" is invalid: patch: Invalid value: \"[1]\": couldn't get version/kind"
            ),
            "{message}"
        );
        let many = Value::Array(vec![
            json!({"op": "test", "path": "/kind", "value": "Deployment"});
            10_001
        ]);
        assert_eq!(
            refused(patch(PatchType::Json, many)),
            (413, "RequestEntityTooLarge", "Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001".into())
        );
        assert_eq!(refused(patch(PatchType::Json, json!({}))).0, 400);
        // Under Strict, unknown operation members are reported once the patch applied.
        let strict = apply(
            &stored(),
            PatchType::Json,
            &json!([{"op": "add", "path": "/spec/paused", "value": true, "xyz": 1}]),
            FieldValidation::Strict,
            TARGET,
        );
        let (code, _, message) = refused(strict);
        assert_eq!(code, 422);
        assert!(
            message.ends_with(": strict decoding error: json patch unknown field \"[0].xyz\""),
            "{message}"
        );
    }

    #[test]
    fn strategic_merge_patches_that_are_not_objects() {
        for (body, word) in [(json!([]), "array"), (json!(5), "number")] {
            assert_eq!(
                refused(patch(PatchType::Strategic, body)),
                (400, "BadRequest", format!("json: cannot unmarshal {word} into Go value of type map[string]interface {{}}"))
            );
        }
        assert_eq!(patch(PatchType::Strategic, Value::Null), Ok(stored()));
        let (code, reason, message) = refused(patch(
            PatchType::Strategic,
            json!({"spec": {"template": {"spec": {"containers": [{"image": "y"}]}}}}),
        ));
        assert_eq!((code, reason), (400, "BadRequest"));
        assert!(message.contains("merge key \"name\""), "{message}");
    }

    #[test]
    fn the_patched_object_keeps_its_name_and_namespace() {
        let name_gone = (
            400,
            "BadRequest",
            "the name of the object (web based on URL) was undeterminable: name must be provided"
                .to_owned(),
        );
        assert_eq!(
            refused(patch(
                PatchType::Strategic,
                json!({"metadata": {"$patch": "replace"}})
            )),
            name_gone
        );
        assert_eq!(
            refused(patch(PatchType::Merge, json!({"metadata": null}))),
            name_gone
        );
        assert_eq!(
            refused(patch(
                PatchType::Json,
                json!([{"op": "remove", "path": "/metadata/name"}])
            )),
            name_gone
        );
        assert_eq!(
            refused(patch(
                PatchType::Merge,
                json!({"metadata": {"name": "other"}})
            )),
            (
                400,
                "BadRequest",
                "the name of the object (other) does not match the name on the URL (web)".into()
            )
        );
        assert_eq!(
            refused(patch(PatchType::Merge, json!({"metadata": {"namespace": "other"}}))),
            (400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request".into())
        );
        // Replacing metadata but keeping the name drops labels and annotations, as there.
        let patched = patch(
            PatchType::Strategic,
            json!({"metadata": {"$patch": "replace", "name": "web"}}),
        )
        .unwrap();
        assert_eq!(
            patched["metadata"],
            json!({"name": "web", "namespace": "demo"})
        );
        assert_eq!(patched["spec"], stored()["spec"]);
        // A cluster-scoped object has no namespace.
        let cluster_scoped = PatchTarget {
            namespace: None,
            ..TARGET
        };
        let patched = apply(
            &stored(),
            PatchType::Merge,
            &json!({}),
            FieldValidation::Warn,
            cluster_scoped,
        )
        .unwrap();
        assert_eq!(patched["metadata"].get("namespace"), None);
    }

    #[test]
    fn patched_objects_stay_within_the_stored_bounds() {
        let deep = (0..MAX_OBJECT_DEPTH).fold(json!(1), |value, _| json!({ "d": value }));
        let (code, reason, message) =
            refused(patch(PatchType::Merge, json!({"spec": deep.clone()})));
        assert_eq!((code, reason), (422, "Invalid"));
        assert!(
            message.contains(&format!("nests deeper than {MAX_OBJECT_DEPTH} levels")),
            "{message}"
        );
        assert!(refused(patch(PatchType::Strategic, json!({"spec": deep}))).0 == 422);

        let mut large = stored();
        large["metadata"]["annotations"]["big"] = json!("x".repeat(MAX_OBJECT_BYTES / 2));
        let body = json!({"metadata": {"annotations": {"more": "y".repeat(MAX_OBJECT_BYTES / 2)}}});
        assert_eq!(
            refused(apply(
                &large,
                PatchType::Merge,
                &body,
                FieldValidation::Warn,
                TARGET
            )),
            (500, "", "etcdserver: request is too large".into())
        );
    }
}
