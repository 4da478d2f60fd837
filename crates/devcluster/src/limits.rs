//! Bounds on what the cluster stores, read by every write path and by loading a state file.
//!
//! * Nesting: serde_json refuses documents that nest 128 levels or more (a fixed recursion
//!   limit), and a state file wraps each object in a few levels of its own. An object stored
//!   deeper than that would be saved but make the whole file unreadable at the next start, so
//!   every write (create, update, each patch format and each JSON patch operation) refuses
//!   objects that nest deeper than [`MAX_OBJECT_DEPTH`], and loading checks at compile time
//!   that its wrapping fits under the parser's limit (see `persist.rs`).
//! * Size: [`MAX_OBJECT_BYTES`], the largest object (as compact JSON) a patch may produce; a
//!   request body is bounded by the server's body limit of the same size.
//!
//! kube-apiserver's own nesting limit is Go's JSON decoder's (10,000 levels); no real object
//! comes near either bound, so the lower one only turns away hostile input.

use serde_json::Value;

/// The deepest an object may nest, counting each object and array it holds as one level
/// (`{}` is 1, `{"a": []}` is 2, a scalar 0).
pub const MAX_OBJECT_DEPTH: usize = 100;

/// serde_json's recursion limit: it parses documents that nest at most this many levels less
/// one (`from_slice` fails on the 128th opening bracket).
pub const PARSER_DEPTH_LIMIT: usize = 128;

/// The largest object a patch may produce, as compact JSON: the 3 MiB kube-apiserver allows
/// for a request body (`MaxRequestBodyBytes`), which is also devcluster's body limit.
/// kube-apiserver itself has no such check, but etcd refuses a value above its request limit
/// (`etcdserver: request is too large`), which is where an oversized patched object fails.
pub const MAX_OBJECT_BYTES: usize = 3 * 1024 * 1024;

/// How deeply `value` nests (see [`MAX_OBJECT_DEPTH`] for the counting). Walks without
/// recursion, so any depth is measured without using up the stack.
pub fn nesting_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut pending: Vec<(&Value, usize)> = vec![(value, 0)];
    while let Some((value, above)) = pending.pop() {
        let level = above.saturating_add(1);
        match value {
            Value::Array(items) => pending.extend(items.iter().map(|child| (child, level))),
            Value::Object(map) => pending.extend(map.values().map(|child| (child, level))),
            _ => continue,
        }
        deepest = deepest.max(level);
    }
    deepest
}

/// Whether `value` nests deeper than [`MAX_OBJECT_DEPTH`].
pub fn too_deep(value: &Value) -> bool {
    nesting_depth(value) > MAX_OBJECT_DEPTH
}

/// The size of `value` as compact JSON, counted without building the text.
pub fn json_size(value: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(bytes.len());
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing a `Value` into a writer that never fails cannot fail.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nested(levels: usize) -> Value {
        let mut value = json!(1);
        for _ in 0..levels {
            value = json!({ "a": value });
        }
        value
    }

    #[test]
    fn depth_counts_objects_and_arrays() {
        assert_eq!(nesting_depth(&json!(5)), 0);
        assert_eq!(nesting_depth(&json!({})), 1);
        assert_eq!(nesting_depth(&json!({"a": [], "b": 1})), 2);
        assert_eq!(nesting_depth(&json!([[[]], {"x": {"y": [1]}}])), 4);
        assert_eq!(nesting_depth(&nested(MAX_OBJECT_DEPTH)), MAX_OBJECT_DEPTH);
        assert!(!too_deep(&nested(MAX_OBJECT_DEPTH)));
        assert!(too_deep(&nested(MAX_OBJECT_DEPTH + 1)));
    }

    #[test]
    fn the_parser_reads_what_the_limit_allows_and_refuses_its_own_limit() {
        let text = |levels: usize| "[".repeat(levels) + &"]".repeat(levels);
        assert!(serde_json::from_str::<Value>(&text(PARSER_DEPTH_LIMIT - 1)).is_ok());
        assert!(serde_json::from_str::<Value>(&text(PARSER_DEPTH_LIMIT)).is_err());
    }

    #[test]
    fn a_very_deep_value_is_measured_without_recursion() {
        // Built and torn down by hand: serde_json's own Drop would recurse this deep.
        let mut value = json!([]);
        for _ in 0..200_000 {
            value = Value::Array(vec![value]);
        }
        assert_eq!(nesting_depth(&value), 200_001);
        while let Value::Array(mut items) = value {
            value = items.pop().unwrap_or(Value::Null);
        }
    }

    #[test]
    fn size_is_the_compact_json_length() {
        let value = json!({"a": [1, "é"], "b": null});
        assert_eq!(json_size(&value), value.to_string().len());
    }
}
