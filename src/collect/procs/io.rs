//! /proc/PID/io (proc(5)): bytes a process made the storage layer read and write, parsed by
//! the procfs crate. Readable by the process's owner (and root) only.

use procfs::FromRead;

use crate::collect::ParseError;

/// (read_bytes, write_bytes).
pub fn parse(text: &str) -> Result<(u64, u64), ParseError> {
    // procfs cuts the last character off each key by byte; only ASCII is safe to hand it.
    if !text.is_ascii() {
        return Err(ParseError::new(0, "io", "not ASCII"));
    }
    let io = procfs::process::Io::from_read(text.as_bytes())
        .map_err(|e| ParseError::new(0, "io", e.to_string()))?;
    Ok((io.read_bytes, io.write_bytes))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_storage_bytes() {
        let text = include_str!("../../../tests/fixtures/procs/proc/4242/io");
        assert_eq!(parse(text), Ok((4_096_000, 123_456)));
        assert!(parse("rchar: 1\n").is_err());
        assert!(parse("rchar: é\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
