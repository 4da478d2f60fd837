//! One module per screen.

pub mod imagestreams;
