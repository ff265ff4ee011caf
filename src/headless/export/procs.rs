//! Per-command process metrics: the [`TOP`] commands by fds and the [`TOP`] by sockets, so the
//! number of series stays bounded however many processes run.

use std::collections::BTreeSet;

use super::{family, sample};
use crate::derive::procs::{ProcGroup, ProcsView};

/// Commands exported per ranking.
pub const TOP: usize = 10;

/// A group's values of one metric, by protocol label ("" for none).
type Values = fn(&ProcGroup) -> Vec<(&'static str, u64)>;

pub fn write(out: &mut String, v: &ProcsView) {
    let mut chosen: BTreeSet<&str> = BTreeSet::new();
    chosen.extend(v.groups.iter().take(TOP).map(|g| g.comm.as_str()));
    let mut by_sockets: Vec<_> = v.groups.iter().filter(|g| g.sockets > 0).collect();
    by_sockets.sort_by_key(|g| std::cmp::Reverse(g.sockets));
    chosen.extend(by_sockets.iter().take(TOP).map(|g| g.comm.as_str()));
    let groups: Vec<_> = v
        .groups
        .iter()
        .filter(|g| chosen.contains(g.comm.as_str()))
        .collect();
    let gauges: [(&str, &str, Values); 4] = [
        (
            "headroom_process_group_processes",
            "Processes running this command.",
            |g| vec![("", g.count)],
        ),
        (
            "headroom_process_group_fds",
            "Open file descriptors held by processes of this command.",
            |g| vec![("", g.fds)],
        ),
        (
            "headroom_process_group_sockets",
            "Sockets held by processes of this command, by protocol.",
            |g| vec![("tcp", g.tcp), ("udp", g.udp), ("unix", g.unix)],
        ),
        (
            "headroom_process_group_resident_bytes",
            "Resident memory of processes of this command.",
            |g| vec![("", g.rss_bytes)],
        ),
    ];
    for (name, help, values) in gauges {
        family(out, name, "gauge", help);
        for g in &groups {
            for (proto, n) in values(g) {
                let labels: &[(&str, &str)] = if proto.is_empty() {
                    &[("command", &g.comm)]
                } else {
                    &[("command", &g.comm), ("protocol", proto)]
                };
                sample(out, name, labels, n as f64);
            }
        }
    }
    family(
        out,
        "headroom_processes_hidden",
        "gauge",
        "Processes whose descriptors this user may not read.",
    );
    sample(out, "headroom_processes_hidden", &[], v.hidden as f64);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(comm: &str, fds: u64, unix: u64) -> ProcGroup {
        ProcGroup {
            comm: comm.into(),
            count: 2,
            fds,
            sockets: unix,
            tcp: 0,
            udp: 0,
            unix,
            threads: 2,
            rss_bytes: 1024,
            parent: None,
            top_peer: None,
            label: String::new(),
        }
    }

    #[test]
    fn top_commands_by_fds_and_by_sockets_only() {
        let mut groups: Vec<ProcGroup> =
            (0..30).map(|i| g(&format!("c{i}"), 1000 - i, 0)).collect();
        groups.push(g("cleanup", 5, 348));
        let v = ProcsView {
            groups: groups.into(),
            ..ProcsView::default()
        };
        let mut out = String::new();
        write(&mut out, &v);
        let series = out
            .lines()
            .filter(|l| l.starts_with("headroom_process_group_fds{"))
            .count();
        assert_eq!(series, TOP + 1);
        assert!(
            out.contains(
                "headroom_process_group_sockets{command=\"cleanup\",protocol=\"unix\"} 348\n"
            ),
            "{out}"
        );
        assert!(!out.contains("command=\"c29\""));
        assert!(out.contains("headroom_processes_hidden 0\n"));
    }
}
