//! What a process's descriptors are, as the pass needs it: its sockets by protocol and its
//! inotify instances with their watches. Links are read only when the descriptor count moved,
//! for the processes watched, and every [`super::LINKS_EVERY`] passes otherwise.

use std::collections::HashSet;

use super::entry::{Entry, Files};
use super::fds::{self, INOTIFY, Proto, ProtoMap, Target, Walked};
use crate::collect::inotify::{self, InotifyUse};
use crate::collect::tcp::owners::socket_inode;
use crate::collect::{Roots, SourceError, read_parsed};
use crate::model::procs::SocketCounts;

/// What lives between links reads.
#[derive(Debug, Default)]
pub struct Scratch {
    /// Inode → protocol of every socket, and whether it was read in this pass.
    pub protos: ProtoMap,
    pub fresh_protos: bool,
    /// Sockets no table held when the tables were last read (netlink, packet, another
    /// namespace's): looking for them again would read the tables on every walk.
    others: HashSet<u64>,
    inodes: Vec<u64>,
}

/// Most sockets remembered as in no table; past it the set starts over.
const OTHERS_MAX: usize = 10_000;

/// Reads the links of a process into its entry: sockets by protocol, inotify descriptors.
/// Links that cannot be read leave the sockets unknown.
pub fn read(files: &mut Files<'_>, scratch: &mut Scratch, pid: u32, e: &mut Entry) {
    scratch.inodes.clear();
    e.inotify_fds.clear();
    let (inodes, inotify_fds) = (&mut scratch.inodes, &mut e.inotify_fds);
    let walked: Result<Walked, SourceError> = match files.live.as_deref_mut() {
        Some(live) => live
            .links(pid, |fd, link| {
                if let Some(i) = socket_inode(link) {
                    inodes.push(i);
                } else if link == INOTIFY {
                    inotify_fds.push(fd);
                }
            })
            .map_err(|err| super::live::LiveProc::error(files.roots, pid, "fd", err)),
        None => fds::walk(files.roots, None, pid, |fd, t| match t {
            Target::Socket(i) => inodes.push(i),
            Target::Anon(name) if name == "inotify" => inotify_fds.push(fd),
            _ => {}
        }),
    };
    let readable = walked.as_ref().is_ok_and(|w| w.unreadable == 0);
    e.links_denied = !readable;
    e.sockets = readable.then(|| count_sockets(files.roots, scratch));
    if !readable {
        e.inotify_fds.clear();
    }
}

/// Counts the watches of the process's inotify descriptors; None when its links could not
/// be read. By path: an fdinfo file holds a line per watch, and may be long.
pub fn inotify(roots: &Roots, pid: u32, e: &Entry) -> Option<InotifyUse> {
    e.sockets?;
    let mut use_ = InotifyUse {
        instances: e.inotify_fds.len() as u64,
        watches: 0,
    };
    for fd in &e.inotify_fds {
        let path = roots.proc_path(&format!("{pid}/fdinfo/{fd}"));
        match read_parsed(&path, inotify::parse_fdinfo) {
            Ok(w) => use_.watches += w,
            // Closed since the links were read.
            Err(SourceError::Missing { .. }) => {}
            Err(_) => return None,
        }
    }
    Some(use_)
}

/// Counts sockets by protocol, each inode once; the tables are read again (once per pass)
/// when an inode is not in them yet.
fn count_sockets(roots: &Roots, scratch: &mut Scratch) -> SocketCounts {
    let Scratch {
        protos,
        fresh_protos,
        others,
        inodes,
    } = scratch;
    inodes.sort_unstable();
    inodes.dedup();
    let unknown = |i: &u64| !protos.contains_key(i) && !others.contains(i);
    if !*fresh_protos && inodes.iter().any(unknown) {
        *protos = fds::read_protos(roots);
        *fresh_protos = true;
        if others.len() > OTHERS_MAX {
            others.clear();
        }
        // Read after these links: what the tables lack now, they will not hold.
        others.extend(inodes.iter().filter(|i| !protos.contains_key(i)));
    }
    let mut n = SocketCounts::default();
    for i in inodes.iter() {
        match protos.get(i) {
            Some(Proto::Tcp) => n.tcp += 1,
            Some(Proto::Udp) => n.udp += 1,
            Some(Proto::Unix) => n.unix += 1,
            None => n.other += 1,
        }
    }
    n
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_in_no_table_does_not_send_each_walk_back_to_the_tables() {
        let roots = Roots::fixture(
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procs"),
        );
        // 1001 is a TCP socket of the fixture; 424242 (a netlink socket, say) is in none.
        let mut s = Scratch {
            inodes: vec![1001, 424242],
            ..Scratch::default()
        };
        let n = count_sockets(&roots, &mut s);
        assert_eq!((n.tcp, n.other), (1, 1));
        assert!(s.fresh_protos);
        // The next pass: nothing new, so the tables are not read again.
        s.fresh_protos = false;
        s.inodes = vec![1001, 424242];
        let n = count_sockets(&roots, &mut s);
        assert_eq!((n.tcp, n.other), (1, 1));
        assert!(!s.fresh_protos, "read again");
        s.inodes = vec![1001, 777];
        count_sockets(&roots, &mut s);
        assert!(s.fresh_protos, "a socket not seen before reads them");
    }
}
