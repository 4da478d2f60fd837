//! Docker image references ("pull specs") exactly as OpenShift parses them.
//!
//! The server, `oc` and the image importer all read pull specs with library-go's copy of the old
//! docker/distribution grammar and then split the result into registry, namespace and name with
//! their own rules. The console must accept and reject the same strings, and show the same parts,
//! or a user would be told one thing in the browser and another by the server.

use std::fmt;
use std::str::FromStr;

/// The longest repository name (registry plus path, without tag or digest) the grammar accepts.
/// The same bound limits `namespace/name` of an image stream, because the integrated registry
/// serves every stream as that repository.
pub const NAME_TOTAL_LENGTH_MAX: usize = 255;

/// The longest tag the grammar accepts (`[\w][\w.-]{0,127}`).
pub const TAG_MAX_LENGTH: usize = 128;

/// The registry a Docker client pulls from when a pull spec names none.
pub const DOCKER_DEFAULT_REGISTRY: &str = "docker.io";

/// The namespace Docker Hub implies for single-name repositories such as `nginx`.
pub const DOCKER_DEFAULT_NAMESPACE: &str = "library";

/// The tag a Docker client pulls when a pull spec names none.
pub const DEFAULT_TAG: &str = "latest";

/// Docker Hub's legacy v1 host name, which OpenShift still treats as Docker Hub.
const DOCKER_V1_REGISTRY: &str = "index.docker.io";

/// Docker Hub's v2 API host name, which OpenShift also treats as Docker Hub.
const DOCKER_V2_REGISTRY: &str = "registry-1.docker.io";

/// Fewest hex characters the grammar accepts in a digest; the algorithm check comes later.
const DIGEST_HEX_MIN: usize = 32;

/// Characters of a digest shown in lists, matching what `oc` and the web console display.
const SHORT_DIGEST_LENGTH: usize = 12;

/// A parsed pull spec split the way OpenShift splits it (library-go `DockerImageReference`).
///
/// An empty string means "not set". `name` may itself contain `/`: everything after the
/// namespace belongs to it (`docker.io/user/project/app` has namespace `user`, name
/// `project/app`), because that is what `oc` and the importer do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ImageReference {
    /// Registry host, with port if any (`quay.io`, `172.30.1.1:5000`). For a pull spec that is
    /// only a registry (`quay.io`, `localhost:5000`) this holds the whole input, as upstream does.
    pub registry: String,
    /// First path segment after the registry (`library`, `openshift`, a project name).
    pub namespace: String,
    /// The rest of the path after the namespace.
    pub name: String,
    /// Tag without the `:`.
    pub tag: String,
    /// Digest such as `sha256:…`, without the `@`.
    pub id: String,
}

/// What is wrong with a pull spec. Each kind has the exact upstream error text, so messages
/// built from it match what the server and `oc` print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceErrorKind {
    /// The input is empty.
    NameEmpty,
    /// The input does not match the grammar.
    InvalidFormat,
    /// The input would match the grammar if its repository path were lower case.
    NameContainsUppercase,
    /// Registry plus path is longer than [`NAME_TOTAL_LENGTH_MAX`].
    NameTooLong,
    /// The digest algorithm is not `sha256`, `sha384` or `sha512`.
    DigestUnsupported,
    /// The digest has the wrong number of hex characters for its algorithm.
    DigestInvalidLength,
}

impl ReferenceErrorKind {
    /// The upstream error text for this kind, word for word.
    pub fn message(self) -> &'static str {
        match self {
            ReferenceErrorKind::NameEmpty => "repository name must have at least one component",
            ReferenceErrorKind::InvalidFormat => "invalid reference format",
            ReferenceErrorKind::NameContainsUppercase => "repository name must be lowercase",
            ReferenceErrorKind::NameTooLong => {
                "repository name must not be more than 255 characters"
            }
            ReferenceErrorKind::DigestUnsupported => "unsupported digest algorithm",
            ReferenceErrorKind::DigestInvalidLength => "invalid checksum digest length",
        }
    }
}

/// Why a pull spec was rejected and where.
///
/// `Display` prints only the upstream text (e.g. `invalid reference format`), so it can be put
/// into a server-style Status unchanged. The alternate form (`{:#}`) and [`Self::explain`] add
/// the byte offset and a hint, for showing next to an input field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError {
    kind: ReferenceErrorKind,
    offset: usize,
    found: Option<char>,
    hint: &'static str,
}

impl ReferenceError {
    /// What kind of problem this is.
    pub fn kind(&self) -> ReferenceErrorKind {
        self.kind
    }

    /// Byte offset in the input where the problem was found (the input's length when something
    /// is missing at the end).
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// The character at [`Self::offset`], if the problem is a character rather than an absence.
    pub fn found(&self) -> Option<char> {
        self.found
    }

    /// A short human explanation of what the grammar expected at that point.
    pub fn hint(&self) -> &'static str {
        self.hint
    }

    /// The upstream message followed by where and why, for showing to a user.
    pub fn explain(&self) -> String {
        match self.found {
            Some(c) => format!(
                "{}: {:?} at position {}: {}",
                self.kind.message(),
                c,
                self.offset,
                self.hint
            ),
            None => format!(
                "{}: at position {}: {}",
                self.kind.message(),
                self.offset,
                self.hint
            ),
        }
    }
}

impl fmt::Display for ReferenceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            f.write_str(&self.explain())
        } else {
            f.write_str(self.kind.message())
        }
    }
}

impl std::error::Error for ReferenceError {}

/// Parses a pull spec with OpenShift's grammar and splits it into registry, namespace, name,
/// tag and digest (library-go `reference.Parse`).
///
/// Errors carry the upstream message; see [`ReferenceError`].
pub fn parse(input: &str) -> Result<ImageReference, ReferenceError> {
    if input.is_empty() {
        return Err(ReferenceError {
            kind: ReferenceErrorKind::NameEmpty,
            offset: 0,
            found: None,
            hint: "the pull spec is empty",
        });
    }

    let parts = match recognize(input) {
        Ok(parts) => parts,
        Err(failure) => return Err(classify_mismatch(input, failure)),
    };

    if parts.name.len() > NAME_TOTAL_LENGTH_MAX {
        return Err(error_at(
            input,
            ReferenceErrorKind::NameTooLong,
            NAME_TOTAL_LENGTH_MAX,
            "registry and repository path together may have at most 255 characters",
        ));
    }

    if let Some(digest) = parts.digest {
        check_digest_algorithm(input, digest)?;
    }

    Ok(split_into_fields(input, &parts))
}

impl FromStr for ImageReference {
    type Err = ReferenceError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl ImageReference {
    /// Prints exactly the fields that are set (library-go `Exact()`), as `oc new-app` writes
    /// `from.name`. With both a tag and a digest only the digest is printed.
    ///
    /// Unlike upstream, a registry-only reference prints without a trailing `/`, so that the
    /// output always parses back to the same reference.
    pub fn exact(&self) -> String {
        let name = self.name_with_tag_or_digest();
        if name.is_empty() {
            if self.registry.is_empty() {
                return String::new();
            }
            let mut out = self.registry.clone();
            if !self.namespace.is_empty() {
                out.push('/');
                out.push_str(&self.namespace);
            }
            return out;
        }
        let mut out = String::new();
        for part in [&self.registry, &self.namespace] {
            if !part.is_empty() {
                out.push_str(part);
                out.push('/');
            }
        }
        out.push_str(&name);
        out
    }

    /// The most precise form of this reference: a valid digest wins over a tag, so two
    /// references to the same image compare equal however they were written.
    pub fn most_specific(&self) -> ImageReference {
        let mut out = self.clone();
        if out.id.is_empty() {
            return out;
        }
        if is_valid_digest(&out.id) {
            out.tag.clear();
        } else if out.tag.is_empty() {
            // An id that is not a digest is a v1 registry image id, which is pulled as a tag.
            out.tag = std::mem::take(&mut out.id);
        }
        out
    }

    /// The reference with the defaults a Docker client applies: registry `docker.io`,
    /// namespace `library` on Docker Hub, tag `latest`. Used to compare what two pull specs
    /// would actually pull.
    pub fn docker_client_defaults(&self) -> ImageReference {
        let mut out = self.clone();
        if out.registry.is_empty() {
            out.registry = DOCKER_DEFAULT_REGISTRY.to_string();
        }
        if out.namespace.is_empty() && is_registry_docker_hub(&out.registry) {
            out.namespace = DOCKER_DEFAULT_NAMESPACE.to_string();
        }
        if out.tag.is_empty() {
            out.tag = DEFAULT_TAG.to_string();
        }
        out
    }

    /// The pull spec as library-go `String()` prints it: like [`Self::exact`], but a Docker Hub
    /// repository without namespace gains `library/`, which is how Docker Hub names it.
    pub fn string(&self) -> String {
        if self.namespace.is_empty() && is_registry_docker_hub(&self.registry) {
            let mut hub = self.clone();
            hub.namespace = DOCKER_DEFAULT_NAMESPACE.to_string();
            return hub.exact();
        }
        self.exact()
    }

    /// The reference without tag and digest, i.e. the repository that an import of all tags
    /// reads from.
    pub fn as_repository(&self) -> ImageReference {
        ImageReference {
            tag: String::new(),
            id: String::new(),
            ..self.clone()
        }
    }

    /// The repository without tag and digest, printed like [`Self::exact`].
    pub fn repository(&self) -> String {
        self.as_repository().exact()
    }

    /// The registry host the image is pulled from: the one written, or Docker Hub.
    pub fn registry_host_or_default(&self) -> &str {
        if self.registry.is_empty() {
            DOCKER_DEFAULT_REGISTRY
        } else {
            &self.registry
        }
    }

    /// True when the reference pins an image by a valid digest rather than a movable tag.
    pub fn has_digest(&self) -> bool {
        is_valid_digest(&self.id)
    }

    /// The hex part of the digest (after `sha256:`), when the reference has a valid digest.
    pub fn digest_hex(&self) -> Option<&str> {
        if !self.has_digest() {
            return None;
        }
        self.id.split_once(':').map(|(_, hex)| hex)
    }

    /// The name followed by `@digest`, or else `:tag` (library-go `NameString()`); empty when
    /// there is no name.
    pub fn name_with_tag_or_digest(&self) -> String {
        if self.name.is_empty() {
            String::new()
        } else if !self.id.is_empty() {
            let separator = if is_valid_digest(&self.id) { '@' } else { ':' };
            format!("{}{}{}", self.name, separator, self.id)
        } else if !self.tag.is_empty() {
            format!("{}:{}", self.name, self.tag)
        } else {
            self.name.clone()
        }
    }
}

impl fmt::Display for ImageReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.string())
    }
}

/// True for the three host names OpenShift treats as Docker Hub, which get the implied
/// `library/` namespace.
pub fn is_registry_docker_hub(registry: &str) -> bool {
    matches!(
        registry,
        DOCKER_DEFAULT_REGISTRY | DOCKER_V1_REGISTRY | DOCKER_V2_REGISTRY
    )
}

/// True when `s` is a digest the server accepts: `sha256:`, `sha384:` or `sha512:` followed by
/// exactly 64, 96 or 128 hex characters (either case).
pub fn is_valid_digest(s: &str) -> bool {
    let Some((algorithm, hex)) = s.split_once(':') else {
        return false;
    };
    match digest_hex_length(algorithm) {
        Some(expected) => hex.len() == expected && hex.bytes().all(|b| b.is_ascii_hexdigit()),
        None => false,
    }
}

/// The first 12 characters of a digest's hex part (`sha256:3c87a1…` gives `3c87a1…`), the form
/// lists show. Input without an algorithm prefix is shortened as it is; shorter input is returned
/// whole.
pub fn short_digest(s: &str) -> &str {
    let hex = s.split_once(':').map_or(s, |(_, hex)| hex);
    match hex.char_indices().nth(SHORT_DIGEST_LENGTH) {
        Some((end, _)) => hex.get(..end).unwrap_or(hex),
        None => hex,
    }
}

/// Hex length the server requires for each supported digest algorithm.
fn digest_hex_length(algorithm: &str) -> Option<usize> {
    match algorithm {
        "sha256" => Some(64),
        "sha384" => Some(96),
        "sha512" => Some(128),
        _ => None,
    }
}

/// Where matching stopped, and what was expected there.
#[derive(Debug, Clone, Copy)]
struct Failure {
    offset: usize,
    hint: &'static str,
}

/// The three pieces of a pull spec as raw slices of the input, with their byte offsets.
struct RawParts<'a> {
    name: &'a str,
    tag: Option<(usize, &'a str)>,
    digest: Option<(usize, &'a str)>,
}

/// Splits at the first `@` and at a `:` that follows the last `/`. Nothing else in the grammar
/// can contain those characters there, so this split is the only one that can match.
fn split_raw(input: &str) -> RawParts<'_> {
    let (left, digest) = match input.split_once('@') {
        Some((left, digest)) => (left, Some((left.len() + 1, digest))),
        None => (input, None),
    };
    let last_slash = left.rfind('/');
    match left.rfind(':') {
        Some(colon) if last_slash.is_none_or(|slash| colon > slash) => {
            let (name, tag) = left.split_at(colon);
            RawParts {
                name,
                tag: Some((colon + 1, tag.get(1..).unwrap_or(""))),
                digest,
            }
        }
        _ => RawParts {
            name: left,
            tag: None,
            digest,
        },
    }
}

/// A pull spec that matched the grammar.
struct Parts<'a> {
    name: &'a str,
    tag: Option<&'a str>,
    digest: Option<(usize, &'a str)>,
}

/// Matches the whole grammar, returning the pieces or the first place it does not match.
fn recognize(input: &str) -> Result<Parts<'_>, Failure> {
    let raw = split_raw(input);
    if let Some((offset, digest)) = raw.digest {
        if let Some(second) = digest.find('@') {
            return Err(Failure {
                offset: offset + second,
                hint: "only one '@' is allowed",
            });
        }
    }
    match_name(raw.name, 0)?;
    if let Some((offset, tag)) = raw.tag {
        match_tag(tag, offset)?;
    }
    if let Some((offset, digest)) = raw.digest {
        match_digest(digest, offset)?;
    }
    Ok(Parts {
        name: raw.name,
        tag: raw.tag.map(|(_, tag)| tag),
        digest: raw.digest,
    })
}

/// `[ hostname "/" ] component ( "/" component )*`
fn match_name(name: &str, base: usize) -> Result<(), Failure> {
    if name.is_empty() {
        return Err(Failure {
            offset: base,
            hint: "expected a repository name",
        });
    }
    let has_path = name.contains('/');
    let mut offset = base;
    for (index, segment) in name.split('/').enumerate() {
        if segment.is_empty() {
            return Err(Failure {
                offset,
                hint: "empty path component",
            });
        }
        if index == 0 && has_path {
            // The first of several segments may be a registry host or a path component.
            if let Err(as_host) = match_host(segment, offset) {
                if let Err(as_component) = match_component(segment, offset) {
                    return Err(if as_host.offset > as_component.offset {
                        as_host
                    } else {
                        as_component
                    });
                }
            }
        } else {
            match_component(segment, offset)?;
        }
        offset += segment.len() + 1;
    }
    Ok(())
}

/// `[a-z0-9]+ ( ( [._] | "__" | "-"* ) [a-z0-9]+ )*`
fn match_component(segment: &str, base: usize) -> Result<(), Failure> {
    let bytes = segment.as_bytes();
    let mut i = 0;
    loop {
        let run_start = i;
        while bytes.get(i).is_some_and(|b| is_lower_alnum(*b)) {
            i += 1;
        }
        if i == run_start {
            let hint = if run_start == 0 {
                "a path component must start with a lowercase letter or digit"
            } else if i == bytes.len() {
                "a path component must not end with a separator"
            } else {
                "a separator must be followed by a lowercase letter or digit"
            };
            return Err(Failure {
                offset: base + i,
                hint,
            });
        }
        match bytes.get(i) {
            None => return Ok(()),
            Some(b'.') => i += 1,
            Some(b'_') => {
                i += 1;
                if bytes.get(i) == Some(&b'_') {
                    i += 1;
                }
            }
            Some(b'-') => {
                while bytes.get(i) == Some(&b'-') {
                    i += 1;
                }
            }
            Some(_) => {
                return Err(Failure {
                    offset: base + i,
                    hint: "a path component may contain only lowercase letters, digits, '.', '_', '__' and '-'",
                })
            }
        }
    }
}

/// `hostcomp ( "." hostcomp )* [ ":" [0-9]+ ]` where a host part is alphanumeric with inner `-`.
fn match_host(segment: &str, base: usize) -> Result<(), Failure> {
    let bytes = segment.as_bytes();
    let mut i = 0;
    loop {
        let part_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            i += 1;
        }
        if i == part_start || bytes.get(part_start) == Some(&b'-') {
            return Err(Failure {
                offset: base + part_start,
                hint: "a registry host name part must start with a letter or digit",
            });
        }
        if bytes.get(i - 1) == Some(&b'-') {
            return Err(Failure {
                offset: base + i - 1,
                hint: "a registry host name part must not end with '-'",
            });
        }
        match bytes.get(i) {
            None => return Ok(()),
            Some(b'.') => i += 1,
            Some(b':') => {
                i += 1;
                let port_start = i;
                while bytes.get(i).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                if i == port_start {
                    return Err(Failure {
                        offset: base + i,
                        hint: "expected a port number after ':'",
                    });
                }
                if i < bytes.len() {
                    return Err(Failure {
                        offset: base + i,
                        hint: "unexpected character after the registry port",
                    });
                }
                return Ok(());
            }
            Some(_) => {
                return Err(Failure {
                    offset: base + i,
                    hint:
                        "a registry host may contain only letters, digits, '-', '.' and a ':port'",
                })
            }
        }
    }
}

/// `[\w][\w.-]{0,127}`
fn match_tag(tag: &str, base: usize) -> Result<(), Failure> {
    let bytes = tag.as_bytes();
    match bytes.first() {
        None => {
            return Err(Failure {
                offset: base,
                hint: "expected a tag after ':'",
            })
        }
        Some(first) if !is_word(*first) => {
            return Err(Failure {
                offset: base,
                hint: "a tag must start with a letter, digit or '_'",
            })
        }
        Some(_) => {}
    }
    if let Some(bad) = bytes
        .iter()
        .position(|b| !(is_word(*b) || *b == b'.' || *b == b'-'))
    {
        return Err(Failure {
            offset: base + bad,
            hint: "a tag may contain only letters, digits, '_', '.' and '-'",
        });
    }
    if bytes.len() > TAG_MAX_LENGTH {
        return Err(Failure {
            offset: base + TAG_MAX_LENGTH,
            hint: "a tag may have at most 128 characters",
        });
    }
    Ok(())
}

/// `[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)* ":" [0-9A-Fa-f]{32,}`
fn match_digest(digest: &str, base: usize) -> Result<(), Failure> {
    let bytes = digest.as_bytes();
    if bytes.is_empty() {
        return Err(Failure {
            offset: base,
            hint: "expected a digest after '@'",
        });
    }
    let mut i = 0;
    loop {
        if !bytes.get(i).is_some_and(u8::is_ascii_alphabetic) {
            return Err(Failure {
                offset: base + i,
                hint: "each part of a digest algorithm must start with a letter",
            });
        }
        i += 1;
        while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
        }
        match bytes.get(i) {
            Some(b'-' | b'_' | b'+' | b'.') => i += 1,
            Some(b':') => {
                i += 1;
                break;
            }
            None => {
                return Err(Failure {
                    offset: base + i,
                    hint: "expected ':' between the digest algorithm and its hex value",
                })
            }
            Some(_) => {
                return Err(Failure {
                    offset: base + i,
                    hint:
                        "a digest algorithm may contain only letters, digits and '-', '_', '+', '.'",
                })
            }
        }
    }
    let hex_start = i;
    while bytes.get(i).is_some_and(u8::is_ascii_hexdigit) {
        i += 1;
    }
    if i < bytes.len() {
        return Err(Failure {
            offset: base + i,
            hint: "a digest value may contain only hexadecimal characters",
        });
    }
    if i - hex_start < DIGEST_HEX_MIN {
        return Err(Failure {
            offset: base + hex_start,
            hint: "a digest value needs at least 32 hexadecimal characters",
        });
    }
    Ok(())
}

/// The server's second look at a digest that matched the grammar: only three algorithms, each
/// with one length.
fn check_digest_algorithm(
    input: &str,
    (offset, digest): (usize, &str),
) -> Result<(), ReferenceError> {
    let (algorithm, hex) = digest.split_once(':').unwrap_or((digest, ""));
    let Some(expected) = digest_hex_length(algorithm) else {
        return Err(error_at(
            input,
            ReferenceErrorKind::DigestUnsupported,
            offset,
            "the digest algorithm must be sha256, sha384 or sha512",
        ));
    };
    if hex.len() != expected {
        return Err(error_at(
            input,
            ReferenceErrorKind::DigestInvalidLength,
            offset + algorithm.len() + 1,
            "sha256 needs 64 hex characters, sha384 96 and sha512 128",
        ));
    }
    Ok(())
}

/// Upstream reports "must be lowercase" when the lower-cased input would match, and
/// "invalid reference format" otherwise.
fn classify_mismatch(input: &str, failure: Failure) -> ReferenceError {
    let lowered: String = input.chars().map(simple_lowercase).collect();
    if recognize(&lowered).is_ok() {
        let offset = first_uppercase_in_path(input).unwrap_or(failure.offset);
        return error_at(
            input,
            ReferenceErrorKind::NameContainsUppercase,
            offset,
            "the repository path must be lower case (only the registry host may use upper case)",
        );
    }
    error_at(
        input,
        ReferenceErrorKind::InvalidFormat,
        failure.offset,
        failure.hint,
    )
}

/// The first character of the repository path (not the registry host) that lower-casing
/// changes: the one the user has to fix.
fn first_uppercase_in_path(input: &str) -> Option<usize> {
    let name = split_raw(input).name;
    let path_start = match name.split_once('/') {
        Some((first, _)) if match_host(first, 0).is_ok() => first.len() + 1,
        _ => 0,
    };
    name.char_indices()
        .filter(|(offset, _)| *offset >= path_start)
        .find(|(_, c)| simple_lowercase(*c) != *c)
        .map(|(offset, _)| offset)
}

/// One-to-one lower-casing like Go's `unicode.ToLower`, which `strings.ToLower` applies per rune.
fn simple_lowercase(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn error_at(
    input: &str,
    kind: ReferenceErrorKind,
    offset: usize,
    hint: &'static str,
) -> ReferenceError {
    ReferenceError {
        kind,
        offset,
        found: input.get(offset..).and_then(|rest| rest.chars().next()),
        hint,
    }
}

/// library-go's split of the matched name into registry, namespace and name.
fn split_into_fields(input: &str, parts: &Parts<'_>) -> ImageReference {
    let name = parts.name;
    let first_slash = name.find('/');
    // A single segment that looks like a host (`quay.io`, `localhost:5000`) is a registry only;
    // upstream then keeps the whole input as the registry and drops the tag it parsed.
    let registry_only =
        first_slash.is_none() && (name.contains('.') || name.starts_with("localhost"));

    let mut reference = ImageReference::default();
    let mut path = "";
    if registry_only {
        reference.registry = input.to_string();
    } else {
        path = name;
        if let Some((first, rest)) = name.split_once('/') {
            if first.contains([':', '.']) || first == "localhost" {
                reference.registry = first.to_string();
                path = rest;
            }
        }
        if let Some(tag) = parts.tag {
            reference.tag = tag.to_string();
        }
    }
    if let Some((_, digest)) = parts.digest {
        reference.id = digest.to_string();
    }
    match path.split_once('/') {
        Some((namespace, rest)) => {
            reference.namespace = namespace.to_string();
            reference.name = rest.to_string();
        }
        None => reference.name = path.to_string(),
    }
    reference
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// `\w` in Go's RE2: ASCII letters, digits and `_`.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 64-hex sha256 digest value for the vectors (API.md elides its own as `3c87…7b25`).
    const HEX64: &str = "3c87c572822935df60f0f5d3665bd376841a7fcfeb806b5f212de6a00e9a7b25";

    fn d() -> String {
        format!("sha256:{}", "a".repeat(64))
    }

    fn sha() -> String {
        format!("sha256:{HEX64}")
    }

    fn fields(input: &str) -> [String; 5] {
        let r = parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e:#}"));
        [r.registry, r.namespace, r.name, r.tag, r.id]
    }

    fn expect(input: &str, want: [&str; 5]) {
        assert_eq!(fields(input), want.map(String::from), "input {input:?}");
    }

    fn error_kind(input: &str) -> ReferenceErrorKind {
        match parse(input) {
            Ok(r) => panic!("{input:?} should fail, parsed as {r:?}"),
            Err(e) => e.kind(),
        }
    }

    #[test]
    fn upstream_table_vectors() {
        let sha = sha();
        expect("foo", ["", "", "foo", "", ""]);
        expect("foo:tag", ["", "", "foo", "tag", ""]);
        expect(&sha, ["", "", "sha256", HEX64, ""]);
        expect(&format!("foo@{sha}"), ["", "", "foo", "", &sha]);
        expect("bar/foo", ["", "bar", "foo", "", ""]);
        expect("bar/foo/baz", ["", "bar", "foo/baz", "", ""]);
        expect("bar/foo/baz/biz", ["", "bar", "foo/baz/biz", "", ""]);
        expect("bar:5000/foo/baz", ["bar:5000", "foo", "baz", "", ""]);
        expect("bar:5000/baz", ["bar:5000", "", "baz", "", ""]);
        expect("myregistry.io/foo", ["myregistry.io", "", "foo", "", ""]);
        expect("localhost/bar", ["localhost", "", "bar", "", ""]);
        expect(
            "docker.io/library/myapp",
            ["docker.io", "library", "myapp", "", ""],
        );
        expect("docker.io/myapp", ["docker.io", "", "myapp", "", ""]);
        expect(
            "docker.io/user/project/myapp",
            ["docker.io", "user", "project/myapp", "", ""],
        );
        expect(
            "index.docker.io/bar",
            ["index.docker.io", "", "bar", "", ""],
        );
        expect("quay.io", ["quay.io", "", "", "", ""]);
        expect("quay.io/org", ["quay.io", "", "org", "", ""]);
        expect("localhost:5000", ["localhost:5000", "", "", "", ""]);
        expect("wildfly:15.0", ["", "", "wildfly", "15.0", ""]);
    }

    #[test]
    fn upstream_error_vectors() {
        use ReferenceErrorKind::*;
        let sha = sha();
        assert_eq!(error_kind("registry.io/foo/bar/:Tag"), InvalidFormat);
        assert_eq!(error_kind("https://bar:5000/foo/baz"), InvalidFormat);
        assert_eq!(
            error_kind(&format!("http://bar:5000/foo/baz@{sha}")),
            InvalidFormat
        );
        assert_eq!(
            error_kind("registry:3000/integration/imageStream:success"),
            NameContainsUppercase
        );
        assert_eq!(
            error_kind("registry:3000/integration/test@sha256:00000000000000000000000000000001"),
            DigestInvalidLength
        );
        assert_eq!(error_kind("abc@badid"), InvalidFormat);
        assert_eq!(
            error_kind("index.docker.io/mysql@sha256:bad"),
            InvalidFormat
        );
        assert_eq!(error_kind(&format!("@{sha}")), InvalidFormat);
        assert_eq!(error_kind(":tag"), InvalidFormat);
        assert_eq!(error_kind("bar/foo/baz////biz"), InvalidFormat);
        assert_eq!(error_kind("//foo/baz/biz"), InvalidFormat);
        assert_eq!(error_kind("ftp://baz/baz/biz"), InvalidFormat);
        assert_eq!(error_kind(""), NameEmpty);
        assert_eq!(error_kind(&"a".repeat(256)), NameTooLong);
        assert_eq!(
            error_kind(&format!("quay.io/{}", "a".repeat(248))),
            NameTooLong
        );
    }

    #[test]
    fn error_messages_use_upstream_wording() {
        let text = |input: &str| parse(input).unwrap_err().to_string();
        assert_eq!(text(""), "repository name must have at least one component");
        assert_eq!(text("nginx:"), "invalid reference format");
        assert_eq!(text("Nginx"), "repository name must be lowercase");
        assert_eq!(
            text(&"a".repeat(256)),
            "repository name must not be more than 255 characters"
        );
        assert_eq!(
            text(&format!("foo@md5:{}", "a".repeat(32))),
            "unsupported digest algorithm"
        );
        assert_eq!(
            text(&format!("foo@sha256:{}", "a".repeat(63))),
            "invalid checksum digest length"
        );
    }

    #[test]
    fn name_limit_is_exactly_255() {
        let at_limit = format!("quay.io/{}", "a".repeat(247));
        assert_eq!(at_limit.len(), 255);
        assert!(parse(&at_limit).is_ok());
        // Tag and digest do not count towards the limit.
        assert!(parse(&format!("{at_limit}:{}@{}", "t".repeat(128), d())).is_ok());
    }

    #[test]
    fn inferred_vectors_with_docker_client_defaults() {
        let defaults = |input: &str| parse(input).unwrap().docker_client_defaults().string();
        expect("gists/lighttpd", ["", "gists", "lighttpd", "", ""]);
        assert_eq!(
            defaults("gists/lighttpd"),
            "docker.io/gists/lighttpd:latest"
        );
        assert_eq!(defaults("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(defaults("nginx:1.25"), "docker.io/library/nginx:1.25");
        expect("docker.io/nginx", ["docker.io", "", "nginx", "", ""]);
        assert_eq!(
            defaults("docker.io/nginx"),
            "docker.io/library/nginx:latest"
        );

        let d = d();
        let both = format!("quay.io/org/repo:v1@{d}");
        expect(&both, ["quay.io", "org", "repo", "v1", &d]);
        assert_eq!(
            parse(&both).unwrap().exact(),
            format!("quay.io/org/repo@{d}")
        );

        expect(
            &format!("image-registry.openshift-image-registry.svc:5000/myproj/myis@{d}"),
            [
                "image-registry.openshift-image-registry.svc:5000",
                "myproj",
                "myis",
                "",
                &d,
            ],
        );
        expect(
            "172.30.1.1:5000/ns/is:tag",
            ["172.30.1.1:5000", "ns", "is", "tag", ""],
        );
        expect("foo.bar/baz", ["foo.bar", "", "baz", "", ""]);
        expect("my_registry/foo", ["", "my_registry", "foo", "", ""]);
        expect("a/b/c/d:e", ["", "a", "b/c/d", "e", ""]);
    }

    #[test]
    fn inferred_error_vectors() {
        use ReferenceErrorKind::*;
        assert_eq!(error_kind("Nginx"), NameContainsUppercase);
        assert_eq!(error_kind("nginx:"), InvalidFormat);
        assert_eq!(error_kind("nginx@sha256:abc"), InvalidFormat);
        assert_eq!(
            error_kind(&format!("nginx:{}", "t".repeat(129))),
            InvalidFormat
        );
        assert!(parse(&format!("nginx:{}", "t".repeat(128))).is_ok());
    }

    #[test]
    fn errors_say_where() {
        let e = parse("registry:3000/integration/imageStream:success").unwrap_err();
        assert_eq!(e.offset(), 31);
        assert_eq!(e.found(), Some('S'));

        let e = parse("bar/foo//biz").unwrap_err();
        assert_eq!(e.offset(), 8);
        assert_eq!(e.hint(), "empty path component");

        let e = parse("nginx:").unwrap_err();
        assert_eq!(e.offset(), 6);
        assert_eq!(e.found(), None);
        assert_eq!(
            format!("{e:#}"),
            "invalid reference format: at position 6: expected a tag after ':'"
        );

        let e = parse("nginx:la!test").unwrap_err();
        assert_eq!((e.offset(), e.found()), (8, Some('!')));

        let e = parse(&format!("foo@sha256:{}", "a".repeat(63))).unwrap_err();
        assert_eq!(e.offset(), 11);

        let e = parse("Quay.io/Foo").unwrap_err();
        assert_eq!(e.kind(), ReferenceErrorKind::NameContainsUppercase);
        assert_eq!(e.offset(), 8);

        let e = parse("ngïnx").unwrap_err();
        assert_eq!(e.kind(), ReferenceErrorKind::InvalidFormat);
        assert_eq!((e.offset(), e.found()), (2, Some('ï')));
    }

    #[test]
    fn grammar_details() {
        // Separators: '.', '_', '__' and any run of '-'.
        for ok in ["a.b", "a_b", "a__b", "a-b", "a---b", "a1/b2.c3_d4__e5-f6"] {
            assert!(parse(ok).is_ok(), "{ok}");
        }
        for bad in ["a___b", "a._b", "a-.b", "a.", "-a", "a-", "_a", "a..b"] {
            assert_eq!(error_kind(bad), ReferenceErrorKind::InvalidFormat, "{bad}");
        }
        // The host may use upper case; the path may not.
        expect("Quay.IO/org/app", ["Quay.IO", "org", "app", "", ""]);
        expect("Foo/bar", ["", "Foo", "bar", "", ""]);
        // Host parts must not start or end with '-', the port must be digits.
        for bad in [
            "-quay.io/a",
            "quay-.io/a",
            "quay.io:/a",
            "quay.io:80x/a",
            "a:b/c",
        ] {
            assert_eq!(error_kind(bad), ReferenceErrorKind::InvalidFormat, "{bad}");
        }
        // Tags: word characters, '.', '-', not starting with '.' or '-'.
        expect("foo:_Tag.1-x", ["", "", "foo", "_Tag.1-x", ""]);
        assert_eq!(error_kind("foo:.tag"), ReferenceErrorKind::InvalidFormat);
        assert_eq!(error_kind("foo:-tag"), ReferenceErrorKind::InvalidFormat);
        // Digests: upper-case hex is accepted, algorithm is case sensitive.
        let upper = format!("sha256:{}", "A".repeat(64));
        expect(&format!("foo@{upper}"), ["", "", "foo", "", &upper]);
        assert_eq!(
            error_kind(&format!("foo@SHA256:{}", "a".repeat(64))),
            ReferenceErrorKind::DigestUnsupported
        );
        assert!(parse(&format!("foo@sha384:{}", "a".repeat(96))).is_ok());
        assert!(parse(&format!("foo@sha512:{}", "a".repeat(128))).is_ok());
        assert_eq!(
            error_kind(&format!("foo@sha512:{}", "a".repeat(64))),
            ReferenceErrorKind::DigestInvalidLength
        );
        assert_eq!(
            error_kind(&format!("foo@{}@{}", d(), d())),
            ReferenceErrorKind::InvalidFormat
        );
        // Only a "localhost" prefix or a dot makes a single segment a registry.
        expect("localhost", ["localhost", "", "", "", ""]);
        expect("localhostfoo", ["localhostfoo", "", "", "", ""]);
        expect("localhostx/bar", ["", "localhostx", "bar", "", ""]);
        expect("quay.io:tag", ["quay.io:tag", "", "", "", ""]);
    }

    #[test]
    fn exact_prints_what_is_set() {
        let d = d();
        let exact = |input: &str| parse(input).unwrap().exact();
        for same in [
            "foo",
            "foo:tag",
            "bar/foo/baz",
            "quay.io",
            "quay.io/org",
            "localhost:5000",
            "docker.io/myapp",
            "bar:5000/foo/baz:1",
        ] {
            assert_eq!(exact(same), same);
        }
        assert_eq!(exact(&format!("foo@{d}")), format!("foo@{d}"));
        assert_eq!(exact(&format!("foo:1@{d}")), format!("foo@{d}"));
        assert_eq!(ImageReference::default().exact(), "");
    }

    #[test]
    fn string_adds_library_for_docker_hub_only() {
        let string = |input: &str| parse(input).unwrap().to_string();
        assert_eq!(string("docker.io/nginx"), "docker.io/library/nginx");
        assert_eq!(
            string("index.docker.io/nginx"),
            "index.docker.io/library/nginx"
        );
        assert_eq!(
            string("registry-1.docker.io/nginx:1"),
            "registry-1.docker.io/library/nginx:1"
        );
        assert_eq!(string("nginx"), "nginx");
        assert_eq!(string("quay.io/nginx"), "quay.io/nginx");
        assert_eq!(string("docker.io/user/app"), "docker.io/user/app");
        assert_eq!(parse("nginx").unwrap().string(), "nginx");
    }

    #[test]
    fn docker_client_defaults_keep_what_is_set() {
        let r = parse("quay.io/app").unwrap().docker_client_defaults();
        assert_eq!(r.registry, "quay.io");
        assert_eq!(r.namespace, "");
        assert_eq!(r.tag, "latest");
        let r = parse("index.docker.io/app:2")
            .unwrap()
            .docker_client_defaults();
        assert_eq!(
            (r.registry.as_str(), r.namespace.as_str(), r.tag.as_str()),
            ("index.docker.io", "library", "2")
        );
    }

    #[test]
    fn most_specific_prefers_digest() {
        let d = d();
        let r = parse(&format!("quay.io/org/repo:v1@{d}")).unwrap();
        let m = r.most_specific();
        assert_eq!((m.tag.as_str(), m.id.as_str()), ("", d.as_str()));
        let tagged = parse("quay.io/org/repo:v1").unwrap();
        assert_eq!(tagged.most_specific(), tagged);
        // A v1 image id (not a digest) becomes the tag when there is none.
        let legacy = ImageReference {
            name: "repo".into(),
            id: "abc123".into(),
            ..Default::default()
        };
        let m = legacy.most_specific();
        assert_eq!((m.tag.as_str(), m.id.as_str()), ("abc123", ""));
        assert_eq!(legacy.exact(), "repo:abc123");
    }

    #[test]
    fn repository_and_registry_helpers() {
        let d = d();
        let r = parse(&format!("quay.io/org/repo:v1@{d}")).unwrap();
        assert_eq!(r.repository(), "quay.io/org/repo");
        assert_eq!(r.as_repository().tag, "");
        assert_eq!(r.registry_host_or_default(), "quay.io");
        assert_eq!(
            parse("nginx").unwrap().registry_host_or_default(),
            "docker.io"
        );
        assert!(r.has_digest());
        assert_eq!(r.digest_hex(), Some("a".repeat(64).as_str()));
        let tagged = parse("nginx:1").unwrap();
        assert!(!tagged.has_digest());
        assert_eq!(tagged.digest_hex(), None);
        assert_eq!("nginx:1".parse::<ImageReference>().unwrap(), tagged);
        assert!(is_registry_docker_hub("registry-1.docker.io"));
        assert!(!is_registry_docker_hub("quay.io"));
    }

    #[test]
    fn digest_helpers() {
        assert!(is_valid_digest(&sha()));
        assert!(is_valid_digest(&format!("sha384:{}", "F".repeat(96))));
        assert!(is_valid_digest(&format!("sha512:{}", "0".repeat(128))));
        assert!(!is_valid_digest(&format!("sha256:{}", "a".repeat(63))));
        assert!(!is_valid_digest(&format!("sha256:{}g", "a".repeat(63))));
        assert!(!is_valid_digest(&format!("md5:{}", "a".repeat(32))));
        assert!(!is_valid_digest("sha256"));
        assert!(!is_valid_digest(""));
        assert_eq!(short_digest(&sha()), "3c87c5728229");
        assert_eq!(short_digest("sha256:abc"), "abc");
        assert_eq!(short_digest("0123456789abcdef"), "0123456789ab");
        assert_eq!(short_digest("sha256:ééééééééééééééé"), "éééééééééééé");
        assert_eq!(short_digest(""), "");
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Checks the two promises every successful parse makes: printing it with `exact()` and
    /// parsing again gives the same reference (with the tag dropped when a digest pins it), and
    /// `exact()` reproduces the input unless that tag was dropped.
    fn check_round_trip(input: &str) -> Result<(), TestCaseError> {
        if let Ok(reference) = parse(input) {
            let printed = reference.exact();
            let reparsed = parse(&printed);
            prop_assert_eq!(
                reparsed,
                Ok(reference.most_specific()),
                "printed {:?}",
                printed
            );
            if reference.tag.is_empty() || reference.id.is_empty() {
                prop_assert_eq!(printed.as_str(), input);
            }
        }
        Ok(())
    }

    fn component() -> impl Strategy<Value = String> {
        "[a-z0-9]{1,4}(([._]|__|-{1,2})[a-z0-9]{1,4}){0,2}"
    }

    fn host() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("localhost".to_string()),
            "[a-zA-Z0-9]([a-zA-Z0-9-]{0,4}[a-zA-Z0-9])?(\\.[a-z0-9]{1,5}){0,2}",
        ]
        .prop_flat_map(|host| {
            prop_oneof![
                Just(host.clone()),
                "[0-9]{1,5}".prop_map(move |port| format!("{host}:{port}"))
            ]
        })
    }

    /// Pull specs built from the grammar, so most of them parse and exercise the round trip.
    fn grammar_reference() -> impl Strategy<Value = String> {
        (
            proptest::option::of(host()),
            proptest::collection::vec(component(), 1..5),
            proptest::option::of("[A-Za-z0-9_][A-Za-z0-9_.-]{0,130}"),
            proptest::option::of(prop_oneof![
                "sha256:[0-9a-fA-F]{64}",
                "sha384:[0-9a-f]{96}",
                "sha512:[0-9a-f]{128}",
                "[a-z]{1,6}:[0-9a-f]{32,70}",
            ]),
        )
            .prop_map(|(host, path, tag, digest)| {
                let mut out = host.map(|h| format!("{h}/")).unwrap_or_default();
                out.push_str(&path.join("/"));
                if let Some(tag) = tag {
                    out.push(':');
                    out.push_str(&tag);
                }
                if let Some(digest) = digest {
                    out.push('@');
                    out.push_str(&digest);
                }
                out
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_strings_never_panic(input in any::<String>()) {
            let _ = parse(&input);
            check_round_trip(&input)?;
        }

        #[test]
        fn unicode_strings_never_panic(input in "\\PC{0,300}") {
            if let Err(e) = parse(&input) {
                // The offset always points into the input, at a character boundary.
                prop_assert!(e.offset() <= input.len());
                prop_assert!(input.is_char_boundary(e.offset()));
                let _ = e.explain();
            }
            check_round_trip(&input)?;
        }

        #[test]
        fn grammar_alphabet_never_panics_and_round_trips(input in "[a-zA-Z0-9:/@._-]{0,300}") {
            if let Err(e) = parse(&input) {
                prop_assert!(e.offset() <= input.len());
            }
            check_round_trip(&input)?;
        }

        #[test]
        fn grammar_built_references_round_trip(input in grammar_reference()) {
            check_round_trip(&input)?;
        }
    }
}
