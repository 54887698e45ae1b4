//! Valid XML messages, seeded from a standard's own valid vectors: a [`Template`] is one
//! valid vector plus the places where it may vary (optional elements that can be left out,
//! values that can change within their schema facets). A pure schema walk cannot satisfy
//! business rules (Schematron, protocol rules), so a template is *calibrated* once against the
//! validator: a place is kept only if every trial variation of it alone stays conformant, and
//! for enumerations only the values that stay conformant are kept. Generated cases then
//! combine the kept variations freely; that the combinations stay conformant is what the
//! generator's property test checks.

use super::tree::Element;
use super::xsd::SchemaModel;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// How the validator judged a message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judged {
    /// The verdict is conformant.
    pub conformant: bool,
    /// Rules with at least one finding, of any severity.
    pub rules: BTreeSet<String>,
}

/// The validator as generators see it; `None` when a message could not be evaluated.
pub type Judge<'a> = dyn FnMut(&Element) -> Option<Judged> + 'a;

/// How a value may change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueGen {
    /// One of these values.
    Choice(Vec<String>),
    /// Same shape as the original: digits and lower-case letters replaced by random ones.
    Shape(String),
}

impl ValueGen {
    /// The value for a draw.
    pub fn value(&self, draw: u64) -> String {
        match self {
            ValueGen::Choice(v) => v[(draw % v.len() as u64) as usize].clone(),
            ValueGen::Shape(original) => reshape(original, draw),
        }
    }
}

/// Replaces digits by digits and lower-case ASCII letters by lower-case letters, driven by
/// `draw` (a small xorshift generator); everything else is kept.
pub fn reshape(original: &str, draw: u64) -> String {
    let mut x = draw | 1;
    let mut next = |m: u64| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x % m
    };
    original
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from(b'0' + next(10) as u8),
            'a'..='z' => char::from(b'a' + next(26) as u8),
            other => other,
        })
        .collect()
}

/// Where a template varies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// An optional element (pre-order index in the seed) that may be left out.
    Drop(usize),
    /// The text of a leaf element.
    Text(usize, ValueGen),
    /// The value of an attribute.
    Attr(usize, String, ValueGen),
}

/// One valid vector and where it may vary.
#[derive(Debug, Clone)]
pub struct Template {
    /// Name of the seed vector.
    pub name: String,
    /// The seed message.
    pub seed: Element,
    /// Calibrated places of variation.
    pub places: Vec<Place>,
    /// Rules the seed already reports (warnings of a conformant seed).
    pub baseline: BTreeSet<String>,
}

/// One draw: per place, `None` (keep the seed) or a draw for its variation.
pub type Plan = Vec<Option<u64>>;

const TRIALS: u64 = 3;

fn candidates(seed: &Element, schema: &SchemaModel) -> Vec<Place> {
    let mut out = Vec::new();
    for (i, _, e) in seed.walk() {
        if i > 0 && schema.optional.contains(e.local()) {
            out.push(Place::Drop(i));
        }
        let text = e.text();
        if e.is_leaf() && !text.trim().is_empty() {
            out.push(Place::Text(i, gen_for(schema, e.local(), &text)));
        }
        for (k, v) in &e.attrs {
            if k == "xmlns" || k.starts_with("xmlns:") || v.is_empty() {
                continue;
            }
            let local = k.rsplit(':').next().unwrap_or(k);
            out.push(Place::Attr(
                i,
                k.clone(),
                gen_for(schema, &format!("@{local}"), v),
            ));
        }
    }
    out
}

fn gen_for(schema: &SchemaModel, key: &str, original: &str) -> ValueGen {
    match schema.facets(key) {
        Some(f) if !f.enumeration.is_empty() => ValueGen::Choice(f.enumeration.clone()),
        _ => ValueGen::Shape(original.to_string()),
    }
}

impl Template {
    /// Calibrates a seed: keeps the places whose variations alone stay conformant. Checks at
    /// most `budget` variations (places are tried in document order), then up to as many
    /// random combinations to settle conflicts. Returns `None` when the seed itself is not
    /// conformant.
    pub fn calibrate(
        name: &str,
        seed: Element,
        schema: &SchemaModel,
        budget: usize,
        judge: &mut Judge<'_>,
    ) -> Option<Template> {
        let baseline = judge(&seed)?;
        if !baseline.conformant {
            return None;
        }
        let mut t = Template {
            name: name.to_string(),
            seed,
            places: Vec::new(),
            baseline: baseline.rules,
        };
        let mut spent = 0;
        for place in candidates(&t.seed, schema) {
            if spent >= budget {
                break;
            }
            let kept = match place {
                Place::Drop(_) => {
                    spent += 1;
                    t.alone_ok(&place, 0, judge).then_some(place)
                }
                Place::Text(i, ValueGen::Shape(ref s))
                | Place::Attr(i, _, ValueGen::Shape(ref s))
                    if s.chars()
                        .any(|c| c.is_ascii_digit() || c.is_ascii_lowercase()) =>
                {
                    let _ = i;
                    spent += TRIALS as usize;
                    (1..=TRIALS)
                        .all(|d| t.alone_ok(&place, d * 0x9e37_79b9, judge))
                        .then_some(place)
                }
                Place::Text(i, ValueGen::Choice(ref v)) => {
                    spent += v.len().min(8);
                    let ok = t.ok_choices(&place, v, judge);
                    (ok.len() > 1).then_some(Place::Text(i, ValueGen::Choice(ok)))
                }
                Place::Attr(i, ref k, ValueGen::Choice(ref v)) => {
                    spent += v.len().min(8);
                    let ok = t.ok_choices(&place, v, judge);
                    (ok.len() > 1).then_some(Place::Attr(i, k.clone(), ValueGen::Choice(ok)))
                }
                _ => None,
            };
            t.places.extend(kept);
        }
        t.settle_conflicts(budget.max(64), judge);
        Some(t)
    }

    /// Places that are fine alone can conflict in pairs (leaving out both the start and the end
    /// date of a period). Random plans that fail point at them: the place that took part in
    /// most failing plans is frozen, until a run of plans all stay conformant.
    fn settle_conflicts(&mut self, budget: usize, judge: &mut Judge<'_>) {
        let mut failed = vec![0usize; self.places.len()];
        let (mut streak, mut x) = (0, 0x2545_f491_4f6c_dd1d_u64);
        for _ in 0..budget {
            if streak >= 24 || self.places.is_empty() {
                break;
            }
            let plan: Plan = (0..self.places.len())
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x & 1 == 1).then_some(x >> 1)
                })
                .collect();
            let e = self.instantiate(&plan);
            if judge(&e).is_some_and(|j| j.conformant && j.rules.is_subset(&self.baseline)) {
                streak += 1;
                continue;
            }
            streak = 0;
            for (i, d) in plan.iter().enumerate() {
                if d.is_some() {
                    failed[i] += 1;
                }
            }
            let worst = (0..plan.len())
                .filter(|&i| plan[i].is_some())
                .max_by_key(|&i| (failed[i], std::cmp::Reverse(i)));
            if let Some(w) = worst {
                self.places.remove(w);
                failed.remove(w);
            }
        }
    }

    fn ok_choices(&self, place: &Place, values: &[String], judge: &mut Judge<'_>) -> Vec<String> {
        values
            .iter()
            .take(8)
            .enumerate()
            .filter(|(k, _)| self.alone_ok(place, *k as u64, judge))
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn alone_ok(&self, place: &Place, draw: u64, judge: &mut Judge<'_>) -> bool {
        let mut e = self.seed.clone();
        apply_place(&mut e, place, draw);
        judge(&e).is_some_and(|j| j.conformant && j.rules.is_subset(&self.baseline))
    }

    /// The strategy of plans for this template: each place varies with probability 1/2.
    pub fn plans(&self) -> BoxedStrategy<Plan> {
        let per: Vec<_> = self
            .places
            .iter()
            .map(|_| proptest::option::of(any::<u64>()))
            .collect();
        per.boxed()
    }

    /// A plan's value variations only (no removals), for mutants addressed by seed index.
    pub fn values_only(&self, plan: &Plan) -> Plan {
        self.places
            .iter()
            .zip(plan)
            .map(|(p, d)| {
                if matches!(p, Place::Drop(_)) {
                    None
                } else {
                    *d
                }
            })
            .collect()
    }

    /// The message for a plan (values first, then removals from the last index backwards, so
    /// indexes stay valid).
    pub fn instantiate(&self, plan: &Plan) -> Element {
        let mut e = self.seed.clone();
        let mut drops = Vec::new();
        for (place, draw) in self.places.iter().zip(plan) {
            let Some(d) = draw else { continue };
            match place {
                Place::Drop(i) => drops.push(*i),
                other => apply_place(&mut e, other, *d),
            }
        }
        drops.sort_unstable();
        for i in drops.into_iter().rev() {
            e.remove(i);
        }
        e
    }
}

fn apply_place(e: &mut Element, place: &Place, draw: u64) {
    match place {
        Place::Drop(i) => {
            e.remove(*i);
        }
        Place::Text(i, g) => {
            if let Some(n) = e.get_mut(*i) {
                n.set_text(&g.value(draw));
            }
        }
        Place::Attr(i, k, g) => {
            if let Some(n) = e.get_mut(*i)
                && let Some(a) = n.attrs.iter_mut().find(|(name, _)| name == k)
            {
                a.1 = g.value(draw);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::tree::parse;

    #[test]
    fn calibration_keeps_only_variations_that_stay_valid() {
        let seed = parse("<r><id>ab12</id><fixed>x1</fixed><opt>1</opt></r>").unwrap();
        let schema = SchemaModel {
            optional: ["opt".to_string(), "id".to_string()].into(),
            ..SchemaModel::default()
        };
        // "valid": has an id, and fixed is exactly x1
        let mut judge = |e: &Element| {
            let walk = e.walk();
            let has_id = walk.iter().any(|(_, _, n)| n.local() == "id");
            let fixed_ok = walk
                .iter()
                .any(|(_, _, n)| n.local() == "fixed" && n.text() == "x1");
            let mut rules = BTreeSet::new();
            if !has_id {
                rules.insert("ID".to_string());
            }
            if !fixed_ok {
                rules.insert("FIXED".to_string());
            }
            Some(Judged {
                conformant: rules.is_empty(),
                rules,
            })
        };
        let t = Template::calibrate("t", seed, &schema, 100, &mut judge).unwrap();
        assert!(t.places.contains(&Place::Drop(3)));
        assert!(!t.places.contains(&Place::Drop(1)));
        assert!(t.places.iter().any(|p| matches!(p, Place::Text(1, _))));
        assert!(!t.places.iter().any(|p| matches!(p, Place::Text(2, _))));
        let all: Plan = t.places.iter().map(|_| Some(7)).collect();
        let e = t.instantiate(&all);
        assert_eq!(judge(&e).map(|j| j.conformant), Some(true));
        assert_eq!(e.size(), 3);
        assert_eq!(reshape("ab-12", 5).len(), 5);
        assert_ne!(reshape("ab-12", 5), reshape("ab-12", 6));
    }
}
