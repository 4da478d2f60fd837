//! English and French: every string a person reads goes through [`t`] or [`tf`].
//!
//! The English text is its own key, so a page reads as plain English in the source and a
//! missing translation still shows something sensible. French lives in the `fr_*` catalogue
//! files, one per area of the console. The language is chosen once per page load (from
//! `?lang=`, then the switcher's stored choice, then the browser's languages) and switching
//! reloads the page, as the OpenShift console does; so lookups need no reactivity.
//!
//! A French lookup that misses is recorded on `<html data-untranslated="…">`, which the
//! end-to-end tests read to prove every string on every page is translated.

mod fr_core;
mod fr_embed;
mod fr_forms;
mod fr_pages;
mod fr_shell;
mod fr_static_demo;

use std::cell::{Cell, RefCell};

/// The catalogue parts, one per area; together they hold every French string.
static PARTS: &[&[(&str, &str)]] = &[
    fr_core::ENTRIES,
    fr_embed::ENTRIES,
    fr_shell::ENTRIES,
    fr_forms::ENTRIES,
    fr_pages::ENTRIES,
    fr_static_demo::ENTRIES,
];

/// The languages the console speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English, the default.
    En,
    /// French: the tutorial this project grew from is French.
    Fr,
}

impl Lang {
    /// The BCP 47 code, as used in `?lang=`, `<html lang>` and `Intl`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name, for the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    /// Reads a language code (`fr`, `fr-CA`, `EN`); `None` for languages the console lacks.
    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Lang::En),
            "fr" => Some(Lang::Fr),
            _ => None,
        }
    }

    /// Every language, in switcher order.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];
}

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
    static FRENCH: RefCell<Option<Vec<(&'static str, &'static str)>>> = const { RefCell::new(None) };
    static MISSING: RefCell<Vec<&'static str>> = const { RefCell::new(Vec::new()) };
}

/// The storage key of the switcher's choice.
const STORAGE_KEY: &str = "imagestream-console.lang";

/// The language of this page load.
pub fn lang() -> Lang {
    CURRENT.with(Cell::get)
}

/// Sets the language for this page load (tests and [`init`]); does not store or reload.
pub fn set_lang(lang: Lang) {
    CURRENT.with(|current| current.set(lang));
}

/// Picks the language before the first render: `?lang=` in the URL (embeds and shared links),
/// then the switcher's stored choice, then the browser's preferred languages; and tells the
/// browser through `<html lang>`.
pub fn init() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let from_url = window
        .location()
        .search()
        .ok()
        .and_then(|search| query_lang(&search));
    let stored = || {
        window
            .local_storage()
            .ok()
            .flatten()
            .and_then(|storage| storage.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|code| Lang::parse(&code))
    };
    let browser = || {
        window
            .navigator()
            .languages()
            .iter()
            .filter_map(|code| code.as_string())
            .find_map(|code| Lang::parse(&code))
    };
    let chosen = from_url
        .or_else(stored)
        .or_else(browser)
        .unwrap_or(Lang::En);
    set_lang(chosen);
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = root.set_attribute("lang", chosen.code());
    }
}

/// The language asked for by a query string's `lang` parameter.
pub fn query_lang(search: &str) -> Option<Lang> {
    search
        .trim_start_matches('?')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "lang")
        .and_then(|(_, value)| Lang::parse(value))
}

/// Keeps `lang` for later visits and reloads the page in it (dropping a `?lang=` that would
/// override the choice).
pub fn switch_to(lang: Lang) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(storage) = window.local_storage().ok().flatten() {
        let _ = storage.set_item(STORAGE_KEY, lang.code());
    }
    let location = window.location();
    let search = location.search().unwrap_or_default();
    if query_lang(&search).is_some() {
        let kept: Vec<&str> = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.starts_with("lang=") && !pair.is_empty())
            .collect();
        let path = location.pathname().unwrap_or_default();
        let query = if kept.is_empty() {
            String::new()
        } else {
            format!("?{}", kept.join("&"))
        };
        let hash = location.hash().unwrap_or_default();
        let _ = location.replace(&format!("{path}{query}{hash}"));
    } else {
        let _ = location.reload();
    }
}

/// `english` in the page's language.
pub fn t(english: &'static str) -> &'static str {
    match lang() {
        Lang::En => english,
        Lang::Fr => french(english).unwrap_or_else(|| {
            record_missing(english);
            english
        }),
    }
}

/// [`t`], then each `{name}` placeholder replaced by its value: word order differs between
/// languages, so the whole sentence is one entry.
pub fn tf(english: &'static str, args: &[(&str, &str)]) -> String {
    let mut text = t(english).to_owned();
    for (name, value) in args {
        text = text.replace(&format!("{{{name}}}"), value);
    }
    text
}

/// An integer written the way the page's language writes it: `20,000` or `20 000` (French
/// groups with a narrow no-break space).
pub fn fmt_count(n: u64) -> String {
    let separator = match lang() {
        Lang::En => ",",
        Lang::Fr => "\u{202f}",
    };
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(separator);
        }
        out.push(c);
    }
    out
}

/// The French for `english`, from every catalogue part (sorted once, on first use).
fn french(english: &str) -> Option<&'static str> {
    FRENCH.with(|table| {
        let mut table = table.borrow_mut();
        let entries = table.get_or_insert_with(|| {
            let mut all: Vec<(&str, &str)> = PARTS.iter().flat_map(|p| p.iter().copied()).collect();
            all.sort_unstable_by(|a, b| a.0.cmp(b.0));
            all
        });
        entries
            .binary_search_by(|(key, _)| (*key).cmp(english))
            .ok()
            .map(|i| entries[i].1)
    })
}

/// Notes a string shown untranslated, where the end-to-end tests look for it.
fn record_missing(english: &'static str) {
    #[cfg_attr(not(target_arch = "wasm32"), allow(unused_variables))]
    let first = MISSING.with(|missing| {
        let mut missing = missing.borrow_mut();
        if missing.contains(&english) {
            return false;
        }
        missing.push(english);
        true
    });
    #[cfg(target_arch = "wasm32")]
    if let Some(root) = first
        .then(web_sys::window)
        .flatten()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let joined = MISSING.with(|missing| missing.borrow().join(" | "));
        let _ = root.set_attribute("data-untranslated", &joined);
    }
}

/// Every English key with its French, for the catalogue checks.
pub fn all_entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    PARTS.iter().flat_map(|p| p.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_language_codes_and_queries() {
        assert_eq!(Lang::parse("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::parse("EN_gb"), Some(Lang::En));
        assert_eq!(Lang::parse("de"), None);
        assert_eq!(query_lang("?theme=dark&lang=fr"), Some(Lang::Fr));
        assert_eq!(query_lang("?lang=xx"), None);
        assert_eq!(query_lang(""), None);
    }

    #[test]
    fn counts_are_grouped_per_language() {
        set_lang(Lang::En);
        assert_eq!(fmt_count(20000), "20,000");
        assert_eq!(fmt_count(999), "999");
        assert_eq!(fmt_count(1234567), "1,234,567");
        set_lang(Lang::Fr);
        assert_eq!(fmt_count(20000), "20\u{202f}000");
        set_lang(Lang::En);
    }

    #[test]
    fn no_key_is_translated_twice_and_none_is_empty() {
        let mut keys: Vec<&str> = all_entries().map(|(k, _)| k).collect();
        let total = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), total, "a key appears in two catalogue entries");
        for (english, french) in all_entries() {
            assert!(!french.trim().is_empty(), "empty French for {english:?}");
            let placeholders = |s: &str| {
                let mut found: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
                    .collect();
                found.sort();
                found
            };
            assert_eq!(
                placeholders(english),
                placeholders(french),
                "placeholders differ in the French for {english:?}"
            );
        }
    }

    #[test]
    fn french_lookups_fall_back_to_english_and_record_the_miss() {
        set_lang(Lang::Fr);
        assert_eq!(t("Image streams"), "Flux d'images");
        assert_eq!(t("no such string, surely"), "no such string, surely");
        assert!(MISSING.with(|m| m.borrow().contains(&"no such string, surely")));
        assert_eq!(
            tf("{n} of {total}", &[("n", "50"), ("total", "20 000")]),
            "50 sur 20 000"
        );
        set_lang(Lang::En);
        assert_eq!(
            tf("{n} of {total}", &[("n", "1"), ("total", "2")]),
            "1 of 2"
        );
    }

    /// Every literal passed to `t(` or `tf(` in the console's sources has a French entry, so
    /// a string added without its translation fails here, not in front of a French reader.
    #[test]
    fn every_string_in_the_sources_has_its_french() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        let mut files = vec![std::path::PathBuf::from(root)];
        let french: std::collections::BTreeSet<&str> = all_entries().map(|(k, _)| k).collect();
        while let Some(path) = files.pop() {
            if path.is_dir() {
                for entry in std::fs::read_dir(&path)
                    .expect("source directory")
                    .flatten()
                {
                    files.push(entry.path());
                }
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") || path.ends_with("i18n/mod.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("source file");
            for literal in literals_passed_to_t(&text) {
                if !french.contains(literal.as_str()) {
                    missing.push(format!("{}: {literal:?}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "no French for:\n{}", missing.join("\n"));
    }

    /// The string literals right after `t(` / `tf(` (plain `"…"` literals with `\"` escapes).
    fn literals_passed_to_t(text: &str) -> Vec<String> {
        let mut found = Vec::new();
        for call in ["t(\"", "tf(\"", "t(\n", "tf(\n"] {
            let mut rest = text;
            while let Some(at) = rest.find(call) {
                let before = rest[..at].chars().next_back();
                rest = &rest[at + call.len() - 1..];
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let trimmed = rest.trim_start();
                let Some(body) = trimmed.strip_prefix('"') else {
                    continue;
                };
                let mut literal = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '\\' => match chars.next() {
                            Some('n') => literal.push('\n'),
                            Some('\n') => {
                                // A line continuation: skip the next line's indentation.
                                let tail: String = chars.clone().collect();
                                let skipped = tail.len() - tail.trim_start().len();
                                for _ in 0..skipped {
                                    chars.next();
                                }
                            }
                            Some(other) => literal.push(other),
                            None => break,
                        },
                        '"' => break,
                        other => literal.push(other),
                    }
                }
                found.push(literal);
            }
        }
        found
    }
}
