//! The unified limits table: every hidden limit of a [`Snapshot`] as one row, whatever its
//! source. Pure: rows come from one snapshot; deltas and trends are added by `derive`.
//!
//! # One file per source
//!
//! Each source of limits is a file in `src/limits/` that exports
//!
//! - `pub fn rows(snap: &Snapshot, out: &mut Vec<Limit>)`: its rows, pushed in display order;
//! - `pub fn notes(snap: &Snapshot, notes: &mut Notes)`: what it says when it is not on this
//!   machine ([`Notes::check`] sorts a [`Reading`] into absent or error), side by side with the
//!   rows so the two never drift apart;
//! - `pub const SOURCE: Source = Source { rows, notes };`
//!
//! and is listed once in [`SOURCES`]. Its hints (what breaks, which knob raises it) go in
//! [`hints`], quoting a message that [`messages`] attaches to it. Nothing else needs to change: `derive`, the Limits pane, `snapshot`, `export` and
//! the findings all read the table.

pub mod beancounters;
pub mod cgroup;
pub mod cgroup_more;
pub mod consumers;
pub mod fs;
pub mod hints;
pub mod kernel;
pub mod messages;
pub mod net;
pub mod netlimits;
pub mod nofile;
pub mod overcommit;
pub mod perproc;
pub mod sysctl;
pub mod tables;

use serde::{Deserialize, Serialize};

use crate::format;
use crate::model::{Reading, Snapshot};
use hints::Hint;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unit {
    Count,
    Bytes,
    /// Pages of the machine's page size (beancounters, tcp_mem); [`Limit::page_size`] says how big.
    Pages,
}

/// One limit at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Limit {
    pub id: String,
    pub group: String,
    pub name: String,
    /// None when the usage cannot be seen (e.g. no listener data).
    pub used: Option<u64>,
    /// None when unlimited.
    pub max: Option<u64>,
    pub unit: Unit,
    /// Bytes per page for [`Unit::Pages`], from the snapshot (0: unknown).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub page_size: u64,
    /// A cumulative failure counter (failcnt, pids.events max, ...), where the source has one.
    pub failures: Option<u64>,
    #[serde(skip)]
    pub hint: Option<Hint>,
    /// Something to know about this row: a peak that reached the barrier, emulated values.
    pub note: Option<String>,
    /// The peak hit the limit at some point (beancounter maxheld ≥ barrier).
    pub peak_hit: bool,
    /// The value carries no information (Virtuozzo emulation).
    pub no_info: bool,
    /// Who uses the most of it, where that can be seen (largest first).
    pub consumers: Vec<Consumer>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

pub use consumers::{Consumer, Parent};

impl Limit {
    pub fn new(
        id: impl Into<String>,
        group: &str,
        name: impl Into<String>,
        unit: Unit,
        hint: Hint,
    ) -> Self {
        Self {
            id: id.into(),
            group: group.to_string(),
            name: name.into(),
            used: None,
            max: None,
            unit,
            page_size: 0,
            failures: None,
            hint: Some(hint),
            note: None,
            peak_hit: false,
            no_info: false,
            consumers: Vec::new(),
        }
    }

    pub fn with(mut self, used: u64, max: Option<u64>) -> Self {
        self.used = Some(used);
        self.max = max;
        self
    }

    pub fn failing(mut self, failures: Option<u64>) -> Self {
        self.failures = failures;
        self
    }

    /// Counts pages of the snapshot's page size.
    pub fn paged(mut self, snap: &Snapshot) -> Self {
        self.unit = Unit::Pages;
        self.page_size = snap.memory.page_size;
        self
    }

    /// Percent of the limit in use.
    pub fn pct(&self) -> Option<f64> {
        match (self.used, self.max) {
            (_, _) if self.no_info => None,
            (Some(u), Some(0)) => Some(if u > 0 { 100.0 } else { 0.0 }),
            (Some(u), Some(m)) => Some(u as f64 * 100.0 / m as f64),
            _ => None,
        }
    }

    /// An amount of this limit in its unit: a count, or a binary size for bytes and pages.
    pub fn quantity(&self, n: u64) -> String {
        match self.unit {
            Unit::Count => format::count(n),
            Unit::Bytes => format::size(n),
            Unit::Pages if self.page_size > 0 => format::pages(n, self.page_size),
            Unit::Pages => format!("{} pages", format::count(n)),
        }
    }
}

/// A source that is not here, or that failed, as the pane and `errors` show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceNote {
    pub source: String,
    pub message: String,
}

/// Sources that are not on this machine (`absent`), and sources present but unreadable or
/// malformed (`errors`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    pub absent: Vec<SourceNote>,
    pub errors: Vec<SourceNote>,
}

impl Notes {
    /// Notes a reading that failed: absent when its file is missing, an error otherwise.
    pub fn check<T>(&mut self, source: &str, r: &Reading<T>) {
        match r {
            Err(e) if e.is_missing() => self.absent(source, e.to_string()),
            Err(e) => self.error(source, e.to_string()),
            Ok(_) => {}
        }
    }

    pub fn absent(&mut self, source: &str, message: String) {
        self.absent.push(SourceNote {
            source: source.to_string(),
            message,
        });
    }

    pub fn error(&mut self, source: &str, message: String) {
        self.errors.push(SourceNote {
            source: source.to_string(),
            message,
        });
    }
}

/// A source of limits: its rows and its notes, side by side.
pub struct Source {
    pub rows: fn(&Snapshot, &mut Vec<Limit>),
    pub notes: fn(&Snapshot, &mut Notes),
}

/// Every source, in the order their rows and notes are listed.
pub const SOURCES: &[Source] = &[
    beancounters::SOURCE,
    cgroup::SOURCE,
    fs::SOURCE,
    kernel::SOURCE,
    net::SOURCE,
    nofile::SOURCE,
    cgroup_more::SOURCE,
    tables::SOURCE,
    netlimits::SOURCE,
    overcommit::SOURCE,
    perproc::SOURCE,
];

/// Every row of the table, unsorted, with the processes that hold the most of each.
pub fn rows(snap: &Snapshot) -> Vec<Limit> {
    rows_with(snap, &mut consumers::Cache::default())
}

/// [`rows`], naming consumers through a cache kept across samples.
pub fn rows_with(snap: &Snapshot, consumers: &mut consumers::Cache) -> Vec<Limit> {
    let mut out = Vec::new();
    for s in SOURCES {
        (s.rows)(snap, &mut out);
    }
    consumers.name(snap, &mut out);
    out
}

/// Sources that are not on this machine, and sources present but unreadable or malformed.
pub fn source_notes(snap: &Snapshot) -> Notes {
    let mut notes = Notes::default();
    for s in SOURCES {
        (s.notes)(snap, &mut notes);
    }
    notes
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::collect::{Collector, Roots};

    fn fixture(name: &str) -> Snapshot {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        Collector::new(Roots::fixture(dir)).sample()
    }

    #[test]
    fn pages_are_counted_in_the_snapshots_page_size() {
        let mut snap = fixture("memcached-clients");
        snap.memory.page_size = 65_536;
        let rows = rows(&snap);
        let mem = rows.iter().find(|r| r.id == net::TCP_MEM).unwrap();
        assert_eq!(mem.unit, Unit::Pages);
        assert_eq!(mem.page_size, 65_536);
        assert_eq!(mem.quantity(2), "128KiB");
        let unknown = Limit {
            page_size: 0,
            ..mem.clone()
        };
        assert_eq!(unknown.quantity(2), "2 pages");
    }

    #[test]
    fn every_source_reports_rows_or_notes() {
        let snap = fixture("memcached-clients");
        for s in SOURCES {
            let (mut out, mut notes) = (Vec::new(), Notes::default());
            (s.rows)(&snap, &mut out);
            (s.notes)(&snap, &mut notes);
            assert!(
                !out.is_empty() || !notes.absent.is_empty() || !notes.errors.is_empty(),
                "a source says nothing: neither rows nor why not"
            );
        }
    }
}
