//! The tables of the Sockets pane: peers, listeners with their accept queues, the owners of
//! the selected row, and the ephemeral ports per destination.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::SocketsPane;
use crate::app::sockets::{Focus, PeerColumn, PeerRow, SocketsState};
use crate::format::count;
use crate::model::tcp::{Listener, SocketOwner, TcpState, TcpTable};
use crate::ui::theme;
use crate::ui::widgets::table::{self, Column, Row, Table};

fn section(title: String, focused: bool) -> Block<'static> {
    let style = if focused { theme::key() } else { theme::dim() };
    Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(title, style))
        .border_style(theme::dim())
}

/// The row of a table drawn below a section's title line, at line `y`.
pub(super) fn row_at(area: Rect, rows: usize, selected: usize, y: u16) -> Option<usize> {
    let inner = Block::new().borders(Borders::TOP).inner(area);
    table::row_at(inner, rows, Some(selected), y)
}

fn num(n: u64) -> Line<'static> {
    Line::from(count(n))
}

fn trend(t: Option<f64>) -> Line<'static> {
    match t {
        Some(t) if t.abs() >= 0.5 => Line::from(format!("{t:+.0}")),
        Some(_) => Line::from("="),
        None => Line::default(),
    }
}

fn peer_row(r: &PeerRow) -> Row<'static> {
    let label = if r.members > 1 {
        format!("{} ({})", r.label, r.members)
    } else {
        r.label.clone()
    };
    let style = if r.states.get(TcpState::CloseWait) > 0 {
        Style::new().fg(theme::WARNING)
    } else {
        Style::new()
    };
    Row::new(vec![
        Line::from(label),
        Line::from(r.service.clone().unwrap_or_default()),
        num(r.states.get(TcpState::Established)),
        num(r.states.get(TcpState::TimeWait)),
        num(r.states.get(TcpState::CloseWait)),
        num(r.states.other()),
        num(r.total),
        trend(r.trend),
        num(r.ephemeral),
    ])
    .style(style)
}

/// Which peer columns leave first on a narrow screen; the address and the total stay.
fn peer_drop(c: PeerColumn) -> u8 {
    match c {
        PeerColumn::Remote | PeerColumn::Total => 0,
        PeerColumn::Established => 2,
        PeerColumn::CloseWait => 3,
        PeerColumn::TimeWait => 4,
        PeerColumn::Trend => 5,
        PeerColumn::Service => 6,
        PeerColumn::Other => 7,
        PeerColumn::Ephemeral => 8,
    }
}

pub(super) fn peer_table(s: &SocketsState, area: Rect, buf: &mut Buffer) {
    let focused = s.focus == Focus::Peers;
    if s.rows.is_empty() {
        Paragraph::new("No connections to remote peers.")
            .style(theme::dim())
            .block(section(" peers ".into(), focused))
            .render(area, buf);
        return;
    }
    let arrow = if s.descending { "▼" } else { "▲" };
    let title = format!(
        " peers ({}) by {} · sort {} {arrow} ",
        s.rows.len(),
        s.group.label(),
        s.sort.title()
    );
    let columns = PeerColumn::ALL
        .map(|c| {
            let title = if c == s.sort {
                format!("{}{arrow}", c.title())
            } else {
                c.title().to_string()
            };
            match c {
                PeerColumn::Remote => Column::name(title, 12, 40),
                PeerColumn::Service => Column::name(title, 7, 12).dropped(peer_drop(c)),
                _ => Column::number(title, peer_drop(c)),
            }
        })
        .to_vec();
    let block = section(title, focused);
    let inner = block.inner(area);
    block.render(area, buf);
    let highlight = if focused {
        theme::selected()
    } else {
        Style::new()
    };
    Table::new(columns, s.rows.iter().map(peer_row).collect())
        .header_style(theme::header())
        .select(Some(s.peer_selected()), highlight)
        .render(inner, buf);
}

fn listener_row(l: &Listener) -> Row<'static> {
    let queue = match l.backlog {
        Some(b) => format!("{}/{}", l.accept_queue, b),
        None => format!("{}/?", l.accept_queue),
    };
    let full = l.queue_full();
    let queue = if full {
        Line::from(format!("{queue} FULL")).style(theme::fresh_failure())
    } else {
        Line::from(queue)
    };
    let label = if l.sockets > 1 {
        format!("{} ×{}", l.local, l.sockets)
    } else {
        l.local.to_string()
    };
    Row::new(vec![
        Line::from(label),
        Line::from(l.service.clone().unwrap_or_default()),
        num(l.states.get(TcpState::Established)),
        num(l.states.get(TcpState::TimeWait)),
        num(l.states.get(TcpState::CloseWait)),
        num(l.states.other()),
        queue,
    ])
    .style(if full {
        Style::new().fg(theme::CRITICAL)
    } else {
        Style::new()
    })
}

pub(super) fn listener_table(state: &SocketsPane, t: &TcpTable, area: Rect, buf: &mut Buffer) {
    let v = &state.derived.tcp;
    let delta = |name: &str, d: Option<u64>| match d {
        Some(d) if d > 0 => Span::styled(format!(" {name} +{d} "), theme::fresh_failure()),
        Some(_) => Span::styled(format!(" {name} +0 "), theme::dim()),
        None => Span::styled(format!(" {name} - "), theme::dim()),
    };
    let focused = state.sockets.focus == Focus::Listeners;
    let title = Line::from(vec![
        Span::styled(
            format!(" listeners ({}) ·", t.listeners.len()),
            if focused { theme::key() } else { theme::dim() },
        ),
        delta("ListenOverflows", v.listen_overflows),
        delta("ListenDrops", v.listen_drops),
    ]);
    let columns = vec![
        Column::name("local", 12, 40),
        Column::name("service", 7, 12).dropped(6),
        Column::number("ESTAB", 2),
        Column::number("TIME_W", 4),
        Column::number("CLOSE_W", 3),
        Column::number("other", 5),
        Column::number("queue/backlog", 0),
    ];
    let block = Block::new()
        .borders(Borders::TOP)
        .title(title)
        .border_style(theme::dim());
    let inner = block.inner(area);
    block.render(area, buf);
    let highlight = if focused {
        theme::selected()
    } else {
        Style::new()
    };
    Table::new(columns, t.listeners.iter().map(listener_row).collect())
        .header_style(theme::header())
        .select(Some(state.sockets.listener_selected()), highlight)
        .render(inner, buf);
}

/// The processes holding the selected row's sockets.
pub(super) fn owner_list(s: &SocketsState, t: &TcpTable, area: Rect, buf: &mut Buffer) {
    let (what, owners): (String, &[SocketOwner]) = match s.focus {
        Focus::Peers => match s.rows.get(s.peer_selected()) {
            Some(r) => (r.label.clone(), &r.processes),
            None => (String::new(), &[]),
        },
        Focus::Listeners => match t.listeners.get(s.listener_selected()) {
            Some(l) => (l.local.to_string(), &l.processes),
            None => (String::new(), &[]),
        },
    };
    let block = section(format!(" owners of {what} "), false);
    if owners.is_empty() {
        let why = match &t.owners {
            None => "owner map not taken",
            Some(o) if o.unreadable > 0 => "no visible process holds these (root sees all)",
            Some(_) => "no process holds these (TIME_WAIT has no owner)",
        };
        Paragraph::new(Line::styled(why, theme::dim()))
            .block(block)
            .render(area, buf);
        return;
    }
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = owners
        .iter()
        .map(|o| {
            Row::new(vec![
                Line::from(o.pid.to_string()),
                Line::from(o.comm.clone()),
                num(o.sockets),
            ])
        })
        .collect();
    let columns = vec![
        Column::number("pid", 0),
        Column::name("process", 6, 16),
        Column::number("sockets", 0),
    ];
    Table::new(columns, rows)
        .header_style(theme::header())
        .render(inner, buf);
}

/// Local ports in the ephemeral range per destination, against the range's size.
pub(super) fn ephemeral(state: &SocketsPane, t: &TcpTable, area: Rect, buf: &mut Buffer) {
    let Some(range) = t.local_port_range else {
        Paragraph::new("ip_local_port_range unknown")
            .style(theme::dim())
            .block(section(" ephemeral ports ".into(), false))
            .render(area, buf);
        return;
    };
    let total = state.derived.tcp.counts.ephemeral_ports.unwrap_or(1).max(1);
    let block = section(
        format!(
            " ephemeral ports {}–{} ({}) ",
            range.0,
            range.1,
            count(total)
        ),
        false,
    );
    let mut rows: Vec<&crate::model::tcp::Peer> =
        t.peers.iter().filter(|p| p.ephemeral > 0).collect();
    rows.sort_by(|a, b| b.ephemeral.cmp(&a.ephemeral).then(a.remote.cmp(&b.remote)));
    let lines: Vec<Line> = rows
        .iter()
        .take(area.height.saturating_sub(1) as usize)
        .map(|p| {
            let r = p.ephemeral as f64 / total as f64;
            Line::from(vec![
                Span::raw(format!(
                    "{:<24} {:>6} ",
                    p.remote.to_string(),
                    count(p.ephemeral)
                )),
                Span::styled(
                    format!("{:>5.1}%", r * 100.0),
                    theme::usage(Some(r * 100.0)),
                ),
            ])
        })
        .collect();
    Paragraph::new(lines).block(block).render(area, buf);
}
