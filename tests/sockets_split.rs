//! With [`SPLIT_FROM`] sockets or more the reader cuts the next netlink dump in two halves run on two
//! threads: the halves together must hold exactly what one dump holds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::{TcpListener, TcpStream};

use headroom::collect::Roots;
use headroom::collect::tcp::{Method, RawSocket, Reader, split::SPLIT_FROM};

/// Raises the soft fd limit to the hard one: the connections need more than 1,024 fds.
fn raise_fd_limit() {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut l = getrlimit(Resource::Nofile);
    l.current = l.maximum;
    setrlimit(Resource::Nofile, l).unwrap();
}

#[test]
fn two_halves_hold_what_one_dump_holds() {
    if std::thread::available_parallelism().map_or(1, |n| n.get()) < 2 {
        eprintln!("one core: the reader never splits here");
        return;
    }
    raise_fd_limit();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let n = SPLIT_FROM / 2 + 100;
    let mut held = Vec::with_capacity(2 * n);
    for _ in 0..n {
        held.push(TcpStream::connect(("127.0.0.1", port)).unwrap());
        held.push(listener.accept().unwrap().0);
    }
    let ours = |v: &[RawSocket]| {
        let mut v: Vec<_> = v
            .iter()
            .filter(|s| s.local.port() == port || s.remote.port() == port)
            .map(|s| (s.local, s.remote, s.state, s.inode))
            .collect();
        v.sort();
        v
    };
    let roots = Roots::default();
    let mut reader = Reader::new(Method::Netlink);
    let whole = ours(&reader.dump(&roots).unwrap().sockets);
    assert_eq!(whole.len(), 2 * n + 1, "the connections and the listener");
    let pivot = reader.pivot().expect("a dump this large is cut next time");
    let halves = ours(&reader.dump(&roots).unwrap().sockets);
    assert_eq!(halves, whole);
    let below = whole
        .iter()
        .filter(|(l, r, ..)| (l.port(), r.port()) <= (pivot.local, pivot.remote))
        .count();
    assert!(
        below > whole.len() / 4 && below < whole.len() * 3 / 4,
        "the cut at {pivot:?} leaves {below} of {} below",
        whole.len()
    );
}
