//! What every form shares: field errors from the model's checks (before sending) and from the
//! server's 422 `Status` causes (after), and the words for a 409 on a stale resourceVersion.
//!
//! Forms show an error next to the field it belongs to, so a person sees what to change without
//! reading a JSON path; whatever cannot be placed on a field is shown at the form's end.

use crate::api::ApiError;
use imagestream_model::validation::FieldError;
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
                .map(|error| (error.field.clone(), error.body()))
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
            "An object with this name already exists: choose another name, or open the existing one."
                .to_owned(),
        );
    }
    Some(
        "Someone changed this object after you loaded it. Reload to get the latest version, then \
         try again: what you typed is kept."
            .to_owned(),
    )
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
    fn model_checks_become_field_errors() {
        let errors = imagestream_model::validation::validate_image_stream_name("demo", "Bad_Name");
        assert!(!errors.is_empty());
        let mapped = FieldErrors::from_model(&errors);
        assert!(mapped.for_field("metadata.name").is_some());
    }
}
