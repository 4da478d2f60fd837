//! `GET /registry/token`: the integrated registry's token endpoint (its `auth: token` realm).
//! Docker, Podman and skopeo ask it with `?service=…&scope=…` and Basic credentials; the rules
//! are the library's `registry_token` module. `POST` (the OAuth2 password grant that Docker's
//! client tries when it holds a refresh token) is answered the same way from the form.

use super::{header_text, json_response, now_millis, Shared};
use axum::extract::{Form, RawQuery, State};
use axum::http::{header, HeaderMap};
use axum::response::Response;
use axum::routing::{get, MethodRouter};
use imagestream_model::url::decode_component;

/// The `scope` values of a query string (the parameter may repeat).
fn scopes(query: &str) -> Vec<String> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(key, _)| *key == "scope")
        .map(|(_, value)| decode_component(&value.replace('+', " ")))
        .collect()
}

fn answer(shared: &Shared, scopes: &[String], authorization: Option<&str>) -> Response {
    let Some(issuer) = &shared.registry_tokens else {
        return json_response(404, b"{}".to_vec());
    };
    let (status, body) = match shared.cluster.lock() {
        Ok(cluster) => issuer.answer(&cluster, scopes, authorization, now_millis()),
        Err(_) => (500, serde_json::json!({"errors": [{"code": "UNKNOWN"}]})),
    };
    json_response(status, serde_json::to_vec(&body).unwrap_or_default())
}

/// The route.
pub(super) fn routes() -> MethodRouter<Shared> {
    get(
        |State(shared): State<Shared>, RawQuery(query): RawQuery, headers: HeaderMap| async move {
            let authorization = header_text(&headers, header::AUTHORIZATION);
            answer(
                &shared,
                &scopes(query.as_deref().unwrap_or_default()),
                authorization.as_deref(),
            )
        },
    )
    .post(
        |State(shared): State<Shared>,
         headers: HeaderMap,
         Form(form): Form<Vec<(String, String)>>| async move {
            // The password grant carries the credentials in the form, not in a header.
            let from_form = form
                .iter()
                .find(|(key, _)| key == "password")
                .map(|(_, password)| {
                    use base64::Engine;
                    format!(
                        "Basic {}",
                        base64::engine::general_purpose::STANDARD.encode(format!("_:{password}"))
                    )
                });
            let authorization = from_form.or_else(|| header_text(&headers, header::AUTHORIZATION));
            let scopes: Vec<String> = form
                .into_iter()
                .filter(|(key, _)| key == "scope")
                .map(|(_, value)| value)
                .collect();
            answer(&shared, &scopes, authorization.as_deref())
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_repeat_and_are_decoded() {
        assert_eq!(
            scopes("service=x&scope=repository%3Ademo%2Fapp%3Apull%2Cpush&scope=repository:a/b:pull+registry:catalog:*"),
            ["repository:demo/app:pull,push", "repository:a/b:pull registry:catalog:*"]
        );
        assert!(scopes("").is_empty());
    }
}
