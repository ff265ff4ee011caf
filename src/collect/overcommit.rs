//! Overcommit: `Committed_AS` and `CommitLimit` of `/proc/meminfo` (proc(5)) with
//! `vm.overcommit_memory` (Documentation/mm/overcommit-accounting.rst); under mode 2 an
//! allocation that would take Committed_AS past CommitLimit fails with ENOMEM.

use crate::collect::sysctl_cache::SysctlCache;
use crate::collect::text::u64_field;
use crate::collect::{ParseError, Roots, SourceError, parse_text};
use crate::model::Reading;
use crate::model::overcommit::Overcommit;

/// (Committed_AS, CommitLimit) in bytes.
pub fn parse_meminfo(text: &str) -> Result<(u64, u64), ParseError> {
    let (mut committed, mut limit) = (None, None);
    for (i, line) in text.lines().enumerate() {
        let Some((key, rest)) = line.split_once(':') else {
            continue;
        };
        let slot = match key {
            "Committed_AS" => &mut committed,
            "CommitLimit" => &mut limit,
            _ => continue,
        };
        let kb = rest.trim().trim_end_matches("kB");
        *slot = Some(u64_field(i + 1, key, kb)?.saturating_mul(1024));
    }
    match (committed, limit) {
        (Some(c), Some(l)) => Ok((c, l)),
        _ => Err(ParseError::new(
            0,
            "CommitLimit",
            "Committed_AS or CommitLimit absent",
        )),
    }
}

/// The commitments from the sample's reading of /proc/meminfo (`meminfo`, which the memory
/// charts parse too), the mode from `limits`.
pub fn read(
    roots: &Roots,
    meminfo: &Result<String, SourceError>,
    limits: &mut SysctlCache,
) -> Reading<Overcommit> {
    let mode = limits.u64(roots, "vm/overcommit_memory")?;
    let (committed_bytes, limit_bytes) =
        parse_text(&roots.proc_path("meminfo"), meminfo, parse_meminfo)?;
    Ok(Overcommit {
        mode,
        committed_bytes,
        limit_bytes,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn commit_lines() {
        let t = "MemTotal: 100 kB\nCommitLimit:     2000 kB\nCommitted_AS:    1500 kB\n";
        assert_eq!(parse_meminfo(t), Ok((1_536_000, 2_048_000)));
        assert!(parse_meminfo("MemTotal: 100 kB\n").is_err());
        assert!(parse_meminfo("CommitLimit: x kB\nCommitted_AS: 1 kB").is_err());
    }

    #[test]
    fn live_reading() {
        let roots = Roots::default();
        let meminfo = crate::collect::read_text(&roots.proc_path("meminfo"));
        let o = read(&roots, &meminfo, &mut SysctlCache::default()).unwrap();
        assert!(o.limit_bytes > 0 && o.mode <= 2);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_meminfo(&s);
        }
    }
}
