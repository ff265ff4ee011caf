//! The scanner on a real tree: a runaway cache of 50,000 files in hashed subdirectories, a
//! decoy of three 40 MB files, a symlink loop, a hard link and an unreadable directory.
//! Counts are checked against an independent std::fs walk (and `find -xdev` on /dev).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use headroom::scan::{self, Progress, ScanError, ScanEvent, ScanOptions, SortKey};

const CACHE_FILES: usize = 50_000;
const LOCKED_FILES: usize = 5;

struct Fixture {
    _dir: tempfile::TempDir,
    root: PathBuf,
    locked: PathBuf,
}

fn hash(i: usize) -> u32 {
    let mut x = (i as u32).wrapping_mul(0x9e37_79b9);
    x ^= x >> 15;
    x.wrapping_mul(0x85eb_ca6b)
}

/// A tmpfs when one with room is at hand (creating 50,000 files there is much faster),
/// else /tmp.
fn scratch() -> &'static str {
    let roomy = rustix::fs::statvfs("/dev/shm")
        .is_ok_and(|s| s.f_bavail.saturating_mul(s.f_frsize) > 1 << 30);
    if roomy { "/dev/shm" } else { "/tmp" }
}

/// Builds the tree. The temp dir is made traversable by everyone, so an unprivileged user can
/// scan it.
fn build() -> Fixture {
    let dir = tempfile::Builder::new()
        .prefix("headroom-scan-")
        .tempdir_in(scratch())
        .unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let root = dir.path().join("tree");
    fs::create_dir(&root).unwrap();

    // The runaway cache: cache/<h>/<hh>/<hash>.
    let cache = root.join("var/cache/plugin");
    let mut made = HashSet::new();
    for i in 0..CACHE_FILES {
        let h = hash(i);
        let sub = cache.join(format!("{:x}/{:02x}", h >> 28, (h >> 20) & 0xff));
        if made.insert(sub.clone()) {
            fs::create_dir_all(&sub).unwrap();
        }
        fs::File::create(sub.join(format!("{h:08x}-{i}"))).unwrap();
    }

    // The decoy: few files, much data (not sparse), and a hard link to one of them.
    let decoy = root.join("srv/backups");
    fs::create_dir_all(&decoy).unwrap();
    let chunk: Vec<u8> = (0..1024 * 1024).map(|i| (i * 7 + 13) as u8).collect();
    for n in 0..3 {
        let mut f = fs::File::create(decoy.join(format!("dump-{n}.tar"))).unwrap();
        for _ in 0..40 {
            f.write_all(&chunk).unwrap();
        }
    }
    fs::hard_link(decoy.join("dump-0.tar"), decoy.join("dump-0.link")).unwrap();

    // A symlink loop and a dangling link.
    let links = root.join("home/user/loop");
    fs::create_dir_all(links.join("a")).unwrap();
    symlink("..", links.join("a/up")).unwrap();
    symlink(&root, links.join("root")).unwrap();
    symlink("/nonexistent/x", links.join("dangling")).unwrap();

    // A few ordinary files and directories.
    for d in ["etc", "usr/share/doc", "usr/lib"] {
        fs::create_dir_all(root.join(d)).unwrap();
        for n in 0..7 {
            fs::write(root.join(d).join(format!("f{n}")), b"x").unwrap();
        }
    }

    // The unreadable directory, with entries nobody but root sees.
    let locked = root.join("home/secret");
    fs::create_dir_all(locked.join("inner")).unwrap();
    for n in 0..LOCKED_FILES {
        fs::write(locked.join(format!("s{n}")), b"secret").unwrap();
    }
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();

    Fixture {
        _dir: dir,
        root,
        locked,
    }
}

/// Independent count: entries (as `find -xdev` counts them, the directory itself included)
/// and `du` bytes of every directory, walking with std::fs, never following symlinks and
/// treating `opaque` as unreadable.
struct Independent {
    entries: HashMap<PathBuf, u64>,
    bytes: HashMap<PathBuf, u64>,
}

fn independent(root: &Path, opaque: &Path) -> Independent {
    fn walk(
        dir: &Path,
        opaque: &Path,
        seen: &mut HashSet<(u64, u64)>,
        out: &mut Independent,
    ) -> (u64, u64) {
        let meta = fs::symlink_metadata(dir).unwrap();
        let (mut entries, mut bytes) = (1, meta.blocks() * 512);
        if dir != opaque {
            for e in fs::read_dir(dir).unwrap() {
                let e = e.unwrap();
                let m = fs::symlink_metadata(e.path()).unwrap();
                if m.is_dir() {
                    let (n, b) = walk(&e.path(), opaque, seen, out);
                    entries += n;
                    bytes += b;
                } else {
                    entries += 1;
                    if m.nlink() < 2 || seen.insert((m.dev(), m.ino())) {
                        bytes += m.blocks() * 512;
                    }
                }
            }
        }
        out.entries.insert(dir.to_path_buf(), entries);
        out.bytes.insert(dir.to_path_buf(), bytes);
        (entries, bytes)
    }
    let mut out = Independent {
        entries: HashMap::new(),
        bytes: HashMap::new(),
    };
    walk(root, opaque, &mut HashSet::new(), &mut out);
    out
}

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// Runs `headroom scan` on the tree as an unprivileged user, so the locked directory is
/// really unreadable: as nobody through setpriv when we are root, else as ourselves.
fn scan_json(fx: &Fixture, bytes: bool) -> serde_json::Value {
    let built = PathBuf::from(env!("CARGO_BIN_EXE_headroom"));
    let root = fx.root.canonicalize().unwrap();
    let mut args: Vec<String> = vec![
        "scan".into(),
        root.display().to_string(),
        "--json".into(),
        "--top".into(),
        "100000".into(),
    ];
    if bytes {
        args.push("--bytes".into());
    }
    let output = if is_root() {
        // The build directory need not be reachable by nobody: run a copy beside the tree.
        let bin = fx.root.parent().unwrap().join("headroom");
        if !bin.exists() {
            fs::copy(&built, &bin).unwrap();
            fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
        }
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&bin)
            .args(&args)
            .output()
            .expect("setpriv (util-linux) is needed to scan as an unprivileged user when root")
    } else {
        Command::new(&built).args(&args).output().unwrap()
    };
    // The locked directory is not read: the count is incomplete, and the exit status says so.
    assert_eq!(
        output.status.code(),
        Some(3),
        "headroom scan: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["complete"], false);
    report
}

fn dirs_by_path(report: &serde_json::Value) -> HashMap<PathBuf, &serde_json::Value> {
    report["dirs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (PathBuf::from(d["path"].as_str().unwrap()), d))
        .collect()
}

#[test]
fn counts_match_an_independent_walk_and_the_cache_ranks_first() {
    let fx = build();
    let root = fx.root.canonicalize().unwrap();
    let locked = root.join("home/secret");
    let truth = independent(&root, &locked);

    let report = scan_json(&fx, true);
    assert_eq!(report["root"], root.display().to_string());
    assert_eq!(report["total_entries"], truth.entries[&root]);
    assert_eq!(report["errors"]["permission_denied"], 1);
    assert_eq!(report["errors"]["other"], 0);

    let dirs = dirs_by_path(&report);
    assert_eq!(dirs.len(), truth.entries.len(), "every directory is listed");
    for (path, entries) in &truth.entries {
        let d = dirs.get(path).unwrap_or_else(|| panic!("{path:?} missing"));
        assert_eq!(d["entries"], *entries, "entries of {path:?}");
        assert_eq!(d["bytes"], truth.bytes[path], "bytes of {path:?}");
        let own = fs::read_dir(path).map(|r| r.count() as u64).unwrap_or(0);
        if path != &locked {
            assert_eq!(d["own_entries"], own, "own entries of {path:?}");
        }
    }
    // The unreadable directory counts as one entry, its contents not at all.
    assert_eq!(dirs[&locked]["entries"], 1);
    assert_eq!(dirs[&locked]["own_entries"], 0);
    // 50,000 files + their hashed directories, and the cache's own entry.
    let cache = root.join("var/cache/plugin");
    assert!(dirs[&cache]["entries"].as_u64().unwrap() > CACHE_FILES as u64);

    // Ranking: the root first, then the path down to the cache by entries.
    let list = report["dirs"].as_array().unwrap();
    let paths: Vec<&str> = list.iter().map(|d| d["path"].as_str().unwrap()).collect();
    let first_below_root = |key: &str| {
        let mut sorted: Vec<&serde_json::Value> = list
            .iter()
            .filter(|d| d["path"] != report["root"])
            .collect();
        sorted.sort_by_key(|d| std::cmp::Reverse(d[key].as_u64().unwrap()));
        PathBuf::from(sorted[0]["path"].as_str().unwrap())
    };
    assert_eq!(paths[0], root.display().to_string());
    assert_eq!(PathBuf::from(paths[1]), root.join("var"));
    assert_eq!(first_below_root("entries"), root.join("var"));
    // By bytes the decoy's branch leads: 120 MB in 4 entries.
    assert_eq!(first_below_root("bytes"), root.join("srv"));
    let backups = root.join("srv/backups");
    assert!(dirs[&backups]["bytes"].as_u64().unwrap() >= 3 * 40 * 1024 * 1024);
    assert!(
        dirs[&backups]["bytes"].as_u64().unwrap() < 4 * 40 * 1024 * 1024,
        "the hard link is counted once"
    );
    let entries: Vec<u64> = list
        .iter()
        .map(|d| d["entries"].as_u64().unwrap())
        .collect();
    assert!(
        entries.windows(2).all(|w| w[0] >= w[1]),
        "sorted by entries"
    );

    // Without --bytes, bytes are null and counts are the same.
    let plain = scan_json(&fx, false);
    assert_eq!(plain["total_entries"], report["total_entries"]);
    assert!(plain["dirs"][0]["bytes"].is_null());

    // Library API on the same tree: the top by entries and by bytes.
    fs::set_permissions(&fx.locked, fs::Permissions::from_mode(0o755)).unwrap();
    let result = scan::scan(
        &ScanOptions::new(&root).with_bytes(true),
        &Progress::new().into(),
    )
    .unwrap();
    let by_entries: Vec<PathBuf> = result
        .tree
        .top(SortKey::Entries, 4)
        .into_iter()
        .map(|i| result.path(i))
        .collect();
    assert_eq!(
        by_entries,
        vec![
            root.clone(),
            root.join("var"),
            root.join("var/cache"),
            cache
        ]
    );
    let by_bytes: Vec<PathBuf> = result
        .tree
        .top(SortKey::Bytes, 3)
        .into_iter()
        .map(|i| result.path(i))
        .collect();
    assert_eq!(by_bytes, vec![root.clone(), root.join("srv"), backups]);
    // Readable now: its contents count.
    assert_eq!(result.errors.total(), 0);
    let locked_index = result
        .tree
        .child_named(
            result
                .tree
                .child_named(0, std::ffi::OsStr::new("home"))
                .unwrap(),
            std::ffi::OsStr::new("secret"),
        )
        .unwrap();
    assert_eq!(
        result.tree.get(locked_index).unwrap().entries,
        LOCKED_FILES as u64 + 2
    );
}

#[test]
fn rescan_shows_growth_and_progress_arrives_on_the_channel() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for d in ["a/x", "b"] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    for n in 0..10 {
        fs::write(root.join("b").join(n.to_string()), b"").unwrap();
    }
    let first = scan::scan(&ScanOptions::new(&root), &Progress::new().into()).unwrap();
    assert_eq!(first.total_entries(), 1 + 3 + 10);

    std::thread::sleep(Duration::from_millis(20));
    for n in 0..300 {
        fs::write(root.join("a/x").join(n.to_string()), b"").unwrap();
    }
    fs::remove_dir_all(root.join("b")).unwrap();
    fs::create_dir(root.join("c")).unwrap();

    let (_handle, events) = scan::start(ScanOptions::new(&root)).unwrap();
    let second = loop {
        match events.recv_timeout(Duration::from_secs(30)).unwrap() {
            ScanEvent::Progress(p) => assert!(p.entries <= 1 + 3 + 300),
            ScanEvent::Done(r) => break r.unwrap(),
        }
    };
    let diff = scan::diff(&first, &second).unwrap();
    let ax = second
        .tree
        .child_named(
            second
                .tree
                .child_named(0, std::ffi::OsStr::new("a"))
                .unwrap(),
            std::ffi::OsStr::new("x"),
        )
        .unwrap();
    let change = diff.get(ax).unwrap();
    assert_eq!(change.before, Some(1));
    assert_eq!(change.delta, 300);
    assert!(change.per_minute > 300.0, "{}", change.per_minute);
    let c = second
        .tree
        .child_named(0, std::ffi::OsStr::new("c"))
        .unwrap();
    assert_eq!(diff.get(c).unwrap().before, None);
    assert_eq!(diff.removed_dirs, 1, "b is gone");
    assert_eq!(diff.get(0).unwrap().delta, 300 + 1 - 11);
    assert!(diff.fastest(2).contains(&ax));
    // The new files are in a/x: its own entries grew, a's only through it.
    assert_eq!(change.own_delta, 300);
    let a = second
        .tree
        .child_named(0, std::ffi::OsStr::new("a"))
        .unwrap();
    assert_eq!(diff.get(a).unwrap().own_delta, 0);
    assert_eq!(diff.fastest_own(), Some(ax));
}

#[test]
fn cancel_stops_the_scan() {
    let progress = std::sync::Arc::new(Progress::new());
    progress.cancel();
    let out = scan::scan(&ScanOptions::new("/usr"), &progress);
    assert!(matches!(out, Err(ScanError::Cancelled)), "{out:?}");
}

#[test]
fn pseudo_filesystems_are_skipped_unless_asked() {
    let out = scan::scan(&ScanOptions::new("/proc"), &Progress::new().into());
    assert!(
        matches!(out, Err(ScanError::Skipped { fstype: "proc", .. })),
        "{out:?}"
    );
    let sys = scan::scan(
        &ScanOptions::new("/proc/self/fdinfo").with_any_fs(true),
        &Progress::new().into(),
    )
    .unwrap();
    assert!(sys.total_entries() >= 4, "stdin, stdout, stderr and more");
    let missing = scan::scan(
        &ScanOptions::new("/nonexistent/dir"),
        &Progress::new().into(),
    );
    assert!(
        matches!(missing, Err(ScanError::Open { .. })),
        "{missing:?}"
    );
}

/// /dev has other filesystems mounted inside (pts, shm, mqueue): counted as entries like
/// `find -xdev` does, not entered.
#[test]
fn stays_on_one_filesystem_like_find_xdev() {
    let find = Command::new("find")
        .args(["/dev", "-xdev"])
        .output()
        .expect("find (findutils) is needed for this test");
    let expected = find.stdout.iter().filter(|&&b| b == b'\n').count() as u64;
    let result = scan::scan(&ScanOptions::new("/dev"), &Progress::new().into()).unwrap();
    assert_eq!(result.total_entries(), expected);
    let mountinfo = fs::read_to_string("/proc/self/mountinfo").unwrap();
    let below_dev = mountinfo
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .any(|mp| mp.starts_with("/dev/"));
    assert_eq!(result.other_mounts > 0, below_dev);
}

#[test]
fn text_report_lists_the_heaviest_directories() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (d, n) in [("big", 30), ("small", 2)] {
        fs::create_dir(root.join(d)).unwrap();
        for i in 0..n {
            fs::write(root.join(d).join(i.to_string()), b"").unwrap();
        }
    }
    let args = headroom::headless::scan::ScanArgs {
        path: root.clone(),
        json: false,
        top: 2,
        bytes: true,
        all_fs: false,
        threads: Some(1),
    };
    let mut out = Vec::new();
    headroom::headless::scan::run(&args, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with(&format!("{}: 35 entries in 3 directories", root.display())),
        "{text}"
    );
    assert!(
        lines[1].contains("ENTRIES") && lines[1].contains("BYTES"),
        "{text}"
    );
    assert!(
        lines[2].trim_start().starts_with("35 ") && lines[2].ends_with(&root.display().to_string()),
        "{text}"
    );
    assert!(
        lines[3].trim_start().starts_with("31 ") && lines[3].ends_with("/big"),
        "{text}"
    );
    assert_eq!(lines.len(), 4, "--top 2: {text}");
}
