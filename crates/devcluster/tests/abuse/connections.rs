//! The `devcluster` binary against hostile clients (issue 15, items 12-14), on 127.0.0.1 only:
//!
//! * `the_log_in_form_needs_its_csrf_cookie`: a POST to `/oauth/authorize` without the log-in
//!   page's CSRF value (a form on another site) is sent back to the log-in page and issues no
//!   token; with the page's cookie and field it issues one that expires in a day.
//! * `csp_reports_are_bounded_and_read_by_cluster_admins_only`: `/csp-reports` exists only with
//!   `--strict-csp`, takes JSON reports of at most 64 KiB, keeps 100, and lists them for a
//!   cluster-admin token only.
//! * `slow_and_idle_connections_are_closed_and_others_still_answered`: 1,000 connections that
//!   send nothing or a request head a byte at a time do not keep a normal client from its
//!   answer, and are closed once the header timeout has passed; an idle keep-alive connection
//!   is closed after the idle timeout, a watch is not. Prints the figures.
//! * `connections_over_the_limit_get_a_503_status`: with `--max-connections`, one more
//!   connection is answered with a 503 Status at once instead of waiting in the listen queue.
use crate::common::{Devcluster, TempDir};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_devcluster");
const ADMIN: &str = "Bearer sha256~admin-devcluster-token";
const DEVELOPER: &str = "Bearer sha256~developer-devcluster-token";

/// An HTTP client that follows no redirect (the test reads each Location) and has no proxy.
fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_global(Some(std::time::Duration::from_secs(10)))
            .build(),
    )
}

fn start(work: &TempDir, extra: &[&str]) -> Devcluster {
    let mut args: Vec<String> = vec![
        "--listen".into(),
        "127.0.0.1:0".into(),
        "--dist".into(),
        work.0.join("no-console").to_string_lossy().into_owned(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    Devcluster::start(BINARY, &args, &work.0.join("stderr.log"))
}

const AUTHORIZE: &str = "client_id=imagestream-console&response_type=token&redirect_uri=http%3A%2F%2F127.0.0.1%3A9000%2Flogin&state=xyz";

/// The query pairs of a URL's part after `?` or `#`.
fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.to_owned(), imagestream_model::url::decode_component(v)))
        .collect()
}

fn form_post(
    agent: &ureq::Agent,
    url: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> (u16, String) {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", imagestream_model::url::encode_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    let mut request = agent
        .post(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Origin", "https://evil.example");
    if let Some(cookie) = cookie {
        request = request.header("Cookie", cookie);
    }
    let response = request.send(body.as_bytes()).expect("POST answered");
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (response.status().as_u16(), location)
}

#[test]
fn the_log_in_form_needs_its_csrf_cookie() {
    let _alone = crate::alone();
    let work = TempDir::new("oauth-csrf");
    let cluster = start(&work, &[]);
    let agent = agent();
    let authorize = format!("{}/oauth/authorize", cluster.base);
    let mut fields: Vec<(&str, &str)> = pairs(AUTHORIZE)
        .into_iter()
        .map(|(k, v)| (&*k.leak(), &*v.leak()))
        .collect();
    fields.push(("user", "admin"));

    // A foreign page's form: no cookie, no CSRF value. Back to the log-in page, no token.
    let (status, location) = form_post(&agent, &authorize, None, &fields);
    assert_eq!(status, 302, "{location}");
    assert!(
        location.starts_with("/oauth/authorize?") && location.contains("reason=token_expired"),
        "sent back to the log-in page: {location}"
    );
    assert!(!location.contains("access_token"), "{location}");
    // A guessed value with a cookie of the attacker's choosing does not match either.
    let mut guessed = fields.clone();
    guessed.push(("csrf", "guess"));
    let (_, location) = form_post(&agent, &authorize, Some("csrf=other"), &guessed);
    assert!(location.contains("reason=token_expired"), "{location}");

    // The page sets the cookie and carries the same value; it is not cached or framed.
    let mut page = agent
        .get(&format!("{authorize}?{AUTHORIZE}&reason=token_expired"))
        .call()
        .expect("the log-in page");
    assert_eq!(page.status(), 200);
    let header = |name: &str| {
        page.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let set_cookie = header("set-cookie");
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("Path=/"),
        "{set_cookie}"
    );
    assert_eq!(header("x-frame-options"), "DENY");
    assert!(header("cache-control").contains("no-store"));
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let value = cookie
        .strip_prefix("csrf=")
        .expect("the csrf cookie")
        .to_owned();
    let html = page.body_mut().read_to_string().unwrap();
    assert!(
        html.contains(&format!(r#"name="csrf" value="{value}""#)),
        "{html}"
    );
    assert!(html.contains("Could not check CSRF token. Please try again."));

    // With both, the token comes back in the fragment, valid for a day.
    let mut good = fields.clone();
    good.push(("csrf", &value));
    let (status, location) = form_post(&agent, &authorize, Some(&cookie), &good);
    assert_eq!(status, 302);
    let (base, fragment) = location.split_once('#').expect("a fragment");
    assert_eq!(base, "http://127.0.0.1:9000/login");
    let fragment = pairs(fragment);
    let field = |name: &str| {
        fragment
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(field("expires_in"), "86400");
    assert_eq!(field("state"), "xyz");
    let token = field("access_token");
    let mut me = agent
        .get(&format!(
            "{}/apis/user.openshift.io/v1/users/~",
            cluster.base
        ))
        .header("Authorization", format!("Bearer {token}"))
        .call()
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = serde_json::from_slice(&me.body_mut().read_to_vec().unwrap()).unwrap();
    assert_eq!(me["metadata"]["name"], "admin");
}

fn post_report(agent: &ureq::Agent, base: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    let mut response = agent
        .post(&format!("{base}/csp-reports"))
        .header("Content-Type", content_type)
        .send(body)
        .expect("POST answered");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

fn list_reports(agent: &ureq::Agent, base: &str, authorization: Option<&str>) -> (u16, Value) {
    let mut request = agent.get(&format!("{base}/csp-reports"));
    if let Some(authorization) = authorization {
        request = request.header("Authorization", authorization);
    }
    let mut response = request.call().expect("GET answered");
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_vec().unwrap_or_default();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

#[test]
fn csp_reports_are_bounded_and_read_by_cluster_admins_only() {
    let _alone = crate::alone();
    let agent = agent();
    let report = json!({"csp-report": {"document-uri": "http://127.0.0.1/", "effective-directive": "style-src-attr"}});
    let report = serde_json::to_vec(&report).unwrap();

    // Without --strict-csp nothing sends reports, and nothing takes them.
    let work = TempDir::new("csp-off");
    let plain = start(&work, &[]);
    let (status, _) = post_report(&agent, &plain.base, "application/csp-report", &report);
    assert_eq!(status, 405, "the console's files take no POST");
    drop(plain);

    let work = TempDir::new("csp-on");
    let cluster = start(&work, &["--strict-csp", "--allow-anonymous"]);
    let base = &cluster.base;
    let (status, body) = post_report(&agent, base, "text/plain", &report);
    assert_eq!(
        (status, &body["reason"]),
        (415, &json!("UnsupportedMediaType")),
        "{body}"
    );
    let (status, body) = post_report(&agent, base, "application/csp-report", b"not json");
    assert_eq!(status, 400, "{body}");
    let big = format!(r#"{{"csp-report": {{"x": "{}"}}}}"#, "a".repeat(65 * 1024));
    let (status, body) = post_report(&agent, base, "application/csp-report", big.as_bytes());
    assert_eq!(
        (status, &body["reason"]),
        (413, &json!("RequestEntityTooLarge")),
        "{body}"
    );
    for _ in 0..150 {
        let (status, _) = post_report(
            &agent,
            base,
            "application/csp-report; charset=utf-8",
            &report,
        );
        assert_eq!(status, 204);
    }

    // Listing needs a cluster administrator (anonymous acts as developer here).
    let (status, body) = list_reports(&agent, base, Some("Bearer nope"));
    assert_eq!(
        (status, &body["reason"]),
        (401, &json!("Unauthorized")),
        "{body}"
    );
    let (status, body) = list_reports(&agent, base, None);
    assert_eq!(status, 403, "{body}");
    assert_eq!(
        body["message"],
        "forbidden: User \"developer\" cannot get path \"/csp-reports\""
    );
    let (status, _) = list_reports(&agent, base, Some(DEVELOPER));
    assert_eq!(status, 403);
    let (status, list) = list_reports(&agent, base, Some(ADMIN));
    assert_eq!(status, 200);
    let list = list.as_array().expect("a list");
    assert_eq!(list.len(), 100, "the first 100 are kept");
    assert_eq!(
        list[0]["csp-report"]["effective-directive"],
        "style-src-attr"
    );
}

/// `127.0.0.1:PORT` of a devcluster base URL.
fn address(base: &str) -> String {
    base.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or 30 s pass); true when it closed.
fn closed_by_server(stream: &mut TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
    let mut buffer = [0u8; 4096];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return true,
            Ok(_) => continue,
            Err(err)
                if matches!(
                    err.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return false
            }
            Err(_) => return true,
        }
    }
}

/// One `GET path` on a fresh connection; the status and how long it took.
fn timed_get(agent: &ureq::Agent, url: &str) -> (u16, Duration) {
    let started = Instant::now();
    let mut response = agent
        .get(url)
        .header("Authorization", DEVELOPER)
        .call()
        .expect("answered");
    let _ = response.body_mut().read_to_vec();
    (response.status().as_u16(), started.elapsed())
}

#[test]
fn slow_and_idle_connections_are_closed_and_others_still_answered() {
    let _alone = crate::alone();
    const HEADER_TIMEOUT: u64 = 3;
    const IDLE_TIMEOUT: u64 = 4;
    let work = TempDir::new("slow-connections");
    let header = HEADER_TIMEOUT.to_string();
    let idle = IDLE_TIMEOUT.to_string();
    let cluster = start(
        &work,
        &["--request-header-timeout", &header, "--idle-timeout", &idle],
    );
    let server = address(&cluster.base);

    // 500 connections that send nothing, 500 that send a request head one byte at a time.
    let opened = Instant::now();
    // The time is taken before connecting: the server cannot have accepted earlier.
    let connect = || {
        let before = Instant::now();
        (TcpStream::connect(&server).expect("connect"), before)
    };
    let silent: Vec<(TcpStream, Instant)> = (0..500).map(|_| connect()).collect();
    let trickling: Vec<(TcpStream, Instant)> = (0..500).map(|_| connect()).collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let trickle = {
        let mut streams: Vec<TcpStream> = trickling
            .iter()
            .map(|(s, _)| s.try_clone().expect("clone"))
            .collect();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let head = b"GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
            let mut sent = 0;
            while !stop.load(std::sync::atomic::Ordering::SeqCst) && sent < head.len() {
                for stream in &mut streams {
                    let _ = stream.write(&head[sent..=sent]);
                }
                sent += 1;
                std::thread::sleep(Duration::from_millis(200));
            }
        })
    };
    let opened_all = opened.elapsed();
    report!(
        "1,000 slow connections opened in {} ms",
        opened_all.as_millis()
    );

    // A normal client is still answered, each request on a new connection.
    let agent = agent();
    let mut latencies: Vec<Duration> = (0..20)
        .map(|_| {
            let (status, took) = timed_get(&agent, &format!("{}/version", cluster.base));
            assert_eq!(status, 200);
            took
        })
        .collect();
    latencies.sort();
    report!(
        "normal client with 1,000 slow connections open: median {:.1} ms, max {:.1} ms over 20 requests",
        latencies[10].as_secs_f64() * 1000.0,
        latencies[19].as_secs_f64() * 1000.0
    );

    // Every slow one is closed by the server, none before the header timeout.
    let mut lifetimes = Vec::new();
    for (mut stream, connected) in silent.into_iter().chain(trickling) {
        assert!(
            closed_by_server(&mut stream),
            "a slow connection was left open"
        );
        lifetimes.push(connected.elapsed());
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = trickle.join();
    let first = lifetimes.iter().min().copied().unwrap_or_default();
    report!(
        "1,000 slow connections all closed by the server, the earliest {:.2} s after it was opened (header timeout {HEADER_TIMEOUT} s; checked one by one once all were open, {:.2} s after the first)",
        first.as_secs_f64(),
        opened_all.as_secs_f64()
    );
    assert!(
        first >= Duration::from_secs(HEADER_TIMEOUT),
        "none closed before the timeout"
    );

    // An idle keep-alive connection is closed after the idle timeout, a quiet watch is not.
    let mut keep_alive = TcpStream::connect(&server).unwrap();
    keep_alive
        .write_all(b"GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sha256~developer-devcluster-token\r\n\r\n")
        .unwrap();
    let mut watch = TcpStream::connect(&server).unwrap();
    watch
        .write_all(b"GET /apis/image.openshift.io/v1/namespaces/demo/imagestreams?watch=true&timeoutSeconds=60 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sha256~developer-devcluster-token\r\n\r\n")
        .unwrap();
    let answered = Instant::now();
    assert!(
        closed_by_server(&mut keep_alive),
        "the idle connection is closed"
    );
    let idle_for = answered.elapsed();
    report!(
        "idle keep-alive connection closed after {:.2} s (idle timeout {IDLE_TIMEOUT} s)",
        idle_for.as_secs_f64()
    );
    assert!(idle_for >= Duration::from_secs(IDLE_TIMEOUT));
    // Past both timeouts, the watch is still open.
    std::thread::sleep(Duration::from_secs(HEADER_TIMEOUT));
    watch
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let mut buffer = [0u8; 4096];
    loop {
        match watch.read(&mut buffer) {
            Ok(0) => panic!("the watch was closed by a connection timeout"),
            Ok(_) => continue,
            Err(err) => {
                assert!(
                    matches!(
                        err.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ),
                    "the watch broke: {err}"
                );
                break;
            }
        }
    }
}

/// Sends one keep-alive `GET /version` on `stream` and reads its whole answer: the server has
/// then surely accepted the connection, which stays open (idle) afterwards.
fn one_request(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /version HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut answer = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let text = String::from_utf8_lossy(&answer).into_owned();
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head
                .lines()
                .find_map(|l| {
                    l.strip_prefix("content-length: ")
                        .or_else(|| l.strip_prefix("Content-Length: "))
                })
                .and_then(|n| n.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if body.len() >= length {
                return text;
            }
        }
        let n = stream.read(&mut chunk).expect("an answer");
        assert!(n > 0, "closed before answering");
        answer.extend_from_slice(&chunk[..n]);
    }
}

#[test]
fn connections_over_the_limit_get_a_503_status() {
    let _alone = crate::alone();
    let work = TempDir::new("connection-limit");
    let cluster = start(&work, &["--max-connections", "20"]);
    let server = address(&cluster.base);
    // 20 connections, each accepted for sure (one request answered), then left idle.
    let held: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut stream = TcpStream::connect(&server).expect("connect");
            let answer = one_request(&mut stream);
            assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
            stream
        })
        .collect();
    // The 21st is answered at once with a Status and closed, instead of waiting.
    let mut extra = TcpStream::connect(&server).expect("connect");
    extra
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut answer = Vec::new();
    let _ = extra.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(
        answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{answer}"
    );
    assert!(answer.contains("Retry-After: 1\r\n"), "{answer}");
    let (_, body) = answer.split_once("\r\n\r\n").expect("a body");
    let status: Value = serde_json::from_str(body).expect("a Status");
    assert_eq!(status["reason"], "ServiceUnavailable");
    assert_eq!(status["details"]["retryAfterSeconds"], 1);
    // Once the held ones go, clients are served again.
    drop(held);
    let agent = agent();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let served = agent
            .get(&format!("{}/version", cluster.base))
            .call()
            .map(|r| r.status().as_u16());
        // Any answer but the 503 (GET /version without a token is a 401).
        if matches!(served, Ok(status) if status != 503) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "not served after the held connections closed: {served:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
