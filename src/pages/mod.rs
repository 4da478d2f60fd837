//! One module per screen.

pub mod deployment;
pub mod deployments;
pub mod embed;
pub mod imagestream;
pub mod imagestreams;
pub mod imagestreamtag;
pub mod import_image;
pub mod login;
pub mod new_app;
