//! The process's own cgroup limits: `/proc/self/cgroup` (cgroups(7)) locates the cgroup,
//! `/proc/self/mountinfo` the hierarchy's mount; the files are read below the sys root.
//!
//! v2: pids.current, pids.max, pids.events ("max N" = refused forks), memory.current,
//! memory.max, memory.events (max, oom, oom_kill). v1: the same pids files under the pids
//! controller; memory.usage_in_bytes, memory.limit_in_bytes, memory.failcnt, memory.oom_control.

use std::path::{Path, PathBuf};

use crate::collect::mountinfo::MountEntry;
use crate::collect::text::{limit_u64, single_u64};
use crate::collect::{ParseError, Roots, SourceError, read_parsed};
use crate::model::{Cgroup, CgroupMemory, CgroupPids, Reading};

/// One line of /proc/self/cgroup: "hierarchy-id:controllers:path".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub controllers: Vec<String>,
    pub path: String,
}

pub fn parse_membership(text: &str) -> Result<Vec<Membership>, ParseError> {
    let list: Vec<Membership> = text
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ':');
            let _id = parts.next()?;
            let controllers = parts.next()?;
            let path = parts.next()?;
            Some(Membership {
                controllers: controllers
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_string)
                    .collect(),
                path: path.to_string(),
            })
        })
        .collect();
    if list.is_empty() {
        return Err(ParseError::new(
            1,
            "cgroup",
            "no \"id:controllers:path\" line",
        ));
    }
    Ok(list)
}

/// Key/value lines such as pids.events or memory.events.
pub fn parse_events(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once(' ')?;
        (k == key).then(|| v.trim().parse().ok()).flatten()
    })
}

/// v1 reports "no limit" as the largest page-aligned value; anything this large is unlimited.
fn v1_limit(v: u64) -> Option<u64> {
    (v < 1 << 62).then_some(v)
}

/// Where a controller's files are: (version, directory as the kernel names it, path below sys root).
pub(crate) fn locate(
    roots: &Roots,
    members: &[Membership],
    mounts: &[MountEntry],
    controller: &str,
) -> Option<(u8, String, PathBuf)> {
    let v1 = members
        .iter()
        .find(|m| m.controllers.iter().any(|c| c == controller))
        .and_then(|m| {
            let mount = mounts.iter().find(|mt| {
                mt.fstype == "cgroup" && mt.super_options.split(',').any(|o| o == controller)
            })?;
            Some((1, mount, &m.path))
        });
    let v2 = || {
        let m = members.iter().find(|m| m.controllers.is_empty())?;
        let mount = mounts.iter().find(|mt| mt.fstype == "cgroup2")?;
        Some((2, mount, &m.path))
    };
    let (version, mount, path) = v1.or_else(v2)?;
    let rel = path
        .strip_prefix(mount.root.trim_end_matches('/'))
        .unwrap_or(path);
    let dir = format!(
        "{}/{}",
        mount.mountpoint.trim_end_matches('/'),
        rel.trim_start_matches('/')
    );
    let dir = dir.trim_end_matches('/').to_string();
    let under_root = roots.sys_abs(&dir);
    Some((version, dir, under_root))
}

fn file_u64(dir: &Path, name: &str) -> Result<u64, SourceError> {
    read_parsed(&dir.join(name), |t| single_u64(t, name))
}

/// A key/value file that may be absent (older kernels lack some).
fn events_text(dir: &Path, file: &str) -> Option<String> {
    crate::collect::read_text(&dir.join(file)).ok()
}

fn event(text: &Option<String>, key: &str) -> Option<u64> {
    text.as_deref().and_then(|t| parse_events(t, key))
}

fn read_pids(version: u8, dir: String, path: &Path) -> Reading<CgroupPids> {
    let max = read_parsed(&path.join("pids.max"), |t| limit_u64(t, "pids.max"))?;
    Ok(CgroupPids {
        version,
        current: file_u64(path, "pids.current")?,
        max,
        refused: event(&events_text(path, "pids.events"), "max"),
        dir,
    })
}

fn read_memory(version: u8, dir: String, path: &Path) -> Reading<CgroupMemory> {
    if version == 2 {
        let max = read_parsed(&path.join("memory.max"), |t| limit_u64(t, "memory.max"))?;
        let events = events_text(path, "memory.events");
        return Ok(CgroupMemory {
            version,
            current: file_u64(path, "memory.current")?,
            max,
            failures: event(&events, "max"),
            oom: event(&events, "oom"),
            oom_kill: event(&events, "oom_kill"),
            dir,
        });
    }
    let oom_control = events_text(path, "memory.oom_control");
    Ok(CgroupMemory {
        version,
        current: file_u64(path, "memory.usage_in_bytes")?,
        max: v1_limit(file_u64(path, "memory.limit_in_bytes")?),
        failures: file_u64(path, "memory.failcnt").ok(),
        oom: event(&oom_control, "under_oom"),
        oom_kill: event(&oom_control, "oom_kill"),
        dir,
    })
}

fn no_controller(roots: &Roots, controller: &str) -> SourceError {
    SourceError::Missing {
        path: format!(
            "{} ({controller} controller not mounted)",
            roots.proc_path("self/cgroup").display()
        ),
    }
}

pub fn read(roots: &Roots, mounts: &Reading<Vec<MountEntry>>) -> Reading<Cgroup> {
    let members = read_parsed(&roots.proc_path("self/cgroup"), parse_membership)?;
    let mounts = mounts.as_ref().map_err(Clone::clone)?;
    let pids = match locate(roots, &members, mounts, "pids") {
        Some((v, dir, path)) => read_pids(v, dir, &path),
        None => Err(no_controller(roots, "pids")),
    };
    let memory = match locate(roots, &members, mounts, "memory") {
        Some((v, dir, path)) => read_memory(v, dir, &path),
        None => Err(no_controller(roots, "memory")),
    };
    Ok(Cgroup { pids, memory })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::mountinfo;
    use proptest::prelude::*;

    #[test]
    fn membership_lines() {
        let m = parse_membership("12:pids:/user.slice\n4:memory:/a/b\n1:name=systemd:/\n0::/c\n")
            .unwrap();
        assert_eq!(m.len(), 4);
        assert_eq!(m[0].controllers, vec!["pids"]);
        assert_eq!(m[3].controllers, Vec::<String>::new());
        assert_eq!(m[3].path, "/c");
        assert!(parse_membership("").is_err());
    }

    #[test]
    fn events_keys() {
        let t = "low 0\nhigh 3\nmax 17\noom 2\noom_kill 1\n";
        assert_eq!(parse_events(t, "max"), Some(17));
        assert_eq!(parse_events(t, "oom_kill"), Some(1));
        assert_eq!(parse_events(t, "nope"), None);
    }

    #[test]
    fn locates_v1_below_mount_root() {
        let roots = Roots::new("/p", "/s");
        let members = parse_membership("4:memory:/lxc/a/b\n0::/\n").unwrap();
        let mounts = mountinfo::parse(
            "35 31 0:32 /lxc/a /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n\
             41 31 0:38 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
        )
        .unwrap();
        let (v, dir, path) = locate(&roots, &members, &mounts, "memory").unwrap();
        assert_eq!((v, dir.as_str()), (1, "/sys/fs/cgroup/memory/b"));
        assert_eq!(path, PathBuf::from("/s/fs/cgroup/memory/b"));
        let (v, dir, _) = locate(&roots, &members, &mounts, "pids").unwrap();
        assert_eq!((v, dir.as_str()), (2, "/sys/fs/cgroup"));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*", k in "[a-z]{0,4}") {
            let _ = parse_membership(&s);
            let _ = parse_events(&s, &k);
        }
    }
}
