//! Kernel tables: `kernel.pty.nr`/`max` (pty(7)), `fs.aio-nr`/`aio-max-nr` (io_setup(2)), SysV
//! semaphores and message queues (`/proc/sysvipc/sem`, `/proc/sysvipc/msg` against `kernel.sem`
//! and `kernel.msgmni`, proc(5)), keys per user (`/proc/key-users`, keyrings(7)), mounts of our
//! namespace against `fs.mount-max` and `fs.nr_open`. See Documentation/admin-guide/sysctl/.

use crate::collect::mountinfo::MountEntry;
use crate::collect::sysctl_cache::SysctlCache;
use crate::collect::text::{single_u64, u64_field, u64_list};
use crate::collect::{ParseError, Roots, read_parsed};
use crate::model::Reading;
use crate::model::tables::{KernelTables, KeyUser, Semaphores, Used};

/// A /proc/sysvipc table: a header line, then one line per object. Returns the objects and, for
/// semaphores, the sum of the `nsems` column.
pub fn parse_sysvipc(text: &str, sum_column: Option<&str>) -> Result<(u64, u64), ParseError> {
    let mut lines = text.lines();
    let header: Vec<&str> = lines
        .next()
        .ok_or_else(|| ParseError::new(1, "header", "empty"))?
        .split_whitespace()
        .collect();
    if header.first() != Some(&"key") {
        return Err(ParseError::new(1, "header", "does not start with \"key\""));
    }
    let col = sum_column.and_then(|c| header.iter().position(|h| *h == c));
    let (mut objects, mut sum) = (0, 0u64);
    for (i, line) in lines.enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.len() < header.len() {
            continue;
        }
        objects += 1;
        if let Some(w) = col.and_then(|c| words.get(c)) {
            sum = sum.saturating_add(u64_field(i + 2, "nsems", w)?);
        }
    }
    Ok((objects, sum))
}

/// kernel.sem: SEMMSL SEMMNS SEMOPM SEMMNI; returns (SEMMNS, SEMMNI).
pub fn parse_sem_sysctl(text: &str) -> Result<(u64, u64), ParseError> {
    match u64_list(1, "kernel.sem", text.lines().next().unwrap_or(""))?[..] {
        [_, semmns, _, semmni] => Ok((semmns, semmni)),
        _ => Err(ParseError::new(1, "kernel.sem", "expected 4 numbers")),
    }
}

/// /proc/key-users: "uid: usage nkeys/nikeys qnkeys/maxkeys qnbytes/maxbytes".
pub fn parse_key_users(text: &str) -> Result<Vec<KeyUser>, ParseError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let Some((uid, rest)) = line.split_once(':') else {
            continue;
        };
        let words: Vec<&str> = rest.split_whitespace().collect();
        let pair = |idx: usize, item: &str| -> Result<(u64, u64), ParseError> {
            let (a, b) = words
                .get(idx)
                .and_then(|w| w.split_once('/'))
                .ok_or_else(|| ParseError::new(n, item, "missing a/b"))?;
            Ok((u64_field(n, item, a)?, u64_field(n, item, b)?))
        };
        let (keys, maxkeys) = pair(2, "qnkeys/maxkeys")?;
        let (bytes, maxbytes) = pair(3, "qnbytes/maxbytes")?;
        let uid = u32::try_from(u64_field(n, "uid", uid)?)
            .map_err(|_| ParseError::new(n, "uid", "out of range"))?;
        out.push(KeyUser {
            uid,
            keys,
            maxkeys,
            bytes,
            maxbytes,
        });
    }
    Ok(out)
}

fn sysctl(roots: &Roots, name: &str) -> Reading<u64> {
    read_parsed(&roots.proc_path(&format!("sys/{name}")), |t| {
        single_u64(t, name)
    })
}

/// A count read every sample against its limit from the cache.
fn pair(roots: &Roots, limits: &mut SysctlCache, used: &str, max: &str) -> Reading<Used> {
    Ok(Used {
        used: sysctl(roots, used)?,
        max: limits.u64(roots, max)?,
    })
}

fn read_sem(roots: &Roots, limits: &mut SysctlCache) -> Reading<Semaphores> {
    let (semmns, semmni) = limits.parsed(roots, "kernel/sem", parse_sem_sysctl)?;
    let (sets, semaphores) = read_parsed(&roots.proc_path("sysvipc/sem"), |t| {
        parse_sysvipc(t, Some("nsems"))
    })?;
    Ok(Semaphores {
        sets,
        semaphores,
        semmni,
        semmns,
    })
}

fn read_msg(roots: &Roots, limits: &mut SysctlCache) -> Reading<Used> {
    let max = limits.u64(roots, "kernel/msgmni")?;
    let (used, _) = read_parsed(&roots.proc_path("sysvipc/msg"), |t| parse_sysvipc(t, None))?;
    Ok(Used { used, max })
}

/// Every table; `mountinfo` is the sample's own reading of our mount table, `limits` holds the
/// sysctls that bound them.
pub fn read(
    roots: &Roots,
    mountinfo: &Reading<Vec<MountEntry>>,
    limits: &mut SysctlCache,
) -> KernelTables {
    let mounts = mountinfo.as_ref().map_err(Clone::clone).and_then(|m| {
        Ok(Used {
            used: m.len() as u64,
            max: limits.u64(roots, "fs/mount-max")?,
        })
    });
    KernelTables {
        pty: pair(roots, limits, "kernel/pty/nr", "kernel/pty/max"),
        aio: pair(roots, limits, "fs/aio-nr", "fs/aio-max-nr"),
        sem: read_sem(roots, limits),
        msg: read_msg(roots, limits),
        keys: read_parsed(&roots.proc_path("key-users"), parse_key_users),
        mounts,
        nr_open: limits.u64(roots, "fs/nr_open"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const SEM: &str = "       key      semid perms      nsems   uid   gid  cuid  cgid      otime      ctime\n\
                0     32768   600          17    26    26    26    26          0 1700000000\n\
                0     32769   600          17    26    26    26    26          0 1700000000\n";

    #[test]
    fn sysvipc_tables() {
        assert_eq!(parse_sysvipc(SEM, Some("nsems")), Ok((2, 34)));
        let msg = "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid  cuid  cgid      stime      rtime      ctime\n";
        assert_eq!(parse_sysvipc(msg, None), Ok((0, 0)));
        assert!(parse_sysvipc("", None).is_err());
        assert!(parse_sysvipc("garbage\n1 2 3", None).is_err());
        assert_eq!(
            parse_sem_sysctl("32000\t1024000000\t500\t32000\n"),
            Ok((1_024_000_000, 32000))
        );
        assert!(parse_sem_sysctl("1 2 3").is_err());
    }

    #[test]
    fn key_users() {
        let k = parse_key_users(
            "    0:     9 8/8 3/1000000 40/25000000\n 1000:     2 2/2 2/200 30/20000\n",
        )
        .unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(
            (k[1].uid, k[1].keys, k[1].maxkeys, k[1].maxbytes),
            (1000, 2, 200, 20000)
        );
        assert!(parse_key_users("0: 9 8/8 x/1 1/1").is_err());
        assert_eq!(parse_key_users(""), Ok(vec![]));
    }

    #[test]
    fn live_tables_read() {
        let t = read(
            &Roots::default(),
            &crate::collect::mountinfo::read(&Roots::default()),
            &mut SysctlCache::default(),
        );
        assert!(t.nr_open.unwrap() >= 1024);
        assert!(t.mounts.unwrap().used > 0);
    }

    proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse_sysvipc(&s, Some("nsems"));
            let _ = parse_sem_sysctl(&s);
            let _ = parse_key_users(&s);
        }
    }
}
