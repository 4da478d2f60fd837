//! View pieces shared by the screens.

pub mod clock;
pub mod connection_status;
pub mod copy_button;
pub mod error_panel;
pub mod history_timeline;
pub mod imagestream_table;
pub mod masthead;
pub mod project_map;
pub mod reimport;
pub mod toast;
