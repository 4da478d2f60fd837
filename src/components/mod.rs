//! View pieces shared by the screens.

pub mod add_tag;
pub mod clock;
pub mod connection_status;
pub mod copy_button;
pub mod delete_dialog;
pub mod demo_actions;
pub mod error_panel;
pub mod focus_trap;
pub mod form_fields;
pub mod history_timeline;
pub mod imagestream_table;
pub mod lazy_page;
pub mod masthead;
pub mod project_map;
pub mod reimport;
pub mod toast;
