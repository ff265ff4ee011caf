//! inotify use of one process: descriptors of `/proc/PID/fd` that link to
//! `anon_inode:inotify` are instances, and each "inotify wd:" line of their `/proc/PID/fdinfo/N`
//! is a watch (proc(5), inotify(7)). Both count against the user's
//! `fs.inotify.max_user_instances` and `max_user_watches`.

use std::fs;

use crate::collect::{ParseError, Roots, SourceError, read_parsed};

/// Instances and watches of one process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InotifyUse {
    pub instances: u64,
    pub watches: u64,
}

/// Watches in one fdinfo file.
pub fn parse_fdinfo(text: &str) -> Result<u64, ParseError> {
    if !text.lines().any(|l| l.starts_with("flags:")) {
        return Err(ParseError::new(1, "flags", "not an fdinfo file"));
    }
    Ok(text
        .lines()
        .filter(|l| l.starts_with("inotify wd:"))
        .count() as u64)
}

const TARGET: &str = "anon_inode:inotify";

/// Reads one process's descriptors (owner or root); a descriptor closed meanwhile is skipped.
pub fn read(roots: &Roots, pid: u32) -> Result<InotifyUse, SourceError> {
    let dir = roots.proc_path(&format!("{pid}/fd"));
    let entries = fs::read_dir(&dir).map_err(|e| SourceError::io(&dir, &e))?;
    let mut use_ = InotifyUse::default();
    for entry in entries.flatten() {
        let is_inotify = fs::read_link(entry.path()).is_ok_and(|t| t.as_os_str() == TARGET);
        if !is_inotify {
            continue;
        }
        use_.instances += 1;
        let info = roots.proc_path(&format!(
            "{pid}/fdinfo/{}",
            entry.file_name().to_string_lossy()
        ));
        match read_parsed(&info, parse_fdinfo) {
            Ok(w) => use_.watches += w,
            Err(SourceError::Missing { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(use_)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn counts_watch_lines() {
        let t = "pos:\t0\nflags:\t00\nmnt_id:\t15\nino:\t1057\n\
                 inotify wd:2 ino:a0001 sdev:800001 mask:fc6 ignored_mask:0 fhandle-bytes:8\n\
                 inotify wd:1 ino:2 sdev:800001 mask:fc6 ignored_mask:0 fhandle-bytes:8\n";
        assert_eq!(parse_fdinfo(t), Ok(2));
        assert_eq!(parse_fdinfo("pos:\t0\nflags:\t02\n"), Ok(0));
        assert!(parse_fdinfo("").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_fdinfo(&s);
        }
    }
}
