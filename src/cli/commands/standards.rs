//! `konform standards list|show` and `konform rule`.

use crate::cli::args::StandardsArgs;
use crate::cli::load_registry;
use crate::report::model::ExitStatus;

/// Lists installed standards.
pub fn list(common: &StandardsArgs) -> miette::Result<ExitStatus> {
    let reg = load_registry(common)?;
    println!(
        "{:<28} {:<11} {:<9} {:<10} TITLE",
        "STANDARD", "STATE", "PROFILES", "ORIGIN"
    );
    for p in reg.packages() {
        let s = &p.spec;
        println!(
            "{:<28} {:<11} {:<9} {:<10} {}",
            s.key(),
            format!("{:?}", s.status.state).to_lowercase(),
            s.profiles.len(),
            p.origin.to_string(),
            s.title
        );
    }
    Ok(ExitStatus::Conformant)
}

/// Shows a standard's profiles and rule catalogue.
pub fn show(selector: &str, common: &StandardsArgs) -> miette::Result<ExitStatus> {
    let reg = load_registry(common)?;
    let p = crate::cli::errors::resolve(&reg, selector, None)?;
    let s = &p.spec;
    println!("{} — {}", s.key(), s.title);
    println!("publisher: {}", s.publisher);
    println!("state: {}", format!("{:?}", s.status.state).to_lowercase());
    if let Some(r) = &s.status.replaced_by {
        println!("replaced by: {r}");
    }
    if let Some(r) = &s.refines {
        println!("refines: {r}");
    }
    if let Some(src) = &s.source {
        let mut from = format!("{} configuration {}", src.kind, src.configuration);
        if let Some(r) = &src.release {
            from.push_str(&format!(" release {r}"));
        }
        if let Some(c) = &src.commit {
            from.push_str(&format!(" (commit {c})"));
        }
        println!("generated from: {from}");
    }
    println!("origin: {}", p.origin);
    println!("digest: {}", p.digest);
    if !s.variants.is_empty() {
        let v: Vec<String> = s
            .variants
            .iter()
            .map(|v| format!("{} ({})", v.name, v.title))
            .collect();
        println!("variants: {}", v.join(", "));
    }
    println!("\nprofiles:");
    for pr in &s.profiles {
        let fallback = if pr.fallback { "  (fallback)" } else { "" };
        println!("  {:<12} {:?}  {}{fallback}", pr.name, pr.format, pr.title);
    }
    println!("\nartefacts:");
    for a in &s.artefacts {
        println!("  {:<28} {:?}  sha256:{}", a.file, a.kind, a.sha256);
    }
    println!("\nrules:");
    println!(
        "  {:<16} {:<10} {:<8} {:<28} {:<40} TITLE",
        "ID", "LEVEL", "SEVERITY", "ENGINE", "CLAUSE"
    );
    for r in &s.rules {
        let engines: Vec<String> = r
            .engine
            .iter()
            .map(|e| format!("{e:?}").to_lowercase())
            .collect();
        println!(
            "  {:<16} {:<10} {:<8} {:<28} {:<40} {}",
            r.id,
            r.level.as_str(),
            r.severity.as_str(),
            engines.join("+"),
            r.clause,
            r.title
        );
    }
    Ok(ExitStatus::Conformant)
}

/// Explains a rule.
pub fn rule(
    id: &str,
    standard: Option<&str>,
    common: &StandardsArgs,
) -> miette::Result<ExitStatus> {
    let reg = load_registry(common)?;
    let packages = match standard {
        Some(sel) => vec![crate::cli::errors::resolve(&reg, sel, None)?],
        None => reg.packages().to_vec(),
    };
    let mut found = false;
    for p in packages {
        if let Some(r) = p.spec.rule(id) {
            found = true;
            println!("{} ({}) — {}", r.id, p.spec.key(), r.title);
            println!(
                "level: {}  severity: {}  clause: {}",
                r.level.as_str(),
                r.severity.as_str(),
                r.clause
            );
            if !r.profiles.is_empty() {
                println!("profiles: {}", r.profiles.join(", "));
            }
            if !r.variants.is_empty() {
                println!("variants: {}", r.variants.join(", "));
            }
            if let Some(rt) = p.spec.runtime_of(id) {
                println!(
                    "runtime variant: {}\n  behaviour: {}\n  decided by: {}",
                    rt.enforced.as_str(),
                    rt.behaviour,
                    rt.citation
                );
            }
            if let Some(d) = &r.description {
                println!("\n{d}");
            }
        }
    }
    if let Some(imp) = crate::engine::protocol::find(id) {
        found = true;
        println!(
            "\n{}",
            imp.explain()
                .lines()
                .map(str::trim)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    if let Some(r) = crate::standard::builtin::rules()
        .into_iter()
        .find(|r| r.id == id)
    {
        found = true;
        println!("{} (built-in) — {}\nclause: {}", r.id, r.title, r.clause);
        if let Some(d) = &r.description {
            println!("\n{d}");
        }
    }
    if found {
        Ok(ExitStatus::Conformant)
    } else {
        Err(miette::miette!("no rule `{id}` in the installed standards"))
    }
}
