//! /proc/loadavg (proc(5), "/proc/loadavg"): "avg1 avg5 avg15 runnable/entities last_pid".

use super::text::u64_field;
use super::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::graphs::LoadAvg;

fn avg(item: &str, text: &str) -> Result<f64, ParseError> {
    let v: f64 = text
        .parse()
        .map_err(|e| ParseError::new(1, item, format!("{text:?} is not a number ({e})")))?;
    if v.is_finite() && v >= 0.0 {
        Ok(v)
    } else {
        Err(ParseError::new(
            1,
            item,
            format!("{text:?} is out of range"),
        ))
    }
}

/// Parses /proc/loadavg; all five fields are required.
pub fn parse(text: &str) -> Result<LoadAvg, ParseError> {
    let mut words = text.split_whitespace();
    let mut next = |item: &str| {
        words
            .next()
            .ok_or_else(|| ParseError::new(1, item, "missing"))
    };
    let avg1 = avg("avg1", next("avg1")?)?;
    let avg5 = avg("avg5", next("avg5")?)?;
    let avg15 = avg("avg15", next("avg15")?)?;
    let tasks = next("runnable/entities")?;
    let last_pid = u64_field(1, "last_pid", next("last_pid")?)?;
    let (runnable, entities) = tasks
        .split_once('/')
        .ok_or_else(|| ParseError::new(1, "runnable/entities", format!("{tasks:?} has no '/'")))?;
    Ok(LoadAvg {
        avg1,
        avg5,
        avg15,
        runnable: u64_field(1, "runnable", runnable)?,
        entities: u64_field(1, "entities", entities)?,
        last_pid,
    })
}

pub fn read(roots: &Roots) -> Reading<LoadAvg> {
    read_parsed(&roots.proc_path("loadavg"), parse)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_all_fields() {
        let l = parse("0.15 0.16 0.07 2/94 5145\n").unwrap();
        assert_eq!((l.avg1, l.avg5, l.avg15), (0.15, 0.16, 0.07));
        assert_eq!((l.runnable, l.entities, l.last_pid), (2, 94, 5145));
    }

    #[test]
    fn rejects_truncated_and_garbage() {
        assert!(parse("").is_err());
        assert!(parse("0.15 0.16 0.07 2/94").is_err());
        assert!(parse("0.15 0.16 0.07 294 5145").is_err());
        assert!(parse("0.15 inf 0.07 2/94 5145").is_err());
        assert!(parse("0.15 0.16 0.07 2/x 5145").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn round_trips(a in 0.0f64..1e6, r in any::<u64>(), e in any::<u64>(), p in any::<u64>()) {
            let l = parse(&format!("{a:.2} {a:.2} {a:.2} {r}/{e} {p}\n")).unwrap();
            prop_assert_eq!((l.runnable, l.entities, l.last_pid), (r, e, p));
        }
    }
}
