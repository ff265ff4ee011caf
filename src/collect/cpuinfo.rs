//! /proc/cpuinfo (proc(5), "/proc/cpuinfo"): only "processor" and "cpu MHz", the fallback for
//! CPU frequency where cpufreq is absent. ARM kernels print no "cpu MHz"; then the list is empty.

use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::CoreFreq;

fn mhz_to_khz(line: usize, text: &str) -> Result<u64, ParseError> {
    let mhz: f64 = text
        .trim()
        .parse()
        .map_err(|e| ParseError::new(line, "cpu MHz", format!("{text:?} is not a number ({e})")))?;
    if !mhz.is_finite() || mhz < 0.0 {
        return Err(ParseError::new(
            line,
            "cpu MHz",
            format!("{text:?} is out of range"),
        ));
    }
    // Saturating float-to-int conversion; a frequency of 1.8e16 MHz is clamped, not a panic.
    Ok((mhz * 1000.0).round() as u64)
}

/// Parses /proc/cpuinfo into one entry per processor that has a "cpu MHz" line.
pub fn parse(text: &str) -> Result<Vec<CoreFreq>, ParseError> {
    let mut out = Vec::new();
    let mut cpu: Option<u32> = None;
    for (i, line) in text.lines().enumerate() {
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        match key.trim() {
            "processor" => {
                cpu = Some(value.trim().parse().map_err(|e| {
                    ParseError::new(
                        i + 1,
                        "processor",
                        format!("{value:?} is not a number ({e})"),
                    )
                })?);
            }
            "cpu MHz" => {
                let khz = mhz_to_khz(i + 1, value)?;
                let Some(n) = cpu.take() else {
                    return Err(ParseError::new(
                        i + 1,
                        "cpu MHz",
                        "before any processor line",
                    ));
                };
                out.push(CoreFreq {
                    cpu: n,
                    cur_khz: Some(khz),
                    min_khz: None,
                    max_khz: None,
                });
            }
            _ => {}
        }
    }
    Ok(out)
}

pub fn read(roots: &Roots) -> Reading<Vec<CoreFreq>> {
    read_parsed(&roots.proc_path("cpuinfo"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_each_processor() {
        let text = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu MHz\t\t: 2596.142\n\n\
processor\t: 1\ncpu MHz\t\t: 800.000\nflags\t\t: fpu vme\n";
        let cpus = parse(text).unwrap();
        assert_eq!(cpus.len(), 2);
        assert_eq!(cpus[0].cpu, 0);
        assert_eq!(cpus[0].cur_khz, Some(2_596_142));
        assert_eq!(cpus[1].cpu, 1);
        assert_eq!(cpus[1].cur_khz, Some(800_000));
        assert_eq!(cpus[1].max_khz, None);
    }

    #[test]
    fn arm_has_no_frequency_and_garbage_fails() {
        assert!(
            parse("processor\t: 0\nBogoMIPS\t: 50.00\n")
                .unwrap()
                .is_empty()
        );
        assert!(parse("processor\t: x\n").is_err());
        assert!(parse("processor\t: 0\ncpu MHz\t: NaN\n").is_err());
        assert!(parse("processor\t: 0\ncpu MHz\t: -1\n").is_err());
        assert!(parse("cpu MHz\t: 1000\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_cpuinfo_like_text(s in "((processor|cpu MHz|flags)\t*: *[0-9.eE+-]{0,12}\n){0,8}") {
            let _ = parse(&s);
        }
    }
}
