//! Generated cases, shared by `konform probe` (messages for a vendor's command) and
//! `konform endpoint` (requests for a live service): seeded proptest runners and one shrinking
//! loop. Strategies for JSON Schema and XSD live in the submodules.
//!
//! Both commands sit above this module and import it; it imports nothing of theirs.

pub mod content;
pub mod json;
pub mod mutate;
pub mod reduce;
pub mod tree;
pub mod xml;
pub mod xsd;

use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// A deterministic runner: the same seed yields the same cases on every machine and run.
pub fn runner(seed: u64) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let config = Config {
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, rng)
}

/// A seed for runs without `--seed`; the report records it so the run can be repeated.
pub fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    (nanos as u64) ^ ((nanos >> 64) as u64) ^ u64::from(std::process::id())
}

/// The outcome of shrinking one failing case.
#[derive(Debug, Clone)]
pub struct Shrunk<V> {
    /// The smallest value found that still fails.
    pub value: V,
    /// How many candidate values were tried.
    pub steps: usize,
}

/// Shrinks a failing case with proptest's simplify/complicate protocol: a simpler value that
/// still fails is kept and simplified further; one that passes is complicated back towards the
/// last failing value. Stops after `max_steps` candidates. `fails` must be deterministic enough
/// for the result to be meaningful (a flaky subject shrinks to an arbitrary failing value).
pub fn shrink<T: ValueTree>(
    tree: &mut T,
    max_steps: usize,
    mut fails: impl FnMut(&T::Value) -> bool,
) -> Shrunk<T::Value> {
    let mut best = tree.current();
    let mut steps = 0;
    if !tree.simplify() {
        return Shrunk { value: best, steps };
    }
    while steps < max_steps {
        steps += 1;
        let candidate = tree.current();
        if fails(&candidate) {
            best = candidate;
            if !tree.simplify() {
                break;
            }
        } else if !tree.complicate() {
            break;
        }
    }
    Shrunk { value: best, steps }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::Strategy;

    #[test]
    fn same_seed_same_cases() {
        let strategy = proptest::collection::vec(0u32..1000, 0..20);
        let draw = |seed| {
            let mut r = runner(seed);
            (0..5)
                .map(|_| strategy.new_tree(&mut r).unwrap().current())
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
    }

    #[test]
    fn shrinks_to_the_boundary() {
        // "fails" when the vector holds a value of at least 500: the minimal failing case is [500].
        let strategy = proptest::collection::vec(0u32..1000, 0..20);
        let mut r = runner(1);
        let mut tree = loop {
            let t = strategy.new_tree(&mut r).unwrap();
            if t.current().iter().any(|&v| v >= 500) {
                break t;
            }
        };
        let out = shrink(&mut tree, 10_000, |v| v.iter().any(|&x| x >= 500));
        assert_eq!(out.value, vec![500]);
        assert!(out.steps > 0);
    }
}
