//! Number formatting shared by panes and text reports.

use humansize::{BINARY, FormatSizeOptions, format_size};

use crate::limits::Unit;

pub const PAGE_SIZE: u64 = 4096;

/// A value in its unit: bytes and pages as binary sizes, counts as plain numbers.
pub fn quantity(n: u64, unit: Unit) -> String {
    match unit {
        Unit::Count => count(n),
        Unit::Bytes => size(n),
        Unit::Pages => size(n.saturating_mul(PAGE_SIZE)),
    }
}

/// A byte size short enough for a column: "188.6MiB".
pub fn size(n: u64) -> String {
    let opts = FormatSizeOptions::from(BINARY)
        .decimal_places(1)
        .space_after_value(false);
    format_size(n, opts)
}

/// Cells of a usage bar, without the percentage.
pub const BAR: usize = 8;
/// Columns a [`bar`] takes: the cells, a space and "100%".
pub const BAR_WIDTH: u16 = BAR as u16 + 5;

/// "██████░░  74%": a usage bar with its percentage; blank when there is no percentage.
pub fn bar(pct: Option<f64>) -> String {
    match pct {
        None => format!("{:<w$}", "", w = BAR_WIDTH as usize),
        Some(p) => {
            let filled = ((p / 100.0) * BAR as f64).round().clamp(0.0, BAR as f64) as usize;
            format!(
                "{}{} {:>3.0}%",
                "█".repeat(filled),
                "░".repeat(BAR - filled),
                p.min(999.0)
            )
        }
    }
}

/// A count with thin grouping, short enough for a column: 1234567 → "1.2M".
pub fn count(n: u64) -> String {
    match n {
        0..=99_999 => n.to_string(),
        100_000..=999_999 => format!("{:.0}k", n as f64 / 1e3),
        1_000_000..=999_999_999 => format!("{:.1}M", n as f64 / 1e6),
        _ => format!("{:.1}G", n as f64 / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_sizes() {
        assert_eq!(count(400), "400");
        assert_eq!(count(2_700_000), "2.7M");
        assert_eq!(count(150_000), "150k");
        assert_eq!(count(30_000_000), "30.0M");
        assert_eq!(quantity(1, Unit::Pages), "4KiB");
        assert_eq!(quantity(1536, Unit::Bytes), "1.5KiB");
        assert_eq!(size(197_787_648), "188.6MiB");
        assert_eq!(bar(Some(74.0)), "██████░░  74%");
        assert_eq!(bar(Some(250.0)), "████████ 250%");
        assert_eq!(bar(None).len(), BAR_WIDTH as usize);
    }
}
