//! Pressure stall information (Documentation/accounting/psi.rst):
//! /proc/pressure/{cpu,memory,io}, lines "some|full avg10=.. avg60=.. avg300=.. total=..".
//! Absent before Linux 4.20; reading fails with EOPNOTSUPP when the kernel boots with psi=0.

use super::text::u64_field;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::{PressureReadings, Psi, PsiLine};

fn ratio(line: usize, item: &str, text: &str) -> Result<f64, ParseError> {
    let v: f64 = text
        .parse()
        .map_err(|e| ParseError::new(line, item, format!("{text:?} is not a number ({e})")))?;
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(ParseError::new(
            line,
            item,
            format!("{text:?} is out of range"),
        ))
    }
}

fn parse_line(n: usize, fields: &str) -> Result<PsiLine, ParseError> {
    let mut out = PsiLine::default();
    let mut seen = 0u8;
    for field in fields.split_whitespace() {
        let Some((key, value)) = field.split_once('=') else {
            continue;
        };
        match key {
            "avg10" => (out.avg10, seen) = (ratio(n, key, value)?, seen | 1),
            "avg60" => (out.avg60, seen) = (ratio(n, key, value)?, seen | 2),
            "avg300" => (out.avg300, seen) = (ratio(n, key, value)?, seen | 4),
            "total" => (out.total_us, seen) = (u64_field(n, key, value)?, seen | 8),
            _ => {}
        }
    }
    if seen & 1 == 0 {
        return Err(ParseError::new(n, "avg10", "missing"));
    }
    Ok(out)
}

/// Parses one /proc/pressure file.
pub fn parse(text: &str) -> Result<Psi, ParseError> {
    let mut psi = Psi::default();
    for (i, line) in text.lines().enumerate() {
        let Some((kind, rest)) = line.trim().split_once(' ') else {
            continue;
        };
        match kind {
            "some" => psi.some = Some(parse_line(i + 1, rest)?),
            "full" => psi.full = Some(parse_line(i + 1, rest)?),
            _ => {}
        }
    }
    if psi.some.is_none() && psi.full.is_none() {
        return Err(ParseError::new(0, "some", "no some/full line"));
    }
    Ok(psi)
}

pub fn read_one(roots: &Roots, resource: &str) -> Reading<Psi> {
    read_parsed(&roots.proc_path(&format!("pressure/{resource}")), parse)
}

pub fn read(roots: &Roots) -> PressureReadings {
    PressureReadings {
        cpu: read_one(roots, "cpu"),
        memory: read_one(roots, "memory"),
        io: read_one(roots, "io"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_some_and_full() {
        let p = parse(
            "some avg10=1.09 avg60=4.37 avg300=2.22 total=13595463\n\
full avg10=0.00 avg60=0.00 avg300=0.00 total=0\n",
        )
        .unwrap();
        let some = p.some.unwrap();
        assert_eq!(some.avg10, 1.09);
        assert_eq!(some.avg60, 4.37);
        assert_eq!(some.avg300, 2.22);
        assert_eq!(some.total_us, 13_595_463);
        assert_eq!(p.full.unwrap().avg10, 0.0);
    }

    #[test]
    fn old_cpu_file_has_no_full_line() {
        let p = parse("some avg10=0.50 avg60=0.10 avg300=0.00 total=5\n").unwrap();
        assert!(p.full.is_none());
    }

    #[test]
    fn rejects_truncated_and_garbage() {
        assert!(parse("").is_err());
        assert!(parse("some avg60=1.0\n").is_err());
        assert!(parse("some avg10=NaN avg60=0 avg300=0 total=0\n").is_err());
        assert!(parse("some avg10=-1 avg60=0 avg300=0 total=0\n").is_err());
        assert!(parse("full avg10=1 total=x\n").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_psi_like_text(s in "((some|full) ((avg10|avg60|avg300|total)=[0-9.a-z-]{0,8} ?){0,5}\n){0,3}") {
            let _ = parse(&s);
        }
    }
}
