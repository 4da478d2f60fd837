//! What every form shares: field errors from the model's checks (before sending) and from the
//! server's 422 `Status` causes (after), and the words for a 409 on a stale resourceVersion.
//!
//! Forms show an error next to the field it belongs to, so a person sees what to change without
//! reading a JSON path; whatever cannot be placed on a field is shown at the form's end.
//!
//! The model's checks speak the server's English; [`field_message`] says the same rule in the
//! page's language. What the server itself says (422 causes, Status messages) stays as it is.

use crate::api::ApiError;
use crate::i18n::{lang, t, tf, Lang};
use imagestream_model::reference::ReferenceErrorKind;
use imagestream_model::validation::{AppNameError, FieldError, FieldErrorType, PatternRule, Rule};
use serde_json::Value;

/// Messages per field path (`metadata.name`, `spec.tags[0].name`, …), in the order found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(Vec<(String, String)>);

impl FieldErrors {
    /// No errors.
    pub fn new() -> Self {
        Self::default()
    }

    /// The model's checks, run before sending, as field messages.
    pub fn from_model(errors: &[FieldError]) -> Self {
        FieldErrors(
            errors
                .iter()
                .map(|error| (error.field.clone(), field_message(error)))
                .collect(),
        )
    }

    /// The causes of a 422 `Invalid` answer, each on its field. Other errors give none.
    pub fn from_api(error: &ApiError) -> Self {
        let ApiError::Status(status) = error else {
            return Self::default();
        };
        if status.code != Some(422) {
            return Self::default();
        }
        let causes = status
            .extra
            .get("details")
            .and_then(|details| details.get("causes"))
            .and_then(Value::as_array);
        let mut found = Vec::new();
        for cause in causes.into_iter().flatten() {
            let field = cause.get("field").and_then(Value::as_str).unwrap_or("");
            let message = cause.get("message").and_then(Value::as_str).unwrap_or("");
            if !message.is_empty() {
                found.push((field.to_owned(), message.to_owned()));
            }
        }
        FieldErrors(found)
    }

    /// Adds one message for `field`.
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push((field.to_owned(), message.into()));
    }

    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The messages for `path` and the fields under it (`spec.tags` also takes
    /// `spec.tags[0].from.name`), joined, or `None`.
    pub fn for_field(&self, path: &str) -> Option<String> {
        let matching: Vec<&str> = self
            .0
            .iter()
            .filter(|(field, _)| under(field, path))
            .map(|(_, message)| message.as_str())
            .collect();
        (!matching.is_empty()).then(|| matching.join(" "))
    }

    /// The messages whose field is none of `shown`, so a form can list them at its end and
    /// nothing the server said is dropped.
    pub fn others(&self, shown: &[&str]) -> Vec<String> {
        self.0
            .iter()
            .filter(|(field, _)| !shown.iter().any(|path| under(field, path)))
            .map(|(field, message)| {
                if field.is_empty() || message.starts_with(field.as_str()) {
                    message.clone()
                } else {
                    format!("{field}: {message}")
                }
            })
            .collect()
    }
}

fn under(field: &str, path: &str) -> bool {
    field == path
        || field
            .strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
}

/// For a 409 `Conflict` (someone changed the object since it was loaded, or it already
/// exists), what happened and what to do, in words; `None` for other errors.
pub fn conflict_explanation(error: &ApiError) -> Option<String> {
    let ApiError::Status(status) = error else {
        return None;
    };
    if status.code != Some(409) {
        return None;
    }
    if status.reason.as_deref() == Some("AlreadyExists") {
        return Some(
            t("An object with this name already exists: choose another name, or open the existing one.")
                .to_owned(),
        );
    }
    Some(
        t("Someone changed this object after you loaded it. Reload to get the latest version, then \
         try again: what you typed is kept.")
        .to_owned(),
    )
}

/// A model check's [`FieldError`] as shown under its field: the server's own words in English
/// (`Invalid value: "Bad": must match …`), the same rule in the page's language otherwise.
pub fn field_message(error: &FieldError) -> String {
    if lang() == Lang::En {
        return error.body();
    }
    let mut body = t(match error.reason {
        FieldErrorType::Required => "Required value",
        FieldErrorType::Invalid => "Invalid value",
        FieldErrorType::TooLong => "Too long",
        FieldErrorType::NotSupported => "Unsupported value",
        FieldErrorType::Forbidden => "Forbidden",
        FieldErrorType::Duplicate => "Duplicate value",
    })
    .to_owned();
    // As the server does: no value for these kinds.
    let omits_value = matches!(
        error.reason,
        FieldErrorType::Required | FieldErrorType::Forbidden | FieldErrorType::TooLong
    );
    if !omits_value {
        match &error.value {
            Some(value) => body.push_str(&format!(" : {value}")),
            None => body.push_str(" : null"),
        }
    }
    if !error.message.is_empty() {
        body.push_str(" : ");
        body.push_str(&rule_text(&error.message));
    }
    body
}

/// One message of the model's checks (`must be no more than 63 characters`) in the page's
/// language; text the model did not write is returned as it is.
pub fn rule_text(message: &str) -> String {
    let Some(rule) = Rule::of(message).filter(|_| lang() != Lang::En) else {
        return message.to_owned();
    };
    match rule {
        Rule::MaxLength(n) => tf(
            "must be no more than {n} characters",
            &[("n", &n.to_string())],
        ),
        Rule::NoDots => t("must not contain dots").to_owned(),
        Rule::Pattern(pattern) => {
            let rule = t(match pattern {
                PatternRule::Dns1123Label => "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                PatternRule::Dns1123Subdomain => "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                PatternRule::Dns1035Label => "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
                PatternRule::LabelValue => "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
                PatternRule::Tag => "a valid tag must consist of alphanumeric characters, '_', '.' or '-', and must start with an alphanumeric character or '_'",
            });
            let examples: Vec<String> = pattern
                .examples()
                .iter()
                .map(|example| format!("'{example}'"))
                .collect();
            tf(
                "{rule} (e.g. {examples}; regex used for validation: '{pattern}')",
                &[
                    ("rule", rule),
                    ("examples", &examples.join(t(" or "))),
                    ("pattern", pattern.pattern()),
                ],
            )
        }
        Rule::MayNotBe(name) => tf("may not be '{name}'", &[("name", name)]),
        Rule::MayNotContain(text) => tf("may not contain '{text}'", &[("text", text)]),
        Rule::Matches(pattern) => tf("must match \"{pattern}\"", &[("pattern", pattern)]),
        Rule::NameRequired => t("name or generateName is required").to_owned(),
        Rule::NamespaceNameTooLong(n) => tf(
            "'namespace/name' cannot be longer than {n} characters",
            &[("n", &n.to_string())],
        ),
        Rule::Between(low, high) => tf(
            "must be between {low} and {high}, inclusive",
            &[("low", &low.to_string()), ("high", &high.to_string())],
        ),
        Rule::Reference(kind) => reference_text(kind).to_owned(),
    }
}

/// A pull spec problem in the page's language.
pub fn reference_text(kind: ReferenceErrorKind) -> &'static str {
    match kind {
        ReferenceErrorKind::NameEmpty => t("repository name must have at least one component"),
        ReferenceErrorKind::InvalidFormat => t("invalid reference format"),
        ReferenceErrorKind::NameContainsUppercase => t("repository name must be lowercase"),
        ReferenceErrorKind::NameTooLong => {
            t("repository name must not be more than 255 characters")
        }
        ReferenceErrorKind::DigestUnsupported => t("unsupported digest algorithm"),
        ReferenceErrorKind::DigestInvalidLength => t("invalid checksum digest length"),
    }
}

/// Why no app name could be derived from the image (`oc new-app`'s words in English).
pub fn app_name_error_text(error: &AppNameError) -> String {
    if lang() == Lang::En {
        return error.to_string();
    }
    match error {
        AppNameError::Reference(error) => reference_text(error.kind()).to_owned(),
        AppNameError::NameRequired => t("you must specify a name for your app").to_owned(),
        AppNameError::TooShort(name) => tf("invalid name: {name}", &[("name", name)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use imagestream_model::meta::Status;

    fn invalid(causes: Value) -> ApiError {
        let mut status = Status::failure(422, "Invalid", "ImageStream \"Bad\" is invalid");
        status
            .extra
            .insert("details".into(), serde_json::json!({ "causes": causes }));
        ApiError::Status(Box::new(status))
    }

    #[test]
    fn server_causes_land_on_their_fields_and_the_rest_is_kept() {
        let error = invalid(serde_json::json!([
            {"reason": "FieldValueInvalid", "field": "metadata.name", "message": "Invalid value: \"Bad\": a lowercase RFC 1123 subdomain"},
            {"reason": "FieldValueRequired", "field": "spec.tags[0].from.name", "message": "Required value"},
            {"reason": "FieldValueInvalid", "field": "spec.lookupPolicy", "message": "odd"}
        ]));
        let errors = FieldErrors::from_api(&error);
        assert_eq!(
            errors.for_field("metadata.name").as_deref(),
            Some("Invalid value: \"Bad\": a lowercase RFC 1123 subdomain")
        );
        assert_eq!(
            errors.for_field("spec.tags").as_deref(),
            Some("Required value")
        );
        assert_eq!(errors.for_field("metadata.namespace"), None);
        assert_eq!(
            errors.others(&["metadata.name", "spec.tags"]),
            vec!["spec.lookupPolicy: odd".to_owned()]
        );
    }

    #[test]
    fn only_422_gives_field_errors_and_only_409_a_conflict() {
        let forbidden = ApiError::Status(Box::new(Status::failure(403, "Forbidden", "no")));
        assert!(FieldErrors::from_api(&forbidden).is_empty());
        assert_eq!(conflict_explanation(&forbidden), None);
        let stale = ApiError::Status(Box::new(Status::failure(
            409,
            "Conflict",
            "the object has been modified",
        )));
        assert!(conflict_explanation(&stale).unwrap().contains("Reload"));
        let exists = ApiError::Status(Box::new(Status::failure(409, "AlreadyExists", "exists")));
        assert!(conflict_explanation(&exists)
            .unwrap()
            .contains("already exists"));
    }

    #[test]
    fn model_checks_are_said_in_the_pages_language() {
        use crate::i18n::{set_lang, Lang};
        use imagestream_model::validation::{
            check_dns1123_label, check_dns1123_subdomain, check_label_value, check_port_number,
            check_tag_name, validate_app_name, validate_pull_spec, validate_tag_name,
        };
        let bad_name = imagestream_model::validation::validate_image_stream_name("demo", "Bad");
        let english = field_message(&bad_name[0]);
        let mut messages: Vec<String> = Vec::new();
        messages.extend(check_dns1123_label("a.b"));
        messages.extend(check_dns1123_label("A"));
        messages.extend(check_dns1123_subdomain("A"));
        messages.extend(check_label_value("-"));
        messages.extend(check_tag_name(&"-".repeat(200)));
        messages.extend(check_port_number(0));
        set_lang(Lang::Fr);
        let french = field_message(&bad_name[0]);
        let required = field_message(&validate_tag_name("tag", "")[0]);
        let app = field_message(&validate_app_name("name", "1app")[0]);
        let spec = field_message(&validate_pull_spec("from", "Nginx")[0]);
        let rules: Vec<String> = messages.iter().map(|m| rule_text(m)).collect();
        let not_a_rule = rule_text("odd");
        set_lang(Lang::En);
        assert_eq!(english, bad_name[0].body());
        assert_eq!(
            french,
            "Valeur non valide : \"Bad\" : doit correspondre à \"[a-z0-9]+(?:[._-][a-z0-9]+)*\""
        );
        assert_eq!(required, "Valeur requise");
        assert!(
            app.starts_with("Valeur non valide : \"1app\" : un libellé DNS-1035"),
            "{app}"
        );
        assert!(app.contains("(p. ex. 'my-name' ou 'abc-123' ;"), "{app}");
        assert_eq!(
            spec,
            "Valeur non valide : \"Nginx\" : le nom du dépôt doit être en minuscules"
        );
        for (english, french) in messages.iter().zip(&rules) {
            assert_ne!(english, french);
        }
        assert_eq!(not_a_rule, "odd");
    }

    #[test]
    fn model_checks_become_field_errors() {
        let errors = imagestream_model::validation::validate_image_stream_name("demo", "Bad_Name");
        assert!(!errors.is_empty());
        let mapped = FieldErrors::from_model(&errors);
        assert!(mapped.for_field("metadata.name").is_some());
    }
}
