//! JSON patch (RFC 6902, `application/json-patch+json`) as kube-apiserver applies it.
//!
//! The operations themselves are the `json-patch` crate's ([`json_patch::patch_unsafe`], one
//! operation at a time on the caller's copy, so a failure discards the copy instead of
//! undoing). Around it, what kube-apiserver's `jsonPatcher.applyJSPatch`
//! (apiserver/pkg/endpoints/handlers/patch.go) and the evanphx/json-patch v4 library it uses do:
//!
//! * the document is decoded as that handler does (strictly into its `jsonPatchOp` struct unless
//!   `fieldValidation=Ignore`, then into the library's `Patch`), with Go's decoding errors as
//!   `400 BadRequest`;
//! * more than [`MAX_OPERATIONS`] operations are `413 RequestEntityTooLarge`;
//! * `copy` operations may add at most [`MAX_COPY_BYTES`] in all (the handler sets the library's
//!   `AccumulatedCopySizeLimit` from `JSONPatchMaxCopyBytes`);
//! * every operation that fails is a [`Failure::OperationFailed`], which the server answers as
//!   kube-apiserver does, `422` with a generic message (the library's text is not shown);
//! * paths are read as the library reads them, which is laxer than RFC 6901 in places clients
//!   rely on: array indices may be negative (counted from the end) or written `+1` or `01`, a
//!   `replace` of a missing object member adds it, a `copy` from a missing member copies
//!   `null`, a `test` of a missing or `null` member against `null` (or no `value`) succeeds, an
//!   operation without `value` uses `null`, the part of a path before its first `/` is
//!   ignored, and an escape other than `~0`/`~1` is taken literally. Each operation is rewritten
//!   into the canonical RFC form against the current document before the crate applies it.
//!   Also as there: `add`, `move` and `copy` cannot target the whole document, and `replace`
//!   of the whole document takes only an object or an array.
//!
//! devcluster adds one bound of its own: no operation may make the document nest deeper than
//! [`crate::limits::MAX_OBJECT_DEPTH`]; it is checked before the operation runs, so a hostile
//! patch never builds a deep value.

use crate::decode::go_json_type;
use crate::decode::FieldValidation;
use crate::limits::{json_size, nesting_depth, MAX_OBJECT_DEPTH};
use ::json_patch::jsonptr::PointerBuf;
use ::json_patch::{
    AddOperation, CopyOperation, PatchOperation, RemoveOperation, ReplaceOperation, TestOperation,
};
use serde_json::{Map, Value};

/// kube-apiserver's `maxJSONPatchOperations`.
pub const MAX_OPERATIONS: usize = 10_000;

/// kube-apiserver's default `JSONPatchMaxCopyBytes` (3 MiB): how much all `copy` operations of
/// one patch may add, counted as the compact JSON of each copied value.
pub const MAX_COPY_BYTES: usize = 3 * 1024 * 1024;

/// Why a JSON patch was refused; the server turns each into kube-apiserver's `Status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The document does not decode as a JSON patch (`400 BadRequest`, this message).
    BadRequest(String),
    /// More than [`MAX_OPERATIONS`] operations; holds how many there were (`413`).
    TooManyOperations(usize),
    /// Operation `index` failed; `why` says how (kube-apiserver answers a generic `422`).
    OperationFailed { index: usize, why: String },
    /// Operation `index` would make the document nest deeper than the stored-object bound.
    TooDeep { index: usize },
}

/// A decoded JSON patch: its operations (`None` for a `null` element, which no operation
/// matches) and, under `fieldValidation=Strict`, the strict decoding errors kube-apiserver
/// reports once the patch has applied.
#[derive(Debug)]
pub struct Decoded<'b> {
    operations: Vec<Option<&'b Map<String, Value>>>,
    strict_errors: Vec<String>,
}

impl Decoded<'_> {
    /// The strict decoding errors (`json patch unknown field "[0].x"`) to report after the
    /// patch applied; empty unless `fieldValidation=Strict`.
    pub fn strict_errors(&self) -> &[String] {
        &self.strict_errors
    }
}

/// The members of kube-apiserver's `jsonPatchOp` struct.
const OPERATION_MEMBERS: [&str; 4] = ["op", "path", "from", "value"];

/// Decodes a JSON patch document as kube-apiserver's handler does, and counts its operations.
///
/// # Errors
///
/// [`Failure::BadRequest`] with Go's decoding error for a document that is not an array of
/// objects (or, unless `fieldValidation=Ignore`, whose `op`, `path` or `from` is not a
/// string), [`Failure::TooManyOperations`] beyond [`MAX_OPERATIONS`].
pub fn decode(body: &Value, validation: FieldValidation) -> Result<Decoded<'_>, Failure> {
    let lenient = validation == FieldValidation::Ignore;
    // The strict decoder reads into the handler's `[]jsonPatchOp`, the lenient one into the
    // library's `Patch` of `Operation`s.
    let (prefix, patch_type, operation_type) = if lenient {
        ("", "jsonpatch.Patch", "jsonpatch.Operation")
    } else {
        (
            "error decoding patch: ",
            "[]handlers.jsonPatchOp",
            "handlers.jsonPatchOp",
        )
    };
    let cannot_unmarshal = |value: &Value, into: &str| {
        Failure::BadRequest(format!(
            "{prefix}json: cannot unmarshal {} into Go {into}",
            go_json_type(value)
        ))
    };
    // Go decodes `null` into an empty patch.
    let elements: &[Value] = match body {
        Value::Null => &[],
        Value::Array(elements) => elements,
        other => {
            return Err(cannot_unmarshal(
                other,
                &format!("value of type {patch_type}"),
            ))
        }
    };
    let mut operations = Vec::with_capacity(elements.len().min(MAX_OPERATIONS));
    let mut strict_errors = Vec::new();
    for (index, element) in elements.iter().enumerate() {
        let operation = match element {
            Value::Null => None,
            Value::Object(operation) => Some(operation),
            other => {
                return Err(cannot_unmarshal(
                    other,
                    &format!("value of type {operation_type}"),
                ))
            }
        };
        if let (Some(operation), false) = (operation, lenient) {
            for (member, value) in operation {
                if !OPERATION_MEMBERS.contains(&member.as_str()) {
                    // sigs.k8s.io/json names the field by its path, `[index].member`; the
                    // handler prefixes "json patch". At most 100 are kept, as there.
                    if validation == FieldValidation::Strict && strict_errors.len() < 100 {
                        strict_errors
                            .push(format!("json patch unknown field \"[{index}].{member}\""));
                    }
                } else if member != "value" && !matches!(value, Value::String(_) | Value::Null) {
                    let field = format!("struct field jsonPatchOp.{member} of type string");
                    return Err(cannot_unmarshal(value, &field));
                }
            }
        }
        operations.push(operation);
    }
    if operations.len() > MAX_OPERATIONS {
        return Err(Failure::TooManyOperations(operations.len()));
    }
    Ok(Decoded {
        operations,
        strict_errors,
    })
}

/// Applies a decoded JSON patch to a copy of `target`, operation by operation.
///
/// # Errors
///
/// [`Failure::OperationFailed`] for the first operation that fails (including the `copy`
/// budget), [`Failure::TooDeep`] for one that would nest the document too deep.
pub fn apply(target: &Value, patch: &Decoded<'_>) -> Result<Value, Failure> {
    let mut doc = target.clone();
    let mut budget = Budget {
        depth: nesting_depth(&doc),
        copied: 0,
    };
    for (index, operation) in patch.operations.iter().enumerate() {
        let fail = |why: String| Failure::OperationFailed { index, why };
        let Some(operation) = operation else {
            return Err(fail("Unexpected kind: unknown".into()));
        };
        apply_operation(&mut doc, operation, &mut budget).map_err(|problem| match problem {
            Problem::Failed(why) => fail(why),
            Problem::TooDeep => Failure::TooDeep { index },
        })?;
    }
    Ok(doc)
}

/// What the operations so far have used: an upper bound of the document's nesting depth and
/// the bytes `copy` has added.
struct Budget {
    depth: usize,
    copied: usize,
}

impl Budget {
    /// Admits a value of `depth` levels placed under `tokens` path tokens.
    fn place(&mut self, tokens: usize, depth: usize) -> Result<(), Problem> {
        let reaches = tokens.saturating_add(depth);
        if reaches > MAX_OBJECT_DEPTH {
            return Err(Problem::TooDeep);
        }
        self.depth = self.depth.max(reaches);
        Ok(())
    }
}

enum Problem {
    Failed(String),
    TooDeep,
}

fn failed(why: impl Into<String>) -> Problem {
    Problem::Failed(why.into())
}

/// A string member of an operation, as the library reads `path` and `from`.
fn member<'o>(operation: &'o Map<String, Value>, name: &str) -> Result<&'o str, Problem> {
    match operation.get(name) {
        Some(Value::String(text)) => Ok(text),
        Some(Value::Null) | None => Err(failed(format!("operation missing {name} field"))),
        Some(_) => Err(failed(format!("{name} is not a string"))),
    }
}

/// Decodes one reference token as the library does: `~1` to `/` and `~0` to `~` in one pass
/// from the left, anything else (a lone `~`, `~2`) kept as it is.
fn decode_token(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('~') {
        let (before, from_tilde) = rest.split_at(at);
        out.push_str(before);
        if let Some(after) = from_tilde.strip_prefix("~1") {
            out.push('/');
            rest = after;
        } else if let Some(after) = from_tilde.strip_prefix("~0") {
            out.push('~');
            rest = after;
        } else if let Some(after) = from_tilde.strip_prefix('~') {
            out.push('~');
            rest = after;
        } else {
            break;
        }
    }
    out.push_str(rest);
    out
}

/// An array index as the library's `strconv.Atoi` reads it, resolved against `slots`
/// positions (negative counts from the end). `None` when it is not a number or out of range.
fn resolve_index(token: &str, slots: usize) -> Option<usize> {
    let index = token.parse::<i64>().ok()?;
    let slots = i64::try_from(slots).ok()?;
    let index = if index < 0 {
        index.checked_add(slots)?
    } else {
        index
    };
    if (0..slots).contains(&index) {
        usize::try_from(index).ok()
    } else {
        None
    }
}

/// The element an index names in an array of `len` elements.
fn existing_index(token: &str, len: usize) -> Option<usize> {
    resolve_index(token, len)
}

/// The position an `add` inserts at in an array of `len` elements: `-` is the end, and a
/// negative index counts from the end of the array as it will be (one longer).
fn insert_index(token: &str, len: usize) -> Option<usize> {
    if token == "-" {
        return Some(len);
    }
    resolve_index(token, len.checked_add(1)?)
}

/// Where a path points, as the library's `findObject` finds it: the canonical tokens of the
/// containing object or array (walked from the root, indices resolved), the container, and the
/// decoded last token. `None` when the path has no `/`, or a step is missing, `null` or not a
/// container.
fn find_parent<'d>(doc: &'d Value, path: &str) -> Option<(Vec<String>, &'d Value, String)> {
    let mut parts = path.split('/');
    parts.next();
    let mut parts: Vec<&str> = parts.collect();
    let last = decode_token(parts.pop()?);
    let mut tokens = Vec::with_capacity(parts.len());
    let mut node = doc;
    for part in parts {
        let (token, next) = match node {
            Value::Object(map) => {
                let key = decode_token(part);
                let next = map.get(&key)?;
                (key, next)
            }
            Value::Array(items) => {
                let index = existing_index(&decode_token(part), items.len())?;
                (index.to_string(), items.get(index)?)
            }
            _ => return None,
        };
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        tokens.push(token);
        node = next;
    }
    Some((tokens, node, last))
}

/// The canonical pointer of an existing location (`None` if it does not exist; an object
/// member that is missing is `Some(.., false)`, as the library's lookups do not fail there).
fn existing(doc: &Value, path: &str) -> Option<(Vec<String>, bool)> {
    let (mut tokens, parent, last) = find_parent(doc, path)?;
    match parent {
        Value::Object(map) => {
            let present = map.contains_key(&last);
            tokens.push(last);
            Some((tokens, present))
        }
        Value::Array(items) => {
            tokens.push(existing_index(&last, items.len())?.to_string());
            Some((tokens, true))
        }
        _ => None,
    }
}

/// The canonical pointer an `add` at `path` inserts at.
fn insertion(doc: &Value, path: &str) -> Option<Vec<String>> {
    let (mut tokens, parent, last) = find_parent(doc, path)?;
    match parent {
        Value::Object(_) => tokens.push(last),
        Value::Array(items) => tokens.push(insert_index(&last, items.len())?.to_string()),
        _ => return None,
    }
    Some(tokens)
}

fn pointer(tokens: &[String]) -> PointerBuf {
    PointerBuf::from_tokens(tokens)
}

/// Runs one canonical operation through the crate.
fn run(doc: &mut Value, operation: PatchOperation) -> Result<(), Problem> {
    ::json_patch::patch_unsafe(doc, &[operation]).map_err(|err| failed(err.to_string()))
}

fn apply_operation(
    doc: &mut Value,
    operation: &Map<String, Value>,
    budget: &mut Budget,
) -> Result<(), Problem> {
    let kind = match operation.get("op") {
        Some(Value::String(kind)) => kind.as_str(),
        _ => "unknown",
    };
    // The library's `value()`: a missing member, and `null`, read as JSON null.
    let value = || operation.get("value").cloned().unwrap_or(Value::Null);
    match kind {
        "add" => {
            let path = member(operation, "path")?;
            let tokens = insertion(doc, path).ok_or_else(|| {
                failed(format!(
                    "add operation does not apply: doc is missing path: {path:?}"
                ))
            })?;
            let value = value();
            budget.place(tokens.len(), nesting_depth(&value))?;
            run(
                doc,
                PatchOperation::Add(AddOperation {
                    path: pointer(&tokens),
                    value,
                }),
            )
        }
        "remove" => {
            let path = member(operation, "path")?;
            match existing(doc, path) {
                Some((tokens, true)) => run(
                    doc,
                    PatchOperation::Remove(RemoveOperation {
                        path: pointer(&tokens),
                    }),
                ),
                _ => Err(failed(format!(
                    "remove operation does not apply: doc is missing path: {path:?}"
                ))),
            }
        }
        "replace" => {
            let path = member(operation, "path")?;
            let value = value();
            if path.is_empty() {
                if !matches!(value, Value::Object(_) | Value::Array(_)) {
                    return Err(failed("replace operation value must be object or array"));
                }
                budget.depth = 0;
                budget.place(0, nesting_depth(&value))?;
                *doc = value;
                return Ok(());
            }
            let (tokens, present) = existing(doc, path).ok_or_else(|| {
                failed(format!(
                    "replace operation does not apply: doc is missing path: {path}"
                ))
            })?;
            budget.place(tokens.len(), nesting_depth(&value))?;
            let path = pointer(&tokens);
            // Replacing a missing object member sets it, as the library's lookup finds `nil`.
            run(
                doc,
                if present {
                    PatchOperation::Replace(ReplaceOperation { path, value })
                } else {
                    PatchOperation::Add(AddOperation { path, value })
                },
            )
        }
        "move" => {
            let from = member(operation, "from")?;
            // A missing object member fails here: the library's `remove` of it fails.
            let (from_tokens, _) = existing(doc, from)
                .filter(|(_, present)| *present)
                .ok_or_else(|| {
                    failed(format!(
                        "move operation does not apply: doc is missing from path: {from}"
                    ))
                })?;
            let path = member(operation, "path")?;
            // Taken out first: the destination is found in the document without it, as the
            // library removes before it looks (and indices after it shift).
            let moved = doc
                .pointer_mut(pointer(&from_tokens).as_str())
                .map(std::mem::take)
                .unwrap_or_default();
            run(
                doc,
                PatchOperation::Remove(RemoveOperation {
                    path: pointer(&from_tokens),
                }),
            )?;
            let tokens = insertion(doc, path).ok_or_else(|| {
                failed(format!(
                    "move operation does not apply: doc is missing destination path: {path}"
                ))
            })?;
            // The moved value nested at most the document's depth less its old position.
            let bound = budget.depth.saturating_sub(from_tokens.len());
            if tokens.len().saturating_add(bound) > MAX_OBJECT_DEPTH {
                budget.place(tokens.len(), nesting_depth(&moved))?;
            }
            run(
                doc,
                PatchOperation::Add(AddOperation {
                    path: pointer(&tokens),
                    value: moved,
                }),
            )
        }
        "copy" => {
            let from = member(operation, "from")?;
            let (from_tokens, present) = existing(doc, from).ok_or_else(|| {
                failed(format!(
                    "copy operation does not apply: doc is missing from path: {from}"
                ))
            })?;
            let path = member(operation, "path")?;
            let tokens = insertion(doc, path).ok_or_else(|| {
                failed(format!(
                    "copy operation does not apply: doc is missing destination path: {path}"
                ))
            })?;
            let source = doc.pointer(pointer(&from_tokens).as_str());
            let (size, depth) = match source {
                Some(source) if present => (json_size(source), nesting_depth(source)),
                // A missing member copies as `null` (the library copies its `nil`).
                _ => (0, 0),
            };
            budget.copied = budget.copied.saturating_add(size);
            if budget.copied > MAX_COPY_BYTES {
                return Err(failed(format!(
                    "Unable to complete the copy, the accumulated size increase of copy is {}, exceeding the limit {MAX_COPY_BYTES}",
                    budget.copied
                )));
            }
            budget.place(tokens.len(), depth)?;
            if present {
                run(
                    doc,
                    PatchOperation::Copy(CopyOperation {
                        from: pointer(&from_tokens),
                        path: pointer(&tokens),
                    }),
                )
            } else {
                run(
                    doc,
                    PatchOperation::Add(AddOperation {
                        path: pointer(&tokens),
                        value: Value::Null,
                    }),
                )
            }
        }
        "test" => {
            let path = member(operation, "path")?;
            let expected = operation.get("value").unwrap_or(&Value::Null);
            let tokens = if path.is_empty() {
                Vec::new()
            } else {
                let (tokens, present) = existing(doc, path).ok_or_else(|| {
                    failed(format!(
                        "test operation does not apply: is missing path: {path}"
                    ))
                })?;
                let actual = doc.pointer(pointer(&tokens).as_str());
                // A missing or null member matches only null (or no value), as in the library.
                if !present || actual.is_none_or(Value::is_null) {
                    return if expected.is_null() {
                        Ok(())
                    } else {
                        Err(failed(format!("testing value {path} failed: test failed")))
                    };
                }
                tokens
            };
            run(
                doc,
                PatchOperation::Test(TestOperation {
                    path: pointer(&tokens),
                    value: expected.clone(),
                }),
            )
        }
        other => Err(failed(format!("Unexpected kind: {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run_patch(target: &Value, patch: &Value) -> Result<Value, Failure> {
        apply(target, &decode(patch, FieldValidation::Warn)?)
    }

    fn failed_at(target: &Value, patch: &Value) -> usize {
        match run_patch(target, patch) {
            Err(Failure::OperationFailed { index, .. }) => index,
            other => {
                panic!("patch {patch} on {target}: expected a failed operation, got {other:?}")
            }
        }
    }

    #[test]
    fn rfc6902_appendix_a_examples_apply() {
        let cases = [
            // A.1 adding an object member
            (
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/baz", "value": "qux"}]),
                json!({"baz": "qux", "foo": "bar"}),
            ),
            // A.2 adding an array element
            (
                json!({"foo": ["bar", "baz"]}),
                json!([{"op": "add", "path": "/foo/1", "value": "qux"}]),
                json!({"foo": ["bar", "qux", "baz"]}),
            ),
            // A.3 removing an object member
            (
                json!({"baz": "qux", "foo": "bar"}),
                json!([{"op": "remove", "path": "/baz"}]),
                json!({"foo": "bar"}),
            ),
            // A.4 removing an array element
            (
                json!({"foo": ["bar", "qux", "baz"]}),
                json!([{"op": "remove", "path": "/foo/1"}]),
                json!({"foo": ["bar", "baz"]}),
            ),
            // A.5 replacing a value
            (
                json!({"baz": "qux", "foo": "bar"}),
                json!([{"op": "replace", "path": "/baz", "value": "boo"}]),
                json!({"baz": "boo", "foo": "bar"}),
            ),
            // A.6 moving a value
            (
                json!({"foo": {"bar": "baz", "waldo": "fred"}, "qux": {"corge": "grault"}}),
                json!([{"op": "move", "from": "/foo/waldo", "path": "/qux/thud"}]),
                json!({"foo": {"bar": "baz"}, "qux": {"corge": "grault", "thud": "fred"}}),
            ),
            // A.7 moving an array element
            (
                json!({"foo": ["all", "grass", "cows", "eat"]}),
                json!([{"op": "move", "from": "/foo/1", "path": "/foo/3"}]),
                json!({"foo": ["all", "cows", "eat", "grass"]}),
            ),
            // A.8 testing a value: success
            (
                json!({"baz": "qux", "foo": ["a", 2, "c"]}),
                json!([{"op": "test", "path": "/baz", "value": "qux"}, {"op": "test", "path": "/foo/1", "value": 2}]),
                json!({"baz": "qux", "foo": ["a", 2, "c"]}),
            ),
            // A.10 adding a nested member object
            (
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/child", "value": {"grandchild": {}}}]),
                json!({"foo": "bar", "child": {"grandchild": {}}}),
            ),
            // A.11 ignoring unrecognized elements (only warned about by default)
            (
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/baz", "value": "qux", "xyz": 123}]),
                json!({"foo": "bar", "baz": "qux"}),
            ),
            // A.14 ~ escape ordering
            (
                json!({"/": 9, "~1": 10}),
                json!([{"op": "test", "path": "/~01", "value": 10}]),
                json!({"/": 9, "~1": 10}),
            ),
            // A.16 adding an array value
            (
                json!({"foo": ["bar"]}),
                json!([{"op": "add", "path": "/foo/-", "value": ["abc", "def"]}]),
                json!({"foo": ["bar", ["abc", "def"]]}),
            ),
            // copy, then replacing the whole document with an object
            (
                json!({"a": {"b": 1}}),
                json!([
                    {"op": "copy", "from": "/a", "path": "/c"},
                    {"op": "test", "path": "/c/b", "value": 1},
                    {"op": "replace", "path": "", "value": {"d": 2}}
                ]),
                json!({"d": 2}),
            ),
            // escaped keys as Kubernetes annotations need them
            (
                json!({"metadata": {"annotations": {"a/b": "1"}}}),
                json!([{"op": "replace", "path": "/metadata/annotations/a~1b", "value": "2"}]),
                json!({"metadata": {"annotations": {"a/b": "2"}}}),
            ),
            // a whole-document test, and moving a value onto itself
            (
                json!({"a": [1, 2]}),
                json!([{"op": "test", "path": "", "value": {"a": [1, 2]}}, {"op": "move", "from": "/a", "path": "/a"}]),
                json!({"a": [1, 2]}),
            ),
        ];
        for (target, patch, expected) in cases {
            assert_eq!(run_patch(&target, &patch), Ok(expected), "patch {patch}");
        }
    }

    #[test]
    fn failed_operations_name_their_index_and_leave_no_partial_result() {
        let cases = [
            // A.9 testing a value: error; A.15 a string is not a number
            (
                json!({"baz": "qux"}),
                json!([{"op": "test", "path": "/baz", "value": "bar"}]),
                0,
            ),
            (
                json!({"/": 9, "~1": 10}),
                json!([{"op": "test", "path": "/~01", "value": "10"}]),
                0,
            ),
            // numbers compare as written, as the library compares them: 1 is not 1.0
            (
                json!({"a": 1}),
                json!([{"op": "test", "path": "/a", "value": 1.0}]),
                0,
            ),
            // A.12 adding to a nonexistent target
            (
                json!({"foo": "bar"}),
                json!([{"op": "add", "path": "/baz/bat", "value": "qux"}]),
                0,
            ),
            // a path with no "/", an index past the end, "-" outside add
            (
                json!({"a": 1}),
                json!([{"op": "replace", "path": "a", "value": 2}]),
                0,
            ),
            (
                json!({"a": [1, 2]}),
                json!([{"op": "add", "path": "/a/3", "value": 0}]),
                0,
            ),
            (
                json!({"a": [1, 2]}),
                json!([{"op": "replace", "path": "/a/-", "value": 0}]),
                0,
            ),
            (
                json!({"a": [1, 2]}),
                json!([{"op": "remove", "path": "/a/-3"}]),
                0,
            ),
            (
                json!({"a": 1}),
                json!([{"op": "test", "path": "/a", "value": 1}, {"op": "remove", "path": "/b"}]),
                1,
            ),
            // shape problems
            (
                json!({"a": "text"}),
                json!([{"op": "add", "path": "/a/b", "value": 0}]),
                0,
            ),
            (
                json!({"a": {"b": {}}}),
                json!([{"op": "move", "from": "/a", "path": "/a/b/c"}]),
                0,
            ),
            (
                json!({"a": 1}),
                json!([{"op": "move", "from": "/zz", "path": "/y"}]),
                0,
            ),
            // the whole document: no remove, add, move or copy there; replace takes a container
            (json!({"a": 1}), json!([{"op": "remove", "path": ""}]), 0),
            (
                json!({"a": 1}),
                json!([{"op": "add", "path": "", "value": {}}]),
                0,
            ),
            (
                json!({"a": 1}),
                json!([{"op": "copy", "from": "/a", "path": ""}]),
                0,
            ),
            (
                json!({"a": 1}),
                json!([{"op": "replace", "path": "", "value": 5}]),
                0,
            ),
            // malformed operations fail when they run, as in kube-apiserver
            (json!({}), json!([{"op": "frobnicate", "path": "/a"}]), 0),
            (json!({}), json!([{"path": "/a", "value": 1}]), 0),
            (json!({}), json!([null]), 0),
            (json!({}), json!([{"op": "copy", "path": "/a"}]), 0),
            (json!({}), json!([{"op": "add", "value": 1}]), 0),
        ];
        for (target, patch, index) in cases {
            assert_eq!(failed_at(&target, &patch), index, "patch {patch}");
        }
    }

    #[test]
    fn paths_read_as_the_library_reads_them() {
        let target = json!({"a": [1, 2, 3], "m": {"k": "v", "n": null}});
        let cases = [
            // negative indices count from the end; "+1" and "01" are numbers too
            (
                json!([{"op": "remove", "path": "/a/-1"}]),
                json!({"a": [1, 2], "m": {"k": "v", "n": null}}),
            ),
            (
                json!([{"op": "add", "path": "/a/-1", "value": 9}]),
                json!({"a": [1, 2, 3, 9], "m": {"k": "v", "n": null}}),
            ),
            (
                json!([{"op": "replace", "path": "/a/+1", "value": 9}]),
                json!({"a": [1, 9, 3], "m": {"k": "v", "n": null}}),
            ),
            (
                json!([{"op": "remove", "path": "/a/01"}]),
                json!({"a": [1, 3], "m": {"k": "v", "n": null}}),
            ),
            // replace of a missing member sets it; add without value adds null
            (
                json!([{"op": "replace", "path": "/m/new", "value": 1}]),
                json!({"a": [1, 2, 3], "m": {"k": "v", "n": null, "new": 1}}),
            ),
            (
                json!([{"op": "add", "path": "/m/x"}]),
                json!({"a": [1, 2, 3], "m": {"k": "v", "n": null, "x": null}}),
            ),
            // copy from a missing member copies null
            (
                json!([{"op": "copy", "from": "/m/none", "path": "/m/c"}]),
                json!({"a": [1, 2, 3], "m": {"k": "v", "n": null, "c": null}}),
            ),
            // a missing or null member tests equal to null
            (
                json!([{"op": "test", "path": "/m/none", "value": null}, {"op": "test", "path": "/m/n"}]),
                target.clone(),
            ),
            // what comes before the first "/" is ignored; an unknown escape is literal
            (
                json!([{"op": "add", "path": "x/z", "value": 1}, {"op": "add", "path": "/m/~2", "value": 2}]),
                json!({"a": [1, 2, 3], "m": {"k": "v", "n": null, "~2": 2}, "z": 1}),
            ),
            // a move finds its destination after taking the value out
            (
                json!([{"op": "move", "from": "/a/0", "path": "/a/-1"}]),
                json!({"a": [2, 3, 1], "m": {"k": "v", "n": null}}),
            ),
        ];
        for (patch, expected) in cases {
            assert_eq!(run_patch(&target, &patch), Ok(expected), "patch {patch}");
        }
        assert_eq!(
            failed_at(
                &target,
                &json!([{"op": "test", "path": "/m/k", "value": null}])
            ),
            0
        );
    }

    #[test]
    fn documents_decode_as_the_handler_decodes_them() {
        let bad = |patch: Value, validation| match decode(&patch, validation) {
            Err(Failure::BadRequest(message)) => message,
            other => panic!("{patch}: {other:?}"),
        };
        let warn = FieldValidation::Warn;
        assert_eq!(bad(json!({"op": "add"}), warn), "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp");
        assert_eq!(bad(json!(5), FieldValidation::Strict), "error decoding patch: json: cannot unmarshal number into Go value of type []handlers.jsonPatchOp");
        assert_eq!(bad(json!(["add"]), warn), "error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp");
        assert_eq!(bad(json!([{"op": 5, "path": "/a"}]), warn), "error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string");
        let ignore = FieldValidation::Ignore;
        assert_eq!(
            bad(json!(true), ignore),
            "json: cannot unmarshal bool into Go value of type jsonpatch.Patch"
        );
        assert_eq!(
            bad(json!([[1]]), ignore),
            "json: cannot unmarshal array into Go value of type jsonpatch.Operation"
        );
        // Leniently, a non-string op is an unknown kind when it runs.
        let lenient = json!([{"op": 5, "path": "/a"}]);
        let decoded = decode(&lenient, ignore).unwrap();
        assert!(matches!(
            apply(&json!({}), &decoded),
            Err(Failure::OperationFailed { index: 0, .. })
        ));
        // null is an empty patch.
        assert_eq!(
            run_patch(&json!({"a": 1}), &Value::Null),
            Ok(json!({"a": 1}))
        );

        let unknown = json!([{"op": "add", "path": "/a", "value": 1}, {"op": "test", "path": "/a", "xyz": 1, "Op": 2}]);
        let strict = decode(&unknown, FieldValidation::Strict).unwrap();
        assert_eq!(
            strict.strict_errors(),
            [
                "json patch unknown field \"[1].Op\"",
                "json patch unknown field \"[1].xyz\""
            ]
        );
        assert!(decode(&json!([{"op": "add", "xyz": 1}]), warn)
            .unwrap()
            .strict_errors()
            .is_empty());
    }

    #[test]
    fn at_most_ten_thousand_operations() {
        let operations = |count: usize| {
            Value::Array(vec![json!({"op": "test", "path": "/a", "value": 1}); count])
        };
        let target = json!({"a": 1});
        assert_eq!(
            run_patch(&target, &operations(MAX_OPERATIONS)),
            Ok(target.clone())
        );
        assert_eq!(
            decode(&operations(MAX_OPERATIONS + 1), FieldValidation::Warn).unwrap_err(),
            Failure::TooManyOperations(MAX_OPERATIONS + 1)
        );
    }

    #[test]
    fn copies_stop_at_three_mebibytes() {
        // 14 copies of a growing value, about 250 bytes of patch: 16 MiB without the limit.
        let mut patch = vec![
            json!({"op": "add", "path": "/x", "value": "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"}),
        ];
        patch.push(json!({"op": "add", "path": "/y", "value": []}));
        for _ in 0..14 {
            patch.push(json!({"op": "copy", "from": "/x", "path": "/y/-"}));
            patch.push(json!({"op": "copy", "from": "/y", "path": "/x"}));
        }
        match run_patch(&json!({}), &Value::Array(patch)) {
            Err(Failure::OperationFailed { why, .. }) => {
                assert!(
                    why.starts_with(
                        "Unable to complete the copy, the accumulated size increase of copy is "
                    ),
                    "{why}"
                );
                assert!(
                    why.ends_with(&format!("exceeding the limit {MAX_COPY_BYTES}")),
                    "{why}"
                );
            }
            other => panic!("{other:?}"),
        }
        // Copies within the budget apply.
        let small = json!([{"op": "copy", "from": "/a", "path": "/b"}]);
        assert_eq!(
            run_patch(&json!({"a": [1]}), &small),
            Ok(json!({"a": [1], "b": [1]}))
        );
    }

    #[test]
    fn no_operation_nests_the_document_too_deep() {
        fn nested(levels: usize) -> Value {
            (0..levels).fold(json!(1), |value, _| json!({ "n": value }))
        }
        let deep_path = |levels: usize| "/n".repeat(levels);
        // Adding 60 levels under 40 reaches the bound exactly; one more is refused.
        let at_bound = json!([
            {"op": "add", "path": "/n", "value": nested(39)},
            {"op": "add", "path": format!("{}/m", deep_path(39)), "value": nested(60)}
        ]);
        let patched = run_patch(&json!({}), &at_bound).unwrap();
        assert_eq!(nesting_depth(&patched), MAX_OBJECT_DEPTH);
        let over = json!([
            {"op": "add", "path": "/n", "value": nested(39)},
            {"op": "add", "path": format!("{}/m", deep_path(39)), "value": nested(61)}
        ]);
        assert_eq!(
            run_patch(&json!({}), &over),
            Err(Failure::TooDeep { index: 1 })
        );
        // Copying or moving a value into its own depth doubles it: refused before it is built.
        let doubling = json!([
            {"op": "add", "path": "/n", "value": nested(60)},
            {"op": "copy", "from": "/n", "path": format!("{}/c", deep_path(60))}
        ]);
        assert_eq!(
            run_patch(&json!({}), &doubling),
            Err(Failure::TooDeep { index: 1 })
        );
        let moving = json!([
            {"op": "add", "path": "/n", "value": nested(60)},
            {"op": "add", "path": "/d", "value": nested(60)},
            {"op": "move", "from": "/d", "path": format!("{}/d", deep_path(60))}
        ]);
        assert_eq!(
            run_patch(&json!({}), &moving),
            Err(Failure::TooDeep { index: 2 })
        );
        // A move that stays shallow is not refused.
        let shallow = json!([{"op": "move", "from": "/n", "path": "/o"}]);
        assert!(run_patch(&json!({"n": nested(90)}), &shallow).is_ok());
    }
}
