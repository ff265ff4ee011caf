//! Section/name counter tables: `/proc/net/sockstat` and `sockstat6` (one line per protocol,
//! "TCP: inuse 3 orphan 0 ..."), and `/proc/net/netstat` and `snmp` (a header line of names
//! followed by a line of values, both starting "TcpExt:"). See proc(5).

use crate::collect::ParseError;
use crate::model::Counters;

/// "SECTION: name value name value ..." lines.
pub fn parse_pairs(text: &str) -> Result<Counters, ParseError> {
    let mut out = Counters::new();
    for line in text.lines() {
        let Some((section, rest)) = line.split_once(':') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let entry = out.entry(section.trim().to_string()).or_default();
        for pair in words.chunks_exact(2) {
            if let [name, value] = pair
                && let Ok(v) = value.parse::<u64>()
            {
                entry.insert((*name).to_string(), v);
            }
        }
    }
    out.retain(|_, v| !v.is_empty());
    if out.is_empty() {
        return Err(ParseError::new(
            1,
            "sockstat",
            "no \"PROTO: name value\" line",
        ));
    }
    Ok(out)
}

/// Header/value line pairs: "TcpExt: A B C" then "TcpExt: 1 2 3". A section whose values are
/// missing (a truncated file) is left out.
pub fn parse_tables(text: &str) -> Result<Counters, ParseError> {
    let mut out = Counters::new();
    let mut header: Option<(&str, Vec<&str>)> = None;
    for line in text.lines() {
        let Some((section, rest)) = line.split_once(':') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        match header.take() {
            Some((h, names)) if h == section => {
                let entry = out.entry(section.to_string()).or_default();
                for (name, value) in names.iter().zip(&words) {
                    // Some snmp values are signed (Tcp MaxConn is -1); those are left out.
                    if let Ok(v) = value.parse::<u64>() {
                        entry.insert((*name).to_string(), v);
                    }
                }
            }
            _ => header = Some((section, words)),
        }
    }
    out.retain(|_, v| !v.is_empty());
    if out.is_empty() {
        return Err(ParseError::new(1, "netstat", "no header/value line pair"));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::counter;
    use proptest::prelude::*;

    #[test]
    fn sockstat_pairs() {
        let t = "sockets: used 12\nTCP: inuse 1 orphan 21000 tw 3 alloc 1 mem 225\nUDP: inuse 0 mem 0\nFRAG: inuse 0 memory 0\n";
        let c = parse_pairs(t).unwrap();
        assert_eq!(counter(&c, "TCP", "orphan"), Some(21000));
        assert_eq!(counter(&c, "sockets", "used"), Some(12));
        assert_eq!(counter(&c, "FRAG", "memory"), Some(0));
        assert!(parse_pairs("junk").is_err());
        let cut = parse_pairs("TCP: inuse 1 orph").unwrap();
        assert_eq!(counter(&cut, "TCP", "inuse"), Some(1));
        assert_eq!(counter(&cut, "TCP", "orph"), None);
    }

    #[test]
    fn netstat_tables() {
        let t = "TcpExt: SyncookiesSent ListenOverflows ListenDrops\nTcpExt: 0 7 9\nIpExt: InNoRoutes\nIpExt: 4\nTcp: RtoMin MaxConn\nTcp: 200 -1\n";
        let c = parse_tables(t).unwrap();
        assert_eq!(counter(&c, "TcpExt", "ListenOverflows"), Some(7));
        assert_eq!(counter(&c, "IpExt", "InNoRoutes"), Some(4));
        assert_eq!(counter(&c, "Tcp", "MaxConn"), None);
        let cut = parse_tables("TcpExt: A B\nTcpExt: 1 2\nIpExt: C D\n").unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(cut.len(), 1);
        assert!(parse_tables("").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_pairs(&s);
            let _ = parse_tables(&s);
        }
    }
}
