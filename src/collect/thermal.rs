//! Thermal zones (Documentation/driver-api/thermal/sysfs-api.rst):
//! /sys/class/thermal/thermal_zoneN/{type, temp}, millidegrees Celsius.

use super::hwmon::{numbered, parse_label};
use super::{ParseError, Roots, read_parsed, read_text};
use crate::model::Reading;
use crate::model::graphs::ThermalZone;

/// Parses a zone's temp file: signed millidegrees Celsius.
pub fn parse(text: &str) -> Result<i64, ParseError> {
    super::hwmon::parse(text)
}

/// Every thermal zone whose temperature can be read.
pub fn read(roots: &Roots) -> Reading<Vec<ThermalZone>> {
    let class = roots.sys_path("class/thermal");
    Ok(numbered(&class, "thermal_zone")?
        .into_iter()
        .filter_map(|(_, dir_name)| {
            let dir = class.join(&dir_name);
            let millicelsius = read_parsed(&dir.join("temp"), parse).ok()?;
            Some(ThermalZone {
                kind: read_text(&dir.join("type"))
                    .ok()
                    .and_then(|t| parse_label(&t)),
                dir: dir_name,
                millicelsius,
            })
        })
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_millidegrees() {
        assert_eq!(parse("27800\n"), Ok(27_800));
        assert!(parse("\u{0}").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
