//! One module per screen.

pub mod imagestream;
pub mod imagestreams;
pub mod login;
