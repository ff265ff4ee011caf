//! The disk reserve: a recorder must not be what fills a filesystem. Below a share of free bytes
//! or inodes it stops writing, and starts again once there is room.

use std::fs::File;
use std::path::Path;

/// Free space of the filesystem holding a file, as shares of its size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Free {
    pub bytes_pct: f64,
    /// None where the filesystem has no inode count (btrfs reports 0).
    pub inodes_pct: Option<f64>,
}

impl Free {
    /// True when either share is under `min_pct`.
    pub fn is_low(&self, min_pct: f64) -> bool {
        self.bytes_pct < min_pct || self.inodes_pct.is_some_and(|p| p < min_pct)
    }

    /// "3.2% of bytes, 40.0% of inodes free".
    pub fn describe(&self) -> String {
        let inodes = self
            .inodes_pct
            .map_or_else(String::new, |p| format!(", {p:.1}% of inodes"));
        format!("{:.1}% of bytes{inodes} free", self.bytes_pct)
    }
}

/// statvfs of the filesystem holding `file`: what an unprivileged writer may still use.
pub fn free(file: &File) -> std::io::Result<Free> {
    let s = rustix::fs::fstatvfs(file)?;
    let pct = |free: u64, total: u64| 100.0 * free as f64 / total as f64;
    Ok(Free {
        bytes_pct: if s.f_blocks == 0 {
            100.0
        } else {
            pct(s.f_bavail, s.f_blocks)
        },
        inodes_pct: (s.f_files > 0).then(|| pct(s.f_favail, s.f_files)),
    })
}

/// Why a file could not be created in the directory of `path` (ENOSPC): "no inode left on its
/// filesystem (16 of 16 used) ..." when the inodes ran out, else no space.
pub fn why_full(path: &Path) -> String {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    match rustix::fs::statvfs(dir) {
        Ok(s) if s.f_files > 0 && s.f_favail == 0 => format!(
            "no inode left on its filesystem ({} of {} used): delete files there (`headroom \
             scan {}` finds the directory holding them) or record elsewhere",
            s.f_files - s.f_ffree,
            s.f_files,
            dir.display()
        ),
        _ => "no space left on its filesystem: free some or record elsewhere".into(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn low_means_either_share_under_the_floor() {
        let f = |b, i| Free {
            bytes_pct: b,
            inodes_pct: i,
        };
        assert!(!f(50.0, Some(50.0)).is_low(5.0));
        assert!(f(4.9, Some(50.0)).is_low(5.0));
        assert!(f(50.0, Some(1.0)).is_low(5.0));
        assert!(!f(50.0, None).is_low(5.0));
        assert_eq!(f(3.21, None).describe(), "3.2% of bytes free");
        let tmp = tempfile::tempfile().unwrap();
        let live = free(&tmp).unwrap();
        assert!((0.0..=100.0).contains(&live.bytes_pct));
    }
}
