//! `headroom replay FILE --json [--from TIME] [--to TIME]`: one JSON object a frame, each in the
//! `snapshot --json` form, so a test or jq can read a night.

use std::io::Write;
use std::path::Path;

use crate::derive::Deriver;

use super::snapshot::Report;

const DAY_MS: u64 = 86_400_000;

/// A time given on the command line: RFC 3339, or HH:MM[:SS] (UTC) on the first day of the
/// recording at or after its start.
pub fn parse_time(s: &str, start_ms: u64) -> Result<u64, String> {
    if let Ok(t) = humantime::parse_rfc3339_weak(s) {
        return t
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .map_err(|_| format!("{s:?} is before 1970"));
    }
    let parts: Vec<&str> = s.split(':').collect();
    let num = |i: usize, max: u64| -> Result<u64, String> {
        match parts.get(i).map(|p| p.parse::<u64>()) {
            None => Ok(0),
            Some(Ok(v)) if v < max => Ok(v),
            _ => Err(format!(
                "{s:?} is not a time like 05:20, 05:20:30 or RFC 3339"
            )),
        }
    };
    if !(2..=3).contains(&parts.len()) {
        return Err(format!(
            "{s:?} is not a time like 05:20, 05:20:30 or RFC 3339"
        ));
    }
    let of_day = (num(0, 24)? * 3600 + num(1, 60)? * 60 + num(2, 60)?) * 1000;
    let day = start_ms - start_ms % DAY_MS;
    let t = day + of_day;
    Ok(if t + 1000 < start_ms { t + DAY_MS } else { t })
}

/// Prints the frames between `from` and `to`; says on stderr what a damaged file lost.
pub fn run(
    path: &Path,
    from: Option<&str>,
    to: Option<&str>,
    out: &mut impl Write,
) -> anyhow::Result<u64> {
    let mut reader = super::record::open(path)?;
    let Some(first) = reader.next_frame() else {
        anyhow::bail!("{} holds no intact frame", path.display());
    };
    let start = first.time_ms;
    let parse = |t: Option<&str>| t.map(|t| parse_time(t, start)).transpose();
    let (from, to) = (
        parse(from).map_err(anyhow::Error::msg)?,
        parse(to).map_err(anyhow::Error::msg)?,
    );
    let mut deriver = Deriver::default();
    let mut pending = match from {
        // The frame before `from` is derived but not printed: it gives the first rates.
        Some(t) if t > start => reader.seek(t),
        _ => Some(first),
    };
    let mut printed = 0;
    while let Some(frame) = pending.take() {
        // `--to` takes the whole second it names, as the printed times do.
        if to.is_some_and(|to| frame.time_ms / 1000 * 1000 > to) {
            break;
        }
        let derived = deriver.update(&frame.snapshot);
        if from.is_none_or(|f| frame.time_ms >= f) {
            serde_json::to_writer(&mut *out, &Report::new(&frame.snapshot, &derived))?;
            writeln!(out)?;
            printed += 1;
        }
        pending = reader.next_frame();
    }
    for loss in reader.lost() {
        eprintln!("headroom: {}: {loss}", path.display());
    }
    Ok(printed)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn times_fall_on_the_recordings_days() {
        // 2025-11-29T23:00:00Z
        let start = 1_764_457_200_000;
        assert_eq!(parse_time("23:30", start), Ok(start + 1_800_000));
        assert_eq!(
            parse_time("05:20", start),
            Ok(start + 6 * 3_600_000 + 1_200_000)
        );
        assert_eq!(
            parse_time("2025-11-30T05:20:00Z", start),
            Ok(start + 22_800_000)
        );
        assert!(parse_time("25:00", start).is_err());
        assert!(parse_time("5", start).is_err());
        assert!(parse_time("05:61", start).is_err());
    }
}
