//! The one table of every pane: columns are declared once with how they fit, and the table
//! decides their widths for the space it gets.
//!
//! - A number is right-aligned and as wide as its widest cell (or its title): it is never cut
//!   (nor is a fixed column, a bar, which is left-aligned).
//!   When the row is too narrow, whole columns go instead, highest [`Column::drop`] first.
//! - A name gets the width that is left, from its minimum up to its longest cell (capped by
//!   its maximum, so a wide screen keeps the numbers next to it); it is cut with `…` only when
//!   the table is narrower than its minimum.
//! - Text at the end (a hint) takes whatever is left and is cut freely.
//!
//! The rows scroll so the selected one stays in view; [`row_at`] answers which row a mouse
//! click at a given line hit, by the same rule.

use std::borrow::Cow;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Columns between two columns.
const SPACING: u16 = 1;

/// How a column takes its width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// Left-aligned; at least `min` wide, then up to its longest cell or `max`.
    Name { min: u16, max: u16 },
    /// Right-aligned; exactly as wide as its widest cell or title; never cut.
    Number,
    /// Left-aligned; exactly as wide as its widest cell or title; never cut (a bar, a type).
    Fixed,
    /// Left-aligned; at least `min` wide, then all that is left.
    Text { min: u16 },
}

#[derive(Debug, Clone)]
pub struct Column<'a> {
    pub title: Cow<'a, str>,
    pub fit: Fit,
    /// Which columns leave first when the width is short: the highest goes first; 0 stays.
    pub drop: u8,
}

impl<'a> Column<'a> {
    pub fn name(title: impl Into<Cow<'a, str>>, min: u16, max: u16) -> Self {
        Self {
            title: title.into(),
            fit: Fit::Name { min, max },
            drop: 0,
        }
    }

    pub fn number(title: impl Into<Cow<'a, str>>, drop: u8) -> Self {
        Self {
            title: title.into(),
            fit: Fit::Number,
            drop,
        }
    }

    pub fn fixed(title: impl Into<Cow<'a, str>>, drop: u8) -> Self {
        Self {
            title: title.into(),
            fit: Fit::Fixed,
            drop,
        }
    }

    pub fn text(title: impl Into<Cow<'a, str>>, min: u16, drop: u8) -> Self {
        Self {
            title: title.into(),
            fit: Fit::Text { min },
            drop,
        }
    }

    /// The same column, dropped with this priority when the width is short.
    pub fn dropped(mut self, drop: u8) -> Self {
        self.drop = drop;
        self
    }
}

/// One line of the table: a cell per column, and a style under them all.
#[derive(Debug, Clone, Default)]
pub struct Row<'a> {
    pub cells: Vec<Line<'a>>,
    pub style: Style,
}

impl<'a> Row<'a> {
    pub fn new(cells: Vec<Line<'a>>) -> Self {
        Self {
            cells,
            style: Style::new(),
        }
    }

    pub fn style(mut self, style: Style) -> Self {
        self.style = style;
        self
    }
}

/// A shown column: which one, where it starts and how wide it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placed {
    pub column: usize,
    pub x: u16,
    pub width: u16,
}

#[derive(Debug, Clone)]
pub struct Table<'a> {
    columns: Vec<Column<'a>>,
    rows: Vec<Row<'a>>,
    selected: Option<usize>,
    header_style: Style,
    highlight: Style,
}

impl<'a> Table<'a> {
    pub fn new(columns: Vec<Column<'a>>, rows: Vec<Row<'a>>) -> Self {
        Self {
            columns,
            rows,
            selected: None,
            header_style: Style::new(),
            highlight: Style::new(),
        }
    }

    pub fn header_style(mut self, style: Style) -> Self {
        self.header_style = style;
        self
    }

    /// The selected row, drawn in `highlight` (pass the default style for none).
    pub fn select(mut self, selected: Option<usize>, highlight: Style) -> Self {
        self.selected = selected;
        self.highlight = highlight;
        self
    }

    /// What a column would like: (the least it takes, the most it wants).
    fn wants(&self, i: usize) -> (u16, u16) {
        let Some(c) = self.columns.get(i) else {
            return (0, 0);
        };
        let widest = self
            .rows
            .iter()
            .filter_map(|r| r.cells.get(i))
            .map(Line::width)
            .chain([c.title.chars().count()])
            .max()
            .unwrap_or(0);
        let widest = u16::try_from(widest).unwrap_or(u16::MAX);
        match c.fit {
            Fit::Number | Fit::Fixed => (widest, widest),
            Fit::Name { min, max } => (min.min(widest), widest.clamp(min.min(widest), max)),
            Fit::Text { min } => (min, u16::MAX),
        }
    }

    /// Which columns are shown in `width`, and where.
    pub fn layout(&self, width: u16) -> Vec<Placed> {
        let wants: Vec<(u16, u16)> = (0..self.columns.len()).map(|i| self.wants(i)).collect();
        let mut shown: Vec<usize> = (0..self.columns.len()).collect();
        let need = |shown: &[usize]| -> u32 {
            let cols: u32 = shown
                .iter()
                .map(|&i| u32::from(wants.get(i).map_or(0, |w| w.0)))
                .sum();
            cols + u32::from(SPACING) * shown.len().saturating_sub(1) as u32
        };
        while need(&shown) > u32::from(width) {
            // The droppable column of the highest priority, the rightmost of equals.
            let victim = shown
                .iter()
                .enumerate()
                .filter_map(|(pos, &i)| self.columns.get(i).map(|c| (c.drop, pos)))
                .filter(|(drop, _)| *drop > 0)
                .max();
            match victim {
                Some((_, pos)) => {
                    shown.remove(pos);
                }
                None => break,
            }
        }
        let mut widths: Vec<u16> = shown
            .iter()
            .map(|&i| wants.get(i).map_or(0, |w| w.0))
            .collect();
        let mut left = i64::from(width) - i64::from(need(&shown).min(u32::from(u16::MAX)));
        // Names grow first, in order, up to what they want; text takes the rest.
        for (w, &i) in widths.iter_mut().zip(&shown) {
            if let Some(Fit::Name { .. }) = self.columns.get(i).map(|c| c.fit) {
                let grow = i64::from(wants.get(i).map_or(0, |w| w.1).saturating_sub(*w));
                let g = grow.min(left.max(0));
                *w += g as u16;
                left -= g;
            }
        }
        for (w, &i) in widths.iter_mut().zip(&shown) {
            if let Some(Fit::Text { .. }) = self.columns.get(i).map(|c| c.fit) {
                let g = left.max(0);
                *w = w.saturating_add(u16::try_from(g).unwrap_or(u16::MAX));
                left -= g;
            }
        }
        // Still too wide (only columns that never leave): names give up their width.
        for (w, &i) in widths.iter_mut().zip(&shown) {
            if left >= 0 {
                break;
            }
            if let Some(Fit::Name { .. } | Fit::Text { .. }) = self.columns.get(i).map(|c| c.fit) {
                let give = (-left).min(i64::from(w.saturating_sub(1)));
                *w -= give as u16;
                left += give;
            }
        }
        let mut x = 0u16;
        shown
            .iter()
            .zip(widths)
            .map(|(&column, width)| {
                let p = Placed { column, x, width };
                x = x.saturating_add(width).saturating_add(SPACING);
                p
            })
            .collect()
    }
}

/// The first row shown when `selected` must be in view of `height` rows.
pub fn offset(selected: Option<usize>, height: u16) -> usize {
    selected.map_or(0, |s| (s + 1).saturating_sub(usize::from(height)))
}

/// The row drawn at line `y` of a table in `area` holding `rows` rows, if any.
pub fn row_at(area: Rect, rows: usize, selected: Option<usize>, y: u16) -> Option<usize> {
    let body = area.height.saturating_sub(1);
    let first = area.y.saturating_add(1);
    if y < first || y >= first.saturating_add(body) {
        return None;
    }
    let i = offset(selected, body) + usize::from(y - first);
    (i < rows).then_some(i)
}

fn is_right(fit: Fit) -> bool {
    fit == Fit::Number
}

/// Draws `line` in `width` cells at (x, y): right-aligned or left, cut with `…` when `mark`.
fn cell(buf: &mut Buffer, x: u16, y: u16, width: u16, line: &Line, right: bool, mark: bool) {
    if width == 0 {
        return;
    }
    let w = u16::try_from(line.width()).unwrap_or(u16::MAX);
    if w <= width {
        let x = if right { x + width - w } else { x };
        buf.set_line(x, y, line, w);
    } else if mark {
        buf.set_line(x, y, line, width - 1);
        buf.set_string(x + width - 1, y, "…", line.style);
    } else {
        buf.set_line(x, y, line, width);
    }
}

impl Widget for Table<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let placed = self.layout(area.width);
        let clip = |p: &Placed| {
            let x = area.x.saturating_add(p.x);
            let right_edge = area.right();
            (x, p.width.min(right_edge.saturating_sub(x)))
        };
        buf.set_style(Rect { height: 1, ..area }, self.header_style);
        for p in &placed {
            let Some(c) = self.columns.get(p.column) else {
                continue;
            };
            let (x, w) = clip(p);
            let title = Line::from(c.title.as_ref());
            cell(buf, x, area.y, w, &title, is_right(c.fit), false);
        }
        let body = area.height - 1;
        let first = offset(self.selected, body);
        for (n, (i, row)) in self
            .rows
            .iter()
            .enumerate()
            .skip(first)
            .take(usize::from(body))
            .enumerate()
        {
            let y = area.y + 1 + n as u16;
            let line = Rect {
                y,
                height: 1,
                ..area
            };
            buf.set_style(line, row.style);
            for p in &placed {
                let (Some(c), Some(text)) = (self.columns.get(p.column), row.cells.get(p.column))
                else {
                    continue;
                };
                let (x, w) = clip(p);
                let name = matches!(c.fit, Fit::Name { .. });
                cell(buf, x, y, w, text, is_right(c.fit), name);
            }
            if self.selected == Some(i) {
                buf.set_style(line, self.highlight);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::style::Modifier;

    fn limits<'a>() -> Table<'a> {
        let row = |name: &'a str, used: &'a str, trend: &'a str| {
            Row::new(vec![Line::from(name), Line::from(used), Line::from(trend)])
        };
        Table::new(
            vec![
                Column::name("limit", 6, 30),
                Column::number("used", 1),
                Column::number("trend", 2),
            ],
            vec![
                row("fds memcached[1076]", "1.2M", "+108.8MiB/m"),
                row("numproc", "24", "="),
            ],
        )
    }

    fn draw(t: Table, w: u16, h: u16) -> Buffer {
        let mut buf = Buffer::empty(Rect::new(0, 0, w, h));
        t.render(buf.area, &mut buf);
        buf
    }

    #[test]
    fn numbers_keep_their_sign_and_names_take_the_rest() {
        let buf = draw(limits(), 40, 3);
        let expected = Buffer::with_lines([
            "limit               used       trend    ",
            "fds memcached[1076] 1.2M +108.8MiB/m    ",
            "numproc               24           =    ",
        ]);
        assert_eq!(buf, expected);
    }

    #[test]
    fn a_narrow_table_drops_columns_before_cutting_numbers() {
        // 6 + 1 + 4 + 1 + 11 does not fit in 22: trend (drop 2) goes whole, then the name
        // takes what is left.
        let buf = draw(limits(), 22, 3);
        let expected = Buffer::with_lines([
            "limit             used",
            "fds memcached[10… 1.2M",
            "numproc             24",
        ]);
        assert_eq!(buf, expected);
    }

    #[test]
    fn a_name_is_cut_with_a_mark_only_when_nothing_else_can_go() {
        let buf = draw(limits(), 8, 3);
        let expected = Buffer::with_lines(["limit   ", "fds mem…", "numproc "]);
        assert_eq!(buf, expected);
    }

    #[test]
    fn a_wide_table_keeps_numbers_next_to_the_names() {
        let t = Table::new(
            vec![
                Column::name("remote", 6, 24),
                Column::number("total", 1),
                Column::text("hint", 4, 2),
            ],
            vec![Row::new(vec![
                Line::from("10.0.0.7:11211"),
                Line::from("1300"),
                Line::from("raise it"),
            ])],
        );
        let buf = draw(t, 40, 2);
        let expected = Buffer::with_lines([
            "remote         total hint               ",
            "10.0.0.7:11211  1300 raise it           ",
        ]);
        assert_eq!(buf, expected);
    }

    #[test]
    fn the_selection_scrolls_into_view_and_clicks_find_the_row() {
        let rows: Vec<Row> = (0..10)
            .map(|i| {
                Row::new(vec![
                    Line::from(format!("row{i}")),
                    Line::from(i.to_string()),
                ])
            })
            .collect();
        let t = Table::new(
            vec![Column::name("name", 4, 10), Column::number("n", 1)],
            rows,
        )
        .header_style(Style::new().add_modifier(Modifier::BOLD))
        .select(Some(6), Style::new().reversed());
        let buf = draw(t, 8, 4);
        let mut expected = Buffer::with_lines(["name n  ", "row4 4  ", "row5 5  ", "row6 6  "]);
        expected.set_style(
            Rect::new(0, 0, 8, 1),
            Style::new().add_modifier(Modifier::BOLD),
        );
        expected.set_style(Rect::new(0, 3, 8, 1), Style::new().reversed());
        assert_eq!(buf, expected);
        let area = Rect::new(0, 0, 8, 4);
        assert_eq!(row_at(area, 10, Some(6), 0), None, "the header");
        assert_eq!(row_at(area, 10, Some(6), 1), Some(4));
        assert_eq!(row_at(area, 10, Some(6), 3), Some(6));
        assert_eq!(row_at(area, 10, Some(6), 4), None);
        assert_eq!(row_at(area, 2, None, 3), None, "below the last row");
    }
}
