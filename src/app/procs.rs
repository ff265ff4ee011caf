//! View state of the Processes pane: sort, filter, group mode, the selected process (by pid)
//! or group (by command), and the process drilled into. The rows shown are indices into the
//! derived rows, rebuilt on each update, never while drawing.

mod columns;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

pub use columns::ProcColumn;

use super::action::{Action, Spot, Step};
use super::keymap::{Binding, b};
use super::panes::{Data, Jump, Pane, PaneId, PaneState, Request};
use super::selection::Selection;
use super::state::AppState;
use crate::derive::procs::{ProcGroup, ProcRow, ProcsView};
use crate::ui::procs::ProcsPane;

pub const PANE: Pane = Pane {
    id: PaneId("processes"),
    title: "Processes",
    keys: KEYS,
    rows: true,
    sockets: false,
    new: || Box::new(ProcsState::new()),
};

/// Keys of the Processes pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProcsAction {
    /// Sort by the next column.
    SortNext,
    SortReverse,
    /// Fold processes by command, or unfold.
    Group,
    /// Type a filter on the command or command line.
    Filter,
    /// Open the drill-down on the selected process (a group opens as its processes).
    Open,
}

impl ProcsAction {
    /// The action as the key table binds it.
    pub const fn key(self) -> Action {
        Action::Pane(self as u8)
    }

    fn of(action: Action) -> Option<Self> {
        use ProcsAction::*;
        [SortNext, SortReverse, Group, Filter, Open]
            .into_iter()
            .find(|a| a.key() == action)
    }
}

impl From<ProcsAction> for Action {
    fn from(a: ProcsAction) -> Action {
        a.key()
    }
}

const KEYS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        ProcsAction::SortNext.key(),
        "s",
        "sort by the next column",
    )
    .footer("s/r", "sort"),
    b(
        &[KeyCode::Char('r')],
        ProcsAction::SortReverse.key(),
        "r",
        "reverse the sort",
    ),
    b(
        &[KeyCode::Char('/')],
        ProcsAction::Filter.key(),
        "/",
        "filter by command or command line",
    )
    .footer("/", "filter"),
    b(
        &[KeyCode::Char('g')],
        ProcsAction::Group.key(),
        "g",
        "group by command, or ungroup",
    )
    .footer("g", "group"),
    b(
        &[KeyCode::Enter],
        ProcsAction::Open.key(),
        "Enter",
        "drill down (Esc returns)",
    )
    .footer("Enter", "detail"),
];

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProcsState {
    pub sort: ProcColumn,
    pub descending: bool,
    /// Shown are processes whose command or command line holds this (any case).
    pub filter: String,
    /// The filter prompt is open: keys are text.
    pub prompt: bool,
    /// One row per command instead of per process.
    pub grouped: bool,
    /// Only the processes holding some of this (set from a Limits row).
    pub only: Option<ProcColumn>,
    /// The process whose drill-down is open.
    pub drilled: Option<u32>,
    selected: Selection<u32>,
    group_selected: Selection<String>,
    /// Indices into the derived rows, in the order shown.
    pub order: Vec<usize>,
    /// Indices into the derived groups, in the order shown.
    pub group_order: Vec<usize>,
}

fn matches(filter: &str, comm: &str, cmdline: &str) -> bool {
    filter.is_empty()
        || comm.to_lowercase().contains(filter)
        || cmdline.to_lowercase().contains(filter)
}

impl ProcsState {
    pub fn new() -> Self {
        Self {
            descending: true,
            ..Self::default()
        }
    }

    /// The row of the selected process (or group, in group mode).
    pub fn selected(&self) -> usize {
        if self.grouped {
            self.group_selected.index()
        } else {
            self.selected.index()
        }
    }

    pub fn selected_pid(&self) -> Option<u32> {
        self.selected.key().copied()
    }

    /// The process the collector should read in full: the one drilled into. (Not the one
    /// merely selected: moving the cursor should not cost a reading per key.)
    pub fn wanted_pid(&self) -> Option<u32> {
        self.drilled
    }

    /// Rebuilds the order from the newest rows; the selections stay on their pid and command.
    pub fn refresh(&mut self, view: &ProcsView) {
        let filter = self.filter.to_lowercase();
        let only = self.only;
        let keep =
            |r: &ProcRow| matches(&filter, &r.comm, &r.cmdline) && only.is_none_or(|c| c.holds(r));
        let mut order: Vec<usize> = (0..view.rows.len())
            .filter(|&i| view.rows.get(i).is_some_and(keep))
            .collect();
        let (sort, desc) = (self.sort, self.descending);
        let rows = &view.rows;
        order.sort_by(|&a, &b| match (rows.get(a), rows.get(b)) {
            (Some(x), Some(y)) => {
                let ord = sort.cmp_rows(x, y);
                let ord = if desc { ord.reverse() } else { ord };
                ord.then(x.pid.cmp(&y.pid))
            }
            _ => a.cmp(&b),
        });
        self.order = order;
        let mut groups: Vec<usize> = (0..view.groups.len())
            .filter(|&i| {
                view.groups
                    .get(i)
                    .is_some_and(|g| matches(&filter, &g.comm, ""))
            })
            .collect();
        let all = &view.groups;
        groups.sort_by(|&a, &b| match (all.get(a), all.get(b)) {
            (Some(x), Some(y)) => {
                let ord = sort.cmp_groups(x, y);
                let ord = if desc { ord.reverse() } else { ord };
                ord.then_with(|| x.comm.cmp(&y.comm))
            }
            _ => a.cmp(&b),
        });
        self.group_order = groups;
        self.selected.follow(self.pids(view));
        self.group_selected.follow(self.comms(view));
    }

    /// The rows shown, in order.
    pub fn rows<'a>(&'a self, view: &'a ProcsView) -> impl Iterator<Item = &'a ProcRow> + 'a {
        self.order.iter().filter_map(|&i| view.rows.get(i))
    }

    /// The groups shown, in order.
    pub fn groups<'a>(&'a self, view: &'a ProcsView) -> impl Iterator<Item = &'a ProcGroup> + 'a {
        self.group_order.iter().filter_map(|&i| view.groups.get(i))
    }

    fn pids(&self, view: &ProcsView) -> Vec<u32> {
        self.rows(view).map(|r| r.pid).collect()
    }

    fn comms(&self, view: &ProcsView) -> Vec<String> {
        self.groups(view).map(|g| g.comm.clone()).collect()
    }

    pub fn next_sort(&mut self) {
        self.sort = self.sort.next();
        self.descending = self.sort.natural_descending();
    }

    /// Shows the processes holding `what`, most first (a Limits row's owners).
    pub fn show_holders(&mut self, what: ProcColumn, grouped: bool) {
        self.sort = what;
        self.descending = true;
        self.only = Some(what);
        self.grouped = grouped;
        self.filter.clear();
        self.drilled = None;
        self.selected = Selection::default();
        self.group_selected = Selection::default();
    }

    /// Keys and mouse; refreshes the order afterwards.
    pub fn apply(&mut self, action: Action, view: &ProcsView) {
        match (ProcsAction::of(action), action) {
            (Some(a), _) => self.procs_key(a, view),
            (None, Action::Back) => self.back(),
            (None, Action::Click(spot)) if self.drilled.is_none() => {
                if let Some(row) = spot.row {
                    self.move_by(|_, _| row, view);
                }
            }
            _ if self.drilled.is_none() => {
                if let Some(step) = Step::of(action) {
                    self.move_by(|i, n| step.apply(i, n), view);
                }
            }
            _ => {}
        }
        self.refresh(view);
    }

    fn procs_key(&mut self, action: ProcsAction, view: &ProcsView) {
        if self.drilled.is_some() && action != ProcsAction::Open {
            return;
        }
        match action {
            ProcsAction::SortNext => self.next_sort(),
            ProcsAction::SortReverse => self.descending = !self.descending,
            ProcsAction::Group => self.grouped = !self.grouped,
            ProcsAction::Filter => self.prompt = true,
            ProcsAction::Open if self.grouped => {
                // A group opens as its processes.
                if let Some(comm) = self.group_selected.key() {
                    self.filter = comm.clone();
                    self.grouped = false;
                    self.selected = Selection::default();
                }
            }
            ProcsAction::Open => {
                self.drilled = match self.drilled {
                    Some(_) => None,
                    None => self.selected_pid(),
                }
            }
        }
        let _ = view;
    }

    /// Esc: out of the drill-down, else the filter and the holders' view go.
    fn back(&mut self) {
        if self.drilled.take().is_some() {
            return;
        }
        self.filter.clear();
        self.only = None;
    }

    fn move_by(&mut self, f: impl Fn(usize, usize) -> usize, view: &ProcsView) {
        if self.grouped {
            let comms = self.comms(view);
            self.group_selected.move_by(f, comms);
        } else {
            let pids = self.pids(view);
            self.selected.move_by(f, pids);
        }
    }

    /// A key while the filter prompt is open: text, Backspace, Enter (keep) or Esc (clear);
    /// false when the prompt is closed or the key is Ctrl-C (which still quits).
    pub fn typing(&mut self, key: KeyEvent) -> bool {
        if !self.prompt {
            return false;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return false;
        }
        match key.code {
            KeyCode::Char(c) => self.filter.push(c),
            KeyCode::Backspace => {
                self.filter.pop();
            }
            KeyCode::Enter => self.prompt = false,
            KeyCode::Esc => {
                self.prompt = false;
                self.filter.clear();
            }
            _ => {}
        }
        true
    }
}

impl PaneState for ProcsState {
    fn refresh(&mut self, data: &Data) {
        ProcsState::refresh(self, &data.derived.procs);
    }

    fn apply(&mut self, action: Action, data: &Data) -> Option<Jump> {
        ProcsState::apply(self, action, &data.derived.procs);
        None
    }

    fn typing(&mut self, key: KeyEvent, data: &Data) -> bool {
        let typed = ProcsState::typing(self, key);
        if typed {
            ProcsState::refresh(self, &data.derived.procs);
        }
        typed
    }

    /// The holders of a limit, most first.
    fn receive(&mut self, request: &Request, data: &Data) -> bool {
        let Request::HoldersOf(id) = request else {
            return false;
        };
        let Some((what, grouped)) = holders_of(id) else {
            return false;
        };
        self.show_holders(what, grouped);
        ProcsState::refresh(self, &data.derived.procs);
        true
    }

    fn render(&self, app: &AppState, area: Rect, buf: &mut Buffer) {
        ProcsPane::new(self, app).render(area, buf);
    }

    fn spot(&self, app: &AppState, area: Rect, at: Position) -> Option<Spot> {
        ProcsPane::new(self, app).spot(area, at)
    }

    fn wanted_process(&self) -> Option<u32> {
        self.wanted_pid()
    }
}

/// What of a process a limit counts, as a column to sort and filter by, and whether the
/// processes are best folded by command (a fork storm is many small processes).
pub fn holders_of(limit_id: &str) -> Option<(ProcColumn, bool)> {
    let ubc = limit_id.starts_with("ubc.");
    match limit_id {
        "kernel.tasks" | "cgroup.pids" => Some((ProcColumn::Threads, true)),
        _ if ubc && limit_id.ends_with(".numproc") => Some((ProcColumn::Threads, true)),
        "fs.files" => Some((ProcColumn::Fds, false)),
        _ if limit_id.starts_with("proc.nofile") => Some((ProcColumn::Fds, false)),
        _ if ubc && limit_id.ends_with(".numfile") => Some((ProcColumn::Fds, false)),
        _ if ubc && limit_id.ends_with("sock") => Some((ProcColumn::Sockets, true)),
        _ if limit_id.starts_with("net.tcp") => Some((ProcColumn::Sockets, false)),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn row(pid: u32, comm: &str, fds: u64, threads: u64, sockets: u64) -> ProcRow {
        ProcRow {
            pid,
            ppid: 1,
            comm: comm.into(),
            cmdline: format!("/usr/bin/{comm} --serve").into(),
            user: "root".into(),
            state: 'S',
            threads,
            fds: Some(fds),
            fd_limit: Some(1024),
            sockets: Some(sockets),
            tcp: Some(sockets),
            udp: Some(0),
            unix: Some(0),
            rss_bytes: Some(1 << 20),
            fd_growth_per_min: None,
            rss_growth_per_min: None,
            read_bytes_per_s: None,
            write_bytes_per_s: None,
            cgroup: None,
            unit: None,
            leak: None,
        }
    }

    fn view() -> ProcsView {
        ProcsView {
            rows: vec![
                row(10, "nginx", 500, 4, 300),
                row(20, "java", 90, 200, 0),
                row(30, "bash", 4, 1, 0),
            ]
            .into(),
            ..ProcsView::default()
        }
    }

    fn pids(s: &ProcsState, v: &ProcsView) -> Vec<u32> {
        s.rows(v).map(|r| r.pid).collect()
    }

    #[test]
    fn limits_name_what_their_holders_hold() {
        assert_eq!(
            holders_of("kernel.tasks"),
            Some((ProcColumn::Threads, true))
        );
        assert_eq!(holders_of("cgroup.pids"), Some((ProcColumn::Threads, true)));
        assert_eq!(
            holders_of("ubc.101.numproc"),
            Some((ProcColumn::Threads, true))
        );
        assert_eq!(holders_of("fs.files"), Some((ProcColumn::Fds, false)));
        assert_eq!(holders_of("proc.nofile:42"), Some((ProcColumn::Fds, false)));
        assert_eq!(
            holders_of("ubc.101.numothersock"),
            Some((ProcColumn::Sockets, true))
        );
        assert_eq!(
            holders_of("net.tcp.orphans"),
            Some((ProcColumn::Sockets, false))
        );
        assert_eq!(holders_of("fs.inodes:/"), None);
    }

    #[test]
    fn holders_sort_and_filter_and_esc_clears() {
        let v = view();
        let mut s = ProcsState::new();
        s.refresh(&v);
        assert_eq!(pids(&s, &v), [10, 20, 30]);
        s.show_holders(ProcColumn::Sockets, false);
        s.refresh(&v);
        assert_eq!(pids(&s, &v), [10], "only processes holding sockets");
        s.show_holders(ProcColumn::Threads, false);
        s.refresh(&v);
        assert_eq!(pids(&s, &v), [20, 10, 30]);
        s.apply(Action::Back, &v);
        assert_eq!(s.only, None);
    }

    #[test]
    fn the_selection_follows_its_pid_and_enter_drills_into_it() {
        let mut v = view();
        let mut s = ProcsState::new();
        s.refresh(&v);
        s.apply(Action::Down, &v);
        assert_eq!(s.selected_pid(), Some(20));
        // java opens more files than nginx: it moves to the top, the cursor with it.
        if let Some(r) = std::sync::Arc::make_mut(&mut v.rows).get_mut(1) {
            r.fds = Some(900);
        }
        s.refresh(&v);
        assert_eq!((s.selected(), s.selected_pid()), (0, Some(20)));
        s.apply(Action::from(ProcsAction::Open), &v);
        assert_eq!(s.wanted_pid(), Some(20));
        // Keys that change the table wait until the drill-down is closed.
        s.apply(Action::from(ProcsAction::SortNext), &v);
        assert_eq!(s.sort, ProcColumn::Fds);
        s.apply(Action::Back, &v);
        assert_eq!(s.wanted_pid(), None);
    }

    #[test]
    fn the_filter_matches_command_lines_in_any_case() {
        let v = view();
        let mut s = ProcsState::new();
        s.apply(Action::from(ProcsAction::Filter), &v);
        for c in "SERVE".chars() {
            assert!(s.typing(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)));
        }
        s.refresh(&v);
        assert_eq!(pids(&s, &v), [10, 20, 30]);
        s.typing(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE));
        assert!(!s.prompt && s.filter.is_empty());
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        s.prompt = true;
        assert!(!s.typing(ctrl_c), "Ctrl-C still quits");
    }
}
