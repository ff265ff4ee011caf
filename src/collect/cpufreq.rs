//! CPU frequency from cpufreq (Documentation/admin-guide/pm/cpufreq.rst):
//! /sys/devices/system/cpu/cpuN/cpufreq/scaling_{cur,min,max}_freq, one kHz value per file.
//! Without cpufreq (many VMs) the reader falls back to "cpu MHz" of /proc/cpuinfo (see `cpuinfo`).

use std::fs;

use super::text::single_u64;
use super::{ParseError, Roots, SourceError, cpuinfo, read_parsed};
use crate::model::Reading;
use crate::model::graphs::{CoreFreq, CpuFreqs, FreqSource};

/// Parses one scaling_*_freq file (kHz).
pub fn parse(text: &str) -> Result<u64, ParseError> {
    single_u64(text, "kHz")
}

/// The logical CPU numbers that have a cpuN directory, in order.
fn cpu_numbers(roots: &Roots) -> Result<Vec<u32>, SourceError> {
    let dir = roots.sys_path("devices/system/cpu");
    let entries = fs::read_dir(&dir).map_err(|e| SourceError::io(&dir, &e))?;
    let mut cpus: Vec<u32> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().to_str()?.strip_prefix("cpu")?.parse().ok())
        .collect();
    cpus.sort_unstable();
    Ok(cpus)
}

/// Reads cpufreq for every CPU; Missing when no CPU has a cpufreq directory.
pub fn read_cpufreq(roots: &Roots) -> Reading<CpuFreqs> {
    let mut cpus = Vec::new();
    for cpu in cpu_numbers(roots)? {
        let dir = roots.sys_path(&format!("devices/system/cpu/cpu{cpu}/cpufreq"));
        if !dir.is_dir() {
            continue;
        }
        let one = |name: &str| read_parsed(&dir.join(name), parse).ok();
        let core = CoreFreq {
            cpu,
            cur_khz: one("scaling_cur_freq"),
            min_khz: one("scaling_min_freq"),
            max_khz: one("scaling_max_freq"),
        };
        if core.cur_khz.is_some() || core.min_khz.is_some() || core.max_khz.is_some() {
            cpus.push(core);
        }
    }
    if cpus.is_empty() {
        return Err(SourceError::Missing {
            path: roots
                .sys_path("devices/system/cpu/cpu*/cpufreq")
                .display()
                .to_string(),
        });
    }
    Ok(CpuFreqs {
        source: FreqSource::Cpufreq,
        cpus,
    })
}

/// cpufreq when present, else /proc/cpuinfo; when neither has a frequency, says cpufreq is absent.
pub fn read(roots: &Roots) -> Reading<CpuFreqs> {
    match read_cpufreq(roots) {
        Ok(freqs) => Ok(freqs),
        Err(cpufreq_err) => match cpuinfo::read(roots) {
            Ok(cpus) if !cpus.is_empty() => Ok(CpuFreqs {
                source: FreqSource::Cpuinfo,
                cpus,
            }),
            _ => Err(cpufreq_err),
        },
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_khz() {
        assert_eq!(parse("800000\n"), Ok(800_000));
        assert!(parse("").is_err());
        assert!(parse("<unknown>\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
