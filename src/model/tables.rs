//! Kernel tables beyond files and tasks: ptys, AIO contexts, SysV IPC, keys, mounts and the
//! ceiling of every descriptor limit.

use serde::{Deserialize, Serialize};

use super::{Reading, not_recorded};

/// Each table's use and its sysctl, read once per sample.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelTables {
    /// kernel.pty.nr and kernel.pty.max.
    #[serde(default = "not_recorded")]
    pub pty: Reading<Used>,
    /// fs.aio-nr and fs.aio-max-nr (AIO events reserved by io_setup).
    #[serde(default = "not_recorded")]
    pub aio: Reading<Used>,
    /// SysV semaphore sets from /proc/sysvipc/sem against kernel.sem.
    #[serde(default = "not_recorded")]
    pub sem: Reading<Semaphores>,
    /// SysV message queues from /proc/sysvipc/msg against kernel.msgmni.
    #[serde(default = "not_recorded")]
    pub msg: Reading<Used>,
    /// Keys per user from /proc/key-users.
    #[serde(default = "not_recorded")]
    pub keys: Reading<Vec<KeyUser>>,
    /// Lines of our mountinfo against fs.mount-max (per mount namespace).
    #[serde(default = "not_recorded")]
    pub mounts: Reading<Used>,
    /// fs.nr_open: no RLIMIT_NOFILE can be raised above it.
    #[serde(default = "not_recorded")]
    pub nr_open: Reading<u64>,
}

impl Default for KernelTables {
    fn default() -> Self {
        Self {
            pty: not_recorded(),
            aio: not_recorded(),
            sem: not_recorded(),
            msg: not_recorded(),
            keys: not_recorded(),
            mounts: not_recorded(),
            nr_open: not_recorded(),
        }
    }
}

/// A count against its maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Used {
    pub used: u64,
    pub max: u64,
}

/// kernel.sem is "SEMMSL SEMMNS SEMOPM SEMMNI": sets are bounded by SEMMNI, semaphores by SEMMNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Semaphores {
    pub sets: u64,
    pub semaphores: u64,
    pub semmni: u64,
    pub semmns: u64,
}

/// One line of /proc/key-users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyUser {
    pub uid: u32,
    /// Keys counted against the quota (qnkeys) and the quota (maxkeys).
    pub keys: u64,
    pub maxkeys: u64,
    pub bytes: u64,
    pub maxbytes: u64,
}
