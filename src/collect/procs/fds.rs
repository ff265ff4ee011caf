//! What a process's descriptors point at: the targets of the links in /proc/PID/fd (proc(5)),
//! and which protocol each socket inode belongs to, from /proc/net/{tcp,tcp6,udp,udp6,unix}.

use std::collections::HashMap;
use std::mem::MaybeUninit;
use std::os::fd::OwnedFd;

use rustix::fs::{Mode, OFlags, RawDir, openat, readlinkat_raw};
use rustix::io::Errno;

use super::live::number;
use crate::collect::tcp::owners::socket_inode;
use crate::collect::{ParseError, Roots, SourceError, read_text};

/// What one descriptor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Socket(u64),
    Pipe,
    /// anon_inode:[eventfd], anon_inode:[eventpoll], anon_inode:[timerfd], inotify …
    Anon(String),
    Memfd,
    Device,
    /// A path: a regular file or a directory (the link alone does not tell).
    Path(String),
    Other(String),
}

/// Reads one link target as the kernel writes it.
pub fn classify(link: &[u8]) -> Target {
    if let Some(inode) = socket_inode(link) {
        return Target::Socket(inode);
    }
    let text = String::from_utf8_lossy(link);
    if text.starts_with("pipe:[") {
        Target::Pipe
    } else if let Some(rest) = text.strip_prefix("anon_inode:") {
        Target::Anon(
            rest.trim_start_matches('[')
                .trim_end_matches(']')
                .to_string(),
        )
    } else if text.starts_with("/memfd:") {
        Target::Memfd
    } else if text.starts_with("/dev/") && !text.starts_with("/dev/shm/") {
        Target::Device
    } else if text.starts_with('/') {
        Target::Path(text.into_owned())
    } else {
        Target::Other(text.into_owned())
    }
}

/// A socket's protocol family as headroom counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    Tcp,
    Udp,
    Unix,
}

/// The inode column of a /proc/net table (`inode_col` 0-based), one inode per data line.
pub fn parse_inodes(text: &str, inode_col: usize) -> Result<Vec<u64>, ParseError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let field = line
            .split_whitespace()
            .nth(inode_col)
            .ok_or_else(|| ParseError::new(n + 1, "inode", "truncated line"))?;
        let inode = field
            .parse()
            .map_err(|_| ParseError::new(n + 1, "inode", format!("{field:?} is not an inode")))?;
        out.push(inode);
    }
    Ok(out)
}

/// Inode → protocol for every socket in this network namespace.
pub type ProtoMap = HashMap<u64, Proto>;

/// Reads the five tables; absent ones (no IPv6) are skipped.
pub fn read_protos(roots: &Roots) -> ProtoMap {
    let mut map = ProtoMap::new();
    let tables = [
        ("net/tcp", 9, Proto::Tcp),
        ("net/tcp6", 9, Proto::Tcp),
        ("net/udp", 9, Proto::Udp),
        ("net/udp6", 9, Proto::Udp),
        ("net/unix", 6, Proto::Unix),
    ];
    for (rel, col, proto) in tables {
        let Ok(text) = read_text(&roots.proc_path(rel)) else {
            continue;
        };
        if let Ok(inodes) = parse_inodes(&text, col) {
            map.extend(inodes.into_iter().map(|i| (i, proto)));
        }
    }
    map
}

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::CLOEXEC);

/// What a listing of /proc/PID/fd found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Walked {
    /// Descriptors listed (those closed before their link was read left out).
    pub listed: u64,
    /// Of these, links the kernel would not let us read. readlink asks for more than the
    /// listing does (ptrace access), so even root may list a process's descriptors and not
    /// read one of them: init in some VMs.
    pub unreadable: u64,
}

/// The link target of an inotify instance.
pub const INOTIFY: &[u8] = b"anon_inode:inotify";

/// Reads every link of an open /proc/PID/fd, calling `each(fd number, raw target)`; `buf`
/// holds directory entries between reads.
pub fn links(
    fd_dir: &OwnedFd,
    buf: &mut [MaybeUninit<u8>],
    mut each: impl FnMut(u32, &[u8]),
) -> Result<Walked, Errno> {
    let mut walked = Walked::default();
    let mut link = [0u8; 512];
    let mut entries = RawDir::new(fd_dir, buf);
    while let Some(entry) = entries.next() {
        let entry = entry?;
        let name = entry.file_name();
        let Some(fd) = number(name.to_bytes()) else {
            continue;
        };
        match readlinkat_raw(fd_dir, name, &mut link[..]) {
            Ok(n) => {
                walked.listed += 1;
                each(fd, link.get(..n).unwrap_or_default());
            }
            Err(Errno::ACCESS | Errno::PERM) => {
                walked.listed += 1;
                walked.unreadable += 1;
            }
            // Closed since the listing (or, in a captured tree, not a link).
            Err(_) => {}
        }
    }
    Ok(walked)
}

/// Reads every link of /proc/PID/fd under the proc root (open as `proc_dir` when it is the
/// kernel's), calling `each(fd number, target)`.
pub fn walk(
    roots: &Roots,
    proc_dir: Option<&OwnedFd>,
    pid: u32,
    mut each: impl FnMut(u32, Target),
) -> Result<Walked, SourceError> {
    let rel = format!("{pid}/fd");
    let path = roots.proc_path(&rel);
    let err = |e: Errno| SourceError::io(&path, &std::io::Error::from(e));
    let fd_dir = match proc_dir {
        Some(dirfd) => openat(dirfd, rel.as_str(), DIR_FLAGS, Mode::empty()),
        None => openat(rustix::fs::CWD, &path, DIR_FLAGS, Mode::empty()),
    }
    .map_err(err)?;
    let mut buf = vec![MaybeUninit::uninit(); 8192];
    links(&fd_dir, &mut buf, |fd, target| each(fd, classify(target))).map_err(err)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_kind_of_link() {
        assert_eq!(classify(b"socket:[40151]"), Target::Socket(40151));
        assert_eq!(classify(b"pipe:[99]"), Target::Pipe);
        assert_eq!(
            classify(b"anon_inode:[eventfd]"),
            Target::Anon("eventfd".into())
        );
        assert_eq!(
            classify(b"anon_inode:inotify"),
            Target::Anon("inotify".into())
        );
        assert_eq!(classify(b"/memfd:wayland (deleted)"), Target::Memfd);
        assert_eq!(classify(b"/dev/null"), Target::Device);
        assert_eq!(classify(b"/dev/shm/x"), Target::Path("/dev/shm/x".into()));
        assert_eq!(
            classify(b"/var/log/a.log"),
            Target::Path("/var/log/a.log".into())
        );
        assert_eq!(
            classify(b"net:[4026531840]"),
            Target::Other("net:[4026531840]".into())
        );
    }

    #[test]
    fn inode_columns() {
        let tcp = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n\
                   \x20  0: 0100007F:2BCB 00000000:0000 0A 00000000:00000000 00:00000000 00000000   112        0 40151 1 0 100 0 0 10 0\n";
        assert_eq!(parse_inodes(tcp, 9), Ok(vec![40151]));
        let unix = "Num       RefCount Protocol Flags    Type St Inode Path\n\
                    0000000000000000: 00000002 00000000 00010000 0001 01 20912 /run/x\n";
        assert_eq!(parse_inodes(unix, 6), Ok(vec![20912]));
        assert!(parse_inodes("h\n1 2\n", 6).is_err());
        assert!(parse_inodes("h\na b c d e f g\n", 6).is_err());
    }

    #[test]
    fn walks_our_own_descriptors() {
        let _sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let mut kinds = Vec::new();
        let walked = walk(&Roots::default(), None, std::process::id(), |_, t| {
            kinds.push(t)
        })
        .unwrap();
        assert_eq!(walked.listed, kinds.len() as u64);
        assert_eq!(walked.unreadable, 0);
        assert!(kinds.iter().any(|t| matches!(t, Target::Socket(_))));
        let protos = read_protos(&Roots::default());
        assert!(
            kinds
                .iter()
                .any(|t| matches!(t, Target::Socket(i) if protos.get(i) == Some(&Proto::Udp)))
        );
    }

    proptest! {
        #[test]
        fn never_panics(b in proptest::collection::vec(any::<u8>(), 0..64), s in "\\PC*") {
            let _ = classify(&b);
            let _ = parse_inodes(&s, 9);
        }
    }
}
