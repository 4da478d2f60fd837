//! The native HTTP server around the library: the API under /api, /apis and /version (watches
//! streamed as newline-delimited JSON), and the built console (dist/) for everything else,
//! with index.html for client-side routes.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get, post};
use axum::Router;
use imagestream_devcluster::images::ImportJob;
use imagestream_devcluster::integrated_registry::{self, IntegratedRegistry, PushedTag};
use imagestream_devcluster::protobuf::http::{self as media, Format};
use imagestream_devcluster::registry::{AllowedRegistries, RegistryAllowList};
use imagestream_devcluster::registry_http::RegistryClient;
use imagestream_devcluster::registry_token::{self, TokenIssuer};
use imagestream_devcluster::seed::{self, DEMO_USERS};
use imagestream_devcluster::wal::{self, DurableCluster};
use imagestream_devcluster::{ApiRequest, ApiResponse, ClusterSettings};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};

mod csp_reports;
mod listener;
mod oauth_routes;
mod options;
mod registry_routes;
mod watch_stream;

pub use options::{Options, USAGE};
use watch_stream::stream_watch;

/// The policy `--strict-csp` adds: nothing but the console's own files, no inline scripts or
/// styles, and wasm compilation allowed. Violations go to devcluster's own recorder.
const STRICT_CSP: &str =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; report-uri /csp-reports";

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

/// The cluster and the channel that tells watches a write happened.
#[derive(Clone)]
struct Shared {
    /// Locking it logs the changes made under the lock (with `--state`).
    cluster: Arc<DurableCluster>,
    changed: tokio::sync::watch::Sender<u64>,
    registry: Arc<AllowedRegistries<RegistryClient>>,
    scheduled_every: Duration,
    /// `--min-request-timeout`: watches without timeoutSeconds close after this to twice this.
    min_request_timeout: Duration,
    /// Pushes reported by the integrated registry, recorded in order by `record_pushes`.
    pushes: Option<tokio::sync::mpsc::Sender<PushedTag>>,
    /// The secret the integrated registry's notifications must carry.
    registry_secret: Option<Arc<str>>,
    /// Signs the integrated registry's tokens (`/registry/token`, `registry_tokens.rs`).
    registry_tokens: Option<Arc<TokenIssuer>>,
    /// `http` or `https`, for the OAuth issuer URL.
    scheme: &'static str,
}

/// Serves until interrupted.
pub async fn run(options: Options) -> Result<(), String> {
    // Every body of a built-in kind is typed against the Kubernetes schema, as kube-apiserver
    // decodes it (the library alone checks what the model's types reach).
    imagestream_devcluster::decode::install_schema_checker(
        imagestream_devcluster::protobuf::schema_report,
    );
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
    // A state file that cannot be read or understood stops devcluster (rather than being
    // overwritten with the demo seed).
    let recovered = match &options.state {
        Some(path) => Some(wal::recover(&mut cluster, path)?),
        None => None,
    };
    if options.allow_anonymous {
        cluster.auth.anonymous_as = Some("developer".into());
    }
    // Generated streams are part of a fresh cluster; a loaded state already holds them.
    if !recovered.as_ref().is_some_and(|r| r.loaded) {
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
    // The integrated registry trusts tokens signed by this key only (registry_tokens.rs).
    let registry_tokens = match registry_port {
        Some(_) => Some(Arc::new(TokenIssuer::generate()?)),
        None => None,
    };
    let integrated = match (registry_port, &registry_tokens) {
        (Some(port), Some(tokens)) => {
            let registry_options = integrated_registry::RegistryOptions {
                binary: PathBuf::from(integrated_registry::REGISTRY_BINARY),
                dir: registry_dir,
                port,
                notify_url: format!(
                    "{scheme}://{address}{}",
                    integrated_registry::NOTIFICATIONS_PATH
                ),
                trust_pem: certificate.as_ref().map(|(cert, _)| cert.clone()),
                token_auth: Some(integrated_registry::TokenAuth {
                    realm: format!("{scheme}://{address}{}", registry_token::TOKEN_PATH),
                    certificate_pem: tokens.certificate_pem().to_owned(),
                }),
            };
            let started =
                tokio::task::spawn_blocking(move || IntegratedRegistry::start(&registry_options))
                    .await
                    .map_err(|err| format!("cannot start the integrated registry: {err}"))?;
            Some(started.map_err(|err| format!("cannot start the integrated registry: {err}"))?)
        }
        _ => None,
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
    let (changed, _) = tokio::sync::watch::channel(cluster.resource_version());
    let (cluster, state_note) = match (&options.state, recovered) {
        (Some(path), Some(recovered)) => {
            // A file-size limit makes appends fail (and be retried) instead of killing us.
            let _ = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(
                libc::SIGXFSZ,
            ));
            let (cluster, note) =
                DurableCluster::open(cluster, path, recovered, options.state_compact_bytes)?;
            (cluster, Some(note))
        }
        _ => (DurableCluster::in_memory(cluster), None),
    };
    let shared = Shared {
        cluster: Arc::new(cluster),
        changed,
        // Pull specs, redirect hops and token realms: all held to the same allow list.
        registry: Arc::new(AllowedRegistries::new(
            RegistryClient::new().reaching_only(RegistryAllowList::new(allowed_registries.clone())),
            allowed_registries,
        )),
        scheduled_every: options.scheduled_every,
        min_request_timeout: options.min_request_timeout,
        pushes,
        registry_secret: integrated.as_ref().map(|r| Arc::from(r.secret())),
        registry_tokens,
        scheme: if options.tls { "https" } else { "http" },
    };
    if let (Some(receiver), Some(registry)) = (pushed, &integrated) {
        tokio::spawn(registry_routes::record_pushes(
            shared.clone(),
            registry.host().to_owned(),
            receiver,
        ));
    }
    // With a state log, watches hear of changes when they reach the disk.
    if let Some(log) = shared.cluster.wal() {
        let mut durable = log.subscribe();
        let notifier = shared.clone();
        tokio::spawn(async move {
            while durable.changed().await.is_ok() {
                notify_watchers(&notifier);
            }
        });
    }
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
    let console = Router::new()
        .fallback_service(console)
        .layer(axum::middleware::map_response_with_state(
            Arc::new(console_security_headers(&options)?),
            with_security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            api_index_for_clients,
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
            post(registry_routes::registry_notifications),
        )
        .route(
            "/.well-known/oauth-authorization-server",
            get(oauth_routes::oauth_metadata),
        )
        .route(
            "/oauth/authorize",
            get(oauth_routes::oauth_authorize_page).post(oauth_routes::oauth_authorize),
        )
        .route("/oauth/token", post(oauth_routes::oauth_token))
        .route(registry_token::TOKEN_PATH, registry_routes::token_routes())
        .route("/metrics", get(metrics));
    // Browsers send reports only where the policy names the route: with --strict-csp.
    if options.strict_csp {
        app = app.route(csp_reports::PATH, csp_reports::routes());
    }
    let mut app = app
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
            "integrated registry: {host} (push with your API token: skopeo copy --dest-tls-verify=false --dest-creds developer:TOKEN … docker://{host}/<project>/<name>:<tag>)"
        );
    }
    if let Some(registry) = &integrated {
        println!(
            "integrated registry data and log: {}",
            registry.dir().display()
        );
    }
    if let Some(note) = &state_note {
        println!("state: {note}");
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
            let acceptor = listener::LimitedAcceptor::new(
                axum_server::tls_rustls::RustlsAcceptor::new(config),
                options.connection_limits,
                false,
            );
            axum_server::from_tcp(listener)
                .acceptor(acceptor)
                .handle(handle)
                .serve(service)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .acceptor(listener::LimitedAcceptor::new(
                    axum_server::accept::DefaultAcceptor::new(),
                    options.connection_limits,
                    true,
                ))
                .handle(handle)
                .serve(service)
                .await
        }
    };
    // Everything acknowledged is on disk already; the rest is written before the end.
    if let Some(log) = shared.cluster.wal() {
        log.stop();
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
    // Media types at the edge (protobuf and YAML in, protobuf and YAML out): the library
    // reads and writes JSON only.
    let content_type = header_text(&headers, header::CONTENT_TYPE).unwrap_or_default();
    let accept = header_text(&headers, header::ACCEPT).unwrap_or_default();
    let authorization = header_text(&headers, header::AUTHORIZATION);
    let endpoint = media::endpoint(method.as_str(), uri.path(), uri.query().unwrap_or_default());
    let negotiated = match media::negotiate(&accept, &endpoint) {
        Ok(negotiated) => negotiated,
        // kube-apiserver writes a failed negotiation in JSON.
        Err(refused) => return refuse(&shared, authorization.as_deref(), refused, Format::Json),
    };
    let (body, content_type) = match media::convert_body(&content_type, &body, &endpoint) {
        Ok(Some(json)) => (json, "application/json".to_owned()),
        Ok(None) => (body.to_vec(), content_type),
        Err(refused) => {
            return refuse(
                &shared,
                authorization.as_deref(),
                refused,
                negotiated.format,
            )
        }
    };
    let request = ApiRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        body,
        content_type,
        accept: negotiated.accept,
        authorization,
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
    // With --state: answered only once what the request changed, or could have seen, is on
    // disk (etcd's order), so no client holds a version a crash could take back.
    if reads_state(uri.path()) {
        if let Err(message) = shared.cluster.synced().await {
            let status = imagestream_devcluster::api::status(
                500,
                "InternalError",
                format!("Internal error occurred: {message}"),
                None,
            );
            return json_response(500, serde_json::to_vec(&status).unwrap_or_default());
        }
    }
    notify_watchers(&shared);
    if request.method != "GET" {
        let background = shared.clone();
        tokio::spawn(async move { run_controller_imports(&background, false).await });
    }
    match response.watch {
        Some(watch) => stream_watch(shared, *watch, negotiated.format),
        // Answers the library made in a media type of their own (OpenAPI v2 in protobuf,
        // aggregated discovery) go out as they are; JSON ones in the negotiated format.
        None if response.content_type != imagestream_devcluster::api::JSON => {
            body_response(response.status, response.content_type, response.body)
        }
        None => encoded_response(response.status, &response.body, negotiated.format),
    }
}

/// Whether an API path's answer depends on the stored objects (`/version` and the OpenAPI
/// documents do not: they need not wait for the state log).
fn reads_state(path: &str) -> bool {
    path != "/version" && !path.starts_with("/openapi/")
}

/// `GET /metrics`: the state log's figures in Prometheus' text format, as kube-apiserver and
/// etcd serve theirs (`etcd_disk_wal_fsync_duration_seconds` and the like); for cluster
/// administrators, like kube-apiserver's (others get its non-resource Forbidden).
async fn metrics(State(shared): State<Shared>, headers: HeaderMap) -> Response {
    let authorization = header_text(&headers, header::AUTHORIZATION);
    let caller = match shared.cluster.lock() {
        Ok(cluster) => match cluster
            .auth
            .authenticate(authorization.as_deref(), now_millis())
        {
            Ok(caller) if cluster.auth.is_cluster_admin(&caller) => Ok(()),
            Ok(caller) => Err((
                403,
                "Forbidden",
                format!(
                    "forbidden: User {:?} cannot get path \"/metrics\"",
                    caller.name
                ),
            )),
            Err(()) => Err((401, "Unauthorized", "Unauthorized".to_owned())),
        },
        Err(_) => Err((
            500,
            "InternalError",
            "Internal error occurred: cluster state is poisoned".to_owned(),
        )),
    };
    if let Err((code, reason, message)) = caller {
        let status = imagestream_devcluster::api::status(code, reason, message, None);
        return json_response(code, serde_json::to_vec(&status).unwrap_or_default());
    }
    let mut text = String::new();
    if let Some(log) = shared.cluster.wal() {
        let figures = log.durability();
        for (name, kind, help, value) in [
            ("devcluster_state_log_fsyncs_total", "counter", "Appends to the state log, each one write and fdatasync shared by the changes that arrived meanwhile (group commit).", figures.fsyncs),
            ("devcluster_state_log_records_total", "counter", "Records appended to the state log.", figures.records),
            ("devcluster_state_log_compactions_total", "counter", "Snapshots written by compacting the state log.", figures.compactions),
            ("devcluster_state_log_durable_resource_version", "gauge", "The newest resourceVersion on disk.", figures.durable_version),
        ] {
            text.push_str(&format!("# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}\n"));
        }
    }
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        text,
    )
        .into_response()
}

/// Whether a request asks for HTML: an `Accept` listing `text/html` with a non-zero quality.
/// Browsers put it in every page navigation (`text/html,application/xhtml+xml,…`); curl
/// sends `*/*`, kubectl `application/json, */*`, and oc's `HEAD /` before `oc login` no
/// `Accept` at all.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|range| {
            let mut parts = range.split(';');
            let media_type = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|param| {
                param
                    .trim()
                    .strip_prefix("q=")
                    .is_some_and(|q| q.trim().parse::<f32>().is_ok_and(|q| q <= 0.0))
            });
            media_type.eq_ignore_ascii_case("text/html") && !refused
        })
}

/// `/` and `/index.html` are the console for a browser and, for every other client, what
/// kube-apiserver answers there: its index of paths (`{"paths": [...]}`, JSON), so `oc login`
/// (which refuses a server whose `HEAD /` is `text/html`, taking it for a console URL) and
/// `curl https://…/` see an API server. `HEAD` gets the headers `GET` would (axum drops the
/// body). Other paths go on to the console's files.
async fn api_index_for_clients(
    State(shared): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path();
    if !matches!(path, "/" | "/index.html") || wants_html(request.headers()) {
        return next.run(request).await;
    }
    let (parts, _) = request.into_parts();
    let head = parts.method == Method::HEAD;
    let method = if head { Method::GET } else { parts.method };
    let response = api(
        State(shared),
        method,
        parts.uri,
        parts.headers,
        Ok(Bytes::new()),
    )
    .await;
    if !head {
        return response;
    }
    // A fallback's answer to HEAD keeps its body in axum, which HTTP/2 refuses: the headers
    // (Content-Length included, as the GET would send) and no body.
    let (mut parts, body) = response.into_parts();
    let length = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_or(0, |b| b.len());
    parts
        .headers
        .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    Response::from_parts(parts, Body::empty())
}

/// A request refused before the library sees it (406, 415, or 400 for a body that does not
/// decode): 401 first for a caller without a valid token, as authentication comes first.
fn refuse(
    shared: &Shared,
    authorization: Option<&str>,
    refused: media::Rejection,
    format: Format,
) -> Response {
    let authenticated = shared.cluster.lock().is_ok_and(|cluster| {
        cluster
            .auth
            .authenticate(authorization, now_millis())
            .is_ok()
    });
    let (status, body) = if authenticated {
        (refused.status, refused.body)
    } else {
        let status = imagestream_devcluster::api::status(401, "Unauthorized", "Unauthorized", None);
        (401, status)
    };
    encoded_response(
        status,
        &serde_json::to_vec(&body).unwrap_or_default(),
        format,
    )
}

/// An answer in the negotiated format (JSON when it has no protobuf form).
fn encoded_response(status: u16, json: &[u8], format: Format) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (content_type, body) = media::encode_body(format, json);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Tells open watches that the cluster moved on (with a state log: as far as is on disk).
fn notify_watchers(shared: &Shared) {
    let Ok(version) = shared.cluster.lock().map(|c| c.watchable_version()) else {
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
    body_response(status, "application/json", body)
}

fn body_response(status: u16, content_type: &'static str, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
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
