//! Objects as YAML, laid out the way `oc get -o yaml` prints them (block style, two-space
//! indent, list items level with their key), for the console's raw view and previews. Only
//! writing: the console never needs to read YAML.

use serde_json::Value;

/// `value` as a YAML document (ends with a newline).
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_list(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, depth: usize) {
    out.extend(std::iter::repeat_n(' ', depth * 2));
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, depth: usize) {
    for (index, (key, value)) in map.iter().enumerate() {
        // The first key of a list item sits on the item's "- " line.
        if index > 0 || !out.ends_with("- ") {
            indent(out, depth);
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value, depth, true);
    }
}

fn write_list(out: &mut String, items: &[Value], depth: usize) {
    for (index, item) in items.iter().enumerate() {
        // A list inside a list starts on its parent's "- " line, as in `- - a`.
        if index > 0 || !out.ends_with("- ") {
            indent(out, depth);
        }
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => write_map(out, map, depth + 1),
            Value::Array(inner) if !inner.is_empty() => write_list(out, inner, depth + 1),
            scalar => {
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// A map entry's value: nested blocks on the next lines, scalars after the colon.
fn write_value(out: &mut String, value: &Value, depth: usize, in_map: bool) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, depth + 1);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            // kubectl keeps a map's list items level with the key.
            write_list(out, items, if in_map { depth } else { depth + 1 });
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::String(text) => write_string(out, text),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

/// A string plain when YAML reads it back as the same string, double-quoted (JSON escapes,
/// which YAML accepts) otherwise.
fn write_string(out: &mut String, text: &str) {
    if is_plain_safe(text) {
        out.push_str(text);
    } else {
        out.push_str(&Value::String(text.to_owned()).to_string());
    }
}

fn is_plain_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let reserved = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    !reserved
        && first.is_ascii_alphabetic() | (first == '/')
        && !text.ends_with([' ', ':'])
        && !text.contains(": ")
        && !text.contains(" #")
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || " ._/:@=+~-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::to_yaml;
    use serde_json::json;

    #[test]
    fn objects_print_like_oc_get_o_yaml() {
        let stream = json!({
            "apiVersion": "image.openshift.io/v1",
            "kind": "ImageStream",
            "metadata": {"name": "nginx", "labels": {}, "annotations": {"note": "a: b", "size": "1.25"}},
            "spec": {"tags": [
                {"name": "latest", "from": {"kind": "DockerImage", "name": "nginx:1.25"}},
                {"name": "", "generation": 2, "importPolicy": {"scheduled": true}}
            ], "empty": []}
        });
        let expected = "\
apiVersion: image.openshift.io/v1
kind: ImageStream
metadata:
  annotations:
    note: \"a: b\"
    size: \"1.25\"
  labels: {}
  name: nginx
spec:
  empty: []
  tags:
  - from:
      kind: DockerImage
      name: nginx:1.25
    name: latest
  - generation: 2
    importPolicy:
      scheduled: true
    name: \"\"
";
        assert_eq!(to_yaml(&stream), expected);
    }

    #[test]
    fn strings_that_yaml_would_misread_are_quoted() {
        for text in [
            "true",
            "No",
            "123",
            "-1",
            "",
            " lead",
            "x #c",
            "line\nbreak",
            "<b>",
            "a:",
        ] {
            let yaml = to_yaml(&json!({ "k": text }));
            let value = yaml.strip_prefix("k: ").unwrap().trim_end();
            assert!(value.starts_with('"'), "{text:?} printed as {value}");
            let back: String = serde_json::from_str(value).unwrap();
            assert_eq!(back, text);
        }
        assert_eq!(to_yaml(&json!({"k": "sha256:abc"})), "k: sha256:abc\n");
    }

    #[test]
    fn nested_lists_keep_their_items() {
        assert_eq!(
            to_yaml(&json!({"args": [["a", "b"], "c"]})),
            "args:\n- - a\n  - b\n- c\n"
        );
    }
}
