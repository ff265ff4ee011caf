//! Holds N loopback TCP connections (both ends, so 2N sockets and 2N fds) until stdin closes.
//! Used by benches/sockets.sh to build a machine with many sockets.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

fn main() -> std::io::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let acceptor = std::thread::spawn(move || {
        let mut held = Vec::with_capacity(n);
        while held.len() < n {
            match listener.accept() {
                Ok((s, _)) => held.push(s),
                Err(e) => {
                    eprintln!("accept: {e}");
                    break;
                }
            }
        }
        (listener, held)
    });
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        clients.push(TcpStream::connect(addr)?);
    }
    let server = acceptor
        .join()
        .map_err(|_| std::io::Error::other("acceptor panicked"))?;
    println!("ready {addr} {} {}", clients.len(), server.1.len());
    std::io::stdout().flush()?;
    // Hold everything until the parent closes our stdin.
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    // Reset instead of closing, so no TIME_WAIT is left to skew the next measurement.
    for s in clients.iter().chain(&server.1) {
        let _ = rustix::net::sockopt::set_socket_linger(s, Some(std::time::Duration::ZERO));
    }
    drop(server);
    Ok(())
}
