//! Processes in `snapshot --json`: the `processes` and `process_groups` keys.
//!
//! `processes`: the top [`TOP`] by fds, then any other process named as a limit's consumer,
//! each `{pid, ppid, comm, cmdline, user, state, threads, fds, fd_limit, sockets, tcp, udp,
//! unix, rss_bytes, fd_growth_per_min, rss_growth_per_min, cgroup}` (growth null with one
//! reading); `process_groups`: `{comm, count, fds, sockets, tcp, udp, unix, threads, rss_bytes}`
//! per command, largest first. Both are the Processes pane's rows and groups as they serialize
//! ([`ProcRow`], [`ProcGroup`]).

use std::collections::HashSet;
use std::io::Write;

use crate::derive::procs::{ProcGroup, ProcRow, ProcsView};
use crate::derive::{Derived, LimitView};
use crate::limits::Consumer;

/// Processes listed by fds before the limits' consumers.
pub const TOP: usize = 50;

/// The top by fds (rows come most fds first), then the limits' consumers not among them.
pub fn processes(d: &Derived) -> Vec<&ProcRow> {
    let consumers: HashSet<u32> = d
        .limits
        .iter()
        .flat_map(|v: &LimitView| &v.limit.consumers)
        .filter_map(|c| match c {
            Consumer::Process { pid, .. } => Some(*pid),
            Consumer::Group { .. } => None,
        })
        .collect();
    let rows = &d.procs.rows;
    rows.iter()
        .take(TOP)
        .chain(rows.iter().skip(TOP).filter(|r| consumers.contains(&r.pid)))
        .collect()
}

pub fn groups(d: &Derived) -> &[ProcGroup] {
    &d.procs.groups
}

/// The text report's lines: leaks first, then the largest groups and what is hidden.
pub fn write_text(v: &ProcsView, out: &mut impl Write) -> std::io::Result<()> {
    if let Some(e) = &v.error {
        return writeln!(out, "processes: {e}");
    }
    for r in v.rows.iter().filter(|r| r.leak.is_some()).take(5) {
        if let Some(l) = &r.leak {
            writeln!(out, "leak: {}[{}] {}", r.comm, r.pid, l.text)?;
        }
    }
    let labels: Vec<&str> = v.groups.iter().take(5).map(|g| g.label.as_str()).collect();
    writeln!(out, "processes by fds: {}", labels.join("; "))?;
    if let Some(note) = &v.hidden_note {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use crate::collect::{Collector, Roots};
    use crate::derive::Deriver;
    use crate::headless::snapshot::Report;

    fn keys(v: &serde_json::Value) -> Vec<String> {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    }

    fn sorted(names: &str) -> Vec<String> {
        let mut k: Vec<String> = names.split_whitespace().map(str::to_string).collect();
        k.sort();
        k
    }

    #[test]
    fn the_json_contract() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/procs");
        let snap = Collector::new(Roots::fixture(dir)).sample();
        let d = Deriver::default().update(&snap);
        let json = serde_json::to_value(Report::new(&snap, &d)).unwrap();
        let procs = json["processes"].as_array().unwrap();
        let bash = procs.iter().find(|p| p["pid"] == 4242).unwrap();
        assert_eq!(
            keys(bash),
            sorted(
                "pid ppid comm cmdline user state threads fds fd_limit sockets tcp udp unix \
                 rss_bytes fd_growth_per_min rss_growth_per_min cgroup"
            )
        );
        assert_eq!(bash["fds"], 13);
        assert_eq!(bash["fd_growth_per_min"], serde_json::Value::Null);
        assert_eq!(procs[0]["pid"], 4242, "most fds first");
        let groups = json["process_groups"].as_array().unwrap();
        assert_eq!(
            keys(&groups[0]),
            sorted("comm count fds sockets tcp udp unix threads rss_bytes")
        );
        let mut text = Vec::new();
        super::write_text(&d.procs, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(
            text.contains("processes by fds: bash ×1 · 1 TCP to 127.0.0.1:11211"),
            "{text}"
        );
    }
}
