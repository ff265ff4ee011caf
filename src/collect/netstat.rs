//! /proc/net/netstat and /proc/net/snmp: protocol counters as pairs of lines, one of names and
//! one of values, both prefixed by the section (proc(5); `nstat` reads the same).
//!
//! ```text
//! TcpExt: SyncookiesSent ListenOverflows ListenDrops
//! TcpExt: 0 12 12
//! ```

use std::collections::BTreeMap;

use crate::collect::{ParseError, Roots, read_parsed};
use crate::model::{Counters, Reading};

/// Parses header/value line pairs. Values that are not counters (snmp's `Tcp: MaxConn` is
/// -1) are left out; a value line that does not match its header is an error.
pub fn parse(text: &str) -> Result<Counters, ParseError> {
    let mut out = Counters::new();
    let mut lines = text.lines().enumerate();
    while let Some((i, names)) = lines.next() {
        let Some((section, names)) = names.split_once(':') else {
            continue;
        };
        let Some((j, values)) = lines.next() else {
            return Err(ParseError::new(
                i + 1,
                section,
                "names without a line of values",
            ));
        };
        let Some((vsection, values)) = values.split_once(':') else {
            return Err(ParseError::new(
                j + 1,
                section,
                "the line of values has no section",
            ));
        };
        if vsection != section {
            return Err(ParseError::new(
                j + 1,
                section,
                format!("values are for {vsection:?}"),
            ));
        }
        let names: Vec<&str> = names.split_whitespace().collect();
        let values: Vec<&str> = values.split_whitespace().collect();
        if names.len() != values.len() {
            return Err(ParseError::new(
                j + 1,
                section,
                format!("{} names but {} values", names.len(), values.len()),
            ));
        }
        let table: &mut BTreeMap<String, u64> = out.entry(section.trim().to_string()).or_default();
        for (name, value) in names.iter().zip(values) {
            if let Ok(v) = value.parse::<u64>() {
                table.insert((*name).to_string(), v);
            }
        }
    }
    if out.is_empty() {
        return Err(ParseError::new(0, "netstat", "no counters"));
    }
    Ok(out)
}

/// /proc/net/netstat (TcpExt: ListenOverflows, ListenDrops, ...).
pub fn read(roots: &Roots) -> Reading<Counters> {
    read_parsed(&roots.proc_path("net/netstat"), parse)
}

/// /proc/net/snmp (Tcp: ActiveOpens, CurrEstab, ...).
pub fn read_snmp(roots: &Roots) -> Reading<Counters> {
    read_parsed(&roots.proc_path("net/snmp"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::counter;
    use proptest::prelude::*;

    #[test]
    fn reads_pairs_and_skips_negative_values() {
        let c = parse(
            "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 12 13\n\
             Tcp: RtoAlgorithm MaxConn ActiveOpens\nTcp: 1 -1 42\n",
        )
        .unwrap();
        assert_eq!(counter(&c, "TcpExt", "ListenOverflows"), Some(12));
        assert_eq!(counter(&c, "TcpExt", "ListenDrops"), Some(13));
        assert_eq!(counter(&c, "Tcp", "MaxConn"), None);
        assert_eq!(counter(&c, "Tcp", "ActiveOpens"), Some(42));
    }

    #[test]
    fn rejects_mismatches() {
        assert!(parse("").is_err());
        assert!(parse("TcpExt: A B\n").is_err());
        assert!(parse("TcpExt: A B\nTcpExt: 1\n").is_err());
        assert!(parse("TcpExt: A B\nIpExt: 1 2\n").is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn arbitrary_pairs_never_panic(a in "[A-Za-z ]{0,40}", b in "[0-9 -]{0,40}") {
            let _ = parse(&format!("TcpExt:{a}\nTcpExt:{b}\n"));
        }
    }
}
