//! Collects the `style!` blocks of the components into target/stylers.css (linked by
//! index.html), after checking that no two blocks would get the same class name.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=src");
    check_style_class_collisions(Path::new("src"));
    stylers::build(Some("./target/stylers.css".into()));
}

/// stylers seeds each block's class name with only the count of its non-whitespace characters,
/// so two blocks of equal length would share a class and leak styles into each other.
fn check_style_class_collisions(dir: &Path) {
    let mut seen: Vec<(usize, String)> = Vec::new();
    let mut files = Vec::new();
    collect_rust_files(dir, &mut files);
    for file in files {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        let mut rest = text.as_str();
        while let Some(start) = rest.find("style! {") {
            let body_start = start + "style! {".len();
            let Some(length) = block_length(&rest[body_start..]) else {
                break;
            };
            let body = &rest[body_start..body_start + length];
            let count = body.chars().filter(|c| !c.is_whitespace()).count();
            let place = file.display().to_string();
            if let Some((_, other)) = seen.iter().find(|(n, _)| *n == count) {
                panic!(
                    "style! blocks in {other} and {place} have the same length ({count} characters) \
                     and would get the same stylers class; change one of them"
                );
            }
            seen.push((count, place));
            rest = &rest[body_start + length..];
        }
    }
}

/// Length of a brace-delimited body up to (not including) its closing brace.
fn block_length(text: &str) -> Option<usize> {
    let mut depth = 1;
    for (index, ch) in text.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

fn collect_rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}
