//! The deterministic simulation of the book over a fixed range of seeds
//! (see `credit_harness::sim`). A failure prints its seed; replay it with
//! `SIM_SEEDS=N..N+1 cargo test -p credit-harness --test simulation`.
//! `scripts/simulate.sh` runs a long range.

fn range(var: &str, default: std::ops::Range<u64>) -> std::ops::Range<u64> {
    match std::env::var(var) {
        Ok(v) => {
            let (a, b) = v.split_once("..").expect("SIM_SEEDS=A..B");
            a.parse().expect("a number")..b.parse().expect("a number")
        }
        Err(_) => default,
    }
}

#[test]
fn seeded_runs_keep_every_invariant() {
    let seeds = range("SIM_SEEDS", 0..24);
    let steps: usize = std::env::var("SIM_STEPS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(250);
    let mut total = credit_harness::sim::Stats::default();
    for seed in seeds.clone() {
        match credit_harness::sim::run(seed, steps) {
            Ok(s) => {
                total.steps += s.steps;
                total.burst_checks += s.burst_checks;
                total.approved += s.approved;
                total.restores += s.restores;
                total.invariant_checks += s.invariant_checks;
            }
            Err(f) => panic!(
                "seed {seed} failed at {f}\nreplay: SIM_SEEDS={seed}..{} SIM_STEPS={steps} cargo test -p credit-harness --test simulation",
                seed + 1
            ),
        }
    }
    eprintln!("simulated seeds {seeds:?}: {total:?}");
    // The runs did real work: checks in bursts, approvals, restores.
    assert!(total.burst_checks > 0 && total.approved > 0 && total.restores > 0);
}
