//! /proc/sys/net/ipv4/ip_local_port_range: the ephemeral ports connect() picks from
//! (ip-sysctl.rst, "ip_local_port_range": two numbers, first and last).

use crate::collect::ParseError;
use crate::collect::text::u64_field;

/// Parses "32768\t60999" into (first, last).
pub fn parse(text: &str) -> Result<(u16, u16), ParseError> {
    let line = text.lines().next().unwrap_or("");
    let mut words = line.split_whitespace();
    let mut port = |item: &str| -> Result<u16, ParseError> {
        let w = words
            .next()
            .ok_or_else(|| ParseError::new(1, item, "missing"))?;
        u16::try_from(u64_field(1, item, w)?)
            .map_err(|_| ParseError::new(1, item, format!("{w} is not a port")))
    };
    let lo = port("first")?;
    let hi = port("last")?;
    if lo > hi {
        return Err(ParseError::new(1, "range", format!("{lo} > {hi}")));
    }
    Ok((lo, hi))
}

/// How many ports the range holds.
pub fn size((lo, hi): (u16, u16)) -> u64 {
    u64::from(hi.saturating_sub(lo)) + 1
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_the_range() {
        assert_eq!(parse("32768\t60999\n").unwrap(), (32768, 60999));
        assert_eq!(size((32768, 60999)), 28232);
        assert!(parse("").is_err());
        assert!(parse("1024").is_err());
        assert!(parse("70000 80000").is_err());
        assert!(parse("2000 1000").is_err());
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }
    }
}
