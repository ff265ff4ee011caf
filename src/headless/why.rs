//! `headroom why "MESSAGE"`: from an error message (or an errno name) to the limits that can
//! produce it, closest first, each with its evidence now. The messages come from
//! [`crate::limits::messages`], the same table the hints and the README use.

use std::io::Write;
use std::time::Duration;

use crate::collect::Collector;
use crate::derive::{self, LimitView};
use crate::limits::messages::{self, MESSAGES, Message};

/// A limit that can produce the message, with the message it produces.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Match<'a> {
    pub message: &'static Message,
    pub view: &'a LimitView,
}

/// The limits among `views` that can produce the error `text` names, closest first: those
/// failing now, then by share in use, then those that failed at some time.
pub fn matches<'a>(text: &str, views: &'a [LimitView]) -> Vec<Match<'a>> {
    let wanted = messages::lookup(text);
    let mut out: Vec<Match> = views
        .iter()
        .filter_map(|view| {
            let message = wanted.iter().find(|m| m.names(&view.limit.id))?;
            Some(Match { message, view })
        })
        .collect();
    out.sort_by(|a, b| {
        closeness(b.view)
            .partial_cmp(&closeness(a.view))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    out
}

fn closeness(v: &LimitView) -> (bool, f64, bool) {
    (
        v.failures_delta.is_some_and(|d| d > 0),
        v.pct.unwrap_or(0.0),
        v.ever_failed(),
    )
}

/// Limits that can produce the messages but have no row here (their source is absent).
pub fn unseen(text: &str, views: &[LimitView]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for m in messages::lookup(text) {
        for p in m.limits {
            let seen = views.iter().any(|v| messages::covers(p, &v.limit.id));
            if !seen && !out.contains(p) {
                out.push(*p);
            }
        }
    }
    out
}

/// Every message `why` knows, one per line.
pub fn known() -> String {
    MESSAGES
        .iter()
        .map(|m| format!("  {}", m.label()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One limit's evidence: its use now, its failures and who holds it.
pub fn evidence(v: &LimitView) -> String {
    let mut parts = vec![derive::amount(v)];
    if let Some(p) = v.pct {
        parts.push(format!("{p:.1}%"));
    }
    match (v.limit.failures, v.failures_delta) {
        (Some(f), Some(d)) if d > 0 => parts.push(format!("failed {d} times just now, {f} in all")),
        (Some(f), _) if f > 0 => parts.push(format!("failed {f} times since the counter started")),
        _ => {}
    }
    if let Some(n) = &v.limit.note {
        parts.push(n.clone());
    }
    if !v.limit.consumers.is_empty() {
        parts.push(format!("most held by {}", derive::consumers_text(v, 3)));
    }
    parts.join("; ")
}

/// The report as text.
pub fn report(text: &str, views: &[LimitView]) -> Result<String, String> {
    let wanted = messages::lookup(text);
    if wanted.is_empty() {
        return Err(format!(
            "{text:?} is not a message headroom knows. It knows:\n{}",
            known()
        ));
    }
    let names: Vec<String> = wanted
        .iter()
        .map(|m| match m.errno {
            "" => format!("{:?}", m.text),
            e => format!("{:?} ({e})", m.text),
        })
        .collect();
    let found = matches(text, views);
    let mut out = format!(
        "{}: {} limits here can produce it, closest first\n",
        names.join(", "),
        found.len()
    );
    for (i, m) in found.iter().enumerate() {
        let v = m.view;
        out.push_str(&format!(
            "{:>3}. {} [{}]: {}\n     {}\n",
            i + 1,
            v.limit.name,
            v.limit.id,
            evidence(v),
            v.hint
        ));
    }
    let missing = unseen(text, views);
    if !missing.is_empty() {
        out.push_str(&format!(
            "Not seen on this machine (source absent or nothing in use): {}\n",
            missing
                .iter()
                .map(|p| if p.ends_with(':') {
                    format!("{p}*")
                } else {
                    (*p).to_string()
                })
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(out)
}

pub fn run(
    collector: Collector,
    text: &str,
    samples: u32,
    interval: Duration,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if messages::lookup(text).is_empty() {
        anyhow::bail!(
            "{text:?} is not a message headroom knows. It knows:\n{}",
            known()
        );
    }
    let (_, derived) = super::snapshot::take(collector, samples, interval)?;
    let text = report(text, &derived.limits).map_err(anyhow::Error::msg)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}
