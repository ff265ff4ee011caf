//! The Sockets pane: TCP states with their change per second, socket memory against its
//! limits, the peer table, the listeners with their accept queues, the owners of the selected
//! row and the ephemeral ports in use per destination.
//!
//! ```text
//! TCP 1416 via procfs in 3ms · owners 0.9s old                                   (status)
//! ESTABLISHED 1058 +2/s  SYN_SENT 1  TIME_WAIT 301 -5/s  CLOSE_WAIT 8  LISTEN 4 ...  (states)
//! tcp_mem ██████░░░░ 40%  orphans ░░░░ 12/131072  tw ░░░ 301/262144  sockets 1712 unix 9
//! ─ peers by ip:port, sort total ▼ ───────────────────────────────────────────────────
//! remote              service    ESTAB TIME_W CLOSE_W other total trend/m  eph
//! 10.0.0.7:11211      memcached   1000    300       0     0  1300     +12 1300
//! ─ listeners · ListenOverflows +3 ListenDrops +3 ────────────────────────────────────
//! 127.0.0.1:9000      php-fpm       12      0   7/511 FULL
//! ─ owners of 10.0.0.7:11211 ───────────── ─ ephemeral ports 32768–60999 ──────────
//! 2001 php-fpm  100                         10.0.0.7:11211  1300  4.6%
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, LineGauge, Paragraph, Row, StatefulWidget, Table, TableState, Widget,
    Wrap,
};

use crate::app::AppState;
use crate::app::sockets::{Focus, PeerColumn, PeerRow};
use crate::format::count;
use crate::model::tcp::{Listener, SocketOwner, TcpState, TcpTable};
use crate::ui::theme;

pub fn render(state: &AppState, area: Rect, buf: &mut Buffer) {
    let Some(snap) = &state.snapshot else {
        Paragraph::new("Reading the first sample…")
            .style(theme::dim())
            .render(area, buf);
        return;
    };
    let table = match &snap.tcp.table {
        Ok(t) => t,
        Err(e) => {
            Paragraph::new(vec![
                Line::styled(format!("TCP sockets could not be read: {e}"), theme::severity(crate::derive::Severity::Warning)),
                Line::styled("Both netlink sock_diag and /proc/net/tcp failed (out of sockets or file descriptors?).", theme::dim()),
            ])
            .wrap(Wrap { trim: true })
            .render(area, buf);
            return;
        }
    };
    if area.width < 40 || area.height < 10 {
        Paragraph::new(format!(
            "TCP {} via {}: enlarge the terminal for the Sockets pane",
            count(table.total),
            table.method
        ))
        .wrap(Wrap { trim: true })
        .render(area, buf);
        return;
    }
    let wide = area.width >= 120;
    let tall = area.height >= 30;
    let listeners_h = (table.listeners.len() as u16 + 2).clamp(3, if tall { 10 } else { 5 });
    let bottom_h = if tall { 8 } else { 4 };
    let [status, states, memory, peers, listeners, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(if wide { 1 } else { 2 }),
        Constraint::Length(if wide { 1 } else { 2 }),
        Constraint::Min(3),
        Constraint::Length(listeners_h),
        Constraint::Length(bottom_h),
    ])
    .areas(area);
    status_line(state, table, status, buf);
    states_line(state, table, states, buf);
    memory_gauges(state, memory, buf);
    peer_table(state, peers, buf);
    listener_table(state, table, listeners, buf);
    let [owners, ports] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);
    owner_list(state, table, owners, buf);
    ephemeral(state, table, ports, buf);
}

fn age(ms: u64) -> String {
    if ms >= 1000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        format!("{ms}ms")
    }
}

/// How the sockets were read, and how old the dump and owner map are when they lag.
fn status_line(state: &AppState, t: &TcpTable, area: Rect, buf: &mut Buffer) {
    let snap_ms = state.snapshot.as_ref().map_or(t.time_ms, |s| s.time_ms);
    let mut spans = vec![
        Span::styled(format!("TCP {} ", count(t.total)), theme::title()),
        Span::raw(format!("via {} in {}", t.method, age(t.took_us / 1000))),
    ];
    let lag = snap_ms.saturating_sub(t.time_ms);
    if lag > 0 {
        spans.push(Span::styled(
            format!(" · dump {} old", age(lag)),
            theme::severity(crate::derive::Severity::Warning),
        ));
    }
    match &t.owners {
        Some(o) => {
            let lag = snap_ms.saturating_sub(o.time_ms);
            spans.push(Span::raw(format!(" · owners {} old", age(lag))));
            if o.unreadable > 0 {
                spans.push(Span::styled(
                    format!(" · {} processes unreadable (root sees all)", o.unreadable),
                    theme::dim(),
                ));
            }
        }
        None => spans.push(Span::styled(" · owners unknown", theme::dim())),
    }
    if let Some(why) = &t.fallback {
        spans.push(Span::styled(
            format!(" · netlink failed: {why}"),
            theme::severity(crate::derive::Severity::Warning),
        ));
    }
    Paragraph::new(Line::from(spans)).render(area, buf);
}

fn states_line(state: &AppState, t: &TcpTable, area: Rect, buf: &mut Buffer) {
    let mut spans = Vec::new();
    for s in TcpState::ALL {
        let n = t.states.get(s);
        let style = if n == 0 { theme::dim() } else { Style::new() };
        spans.push(Span::styled(format!("{} ", s.name()), theme::dim()));
        spans.push(Span::styled(
            count(n),
            style.add_modifier(ratatui::style::Modifier::BOLD),
        ));
        match state.derived.tcp.state_rate(s) {
            Some(r) if r.abs() >= 0.05 => {
                let rate = if r.abs() >= 10.0 {
                    format!("{r:+.0}/s")
                } else {
                    format!("{r:+.1}/s")
                };
                spans.push(Span::styled(
                    format!(" {rate}"),
                    Style::new().fg(if r > 0.0 { theme::WARNING } else { theme::OK }),
                ));
            }
            _ => {}
        }
        spans.push(Span::raw("  "));
    }
    Paragraph::new(Line::from(spans))
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

fn gauge(g: &crate::derive::tcp::Gauge, area: Rect, buf: &mut Buffer) {
    match g.ratio {
        Some(r) => LineGauge::default()
            .label(g.label.clone())
            .ratio(r.clamp(0.0, 1.0))
            .filled_style(theme::gauge(g.severity))
            .unfilled_style(theme::dim())
            .render(area, buf),
        None => Paragraph::new(g.label.clone())
            .style(if g.severity.is_some() {
                Style::new()
            } else {
                theme::dim()
            })
            .render(area, buf),
    }
}

/// tcp_mem, orphans and TIME_WAIT buckets against their limits, then socket counts.
fn memory_gauges(state: &AppState, area: Rect, buf: &mut Buffer) {
    let v = &state.derived.tcp;
    // One line of four cells when wide, two lines of two when narrow.
    let cells: Vec<Rect> = if area.height >= 2 {
        let [l, r] = Layout::horizontal([Constraint::Percentage(50); 2])
            .spacing(1)
            .areas(area);
        let [a, c] = Layout::vertical([Constraint::Length(1); 2]).areas(l);
        let [b, d] = Layout::vertical([Constraint::Length(1); 2]).areas(r);
        vec![a, b, c, d]
    } else {
        Layout::horizontal([
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Fill(2),
            Constraint::Fill(3),
        ])
        .spacing(1)
        .split(area)
        .to_vec()
    };
    let mut cells = cells.into_iter();
    let mut next = || cells.next().unwrap_or_default();
    for g in &v.gauges {
        gauge(g, next(), buf);
    }
    let c = &v.counts;
    let mut counts = Vec::new();
    if let Some(n) = c.sockets {
        counts.push(format!("sockets {}", count(n)));
    }
    if let Some((inuse, alloc)) = c.tcp {
        counts.push(format!("tcp {}/{}", count(inuse), count(alloc)));
    }
    counts.push(format!("udp {}", count(c.udp)));
    if let Some(n) = c.unix {
        counts.push(format!("unix {}", count(n)));
    }
    Paragraph::new(counts.join(" ")).render(next(), buf);
}

fn section(title: String, focused: bool) -> Block<'static> {
    let style = if focused { theme::key() } else { theme::dim() };
    Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(title, style))
        .border_style(theme::dim())
}

fn num(n: u64) -> Cell<'static> {
    Cell::from(Line::from(count(n)).right_aligned())
}

fn trend(t: Option<f64>) -> Cell<'static> {
    let text = match t {
        Some(t) if t.abs() >= 0.5 => format!("{t:+.0}"),
        Some(_) => "=".into(),
        None => String::new(),
    };
    Cell::from(Line::from(text).right_aligned())
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
        Cell::from(label),
        Cell::from(r.service.clone().unwrap_or_default()),
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

fn peer_table(state: &AppState, area: Rect, buf: &mut Buffer) {
    let s = &state.sockets;
    let arrow = if s.descending { "▼" } else { "▲" };
    let title = format!(
        " peers ({}) by {} · sort {} {arrow} · s sort  r reverse  b group  f focus ",
        s.rows.len(),
        s.group.label(),
        s.sort.title()
    );
    let header = Row::new(PeerColumn::ALL.map(|c| {
        let text = if c == s.sort {
            format!("{}{arrow}", c.title())
        } else {
            c.title().to_string()
        };
        match c {
            PeerColumn::Remote | PeerColumn::Service => Cell::from(text),
            _ => Cell::from(Line::from(text).right_aligned()),
        }
    }))
    .style(theme::header());
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(5),
    ];
    let focused = s.focus == Focus::Peers;
    let mut table = Table::new(s.rows.iter().map(peer_row), widths)
        .header(header)
        .block(section(title, focused))
        .column_spacing(1);
    if focused {
        table = table.row_highlight_style(theme::selected());
    }
    if s.rows.is_empty() {
        Paragraph::new("No connections to remote peers.")
            .style(theme::dim())
            .block(section(" peers ".into(), focused))
            .render(area, buf);
        return;
    }
    let mut ts = TableState::default().with_selected(Some(s.peer_selected));
    StatefulWidget::render(table, area, buf, &mut ts);
}

fn listener_row(l: &Listener) -> Row<'static> {
    let queue = match l.backlog {
        Some(b) => format!("{}/{}", l.accept_queue, b),
        None => format!("{}/?", l.accept_queue),
    };
    let full = l.queue_full();
    let queue_cell = if full {
        Cell::from(Line::from(format!("{queue} FULL")).right_aligned())
            .style(theme::fresh_failure())
    } else {
        Cell::from(Line::from(queue).right_aligned())
    };
    let label = if l.sockets > 1 {
        format!("{} ×{}", l.local, l.sockets)
    } else {
        l.local.to_string()
    };
    Row::new(vec![
        Cell::from(label),
        Cell::from(l.service.clone().unwrap_or_default()),
        num(l.states.get(TcpState::Established)),
        num(l.states.get(TcpState::TimeWait)),
        num(l.states.get(TcpState::CloseWait)),
        num(l.states.other()),
        queue_cell,
    ])
    .style(if full {
        Style::new().fg(theme::CRITICAL)
    } else {
        Style::new()
    })
}

fn listener_table(state: &AppState, t: &TcpTable, area: Rect, buf: &mut Buffer) {
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
    let header = Row::new(vec![
        Cell::from("local"),
        Cell::from("service"),
        Cell::from(Line::from("ESTAB").right_aligned()),
        Cell::from(Line::from("TIME_W").right_aligned()),
        Cell::from(Line::from("CLOSE_W").right_aligned()),
        Cell::from(Line::from("other").right_aligned()),
        Cell::from(Line::from("queue/backlog").right_aligned()),
    ])
    .style(theme::header());
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(9),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(7),
        Constraint::Length(5),
        Constraint::Length(15),
    ];
    let block = Block::new()
        .borders(Borders::TOP)
        .title(title)
        .border_style(theme::dim());
    let mut table = Table::new(t.listeners.iter().map(listener_row), widths)
        .header(header)
        .block(block)
        .column_spacing(1);
    if focused {
        table = table.row_highlight_style(theme::selected());
    }
    let mut ts = TableState::default().with_selected(Some(state.sockets.listener_selected));
    StatefulWidget::render(table, area, buf, &mut ts);
}

/// The processes holding the selected row's sockets.
fn owner_list(state: &AppState, t: &TcpTable, area: Rect, buf: &mut Buffer) {
    let s = &state.sockets;
    let (what, owners): (String, &[SocketOwner]) = match s.focus {
        Focus::Peers => match s.rows.get(s.peer_selected) {
            Some(r) => (r.label.clone(), &r.processes),
            None => (String::new(), &[]),
        },
        Focus::Listeners => match t.listeners.get(s.listener_selected) {
            Some(l) => (l.local.to_string(), &l.processes),
            None => (String::new(), &[]),
        },
    };
    let block = section(format!(" owners of {what} "), false);
    let mut lines: Vec<Line> = owners
        .iter()
        .map(|o| {
            Line::from(format!(
                "{:>7} {:<15} {:>6}",
                o.pid,
                o.comm,
                count(o.sockets)
            ))
        })
        .collect();
    if lines.is_empty() {
        let why = match &t.owners {
            None => "owner map not taken",
            Some(o) if o.unreadable > 0 => "no visible process holds these (root sees all)",
            Some(_) => "no process holds these (TIME_WAIT has no owner)",
        };
        lines.push(Line::styled(why, theme::dim()));
    }
    Paragraph::new(lines).block(block).render(area, buf);
}

/// Local ports in the ephemeral range per destination, against the range's size.
fn ephemeral(state: &AppState, t: &TcpTable, area: Rect, buf: &mut Buffer) {
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
