//! The command line: devcluster's flags, their defaults and checks.

use super::listener;
use imagestream_devcluster::wal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

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
                       violations reported to POST /csp-reports (JSON, 64 KiB at most, the
                       first 100 kept) and listed by GET /csp-reports (cluster-admin token)
  --min-request-timeout SECONDS
                       close a watch without timeoutSeconds after a random time between SECONDS
                       and twice that, as kube-apiserver does (default 1800; 0 keeps it open)
  --registry           start Debian's docker-registry on a free loopback port as the integrated
                       registry: pushing <registry>/<project>/<name>:<tag> creates or updates that
                       image stream; pulls and pushes are authorized with the user's API token
                       as password (docker login -u USER -p TOKEN), as on OpenShift
  --registry-url HOST:PORT
                       use an already running registry as the integrated one (its address goes
                       into status.dockerImageRepository; pushes to it are not reported)
  --request-header-timeout SECONDS
                       close a connection that has not sent a whole request head within this
                       (default 32, as kube-apiserver's ReadHeaderTimeout)
  --idle-timeout SECONDS
                       close a connection this long after its last response when no new
                       request comes (default 90, as kube-apiserver's IdleTimeout)
  --max-connections N  most connections open at once (default: the open-file limit less 64);
                       one more gets a 503 Status and is closed
  --max-requests-inflight N, --max-mutating-requests-inflight N
                       most reads and writes served at once, watches apart (default 400 and
                       200, as kube-apiserver); one more is answered 429 with Retry-After: 1
  --state FILE         keep the cluster in FILE: loaded if it exists (else the demo is seeded),
                       and every write logged to FILE.wal.N and fsynced before it is answered,
                       so an acknowledged write survives a crash (compacted into FILE as the
                       log grows); with --registry the images are kept in FILE.registry/
  --state-compact-bytes BYTES
                       compact the state log into FILE once it holds BYTES (default 16 MiB)";

/// Who may frame the console unless `--frame-ancestors` says otherwise: its own pages only,
/// so another site cannot overlay it (clickjacking) while embeds remain one flag away.
pub(super) const DEFAULT_FRAME_ANCESTORS: &str = "'self'";

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

/// kube-apiserver's default `--min-request-timeout`: a watch without timeoutSeconds stays
/// open between this and twice this.
pub(super) const DEFAULT_MIN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// What the server was asked to do.
#[derive(Debug)]
pub struct Options {
    pub(super) listen: SocketAddr,
    pub(super) dist: PathBuf,
    pub(super) allow_anonymous: bool,
    pub(super) seed_streams: usize,
    pub(super) seed_deployments: usize,
    pub(super) cors_origins: Vec<String>,
    /// `--frame-ancestors`: the sources allowed to frame the console (CSP `frame-ancestors`).
    pub(super) frame_ancestors: String,
    /// `--strict-csp`: send [`STRICT_CSP`] with the console's files.
    pub(super) strict_csp: bool,
    pub(super) tls: bool,
    pub(super) kubeconfig: Option<PathBuf>,
    pub(super) scheduled_every: Duration,
    pub(super) min_request_timeout: Duration,
    pub(super) allowed_registries: Vec<String>,
    pub(super) start_registry: bool,
    pub(super) registry_url: Option<String>,
    pub(super) state: Option<PathBuf>,
    /// `--state-compact-bytes`.
    pub(super) state_compact_bytes: u64,
    /// `--request-header-timeout`, `--idle-timeout`, `--max-connections`.
    pub(super) connection_limits: listener::ConnectionLimits,
}

/// A number of seconds from the command line.
fn seconds(flag: &str, text: &str) -> Result<Duration, String> {
    text.parse()
        .map(Duration::from_secs)
        .map_err(|_| format!("{flag} {text:?} is not a number of seconds"))
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
            state_compact_bytes: wal::DEFAULT_COMPACT_BYTES,
            connection_limits: listener::ConnectionLimits {
                header_read_timeout: listener::DEFAULT_HEADER_READ_TIMEOUT,
                idle_timeout: listener::DEFAULT_IDLE_TIMEOUT,
                max_connections: listener::default_max_connections(),
                max_requests_inflight: listener::DEFAULT_MAX_REQUESTS_INFLIGHT,
                max_mutating_requests_inflight: listener::DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT,
            },
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
                "--state-compact-bytes" => {
                    let text = value()?;
                    options.state_compact_bytes = text
                        .parse::<u64>()
                        .map_err(|_| {
                            format!("--state-compact-bytes {text:?} is not a number of bytes")
                        })?
                        .max(1);
                }
                "--request-header-timeout" => {
                    let timeout = seconds(&flag, &value()?)?;
                    options.connection_limits.header_read_timeout =
                        timeout.max(Duration::from_secs(1));
                }
                "--idle-timeout" => {
                    let timeout = seconds(&flag, &value()?)?;
                    options.connection_limits.idle_timeout = timeout.max(Duration::from_secs(1));
                }
                "--max-requests-inflight" | "--max-mutating-requests-inflight" => {
                    let text = value()?;
                    let limit = text
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("{flag} {text:?} is not a positive number"))?;
                    if flag == "--max-requests-inflight" {
                        options.connection_limits.max_requests_inflight = limit;
                    } else {
                        options.connection_limits.max_mutating_requests_inflight = limit;
                    }
                }
                "--max-connections" => {
                    let text = value()?;
                    options.connection_limits.max_connections = text
                        .parse::<usize>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| {
                            format!("--max-connections {text:?} is not a positive number")
                        })?;
                }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
