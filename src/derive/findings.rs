//! The findings: one plain sentence for each row that needs attention.

use super::{Finding, LimitView, WARNING_PCT, amount, breaks, consumers_text, slope};

fn span_words(ms: u64) -> String {
    if ms >= 55_000 {
        "in the last minute".into()
    } else {
        format!("in the last {}s", ms.div_ceil(1000))
    }
}

/// Plain sentences for the rows that need attention, most severe first.
pub fn findings(views: &[LimitView]) -> Vec<Finding> {
    let mut out: Vec<Finding> = views.iter().filter_map(finding).collect();
    out.sort_by_key(|f| std::cmp::Reverse(f.severity));
    out
}

fn finding(v: &LimitView) -> Option<Finding> {
    let severity = v.severity?;
    let name = v.limit.name.as_str();
    let breaks = breaks(v);
    let pct = v.pct.unwrap_or(0.0);
    let recent = v
        .failures_recent
        .filter(|(n, _)| *n > 0)
        .or(v.failures_delta.filter(|d| *d > 0).map(|d| (d, 0)));
    let text = match recent {
        Some((n, span)) => {
            let when = if span > 0 {
                span_words(span)
            } else {
                "since the last reading".into()
            };
            let at = if pct >= 100.0 {
                "is at its limit"
            } else {
                "is at"
            };
            format!(
                "{name} {at} ({}) and was refused {n} times {when}: {breaks}",
                amount(v)
            )
        }
        None if pct >= 100.0 => format!("{name} is at its limit ({}): {breaks}", amount(v)),
        None if v.filling() => format!(
            "{name} is at {pct:.0}% ({}) and growing {}: full in {}: {breaks}",
            amount(v),
            slope::rate_words(v.trend_per_min.unwrap_or(0.0)),
            slope::duration_words(v.full_in_s.unwrap_or(0.0))
        ),
        None if v.ever_failed() => {
            let now = match v.limit.used {
                Some(_) => format!("; now {}", amount(v)),
                None => String::new(),
            };
            let seen = v.last_failure.as_deref().unwrap_or("none just now");
            format!(
                "{name} has failed {} times since the counter started, {seen}{now}",
                v.limit.failures.unwrap_or(0)
            )
        }
        None if pct >= WARNING_PCT => format!("{name} is at {pct:.0}% ({}); {breaks}", amount(v)),
        None => format!("{name}: {}", v.limit.note.clone().unwrap_or_default()),
    };
    let text = if v.limit.consumers.is_empty() {
        text
    } else {
        format!("{text}; most held by {}", consumers_text(v, 2))
    };
    Some(Finding {
        severity,
        limit: v.limit.id.clone(),
        text,
    })
}
