//! A time chart: a legend line (each series' label and value in its colour), and below it
//! braille lines with the y scale's lowest and highest values labelled in the series' unit,
//! threshold lines across, each named with its value at its left end, and the time cursor.
//!
//! ```text
//! Dirty 117.0MiB wb 40MiB                     (legend)
//!   352MiB│thr 320MiB⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤⠤┃⠤⠤⠤⠤⠤
//!         │                          ┃   ⡠⠔⠊⠉
//!       0B│⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀⣀┃⠊
//! ```
//!
//! The x axis runs from `-span_s` to 0 (now) in seconds; the pane draws one time axis per column.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Chart, Dataset, GraphType, Paragraph, Widget};

use crate::ui::theme;

/// Columns of the y scale's labels, so that charts stacked in a column share one time axis
/// (a longer label widens its chart's scale).
pub const SCALE_WIDTH: u16 = 8;

/// One line of a chart, or one value of its legend only (no points).
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    /// The value shown in the legend, already formatted ("–" when there is none).
    pub value: String,
    pub style: Style,
    /// (seconds before now, value); empty for a legend-only value.
    pub points: Vec<(f64, f64)>,
}

/// A horizontal line across the chart, named on the line.
#[derive(Debug, Clone)]
pub struct Threshold {
    pub label: &'static str,
    pub value: f64,
    pub style: Style,
}

/// Everything one chart shows.
#[derive(Debug, Clone)]
pub struct ChartSpec<'a> {
    /// Bold text before the legend ("CPU 0.8–3.5GHz "); may be empty.
    pub title: &'a str,
    pub series: &'a [Series],
    pub thresholds: &'a [Threshold],
    /// Formats a value in the series' unit: the y scale and the thresholds use it.
    pub unit: fn(f64) -> String,
    /// Pins the bottom of the y scale (None: from the data, padded).
    pub floor: Option<f64>,
    /// The least top of the y scale (None: from the data, padded).
    pub ceiling: Option<f64>,
    /// Seconds the x axis spans, ending at 0 (now).
    pub span_s: f64,
    /// Where the time cursor stands, in seconds before now.
    pub cursor_x: Option<f64>,
    /// Said in place of the plot when no series has a point.
    pub empty: &'a str,
}

impl Widget for &ChartSpec<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let [top, plot] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        self.legend().render(top, buf);
        if plot.height == 0 || plot.width == 0 {
            return;
        }
        if self.series.iter().all(|s| s.points.is_empty()) {
            Paragraph::new(self.empty)
                .style(theme::dim())
                .render(plot, buf);
            return;
        }
        self.plot(plot, buf);
    }
}

impl ChartSpec<'_> {
    fn legend(&self) -> Line<'static> {
        let mut spans = Vec::new();
        if !self.title.is_empty() {
            spans.push(Span::styled(self.title.to_string(), theme::title()));
        }
        for s in self.series {
            spans.push(Span::styled(format!("{} ", s.label), s.style));
            spans.push(Span::styled(format!("{} ", s.value), s.style.bold()));
        }
        Line::from(spans)
    }

    /// The y scale: the data and thresholds, held to the floor and ceiling, padded when free.
    fn y_range(&self) -> (f64, f64) {
        let ys = self
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.1));
        let ys = ys.chain(self.thresholds.iter().map(|t| t.value));
        let (mut lo, mut hi) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
            (a.min(y), b.max(y))
        });
        if let Some(floor) = self.floor {
            lo = floor;
        }
        if let Some(ceiling) = self.ceiling {
            hi = hi.max(ceiling);
        }
        if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
            // A flat line: mid-height when the range is free, on the floor when it is pinned.
            let pad = (lo.abs() * 0.05).max(0.5);
            if self.floor.is_none() {
                lo -= pad;
            }
            hi = lo + 2.0 * pad;
        } else if self.ceiling.is_none() {
            hi += (hi - lo) * 0.1;
        }
        (lo, hi)
    }

    fn plot(&self, area: Rect, buf: &mut Buffer) {
        let (lo, hi) = self.y_range();
        let x0 = -self.span_s;
        let rules: Vec<[(f64, f64); 2]> = self
            .thresholds
            .iter()
            .map(|t| [(x0, t.value), (0.0, t.value)])
            .collect();
        let cursor = self.cursor_x.map(|cx| [(cx, lo), (cx, hi)]);
        let line = |data, style| {
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(style)
                .data(data)
        };
        let mut datasets: Vec<Dataset> = Vec::new();
        for (t, d) in self.thresholds.iter().zip(&rules) {
            datasets.push(line(d, t.style));
        }
        for s in self.series.iter().filter(|s| !s.points.is_empty()) {
            datasets.push(line(&s.points, s.style));
        }
        if let Some(c) = &cursor {
            datasets.push(line(c, theme::cursor()));
        }
        let labels = [(self.unit)(lo), (self.unit)(hi)].map(|l| {
            let text = format!("{l:>w$}", w = usize::from(SCALE_WIDTH));
            Span::styled(text, theme::dim())
        });
        let scale = labels.iter().map(Span::width).max().unwrap_or(0) as u16 + 1;
        Chart::new(datasets)
            .x_axis(Axis::default().bounds([x0, 0.0]))
            .y_axis(Axis::default().bounds([lo, hi]).labels(labels))
            .render(area, buf);
        let graph = Rect {
            x: area.x + scale,
            width: area.width.saturating_sub(scale),
            ..area
        };
        self.label_thresholds(graph, (lo, hi), buf);
    }

    /// Names each threshold at the left end of its line, over the oldest part of the window.
    fn label_thresholds(&self, graph: Rect, (lo, hi): (f64, f64), buf: &mut Buffer) {
        if graph.height < 2 || hi <= lo {
            return;
        }
        let rows = f64::from(graph.height - 1);
        for t in self.thresholds {
            let up = ((t.value - lo) / (hi - lo) * rows).round().clamp(0.0, rows) as u16;
            let text = format!("{} {}", t.label, (self.unit)(t.value));
            if text.chars().count() < usize::from(graph.width) {
                buf.set_string(graph.x, graph.bottom() - 1 - up, text, t.style);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec<'a>(series: &'a [Series], thresholds: &'a [Threshold]) -> ChartSpec<'a> {
        ChartSpec {
            title: "",
            series,
            thresholds,
            unit: crate::format::size_f,
            floor: Some(0.0),
            ceiling: None,
            span_s: 60.0,
            cursor_x: None,
            empty: "nothing yet",
        }
    }

    fn text(buf: &Buffer) -> Vec<String> {
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn legend_scale_and_threshold_in_the_series_unit() {
        let series = [Series {
            label: "Dirty".into(),
            value: "1.0MiB".into(),
            style: Style::new(),
            points: vec![(-60.0, 0.0), (0.0, 1_048_576.0)],
        }];
        let thresholds = [Threshold {
            label: "thr",
            value: 2_097_152.0,
            style: Style::new(),
        }];
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 6));
        (&spec(&series, &thresholds)).render(buf.area, &mut buf);
        let lines = text(&buf);
        assert_eq!(lines[0].trim_end(), "Dirty 1.0MiB", "{lines:?}");
        // The scale reaches over the threshold (a tenth more, so it is not drawn on the top
        // edge) and starts at the floor; both ends are labelled in the unit.
        assert!(lines[1].starts_with("  2.2MiB│"), "{lines:?}");
        // The threshold's line carries its name.
        assert!(lines[1].starts_with("  2.2MiB│thr 2MiB"), "{lines:?}");
        assert!(lines[5].starts_with("      0B│"), "{lines:?}");
    }

    #[test]
    fn without_points_it_says_why() {
        let series = [Series {
            label: "IOPS".into(),
            value: "–".into(),
            style: Style::new(),
            points: Vec::new(),
        }];
        let mut buf = Buffer::empty(Rect::new(0, 0, 30, 3));
        (&spec(&series, &[])).render(buf.area, &mut buf);
        assert!(text(&buf)[1].starts_with("nothing yet"));
    }
}
