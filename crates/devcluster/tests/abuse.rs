//! The fault-and-abuse suite (issue 15): the devcluster binary on 127.0.0.1 against what a
//! hostile or broken client sends, one area per submodule in `tests/abuse/`. Each case prints
//! what it sent and what came back, and checks that the server still answers afterwards.

mod common;

#[path = "abuse/hostile_input.rs"]
mod hostile_input;
