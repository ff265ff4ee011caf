//! Widgets shared by the panes.

pub mod chart;
pub mod table;
