//! The Inodes pane: filesystems by inode use (with bytes beside, like `df -i` next to `df -h`),
//! the directory scanner's progress, and its result as a tree by entry count.
//!
//! ```text
//! filesystem      type   inodes  total  use            bytes   size  use
//! /               ext4     2.9M   3.0M  ████████  97%  12.1GiB 40GiB ███░░░░░  30%
//! scanning /: 1.2M entries  410k/s  3021 dirs  2.9 s  0 unreadable  (Esc cancels)
//!   entries     own      Δ    /min  directory
//!      2.9M      21   +12k  +6k/m   ▾ /
//!      2.7M       3   +12k  +6k/m     ▾ var
//! s scan filesystem  / scan path  r rescan  b bytes  c/n sort  ←→ tree  f focus
//! ```

use std::path::Path;
use std::time::Duration;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, StatefulWidget, Table, TableState, Widget};

use crate::app::inodes::{Focus, FsRow, InodesState, ScanStatus, ScanView};
use crate::format::{self, count, size};
use crate::scan::SortKey;
use crate::ui::theme;

pub fn render(state: &InodesState, area: Rect, buf: &mut Buffer) {
    let fs_rows = state.filesystems.len().max(1) as u16 + 1;
    let fs_h = fs_rows.min((area.height / 3).max(3)).min(area.height);
    let prompt_h = u16::from(state.prompt.is_some());
    let status_text = status_lines(state);
    let [fs, status, tree, keys, prompt] = Layout::vertical([
        Constraint::Length(fs_h),
        Constraint::Length(status_text.len() as u16),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(prompt_h),
    ])
    .areas(area);
    filesystems(state, fs, buf);
    Paragraph::new(status_text).render(status, buf);
    if let Some(view) = &state.view {
        tree_table(state, view, tree, buf);
    } else {
        Paragraph::new(vec![
            Line::styled(
                "Which directory holds the inodes? Scan a filesystem (s) or a path (/):",
                theme::dim(),
            ),
            Line::styled(
                "entries are counted as `find DIR -xdev` counts them, on one filesystem.",
                theme::dim(),
            ),
        ])
        .render(tree, buf);
    }
    key_line(state, keys, buf);
    if let Some(text) = &state.prompt {
        Line::from(vec![
            Span::styled("scan path: ", theme::key()),
            Span::raw(text.as_str()),
            Span::styled("█", theme::dim()),
            Span::styled("  Enter scans, Esc closes", theme::dim()),
        ])
        .render(prompt, buf);
    }
}

fn usage_style(pct: Option<f64>) -> Style {
    theme::usage(pct)
}

fn fs_row(f: &FsRow) -> Row<'_> {
    let num = |n: Option<u64>, fmt: fn(u64) -> String| {
        Cell::from(Line::from(n.map_or_else(|| "-".to_string(), fmt)).right_aligned())
    };
    // Network and pseudo filesystems are dimmed: the scanner leaves them alone.
    let mut cells = vec![
        Cell::from(f.mountpoint.as_str()),
        Cell::from(f.fstype.as_str()),
    ];
    if let Some(e) = &f.error {
        cells.push(Cell::from(e.as_str()).style(theme::dim()));
        return Row::new(cells);
    }
    cells.extend([
        num(f.inodes_used, count),
        num(f.inodes_total, count),
        Cell::from(format::bar(f.inodes_pct())).style(usage_style(f.inodes_pct())),
        num(f.bytes_used, size),
        num(f.bytes_total, size),
        Cell::from(format::bar(f.bytes_pct())).style(usage_style(f.bytes_pct())),
    ]);
    let row = Row::new(cells);
    if f.kind.is_some() {
        row.style(theme::dim())
    } else {
        row
    }
}

fn filesystems(state: &InodesState, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let longest = state
        .filesystems
        .iter()
        .map(|f| f.mountpoint.chars().count())
        .max()
        .unwrap_or(0);
    let mut widths = vec![
        Constraint::Length(longest.clamp(10, 40) as u16),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(format::BAR_WIDTH),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(format::BAR_WIDTH),
    ];
    // On a wide screen the columns keep their width and the rest stays empty.
    if area.width >= 100 {
        widths.push(Constraint::Fill(1));
    }
    let header = Row::new([
        "filesystem",
        "type",
        "inodes",
        "total",
        "inode use",
        "bytes",
        "size",
        "space use",
    ])
    .style(theme::header());
    if state.filesystems.is_empty() {
        Line::styled("Reading the mounts…", theme::dim()).render(area, buf);
        return;
    }
    let highlight = if state.focus == Focus::Filesystems {
        theme::selected()
    } else {
        Style::new()
    };
    let table = Table::new(state.filesystems.iter().map(fs_row), widths)
        .header(header)
        .row_highlight_style(highlight)
        .column_spacing(1);
    let mut ts = TableState::default().with_selected(Some(state.fs_selected));
    StatefulWidget::render(table, area, buf, &mut ts);
}

/// Unreadable directories, or nothing when there are none.
fn errors_text(denied: u64, other: u64) -> String {
    match (denied, other) {
        (0, 0) => String::new(),
        (d, 0) => format!(", {d} denied"),
        (0, o) => format!(", {o} unreadable"),
        (d, o) => format!(", {d} denied, {o} unreadable"),
    }
}

/// What the scanner is doing, or the result: one line, two for a rescan.
fn status_lines(state: &InodesState) -> Vec<Line<'_>> {
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
                errors_text(p.errors.permission_denied, p.errors.other),
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
        errors_text(r.errors.permission_denied, r.errors.other)
    ));
    if r.other_mounts > 0 {
        text.push_str(&format!(", {} mounts not entered", r.other_mounts));
    }
    let mut lines = vec![Line::raw(text)];
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
        if let Some(i) = d.fastest_own() {
            let path = r.path(i);
            let shown = path.strip_prefix(&r.root).unwrap_or(&path);
            let own = d.get(i).map_or(0, |c| c.own_delta);
            let minutes = d.interval.as_secs_f64() / 60.0;
            let per_min = if minutes > 0.0 {
                own as f64 / minutes
            } else {
                0.0
            };
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
                growth_style(own).add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::from(spans));
    }
    lines
}

fn signed(n: i64) -> String {
    let abs = count(n.unsigned_abs());
    match n {
        0 => "=".into(),
        n if n > 0 => format!("+{abs}"),
        _ => format!("-{abs}"),
    }
}

fn rate(per_minute: f64) -> String {
    let r = per_minute.round();
    if r == 0.0 {
        return "=".into();
    }
    let abs = count(r.abs() as u64);
    format!("{}{abs}/m", if r > 0.0 { "+" } else { "-" })
}

fn growth_style(delta: i64) -> Style {
    if delta > 0 {
        Style::new().fg(theme::WARNING)
    } else {
        Style::new()
    }
}

fn tree_table(state: &InodesState, v: &ScanView, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    let r = &v.result;
    let with_bytes = r.bytes;
    let with_diff = v.diff.is_some();
    let sort_mark = |key: SortKey, label: &'static str| {
        if state.sort == key {
            format!("{label}▼")
        } else {
            label.to_string()
        }
    };
    let mut header = vec![sort_mark(SortKey::Entries, "entries"), "own".into()];
    let mut widths = vec![Constraint::Length(8), Constraint::Length(6)];
    if with_bytes {
        header.push(sort_mark(SortKey::Bytes, "bytes"));
        widths.push(Constraint::Length(9));
    }
    if with_diff {
        header.extend(["Δ".to_string(), "rate".to_string()]);
        widths.extend([Constraint::Length(7), Constraint::Length(8)]);
    }
    header.push(sort_mark(SortKey::Name, "directory"));
    widths.push(Constraint::Fill(1));

    let rows = v.rows.iter().map(|row| {
        let Some(n) = r.tree.get(row.node) else {
            return Row::new(Vec::<Cell>::new());
        };
        let right = |s: String| Cell::from(Line::from(s).right_aligned());
        let mut cells = vec![right(count(n.entries)), right(count(n.own_entries))];
        if with_bytes {
            cells.push(right(size(n.bytes)));
        }
        let mut style = Style::new();
        if let Some(d) = &v.diff {
            match d.get(row.node) {
                Some(c) if c.before.is_none() => {
                    cells.extend([right("new".into()), right(rate(c.per_minute))]);
                    style = growth_style(c.delta);
                }
                Some(c) => {
                    cells.extend([right(signed(c.delta)), right(rate(c.per_minute))]);
                    style = growth_style(c.delta);
                }
                None => cells.extend([right(String::new()), right(String::new())]),
            }
        }
        let has_children = !r.tree.children(row.node).is_empty();
        let marker = match (has_children, v.is_expanded(row.node)) {
            (false, _) => "  ",
            (true, true) => "▾ ",
            (true, false) => "▸ ",
        };
        let name = if row.node == 0 {
            r.root.display().to_string()
        } else {
            r.tree.name(row.node).to_string_lossy().into_owned()
        };
        let mut spans = vec![
            Span::raw("  ".repeat(usize::from(row.depth))),
            Span::styled(marker, theme::dim()),
            Span::raw(name),
        ];
        match n.status {
            crate::scan::DirStatus::Read => {}
            crate::scan::DirStatus::Denied => spans.push(Span::styled(
                " (permission denied)",
                Style::new().fg(theme::WARNING),
            )),
            crate::scan::DirStatus::Failed => spans.push(Span::styled(
                " (unreadable)",
                Style::new().fg(theme::WARNING),
            )),
        }
        cells.push(Cell::from(Line::from(spans)));
        Row::new(cells).style(style)
    });
    let highlight = if state.focus == Focus::Tree {
        theme::selected()
    } else {
        Style::new()
    };
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme::header()))
        .row_highlight_style(highlight)
        .column_spacing(1);
    let mut ts = TableState::default().with_selected(Some(v.selected));
    StatefulWidget::render(table, area, buf, &mut ts);
}

fn key_line(state: &InodesState, area: Rect, buf: &mut Buffer) {
    let keys: &[(&str, &str)] = if state.is_running() {
        &[("Esc", "cancel")]
    } else {
        &[
            ("s", "scan fs"),
            ("/", "scan path"),
            ("r", "rescan"),
            ("b", "bytes"),
            ("c/n", "sort"),
            ("←→", "tree"),
            ("f", "focus"),
        ]
    };
    let mut spans = Vec::new();
    for (k, what) in keys {
        spans.push(Span::styled(*k, theme::key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    Line::from(spans).render(area, buf);
}
