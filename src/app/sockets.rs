//! View state of the Sockets pane: which table has the cursor, where it is, how the peers are
//! grouped and sorted, and the peer rows that follow from it (rebuilt on each update, never
//! while drawing).

mod peers;

use std::net::SocketAddr;

use crossterm::event::KeyCode;
use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::widgets::Widget;

use super::action::{Action, Spot, Step};
use super::keymap::{Binding, b};
use super::panes::{Data, Jump, Pane, PaneId, PaneState};
use super::selection::Selection;
use super::state::AppState;
use crate::derive::tcp::TcpView;
use crate::model::tcp::{SocketOwner, StateCounts, TcpTable};
use crate::ui::sockets::SocketsPane;
use peers::fold;
pub use peers::{peer_rows, stray_ephemeral};

pub const PANE: Pane = Pane {
    id: PaneId("sockets"),
    title: "Sockets",
    keys: KEYS,
    rows: true,
    sockets: true,
    new: || Box::new(SocketsState::new()),
};

/// Keys of the Sockets pane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketsAction {
    /// Sort the peers by the next column.
    SortNext,
    SortReverse,
    /// Group peers by ip:port, ip, or port.
    GroupNext,
    /// Switch the arrow keys between peers and listeners.
    Focus,
    /// Show the stray ephemeral peers one row each, or folded into one row.
    EphemeralPeers,
}

impl SocketsAction {
    /// The action as the key table binds it.
    pub const fn key(self) -> Action {
        Action::Pane(self as u8)
    }

    fn of(action: Action) -> Option<Self> {
        use SocketsAction::*;
        [SortNext, SortReverse, GroupNext, Focus, EphemeralPeers]
            .into_iter()
            .find(|a| a.key() == action)
    }
}

impl From<SocketsAction> for Action {
    fn from(a: SocketsAction) -> Action {
        a.key()
    }
}

const KEYS: &[Binding] = &[
    b(
        &[KeyCode::Char('s')],
        SocketsAction::SortNext.key(),
        "s",
        "sort peers by the next column",
    )
    .footer("s/r", "sort"),
    b(
        &[KeyCode::Char('r')],
        SocketsAction::SortReverse.key(),
        "r",
        "reverse the sort",
    ),
    b(
        &[KeyCode::Char('b')],
        SocketsAction::GroupNext.key(),
        "b",
        "group peers by ip:port, ip, port",
    )
    .footer("b", "group"),
    b(
        &[KeyCode::Char('f')],
        SocketsAction::Focus.key(),
        "f",
        "arrows: peers / listeners",
    )
    .footer("f", "focus"),
    b(
        &[KeyCode::Char('e')],
        SocketsAction::EphemeralPeers.key(),
        "e",
        "fold stray ephemeral peers",
    )
    .footer("e", "strays"),
];

/// The pane's tables that take a selection, numbered as the mouse reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Focus {
    #[default]
    Peers = 0,
    Listeners = 1,
}

impl Focus {
    pub fn of_table(table: u8) -> Option<Focus> {
        match table {
            0 => Some(Focus::Peers),
            1 => Some(Focus::Listeners),
            _ => None,
        }
    }
}

/// How peer rows are keyed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupBy {
    /// One row per remote ip:port.
    #[default]
    Addr,
    /// One row per remote address, all ports together.
    Ip,
    /// One row per remote port (service), all addresses together.
    Port,
}

impl GroupBy {
    pub fn next(self) -> Self {
        match self {
            GroupBy::Addr => GroupBy::Ip,
            GroupBy::Ip => GroupBy::Port,
            GroupBy::Port => GroupBy::Addr,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupBy::Addr => "ip:port",
            GroupBy::Ip => "ip",
            GroupBy::Port => "port",
        }
    }

    fn key(self, a: SocketAddr) -> String {
        match self {
            GroupBy::Addr => a.to_string(),
            GroupBy::Ip => a.ip().to_string(),
            GroupBy::Port => format!("*:{}", a.port()),
        }
    }
}

/// The columns of the peer table, each one sortable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum PeerColumn {
    Remote,
    Service,
    Established,
    TimeWait,
    CloseWait,
    Other,
    #[default]
    Total,
    Trend,
    Ephemeral,
}

impl PeerColumn {
    pub const ALL: [PeerColumn; 9] = [
        PeerColumn::Remote,
        PeerColumn::Service,
        PeerColumn::Established,
        PeerColumn::TimeWait,
        PeerColumn::CloseWait,
        PeerColumn::Other,
        PeerColumn::Total,
        PeerColumn::Trend,
        PeerColumn::Ephemeral,
    ];

    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL
            .get((i + 1) % Self::ALL.len())
            .copied()
            .unwrap_or(self)
    }

    pub fn title(self) -> &'static str {
        match self {
            PeerColumn::Remote => "remote",
            PeerColumn::Service => "service",
            PeerColumn::Established => "ESTAB",
            PeerColumn::TimeWait => "TIME_W",
            PeerColumn::CloseWait => "CLOSE_W",
            PeerColumn::Other => "other",
            PeerColumn::Total => "total",
            PeerColumn::Trend => "trend/m",
            PeerColumn::Ephemeral => "eph",
        }
    }

    /// Text columns read best A→Z, numbers biggest first.
    pub fn natural_descending(self) -> bool {
        !matches!(self, PeerColumn::Remote | PeerColumn::Service)
    }
}

/// One line of the peer table: a remote address or a group of them.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerRow {
    pub label: String,
    pub service: Option<String>,
    pub states: StateCounts,
    pub total: u64,
    /// Change in sockets per minute over the last minute; None before two dumps.
    pub trend: Option<f64>,
    pub ephemeral: u64,
    /// Remote addresses in this row.
    pub members: usize,
    pub processes: Vec<SocketOwner>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SocketsState {
    pub focus: Focus,
    pub group: GroupBy,
    pub sort: PeerColumn,
    pub descending: bool,
    /// The selected peer row, by its label (address, ip or port).
    peer: Selection<String>,
    /// The selected listener, by its local address.
    listener: Selection<SocketAddr>,
    /// The peer table as shown, rebuilt by [`SocketsState::refresh`].
    pub rows: Vec<PeerRow>,
    /// The listeners' addresses, in the order shown.
    listeners: Vec<SocketAddr>,
    /// Show stray ephemeral peers one row each instead of folded into one row.
    pub ephemeral_peers_shown: bool,
}

impl SocketsState {
    pub fn new() -> Self {
        Self {
            descending: true,
            ..Self::default()
        }
    }

    /// Rebuilds the rows from the newest dump; the selections stay on their rows.
    pub fn refresh(&mut self, table: Option<&TcpTable>, view: &TcpView) {
        self.rows = table.map_or_else(Vec::new, |t| {
            let (strays, rest) = if self.ephemeral_peers_shown {
                (Vec::new(), None)
            } else {
                stray_ephemeral(&t.peers, t.local_port_range)
            };
            let mut rows = peer_rows(
                rest.as_deref().unwrap_or(&t.peers),
                &view.peer_trends,
                self.group,
                self.sort,
                self.descending,
            );
            rows.extend(fold(&strays));
            rows
        });
        self.listeners =
            table.map_or_else(Vec::new, |t| t.listeners.iter().map(|l| l.local).collect());
        self.peer.follow(self.rows.iter().map(|r| r.label.clone()));
        self.listener.follow(self.listeners.iter().copied());
    }

    pub fn peer_selected(&self) -> usize {
        self.peer.index()
    }

    pub fn listener_selected(&self) -> usize {
        self.listener.index()
    }

    /// Rows in the focused table.
    pub fn focused_len(&self) -> usize {
        match self.focus {
            Focus::Peers => self.rows.len(),
            Focus::Listeners => self.listeners.len(),
        }
    }

    pub fn next_sort(&mut self) {
        self.sort = self.sort.next();
        self.descending = self.sort.natural_descending();
    }

    /// Keys and mouse; the caller refreshes the rows afterwards (a new sort or grouping).
    pub fn apply(&mut self, action: Action) {
        match (SocketsAction::of(action), action) {
            (Some(a), _) => self.sockets_key(a),
            (None, Action::Click(spot)) => {
                if let Some(focus) = Focus::of_table(spot.table) {
                    self.focus = focus;
                    if let Some(row) = spot.row {
                        self.move_focused(|_, _| row);
                    }
                }
            }
            (None, Action::Wheel { table, .. }) => {
                if let (Some(focus), Some(step)) = (Focus::of_table(table), Step::of(action)) {
                    self.focus = focus;
                    self.move_focused(|i, n| step.apply(i, n));
                }
            }
            _ => {
                if let Some(step) = Step::of(action) {
                    self.move_focused(|i, n| step.apply(i, n));
                }
            }
        }
    }

    fn sockets_key(&mut self, action: SocketsAction) {
        match action {
            SocketsAction::SortNext => self.next_sort(),
            SocketsAction::SortReverse => self.descending = !self.descending,
            SocketsAction::GroupNext => {
                self.group = self.group.next();
                // The labels change with the grouping: start from the top.
                self.peer = Selection::default();
            }
            SocketsAction::EphemeralPeers => {
                self.ephemeral_peers_shown = !self.ephemeral_peers_shown;
            }
            SocketsAction::Focus => {
                self.focus = match self.focus {
                    Focus::Peers => Focus::Listeners,
                    Focus::Listeners => Focus::Peers,
                };
            }
        }
    }

    fn move_focused(&mut self, f: impl Fn(usize, usize) -> usize) {
        match self.focus {
            Focus::Peers => self
                .peer
                .move_by(f, self.rows.iter().map(|r| r.label.clone())),
            Focus::Listeners => self.listener.move_by(f, self.listeners.iter().copied()),
        }
    }
}

impl PaneState for SocketsState {
    fn refresh(&mut self, data: &Data) {
        let table = data.snapshot.and_then(|s| s.tcp.table.as_ref().ok());
        SocketsState::refresh(self, table, &data.derived.tcp);
    }

    /// A new sort or grouping rebuilds the rows.
    fn apply(&mut self, action: Action, data: &Data) -> Option<Jump> {
        SocketsState::apply(self, action);
        PaneState::refresh(self, data);
        None
    }

    fn render(&self, app: &AppState, area: Rect, buf: &mut Buffer) {
        SocketsPane::new(self, app).render(area, buf);
    }

    fn spot(&self, app: &AppState, area: Rect, at: Position) -> Option<Spot> {
        SocketsPane::new(self, app).spot(area, at)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::model::tcp::{Peer, TcpState};
    use std::collections::HashMap;

    fn peer(remote: &str, est: u64, tw: u64, pid: u32) -> Peer {
        let mut states = StateCounts::default();
        states.add(TcpState::Established, est);
        states.add(TcpState::TimeWait, tw);
        Peer {
            remote: remote.parse().unwrap(),
            service: None,
            states,
            total: est + tw,
            ephemeral: est + tw,
            processes: vec![SocketOwner {
                pid,
                comm: format!("p{pid}"),
                sockets: est,
            }],
        }
    }

    fn peers() -> Vec<Peer> {
        vec![
            peer("10.0.0.7:11211", 100, 30, 1),
            peer("10.0.0.7:6379", 5, 0, 1),
            peer("10.0.0.8:11211", 50, 0, 2),
            peer("[2001:db8::1]:443", 1, 1, 3),
        ]
    }

    #[test]
    fn groups_by_ip_and_by_port() {
        let t = HashMap::new();
        let by_ip = peer_rows(&peers(), &t, GroupBy::Ip, PeerColumn::Total, true);
        assert_eq!(by_ip.len(), 3);
        assert_eq!(
            (by_ip[0].label.as_str(), by_ip[0].total, by_ip[0].members),
            ("10.0.0.7", 135, 2)
        );
        assert_eq!(by_ip[0].service, None);
        assert_eq!(
            by_ip[0].processes,
            vec![SocketOwner {
                pid: 1,
                comm: "p1".into(),
                sockets: 105
            }]
        );
        assert_eq!(by_ip[2].label, "2001:db8::1");
        let by_port = peer_rows(&peers(), &t, GroupBy::Port, PeerColumn::Total, true);
        assert_eq!(by_port[0].label, "*:11211");
        assert_eq!(by_port[0].service.as_deref(), Some("memcached"));
        assert_eq!(by_port[0].states.get(TcpState::Established), 150);
        assert_eq!(by_port[0].processes.len(), 2);
    }

    #[test]
    fn sorts_by_any_column_both_ways() {
        let mut t = HashMap::new();
        t.insert("10.0.0.8:11211".parse().unwrap(), 12.0);
        t.insert("10.0.0.7:11211".parse().unwrap(), -3.0);
        let p = peers();
        let labels = |rows: Vec<PeerRow>| rows.into_iter().map(|r| r.label).collect::<Vec<_>>();
        assert_eq!(
            labels(peer_rows(&p, &t, GroupBy::Addr, PeerColumn::TimeWait, true))[..2],
            ["10.0.0.7:11211", "[2001:db8::1]:443"].map(String::from)
        );
        assert_eq!(
            labels(peer_rows(&p, &t, GroupBy::Addr, PeerColumn::Trend, true))[0],
            "10.0.0.8:11211"
        );
        assert_eq!(
            labels(peer_rows(&p, &t, GroupBy::Addr, PeerColumn::Total, false))[0],
            "[2001:db8::1]:443"
        );
        assert_eq!(
            labels(peer_rows(&p, &t, GroupBy::Addr, PeerColumn::Remote, false))[0],
            "10.0.0.7:11211"
        );
        let mut col = PeerColumn::Total;
        for _ in 0..PeerColumn::ALL.len() {
            col = col.next();
        }
        assert_eq!(col, PeerColumn::Total, "s cycles through every column");
    }

    #[test]
    fn selection_is_clamped_to_the_rows() {
        let mut s = SocketsState::new();
        s.apply(Action::End);
        s.refresh(None, &TcpView::default());
        assert_eq!((s.peer_selected(), s.listener_selected()), (0, 0));
        assert_eq!(s.focused_len(), 0);
    }

    #[test]
    fn the_selected_peer_stays_selected_when_the_order_changes() {
        let table = TcpTable {
            method: crate::model::tcp::TcpMethod::Procfs,
            fallback: None,
            time_ms: 0,
            took_us: 0,
            states: StateCounts::default(),
            total: 0,
            peers: peers(),
            listeners: Vec::new(),
            local_port_range: None,
            owners: None,
        };
        let mut s = SocketsState::new();
        s.refresh(Some(&table), &TcpView::default());
        s.apply(Action::Down);
        assert_eq!(s.rows[s.peer_selected()].label, "10.0.0.8:11211");
        // The next reading: 10.0.0.8 is now the busiest and sorts first.
        let mut later = table.clone();
        later.peers[2].states.add(TcpState::Established, 500);
        later.peers[2].total += 500;
        s.refresh(Some(&later), &TcpView::default());
        assert_eq!(s.peer_selected(), 0);
        assert_eq!(s.rows[0].label, "10.0.0.8:11211");
        // A click selects by row, and the wheel moves in the table under it.
        s.apply(Action::Click(crate::app::action::Spot {
            table: 0,
            row: Some(3),
        }));
        assert_eq!(s.peer_selected(), 3);
        s.apply(Action::Wheel {
            table: 0,
            down: false,
        });
        assert_eq!(s.peer_selected(), 0);
    }

    #[test]
    fn stray_ephemeral_peers_fold_into_one_row_until_expanded() {
        let mut table = TcpTable {
            peers: vec![peer("10.0.0.7:11211", 40, 2, 7)],
            method: crate::model::tcp::TcpMethod::Procfs,
            fallback: None,
            time_ms: 0,
            took_us: 0,
            states: StateCounts::default(),
            total: 0,
            listeners: Vec::new(),
            local_port_range: Some((32768, 60999)),
            owners: None,
        };
        for port in 40000..40200 {
            table
                .peers
                .push(peer(&format!("192.0.2.1:{port}"), 0, 1, 9));
        }
        // One socket to a low port is not stray.
        table.peers.push(peer("192.0.2.1:5432", 0, 1, 9));
        let mut s = SocketsState::new();
        s.refresh(Some(&table), &TcpView::default());
        let labels: Vec<&str> = s.rows.iter().map(|r| r.label.as_str()).collect();
        assert_eq!(
            labels,
            ["10.0.0.7:11211", "192.0.2.1:5432", "200 ephemeral peers"]
        );
        let folded = &s.rows[2];
        assert_eq!((folded.total, folded.members), (200, 200));
        assert_eq!(folded.states.get(TcpState::TimeWait), 200);
        s.apply(Action::from(SocketsAction::EphemeralPeers));
        s.refresh(Some(&table), &TcpView::default());
        assert_eq!(s.rows.len(), 202);
        // A single stray row is shown as it is.
        let (strays, rest) = stray_ephemeral(&table.peers[..2], table.local_port_range);
        assert!(strays.is_empty());
        assert!(rest.is_none());
    }
}
