//! Keeps the house one-way: reads the floors from the layout in `lib.rs`
//! and every `crate::` path in `src/` (in `use` lines and in code), and
//! fails on a module that uses one on a floor above its own, or one on its
//! own floor, or that is missing from the map. Test modules at the end of a
//! file (`#[cfg(test)]`) may use anything and are not read.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// What marks an import allowed to go up a floor, on the line before it.
const UP_A_FLOOR: &str = "// Up a floor:";

/// Module → floor, from the `## Floor N` headings and their `- [`name`]`
/// lines in `lib.rs`'s layout comment.
fn floors(lib: &str) -> BTreeMap<String, u32> {
    let mut map = BTreeMap::new();
    let mut floor = None;
    for line in lib.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            continue;
        };
        let doc = doc.trim();
        if let Some(heading) = doc.strip_prefix("## Floor ") {
            let number: String = heading.chars().take_while(char::is_ascii_digit).collect();
            floor = number.parse().ok();
        } else if let (Some(f), Some(item)) = (floor, doc.strip_prefix("- [`")) {
            if let Some((name, _)) = item.split_once('`') {
                map.insert(name.to_owned(), f);
            }
        }
    }
    map
}

/// The modules `lib.rs` declares for the library (not its test-only ones).
fn declared(lib: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut test_only = false;
    for line in lib.lines() {
        let line = line.trim();
        if line == "#[cfg(test)]" {
            test_only = true;
        } else if let Some(rest) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
        {
            if !test_only {
                out.push(rest.trim_end_matches(';').to_owned());
            }
            test_only = false;
        } else if !line.starts_with("#[") && !line.starts_with("///") {
            test_only = false;
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .expect("src/ can be read")
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A use of another module: which one, and where.
#[derive(Debug, PartialEq, Eq)]
struct Use {
    module: String,
    line: usize,
    /// The line before it says why it goes up a floor.
    explained: bool,
}

/// The top-level modules a file's code names through `crate::`: in paths,
/// and in `use crate::{a, b::{c, d}}` groups, over as many lines as they take.
fn uses(source: &str) -> Vec<Use> {
    // The tests at the end of a file may use anything.
    let code = source.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
    let lines: Vec<&str> = code.lines().collect();
    // Comments say nothing about imports: blank them, keeping the offsets.
    let cleaned: String = lines
        .iter()
        .map(|l| match l.find("//") {
            Some(at) => format!("{}{}\n", &l[..at], " ".repeat(l.len() - at)),
            None => format!("{l}\n"),
        })
        .collect();
    let line_of = |offset: usize| cleaned[..offset].matches('\n').count() + 1;
    let explained = |line: usize| line > 1 && lines[line - 2].trim_start().starts_with(UP_A_FLOOR);
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(found) = cleaned[from..].find("crate::") {
        let at = from + found;
        from = at + "crate::".len();
        if cleaned[..at]
            .chars()
            .next_back()
            .is_some_and(|c| ident(c) || c == '$')
        {
            continue;
        }
        let line = line_of(at);
        let why = explained(line);
        let rest = &cleaned[from..];
        if !rest.starts_with('{') {
            let name: String = rest.chars().take_while(|&c| ident(c)).collect();
            if !name.is_empty() {
                out.push(Use {
                    module: name,
                    line,
                    explained: why,
                });
            }
            continue;
        }
        // A group: the first name of each item at the top level is a module.
        let mut depth = 0;
        let mut head = String::new();
        let mut head_at = 0;
        let mut in_head = true;
        for (k, c) in rest.char_indices() {
            match c {
                '{' => {
                    depth += 1;
                    if depth == 1 {
                        continue;
                    }
                }
                '}' => depth -= 1,
                ',' if depth == 1 => in_head = true,
                _ => {}
            }
            if depth == 1 && in_head && ident(c) {
                if head.is_empty() {
                    head_at = from + k;
                }
                head.push(c);
                continue;
            }
            if depth == 1 && in_head && (c.is_whitespace() || c == ',') && head.is_empty() {
                continue;
            }
            in_head = false;
            if !head.is_empty() {
                if head != "self" {
                    out.push(Use {
                        module: std::mem::take(&mut head),
                        line: line_of(head_at),
                        explained: why,
                    });
                }
                head.clear();
            }
            if depth == 0 {
                break;
            }
        }
    }
    out
}

/// Every break of the map, as lines for a person to read.
fn breaks(src: &Path) -> Vec<String> {
    let lib = fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let floor = floors(&lib);
    let mut problems = Vec::new();
    for module in declared(&lib) {
        if !floor.contains_key(&module) {
            problems.push(format!(
                "src/lib.rs: module `{module}` is on no floor of the layout"
            ));
        }
    }
    let mut files = Vec::new();
    rust_files(src, &mut files);
    for path in files {
        let relative = path.strip_prefix(src).expect("under src");
        let own = match relative.components().next() {
            Some(c) => c
                .as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_owned(),
            None => continue,
        };
        // The crate root, the binary and test-only files stand outside the floors.
        if matches!(own.as_str(), "lib" | "main" | "layers") {
            continue;
        }
        let Some(&own_floor) = floor.get(&own) else {
            problems.push(format!(
                "{}: module `{own}` is on no floor",
                relative.display()
            ));
            continue;
        };
        let source = fs::read_to_string(&path).expect("a source file");
        for u in uses(&source) {
            if u.module == own {
                continue;
            }
            let where_ = format!("src/{}:{}", relative.display(), u.line);
            match floor.get(&u.module) {
                None => problems.push(format!("{where_}: `{own}` uses `{}`, which is on no floor", u.module)),
                Some(&f) if f == own_floor => problems.push(format!(
                    "{where_}: `{own}` uses `{}`, on the same floor ({f}): what both need belongs on a floor below",
                    u.module
                )),
                Some(&f) if f > own_floor && !u.explained => problems.push(format!(
                    "{where_}: `{own}` (floor {own_floor}) uses `{}` (floor {f}), a floor above, without a `{UP_A_FLOOR}` comment saying why",
                    u.module
                )),
                Some(_) => {}
            }
        }
    }
    problems
}

#[test]
fn the_house_is_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = breaks(&src);
    assert!(
        problems.is_empty(),
        "imports that break the floors in src/lib.rs:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_map_is_read_from_the_layout() {
    let lib = "//! ## Floor 2: up\n//!\n//! - [`app`]: x\n//! ## Floor 0: ground\n//! - [`i18n`]: y\npub mod app;\n#[cfg(test)]\nmod layers;\n";
    let floors = floors(lib);
    assert_eq!(floors.get("app"), Some(&2));
    assert_eq!(floors.get("i18n"), Some(&0));
    assert_eq!(declared(lib), vec!["app".to_owned()]);
}

#[test]
fn every_crate_path_is_seen() {
    let source = "use crate::db::Db;\nuse crate::{auth::Action, web::{self, Ctx}};\n\
        // Up a floor: the reason\nuse crate::{\n    money::Money,\n    i18n::{Lang, Tr},\n};\n\
        fn f() { crate::common::clock::now(); $crate::x::y(); } // crate::comment::ignored\n\
        #[cfg(test)]\nmod tests { use crate::app; }\n";
    let found: Vec<(String, usize, bool)> = uses(source)
        .into_iter()
        .map(|u| (u.module, u.line, u.explained))
        .collect();
    assert_eq!(
        found,
        vec![
            ("db".to_owned(), 1, false),
            ("auth".to_owned(), 2, false),
            ("web".to_owned(), 2, false),
            ("money".to_owned(), 5, true),
            ("i18n".to_owned(), 6, true),
            ("common".to_owned(), 8, false),
        ]
    );
}
