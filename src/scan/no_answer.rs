//! Naming what did not answer: the directory, and the mount it is on, taken from
//! /proc/self/mountinfo (which the kernel writes without asking any filesystem).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::collect::Roots;
use crate::collect::mountinfo::{self, MountEntry};

/// A directory the walk gave up waiting for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoAnswer {
    pub path: PathBuf,
    /// The mount point it is on (itself when it is one) and the filesystem's type.
    pub mount: Option<PathBuf>,
    pub fstype: Option<String>,
}

impl NoAnswer {
    /// Names `path` with the mount it is on, from `mounts` (mountinfo lines, in order).
    pub fn new(path: PathBuf, mounts: &[MountEntry]) -> Self {
        let mount = mount_of(mounts, &path);
        Self {
            mount: mount.map(|m| PathBuf::from(&m.mountpoint)),
            fstype: mount.map(|m| m.fstype.clone()),
            path,
        }
    }

    /// Why it was not read: "mount did not answer" for a mount point, "fuse mount /x did not
    /// answer" for a directory inside one.
    pub fn reason(&self) -> String {
        match (&self.mount, &self.fstype) {
            (Some(m), _) if *m == self.path => "mount did not answer".into(),
            (Some(m), Some(t)) => format!("{t} mount {} did not answer", m.display()),
            _ => "did not answer".into(),
        }
    }
}

/// The mounts of this process, or none when they cannot be read.
pub fn mounts() -> Vec<MountEntry> {
    mountinfo::read(&Roots::default()).unwrap_or_default()
}

/// The mount `path` is on: the longest mount point above it, the last mounted of equals (it
/// hides the others).
fn mount_of<'m>(mounts: &'m [MountEntry], path: &Path) -> Option<&'m MountEntry> {
    mounts
        .iter()
        .filter(|m| path.starts_with(&m.mountpoint))
        .max_by_key(|m| Path::new(&m.mountpoint).components().count())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const MOUNTS: &str = "\
22 1 8:1 / / rw - ext4 /dev/sda1 rw
40 22 0:39 / /srv/data rw - nfs4 server:/data rw
41 40 0:40 / /srv/data/fuse rw - fuse.sshfs host: rw
42 40 0:41 / /srv/data/fuse rw - fuse hung rw
";

    fn named(path: &str) -> NoAnswer {
        NoAnswer::new(PathBuf::from(path), &mountinfo::parse(MOUNTS).unwrap())
    }

    #[test]
    fn a_mount_point_is_named_as_the_mount() {
        let n = named("/srv/data/fuse");
        assert_eq!(n.reason(), "mount did not answer");
        assert_eq!(
            n.fstype.as_deref(),
            Some("fuse"),
            "the last mount hides the first"
        );
    }

    #[test]
    fn a_directory_inside_a_mount_names_the_mount() {
        assert_eq!(
            named("/srv/data/fuse/a/b").reason(),
            "fuse mount /srv/data/fuse did not answer"
        );
        assert_eq!(
            named("/srv/database").reason(),
            "ext4 mount / did not answer",
            "a prefix of a name is not a parent"
        );
        let none = NoAnswer::new(PathBuf::from("/x"), &[]);
        assert_eq!(none.reason(), "did not answer");
    }
}
