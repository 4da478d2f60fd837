//! imagestream-console: a web console for OpenShift image streams, compiled to WebAssembly.
//!
//! `api` talks to the cluster, `pages` are the screens, `components` the pieces they share;
//! what things are and the rules about them live in the `imagestream-model` crate.

pub mod api;
pub mod app;
pub mod auth;
pub mod components;
pub mod forms;
pub mod i18n;
pub mod live;
pub mod pages;
pub mod paths;

pub use app::App;

/// The OAuthClient name the console logs in as (register it on the cluster, see the README).
pub const OAUTH_CLIENT_ID: &str = "imagestream-console";
