//! The limits set by sysctl (`kernel.sem`, `net.ipv4.neigh.default.gc_thresh3`,
//! `fs.mount-max`, ...) change only when someone changes them, yet each costs an open, a stat
//! and two reads of /proc/sys. A collector reads them again only every [`EVERY`] samples: a
//! raised limit shows within that many samples, and the samples between skip a dozen files.
//! The counts they bound (`fs.aio-nr`, `kernel.pty.nr`, ...) are read every sample, not here.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::collect::text::single_u64;
use crate::collect::{ParseError, Roots, SourceError, read_text};
use crate::model::Reading;

/// Samples between reads of a cached sysctl.
pub const EVERY: u32 = 10;

/// The text of each sysctl read lately (or why it could not be read), by path.
#[derive(Debug, Default)]
pub struct SysctlCache {
    texts: HashMap<PathBuf, Reading<String>>,
    /// Samples since the texts were last dropped.
    age: u32,
}

impl SysctlCache {
    /// Starts a sample: every [`EVERY`] samples the texts are dropped, so they are read again.
    pub fn next_sample(&mut self) {
        self.age += 1;
        if self.age >= EVERY {
            self.age = 0;
            self.texts.clear();
        }
    }

    /// The sysctl `name` ("kernel/sem", under /proc/sys) through `parse`.
    pub fn parsed<T>(
        &mut self,
        roots: &Roots,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, ParseError>,
    ) -> Reading<T> {
        let path = roots.proc_path(&format!("sys/{name}"));
        match self
            .texts
            .entry(path.clone())
            .or_insert_with(|| read_text(&path))
        {
            Ok(text) => parse(text).map_err(|e| SourceError::parse(&path, e)),
            Err(e) => Err(e.clone()),
        }
    }

    /// A sysctl holding one number.
    pub fn u64(&mut self, roots: &Roots, name: &str) -> Reading<u64> {
        let item = name.rsplit('/').next().unwrap_or(name);
        self.parsed(roots, name, |t| single_u64(t, item))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_sysctl_shows_within_the_cadence() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("proc/sys/fs/mount-max");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "100\n").unwrap();
        let roots = Roots::fixture(dir.path());
        let mut cache = SysctlCache::default();
        assert_eq!(cache.u64(&roots, "fs/mount-max").unwrap(), 100);
        std::fs::write(&file, "200\n").unwrap();
        let mut seen = Vec::new();
        for _ in 0..EVERY {
            cache.next_sample();
            seen.push(cache.u64(&roots, "fs/mount-max").unwrap());
        }
        // Held until the cadence comes round, then read again.
        assert_eq!(seen[..EVERY as usize - 1], vec![100; EVERY as usize - 1]);
        assert_eq!(seen.last(), Some(&200));
    }

    #[test]
    fn absent_and_malformed_sysctls_say_so_each_time() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("proc/sys/kernel/sem");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "lots\n").unwrap();
        let roots = Roots::fixture(dir.path());
        let mut cache = SysctlCache::default();
        for _ in 0..2 {
            assert!(cache.u64(&roots, "fs/absent").unwrap_err().is_missing());
            let e = cache.u64(&roots, "kernel/sem").unwrap_err().to_string();
            assert!(e.contains("kernel/sem"), "{e}");
        }
    }
}
