//! The kernel log, from /dev/kmsg (see Documentation/ABI/testing/dev-kmsg): one record a line,
//! `level-and-facility,seq,usec,flags[,…];text`, continuation lines (` KEY=value`) after it.
//!
//! The reader keeps the device open and reads what is there without blocking, so each sample
//! gets the records that arrived since the previous one. `--kmsg PATH` reads a capture in the
//! same format instead (new lines appended to it are read as they come).

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::error::{ParseError, SourceError};
use crate::limits::messages;
use crate::model::events::KernelMessage;

/// At most this many records are kept from one read (a flood is summarized by the kernel's
/// own "callbacks suppressed" notes).
const MAX_PER_READ: usize = 200;

/// Parses one record line.
pub fn parse_record(line: &str) -> Result<KernelMessage, ParseError> {
    let bad = |item: &str, why: &str| ParseError::new(1, item, why);
    let (prefix, text) = line
        .split_once(';')
        .ok_or_else(|| bad(line, "no ';' before the text"))?;
    let mut fields = prefix.split(',');
    let mut num = |name: &str| -> Result<u64, ParseError> {
        fields
            .next()
            .and_then(|f| f.trim().parse().ok())
            .ok_or_else(|| bad(name, "not a number"))
    };
    let prio = num("priority")?;
    let seq = num("sequence number")?;
    let usec = num("timestamp")?;
    Ok(KernelMessage {
        seq,
        level: (prio & 7) as u8,
        usec,
        time_ms: None,
        text: unescape(text.trim_end_matches('\n')),
    })
}

/// The kernel escapes non-printable bytes as `\xNN`.
fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("\\x") {
        out.push_str(&rest[..i]);
        let hex = rest
            .get(i + 2..i + 4)
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(char::from(b));
                rest = &rest[i + 4..];
            }
            None => {
                out.push_str("\\x");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every record of a capture; continuation and unreadable lines are skipped.
pub fn parse(text: &str) -> Vec<KernelMessage> {
    text.lines()
        .filter(|l| !l.starts_with(' ') && !l.trim().is_empty())
        .filter_map(|l| parse_record(l).ok())
        .collect()
}

/// Reads the kernel log between samples.
#[derive(Debug)]
pub struct KmsgReader {
    path: PathBuf,
    file: Option<File>,
    /// Boot time in ms since the epoch, to put wall-clock times on records.
    pub boot_ms: Option<u64>,
}

impl KmsgReader {
    /// The running kernel's log, or `kmsg` beside a captured tree's `proc` directory.
    pub fn for_roots(roots: &super::Roots) -> Self {
        let path = if roots.is_live() {
            PathBuf::from("/dev/kmsg")
        } else {
            roots
                .proc
                .parent()
                .map_or_else(|| PathBuf::from("kmsg"), |d| d.join("kmsg"))
        };
        Self::new(path, None)
    }
}

impl KmsgReader {
    pub fn new(path: impl Into<PathBuf>, boot_ms: Option<u64>) -> Self {
        Self {
            path: path.into(),
            file: None,
            boot_ms,
        }
    }

    /// The records about limits that arrived since the last call.
    pub fn read(&mut self) -> Result<Vec<KernelMessage>, SourceError> {
        let path = self.path.clone();
        let file = match self.file.as_mut() {
            Some(f) => f,
            None => self.file.insert(open(&path)?),
        };
        let is_device = file
            .metadata()
            .map(|m| !m.file_type().is_file())
            .unwrap_or(true);
        let mut records = if is_device {
            read_device(file).map_err(|e| SourceError::io(&path, &e))?
        } else {
            // The file's position stays where the last read ended.
            let mut text = String::new();
            file.read_to_string(&mut text)
                .map_err(|e| SourceError::io(&path, &e))?;
            parse(&text)
        };
        records.retain(|r| messages::is_about_limits(&r.text));
        records.truncate(MAX_PER_READ);
        for r in &mut records {
            r.time_ms = self.boot_ms.map(|b| b + r.usec / 1000);
        }
        Ok(records)
    }
}

/// Opens without blocking; a refusal says what would allow it.
fn open(path: &Path) -> Result<File, SourceError> {
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(|e| {
            if e.kind() == io::ErrorKind::PermissionDenied {
                SourceError::Io {
                    path: path.display().to_string(),
                    message: denied_why(),
                }
            } else {
                SourceError::io(path, &e)
            }
        })
}

/// Why the kernel log is closed to us.
fn denied_why() -> String {
    let restrict = std::fs::read_to_string("/proc/sys/kernel/dmesg_restrict")
        .map(|s| s.trim() == "1")
        .unwrap_or(false);
    if restrict {
        "permission denied: kernel.dmesg_restrict is 1, so only root (CAP_SYSLOG) reads the kernel log".into()
    } else {
        "permission denied: reading the kernel log needs root here".into()
    }
}

/// Each read of the device gives one record; EAGAIN means none is left, EPIPE that records were
/// overwritten before we read them (the next read goes on with the oldest left).
fn read_device(file: &mut File) -> io::Result<Vec<KernelMessage>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 8192];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let line = String::from_utf8_lossy(&buf[..n]);
                if let Ok(r) = parse_record(line.lines().next().unwrap_or_default()) {
                    out.push(r);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
            Err(e) if e.raw_os_error() == Some(rustix::io::Errno::PIPE.raw_os_error()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn records_parse_and_garbage_is_refused() {
        let r = parse_record("6,1234,5678901,-;TCP: time wait bucket table overflow").unwrap();
        assert_eq!((r.level, r.seq, r.usec), (6, 1234, 5_678_901));
        assert_eq!(r.text, "TCP: time wait bucket table overflow");
        let r = parse_record("12,5,6,c,more;a\\x09tab and \\xZZ").unwrap();
        assert_eq!((r.level, r.text.as_str()), (4, "a\ttab and \\xZZ"));
        for bad in ["", "no semicolon", "x,1,2,-;t", "6,1;t", "6,,2,-;t"] {
            assert!(parse_record(bad).is_err(), "{bad:?}");
        }
        let all = parse("6,1,2,-;one\n SUBSYSTEM=net\n\ngarbage\n4,2,3,-;two\n");
        let texts: Vec<&str> = all.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["one", "two"]);
    }

    #[test]
    fn a_capture_is_read_once_and_then_what_is_appended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kmsg");
        std::fs::write(
            &path,
            "6,1,1000000,-;VFS: file-max limit 100 reached\n6,2,2,-;eth0: up\n",
        )
        .unwrap();
        let mut r = KmsgReader::new(&path, Some(1_000_000));
        let first = r.read().unwrap();
        assert_eq!(first.len(), 1, "only what concerns a limit");
        assert_eq!(first[0].time_ms, Some(1_001_000));
        assert!(r.read().unwrap().is_empty());
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        std::io::Write::write_all(
            &mut f,
            b"4,3,3000000,-;nf_conntrack: table full, dropping packet\n",
        )
        .unwrap();
        assert_eq!(r.read().unwrap().len(), 1);
        let missing = KmsgReader::new(dir.path().join("nope"), None).read();
        assert!(missing.unwrap_err().is_missing());
    }

    #[test]
    fn the_live_kernel_log_reads_without_blocking_or_says_why_not() {
        let mut r = KmsgReader::new("/dev/kmsg", None);
        match r.read() {
            Ok(records) => assert!(records.iter().all(|m| messages::is_about_limits(&m.text))),
            Err(e) => assert!(e.to_string().contains("kmsg"), "{e}"),
        }
        // A second read returns at once with what is new (nothing, usually).
        let again = std::time::Instant::now();
        let _ = r.read();
        assert!(again.elapsed() < std::time::Duration::from_secs(5));
    }
}
