//! From an error message (or an errno name) to the limits that can produce it, closest first,
//! each with its evidence now: what `headroom why` prints and the Limits pane's `w` shows. The
//! messages come from [`crate::limits::messages`], the table the hints quote.

use super::LimitView;
use crate::limits::messages::{self, Message};

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

/// Limits that can produce the messages but have no row here (their source is absent), as
/// patterns: `proc.maps:*` for one row per process.
pub fn unseen(text: &str, views: &[LimitView]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in messages::lookup(text) {
        for p in m.limits {
            let seen = views.iter().any(|v| messages::covers(p, &v.limit.id));
            let name = if p.ends_with(':') {
                format!("{p}*")
            } else {
                (*p).to_string()
            };
            if !seen && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

/// What points at a limit beyond its use: failures, its note, who holds it.
pub fn signs(v: &LimitView) -> Vec<String> {
    let mut parts = Vec::new();
    match (v.limit.failures, v.failures_delta) {
        (Some(f), Some(d)) if d > 0 => parts.push(format!("failed {d} times just now, {f} in all")),
        (Some(f), _) if f > 0 => parts.push(format!("failed {f} times since the counter started")),
        _ => {}
    }
    if let Some(n) = &v.limit.note {
        parts.push(n.clone());
    }
    if !v.limit.consumers.is_empty() {
        parts.push(format!("most held by {}", super::consumers_text(v, 3)));
    }
    parts
}

/// One limit's evidence: its use now, its failures and who holds it.
pub fn evidence(v: &LimitView) -> String {
    let mut parts = vec![super::amount(v)];
    if let Some(p) = v.pct {
        parts.push(format!("{p:.1}%"));
    }
    parts.extend(signs(v));
    parts.join("; ")
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::limits::{Limit, Unit, hints};

    fn view(id: &str, used: u64, max: u64, delta: Option<u64>) -> LimitView {
        let limit = Limit::new(id, "x", id, Unit::Count, hints::NOFILE)
            .with(used, Some(max))
            .failing(Some(3));
        let mut v = super::super::views_once(vec![limit]).remove(0);
        v.failures_delta = delta;
        v
    }

    #[test]
    fn failing_first_then_fullest() {
        let views = [
            view("fs.files", 90, 100, Some(0)),
            view("proc.nofile:7", 10, 100, Some(2)),
            view("fs.nr_open", 99, 100, None),
            view("net.tcp.tw", 100, 100, Some(5)),
        ];
        let ids: Vec<&str> = matches("EMFILE", &views)
            .iter()
            .map(|m| m.view.limit.id.as_str())
            .collect();
        assert_eq!(ids, ["proc.nofile:7", "fs.nr_open", "fs.files"]);
        assert!(matches("printer on fire", &views).is_empty());
        let missing = unseen("EMFILE", &views);
        assert!(
            missing.contains(&"fs.inotify.instances:*".to_string()),
            "{missing:?}"
        );
        assert!(!missing.contains(&"fs.files".to_string()));
        assert!(evidence(&views[1]).starts_with("10 of 100; 10.0%; failed 2 times just now"));
    }
}
