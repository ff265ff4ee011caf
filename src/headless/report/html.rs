//! The report as one self-contained HTML page: text, tables and charts drawn as inline SVG. No
//! script and nothing fetched from anywhere.

use std::fmt::Write;

use super::summary::{SERIES, Series};
use super::{Night, clock, span, stamp, value};

const W: f64 = 760.0;
const H: f64 = 140.0;
const PAD: f64 = 36.0;

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #ddd}\
.critical{color:#b00}.warning{color:#a60}svg{background:#fafafa;border:1px solid #ddd}\
svg text{font:11px sans-serif;fill:#555}";

pub fn page(n: &Night) -> String {
    let s = &n.summary;
    let first = s.first_ms.unwrap_or(0);
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>headroom report: {host}</title><style>{STYLE}</style></head><body>\
         <h1>headroom report: {host}</h1><p>{file}: {a} to {b} ({len}, {frames} frames)</p>",
        host = esc(&s.host),
        file = esc(&n.file),
        a = stamp(first),
        b = stamp(s.last_ms),
        len = span(s.last_ms.saturating_sub(first)),
        frames = s.frames
    );
    if !n.lost.is_empty() {
        h.push_str("<h2>Lost</h2><ul>");
        for l in &n.lost {
            let _ = write!(h, "<li>{}</li>", esc(&l.to_string()));
        }
        h.push_str("</ul>");
    }
    limits(n, &mut h);
    events(n, &mut h);
    h.push_str("<h2>Charts</h2>");
    for (key, title) in SERIES {
        if let Some(series) = s.series.get(key) {
            chart(n, key, title, series, &mut h);
        }
    }
    h.push_str("</body></html>\n");
    h
}

fn limits(n: &Night, h: &mut String) {
    h.push_str("<h2>Limits that failed or passed 80%</h2>");
    let spans = n.summary.limits_in_order();
    if spans.is_empty() {
        h.push_str("<p>None.</p>");
        return;
    }
    h.push_str("<ul>");
    for l in spans {
        let class = if l.failures > 0 {
            "critical"
        } else {
            "warning"
        };
        let _ = write!(
            h,
            "<li class=\"{class}\">{}",
            esc(&super::text::describe(l))
        );
        if !l.consumers.is_empty() {
            let _ = write!(h, "<br>top at the peak: {}", esc(&l.consumers.join(", ")));
        }
        h.push_str("</li>");
    }
    h.push_str("</ul>");
}

fn events(n: &Night, h: &mut String) {
    let s = &n.summary;
    let _ = write!(
        h,
        "<h2>Events ({})</h2>",
        s.events.len() as u64 + s.events_dropped
    );
    if s.events.is_empty() {
        h.push_str("<p>None.</p>");
        return;
    }
    h.push_str(
        "<table><tr><th>time</th><th>severity</th><th>source</th><th>limit</th><th>text</th></tr>",
    );
    for e in &s.events {
        let sev = serde_json::to_value(e.severity).ok();
        let sev = sev.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        let src = serde_json::to_value(e.source).ok();
        let src = src.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        let _ = write!(
            h,
            "<tr class=\"{sev}\"><td>{}</td><td>{sev}</td><td>{src}</td><td>{}</td><td>{}</td></tr>",
            clock(e.time_ms),
            esc(e.limit.as_deref().unwrap_or("-")),
            esc(&e.text)
        );
    }
    h.push_str("</table>");
}

/// A line chart of per-minute maxima, events marked on the time axis, the peak labelled.
fn chart(n: &Night, key: &str, title: &str, series: &Series, h: &mut String) {
    let s = &n.summary;
    let t0 = s.first_ms.unwrap_or(0) as f64;
    let t1 = (s.last_ms as f64).max(t0 + 1.0);
    let top = series
        .points
        .values()
        .copied()
        .fold(0.0_f64, f64::max)
        .max(1e-9);
    let x = |t: f64| PAD + (t - t0) / (t1 - t0) * (W - 2.0 * PAD);
    let y = |v: f64| H - 20.0 - v / top * (H - 40.0);
    let _ = write!(
        h,
        "<h3>{}</h3><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" \
         viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        esc(title)
    );
    for e in &s.events {
        let class = serde_json::to_value(e.severity).ok();
        let color = if class.as_ref().and_then(|v| v.as_str()) == Some("critical") {
            "#d33"
        } else {
            "#e90"
        };
        let ex = x(e.time_ms as f64);
        let _ = write!(
            h,
            "<line x1=\"{ex:.1}\" y1=\"10\" x2=\"{ex:.1}\" y2=\"{:.1}\" stroke=\"{color}\" stroke-width=\"1\" opacity=\"0.6\"/>",
            H - 20.0
        );
    }
    let pts: Vec<String> = series
        .points
        .iter()
        .map(|(t, v)| format!("{:.1},{:.1}", x(*t as f64), y(*v)))
        .collect();
    let _ = write!(
        h,
        "<polyline fill=\"none\" stroke=\"#36c\" stroke-width=\"1.5\" points=\"{}\"/>",
        pts.join(" ")
    );
    let _ = write!(
        h,
        "<text x=\"{PAD}\" y=\"{:.0}\">{}</text><text x=\"{:.0}\" y=\"{:.0}\" text-anchor=\"end\">{}</text>\
         <text x=\"2\" y=\"14\">{}</text>",
        H - 4.0,
        clock(t0 as u64),
        W - PAD,
        H - 4.0,
        clock(t1 as u64),
        esc(&value(key, top))
    );
    if let Some(p) = &series.peak {
        let _ = write!(
            h,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#36c\"/>",
            x(p.time_ms as f64),
            y(p.value)
        );
    }
    h.push_str("</svg>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">&</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
        );
    }
}
