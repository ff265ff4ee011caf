//! Kernel log records, as read from /dev/kmsg: raw, so a replay matches them again.

use serde::{Deserialize, Serialize};

/// One record of the kernel log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelMessage {
    /// The kernel's sequence number: no two records share one.
    pub seq: u64,
    /// Syslog level, 0 (emerg) to 7 (debug).
    pub level: u8,
    /// Microseconds since boot.
    pub usec: u64,
    /// Wall-clock time, ms since the Unix epoch (boot time + usec), where boot time is known.
    #[serde(default)]
    pub time_ms: Option<u64>,
    pub text: String,
}
