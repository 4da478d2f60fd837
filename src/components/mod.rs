//! View pieces shared by the screens.

pub mod imagestream_table;
pub mod masthead;
