//! Whether /proc hides other users' processes: the `hidepid=` option of the proc mount in
//! `/proc/self/mountinfo` (proc(5), "Mount options"). With it an unprivileged user sees only
//! their own processes (or cannot read the others' files), so every per-process figure is
//! partial and headroom says so.

use std::fmt;

use crate::collect::{Roots, read_text};

/// How far /proc hides the processes of other users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HidePid {
    /// hidepid=1 (`noaccess`): listed, but their files cannot be read.
    NoAccess,
    /// hidepid=2 (`invisible`): not even listed.
    Invisible,
    /// hidepid=4 (`ptraceable`): only those this user may ptrace are listed.
    Ptraceable,
}

/// The hidepid setting of the proc mount, and the group exempted from it (`gid=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ProcHiding {
    pub hidepid: HidePid,
    pub gid: Option<u32>,
}

impl HidePid {
    /// The value as the kernel writes it since 5.8.
    pub fn name(self) -> &'static str {
        match self {
            Self::NoAccess => "noaccess",
            Self::Invisible => "invisible",
            Self::Ptraceable => "ptraceable",
        }
    }

    fn from_option(value: &str) -> Option<Self> {
        match value {
            "1" | "noaccess" => Some(Self::NoAccess),
            "2" | "invisible" => Some(Self::Invisible),
            "4" | "ptraceable" => Some(Self::Ptraceable),
            _ => None,
        }
    }
}

impl fmt::Display for ProcHiding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.hidepid {
            HidePid::NoAccess => "other users' processes cannot be read",
            HidePid::Invisible => "other users' processes are not even listed",
            HidePid::Ptraceable => "only processes this user may trace are listed",
        };
        write!(
            f,
            "/proc is mounted with hidepid={}: {what}",
            self.hidepid.name()
        )?;
        match self.gid {
            Some(gid) => write!(f, " (group {gid} and root see all)"),
            None => write!(f, " (root sees all)"),
        }
    }
}

/// The hiding of the proc mount at `/proc` (the last one there: it covers the others; when
/// none is mounted there, the first proc mount) from the text of a mountinfo file; None when nothing is hidden. The option is read
/// from the per-mount options and the superblock options alike (kernels put it in either).
pub fn detect(mountinfo: &str) -> Option<ProcHiding> {
    let procs: Vec<(&str, Vec<&str>)> = mountinfo.lines().filter_map(proc_mount).collect();
    // Mounts are listed in mount order: the last one at /proc covers those before it.
    let (_, options) = procs
        .iter()
        .rev()
        .find(|(point, _)| *point == "/proc")
        .or_else(|| procs.first())?;
    let value = |key: &str| {
        options
            .iter()
            .rev()
            .find_map(|o| o.strip_prefix(key)?.strip_prefix('='))
    };
    Some(ProcHiding {
        hidepid: HidePid::from_option(value("hidepid")?)?,
        gid: value("gid").and_then(|g| g.parse().ok()),
    })
}

/// A proc mount's mount point and options (per-mount, then superblock), or None.
fn proc_mount(line: &str) -> Option<(&str, Vec<&str>)> {
    let (head, tail) = line.split_once(" - ")?;
    let mut head = head.split_whitespace().skip(4);
    let point = head.next()?;
    let mount_options = head.next().unwrap_or("");
    let mut tail = tail.split_whitespace();
    if tail.next()? != "proc" {
        return None;
    }
    let super_options = tail.nth(1).unwrap_or("");
    let options = mount_options
        .split(',')
        .chain(super_options.split(','))
        .collect();
    Some((point, options))
}

/// Reads the mountinfo of this process under the roots; None when unreadable or not hidden.
pub fn read(roots: &Roots) -> Option<ProcHiding> {
    read_text(&roots.proc_path("self/mountinfo"))
        .ok()
        .and_then(|t| detect(&t))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const SYSTEMD: &str = "22 27 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:13 - proc proc rw\n\
23 27 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:2 - sysfs sysfs rw\n";

    #[test]
    fn a_plain_proc_hides_nothing() {
        assert_eq!(detect(SYSTEMD), None);
        assert_eq!(detect(""), None);
        assert_eq!(detect("garbage\n - \n1 2 3\n"), None);
    }

    #[test]
    fn every_spelling_of_hidepid_is_recognised() {
        let cases = [
            // Kernels before 5.8: numbers, in the superblock options.
            (
                "22 27 0:21 / /proc rw,relatime - proc proc rw,hidepid=2",
                HidePid::Invisible,
                None,
            ),
            (
                "22 27 0:21 / /proc rw,relatime - proc proc rw,gid=27,hidepid=1",
                HidePid::NoAccess,
                Some(27),
            ),
            // Since 5.8: names, per mount.
            (
                "22 27 0:21 / /proc rw,nosuid,hidepid=invisible,gid=1001 shared:13 - proc proc rw",
                HidePid::Invisible,
                Some(1001),
            ),
            (
                "22 27 0:21 / /proc rw - proc proc rw,hidepid=noaccess",
                HidePid::NoAccess,
                None,
            ),
            (
                "22 27 0:21 / /proc rw - proc proc rw,hidepid=ptraceable",
                HidePid::Ptraceable,
                None,
            ),
        ];
        for (line, hidepid, gid) in cases {
            assert_eq!(detect(line), Some(ProcHiding { hidepid, gid }), "{line}");
        }
        for off in ["hidepid=0", "hidepid=off", "hidepid=", "hidepid=9"] {
            let line = format!("22 27 0:21 / /proc rw - proc proc rw,{off}");
            assert_eq!(detect(&line), None, "{line}");
        }
    }

    #[test]
    fn the_proc_at_slash_proc_counts_over_other_proc_mounts() {
        // A container's own proc elsewhere, then the host's at /proc.
        let text = "30 27 0:40 / /srv/jail/proc rw - proc proc rw,hidepid=2\n\
22 27 0:21 / /proc rw - proc proc rw\n";
        assert_eq!(detect(text), None);
        // A second proc mounted over the first (as `mount -t proc -o hidepid=2 proc /proc`
        // in a mount namespace leaves it): the one on top counts.
        let text = "22 27 0:21 / /proc rw - proc proc rw\n\
85 22 0:40 / /proc rw,relatime - proc proc rw,hidepid=invisible\n";
        assert_eq!(detect(text).unwrap().hidepid, HidePid::Invisible);
        // No proc at /proc: the first one found speaks.
        let text = "30 27 0:40 / /srv/jail/proc rw - proc proc rw,hidepid=2\n";
        assert_eq!(detect(text).unwrap().hidepid, HidePid::Invisible);
        // Not proc at all, whatever its options.
        assert_eq!(
            detect("22 27 0:21 / /proc rw - tmpfs tmpfs rw,hidepid=2"),
            None
        );
    }

    #[test]
    fn the_message_says_what_is_hidden_and_who_sees_all() {
        let h = detect("22 27 0:21 / /proc rw - proc proc rw,hidepid=2,gid=4").unwrap();
        assert_eq!(
            h.to_string(),
            "/proc is mounted with hidepid=invisible: other users' processes are not even \
             listed (group 4 and root see all)"
        );
        let h = detect("22 27 0:21 / /proc rw - proc proc rw,hidepid=1").unwrap();
        assert!(h.to_string().ends_with("cannot be read (root sees all)"));
    }

    #[test]
    fn reads_the_mountinfo_of_a_captured_tree() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("proc/self")).unwrap();
        std::fs::write(
            tmp.path().join("proc/self/mountinfo"),
            "22 27 0:21 / /proc rw - proc proc rw,hidepid=invisible\n",
        )
        .unwrap();
        let roots = Roots::new(tmp.path().join("proc"), tmp.path().join("sys"));
        assert_eq!(read(&roots).unwrap().hidepid, HidePid::Invisible);
        assert_eq!(read(&Roots::new("/nonexistent", "/nonexistent")), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_taken_without_panic(text in "[ -~\n]{0,200}") {
            let _ = detect(&text);
        }
    }
}
