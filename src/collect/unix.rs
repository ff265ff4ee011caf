//! /proc/net/unix: one line per unix-domain socket (proc(5), "/proc/net/unix"). headroom
//! only counts them: OpenVZ's numothersock limit counts these.

use crate::collect::{ParseError, Roots, read_parsed};
use crate::model::Reading;

/// Counts the socket lines below the "Num RefCount Protocol ..." header.
pub fn parse(text: &str) -> Result<u64, ParseError> {
    let mut lines = text.lines();
    match lines.next() {
        Some(h) if h.starts_with("Num") => {}
        Some(_) => {
            return Err(ParseError::new(
                1,
                "header",
                "expected \"Num RefCount ...\"",
            ));
        }
        None => return Err(ParseError::new(0, "header", "empty file")),
    }
    let mut n = 0u64;
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if !line
            .trim_start()
            .split(':')
            .next()
            .is_some_and(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return Err(ParseError::new(i + 2, "Num", "not a socket line"));
        }
        n += 1;
    }
    Ok(n)
}

pub fn read(roots: &Roots) -> Reading<u64> {
    read_parsed(&roots.proc_path("net/unix"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_sockets() {
        let text = "Num       RefCount Protocol Flags    Type St Inode Path\n\
                    0000000000000000: 00000002 00000000 00010000 0001 01 20912 /run/systemd/notify\n\
                    0000000000000000: 00000003 00000000 00000000 0001 03 23456\n";
        assert_eq!(parse(text).unwrap(), 2);
        assert_eq!(parse("Num RefCount\n").unwrap(), 0);
        assert!(parse("").is_err());
        assert!(parse("garbage\n").is_err());
        assert!(parse("Num\nzz: 1\n").is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
