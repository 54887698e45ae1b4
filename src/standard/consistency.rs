//! The consistency check of a package manifest: unique names, references that resolve, and
//! the parts other modules own (the `acceptMatch` compiles, the `[[runtime]]` entries name
//! rules, `refines` is a selector). It sits above those modules so that the manifest itself
//! imports none of them.

use super::accept_match::AcceptMatch;
use super::manifest::{ProfileSpec, StandardSpec};
use super::selector::Selector;
use super::server_behaviour;

impl StandardSpec {
    /// Checks that need only the manifest: unique names, references that resolve.
    pub fn check_consistency(&self) -> Result<(), String> {
        let id_ok = !self.id.is_empty()
            && self
                .id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !id_ok {
            return Err(format!(
                "id `{}` must be lower-case letters, digits and `-`",
                self.id
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for r in &self.rules {
            if !seen.insert(r.id.as_str()) {
                return Err(format!("rule `{}` is declared twice", r.id));
            }
            for p in &r.profiles {
                if self.profile(p).is_none() {
                    return Err(format!("rule `{}` names unknown profile `{p}`", r.id));
                }
            }
            for v in &r.variants {
                if !self.variants.iter().any(|x| &x.name == v) {
                    return Err(format!("rule `{}` names unknown variant `{v}`", r.id));
                }
            }
            if r.engine.is_empty() {
                return Err(format!("rule `{}` names no engine", r.id));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for a in &self.artefacts {
            if !names.insert(a.name.as_str()) {
                return Err(format!("artefact `{}` is declared twice", a.name));
            }
        }
        AcceptMatch::compile(&self.acceptance)?;
        server_behaviour::check(self)?;
        if let Some(r) = &self.refines {
            let sel = Selector::parse(r)
                .map_err(|_| format!("refines `{r}` is not a standard selector (ID@VERSION)"))?;
            if sel.id() == self.id {
                return Err(format!("refines `{r}` names the standard itself"));
            }
        }
        let fallbacks: Vec<&ProfileSpec> = self.profiles.iter().filter(|p| p.fallback).collect();
        for (i, a) in fallbacks.iter().enumerate() {
            if fallbacks[..i].iter().any(|b| b.format == a.format) {
                return Err(format!(
                    "profiles `{}` and `{}` are both fallback profiles for {:?} documents",
                    fallbacks[..i]
                        .iter()
                        .find(|b| b.format == a.format)
                        .map_or("", |b| b.name.as_str()),
                    a.name,
                    a.format
                ));
            }
        }
        let mut pnames = std::collections::BTreeSet::new();
        for p in &self.profiles {
            for t in &p.matcher.values {
                for re in [&t.matches, &t.name_matches, &t.name_not_matches]
                    .into_iter()
                    .flatten()
                {
                    regex::Regex::new(re)
                        .map_err(|e| format!("profile `{}`: invalid regex /{re}/: {e}", p.name))?;
                }
            }
            if let Some(c) = &p.claims {
                for t in &c.values {
                    for re in [&t.matches, &t.not_matches].into_iter().flatten() {
                        regex::Regex::new(re).map_err(|e| {
                            format!("profile `{}`: invalid regex /{re}/: {e}", p.name)
                        })?;
                    }
                }
            }
            if p.fallback_rule.is_some() && !p.fallback {
                return Err(format!(
                    "profile `{}` names a fallback_rule but is not a fallback profile",
                    p.name
                ));
            }
            for id in p.fallback_rule.iter().chain(&p.rules) {
                if self.rule(id).is_none() {
                    return Err(format!("profile `{}` names unknown rule `{id}`", p.name));
                }
            }
            if !pnames.insert(p.name.as_str()) {
                return Err(format!("profile `{}` is declared twice", p.name));
            }
            for a in &p.artefacts {
                if !names.contains(a.as_str()) {
                    return Err(format!("profile `{}` names unknown artefact `{a}`", p.name));
                }
            }
        }
        Ok(())
    }
}
