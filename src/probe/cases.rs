//! Preparing generation for a standard: calibrated templates from seed messages and their
//! rule-targeted mutants; and `konform generate`'s batches of valid or rule-violating messages.

use super::{Oracle, ProbeError, ProbeOptions, Seed};
use crate::generate::mutate::{Mutant, targeted_mutants};
use crate::generate::runner;
use crate::generate::tree::Element;
use crate::generate::xml::Template;
use crate::generate::xsd::SchemaModel;
use crate::report::model::{DocumentResult, Verdict};
use proptest::strategy::{Strategy, ValueTree};

/// A template with its mutants.
pub(crate) struct Prepared {
    pub(crate) template: Template,
    pub(crate) mutants: Vec<Mutant>,
}

/// Calibrates the seeds and finds their mutants.
pub(crate) fn prepare(
    seeds: &[Seed],
    oracle: &mut Oracle<'_>,
    opts: &ProbeOptions,
) -> Result<(Vec<Prepared>, usize), ProbeError> {
    let schema = SchemaModel::of_package(&opts.standard);
    let near = near_names(oracle, opts);
    let content = crate::generate::content::ContentModel::of_package(&opts.standard);
    let mut out = Vec::new();
    let mut edits = 0;
    for (k, s) in seeds.iter().enumerate() {
        let mut judge = |e: &Element| oracle.judge(e);
        let Some(template) = Template::calibrate(
            &s.name,
            s.tree.clone(),
            &schema,
            opts.calibration_budget,
            &mut judge,
        ) else {
            continue;
        };
        edits += crate::generate::mutate::all_mutations(&template.seed, Some(&content))
            .len()
            .min(opts.mutation_budget);
        let found = targeted_mutants(
            &template.seed,
            crate::generate::mutate::Targets {
                baseline: &template.baseline,
                only: &opts.rules,
                per_rule: 2,
                near: &near,
                content: Some(&content),
            },
            opts.seed ^ (k as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15),
            opts.mutation_budget,
            &mut judge,
        );
        // Interleave rules so that round-robin over the list visits every rule early.
        let mut mutants = Vec::new();
        for round in 0..2 {
            for list in found.values() {
                if let Some(m) = list.get(round) {
                    mutants.push(m.clone());
                }
            }
        }
        out.push(Prepared { template, mutants });
    }
    if out.is_empty() {
        return Err(ProbeError::Config(format!(
            "none of the {} seed message(s) is conformant to {}; generation needs at least one valid message (--seeds)",
            seeds.len(),
            opts.standard.spec.key()
        )));
    }
    Ok((out, edits))
}

/// Element names the contexts of the targeted rules (`--rules`) mention.
fn near_names(oracle: &Oracle<'_>, opts: &ProbeOptions) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    if opts.rules.is_empty() {
        return out;
    }
    if let Ok(c) = oracle.validator().compiled(&opts.standard) {
        // Unknown here which profiles the seeds have: every engine (a failed compile has been
        // reported by validation already).
        let _ = c.compile_all();
        for e in (0..c.engine_count()).filter_map(|i| c.engine(i)) {
            for (id, text) in e.rule_contexts() {
                if opts.rules.contains(&id) {
                    out.extend(crate::generate::mutate::mentioned_names(&text));
                }
            }
        }
    }
    out
}

/// The calibrated templates for seed messages (what generated valid cases come from).
pub fn templates(
    validator: &crate::pipeline::Validator,
    seeds: &[Seed],
    opts: &ProbeOptions,
) -> Result<Vec<Template>, ProbeError> {
    let mut oracle = Oracle::new(validator);
    Ok(prepare(seeds, &mut oracle, opts)?
        .0
        .into_iter()
        .map(|p| p.template)
        .collect())
}

/// What `konform generate` should write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want {
    /// Conformant messages.
    Valid,
    /// Messages violating exactly this rule.
    Invalid(String),
}

/// Generates `count` messages of the wanted kind, each with konform's judgement of it.
/// Invalid messages are mutants of varied seeds, kept only when they violate exactly the rule.
pub fn generate(
    validator: &crate::pipeline::Validator,
    seeds: &[Seed],
    want: &Want,
    count: usize,
    opts: &ProbeOptions,
) -> Result<Vec<(Vec<u8>, DocumentResult)>, ProbeError> {
    let mut oracle = Oracle::new(validator);
    let (prepared, _) = prepare(seeds, &mut oracle, opts)?;
    let pool: Vec<(&Prepared, &Mutant)> = match want {
        Want::Valid => Vec::new(),
        Want::Invalid(rule) => prepared
            .iter()
            .flat_map(|p| p.mutants.iter().map(move |m| (p, m)))
            .filter(|(_, m)| &m.rule == rule)
            .collect(),
    };
    if let (Want::Invalid(rule), true) = (want, pool.is_empty()) {
        return Err(ProbeError::Config(format!(
            "no edit of the seed messages violates {rule} alone (within --mutation-budget {}); \
             try more seeds or a larger budget",
            opts.mutation_budget
        )));
    }
    let mut rng = runner(opts.seed);
    let mut out = Vec::new();
    let mut tries = 0;
    while out.len() < count && tries < count * 4 + 16 {
        tries += 1;
        let k = tries;
        let (p, mutant) = match want {
            Want::Valid => (&prepared[k % prepared.len()], None),
            Want::Invalid(_) => {
                let (p, m) = pool[k % pool.len()];
                (p, Some(m))
            }
        };
        let plan = p
            .template
            .plans()
            .new_tree(&mut rng)
            .map_err(|e| ProbeError::Config(e.to_string()))?
            .current();
        let tree: Element = match mutant {
            None => p.template.instantiate(&plan),
            Some(m) => {
                let mut t = p.template.instantiate(&p.template.values_only(&plan));
                m.mutation.apply(&mut t);
                t
            }
        };
        let bytes = tree.to_xml().into_bytes();
        let r = oracle.validate("generated.xml", bytes.clone());
        let new: Vec<&str> = r
            .findings
            .iter()
            .map(|f| f.rule.as_str())
            .filter(|x| !p.template.baseline.contains(*x))
            .collect();
        let ok = match want {
            Want::Valid => r.verdict == Verdict::Conformant,
            Want::Invalid(rule) => !new.is_empty() && new.iter().all(|x| x == rule),
        };
        if ok {
            out.push((bytes, r));
        }
    }
    Ok(out)
}
