//! The integrated registry's routes on devcluster: its push notifications (recorded in order
//! as image stream tags) and its token endpoint.
//!
//! `GET /registry/token` is the registry's `auth: token` realm: Docker, Podman and skopeo ask it
//! with `?service=…&scope=…` and Basic credentials; the rules are the library's
//! `registry_token` module. `POST` (the OAuth2 password grant that Docker's client tries when
//! it holds a refresh token) is answered the same way from the form.

use super::{header_text, json_response, notify_watchers, now_millis, Shared};
use axum::body::Bytes;
use axum::extract::{Form, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, MethodRouter};
use imagestream_devcluster::integrated_registry::{self, PushedTag};
use imagestream_devcluster::registry::RegistryAllowList;
use imagestream_devcluster::registry_http::{Credentials, RegistryClient};
use imagestream_devcluster::registry_token;
use imagestream_model::url::decode_component;
use std::sync::Arc;
use std::time::Instant;

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

/// The token endpoint's route.
pub(super) fn token_routes() -> MethodRouter<Shared> {
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

/// `POST /registry/notifications`: the integrated registry reports pushes. Answers at once
/// (200 even for an envelope it cannot use, so the registry does not retry it forever); the
/// pushes are recorded in order by `record_pushes`.
pub(super) async fn registry_notifications(
    State(shared): State<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let (Some(secret), Some(pushes)) = (&shared.registry_secret, &shared.pushes) else {
        return StatusCode::NOT_FOUND;
    };
    let received = headers
        .get(integrated_registry::SECRET_HEADER)
        .and_then(|v| v.to_str().ok());
    if !integrated_registry::secret_matches(secret, received) {
        return StatusCode::UNAUTHORIZED;
    }
    match integrated_registry::parse_notifications(&body) {
        Ok(list) => {
            for push in list {
                if pushes.try_send(push).is_err() {
                    eprintln!("devcluster: too many registry pushes waiting; one was dropped");
                }
            }
        }
        Err(err) => eprintln!("devcluster: ignored a registry notification: {err}"),
    }
    StatusCode::OK
}

/// Records the integrated registry's pushes one after the other: the manifest is read back
/// from the registry on a blocking thread (not under the cluster lock), then the stream's tag
/// is updated and watches are told.
pub(super) async fn record_pushes(
    shared: Shared,
    registry_host: String,
    mut pushes: tokio::sync::mpsc::Receiver<PushedTag>,
) {
    // Loopback only: no proxy.
    let client = Arc::new(
        RegistryClient::new()
            .without_proxy()
            .reaching_only(RegistryAllowList::default()),
    );
    while let Some(push) = pushes.recv().await {
        let started = Instant::now();
        let label = format!("{}/{}:{}", push.namespace, push.name, push.tag);
        // devcluster reads the manifest back with a pull token of its own for this repository.
        let pull = registry_token::ResourceActions {
            kind: "repository".into(),
            name: format!("{}/{}", push.namespace, push.name),
            actions: vec!["pull".into()],
        };
        let token = shared.registry_tokens.as_ref().map(|tokens| {
            tokens.issue("system:devcluster", &[pull], now_millis().div_euclid(1000))
        });
        let source = match token {
            Some(Ok(token)) => client
                .as_ref()
                .clone()
                .with_credentials(&registry_host, Credentials::Bearer(token)),
            Some(Err(message)) => {
                eprintln!("devcluster: the push of {label} was not recorded: {message}");
                continue;
            }
            None => client.as_ref().clone(),
        };
        let (host, reading) = (registry_host.clone(), push.clone());
        let resolved = tokio::task::spawn_blocking(move || {
            integrated_registry::resolve_push(&source, &host, &reading)
        })
        .await;
        let resolved = match resolved {
            Ok(Ok(resolved)) => resolved,
            Ok(Err(failure)) => {
                eprintln!(
                    "devcluster: the push of {label} was not recorded: {}",
                    failure.message()
                );
                continue;
            }
            Err(err) => {
                eprintln!("devcluster: the push of {label} was not recorded: {err}");
                continue;
            }
        };
        let recorded = match shared.cluster.lock() {
            Ok(mut cluster) => {
                integrated_registry::record_push(&mut cluster, &push, &resolved, now_millis())
            }
            Err(_) => return,
        };
        // Reported once it is on disk.
        let recorded = match (recorded, shared.cluster.synced().await) {
            (Ok(_), Err(message)) => Err(message),
            (recorded, _) => recorded.map(|_| ()),
        };
        match recorded {
            Ok(()) => println!(
                "registry push: {label} -> {} ({} ms)",
                push.digest,
                started.elapsed().as_millis()
            ),
            Err(message) => eprintln!("devcluster: {message}"),
        }
        notify_watchers(&shared);
    }
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
