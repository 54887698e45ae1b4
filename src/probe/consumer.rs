//! Consumer mode: generated messages go to the vendor's command. Conformant ones (per konform)
//! must be accepted, rule-targeted mutants rejected; a crash or a timeout is a failure
//! whatever the message. The first failure of each kind is shrunk and saved as a vector.

use super::cases::prepare;
use super::exec::{Ended, Subject};
use super::{Failures, Oracle, ProbeError, ProbeOptions, Seed, Tally, failure_result, save_vector};
use crate::generate::mutate::Mutant;
use crate::generate::reduce::Reduction;
use crate::generate::tree::Element;
use crate::generate::{runner, shrink};
use crate::pipeline::Validator;
use crate::report::model::{DocumentResult, Verdict};
use crate::report::probe::{ProbeFailure, ProbeMode, ProbeReport};
use proptest::strategy::{Strategy, ValueTree};
use std::collections::BTreeSet;
use std::time::Instant;

/// What a case is expected to do, by konform's verdict.
fn classify(verdict: Verdict, ended: &Ended) -> Option<&'static str> {
    match (ended, verdict) {
        (Ended::Crashed(_), _) => Some("KONFORM-PROBE-003"),
        (Ended::TimedOut, _) => Some("KONFORM-PROBE-004"),
        (Ended::Rejected(_), Verdict::Conformant) => Some("KONFORM-PROBE-001"),
        (Ended::Accepted, Verdict::NonConformant) => Some("KONFORM-PROBE-002"),
        _ => None,
    }
}

fn words(ended: &Ended) -> String {
    match ended {
        Ended::Accepted => "accepted it".into(),
        Ended::Rejected(c) => format!("rejected it (exit status {c})"),
        Ended::Crashed(s) => format!("crashed (signal {s})"),
        Ended::TimedOut => "did not finish within the timeout".into(),
    }
}

/// Runs consumer mode; returns the probe section and one result per failure.
pub fn run(
    validator: &Validator,
    subject: &Subject,
    seeds: &[Seed],
    opts: &ProbeOptions,
) -> Result<(ProbeReport, Vec<DocumentResult>), ProbeError> {
    let mut oracle = Oracle::new(validator);
    let (prepared, edits) = prepare(seeds, &mut oracle, opts)?;
    let dir = tempfile::tempdir().map_err(|e| ProbeError::Config(e.to_string()))?;
    let case_file = dir.path().join("case.xml");
    let mut tally = Tally {
        mutated: prepared
            .iter()
            .flat_map(|p| p.mutants.iter().map(|m| m.rule.clone()))
            .collect(),
        ..Tally::default()
    };
    let mut failures = Failures::default();
    let mut rng = runner(opts.seed);
    let (mut valid, mut mutant_cases) = (0, 0);
    let mut hits: std::collections::BTreeMap<String, usize> = Default::default();
    let started = Instant::now();
    let mut shrinking = std::time::Duration::ZERO;
    for k in 0..opts.cases {
        let p = &prepared[(k / 2) % prepared.len()];
        let plan = p
            .template
            .plans()
            .new_tree(&mut rng)
            .map_err(|e| ProbeError::Config(e.to_string()))?
            .current();
        let (tree, target) = if k % 2 == 1 && !p.mutants.is_empty() {
            // The mutant whose rule was targeted least so far (rotating among ties).
            let rot = k / 2 / prepared.len();
            let m = (0..p.mutants.len())
                .map(|j| &p.mutants[(j + rot) % p.mutants.len()])
                .min_by_key(|m| hits.get(&m.rule).copied().unwrap_or(0))
                .unwrap_or(&p.mutants[0]);
            *hits.entry(m.rule.clone()).or_default() += 1;
            let mut t = p.template.instantiate(&p.template.values_only(&plan));
            m.mutation.apply(&mut t);
            (t, Some(m))
        } else {
            (p.template.instantiate(&plan), None)
        };
        let bytes = tree.to_xml().into_bytes();
        let result = oracle.validate("case.xml", bytes.clone());
        tally.record(&result);
        if result.verdict == Verdict::Error {
            continue;
        }
        if result.verdict == Verdict::Conformant {
            valid += 1;
        } else {
            mutant_cases += 1;
        }
        std::fs::write(&case_file, &bytes).map_err(|e| ProbeError::Config(e.to_string()))?;
        let ended = subject.run(&case_file)?.ended;
        let Some(rule) = classify(result.verdict, &ended) else {
            continue;
        };
        let new_rules: BTreeSet<String> = result
            .findings
            .iter()
            .map(|f| f.rule.clone())
            .filter(|r| !p.template.baseline.contains(r))
            .collect();
        let target_rule = match rule {
            "KONFORM-PROBE-002" => Some(
                target
                    .map(|m| m.rule.clone())
                    .filter(|r| new_rules.len() == 1 && new_rules.contains(r))
                    .unwrap_or_else(|| new_rules.iter().cloned().collect::<Vec<_>>().join("+")),
            ),
            _ => None,
        };
        if failures.repeat(rule, target_rule.as_deref()) {
            continue;
        }
        let shrink_start = Instant::now();
        let failure = shrink_and_save(
            &mut oracle,
            subject,
            opts,
            (rule, target_rule, &p.template.baseline),
            (k, tree, target, &ended),
            &case_file,
        )?;
        failures.add(failure);
        shrinking += shrink_start.elapsed();
    }
    // The rate covers generating, validating and running cases, not shrinking failures.
    let elapsed = started.elapsed().saturating_sub(shrinking).as_secs_f64();
    let failures = failures.into_vec();
    let key = opts.standard.spec.key();
    let results = failures
        .iter()
        .map(|f| failure_result(f, &key, oracle.fail_on()))
        .collect();
    let report = ProbeReport {
        mode: ProbeMode::Consumer,
        command: subject.command().to_string(),
        standard: key,
        profiles: tally.profiles(),
        seed: opts.seed,
        cases: valid + mutant_cases,
        valid_cases: valid,
        mutant_cases,
        seeds: prepared.iter().map(|p| p.template.name.clone()).collect(),
        cases_per_second: if opts.zero_durations || elapsed == 0.0 {
            0.0
        } else {
            ((valid + mutant_cases) as f64 / elapsed * 10.0).round() / 10.0
        },
        failures,
        coverage: tally.coverage(validator, &opts.standard, edits, &opts.rules),
    };
    Ok((report, results))
}

/// Shrinks a failing case (keeping only smaller messages that fail the same way) and saves it.
fn shrink_and_save(
    oracle: &mut Oracle<'_>,
    subject: &Subject,
    opts: &ProbeOptions,
    (rule, target_rule, baseline): (&str, Option<String>, &BTreeSet<String>),
    (case, tree, mutant, ended): (usize, Element, Option<&Mutant>, &Ended),
    case_file: &std::path::Path,
) -> Result<ProbeFailure, ProbeError> {
    let size_before = tree.size();
    let mut exec_error = None;
    let max = if rule == "KONFORM-PROBE-004" {
        opts.max_shrink.min(8)
    } else {
        opts.max_shrink
    };
    let mut reduction = Reduction::new(tree);
    let shrunk = shrink(&mut reduction, max, |e: &Element| {
        let bytes = e.to_xml().into_bytes();
        let r = oracle.validate("case.xml", bytes.clone());
        let same_judgement = match rule {
            "KONFORM-PROBE-001" => r.verdict == Verdict::Conformant,
            "KONFORM-PROBE-002" => {
                let new: Vec<String> = r
                    .findings
                    .iter()
                    .map(|f| f.rule.clone())
                    .filter(|x| !baseline.contains(x))
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                r.verdict == Verdict::NonConformant
                    && target_rule.as_deref() == Some(new.join("+").as_str())
            }
            _ => true,
        };
        if !same_judgement || std::fs::write(case_file, &bytes).is_err() {
            return false;
        }
        match subject.run(case_file) {
            Ok(run) => classify(r.verdict, &run.ended) == Some(rule),
            Err(e) => {
                exec_error = Some(e);
                false
            }
        }
    });
    if let Some(e) = exec_error {
        return Err(e.into());
    }
    let bytes = shrunk.value.to_xml().into_bytes();
    let judged = oracle.validate("case.xml", bytes.clone());
    let mut message = format!("the command {} ", words(ended));
    match (rule, &target_rule, mutant) {
        ("KONFORM-PROBE-001", _, _) => message.push_str("although the message is conformant"),
        ("KONFORM-PROBE-002", Some(t), Some(m)) if &m.rule == t => message.push_str(&format!(
            "although the message violates {t} ({})",
            m.description
        )),
        ("KONFORM-PROBE-002", Some(t), _) => {
            message.push_str(&format!("although the message violates {t}"))
        }
        _ => message.push_str(&format!("on a {} message", judged.verdict.as_str())),
    }
    let name = format!(
        "probe-{}-{}{}",
        opts.seed,
        rule.trim_start_matches("KONFORM-PROBE-"),
        target_rule
            .as_deref()
            .map(|t| format!("-{}", t.replace(['+', '/', ' '], "_")))
            .unwrap_or_default()
    );
    let spec = &opts.standard.spec;
    let path = save_vector(
        &opts.out_dir,
        (&spec.id, &spec.version.to_string()),
        &name,
        &bytes,
        &judged,
        &format!("konform probe {rule}: {message}"),
    )
    .map_err(ProbeError::Config)?;
    Ok(ProbeFailure {
        rule: rule.to_string(),
        case,
        repeats: 0,
        target_rule,
        message,
        vector: Some(path.display().to_string()),
        input: None,
        size_before,
        size_after: shrunk.value.size(),
        shrink_steps: shrunk.steps,
    })
}
