//! Temperatures from hwmon (Documentation/hwmon/sysfs-interface.rst):
//! /sys/class/hwmon/hwmonN/{name, tempM_input, tempM_label, tempM_crit}, millidegrees Celsius.
//! Read through the sys root so fixture trees drive it.

use std::fs;

use super::text::i64_field;
use super::{ParseError, Roots, SourceError, read_parsed, read_text};
use crate::model::Reading;
use crate::model::graphs::{HwmonChip, HwmonTemp};

/// Parses a temp*_input or temp*_crit file: signed millidegrees Celsius.
pub fn parse(text: &str) -> Result<i64, ParseError> {
    let first = text.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return Err(ParseError::new(1, "millidegrees", "empty"));
    }
    i64_field(1, "millidegrees", first)
}

/// A name or label file: its first line, trimmed; None when empty.
pub fn parse_label(text: &str) -> Option<String> {
    let first = text.lines().next().unwrap_or("").trim();
    (!first.is_empty()).then(|| first.to_string())
}

/// Sorted entries of a directory whose names start with `prefix` followed by a number.
pub(crate) fn numbered(
    dir: &std::path::Path,
    prefix: &str,
) -> Result<Vec<(u32, String)>, SourceError> {
    let entries = fs::read_dir(dir).map_err(|e| SourceError::io(dir, &e))?;
    let mut out: Vec<(u32, String)> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let n = name.strip_prefix(prefix)?.parse().ok()?;
            Some((n, name))
        })
        .collect();
    out.sort_unstable();
    Ok(out)
}

/// The tempM numbers that have an input file in one hwmon directory.
fn temp_indices(dir: &std::path::Path) -> Vec<u32> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<u32> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            name.strip_prefix("temp")?
                .strip_suffix("_input")?
                .parse()
                .ok()
        })
        .collect();
    out.sort_unstable();
    out
}

/// Every hwmon device with its readable temperatures (a sensor that errors on read is skipped).
pub fn read(roots: &Roots) -> Reading<Vec<HwmonChip>> {
    let class = roots.sys_path("class/hwmon");
    let mut chips = Vec::new();
    for (_, dir_name) in numbered(&class, "hwmon")? {
        let dir = class.join(&dir_name);
        let temps = temp_indices(&dir)
            .into_iter()
            .filter_map(|index| {
                let millicelsius =
                    read_parsed(&dir.join(format!("temp{index}_input")), parse).ok()?;
                Some(HwmonTemp {
                    index,
                    label: read_text(&dir.join(format!("temp{index}_label")))
                        .ok()
                        .and_then(|t| parse_label(&t)),
                    millicelsius,
                    crit_millicelsius: read_parsed(&dir.join(format!("temp{index}_crit")), parse)
                        .ok(),
                })
            })
            .collect();
        chips.push(HwmonChip {
            name: read_text(&dir.join("name"))
                .ok()
                .and_then(|t| parse_label(&t)),
            dir: dir_name,
            temps,
        });
    }
    Ok(chips)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_millidegrees_and_labels() {
        assert_eq!(parse("45000\n"), Ok(45_000));
        assert_eq!(parse("-5000\n"), Ok(-5_000));
        assert!(parse("").is_err());
        assert!(parse("hot").is_err());
        assert_eq!(
            parse_label("Package id 0\n"),
            Some("Package id 0".to_string())
        );
        assert_eq!(parse_label("\n"), None);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
            let _ = parse_label(&s);
        }
    }
}
