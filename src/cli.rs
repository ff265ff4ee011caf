//! Command-line arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand};

/// Which limit is this machine hitting, or about to hit, and who is using it up?
#[derive(Debug, Parser)]
#[command(name = "headroom", version, about)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub common: Common,
    /// The dashboard records what it shows to this file from the start (`R` toggles it).
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// Options every mode shares.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// Read the kernel's process files from this directory (a captured tree) instead of /proc.
    #[arg(long, global = true, value_name = "DIR", default_value = "/proc")]
    pub proc_root: PathBuf,
    /// Read the kernel's system files from this directory instead of /sys.
    #[arg(long, global = true, value_name = "DIR", default_value = "/sys")]
    pub sys_root: PathBuf,
    /// Time between readings, e.g. 1s, 500ms, 2s.
    #[arg(long, global = true, value_name = "DURATION", default_value = "1s", value_parser = parse_interval)]
    pub interval: Duration,
    /// How to enumerate TCP sockets: netlink sock_diag with /proc/net/tcp as the fallback
    /// (auto), or only one of them.
    #[arg(long, global = true, value_enum, default_value_t = SocketsVia::Auto)]
    pub sockets_via: SocketsVia,
    /// Read kernel messages from this capture (the /dev/kmsg format, `prio,seq,usec,flags;text`)
    /// instead of /dev/kmsg.
    #[arg(long, global = true, value_name = "PATH")]
    pub kmsg: Option<PathBuf>,
}

/// The `--sockets-via` choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SocketsVia {
    Auto,
    Netlink,
    Procfs,
}

impl SocketsVia {
    pub fn method(self) -> crate::collect::tcp::Method {
        use crate::collect::tcp::Method;
        match self {
            SocketsVia::Auto => Method::Auto,
            SocketsVia::Netlink => Method::Netlink,
            SocketsVia::Procfs => Method::Procfs,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Record raw snapshots to FILE (see docs/recording.md) until stopped or the span ends.
    /// An existing recording of this host is appended to; any other file is refused.
    Record {
        file: PathBuf,
        /// Stop after N snapshots.
        #[arg(long)]
        samples: Option<u64>,
        /// Stop after this long, e.g. 2h, 30m.
        #[arg(long, value_parser = humantime::parse_duration)]
        duration: Option<Duration>,
        /// Rotate the file (FILE.1, FILE.2…) before it grows past this size, e.g. 50M, 1G.
        #[arg(long, value_name = "SIZE", value_parser = parse_size)]
        max_size: Option<u64>,
        /// Rotated files kept with --max-size; 0 stops recording at the size instead.
        #[arg(long, default_value_t = 9, value_name = "N")]
        keep: u32,
        /// Overwrite FILE even when it is not a recording of this host.
        #[arg(long)]
        force: bool,
    },
    /// Serve every limit as Prometheus metrics over HTTP (on loopback unless told otherwise).
    Export {
        /// Address to listen on; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:9839")]
        listen: std::net::SocketAddr,
    },
    /// Play a recording back in the dashboard.
    Replay {
        file: PathBuf,
        /// Times faster than recorded, e.g. 10 to watch an hour in six minutes.
        #[arg(long, default_value_t = 1.0, value_parser = parse_speed)]
        speed: f64,
        /// Print one JSON object a frame (the `snapshot --json` form) instead of the dashboard.
        #[arg(long)]
        json: bool,
        /// With --json: start here (HH:MM[:SS] UTC on the recording's days, or RFC 3339).
        #[arg(long, value_name = "TIME", requires = "json")]
        from: Option<String>,
        /// With --json: stop after this time.
        #[arg(long, value_name = "TIME", requires = "json")]
        to: Option<String>,
    },
    /// What a recording saw: the limits that failed or came near, events, peaks and who caused them.
    Report {
        file: PathBuf,
        /// Also write the report as one self-contained HTML file with charts.
        #[arg(long, value_name = "FILE")]
        html: Option<PathBuf>,
    },
    /// Print the limits report once and exit (plain text, or JSON with --json).
    Snapshot {
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Take N readings --interval apart and report the last, so deltas are real.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=3600))]
        samples: u32,
        /// Rank the limits of a captured `sysctl -a` (FreeBSD or Linux) instead of this machine.
        #[arg(long, value_name = "FILE")]
        sysctl: Option<PathBuf>,
    },
    /// Check every limit the Nagios way: one status line with perfdata; exit 0 OK,
    /// 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Check(crate::headless::check::CheckArgs),
    /// Print the completion script of a shell (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Count entries per directory below PATH: which directory eats the inodes.
    Scan(crate::headless::scan::ScanArgs),
    /// Which limits can produce an error message (or errno name: EAGAIN, ENOSPC, EMFILE...),
    /// closest first, with what each holds now.
    Why {
        /// The message as the program printed it, e.g. "Cannot allocate memory".
        message: String,
        /// Take N readings --interval apart, so failures just now are seen.
        #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=3600))]
        samples: u32,
    },
}

/// A replay speed: a positive factor up to 10,000.
pub fn parse_speed(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 10_000.0 => Ok(v),
        _ => Err(format!("{s:?} is not a speed between 0 and 10000")),
    }
}

/// A size like "600", "64K", "50M" or "2G" (powers of 1024).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (num, unit) = t.split_at(t.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(t.len()));
    let mult: u64 = match unit.to_ascii_uppercase().trim_end_matches(['B', 'I']) {
        "" => 1,
        "K" => 1 << 10,
        "M" => 1 << 20,
        "G" => 1 << 30,
        "T" => 1 << 40,
        _ => return Err(format!("{s:?}: the unit is not one of K, M, G, T")),
    };
    match num.trim().parse::<u64>() {
        Ok(n) if n > 0 => n
            .checked_mul(mult)
            .ok_or_else(|| format!("{s:?} is too large")),
        _ => Err(format!("{s:?} is not a size like 50M")),
    }
}

/// A duration like "1s", "250ms" or a plain number of seconds; at least 100 ms.
pub fn parse_interval(s: &str) -> Result<Duration, String> {
    let d = match s.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Duration::from_secs_f64(secs.min(86_400.0)),
        Ok(_) => return Err(format!("{s:?} is not a duration")),
        Err(_) => humantime::parse_duration(s).map_err(|e| format!("{s:?}: {e}"))?,
    };
    if d < Duration::from_millis(100) {
        return Err(format!("{s:?} is shorter than 100ms"));
    }
    Ok(d)
}

impl Common {
    pub fn roots(&self) -> crate::collect::Roots {
        crate::collect::Roots::new(&self.proc_root, &self.sys_root)
    }

    /// A collector reading these roots the way these options say.
    pub fn collector(&self) -> crate::collect::Collector {
        let c =
            crate::collect::Collector::new(self.roots()).with_tcp_method(self.sockets_via.method());
        match &self.kmsg {
            Some(path) => c.with_kmsg(path),
            None => c,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Args, clap::Error> {
        Args::try_parse_from(std::iter::once("headroom").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_run_the_dashboard_on_the_live_system() {
        let a = parse(&[]).unwrap();
        assert!(a.command.is_none());
        assert_eq!(a.common.proc_root, PathBuf::from("/proc"));
        assert_eq!(a.common.interval, Duration::from_secs(1));
    }

    #[test]
    fn snapshot_takes_roots_samples_and_interval_in_any_order() {
        let a = parse(&[
            "snapshot",
            "--json",
            "--samples",
            "3",
            "--interval",
            "250ms",
            "--proc-root",
            "/x/proc",
        ])
        .unwrap();
        let Some(Command::Snapshot { json, samples, .. }) = a.command else {
            panic!("not snapshot")
        };
        assert!(json);
        assert_eq!(samples, 3);
        assert_eq!(a.common.interval, Duration::from_millis(250));
        assert_eq!(a.common.proc_root, PathBuf::from("/x/proc"));
        let b = parse(&["--interval", "2", "snapshot"]).unwrap();
        assert_eq!(b.common.sockets_via, SocketsVia::Auto);
        for args in [
            &["snapshot", "--sockets-via", "procfs"][..],
            &["--sockets-via", "procfs"],
            &["record", "x.zst", "--sockets-via", "procfs"],
            &["export", "--sockets-via", "procfs"],
        ] {
            let c = parse(args).unwrap();
            assert_eq!(c.common.sockets_via, SocketsVia::Procfs, "{args:?}");
        }
        assert!(parse(&["snapshot", "--sockets-via", "carrier-pigeon"]).is_err());
        assert_eq!(b.common.interval, Duration::from_secs(2));
    }

    #[test]
    fn record_and_replay_take_a_file() {
        let a = parse(&[
            "record",
            "/tmp/x.zst",
            "--duration",
            "2h",
            "--interval",
            "5s",
        ])
        .unwrap();
        let Some(Command::Record {
            file,
            samples,
            duration,
            ..
        }) = a.command
        else {
            panic!("not record")
        };
        assert_eq!(
            (file, samples, duration),
            (
                PathBuf::from("/tmp/x.zst"),
                None,
                Some(Duration::from_secs(7200))
            )
        );
        let b = parse(&["replay", "x.zst", "--speed", "60"]).unwrap();
        assert!(matches!(b.command, Some(Command::Replay { speed, .. }) if speed == 60.0));
        assert!(parse(&["replay", "x.zst", "--speed", "0"]).is_err());
        assert!(parse(&["record"]).is_err());
        let c = parse(&["record", "n.hr", "--max-size", "50M", "--keep", "0"]).unwrap();
        assert!(matches!(
            c.command,
            Some(Command::Record { max_size: Some(m), keep: 0, force: false, .. }) if m == 50 << 20
        ));
        let d = parse(&["replay", "n.hr", "--json", "--from", "05:20"]).unwrap();
        assert!(matches!(
            d.command,
            Some(Command::Replay {
                json: true,
                from: Some(_),
                ..
            })
        ));
        assert!(parse(&["replay", "n.hr", "--from", "05:20"]).is_err());
        assert!(parse(&["report", "n.hr", "--html", "o.html"]).is_ok());
    }

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!(parse_size("600"), Ok(600));
        assert_eq!(parse_size("64K"), Ok(64 << 10));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert!(parse_size("0").is_err());
        assert!(parse_size("5X").is_err());
        assert!(parse_size("huge").is_err());
    }

    #[test]
    fn bad_values_are_refused() {
        assert!(parse(&["--interval", "0"]).is_err());
        assert!(parse(&["--interval", "10ms"]).is_err());
        assert!(parse(&["--interval", "soon"]).is_err());
        assert!(parse(&["snapshot", "--samples", "0"]).is_err());
        assert!(parse(&["bogus"]).is_err());
        assert!(parse(&["why"]).is_err());
    }

    #[test]
    fn why_takes_the_message() {
        let a = parse(&["why", "No space left on device", "--samples", "2"]).unwrap();
        assert!(
            matches!(a.command, Some(Command::Why { message, samples: 2 }) if message == "No space left on device")
        );
    }
}
