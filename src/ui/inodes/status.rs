//! The scanner's line of the Inodes pane: its progress while it runs, the result and the
//! change since the previous scan of the same root.

use std::path::Path;
use std::time::Duration;

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::inodes::{InodesState, ScanStatus, ScanView};
use crate::format::{count, size};
use crate::scan::{ScanErrors, ScanResult};
use crate::ui::theme;

/// Unreadable directories by cause, or nothing when there are none. Running out of file
/// descriptors is named: the count is then incomplete, not the tree unreadable.
fn errors_text(e: &ScanErrors) -> String {
    let mut text = String::new();
    if e.permission_denied > 0 {
        text.push_str(&format!(", {} denied", count(e.permission_denied)));
    }
    if e.too_many_open_files > 0 {
        text.push_str(&format!(
            ", too many open files: {} not read",
            count(e.too_many_open_files)
        ));
    }
    if e.other > 0 {
        text.push_str(&format!(", {} unreadable", count(e.other)));
    }
    if e.no_answer > 0 {
        text.push_str(&format!(", {} did not answer", count(e.no_answer)));
    }
    text
}

/// The directories the scan gave up waiting for, as `headroom scan` names them: the first,
/// and how many more.
fn no_answer_text(r: &ScanResult) -> Option<String> {
    let first = r.no_answer.first()?;
    let more = match r.no_answer.len() - 1 {
        0 => String::new(),
        n => format!(" and {} more", count(n as u64)),
    };
    Some(format!(
        "not read: {} ({}){more}",
        first.path.display(),
        first.reason()
    ))
}

/// What the scanner is doing, or the result: one line, two for a rescan.
pub(super) fn status_lines(state: &InodesState) -> Vec<Line<'_>> {
    let line = match &state.status {
        ScanStatus::Running {
            root,
            bytes,
            progress: p,
        } => Line::from(vec![
            Span::styled("scanning ", theme::key()),
            Span::raw(format!(
                "{}: {} entries{}, {}/s, {} dirs, {:.1} s{}",
                root.display(),
                count(p.entries),
                if *bytes {
                    format!(", {}", size(p.bytes))
                } else {
                    String::new()
                },
                count(p.entries_per_sec.round() as u64),
                count(p.dirs),
                p.elapsed.as_secs_f64(),
                errors_text(&p.errors),
            )),
        ]),
        ScanStatus::Failed { root, message } => Line::styled(
            format!("scan of {}: {message}", root.display()),
            Style::new().fg(theme::WARNING),
        ),
        ScanStatus::Idle => match &state.view {
            Some(v) => return summary(v),
            None => Line::styled("no scan yet", theme::dim()),
        },
    };
    if state.is_running() {
        return vec![line, Line::styled("Esc cancels the scan.", theme::dim())];
    }
    vec![line]
}

/// The result in one line, and a second with the change when it is a rescan.
fn summary(v: &ScanView) -> Vec<Line<'_>> {
    let r = &v.result;
    let mut text = format!(
        "{}: {} entries in {} dirs",
        r.root.display(),
        count(r.total_entries()),
        count(r.tree.len() as u64),
    );
    if let Some(b) = r.total_bytes() {
        text.push_str(&format!(", {}", size(b)));
    }
    text.push_str(&format!(
        ", {:.2} s{}",
        r.elapsed.as_secs_f64(),
        errors_text(&r.errors)
    ));
    if r.other_mounts > 0 {
        text.push_str(&format!(", {} mounts not entered", r.other_mounts));
    }
    let mut lines = vec![Line::raw(text)];
    if let Some(stuck) = no_answer_text(r) {
        lines.push(Line::styled(stuck, Style::new().fg(theme::WARNING)));
    }
    if let Some(d) = &v.diff {
        let mut spans = vec![Span::raw("since the previous scan: ")];
        if let Some(c) = d.get(0) {
            spans.push(Span::styled(
                format!(
                    "{} in {} ({})",
                    signed(c.delta),
                    humantime::format_duration(Duration::from_secs(d.interval.as_secs())),
                    rate(c.per_minute)
                ),
                growth_style(c.delta),
            ));
        }
        // The subtree growing fastest in all (not the folder with the most new files of its
        // own): a tree filling through many small folders is named by its top.
        if let Some(&i) = d.fastest_subtrees(&r.tree, 1).first() {
            let path = r.path(i);
            let shown = path.strip_prefix(&r.root).unwrap_or(&path);
            let (delta, per_min) = d.get(i).map_or((0, 0.0), |c| (c.delta, c.per_minute));
            spans.push(Span::styled(
                format!(
                    "; filling fastest: {} {}",
                    if shown.as_os_str().is_empty() {
                        Path::new(".")
                    } else {
                        shown
                    }
                    .display(),
                    rate(per_min)
                ),
                growth_style(delta).add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::from(spans));
    }
    lines
}

pub(super) fn signed(n: i64) -> String {
    let abs = count(n.unsigned_abs());
    match n {
        0 => "=".into(),
        n if n > 0 => format!("+{abs}"),
        _ => format!("-{abs}"),
    }
}

pub(super) fn rate(per_minute: f64) -> String {
    let r = per_minute.round();
    if r == 0.0 {
        return "=".into();
    }
    let abs = count(r.abs() as u64);
    format!("{}{abs}/m", if r > 0.0 { "+" } else { "-" })
}

pub(super) fn growth_style(delta: i64) -> Style {
    if delta > 0 {
        Style::new().fg(theme::WARNING)
    } else {
        Style::new()
    }
}
