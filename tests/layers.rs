//! The layer rules, checked on the source: `ui` imports neither `collect` nor `headless`;
//! `derive`, `limits`, `history` and `headless` do not import `ui`; `headless` does not import
//! `app`; `model` and `format` import nothing of ours. Every `crate::` path counts (use lines,
//! paths in code, test modules, doc links), and so does `super::` climbing out to the crate root.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

/// A layer: its top-level module, and the top-level modules it must not name (None: all).
struct Rule {
    layer: &'static str,
    forbidden: Option<&'static [&'static str]>,
}

const RULES: &[Rule] = &[
    Rule {
        layer: "ui",
        forbidden: Some(&["collect", "headless"]),
    },
    Rule {
        layer: "derive",
        forbidden: Some(&["ui"]),
    },
    Rule {
        layer: "limits",
        forbidden: Some(&["ui"]),
    },
    Rule {
        layer: "history",
        forbidden: Some(&["ui"]),
    },
    Rule {
        layer: "headless",
        forbidden: Some(&["ui", "app"]),
    },
    Rule {
        layer: "model",
        forbidden: None,
    },
    Rule {
        layer: "format",
        forbidden: None,
    },
];

/// The module path of a source file: `src/ui/graphs/parts.rs` is `["ui", "graphs", "parts"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect()
}

/// The identifier at the start of `s`.
fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules a file in module `module` names: after `crate::` (also in
/// `crate::{a, b}`), and after enough `super::` to reach the crate root when what follows is
/// one of the crate's modules (`top`; an inline `mod tests` is one level deeper than its file).
fn named_modules(module: &[String], top: &[String], text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            names.extend(group.split(',').map(|p| ident(p.trim()).to_string()));
        } else {
            names.push(ident(rest).to_string());
        }
    }
    for (at, _) in text.match_indices("super::") {
        // Only where a chain of `super::` starts.
        if text[..at].ends_with("super::") {
            continue;
        }
        let mut rest = &text[at..];
        let mut up = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            rest = r;
            up += 1;
        }
        // From module [a, b, c], `super::` is [a, b]; the crate root is `c.len()` steps up.
        let name = ident(rest).to_string();
        if up >= module.len() && top.contains(&name) {
            names.push(name);
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The crate's top-level modules: `src/foo.rs` and `src/foo/`.
fn top_modules(src: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Every import that breaks a rule, as "file: names module".
fn violations(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let top = top_modules(src);
    let mut found = Vec::new();
    for file in files {
        let module = module_of(src, &file);
        let Some(rule) = RULES.iter().find(|r| module[0] == r.layer) else {
            continue;
        };
        let text = std::fs::read_to_string(&file).unwrap();
        for name in named_modules(&module, &top, &text) {
            let bad = match rule.forbidden {
                Some(list) => list.contains(&name.as_str()),
                None => name != "self" && name != rule.layer,
            };
            if bad {
                found.push(format!("{}: names {name}", file.display()));
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn no_layer_imports_what_the_rules_forbid() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found = violations(&src);
    assert!(
        found.is_empty(),
        "layer rules broken:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_sees_imports_in_every_form() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let top = top_modules(&src);
    assert!(top.contains(&"collect".to_string()) && top.contains(&"ui".to_string()));
    let ui = ["ui".to_string(), "graphs".to_string()];
    let text = "use crate::derive::Derived;\nuse crate::{collect, format::count};\n\
                fn f() { crate::headless::run(); }\nuse super::super::app::AppState;\n\
                use super::theme;";
    assert_eq!(
        named_modules(&ui, &top, text),
        ["derive", "collect", "format", "headless", "app"]
    );
    let model = ["model".to_string()];
    assert!(named_modules(&model, &top, "use super::Reading;").is_empty());
    assert_eq!(
        named_modules(&model, &top, "use super::collect;"),
        ["collect"]
    );
    // On the tree itself: a ui widget reads derive.
    let file = src.join("ui/limits.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    let found = named_modules(&module_of(&src, &file), &top, &text);
    assert!(found.contains(&"derive".to_string()), "{found:?}");
}
