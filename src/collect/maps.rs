//! Memory maps of one process: lines of `/proc/PID/maps` (proc(5)), one per mapping, against
//! `vm.max_map_count`; past it mmap, mprotect and brk fail with ENOMEM.

use crate::collect::{ParseError, Roots, SourceError, read_parsed};

/// Mappings in a maps file: lines that start with an address range.
pub fn parse(text: &str) -> Result<u64, ParseError> {
    let mut n = 0;
    for (i, line) in text.lines().enumerate() {
        let range = line.split_whitespace().next().unwrap_or("");
        match range.split_once('-') {
            Some((a, b)) if is_hex(a) && is_hex(b) => n += 1,
            _ if line.trim().is_empty() => {}
            _ => return Err(ParseError::new(i + 1, "address", format!("{range:?}"))),
        }
    }
    Ok(n)
}

fn is_hex(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Mappings of one process (owner or root).
pub fn read(roots: &Roots, pid: u32) -> Result<u64, SourceError> {
    read_parsed(&roots.proc_path(&format!("{pid}/maps")), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_mappings() {
        let t = "55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1 /usr/bin/cat\n\
                 7ffd1c1f1000-7ffd1c212000 rw-p 00000000 00:00 0 [stack]\n";
        assert_eq!(parse(t), Ok(2));
        assert_eq!(parse(""), Ok(0));
        assert!(parse("hello world\n").is_err());
    }

    #[test]
    fn each_thread_stack_is_a_mapping() {
        let me = std::process::id();
        let before = read(&Roots::default(), me).unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        // Parked threads: each holds a stack mapping (and its guard page) until released.
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let rx = std::sync::Arc::clone(&rx);
                std::thread::spawn(move || {
                    let _ = rx.lock().map(|r| r.recv());
                })
            })
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(50));
        let after = read(&Roots::default(), me).unwrap();
        assert!(after >= before + 8, "{before} -> {after}");
        drop(tx);
        for t in threads {
            t.join().unwrap();
        }
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
