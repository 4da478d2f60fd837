//! `/csp-reports`, served with `--strict-csp` only: `POST` keeps the Content-Security-Policy
//! violation reports browsers send (`report-uri`; no credentials, as browsers send them) and
//! `GET` lists them for a cluster administrator, so a test can tell that the console ran under
//! the strict policy with nothing blocked.
//!
//! Bounded on every side: a report body is at most [`MAX_REPORT_BYTES`] (a report is a few
//! hundred bytes), must be JSON sent as JSON, and at most [`MAX_REPORTS`] reports or
//! [`MAX_KEPT_BYTES`] in all are kept (the first ones: later reports are counted and dropped).
//! Reading them needs a cluster-admin bearer token: they hold page addresses and snippets.

use super::{header_text, json_response, now_millis, Shared};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{post, MethodRouter};
use imagestream_devcluster::api::status;
use serde_json::Value;
use std::sync::{Arc, Mutex};

/// Largest report body accepted.
pub(super) const MAX_REPORT_BYTES: usize = 64 * 1024;
/// Most reports kept.
pub(super) const MAX_REPORTS: usize = 100;
/// Most report bytes kept in all.
pub(super) const MAX_KEPT_BYTES: usize = 1024 * 1024;
/// The path of the route.
pub(super) const PATH: &str = "/csp-reports";

/// The content types reports come with: `application/csp-report` (`report-uri`),
/// `application/reports+json` (the Reporting API) and plain JSON.
const REPORT_TYPES: [&str; 3] = [
    "application/csp-report",
    "application/reports+json",
    "application/json",
];

#[derive(Default)]
struct Kept {
    reports: Vec<Value>,
    bytes: usize,
    dropped: usize,
}

/// The route: `POST` open to browsers, `GET` for cluster administrators.
pub(super) fn routes() -> MethodRouter<Shared> {
    let kept: Arc<Mutex<Kept>> = Arc::default();
    let receiving = kept.clone();
    post(
        move |headers: HeaderMap, body: Result<Bytes, BytesRejection>| async move {
            receive(&receiving, &headers, body)
        },
    )
    .get(
        move |State(shared): State<Shared>, headers: HeaderMap| async move {
            list(&shared, &kept, &headers)
        },
    )
    .layer(DefaultBodyLimit::max(MAX_REPORT_BYTES))
}

fn failure(code: u16, reason: &str, message: String) -> Response {
    let body = status(code, reason, message, Some(serde_json::json!({})));
    json_response(code, serde_json::to_vec(&body).unwrap_or_default())
}

fn receive(
    kept: &Mutex<Kept>,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let content_type = header_text(headers, header::CONTENT_TYPE).unwrap_or_default();
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if !REPORT_TYPES.contains(&media_type.as_str()) {
        return failure(
            415,
            "UnsupportedMediaType",
            format!("the body of the request was in an unknown format - accepted media types include: {}", REPORT_TYPES.join(", ")),
        );
    }
    let body = match body {
        Ok(body) => body,
        Err(_) => {
            return failure(
                413,
                "RequestEntityTooLarge",
                format!("Request entity too large: limit is {MAX_REPORT_BYTES} bytes"),
            )
        }
    };
    let report: Value = match serde_json::from_slice(&body) {
        Ok(report) => report,
        Err(err) => return failure(400, "BadRequest", format!("the report is not JSON: {err}")),
    };
    if let Ok(mut kept) = kept.lock() {
        let fits = kept.reports.len() < MAX_REPORTS
            && kept.bytes.saturating_add(body.len()) <= MAX_KEPT_BYTES;
        if fits {
            kept.bytes += body.len();
            kept.reports.push(report);
        } else {
            kept.dropped = kept.dropped.saturating_add(1);
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

fn list(shared: &Shared, kept: &Mutex<Kept>, headers: &HeaderMap) -> Response {
    let authorization = header_text(headers, header::AUTHORIZATION);
    let allowed = match shared.cluster.lock() {
        Ok(cluster) => cluster
            .auth
            .authenticate(authorization.as_deref(), now_millis())
            .map(|caller| (cluster.auth.is_cluster_admin(&caller), caller.name)),
        Err(_) => return failure(500, "InternalError", "cluster state is poisoned".into()),
    };
    match allowed {
        Err(()) => failure(401, "Unauthorized", "Unauthorized".into()),
        Ok((false, user)) => failure(
            403,
            "Forbidden",
            // kube-apiserver's wording for a non-resource URL the user may not get.
            format!("forbidden: User {user:?} cannot get path {PATH:?}"),
        ),
        Ok((true, _)) => {
            let (reports, dropped) = match kept.lock() {
                Ok(kept) => (kept.reports.clone(), kept.dropped),
                Err(_) => (Vec::new(), 0),
            };
            let mut response = axum::Json(Value::Array(reports)).into_response();
            if let Ok(value) = dropped.to_string().parse() {
                response
                    .headers_mut()
                    .insert("x-devcluster-dropped-reports", value);
            }
            response
        }
    }
}
