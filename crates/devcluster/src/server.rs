//! The native HTTP server around the library: the API under /api, /apis and /version (watches
//! streamed as newline-delimited JSON), and the built console (dist/) for everything else,
//! with index.html for client-side routes.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use imagestream_devcluster::images::ImportJob;
use imagestream_devcluster::registry::AllowedRegistries;
use imagestream_devcluster::registry_http::RegistryClient;
use imagestream_devcluster::seed::{self, DEMO_USERS};
use imagestream_devcluster::{ApiRequest, ApiResponse, Cluster, WatchRequest};
use serde_json::Value;
use std::collections::VecDeque;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

/// Command-line help.
pub const USAGE: &str = "usage: devcluster [--listen 127.0.0.1:PORT] [--dist DIR] [--tls] [--kubeconfig FILE] [--allow-anonymous] [--cors-origin ORIGIN]...

  --listen ADDR        loopback address and port to serve on (default 127.0.0.1:8080; port 0 picks a free one)
  --dist DIR           the built console to serve (default dist)
  --allow-anonymous    requests without a token act as the user 'developer'
  --tls                serve https with a certificate generated at start-up
  --kubeconfig FILE    write a kubeconfig for kubectl (users developer, viewer, admin)
  --allow-registry HOST[:PORT]
                       let imports reach this registry (only loopback registries are reached otherwise)
  --scheduled-import-every SECONDS
                       how often scheduled tags are re-imported (default 900, as OpenShift)
  --cors-origin ORIGIN let a console served from ORIGIN (e.g. http://127.0.0.1:9000) call the API";

/// Largest request body accepted, as on a real API server (3 MiB).
const MAX_BODY: usize = 3 * 1024 * 1024;
/// How long a watch without timeoutSeconds stays open.
const DEFAULT_WATCH_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How often a watch that asked for bookmarks gets one.
const BOOKMARK_EVERY: Duration = Duration::from_secs(15);

/// What the server was asked to do.
#[derive(Debug)]
pub struct Options {
    listen: SocketAddr,
    dist: PathBuf,
    allow_anonymous: bool,
    cors_origins: Vec<String>,
    tls: bool,
    kubeconfig: Option<PathBuf>,
    scheduled_every: Duration,
    allowed_registries: Vec<String>,
}

impl Options {
    /// Reads the command line; the address must be a loopback one.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dist: PathBuf::from("dist"),
            allow_anonymous: false,
            cors_origins: Vec::new(),
            tls: false,
            kubeconfig: None,
            scheduled_every: Duration::from_secs(15 * 60),
            allowed_registries: Vec::new(),
        };
        let mut args = args;
        while let Some(flag) = args.next() {
            let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
            match flag.as_str() {
                "--listen" => {
                    let text = value()?;
                    options.listen = text.parse().map_err(|_| {
                        format!("--listen {text:?} is not an address like 127.0.0.1:8080")
                    })?;
                }
                "--dist" => options.dist = PathBuf::from(value()?),
                "--allow-anonymous" => options.allow_anonymous = true,
                "--cors-origin" => options.cors_origins.push(value()?),
                "--tls" => options.tls = true,
                "--allow-registry" => options.allowed_registries.push(value()?),
                "--scheduled-import-every" => {
                    let text = value()?;
                    let seconds: u64 = text.parse().map_err(|_| {
                        format!("--scheduled-import-every {text:?} is not a number of seconds")
                    })?;
                    options.scheduled_every = Duration::from_secs(seconds.max(1));
                }
                "--kubeconfig" => options.kubeconfig = Some(PathBuf::from(value()?)),
                "-h" | "--help" => return Err("help requested".into()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if !options.listen.ip().is_loopback() {
            return Err(format!(
                "--listen {} is not a loopback address: devcluster only serves this machine",
                options.listen
            ));
        }
        Ok(options)
    }
}

/// The cluster and the channel that tells watches a write happened.
#[derive(Clone)]
struct Shared {
    cluster: Arc<Mutex<Cluster>>,
    changed: tokio::sync::watch::Sender<u64>,
    registry: Arc<AllowedRegistries<RegistryClient>>,
    scheduled_every: Duration,
}

/// Serves until interrupted.
pub async fn run(options: Options) -> Result<(), String> {
    let mut cluster = seed::demo_cluster(now_millis());
    if options.allow_anonymous {
        cluster.auth.anonymous_as = Some("developer".into());
    }
    let (changed, _) = tokio::sync::watch::channel(cluster.resource_version());
    let shared = Shared {
        cluster: Arc::new(Mutex::new(cluster)),
        changed,
        registry: Arc::new(AllowedRegistries::new(
            RegistryClient::new(),
            options.allowed_registries.clone(),
        )),
        scheduled_every: options.scheduled_every,
    };
    // The import controller's clock: scheduled tags are re-imported on this beat.
    let ticker = shared.clone();
    tokio::spawn(async move {
        let mut interval =
            tokio::time::interval(Duration::from_secs(5).min(ticker.scheduled_every));
        loop {
            interval.tick().await;
            run_controller_imports(&ticker).await;
        }
    });
    let index = options.dist.join("index.html");
    if !index.is_file() {
        eprintln!(
            "devcluster: warning: {} is missing; the API works but there is no console to serve (build it with trunk)",
            index.display()
        );
    }
    let console = ServeDir::new(&options.dist).fallback(ServeFile::new(index));
    let mut app = Router::new()
        .route("/version", any(api))
        .route("/openapi/{*rest}", any(api))
        .route("/api", any(api))
        .route("/api/{*rest}", any(api))
        .route("/apis", any(api))
        .route("/apis/{*rest}", any(api))
        .fallback_service(console)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared);
    if !options.cors_origins.is_empty() {
        let origins: Vec<HeaderValue> = options
            .cors_origins
            .iter()
            .map(|origin| {
                HeaderValue::from_str(origin)
                    .map_err(|_| format!("--cors-origin {origin:?} is not a valid origin"))
            })
            .collect::<Result<_, _>>()?;
        app = app.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([
                    Method::GET,
                    Method::POST,
                    Method::PUT,
                    Method::PATCH,
                    Method::DELETE,
                    Method::OPTIONS,
                ])
                .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT])
                .allow_credentials(true),
        );
    }
    let listener = std::net::TcpListener::bind(options.listen)
        .map_err(|err| format!("cannot listen on {}: {err}", options.listen))?;
    let address = listener
        .local_addr()
        .map_err(|err| format!("cannot read the bound address: {err}"))?;
    let certificate = if options.tls {
        Some(generate_certificate()?)
    } else {
        None
    };
    let scheme = if options.tls { "https" } else { "http" };
    if let Some(path) = &options.kubeconfig {
        let server = format!("{scheme}://{address}");
        let ca = certificate.as_ref().map(|(cert, _)| cert.as_str());
        std::fs::write(path, kubeconfig(&server, ca))
            .map_err(|err| format!("cannot write the kubeconfig {}: {err}", path.display()))?;
    }
    println!("devcluster listening on {scheme}://{address}");
    println!("console: {scheme}://{address}/");
    for user in DEMO_USERS {
        println!(
            "user {:<10} token {}  ({})",
            user.name, user.token, user.role
        );
    }
    if options.allow_anonymous {
        println!("anonymous requests act as 'developer'");
    }
    if let Some(path) = &options.kubeconfig {
        println!(
            "kubeconfig: {} (kubectl --kubeconfig {} get is -n openshift)",
            path.display(),
            path.display()
        );
    }
    std::io::stdout().flush().ok();
    listener
        .set_nonblocking(true)
        .map_err(|err| format!("cannot configure the listener: {err}"))?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        tokio::signal::ctrl_c().await.ok();
        stopper.graceful_shutdown(Some(Duration::from_secs(2)));
    });
    let service = app.into_make_service();
    let served = match certificate {
        Some((cert, key)) => {
            let config = axum_server::tls_rustls::RustlsConfig::from_pem(
                cert.into_bytes(),
                key.into_bytes(),
            )
            .await
            .map_err(|err| format!("cannot load the generated certificate: {err}"))?;
            axum_server::from_tcp_rustls(listener, config)
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .handle(handle)
                .serve(service)
                .await
        }
    };
    served.map_err(|err| format!("server failed: {err}"))
}

/// A self-signed certificate for 127.0.0.1 and localhost: (certificate PEM, key PEM).
fn generate_certificate() -> Result<(String, String), String> {
    // Without a process-wide provider rustls cannot pick one (ring is the only one built in).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let generated =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
            .map_err(|err| format!("cannot generate a TLS certificate: {err}"))?;
    Ok((generated.cert.pem(), generated.key_pair.serialize_pem()))
}

/// A kubeconfig with one context per demo user, `developer` (in project `demo`) current.
fn kubeconfig(server: &str, ca_pem: Option<&str>) -> String {
    use base64::Engine;
    let authority = match ca_pem {
        Some(pem) => format!(
            "certificate-authority-data: {}",
            base64::engine::general_purpose::STANDARD.encode(pem)
        ),
        None => "insecure-skip-tls-verify: false".to_owned(),
    };
    let mut text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: devcluster\n  cluster:\n    server: {server}\n    {authority}\nusers:\n"
    );
    for user in DEMO_USERS {
        text.push_str(&format!(
            "- name: {}\n  user:\n    token: {}\n",
            user.name, user.token
        ));
    }
    text.push_str("contexts:\n");
    for user in DEMO_USERS {
        let namespace = if user.name == "admin" {
            "openshift"
        } else {
            "demo"
        };
        text.push_str(&format!(
            "- name: {0}\n  context:\n    cluster: devcluster\n    user: {0}\n    namespace: {namespace}\n",
            user.name
        ));
    }
    text.push_str("current-context: developer\n");
    text
}

fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn api(
    State(shared): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let status = imagestream_devcluster::api::status(
                413,
                "RequestEntityTooLarge",
                format!("Request entity too large: limit is {MAX_BODY} bytes ({rejection})"),
                None,
            );
            return json_response(413, serde_json::to_vec(&status).unwrap_or_default());
        }
    };
    let request = ApiRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        body: body.to_vec(),
        content_type: header_text(&headers, header::CONTENT_TYPE).unwrap_or_default(),
        accept: header_text(&headers, header::ACCEPT).unwrap_or_default(),
        authorization: header_text(&headers, header::AUTHORIZATION),
        now_millis: now_millis(),
    };
    let response = {
        let Ok(mut cluster) = shared.cluster.lock() else {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cluster state is poisoned",
            )
                .into_response();
        };
        cluster.handle(&request)
    };
    let response = match response.import {
        // The registries are asked without holding the cluster, then the answer is applied.
        Some(job) => finish_import(&shared, *job, request.now_millis).await,
        None => response,
    };
    notify_watchers(&shared);
    if request.method != "GET" {
        let background = shared.clone();
        tokio::spawn(async move { run_controller_imports(&background).await });
    }
    match response.watch {
        Some(watch) => stream_watch(shared, *watch),
        None => json_response(response.status, response.body),
    }
}

/// Tells open watches that the cluster moved on.
fn notify_watchers(shared: &Shared) {
    let Ok(version) = shared.cluster.lock().map(|c| c.resource_version()) else {
        return;
    };
    shared.changed.send_if_modified(|current| {
        let moved = *current != version;
        *current = version;
        moved
    });
}

async fn finish_import(shared: &Shared, job: ImportJob, now: i64) -> ApiResponse {
    let registry = shared.registry.clone();
    let resolving = job.clone();
    let results = tokio::task::spawn_blocking(move || resolving.resolve(registry.as_ref())).await;
    let Ok(results) = results else {
        let status = imagestream_devcluster::api::status(
            500,
            "InternalError",
            "Internal error occurred: the import was interrupted",
            None,
        );
        return ApiResponse::json_response(500, &status);
    };
    let Ok(mut cluster) = shared.cluster.lock() else {
        let status = imagestream_devcluster::api::status(
            500,
            "InternalError",
            "Internal error occurred: cluster state is poisoned",
            None,
        );
        return ApiResponse::json_response(500, &status);
    };
    let response = cluster.complete_import(&job, results, now);
    if response.status == 409 && job.from_controller {
        cluster.requeue_import(&job);
    }
    response
}

/// The import controller: imports spec tags that changed and scheduled tags that are due.
async fn run_controller_imports(shared: &Shared) {
    let jobs = match shared.cluster.lock() {
        Ok(mut cluster) => cluster.take_import_jobs(
            now_millis(),
            Some(shared.scheduled_every.as_millis() as i64),
        ),
        Err(_) => return,
    };
    for job in jobs {
        finish_import(shared, job, now_millis()).await;
        notify_watchers(shared);
    }
}

fn json_response(status: u16, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// State of one streamed watch.
struct WatchStream {
    shared: Shared,
    changed: tokio::sync::watch::Receiver<u64>,
    watch: WatchRequest,
    since: u64,
    pending: VecDeque<Value>,
    deadline: Instant,
    next_bookmark: Instant,
    finished: bool,
}

fn stream_watch(shared: Shared, mut watch: WatchRequest) -> Response {
    let changed = shared.changed.subscribe();
    // Writes between the request and the subscription are picked up by reading once now.
    let mut since = watch.since;
    if let Ok(cluster) = shared.cluster.lock() {
        let (events, next, expired) = cluster.watch_events(&watch, since, now_millis());
        watch.initial.extend(events);
        since = next;
        if expired {
            watch.timeout_seconds = Some(0);
        }
    }
    let state = WatchStream {
        changed,
        shared,
        since,
        pending: std::mem::take(&mut watch.initial).into(),
        deadline: Instant::now()
            + watch
                .timeout_seconds
                .map(Duration::from_secs)
                .unwrap_or(DEFAULT_WATCH_TIMEOUT),
        watch,
        next_bookmark: Instant::now() + BOOKMARK_EVERY,
        finished: false,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(event) = state.pending.pop_front() {
                let mut line = serde_json::to_vec(&event).unwrap_or_default();
                line.push(b'\n');
                return Some((Ok::<_, std::convert::Infallible>(Bytes::from(line)), state));
            }
            if state.finished || Instant::now() >= state.deadline {
                return None;
            }
            let wake = state.deadline.min(state.next_bookmark);
            let sleep = tokio::time::sleep_until(tokio::time::Instant::from_std(wake));
            tokio::select! {
                changed = state.changed.changed() => {
                    if changed.is_err() {
                        return None;
                    }
                }
                () = sleep => {
                    if Instant::now() >= state.next_bookmark {
                        state.next_bookmark = Instant::now() + BOOKMARK_EVERY;
                        if state.watch.bookmarks {
                            let version = state.shared.cluster.lock().map(|c| c.resource_version()).unwrap_or(state.since);
                            state.pending.push_back(state.watch.bookmark(version));
                        }
                    }
                    continue;
                }
            }
            let Ok(cluster) = state.shared.cluster.lock() else {
                return None;
            };
            let (events, since, expired) =
                cluster.watch_events(&state.watch, state.since, now_millis());
            drop(cluster);
            state.since = since;
            state.finished = expired;
            state.pending.extend(events);
        }
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        Body::from_stream(stream),
    )
        .into_response()
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
