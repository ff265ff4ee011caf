//! OpenVZ/Virtuozzo resource beancounters: `/proc/user_beancounters` ("Version: 2.5").
//!
//! Columns: uid (first row of a block only, followed by ':'), resource, held, maxheld, barrier,
//! limit, failcnt. "dummy" rows are placeholders. See vzubc(8) and the OpenVZ wiki's
//! "Proc/user_beancounters".

use crate::collect::{ParseError, Roots, read_parsed};
use crate::model::{Beancounters, Reading, UbcBlock, UbcResource};

/// Parses the whole file. A malformed row is skipped and noted; only a file that is not a
/// beancounter table at all is an error.
pub fn parse(text: &str) -> Result<Beancounters, ParseError> {
    let mut out = Beancounters::default();
    let mut saw_header = false;
    for (idx, line) in text.lines().enumerate() {
        let n = idx + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with("Version:") {
            saw_header |= trimmed.starts_with("Version:");
            continue;
        }
        if trimmed.starts_with("uid") {
            saw_header = true;
            continue;
        }
        match parse_row(n, trimmed) {
            Ok((uid, res)) => push_row(&mut out, uid, res, n),
            Err(e) => out.malformed.push(e.to_string()),
        }
    }
    if !saw_header && out.blocks.is_empty() {
        return Err(ParseError::new(
            0,
            "header",
            "no \"Version:\" or uid header",
        ));
    }
    Ok(out)
}

fn push_row(out: &mut Beancounters, uid: Option<u64>, res: UbcResource, line: usize) {
    if let Some(uid) = uid {
        out.blocks.push(UbcBlock {
            uid,
            resources: Vec::new(),
        });
    }
    if res.name == "dummy" {
        return;
    }
    match out.blocks.last_mut() {
        Some(block) => block.resources.push(res),
        None => out
            .malformed
            .push(ParseError::new(line, &res.name, "row before any uid").to_string()),
    }
}

/// One row: an optional "uid:" then the resource and five numbers.
fn parse_row(n: usize, line: &str) -> Result<(Option<u64>, UbcResource), ParseError> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let uid = match words.first() {
        Some(w) if w.ends_with(':') => {
            let id = w.trim_end_matches(':');
            let uid = id
                .parse::<u64>()
                .map_err(|_| ParseError::new(n, "uid", format!("{id:?} is not a uid")))?;
            words.remove(0);
            Some(uid)
        }
        _ => None,
    };
    let [name, held, maxheld, barrier, limit, failcnt] = words[..] else {
        return Err(ParseError::new(
            n,
            words.first().copied().unwrap_or("row"),
            format!(
                "expected a resource and 5 numbers, found {} fields",
                words.len()
            ),
        ));
    };
    let num = |item: &str, v: &str| {
        v.parse::<u64>().map_err(|_| {
            ParseError::new(
                n,
                format!("{name}.{item}"),
                format!("{v:?} is not a number"),
            )
        })
    };
    Ok((
        uid,
        UbcResource {
            name: name.to_string(),
            held: num("held", held)?,
            maxheld: num("maxheld", maxheld)?,
            barrier: num("barrier", barrier)?,
            limit: num("limit", limit)?,
            failcnt: num("failcnt", failcnt)?,
        },
    ))
}

pub fn read(roots: &Roots) -> Reading<Beancounters> {
    read_parsed(&roots.proc_path("user_beancounters"), parse)
}

/// LONG_MAX on 64-bit kernels and on 32-bit ones: the value means "no limit".
pub fn is_unlimited(v: u64) -> bool {
    v >= i64::MAX as u64 || v == i32::MAX as u64
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const CONTAINER: &str =
        include_str!("../../tests/fixtures/openvz-container/proc/user_beancounters");
    const HOSTNODE: &str =
        include_str!("../../tests/fixtures/openvz-hostnode/proc/user_beancounters");

    #[test]
    fn container_block_without_dummies() {
        let b = parse(CONTAINER).unwrap();
        assert_eq!(b.blocks.len(), 1);
        assert_eq!(b.blocks[0].uid, 101);
        assert!(b.malformed.is_empty());
        assert!(b.blocks[0].resources.iter().all(|r| r.name != "dummy"));
        let sock = b.blocks[0]
            .resources
            .iter()
            .find(|r| r.name == "numothersock")
            .unwrap();
        assert_eq!(
            (
                sock.held,
                sock.maxheld,
                sock.barrier,
                sock.limit,
                sock.failcnt
            ),
            (399, 400, 400, 400, 127)
        );
    }

    #[test]
    fn hostnode_lists_every_uid() {
        let b = parse(HOSTNODE).unwrap();
        let uids: Vec<u64> = b.blocks.iter().map(|b| b.uid).collect();
        assert_eq!(uids, vec![201, 202, 0]);
        assert!(b.blocks.iter().all(|b| b.resources.len() == 20));
    }

    #[test]
    fn truncated_row_is_noted_not_fatal() {
        let cut = &CONTAINER[..CONTAINER.find("numothersock").unwrap() + 30];
        let b = parse(cut).unwrap();
        assert_eq!(b.malformed.len(), 1, "{:?}", b.malformed);
        assert!(b.malformed[0].contains("numothersock"));
        assert!(
            b.blocks[0]
                .resources
                .iter()
                .any(|r| r.name == "dgramrcvbuf")
        );
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse("").is_err());
        assert!(parse("\u{7f}ELF\u{2}\u{1}").is_err());
        let b = parse("Version: 2.5\n  101: numproc 1 2 x 4 5\n").unwrap();
        assert!(b.blocks.is_empty() || b.blocks[0].resources.is_empty());
        assert_eq!(b.malformed.len(), 1);
    }

    #[test]
    fn long_max_is_unlimited() {
        assert!(is_unlimited(9_223_372_036_854_775_807));
        assert!(is_unlimited(2_147_483_647));
        assert!(!is_unlimited(400));
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse(&s);
        }

        #[test]
        fn never_panics_on_table_like_input(s in "(Version: 2.5\n)?([ 0-9a-z:]{0,60}\n){0,20}") {
            let _ = parse(&s);
        }
    }
}
