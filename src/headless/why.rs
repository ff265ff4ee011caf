//! `headroom why "MESSAGE"`: from an error message (or an errno name) to the limits that can
//! produce it, closest first, each with its evidence now, as text. The ranking is
//! [`crate::derive::why`], which the Limits pane's `w` shows too; the messages come from
//! [`crate::limits::messages`], the same table the hints and docs/messages.md use.

use std::io::Write;
use std::time::Duration;

use crate::collect::Collector;
use crate::derive::LimitView;
pub use crate::derive::why::{Match, evidence, matches, unseen};
use crate::limits::messages::{self, MESSAGES};

/// Every message `why` knows, one per line.
pub fn known() -> String {
    MESSAGES
        .iter()
        .map(|m| format!("  {}", m.label()))
        .collect::<Vec<_>>()
        .join("\n")
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
    let names: Vec<String> = wanted.iter().map(|m| m.quoted()).collect();
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
            missing.join(", ")
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
