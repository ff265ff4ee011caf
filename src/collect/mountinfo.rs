//! `/proc/self/mountinfo` (proc(5)): mount id, parent, major:minor, root, mount point, options,
//! optional fields, "-", fstype, source, super options.

use crate::collect::{ParseError, Roots, read_parsed};
use crate::model::Reading;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountEntry {
    /// "major:minor" of the device: bind mounts of one filesystem share it.
    pub dev: String,
    /// The path inside the filesystem that is mounted (a cgroup's mount root).
    pub root: String,
    pub mountpoint: String,
    pub fstype: String,
    pub source: String,
    pub super_options: String,
}

/// Parses every line; a malformed line is skipped (the kernel writes whole lines).
pub fn parse(text: &str) -> Result<Vec<MountEntry>, ParseError> {
    let mounts: Vec<MountEntry> = text.lines().filter_map(parse_line).collect();
    if mounts.is_empty() && !text.trim().is_empty() {
        return Err(ParseError::new(1, "mountinfo", "no readable mount line"));
    }
    Ok(mounts)
}

fn parse_line(line: &str) -> Option<MountEntry> {
    let (head, tail) = line.split_once(" - ")?;
    let head: Vec<&str> = head.split_whitespace().collect();
    let mut tail = tail.split_whitespace();
    Some(MountEntry {
        dev: head.get(2)?.to_string(),
        root: unescape(head.get(3)?),
        mountpoint: unescape(head.get(4)?),
        fstype: tail.next()?.to_string(),
        source: unescape(tail.next().unwrap_or("none")),
        super_options: tail.next().unwrap_or("").to_string(),
    })
}

/// The kernel escapes space, tab, newline and backslash as three octal digits.
fn unescape(s: &str) -> String {
    if !s.contains('\\') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let octal = bytes.get(i + 1..i + 4).and_then(|d| {
            std::str::from_utf8(d)
                .ok()
                .and_then(|d| u8::from_str_radix(d, 8).ok())
        });
        match (bytes[i], octal) {
            (b'\\', Some(v)) => {
                out.push(v);
                i += 4;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn read(roots: &Roots) -> Reading<Vec<MountEntry>> {
    read_parsed(&roots.proc_path("self/mountinfo"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_cgroup_and_escaped_mounts() {
        let text = "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard\n\
                    35 31 0:32 /lxc/a /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n\
                    50 27 0:40 / /mnt/my\\040disk rw shared:1 - xfs /dev/sdb rw\n";
        let m = parse(text).unwrap();
        assert_eq!(m.len(), 3);
        assert_eq!(m[1].root, "/lxc/a");
        assert_eq!(m[1].super_options, "rw,memory");
        assert_eq!(m[2].mountpoint, "/mnt/my disk");
        assert_eq!(m[2].fstype, "xfs");
    }

    #[test]
    fn junk_is_an_error_and_partial_lines_skip() {
        assert!(parse("garbage\n").is_err());
        assert_eq!(parse("").unwrap(), vec![]);
        let m = parse("27 1 254:0 / / rw - ext4 /dev/vda rw\n28 1 0:1 / /x rw -").unwrap();
        assert_eq!(m.len(), 1);
        assert_eq!(unescape("a\\04"), "a\\04");
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
