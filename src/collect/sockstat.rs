//! /proc/net/sockstat and /proc/net/sockstat6: sockets in use per protocol and their memory
//! (proc(5), "/proc/net/sockstat"; `mem` is in pages).
//!
//! ```text
//! sockets: used 290
//! TCP: inuse 27 orphan 1 tw 15 alloc 32 mem 5
//! ```

use crate::collect::text::u64_field;
use crate::collect::{ParseError, Roots, read_parsed};
use crate::model::{Counters, Reading};

/// Parses "SECTION: name value name value ..." lines into counters by section.
/// Lines without a colon are skipped; a value that is not a number is an error.
pub fn parse(text: &str) -> Result<Counters, ParseError> {
    let mut out = Counters::new();
    for (i, line) in text.lines().enumerate() {
        let Some((section, rest)) = line.split_once(':') else {
            continue;
        };
        let section = section.trim();
        if section.is_empty() {
            continue;
        }
        let words: Vec<&str> = rest.split_whitespace().collect();
        if words.len() % 2 != 0 {
            return Err(ParseError::new(i + 1, section, "a name without a value"));
        }
        let table = out.entry(section.to_string()).or_default();
        for pair in words.chunks_exact(2) {
            if let [name, value] = pair {
                table.insert((*name).to_string(), u64_field(i + 1, name, value)?);
            }
        }
    }
    if out.is_empty() {
        return Err(ParseError::new(0, "sockstat", "no counters"));
    }
    Ok(out)
}

/// sockstat and sockstat6 merged (their sections differ: TCP vs TCP6); sockstat6 may be
/// absent when IPv6 is disabled.
pub fn read(roots: &Roots) -> Reading<Counters> {
    let mut all = read_parsed(&roots.proc_path("net/sockstat"), parse)?;
    if let Ok(six) = read_parsed(&roots.proc_path("net/sockstat6"), parse) {
        all.extend(six);
    }
    Ok(all)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::counter;
    use proptest::prelude::*;

    #[test]
    fn reads_sockstat() {
        let c = parse(
            "sockets: used 290\nTCP: inuse 27 orphan 1 tw 15 alloc 32 mem 5\nUDP: inuse 3 mem 2\nFRAG: inuse 0 memory 0\n",
        )
        .unwrap();
        assert_eq!(counter(&c, "sockets", "used"), Some(290));
        assert_eq!(counter(&c, "TCP", "orphan"), Some(1));
        assert_eq!(counter(&c, "TCP", "mem"), Some(5));
        assert_eq!(counter(&c, "FRAG", "memory"), Some(0));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse("").is_err());
        assert!(parse("TCP: inuse\n").is_err());
        assert!(parse("TCP: inuse x\n").is_err());
        assert!(parse("no colon here\n").is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
