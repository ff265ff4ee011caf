//! Small total helpers shared by the parsers: numbers that may be absurd, key/value lines.

use super::error::ParseError;

/// Parses an unsigned counter; the kernel prints them in decimal.
pub fn u64_field(line: usize, item: &str, text: &str) -> Result<u64, ParseError> {
    text.trim()
        .parse::<u64>()
        .map_err(|e| ParseError::new(line, item, format!("{text:?} is not a counter ({e})")))
}

/// Parses a signed value (some sysctls and beancounter columns may be negative or LONG_MAX).
pub fn i64_field(line: usize, item: &str, text: &str) -> Result<i64, ParseError> {
    text.trim()
        .parse::<i64>()
        .map_err(|e| ParseError::new(line, item, format!("{text:?} is not a number ({e})")))
}

/// The first line of a one-value file such as a sysctl, as a number.
pub fn single_u64(text: &str, item: &str) -> Result<u64, ParseError> {
    let first = text.lines().next().unwrap_or("").trim();
    if first.is_empty() {
        return Err(ParseError::new(1, item, "empty"));
    }
    u64_field(1, item, first)
}

/// A cgroup limit file: a number or "max".
pub fn limit_u64(text: &str, item: &str) -> Result<Option<u64>, ParseError> {
    match text.lines().next().map(str::trim) {
        Some("max") => Ok(None),
        Some(v) if !v.is_empty() => u64_field(1, item, v).map(Some),
        _ => Err(ParseError::new(1, item, "empty")),
    }
}

/// Whitespace-separated numbers on one line, all of them required.
pub fn u64_list(line: usize, item: &str, text: &str) -> Result<Vec<u64>, ParseError> {
    text.split_whitespace()
        .map(|w| u64_field(line, item, w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_reads_max_and_numbers() {
        assert_eq!(limit_u64("max\n", "x"), Ok(None));
        assert_eq!(limit_u64("400\n", "x"), Ok(Some(400)));
        assert!(limit_u64("", "x").is_err());
        assert!(limit_u64("-1", "x").is_err());
    }

    #[test]
    fn single_rejects_garbage() {
        assert_eq!(single_u64("65536\n", "x"), Ok(65536));
        assert!(single_u64("\u{0}\u{1}", "x").is_err());
        assert!(single_u64("99999999999999999999999", "x").is_err());
    }
}
