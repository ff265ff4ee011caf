//! Headless modes: the collector's output written somewhere other than a terminal UI.

pub mod snapshot;
pub mod sockets;
