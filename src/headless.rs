//! Headless modes: the collector's output written somewhere other than a terminal UI.

pub mod check;
pub mod export;
pub mod frames;
pub mod procs;
pub mod record;
pub mod report;
pub mod scan;
pub mod snapshot;
pub mod sockets;
pub mod sysctl;
pub mod why;
