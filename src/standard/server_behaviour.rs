//! What the reference implementation does with a rule: the `[[runtime]]` entries of
//! `standard.toml` (written right after the `[[rules]]` entry they describe), and the Markdown
//! table of them that `docs/` publishes.
//!
//! A standard with a `runtime` variant (X-Road: the Security Server) says for each rule whether
//! that implementation enforces it as the text does (`same`), enforces it its own way
//! (`differs`: the protocol rule evaluates it that way in the runtime variant) or not at all
//! (`no`: in the runtime variant its findings are information), with the class and method that
//! decide it. This module owns the data and its rendering; the pipeline applies it.

pub use super::manifest::{Enforcement, RuntimeBehaviour};
use super::manifest::{EngineKind, StandardSpec};

/// The name of the variant that stands for the reference implementation.
pub const RUNTIME_VARIANT: &str = "runtime";

/// What a finding of `rule` found by `engine` becomes in `variant`: `None` when it keeps its
/// severity, `Some(note)` when the reference implementation does not enforce it (the finding
/// becomes information, its message prefixed by the note).
pub fn not_enforced_note(
    spec: &StandardSpec,
    rule: &str,
    engine: EngineKind,
    variant: &str,
) -> Option<String> {
    if variant != RUNTIME_VARIANT {
        return None;
    }
    let rt = spec.runtime_of(rule)?;
    match (rt.enforced, engine) {
        (Enforcement::No, _) => Some(format!(
            "not enforced by the Security Server ({})",
            rt.citation
        )),
        (Enforcement::Differs, EngineKind::Xsd) => Some(
            "not enforced by the Security Server (it validates no schema; the rule's own check applies)"
                .to_string(),
        ),
        _ => None,
    }
}

/// Escapes a table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// Renders the runtime table of some standards as Markdown (docs/xroad-runtime.md is this text
/// for the X-Road packages; a test keeps the two equal).
pub fn render_markdown(specs: &[&StandardSpec]) -> String {
    let mut out = String::from(
        "# X-Road: what the Security Server enforces, rule by rule\n\n\
         Generated from the rule catalogue (`standards/*/*/standard.toml`, `[[runtime]]`);\n\
         do not edit by hand: `KONFORM_BLESS=1 cargo test --test catalogue runtime_table` rewrites it,\n\
         and the same test fails when this file and the catalogue differ.\n\n\
         - `strict` checks the normative text (the clause column) **and** every check `runtime`\n\
         \x20 makes, so it never accepts a message `runtime` rejects.\n\
         - `runtime` decides as the Security Server does. *not enforced*: its findings are\n\
         \x20 information (\"not enforced by the Security Server\"); *enforced differently*: the\n\
         \x20 rule is evaluated the server's way, and schema findings are information (the\n\
         \x20 server validates no schema).\n",
    );
    for spec in specs {
        out.push_str(&format!(
            "\n## {} ({})\n\n| rule | strict clause | runtime | runtime behaviour | Security Server citation |\n|---|---|---|---|---|\n",
            spec.key(),
            cell(&spec.title)
        ));
        for r in &spec.rules {
            let (enf, beh, cit) = match spec.runtime_of(&r.id) {
                Some(rt) => (
                    rt.enforced.as_str(),
                    cell(&rt.behaviour),
                    cell(&rt.citation),
                ),
                None => ("(not stated)", String::new(), String::new()),
            };
            out.push_str(&format!(
                "| {} | {} | {enf} | {beh} | {cit} |\n",
                r.id,
                cell(&r.clause)
            ));
        }
    }
    out
}

/// Checks the `[[runtime]]` entries of a manifest: each names a rule of the package, once.
pub fn check(spec: &StandardSpec) -> Result<(), String> {
    let mut seen = std::collections::BTreeSet::new();
    for b in &spec.runtime {
        if spec.rule(&b.rule).is_none() {
            return Err(format!("[[runtime]] names unknown rule `{}`", b.rule));
        }
        if !seen.insert(b.rule.as_str()) {
            return Err(format!("[[runtime]] of rule `{}` is given twice", b.rule));
        }
        if spec.variants.iter().all(|v| v.name != RUNTIME_VARIANT) {
            return Err(format!(
                "[[runtime]] of rule `{}`, but the package has no `{RUNTIME_VARIANT}` variant",
                b.rule
            ));
        }
    }
    Ok(())
}

impl StandardSpec {
    /// What the reference implementation does with a rule, if the package says.
    pub fn runtime_of(&self, rule: &str) -> Option<&RuntimeBehaviour> {
        self.runtime.iter().find(|b| b.rule == rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(extra: &str) -> StandardSpec {
        let text = format!(
            "id = \"s\"\nversion = \"1.0.0\"\ntitle = \"S | T\"\n\
             [[variants]]\nname = \"strict\"\n[[variants]]\nname = \"runtime\"\n\
             [[profiles]]\nname = \"p\"\nformat = \"xml\"\n[profiles.match]\nroot = \"{{urn:a}}a\"\n\
             [[rules]]\nid = \"R-1\"\nlevel = \"MUST\"\nseverity = \"error\"\ntitle = \"t\"\n\
             clause = \"§1\"\nengine = [\"xsd\", \"protocol\"]\n{extra}"
        );
        toml::from_str(&text).expect("manifest")
    }

    const DIFFERS: &str = "[[runtime]]\nrule = \"R-1\"\nenforced = \"differs\"\n\
                           behaviour = \"a | b\"\ncitation = \"C.m (X 1.0)\"\n";

    #[test]
    fn only_the_runtime_variant_marks_findings_and_differs_marks_only_schema_findings() {
        let s = spec(DIFFERS);
        assert!(s.check_consistency().is_ok());
        assert!(not_enforced_note(&s, "R-1", EngineKind::Xsd, "strict").is_none());
        assert!(not_enforced_note(&s, "R-1", EngineKind::Protocol, "runtime").is_none());
        let note = not_enforced_note(&s, "R-1", EngineKind::Xsd, "runtime").expect("note");
        assert!(
            note.starts_with("not enforced by the Security Server"),
            "{note}"
        );
        let no = spec(&DIFFERS.replace("differs", "no"));
        let note = not_enforced_note(&no, "R-1", EngineKind::Protocol, "runtime").expect("note");
        assert!(note.contains("C.m (X 1.0)"), "{note}");
        assert!(not_enforced_note(&no, "R-2", EngineKind::Protocol, "runtime").is_none());
    }

    #[test]
    fn entries_must_name_a_rule_once_in_a_package_with_a_runtime_variant() {
        let unknown = spec(&DIFFERS.replace("R-1", "R-9"));
        let e = unknown.check_consistency().expect_err("unknown rule");
        assert!(e.contains("R-9"), "{e}");
        let twice = spec(&format!("{DIFFERS}{DIFFERS}"));
        assert!(
            twice
                .check_consistency()
                .expect_err("twice")
                .contains("twice")
        );
        let mut no_variant = spec(DIFFERS);
        no_variant.variants.retain(|v| v.name != RUNTIME_VARIANT);
        assert!(no_variant.check_consistency().is_err());
    }

    #[test]
    fn the_table_escapes_cells_and_lists_every_rule() {
        let s = spec(DIFFERS);
        let md = render_markdown(&[&s]);
        assert!(md.contains("## s@1.0.0 (S \\| T)"), "{md}");
        assert!(
            md.contains("| R-1 | §1 | enforced differently | a \\| b | C.m (X 1.0) |"),
            "{md}"
        );
        let bare = spec("");
        assert!(render_markdown(&[&bare]).contains("| R-1 | §1 | (not stated) |  |  |"));
    }
}
