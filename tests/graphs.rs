//! The Graphs pane's sources on fixture trees (a busy night with cpufreq and hwmon, a small VM
//! without them), on the live kernel, and a real burst of dirty pages.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use headroom::collect::{Collector, Roots, cpufreq, dirty, diskstats, hwmon, read_memory};
use headroom::derive::Deriver;
use headroom::derive::graphs::{self, key};
use headroom::model::Snapshot;
use headroom::model::graphs::FreqSource;

#[path = "support/run.rs"]
mod run;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() == "steps" {
                continue;
            }
            fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The busy scenario at step `n`: the base tree with the files of steps 1..=n laid over it.
fn busy_step(dir: &Path, n: u32) -> Roots {
    let base = fixture("graphs-busy");
    copy_tree(&base, dir);
    for step in 1..=n {
        copy_tree(&base.join("steps").join(step.to_string()), dir);
    }
    Roots::fixture(dir)
}

/// Samples the busy sequence one second apart (the fixture was taken on a 4 KiB-page machine).
fn busy_sequence(steps: u32) -> (Vec<Snapshot>, Deriver, Vec<headroom::derive::Derived>) {
    let mut deriver = Deriver::default();
    let mut snaps = Vec::new();
    let mut derived = Vec::new();
    for n in 0..steps {
        let dir = tempfile::tempdir().unwrap();
        let mut snap = Collector::new(busy_step(dir.path(), n)).sample();
        snap.time_ms = 1_800_000_000_000 + u64::from(n) * 1000;
        snap.memory.page_size = 4096;
        derived.push(deriver.update(&snap));
        snaps.push(snap);
    }
    (snaps, deriver, derived)
}

#[test]
fn busy_sequence_gives_exact_thresholds() {
    let (_, _, d) = busy_sequence(3);
    // dirtyable = free - reserve (31026 from zoneinfo) + active_file + inactive_file + 1:
    // step 0: 2000000 - 31026 + 250000 + 500000 + 1 = 2718975 pages;
    // thresh = (20*4096/100) * 2718975 / 4096 = 543662 pages, bg = 409 * 2718975 / 4096 = 271499.
    let expect = [
        (2_226_839_552, 1_112_059_904, 12_000 * 1024, 0),
        (2_202_267_648, 1_099_788_288, 120_000 * 1024, 4096 * 1024),
        (2_185_887_744, 1_091_608_576, 100_000 * 1024, 40_000 * 1024),
    ];
    for (d, (thresh, bg, dirty, wb)) in d.iter().zip(expect) {
        let m = &d.graphs.memory;
        assert_eq!(m.dirty_threshold_bytes, Some(thresh));
        assert_eq!(m.dirty_background_threshold_bytes, Some(bg));
        assert_eq!(m.dirty_bytes, Some(dirty));
        assert_eq!(m.writeback_bytes, Some(wb));
    }
    assert_eq!(d[0].graphs.memory.available_bytes, Some(12_000_000 * 1024));
}

#[test]
fn busy_sequence_gives_exact_disk_rates() {
    let (_, _, d) = busy_sequence(3);
    let names: Vec<&str> = d[0].graphs.disks.iter().map(|r| r.name.as_str()).collect();
    // Partitions and never-used devices are left out, as iostat does.
    assert_eq!(names, ["sda", "nvme0n1"]);
    assert!(d[0].graphs.disks.iter().all(|r| r.iops.is_none()));

    let sda1 = &d[1].graphs.disks[0];
    assert_eq!(sda1.read_bytes_per_s, Some(800.0 * 512.0));
    assert_eq!(sda1.write_bytes_per_s, Some(20.0 * 1024.0 * 1024.0));
    assert_eq!(sda1.iops, Some(500.0));
    assert_eq!(sda1.util_pct, Some(50.0));
    let nvme1 = &d[1].graphs.disks[1];
    assert_eq!(nvme1.write_bytes_per_s, Some(100.0 * 1024.0 * 1024.0));
    assert_eq!(nvme1.util_pct, Some(25.0));

    let sda2 = &d[2].graphs.disks[0];
    assert_eq!(sda2.write_bytes_per_s, Some(200.0 * 1024.0 * 1024.0));
    assert_eq!(sda2.read_bytes_per_s, Some(0.0));
    assert_eq!(sda2.iops, Some(600.0));
    assert_eq!(sda2.util_pct, Some(100.0));
    let nvme2 = &d[2].graphs.disks[1];
    assert_eq!(nvme2.iops, Some(0.0));
    assert_eq!(nvme2.util_pct, Some(0.0));
}

#[test]
fn busy_sequence_reads_frequency_temperature_pressure_and_load() {
    let (snaps, _, d) = busy_sequence(3);
    let freq = snaps[0].cpu.freq.as_ref().unwrap();
    assert_eq!(freq.source, FreqSource::Cpufreq);
    assert_eq!(freq.cpus.len(), 4);
    let cpu0 = &d[0].graphs.cpu;
    assert_eq!(cpu0.freq_mhz, [800.0; 4]);
    assert_eq!(cpu0.freq_min_mhz, Some(800.0));
    assert_eq!(cpu0.freq_max_mhz, Some(3500.0));
    assert_eq!(d[1].graphs.cpu.freq_mhz, [3500.0, 3400.0, 800.0, 2000.0]);
    assert_eq!(d[2].graphs.cpu.freq_mhz, [3500.0; 4]);

    let temps: Vec<(&str, f64)> = d[1]
        .graphs
        .cpu
        .temps
        .iter()
        .map(|t| (t.label.as_str(), t.celsius))
        .collect();
    assert_eq!(
        temps,
        [
            ("coretemp Package id 0", 71.0),
            ("coretemp Core 0", 69.5),
            ("nvme temp1", 38.85),
            ("x86_pkg_temp", 45.0),
            ("acpitz", 27.8),
        ]
    );
    assert_eq!(d[1].graphs.cpu.temps[0].crit_celsius, Some(100.0));
    assert_eq!(d[2].graphs.cpu.temps[0].celsius, 88.0);

    let p = &d[2].graphs.pressure;
    assert_eq!(p.cpu.some_avg10, Some(12.5));
    assert_eq!(p.memory.full_avg10, Some(0.5));
    assert_eq!(p.io.some_avg10, Some(40.0));
    assert_eq!(p.io.full_avg10, Some(35.5));

    let l = &d[1].graphs.load;
    assert_eq!(
        (l.avg1, l.avg5, l.avg15),
        (Some(1.2), Some(0.5), Some(0.35))
    );
    assert_eq!((l.running, l.blocked), (Some(3), Some(2)));
}

#[test]
fn busy_sequence_fills_the_history() {
    let (snaps, deriver, _) = busy_sequence(3);
    let h = deriver.series();
    assert_eq!(h.len(), 3);
    let t1 = snaps[1].time_ms;
    assert_eq!(h.value_at(key::DIRTY, t1, 1000), Some(120_000.0 * 1024.0));
    assert_eq!(h.value_at(key::FREQ_MAX, t1, 1000), Some(3500.0));
    assert_eq!(h.value_at(key::FREQ_MIN, t1, 1000), Some(800.0));
    assert_eq!(h.value_at(key::FREQ_AVG, t1, 1000), Some(2425.0));
    assert_eq!(h.value_at("disk.sda.util", t1, 1000), Some(50.0));
    assert_eq!(h.value_at("disk.sda.util", snaps[0].time_ms, 1000), None);
    assert_eq!(h.latest(key::BLOCKED), Some(5.0));
    assert_eq!(h.latest("cpu.temp.coretemp Package id 0"), Some(88.0));
}

#[test]
fn a_vm_without_cpufreq_hwmon_and_psi_says_so() {
    let roots = Roots::fixture(fixture("graphs-vm"));
    let mut snap = Collector::new(roots).sample();
    snap.memory.page_size = 4096;
    let freq = snap.cpu.freq.as_ref().unwrap();
    assert_eq!(freq.source, FreqSource::Cpuinfo);
    assert_eq!(freq.cpus.len(), 2);
    assert!(snap.cpu.hwmon.as_ref().unwrap_err().is_missing());
    assert_eq!(snap.cpu.thermal.as_ref().unwrap(), &Vec::new());
    assert!(snap.pressure.cpu.as_ref().unwrap_err().is_missing());
    assert!(cpufreq::read_cpufreq(&Roots::fixture(fixture("graphs-vm"))).is_err());

    let d = Deriver::default().update(&snap);
    let cpu = &d.graphs.cpu;
    assert_eq!(cpu.freq_mhz, [2596.142, 2596.142]);
    assert_eq!((cpu.freq_min_mhz, cpu.freq_max_mhz), (None, None));
    assert!(cpu.temps.is_empty());
    assert_eq!(d.graphs.pressure.io.some_avg10, None);
    // vm.dirty_bytes = 100 MiB overrides the ratio; the background ratio (10% of 468975 pages =
    // 46828) is above it, so the kernel halves the threshold instead.
    assert_eq!(d.graphs.memory.dirty_threshold_bytes, Some(100 << 20));
    assert_eq!(
        d.graphs.memory.dirty_background_threshold_bytes,
        Some(50 << 20)
    );
    let names: Vec<&str> = d.graphs.disks.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["vda"]);
}

#[test]
fn a_vm_snapshot_json_has_the_graph_keys_with_null_rates() {
    let roots = run::roots_of("graphs-vm");
    let mut args = vec!["snapshot", "--json"];
    args.extend(roots.iter().map(String::as_str));
    let v = run::json(&args);
    assert_eq!(v["memory"]["dirty_bytes"], 2048 * 1024);
    assert_eq!(v["memory"]["dirty_threshold_bytes"], 100 << 20);
    assert_eq!(v["cpu"]["freq_mhz"][1], 2596.142);
    assert!(v["cpu"]["freq_min_mhz"].is_null());
    assert_eq!(v["cpu"]["temps"], serde_json::json!([]));
    assert_eq!(v["disks"][0]["name"], "vda");
    for k in ["read_bytes_per_s", "write_bytes_per_s", "iops", "util_pct"] {
        assert!(
            v["disks"][0][k].is_null(),
            "{k} should be null with one reading"
        );
    }
    assert!(v["pressure"]["io"]["some_avg10"].is_null());
    assert_eq!(v["load"]["avg1"], 0.05);
    assert_eq!(v["load"]["running"], 1);
    assert_eq!(v["load"]["blocked"], 0);
}

#[test]
fn hwmon_skips_devices_without_temperatures_and_reads_labels() {
    let chips = hwmon::read(&Roots::fixture(fixture("graphs-busy"))).unwrap();
    let names: Vec<Option<&str>> = chips.iter().map(|c| c.name.as_deref()).collect();
    assert_eq!(names, [Some("coretemp"), Some("nvme"), Some("acpi_fan")]);
    assert!(chips[2].temps.is_empty());
    assert_eq!(chips[1].temps[0].label, None);
    assert_eq!(chips[1].temps[0].crit_millicelsius, Some(84_850));
}

// --- the live kernel

#[test]
fn live_thresholds_match_the_kernels_own() {
    let roots = Roots::default();
    // The kernel prints its result in /proc/vmstat; free memory moves between the reads, so
    // allow 1% and retry a few times.
    let mut last = None;
    for _ in 0..5 {
        let m = read_memory(&roots);
        let vm = m.vmstat.clone().unwrap();
        let limits = dirty::global_dirty_limits(
            m.meminfo.as_ref().unwrap(),
            *m.reserve_pages.as_ref().unwrap(),
            m.dirty_sysctls.as_ref().unwrap(),
            m.page_size,
        )
        .unwrap();
        let (Some(k_thresh), Some(k_bg)) =
            (vm.nr_dirty_threshold, vm.nr_dirty_background_threshold)
        else {
            panic!("this kernel prints no nr_dirty_threshold in /proc/vmstat");
        };
        let close = |a: u64, b: u64| a.abs_diff(b) as f64 <= b as f64 * 0.01 + 2.0;
        if close(limits.threshold_pages, k_thresh) && close(limits.background_pages, k_bg) {
            return;
        }
        last = Some((limits, k_thresh, k_bg));
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("computed limits differ from the kernel's: {last:?}");
}

#[test]
fn live_sources_read() {
    let snap = Collector::new(Roots::default()).sample();
    assert!(snap.memory.meminfo.as_ref().unwrap().total_bytes > 0);
    let disks = snap.disks.as_ref().unwrap();
    let all = diskstats::read(&Roots::default()).unwrap();
    assert_eq!(disks.len(), all.len());
    for d in disks {
        assert!(
            Path::new("/sys/block")
                .join(d.name.replace('/', "!"))
                .exists(),
            "{} is not a whole disk",
            d.name
        );
    }
    let load = snap.load.loadavg.as_ref().unwrap();
    assert!(load.entities > 0);
    assert!(snap.load.stat.as_ref().unwrap().procs_running.unwrap_or(0) >= 1);
    if Path::new("/proc/pressure/io").exists() {
        assert!(snap.pressure.io.as_ref().unwrap().some.is_some());
    }
    // Frequency comes from cpufreq or /proc/cpuinfo on x86; say which when neither works.
    if let Err(e) = &snap.cpu.freq {
        assert!(e.is_missing(), "{e}");
    }
    let d = Deriver::default().update(&snap);
    assert!(d.graphs.memory.dirty_threshold_bytes.unwrap() > 0);
}

/// True when the directory sits on tmpfs, where pages are never dirty in the writeback sense.
#[allow(clippy::unnecessary_cast)] // f_type is i64 on x86_64 but narrower on other targets
fn on_tmpfs(dir: &Path) -> bool {
    const TMPFS_MAGIC: i64 = 0x0102_1994;
    rustix::fs::statfs(dir).is_ok_and(|s| s.f_type as i64 == TMPFS_MAGIC)
}

#[test]
fn writing_without_fsync_raises_dirty_plus_writeback() {
    // A directory on the build's disk, not a tmpfs /tmp.
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    assert!(
        !on_tmpfs(dir.path()),
        "{} is on tmpfs; this test needs a disk filesystem",
        dir.path().display()
    );
    let roots = Roots::default();
    let mem = |r: &Roots| {
        let v = graphs::memory(&read_memory(r));
        v.dirty_bytes.unwrap() + v.writeback_bytes.unwrap()
    };
    let before = mem(&roots);
    let mut f = fs::File::create(dir.path().join("burst")).unwrap();
    let block = vec![0x5a_u8; 1 << 20];
    for _ in 0..256 {
        f.write_all(&block).unwrap();
    }
    let after = mem(&roots);
    drop(f);
    assert!(
        after >= before + (128 << 20),
        "256 MiB written without fsync, dirty+writeback went from {before} to {after}"
    );
}

#[test]
fn two_samples_give_rates_in_the_json() {
    let roots = run::roots_of("graphs-busy");
    let mut args = vec![
        "snapshot",
        "--json",
        "--samples",
        "2",
        "--interval",
        "100ms",
    ];
    args.extend(roots.iter().map(String::as_str));
    let v = run::json(&args);
    let disks = v["disks"].as_array().unwrap();
    assert_eq!(disks.len(), 2);
    // The tree does not change between the readings: every rate is a real zero, not null.
    for d in disks {
        for k in ["read_bytes_per_s", "write_bytes_per_s", "iops", "util_pct"] {
            assert_eq!(d[k], 0.0, "{k} of {}", d["name"]);
        }
    }
    assert_eq!(v["cpu"]["freq_min_mhz"], 800.0);
    assert_eq!(v["cpu"]["freq_max_mhz"], 3500.0);
    assert_eq!(v["cpu"]["temps"][0]["label"], "coretemp Package id 0");
    assert_eq!(v["cpu"]["temps"][0]["celsius"], 45.0);
    assert_eq!(v["pressure"]["cpu"]["some_avg10"], 0.5);
    assert!(v["pressure"]["cpu"].get("full_avg10").is_none());
    assert_eq!(v["pressure"]["io"]["full_avg10"], 0.1);
    assert_eq!(v["memory"]["dirty_threshold_bytes"], 2_226_839_552_u64);
}

#[test]
fn the_text_report_has_a_line_per_chart() {
    let roots = run::roots_of("graphs-busy");
    let mut args = vec!["snapshot"];
    args.extend(roots.iter().map(String::as_str));
    let text = run::stdout(&args);
    for line in [
        "memory: dirty 11.7MiB, writeback 0B; background writeback above 1.0GiB, writers throttled above 2.1GiB; available 11.4GiB",
        "cpu: 4 CPUs at 800–800 MHz (avg 800), scaling 800–3500 MHz; coretemp Package id 0 45.0°C",
        "disk sda: rates need two readings (--samples 2)",
        "pressure (avg10, some/full): cpu 0.5%, memory 0%/0%, io 0.2%/0.1%",
        "load: 0.42 0.35 0.30; running 1, blocked 0",
    ] {
        assert!(text.contains(line), "{line:?} missing from:\n{text}");
    }
}
