//! The fault-and-abuse suite (issue 15): the devcluster binary on 127.0.0.1 against what a
//! hostile or broken client sends, and against crashes, one area per submodule in
//! `tests/abuse/`. Each case prints what it sent and what came back (or its figures), and checks
//! that the server still answers afterwards.
//!
//! * `hostile_input`: every request of the issue that used to panic or be stored wrong (patches
//!   that are not objects, non-object tags and selectors, overflowing timeouts, a multi-byte
//!   character in a time, wrong-typed fields, bad names, labels, selectors, versions, continue
//!   tokens and truncated bodies), each with kube-apiserver's answer;
//! * `durability`: `kill -9` during about 1,000 writes a second loses no acknowledged write, a
//!   watcher resuming after the crash gets the new events or a 410, a failed append is an
//!   error to the client, torn and damaged logs;
//! * `connections`: 1,000 slow connections while others are still answered, idle and header
//!   timeouts, the connection limit, CSRF on the OAuth form, bounded CSP reports;
//! * `watchers`: 200 watchers during 1,000 writes lose no event.
//!
//! The registry items are replayed where the registries are started: an importer that is
//! redirected or sent to a token realm off loopback (`tests/registry_import.rs`), and anonymous,
//! viewer and cross-project pushes to the integrated registry (`tests/integrated_registry.rs`).
#![cfg(feature = "server")]

/// Prints a case or a figure where the test command's log shows it, also when the test passes:
/// straight to the process's stderr, which libtest leaves alone (it captures only what goes
/// through `print!` and `eprint!`).
macro_rules! report {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod common;

/// One test of the suite at a time, so that each one's figures (writes per second, latencies)
/// are its own and not shared with the load of another; a failed test does not block the rest.
fn alone() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[path = "abuse/connections.rs"]
mod connections;
#[path = "abuse/durability.rs"]
mod durability;
#[path = "abuse/hostile_input.rs"]
mod hostile_input;
#[path = "abuse/watchers.rs"]
mod watchers;
