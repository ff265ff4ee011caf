//! `/proc/net/softnet_stat`: one line of hex columns per CPU. Column 2 counts packets dropped
//! because the CPU's input backlog (`net.core.netdev_max_backlog`) was full, column 3 the times
//! processing ran out of budget; since Linux 5.10 column 12 is the backlog's length now.

use crate::collect::ParseError;
use crate::model::netlimits::Softnet;

pub fn parse(text: &str) -> Result<Softnet, ParseError> {
    let mut out = Softnet {
        dropped: 0,
        time_squeeze: 0,
        backlog_max: None,
    };
    let mut seen = false;
    for (i, line) in text.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() < 3 {
            continue;
        }
        let hex = |idx: usize, item: &str| -> Result<u64, ParseError> {
            let w = words.get(idx).copied().unwrap_or("");
            u64::from_str_radix(w, 16)
                .map_err(|e| ParseError::new(i + 1, item, format!("{w:?}: {e}")))
        };
        out.dropped = out.dropped.saturating_add(hex(1, "dropped")?);
        out.time_squeeze = out.time_squeeze.saturating_add(hex(2, "time_squeeze")?);
        if words.len() >= 13 {
            let len = hex(11, "backlog_len")?;
            out.backlog_max = Some(out.backlog_max.map_or(len, |m: u64| m.max(len)));
        }
        seen = true;
    }
    if !seen {
        return Err(ParseError::new(1, "softnet_stat", "no CPU line"));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sums_cpus() {
        let t = "0000031e 00000003 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000007 00000000 00000000 00000000\n\
                 000026e7 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000010 00000001 00000000 00000000\n";
        let s = parse(t).unwrap();
        assert_eq!((s.dropped, s.time_squeeze, s.backlog_max), (5, 1, Some(16)));
        let old = parse("0000031e 00000003 00000001 00000000 00000000\n").unwrap();
        assert_eq!(old.backlog_max, None);
        assert!(parse("").is_err());
        assert!(parse("zz yy xx").is_err());
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
