//! Producer mode: the vendor's command turns each input into a message on standard output;
//! konform validates every output. A non-conformant output (or a crash, a timeout, a failed
//! run) is a failure with its input; generated inputs are shrunk first.

use super::exec::{Ended, Subject};
use super::{Failures, Oracle, ProbeError, ProbeOptions, Tally, failure_result, save_vector};
use crate::generate::{json, runner, shrink};
use crate::pipeline::Validator;
use crate::report::model::{DocumentResult, Verdict};
use crate::report::probe::{ProbeFailure, ProbeMode, ProbeReport};
use proptest::strategy::{BoxedStrategy, Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where inputs come from.
#[derive(Debug, Clone)]
pub enum Inputs {
    /// Given files.
    Files(Vec<PathBuf>),
    /// Generated from this JSON Schema.
    Generated(serde_json::Value),
}

/// How one input fared: the failing probe rule (if any), the output's failing rules, and the
/// judged output.
struct Outcome {
    rule: Option<&'static str>,
    target: Option<String>,
    ended: Ended,
    output: Vec<u8>,
    judged: Option<DocumentResult>,
}

fn attempt(
    oracle: &mut Oracle<'_>,
    subject: &Subject,
    input: &Path,
    tally: Option<&mut Tally>,
) -> Result<Outcome, ProbeError> {
    let run = subject.run(input)?;
    let mut o = Outcome {
        rule: None,
        target: None,
        ended: run.ended.clone(),
        output: run.stdout,
        judged: None,
    };
    match run.ended {
        Ended::Crashed(_) => o.rule = Some("KONFORM-PROBE-003"),
        Ended::TimedOut => o.rule = Some("KONFORM-PROBE-004"),
        Ended::Rejected(_) => o.rule = Some("KONFORM-PROBE-006"),
        Ended::Accepted if o.output.iter().all(u8::is_ascii_whitespace) => {
            o.rule = Some("KONFORM-PROBE-006");
        }
        Ended::Accepted => {
            let r = oracle.validate("output.xml", o.output.clone());
            if let Some(t) = tally {
                t.record(&r);
            }
            if r.verdict != Verdict::Conformant {
                let mut rules: Vec<String> = r
                    .findings
                    .iter()
                    .filter(|f| f.fails(oracle.fail_on()))
                    .map(|f| f.rule.clone())
                    .collect();
                rules.dedup();
                o.rule = Some("KONFORM-PROBE-005");
                o.target = Some(rules.join("+"));
            }
            o.judged = Some(r);
        }
    }
    Ok(o)
}

fn describe(o: &Outcome) -> String {
    match (o.rule, &o.ended) {
        (Some("KONFORM-PROBE-005"), _) => format!(
            "the command's output is not conformant (violates {})",
            o.target.as_deref().unwrap_or("?")
        ),
        (_, Ended::Crashed(s)) => format!("the command crashed (signal {s})"),
        (_, Ended::TimedOut) => "the command did not finish within the timeout".into(),
        (_, Ended::Rejected(c)) => format!("the command failed (exit status {c})"),
        _ => "the command produced no output".into(),
    }
}

/// Draws generated inputs until one the input schema accepts (the generator's values are
/// only very probably valid); gives up after 100 draws with a configuration error.
fn valid_tree(
    strategy: &BoxedStrategy<serde_json::Value>,
    rng: &mut TestRunner,
    input_ok: &impl Fn(&serde_json::Value) -> bool,
) -> Result<<BoxedStrategy<serde_json::Value> as Strategy>::Tree, ProbeError> {
    for _ in 0..100 {
        let t = strategy
            .new_tree(rng)
            .map_err(|e| ProbeError::Config(e.to_string()))?;
        if input_ok(&t.current()) {
            return Ok(t);
        }
    }
    Err(ProbeError::Config(
        "no value generated from the input schema in 100 draws satisfies it (unsatisfiable or \
         beyond the generator: give --inputs instead)"
            .into(),
    ))
}

/// Runs producer mode.
pub fn run(
    validator: &Validator,
    subject: &Subject,
    inputs: &Inputs,
    opts: &ProbeOptions,
) -> Result<(ProbeReport, Vec<DocumentResult>), ProbeError> {
    let mut oracle = Oracle::new(validator);
    let dir = tempfile::tempdir().map_err(|e| ProbeError::Config(e.to_string()))?;
    let input_file = dir.path().join("input.json");
    let write = |v: &serde_json::Value| {
        std::fs::write(
            &input_file,
            serde_json::to_vec_pretty(v).unwrap_or_default(),
        )
    };
    // Generated inputs come from the shared JSON Schema generator; each one is confirmed
    // valid by the compiled input schema before the producer sees it (and while shrinking),
    // so a failure is never blamed on an input the schema rejects.
    let (strategy, checker) = match inputs {
        Inputs::Generated(schema) => {
            let checker = json::Checker::new(schema);
            if !checker.usable() {
                return Err(ProbeError::Config(
                    "the input schema (--generate-inputs) does not compile as a JSON Schema".into(),
                ));
            }
            (Some(json::valid(schema)), Some(checker))
        }
        Inputs::Files(_) => (None, None),
    };
    let input_ok = |v: &serde_json::Value| checker.as_ref().is_none_or(|c| c.is_valid(v));
    let count = match inputs {
        Inputs::Files(f) => f.len(),
        Inputs::Generated(_) => opts.cases,
    };
    let mut rng = runner(opts.seed);
    let mut tally = Tally::default();
    let mut failures = Failures::default();
    let mut good = 0;
    let started = Instant::now();
    for k in 0..count {
        let (path, mut tree) = match (inputs, &strategy) {
            (Inputs::Files(f), _) => (f[k].clone(), None),
            (_, Some(s)) => {
                let t = valid_tree(s, &mut rng, &input_ok)?;
                write(&t.current()).map_err(|e| ProbeError::Config(e.to_string()))?;
                (input_file.clone(), Some(t))
            }
            _ => continue,
        };
        let o = attempt(&mut oracle, subject, &path, Some(&mut tally))?;
        let Some(rule) = o.rule else {
            good += 1;
            continue;
        };
        if failures.repeat(rule, o.target.as_deref()) {
            continue;
        }
        let size_before = std::fs::metadata(&path).map_or(0, |m| m.len() as usize);
        let (mut output, mut steps, mut kept) = (o.output.clone(), 0, o.judged.clone());
        let mut input_text = std::fs::read_to_string(&path).unwrap_or_default();
        if let Some(t) = tree.as_mut() {
            let mut last = None;
            let shrunk = shrink(t, opts.max_shrink, |v| {
                if !input_ok(v) || write(v).is_err() {
                    return false;
                }
                match attempt(&mut oracle, subject, &input_file, None) {
                    Ok(n) if n.rule == Some(rule) && n.target == o.target => {
                        last = Some((n.output, n.judged));
                        true
                    }
                    _ => false,
                }
            });
            steps = shrunk.steps;
            input_text = serde_json::to_string_pretty(&shrunk.value).unwrap_or_default();
            if let Some((out, judged)) = last {
                (output, kept) = (out, judged);
            }
        }
        let spec = &opts.standard.spec;
        let name = format!(
            "probe-{}-{}-{k}",
            opts.seed,
            rule.trim_start_matches("KONFORM-PROBE-")
        );
        let message = describe(&o);
        let vector = match &kept {
            Some(judged) => Some(
                save_vector(
                    &opts.out_dir,
                    (&spec.id, &spec.version.to_string()),
                    &name,
                    &output,
                    judged,
                    &format!("konform probe {rule}: {message}"),
                )
                .map_err(ProbeError::Config)?,
            ),
            None => None,
        };
        let input_copy = match tree {
            Some(_) => {
                let d = opts.out_dir.join(&spec.id).join(spec.version.to_string());
                std::fs::create_dir_all(&d).map_err(|e| ProbeError::Config(e.to_string()))?;
                let p = d.join(format!("{name}-input.json"));
                std::fs::write(&p, &input_text).map_err(|e| ProbeError::Config(e.to_string()))?;
                p
            }
            None => path.clone(),
        };
        failures.add(ProbeFailure {
            rule: rule.to_string(),
            case: k,
            repeats: 0,
            target_rule: o.target.clone(),
            message,
            vector: vector.map(|v| v.display().to_string()),
            input: Some(input_copy.display().to_string()),
            size_before,
            size_after: input_text.len(),
            shrink_steps: steps,
        });
    }
    let elapsed = started.elapsed().as_secs_f64();
    let key = opts.standard.spec.key();
    let failures = failures.into_vec();
    let results = failures
        .iter()
        .map(|f| failure_result(f, &key, oracle.fail_on()))
        .collect();
    let report = ProbeReport {
        mode: ProbeMode::Producer,
        command: subject.command().to_string(),
        standard: key,
        profiles: tally.profiles(),
        seed: opts.seed,
        cases: count,
        valid_cases: good,
        mutant_cases: 0,
        seeds: Vec::new(),
        cases_per_second: if opts.zero_durations || elapsed == 0.0 {
            0.0
        } else {
            (count as f64 / elapsed * 10.0).round() / 10.0
        },
        failures,
        coverage: tally.coverage(validator, &opts.standard, 0, &[]),
    };
    Ok((report, results))
}
