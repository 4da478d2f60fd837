//! The HTTP-shaped entry point: a request in, a response out, with Kubernetes `Status` errors.

use crate::store::Cluster;
use imagestream_model::{List, ListMeta, Status};
use serde::Serialize;

/// A request as the server (or the in-browser transport) received it.
#[derive(Debug, Clone, Default)]
pub struct ApiRequest {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path without the query string, e.g. `/apis/image.openshift.io/v1/namespaces/x/imagestreams`.
    pub path: String,
    /// The raw query string without `?`.
    pub query: String,
    /// The request body.
    pub body: Vec<u8>,
}

/// A response ready to be written to the wire.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiResponse {
    /// HTTP status code.
    pub status: u16,
    /// JSON body.
    pub body: Vec<u8>,
}

impl ApiResponse {
    fn json(status: u16, value: &impl Serialize) -> Self {
        // Serializing our own model types cannot fail; fall back to an error Status if it ever does.
        let body = serde_json::to_vec(value).unwrap_or_else(|err| {
            format!(r#"{{"kind":"Status","apiVersion":"v1","status":"Failure","message":"encoding the response failed: {err}","reason":"InternalError","code":500}}"#).into_bytes()
        });
        Self { status, body }
    }

    fn status(status: Status) -> Self {
        Self::json(status.code.unwrap_or(500), &status)
    }
}

const IMAGE_V1: &str = "/apis/image.openshift.io/v1";

impl Cluster {
    /// Answers one API request.
    pub fn handle(&self, request: &ApiRequest) -> ApiResponse {
        let path = request.path.trim_end_matches('/');
        if request.method != "GET" {
            return ApiResponse::status(Status::failure(
                405,
                "MethodNotAllowed",
                format!(
                    "the server does not allow this method on the requested resource: {}",
                    request.method
                ),
            ));
        }
        if path == "/version" {
            return ApiResponse::json(200, &version());
        }
        let segments: Vec<&str> = path
            .strip_prefix(IMAGE_V1)
            .map(|rest| rest.split('/').filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        match segments.as_slice() {
            ["namespaces", namespace, "imagestreams"] => self.list_image_streams(namespace),
            ["namespaces", namespace, "imagestreams", name] => {
                match self.image_stream(namespace, name) {
                    Some(stream) => ApiResponse::json(200, stream),
                    None => ApiResponse::status(Status::failure(
                        404,
                        "NotFound",
                        format!("imagestreams.image.openshift.io \"{name}\" not found"),
                    )),
                }
            }
            _ => ApiResponse::status(Status::failure(
                404,
                "NotFound",
                "the server could not find the requested resource",
            )),
        }
    }

    fn list_image_streams(&self, namespace: &str) -> ApiResponse {
        let list = List {
            api_version: Some("image.openshift.io/v1".into()),
            kind: Some("ImageStreamList".into()),
            metadata: Some(ListMeta {
                resource_version: Some(self.resource_version().to_string()),
                ..ListMeta::default()
            }),
            items: self.image_streams(namespace).collect::<Vec<_>>(),
        };
        ApiResponse::json(200, &list)
    }
}

fn version() -> serde_json::Value {
    serde_json::json!({
        "major": "1",
        "minor": "33",
        "gitVersion": concat!("v1.33.0-devcluster-", env!("CARGO_PKG_VERSION")),
        "platform": "devcluster",
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use imagestream_model::ImageStream;

    fn get(cluster: &Cluster, path: &str) -> (u16, serde_json::Value) {
        let response = cluster.handle(&ApiRequest {
            method: "GET".into(),
            path: path.into(),
            ..ApiRequest::default()
        });
        (
            response.status,
            serde_json::from_slice(&response.body).unwrap(),
        )
    }

    #[test]
    fn lists_the_seeded_openshift_streams_sorted_by_name() {
        let cluster = crate::seed::demo_cluster(0);
        let (status, body) = get(
            &cluster,
            "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams",
        );
        assert_eq!(status, 200);
        assert_eq!(body["kind"], "ImageStreamList");
        let list: List<ImageStream> = serde_json::from_value(body).unwrap();
        let names: Vec<_> = list.items.iter().map(|s| s.metadata.name()).collect();
        assert_eq!(names, ["httpd", "mongodb", "nginx", "postgresql", "python"]);
        assert_eq!(
            list.resource_version(),
            Some(cluster.resource_version().to_string().as_str())
        );
    }

    #[test]
    fn an_unknown_namespace_lists_nothing() {
        let cluster = crate::seed::demo_cluster(0);
        let (status, body) = get(
            &cluster,
            "/apis/image.openshift.io/v1/namespaces/nowhere/imagestreams",
        );
        assert_eq!(status, 200);
        assert_eq!(body["items"], serde_json::json!([]));
    }

    #[test]
    fn a_missing_stream_is_a_not_found_status() {
        let cluster = crate::seed::demo_cluster(0);
        let (status, body) = get(
            &cluster,
            "/apis/image.openshift.io/v1/namespaces/openshift/imagestreams/nope",
        );
        assert_eq!(status, 404);
        assert_eq!(body["kind"], "Status");
        assert_eq!(body["reason"], "NotFound");
        assert_eq!(
            body["message"],
            "imagestreams.image.openshift.io \"nope\" not found"
        );
    }

    #[test]
    fn writes_are_refused_for_now_with_a_status() {
        let cluster = Cluster::new();
        let response = cluster.handle(&ApiRequest {
            method: "DELETE".into(),
            path: "/version".into(),
            ..ApiRequest::default()
        });
        assert_eq!(response.status, 405);
    }
}
