//! "Log in with OpenShift" against devcluster: the OAuth server metadata
//! (`/.well-known/oauth-authorization-server`), an authorize step with a tiny log-in page, the
//! implicit flow (token in the redirect's fragment) and code + PKCE with a token endpoint, as
//! OpenShift's OAuth server offers them (API.md §11). Redirects go only to loopback addresses
//! (OpenShift lets registered loopback URIs use any port; devcluster serves loopback only).
//!
//! As in OpenShift's oauth-server, the log-in form carries a CSRF value that must match the
//! `csrf` cookie set with the page (the server checks it before [`Cluster::oauth_grant`]), access
//! tokens expire after [`TOKEN_LIFETIME_SECONDS`] (the OAuthClient default
//! `accessTokenMaxAgeSeconds`) and authorize codes after [`CODE_LIFETIME_SECONDS`], each code
//! works once.

use crate::api::Cluster;
use imagestream_model::url::encode_component;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The OAuthClient the console registers as.
pub const CLIENT_ID: &str = "imagestream-console";
/// How long issued tokens are valid, as reported to the client (`expires_in`) and enforced:
/// OpenShift's default access token max age (24 h).
pub const TOKEN_LIFETIME_SECONDS: u64 = 86_400;
/// How long an authorize code can be exchanged: OpenShift's OAuthAuthorizeTokens live 5 minutes.
pub const CODE_LIFETIME_SECONDS: u64 = 300;
/// Most codes waiting for their exchange; the oldest goes first beyond this.
pub const MAX_PENDING_CODES: usize = 1_000;
/// The name of the log-in form's CSRF field and of its cookie, as in OpenShift's oauth-server.
pub const CSRF_FIELD: &str = "csrf";
/// What the log-in page says when its CSRF check failed (OpenShift's login page words).
pub const CSRF_FAILED_MESSAGE: &str = "Could not check CSRF token. Please try again.";

/// `/.well-known/oauth-authorization-server` for an issuer URL (the server's own origin).
pub fn metadata(issuer: &str) -> Value {
    json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/oauth/authorize"),
        "token_endpoint": format!("{issuer}/oauth/token"),
        "scopes_supported": ["user:check-access", "user:full", "user:info", "user:list-projects", "user:list-scoped-projects"],
        "response_types_supported": ["code", "token"],
        "grant_types_supported": ["authorization_code", "implicit"],
        "code_challenge_methods_supported": ["plain", "S256"],
    })
}

/// A validated authorize request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizeRequest {
    /// `token` (implicit) or `code`.
    pub response_type: String,
    /// Where the browser goes back to.
    pub redirect_uri: String,
    /// Requested scope (`user:full` when absent).
    pub scope: String,
    /// Opaque value echoed back to the client.
    pub state: String,
    /// PKCE challenge, for the code flow.
    pub code_challenge: Option<String>,
    /// `plain` or `S256`.
    pub code_challenge_method: Option<String>,
}

/// A code waiting to be exchanged for a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCode {
    user: String,
    redirect_uri: String,
    scope: String,
    challenge: Option<(String, String)>,
    /// Milliseconds since the epoch when the code stops working.
    expires_at: i64,
}

/// `seconds` after `now_millis`, saturating (a clock near the end of time cannot overflow).
fn later(now_millis: i64, seconds: u64) -> i64 {
    let millis = i64::try_from(seconds.saturating_mul(1000)).unwrap_or(i64::MAX);
    now_millis.saturating_add(millis)
}

fn param<'a>(params: &'a BTreeMap<String, String>, key: &str) -> &'a str {
    params.get(key).map(String::as_str).unwrap_or_default()
}

/// Whether a redirect URI is an http(s) URL on a loopback host without a fragment.
fn loopback_redirect(uri: &str) -> bool {
    let Some(rest) = uri
        .strip_prefix("http://")
        .or_else(|| uri.strip_prefix("https://"))
    else {
        return false;
    };
    if uri.contains('#') {
        return false;
    }
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    if authority.contains('@') {
        return false;
    }
    let host = if let Some(bracketed) = authority.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or_default()
    } else {
        authority.split(':').next().unwrap_or_default()
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl AuthorizeRequest {
    /// Checks the query of `/oauth/authorize`; the error is shown to the person as it is.
    pub fn parse(params: &BTreeMap<String, String>) -> Result<Self, String> {
        if param(params, "client_id") != CLIENT_ID {
            return Err(format!(
                "unknown client_id {:?}: devcluster knows only the OAuthClient {CLIENT_ID:?}",
                param(params, "client_id")
            ));
        }
        let response_type = param(params, "response_type");
        if !matches!(response_type, "token" | "code") {
            return Err(format!(
                "unsupported response_type {response_type:?}: use \"token\" or \"code\""
            ));
        }
        let redirect_uri = param(params, "redirect_uri");
        if !loopback_redirect(redirect_uri) {
            return Err(format!("redirect_uri {redirect_uri:?} is not allowed: it must be an http(s) address on this machine (127.0.0.1 or localhost), without a fragment"));
        }
        let method = params
            .get("code_challenge_method")
            .cloned()
            .filter(|m| !m.is_empty());
        if let Some(method) = &method {
            if !matches!(method.as_str(), "plain" | "S256") {
                return Err(format!("unsupported code_challenge_method {method:?}"));
            }
        }
        Ok(Self {
            response_type: response_type.to_owned(),
            redirect_uri: redirect_uri.to_owned(),
            scope: Some(param(params, "scope"))
                .filter(|s| !s.is_empty())
                .unwrap_or("user:full")
                .to_owned(),
            state: param(params, "state").to_owned(),
            code_challenge: params
                .get("code_challenge")
                .cloned()
                .filter(|c| !c.is_empty()),
            code_challenge_method: method,
        })
    }
}

impl AuthorizeRequest {
    /// The request as the query of `/oauth/authorize` again (to send the browser back to the
    /// log-in page after a failed CSRF check), with `extra` pairs appended.
    pub fn query(&self, extra: &[(&str, &str)]) -> String {
        let mut pairs: Vec<(&str, &str)> = vec![
            ("client_id", CLIENT_ID),
            ("response_type", &self.response_type),
            ("redirect_uri", &self.redirect_uri),
            ("scope", &self.scope),
            ("state", &self.state),
        ];
        if let Some(challenge) = &self.code_challenge {
            pairs.push(("code_challenge", challenge));
        }
        if let Some(method) = &self.code_challenge_method {
            pairs.push(("code_challenge_method", method));
        }
        pairs.extend_from_slice(extra);
        pairs
            .iter()
            .map(|(key, value)| format!("{key}={}", encode_component(value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Text safe inside HTML content and attribute values.
fn escape(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '&' => "&amp;".to_owned(),
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '"' => "&quot;".to_owned(),
            '\'' => "&#39;".to_owned(),
            c => c.to_string(),
        })
        .collect()
}

/// The log-in page: one button per user, the request and the CSRF value (`csrf`, the same as
/// the `csrf` cookie sent with the page) carried along in hidden fields; `error` is shown above
/// the buttons (a failed CSRF check).
pub fn login_page(
    request: &AuthorizeRequest,
    users: &[(&str, &str)],
    csrf: &str,
    error: Option<&str>,
) -> String {
    let hidden = [
        (CSRF_FIELD, csrf.to_owned()),
        ("client_id", CLIENT_ID.to_owned()),
        ("response_type", request.response_type.clone()),
        ("redirect_uri", request.redirect_uri.clone()),
        ("scope", request.scope.clone()),
        ("state", request.state.clone()),
        (
            "code_challenge",
            request.code_challenge.clone().unwrap_or_default(),
        ),
        (
            "code_challenge_method",
            request.code_challenge_method.clone().unwrap_or_default(),
        ),
    ]
    .iter()
    .map(|(name, value)| {
        format!(
            r#"<input type="hidden" name="{name}" value="{}">"#,
            escape(value)
        )
    })
    .collect::<String>();
    let buttons = users
        .iter()
        .map(|(user, role)| format!(r#"<p><button type="submit" name="user" value="{0}">Log in as {0}</button> <small>{1}</small></p>"#, escape(user), escape(role)))
        .collect::<String>();
    let error = error
        .map(|message| format!(r#"<p role="alert">{}</p>"#, escape(message)))
        .unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log in to devcluster</title></head>\
         <body><main><h1>Log in to devcluster</h1>{error}<p>The application <strong>{CLIENT_ID}</strong> asks for <code>{}</code> on this development cluster.</p>\
         <form method=\"post\" action=\"/oauth/authorize\">{hidden}{buttons}</form></main></body></html>",
        escape(&request.scope)
    )
}

/// PKCE: does `verifier` match the challenge sent at authorize time?
fn verifier_matches(challenge: &str, method: &str, verifier: &str) -> bool {
    match method {
        "S256" => base64url(&Sha256::digest(verifier.as_bytes())) == challenge,
        _ => verifier == challenge,
    }
}

/// base64url without padding (RFC 7636's encoding of the S256 challenge).
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn oauth_error(code: u16, error: &str, description: &str) -> (u16, Value) {
    (
        code,
        json!({"error": error, "error_description": description}),
    )
}

impl Cluster {
    /// A fresh unguessable token, `sha256~…` like OpenShift's.
    fn new_secret(&mut self, purpose: &str) -> String {
        use std::hash::{BuildHasher, Hasher};
        let mut bytes = Vec::new();
        for round in 0..4u64 {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write(purpose.as_bytes());
            hasher.write_u64(round ^ self.resource_version());
            bytes.extend_from_slice(&hasher.finish().to_le_bytes());
        }
        base64url(&Sha256::digest(&bytes))
    }

    /// The person chose `user` on the log-in page (its CSRF value already checked by the
    /// server): where to send the browser next, with the token (implicit flow, in the fragment)
    /// or a code (code flow, in the query). Tokens expire [`TOKEN_LIFETIME_SECONDS`] and codes
    /// [`CODE_LIFETIME_SECONDS`] after `now_millis`.
    pub fn oauth_grant(
        &mut self,
        request: &AuthorizeRequest,
        user: &str,
        now_millis: i64,
    ) -> Result<String, String> {
        if self.auth.user(user).is_none() {
            return Err(format!("there is no user {user:?} on this cluster"));
        }
        self.prune_oauth(now_millis);
        let state = encode_component(&request.state);
        if request.response_type == "token" {
            let token = format!("sha256~{}", self.new_secret("token"));
            self.auth
                .add_expiring_token(&token, user, later(now_millis, TOKEN_LIFETIME_SECONDS));
            return Ok(format!(
                "{}#access_token={}&expires_in={TOKEN_LIFETIME_SECONDS}&scope={}&state={state}&token_type=Bearer",
                request.redirect_uri,
                encode_component(&token),
                encode_component(&request.scope)
            ));
        }
        let code = self.new_secret("code");
        let challenge = request.code_challenge.clone().map(|c| {
            (
                c,
                request
                    .code_challenge_method
                    .clone()
                    .unwrap_or_else(|| "plain".into()),
            )
        });
        while self.oauth_codes.len() >= MAX_PENDING_CODES {
            let oldest = self
                .oauth_codes
                .iter()
                .min_by_key(|(_, pending)| pending.expires_at)
                .map(|(code, _)| code.clone());
            match oldest {
                Some(code) => self.oauth_codes.remove(&code),
                None => break,
            };
        }
        self.oauth_codes.insert(
            code.clone(),
            PendingCode {
                user: user.to_owned(),
                redirect_uri: request.redirect_uri.clone(),
                scope: request.scope.clone(),
                challenge,
                expires_at: later(now_millis, CODE_LIFETIME_SECONDS),
            },
        );
        let separator = if request.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok(format!(
            "{}{separator}code={}&state={state}",
            request.redirect_uri,
            encode_component(&code)
        ))
    }

    /// Forgets expired codes and tokens.
    fn prune_oauth(&mut self, now_millis: i64) {
        self.oauth_codes
            .retain(|_, pending| pending.expires_at > now_millis);
        self.auth.prune_expired(now_millis);
    }

    /// `POST /oauth/token` with `grant_type=authorization_code`: a code (used once, within
    /// [`CODE_LIFETIME_SECONDS`]) for a token that expires [`TOKEN_LIFETIME_SECONDS`] later.
    pub fn oauth_token(
        &mut self,
        form: &BTreeMap<String, String>,
        now_millis: i64,
    ) -> (u16, Value) {
        if param(form, "grant_type") != "authorization_code" {
            return oauth_error(
                400,
                "unsupported_grant_type",
                "only authorization_code is supported here",
            );
        }
        if param(form, "client_id") != CLIENT_ID {
            return oauth_error(400, "invalid_client", "unknown client_id");
        }
        // Taken out whatever follows: a code is tried once.
        let pending = self.oauth_codes.remove(param(form, "code"));
        self.prune_oauth(now_millis);
        let Some(pending) = pending.filter(|pending| pending.expires_at > now_millis) else {
            return oauth_error(
                400,
                "invalid_grant",
                "the code is unknown, expired or was already used",
            );
        };
        if pending.redirect_uri != param(form, "redirect_uri") {
            return oauth_error(
                400,
                "invalid_grant",
                "redirect_uri does not match the one of the authorize request",
            );
        }
        if let Some((challenge, method)) = &pending.challenge {
            if !verifier_matches(challenge, method, param(form, "code_verifier")) {
                return oauth_error(
                    400,
                    "invalid_grant",
                    "code_verifier does not match the code_challenge",
                );
            }
        }
        let token = format!("sha256~{}", self.new_secret("token"));
        self.auth.add_expiring_token(
            &token,
            &pending.user,
            later(now_millis, TOKEN_LIFETIME_SECONDS),
        );
        (
            200,
            json!({"access_token": token, "token_type": "Bearer", "expires_in": TOKEN_LIFETIME_SECONDS, "scope": pending.scope}),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::demo_cluster;

    /// A fixed clock for the tests (2026-05-28).
    const NOW: i64 = 1_780_000_000_000;

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn authorize(response_type: &str, extra: &[(&str, &str)]) -> AuthorizeRequest {
        let mut pairs = vec![
            ("client_id", CLIENT_ID),
            ("response_type", response_type),
            ("redirect_uri", "http://127.0.0.1:9000/login"),
            ("state", "s t&x"),
        ];
        pairs.extend_from_slice(extra);
        AuthorizeRequest::parse(&params(&pairs)).unwrap()
    }

    #[test]
    fn the_implicit_flow_puts_a_working_token_in_the_fragment() {
        let mut cluster = demo_cluster(0);
        let location = cluster
            .oauth_grant(&authorize("token", &[]), "viewer", NOW)
            .unwrap();
        let (base, fragment) = location.split_once('#').unwrap();
        assert_eq!(base, "http://127.0.0.1:9000/login");
        let fields: BTreeMap<_, _> = fragment
            .split('&')
            .filter_map(|p| p.split_once('='))
            .collect();
        assert_eq!(fields["state"], "s%20t%26x");
        assert_eq!(fields["token_type"], "Bearer");
        assert_eq!(fields["expires_in"], "86400");
        assert!(fields["access_token"].starts_with("sha256~"));
        let token = fields["access_token"].replace("%7E", "~");
        let bearer = format!("Bearer {token}");
        let caller = cluster.auth.authenticate(Some(&bearer), NOW).unwrap();
        assert_eq!(caller.name, "viewer");
        // A day later the token is refused, and the API answers 401.
        let day_later = NOW + 86_400_000;
        assert!(cluster
            .auth
            .authenticate(Some(&bearer), day_later - 1)
            .is_ok());
        let request = |now_millis| crate::ApiRequest {
            method: "GET".into(),
            path: "/apis/user.openshift.io/v1/users/~".into(),
            query: String::new(),
            body: Vec::new(),
            content_type: String::new(),
            accept: "application/json".into(),
            authorization: Some(bearer.clone()),
            now_millis,
        };
        assert_eq!(cluster.handle(&request(day_later - 1)).status, 200);
        assert_eq!(cluster.handle(&request(day_later)).status, 401);
        assert_eq!(
            cluster.auth.expiring_tokens(),
            0,
            "the expired token was pruned"
        );
    }

    #[test]
    fn codes_expire_after_five_minutes() {
        let mut cluster = demo_cluster(0);
        let request = authorize("code", &[]);
        let code_of = |location: String| {
            location
                .split("code=")
                .nth(1)
                .and_then(|rest| rest.split('&').next())
                .unwrap()
                .to_owned()
        };
        let form = |code: &str| {
            params(&[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
                ("code", code),
                ("redirect_uri", "http://127.0.0.1:9000/login"),
            ])
        };
        let late = code_of(cluster.oauth_grant(&request, "developer", NOW).unwrap());
        let (status, answer) = cluster.oauth_token(&form(&late), NOW + 300_000);
        assert_eq!(
            (status, answer["error"].as_str()),
            (400, Some("invalid_grant"))
        );
        let in_time = code_of(cluster.oauth_grant(&request, "developer", NOW).unwrap());
        let (status, answer) = cluster.oauth_token(&form(&in_time), NOW + 299_999);
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["expires_in"], 86_400);
    }

    #[test]
    fn pending_codes_are_bounded() {
        let mut cluster = demo_cluster(0);
        let request = authorize("code", &[]);
        for i in 0..MAX_PENDING_CODES + 10 {
            cluster
                .oauth_grant(&request, "developer", NOW + i as i64)
                .unwrap();
        }
        assert_eq!(cluster.oauth_codes.len(), MAX_PENDING_CODES);
    }

    #[test]
    fn the_code_flow_checks_pkce_and_uses_a_code_once() {
        let mut cluster = demo_cluster(0);
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        // RFC 7636 appendix B.
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        let request = authorize(
            "code",
            &[
                ("code_challenge", challenge),
                ("code_challenge_method", "S256"),
            ],
        );
        let location = cluster.oauth_grant(&request, "developer", NOW).unwrap();
        let code = location
            .split("code=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let form = |verifier: &str| {
            params(&[
                ("grant_type", "authorization_code"),
                ("client_id", CLIENT_ID),
                ("code", &code),
                ("redirect_uri", "http://127.0.0.1:9000/login"),
                ("code_verifier", verifier),
            ])
        };
        let (status, answer) = cluster.oauth_token(&form("wrong"), NOW);
        assert_eq!(
            (status, answer["error"].as_str()),
            (400, Some("invalid_grant"))
        );
        // The failed attempt used the code up, as a code is single-use.
        let location = cluster.oauth_grant(&request, "developer", NOW).unwrap();
        let code_again = location
            .split("code=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned();
        let mut good = form(verifier);
        good.insert("code".into(), code_again.clone());
        let (status, answer) = cluster.oauth_token(&good, NOW);
        assert_eq!(status, 200, "{answer}");
        assert_eq!(answer["token_type"], "Bearer");
        assert_eq!(cluster.oauth_token(&good, NOW).0, 400, "a code works once");
    }

    #[test]
    fn only_the_console_client_and_loopback_redirects_are_accepted() {
        let bad = |pairs: &[(&str, &str)]| AuthorizeRequest::parse(&params(pairs)).unwrap_err();
        assert!(bad(&[
            ("client_id", "other"),
            ("response_type", "token"),
            ("redirect_uri", "http://127.0.0.1/")
        ])
        .contains("unknown client_id"));
        for uri in [
            "https://evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://user@127.0.0.1/",
            "http://127.0.0.1/#x",
            "javascript:alert(1)",
        ] {
            assert!(
                bad(&[
                    ("client_id", CLIENT_ID),
                    ("response_type", "token"),
                    ("redirect_uri", uri)
                ])
                .contains("is not allowed"),
                "{uri}"
            );
        }
        assert!(AuthorizeRequest::parse(&params(&[
            ("client_id", CLIENT_ID),
            ("response_type", "token"),
            ("redirect_uri", "http://localhost:8080/login")
        ]))
        .is_ok());
    }

    #[test]
    fn the_log_in_page_escapes_what_the_client_sent() {
        let request = authorize("token", &[("scope", "<script>alert(1)</script>")]);
        let page = login_page(&request, &[("developer", "edit")], "c\"s", Some("<b>"));
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<b>"));
        assert!(page.contains(r#"<input type="hidden" name="csrf" value="c&quot;s">"#));
        assert!(page.contains("&lt;script&gt;"));
        assert!(page.contains(
            r#"<button type="submit" name="user" value="developer">Log in as developer</button>"#
        ));
        assert_eq!(base64url(b"hello"), "aGVsbG8");
        let again: BTreeMap<String, String> = request
            .query(&[("reason", "token_expired")])
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(k, v)| (k.to_owned(), imagestream_model::url::decode_component(v)))
            .collect();
        assert_eq!(AuthorizeRequest::parse(&again).unwrap(), request);
        assert_eq!(again["reason"], "token_expired");
    }
}
