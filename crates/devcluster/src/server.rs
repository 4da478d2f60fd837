//! The native HTTP server around the library: the API under /api, /apis and /version (watches
//! streamed as newline-delimited JSON), and the built console (dist/) for everything else,
//! with index.html for client-side routes.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::extract::{Form, Query};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::Html;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use imagestream_devcluster::images::ImportJob;
use imagestream_devcluster::integrated_registry::{self, IntegratedRegistry, PushedTag};
use imagestream_devcluster::oauth;
use imagestream_devcluster::registry::AllowedRegistries;
use imagestream_devcluster::registry_http::RegistryClient;
use imagestream_devcluster::seed::{self, DEMO_USERS};
use imagestream_devcluster::{ApiRequest, ApiResponse, Cluster, ClusterSettings, WatchRequest};
use serde_json::Value;
use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

/// Command-line help.
pub const USAGE: &str = "usage: devcluster [--listen 127.0.0.1:PORT] [--dist DIR] [--tls] [--kubeconfig FILE] [--allow-anonymous] [--cors-origin ORIGIN]... [--frame-ancestors SOURCES] [--strict-csp] [--registry | --registry-url HOST:PORT] [--state FILE]

  --listen ADDR        loopback address and port to serve on (default 127.0.0.1:8080; port 0 picks a free one)
  --dist DIR           the built console to serve (default dist)
  --allow-anonymous    requests without a token act as the user 'developer'
  --seed-streams N     also generate N image streams in project demo (load tests)
  --seed-deployments N also generate N Deployments in project demo, each following a tag of
                       the generated streams through an image trigger, every 4th pinned to an
                       older image (needs --seed-streams; the console benchmark)
  --tls                serve https with a certificate generated at start-up
  --kubeconfig FILE    write a kubeconfig for kubectl (users developer, viewer, admin)
  --allow-registry HOST[:PORT]
                       let imports reach this registry (only loopback registries are reached otherwise)
  --scheduled-import-every SECONDS
                       how often scheduled tags are re-imported (default 900, as OpenShift)
  --cors-origin ORIGIN let a console served from ORIGIN (e.g. http://127.0.0.1:9000) call the API
  --frame-ancestors SOURCES
                       who may show the console in a frame (an embed in a dashboard), as the
                       Content-Security-Policy frame-ancestors directive sent with the console's
                       files, e.g. \"'self' http://127.0.0.1:9000\" (default 'self')
  --strict-csp         also send a strict Content-Security-Policy with the console's files
                       (default-src 'self'; script-src 'self' 'wasm-unsafe-eval'), with
                       violations reported to POST /csp-reports and listed by GET /csp-reports
  --min-request-timeout SECONDS
                       close a watch without timeoutSeconds after a random time between SECONDS
                       and twice that, as kube-apiserver does (default 1800; 0 keeps it open)
  --registry           start Debian's docker-registry on a free loopback port as the integrated
                       registry: pushing <registry>/<project>/<name>:<tag> creates or updates that
                       image stream
  --registry-url HOST:PORT
                       use an already running registry as the integrated one (its address goes
                       into status.dockerImageRepository; pushes to it are not reported)
  --state FILE         load the cluster from FILE if it exists (else seed the demo) and save it
                       there after writes (at most once a second) and at shutdown; with
                       --registry the images are kept in FILE.registry/";

/// Who may frame the console unless `--frame-ancestors` says otherwise: its own pages only,
/// so another site cannot overlay it (clickjacking) while embeds remain one flag away.
const DEFAULT_FRAME_ANCESTORS: &str = "'self'";

/// The policy `--strict-csp` adds: nothing but the console's own files, no inline scripts or
/// styles, and wasm compilation allowed. Violations go to devcluster's own recorder.
const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; report-uri /csp-reports";

/// Checks a `--frame-ancestors` value: a space-separated list of CSP sources (`'self'`,
/// `'none'`, `https://dashboard.example`, `http://127.0.0.1:9000`, `*`). A `;` or `,` would
/// start another directive or policy, and control characters cannot go in a header.
fn frame_ancestors(text: &str) -> Result<String, String> {
    let sources: Vec<&str> = text.split_ascii_whitespace().collect();
    let bad = |source: &&str| {
        source.contains([';', ',', '"']) || source.chars().any(|c| c.is_control() || !c.is_ascii())
    };
    if sources.is_empty() || sources.iter().any(bad) {
        return Err(format!(
            "--frame-ancestors {text:?} is not a list of sources like \"'self' https://dashboard.example\""
        ));
    }
    Ok(sources.join(" "))
}

/// The security headers sent with every file of the console (index.html for every route,
/// the wasm, scripts and styles), not with API answers. Today the `Content-Security-Policy`
/// holds `frame-ancestors` (who may embed the console, `--frame-ancestors`); further directives
/// (a strict policy for scripts and styles) belong in the same header, added here. No
/// `X-Frame-Options`: it cannot name an allowed embedder, and `frame-ancestors` supersedes it.
fn console_security_headers(options: &Options) -> Result<Vec<(HeaderName, HeaderValue)>, String> {
    let mut directives = vec![format!("frame-ancestors {}", options.frame_ancestors)];
    if options.strict_csp {
        directives.insert(0, STRICT_CSP.to_owned());
    }
    let policy = HeaderValue::from_str(&directives.join("; "))
        .map_err(|_| format!("{:?} cannot be sent as a header", options.frame_ancestors))?;
    Ok(vec![(header::CONTENT_SECURITY_POLICY, policy)])
}

/// `POST /csp-reports` keeps each Content-Security-Policy violation report the browser sends
/// (`report-uri`, JSON), and `GET /csp-reports` lists them as a JSON array, so a test can tell
/// that a page ran under `--strict-csp` without anything blocked.
fn csp_reports() -> axum::routing::MethodRouter<Shared> {
    let reports: Arc<std::sync::Mutex<Vec<Value>>> = Arc::default();
    let kept = reports.clone();
    post(move |body: String| async move {
        let report = serde_json::from_str(&body).unwrap_or(Value::String(body));
        if let Ok(mut reports) = kept.lock() {
            // Bounded: a page stuck in a loop of violations cannot fill the memory.
            if reports.len() < 1000 {
                reports.push(report);
            }
        }
        StatusCode::NO_CONTENT
    })
    .get(move || async move {
        let list = reports.lock().map(|r| r.clone()).unwrap_or_default();
        axum::Json(Value::Array(list))
    })
}

/// Adds the console's security headers (see [`console_security_headers`]) to a response.
async fn with_security_headers(
    State(headers): State<Arc<Vec<(HeaderName, HeaderValue)>>>,
    mut response: Response,
) -> Response {
    for (name, value) in headers.iter() {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

/// Largest request body accepted, as on a real API server (3 MiB).
const MAX_BODY: usize = 3 * 1024 * 1024;
/// kube-apiserver's default `--min-request-timeout`: a watch without timeoutSeconds stays
/// open between this and twice this.
const DEFAULT_MIN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// How often a watch that asked for bookmarks gets one.
const BOOKMARK_EVERY: Duration = Duration::from_secs(15);

/// What the server was asked to do.
#[derive(Debug)]
pub struct Options {
    listen: SocketAddr,
    dist: PathBuf,
    allow_anonymous: bool,
    seed_streams: usize,
    seed_deployments: usize,
    cors_origins: Vec<String>,
    /// `--frame-ancestors`: the sources allowed to frame the console (CSP `frame-ancestors`).
    frame_ancestors: String,
    /// `--strict-csp`: send [`STRICT_CSP`] with the console's files.
    strict_csp: bool,
    tls: bool,
    kubeconfig: Option<PathBuf>,
    scheduled_every: Duration,
    min_request_timeout: Duration,
    allowed_registries: Vec<String>,
    start_registry: bool,
    registry_url: Option<String>,
    state: Option<PathBuf>,
}

impl Options {
    /// Reads the command line; the address must be a loopback one.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dist: PathBuf::from("dist"),
            allow_anonymous: false,
            seed_streams: 0,
            seed_deployments: 0,
            cors_origins: Vec::new(),
            frame_ancestors: DEFAULT_FRAME_ANCESTORS.to_owned(),
            strict_csp: false,
            tls: false,
            kubeconfig: None,
            scheduled_every: Duration::from_secs(15 * 60),
            min_request_timeout: DEFAULT_MIN_REQUEST_TIMEOUT,
            allowed_registries: Vec::new(),
            start_registry: false,
            registry_url: None,
            state: None,
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
                "--seed-streams" => {
                    let text = value()?;
                    options.seed_streams = text
                        .parse()
                        .map_err(|_| format!("--seed-streams {text:?} is not a number"))?;
                }
                "--seed-deployments" => {
                    let text = value()?;
                    options.seed_deployments = text
                        .parse()
                        .map_err(|_| format!("--seed-deployments {text:?} is not a number"))?;
                }
                "--cors-origin" => options.cors_origins.push(value()?),
                "--frame-ancestors" => options.frame_ancestors = frame_ancestors(&value()?)?,
                "--strict-csp" => options.strict_csp = true,
                "--tls" => options.tls = true,
                "--allow-registry" => options.allowed_registries.push(value()?),
                "--scheduled-import-every" => {
                    let text = value()?;
                    let seconds: u64 = text.parse().map_err(|_| {
                        format!("--scheduled-import-every {text:?} is not a number of seconds")
                    })?;
                    options.scheduled_every = Duration::from_secs(seconds.max(1));
                }
                "--min-request-timeout" => {
                    let text = value()?;
                    let seconds: u64 = text.parse().map_err(|_| {
                        format!("--min-request-timeout {text:?} is not a number of seconds")
                    })?;
                    options.min_request_timeout = Duration::from_secs(seconds);
                }
                "--kubeconfig" => options.kubeconfig = Some(PathBuf::from(value()?)),
                "--registry" => options.start_registry = true,
                "--registry-url" => {
                    let text = value()?;
                    let valid = text.rsplit_once(':').is_some_and(|(host, port)| {
                        !host.is_empty() && !host.contains('/') && port.parse::<u16>().is_ok()
                    });
                    if !valid {
                        return Err(format!(
                            "--registry-url {text:?} is not a registry address like 127.0.0.1:5000 (no scheme, no path)"
                        ));
                    }
                    options.registry_url = Some(text);
                }
                "--state" => options.state = Some(PathBuf::from(value()?)),
                "-h" | "--help" => return Err("help requested".into()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if options.start_registry && options.registry_url.is_some() {
            return Err("--registry and --registry-url exclude each other".into());
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
    /// `--min-request-timeout`: watches without timeoutSeconds close after this to twice this.
    min_request_timeout: Duration,
    /// Pushes reported by the integrated registry, recorded in order by `record_pushes`.
    pushes: Option<tokio::sync::mpsc::Sender<PushedTag>>,
    /// The secret the integrated registry's notifications must carry.
    registry_secret: Option<Arc<str>>,
    /// `http` or `https`, for the OAuth issuer URL.
    scheme: &'static str,
}

/// Serves until interrupted.
pub async fn run(options: Options) -> Result<(), String> {
    // The integrated registry's address is part of every stream's status: fixed before seeding.
    let registry_dir = options.state.as_deref().map(registry_dir_for);
    let registry_port = if options.start_registry {
        Some(integrated_registry::port_for(registry_dir.as_deref())?)
    } else {
        None
    };
    let internal_registry = match (&options.registry_url, registry_port) {
        (Some(url), _) => Some(url.clone()),
        (None, Some(port)) => Some(format!("127.0.0.1:{port}")),
        (None, None) => None,
    };
    let mut settings = ClusterSettings::default();
    if let Some(host) = &internal_registry {
        settings.internal_registry = host.clone();
    }
    let mut cluster = seed::demo_cluster_with(settings, now_millis());
    let state_note = match &options.state {
        Some(path) => Some(load_state_file(&mut cluster, path)?),
        None => None,
    };
    if options.allow_anonymous {
        cluster.auth.anonymous_as = Some("developer".into());
    }
    // Generated streams are part of a fresh cluster; a loaded state already holds them.
    if state_note.is_none() {
        seed::add_generated_streams(&mut cluster, "demo", options.seed_streams, now_millis())?;
        seed::add_generated_deployments(
            &mut cluster,
            "demo",
            options.seed_deployments,
            options.seed_streams,
            now_millis(),
        )?;
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
    let integrated = match registry_port {
        Some(port) => {
            let registry_options = integrated_registry::RegistryOptions {
                binary: PathBuf::from(integrated_registry::REGISTRY_BINARY),
                dir: registry_dir,
                port,
                notify_url: format!(
                    "{scheme}://{address}{}",
                    integrated_registry::NOTIFICATIONS_PATH
                ),
                trust_pem: certificate.as_ref().map(|(cert, _)| cert.clone()),
            };
            let started =
                tokio::task::spawn_blocking(move || IntegratedRegistry::start(&registry_options))
                    .await
                    .map_err(|err| format!("cannot start the integrated registry: {err}"))?;
            Some(started.map_err(|err| format!("cannot start the integrated registry: {err}"))?)
        }
        None => None,
    };
    let (pushes, pushed) = match &integrated {
        Some(_) => {
            let (sender, receiver) = tokio::sync::mpsc::channel(1024);
            (Some(sender), Some(receiver))
        }
        None => (None, None),
    };
    let mut allowed_registries = options.allowed_registries.clone();
    allowed_registries.extend(options.registry_url.clone());
    let saved_version = cluster.resource_version();
    let (changed, _) = tokio::sync::watch::channel(cluster.resource_version());
    let shared = Shared {
        cluster: Arc::new(Mutex::new(cluster)),
        changed,
        registry: Arc::new(AllowedRegistries::new(
            RegistryClient::new(),
            allowed_registries,
        )),
        scheduled_every: options.scheduled_every,
        min_request_timeout: options.min_request_timeout,
        pushes,
        registry_secret: integrated.as_ref().map(|r| Arc::from(r.secret())),
        scheme: if options.tls { "https" } else { "http" },
    };
    if let (Some(receiver), Some(registry)) = (pushed, &integrated) {
        tokio::spawn(record_pushes(
            shared.clone(),
            registry.host().to_owned(),
            receiver,
        ));
    }
    // What the state file holds: saved after writes, and once more at shutdown.
    let saver = options.state.clone().map(|path| {
        let saver = StateSaver {
            path,
            // A file that was loaded already holds this version; a new one is written on the
            // first write or at shutdown.
            saved: Arc::new(tokio::sync::Mutex::new(
                if state_note.as_ref().is_some_and(|n| n.loaded) {
                    saved_version
                } else {
                    0
                },
            )),
        };
        tokio::spawn(save_after_writes(shared.clone(), saver.clone()));
        saver
    });
    // The import controller's clock: scheduled tags are re-imported on this beat.
    let ticker = shared.clone();
    tokio::spawn(async move {
        let mut interval =
            tokio::time::interval(Duration::from_secs(5).min(ticker.scheduled_every));
        loop {
            interval.tick().await;
            run_controller_imports(&ticker, true).await;
        }
    });
    let index = options.dist.join("index.html");
    if !index.is_file() {
        eprintln!(
            "devcluster: warning: {} is missing; the API works but there is no console to serve (build it with trunk)",
            index.display()
        );
    }
    // Like a production static host, send the brotli or gzip copy that the console build
    // writes next to each file (scripts/trunk-post-build.sh) when the browser accepts it.
    let console = ServeDir::new(&options.dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(ServeFile::new(index));
    let console =
        Router::new()
            .fallback_service(console)
            .layer(axum::middleware::map_response_with_state(
                Arc::new(console_security_headers(&options)?),
                with_security_headers,
            ));
    let mut app = Router::new()
        .route("/version", any(api))
        .route("/openapi/{*rest}", any(api))
        .route("/api", any(api))
        .route("/api/{*rest}", any(api))
        .route("/apis", any(api))
        .route("/apis/{*rest}", any(api))
        .route(
            integrated_registry::NOTIFICATIONS_PATH,
            post(registry_notifications),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(oauth_metadata),
        )
        .route(
            "/oauth/authorize",
            get(oauth_authorize_page).post(oauth_authorize),
        )
        .route("/oauth/token", post(oauth_token))
        .route("/csp-reports", csp_reports())
        .fallback_service(console)
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(shared.clone());
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
    if let Some(host) = &internal_registry {
        println!(
            "integrated registry: {host} (push with: skopeo copy --dest-tls-verify=false … docker://{host}/<project>/<name>:<tag>)"
        );
    }
    if let Some(registry) = &integrated {
        println!(
            "integrated registry data and log: {}",
            registry.dir().display()
        );
    }
    if let Some(note) = &state_note {
        println!("state: {}", note.message);
    }
    std::io::stdout().flush().ok();
    listener
        .set_nonblocking(true)
        .map_err(|err| format!("cannot configure the listener: {err}"))?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
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
            // Watch events are small writes: send them at once (no Nagle delay).
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(config)
                .acceptor(axum_server::accept::NoDelayAcceptor::new());
            axum_server::from_tcp(listener)
                .acceptor(acceptor)
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .acceptor(axum_server::accept::NoDelayAcceptor::new())
                .handle(handle)
                .serve(service)
                .await
        }
    };
    if let Some(saver) = &saver {
        saver.save(&shared).await;
    }
    // Stops the registry (it is also stopped on any early return, when dropped).
    drop(integrated);
    served.map_err(|err| format!("server failed: {err}"))
}

/// Ctrl-C (SIGINT) or SIGTERM: both end the server the same orderly way (state saved, the
/// integrated registry stopped).
async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

/// `FILE.registry`: where the integrated registry keeps its images next to a state file.
fn registry_dir_for(state: &Path) -> PathBuf {
    let mut dir = state.as_os_str().to_owned();
    dir.push(".registry");
    PathBuf::from(dir)
}

/// What happened to the state file at start.
struct StateNote {
    loaded: bool,
    message: String,
}

/// Loads `path` into the seeded cluster if the file exists. A file that cannot be read or
/// understood stops devcluster (rather than overwriting it with the demo seed).
fn load_state_file(cluster: &mut Cluster, path: &Path) -> Result<StateNote, String> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Ok(StateNote {
                loaded: false,
                message: format!(
                    "{} does not exist yet: seeded the demo, saving there after writes",
                    path.display()
                ),
            })
        }
        Err(err) => {
            return Err(format!(
                "cannot read the state file {}: {err}",
                path.display()
            ))
        }
    };
    let state: Value = serde_json::from_slice(&bytes).map_err(|err| {
        format!(
            "the state file {} is not JSON ({err}); move it away to start from the demo seed",
            path.display()
        )
    })?;
    cluster.load_state(state).map_err(|err| {
        format!(
            "the state file {} cannot be loaded: {err}; move it away to start from the demo seed",
            path.display()
        )
    })?;
    Ok(StateNote {
        loaded: true,
        message: format!(
            "loaded {} (resourceVersion {}), saving there after writes",
            path.display(),
            cluster.resource_version()
        ),
    })
}

/// Writes the cluster to the state file, one save at a time.
#[derive(Clone)]
struct StateSaver {
    path: PathBuf,
    /// The resourceVersion the file holds; held while saving, so saves never overlap.
    saved: Arc<tokio::sync::Mutex<u64>>,
}

impl StateSaver {
    /// Saves if the cluster moved on since the last save: snapshot under the cluster lock,
    /// then write a temporary file and rename it over the old one (never a half-written file).
    async fn save(&self, shared: &Shared) {
        let mut saved = self.saved.lock().await;
        let (version, state) = match shared.cluster.lock() {
            Ok(cluster) if cluster.resource_version() != *saved => {
                (cluster.resource_version(), cluster.save_state())
            }
            _ => return,
        };
        let path = self.path.clone();
        match tokio::task::spawn_blocking(move || write_state(&path, &state)).await {
            Ok(Ok(())) => *saved = version,
            Ok(Err(err)) => eprintln!("devcluster: {err}"),
            Err(err) => eprintln!("devcluster: saving the state was interrupted: {err}"),
        }
    }
}

fn write_state(path: &Path, state: &Value) -> Result<(), String> {
    let failed =
        |err: std::io::Error| format!("cannot save the state to {}: {err}", path.display());
    let mut bytes = serde_json::to_vec_pretty(state)
        .map_err(|err| format!("cannot serialize the state: {err}"))?;
    bytes.push(b'\n');
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    let temporary = PathBuf::from(temporary);
    let mut file = std::fs::File::create(&temporary).map_err(failed)?;
    file.write_all(&bytes).map_err(failed)?;
    file.sync_all().map_err(failed)?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(failed)
}

/// Saves after writes: right after the first write following a quiet second, then at most
/// once a second while writes keep coming.
async fn save_after_writes(shared: Shared, saver: StateSaver) {
    let mut changed = shared.changed.subscribe();
    while changed.changed().await.is_ok() {
        saver.save(&shared).await;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// `GET /.well-known/oauth-authorization-server`: where to log in ("Log in with OpenShift").
async fn oauth_metadata(State(shared): State<Shared>, headers: HeaderMap) -> Response {
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
    (
        StatusCode::BAD_REQUEST,
        Html(format!("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Log-in error</title></head><body><main><h1>This log-in request cannot be served</h1><p>{escaped}</p></main></body></html>")),
    )
        .into_response()
}

/// `GET /oauth/authorize`: the log-in page (one button per demo user).
async fn oauth_authorize_page(Query(params): Query<BTreeMap<String, String>>) -> Response {
    match oauth::AuthorizeRequest::parse(&params) {
        Ok(request) => {
            let users: Vec<(&str, &str)> = DEMO_USERS.iter().map(|u| (u.name, u.role)).collect();
            Html(oauth::login_page(&request, &users)).into_response()
        }
        Err(message) => oauth_error_page(&message),
    }
}

/// `POST /oauth/authorize`: the person chose a user; back to the client with a token or code.
async fn oauth_authorize(
    State(shared): State<Shared>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let request = match oauth::AuthorizeRequest::parse(&form) {
        Ok(request) => request,
        Err(message) => return oauth_error_page(&message),
    };
    let user = form.get("user").cloned().unwrap_or_default();
    let granted = match shared.cluster.lock() {
        Ok(mut cluster) => cluster.oauth_grant(&request, &user),
        Err(_) => Err("cluster state is poisoned".into()),
    };
    match granted {
        Ok(location) => (
            StatusCode::FOUND,
            [
                (header::LOCATION, location),
                (header::CACHE_CONTROL, "no-store".into()),
            ],
        )
            .into_response(),
        Err(message) => oauth_error_page(&message),
    }
}

/// `POST /oauth/token`: a code for a token.
async fn oauth_token(
    State(shared): State<Shared>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let (status, body) = match shared.cluster.lock() {
        Ok(mut cluster) => cluster.oauth_token(&form),
        Err(_) => (500, serde_json::json!({"error": "server_error"})),
    };
    json_response(status, serde_json::to_vec(&body).unwrap_or_default())
}

/// `POST /registry/notifications`: the integrated registry reports pushes. Answers at once
/// (200 even for an envelope it cannot use, so the registry does not retry it forever); the
/// pushes are recorded in order by `record_pushes`.
async fn registry_notifications(
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
async fn record_pushes(
    shared: Shared,
    registry_host: String,
    mut pushes: tokio::sync::mpsc::Receiver<PushedTag>,
) {
    // Loopback only: no proxy.
    let client = Arc::new(RegistryClient::new().without_proxy());
    while let Some(push) = pushes.recv().await {
        let started = Instant::now();
        let label = format!("{}/{}:{}", push.namespace, push.name, push.tag);
        let (source, host, reading) = (client.clone(), registry_host.clone(), push.clone());
        let resolved = tokio::task::spawn_blocking(move || {
            integrated_registry::resolve_push(source.as_ref(), &host, &reading)
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
        match recorded {
            Ok(_) => println!(
                "registry push: {label} -> {} ({} ms)",
                push.digest,
                started.elapsed().as_millis()
            ),
            Err(message) => eprintln!("devcluster: {message}"),
        }
        notify_watchers(&shared);
    }
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
        Err(BytesRejection::FailedToBufferBody(
            axum::extract::rejection::FailedToBufferBody::UnknownBodyError(_),
        )) => {
            // A body shorter than its Content-Length (the client stopped sending): Go's
            // net/http reader gives io.ErrUnexpectedEOF, a plain error the apiserver's
            // `limitedReadBody` passes on, answered as a 500 without a reason.
            let status = imagestream_devcluster::api::internal_error_status("unexpected EOF");
            return json_response(500, serde_json::to_vec(&status).unwrap_or_default());
        }
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
        tokio::spawn(async move { run_controller_imports(&background, false).await });
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

/// The import controller: imports spec tags that changed and, on the timer only (looking
/// for due scheduled tags reads every stream), scheduled tags that are due.
async fn run_controller_imports(shared: &Shared, scheduled: bool) {
    let every = scheduled.then_some(shared.scheduled_every.as_millis() as i64);
    let jobs = match shared.cluster.lock() {
        Ok(mut cluster) => cluster.take_import_jobs(now_millis(), every),
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
    pending: VecDeque<Arc<[u8]>>,
    /// When the server ends the watch; `None`: only when the client goes away.
    deadline: Option<Instant>,
    next_bookmark: Instant,
    finished: bool,
}

/// How long a watch stays open: its timeoutSeconds, or without one (or with 0) a random time
/// between `min` and `2 × min`, as kube-apiserver spreads re-lists of its watchers over time
/// (`None`: `min` is 0, the server never ends it).
fn watch_timeout(timeout_seconds: Option<u64>, min: Duration) -> Option<Duration> {
    match timeout_seconds {
        Some(seconds) if seconds > 0 => Some(Duration::from_secs(seconds)),
        _ if min.is_zero() => None,
        _ => {
            use std::hash::{BuildHasher, Hasher};
            // A random u64 from std's per-instance random hash keys (no rand dependency).
            let random = std::collections::hash_map::RandomState::new()
                .build_hasher()
                .finish();
            let fraction = (random >> 11) as f64 / (1u64 << 53) as f64;
            Some(min.mul_f64(1.0 + fraction))
        }
    }
}

fn stream_watch(shared: Shared, mut watch: WatchRequest) -> Response {
    let changed = shared.changed.subscribe();
    // Writes between the request and the subscription are picked up by reading once now.
    let mut since = watch.since;
    let mut timeout = if watch.ends_at_once {
        Some(Duration::ZERO)
    } else {
        watch_timeout(watch.timeout_seconds, shared.min_request_timeout)
    };
    let mut pending: VecDeque<Arc<[u8]>> = std::mem::take(&mut watch.initial)
        .iter()
        .map(encode_line)
        .collect();
    if let Ok(cluster) = shared.cluster.lock() {
        let (lines, next, expired) = cluster.watch_lines(&watch, since, now_millis());
        pending.extend(lines);
        since = next;
        if expired {
            timeout = Some(Duration::ZERO);
        }
    }
    let state = WatchStream {
        changed,
        shared,
        since,
        pending,
        // A deadline past what the clock can hold is no deadline (never `Instant + huge`, which
        // panics).
        deadline: timeout.and_then(|timeout| Instant::now().checked_add(timeout)),
        watch,
        next_bookmark: Instant::now() + BOOKMARK_EVERY,
        finished: false,
    };
    let stream = futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if !state.pending.is_empty() {
                // Everything pending goes out in one chunk.
                let mut chunk = Vec::with_capacity(state.pending.iter().map(|l| l.len()).sum());
                for line in state.pending.drain(..) {
                    chunk.extend_from_slice(&line);
                }
                return Some((Ok::<_, std::convert::Infallible>(Bytes::from(chunk)), state));
            }
            if state.finished || state.deadline.is_some_and(|d| Instant::now() >= d) {
                return None;
            }
            let wake = state
                .deadline
                .map_or(state.next_bookmark, |d| d.min(state.next_bookmark));
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
                            state.pending.push_back(encode_line(&state.watch.bookmark(version)));
                        }
                    }
                    continue;
                }
            }
            let Ok(cluster) = state.shared.cluster.lock() else {
                return None;
            };
            let (events, since, expired) =
                cluster.watch_lines(&state.watch, state.since, now_millis());
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

/// One watch event as a newline-terminated JSON line.
fn encode_line(event: &Value) -> Arc<[u8]> {
    let mut line = serde_json::to_vec(event).unwrap_or_default();
    line.push(b'\n');
    line.into()
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watches_without_a_timeout_close_between_min_and_twice_min() {
        let min = Duration::from_secs(2);
        let timeouts: Vec<Duration> = (0..200)
            .map(|_| watch_timeout(None, min).expect("a timeout"))
            .collect();
        assert!(timeouts.iter().all(|t| *t >= min && *t < 2 * min));
        // Spread, so watchers do not all re-list at once.
        assert!(timeouts.iter().any(|t| *t < min.mul_f64(1.5)));
        assert!(timeouts.iter().any(|t| *t >= min.mul_f64(1.5)));
        let zero = watch_timeout(Some(0), min).expect("a timeout");
        assert!(
            zero >= min,
            "timeoutSeconds=0 is no timeout, as in kube-apiserver"
        );
        assert_eq!(watch_timeout(Some(7), min), Some(Duration::from_secs(7)));
        assert_eq!(watch_timeout(None, Duration::ZERO), None);
        assert_eq!(
            watch_timeout(Some(7), Duration::ZERO),
            Some(Duration::from_secs(7))
        );
    }

    #[test]
    fn min_request_timeout_is_a_number_of_seconds() {
        let args = |list: &[&str]| Options::from_args(list.iter().map(|s| s.to_string()));
        let options = args(&["--min-request-timeout", "2"]).expect("valid");
        assert_eq!(options.min_request_timeout, Duration::from_secs(2));
        let default = args(&[]).expect("valid");
        assert_eq!(default.min_request_timeout, Duration::from_secs(1800));
        assert!(args(&["--min-request-timeout", "soon"]).is_err());
        assert!(USAGE.contains("--min-request-timeout SECONDS"));
    }

    #[test]
    fn frame_ancestors_default_to_self_and_take_a_list_of_sources() {
        let args = |list: &[&str]| Options::from_args(list.iter().map(|s| s.to_string()));
        let policy = |options: &Options| {
            let headers = console_security_headers(options).expect("headers");
            headers[0].1.to_str().expect("text").to_owned()
        };
        let default = args(&[]).expect("valid");
        assert_eq!(policy(&default), "frame-ancestors 'self'");
        let options = args(&["--frame-ancestors", "'self'  http://127.0.0.1:9000"]).expect("valid");
        assert_eq!(
            policy(&options),
            "frame-ancestors 'self' http://127.0.0.1:9000"
        );
        assert!(args(&["--frame-ancestors", "'self'; script-src *"]).is_err());
        assert!(args(&["--frame-ancestors", "a,b"]).is_err());
        assert!(args(&["--frame-ancestors", " "]).is_err());
    }
}
