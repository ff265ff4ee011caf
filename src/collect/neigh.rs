//! Neighbour tables (ARP for IPv4, NDP for IPv6): each table's size over every network
//! namespace against `gc_thresh3`, above which no entry is added ("neighbor table overflow"),
//! its refusals, and the entries of our own namespace. See arp(7), ndisc, ip-sysctl.
//!
//! The live machine is read through netlink ([`netlink`]), which works in any namespace: a
//! container sees the shared table and its own IPv6 neighbours. Where netlink is not there
//! (a captured tree, or a socket refused), the files: `/proc/net/stat/arp_cache` and
//! `ndisc_cache` (one line per CPU, hex columns headed "entries ... table_fulls"),
//! `net.ipv{4,6}.neigh.default.gc_thresh3` (these two exist only in the first namespace) and
//! `/proc/net/arp` (one line per IPv4 entry of our namespace; in other namespaces the table
//! is counted from it, IPv6 not at all, and refusals are not known).

pub mod netlink;

use crate::collect::sysctl_cache::SysctlCache;
use crate::collect::{ParseError, Roots, SourceError, read_parsed};
use crate::model::Reading;
use crate::model::netlimits::Neigh;

/// (entries, table_fulls): entries is the same on every CPU line, table_fulls is per CPU.
pub fn parse_stat(text: &str) -> Result<(u64, u64), ParseError> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| ParseError::new(1, "header", "empty"))?
        .split_whitespace()
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .ok_or_else(|| ParseError::new(1, name, "no such column"))
    };
    let (entries_col, fulls_col) = (col("entries")?, col("table_fulls")?);
    let hex = |n: usize, item: &str, w: Option<&str>| -> Result<u64, ParseError> {
        let w = w.ok_or_else(|| ParseError::new(n, item, "missing"))?;
        u64::from_str_radix(w, 16).map_err(|e| ParseError::new(n, item, format!("{w:?}: {e}")))
    };
    let (mut entries, mut fulls, mut seen) = (0, 0u64, false);
    for (i, line) in lines.enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        entries = hex(i + 2, "entries", words.get(entries_col).copied())?;
        fulls = fulls.saturating_add(hex(i + 2, "table_fulls", words.get(fulls_col).copied())?);
        seen = true;
    }
    if !seen {
        return Err(ParseError::new(2, "entries", "no CPU line"));
    }
    Ok((entries, fulls))
}

/// Entries of /proc/net/arp: every line after the header.
pub fn parse_arp(text: &str) -> Result<u64, ParseError> {
    let mut lines = text.lines();
    match lines.next() {
        Some(h) if h.starts_with("IP address") => {
            Ok(lines.filter(|l| !l.trim().is_empty()).count() as u64)
        }
        _ => Err(ParseError::new(1, "header", "not \"IP address ...\"")),
    }
}

fn read_one(
    roots: &Roots,
    limits: &mut SysctlCache,
    cache: &str,
    family: &str,
    fallback: Option<&str>,
) -> Reading<Neigh> {
    let gc_thresh3 = limits.u64(roots, &format!("net/{family}/neigh/default/gc_thresh3"))?;
    let here = (family == "ipv4").then(|| read_here(roots));
    let (entries, table_fulls) =
        match read_parsed(&roots.proc_path(&format!("net/stat/{cache}")), parse_stat) {
            Ok((entries, fulls)) => (entries, Some(fulls)),
            // Only the first network namespace has the statistics; others count their lines.
            Err(e) if e.is_missing() => match here.clone() {
                Some(Ok(n)) => (n, None),
                _ => return Err(e),
            },
            Err(e) => return Err(e),
        };
    Ok(Neigh {
        entries,
        table_fulls,
        here: here.and_then(Result::ok),
        gc_thresh3,
        permanent: None,
        fallback: fallback.map(str::to_string),
    })
}

/// One family of a netlink dump.
fn from_netlink(f: netlink::Family, cache: &str) -> Reading<Neigh> {
    let t = f.table.ok_or_else(|| SourceError::Missing {
        path: format!("netlink {cache}"),
    })?;
    Ok(Neigh {
        entries: t.entries,
        table_fulls: Some(t.table_fulls),
        here: Some(f.here),
        gc_thresh3: t.gc_thresh3,
        permanent: Some(f.permanent),
        fallback: None,
    })
}

/// IPv4 entries of the network namespace the proc root belongs to (`/proc/PID` works too).
pub fn read_here(roots: &Roots) -> Reading<u64> {
    read_parsed(&roots.proc_path("net/arp"), parse_arp)
}

/// The IPv4 and IPv6 tables: through netlink on the live machine, from /proc when it fails
/// (the reason is kept) or for a captured tree.
pub fn read(roots: &Roots, limits: &mut SysctlCache) -> (Reading<Neigh>, Reading<Neigh>) {
    let mut fallback = None;
    if roots.is_live() {
        match netlink::dump() {
            Ok(d) => {
                return (
                    from_netlink(d.v4, "arp_cache"),
                    from_netlink(d.v6, "ndisc_cache"),
                );
            }
            Err(e) => fallback = Some(e.to_string()),
        }
    }
    let fallback = fallback.as_deref();
    (
        read_one(roots, limits, "arp_cache", "ipv4", fallback),
        read_one(roots, limits, "ndisc_cache", "ipv6", fallback),
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const STAT: &str = "entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n\
00000400 00000001 00000000 00000000   00000004 00000000 00000000   00000000         00000000         0000003c         00000000       00000000            0000000a\n\
00000400 00000001 00000000 00000000   00000009 00000009 00000000   00000000         00000000         00000000         00000000       00000000            00000002\n";

    #[test]
    fn stat_and_arp() {
        assert_eq!(parse_stat(STAT), Ok((1024, 12)));
        assert!(parse_stat("entries table_fulls\n").is_err());
        assert!(parse_stat("entries table_fulls\nzz 1\n").is_err());
        assert!(parse_stat("").is_err());
        let arp = "IP address       HW type     Flags       HW address            Mask     Device\n\
                   10.0.0.1         0x1         0x2         52:54:00:12:35:02     *        eth0\n";
        assert_eq!(parse_arp(arp), Ok(1));
        assert!(parse_arp("nonsense").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_stat(&s);
            let _ = parse_arp(&s);
        }
    }
}
