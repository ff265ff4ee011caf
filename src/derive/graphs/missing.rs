//! Why a chart of the Graphs pane has nothing to draw: each missing source once, in words.

use serde::{Deserialize, Serialize};

use crate::model::Snapshot;
use crate::model::error::{Reason, SourceError};

/// The sources the Graphs pane draws that are not here, each with the reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Missing {
    pub dirty: Option<String>,
    pub freq: Option<String>,
    pub temps: Option<String>,
    /// Both disk charts (throughput and utilisation) read this one source.
    pub disks: Option<String>,
    pub pressure: Option<String>,
    pub load: Option<String>,
}

/// "…/hwmon is absent" for a missing file, the error otherwise.
fn why(e: &SourceError) -> String {
    if e.is_missing() {
        format!("{} is absent", e.path())
    } else {
        Reason(e).to_string()
    }
}

fn not_here(what: &str, e: &SourceError) -> String {
    format!("{what}: not available here ({})", why(e))
}

pub fn missing(s: &Snapshot) -> Missing {
    Missing {
        dirty: s
            .memory
            .meminfo
            .as_ref()
            .err()
            .map(|e| not_here("Dirty pages", e)),
        freq: s.cpu.freq.as_ref().err().map(|e| {
            format!(
                "CPU frequency: not available here (no cpufreq: {}; no \"cpu MHz\" in /proc/cpuinfo)",
                why(e)
            )
        }),
        temps: temps(s),
        disks: match &s.disks {
            Err(e) => Some(not_here("Disks", e)),
            Ok(d) if d.is_empty() => Some("Disks: no whole disk has done any I/O".into()),
            Ok(_) => None,
        },
        pressure: s.pressure.cpu.as_ref().err().map(|e| {
            format!(
                "Pressure (PSI): not available here ({}); needs Linux 4.20+ with CONFIG_PSI and psi=1",
                why(e)
            )
        }),
        load: s
            .load
            .loadavg
            .as_ref()
            .err()
            .map(|e| not_here("Load", e)),
    }
}

fn temps(s: &Snapshot) -> Option<String> {
    let hw_empty = s
        .cpu
        .hwmon
        .as_ref()
        .map_or(true, |c| c.iter().all(|c| c.temps.is_empty()));
    let th_empty = s.cpu.thermal.as_ref().map_or(true, Vec::is_empty);
    if !(hw_empty && th_empty) {
        return None;
    }
    let hw = match &s.cpu.hwmon {
        Err(e) => format!("no hwmon ({})", why(e)),
        Ok(_) => "no hwmon temperature inputs".to_string(),
    };
    let th = match &s.cpu.thermal {
        Err(e) => format!("no thermal zones ({})", why(e)),
        Ok(_) => "no thermal zones".to_string(),
    };
    Some(format!(
        "Temperatures: not available here: {hw}, {th}; usual in VMs"
    ))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};

    fn sample(name: &str) -> Snapshot {
        let root = std::path::Path::new("tests/fixtures").join(name);
        Collector::new(Roots::fixture(root)).sample()
    }

    #[test]
    fn a_vm_lacks_psi_and_temperatures_once_each() {
        let m = missing(&sample("graphs-vm"));
        let temps = m.temps.unwrap();
        assert!(
            temps.starts_with("Temperatures: not available here: no hwmon"),
            "{temps}"
        );
        let psi = m.pressure.unwrap();
        assert!(
            psi.contains("graphs-vm/proc/pressure/cpu is absent"),
            "{psi}"
        );
        assert_eq!(m.dirty, None);
    }

    #[test]
    fn a_busy_machine_lacks_nothing() {
        assert_eq!(missing(&sample("graphs-busy")), Missing::default());
    }
}
