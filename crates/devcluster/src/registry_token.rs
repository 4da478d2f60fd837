//! The integrated registry's token server (distribution's "token" authentication, its
//! `docs/spec/auth/token.md` and `jwt.md`): the registry answers an unauthenticated request with
//! `401` and `WWW-Authenticate: Bearer realm=…,service=…,scope=repository:NS/NAME:pull,push`;
//! the client asks devcluster's token endpoint (the realm) for that scope with Basic auth, and
//! retries with the JWT it gets. The registry checks the JWT itself: signed by the key whose
//! certificate is in its `rootcertbundle` (sent in the `x5c` header), `iss` the configured
//! issuer, `aud` the service, `exp`/`nbf` within a minute's leeway, and an `access` claim
//! holding every action the request needs (distribution 2.8's `registry/auth/token`).
//!
//! What is granted follows OpenShift's integrated registry, which authorizes every pull and
//! push with the user's own OpenShift token (`docker login -u $(oc whoami) -p $(oc whoami -t)`):
//! the Basic password is an API token (the user name is not trusted), `pull` needs `get` on
//! image streams in the project (its `imagestreams/layers` check; in `openshift` every user
//! may, as OpenShift's `shared-resource-viewers` binding lets `system:authenticated` read
//! there), `push` needs `update` and `create` there, in a project that exists. Anonymous
//! callers get a token with no access: OpenShift grants `system:anonymous` nothing in any
//! project by default (not even `openshift`), so the registry refuses their pulls and pushes.
//! `registry:catalog:*` is for cluster admins.
//!
//! As distribution's spec asks, a known caller gets a token with the part of the requested
//! access it has (possibly none) and the registry refuses what is missing; unknown credentials
//! get `401`.

use crate::api::Cluster;
use crate::store::ObjectKey;
use serde::Serialize;
use serde_json::{json, Value};

/// How long an issued registry token is valid (Docker Hub's and OpenShift's registry tokens
/// are short-lived too).
pub const TOKEN_LIFETIME_SECONDS: i64 = 300;
/// The `iss` of devcluster's registry tokens, as configured in the registry.
pub const ISSUER: &str = "devcluster";
/// The `service` (JWT `aud`) the registry is configured with.
pub const SERVICE: &str = "devcluster-registry";
/// The devcluster route the registry names as its realm.
pub const TOKEN_PATH: &str = "/registry/token";
/// Most scopes read from one token request.
const MAX_SCOPES: usize = 16;

/// One entry of the JWT's `access` claim (distribution's `ResourceActions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceActions {
    /// `repository` or `registry`.
    #[serde(rename = "type")]
    pub kind: String,
    /// `NS/NAME`, or `catalog`.
    pub name: String,
    /// `pull`, `push`, `delete`, `*`.
    pub actions: Vec<String>,
}

/// A requested scope, `TYPE:NAME:ACTIONS` (`repository:demo/app:pull,push`). The name may hold
/// `:` (a registry host with a port), so the type is before the first and the actions after
/// the last, as distribution's scope parser reads them.
pub fn parse_scope(text: &str) -> Option<ResourceActions> {
    let (kind, rest) = text.split_once(':')?;
    let (name, actions) = rest.rsplit_once(':')?;
    if kind.is_empty() || name.is_empty() {
        return None;
    }
    Some(ResourceActions {
        kind: kind.to_owned(),
        name: name.to_owned(),
        actions: actions
            .split(',')
            .filter(|a| !a.is_empty())
            .map(str::to_owned)
            .collect(),
    })
}

/// The actions of `requested` that `user` (`None`: anonymous) may have.
pub fn granted(cluster: &Cluster, user: Option<&str>, requested: &ResourceActions) -> Vec<String> {
    let Some(user) = user else {
        return Vec::new();
    };
    let caller = crate::auth::Caller {
        name: user.to_owned(),
    };
    match requested.kind.as_str() {
        "registry" if requested.name == "catalog" && cluster.auth.is_cluster_admin(&caller) => {
            requested
                .actions
                .iter()
                .filter(|a| *a == "*")
                .cloned()
                .collect()
        }
        "repository" => {
            // OpenShift's registry serves `PROJECT/STREAM` only.
            let Some((namespace, name)) = requested.name.split_once('/') else {
                return Vec::new();
            };
            if namespace.is_empty() || name.is_empty() || name.contains('/') {
                return Vec::new();
            }
            let project = ObjectKey {
                resource: "namespaces",
                namespace: String::new(),
                name: namespace.to_owned(),
            };
            if cluster.store.get(&project).is_none() {
                return Vec::new();
            }
            let may = |verb: &str| cluster.auth.allows(&caller, verb, namespace);
            requested
                .actions
                .iter()
                .filter(|action| match action.as_str() {
                    // OpenShift binds the `shared-resource-viewer` role in `openshift` to
                    // `system:authenticated` (the `shared-resource-viewers` binding): every
                    // user, never anonymous, pulls the shared images.
                    "pull" => namespace == "openshift" || may("get"),
                    "push" => may("update") && may("create"),
                    "delete" => may("delete"),
                    _ => false,
                })
                .cloned()
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Signs registry tokens with a key generated at start; its self-signed certificate is the
/// registry's `rootcertbundle`.
pub struct TokenIssuer {
    key: jsonwebtoken::EncodingKey,
    certificate_der_base64: String,
    certificate_pem: String,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenIssuer { key: <redacted> }")
    }
}

impl TokenIssuer {
    /// A fresh ECDSA P-256 key and its certificate.
    pub fn generate() -> Result<Self, String> {
        use base64::Engine;
        let failed = |err: rcgen::Error| format!("cannot make the registry token key: {err}");
        let key_pair = rcgen::KeyPair::generate().map_err(failed)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(failed)?;
        params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "devcluster registry token issuer",
        );
        let certificate = params.self_signed(&key_pair).map_err(failed)?;
        Ok(Self {
            key: jsonwebtoken::EncodingKey::from_ec_der(&key_pair.serialize_der()),
            certificate_der_base64: base64::engine::general_purpose::STANDARD
                .encode(certificate.der()),
            certificate_pem: certificate.pem(),
        })
    }

    /// The certificate (PEM) the registry trusts tokens from.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    /// A signed token for `subject` holding `access`, valid from `now_seconds` for
    /// [`TOKEN_LIFETIME_SECONDS`].
    pub fn issue(
        &self,
        subject: &str,
        access: &[ResourceActions],
        now_seconds: i64,
    ) -> Result<String, String> {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.x5c = Some(vec![self.certificate_der_base64.clone()]);
        let claims = json!({
            "iss": ISSUER,
            "sub": subject,
            "aud": SERVICE,
            "exp": now_seconds.saturating_add(TOKEN_LIFETIME_SECONDS),
            "nbf": now_seconds,
            "iat": now_seconds,
            "jti": jti(subject, now_seconds),
            "access": access,
        });
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|err| format!("cannot sign a registry token: {err}"))
    }

    /// The token endpoint's answer (status, JSON body) for a request with `scopes` (each
    /// `scope` parameter, possibly holding several separated by spaces) and the request's
    /// `Authorization` header, at `now_millis`.
    pub fn answer(
        &self,
        cluster: &Cluster,
        scopes: &[String],
        authorization: Option<&str>,
        now_millis: i64,
    ) -> (u16, Value) {
        let user = match authorization {
            None => None,
            Some(header) => match basic_password(header)
                .and_then(|token| cluster.auth.user_of_token(&token, now_millis))
            {
                Some(user) => Some(user.to_owned()),
                None => {
                    return (
                        401,
                        json!({"errors": [{"code": "UNAUTHORIZED", "message": "incorrect username or password"}]}),
                    )
                }
            },
        };
        let access: Vec<ResourceActions> = scopes
            .iter()
            .flat_map(|scope| scope.split_ascii_whitespace())
            .take(MAX_SCOPES)
            .filter_map(parse_scope)
            .map(|requested| ResourceActions {
                actions: granted(cluster, user.as_deref(), &requested),
                ..requested
            })
            .filter(|granted| !granted.actions.is_empty())
            .collect();
        let now_seconds = now_millis.div_euclid(1000);
        let subject = user.as_deref().unwrap_or("system:anonymous");
        match self.issue(subject, &access, now_seconds) {
            Ok(token) => (
                200,
                json!({
                    "token": token,
                    "access_token": token,
                    "expires_in": TOKEN_LIFETIME_SECONDS,
                    "issued_at": imagestream_model::time::format_rfc3339(now_millis),
                }),
            ),
            Err(message) => (
                500,
                json!({"errors": [{"code": "UNKNOWN", "message": message}]}),
            ),
        }
    }
}

/// A unique token id (distribution's spec asks for one).
fn jti(subject: &str, now_seconds: i64) -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write(subject.as_bytes());
    hasher.write_i64(now_seconds);
    format!("{:016x}", hasher.finish())
}

/// The password of a `Basic` Authorization header (the user name is ignored, as OpenShift's
/// registry ignores it: the password is the API token).
fn basic_password(header: &str) -> Option<String> {
    use base64::Engine;
    let encoded = header
        .strip_prefix("Basic ")
        .or_else(|| header.strip_prefix("basic "))?;
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (_, password) = text.split_once(':')?;
    (!password.is_empty()).then(|| password.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::demo_cluster;
    use base64::Engine;

    fn basic(user: &str, password: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
        )
    }

    fn claims(token: &str) -> Value {
        let part = token.split('.').nth(1).unwrap();
        let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(part)
            .unwrap();
        serde_json::from_slice(&bytes).unwrap()
    }

    #[test]
    fn access_follows_the_callers_roles() {
        let cluster = demo_cluster(0);
        let scope = |text: &str| parse_scope(text).unwrap();
        let push = scope("repository:openshift/evil:pull,push");
        assert_eq!(granted(&cluster, Some("developer"), &push), ["pull"]);
        assert_eq!(granted(&cluster, Some("viewer"), &push), ["pull"]);
        assert_eq!(granted(&cluster, Some("admin"), &push), ["pull", "push"]);
        assert!(
            granted(&cluster, None, &push).is_empty(),
            "anonymous: nothing"
        );
        let demo = scope("repository:demo/app:push,pull,delete");
        assert_eq!(
            granted(&cluster, Some("developer"), &demo),
            ["push", "pull", "delete"]
        );
        assert_eq!(granted(&cluster, Some("viewer"), &demo), ["pull"]);
        for unserved in [
            "repository:nowhere/app:pull",
            "repository:demo:pull",
            "repository:demo/a/b:pull",
        ] {
            assert!(
                granted(&cluster, Some("admin"), &scope(unserved)).is_empty(),
                "{unserved}"
            );
        }
        let catalog = scope("registry:catalog:*");
        assert_eq!(granted(&cluster, Some("admin"), &catalog), ["*"]);
        assert!(granted(&cluster, Some("developer"), &catalog).is_empty());
        assert_eq!(
            parse_scope("repository:127.0.0.1:5000/a/b:pull")
                .unwrap()
                .name,
            "127.0.0.1:5000/a/b"
        );
        assert!(parse_scope("nonsense").is_none());
    }

    #[test]
    fn tokens_carry_the_claims_the_registry_checks() {
        let cluster = demo_cluster(0);
        let issuer = TokenIssuer::generate().unwrap();
        assert!(issuer
            .certificate_pem()
            .starts_with("-----BEGIN CERTIFICATE-----"));
        let now = 1_780_000_000_000;
        let scopes = vec!["repository:demo/app:pull,push repository:openshift/httpd:pull".into()];
        let (status, body) = issuer.answer(
            &cluster,
            &scopes,
            Some(&basic("anyone", "sha256~developer-devcluster-token")),
            now,
        );
        assert_eq!(status, 200, "{body}");
        let token = body["token"].as_str().unwrap();
        assert_eq!(body["access_token"], token);
        let header: Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(token.split('.').next().unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["x5c"].as_array().unwrap().len(), 1);
        let developer = claims(token);
        assert_eq!(developer["iss"], ISSUER);
        assert_eq!(developer["aud"], SERVICE);
        assert_eq!(
            developer["sub"], "developer",
            "the token's user, not the name sent"
        );
        assert_eq!(developer["exp"], 1_780_000_000 + 300);
        assert_eq!(developer["nbf"], 1_780_000_000);
        assert_eq!(
            developer["access"],
            json!([{"type": "repository", "name": "demo/app", "actions": ["pull", "push"]},
                   {"type": "repository", "name": "openshift/httpd", "actions": ["pull"]}])
        );
        // The viewer asking to push gets a token without it; anonymous gets no access at all;
        // an unknown token is a 401.
        let (_, body) = issuer.answer(
            &cluster,
            &["repository:openshift/evil:push".into()],
            Some(&basic("developer", "sha256~viewer-devcluster-token")),
            now,
        );
        assert_eq!(claims(body["token"].as_str().unwrap())["access"], json!([]));
        let (status, body) = issuer.answer(&cluster, &scopes, None, now);
        assert_eq!(status, 200);
        let anonymous = claims(body["token"].as_str().unwrap());
        assert_eq!(anonymous["sub"], "system:anonymous");
        assert_eq!(anonymous["access"], json!([]));
        for bad in [
            basic("developer", "wrong"),
            "Bearer x".into(),
            "Basic !!".into(),
        ] {
            let (status, _) = issuer.answer(&cluster, &scopes, Some(&bad), now);
            assert_eq!(status, 401, "{bad}");
        }
    }
}
