//! The server's name rules with its exact messages, so the console can reject a bad name before
//! sending it, and devcluster can answer with the same 422 a real cluster gives.
//!
//! Each rule comes in two layers, like apimachinery: a `check_*` function returning the bare
//! messages (Kubernetes' `Is…` helpers), and a `validate_*` function that wraps them into
//! [`FieldError`]s for one field path (Kubernetes' `field.ErrorList`).

use crate::reference::{
    self, ReferenceError, ReferenceErrorKind, NAME_TOTAL_LENGTH_MAX, TAG_MAX_LENGTH,
};
use std::fmt;

/// Longest DNS-1123 or DNS-1035 label (Service names, namespaces, label-style names).
pub const DNS_LABEL_MAX_LENGTH: usize = 63;

/// Longest DNS-1123 subdomain (most object names, e.g. Deployments).
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;

/// Longest label value.
pub const LABEL_VALUE_MAX_LENGTH: usize = 63;

/// Longest app name the console accepts, so the name fits every object `oc new-app` makes.
pub const APP_NAME_MAX_LENGTH: usize = 63;

/// Shortest name `oc new-app`'s name generator accepts.
const GENERATED_NAME_MIN_LENGTH: usize = 2;

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL_ERR_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_SUBDOMAIN_ERR_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1035_LABEL_FMT: &str = "[a-z]([-a-z0-9]*[a-z0-9])?";
const DNS1035_LABEL_ERR_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_ERR_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const IMAGE_STREAM_NAME_FMT: &str = "[a-z0-9]+(?:[._-][a-z0-9]+)*";
const TAG_FMT: &str = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
const TAG_ERR_MSG: &str = "a valid tag must consist of alphanumeric characters, '_', '.' or '-', and must start with an alphanumeric character or '_'";

/// The kind of a field problem, named after Kubernetes' `CauseType` values so a devcluster 422
/// carries the same `reason` in each cause as a real server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldErrorType {
    /// The field is empty but must be set.
    Required,
    /// The value breaks a format or range rule.
    Invalid,
    /// The value is longer than allowed.
    TooLong,
    /// The value is not one of a fixed set.
    NotSupported,
    /// The field may not be set or changed here.
    Forbidden,
    /// The value repeats one that must be unique.
    Duplicate,
}

impl FieldErrorType {
    /// The `reason` string of a Status cause (`FieldValueInvalid`, …).
    pub fn cause_type(self) -> &'static str {
        match self {
            FieldErrorType::Required => "FieldValueRequired",
            FieldErrorType::Invalid => "FieldValueInvalid",
            FieldErrorType::TooLong => "FieldValueTooLong",
            FieldErrorType::NotSupported => "FieldValueNotSupported",
            FieldErrorType::Forbidden => "FieldValueForbidden",
            FieldErrorType::Duplicate => "FieldValueDuplicate",
        }
    }

    /// The words the server puts before the value in a message (`Invalid value`, …).
    pub fn label(self) -> &'static str {
        match self {
            FieldErrorType::Required => "Required value",
            FieldErrorType::Invalid => "Invalid value",
            FieldErrorType::TooLong => "Too long",
            FieldErrorType::NotSupported => "Unsupported value",
            FieldErrorType::Forbidden => "Forbidden",
            FieldErrorType::Duplicate => "Duplicate value",
        }
    }

    /// Whether the server leaves the offending value out of the message for this kind.
    fn omits_value(self) -> bool {
        matches!(
            self,
            FieldErrorType::Required | FieldErrorType::Forbidden | FieldErrorType::TooLong
        )
    }
}

/// The offending value of a field, kept with its type because the server prints strings quoted
/// and numbers bare.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FieldValue {
    /// A string value, printed as a Go `%q` literal.
    Text(String),
    /// A number, printed as is.
    Number(i64),
}

impl fmt::Display for FieldValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Text(text) => f.write_str(&go_quote(text)),
            FieldValue::Number(number) => write!(f, "{number}"),
        }
    }
}

/// One problem with one field, as a Kubernetes `field.Error`: the console shows `message` next
/// to the input for `field`; devcluster turns each into a Status cause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Dotted field path, e.g. `metadata.name` or `spec.ports[0].port`.
    pub field: String,
    /// What kind of problem it is.
    pub reason: FieldErrorType,
    /// The value that was rejected; `None` for a missing value.
    pub value: Option<FieldValue>,
    /// The rule that was broken, in the server's words (the `detail` of a `field.Error`).
    pub message: String,
}

impl FieldError {
    /// A value that breaks a rule.
    pub fn invalid(field: &str, value: FieldValue, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            reason: FieldErrorType::Invalid,
            value: Some(value),
            message: message.into(),
        }
    }

    /// A value that is missing.
    pub fn required(field: &str, message: impl Into<String>) -> Self {
        FieldError {
            field: field.to_string(),
            reason: FieldErrorType::Required,
            value: None,
            message: message.into(),
        }
    }

    /// The message without the field path (`Invalid value: "Foo": must match …`): what the
    /// server puts in a Status cause's `message`.
    pub fn body(&self) -> String {
        let mut body = self.reason.label().to_string();
        if !self.reason.omits_value() {
            match &self.value {
                Some(value) => body.push_str(&format!(": {value}")),
                None => body.push_str(": null"),
            }
        }
        if !self.message.is_empty() {
            body.push_str(": ");
            body.push_str(&self.message);
        }
        body
    }
}

impl fmt::Display for FieldError {
    /// `field: body`, as the server joins field errors into a Status message.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

impl std::error::Error for FieldError {}

/// Messages for a DNS-1123 label such as a namespace (apimachinery `IsDNS1123Label`); empty
/// when valid.
pub fn check_dns1123_label(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > DNS_LABEL_MAX_LENGTH {
        problems.push(max_length_message(DNS_LABEL_MAX_LENGTH));
    }
    if !is_dns1123_label_shape(value) {
        if is_dns1123_subdomain_shape(value) {
            // Current apimachinery says just this when the only fault is a dot.
            problems.push("must not contain dots".to_string());
        } else {
            problems.push(regex_message(
                DNS1123_LABEL_ERR_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    problems
}

/// Messages for a DNS-1123 subdomain such as a Deployment name (apimachinery
/// `IsDNS1123Subdomain`); empty when valid.
pub fn check_dns1123_subdomain(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        problems.push(max_length_message(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if !is_dns1123_subdomain_shape(value) {
        problems.push(regex_message(
            DNS1123_SUBDOMAIN_ERR_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    problems
}

/// Messages for a DNS-1035 label such as a Service name (apimachinery `IsDNS1035Label`); empty
/// when valid.
pub fn check_dns1035_label(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > DNS_LABEL_MAX_LENGTH {
        problems.push(max_length_message(DNS_LABEL_MAX_LENGTH));
    }
    if !is_dns1035_label_shape(value) {
        problems.push(regex_message(
            DNS1035_LABEL_ERR_MSG,
            DNS1035_LABEL_FMT,
            &["my-name", "abc-123"],
        ));
    }
    problems
}

/// Messages for a label value (apimachinery `IsValidLabelValue`), which matters because
/// `oc new-app` puts the app name into labels and selectors; empty when valid.
pub fn check_label_value(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > LABEL_VALUE_MAX_LENGTH {
        problems.push(max_length_message(LABEL_VALUE_MAX_LENGTH));
    }
    if !is_label_value_shape(value) {
        problems.push(regex_message(
            LABEL_VALUE_ERR_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    problems
}

/// Messages for a name that becomes one URL path segment (apimachinery
/// `ValidatePathSegmentName`). With `prefix` (a `generateName`) the exact-match rules are
/// skipped, because a suffix will follow.
pub fn check_path_segment_name(name: &str, prefix: bool) -> Vec<String> {
    if !prefix {
        for forbidden in [".", ".."] {
            if name == forbidden {
                return vec![format!("may not be '{forbidden}'")];
            }
        }
    }
    ["/", "%"]
        .iter()
        .filter(|forbidden| name.contains(*forbidden))
        .map(|forbidden| format!("may not contain '{forbidden}'"))
        .collect()
}

/// Messages for an image stream name (openshift-apiserver `ValidateImageStreamName`): a path
/// segment that is also one repository path component. There is no 63/253 limit; see
/// [`validate_image_stream_name`] for the 255 bound.
pub fn check_image_stream_name(name: &str, prefix: bool) -> Vec<String> {
    let path_problems = check_path_segment_name(name, prefix);
    if !path_problems.is_empty() {
        return path_problems;
    }
    if !is_image_stream_name_shape(name) {
        return vec![format!("must match {}", go_quote(IMAGE_STREAM_NAME_FMT))];
    }
    Vec::new()
}

/// Messages for a tag name, using the distribution tag grammar `oc tag` enforces (the server
/// itself does not check spec tag names); empty when valid.
pub fn check_tag_name(tag: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if tag.len() > TAG_MAX_LENGTH {
        problems.push(max_length_message(TAG_MAX_LENGTH));
    }
    if !is_tag_shape(tag) {
        problems.push(regex_message(
            TAG_ERR_MSG,
            TAG_FMT,
            &["latest", "v1.2_rc-1"],
        ));
    }
    problems
}

/// Messages for an `oc new-app` app name: one name that is valid as a stream, Deployment,
/// Service, container and label value at once, i.e. a DNS-1035 label.
pub fn check_app_name(name: &str) -> Vec<String> {
    check_dns1035_label(name)
}

/// Messages for a port number (apimachinery `IsValidPortNum`); empty when valid.
pub fn check_port_number(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) {
        Vec::new()
    } else {
        vec![inclusive_range_message(1, 65535)]
    }
}

/// Validates an image stream's `metadata.name` as the server does on create, including the
/// `namespace/name` length bound that keeps its registry repository name valid.
pub fn validate_image_stream_name(namespace: &str, name: &str) -> Vec<FieldError> {
    const FIELD: &str = "metadata.name";
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(FieldError::required(
            FIELD,
            "name or generateName is required",
        ));
    } else {
        errors.extend(invalid_each(
            FIELD,
            name,
            check_image_stream_name(name, false),
        ));
    }
    if namespace.len() + 1 + name.len() > NAME_TOTAL_LENGTH_MAX {
        errors.push(FieldError::invalid(
            FIELD,
            FieldValue::Text(name.to_string()),
            format!("'namespace/name' cannot be longer than {NAME_TOTAL_LENGTH_MAX} characters"),
        ));
    }
    errors
}

/// Validates a tag name field; an empty tag is reported as missing.
pub fn validate_tag_name(field: &str, tag: &str) -> Vec<FieldError> {
    required_or(field, tag, check_tag_name)
}

/// Validates a field that must be a DNS-1123 label.
pub fn validate_dns1123_label(field: &str, value: &str) -> Vec<FieldError> {
    required_or(field, value, check_dns1123_label)
}

/// Validates a field that must be a DNS-1123 subdomain.
pub fn validate_dns1123_subdomain(field: &str, value: &str) -> Vec<FieldError> {
    required_or(field, value, check_dns1123_subdomain)
}

/// Validates a field that must be a DNS-1035 label.
pub fn validate_dns1035_label(field: &str, value: &str) -> Vec<FieldError> {
    required_or(field, value, check_dns1035_label)
}

/// Validates a label value; empty is allowed, as on the server.
pub fn validate_label_value(field: &str, value: &str) -> Vec<FieldError> {
    invalid_each(field, value, check_label_value(value))
}

/// Longest name part of a qualified name such as a label key (`example.com/NAME`).
pub const QUALIFIED_NAME_MAX_LENGTH: usize = 63;

/// The most bytes all annotations of one object may hold together (apimachinery
/// `TotalAnnotationSizeLimitB`).
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_ERR_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_EXAMPLES: &[&str] = &["MyName", "my.name", "123-abc"];

/// Messages for a qualified name such as a label or annotation key: an optional DNS-1123
/// subdomain prefix and `/`, then a name part of at most 63 characters (apimachinery
/// `IsQualifiedName`); empty when valid.
pub fn check_qualified_name(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                problems.push("prefix part must be non-empty".to_string());
            } else {
                problems.extend(
                    check_dns1123_subdomain(prefix)
                        .into_iter()
                        .map(|message| format!("prefix part {message}")),
                );
            }
            *name
        }
        _ => {
            problems.push(format!(
                "a qualified name {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_message(QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, QUALIFIED_NAME_EXAMPLES)
            ));
            return problems;
        }
    };
    if name.is_empty() {
        problems.push("name part must be non-empty".to_string());
    } else if name.len() > QUALIFIED_NAME_MAX_LENGTH {
        problems.push(format!(
            "name part {}",
            max_length_message(QUALIFIED_NAME_MAX_LENGTH)
        ));
    }
    // The name part has the label value's shape, but may not be empty.
    if name.is_empty() || !is_label_value_shape(name) {
        problems.push(format!(
            "name part {}",
            regex_message(
                QUALIFIED_NAME_ERR_MSG,
                QUALIFIED_NAME_FMT,
                QUALIFIED_NAME_EXAMPLES
            )
        ));
    }
    problems
}

/// Validates an object's labels as the server does (apimachinery `ValidateLabels`): each key a
/// qualified name, each value a label value, all reported at `field`.
pub fn validate_labels<'a>(
    field: &str,
    labels: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (key, value) in labels {
        errors.extend(invalid_each(field, key, check_qualified_name(key)));
        errors.extend(invalid_each(field, value, check_label_value(value)));
    }
    errors
}

/// Validates an object's annotations as the server does (apimachinery `ValidateAnnotations`):
/// each key a qualified name once lowercased, and all of them together at most 256 KiB.
pub fn validate_annotations<'a>(
    field: &str,
    annotations: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut total = 0_usize;
    for (key, value) in annotations {
        total = total.saturating_add(key.len()).saturating_add(value.len());
        errors.extend(invalid_each(
            field,
            key,
            check_qualified_name(&key.to_lowercase()),
        ));
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errors.push(FieldError {
            field: field.to_string(),
            reason: FieldErrorType::TooLong,
            value: None,
            message: format!("must have at most {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"),
        });
    }
    errors
}

/// Validates the app name field of the new-app form.
pub fn validate_app_name(field: &str, name: &str) -> Vec<FieldError> {
    required_or(field, name, check_app_name)
}

/// Validates a port number field.
pub fn validate_port(field: &str, port: i64) -> Vec<FieldError> {
    check_port_number(port)
        .into_iter()
        .map(|message| FieldError::invalid(field, FieldValue::Number(port), message))
        .collect()
}

/// Validates a pull spec field (`from.name`, `spec.dockerImageRepository`) with the reference
/// grammar, giving the parser's upstream message as the server does.
pub fn validate_pull_spec(field: &str, value: &str) -> Vec<FieldError> {
    if value.is_empty() {
        return vec![FieldError::required(field, "")];
    }
    match reference::parse(value) {
        Ok(_) => Vec::new(),
        Err(error) => vec![FieldError::invalid(
            field,
            FieldValue::Text(value.to_string()),
            error.to_string(),
        )],
    }
}

/// The rules whose message quotes examples and a regular expression (apimachinery's
/// `RegexError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternRule {
    /// [`check_dns1123_label`].
    Dns1123Label,
    /// [`check_dns1123_subdomain`].
    Dns1123Subdomain,
    /// [`check_dns1035_label`].
    Dns1035Label,
    /// [`check_label_value`].
    LabelValue,
    /// [`check_tag_name`].
    Tag,
}

impl PatternRule {
    /// Every pattern rule.
    pub const ALL: [PatternRule; 5] = [
        PatternRule::Dns1123Label,
        PatternRule::Dns1123Subdomain,
        PatternRule::Dns1035Label,
        PatternRule::LabelValue,
        PatternRule::Tag,
    ];

    /// The rule in the server's words, before the examples.
    pub fn rule(self) -> &'static str {
        match self {
            PatternRule::Dns1123Label => DNS1123_LABEL_ERR_MSG,
            PatternRule::Dns1123Subdomain => DNS1123_SUBDOMAIN_ERR_MSG,
            PatternRule::Dns1035Label => DNS1035_LABEL_ERR_MSG,
            PatternRule::LabelValue => LABEL_VALUE_ERR_MSG,
            PatternRule::Tag => TAG_ERR_MSG,
        }
    }

    /// The regular expression the message quotes.
    pub fn pattern(self) -> &'static str {
        match self {
            PatternRule::Dns1123Label => DNS1123_LABEL_FMT,
            PatternRule::Dns1123Subdomain => DNS1123_SUBDOMAIN_FMT,
            PatternRule::Dns1035Label => DNS1035_LABEL_FMT,
            PatternRule::LabelValue => LABEL_VALUE_FMT,
            PatternRule::Tag => TAG_FMT,
        }
    }

    /// The valid examples the message gives.
    pub fn examples(self) -> &'static [&'static str] {
        match self {
            PatternRule::Dns1123Label => &["my-name", "123-abc"],
            PatternRule::Dns1123Subdomain => &["example.com"],
            PatternRule::Dns1035Label => &["my-name", "abc-123"],
            PatternRule::LabelValue => &["MyValue", "my_value", "12345"],
            PatternRule::Tag => &["latest", "v1.2_rc-1"],
        }
    }
}

/// What one message of these checks says, as data: the messages stay the server's English
/// words (devcluster sends them), and a console reads this to say the same in another
/// language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule<'a> {
    /// `must be no more than N characters`.
    MaxLength(usize),
    /// `must not contain dots`.
    NoDots,
    /// A rule with examples and a regular expression.
    Pattern(PatternRule),
    /// `may not be '.'`: holds the forbidden name.
    MayNotBe(&'a str),
    /// `may not contain '/'`: holds the forbidden text.
    MayNotContain(&'a str),
    /// `must match "…"` (image stream names): holds the pattern.
    Matches(&'static str),
    /// `name or generateName is required`.
    NameRequired,
    /// `'namespace/name' cannot be longer than N characters`.
    NamespaceNameTooLong(usize),
    /// `must be between LOW and HIGH, inclusive`.
    Between(i64, i64),
    /// A pull spec rejected by the reference grammar.
    Reference(ReferenceErrorKind),
}

impl<'a> Rule<'a> {
    /// The rule a message of this module's checks states; `None` for any other text.
    pub fn of(message: &'a str) -> Option<Rule<'a>> {
        if message == "must not contain dots" {
            return Some(Rule::NoDots);
        }
        if message == "name or generateName is required" {
            return Some(Rule::NameRequired);
        }
        if let Some(length) = message
            .strip_prefix("must be no more than ")
            .and_then(|rest| rest.strip_suffix(" characters"))
            .and_then(|n| n.parse().ok())
        {
            return Some(Rule::MaxLength(length));
        }
        if let Some(length) = message
            .strip_prefix("'namespace/name' cannot be longer than ")
            .and_then(|rest| rest.strip_suffix(" characters"))
            .and_then(|n| n.parse().ok())
        {
            return Some(Rule::NamespaceNameTooLong(length));
        }
        if let Some((low, high)) = message
            .strip_prefix("must be between ")
            .and_then(|rest| rest.strip_suffix(", inclusive"))
            .and_then(|rest| rest.split_once(" and "))
        {
            if let (Ok(low), Ok(high)) = (low.parse(), high.parse()) {
                return Some(Rule::Between(low, high));
            }
        }
        if let Some(name) = message
            .strip_prefix("may not be '")
            .and_then(|rest| rest.strip_suffix('\''))
        {
            return Some(Rule::MayNotBe(name));
        }
        if let Some(text) = message
            .strip_prefix("may not contain '")
            .and_then(|rest| rest.strip_suffix('\''))
        {
            return Some(Rule::MayNotContain(text));
        }
        if message == format!("must match {}", go_quote(IMAGE_STREAM_NAME_FMT)) {
            return Some(Rule::Matches(IMAGE_STREAM_NAME_FMT));
        }
        if let Some(rule) = PatternRule::ALL.into_iter().find(|rule| {
            message.starts_with(rule.rule())
                && message == regex_message(rule.rule(), rule.pattern(), rule.examples())
        }) {
            return Some(Rule::Pattern(rule));
        }
        [
            ReferenceErrorKind::NameEmpty,
            ReferenceErrorKind::InvalidFormat,
            ReferenceErrorKind::NameContainsUppercase,
            ReferenceErrorKind::NameTooLong,
            ReferenceErrorKind::DigestUnsupported,
            ReferenceErrorKind::DigestInvalidLength,
        ]
        .into_iter()
        .find(|kind| kind.message() == message)
        .map(Rule::Reference)
    }
}

/// Why [`derive_app_name`] could not suggest a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppNameError {
    /// The image argument is not a valid pull spec.
    Reference(ReferenceError),
    /// The pull spec has no repository name to derive from (e.g. just `quay.io`).
    NameRequired,
    /// The derived name is shorter than 2 characters; holds that name.
    TooShort(String),
}

impl fmt::Display for AppNameError {
    /// The same text `oc new-app` prints for each case.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppNameError::Reference(error) => fmt::Display::fmt(error, f),
            AppNameError::NameRequired => f.write_str("you must specify a name for your app"),
            AppNameError::TooShort(name) => write!(f, "invalid name: {name}"),
        }
    }
}

impl std::error::Error for AppNameError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AppNameError::Reference(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ReferenceError> for AppNameError {
    fn from(error: ReferenceError) -> Self {
        AppNameError::Reference(error)
    }
}

/// The name `oc new-app IMAGE` gives the stream, Deployment, container and Service when no
/// `--name` is passed: `gists/lighttpd` gives `lighttpd`, `quay.io/org/team/app:1` gives
/// `team-app`. Uniqueness suffixes (`-1`) are left to the caller, which knows what exists.
pub fn derive_app_name(image: &str) -> Result<String, AppNameError> {
    let reference = reference::parse(image)?;
    if reference.name.is_empty() {
        return Err(AppNameError::NameRequired);
    }

    // oc's toValidImageRefName: anything but letters, digits and '-' becomes '-'.
    let replaced: String = reference
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let suggested = truncate_chars(&replaced, DNS1123_SUBDOMAIN_MAX_LENGTH).trim_matches('-');

    // oc's unique name generator: length check, then lower-case and strip to [-a-z0-9].
    if suggested.chars().count() < GENERATED_NAME_MIN_LENGTH {
        return Err(AppNameError::TooShort(suggested.to_string()));
    }
    let cleaned: String = suggested
        .to_ascii_lowercase()
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .collect();
    let cleaned = cleaned.trim_start_matches('-');
    Ok(truncate_chars(cleaned, DNS1123_SUBDOMAIN_MAX_LENGTH).to_string())
}

/// A required string field: empty gives `Required value`, otherwise each message of `check`
/// becomes an `Invalid value`.
fn required_or(field: &str, value: &str, check: fn(&str) -> Vec<String>) -> Vec<FieldError> {
    if value.is_empty() {
        return vec![FieldError::required(field, "")];
    }
    invalid_each(field, value, check(value))
}

fn invalid_each(field: &str, value: &str, messages: Vec<String>) -> Vec<FieldError> {
    messages
        .into_iter()
        .map(|message| FieldError::invalid(field, FieldValue::Text(value.to_string()), message))
        .collect()
}

/// apimachinery `MaxLenError`.
fn max_length_message(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// apimachinery `InclusiveRangeError`.
fn inclusive_range_message(low: i64, high: i64) -> String {
    format!("must be between {low} and {high}, inclusive")
}

/// apimachinery `RegexError`: the rule, examples and the pattern, in its exact punctuation
/// (including the double space before each further example).
fn regex_message(rule: &str, pattern: &str, examples: &[&str]) -> String {
    if examples.is_empty() {
        return format!("{rule} (regex used for validation is '{pattern}')");
    }
    let mut message = format!("{rule} (e.g. ");
    for (index, example) in examples.iter().enumerate() {
        if index > 0 {
            message.push_str(" or ");
        }
        message.push_str(&format!("'{example}', "));
    }
    message.push_str(&format!("regex used for validation is '{pattern}')"));
    message
}

/// Go's `%q` for a string, which the server uses to print values and patterns.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The longest prefix of at most `max` characters.
fn truncate_chars(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, without the length bound.
fn is_dns1123_label_shape(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            is_lower_alnum(*first)
                && is_lower_alnum(*last)
                && bytes.iter().all(|b| is_lower_alnum(*b) || *b == b'-')
        }
        _ => false,
    }
}

/// DNS-1123 labels joined by single dots, without the length bound.
fn is_dns1123_subdomain_shape(value: &str) -> bool {
    value.split('.').all(is_dns1123_label_shape)
}

/// `[a-z]([-a-z0-9]*[a-z0-9])?`, without the length bound.
fn is_dns1035_label_shape(value: &str) -> bool {
    value.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && is_dns1123_label_shape(value)
}

/// `(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?`, without the length bound.
fn is_label_value_shape(value: &str) -> bool {
    let bytes = value.as_bytes();
    match (bytes.first(), bytes.last()) {
        (None, _) | (_, None) => true,
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
    }
}

/// `[a-z0-9]+(?:[._-][a-z0-9]+)*`: lower-case runs joined by single separators.
fn is_image_stream_name_shape(name: &str) -> bool {
    name.split(['.', '_', '-'])
        .all(|run| !run.is_empty() && run.bytes().all(is_lower_alnum))
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]*`, the tag grammar without its length bound.
fn is_tag_shape(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    match bytes.first() {
        Some(first) => {
            (first.is_ascii_alphanumeric() || *first == b'_')
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
        }
        None => false,
    }
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

#[cfg(test)]
mod tests {

    #[test]
    fn label_keys_and_values_follow_the_qualified_name_rules() {
        assert!(check_qualified_name("app").is_empty());
        assert!(check_qualified_name("app.kubernetes.io/name").is_empty());
        let long = "k".repeat(70);
        assert_eq!(
            check_qualified_name(&long),
            ["name part must be no more than 63 characters"]
        );
        assert_eq!(
            check_qualified_name("/x"),
            ["prefix part must be non-empty"]
        );
        assert!(check_qualified_name("a/b/c")[0].starts_with("a qualified name must consist of"));
        let errors = validate_labels("metadata.labels", [("a", "b c")]);
        assert_eq!(errors.len(), 1);
        assert!(errors[0]
            .to_string()
            .starts_with("metadata.labels: Invalid value: \"b c\": a valid label must be"));
        let big = "v".repeat(TOTAL_ANNOTATION_SIZE_LIMIT);
        let errors = validate_annotations("metadata.annotations", [("k", big.as_str())]);
        assert_eq!(errors[0].reason, FieldErrorType::TooLong);
    }
    use super::*;

    const LABEL_REGEX_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const SUBDOMAIN_REGEX_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const DNS1035_REGEX_MSG: &str = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
    const LABEL_VALUE_REGEX_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
    const STREAM_REGEX_MSG: &str = "must match \"[a-z0-9]+(?:[._-][a-z0-9]+)*\"";
    const TAG_REGEX_MSG: &str = "a valid tag must consist of alphanumeric characters, '_', '.' or '-', and must start with an alphanumeric character or '_' (e.g. 'latest',  or 'v1.2_rc-1', regex used for validation is '[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}')";

    fn strings(messages: &[&str]) -> Vec<String> {
        messages.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn dns1123_label() {
        for ok in ["a", "0", "my-name", "123-abc", "a--b", &"a".repeat(63)] {
            assert!(check_dns1123_label(ok).is_empty(), "{ok}");
        }
        for bad in ["", "-a", "a-", "My-name", "a_b", "ä", "a b"] {
            assert_eq!(
                check_dns1123_label(bad),
                strings(&[LABEL_REGEX_MSG]),
                "{bad}"
            );
        }
        assert_eq!(
            check_dns1123_label("my.name"),
            strings(&["must not contain dots"])
        );
        assert_eq!(
            check_dns1123_label(&"a".repeat(64)),
            strings(&["must be no more than 63 characters"])
        );
        assert_eq!(
            check_dns1123_label(&format!("{}-", "a".repeat(63))),
            strings(&["must be no more than 63 characters", LABEL_REGEX_MSG])
        );
    }

    #[test]
    fn dns1123_subdomain() {
        for ok in ["example.com", "a", "a.b-c.d", &"a".repeat(253)] {
            assert!(check_dns1123_subdomain(ok).is_empty(), "{ok}");
        }
        for bad in ["", ".a", "a.", "a..b", "A.b", "a_b", "a.-b"] {
            assert_eq!(
                check_dns1123_subdomain(bad),
                strings(&[SUBDOMAIN_REGEX_MSG]),
                "{bad}"
            );
        }
        assert_eq!(
            check_dns1123_subdomain(&"a".repeat(254)),
            strings(&["must be no more than 253 characters"])
        );
    }

    #[test]
    fn dns1035_label() {
        for ok in ["a", "my-name", "abc-123", &"a".repeat(63)] {
            assert!(check_dns1035_label(ok).is_empty(), "{ok}");
        }
        for bad in ["", "1abc", "-a", "a-", "a.b", "Abc", "a_b"] {
            assert_eq!(
                check_dns1035_label(bad),
                strings(&[DNS1035_REGEX_MSG]),
                "{bad}"
            );
        }
        assert_eq!(
            check_dns1035_label(&"a".repeat(64)),
            strings(&["must be no more than 63 characters"])
        );
    }

    #[test]
    fn label_value() {
        for ok in [
            "",
            "MyValue",
            "my_value",
            "12345",
            "a.b-c_d",
            &"a".repeat(63),
        ] {
            assert!(check_label_value(ok).is_empty(), "{ok}");
        }
        for bad in ["-a", "a-", "_a", "a b", "a/b", "é"] {
            assert_eq!(
                check_label_value(bad),
                strings(&[LABEL_VALUE_REGEX_MSG]),
                "{bad}"
            );
        }
        assert_eq!(
            check_label_value(&"a".repeat(64)),
            strings(&["must be no more than 63 characters"])
        );
        assert!(validate_label_value("metadata.labels", "").is_empty());
    }

    #[test]
    fn path_segment_name() {
        assert_eq!(
            check_path_segment_name(".", false),
            strings(&["may not be '.'"])
        );
        assert_eq!(
            check_path_segment_name("..", false),
            strings(&["may not be '..'"])
        );
        assert!(check_path_segment_name(".", true).is_empty());
        assert_eq!(
            check_path_segment_name("a/b%c", false),
            strings(&["may not contain '/'", "may not contain '%'"])
        );
        assert_eq!(
            check_path_segment_name("a%", true),
            strings(&["may not contain '%'"])
        );
        assert!(check_path_segment_name("...", false).is_empty());
    }

    #[test]
    fn image_stream_name_rules() {
        for ok in [
            "ruby",
            "a",
            "my.app_v2-x",
            "abcdefghijklmnopqrstuvwxyz-1234567890.dot_underscore-dash",
            &"a".repeat(200),
        ] {
            assert!(check_image_stream_name(ok, false).is_empty(), "{ok}");
        }
        for bad in ["Ruby", "-a", "a-", "a..b", "a__b", "a._b", "", "a b", "é"] {
            assert_eq!(
                check_image_stream_name(bad, false),
                strings(&[STREAM_REGEX_MSG]),
                "{bad}"
            );
        }
        assert_eq!(
            check_image_stream_name("..", false),
            strings(&["may not be '..'"])
        );
        assert_eq!(
            check_image_stream_name("a/b", false),
            strings(&["may not contain '/'"])
        );
        assert_eq!(
            check_image_stream_name("50%", false),
            strings(&["may not contain '%'"])
        );
        // In prefix mode `.` gets past the path rules but not the pattern.
        assert_eq!(
            check_image_stream_name(".", true),
            strings(&[STREAM_REGEX_MSG])
        );
    }

    #[test]
    fn image_stream_name_field_errors() {
        assert!(validate_image_stream_name("myproject", "ruby").is_empty());

        let errors = validate_image_stream_name("myproject", "Ruby");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].reason, FieldErrorType::Invalid);
        assert_eq!(
            errors[0].to_string(),
            format!("metadata.name: Invalid value: \"Ruby\": {STREAM_REGEX_MSG}")
        );

        let errors = validate_image_stream_name("myproject", "");
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].reason.cause_type(), "FieldValueRequired");
        assert_eq!(
            errors[0].body(),
            "Required value: name or generateName is required"
        );

        // Upstream's own boundary: 63-character namespace with 191 (ok) or 192 (too long).
        let namespace = "n".repeat(63);
        assert!(validate_image_stream_name(&namespace, &"a".repeat(191)).is_empty());
        let long = "a".repeat(192);
        let errors = validate_image_stream_name(&namespace, &long);
        assert_eq!(
            errors,
            vec![FieldError::invalid(
                "metadata.name",
                FieldValue::Text(long.clone()),
                "'namespace/name' cannot be longer than 255 characters"
            )]
        );
    }

    #[test]
    fn tag_names() {
        for ok in ["latest", "v1.2_rc-1", "_x", "1", "Tag.", &"t".repeat(128)] {
            assert!(check_tag_name(ok).is_empty(), "{ok}");
            assert!(validate_tag_name("tag", ok).is_empty(), "{ok}");
        }
        for bad in [".x", "-x", "a:b", "a@b", "a/b", "ä", "a b"] {
            assert_eq!(check_tag_name(bad), strings(&[TAG_REGEX_MSG]), "{bad}");
        }
        assert_eq!(
            check_tag_name(&"t".repeat(129)),
            strings(&["must be no more than 128 characters"])
        );
        let errors = validate_tag_name("spec.tags[0].name", "");
        assert_eq!(errors, vec![FieldError::required("spec.tags[0].name", "")]);
        assert_eq!(errors[0].to_string(), "spec.tags[0].name: Required value");
    }

    #[test]
    fn app_names() {
        for ok in ["lighttpd", "team-app", "a", "a1", &"a".repeat(63)] {
            assert!(validate_app_name("name", ok).is_empty(), "{ok}");
        }
        for bad in ["1app", "-app", "app-", "my_app", "My-app", "a.b"] {
            let errors = validate_app_name("name", bad);
            assert_eq!(errors.len(), 1, "{bad}");
            assert_eq!(errors[0].message, DNS1035_REGEX_MSG, "{bad}");
        }
        assert_eq!(
            check_app_name(&"a".repeat(64)),
            strings(&["must be no more than 63 characters"])
        );
        assert_eq!(
            validate_app_name("name", ""),
            vec![FieldError::required("name", "")]
        );
    }

    #[test]
    fn ports() {
        for ok in [1, 80, 8080, 65535] {
            assert!(check_port_number(ok).is_empty());
        }
        for bad in [0, -1, 65536, i64::MAX, i64::MIN] {
            assert_eq!(
                check_port_number(bad),
                strings(&["must be between 1 and 65535, inclusive"])
            );
        }
        let errors = validate_port("spec.ports[0].port", 0);
        assert_eq!(
            errors[0].to_string(),
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"
        );
        assert_eq!(errors[0].reason.cause_type(), "FieldValueInvalid");
    }

    #[test]
    fn dns_field_validators() {
        assert!(validate_dns1123_label("metadata.namespace", "myproject").is_empty());
        assert_eq!(
            validate_dns1123_label("metadata.namespace", "My")[0].message,
            LABEL_REGEX_MSG
        );
        assert!(validate_dns1123_subdomain("metadata.name", "a.b").is_empty());
        assert_eq!(
            validate_dns1123_subdomain("metadata.name", "")[0].reason,
            FieldErrorType::Required
        );
        assert!(validate_dns1035_label("metadata.name", "svc").is_empty());
        assert_eq!(
            validate_dns1035_label("metadata.name", "1svc")[0].message,
            DNS1035_REGEX_MSG
        );
    }

    #[test]
    fn pull_spec_field() {
        assert!(validate_pull_spec("from.name", "gists/lighttpd").is_empty());
        let errors = validate_pull_spec("spec.dockerImageRepository", "Nginx");
        assert_eq!(
            errors[0].to_string(),
            "spec.dockerImageRepository: Invalid value: \"Nginx\": repository name must be lowercase"
        );
        assert_eq!(
            validate_pull_spec("from.name", "")[0].reason,
            FieldErrorType::Required
        );
    }

    #[test]
    fn field_error_bodies() {
        let quoted = FieldError::invalid("f", FieldValue::Text("a\"b\\c\n\u{1}é".into()), "bad");
        assert_eq!(
            quoted.body(),
            "Invalid value: \"a\\\"b\\\\c\\n\\x01é\": bad"
        );
        let too_long = FieldError {
            field: "f".into(),
            reason: FieldErrorType::TooLong,
            value: Some(FieldValue::Text("x".into())),
            message: "may not be more than 1 bytes".into(),
        };
        assert_eq!(too_long.body(), "Too long: may not be more than 1 bytes");
        let unsupported = FieldError {
            field: "spec.lookupPolicy".into(),
            reason: FieldErrorType::NotSupported,
            value: None,
            message: String::new(),
        };
        assert_eq!(unsupported.body(), "Unsupported value: null");
        for (kind, cause) in [
            (FieldErrorType::TooLong, "FieldValueTooLong"),
            (FieldErrorType::NotSupported, "FieldValueNotSupported"),
            (FieldErrorType::Forbidden, "FieldValueForbidden"),
            (FieldErrorType::Duplicate, "FieldValueDuplicate"),
        ] {
            assert_eq!(kind.cause_type(), cause);
        }
    }

    #[test]
    fn every_check_message_reads_back_as_its_rule() {
        let rule_of = |messages: Vec<String>| {
            messages
                .iter()
                .map(|m| Rule::of(m).map(|r| format!("{r:?}")))
                .collect::<Vec<_>>()
        };
        let some = |text: &str| vec![Some(text.to_owned())];
        assert_eq!(rule_of(check_dns1123_label("a.b")), some("NoDots"));
        assert_eq!(
            rule_of(check_dns1123_label("A")),
            some("Pattern(Dns1123Label)")
        );
        assert_eq!(
            rule_of(check_dns1123_subdomain("A")),
            some("Pattern(Dns1123Subdomain)")
        );
        assert_eq!(rule_of(check_app_name("1a")), some("Pattern(Dns1035Label)"));
        assert_eq!(rule_of(check_label_value("-")), some("Pattern(LabelValue)"));
        assert_eq!(rule_of(check_tag_name("-x")), some("Pattern(Tag)"));
        assert_eq!(
            rule_of(check_tag_name(&"t".repeat(129)))[0],
            Some("MaxLength(128)".to_owned())
        );
        assert_eq!(
            rule_of(check_image_stream_name("A", false)),
            some("Matches(\"[a-z0-9]+(?:[._-][a-z0-9]+)*\")")
        );
        assert_eq!(
            rule_of(check_path_segment_name("..", false)),
            some("MayNotBe(\"..\")")
        );
        assert_eq!(
            rule_of(check_path_segment_name("a/b", false)),
            some("MayNotContain(\"/\")")
        );
        assert_eq!(rule_of(check_port_number(0)), some("Between(1, 65535)"));
        let required = validate_image_stream_name("ns", "");
        assert_eq!(Rule::of(&required[0].message), Some(Rule::NameRequired));
        let long = validate_image_stream_name(&"n".repeat(63), &"a".repeat(192));
        assert_eq!(
            Rule::of(&long[0].message),
            Some(Rule::NamespaceNameTooLong(255))
        );
        let spec = validate_pull_spec("from", "Nginx");
        assert_eq!(
            Rule::of(&spec[0].message),
            Some(Rule::Reference(ReferenceErrorKind::NameContainsUppercase))
        );
        assert_eq!(Rule::of("something else"), None);
    }

    #[test]
    fn derive_app_name_follows_oc_new_app() {
        let derive = |image: &str| derive_app_name(image);
        assert_eq!(derive("gists/lighttpd").unwrap(), "lighttpd");
        assert_eq!(derive("quay.io/org/team/app:1").unwrap(), "team-app");
        assert_eq!(derive("nginx").unwrap(), "nginx");
        assert_eq!(derive("docker.io/library/nginx:1.25").unwrap(), "nginx");
        assert_eq!(derive("quay.io/org/my_app.v2").unwrap(), "my-app-v2");
        assert_eq!(derive("org/a__b").unwrap(), "a--b");
        assert_eq!(
            derive(&format!("quay.io/org/repo@sha256:{}", "a".repeat(64))).unwrap(),
            "repo"
        );
        // Upper case in the registry host does not matter; the name is already lower case.
        assert_eq!(derive("Quay.io/org/app").unwrap(), "app");
        // Names over 253 characters are cut: a 254-character path fits the 255 limit.
        let long = format!("a/{}", "b".repeat(253));
        assert_eq!(derive(&long).unwrap(), "b".repeat(253));
    }

    #[test]
    fn derive_app_name_errors() {
        assert_eq!(
            derive_app_name("a"),
            Err(AppNameError::TooShort("a".to_string()))
        );
        assert_eq!(
            derive_app_name("ns/x").unwrap_err().to_string(),
            "invalid name: x"
        );
        assert_eq!(
            derive_app_name("quay.io").unwrap_err().to_string(),
            "you must specify a name for your app"
        );
        let error = derive_app_name("Nginx").unwrap_err();
        assert_eq!(error.to_string(), "repository name must be lowercase");
        assert!(std::error::Error::source(&error).is_some());
        assert_eq!(
            derive_app_name("").unwrap_err().to_string(),
            "repository name must have at least one component"
        );
    }
}
