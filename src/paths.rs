//! The console's own paths under the sub-path it is served from.
//!
//! A static host may serve the console below a sub-path (GitHub Pages:
//! `https://USER.github.io/imagestream-console/`); trunk's `--public-url` writes it into
//! `<base href>`. The router matches and navigates below that base (`navigate("/login")` goes
//! to `/imagestream-console/login`), but a raw `<a href="/k8s/…">` would leave it, and
//! `location.pathname` includes it. So every link the console builds goes through [`href`], and
//! a path read from the address goes through [`strip_base`] before it is handed to `navigate`.

use std::cell::OnceCell;

thread_local! {
    static BASE: OnceCell<String> = const { OnceCell::new() };
}

/// The path of the page's `<base href>` without its trailing slash: `""` when the console is
/// served at the root (or the page has no `<base>`), `"/imagestream-console"` below a sub-path.
/// Read once: it never changes for the life of the page.
pub fn base() -> String {
    BASE.with(|base| base.get_or_init(read_base).clone())
}

/// `path` (one of the console's own, starting with `/`) as a link: below [`base`]. Anything
/// else (a full URL, a fragment) is returned as it is.
pub fn href(path: &str) -> String {
    if path.starts_with('/') && !path.starts_with("//") {
        join(&base(), path)
    } else {
        path.to_owned()
    }
}

/// The console's own path of a `location.pathname`: without [`base`] (`"/"` for the base
/// itself). A path outside the base is returned as it is.
pub fn strip_base(pathname: &str) -> String {
    strip(&base(), pathname)
}

fn join(base: &str, path: &str) -> String {
    format!("{base}{path}")
}

fn strip(base: &str, pathname: &str) -> String {
    if base.is_empty() {
        return pathname.to_owned();
    }
    match pathname.strip_prefix(base) {
        Some("") => "/".to_owned(),
        Some(rest) if rest.starts_with('/') => rest.to_owned(),
        _ => pathname.to_owned(),
    }
}

/// The path part of an absolute URL (`scheme://host/path?query#fragment` → `/path`), without
/// its trailing slash.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = after_scheme
        .find('/')
        .map_or("", |start| &after_scheme[start..]);
    let path = path.split(['?', '#']).next().unwrap_or_default();
    path.trim_end_matches('/').to_owned()
}

/// Native builds (unit tests) have no document: links are at the root.
#[cfg(not(target_arch = "wasm32"))]
fn read_base() -> String {
    String::new()
}

/// The document's base URL's path, when the page sets one with `<base href>`.
#[cfg(target_arch = "wasm32")]
fn read_base() -> String {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return String::new();
    };
    // Without a <base> element the base URL is the page's own address, not a sub-path.
    if document
        .query_selector("base[href]")
        .ok()
        .flatten()
        .is_none()
    {
        return String::new();
    }
    document
        .base_uri()
        .ok()
        .flatten()
        .map(|url| url_path(&url))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_is_the_path_of_the_base_url_without_its_slash() {
        assert_eq!(url_path("http://127.0.0.1:8080/"), "");
        assert_eq!(
            url_path("https://example.github.io/imagestream-console/"),
            "/imagestream-console"
        );
        assert_eq!(url_path("https://h/a/b/?x=1#y"), "/a/b");
        assert_eq!(url_path("https://h"), "");
    }

    #[test]
    fn links_go_below_the_base_and_paths_come_back_without_it() {
        assert_eq!(
            join("", "/k8s/ns/demo/imagestreams"),
            "/k8s/ns/demo/imagestreams"
        );
        assert_eq!(join("/sub", "/login"), "/sub/login");
        assert_eq!(
            strip("/sub", "/sub/k8s/ns/demo/imagestreams"),
            "/k8s/ns/demo/imagestreams"
        );
        assert_eq!(strip("/sub", "/sub"), "/");
        assert_eq!(strip("/sub", "/sub/"), "/");
        assert_eq!(strip("/sub", "/subway/x"), "/subway/x");
        assert_eq!(strip("", "/login"), "/login");
    }
}
