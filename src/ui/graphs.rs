//! The Graphs pane: eight small charts over one time window, braille lines, a time cursor and
//! marks where a limit failed.
//!
//! ```text
//! Graphs  window 5m  now 05:28:41Z                      cursor 05:28:13Z (-28s)
//! Dirty 117M wb 4.0M  bg 1.0G thr 2.1G │ Disk util sda 50% nvme0n1 25%  1.1k IOPS
//! ⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⡠⠔⠊⠉⠉⠉⠑⠒⠢⠤⠤⠤⠤⠤⠤ │ ⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⠤⠒⠉⠉⠉⠉⠉⠉⠉⠉⠉
//! CPU 800–3500MHz min … avg … max … │ PSI cpu 0.5 mem 0.0/0.0 io 40/35
//! cores ████                        │ …
//! Temp Package id 0 88°C …          │ Load 2.10 run 2 blk 5
//! Disk r 400K/s w 200M/s            │ Limit failures in this window
//! -5m        -2m30s        ▲    now │ -5m        -2m30s        ▲    now
//! ```
//!
//! Each chart's title line shows its values at the cursor (or the newest sample) in the colour
//! of its line. A source that is absent says why where its chart would be.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget, Wrap};

use crate::app::AppState;
use crate::app::graphs::GraphsState;
use crate::collect::SourceError;
use crate::collect::error::Reason;
use crate::derive::graphs::{GraphsView, key};
use crate::history::SeriesHistory;
use crate::model::Snapshot;
use crate::ui::{clock, theme};

/// Everything the pane reads.
pub struct GraphsPane<'a> {
    pub history: &'a SeriesHistory,
    pub snapshot: Option<&'a Snapshot>,
    /// The newest derived values (scaling bounds, temperatures' critical points).
    pub view: &'a GraphsView,
    pub state: &'a GraphsState,
    pub interval_ms: u64,
    /// The right edge of the window; None follows the newest sample (paused, it holds still).
    pub end_ms: Option<u64>,
}

pub fn render(state: &AppState, area: Rect, buf: &mut Buffer) {
    let pane = GraphsPane {
        history: state.series(),
        snapshot: state.snapshot.as_ref(),
        view: &state.derived.graphs,
        state: &state.graphs,
        interval_ms: state.interval_ms,
        end_ms: state
            .snapshot
            .as_ref()
            .filter(|_| state.paused)
            .map(|s| s.time_ms),
    };
    render_pane(&pane, area, buf);
}

/// The window on screen: its ends and the cursor, all in ms since the epoch.
struct Window {
    from_ms: u64,
    to_ms: u64,
    cursor_ms: Option<u64>,
    /// Where values are read: the cursor, or the newest sample.
    at_ms: u64,
    tolerance_ms: u64,
}

impl Window {
    fn span_s(&self) -> f64 {
        (self.to_ms - self.from_ms) as f64 / 1000.0
    }

    fn cursor_x(&self) -> Option<f64> {
        self.cursor_ms
            .map(|c| (c as f64 - self.to_ms as f64) / 1000.0)
    }
}

/// One line of a chart.
struct Trace {
    key: String,
    label: String,
    style: Style,
    fmt: fn(f64) -> String,
}

fn line(
    key: impl Into<String>,
    label: impl Into<String>,
    i: usize,
    fmt: fn(f64) -> String,
) -> Trace {
    Trace {
        key: key.into(),
        label: label.into(),
        style: Style::new().fg(theme::SERIES[i % theme::SERIES.len()]),
        fmt,
    }
}

/// A horizontal line across a chart (a threshold).
struct Rule {
    value: f64,
    label: &'static str,
    style: Style,
}

/// A byte count short enough for a chart title: "410K", "117M", "2.2G".
fn fmt_bytes(v: f64) -> String {
    let mut v = v.max(0.0);
    let mut unit = "";
    for u in ["K", "M", "G", "T", "P"] {
        if v < 1000.0 {
            break;
        }
        v /= 1024.0;
        unit = u;
    }
    if v < 10.0 && !unit.is_empty() {
        format!("{v:.1}{unit}")
    } else {
        format!("{v:.0}{unit}")
    }
}

fn fmt_rate(v: f64) -> String {
    format!("{}/s", fmt_bytes(v))
}

/// MHz shown as GHz with one decimal: "3.5".
fn fmt_ghz(v: f64) -> String {
    format!("{:.1}", v / 1000.0)
}

/// One decimal below 10, none above: "0.5", "40".
fn fmt_1(v: f64) -> String {
    if v.abs() < 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.0}")
    }
}

fn fmt_2(v: f64) -> String {
    format!("{v:.2}")
}

fn fmt_int(v: f64) -> String {
    format!("{v:.0}")
}

fn fmt_pct(v: f64) -> String {
    format!("{v:.0}%")
}

fn fmt_celsius(v: f64) -> String {
    format!("{v:.0}°C")
}

pub fn render_pane(p: &GraphsPane, area: Rect, buf: &mut Buffer) {
    if area.height < 3 || area.width < 20 {
        return;
    }
    let Some(to_ms) = p.end_ms.or(p.history.latest_ms()) else {
        Paragraph::new("Reading the first sample…")
            .style(theme::dim())
            .render(area, buf);
        return;
    };
    let span = p.state.zoom.span_ms();
    let cursor_ms = p.state.cursor_back_ms.map(|b| to_ms.saturating_sub(b));
    let w = Window {
        from_ms: to_ms.saturating_sub(span),
        to_ms,
        cursor_ms,
        at_ms: cursor_ms.unwrap_or(to_ms),
        tolerance_ms: (p.interval_ms * 3 / 2).max(1_500),
    };
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    header(p, &w, head, buf);
    let [left, right] =
        Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(body);
    for (col, cells) in [
        (
            left,
            [Cell::Dirty, Cell::Freq, Cell::Temps, Cell::Throughput],
        ),
        (
            right,
            [Cell::Util, Cell::Pressure, Cell::Load, Cell::Failures],
        ),
    ] {
        let [charts, axis] =
            Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(col);
        let rows = Layout::vertical([Constraint::Ratio(1, 4); 4]).split(charts);
        for (cell, r) in cells.iter().zip(rows.iter()) {
            // One column of space between the two halves.
            let r = Rect {
                width: r.width.saturating_sub(1),
                ..*r
            };
            render_cell(p, &w, *cell, r, buf);
        }
        time_axis(p, &w, axis, buf);
    }
}

fn header(p: &GraphsPane, w: &Window, area: Rect, buf: &mut Buffer) {
    let mut spans = vec![
        Span::styled("Graphs ", theme::title()),
        Span::raw(" window "),
        Span::styled(p.state.zoom.label(), theme::key()),
        Span::raw(format!("  now {}", clock(w.to_ms))),
    ];
    if let Some(c) = w.cursor_ms {
        spans.push(Span::raw("   "));
        spans.push(Span::styled(
            format!("cursor {} (-{})", clock(c), ago(w.to_ms.saturating_sub(c))),
            theme::cursor().reversed(),
        ));
    }
    let fine = p.history.oldest_fine_ms().unwrap_or(w.to_ms);
    if w.from_ms < fine && w.to_ms - fine < p.state.zoom.span_ms() {
        spans.push(Span::styled(
            format!("   history since {}", clock(fine)),
            theme::dim(),
        ));
    }
    Line::from(spans).render(area, buf);
}

/// "28s", "4m05s", "1h30m".
fn ago(ms: u64) -> String {
    let s = ms / 1000;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s / 60 % 60),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cell {
    Dirty,
    Freq,
    Temps,
    Throughput,
    Util,
    Pressure,
    Load,
    Failures,
}

/// "…/hwmon is absent" for a missing file, the error otherwise.
fn why(e: &SourceError) -> String {
    if e.is_missing() {
        format!("{} is absent", e.path())
    } else {
        Reason(e).to_string()
    }
}

fn missing_reason(what: &str, e: &SourceError) -> String {
    format!("{what}: not available here ({})", why(e))
}

/// Why a cell has nothing to draw, if so.
fn absent(p: &GraphsPane, cell: Cell) -> Option<String> {
    let s = p.snapshot?;
    match cell {
        Cell::Dirty => s
            .memory
            .meminfo
            .as_ref()
            .err()
            .map(|e| missing_reason("Dirty pages", e)),
        Cell::Freq => s.cpu.freq.as_ref().err().map(|e| {
            format!(
                "CPU frequency: no cpufreq ({}) and no \"cpu MHz\" in /proc/cpuinfo",
                why(e)
            )
        }),
        Cell::Temps => {
            let none = |r: &Result<Vec<_>, SourceError>| r.as_ref().map_or(true, Vec::is_empty);
            let hw_empty = s
                .cpu
                .hwmon
                .as_ref()
                .map_or(true, |c| c.iter().all(|c| c.temps.is_empty()));
            (hw_empty && none(&s.cpu.thermal)).then(|| {
                let hw = match &s.cpu.hwmon {
                    Err(e) => format!("no hwmon ({})", why(e)),
                    Ok(_) => "no hwmon temperature inputs".to_string(),
                };
                let th = match &s.cpu.thermal {
                    Err(e) => format!("no thermal zones ({})", why(e)),
                    Ok(_) => "no thermal zones".to_string(),
                };
                format!("Temperatures: {hw}, {th}; usual in VMs")
            })
        }
        Cell::Throughput | Cell::Util => match &s.disks {
            Err(e) => Some(missing_reason("Disks", e)),
            Ok(d) if d.is_empty() => Some("Disks: no whole disk has done any I/O".into()),
            Ok(_) => None,
        },
        Cell::Pressure => s.pressure.cpu.as_ref().err().map(|e| {
            format!(
                "Pressure (PSI): not available here ({}); needs Linux 4.20+ with CONFIG_PSI and psi=1",
                why(e)
            )
        }),
        Cell::Load => s
            .load
            .loadavg
            .as_ref()
            .err()
            .map(|e| missing_reason("Load", e)),
        Cell::Failures => None,
    }
}

fn render_cell(p: &GraphsPane, w: &Window, cell: Cell, area: Rect, buf: &mut Buffer) {
    if area.height == 0 {
        return;
    }
    if let Some(reason) = absent(p, cell) {
        Paragraph::new(reason)
            .style(theme::dim())
            .wrap(Wrap { trim: true })
            .render(area, buf);
        return;
    }
    let h = p.history;
    match cell {
        Cell::Dirty => {
            let lines = [
                line(key::DIRTY, "Dirty", 0, fmt_bytes),
                line(key::WRITEBACK, "wb", 1, fmt_bytes),
            ];
            let rules: Vec<Rule> = [
                (key::DIRTY_BG, "bg", false),
                (key::DIRTY_THRESH, "thr", true),
            ]
            .into_iter()
            .filter_map(|(k, label, crit)| {
                Some(Rule {
                    value: h.value_at(k, w.at_ms, w.tolerance_ms)?,
                    label,
                    style: theme::threshold(crit),
                })
            })
            .collect();
            chart(h, w, "", &lines, &rules, None, area, buf);
        }
        Cell::Freq => {
            let lines = [
                line(key::FREQ_MIN, "min", 4, fmt_ghz),
                line(key::FREQ_AVG, "avg", 0, fmt_ghz),
                line(key::FREQ_MAX, "max", 5, fmt_ghz),
            ];
            let bounds = match (p.view.cpu.freq_min_mhz, p.view.cpu.freq_max_mhz) {
                (Some(lo), Some(hi)) if hi > lo => Some((lo, hi)),
                _ => None,
            };
            let title = match bounds {
                Some((lo, hi)) => format!("CPU {}–{}GHz ", fmt_ghz(lo), fmt_ghz(hi)),
                None => "CPU GHz ".to_string(),
            };
            let [plot, strip] = if area.height >= 3 {
                Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area)
            } else {
                [area, Rect::default()]
            };
            chart(h, w, &title, &lines, &[], bounds, plot, buf);
            heat_strip(p, w, bounds, strip, buf);
        }
        Cell::Temps => {
            let mut keys: Vec<(&str, f64)> = h
                .keys_with_prefix(key::TEMP)
                .map(|k| {
                    (
                        k,
                        h.value_at(k, w.at_ms, w.tolerance_ms).unwrap_or(f64::MIN),
                    )
                })
                .collect();
            keys.sort_by(|a, b| b.1.total_cmp(&a.1));
            let n = if area.width >= 70 { 4 } else { 2 };
            let lines: Vec<Trace> = keys
                .iter()
                .take(n)
                .enumerate()
                .map(|(i, (k, _))| {
                    let label = k.strip_prefix(key::TEMP).unwrap_or(k);
                    line(*k, label, i, fmt_celsius)
                })
                .collect();
            let crit: Vec<Rule> = keys
                .first()
                .and_then(|(k, _)| {
                    let label = k.strip_prefix(key::TEMP)?;
                    p.view
                        .cpu
                        .temps
                        .iter()
                        .find(|t| t.label == label)?
                        .crit_celsius
                })
                .map(|c| Rule {
                    value: c,
                    label: "crit",
                    style: theme::threshold(true),
                })
                .into_iter()
                .collect();
            chart(h, w, "Temp ", &lines, &crit, None, area, buf);
        }
        Cell::Throughput => {
            let lines = [
                line(key::DISKS_READ, "Disk r", 2, fmt_rate),
                line(key::DISKS_WRITE, "w", 0, fmt_rate),
            ];
            chart(h, w, "", &lines, &[], Some((0.0, f64::NAN)), area, buf);
        }
        Cell::Util => {
            let mut lines: Vec<Trace> = h
                .keys_with_prefix(key::DISK)
                .filter(|k| k.ends_with(".util"))
                .take(4)
                .enumerate()
                .map(|(i, k)| {
                    let name = k
                        .strip_prefix(key::DISK)
                        .and_then(|k| k.strip_suffix(".util"))
                        .unwrap_or(k);
                    line(k, name, i + 2, fmt_pct)
                })
                .collect();
            lines.push(Trace {
                key: key::DISKS_IOPS.into(),
                label: "IOPS".into(),
                style: theme::dim(),
                fmt: fmt_int,
            });
            // IOPS is shown in the title only; the plot is utilisation, 0–100%.
            chart_with(h, w, "util ", &lines, &[], Some((0.0, 100.0)), 1, area, buf);
        }
        Cell::Pressure => {
            let lines = [
                line(key::PSI_CPU_SOME, "PSI cpu", 0, fmt_1),
                line(key::PSI_MEM_SOME, "mem", 1, fmt_1),
                line(key::PSI_MEM_FULL, "f", 5, fmt_1),
                line(key::PSI_IO_SOME, "io", 2, fmt_1),
                line(key::PSI_IO_FULL, "f", 4, fmt_1),
            ];
            chart(h, w, "", &lines, &[], Some((0.0, f64::NAN)), area, buf);
        }
        Cell::Load => {
            let lines = [
                line(key::LOAD1, "Load", 0, fmt_2),
                line(key::RUNNING, "run", 3, fmt_int),
                line(key::BLOCKED, "blk", 5, fmt_int),
            ];
            chart(h, w, "", &lines, &[], Some((0.0, f64::NAN)), area, buf);
        }
        Cell::Failures => failures(p, w, area, buf),
    }
}

#[allow(clippy::too_many_arguments)]
fn chart(
    h: &SeriesHistory,
    w: &Window,
    title: &str,
    lines: &[Trace],
    rules: &[Rule],
    bounds: Option<(f64, f64)>,
    area: Rect,
    buf: &mut Buffer,
) {
    chart_with(h, w, title, lines, rules, bounds, 0, area, buf);
}

/// A title line of values, then the plot. `bounds` fixes the y range (NaN: from the data);
/// the last `title_only` lines appear in the title but are not drawn.
#[allow(clippy::too_many_arguments)]
fn chart_with(
    h: &SeriesHistory,
    w: &Window,
    title: &str,
    lines: &[Trace],
    rules: &[Rule],
    bounds: Option<(f64, f64)>,
    title_only: usize,
    area: Rect,
    buf: &mut Buffer,
) {
    let [top, plot] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    let mut spans = Vec::new();
    if !title.is_empty() {
        spans.push(Span::styled(title.to_string(), theme::title()));
    }
    for l in lines {
        let v = h
            .value_at(&l.key, w.at_ms, w.tolerance_ms)
            .map_or_else(|| "–".to_string(), l.fmt);
        spans.push(Span::styled(format!("{} ", l.label), l.style));
        spans.push(Span::styled(format!("{v} "), l.style.bold()));
    }
    for r in rules {
        spans.push(Span::styled(
            format!("{} {} ", r.label, fmt_value_like(lines, r.value)),
            r.style,
        ));
    }
    Line::from(spans).render(top, buf);
    if plot.height == 0 || plot.width == 0 {
        return;
    }

    let buckets = usize::from(plot.width) * 2;
    let drawn = &lines[..lines.len().saturating_sub(title_only)];
    let data: Vec<Vec<(f64, f64)>> = drawn
        .iter()
        .map(|l| h.points(&l.key, w.from_ms, w.to_ms, buckets))
        .collect();
    if data.iter().all(Vec::is_empty) {
        let text = if h.len() < 2 {
            "waiting for a second reading"
        } else {
            "no values in this window"
        };
        Paragraph::new(text).style(theme::dim()).render(plot, buf);
        return;
    }
    let ys = data.iter().flatten().map(|(_, y)| *y);
    let (mut lo, mut hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    for r in rules {
        lo = lo.min(r.value);
        hi = hi.max(r.value);
    }
    if let Some((blo, bhi)) = bounds {
        lo = blo;
        if bhi.is_finite() {
            hi = bhi.max(hi);
        }
    }
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        // A flat line: mid-height when the range is free, on the floor when it starts at 0.
        let pad = (lo.abs() * 0.05).max(0.5);
        if bounds.is_none() {
            lo -= pad;
        }
        hi = lo + 2.0 * pad;
    } else if bounds.is_none_or(|(_, bhi)| !bhi.is_finite()) {
        hi += (hi - lo) * 0.1;
    }

    let x0 = -w.span_s();
    let rule_data: Vec<[(f64, f64); 2]> = rules
        .iter()
        .map(|r| [(x0, r.value), (0.0, r.value)])
        .collect();
    let cursor_data = w.cursor_x().map(|cx| [(cx, lo), (cx, hi)]);
    let mut datasets: Vec<Dataset> = Vec::new();
    for (r, d) in rules.iter().zip(&rule_data) {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(r.style)
                .data(d),
        );
    }
    for (l, d) in drawn.iter().zip(&data) {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(l.style)
                .data(d),
        );
    }
    if let Some(c) = &cursor_data {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(theme::cursor())
                .data(c),
        );
    }
    Chart::new(datasets)
        .x_axis(Axis::default().bounds([x0, 0.0]))
        .y_axis(Axis::default().bounds([lo, hi]))
        .render(plot, buf);
}

/// A threshold in the unit of the chart's first line.
fn fmt_value_like(lines: &[Trace], v: f64) -> String {
    lines.first().map_or_else(|| fmt_1(v), |l| (l.fmt)(v))
}

/// One block per core, coloured by where its frequency sits between the scaling bounds.
fn heat_strip(
    p: &GraphsPane,
    w: &Window,
    bounds: Option<(f64, f64)>,
    area: Rect,
    buf: &mut Buffer,
) {
    if area.height == 0 {
        return;
    }
    let h = p.history;
    let mut cores: Vec<(usize, f64)> = h
        .keys_with_prefix(key::FREQ_CORE)
        .filter_map(|k| {
            let n: usize = k.strip_prefix(key::FREQ_CORE)?.parse().ok()?;
            Some((n, h.value_at(k, w.at_ms, w.tolerance_ms)?))
        })
        .collect();
    cores.sort_by_key(|(n, _)| *n);
    let (lo, hi) = bounds.unwrap_or_else(|| {
        let lo = cores.iter().map(|c| c.1).fold(f64::INFINITY, f64::min);
        let hi = cores.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max);
        (lo, hi)
    });
    let mut spans = vec![Span::styled("cores ", theme::dim())];
    let room = usize::from(area.width).saturating_sub(8);
    for (_, mhz) in cores.iter().take(room) {
        let x = if hi > lo { (mhz - lo) / (hi - lo) } else { 0.5 };
        spans.push(Span::styled("█", Style::new().fg(theme::heat(x))));
    }
    if cores.len() > room {
        spans.push(Span::styled("…", theme::dim()));
    }
    if bounds.is_none() {
        spans.push(Span::styled(" (no scaling bounds)", theme::dim()));
    }
    Line::from(spans).render(area, buf);
}

fn failures(p: &GraphsPane, w: &Window, area: Rect, buf: &mut Buffer) {
    let mut marks: Vec<_> = p.history.marks_between(w.from_ms, w.to_ms).collect();
    marks.sort_by_key(|m| std::cmp::Reverse(m.time_ms));
    let mut lines = vec![Line::styled(
        format!("Limit failures, last {}", p.state.zoom.label()),
        theme::title(),
    )];
    if marks.is_empty() {
        lines.push(Line::styled(
            "none (▲ on the time axis when one happens)",
            theme::dim(),
        ));
    }
    for m in marks
        .iter()
        .take(usize::from(area.height.saturating_sub(1)))
    {
        lines.push(Line::from(vec![
            Span::styled("▲ ", theme::severity(crate::derive::Severity::Critical)),
            Span::raw(format!("{} {}", clock(m.time_ms), m.label)),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

/// The shared time axis of a column: ends, middle, failure marks and the cursor.
fn time_axis(p: &GraphsPane, w: &Window, area: Rect, buf: &mut Buffer) {
    let width = usize::from(area.width.saturating_sub(1));
    if width < 10 {
        return;
    }
    let mut cells: Vec<(char, Style)> = vec![('─', theme::dim()); width];
    let span = w.to_ms - w.from_ms;
    let col = |t: u64| {
        ((t.saturating_sub(w.from_ms)) as f64 / span as f64 * (width - 1) as f64).round() as usize
    };
    let mut put_text = |at: usize, text: &str| {
        for (i, ch) in text.chars().enumerate() {
            if let Some(c) = cells.get_mut(at + i) {
                *c = (ch, theme::dim());
            }
        }
    };
    let left = format!("-{}", p.state.zoom.label());
    let mid = format!("-{}", ago(span / 2));
    put_text(0, &left);
    put_text((width / 2).saturating_sub(mid.len() / 2), &mid);
    put_text(width.saturating_sub(3), "now");
    for m in p.history.marks_between(w.from_ms, w.to_ms) {
        if let Some(c) = cells.get_mut(col(m.time_ms)) {
            *c = ('▲', theme::severity(crate::derive::Severity::Critical));
        }
    }
    if let Some(c) = w.cursor_ms
        && let Some(cell) = cells.get_mut(col(c))
    {
        *cell = ('┃', theme::cursor());
    }
    let spans: Vec<Span> = cells
        .into_iter()
        .map(|(c, s)| Span::styled(c.to_string(), s))
        .collect();
    Line::from(spans).render(area, buf);
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};
    use crate::derive::Deriver;
    use crate::history::Zoom;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// 05:30:00Z on a November night.
    const END_MS: u64 = 1_795_411_800_000;
    /// The backup starts at 05:28:00Z.
    const BACKUP_MS: u64 = END_MS - 120_000;

    /// Relative to the package (tests run there), so reasons name no machine's paths.
    fn fixture(name: &str) -> Roots {
        Roots::fixture(std::path::Path::new("tests/fixtures").join(name))
    }

    /// Two hours at one sample a second: a quiet night, then the backup two minutes before the
    /// end: dirty pages ten times normal, CPUs from 800 to 3500 MHz, temperature and disk up.
    fn synthetic(temps: bool) -> SeriesHistory {
        let mut h = SeriesHistory::default();
        let n = 7200u64;
        for i in 0..=n {
            let t = END_MS - (n - i) * 1000;
            let busy = t >= BACKUP_MS;
            let wave = ((i as f64) / 300.0).sin();
            let mb = |x: f64| x * 1024.0 * 1024.0;
            let dirty = if busy {
                mb(117.0 + 10.0 * wave)
            } else {
                mb(12.0 + 4.0 * wave)
            };
            let freq = if busy {
                3500.0
            } else {
                800.0 + 100.0 * wave.abs()
            };
            let mut v: Vec<(String, f64)> = vec![
                (key::DIRTY.into(), dirty),
                (key::WRITEBACK.into(), if busy { mb(40.0) } else { 0.0 }),
                (key::DIRTY_BG.into(), mb(160.0)),
                (key::DIRTY_THRESH.into(), mb(320.0)),
                (key::FREQ_MIN.into(), if busy { 3400.0 } else { 800.0 }),
                (key::FREQ_AVG.into(), freq),
                (key::FREQ_MAX.into(), if busy { 3500.0 } else { 1200.0 }),
                (key::DISKS_READ.into(), mb(0.4)),
                (
                    key::DISKS_WRITE.into(),
                    if busy { mb(200.0) } else { mb(1.0) },
                ),
                (key::DISKS_IOPS.into(), if busy { 600.0 } else { 20.0 }),
                ("disk.sda.util".into(), if busy { 100.0 } else { 3.0 }),
                ("disk.nvme0n1.util".into(), if busy { 25.0 } else { 1.0 }),
                (key::PSI_CPU_SOME.into(), if busy { 12.5 } else { 0.5 }),
                (key::PSI_MEM_SOME.into(), 0.0),
                (key::PSI_MEM_FULL.into(), 0.0),
                (key::PSI_IO_SOME.into(), if busy { 40.0 } else { 0.2 }),
                (key::PSI_IO_FULL.into(), if busy { 35.5 } else { 0.1 }),
                (key::LOAD1.into(), if busy { 2.1 } else { 0.4 + 0.1 * wave }),
                (key::RUNNING.into(), if busy { 3.0 } else { 1.0 }),
                (key::BLOCKED.into(), if busy { 5.0 } else { 0.0 }),
            ];
            for core in 0..4 {
                let f = if busy && core != 2 { 3500.0 } else { 800.0 };
                v.push((format!("{}{core}", key::FREQ_CORE), f));
            }
            if temps {
                v.push((
                    format!("{}coretemp Package id 0", key::TEMP),
                    if busy { 88.0 } else { 45.0 + 2.0 * wave },
                ));
                v.push((format!("{}nvme temp1", key::TEMP), 38.85));
            }
            h.push(t, v);
            if t == BACKUP_MS + 13_000 {
                h.mark(t, "dirty_ratio writers throttled");
            }
        }
        h.mark(END_MS - 3_000_000, "numothersock (uid 101)");
        h
    }

    fn snapshot_of(fixture_name: &str) -> (Snapshot, GraphsView) {
        let snap = Collector::new(fixture(fixture_name)).sample();
        let view = Deriver::default().update(&snap).graphs;
        (snap, view)
    }

    fn draw(
        h: &SeriesHistory,
        snap: &Snapshot,
        view: &GraphsView,
        state: GraphsState,
        w: u16,
        hgt: u16,
    ) -> String {
        let pane = GraphsPane {
            history: h,
            snapshot: Some(snap),
            view,
            state: &state,
            interval_ms: 1000,
            end_ms: None,
        };
        let mut term = Terminal::new(TestBackend::new(w, hgt)).unwrap();
        term.draw(|f| render_pane(&pane, f.area(), f.buffer_mut()))
            .unwrap();
        format!("{}", term.backend())
    }

    #[test]
    fn two_hours_of_a_backup_night_80x24() {
        let (snap, view) = snapshot_of("graphs-busy");
        let text = draw(
            &synthetic(true),
            &snap,
            &view,
            GraphsState::default(),
            80,
            24,
        );
        assert!(text.contains("Dirty"));
        assert!(text.contains("▲"), "the failure mark is on the time axis");
        insta::assert_snapshot!(text);
    }

    #[test]
    fn two_hours_with_a_cursor_160x50() {
        let (snap, view) = snapshot_of("graphs-busy");
        let state = GraphsState {
            zoom: Zoom::Hour2,
            cursor_back_ms: Some(3_000_000),
        };
        let text = draw(&synthetic(true), &snap, &view, state, 160, 50);
        // The cursor sits on the quiet night: values there, not the newest ones.
        assert!(text.contains("cursor 04:40:00Z (-50m00s)"));
        assert!(text.contains("numothersock (uid 101)"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn a_vm_says_what_is_absent_80x24() {
        let (snap, view) = snapshot_of("graphs-vm");
        let state = GraphsState {
            zoom: Zoom::Min30,
            cursor_back_ms: None,
        };
        let text = draw(&synthetic(false), &snap, &view, state, 80, 24);
        assert!(text.contains("Temperatures: no hwmon"));
        assert!(text.contains("Pressure (PSI): not available here"));
        insta::assert_snapshot!(text);
    }

    #[test]
    fn paused_the_window_holds_still() {
        let (snap, view) = snapshot_of("graphs-busy");
        let h = synthetic(true);
        let state = GraphsState::default();
        let pane = GraphsPane {
            history: &h,
            snapshot: Some(&snap),
            view: &view,
            state: &state,
            interval_ms: 1000,
            end_ms: Some(END_MS - 600_000),
        };
        let mut buf = Buffer::empty(Rect::new(0, 0, 80, 24));
        render_pane(&pane, buf.area, &mut buf);
        let top: String = (0..80).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert!(top.contains("now 05:20:00Z"), "{top}");
        let dirty: String = (0..80).map(|x| buf[(x, 1)].symbol().to_string()).collect();
        // Ten minutes before the end the night was quiet: 12 MiB give or take the wave.
        assert!(dirty.starts_with("Dirty 1"), "{dirty}");
        assert!(!dirty.contains("wb 40M"), "{dirty}");
    }

    #[test]
    fn before_any_sample_it_says_so() {
        let (snap, view) = snapshot_of("graphs-vm");
        let text = draw(
            &SeriesHistory::default(),
            &snap,
            &view,
            GraphsState::default(),
            80,
            24,
        );
        assert!(text.contains("Reading the first sample"));
    }
}
