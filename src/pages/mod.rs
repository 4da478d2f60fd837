//! One module per screen.

pub mod imagestreams;
pub mod login;
