//! Virtual memory commitments against the commit limit.

use serde::{Deserialize, Serialize};

/// /proc/meminfo's Committed_AS and CommitLimit with vm.overcommit_memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overcommit {
    /// 0 heuristic, 1 always, 2 strict: only under 2 is CommitLimit enforced.
    pub mode: u64,
    pub committed_bytes: u64,
    pub limit_bytes: u64,
}
