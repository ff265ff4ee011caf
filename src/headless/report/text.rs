//! The report as plain text.

use std::io::{self, Write};

use super::summary::SERIES;
use super::{Night, clock, span, stamp, value};

pub fn write(n: &Night, out: &mut impl Write) -> io::Result<()> {
    let s = &n.summary;
    let first = s.first_ms.unwrap_or(0);
    writeln!(out, "headroom report of {} ({})", n.file, host(&s.host))?;
    writeln!(
        out,
        "window: {} to {} ({}, {} frames)",
        stamp(first),
        stamp(s.last_ms),
        span(s.last_ms.saturating_sub(first)),
        s.frames
    )?;
    for l in &n.lost {
        writeln!(out, "lost: {l}")?;
    }
    writeln!(out)?;
    limits(n, out)?;
    writeln!(out)?;
    events(n, out)?;
    writeln!(out)?;
    writeln!(out, "Peaks:")?;
    for (key, title) in SERIES {
        let Some(p) = s.series.get(key).and_then(|x| x.peak.as_ref()) else {
            continue;
        };
        write!(
            out,
            "  {title}: {} at {}",
            value(key, p.value),
            clock(p.time_ms)
        )?;
        if !p.top.is_empty() {
            write!(out, "; top: {}", p.top.join(", "))?;
        }
        writeln!(out)?;
    }
    if !n.notes.is_empty() {
        writeln!(out)?;
        writeln!(out, "Notes in the file:")?;
        for (t, text) in &n.notes {
            writeln!(out, "  {} {text}", clock(*t))?;
        }
    }
    Ok(())
}

fn host(h: &str) -> &str {
    if h.is_empty() { "host unnamed" } else { h }
}

fn limits(n: &Night, out: &mut impl Write) -> io::Result<()> {
    let spans = n.summary.limits_in_order();
    if spans.is_empty() {
        return writeln!(out, "No limit failed or passed 80%.");
    }
    writeln!(out, "Limits that failed or passed 80%:")?;
    for l in spans {
        writeln!(out, "  {}", describe(l))?;
        if !l.consumers.is_empty() {
            writeln!(out, "      top at the peak: {}", l.consumers.join(", "))?;
        }
    }
    Ok(())
}

/// One limit's line: its peak, its time above 80%, its failures.
pub fn describe(l: &super::summary::LimitSpan) -> String {
    let mut parts = vec![format!(
        "{}: peak {:.1}% ({}) at {}",
        l.name,
        l.peak_pct,
        l.peak_amount,
        clock(l.peak_ms)
    )];
    if let Some(from) = l.first_near_ms {
        parts.push(format!(
            "above 80% for {} from {}",
            span(l.near_ms),
            clock(from)
        ));
    }
    if let (Some(a), Some(b)) = (l.first_failure_ms, l.last_failure_ms) {
        parts.push(format!(
            "failed {} times between {} and {}",
            l.failures,
            clock(a),
            clock(b)
        ));
    }
    parts.join("; ")
}

fn events(n: &Night, out: &mut impl Write) -> io::Result<()> {
    let s = &n.summary;
    if s.events.is_empty() {
        return writeln!(out, "No events.");
    }
    writeln!(
        out,
        "Events ({}):",
        s.events.len() as u64 + s.events_dropped
    )?;
    for e in &s.events {
        let sev = serde_json::to_value(e.severity)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let src = serde_json::to_value(e.source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {sev:<8} {src:<9} {:<22} {}",
            clock(e.time_ms),
            e.limit.as_deref().unwrap_or("-"),
            e.text
        )?;
    }
    if s.events_dropped > 0 {
        writeln!(out, "  … and {} more", s.events_dropped)?;
    }
    Ok(())
}
