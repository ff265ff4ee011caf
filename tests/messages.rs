//! The one table of messages against what reads it: every hint quotes a message that `why`
//! attaches to its limit, every limit the table names has a row in some fixture tree (so the
//! hint check reaches it), and the README names every error a program prints.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use headroom::collect::{Collector, Roots};
use headroom::limits::messages::{MESSAGES, Message, Origin, covers};
use headroom::limits::{self, Limit};

/// Every fixture tree with a proc/ directory, and the live machine.
fn every_row() -> BTreeMap<String, Limit> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut trees: Vec<Roots> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("proc").is_dir())
        .map(Roots::fixture)
        .collect();
    trees.push(Roots::default());
    let mut out = BTreeMap::new();
    for roots in trees {
        for row in limits::rows(&Collector::new(roots).sample()) {
            out.entry(row.id.clone()).or_insert(row);
        }
    }
    out
}

fn naming(id: &str) -> Vec<&'static Message> {
    MESSAGES.iter().filter(|m| m.names(id)).collect()
}

#[test]
fn every_hint_quotes_a_message_why_attaches_to_its_limit() {
    let rows = every_row();
    let mut wrong = Vec::new();
    for (id, row) in &rows {
        let messages = naming(id);
        if messages.is_empty() {
            continue;
        }
        let breaks = row.hint.map_or("", |h| h.breaks);
        if !messages.iter().any(|m| m.is_in(breaks)) {
            let texts: Vec<&str> = messages.iter().map(|m| m.text).collect();
            wrong.push(format!("{id}: {breaks:?} quotes none of {texts:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_limit_the_table_names_has_a_row_in_some_fixture() {
    let rows = every_row();
    let mut unseen = Vec::new();
    for m in MESSAGES {
        for p in m.limits {
            if !rows.keys().any(|id| covers(p, id)) && !unseen.contains(p) {
                unseen.push(*p);
            }
        }
    }
    assert!(
        unseen.is_empty(),
        "no fixture has a row for {unseen:?}, so their hints go unchecked"
    );
}

#[test]
fn the_readme_names_every_program_error_and_links_the_table() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    for m in MESSAGES.iter().filter(|m| m.origin == Origin::Program) {
        assert!(readme.contains(m.text), "README lacks {:?}", m.text);
    }
    assert!(readme.contains("docs/messages.md"));
}
