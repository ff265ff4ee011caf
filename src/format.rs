//! Number formatting shared by the panes, the text report and derived sentences: one unit style
//! everywhere. Sizes are binary (KiB, MiB, GiB) with one decimal, counts are short ("1.2M"),
//! percentages carry `%`. A leaf: it imports nothing of ours, so `derive`, `headless` and `ui`
//! can all use it.

use humansize::{BINARY, FormatSizeOptions, format_size};

/// A byte size short enough for a column: "188.6MiB".
pub fn size(n: u64) -> String {
    let opts = FormatSizeOptions::from(BINARY)
        .decimal_places(1)
        .space_after_value(false);
    format_size(n, opts)
}

/// A byte size given as a float (a chart value, a rate); negative values show as 0.
pub fn size_f(v: f64) -> String {
    size(v.max(0.0).round() as u64)
}

/// Bytes per second: "36.0KiB/s".
pub fn rate(bytes_per_s: f64) -> String {
    format!("{}/s", size_f(bytes_per_s))
}

/// Pages of `page_size` bytes as a size; the page size comes from the snapshot, never assumed.
pub fn pages(n: u64, page_size: u64) -> String {
    size(n.saturating_mul(page_size))
}

/// A percentage, one decimal below 10: "0%", "0.5%", "40%".
pub fn pct(v: f64) -> String {
    if v == 0.0 {
        "0%".into()
    } else if v.abs() < 10.0 {
        format!("{v:.1}%")
    } else {
        format!("{v:.0}%")
    }
}

/// MHz as GHz with one decimal: "3.5".
pub fn ghz(mhz: f64) -> String {
    format!("{:.1}", mhz / 1000.0)
}

/// A temperature: "88°C".
pub fn celsius(v: f64) -> String {
    format!("{v:.0}°C")
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

/// "1,420": a count as a sentence writes it.
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The noun for `n` of a thing: `one` for 1, `many` otherwise.
pub fn noun<'a>(n: u64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// A count short enough for a column: 1234567 → "1.2M".
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
        let g: Vec<String> = [0, 999, 1900, 134_000, 1_234_567, 2_048_000]
            .into_iter()
            .map(grouped)
            .collect();
        assert_eq!(
            g,
            ["0", "999", "1,900", "134,000", "1,234,567", "2,048,000"]
        );
        assert_eq!(noun(1, "process", "processes"), "process");
        assert_eq!(noun(0, "process", "processes"), "processes");
        assert_eq!(count(400), "400");
        assert_eq!(count(2_700_000), "2.7M");
        assert_eq!(count(150_000), "150k");
        assert_eq!(count(30_000_000), "30.0M");
        assert_eq!(pages(1, 4096), "4KiB");
        assert_eq!(pages(1, 65_536), "64KiB");
        assert_eq!(size(1536), "1.5KiB");
        assert_eq!(size(197_787_648), "188.6MiB");
        assert_eq!(size_f(-3.0), "0B");
        assert_eq!(rate(36.0 * 1024.0), "36KiB/s");
        assert_eq!(rate(1.5 * 1024.0 * 1024.0 * 1024.0), "1.5GiB/s");
        assert_eq!(pct(0.0), "0%");
        assert_eq!(ghz(3500.0), "3.5");
        assert_eq!(celsius(88.4), "88°C");
        assert_eq!(pct(0.5), "0.5%");
        assert_eq!(pct(40.0), "40%");
        assert_eq!(bar(Some(74.0)), "██████░░  74%");
        assert_eq!(bar(Some(250.0)), "████████ 250%");
        assert_eq!(bar(None).len(), BAR_WIDTH as usize);
    }
}
