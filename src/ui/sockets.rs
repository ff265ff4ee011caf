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

mod tables;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{LineGauge, Paragraph, Widget, Wrap};

use crate::app::AppState;
use crate::app::action::Spot;
use crate::app::sockets::{Focus, SocketsState};
use crate::derive::Derived;
use crate::derive::tcp::Gauge;
use crate::format::count;
use crate::model::tcp::{TcpState, TcpTable};
use crate::model::{Snapshot, SourceError};
use crate::ui::theme;
use tables::{ephemeral, listener_table, owner_list, peer_table};

/// The Sockets pane, borrowed from the state it draws.
pub struct SocketsPane<'a> {
    pub snapshot: &'a Option<Snapshot>,
    pub derived: &'a Derived,
    pub sockets: &'a SocketsState,
}

/// Where the parts of the pane go.
struct Areas {
    status: Rect,
    states: Rect,
    memory: Rect,
    peers: Rect,
    listeners: Rect,
    owners: Rect,
    ports: Rect,
}

impl<'a> SocketsPane<'a> {
    pub fn new(sockets: &'a SocketsState, app: &'a AppState) -> Self {
        Self {
            snapshot: &app.snapshot,
            derived: &app.derived,
            sockets,
        }
    }

    /// The layout for a dump, or None when the area is too small for the tables.
    fn areas(area: Rect, table: &TcpTable) -> Option<Areas> {
        if area.width < 40 || area.height < 10 {
            return None;
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
        let [owners, ports] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(bottom);
        Some(Areas {
            status,
            states,
            memory,
            peers,
            listeners,
            owners,
            ports,
        })
    }

    /// The peer or listener row under the mouse.
    pub fn spot(&self, area: Rect, at: Position) -> Option<Spot> {
        let t = self.snapshot.as_ref()?.tcp.table.as_ref().ok()?;
        let a = Self::areas(area, t)?;
        let s = self.sockets;
        let (focus, rows, selected, area) = if a.peers.contains(at) {
            (Focus::Peers, s.rows.len(), s.peer_selected(), a.peers)
        } else if a.listeners.contains(at) {
            (
                Focus::Listeners,
                t.listeners.len(),
                s.listener_selected(),
                a.listeners,
            )
        } else {
            return None;
        };
        Some(Spot {
            table: focus as u8,
            row: tables::row_at(area, rows, selected, at.y),
        })
    }
}

impl Widget for SocketsPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        render(&self, area, buf);
    }
}

fn render(state: &SocketsPane, area: Rect, buf: &mut Buffer) {
    let Some(snap) = state.snapshot else {
        Paragraph::new("Reading the first sample…")
            .style(theme::dim())
            .render(area, buf);
        return;
    };
    let table = match &snap.tcp.table {
        Ok(t) => t,
        Err(e) => {
            Paragraph::new(unreadable(e))
                .wrap(Wrap { trim: true })
                .render(area, buf);
            return;
        }
    };
    let Some(a) = SocketsPane::areas(area, table) else {
        Paragraph::new(format!(
            "TCP {} via {}: enlarge the terminal for the Sockets pane",
            count(table.total),
            table.method
        ))
        .wrap(Wrap { trim: true })
        .render(area, buf);
        return;
    };
    status_line(state, table, a.status, buf);
    states_line(state, table, a.states, buf);
    memory_gauges(state, a.memory, buf);
    peer_table(state.sockets, a.peers, buf);
    listener_table(state, table, a.listeners, buf);
    owner_list(state.sockets, table, a.owners, buf);
    ephemeral(state, table, a.ports, buf);
}

/// Why there is no socket table: a file simply absent (a captured tree without it, an old
/// recording) is said as such; only a failed read suggests exhaustion.
fn unreadable(e: &SourceError) -> Vec<Line<'static>> {
    let warning = theme::severity(crate::derive::Severity::Warning);
    match e {
        SourceError::Missing { path } => vec![
            Line::styled(
                format!("No TCP socket table here: {path} is not present."),
                warning,
            ),
            Line::styled(
                "A captured tree or recording without /proc/net/tcp has no sockets to show.",
                theme::dim(),
            ),
        ],
        _ => vec![
            Line::styled(format!("TCP sockets could not be read: {e}"), warning),
            Line::styled(
                "Both netlink sock_diag and /proc/net/tcp failed (out of sockets or file descriptors?).",
                theme::dim(),
            ),
        ],
    }
}

fn age(ms: u64) -> String {
    if ms >= 1000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        format!("{ms}ms")
    }
}

/// How the sockets were read, and how old the dump and owner map are when they lag.
fn status_line(state: &SocketsPane, t: &TcpTable, area: Rect, buf: &mut Buffer) {
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

/// The state histogram, one entry per state, wrapped between entries only: a count never
/// lands on the next line away from its label.
fn states_line(state: &SocketsPane, t: &TcpTable, area: Rect, buf: &mut Buffer) {
    let entries = TcpState::ALL.iter().map(|&s| {
        let n = t.states.get(s);
        let style = if n == 0 { theme::dim() } else { Style::new() };
        let mut spans = vec![
            Span::styled(format!("{} ", s.name()), theme::dim()),
            Span::styled(count(n), style.add_modifier(ratatui::style::Modifier::BOLD)),
        ];
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
        spans
    });
    Paragraph::new(pack(entries, area.width)).render(area, buf);
}

/// Puts entries two spaces apart, starting a new line where the next one does not fit.
fn pack<'a>(entries: impl IntoIterator<Item = Vec<Span<'a>>>, width: u16) -> Vec<Line<'a>> {
    const GAP: usize = 2;
    let mut lines: Vec<Line> = Vec::new();
    let mut current: Vec<Span> = Vec::new();
    let mut used = 0usize;
    for entry in entries {
        let w: usize = entry.iter().map(Span::width).sum();
        if !current.is_empty() && used + GAP + w > usize::from(width) {
            lines.push(Line::from(std::mem::take(&mut current)));
            used = 0;
        }
        if !current.is_empty() {
            current.push(Span::raw("  "));
            used += GAP;
        }
        current.extend(entry);
        used += w;
    }
    if !current.is_empty() {
        lines.push(Line::from(current));
    }
    lines
}

fn gauge(g: &Gauge, area: Rect, buf: &mut Buffer) {
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
fn memory_gauges(state: &SocketsPane, area: Rect, buf: &mut Buffer) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn pack_wraps_between_entries_never_inside_one() {
        let entry = |label: &'static str, n: &'static str| {
            vec![Span::raw(format!("{label} ")), Span::raw(n)]
        };
        let entries = vec![
            entry("ESTABLISHED", "1130"),
            entry("SYN_SENT", "1"),
            entry("TIME_WAIT", "25100"),
        ];
        // "ESTABLISHED 1130  SYN_SENT 1" is 28 wide; TIME_WAIT 25100 would split at 30.
        assert_eq!(
            text(&pack(entries, 30)),
            ["ESTABLISHED 1130  SYN_SENT 1", "TIME_WAIT 25100"]
        );
        assert_eq!(text(&pack(Vec::new(), 30)), Vec::<String>::new());
    }
}
