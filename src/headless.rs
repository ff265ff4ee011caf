//! Headless modes: the collector's output written somewhere other than a terminal UI.

pub mod export;
pub mod frames;
pub mod record;
pub mod replay;
pub mod report;
pub mod scan;
pub mod snapshot;
pub mod sockets;
