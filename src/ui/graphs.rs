//! The Graphs pane: eight small charts over one time window, braille lines with a y scale, a
//! time cursor and marks where a limit failed.
//!
//! ```text
//! Graphs  window 5m  now 05:28:41Z                      cursor 05:28:13Z (-28s)
//! Dirty 117.0MiB wb 4MiB                       │ util sda 50% nvme0n1 25% IOPS 1142
//!   2.3GiB│thr 2.1GiB⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤ │     100%│⠀⠀⠀⠀⠀⠀⠀⣀⠤⠒⠉⠉⠉⠉⠉⠉⠉⠉⠉
//! CPU 0.8–3.5GHz min … avg … max …              │ PSI cpu 0.5% mem 0.0% f 0.0% io 40% …
//! cores ████                                    │ …
//! Temp Package id 0 88°C …                      │ Load 2.10 run 2 blk 5
//! Disk r 400.0KiB/s w 200.0MiB/s                │ Limit events, last 5m
//! -5m        -2m30s        ▲    now             │ -5m        -2m30s        ▲    now
//! ```
//!
//! Each chart's legend shows its values at the cursor (or the newest sample) in the colour of
//! its line. A source that is absent says why where its chart would be, once per source.

mod parts;
mod window;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::widgets::{Paragraph, Widget, Wrap};

use crate::app::AppState;
use crate::app::graphs::GraphsState;
use crate::derive::graphs::{GraphsView, key};
use crate::derive::overview::Overview;
use crate::format::{self, celsius, ghz};
use crate::history::{Layered, SeriesHistory};
use crate::ui::theme;
use crate::ui::widgets::chart::{ChartSpec, SCALE_WIDTH, Series, Threshold};
use window::Window;

/// Everything the pane reads.
pub struct GraphsPane<'a> {
    pub history: &'a SeriesHistory,
    /// Replaying: the whole recording, read ahead of play; None live, and until it is read.
    pub overview: Option<&'a Overview>,
    /// Replaying: how far the pass ahead of play has come (0 to 1), while it runs.
    pub ahead: Option<f32>,
    /// The newest derived values (scaling bounds, temperatures' critical points, what is missing).
    pub view: &'a GraphsView,
    pub state: &'a GraphsState,
    pub interval_ms: u64,
    /// Now: None follows the newest sample (paused, it holds still); replaying, the replayed
    /// time. The window ends there, or over a whole recording at its end.
    pub end_ms: Option<u64>,
}

impl GraphsPane<'_> {
    /// The series drawn: the history, over the recording's overview when there is one.
    fn series(&self) -> Layered<'_> {
        Layered::new(self.history, self.overview.map(|o| &o.series))
    }
}

pub fn render(state: &GraphsState, app: &AppState, area: Rect, buf: &mut Buffer) {
    let replay = app.replay.as_ref();
    let pane = GraphsPane {
        history: app.series(),
        overview: replay.and_then(|r| r.overview.as_deref()),
        ahead: replay.and_then(|r| r.ahead),
        view: &app.derived.graphs,
        state,
        interval_ms: app.interval_ms,
        // Replaying, now is the replayed time, whatever derivation has read past it.
        end_ms: app
            .snapshot
            .as_ref()
            .filter(|_| app.paused || replay.is_some())
            .map(|s| s.time_ms),
    };
    render_pane(&pane, area, buf);
}

/// Reads one series of the history as a chart line: its value at the cursor and its points.
struct Reader<'a> {
    h: Layered<'a>,
    w: &'a Window,
}

impl Reader<'_> {
    fn value(&self, key: &str) -> Option<f64> {
        self.h.value_at(key, self.w.at_ms, self.w.tolerance_ms)
    }

    fn line(&self, key: &str, label: &str, i: usize, fmt: fn(f64) -> String) -> Series {
        Series {
            points: self
                .h
                .points(key, self.w.from_ms, self.w.to_ms, self.w.buckets),
            ..self.legend_only(key, label, color(i), fmt)
        }
    }

    /// A value shown in the legend and not drawn.
    fn legend_only(&self, key: &str, label: &str, style: Style, fmt: fn(f64) -> String) -> Series {
        Series {
            label: label.to_string(),
            value: self.value(key).map_or_else(|| "–".to_string(), fmt),
            style,
            points: Vec::new(),
        }
    }

    fn threshold(&self, key: &str, label: &'static str, critical: bool) -> Option<Threshold> {
        Some(Threshold {
            label,
            value: self.value(key)?,
            style: theme::threshold(critical),
        })
    }
}

fn color(i: usize) -> Style {
    Style::new().fg(theme::SERIES[i % theme::SERIES.len()])
}

fn two_places(v: f64) -> String {
    format!("{v:.2}")
}

fn whole(v: f64) -> String {
    format!("{v:.0}")
}

pub fn render_pane(p: &GraphsPane, area: Rect, buf: &mut Buffer) {
    if area.height < 3 || area.width < 20 {
        return;
    }
    let Some(w) = Window::of(p, &p.series(), area.width) else {
        Paragraph::new("Reading the first sample…")
            .style(theme::dim())
            .render(area, buf);
        return;
    };
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    parts::header(p, &w, head, buf);
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
        // Under the plots, right of their scales.
        let indent = SCALE_WIDTH + 1;
        let axis = Rect {
            x: axis.x + indent,
            width: axis.width.saturating_sub(indent),
            ..axis
        };
        parts::time_axis(p, &w, axis, buf);
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

/// Why a cell has nothing to draw, if so. The two disk charts share one source: the second
/// only points at the first.
fn absent(p: &GraphsPane, cell: Cell) -> Option<String> {
    let m = &p.view.missing;
    match cell {
        Cell::Dirty => m.dirty.clone(),
        Cell::Freq => m.freq.clone(),
        Cell::Temps => m.temps.clone(),
        Cell::Throughput => m.disks.clone(),
        Cell::Util => m
            .disks
            .as_ref()
            .map(|_| "Disk utilisation: as Disks".into()),
        Cell::Pressure => m.pressure.clone(),
        Cell::Load => m.load.clone(),
        Cell::Failures => None,
    }
}

/// A chart of this cell's lines with the window's span and cursor.
fn spec<'a>(
    p: &GraphsPane,
    w: &Window,
    series: &'a [Series],
    thresholds: &'a [Threshold],
    unit: fn(f64) -> String,
) -> ChartSpec<'a> {
    ChartSpec {
        title: "",
        series,
        thresholds,
        unit,
        floor: Some(0.0),
        ceiling: None,
        span_s: w.span_s(),
        cursor_x: w.cursor_x(),
        empty: if p.series().len() < 2 {
            "waiting for a second reading"
        } else {
            "no values in this window"
        },
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
    let r = Reader { h: p.series(), w };
    match cell {
        Cell::Dirty => {
            let lines = [
                r.line(key::DIRTY, "Dirty", 0, format::size_f),
                r.line(key::WRITEBACK, "wb", 1, format::size_f),
            ];
            let rules: Vec<Threshold> = [
                r.threshold(key::DIRTY_BG, "bg", false),
                r.threshold(key::DIRTY_THRESH, "thr", true),
            ]
            .into_iter()
            .flatten()
            .collect();
            let chart = ChartSpec {
                floor: None,
                ..spec(p, w, &lines, &rules, format::size_f)
            };
            chart.render(area, buf);
        }
        Cell::Freq => freq(p, w, &r, area, buf),
        Cell::Temps => temps(p, w, &r, area, buf),
        Cell::Throughput => {
            let lines = [
                r.line(key::DISKS_READ, "Disk r", 2, format::rate),
                r.line(key::DISKS_WRITE, "w", 0, format::rate),
            ];
            spec(p, w, &lines, &[], format::rate).render(area, buf);
        }
        Cell::Util => util(p, w, &r, area, buf),
        Cell::Pressure => {
            let lines = [
                r.line(key::PSI_CPU_SOME, "PSI cpu", 0, format::pct),
                r.line(key::PSI_MEM_SOME, "mem", 1, format::pct),
                r.line(key::PSI_MEM_FULL, "f", 5, format::pct),
                r.line(key::PSI_IO_SOME, "io", 2, format::pct),
                r.line(key::PSI_IO_FULL, "f", 4, format::pct),
            ];
            spec(p, w, &lines, &[], format::pct).render(area, buf);
        }
        Cell::Load => {
            let lines = [
                r.line(key::LOAD1, "Load", 0, two_places),
                r.line(key::RUNNING, "run", 3, whole),
                r.line(key::BLOCKED, "blk", 5, whole),
            ];
            spec(p, w, &lines, &[], two_places).render(area, buf);
        }
        Cell::Failures => parts::failures(p, w, area, buf),
    }
}

/// Minimum, average and maximum frequency between the scaling bounds, and a block per core.
fn freq(p: &GraphsPane, w: &Window, r: &Reader, area: Rect, buf: &mut Buffer) {
    let lines = [
        r.line(key::FREQ_MIN, "min", 4, ghz),
        r.line(key::FREQ_AVG, "avg", 0, ghz),
        r.line(key::FREQ_MAX, "max", 5, ghz),
    ];
    let bounds = match (p.view.cpu.freq_min_mhz, p.view.cpu.freq_max_mhz) {
        (Some(lo), Some(hi)) if hi > lo => Some((lo, hi)),
        _ => None,
    };
    let title = match bounds {
        Some((lo, hi)) => format!("CPU {}–{}GHz ", ghz(lo), ghz(hi)),
        None => "CPU GHz ".to_string(),
    };
    let [plot, strip] = if area.height >= 3 {
        Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area)
    } else {
        [area, Rect::default()]
    };
    let chart = ChartSpec {
        title: &title,
        floor: bounds.map(|b| b.0),
        ceiling: bounds.map(|b| b.1),
        ..spec(p, w, &lines, &[], |v| format!("{}GHz", ghz(v)))
    };
    chart.render(plot, buf);
    parts::heat_strip(p, w, bounds, strip, buf);
}

/// The hottest sensors at the cursor, with the hottest one's critical point.
fn temps(p: &GraphsPane, w: &Window, r: &Reader, area: Rect, buf: &mut Buffer) {
    let mut keys: Vec<(&str, f64)> = p
        .series()
        .keys_with_prefix(key::TEMP)
        .into_iter()
        .map(|k| (k, r.value(k).unwrap_or(f64::MIN)))
        .collect();
    keys.sort_by(|a, b| b.1.total_cmp(&a.1));
    let n = if area.width >= 70 { 4 } else { 2 };
    let lines: Vec<Series> = keys
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, (k, _))| r.line(k, k.strip_prefix(key::TEMP).unwrap_or(k), i, celsius))
        .collect();
    let crit: Vec<Threshold> = keys
        .first()
        .and_then(|(k, _)| {
            let label = k.strip_prefix(key::TEMP)?;
            let t = p.view.cpu.temps.iter().find(|t| t.label == label)?;
            Some(Threshold {
                label: "crit",
                value: t.crit_celsius?,
                style: theme::threshold(true),
            })
        })
        .into_iter()
        .collect();
    let chart = ChartSpec {
        title: "Temp ",
        floor: None,
        ..spec(p, w, &lines, &crit, celsius)
    };
    chart.render(area, buf);
}

/// Utilisation of up to four disks, 0–100%, with the total IOPS in the legend only.
fn util(p: &GraphsPane, w: &Window, r: &Reader, area: Rect, buf: &mut Buffer) {
    let mut lines: Vec<Series> = p
        .series()
        .keys_with_prefix(key::DISK)
        .into_iter()
        .filter(|k| k.ends_with(".util"))
        .take(4)
        .enumerate()
        .map(|(i, k)| {
            let name = k
                .strip_prefix(key::DISK)
                .and_then(|k| k.strip_suffix(".util"))
                .unwrap_or(k);
            r.line(k, name, i + 2, format::pct)
        })
        .collect();
    lines.push(r.legend_only(key::DISKS_IOPS, "IOPS", theme::dim(), whole));
    let chart = ChartSpec {
        title: "util ",
        ceiling: Some(100.0),
        ..spec(p, w, &lines, &[], format::pct)
    };
    chart.render(area, buf);
}
