//! Acceptance: the standard's policy on top of the verdict. `reject_at` decides, unless the
//! package carries a KoSIT `acceptMatch`, which is evaluated on a KoSIT-shaped report of the
//! document (see `kosit_report`).

use super::{Session, kosit_report};
use crate::report::model::{Acceptance, DocumentResult, ErrorKind, EvalError};
use crate::standard::accept_match::AcceptMatch;
use crate::standard::{Package, Severity};

impl Session<'_> {
    /// Decides the document's acceptance by its standard's policy. A document with no standard
    /// to ask is rejected.
    pub(super) fn accept(&mut self, result: &mut DocumentResult, fail_on: Severity) {
        if let Some(p) = result
            .standard
            .as_deref()
            .and_then(|k| self.validator.package(k))
        {
            result.accept(p.spec.acceptance.reject_at);
            self.accept_match(p, result, fail_on);
        } else {
            // No standard to ask (the document matches none, or could not be read): rejected,
            // as the KoSIT validator reports a document that no scenario matches.
            result.accept(Severity::Error);
        }
    }

    /// Evaluates the package's `acceptMatch` (if any) on the document's KoSIT-shaped report,
    /// whose assessment is the `reject_at` decision already taken. A failed evaluation makes
    /// the document "could not evaluate".
    fn accept_match(&mut self, pkg: &Package, result: &mut DocumentResult, fail_on: Severity) {
        if result.error.is_some() || pkg.spec.acceptance.kosit_accept_match.is_none() {
            return;
        }
        let Some(profile) = result.profile.clone() else {
            return;
        };
        let compiled = self
            .accept_matches
            .entry(pkg.spec.key())
            .or_insert_with(|| AcceptMatch::compile(&pkg.spec.acceptance));
        let outcome = match compiled {
            Ok(Some(m)) => {
                let accepted = result.acceptance == Some(Acceptance::Accept);
                let report = kosit_report::render(pkg, &profile, result, accepted);
                m.accepts(&report).map_err(|e| (ErrorKind::Engine, e))
            }
            Ok(None) => return,
            Err(e) => Err((ErrorKind::Configuration, e.clone())),
        };
        match outcome {
            Ok(accept) => {
                result.acceptance = Some(if accept {
                    Acceptance::Accept
                } else {
                    Acceptance::Reject
                });
            }
            Err((kind, message)) => {
                result.error = Some(EvalError { kind, message });
                result.finish(fail_on);
                result.acceptance = Some(Acceptance::Reject);
            }
        }
    }
}
