//! Choose: the standard, profile and variant a document is evaluated with (the standard the
//! user named, else detection by content through `standard::detect`), and the more general
//! standards that also apply to it.

use super::Session;
use crate::report::model::{ErrorKind, EvalError};
use crate::standard::Package;
use crate::standard::detect::{self, Detection, Probe};
use std::sync::Arc;

/// The standard and profile a document is evaluated with.
pub(super) struct Chosen {
    pub(super) package: Arc<Package>,
    pub(super) profile: String,
    /// Set when the named standard's fallback profile was taken: why each profile did not match.
    pub(super) fallback: Option<Vec<String>>,
}

impl Session<'_> {
    pub(super) fn choose(&self, probe: &dyn Probe) -> Result<Chosen, EvalError> {
        let opts = &self.validator.options;
        let detection_error = |message: String| EvalError {
            kind: ErrorKind::Detection,
            message,
        };
        let standard = self.standard();
        let chosen =
            |package: &Arc<Package>, profile: &str, fallback: Option<Vec<String>>| Chosen {
                package: package.clone(),
                profile: profile.to_string(),
                fallback,
            };
        if let (Some(p), Some(profile)) = (standard, &opts.profile) {
            let spec = p.spec.profile(profile).ok_or_else(|| {
                let names: Vec<&str> = p.spec.profiles.iter().map(|x| x.name.as_str()).collect();
                detection_error(format!(
                    "{} has no profile `{profile}` (profiles: {})",
                    p.spec.key(),
                    names.join(", ")
                ))
            })?;
            // The user named the profile: specification identifiers do not overrule it.
            detect::check_named_profile(spec, probe).map_err(|why| {
                detection_error(format!(
                    "the document does not match profile {profile} of {}: {why}",
                    p.spec.key()
                ))
            })?;
            return Ok(chosen(p, profile, None));
        }
        let only;
        let packages: &[Arc<Package>] = match standard {
            Some(p) => {
                only = [p.clone()];
                &only
            }
            None => self.validator.registry.packages(),
        };
        match detect::detect(packages.iter(), probe) {
            Detection::One(c) => Ok(chosen(&c.package, &c.profile, None)),
            Detection::None(why) => {
                if let Some(p) = standard {
                    // A named standard: a document of its family, then its envelope level.
                    if let Some(profile) = detect::claimed_profile(&p.spec, probe)
                        .map_err(|several| {
                            detection_error(format!(
                                "the document claims {} and matches several of its profiles; choose one with --profile: {}",
                                p.spec.key(),
                                several.join(", ")
                            ))
                        })?
                    {
                        return Ok(chosen(p, &profile, None));
                    }
                    if let Some(f) = p
                        .spec
                        .profiles
                        .iter()
                        .find(|f| f.fallback && detect::check_profile(f, probe).is_ok())
                    {
                        return Ok(chosen(p, &f.name, Some(why)));
                    }
                }
                Err(detection_error(format!(
                    "no installed standard profile matches the document{}:\n  {}",
                    if standard.is_some() {
                        ""
                    } else {
                        " (name one with --standard)"
                    },
                    if why.is_empty() {
                        "no standards are installed".to_string()
                    } else {
                        why.join("\n  ")
                    }
                )))
            }
            Detection::Several(c) => Err(detection_error(format!(
                "several standard profiles match the document; choose one with --standard/--profile:\n  {}",
                c.iter()
                    .map(|c| format!("{} profile {}", c.package.spec.key(), c.profile))
                    .collect::<Vec<_>>()
                    .join("\n  ")
            ))),
        }
    }

    /// The installed standards that `package` refines (directly or through others) and whose
    /// profiles match or claim the document: the more general standards that also apply.
    pub(super) fn general_standards(&self, package: &Package, probe: &dyn Probe) -> Vec<String> {
        let mut out = Vec::new();
        let mut next = package.spec.refines.clone();
        let mut hops = 0;
        while let Some(sel) = next.take() {
            hops += 1;
            if hops > 8 {
                break;
            }
            let Ok(general) = self.validator.registry.resolve(&sel) else {
                break;
            };
            let applies = general.spec.profiles.iter().any(|p| {
                !p.fallback && (detect::check_profile(p, probe).is_ok() || detect::claims(p, probe))
            });
            if applies && !out.contains(&general.spec.key()) {
                out.push(general.spec.key());
            }
            next = general.spec.refines.clone();
        }
        out
    }

    /// The variant: forced for this session, else the run's, else the standard's first.
    pub(super) fn variant_for(&self, package: &Package) -> String {
        self.variant
            .clone()
            .or_else(|| self.validator.options.variant.clone())
            .unwrap_or_else(|| package.spec.default_variant().to_string())
    }
}
