//! Filesystems the scanner leaves alone unless asked: network filesystems (slow, and the
//! inodes are the server's) and pseudo filesystems (no inodes on disk).
//!
//! The scanner decides from the f_type magic of statfs(2) on the root (linux/magic.h); the
//! pane decides from the fstype name of /proc/self/mountinfo.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum FsKind {
    Network,
    Pseudo,
}

impl fmt::Display for FsKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Network => "network",
            Self::Pseudo => "pseudo",
        })
    }
}

const MAGICS: &[(u64, FsKind, &str)] = &[
    (0x6969, FsKind::Network, "nfs"),
    (0x517b, FsKind::Network, "smb"),
    (0xff53_4d42, FsKind::Network, "cifs"),
    (0xfe53_4d42, FsKind::Network, "smb2"),
    (0x00c3_6400, FsKind::Network, "ceph"),
    (0x5346_414f, FsKind::Network, "afs"),
    (0x6b41_4653, FsKind::Network, "afs"),
    (0x0102_1997, FsKind::Network, "9p"),
    (0x7375_7245, FsKind::Network, "coda"),
    (0x564c, FsKind::Network, "ncp"),
    (0x0bd0_0bd0, FsKind::Network, "lustre"),
    (0x4750_4653, FsKind::Network, "gpfs"),
    (0x9fa0, FsKind::Pseudo, "proc"),
    (0x6265_6572, FsKind::Pseudo, "sysfs"),
    (0x1cd1, FsKind::Pseudo, "devpts"),
    (0x0027_e0eb, FsKind::Pseudo, "cgroup"),
    (0x6367_7270, FsKind::Pseudo, "cgroup2"),
    (0x6462_6720, FsKind::Pseudo, "debugfs"),
    (0x7472_6163, FsKind::Pseudo, "tracefs"),
    (0x7363_6673, FsKind::Pseudo, "securityfs"),
    (0xcafe_4a11, FsKind::Pseudo, "bpf"),
    (0x6165_676c, FsKind::Pseudo, "pstore"),
    (0x6265_6570, FsKind::Pseudo, "configfs"),
    (0xde5e_81e4, FsKind::Pseudo, "efivarfs"),
    (0xf97c_ff8c, FsKind::Pseudo, "selinuxfs"),
    (0x1980_0202, FsKind::Pseudo, "mqueue"),
    (0x4249_4e4d, FsKind::Pseudo, "binfmt_misc"),
    (0x6573_5543, FsKind::Pseudo, "fusectl"),
    (0x6e73_6673, FsKind::Pseudo, "nsfs"),
    (0x6759_6969, FsKind::Pseudo, "rpc_pipefs"),
    (0x0187, FsKind::Pseudo, "autofs"),
];

const NAMES: &[(&str, FsKind)] = &[
    ("nfs", FsKind::Network),
    ("nfs4", FsKind::Network),
    ("cifs", FsKind::Network),
    ("smb3", FsKind::Network),
    ("smbfs", FsKind::Network),
    ("ceph", FsKind::Network),
    ("afs", FsKind::Network),
    ("9p", FsKind::Network),
    ("coda", FsKind::Network),
    ("ncpfs", FsKind::Network),
    ("lustre", FsKind::Network),
    ("gpfs", FsKind::Network),
    ("fuse.sshfs", FsKind::Network),
    ("fuse.glusterfs", FsKind::Network),
    ("fuse.s3fs", FsKind::Network),
    ("fuse.rclone", FsKind::Network),
    ("proc", FsKind::Pseudo),
    ("sysfs", FsKind::Pseudo),
    ("devpts", FsKind::Pseudo),
    ("cgroup", FsKind::Pseudo),
    ("cgroup2", FsKind::Pseudo),
    ("debugfs", FsKind::Pseudo),
    ("tracefs", FsKind::Pseudo),
    ("securityfs", FsKind::Pseudo),
    ("bpf", FsKind::Pseudo),
    ("pstore", FsKind::Pseudo),
    ("configfs", FsKind::Pseudo),
    ("efivarfs", FsKind::Pseudo),
    ("selinuxfs", FsKind::Pseudo),
    ("mqueue", FsKind::Pseudo),
    ("binfmt_misc", FsKind::Pseudo),
    ("fusectl", FsKind::Pseudo),
    ("nsfs", FsKind::Pseudo),
    ("rpc_pipefs", FsKind::Pseudo),
    ("autofs", FsKind::Pseudo),
    ("fuse.lxcfs", FsKind::Pseudo),
];

/// The kind and name of a filesystem the scanner skips, from its statfs magic.
pub fn classify_magic(magic: u64) -> Option<(FsKind, &'static str)> {
    MAGICS
        .iter()
        .find(|(m, _, _)| *m == magic)
        .map(|&(_, kind, name)| (kind, name))
}

/// The kind of a filesystem the scanner skips, from its mountinfo fstype name.
pub fn classify_name(fstype: &str) -> Option<FsKind> {
    NAMES
        .iter()
        .find(|(n, _)| *n == fstype)
        .map(|&(_, kind)| kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_network_and_pseudo() {
        assert_eq!(classify_magic(0x6969), Some((FsKind::Network, "nfs")));
        assert_eq!(classify_magic(0x9fa0), Some((FsKind::Pseudo, "proc")));
        assert_eq!(classify_magic(0xef53), None, "ext4 is scanned");
        assert_eq!(classify_name("nfs4"), Some(FsKind::Network));
        assert_eq!(classify_name("sysfs"), Some(FsKind::Pseudo));
        assert_eq!(classify_name("xfs"), None);
        assert_eq!(classify_name("tmpfs"), None);
    }
}
