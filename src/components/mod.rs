//! View pieces shared by the screens.

pub mod copy_button;
pub mod history_timeline;
pub mod imagestream_table;
pub mod masthead;
