//! The layering rule of the crate's module map, enforced.
//!
//! The crate docs (`src/lib.rs`) hold a table of the modules in rank
//! order. This test reads that table and every source file of the crate,
//! and fails when a module uses (`crate::name`, in a `use`, a path or a
//! serde attribute) a module of a higher rank, when modules of the same
//! rank use each other in a cycle, or when a module is missing from the
//! table. Test code (`#[cfg(test)]` items and `tests.rs` files) may use
//! anything.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Module name → rank, from the `//! | rank | module | holds |` table.
fn ranks(lib: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for line in lib.lines() {
        let Some(row) = line.strip_prefix("//! |") else {
            continue;
        };
        let cols: Vec<&str> = row.split('|').collect();
        let Ok(rank) = cols[0].trim().parse::<u32>() else {
            continue;
        };
        for (i, part) in cols[1].split('`').enumerate() {
            if i % 2 == 1 {
                out.insert(part.to_string(), rank);
            }
        }
    }
    out
}

/// The source without comments and without test-only items.
fn strip(src: &str) -> String {
    let mut code = String::with_capacity(src.len());
    for line in src.lines() {
        code.push_str(strip_line_comment(line));
        code.push('\n');
    }
    let mut out = String::with_capacity(code.len());
    let mut rest = code.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        rest = skip_item(&rest[at + "#[cfg(test)]".len()..]);
    }
    out.push_str(rest);
    out
}

/// A line up to its `//` comment, if the `//` is outside a string literal.
fn strip_line_comment(line: &str) -> &str {
    let bytes = line.as_bytes();
    let mut in_str = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            // A quote as a character literal ('"' or b'"') opens no string.
            b'\''
                if !in_str
                    && bytes.get(i + 1) == Some(&b'"')
                    && bytes.get(i + 2) == Some(&b'\'') =>
            {
                i += 2
            }
            b'"' => in_str = !in_str,
            b'/' if !in_str && bytes.get(i + 1) == Some(&b'/') => return &line[..i],
            _ => {}
        }
        i += 1;
    }
    line
}

/// Skips the item after an attribute: through its `;` if one comes before
/// any `{`, else through its balanced braces.
fn skip_item(s: &str) -> &str {
    let semi = s.find(';');
    let brace = s.find('{');
    match (semi, brace) {
        (Some(sc), Some(b)) if sc < b => &s[sc + 1..],
        (Some(sc), None) => &s[sc + 1..],
        (_, Some(b)) => {
            let mut depth = 0usize;
            for (i, c) in s[b..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            return &s[b + i + 1..];
                        }
                    }
                    _ => {}
                }
            }
            ""
        }
        (None, None) => "",
    }
}

/// The top-level modules a source names through `crate::`.
fn uses(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // `crate::{a::X, b, c::{Y, Z}}`: the names at depth one.
            let mut depth = 1usize;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    ',' if depth == 1 => start = true,
                    c if c.is_whitespace() => {}
                    _ if start && depth == 1 => {
                        out.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

/// The top-level module a source file belongs to (`None` for the root).
fn module_of(rel: &Path) -> Option<String> {
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    match first.strip_suffix(".rs") {
        Some("lib") => None,
        Some(m) => Some(m.to_string()),
        None => Some(first),
    }
}

/// Every violation of the rule over (module, stripped source) pairs.
fn violations(ranks: &BTreeMap<String, u32>, sources: &[(String, String)]) -> Vec<String> {
    let mut bad = Vec::new();
    let mut same_rank: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for (m, code) in sources {
        let Some(&rm) = ranks.get(m) else {
            bad.push(format!(
                "module `{m}` is not in the module map of src/lib.rs"
            ));
            continue;
        };
        for n in uses(code) {
            if &n == m {
                continue;
            }
            match ranks.get(&n) {
                None => bad.push(format!("`{m}` uses `{n}`, which is not in the module map")),
                Some(&rn) if rn > rm => bad.push(format!(
                    "`{m}` (rank {rm}) uses `{n}` (rank {rn}): an upward import"
                )),
                Some(&rn) if rn == rm => {
                    same_rank.entry(m.as_str()).or_default().insert(n);
                }
                Some(_) => {}
            }
        }
    }
    // A cycle among modules of one rank: depth-first search for a back edge.
    fn visit<'a>(
        m: &'a str,
        g: &'a BTreeMap<&'a str, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        bad: &mut Vec<String>,
    ) {
        if let Some(i) = path.iter().position(|p| *p == m) {
            bad.push(format!(
                "a cycle at one rank: {} -> {m}",
                path[i..].join(" -> ")
            ));
            return;
        }
        if !done.insert(m) {
            return;
        }
        path.push(m);
        for n in g.get(m).into_iter().flatten() {
            visit(n, g, path, done, bad);
        }
        path.pop();
    }
    let mut done = BTreeSet::new();
    for m in same_rank.keys() {
        visit(m, &same_rank, &mut Vec::new(), &mut done, &mut bad);
    }
    bad
}

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect(&p, root, out);
        } else if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("tests.rs") {
            if let Some(m) = module_of(p.strip_prefix(root).unwrap()) {
                out.push((m, strip(&fs::read_to_string(&p).unwrap())));
            }
        }
    }
}

#[test]
fn no_module_uses_a_module_of_a_higher_rank() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let ranks = ranks(&fs::read_to_string(src.join("lib.rs")).unwrap());
    assert!(
        ranks.len() >= 20,
        "module map not found in src/lib.rs: {ranks:?}"
    );
    assert_eq!(ranks.get("money"), Some(&1));
    assert_eq!(ranks.get("engine"), ranks.values().max());
    let mut sources = Vec::new();
    collect(&src, &src, &mut sources);
    let bad = violations(&ranks, &sources);
    assert!(bad.is_empty(), "layering violations:\n{}", bad.join("\n"));
}

fn map() -> BTreeMap<String, u32> {
    ranks("//! | 1 | [`money`], `fnv` | x |\n//! | 4 | [`ledger`], [`exposure`] | y |\n//! | 11 | [`engine`] | z |\n")
}

fn src(m: &str, code: &str) -> (String, String) {
    (m.to_string(), strip(code))
}

#[test]
fn the_map_is_read_from_the_table_rows() {
    let r = map();
    assert_eq!(r.len(), 5);
    assert_eq!(
        (r["money"], r["fnv"], r["exposure"], r["engine"]),
        (1, 1, 4, 11)
    );
}

#[test]
fn an_upward_import_is_a_violation() {
    let bad = violations(&map(), &[src("money", "use crate::engine::CreditBook;\n")]);
    assert_eq!(
        bad,
        ["`money` (rank 1) uses `engine` (rank 11): an upward import"]
    );
    // In a group, a path or a serde attribute alike.
    for code in [
        "use crate::{fnv::X, ledger::{A, B}};",
        "let x = crate::ledger::f();",
        "#[serde(with = \"crate::ledger::serde\")]",
    ] {
        let bad = violations(&map(), &[src("money", code)]);
        assert_eq!(bad.len(), 1, "{code}: {bad:?}");
        assert!(bad[0].contains("uses `ledger`"), "{code}: {bad:?}");
    }
}

#[test]
fn downward_and_test_only_imports_are_allowed() {
    let code = "use crate::money::Money;\n// use crate::engine::X;\n/// [`E`](crate::engine::E)\n\
                #[cfg(test)]\nmod tests {\n    use crate::engine::CreditBook;\n    fn f() { { } }\n}\n\
                #[cfg(test)]\nuse crate::engine::Y;\nfn g() {}\n";
    assert_eq!(
        violations(&map(), &[src("ledger", code)]),
        Vec::<String>::new()
    );
}

#[test]
fn a_cycle_at_one_rank_and_an_unknown_module_are_violations() {
    let bad = violations(
        &map(),
        &[
            src("ledger", "use crate::exposure::F;"),
            src("exposure", "use crate::ledger::A;"),
        ],
    );
    assert_eq!(bad, ["a cycle at one rank: exposure -> ledger -> exposure"]);
    let bad = violations(&map(), &[src("ledger", "use crate::exposure::F;")]);
    assert!(bad.is_empty(), "{bad:?}");
    let bad = violations(&map(), &[src("stray", "")]);
    assert_eq!(
        bad,
        ["module `stray` is not in the module map of src/lib.rs"]
    );
}
