//! A captured `sysctl -a`, from FreeBSD (`kern.maxfiles: 64000`) or Linux
//! (`fs.file-max = 9223372036854775807`); see sysctl(8) on either system. Multi-line values
//! (FreeBSD's `kern.sched.topology_spec`, `vm.phys_free`, ...) continue on lines that do not
//! start with a name and are skipped, as are lines that cannot be read.

use std::collections::HashMap;
use std::path::Path;

use crate::collect::{ParseError, SourceError};

/// Which system wrote the capture, told by its separator and `kern.ostype`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavor {
    FreeBsd,
    Linux,
}

/// Every `name: value` (or `name = value`) line of the capture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysctlDump {
    pub flavor: Flavor,
    values: HashMap<String, String>,
}

impl SysctlDump {
    /// The raw value of `name`, trimmed.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of `name` as one unsigned number.
    pub fn u64(&self, name: &str) -> Option<u64> {
        self.get(name)?.parse().ok()
    }

    /// The value of `name` as whitespace-separated numbers (Linux's `fs.file-nr`,
    /// `net.ipv4.ip_local_port_range`).
    pub fn u64s(&self, name: &str) -> Option<Vec<u64>> {
        self.get(name)?
            .split_whitespace()
            .map(|n| n.parse().ok())
            .collect()
    }

    /// The first of these names that the capture holds, with its number (a name that changed
    /// between releases, such as `kern.ipc.soacceptqueue` and `kern.ipc.somaxconn`).
    pub fn first_u64<'a>(&self, names: &[&'a str]) -> Option<(&'a str, u64)> {
        names.iter().find_map(|n| Some((*n, self.u64(n)?)))
    }

    /// How many names the capture holds.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A sysctl name: dotted words of letters, digits and `_ - %`.
fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.contains('.')
        && !s.starts_with('.')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '%'))
}

/// One line as (name, value, FreeBSD form?); None for a continuation or unreadable line.
fn line(l: &str) -> Option<(&str, &str, bool)> {
    let bsd = l
        .split_once(": ")
        .or_else(|| l.strip_suffix(':').map(|n| (n, "")));
    let linux = l
        .split_once(" = ")
        .or_else(|| l.strip_suffix(" =").map(|n| (n, "")));
    match (bsd, linux) {
        (Some((n, v)), _) if is_name(n) => Some((n, v.trim(), true)),
        (_, Some((n, v))) if is_name(n) => Some((n, v.trim(), false)),
        _ => None,
    }
}

pub fn parse(text: &str) -> Result<SysctlDump, ParseError> {
    let mut values = HashMap::new();
    let (mut bsd, mut linux) = (0usize, 0usize);
    for (name, value, is_bsd) in text.lines().filter_map(line) {
        if is_bsd {
            bsd += 1;
        } else {
            linux += 1;
        }
        values
            .entry(name.to_string())
            .or_insert_with(|| value.to_string());
    }
    if values.is_empty() {
        return Err(ParseError::new(
            0,
            "sysctl -a",
            "no \"name: value\" (FreeBSD) or \"name = value\" (Linux) line",
        ));
    }
    let ostype = values.get("kern.ostype").map(String::as_str);
    let flavor = if ostype == Some("FreeBSD") || (ostype.is_none() && bsd > linux) {
        Flavor::FreeBsd
    } else {
        Flavor::Linux
    };
    Ok(SysctlDump { flavor, values })
}

/// Reads a capture from a file (not a root: the capture came from another machine).
pub fn read(path: &Path) -> Result<SysctlDump, SourceError> {
    let text = std::fs::read(path).map_err(|e| SourceError::io(path, &e))?;
    parse(&String::from_utf8_lossy(&text)).map_err(|e| SourceError::parse(path, e))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn freebsd_lines_with_a_multi_line_value_between() {
        let d = parse(
            "kern.ostype: FreeBSD\nkern.maxfiles: 64000\n\
             kern.sched.topology_spec: <groups>\n <group level=\"1\" cache-level=\"0\">\n  <cpu count=\"4\" mask=\"f\">0, 1, 2, 3</cpu>\n </group>\n</groups>\n\
             kern.openfiles: 812\nvfs.numvnodes: 120433\nkern.hostname: \nkern.ostype: Linux\n",
        )
        .unwrap();
        assert_eq!(d.flavor, Flavor::FreeBsd);
        assert_eq!(d.u64("kern.maxfiles"), Some(64000));
        assert_eq!(d.u64("kern.openfiles"), Some(812));
        assert_eq!(d.u64("vfs.numvnodes"), Some(120_433));
        assert_eq!(d.get("kern.hostname"), Some(""));
        assert_eq!(
            d.get("kern.ostype"),
            Some("FreeBSD"),
            "the first value stays"
        );
        assert_eq!(d.len(), 6);
    }

    #[test]
    fn linux_lines_with_tabs_in_values() {
        let d = parse("fs.file-max = 9223372036854775807\nfs.file-nr = 1312\t0\t9223372036854775807\nnet.ipv4.ip_local_port_range = 32768\t60999\nkernel.ostype = Linux\n").unwrap();
        assert_eq!(d.flavor, Flavor::Linux);
        assert_eq!(
            d.u64s("fs.file-nr"),
            Some(vec![1312, 0, 9_223_372_036_854_775_807])
        );
        assert_eq!(
            d.u64s("net.ipv4.ip_local_port_range"),
            Some(vec![32768, 60999])
        );
        assert_eq!(d.u64("fs.file-nr"), None, "three numbers are not one");
        assert_eq!(
            d.first_u64(&["kern.ipc.soacceptqueue", "fs.file-max"]),
            Some(("fs.file-max", 9_223_372_036_854_775_807))
        );
    }

    #[test]
    fn garbage_and_empty_input_are_errors_not_panics() {
        for text in ["", "\n\n", "hello world\n", ": 5\n", ".x: 1\n", "a b: 1\n"] {
            assert!(parse(text).is_err(), "{text:?}");
        }
        let d = parse("junk\nkern.maxproc: 4000\nmore junk: here\n").unwrap();
        assert_eq!(d.len(), 1);
    }

    proptest! {
        #[test]
        fn any_text_parses_or_errs(text in "\\PC{0,300}") {
            let _ = parse(&text);
        }

        #[test]
        fn every_well_formed_line_is_kept(
            pairs in proptest::collection::btree_map("[a-z]{1,6}\\.[a-z_]{1,8}", 0u64..u64::MAX, 1..20),
            bsd in any::<bool>(),
        ) {
            let sep = if bsd { ": " } else { " = " };
            let text: String = pairs.iter().map(|(k, v)| format!("{k}{sep}{v}\n")).collect();
            let d = parse(&text).unwrap();
            prop_assert_eq!(d.len(), pairs.len());
            for (k, v) in &pairs {
                prop_assert_eq!(d.u64(k), Some(*v));
            }
            prop_assert_eq!(d.flavor == Flavor::FreeBsd, bsd);
        }
    }
}
