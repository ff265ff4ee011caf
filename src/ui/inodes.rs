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
//! scan path: /var/lib/█  Enter scans, Esc closes                          (while typing)
//! ```

mod status;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::action::Spot;
use crate::app::inodes::{FILESYSTEMS, Focus, FsRow, InodesState, ScanView, TREE};
use crate::format::{self, count, size};
use crate::scan::SortKey;
use crate::ui::theme;
use crate::ui::widgets::table::{self, Column, Row, Table};
use status::{growth_style, rate, signed, status_lines};

/// The Inodes pane, borrowed from the state it draws.
pub struct InodesPane<'a> {
    pub state: &'a InodesState,
}

impl<'a> InodesPane<'a> {
    pub fn new(state: &'a InodesState) -> Self {
        Self { state }
    }

    /// The filesystems, the scanner's status, the tree, the prompt.
    fn areas(&self, area: Rect) -> [Rect; 4] {
        let state = self.state;
        let fs_rows = state.filesystems.len().max(1) as u16 + 1;
        let fs_h = fs_rows.min((area.height / 3).max(3)).min(area.height);
        let prompt_h = u16::from(state.prompt.is_some());
        Layout::vertical([
            Constraint::Length(fs_h),
            Constraint::Length(status_lines(state).len() as u16),
            Constraint::Min(0),
            Constraint::Length(prompt_h),
        ])
        .areas(area)
    }

    /// The filesystem or directory under the mouse.
    pub fn spot(&self, area: Rect, at: Position) -> Option<Spot> {
        let [fs, _, tree, _] = self.areas(area);
        let s = self.state;
        if fs.contains(at) {
            let row = table::row_at(fs, s.filesystems.len(), Some(s.fs_selected), at.y);
            return Some(Spot {
                table: FILESYSTEMS,
                row,
            });
        }
        let v = s.view.as_ref().filter(|_| tree.contains(at))?;
        Some(Spot {
            table: TREE,
            row: table::row_at(tree, v.rows.len(), Some(v.selected), at.y),
        })
    }
}

impl Widget for InodesPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(self.state, self.areas(area), buf);
    }
}

fn render(state: &InodesState, [fs, status, tree, prompt]: [Rect; 4], buf: &mut Buffer) {
    let status_text = status_lines(state);
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
    let num =
        |n: Option<u64>, fmt: fn(u64) -> String| Line::from(n.map_or_else(|| "-".into(), fmt));
    let mut cells = vec![
        Line::from(f.mountpoint.as_str()),
        Line::from(f.fstype.as_str()),
    ];
    if let Some(e) = &f.error {
        // The error takes the place of the numbers, in the last column.
        cells.extend(std::iter::repeat_n(Line::default(), 6));
        cells.push(Line::styled(e.as_str(), theme::dim()));
        return Row::new(cells);
    }
    cells.extend([
        num(f.inodes_used, count),
        num(f.inodes_total, count),
        Line::styled(format::bar(f.inodes_pct()), usage_style(f.inodes_pct())),
        num(f.bytes_used, size),
        num(f.bytes_total, size),
        Line::styled(format::bar(f.bytes_pct()), usage_style(f.bytes_pct())),
    ]);
    let row = Row::new(cells);
    // Network and pseudo filesystems are dimmed: the scanner leaves them alone.
    if f.kind.is_some() {
        row.style(theme::dim())
    } else {
        row
    }
}

/// Columns, and which leave first on a narrow screen: bytes, then the totals; the mount
/// point, the inodes in use and their bar stay.
fn fs_columns() -> Vec<Column<'static>> {
    vec![
        Column::name("filesystem", 10, 40),
        Column::fixed("type", 5),
        Column::number("inodes", 0),
        Column::number("total", 4),
        Column::fixed("inode use", 1),
        Column::number("bytes", 6),
        Column::number("size", 7),
        Column::fixed("space use", 8),
        // Why statvfs failed, in place of the numbers.
        Column::text("", 0, 9),
    ]
}

fn filesystems(state: &InodesState, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    if state.filesystems.is_empty() {
        Line::styled("Reading the mounts…", theme::dim()).render(area, buf);
        return;
    }
    let highlight = if state.focus == Focus::Filesystems {
        theme::selected()
    } else {
        Style::new()
    };
    Table::new(fs_columns(), state.filesystems.iter().map(fs_row).collect())
        .header_style(theme::header())
        .select(Some(state.fs_selected), highlight)
        .render(area, buf);
}

/// Two spaces a level, at most half the pane's width: a chain thousands deep would otherwise
/// cost a line of thousands of spaces per row and push every name off the screen.
fn indent(depth: u16, width: u16) -> String {
    " ".repeat((usize::from(depth) * 2).min(usize::from(width / 2)))
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
    // On a narrow screen the rate leaves first, then the change, the bytes, the own count.
    let mut columns = vec![
        Column::number(sort_mark(SortKey::Entries, "entries"), 0),
        Column::number("own", 2),
    ];
    if with_bytes {
        columns.push(Column::number(sort_mark(SortKey::Bytes, "bytes"), 3));
    }
    if with_diff {
        columns.extend([
            Column::number(sort_mark(SortKey::Growth, "Δ"), 4),
            Column::number("rate", 5),
        ]);
    }
    columns.push(Column::text(sort_mark(SortKey::Name, "directory"), 8, 0));

    let rows = v.rows.iter().map(|row| {
        let Some(n) = r.tree.get(row.node) else {
            return Row::default();
        };
        let right = Line::from;
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
            Span::raw(indent(row.depth, area.width)),
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
            crate::scan::DirStatus::NoAnswer => spans.push(Span::styled(
                " (did not answer)",
                Style::new().fg(theme::WARNING),
            )),
        }
        cells.push(Line::from(spans));
        Row::new(cells).style(style)
    });
    let highlight = if state.focus == Focus::Tree {
        theme::selected()
    } else {
        Style::new()
    };
    Table::new(columns, rows.collect())
        .header_style(theme::header())
        .select(Some(v.selected), highlight)
        .render(area, buf);
}
