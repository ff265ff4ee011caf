//! Tab completion for the scan path prompt, as a shell does it: the directory names that
//! start with what was typed after the last `/`; one match completes to it and a `/`,
//! several extend the text to their longest common prefix.
//!
//! [`complete`] is pure: the directory listing comes from the caller ([`list_subdirs`] reads
//! a real one), so it is tested without a filesystem and the prompt could list from a
//! captured tree.

use std::io;
use std::path::Path;

/// Entries read from one directory at most: a prompt must not stall on a directory of
/// millions of files (the kind being hunted).
pub const MAX_LISTED: usize = 20_000;

/// What Tab makes of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// The text after completion (unchanged when nothing matched).
    pub text: String,
    /// The matching directory names, sorted, when more than one matched (to show them).
    pub candidates: Vec<String>,
}

/// Completes `text` from the subdirectory names `list_dir` gives for the directory part of it
/// (everything up to the last `/`; `.` when there is none). Hidden names are offered only when
/// the typed part starts with a dot. A listing that fails leaves the text as it is.
pub fn complete<F>(text: &str, list_dir: F) -> Completion
where
    F: FnOnce(&Path) -> io::Result<Vec<String>>,
{
    let unchanged = || Completion {
        text: text.to_string(),
        candidates: Vec::new(),
    };
    let (dir, typed) = match text.rfind('/') {
        Some(i) => text.split_at(i + 1),
        None => ("", text),
    };
    let listed = if dir.is_empty() {
        list_dir(Path::new("."))
    } else {
        list_dir(Path::new(dir))
    };
    let Ok(names) = listed else {
        return unchanged();
    };
    let mut matches: Vec<String> = names
        .into_iter()
        .filter(|n| n.starts_with(typed) && (typed.starts_with('.') || !n.starts_with('.')))
        .collect();
    matches.sort();
    matches.dedup();
    match matches.as_slice() {
        [] => unchanged(),
        [one] => Completion {
            text: format!("{dir}{one}/"),
            candidates: Vec::new(),
        },
        [first, rest @ ..] => {
            let common = rest
                .iter()
                .fold(first.as_str(), |acc, n| common_prefix(acc, n));
            Completion {
                text: format!("{dir}{common}"),
                candidates: matches,
            }
        }
    }
}

/// The longest common prefix of two names, cut on a character boundary.
fn common_prefix<'a>(a: &'a str, b: &str) -> &'a str {
    let end = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, ca), cb)| ca != cb)
        .map_or_else(|| a.len().min(b.len()), |((i, _), _)| i);
    a.get(..end).unwrap_or(a)
}

/// The names of the subdirectories of `dir` (symlinks to directories included, as a shell
/// offers them), at most [`MAX_LISTED`] entries read; names that are not UTF-8 are left out
/// (the prompt is text).
pub fn list_subdirs(dir: &Path) -> io::Result<Vec<String>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)?.take(MAX_LISTED) {
        let Ok(entry) = entry else { continue };
        let is_dir = match entry.file_type() {
            Ok(t) if t.is_symlink() => entry.path().is_dir(),
            Ok(t) => t.is_dir(),
            Err(_) => false,
        };
        if is_dir && let Ok(name) = entry.file_name().into_string() {
            out.push(name);
        }
    }
    Ok(out)
}

/// [`list_subdirs`] in a thread of its own, given up after `timeout`: a directory on a mount
/// whose server does not answer must not freeze the prompt (the thread is left to finish or
/// hang on its own).
pub fn list_subdirs_within(dir: &Path, timeout: std::time::Duration) -> io::Result<Vec<String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    let owned = dir.to_path_buf();
    std::thread::Builder::new()
        .name("headroom-complete".into())
        .spawn(move || {
            // Nobody may be waiting any more.
            let _ = tx.send(list_subdirs(&owned));
        })?;
    rx.recv_timeout(timeout).unwrap_or_else(|_| {
        Err(io::Error::new(
            io::ErrorKind::TimedOut,
            format!("{} did not answer", dir.display()),
        ))
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn listing(names: &[&str]) -> impl FnOnce(&Path) -> io::Result<Vec<String>> {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        move |_| Ok(names)
    }

    fn text(typed: &str, names: &[&str]) -> String {
        complete(typed, listing(names)).text
    }

    #[test]
    fn completes_like_a_shell() {
        let var = ["cache", "lib", "log", "local", "lock", ".hidden"];
        // One match: the whole name and a slash.
        assert_eq!(text("/var/ca", &var), "/var/cache/");
        // Several: their common prefix, and the candidates to show.
        let c = complete("/var/l", listing(&var));
        assert_eq!(c.text, "/var/l");
        assert_eq!(c.candidates, ["lib", "local", "lock", "log"]);
        assert_eq!(text("/var/lo", &var), "/var/lo");
        assert_eq!(text("/var/loc", &var), "/var/loc");
        assert_eq!(text("/var/loca", &var), "/var/local/");
        assert_eq!(text("/srv/da", &["data1", "data2"]), "/srv/data");
        // Nothing matches: unchanged.
        assert_eq!(text("/var/zz", &var), "/var/zz");
        // Hidden names only when asked for.
        assert_eq!(text("/var/.h", &var), "/var/.hidden/");
        assert_eq!(complete("/var/", listing(&var)).candidates.len(), 5);
        // An exact name that is also a prefix of others stays open for more typing.
        assert_eq!(text("/x/lib", &["lib", "lib64"]), "/x/lib");
        // Characters beyond ASCII are cut whole.
        assert_eq!(text("/m/", &["été", "étude"]), "/m/ét");
    }

    #[test]
    fn lists_the_directory_typed_and_survives_failure() {
        let mut asked = None;
        let c = complete("/var/log/ng", |p| {
            asked = Some(p.to_path_buf());
            Ok(vec!["nginx".into()])
        });
        assert_eq!(asked.unwrap(), Path::new("/var/log/"));
        assert_eq!(c.text, "/var/log/nginx/");
        let mut asked = None;
        let _ = complete("tm", |p| {
            asked = Some(p.to_path_buf());
            Ok(Vec::new())
        });
        assert_eq!(asked.unwrap(), Path::new("."));
        let c = complete("/root/x", |_| Err(io::ErrorKind::PermissionDenied.into()));
        assert_eq!(c.text, "/root/x");
        assert!(c.candidates.is_empty());
        assert_eq!(text("", &["only"]), "only/");
    }

    #[test]
    fn lists_subdirectories_of_a_real_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::create_dir(root.join("spool")).unwrap();
        std::fs::create_dir(root.join("spam")).unwrap();
        std::fs::write(root.join("sparse.img"), b"").unwrap();
        std::os::unix::fs::symlink(root.join("spool"), root.join("spl")).unwrap();
        std::os::unix::fs::symlink(root.join("nowhere"), root.join("spx")).unwrap();
        let mut names = list_subdirs(root).unwrap();
        names.sort();
        assert_eq!(names, ["spam", "spl", "spool"]);
        let typed = format!("{}/spo", root.display());
        let c = complete(&typed, list_subdirs);
        assert_eq!(c.text, format!("{}/spool/", root.display()));
        assert!(list_subdirs(&root.join("missing")).is_err());
        let within = list_subdirs_within(root, std::time::Duration::from_secs(10)).unwrap();
        assert_eq!(within.len(), 3);
        assert!(
            list_subdirs_within(&root.join("missing"), std::time::Duration::from_secs(10)).is_err()
        );
    }

    proptest::proptest! {
        /// Any text and names: no panic, and the result still starts with what was typed
        /// up to the last slash.
        #[test]
        fn any_text_completes_without_panic(
            typed in "[a/é.]{0,8}",
            names in proptest::collection::vec("[aé.]{0,4}", 0..6),
        ) {
            let dir_part = typed.rfind('/').map_or("", |i| &typed[..=i]).to_string();
            let c = complete(&typed, move |_| Ok(names));
            proptest::prop_assert!(c.text.starts_with(&dir_part));
        }
    }
}
