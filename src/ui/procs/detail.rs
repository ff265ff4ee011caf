//! The drill-down on one process: who it is, its limits against use, its descriptors by kind,
//! its TCP sockets by peer, the directories of its open files and its recent history.
//!
//! ```text
//! php-fpm [4242] · www-data · php-fpm.service                            Esc returns
//! /usr/sbin/php-fpm --nodaemonize
//! parents: bash[4200] ← sshd[100] ← systemd[1]
//! fds +600/min, 1,420 of 2,048: full in about 1 min
//! ─ limits ─────────────────────────────── ─ fds by kind ────────────────────────────
//! ─ TCP by peer ────────────────────────── ─ directories of open files ─────────────
//! ─ since the dashboard started ────────────────────────────────────────────────────
//! fds      ▁▂▃▄▅▆▇█ 1,420
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline, Widget, Wrap};

use crate::derive::Severity;
use crate::derive::procs::{DetailView, ProcsView};
use crate::format::{count, size};
use crate::model::procs::DetailLimit;
use crate::model::tcp::{StateCounts, TcpState};
use crate::ui::theme;
use crate::ui::widgets::table::{Column, Row, Table};

fn section(title: &str) -> Block<'static> {
    Block::new()
        .borders(Borders::TOP)
        .title(Span::styled(format!(" {title} "), theme::dim()))
        .border_style(theme::dim())
}

/// Draws the drill-down on `pid`, or why there is none.
pub(super) fn render(view: &ProcsView, pid: u32, area: Rect, buf: &mut Buffer) {
    match &view.detail {
        Some(d) if d.detail.pid == pid => detail(d, area, buf),
        _ => missing(view, pid, area, buf),
    }
}

fn missing(view: &ProcsView, pid: u32, area: Rect, buf: &mut Buffer) {
    let running = view.rows.iter().any(|r| r.pid == pid);
    let line = if !running && view.error.is_none() {
        Line::styled(
            format!("Process {pid} has exited."),
            theme::severity(Severity::Warning),
        )
    } else if let Some(e) = &view.detail_error {
        Line::styled(
            format!("Process {pid} could not be read: {e}"),
            theme::severity(Severity::Warning),
        )
    } else {
        Line::styled(format!("Reading process {pid}…"), theme::dim())
    };
    Paragraph::new(vec![
        line,
        Line::styled("Esc returns to the table.", theme::dim()),
    ])
    .wrap(Wrap { trim: true })
    .render(area, buf);
}

fn header(d: &DetailView) -> Vec<Line<'static>> {
    let p = &d.detail;
    let mut who = vec![
        Span::styled(format!("{} [{}]", p.comm, p.pid), theme::title()),
        Span::raw(format!(" · {}", p.user)),
    ];
    if let Some(cg) = &p.cgroup {
        who.push(Span::styled(format!(" · {cg}"), theme::dim()));
    }
    who.push(Span::styled("  Esc returns", theme::dim()));
    let parents = p
        .parents
        .iter()
        .map(|(pid, comm)| format!("{comm}[{pid}]"))
        .collect::<Vec<_>>()
        .join(" ← ");
    let verdict = match &d.leak {
        Some(l) => Line::styled(l.text.clone(), theme::severity(Severity::Warning)),
        None if d.history.fds.len() < 2 => {
            Line::styled("fds: growth after a few readings", theme::dim())
        }
        None => Line::styled("fds: no steady growth", theme::dim()),
    };
    vec![
        Line::from(who),
        Line::from(if p.cmdline.is_empty() {
            format!("[{}]", p.comm)
        } else {
            p.cmdline.clone()
        }),
        Line::from(vec![
            Span::styled("parents: ", theme::dim()),
            Span::raw(if parents.is_empty() {
                "none".into()
            } else {
                parents
            }),
        ]),
        verdict,
    ]
}

fn amount(n: Option<u64>, bytes: bool, none: &str) -> String {
    match n {
        Some(n) if bytes => size(n),
        Some(n) => count(n),
        None => none.to_string(),
    }
}

fn limit_row(l: &DetailLimit) -> Row<'static> {
    Row::new(vec![
        Line::from(l.name.clone()),
        Line::from(amount(l.used, l.bytes, "?")),
        Line::from(amount(l.soft, l.bytes, "unlimited")),
        Line::from(amount(l.hard, l.bytes, "unlimited")),
    ])
}

fn limits(d: &DetailView, area: Rect, buf: &mut Buffer) {
    let block = section("limits");
    let inner = block.inner(area);
    block.render(area, buf);
    let columns = vec![
        Column::name("limit", 8, 16),
        Column::number("used", 0),
        Column::number("soft", 0),
        Column::number("hard", 1),
    ];
    let rows = d.detail.limits.iter().map(limit_row).collect();
    Table::new(columns, rows)
        .header_style(theme::header())
        .render(inner, buf);
}

fn fds(d: &DetailView, area: Rect, buf: &mut Buffer) {
    let title = format!("{} fds by kind", count(d.detail.fds_total));
    let block = section(&title);
    let inner = block.inner(area);
    block.render(area, buf);
    if d.detail.fds_hidden {
        Paragraph::new(
            "Its fd table could not be read (permission denied): another user's process needs \
             root; one protected from ptrace stays hidden even then.",
        )
        .style(theme::dim())
        .wrap(Wrap { trim: true })
        .render(inner, buf);
        return;
    }
    let rows = d
        .detail
        .fds
        .iter()
        .map(|k| Row::new(vec![Line::from(k.kind.clone()), Line::from(count(k.count))]))
        .collect();
    Table::new(
        vec![Column::name("kind", 8, 30), Column::number("fds", 0)],
        rows,
    )
    .header_style(theme::header())
    .render(inner, buf);
}

fn peers(d: &DetailView, area: Rect, buf: &mut Buffer) {
    let title = format!(
        "TCP by peer · {} listening",
        count(d.detail.tcp_listeners.len() as u64)
    );
    let block = section(&title);
    let inner = block.inner(area);
    block.render(area, buf);
    if d.detail.tcp_peers.is_empty() && d.detail.tcp_listeners.is_empty() {
        let none = if d.detail.fds_hidden {
            "Its sockets are behind its fd table: unknown."
        } else {
            "No TCP connections."
        };
        Paragraph::new(none).style(theme::dim()).render(inner, buf);
        return;
    }
    // A server's connections are the ones its listeners accepted: those come first, named by
    // the local address, then the peers it connected to.
    let accepted = d.detail.tcp_listeners.iter().map(|l| {
        let name = format!("{} accepted", l.local);
        peer_row(name, l.service.as_deref(), &l.states)
    });
    let outgoing = d
        .detail
        .tcp_peers
        .iter()
        .map(|p| peer_row(p.remote.to_string(), p.service.as_deref(), &p.states));
    let rows = accepted.chain(outgoing).collect();
    let columns = vec![
        Column::name("peer", 10, 40),
        Column::name("service", 4, 10).dropped(2),
        Column::number("total", 0),
        Column::text("states", 6, 1),
    ];
    Table::new(columns, rows)
        .header_style(theme::header())
        .render(inner, buf);
}

fn peer_row(name: String, service: Option<&str>, states: &StateCounts) -> Row<'static> {
    let total: u64 = states.iter().map(|(_, n)| n).sum();
    let states = states
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(s, n)| format!("{} {}", short(s), count(n)))
        .collect::<Vec<_>>()
        .join(" ");
    Row::new(vec![
        Line::from(name),
        Line::from(service.unwrap_or_default().to_string()),
        Line::from(count(total)),
        Line::from(states),
    ])
}

fn short(s: TcpState) -> &'static str {
    match s {
        TcpState::Established => "ESTAB",
        TcpState::TimeWait => "TIME_W",
        TcpState::CloseWait => "CLOSE_W",
        other => other.name(),
    }
}

fn dirs(d: &DetailView, area: Rect, buf: &mut Buffer) {
    let block = section("directories of its open files");
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = d
        .detail
        .dirs
        .iter()
        .map(|(dir, n)| Row::new(vec![Line::from(dir.clone()), Line::from(count(*n))]))
        .collect();
    Table::new(
        vec![Column::name("directory", 8, 60), Column::number("files", 0)],
        rows,
    )
    .header_style(theme::header())
    .render(inner, buf);
}

fn history(d: &DetailView, area: Rect, buf: &mut Buffer) {
    let block = section("since the dashboard started");
    let inner = block.inner(area);
    block.render(area, buf);
    let h = &d.history;
    let kb: Vec<u64> = h.rss_bytes.iter().map(|b| b / 1024).collect();
    let last = |v: &[u64]| v.last().copied();
    let series: [(&str, &[u64], String); 4] = [
        ("fds", &h.fds, amount(last(&h.fds), false, "")),
        ("sockets", &h.sockets, amount(last(&h.sockets), false, "")),
        ("rss", &kb, amount(last(&h.rss_bytes), true, "")),
        ("threads", &h.threads, amount(last(&h.threads), false, "")),
    ];
    let each = (inner.height / 4).max(1);
    for (i, (name, data, now)) in series.iter().enumerate() {
        let y = inner.y + each * i as u16;
        if y >= inner.bottom() {
            break;
        }
        let line = Rect::new(inner.x, y, inner.width, each.min(inner.bottom() - y));
        let [label, spark, value] = Layout::horizontal([
            Constraint::Length(8),
            Constraint::Min(0),
            Constraint::Length(10),
        ])
        .areas(line);
        Line::styled(*name, theme::dim()).render(label, buf);
        // The newest points that fit, one per column.
        let skip = data.len().saturating_sub(usize::from(spark.width));
        Sparkline::default()
            .data(data.iter().skip(skip).copied().collect::<Vec<u64>>())
            .style(theme::key())
            .render(spark, buf);
        Line::from(now.clone()).right_aligned().render(value, buf);
    }
}

fn detail(d: &DetailView, area: Rect, buf: &mut Buffer) {
    let head = header(d);
    let spark_h = if area.height >= 36 { 13 } else { 5 };
    // The limits and kinds take what they need (title, header, rows); peers and directories
    // the rest.
    let p = &d.detail;
    let upper = (p.limits.len().max(p.fds.len()) as u16).saturating_add(2);
    let [top, middle, bottom, spark] = Layout::vertical([
        Constraint::Length(head.len() as u16),
        Constraint::Max(upper.max(4)),
        Constraint::Fill(1),
        Constraint::Length(spark_h),
    ])
    .areas(area);
    Paragraph::new(head).render(top, buf);
    let halves = |r: Rect| {
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .spacing(1)
            .areas::<2>(r)
    };
    let [left, right] = halves(middle);
    limits(d, left, buf);
    fds(d, right, buf);
    let [left, right] = halves(bottom);
    peers(d, left, buf);
    dirs(d, right, buf);
    history(d, spark, buf);
}
