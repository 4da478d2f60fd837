//! Running the stock kubectl against a devcluster of its own: the server over TLS on a free
//! loopback port with the kubeconfig it writes, and kubectl with a discovery cache in the
//! test's scratch directory (so no run reads another's cached discovery or OpenAPI).

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running devcluster, killed when dropped.
pub struct Devcluster {
    process: Child,
    /// The kubeconfig it wrote (contexts developer, viewer, admin).
    pub kubeconfig: PathBuf,
    /// kubectl's cache directory for this server.
    pub cache: PathBuf,
}

impl Drop for Devcluster {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}

/// An empty scratch directory for one test.
pub fn scratch_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// Whether kubectl can run here; a test without it skips, except under CI.
pub fn kubectl_available() -> bool {
    let found = Command::new("kubectl")
        .arg("version")
        .arg("--client")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("kubectl is not installed, but CI must run the kubectl tests");
        }
        eprintln!("skipped: kubectl is not installed on this machine");
    }
    found
}

/// Starts devcluster (seeded) serving https on a free port, writing its kubeconfig in `dir`.
pub fn start(dir: &Path) -> Devcluster {
    let kubeconfig = dir.join("kubeconfig");
    let mut process = Command::new(env!("CARGO_BIN_EXE_devcluster"))
        .args(["--listen", "127.0.0.1:0", "--tls", "--dist"])
        .arg(dir.join("no-console"))
        .arg("--kubeconfig")
        .arg(&kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("devcluster starts");
    let stdout = process.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let listening = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.starts_with("devcluster listening on https://127.0.0.1:"));
    assert!(listening, "devcluster did not report its https address");
    std::thread::spawn(move || for _ in lines {});
    Devcluster {
        process,
        kubeconfig,
        cache: dir.join("kube-cache"),
    }
}

impl Devcluster {
    /// A kubectl command for this cluster (its kubeconfig and cache).
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new("kubectl");
        command
            .arg("--kubeconfig")
            .arg(&self.kubeconfig)
            .arg("--cache-dir")
            .arg(&self.cache)
            .args(args);
        command
    }
}

/// Runs kubectl; whether it succeeded and what it printed (stdout, then stderr).
pub fn kubectl(cluster: &Devcluster, args: &[&str]) -> (bool, String) {
    let output = cluster
        .command(&["--request-timeout=20s"])
        .args(args)
        .output()
        .expect("kubectl runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// Runs kubectl, which must succeed; what it printed.
pub fn ok(cluster: &Devcluster, args: &[&str]) -> String {
    let (success, text) = kubectl(cluster, args);
    assert!(success, "kubectl {} failed:\n{text}", args.join(" "));
    text
}

/// Runs kubectl, which must fail; what it printed.
pub fn fails(cluster: &Devcluster, args: &[&str]) -> String {
    let (success, text) = kubectl(cluster, args);
    assert!(
        !success,
        "kubectl {} should have failed:\n{text}",
        args.join(" ")
    );
    text
}

/// A printed table as rows of whitespace-separated cells.
pub fn rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Starts a long-running kubectl (a watch, without a request timeout) with its output piped.
pub fn spawn(cluster: &Devcluster, args: &[&str]) -> Child {
    cluster
        .command(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("kubectl starts")
}
