//! Which cases a run generates: per operation, positive cases (every slot valid, optional
//! ones sometimes left out) and negative ones (one slot deliberately invalid or a required one
//! missing, the rest minimal and valid), each from its own seeded runner so that a case is
//! reproducible on its own (for shrinking and across `--concurrency`).

use super::checks::CaseKind;
use super::compiled::CompiledOp;
use super::openapi::ParamIn;
use crate::generate::json;
use proptest::prelude::*;
use proptest::strategy::{BoxedStrategy, Just, ValueTree};
use serde_json::Value;

/// The values of one case, slot by slot (`None`: not sent).
pub type Values = Vec<Option<Value>>;

/// What one case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    /// Index of the operation.
    pub op: usize,
    /// Positive or negative.
    pub kind: CaseKind,
    /// For negative cases: the slot made invalid.
    pub target: Option<usize>,
    /// Seed of this case's runner.
    pub seed: u64,
}

/// Slots that can be made invalid: a required non-path slot (by leaving it out), or one whose
/// schema compiles and has a violation to offer.
pub fn negative_targets(op: &CompiledOp) -> Vec<usize> {
    op.slots
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.checker.usable()
                && ((s.required && s.location != Some(ParamIn::Path))
                    || json::invalid(&s.schema).is_some())
        })
        .map(|(i, _)| i)
        .collect()
}

/// The plan of case `i` of a run: operations in turn; every second case negative when the
/// operation has a target and negative checks are on.
pub fn plan(i: u64, seed: u64, ops: &[CompiledOp], targets: &[Vec<usize>], negative: bool) -> Plan {
    let n = ops.len().max(1) as u64;
    let op = (i % n) as usize;
    let round = i / n;
    let case_seed = mix(seed, i);
    let t = targets.get(op).map(Vec::as_slice).unwrap_or(&[]);
    if negative && round % 2 == 1 && !t.is_empty() {
        let target = t[((round / 2) as usize) % t.len()];
        return Plan {
            op,
            kind: CaseKind::Negative,
            target: Some(target),
            seed: case_seed,
        };
    }
    Plan {
        op,
        kind: CaseKind::Positive,
        target: None,
        seed: case_seed,
    }
}

/// SplitMix64 of the run seed and the case index.
fn mix(seed: u64, i: u64) -> u64 {
    let mut z = seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The strategy of a case.
pub fn strategy(op: &CompiledOp, plan: &Plan) -> BoxedStrategy<Values> {
    let slots: Vec<BoxedStrategy<Option<Value>>> = op
        .slots
        .iter()
        .enumerate()
        .map(|(i, s)| {
            if plan.target == Some(i) {
                let missing = s.required && s.location != Some(ParamIn::Path);
                return match (json::invalid(&s.schema), missing) {
                    (Some(bad), true) => {
                        prop_oneof![1 => Just(None), 4 => bad.prop_map(Some)].boxed()
                    }
                    (Some(bad), false) => bad.prop_map(Some).boxed(),
                    (None, _) => Just(None).boxed(),
                };
            }
            let valid = json::valid(&s.schema);
            if s.required {
                valid.prop_map(Some).boxed()
            } else if plan.kind == CaseKind::Negative {
                Just(None).boxed()
            } else {
                proptest::option::of(valid).boxed()
            }
        })
        .collect();
    slots.boxed()
}

/// A value tree for a plan, retried (with the same runner) until the case confirms as what it
/// claims to be; `None` after `tries` misses.
pub fn tree(
    op: &CompiledOp,
    plan: &Plan,
    tries: usize,
) -> Option<(Box<dyn ValueTree<Value = Values>>, Option<String>)> {
    let st = strategy(op, plan);
    let mut runner = crate::generate::runner(plan.seed);
    for _ in 0..tries {
        let t = st.new_tree(&mut runner).ok()?;
        if let Ok(why) = super::wire::confirm(op, &t.current(), plan.target) {
            return Some((Box::new(t), why));
        }
    }
    None
}
