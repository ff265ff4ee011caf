//! The Prometheus text exposition format (version 0.0.4) and its OpenMetrics 1.0 form.

use std::fmt::Write as _;

/// Content type of the classic text format.
pub const TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";
/// Content type of OpenMetrics, served when the scraper's `Accept` asks for it.
pub const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// A label value in the exposition format: backslash, quote and newline escaped.
pub fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The HELP and TYPE lines of a metric family.
pub fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// One sample line.
pub fn sample(out: &mut String, name: &str, labels: &[(&str, &str)], value: f64) {
    out.push_str(name);
    if !labels.is_empty() {
        out.push('{');
        for (i, (k, v)) in labels.iter().enumerate() {
            let comma = if i == 0 { "" } else { "," };
            let _ = write!(out, "{comma}{k}=\"{}\"", label(v));
        }
        out.push('}');
    }
    let _ = writeln!(out, " {value}");
}

/// Whether an `Accept` header prefers OpenMetrics, as Prometheus sends it when it may.
pub fn wants_openmetrics(accept: &str) -> bool {
    accept.split(',').any(|part| {
        let mut params = part.split(';').map(str::trim);
        let media = params.next().unwrap_or_default();
        let refused = params.any(|p| p.replace(' ', "") == "q=0");
        media.eq_ignore_ascii_case("application/openmetrics-text") && !refused
    })
}

/// The same page in OpenMetrics: a counter's family is named without `_total`, a gauge named
/// `_info` becomes an info family, and the page ends with `# EOF`.
pub fn to_openmetrics(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.lines() {
        out.push_str(&openmetrics_line(line));
        out.push('\n');
    }
    out.push_str("# EOF\n");
    out
}

/// Every `_total` family of this exporter is a counter and every `_info` family a constant 1,
/// so the HELP and TYPE lines are renamed by suffix.
fn openmetrics_line(line: &str) -> String {
    let Some(rest) = line.strip_prefix("# ") else {
        return line.to_string();
    };
    let mut parts = rest.splitn(3, ' ');
    let (Some(what), Some(name), tail) = (parts.next(), parts.next(), parts.next()) else {
        return line.to_string();
    };
    let tail = tail.unwrap_or_default();
    let (base, kind) = if let Some(base) = name.strip_suffix("_total") {
        (base, "counter")
    } else if let Some(base) = name.strip_suffix("_info") {
        (base, "info")
    } else {
        return line.to_string();
    };
    match what {
        "TYPE" => format!("# TYPE {base} {kind}"),
        _ => format!("# {what} {base} {tail}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_escape_their_labels() {
        let mut out = String::new();
        sample(&mut out, "m", &[("a", "x\"y"), ("b", "1\\2\n")], 1.5);
        assert_eq!(out, "m{a=\"x\\\"y\",b=\"1\\\\2\\n\"} 1.5\n");
        out.clear();
        sample(&mut out, "m", &[], 3.0);
        assert_eq!(out, "m 3\n");
    }

    #[test]
    fn openmetrics_names_counter_and_info_families_without_suffix() {
        let mut text = String::new();
        family(&mut text, "x_failures_total", "counter", "Refusals.");
        sample(&mut text, "x_failures_total", &[("limit", "a")], 2.0);
        family(&mut text, "x_build_info", "gauge", "Version.");
        sample(&mut text, "x_build_info", &[("version", "1")], 1.0);
        family(&mut text, "x_ratio", "gauge", "Share.");
        let om = to_openmetrics(&text);
        assert_eq!(
            om,
            "# HELP x_failures Refusals.\n# TYPE x_failures counter\n\
             x_failures_total{limit=\"a\"} 2\n\
             # HELP x_build Version.\n# TYPE x_build info\nx_build_info{version=\"1\"} 1\n\
             # HELP x_ratio Share.\n# TYPE x_ratio gauge\n# EOF\n"
        );
    }

    #[test]
    fn accept_headers() {
        let prometheus = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        assert!(wants_openmetrics(prometheus));
        assert!(!wants_openmetrics("text/plain"));
        assert!(!wants_openmetrics("*/*"));
        assert!(!wants_openmetrics("application/openmetrics-text; q=0"));
        assert!(!wants_openmetrics(""));
    }
}
