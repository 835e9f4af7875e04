//! The layering rule, pinned: inside a module folder, no file uses an item of a sibling that
//! (directly or through other siblings) uses one of its own. `mod.rs` re-exports and test
//! modules do not count. Read from the sources: `use super::…` and `crate::<folder>::…` paths.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The sibling files of `dir` (module name -> source without its test modules).
fn files(dir: &str) -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let module = std::fs::read_to_string(root.join("mod.rs")).unwrap_or_default();
    let tests = test_modules(&module);
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(&root) else {
        panic!("no folder {dir}");
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().and_then(|e| e.to_str()) != Some("rs")
            || name == "mod"
            || tests.contains(name)
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        out.insert(name.to_string(), without_tests(&text));
    }
    out
}

/// Modules `mod.rs` declares under `#[cfg(test)]`.
fn test_modules(module: &str) -> BTreeSet<String> {
    let lines: Vec<&str> = module.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|w| w[0].starts_with("#[cfg(test)]"))
        .filter_map(|w| {
            let rest = w[1]
                .strip_prefix("pub(crate) mod ")
                .or_else(|| w[1].strip_prefix("mod "))?;
            Some(rest.trim_end_matches(';').to_string())
        })
        .collect()
}

/// The file without its `#[cfg(test)]` modules (inline ones run to the end of the file by
/// convention here; `#[path]` ones are separate files, skipped above).
fn without_tests(text: &str) -> String {
    match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => text[..at].to_string(),
        None => text.to_string(),
    }
}

/// Which item names `mod.rs` re-exports from which sibling (`pub use ui::{Ui, on_key}`).
fn reexports(dir: &str) -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(dir)
        .join("mod.rs");
    let module = std::fs::read_to_string(path).unwrap_or_default();
    let mut out = BTreeMap::new();
    for statement in module.split(';') {
        let s = statement.trim();
        let Some(rest) = s
            .strip_prefix("pub use ")
            .or_else(|| s.strip_prefix("pub(crate) use "))
        else {
            continue;
        };
        let Some((from, items)) = rest.split_once("::") else {
            continue;
        };
        for item in names(items) {
            out.insert(item, from.to_string());
        }
    }
    out
}

/// The names at the top of a path tail: `Ui`, `{Ui, on_key}`, `self`, `x as y`.
fn names(tail: &str) -> Vec<String> {
    let tail = tail.trim();
    let inner = tail
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .unwrap_or(tail);
    let mut out = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            current.push(c);
        }
    }
    out.push(current);
    out.into_iter()
        .map(|n| {
            let n = n.trim();
            let n = n.split("::").next().unwrap_or("");
            n.split_whitespace().next().unwrap_or("").to_string()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// The siblings `text` uses, through `super::…` or `crate::<folder path>::…`.
fn uses(
    text: &str,
    dir: &str,
    siblings: &BTreeSet<String>,
    reexported: &BTreeMap<String, String>,
) -> BTreeSet<String> {
    let module_path = format!(
        "crate::{}::",
        dir.trim_start_matches("src/").replace('/', "::")
    );
    let mut out = BTreeSet::new();
    for prefix in ["super::", module_path.as_str()] {
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            // `super::super::` leaves the folder.
            let before = &rest[..at];
            rest = &rest[at + prefix.len()..];
            if before.ends_with("super::") || rest.starts_with("super::") {
                continue;
            }
            let tail: String = if rest.starts_with('{') {
                let mut depth = 0;
                let mut end = 0;
                for (i, c) in rest.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                rest[..end].to_string()
            } else {
                rest.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect()
            };
            for name in names(&tail) {
                if siblings.contains(&name) {
                    out.insert(name);
                } else if let Some(from) = reexported.get(&name) {
                    out.insert(from.clone());
                }
            }
        }
    }
    out
}

/// Every circle among the sibling files of `dir`, each as the files around it.
fn circles(dir: &str) -> Vec<Vec<String>> {
    let files = files(dir);
    let siblings: BTreeSet<String> = files.keys().cloned().collect();
    let reexported = reexports(dir);
    let graph: BTreeMap<String, BTreeSet<String>> = files
        .iter()
        .map(|(name, text)| {
            let mut used = uses(text, dir, &siblings, &reexported);
            used.remove(name);
            (name.clone(), used)
        })
        .collect();
    // A file is in a circle when it can reach itself; report each circle once.
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for start in graph.keys() {
        if seen.contains(start) {
            continue;
        }
        if let Some(path) = path_back(&graph, start) {
            seen.extend(path.iter().cloned());
            out.push(path);
        }
    }
    out
}

/// A path from `start` back to itself, if there is one (breadth first, so the shortest).
fn path_back(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.to_string()]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(&node).into_iter().flatten() {
            if next == start {
                let mut path = vec![node.clone()];
                let mut at = node.clone();
                while let Some(prev) = came_from.get(&at) {
                    path.push(prev.clone());
                    at = prev.clone();
                }
                path.reverse();
                return Some(path);
            }
            if !came_from.contains_key(next) && next != start {
                came_from.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    None
}

fn assert_no_circles(dir: &str) {
    let found = circles(dir);
    assert!(
        found.is_empty(),
        "{dir} has files that use each other in a circle: {}",
        found
            .iter()
            .map(|c| format!("{} -> {}", c.join(" -> "), c[0]))
            .collect::<Vec<_>>()
            .join("; ")
    );
}

#[test]
fn the_checker_finds_a_circle() {
    let siblings: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    let reexported = BTreeMap::from([("Thing".to_string(), "b".to_string())]);
    let used = uses(
        "use super::{Thing, a::X};\nuse crate::tui::b::Y;",
        "src/tui",
        &siblings,
        &reexported,
    );
    assert_eq!(used, siblings);
    let graph = BTreeMap::from([
        ("a".to_string(), BTreeSet::from(["b".to_string()])),
        ("b".to_string(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(path_back(&graph, "a"), Some(vec!["a".into(), "b".into()]));
}

#[test]
fn tui_has_no_circles() {
    assert_no_circles("src/tui");
}

#[test]
fn tui_screens_have_no_circles() {
    assert_no_circles("src/tui/screens");
}

#[test]
fn tui_widgets_have_no_circles() {
    assert_no_circles("src/tui/widgets");
}

#[test]
fn flow_has_no_circles() {
    assert_no_circles("src/flow");
}

#[test]
fn app_has_no_circles() {
    assert_no_circles("src/app");
}

#[test]
fn plain_has_no_circles() {
    assert_no_circles("src/plain");
}

#[test]
fn devserver_has_no_circles() {
    assert_no_circles("src/devserver");
}

/// Every source file, as `docs/ARCHITECTURE.md` names it in its file map (`app/sign_in.rs`).
fn source_files(dir: &Path, root: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        panic!("cannot read {}", dir.display());
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            source_files(&path, root, out);
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs")
            && let Ok(rel) = path.strip_prefix(root)
        {
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[test]
fn the_architecture_page_names_every_source_file_and_no_other() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = manifest.join("src");
    let mut on_disk = BTreeSet::new();
    source_files(&src, &src, &mut on_disk);
    let page = std::fs::read_to_string(manifest.join("docs/ARCHITECTURE.md")).unwrap_or_default();
    let Some((_, map)) = page.split_once("\n## File by file") else {
        panic!("docs/ARCHITECTURE.md has no \"## File by file\" section");
    };
    // Each entry of the map is a line "- `path.rs` — its job".
    let named: BTreeSet<String> = map
        .lines()
        .filter_map(|l| l.strip_prefix("- `"))
        .filter_map(|l| l.split_once('`').map(|(p, _)| p.to_string()))
        .filter(|p| p.ends_with(".rs"))
        .collect();
    let missing: Vec<_> = on_disk.difference(&named).collect();
    let gone: Vec<_> = named.difference(&on_disk).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "docs/ARCHITECTURE.md's file map is out of step with src/: not named {missing:?}; \
         named but not there {gone:?}"
    );
}
