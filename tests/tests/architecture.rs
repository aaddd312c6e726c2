//! The layer rules of the workspace as failing tests: what each crate may depend on, where the
//! contracts and SQL may appear, how large a source file may grow and that no crate's modules
//! import each other in a circle. Read from `cargo metadata` and the source tree, so that a rule
//! broken by a new `use` line fails here before review.
//!
//! Test code (files named `tests.rs`, files under a `tests/` or `benches/` directory, and a
//! trailing `#[cfg(test)] mod tests { … }`) is exempt: tests create databases and build requests.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A production source file over this many lines is split by meaning.
const MAX_PRODUCTION_LINES: usize = 800;

/// The workspace root: this crate lives in `tests/`.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from(".."))
}

/// Each workspace package's name and the names of its normal (non-dev, non-build) dependencies.
fn workspace_dependencies() -> BTreeMap<String, BTreeSet<String>> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(workspace_root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("cargo metadata prints JSON");
    let packages = metadata["packages"].as_array().expect("a package list");
    packages
        .iter()
        .map(|package| {
            let name = package["name"].as_str().unwrap_or_default().to_owned();
            let dependencies = package["dependencies"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|dependency| dependency["kind"].is_null())
                .filter_map(|dependency| dependency["name"].as_str().map(str::to_owned))
                .collect();
            (name, dependencies)
        })
        .collect()
}

/// A source file of the workspace, with its production part (test code cut off).
struct SourceFile {
    /// Relative to the workspace root, with `/` separators.
    path: String,
    /// The code before the unit-test module, comments left out.
    production: String,
    /// The lines before the unit-test module, comments included.
    production_lines: usize,
}

impl SourceFile {
    fn is_under(&self, prefix: &str) -> bool {
        self.path.starts_with(prefix)
    }
}

fn is_test_path(relative: &str) -> bool {
    relative.ends_with("/tests.rs")
        || relative.starts_with("tests/")
        || relative.contains("/tests/")
        || relative.contains("/benches/")
}

/// The number of lines before the file's trailing unit-test module, if any.
fn test_module_start(lines: &[&str]) -> usize {
    lines
        .windows(2)
        .position(|pair| {
            pair[0].trim() == "#[cfg(test)]"
                && pair[1].starts_with("mod ")
                && pair[1].trim_end().ends_with('{')
        })
        .unwrap_or(lines.len())
}

/// The file's code up to its trailing unit-test module, if any.
fn production_part(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let cut = test_module_start(&lines);
    // Comments may name anything; only code counts.
    lines[..cut]
        .iter()
        .filter(|line| !line.trim_start().starts_with("//"))
        .copied()
        .collect::<Vec<_>>()
        .join("\n")
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The files and directories of modules declared `#[cfg(test)] mod name;`: test support, compiled
/// only into tests.
fn test_only_modules(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut modules = Vec::new();
    for file in files {
        let Ok(text) = std::fs::read_to_string(file) else {
            continue;
        };
        let Some(dir) = file.parent() else {
            continue;
        };
        // `foo.rs` declares its children in `foo/`; `lib.rs`, `main.rs` and `mod.rs` beside them.
        let stem = file
            .file_stem()
            .and_then(|stem| stem.to_str())
            .unwrap_or_default();
        let children = if matches!(stem, "lib" | "main" | "mod") {
            dir.to_path_buf()
        } else {
            dir.join(stem)
        };
        let lines: Vec<&str> = text.lines().collect();
        for pair in lines.windows(2) {
            let declared = pair[1].trim();
            if pair[0].trim() == "#[cfg(test)]"
                && let Some(name) = declared
                    .strip_prefix("mod ")
                    .or_else(|| declared.strip_prefix("pub mod "))
                    .or_else(|| declared.strip_prefix("pub(crate) mod "))
                    .and_then(|rest| rest.strip_suffix(';'))
            {
                modules.push(children.join(format!("{name}.rs")));
                modules.push(children.join(name));
            }
        }
    }
    modules
}

/// Every production source file under `crates/*/src` and `services/*/src`.
fn production_sources() -> Vec<SourceFile> {
    let root = workspace_root();
    let mut files = Vec::new();
    for group in ["crates", "services"] {
        let Ok(members) = std::fs::read_dir(root.join(group)) else {
            continue;
        };
        for member in members.flatten() {
            collect_rust_files(&member.path().join("src"), &mut files);
        }
    }
    let test_modules = test_only_modules(&files);
    let mut sources: Vec<SourceFile> = files
        .into_iter()
        .filter(|path| !test_modules.iter().any(|module| path.starts_with(module)))
        .filter_map(|path| {
            let relative = path
                .strip_prefix(&root)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            if is_test_path(&relative) {
                return None;
            }
            let text = std::fs::read_to_string(&path).ok()?;
            let lines: Vec<&str> = text.lines().collect();
            Some(SourceFile {
                path: relative,
                production: production_part(&text),
                production_lines: test_module_start(&lines),
            })
        })
        .collect();
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    assert!(
        sources.len() > 50,
        "the source tree was not found from {}",
        root.display()
    );
    sources
}

/// Whether `text` names the crate or module `name` as a path root (`name::` or `use name`).
fn mentions_path(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = &text[at + name.len()..];
        !before.is_some_and(|c| c.is_alphanumeric() || c == '_')
            && (after.starts_with("::") || after.starts_with(';') || after.starts_with(" as "))
    })
}

#[test]
fn services_never_depend_on_each_other() {
    let dependencies = workspace_dependencies();
    let of = |package: &str| dependencies.get(package).cloned().unwrap_or_default();
    assert!(
        !of("partyregistry-reporting").contains("partyregistry-membership"),
        "the reporting service learns membership only through the contracts and the feed"
    );
    assert!(
        !of("partyregistry-membership").contains("partyregistry-reporting"),
        "the system of record knows nothing of its readers"
    );
}

#[test]
fn plain_crates_carry_no_transport_or_storage() {
    let dependencies = workspace_dependencies();
    let forbidden = [
        "tonic",
        "sqlx",
        "tokio-rustls",
        "prost",
        "partyregistry-proto",
        "partyregistry-kit",
    ];
    for package in [
        "partyregistry-vocab",
        "partyregistry-rules",
        "partyregistry-roster",
    ] {
        let found: Vec<&str> = forbidden
            .iter()
            .copied()
            .filter(|name| dependencies.get(package).is_some_and(|d| d.contains(*name)))
            .collect();
        assert!(found.is_empty(), "{package} depends on {found:?}");
    }
}

#[test]
fn domains_and_report_math_do_not_speak_the_wire_format() {
    let offenders: Vec<String> = production_sources()
        .iter()
        .filter(|file| {
            (file.is_under("services/membership/src/domain/")
                && (mentions_path(&file.production, "partyregistry_proto")
                    || mentions_path(&file.production, "tonic")
                    || mentions_path(&file.production, "sqlx")))
                || (file.is_under("services/reporting/src/report/")
                    && (file.production.contains("membership::v1")
                        || mentions_path(&file.production, "sqlx")))
        })
        .map(|file| file.path.clone())
        .collect();
    assert!(
        offenders.is_empty(),
        "the domain and the report math use their own types; protobuf lives at the gRPC edge \
         and SQL in the store: {offenders:?}"
    );
}

#[test]
fn sql_lives_only_in_the_stores_and_the_kits_database_modules() {
    let allowed = |path: &str| {
        (path.starts_with("services/") && path.contains("/src/store"))
            // The audit trail's own modules (its chain) are part of it.
            || path.starts_with("crates/kit/src/audit/")
            // So are the database module's own submodules.
            || path.starts_with("crates/kit/src/db/")
            || matches!(
                path,
                "crates/kit/src/db.rs"
                    | "crates/kit/src/test_database.rs"
                    | "crates/kit/src/audit.rs"
                    | "crates/kit/src/error.rs"
            )
    };
    let offenders: Vec<String> = production_sources()
        .iter()
        .filter(|file| !allowed(&file.path) && mentions_path(&file.production, "sqlx"))
        .map(|file| file.path.clone())
        .collect();
    assert!(
        offenders.is_empty(),
        "sqlx is imported outside the stores: {offenders:?}"
    );
}

#[test]
fn no_production_file_outgrows_its_meaning() {
    let oversized: Vec<String> = production_sources()
        .iter()
        .filter(|file| file.production_lines > MAX_PRODUCTION_LINES)
        .map(|file| format!("{} ({} lines)", file.path, file.production_lines))
        .collect();
    assert!(
        oversized.is_empty(),
        "production files over {MAX_PRODUCTION_LINES} lines: {oversized:?}"
    );
}

/// The module path of a file inside its crate's `src/` (`store/members.rs` → `store::members`,
/// `store/mod.rs` → `store`, `lib.rs` → the crate root ``).
fn module_path(src_relative: &str) -> String {
    let without_extension = src_relative.trim_end_matches(".rs");
    let path = without_extension
        .trim_end_matches("/mod")
        .trim_start_matches("lib")
        .trim_start_matches("main");
    path.replace('/', "::")
}

/// The modules a file's production code names through `crate::…` and `super::…` paths, resolved
/// to the longest module of `known` that each path starts with. A parent's `pub use child::…` and
/// `mod child;` are not counted: they declare and re-export, they do not depend.
fn referenced_modules(own: &str, text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut targets = BTreeSet::new();
    let parent = own.rsplit_once("::").map_or("", |(parent, _)| parent);
    for line in text.lines() {
        let line = line.trim_start();
        if line.starts_with("//") || line.starts_with("mod ") || line.starts_with("pub mod ") {
            continue;
        }
        // `use child::…` (or `self::child::…`) in a parent: the parent depends on its child.
        if let Some(rest) = line
            .strip_prefix("use ")
            .map(|rest| rest.trim_start_matches("self::"))
        {
            let first = rest.split("::").next().unwrap_or_default();
            let child = if own.is_empty() {
                first.to_owned()
            } else {
                format!("{own}::{first}")
            };
            if known.contains(&child) {
                targets.insert(child);
            }
        }
        for (root, base) in [("crate::", String::new()), ("super::", parent.to_owned())] {
            for (at, _) in line.match_indices(root) {
                if line[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':')
                {
                    continue;
                }
                let rest = &line[at + root.len()..];
                let segments: Vec<&str> = rest
                    .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .next()
                    .unwrap_or_default()
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .collect();
                let brace_items: Vec<String> = if rest
                    .trim_start_matches(|c: char| c.is_alphanumeric() || c == '_' || c == ':')
                    .starts_with('{')
                {
                    let inner = rest.split('{').nth(1).unwrap_or_default();
                    inner
                        .split(['}', ','])
                        .map(|item| {
                            item.trim()
                                .split("::")
                                .next()
                                .unwrap_or_default()
                                .to_owned()
                        })
                        .filter(|item| !item.is_empty())
                        .collect()
                } else {
                    Vec::new()
                };
                // `crate::{a, b}` names `a` and `b`, not the crate root.
                let mut candidates = if brace_items.is_empty() {
                    vec![segments.clone()]
                } else {
                    Vec::new()
                };
                for item in &brace_items {
                    let mut with_item = segments.clone();
                    with_item.push(item);
                    candidates.push(with_item);
                }
                for candidate in candidates {
                    let mut best: Option<String> = None;
                    for take in (0..=candidate.len()).rev() {
                        let mut path: Vec<&str> = Vec::new();
                        if !base.is_empty() {
                            path.push(&base);
                        }
                        path.extend(&candidate[..take]);
                        let joined = path.join("::");
                        if known.contains(&joined) {
                            best = Some(joined);
                            break;
                        }
                    }
                    if let Some(target) = best
                        && target != own
                    {
                        let is_child = target
                            .strip_prefix(own)
                            .is_some_and(|rest| rest.starts_with("::") || own.is_empty());
                        let reexport = line.starts_with("pub use") && is_child;
                        if !reexport {
                            targets.insert(target);
                        }
                    }
                }
            }
        }
    }
    targets
}

/// A circle in `graph`, if there is one, as the modules along it.
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        marks: &mut BTreeMap<String, Mark>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match marks.get(node) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let from = stack.iter().position(|n| n == node).unwrap_or(0);
                let mut circle = stack[from..].to_vec();
                circle.push(node.to_owned());
                return Some(circle);
            }
            None => {}
        }
        marks.insert(node.to_owned(), Mark::Open);
        stack.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(circle) = visit(next, graph, marks, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        marks.insert(node.to_owned(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    for node in graph.keys() {
        if let Some(circle) = visit(node, graph, &mut marks, &mut Vec::new()) {
            return Some(circle);
        }
    }
    None
}

#[test]
fn no_crate_imports_its_own_modules_in_a_circle() {
    let sources = production_sources();
    let mut crates: BTreeMap<String, Vec<&SourceFile>> = BTreeMap::new();
    for file in &sources {
        if let Some((crate_dir, _)) = file.path.split_once("/src/") {
            crates.entry(crate_dir.to_owned()).or_default().push(file);
        }
    }
    let mut circles = Vec::new();
    for (crate_dir, files) in &crates {
        let prefix = format!("{crate_dir}/src/");
        let modules: Vec<(String, &SourceFile)> = files
            .iter()
            .map(|file| (module_path(&file.path[prefix.len()..]), *file))
            .collect();
        let known: BTreeSet<String> = modules.iter().map(|(module, _)| module.clone()).collect();
        let graph: BTreeMap<String, BTreeSet<String>> = modules
            .iter()
            .map(|(module, file)| {
                (
                    module.clone(),
                    referenced_modules(module, &file.production, &known),
                )
            })
            .collect();
        if let Some(circle) = find_circle(&graph) {
            circles.push(format!("{crate_dir}: {}", circle.join(" → ")));
        }
    }
    assert!(
        circles.is_empty(),
        "modules importing in a circle: {circles:#?}"
    );
}

#[test]
fn the_circle_finder_finds_circles_and_resolves_paths() {
    let known: BTreeSet<String> = ["", "a", "a::b", "c"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        referenced_modules("a::b", "use super::X;\nuse crate::c::{Y, Z};", &known),
        ["a", "c"].iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(
        referenced_modules("a", "pub use b::X;\nmod b;\nuse crate::a::b::Y;", &known),
        ["a::b"].iter().map(|s| s.to_string()).collect()
    );
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", vec!["c"]), ("c", vec!["a::b"]), ("a::b", vec!["a"])]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_iter().map(str::to_owned).collect()))
            .collect();
    assert_eq!(
        find_circle(&graph),
        Some(vec!["a".into(), "c".into(), "a::b".into(), "a".into()])
    );
}
