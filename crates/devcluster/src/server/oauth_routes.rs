//! The OAuth server's HTTP side ("Log in with OpenShift"): metadata, the log-in page with its
//! CSRF cookie, the authorize POST that checks it, and the token endpoint. The OAuth rules
//! themselves (requests, codes, tokens and their expiry) are the library's `oauth` module.
//!
//! CSRF as OpenShift's oauth-server does it (its `csrf` package's cookie CSRF and the login
//! and grant handlers): the page sets a `csrf` session cookie (HttpOnly, `Path=/`, `Secure`
//! over https) holding 256 random bits, reused while the browser keeps it, and puts the same
//! value in a hidden `csrf` field; a POST whose field is empty or differs from the cookie is
//! refused before anything is granted, and the browser is sent back to the log-in page with
//! `reason=token_expired` ("Could not check CSRF token. Please try again."). A page on another
//! site can make the browser POST, but can read neither the cookie nor the page, so it cannot
//! send the value. OpenShift checks no Origin or Referer there, so neither does devcluster; it
//! sends the same standard headers (no caching, no framing, a strict referrer policy).

use super::{header_text, json_response, now_millis, Shared};
use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use imagestream_devcluster::oauth::{self, CSRF_FAILED_MESSAGE, CSRF_FIELD};
use imagestream_devcluster::seed::DEMO_USERS;
use std::collections::BTreeMap;

/// The error code OpenShift's login page gets back after a failed CSRF check.
const CSRF_FAILED_REASON: &str = "token_expired";

/// The headers OpenShift's oauth-server sends with every answer (its `headers` package).
const STANDARD_HEADERS: [(&str, &str); 8] = [
    (
        "cache-control",
        "no-cache, no-store, max-age=0, must-revalidate",
    ),
    ("pragma", "no-cache"),
    ("expires", "0"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
    ("x-content-type-options", "nosniff"),
    ("x-dns-prefetch-control", "off"),
    ("x-xss-protection", "1; mode=block"),
];

fn with_standard_headers(mut response: Response) -> Response {
    for (name, value) in STANDARD_HEADERS {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

/// 256 random bits from the operating system, base64url: a CSRF value as unguessable as
/// OpenShift's `Random256BitsString`.
fn random_value() -> Option<String> {
    use base64::Engine;
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 32];
    ring::rand::SystemRandom::new().fill(&mut bytes).ok()?;
    Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// The value of cookie `name` in the request's `Cookie` headers. Parsed here because only one
/// plain name=value pair is read (no attributes, no encoding): a cookie library would add
/// nothing. Values other than base64url text are ignored (ours never are).
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| {
            !value.is_empty()
                && value.len() <= 128
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Equal without telling, by its timing, how much of the value matched.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// `GET /.well-known/oauth-authorization-server`: where to log in ("Log in with OpenShift").
pub(super) async fn oauth_metadata(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let host = header_text(&headers, header::HOST).unwrap_or_else(|| "127.0.0.1".into());
    let issuer = format!("{}://{host}", shared.scheme);
    let body = serde_json::to_vec(&oauth::metadata(&issuer)).unwrap_or_default();
    json_response(200, body)
}

fn oauth_error_page(message: &str) -> Response {
    let escaped = message
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    with_standard_headers(
        (
            StatusCode::BAD_REQUEST,
            Html(format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log-in error</title></head><body><main><h1>This log-in request cannot be served</h1><p>{escaped}</p></main></body></html>")),
        )
            .into_response(),
    )
}

/// `GET /oauth/authorize`: the log-in page (one button per demo user), with the CSRF value in
/// a hidden field and in the `csrf` cookie (the browser's cookie is reused when it has one).
pub(super) async fn oauth_authorize_page(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Query(params): Query<BTreeMap<String, String>>,
) -> Response {
    let request = match oauth::AuthorizeRequest::parse(&params) {
        Ok(request) => request,
        Err(message) => return oauth_error_page(&message),
    };
    let (csrf, new_cookie) = match cookie(&headers, CSRF_FIELD) {
        Some(value) => (value, None),
        None => {
            let Some(value) = random_value() else {
                return oauth_error_page("no random value could be made for the log-in form");
            };
            let secure = if shared.scheme == "https" {
                "; Secure"
            } else {
                ""
            };
            // A session cookie (no Expires, no Max-Age), as OpenShift sets it.
            let cookie = format!("{CSRF_FIELD}={value}; Path=/; HttpOnly{secure}");
            (value, Some(cookie))
        }
    };
    let error = (params.get("reason").map(String::as_str) == Some(CSRF_FAILED_REASON))
        .then_some(CSRF_FAILED_MESSAGE);
    let users: Vec<(&str, &str)> = DEMO_USERS.iter().map(|u| (u.name, u.role)).collect();
    let mut response = Html(oauth::login_page(&request, &users, &csrf, error)).into_response();
    if let Some(cookie) = new_cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        response.headers_mut().insert(header::SET_COOKIE, cookie);
    }
    with_standard_headers(response)
}

/// `POST /oauth/authorize`: the person chose a user; back to the client with a token or code,
/// once the form's CSRF value matches the cookie. Otherwise back to the log-in page.
pub(super) async fn oauth_authorize(
    State(shared): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let request = match oauth::AuthorizeRequest::parse(&form) {
        Ok(request) => request,
        Err(message) => return oauth_error_page(&message),
    };
    let sent = form.get(CSRF_FIELD).map(String::as_str).unwrap_or_default();
    let expected = cookie(&headers, CSRF_FIELD);
    if sent.is_empty() || !expected.is_some_and(|expected| same_secret(&expected, sent)) {
        let again = format!(
            "/oauth/authorize?{}",
            request.query(&[("reason", CSRF_FAILED_REASON)])
        );
        return with_standard_headers(
            (StatusCode::FOUND, [(header::LOCATION, again)]).into_response(),
        );
    }
    let user = form.get("user").cloned().unwrap_or_default();
    let granted = match shared.cluster.lock() {
        Ok(mut cluster) => cluster.oauth_grant(&request, &user, now_millis()),
        Err(_) => Err("cluster state is poisoned".into()),
    };
    match granted {
        Ok(location) => with_standard_headers(
            (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
        ),
        Err(message) => oauth_error_page(&message),
    }
}

/// `POST /oauth/token`: a code for a token.
pub(super) async fn oauth_token(
    State(shared): State<Shared>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let (status, body) = match shared.cluster.lock() {
        Ok(mut cluster) => cluster.oauth_token(&form, now_millis()),
        Err(_) => (500, serde_json::json!({"error": "server_error"})),
    };
    with_standard_headers(json_response(
        status,
        serde_json::to_vec(&body).unwrap_or_default(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_cookie_is_read_from_any_cookie_header() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; csrf=abc_-9"));
        assert_eq!(cookie(&headers, "csrf").as_deref(), Some("abc_-9"));
        assert_eq!(cookie(&headers, "a").as_deref(), Some("1"));
        assert_eq!(cookie(&headers, "b"), None);
        let mut odd = HeaderMap::new();
        odd.append(
            header::COOKIE,
            HeaderValue::from_static("csrf=a\"b; csrf2=x"),
        );
        assert_eq!(cookie(&odd, "csrf"), None, "not a value we set");
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        let value = random_value().expect("random");
        assert_eq!(value.len(), 43);
        assert_ne!(Some(value), random_value());
    }
}
