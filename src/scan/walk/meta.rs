//! What the walker needs to know of an entry, asked without waking its filesystem's server.
//!
//! statx(2) with `AT_STATX_DONT_SYNC` answers from the kernel's cache: FUSE, NFS and CIFS do
//! not ask their server for attributes then, so the device of a mount point whose server hangs
//! is learnt without waiting on it, and the walker never opens that mount (it is another
//! filesystem). A plain stat(2) of the same mount point waits on the server, possibly forever.
//! Where statx does not exist (Linux before 4.11, some seccomp profiles) this falls back to
//! fstatat(2).

use std::ffi::CStr;
use std::os::fd::AsFd;

use rustix::fs::{AtFlags, FileType, StatxFlags};
use rustix::io::Errno;

/// An entry's attributes, as the walker uses them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Meta {
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
    pub kind: FileType,
    /// st_blocks × 512, as du counts.
    pub bytes: u64,
}

/// The attributes of `name` in the directory `dir`, never following a symlink or triggering
/// an automount, from the cache where the filesystem has one.
pub(super) fn meta_at<Fd: AsFd>(dir: Fd, name: &CStr) -> Result<Meta, Errno> {
    let flags = AtFlags::SYMLINK_NOFOLLOW | AtFlags::NO_AUTOMOUNT;
    let mask = StatxFlags::TYPE | StatxFlags::INO | StatxFlags::NLINK | StatxFlags::BLOCKS;
    match rustix::fs::statx(&dir, name, flags | AtFlags::STATX_DONT_SYNC, mask) {
        Ok(x) => Ok(Meta {
            dev: rustix::fs::makedev(x.stx_dev_major, x.stx_dev_minor),
            ino: x.stx_ino,
            nlink: u64::from(x.stx_nlink),
            kind: FileType::from_raw_mode(x.stx_mode.into()),
            bytes: x.stx_blocks.saturating_mul(512),
        }),
        Err(Errno::NOSYS) => rustix::fs::statat(dir, name, flags).map(|st| from_stat(&st)),
        Err(e) => Err(e),
    }
}

/// The attributes of an open file.
pub(super) fn meta_of<Fd: AsFd>(fd: Fd) -> Result<Meta, Errno> {
    rustix::fs::fstat(fd).map(|st| from_stat(&st))
}

#[allow(clippy::unnecessary_cast)]
fn from_stat(st: &rustix::fs::Stat) -> Meta {
    Meta {
        dev: st.st_dev as u64,
        ino: st.st_ino as u64,
        nlink: st.st_nlink as u64,
        kind: FileType::from_raw_mode(st.st_mode),
        bytes: u64::try_from(st.st_blocks).unwrap_or(0).saturating_mul(512),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn statx_and_fstat_agree_on_a_directory_and_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("d")).unwrap();
        std::fs::write(dir.path().join("f"), vec![1u8; 10_000]).unwrap();
        std::fs::hard_link(dir.path().join("f"), dir.path().join("g")).unwrap();
        let parent = std::fs::File::open(dir.path()).unwrap();
        for (name, kind) in [(c"d", FileType::Directory), (c"f", FileType::RegularFile)] {
            let by_name = meta_at(&parent, name).unwrap();
            let path = dir.path().join(name.to_str().unwrap());
            let open = meta_of(std::fs::File::open(path).unwrap()).unwrap();
            assert_eq!(by_name, open);
            assert_eq!(by_name.kind, kind);
        }
        let f = meta_at(&parent, c"f").unwrap();
        assert_eq!(f.nlink, 2);
        assert!(f.bytes >= 8192, "{f:?}");
    }

    #[test]
    fn a_symlink_is_not_followed_and_a_missing_name_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/", dir.path().join("l")).unwrap();
        let parent = std::fs::File::open(dir.path()).unwrap();
        assert_eq!(
            meta_at(&parent, c"l").unwrap().kind,
            FileType::Symlink,
            "a link to / stays a link"
        );
        assert_eq!(meta_at(&parent, c"gone"), Err(Errno::NOENT));
    }
}
