//! One module per screen.

pub mod deployment;
pub mod deployments;
pub mod imagestream;
pub mod imagestreams;
pub mod imagestreamtag;
pub mod login;
