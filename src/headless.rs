//! Headless modes: the same data as the TUI, written to stdout.

pub mod scan;
