//! The native HTTP server around the library: the API under /api, /apis and /version, and the
//! built console (dist/) for everything else, with index.html for client-side routes.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use imagestream_devcluster::{seed, ApiRequest, Cluster};
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{SystemTime, UNIX_EPOCH};
use tower_http::services::{ServeDir, ServeFile};

/// Command-line help.
pub const USAGE: &str = "usage: devcluster [--listen 127.0.0.1:PORT] [--dist DIR]

  --listen ADDR   loopback address and port to serve on (default 127.0.0.1:8080; port 0 picks a free one)
  --dist DIR      the built console to serve (default dist)";

/// What the server was asked to do.
#[derive(Debug)]
pub struct Options {
    listen: SocketAddr,
    dist: PathBuf,
}

impl Options {
    /// Reads the command line; the address must be a loopback one.
    pub fn from_args(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            dist: PathBuf::from("dist"),
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
                "-h" | "--help" => return Err("help requested".into()),
                other => return Err(format!("unknown argument {other:?}")),
            }
        }
        if !options.listen.ip().is_loopback() {
            return Err(format!(
                "--listen {} is not a loopback address: devcluster has no authentication yet and only serves this machine",
                options.listen
            ));
        }
        Ok(options)
    }
}

type Shared = Arc<RwLock<Cluster>>;

/// Serves until interrupted.
pub async fn run(options: Options) -> Result<(), String> {
    let cluster: Shared = Arc::new(RwLock::new(seed::demo_cluster(now_millis())));
    let index = options.dist.join("index.html");
    if !index.is_file() {
        eprintln!(
            "devcluster: warning: {} is missing; the API works but there is no console to serve (build it with trunk)",
            index.display()
        );
    }
    let console = ServeDir::new(&options.dist).fallback(ServeFile::new(index));
    let app = Router::new()
        .route("/version", any(api))
        .route("/api", any(api))
        .route("/api/{*rest}", any(api))
        .route("/apis", any(api))
        .route("/apis/{*rest}", any(api))
        .fallback_service(console)
        .with_state(cluster);
    let listener = tokio::net::TcpListener::bind(options.listen)
        .await
        .map_err(|err| format!("cannot listen on {}: {err}", options.listen))?;
    let address = listener
        .local_addr()
        .map_err(|err| format!("cannot read the bound address: {err}"))?;
    println!("devcluster listening on http://{address}");
    println!("console: http://{address}/");
    std::io::stdout().flush().ok();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            tokio::signal::ctrl_c().await.ok();
        })
        .await
        .map_err(|err| format!("server failed: {err}"))
}

async fn api(State(cluster): State<Shared>, method: Method, uri: Uri, body: Bytes) -> Response {
    let request = ApiRequest {
        method: method.as_str().to_owned(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or_default().to_owned(),
        body: body.to_vec(),
    };
    let response = match cluster.read() {
        Ok(cluster) => cluster.handle(&request),
        Err(_) => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "cluster state is poisoned",
            )
                .into_response()
        }
    };
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        response.body,
    )
        .into_response()
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
