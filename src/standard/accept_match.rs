//! A KoSIT `acceptMatch`: an XPath over the validator's report (VARL, namespace
//! [`REP_NS`]) whose effective boolean value decides acceptance.
//!
//! Owns compiling the expression (with the package's namespace bindings) and evaluating it on
//! a report that someone else rendered; it does not know how that report is built (the
//! pipeline renders it from the report model). A compiled expression holds reference-counted
//! state, so it is compiled once per worker thread, never shared across threads.

use super::manifest::AcceptanceSpec;
use xee_xpath::{Documents, Queries, Query};

/// The KoSIT validator report namespace (VARL), bound to `rep` unless the package rebinds it.
pub const REP_NS: &str = "http://www.xoev.de/de/validator/varl/1";
/// SVRL's namespace, bound to `svrl` unless the package rebinds it.
pub const SVRL_NS: &str = "http://purl.oclc.org/dsdl/svrl";

/// A compiled `acceptMatch`.
pub struct AcceptMatch {
    query: xee_xpath::query::SequenceQuery,
    text: String,
}

impl std::fmt::Debug for AcceptMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AcceptMatch")
            .field("text", &self.text)
            .finish()
    }
}

impl AcceptMatch {
    /// Compiles the package's `acceptMatch`, if it has one. `Err` (the expression does not
    /// compile, or uses a prefix it does not bind) is a configuration error.
    pub fn compile(spec: &AcceptanceSpec) -> Result<Option<AcceptMatch>, String> {
        let Some(text) = spec.kosit_accept_match.as_deref() else {
            return Ok(None);
        };
        let mut bindings: Vec<(&str, &str)> = vec![("rep", REP_NS), ("svrl", SVRL_NS)];
        for (p, u) in &spec.namespaces {
            bindings.retain(|(q, _)| q != p);
            bindings.push((p.as_str(), u.as_str()));
        }
        let mut builder = xee_xpath::context::StaticContextBuilder::default();
        for (p, u) in bindings {
            builder.add_namespace(p, u);
        }
        let queries = Queries::new(builder);
        let query = queries
            .sequence(text)
            .map_err(|e| format!("acceptance.kosit_accept_match `{text}` does not compile: {e}"))?;
        Ok(Some(AcceptMatch {
            query,
            text: text.to_string(),
        }))
    }

    /// The expression as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The effective boolean value of the expression with the report `report_xml` (a whole
    /// XML document) as context item. `Err` when the report does not parse or the
    /// evaluation raises an error.
    pub fn accepts(&self, report_xml: &str) -> Result<bool, String> {
        let mut docs = Documents::new();
        let handle = docs
            .add_string_without_uri(report_xml)
            .map_err(|e| format!("the report for acceptMatch does not parse: {e}"))?;
        let seq = self
            .query
            .execute(&mut docs, handle)
            .map_err(|e| format!("acceptMatch `{}` failed: {e}", self.text))?;
        seq.effective_boolean_value()
            .map_err(|e| format!("acceptMatch `{}` has no boolean value: {e}", self.text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(x: &str) -> AcceptanceSpec {
        AcceptanceSpec {
            kosit_accept_match: Some(x.into()),
            ..AcceptanceSpec::default()
        }
    }

    const REPORT: &str = r#"<rep:report xmlns:rep="http://www.xoev.de/de/validator/varl/1"><rep:assessment><rep:accept/></rep:assessment></rep:report>"#;

    #[test]
    fn the_xrechnung_expression_reads_the_assessment() {
        let m = AcceptMatch::compile(&spec("/rep:report/rep:assessment[1]/rep:accept[1]"))
            .expect("compiles")
            .expect("present");
        assert!(m.accepts(REPORT).expect("evaluates"));
        assert!(
            !m.accepts(&REPORT.replace("rep:accept", "rep:reject"))
                .expect("evaluates")
        );
    }

    #[test]
    fn a_bad_expression_or_an_unbound_prefix_does_not_compile() {
        assert!(AcceptMatch::compile(&spec("/rep:report[")).is_err());
        assert!(AcceptMatch::compile(&spec("/x:report")).is_err());
        assert!(
            AcceptMatch::compile(&AcceptanceSpec::default())
                .expect("none")
                .is_none()
        );
    }

    #[test]
    fn a_dynamic_error_is_an_evaluation_error() {
        let m = AcceptMatch::compile(&spec("xs:integer('nope') = 1"))
            .expect("compiles")
            .expect("present");
        assert!(m.accepts(REPORT).is_err());
    }
}
