//! The two tables of the Processes pane: processes, and processes folded by command.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::app::procs::{ProcColumn, ProcsState};
use crate::derive::Severity;
use crate::derive::procs::{ProcGroup, ProcRow, ProcsView};
use crate::format::{count, rate, size, size_f};
use crate::ui::theme;
use crate::ui::widgets::table::{Column, Row, Table};

/// Screens this wide show the command line beside the command.
const WIDE: u16 = 120;

fn opt(n: Option<u64>) -> String {
    n.map_or_else(|| "-".into(), count)
}

/// A growth per minute: `+600`, `=` when flat, empty before two readings.
pub(super) fn growth(g: Option<f64>, bytes: bool) -> Line<'static> {
    match g {
        Some(g) if g.abs() >= 0.5 && bytes => {
            let sign = if g > 0.0 { "+" } else { "-" };
            Line::from(format!("{sign}{}", size_f(g.abs())))
        }
        Some(g) if g.abs() >= 0.5 => Line::from(format!("{g:+.0}")),
        Some(_) => Line::from("="),
        None => Line::default(),
    }
}

fn io_rate(r: Option<f64>) -> Line<'static> {
    match r {
        Some(r) if r >= 1.0 => Line::from(rate(r)),
        Some(_) => Line::from("0"),
        None => Line::default(),
    }
}

/// `1,420/2,048`, or the count alone when the limit is unknown or unlimited.
fn fds(r: &ProcRow) -> String {
    match (r.fds, r.fd_limit) {
        (Some(n), Some(l)) => format!("{}/{}", count(n), count(l)),
        (n, _) => opt(n),
    }
}

fn sockets(tcp: Option<u64>, udp: Option<u64>, unix: Option<u64>) -> String {
    match (tcp, udp, unix) {
        (Some(t), Some(u), Some(x)) => format!("{}/{}/{}", count(t), count(u), count(x)),
        _ => "-".into(),
    }
}

fn command(r: &ProcRow, wide: bool) -> Line<'static> {
    if !wide || r.cmdline.is_empty() {
        return Line::from(r.comm.to_string());
    }
    Line::from(vec![
        Span::raw(r.comm.to_string()),
        Span::raw(" "),
        Span::styled(r.cmdline.to_string(), theme::dim()),
    ])
}

fn process_row(r: &ProcRow, wide: bool) -> Row<'static> {
    let style = if r.leak.is_some() {
        theme::severity(Severity::Warning)
    } else {
        Style::new()
    };
    Row::new(vec![
        Line::from(r.pid.to_string()),
        Line::from(r.user.to_string()),
        command(r, wide),
        Line::from(r.state.to_string()),
        Line::from(count(r.threads)),
        Line::from(fds(r)),
        Line::from(sockets(r.tcp, r.udp, r.unix)),
        Line::from(r.rss_bytes.map_or_else(|| "-".into(), size)),
        growth(r.fd_growth_per_min, false),
        growth(r.rss_growth_per_min, true),
        io_rate(r.read_bytes_per_s),
        io_rate(r.write_bytes_per_s),
        Line::from(
            r.unit
                .as_deref()
                .or(r.cgroup.as_deref())
                .unwrap_or_default()
                .to_string(),
        ),
    ])
    .style(style)
}

/// How a column fits and which leave first on a narrow screen; pid, command and fds stay.
fn column(c: ProcColumn, title: String, wide: bool) -> Column<'static> {
    match c {
        ProcColumn::Command if wide => Column::name(title, 8, 72),
        ProcColumn::Command => Column::name(title, 8, 16),
        ProcColumn::User => Column::name(title, 4, 10).dropped(5),
        ProcColumn::Unit => Column::text(title, 6, 10),
        ProcColumn::State => Column::fixed(title, 6),
        ProcColumn::Pid | ProcColumn::Fds => Column::number(title, 0),
        ProcColumn::Threads => Column::number(title, 4),
        ProcColumn::Sockets => Column::number(title, 3),
        ProcColumn::Rss => Column::number(title, 2),
        ProcColumn::FdGrowth => Column::number(title, 1),
        ProcColumn::RssGrowth => Column::number(title, 7),
        ProcColumn::Read => Column::number(title, 8),
        ProcColumn::Write => Column::number(title, 9),
    }
}

fn title(c: ProcColumn, s: &ProcsState) -> String {
    let arrow = if s.descending { "▼" } else { "▲" };
    if c == s.sort {
        format!("{}{arrow}", c.title())
    } else {
        c.title().to_string()
    }
}

fn empty(s: &ProcsState, what: &str, area: Rect, buf: &mut Buffer) {
    let text = if s.filter.is_empty() {
        format!("No {what} to show.")
    } else {
        format!("No {what} match \"{}\" (Esc clears the filter).", s.filter)
    };
    Paragraph::new(text).style(theme::dim()).render(area, buf);
}

pub(super) fn process_table(view: &ProcsView, s: &ProcsState, area: Rect, buf: &mut Buffer) {
    if s.order.is_empty() {
        return empty(s, "processes", area, buf);
    }
    let wide = area.width >= WIDE;
    let columns = ProcColumn::ALL
        .map(|c| column(c, title(c, s), wide))
        .to_vec();
    // Only the rows that can be on screen are formatted.
    let body = usize::from(area.height.saturating_sub(1));
    let first =
        crate::ui::widgets::table::offset(Some(s.selected()), area.height.saturating_sub(1));
    let rows: Vec<Row> = s
        .rows(view)
        .skip(first)
        .take(body)
        .map(|r| process_row(r, wide))
        .collect();
    Table::new(columns, rows)
        .header_style(theme::header())
        .select(Some(s.selected().saturating_sub(first)), theme::selected())
        .render(area, buf);
}

fn group_row(g: &ProcGroup) -> Row<'static> {
    Row::new(vec![
        Line::from(g.label.clone()),
        Line::from(count(g.count)),
        Line::from(count(g.fds)),
        Line::from(sockets(Some(g.tcp), Some(g.udp), Some(g.unix))),
        Line::from(count(g.threads)),
        Line::from(size(g.rss_bytes)),
    ])
}

pub(super) fn group_table(view: &ProcsView, s: &ProcsState, area: Rect, buf: &mut Buffer) {
    if s.group_order.is_empty() {
        return empty(s, "commands", area, buf);
    }
    let mark = |c: ProcColumn, t: &str| {
        if c == s.sort {
            title(c, s).replace(c.title(), t)
        } else {
            t.to_string()
        }
    };
    let columns = vec![
        Column::name(mark(ProcColumn::Command, "command"), 12, 90),
        Column::number(mark(ProcColumn::Pid, "procs"), 0),
        Column::number(mark(ProcColumn::Fds, "fds"), 0),
        Column::number(mark(ProcColumn::Sockets, "tcp/udp/unix"), 2),
        Column::number(mark(ProcColumn::Threads, "thr"), 1),
        Column::number(mark(ProcColumn::Rss, "rss"), 3),
    ];
    let body = usize::from(area.height.saturating_sub(1));
    let first =
        crate::ui::widgets::table::offset(Some(s.selected()), area.height.saturating_sub(1));
    let rows: Vec<Row> = s
        .groups(view)
        .skip(first)
        .take(body)
        .map(group_row)
        .collect();
    Table::new(columns, rows)
        .header_style(theme::header())
        .select(Some(s.selected().saturating_sub(first)), theme::selected())
        .render(area, buf);
}
