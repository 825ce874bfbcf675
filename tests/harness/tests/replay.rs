//! Every seed input and every crash input found by the fuzzers
//! (`fuzz/seeds/TARGET`, `fuzz/regressions/TARGET`) replays here as an
//! ordinary test, so a crash once found stays fixed without a fuzzer.

use std::path::PathBuf;

fn replay(name: &str) {
    let (_, body) = credit_harness::TARGETS
        .iter()
        .find(|(n, _)| *n == name)
        .expect("a target of that name");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut n = 0;
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(name)) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            let data = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            eprintln!("replaying {}", p.display());
            body(&data);
            n += 1;
        }
    }
    assert!(n > 0, "no seed inputs for {name}");
}

#[test]
fn terms() {
    replay("terms");
}

#[test]
fn policy() {
    replay("policy");
}

#[test]
fn scorecard() {
    replay("scorecard");
}

#[test]
fn plans() {
    replay("plans");
}

#[test]
fn book() {
    replay("book");
}

#[test]
fn ffi() {
    replay("ffi");
}

/// Times each seed of a target (run with --nocapture --ignored).
#[test]
#[ignore]
fn time_seeds() {
    let target = std::env::var("TARGET").unwrap_or_else(|_| "book".into());
    let (_, body) = credit_harness::TARGETS
        .iter()
        .find(|(n, _)| *n == target)
        .unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    for dir in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(&target)) else {
            continue;
        };
        for e in entries.flatten() {
            let data = std::fs::read(e.path()).unwrap();
            let t = std::time::Instant::now();
            body(&data);
            eprintln!(
                "{:>8.1} ms  {} bytes  {}",
                t.elapsed().as_secs_f64() * 1e3,
                data.len(),
                e.path().display()
            );
        }
    }
}
